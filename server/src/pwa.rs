//! `/sw.js` stamped with the build being served: the worker's bytes change whenever the app's
//! bundle does, which is how browsers learn there is a new version (and the page offers
//! "tải lại"). The stamp is worked out per request, so replacing the bundle under a running
//! server is noticed too.

use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use app::state::AppState;
use axum::Router;
use axum::http::header;
use axum::routing::get;
use sha2::{Digest, Sha256};

/// The placeholder in `public/sw.js` that names the shell cache.
const PLACEHOLDER: &str = "sotay-shell-dev";

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
    Ok(hash.finalize().iter().take(6).map(|b| format!("{b:02x}")).collect())
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
            let version = bundle_version(&pkg).unwrap_or_else(|_| "dev".into());
            let body = template.replace(PLACEHOLDER, &format!("sotay-shell-{version}"));
            async move { ([(header::CONTENT_TYPE, "text/javascript; charset=utf-8"), (header::CACHE_CONTROL, "no-cache")], body) }
        }),
    )
}
