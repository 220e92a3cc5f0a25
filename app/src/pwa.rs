//! The installable app: the service worker registered on every page, and the invitation to
//! install — Chromium's own prompt where it offers one, "Add to Home Screen" steps on iOS Safari
//! (which has no prompt).

use leptos::prelude::*;

#[cfg(not(feature = "ssr"))]
mod browser {
    use wasm_bindgen::prelude::*;

    #[wasm_bindgen(inline_js = r#"
let deferred = null;
export function pwa_start(on_installable) {
  if ('serviceWorker' in navigator) navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch(() => {});
  window.addEventListener('beforeinstallprompt', (e) => { e.preventDefault(); deferred = e; on_installable(); });
  window.addEventListener('appinstalled', () => { deferred = null; });
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
        pub fn pwa_start(on_installable: &Closure<dyn FnMut()>);
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
#[component]
pub fn InstallBanner() -> impl IntoView {
    let offer = RwSignal::new(Offer::None);
    Effect::new(move |_| {
        #[cfg(not(feature = "ssr"))]
        {
            use wasm_bindgen::prelude::Closure;
            let on_installable = Closure::<dyn FnMut()>::new(move || {
                if !dismissed_recently() {
                    offer.set(Offer::Prompt);
                }
            });
            browser::pwa_start(&on_installable);
            // Lives as long as the page: the browser may offer installing at any time.
            on_installable.forget();
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
    view! {
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
