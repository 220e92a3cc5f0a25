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
    let (db, url) = common::sqlite_with_url().await;
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
    // Made-up methods are one series, whatever their number.
    for n in 0..5 {
        http.request(reqwest::Method::from_bytes(format!("QWX{n}").as_bytes()).expect("method"), format!("{}/dang-nhap", server.base)).send().await.expect("answer");
    }
    let text = get("/metrics").send().await.expect("metrics").text().await.expect("body");
    assert!(text.contains("method=\"OTHER\"") && !text.contains("QWX"), "{text}");

    // An id that is not short and plain is replaced, never logged or echoed.
    let forged = get("/healthz").header("x-request-id", "x method=POST path=/admin").send().await.expect("healthz");
    let id = forged.headers().get("x-request-id").and_then(|v| v.to_str().ok()).expect("an id").to_string();
    assert!(id != "x method=POST path=/admin" && !id.contains(' '), "{id}");
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    assert!(!server.log_text().contains("path=/admin"), "the forged id stays out of the log");

    // A schema this build does not fully have: not ready.
    db.execute_unprepared("DELETE FROM seaql_migrations WHERE version = (SELECT MAX(version) FROM seaql_migrations)").await.expect("drop a migration's mark");
    let ready = get("/readyz").send().await.expect("readyz");
    assert_eq!(ready.status().as_u16(), 503);
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
    // A wrong password: the typed refusal (422), whole (as long as it says it is).
    assert!(status_line.starts_with("HTTP/1.1 422"), "{answer}");
    let (head, body) = answer.split_once("\r\n\r\n").expect("headers and a body");
    let length: usize = head
        .lines()
        .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().parse().expect("a length")))
        .expect("a content length");
    assert!(length > 0 && body.len() == length, "the whole answer arrived: {answer}");
    assert!(body.contains("BadCredentials") || body.contains("không đúng"), "the refusal of a wrong password: {body}");
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

/// Every table's rows as text, sorted: the same on two databases means the same data.
async fn table_rows(db: &sea_orm::DatabaseConnection) -> std::collections::BTreeMap<String, Vec<String>> {
    use sea_orm::DbBackend;
    let backend = db.get_database_backend();
    let list = match backend {
        DbBackend::Sqlite => "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
        _ => "SELECT tablename::text FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename",
    };
    let tables: Vec<String> = db
        .query_all_raw(Statement::from_string(backend, list.to_string()))
        .await
        .expect("tables")
        .iter()
        .map(|row| row.try_get_by_index::<String>(0).expect("name"))
        .collect();
    let mut all = std::collections::BTreeMap::new();
    for table in tables {
        let sql = match backend {
            DbBackend::Sqlite => {
                let columns: Vec<String> = db
                    .query_all_raw(Statement::from_string(backend, format!("SELECT name FROM pragma_table_info('{table}')")))
                    .await
                    .expect("columns")
                    .iter()
                    .map(|row| format!("quote(\"{}\")", row.try_get_by_index::<String>(0).expect("column")))
                    .collect();
                format!("SELECT {} FROM \"{table}\"", columns.join(" || '|' || "))
            }
            _ => format!("SELECT t::text FROM \"{table}\" t"),
        };
        let mut rows: Vec<String> = db
            .query_all_raw(Statement::from_string(backend, sql))
            .await
            .expect("rows")
            .iter()
            .map(|row| row.try_get_by_index::<String>(0).expect("row text"))
            .collect();
        rows.sort();
        all.insert(table, rows);
    }
    all
}

fn server_command(command: &str, url: &str, file: &std::path::Path) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_server"))
        .args([command, &file.to_string_lossy()])
        .env("DATABASE_URL", url)
        .env("SOTAY_SECRET_KEY_FILE", file.with_extension("key"))
        .env("RUST_LOG", "warn")
        .output()
        .expect("run the server binary")
}

/// `server backup` while members keep writing, then `server restore` into an empty database:
/// every table comes back row for row as it was at the backup's moment (the table still being
/// written holds a prefix of its rows); a restore into a database with data, or over an
/// existing backup, is refused — on SQLite and PostgreSQL.
#[tokio::test]
async fn a_backup_taken_while_members_write_restores_every_table() {
    use app::common::rate_limit::{Limit, count};
    const WRITES: Limit = Limit { name: "kiem-thu-sao-luu", calls: 1_000_000, window_secs: 86_400, what: "lần ghi" };
    let (sqlite, sqlite_url) = common::sqlite_with_url().await;
    let (postgres, name) = common::postgres().await;
    let empty_sqlite = std::env::temp_dir().join(format!("sotay-restore-{name}.db"));
    let empty_postgres = common::empty_postgres().await;
    let targets = [format!("sqlite://{}?mode=rwc", empty_sqlite.display()), common::postgres_url(&empty_postgres)];
    for ((db, url), target) in [(sqlite, sqlite_url), (postgres, common::postgres_url(&name))].into_iter().zip(targets) {
        common::fixture(&db).await;
        // A member writing all along: counters added one after another.
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let writer = tokio::spawn({
            let (db, stop) = (db.clone(), stop.clone());
            async move {
                let mut n = 0;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    count(&db, &WRITES, &format!("ghi-{n}"), chrono::Utc::now()).await.expect("a write");
                    n += 1;
                }
                n
            }
        });
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        let file = std::env::temp_dir().join(format!("sotay-backup-{}-{}.sqlite-or-dump", name, db.get_database_backend() as u8));
        let backup = tokio::task::spawn_blocking({
            let (url, file) = (url.clone(), file.clone());
            move || server_command("backup", &url, &file)
        })
        .await
        .expect("backup task");
        assert!(backup.status.success(), "backup failed: {}", String::from_utf8_lossy(&backup.stderr));
        assert!(String::from_utf8_lossy(&backup.stdout).contains("Đã sao lưu"));
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        let written = writer.await.expect("writer");
        assert!(written > 10, "writes went on around the backup: {written}");

        // Over an existing backup: refused.
        let again = server_command("backup", &url, &file);
        assert!(!again.status.success() && String::from_utf8_lossy(&again.stderr).contains("đã có"), "{again:?}");

        let restore = server_command("restore", &target, &file);
        assert!(restore.status.success(), "restore failed: {}", String::from_utf8_lossy(&restore.stderr));
        let restored_db = app::db::connect(&target).await.expect("connect the restored database");
        let (source, restored) = (table_rows(&db).await, table_rows(&restored_db).await);
        assert_eq!(source.keys().collect::<Vec<_>>(), restored.keys().collect::<Vec<_>>(), "the same tables");
        for (table, rows) in &source {
            let back = &restored[table];
            if table == "rate_counters" {
                // Written before and after the backup's moment: what came back is a part of it.
                assert!(back.len() > 5 && back.len() < rows.len(), "{table}: {} of {}", back.len(), rows.len());
                let all: std::collections::HashSet<&String> = rows.iter().collect();
                assert!(back.iter().all(|r| all.contains(r)), "{table}: every restored row was in the source");
            } else {
                assert_eq!(back, rows, "{table} comes back row for row");
            }
        }
        assert!(source.values().map(Vec::len).sum::<usize>() > 50, "the fixture's rows were compared");
        // Into a database that now has data: refused.
        let twice = server_command("restore", &target, &file);
        assert!(!twice.status.success() && String::from_utf8_lossy(&twice.stderr).contains("đã có dữ liệu"), "{twice:?}");
        restored_db.close().await.ok();
        std::fs::remove_file(&file).ok();
    }
    common::drop_postgres(&name).await;
    common::drop_postgres(&empty_postgres).await;
}

/// A new deployment's first administrator: `server create-admin --unit CODE --phone …` makes the
/// imported member with that phone an administrator of that unit with an activation code, with
/// which they choose their own password (nobody signs in before); unknown phones and units are
/// refused by name.
const KEY: &str = "5f0e6a1c9b2d4e8f7a3c5b1d9e2f4a6c8b0d2e4f6a8c0e2d4f6b8a0c2e4d6f8a";

#[tokio::test]
async fn the_first_administrator_is_made_from_the_command_line() {
    let (db, url) = common::sqlite_with_url().await;
    let f = common::fixture(&db).await;
    let run = |unit: &str, phone: &str| {
        std::process::Command::new(env!("CARGO_BIN_EXE_server"))
            .args(["create-admin", "--unit", unit, "--phone", phone])
            .env("DATABASE_URL", &url)
            .env("SOTAY_SECRET_KEY", KEY)
            .env("RUST_LOG", "warn")
            .output()
            .expect("run the server binary")
    };
    let member = <app::db::entities::member::Entity as sea_orm::EntityTrait>::find_by_id(f.member_d1).one(&db).await.expect("query").expect("member");
    let phone = member.phone.clone().expect("a phone");
    let made = run("ph", &format!("+84 {}", &phone[1..]));
    let out = String::from_utf8_lossy(&made.stdout).to_string();
    assert!(made.status.success(), "{out}{}", String::from_utf8_lossy(&made.stderr));
    assert!(out.contains("là quản trị viên của Đảng bộ huyện Phụng Hiệp"), "{out}");
    let code = out.lines().find_map(|l| l.strip_prefix("Mã kích hoạt: ")).expect("the code is printed").trim().to_string();
    assert!(out.contains(&format!("nhập số thẻ {}", member.card_no)), "{out}");
    let meta = app::state::RequestMeta { ip: "10.1.2.3".into(), ..Default::default() };
    // No password exists before activation (the fixture's one is gone with the new code).
    assert!(app::auth::service::login(&db, &phone, common::PASSWORD, &meta).await.is_err());
    let key = app::common::secret::SecretKey::from_hex(KEY).expect("key");
    assert!(out.contains(&format!("dấu vân tay {}", key.fingerprint())), "{out}");
    let form = app::auth::activation::Activation { card_no: &member.card_no, code: &code, new_password: "quantri2026", confirm_password: "quantri2026" };
    let (_, user) = app::auth::activation::activate(&db, &key, &form, &meta).await.expect("activates with the printed code");
    assert!(!user.must_change_password);
    assert!(user.positions.iter().any(|p| p.role == app::auth::Role::Admin && p.unit_id == f.district_a), "{:?}", user.positions);
    app::auth::service::login(&db, &phone, "quantri2026", &meta).await.expect("then signs in with the chosen password");

    let unknown = run("PH", "0999999999");
    assert!(!unknown.status.success() && String::from_utf8_lossy(&unknown.stderr).contains("Không có đảng viên nào có số điện thoại 0999999999"), "{unknown:?}");
    let no_unit = run("XX", &phone);
    assert!(!no_unit.status.success() && String::from_utf8_lossy(&no_unit.stderr).contains("Không có đơn vị mã XX"), "{no_unit:?}");
}
