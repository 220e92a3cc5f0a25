//! Who may do what, where: every server function and every HTTP route of the running server,
//! called by a member, a cell secretary, a committee member and an administrator, each with
//! ids inside and outside their own subtree (and signed out), on SQLite and on PostgreSQL.
//!
//! The table [`rows`] is the single source: a server function registered in the app, or a
//! route written in `server/src`, without a row fails the test, and so does a row naming an
//! endpoint that no longer exists.
//!
//! `AUTHZ_TRACE=1 cargo test -p server --test authorization -- --nocapture` prints the allowed
//! calls that were turned down for what they asked (a conflict, a field to correct) rather than
//! done, to see how deep each call reached.

use crate::common;

use std::collections::BTreeSet;

use app::db::entities::position;
use app::{announcements, assistant, auth, consultations, documents, meetings, members, notifications, questions, reading, units};
use common::{Fixture, PASSWORD};
use leptos::server_fn::ServerFn;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use serde::Serialize;
use serde_json::{Value, json};

/// The four kinds of users the table speaks of (each holds its position in the fixture).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    /// A plain member of cell C1.
    Member,
    /// The secretary of cell C1.
    Secretary,
    /// A committee member of district A (communes X and Y: cells C1, C2, D1).
    Committee,
    /// An administrator of bloc B (cell E1) — not of the province.
    Admin,
}

const ROLES: [Role; 4] = [Role::Member, Role::Secretary, Role::Committee, Role::Admin];
const EVERYONE: &[Role] = &ROLES;
const OFFICERS: &[Role] = &[Role::Secretary, Role::Committee, Role::Admin];
const COMMITTEES: &[Role] = &[Role::Committee, Role::Admin];
const ADMINS: &[Role] = &[Role::Admin];
const SECRETARIES: &[Role] = &[Role::Secretary];
/// Members of the place's cell: the committee member of district A sits in another cell.
const CELL_MEMBERS: &[Role] = &[Role::Member, Role::Secretary, Role::Admin];
const SECRETARIES_AND_ADMINS: &[Role] = &[Role::Secretary, Role::Admin];
const NOBODY: &[Role] = &[];

/// What an id in a request may point at, for the callers a row allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    /// Things of a unit: allowed inside the caller's subtree only (outside: refused).
    Subtree,
    /// Things of a person (a note, a question to the assistant): the caller's own only.
    Own,
    /// No id, or ids everyone signed in may use: the same answer wherever the ids point.
    Open,
    /// Needs no sign-in at all (signing in, the service worker).
    Public,
}

/// One request, as sent.
enum Call {
    /// A server function: its path and its arguments, form-encoded as the browser sends them.
    Fn { path: &'static str, form: String },
    Get(String),
    Json(&'static str, Value),
    /// A multipart upload: (field, file name, bytes) parts.
    Upload(String, Vec<(&'static str, Option<&'static str>, Vec<u8>)>),
}

fn sf<T: ServerFn + Serialize>(args: T) -> Call {
    Call::Fn { path: T::PATH, form: serde_qs::to_string(&args).expect("form-encode the arguments") }
}

/// The ids a request may carry, all from one place of the province, plus the caller's (or
/// someone else's) own things.
struct Target<'a> {
    /// The caller.
    me: i64,
    p: &'a Place,
    own: &'a Own,
}

/// One cell and what lives there.
#[derive(Debug, Clone, Default)]
struct Place {
    cell: i64,
    cell_code: String,
    /// The unit above the cell (commune or bloc): owner of its documents.
    upper: i64,
    /// A plain member of the cell (not the caller).
    member: i64,
    /// A member kept for the changes that cannot be undone (status, password, moving).
    spare_member: i64,
    /// An empty cell beside this one, for updating and closing.
    spare_unit: i64,
    /// The spare member's position (deputy secretary of the cell).
    position: i64,
    /// Published, addressed to the cell.
    document: i64,
    section: i64,
    /// A draft owned by the upper unit (under consultation).
    draft: i64,
    assignment: i64,
    meeting: i64,
    question: i64,
    announcement: i64,
    consultation: i64,
    attachment: i64,
    /// Another attachment, for deleting.
    spare_attachment: i64,
    /// A second question to the cell, for merging into the first.
    question_b: i64,
}

/// Things of one person.
#[derive(Debug, Clone, Default)]
struct Own {
    note: i64,
    exchange: i64,
    comment_client_id: String,
    notification: i64,
}


struct Row {
    /// `/api/<endpoint>` of a server function, or the route as written in `server/src`.
    endpoint: &'static str,
    /// Who may, inside their scope.
    who: &'static [Role],
    scope: Scope,
    call: fn(&Target) -> Call,
    /// A form field whose refusal (422) is this endpoint's way of saying no: a choice offered
    /// in a list (the units a member may ask) is corrected beside the field.
    refused_in: Option<&'static str>,
}

fn row(endpoint: &'static str, who: &'static [Role], scope: Scope, call: fn(&Target) -> Call) -> Row {
    Row { endpoint, who, scope, call, refused_in: None }
}

impl Row {
    fn refused_in(self, field: &'static str) -> Row {
        Row { refused_in: Some(field), ..self }
    }
}

fn due() -> String {
    (chrono::Utc::now() + chrono::Duration::days(20)).format("%d/%m/%Y").to_string()
}

fn today() -> String {
    (chrono::Utc::now() + chrono::Duration::hours(7)).format("%d/%m/%Y").to_string()
}

fn member_form(name: &str, phone: &str, card: &str) -> members::MemberForm {
    members::MemberForm {
        full_name: name.into(),
        birth_date: "12/04/1979".into(),
        gender: "nam".into(),
        card_no: card.into(),
        phone: phone.into(),
        email: String::new(),
        admitted_on: "03/02/2005".into(),
        official_on: "03/02/2006".into(),
    }
}

fn unit_form(name: &str, code: &str) -> units::UnitForm {
    units::UnitForm { kind: "cell".into(), name: name.into(), code: code.into(), valid_from: "01/01/2024".into() }
}

/// A draft owned by the place's upper unit, addressed to its cell; `what` makes its text unique.
fn draft_for(t: &Target, what: &str) -> documents::DocumentDraft {
    let mut draft = common::document_draft(t.p.upper);
    draft.audience_codes = t.p.cell_code.clone();
    draft.title = format!("{what} ({})", t.p.cell_code);
    draft.text = common::document_body(&format!("{what}: chi bộ {} thực hiện ({}).", t.p.cell_code, app::common::client_id::new()));
    draft
}

/// The table: one row per server function and route (a route may have more).
fn rows() -> Vec<Row> {
    use Scope::*;
    vec![
        // Signing in and the account.
        row("/api/current-user", EVERYONE, Public, |_| sf(auth::CurrentUser {})),
        row("/api/login", EVERYONE, Public, |_| sf(auth::Login { identifier: "0900000999".into(), password: "sai-mat-khau".into() })),
        row("/api/activate", EVERYONE, Public, |_| {
            sf(auth::Activate { card_no: "64999999".into(), code: "1111 2222 3333".into(), new_password: "matkhau2025".into(), confirm_password: "matkhau2025".into() })
        }),
        row("/api/change-password", EVERYONE, Open, |_| {
            sf(auth::ChangePassword { current_password: "sai".into(), new_password: "x".into(), confirm_password: "y".into() })
        }),
        // Units.
        row("/api/unit-roots", EVERYONE, Open, |_| sf(units::UnitRoots {})),
        row("/api/get-unit-detail", EVERYONE, Subtree, |t| sf(units::GetUnitDetail { id: t.p.cell, include_closed: false })),
        row("/api/unit-children", EVERYONE, Subtree, |t| sf(units::UnitChildren { id: t.p.upper })),
        row("/api/find-cells", ADMINS, Open, |_| sf(units::FindCells { query: "Chi bộ".into() })),
        row("/api/create-unit", ADMINS, Subtree, |t| sf(units::CreateUnit { parent_id: t.p.upper, form: unit_form("Chi bộ ấp mới", "") })),
        row("/api/update-unit", ADMINS, Subtree, |t| sf(units::UpdateUnit { id: t.p.spare_unit, form: unit_form("Chi bộ ấp dự phòng (đổi tên)", "") })),
        row("/api/close-unit", ADMINS, Subtree, |t| sf(units::CloseUnit { id: t.p.spare_unit, closed_on: today(), successor_code: String::new() })),
        // Members.
        row("/api/list-members", OFFICERS, Subtree, |t| {
            sf(members::ListMembers { unit_id: t.p.cell, q: String::new(), status: String::new(), sort: String::new(), page: 1 })
        }),
        row("/api/get-member-profile", OFFICERS, Subtree, |t| sf(members::GetMemberProfile { id: t.p.member })),
        row("/api/create-member", ADMINS, Subtree, |t| {
            sf(members::CreateMember { unit_id: t.p.cell, form: member_form("Ngô Văn Thành", "", "") })
        }),
        row("/api/update-member", ADMINS, Subtree, |t| {
            sf(members::UpdateMember { id: t.p.spare_member, form: member_form("Lý Văn Sang", "", "") })
        }),
        row("/api/update-contact", SECRETARIES_AND_ADMINS, Subtree, |t| sf(members::UpdateContact { id: t.p.spare_member, phone: String::new(), email: String::new() })),
        row("/api/move-member", ADMINS, Subtree, |t| {
            sf(members::MoveMember { id: t.p.spare_member, to_code: t.p.cell_code.clone(), on_date: today(), reason: "Chuyển sinh hoạt".into() })
        }),
        row("/api/issue-activation-code", ADMINS, Subtree, |t| sf(members::IssueActivationCode { id: t.p.spare_member })),
        // Activation codes: a cell's secretary or an administrator above it (the spare member
        // holds a position, so only an administrator may give them a code).
        row("/api/get-cell-accounts", SECRETARIES_AND_ADMINS, Subtree, |t| sf(members::GetCellAccounts { unit_id: t.p.cell })),
        row("/api/issue-activation-codes", SECRETARIES_AND_ADMINS, Subtree, |t| {
            sf(members::IssueActivationCodes { unit_id: t.p.cell, member_ids: vec![t.p.member] })
        }),
        row("/api/v1/activation-codes.xlsx", SECRETARIES_AND_ADMINS, Subtree, |t| Call::Fn {
            path: "/api/v1/activation-codes.xlsx",
            form: format!("unit={}&sheet=bm90LWEtc2VhbGVkLXNoZWV0", t.p.cell),
        }),
        row("/api/assign-position", ADMINS, Subtree, |t| {
            sf(members::AssignPosition { member_id: t.p.spare_member, role: "secretary".into(), unit_code: t.p.cell_code.clone(), from_date: today() })
        }),
        row("/api/end-position", ADMINS, Subtree, |t| sf(members::EndPosition { position_id: t.p.position, to_date: today() })),
        row("/api/set-member-status", ADMINS, Subtree, |t| sf(members::SetMemberStatus { id: t.p.spare_member, status: "deceased".into(), on_date: today() })),
        // The library.
        row("/api/library", EVERYONE, Open, |_| {
            sf(documents::Library { q: String::new(), doc_type: String::new(), level: String::new(), status: String::new(), year: String::new(), issuer: String::new() })
        }),
        row("/api/document", EVERYONE, Subtree, |t| sf(documents::GetDocument { id: t.p.document })),
        row("/api/document-publish", COMMITTEES, Subtree, |t| sf(documents::SetPublished { id: t.p.document, published: true })),
        row("/api/document-editor", COMMITTEES, Subtree, |t| sf(documents::DocumentEditor { id: Some(t.p.document) })),
        row("/api/document-save", COMMITTEES, Subtree, |t| {
            sf(documents::SaveDocument { draft: draft_for(t, "Hướng dẫn sinh hoạt chi bộ (bản mới)") })
        }),
        row("/api/reader-marks", EVERYONE, Subtree, |t| sf(documents::ReaderMarks { document_id: t.p.document })),
        row("/api/bookmark", EVERYONE, Subtree, |t| sf(documents::SetBookmark { section_id: t.p.section, on: true })),
        row("/api/bookmarks", EVERYONE, Open, |_| sf(documents::MyBookmarks {})),
        row("/api/note-save", EVERYONE, Subtree, |t| {
            sf(documents::SaveNote { client_id: app::common::client_id::new(), section_id: t.p.section, quote: String::new(), note: "Ghi chú".into() })
        }),
        row("/api/note-delete", EVERYONE, Own, |t| sf(documents::DeleteNote { id: t.own.note })),
        row("/api/font-size", EVERYONE, Open, |_| sf(documents::SetFontSize { percent: 120 })),
        row("/api/attachment-delete", COMMITTEES, Subtree, |t| sf(documents::DeleteAttachment { id: t.p.spare_attachment })),
        row("/api/v1/documents/{id}/attachments", COMMITTEES, Subtree, |t| {
            Call::Upload(format!("/api/v1/documents/{}/attachments", t.p.draft), vec![("file", Some("ke-hoach.pdf"), pdf())])
        }),
        row("/api/v1/documents/import", COMMITTEES, Subtree, |t| {
            Call::Upload(
                "/api/v1/documents/import".into(),
                vec![
                    ("owner_unit_id", None, t.p.upper.to_string().into_bytes()),
                    ("file", Some("huong-dan.txt"), common::document_body("Thực hiện nghiêm.").into_bytes()),
                ],
            )
        }),
        row("/tep/{id}", EVERYONE, Subtree, |t| Call::Get(format!("/tep/{}", t.p.attachment))),
        // A dry run: the check answers the report, writes nothing.
        row("/api/v1/members/import", ADMINS, Subtree, |t| {
            Call::Upload(
                "/api/v1/members/import".into(),
                vec![
                    ("unit_id", None, t.p.cell.to_string().into_bytes()),
                    ("mode", None, b"kiem-tra".to_vec()),
                    ("file", Some("danh-sach.csv"), member_sheet()),
                ],
            )
        }),
        row("/api/v1/members/export.xlsx", OFFICERS, Subtree, |t| Call::Get(format!("/api/v1/members/export.xlsx?unit={}", t.p.cell))),
        row("/api/v1/members/export.csv", OFFICERS, Subtree, |t| Call::Get(format!("/api/v1/members/export.csv?unit={}", t.p.cell))),
        row("/api/v1/members/import/mau.xlsx", OFFICERS, Open, |_| Call::Get("/api/v1/members/import/mau.xlsx".into())),
        row("/api/v1/search", EVERYONE, Open, |_| Call::Get("/api/v1/search?q=sinh%20ho%E1%BA%A1t".into())),
        // Reading.
        row("/api/reading-progress", EVERYONE, Subtree, |t| {
            sf(reading::RecordProgress {
                events: vec![reading::ProgressEvent { client_id: app::common::client_id::new(), document_id: t.p.document, section_id: t.p.section, seconds: 5 }],
            })
        }),
        row("/api/reading-confirm", EVERYONE, Subtree, |t| sf(reading::ConfirmRead { document_id: t.p.document })),
        row("/api/reading-mine", EVERYONE, Subtree, |t| sf(reading::MyProgress { document_id: t.p.document })),
        row("/api/reading-required", EVERYONE, Open, |_| sf(reading::GetRequiredReading {})),
        row("/api/reading-assign", COMMITTEES, Subtree, |t| sf(reading::AssignReading { document_id: t.p.document, unit_id: t.p.cell, due_on: due() })),
        row("/api/reading-assign-code", COMMITTEES, Subtree, |t| {
            sf(reading::AssignReadingByCode { document_id: t.p.document, unit_code: t.p.cell_code.clone(), due_on: due() })
        }),
        row("/api/reading-report", OFFICERS, Subtree, |t| sf(reading::GetReadingReport { assignment_id: t.p.assignment, unit_id: Some(t.p.cell) })),
        row("/api/v1/reading-report.csv", OFFICERS, Subtree, |t| Call::Get(format!("/api/v1/reading-report.csv?assignment={}&unit={}", t.p.assignment, t.p.cell))),
        row("/api/v1/reading-report.xlsx", OFFICERS, Subtree, |t| Call::Get(format!("/api/v1/reading-report.xlsx?assignment={}&unit={}", t.p.assignment, t.p.cell))),
        row("/api/quiz", EVERYONE, Subtree, |t| sf(reading::GetQuiz { document_id: t.p.document })),
        row("/api/quiz-submit", EVERYONE, Subtree, |t| {
            sf(reading::SubmitQuiz { client_id: app::common::client_id::new(), document_id: t.p.document, sheet: "0".repeat(32), answers: vec![0] })
        }),
        row("/api/v1/offline-pages", EVERYONE, Open, |_| Call::Get("/api/v1/offline-pages".into())),
        row("/api/v1/sync", EVERYONE, Subtree, |t| {
            Call::Json("/api/v1/sync", json!({ "writes": [{ "client_id": app::common::client_id::new(), "member_id": t.me, "kind": "reading-confirm", "data": { "document_id": t.p.document } }] }))
        }),
        // Meetings.
        row("/api/meetings", EVERYONE, Subtree, |t| sf(meetings::CellMeetings { cell_id: Some(t.p.cell) })),
        row("/api/meetings-upcoming", EVERYONE, Open, |_| sf(meetings::UpcomingMeetings {})),
        row("/api/meeting-plan", SECRETARIES, Subtree, |t| sf(meetings::PlanMeeting { form: common::meeting_form(t.p.cell, 72) })),
        row("/api/meeting", EVERYONE, Subtree, |t| sf(meetings::GetMeeting { id: t.p.meeting })),
        row("/api/meeting-rsvp", CELL_MEMBERS, Subtree, |t| sf(meetings::AnswerInvitation { meeting_id: t.p.meeting, coming: true, reason: String::new() })),
        row("/api/meeting-attendance", SECRETARIES, Subtree, |t| {
            sf(meetings::SaveAttendance { meeting_id: t.p.meeting, marks: vec![meetings::AttendanceMark { member_id: t.p.member, status: "present".into(), note: String::new() }] })
        }),
        row("/api/meeting-held", SECRETARIES, Subtree, |t| sf(meetings::RecordMeetingHeld { meeting_id: t.p.meeting, held_minutes: "95".into() })),
        row("/api/meeting-score", SECRETARIES, Subtree, |t| sf(meetings::ScoreMeeting { meeting_id: t.p.meeting, scores: vec![criterion_score()] })),
        row("/api/meeting-review", COMMITTEES, Subtree, |t| sf(meetings::ReviewMeeting { meeting_id: t.p.meeting, changes: vec![criterion_score()], approve: false })),
        row("/api/meeting-rate", CELL_MEMBERS, Subtree, |t| sf(meetings::RateMeeting { meeting_id: t.p.meeting, stars: 4, comment: String::new() })),
        row("/api/meeting-ratings", OFFICERS, Subtree, |t| sf(meetings::MeetingRatings { meeting_id: t.p.meeting })),
        row("/api/meeting-minutes", EVERYONE, Subtree, |t| sf(meetings::GetMinutes { meeting_id: t.p.meeting })),
        row("/api/meeting-minutes-save", SECRETARIES, Subtree, |t| {
            sf(meetings::SaveMinutes { form: meetings::MinutesForm { meeting_id: t.p.meeting, conclusion: "Chi bộ thống nhất.".into(), ..Default::default() } })
        }),
        row("/api/meeting-qr", SECRETARIES, Subtree, |t| sf(meetings::CurrentQr { meeting_id: t.p.meeting, origin: "http://127.0.0.1".into() })),
        row("/api/meeting-check-in-status", CELL_MEMBERS, Subtree, |t| sf(meetings::CheckInStatus { meeting_id: t.p.meeting })),
        row("/api/meeting-check-in", CELL_MEMBERS, Subtree, |t| sf(meetings::CheckIn { meeting_id: t.p.meeting, code: "0".repeat(16) })),
        row("/api/meeting-document", SECRETARIES, Subtree, |t| sf(meetings::AttachMeetingDocument { meeting_id: t.p.meeting, document_id: t.p.document })),
        row("/api/meeting-report", OFFICERS, Subtree, |t| sf(meetings::MeetingReport { unit_id: Some(t.p.cell), period: None })),
        row("/api/v1/meetings-report.csv", OFFICERS, Subtree, |t| Call::Get(format!("/api/v1/meetings-report.csv?unit={}", t.p.cell))),
        row("/api/v1/meetings-report.xlsx", OFFICERS, Subtree, |t| Call::Get(format!("/api/v1/meetings-report.xlsx?unit={}", t.p.cell))),
        row("/api/rubric-editor", ADMINS, Subtree, |t| sf(meetings::rubric_editor::RubricEditor { unit_id: Some(t.p.upper) })),
        row("/api/rubric-save", ADMINS, Subtree, |t| {
            sf(meetings::rubric_editor::SaveUnitRubric { unit_id: t.p.upper, draft: rubric() })
        }),
        // Questions and answers.
        row("/api/questions-home", EVERYONE, Open, |_| sf(questions::QuestionsHome {})),
        row("/api/question-ask", CELL_MEMBERS, Subtree, |t| sf(questions::AskQuestion { form: common::ask_form(t.p.cell, "named", &app::common::client_id::new()) }))
            .refused_in("unit_id"),
        row("/api/question-inbox", OFFICERS, Open, |_| sf(questions::QuestionInbox { status: None })),
        row("/api/question", SECRETARIES, Subtree, |t| sf(questions::GetQuestion { id: t.p.question })),
        row("/api/question-take", SECRETARIES, Subtree, |t| sf(questions::TakeQuestion { id: t.p.question })),
        row("/api/question-answer", SECRETARIES, Subtree, |t| sf(questions::AnswerQuestion { id: t.p.question, answer: "Đóng 0,5% lương hưu.".into() })),
        row("/api/question-forward", SECRETARIES, Subtree, |t| sf(questions::ForwardQuestion { id: t.p.question, direction: questions::Forward::Up, note: String::new() })),
        row("/api/question-close", SECRETARIES, Subtree, |t| sf(questions::CloseQuestion { id: t.p.question, note: "Đã trả lời trực tiếp.".into() })),
        row("/api/question-rate", NOBODY, Own, |t| sf(questions::RateAnswer { id: t.p.question, stars: 5, comment: String::new() })),
        row("/api/question-report", OFFICERS, Subtree, |t| sf(questions::QuestionReport { unit_id: Some(t.p.cell), period: None })),
        row("/api/v1/questions-report.csv", OFFICERS, Subtree, |t| Call::Get(format!("/api/v1/questions-report.csv?unit={}", t.p.cell))),
        row("/api/v1/questions-report.xlsx", OFFICERS, Subtree, |t| Call::Get(format!("/api/v1/questions-report.xlsx?unit={}", t.p.cell))),
        row("/api/question-merge", SECRETARIES, Subtree, |t| sf(questions::MergeQuestion { id: t.p.question_b, into: t.p.question })),
        row("/api/faq", EVERYONE, Open, |_| sf(questions::SearchFaq { query: "đảng phí".into() })),
        row("/api/faq-publish", SECRETARIES, Subtree, |t| {
            sf(questions::PublishFaq { id: t.p.question, question: "Đảng viên hưu trí đóng đảng phí thế nào?".into(), answer: "Đóng 0,5% lương hưu hằng tháng.".into() })
        }),
        // Announcements.
        row("/api/announcements", EVERYONE, Open, |_| sf(announcements::AnnouncementsHome {})),
        row("/api/announcement-send", COMMITTEES, Subtree, |t| {
            sf(announcements::SendAnnouncement {
                form: announcements::AnnouncementForm { unit_id: t.p.cell, title: "Lịch sinh hoạt".into(), body: "Chi bộ họp tối thứ Sáu.".into(), audience: "all".into(), needs_confirm: false },
            })
        }),
        row("/api/announcement", EVERYONE, Subtree, |t| sf(announcements::OpenAnnouncement { id: t.p.announcement })),
        row("/api/announcement-confirm", CELL_MEMBERS, Subtree, |t| sf(announcements::ConfirmAnnouncement { id: t.p.announcement })),
        // Consultations on drafts.
        row("/api/consultations", EVERYONE, Open, |_| sf(consultations::ConsultationsHome {})),
        row("/api/consultation-new", COMMITTEES, Open, |_| sf(consultations::NewConsultationData {})),
        row("/api/consultation-open", COMMITTEES, Subtree, |t| {
            sf(consultations::OpenConsultation {
                form: consultations::ConsultationForm { document_id: t.p.draft, unit_id: t.p.upper, audience: "all".into(), closes_on: due(), intro: String::new() },
            })
        }),
        row("/api/consultation", EVERYONE, Subtree, |t| sf(consultations::Consultation { id: t.p.consultation })),
        row("/api/consultation-comment", CELL_MEMBERS, Subtree, |t| {
            sf(consultations::SaveConsultationComment {
                client_id: app::common::client_id::new(),
                consultation_id: t.p.consultation,
                anchor: "dieu-1".into(),
                stance: "agree".into(),
                body: String::new(),
            })
        }),
        row("/api/consultation-comment-delete", EVERYONE, Own, |t| sf(consultations::DeleteConsultationComment { client_id: t.own.comment_client_id.clone() })),
        row("/api/consultation-close", COMMITTEES, Subtree, |t| sf(consultations::CloseConsultation { id: t.p.consultation })),
        row("/api/consultation-digest", COMMITTEES, Subtree, |t| sf(consultations::ConsultationDigest { id: t.p.consultation })),
        row("/api/v1/consultation-comments.csv", COMMITTEES, Subtree, |t| Call::Get(format!("/api/v1/consultation-comments.csv?id={}", t.p.consultation))),
        row("/api/v1/consultation-comments.xlsx", COMMITTEES, Subtree, |t| Call::Get(format!("/api/v1/consultation-comments.xlsx?id={}", t.p.consultation))),
        // Notifications.
        row("/api/notifications", EVERYONE, Open, |_| sf(notifications::MyNotifications {})),
        row("/api/notifications-unread", EVERYONE, Open, |_| sf(notifications::UnreadCount {})),
        row("/api/notifications-read", EVERYONE, Own, |t| sf(notifications::MarkRead { id: Some(t.own.notification) })),
        row("/api/notification-settings", EVERYONE, Open, |_| sf(notifications::NotificationSettings {})),
        row("/api/notification-settings-save", EVERYONE, Open, |_| sf(notifications::SaveNotificationSettings {
                choices: vec![notifications::KindChoice { kind: "announcement".into(), label: String::new(), in_app: true, push: false }],
            })),
        row("/api/push-subscribe", EVERYONE, Open, |_| {
            sf(notifications::PushSubscribe { endpoint: "https://push.example.invalid/x".into(), p256dh: String::new(), auth: String::new() })
        }),
        row("/api/push-unsubscribe", EVERYONE, Open, |_| sf(notifications::PushUnsubscribe { endpoint: "https://push.example.invalid/x".into() })),
        // The assistant.
        row("/api/assistant-home", EVERYONE, Open, |_| sf(assistant::AssistantHome {})),
        row("/api/assistant-ask", EVERYONE, Open, |_| sf(assistant::AskAssistant { question: "Đảng phí đóng bao nhiêu?".into(), client_id: app::common::client_id::new(), by_voice: false })),
        row("/api/assistant-rate", EVERYONE, Own, |t| sf(assistant::RateAnswer { id: t.own.exchange, rating: 1, comment: String::new() })),
        row("/api/assistant-forward", EVERYONE, Own, |t| sf(assistant::ForwardToCell { id: t.own.exchange })),
        row("/api/assistant-report", ADMINS, Open, |_| sf(assistant::AssistantReport {})),
        row("/api/v1/ask", EVERYONE, Open, |_| Call::Json("/api/v1/ask", json!({ "question": "Sinh hoạt chi bộ mấy lần một tháng?" }))),
        row("/api/v1/tts", EVERYONE, Open, |_| Call::Json("/api/v1/tts", json!({ "text": "Xin chào" }))),
        // The offline app's worker.
        row("/sw.js", EVERYONE, Public, |_| Call::Get("/sw.js".into())),
        // Watching the server: liveness and readiness say nothing about anyone; the metrics go
        // by the caller's address, not its role (this test calls from the machine itself;
        // server/tests/operations.rs shows a forwarded request refused).
        row("/healthz", EVERYONE, Public, |_| Call::Get("/healthz".into())),
        row("/readyz", EVERYONE, Public, |_| Call::Get("/readyz".into())),
        row("/metrics", EVERYONE, Public, |_| Call::Get("/metrics".into())),
        // Last: it ends the caller's session.
        row("/api/logout", EVERYONE, Public, |_| sf(auth::Logout {})),
    ]
}

fn criterion_score() -> meetings::CriterionScore {
    meetings::CriterionScore { criterion_id: 1, tenths: 100, reason: "Chi bộ chuẩn bị chu đáo.".into() }
}

fn rubric() -> meetings::rubric_editor::RubricDraft {
    meetings::rubric_editor::RubricDraft {
        name: "Tiêu chí chấm điểm sinh hoạt chi bộ".into(),
        criteria: vec![meetings::rubric_editor::CriterionDraft { label: "Chuẩn bị nội dung".into(), max_points: "100".into(), auto: String::new() }],
        tot: "90".into(),
        kha: "70".into(),
        trung_binh: "50".into(),
    }
}

/// A small PDF; each one different (the server refuses the same file twice on a document).
/// A one-member list (its row is refused for want of a cell: the report still answers).
fn member_sheet() -> Vec<u8> {
    "Họ và tên,Số thẻ đảng viên,Ngày sinh,Ngày vào Đảng,Chi bộ\r\nNgô Văn Thành,64777001,19/05/1980,03/02/2005,\r\n".as_bytes().to_vec()
}

fn pdf() -> Vec<u8> {
    format!("%PDF-1.4\n% {}\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n", app::common::client_id::new()).into_bytes()
}

// ---------------------------------------------------------------------------------------------
// The running server.

/// The server binary serving one database on a free port, with a client that keeps redirects.
struct Server {
    process: common::ServerProcess,
    base: String,
    http: reqwest::Client,
}

impl Server {
    async fn start(database_url: &str) -> Server {
        let mut process = common::ServerProcess::spawn(database_url, false, None);
        process.wait_ready(60).await;
        let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("http client");
        Server { base: process.base.clone(), process, http }
    }

    fn log_text(&self) -> String {
        self.process.log_text()
    }

    async fn send(&self, cookie: Option<&str>, call: &Call) -> (u16, String) {
        use reqwest::header::{ACCEPT, CONTENT_TYPE, COOKIE};
        let url = |path: &str| format!("{}{path}", self.base);
        let mut request = match call {
            Call::Fn { path, form } => self.http.post(url(path)).header(CONTENT_TYPE, "application/x-www-form-urlencoded").body(form.clone()),
            Call::Get(path) => self.http.get(url(path)),
            Call::Json(path, body) => self.http.post(url(path)).header(CONTENT_TYPE, "application/json").body(body.to_string()),
            Call::Upload(path, parts) => {
                let boundary = "sotay-authz-boundary";
                let mut body = Vec::new();
                for (name, file, bytes) in parts {
                    body.extend(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"").bytes());
                    if let Some(file) = file {
                        body.extend(format!("; filename=\"{file}\"").bytes());
                    }
                    body.extend(b"\r\n\r\n");
                    body.extend(bytes);
                    body.extend(b"\r\n");
                }
                body.extend(format!("--{boundary}--\r\n").bytes());
                self.http.post(url(path)).header(CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}")).body(body)
            }
        };
        request = request.header(ACCEPT, "application/json");
        if let Some(cookie) = cookie {
            request = request.header(COOKIE, cookie);
        }
        let response = request.send().await.expect("the server answers");
        let status = response.status().as_u16();
        (status, response.text().await.unwrap_or_default())
    }

    /// Signs in by phone number; the session cookie.
    async fn login(&self, phone: &str) -> String {
        let call = sf(auth::Login { identifier: phone.into(), password: PASSWORD.into() });
        let Call::Fn { path, form } = call else { unreachable!() };
        let response = self
            .http
            .post(format!("{}{path}", self.base))
            .header(reqwest::header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(reqwest::header::ACCEPT, "application/json")
            .body(form)
            .send()
            .await
            .expect("login answers");
        assert!(response.status().is_success(), "login of {phone}: {}", response.status());
        let cookies: Vec<String> = response
            .headers()
            .get_all(reqwest::header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok()?.split(';').next().map(str::to_string))
            .collect();
        assert!(!cookies.is_empty(), "login of {phone} set no cookie");
        cookies.join("; ")
    }

    /// A call that must succeed during set-up; its JSON answer.
    async fn ok(&self, cookie: &str, call: Call) -> Value {
        let (status, body) = self.send(Some(cookie), &call).await;
        assert!((200..300).contains(&status), "set-up call {} failed: {status} {body}", describe(&call));
        serde_json::from_str(&body).unwrap_or(Value::Null)
    }
}

fn describe(call: &Call) -> String {
    match call {
        Call::Fn { path, .. } | Call::Json(path, _) => path.to_string(),
        Call::Get(path) | Call::Upload(path, _) => path.clone(),
    }
}

// ---------------------------------------------------------------------------------------------
// The world the table is checked against.

struct World {
    /// Each caller's member id and session cookie.
    sessions: Vec<(Role, i64, String)>,
    c1: Place,
    d1: Place,
    e1: Place,
    /// Own things of the four callers, then of each place's member.
    own: Vec<(Role, Own)>,
    own_d1: Own,
    own_e1: Own,
}

impl World {
    fn session(&self, role: Role) -> &str {
        self.sessions.iter().find(|(r, _, _)| *r == role).map(|(_, _, s)| s.as_str()).expect("session")
    }

    fn member_id(&self, role: Role) -> i64 {
        self.sessions.iter().find(|(r, _, _)| *r == role).map(|(_, id, _)| *id).expect("session")
    }

    fn inside(&self, role: Role) -> Target<'_> {
        let p = match role {
            Role::Member | Role::Secretary => &self.c1,
            Role::Committee => &self.d1,
            Role::Admin => &self.e1,
        };
        let own = self.own.iter().find(|(r, _)| *r == role).map(|(_, o)| o).expect("own things");
        Target { me: self.member_id(role), p, own }
    }

    fn outside(&self, role: Role) -> Target<'_> {
        let (p, own) = match role {
            Role::Member | Role::Secretary | Role::Admin => (&self.d1, &self.own_d1),
            Role::Committee => (&self.e1, &self.own_e1),
        };
        Target { me: self.member_id(role), p, own }
    }
}

/// The parts made straight in the database before the server starts: the org tree and its
/// people (each with a password), a spare member with a position and a spare cell per place.
struct Seeded {
    f: Fixture,
    admin_b: i64,
    spares: [(i64, i64, i64); 3],
    /// A section of a document addressed to the whole province (for everyone's notes).
    public_section: i64,
}

async fn seed(db: &DatabaseConnection) -> Seeded {
    use app::units::UnitKind;
    let f = common::fixture(db).await;
    let admin_b = common::add_member(db, f.cell_e1, "Trương Minh Khang", "0900000108").await;
    common::give_role(db, admin_b, "admin", f.bloc_b).await;
    let mut spares = [(0, 0, 0); 3];
    let places = [
        (f.cell_c1, f.commune_x, "Lý Văn Sang", "0900000111", "Chi bộ ấp 3", "PH.01.03"),
        (f.cell_d1, f.commune_y, "Đoàn Thị Mai", "0900000112", "Chi bộ ấp Mỹ Hòa", "PH.02.02"),
        (f.cell_e1, f.bloc_b, "Châu Văn Lộc", "0900000113", "Chi bộ Sở Xây dựng", "KCQ.SXD"),
    ];
    for (i, (cell, upper, name, phone, unit_name, code)) in places.into_iter().enumerate() {
        let spare = common::add_member(db, cell, name, phone).await;
        common::give_role(db, spare, "deputy_secretary", cell).await;
        let position = position::Entity::find().filter(position::Column::MemberId.eq(spare)).one(db).await.expect("query").expect("position").id;
        let unit = common::add_unit(db, Some(upper), UnitKind::Cell, unit_name, code).await;
        spares[i] = (spare, position, unit);
    }
    let (_, sections) = common::published_document(db, f.root, true, "Điều lệ Đảng Cộng sản Việt Nam", 20).await;
    Seeded { f, admin_b, spares, public_section: sections[0] }
}

/// Makes a place's documents, meeting, question, announcement and consultation through the
/// server, as the province's administrator (the cell's deputy secretary plans the meeting, the
/// place's member asks the question).
async fn place(server: &Server, root: &str, cell: i64, code: &str, upper: i64, member: (i64, &str), spare: (i64, i64, i64), deputy: &str) -> Place {
    let mut p = Place { cell, cell_code: code.into(), upper, member: member.0, spare_member: spare.0, position: spare.1, spare_unit: spare.2, ..Default::default() };
    let t = Target { me: 0, p: &p, own: &Own::default() };
    let mut draft = draft_for(&t, "Hướng dẫn sinh hoạt chi bộ ấp");
    draft.quiz = "Chi bộ sinh hoạt thường kỳ bao lâu một lần?\n- Mỗi quý\n* Mỗi tháng".into();
    let document = server.ok(root, sf(documents::SaveDocument { draft })).await.as_i64().expect("document id");
    server.ok(root, sf(documents::SetPublished { id: document, published: true })).await;
    let page = server.ok(root, sf(documents::GetDocument { id: document })).await;
    // The reading page's document: sections (without their text) under `view`, and the body.
    assert!(page["body_html"].as_str().is_some_and(|html| html.contains("data-section-id")), "{page}");
    let section = page["view"]["sections"]
        .as_array()
        .and_then(|s| s.iter().rev().find(|s| s["kind"] == "article"))
        .and_then(|s| s["id"].as_i64())
        .expect("an article");
    let draft = draft_for(&t, "Dự thảo quy định về sinh hoạt chi bộ");
    let draft = server.ok(root, sf(documents::SaveDocument { draft })).await.as_i64().expect("draft id");
    let upload = Call::Upload(format!("/api/v1/documents/{document}/attachments"), vec![("file", Some("ke-hoach.pdf"), pdf())]);
    let attachment = server.ok(root, upload).await["attachment"]["id"].as_i64().expect("attachment id");
    let upload = Call::Upload(format!("/api/v1/documents/{document}/attachments"), vec![("file", Some("bien-ban.pdf"), pdf())]);
    p.spare_attachment = server.ok(root, upload).await["attachment"]["id"].as_i64().expect("attachment id");
    p.document = document;
    p.section = section;
    p.draft = draft;
    p.attachment = attachment;
    p.assignment = server.ok(root, sf(reading::AssignReading { document_id: document, unit_id: cell, due_on: due() })).await.as_i64().expect("assignment");
    p.meeting = server.ok(deputy, sf(meetings::PlanMeeting { form: common::meeting_form(cell, 48) })).await.as_i64().expect("meeting");
    p.announcement = server
        .ok(
            root,
            sf(announcements::SendAnnouncement {
                form: announcements::AnnouncementForm { unit_id: cell, title: "Thông báo lịch sinh hoạt".into(), body: "Chi bộ họp tối thứ Sáu.".into(), audience: "all".into(), needs_confirm: true },
            }),
        )
        .await
        .as_i64()
        .expect("announcement");
    p.consultation = server
        .ok(
            root,
            sf(consultations::OpenConsultation {
                form: consultations::ConsultationForm { document_id: draft, unit_id: upper, audience: "all".into(), closes_on: due(), intro: "Xin ý kiến đảng viên.".into() },
            }),
        )
        .await
        .as_i64()
        .expect("consultation");
    p.question = server
        .ok(member.1, sf(questions::AskQuestion { form: common::ask_form(cell, "named", &app::common::client_id::new()) }))
        .await
        .as_i64()
        .expect("question");
    let mut again = common::ask_form(cell, "named", &app::common::client_id::new());
    again.title = "Đảng viên hưu trí đóng đảng phí bao nhiêu?".into();
    p.question_b = server.ok(member.1, sf(questions::AskQuestion { form: again })).await.as_i64().expect("question");
    p
}

/// A note, a question to the assistant and a comment on `consultation`, by the holder of `session`.
async fn own(server: &Server, session: &str, public_section: i64, consultation: i64) -> Own {
    let note = server
        .ok(session, sf(documents::SaveNote { client_id: app::common::client_id::new(), section_id: public_section, quote: String::new(), note: "Ghi nhớ".into() }))
        .await["id"]
        .as_i64()
        .expect("note id");
    let exchange = server
        .ok(session, sf(assistant::AskAssistant { question: "Đảng viên phải làm gì?".into(), client_id: app::common::client_id::new(), by_voice: false }))
        .await["id"]
        .as_i64()
        .expect("exchange id");
    let comment_client_id = app::common::client_id::new();
    server
        .ok(
            session,
            sf(consultations::SaveConsultationComment {
                client_id: comment_client_id.clone(),
                consultation_id: consultation,
                anchor: "dieu-1".into(),
                stance: "agree".into(),
                body: String::new(),
            }),
        )
        .await;
    let notification = server.ok(session, sf(notifications::MyNotifications {})).await[0]["id"].as_i64().expect("a notification");
    Own { note, exchange, comment_client_id, notification }
}

async fn world(db: &DatabaseConnection, server: &Server, s: &Seeded) -> World {
    let f = &s.f;
    let root = server.login("0900000101").await;
    let public = s.public_section;
    let fellow_c1 = server.login("0900000107").await;
    let member_d1 = server.login("0900000105").await;
    let member_e1 = server.login("0900000106").await;
    let c1 = place(server, &root, f.cell_c1, "PH.01.01", f.commune_x, (f.member_c1_b, &fellow_c1), s.spares[0], &server.login("0900000111").await).await;
    let d1 = place(server, &root, f.cell_d1, "PH.02.01", f.commune_y, (f.member_d1, &member_d1), s.spares[1], &server.login("0900000112").await).await;
    let e1 = place(server, &root, f.cell_e1, "KCQ.STP", f.bloc_b, (f.member_e1, &member_e1), s.spares[2], &server.login("0900000113").await).await;
    let _ = db;
    let mut sessions = Vec::new();
    let mut owns = Vec::new();
    for (role, id, phone, consultation) in [
        (Role::Member, f.member_c1, "0900000104", c1.consultation),
        (Role::Secretary, f.secretary, "0900000103", c1.consultation),
        (Role::Committee, f.committee, "0900000102", c1.consultation),
        (Role::Admin, s.admin_b, "0900000108", e1.consultation),
    ] {
        let session = server.login(phone).await;
        owns.push((role, own(server, &session, public, consultation).await));
        sessions.push((role, id, session));
    }
    World {
        own_d1: own(server, &member_d1, public, d1.consultation).await,
        own_e1: own(server, &member_e1, public, e1.consultation).await,
        sessions,
        c1,
        d1,
        e1,
        own: owns,
    }
}

// ---------------------------------------------------------------------------------------------
// Checking.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    /// Past the door: done, or refused for what was asked (a conflict, a field to correct).
    Allowed,
    /// 403, or 404 where the thing's existence is not the caller's to know.
    Denied,
    Unauthenticated,
    /// Arguments the server could not read: the row's request is wrong, not the server.
    Malformed,
    ServerError,
}

fn outcome(row: &Row, status: u16, body: &str) -> Outcome {
    let refused_field = row.refused_in.is_some_and(|field| body.contains(&format!("\"field\":\"{field}\"")));
    match status {
        401 => Outcome::Unauthenticated,
        403 | 404 => Outcome::Denied,
        422 if refused_field => Outcome::Denied,
        422 if body.contains("không đúng định dạng") => Outcome::Malformed,
        500.. => Outcome::ServerError,
        _ => sync_outcome(body).unwrap_or(Outcome::Allowed),
    }
}

/// The sync endpoint answers 200 with one result per write: a write refused for want of
/// rights is a denial.
fn sync_outcome(body: &str) -> Option<Outcome> {
    let value: Value = serde_json::from_str(body).ok()?;
    let result = value.get("results")?.get(0)?;
    let message = result.get("message")?.as_str()?;
    let refused = result.get("status")? == "rejected"
        && (message == app::error::AppError::forbidden().to_string()
            || message.starts_with("Không tìm thấy")
            || message.contains("không có quyền")
            || message.contains("không được phổ biến đến đồng chí"));
    refused.then_some(Outcome::Denied)
}

async fn check(server: &Server, world: &World) -> Vec<String> {
    let mut failures = Vec::new();
    let mut expect = |row: &Row, who: &str, expected: Outcome, (status, body): (u16, String)| {
        let got = outcome(row, status, &body);
        if std::env::var("AUTHZ_TRACE").is_ok() && got == Outcome::Allowed && status >= 300 {
            eprintln!("TRACE {} {who} {status} {}", row.endpoint, body.chars().take(140).collect::<String>());
        }
        if got != expected {
            let body: String = body.chars().take(160).collect();
            failures.push(format!("{} — {who}: expected {expected:?}, got {got:?} ({status} {body})", row.endpoint));
        }
    };
    for row in rows() {
        for role in ROLES {
            let inside = world.inside(role);
            let allowed = row.scope == Scope::Public || row.who.contains(&role);
            let call = (row.call)(&inside);
            expect(&row, &format!("{role:?} inside"), if allowed { Outcome::Allowed } else { Outcome::Denied }, server.send(Some(world.session(role)), &call).await);
            if matches!(row.scope, Scope::Subtree | Scope::Own) {
                let call = (row.call)(&world.outside(role));
                expect(&row, &format!("{role:?} outside"), Outcome::Denied, server.send(Some(world.session(role)), &call).await);
            }
        }
        let call = (row.call)(&world.inside(Role::Member));
        let expected = if row.scope == Scope::Public { Outcome::Allowed } else { Outcome::Unauthenticated };
        expect(&row, "signed out", expected, server.send(None, &call).await);
    }
    failures
}

/// Every server function the app registers and every route written in `server/src`.
fn endpoints() -> BTreeSet<String> {
    let mut all: BTreeSet<String> = leptos::server_fn::axum::server_fn_paths().map(|(path, _)| path.to_string()).collect();
    let src = concat!(env!("CARGO_MANIFEST_DIR"), "/src");
    for entry in std::fs::read_dir(src).expect("server/src") {
        let text = std::fs::read_to_string(entry.expect("entry").path()).expect("source");
        for piece in text.split(".route(").skip(1) {
            if let Some(path) = piece.split('"').nth(1) {
                all.insert(path.to_string());
            }
        }
    }
    all
}

#[test]
fn every_endpoint_has_a_row_and_every_row_an_endpoint() {
    let endpoints = endpoints();
    assert!(endpoints.len() > 100, "found only {} endpoints", endpoints.len());
    let listed: BTreeSet<String> = rows().iter().map(|r| r.endpoint.to_string()).collect();
    let missing: Vec<_> = endpoints.difference(&listed).collect();
    let stale: Vec<_> = listed.difference(&endpoints).collect();
    assert!(missing.is_empty(), "endpoints without a row in the authorization table: {missing:?}");
    assert!(stale.is_empty(), "rows for endpoints that do not exist: {stale:?}");
}

async fn run_matrix(db: DatabaseConnection, url: String) {
    let seeded = seed(&db).await;
    let server = Server::start(&url).await;
    let world = world(&db, &server, &seeded).await;
    // A request the server function cannot read is the caller's mistake: 422 with the typed
    // error, never a 500.
    let missing = Call::Fn { path: <meetings::ScoreMeeting as ServerFn>::PATH, form: format!("meeting_id={}", world.c1.meeting) };
    let (status, body) = server.send(Some(world.session(Role::Secretary)), &missing).await;
    assert_eq!((status, outcome(&rows()[0], status, &body)), (422, Outcome::Malformed), "{body}");
    let failures = check(&server, &world).await;
    assert!(failures.is_empty(), "{} of the authorization table's checks failed:\n{}", failures.len(), failures.join("\n"));
    assert!(!server.log_text().contains("panicked"), "the server panicked:\n{}", server.log_text());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_role_reaches_exactly_its_own_subtree_on_sqlite() {
    let (db, url) = common::sqlite_with_url().await;
    run_matrix(db, url).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_role_reaches_exactly_its_own_subtree_on_postgres() {
    let (db, name) = common::postgres().await;
    let url = common::postgres_url(&name);
    run_matrix(db.clone(), url).await;
    db.close().await.ok();
    common::drop_postgres(&name).await;
}
