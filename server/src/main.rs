//! The handbook's server: configuration, database start-up, HTTP serving, and maintenance
//! subcommands (`migrate`, `seed`, `import`, `bench`, `assistant-eval`).

mod api;
mod assets;
mod bench;
mod evaluation;
mod config;
mod fn_status;
mod headers;
mod pwa;
mod monitoring;
mod render;
mod uploads;

use std::net::SocketAddr;
use std::sync::Arc;

use app::state::AppState;
use app::{App, shell};
use axum::Router;
use axum::serve::ListenerExt;
use leptos::prelude::*;
use leptos_axum::{LeptosRoutes, generate_route_list};
use tower_http::compression::CompressionLayer;
use tower_http::compression::predicate::{DefaultPredicate, NotForContentType, Predicate};

use crate::config::{Command, Settings};

#[derive(Debug, thiserror::Error)]
enum ServerError {
    #[error("cấu hình không hợp lệ: {0}")]
    Config(String),
    #[error("lỗi cơ sở dữ liệu: {0}")]
    Db(#[from] sea_orm::DbErr),
    #[error("lỗi mạng: {0}")]
    Io(#[from] std::io::Error),
    #[error("sao lưu/khôi phục: {0}")]
    Backup(#[from] app::db::backup::BackupError),
}

#[tokio::main]
async fn main() {
    tracing_subscriber::fmt()
        // Colours only on a terminal: a journal or a log file gets plain lines.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stdout()))
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info,sqlx=warn,tantivy=warn".into()),
        )
        .init();
    if let Err(err) = run().await {
        eprintln!("Lỗi: {err}");
        std::process::exit(1);
    }
}

async fn run() -> Result<(), ServerError> {
    let settings = Settings::from_env(std::env::args().skip(1)).map_err(ServerError::Config)?;
    match settings.command {
        Command::Serve => serve(settings).await,
        Command::Migrate => {
            let db = app::db::connect(&settings.database_url).await?;
            let lock = app::db::startup_lock(&settings.database_url).await?;
            app::db::migrate(&db).await?;
            lock.release().await?;
            println!("Cấu trúc cơ sở dữ liệu đã đủ cho phiên bản này.");
            Ok(())
        }
        Command::Seed => {
            let db = app::db::connect(&settings.database_url).await?;
            let lock = app::db::startup_lock(&settings.database_url).await?;
            app::db::migrate(&db).await?;
            let report = app::demo::province::seed_if_empty(&db).await?;
            let documents = app::demo::province::seed_documents_if_empty(&db).await?;
            let meetings = app::demo::meetings::seed_meetings_if_empty(&db, &settings.secret_key).await?;
            let comments = app::demo::consultations::seed_consultation_if_empty(&db).await?;
            let index = app::documents::search::SearchIndex::build(&db).await.map_err(|e| ServerError::Config(format!("search index: {e}")))?;
            let exchanges = app::demo::assistant::seed_assistant_if_empty(&db, &index).await?;
            lock.release().await?;
            println!("{report:?}, {documents} documents, {meetings} meetings, {comments} comments on the draft under consultation, {exchanges} questions to the assistant");
            Ok(())
        }
        Command::Bench { search_only: true } => bench::search_figures().await.map_err(ServerError::from),
        Command::Bench { search_only: false } => bench::run(&settings.database_url).await.map_err(ServerError::from),
        Command::AssistantEval { ref sets } => {
            bench::assistant_figures().await?;
            match sets {
                Some(sets) => evaluation::run(std::path::Path::new(sets)).await.map_err(ServerError::Config),
                None => Ok(()),
            }
        }
        Command::Import { ref folder, publish } => import(&settings, folder, publish).await,
        Command::ImportMembers { ref file, ref unit, dry_run } => import_members(&settings, file, unit.as_deref(), dry_run).await,
        Command::CreateAdmin { ref unit, ref phone } => {
            let db = app::db::connect(&settings.database_url).await?;
            let lock = app::db::startup_lock(&settings.database_url).await?;
            app::db::migrate(&db).await?;
            lock.release().await?;
            match app::members::service::grant_first_admin(&db, &settings.secret_key, unit, phone).await {
                Ok((member, unit, issued)) => {
                    println!("{} (thẻ {}) là quản trị viên của {}.", member.full_name, member.card_no, unit.name);
                    println!("Mã kích hoạt: {}", issued.code);
                    println!(
                        "Vào trang /kich-hoat, nhập số thẻ {} và mã này (dùng một lần, đến hết ngày {}), rồi tự đặt mật khẩu.",
                        member.card_no,
                        app::validate::format_date(app::common::time::vietnam_date(issued.expires_at))
                    );
                    println!(
                        "Mã thuộc khóa bí mật có dấu vân tay {}: máy chủ phục vụ phải ghi cùng dấu vân tay này khi khởi động.",
                        settings.secret_key.fingerprint()
                    );
                    Ok(())
                }
                Err(error) => Err(ServerError::Config(error.field_message("unit").or_else(|| error.field_message("phone")).unwrap_or_else(|| error.to_string()))),
            }
        }
        Command::Backup { ref file } => {
            app::db::backup::source_exists(&settings.database_url)?;
            let db = app::db::connect(&settings.database_url).await?;
            let bytes = app::db::backup::backup(&db, &settings.database_url, std::path::Path::new(file)).await?;
            println!("Đã sao lưu cơ sở dữ liệu vào {file} ({} KB).", bytes >> 10);
            println!(
                "Hãy sao lưu cả thư mục tệp đính kèm {} (sau bản sao này) và khóa bí mật của máy chủ, cất riêng.",
                settings.files_dir.display()
            );
            Ok(())
        }
        Command::SearchRebuild => {
            let db = app::db::connect(&settings.database_url).await?;
            let started = std::time::Instant::now();
            let index = app::documents::search::SearchIndex::at_dir(&db, &settings.search_dir).await.map_err(|e| ServerError::Config(e.to_string()))?;
            let documents = index.rebuild(&db).await.map_err(|e| ServerError::Config(format!("search index: {e}")))?;
            println!(
                "Đã lập lại chỉ mục tìm kiếm {} từ cơ sở dữ liệu: {documents} tài liệu trong {:.1} giây.",
                settings.search_dir.display(),
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        Command::Restore { ref file } => {
            app::db::backup::restore(&settings.database_url, std::path::Path::new(file)).await?;
            // The servers' search indexes hold the database as it was, not the backup: made again.
            let db = app::db::connect(&settings.database_url).await?;
            app::documents::search::forget_indexes(&db).await.map_err(|e| ServerError::Config(e.to_string()))?;
            println!("Đã khôi phục {file}. Chép lại thư mục tệp đính kèm và khóa bí mật rồi khởi động máy chủ.");
            Ok(())
        }
    }
}

/// `server import-members <file> [--unit CODE] [--dry-run]`: a province's units and members from
/// a spreadsheet, into the unit with that code (the province's root by default). All or nothing:
/// refused rows are printed and nothing is written (README "Moving a province in").
async fn import_members(settings: &Settings, file: &str, unit: Option<&str>, dry_run: bool) -> Result<(), ServerError> {
    let bytes = std::fs::read(file).map_err(|e| ServerError::Config(format!("{file}: {e}")))?;
    let db = app::db::connect(&settings.database_url).await?;
    let lock = app::db::startup_lock(&settings.database_url).await?;
    app::db::migrate(&db).await?;
    lock.release().await?;
    let config_error = |e: app::error::AppError| ServerError::Config(e.field_message("file").or_else(|| e.field_message("unit_code")).unwrap_or_else(|| e.to_string()));
    let root = match unit {
        Some(code) => app::units::service::find_by_code(&db, code).await.map_err(config_error)?,
        None => {
            let id = app::units::service::root_unit(&db)
                .await
                .map_err(config_error)?
                .ok_or_else(|| ServerError::Config("cơ sở dữ liệu chưa có đơn vị gốc".into()))?;
            app::units::service::find_unit(&db, id).await.map_err(config_error)?
        }
    };
    let rows = app::members::import::read_rows(file, &bytes).map_err(config_error)?;
    // Drawn on standard error, and only when it is a terminal (indicatif hides it otherwise).
    let bar = indicatif::ProgressBar::new(1);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} {msg}")
            .map_err(|e| ServerError::Config(e.to_string()))?,
    );
    bar.set_message(if dry_run { "kiểm tra" } else { "nhập" });
    let report = app::members::import::import(&db, &root, rows, dry_run, |done, total| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
    })
    .await
    .map_err(config_error)?;
    bar.finish_and_clear();
    print_import_report(&root.name, &report, dry_run);
    if report.refused.is_empty() { Ok(()) } else { Err(ServerError::Config(format!("{} dòng bị từ chối; chưa ghi gì.", report.refused.len()))) }
}

fn print_import_report(unit: &str, report: &app::members::ImportReport, dry_run: bool) {
    println!("{} dòng dữ liệu, nhập vào {unit}{}:", report.rows, if dry_run { " (chạy thử, chưa ghi)" } else { "" });
    println!("  đơn vị mới: {}", report.new_units.len());
    for path in &report.new_units {
        println!("    + {path}");
    }
    println!("  đảng viên mới: {}", report.created);
    println!("  cập nhật: {}", report.updated.len());
    for change in &report.updated {
        println!("    dòng {}: {} ({}) — {}", change.row, change.full_name, change.card_no, change.fields.join(", "));
    }
    println!("  không đổi: {}", report.unchanged);
    println!("  chức vụ mới (Bí thư, Phó Bí thư chi bộ): {}", report.positions.len());
    for c in &report.positions {
        let replaces = c.replaces.as_ref().map(|r| format!(" (thay đồng chí {r})")).unwrap_or_default();
        println!("    dòng {}: {} — {}, {}{replaces}", c.row, c.full_name, c.role.label(), c.cell);
    }
    for p in &report.roles_not_read {
        println!("    dòng {}: {}", p.row, p.message);
    }
    println!("  có trong hệ thống nhưng không có trong tệp (không xoá): {}", report.missing.len());
    for m in &report.missing {
        println!("    - {} ({}), {}", m.full_name, m.card_no, m.cell);
    }
    if !report.refused.is_empty() {
        println!("  bị từ chối: {}", report.refused.len());
        for p in &report.refused {
            println!("    dòng {}, cột “{}”: {}", p.row, p.column, p.message);
        }
    }
    println!("{}", if report.applied { "Đã ghi vào cơ sở dữ liệu." } else { "Chưa ghi gì vào cơ sở dữ liệu." });
}

/// `server import <folder> [--publish]`: bulk import into the province's root unit, one
/// transaction per document, with a progress bar; already imported texts are skipped.
async fn import(settings: &Settings, folder: &str, publish: bool) -> Result<(), ServerError> {
    use std::io::Write;
    let db = app::db::connect(&settings.database_url).await?;
    let lock = app::db::startup_lock(&settings.database_url).await?;
    app::db::migrate(&db).await?;
    lock.release().await?;
    let root = app::units::service::root_unit(&db)
        .await
        .map_err(|e| ServerError::Config(e.to_string()))?
        .ok_or_else(|| ServerError::Config("cơ sở dữ liệu chưa có đơn vị gốc (chạy `server seed` trước)".into()))?;
    let files = app::documents::import::importable_files(std::path::Path::new(folder))
        .map_err(|e| ServerError::Config(format!("{folder}: {}", e.field_message("folder").unwrap_or_default())))?;
    let options = app::documents::import::ImportOptions {
        owner_unit_id: root,
        published: publish,
        level: "central".into(),
        issuer: "Chưa xác định".into(),
    };
    let report = app::documents::import::import_files(&db, &files, &options, |done, total, label| {
        let width = 30;
        let filled = (done * width).checked_div(total).unwrap_or(width);
        print!("\r[{}{}] {done}/{total} {label:<40.40}", "#".repeat(filled), " ".repeat(width - filled));
        let _ = std::io::stdout().flush();
    })
    .await;
    println!();
    println!("Đã nhập {} tài liệu, bỏ qua {} tài liệu trùng, lỗi {}.", report.added, report.skipped, report.failed.len());
    for (label, error) in &report.failed {
        println!("  lỗi {label}: {error}");
    }
    Ok(())
}

/// Keeps this server's search index in step with writes made through other servers or the
/// command line: the change feed is read every two seconds.
fn spawn_search_follower(db: sea_orm::DatabaseConnection, search: Arc<app::documents::search::SearchIndex>, mut feed: app::documents::search::Feed) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(2));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            match search.follow(&db, &mut feed).await {
                Ok(0) => {}
                Ok(documents) => tracing::info!(documents, "search index caught up with the change feed"),
                Err(e) => tracing::warn!(error = %e, "reading the search change feed"),
            }
        }
    });
}

/// Makes the vectors of documents published or changed since (see `search::meaning`): one
/// document at a time, checking every five seconds; after a failure (that document then waits an
/// hour, for every server) the worker goes on a minute later.
fn spawn_meaning_worker(db: sea_orm::DatabaseConnection, endpoint: app::documents::search::meaning::Embeddings) {
    tokio::spawn(async move {
        let mut made_total = 0usize;
        loop {
            let pause = match app::documents::search::meaning::make_vectors(&db, &endpoint, 1).await {
                Ok(0) => {
                    if made_total > 0 {
                        tracing::info!(documents = made_total, "document vectors made");
                        made_total = 0;
                    }
                    5
                }
                Ok(made) => {
                    made_total += made;
                    0
                }
                Err(e) => {
                    tracing::warn!(error = %e, "document vectors; trying again in a minute");
                    60
                }
            };
            tokio::time::sleep(std::time::Duration::from_secs(pause)).await;
        }
    });
}

/// Delivers queued Web Push messages every two seconds. The VAPID key is made now on first run
/// so the settings page can hand it to browsers at once.
async fn spawn_push_delivery(db: sea_orm::DatabaseConnection, push: app::notifications::push::PushSettings, secret: app::common::secret::SecretKey) -> Result<(), ServerError> {
    let key = app::notifications::push::vapid_key(&db, &secret).await.map_err(|e| ServerError::Config(format!("VAPID: {e}")))?;
    let client = reqwest::Client::builder()
        .timeout(app::notifications::push::SEND_TIMEOUT)
        // A push service answers; it never sends the server elsewhere.
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| ServerError::Config(format!("push client: {e}")))?;
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(2));
        loop {
            tick.tick().await;
            match app::notifications::push::deliver_due(&db, &key, &client, &push, 200).await {
                Ok(d) if d.sent + d.gone + d.retried + d.dropped > 0 => tracing::info!(?d, "web push"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "web push delivery"),
            }
        }
    });
    Ok(())
}

/// Hourly housekeeping: rate counters of windows long gone.
fn spawn_housekeeping(db: sea_orm::DatabaseConnection) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(3600));
        loop {
            tick.tick().await;
            if let Err(e) = app::common::rate_limit::sweep(&db).await {
                tracing::warn!(error = %e, "sweeping rate counters");
            }
        }
    });
}

/// A build made with `hash-files` leaves `hash.txt` beside the binary and names its bundle files
/// by content; the pages must then ask for those names (cargo-leptos would say so through
/// `LEPTOS_HASH_FILES` only when it starts the server itself).
fn with_fingerprints(mut options: LeptosOptions) -> LeptosOptions {
    if !options.hash_files {
        let hash_file = std::env::current_exe().ok().and_then(|exe| exe.parent().map(|dir| dir.join(options.hash_file.as_ref())));
        options.hash_files = hash_file.is_some_and(|path| path.exists());
    }
    options
}

/// Brotli and gzip level for responses made per request (pages, server functions, API).
const DYNAMIC_COMPRESSION_LEVEL: i32 = 4;

async fn serve(settings: Settings) -> Result<(), ServerError> {
    let conf = get_configuration(None).map_err(|e| ServerError::Config(e.to_string()))?;
    let leptos_options = with_fingerprints(conf.leptos_options);
    let addr = leptos_options.site_addr;

    tracing::info!(fingerprint = %settings.secret_key.fingerprint(), "secret key (every server on one database shows the same)");
    let db = app::db::connect(&settings.database_url).await?;
    // Servers started together on one database take turns at migrating and seeding; the one
    // that comes second finds the work done.
    let startup = app::db::startup_lock(&settings.database_url).await?;
    app::db::migrate(&db).await?;
    if settings.seed_demo {
        let started = std::time::Instant::now();
        let report = app::demo::province::seed_if_empty(&db).await?;
        if report.seeded {
            tracing::info!(units = report.units, members = report.members, elapsed = ?started.elapsed(), "demo province seeded");
        }
        let documents = app::demo::province::seed_documents_if_empty(&db).await?;
        if documents > 0 {
            tracing::info!(documents, "demo library loaded");
        }
        let started = std::time::Instant::now();
        let meetings = app::demo::meetings::seed_meetings_if_empty(&db, &settings.secret_key).await?;
        if meetings > 0 {
            tracing::info!(meetings, elapsed = ?started.elapsed(), "demo year of meetings seeded");
        }
        let comments = app::demo::consultations::seed_consultation_if_empty(&db).await?;
        if comments > 0 {
            tracing::info!(comments, "demo consultation on a draft opened");
        }
    }
    // Held on only while the demo's assistant still needs the search index to seed.
    let mut startup = Some(startup);
    if !settings.seed_demo
        && let Some(lock) = startup.take() {
            lock.release().await?;
        }
    let started = std::time::Instant::now();
    let (search, feed, opened) = app::documents::search::SearchIndex::open(&db, &settings.search_dir)
        .await
        .map_err(|e| ServerError::Config(format!("search index: {e}")))?;
    tracing::info!(documents = search.document_count(), how = ?opened, dir = %settings.search_dir.display(), elapsed = ?started.elapsed(), "search index open");
    if settings.seed_demo {
        let exchanges = app::demo::assistant::seed_assistant_if_empty(&db, &search).await?;
        if exchanges > 0 {
            tracing::info!(exchanges, "demo questions to the assistant seeded");
        }
    }
    if let Some(lock) = startup.take() {
        lock.release().await?;
    }
    // Both safe to start on every server at once: the VAPID key is inserted once and read back,
    // and each queued push is claimed by one server.
    spawn_push_delivery(db.clone(), settings.push.clone(), settings.secret_key.clone()).await?;
    spawn_housekeeping(db.clone());

    let search = Arc::new(search);
    spawn_search_follower(db.clone(), search.clone(), feed);
    if let Some(endpoint) = settings.embeddings.clone() {
        spawn_meaning_worker(db.clone(), endpoint);
    }
    let state = AppState {
        leptos_options: leptos_options.clone(),
        db,
        config: Arc::new(settings.app_config()),
        search,
        sections: Arc::new(app::documents::service::SectionCache::default()),
    };
    let routes = generate_route_list(App);
    let context_state = state.clone();
    let monitoring = monitoring::Monitoring::install(state.clone(), settings.metrics_from.clone()).map_err(ServerError::Config)?;
    let app = Router::new()
        .merge(monitoring.routes())
        .merge(api::routes())
        .merge(uploads::routes())
        .merge(pwa::routes(&leptos_options.site_root))
        .leptos_routes_with_context(
            &state,
            routes,
            move || {
                provide_context(context_state.clone());
                provide_context(app::state::RequestCache::default());
            },
            {
                let options = leptos_options.clone();
                move || shell(options.clone())
            },
        )
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(axum::middleware::from_fn(fn_status::typed_error_status))
        .layer(axum::middleware::from_fn(assets::cache_bundle))
        .layer(axum::middleware::from_fn_with_state(state.clone(), pwa::mark_session))
        .layer(axum::middleware::from_fn_with_state(state.clone(), headers::security_headers))
        .layer(axum::middleware::from_fn_with_state(render::RenderThreads::start()?, render::on_render_thread))
        .layer(axum::middleware::from_fn(monitoring::count_requests))
        .layer(tower_http::request_id::PropagateRequestIdLayer::x_request_id())
        .layer(
            tower_http::trace::TraceLayer::new_for_http()
                .make_span_with(monitoring::request_span)
                .on_response(tower_http::trace::DefaultOnResponse::new().level(tracing::Level::INFO)),
        )
        .layer(tower_http::request_id::SetRequestIdLayer::x_request_id(monitoring::RequestIds))
        .layer(axum::middleware::from_fn(monitoring::only_plain_request_ids))
        // Responses made per request are compressed at a fast level: brotli's default (quality
        // 11) takes ~190 ms of CPU for the Charter's 194 KB page; quality 4 gives 23 KB (19 KB at
        // 11, 21 KB at 5 for 60 % more CPU — on a busy evening the server's CPU is the scarce
        // part, 2 KB is 10 ms on slow 4G). A release build's static files come precompressed at the highest level
        // (`cargo leptos build --release --precompress`) and are served as they are.
        .layer(
            CompressionLayer::new()
                .quality(tower_http::CompressionLevel::Precise(DYNAMIC_COMPRESSION_LEVEL))
                // Lines of progress go out as they come: a compressor would hold them back.
                .compress_when(DefaultPredicate::new().and(NotForContentType::const_new("application/x-ndjson"))),
        )
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(panic_response))
        .with_state(state);

    // Without TCP_NODELAY each streamed response stalls ~40 ms on Nagle + delayed ACK.
    let listener = tokio::net::TcpListener::bind(&addr).await?.tap_io(|tcp| {
        if let Err(err) = tcp.set_nodelay(true) {
            tracing::warn!("set_nodelay: {err}");
        }
    });
    tracing::info!("Sổ tay đảng viên đang chạy tại http://{addr}");
    // A client sending its request slowly must not keep a stopping server for ever.
    tokio::spawn(async {
        shutdown_signal().await;
        tokio::time::sleep(SHUTDOWN_DEADLINE).await;
        tracing::warn!("dừng máy chủ: quá {} giây, các yêu cầu còn lại bị cắt", SHUTDOWN_DEADLINE.as_secs());
        std::process::exit(0);
    });
    axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    Ok(())
}

/// A bug must still answer in Vietnamese with a proper status, never drop the connection.
fn panic_response(_: Box<dyn std::any::Any + Send + 'static>) -> axum::response::Response {
    use axum::response::IntoResponse;
    tracing::error!("a request handler panicked");
    let body = format!(
        "<!DOCTYPE html><html lang=\"vi\"><meta charset=\"utf-8\"><title>Lỗi hệ thống</title><p>{}</p><p><a href=\"/\">Về trang chủ</a></p></html>",
        app::error::AppError::Internal
    );
    (axum::http::StatusCode::INTERNAL_SERVER_ERROR, [(axum::http::header::CONTENT_TYPE, "text/html; charset=utf-8")], body).into_response()
}

/// How long a stopping server waits for the requests under way.
const SHUTDOWN_DEADLINE: std::time::Duration = std::time::Duration::from_secs(30);

/// Ctrl-C or SIGTERM (what service managers and container runtimes send): the server stops
/// taking connections and finishes the requests under way before it exits.
async fn shutdown_signal() {
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::warn!(%error, "SIGTERM cannot be caught; only Ctrl-C stops the server gracefully");
                std::future::pending::<()>().await;
            }
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        () = terminate => {}
    }
    tracing::info!("dừng máy chủ: hoàn tất các yêu cầu đang xử lý");
}
