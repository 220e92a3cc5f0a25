//! `server bench`: seeds a fresh province and times the queries that must stay fast.
//! Figures are printed, never asserted; the HTTP load part lives in `scripts/bench.sh` (wrk).

use std::time::{Duration, Instant};

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
    search_figures().await?;
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

/// The search engine at national size: 50,000 documents (400,000 sections) generated from the
/// demo texts into a database of their own, the index made from it (time, disk, memory), then
/// library searches and assistant answers as a member of one district sees them.
pub async fn search_figures() -> Result<(), DbErr> {
    use app::db::entities::{document, document_audience, document_section, unit, unit_closure};
    use app::documents::SearchFilters;
    use app::documents::search::{SearchIndex, Visibility};
    use app::documents::structure::parse;
    use sea_orm::{EntityTrait, Set};

    const DOCUMENTS: i64 = 50_000;
    let to_db = |e: app::error::AppError| DbErr::Custom(e.to_string());
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
    let dir = tempfile::tempdir().map_err(|e| DbErr::Custom(e.to_string()))?;
    let db = app::db::connect(&format!("sqlite://{}?mode=rwc", dir.path().join("search.db").display())).await?;
    app::db::migrate(&db).await?;
    let day = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap_or_default();
    // A province with two districts: half the library is addressed to one district only.
    for (id, parent, code) in [(1i64, None, "TINH"), (2, Some(1i64), "HUYEN-A"), (3, Some(1), "HUYEN-B")] {
        unit::Entity::insert(unit::ActiveModel {
            id: Set(id),
            parent_id: Set(parent),
            kind: Set(if parent.is_none() { "province".into() } else { "district".into() }),
            code: Set(code.into()),
            name: Set(code.into()),
            folded_name: Set(code.to_lowercase()),
            depth: Set(i32::from(parent.is_some())),
            valid_from: Set(day),
            valid_to: Set(None),
        })
        .exec(&db)
        .await?;
    }
    let closure = [(1, 1, 0), (2, 2, 0), (3, 3, 0), (1, 2, 1), (1, 3, 1)];
    unit_closure::Entity::insert_many(closure.map(|(a, d, depth)| unit_closure::ActiveModel { ancestor_id: Set(a), descendant_id: Set(d), depth: Set(depth) }))
        .exec(&db)
        .await?;
    let mut seed: u64 = 0x5EED;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let now = chrono::Utc::now();
    let started = Instant::now();
    for batch in (1..=DOCUMENTS).collect::<Vec<_>>().chunks(500) {
        let mut docs = Vec::new();
        let mut sections = Vec::new();
        let mut audiences = Vec::new();
        for &id in batch {
            let title = format!("Hướng dẫn số {id} về {}", pool[(next() as usize) % pool.len()].0);
            let everyone = id % 2 == 0;
            docs.push(document::ActiveModel {
                id: Set(id),
                number: Set(format!("{id}-HD/TU")),
                folded_title: Set(app::db::fold::fold(&title)),
                title: Set(title),
                doc_type: Set("huong_dan".into()),
                level: Set("provincial".into()),
                issuer: Set("Tỉnh ủy".into()),
                issued_on: Set(NaiveDate::from_ymd_opt(2020 + (id % 6) as i32, 3, 1)),
                effective_on: Set(None),
                status: Set("in_force".into()),
                superseded_by: Set(None),
                topics: Set(String::new()),
                owner_unit_id: Set(1),
                audience_all: Set(everyone),
                published: Set(true),
                published_at: Set(Some(now)),
                version: Set(1),
                checksum: Set(format!("bench-{id}")),
                source: Set(String::new()),
                created_at: Set(now),
                updated_at: Set(now),
                quiz_pass_percent: Set(None),
            });
            if !everyone {
                audiences.push(document_audience::ActiveModel { document_id: Set(id), unit_id: Set(if id % 4 == 1 { 2 } else { 3 }) });
            }
            for k in 0..8i64 {
                let (heading, body) = &pool[(next() as usize) % pool.len()];
                sections.push(document_section::ActiveModel {
                    id: Set(id * 10 + k),
                    document_id: Set(id),
                    ordinal: Set(k as i32),
                    kind: Set("article".into()),
                    number: Set((k + 1).to_string()),
                    anchor: Set(format!("dieu-{}", k + 1)),
                    heading: Set(heading.clone()),
                    body: Set(body.clone()),
                    parent_id: Set(None),
                    words: Set(0),
                });
            }
        }
        document::Entity::insert_many(docs).exec(&db).await?;
        if !audiences.is_empty() {
            document_audience::Entity::insert_many(audiences).exec(&db).await?;
        }
        for chunk in sections.chunks(2000) {
            document_section::Entity::insert_many(chunk.to_vec()).exec(&db).await?;
        }
    }
    println!("search: {DOCUMENTS} documents / {} sections written to a database in {:.2?}", DOCUMENTS * 8, started.elapsed());
    let rss_before = resident_mb();
    let started = Instant::now();
    let index = SearchIndex::temporary(&db).await.map_err(to_db)?;
    let count = index.rebuild(&db).await.map_err(to_db)?;
    println!("search index rebuild: {count} documents in {:.2?}; on disk {} MB", started.elapsed(), dir_mb(&index_dir_of(&index)));
    // A member of a cell in district A: documents for everyone and for district A.
    let member = Visibility::reader(vec![1, 2], Vec::new());
    let queries = [
        "sinh hoat chi bo", "đảng viên dự bị", "ky luat dang", "quyền của đảng viên", "ban tin sinh hoat",
        "trung tâm chính trị", "tu phe binh va phe binh", "đại hội đại biểu", "cap uy co so", "boi duong ly luan",
    ];
    let mut times = Vec::new();
    for round in 0..20 {
        for q in queries {
            let filters = SearchFilters { q: q.to_string(), year: (round % 2 == 1).then_some(2025), ..Default::default() };
            let started = Instant::now();
            let hits = index.search(&filters, &member, 20).map_err(to_db)?;
            times.push(started.elapsed());
            std::hint::black_box(hits);
        }
    }
    let (p50, p95) = percentiles(&mut times);
    println!("search over {DOCUMENTS} documents as a district member: p50 {p50:.2?}, p95 {p95:.2?} ({} queries)", times.len());
    let questions = [
        "Đảng viên có những nhiệm vụ gì?", "Quyền của đảng viên là gì", "dang vien du bi phai lam gi",
        "Chi bộ sinh hoạt mấy lần một tháng?", "Ai có thẩm quyền kỷ luật đảng viên?", "Bản tin sinh hoạt chi bộ do ai phát hành",
        "Tuổi đời của người vào Đảng", "Điều 5 nói gì về đảng viên dự bị", "Đảng viên ra nước ngoài phải làm gì", "Nhiệm kỳ của chi bộ là bao lâu",
    ];
    let mut times = Vec::new();
    for _ in 0..10 {
        for q in questions {
            let started = Instant::now();
            let answer = app::assistant::service::answer_from(&index, &member, q).map_err(to_db)?;
            times.push(started.elapsed());
            std::hint::black_box(answer);
        }
    }
    let (p50, p95) = percentiles(&mut times);
    println!("assistant answers over {DOCUMENTS} documents: p50 {p50:.2?}, p95 {p95:.2?} ({} questions)", times.len());
    // The worst case of a question typed without diacritics: ten candidates of the most text
    // read from each (64 KB).
    let library: String = texts.concat();
    let candidates: Vec<String> = (0..10).map(|i| library.chars().cycle().skip(i * 1000).scan(0, |bytes, c| { *bytes += c.len_utf8(); (*bytes <= 64_000).then_some(c) }).collect()).collect();
    let mut times = Vec::new();
    for q in questions.iter().chain(&queries) {
        let typed = app::db::fold::fold(q);
        let started = Instant::now();
        std::hint::black_box(app::documents::search::diacritics::restore(&typed, &candidates));
        times.push(started.elapsed());
    }
    let (p50, p95) = percentiles(&mut times);
    println!(
        "diacritics put back into a question typed without, from 10 candidates' texts ({} KB): p50 {p50:.2?}, p95 {p95:.2?} ({} questions)",
        candidates.iter().map(String::len).sum::<usize>() >> 10,
        times.len()
    );
    println!("server memory for the index: {} MB resident more than before it was made", resident_mb().saturating_sub(rss_before));
    Ok(())
}

/// The median and the 95th percentile of `times`.
pub(crate) fn percentiles(times: &mut [Duration]) -> (Duration, Duration) {
    times.sort();
    let pct = |p: usize| times.get((times.len() * p / 100).min(times.len().saturating_sub(1))).copied().unwrap_or_default();
    (pct(50), pct(95))
}

/// This process's resident memory (Linux), in MB.
fn resident_mb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmRSS:")).and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok()))
        .unwrap_or(0)
        / 1024
}

fn dir_mb(dir: &std::path::Path) -> u64 {
    fn size(path: &std::path::Path) -> u64 {
        match std::fs::read_dir(path) {
            Ok(entries) => entries.flatten().map(|e| size(&e.path())).sum(),
            Err(_) => std::fs::metadata(path).map(|m| m.len()).unwrap_or(0),
        }
    }
    size(dir) >> 20
}

fn index_dir_of(index: &app::documents::search::SearchIndex) -> std::path::PathBuf {
    index.dir().to_path_buf()
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
    let _ = keys;
    let visible = app::documents::search::Visibility::everything();
    let mut times = Vec::new();
    for q in app::assistant::eval::questions().iter().filter(|q| q.expects_answer()).take(40) {
        let Ok((answer, _)) = app::assistant::service::answer_from(index, &visible, &q.question) else { continue };
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
