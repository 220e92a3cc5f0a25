//! A member's question turned into search syllables.
//!
//! Members type the way they talk and text: "ĐV dự bị có được biểu quyết ko", "CB họp mấy lần",
//! "18 tuổi vào Đảng được chưa". The documents spell everything out ("đảng viên", "chi bộ",
//! "mười tám tuổi"). So abbreviations are expanded, numbers are also given in words, texting
//! forms are undone, and the question's own words ("là gì", "bao nhiêu", "như thế nào") are set
//! apart: they are in no document, and counting them would make every question look unanswered.

use crate::db::fold::{fold, has_marks};

/// A question as the ranker reads it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NormalizedQuery {
    /// Folded syllables in the order asked, abbreviations spelt out, numbers also in words.
    pub syllables: Vec<String>,
    /// For each syllable: a question word or filler, not what the question is about.
    pub stop: Vec<bool>,
    /// "Điều 5" in the question: the article number asked about.
    pub article: Option<String>,
}

impl NormalizedQuery {
    /// The syllables the question is about.
    pub fn content(&self) -> impl Iterator<Item = &str> {
        self.syllables.iter().zip(&self.stop).filter(|(_, stop)| !**stop).map(|(s, _)| s.as_str())
    }

    /// Index terms of the question: content syllables and pairs of adjacent content syllables
    /// (a pair never bridges a question word, so "đảng viên là gì" yields no "vien_la").
    pub fn terms(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let push = |t: String, out: &mut Vec<String>| {
            if !out.contains(&t) {
                out.push(t);
            }
        };
        for (i, s) in self.syllables.iter().enumerate() {
            if self.stop[i] {
                continue;
            }
            push(s.clone(), &mut out);
            if i + 1 < self.syllables.len() && !self.stop[i + 1] {
                push(format!("{}_{}", s, self.syllables[i + 1]), &mut out);
            }
        }
        out
    }

    pub fn is_empty(&self) -> bool {
        self.content().next().is_none()
    }
}

/// Abbreviations of Party work, as members write them. `caps`: expanded only when written in
/// capitals, because folded they are also ordinary syllables ("ĐU" = đảng ủy, "du" = dự).
const ABBREVIATIONS: &[(&str, &str, bool)] = &[
    ("dv", "đảng viên", false),
    ("dvdb", "đảng viên dự bị", false),
    ("dvct", "đảng viên chính thức", false),
    ("cb", "chi bộ", false),
    ("shcb", "sinh hoạt chi bộ", false),
    ("bch", "ban chấp hành", false),
    ("ubkt", "ủy ban kiểm tra", false),
    ("tw", "trung ương", false),
    ("btv", "ban thường vụ", false),
    ("bct", "bộ chính trị", false),
    ("bbt", "ban bí thư", false),
    ("tbt", "tổng bí thư", false),
    ("pbt", "phó bí thư", false),
    ("bt", "bí thư", false),
    ("du", "đảng ủy", true),
    ("db", "đảng bộ", false),
    ("dbcs", "đảng bộ cơ sở", false),
    ("cbcs", "chi bộ cơ sở", false),
    ("tccs", "tổ chức cơ sở", false),
    ("tccsd", "tổ chức cơ sở đảng", false),
    ("tcd", "tổ chức đảng", false),
    ("dh", "đại hội", false),
    ("dhdb", "đại hội đại biểu", false),
    ("mttq", "mặt trận tổ quốc", false),
    ("hdnd", "hội đồng nhân dân", false),
    ("ubnd", "ủy ban nhân dân", false),
    ("qh", "quốc hội", false),
    ("nq", "nghị quyết", false),
    ("qd", "quyết định", false),
    ("hd", "hướng dẫn", false),
    ("ct", "chỉ thị", true),
    ("dtn", "đoàn thanh niên", false),
    ("tncs", "thanh niên cộng sản", false),
    ("qdnd", "quân đội nhân dân", false),
    ("cand", "công an nhân dân", false),
    ("xhcn", "xã hội chủ nghĩa", false),
    ("btgdv", "ban tuyên giáo và dân vận", false),
    ("btgdvtw", "ban tuyên giáo và dân vận trung ương", false),
    ("btctw", "ban tổ chức trung ương", false),
    ("ttct", "trung tâm chính trị", false),
    // Texting forms.
    ("ko", "không", false),
    ("k", "không", false),
    ("kh", "không", false),
    ("khg", "không", false),
    ("hok", "không", false),
    ("dc", "được", false),
    ("j", "gì", false),
    ("ntn", "như thế nào", false),
    ("bn", "bao nhiêu", false),
    ("bnhieu", "bao nhiêu", false),
    ("vs", "với", false),
    ("ng", "người", false),
    ("dt", "điện thoại", true),
];

/// The spelt-out form of an abbreviation ("UBKT" → "ủy ban kiểm tra"), for reading aloud.
pub fn expansion(word: &str) -> Option<&'static str> {
    let folded = fold(word);
    ABBREVIATIONS.iter().find(|(short, _, _)| *short == folded).map(|(_, long, _)| *long)
}

/// Question words and fillers, with their diacritics (typed with marks they are unambiguous).
const QUESTION_WORDS: &[&str] = &[
    "là", "gì", "nào", "thế", "như", "bao", "nhiêu", "mấy", "có", "không", "được", "ai", "khi", "đâu",
    "sao", "vậy", "à", "ạ", "nhỉ", "nhé", "ơi", "hay", "hoặc", "thì", "mà", "đó", "này", "kia", "ấy",
    "lâu", "cho", "tôi", "mình", "em", "cháu", "xin", "hỏi", "biết", "muốn", "cần", "phải", "làm", "những",
    "các", "một", "về", "với", "của", "và", "ở", "tại", "trong", "đến", "nên", "gồm", "chưa",
    "rồi", "đã", "sẽ", "đang", "vì", "thưa", "đồng", "chí", "bác", "anh", "chị", "ông", "bà", "nếu",
    "lúc", "bây", "giờ", "hiện", "nay", "theo", "quy", "định", "nói",
];

/// Question words that are still unambiguous when typed without marks ("co" could be "cơ sở",
/// so it is not here).
const FOLDED_QUESTION_WORDS: &[&str] = &[
    "gi", "nhieu", "khong", "duoc", "vay", "nhi", "nhe", "oi", "toi", "xin", "hoi", "biet", "muon",
    "nhung", "cua", "chua", "thua", "neu", "nao", "la", "lau",
];

/// Runs before splitting into words: forms that splitting would break apart.
fn rewrite_before_split(question: &str) -> String {
    let mut text = question.replace("đ/c", "đồng chí").replace("Đ/c", "đồng chí").replace("Đ/C", "đồng chí");
    text = fractions_in_words(&text);
    text
}

/// "2/3" → "hai phần ba" (the Charter writes "hai phần ba số đảng viên"), "1/2" → "một nửa".
fn fractions_in_words(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let start = i;
        while i < chars.len() && chars[i].is_ascii_digit() {
            i += 1;
        }
        let digits_before = i > start && (start == 0 || !chars[start - 1].is_alphanumeric());
        if digits_before && i + 1 < chars.len() && chars[i] == '/' && chars[i + 1].is_ascii_digit() {
            let mut j = i + 1;
            while j < chars.len() && chars[j].is_ascii_digit() {
                j += 1;
            }
            let ends = j == chars.len() || !chars[j].is_alphanumeric();
            let top: String = chars[start..i].iter().collect();
            let bottom: String = chars[i + 1..j].iter().collect();
            if let (true, Ok(t), Ok(b)) = (ends, top.parse::<u32>(), bottom.parse::<u32>()) {
                if (t, b) == (1, 2) {
                    out.push_str(" một nửa ");
                } else if let (Some(tw), Some(bw)) = (number_words(t), number_words(b)) {
                    out.push_str(&format!(" {tw} phần {bw} "));
                } else {
                    out.push_str(&format!("{top}/{bottom}"));
                }
                i = j;
                continue;
            }
        }
        if i > start {
            out.extend(&chars[start..i]);
            continue;
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

const DIGITS: [&str; 10] = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"];

/// A number below 1000 in Vietnamese words, as documents print it ("mười lăm", "hai mươi mốt").
pub fn number_words(n: u32) -> Option<String> {
    if n >= 1000 {
        return None;
    }
    let tens_units = |n: u32| -> String {
        let (tens, units) = (n / 10, n % 10);
        match (tens, units) {
            (0, u) => DIGITS[u as usize].to_string(),
            (1, 0) => "mười".into(),
            (1, 5) => "mười lăm".into(),
            (1, u) => format!("mười {}", DIGITS[u as usize]),
            (t, 0) => format!("{} mươi", DIGITS[t as usize]),
            (t, 1) => format!("{} mươi mốt", DIGITS[t as usize]),
            (t, 5) => format!("{} mươi lăm", DIGITS[t as usize]),
            (t, u) => format!("{} mươi {}", DIGITS[t as usize], DIGITS[u as usize]),
        }
    };
    Some(match n {
        0..=99 => tens_units(n),
        _ => {
            let (hundreds, rest) = (n / 100, n % 100);
            let head = format!("{} trăm", DIGITS[hundreds as usize]);
            match rest {
                0 => head,
                1..=9 => format!("{head} linh {}", DIGITS[rest as usize]),
                _ => format!("{head} {}", tens_units(rest)),
            }
        }
    })
}

fn is_capitalised(word: &str) -> bool {
    word.chars().count() >= 2 && word.chars().all(|c| !c.is_alphabetic() || c.is_uppercase())
}

/// The question as folded syllables, each marked as content or question word.
pub fn normalize(question: &str) -> NormalizedQuery {
    let text = rewrite_before_split(question);
    let mut query = NormalizedQuery::default();
    let push = |syllable: String, stop: bool, query: &mut NormalizedQuery| {
        query.syllables.push(syllable);
        query.stop.push(stop);
    };
    let words: Vec<&str> = text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
    for (i, word) in words.iter().enumerate() {
        let folded = fold(word);
        if let Some((_, expansion, caps)) = ABBREVIATIONS.iter().find(|(short, _, _)| *short == folded)
            && (!*caps || is_capitalised(word)) {
                for part in expansion.split(' ') {
                    let stop = QUESTION_WORDS.contains(&part);
                    push(fold(part), stop, &mut query);
                }
                continue;
            }
        if word.chars().all(|c| c.is_ascii_digit()) {
            // "Điều 5": the article asked about.
            if i > 0 && fold(words[i - 1]) == "dieu" {
                query.article = Some(word.trim_start_matches('0').to_string());
            }
            push(folded.clone(), false, &mut query);
            if let Some(spelt) = word.parse::<u32>().ok().and_then(number_words) {
                for part in spelt.split(' ') {
                    push(fold(part), false, &mut query);
                }
            }
            continue;
        }
        let lower = word.to_lowercase();
        let stop = if has_marks(word) {
            QUESTION_WORDS.contains(&lower.as_str())
        } else {
            FOLDED_QUESTION_WORDS.contains(&folded.as_str())
        };
        push(folded, stop, &mut query);
    }
    add_document_words(&mut query);
    query
}

/// What members say, and the words the documents use for it.
const DOCUMENT_WORDS: &[(&str, &str)] = &[("vao dang", "ket nap"), ("ra khoi dang", "xin ra khoi dang"), ("hop chi bo", "sinh hoat chi bo")];

/// Appends the documents' words for what the question says in everyday words ("vào Đảng" is
/// "kết nạp" in the Charter), after a question word so no pair bridges them.
fn add_document_words(query: &mut NormalizedQuery) {
    let content: Vec<&str> = query.content().collect();
    let spoken = content.join(" ");
    let mut extra: Vec<&str> = Vec::new();
    for (said, written) in DOCUMENT_WORDS {
        if format!(" {spoken} ").contains(&format!(" {said} ")) && !format!(" {spoken} ").contains(&format!(" {written} ")) {
            extra.extend(written.split(' '));
        }
    }
    if extra.is_empty() {
        return;
    }
    query.syllables.push("va".into());
    query.stop.push(true);
    for word in extra {
        query.syllables.push(word.to_string());
        query.stop.push(false);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn content(q: &str) -> Vec<String> {
        normalize(q).content().map(str::to_string).collect()
    }

    #[test]
    fn abbreviations_are_spelt_out() {
        assert_eq!(content("ĐV dự bị có quyền biểu quyết ko"), ["dang", "vien", "du", "bi", "quyen", "bieu", "quyet"]);
        assert_eq!(content("CB họp mấy lần"), ["chi", "bo", "hop", "lan"]);
        assert_eq!(content("UBKT có nhiệm vụ gì"), ["uy", "ban", "kiem", "tra", "nhiem", "vu"]);
        assert_eq!(content("BCH TW họp"), ["ban", "chap", "hanh", "trung", "uong", "hop"]);
    }

    #[test]
    fn capitals_decide_ambiguous_abbreviations() {
        assert_eq!(content("ĐU cơ sở"), ["dang", "uy", "co", "so"]);
        assert_eq!(content("thời kỳ dự bị"), ["thoi", "ky", "du", "bi"]);
    }

    #[test]
    fn numbers_are_also_words() {
        assert_eq!(content("18 tuổi"), ["18", "muoi", "tam", "tuoi"]);
        assert_eq!(number_words(21).as_deref(), Some("hai mươi mốt"));
        assert_eq!(number_words(15).as_deref(), Some("mười lăm"));
        assert_eq!(number_words(105).as_deref(), Some("một trăm linh năm"));
        assert_eq!(content("2/3 số đảng viên"), ["hai", "phan", "ba", "so", "dang", "vien"]);
    }

    #[test]
    fn question_words_are_set_apart_and_pairs_never_bridge_them() {
        let q = normalize("Đảng viên là gì?");
        assert_eq!(q.terms(), ["dang", "dang_vien", "vien"]);
        // Without marks only the unambiguous ones: "co so" stays "cơ sở".
        assert_eq!(content("to chuc co so dang la gi"), ["to", "chuc", "co", "so", "dang"]);
    }

    #[test]
    fn everyday_words_bring_the_documents_words() {
        assert_eq!(content("18 tuổi có được vào Đảng không"), ["18", "muoi", "tam", "tuoi", "vao", "dang", "ket", "nap"]);
        assert_eq!(normalize("vào Đảng").terms(), ["vao", "vao_dang", "dang", "ket", "ket_nap", "nap"]);
    }

    #[test]
    fn article_number_is_noticed() {
        assert_eq!(normalize("Điều 5 Điều lệ Đảng quy định gì").article.as_deref(), Some("5"));
        assert_eq!(normalize("dieu 12 noi gi").article.as_deref(), Some("12"));
    }
}
