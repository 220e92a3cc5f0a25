use sea_orm::entity::prelude::*;

/// One question to the assistant and the answer it gave (JSON of `assistant::Answer`).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "assistant_exchanges")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub client_id: String,
    pub member_id: i64,
    pub unit_id: i64,
    pub question: String,
    pub found: bool,
    /// "extractive", "generative" or "none".
    pub mode: String,
    pub by_voice: bool,
    pub answer: String,
    /// 1 helpful, -1 not helpful.
    pub rating: Option<i32>,
    pub comment: String,
    pub asked_at: DateTimeUtc,
    pub rated_at: Option<DateTimeUtc>,
}
no_relations!();
