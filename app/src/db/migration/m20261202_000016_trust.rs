//! Trust: who rated a meeting is kept only as a keyed fingerprint (the key lives outside the
//! database), so the rater and the rating cannot be linked by anyone reading the database.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveIden)]
enum MeetingRaters { Table }
#[derive(DeriveIden)]
enum MeetingRaterTokens { Table, MeetingId, Token }
#[derive(DeriveIden)]
enum Meetings { Table, Id }

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261202_000016_trust"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(MeetingRaterTokens::Table)
                .col(big_integer(MeetingRaterTokens::MeetingId))
                .col(string_len(MeetingRaterTokens::Token, 64))
                .primary_key(Index::create().col(MeetingRaterTokens::MeetingId).col(MeetingRaterTokens::Token))
                .foreign_key(
                    ForeignKey::create()
                        .from(MeetingRaterTokens::Table, MeetingRaterTokens::MeetingId)
                        .to(Meetings::Table, Meetings::Id),
                )
                .to_owned(),
        )
        .await?;
        // The old table named the member beside a rating written in the same transaction: it
        // is the hole itself, so it goes (whoever already rated may rate once more).
        m.drop_table(Table::drop().table(MeetingRaters::Table).to_owned()).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(MeetingRaterTokens::Table).to_owned()).await
    }
}
