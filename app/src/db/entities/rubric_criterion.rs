use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "rubric_criteria")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub rubric_id: i64,
    pub ordinal: i32,
    pub code: String,
    pub label: String,
    pub max_tenths: i32,
    pub auto: Option<String>,
}
no_relations!();
