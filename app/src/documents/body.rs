//! A document's body on the reading page: its sections as HTML, the same for every reader of a
//! version, so the server renders it once per version (`service::SectionCache`) and the page
//! carries it once — as HTML, never again as data for hydration. Each reader's own marks
//! (bookmarks, highlighted passages, notes) are applied to that HTML in the browser.

use super::SectionView;

/// The element holding the body on the reading page (and the reader's tools on it).
pub const BODY_ID: &str = "doc-body";
/// The element inside it whose content is exactly the body's HTML.
pub const TEXT_ID: &str = "doc-text";

/// Heading levels for the kinds a document has, so they descend without gaps (h1 → h2 → h3)
/// whatever its shape: a Charter has chapters and articles, a Hướng dẫn parts and items.
#[derive(Clone, Copy)]
#[cfg_attr(not(feature = "ssr"), allow(dead_code))]
struct HeadingLevels {
    article: u8,
    item: u8,
}

#[cfg_attr(not(feature = "ssr"), allow(dead_code))]
impl HeadingLevels {
    fn of(sections: &[SectionView]) -> HeadingLevels {
        let has = |kinds: &[&str]| sections.iter().any(|s| kinds.contains(&s.kind.as_str()));
        let article = if has(&["part", "chapter", "section"]) { 3 } else { 2 };
        let item = if has(&["article"]) { article + 1 } else { article };
        HeadingLevels { article, item }
    }
}

/// The body's HTML: every section with its heading, paragraphs and the reader's tools. Written
/// out directly (text and attributes escaped by `html-escape`) rather than through the view
/// renderer, whose hydration markers a body that is never hydrated does not need.
#[cfg(feature = "ssr")]
pub fn render(sections: &[SectionView]) -> String {
    let levels = HeadingLevels::of(sections);
    let mut html = String::with_capacity(sections.iter().map(|s| s.body.len() + 240).sum());
    for s in sections {
        section(&mut html, s, levels);
    }
    html
}

/// The heading a section shows, with its level (2–4), if any.
#[cfg_attr(not(feature = "ssr"), allow(dead_code))]
fn title(section: &SectionView, levels: HeadingLevels) -> Option<(u8, String)> {
    match section.kind.as_str() {
        "part" | "chapter" | "section" => Some((
            2,
            if !section.heading.is_empty() && section.heading != section.label {
                format!("{}. {}", section.label, section.heading)
            } else {
                section.label.clone()
            },
        )),
        "article" => Some((
            levels.article,
            format!("{}.{}", section.label, if section.heading.is_empty() { String::new() } else { format!(" {}", section.heading) }),
        )),
        "item" if !section.heading.is_empty() => {
            Some((levels.item, format!("{}. {}", section.label.trim_start_matches("Điểm "), section.heading)))
        }
        _ => None,
    }
}

#[cfg(feature = "ssr")]
fn section(html: &mut String, section: &SectionView, levels: HeadingLevels) {
    use html_escape::{encode_double_quoted_attribute as attr, encode_text as text};
    use std::fmt::Write;

    let prefix = match section.kind.as_str() {
        "clause" => Some(format!("{}. ", section.label.trim_start_matches("Khoản "))),
        "item" if section.heading.is_empty() => Some(format!("{}. ", section.label.trim_start_matches("Điểm "))),
        _ => None,
    };
    let has_text = !section.body.is_empty();
    let bookmarkable = matches!(section.kind.as_str(), "article" | "chapter" | "part" | "section" | "preamble" | "item");
    // Writing to a String cannot fail.
    let _ = write!(
        html,
        r#"<section id="{}" class="doc-section kind-{}" data-section-id="{}">"#,
        attr(&section.anchor),
        attr(&section.kind),
        section.id
    );
    if let Some((level, heading)) = title(section, levels) {
        let level = level.clamp(2, 4);
        let _ = write!(html, "<h{level}>{}</h{level}>", text(&heading));
    }
    for (i, paragraph) in section.body.lines().enumerate() {
        html.push_str("<p>");
        if let Some(lead) = prefix.as_deref().filter(|_| i == 0) {
            let _ = write!(html, r#"<strong class="lead">{}</strong>"#, text(lead));
        }
        html.push_str(&text(paragraph));
        html.push_str("</p>");
    }
    if bookmarkable || has_text {
        html.push_str(r#"<div class="section-tools">"#);
        if bookmarkable {
            html.push_str(r#"<button type="button" class="tool" data-tool="bookmark" aria-pressed="false">☆ Đánh dấu</button>"#);
        }
        if has_text {
            html.push_str(r#"<button type="button" class="tool" data-tool="note">✎ Ghi chú</button>"#);
        }
        html.push_str("</div>");
    }
    html.push_str(r#"<div class="section-marks"></div></section>"#);
}

/// A paragraph with the reader's highlighted passages marked.
pub fn highlighted(paragraph: &str, quotes: &[String]) -> Vec<(String, bool)> {
    let mut parts = vec![(paragraph.to_string(), false)];
    for q in quotes.iter().filter(|q| !q.is_empty()) {
        parts = parts
            .into_iter()
            .flat_map(|(text, marked)| {
                if marked || !text.contains(q.as_str()) {
                    return vec![(text, marked)];
                }
                let mut out = Vec::new();
                let mut rest = text.as_str();
                while let Some(at) = rest.find(q.as_str()) {
                    if at > 0 {
                        out.push((rest[..at].to_string(), false));
                    }
                    out.push((q.clone(), true));
                    rest = &rest[at + q.len()..];
                }
                if !rest.is_empty() {
                    out.push((rest.to_string(), false));
                }
                out
            })
            .collect();
    }
    parts
}

/// A tool button of the body a click or press landed on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tool {
    Bookmark(i64),
    Note(i64),
}

/// What works on the page in the browser: reading the body back, and showing one reader's marks.
#[cfg(not(feature = "ssr"))]
pub mod browser {
    use std::collections::HashMap;

    use leptos::prelude::document;
    use wasm_bindgen::JsCast;
    use web_sys::{Element, Node};

    use super::{BODY_ID, TEXT_ID, Tool, highlighted};
    use crate::documents::NoteView;

    fn body() -> Option<Element> {
        document().get_element_by_id(BODY_ID)
    }

    /// The body's HTML as the server put it in the page (the page's data leaves it out).
    pub fn html_in_page() -> String {
        document().get_element_by_id(TEXT_ID).map(|b| b.inner_html()).unwrap_or_default()
    }

    fn each(parent: &Element, selector: &str, mut f: impl FnMut(Element)) {
        if let Ok(list) = parent.query_selector_all(selector) {
            for i in 0..list.length() {
                if let Some(el) = list.item(i).and_then(|n| n.dyn_into::<Element>().ok()) {
                    f(el);
                }
            }
        }
    }

    fn section_id(el: &Element) -> Option<i64> {
        el.closest("section[data-section-id]").ok().flatten()?.get_attribute("data-section-id")?.parse().ok()
    }

    /// The tool button an event landed on, with its section.
    pub fn tool_of(event: &web_sys::Event) -> Option<Tool> {
        let target: Element = event.target()?.dyn_into().ok()?;
        let button = target.closest("button[data-tool]").ok().flatten()?;
        let id = section_id(&button)?;
        match button.get_attribute("data-tool")?.as_str() {
            "bookmark" => Some(Tool::Bookmark(id)),
            "note" => Some(Tool::Note(id)),
            _ => None,
        }
    }

    /// Shows which sections this reader has bookmarked on their buttons and, with a star, in
    /// the table of contents (found from the body: opened from another page, the reader is
    /// not in the document yet when its marks are first shown).
    pub fn show_bookmarks(body: &Element, bookmarks: &[i64]) {
        // Only the buttons whose state changes are touched: the server's HTML shows none pressed,
        // and rewriting hundreds of buttons on opening would block the phone for nothing.
        each(body, "button[data-tool=bookmark]", |button| {
            let on = section_id(&button).is_some_and(|id| bookmarks.contains(&id));
            let shown = button.get_attribute("aria-pressed").as_deref() == Some("true");
            if on != shown {
                let _ = button.set_attribute("aria-pressed", if on { "true" } else { "false" });
                button.set_text_content(Some(if on { "★ Đã đánh dấu" } else { "☆ Đánh dấu" }));
            }
        });
        let Ok(Some(reader)) = body.closest(".reader") else { return };
        each(&reader, ".toc li[data-section-id]", |entry| {
            let on = entry.get_attribute("data-section-id").and_then(|v| v.parse::<i64>().ok()).is_some_and(|id| bookmarks.contains(&id));
            let star = entry.query_selector(":scope > .star").ok().flatten();
            match (on, star) {
                (true, None) => {
                    if let Ok(star) = document().create_element("span") {
                        star.set_class_name("star");
                        let _ = star.set_attribute("title", "Đã đánh dấu");
                        star.set_text_content(Some(" ★"));
                        let _ = entry.append_child(&star);
                    }
                }
                (false, Some(star)) => star.remove(),
                _ => {}
            }
        });
    }

    /// Marks this reader's highlighted passages (`<mark class="my-highlight">`), first taking away
    /// the marks shown before.
    pub fn show_highlights(body: &Element, notes: &[NoteView]) {
        each(body, "mark.my-highlight", |mark| {
            if let (Some(parent), Some(text)) = (mark.parent_node(), mark.text_content()) {
                let plain = document().create_text_node(&text);
                let _ = parent.replace_child(&plain, &mark);
                parent.normalize();
            }
        });
        let mut quotes: HashMap<i64, Vec<String>> = HashMap::new();
        for n in notes.iter().filter(|n| !n.quote.is_empty()) {
            quotes.entry(n.section_id).or_default().push(n.quote.clone());
        }
        for (id, quotes) in quotes {
            let Ok(Some(section)) = body.query_selector(&format!("section[data-section-id=\"{id}\"]")) else { continue };
            each(&section, ":scope > p", |p| mark_paragraph(&p, &quotes));
        }
    }

    /// Splits the paragraph's text (not its lead number) around the quotes.
    fn mark_paragraph(p: &Element, quotes: &[String]) {
        let nodes = p.child_nodes();
        let texts: Vec<Node> = (0..nodes.length()).filter_map(|i| nodes.item(i)).filter(|n| n.node_type() == Node::TEXT_NODE).collect();
        for node in texts {
            let text = node.text_content().unwrap_or_default();
            let parts = highlighted(&text, quotes);
            if parts.len() == 1 && !parts[0].1 {
                continue;
            }
            let fragment = document().create_document_fragment();
            for (text, marked) in parts {
                let piece: Node = if marked {
                    let Ok(mark) = document().create_element("mark") else { return };
                    mark.set_class_name("my-highlight");
                    mark.set_text_content(Some(&text));
                    mark.into()
                } else {
                    document().create_text_node(&text).into()
                };
                let _ = fragment.append_child(&piece);
            }
            let _ = p.replace_child(&fragment, &node);
        }
    }

    /// Where a section's notes and note form go.
    pub fn marks_slot(body: &Element, section_id: i64) -> Option<Element> {
        body.query_selector(&format!("section[data-section-id=\"{section_id}\"] > .section-marks")).ok().flatten()
    }

    /// Each section's text as the page shows it (paragraphs on lines, without the lead numbers):
    /// what the listener reads aloud.
    pub fn section_texts() -> HashMap<i64, String> {
        let mut out = HashMap::new();
        let Some(body) = body() else { return out };
        each(&body, "section[data-section-id]", |section| {
            let Some(id) = section.get_attribute("data-section-id").and_then(|v| v.parse().ok()) else { return };
            let mut lines = Vec::new();
            each(&section, ":scope > p", |p| {
                let all = p.text_content().unwrap_or_default();
                let lead = p.query_selector("strong.lead").ok().flatten().and_then(|s| s.text_content()).unwrap_or_default();
                lines.push(all.strip_prefix(lead.as_str()).unwrap_or(&all).to_string());
            });
            out.insert(id, lines.join("\n"));
        });
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn highlighted_marks_every_occurrence_once() {
        let parts = highlighted("a b a", &["a".to_string()]);
        assert_eq!(parts, vec![("a".into(), true), (" b ".into(), false), ("a".into(), true)]);
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn the_body_escapes_text_and_carries_each_section_and_its_tools() {
        let sections = vec![
            SectionView { id: 7, kind: "article".into(), anchor: "dieu-1".into(), label: "Điều 1".into(), heading: "Đảng viên".into(), body: "<b>x</b> & y".into(), depth: 0 },
            SectionView { id: 8, kind: "clause".into(), anchor: "dieu-1-khoan-1".into(), label: "Khoản 1".into(), heading: String::new(), body: "Một".into(), depth: 1 },
        ];
        let html = render(&sections);
        assert!(html.contains(r#"<section id="dieu-1" class="doc-section kind-article" data-section-id="7">"#), "{html}");
        assert!(html.contains("<h2>Điều 1. Đảng viên</h2>"), "{html}");
        assert!(html.contains("&lt;b&gt;x&lt;/b&gt; &amp; y"), "{html}");
        assert!(html.contains(r#"<strong class="lead">1. </strong>Một"#), "{html}");
        assert_eq!(html.matches(r#"data-tool="bookmark""#).count(), 1, "{html}");
        assert_eq!(html.matches(r#"data-tool="note""#).count(), 2, "{html}");
        assert_eq!(html.matches(r#"<div class="section-marks">"#).count(), 2, "{html}");
    }
}
