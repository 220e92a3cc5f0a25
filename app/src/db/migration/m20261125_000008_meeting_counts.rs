//! Attendance counts kept on each meeting, so reports over a province's year (half a million
//! attendance rows) read one row per meeting. Back-filled from the attendance rows.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveIden)]
enum Meetings { Table, ExpectedCount, AttendedCount, UnexcusedCount }

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261125_000008_meeting_counts"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters one thing at a time.
        for column in [Meetings::ExpectedCount, Meetings::AttendedCount, Meetings::UnexcusedCount] {
            m.alter_table(Table::alter().table(Meetings::Table).add_column(integer(column).default(0)).to_owned()).await?;
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
        for column in [Meetings::ExpectedCount, Meetings::AttendedCount, Meetings::UnexcusedCount] {
            m.alter_table(Table::alter().table(Meetings::Table).drop_column(column).to_owned()).await?;
        }
        Ok(())
    }
}
