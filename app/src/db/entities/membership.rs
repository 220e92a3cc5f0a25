use sea_orm::entity::prelude::*;

/// A member belonged to a cell from `from_date` (inclusive) until `to_date` (exclusive).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "memberships")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub member_id: i64,
    pub unit_id: i64,
    pub from_date: Date,
    pub to_date: Option<Date>,
    pub reason: String,
}
no_relations!();
