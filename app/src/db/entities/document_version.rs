use sea_orm::entity::prelude::*;

/// The full source text of every saved version, so an edit can be reviewed or undone.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "document_versions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub document_id: i64,
    pub version: i32,
    pub title: String,
    pub number: String,
    pub text: String,
    pub change_note: String,
    pub edited_by: Option<i64>,
    pub edited_at: DateTimeUtc,
}
no_relations!();
