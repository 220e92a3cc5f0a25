use sea_orm::entity::prelude::*;

/// Per member and document, rolled up on every batch of events so reports never re-scan them.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "reading_status")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub member_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub document_id: i64,
    pub seen_sections: i32,
    pub total_sections: i32,
    pub active_seconds: i32,
    pub started_at: DateTimeUtc,
    /// When the reading rule was first met.
    pub completed_at: Option<DateTimeUtc>,
    /// When the member confirmed "Đã đọc và nắm nội dung".
    pub confirmed_at: Option<DateTimeUtc>,
}
no_relations!();
