//! Property tests for everything that parses outside input: whatever bytes or text come in,
//! the parsers answer (a value or a Vietnamese reason) and never panic. Documents, the
//! structure parser, the assistant's normaliser and answers, search queries, the sync
//! endpoint's JSON and spreadsheet fields.

use crate::common;

use std::collections::HashSet;
use std::sync::OnceLock;

use app::documents::import::{docx_to_text, file_to_text, html_to_text, read_letterhead};
use app::documents::search::{SearchIndex, Visibility};
use app::documents::SearchFilters;
use proptest::prelude::*;

/// Text a member or a crawled page could hold: Vietnamese letters with tones, markup, numbers,
/// punctuation, whitespace and control characters, in any order.
fn messy_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("Điều 5. ".to_string()),
        Just("Chương IV\n".to_string()),
        Just("Khoản 2 ".to_string()),
        Just("a) ".to_string()),
        Just("đảng viên có quyền ".to_string()),
        Just("<p>".to_string()),
        Just("</script>".to_string()),
        Just("<script>".to_string()),
        Just("&amp;".to_string()),
        Just("&#x1F600;".to_string()),
        Just("&#99999999;".to_string()),
        Just("Số 37-HD/BTGDVTW ".to_string()),
        Just("ngày 19 tháng 11 năm 2025".to_string()),
        Just("ĐV CB BCH ko dc j ".to_string()),
        Just("2/3 18 1000000000000 ".to_string()),
        "\\PC{0,12}",
        "[\\x00-\\x1f<>&;#]{0,6}",
    ];
    prop::collection::vec(piece, 0..40).prop_map(|parts| parts.concat())
}

/// The demo library's index, built once on a fresh SQLite database.
fn library() -> &'static (SearchIndex, Visibility, HashSet<i64>) {
    static LIBRARY: OnceLock<(SearchIndex, Visibility, HashSet<i64>)> = OnceLock::new();
    LIBRARY.get_or_init(|| {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
        runtime.block_on(async {
            let db = common::sqlite().await;
            let f = common::fixture(&db).await;
            assert_eq!(app::demo::province::seed_documents_if_empty(&db).await.expect("library"), 4);
            let index = SearchIndex::build(&db).await.expect("index");
            let member = common::user(&db, f.member_c1).await;
            let visible = app::documents::service::visible_ids(&db, &member).await.expect("visible");
            let visibility = app::documents::service::visibility(&db, &member).await.expect("visibility");
            assert!(!visible.is_empty());
            // The properties below hold for empty answers too; this one shows the index answers.
            let (answer, hits) = app::assistant::service::answer_from(&index, &visibility, "Đảng viên có những quyền gì?").expect("answer");
            assert!(answer.found && !hits.is_empty() && hits.iter().all(|h| visible.contains(&h.document_id)));
            (index, visibility, visible)
        })
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn importing_any_text_or_html_never_panics(text in messy_text(), ext in prop::sample::select(vec!["txt", "md", "html", "htm", "docx", "pdf", ""])) {
        let _ = file_to_text(&format!("tep.{ext}"), text.as_bytes());
        let cleaned = html_to_text(&text);
        prop_assert!(cleaned.len() <= text.len() * 4 + 16);
        let _ = read_letterhead(&text);
        let sections = app::documents::structure::parse(&text);
        prop_assert!(sections.len() <= text.len() + 1);
    }

    #[test]
    fn any_bytes_as_a_docx_are_refused_or_read(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        // Random bytes are never a Word document: a reason, not a panic.
        prop_assert!(docx_to_text(&bytes).is_err());
        let mut zipped = b"PK\x03\x04".to_vec();
        zipped.extend(&bytes);
        prop_assert!(docx_to_text(&zipped).is_err());
    }

    #[test]
    fn any_question_is_normalised_searched_and_answered(question in messy_text()) {
        let query = app::assistant::normalize::normalize(&question);
        prop_assert_eq!(query.syllables.len(), query.stop.len());
        let (index, visibility, visible) = library();
        let (answer, hits) = app::assistant::service::answer_from(index, visibility, &question).expect("answer");
        prop_assert!(hits.iter().all(|h| visible.contains(&h.document_id)));
        // Every quoted sentence cites a passage the answer lists; no answer, no sentences.
        for sentence in &answer.sentences {
            prop_assert!(answer.citations.iter().any(|c| c.n == sentence.citation));
        }
        prop_assert!(answer.found || answer.sentences.is_empty());
        let filters = SearchFilters { q: question.chars().take(200).collect(), ..Default::default() };
        let found = index.search(&filters, visibility, 10).expect("search");
        prop_assert!(found.len() <= 10);
        prop_assert!(found.iter().all(|h| visible.contains(&h.document_id)));
    }

    #[test]
    fn any_json_to_the_sync_endpoint_is_refused_or_read(json in "\\PC{0,300}", write in messy_text()) {
        let _ = serde_json::from_str::<app::offline::SyncRequest>(&json);
        let shaped = format!(r#"{{"writes":[{{"client_id":{write:?},"member_id":1,"label":"x","write":{{"ReadingConfirm":{{"document_id":1}}}}}}]}}"#);
        let _ = serde_json::from_str::<app::offline::SyncRequest>(&shaped);
    }

    #[test]
    fn any_spreadsheet_field_is_one_csv_field(text in messy_text()) {
        let field = app::spreadsheet::field(&text);
        let unquoted = field.strip_prefix('"').and_then(|f| f.strip_suffix('"')).map(|f| f.replace("\"\"", "\""));
        let value = unquoted.unwrap_or(field.clone());
        prop_assert!(!value.starts_with(['=', '+', '@', '\t', '\r']));
        let neutralised = format!("'{}", text);
        prop_assert!(value == text || value == neutralised);
    }
}
