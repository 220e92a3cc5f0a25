use sea_orm::entity::prelude::*;

/// A document's meaning as vectors, one per window of its text (see `documents::search::meaning`).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "document_vectors")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub document_id: i64,
    /// The document's checksum when they were made: another means they are stale.
    pub checksum: String,
    pub dim: i32,
    pub windows: i32,
    /// Per window: its scale (f32, little-endian) and `dim` signed bytes.
    pub vectors: Vec<u8>,
    pub made_at: DateTimeUtc,
    /// The encoder that made them, as its endpoint names itself ("" if it gave no name).
    pub model: String,
}
no_relations!();
