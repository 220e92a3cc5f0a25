//! One-time activation codes: a member's first password (or a new one after a reset) is chosen
//! by the member with a code their cell's secretary or an administrator handed out. Only a keyed
//! fingerprint of each code is kept (HMAC under the server's secret key, which lives outside the
//! database), so reading the database gives no usable code; one row per member, so a new code
//! replaces the old one.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveIden)]
enum ActivationCodes { Table, MemberId, CodeTag, IssuedBy, IssuedAt, ExpiresAt }
#[derive(DeriveIden)]
enum Members { Table, Id }

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261204_000018_activation"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(ActivationCodes::Table)
                .col(big_integer(ActivationCodes::MemberId).primary_key())
                .col(string_len(ActivationCodes::CodeTag, 64))
                .col(big_integer_null(ActivationCodes::IssuedBy))
                .col(timestamp_with_time_zone(ActivationCodes::IssuedAt))
                .col(timestamp_with_time_zone(ActivationCodes::ExpiresAt))
                .foreign_key(ForeignKey::create().from(ActivationCodes::Table, ActivationCodes::MemberId).to(Members::Table, Members::Id))
                .foreign_key(ForeignKey::create().from(ActivationCodes::Table, ActivationCodes::IssuedBy).to(Members::Table, Members::Id))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(ActivationCodes::Table).to_owned()).await
    }
}
