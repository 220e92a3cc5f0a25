//! Authoring (versions, attachments), the reader's own marks (bookmarks, notes, font size) and
//! the optional comprehension check.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::common::{fk, index};

#[derive(DeriveIden)]
enum Members { Table, Id }
#[derive(DeriveIden)]
enum Documents { Table, Id, QuizPassPercent }
#[derive(DeriveIden)]
enum DocumentSections { Table, Id }
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

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261124_000004_authoring"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
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
