//! Questions and proposals (hỏi đáp, kiến nghị): a member writes to their cell or a committee of
//! their own line, choosing per item who may see their name; the receiving committee takes it,
//! answers, forwards it along the line or closes it; the asker is notified and rates the answer.

mod pages;
#[cfg(feature = "ssr")]
pub mod service;

pub use pages::{AskPage, FaqPage, QuestionInboxPage, QuestionPage, QuestionReportPage};

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[allow(unused_imports)]
use crate::auth::service_call as call;
use crate::error::AppError;
use crate::units::UnitRef;

pub const KINDS: [(&str, &str); 2] = [("question", "Câu hỏi"), ("proposal", "Kiến nghị, đề xuất")];

pub const TOPICS: [(&str, &str); 7] = [
    ("to_chuc", "Công tác tổ chức, đảng viên"),
    ("dang_phi", "Đảng phí"),
    ("sinh_hoat", "Sinh hoạt chi bộ"),
    ("chinh_sach", "Chế độ, chính sách"),
    ("tu_tuong", "Tư tưởng, dư luận xã hội"),
    ("dan_sinh", "Kinh tế, đời sống ở địa phương"),
    ("khac", "Khác"),
];

/// Short topic names for chart labels, in `TOPICS` order.
pub const TOPIC_SHORT: [&str; 7] = ["Tổ chức", "Đảng phí", "Sinh hoạt", "Chính sách", "Tư tưởng", "Dân sinh", "Khác"];

/// Who may see the asker's name, per item.
pub const ANONYMITY: [(&str, &str, &str); 3] = [
    ("named", "Ghi tên", "Bí thư chi bộ và cấp ủy nhận câu hỏi đều thấy tên đồng chí."),
    ("cell_only", "Chỉ bí thư chi bộ của tôi biết tên", "Bí thư, phó bí thư chi bộ của đồng chí biết tên (như thường lệ); cấp ủy cấp trên không thấy tên."),
    ("anonymous", "Ẩn danh hoàn toàn", "Không ai thấy tên đồng chí, kể cả bí thư chi bộ."),
];

pub const STATUSES: [(&str, &str); 4] =
    [("received", "Đã tiếp nhận"), ("assigned", "Đang xử lý"), ("answered", "Đã trả lời"), ("closed", "Đã đóng")];

/// Days a committee has to answer.
pub const DAYS_TO_ANSWER: i64 = 7;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AskForm {
    /// Made by the device, so a resend is the same question.
    pub client_id: String,
    pub unit_id: i64,
    pub kind: String,
    pub topic: String,
    pub title: String,
    pub body: String,
    pub anonymity: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuestionSummary {
    pub id: i64,
    pub kind: String,
    pub topic: String,
    pub title: String,
    pub unit: UnitRef,
    pub status: String,
    pub due_on: String,
    pub overdue: bool,
    pub created_at: String,
    /// The asker's name where this reader may see it.
    pub asker: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuestionEventView {
    pub action: String,
    /// Who acted; `None` for the asker's own steps.
    pub actor: Option<String>,
    pub unit: Option<String>,
    pub note: String,
    pub at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuestionDetail {
    pub summary: QuestionSummary,
    pub body: String,
    pub anonymity: String,
    /// In words, who sees the asker's name.
    pub who_sees_name: String,
    pub assignee: Option<String>,
    pub answer: String,
    pub answered_by: Option<String>,
    pub answered_at: Option<String>,
    pub rating: Option<i32>,
    pub rating_comment: String,
    pub history: Vec<QuestionEventView>,
    pub is_asker: bool,
    pub can_handle: bool,
    /// Where the holder may send it along the asker's line. The server resolves the unit from
    /// the direction, so a handler who may not know the asker never learns the asker's cell.
    pub forward_choices: Vec<ForwardChoice>,
    /// Published in the holder's FAQ (entry id).
    pub faq_id: Option<i64>,
    /// Merged into another question: its number and, once given, its answer.
    pub merged_into: Option<i64>,
    pub merged_answer: Option<String>,
}

/// One FAQ entry as a member finds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FaqHit {
    pub id: i64,
    pub unit: UnitRef,
    pub topic: String,
    pub question: String,
    pub answer: String,
    pub published_at: String,
}

#[server(endpoint = "faq")]
pub async fn search_faq(query: String) -> Result<Vec<FaqHit>, AppError> {
    // As the library's search box: a longer paste is cut, not refused.
    let query: String = query.chars().take(crate::documents::MAX_QUERY_CHARS).collect();
    let index = crate::state::search_index()?;
    call!(|db, user| service::faq(&db, &index, &user, &query))
}

/// Publishes an answered question to the holder's FAQ, as edited (without the asker).
#[server(endpoint = "faq-publish")]
pub async fn publish_faq(id: i64, question: String, answer: String) -> Result<i64, AppError> {
    let index = crate::state::search_index()?;
    call!(|db, user| service::publish_faq(&db, &index, &user, id, &question, &answer))
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AskPageData {
    /// The asker's cell and every unit above it, nearest first.
    pub recipients: Vec<UnitRef>,
    pub mine: Vec<QuestionSummary>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuestionInboxView {
    /// The units whose questions this user handles.
    pub units: Vec<UnitRef>,
    pub items: Vec<QuestionSummary>,
    pub open: i64,
    pub overdue: i64,
}

#[server(endpoint = "questions-home")]
pub async fn questions_home() -> Result<AskPageData, AppError> {
    call!(|db, user| service::ask_page(&db, &user))
}

#[server(endpoint = "question-ask")]
pub async fn ask_question(form: AskForm) -> Result<i64, AppError> {
    call!(|db, user| service::ask(&db, &user, &form))
}

#[server(endpoint = "question-inbox")]
pub async fn question_inbox(status: Option<String>) -> Result<QuestionInboxView, AppError> {
    call!(|db, user| service::inbox(&db, &user, status.as_deref()))
}

#[server(endpoint = "question")]
pub async fn get_question(id: i64) -> Result<QuestionDetail, AppError> {
    call!(|db, user| service::detail(&db, &user, id))
}

#[server(endpoint = "question-take")]
pub async fn take_question(id: i64) -> Result<(), AppError> {
    call!(|db, user| service::take(&db, &user, id))
}

#[server(endpoint = "question-answer")]
pub async fn answer_question(id: i64, answer: String) -> Result<(), AppError> {
    call!(|db, user| service::answer(&db, &user, id, &answer))
}

/// One way a question may be forwarded: `direction` is what the browser sends back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForwardChoice {
    pub direction: Forward,
    pub label: String,
}

/// Directions along the asker's line, never a unit id from the browser.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Forward {
    /// To the committee directly above the holder.
    Up,
    /// One level down, towards the asker's cell.
    Down,
    /// Straight to the asker's own cell.
    ToCell,
}

#[server(endpoint = "question-forward")]
pub async fn forward_question(id: i64, direction: Forward, note: String) -> Result<(), AppError> {
    call!(|db, user| service::forward(&db, &user, id, direction, &note))
}

#[server(endpoint = "question-close")]
pub async fn close_question(id: i64, note: String) -> Result<(), AppError> {
    call!(|db, user| service::close(&db, &user, id, &note))
}

#[server(endpoint = "question-rate")]
pub async fn rate_answer(id: i64, stars: i32, comment: String) -> Result<(), AppError> {
    call!(|db, user| service::rate(&db, &user, id, stars, &comment))
}

/// Question figures for a unit (or a row of its children).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuestionStats {
    pub received: i64,
    pub answered: i64,
    pub open: i64,
    pub overdue: i64,
    /// Median hours from asking to answer, over the answered ones.
    pub median_answer_hours: Option<i64>,
    pub rated: i64,
    pub star_sum: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuestionReportView {
    pub unit: UnitRef,
    pub period_label: String,
    pub period_code: String,
    pub totals: QuestionStats,
    /// Questions held by each child unit's subtree.
    pub rows: Vec<(UnitRef, QuestionStats)>,
    /// (short topic label, count), in TOPICS order.
    pub topics: Vec<(String, i64)>,
    /// How many answers got 1…5 stars.
    pub stars: [i64; 5],
}

#[server(endpoint = "question-report")]
pub async fn question_report(unit_id: Option<i64>, period: Option<String>) -> Result<QuestionReportView, AppError> {
    call!(|db, user| async move {
        let period = crate::common::report::period_or_default(period.as_deref())?;
        let unit_id = unit_id.unwrap_or_else(|| crate::common::report::default_unit(&user));
        service::report(&db, &user, unit_id, period).await
    })
}

/// Closes a duplicate by merging it into another question the same handler holds; its asker is
/// pointed to that question's answer.
#[server(endpoint = "question-merge")]
pub async fn merge_question(id: i64, into: i64) -> Result<(), AppError> {
    call!(|db, user| service::merge(&db, &user, id, into))
}
