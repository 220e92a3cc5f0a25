//! Database access: connection, migrations (`migration/`, one file each), entities
//! (`entities/`, one file per table) and the diacritic folding stored beside names and titles.
//! Server-only. Demo data lives apart, in `crate::demo`.

#[cfg(feature = "ssr")]
pub mod backup;
pub mod entities;
pub mod fold;
pub mod migration;

use std::time::Duration;

use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseBackend, DatabaseConnection, DbErr, Statement};
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

/// Brings the schema up to what this build needs. A schema that is already newer (a later
/// release's migrations, applied by a newer server sharing the database) is left as it is:
/// this build needs its own migrations to be there, not to be the last — so during a rolling
/// update the servers not yet replaced keep serving.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    let Schema { missing, newer } = schema(db).await?;
    if missing == 0 {
        if newer > 0 {
            tracing::info!(newer, "the database's schema is newer than this build; serving with it");
        }
        return Ok(());
    }
    if newer > 0 {
        // Later migrations applied over a gap in this build's own: not a state any release makes.
        return Err(DbErr::Custom(format!(
            "cơ sở dữ liệu đã có {newer} bản cập nhật cấu trúc của phiên bản mới hơn nhưng còn thiếu bản của phiên bản này; hãy chạy `server migrate` bằng phiên bản mới nhất"
        )));
    }
    migration::Migrator::up(db, None).await
}

/// How the database's schema stands against this build's migrations.
struct Schema {
    /// This build's migrations not applied yet.
    missing: usize,
    /// Migrations applied that this build does not know (a later release's).
    newer: usize,
}

async fn schema(db: &DatabaseConnection) -> Result<Schema, DbErr> {
    let applied = migration::Migrator::get_migration_models(db).await?.into_iter().map(|m| m.version).collect();
    Ok(Schema::of(&applied))
}

impl Schema {
    /// This build's migrations against the versions a database has applied.
    fn of(applied: &std::collections::HashSet<String>) -> Schema {
        let known: Vec<String> = migration::Migrator::migrations().iter().map(|m| m.name().to_string()).collect();
        Schema {
            missing: known.iter().filter(|k| !applied.contains(*k)).count(),
            newer: applied.iter().filter(|v| !known.contains(v)).count(),
        }
    }
}

/// Whether this build can serve the database: it answers and holds every migration this build
/// needs (a newer schema is fine). For a readiness check: it only reads (no table is made when
/// the migrations' table is missing: then it is not ready).
pub async fn ready(db: &DatabaseConnection) -> Result<(), DbErr> {
    let applied: std::collections::HashSet<String> = db
        .query_all_raw(Statement::from_string(db.get_database_backend(), "SELECT version FROM seaql_migrations"))
        .await?
        .iter()
        .map(|row| row.try_get_by_index::<String>(0))
        .collect::<Result<_, _>>()?;
    match Schema::of(&applied).missing {
        0 => Ok(()),
        missing => Err(DbErr::Custom(format!("{missing} migrations not applied"))),
    }
}

/// The connection pool: connections open, and of those idle.
pub fn pool_use(db: &DatabaseConnection) -> (u32, usize) {
    match db.get_database_backend() {
        sea_orm::DbBackend::Postgres => {
            let pool = db.get_postgres_connection_pool();
            (pool.size(), pool.num_idle())
        }
        sea_orm::DbBackend::Sqlite => {
            let pool = db.get_sqlite_connection_pool();
            (pool.size(), pool.num_idle())
        }
        _ => (0, 0),
    }
}

/// PostgreSQL advisory lock key of start-up work ("sotay" in ASCII).
const STARTUP_LOCK_KEY: i64 = 0x73_6f_74_61_79;

/// Held while a server migrates and seeds at start-up, so that servers started together on one
/// PostgreSQL database take turns instead of racing (two `CREATE TABLE`s at once fail on
/// PostgreSQL's catalogue). The lock lives on a connection of its own: if the process dies
/// holding it, the connection closes and the lock goes with it. SQLite is one server's file:
/// nothing is taken.
/// Released by [`StartupLock::release`], or when the process ends (every start-up failure ends
/// it). `DATABASE_URL` must reach PostgreSQL directly or through session-mode pooling: a
/// transaction-mode pooler (PgBouncer) cannot keep a session's lock.
#[must_use = "release the lock once start-up work is done"]
pub struct StartupLock(Option<DatabaseConnection>);

/// Takes the start-up lock, waiting (and saying so) while another server holds it.
pub async fn startup_lock(url: &str) -> Result<StartupLock, DbErr> {
    if !url.starts_with("postgres") {
        return Ok(StartupLock(None));
    }
    let mut options = ConnectOptions::new(url.to_string());
    // One connection that stays open however long the work takes (the lock is the connection's).
    options
        .max_connections(1)
        .min_connections(1)
        .idle_timeout(Duration::from_secs(86_400))
        .max_lifetime(Duration::from_secs(86_400))
        .connect_timeout(Duration::from_secs(10))
        .sqlx_logging(false);
    let conn = Database::connect(options).await?;
    // Waiting for another server's start-up is normal here: no statement or lock timeout set
    // for the role may turn it into a failure, and the idle lock connection must not be closed
    // by the server while the migrations run on the other pool (PostgreSQL 14+ knows
    // `idle_session_timeout`; older ones refuse the name, which is harmless).
    conn.execute_unprepared("SET statement_timeout = 0").await?;
    conn.execute_unprepared("SET lock_timeout = 0").await?;
    if conn.execute_unprepared("SET idle_session_timeout = 0").await.is_err() {
        tracing::debug!("idle_session_timeout unknown to this PostgreSQL");
    }
    let taken = lock_call(&conn, "pg_try_advisory_lock").await?;
    if !taken {
        tracing::info!("another server is migrating or seeding this database; waiting for it");
        conn.execute_unprepared(&format!("SELECT pg_advisory_lock({STARTUP_LOCK_KEY})")).await?;
    }
    Ok(StartupLock(Some(conn)))
}

/// Calls one of PostgreSQL's advisory-lock functions on the start-up key; whether it succeeded.
async fn lock_call(conn: &DatabaseConnection, function: &str) -> Result<bool, DbErr> {
    let sql = format!("SELECT {function}({STARTUP_LOCK_KEY}) AS done");
    Ok(conn
        .query_one_raw(Statement::from_string(DatabaseBackend::Postgres, sql))
        .await?
        .map(|row| row.try_get::<bool>("", "done"))
        .transpose()?
        .unwrap_or(false))
}

impl StartupLock {
    pub async fn release(self) -> Result<(), DbErr> {
        if let Some(conn) = self.0 {
            let released = lock_call(&conn, "pg_advisory_unlock").await?;
            if !released {
                // The lock's connection was lost while the work ran (a proxy or the database
                // closed it): another server may have started its work meanwhile.
                tracing::warn!("the start-up lock was no longer held when released");
            }
            conn.close().await?;
        }
        Ok(())
    }
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
