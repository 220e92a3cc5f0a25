//! The header's bell with the unread count, and `/thong-bao-cua-toi`, the inbox.

use leptos::prelude::*;
use leptos_meta::Title;

use super::{mark_read, my_notifications, unread_count};
use crate::auth::SessionUser;
use crate::ui::{Loaded, WithUser};

/// How often an open page asks for the unread count.
const POLL_SECONDS: u64 = 8;

/// The unread count shared by the bell and the inbox page (which zeroes it when read).
#[derive(Clone, Copy)]
pub struct Unread(pub RwSignal<Option<i64>>);

/// The bell in the header. The count is fetched in the browser only (after hydration, then every
/// few seconds and whenever the tab comes back into view), so server and browser render the same
/// markup and the badge changes without a reload.
#[component]
pub fn NotificationBell() -> impl IntoView {
    let count = use_context::<Unread>().map(|u| u.0).unwrap_or_else(|| RwSignal::new(None));
    Effect::new(move |_| {
        let refresh = move || {
            leptos::task::spawn_local(async move {
                if let Ok(n) = unread_count().await {
                    count.set(Some(n));
                }
            });
        };
        refresh();
        if let Ok(handle) = set_interval_with_handle(refresh, std::time::Duration::from_secs(POLL_SECONDS)) {
            on_cleanup(move || handle.clear());
        }
        let listener = window_event_listener(leptos::ev::visibilitychange, move |_| refresh());
        on_cleanup(move || listener.remove());
    });
    view! {
        <a href="/thong-bao-cua-toi" class="bell" data-testid="bell">
            <svg viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" fill="currentColor">
                <path d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1z" />
            </svg>
            <span class="sr-only">"Thông báo"</span>
            {move || count.get().filter(|n| *n > 0).map(|n| view! {
                <span class="badge" data-testid="unread" aria-label=format!("{n} thông báo chưa đọc")>{if n > 99 { "99+".to_string() } else { n.to_string() }}</span>
            })}
        </a>
    }
}

#[component]
pub fn NotificationsPage() -> impl IntoView {
    let list = Resource::new(|| (), |_| my_notifications());
    view! {
        <Title text="Thông báo của tôi" />
        <WithUser children=move |_user: SessionUser| view! {
            <Loaded resource=list children=|items| view! { <Inbox items /> } />
        } />
    }
}

/// The inbox: opening one marks it read first (a page left at once could drop the request),
/// "read all" marks them all and loads the list again.
#[crate::ui::interactive]
fn Inbox(items: Vec<super::NotificationView>) -> impl IntoView {
    let (list, version) = crate::ui::reloaded(items, my_notifications);
    // The bell's count where the bell shares this page's state (a hydrated app).
    let unread = use_context::<Unread>();
    let read_all = Action::new(move |_: &()| async move {
        let r = mark_read(None).await;
        if r.is_ok() {
            version.update(|v| *v += 1);
            if let Some(u) = unread {
                u.0.set(Some(0));
            }
        }
        r
    });
    let navigate = crate::ui::navigator();
    let open = move |id: i64, link: String| {
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            let _ = mark_read(Some(id)).await;
            if let Some(u) = unread {
                u.0.update(|n| *n = n.map(|n| (n - 1).max(0)));
            }
            navigate(&link);
        });
    };
    view! {
        <section class="card" data-testid="notifications">
            <div class="title-row">
                <h1>"Thông báo của tôi"</h1>
                <button type="button" on:click=move |_| { read_all.dispatch(()); }>"Đánh dấu đã đọc tất cả"</button>
            </div>
            <p><a href="/thong-bao-cua-toi/cai-dat">"Cài đặt thông báo (loại thông báo, thông báo đẩy trên điện thoại)"</a></p>
            {move || {
                let items = list.get();
                if items.is_empty() {
                    view! { <p class="muted">"Chưa có thông báo nào."</p> }.into_any()
                } else {
                    view! {
                        <ul class="notification-list">
                            {items.into_iter().map(|n| {
                                let id = n.id;
                                let open = open.clone();
                                let link = n.link.clone();
                                view! {
                                    <li class:unread=!n.read>
                                        <a href=n.link on:click=move |ev| {
                                            // A new tab or window (a modifier, another button) is the browser's own.
                                            if ev.button() == 0 && !(ev.ctrl_key() || ev.meta_key() || ev.shift_key() || ev.alt_key()) {
                                                ev.prevent_default();
                                                open(id, link.clone());
                                            }
                                        }>{n.title}</a>
                                        <span class="muted small">" · " {n.created_at}</span>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }
            }}
        </section>
    }
}
