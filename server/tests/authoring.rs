//! Authoring and the reader's own marks on real SQLite and PostgreSQL: drafts, versions that keep
//! reading progress, audiences, supersede links, .docx import, attachments with checksums,
//! bookmarks, private notes, font size, and the comprehension check.

use crate::common;

use std::collections::HashSet;
use std::io::Write;

use app::db::entities::{document, document_section, quiz_attempt, reading_section};
use app::documents::attachments;
use app::documents::authoring::{self, parse_quiz};
use app::documents::import::{docx_to_text, file_to_text};
use app::documents::search::{SearchIndex, Visibility};
use app::documents::service as docs;
use app::documents::{SearchFilters, marks};
use app::error::AppError;
use app::reading::{Pace, ProgressEvent, quiz, service as reading};
use common::*;
use common::{document_body as body, document_draft as draft};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter};

async fn sections(db: &DatabaseConnection, id: i64) -> Vec<document_section::Model> {
    document_section::Entity::find().filter(document_section::Column::DocumentId.eq(id)).all(db).await.unwrap()
}

fn hits(index: &SearchIndex, q: &str, visible: &Visibility) -> Vec<i64> {
    let mut ids: Vec<i64> = Vec::new();
    for hit in index.search(&SearchFilters { q: q.into(), ..Default::default() }, visible, 10).unwrap() {
        if !ids.contains(&hit.document_id) {
            ids.push(hit.document_id);
        }
    }
    ids
}

#[tokio::test]
async fn a_committee_drafts_publishes_and_edits_with_versions_that_keep_reading_progress() {
    on_both(|db| async move {
        let f = fixture(&db).await;
        let index = SearchIndex::build(&db).await.unwrap();
        let committee = user(&db, f.committee).await;
        let member = user(&db, f.member_c1).await;
        let outsider = user(&db, f.member_d1).await;

        let id = authoring::save(&db, &index, &committee, &draft(f.district_a)).await.unwrap();
        // A draft: the committee sees it, the member does not, not even through search.
        assert!(docs::visible_ids(&db, &committee).await.unwrap().contains(&id));
        assert!(!docs::visible_ids(&db, &member).await.unwrap().contains(&id));
        docs::set_published(&db, &index, &committee, id, true).await.unwrap();
        let member_sees = docs::visible_ids(&db, &member).await.unwrap();
        assert!(member_sees.contains(&id));
        let member_search = docs::visibility(&db, &member).await.unwrap();
        // Addressed to commune X only: commune Y's member never sees it.
        assert!(!docs::visible_ids(&db, &outsider).await.unwrap().contains(&id));
        assert_eq!(hits(&index, "sinh hoat chuyen de", &member_search), vec![id]);
        assert_eq!(hits(&index, "nghiem tuc", &member_search), vec![id]);

        // The reader's page keeps sections per version (one cache across the edits below).
        let cache = docs::SectionCache::default();
        let article_3_text = |v: &app::documents::DocumentView| v.sections.iter().find(|s| s.anchor == "dieu-3").map(|s| s.body.clone());
        let first = docs::view(&db, &index, &cache, &member, id).await.unwrap();
        assert!(!article_3_text(&first).unwrap().contains("báo cáo kết quả sinh hoạt"));
        assert_eq!(docs::view(&db, &index, &cache, &member, id).await.unwrap(), first, "served again from the cache");
        // The reading page gets the text once, as the body's HTML: its sections carry none.
        let page = docs::reader_view(&db, &index, &cache, &member, id).await.unwrap();
        assert_eq!(page.view.sections.len(), first.sections.len());
        assert!(!page.view.sections.is_empty());
        assert!(page.view.sections.iter().all(|s| s.body.is_empty()));
        assert!(page.body_html.contains(r#"<section id="dieu-3""#), "{}", page.body_html);
        assert!(!page.body_html.contains("báo cáo kết quả sinh hoạt"));

        // The member reads article 1.
        let before = sections(&db, id).await;
        let article_1 = before.iter().find(|s| s.anchor == "dieu-1").unwrap().id;
        let article_3 = before.iter().find(|s| s.anchor == "dieu-3").unwrap().id;
        let events = vec![ProgressEvent { client_id: "0000abcd-0001".into(), document_id: id, section_id: article_1, seconds: 30 }];
        reading::record(&db, Pace::default(), &member, &events).await.unwrap();

        // Version 2 rewrites article 3 and drops nothing else.
        let mut edit = draft(f.district_a);
        edit.id = Some(id);
        edit.text = body("Bí thư chi bộ báo cáo kết quả sinh hoạt về Đảng ủy xã hằng tháng.");
        edit.change_note = "Sửa Điều 3".into();
        assert_eq!(authoring::save(&db, &index, &committee, &edit).await.unwrap(), id);
        let after = sections(&db, id).await;
        assert_eq!(after.len(), before.len());
        let edited = docs::view(&db, &index, &cache, &member, id).await.unwrap();
        assert!(article_3_text(&edited).unwrap().contains("báo cáo kết quả sinh hoạt"), "a new version is never served from the old one's entry");
        let page = docs::reader_view(&db, &index, &cache, &member, id).await.unwrap();
        assert!(page.body_html.contains("báo cáo kết quả sinh hoạt"), "the new version's body is rendered anew");
        assert_eq!(after.iter().find(|s| s.anchor == "dieu-1").unwrap().id, article_1, "unchanged article keeps its row");
        assert_eq!(after.iter().find(|s| s.anchor == "dieu-3").unwrap().id, article_3);
        let read = reading_section::Entity::find().filter(reading_section::Column::MemberId.eq(f.member_c1)).count(&db).await.unwrap();
        assert_eq!(read, 1, "time read on article 1 survives the edit");
        // Search follows the edit at once: the new words are found, the old ones are gone.
        assert_eq!(hits(&index, "bao cao ket qua hang thang", &member_search), vec![id]);
        assert!(hits(&index, "nghiem tuc", &member_search).is_empty());
        let versions = authoring::versions_of(&db, id).await.unwrap();
        assert_eq!(versions.iter().map(|v| v.version).collect::<Vec<_>>(), vec![2, 1]);
        assert_eq!(versions[0].change_note, "Sửa Điều 3");
        assert_eq!(versions[0].edited_by, "Lê Hoàng Phúc");
        let editor = authoring::editor(&db, &committee, Some(id)).await.unwrap();
        assert!(editor.draft.text.contains("báo cáo kết quả sinh hoạt"));
        assert_eq!(editor.draft.audience_codes, "PH.01");

        // Removing article 3 removes its section; reading status totals follow.
        let mut shorter = edit.clone();
        shorter.text = body("").split("\nChương II").next().unwrap().to_string();
        authoring::save(&db, &index, &committee, &shorter).await.unwrap();
        let left = sections(&db, id).await;
        assert_eq!(article_3_text(&docs::view(&db, &index, &cache, &member, id).await.unwrap()), None);
        let mut anchors: Vec<&str> = left.iter().map(|s| s.anchor.as_str()).collect();
        anchors.sort_unstable();
        assert_eq!(anchors, ["chuong-i", "dieu-1", "dieu-2", "mo-dau"], "article 3 and chapter II gone, the rest kept");
        assert!(left.iter().all(|s| s.anchor != "dieu-3"));
    })
    .await;
}

#[tokio::test]
async fn editing_is_limited_to_the_committee_subtree_and_bad_input_names_its_field() {
    on_both(|db| async move {
        let f = fixture(&db).await;
        let index = SearchIndex::build(&db).await.unwrap();
        let committee = user(&db, f.committee).await;
        let admin = user(&db, f.admin).await;
        let secretary = user(&db, f.secretary).await;

        // The province's document cannot be edited by the district committee.
        let mut provincial_draft = draft(f.root);
        provincial_draft.text = body("Tỉnh ủy hướng dẫn chung.");
        let provincial = authoring::save(&db, &index, &admin, &provincial_draft).await.unwrap();
        let mut edit = provincial_draft.clone();
        edit.id = Some(provincial);
        assert!(matches!(authoring::save(&db, &index, &committee, &edit).await, Err(AppError::Forbidden(_))));
        // Nor can it claim a root-owned document by changing the owner.
        edit.owner_unit_id = f.district_a;
        assert!(matches!(authoring::save(&db, &index, &committee, &edit).await, Err(AppError::Forbidden(_))));
        // A cell secretary writes no documents.
        assert!(matches!(authoring::editor(&db, &secretary, None).await, Err(AppError::Forbidden(_))));
        assert!(matches!(authoring::save(&db, &index, &secretary, &draft(f.cell_c1)).await, Err(AppError::Forbidden(_))));

        // Every problem at once, each on its field; nothing written.
        let count = document::Entity::find().count(&db).await.unwrap();
        let mut bad = draft(f.district_a);
        bad.title = "   ".into();
        bad.issued_on = "31/02/2025".into();
        bad.audience_codes = "KCQ, XYZ".into();
        bad.text = String::new();
        bad.quiz = "Câu hỏi?\n- Một\n- Hai".into();
        let err = authoring::save(&db, &index, &committee, &bad).await.unwrap_err();
        assert_eq!(err.field_message("title").unwrap(), "Vui lòng nhập tên tài liệu.");
        assert!(err.field_message("issued_on").unwrap().contains("không hợp lệ"));
        assert_eq!(err.field_message("audience_codes").unwrap(), "Đơn vị KCQ không thuộc phạm vi của đơn vị sở hữu tài liệu.");
        assert_eq!(err.field_message("text").unwrap(), "Vui lòng nhập nội dung tài liệu.");
        assert!(err.field_message("quiz").unwrap().contains("đúng một đáp án đúng"));
        assert_eq!(document::Entity::find().count(&db).await.unwrap(), count);

        // The same text twice is refused with the other document's title.
        authoring::save(&db, &index, &committee, &draft(f.district_a)).await.unwrap();
        let err = authoring::save(&db, &index, &committee, &draft(f.district_a)).await.unwrap_err();
        assert!(err.field_message("text").unwrap().starts_with("Nội dung trùng với tài liệu đã có"));
    })
    .await;
}

#[tokio::test]
async fn a_new_document_supersedes_an_old_one_and_both_show_the_link() {
    on_both(|db| async move {
        let f = fixture(&db).await;
        let index = SearchIndex::build(&db).await.unwrap();
        let committee = user(&db, f.committee).await;
        let member = user(&db, f.member_c1).await;
        let old = authoring::save(&db, &index, &committee, &draft(f.district_a)).await.unwrap();
        docs::set_published(&db, &index, &committee, old, true).await.unwrap();

        let mut newer = draft(f.district_a);
        newer.number = "09-HD/HU".into();
        newer.title = "Hướng dẫn sinh hoạt chi bộ ấp (thay thế)".into();
        newer.text = body("Văn bản này thay thế Hướng dẫn 05-HD/HU.");
        newer.supersedes = old.to_string();
        let new_id = authoring::save(&db, &index, &committee, &newer).await.unwrap();
        docs::set_published(&db, &index, &committee, new_id, true).await.unwrap();
        // A third guidance on the same subject, so the related list has something to offer.
        let mut sibling = draft(f.district_a);
        sibling.number = "07-HD/HU".into();
        sibling.title = "Hướng dẫn sinh hoạt chuyên đề của chi bộ ấp".into();
        sibling.text = body("Chi bộ ấp chọn chuyên đề sát với tình hình địa phương.");
        let sibling = authoring::save(&db, &index, &committee, &sibling).await.unwrap();
        docs::set_published(&db, &index, &committee, sibling, true).await.unwrap();

        let old_view = docs::view(&db, &index, &docs::SectionCache::default(), &member, old).await.unwrap();
        assert_eq!(old_view.summary.status, "superseded");
        assert_eq!(old_view.superseded_by.unwrap().id, new_id);
        let new_view = docs::view(&db, &index, &docs::SectionCache::default(), &member, new_id).await.unwrap();
        assert_eq!(new_view.replaces.iter().map(|d| d.id).collect::<Vec<_>>(), vec![old]);
        // The superseding document is not offered again as merely "related"; the sibling is.
        assert_eq!(old_view.related.iter().map(|d| d.id).collect::<Vec<_>>(), vec![sibling]);
        assert!(old_view.related.iter().all(|d| d.id != new_id));
        // The search filter sees the new status at once.
        let visible = docs::visibility(&db, &member).await.unwrap();
        let superseded = SearchFilters { q: "sinh hoat chi bo".into(), status: Some("superseded".into()), ..Default::default() };
        let found = index.search(&superseded, &visible, 10).unwrap();
        assert!(!found.is_empty(), "the superseded document is found under its new status");
        assert!(found.iter().all(|h| h.document_id == old));

        // A document of the province cannot be marked superseded by a district.
        let admin = user(&db, f.admin).await;
        let provincial = authoring::save(&db, &index, &admin, &{
            let mut d = draft(f.root);
            d.text = body("Tỉnh ủy hướng dẫn.");
            d
        })
        .await
        .unwrap();
        let mut grab = draft(f.district_a);
        grab.text = body("Huyện ủy thay thế văn bản của tỉnh.");
        grab.supersedes = provincial.to_string();
        let err = authoring::save(&db, &index, &committee, &grab).await.unwrap_err();
        assert!(err.field_message("supersedes").is_some());
    })
    .await;
}

/// A minimal Word document with the given paragraphs.
fn docx(paragraphs: &[&str]) -> Vec<u8> {
    let body: String = paragraphs
        .iter()
        .map(|p| format!("<w:p><w:r><w:t xml:space=\"preserve\">{}</w:t></w:r></w:p>", p.replace('&', "&amp;")))
        .collect();
    let xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?><w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>{body}</w:body></w:document>"
    );
    let mut out = std::io::Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut out);
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    zip.start_file("[Content_Types].xml", options).unwrap();
    zip.write_all(b"<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>").unwrap();
    zip.start_file("word/document.xml", options).unwrap();
    zip.write_all(xml.as_bytes()).unwrap();
    zip.finish().unwrap();
    out.into_inner()
}

#[tokio::test]
async fn a_word_document_keeps_its_chapters_and_articles() {
    let bytes = docx(&[
        "QUY ĐỊNH",
        "Về chế độ sinh hoạt của chi bộ & đảng viên",
        "Chương I",
        "QUY ĐỊNH CHUNG",
        "Điều 1. Phạm vi điều chỉnh",
        "1. Quy định này áp dụng cho các chi bộ trực thuộc.",
        "Điều 2. Đối tượng áp dụng",
        "Chương II",
        "TỔ CHỨC THỰC HIỆN",
        "Điều 3. Trách nhiệm thi hành",
    ]);
    let text = docx_to_text(&bytes).unwrap();
    assert!(text.contains("chi bộ & đảng viên"), "entities decoded: {text}");
    assert_eq!(file_to_text("quy-dinh.docx", &bytes).unwrap(), text);
    assert!(file_to_text("hong.docx", b"not a zip").unwrap_err().contains("bị hỏng"));
    assert!(file_to_text("anh.exe", b"MZ").unwrap_err().contains("không hỗ trợ"));
    on_both(|db| {
        let text = text.clone();
        async move {
            let f = fixture(&db).await;
            let index = SearchIndex::build(&db).await.unwrap();
            let committee = user(&db, f.committee).await;
            let mut d = draft(f.district_a);
            d.text = text;
            let id = authoring::save(&db, &index, &committee, &d).await.unwrap();
            let s = sections(&db, id).await;
            let anchors: HashSet<&str> = s.iter().map(|x| x.anchor.as_str()).collect();
            for a in ["chuong-i", "chuong-ii", "dieu-1", "dieu-2", "dieu-3"] {
                assert!(anchors.contains(a), "{a} in {anchors:?}");
            }
            let chapter_ii = s.iter().find(|x| x.anchor == "chuong-ii").unwrap();
            assert_eq!(s.iter().find(|x| x.anchor == "dieu-3").unwrap().parent_id, Some(chapter_ii.id));
        }
    })
    .await;
}

#[tokio::test]
async fn attachments_are_stored_by_checksum_served_only_to_readers_and_checked_on_the_way_out() {
    on_both(|db| async move {
        let f = fixture(&db).await;
        let index = SearchIndex::build(&db).await.unwrap();
        let dir = tempdir();
        let committee = user(&db, f.committee).await;
        let member = user(&db, f.member_c1).await;
        let outsider = user(&db, f.member_d1).await;
        let id = authoring::save(&db, &index, &committee, &draft(f.district_a)).await.unwrap();
        docs::set_published(&db, &index, &committee, id, true).await.unwrap();

        let pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n".to_vec();
        let info = attachments::store(&db, &dir, &committee, id, "../../Kế hoạch.pdf", &pdf).await.unwrap();
        assert_eq!(info.file_name, "Kế hoạch.pdf");
        assert_eq!(info.content_type, "application/pdf");
        assert_eq!(info.sha256, app::common::sha256_hex(&pdf));
        assert!(dir.join(&info.sha256[..2]).join(&info.sha256).is_file());
        // The same file twice on one document is a clear conflict.
        assert!(matches!(attachments::store(&db, &dir, &committee, id, "lan2.pdf", &pdf).await, Err(AppError::Conflict(_))));
        // Not a PDF or an image: refused by content, whatever the name says.
        let err = attachments::store(&db, &dir, &committee, id, "virus.pdf", b"MZ\x90\x00").await.unwrap_err();
        assert!(err.field_message("file").unwrap().contains("PDF hoặc ảnh"));
        // Only the document's committee attaches files.
        assert!(matches!(attachments::store(&db, &dir, &member, id, "x.pdf", b"%PDF-1.7 other").await, Err(AppError::Forbidden(_))));

        let (row, bytes) = attachments::open(&db, &dir, &member, info.id).await.unwrap();
        assert_eq!((row.id, bytes), (info.id, pdf.clone()));
        assert!(matches!(attachments::open(&db, &dir, &outsider, info.id).await, Err(AppError::NotFound(_))));
        // A file changed on disk is refused, not served.
        std::fs::write(dir.join(&info.sha256[..2]).join(&info.sha256), b"%PDF-1.4 tampered").unwrap();
        assert!(matches!(attachments::open(&db, &dir, &member, info.id).await, Err(AppError::Conflict(_))));
        attachments::remove(&db, &committee, info.id).await.unwrap();
        assert!(docs::view(&db, &index, &docs::SectionCache::default(), &member, id).await.unwrap().attachments.is_empty());
    })
    .await;
}

fn tempdir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("sotay-files-{}-{}", std::process::id(), rand_suffix()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn rand_suffix() -> u64 {
    use std::time::{SystemTime, UNIX_EPOCH};
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_nanos() as u64
}

#[tokio::test]
async fn bookmarks_notes_and_font_size_belong_to_their_reader_only() {
    on_both(|db| async move {
        let f = fixture(&db).await;
        let index = SearchIndex::build(&db).await.unwrap();
        let committee = user(&db, f.committee).await;
        let member = user(&db, f.member_c1).await;
        let neighbour = user(&db, f.member_c1_b).await;
        let outsider = user(&db, f.member_d1).await;
        let id = authoring::save(&db, &index, &committee, &draft(f.district_a)).await.unwrap();
        docs::set_published(&db, &index, &committee, id, true).await.unwrap();
        let s = sections(&db, id).await;
        let article_2 = s.iter().find(|x| x.anchor == "dieu-2").unwrap();

        // Bookmarks: idempotent, private, and only on documents the reader may see.
        assert!(marks::toggle_bookmark(&db, &member, article_2.id, true).await.unwrap());
        marks::toggle_bookmark(&db, &member, article_2.id, true).await.unwrap();
        let mine = marks::bookmarks(&db, &member, None).await.unwrap();
        assert_eq!(mine.len(), 1);
        assert_eq!((mine[0].anchor.as_str(), mine[0].label.as_str()), ("dieu-2", "Điều 2"));
        assert!(marks::bookmarks(&db, &neighbour, None).await.unwrap().is_empty());
        assert!(matches!(marks::toggle_bookmark(&db, &outsider, article_2.id, true).await, Err(AppError::Forbidden(_))));

        // Notes: the quote must come from the section; resending the same client id edits it.
        let quote = "sinh hoạt chuyên đề ít nhất mỗi quý một lần";
        let note = marks::save_note(&db, &member, "a1b2c3d4-0001", article_2.id, quote, "Nhắc chi bộ lên kế hoạch quý I").await.unwrap();
        let again = marks::save_note(&db, &member, "a1b2c3d4-0001", article_2.id, quote, "Đã lên kế hoạch").await.unwrap();
        assert_eq!(note.id, again.id);
        let listed = marks::notes(&db, &member, id).await.unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!((listed[0].quote.as_str(), listed[0].note.as_str()), (quote, "Đã lên kế hoạch"));
        assert!(marks::notes(&db, &neighbour, id).await.unwrap().is_empty());
        let err = marks::save_note(&db, &member, "a1b2c3d4-0002", article_2.id, "một câu không có trong điều này", "x").await.unwrap_err();
        assert!(err.field_message("quote").is_some());
        // Another member can neither take over the note by its id nor delete it.
        // (The answer is the malformed-id one: it must not tell that someone used the id.)
        let taken = marks::save_note(&db, &neighbour, "a1b2c3d4-0001", article_2.id, "", "chiếm").await.unwrap_err();
        assert_eq!(taken.field_message("client_id").as_deref(), Some(app::common::client_id::REJECTED));
        assert_eq!(marks::notes(&db, &member, id).await.unwrap()[0].note, "Đã lên kế hoạch");
        assert!(matches!(marks::delete_note(&db, &neighbour, note.id).await, Err(AppError::NotFound(_))));
        marks::delete_note(&db, &member, note.id).await.unwrap();
        assert!(marks::notes(&db, &member, id).await.unwrap().is_empty());

        // Font size follows the member to any device, within readable bounds.
        assert_eq!(marks::font_percent(&db, f.member_c1).await.unwrap(), None);
        marks::set_font_percent(&db, &member, 140).await.unwrap();
        marks::set_font_percent(&db, &member, 150).await.unwrap();
        assert_eq!(marks::font_percent(&db, f.member_c1).await.unwrap(), Some(150));
        assert!(marks::set_font_percent(&db, &member, 500).await.unwrap_err().field_message("font").is_some());
    })
    .await;
}

#[tokio::test]
async fn the_comprehension_check_gates_confirmation_and_a_resent_sheet_counts_once() {
    let items = parse_quiz("Chi bộ sinh hoạt thường kỳ bao lâu một lần?\n- Mỗi quý\n* Mỗi tháng\n\nSinh hoạt chuyên đề ít nhất?\n* Mỗi quý một lần\n- Mỗi năm một lần").unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!((items[0].correct, items[1].correct), (1, 0));
    assert!(parse_quiz("- lựa chọn trước câu hỏi").is_err());
    on_both(|db| async move {
        let f = fixture(&db).await;
        let index = SearchIndex::build(&db).await.unwrap();
        // A fast reader's pace, for this test only: the document is read through in seconds.
        let pace = Pace::new(1000);
        let committee = user(&db, f.committee).await;
        let member = user(&db, f.member_c1).await;
        let mut d = draft(f.district_a);
        d.quiz = "Chi bộ sinh hoạt thường kỳ bao lâu một lần?\n- Mỗi quý\n* Mỗi tháng\n\nSinh hoạt chuyên đề ít nhất?\n* Mỗi quý một lần\n- Mỗi năm một lần".into();
        d.quiz_pass_percent = "100".into();
        let id = authoring::save(&db, &index, &committee, &d).await.unwrap();
        docs::set_published(&db, &index, &committee, id, true).await.unwrap();

        // Read everything.
        let events: Vec<ProgressEvent> = sections(&db, id)
            .await
            .iter()
            .enumerate()
            .map(|(k, s)| ProgressEvent { client_id: format!("feed0000-{k:04x}"), document_id: id, section_id: s.id, seconds: 30 })
            .collect();
        let p = reading::record(&db, pace, &member, &events).await.unwrap();
        assert!(p[0].completed);
        let err = reading::confirm(&db, pace, &member, id).await.unwrap_err();
        assert_eq!(err.field_message("form").unwrap(), "Đồng chí cần trả lời đúng ít nhất 100% câu hỏi kiểm tra trước khi xác nhận.");

        // Each viewing is a sheet in its own order; answers are positions in it, found here by
        // the choice's text.
        let pick = |view: &app::reading::QuizView, chosen: [&str; 2]| -> Vec<i32> {
            view.questions
                .iter()
                .map(|q| {
                    let wanted = if q.question.starts_with("Chi bộ") { chosen[0] } else { chosen[1] };
                    q.options.iter().position(|o| o == wanted).unwrap() as i32
                })
                .collect()
        };
        let view = quiz::for_member(&db, &member, id).await.unwrap().unwrap();
        let first = view.questions.iter().find(|q| q.question.starts_with("Chi bộ")).unwrap();
        let mut options = first.options.clone();
        options.sort();
        assert_eq!(options, vec!["Mỗi quý", "Mỗi tháng"]);
        let failed = quiz::submit(&db, &member, "5eed0000-0001", id, &view.sheet, &pick(&view, ["Mỗi quý", "Mỗi quý một lần"])).await.unwrap();
        assert_eq!((failed.correct, failed.total, failed.passed), (1, 2, false));
        let view = quiz::for_member(&db, &member, id).await.unwrap().unwrap();
        assert!(quiz::submit(&db, &member, "5eed0000-0002", id, &view.sheet, &[1]).await.unwrap_err().field_message("answers").is_some());
        let passed = quiz::submit(&db, &member, "5eed0000-0003", id, &view.sheet, &pick(&view, ["Mỗi tháng", "Mỗi quý một lần"])).await.unwrap();
        assert!(passed.passed);
        // The same sheet sent again is the same attempt, even with other answers.
        let resent = quiz::submit(&db, &member, "5eed0000-0003", id, &view.sheet, &pick(&view, ["Mỗi quý", "Mỗi năm một lần"])).await.unwrap();
        assert!(resent.passed);
        let attempts = quiz_attempt::Entity::find().filter(quiz_attempt::Column::MemberId.eq(f.member_c1)).count(&db).await.unwrap();
        assert_eq!(attempts, 2);
        // Someone else cannot replay this member's sheet id.
        let other = user(&db, f.member_c1_b).await;
        let theirs = quiz::for_member(&db, &other, id).await.unwrap().unwrap();
        let replayed = quiz::submit(&db, &other, "5eed0000-0003", id, &theirs.sheet, &pick(&theirs, ["Mỗi tháng", "Mỗi quý một lần"])).await.unwrap_err();
        assert_eq!(replayed.field_message("client_id").as_deref(), Some(app::common::client_id::REJECTED));
        assert!(reading::confirm(&db, pace, &member, id).await.unwrap().confirmed);
    })
    .await;
}
