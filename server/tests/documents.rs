//! Document library on real SQLite and PostgreSQL: import keeps structure, search folds
//! diacritics and ranks sensibly, visibility and authoring rights.

use crate::common;


use app::db::entities::document_section;
use app::documents::search::{SearchIndex, Visibility};
use app::documents::service::{self as docs, ImportMeta};
use app::documents::SearchFilters;
use app::error::AppError;
use common::*;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

const DIEU_LE: &str = include_str!("../../app/demo-docs/dieu-le-dang-2011.md");

fn meta(title: &str, doc_type: &str, owner: i64) -> ImportMeta {
    ImportMeta {
        number: String::new(),
        title: title.into(),
        doc_type: doc_type.into(),
        level: "provincial".into(),
        issuer: "Tỉnh ủy Hậu Giang".into(),
        issued_on: Some(date(2024, 3, 1)),
        topics: String::new(),
        owner_unit_id: owner,
        audience_all: true,
        published: true,
        source: "kiểm thử".into(),
    }
}

async fn import(db: &DatabaseConnection, meta: &ImportMeta, text: &str) -> i64 {
    docs::import_text(db, meta, text).await.expect("import").expect("new document")
}

fn query(q: &str) -> SearchFilters {
    SearchFilters { q: q.into(), ..Default::default() }
}

#[tokio::test]
async fn importing_the_party_charter_keeps_chapters_and_articles() {
    on_both(|db| async move {
        let f = fixture(&db).await;
        let id = import(&db, &meta("Điều lệ Đảng Cộng sản Việt Nam", "dieu_le", f.root), DIEU_LE).await;
        let sections = document_section::Entity::find()
            .filter(document_section::Column::DocumentId.eq(id))
            .all(&db)
            .await
            .unwrap();
        let count = |kind: &str| sections.iter().filter(|s| s.kind == kind).count();
        assert_eq!(count("chapter"), 12);
        assert_eq!(count("article"), 48);
        assert!(count("clause") > 100);
        let chapter_ii = sections.iter().find(|s| s.anchor == "chuong-ii").unwrap();
        assert_eq!(chapter_ii.heading, "NGUYÊN TẮC TỔ CHỨC VÀ CƠ CẤU TỔ CHỨC CỦA ĐẢNG");
        let article_9 = sections.iter().find(|s| s.anchor == "dieu-9").unwrap();
        assert_eq!(article_9.parent_id, Some(chapter_ii.id));
        // The same text again is recognised by its checksum and skipped.
        let again = docs::import_text(&db, &meta("Bản trùng", "dieu_le", f.root), DIEU_LE).await.unwrap();
        assert_eq!(again, None);
    })
    .await;
}

#[tokio::test]
async fn search_folds_diacritics_ranks_titles_filters_and_follows_publishing() {
    on_both(|db| async move {
        let f = fixture(&db).await;
        let about = import(
            &db,
            &meta("Hướng dẫn nâng cao chất lượng sinh hoạt chi bộ", "huong_dan", f.root),
            "Điều 1. Mục đích\nBảo đảm nền nếp sinh hoạt chi bộ; nội dung sinh hoạt chi bộ thiết thực.\nĐiều 2. Tổ chức thực hiện\nCác cấp ủy thực hiện nghiêm.",
        )
        .await;
        let mention = import(
            &db,
            &meta("Quy định về công tác văn thư", "quy_dinh", f.root),
            // A passing mention: once, in a regulation about something else.
            "Điều 1. Phạm vi\nQuy định này áp dụng cho văn thư các cơ quan đảng, kể cả biên bản sinh hoạt chi bộ, lưu trữ hồ sơ, công văn đi và đến, con dấu và chữ ký số.\nĐiều 2. Văn bản đi\nVăn bản đi được đăng ký, đóng dấu, gửi đúng nơi nhận trong ngày; bản lưu giữ tại văn thư cơ quan.\nĐiều 3. Văn bản đến\nVăn bản đến được tiếp nhận, vào sổ, trình người có thẩm quyền cho ý kiến xử lý và chuyển đơn vị giải quyết.",
        )
        .await;
        let index = SearchIndex::build(&db).await.unwrap();
        let all = Visibility::everything();

        let hits = index.search(&query("sinh hoat chi bo"), &all, 10).unwrap();
        let order: Vec<i64> = hits.iter().map(|h| h.document_id).collect();
        assert_eq!(order.first(), Some(&about), "a title hit beats a passing mention: {hits:?}");
        assert!(order.contains(&mention), "the passing mention is still found");
        let passage = hits.iter().find(|h| h.document_id == mention).unwrap();
        assert_eq!(passage.anchor, "dieu-1");
        let marked: Vec<&str> = passage.snippet.iter().filter(|p| p.hit).map(|p| p.text.as_str()).collect();
        assert_eq!(marked, ["sinh", "hoạt", "chi", "bộ"]);
        // Typed with diacritics, the same results.
        assert_eq!(index.search(&query("Sinh hoạt chi bộ"), &all, 10).unwrap().len(), hits.len());
        // Filters.
        let only_rules = SearchFilters { doc_type: Some("quy_dinh".into()), ..query("sinh hoat chi bo") };
        let filtered: Vec<i64> = index.search(&only_rules, &all, 10).unwrap().iter().map(|h| h.document_id).collect();
        assert_eq!(filtered, vec![mention]);
        let wrong_year = SearchFilters { year: Some(2019), ..query("sinh hoat chi bo") };
        assert!(index.search(&wrong_year, &all, 10).unwrap().is_empty());
        // Issuing body: part of the name, typed without diacritics.
        let by_issuer = SearchFilters { issuer: Some("tinh uy hau giang".into()), ..query("sinh hoat chi bo") };
        assert_eq!(index.search(&by_issuer, &all, 10).unwrap().len(), hits.len());
        let other_issuer = SearchFilters { issuer: Some("Ban Bí thư".into()), ..query("sinh hoat chi bo") };
        assert!(index.search(&other_issuer, &all, 10).unwrap().is_empty());
        // Not allowed documents never appear.
        let only_about = Visibility::everything().without([mention]);
        assert!(index.search(&query("van thu"), &only_about, 10).unwrap().is_empty());

        // Unpublishing removes the document from results at once; publishing brings it back.
        let admin = user(&db, f.admin).await;
        docs::set_published(&db, &index, &admin, mention, false).await.unwrap();
        assert!(index.search(&query("van thu"), &all, 10).unwrap().is_empty());
        docs::set_published(&db, &index, &admin, mention, true).await.unwrap();
        assert_eq!(index.search(&query("van thu"), &all, 10).unwrap()[0].document_id, mention);
    })
    .await;
}

#[tokio::test]
async fn drafts_and_audiences_limit_who_sees_a_document() {
    on_both(|db| async move {
        let f = fixture(&db).await;
        let index = SearchIndex::build(&db).await.unwrap();
        let member = user(&db, f.member_c1).await;
        let committee = user(&db, f.committee).await;
        let bloc_member = user(&db, f.member_e1).await;

        let draft = import(&db, &ImportMeta { published: false, ..meta("Dự thảo nghị quyết", "nghi_quyet", f.district_a) }, "Điều 1. Nội dung dự thảo.").await;
        assert!(!docs::visible_ids(&db, &member).await.unwrap().contains(&draft));
        assert_eq!(docs::view(&db, &index, &docs::SectionCache::default(), &member, draft).await.unwrap_err(), AppError::NotFound("tài liệu".into()));
        assert!(docs::view(&db, &index, &docs::SectionCache::default(), &committee, draft).await.is_ok(), "the owning committee sees its draft");

        // A document addressed to district A reaches its members, not the bloc's.
        let targeted = import(&db, &ImportMeta { audience_all: false, ..meta("Thông báo của Huyện ủy", "thong_bao", f.district_a) }, "Điều 1. Nội dung thông báo.").await;
        sea_orm::EntityTrait::insert(app::db::entities::document_audience::ActiveModel {
            document_id: sea_orm::Set(targeted),
            unit_id: sea_orm::Set(f.district_a),
        })
        .exec(&db)
        .await
        .unwrap();
        assert!(docs::visible_ids(&db, &member).await.unwrap().contains(&targeted));
        assert!(!docs::visible_ids(&db, &bloc_member).await.unwrap().contains(&targeted));
        assert!(matches!(docs::view(&db, &index, &docs::SectionCache::default(), &bloc_member, targeted).await, Err(AppError::Forbidden(_))));

        // The province's unpublished draft addressed to the district stays hidden from the district.
        let province_draft = import(&db, &ImportMeta { published: false, audience_all: false, ..meta("Dự thảo chỉ thị của Tỉnh ủy", "chi_thi", f.root) }, "Điều 1. Dự thảo gửi huyện.").await;
        sea_orm::EntityTrait::insert(app::db::entities::document_audience::ActiveModel {
            document_id: sea_orm::Set(province_draft),
            unit_id: sea_orm::Set(f.district_a),
        })
        .exec(&db)
        .await
        .unwrap();
        assert!(!docs::visible_ids(&db, &committee).await.unwrap().contains(&province_draft));
        assert!(docs::visible_ids(&db, &user(&db, f.admin).await).await.unwrap().contains(&province_draft));

        // A committee manages only documents owned inside its subtree.
        let provincial = import(&db, &meta("Chỉ thị của Tỉnh ủy", "chi_thi", f.root), "Điều 1. Nội dung chỉ thị.").await;
        assert!(matches!(docs::set_published(&db, &index, &committee, provincial, false).await, Err(AppError::Forbidden(_))));
        assert!(matches!(docs::set_published(&db, &index, &member, draft, true).await, Err(AppError::Forbidden(_))));
        docs::set_published(&db, &index, &committee, draft, true).await.unwrap();
        assert!(docs::visible_ids(&db, &member).await.unwrap().contains(&draft));
        assert_eq!(index.search(&query("du thao"), &docs::visibility(&db, &member).await.unwrap(), 5).unwrap()[0].document_id, draft);
    })
    .await;
}

#[tokio::test]
async fn bulk_import_reads_a_folder_once_and_keeps_structure() {
    use app::documents::import::{ImportOptions, import_files, importable_files};
    let folder = std::env::temp_dir().join(format!("sotay-import-{}", std::process::id()));
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join("dieu-le.md"), DIEU_LE).unwrap();
    std::fs::write(
        folder.join("thong-bao.html"),
        "<html><body><p>Số 12-TB/TU</p><p>Hậu Giang, ngày 05 tháng 3 năm 2024</p><h1>THÔNG BÁO</h1><p>KẾT LUẬN CỦA BAN THƯỜNG VỤ</p><p>Điều 1. Các chi bộ tổ chức học tập.</p></body></html>",
    )
    .unwrap();
    std::fs::write(
        folder.join("lo.jsonl"),
        concat!(
            r#"{"id": 1, "title": "Tài liệu sinh hoạt chi bộ tháng 3", "number": "05-TL/BTG", "type": "Tài liệu sinh hoạt chi bộ", "issued": "2024-03-01", "text": "I. THỜI SỰ\n1. Tin trong tỉnh."}"#,
            "\n",
            r#"{"id": 2, "title": "Hỏng", "text": 5}"#,
            "\n"
        ),
    )
    .unwrap();
    std::fs::write(folder.join("anh.png"), [0u8, 1, 2]).unwrap();

    on_both(|db| {
        let folder = folder.clone();
        async move {
            let f = fixture(&db).await;
            let files = importable_files(&folder).unwrap();
            assert_eq!(files.len(), 3, "the picture is not a document");
            let options = ImportOptions { owner_unit_id: f.root, published: true, level: "provincial".into(), issuer: "Tỉnh ủy Hậu Giang".into() };
            let mut ticks = Vec::new();
            let report = import_files(&db, &files, &options, |done, total, _| ticks.push((done, total))).await;
            assert_eq!(report.added, 3, "{report:?}");
            assert_eq!(report.failed.len(), 1, "the broken JSON line is reported: {report:?}");
            assert!(report.failed[0].1.contains("dòng 2"));
            assert_eq!(ticks.last(), Some(&(3, 3)));

            let again = import_files(&db, &files, &options, |_, _, _| {}).await;
            assert_eq!((again.added, again.skipped), (0, 3));

            let docs = app::db::entities::document::Entity::find().all(&db).await.unwrap();
            let notice = docs.iter().find(|d| d.number == "12-TB/TU").expect("letterhead number from HTML");
            assert_eq!(notice.issued_on, Some(date(2024, 3, 5)));
            assert_eq!(notice.doc_type, "thong_bao");
            assert_eq!(notice.title, "Thông báo kết luận của ban thường vụ");
            let lesson = docs.iter().find(|d| d.number == "05-TL/BTG").unwrap();
            assert_eq!((lesson.doc_type.as_str(), lesson.issued_on), ("sinh_hoat_chi_bo", Some(date(2024, 3, 1))));
            let charter = docs.iter().find(|d| d.doc_type == "dieu_le").unwrap();
            let articles = document_section::Entity::find()
                .filter(document_section::Column::DocumentId.eq(charter.id))
                .filter(document_section::Column::Kind.eq("article"))
                .all(&db)
                .await
                .unwrap();
            assert_eq!(articles.len(), 48);
        }
    })
    .await;
    std::fs::remove_dir_all(&folder).ok();
}
