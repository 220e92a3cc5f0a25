//! The change feed carries FAQ entries too: a `kind` beside the id ("document", or "faq" when
//! the id is an FAQ entry's), so every server's FAQ index follows publishes made on another.

use sea_orm_migration::prelude::*;

#[derive(DeriveIden)]
enum SearchChanges { Table, Kind }

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261204_000020_search_change_kinds"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(SearchChanges::Table)
                .add_column(ColumnDef::new(SearchChanges::Kind).string_len(16).not_null().default("document"))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table(SearchChanges::Table).drop_column(SearchChanges::Kind).to_owned()).await
    }
}
