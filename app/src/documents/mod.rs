//! The document library: Party documents with their structure, search, and reading view.

#[cfg(feature = "ssr")]
pub mod import;
mod pages;
#[cfg(feature = "ssr")]
pub mod search;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod structure;

pub use pages::{DocumentPage, LibraryPage};

use chrono::NaiveDate;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[allow(unused_imports)]
use crate::auth::service_call as call;
use crate::error::AppError;

/// (code, label) tables for the document classifications; codes are what the database stores.
pub const DOC_TYPES: [(&str, &str); 9] = [
    ("dieu_le", "Điều lệ"),
    ("nghi_quyet", "Nghị quyết"),
    ("chi_thi", "Chỉ thị"),
    ("quy_dinh", "Quy định"),
    ("quyet_dinh", "Quyết định"),
    ("huong_dan", "Hướng dẫn"),
    ("ket_luan", "Kết luận"),
    ("thong_bao", "Thông báo"),
    ("sinh_hoat_chi_bo", "Tài liệu sinh hoạt chi bộ"),
];
pub const LEVELS: [(&str, &str); 3] = [("central", "Trung ương"), ("provincial", "Tỉnh"), ("grassroots", "Cơ sở")];
pub const STATUSES: [(&str, &str); 3] =
    [("in_force", "Còn hiệu lực"), ("amended", "Đã được sửa đổi, bổ sung"), ("superseded", "Đã được thay thế")];

/// The label for a stored code, or the code itself if unknown.
pub fn label_of(table: &[(&'static str, &'static str)], code: &str) -> String {
    table.iter().find(|(c, _)| *c == code).map(|(_, l)| l.to_string()).unwrap_or_else(|| code.to_string())
}

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
    pub can_manage: bool,
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
) -> Result<LibraryPage, AppError> {
    let filters = SearchFilters::from_form(q, doc_type, level, status, year);
    let index = crate::state::search_index()?;
    call!(|db, user| service::library(&db, &index, &user, &filters))
}

#[server(endpoint = "document")]
pub async fn get_document(id: i64) -> Result<DocumentView, AppError> {
    call!(|db, user| service::view(&db, &user, id))
}

#[server(endpoint = "document-publish")]
pub async fn set_published(id: i64, published: bool) -> Result<(), AppError> {
    let index = crate::state::search_index()?;
    call!(|db, user| service::set_published(&db, &index, &user, id, published))
}

impl SearchFilters {
    pub fn from_form(q: String, doc_type: String, level: String, status: String, year: String) -> SearchFilters {
        let some = |s: String| (!s.trim().is_empty()).then(|| s.trim().to_string());
        SearchFilters {
            q: q.chars().take(200).collect(),
            doc_type: some(doc_type),
            level: some(level),
            status: some(status),
            year: year.trim().parse().ok(),
            issuer: None,
        }
    }
}
