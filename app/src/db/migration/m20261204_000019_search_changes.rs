//! The search change feed: one row per document a write touched (publish, edit, unpublish,
//! import), written in the write's own transaction. Every app server follows it, so a document
//! published through one server, or imported from the command line, is searchable on all of them.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveIden)]
enum SearchChanges { Table, Id, DocumentId, ChangedAt }

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261204_000019_search_changes"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(SearchChanges::Table)
                .col(big_pk_auto(SearchChanges::Id))
                .col(big_integer(SearchChanges::DocumentId))
                .col(timestamp_with_time_zone(SearchChanges::ChangedAt))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(SearchChanges::Table).to_owned()).await
    }
}
