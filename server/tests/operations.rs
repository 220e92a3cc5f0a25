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

/// What a load balancer and a monitoring system see: `/healthz` and `/readyz` answer, a request
/// id comes back with every answer and is in the server's log line for it, and `/metrics` counts
/// requests by route for this machine — never for a request that came through a reverse proxy.
#[tokio::test]
async fn health_readiness_request_ids_and_metrics() {
    let (_db, url) = common::sqlite_with_url().await;
    let mut server = common::ServerProcess::spawn(&url, false, None);
    server.wait_ready(120).await;
    let http = reqwest::Client::new();
    let get = |path: &str| http.get(format!("{}{path}", server.base));

    let health = get("/healthz").send().await.expect("healthz");
    assert_eq!((health.status().as_u16(), health.text().await.expect("body").as_str()), (200, "ok"));
    let ready = get("/readyz").send().await.expect("readyz");
    assert_eq!(ready.status().as_u16(), 200);

    // An id from the proxy is kept; without one the server makes one; both are logged.
    let login = get("/dang-nhap").header("x-request-id", "nginx-7f3a91").send().await.expect("page");
    assert_eq!(login.headers().get("x-request-id").and_then(|v| v.to_str().ok()), Some("nginx-7f3a91"));
    let made = get("/tai-lieu/42").send().await.expect("page");
    let made_id = made.headers().get("x-request-id").and_then(|v| v.to_str().ok()).expect("an id is made").to_string();
    assert!(made_id.len() >= 16, "{made_id}");
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let log = server.log_text();
    assert!(log.contains("nginx-7f3a91") && log.contains(&made_id), "the request ids are in the log:\n{log}");

    let metrics = get("/metrics").send().await.expect("metrics");
    assert_eq!(metrics.status().as_u16(), 200);
    let text = metrics.text().await.expect("body");
    // Counted by route pattern, never by the raw path.
    assert!(text.lines().any(|l| l.starts_with("sotay_http_requests_total{") && l.contains("route=\"/dang-nhap\"") && l.contains("status=\"200\"")), "{text}");
    assert!(text.contains("route=\"/tai-lieu/{id}\"") && !text.contains("/tai-lieu/42"), "{text}");
    assert!(text.contains("sotay_http_request_duration_seconds_bucket{"), "{text}");
    for gauge in ["sotay_db_connections{state=\"in_use\"}", "sotay_push_queue_length", "sotay_search_documents"] {
        assert!(text.contains(gauge), "{gauge} missing:\n{text}");
    }
    // Through the reverse proxy on this machine: as if it did not exist.
    let proxied = get("/metrics").header("x-forwarded-for", "203.0.113.9").send().await.expect("metrics");
    assert_eq!(proxied.status().as_u16(), 404);
}

/// SIGTERM while a request is on its way: the server takes no new work but finishes that
/// request, answers it whole, and exits cleanly.
#[tokio::test]
async fn a_request_in_flight_during_sigterm_completes() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let (_db, url) = common::sqlite_with_url().await;
    let mut server = common::ServerProcess::spawn(&url, false, None);
    server.wait_ready(120).await;
    let address = server.base.trim_start_matches("http://").to_string();
    let body = "identifier=0900000001&password=sai-mat-khau";
    let mut stream = tokio::net::TcpStream::connect(&address).await.expect("connect");
    // The headers and half the body, then the signal, then the rest.
    let head = format!(
        "POST /api/login HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/x-www-form-urlencoded\r\nAccept: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.expect("headers");
    stream.write_all(&body.as_bytes()[..10]).await.expect("half the body");
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let killed = std::process::Command::new("kill").args(["-TERM", &server.child.id().to_string()]).status().expect("kill");
    assert!(killed.success());
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    stream.write_all(&body.as_bytes()[10..]).await.expect("the rest of the body");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.expect("the answer");
    let status_line = answer.lines().next().unwrap_or_default().to_string();
    // A wrong password: a typed refusal, whole (as long as it says it is).
    assert!(status_line.starts_with("HTTP/1.1 4"), "{answer}");
    let (head, body) = answer.split_once("\r\n\r\n").expect("headers and a body");
    let length: usize = head
        .lines()
        .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().parse().expect("a length")))
        .expect("a content length");
    assert!(length > 0 && body.len() == length, "the whole answer arrived: {answer}");
    let mut exited = None;
    for _ in 0..100 {
        if let Ok(Some(status)) = server.child.try_wait() {
            exited = Some(status);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let status = exited.unwrap_or_else(|| panic!("the server did not stop after SIGTERM:\n{}", server.log_text()));
    assert!(status.success(), "the server exits cleanly: {status}\n{}", server.log_text());
    assert!(server.log_text().contains("hoàn tất các yêu cầu đang xử lý"));
}
