//! Vietnamese full-text search kept in memory beside the database.
//!
//! Text is folded (no tones, đ → d), split into syllables, and indexed as syllables plus adjacent
//! syllable pairs, so "sinh hoat chi bo" matches "sinh hoạt chi bộ" and ranks the phrase above
//! scattered syllables. Sections are scored with BM25; a match in the document's title adds to
//! every hit of that document, a match in a section heading counts double. The index holds only
//! published documents, is rebuilt from the database at start-up, and every publish, edit or
//! unpublish updates it in the same request, so results follow writes at once.

use std::collections::{HashMap, HashSet};
use std::sync::RwLock;

use chrono::Datelike;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use super::{SearchFilters, SearchHit, SnippetPart};
use crate::db::entities::{document, document_section};
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

#[derive(Default)]
struct Inner {
    docs: HashMap<i64, DocEntry>,
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

impl SearchIndex {
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
        let Ok(inner) = self.inner.read() else { return Vec::new() };
        let query_syllables = syllables(&filters.q);
        if query_syllables.is_empty() || inner.live_sections == 0 {
            return Vec::new();
        }
        let query_terms: Vec<String> = {
            let mut seen = HashSet::new();
            terms(&query_syllables).into_iter().filter(|t| seen.insert(t.clone())).collect()
        };
        let passes = |id: &i64, d: &DocEntry| {
            allowed.contains(id)
                && filters.doc_type.as_ref().is_none_or(|t| &d.doc_type == t)
                && filters.level.as_ref().is_none_or(|l| &d.level == l)
                && filters.status.as_ref().is_none_or(|s| &d.status == s)
                && filters.year.is_none_or(|y| d.year == Some(y))
                && filters.issuer.as_ref().is_none_or(|i| fold(&d.issuer).contains(&fold(i)))
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
            if let Some(&first) = inner.docs.get(id).and_then(|d| d.sections.first()) {
                if scores[first] == 0.0 && open[first] {
                    touched.push(first);
                    scores[first] = f64::MIN_POSITIVE; // marks it touched
                }
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
                snippet: snippet(&section.text, &wanted),
            });
            if hits.len() >= limit {
                break;
            }
        }
        hits
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
