use sea_orm::entity::prelude::*;

/// A write a device queued while offline, by its device-made id: applied once, and what the
/// server answered, so a replay gets the same answer.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "offline_writes")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub client_id: String,
    pub member_id: i64,
    pub kind: String,
    /// "applied" or "rejected".
    pub status: String,
    pub message: String,
    pub received_at: DateTimeUtc,
}
no_relations!();
