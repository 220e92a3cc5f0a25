//! Which encoder made each document's vectors (the model an embeddings endpoint names in its
//! replies): vectors of another encoder, even one of the same size, mean nothing beside a
//! question's, so a search leaves them out and the workers make them again. Rows made before
//! this column have an empty name and are made again once.

use sea_orm_migration::prelude::*;

#[derive(DeriveIden)]
enum DocumentVectors { Table, Model }

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261206_000022_document_vector_models"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(DocumentVectors::Table)
                .add_column(ColumnDef::new(DocumentVectors::Model).string_len(100).not_null().default(""))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table(DocumentVectors::Table).drop_column(DocumentVectors::Model).to_owned()).await
    }
}
