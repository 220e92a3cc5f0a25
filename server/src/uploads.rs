//! File uploads and downloads: attachments (PDF, images) and importing a .docx/.html/.txt/.md
//! file as a new draft. Plain multipart forms, so they work before the page's script has loaded;
//! a browser gets a redirect back to the page, other clients get JSON.

use app::documents::attachments::{self, MAX_BYTES};
use app::documents::authoring;
use app::documents::import::{file_to_text, read_letterhead};
use app::documents::DOC_TYPES;
use app::auth::service::{Action, authorize};
use app::common::rate_limit::{self, Limit};
use app::error::{AppError, OrInternal};
use app::members::import as member_import;
use app::units::service::find_unit;
use app::state::AppState;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::header;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};

use crate::api::{ApiError, api_user};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/documents/{id}/attachments", post(upload_attachment))
        .route("/api/v1/documents/import", post(import_file))
        .layer(DefaultBodyLimit::max(MAX_BYTES + 1024 * 1024))
        .route("/tep/{id}", get(download))
        .merge(
            Router::new()
                .route("/api/v1/members/import", post(import_members))
                .layer(DefaultBodyLimit::max(member_import::MAX_FILE_BYTES + 1024 * 1024))
                .route("/api/v1/members/import/mau.xlsx", get(import_template)),
        )
}

fn wants_html(parts: &Parts) -> bool {
    parts.headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains("text/html"))
}

/// Back to `page` with the outcome in the query string (the page shows it), or JSON.
fn reply(parts: &Parts, page: &str, result: Result<serde_json::Value, AppError>) -> Response {
    match (wants_html(parts), result) {
        (true, Ok(_)) => Redirect::to(&format!("{page}?tep=da-luu")).into_response(),
        (true, Err(e)) => {
            let message: String = form_urlencoded_component(&e.field_message("file").unwrap_or_else(|| e.to_string()));
            Redirect::to(&format!("{page}?loi-tep={message}")).into_response()
        }
        (false, Ok(v)) => Json(v).into_response(),
        (false, Err(e)) => ApiError::from(e).into_response(),
    }
}

/// What RFC 5987 lets a header's `filename*` keep as it is (letters, digits, `-._~`); the rest,
/// spaces and Vietnamese letters included, is percent-encoded UTF-8.
const RFC5987_ATTR: &percent_encoding::AsciiSet =
    &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

fn form_urlencoded_component(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// The fields of a multipart form: (name, file name, bytes).
async fn fields(mut form: Multipart) -> Result<Vec<(String, String, Vec<u8>)>, AppError> {
    let mut out = Vec::new();
    loop {
        let field = match form.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) => {
                return Err(AppError::invalid("file", if e.status().as_u16() == 413 {
                    format!("Tệp quá lớn (tối đa {} MB).", MAX_BYTES / 1024 / 1024)
                } else {
                    "Không nhận được tệp, vui lòng thử lại.".to_string()
                }));
            }
        };
        let name = field.name().unwrap_or_default().to_string();
        let file_name = field.file_name().unwrap_or_default().to_string();
        let bytes = field.bytes().await.map_err(|_| AppError::invalid("file", "Không nhận được tệp, vui lòng thử lại."))?;
        out.push((name, file_name, bytes.to_vec()));
    }
    Ok(out)
}

fn file_field(fields: &[(String, String, Vec<u8>)]) -> Result<(&str, &[u8]), AppError> {
    fields
        .iter()
        .find(|(name, file, bytes)| name == "file" && !file.is_empty() && !bytes.is_empty())
        .map(|(_, file, bytes)| (file.as_str(), bytes.as_slice()))
        .ok_or_else(|| AppError::invalid("file", "Vui lòng chọn tệp."))
}

/// `POST /api/v1/documents/{id}/attachments` (multipart, field `file`).
async fn upload_attachment(State(state): State<AppState>, Path(id): Path<i64>, parts: Parts, form: Multipart) -> Response {
    let result = async {
        let user = api_user(&state, &parts).await?;
        // Who may upload is settled before a byte of the body is read.
        attachments::may_attach(&state.db, &user, id).await?;
        let fields = fields(form).await?;
        let (file_name, bytes) = file_field(&fields)?;
        let info = attachments::store(&state.db, &state.config.files_dir, &user, id, file_name, bytes).await?;
        Ok(serde_json::json!({ "attachment": info }))
    }
    .await
    .map_err(|e: ApiErrorOrApp| e.0);
    reply(&parts, &format!("/tai-lieu/{id}/sua"), result)
}

/// `POST /api/v1/documents/import` (multipart: `file`, optional `owner_unit_id`): a new draft
/// from a .docx/.html/.txt/.md file, its number, type, date and title read from the letterhead.
async fn import_file(State(state): State<AppState>, parts: Parts, form: Multipart) -> Response {
    let result: Result<i64, ApiErrorOrApp> = async {
        let user = api_user(&state, &parts).await?;
        // Who may import is settled before a byte of the body is read or unpacked.
        if user.committee_scopes().is_empty() {
            return Err(AppError::Forbidden("Chỉ cấp ủy và quản trị viên mới soạn tài liệu.".into()).into());
        }
        let fields = fields(form).await?;
        let (file_name, bytes) = file_field(&fields)?;
        // Unpacking and cleaning are CPU work: off the async workers, so other requests go on.
        let (name, data) = (file_name.to_string(), bytes.to_vec());
        let text = tokio::task::spawn_blocking(move || file_to_text(&name, &data))
            .await
            .or_internal()?
            .map_err(|reason| AppError::invalid("file", format!("Không đọc được tệp: {reason}.")))?;
        let owner = fields
            .iter()
            .find(|(name, _, _)| name == "owner_unit_id")
            .and_then(|(_, _, v)| std::str::from_utf8(v).ok()?.trim().parse::<i64>().ok())
            .or_else(|| user.committee_scopes().first().copied())
            .ok_or_else(|| AppError::Forbidden("Chỉ cấp ủy và quản trị viên mới soạn tài liệu.".into()))?;
        // Addressed to the chosen owner's subtree, as the editor starts a draft of that unit.
        let mut draft = authoring::new_draft(&state.db, owner).await?;
        let head = read_letterhead(&text);
        let stem = std::path::Path::new(file_name).file_stem().map(|s| s.to_string_lossy().replace(['-', '_'], " ")).unwrap_or_default();
        draft.title = if head.title.chars().count() >= 5 { head.title } else { stem };
        draft.number = head.number;
        if DOC_TYPES.iter().any(|(c, _)| *c == head.doc_type) {
            draft.doc_type = head.doc_type;
        }
        draft.issued_on = head.issued_on.map(app::validate::format_date).unwrap_or_default();
        draft.text = text;
        draft.change_note = format!("Nhập từ tệp {file_name}");
        Ok(authoring::save(&state.db, &state.search, &user, &draft).await?)
    }
    .await;
    match (wants_html(&parts), result) {
        (true, Ok(id)) => Redirect::to(&format!("/tai-lieu/{id}/sua")).into_response(),
        (false, Ok(id)) => Json(serde_json::json!({ "document_id": id })).into_response(),
        (_, Err(e)) => reply(&parts, "/tai-lieu/moi", Err(e.0)),
    }
}

/// Spreadsheets of members one member may send per ten minutes (a few sheets, each checked
/// first and then imported): each is up to 20 MB and 200,000 rows of work.
const MEMBER_IMPORTS: Limit = Limit { name: "member-import", calls: 20, window_secs: 600, what: "lần nhập danh sách" };

/// `POST /api/v1/members/import` (multipart: `unit_id`, `mode` = `kiem-tra` | `nhap`, `file`): a
/// spreadsheet of units and members into that unit's subtree, all or nothing (README "Moving a
/// province in"). Answers the report as JSON, also for a dry run and for refused rows.
async fn import_members(State(state): State<AppState>, parts: Parts, form: Multipart) -> Response {
    type Ready = (app::db::entities::unit::Model, Vec<(usize, Vec<String>)>, bool);
    let result: Result<Ready, ApiErrorOrApp> = async {
        let user = api_user(&state, &parts).await?;
        // Who may import at all, and how often, is settled before a byte of the body is read.
        if !user.manages_members() {
            return Err(AppError::Forbidden("Chỉ quản trị viên phụ trách đơn vị mới nhập danh sách đảng viên.".into()).into());
        }
        rate_limit::hit(&state.db, &MEMBER_IMPORTS, user.member_id).await?;
        let fields = fields(form).await?;
        let text = |name: &str| {
            fields.iter().find(|(n, _, _)| n == name).and_then(|(_, _, v)| std::str::from_utf8(v).ok()).map(str::trim).unwrap_or("")
        };
        let unit_id: i64 = text("unit_id").parse().map_err(|_| AppError::invalid("unit", "Vui lòng chọn đơn vị nhận danh sách."))?;
        authorize(&state.db, &user, Action::ManageMembers(unit_id)).await?;
        let root = find_unit(&state.db, unit_id).await?;
        let dry_run = text("mode") != "nhap";
        let (file_name, bytes) = file_field(&fields)?;
        // Unzipping and parsing are CPU work: off the async workers, so other requests go on.
        let (name, data) = (file_name.to_string(), bytes.to_vec());
        let rows = tokio::task::spawn_blocking(move || member_import::read_rows(&name, &data)).await.or_internal()??;
        Ok((root, rows, dry_run))
    }
    .await;
    let (root, rows, dry_run) = match result {
        Ok(ready) => ready,
        Err(e) => return ApiError::from(e.0).into_response(),
    };
    if streams(&parts) {
        return import_streaming(state, root, rows, dry_run);
    }
    match member_import::import(&state.db, &root, rows, dry_run, |_, _| {}).await {
        Ok(report) => Json(report).into_response(),
        Err(e) => ApiError::from(e).into_response(),
    }
}

/// Whether the client asked for the import's progress line by line (`Accept: application/x-ndjson`).
fn streams(parts: &Parts) -> bool {
    parts.headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains("application/x-ndjson"))
}

/// The import with its progress as it goes: one JSON line `{"progress":[done,total]}` at a time
/// (rows checked, then rows written: a province takes seconds, the page shows them), then
/// `{"report":…}` or `{"error":{"kind":…,"message":…}}`. The import runs to its end (all or
/// nothing) even if the page goes away meanwhile.
fn import_streaming(state: AppState, root: app::db::entities::unit::Model, rows: Vec<(usize, Vec<String>)>, dry_run: bool) -> Response {
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel::<String>();
    let line = |value: serde_json::Value| format!("{value}\n");
    let progress_tx = tx.clone();
    let work = tokio::spawn(async move {
        // One line per percent at most, however many rows report.
        let mut last_percent = None;
        member_import::import(&state.db, &root, rows, dry_run, move |done, total| {
            let percent = done * 100 / total.max(1);
            if last_percent != Some(percent) {
                last_percent = Some(percent);
                let _ = progress_tx.send(line(serde_json::json!({ "progress": [done, total] })));
            }
        })
        .await
    });
    // The last line, whatever became of the import (a panic included: the page is told).
    tokio::spawn(async move {
        let outcome = work.await.unwrap_or_else(|e| Err(AppError::internal(e)));
        let last = match outcome {
            Ok(report) => serde_json::json!({ "report": report }),
            Err(e) => serde_json::json!({ "error": { "kind": e, "message": e.to_string() } }),
        };
        let _ = tx.send(line(last));
    });
    let mut rx = rx;
    // Ends (and keeps answering that it has ended) once the import's task has sent its last line.
    let lines = futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx).map(|line| line.map(Ok::<_, std::convert::Infallible>)));
    (
        [
            (header::CONTENT_TYPE, "application/x-ndjson; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
            // nginx passes each line on as it comes instead of holding the answer back.
            (header::HeaderName::from_static("x-accel-buffering"), "no"),
        ],
        axum::body::Body::from_stream(lines),
    )
        .into_response()
}

/// `GET /api/v1/members/import/mau.xlsx`: the import page's template.
async fn import_template(State(state): State<AppState>, parts: Parts) -> Result<Response, ApiError> {
    let user = api_user(&state, &parts).await?;
    if !user.manages_members() {
        return Err(AppError::Forbidden("Chỉ quản trị viên phụ trách đơn vị mới nhập danh sách đảng viên.".into()).into());
    }
    let bytes = tokio::task::spawn_blocking(member_import::template_xlsx).await.or_internal()??;
    Ok((
        [
            (header::CONTENT_TYPE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            (header::CONTENT_DISPOSITION, "attachment; filename=\"mau-danh-sach-dang-vien.xlsx\""),
        ],
        bytes,
    )
        .into_response())
}

/// `GET /tep/{id}`: the attachment, for readers allowed to see its document.
async fn download(State(state): State<AppState>, Path(id): Path<i64>, parts: Parts) -> Result<Response, ApiError> {
    let user = api_user(&state, &parts).await?;
    let (row, bytes) = attachments::open(&state.db, &state.config.files_dir, &user, id).await?;
    let disposition = format!("inline; filename*=UTF-8''{}", percent_encoding::utf8_percent_encode(&row.file_name, RFC5987_ATTR));
    Ok((
        [
            (header::CONTENT_TYPE, row.content_type),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, "private, max-age=3600".to_string()),
            (header::HeaderName::from_static("x-content-type-options"), "nosniff".to_string()),
        ],
        bytes,
    )
        .into_response())
}

/// Lets `?` turn both error kinds into an `AppError` inside the handlers.
struct ApiErrorOrApp(AppError);

impl From<AppError> for ApiErrorOrApp {
    fn from(e: AppError) -> Self {
        ApiErrorOrApp(e)
    }
}

impl From<ApiError> for ApiErrorOrApp {
    fn from(e: ApiError) -> Self {
        ApiErrorOrApp(e.0)
    }
}
