use sea_orm::entity::prelude::*;

/// One member's comment on one article (or on the whole draft: empty anchor).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "consultation_comments")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Made by the member's device: a resend (or an edit) of the same comment hits this row.
    #[sea_orm(unique)]
    pub client_id: String,
    pub consultation_id: i64,
    pub member_id: i64,
    /// The member's cell when they wrote it.
    pub unit_id: i64,
    pub section_anchor: String,
    /// "Điều 5. Nhiệm vụ…" as it read in the consulted version.
    pub section_label: String,
    /// "agree", "amend" or "other".
    pub stance: String,
    pub body: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}
no_relations!();
