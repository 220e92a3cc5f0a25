//! `/thong-bao-cua-toi/cai-dat`: which kinds of notification a member gets in the inbox and as a
//! push, and turning Web Push on or off for this browser.

use leptos::prelude::*;
use leptos_meta::Title;

use super::{KindChoice, NotificationSettingsView, notification_settings, save_notification_settings};
use crate::auth::SessionUser;
use crate::ui::{FormMessage, Loaded, WithUser};

/// The browser's side of Web Push (service worker, permission, subscription), in JavaScript
/// because that is where those APIs live.
#[cfg(not(feature = "ssr"))]
mod browser {
    use wasm_bindgen::prelude::*;

    #[wasm_bindgen(inline_js = r#"
const ready = () => ('serviceWorker' in navigator) && ('PushManager' in window) && ('Notification' in window);
function keyBytes(b64) {
  const s = atob(b64.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((b64.length + 3) % 4));
  return Uint8Array.from(s, c => c.charCodeAt(0));
}
export function push_state() { return ready() ? Notification.permission : 'unsupported'; }
export async function push_current() {
  if (!ready()) return '';
  const reg = await navigator.serviceWorker.getRegistration('/');
  const sub = reg && await reg.pushManager.getSubscription();
  return sub ? sub.endpoint : '';
}
export async function push_enable(key) {
  if (!ready()) throw new Error('unsupported');
  if (await Notification.requestPermission() !== 'granted') throw new Error('denied');
  // Every page registers the worker already (pwa.rs); register only if that has not happened.
  const reg = (await navigator.serviceWorker.getRegistration('/')) || (await navigator.serviceWorker.register('/sw.js', { scope: '/' }));
  await navigator.serviceWorker.ready;
  let sub = await reg.pushManager.getSubscription();
  if (!sub) sub = await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(key) });
  const j = sub.toJSON();
  return JSON.stringify({ endpoint: j.endpoint, p256dh: j.keys.p256dh, auth: j.keys.auth });
}
export async function push_disable() {
  const reg = ready() && await navigator.serviceWorker.getRegistration('/');
  const sub = reg && await reg.pushManager.getSubscription();
  if (!sub) return '';
  const endpoint = sub.endpoint;
  await sub.unsubscribe();
  return endpoint;
}
"#)]
    extern "C" {
        pub fn push_state() -> String;
        #[wasm_bindgen(catch)]
        pub async fn push_current() -> Result<JsValue, JsValue>;
        #[wasm_bindgen(catch)]
        pub async fn push_enable(key: &str) -> Result<JsValue, JsValue>;
        #[wasm_bindgen(catch)]
        pub async fn push_disable() -> Result<JsValue, JsValue>;
    }
}

#[component]
pub fn NotificationSettingsPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| notification_settings());
    view! {
        <Title text="Cài đặt thông báo" />
        <WithUser children=move |_user: SessionUser| view! {
            <Loaded resource=data children=|s| view! { <PushDevice settings=s.clone() /> <KindChoices kinds=s.kinds /> } />
        } />
    }
}

/// Web Push on this browser: what the browser allows, and a button to turn it on or off.
#[crate::ui::interactive]
fn PushDevice(settings: NotificationSettingsView) -> impl IntoView {
    // "unsupported", "default", "denied", "granted" (+ "on" when this browser is subscribed).
    let state = RwSignal::new(String::new());
    let message = RwSignal::new(None::<String>);
    let devices = RwSignal::new(settings.devices);
    let busy = RwSignal::new(false);
    Effect::new(move |_| {
        #[cfg(not(feature = "ssr"))]
        leptos::task::spawn_local(async move {
            let permission = browser::push_state();
            let on = browser::push_current().await.ok().and_then(|v| v.as_string()).is_some_and(|e| !e.is_empty());
            state.set(if on { "on".into() } else { permission });
        });
    });
    let key = settings.vapid_public_key.clone();
    let enable = move |_| {
        busy.set(true);
        message.set(None);
        let _key = key.clone();
        #[cfg(not(feature = "ssr"))]
        leptos::task::spawn_local(async move {
            let outcome = match browser::push_enable(&_key).await {
                Ok(json) => {
                    let sub: serde_json::Value = serde_json::from_str(&json.as_string().unwrap_or_default()).unwrap_or_default();
                    let field = |k: &str| sub.get(k).and_then(|v| v.as_str()).unwrap_or_default().to_string();
                    super::push_subscribe(field("endpoint"), field("p256dh"), field("auth")).await.map_err(|e| e.to_string())
                }
                Err(e) => Err(match js_sys::Error::from(e).message().as_string().unwrap_or_default().as_str() {
                    "denied" => "Trình duyệt đang chặn thông báo của Sổ tay. Hãy cho phép thông báo trong cài đặt trang web rồi thử lại.".to_string(),
                    "unsupported" => "Trình duyệt này không hỗ trợ thông báo đẩy.".to_string(),
                    other => format!("Không đăng ký được với dịch vụ thông báo đẩy của trình duyệt ({other})."),
                }),
            };
            match outcome {
                Ok(()) => {
                    state.set("on".into());
                    devices.update(|d| *d += 1);
                    message.set(Some("Đã bật thông báo đẩy trên thiết bị này.".into()));
                }
                Err(text) => {
                    state.set(browser::push_state());
                    message.set(Some(text));
                }
            }
            busy.set(false);
        });
    };
    let disable = move |_| {
        busy.set(true);
        #[cfg(not(feature = "ssr"))]
        leptos::task::spawn_local(async move {
            if let Ok(endpoint) = browser::push_disable().await {
                let endpoint = endpoint.as_string().unwrap_or_default();
                if !endpoint.is_empty() && super::push_unsubscribe(endpoint).await.is_ok() {
                    devices.update(|d| *d = (*d - 1).max(0));
                }
            }
            state.set(browser::push_state());
            message.set(Some("Đã tắt thông báo đẩy trên thiết bị này.".into()));
            busy.set(false);
        });
    };
    let status = move || match state.get().as_str() {
        "" => "Đang kiểm tra trình duyệt…".to_string(),
        "on" => "Thiết bị này đang nhận thông báo đẩy.".to_string(),
        "unsupported" => "Trình duyệt này không hỗ trợ thông báo đẩy. Trên iPhone, iPad: mở Sổ tay bằng Safari, bấm Chia sẻ → “Thêm vào MH chính”, rồi mở Sổ tay từ biểu tượng đó.".to_string(),
        "denied" => "Trình duyệt đang chặn thông báo của Sổ tay; hãy cho phép trong cài đặt trang web.".to_string(),
        _ => "Thiết bị này chưa nhận thông báo đẩy.".to_string(),
    };
    view! {
        <section class="card" data-testid="push-device">
            <p class="muted"><a href="/thong-bao-cua-toi">"‹ Thông báo của tôi"</a></p>
            <h1>"Cài đặt thông báo"</h1>
            <h2>"Thông báo đẩy trên thiết bị này"</h2>
            <p data-testid="push-status">{status}</p>
            <p class="muted" data-testid="push-devices">{move || format!("Đồng chí đang nhận thông báo đẩy trên {} thiết bị.", devices.get())}</p>
            {move || match state.get().as_str() {
                "on" => view! { <button type="button" on:click=disable disabled=move || busy.get()>"Tắt trên thiết bị này"</button> }.into_any(),
                "unsupported" | "" => ().into_any(),
                _ => view! { <button type="button" class="primary" on:click=enable.clone() disabled=move || busy.get()>"Bật thông báo đẩy"</button> }.into_any(),
            }}
            {move || message.get().map(|m| view! { <p role="status" data-testid="push-message">{m}</p> })}
        </section>
    }
}

#[crate::ui::interactive]
fn KindChoices(kinds: Vec<KindChoice>) -> impl IntoView {
    let choices: Vec<(KindChoice, RwSignal<bool>, RwSignal<bool>)> = kinds.into_iter().map(|k| (k.clone(), RwSignal::new(k.in_app), RwSignal::new(k.push))).collect();
    let rows = choices.clone();
    let save = Action::new(move |_: &()| {
        let chosen: Vec<KindChoice> = choices
            .iter()
            .map(|(k, in_app, push)| KindChoice { in_app: in_app.get_untracked(), push: push.get_untracked(), ..k.clone() })
            .collect();
        async move { save_notification_settings(chosen).await }
    });
    let error = crate::ui::action_error(save);
    let saved = move || matches!(save.value().get(), Some(Ok(())));
    view! {
        <section class="card" data-testid="notification-kinds">
            <h2>"Chọn loại thông báo"</h2>
            <table class="report-table">
                <thead><tr><th>"Loại"</th><th>"Trong Sổ tay"</th><th>"Thông báo đẩy"</th></tr></thead>
                <tbody>
                    {rows.into_iter().map(|(k, in_app, push)| view! {
                        <tr data-testid=format!("kind-{}", k.kind)>
                            <td>{k.label.clone()}</td>
                            <td><input type="checkbox" aria-label=format!("{}: trong Sổ tay", k.label) prop:checked=move || in_app.get() on:change=move |ev| in_app.set(event_target_checked(&ev)) /></td>
                            <td><input type="checkbox" aria-label=format!("{}: thông báo đẩy", k.label) prop:checked=move || push.get() on:change=move |ev| push.set(event_target_checked(&ev)) /></td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            <p class="hint">"Loại đã tắt “Trong Sổ tay” không còn hiện trong Thông báo của tôi; thông báo của cấp ủy vẫn xem được ở mục Thông báo của cấp ủy."</p>
            <FormMessage error />
            {move || saved().then(|| view! { <p class="alert alert-success" role="status">"Đã lưu lựa chọn."</p> })}
            <button type="button" class="primary" on:click=move |_| { save.dispatch(()); }>"Lưu lựa chọn"</button>
        </section>
    }
}
