use sea_orm::entity::prelude::*;

/// A committee's announcement to its subtree ("all") or to chosen roles.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "announcements")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub unit_id: i64,
    pub author_id: i64,
    pub title: String,
    pub body: String,
    /// "all", "secretaries" (of the subtree's cells) or "committee" (members of its committees).
    pub audience: String,
    /// Recipients are asked to confirm (e.g. a meeting notice).
    pub needs_confirm: bool,
    /// How many members it was sent to.
    pub recipients: i32,
    pub created_at: DateTimeUtc,
}
no_relations!();
