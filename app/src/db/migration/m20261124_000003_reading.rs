//! Reading: documents assigned to a subtree with a deadline, the reading events sent by the
//! browser, the seconds seen per section and each member's status on each document.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::common::{fk, index};

#[derive(DeriveIden)]
enum Units { Table, Id }
#[derive(DeriveIden)]
enum Members { Table, Id }
#[derive(DeriveIden)]
enum Documents { Table, Id }
#[derive(DeriveIden)]
enum DocumentSections { Table, Id }
#[derive(DeriveIden)]
enum Assignments { Table, Id, DocumentId, UnitId, DueOn, AssignedBy, CreatedAt }
#[derive(DeriveIden)]
enum ReadingEvents { Table, Id, ClientId, MemberId, DocumentId, SectionId, Seconds, At }
#[derive(DeriveIden)]
enum ReadingSections { Table, MemberId, SectionId, DocumentId, Seconds }
#[derive(DeriveIden)]
enum ReadingStatus { Table, MemberId, DocumentId, SeenSections, TotalSections, ActiveSeconds, StartedAt, CompletedAt, ConfirmedAt }

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261124_000003_reading"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Assignments::Table)
                .col(big_pk_auto(Assignments::Id))
                .col(big_integer(Assignments::DocumentId))
                .col(big_integer(Assignments::UnitId))
                .col(date(Assignments::DueOn))
                .col(big_integer(Assignments::AssignedBy))
                .col(timestamp_with_time_zone(Assignments::CreatedAt))
                .foreign_key(&mut fk((Assignments::Table, Assignments::DocumentId), (Documents::Table, Documents::Id)))
                .foreign_key(&mut fk((Assignments::Table, Assignments::UnitId), (Units::Table, Units::Id)))
                .foreign_key(&mut fk((Assignments::Table, Assignments::AssignedBy), (Members::Table, Members::Id)))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_assignments_document_unit")
                .table(Assignments::Table)
                .col(Assignments::DocumentId)
                .col(Assignments::UnitId)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(index(Assignments::Table, "idx_assignments_unit", vec![Assignments::UnitId.into_iden()])).await?;
        m.create_table(
            Table::create()
                .table(ReadingEvents::Table)
                .col(big_pk_auto(ReadingEvents::Id))
                .col(string_len_uniq(ReadingEvents::ClientId, 64))
                .col(big_integer(ReadingEvents::MemberId))
                .col(big_integer(ReadingEvents::DocumentId))
                .col(big_integer(ReadingEvents::SectionId))
                .col(integer(ReadingEvents::Seconds))
                .col(timestamp_with_time_zone(ReadingEvents::At))
                .foreign_key(&mut fk((ReadingEvents::Table, ReadingEvents::MemberId), (Members::Table, Members::Id)))
                .foreign_key(&mut fk((ReadingEvents::Table, ReadingEvents::SectionId), (DocumentSections::Table, DocumentSections::Id)))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(ReadingSections::Table)
                .col(big_integer(ReadingSections::MemberId))
                .col(big_integer(ReadingSections::SectionId))
                .col(big_integer(ReadingSections::DocumentId))
                .col(integer(ReadingSections::Seconds))
                .primary_key(Index::create().col(ReadingSections::MemberId).col(ReadingSections::SectionId))
                .foreign_key(&mut fk((ReadingSections::Table, ReadingSections::MemberId), (Members::Table, Members::Id)))
                .foreign_key(&mut fk((ReadingSections::Table, ReadingSections::SectionId), (DocumentSections::Table, DocumentSections::Id)))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            ReadingSections::Table,
            "idx_reading_sections_member_document",
            vec![ReadingSections::MemberId.into_iden(), ReadingSections::DocumentId.into_iden()],
        ))
        .await?;
        m.create_table(
            Table::create()
                .table(ReadingStatus::Table)
                .col(big_integer(ReadingStatus::MemberId))
                .col(big_integer(ReadingStatus::DocumentId))
                .col(integer(ReadingStatus::SeenSections))
                .col(integer(ReadingStatus::TotalSections))
                .col(integer(ReadingStatus::ActiveSeconds))
                .col(timestamp_with_time_zone(ReadingStatus::StartedAt))
                .col(timestamp_with_time_zone_null(ReadingStatus::CompletedAt))
                .col(timestamp_with_time_zone_null(ReadingStatus::ConfirmedAt))
                .primary_key(Index::create().col(ReadingStatus::MemberId).col(ReadingStatus::DocumentId))
                .foreign_key(&mut fk((ReadingStatus::Table, ReadingStatus::MemberId), (Members::Table, Members::Id)))
                .foreign_key(&mut fk((ReadingStatus::Table, ReadingStatus::DocumentId), (Documents::Table, Documents::Id)))
                .to_owned(),
        )
        .await?;
        m.create_index(index(ReadingStatus::Table, "idx_reading_status_document", vec![ReadingStatus::DocumentId.into_iden()])).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            ReadingStatus::Table.into_iden(),
            ReadingSections::Table.into_iden(),
            ReadingEvents::Table.into_iden(),
            Assignments::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
