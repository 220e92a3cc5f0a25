//! What each published document means, as vectors: one per window of about 60 words, made once
//! per version by a background worker from a sentence encoder, shared by every server and kept
//! across search index rebuilds (making them is the slow part: tens of milliseconds a window).
//! A worker claims a document before making its vectors (`document_vector_claims`), so the
//! servers' workers share the work instead of all doing the same document, and a document whose
//! vectors failed waits before it is tried again.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveIden)]
enum DocumentVectors { Table, DocumentId, Checksum, Dim, Windows, Vectors, MadeAt }
#[derive(DeriveIden)]
enum DocumentVectorClaims { Table, DocumentId, ClaimedUntil }

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261205_000021_document_vectors"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(DocumentVectors::Table)
                .col(big_integer(DocumentVectors::DocumentId).primary_key())
                .col(string_len(DocumentVectors::Checksum, 64))
                .col(integer(DocumentVectors::Dim))
                .col(integer(DocumentVectors::Windows))
                .col(blob(DocumentVectors::Vectors))
                .col(timestamp_with_time_zone(DocumentVectors::MadeAt))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(DocumentVectorClaims::Table)
                .col(big_integer(DocumentVectorClaims::DocumentId).primary_key())
                .col(timestamp_with_time_zone(DocumentVectorClaims::ClaimedUntil))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(DocumentVectorClaims::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(DocumentVectors::Table).to_owned()).await
    }
}
