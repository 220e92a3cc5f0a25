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
//! Requests go to the thread with the fewest renders under way. Known cost: a PostgreSQL
//! connection opened while serving a page is driven by that thread's runtime, so a long render
//! delays its replies to other requests.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::extract::{Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::Response;
use tokio::runtime::Handle;

/// A few threads, each driving a current-thread runtime that renders pages.
pub struct RenderThreads {
    threads: Vec<RenderThread>,
    next: AtomicUsize,
}

struct RenderThread {
    handle: Handle,
    /// Renders sent to it and not finished.
    busy: AtomicUsize,
}

impl RenderThreads {
    /// One thread per core the process may use.
    pub fn start() -> std::io::Result<Arc<RenderThreads>> {
        Self::start_with(std::thread::available_parallelism().map_or(2, |n| n.get()))
    }

    fn start_with(count: usize) -> std::io::Result<Arc<RenderThreads>> {
        let mut threads = Vec::with_capacity(count);
        for i in 0..count.max(1) {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
            threads.push(RenderThread { handle: runtime.handle().clone(), busy: AtomicUsize::new(0) });
            // Runs the tasks sent to it for as long as the process lives.
            std::thread::Builder::new()
                .name(format!("render-{i}"))
                .spawn(move || runtime.block_on(std::future::pending::<()>()))?;
        }
        Ok(Arc::new(RenderThreads { threads, next: AtomicUsize::new(0) }))
    }

    /// The thread with the fewest renders under way (in turn among equals): a heavy page does
    /// not hold up the pages sent after it while another thread is free.
    fn pick(&self) -> usize {
        let start = self.next.fetch_add(1, Ordering::Relaxed);
        let count = self.threads.len();
        (0..count).map(|k| (start + k) % count).min_by_key(|&i| self.threads[i].busy.load(Ordering::Relaxed)).unwrap_or(0)
    }

    /// Runs `render` on the least busy render thread.
    fn spawn<F>(self: &Arc<Self>, render: F) -> tokio::task::JoinHandle<F::Output>
    where
        F: std::future::Future + Send + 'static,
        F::Output: Send + 'static,
    {
        let slot = self.pick();
        self.threads[slot].busy.fetch_add(1, Ordering::Relaxed);
        // Counted down however the render ends: finished, aborted or panicked.
        let busy = Busy { threads: self.clone(), slot };
        self.threads[slot].handle.spawn(async move {
            let _busy = busy;
            render.await
        })
    }
}

struct Busy {
    threads: Arc<RenderThreads>,
    slot: usize,
}

impl Drop for Busy {
    fn drop(&mut self) {
        self.threads.threads[self.slot].busy.fetch_sub(1, Ordering::Relaxed);
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
    let mut task = AbortOnDrop(threads.spawn(next.run(request)));
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

    #[tokio::test]
    async fn a_render_goes_to_a_free_thread_and_is_counted_down_however_it_ends() {
        let threads = RenderThreads::start_with(2).expect("threads");
        let name = || std::thread::current().name().unwrap_or_default().to_string();
        let slow = threads.spawn(async move {
            tokio::time::sleep(std::time::Duration::from_millis(300)).await;
            name()
        });
        // Whichever thread took the slow render, the next one goes to the other.
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        let quick = threads.spawn(async move { name() }).await.expect("quick render");
        let slow = slow.await.expect("slow render");
        assert!(slow.starts_with("render-") && quick.starts_with("render-") && slow != quick, "{slow} / {quick}");
        let aborted = threads.spawn(tokio::time::sleep(std::time::Duration::from_secs(60)));
        aborted.abort();
        let panicked = threads.spawn(async { panic!("a render that fails") });
        assert!(panicked.await.is_err_and(|e| e.is_panic()));
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        assert_eq!(threads.threads.iter().map(|t| t.busy.load(Ordering::Relaxed)).collect::<Vec<_>>(), [0, 0]);
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
