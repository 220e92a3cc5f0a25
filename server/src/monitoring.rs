//! Watching a running server: `/healthz` (the process answers), `/readyz` (its database answers
//! and holds every migration this build needs), Prometheus metrics at `/metrics` for the
//! addresses allowed to scrape them, and an id on every request, in its log line and its answer.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Instant;

use app::state::AppState;
use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use ipnet::IpNet;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use sea_orm::{EntityTrait, PaginatorTrait};
use tower_http::request_id::{MakeRequestId, RequestId};

/// Seconds a request may take, as the latency histogram counts them: a page on a phone is good
/// under 0.2 s and poor over 2 s.
const LATENCY_BUCKETS: [f64; 12] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.35, 0.5, 1.0, 2.0, 5.0, 10.0];

/// The metrics recorder (installed once per process) and who may read it.
#[derive(Clone)]
pub struct Monitoring {
    metrics: PrometheusHandle,
    scrapers: Arc<Vec<IpNet>>,
    state: AppState,
}

impl Monitoring {
    /// Installs the process's metrics recorder. `scrapers`: the networks allowed to read
    /// `/metrics` (`SOTAY_METRICS_FROM`).
    pub fn install(state: AppState, scrapers: Vec<IpNet>) -> Result<Monitoring, String> {
        let metrics = PrometheusBuilder::new()
            .set_buckets_for_metric(Matcher::Full("sotay_http_request_duration_seconds".into()), &LATENCY_BUCKETS)
            .map_err(|e| e.to_string())?
            .install_recorder()
            .map_err(|e| e.to_string())?;
        // Histograms buffer their samples until upkeep drains them: without a scrape they would
        // grow for ever.
        let upkeep = metrics.clone();
        tokio::spawn(async move {
            let mut every = tokio::time::interval(std::time::Duration::from_secs(5));
            loop {
                every.tick().await;
                upkeep.run_upkeep();
            }
        });
        Ok(Monitoring { metrics, scrapers: Arc::new(scrapers), state })
    }

    pub fn routes(&self) -> Router<AppState> {
        Router::new()
            .route("/healthz", get(|| async { "ok" }))
            .route("/readyz", get(readyz))
            .route("/metrics", get(metrics).with_state(self.clone()))
    }
}

/// `GET /readyz`: 200 once the database answers with this build's schema, else 503 — a load
/// balancer sends members elsewhere meanwhile.
async fn readyz(State(state): State<AppState>) -> Response {
    // A database that does not answer within two seconds is as good as down for a member.
    match tokio::time::timeout(std::time::Duration::from_secs(2), app::db::ready(&state.db)).await {
        Ok(Ok(())) => "ready".into_response(),
        Ok(Err(error)) => {
            tracing::warn!(%error, "not ready");
            (StatusCode::SERVICE_UNAVAILABLE, "not ready").into_response()
        }
        Err(_) => {
            tracing::warn!("not ready: the database took over 2 s to answer");
            (StatusCode::SERVICE_UNAVAILABLE, "not ready").into_response()
        }
    }
}

/// `GET /metrics` in Prometheus' text format, for an allowed address that reached this server
/// directly. A request that came through a reverse proxy (it says so in its forwarding headers)
/// is refused even from the proxy's own address: the public must never read it.
async fn metrics(State(monitoring): State<Monitoring>, ConnectInfo(peer): ConnectInfo<SocketAddr>, headers: HeaderMap) -> Response {
    if !may_scrape(&monitoring.scrapers, peer.ip(), &headers) {
        return StatusCode::NOT_FOUND.into_response();
    }
    let state = &monitoring.state;
    let (open, idle) = app::db::pool_use(&state.db);
    metrics::gauge!("sotay_db_connections", "state" => "in_use").set(open.saturating_sub(idle as u32) as f64);
    metrics::gauge!("sotay_db_connections", "state" => "idle").set(idle as f64);
    match app::db::entities::push_outbox::Entity::find().count(&state.db).await {
        Ok(waiting) => metrics::gauge!("sotay_push_queue_length").set(waiting as f64),
        Err(error) => tracing::warn!(%error, "counting the push queue for /metrics"),
    }
    metrics::gauge!("sotay_search_documents").set(state.search.document_count() as f64);
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], monitoring.metrics.render()).into_response()
}

fn may_scrape(scrapers: &[IpNet], peer: IpAddr, headers: &HeaderMap) -> bool {
    let proxied = ["forwarded", "x-forwarded-for", "x-real-ip"].iter().any(|h| headers.contains_key(*h));
    let peer = match peer {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(IpAddr::V6(v6), IpAddr::V4),
        v4 => v4,
    };
    !proxied && scrapers.iter().any(|net| net.contains(&peer))
}

/// Middleware: counts every request by route pattern (never the raw path: ids would make a
/// series each), method and status, and its time.
pub async fn count_requests(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let route = request.extensions().get::<MatchedPath>().map_or_else(|| "other".to_string(), |p| p.as_str().to_string());
    // Any word is a method to HTTP: the rest are one series, not one each.
    let method = match *request.method() {
        Method::GET | Method::HEAD | Method::POST | Method::PUT | Method::PATCH | Method::DELETE | Method::OPTIONS => request.method().as_str(),
        _ => "OTHER",
    }
    .to_string();
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    metrics::counter!("sotay_http_requests_total", "route" => route.clone(), "method" => method.clone(), "status" => status).increment(1);
    metrics::histogram!("sotay_http_request_duration_seconds", "route" => route, "method" => method).record(started.elapsed().as_secs_f64());
    response
}

/// Request ids: the one a reverse proxy set (`X-Request-Id`, when short and plain), else a new
/// random one; it is in the request's log line and sent back with the answer.
#[derive(Clone, Copy, Default)]
pub struct RequestIds;

impl MakeRequestId for RequestIds {
    fn make_request_id<B>(&mut self, _request: &axum::http::Request<B>) -> Option<RequestId> {
        HeaderValue::from_str(&app::common::client_id::new()).ok().map(RequestId::new)
    }
}

fn plain_id(value: &HeaderValue) -> bool {
    value.len() <= 64 && !value.is_empty() && value.as_bytes().iter().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// Middleware, outside the request-id layer (which keeps any id it is given): an id that is not
/// short and plain is dropped, so a new one is made instead of logging what a client wrote.
pub async fn only_plain_request_ids(mut request: Request, next: Next) -> Response {
    if request.headers().get("x-request-id").is_some_and(|v| !plain_id(v)) {
        request.headers_mut().remove("x-request-id");
    }
    next.run(request).await
}

/// The request's span for its log lines: method, path (never the query: it may carry a search
/// a member typed) and id.
pub fn request_span<B>(request: &axum::http::Request<B>) -> tracing::Span {
    let id = request.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("-");
    tracing::info_span!("request", id = %id, method = %request.method(), path = %request.uri().path())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nets(list: &[&str]) -> Vec<IpNet> {
        list.iter().map(|n| n.parse().expect("network")).collect()
    }

    #[test]
    fn only_allowed_direct_peers_read_the_metrics() {
        let loopback = nets(&["127.0.0.1/32", "::1/128"]);
        let none = HeaderMap::new();
        assert!(may_scrape(&loopback, "127.0.0.1".parse().expect("ip"), &none));
        assert!(may_scrape(&loopback, "::ffff:127.0.0.1".parse().expect("ip"), &none));
        assert!(!may_scrape(&loopback, "10.0.0.7".parse().expect("ip"), &none));
        assert!(may_scrape(&nets(&["10.0.0.0/8"]), "10.0.0.7".parse().expect("ip"), &none));
        // Through the reverse proxy on the same machine: refused.
        let mut proxied = HeaderMap::new();
        proxied.insert("x-forwarded-for", HeaderValue::from_static("203.0.113.9"));
        assert!(!may_scrape(&loopback, "127.0.0.1".parse().expect("ip"), &proxied));
    }

    #[test]
    fn only_short_plain_request_ids_are_kept() {
        assert!(plain_id(&HeaderValue::from_static("nginx-4f2a9c")));
        assert!(!plain_id(&HeaderValue::from_static("<script>alert(1)</script>")));
        assert!(!plain_id(&HeaderValue::from_static("a b method=POST")));
        assert!(!plain_id(&HeaderValue::from_str(&"a".repeat(65)).expect("value")));
        let none = axum::http::Request::builder().body(()).expect("request");
        assert!(RequestIds.make_request_id(&none).is_some_and(|id| id.header_value().len() >= 16));
    }
}
