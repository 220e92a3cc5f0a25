use sea_orm::entity::prelude::*;

/// One multiple-choice question; `options` holds one choice per line, `correct` is 0-based.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "quiz_questions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub document_id: i64,
    pub ordinal: i32,
    pub question: String,
    pub options: String,
    pub correct: i32,
}
no_relations!();
