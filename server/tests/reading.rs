//! Proof of reading on real SQLite and PostgreSQL: the rule, idempotent events, scope checks,
//! assignments and the per-unit report.

mod common;

use app::db::entities::reading_event;
use app::error::AppError;
use app::reading::{ProgressEvent, service as reading};
use common::*;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

fn event(tag: &str, n: usize, document_id: i64, section_id: i64, seconds: i32) -> ProgressEvent {
    ProgressEvent { client_id: format!("{tag:0>8}-{n:04x}"), document_id, section_id, seconds }
}

#[tokio::test]
async fn skimming_or_jumping_to_the_end_is_not_reading() {
    on_both(|db| async move {
        let f = fixture(&db).await;
        let member = user(&db, f.member_c1).await;
        let (doc, sections) = reading_document(&db, f.root, true, "Tài liệu sinh hoạt chi bộ tháng 12").await;
        assert_eq!(sections.len(), 11);

        // Jump to the last two articles and stay a long time.
        let jump: Vec<_> = sections[9..].iter().enumerate().map(|(i, s)| event("a", i, doc, *s, 60)).collect();
        let p = reading::record(&db, &member, &jump).await.unwrap();
        assert_eq!((p[0].seen_sections, p[0].total_sections, p[0].completed), (2, 11, false));
        let err = reading::confirm(&db, &member, doc).await.unwrap_err();
        assert!(err.field_message("form").unwrap().starts_with("Đồng chí chưa đọc hết tài liệu: đã xem 2/11 phần"), "{err:?}");

        // Scroll through everything at one second per section: on screen, but too fast to read
        // (only the one-line title counts).
        let skim: Vec<_> = sections.iter().enumerate().map(|(i, s)| event("b", i, doc, *s, 1)).collect();
        let p = reading::record(&db, &member, &skim).await.unwrap();
        assert!(!p[0].completed && p[0].seen_sections == 3, "{p:?}");

        // Then actually reading each remaining article for 6 seconds in all completes it.
        let read: Vec<_> = sections[1..9].iter().enumerate().map(|(i, s)| event("c", i, doc, *s, 5)).collect();
        let p = reading::record(&db, &member, &read).await.unwrap();
        assert!(p[0].completed && !p[0].confirmed, "{p:?}");
        let confirmed = reading::confirm(&db, &member, doc).await.unwrap();
        assert!(confirmed.confirmed);
    })
    .await;
}

#[tokio::test]
async fn replayed_events_never_count_twice_and_belong_to_their_sender() {
    on_both(|db| async move {
        let f = fixture(&db).await;
        let member = user(&db, f.member_c1).await;
        let other = user(&db, f.member_c1_b).await;
        let (doc, sections) = reading_document(&db, f.root, true, "Tài liệu học tập chuyên đề").await;
        let batch: Vec<_> = sections[..3].iter().enumerate().map(|(i, s)| event("d", i, doc, *s, 5)).collect();
        let first = reading::record(&db, &member, &batch).await.unwrap();
        let replay = reading::record(&db, &member, &batch).await.unwrap();
        assert_eq!(first, replay);
        assert_eq!(replay[0].active_seconds, 15);
        // The same ids sent by someone else change nothing for anyone.
        let stolen = reading::record(&db, &other, &batch).await.unwrap();
        assert_eq!(stolen[0].active_seconds, 0);
        assert_eq!(reading::progress_for(&db, f.member_c1, doc).await.unwrap().active_seconds, 15);
        let stored = reading_event::Entity::find().filter(reading_event::Column::DocumentId.eq(doc)).count(&db).await.unwrap();
        assert_eq!(stored, 3);
    })
    .await;
}

#[tokio::test]
async fn progress_is_refused_for_invisible_documents_and_bad_events() {
    on_both(|db| async move {
        let f = fixture(&db).await;
        let bloc_member = user(&db, f.member_e1).await;
        let (doc, sections) = reading_document(&db, f.district_a, false, "Thông báo của Huyện ủy").await;
        sea_orm::EntityTrait::insert(app::db::entities::document_audience::ActiveModel {
            document_id: sea_orm::Set(doc),
            unit_id: sea_orm::Set(f.district_a),
        })
        .exec(&db)
        .await
        .unwrap();
        let err = reading::record(&db, &bloc_member, &[event("e", 1, doc, sections[0], 5)]).await.unwrap_err();
        assert_eq!(err, AppError::Forbidden("Tài liệu này không được phổ biến đến đồng chí.".into()));
        assert_eq!(reading_event::Entity::find().count(&db).await.unwrap(), 0);

        let member = user(&db, f.member_c1).await;
        let (other_doc, other_sections) = reading_document(&db, f.root, true, "Tài liệu khác").await;
        let err = reading::record(&db, &member, &[event("f", 1, doc, other_sections[0], 5)]).await.unwrap_err();
        assert_eq!(err.field_message("events").as_deref(), Some("Phần văn bản không thuộc tài liệu này."));
        let err = reading::record(&db, &member, &[event("f", 2, other_doc, other_sections[0], 3600)]).await.unwrap_err();
        assert!(err.field_message("events").unwrap().contains("1 đến 60 giây"));
        let bad_id = ProgressEvent { client_id: "x'; drop".into(), document_id: other_doc, section_id: other_sections[0], seconds: 5 };
        assert!(reading::record(&db, &member, &[bad_id]).await.is_err());
        assert_eq!(reading_event::Entity::find().count(&db).await.unwrap(), 0, "nothing half-written");
    })
    .await;
}

#[tokio::test]
async fn assignments_reach_the_subtree_and_reports_count_per_unit() {
    on_both(|db| async move {
        let f = fixture(&db).await;
        let committee = user(&db, f.committee).await;
        let secretary = user(&db, f.secretary).await;
        let (doc, sections) = reading_document(&db, f.root, true, "Chỉ thị về học tập nghị quyết").await;
        let due = (chrono::Utc::now().date_naive() + chrono::Duration::days(14)).to_string();

        assert!(matches!(reading::assign(&db, &secretary, doc, f.cell_c1, &due).await, Err(AppError::Forbidden(_))));
        let err = reading::assign(&db, &committee, doc, f.district_a, "2001-01-01").await.unwrap_err();
        assert_eq!(err.field_message("due_on").as_deref(), Some("Hạn đọc không được ở quá khứ."));
        let assignment = reading::assign(&db, &committee, doc, f.district_a, &due).await.unwrap();
        assert!(reading::assign(&db, &committee, doc, f.district_a, &due).await.is_err(), "no duplicate");

        let member = user(&db, f.member_c1).await;
        let mine = reading::required_for(&db, &member).await.unwrap();
        assert_eq!(mine.len(), 1);
        assert_eq!(mine[0].document.id, doc);
        assert!(!mine[0].overdue && !mine[0].progress.completed);
        assert!(reading::required_for(&db, &user(&db, f.member_e1).await).await.unwrap().is_empty());

        // The member reads and confirms; the secretary starts but does not finish.
        let all: Vec<_> = sections.iter().enumerate().map(|(i, s)| event("ab", i, doc, *s, 6)).collect();
        reading::record(&db, &member, &all).await.unwrap();
        reading::confirm(&db, &member, doc).await.unwrap();
        reading::record(&db, &secretary, &[event("ac", 1, doc, sections[0], 5)]).await.unwrap();

        let district = reading::report(&db, &committee, assignment, None).await.unwrap();
        assert_eq!(district.totals.members, 5);
        assert_eq!((district.totals.read, district.totals.reading, district.totals.not_started), (1, 1, 3));
        let commune_x = district.rows.iter().find(|r| r.unit.id == f.commune_x).unwrap();
        assert_eq!((commune_x.counts.members, commune_x.counts.read, commune_x.counts.reading), (4, 1, 1));
        // Drill down to the cell: each member's state, for the cell's own secretary too.
        let cell = reading::report(&db, &secretary, assignment, Some(f.cell_c1)).await.unwrap();
        let states: Vec<(&str, &str)> = cell.members.iter().map(|m| (m.full_name.as_str(), m.state.as_str())).collect();
        assert!(states.contains(&("Phạm Văn Hậu", "read")));
        assert!(states.contains(&("Trần Thị Bích Ngọc", "reading")));
        assert!(states.contains(&("Huỳnh Thị Đào", "not_started")));
        // ...but not another cell's, nor the whole district.
        assert!(matches!(reading::report(&db, &secretary, assignment, Some(f.cell_d1)).await, Err(AppError::Forbidden(_))));
        assert!(matches!(reading::report(&db, &secretary, assignment, None).await, Err(AppError::Forbidden(_))));
    })
    .await;
}

#[tokio::test]
async fn after_the_due_date_the_report_lists_cells_behind_and_exports_to_xlsx() {
    use app::db::entities::assignment;
    use sea_orm::{ActiveModelTrait, Set};
    use std::io::Read;

    on_both(|db| async move {
        let f = fixture(&db).await;
        let committee = user(&db, f.committee).await;
        let (doc, sections) = reading_document(&db, f.root, true, "Kết luận về công tác kiểm tra").await;
        let due = (chrono::Utc::now().date_naive() + chrono::Duration::days(7)).to_string();
        let id = reading::assign(&db, &committee, doc, f.district_a, &due).await.unwrap();
        let member = user(&db, f.member_c1).await;
        let all: Vec<_> = sections.iter().enumerate().map(|(i, s)| event("ba", i, doc, *s, 6)).collect();
        reading::record(&db, &member, &all).await.unwrap();
        reading::confirm(&db, &member, doc).await.unwrap();
        assert!(!reading::report(&db, &committee, id, None).await.unwrap().past_due);

        // Time passes: the due date is now yesterday.
        let row = assignment::Entity::find_by_id(id).one(&db).await.unwrap().unwrap();
        let mut late: assignment::ActiveModel = row.into();
        late.due_on = Set(chrono::Utc::now().date_naive() - chrono::Duration::days(1));
        late.update(&db).await.unwrap();

        let report = reading::report(&db, &committee, id, None).await.unwrap();
        assert!(report.past_due);
        let behind: Vec<(&str, i64, i64)> = report.overdue.iter().map(|o| (o.cell.name.as_str(), o.not_read, o.members)).collect();
        // Cell C1 has three members (one read), C2 and D1 one each: the most behind first.
        assert_eq!(behind, vec![("Chi bộ ấp 1", 2, 3), ("Chi bộ ấp 2", 1, 1), ("Chi bộ ấp Mỹ Lợi", 1, 1)]);
        let mine = reading::required_for(&db, &user(&db, f.member_c1_b).await).await.unwrap();
        assert!(mine[0].overdue);

        let bytes = app::reading::export::report_xlsx(&report).unwrap();
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut read = |name: &str| {
            let mut s = String::new();
            zip.by_name(name).unwrap().read_to_string(&mut s).unwrap();
            s
        };
        let workbook = read("xl/workbook.xml");
        assert!(workbook.contains(r#"<sheet name="Tổng hợp""#) && workbook.contains(r#"<sheet name="Quá hạn""#), "{workbook}");
        let summary = read("xl/worksheets/sheet1.xml");
        assert!(summary.contains("Kết luận về công tác kiểm tra"));
        assert!(summary.contains("<t xml:space=\"preserve\">Tổng cộng</t></is></c><c r=\"B"), "{summary}");
        let overdue = read("xl/worksheets/sheet2.xml");
        assert!(overdue.contains("Chi bộ ấp 1") && overdue.contains("<v>2</v>"));
        assert!(read("[Content_Types].xml").contains("/xl/worksheets/sheet2.xml"));
    })
    .await;
}
