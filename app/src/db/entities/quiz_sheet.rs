use sea_orm::entity::prelude::*;

/// One viewing of the comprehension check: the shuffled order it was served in, one line
/// per question, `question_id:choice,choice,…` (authored 0-based choices in served order).
/// Answers come back as positions in it; it is used up by the attempt that grades it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "quiz_sheets")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub member_id: i64,
    pub document_id: i64,
    pub layout: String,
    pub created_at: DateTimeUtc,
}
no_relations!();
