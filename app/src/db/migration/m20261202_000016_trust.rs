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
#[derive(DeriveIden)]
enum RateCounters { Table, Key, Hits, WindowStart }
#[derive(DeriveIden)]
enum LoginThrottle { Table }
#[derive(DeriveIden)]
enum Sessions { Table, LastSeenAt }

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
        // Per-member rate limits shared by every server on the database: one row per key and
        // window, counted with one upsert.
        m.create_table(
            Table::create()
                .table(RateCounters::Table)
                .col(string_len(RateCounters::Key, 120).primary_key())
                .col(integer(RateCounters::Hits))
                .col(timestamp_with_time_zone(RateCounters::WindowStart))
                .to_owned(),
        )
        .await?;
        m.create_index(Index::create().name("idx_rate_counters_window").table(RateCounters::Table).col(RateCounters::WindowStart).to_owned())
            .await?;
        // Sessions end after a while unused, not only 30 days after login.
        m.alter_table(Table::alter().table(Sessions::Table).add_column(timestamp_with_time_zone_null(Sessions::LastSeenAt)).to_owned())
            .await?;
        // Login attempts are counted in rate_counters now.
        m.drop_table(Table::drop().table(LoginThrottle::Table).to_owned()).await?;
        // The old table named the member beside a rating written in the same transaction: it
        // is the hole itself, so it goes (whoever already rated may rate once more).
        m.drop_table(Table::drop().table(MeetingRaters::Table).to_owned()).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(RateCounters::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(MeetingRaterTokens::Table).to_owned()).await
    }
}
