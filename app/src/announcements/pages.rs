//! `/thong-bao` (received and sent), `/thong-bao/moi` (compose), `/thong-bao/:id` (read,
//! confirm; receipts for the sender).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::{AUDIENCES, AnnouncementForm, AnnouncementSummary, announcements_home, confirm_announcement, open_announcement, send_announcement};
use crate::auth::SessionUser;
use crate::ui::{FieldMessage, FormMessage, Loaded, WithUser, navigate_on_success};

#[component]
fn AnnouncementRows(items: Vec<AnnouncementSummary>, #[prop(optional)] receipts: bool) -> impl IntoView {
    view! {
        <ul class="notification-list">
            {items.into_iter().map(|a| view! {
                <li class:unread=receipts && !a.read>
                    <a href=format!("/thong-bao/{}", a.id)>{a.title}</a>
                    <span class="muted small">" · " {a.unit.name} " · " {a.created_at}</span>
                    {(receipts && a.needs_confirm && !a.confirmed).then(|| view! { <span class="state state-not_started">" Cần xác nhận"</span> })}
                </li>
            }).collect_view()}
        </ul>
    }
}

#[component]
pub fn AnnouncementsPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| announcements_home());
    view! {
        <Title text="Thông báo của cấp ủy" />
        <WithUser children=move |_user: SessionUser| view! {
            <Loaded resource=data children=|d: super::AnnouncementsData| view! {
                <section class="card" data-testid="announcements">
                    <div class="title-row">
                        <h1>"Thông báo của cấp ủy"</h1>
                        {(!d.senders.is_empty()).then(|| view! { <a href="/thong-bao/moi" class="button primary">"Soạn thông báo"</a> })}
                    </div>
                    {if d.received.is_empty() {
                        view! { <p class="muted">"Chưa có thông báo nào."</p> }.into_any()
                    } else {
                        view! { <AnnouncementRows items=d.received.clone() receipts=true /> }.into_any()
                    }}
                </section>
                {(!d.sent.is_empty()).then(|| view! {
                    <section class="card" data-testid="announcements-sent">
                        <h2>"Đã gửi"</h2>
                        <AnnouncementRows items=d.sent.clone() />
                    </section>
                })}
            } />
        } />
    }
}

#[component]
pub fn NewAnnouncementPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| announcements_home());
    view! {
        <Title text="Soạn thông báo" />
        <WithUser children=move |_user: SessionUser| view! {
            <Loaded resource=data children=move |d: super::AnnouncementsData| {
                if d.senders.is_empty() {
                    view! {
                        <div class="alert alert-error" role="alert">"Chỉ cấp ủy viên mới gửi được thông báo."</div>
                    }.into_any()
                } else {
                    view! { <Compose senders=d.senders.clone() /> }.into_any()
                }
            } />
        } />
    }
}

/// The compose form: the page's interactive part.
#[crate::ui::interactive]
fn Compose(senders: Vec<crate::units::UnitRef>) -> impl IntoView {
    let unit = RwSignal::new(senders.first().map_or(String::new(), |u| u.id.to_string()));
    let title = RwSignal::new(String::new());
    let body = RwSignal::new(String::new());
    let audience = RwSignal::new("all".to_string());
    let needs_confirm = RwSignal::new(false);
    let send = Action::new(move |_: &()| {
        let form = AnnouncementForm {
            unit_id: unit.get_untracked().parse().unwrap_or(0),
            title: title.get_untracked(),
            body: body.get_untracked(),
            audience: audience.get_untracked(),
            needs_confirm: needs_confirm.get_untracked(),
        };
        async move { send_announcement(form).await }
    });
    navigate_on_success(send, |id| format!("/thong-bao/{id}"));
    let error = crate::ui::action_error(send);
    view! {
        <section class="card" data-testid="compose">
            <h1>"Soạn thông báo"</h1>
            <div class="field">
                <label for="an-unit">"Cấp ủy gửi"</label>
                <select id="an-unit" on:change=move |ev| unit.set(event_target_value(&ev))>
                    {senders.into_iter().map(|u| view! { <option value=u.id>{u.name}</option> }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="an-audience">"Người nhận"</label>
                <select id="an-audience" on:change=move |ev| audience.set(event_target_value(&ev))>
                    {AUDIENCES.iter().map(|(c, l)| view! { <option value=*c>{*l}</option> }).collect_view()}
                </select>
                <FieldMessage error field="audience" />
            </div>
            <div class="field">
                <label for="an-title">"Tiêu đề"</label>
                <input id="an-title" prop:value=move || title.get() on:input=move |ev| title.set(event_target_value(&ev)) />
                <FieldMessage error field="title" />
            </div>
            <div class="field">
                <label for="an-body">"Nội dung"</label>
                <textarea id="an-body" rows="6" prop:value=move || body.get() on:input=move |ev| body.set(event_target_value(&ev))></textarea>
                <FieldMessage error field="body" />
            </div>
            <label class="inline">
                <input type="checkbox" prop:checked=move || needs_confirm.get() on:change=move |ev| needs_confirm.set(event_target_checked(&ev)) />
                "Yêu cầu người nhận bấm “Xác nhận” (ví dụ: giấy mời họp)"
            </label>
            <FormMessage error />
            <button type="button" class="primary" on:click=move |_| { send.dispatch(()); }>"Gửi thông báo"</button>
        </section>
    }
}

#[component]
pub fn AnnouncementPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0);
    let view_data = Resource::new(id, open_announcement);
    view! {
        <Title text="Thông báo" />
        <WithUser children=move |_user: SessionUser| view! {
            <Loaded resource=view_data children=move |a: super::AnnouncementView| {
                let id = a.summary.id;
                view! {
                    <section class="card" data-testid="announcement">
                        <p class="muted"><a href="/thong-bao">"‹ Thông báo của cấp ủy"</a></p>
                        <h1>{a.summary.title.clone()}</h1>
                        <p class="muted">{a.summary.unit.name.clone()} " · " {a.author.clone()} " · " {a.summary.created_at.clone()} " · gửi: " {a.audience.clone()}</p>
                        <div>{a.body.lines().map(|l| view! { <p>{l.to_string()}</p> }).collect_view()}</div>
                        {(a.is_recipient && a.summary.needs_confirm).then(|| view! {
                            <ConfirmAnnouncement id confirmed=a.summary.confirmed />
                        })}
                    </section>
                    {a.receipts.map(|r| view! {
                        <section class="card" data-testid="receipts">
                            <h2>"Tình hình nhận thông báo"</h2>
                            <p data-testid="receipt-counts">{format!("{} người nhận · {} đã đọc · {} đã xác nhận", r.recipients, r.read, r.confirmed)}</p>
                        </section>
                    })}
                }.into_any()
            } />
        } />
    }
}

/// "Xác nhận đã nhận thông báo", and what it says once confirmed.
#[crate::ui::interactive]
fn ConfirmAnnouncement(id: i64, confirmed: bool) -> impl IntoView {
    let confirm = Action::new(move |id: &i64| confirm_announcement(*id));
    let error = crate::ui::action_error(confirm);
    let done = move || confirmed || matches!(confirm.value().get(), Some(Ok(())));
    view! {
        <Show when=done fallback=move || view! {
            <FormMessage error />
            <button type="button" class="primary" disabled=move || confirm.pending().get() on:click=move |_| { confirm.dispatch(id); }>"Xác nhận đã nhận thông báo"</button>
        }>
            <p class="alert alert-success" role="status">"Đồng chí đã xác nhận."</p>
        </Show>
    }
}
