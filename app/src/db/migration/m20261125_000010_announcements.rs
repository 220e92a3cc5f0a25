//! Announcements from a committee to its subtree or to chosen roles, with one receipt row per
//! recipient (read, confirmed).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::common::{fk, index};

#[derive(DeriveIden)]
enum Units { Table, Id }
#[derive(DeriveIden)]
enum Members { Table, Id }
#[derive(DeriveIden)]
enum Announcements { Table, Id, UnitId, AuthorId, Title, Body, Audience, NeedsConfirm, Recipients, CreatedAt }
#[derive(DeriveIden)]
enum AnnouncementRecipients { Table, AnnouncementId, MemberId, ReadAt, ConfirmedAt }

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261125_000010_announcements"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
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
