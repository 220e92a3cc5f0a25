//! Working without a connection: which pages a member's device keeps for offline reading, and
//! the writes the device queued while offline (reading time, "đã đọc", attendance, meeting
//! scores), sent later in order and each applied once by its device-made id.

mod pages;
#[cfg(feature = "ssr")]
pub mod service;

pub use pages::{Device, OfflinePage, OfflineStatus, QueueOutcome, queue_write, send_or_queue, use_device};

use serde::{Deserialize, Serialize};

use crate::meetings::{AttendanceMark, CriterionScore};
use crate::reading::ProgressEvent;

/// At most this many queued writes per request; the device sends the rest next.
pub const MAX_SYNC_BATCH: usize = 50;
/// Default room on the device for pages kept for offline reading.
pub const DEFAULT_BUDGET_MB: u64 = 40;

/// What a queued write does — the same operations the pages perform online.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "data", rename_all = "kebab-case")]
pub enum OfflineWrite {
    ReadingProgress { events: Vec<ProgressEvent> },
    ReadingConfirm { document_id: i64 },
    MeetingAttendance { meeting_id: i64, marks: Vec<AttendanceMark> },
    MeetingHeld { meeting_id: i64, held_minutes: i32 },
    MeetingScore { meeting_id: i64, scores: Vec<CriterionScore> },
}

impl OfflineWrite {
    pub fn kind(&self) -> &'static str {
        match self {
            Self::ReadingProgress { .. } => "reading-progress",
            Self::ReadingConfirm { .. } => "reading-confirm",
            Self::MeetingAttendance { .. } => "meeting-attendance",
            Self::MeetingHeld { .. } => "meeting-held",
            Self::MeetingScore { .. } => "meeting-score",
        }
    }
}

/// One write as the device queued it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueuedWrite {
    /// Made by the device; the same write resent keeps it.
    pub client_id: String,
    /// The member whose device queued it: a write is never applied to another account.
    pub member_id: i64,
    /// What the member did, in words, for the list of pending and refused writes.
    #[serde(default)]
    pub label: String,
    #[serde(flatten)]
    pub write: OfflineWrite,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SyncStatus {
    /// Done now.
    Applied,
    /// Done before (a replay): nothing changed.
    Duplicate,
    /// Refused, with the reason in `message` (e.g. the meeting was already approved above).
    Rejected,
    /// Queued by another account on this device: kept until that member sends it.
    OtherAccount,
    /// The server could not do it now; send again later.
    Retry,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncResult {
    pub client_id: String,
    pub status: SyncStatus,
    /// Shown to the member for refused writes.
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncRequest {
    pub writes: Vec<QueuedWrite>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncResponse {
    pub results: Vec<SyncResult>,
}

/// A page the device should keep for this member, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfflinePageRef {
    pub url: String,
    pub title: String,
    /// "assigned", "bookmarked", "meeting" or "app".
    pub reason: String,
    /// Changes whenever the page's content does, so the device refreshes only what changed.
    pub version: String,
}

/// `GET /api/v1/offline-pages`: what to keep, most important first, and how much room to use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfflinePlan {
    pub member_id: i64,
    pub budget_bytes: u64,
    pub pages: Vec<OfflinePageRef>,
}
