//! Search on several servers (issue "Search and the assistant", item 1): every server follows
//! the change feed, so a document imported from the command line into a running system, or
//! unpublished through one server, is found — or gone — on all of them; on real PostgreSQL.

use crate::common;

use std::time::{Duration, Instant};

/// The ids of documents a search on `base` finds.
async fn found(http: &reqwest::Client, base: &str, cookie: &str, q: &str) -> Vec<i64> {
    let answer = http
        .get(format!("{base}/api/v1/search"))
        .query(&[("q", q)])
        .header(reqwest::header::COOKIE, cookie)
        .send()
        .await
        .expect("search answers");
    let status = answer.status().as_u16();
    let body = answer.text().await.expect("body");
    assert_eq!(status, 200, "{body}");
    let body: serde_json::Value = serde_json::from_str(&body).expect("json");
    body["hits"].as_array().expect("hits").iter().filter_map(|h| h["document_id"].as_i64()).collect()
}

/// Waits until `done` holds on every server (at most `seconds`); how long it took.
async fn on_every_server(http: &reqwest::Client, servers: &[(String, String)], q: &str, seconds: u64, done: impl Fn(&[i64]) -> bool) -> Duration {
    let started = Instant::now();
    loop {
        let mut all = true;
        for (base, cookie) in servers {
            all &= done(&found(http, base, cookie, q).await);
        }
        if all {
            return started.elapsed();
        }
        assert!(started.elapsed() < Duration::from_secs(seconds), "not on every server within {seconds} s");
        // Twice a second: the feed is read every 2 s, and a member may search 60 times a minute.
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

#[tokio::test]
async fn a_document_imported_into_a_running_system_is_found_on_every_server_and_unpublished_everywhere() {
    let (db, name) = common::postgres().await;
    let url = common::postgres_url(&name);
    common::fixture(&db).await;
    let secret = std::env::temp_dir().join(format!("{name}.key"));
    let mut first = common::ServerProcess::spawn(&url, false, Some(&secret));
    let mut second = common::ServerProcess::spawn(&url, false, Some(&secret));
    first.wait_ready(120).await;
    second.wait_ready(120).await;
    let http = reqwest::Client::new();
    // A session lives in the database: one sign-in works on both servers.
    let cookie = common::http_login(&http, &first.base, "0900000101").await;
    let servers = vec![(first.base.clone(), cookie.clone()), (second.base.clone(), cookie.clone())];
    let q = "dong bo chi muc tim kiem";
    assert!(found(&http, &first.base, &cookie, q).await.is_empty());

    // `server import` into the running system, from the command line.
    let folder = std::env::temp_dir().join(format!("{name}-docs"));
    std::fs::create_dir_all(&folder).expect("folder");
    std::fs::write(
        folder.join("huong-dan-dong-bo.txt"),
        "HƯỚNG DẪN\nVề đồng bộ chỉ mục tìm kiếm giữa các máy chủ\n\nĐiều 1. Phạm vi\nMỗi máy chủ theo dõi bảng thay đổi để đồng bộ chỉ mục tìm kiếm.\n\nĐiều 2. Thời hạn\nTài liệu mới được tìm thấy trên mọi máy chủ trong vòng năm giây.\n",
    )
    .expect("write the document");
    let import = std::process::Command::new(env!("CARGO_BIN_EXE_server"))
        .args(["import", folder.to_str().expect("path"), "--publish"])
        .env("DATABASE_URL", &url)
        .env("SOTAY_SECRET_KEY_FILE", &secret)
        .env("RUST_LOG", "warn")
        .output()
        .expect("run server import");
    assert!(String::from_utf8_lossy(&import.stdout).contains("Đã nhập 1 tài liệu"), "{import:?}");
    let took = on_every_server(&http, &servers, q, 5, |hits| !hits.is_empty()).await;
    println!("imported document found on both servers after {took:.2?}");
    let id = found(&http, &second.base, &cookie, q).await[0];

    // Unpublished through the first server: gone from the second too.
    let answer = http
        .post(format!("{}/api/document-publish", first.base))
        .header(reqwest::header::COOKIE, &cookie)
        .header(reqwest::header::ACCEPT, "application/json")
        .header(reqwest::header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(format!("id={id}&published=false"))
        .send()
        .await
        .expect("unpublish");
    assert!(answer.status().is_success(), "{}", answer.text().await.unwrap_or_default());
    let took = on_every_server(&http, &servers, q, 5, |hits| !hits.contains(&id)).await;
    println!("unpublished document gone from both servers after {took:.2?}");

    // And back, through the second.
    let answer = http
        .post(format!("{}/api/document-publish", second.base))
        .header(reqwest::header::COOKIE, &cookie)
        .header(reqwest::header::ACCEPT, "application/json")
        .header(reqwest::header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(format!("id={id}&published=true"))
        .send()
        .await
        .expect("publish");
    assert!(answer.status().is_success());
    on_every_server(&http, &servers, q, 5, |hits| hits.contains(&id)).await;

    // A whole pasted question is searched (up to 1,000 characters); longer is refused by name.
    let question = format!("{q} {}", "đảng viên cần làm gì khi chuyển sinh hoạt ".repeat(30));
    let question: String = question.chars().take(1000).collect();
    assert!(found(&http, &first.base, &cookie, &question).await.contains(&id));
    let too_long = http
        .get(format!("{}/api/v1/search", first.base))
        .query(&[("q", format!("{question}x"))])
        .header(reqwest::header::COOKIE, &cookie)
        .send()
        .await
        .expect("search answers");
    assert_eq!(too_long.status().as_u16(), 422);
    assert!(too_long.text().await.unwrap_or_default().contains("tối đa 1000 ký tự"));

    // Over the search limit (one count on both servers): 429 saying when to come back.
    let member: i64 = {
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        app::db::entities::member::Entity::find().filter(app::db::entities::member::Column::Phone.eq("0900000101")).one(&db).await.expect("query").expect("the member").id
    };
    // Not at the end of a minute, when the counter's window would turn before the request.
    let second_of_minute = chrono::Utc::now().timestamp().rem_euclid(60);
    if second_of_minute > 50 {
        tokio::time::sleep(Duration::from_secs((61 - second_of_minute) as u64)).await;
    }
    let now = chrono::Utc::now();
    while app::common::rate_limit::count(&db, &app::common::rate_limit::SEARCH_LIMIT, &member.to_string(), now).await.expect("count") < app::common::rate_limit::SEARCH_LIMIT.calls {}
    let refused = http.get(format!("{}/api/v1/search", second.base)).query(&[("q", q)]).header(reqwest::header::COOKIE, &cookie).send().await.expect("search answers");
    assert_eq!(refused.status().as_u16(), 429);
    let retry: u32 = refused.headers().get(reqwest::header::RETRY_AFTER).and_then(|v| v.to_str().ok()).and_then(|v| v.parse().ok()).expect("a Retry-After in seconds");
    assert!((1..=60).contains(&retry), "{retry}");
    let body: serde_json::Value = serde_json::from_str(&refused.text().await.expect("body")).expect("json");
    assert_eq!(body["error"]["kind"]["TooMany"]["retry_secs"].as_u64(), Some(u64::from(retry)), "{body}");
    assert!(body["error"]["message"].as_str().is_some_and(|m| m.contains("lượt tìm kiếm")), "{body}");
    // The library page's own call, on the other server, likewise.
    let refused = http
        .post(format!("{}/api/library", first.base))
        .header(reqwest::header::COOKIE, &cookie)
        .header(reqwest::header::ACCEPT, "application/json")
        .header(reqwest::header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(format!("q={}&doc_type=&level=&status=&year=&issuer=", q.replace(' ', "+")))
        .send()
        .await
        .expect("library answers");
    assert_eq!(refused.status().as_u16(), 429);
    let retry: u32 = refused.headers().get(reqwest::header::RETRY_AFTER).and_then(|v| v.to_str().ok()).and_then(|v| v.parse().ok()).expect("a Retry-After in seconds");
    assert!((1..=60).contains(&retry), "{retry}");
    for server in [&first, &second] {
        assert!(!server.log_text().contains("panicked"), "{}", server.log_text());
    }
    drop((first, second));
    std::fs::remove_dir_all(&folder).ok();
    db.close().await.ok();
    common::drop_postgres(&name).await;
}

/// The follower picks up a change whose id was taken before an earlier-numbered one committed
/// (PostgreSQL hands out ids before commit): nothing is skipped.
#[tokio::test]
async fn a_change_committed_out_of_order_is_not_missed() {
    use app::documents::search::{Feed, SearchIndex, note_change};
    use sea_orm::TransactionTrait;
    let (db, name) = common::postgres().await;
    let f = common::fixture(&db).await;
    let (early, _) = common::published_document(&db, f.root, true, "Văn bản thứ nhất", 20).await;
    let (late, _) = common::published_document(&db, f.root, true, "Văn bản thứ hai", 20).await;
    // The imports' own changes are long settled; a feed starts after them.
    use sea_orm::ConnectionTrait;
    let hour_ago = (chrono::Utc::now() - chrono::Duration::hours(1)).to_rfc3339();
    db.execute_unprepared(&format!("UPDATE search_changes SET changed_at = '{hour_ago}'")).await.expect("settle");
    let index = SearchIndex::temporary(&db).await.expect("index");
    let mut feed = Feed::start(&db).await.expect("feed");
    // A write takes its id, then another takes and commits a later one first.
    let slow = db.begin().await.expect("begin");
    note_change(&slow, early).await.expect("slow change");
    note_change(&db, late).await.expect("quick change");
    assert_eq!(index.follow(&db, &mut feed).await.expect("follow"), 1);
    assert_eq!(in_index(&index, "hai"), [late]);
    assert!(in_index(&index, "nhat").is_empty());
    slow.commit().await.expect("commit");
    assert_eq!(index.follow(&db, &mut feed).await.expect("follow"), 1);
    assert_eq!(in_index(&index, "nhat"), [early]);
    assert_eq!(in_index(&index, "hai"), [late]);
    assert_eq!(index.follow(&db, &mut feed).await.expect("nothing new"), 0);
    // A server starting while that write was still committing reads it again: never missed.
    let mut late_start = Feed::start(&db).await.expect("feed");
    let fresh = SearchIndex::temporary(&db).await.expect("index");
    assert_eq!(fresh.follow(&db, &mut late_start).await.expect("follow"), 2);
    db.close().await.ok();
    common::drop_postgres(&name).await;
}

/// Documents a search of the index finds, in order, each once.
fn in_index(index: &app::documents::search::SearchIndex, q: &str) -> Vec<i64> {
    let filters = app::documents::SearchFilters { q: q.into(), ..Default::default() };
    let mut ids: Vec<i64> = Vec::new();
    for hit in index.search(&filters, &app::documents::search::Visibility::everything(), 20).expect("search") {
        if !ids.contains(&hit.document_id) {
            ids.push(hit.document_id);
        }
    }
    ids
}

/// Everything an index gives for the assistant's own questions: each library search's hits
/// (document, section) and each answer's passages (document, article), in order.
fn results(index: &app::documents::search::SearchIndex) -> Vec<Vec<(i64, String)>> {
    let everything = app::documents::search::Visibility::everything();
    let mut out = Vec::new();
    for q in app::assistant::eval::questions().iter().take(60) {
        let filters = app::documents::SearchFilters { q: q.question.clone(), ..Default::default() };
        out.push(index.search(&filters, &everything, 10).expect("search").into_iter().map(|h| (h.document_id, h.anchor)).collect());
        let (_, passages) = app::assistant::service::answer_from(index, &everything, &q.question).expect("answer");
        out.push(passages.into_iter().map(|p| (p.document_id, p.anchor)).collect());
    }
    out
}

/// `server search-rebuild` into `dir`: its exit status and what it printed.
fn rebuild_command(url: &str, dir: &std::path::Path) -> (bool, String) {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_server"))
        .arg("search-rebuild")
        .env("DATABASE_URL", url)
        .env("SOTAY_SEARCH_DIR", dir)
        .env("SOTAY_SECRET_KEY_FILE", dir.with_extension("key"))
        .env("RUST_LOG", "warn")
        .output()
        .expect("run server search-rebuild");
    (output.status.success(), format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr)))
}

/// The index lives on disk: a restart resumes it (changes made meanwhile through the feed),
/// another database's index is made again, and `server search-rebuild` makes one that answers
/// exactly as the live one, which was kept up to date by writes and the feed.
async fn index_on_disk(db: sea_orm::DatabaseConnection, url: String) {
    use app::documents::search::{Opened, SearchIndex};
    let f = common::fixture(&db).await;
    assert_eq!(app::demo::province::seed_documents_if_empty(&db).await.expect("library"), 4);
    let dir = tempfile::tempdir().expect("dir");
    let live_dir = dir.path().join("live");
    // An older build's layout is removed; what is not an index is left alone.
    for old in ["documents-v1", "documents-v9", "backup"] {
        std::fs::create_dir_all(live_dir.join(old)).expect("old dir");
        std::fs::write(live_dir.join(old).join("meta.json"), b"{}").expect("old file");
    }
    let (live, mut feed, opened) = SearchIndex::open(&db, &live_dir).await.expect("open");
    assert_eq!(opened, Opened::Rebuilt, "nothing on disk yet");
    assert!(!live_dir.join("documents-v1").exists() && live_dir.join("documents-v2").exists());
    assert!(live_dir.join("backup/meta.json").exists() && live_dir.join("documents-v9/meta.json").exists(), "a newer layout (a rollback) and other folders stay");
    assert_eq!(live.document_count(), 4);
    // A second server on the same directory is refused with a reason, not a corrupted index.
    let (ok, said) = rebuild_command(&url, &live_dir);
    assert!(!ok && said.contains("đang được một máy chủ khác dùng"), "{said}");

    // Writes through this process (unpublish) and through the feed (an import elsewhere).
    let admin = common::user(&db, f.admin).await;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let constitution = app::db::entities::document::Entity::find()
        .filter(app::db::entities::document::Column::Title.starts_with("Hiến pháp"))
        .one(&db)
        .await
        .expect("query")
        .expect("the demo library has the Constitution")
        .id;
    assert!(in_index(&live, "Hien phap nuoc Cong hoa").contains(&constitution));
    app::documents::service::set_published(&db, &live, &admin, constitution, false).await.expect("unpublish");
    let (added, _) = common::published_document(&db, f.root, true, "Hướng dẫn chỉ mục trên đĩa", 20).await;
    // The library's own recent changes are read again too (still inside the settling window).
    assert_eq!(live.follow(&db, &mut feed).await.expect("follow"), 5);
    assert_eq!(in_index(&live, "chi muc tren dia").first(), Some(&added));
    assert!(!in_index(&live, "Hien phap nuoc Cong hoa").contains(&constitution));
    let expected = results(&live);
    assert!(expected.iter().filter(|r| !r.is_empty()).count() > 100, "the questions find things");
    drop(live);

    // Restarted: the same answers, without being made again.
    let (reopened, _, opened) = SearchIndex::open(&db, &live_dir).await.expect("reopen");
    assert_eq!(opened, Opened::Resumed);
    assert_eq!(results(&reopened), expected);
    drop(reopened);

    // Made again from the database by the command: the same answers.
    let rebuilt_dir = dir.path().join("rebuilt");
    let (ok, said) = rebuild_command(&url, &rebuilt_dir);
    assert!(ok && said.contains("4 tài liệu"), "{said}");
    let (rebuilt, _, opened) = SearchIndex::open(&db, &rebuilt_dir).await.expect("open rebuilt");
    assert_eq!(opened, Opened::Resumed);
    assert_eq!(results(&rebuilt), expected);
    drop(rebuilt);

    // A database behind the index (a restore, a replica that lagged) gets a new index.
    let (again, _, opened) = SearchIndex::open(&db, &live_dir).await.expect("reopen");
    assert_eq!(opened, Opened::Resumed);
    drop(again);
    app::db::entities::search_change::Entity::delete_many().exec(&db).await.expect("feed emptied");
    let (behind, _, opened) = SearchIndex::open(&db, &live_dir).await.expect("open behind");
    assert_eq!(opened, Opened::Rebuilt);
    assert_eq!(results(&behind), expected);
    drop(behind);
    // Damaged files are made again rather than stopping the server.
    std::fs::write(live_dir.join("sections-v1").join("meta.json"), b"{ not json").expect("damage");
    let (repaired, _, opened) = SearchIndex::open(&db, &live_dir).await.expect("open damaged");
    assert_eq!(opened, Opened::Rebuilt);
    assert_eq!(results(&repaired), expected);
    drop(repaired);

    // An index made from another database is never trusted.
    let (other, _) = common::sqlite_with_url().await;
    let (foreign, _, opened) = SearchIndex::open(&other, &live_dir).await.expect("open for another database");
    assert_eq!(opened, Opened::Rebuilt);
    assert_eq!(foreign.document_count(), 0);
}

#[tokio::test]
async fn the_index_on_disk_survives_a_restart_and_the_rebuild_command_matches_it_sqlite() {
    let (db, url) = common::sqlite_with_url().await;
    index_on_disk(db, url).await;
}

#[tokio::test]
async fn the_index_on_disk_survives_a_restart_and_the_rebuild_command_matches_it_postgres() {
    let (db, name) = common::postgres().await;
    index_on_disk(db.clone(), common::postgres_url(&name)).await;
    db.close().await.ok();
    common::drop_postgres(&name).await;
}
