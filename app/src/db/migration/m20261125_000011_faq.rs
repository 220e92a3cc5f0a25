//! Answers a committee publishes to its unit's public FAQ, without the asker.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::common::{fk, index};

#[derive(DeriveIden)]
enum Units { Table, Id }
#[derive(DeriveIden)]
enum Questions { Table, Id }
#[derive(DeriveIden)]
enum FaqEntries { Table, Id, UnitId, QuestionId, Topic, Question, Answer, PublishedBy, PublishedAt }

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261125_000011_faq"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(FaqEntries::Table)
                .col(big_pk_auto(FaqEntries::Id))
                .col(big_integer(FaqEntries::UnitId))
                .col(big_integer_null(FaqEntries::QuestionId).unique_key())
                .col(string_len(FaqEntries::Topic, 40))
                .col(text(FaqEntries::Question))
                .col(text(FaqEntries::Answer))
                .col(big_integer(FaqEntries::PublishedBy))
                .col(timestamp_with_time_zone(FaqEntries::PublishedAt))
                .foreign_key(&mut fk((FaqEntries::Table, FaqEntries::UnitId), (Units::Table, Units::Id)))
                .foreign_key(&mut fk((FaqEntries::Table, FaqEntries::QuestionId), (Questions::Table, Questions::Id)))
                .to_owned(),
        )
        .await?;
        m.create_index(index(FaqEntries::Table, "idx_faq_entries_unit", vec![FaqEntries::UnitId.into_iden()])).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(FaqEntries::Table).to_owned()).await
    }
}
