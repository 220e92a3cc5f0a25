use sea_orm::entity::prelude::*;

/// That someone rated (once each): a keyed fingerprint of the meeting and the member, so
/// only the server, holding the key, can tell whether a given member already rated.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "meeting_rater_tokens")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub meeting_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub token: String,
}
no_relations!();
