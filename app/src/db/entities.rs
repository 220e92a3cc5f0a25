//! SeaORM entities. Plain tables; joins that matter for speed are written with sea-query in the
//! domain services, so no relation graph is declared here.

macro_rules! no_relations {
    () => {
        #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
        pub enum Relation {}
        impl ActiveModelBehavior for ActiveModel {}
    };
}

pub mod unit {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "units")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub parent_id: Option<i64>,
        pub kind: String,
        #[sea_orm(unique)]
        pub code: String,
        pub name: String,
        pub folded_name: String,
        pub depth: i32,
        pub valid_from: Date,
        pub valid_to: Option<Date>,
    }
    no_relations!();
}

pub mod unit_closure {
    use sea_orm::entity::prelude::*;

    /// Every (ancestor, descendant) pair, including each unit with itself at depth 0.
    /// A unit's parent never changes (reorganisations close units and open new ones), so these
    /// rows are written once when a unit is created and stay true for all of history.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "unit_closure")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub ancestor_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub descendant_id: i64,
        pub depth: i32,
    }
    no_relations!();
}

pub mod member {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "members")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub full_name: String,
        /// Folded (no diacritics, lowercase) and padded with spaces so `LIKE '% word%'` matches
        /// word starts.
        pub folded_name: String,
        /// Vietnamese lists sort by given name first: "an nguyen van".
        pub sort_key: String,
        pub birth_date: Date,
        pub gender: String,
        #[sea_orm(unique)]
        pub card_no: String,
        #[sea_orm(unique)]
        pub phone: Option<String>,
        pub email: Option<String>,
        pub admitted_on: Date,
        pub official_on: Option<Date>,
        pub status: String,
        /// Current cell; the dated history lives in `memberships`.
        pub unit_id: i64,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }
    no_relations!();
}

pub mod membership {
    use sea_orm::entity::prelude::*;

    /// A member belonged to a cell from `from_date` (inclusive) until `to_date` (exclusive).
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "memberships")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub member_id: i64,
        pub unit_id: i64,
        pub from_date: Date,
        pub to_date: Option<Date>,
        pub reason: String,
    }
    no_relations!();
}

pub mod position {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "positions")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub member_id: i64,
        pub unit_id: i64,
        pub role: String,
        pub from_date: Date,
        pub to_date: Option<Date>,
    }
    no_relations!();
}

pub mod credential {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "credentials")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub member_id: i64,
        pub password_hash: String,
        pub must_change: bool,
        pub updated_at: DateTimeUtc,
    }
    no_relations!();
}

pub mod session {
    use sea_orm::entity::prelude::*;

    /// `id` is the SHA-256 of the cookie token, so a leaked table cannot be replayed.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "sessions")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub member_id: i64,
        pub created_at: DateTimeUtc,
        pub expires_at: DateTimeUtc,
        pub ip: Option<String>,
        pub user_agent: Option<String>,
        /// Last request seen (written at most hourly); a session idle too long ends.
        pub last_seen_at: Option<DateTimeUtc>,
    }
    no_relations!();
}

pub mod rate_counter {
    use sea_orm::entity::prelude::*;

    /// Calls of one kind by one member (or address) in one fixed window: "tts:42:1234567".
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "rate_counters")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub key: String,
        pub hits: i32,
        pub window_start: DateTimeUtc,
    }
    no_relations!();
}

pub mod document {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "documents")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub number: String,
        pub title: String,
        pub folded_title: String,
        pub doc_type: String,
        pub level: String,
        pub issuer: String,
        pub issued_on: Option<Date>,
        pub effective_on: Option<Date>,
        pub status: String,
        pub superseded_by: Option<i64>,
        pub topics: String,
        /// The unit whose committee manages the document (edits, publishes, assigns).
        pub owner_unit_id: i64,
        /// Addressed to every member; otherwise to the subtrees in `document_audiences`.
        pub audience_all: bool,
        pub published: bool,
        pub published_at: Option<DateTimeUtc>,
        pub version: i32,
        /// SHA-256 of the source text: imports skip documents already present.
        #[sea_orm(unique)]
        pub checksum: String,
        pub source: String,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        /// Share of the comprehension check a member must get right; `None` = no check.
        pub quiz_pass_percent: Option<i32>,
    }
    no_relations!();
}

pub mod document_audience {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "document_audiences")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub document_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub unit_id: i64,
    }
    no_relations!();
}

pub mod document_section {
    use sea_orm::entity::prelude::*;

    /// One structural node (chapter, article, clause, …) with the text directly under it.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "document_sections")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub document_id: i64,
        pub ordinal: i32,
        pub kind: String,
        pub number: String,
        pub anchor: String,
        pub heading: String,
        pub body: String,
        pub parent_id: Option<i64>,
        pub words: i32,
    }
    no_relations!();
}

pub mod assignment {
    use sea_orm::entity::prelude::*;

    /// Required reading: a document every member of a unit's subtree must read by `due_on`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "assignments")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub document_id: i64,
        pub unit_id: i64,
        pub due_on: Date,
        pub assigned_by: i64,
        pub created_at: DateTimeUtc,
    }
    no_relations!();
}

pub mod reading_event {
    use sea_orm::entity::prelude::*;

    /// Seconds a section was on screen in a visible tab; `client_id` is made by the browser so a
    /// replayed batch is ignored.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "reading_events")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        #[sea_orm(unique)]
        pub client_id: String,
        pub member_id: i64,
        pub document_id: i64,
        pub section_id: i64,
        /// What the browser claimed.
        pub seconds: i32,
        /// What was counted of it: never more than the real time that passed (see
        /// `reading::service::record`); the rest is received, kept here, and not counted.
        pub credited: i32,
        pub at: DateTimeUtc,
    }
    no_relations!();
}

pub mod reading_clock {
    use sea_orm::entity::prelude::*;

    /// Per member and document: how far the real time already credited for reading reaches.
    /// Each credit moves it on by the wall-clock time the credited seconds take; nothing can
    /// move it past the present, so credited reading never exceeds the time that passed.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "reading_clocks")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub member_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub document_id: i64,
        pub credited_until: DateTimeUtc,
    }
    no_relations!();
}

pub mod reading_section {
    use sea_orm::entity::prelude::*;

    /// Accumulated on-screen seconds per member and section.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "reading_sections")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub member_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub section_id: i64,
        pub document_id: i64,
        pub seconds: i32,
    }
    no_relations!();
}

pub mod reading_status {
    use sea_orm::entity::prelude::*;

    /// Per member and document, rolled up on every batch of events so reports never re-scan them.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "reading_status")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub member_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub document_id: i64,
        pub seen_sections: i32,
        pub total_sections: i32,
        pub active_seconds: i32,
        pub started_at: DateTimeUtc,
        /// When the reading rule was first met.
        pub completed_at: Option<DateTimeUtc>,
        /// When the member confirmed "Đã đọc và nắm nội dung".
        pub confirmed_at: Option<DateTimeUtc>,
    }
    no_relations!();
}

pub mod document_version {
    use sea_orm::entity::prelude::*;

    /// The full source text of every saved version, so an edit can be reviewed or undone.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "document_versions")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub document_id: i64,
        pub version: i32,
        pub title: String,
        pub number: String,
        pub text: String,
        pub change_note: String,
        pub edited_by: Option<i64>,
        pub edited_at: DateTimeUtc,
    }
    no_relations!();
}

pub mod document_attachment {
    use sea_orm::entity::prelude::*;

    /// A file stored on disk under its SHA-256, checked again when served.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "document_attachments")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub document_id: i64,
        pub file_name: String,
        pub content_type: String,
        pub size_bytes: i64,
        pub sha256: String,
        pub uploaded_by: i64,
        pub created_at: DateTimeUtc,
    }
    no_relations!();
}

pub mod bookmark {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "bookmarks")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub member_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub section_id: i64,
        pub document_id: i64,
        pub created_at: DateTimeUtc,
    }
    no_relations!();
}

pub mod reader_note {
    use sea_orm::entity::prelude::*;

    /// A private note (and highlighted passage) on a section; only its author ever sees it.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "reader_notes")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        #[sea_orm(unique)]
        pub client_id: String,
        pub member_id: i64,
        pub document_id: i64,
        pub section_id: i64,
        pub quote: String,
        pub note: String,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }
    no_relations!();
}

pub mod member_pref {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "member_prefs")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub member_id: i64,
        pub font_percent: i32,
    }
    no_relations!();
}

pub mod quiz_question {
    use sea_orm::entity::prelude::*;

    /// One multiple-choice question; `options` holds one choice per line, `correct` is 0-based.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "quiz_questions")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub document_id: i64,
        pub ordinal: i32,
        pub question: String,
        pub options: String,
        pub correct: i32,
    }
    no_relations!();
}

pub mod quiz_attempt {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "quiz_attempts")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        #[sea_orm(unique)]
        pub client_id: String,
        pub member_id: i64,
        pub document_id: i64,
        pub correct: i32,
        pub total: i32,
        /// Graded on the server from the answers below: what reports and confirmation trust.
        pub passed: bool,
        pub at: DateTimeUtc,
        /// The Vietnamese day of the attempt and its number that day (1 to 3); unique together
        /// per member and document. None for attempts made before the daily limit.
        pub day: Option<Date>,
        pub number: Option<i32>,
        /// The answers as graded: `question_id:choice` (the authored 0-based choice), comma-separated.
        pub answers: Option<String>,
    }
    no_relations!();
}

pub mod quiz_sheet {
    use sea_orm::entity::prelude::*;

    /// One viewing of the comprehension check: the shuffled order it was served in, one line
    /// per question, `question_id:choice,choice,…` (authored 0-based choices in served order).
    /// Answers come back as positions in it; it is used up by the attempt that grades it.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "quiz_sheets")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub member_id: i64,
        pub document_id: i64,
        pub layout: String,
        pub created_at: DateTimeUtc,
    }
    no_relations!();
}

pub mod rubric {
    use sea_orm::entity::prelude::*;

    /// One version of a scoring rubric; a change is a new row with the next version, so past
    /// meetings keep the rubric they were scored with. `owner_unit_id` None = the default.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "rubrics")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub family: String,
        pub version: i32,
        pub owner_unit_id: Option<i64>,
        pub name: String,
        /// JSON list of {code, label, min_tenths}, highest first.
        pub thresholds: String,
        pub created_by: Option<i64>,
        pub created_at: DateTimeUtc,
    }
    no_relations!();
}

pub mod rubric_criterion {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "rubric_criteria")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub rubric_id: i64,
        pub ordinal: i32,
        pub code: String,
        pub label: String,
        pub max_tenths: i32,
        pub auto: Option<String>,
    }
    no_relations!();
}

pub mod meeting {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "meetings")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub unit_id: i64,
        /// "regular" or "thematic".
        pub kind: String,
        /// A regular meeting that also holds the quarter's thematic one (needs 120 minutes).
        pub with_thematic: bool,
        pub topic: String,
        pub agenda: String,
        pub place: String,
        pub starts_at: DateTimeUtc,
        pub planned_minutes: i32,
        pub held_minutes: Option<i32>,
        /// planned → held → scored → approved.
        pub status: String,
        pub rubric_id: Option<i64>,
        pub total_tenths: Option<i32>,
        pub classification: Option<String>,
        pub minutes_approved_at: Option<DateTimeUtc>,
        pub created_by: i64,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        /// Attendance rolled up whenever it is written (`meetings::service::refresh_counts`):
        /// members invited, present or late, absent without reason.
        pub expected_count: i32,
        pub attended_count: i32,
        pub unexcused_count: i32,
    }
    no_relations!();
}

pub mod meeting_document {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "meeting_documents")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub meeting_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub document_id: i64,
        pub posted_at: DateTimeUtc,
    }
    no_relations!();
}

pub mod meeting_attendance {
    use sea_orm::entity::prelude::*;

    /// One row per member expected at the meeting (the cell's members when it was planned).
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "meeting_attendance")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub meeting_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub member_id: i64,
        /// "" (no answer), "yes", "excused".
        pub rsvp: String,
        pub rsvp_reason: String,
        /// "unmarked", "present", "late", "excused", "absent".
        pub status: String,
        pub note: String,
        pub marked_at: Option<DateTimeUtc>,
    }
    no_relations!();
}

pub mod meeting_score {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "meeting_scores")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub meeting_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub criterion_id: i64,
        pub tenths: i32,
        /// What the facts suggested, kept beside the score actually given.
        pub auto_tenths: Option<i32>,
    }
    no_relations!();
}

pub mod meeting_review {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "meeting_reviews")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub meeting_id: i64,
        pub reviewer_id: i64,
        /// "adjust" or "approve".
        pub action: String,
        pub criterion_id: Option<i64>,
        pub from_tenths: Option<i32>,
        pub to_tenths: Option<i32>,
        pub reason: String,
        pub at: DateTimeUtc,
    }
    no_relations!();
}

pub mod meeting_rating {
    use sea_orm::entity::prelude::*;

    /// An anonymous rating: no member, only the day.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "meeting_ratings")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        #[sea_orm(unique)]
        pub client_id: String,
        pub meeting_id: i64,
        pub stars: i32,
        pub comment: String,
        pub on_date: Date,
    }
    no_relations!();
}

pub mod meeting_rater {
    use sea_orm::entity::prelude::*;

    /// That someone rated (once each): a keyed fingerprint of the meeting and the member, so
    /// only the server, holding the key, can tell whether a given member already rated.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "meeting_rater_tokens")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub meeting_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub token: String,
    }
    no_relations!();
}

pub mod meeting_minutes {
    use sea_orm::entity::prelude::*;

    /// The biên bản: who chaired and wrote it, guests, speakers and votes (JSON lists).
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "meeting_minutes")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub meeting_id: i64,
        pub chair: String,
        pub recorder: String,
        pub guests: String,
        /// Members exempt from attending (miễn sinh hoạt), as the cell records them.
        pub exempt: i32,
        pub speakers: String,
        pub conclusion: String,
        pub votes: String,
        /// Read back and approved before the meeting closed.
        pub approved_at: Option<DateTimeUtc>,
        pub updated_at: DateTimeUtc,
    }
    no_relations!();
}

pub mod meeting_qr_code {
    use sea_orm::entity::prelude::*;

    /// A check-in code: valid for a short time and for one member only.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "meeting_qr_codes")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub meeting_id: i64,
        #[sea_orm(unique)]
        pub code: String,
        pub created_at: DateTimeUtc,
        pub used_by: Option<i64>,
        pub used_at: Option<DateTimeUtc>,
    }
    no_relations!();
}

/// Ad-hoc join paths (the entities declare no relations).
pub mod question {
    use sea_orm::entity::prelude::*;

    /// A member's question or proposal to their cell or a committee of their line.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "questions")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        /// Made by the asker's device, so a resend is the same question.
        #[sea_orm(unique)]
        pub client_id: String,
        pub asker_id: i64,
        /// The asker's cell when they asked: its secretaries may know a "cell_only" asker.
        pub asker_cell_id: i64,
        /// The unit that holds it now (forwarding moves it along the asker's line).
        pub unit_id: i64,
        /// "question" or "proposal".
        pub kind: String,
        pub topic: String,
        pub title: String,
        pub body: String,
        /// "named", "cell_only" (hidden from higher levels) or "anonymous" (hidden from all).
        pub anonymity: String,
        /// received → assigned → answered → closed.
        pub status: String,
        pub assignee_id: Option<i64>,
        pub due_on: Date,
        pub answer: String,
        pub answered_by: Option<i64>,
        pub answered_at: Option<DateTimeUtc>,
        pub rating: Option<i32>,
        pub rating_comment: String,
        pub merged_into: Option<i64>,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }
    no_relations!();
}

pub mod question_event {
    use sea_orm::entity::prelude::*;

    /// One step in a question's history.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "question_events")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub question_id: i64,
        /// Who acted; None for the asker's own steps, so history never names them.
        pub actor_id: Option<i64>,
        pub action: String,
        /// The unit holding the question after this step.
        pub unit_id: Option<i64>,
        pub note: String,
        pub at: DateTimeUtc,
    }
    no_relations!();
}

pub mod notification {
    use sea_orm::entity::prelude::*;

    /// An entry in a member's in-app inbox.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "notifications")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub member_id: i64,
        pub kind: String,
        pub title: String,
        pub link: String,
        pub created_at: DateTimeUtc,
        pub read_at: Option<DateTimeUtc>,
    }
    no_relations!();
}

pub mod announcement {
    use sea_orm::entity::prelude::*;

    /// A committee's announcement to its subtree ("all") or to chosen roles.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "announcements")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub unit_id: i64,
        pub author_id: i64,
        pub title: String,
        pub body: String,
        /// "all", "secretaries" (of the subtree's cells) or "committee" (members of its committees).
        pub audience: String,
        /// Recipients are asked to confirm (e.g. a meeting notice).
        pub needs_confirm: bool,
        /// How many members it was sent to.
        pub recipients: i32,
        pub created_at: DateTimeUtc,
    }
    no_relations!();
}

pub mod announcement_recipient {
    use sea_orm::entity::prelude::*;

    /// One recipient's receipt: written when sent, read and confirmed at most once each.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "announcement_recipients")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub announcement_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub member_id: i64,
        pub read_at: Option<DateTimeUtc>,
        pub confirmed_at: Option<DateTimeUtc>,
    }
    no_relations!();
}

pub mod faq_entry {
    use sea_orm::entity::prelude::*;

    /// A published question and answer in a unit's FAQ; it never records who asked.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "faq_entries")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub unit_id: i64,
        /// The question it came from (one entry per question).
        #[sea_orm(unique)]
        pub question_id: Option<i64>,
        pub topic: String,
        pub question: String,
        pub answer: String,
        pub published_by: i64,
        pub published_at: DateTimeUtc,
    }
    no_relations!();
}

pub mod consultation {
    use sea_orm::entity::prelude::*;

    /// A draft opened for comments by article until `closes_on` (inclusive, Vietnam's date).
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "consultations")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub document_id: i64,
        /// The version of the draft put to comment (editing is refused while it is open).
        pub document_version: i32,
        /// The committee asking; the invitees are its subtree or chosen roles in it.
        pub unit_id: i64,
        /// The announcements' audiences: "all", "secretaries", "committee".
        pub audience: String,
        pub intro: String,
        pub closes_on: Date,
        /// Closed early by the committee.
        pub closed_at: Option<DateTimeUtc>,
        pub invitees: i32,
        pub created_by: i64,
        pub created_at: DateTimeUtc,
    }
    no_relations!();
}

pub mod consultation_invitee {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "consultation_invitees")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub consultation_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub member_id: i64,
    }
    no_relations!();
}

pub mod consultation_comment {
    use sea_orm::entity::prelude::*;

    /// One member's comment on one article (or on the whole draft: empty anchor).
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "consultation_comments")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        /// Made by the member's device: a resend (or an edit) of the same comment hits this row.
        #[sea_orm(unique)]
        pub client_id: String,
        pub consultation_id: i64,
        pub member_id: i64,
        /// The member's cell when they wrote it.
        pub unit_id: i64,
        pub section_anchor: String,
        /// "Điều 5. Nhiệm vụ…" as it read in the consulted version.
        pub section_label: String,
        /// "agree", "amend" or "other".
        pub stance: String,
        pub body: String,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }
    no_relations!();
}

pub mod app_secret {
    use sea_orm::entity::prelude::*;

    /// Secrets the server makes for itself on first run (the VAPID key).
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "app_secrets")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub name: String,
        pub value: String,
        pub created_at: DateTimeUtc,
    }
    no_relations!();
}

pub mod push_subscription {
    use sea_orm::entity::prelude::*;

    /// One browser (installed app) of a member that accepts Web Push.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "push_subscriptions")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub member_id: i64,
        #[sea_orm(unique)]
        pub endpoint: String,
        /// The browser's P-256 public key and auth secret, base64url.
        pub p256dh: String,
        pub auth: String,
        pub user_agent: String,
        pub created_at: DateTimeUtc,
        pub last_used_at: Option<DateTimeUtc>,
    }
    no_relations!();
}

pub mod notification_pref {
    use sea_orm::entity::prelude::*;

    /// A member's choice for one kind of notification; no row = both on.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "notification_prefs")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub member_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub kind: String,
        pub in_app: bool,
        pub push: bool,
    }
    no_relations!();
}

pub mod push_outbox {
    use sea_orm::entity::prelude::*;

    /// A push to deliver, written in the transaction of the change it reports.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "push_outbox")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub member_id: i64,
        pub kind: String,
        pub title: String,
        pub link: String,
        pub created_at: DateTimeUtc,
        pub attempts: i32,
        pub next_attempt_at: DateTimeUtc,
    }
    no_relations!();
}

pub mod joins {
    use sea_orm::{EntityTrait, RelationDef};

    use super::{meeting, meeting_document, meeting_rating, member, unit, unit_closure};

    /// `unit_closure.descendant_id = members.unit_id`: members below an ancestor.
    pub fn closure_members() -> RelationDef {
        unit_closure::Entity::belongs_to(member::Entity)
            .from(unit_closure::Column::DescendantId)
            .to(member::Column::UnitId)
            .into()
    }

    /// `units.id = unit_closure.descendant_id`: units below an ancestor.
    pub fn unit_ancestors() -> RelationDef {
        unit::Entity::belongs_to(unit_closure::Entity)
            .from(unit::Column::Id)
            .to(unit_closure::Column::DescendantId)
            .into()
    }

    /// `members.unit_id = unit_closure.descendant_id`: filter members by an ancestor.
    pub fn member_ancestors() -> RelationDef {
        member::Entity::belongs_to(unit_closure::Entity)
            .from(member::Column::UnitId)
            .to(unit_closure::Column::DescendantId)
            .into()
    }

    /// `meetings.unit_id = unit_closure.descendant_id`: meetings below an ancestor.
    pub fn meeting_ancestors() -> RelationDef {
        meeting::Entity::belongs_to(unit_closure::Entity)
            .from(meeting::Column::UnitId)
            .to(unit_closure::Column::DescendantId)
            .into()
    }

    /// `meeting_documents.meeting_id = meetings.id`.
    pub fn meeting_document_meeting() -> RelationDef {
        meeting_document::Entity::belongs_to(meeting::Entity)
            .from(meeting_document::Column::MeetingId)
            .to(meeting::Column::Id)
            .into()
    }

    /// `meeting_ratings.meeting_id = meetings.id`.
    pub fn rating_meeting() -> RelationDef {
        meeting_rating::Entity::belongs_to(meeting::Entity)
            .from(meeting_rating::Column::MeetingId)
            .to(meeting::Column::Id)
            .into()
    }
}

pub mod offline_write {
    use sea_orm::entity::prelude::*;

    /// A write a device queued while offline, by its device-made id: applied once, and what the
    /// server answered, so a replay gets the same answer.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "offline_writes")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub client_id: String,
        pub member_id: i64,
        pub kind: String,
        /// "applied" or "rejected".
        pub status: String,
        pub message: String,
        pub received_at: DateTimeUtc,
    }
    no_relations!();
}

pub mod assistant_exchange {
    use sea_orm::entity::prelude::*;

    /// One question to the assistant and the answer it gave (JSON of `assistant::Answer`).
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "assistant_exchanges")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub client_id: String,
        pub member_id: i64,
        pub unit_id: i64,
        pub question: String,
        pub found: bool,
        /// "extractive", "generative" or "none".
        pub mode: String,
        pub by_voice: bool,
        pub answer: String,
        /// 1 helpful, -1 not helpful.
        pub rating: Option<i32>,
        pub comment: String,
        pub asked_at: DateTimeUtc,
        pub rated_at: Option<DateTimeUtc>,
    }
    no_relations!();
}
