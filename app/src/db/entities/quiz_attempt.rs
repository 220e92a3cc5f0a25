use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "quiz_attempts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub client_id: String,
    pub member_id: i64,
    pub document_id: i64,
    pub correct: i32,
    pub total: i32,
    /// Graded on the server from the answers below: what reports and confirmation trust.
    pub passed: bool,
    pub at: DateTimeUtc,
    /// The Vietnamese day of the attempt and its number that day (1 to 3); unique together
    /// per member and document. None for attempts made before the daily limit.
    pub day: Option<Date>,
    pub number: Option<i32>,
    /// The answers as graded: `question_id:choice` (the authored 0-based choice), comma-separated.
    pub answers: Option<String>,
}
no_relations!();
