use sea_orm::entity::prelude::*;

/// Required reading: a document every member of a unit's subtree must read by `due_on`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "assignments")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub document_id: i64,
    pub unit_id: i64,
    pub due_on: Date,
    pub assigned_by: i64,
    pub created_at: DateTimeUtc,
}
no_relations!();
