//! Schema migrations, applied at start-up; each runs on SQLite and PostgreSQL alike.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

// One file per migration from here on.
mod m20261202_000016_trust;
mod m20261203_000017_reading_proof;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![Box::new(Foundation), Box::new(DocumentLibrary), Box::new(Reading), Box::new(Authoring), Box::new(Meetings), Box::new(Minutes), Box::new(CheckIn), Box::new(MeetingCounts), Box::new(Interaction), Box::new(AnnouncementsM), Box::new(Faq), Box::new(ConsultationsM), Box::new(PushM), Box::new(OfflineWritesM), Box::new(AssistantM), Box::new(m20261202_000016_trust::Migration), Box::new(m20261203_000017_reading_proof::Migration)]
    }
}

#[derive(DeriveIden)]
enum Units { Table, Id, ParentId, Kind, Code, Name, FoldedName, Depth, ValidFrom, ValidTo }
#[derive(DeriveIden)]
enum UnitClosure { Table, AncestorId, DescendantId, Depth }
#[derive(DeriveIden)]
enum Members {
    Table, Id, FullName, FoldedName, SortKey, BirthDate, Gender, CardNo, Phone, Email,
    AdmittedOn, OfficialOn, Status, UnitId, CreatedAt, UpdatedAt,
}
#[derive(DeriveIden)]
enum Memberships { Table, Id, MemberId, UnitId, FromDate, ToDate, Reason }
#[derive(DeriveIden)]
enum Positions { Table, Id, MemberId, UnitId, Role, FromDate, ToDate }
#[derive(DeriveIden)]
enum Credentials { Table, MemberId, PasswordHash, MustChange, UpdatedAt }
#[derive(DeriveIden)]
enum Sessions { Table, Id, MemberId, CreatedAt, ExpiresAt, Ip, UserAgent }
#[derive(DeriveIden)]
enum LoginThrottle { Table, Key, Failures, WindowStart, LockedUntil }

struct Foundation;

impl MigrationName for Foundation {
    fn name(&self) -> &str {
        "m20261124_000001_foundation"
    }
}

fn fk(from: (impl IntoIden, impl IntoIden), to: (impl IntoIden, impl IntoIden)) -> ForeignKeyCreateStatement {
    ForeignKey::create().from(from.0, from.1).to(to.0, to.1).to_owned()
}

fn index(table: impl IntoIden, name: &str, cols: Vec<DynIden>) -> IndexCreateStatement {
    let mut stmt = Index::create();
    stmt.name(name).table(table);
    for col in cols {
        stmt.col(col);
    }
    stmt.to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Foundation {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Units::Table)
                .col(big_pk_auto(Units::Id))
                .col(big_integer_null(Units::ParentId))
                .col(string_len(Units::Kind, 32))
                .col(string_len_uniq(Units::Code, 64))
                .col(string_len(Units::Name, 255))
                .col(string_len(Units::FoldedName, 255))
                .col(integer(Units::Depth))
                .col(date(Units::ValidFrom))
                .col(date_null(Units::ValidTo))
                .foreign_key(&mut fk((Units::Table, Units::ParentId), (Units::Table, Units::Id)))
                .to_owned(),
        )
        .await?;
        m.create_index(index(Units::Table, "idx_units_parent", vec![Units::ParentId.into_iden()])).await?;

        m.create_table(
            Table::create()
                .table(UnitClosure::Table)
                .col(big_integer(UnitClosure::AncestorId))
                .col(big_integer(UnitClosure::DescendantId))
                .col(integer(UnitClosure::Depth))
                .primary_key(Index::create().col(UnitClosure::AncestorId).col(UnitClosure::DescendantId))
                .foreign_key(&mut fk((UnitClosure::Table, UnitClosure::AncestorId), (Units::Table, Units::Id)))
                .foreign_key(&mut fk((UnitClosure::Table, UnitClosure::DescendantId), (Units::Table, Units::Id)))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            UnitClosure::Table,
            "idx_unit_closure_descendant",
            vec![UnitClosure::DescendantId.into_iden(), UnitClosure::AncestorId.into_iden()],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(Members::Table)
                .col(big_pk_auto(Members::Id))
                .col(string_len(Members::FullName, 120))
                .col(string_len(Members::FoldedName, 130))
                .col(string_len(Members::SortKey, 260))
                .col(date(Members::BirthDate))
                .col(string_len(Members::Gender, 8))
                .col(string_len_uniq(Members::CardNo, 20))
                .col(ColumnDef::new(Members::Phone).string_len(15).null().unique_key())
                .col(string_len_null(Members::Email, 120))
                .col(date(Members::AdmittedOn))
                .col(date_null(Members::OfficialOn))
                .col(string_len(Members::Status, 16))
                .col(big_integer(Members::UnitId))
                .col(timestamp_with_time_zone(Members::CreatedAt))
                .col(timestamp_with_time_zone(Members::UpdatedAt))
                .foreign_key(&mut fk((Members::Table, Members::UnitId), (Units::Table, Units::Id)))
                .to_owned(),
        )
        .await?;
        // Covers "active members under X" counts (index-only) and per-cell ordering by name.
        m.create_index(index(
            Members::Table,
            "idx_members_unit_status_sort",
            vec![Members::UnitId.into_iden(), Members::Status.into_iden(), Members::SortKey.into_iden()],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(Memberships::Table)
                .col(big_pk_auto(Memberships::Id))
                .col(big_integer(Memberships::MemberId))
                .col(big_integer(Memberships::UnitId))
                .col(date(Memberships::FromDate))
                .col(date_null(Memberships::ToDate))
                .col(string_len(Memberships::Reason, 255))
                .foreign_key(&mut fk((Memberships::Table, Memberships::MemberId), (Members::Table, Members::Id)))
                .foreign_key(&mut fk((Memberships::Table, Memberships::UnitId), (Units::Table, Units::Id)))
                .to_owned(),
        )
        .await?;
        m.create_index(index(Memberships::Table, "idx_memberships_member", vec![Memberships::MemberId.into_iden()])).await?;
        m.create_index(index(
            Memberships::Table,
            "idx_memberships_unit",
            vec![Memberships::UnitId.into_iden(), Memberships::FromDate.into_iden()],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(Positions::Table)
                .col(big_pk_auto(Positions::Id))
                .col(big_integer(Positions::MemberId))
                .col(big_integer(Positions::UnitId))
                .col(string_len(Positions::Role, 32))
                .col(date(Positions::FromDate))
                .col(date_null(Positions::ToDate))
                .foreign_key(&mut fk((Positions::Table, Positions::MemberId), (Members::Table, Members::Id)))
                .foreign_key(&mut fk((Positions::Table, Positions::UnitId), (Units::Table, Units::Id)))
                .to_owned(),
        )
        .await?;
        m.create_index(index(Positions::Table, "idx_positions_member", vec![Positions::MemberId.into_iden()])).await?;
        m.create_index(index(Positions::Table, "idx_positions_unit", vec![Positions::UnitId.into_iden()])).await?;

        m.create_table(
            Table::create()
                .table(Credentials::Table)
                .col(big_integer(Credentials::MemberId).primary_key())
                .col(string_len(Credentials::PasswordHash, 255))
                .col(boolean(Credentials::MustChange))
                .col(timestamp_with_time_zone(Credentials::UpdatedAt))
                .foreign_key(&mut fk((Credentials::Table, Credentials::MemberId), (Members::Table, Members::Id)))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Sessions::Table)
                .col(string_len(Sessions::Id, 64).primary_key())
                .col(big_integer(Sessions::MemberId))
                .col(timestamp_with_time_zone(Sessions::CreatedAt))
                .col(timestamp_with_time_zone(Sessions::ExpiresAt))
                .col(string_len_null(Sessions::Ip, 64))
                .col(string_len_null(Sessions::UserAgent, 255))
                .foreign_key(&mut fk((Sessions::Table, Sessions::MemberId), (Members::Table, Members::Id)))
                .to_owned(),
        )
        .await?;
        m.create_index(index(Sessions::Table, "idx_sessions_member", vec![Sessions::MemberId.into_iden()])).await?;

        m.create_table(
            Table::create()
                .table(LoginThrottle::Table)
                .col(string_len(LoginThrottle::Key, 80).primary_key())
                .col(integer(LoginThrottle::Failures))
                .col(timestamp_with_time_zone(LoginThrottle::WindowStart))
                .col(timestamp_with_time_zone_null(LoginThrottle::LockedUntil))
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            LoginThrottle::Table.into_iden(),
            Sessions::Table.into_iden(),
            Credentials::Table.into_iden(),
            Positions::Table.into_iden(),
            Memberships::Table.into_iden(),
            Members::Table.into_iden(),
            UnitClosure::Table.into_iden(),
            Units::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Documents {
    Table,
    Id, Number, Title, FoldedTitle, DocType, Level, Issuer, IssuedOn, EffectiveOn, Status, SupersededBy,
    Topics, OwnerUnitId, AudienceAll, Published, PublishedAt, Version, Checksum, Source, CreatedAt, UpdatedAt,
    QuizPassPercent,
}
#[derive(DeriveIden)]
enum DocumentAudiences { Table, DocumentId, UnitId }
#[derive(DeriveIden)]
enum DocumentSections { Table, Id, DocumentId, Ordinal, Kind, Number, Anchor, Heading, Body, ParentId, Words }

struct DocumentLibrary;

impl MigrationName for DocumentLibrary {
    fn name(&self) -> &str {
        "m20261124_000002_documents"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for DocumentLibrary {
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

#[derive(DeriveIden)]
enum Assignments { Table, Id, DocumentId, UnitId, DueOn, AssignedBy, CreatedAt }
#[derive(DeriveIden)]
enum ReadingEvents { Table, Id, ClientId, MemberId, DocumentId, SectionId, Seconds, At }
#[derive(DeriveIden)]
enum ReadingSections { Table, MemberId, SectionId, DocumentId, Seconds }
#[derive(DeriveIden)]
enum ReadingStatus { Table, MemberId, DocumentId, SeenSections, TotalSections, ActiveSeconds, StartedAt, CompletedAt, ConfirmedAt }

struct Reading;

impl MigrationName for Reading {
    fn name(&self) -> &str {
        "m20261124_000003_reading"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Reading {
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

#[derive(DeriveIden)]
enum DocumentVersions { Table, Id, DocumentId, Version, Title, Number, Text, ChangeNote, EditedBy, EditedAt }
#[derive(DeriveIden)]
enum DocumentAttachments { Table, Id, DocumentId, FileName, ContentType, SizeBytes, Sha256, UploadedBy, CreatedAt }
#[derive(DeriveIden)]
enum Bookmarks { Table, MemberId, SectionId, DocumentId, CreatedAt }
#[derive(DeriveIden)]
enum ReaderNotes { Table, Id, ClientId, MemberId, DocumentId, SectionId, Quote, Note, CreatedAt, UpdatedAt }
#[derive(DeriveIden)]
enum MemberPrefs { Table, MemberId, FontPercent }
#[derive(DeriveIden)]
enum QuizQuestions { Table, Id, DocumentId, Ordinal, Question, Options, Correct }
#[derive(DeriveIden)]
enum QuizAttempts { Table, Id, ClientId, MemberId, DocumentId, Correct, Total, Passed, At }

/// Authoring (versions, attachments), the reader's own marks (bookmarks, notes, font size) and
/// the optional comprehension check.
struct Authoring;

impl MigrationName for Authoring {
    fn name(&self) -> &str {
        "m20261124_000004_authoring"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Authoring {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table(Documents::Table).add_column(integer_null(Documents::QuizPassPercent)).to_owned())
            .await?;
        m.create_table(
            Table::create()
                .table(DocumentVersions::Table)
                .col(big_pk_auto(DocumentVersions::Id))
                .col(big_integer(DocumentVersions::DocumentId))
                .col(integer(DocumentVersions::Version))
                .col(string_len(DocumentVersions::Title, 500))
                .col(string_len(DocumentVersions::Number, 64))
                .col(text(DocumentVersions::Text))
                .col(string_len(DocumentVersions::ChangeNote, 500))
                .col(big_integer_null(DocumentVersions::EditedBy))
                .col(timestamp_with_time_zone(DocumentVersions::EditedAt))
                .foreign_key(&mut fk((DocumentVersions::Table, DocumentVersions::DocumentId), (Documents::Table, Documents::Id)))
                .foreign_key(&mut fk((DocumentVersions::Table, DocumentVersions::EditedBy), (Members::Table, Members::Id)))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_document_versions_document_version")
                .table(DocumentVersions::Table)
                .col(DocumentVersions::DocumentId)
                .col(DocumentVersions::Version)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(DocumentAttachments::Table)
                .col(big_pk_auto(DocumentAttachments::Id))
                .col(big_integer(DocumentAttachments::DocumentId))
                .col(string_len(DocumentAttachments::FileName, 255))
                .col(string_len(DocumentAttachments::ContentType, 100))
                .col(big_integer(DocumentAttachments::SizeBytes))
                .col(string_len(DocumentAttachments::Sha256, 64))
                .col(big_integer(DocumentAttachments::UploadedBy))
                .col(timestamp_with_time_zone(DocumentAttachments::CreatedAt))
                .foreign_key(&mut fk((DocumentAttachments::Table, DocumentAttachments::DocumentId), (Documents::Table, Documents::Id)))
                .foreign_key(&mut fk((DocumentAttachments::Table, DocumentAttachments::UploadedBy), (Members::Table, Members::Id)))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_document_attachments_document_sha")
                .table(DocumentAttachments::Table)
                .col(DocumentAttachments::DocumentId)
                .col(DocumentAttachments::Sha256)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Bookmarks::Table)
                .col(big_integer(Bookmarks::MemberId))
                .col(big_integer(Bookmarks::SectionId))
                .col(big_integer(Bookmarks::DocumentId))
                .col(timestamp_with_time_zone(Bookmarks::CreatedAt))
                .primary_key(Index::create().col(Bookmarks::MemberId).col(Bookmarks::SectionId))
                .foreign_key(&mut fk((Bookmarks::Table, Bookmarks::MemberId), (Members::Table, Members::Id)))
                .foreign_key(&mut fk((Bookmarks::Table, Bookmarks::SectionId), (DocumentSections::Table, DocumentSections::Id)))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(ReaderNotes::Table)
                .col(big_pk_auto(ReaderNotes::Id))
                .col(string_len_uniq(ReaderNotes::ClientId, 64))
                .col(big_integer(ReaderNotes::MemberId))
                .col(big_integer(ReaderNotes::DocumentId))
                .col(big_integer(ReaderNotes::SectionId))
                .col(text(ReaderNotes::Quote))
                .col(text(ReaderNotes::Note))
                .col(timestamp_with_time_zone(ReaderNotes::CreatedAt))
                .col(timestamp_with_time_zone(ReaderNotes::UpdatedAt))
                .foreign_key(&mut fk((ReaderNotes::Table, ReaderNotes::MemberId), (Members::Table, Members::Id)))
                .foreign_key(&mut fk((ReaderNotes::Table, ReaderNotes::SectionId), (DocumentSections::Table, DocumentSections::Id)))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            ReaderNotes::Table,
            "idx_reader_notes_member_document",
            vec![ReaderNotes::MemberId.into_iden(), ReaderNotes::DocumentId.into_iden()],
        ))
        .await?;
        m.create_table(
            Table::create()
                .table(MemberPrefs::Table)
                .col(big_integer(MemberPrefs::MemberId).primary_key())
                .col(integer(MemberPrefs::FontPercent))
                .foreign_key(&mut fk((MemberPrefs::Table, MemberPrefs::MemberId), (Members::Table, Members::Id)))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(QuizQuestions::Table)
                .col(big_pk_auto(QuizQuestions::Id))
                .col(big_integer(QuizQuestions::DocumentId))
                .col(integer(QuizQuestions::Ordinal))
                .col(text(QuizQuestions::Question))
                .col(text(QuizQuestions::Options))
                .col(integer(QuizQuestions::Correct))
                .foreign_key(&mut fk((QuizQuestions::Table, QuizQuestions::DocumentId), (Documents::Table, Documents::Id)))
                .to_owned(),
        )
        .await?;
        m.create_index(index(QuizQuestions::Table, "idx_quiz_questions_document", vec![QuizQuestions::DocumentId.into_iden()])).await?;
        m.create_table(
            Table::create()
                .table(QuizAttempts::Table)
                .col(big_pk_auto(QuizAttempts::Id))
                .col(string_len_uniq(QuizAttempts::ClientId, 64))
                .col(big_integer(QuizAttempts::MemberId))
                .col(big_integer(QuizAttempts::DocumentId))
                .col(integer(QuizAttempts::Correct))
                .col(integer(QuizAttempts::Total))
                .col(boolean(QuizAttempts::Passed))
                .col(timestamp_with_time_zone(QuizAttempts::At))
                .foreign_key(&mut fk((QuizAttempts::Table, QuizAttempts::MemberId), (Members::Table, Members::Id)))
                .foreign_key(&mut fk((QuizAttempts::Table, QuizAttempts::DocumentId), (Documents::Table, Documents::Id)))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            QuizAttempts::Table,
            "idx_quiz_attempts_member_document",
            vec![QuizAttempts::MemberId.into_iden(), QuizAttempts::DocumentId.into_iden()],
        ))
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            QuizAttempts::Table.into_iden(),
            QuizQuestions::Table.into_iden(),
            MemberPrefs::Table.into_iden(),
            ReaderNotes::Table.into_iden(),
            Bookmarks::Table.into_iden(),
            DocumentAttachments::Table.into_iden(),
            DocumentVersions::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        m.alter_table(Table::alter().table(Documents::Table).drop_column(Documents::QuizPassPercent).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum Rubrics { Table, Id, Family, Version, OwnerUnitId, Name, Thresholds, CreatedBy, CreatedAt }
#[derive(DeriveIden)]
enum RubricCriteria { Table, Id, RubricId, Ordinal, Code, Label, MaxTenths, Auto }
#[derive(DeriveIden)]
enum MeetingsT {
    #[sea_orm(iden = "meetings")]
    Table,
    Id, UnitId, Kind, WithThematic, Topic, Agenda, Place, StartsAt, PlannedMinutes, HeldMinutes, Status, RubricId,
    TotalTenths, Classification, MinutesApprovedAt, CreatedBy, CreatedAt, UpdatedAt,
}
#[derive(DeriveIden)]
enum MeetingDocuments { Table, MeetingId, DocumentId, PostedAt }
#[derive(DeriveIden)]
enum MeetingAttendance { Table, MeetingId, MemberId, Rsvp, RsvpReason, Status, Note, MarkedAt }
#[derive(DeriveIden)]
enum MeetingScores { Table, MeetingId, CriterionId, Tenths, AutoTenths }
#[derive(DeriveIden)]
enum MeetingReviews { Table, Id, MeetingId, ReviewerId, Action, CriterionId, FromTenths, ToTenths, Reason, At }
#[derive(DeriveIden)]
enum MeetingRatings { Table, Id, ClientId, MeetingId, Stars, Comment, OnDate }
#[derive(DeriveIden)]
enum MeetingRaters { Table, MeetingId, MemberId }

/// Party-cell meetings: rubrics as data (each version kept), meetings, their documents,
/// attendance, scores with the higher committee's reviews, and anonymous ratings (stored apart
/// from who rated, so no query can join them).
struct Meetings;

impl MigrationName for Meetings {
    fn name(&self) -> &str {
        "m20261124_000005_meetings"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Meetings {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Rubrics::Table)
                .col(big_pk_auto(Rubrics::Id))
                .col(string_len(Rubrics::Family, 64))
                .col(integer(Rubrics::Version))
                .col(big_integer_null(Rubrics::OwnerUnitId))
                .col(string_len(Rubrics::Name, 255))
                .col(text(Rubrics::Thresholds))
                .col(big_integer_null(Rubrics::CreatedBy))
                .col(timestamp_with_time_zone(Rubrics::CreatedAt))
                .foreign_key(&mut fk((Rubrics::Table, Rubrics::OwnerUnitId), (Units::Table, Units::Id)))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create().name("idx_rubrics_family_version").table(Rubrics::Table).col(Rubrics::Family).col(Rubrics::Version).unique().to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(RubricCriteria::Table)
                .col(big_pk_auto(RubricCriteria::Id))
                .col(big_integer(RubricCriteria::RubricId))
                .col(integer(RubricCriteria::Ordinal))
                .col(string_len(RubricCriteria::Code, 32))
                .col(text(RubricCriteria::Label))
                .col(integer(RubricCriteria::MaxTenths))
                .col(string_len_null(RubricCriteria::Auto, 32))
                .foreign_key(&mut fk((RubricCriteria::Table, RubricCriteria::RubricId), (Rubrics::Table, Rubrics::Id)))
                .to_owned(),
        )
        .await?;
        m.create_index(index(RubricCriteria::Table, "idx_rubric_criteria_rubric", vec![RubricCriteria::RubricId.into_iden()])).await?;
        m.create_table(
            Table::create()
                .table(MeetingsT::Table)
                .col(big_pk_auto(MeetingsT::Id))
                .col(big_integer(MeetingsT::UnitId))
                .col(string_len(MeetingsT::Kind, 16))
                .col(boolean(MeetingsT::WithThematic))
                .col(string_len(MeetingsT::Topic, 500))
                .col(text(MeetingsT::Agenda))
                .col(string_len(MeetingsT::Place, 255))
                .col(timestamp_with_time_zone(MeetingsT::StartsAt))
                .col(integer(MeetingsT::PlannedMinutes))
                .col(integer_null(MeetingsT::HeldMinutes))
                .col(string_len(MeetingsT::Status, 16))
                .col(big_integer_null(MeetingsT::RubricId))
                .col(integer_null(MeetingsT::TotalTenths))
                .col(string_len_null(MeetingsT::Classification, 16))
                .col(timestamp_with_time_zone_null(MeetingsT::MinutesApprovedAt))
                .col(big_integer(MeetingsT::CreatedBy))
                .col(timestamp_with_time_zone(MeetingsT::CreatedAt))
                .col(timestamp_with_time_zone(MeetingsT::UpdatedAt))
                .foreign_key(&mut fk((MeetingsT::Table, MeetingsT::UnitId), (Units::Table, Units::Id)))
                .foreign_key(&mut fk((MeetingsT::Table, MeetingsT::RubricId), (Rubrics::Table, Rubrics::Id)))
                .foreign_key(&mut fk((MeetingsT::Table, MeetingsT::CreatedBy), (Members::Table, Members::Id)))
                .to_owned(),
        )
        .await?;
        m.create_index(index(MeetingsT::Table, "idx_meetings_unit_starts", vec![MeetingsT::UnitId.into_iden(), MeetingsT::StartsAt.into_iden()])).await?;
        m.create_table(
            Table::create()
                .table(MeetingDocuments::Table)
                .col(big_integer(MeetingDocuments::MeetingId))
                .col(big_integer(MeetingDocuments::DocumentId))
                .col(timestamp_with_time_zone(MeetingDocuments::PostedAt))
                .primary_key(Index::create().col(MeetingDocuments::MeetingId).col(MeetingDocuments::DocumentId))
                .foreign_key(&mut fk((MeetingDocuments::Table, MeetingDocuments::MeetingId), (MeetingsT::Table, MeetingsT::Id)))
                .foreign_key(&mut fk((MeetingDocuments::Table, MeetingDocuments::DocumentId), (Documents::Table, Documents::Id)))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(MeetingAttendance::Table)
                .col(big_integer(MeetingAttendance::MeetingId))
                .col(big_integer(MeetingAttendance::MemberId))
                .col(string_len(MeetingAttendance::Rsvp, 16))
                .col(string_len(MeetingAttendance::RsvpReason, 500))
                .col(string_len(MeetingAttendance::Status, 16))
                .col(string_len(MeetingAttendance::Note, 500))
                .col(timestamp_with_time_zone_null(MeetingAttendance::MarkedAt))
                .primary_key(Index::create().col(MeetingAttendance::MeetingId).col(MeetingAttendance::MemberId))
                .foreign_key(&mut fk((MeetingAttendance::Table, MeetingAttendance::MeetingId), (MeetingsT::Table, MeetingsT::Id)))
                .foreign_key(&mut fk((MeetingAttendance::Table, MeetingAttendance::MemberId), (Members::Table, Members::Id)))
                .to_owned(),
        )
        .await?;
        m.create_index(index(MeetingAttendance::Table, "idx_meeting_attendance_member", vec![MeetingAttendance::MemberId.into_iden()])).await?;
        m.create_table(
            Table::create()
                .table(MeetingScores::Table)
                .col(big_integer(MeetingScores::MeetingId))
                .col(big_integer(MeetingScores::CriterionId))
                .col(integer(MeetingScores::Tenths))
                .col(integer_null(MeetingScores::AutoTenths))
                .primary_key(Index::create().col(MeetingScores::MeetingId).col(MeetingScores::CriterionId))
                .foreign_key(&mut fk((MeetingScores::Table, MeetingScores::MeetingId), (MeetingsT::Table, MeetingsT::Id)))
                .foreign_key(&mut fk((MeetingScores::Table, MeetingScores::CriterionId), (RubricCriteria::Table, RubricCriteria::Id)))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(MeetingReviews::Table)
                .col(big_pk_auto(MeetingReviews::Id))
                .col(big_integer(MeetingReviews::MeetingId))
                .col(big_integer(MeetingReviews::ReviewerId))
                .col(string_len(MeetingReviews::Action, 16))
                .col(big_integer_null(MeetingReviews::CriterionId))
                .col(integer_null(MeetingReviews::FromTenths))
                .col(integer_null(MeetingReviews::ToTenths))
                .col(string_len(MeetingReviews::Reason, 1000))
                .col(timestamp_with_time_zone(MeetingReviews::At))
                .foreign_key(&mut fk((MeetingReviews::Table, MeetingReviews::MeetingId), (MeetingsT::Table, MeetingsT::Id)))
                .foreign_key(&mut fk((MeetingReviews::Table, MeetingReviews::ReviewerId), (Members::Table, Members::Id)))
                .to_owned(),
        )
        .await?;
        m.create_index(index(MeetingReviews::Table, "idx_meeting_reviews_meeting", vec![MeetingReviews::MeetingId.into_iden()])).await?;
        // No member column, and only the day: a rating cannot be traced back to its author.
        m.create_table(
            Table::create()
                .table(MeetingRatings::Table)
                .col(big_pk_auto(MeetingRatings::Id))
                .col(string_len_uniq(MeetingRatings::ClientId, 64))
                .col(big_integer(MeetingRatings::MeetingId))
                .col(integer(MeetingRatings::Stars))
                .col(string_len(MeetingRatings::Comment, 1000))
                .col(date(MeetingRatings::OnDate))
                .foreign_key(&mut fk((MeetingRatings::Table, MeetingRatings::MeetingId), (MeetingsT::Table, MeetingsT::Id)))
                .to_owned(),
        )
        .await?;
        m.create_index(index(MeetingRatings::Table, "idx_meeting_ratings_meeting", vec![MeetingRatings::MeetingId.into_iden()])).await?;
        m.create_table(
            Table::create()
                .table(MeetingRaters::Table)
                .col(big_integer(MeetingRaters::MeetingId))
                .col(big_integer(MeetingRaters::MemberId))
                .primary_key(Index::create().col(MeetingRaters::MeetingId).col(MeetingRaters::MemberId))
                .foreign_key(&mut fk((MeetingRaters::Table, MeetingRaters::MeetingId), (MeetingsT::Table, MeetingsT::Id)))
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            MeetingRaters::Table.into_iden(),
            MeetingRatings::Table.into_iden(),
            MeetingReviews::Table.into_iden(),
            MeetingScores::Table.into_iden(),
            MeetingAttendance::Table.into_iden(),
            MeetingDocuments::Table.into_iden(),
            MeetingsT::Table.into_iden(),
            RubricCriteria::Table.into_iden(),
            Rubrics::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum MeetingMinutes {
    Table, MeetingId, Chair, Recorder, Guests, Exempt, Speakers, Conclusion, Votes, ApprovedAt, UpdatedAt,
}

/// The minutes (biên bản) of a meeting: speakers and votes as JSON lists of plain records.
struct Minutes;

impl MigrationName for Minutes {
    fn name(&self) -> &str {
        "m20261124_000006_minutes"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Minutes {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(MeetingMinutes::Table)
                .col(big_integer(MeetingMinutes::MeetingId).primary_key())
                .col(string_len(MeetingMinutes::Chair, 120))
                .col(string_len(MeetingMinutes::Recorder, 120))
                .col(string_len(MeetingMinutes::Guests, 500))
                .col(integer(MeetingMinutes::Exempt))
                .col(text(MeetingMinutes::Speakers))
                .col(text(MeetingMinutes::Conclusion))
                .col(text(MeetingMinutes::Votes))
                .col(timestamp_with_time_zone_null(MeetingMinutes::ApprovedAt))
                .col(timestamp_with_time_zone(MeetingMinutes::UpdatedAt))
                .foreign_key(&mut fk((MeetingMinutes::Table, MeetingMinutes::MeetingId), (MeetingsT::Table, MeetingsT::Id)))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(MeetingMinutes::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum MeetingQrCodes { Table, Id, MeetingId, Code, CreatedAt, UsedBy, UsedAt }

/// Single-use, short-lived check-in codes shown as a rotating QR code on the secretary's screen.
struct CheckIn;

impl MigrationName for CheckIn {
    fn name(&self) -> &str {
        "m20261124_000007_checkin"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for CheckIn {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(MeetingQrCodes::Table)
                .col(big_pk_auto(MeetingQrCodes::Id))
                .col(big_integer(MeetingQrCodes::MeetingId))
                .col(string_len_uniq(MeetingQrCodes::Code, 64))
                .col(timestamp_with_time_zone(MeetingQrCodes::CreatedAt))
                .col(big_integer_null(MeetingQrCodes::UsedBy))
                .col(timestamp_with_time_zone_null(MeetingQrCodes::UsedAt))
                .foreign_key(&mut fk((MeetingQrCodes::Table, MeetingQrCodes::MeetingId), (MeetingsT::Table, MeetingsT::Id)))
                .foreign_key(&mut fk((MeetingQrCodes::Table, MeetingQrCodes::UsedBy), (Members::Table, Members::Id)))
                .to_owned(),
        )
        .await?;
        m.create_index(index(MeetingQrCodes::Table, "idx_meeting_qr_codes_meeting", vec![MeetingQrCodes::MeetingId.into_iden(), MeetingQrCodes::CreatedAt.into_iden()])).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(MeetingQrCodes::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum MeetingCountsT {
    #[sea_orm(iden = "meetings")]
    Table,
    ExpectedCount,
    AttendedCount,
    UnexcusedCount,
}

/// Attendance counts kept on each meeting, so reports over a province's year (half a million
/// attendance rows) read one row per meeting. Back-filled from the attendance rows.
struct MeetingCounts;

impl MigrationName for MeetingCounts {
    fn name(&self) -> &str {
        "m20261125_000008_meeting_counts"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for MeetingCounts {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters one thing at a time.
        for column in [MeetingCountsT::ExpectedCount, MeetingCountsT::AttendedCount, MeetingCountsT::UnexcusedCount] {
            m.alter_table(Table::alter().table(MeetingCountsT::Table).add_column(integer(column).default(0)).to_owned()).await?;
        }
        m.get_connection()
            .execute_unprepared(
                "UPDATE meetings SET \
                 expected_count = (SELECT COUNT(*) FROM meeting_attendance a WHERE a.meeting_id = meetings.id), \
                 attended_count = (SELECT COUNT(*) FROM meeting_attendance a WHERE a.meeting_id = meetings.id AND a.status IN ('present', 'late')), \
                 unexcused_count = (SELECT COUNT(*) FROM meeting_attendance a WHERE a.meeting_id = meetings.id AND a.status = 'absent')",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for column in [MeetingCountsT::ExpectedCount, MeetingCountsT::AttendedCount, MeetingCountsT::UnexcusedCount] {
            m.alter_table(Table::alter().table(MeetingCountsT::Table).drop_column(column).to_owned()).await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Questions {
    Table, Id, ClientId, AskerId, AskerCellId, UnitId, Kind, Topic, Title, Body, Anonymity, Status, AssigneeId,
    DueOn, Answer, AnsweredBy, AnsweredAt, Rating, RatingComment, MergedInto, CreatedAt, UpdatedAt,
}
#[derive(DeriveIden)]
enum QuestionEvents { Table, Id, QuestionId, ActorId, Action, UnitId, Note, At }
#[derive(DeriveIden)]
enum Notifications { Table, Id, MemberId, Kind, Title, Link, CreatedAt, ReadAt }

/// Questions and proposals from members to their cell or a committee of their line, their
/// history, and every member's in-app notifications.
struct Interaction;

impl MigrationName for Interaction {
    fn name(&self) -> &str {
        "m20261125_000009_interaction"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Interaction {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Questions::Table)
                .col(big_pk_auto(Questions::Id))
                .col(string_len_uniq(Questions::ClientId, 64))
                .col(big_integer(Questions::AskerId))
                .col(big_integer(Questions::AskerCellId))
                .col(big_integer(Questions::UnitId))
                .col(string_len(Questions::Kind, 16))
                .col(string_len(Questions::Topic, 40))
                .col(string_len(Questions::Title, 200))
                .col(text(Questions::Body))
                .col(string_len(Questions::Anonymity, 16))
                .col(string_len(Questions::Status, 16))
                .col(big_integer_null(Questions::AssigneeId))
                .col(date(Questions::DueOn))
                .col(text(Questions::Answer))
                .col(big_integer_null(Questions::AnsweredBy))
                .col(timestamp_with_time_zone_null(Questions::AnsweredAt))
                .col(integer_null(Questions::Rating))
                .col(text(Questions::RatingComment))
                .col(big_integer_null(Questions::MergedInto))
                .col(timestamp_with_time_zone(Questions::CreatedAt))
                .col(timestamp_with_time_zone(Questions::UpdatedAt))
                .foreign_key(&mut fk((Questions::Table, Questions::AskerId), (Members::Table, Members::Id)))
                .foreign_key(&mut fk((Questions::Table, Questions::AskerCellId), (Units::Table, Units::Id)))
                .foreign_key(&mut fk((Questions::Table, Questions::UnitId), (Units::Table, Units::Id)))
                .to_owned(),
        )
        .await?;
        m.create_index(index(Questions::Table, "idx_questions_unit_status", vec![Questions::UnitId.into_iden(), Questions::Status.into_iden()])).await?;
        m.create_index(index(Questions::Table, "idx_questions_asker", vec![Questions::AskerId.into_iden(), Questions::CreatedAt.into_iden()])).await?;
        m.create_table(
            Table::create()
                .table(QuestionEvents::Table)
                .col(big_pk_auto(QuestionEvents::Id))
                .col(big_integer(QuestionEvents::QuestionId))
                .col(big_integer_null(QuestionEvents::ActorId))
                .col(string_len(QuestionEvents::Action, 16))
                .col(big_integer_null(QuestionEvents::UnitId))
                .col(text(QuestionEvents::Note))
                .col(timestamp_with_time_zone(QuestionEvents::At))
                .foreign_key(&mut fk((QuestionEvents::Table, QuestionEvents::QuestionId), (Questions::Table, Questions::Id)))
                .to_owned(),
        )
        .await?;
        m.create_index(index(QuestionEvents::Table, "idx_question_events_question", vec![QuestionEvents::QuestionId.into_iden()])).await?;
        m.create_table(
            Table::create()
                .table(Notifications::Table)
                .col(big_pk_auto(Notifications::Id))
                .col(big_integer(Notifications::MemberId))
                .col(string_len(Notifications::Kind, 32))
                .col(string_len(Notifications::Title, 300))
                .col(string_len(Notifications::Link, 300))
                .col(timestamp_with_time_zone(Notifications::CreatedAt))
                .col(timestamp_with_time_zone_null(Notifications::ReadAt))
                .foreign_key(&mut fk((Notifications::Table, Notifications::MemberId), (Members::Table, Members::Id)))
                .to_owned(),
        )
        .await?;
        m.create_index(index(Notifications::Table, "idx_notifications_member", vec![Notifications::MemberId.into_iden(), Notifications::ReadAt.into_iden()])).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Notifications::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(QuestionEvents::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(Questions::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum Announcements { Table, Id, UnitId, AuthorId, Title, Body, Audience, NeedsConfirm, Recipients, CreatedAt }
#[derive(DeriveIden)]
enum AnnouncementRecipients { Table, AnnouncementId, MemberId, ReadAt, ConfirmedAt }

/// Announcements from a committee to its subtree or to chosen roles, with one receipt row per
/// recipient (read, confirmed).
struct AnnouncementsM;

impl MigrationName for AnnouncementsM {
    fn name(&self) -> &str {
        "m20261125_000010_announcements"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for AnnouncementsM {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Announcements::Table)
                .col(big_pk_auto(Announcements::Id))
                .col(big_integer(Announcements::UnitId))
                .col(big_integer(Announcements::AuthorId))
                .col(string_len(Announcements::Title, 200))
                .col(text(Announcements::Body))
                .col(string_len(Announcements::Audience, 16))
                .col(boolean(Announcements::NeedsConfirm))
                .col(integer(Announcements::Recipients))
                .col(timestamp_with_time_zone(Announcements::CreatedAt))
                .foreign_key(&mut fk((Announcements::Table, Announcements::UnitId), (Units::Table, Units::Id)))
                .foreign_key(&mut fk((Announcements::Table, Announcements::AuthorId), (Members::Table, Members::Id)))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(AnnouncementRecipients::Table)
                .col(big_integer(AnnouncementRecipients::AnnouncementId))
                .col(big_integer(AnnouncementRecipients::MemberId))
                .col(timestamp_with_time_zone_null(AnnouncementRecipients::ReadAt))
                .col(timestamp_with_time_zone_null(AnnouncementRecipients::ConfirmedAt))
                .primary_key(Index::create().col(AnnouncementRecipients::AnnouncementId).col(AnnouncementRecipients::MemberId))
                .foreign_key(&mut fk((AnnouncementRecipients::Table, AnnouncementRecipients::AnnouncementId), (Announcements::Table, Announcements::Id)))
                .foreign_key(&mut fk((AnnouncementRecipients::Table, AnnouncementRecipients::MemberId), (Members::Table, Members::Id)))
                .to_owned(),
        )
        .await?;
        m.create_index(index(AnnouncementRecipients::Table, "idx_announcement_recipients_member", vec![AnnouncementRecipients::MemberId.into_iden()])).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(AnnouncementRecipients::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(Announcements::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum FaqEntries { Table, Id, UnitId, QuestionId, Topic, Question, Answer, PublishedBy, PublishedAt }

/// Answers a committee publishes to its unit's public FAQ, without the asker.
struct Faq;

impl MigrationName for Faq {
    fn name(&self) -> &str {
        "m20261125_000011_faq"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Faq {
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

#[derive(DeriveIden)]
enum Consultations {
    Table, Id, DocumentId, DocumentVersion, UnitId, Audience, Intro, ClosesOn, ClosedAt, Invitees, CreatedBy, CreatedAt,
}
#[derive(DeriveIden)]
enum ConsultationInvitees { Table, ConsultationId, MemberId }
#[derive(DeriveIden)]
enum ConsultationComments { Table, Id, ClientId, ConsultationId, MemberId, UnitId, SectionAnchor, SectionLabel, Stance, Body, CreatedAt, UpdatedAt }

/// Consultation on drafts (xin ý kiến): a committee opens a draft for comments by article until a
/// deadline; who was asked is fixed when it opens; each comment carries a device-made id.
struct ConsultationsM;

impl MigrationName for ConsultationsM {
    fn name(&self) -> &str {
        "m20261126_000012_consultations"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for ConsultationsM {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Consultations::Table)
                .col(big_pk_auto(Consultations::Id))
                .col(big_integer(Consultations::DocumentId))
                .col(integer(Consultations::DocumentVersion))
                .col(big_integer(Consultations::UnitId))
                .col(string_len(Consultations::Audience, 16))
                .col(text(Consultations::Intro))
                .col(date(Consultations::ClosesOn))
                .col(timestamp_with_time_zone_null(Consultations::ClosedAt))
                .col(integer(Consultations::Invitees))
                .col(big_integer(Consultations::CreatedBy))
                .col(timestamp_with_time_zone(Consultations::CreatedAt))
                .foreign_key(&mut fk((Consultations::Table, Consultations::DocumentId), (Documents::Table, Documents::Id)))
                .foreign_key(&mut fk((Consultations::Table, Consultations::UnitId), (Units::Table, Units::Id)))
                .foreign_key(&mut fk((Consultations::Table, Consultations::CreatedBy), (Members::Table, Members::Id)))
                .to_owned(),
        )
        .await?;
        m.create_index(index(Consultations::Table, "idx_consultations_document", vec![Consultations::DocumentId.into_iden()])).await?;
        m.create_table(
            Table::create()
                .table(ConsultationInvitees::Table)
                .col(big_integer(ConsultationInvitees::ConsultationId))
                .col(big_integer(ConsultationInvitees::MemberId))
                .primary_key(Index::create().col(ConsultationInvitees::ConsultationId).col(ConsultationInvitees::MemberId))
                .foreign_key(&mut fk((ConsultationInvitees::Table, ConsultationInvitees::ConsultationId), (Consultations::Table, Consultations::Id)))
                .foreign_key(&mut fk((ConsultationInvitees::Table, ConsultationInvitees::MemberId), (Members::Table, Members::Id)))
                .to_owned(),
        )
        .await?;
        m.create_index(index(ConsultationInvitees::Table, "idx_consultation_invitees_member", vec![ConsultationInvitees::MemberId.into_iden()])).await?;
        m.create_table(
            Table::create()
                .table(ConsultationComments::Table)
                .col(big_pk_auto(ConsultationComments::Id))
                .col(string_len_uniq(ConsultationComments::ClientId, 64))
                .col(big_integer(ConsultationComments::ConsultationId))
                .col(big_integer(ConsultationComments::MemberId))
                .col(big_integer(ConsultationComments::UnitId))
                .col(string_len(ConsultationComments::SectionAnchor, 120))
                .col(string_len(ConsultationComments::SectionLabel, 255))
                .col(string_len(ConsultationComments::Stance, 16))
                .col(text(ConsultationComments::Body))
                .col(timestamp_with_time_zone(ConsultationComments::CreatedAt))
                .col(timestamp_with_time_zone(ConsultationComments::UpdatedAt))
                .foreign_key(&mut fk((ConsultationComments::Table, ConsultationComments::ConsultationId), (Consultations::Table, Consultations::Id)))
                .foreign_key(&mut fk((ConsultationComments::Table, ConsultationComments::MemberId), (Members::Table, Members::Id)))
                .foreign_key(&mut fk((ConsultationComments::Table, ConsultationComments::UnitId), (Units::Table, Units::Id)))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            ConsultationComments::Table,
            "idx_consultation_comments_section",
            vec![ConsultationComments::ConsultationId.into_iden(), ConsultationComments::SectionAnchor.into_iden()],
        ))
        .await?;
        m.create_index(index(ConsultationComments::Table, "idx_consultation_comments_member", vec![ConsultationComments::MemberId.into_iden()])).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(ConsultationComments::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(ConsultationInvitees::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(Consultations::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum AppSecrets { Table, Name, Value, CreatedAt }
#[derive(DeriveIden)]
enum PushSubscriptions { Table, Id, MemberId, Endpoint, P256dh, Auth, UserAgent, CreatedAt, LastUsedAt }
#[derive(DeriveIden)]
enum NotificationPrefs { Table, MemberId, Kind, InApp, Push }
#[derive(DeriveIden)]
enum PushOutbox { Table, Id, MemberId, Kind, Title, Link, CreatedAt, Attempts, NextAttemptAt }

/// Web Push: the server's VAPID key (made on first run), members' browser subscriptions, what
/// each member wants to get, and the queue of pushes written with the change they report.
struct PushM;

impl MigrationName for PushM {
    fn name(&self) -> &str {
        "m20261126_000013_push"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for PushM {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(AppSecrets::Table)
                .col(string_len(AppSecrets::Name, 64).primary_key())
                .col(text(AppSecrets::Value))
                .col(timestamp_with_time_zone(AppSecrets::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(PushSubscriptions::Table)
                .col(big_pk_auto(PushSubscriptions::Id))
                .col(big_integer(PushSubscriptions::MemberId))
                .col(string_len_uniq(PushSubscriptions::Endpoint, 1024))
                .col(string_len(PushSubscriptions::P256dh, 128))
                .col(string_len(PushSubscriptions::Auth, 64))
                .col(string_len(PushSubscriptions::UserAgent, 255))
                .col(timestamp_with_time_zone(PushSubscriptions::CreatedAt))
                .col(timestamp_with_time_zone_null(PushSubscriptions::LastUsedAt))
                .foreign_key(&mut fk((PushSubscriptions::Table, PushSubscriptions::MemberId), (Members::Table, Members::Id)))
                .to_owned(),
        )
        .await?;
        m.create_index(index(PushSubscriptions::Table, "idx_push_subscriptions_member", vec![PushSubscriptions::MemberId.into_iden()])).await?;
        m.create_table(
            Table::create()
                .table(NotificationPrefs::Table)
                .col(big_integer(NotificationPrefs::MemberId))
                .col(string_len(NotificationPrefs::Kind, 32))
                .col(boolean(NotificationPrefs::InApp))
                .col(boolean(NotificationPrefs::Push))
                .primary_key(Index::create().col(NotificationPrefs::MemberId).col(NotificationPrefs::Kind))
                .foreign_key(&mut fk((NotificationPrefs::Table, NotificationPrefs::MemberId), (Members::Table, Members::Id)))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(PushOutbox::Table)
                .col(big_pk_auto(PushOutbox::Id))
                .col(big_integer(PushOutbox::MemberId))
                .col(string_len(PushOutbox::Kind, 32))
                .col(string_len(PushOutbox::Title, 300))
                .col(string_len(PushOutbox::Link, 255))
                .col(timestamp_with_time_zone(PushOutbox::CreatedAt))
                .col(integer(PushOutbox::Attempts))
                .col(timestamp_with_time_zone(PushOutbox::NextAttemptAt))
                .foreign_key(&mut fk((PushOutbox::Table, PushOutbox::MemberId), (Members::Table, Members::Id)))
                .to_owned(),
        )
        .await?;
        m.create_index(index(PushOutbox::Table, "idx_push_outbox_due", vec![PushOutbox::NextAttemptAt.into_iden()])).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(PushOutbox::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(NotificationPrefs::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(PushSubscriptions::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(AppSecrets::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum OfflineWrites { Table, ClientId, MemberId, Kind, Status, Message, ReceivedAt }

/// Writes made without a connection and sent later: each device-made id is applied once, and a
/// replay gets the first answer back.
struct OfflineWritesM;

impl MigrationName for OfflineWritesM {
    fn name(&self) -> &str {
        "m20261127_000014_offline_writes"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for OfflineWritesM {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(OfflineWrites::Table)
                .col(string_len(OfflineWrites::ClientId, 64).primary_key())
                .col(big_integer(OfflineWrites::MemberId))
                .col(string_len(OfflineWrites::Kind, 32))
                .col(string_len(OfflineWrites::Status, 16))
                .col(text(OfflineWrites::Message))
                .col(timestamp_with_time_zone(OfflineWrites::ReceivedAt))
                .foreign_key(&mut fk((OfflineWrites::Table, OfflineWrites::MemberId), (Members::Table, Members::Id)))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(OfflineWrites::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum AssistantExchanges {
    Table, Id, ClientId, MemberId, UnitId, Question, Found, Mode, ByVoice, Answer, Rating, Comment, AskedAt, RatedAt,
}

/// Questions put to the assistant and what it answered, with the member's thumbs up or down:
/// the member's history, and for administrators what the documents do not yet answer.
struct AssistantM;

impl MigrationName for AssistantM {
    fn name(&self) -> &str {
        "m20261201_000015_assistant"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for AssistantM {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(AssistantExchanges::Table)
                .col(big_pk_auto(AssistantExchanges::Id))
                .col(string_len(AssistantExchanges::ClientId, 64))
                .col(big_integer(AssistantExchanges::MemberId))
                // The member's cell when asking, so reports follow the org tree.
                .col(big_integer(AssistantExchanges::UnitId))
                .col(text(AssistantExchanges::Question))
                .col(boolean(AssistantExchanges::Found))
                .col(string_len(AssistantExchanges::Mode, 16))
                .col(boolean(AssistantExchanges::ByVoice))
                // The whole answer as shown (JSON), so history shows what the member saw.
                .col(text(AssistantExchanges::Answer))
                .col(integer_null(AssistantExchanges::Rating))
                .col(text(AssistantExchanges::Comment))
                .col(timestamp_with_time_zone(AssistantExchanges::AskedAt))
                .col(timestamp_with_time_zone_null(AssistantExchanges::RatedAt))
                .foreign_key(&mut fk((AssistantExchanges::Table, AssistantExchanges::MemberId), (Members::Table, Members::Id)))
                .foreign_key(&mut fk((AssistantExchanges::Table, AssistantExchanges::UnitId), (Units::Table, Units::Id)))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_assistant_exchanges_client")
                .table(AssistantExchanges::Table)
                .col(AssistantExchanges::MemberId)
                .col(AssistantExchanges::ClientId)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(index(AssistantExchanges::Table, "idx_assistant_exchanges_unit", vec![AssistantExchanges::UnitId.into_iden(), AssistantExchanges::AskedAt.into_iden()])).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(AssistantExchanges::Table).to_owned()).await
    }
}
