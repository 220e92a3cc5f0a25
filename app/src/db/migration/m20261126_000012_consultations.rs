//! Consultation on drafts (xin ý kiến): a committee opens a draft for comments by article until a
//! deadline; who was asked is fixed when it opens; each comment carries a device-made id.

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
enum Consultations { Table, Id, DocumentId, DocumentVersion, UnitId, Audience, Intro, ClosesOn, ClosedAt, Invitees, CreatedBy, CreatedAt }
#[derive(DeriveIden)]
enum ConsultationInvitees { Table, ConsultationId, MemberId }
#[derive(DeriveIden)]
enum ConsultationComments { Table, Id, ClientId, ConsultationId, MemberId, UnitId, SectionAnchor, SectionLabel, Stance, Body, CreatedAt, UpdatedAt }

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261126_000012_consultations"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Consultations::Table)
                .col(big_pk_auto(Consultations::Id))
                .col(big_integer(Consultations::DocumentId))
                .col(integer(Consultations::DocumentVersion))
                .col(big_integer(Consultations::UnitId))
                .col(string_len(Consultations::Audience, 16))
                .col(text(Consultations::Intro))
                .col(date(Consultations::ClosesOn))
                .col(timestamp_with_time_zone_null(Consultations::ClosedAt))
                .col(integer(Consultations::Invitees))
                .col(big_integer(Consultations::CreatedBy))
                .col(timestamp_with_time_zone(Consultations::CreatedAt))
                .foreign_key(&mut fk((Consultations::Table, Consultations::DocumentId), (Documents::Table, Documents::Id)))
                .foreign_key(&mut fk((Consultations::Table, Consultations::UnitId), (Units::Table, Units::Id)))
                .foreign_key(&mut fk((Consultations::Table, Consultations::CreatedBy), (Members::Table, Members::Id)))
                .to_owned(),
        )
        .await?;
        m.create_index(index(Consultations::Table, "idx_consultations_document", vec![Consultations::DocumentId.into_iden()])).await?;
        m.create_table(
            Table::create()
                .table(ConsultationInvitees::Table)
                .col(big_integer(ConsultationInvitees::ConsultationId))
                .col(big_integer(ConsultationInvitees::MemberId))
                .primary_key(Index::create().col(ConsultationInvitees::ConsultationId).col(ConsultationInvitees::MemberId))
                .foreign_key(&mut fk((ConsultationInvitees::Table, ConsultationInvitees::ConsultationId), (Consultations::Table, Consultations::Id)))
                .foreign_key(&mut fk((ConsultationInvitees::Table, ConsultationInvitees::MemberId), (Members::Table, Members::Id)))
                .to_owned(),
        )
        .await?;
        m.create_index(index(ConsultationInvitees::Table, "idx_consultation_invitees_member", vec![ConsultationInvitees::MemberId.into_iden()])).await?;
        m.create_table(
            Table::create()
                .table(ConsultationComments::Table)
                .col(big_pk_auto(ConsultationComments::Id))
                .col(string_len_uniq(ConsultationComments::ClientId, 64))
                .col(big_integer(ConsultationComments::ConsultationId))
                .col(big_integer(ConsultationComments::MemberId))
                .col(big_integer(ConsultationComments::UnitId))
                .col(string_len(ConsultationComments::SectionAnchor, 120))
                .col(string_len(ConsultationComments::SectionLabel, 255))
                .col(string_len(ConsultationComments::Stance, 16))
                .col(text(ConsultationComments::Body))
                .col(timestamp_with_time_zone(ConsultationComments::CreatedAt))
                .col(timestamp_with_time_zone(ConsultationComments::UpdatedAt))
                .foreign_key(&mut fk((ConsultationComments::Table, ConsultationComments::ConsultationId), (Consultations::Table, Consultations::Id)))
                .foreign_key(&mut fk((ConsultationComments::Table, ConsultationComments::MemberId), (Members::Table, Members::Id)))
                .foreign_key(&mut fk((ConsultationComments::Table, ConsultationComments::UnitId), (Units::Table, Units::Id)))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            ConsultationComments::Table,
            "idx_consultation_comments_section",
            vec![ConsultationComments::ConsultationId.into_iden(), ConsultationComments::SectionAnchor.into_iden()],
        ))
        .await?;
        m.create_index(index(ConsultationComments::Table, "idx_consultation_comments_member", vec![ConsultationComments::MemberId.into_iden()])).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(ConsultationComments::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(ConsultationInvitees::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(Consultations::Table).to_owned()).await
    }
}
