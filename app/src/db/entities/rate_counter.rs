use sea_orm::entity::prelude::*;

/// Calls of one kind by one member (or address) in one fixed window: "tts:42:1234567".
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "rate_counters")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub key: String,
    pub hits: i32,
    pub window_start: DateTimeUtc,
}
no_relations!();
