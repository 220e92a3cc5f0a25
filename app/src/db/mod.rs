//! Database access: connection, migrations (`migration/`, one file each), entities
//! (`entities/`, one file per table) and the diacritic folding stored beside names and titles.
//! Server-only. Demo data lives apart, in `crate::demo`.

pub mod entities;
pub mod fold;
pub mod migration;

use std::time::Duration;

use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseBackend, DatabaseConnection, DbErr};
use sea_orm_migration::MigratorTrait;

/// Default database: an SQLite file under `data/`, created if missing.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/sotay.db?mode=rwc";

/// Connects to SQLite (WAL, foreign keys on) or PostgreSQL, chosen by the URL's scheme.
pub async fn connect(url: &str) -> Result<DatabaseConnection, DbErr> {
    if let Some(path) = sqlite_file_path(url)
        && let Some(dir) = std::path::Path::new(&path).parent()
            && !dir.as_os_str().is_empty() {
                std::fs::create_dir_all(dir).map_err(|e| DbErr::Custom(format!("create {dir:?}: {e}")))?;
            }
    let mut options = ConnectOptions::new(url.to_string());
    options
        .max_connections(if url.starts_with("sqlite") { 8 } else { 20 })
        .connect_timeout(Duration::from_secs(10))
        // Every statement logged (target `sqlx::query`) only when asked: for
        // counting what a page costs, never in production.
        .sqlx_logging(std::env::var_os("SOTAY_LOG_SQL").is_some())
        .map_sqlx_sqlite_opts(|o| {
            o.journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10))
                // SQLite's worker thread hands rows over a bounded channel; at the default of
                // 50 a longer result (a document's ~200 sections, a member's reading of them)
                // wakes the worker and the request's task once per further row. Room for a whole
                // page's result lets the worker finish in one go (it holds rows, not pages).
                .row_buffer_size(1024)
        });
    Database::connect(options).await
}

/// Applies every pending migration.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    migration::Migrator::up(db, None).await
}

fn sqlite_file_path(url: &str) -> Option<String> {
    let rest = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or_default();
    (!path.is_empty() && path != ":memory:").then(|| path.to_string())
}

/// After rows were inserted with explicit ids, PostgreSQL's sequences must be moved past them.
pub async fn sync_id_sequences(db: &DatabaseConnection, tables: &[&str]) -> Result<(), DbErr> {
    if db.get_database_backend() != DatabaseBackend::Postgres {
        return Ok(());
    }
    for table in tables {
        db.execute_unprepared(&format!(
            "SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
        ))
        .await?;
    }
    Ok(())
}

/// After a bulk load into PostgreSQL, refreshes the planner's statistics and the visibility map
/// that index-only scans need) instead of waiting for autovacuum.
pub async fn refresh_statistics(db: &DatabaseConnection) -> Result<(), DbErr> {
    if db.get_database_backend() == DatabaseBackend::Postgres {
        db.execute_unprepared(
            "VACUUM ANALYZE units, unit_closure, members, memberships, positions, credentials, reading_status, document_sections, meetings, meeting_attendance, meeting_documents, meeting_ratings",
        )
        .await?;
    }
    Ok(())
}
