use sea_orm::entity::prelude::*;

/// A published question and answer in a unit's FAQ; it never records who asked.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "faq_entries")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub unit_id: i64,
    /// The question it came from (one entry per question).
    #[sea_orm(unique)]
    pub question_id: Option<i64>,
    pub topic: String,
    pub question: String,
    pub answer: String,
    pub published_by: i64,
    pub published_at: DateTimeUtc,
}
no_relations!();
