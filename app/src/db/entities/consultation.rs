use sea_orm::entity::prelude::*;

/// A draft opened for comments by article until `closes_on` (inclusive, Vietnam's date).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "consultations")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub document_id: i64,
    /// The version of the draft put to comment (editing is refused while it is open).
    pub document_version: i32,
    /// The committee asking; the invitees are its subtree or chosen roles in it.
    pub unit_id: i64,
    /// The announcements' audiences: "all", "secretaries", "committee".
    pub audience: String,
    pub intro: String,
    pub closes_on: Date,
    /// Closed early by the committee.
    pub closed_at: Option<DateTimeUtc>,
    pub invitees: i32,
    pub created_by: i64,
    pub created_at: DateTimeUtc,
}
no_relations!();
