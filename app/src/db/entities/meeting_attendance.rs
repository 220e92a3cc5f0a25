use sea_orm::entity::prelude::*;

/// One row per member expected at the meeting (the cell's members when it was planned).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "meeting_attendance")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub meeting_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub member_id: i64,
    /// "" (no answer), "yes", "excused".
    pub rsvp: String,
    pub rsvp_reason: String,
    /// "unmarked", "present", "late", "excused", "absent".
    pub status: String,
    pub note: String,
    pub marked_at: Option<DateTimeUtc>,
}
no_relations!();
