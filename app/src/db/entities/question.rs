use sea_orm::entity::prelude::*;

/// A member's question or proposal to their cell or a committee of their line.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "questions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Made by the asker's device, so a resend is the same question.
    #[sea_orm(unique)]
    pub client_id: String,
    pub asker_id: i64,
    /// The asker's cell when they asked: its secretaries may know a "cell_only" asker.
    pub asker_cell_id: i64,
    /// The unit that holds it now (forwarding moves it along the asker's line).
    pub unit_id: i64,
    /// "question" or "proposal".
    pub kind: String,
    pub topic: String,
    pub title: String,
    pub body: String,
    /// "named", "cell_only" (hidden from higher levels) or "anonymous" (hidden from all).
    pub anonymity: String,
    /// received → assigned → answered → closed.
    pub status: String,
    pub assignee_id: Option<i64>,
    pub due_on: Date,
    pub answer: String,
    pub answered_by: Option<i64>,
    pub answered_at: Option<DateTimeUtc>,
    pub rating: Option<i32>,
    pub rating_comment: String,
    pub merged_into: Option<i64>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}
no_relations!();
