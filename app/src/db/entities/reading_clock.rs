use sea_orm::entity::prelude::*;

/// Per member and document: how far the real time already credited for reading reaches.
/// Each credit moves it on by the wall-clock time the credited seconds take; nothing can
/// move it past the present, so credited reading never exceeds the time that passed.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "reading_clocks")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub member_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub document_id: i64,
    pub credited_until: DateTimeUtc,
}
no_relations!();
