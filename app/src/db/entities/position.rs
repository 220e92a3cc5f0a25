use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "positions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub member_id: i64,
    pub unit_id: i64,
    pub role: String,
    pub from_date: Date,
    pub to_date: Option<Date>,
}
no_relations!();
