//! `server bench`: seeds a fresh province and times the queries that must stay fast.
//! Figures are printed, never asserted; the HTTP load part lives in `scripts/bench.sh` (wrk).

use std::time::Instant;

use chrono::NaiveDate;
use sea_orm::DbErr;

pub async fn run(database_url: &str) -> Result<(), DbErr> {
    let db = app::db::connect(database_url).await?;
    app::db::migrate(&db).await?;
    let started = Instant::now();
    let report = app::demo::province::seed_if_empty(&db).await?;
    if report.seeded {
        println!("seed: {} units, {} members in {:.2?}", report.units, report.members, started.elapsed());
    } else {
        println!("seed: database already had data (use an empty DATABASE_URL to time seeding)");
    }
    let root = 1;
    let rounds = 50;
    let started = Instant::now();
    let mut count = 0;
    for _ in 0..rounds {
        count = app::units::service::active_member_counts(&db, &[root])
            .await
            .map_err(|e| DbErr::Custom(e.to_string()))?
            .get(&root)
            .copied()
            .unwrap_or(0);
    }
    println!("subtree member count at province root: {count} members, {:.2?} per query", started.elapsed() / rounds);
    let on = NaiveDate::from_ymd_opt(2023, 12, 29).unwrap_or_default();
    let started = Instant::now();
    let ids = app::members::service::members_in_subtree_on(&db, root, on)
        .await
        .map_err(|e| DbErr::Custom(e.to_string()))?;
    println!("historical subtree membership on {on}: {} members in {:.2?}", ids.len(), started.elapsed());
    let documents = app::demo::province::seed_documents_if_empty(&db).await?;
    println!("demo library: {documents} documents");
    document_page_figures(&db).await?;
    member_list_figures(&db, database_url).await?;
    meeting_figures(&db).await?;
    let started = Instant::now();
    let extra = app::demo::province::grow_tree(&db, 50_000).await?;
    println!("grew the org tree by {extra} units in {:.2?}", started.elapsed());
    let started = Instant::now();
    for _ in 0..rounds {
        app::units::service::active_member_counts(&db, &[root]).await.map_err(|e| DbErr::Custom(e.to_string()))?;
    }
    println!("subtree member count at root with 50k+ units: {:.2?} per query", started.elapsed() / rounds);
    search_figures();
    reading_figures(&db).await?;
    Ok(())
}

fn app_error(e: app::error::AppError) -> DbErr {
    DbErr::Custom(e.to_string())
}

/// The demo administrator (the README's first account) as signed in, when the demo is there.
async fn demo_admin(db: &sea_orm::DatabaseConnection) -> Result<Option<app::auth::SessionUser>, DbErr> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let Some(admin) = app::db::entities::member::Entity::find()
        .filter(app::db::entities::member::Column::Phone.eq(app::demo::province::DEMO_ACCOUNTS[0].0))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    app::auth::service::load_session_user(db, admin.id, false).await.map(Some).map_err(app_error)
}

/// The province's member list exported (the workbook a committee downloads), then that file
/// checked (dry run) and imported again, as a re-import of a whole province runs: every row read,
/// matched and compared, inside one transaction; then the same file moving a province into an
/// empty database (every unit and member created).
async fn member_list_figures(db: &sea_orm::DatabaseConnection, database_url: &str) -> Result<(), DbErr> {
    use app::members::import::{import, read_rows};
    let fail = app_error;
    let Some(user) = demo_admin(db).await? else {
        println!("member list: demo administrator missing, skipped");
        return Ok(());
    };
    let root = app::units::service::find_unit(db, 1).await.map_err(fail)?;
    let started = Instant::now();
    let (_, sheets) = app::members::export::member_list(db, &user, root.id).await.map_err(fail)?;
    let bytes = app::spreadsheet::workbook(&sheets).map_err(|e| DbErr::Custom(e.to_string()))?;
    println!("member list export, province root: {} rows, {} KB XLSX in {:.2?}", sheets[0].1.len() - 1, bytes.len() >> 10, started.elapsed());
    let started = Instant::now();
    let rows = read_rows("danh-sach.xlsx", &bytes).map_err(fail)?;
    println!("member import, reading that workbook: {} rows in {:.2?}", rows.len(), started.elapsed());
    for dry_run in [true, false] {
        let started = Instant::now();
        let report = import(db, &root, rows.clone(), dry_run, |_, _| {}).await.map_err(fail)?;
        println!(
            "member import of the province ({}): {} unchanged, {} updated, {} refused in {:.2?}",
            if dry_run { "dry run" } else { "real, one transaction" },
            report.unchanged,
            report.updated.len(),
            report.refused.len(),
            started.elapsed()
        );
    }
    into_empty_database(database_url, &rows).await
}

/// A province moving in: the exported list imported (dry run, then for real) into a new, empty
/// database of the same kind, which is removed afterwards.
async fn into_empty_database(database_url: &str, rows: &[(usize, Vec<String>)]) -> Result<(), DbErr> {
    let fail = app_error;
    let name = format!("sotay_bench_empty_{}", std::process::id());
    let postgres = database_url.starts_with("postgres");
    let (url, file) = if postgres {
        db_admin_execute(database_url, &format!("CREATE DATABASE {name}")).await?;
        let (base, query) = database_url.split_once('?').map_or((database_url, ""), |(b, q)| (b, q));
        let base = base.rsplit_once('/').map_or(base, |(b, _)| b);
        (format!("{base}/{name}{}{query}", if query.is_empty() { "" } else { "?" }), None)
    } else {
        let file = std::env::temp_dir().join(format!("{name}.db"));
        (format!("sqlite://{}?mode=rwc", file.display()), Some(file))
    };
    let empty = app::db::connect(&url).await?;
    app::db::migrate(&empty).await?;
    let day = NaiveDate::from_ymd_opt(1930, 2, 3).unwrap_or_default();
    let root_id = app::units::service::insert_unit(&empty, None, app::units::UnitKind::Provincial, "Đảng bộ tỉnh Hậu Giang", "HG", day).await.map_err(fail)?;
    let root = app::units::service::find_unit(&empty, root_id).await.map_err(fail)?;
    for dry_run in [true, false] {
        let started = Instant::now();
        let report = app::members::import::import(&empty, &root, rows.to_vec(), dry_run, |_, _| {}).await.map_err(fail)?;
        println!(
            "member import into an empty database ({}): {} members, {} units created, {} refused in {:.2?}",
            if dry_run { "dry run" } else { "real, one transaction" },
            report.created,
            report.new_units.len(),
            report.refused.len(),
            started.elapsed()
        );
    }
    empty.close().await?;
    if let Some(file) = file {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", file.display()));
        }
    } else {
        db_admin_execute(database_url, &format!("DROP DATABASE IF EXISTS {name}")).await?;
    }
    Ok(())
}

/// Runs a statement that may not run inside a transaction (CREATE/DROP DATABASE) on its own
/// connection to the benchmark's PostgreSQL server.
async fn db_admin_execute(database_url: &str, sql: &str) -> Result<(), DbErr> {
    use sea_orm::ConnectionTrait;
    let admin = sea_orm::Database::connect(database_url).await?;
    admin.execute_unprepared(sql).await?;
    admin.close().await
}

/// Where a signed-in member's document page (the Charter) spends its server time, per call:
/// who is signed in, which documents they may open, and the whole document view.
pub async fn document_page_figures(db: &sea_orm::DatabaseConnection) -> Result<(), DbErr> {
    use app::db::entities::{document, member};
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

    let to_db = |e: app::error::AppError| DbErr::Custom(e.to_string());
    let charter = document::Entity::find().filter(document::Column::Title.eq("Điều lệ Đảng Cộng sản Việt Nam")).one(db).await?;
    let reader = member::Entity::find().filter(member::Column::Phone.eq("0900000001")).one(db).await?;
    let (Some(charter), Some(reader)) = (charter, reader) else {
        println!("document page: demo library or demo member missing, skipped");
        return Ok(());
    };
    let index = app::documents::search::SearchIndex::build(db).await.map_err(to_db)?;
    let user = app::auth::service::load_session_user(db, reader.id, false).await.map_err(to_db)?;
    let sections_cache = app::documents::service::SectionCache::default();
    let rounds = 200u32;
    let time = |label: &str, started: Instant| println!("document page, {label}: {:.2?} per call", started.elapsed() / rounds);
    let started = Instant::now();
    for _ in 0..rounds {
        app::auth::service::load_session_user(db, reader.id, false).await.map_err(to_db)?;
    }
    time("who is signed in (member, cell, positions)", started);
    let started = Instant::now();
    for _ in 0..rounds {
        app::documents::service::visible_ids(db, &user).await.map_err(to_db)?;
    }
    time("documents the member may open", started);
    let started = Instant::now();
    let mut sections = 0;
    for _ in 0..rounds {
        sections = app::documents::service::view(db, &index, &sections_cache, &user, charter.id).await.map_err(to_db)?.sections.len();
    }
    time(&format!("whole document view ({sections} sections, related documents included)"), started);
    let started = Instant::now();
    let mut body = 0;
    for _ in 0..rounds {
        body = app::documents::service::reader_view(db, &index, &sections_cache, &user, charter.id).await.map_err(to_db)?.body_html.len();
    }
    time(&format!("reading page's document (outline + body HTML of {} KB, rendered once per version)", body / 1024), started);
    let started = Instant::now();
    let all = app::documents::service::view(db, &index, &sections_cache, &user, charter.id).await.map_err(to_db)?.sections;
    for _ in 0..rounds {
        body = app::documents::body::render(&all).len();
    }
    time(&format!("rendering the body's HTML when a version is first read ({} KB)", body / 1024), started);
    Ok(())
}

/// Search latency over 20,000 documents generated from the demo texts' sections (in memory:
/// this measures ranking, not the database).
pub fn search_figures() {
    use app::db::entities::{document, document_section};
    use app::documents::SearchFilters;
    use app::documents::search::SearchIndex;
    use app::documents::structure::parse;

    let texts = [
        include_str!("../../app/demo-docs/dieu-le-dang-2011.md"),
        include_str!("../../app/demo-docs/huong-dan-37-HD-BTGDVTW-2025.md"),
        include_str!("../../app/demo-docs/quyet-dinh-1147-QD-BTGDVTW-2025.md"),
    ];
    let pool: Vec<(String, String)> = texts
        .iter()
        .flat_map(|t| parse(t))
        .filter(|s| !s.body.is_empty())
        .map(|s| (s.heading, s.body))
        .collect();
    let index = SearchIndex::default();
    let mut seed: u64 = 0x5EED;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let now = chrono::Utc::now();
    let started = Instant::now();
    for id in 1..=20_000i64 {
        let doc = document::Model {
            id,
            number: format!("{id}-HD/TU"),
            title: format!("Hướng dẫn số {id} về {}", pool[(next() as usize) % pool.len()].0),
            folded_title: String::new(),
            doc_type: "huong_dan".into(),
            level: "provincial".into(),
            issuer: "Tỉnh ủy".into(),
            issued_on: None,
            effective_on: None,
            status: "in_force".into(),
            superseded_by: None,
            topics: String::new(),
            owner_unit_id: 1,
            audience_all: true,
            published: true,
            published_at: None,
            version: 1,
            checksum: id.to_string(),
            source: String::new(),
            created_at: now,
            updated_at: now,
            quiz_pass_percent: None,
        };
        let sections: Vec<document_section::Model> = (0..8)
            .map(|k| {
                let (heading, body) = &pool[(next() as usize) % pool.len()];
                document_section::Model {
                    id: id * 10 + k,
                    document_id: id,
                    ordinal: k as i32,
                    kind: "article".into(),
                    number: (k + 1).to_string(),
                    anchor: format!("dieu-{}", k + 1),
                    heading: heading.clone(),
                    body: body.clone(),
                    parent_id: None,
                    words: 0,
                }
            })
            .collect();
        index.upsert(&doc, &sections);
    }
    println!("search index: 20,000 documents / 160,000 sections built in {:.2?}", started.elapsed());
    let allowed: std::collections::HashSet<i64> = (1..=20_000).collect();
    let queries = [
        "sinh hoat chi bo", "đảng viên dự bị", "ky luat dang", "quyền của đảng viên", "ban tin sinh hoat",
        "trung tâm chính trị", "tu phe binh va phe binh", "đại hội đại biểu", "cap uy co so", "boi duong ly luan",
    ];
    let mut times = Vec::new();
    for round in 0..20 {
        for q in queries {
            let filters = SearchFilters { q: q.to_string(), year: (round % 2 == 1).then_some(2025), ..Default::default() };
            let started = Instant::now();
            let hits = index.search(&filters, &allowed, 20);
            times.push(started.elapsed());
            std::hint::black_box(hits);
        }
    }
    times.sort();
    let pct = |p: usize| times[(times.len() * p / 100).min(times.len() - 1)];
    println!("search over 20,000 documents: p50 {:.2?}, p95 {:.2?} ({} queries)", pct(50), pct(95), times.len());
}

/// Reading-event ingest rate and the province-wide completion report, on the seeded database.
pub async fn reading_figures(db: &sea_orm::DatabaseConnection) -> Result<(), DbErr> {
    use app::db::entities::{assignment, document, member, reading_status};
    use app::reading::ProgressEvent;
    use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QuerySelect, Set};

    let to_db = |e: app::error::AppError| DbErr::Custom(e.to_string());
    let Some(doc) = document::Entity::find().filter(document::Column::Number.eq("37-HD/BTGDVTW")).one(db).await? else {
        println!("reading: demo library missing, skipped");
        return Ok(());
    };
    let sections: Vec<i64> = app::db::entities::document_section::Entity::find()
        .select_only()
        .column(app::db::entities::document_section::Column::Id)
        .filter(app::db::entities::document_section::Column::DocumentId.eq(doc.id))
        .into_tuple()
        .all(db)
        .await?;
    let members: Vec<i64> = member::Entity::find().select_only().column(member::Column::Id).limit(200).into_tuple().all(db).await?;
    let mut users = Vec::new();
    for id in &members {
        users.push(app::auth::service::load_session_user(db, *id, false).await.map_err(to_db)?);
    }
    let started = Instant::now();
    let mut events = 0usize;
    for (u, user) in users.iter().enumerate() {
        for batch in 0..5 {
            let chunk: Vec<ProgressEvent> = sections
                .iter()
                .enumerate()
                .map(|(k, s)| ProgressEvent {
                    client_id: format!("{u:08x}-{batch:04x}-{k:04x}"),
                    document_id: doc.id,
                    section_id: *s,
                    seconds: 5,
                })
                .collect();
            events += chunk.len();
            app::reading::service::record(db, app::reading::Pace::default(), user, &chunk).await.map_err(to_db)?;
        }
    }
    let elapsed = started.elapsed();
    println!(
        "reading events: {events} in {:.2?} = {:.0} events/s (batches of {}, each rolled up)",
        elapsed,
        events as f64 / elapsed.as_secs_f64(),
        sections.len()
    );

    // 100 assignments to the whole province, with half the members having read each.
    let root = app::units::service::root_unit(db).await.map_err(to_db)?.unwrap_or(1);
    let all_members: Vec<i64> = member::Entity::find().select_only().column(member::Column::Id).into_tuple().all(db).await?;
    let admin = all_members.first().copied().unwrap_or(1);
    let started = Instant::now();
    let mut assignments = Vec::new();
    for n in 0..100 {
        let meta = app::documents::service::ImportMeta {
            number: format!("{n}-BENCH"),
            title: format!("Tài liệu đo hiệu năng {n}"),
            doc_type: "thong_bao".into(),
            level: "provincial".into(),
            issuer: "Tỉnh ủy".into(),
            issued_on: None,
            topics: String::new(),
            owner_unit_id: root,
            audience_all: true,
            published: true,
            source: "bench".into(),
        };
        let Some(doc_id) = app::documents::service::import_text(db, &meta, &format!("Điều 1. Nội dung {n}.")).await.map_err(to_db)? else { continue };
        let a = assignment::ActiveModel {
            document_id: Set(doc_id),
            unit_id: Set(root),
            due_on: Set(app::common::time::today()),
            assigned_by: Set(admin),
            created_at: Set(chrono::Utc::now()),
            ..Default::default()
        }
        .insert(db)
        .await?;
        let now = chrono::Utc::now();
        let rows: Vec<reading_status::ActiveModel> = all_members
            .iter()
            .filter(|m| (**m + n) % 2 == 0)
            .map(|m| reading_status::ActiveModel {
                member_id: Set(*m),
                document_id: Set(doc_id),
                seen_sections: Set(1),
                total_sections: Set(1),
                active_seconds: Set(10),
                started_at: Set(now),
                completed_at: Set(Some(now)),
                confirmed_at: Set((m % 3 != 0).then_some(now)),
            })
            .collect();
        for chunk in rows.chunks(2000) {
            reading_status::Entity::insert_many(chunk.to_vec()).exec_without_returning(db).await?;
        }
        assignments.push(a.id);
    }
    println!("report data: 100 assignments × {} members prepared in {:.2?}", all_members.len(), started.elapsed());
    let admin_user = app::auth::service::load_session_user(db, admin, false).await.map_err(to_db)?;
    let mut admin_user = admin_user;
    admin_user.positions.push(app::auth::PositionInfo { id: 0, role: app::auth::Role::Admin, unit_id: root, unit_name: String::new() });
    let started = Instant::now();
    let mut read = 0;
    for a in &assignments {
        let report = app::reading::service::report(db, &admin_user, *a, None).await.map_err(to_db)?;
        read += report.totals.read;
    }
    println!(
        "province-wide completion report, 100 assignments × {} members: {:.2?} in all ({:.2?} each; {read} confirmed readings)",
        all_members.len(),
        started.elapsed(),
        started.elapsed() / assignments.len().max(1) as u32
    );
    Ok(())
}

/// The province's yearly meetings report: every cell holds 12 regular and 4 thematic meetings in
/// the previous calendar year (with attendance, documents, minutes, scores and ratings), then the
/// report at the root is built as the page needs it and as the spreadsheet export does.
pub async fn meeting_figures(db: &sea_orm::DatabaseConnection) -> Result<(), DbErr> {
    use app::demo::meetings::{DemoMeetings, seed_meetings};
    use app::common::report::Period;
    use app::meetings::report::service as reports;
    use chrono::Datelike;
    use sea_orm::{EntityTrait, PaginatorTrait};

    let to_db = |e: app::error::AppError| DbErr::Custom(e.to_string());
    if app::db::entities::meeting::Entity::find().count(db).await? > 0 {
        println!("meetings: database already had meetings, skipped");
        return Ok(());
    }
    let year = app::common::time::today().year() - 1;
    let started = Instant::now();
    let meetings = seed_meetings(db, DemoMeetings { through: (year, 12), every_meeting: true }, &app::common::secret::SecretKey::default()).await?;
    let attendance = app::db::entities::meeting_attendance::Entity::find().count(db).await?;
    println!("meetings: seeded {meetings} meetings ({attendance} attendance rows) for {year} in {:.2?}", started.elapsed());
    let Some(user) = demo_admin(db).await? else {
        println!("meetings: demo administrator missing, skipped");
        return Ok(());
    };
    let root = app::common::report::default_unit(&user);
    let rounds = 5;
    let mut cells = 0;
    let started = Instant::now();
    for _ in 0..rounds {
        let r = reports::report(db, &user, root, Period::year(year), Some(reports::PAGE_CAP)).await.map_err(to_db)?;
        cells = r.totals.cells;
    }
    println!("meetings report, province root, year {year} ({cells} cells, 12+4 meetings each): {:.2?} per report (page)", started.elapsed() / rounds);
    let started = Instant::now();
    let r = reports::report(db, &user, root, Period::year(year), None).await.map_err(to_db)?;
    let bytes = app::spreadsheet::workbook(&reports::sheets(&r)).map_err(|e| DbErr::Custom(e.to_string()))?;
    println!("meetings report export (XLSX, every cell): {} KB in {:.2?}", bytes.len() / 1024, started.elapsed());
    Ok(())
}

/// The assistant over the demo library (a fresh SQLite file): retrieval quality on the question
/// set (`app/src/assistant/eval_questions.tsv`), answer latency, and how soon the server's voice
/// has the answer ready to play.
pub async fn assistant_figures() -> Result<(), DbErr> {
    use app::assistant::eval;
    use sea_orm::EntityTrait;
    let dir = std::env::temp_dir().join(format!("sotay-assistant-eval-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| DbErr::Custom(e.to_string()))?;
    let db = app::db::connect(&format!("sqlite://{}?mode=rwc", dir.join("eval.db").display())).await?;
    app::db::migrate(&db).await?;
    app::demo::province::seed_if_empty(&db).await?;
    app::demo::province::seed_documents_if_empty(&db).await?;
    let index = app::documents::search::SearchIndex::build(&db).await.map_err(|e| DbErr::Custom(e.to_string()))?;
    let documents = app::db::entities::document::Entity::find().all(&db).await?;
    let keys = eval::demo_document_keys(&documents);
    // Warm the index's pages before timing.
    let _ = eval::evaluate(&index, &keys);
    let report = eval::evaluate(&index, &keys);
    println!("assistant question set: {} answerable questions, {} unrelated", report.questions, report.unrelated);
    println!("  Recall@1 {:.3}   Recall@5 {:.3}   MRR {:.3}", report.recall_at_1, report.recall_at_5, report.mrr);
    println!("  answered {:.1}% of answerable; unrelated rightly unanswered {:.1}%", report.answered * 100.0, report.unrelated_refused * 100.0);
    println!("  extractive answer latency over the demo library: p50 {:.2?}, p95 {:.2?}", report.p50, report.p95);
    for miss in &report.misses {
        let got = miss.got.as_ref().map(|(d, a)| format!("{d} {a}")).unwrap_or_else(|| "nothing".into());
        let rank = miss.rank.map(|r| format!("rank {}", r + 1)).unwrap_or_else(|| "not in top 10".into());
        println!("  miss: {} — expected {}, got {got} ({rank})", miss.question, miss.expected);
    }
    speech_figures(&index, &keys, &dir.join("tts")).await;
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

/// Time from an answer to its audio on the server's voice (espeak-ng), nothing cached yet.
async fn speech_figures(index: &app::documents::search::SearchIndex, keys: &std::collections::HashMap<String, i64>, cache: &std::path::Path) {
    let visible = keys.values().copied().collect();
    let mut times = Vec::new();
    for q in app::assistant::eval::questions().iter().filter(|q| q.expects_answer()).take(40) {
        let (answer, _) = app::assistant::service::answer_from(index, &visible, &q.question);
        if !answer.found {
            continue;
        }
        let started = Instant::now();
        match app::assistant::speech::synthesize(cache, &answer.text).await {
            Ok(_) => times.push(started.elapsed()),
            Err(e) => {
                println!("  server voice unavailable: {e}");
                return;
            }
        }
    }
    times.sort();
    let at = |p: f64| times.get(((times.len().max(1) - 1) as f64 * p).round() as usize).copied().unwrap_or_default();
    println!("  server voice, answer → WAV ready ({} answers): p50 {:.2?}, p95 {:.2?}", times.len(), at(0.5), at(0.95));
}
