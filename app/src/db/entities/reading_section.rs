use sea_orm::entity::prelude::*;

/// Accumulated on-screen seconds per member and section.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "reading_sections")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub member_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub section_id: i64,
    pub document_id: i64,
    pub seconds: i32,
}
no_relations!();
