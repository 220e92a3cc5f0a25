use sea_orm::entity::prelude::*;

/// One version of a scoring rubric; a change is a new row with the next version, so past
/// meetings keep the rubric they were scored with. `owner_unit_id` None = the default.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "rubrics")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub family: String,
    pub version: i32,
    pub owner_unit_id: Option<i64>,
    pub name: String,
    /// JSON list of {code, label, min_tenths}, highest first.
    pub thresholds: String,
    pub created_by: Option<i64>,
    pub created_at: DateTimeUtc,
}
no_relations!();
