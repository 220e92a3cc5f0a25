//! Bulk import: a folder of .txt/.md/.html/.docx files and JSON lines of
//! `{id, title, number, type, issued, text}`. Each document is stored in its own transaction and
//! skipped when its text was imported before (same checksum). Metadata missing from a file is
//! read from its letterhead: "Số 37-HD/BTGDVTW", "ngày 19 tháng 11 năm 2025", the title block.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use sea_orm::DatabaseConnection;
use serde::Deserialize;

use super::DOC_TYPES;
use super::service::{ImportMeta, import_text};
use crate::db::fold::fold;
use crate::error::{AppError, AppResult};

/// What the letterhead tells about a document.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Letterhead {
    pub number: String,
    pub title: String,
    pub doc_type: String,
    pub issued_on: Option<NaiveDate>,
}

const TYPE_WORDS: [(&str, &str); 10] = [
    ("ĐIỀU LỆ", "dieu_le"),
    ("NGHỊ QUYẾT", "nghi_quyet"),
    ("CHỈ THỊ", "chi_thi"),
    ("QUY ĐỊNH", "quy_dinh"),
    ("QUYẾT ĐỊNH", "quyet_dinh"),
    ("HƯỚNG DẪN", "huong_dan"),
    ("KẾT LUẬN", "ket_luan"),
    ("THÔNG BÁO", "thong_bao"),
    ("QUY CHẾ", "quy_dinh"),
    ("CÔNG VĂN", "thong_bao"),
];

fn clean(line: &str) -> String {
    line.replace(['*', '|', '#'], " ").split_whitespace().collect::<Vec<_>>().join(" ")
}

fn sentence_case(text: &str) -> String {
    let lower = text.to_lowercase();
    let mut chars = lower.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// "ngày 19 tháng 11 năm 2025" anywhere in the first lines.
fn find_date(folded: &str) -> Option<NaiveDate> {
    let words: Vec<&str> = folded.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
    words.windows(6).find_map(|w| {
        (w[0] == "ngay" && w[2] == "thang" && w[4] == "nam")
            .then(|| NaiveDate::from_ymd_opt(w[5].parse().ok()?, w[3].parse().ok()?, w[1].parse().ok()?))
            .flatten()
    })
}

pub fn read_letterhead(text: &str) -> Letterhead {
    let lines: Vec<String> = text.lines().take(80).map(clean).filter(|l| !l.is_empty()).collect();
    let number = lines
        .iter()
        .find_map(|l| {
            let rest = l.strip_prefix("Số")?.trim_start_matches([':', ' ']);
            rest.split_whitespace().next().filter(|n| n.contains('/')).map(|n| n.trim_end_matches(',').to_string())
        })
        .unwrap_or_default();
    let issued_on = find_date(&fold(&lines.join(" ")));
    let mut letterhead = Letterhead { number, issued_on, ..Default::default() };
    if let Some(i) = lines.iter().position(|l| TYPE_WORDS.iter().any(|(w, _)| l == w)) {
        letterhead.doc_type = TYPE_WORDS.iter().find(|(w, _)| *w == lines[i]).map(|(_, c)| c.to_string()).unwrap_or_default();
        let mut title = lines[i].clone();
        for l in lines.iter().skip(i + 1).take(4) {
            let letters: Vec<char> = l.chars().filter(|c| c.is_alphabetic()).collect();
            let upper = letters.iter().filter(|c| c.is_uppercase()).count();
            // A subject line in ordinary case ("Về việc …") ends the title.
            if title == lines[i] && (l.starts_with("Về ") || l.starts_with("V/v")) {
                let mut subject = l.chars();
                let first: String = subject.next().map(|c| c.to_lowercase().collect()).unwrap_or_default();
                title = format!("{} {first}{}", sentence_case(&title), subject.as_str());
                letterhead.title = title;
                return letterhead;
            }
            if letters.is_empty() || upper * 10 < letters.len() * 8 || l.starts_with("Chương") {
                break;
            }
            title.push(' ');
            title.push_str(l);
        }
        letterhead.title = sentence_case(&title);
    }
    letterhead
}

/// Plain text of an HTML page: block ends become line breaks, tags go, entities are decoded.
/// One pass: the text is lower-cased once, and where a `<script>` or `<style>` has no closing
/// tag that is remembered, so a page of unclosed scripts costs no more than any other.
pub fn html_to_text(html: &str) -> String {
    // ASCII lower-casing keeps every byte where it was, so offsets match `html`.
    let lower = html.to_ascii_lowercase();
    let mut out = String::with_capacity(html.len());
    let mut pos = 0;
    // Where the next "</script" / "</style" is at or after the last search, or none at all.
    let mut next_close: [Option<Option<usize>>; 2] = [None, None];
    while let Some(found) = html[pos..].find('<') {
        let start = pos + found;
        out.push_str(&html[pos..start]);
        let Some(end) = html[start..].find('>').map(|e| start + e) else {
            pos = start;
            break;
        };
        let raw_tag = &lower[start + 1..end];
        let closing = raw_tag.starts_with('/');
        let name: String = raw_tag.trim_start_matches('/').chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
        if matches!(name.as_str(), "br" | "p" | "div" | "li" | "tr" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6") {
            out.push('\n');
        }
        pos = end + 1;
        let skip = match name.as_str() {
            "script" if !closing => Some((0, "</script")),
            "style" if !closing => Some((1, "</style")),
            _ => None,
        };
        if let Some((slot, needle)) = skip {
            let cached = next_close[slot].filter(|at| at.is_none_or(|at| at >= pos));
            let close = cached.unwrap_or_else(|| lower[pos..].find(needle).map(|c| pos + c));
            next_close[slot] = Some(close);
            if let Some(close) = close {
                pos = close;
            }
        }
    }
    out.push_str(&html[pos..]);
    decode_entities(&out)
}

/// Every named and numeric HTML entity (`&ecirc;`, `&agrave;`, `&#7853;`…), by `html-escape`;
/// a no-break space is an ordinary space in the text a document keeps.
fn decode_entities(text: &str) -> String {
    html_escape::decode_html_entities(text).replace('\u{a0}', " ")
}

/// One JSON line of a bulk file.
#[derive(Debug, Deserialize)]
struct JsonRecord {
    #[serde(default)]
    id: Option<serde_json::Value>,
    title: String,
    #[serde(default)]
    number: Option<String>,
    #[serde(default, rename = "type")]
    doc_type: Option<String>,
    #[serde(default)]
    issued: Option<String>,
    text: String,
    /// Provenance, kept for attribution when present.
    #[serde(default)]
    source_repo: Option<String>,
    #[serde(default)]
    source_path: Option<String>,
}

/// A stored code from a code or label ("huong_dan" or "Hướng dẫn").
fn type_code(value: &str) -> Option<String> {
    let folded = fold(value);
    DOC_TYPES
        .iter()
        .find(|(code, label)| *code == value || fold(label) == folded)
        .map(|(code, _)| code.to_string())
}

#[derive(Debug, Clone)]
pub struct ImportOptions {
    pub owner_unit_id: i64,
    pub published: bool,
    pub level: String,
    pub issuer: String,
}

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ImportReport {
    pub added: usize,
    pub skipped: usize,
    pub failed: Vec<(String, String)>,
}

/// A document ready to store: its metadata and text.
struct Candidate {
    label: String,
    meta: ImportMeta,
    text: String,
}

pub fn meta_for(text: &str, fallback_title: &str, options: &ImportOptions) -> ImportMeta {
    let head = read_letterhead(text);
    ImportMeta {
        number: head.number,
        title: if head.title.is_empty() { fallback_title.to_string() } else { head.title },
        doc_type: if head.doc_type.is_empty() { "thong_bao".into() } else { head.doc_type },
        level: options.level.clone(),
        issuer: options.issuer.clone(),
        issued_on: head.issued_on,
        topics: String::new(),
        owner_unit_id: options.owner_unit_id,
        audience_all: true,
        published: options.published,
        source: String::new(),
    }
}

/// The plain text of an uploaded or imported file, by its extension: .txt/.md as they are,
/// .html without tags, .docx from its paragraphs. `Err` is a Vietnamese reason.
pub fn file_to_text(file_name: &str, bytes: &[u8]) -> Result<String, String> {
    let ext = Path::new(file_name).extension().map(|e| e.to_string_lossy().to_lowercase()).unwrap_or_default();
    let utf8 = || {
        std::str::from_utf8(bytes)
            .map(|s| s.trim_start_matches('\u{feff}').to_string())
            .map_err(|_| "tệp không phải văn bản UTF-8".to_string())
    };
    match ext.as_str() {
        "txt" | "md" => utf8(),
        "html" | "htm" => utf8().map(|raw| html_to_text(&raw)),
        "docx" => docx_to_text(bytes),
        other => Err(format!("không hỗ trợ tệp .{other} (dùng .txt, .md, .html, .docx)")),
    }
}

/// The most a .docx may unpack to (its text part): real documents are far below it.
pub const MAX_UNPACKED_BYTES: u64 = 50 * 1024 * 1024;

/// The paragraphs of a Word document (`word/document.xml`), one per line; tabs and line breaks
/// inside a paragraph are kept as spaces and new lines.
pub fn docx_to_text(bytes: &[u8]) -> Result<String, String> {
    use quick_xml::events::Event;
    use std::io::Read;

    fn bad<E>(_: E) -> String {
        "tệp .docx bị hỏng hoặc không phải tài liệu Word".to_string()
    }
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(bad)?;
    let mut xml = String::new();
    // A small zip can unpack to gigabytes: read at most the cap, whatever the header claims.
    let entry = archive.by_name("word/document.xml").map_err(bad)?;
    entry.take(MAX_UNPACKED_BYTES + 1).read_to_string(&mut xml).map_err(bad)?;
    if xml.len() as u64 > MAX_UNPACKED_BYTES {
        return Err(format!("nội dung tệp .docx khi giải nén vượt quá {} MB", MAX_UNPACKED_BYTES / 1024 / 1024));
    }
    let mut reader = quick_xml::Reader::from_str(&xml);
    let mut out = String::new();
    let mut in_text = false;
    loop {
        match reader.read_event().map_err(bad)? {
            Event::Start(e) if e.name().as_ref() == b"w:t" => in_text = true,
            Event::End(e) if e.name().as_ref() == b"w:t" => in_text = false,
            Event::End(e) if e.name().as_ref() == b"w:p" => out.push('\n'),
            Event::Empty(e) if e.name().as_ref() == b"w:tab" => out.push(' '),
            Event::Empty(e) if matches!(e.name().as_ref(), b"w:br" | b"w:cr") => out.push('\n'),
            Event::Text(t) if in_text => out.push_str(&t.decode().map_err(bad)?),
            Event::GeneralRef(r) if in_text => {
                if let Ok(Some(c)) = r.resolve_char_ref() {
                    out.push(c);
                } else if let Some(text) = r.decode().ok().and_then(|name| quick_xml::escape::resolve_predefined_entity(&name)) {
                    out.push_str(text);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(out)
}

/// The documents in one file; a bad file or a bad JSON line is an `Err((label, reason))` of its
/// own, so the good records still go in.
fn candidates(path: &Path, options: &ImportOptions) -> Vec<Result<Candidate, (String, String)>> {
    let name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) => return vec![Err((name, format!("không đọc được tệp: {e}")))],
    };
    let stem = path.file_stem().map(|s| s.to_string_lossy().replace(['-', '_'], " ")).unwrap_or_default();
    let ext = path.extension().map(|e| e.to_string_lossy().to_lowercase()).unwrap_or_default();
    let with_source = |mut meta: ImportMeta| {
        meta.source = format!("Nhập từ tệp {name}");
        meta
    };
    if !matches!(ext.as_str(), "jsonl" | "ndjson") {
        return vec![
            file_to_text(&name, &bytes)
                .map(|text| Candidate { label: name.clone(), meta: with_source(meta_for(&text, &stem, options)), text })
                .map_err(|reason| (name.clone(), reason)),
        ];
    }
    let Ok(raw) = std::str::from_utf8(&bytes) else {
        return vec![Err((name, "tệp không phải văn bản UTF-8".into()))];
    };
    raw.trim_start_matches('\u{feff}')
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, line)| {
            let record: JsonRecord = serde_json::from_str(line)
                .map_err(|e| (format!("{name}#{}", i + 1), format!("dòng {}: JSON không hợp lệ ({e})", i + 1)))?;
            let mut meta = with_source(meta_for(&record.text, &record.title, options));
            meta.title = record.title.trim().to_string();
            if let Some(n) = record.number.filter(|n| !n.trim().is_empty()) {
                meta.number = n.trim().to_string();
            }
            if let Some(t) = record.doc_type.as_deref().and_then(type_code) {
                meta.doc_type = t;
            }
            if let Some(d) = record.issued.as_deref().and_then(crate::validate::parse_date) {
                meta.issued_on = Some(d);
            }
            if let (Some(repo), Some(path)) = (&record.source_repo, &record.source_path) {
                meta.source = format!("{repo}, {path}");
            }
            let id = record.id.map(|v| v.to_string().trim_matches('"').to_string()).unwrap_or_else(|| (i + 1).to_string());
            Ok(Candidate { label: format!("{name}#{id}"), meta, text: record.text })
        })
        .collect()
}

/// Files directly in `folder`, sorted by name, that the importer understands.
pub fn importable_files(folder: &Path) -> AppResult<Vec<PathBuf>> {
    let entries = std::fs::read_dir(folder).map_err(|e| AppError::invalid("folder", format!("Không mở được thư mục: {e}")))?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .filter(|p| {
            let ext = p.extension().map(|e| e.to_string_lossy().to_lowercase()).unwrap_or_default();
            matches!(ext.as_str(), "txt" | "md" | "html" | "htm" | "docx" | "jsonl" | "ndjson")
        })
        .collect();
    files.sort();
    Ok(files)
}

/// Imports every document found in `files`, calling `progress(done, total, label)` after each.
pub async fn import_files(
    db: &DatabaseConnection,
    files: &[PathBuf],
    options: &ImportOptions,
    mut progress: impl FnMut(usize, usize, &str),
) -> ImportReport {
    let mut report = ImportReport::default();
    let mut all = Vec::new();
    for path in files {
        for candidate in candidates(path, options) {
            match candidate {
                Ok(c) => all.push(c),
                Err(failure) => report.failed.push(failure),
            }
        }
    }
    let total = all.len();
    for (i, c) in all.into_iter().enumerate() {
        match import_text(db, &c.meta, &c.text).await {
            Ok(Some(_)) => report.added += 1,
            Ok(None) => report.skipped += 1,
            Err(e) => report.failed.push((c.label.clone(), e.to_string())),
        }
        progress(i + 1, total, &c.label);
    }
    report
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_number_date_type_and_title_from_the_letterhead() {
        let head = read_letterhead(include_str!("../../demo-docs/huong-dan-37-HD-BTGDVTW-2025.md"));
        assert_eq!(head.number, "37-HD/BTGDVTW");
        assert_eq!(head.issued_on, NaiveDate::from_ymd_opt(2025, 11, 19));
        assert_eq!(head.doc_type, "huong_dan");
        assert!(head.title.starts_with("Hướng dẫn về việc đổi mới, nâng cao chất lượng"), "{}", head.title);
        let decision = read_letterhead(include_str!("../../demo-docs/quyet-dinh-1147-QD-BTGDVTW-2025.md"));
        assert_eq!(decision.number, "1147-QĐ/BTGDVTW");
        assert_eq!(decision.doc_type, "quyet_dinh");
    }

    #[test]
    fn a_subject_line_in_ordinary_case_completes_the_title() {
        let head = read_letterhead("HUYỆN ỦY PHỤNG HIỆP\nSố 12-HD/HU\nPhụng Hiệp, ngày 10 tháng 3 năm 2025\nHƯỚNG DẪN\nVề việc tổ chức sinh hoạt chuyên đề quý II\nChương I");
        assert_eq!(head.title, "Hướng dẫn về việc tổ chức sinh hoạt chuyên đề quý II");
        assert_eq!((head.number.as_str(), head.doc_type.as_str()), ("12-HD/HU", "huong_dan"));
        assert_eq!(head.issued_on, NaiveDate::from_ymd_opt(2025, 3, 10));
    }

    #[test]
    fn scripts_without_an_end_keep_the_text_after_them() {
        // Many unclosed scripts (the case that once rescanned the rest of the file per tag).
        let page = format!("<p>Đầu</p>{}", "<script>x<p>".repeat(20_000));
        let text = html_to_text(&page);
        let lines: Vec<&str> = text.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
        assert_eq!(lines.len(), 20_001);
        assert!(lines[0] == "Đầu" && lines[1..].iter().all(|l| *l == "x"), "unexpected text");
        let mixed = "<p>Một</p><SCRIPT>a</script><p>Hai</p><script>b<p>Ba</p>";
        let lines: Vec<String> = html_to_text(mixed).lines().map(str::trim).filter(|l| !l.is_empty()).map(String::from).collect();
        assert_eq!(lines, ["Một", "Hai", "b", "Ba"]);
        assert_eq!(html_to_text("a < b"), "a < b");
    }

    #[test]
    fn a_docx_that_unpacks_beyond_the_cap_is_refused_without_unpacking_it_all() {
        use std::io::Write;
        let mut zipped = Vec::new();
        {
            let mut w = zip::ZipWriter::new(std::io::Cursor::new(&mut zipped));
            let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
            w.start_file("word/document.xml", options).unwrap();
            let zeros = vec![b'0'; 1024 * 1024];
            for _ in 0..(MAX_UNPACKED_BYTES / 1024 / 1024 + 10) {
                w.write_all(&zeros).unwrap();
            }
            w.finish().unwrap();
        }
        assert!(zipped.len() < 1024 * 1024, "a small file: {} bytes", zipped.len());
        let err = file_to_text("bom.docx", &zipped).unwrap_err();
        assert_eq!(err, "nội dung tệp .docx khi giải nén vượt quá 50 MB");
    }

    #[test]
    fn html_becomes_lines_of_text() {
        let text = html_to_text("<h1>Chương I</h1><p>Điều 1.&nbsp;Đảng viên &amp; tổ chức</p><script>x()</script><p>Hết</p><style>p{}</style>");
        assert_eq!(text.lines().filter(|l| !l.trim().is_empty()).collect::<Vec<_>>(), ["Chương I", "Điều 1. Đảng viên & tổ chức", "Hết"]);
    }

    #[test]
    fn every_html_entity_is_decoded_as_vietnamese_pages_write_them() {
        // Older Vietnamese pages spell letters as named entities, newer ones as numbers.
        let text = html_to_text("<p>Ch&iacute; B&ocirc; &#7845;p 3 &ndash; quy &#x111;&#7883;nh v&#7873; &agrave; &hellip;&nbsp;&amp;c</p><p>&unknown; stays</p>");
        assert_eq!(
            text.lines().filter(|l| !l.trim().is_empty()).collect::<Vec<_>>(),
            ["Chí Bô ấp 3 – quy định v\u{1ec1} à … &c", "&unknown; stays"]
        );
    }
}
