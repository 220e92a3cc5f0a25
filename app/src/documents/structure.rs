//! Turns a Party document's text (.txt/.md from web crawls or typed) into its structure:
//! Phần / Chương / Mục / Điều / Khoản, plus Roman-numbered parts and numbered items as used in
//! Hướng dẫn. Every node gets a stable anchor (`chuong-ii`, `dieu-5`, `dieu-5-khoan-2`) so any
//! article can be linked to and reading progress can be tracked per section.

use crate::db::fold::fold;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SectionKind {
    Preamble,
    Part,
    Chapter,
    Section,
    Article,
    Clause,
    Item,
}

impl SectionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SectionKind::Preamble => "preamble",
            SectionKind::Part => "part",
            SectionKind::Chapter => "chapter",
            SectionKind::Section => "section",
            SectionKind::Article => "article",
            SectionKind::Clause => "clause",
            SectionKind::Item => "item",
        }
    }

    /// Nesting level: a node belongs to the nearest earlier node of a lower level.
    fn level(self) -> u8 {
        match self {
            SectionKind::Preamble | SectionKind::Part => 0,
            SectionKind::Chapter => 1,
            SectionKind::Section => 2,
            SectionKind::Article => 3,
            SectionKind::Clause | SectionKind::Item => 4,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedSection {
    pub kind: SectionKind,
    /// "II", "5", … as printed.
    pub number: String,
    pub anchor: String,
    pub heading: String,
    /// Paragraphs separated by '\n'.
    pub body: String,
    /// Index of the enclosing node in the same list.
    pub parent: Option<usize>,
}

/// A paragraph with its bold lead-in (what `**…**` wrapped at the start), if any.
struct Paragraph {
    plain: String,
    bold_lead: Option<String>,
}

const TITLE_WORDS: [&str; 10] = [
    "ĐIỀU LỆ", "HƯỚNG DẪN", "QUYẾT ĐỊNH", "NGHỊ QUYẾT", "CHỈ THỊ", "QUY ĐỊNH", "KẾT LUẬN", "THÔNG BÁO",
    "QUY CHẾ", "CÔNG VĂN",
];

fn is_debris(line: &str) -> bool {
    line.chars().all(|c| matches!(c, '|' | '*' | '-' | '–' | '—' | '_' | '=' | ' ' | '\t'))
}

fn strip_marks(text: &str) -> String {
    text.replace('*', "").split_whitespace().collect::<Vec<_>>().join(" ")
}

fn mostly_upper(text: &str) -> bool {
    let letters: Vec<char> = text.chars().filter(|c| c.is_alphabetic()).collect();
    let upper = letters.iter().filter(|c| c.is_uppercase()).count();
    if letters.len() < 4 { !letters.is_empty() && upper == letters.len() } else { upper * 10 >= letters.len() * 8 }
}

fn paragraphs(text: &str) -> Vec<Paragraph> {
    let lines: Vec<&str> = text.lines().map(str::trim).collect();
    let blank = lines.iter().filter(|l| l.is_empty()).count();
    // Crawled pages either hard-wrap paragraphs between blank lines, or put one per line.
    let blocks: Vec<String> = if blank * 10 >= lines.len().max(1) {
        let mut blocks = Vec::new();
        let mut current: Vec<&str> = Vec::new();
        for line in lines {
            if line.is_empty() || is_debris(line) || markdown_heading(line).is_some() {
                if !current.is_empty() {
                    blocks.push(current.join(" "));
                    current.clear();
                }
                // A heading line is a paragraph of its own even without blank lines around it.
                if markdown_heading(line).is_some() {
                    blocks.push(line.to_string());
                }
            } else {
                current.push(line);
            }
        }
        if !current.is_empty() {
            blocks.push(current.join(" "));
        }
        blocks
    } else {
        lines.into_iter().filter(|l| !l.is_empty() && !is_debris(l)).map(str::to_string).collect()
    };
    blocks
        .into_iter()
        .filter_map(|raw| {
            let raw = raw.trim().to_string();
            let bold_lead = raw.strip_prefix("**").and_then(|rest| rest.split_once("**")).map(|(lead, _)| strip_marks(lead));
            let plain = strip_marks(&raw);
            (!plain.is_empty() && !is_debris(&plain)).then_some(Paragraph { plain, bold_lead })
        })
        .collect()
}

/// "## Nội dung chính" → (2, "Nội dung chính"): a Markdown heading of a crawled page.
fn markdown_heading(line: &str) -> Option<(usize, &str)> {
    let level = line.chars().take_while(|c| *c == '#').count();
    let rest = line[level..].strip_prefix(' ')?.trim().trim_end_matches('#').trim();
    ((1..=6).contains(&level) && !rest.is_empty()).then_some((level, rest))
}

/// Longest anchor made from a heading's words (headings of web pages can be whole questions).
const HEADING_ANCHOR_CHARS: usize = 60;
/// A "heading" longer than this is a paragraph marked as one.
const MAX_HEADING_CHARS: usize = 300;
/// Leads of the numbered divisions the parser reads itself, even set as Markdown headings.
const STRUCTURE_WORDS: [&str; 7] = ["Điều ", "Chương ", "CHƯƠNG ", "Mục ", "MỤC ", "Phần ", "PHẦN "];

/// "muc-cach-thuc-kiem-diem…" cut at a word within [`HEADING_ANCHOR_CHARS`]; a heading without
/// a letter or digit to spell it gets its position ("muc-7").
fn heading_anchor(heading: &str, position: usize) -> String {
    let words = slug(heading);
    if words.is_empty() {
        return format!("muc-{position}");
    }
    let mut anchor = format!("muc-{words}");
    if anchor.len() > HEADING_ANCHOR_CHARS {
        // ASCII only (slug folds and keeps [a-z0-9-]), so any byte is a boundary.
        let cut = anchor[..HEADING_ANCHOR_CHARS].rfind('-').unwrap_or(HEADING_ANCHOR_CHARS);
        anchor.truncate(cut);
    }
    anchor
}

fn roman(text: &str) -> bool {
    !text.is_empty() && text.chars().all(|c| matches!(c, 'I' | 'V' | 'X' | 'L' | 'C'))
}

/// Splits "Chương II" / "Điều 5." style leads: (number, rest).
fn after_keyword<'a>(text: &'a str, keyword: &str) -> Option<(&'a str, &'a str)> {
    let rest = text.strip_prefix(keyword)?.strip_prefix(' ')?;
    let end = rest.find(|c: char| c == '.' || c == ':' || c.is_whitespace()).unwrap_or(rest.len());
    let number = &rest[..end];
    if number.is_empty() {
        return None;
    }
    let tail = rest[end..].trim_start_matches(['.', ':']).trim();
    Some((number, tail))
}

fn slug(text: &str) -> String {
    fold(text).split(|c: char| !c.is_ascii_alphanumeric()).filter(|s| !s.is_empty()).collect::<Vec<_>>().join("-")
}

struct Builder {
    sections: Vec<ParsedSection>,
    skipping: bool,
    /// Anchors given so far, and the next number to try per qualified base: a page repeating
    /// one heading thousands of times costs a lookup per heading, not a scan.
    anchors: std::collections::HashSet<String>,
    next_number: std::collections::HashMap<String, usize>,
}

impl Builder {
    fn current(&mut self) -> Option<&mut ParsedSection> {
        self.sections.last_mut()
    }

    fn open(&mut self, kind: SectionKind, number: &str, base_anchor: String, heading: &str) {
        // Nothing is above the top level: no need to look back through every section.
        let parent = if kind.level() == 0 {
            None
        } else {
            self.sections.iter().rposition(|s| s.kind.level() < kind.level() && s.kind != SectionKind::Preamble)
        };
        let mut anchor = base_anchor;
        if self.anchors.contains(&anchor) {
            // Annexes restart numbering ("Điều 1" again): qualify with the enclosing node.
            let prefix = parent.map(|p| self.sections[p].anchor.clone()).unwrap_or_else(|| "phan".into());
            anchor = format!("{prefix}-{anchor}");
            let stem = if number.is_empty() { anchor.clone() } else { format!("{prefix}-{}", slug(number)) };
            while self.anchors.contains(&anchor) {
                let n = self.next_number.entry(stem.clone()).or_insert(2);
                anchor = format!("{stem}-{n}");
                *n += 1;
            }
        }
        self.anchors.insert(anchor.clone());
        self.sections.push(ParsedSection {
            kind,
            number: number.to_string(),
            anchor,
            heading: heading.to_string(),
            body: String::new(),
            parent,
        });
        self.skipping = false;
    }

    fn append(&mut self, text: &str) {
        if self.skipping {
            return;
        }
        if self.sections.is_empty() {
            self.open(SectionKind::Preamble, "", "mo-dau".into(), "");
        }
        if let Some(section) = self.current() {
            if !section.body.is_empty() {
                section.body.push('\n');
            }
            section.body.push_str(text);
        }
    }

    /// The anchor of the enclosing article or Roman part, for clause/item anchors.
    fn container_anchor(&self, levels: &[SectionKind]) -> Option<String> {
        self.sections.iter().rev().find(|s| levels.contains(&s.kind)).map(|s| s.anchor.clone())
    }

    fn in_article(&self) -> bool {
        self.sections.iter().rev().find(|s| s.kind.level() <= SectionKind::Article.level()).is_some_and(|s| s.kind == SectionKind::Article)
    }
}

/// Skips the letterhead (issuer, number, place and date, title) down to the text itself.
fn body_start(paras: &[Paragraph]) -> usize {
    let Some(title) = paras.iter().position(|p| TITLE_WORDS.contains(&p.plain.as_str())) else {
        return 0;
    };
    let mut i = title + 1;
    // Subtitle lines: capitals ("VỀ VIỆC …") or a parenthesised note.
    let mut in_parenthesis = false;
    while i < paras.len() && paras[i].plain.chars().count() < 400 {
        let line = paras[i].plain.as_str();
        if line.starts_with("Chương") || line.starts_with("PHẦN") {
            break;
        }
        if in_parenthesis || line.starts_with('(') {
            in_parenthesis = !line.contains(')');
        } else if !mostly_upper(line) {
            break;
        }
        i += 1;
    }
    i
}

/// In plain text (no bold marks to tell), "Điều 3. Trách nhiệm thi hành" is a titled article
/// when what follows the number is short and not a sentence.
fn looks_like_title(rest: &str) -> bool {
    let words = rest.split_whitespace().count();
    (1..=14).contains(&words) && !rest.ends_with(['.', ':', ';', ','])
}

pub fn parse(text: &str) -> Vec<ParsedSection> {
    let plain_source = !text.contains("**");
    let paras = paragraphs(text);
    let start = body_start(&paras);
    let mut b = Builder { sections: Vec::new(), skipping: false, anchors: Default::default(), next_number: Default::default() };
    let mut i = start;
    while i < paras.len() {
        let p = &paras[i];
        let plain = p.plain.as_str();
        let bold = p.bold_lead.as_deref().unwrap_or("");
        i += 1;
        if plain.starts_with("Nơi nhận") {
            b.skipping = true;
            continue;
        }
        let mut plain = plain;
        if let Some((level, heading)) = markdown_heading(plain) {
            if STRUCTURE_WORDS.iter().any(|w| heading.starts_with(w)) {
                // "### Điều 5. …" is an article set as a heading: read it as one.
                plain = heading;
            } else if heading.chars().count() > MAX_HEADING_CHARS {
                // Not a heading but text marked as one: kept as text.
                b.append(heading);
                continue;
            } else {
                // A page's "# Title" repeats the document's title; its other headings part it,
                // one flat level (web pages nest headings for looks more than for meaning).
                if level > 1 || !b.sections.is_empty() {
                    let anchor = heading_anchor(heading, b.sections.len() + 1);
                    b.open(SectionKind::Part, "", anchor, heading);
                }
                continue;
            }
        }
        if TITLE_WORDS.contains(&plain) && !b.sections.is_empty() {
            // An annex ("QUY CHẾ …" issued with a decision) starts a new part.
            let mut heading = plain.to_string();
            while i < paras.len() && mostly_upper(&paras[i].plain) && !paras[i].plain.starts_with("Chương") {
                heading = format!("{heading} {}", paras[i].plain);
                i += 1;
            }
            let anchor = slug(plain);
            b.open(SectionKind::Part, "", anchor, &heading);
            continue;
        }
        if let Some((number, rest)) = after_keyword(plain, "PHẦN").or_else(|| after_keyword(plain, "Phần"))
            && (roman(number) || number.chars().all(|c| c.is_ascii_digit()) || number.eq_ignore_ascii_case("thứ")) {
                b.open(SectionKind::Part, number, format!("phan-{}", slug(number)), rest);
                continue;
            }
        if let Some((number, rest)) = after_keyword(plain, "Chương")
            && (roman(number) || number.chars().all(|c| c.is_ascii_digit())) {
                let mut heading = rest.to_string();
                if heading.is_empty() && i < paras.len() && mostly_upper(&paras[i].plain) {
                    heading = paras[i].plain.clone();
                    i += 1;
                }
                b.open(SectionKind::Chapter, number, format!("chuong-{}", slug(number)), &heading);
                continue;
            }
        if let Some((number, rest)) = after_keyword(plain, "Mục")
            && number.chars().all(|c| c.is_ascii_digit()) {
                b.open(SectionKind::Section, number, format!("muc-{number}"), rest);
                continue;
            }
        if let Some((number, rest)) = after_keyword(plain, "Điều")
            && number.chars().all(|c| c.is_ascii_digit()) {
                // "**Điều 1. Phạm vi điều chỉnh**" is a titled article; "**Điều 1.** Ban hành…" is text.
                let titled = after_keyword(bold, "Điều").map(|(_, t)| t.to_string()).filter(|t| !t.is_empty());
                let (heading, body) = match titled {
                    Some(t) => {
                        let body = rest.strip_prefix(t.as_str()).unwrap_or("").trim().to_string();
                        (t, body)
                    }
                    None if plain_source && looks_like_title(rest) => (rest.to_string(), String::new()),
                    None => (String::new(), rest.to_string()),
                };
                b.open(SectionKind::Article, number, format!("dieu-{number}"), &heading);
                if !body.is_empty() {
                    b.append(&body);
                }
                continue;
            }
        if let Some((number, rest)) = plain.split_once(". ").map(|(n, r)| (n, r.trim())) {
            if roman(number) && mostly_upper(rest) && !bold.is_empty() {
                b.open(SectionKind::Section, number, format!("muc-{}", slug(number)), rest);
                continue;
            }
            if number.len() <= 2 && number.chars().all(|c| c.is_ascii_digit()) {
                if b.in_article() {
                    let parent = b.container_anchor(&[SectionKind::Article]).unwrap_or_default();
                    b.open(SectionKind::Clause, number, format!("{parent}-khoan-{number}"), "");
                    b.append(rest);
                    continue;
                }
                if !bold.is_empty() {
                    let parent = b.container_anchor(&[SectionKind::Section, SectionKind::Chapter, SectionKind::Part]);
                    let anchor = match parent {
                        Some(p) => format!("{p}-{number}"),
                        None => format!("muc-{number}"),
                    };
                    // A bold lead that is more than the number is the item's title.
                    let title = bold.trim_start_matches(number).trim_start_matches('.').trim().to_string();
                    let body = rest.strip_prefix(title.as_str()).unwrap_or(rest).trim().to_string();
                    b.open(SectionKind::Item, number, anchor, &title);
                    if !body.is_empty() {
                        b.append(&body);
                    }
                    continue;
                }
            }
        }
        b.append(plain);
    }
    b.sections
}

#[cfg(test)]
mod tests {
    use super::*;

    const DIEU_LE: &str = include_str!("../../demo-docs/dieu-le-dang-2011.md");
    const HD37: &str = include_str!("../../demo-docs/huong-dan-37-HD-BTGDVTW-2025.md");
    const QD1147: &str = include_str!("../../demo-docs/quyet-dinh-1147-QD-BTGDVTW-2025.md");

    fn count(sections: &[ParsedSection], kind: SectionKind) -> usize {
        sections.iter().filter(|s| s.kind == kind).count()
    }

    #[test]
    fn charter_keeps_its_twelve_chapters_and_48_articles() {
        let s = parse(DIEU_LE);
        assert_eq!(count(&s, SectionKind::Chapter), 12);
        assert_eq!(count(&s, SectionKind::Article), 48);
        // Plain text: a short line after the number is the article's title, a sentence is text.
        let plain = parse("Điều 1. Phạm vi điều chỉnh\nQuy định này áp dụng cho chi bộ.\nĐiều 2. Quyết định này có hiệu lực kể từ ngày ký.");
        assert_eq!((plain[0].heading.as_str(), plain[0].body.as_str()), ("Phạm vi điều chỉnh", "Quy định này áp dụng cho chi bộ."));
        assert_eq!((plain[1].heading.as_str(), plain[1].body.as_str()), ("", "Quyết định này có hiệu lực kể từ ngày ký."));
        assert_eq!(s[0].kind, SectionKind::Preamble);
        assert!(s[0].body.contains("Đảng Cộng sản Việt Nam do đồng chí Hồ Chí Minh sáng lập"));
        let ch1 = s.iter().find(|x| x.anchor == "chuong-i").unwrap();
        assert_eq!(ch1.heading, "ĐẢNG VIÊN");
        let art1 = s.iter().position(|x| x.anchor == "dieu-1").unwrap();
        assert_eq!(s[art1].parent.map(|p| s[p].anchor.as_str()), Some("chuong-i"));
        let clause = s.iter().find(|x| x.anchor == "dieu-1-khoan-2").unwrap();
        assert!(clause.body.starts_with("Công dân Việt Nam từ mười tám tuổi trở lên"));
        assert_eq!(clause.parent, Some(art1));
        let last = s.iter().find(|x| x.anchor == "dieu-48").unwrap();
        assert!(!last.body.is_empty() || s.iter().any(|x| x.anchor.starts_with("dieu-48-khoan")));
        // Anchors are unique.
        let mut anchors: Vec<_> = s.iter().map(|x| x.anchor.clone()).collect();
        anchors.sort();
        anchors.dedup();
        assert_eq!(anchors.len(), s.len());
    }

    #[test]
    fn guidance_uses_roman_parts_and_numbered_items() {
        let s = parse(HD37);
        let parts: Vec<_> = s.iter().filter(|x| x.kind == SectionKind::Section).map(|x| x.number.as_str()).collect();
        assert_eq!(parts, ["I", "II", "III", "IV"]);
        assert!(s[0].body.starts_with("Thực hiện Chỉ thị số 50-CT/TW"), "{:?}", s[0]);
        let item = s.iter().find(|x| x.anchor == "muc-ii-1").unwrap();
        assert!(item.heading.starts_with("Bản tin sinh hoạt thường kỳ"), "{item:?}");
        assert!(!s.iter().any(|x| x.body.contains("BAN CHẤP HÀNH TRUNG ƯƠNG")), "letterhead dropped");
    }

    #[test]
    fn decision_with_annexed_regulation_keeps_both_numberings() {
        let s = parse(QD1147);
        assert!(s.iter().any(|x| x.anchor == "dieu-1" && x.body.starts_with("Ban hành kèm theo")));
        let annex = s.iter().find(|x| x.kind == SectionKind::Part).expect("annex part");
        assert!(annex.heading.starts_with("QUY CHẾ"));
        let annexed = s.iter().find(|x| x.heading.starts_with("Phạm vi điều chỉnh")).unwrap();
        assert_eq!(annexed.kind, SectionKind::Article);
        assert_eq!(annexed.anchor, "chuong-i-dieu-1");
        assert!(!s.iter().any(|x| x.body.contains("Nơi nhận")));
    }

    #[test]
    fn a_crawled_page_is_parted_by_its_markdown_headings() {
        let page = "# Cách thức kiểm điểm đảng viên 2025\n\n### Nội dung chính\n\n## Cách thức kiểm điểm đảng viên theo Quy định 366 như thế nào?\nTại Điều 7 Quy định 366-QĐ/TW năm 2025 nêu cách thức kiểm điểm.\n\nĐảng viên tự kiểm điểm.\n\n## Thời gian kiểm điểm ##\n\nHằng năm, vào cuối năm.";
        let s = parse(page);
        let headed: Vec<(&str, &str, &str)> = s.iter().map(|x| (x.anchor.as_str(), x.heading.as_str(), x.body.as_str())).collect();
        assert_eq!(
            headed,
            [
                ("muc-noi-dung-chinh", "Nội dung chính", ""),
                (
                    "muc-cach-thuc-kiem-diem-dang-vien-theo-quy-dinh-366-nhu-the",
                    "Cách thức kiểm điểm đảng viên theo Quy định 366 như thế nào?",
                    "Tại Điều 7 Quy định 366-QĐ/TW năm 2025 nêu cách thức kiểm điểm.\nĐảng viên tự kiểm điểm."
                ),
                ("muc-thoi-gian-kiem-diem", "Thời gian kiểm điểm", "Hằng năm, vào cuối năm."),
            ]
        );
        let shape: Vec<(SectionKind, Option<usize>)> = s.iter().map(|x| (x.kind, x.parent)).collect();
        assert_eq!(shape, [(SectionKind::Part, None); 3], "flat parts, nothing nested");
        assert!(!s.iter().any(|x| x.body.contains('#')), "no heading mark left in any text");

        // Repeated and unspellable headings get distinct anchors; an article set as a heading is
        // an article; an overlong "heading" is text.
        let long = "dài ".repeat(100);
        let page = format!("## Hỏi đáp\nMột.\n\n## Hỏi đáp\nHai.\n\n## Hỏi đáp\nBa.\n\n## ???\nBốn.\n\n### Điều 5. Quyền của đảng viên\n1. Được thông tin.\n\n## {long}\n");
        let s = parse(&page);
        let anchors: Vec<&str> = s.iter().map(|x| x.anchor.as_str()).collect();
        assert_eq!(anchors, ["muc-hoi-dap", "phan-muc-hoi-dap", "phan-muc-hoi-dap-2", "muc-4", "dieu-5", "dieu-5-khoan-1"]);
        assert_eq!(s[4].kind, SectionKind::Article);
        assert_eq!(s[4].heading, "Quyền của đảng viên");
        assert!(s[5].body.starts_with("Được thông tin.") && s[5].body.ends_with("dài"), "{:?}", s[5]);
    }

    #[test]
    fn thousands_of_identical_headings_parse_at_once() {
        let page = "## Hỏi đáp\nCâu trả lời.\n\n".repeat(20_000);
        let s = parse(&page);
        assert_eq!(s.len(), 20_000);
        let distinct: std::collections::HashSet<&str> = s.iter().map(|x| x.anchor.as_str()).collect();
        assert_eq!(distinct.len(), 20_000);
    }
}
