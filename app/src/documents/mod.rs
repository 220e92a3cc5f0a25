//! The document library: Party documents with their structure, search, and reading view.

#[cfg(feature = "ssr")]
pub mod attachments;
#[cfg(feature = "ssr")]
pub mod authoring;
pub mod body;
#[cfg(feature = "ssr")]
pub mod import;
#[cfg(feature = "ssr")]
pub mod marks;
mod editor;
mod pages;
#[cfg(feature = "ssr")]
pub mod search;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod structure;

pub use editor::DocumentEditorPage;
pub use pages::{DocumentPage, LibraryPage};

use chrono::NaiveDate;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[allow(unused_imports)]
use crate::auth::service_call as call;
use crate::error::AppError;

/// (code, label) tables for the document classifications; codes are what the database stores.
pub const DOC_TYPES: [(&str, &str); 10] = [
    ("dieu_le", "Điều lệ"),
    ("nghi_quyet", "Nghị quyết"),
    ("chi_thi", "Chỉ thị"),
    ("quy_dinh", "Quy định"),
    ("quyet_dinh", "Quyết định"),
    ("huong_dan", "Hướng dẫn"),
    ("ket_luan", "Kết luận"),
    ("thong_bao", "Thông báo"),
    ("sinh_hoat_chi_bo", "Tài liệu sinh hoạt chi bộ"),
    ("hien_phap_luat", "Hiến pháp, luật"),
];
pub const LEVELS: [(&str, &str); 3] = [("central", "Trung ương"), ("provincial", "Tỉnh"), ("grassroots", "Cơ sở")];
pub const STATUSES: [(&str, &str); 3] =
    [("in_force", "Còn hiệu lực"), ("amended", "Đã được sửa đổi, bổ sung"), ("superseded", "Đã được thay thế")];

pub use crate::common::label_of;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentSummary {
    pub id: i64,
    pub number: String,
    pub title: String,
    pub doc_type: String,
    pub level: String,
    pub issuer: String,
    pub issued_on: Option<NaiveDate>,
    pub status: String,
    pub published: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SectionView {
    pub id: i64,
    pub kind: String,
    pub anchor: String,
    /// "Điều 5", "Chương II", …
    pub label: String,
    pub heading: String,
    pub body: String,
    pub depth: u8,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentView {
    pub summary: DocumentSummary,
    pub effective_on: Option<NaiveDate>,
    pub topics: String,
    pub source: String,
    pub sections: Vec<SectionView>,
    pub superseded_by: Option<DocumentSummary>,
    /// Older documents this one replaced.
    pub replaces: Vec<DocumentSummary>,
    /// Documents on the same subject the reader may open.
    pub related: Vec<DocumentSummary>,
    pub attachments: Vec<AttachmentInfo>,
    pub version: i32,
    pub can_manage: bool,
}

/// The reading page's document: its sections without their text, which comes once, as the body's
/// HTML (`body`), rendered once per version on the server and the same for every reader.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReaderDocument {
    /// Sections with kind, anchor, label and heading; `body` empty.
    pub view: DocumentView,
    pub body_html: String,
}

/// A [`ReaderDocument`] as the reading page carries it for hydration: without the body's HTML,
/// which the same page holds already as HTML (the browser takes it from there). A document page
/// then carries the document once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InPageDocument(pub ReaderDocument);

impl Serialize for InPageDocument {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct WithoutBody<'a> {
            view: &'a DocumentView,
            body_html: &'a str,
        }
        WithoutBody { view: &self.0.view, body_html: "" }.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for InPageDocument {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        ReaderDocument::deserialize(deserializer).map(InPageDocument)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchFilters {
    pub q: String,
    pub doc_type: Option<String>,
    pub level: Option<String>,
    pub status: Option<String>,
    pub year: Option<i32>,
    pub issuer: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnippetPart {
    pub text: String,
    pub hit: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchHit {
    pub document_id: i64,
    pub number: String,
    pub title: String,
    pub anchor: String,
    pub section_label: String,
    pub score: f64,
    pub snippet: Vec<SnippetPart>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LibraryPage {
    pub documents: Vec<DocumentSummary>,
    pub hits: Vec<SearchHit>,
    pub searched: bool,
}

/// The library: documents the user may read, or search hits when `q` is given. Empty filter
/// strings mean "any".
#[server(endpoint = "library")]
pub async fn library(
    q: String,
    doc_type: String,
    level: String,
    status: String,
    year: String,
    issuer: String,
) -> Result<LibraryPage, AppError> {
    let filters = SearchFilters::from_form(q, doc_type, level, status, year, issuer);
    let index = crate::state::search_index()?;
    let meaning = crate::state::embeddings()?;
    call!(|db, user| service::library(&db, &index, meaning.as_ref(), &user, &filters))
}

#[server(endpoint = "document")]
pub async fn get_document(id: i64) -> Result<ReaderDocument, AppError> {
    let index = crate::state::search_index()?;
    let sections = crate::state::section_cache()?;
    call!(|db, user| async move {
        let view = service::reader_view(&db, &index, &sections, &user, id).await?;
        // The member has the document now: their reading clock starts (reading::service). Off
        // the page's path, so a busy database never holds up the page.
        tokio::spawn(async move {
            // Domain rule: proof of reading starts its clock when the member receives the text.
            if let Err(e) = crate::reading::service::document_received(&db, user.member_id, id).await {
                tracing::warn!(error = %e, "starting a reading clock");
            }
        });
        Ok(view)
    })
}

#[server(endpoint = "document-publish")]
pub async fn set_published(id: i64, published: bool) -> Result<(), AppError> {
    let index = crate::state::search_index()?;
    call!(|db, user| service::set_published(&db, &index, &user, id, published))
}

/// The longest search or question taken: members paste whole questions.
pub const MAX_QUERY_CHARS: usize = 1000;

impl SearchFilters {
    pub fn from_form(q: String, doc_type: String, level: String, status: String, year: String, issuer: String) -> SearchFilters {
        let some = |s: String| (!s.trim().is_empty()).then(|| s.trim().to_string());
        SearchFilters {
            q: q.chars().take(MAX_QUERY_CHARS).collect(),
            doc_type: some(doc_type),
            level: some(level),
            status: some(status),
            year: year.trim().parse().ok(),
            issuer: some(issuer.chars().take(100).collect()),
        }
    }
}

/// The editor's form: every field as typed, validated on the server.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentDraft {
    /// `None` creates a new document.
    pub id: Option<i64>,
    pub owner_unit_id: i64,
    pub number: String,
    pub title: String,
    pub doc_type: String,
    pub level: String,
    pub issuer: String,
    pub issued_on: String,
    pub effective_on: String,
    pub status: String,
    pub topics: String,
    /// "true": every member; otherwise the unit codes in `audience_codes`.
    pub audience_all: String,
    /// Unit codes, separated by commas, spaces or new lines.
    pub audience_codes: String,
    /// Id of the document this one replaces ("" = none).
    pub supersedes: String,
    /// The body, in the plain-text form the importer reads (Chương/Điều/khoản lines).
    pub text: String,
    /// Optional comprehension check: a question per line, then "- wrong" / "* right" choices.
    pub quiz: String,
    pub quiz_pass_percent: String,
    pub change_note: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionInfo {
    pub version: i32,
    pub title: String,
    pub change_note: String,
    pub edited_by: String,
    pub edited_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachmentInfo {
    pub id: i64,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
}

/// Everything the editor page needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EditorData {
    pub draft: DocumentDraft,
    /// Units whose documents this user manages (the owner choices).
    pub owners: Vec<crate::units::UnitRef>,
    /// Documents this user manages that the edited one could replace.
    pub replaceable: Vec<DocumentSummary>,
    pub versions: Vec<VersionInfo>,
    pub attachments: Vec<AttachmentInfo>,
}

#[server(endpoint = "document-editor")]
pub async fn document_editor(id: Option<i64>) -> Result<EditorData, AppError> {
    call!(|db, user| authoring::editor(&db, &user, id))
}

/// Saves a new document or a new version of one; returns its id.
#[server(endpoint = "document-save")]
pub async fn save_document(draft: DocumentDraft) -> Result<i64, AppError> {
    let index = crate::state::search_index()?;
    let result = call!(|db, user| authoring::save(&db, &index, &user, &draft));
    if let Ok(id) = &result {
        leptos_axum::redirect(&format!("/tai-lieu/{id}"));
    }
    result
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookmarkView {
    pub section_id: i64,
    pub document_id: i64,
    pub document_title: String,
    pub anchor: String,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoteView {
    pub id: i64,
    pub client_id: String,
    pub section_id: i64,
    pub anchor: String,
    pub label: String,
    /// The highlighted passage, verbatim from the section ("" = a note on the whole section).
    pub quote: String,
    pub note: String,
    pub updated_at: String,
}

/// What belongs to this reader on a document page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyMarks {
    pub font_percent: Option<i32>,
    pub bookmarks: Vec<i64>,
    pub notes: Vec<NoteView>,
}

#[server(endpoint = "reader-marks")]
pub async fn reader_marks(document_id: i64) -> Result<MyMarks, AppError> {
    call!(|db, user| marks::for_document(&db, &user, document_id))
}

#[server(endpoint = "bookmark")]
pub async fn set_bookmark(section_id: i64, on: bool) -> Result<bool, AppError> {
    call!(|db, user| marks::toggle_bookmark(&db, &user, section_id, on))
}

#[server(endpoint = "bookmarks")]
pub async fn my_bookmarks() -> Result<Vec<BookmarkView>, AppError> {
    call!(|db, user| marks::bookmarks(&db, &user, None))
}

#[server(endpoint = "note-save")]
pub async fn save_note(client_id: String, section_id: i64, quote: String, note: String) -> Result<NoteView, AppError> {
    call!(|db, user| marks::save_note(&db, &user, &client_id, section_id, &quote, &note))
}

#[server(endpoint = "note-delete")]
pub async fn delete_note(id: i64) -> Result<(), AppError> {
    call!(|db, user| marks::delete_note(&db, &user, id))
}

#[server(endpoint = "font-size")]
pub async fn set_font_size(percent: i32) -> Result<i32, AppError> {
    call!(|db, user| marks::set_font_percent(&db, &user, percent))
}

#[server(endpoint = "attachment-delete")]
pub async fn delete_attachment(id: i64) -> Result<(), AppError> {
    call!(|db, user| attachments::remove(&db, &user, id))
}
