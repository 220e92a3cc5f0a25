use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "members")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub full_name: String,
    /// Folded (no diacritics, lowercase) and padded with spaces so `LIKE '% word%'` matches
    /// word starts.
    pub folded_name: String,
    /// Vietnamese lists sort by given name first: "an nguyen van".
    pub sort_key: String,
    pub birth_date: Date,
    pub gender: String,
    #[sea_orm(unique)]
    pub card_no: String,
    #[sea_orm(unique)]
    pub phone: Option<String>,
    pub email: Option<String>,
    pub admitted_on: Date,
    pub official_on: Option<Date>,
    pub status: String,
    /// Current cell; the dated history lives in `memberships`.
    pub unit_id: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}
no_relations!();
