//! The minutes (biên bản) of a meeting: speakers and votes as JSON lists of plain records.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::common::fk;

#[derive(DeriveIden)]
enum Meetings { Table, Id }
#[derive(DeriveIden)]
enum MeetingMinutes { Table, MeetingId, Chair, Recorder, Guests, Exempt, Speakers, Conclusion, Votes, ApprovedAt, UpdatedAt }

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261124_000006_minutes"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
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
                .foreign_key(&mut fk((MeetingMinutes::Table, MeetingMinutes::MeetingId), (Meetings::Table, Meetings::Id)))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(MeetingMinutes::Table).to_owned()).await
    }
}
