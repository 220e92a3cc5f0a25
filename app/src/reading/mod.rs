//! Required reading and proof of reading: committees assign documents to a subtree; the reader
//! reports which sections were on screen, for how long, while the tab was visible; a document
//! counts as read when nearly all sections were seen for long enough, and the member confirms.

#[cfg(feature = "ssr")]
pub mod export;
mod pages;
#[cfg(feature = "ssr")]
pub mod quiz;
#[cfg(feature = "ssr")]
pub mod service;

pub use pages::{ReadingPanel, ReadingPanelIsland, ReadingReportPage, ReadingResources, RequiredReadingPage};

use chrono::NaiveDate;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[allow(unused_imports)]
use crate::auth::service_call as call;
use crate::documents::DocumentSummary;
use crate::error::AppError;
use crate::units::UnitRef;

/// Share of sections that must have been seen.
pub const SEEN_SHARE_PERCENT: i64 = 90;
/// Default reading-speed ceiling: faster than this many words per second is skimming, not
/// reading. Configurable per deployment (`SOTAY_READING_WORDS_PER_SECOND`).
pub const DEFAULT_WORDS_PER_SECOND: i64 = 8;

/// The reading-speed ceiling a deployment runs with (from its configuration, never a global, so
/// each test and each server sets its own).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pace(i64);

impl Pace {
    /// Words per second, kept within 1..=10,000.
    pub fn new(words_per_second: i64) -> Self {
        Self(words_per_second.clamp(1, 10_000))
    }

    pub fn words_per_second(self) -> i64 {
        self.0
    }
}

impl Default for Pace {
    fn default() -> Self {
        Self(DEFAULT_WORDS_PER_SECOND)
    }
}
/// The browser reports at most this many seconds per event (it flushes every few seconds).
pub const MAX_EVENT_SECONDS: i32 = 60;
pub const MAX_BATCH: usize = 200;
/// Reading time is credited against the real time that passed (see `service::record`). The
/// first credit a member gets on a document may cover this many seconds of wall-clock time: a
/// send of the tracker (every 5 s online, about a minute offline) with room to spare.
pub const FIRST_CREDIT_SECONDS: i64 = 60;
/// The tracker counts every section on screen each second, and a screen can show several short
/// ones: per second of real time, at most this many sections' seconds are credited.
pub const SECTIONS_AT_ONCE: i64 = 4;
/// Attempts at the comprehension check per member, document and Vietnamese day.
pub const QUIZ_ATTEMPTS_PER_DAY: i32 = 3;

/// One slice of reading time for one section, made and numbered by the browser.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgressEvent {
    pub client_id: String,
    pub document_id: i64,
    pub section_id: i64,
    pub seconds: i32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadingProgress {
    pub document_id: i64,
    pub seen_sections: i64,
    pub total_sections: i64,
    pub active_seconds: i64,
    pub required_seconds: i64,
    pub completed: bool,
    pub confirmed: bool,
    /// Per section: words and seconds the server has counted — only in the reader's own
    /// progress, so the device can apply the same rule while offline.
    #[serde(default)]
    pub sections: Vec<SectionTime>,
    #[serde(default)]
    pub words_per_second: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SectionTime {
    pub section_id: i64,
    pub words: i64,
    pub seconds: i64,
}

/// A section counts as seen after being on screen long enough to read its words.
pub fn section_seen(seconds: i64, words: i64, words_per_second: i64) -> bool {
    seconds >= 1 && seconds * words_per_second >= words
}

/// The document counts as read: nearly every section seen, and enough time in all.
pub fn reading_complete(seen: i64, total: i64, active_seconds: i64, required_seconds: i64) -> bool {
    total > 0 && seen * 100 >= total * SEEN_SHARE_PERCENT && active_seconds >= required_seconds
}

impl ReadingProgress {
    pub fn percent_seen(&self) -> i64 {
        if self.total_sections == 0 { 0 } else { self.seen_sections * 100 / self.total_sections }
    }

    /// This progress plus seconds measured on the device that the server has not counted yet,
    /// by the server's own rule: what the reader shows while offline.
    pub fn with_unsent(&self, unsent: &std::collections::HashMap<i64, i64>) -> ReadingProgress {
        let extra: i64 = unsent.values().sum();
        let active_seconds = self.active_seconds + extra;
        if self.sections.is_empty() || self.words_per_second <= 0 {
            return ReadingProgress { active_seconds, ..self.clone() };
        }
        let seen = self
            .sections
            .iter()
            .filter(|s| section_seen(s.seconds + unsent.get(&s.section_id).copied().unwrap_or(0), s.words, self.words_per_second))
            .count() as i64;
        let seen = seen.max(self.seen_sections);
        ReadingProgress {
            seen_sections: seen,
            active_seconds,
            completed: self.completed || reading_complete(seen, self.total_sections, active_seconds, self.required_seconds),
            ..self.clone()
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequiredReading {
    pub assignment_id: i64,
    /// Where this user's report for the assignment starts, if they may see one.
    pub report_unit: Option<i64>,
    pub document: DocumentSummary,
    pub unit: UnitRef,
    pub due_on: NaiveDate,
    pub overdue: bool,
    pub progress: ReadingProgress,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportCounts {
    pub members: i64,
    /// Confirmed after meeting the reading rule.
    pub read: i64,
    /// Started but not yet confirmed.
    pub reading: i64,
    pub not_started: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportRow {
    pub unit: UnitRef,
    pub counts: ReportCounts,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberReading {
    pub member_id: i64,
    pub full_name: String,
    pub state: String,
    pub percent_seen: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadingReport {
    pub assignment_id: i64,
    pub document: DocumentSummary,
    pub unit: UnitRef,
    pub due_on: NaiveDate,
    pub totals: ReportCounts,
    /// One row per child unit, for drilling down.
    pub rows: Vec<ReportRow>,
    /// For a cell: each member's state.
    pub members: Vec<MemberReading>,
    /// Past the due date: cells that still have members who have not confirmed, most first.
    pub overdue: Vec<OverdueRow>,
    pub past_due: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OverdueRow {
    pub cell: UnitRef,
    pub members: i64,
    pub not_read: i64,
}

#[server(endpoint = "reading-progress")]
pub async fn record_progress(events: Vec<ProgressEvent>) -> Result<Vec<ReadingProgress>, AppError> {
    let pace = crate::state::reading_pace()?;
    call!(|db, user| service::record(&db, pace, &user, &events))
}

#[server(endpoint = "reading-confirm")]
pub async fn confirm_read(document_id: i64) -> Result<ReadingProgress, AppError> {
    let pace = crate::state::reading_pace()?;
    call!(|db, user| service::confirm(&db, pace, &user, document_id))
}

#[server(endpoint = "reading-mine")]
pub async fn my_progress(document_id: i64) -> Result<ReadingProgress, AppError> {
    let pace = crate::state::reading_pace()?;
    call!(|db, user| service::my_progress(&db, pace, &user, document_id))
}

#[server(endpoint = "reading-required")]
pub async fn get_required_reading() -> Result<Vec<RequiredReading>, AppError> {
    let pace = crate::state::reading_pace()?;
    call!(|db, user| service::required_for(&db, pace, &user))
}

#[server(endpoint = "reading-assign")]
pub async fn assign_reading(document_id: i64, unit_id: i64, due_on: String) -> Result<i64, AppError> {
    call!(|db, user| service::assign(&db, &user, document_id, unit_id, &due_on))
}

/// The same, naming the unit by its code as committees know it.
#[server(endpoint = "reading-assign-code")]
pub async fn assign_reading_by_code(document_id: i64, unit_code: String, due_on: String) -> Result<i64, AppError> {
    call!(|db, user| async move {
        let unit = crate::units::service::find_by_code(&db, &unit_code).await?;
        service::assign(&db, &user, document_id, unit.id, &due_on).await
    })
}

#[server(endpoint = "reading-report")]
pub async fn get_reading_report(assignment_id: i64, unit_id: Option<i64>) -> Result<ReadingReport, AppError> {
    call!(|db, user| service::report(&db, &user, assignment_id, unit_id))
}

/// One question as served: its text and its choices in this sheet's order. Nothing here (nor
/// anywhere in what the browser gets) says which choice is right.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuizQuestionView {
    pub id: i64,
    pub question: String,
    pub options: Vec<String>,
}

/// The comprehension check as a member sees it (never with the answers).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuizView {
    pub document_id: i64,
    /// This viewing's sheet: the order below, kept on the server. Empty when there is nothing
    /// to answer (passed, or out of attempts today).
    pub sheet: String,
    /// In a random order, and each question's choices too.
    pub questions: Vec<QuizQuestionView>,
    pub pass_percent: i32,
    pub passed: bool,
    /// (correct, total) of the passing attempt, else of the latest one.
    pub last: Option<(i32, i32)>,
    /// Attempts still allowed today.
    pub attempts_left: i32,
    /// Out of attempts: why, and from when the member can answer again.
    pub locked: Option<String>,
}

/// The outcome of one attempt: the score only, never which answers were wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuizResult {
    pub correct: i32,
    pub total: i32,
    pub passed: bool,
    pub pass_percent: i32,
    /// Attempts still allowed today.
    pub attempts_left: i32,
}

/// A freshly shuffled sheet each time (while the member may still answer).
#[server(endpoint = "quiz")]
pub async fn get_quiz(document_id: i64) -> Result<Option<QuizView>, AppError> {
    call!(|db, user| quiz::for_member(&db, &user, document_id))
}

/// One attempt on a sheet: `answers` are positions among each served question's choices.
/// `client_id` makes a resend return the first result instead of a new attempt.
#[server(endpoint = "quiz-submit")]
pub async fn submit_quiz(client_id: String, document_id: i64, sheet: String, answers: Vec<i32>) -> Result<QuizResult, AppError> {
    call!(|db, user| quiz::submit(&db, &user, &client_id, document_id, &sheet, &answers))
}
