use sea_orm::entity::prelude::*;

/// One structural node (chapter, article, clause, …) with the text directly under it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "document_sections")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub document_id: i64,
    pub ordinal: i32,
    pub kind: String,
    pub number: String,
    pub anchor: String,
    pub heading: String,
    pub body: String,
    pub parent_id: Option<i64>,
    pub words: i32,
}
no_relations!();
