use sea_orm::entity::prelude::*;

/// `id` is the SHA-256 of the cookie token, so a leaked table cannot be replayed.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sessions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub member_id: i64,
    pub created_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    /// Last request seen (written at most hourly); a session idle too long ends.
    pub last_seen_at: Option<DateTimeUtc>,
}
no_relations!();
