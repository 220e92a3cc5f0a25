use sea_orm::entity::prelude::*;

/// A document whose searchable state a write changed, in the order the writes took their ids.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "search_changes")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub document_id: i64,
    pub changed_at: DateTimeUtc,
}
no_relations!();
