//! How long a browser may keep the bundle's files. A build made with `hash-files` names each file
//! by its content (`sotay.<fingerprint>.wasm`, one chunk per page with `--split`), so such a
//! file never changes under its name: it is kept for a year without asking again, and a new
//! release downloads only the files whose content changed. Files without a fingerprint (a debug
//! build, the snippets wasm-bindgen loads by fixed name) are checked with the server every time.

use std::path::Path;

use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;

/// cargo-leptos fingerprints: the MD5 of the content in unpadded base64url, 22 characters.
const FINGERPRINT_LEN: usize = 22;

/// Whether a file name carries a content fingerprint: `name.<fingerprint>.ext` (optionally
/// followed by `.br`/`.gz`, though those are never asked for by name).
pub fn is_fingerprinted(file_name: &str) -> bool {
    file_name.split('.').skip(1).any(|part| {
        part.len() == FINGERPRINT_LEN
            && part.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            // the split loader's name before fingerprinting is a row of underscores
            && part.bytes().any(|b| b != b'_')
    })
}

pub async fn cache_bundle(request: Request, next: Next) -> Response {
    let bundle_file = request
        .uri()
        .path()
        .strip_prefix("/pkg/")
        .map(|rest| Path::new(rest).file_name().and_then(|n| n.to_str()).is_some_and(is_fingerprinted));
    let mut response = next.run(request).await;
    if let Some(fingerprinted) = bundle_file
        && response.status() == StatusCode::OK
    {
        let policy = if fingerprinted { "public, max-age=31536000, immutable" } else { "no-cache" };
        response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::is_fingerprinted;

    #[test]
    fn only_names_with_a_content_fingerprint_count() {
        assert!(is_fingerprinted("sotay.hBlSEcC4YC3JpA6ozA2yBQ.wasm"));
        assert!(is_fingerprinted("__wasm_split.rQMf3_4J6F7WrjvkbbD-YQ.js"));
        assert!(!is_fingerprinted("sotay.wasm"));
        assert!(!is_fingerprinted("sotay_bg.wasm"));
        assert!(!is_fingerprinted("__wasm_split.______________________.js"));
        assert!(!is_fingerprinted("e2e-next-build.txt"));
    }
}
