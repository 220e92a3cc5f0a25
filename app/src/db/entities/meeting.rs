use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "meetings")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub unit_id: i64,
    /// "regular" or "thematic".
    pub kind: String,
    /// A regular meeting that also holds the quarter's thematic one (needs 120 minutes).
    pub with_thematic: bool,
    pub topic: String,
    pub agenda: String,
    pub place: String,
    pub starts_at: DateTimeUtc,
    pub planned_minutes: i32,
    pub held_minutes: Option<i32>,
    /// planned → held → scored → approved.
    pub status: String,
    pub rubric_id: Option<i64>,
    pub total_tenths: Option<i32>,
    pub classification: Option<String>,
    pub minutes_approved_at: Option<DateTimeUtc>,
    pub created_by: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// Attendance rolled up whenever it is written (`meetings::service::refresh_counts`):
    /// members invited, present or late, absent without reason.
    pub expected_count: i32,
    pub attended_count: i32,
    pub unexcused_count: i32,
}
no_relations!();
