//! Security headers on every response: what the page may load and run, that no other site may
//! frame it, how much of an address goes to other sites, that no shared cache keeps a page, and
//! (over HTTPS) that browsers must keep to HTTPS.

use app::state::AppState;
use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

/// Scripts: the bundle and Leptos' inline hydration bootstrap (`'unsafe-inline'`; a per-response
/// nonce would be stricter — see README, Security), WebAssembly compiled from it. Everything
/// else only from this server; never framed, no plugins, forms only back to this server.
const CSP: &str = "default-src 'self'; script-src 'self' 'unsafe-inline' 'wasm-unsafe-eval'; \
style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; media-src 'self' blob: data:; \
connect-src 'self'; worker-src 'self'; manifest-src 'self'; font-src 'self'; object-src 'none'; \
base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

pub async fn security_headers(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let (parts, body) = request.into_parts();
    let https = app::state::meta_from_parts(&parts, &state.config).https;
    let mut response = next.run(Request::from_parts(parts, body)).await;
    let headers = response.headers_mut();
    let page = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| v.starts_with("text/html"));
    let mut set = |name: HeaderName, value: &'static str| {
        if !headers.contains_key(&name) {
            headers.insert(name, HeaderValue::from_static(value));
        }
    };
    set(header::CONTENT_SECURITY_POLICY, CSP);
    set(header::X_FRAME_OPTIONS, "DENY");
    set(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(header::REFERRER_POLICY, "same-origin");
    // The assistant listens through the microphone; nothing else may be asked for.
    set(HeaderName::from_static("permissions-policy"), "microphone=(self), camera=(), geolocation=(), payment=(), usb=()");
    // A page carries its reader's own data (name, cell, private notes on a document): no shared
    // cache may keep it, and the browser asks again each time (the worker keeps its own copy
    // per session for offline use).
    if page {
        set(header::CACHE_CONTROL, "private, no-cache");
    }
    if https {
        set(header::STRICT_TRANSPORT_SECURITY, "max-age=31536000");
    }
    response
}
