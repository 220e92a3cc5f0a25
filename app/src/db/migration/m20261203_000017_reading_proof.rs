//! Proof of reading that means something in a report: reading time is credited against a
//! per-member clock (never more than the real time that passed), each event keeps what was
//! credited of what it claimed, and the comprehension check is served shuffled from a layout
//! kept on the server, at most three attempts a day, each numbered by its day.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveIden)]
enum ReadingClocks { Table, MemberId, DocumentId, CreditedUntil }
#[derive(DeriveIden)]
enum ReadingEvents { Table, Seconds, Credited }
#[derive(DeriveIden)]
enum QuizSheets { Table, Id, MemberId, DocumentId, Layout, CreatedAt }
#[derive(DeriveIden)]
enum QuizAttempts { Table, MemberId, DocumentId, Day, Number, Answers }
#[derive(DeriveIden)]
enum Members { Table, Id }
#[derive(DeriveIden)]
enum Documents { Table, Id }

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261203_000017_reading_proof"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // How far the real time a member has been credited for on a document reaches: each
        // credit moves it on by the wall-clock time the credited seconds take.
        m.create_table(
            Table::create()
                .table(ReadingClocks::Table)
                .col(big_integer(ReadingClocks::MemberId))
                .col(big_integer(ReadingClocks::DocumentId))
                .col(timestamp_with_time_zone(ReadingClocks::CreditedUntil))
                .primary_key(Index::create().col(ReadingClocks::MemberId).col(ReadingClocks::DocumentId))
                .foreign_key(ForeignKey::create().from(ReadingClocks::Table, ReadingClocks::MemberId).to(Members::Table, Members::Id))
                .foreign_key(ForeignKey::create().from(ReadingClocks::Table, ReadingClocks::DocumentId).to(Documents::Table, Documents::Id))
                .to_owned(),
        )
        .await?;
        // What was credited of each event's seconds; events before this were credited in full.
        m.alter_table(Table::alter().table(ReadingEvents::Table).add_column(integer(ReadingEvents::Credited).default(0)).to_owned())
            .await?;
        m.exec_stmt(
            Query::update()
                .table(ReadingEvents::Table)
                .value(ReadingEvents::Credited, Expr::col(ReadingEvents::Seconds))
                .to_owned(),
        )
        .await?;
        // The order one viewing of the check was served in: answers come back as positions in it.
        m.create_table(
            Table::create()
                .table(QuizSheets::Table)
                .col(string_len(QuizSheets::Id, 64).primary_key())
                .col(big_integer(QuizSheets::MemberId))
                .col(big_integer(QuizSheets::DocumentId))
                .col(text(QuizSheets::Layout))
                .col(timestamp_with_time_zone(QuizSheets::CreatedAt))
                .foreign_key(ForeignKey::create().from(QuizSheets::Table, QuizSheets::MemberId).to(Members::Table, Members::Id))
                .foreign_key(ForeignKey::create().from(QuizSheets::Table, QuizSheets::DocumentId).to(Documents::Table, Documents::Id))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_quiz_sheets_member_document")
                .table(QuizSheets::Table)
                .col(QuizSheets::MemberId)
                .col(QuizSheets::DocumentId)
                .to_owned(),
        )
        .await?;
        // Attempts are numbered within their Vietnamese day; the unique index makes a fourth
        // attempt impossible even when two are sent at once. Older attempts keep NULLs (distinct
        // in a unique index on both databases). One column per statement: SQLite's ALTER TABLE.
        m.alter_table(Table::alter().table(QuizAttempts::Table).add_column(date_null(QuizAttempts::Day)).to_owned()).await?;
        m.alter_table(Table::alter().table(QuizAttempts::Table).add_column(integer_null(QuizAttempts::Number)).to_owned()).await?;
        m.alter_table(Table::alter().table(QuizAttempts::Table).add_column(text_null(QuizAttempts::Answers)).to_owned()).await?;
        m.create_index(
            Index::create()
                .name("idx_quiz_attempts_daily")
                .table(QuizAttempts::Table)
                .col(QuizAttempts::MemberId)
                .col(QuizAttempts::DocumentId)
                .col(QuizAttempts::Day)
                .col(QuizAttempts::Number)
                .unique()
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(Index::drop().name("idx_quiz_attempts_daily").table(QuizAttempts::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(QuizSheets::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(ReadingClocks::Table).to_owned()).await
    }
}
