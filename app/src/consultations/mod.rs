//! Consultation on drafts (xin ý kiến dự thảo): a committee puts a draft document to its members
//! until a deadline; members comment article by article (agree, propose an amendment, other);
//! the committee reads the comments grouped by article and exports them.

mod pages;
#[cfg(feature = "ssr")]
pub mod service;

pub use pages::{ConsultationDigestPage, ConsultationPage, ConsultationsPage, NewConsultationPage};

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[allow(unused_imports)]
use crate::auth::service_call as call;
use crate::error::AppError;
use crate::units::UnitRef;

/// What a comment says about its article; codes are what the database stores.
pub const STANCES: [(&str, &str); 3] = [("agree", "Nhất trí"), ("amend", "Đề nghị sửa đổi, bổ sung"), ("other", "Ý kiến khác")];

/// The form a committee fills to open a consultation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsultationForm {
    pub document_id: i64,
    /// The committee asking: invitees are its subtree (or chosen roles in it).
    pub unit_id: i64,
    pub audience: String,
    /// The last day comments are taken (inclusive), `2026-12-15` or `15/12/2026`.
    pub closes_on: String,
    pub intro: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsultationSummary {
    pub id: i64,
    pub document_id: i64,
    pub title: String,
    pub number: String,
    pub unit: UnitRef,
    pub closes_on: String,
    pub open: bool,
    /// "Còn 5 ngày", "Hạn chót hôm nay", "Đã kết thúc".
    pub status: String,
    pub invitees: i64,
    /// The reader's own comments.
    pub my_comments: i64,
}

/// One article of the draft as members comment on it, with its clauses folded into its text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DraftArticle {
    /// Empty for the whole draft.
    pub anchor: String,
    /// "Điều 3. Chế độ làm việc".
    pub label: String,
    /// The chapter (or part) it opens, when it is the first article of one.
    pub chapter: Option<String>,
    pub paragraphs: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommentView {
    pub client_id: String,
    pub anchor: String,
    pub label: String,
    pub stance: String,
    pub body: String,
    pub updated_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsultationView {
    pub summary: ConsultationSummary,
    pub intro: String,
    pub audience: String,
    pub asked_by: String,
    pub articles: Vec<DraftArticle>,
    pub mine: Vec<CommentView>,
    pub can_comment: bool,
    /// The asking committee: sees the digest, may close early.
    pub can_manage: bool,
}

/// A comment as the committee reads it: with the member's name and cell.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DigestComment {
    pub author: String,
    pub unit: String,
    pub stance: String,
    pub body: String,
    pub at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArticleGroup {
    pub anchor: String,
    pub label: String,
    pub agree: i64,
    pub amend: i64,
    pub other: i64,
    pub comments: Vec<DigestComment>,
}

/// Participation of one child unit of the asking committee.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitParticipation {
    pub unit: UnitRef,
    pub invitees: i64,
    pub commenters: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DigestView {
    pub summary: ConsultationSummary,
    pub invitees: i64,
    pub commenters: i64,
    pub comments: i64,
    /// The whole draft first, then every article in order (those nobody commented on too).
    pub groups: Vec<ArticleGroup>,
    pub by_unit: Vec<UnitParticipation>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsultationsData {
    pub invited: Vec<ConsultationSummary>,
    /// Opened by committees this user sits on (or below them).
    pub managed: Vec<ConsultationSummary>,
    pub can_open: bool,
}

/// A draft a committee member may put to consultation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DraftChoice {
    pub id: i64,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewConsultationView {
    pub drafts: Vec<DraftChoice>,
    pub senders: Vec<UnitRef>,
    /// Two weeks from today in Vietnam, `yyyy-mm-dd` (what a date input takes).
    pub default_closes_on: String,
}

#[server(endpoint = "consultations")]
pub async fn consultations_home() -> Result<ConsultationsData, AppError> {
    call!(|db, user| service::home(&db, &user))
}

#[server(endpoint = "consultation-new")]
pub async fn new_consultation_data() -> Result<NewConsultationView, AppError> {
    call!(|db, user| service::new_data(&db, &user))
}

#[server(endpoint = "consultation-open")]
pub async fn open_consultation(form: ConsultationForm) -> Result<i64, AppError> {
    call!(|db, user| service::open(&db, &user, &form))
}

#[server(endpoint = "consultation")]
pub async fn consultation(id: i64) -> Result<ConsultationView, AppError> {
    call!(|db, user| service::view(&db, &user, id))
}

/// Writes (or rewrites) one comment; the device-made `client_id` makes a resend land once.
#[server(endpoint = "consultation-comment")]
pub async fn save_consultation_comment(
    client_id: String,
    consultation_id: i64,
    anchor: String,
    stance: String,
    body: String,
) -> Result<CommentView, AppError> {
    call!(|db, user| service::save_comment(&db, &user, consultation_id, &client_id, &anchor, &stance, &body))
}

#[server(endpoint = "consultation-comment-delete")]
pub async fn delete_consultation_comment(client_id: String) -> Result<(), AppError> {
    call!(|db, user| service::delete_comment(&db, &user, &client_id))
}

#[server(endpoint = "consultation-close")]
pub async fn close_consultation(id: i64) -> Result<(), AppError> {
    call!(|db, user| service::close(&db, &user, id))
}

#[server(endpoint = "consultation-digest")]
pub async fn consultation_digest(id: i64) -> Result<DigestView, AppError> {
    call!(|db, user| service::digest(&db, &user, id))
}
