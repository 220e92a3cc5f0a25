//! Every member's in-app inbox: what happened that concerns them (a question answered, a new
//! question for their committee), with an unread count the header polls so it changes without a
//! reload.

mod pages;
#[cfg(feature = "ssr")]
pub mod service;

pub use pages::{NotificationBell, NotificationsPage, Unread};

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
