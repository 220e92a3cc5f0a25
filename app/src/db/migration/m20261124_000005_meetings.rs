//! Party-cell meetings: rubrics as data (each version kept), meetings, their documents,
//! attendance, scores with the higher committee's reviews, and anonymous ratings (stored apart
//! from who rated, so no query can join them).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::common::{fk, index};

#[derive(DeriveIden)]
enum Units { Table, Id }
#[derive(DeriveIden)]
enum Members { Table, Id }
#[derive(DeriveIden)]
enum Documents { Table, Id }
#[derive(DeriveIden)]
enum Rubrics { Table, Id, Family, Version, OwnerUnitId, Name, Thresholds, CreatedBy, CreatedAt }
#[derive(DeriveIden)]
enum RubricCriteria { Table, Id, RubricId, Ordinal, Code, Label, MaxTenths, Auto }
#[derive(DeriveIden)]
enum Meetings {
    Table, Id, UnitId, Kind, WithThematic, Topic, Agenda, Place, StartsAt, PlannedMinutes, HeldMinutes, Status,
    RubricId, TotalTenths, Classification, MinutesApprovedAt, CreatedBy, CreatedAt, UpdatedAt,
}
#[derive(DeriveIden)]
enum MeetingDocuments { Table, MeetingId, DocumentId, PostedAt }
#[derive(DeriveIden)]
enum MeetingAttendance { Table, MeetingId, MemberId, Rsvp, RsvpReason, Status, Note, MarkedAt }
#[derive(DeriveIden)]
enum MeetingScores { Table, MeetingId, CriterionId, Tenths, AutoTenths }
#[derive(DeriveIden)]
enum MeetingReviews { Table, Id, MeetingId, ReviewerId, Action, CriterionId, FromTenths, ToTenths, Reason, At }
#[derive(DeriveIden)]
enum MeetingRatings { Table, Id, ClientId, MeetingId, Stars, Comment, OnDate }
#[derive(DeriveIden)]
enum MeetingRaters { Table, MeetingId, MemberId }

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261124_000005_meetings"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Rubrics::Table)
                .col(big_pk_auto(Rubrics::Id))
                .col(string_len(Rubrics::Family, 64))
                .col(integer(Rubrics::Version))
                .col(big_integer_null(Rubrics::OwnerUnitId))
                .col(string_len(Rubrics::Name, 255))
                .col(text(Rubrics::Thresholds))
                .col(big_integer_null(Rubrics::CreatedBy))
                .col(timestamp_with_time_zone(Rubrics::CreatedAt))
                .foreign_key(&mut fk((Rubrics::Table, Rubrics::OwnerUnitId), (Units::Table, Units::Id)))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create().name("idx_rubrics_family_version").table(Rubrics::Table).col(Rubrics::Family).col(Rubrics::Version).unique().to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(RubricCriteria::Table)
                .col(big_pk_auto(RubricCriteria::Id))
                .col(big_integer(RubricCriteria::RubricId))
                .col(integer(RubricCriteria::Ordinal))
                .col(string_len(RubricCriteria::Code, 32))
                .col(text(RubricCriteria::Label))
                .col(integer(RubricCriteria::MaxTenths))
                .col(string_len_null(RubricCriteria::Auto, 32))
                .foreign_key(&mut fk((RubricCriteria::Table, RubricCriteria::RubricId), (Rubrics::Table, Rubrics::Id)))
                .to_owned(),
        )
        .await?;
        m.create_index(index(RubricCriteria::Table, "idx_rubric_criteria_rubric", vec![RubricCriteria::RubricId.into_iden()])).await?;
        m.create_table(
            Table::create()
                .table(Meetings::Table)
                .col(big_pk_auto(Meetings::Id))
                .col(big_integer(Meetings::UnitId))
                .col(string_len(Meetings::Kind, 16))
                .col(boolean(Meetings::WithThematic))
                .col(string_len(Meetings::Topic, 500))
                .col(text(Meetings::Agenda))
                .col(string_len(Meetings::Place, 255))
                .col(timestamp_with_time_zone(Meetings::StartsAt))
                .col(integer(Meetings::PlannedMinutes))
                .col(integer_null(Meetings::HeldMinutes))
                .col(string_len(Meetings::Status, 16))
                .col(big_integer_null(Meetings::RubricId))
                .col(integer_null(Meetings::TotalTenths))
                .col(string_len_null(Meetings::Classification, 16))
                .col(timestamp_with_time_zone_null(Meetings::MinutesApprovedAt))
                .col(big_integer(Meetings::CreatedBy))
                .col(timestamp_with_time_zone(Meetings::CreatedAt))
                .col(timestamp_with_time_zone(Meetings::UpdatedAt))
                .foreign_key(&mut fk((Meetings::Table, Meetings::UnitId), (Units::Table, Units::Id)))
                .foreign_key(&mut fk((Meetings::Table, Meetings::RubricId), (Rubrics::Table, Rubrics::Id)))
                .foreign_key(&mut fk((Meetings::Table, Meetings::CreatedBy), (Members::Table, Members::Id)))
                .to_owned(),
        )
        .await?;
        m.create_index(index(Meetings::Table, "idx_meetings_unit_starts", vec![Meetings::UnitId.into_iden(), Meetings::StartsAt.into_iden()])).await?;
        m.create_table(
            Table::create()
                .table(MeetingDocuments::Table)
                .col(big_integer(MeetingDocuments::MeetingId))
                .col(big_integer(MeetingDocuments::DocumentId))
                .col(timestamp_with_time_zone(MeetingDocuments::PostedAt))
                .primary_key(Index::create().col(MeetingDocuments::MeetingId).col(MeetingDocuments::DocumentId))
                .foreign_key(&mut fk((MeetingDocuments::Table, MeetingDocuments::MeetingId), (Meetings::Table, Meetings::Id)))
                .foreign_key(&mut fk((MeetingDocuments::Table, MeetingDocuments::DocumentId), (Documents::Table, Documents::Id)))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(MeetingAttendance::Table)
                .col(big_integer(MeetingAttendance::MeetingId))
                .col(big_integer(MeetingAttendance::MemberId))
                .col(string_len(MeetingAttendance::Rsvp, 16))
                .col(string_len(MeetingAttendance::RsvpReason, 500))
                .col(string_len(MeetingAttendance::Status, 16))
                .col(string_len(MeetingAttendance::Note, 500))
                .col(timestamp_with_time_zone_null(MeetingAttendance::MarkedAt))
                .primary_key(Index::create().col(MeetingAttendance::MeetingId).col(MeetingAttendance::MemberId))
                .foreign_key(&mut fk((MeetingAttendance::Table, MeetingAttendance::MeetingId), (Meetings::Table, Meetings::Id)))
                .foreign_key(&mut fk((MeetingAttendance::Table, MeetingAttendance::MemberId), (Members::Table, Members::Id)))
                .to_owned(),
        )
        .await?;
        m.create_index(index(MeetingAttendance::Table, "idx_meeting_attendance_member", vec![MeetingAttendance::MemberId.into_iden()])).await?;
        m.create_table(
            Table::create()
                .table(MeetingScores::Table)
                .col(big_integer(MeetingScores::MeetingId))
                .col(big_integer(MeetingScores::CriterionId))
                .col(integer(MeetingScores::Tenths))
                .col(integer_null(MeetingScores::AutoTenths))
                .primary_key(Index::create().col(MeetingScores::MeetingId).col(MeetingScores::CriterionId))
                .foreign_key(&mut fk((MeetingScores::Table, MeetingScores::MeetingId), (Meetings::Table, Meetings::Id)))
                .foreign_key(&mut fk((MeetingScores::Table, MeetingScores::CriterionId), (RubricCriteria::Table, RubricCriteria::Id)))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(MeetingReviews::Table)
                .col(big_pk_auto(MeetingReviews::Id))
                .col(big_integer(MeetingReviews::MeetingId))
                .col(big_integer(MeetingReviews::ReviewerId))
                .col(string_len(MeetingReviews::Action, 16))
                .col(big_integer_null(MeetingReviews::CriterionId))
                .col(integer_null(MeetingReviews::FromTenths))
                .col(integer_null(MeetingReviews::ToTenths))
                .col(string_len(MeetingReviews::Reason, 1000))
                .col(timestamp_with_time_zone(MeetingReviews::At))
                .foreign_key(&mut fk((MeetingReviews::Table, MeetingReviews::MeetingId), (Meetings::Table, Meetings::Id)))
                .foreign_key(&mut fk((MeetingReviews::Table, MeetingReviews::ReviewerId), (Members::Table, Members::Id)))
                .to_owned(),
        )
        .await?;
        m.create_index(index(MeetingReviews::Table, "idx_meeting_reviews_meeting", vec![MeetingReviews::MeetingId.into_iden()])).await?;
        // No member column, and only the day: a rating cannot be traced back to its author.
        m.create_table(
            Table::create()
                .table(MeetingRatings::Table)
                .col(big_pk_auto(MeetingRatings::Id))
                .col(string_len_uniq(MeetingRatings::ClientId, 64))
                .col(big_integer(MeetingRatings::MeetingId))
                .col(integer(MeetingRatings::Stars))
                .col(string_len(MeetingRatings::Comment, 1000))
                .col(date(MeetingRatings::OnDate))
                .foreign_key(&mut fk((MeetingRatings::Table, MeetingRatings::MeetingId), (Meetings::Table, Meetings::Id)))
                .to_owned(),
        )
        .await?;
        m.create_index(index(MeetingRatings::Table, "idx_meeting_ratings_meeting", vec![MeetingRatings::MeetingId.into_iden()])).await?;
        m.create_table(
            Table::create()
                .table(MeetingRaters::Table)
                .col(big_integer(MeetingRaters::MeetingId))
                .col(big_integer(MeetingRaters::MemberId))
                .primary_key(Index::create().col(MeetingRaters::MeetingId).col(MeetingRaters::MemberId))
                .foreign_key(&mut fk((MeetingRaters::Table, MeetingRaters::MeetingId), (Meetings::Table, Meetings::Id)))
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            MeetingRaters::Table.into_iden(),
            MeetingRatings::Table.into_iden(),
            MeetingReviews::Table.into_iden(),
            MeetingScores::Table.into_iden(),
            MeetingAttendance::Table.into_iden(),
            MeetingDocuments::Table.into_iden(),
            Meetings::Table.into_iden(),
            RubricCriteria::Table.into_iden(),
            Rubrics::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
