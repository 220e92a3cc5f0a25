//! Putting back the diacritics of a question typed without them ("hop dong dich vu" →
//! "hợp đồng dịch vụ"), from the text of the documents it is being matched against.
//!
//! The words' index folds everything, so the lexical search loses nothing without diacritics;
//! the sentence encoder does: Vietnamese without its tones reads to it as another language. Each
//! folded syllable has several written forms ("dang": đang, đảng, đăng, dạng…); the one meant is
//! the one the candidate documents use in the same place. A small bigram model over those texts
//! (each form's count, and each pair of forms' count) chooses the most likely sequence of forms
//! (Viterbi); question words the texts do not hold take their usual form, and words nobody
//! writes stay as typed.

use std::collections::HashMap;

use rustc_hash::FxHashMap;

use crate::db::fold::{fold, has_marks};

/// Written forms kept per syllable: the rest are rare enough to lose every comparison.
const FORMS_PER_SYLLABLE: usize = 6;
/// Weight of a form's share among its syllable's forms beside the pairs seen: one pair seen
/// once already outweighs it.
const PRIOR_WEIGHT: f64 = 0.5;

/// Words of questions the texts seldom hold ("bao nhiêu", "có … không"), in their usual form:
/// what a question without diacritics falls back on.
const COMMON_PAIRS: &[(&str, &str)] = &[
    ("bao", "nhiêu"),
    ("bao", "lâu"),
    ("thế", "nào"),
    ("là", "gì"),
    ("có", "phải"),
    ("hay", "không"),
    ("có", "được"),
    ("có", "cần"),
    ("đảng", "viên"),
    ("chi", "bộ"),
    ("đảng", "ủy"),
    ("cấp", "ủy"),
    ("đảng", "bộ"),
    ("ở", "đâu"),
    ("khi", "nào"),
];
const COMMON_WORDS: &[&str] = &[
    "không", "có", "được", "là", "gì", "nào", "nhiêu", "những", "của", "với", "người", "các", "một", "thì", "như", "thế", "ở", "đâu", "tại",
    "vì", "để", "phải", "cần", "làm", "bị", "hoặc", "về", "từ", "đến", "trước", "năm", "tháng", "ngày", "lần", "mấy", "lâu", "mỗi", "đã",
    "sẽ", "này", "đảng", "viên", "ủy",
];

/// Whether `question` has no diacritic at all (a question with any was typed with them, and is
/// left as typed).
pub fn lacks_diacritics(question: &str) -> bool {
    !has_marks(question)
}

/// Words of a text with their byte offsets.
fn words(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.split_inclusive(|c: char| !c.is_alphanumeric()).scan(0usize, |at, piece| {
        let start = *at;
        *at += piece.len();
        let word = piece.trim_end_matches(|c: char| !c.is_alphanumeric());
        Some((start, word))
    })
    .filter(|(_, w)| !w.is_empty())
}

/// Counts of written forms in texts, for the folded syllables of one question.
#[derive(Default)]
struct Counts {
    /// folded syllable → written form (lowercase) → count
    forms: HashMap<String, HashMap<String, f64>>,
    /// (written form, next written form) → count
    pairs: HashMap<(String, String), f64>,
    /// written form → count
    seen: HashMap<String, f64>,
}

impl Counts {
    fn of(wanted: &std::collections::HashSet<String>, texts: &[String]) -> Counts {
        // A text repeats its words: each one as written is folded once, and counted as written
        // (no copy per word); what the counts hold is lowercased after.
        // Hashed with FxHash: short keys, looked up once per word of the texts.
        let mut kept: FxHashMap<&str, bool> = FxHashMap::default();
        let mut singles: FxHashMap<&str, f64> = FxHashMap::default();
        let mut pairs: FxHashMap<(&str, &str), f64> = FxHashMap::default();
        for text in texts {
            let mut previous: Option<&str> = None;
            for (_, word) in words(text) {
                if !*kept.entry(word).or_insert_with(|| wanted.contains(&fold(word))) {
                    previous = None;
                    continue;
                }
                *singles.entry(word).or_default() += 1.0;
                if let Some(before) = previous {
                    *pairs.entry((before, word)).or_default() += 1.0;
                }
                previous = Some(word);
            }
        }
        let mut counts = Counts::default();
        for (word, n) in singles {
            let lower = word.to_lowercase();
            *counts.forms.entry(fold(&lower)).or_default().entry(lower).or_default() += n;
        }
        for ((a, b), n) in pairs {
            *counts.pairs.entry((a.to_lowercase(), b.to_lowercase())).or_default() += n;
        }
        counts.common(wanted);
        for forms in counts.forms.values() {
            for (form, n) in forms {
                *counts.seen.entry(form.clone()).or_default() += n;
            }
        }
        counts
    }

    /// The usual forms of question words, counted once where the texts do not have them.
    fn common(&mut self, wanted: &std::collections::HashSet<String>) {
        for word in COMMON_WORDS {
            let key = fold(word);
            if wanted.contains(&key) {
                let forms = self.forms.entry(key).or_default();
                if forms.is_empty() {
                    forms.insert((*word).to_string(), 1.0);
                }
            }
        }
        for (a, b) in COMMON_PAIRS {
            if wanted.contains(&fold(a)) && wanted.contains(&fold(b)) {
                self.pairs.entry(((*a).to_string(), (*b).to_string())).or_insert(1.0);
                for word in [a, b] {
                    self.forms.entry(fold(word)).or_default().entry((*word).to_string()).or_insert(1.0);
                }
            }
        }
    }

    /// The likeliest forms of a syllable, with their share among its forms.
    fn candidates(&self, folded: &str, typed: &str) -> Vec<(String, f64)> {
        let Some(forms) = self.forms.get(folded).filter(|f| !f.is_empty()) else {
            return vec![(typed.to_string(), 1.0)];
        };
        let total: f64 = forms.values().sum();
        let mut out: Vec<(String, f64)> = forms.iter().map(|(form, n)| (form.clone(), n / total)).collect();
        out.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        out.truncate(FORMS_PER_SYLLABLE);
        out
    }

    /// log P(form | previous form): the pair's count, smoothed towards the form's share among
    /// its syllable's forms, over how often the previous form was seen (a word seen often and
    /// never before this form makes it unlikely there).
    fn step(&self, previous: &str, next: &(String, f64)) -> f64 {
        let before = self.seen.get(previous).copied().unwrap_or(0.0);
        ((self.pair(previous, &next.0) + PRIOR_WEIGHT * next.1) / (before + PRIOR_WEIGHT)).ln()
    }

    fn pair(&self, a: &str, b: &str) -> f64 {
        self.pairs.get(&(a.to_string(), b.to_string())).copied().unwrap_or(0.0)
    }
}

/// `question` written with the diacritics `texts` use for its words; a question with any
/// diacritic is returned as typed. Punctuation, numbers and codes ("66-NQ/TW") stay in place;
/// a word typed with a capital keeps it.
pub fn restore(question: &str, texts: &[String]) -> String {
    if !lacks_diacritics(question) {
        return question.to_string();
    }
    let typed: Vec<(usize, &str, String)> = words(question).map(|(at, w)| (at, w, fold(w))).collect();
    if typed.is_empty() {
        return question.to_string();
    }
    let wanted = typed.iter().map(|(_, _, f)| f.clone()).collect();
    let counts = Counts::of(&wanted, texts);
    let lattice: Vec<Vec<(String, f64)>> = typed.iter().map(|(_, w, f)| counts.candidates(f, &w.to_lowercase())).collect();
    let chosen = viterbi(&counts, &lattice);
    let mut out = String::with_capacity(question.len() + question.len() / 2);
    let mut at = 0;
    for ((start, word, _), form) in typed.iter().zip(chosen) {
        out.push_str(&question[at..*start]);
        out.push_str(&with_case_of(word, &form));
        at = start + word.len();
    }
    out.push_str(&question[at..]);
    out
}

/// The likeliest sequence of forms through `lattice` (one list of candidates per word).
fn viterbi(counts: &Counts, lattice: &[Vec<(String, f64)>]) -> Vec<String> {
    let mut best: Vec<Vec<(f64, usize)>> = Vec::with_capacity(lattice.len());
    best.push(lattice[0].iter().map(|(_, share)| (share.ln(), 0)).collect());
    for i in 1..lattice.len() {
        let row = (0..lattice[i].len())
            .map(|j| {
                (0..lattice[i - 1].len())
                    .map(|k| (best[i - 1][k].0 + counts.step(&lattice[i - 1][k].0, &lattice[i][j]), k))
                    .max_by(|a, b| a.0.total_cmp(&b.0))
                    .unwrap_or((f64::NEG_INFINITY, 0))
            })
            .collect();
        best.push(row);
    }
    let mut j = best.last().and_then(|row| (0..row.len()).max_by(|a, b| row[*a].0.total_cmp(&row[*b].0))).unwrap_or(0);
    let mut out = vec![String::new(); lattice.len()];
    for i in (0..lattice.len()).rev() {
        out[i] = lattice[i][j].0.clone();
        j = best[i][j].1;
    }
    out
}

/// `form` (lowercase) with the capitals `typed` has: all of them, or the first.
fn with_case_of(typed: &str, form: &str) -> String {
    if typed.chars().count() > 1 && typed.chars().all(|c| !c.is_lowercase()) && typed.chars().any(char::is_uppercase) {
        return form.to_uppercase();
    }
    if typed.chars().next().is_some_and(char::is_uppercase) {
        let mut chars = form.chars();
        return chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default();
    }
    form.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts() -> Vec<String> {
        vec![
            "Hợp đồng dịch vụ là sự thỏa thuận giữa các bên.".to_string(),
            "Đảng viên đang công tác đóng đảng phí; đảng phí của đảng viên hưu trí.".to_string(),
            "Chi bộ đang sinh hoạt. Đăng ký sinh hoạt đảng tạm thời.".to_string(),
        ]
    }

    #[test]
    fn a_question_without_diacritics_is_written_as_the_texts_write_it() {
        let texts = texts();
        assert_eq!(restore("hop dong dich vu", &texts), "hợp đồng dịch vụ");
        // The neighbours decide: "dang" is "đảng" before "phí" and "viên", "đang" before "công".
        assert_eq!(restore("Dang phi cua dang vien huu tri?", &texts), "Đảng phí của đảng viên hưu trí?");
        assert_eq!(restore("dang vien dang cong tac", &texts), "đảng viên đang công tác");
        assert_eq!(restore("dang ky sinh hoat dang tam thoi", &texts), "đăng ký sinh hoạt đảng tạm thời");
        // Words nobody writes stay as typed; codes and punctuation stay in place.
        assert_eq!(restore("hop dong xyz theo 66-NQ/TW", &texts), "hợp đồng xyz theo 66-NQ/TW");
        // Question words the texts do not hold take their usual form.
        assert_eq!(restore("Hop dong dich vu la gi, co phai tra tien khong?", &texts), "Hợp đồng dịch vụ là gì, có phải tra tien không?");
        assert_eq!(restore("DANG PHI bao nhieu", &texts), "ĐẢNG PHÍ bao nhiêu");
    }

    #[test]
    fn a_question_with_any_diacritic_is_left_as_typed() {
        assert!(!lacks_diacritics("Hợp đồng dich vu"));
        assert_eq!(restore("Hợp đồng dich vu", &texts()), "Hợp đồng dich vu");
        assert!(lacks_diacritics("hop dong, 2025?"));
        // Typed decomposed (NFD), the marks are still diacritics.
        assert!(!lacks_diacritics("Ho\u{0323}p \u{0111}o\u{0302}\u{0300}ng"));
        assert_eq!(restore("", &texts()), "");
        assert_eq!(restore("?!", &texts()), "?!");
    }
}
