//! Single-use, short-lived check-in codes shown as a rotating QR code on the secretary's screen.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::common::{fk, index};

#[derive(DeriveIden)]
enum Members { Table, Id }
#[derive(DeriveIden)]
enum Meetings { Table, Id }
#[derive(DeriveIden)]
enum MeetingQrCodes { Table, Id, MeetingId, Code, CreatedAt, UsedBy, UsedAt }

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261124_000007_checkin"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
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
                .foreign_key(&mut fk((MeetingQrCodes::Table, MeetingQrCodes::MeetingId), (Meetings::Table, Meetings::Id)))
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
