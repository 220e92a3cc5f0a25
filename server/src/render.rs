//! Pages are rendered on threads of their own: everything one page's rendering starts runs on
//! the one thread that took the request.
//!
//! Why: Leptos tells the HTML of an island (the parts of a page that come alive in the browser)
//! from the rest with one flag per request, set while each island renders and put back after,
//! and numbers the data an island needs in the order islands render. The tasks a render spawns
//! (its resources) run on any worker of a multi-threaded runtime, so a task finishing on another
//! thread can flip the flag in the middle of an island, or take a number out of turn: the
//! island's HTML then lacks its hydration markers or its data sits under another number, and the
//! browser's hydration panics, leaving the page's buttons dead now and then. Measured on the
//! member list: 5 different pages in 20 loads of the same address on the multi-threaded runtime,
//! one page in 20 with everything on one thread. Each render thread runs a current-thread
//! runtime, so whatever a request spawns stays on that request's thread, and the threads
//! together still use every core. API calls, server functions and files stay on the main
//! runtime: they render no islands.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::extract::{Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::Response;
use tokio::runtime::Handle;

/// A few threads, each driving a current-thread runtime that renders pages.
pub struct RenderThreads {
    handles: Vec<Handle>,
    next: AtomicUsize,
}

impl RenderThreads {
    /// One thread per core the process may use.
    pub fn start() -> std::io::Result<Arc<RenderThreads>> {
        let count = std::thread::available_parallelism().map_or(2, |n| n.get());
        let mut handles = Vec::with_capacity(count);
        for i in 0..count {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
            handles.push(runtime.handle().clone());
            // Runs the tasks sent to it for as long as the process lives.
            std::thread::Builder::new()
                .name(format!("render-{i}"))
                .spawn(move || runtime.block_on(std::future::pending::<()>()))?;
        }
        Ok(Arc::new(RenderThreads { handles, next: AtomicUsize::new(0) }))
    }

    fn pick(&self) -> &Handle {
        let i = self.next.fetch_add(1, Ordering::Relaxed) % self.handles.len();
        &self.handles[i]
    }
}

/// A request for a page: a GET or HEAD outside the API whose last path segment names no file.
fn renders_a_page(request: &Request) -> bool {
    let path = request.uri().path();
    matches!(*request.method(), Method::GET | Method::HEAD)
        && !path.starts_with("/api/")
        && !path.rsplit('/').next().is_some_and(|last| last.contains('.'))
}

/// Middleware: hands page requests to a render thread and waits for its response there.
pub async fn on_render_thread(State(threads): State<Arc<RenderThreads>>, request: Request, next: Next) -> Response {
    if !renders_a_page(&request) {
        return next.run(request).await;
    }
    match threads.pick().spawn(next.run(request)).await {
        Ok(response) => response,
        // A panic goes on as a panic here, where the panic layer turns it into an error page.
        Err(error) if error.is_panic() => std::panic::resume_unwind(error.into_panic()),
        Err(error) => {
            tracing::error!(%error, "a page's render task was cancelled");
            let mut response = Response::new(axum::body::Body::from("Máy chủ đang dừng, vui lòng thử lại sau ít phút."));
            *response.status_mut() = axum::http::StatusCode::SERVICE_UNAVAILABLE;
            response
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(method: Method, path: &str) -> Request {
        Request::builder().method(method).uri(path).body(axum::body::Body::empty()).expect("request")
    }

    #[test]
    fn only_pages_go_to_the_render_threads() {
        assert!(renders_a_page(&request(Method::GET, "/")));
        assert!(renders_a_page(&request(Method::GET, "/dang-vien?q=tran.thi")));
        assert!(renders_a_page(&request(Method::HEAD, "/tai-lieu/1")));
        assert!(!renders_a_page(&request(Method::POST, "/api/login")));
        assert!(!renders_a_page(&request(Method::GET, "/api/v1/search?q=a")));
        assert!(!renders_a_page(&request(Method::GET, "/pkg/sotay.abc.wasm")));
        assert!(!renders_a_page(&request(Method::GET, "/manifest.webmanifest")));
    }
}
