use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "activation_codes")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub member_id: i64,
    /// HMAC of the code under the server's secret key (hex).
    pub code_tag: String,
    pub issued_by: Option<i64>,
    pub issued_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
}
no_relations!();
