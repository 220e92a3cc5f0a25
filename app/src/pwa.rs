//! The installable app: the service worker registered on every page, the invitation to install
//! — Chromium's own prompt where it offers one, "Add to Home Screen" steps on iOS Safari (which
//! has no prompt) — and the notice that a new version is ready, applied only when asked.

use leptos::prelude::*;

/// In the page's `<head>`, before any of the app's code: when that code stops (a page chunk that
/// failed to download on a weak connection panics, and a panic aborts WebAssembly), the page the
/// member was going to is loaded as a whole page from the server, which renders every page as
/// HTML. Only once the app had started (before that the page on screen is already the right
/// one, and plain links work) and at most once in 20 seconds (never a reload loop).
pub const RECOVERY_SCRIPT: &str = r#"(function () {
  var last = null;
  addEventListener('click', function (e) {
    var a = e.target && e.target.closest && e.target.closest('a[href]');
    if (a && a.origin === location.origin) last = { href: a.href, at: Date.now() };
  }, true);
  window.__sotayRecover = function () {
    if (!document.body || document.body.getAttribute('data-hydrated') !== 'true') return;
    var before = Number(sessionStorage.getItem('sotay-recovered') || 0);
    if (Date.now() - before < 20000) return;
    sessionStorage.setItem('sotay-recovered', String(Date.now()));
    location.assign(last && Date.now() - last.at < 30000 ? last.href : location.href);
  };
})();"#;

/// In the page's `<head>`, before Leptos' islands bootstrap: that bootstrap starts loading the
/// WebAssembly in `requestIdleCallback` without a deadline, and a page the browser never finds
/// idle (busy, or in a window it is not painting) would stay without its interactive parts; the
/// browser tests saw it now and then. Every idle callback asked for without a deadline gets one
/// of a second, as Leptos gives its whole-app bootstrap (two seconds).
pub const IDLE_DEADLINE_SCRIPT: &str = r#"(function () {
  if (!('requestIdleCallback' in window)) return;
  var idle = window.requestIdleCallback.bind(window);
  window.requestIdleCallback = function (callback, options) {
    return idle(callback, Object.assign({ timeout: 1000 }, options || {}));
  };
})();"#;

#[cfg(not(feature = "ssr"))]
mod browser {
    use wasm_bindgen::prelude::*;

    #[wasm_bindgen(inline_js = r#"
let deferred = null;
let registration = null;
let reloadWanted = false;
let interacted = false;
export function pwa_start(on_installable, on_update) {
  // The invitation waits for the member's first touch, key or scroll: never a sheet over a page
  // that has just opened (and nothing that would count as the page's largest paint).
  const offerInstall = () => { if (deferred && interacted) on_installable(); };
  const firstUse = () => {
    interacted = true;
    ['pointerdown', 'keydown', 'scroll'].forEach((t) => removeEventListener(t, firstUse, true));
    offerInstall();
  };
  ['pointerdown', 'keydown', 'scroll'].forEach((t) => addEventListener(t, firstUse, { capture: true, passive: true }));
  window.addEventListener('beforeinstallprompt', (e) => { e.preventDefault(); deferred = e; offerInstall(); });
  window.addEventListener('appinstalled', () => { deferred = null; });
  if (!('serviceWorker' in navigator)) return;
  // A waiting worker is a new version: offer it when the page already has one in charge.
  const offer = (reg) => { if (reg.waiting && navigator.serviceWorker.controller) on_update(); };
  navigator.serviceWorker.register('/sw.js', { scope: '/' }).then((reg) => {
    registration = reg;
    offer(reg);
    reg.addEventListener('updatefound', () => {
      const next = reg.installing;
      if (next) next.addEventListener('statechange', () => { if (next.state === 'installed') offer(reg); });
    });
  }).catch(() => {});
  // Reload only when the member asked for it, never under an open form.
  navigator.serviceWorker.addEventListener('controllerchange', () => { if (reloadWanted) { reloadWanted = false; location.reload(); } });
}
export function pwa_apply_update() {
  if (registration && registration.waiting) { reloadWanted = true; registration.waiting.postMessage('skip-waiting'); }
  else location.reload();
}
export async function pwa_install() {
  if (!deferred) return 'unavailable';
  const e = deferred;
  deferred = null;
  await e.prompt();
  const choice = await e.userChoice;
  return choice.outcome;
}
export function pwa_ios_hint() {
  const ua = navigator.userAgent;
  const ios = /iPhone|iPad|iPod/.test(ua) || (navigator.platform === 'MacIntel' && navigator.maxTouchPoints > 1);
  const standalone = navigator.standalone === true || matchMedia('(display-mode: standalone)').matches;
  return ios && !standalone;
}
"#)]
    extern "C" {
        pub fn pwa_start(on_installable: &Closure<dyn FnMut()>, on_update: &Closure<dyn FnMut()>);
        pub fn pwa_apply_update();
        #[wasm_bindgen(catch)]
        pub async fn pwa_install() -> Result<JsValue, JsValue>;
        pub fn pwa_ios_hint() -> bool;
    }
}

/// Remembered on the device when the member says "Để sau", so the invitation stays away a while.
const DISMISSED_KEY: &str = "sotay-cai-dat-an";
#[cfg(not(feature = "ssr"))]
const DISMISS_DAYS: f64 = 30.0;

#[derive(Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "ssr", allow(dead_code))] // offers are made in the browser only
enum Offer {
    None,
    /// Chromium offered its install prompt.
    Prompt,
    /// iOS Safari: show the steps.
    Ios,
}

#[cfg(not(feature = "ssr"))]
fn dismissed_recently() -> bool {
    let now = js_sys::Date::now();
    window()
        .local_storage()
        .ok()
        .flatten()
        .and_then(|s| s.get_item(DISMISSED_KEY).ok().flatten())
        .and_then(|v| v.parse::<f64>().ok())
        .is_some_and(|at| now - at < DISMISS_DAYS * 86_400_000.0)
}

fn remember_dismissal() {
    if let Some(storage) = window().local_storage().ok().flatten() {
        let _ = storage.set_item(DISMISSED_KEY, &js_sys::Date::now().to_string());
    }
}

/// Registers the service worker and shows the install invitation when there is one to show.
#[crate::ui::interactive]
pub fn InstallBanner() -> impl IntoView {
    let offer = RwSignal::new(Offer::None);
    let update = RwSignal::new(false);
    Effect::new(move |_| {
        #[cfg(not(feature = "ssr"))]
        {
            use wasm_bindgen::prelude::Closure;
            let on_installable = Closure::<dyn FnMut()>::new(move || {
                if !dismissed_recently() {
                    offer.set(Offer::Prompt);
                }
            });
            let on_update = Closure::<dyn FnMut()>::new(move || update.set(true));
            browser::pwa_start(&on_installable, &on_update);
            // Both live as long as the page: the browser may call them at any time.
            on_installable.forget();
            on_update.forget();
            if browser::pwa_ios_hint() && !dismissed_recently() {
                offer.set(Offer::Ios);
            }
        }
    });
    let install = move |_| {
        #[cfg(not(feature = "ssr"))]
        leptos::task::spawn_local(async move {
            let _ = browser::pwa_install().await;
            offer.set(Offer::None);
        });
    };
    let later = move |_| {
        remember_dismissal();
        offer.set(Offer::None);
    };
    let reload = move |_| {
        #[cfg(not(feature = "ssr"))]
        browser::pwa_apply_update();
    };
    view! {
        {move || update.get().then(|| view! {
            <aside class="install-banner" data-testid="update-banner" role="region" aria-label="Phiên bản mới">
                <p>"Có phiên bản mới — tải lại để dùng. Nếu đang nhập dở, hãy gửi hoặc lưu trước."</p>
                <div class="actions"><button type="button" class="primary" on:click=reload>"Tải lại"</button></div>
            </aside>
        })}
        {move || match offer.get() {
            Offer::None => ().into_any(),
            Offer::Prompt => view! {
                <aside class="install-banner" data-testid="install-banner" role="region" aria-label="Cài đặt ứng dụng">
                    <p>"Cài Sổ tay đảng viên lên màn hình chính để mở nhanh như một ứng dụng."</p>
                    <div class="actions">
                        <button type="button" class="primary" on:click=install>"Cài đặt"</button>
                        <button type="button" on:click=later>"Để sau"</button>
                    </div>
                </aside>
            }.into_any(),
            Offer::Ios => view! {
                <aside class="install-banner" data-testid="install-banner" role="region" aria-label="Cài đặt ứng dụng">
                    <p>"Để cài Sổ tay lên iPhone, iPad: bấm nút Chia sẻ "<span aria-hidden="true">"⎋"</span>" ở thanh dưới của Safari, chọn “Thêm vào MH chính”, rồi bấm “Thêm”."</p>
                    <div class="actions"><button type="button" on:click=later>"Đã hiểu"</button></div>
                </aside>
            }.into_any(),
        }}
    }
}
