//! Asking the assistant: retrieval over the documents the member may read, the answer stored
//! in their history (once per device-made id), ratings, and the administrators' report.

use std::collections::{HashMap, HashSet};

use chrono::Utc;
use sea_orm::sea_query::Query;
use sea_orm::{ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set};

use super::answer::{self, CANDIDATES};
use super::normalize::normalize;
use super::{Answer, AssistantPageData, AssistantReportData, Exchange, MAX_QUESTION_CHARS, ReportRow};
use crate::auth::{Role, SessionUser};
use crate::common::rate_limit::{self, Limit};
use crate::db::entities::{assistant_exchange, document, document_section, unit, unit_closure};
use crate::documents::search::meaning::{self, Embeddings};
use crate::documents::search::{PassageHit, SearchIndex, Visibility};
use crate::error::{AppError, AppResult, OrInternal};
use crate::state::LlmConfig;

/// Questions shown in the member's history.
const HISTORY: u64 = 30;
/// Rows of each list in the administrators' report.
const REPORT_ROWS: u64 = 100;
const MAX_COMMENT_CHARS: usize = 1000;

/// Questions a member may ask the assistant: 30 in 10 minutes. Typing or saying a question and
/// reading its quoted answer takes a person well over 20 seconds, so nobody asking for
/// themselves meets it, while a script can add at most 180 rows an hour to the history (and as
/// many calls to a configured language model, the costly part).
///
/// Counted after the cheap checks (device id, a resend of a question already answered, the
/// question's length) and before the search: a resend and a refused question do no work and
/// must not use up the quota, everything that does work is counted first.
pub const ASK_LIMIT: Limit = Limit { name: "ask", calls: 30, window_secs: 600, what: "lượt hỏi trợ lý ảo" };

/// The answer from the documents `visible` to the asker, with the passages it ranked.
pub fn answer_from(index: &SearchIndex, visible: &Visibility, question: &str) -> AppResult<(Answer, Vec<PassageHit>)> {
    let query = normalize(question);
    let hits = index.passages(&query.terms(), query.article.as_deref(), visible, CANDIDATES)?;
    let idf = |t: &str| index.passage_idf(t);
    Ok((answer::compose(question, &query, &hits, &idf), hits))
}

/// As [`answer_from`], the passages' documents reordered by meaning first when a sentence
/// encoder is configured (a question naming its article is answered by that article). When the
/// passage meaning puts first does not cover the question, the words' answer stands: meaning
/// chooses between answers, it never turns one into "not found".
pub async fn answer_with_meaning(db: &impl ConnectionTrait, index: &SearchIndex, meaning: Option<&Embeddings>, visible: &Visibility, question: &str) -> AppResult<(Answer, Vec<PassageHit>)> {
    let query = normalize(question);
    let (Some(endpoint), None) = (meaning, &query.article) else { return answer_from(index, visible, question) };
    let by_words = index.passages(&query.terms(), None, visible, CANDIDATES)?;
    let mut by_meaning = by_words.clone();
    meaning::rerank(db, endpoint, question, &mut by_meaning).await?;
    let idf = |t: &str| index.passage_idf(t);
    let answer = answer::compose(question, &query, &by_meaning, &idf);
    if answer.found || by_meaning == by_words {
        return Ok((answer, by_meaning));
    }
    Ok((answer::compose(question, &query, &by_words, &idf), by_words))
}

/// A question as typed, checked: the Vietnamese message names what is wrong.
pub fn checked_question(question: &str) -> AppResult<String> {
    let question = question.trim();
    if question.chars().filter(|c| c.is_alphanumeric()).count() < 2 {
        return Err(AppError::invalid("question", "Vui lòng nhập câu hỏi."));
    }
    if question.chars().count() > MAX_QUESTION_CHARS {
        return Err(AppError::invalid("question", format!("Câu hỏi quá dài (tối đa {MAX_QUESTION_CHARS} ký tự); đồng chí có thể gửi câu hỏi dài lên chi bộ ở mục Hỏi đáp.")));
    }
    Ok(question.split_whitespace().collect::<Vec<_>>().join(" "))
}

fn exchange_of(row: assistant_exchange::Model) -> Exchange {
    let answer: Answer = serde_json::from_str(&row.answer).unwrap_or_else(|_| Answer { question: row.question.clone(), ..Answer::default() });
    Exchange {
        id: row.id,
        client_id: row.client_id,
        answer,
        by_voice: row.by_voice,
        asked_at: crate::validate::format_datetime(row.asked_at),
        rating: row.rating,
        comment: row.comment,
    }
}

async fn own_exchange(db: &impl ConnectionTrait, user: &SessionUser, client_id: &str) -> AppResult<Option<assistant_exchange::Model>> {
    Ok(assistant_exchange::Entity::find()
        .filter(assistant_exchange::Column::MemberId.eq(user.member_id))
        .filter(assistant_exchange::Column::ClientId.eq(client_id))
        .one(db)
        .await?)
}

/// Answers a question and keeps it in the member's history. A resend with the same device-made
/// id returns the first answer.
// What a question needs is each a separate optional service (the encoder, the language model)
// or the question's own parts; bundling them would only move the list elsewhere.
#[allow(clippy::too_many_arguments)]
pub async fn ask(
    db: &DatabaseConnection,
    index: &SearchIndex,
    meaning: Option<&Embeddings>,
    llm: Option<&LlmConfig>,
    user: &SessionUser,
    question: &str,
    client_id: &str,
    by_voice: bool,
) -> AppResult<Exchange> {
    if !crate::common::client_id::valid(client_id) {
        return Err(AppError::invalid("question", "Mã gửi không hợp lệ; vui lòng tải lại trang."));
    }
    if let Some(existing) = own_exchange(db, user, client_id).await? {
        return Ok(exchange_of(existing));
    }
    let question = checked_question(question)?;
    rate_limit::hit(db, &ASK_LIMIT, user.member_id).await?;
    let visible = crate::documents::service::visibility(db, user).await?;
    let (mut answer, hits) = answer_with_meaning(db, index, meaning, &visible, &question).await?;
    if let (true, Some(llm)) = (answer.found, llm)
        && let Some(phrased) = super::generative::phrase(llm, &answer, &hits).await
    {
        answer = phrased;
    }
    let json = serde_json::to_string(&answer).or_internal()?;
    let row = assistant_exchange::ActiveModel {
        client_id: Set(client_id.to_string()),
        member_id: Set(user.member_id),
        unit_id: Set(user.cell_id),
        question: Set(question),
        found: Set(answer.found),
        mode: Set(answer.mode.clone()),
        by_voice: Set(by_voice),
        answer: Set(json),
        rating: Set(None),
        comment: Set(String::new()),
        asked_at: Set(Utc::now()),
        rated_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await;
    match row {
        Ok(row) => Ok(exchange_of(row)),
        // The same id sent twice at once: the other request stored it.
        Err(err) => match own_exchange(db, user, client_id).await? {
            Some(existing) => Ok(exchange_of(existing)),
            None => Err(err.into()),
        },
    }
}

/// The member's recent questions (oldest first, as a conversation reads) and suggestions.
pub async fn home(db: &DatabaseConnection, user: &SessionUser) -> AppResult<AssistantPageData> {
    let mut rows = assistant_exchange::Entity::find()
        .filter(assistant_exchange::Column::MemberId.eq(user.member_id))
        .order_by_desc(assistant_exchange::Column::AskedAt)
        .order_by_desc(assistant_exchange::Column::Id)
        .limit(HISTORY)
        .all(db)
        .await?;
    rows.reverse();
    Ok(AssistantPageData { history: rows.into_iter().map(exchange_of).collect(), suggestions: suggestions(db, user).await? })
}

/// Questions drawn from the documents the member must read (not yet confirmed), so the first
/// tap already finds something: "… quy định gì về <heading>?" for their titled sections.
async fn suggestions(db: &DatabaseConnection, user: &SessionUser) -> AppResult<Vec<String>> {
    // Domain dependency: documents the member was asked to read rank first.
    let (wanted, _) = crate::reading::service::assigned_documents(db, user).await?;
    let docs: HashMap<i64, document::Model> =
        document::Entity::find().filter(document::Column::Id.is_in(wanted.clone())).all(db).await?.into_iter().map(|d| (d.id, d)).collect();
    let mut out = Vec::new();
    for id in wanted.into_iter().take(3) {
        let Some(doc) = docs.get(&id) else { continue };
        let headings: Vec<String> = document_section::Entity::find()
            .select_only()
            .column(document_section::Column::Heading)
            .filter(document_section::Column::DocumentId.eq(id))
            .filter(document_section::Column::Kind.is_in(["chapter", "article", "section", "item"]))
            .order_by_asc(document_section::Column::Ordinal)
            .into_tuple::<String>()
            .all(db)
            .await?;
        let short = if doc.number.is_empty() { doc.title.clone() } else { doc.number.clone() };
        // A few headings spread over the document, not its first three.
        let usable: Vec<String> = headings.into_iter().map(|h| suggestion_topic(&h)).filter(|h| (8..=80).contains(&h.chars().count())).collect();
        let step = (usable.len() / 2).max(1);
        for topic in usable.iter().step_by(step).take(2) {
            out.push(format!("{short} quy định gì về {topic}?"));
        }
    }
    if out.is_empty() {
        out = ["Đảng viên có những nhiệm vụ gì?", "Chi bộ sinh hoạt thường lệ mấy lần một tháng?", "Thời kỳ dự bị của đảng viên là bao lâu?"]
            .map(String::from)
            .to_vec();
    }
    Ok(out)
}

/// A heading as words of a question: "KHEN THƯỞNG VÀ KỶ LUẬT" → "khen thưởng và kỷ luật".
fn suggestion_topic(heading: &str) -> String {
    let plain = heading.trim().trim_end_matches(['.', ':']).trim();
    let letters: Vec<char> = plain.chars().filter(|c| c.is_alphabetic()).collect();
    if !letters.is_empty() && letters.iter().all(|c| c.is_uppercase()) {
        return plain.to_lowercase();
    }
    let mut chars = plain.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Thumbs up (1) or down (-1) on one of the member's own answers, with an optional comment.
pub async fn rate(db: &DatabaseConnection, user: &SessionUser, id: i64, rating: i32, comment: &str) -> AppResult<()> {
    if rating != 1 && rating != -1 {
        return Err(AppError::invalid("rating", "Vui lòng chọn Hữu ích hoặc Chưa hữu ích."));
    }
    let comment = comment.trim();
    if comment.chars().count() > MAX_COMMENT_CHARS {
        return Err(AppError::invalid("comment", format!("Góp ý không được dài quá {MAX_COMMENT_CHARS} ký tự.")));
    }
    let row = assistant_exchange::Entity::find_by_id(id).one(db).await?.filter(|r| r.member_id == user.member_id);
    let Some(row) = row else { return Err(AppError::NotFound("câu hỏi này trong lịch sử của đồng chí".into())) };
    let mut active: assistant_exchange::ActiveModel = row.into();
    active.rating = Set(Some(rating));
    active.comment = Set(comment.to_string());
    active.rated_at = Set(Some(Utc::now()));
    active.update(db).await?;
    Ok(())
}

/// Sends an unanswered question to the asker's cell, as a question only the cell's secretaries
/// see the name of. A second tap files nothing new.
pub async fn forward_to_cell(db: &DatabaseConnection, user: &SessionUser, id: i64) -> AppResult<i64> {
    let row = assistant_exchange::Entity::find_by_id(id).one(db).await?.filter(|r| r.member_id == user.member_id);
    let Some(row) = row else { return Err(AppError::NotFound("câu hỏi này trong lịch sử của đồng chí".into())) };
    let title: String = row.question.chars().take(200).collect();
    let form = crate::questions::AskForm {
        // Derived from the exchange's own random device id, so a second tap is the same
        // question, and nobody can work the id out from who asked.
        client_id: forwarding_id(&row.client_id),
        unit_id: user.cell_id,
        kind: "question".into(),
        topic: "khac".into(),
        title: if title.chars().count() < 5 { format!("Câu hỏi: {title}") } else { title },
        body: format!("{}\n\n(Gửi từ Trợ lý ảo: chưa tìm thấy nội dung trả lời trong tài liệu.)", row.question),
        anonymity: "cell_only".into(),
    };
    // Domain dependency: a forwarded question is an ordinary question to the cell.
    crate::questions::service::ask(db, user, &form).await
}

fn forwarding_id(exchange_client_id: &str) -> String {
    crate::common::sha256_hex(format!("forward-to-cell:{exchange_client_id}").as_bytes())
}

/// Units whose members' questions this administrator may read.
fn report_scopes(user: &SessionUser) -> Vec<i64> {
    let mut ids: Vec<i64> = user.positions.iter().filter(|p| p.role == Role::Admin).map(|p| p.unit_id).collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

fn report_row(row: &assistant_exchange::Model, units: &HashMap<i64, String>) -> ReportRow {
    ReportRow {
        id: row.id,
        question: row.question.clone(),
        unit_name: units.get(&row.unit_id).cloned().unwrap_or_default(),
        asked_at: crate::validate::format_datetime(row.asked_at),
        found: row.found,
        rating: row.rating,
        comment: row.comment.clone(),
    }
}

/// For administrators: what members of their subtree asked that the documents did not answer,
/// and the answers they marked unhelpful (with comments), newest first; counts for the whole
/// subtree. Nobody else sees other members' questions.
pub async fn report(db: &DatabaseConnection, user: &SessionUser) -> AppResult<AssistantReportData> {
    let scopes = report_scopes(user);
    let Some(&root) = scopes.first() else { return Err(AppError::forbidden()) };
    // Exchanges asked from a cell under one of the administrator's units.
    let in_scope = || {
        Condition::all().add(
            assistant_exchange::Column::UnitId.in_subquery(
                Query::select()
                    .column(unit_closure::Column::DescendantId)
                    .from(unit_closure::Entity)
                    .and_where(unit_closure::Column::AncestorId.is_in(scopes.clone()))
                    .to_owned(),
            ),
        )
    };
    let count = |extra: Condition| assistant_exchange::Entity::find().filter(in_scope()).filter(extra).count(db);
    let asked = count(Condition::all()).await?;
    let answered = count(Condition::all().add(assistant_exchange::Column::Found.eq(true))).await?;
    let helpful = count(Condition::all().add(assistant_exchange::Column::Rating.eq(1))).await?;
    let unhelpful = count(Condition::all().add(assistant_exchange::Column::Rating.eq(-1))).await?;
    let newest = |extra: Condition| {
        assistant_exchange::Entity::find()
            .filter(in_scope())
            .filter(extra)
            .order_by_desc(assistant_exchange::Column::AskedAt)
            .order_by_desc(assistant_exchange::Column::Id)
            .limit(REPORT_ROWS)
            .all(db)
    };
    let unanswered = newest(Condition::all().add(assistant_exchange::Column::Found.eq(false))).await?;
    let disliked = newest(Condition::all().add(assistant_exchange::Column::Rating.eq(-1))).await?;
    let unit_ids: HashSet<i64> = unanswered.iter().chain(&disliked).map(|r| r.unit_id).chain([root]).collect();
    let units: HashMap<i64, String> =
        unit::Entity::find().filter(unit::Column::Id.is_in(unit_ids)).all(db).await?.into_iter().map(|u| (u.id, u.name)).collect();
    Ok(AssistantReportData {
        unit_name: units.get(&root).cloned().unwrap_or_default(),
        asked,
        answered,
        helpful,
        unhelpful,
        unanswered: unanswered.iter().map(|r| report_row(r, &units)).collect(),
        disliked: disliked.iter().map(|r| report_row(r, &units)).collect(),
    })
}
