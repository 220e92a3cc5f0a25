use sea_orm::entity::prelude::*;

/// An anonymous rating: no member, only the day.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "meeting_ratings")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub client_id: String,
    pub meeting_id: i64,
    pub stars: i32,
    pub comment: String,
    pub on_date: Date,
}
no_relations!();
