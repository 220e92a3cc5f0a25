use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "documents")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub number: String,
    pub title: String,
    pub folded_title: String,
    pub doc_type: String,
    pub level: String,
    pub issuer: String,
    pub issued_on: Option<Date>,
    pub effective_on: Option<Date>,
    pub status: String,
    pub superseded_by: Option<i64>,
    pub topics: String,
    /// The unit whose committee manages the document (edits, publishes, assigns).
    pub owner_unit_id: i64,
    /// Addressed to every member; otherwise to the subtrees in `document_audiences`.
    pub audience_all: bool,
    pub published: bool,
    pub published_at: Option<DateTimeUtc>,
    pub version: i32,
    /// SHA-256 of the source text: imports skip documents already present.
    #[sea_orm(unique)]
    pub checksum: String,
    pub source: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// Share of the comprehension check a member must get right; `None` = no check.
    pub quiz_pass_percent: Option<i32>,
}
no_relations!();
