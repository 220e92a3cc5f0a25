use sea_orm::entity::prelude::*;

/// One step in a question's history.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "question_events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub question_id: i64,
    /// Who acted; None for the asker's own steps, so history never names them.
    pub actor_id: Option<i64>,
    pub action: String,
    /// The unit holding the question after this step.
    pub unit_id: Option<i64>,
    pub note: String,
    pub at: DateTimeUtc,
}
no_relations!();
