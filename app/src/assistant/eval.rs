//! Measuring the assistant on its question set (`eval_questions.tsv`, written for the demo
//! library): how often the article that answers a question is ranked first or in the top five,
//! the mean reciprocal rank, how often an unrelated question is rightly left unanswered, and how
//! long answering takes.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use super::service::answer_from;
use crate::documents::search::{SearchIndex, Visibility};

const QUESTIONS: &str = include_str!("eval_questions.tsv");

/// One question of the set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvalQuestion {
    /// "dieu-le", "hien-phap", "hd37", "qd1147", or "-" for a question nothing should answer.
    pub document: String,
    /// Article anchors that answer it (any one counts).
    pub anchors: Vec<String>,
    pub question: String,
}

impl EvalQuestion {
    pub fn expects_answer(&self) -> bool {
        self.document != "-"
    }
}

pub fn questions() -> Vec<EvalQuestion> {
    QUESTIONS
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| {
            let mut cols = l.splitn(3, '\t');
            let document = cols.next()?.trim().to_string();
            let anchors = cols.next()?.split(',').map(|a| a.trim().to_string()).filter(|a| a != "-").collect();
            let question = cols.next()?.trim().to_string();
            Some(EvalQuestion { document, anchors, question })
        })
        .collect()
}

/// A question that missed, for looking into.
#[derive(Debug, Clone)]
pub struct Miss {
    pub question: String,
    pub expected: String,
    /// What was ranked first (document key, anchor), if anything.
    pub got: Option<(String, String)>,
    pub rank: Option<usize>,
}

#[derive(Debug, Clone, Default)]
pub struct EvalReport {
    pub questions: usize,
    pub recall_at_1: f64,
    pub recall_at_5: f64,
    pub mrr: f64,
    /// Share of answerable questions that got an answer (not "not found").
    pub answered: f64,
    /// Share of unrelated questions rightly left unanswered.
    pub unrelated: usize,
    pub unrelated_refused: f64,
    pub p50: Duration,
    pub p95: Duration,
    pub misses: Vec<Miss>,
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// Runs every question against `index`, with `documents` mapping the set's document keys to ids
/// (all of them readable, as for a member of the province).
pub fn evaluate(index: &SearchIndex, documents: &HashMap<String, i64>) -> EvalReport {
    let visible = Visibility::everything();
    let key_of: HashMap<i64, &str> = documents.iter().map(|(k, v)| (*v, k.as_str())).collect();
    let mut report = EvalReport::default();
    let mut times = Vec::new();
    let (mut hit1, mut hit5, mut rr, mut answered, mut answerable, mut refused) = (0usize, 0usize, 0.0, 0usize, 0usize, 0usize);
    for q in questions() {
        let started = Instant::now();
        let (answer, _) = answer_from(index, &visible, &q.question).unwrap_or_default();
        times.push(started.elapsed());
        if !q.expects_answer() {
            report.unrelated += 1;
            refused += usize::from(!answer.found);
            continue;
        }
        answerable += 1;
        answered += usize::from(answer.found);
        let target = documents.get(&q.document).copied();
        let rank = answer.candidates.iter().position(|c| Some(c.document_id) == target && q.anchors.contains(&c.anchor));
        match rank {
            Some(0) => {
                hit1 += 1;
                hit5 += 1;
            }
            Some(r) if r < 5 => hit5 += 1,
            _ => {}
        }
        if let Some(r) = rank {
            rr += 1.0 / (r as f64 + 1.0);
        }
        if rank != Some(0) {
            report.misses.push(Miss {
                question: q.question.clone(),
                expected: format!("{} {}", q.document, q.anchors.join("|")),
                got: answer.candidates.first().map(|c| (key_of.get(&c.document_id).unwrap_or(&"?").to_string(), c.anchor.clone())),
                rank,
            });
        }
    }
    times.sort();
    let n = answerable.max(1) as f64;
    report.questions = answerable;
    report.recall_at_1 = hit1 as f64 / n;
    report.recall_at_5 = hit5 as f64 / n;
    report.mrr = rr / n;
    report.answered = answered as f64 / n;
    report.unrelated_refused = refused as f64 / report.unrelated.max(1) as f64;
    report.p50 = percentile(&times, 0.5);
    report.p95 = percentile(&times, 0.95);
    report
}

/// The demo library's documents by the set's keys.
pub fn demo_document_keys(documents: &[crate::db::entities::document::Model]) -> HashMap<String, i64> {
    let mut keys = HashMap::new();
    for d in documents {
        let key = match (d.doc_type.as_str(), d.number.as_str()) {
            ("dieu_le", _) => "dieu-le",
            ("hien_phap_luat", _) => "hien-phap",
            (_, "37-HD/BTGDVTW") => "hd37",
            (_, "1147-QĐ/BTGDVTW") => "qd1147",
            _ => continue,
        };
        keys.insert(key.to_string(), d.id);
    }
    keys
}
