use sea_orm::entity::prelude::*;

/// A private note (and highlighted passage) on a section; only its author ever sees it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "reader_notes")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub client_id: String,
    pub member_id: i64,
    pub document_id: i64,
    pub section_id: i64,
    pub quote: String,
    pub note: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}
no_relations!();
