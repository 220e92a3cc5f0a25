//! Schema migrations, applied at start-up; each runs on SQLite and PostgreSQL alike. One file
//! per migration under `migration/`, named as SeaORM records it in `seaql_migrations` (never
//! rename one: existing databases know it by that name), each with `DeriveIden` enums naming
//! only the tables and columns it touches; `common` holds the shared statement builders.

use sea_orm_migration::prelude::*;

mod common;
mod m20261124_000001_foundation;
mod m20261124_000002_documents;
mod m20261124_000003_reading;
mod m20261124_000004_authoring;
mod m20261124_000005_meetings;
mod m20261124_000006_minutes;
mod m20261124_000007_checkin;
mod m20261125_000008_meeting_counts;
mod m20261125_000009_interaction;
mod m20261125_000010_announcements;
mod m20261125_000011_faq;
mod m20261126_000012_consultations;
mod m20261126_000013_push;
mod m20261127_000014_offline_writes;
mod m20261201_000015_assistant;
mod m20261202_000016_trust;
mod m20261203_000017_reading_proof;
mod m20261204_000018_activation;
mod m20261204_000019_search_changes;
mod m20261204_000020_search_change_kinds;
mod m20261205_000021_document_vectors;
mod m20261206_000022_document_vector_models;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261124_000001_foundation::Migration),
            Box::new(m20261124_000002_documents::Migration),
            Box::new(m20261124_000003_reading::Migration),
            Box::new(m20261124_000004_authoring::Migration),
            Box::new(m20261124_000005_meetings::Migration),
            Box::new(m20261124_000006_minutes::Migration),
            Box::new(m20261124_000007_checkin::Migration),
            Box::new(m20261125_000008_meeting_counts::Migration),
            Box::new(m20261125_000009_interaction::Migration),
            Box::new(m20261125_000010_announcements::Migration),
            Box::new(m20261125_000011_faq::Migration),
            Box::new(m20261126_000012_consultations::Migration),
            Box::new(m20261126_000013_push::Migration),
            Box::new(m20261127_000014_offline_writes::Migration),
            Box::new(m20261201_000015_assistant::Migration),
            Box::new(m20261202_000016_trust::Migration),
            Box::new(m20261203_000017_reading_proof::Migration),
            Box::new(m20261204_000018_activation::Migration),
            Box::new(m20261204_000019_search_changes::Migration),
            Box::new(m20261204_000020_search_change_kinds::Migration),
            Box::new(m20261205_000021_document_vectors::Migration),
            Box::new(m20261206_000022_document_vector_models::Migration),
        ]
    }
}
