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
//! the island's data always under the number the browser looks for on these threads. Each
//! render thread runs a current-thread runtime, so whatever a request spawns stays on that
//! request's thread, and the threads together still use every core. API calls, server functions
//! and uploads stay on the main runtime: they render no islands.
//!
//! Known costs: requests are dealt to the threads in turn, so a heavy page delays the pages
//! queued behind it on its thread; and a PostgreSQL connection opened while serving a page is
//! driven by that thread's runtime, so a long render delays its replies to other requests.

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

/// A request that may render a page: any GET or HEAD outside the API (a static file sent from a
/// render thread costs nothing more, and guessing pages from their paths would miss some, such
/// as the not-found page for `/a.html`).
fn renders_a_page(request: &Request) -> bool {
    matches!(*request.method(), Method::GET | Method::HEAD) && !request.uri().path().starts_with("/api/")
}

/// Middleware: hands page requests to a render thread and waits for its response there.
pub async fn on_render_thread(State(threads): State<Arc<RenderThreads>>, request: Request, next: Next) -> Response {
    if !renders_a_page(&request) {
        return next.run(request).await;
    }
    // A member who leaves before the page is ready stops its rendering, as on the main runtime.
    let mut task = AbortOnDrop(threads.pick().spawn(next.run(request)));
    match (&mut task.0).await {
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

/// A render task aborted when its request is dropped (the connection closed) before it ends.
struct AbortOnDrop(tokio::task::JoinHandle<Response>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
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
        assert!(renders_a_page(&request(Method::GET, "/khong-co.html")));
    }
}
