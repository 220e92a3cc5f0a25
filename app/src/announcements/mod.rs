//! Announcements (thông báo) from a committee to its subtree, or to chosen roles in it (all cell
//! secretaries, the committees), with read receipts and an optional "confirm" button.

mod pages;
#[cfg(feature = "ssr")]
pub mod service;

pub use pages::{AnnouncementPage, AnnouncementsPage, NewAnnouncementPage};

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[allow(unused_imports)]
use crate::auth::service_call as call;
use crate::error::AppError;
use crate::units::UnitRef;

pub const AUDIENCES: [(&str, &str); 3] = [
    ("all", "Toàn thể đảng viên trong đảng bộ"),
    ("secretaries", "Bí thư, phó bí thư các chi bộ"),
    ("committee", "Cấp ủy viên các cấp trong đảng bộ"),
];

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnnouncementForm {
    pub unit_id: i64,
    pub title: String,
    pub body: String,
    pub audience: String,
    #[serde(default)]
    pub needs_confirm: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnnouncementSummary {
    pub id: i64,
    pub unit: UnitRef,
    pub title: String,
    pub created_at: String,
    pub needs_confirm: bool,
    /// For the reader: opened already / confirmed already.
    pub read: bool,
    pub confirmed: bool,
}

/// Receipts as the sender sees them: counts only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipts {
    pub recipients: i64,
    pub read: i64,
    pub confirmed: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnnouncementView {
    pub summary: AnnouncementSummary,
    pub body: String,
    pub audience: String,
    pub author: String,
    pub is_recipient: bool,
    /// For the issuing committee.
    pub receipts: Option<Receipts>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnnouncementsData {
    pub received: Vec<AnnouncementSummary>,
    /// Sent by the committees this user sits on.
    pub sent: Vec<AnnouncementSummary>,
    /// Units this user may send from.
    pub senders: Vec<UnitRef>,
}

#[server(endpoint = "announcements")]
pub async fn announcements_home() -> Result<AnnouncementsData, AppError> {
    call!(|db, user| service::home(&db, &user))
}

#[server(endpoint = "announcement-send")]
pub async fn send_announcement(form: AnnouncementForm) -> Result<i64, AppError> {
    call!(|db, user| service::send(&db, &user, &form))
}

/// Opens an announcement; for a recipient this is the read receipt.
#[server(endpoint = "announcement")]
pub async fn open_announcement(id: i64) -> Result<AnnouncementView, AppError> {
    call!(|db, user| service::open(&db, &user, id))
}

#[server(endpoint = "announcement-confirm")]
pub async fn confirm_announcement(id: i64) -> Result<(), AppError> {
    call!(|db, user| service::confirm(&db, &user, id))
}
