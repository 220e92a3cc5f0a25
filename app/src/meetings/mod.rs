//! Party-cell meetings: planning, attendance, scoring on a rubric, the higher committee's review,
//! and members' anonymous ratings.

#[cfg(feature = "ssr")]
pub mod checkin;
mod pages;
pub mod report;
mod report_page;
pub mod rubric;
pub mod rubric_editor;
#[cfg(feature = "ssr")]
pub mod service;

pub use pages::{CheckInPage, MeetingPage, MeetingsListPage, MinutesPage, PlanMeetingPage, QrScreenPage, UpcomingMeetings};
pub use report_page::MeetingReportPage;
pub use rubric_editor::RubricEditorPage;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[allow(unused_imports)]
use crate::auth::service_call as call;
use crate::error::AppError;
use crate::units::UnitRef;
use rubric::MeetingFacts;

pub const KINDS: [(&str, &str); 2] = [("regular", "Sinh hoạt thường kỳ"), ("thematic", "Sinh hoạt chuyên đề")];
pub const ATTENDANCE: [(&str, &str); 5] = [
    ("unmarked", "Chưa điểm danh"),
    ("present", "Có mặt"),
    ("late", "Đến muộn"),
    ("excused", "Vắng có lý do"),
    ("absent", "Vắng không lý do"),
];
pub const STATUSES: [(&str, &str); 4] =
    [("planned", "Đã lên kế hoạch"), ("held", "Đã sinh hoạt"), ("scored", "Đã chấm điểm"), ("approved", "Cấp trên đã duyệt")];

/// The secretary's plan for a meeting, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeetingForm {
    pub unit_id: i64,
    pub kind: String,
    pub topic: String,
    pub agenda: String,
    pub place: String,
    /// Local time in Vietnam, as a browser's datetime-local gives it: 2026-12-05T19:30.
    pub starts_at: String,
    pub planned_minutes: String,
    /// Also held a thematic meeting in the same session (needs ≥ 120 minutes).
    #[serde(default)]
    pub with_thematic: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeetingSummary {
    pub id: i64,
    pub unit: UnitRef,
    pub kind: String,
    pub topic: String,
    /// "19:30 05/12/2026", Vietnam time.
    pub starts_at: String,
    pub status: String,
    pub total_tenths: Option<i32>,
    pub classification: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttendanceRow {
    pub member_id: i64,
    pub full_name: String,
    pub rsvp: String,
    pub rsvp_reason: String,
    pub status: String,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScoreRow {
    pub criterion_id: i64,
    pub label: String,
    pub max_tenths: i32,
    /// What the facts suggest, for automatic criteria.
    pub auto_tenths: Option<i32>,
    /// The score given, once scored.
    pub tenths: Option<i32>,
}

/// Ratings are shown only when at least this many members rated a meeting: with fewer, those
/// who know who attended could tell who said what.
pub const MIN_RATINGS_SHOWN: i64 = 3;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RatingSummary {
    /// How many rated; 0 while fewer than [`MIN_RATINGS_SHOWN`] did (see `withheld`), so the
    /// count itself does not tell the secretary when each one arrived.
    pub count: i64,
    /// Some members rated, too few for anything to be shown.
    #[serde(default)]
    pub withheld: bool,
    /// Average stars × 10 (43 = 4.3).
    pub average_tenths: Option<i64>,
    /// Comments only, in no particular order and never with names.
    pub comments: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MeetingDetail {
    pub summary: MeetingSummary,
    pub agenda: String,
    pub place: String,
    pub planned_minutes: i32,
    pub held_minutes: Option<i32>,
    pub facts: MeetingFacts,
    pub attendance: Vec<AttendanceRow>,
    pub scores: Vec<ScoreRow>,
    pub rubric_name: String,
    pub documents: Vec<MeetingDocumentView>,
    /// For the secretary: library documents that can be posted (id, title).
    pub postable: Vec<(i64, String)>,
    /// For the secretary and the committees above: the anonymous ratings.
    pub ratings: Option<RatingSummary>,
    pub can_manage: bool,
    pub can_review: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeetingDocumentView {
    pub document_id: i64,
    pub title: String,
    pub posted_at: String,
    /// Posted at least one day before the meeting.
    pub early: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeetingsPage {
    pub cell: UnitRef,
    pub meetings: Vec<MeetingSummary>,
    pub can_plan: bool,
    /// For committees: scored meetings below them waiting for review.
    pub awaiting_review: Vec<MeetingSummary>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttendanceMark {
    pub member_id: i64,
    pub status: String,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CriterionScore {
    pub criterion_id: i64,
    pub tenths: i32,
    /// Required when a committee changes the secretary's score.
    pub reason: String,
}

#[server(endpoint = "meetings")]
pub async fn cell_meetings(cell_id: Option<i64>) -> Result<MeetingsPage, AppError> {
    call!(|db, user| async move {
        let cell_id = cell_id.unwrap_or(user.cell_id);
        let meetings = service::list(&db, &user, cell_id).await?;
        let cell = crate::units::service::find_unit(&db, cell_id).await?;
        Ok(MeetingsPage {
            cell: UnitRef { id: cell.id, name: cell.name },
            meetings,
            can_plan: crate::auth::service::authorize(&db, &user, crate::auth::service::Action::ManageMeetings(cell_id)).await.is_ok(),
            awaiting_review: service::awaiting_review(&db, &user).await?,
        })
    })
}

#[server(endpoint = "meeting-plan")]
pub async fn plan_meeting(form: MeetingForm) -> Result<i64, AppError> {
    let result = call!(|db, user| service::plan(&db, &user, &form));
    if let Ok(id) = &result {
        leptos_axum::redirect(&format!("/sinh-hoat/{id}"));
    }
    result
}

#[server(endpoint = "meeting")]
pub async fn get_meeting(id: i64) -> Result<MeetingDetail, AppError> {
    call!(|db, user| service::detail(&db, &user, id))
}

#[server(endpoint = "meeting-rsvp")]
pub async fn answer_invitation(meeting_id: i64, coming: bool, reason: String) -> Result<(), AppError> {
    call!(|db, user| service::rsvp(&db, &user, meeting_id, coming, &reason))
}

#[server(endpoint = "meeting-attendance")]
pub async fn save_attendance(meeting_id: i64, marks: Vec<AttendanceMark>) -> Result<(), AppError> {
    let marks: Vec<(i64, String, String)> = marks.into_iter().map(|m| (m.member_id, m.status, m.note)).collect();
    call!(|db, user| service::mark_attendance(&db, &user, meeting_id, &marks))
}

#[server(endpoint = "meeting-held")]
pub async fn record_meeting_held(meeting_id: i64, held_minutes: String) -> Result<(), AppError> {
    let minutes = held_minutes.trim().parse::<i32>().map_err(|_| AppError::invalid("held_minutes", "Vui lòng nhập số phút."))?;
    call!(|db, user| service::record_held(&db, &user, meeting_id, minutes))
}

#[server(endpoint = "meeting-score")]
pub async fn score_meeting(meeting_id: i64, scores: Vec<CriterionScore>) -> Result<i32, AppError> {
    let given: Vec<(i64, i32)> = scores.iter().map(|s| (s.criterion_id, s.tenths)).collect();
    call!(|db, user| service::score(&db, &user, meeting_id, &given))
}

#[server(endpoint = "meeting-review")]
pub async fn review_meeting(meeting_id: i64, changes: Vec<CriterionScore>, approve: bool) -> Result<i32, AppError> {
    let changes: Vec<(i64, i32, String)> = changes.into_iter().map(|c| (c.criterion_id, c.tenths, c.reason)).collect();
    call!(|db, user| service::review(&db, &user, meeting_id, &changes, approve))
}

#[server(endpoint = "meeting-rate")]
pub async fn rate_meeting(meeting_id: i64, stars: i32, comment: String) -> Result<(), AppError> {
    let key = crate::state::secret_key()?;
    call!(|db, user| service::rate(&db, &key, &user, meeting_id, stars, &comment))
}

#[server(endpoint = "meeting-ratings")]
pub async fn meeting_ratings(meeting_id: i64) -> Result<RatingSummary, AppError> {
    call!(|db, user| service::ratings(&db, &user, meeting_id))
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Speaker {
    pub name: String,
    pub gist: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Vote {
    pub question: String,
    pub agree: i32,
    pub disagree: i32,
    pub abstain: i32,
}

/// The minutes form as typed: speakers one per line "Họ tên: ý kiến", votes one per line
/// "Nội dung: tán thành/không tán thành/không ý kiến".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MinutesForm {
    pub meeting_id: i64,
    pub chair: String,
    pub recorder: String,
    pub guests: String,
    pub exempt: String,
    pub speakers: String,
    pub conclusion: String,
    pub votes: String,
    /// "true" when the minutes were read back and approved at the meeting.
    #[serde(default)]
    pub approve: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Absentee {
    pub full_name: String,
    pub excused: bool,
    pub reason: String,
}

/// Everything a biên bản shows, facts pre-filled from the meeting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MinutesView {
    pub summary: MeetingSummary,
    pub place: String,
    pub agenda: String,
    pub held_minutes: Option<i32>,
    pub total_members: i32,
    pub official: i32,
    pub probationary: i32,
    pub exempt: i32,
    pub attended: i32,
    pub absentees: Vec<Absentee>,
    pub chair: String,
    pub recorder: String,
    pub guests: String,
    pub speakers: Vec<Speaker>,
    pub conclusion: String,
    pub votes: Vec<Vote>,
    pub approved_at: Option<String>,
    /// The form's text fields, for editing.
    pub speakers_text: String,
    pub votes_text: String,
    pub can_edit: bool,
}

#[server(endpoint = "meeting-minutes")]
pub async fn get_minutes(meeting_id: i64) -> Result<MinutesView, AppError> {
    call!(|db, user| service::minutes(&db, &user, meeting_id))
}

#[server(endpoint = "meeting-minutes-save")]
pub async fn save_minutes(form: MinutesForm) -> Result<(), AppError> {
    call!(|db, user| service::save_minutes(&db, &user, &form))
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QrCodeView {
    pub svg: String,
    pub url: String,
    pub code: String,
    /// Members present so far.
    pub present: i32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckInResult {
    pub topic: String,
    pub checked_at: String,
    pub late: bool,
}

#[server(endpoint = "meeting-qr")]
pub async fn current_qr(meeting_id: i64, origin: String) -> Result<QrCodeView, AppError> {
    call!(|db, user| checkin::current_code(&db, &user, meeting_id, &origin))
}

#[server(endpoint = "meeting-check-in-status")]
pub async fn check_in_status(meeting_id: i64) -> Result<Option<CheckInResult>, AppError> {
    call!(|db, user| checkin::status(&db, &user, meeting_id))
}

#[server(endpoint = "meeting-check-in")]
pub async fn check_in(meeting_id: i64, code: String) -> Result<CheckInResult, AppError> {
    call!(|db, user| checkin::check_in(&db, &user, meeting_id, &code))
}

#[server(endpoint = "meeting-document")]
pub async fn attach_meeting_document(meeting_id: i64, document_id: i64) -> Result<(), AppError> {
    call!(|db, user| service::attach_document(&db, &user, meeting_id, document_id))
}

/// The meetings report for a unit (default: the user's committee, else their cell) and period
/// (default: this year).
#[server(endpoint = "meeting-report")]
pub async fn meeting_report(unit_id: Option<i64>, period: Option<String>) -> Result<report::MeetingReport, AppError> {
    call!(|db, user| async move {
        let period = crate::common::report::period_or_default(period.as_deref())?;
        let unit_id = unit_id.unwrap_or_else(|| crate::common::report::default_unit(&user));
        report::service::report(&db, &user, unit_id, period, Some(report::service::PAGE_CAP)).await
    })
}

/// A planned meeting of the member's cell, with their answer to the invitation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpcomingMeeting {
    pub summary: MeetingSummary,
    pub place: String,
    /// "", "yes" or "excused".
    pub rsvp: String,
}

/// Meetings the member is invited to that have not taken place yet, soonest first: the home
/// page's invitations.
#[server(endpoint = "meetings-upcoming")]
pub async fn upcoming_meetings() -> Result<Vec<UpcomingMeeting>, AppError> {
    call!(|db, user| service::upcoming(&db, &user))
}
