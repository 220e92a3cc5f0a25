//! Test support: a fresh database per test on SQLite *and* PostgreSQL, and a small org tree.
#![allow(dead_code)]

use std::future::Future;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};

use app::auth::SessionUser;
use app::auth::service::load_session_user;
use app::db::entities::{credential, member, membership, position, unit};
use app::units::UnitKind;
use chrono::{NaiveDate, Utc};
use sea_orm::{ActiveModelTrait, ConnectionTrait, Database, DatabaseConnection, EntityTrait, Set};

pub const PASSWORD: &str = "matkhau123";

static COUNTER: AtomicU32 = AtomicU32::new(0);

fn unique_name() -> String {
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0);
    format!("sotay_test_{}_{}_{}", std::process::id(), n, nanos)
}

pub async fn sqlite() -> DatabaseConnection {
    sqlite_with_url().await.0
}

/// A new SQLite database file and its URL (for a server process to open too).
pub async fn sqlite_with_url() -> (DatabaseConnection, String) {
    let dir = std::env::temp_dir().join("sotay-tests");
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(format!("{}.db", unique_name()));
    let url = format!("sqlite://{}?mode=rwc", path.display());
    let db = app::db::connect(&url).await.expect("connect sqlite");
    app::db::migrate(&db).await.expect("migrate sqlite");
    (db, url)
}

/// The URL of the PostgreSQL test database `name` made by [`postgres`].
pub fn postgres_url(name: &str) -> String {
    let admin_url = std::env::var("TEST_POSTGRES_URL").expect("TEST_POSTGRES_URL is not set");
    let base = admin_url.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin_url);
    format!("{base}/{name}")
}

/// A new PostgreSQL database named after the test run; `TEST_POSTGRES_URL` points at the
/// server (scripts/test.sh starts one and sets it).
pub async fn postgres() -> (DatabaseConnection, String) {
    let admin_url = std::env::var("TEST_POSTGRES_URL").expect(
        "TEST_POSTGRES_URL is not set: run the tests through scripts/test.sh, which starts PostgreSQL",
    );
    let admin = Database::connect(&admin_url).await.expect("connect postgres admin");
    let name = unique_name();
    admin.execute_unprepared(&format!("CREATE DATABASE {name}")).await.expect("create database");
    admin.close().await.ok();
    let db = app::db::connect(&postgres_url(&name)).await.expect("connect test db");
    app::db::migrate(&db).await.expect("migrate postgres");
    (db, name)
}

pub async fn drop_postgres(name: &str) {
    if let Ok(url) = std::env::var("TEST_POSTGRES_URL") {
        if let Ok(admin) = Database::connect(&url).await {
            let _ = admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await;
        }
    }
}

/// Runs the same test body on SQLite and on PostgreSQL.
pub async fn on_both<F, Fut>(body: F)
where
    F: Fn(DatabaseConnection) -> Fut,
    Fut: Future<Output = ()>,
{
    // Causes the app logs (a database error behind an Internal answer) show with a failure.
    let _ = tracing_subscriber::fmt().with_test_writer().with_max_level(tracing::Level::WARN).try_init();
    body(sqlite().await).await;
    let (db, name) = postgres().await;
    body(db.clone()).await;
    db.close().await.ok();
    drop_postgres(&name).await;
}

pub fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

fn password_hash() -> String {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| app::auth::service::hash_password_blocking(PASSWORD).expect("hash")).clone()
}

pub async fn add_unit(db: &DatabaseConnection, parent: Option<i64>, kind: UnitKind, name: &str, code: &str) -> i64 {
    let parent = match parent {
        Some(id) => Some(unit::Entity::find_by_id(id).one(db).await.expect("query").expect("parent")),
        None => None,
    };
    app::units::service::insert_unit(db, parent.as_ref(), kind, name, code, date(2004, 1, 1)).await.expect("insert unit")
}

pub async fn add_member(db: &DatabaseConnection, cell: i64, name: &str, phone: &str) -> i64 {
    let now = Utc::now();
    let inserted = member::ActiveModel {
        full_name: Set(name.into()),
        folded_name: Set(app::db::fold::fold_padded(name)),
        sort_key: Set(app::db::fold::name_sort_key(name)),
        birth_date: Set(date(1980, 5, 19)),
        gender: Set(if name.contains(" Thị ") { "nu" } else { "nam" }.into()),
        card_no: Set(format!("64{}", &phone[phone.len() - 6..])),
        phone: Set(Some(phone.into())),
        email: Set(None),
        admitted_on: Set(date(2005, 2, 3)),
        official_on: Set(Some(date(2006, 2, 3))),
        status: Set("active".into()),
        unit_id: Set(cell),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .expect("insert member");
    membership::ActiveModel {
        member_id: Set(inserted.id),
        unit_id: Set(cell),
        from_date: Set(date(2020, 1, 1)),
        to_date: Set(None),
        reason: Set("Kiểm thử".into()),
        ..Default::default()
    }
    .insert(db)
    .await
    .expect("insert membership");
    credential::ActiveModel {
        member_id: Set(inserted.id),
        password_hash: Set(password_hash()),
        must_change: Set(false),
        updated_at: Set(now),
    }
    .insert(db)
    .await
    .expect("insert credential");
    inserted.id
}

pub async fn give_role(db: &DatabaseConnection, member_id: i64, role: &str, unit_id: i64) {
    position::ActiveModel {
        member_id: Set(member_id),
        unit_id: Set(unit_id),
        role: Set(role.into()),
        from_date: Set(date(2020, 10, 15)),
        to_date: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await
    .expect("insert position");
}

pub async fn user(db: &DatabaseConnection, member_id: i64) -> SessionUser {
    load_session_user(db, member_id, false).await.expect("session user")
}

/// A small province: root → district A (commune X: cells C1, C2; commune Y: cell D1) and a
/// bloc B with cell E1, with one member per role.
pub struct Fixture {
    pub root: i64,
    pub district_a: i64,
    pub commune_x: i64,
    pub commune_y: i64,
    pub cell_c1: i64,
    pub cell_c2: i64,
    pub cell_d1: i64,
    pub bloc_b: i64,
    pub cell_e1: i64,
    pub admin: i64,
    pub committee: i64,
    pub secretary: i64,
    pub member_c1: i64,
    pub member_c1_b: i64,
    pub member_d1: i64,
    pub member_e1: i64,
}

pub async fn fixture(db: &DatabaseConnection) -> Fixture {
    let root = add_unit(db, None, UnitKind::Provincial, "Đảng bộ tỉnh Hậu Giang", "HG").await;
    let district_a = add_unit(db, Some(root), UnitKind::UpperGrassroots, "Đảng bộ huyện Phụng Hiệp", "PH").await;
    let commune_x = add_unit(db, Some(district_a), UnitKind::Grassroots, "Đảng bộ xã Hòa An", "PH.01").await;
    let commune_y = add_unit(db, Some(district_a), UnitKind::Grassroots, "Đảng bộ xã Hòa Mỹ", "PH.02").await;
    let cell_c1 = add_unit(db, Some(commune_x), UnitKind::Cell, "Chi bộ ấp 1", "PH.01.01").await;
    let cell_c2 = add_unit(db, Some(commune_x), UnitKind::Cell, "Chi bộ ấp 2", "PH.01.02").await;
    let cell_d1 = add_unit(db, Some(commune_y), UnitKind::Cell, "Chi bộ ấp Mỹ Lợi", "PH.02.01").await;
    let bloc_b = add_unit(db, Some(root), UnitKind::UpperGrassroots, "Đảng bộ Khối các cơ quan tỉnh", "KCQ").await;
    let cell_e1 = add_unit(db, Some(bloc_b), UnitKind::GrassrootsCell, "Chi bộ Sở Tư pháp", "KCQ.STP").await;

    let admin = add_member(db, cell_e1, "Nguyễn Thanh Tùng", "0900000101").await;
    give_role(db, admin, "admin", root).await;
    let member_e1 = add_member(db, cell_e1, "Võ Thị Kim Loan", "0900000106").await;
    let committee = add_member(db, cell_c2, "Lê Hoàng Phúc", "0900000102").await;
    give_role(db, committee, "committee_member", district_a).await;
    let secretary = add_member(db, cell_c1, "Trần Thị Bích Ngọc", "0900000103").await;
    give_role(db, secretary, "secretary", cell_c1).await;
    let member_c1 = add_member(db, cell_c1, "Phạm Văn Hậu", "0900000104").await;
    let member_c1_b = add_member(db, cell_c1, "Huỳnh Thị Đào", "0900000107").await;
    let member_d1 = add_member(db, cell_d1, "Đặng Quốc Đạt", "0900000105").await;
    Fixture {
        root, district_a, commune_x, commune_y, cell_c1, cell_c2, cell_d1, bloc_b, cell_e1,
        admin, committee, secretary, member_c1, member_c1_b, member_d1, member_e1,
    }
}

/// A title line (the preamble) and ten articles of `words_each` × 2 + 2 words (heading
/// included): with 20, each article needs 6 s on screen at 8 words per second.
fn ten_articles(words_each: usize) -> String {
    (1..=10)
        .map(|n| format!("Điều {n}. Nội dung\n{}", vec!["đảng viên"; words_each].join(" ")))
        .collect::<Vec<_>>()
        .join("\n")
}

pub async fn reading_document(db: &DatabaseConnection, owner: i64, audience_all: bool, title: &str) -> (i64, Vec<i64>) {
    published_document(db, owner, audience_all, title, 20).await
}

/// A published document of ten articles of `words_each` × 2 + 2 words, and its sections with
/// text in reading order.
pub async fn published_document(db: &DatabaseConnection, owner: i64, audience_all: bool, title: &str, words_each: usize) -> (i64, Vec<i64>) {
    let meta = app::documents::service::ImportMeta {
        number: String::new(),
        title: title.into(),
        doc_type: "sinh_hoat_chi_bo".into(),
        level: "provincial".into(),
        issuer: "Tỉnh ủy Hậu Giang".into(),
        issued_on: Some(date(2025, 1, 1)),
        topics: String::new(),
        owner_unit_id: owner,
        audience_all,
        published: true,
        source: "kiểm thử".into(),
    };
    let id = app::documents::service::import_text(db, &meta, &format!("{title}\n{}", ten_articles(words_each))).await.unwrap().unwrap();
    use app::db::entities::document_section;
    use sea_orm::{ColumnTrait, QueryFilter, QueryOrder};
    let sections = document_section::Entity::find()
        .filter(document_section::Column::DocumentId.eq(id))
        .filter(document_section::Column::Words.gt(0))
        .order_by_asc(document_section::Column::Ordinal)
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.id)
        .collect::<Vec<i64>>();
    // Tests loop over these sections: an empty list would let their checks pass unexercised.
    assert_eq!(sections.len(), 11, "the title line and ten articles of {title:?}");
    (id, sections)
}


/// A document body: a title, two chapters and three articles, the third ending with `extra`.
pub fn document_body(extra: &str) -> String {
    let article = |n: usize, text: &str| format!("Điều {n}. Nội dung {n}\n{text} {}", vec!["đảng viên"; 12].join(" "));
    [
        "HƯỚNG DẪN\nVề sinh hoạt chi bộ ở nông thôn".to_string(),
        "Chương I\nQUY ĐỊNH CHUNG".into(),
        article(1, "Chi bộ sinh hoạt thường kỳ mỗi tháng một lần."),
        article(2, "Chi bộ sinh hoạt chuyên đề ít nhất mỗi quý một lần."),
        "Chương II\nTỔ CHỨC THỰC HIỆN".into(),
        article(3, extra),
    ]
    .join("\n")
}

/// A district's draft guidance addressed to commune PH.01, as the editor sends it.
pub fn document_draft(owner: i64) -> app::documents::DocumentDraft {
    app::documents::DocumentDraft {
        id: None,
        owner_unit_id: owner,
        number: "05-HD/HU".into(),
        title: "Hướng dẫn sinh hoạt chi bộ ấp".into(),
        doc_type: "huong_dan".into(),
        level: "grassroots".into(),
        issuer: "Ban Thường vụ Huyện ủy Phụng Hiệp".into(),
        issued_on: "05/03/2025".into(),
        effective_on: String::new(),
        status: "in_force".into(),
        topics: "sinh hoạt chi bộ".into(),
        audience_all: "false".into(),
        audience_codes: "PH.01".into(),
        supersedes: String::new(),
        text: document_body("Cấp ủy cơ sở hướng dẫn các chi bộ thực hiện nghiêm túc."),
        quiz: String::new(),
        quiz_pass_percent: "80".into(),
        change_note: String::new(),
    }
}

/// Local (Vietnam) time `hours` from now, as a datetime-local field sends it.
pub fn local_time(hours: i64) -> String {
    (Utc::now() + chrono::Duration::hours(7 + hours)).format("%Y-%m-%dT%H:%M").to_string()
}

/// A regular meeting of `cell` starting `starts_in_hours` from now, as the planning form sends it.
pub fn meeting_form(cell: i64, starts_in_hours: i64) -> app::meetings::MeetingForm {
    app::meetings::MeetingForm {
        unit_id: cell,
        kind: "regular".into(),
        topic: "Sinh hoạt thường kỳ tháng 12: kiểm điểm nghị quyết tháng 11".into(),
        agenda: "1. Đánh giá tình hình tháng 11\n2. Phương hướng tháng 12".into(),
        place: "Nhà văn hóa ấp 1".into(),
        starts_at: local_time(starts_in_hours),
        planned_minutes: "100".into(),
        with_thematic: false,
    }
}

/// A question on Party fees to `unit_id`, as the asking form sends it.
pub fn ask_form(unit_id: i64, anonymity: &str, client_id: &str) -> app::questions::AskForm {
    app::questions::AskForm {
        client_id: client_id.into(),
        unit_id,
        kind: "question".into(),
        topic: "dang_phi".into(),
        title: "Mức đóng đảng phí của đảng viên hưu trí".into(),
        body: "Đảng viên đã nghỉ hưu, hưởng lương hưu thì đóng đảng phí bao nhiêu phần trăm?".into(),
        anonymity: anonymity.into(),
    }
}

/// An empty PostgreSQL database (no migrations): what a deployment starts from.
pub async fn empty_postgres() -> String {
    let admin_url = std::env::var("TEST_POSTGRES_URL").expect("TEST_POSTGRES_URL is not set: run the tests through scripts/test.sh");
    let admin = Database::connect(&admin_url).await.expect("connect postgres admin");
    let name = unique_name();
    admin.execute_unprepared(&format!("CREATE DATABASE {name}")).await.expect("create database");
    admin.close().await.ok();
    name
}

/// The server binary serving one database on a free port; killed when dropped.
pub struct ServerProcess {
    pub child: std::process::Child,
    pub base: String,
    pub dir: std::path::PathBuf,
    log: std::path::PathBuf,
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl ServerProcess {
    /// Starts `server serve` on `database_url` (demo seeding as asked) without waiting for it.
    /// Servers sharing a database must share their secret key too (`secret_key_file`); `None`
    /// gives this one its own.
    pub fn spawn(database_url: &str, seed_demo: bool, secret_key_file: Option<&std::path::Path>) -> ServerProcess {
        let dir = std::env::temp_dir().join(format!("sotay-server-{}", unique_name()));
        let site = dir.join("site");
        std::fs::create_dir_all(site.join("pkg")).expect("site dir");
        std::fs::copy(concat!(env!("CARGO_MANIFEST_DIR"), "/../public/sw.js"), site.join("sw.js")).expect("worker");
        let port = std::net::TcpListener::bind("127.0.0.1:0").expect("free port").local_addr().expect("address").port();
        let log = dir.join("server.log");
        let log_file = std::fs::File::create(&log).expect("log file");
        let child = std::process::Command::new(env!("CARGO_BIN_EXE_server"))
            .arg("serve")
            .env("DATABASE_URL", database_url)
            .env("LEPTOS_OUTPUT_NAME", "sotay")
            .env("LEPTOS_SITE_ROOT", &site)
            .env("LEPTOS_SITE_PKG_DIR", "pkg")
            .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
            .env("SOTAY_SEED_DEMO", if seed_demo { "true" } else { "false" })
            .env("SOTAY_SECRET_KEY_FILE", secret_key_file.map(std::path::Path::to_path_buf).unwrap_or_else(|| dir.join("secret.key")))
            .env("SOTAY_FILES_DIR", dir.join("files"))
            .env("RUST_LOG", "info,sqlx=warn")
            // The server's log (stdout) and its last words (stderr) in one file.
            .stdout(log_file.try_clone().expect("log file"))
            .stderr(log_file)
            .spawn()
            .expect("start the server binary");
        ServerProcess { child, base: format!("http://127.0.0.1:{port}"), dir, log }
    }

    /// Waits until the login page answers 200; panics with the log if the server stops or takes
    /// longer than `seconds`.
    pub async fn wait_ready(&mut self, seconds: u64) {
        let http = reqwest::Client::new();
        for _ in 0..seconds * 10 {
            if let Ok(res) = http.get(format!("{}/dang-nhap", self.base)).send().await {
                assert_eq!(res.status().as_u16(), 200, "the login page answered {}:\n{}", res.status(), self.log_text());
                return;
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("the server stopped ({status}):\n{}", self.log_text());
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!("the server did not answer within {seconds} s:\n{}", self.log_text());
    }

    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

/// Signs in on a running server as `identifier` with the test password; the session cookie.
pub async fn http_login(http: &reqwest::Client, base: &str, identifier: &str) -> String {
    let answer = http
        .post(format!("{base}/api/login"))
        .header(reqwest::header::ACCEPT, "application/json")
        .header(reqwest::header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(format!("identifier={identifier}&password={PASSWORD}"))
        .send()
        .await
        .expect("login");
    assert!(answer.status().is_success(), "{}", answer.status());
    answer.headers().get(reqwest::header::SET_COOKIE).and_then(|v| v.to_str().ok()).and_then(|v| v.split(';').next()).expect("cookie").to_string()
}
