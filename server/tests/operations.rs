//! Running the handbook as a deployment: servers sharing one PostgreSQL database start together,
//! and a server older than the schema keeps serving during a rolling update.

use crate::common;

use app::db::migration::Migrator;
use sea_orm::{ConnectionTrait, Statement};
use sea_orm_migration::MigratorTrait;

async fn count(db: &sea_orm::DatabaseConnection, sql: &str) -> i64 {
    let row = db.query_one_raw(Statement::from_string(db.get_database_backend(), sql.to_string())).await.expect(sql).expect("a row");
    row.try_get_by_index::<i64>(0).expect("a count")
}

/// Three servers started at the same moment on an empty PostgreSQL database, each told to seed
/// the demo: all come up, the schema is migrated once and the demo province exists once.
#[tokio::test]
async fn three_servers_started_at_once_on_an_empty_database_all_come_up() {
    let name = common::empty_postgres().await;
    let url = common::postgres_url(&name);
    // One deployment: the servers share the database and the secret key.
    let secret = std::env::temp_dir().join(format!("{name}.key"));
    let mut servers: Vec<common::ServerProcess> = (0..3).map(|_| common::ServerProcess::spawn(&url, true, Some(&secret))).collect();
    for server in &mut servers {
        server.wait_ready(300).await;
    }
    let db = app::db::connect(&url).await.expect("connect");
    assert_eq!(count(&db, "SELECT COUNT(*) FROM seaql_migrations").await, Migrator::migrations().len() as i64);
    assert_eq!(count(&db, "SELECT COUNT(*) FROM units WHERE parent_id IS NULL").await, 1, "one province root");
    assert_eq!(count(&db, "SELECT COUNT(*) FROM members WHERE phone = '0900000001'").await, 1, "the demo administrator once");
    let waited = servers.iter().filter(|s| s.log_text().contains("another server is migrating or seeding")).count();
    assert!(waited >= 1, "the servers started together: at least one waited for another's start-up");
    for server in &servers {
        let log = server.log_text();
        assert!(!log.contains("panicked") && !log.contains("Lỗi"), "a server logged a failure:\n{log}");
    }
    db.close().await.ok();
    drop(servers);
    common::drop_postgres(&name).await;
}

/// A rolling update: a newer release has migrated the database further than this build knows.
/// This build's server still starts and serves; `server migrate` finds nothing to do.
#[tokio::test]
async fn a_server_older_than_the_schema_keeps_serving() {
    let (sqlite, sqlite_url) = common::sqlite_with_url().await;
    let (postgres, name) = common::postgres().await;
    for (db, url) in [(sqlite, sqlite_url), (postgres, common::postgres_url(&name))] {
        db.execute_unprepared("INSERT INTO seaql_migrations (version, applied_at) VALUES ('m20991231_000099_from_a_later_release', 0)")
            .await
            .expect("a later release's migration");
        let migrate = std::process::Command::new(env!("CARGO_BIN_EXE_server"))
            .arg("migrate")
            .env("DATABASE_URL", &url)
            .env("SOTAY_SECRET_KEY_FILE", std::env::temp_dir().join(format!("{name}-migrate.key")))
            .env("RUST_LOG", "warn")
            .output()
            .expect("run server migrate");
        assert!(migrate.status.success(), "server migrate failed: {}", String::from_utf8_lossy(&migrate.stderr));
        let mut server = common::ServerProcess::spawn(&url, false, None);
        server.wait_ready(60).await;
        assert!(server.log_text().contains("schema is newer than this build"), "{}", server.log_text());
        assert_eq!(count(&db, "SELECT COUNT(*) FROM seaql_migrations").await, Migrator::migrations().len() as i64 + 1);
        db.close().await.ok();
    }
    common::drop_postgres(&name).await;
}
