//! In the browser: the offline notice under the header, the page "Dùng khi mất mạng", and
//! sending a write now or — without a connection — keeping it on the device for later.

use std::future::Future;

use leptos::prelude::*;
use leptos_meta::Title;
use serde::Deserialize;

use super::{OfflineWrite, QueuedWrite};
use crate::error::AppError;

#[cfg(not(feature = "ssr"))]
mod browser {
    use wasm_bindgen::prelude::*;

    #[wasm_bindgen(module = "/src/offline/outbox.js")]
    extern "C" {
        #[wasm_bindgen(js_name = outboxAdd, catch)]
        pub async fn outbox_add(json: &str) -> Result<JsValue, JsValue>;
        #[wasm_bindgen(js_name = outboxStateJson, catch)]
        pub async fn outbox_state() -> Result<JsValue, JsValue>;
        #[wasm_bindgen(js_name = outboxFlushJson, catch)]
        pub async fn outbox_flush() -> Result<JsValue, JsValue>;
        #[wasm_bindgen(js_name = outboxDismiss, catch)]
        pub async fn outbox_dismiss(client_id: &str) -> Result<JsValue, JsValue>;
        #[wasm_bindgen(js_name = keptPagesJson, catch)]
        pub async fn kept_pages() -> Result<JsValue, JsValue>;
        #[wasm_bindgen(js_name = onChange)]
        pub fn on_change(callback: &Closure<dyn FnMut()>);
    }

    #[wasm_bindgen(inline_js = r#"
function ask(message) {
  if (!('serviceWorker' in navigator)) return Promise.resolve('{}');
  return navigator.serviceWorker.ready.then((reg) => new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = (e) => resolve(JSON.stringify(e.data || {}));
    (reg.active || navigator.serviceWorker.controller).postMessage(message, [channel.port2]);
    setTimeout(() => resolve('{"timeout":true}'), 120000);
  }));
}
export function keep_offline(force) { return ask({ type: 'keep-offline', force }); }
export function forget_private() { return ask({ type: 'forget-private' }); }
export function request_background_sync() {
  if (!('serviceWorker' in navigator)) return;
  navigator.serviceWorker.ready.then((reg) => reg.sync && reg.sync.register('sotay-outbox')).catch(() => {});
}
export function saved_at() { return document.documentElement.dataset.sotaySaved || ''; }
let linksWatched = false;
export function watch_connection(callback) {
  addEventListener('online', () => callback(true));
  addEventListener('offline', () => callback(false));
  if (!linksWatched) {
    linksWatched = true;
    // Offline (or on a kept copy) a link loads the whole page, which the service worker answers
    // from what the device kept; the app's own in-page navigation would need the server.
    addEventListener('click', (e) => {
      if (navigator.onLine && !document.documentElement.dataset.sotaySaved) return;
      if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
      const a = e.target.closest && e.target.closest('a[href]');
      if (!a || a.target || a.hasAttribute('download')) return;
      const url = new URL(a.href, location.href);
      if (url.origin !== location.origin) return;
      e.preventDefault();
      e.stopImmediatePropagation();
      location.assign(url.href);
    }, true);
  }
  return navigator.onLine;
}
"#)]
    extern "C" {
        /// `force`: now, even if the plan was fetched a moment ago.
        #[wasm_bindgen(catch)]
        pub async fn keep_offline(force: bool) -> Result<JsValue, JsValue>;
        #[wasm_bindgen(catch)]
        pub async fn forget_private() -> Result<JsValue, JsValue>;
        pub fn request_background_sync();
        pub fn saved_at() -> String;
        pub fn watch_connection(callback: &Closure<dyn FnMut(bool)>) -> bool;
    }

    /// A JSON text a JS promise resolved with, parsed.
    pub fn parse<T: serde::de::DeserializeOwned + Default>(value: Result<JsValue, JsValue>) -> T {
        value.ok().and_then(|v| v.as_string()).and_then(|s| serde_json::from_str(&s).ok()).unwrap_or_default()
    }
}

/// A write waiting on the device.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct PendingWrite {
    pub client_id: String,
    #[serde(default)]
    pub label: String,
    #[serde(default)]
    pub queued_at: f64,
}

/// A write the server refused, with its reason.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct RefusedWrite {
    pub client_id: String,
    #[serde(default)]
    pub label: String,
    #[serde(default)]
    pub message: String,
    #[serde(default)]
    pub at: f64,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
struct DeviceQueue {
    pending: Vec<PendingWrite>,
    failed: Vec<RefusedWrite>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
struct KeptPage {
    url: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    bytes: f64,
    #[serde(default)]
    saved: f64,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
struct KeptPages {
    pages: Vec<KeptPage>,
    #[serde(default)]
    budget: f64,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[cfg_attr(feature = "ssr", allow(dead_code))] // read in the browser only
struct FlushSummary {
    #[serde(default)]
    sent: u32,
}

/// What the device knows about the connection and its own queue, shared by the notice, the
/// page "Dùng khi mất mạng" and the reader.
#[derive(Clone, Copy)]
pub struct Device {
    pub online: RwSignal<bool>,
    /// When the page on screen was kept, if it is a kept copy.
    pub saved_at: RwSignal<Option<String>>,
    queue: RwSignal<DeviceQueue>,
    /// Bumps after the queue was sent, so pages showing what it changed load it again.
    pub synced: RwSignal<u32>,
    /// Whether the device's watchers are in place: the notice is drawn again when the member
    /// signs in or out, and the page must not then listen twice (nor send its queue twice).
    #[cfg_attr(feature = "ssr", allow(dead_code))] // read in the browser only
    watching: StoredValue<bool>,
}

impl Device {
    /// Provided by the layout, once per page.
    pub fn provide() -> Device {
        let device = Device {
            online: RwSignal::new(true),
            saved_at: RwSignal::new(None),
            queue: RwSignal::new(DeviceQueue::default()),
            synced: RwSignal::new(0),
            watching: StoredValue::new(false),
        };
        provide_context(device);
        device
    }

    pub fn pending(&self) -> usize {
        self.queue.with(|q| q.pending.len())
    }

    /// Reads the queue again from the device's storage.
    #[cfg_attr(feature = "ssr", allow(dead_code))]
    fn refresh(self) {
        #[cfg(not(feature = "ssr"))]
        leptos::task::spawn_local(async move {
            let queue: DeviceQueue = browser::parse(browser::outbox_state().await);
            self.queue.set(queue);
        });
    }

    /// Sends the queue now if there is anything in it.
    pub fn flush(self) {
        #[cfg(not(feature = "ssr"))]
        leptos::task::spawn_local(async move {
            let summary: FlushSummary = browser::parse(browser::outbox_flush().await);
            if summary.sent > 0 {
                self.synced.update(|n| *n += 1);
            }
            self.refresh();
        });
    }
}

#[cfg(not(feature = "ssr"))]
thread_local! {
    /// The page's device in an islands build, made by the first interactive part that asks.
    static PAGE_DEVICE: std::cell::Cell<Option<Device>> = const { std::cell::Cell::new(None) };
}

/// The page's device state: the layout's where the parts share the app's context (a hydrated
/// app, or the server); in an islands build, where each part is its own root, one per page.
pub fn use_device() -> Device {
    if let Some(device) = use_context::<Device>() {
        return device;
    }
    #[cfg(not(feature = "ssr"))]
    {
        PAGE_DEVICE.with(|cell| {
            cell.get().unwrap_or_else(|| {
                let device = Device::provide();
                cell.set(Some(device));
                device
            })
        })
    }
    #[cfg(feature = "ssr")]
    Device::provide()
}

/// Keeps a write on the device to be sent when the connection returns; false when it could not
/// be kept (no one signed in, or the browser has no storage for it).
pub async fn queue_write(member_id: Option<i64>, write: OfflineWrite, label: String) -> bool {
    let Some(member_id) = member_id else { return false };
    // Taken before waiting: after an await no page context is at hand.
    #[cfg(not(feature = "ssr"))]
    let device = use_device();
    let queued = QueuedWrite { client_id: crate::common::client_id::new(), member_id, label, write };
    #[cfg(feature = "ssr")]
    {
        let _ = queued;
        false
    }
    #[cfg(not(feature = "ssr"))]
    {
        let Ok(json) = serde_json::to_string(&queued) else { return false };
        if browser::outbox_add(&json).await.is_err() {
            return false;
        }
        browser::request_background_sync();
        device.refresh();
        true
    }
}

/// What became of a write: done by the server now, or kept on the device for later.
#[derive(Debug, Clone, PartialEq)]
pub enum QueueOutcome<T> {
    Done(T),
    Queued,
}

/// Sends a write online; without a connection keeps it on the device instead of failing.
pub async fn send_or_queue<T>(
    member_id: Option<i64>,
    online: impl Future<Output = Result<T, AppError>>,
    write: OfflineWrite,
    label: String,
) -> Result<QueueOutcome<T>, AppError> {
    match online.await {
        Err(AppError::Network) if queue_write(member_id, write, label).await => Ok(QueueOutcome::Queued),
        other => other.map(QueueOutcome::Done),
    }
}

#[cfg(not(feature = "ssr"))]
fn clock_text(ms: f64) -> String {
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms));
    format!("{:02}:{:02} {:02}/{:02}", d.get_hours(), d.get_minutes(), d.get_date(), d.get_month() + 1)
}

#[cfg(feature = "ssr")]
fn clock_text(_ms: f64) -> String {
    String::new()
}

fn saved_text(iso: &str) -> String {
    #[cfg(not(feature = "ssr"))]
    {
        let ms = js_sys::Date::parse(iso);
        if ms.is_finite() {
            return clock_text(ms);
        }
    }
    iso.to_string()
}

/// Under the header: offline, a kept copy, writes waiting or refused. Also starts the device's
/// work on every page: sending the queue, refreshing kept pages, forgetting them on sign-out.
#[crate::ui::interactive]
pub fn OfflineStatus(signed_in: bool) -> impl IntoView {
    let device = use_device();
    Effect::new(move |_| {
        #[cfg(not(feature = "ssr"))]
        if !device.watching.get_value() {
            device.watching.set_value(true);
            use wasm_bindgen::prelude::Closure;
            let on_connection = Closure::<dyn FnMut(bool)>::new(move |online: bool| {
                device.online.set(online);
                if online {
                    device.flush();
                }
            });
            device.online.set(browser::watch_connection(&on_connection));
            on_connection.forget(); // lives as long as the page
            let saved = browser::saved_at();
            device.saved_at.set((!saved.is_empty()).then_some(saved));
            let on_change = Closure::<dyn FnMut()>::new(move || device.refresh());
            browser::on_change(&on_change);
            on_change.forget();
            device.refresh();
            if device.online.get_untracked() {
                device.flush();
            }
        }
    });
    // Signed in and online: bring the kept pages up to date.
    Effect::new(move |_| {
        #[cfg(not(feature = "ssr"))]
        if signed_in && device.online.get_untracked() && device.saved_at.get_untracked().is_none() {
            leptos::task::spawn_local(async move {
                let _ = browser::keep_offline(false).await;
            });
        }
        #[cfg(feature = "ssr")]
        let _ = signed_in;
    });
    // Signed out: nothing private stays on the device (the worker also forgets on the first
    // page the server sends without a session, which is how an island's sign-out does it).
    let logout = use_context::<crate::auth::Auth>().map(|auth| auth.logout);
    Effect::new(move |_| {
        if logout.is_some_and(|logout| matches!(logout.value().get(), Some(Ok(())))) {
            #[cfg(not(feature = "ssr"))]
            leptos::task::spawn_local(async move {
                let _ = browser::forget_private().await;
            });
        }
    });
    let offline = move || !device.online.get();
    let saved = move || device.saved_at.get();
    let pending = move || device.queue.with(|q| q.pending.len());
    let refused = move || device.queue.with(|q| q.failed.len());
    let shown = move || offline() || saved().is_some() || pending() > 0 || refused() > 0;
    let reload = move |_| {
        let _ = window().location().reload();
    };
    view! {
        <Show when=shown>
            <div class="offline-bar" class:offline=offline role="status" data-testid="offline-bar">
                {move || match (offline(), saved()) {
                    (true, Some(at)) => view! { <span><strong>"Đang ngoại tuyến"</strong>{format!(" · bản lưu trên máy lúc {}", saved_text(&at))}</span> }.into_any(),
                    (true, None) => view! { <span><strong>"Đang ngoại tuyến"</strong>" · đang xem nội dung đã tải"</span> }.into_any(),
                    (false, Some(at)) => view! {
                        <span>{format!("Đã có mạng trở lại; trang này là bản lưu lúc {}. ", saved_text(&at))}</span>
                        <button type="button" class="link-button" on:click=reload>"Tải bản mới nhất"</button>
                    }.into_any(),
                    (false, None) => ().into_any(),
                }}
                {move || (pending() > 0).then(|| view! {
                    <a href="/ngoai-tuyen" data-testid="pending-writes">{format!("{} thao tác chờ gửi", pending())}</a>
                })}
                {move || (refused() > 0).then(|| view! {
                    <a href="/ngoai-tuyen" class="refused" data-testid="refused-writes">{format!("{} thao tác không gửi được", refused())}</a>
                })}
            </div>
        </Show>
    }
}

fn reason_text(reason: &str) -> &'static str {
    match reason {
        "assigned" => "Được giao đọc",
        "bookmarked" => "Đã đánh dấu",
        "meeting" => "Sinh hoạt chi bộ",
        "app" => "Trang của ứng dụng",
        _ => "Đã mở",
    }
}

fn size_text(bytes: f64) -> String {
    if bytes >= 1024.0 * 1024.0 { format!("{:.1} MB", bytes / 1024.0 / 1024.0).replace('.', ",") } else { format!("{:.0} KB", (bytes / 1024.0).ceil()) }
}

/// "Dùng khi mất mạng": what waits to be sent, what was refused and why, what is kept to read.
#[component]
pub fn OfflinePage() -> impl IntoView {
    view! {
        <Title text="Dùng khi mất mạng" />
        <OfflineBook />
    }
}

#[crate::ui::interactive]
fn OfflineBook() -> impl IntoView {
    let device = use_device();
    let kept = RwSignal::new(None::<KeptPages>);
    let busy = RwSignal::new(false);
    let load_kept = move || {
        #[cfg(not(feature = "ssr"))]
        leptos::task::spawn_local(async move {
            kept.set(Some(browser::parse(browser::kept_pages().await)));
        });
    };
    Effect::new(move |_| {
        device.queue.track();
        load_kept();
    });
    let refresh_kept = move |_| {
        busy.set(true);
        #[cfg(not(feature = "ssr"))]
        leptos::task::spawn_local(async move {
            let _ = browser::keep_offline(true).await;
            kept.set(Some(browser::parse(browser::kept_pages().await)));
            busy.set(false);
        });
    };
    let dismiss = move |client_id: String| {
        #[cfg(not(feature = "ssr"))]
        leptos::task::spawn_local(async move {
            let _ = browser::outbox_dismiss(&client_id).await;
            device.refresh();
        });
        #[cfg(feature = "ssr")]
        let _ = client_id;
    };
    view! {
        <section class="card" data-testid="offline-page">
            <h1>"Dùng khi mất mạng"</h1>
            <p class="lead">
                "Tài liệu được giao, tài liệu đã đánh dấu và các trang đồng chí đã mở được lưu trên máy để đọc khi không có mạng. "
                "Thời gian đọc, xác nhận đã đọc, điểm danh và chấm điểm sinh hoạt làm khi mất mạng được giữ trên máy và tự gửi khi có mạng trở lại."
            </p>
            <p>{move || if device.online.get() { "Trạng thái: đang có mạng." } else { "Trạng thái: đang ngoại tuyến." }}</p>

            <h2>"Chờ gửi"</h2>
            {move || device.queue.with(|q| if q.pending.is_empty() {
                view! { <p class="muted">"Không có thao tác nào chờ gửi."</p> }.into_any()
            } else {
                view! {
                    <ul class="doc-list" data-testid="pending-list">
                        {q.pending.iter().map(|w| view! {
                            <li>{w.label.clone()} <span class="muted">{format!(" · lúc {}", clock_text(w.queued_at))}</span></li>
                        }).collect_view()}
                    </ul>
                    <button type="button" class="primary" disabled=move || !device.online.get() on:click=move |_| device.flush()>"Gửi ngay"</button>
                }.into_any()
            })}

            {move || device.queue.with(|q| (!q.failed.is_empty()).then(|| view! {
                <h2>"Không gửi được"</h2>
                <ul class="doc-list" data-testid="refused-list">
                    {q.failed.iter().map(|w| {
                        let id = w.client_id.clone();
                        view! {
                            <li class="alert alert-error">
                                <strong>{w.label.clone()}</strong>
                                <p>{w.message.clone()}</p>
                                <button type="button" on:click=move |_| dismiss(id.clone())>"Đã hiểu"</button>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }))}

            <h2>"Lưu trên máy để đọc"</h2>
            {move || match kept.get() {
                None => view! { <p class="muted">"Đang đọc dữ liệu trên máy…"</p> }.into_any(),
                Some(k) if k.pages.is_empty() => view! { <p class="muted">"Chưa có trang nào được lưu trên máy này."</p> }.into_any(),
                Some(k) => {
                    let used: f64 = k.pages.iter().map(|p| p.bytes).sum();
                    let mut pages = k.pages.clone();
                    pages.sort_by(|a, b| b.saved.total_cmp(&a.saved));
                    view! {
                        <p data-testid="kept-total">{format!("{} trang · {}", pages.len(), size_text(used))}
                            {(k.budget > 0.0).then(|| format!(" / tối đa {}", size_text(k.budget)))}</p>
                        <ul class="doc-list" data-testid="kept-list">
                            {pages.into_iter().map(|p| view! {
                                <li class="doc-row">
                                    <a href=p.url.clone() class="doc-title">{if p.title.is_empty() { p.url.clone() } else { p.title.clone() }}</a>
                                    <span class="muted">{format!("{} · {} · lưu lúc {}", reason_text(&p.reason), size_text(p.bytes), clock_text(p.saved))}</span>
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }
            }}
            <button type="button" disabled=move || busy.get() || !device.online.get() on:click=refresh_kept>
                {move || if busy.get() { "Đang cập nhật…" } else { "Cập nhật bản lưu" }}
            </button>
            // Which release this phone runs, for whoever helps a member on the telephone
            // (set at build time: `SOTAY_VERSION=… cargo leptos build --release`).
            <p class="muted small" data-testid="app-version">"Phiên bản ứng dụng: " {option_env!("SOTAY_VERSION").unwrap_or("bản phát triển")}</p>
        </section>
    }
}
