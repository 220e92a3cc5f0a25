use sea_orm::entity::prelude::*;

/// A check-in code: valid for a short time and for one member only.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "meeting_qr_codes")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub meeting_id: i64,
    #[sea_orm(unique)]
    pub code: String,
    pub created_at: DateTimeUtc,
    pub used_by: Option<i64>,
    pub used_at: Option<DateTimeUtc>,
}
no_relations!();
