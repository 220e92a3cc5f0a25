//! Questions put to the assistant and what it answered, with the member's thumbs up or down:
//! the member's history, and for administrators what the documents do not yet answer.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::common::{fk, index};

#[derive(DeriveIden)]
enum Units { Table, Id }
#[derive(DeriveIden)]
enum Members { Table, Id }
#[derive(DeriveIden)]
enum AssistantExchanges { Table, Id, ClientId, MemberId, UnitId, Question, Found, Mode, ByVoice, Answer, Rating, Comment, AskedAt, RatedAt }

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261201_000015_assistant"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(AssistantExchanges::Table)
                .col(big_pk_auto(AssistantExchanges::Id))
                .col(string_len(AssistantExchanges::ClientId, 64))
                .col(big_integer(AssistantExchanges::MemberId))
                // The member's cell when asking, so reports follow the org tree.
                .col(big_integer(AssistantExchanges::UnitId))
                .col(text(AssistantExchanges::Question))
                .col(boolean(AssistantExchanges::Found))
                .col(string_len(AssistantExchanges::Mode, 16))
                .col(boolean(AssistantExchanges::ByVoice))
                // The whole answer as shown (JSON), so history shows what the member saw.
                .col(text(AssistantExchanges::Answer))
                .col(integer_null(AssistantExchanges::Rating))
                .col(text(AssistantExchanges::Comment))
                .col(timestamp_with_time_zone(AssistantExchanges::AskedAt))
                .col(timestamp_with_time_zone_null(AssistantExchanges::RatedAt))
                .foreign_key(&mut fk((AssistantExchanges::Table, AssistantExchanges::MemberId), (Members::Table, Members::Id)))
                .foreign_key(&mut fk((AssistantExchanges::Table, AssistantExchanges::UnitId), (Units::Table, Units::Id)))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_assistant_exchanges_client")
                .table(AssistantExchanges::Table)
                .col(AssistantExchanges::MemberId)
                .col(AssistantExchanges::ClientId)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(index(AssistantExchanges::Table, "idx_assistant_exchanges_unit", vec![AssistantExchanges::UnitId.into_iden(), AssistantExchanges::AskedAt.into_iden()])).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(AssistantExchanges::Table).to_owned()).await
    }
}
