//! The foundation: the org tree (units and their closure table), members with their dated
//! memberships and positions, login credentials, sessions and the login throttle.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::common::{fk, index};

#[derive(DeriveIden)]
enum Units { Table, Id, ParentId, Kind, Code, Name, FoldedName, Depth, ValidFrom, ValidTo }
#[derive(DeriveIden)]
enum UnitClosure { Table, AncestorId, DescendantId, Depth }
#[derive(DeriveIden)]
enum Members {
    Table, Id, FullName, FoldedName, SortKey, BirthDate, Gender, CardNo, Phone, Email, AdmittedOn, OfficialOn, Status,
    UnitId, CreatedAt, UpdatedAt,
}
#[derive(DeriveIden)]
enum Memberships { Table, Id, MemberId, UnitId, FromDate, ToDate, Reason }
#[derive(DeriveIden)]
enum Positions { Table, Id, MemberId, UnitId, Role, FromDate, ToDate }
#[derive(DeriveIden)]
enum Credentials { Table, MemberId, PasswordHash, MustChange, UpdatedAt }
#[derive(DeriveIden)]
enum Sessions { Table, Id, MemberId, CreatedAt, ExpiresAt, Ip, UserAgent }
#[derive(DeriveIden)]
enum LoginThrottle { Table, Key, Failures, WindowStart, LockedUntil }

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261124_000001_foundation"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Units::Table)
                .col(big_pk_auto(Units::Id))
                .col(big_integer_null(Units::ParentId))
                .col(string_len(Units::Kind, 32))
                .col(string_len_uniq(Units::Code, 64))
                .col(string_len(Units::Name, 255))
                .col(string_len(Units::FoldedName, 255))
                .col(integer(Units::Depth))
                .col(date(Units::ValidFrom))
                .col(date_null(Units::ValidTo))
                .foreign_key(&mut fk((Units::Table, Units::ParentId), (Units::Table, Units::Id)))
                .to_owned(),
        )
        .await?;
        m.create_index(index(Units::Table, "idx_units_parent", vec![Units::ParentId.into_iden()])).await?;

        m.create_table(
            Table::create()
                .table(UnitClosure::Table)
                .col(big_integer(UnitClosure::AncestorId))
                .col(big_integer(UnitClosure::DescendantId))
                .col(integer(UnitClosure::Depth))
                .primary_key(Index::create().col(UnitClosure::AncestorId).col(UnitClosure::DescendantId))
                .foreign_key(&mut fk((UnitClosure::Table, UnitClosure::AncestorId), (Units::Table, Units::Id)))
                .foreign_key(&mut fk((UnitClosure::Table, UnitClosure::DescendantId), (Units::Table, Units::Id)))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            UnitClosure::Table,
            "idx_unit_closure_descendant",
            vec![UnitClosure::DescendantId.into_iden(), UnitClosure::AncestorId.into_iden()],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(Members::Table)
                .col(big_pk_auto(Members::Id))
                .col(string_len(Members::FullName, 120))
                .col(string_len(Members::FoldedName, 130))
                .col(string_len(Members::SortKey, 260))
                .col(date(Members::BirthDate))
                .col(string_len(Members::Gender, 8))
                .col(string_len_uniq(Members::CardNo, 20))
                .col(ColumnDef::new(Members::Phone).string_len(15).null().unique_key())
                .col(string_len_null(Members::Email, 120))
                .col(date(Members::AdmittedOn))
                .col(date_null(Members::OfficialOn))
                .col(string_len(Members::Status, 16))
                .col(big_integer(Members::UnitId))
                .col(timestamp_with_time_zone(Members::CreatedAt))
                .col(timestamp_with_time_zone(Members::UpdatedAt))
                .foreign_key(&mut fk((Members::Table, Members::UnitId), (Units::Table, Units::Id)))
                .to_owned(),
        )
        .await?;
        // Covers "active members under X" counts (index-only) and per-cell ordering by name.
        m.create_index(index(
            Members::Table,
            "idx_members_unit_status_sort",
            vec![Members::UnitId.into_iden(), Members::Status.into_iden(), Members::SortKey.into_iden()],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(Memberships::Table)
                .col(big_pk_auto(Memberships::Id))
                .col(big_integer(Memberships::MemberId))
                .col(big_integer(Memberships::UnitId))
                .col(date(Memberships::FromDate))
                .col(date_null(Memberships::ToDate))
                .col(string_len(Memberships::Reason, 255))
                .foreign_key(&mut fk((Memberships::Table, Memberships::MemberId), (Members::Table, Members::Id)))
                .foreign_key(&mut fk((Memberships::Table, Memberships::UnitId), (Units::Table, Units::Id)))
                .to_owned(),
        )
        .await?;
        m.create_index(index(Memberships::Table, "idx_memberships_member", vec![Memberships::MemberId.into_iden()])).await?;
        m.create_index(index(
            Memberships::Table,
            "idx_memberships_unit",
            vec![Memberships::UnitId.into_iden(), Memberships::FromDate.into_iden()],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(Positions::Table)
                .col(big_pk_auto(Positions::Id))
                .col(big_integer(Positions::MemberId))
                .col(big_integer(Positions::UnitId))
                .col(string_len(Positions::Role, 32))
                .col(date(Positions::FromDate))
                .col(date_null(Positions::ToDate))
                .foreign_key(&mut fk((Positions::Table, Positions::MemberId), (Members::Table, Members::Id)))
                .foreign_key(&mut fk((Positions::Table, Positions::UnitId), (Units::Table, Units::Id)))
                .to_owned(),
        )
        .await?;
        m.create_index(index(Positions::Table, "idx_positions_member", vec![Positions::MemberId.into_iden()])).await?;
        m.create_index(index(Positions::Table, "idx_positions_unit", vec![Positions::UnitId.into_iden()])).await?;

        m.create_table(
            Table::create()
                .table(Credentials::Table)
                .col(big_integer(Credentials::MemberId).primary_key())
                .col(string_len(Credentials::PasswordHash, 255))
                .col(boolean(Credentials::MustChange))
                .col(timestamp_with_time_zone(Credentials::UpdatedAt))
                .foreign_key(&mut fk((Credentials::Table, Credentials::MemberId), (Members::Table, Members::Id)))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Sessions::Table)
                .col(string_len(Sessions::Id, 64).primary_key())
                .col(big_integer(Sessions::MemberId))
                .col(timestamp_with_time_zone(Sessions::CreatedAt))
                .col(timestamp_with_time_zone(Sessions::ExpiresAt))
                .col(string_len_null(Sessions::Ip, 64))
                .col(string_len_null(Sessions::UserAgent, 255))
                .foreign_key(&mut fk((Sessions::Table, Sessions::MemberId), (Members::Table, Members::Id)))
                .to_owned(),
        )
        .await?;
        m.create_index(index(Sessions::Table, "idx_sessions_member", vec![Sessions::MemberId.into_iden()])).await?;

        m.create_table(
            Table::create()
                .table(LoginThrottle::Table)
                .col(string_len(LoginThrottle::Key, 80).primary_key())
                .col(integer(LoginThrottle::Failures))
                .col(timestamp_with_time_zone(LoginThrottle::WindowStart))
                .col(timestamp_with_time_zone_null(LoginThrottle::LockedUntil))
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            LoginThrottle::Table.into_iden(),
            Sessions::Table.into_iden(),
            Credentials::Table.into_iden(),
            Positions::Table.into_iden(),
            Memberships::Table.into_iden(),
            Members::Table.into_iden(),
            UnitClosure::Table.into_iden(),
            Units::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
