use sea_orm::entity::prelude::*;

/// Seconds a section was on screen in a visible tab; `client_id` is made by the browser so a
/// replayed batch is ignored.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "reading_events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub client_id: String,
    pub member_id: i64,
    pub document_id: i64,
    pub section_id: i64,
    /// What the browser claimed.
    pub seconds: i32,
    /// What was counted of it: never more than the real time that passed (see
    /// `reading::service::record`); the rest is received, kept here, and not counted.
    pub credited: i32,
    pub at: DateTimeUtc,
}
no_relations!();
