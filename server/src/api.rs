//! `/api/v1`: the JSON endpoints native clients and integrations use. Same sessions (cookie or
//! `Authorization: Bearer <token>`) and the same visibility rules as the pages.

use app::auth::service::{PendingChange, signed_in};
use app::documents::{SearchFilters, SearchHit};
use app::error::{AppError, OrInternal};
use app::state::{AppState, meta_from_parts};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/search", get(search))
        .route("/api/v1/reading-report.csv", get(|s, p, q| download(Format::Csv, reading_report(s, p, q))))
        .route("/api/v1/reading-report.xlsx", get(|s, p, q| download(Format::Xlsx, reading_report(s, p, q))))
        .route("/api/v1/meetings-report.csv", get(|s, p, q| download(Format::Csv, meetings_report(s, p, q))))
        .route("/api/v1/meetings-report.xlsx", get(|s, p, q| download(Format::Xlsx, meetings_report(s, p, q))))
        .route("/api/v1/questions-report.csv", get(|s, p, q| download(Format::Csv, questions_report(s, p, q))))
        .route("/api/v1/questions-report.xlsx", get(|s, p, q| download(Format::Xlsx, questions_report(s, p, q))))
        .route("/api/v1/consultation-comments.csv", get(|s, p, q| download(Format::Csv, consultation_comments(s, p, q))))
        .route("/api/v1/consultation-comments.xlsx", get(|s, p, q| download(Format::Xlsx, consultation_comments(s, p, q))))
        .route("/api/v1/members/export.csv", get(|s, p, q| download(Format::Csv, member_list(s, p, q))))
        .route("/api/v1/members/export.xlsx", get(|s, p, q| download(Format::Xlsx, member_list(s, p, q))))
        .route(
            "/api/v1/activation-codes.xlsx",
            post(|s, p, f| download(Format::Xlsx, activation_codes(s, p, f))).layer(axum::extract::DefaultBodyLimit::max(ACTIVATION_CODES_BODY)),
        )
        .route("/api/v1/offline-pages", get(offline_pages))
        .route("/api/v1/sync", post(sync))
        .route("/api/v1/ask", post(ask))
        .route("/api/v1/tts", post(tts_post).get(tts_get))
}

#[derive(Debug, Deserialize)]
pub struct AskRequest {
    question: String,
    /// Made by the device so a resend is one question; one is made when absent.
    client_id: Option<String>,
    #[serde(default)]
    by_voice: bool,
}

#[derive(Debug, Serialize)]
pub struct AskResponse {
    /// The exchange in the member's history (for rating it).
    id: i64,
    #[serde(flatten)]
    answer: app::assistant::Answer,
}

/// `POST /api/v1/ask` with `{question}` → the answer text, each quoted sentence with its
/// citation (document id, article anchor, quoted text) and the ranked candidates; answered
/// from the documents this user may read, like the assistant page.
async fn ask(
    State(state): State<AppState>,
    parts: Parts,
    body: Result<Json<AskRequest>, axum::extract::rejection::JsonRejection>,
) -> Result<Json<AskResponse>, ApiError> {
    let user = api_user(&state, &parts).await?;
    let Json(request) = body.map_err(|_| AppError::invalid("question", "Dữ liệu gửi lên không đúng định dạng: cần {\"question\": \"…\"}."))?;
    let client_id = request.client_id.unwrap_or_else(app::common::client_id::new);
    let exchange = app::assistant::service::ask(
        &state.db,
        &state.search,
        state.config.embeddings.as_ref(),
        state.config.assistant_llm.as_ref(),
        &user,
        &request.question,
        &client_id,
        request.by_voice,
    )
    .await?;
    Ok(Json(AskResponse { id: exchange.id, answer: exchange.answer }))
}

#[derive(Debug, Deserialize)]
pub struct SpeechRequest {
    text: String,
}

/// `POST /api/v1/tts` with `{text}` (or `GET ?text=`) → WAV of the text read by the server's
/// Vietnamese voice, for devices without one; `x-sotay-speech: cached` when it was made before.
/// Each member may ask for `speech::SPEECH_LIMIT` texts in its window (429 beyond).
async fn tts_post(
    State(state): State<AppState>,
    parts: Parts,
    body: Result<Json<SpeechRequest>, axum::extract::rejection::JsonRejection>,
) -> Result<Response, ApiError> {
    let Json(request) = body.map_err(|_| AppError::invalid("text", "Dữ liệu gửi lên không đúng định dạng: cần {\"text\": \"…\"}."))?;
    speech(&state, &parts, &request.text).await
}

async fn tts_get(State(state): State<AppState>, parts: Parts, Query(request): Query<SpeechRequest>) -> Result<Response, ApiError> {
    speech(&state, &parts, &request.text).await
}

async fn speech(state: &AppState, parts: &Parts, text: &str) -> Result<Response, ApiError> {
    use app::assistant::speech;
    let user = api_user(state, parts).await?;
    let heard = speech::speak(&state.db, &user, &state.config.files_dir.join("tts"), speech::DEFAULT_CACHE_BYTES, text).await?;
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, "audio/wav"),
            (axum::http::header::CACHE_CONTROL, "private, max-age=86400"),
            (axum::http::HeaderName::from_static("x-sotay-speech"), if heard.cached { "cached" } else { "made" }),
        ],
        heard.wav,
    )
        .into_response())
}

/// `GET /api/v1/offline-pages`: the pages this member's device should keep for offline reading
/// and the room it may use (the service worker asks after each sign-in and page open).
async fn offline_pages(State(state): State<AppState>, parts: Parts) -> Result<Json<app::offline::OfflinePlan>, ApiError> {
    let user = api_user(&state, &parts).await?;
    let budget = state.config.offline_budget_mb * 1024 * 1024;
    Ok(Json(app::offline::service::plan(&state.db, &user, budget).await?))
}

/// `POST /api/v1/sync` with `{writes: [...]}`: writes queued on a device without a connection,
/// applied in order, each once; one answer per write.
async fn sync(
    State(state): State<AppState>,
    parts: Parts,
    body: Result<Json<app::offline::SyncRequest>, axum::extract::rejection::JsonRejection>,
) -> Result<Json<app::offline::SyncResponse>, ApiError> {
    let user = api_user(&state, &parts).await?;
    let Json(request) = body.map_err(|_| AppError::invalid("writes", "Dữ liệu gửi lên không đúng định dạng."))?;
    Ok(Json(app::offline::service::sync(&state.db, state.config.reading_pace, &user, &request.writes).await?))
}

/// The logged-in user behind a cookie or bearer token.
pub async fn api_user(state: &AppState, parts: &Parts) -> Result<app::auth::SessionUser, ApiError> {
    let meta = meta_from_parts(parts, &state.config);
    Ok(signed_in(&state.db, meta.session_token.as_deref(), PendingChange::Refuse).await?)
}

#[derive(Debug, Deserialize)]
pub struct ReportParams {
    assignment: i64,
    unit: Option<i64>,
}

/// A report as spreadsheet tables, and the downloaded file's name without its extension.
type Report = (String, Vec<app::spreadsheet::Sheet>);

/// The two forms every report downloads in.
#[derive(Debug, Clone, Copy)]
enum Format {
    /// UTF-8 with a byte-order mark (Excel needs it for Vietnamese letters), tables one under another.
    Csv,
    /// One sheet per table, numbers as numbers.
    Xlsx,
}

/// The one way a report leaves as a file.
async fn download(format: Format, report: impl std::future::Future<Output = Result<Report, ApiError>>) -> Result<Response, ApiError> {
    use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
    let (name, sheets) = report.await?;
    let (kind, extension, body) = match format {
        // A province's member list is tens of thousands of rows: written off the async workers.
        Format::Csv => ("text/csv; charset=utf-8", "csv", tokio::task::spawn_blocking(move || app::spreadsheet::csv(&sheets).into_bytes()).await.or_internal()?),
        Format::Xlsx => (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
            tokio::task::spawn_blocking(move || app::spreadsheet::workbook(&sheets)).await.or_internal()?.or_internal()?,
        ),
    };
    Ok(([(CONTENT_TYPE, kind.to_string()), (CONTENT_DISPOSITION, format!("attachment; filename=\"{name}.{extension}\""))], body).into_response())
}

/// `GET /api/v1/reading-report.{csv,xlsx}?assignment=…&unit=…`: the reading report page.
async fn reading_report(State(state): State<AppState>, parts: Parts, Query(params): Query<ReportParams>) -> Result<Report, ApiError> {
    let user = api_user(&state, &parts).await?;
    let report = app::reading::service::report(&state.db, &user, params.assignment, params.unit).await?;
    Ok((format!("bao-cao-doc-{}-{}", report.assignment_id, report.unit.id), app::reading::export::sheets(&report)))
}

#[derive(Debug, Deserialize)]
pub struct MeetingsReportParams {
    unit: Option<i64>,
    ky: Option<String>,
}

/// `GET /api/v1/meetings-report.{csv,xlsx}?unit=…&ky=2026|2026-Q3|2026-11`: the whole meetings
/// report (every cell, not just a page's worth).
async fn meetings_report(State(state): State<AppState>, parts: Parts, Query(params): Query<MeetingsReportParams>) -> Result<Report, ApiError> {
    use app::common::report::{default_unit, period_or_default};
    use app::meetings::report::service;
    let user = api_user(&state, &parts).await?;
    let period = period_or_default(params.ky.as_deref())?;
    let unit = params.unit.unwrap_or_else(|| default_unit(&user));
    let report = service::report(&state.db, &user, unit, period, None).await?;
    Ok((format!("bao-cao-sinh-hoat-{}-{}", report.unit.id, report.period.code()), service::sheets(&report)))
}

#[derive(Debug, Deserialize)]
pub struct UnitParams {
    unit: Option<i64>,
}

/// `GET /api/v1/members/export.{xlsx,csv}?unit=…`: the members in office of a unit the user may
/// list, in the import's columns (the user's widest unit when none is named).
async fn member_list(State(state): State<AppState>, parts: Parts, Query(params): Query<UnitParams>) -> Result<Report, ApiError> {
    let user = api_user(&state, &parts).await?;
    let unit = params.unit.unwrap_or_else(|| app::common::report::default_unit(&user));
    Ok(app::members::export::member_list(&state.db, &user, unit).await?)
}

/// A posted round of codes: the sealed text of at most a thousand codes.
const ACTIVATION_CODES_BODY: usize = 256 * 1024;

#[derive(Debug, Deserialize)]
pub struct ActivationCodesForm {
    unit: i64,
    sheet: String,
}

/// `POST /api/v1/activation-codes.xlsx` (form: `unit`, `sheet` = the sealed round the issuing
/// call returned): the codes the page just showed, as a workbook. Posted back by the page
/// because the server keeps no code.
async fn activation_codes(
    State(state): State<AppState>,
    parts: Parts,
    form: Result<axum::Form<ActivationCodesForm>, axum::extract::rejection::FormRejection>,
) -> Result<Report, ApiError> {
    let user = api_user(&state, &parts).await?;
    let axum::Form(form) = form.map_err(|_| AppError::invalid("sheet", "Dữ liệu gửi lên không đúng định dạng."))?;
    Ok(app::members::activation::code_sheet(&state.db, &state.config.secret_key, &user, form.unit, &form.sheet).await?)
}

/// `GET /api/v1/questions-report.{csv,xlsx}?unit=…&ky=…`: the question report.
async fn questions_report(State(state): State<AppState>, parts: Parts, Query(params): Query<MeetingsReportParams>) -> Result<Report, ApiError> {
    use app::common::report::{default_unit, period_or_default};
    let user = api_user(&state, &parts).await?;
    let period = period_or_default(params.ky.as_deref())?;
    let unit = params.unit.unwrap_or_else(|| default_unit(&user));
    let report = app::questions::service::report(&state.db, &user, unit, period).await?;
    Ok((format!("bao-cao-hoi-dap-{}-{}", report.unit.id, report.period_code), app::questions::service::sheets(&report)))
}

#[derive(Debug, Deserialize)]
pub struct ConsultationParams {
    id: i64,
}

/// `GET /api/v1/consultation-comments.{csv,xlsx}?id=…`: every comment on the draft, grouped by
/// article, for the asking committee.
async fn consultation_comments(State(state): State<AppState>, parts: Parts, Query(params): Query<ConsultationParams>) -> Result<Report, ApiError> {
    let user = api_user(&state, &parts).await?;
    let digest = app::consultations::service::digest(&state.db, &user, params.id).await?;
    Ok((format!("gop-y-du-thao-{}", params.id), app::consultations::service::sheets(&digest)))
}

#[derive(Debug, Deserialize)]
pub struct SearchParams {
    /// Part of the issuing body's name, with or without diacritics.
    issuer: Option<String>,
    #[serde(default)]
    q: String,
    limit: Option<usize>,
    #[serde(rename = "type")]
    doc_type: Option<String>,
    level: Option<String>,
    status: Option<String>,
    year: Option<i32>,
}

#[derive(Debug, Serialize)]
pub struct SearchResponse {
    query: String,
    hits: Vec<SearchHit>,
}

/// A typed error body: `{"error": {"kind": …, "message": "…"}}` with the matching status.
pub struct ApiError(pub AppError);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.0.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = serde_json::json!({ "error": { "kind": self.0, "message": self.0.to_string() } });
        let mut response = (status, Json(body)).into_response();
        // A refusal by a limit says when to come back, so a client need not guess.
        if let Some(secs) = self.0.retry_after_secs() {
            response.headers_mut().insert(axum::http::header::RETRY_AFTER, axum::http::HeaderValue::from(secs));
        }
        response
    }
}

impl From<AppError> for ApiError {
    fn from(err: AppError) -> Self {
        ApiError(err)
    }
}

/// `GET /api/v1/search?q=…&limit=…` → ranked hits with document id, article anchor, score and
/// snippet. Optional filters: `type`, `level`, `status`, `year`.
async fn search(State(state): State<AppState>, parts: Parts, Query(params): Query<SearchParams>) -> Result<Json<SearchResponse>, ApiError> {
    let user = api_user(&state, &parts).await?;
    let q = params.q.trim().to_string();
    if q.is_empty() {
        return Err(AppError::invalid("q", "Vui lòng nhập từ khóa tìm kiếm.").into());
    }
    if q.chars().count() > app::documents::MAX_QUERY_CHARS {
        return Err(AppError::invalid("q", format!("Câu tìm kiếm quá dài (tối đa {} ký tự).", app::documents::MAX_QUERY_CHARS)).into());
    }
    if params.issuer.as_ref().is_some_and(|i| i.chars().count() > 100) {
        return Err(AppError::invalid("issuer", "Tên cơ quan ban hành quá dài (tối đa 100 ký tự).").into());
    }
    // Counted once the request is known to be well formed, before the engine does any work.
    app::common::rate_limit::hit(&state.db, &app::common::rate_limit::SEARCH_LIMIT, user.member_id).await?;
    let limit = params.limit.unwrap_or(10).clamp(1, 50);
    let filters = SearchFilters {
        q: q.clone(),
        doc_type: params.doc_type,
        level: params.level,
        status: params.status,
        year: params.year,
        issuer: params.issuer.filter(|i| !i.trim().is_empty()),
    };
    let visible = app::documents::service::visibility(&state.db, &user).await?;
    let hits = app::documents::service::search_hits(&state.db, &state.search, state.config.embeddings.as_ref(), &filters, &visible, limit).await?;
    Ok(Json(SearchResponse { query: q, hits }))
}
