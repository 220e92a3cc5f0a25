//! Questions and proposals from members to their cell or a committee of their line, their
//! history, and every member's in-app notifications.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::common::{fk, index};

#[derive(DeriveIden)]
enum Units { Table, Id }
#[derive(DeriveIden)]
enum Members { Table, Id }
#[derive(DeriveIden)]
enum Questions {
    Table, Id, ClientId, AskerId, AskerCellId, UnitId, Kind, Topic, Title, Body, Anonymity, Status, AssigneeId, DueOn,
    Answer, AnsweredBy, AnsweredAt, Rating, RatingComment, MergedInto, CreatedAt, UpdatedAt,
}
#[derive(DeriveIden)]
enum QuestionEvents { Table, Id, QuestionId, ActorId, Action, UnitId, Note, At }
#[derive(DeriveIden)]
enum Notifications { Table, Id, MemberId, Kind, Title, Link, CreatedAt, ReadAt }

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261125_000009_interaction"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Questions::Table)
                .col(big_pk_auto(Questions::Id))
                .col(string_len_uniq(Questions::ClientId, 64))
                .col(big_integer(Questions::AskerId))
                .col(big_integer(Questions::AskerCellId))
                .col(big_integer(Questions::UnitId))
                .col(string_len(Questions::Kind, 16))
                .col(string_len(Questions::Topic, 40))
                .col(string_len(Questions::Title, 200))
                .col(text(Questions::Body))
                .col(string_len(Questions::Anonymity, 16))
                .col(string_len(Questions::Status, 16))
                .col(big_integer_null(Questions::AssigneeId))
                .col(date(Questions::DueOn))
                .col(text(Questions::Answer))
                .col(big_integer_null(Questions::AnsweredBy))
                .col(timestamp_with_time_zone_null(Questions::AnsweredAt))
                .col(integer_null(Questions::Rating))
                .col(text(Questions::RatingComment))
                .col(big_integer_null(Questions::MergedInto))
                .col(timestamp_with_time_zone(Questions::CreatedAt))
                .col(timestamp_with_time_zone(Questions::UpdatedAt))
                .foreign_key(&mut fk((Questions::Table, Questions::AskerId), (Members::Table, Members::Id)))
                .foreign_key(&mut fk((Questions::Table, Questions::AskerCellId), (Units::Table, Units::Id)))
                .foreign_key(&mut fk((Questions::Table, Questions::UnitId), (Units::Table, Units::Id)))
                .to_owned(),
        )
        .await?;
        m.create_index(index(Questions::Table, "idx_questions_unit_status", vec![Questions::UnitId.into_iden(), Questions::Status.into_iden()])).await?;
        m.create_index(index(Questions::Table, "idx_questions_asker", vec![Questions::AskerId.into_iden(), Questions::CreatedAt.into_iden()])).await?;
        m.create_table(
            Table::create()
                .table(QuestionEvents::Table)
                .col(big_pk_auto(QuestionEvents::Id))
                .col(big_integer(QuestionEvents::QuestionId))
                .col(big_integer_null(QuestionEvents::ActorId))
                .col(string_len(QuestionEvents::Action, 16))
                .col(big_integer_null(QuestionEvents::UnitId))
                .col(text(QuestionEvents::Note))
                .col(timestamp_with_time_zone(QuestionEvents::At))
                .foreign_key(&mut fk((QuestionEvents::Table, QuestionEvents::QuestionId), (Questions::Table, Questions::Id)))
                .to_owned(),
        )
        .await?;
        m.create_index(index(QuestionEvents::Table, "idx_question_events_question", vec![QuestionEvents::QuestionId.into_iden()])).await?;
        m.create_table(
            Table::create()
                .table(Notifications::Table)
                .col(big_pk_auto(Notifications::Id))
                .col(big_integer(Notifications::MemberId))
                .col(string_len(Notifications::Kind, 32))
                .col(string_len(Notifications::Title, 300))
                .col(string_len(Notifications::Link, 300))
                .col(timestamp_with_time_zone(Notifications::CreatedAt))
                .col(timestamp_with_time_zone_null(Notifications::ReadAt))
                .foreign_key(&mut fk((Notifications::Table, Notifications::MemberId), (Members::Table, Members::Id)))
                .to_owned(),
        )
        .await?;
        m.create_index(index(Notifications::Table, "idx_notifications_member", vec![Notifications::MemberId.into_iden(), Notifications::ReadAt.into_iden()])).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Notifications::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(QuestionEvents::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(Questions::Table).to_owned()).await
    }
}
