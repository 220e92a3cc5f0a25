use sea_orm::entity::prelude::*;

/// Every (ancestor, descendant) pair, including each unit with itself at depth 0.
/// A unit's parent never changes (reorganisations close units and open new ones), so these
/// rows are written once when a unit is created and stay true for all of history.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "unit_closure")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub ancestor_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub descendant_id: i64,
    pub depth: i32,
}
no_relations!();
