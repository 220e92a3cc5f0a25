//! A server function that cannot read its arguments (one missing, or not of its type) answers
//! before its body runs, with the typed error but status 500. The error says what it is: give
//! the answer that error's own status (422 for a malformed request), so a client's mistake never
//! looks like a server fault to clients, proxies or monitoring.

use app::error::AppError;
use axum::body::Body;
use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Typed error answers are a few hundred bytes.
const MAX_ERROR_BYTES: usize = 64 * 1024;

pub async fn typed_error_status(request: Request, next: Next) -> Response {
    let server_fn = request.uri().path().starts_with("/api/") && !request.uri().path().starts_with("/api/v1/");
    let response = next.run(request).await;
    if !server_fn || response.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let bytes = match axum::body::to_bytes(body, MAX_ERROR_BYTES).await {
        Ok(bytes) => bytes,
        Err(e) => {
            tracing::error!(error = %e, "reading a server function's error answer");
            return (StatusCode::INTERNAL_SERVER_ERROR, AppError::Internal.to_string()).into_response();
        }
    };
    if let Ok(error) = serde_json::from_slice::<AppError>(&bytes) {
        parts.status = StatusCode::from_u16(error.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    }
    Response::from_parts(parts, Body::from(bytes))
}
