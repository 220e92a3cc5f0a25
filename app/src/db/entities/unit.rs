use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "units")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub parent_id: Option<i64>,
    pub kind: String,
    #[sea_orm(unique)]
    pub code: String,
    pub name: String,
    pub folded_name: String,
    pub depth: i32,
    pub valid_from: Date,
    pub valid_to: Option<Date>,
}
no_relations!();
