use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "meeting_reviews")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub meeting_id: i64,
    pub reviewer_id: i64,
    /// "adjust" or "approve".
    pub action: String,
    pub criterion_id: Option<i64>,
    pub from_tenths: Option<i32>,
    pub to_tenths: Option<i32>,
    pub reason: String,
    pub at: DateTimeUtc,
}
no_relations!();
