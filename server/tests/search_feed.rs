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
    assert_eq!(answer.status().as_u16(), 200);
    let body: serde_json::Value = serde_json::from_str(&answer.text().await.expect("body")).expect("json");
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
        tokio::time::sleep(Duration::from_millis(200)).await;
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
    let index = SearchIndex::default();
    let mut feed = Feed::start(&db).await.expect("feed");
    // A write takes its id, then another takes and commits a later one first.
    let slow = db.begin().await.expect("begin");
    note_change(&slow, early).await.expect("slow change");
    note_change(&db, late).await.expect("quick change");
    assert_eq!(index.follow(&db, &mut feed).await.expect("follow"), 1);
    assert_eq!(index.document_ids(), [late].into_iter().collect());
    slow.commit().await.expect("commit");
    assert_eq!(index.follow(&db, &mut feed).await.expect("follow"), 1);
    assert_eq!(index.document_ids(), [early, late].into_iter().collect());
    assert_eq!(index.follow(&db, &mut feed).await.expect("nothing new"), 0);
    // A server starting while that write was still committing reads it again: never missed.
    let mut late_start = Feed::start(&db).await.expect("feed");
    let fresh = SearchIndex::default();
    assert_eq!(fresh.follow(&db, &mut late_start).await.expect("follow"), 2);
    db.close().await.ok();
    common::drop_postgres(&name).await;
}
