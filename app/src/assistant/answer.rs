//! Composing an answer from the passages found: sentences quoted verbatim from the documents,
//! each with its citation — never a word the documents do not say. When the best passage does
//! not cover what the question is about, the answer says so instead of guessing.

use std::collections::HashSet;

use unicode_normalization::UnicodeNormalization;

use super::normalize::NormalizedQuery;
use super::{Answer, AnswerSentence, Candidate, Citation};
use crate::db::fold::fold;
use crate::documents::search::{PassageHit, syllables};

/// Share of the question's content (weighted by rarity) the best passage must contain.
pub const MIN_COVERAGE: f64 = 0.55;
/// What a pair of syllables weighs in coverage, against a syllable.
const PAIR_SHARE: f64 = 0.5;
/// A sentence joins the answer when it scores at least this share of the best one.
const SENTENCE_SHARE: f64 = 0.6;
const MAX_SENTENCES: usize = 3;
/// A list introduced by "…:" is quoted on, up to this many sentences and characters.
const LIST_SENTENCES: usize = 7;
const LIST_CHARS: usize = 1200;
/// The second passage is quoted too when it scores this close to the first.
const SECOND_SHARE: f64 = 0.85;
pub const CANDIDATES: usize = 10;

/// How much of the question's content a passage covers, weighted by how rare each syllable and
/// each pair of syllables is: pairs count so that syllables merely scattered over an article
/// ("con" of "còn", "ba" of "ba tháng") do not pass for "sinh con thứ ba".
pub fn coverage(query: &NormalizedQuery, hit: &PassageHit, idf: &impl Fn(&str) -> f64) -> f64 {
    // A pair may straddle two words ("viên nghỉ"), so it counts half.
    let weight = |t: &str| if t.contains('_') { PAIR_SHARE * idf(t) } else { idf(t) };
    let terms = query.terms();
    let total: f64 = terms.iter().map(|t| weight(t)).sum();
    if total <= 0.0 {
        return 0.0;
    }
    let found: f64 = terms.iter().filter(|t| hit.matched.contains(*t)).map(|t| weight(t)).sum();
    found / total
}

/// A piece's sentences as byte ranges of its text: split after ".", "?", "!" before a space,
/// and at line ends; never inside a sentence, so every quote is the document's own words.
fn sentence_spans(text: &str) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut start = 0;
    let bytes = text.as_bytes();
    for (i, c) in text.char_indices() {
        let end_here = match c {
            '\n' => Some(i),
            '.' | '?' | '!' => {
                let next = i + c.len_utf8();
                // "1. Người…": a list number's dot ends nothing.
                let number_only = text[start..i].trim().chars().all(|c| c.is_ascii_digit() || c == '-');
                (!number_only && (next >= bytes.len() || bytes[next].is_ascii_whitespace())).then_some(next)
            }
            _ => None,
        };
        if let Some(end) = end_here {
            push_span(text, start, end, &mut spans);
            start = end;
        }
    }
    push_span(text, start, text.len(), &mut spans);
    spans
}

fn push_span(text: &str, start: usize, end: usize, spans: &mut Vec<(usize, usize)>) {
    let slice = &text[start..end];
    let lead = slice.len() - slice.trim_start().len();
    let trimmed = slice.trim();
    // A lone list number ("1.") or punctuation is not a sentence.
    if trimmed.chars().filter(|c| c.is_alphabetic()).count() >= 3 {
        spans.push((start + lead, start + lead + trimmed.len()));
    }
}

/// Starts of what a crawled page links to or advertises, lowercase with diacritics ("tải về" is
/// a link, "tại" starts a real sentence).
const LINK_LEADS: &[&str] = &[">>", "> >", "nóng:", "nóng :", "xem thêm", "xem chi tiết", "tải về", "tải file", "tải mẫu", "download", "click"];
/// Marks of a wiki's or a portal's machinery inside a sentence (folded). A web address alone is
/// not one: guidance gives its portal's address in the sentence that answers.
const DEBRIS_MARKS: &[&str] = &["[sua", "sua ma nguon", "truy cap ngay", "{{", "hinh tu internet", "](", "lien ket hong"];

/// Whether a sentence can stand in an answer: a heading, a question, link text or a page's
/// debris answers nothing, however many of the question's words it repeats.
fn quotable(text: &str) -> bool {
    let text = text.trim();
    if text.starts_with('#') || text.ends_with('?') || text.ends_with("?)") {
        return false;
    }
    let lower: String = text.nfc().collect::<String>().to_lowercase();
    let lead = lower.trim_start_matches(['*', '_', ' ', '-', '+']);
    let folded = fold(text);
    !LINK_LEADS.iter().any(|l| lead.starts_with(l)) && !DEBRIS_MARKS.iter().any(|m| folded.contains(m))
}

/// "Đảng viên có quyền :": a sentence that only announces the list after it.
fn is_introduction(text: &str) -> bool {
    text.trim_end().ends_with(':')
}

struct Sentence<'a> {
    piece: usize,
    text: &'a str,
    score: f64,
}

/// Scores a sentence by the rare question syllables it contains, pairs counting extra.
fn sentence_score(text: &str, content: &HashSet<&str>, pairs: &HashSet<String>, idf: &impl Fn(&str) -> f64) -> f64 {
    let own = syllables(text);
    let set: HashSet<&str> = own.iter().map(String::as_str).collect();
    let singles: f64 = content.iter().filter(|s| set.contains(**s)).map(|s| idf(s)).sum();
    let doubles: f64 = own
        .windows(2)
        .map(|w| format!("{}_{}", w[0], w[1]))
        .filter(|p| pairs.contains(p))
        .collect::<HashSet<_>>()
        .iter()
        .map(|p| 0.5 * idf(p))
        .sum();
    singles + doubles
}

/// The sentences of one passage that answer the question, in document order.
fn pick_sentences<'a>(hit: &'a PassageHit, query: &NormalizedQuery, idf: &impl Fn(&str) -> f64, limit: usize) -> Vec<Sentence<'a>> {
    let content: HashSet<&str> = query.content().collect();
    let pairs: HashSet<String> = query.terms().into_iter().filter(|t| t.contains('_')).collect();
    let all: Vec<Sentence> = hit
        .pieces
        .iter()
        .enumerate()
        .flat_map(|(piece, p)| sentence_spans(&p.text).into_iter().map(move |(a, b)| (piece, &p.text[a..b])))
        .filter(|(_, text)| quotable(text))
        .map(|(piece, text)| Sentence { piece, text, score: sentence_score(text, &content, &pairs, idf) })
        .collect();
    let best = all.iter().map(|s| s.score).fold(0.0, f64::max);
    if best <= 0.0 {
        // Found by its heading or title alone: its opening says what it is about.
        return all.into_iter().take(2.min(limit)).collect();
    }
    let mut chosen: Vec<usize> = Vec::new();
    let mut by_score: Vec<usize> = (0..all.len()).collect();
    by_score.sort_by(|a, b| all[*b].score.total_cmp(&all[*a].score).then(a.cmp(b)));
    for i in by_score.into_iter().take(limit) {
        if all[i].score >= SENTENCE_SHARE * best {
            chosen.push(i);
        }
    }
    chosen.sort_unstable();
    // "Đảng viên có quyền :" says nothing by itself: the list after it is the answer.
    if let Some(&intro) = chosen.iter().find(|&&i| is_introduction(all[i].text)) {
        let mut chars = 0;
        for (i, sentence) in all.iter().enumerate().skip(intro + 1) {
            if chosen.len() >= LIST_SENTENCES || chars > LIST_CHARS {
                break;
            }
            if !chosen.contains(&i) {
                chars += sentence.text.len();
                chosen.push(i);
            }
        }
        chosen.sort_unstable();
    }
    // A list's introduction whose list is not quoted says nothing by itself; from the end, so
    // an introduction before a dropped one is judged by what stays.
    let mut kept: Vec<usize> = Vec::with_capacity(chosen.len());
    for &i in chosen.iter().rev() {
        if !is_introduction(all[i].text) || kept.last() == Some(&(i + 1)) {
            kept.push(i);
        }
    }
    kept.reverse();
    if kept.is_empty() {
        // Only introductions were picked: the best sentence that says something, if any does.
        kept.extend((0..all.len()).filter(|&i| all[i].score > 0.0 && !is_introduction(all[i].text)).max_by(|a, b| all[*a].score.total_cmp(&all[*b].score).then(b.cmp(a))));
    }
    let chosen = kept;
    let mut all: Vec<Option<Sentence>> = all.into_iter().map(Some).collect();
    chosen.into_iter().filter_map(|i| all[i].take()).collect()
}

fn citation(n: usize, hit: &PassageHit, sentences: &[Sentence]) -> Citation {
    let piece = sentences.first().map(|s| &hit.pieces[s.piece]);
    Citation {
        n,
        document_id: hit.document_id,
        document_number: hit.document_number.clone(),
        document_title: hit.document_title.clone(),
        anchor: hit.anchor.clone(),
        section_anchor: piece.map(|p| p.anchor.clone()).unwrap_or_else(|| hit.anchor.clone()),
        label: if hit.heading.is_empty() || hit.label.contains(&hit.heading) {
            hit.label.clone()
        } else {
            format!("{}. {}", hit.label, hit.heading)
        },
        quote: sentences.iter().map(|s| s.text).collect::<Vec<_>>().join(" "),
    }
}

/// What the ranker ranked, for the API and the evaluation.
pub fn candidates(hits: &[PassageHit]) -> Vec<Candidate> {
    hits.iter()
        .map(|h| Candidate {
            document_id: h.document_id,
            document_title: h.document_title.clone(),
            anchor: h.anchor.clone(),
            label: h.label.clone(),
            score: h.score,
        })
        .collect()
}

/// "Điều lệ Đảng Cộng sản Việt Nam" rather than a number in an intro read aloud.
fn document_name(hit: &PassageHit) -> String {
    if hit.document_title.is_empty() { hit.document_number.clone() } else { hit.document_title.clone() }
}

/// The answer to `question` from the ranked `hits`.
pub fn compose(question: &str, query: &NormalizedQuery, hits: &[PassageHit], idf: &impl Fn(&str) -> f64) -> Answer {
    let mut answer = Answer { question: question.to_string(), candidates: candidates(hits), mode: "none".into(), ..Answer::default() };
    let Some(top) = hits.first() else { return answer };
    if query.is_empty() || (coverage(query, top, idf) < MIN_COVERAGE && query.article.is_none()) {
        return answer;
    }
    let first = pick_sentences(top, query, idf, MAX_SENTENCES);
    if first.is_empty() {
        return answer;
    }
    let mut parts = vec![(top, first)];
    if let Some(second) = hits.get(1) {
        let distinct = second.anchor != top.anchor || second.document_id != top.document_id;
        if distinct && second.score >= SECOND_SHARE * top.score && coverage(query, second, idf) >= MIN_COVERAGE {
            let picked = pick_sentences(second, query, idf, 1);
            if !picked.is_empty() {
                parts.push((second, picked));
            }
        }
    }
    answer.found = true;
    answer.mode = "extractive".into();
    answer.intro = format!("Theo {}, {}:", top.label, document_name(top));
    let mut spoken = vec![answer.intro.clone()];
    for (i, (hit, sentences)) in parts.iter().enumerate() {
        let n = i + 1;
        if i > 0 {
            spoken.push(format!("Ngoài ra, theo {}, {}:", hit.label, document_name(hit)));
        }
        for s in sentences {
            answer.sentences.push(AnswerSentence { text: s.text.to_string(), citation: n });
            spoken.push(format!("{} [{n}]", s.text));
        }
        answer.citations.push(citation(n, hit, sentences));
    }
    answer.text = spoken.join(" ");
    answer
}

/// True when `sentence` is found word for word in the passage (what every quote must be).
pub fn is_verbatim(sentence: &str, hit_text: &str) -> bool {
    !sentence.is_empty() && hit_text.contains(sentence)
}

/// Folded text, for comparing a question with stored ones.
pub fn question_key(question: &str) -> String {
    fold(question)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_are_cut_only_at_their_ends() {
        let text = "1. Người được kết nạp vào Đảng phải trải qua thời kỳ dự bị mười hai tháng, tính từ ngày chi bộ tổ chức lễ kết nạp. Trong thời kỳ dự bị, chi bộ tiếp tục giáo dục.\n- Có đơn tự nguyện xin vào Đảng;";
        let spans: Vec<&str> = sentence_spans(text).into_iter().map(|(a, b)| &text[a..b]).collect();
        assert_eq!(
            spans,
            [
                "1. Người được kết nạp vào Đảng phải trải qua thời kỳ dự bị mười hai tháng, tính từ ngày chi bộ tổ chức lễ kết nạp.",
                "Trong thời kỳ dự bị, chi bộ tiếp tục giáo dục.",
                "- Có đơn tự nguyện xin vào Đảng;",
            ]
        );
        // "24-QĐ/TW." inside a sentence, a decimal or a lone number never cut it.
        assert_eq!(sentence_spans("Thực hiện Quy định 24-QĐ/TW. Tiếp theo 3.5 điểm.").len(), 2);
    }

    #[test]
    fn headings_questions_links_and_debris_are_never_quoted() {
        for debris in [
            "## Cách thức kiểm điểm đảng viên",
            "Đảng viên được khen thưởng thế nào?",
            "**>> Tải file mẫu viết sẵn kiểm điểm đảng viên 2025 mẫu 2B**",
            "NÓNG: Lịch nghỉ Tết 2026 Dương lịch, Âm lịch chính thức",
            "Tải về mẫu phiếu biểu quyết xếp loại chất lượng Đảng viên",
            "Xem thêm: Hướng dẫn 43-HD/BTCTW",
            "[sửa | sửa mã nguồn]Hội nghị lần thứ VIII Ban Chấp hành Trung ương khóa V",
            "Truy cập ngày 7 tháng 10 năm 2023.",
            "Tải file mẫu (Hình từ Internet)",
            "Xem [Hướng dẫn 43](https://thuvienphapluat.vn/hd43) tại đây.",
        ] {
            assert!(!quotable(debris), "{debris}");
        }
        for sentence in ["Đảng viên tự kiểm điểm theo Mẫu 2B.", "1. Kiểm điểm hằng năm vào dịp cuối năm:", "Nóng lòng chờ đợi, chi bộ họp ngay.",
            "Tại mẫu số 2A, đảng viên tự nhận mức xếp loại.",
            "Bản tin được đăng tải file word vào ngày 15 hằng tháng tại địa chỉ http://baocaovien.vn, Sổ tay đảng viên điện tử.",
        ] {
            assert!(quotable(sentence), "{sentence}");
        }
    }
}
