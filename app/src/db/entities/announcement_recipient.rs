use sea_orm::entity::prelude::*;

/// One recipient's receipt: written when sent, read and confirmed at most once each.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "announcement_recipients")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub announcement_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub member_id: i64,
    pub read_at: Option<DateTimeUtc>,
    pub confirmed_at: Option<DateTimeUtc>,
}
no_relations!();
