//! Web Push: the server's VAPID key (made on first run), members' browser subscriptions, what
//! each member wants to get, and the queue of pushes written with the change they report.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::common::{fk, index};

#[derive(DeriveIden)]
enum Members { Table, Id }
#[derive(DeriveIden)]
enum AppSecrets { Table, Name, Value, CreatedAt }
#[derive(DeriveIden)]
enum PushSubscriptions { Table, Id, MemberId, Endpoint, P256dh, Auth, UserAgent, CreatedAt, LastUsedAt }
#[derive(DeriveIden)]
enum NotificationPrefs { Table, MemberId, Kind, InApp, Push }
#[derive(DeriveIden)]
enum PushOutbox { Table, Id, MemberId, Kind, Title, Link, CreatedAt, Attempts, NextAttemptAt }

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261126_000013_push"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
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
