//! Writes made without a connection and sent later: each device-made id is applied once, and a
//! replay gets the first answer back.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::common::fk;

#[derive(DeriveIden)]
enum Members { Table, Id }
#[derive(DeriveIden)]
enum OfflineWrites { Table, ClientId, MemberId, Kind, Status, Message, ReceivedAt }

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261127_000014_offline_writes"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
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
