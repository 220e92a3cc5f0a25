//! `/sw.js` stamped with the build being served: the worker's bytes change whenever the app's
//! bundle does, which is how browsers learn there is a new version (and the page offers
//! "tải lại"). The stamp — fingerprint and the bundle's file list, which the worker keeps for
//! offline use — is worked out per request, so replacing the bundle under a running server is
//! noticed too. The queue of offline writes is the app's own module, inlined.
//!
//! Also marks every answer to a signed-in browser with an opaque session key, so the worker
//! keeps pages per session and drops them when the session changes or ends.

use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use app::state::AppState;
use axum::Router;
use axum::http::header;
use axum::routing::get;
use sha2::{Digest, Sha256};

/// The placeholders in `public/sw.js`: the shell cache's name, the bundle's files, the outbox.
const PLACEHOLDER: &str = "sotay-shell-dev";
const ASSETS_PLACEHOLDER: &str = "[] /*__ASSETS__*/";
const OUTBOX_PLACEHOLDER: &str = "/*__OUTBOX__*/";
/// The queue of offline writes, shared with the pages (where it is an ES module).
const OUTBOX_JS: &str = include_str!("../../app/src/offline/outbox.js");
/// The header naming the session a page belongs to (never the session token itself).
pub const SESSION_HEADER: &str = "x-sotay-session";

/// A short fingerprint of the bundle (`pkg/`): names, sizes and modification times — cheap enough
/// for every request, different for every build.
fn bundle_version(pkg: &Path) -> std::io::Result<String> {
    let mut files: Vec<_> = std::fs::read_dir(pkg)?.filter_map(Result::ok).collect();
    files.sort_by_key(|e| e.file_name());
    let mut hash = Sha256::new();
    for entry in files {
        let meta = entry.metadata()?;
        let modified = meta.modified()?.duration_since(UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or_default();
        hash.update(entry.file_name().as_encoded_bytes());
        hash.update(meta.len().to_le_bytes());
        hash.update(modified.to_le_bytes());
    }
    Ok(hex::encode(&hash.finalize()[..6]))
}

/// Every file of the bundle as the URL the pages load it by, for the worker to keep.
fn bundle_files(pkg: &Path) -> Vec<String> {
    fn walk(dir: &Path, prefix: &str, out: &mut Vec<String>) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for entry in entries.filter_map(Result::ok) {
            let name = entry.file_name().to_string_lossy().into_owned();
            let url = format!("{prefix}/{name}");
            match entry.file_type() {
                Ok(t) if t.is_dir() => walk(&entry.path(), &url, out),
                // Never loaded by name: type declarations, and the precompressed copies the
                // server answers with for the plain name.
                Ok(_) if [".d.ts", ".br", ".gz"].iter().any(|ext| name.ends_with(ext)) => {}
                Ok(_) => out.push(url),
                Err(_) => {}
            }
        }
    }
    let mut out = Vec::new();
    walk(pkg, "/pkg", &mut out);
    out.sort();
    out
}

/// The outbox module as a classic script: the worker is not an ES module (not every browser
/// that installs the app runs module workers).
fn outbox_for_worker() -> String {
    OUTBOX_JS.replace("export async function", "async function").replace("export function", "function")
}

/// The worker as served now.
fn stamped_worker(template: &str, pkg: &Path) -> String {
    let version = bundle_version(pkg).unwrap_or_else(|_| "dev".into());
    let assets = serde_json::to_string(&bundle_files(pkg)).unwrap_or_else(|_| "[]".into());
    template
        .replace(PLACEHOLDER, &format!("sotay-shell-{version}"))
        .replace(ASSETS_PLACEHOLDER, &assets)
        .replace(OUTBOX_PLACEHOLDER, &outbox_for_worker())
}

/// An opaque key for the session in the request's cookie: the same for every page of one
/// session, different for the next; nothing can be learnt from it about the token.
fn session_key(token: &str) -> String {
    let digest = Sha256::new().chain_update(b"sotay-device-pages:").chain_update(token.as_bytes()).finalize();
    hex::encode(&digest[..8])
}

/// Adds the session key to every answer of a signed-in request.
pub async fn mark_session(
    axum::extract::State(state): axum::extract::State<AppState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let (parts, body) = request.into_parts();
    let key = app::state::meta_from_parts(&parts, &state.config).session_token.map(|t| session_key(&t));
    let mut response = next.run(axum::extract::Request::from_parts(parts, body)).await;
    if let Some(value) = key.and_then(|k| header::HeaderValue::from_str(&k).ok()) {
        response.headers_mut().insert(SESSION_HEADER, value);
    }
    response
}

/// The route serving the stamped worker, or none when the site has not been built (then the
/// static files answer as before).
pub fn routes(site_root: &str) -> Router<AppState> {
    let root = Path::new(site_root);
    let template = match std::fs::read_to_string(root.join("sw.js")) {
        Ok(body) => body,
        Err(e) => {
            tracing::warn!(error = %e, "no service worker to serve");
            return Router::new();
        }
    };
    let pkg: PathBuf = root.join("pkg");
    Router::new().route(
        "/sw.js",
        get(move || {
            let body = stamped_worker(&template, &pkg);
            async move { ([(header::CONTENT_TYPE, "text/javascript; charset=utf-8"), (header::CACHE_CONTROL, "no-cache")], body) }
        }),
    )
}
