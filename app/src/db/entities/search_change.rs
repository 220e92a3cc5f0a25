use sea_orm::entity::prelude::*;

/// Something whose searchable state a write changed, in the order the writes took their ids.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "search_changes")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// A document's id, or an FAQ entry's when `kind` is "faq" (the column kept its first name).
    #[sea_orm(column_name = "document_id")]
    pub subject_id: i64,
    pub changed_at: DateTimeUtc,
    /// "document" or "faq".
    pub kind: String,
}
no_relations!();
