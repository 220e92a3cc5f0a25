//! Server-side state reachable from server functions: the pool, configuration and the request.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{ConnectInfo, FromRef};
use axum::http::{HeaderValue, header, request::Parts};
use leptos::prelude::*;
use leptos_axum::ResponseOptions;
use sea_orm::DatabaseConnection;

use crate::documents::search::SearchIndex;
use crate::error::AppError;

pub const SESSION_COOKIE: &str = "sotay_session";
/// Sessions last 30 days at most: members on shared family phones log out explicitly.
pub const SESSION_DAYS: i64 = 30;
/// A session unused this long ends (a phone left in a drawer, a lost phone).
pub const SESSION_IDLE_DAYS: i64 = 14;

#[derive(Debug, Clone, Default)]
pub struct Config {
    /// Mark cookies `Secure` even when no proxy says the request came over HTTPS.
    pub secure_cookies: bool,
    /// Trust `X-Forwarded-For` / `X-Forwarded-Proto` (set only behind your own reverse proxy).
    pub trust_proxy: bool,
    /// Where attachments are stored, each under its SHA-256.
    pub files_dir: std::path::PathBuf,
    /// Room each device may use for pages kept for offline reading.
    pub offline_budget_mb: u64,
    /// `ASSISTANT_LLM_URL`: an OpenAI-compatible server the assistant may phrase answers with.
    pub assistant_llm: Option<LlmConfig>,
    /// The key kept outside the database (anonymous raters' fingerprints, the push key).
    pub secret_key: crate::common::secret::SecretKey,
    /// `SOTAY_READING_WORDS_PER_SECOND`: faster than this is skimming, not reading.
    pub reading_pace: crate::reading::Pace,
    /// Push delivery: the contact push services see, and which endpoints subscriptions may use.
    pub push: crate::notifications::push::PushSettings,
    /// `SOTAY_EMBEDDINGS_URL`: the sentence encoder search ranks meaning with (none: words only).
    pub embeddings: Option<crate::documents::search::meaning::Embeddings>,
}

/// An OpenAI-compatible chat endpoint (a local llama.cpp or vLLM server).
#[derive(Debug, Clone, Default)]
pub struct LlmConfig {
    /// Base URL, e.g. `http://127.0.0.1:8080` (the path `/v1/chat/completions` is added).
    pub url: String,
    pub model: String,
    /// After this long the extractive answer is given instead.
    pub timeout_ms: u64,
}

#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: DatabaseConnection,
    pub config: Arc<Config>,
    pub search: Arc<SearchIndex>,
    /// Documents' sections as readers see them, per version.
    pub sections: Arc<crate::documents::service::SectionCache>,
}

/// The running server's state, as every server function reaches it.
fn app_state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState missing from context");
        AppError::Internal
    })
}

/// The document search index of the running server.
pub fn search_index() -> Result<Arc<SearchIndex>, AppError> {
    app_state().map(|s| s.search)
}

/// The sentence encoder of the running server, if one is configured.
pub fn embeddings() -> Result<Option<crate::documents::search::meaning::Embeddings>, AppError> {
    app_state().map(|s| s.config.embeddings.clone())
}

/// The running server's cache of documents' sections.
pub fn section_cache() -> Result<Arc<crate::documents::service::SectionCache>, AppError> {
    app_state().map(|s| s.sections)
}

/// The generative endpoint of the running server, if one is configured.
pub fn llm_config() -> Result<Option<LlmConfig>, AppError> {
    app_state().map(|s| s.config.assistant_llm.clone())
}

/// The running server's secret key.
pub fn secret_key() -> Result<crate::common::secret::SecretKey, AppError> {
    app_state().map(|s| s.config.secret_key.clone())
}

/// The reading-speed ceiling this server runs with.
pub fn reading_pace() -> Result<crate::reading::Pace, AppError> {
    app_state().map(|s| s.config.reading_pace)
}

/// Where this server lets browsers' push subscriptions point.
pub fn push_settings() -> Result<crate::notifications::push::PushSettings, AppError> {
    app_state().map(|s| s.config.push.clone())
}

/// The database pool of the running server.
pub fn db() -> Result<DatabaseConnection, AppError> {
    app_state().map(|s| s.db)
}

/// What one request looks up once however many server functions it runs (a page rendered on
/// the server runs several: the layout, the page's data, the reader's marks, reading progress…).
/// Provided per request by the server; a request either reads or makes one change, so nothing
/// remembered here goes stale within it.
#[derive(Clone, Default)]
pub struct RequestCache {
    user: Arc<tokio::sync::OnceCell<Option<crate::auth::SessionUser>>>,
    /// The documents the signed-in member may open, with what they were computed for.
    visible: Arc<tokio::sync::OnceCell<(VisibleFor, Arc<std::collections::HashSet<i64>>)>>,
}

/// Everything a member's visible documents depend on: the member, their cell and positions. A
/// change to any of them (a move, a new position) is a different key, so it is looked up again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VisibleFor {
    member_id: i64,
    cell_id: i64,
    positions: Vec<i64>,
}

impl VisibleFor {
    pub fn of(user: &crate::auth::SessionUser) -> Self {
        let mut positions: Vec<i64> = user.positions.iter().map(|p| p.id).collect();
        positions.sort_unstable();
        Self { member_id: user.member_id, cell_id: user.cell_id, positions }
    }
}

impl RequestCache {
    /// The request's cache, when running inside a request.
    pub fn current() -> Option<RequestCache> {
        use_context::<RequestCache>()
    }

    /// The remembered user, or the result of `lookup` (remembered only if it succeeded).
    pub async fn user<F, Fut>(&self, lookup: F) -> Result<Option<crate::auth::SessionUser>, AppError>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<Option<crate::auth::SessionUser>, AppError>>,
    {
        self.user.get_or_try_init(lookup).await.cloned()
    }

    /// The remembered visible documents for `key`, or the result of `lookup` (remembered for the
    /// first key asked about; any other is looked up every time).
    pub async fn visible<F, Fut>(&self, key: VisibleFor, lookup: F) -> Result<std::collections::HashSet<i64>, AppError>
    where
        F: Fn() -> Fut,
        Fut: std::future::Future<Output = Result<std::collections::HashSet<i64>, AppError>>,
    {
        let (owner, ids) = self.visible.get_or_try_init(|| async { Ok::<_, AppError>((key.clone(), Arc::new(lookup().await?))) }).await?;
        if *owner == key { Ok(ids.as_ref().clone()) } else { lookup().await }
    }
}

/// What the auth code needs to know about the current request.
#[derive(Debug, Clone, Default)]
pub struct RequestMeta {
    pub session_token: Option<String>,
    pub ip: String,
    pub user_agent: Option<String>,
    pub https: bool,
    pub accepts_html: bool,
}

pub fn request_meta() -> RequestMeta {
    let config = use_context::<AppState>().map(|s| s.config).unwrap_or_default();
    let Some(parts) = use_context::<Parts>() else {
        return RequestMeta::default();
    };
    meta_from_parts(&parts, &config)
}

pub fn meta_from_parts(parts: &Parts, config: &Config) -> RequestMeta {
    let header_str = |name: header::HeaderName| parts.headers.get(name).and_then(|v| v.to_str().ok());
    let forwarded = |name: &str| {
        config
            .trust_proxy
            // The last header line: a proxy that adds its own line puts it after the client's.
            .then(|| parts.headers.get_all(name).iter().next_back().and_then(|v| v.to_str().ok()))
            .flatten()
    };
    let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip().to_string());
    // The proxy appends the address it saw to whatever the client sent: only the last entry
    // is the proxy's own word (one trusted hop; the left ones are the client's to invent).
    let ip = forwarded("x-forwarded-for")
        .and_then(|v| v.rsplit(',').next())
        .map(|v| v.trim().to_string())
        .or(peer)
        .unwrap_or_else(|| "unknown".into());
    let session_token = parts
        .headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value.to_string())
        .filter(|v| !v.is_empty())
        // Native clients send the same session token as a bearer token.
        .or_else(|| {
            header_str(header::AUTHORIZATION)
                .and_then(|v| v.strip_prefix("Bearer "))
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        });
    RequestMeta {
        session_token,
        ip,
        user_agent: header_str(header::USER_AGENT).map(|s| s.chars().take(255).collect()),
        https: config.secure_cookies || forwarded("x-forwarded-proto") == Some("https"),
        accepts_html: header_str(header::ACCEPT).is_some_and(|v| v.contains("text/html")),
    }
}

fn cookie(value: &str, max_age_secs: i64, meta: &RequestMeta) -> String {
    let secure = if meta.https { "; Secure" } else { "" };
    format!("{SESSION_COOKIE}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{secure}")
}

fn append_set_cookie(value: String) {
    if let (Some(res), Ok(header_value)) = (use_context::<ResponseOptions>(), HeaderValue::from_str(&value)) {
        res.append_header(header::SET_COOKIE, header_value);
    }
}

pub fn set_session_cookie(token: &str, meta: &RequestMeta) {
    append_set_cookie(cookie(token, SESSION_DAYS * 24 * 3600, meta));
}

pub fn clear_session_cookie(meta: &RequestMeta) {
    append_set_cookie(cookie("", 0, meta));
}
