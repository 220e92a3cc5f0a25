//! Party-cell meetings: planning, attendance, scoring on a rubric, the higher committee's review,
//! and members' anonymous ratings.

pub mod rubric;
#[cfg(feature = "ssr")]
pub mod service;

use serde::{Deserialize, Serialize};

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

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RatingSummary {
    pub count: i64,
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
    pub can_manage: bool,
    pub can_review: bool,
}
