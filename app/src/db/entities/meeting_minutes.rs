use sea_orm::entity::prelude::*;

/// The biên bản: who chaired and wrote it, guests, speakers and votes (JSON lists).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "meeting_minutes")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub meeting_id: i64,
    pub chair: String,
    pub recorder: String,
    pub guests: String,
    /// Members exempt from attending (miễn sinh hoạt), as the cell records them.
    pub exempt: i32,
    pub speakers: String,
    pub conclusion: String,
    pub votes: String,
    /// Read back and approved before the meeting closed.
    pub approved_at: Option<DateTimeUtc>,
    pub updated_at: DateTimeUtc,
}
no_relations!();
