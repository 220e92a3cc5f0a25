//! The virtual assistant (trợ lý ảo): a member asks about Party work in their own words and gets
//! the passages of the documents they may read that answer it — quoted verbatim, each sentence
//! with its citation — or a plain "not found" with a one-tap way to ask their committee.

#[cfg(feature = "ssr")]
pub mod answer;
#[cfg(feature = "ssr")]
pub mod eval;
#[cfg(feature = "ssr")]
pub mod generative;
#[cfg(feature = "ssr")]
pub mod normalize;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod speech;
mod pages;

pub use pages::{AssistantButton, AssistantPage, AssistantReportPage, DocumentListener, SpeakButton};

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[allow(unused_imports)] // used only inside server function bodies (not in the browser build)
use crate::auth::service_call as call;
use crate::error::AppError;

/// Longest question accepted: members paste whole questions (anything longer is a letter to the
/// committee).
pub const MAX_QUESTION_CHARS: usize = crate::documents::MAX_QUERY_CHARS;

/// One sentence of an answer, verbatim from the document, and which citation it comes from.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AnswerSentence {
    pub text: String,
    /// 1-based number of its citation.
    pub citation: usize,
}

/// Where quoted sentences come from: the article (and the clause) of a document.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Citation {
    pub n: usize,
    pub document_id: i64,
    pub document_number: String,
    pub document_title: String,
    /// The article's anchor ("dieu-5").
    pub anchor: String,
    /// The clause quoted first ("dieu-5-khoan-1"), or the article itself.
    pub section_anchor: String,
    pub label: String,
    /// The quoted sentences, verbatim.
    pub quote: String,
}

impl Citation {
    pub fn href(&self) -> String {
        format!("/tai-lieu/{}#{}", self.document_id, self.section_anchor)
    }
}

/// A passage the ranker considered, best first.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Candidate {
    pub document_id: i64,
    pub document_title: String,
    pub anchor: String,
    pub label: String,
    pub score: f64,
}

/// The assistant's answer.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Answer {
    pub question: String,
    /// False: nothing in the documents this member may read answers it.
    pub found: bool,
    /// "Theo Điều 5, Điều lệ Đảng Cộng sản Việt Nam:" — the only words not quoted.
    pub intro: String,
    pub sentences: Vec<AnswerSentence>,
    pub citations: Vec<Citation>,
    pub candidates: Vec<Candidate>,
    /// The whole answer as plain text (what is read aloud), citations as "[1]".
    pub text: String,
    /// "extractive", "generative" or "none".
    pub mode: String,
}

/// A question asked and its answer, as the member's history shows it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Exchange {
    pub id: i64,
    pub client_id: String,
    pub answer: Answer,
    pub by_voice: bool,
    pub asked_at: String,
    /// 1 helpful, -1 not.
    pub rating: Option<i32>,
    pub comment: String,
}

/// The assistant page: this member's recent questions and suggestions from what they must read.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AssistantPageData {
    pub history: Vec<Exchange>,
    pub suggestions: Vec<String>,
}

/// One row of the administrators' report.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ReportRow {
    pub id: i64,
    pub question: String,
    pub unit_name: String,
    pub asked_at: String,
    pub found: bool,
    pub rating: Option<i32>,
    pub comment: String,
}

/// What administrators see: what members asked that the documents do not answer, and the
/// answers members found unhelpful, to know what content to add.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AssistantReportData {
    pub unit_name: String,
    pub asked: u64,
    pub answered: u64,
    pub helpful: u64,
    pub unhelpful: u64,
    pub unanswered: Vec<ReportRow>,
    pub disliked: Vec<ReportRow>,
}

#[server(endpoint = "assistant-ask")]
pub async fn ask_assistant(question: String, client_id: String, by_voice: bool) -> Result<Exchange, AppError> {
    let index = crate::state::search_index()?;
    let llm = crate::state::llm_config()?;
    let meaning = crate::state::embeddings()?;
    call!(|db, user| service::ask(&db, &index, meaning.as_ref(), llm.as_ref(), &user, &question, &client_id, by_voice))
}

#[server(endpoint = "assistant-home")]
pub async fn assistant_home() -> Result<AssistantPageData, AppError> {
    call!(|db, user| service::home(&db, &user))
}

#[server(endpoint = "assistant-rate")]
pub async fn rate_answer(id: i64, rating: i32, comment: String) -> Result<(), AppError> {
    call!(|db, user| service::rate(&db, &user, id, rating, &comment))
}

#[server(endpoint = "assistant-report")]
pub async fn assistant_report() -> Result<AssistantReportData, AppError> {
    call!(|db, user| service::report(&db, &user))
}

/// Sends an unanswered question to the member's own cell (the questions page's routing and
/// rules); returns the new question's id.
#[server(endpoint = "assistant-forward")]
pub async fn forward_to_cell(id: i64) -> Result<i64, AppError> {
    call!(|db, user| service::forward_to_cell(&db, &user, id))
}
