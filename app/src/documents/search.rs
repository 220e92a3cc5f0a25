//! Vietnamese full-text search kept in memory beside the database.
//!
//! Text is folded (no tones, đ → d), split into syllables, and indexed as syllables plus adjacent
//! syllable pairs, so "sinh hoat chi bo" matches "sinh hoạt chi bộ" and ranks the phrase above
//! scattered syllables. Sections are scored with BM25; a match in the document's title adds to
//! every hit of that document, a match in a section heading counts double. The index holds only
//! published documents, is rebuilt from the database at start-up, and every publish, edit or
//! unpublish updates it in the same request, so results follow writes at once; other servers
//! (and `server import`) reach it through the change feed (`search_changes`), read every 2 s.
//!
//! Beside the sections it keeps *passages* for the assistant: an article with all its clauses
//! (or, in a document without articles, each part with text), scored the same way, so an answer
//! can quote the clause that says it and cite the article around it.

use std::collections::{HashMap, HashSet};
use std::sync::RwLock;

use chrono::Datelike;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};

use super::{SearchFilters, SearchHit, SnippetPart};
use crate::db::entities::{document, document_section, search_change};
use crate::db::fold::fold;
use crate::error::AppResult;

const K1: f64 = 1.2;
const B: f64 = 0.75;
const BIGRAM_WEIGHT: f64 = 1.5;
const TITLE_WEIGHT: f64 = 2.0;
const SNIPPET_WORDS: usize = 28;

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

#[derive(Debug, Clone)]
struct DocEntry {
    number: String,
    title: String,
    title_terms: HashSet<String>,
    passages: Vec<usize>,
    doc_type: String,
    level: String,
    issuer: String,
    status: String,
    year: Option<i32>,
    sections: Vec<usize>,
}

#[derive(Debug, Clone)]
struct SectionEntry {
    document_id: i64,
    anchor: String,
    label: String,
    text: String,
    /// The distinct terms, to unlink the section on removal.
    terms: Vec<String>,
    length: u32,
}

/// One piece of a passage: the article's own text or one of its clauses, verbatim.
#[derive(Debug, Clone, PartialEq)]
pub struct PassagePiece {
    pub anchor: String,
    /// "Điều 4", "Điều 4, khoản 2".
    pub label: String,
    pub text: String,
}

#[derive(Debug, Clone)]
struct PassageEntry {
    document_id: i64,
    anchor: String,
    number: String,
    label: String,
    heading: String,
    pieces: Vec<PassagePiece>,
    terms: Vec<String>,
    length: u32,
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

#[derive(Default)]
struct Inner {
    docs: HashMap<i64, DocEntry>,
    passages: Vec<Option<PassageEntry>>,
    passage_postings: HashMap<String, Vec<(usize, u32)>>,
    live_passages: usize,
    passage_length: u64,
    sections: Vec<Option<SectionEntry>>,
    /// Term → (section slot, term frequency): scoring reads no per-section map.
    postings: HashMap<String, Vec<(usize, u32)>>,
    /// Term → documents whose number or title contains it.
    title_postings: HashMap<String, Vec<i64>>,
    live_sections: usize,
    total_length: u64,
}

#[derive(Default)]
pub struct SearchIndex {
    inner: RwLock<Inner>,
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

/// Query terms (syllables and syllable pairs) a search scores with, the rarest first.
const MAX_QUERY_TERMS: usize = 64;

// ---------------------------------------------------------------------------------------------
// The change feed: what other servers (and the command line) changed

/// Records, inside the write's transaction, that `document_id`'s searchable state changed.
pub async fn note_change(db: &impl ConnectionTrait, document_id: i64) -> AppResult<()> {
    search_change::ActiveModel { document_id: Set(document_id), changed_at: Set(chrono::Utc::now()), ..Default::default() }.insert(db).await?;
    Ok(())
}

/// How long a write may take between taking its change's id and committing. Ids are handed out
/// before commit, so on PostgreSQL a later id can be seen first: the ids skipped over are looked
/// for again until they are this old (a rolled-back write leaves its id unused for ever).
const FEED_LAG_SECS: i64 = 600;
/// Rows kept in the feed: enough for a server that was away a while to be rebuilt anyway.
const FEED_KEEP_DAYS: i64 = 2;
/// New rows read per poll; the rest come at the next.
const FEED_BATCH: u64 = 2000;

/// Where one server is in the change feed.
#[derive(Debug, Default)]
pub struct Feed {
    /// The highest id read.
    last: i64,
    /// Documents read from the feed and not yet refreshed (a failed refresh is tried again).
    pending: std::collections::BTreeSet<i64>,
    /// Ids skipped over (not yet committed, or rolled back), with when they were first missed.
    gaps: std::collections::BTreeMap<i64, chrono::DateTime<chrono::Utc>>,
    pruned_at: Option<chrono::DateTime<chrono::Utc>>,
}

impl Feed {
    /// Before the index is built from the database: after the changes old enough to be settled,
    /// so every change that may still have been committing is read again (applied twice at
    /// worst, never missed).
    pub async fn start(db: &impl ConnectionTrait) -> AppResult<Feed> {
        let settled = chrono::Utc::now() - chrono::Duration::seconds(FEED_LAG_SECS);
        let last: Option<i64> = search_change::Entity::find()
            .select_only()
            .column_as(search_change::Column::Id.max(), "last")
            .filter(search_change::Column::ChangedAt.lt(settled))
            .into_tuple::<Option<i64>>()
            .one(db)
            .await?
            .flatten();
        Ok(Feed { last: last.unwrap_or(0), ..Feed::default() })
    }
}

impl SearchIndex {
    /// Applies the changes written since the last call (by any server, or `server import`): each
    /// document named is re-read from the database. Returns how many documents were refreshed.
    pub async fn follow(&self, db: &impl ConnectionTrait, feed: &mut Feed) -> AppResult<usize> {
        let now = chrono::Utc::now();
        let changed = &mut feed.pending;
        let rows = search_change::Entity::find()
            .filter(search_change::Column::Id.gt(feed.last))
            .order_by_asc(search_change::Column::Id)
            .limit(FEED_BATCH)
            .all(db)
            .await?;
        for row in rows {
            // Ids between the last one seen and this one may belong to writes still committing.
            // The nearest ids are the likeliest still committing: those are kept if many.
            for missing in (feed.last + 1..row.id).rev().take(1000) {
                feed.gaps.insert(missing, now);
            }
            feed.last = row.id;
            changed.insert(row.document_id);
        }
        let waiting: Vec<i64> = feed.gaps.keys().copied().collect();
        for chunk in waiting.chunks(500) {
            let late = search_change::Entity::find().filter(search_change::Column::Id.is_in(chunk.iter().copied())).all(db).await?;
            for row in late {
                feed.gaps.remove(&row.id);
                changed.insert(row.document_id);
            }
        }
        feed.gaps.retain(|_, since| now - *since < chrono::Duration::seconds(FEED_LAG_SECS));
        let mut refreshed = 0;
        while let Some(&document_id) = feed.pending.first() {
            self.refresh(db, document_id).await?;
            feed.pending.remove(&document_id);
            refreshed += 1;
        }
        if feed.pruned_at.is_none_or(|at| now - at > chrono::Duration::hours(1)) {
            feed.pruned_at = Some(now);
            search_change::Entity::delete_many()
                .filter(search_change::Column::ChangedAt.lt(now - chrono::Duration::days(FEED_KEEP_DAYS)))
                .exec(db)
                .await?;
        }
        Ok(refreshed)
    }

    /// Loads every published document from the database.
    pub async fn build(db: &impl ConnectionTrait) -> AppResult<SearchIndex> {
        let index = SearchIndex::default();
        let docs = document::Entity::find().filter(document::Column::Published.eq(true)).all(db).await?;
        for doc in docs {
            let sections = document_section::Entity::find()
                .filter(document_section::Column::DocumentId.eq(doc.id))
                .order_by_asc(document_section::Column::Ordinal)
                .all(db)
                .await?;
            index.upsert(&doc, &sections);
        }
        Ok(index)
    }

    /// Re-reads one document after a write: indexed if published, removed otherwise.
    pub async fn refresh(&self, db: &impl ConnectionTrait, document_id: i64) -> AppResult<()> {
        match document::Entity::find_by_id(document_id).one(db).await? {
            Some(doc) if doc.published => {
                let sections = document_section::Entity::find()
                    .filter(document_section::Column::DocumentId.eq(doc.id))
                    .order_by_asc(document_section::Column::Ordinal)
                    .all(db)
                    .await?;
                self.upsert(&doc, &sections);
            }
            _ => self.remove(document_id),
        }
        Ok(())
    }

    /// Every document in the index (the published ones).
    pub fn document_ids(&self) -> HashSet<i64> {
        self.inner.read().map(|i| i.docs.keys().copied().collect()).unwrap_or_default()
    }

    pub fn document_count(&self) -> usize {
        self.inner.read().map(|i| i.docs.len()).unwrap_or(0)
    }

    pub fn upsert(&self, doc: &document::Model, sections: &[document_section::Model]) {
        self.remove(doc.id);
        let Ok(mut inner) = self.inner.write() else { return };
        let mut ids = Vec::with_capacity(sections.len());
        // Heading-only nodes (chapter and part titles) are found through their articles.
        for s in sections.iter().filter(|s| !s.body.trim().is_empty()) {
            let body_syllables = syllables(&s.body);
            let heading_syllables = syllables(&s.heading);
            let mut term_freq: HashMap<String, u32> = HashMap::new();
            for t in terms(&body_syllables) {
                *term_freq.entry(t).or_default() += 1;
            }
            // Headings count double: an article titled with the words is about them.
            for t in terms(&heading_syllables) {
                *term_freq.entry(t).or_default() += 2;
            }
            let length = (body_syllables.len() + 2 * heading_syllables.len()) as u32;
            let slot = inner.sections.len();
            for (term, tf) in &term_freq {
                inner.postings.entry(term.clone()).or_default().push((slot, *tf));
            }
            let text = if s.heading.is_empty() { s.body.clone() } else { format!("{}\n{}", s.heading, s.body) };
            inner.sections.push(Some(SectionEntry {
                document_id: doc.id,
                anchor: s.anchor.clone(),
                label: section_label(&s.kind, &s.number, &s.heading),
                text,
                terms: term_freq.into_keys().collect(),
                length,
            }));
            inner.live_sections += 1;
            inner.total_length += u64::from(length);
            ids.push(slot);
        }
        let passage_ids = inner.add_passages(doc.id, sections);
        let title_syllables = syllables(&format!("{} {}", doc.number, doc.title));
        let title_terms: HashSet<String> = terms(&title_syllables).into_iter().collect();
        for term in &title_terms {
            inner.title_postings.entry(term.clone()).or_default().push(doc.id);
        }
        inner.docs.insert(
            doc.id,
            DocEntry {
                number: doc.number.clone(),
                title: doc.title.clone(),
                title_terms,
                passages: passage_ids,
                doc_type: doc.doc_type.clone(),
                level: doc.level.clone(),
                issuer: doc.issuer.clone(),
                status: doc.status.clone(),
                year: doc.issued_on.map(|d| d.year()),
                sections: ids,
            },
        );
    }

    pub fn remove(&self, document_id: i64) {
        let Ok(mut inner) = self.inner.write() else { return };
        let Some(entry) = inner.docs.remove(&document_id) else { return };
        for term in &entry.title_terms {
            if let Some(list) = inner.title_postings.get_mut(term) {
                list.retain(|d| *d != document_id);
            }
        }
        for slot in entry.passages {
            if let Some(passage) = inner.passages[slot].take() {
                for term in &passage.terms {
                    if let Some(list) = inner.passage_postings.get_mut(term) {
                        list.retain(|(s, _)| *s != slot);
                    }
                }
                inner.live_passages -= 1;
                inner.passage_length -= u64::from(passage.length);
            }
        }
        for slot in entry.sections {
            if let Some(section) = inner.sections[slot].take() {
                for term in &section.terms {
                    if let Some(list) = inner.postings.get_mut(term) {
                        list.retain(|(s, _)| *s != slot);
                    }
                }
                inner.live_sections -= 1;
                inner.total_length -= u64::from(section.length);
            }
        }
    }

    /// Ranked section hits among `allowed` documents that pass the filters.
    pub fn search(&self, filters: &SearchFilters, allowed: &HashSet<i64>, limit: usize) -> Vec<SearchHit> {
        self.ranked_hits(filters, allowed, limit, true)
    }

    /// The same ranking without the snippets a results page shows: for "related documents",
    /// which lists titles only (the snippets were a twentieth of a document page's time).
    pub fn search_without_snippets(&self, filters: &SearchFilters, allowed: &HashSet<i64>, limit: usize) -> Vec<SearchHit> {
        self.ranked_hits(filters, allowed, limit, false)
    }

    fn ranked_hits(&self, filters: &SearchFilters, allowed: &HashSet<i64>, limit: usize, snippets: bool) -> Vec<SearchHit> {
        let Ok(inner) = self.inner.read() else { return Vec::new() };
        let query_syllables = syllables(&filters.q);
        if query_syllables.is_empty() || inner.live_sections == 0 {
            return Vec::new();
        }
        let query_terms: Vec<String> = {
            let mut seen = HashSet::new();
            let mut known: Vec<(usize, String)> = terms(&query_syllables)
                .into_iter()
                .filter(|t| seen.insert(t.clone()))
                .filter_map(|t| inner.postings.get(&t).map(|list| (list.len(), t)))
                .collect();
            // A pasted question of 1,000 characters has hundreds of terms; the rarest carry its
            // meaning, and each common one would walk a posting list over the whole library.
            known.sort_by_key(|(df, _)| *df);
            known.into_iter().take(MAX_QUERY_TERMS).map(|(_, t)| t).collect()
        };
        let issuer = filters.issuer.as_ref().map(|i| fold(i));
        let passes = |id: &i64, d: &DocEntry| {
            allowed.contains(id)
                && filters.doc_type.as_ref().is_none_or(|t| &d.doc_type == t)
                && filters.level.as_ref().is_none_or(|l| &d.level == l)
                && filters.status.as_ref().is_none_or(|s| &d.status == s)
                && filters.year.is_none_or(|y| d.year == Some(y))
                && issuer.as_ref().is_none_or(|i| fold(&d.issuer).contains(i.as_str()))
        };
        // Which section slots may appear, decided once per document rather than per posting.
        let mut open = vec![false; inner.sections.len()];
        let mut doc_ok: HashMap<i64, bool> = HashMap::new();
        for (id, d) in &inner.docs {
            if passes(id, d) {
                doc_ok.insert(*id, true);
                for &slot in &d.sections {
                    open[slot] = true;
                }
            }
        }
        let n = inner.live_sections as f64;
        let avg_len = (inner.total_length as f64 / n).max(1.0);
        // Dense accumulator: one float per slot, plus the list of slots touched.
        let mut scores = vec![0.0f64; inner.sections.len()];
        let mut touched: Vec<usize> = Vec::new();
        for term in &query_terms {
            let Some(list) = inner.postings.get(term) else { continue };
            let df = list.len() as f64;
            let idf = ((n - df + 0.5) / (df + 0.5) + 1.0).ln();
            let weight = if is_bigram(term) { BIGRAM_WEIGHT } else { 1.0 };
            for &(slot, tf) in list {
                if !open[slot] {
                    continue;
                }
                let Some(section) = &inner.sections[slot] else { continue };
                let tf = f64::from(tf);
                let norm = tf * (K1 + 1.0) / (tf + K1 * (1.0 - B + B * f64::from(section.length) / avg_len));
                if scores[slot] == 0.0 {
                    touched.push(slot);
                }
                scores[slot] += weight * idf * norm;
            }
        }
        // Title matches: every query term found in the title, weighted by how rare it is among titles.
        let doc_count = inner.docs.len() as f64;
        let mut title_scores: HashMap<i64, f64> = HashMap::new();
        for term in &query_terms {
            let Some(list) = inner.title_postings.get(term) else { continue };
            let df = list.len() as f64;
            let weight = if is_bigram(term) { BIGRAM_WEIGHT } else { 1.0 };
            let idf = ((doc_count - df + 0.5) / (df + 0.5) + 1.0).ln();
            for id in list.iter().filter(|id| doc_ok.contains_key(id)) {
                *title_scores.entry(*id).or_default() += weight * idf * TITLE_WEIGHT;
            }
        }
        for id in title_scores.keys() {
            // A title hit shows the document even when no section repeats the words.
            if let Some(&first) = inner.docs.get(id).and_then(|d| d.sections.first())
                && scores[first] == 0.0 && open[first] {
                    touched.push(first);
                    scores[first] = f64::MIN_POSITIVE; // marks it touched
                }
        }
        let mut ranked: Vec<(usize, f64)> = touched
            .into_iter()
            .filter_map(|slot| {
                let section = inner.sections[slot].as_ref()?;
                Some((slot, scores[slot] + title_scores.get(&section.document_id).copied().unwrap_or(0.0)))
            })
            .collect();
        let by_score = |a: &(usize, f64), b: &(usize, f64)| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0));
        // Only the best few need ordering; three passages per document at most are shown.
        let keep = limit.saturating_mul(10).max(100);
        if ranked.len() > keep {
            ranked.select_nth_unstable_by(keep, by_score);
            ranked.truncate(keep);
        }
        ranked.sort_by(by_score);
        let wanted: HashSet<&str> = query_syllables.iter().map(String::as_str).collect();
        let mut per_doc: HashMap<i64, usize> = HashMap::new();
        let mut hits = Vec::new();
        for (slot, score) in ranked {
            let Some(section) = &inner.sections[slot] else { continue };
            let shown = per_doc.entry(section.document_id).or_default();
            // At most three passages per document keep the first page varied.
            if *shown >= 3 {
                continue;
            }
            *shown += 1;
            let Some(doc) = inner.docs.get(&section.document_id) else { continue };
            hits.push(SearchHit {
                document_id: section.document_id,
                number: doc.number.clone(),
                title: doc.title.clone(),
                anchor: section.anchor.clone(),
                section_label: section.label.clone(),
                score: (score * 1000.0).round() / 1000.0,
                snippet: if snippets { snippet(&section.text, &wanted) } else { Vec::new() },
            });
            if hits.len() >= limit {
                break;
            }
        }
        hits
    }
}

/// Weight of the enclosing chapter's heading in a passage: context, not content.
const CONTEXT_WEIGHT: u32 = 1;
/// Length normalisation for passages: articles differ in length far more than in topic.
const PASSAGE_B: f64 = 0.5;
/// What naming the article ("Điều 5") adds to that article's score.
const ARTICLE_BOOST: f64 = 6.0;

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

impl Inner {
    /// Groups a document's sections into passages and indexes them; returns their slots.
    fn add_passages(&mut self, document_id: i64, sections: &[document_section::Model]) -> Vec<usize> {
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
        // Passages in document order, keyed by the section that heads them.
        let mut order: Vec<i64> = Vec::new();
        let mut grouped: HashMap<i64, (PassageEntry, String)> = HashMap::new();
        for s in sections {
            let piece = PassagePiece { anchor: s.anchor.clone(), label: String::new(), text: s.body.trim().to_string() };
            let head = if s.kind == "article" { Some(s) } else { ancestor(s, &["article"]) };
            let head = match head {
                Some(h) => h,
                None if !s.body.trim().is_empty() => s,
                None => continue,
            };
            let entry = grouped.entry(head.id).or_insert_with(|| {
                order.push(head.id);
                let context = ancestor(head, &["chapter", "part", "section"]).map(|c| c.heading.clone()).unwrap_or_default();
                let entry = PassageEntry {
                    document_id,
                    anchor: head.anchor.clone(),
                    number: if head.kind == "article" { head.number.clone() } else { String::new() },
                    label: section_label(&head.kind, &head.number, &head.heading),
                    heading: head.heading.clone(),
                    pieces: Vec::new(),
                    terms: Vec::new(),
                    length: 0,
                };
                (entry, context)
            });
            if piece.text.is_empty() {
                continue;
            }
            let label = if s.id == head.id {
                entry.0.label.clone()
            } else {
                format!("{}, {}", entry.0.label, section_label(&s.kind, &s.number, &s.heading).to_lowercase())
            };
            entry.0.pieces.push(PassagePiece { label, ..piece });
        }
        let mut slots = Vec::new();
        for id in order {
            let Some((mut entry, context)) = grouped.remove(&id) else { continue };
            if entry.pieces.is_empty() {
                continue;
            }
            let mut term_freq: HashMap<String, u32> = HashMap::new();
            let mut length = 0usize;
            for (i, piece) in entry.pieces.iter().enumerate() {
                let body = syllables(&piece.text);
                length += body.len();
                // "Đảng viên có nhiệm vụ :" heads its list as a title would.
                let weight = if i == 0 && piece.anchor == entry.anchor && piece.text.trim_end().ends_with(':') { 3 } else { 1 };
                for t in passage_terms(&body) {
                    *term_freq.entry(t).or_default() += weight;
                }
            }
            let heading = syllables(&entry.heading);
            length += 2 * heading.len();
            for t in terms(&heading) {
                *term_freq.entry(t).or_default() += 2;
            }
            for t in terms(&syllables(&context)) {
                *term_freq.entry(t).or_default() += CONTEXT_WEIGHT;
            }
            let slot = self.passages.len();
            for (term, tf) in &term_freq {
                self.passage_postings.entry(term.clone()).or_default().push((slot, *tf));
            }
            entry.terms = term_freq.into_keys().collect();
            entry.length = length as u32;
            self.live_passages += 1;
            self.passage_length += length as u64;
            self.passages.push(Some(entry));
            slots.push(slot);
        }
        slots
    }

    fn passage_idf(&self, term: &str) -> f64 {
        let n = self.live_passages as f64;
        let df = self.passage_postings.get(term).map_or(0, Vec::len) as f64;
        ((n - df + 0.5) / (df + 0.5) + 1.0).ln()
    }
}

impl SearchIndex {
    /// How rare a term is among passages (a term in none gets the highest weight).
    pub fn passage_idf(&self, term: &str) -> f64 {
        self.inner.read().map(|i| i.passage_idf(term)).unwrap_or(0.0)
    }

    /// The best passages for query `terms` (syllables and pairs, already normalised) among the
    /// `allowed` documents; `article` is an article number the question named.
    pub fn passages(&self, query_terms: &[String], article: Option<&str>, allowed: &HashSet<i64>, limit: usize) -> Vec<PassageHit> {
        let Ok(inner) = self.inner.read() else { return Vec::new() };
        if query_terms.is_empty() || inner.live_passages == 0 {
            return Vec::new();
        }
        let avg_len = (inner.passage_length as f64 / inner.live_passages as f64).max(1.0);
        let mut scores: HashMap<usize, f64> = HashMap::new();
        for term in query_terms {
            let Some(list) = inner.passage_postings.get(term) else { continue };
            let idf = inner.passage_idf(term);
            let weight = if is_bigram(term) { BIGRAM_WEIGHT } else { 1.0 };
            for &(slot, tf) in list {
                let Some(p) = &inner.passages[slot] else { continue };
                if !allowed.contains(&p.document_id) {
                    continue;
                }
                let tf = f64::from(tf);
                let norm = tf * (K1 + 1.0) / (tf + K1 * (1.0 - PASSAGE_B + PASSAGE_B * f64::from(p.length) / avg_len));
                *scores.entry(slot).or_default() += weight * idf * norm;
            }
        }
        // A document named in the question ("Điều lệ", "Hiến pháp") lifts its passages; an
        // article named by number lifts that article.
        let doc_count = inner.docs.len() as f64;
        let mut title_scores: HashMap<i64, f64> = HashMap::new();
        for term in query_terms {
            let Some(list) = inner.title_postings.get(term) else { continue };
            let df = list.len() as f64;
            let weight = if is_bigram(term) { BIGRAM_WEIGHT } else { 1.0 };
            let idf = ((doc_count - df + 0.5) / (df + 0.5) + 1.0).ln();
            for id in list.iter().filter(|id| allowed.contains(id)) {
                *title_scores.entry(*id).or_default() += weight * idf * 0.5;
            }
        }
        if let Some(number) = article {
            // Above everything else; among documents with that article, the one the question names.
            let best = scores.values().copied().fold(0.0, f64::max);
            for (slot, p) in inner.passages.iter().enumerate() {
                if let Some(p) = p.as_ref().filter(|p| p.number == number && allowed.contains(&p.document_id)) {
                    let lift = best + ARTICLE_BOOST + title_scores.get(&p.document_id).copied().unwrap_or(0.0) * 2.0;
                    *scores.entry(slot).or_default() += lift;
                }
            }
        }
        let mut ranked: Vec<(usize, f64)> = scores
            .into_iter()
            .filter_map(|(slot, score)| {
                let p = inner.passages[slot].as_ref()?;
                Some((slot, score + title_scores.get(&p.document_id).copied().unwrap_or(0.0)))
            })
            .collect();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        ranked.truncate(limit);
        ranked
            .into_iter()
            .filter_map(|(slot, score)| {
                let p = inner.passages[slot].as_ref()?;
                let doc = inner.docs.get(&p.document_id)?;
                let own: HashSet<&str> = p.terms.iter().map(String::as_str).collect();
                let matched = query_terms
                    .iter()
                    .filter(|t| own.contains(t.as_str()) || doc.title_terms.contains(*t))
                    .cloned()
                    .collect();
                Some(PassageHit {
                    document_id: p.document_id,
                    document_number: doc.number.clone(),
                    document_title: doc.title.clone(),
                    anchor: p.anchor.clone(),
                    label: p.label.clone(),
                    heading: p.heading.clone(),
                    pieces: p.pieces.clone(),
                    score: (score * 1000.0).round() / 1000.0,
                    matched,
                })
            })
            .collect()
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
