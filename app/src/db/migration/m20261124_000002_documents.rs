//! The document library: documents, the units each is addressed to, and their sections as
//! parsed on import (Phần / Chương / Mục / Điều / Khoản, each with a stable anchor).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::common::{fk, index};

#[derive(DeriveIden)]
enum Units { Table, Id }
#[derive(DeriveIden)]
enum Documents {
    Table, Id, Number, Title, FoldedTitle, DocType, Level, Issuer, IssuedOn, EffectiveOn, Status, SupersededBy, Topics,
    OwnerUnitId, AudienceAll, Published, PublishedAt, Version, Checksum, Source, CreatedAt, UpdatedAt,
}
#[derive(DeriveIden)]
enum DocumentAudiences { Table, DocumentId, UnitId }
#[derive(DeriveIden)]
enum DocumentSections { Table, Id, DocumentId, Ordinal, Kind, Number, Anchor, Heading, Body, ParentId, Words }

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261124_000002_documents"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Documents::Table)
                .col(big_pk_auto(Documents::Id))
                .col(string_len(Documents::Number, 64))
                .col(string_len(Documents::Title, 500))
                .col(string_len(Documents::FoldedTitle, 500))
                .col(string_len(Documents::DocType, 32))
                .col(string_len(Documents::Level, 16))
                .col(string_len(Documents::Issuer, 255))
                .col(date_null(Documents::IssuedOn))
                .col(date_null(Documents::EffectiveOn))
                .col(string_len(Documents::Status, 16))
                .col(big_integer_null(Documents::SupersededBy))
                .col(string_len(Documents::Topics, 500))
                .col(big_integer(Documents::OwnerUnitId))
                .col(boolean(Documents::AudienceAll))
                .col(boolean(Documents::Published))
                .col(timestamp_with_time_zone_null(Documents::PublishedAt))
                .col(integer(Documents::Version))
                .col(string_len_uniq(Documents::Checksum, 64))
                .col(string_len(Documents::Source, 500))
                .col(timestamp_with_time_zone(Documents::CreatedAt))
                .col(timestamp_with_time_zone(Documents::UpdatedAt))
                .foreign_key(&mut fk((Documents::Table, Documents::OwnerUnitId), (Units::Table, Units::Id)))
                .foreign_key(&mut fk((Documents::Table, Documents::SupersededBy), (Documents::Table, Documents::Id)))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            Documents::Table,
            "idx_documents_published_issued",
            vec![Documents::Published.into_iden(), Documents::IssuedOn.into_iden()],
        ))
        .await?;
        m.create_table(
            Table::create()
                .table(DocumentAudiences::Table)
                .col(big_integer(DocumentAudiences::DocumentId))
                .col(big_integer(DocumentAudiences::UnitId))
                .primary_key(Index::create().col(DocumentAudiences::DocumentId).col(DocumentAudiences::UnitId))
                .foreign_key(&mut fk((DocumentAudiences::Table, DocumentAudiences::DocumentId), (Documents::Table, Documents::Id)))
                .foreign_key(&mut fk((DocumentAudiences::Table, DocumentAudiences::UnitId), (Units::Table, Units::Id)))
                .to_owned(),
        )
        .await?;
        m.create_index(index(DocumentAudiences::Table, "idx_document_audiences_unit", vec![DocumentAudiences::UnitId.into_iden()])).await?;
        m.create_table(
            Table::create()
                .table(DocumentSections::Table)
                .col(big_pk_auto(DocumentSections::Id))
                .col(big_integer(DocumentSections::DocumentId))
                .col(integer(DocumentSections::Ordinal))
                .col(string_len(DocumentSections::Kind, 16))
                .col(string_len(DocumentSections::Number, 16))
                .col(string_len(DocumentSections::Anchor, 120))
                .col(text(DocumentSections::Heading))
                .col(text(DocumentSections::Body))
                .col(big_integer_null(DocumentSections::ParentId))
                .col(integer(DocumentSections::Words))
                .foreign_key(&mut fk((DocumentSections::Table, DocumentSections::DocumentId), (Documents::Table, Documents::Id)))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_document_sections_anchor")
                .table(DocumentSections::Table)
                .col(DocumentSections::DocumentId)
                .col(DocumentSections::Anchor)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            DocumentSections::Table,
            "idx_document_sections_order",
            vec![DocumentSections::DocumentId.into_iden(), DocumentSections::Ordinal.into_iden()],
        ))
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [DocumentSections::Table.into_iden(), DocumentAudiences::Table.into_iden(), Documents::Table.into_iden()] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
