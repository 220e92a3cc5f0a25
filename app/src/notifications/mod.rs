//! Every member's in-app inbox: what happened that concerns them (a question answered, a new
//! question for their committee), with an unread count the header polls so it changes without a
//! reload.

mod pages;
#[cfg(feature = "ssr")]
pub mod push;
#[cfg(feature = "ssr")]
pub mod service;
mod settings;

pub use pages::{NotificationBell, NotificationsPage, Unread};
pub use settings::NotificationSettingsPage;

/// A fresh unread counter for the layout to share with the bell and the inbox page.
pub fn pages_unread() -> Unread {
    Unread(RwSignal::new(None))
}

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[allow(unused_imports)]
use crate::auth::service_call as call;
use crate::error::AppError;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotificationView {
    pub id: i64,
    pub kind: String,
    pub title: String,
    pub link: String,
    /// "14:05 25/11/2026", Vietnam time.
    pub created_at: String,
    pub read: bool,
}

#[server(endpoint = "notifications")]
pub async fn my_notifications() -> Result<Vec<NotificationView>, AppError> {
    call!(|db, user| service::latest(&db, &user))
}

#[server(endpoint = "notifications-unread")]
pub async fn unread_count() -> Result<i64, AppError> {
    call!(|db, user| service::unread(&db, &user))
}

/// Marks one notification read (`Some(id)`) or all of them (`None`).
#[server(endpoint = "notifications-read")]
pub async fn mark_read(id: Option<i64>) -> Result<(), AppError> {
    call!(|db, user| service::mark_read(&db, &user, id))
}

/// The kinds of notification a member can turn on or off, as `notify` is called with them.
pub const KINDS: [(&str, &str); 5] = [
    ("meeting", "Lịch sinh hoạt chi bộ"),
    ("announcement", "Thông báo của cấp ủy"),
    ("consultation", "Xin ý kiến dự thảo"),
    ("answer", "Trả lời câu hỏi, kiến nghị của tôi"),
    ("question", "Câu hỏi, kiến nghị gửi đến nơi tôi tiếp nhận"),
];

/// One kind and whether the member gets it in the inbox and as a push.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KindChoice {
    pub kind: String,
    pub label: String,
    pub in_app: bool,
    pub push: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotificationSettingsView {
    pub kinds: Vec<KindChoice>,
    /// The server's VAPID public key (base64url): the browser's `applicationServerKey`.
    pub vapid_public_key: String,
    /// How many of the member's browsers accept pushes.
    pub devices: i64,
}

#[server(endpoint = "notification-settings")]
pub async fn notification_settings() -> Result<NotificationSettingsView, AppError> {
    let secret = crate::state::secret_key()?;
    call!(|db, user| service::settings(&db, &secret, &user))
}

#[server(endpoint = "notification-settings-save")]
pub async fn save_notification_settings(choices: Vec<KindChoice>) -> Result<(), AppError> {
    call!(|db, user| service::save_settings(&db, &user, &choices))
}

/// Registers this browser's push subscription for the logged-in member.
#[server(endpoint = "push-subscribe")]
pub async fn push_subscribe(endpoint: String, p256dh: String, auth: String) -> Result<(), AppError> {
    let agent = crate::state::request_meta().user_agent.unwrap_or_default();
    let settings = crate::state::push_settings()?;
    call!(|db, user| push::subscribe(&db, &settings, &user, &endpoint, &p256dh, &auth, &agent))
}

#[server(endpoint = "push-unsubscribe")]
pub async fn push_unsubscribe(endpoint: String) -> Result<(), AppError> {
    call!(|db, user| push::unsubscribe(&db, &user, &endpoint))
}
