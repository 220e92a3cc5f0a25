use sea_orm::entity::prelude::*;

/// A worker making a document's vectors until `claimed_until` (or, after a failure, the time
/// before which nobody tries again).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "document_vector_claims")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub document_id: i64,
    pub claimed_until: DateTimeUtc,
}
no_relations!();
