//! Proof of reading on real SQLite and PostgreSQL: the rule, idempotent events, scope checks,
//! assignments and the per-unit report.

use crate::common;

use app::db::entities::{document, quiz_attempt, quiz_question, reading_clock, reading_event, reading_section};
use app::error::AppError;
use app::reading::{FIRST_CREDIT_SECONDS, Pace, ProgressEvent, QuizView, SECTIONS_AT_ONCE, quiz, service as reading};
use common::*;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Set};

fn event(tag: &str, n: usize, document_id: i64, section_id: i64, seconds: i32) -> ProgressEvent {
    ProgressEvent { client_id: format!("{tag:0>8}-{n:04x}"), document_id, section_id, seconds }
}

/// Real time passing between two sends, without sleeping: the member's reading clock on the
/// document (how far the real time already credited reaches) is moved back.
async fn time_passes(db: &DatabaseConnection, member_id: i64, document_id: i64, seconds: i64) {
    let clock = reading_clock::Entity::find_by_id((member_id, document_id)).one(db).await.unwrap().expect("a clock after the first send");
    let until = clock.credited_until - chrono::Duration::seconds(seconds);
    let mut earlier: reading_clock::ActiveModel = clock.into();
    earlier.credited_until = Set(until);
    earlier.update(db).await.unwrap();
}

async fn credited_until(db: &DatabaseConnection, member_id: i64, document_id: i64) -> chrono::DateTime<chrono::Utc> {
    reading_clock::Entity::find_by_id((member_id, document_id)).one(db).await.unwrap().unwrap().credited_until
}

/// (claimed, credited) seconds of the events stored for a member on a document.
async fn stored_seconds(db: &DatabaseConnection, member_id: i64, document_id: i64) -> (i64, i64) {
    reading_event::Entity::find()
        .filter(reading_event::Column::MemberId.eq(member_id))
        .filter(reading_event::Column::DocumentId.eq(document_id))
        .all(db)
        .await
        .unwrap()
        .iter()
        .fold((0, 0), |(claimed, credited), e| (claimed + i64::from(e.seconds), credited + i64::from(e.credited)))
}

/// A long document: a title line and ten articles of 300 words, each needing 37.5 s on screen
/// at 8 words per second (375 s in all).
async fn long_document(db: &DatabaseConnection, title: &str, owner: i64) -> (i64, Vec<i64>) {
    published_document(db, owner, true, title, 149).await
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
        let p = reading::record(&db, Pace::default(), &member, &jump).await.unwrap();
        assert_eq!((p[0].seen_sections, p[0].total_sections, p[0].completed), (2, 11, false));
        let err = reading::confirm(&db, Pace::default(), &member, doc).await.unwrap_err();
        assert!(err.field_message("form").unwrap().starts_with("Đồng chí chưa đọc hết tài liệu: đã xem 2/11 phần"), "{err:?}");

        // Scroll through everything at one second per section: on screen, but too fast to read
        // (only the one-line title counts).
        // (Each send is credited only as far as real time passed since the last: let it pass.)
        time_passes(&db, f.member_c1, doc, 11).await;
        let skim: Vec<_> = sections.iter().enumerate().map(|(i, s)| event("b", i, doc, *s, 1)).collect();
        let p = reading::record(&db, Pace::default(), &member, &skim).await.unwrap();
        assert!(!p[0].completed && p[0].seen_sections == 3, "{p:?}");

        // Then actually reading each remaining article for 6 seconds in all completes it.
        time_passes(&db, f.member_c1, doc, 40).await;
        let read: Vec<_> = sections[1..9].iter().enumerate().map(|(i, s)| event("c", i, doc, *s, 5)).collect();
        let p = reading::record(&db, Pace::default(), &member, &read).await.unwrap();
        assert!(p[0].completed && !p[0].confirmed, "{p:?}");
        let confirmed = reading::confirm(&db, Pace::default(), &member, doc).await.unwrap();
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
        let first = reading::record(&db, Pace::default(), &member, &batch).await.unwrap();
        let replay = reading::record(&db, Pace::default(), &member, &batch).await.unwrap();
        assert_eq!(first, replay);
        assert_eq!(replay[0].active_seconds, 15);
        // The same ids sent by someone else change nothing for anyone.
        let stolen = reading::record(&db, Pace::default(), &other, &batch).await.unwrap();
        assert_eq!(stolen[0].active_seconds, 0);
        assert_eq!(reading::progress_for(&db, Pace::default(), f.member_c1, doc).await.unwrap().active_seconds, 15);
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
        let err = reading::record(&db, Pace::default(), &bloc_member, &[event("e", 1, doc, sections[0], 5)]).await.unwrap_err();
        assert_eq!(err, AppError::Forbidden("Tài liệu này không được phổ biến đến đồng chí.".into()));
        assert_eq!(reading_event::Entity::find().count(&db).await.unwrap(), 0);

        let member = user(&db, f.member_c1).await;
        let (other_doc, other_sections) = reading_document(&db, f.root, true, "Tài liệu khác").await;
        let err = reading::record(&db, Pace::default(), &member, &[event("f", 1, doc, other_sections[0], 5)]).await.unwrap_err();
        assert_eq!(err.field_message("events").as_deref(), Some("Phần văn bản không thuộc tài liệu này."));
        let err = reading::record(&db, Pace::default(), &member, &[event("f", 2, other_doc, other_sections[0], 3600)]).await.unwrap_err();
        assert!(err.field_message("events").unwrap().contains("1 đến 60 giây"));
        let bad_id = ProgressEvent { client_id: "x'; drop".into(), document_id: other_doc, section_id: other_sections[0], seconds: 5 };
        assert!(reading::record(&db, Pace::default(), &member, &[bad_id]).await.is_err());
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
        let mine = reading::required_for(&db, Pace::default(), &member).await.unwrap();
        assert_eq!(mine.len(), 1);
        assert_eq!(mine[0].document.id, doc);
        assert!(!mine[0].overdue && !mine[0].progress.completed);
        assert!(reading::required_for(&db, Pace::default(), &user(&db, f.member_e1).await).await.unwrap().is_empty());

        // The member reads and confirms; the secretary starts but does not finish.
        let all: Vec<_> = sections.iter().enumerate().map(|(i, s)| event("ab", i, doc, *s, 6)).collect();
        reading::record(&db, Pace::default(), &member, &all).await.unwrap();
        reading::confirm(&db, Pace::default(), &member, doc).await.unwrap();
        reading::record(&db, Pace::default(), &secretary, &[event("ac", 1, doc, sections[0], 5)]).await.unwrap();

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
        // ...but not another cell's, nor the whole district: without a unit named, the
        // secretary's own part of the campaign opens.
        assert!(matches!(reading::report(&db, &secretary, assignment, Some(f.cell_d1)).await, Err(AppError::Forbidden(_))));
        assert!(matches!(reading::report(&db, &secretary, assignment, Some(f.district_a)).await, Err(AppError::Forbidden(_))));
        let own = reading::report(&db, &secretary, assignment, None).await.unwrap();
        assert_eq!((own.unit.id, own.totals.members), (f.cell_c1, 3));
    })
    .await;
}

#[tokio::test]
async fn a_province_wide_campaign_opens_on_the_viewers_own_part() {
    on_both(|db| async move {
        let f = fixture(&db).await;
        let (doc, _) = reading_document(&db, f.root, true, "Nghị quyết Đại hội đại biểu toàn quốc lần thứ XIV").await;
        let due = (chrono::Utc::now().date_naive() + chrono::Duration::days(30)).to_string();
        let campaign = reading::assign(&db, &user(&db, f.admin).await, doc, f.root, &due).await.unwrap();
        // The district committee member sees the district, not a refusal.
        let district = reading::report(&db, &user(&db, f.committee).await, campaign, None).await.unwrap();
        assert_eq!((district.unit.id, district.totals.members), (f.district_a, 5));
        // The province's administrator sees the whole province; a plain member nothing.
        assert_eq!(reading::report(&db, &user(&db, f.admin).await, campaign, None).await.unwrap().unit.id, f.root);
        assert!(matches!(reading::report(&db, &user(&db, f.member_c1).await, campaign, None).await, Err(AppError::Forbidden(_))));
    })
    .await;
}

#[tokio::test]
async fn after_the_due_date_the_report_lists_cells_behind_and_exports_to_xlsx() {
    use app::db::entities::assignment;
    use sea_orm::{ActiveModelTrait, Set};

    on_both(|db| async move {
        let f = fixture(&db).await;
        let committee = user(&db, f.committee).await;
        let (doc, sections) = reading_document(&db, f.root, true, "Kết luận về công tác kiểm tra").await;
        let due = (chrono::Utc::now().date_naive() + chrono::Duration::days(7)).to_string();
        let id = reading::assign(&db, &committee, doc, f.district_a, &due).await.unwrap();
        let member = user(&db, f.member_c1).await;
        let all: Vec<_> = sections.iter().enumerate().map(|(i, s)| event("ba", i, doc, *s, 6)).collect();
        reading::record(&db, Pace::default(), &member, &all).await.unwrap();
        reading::confirm(&db, Pace::default(), &member, doc).await.unwrap();
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
        let mine = reading::required_for(&db, Pace::default(), &user(&db, f.member_c1_b).await).await.unwrap();
        assert!(mine[0].overdue);

        // Read back as any spreadsheet program would (calamine): one sheet per table.
        use calamine::Reader;
        let bytes = app::spreadsheet::workbook(&app::reading::export::sheets(&report)).unwrap();
        let mut book: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
        assert_eq!(book.sheet_names(), ["Tổng hợp", "Quá hạn"]);
        let rows = |range: calamine::Range<calamine::Data>| -> Vec<Vec<String>> { range.rows().map(|r| r.iter().map(|c| c.to_string()).collect()).collect() };
        let summary = rows(book.worksheet_range("Tổng hợp").unwrap());
        assert!(summary.iter().flatten().any(|c| c.contains("Kết luận về công tác kiểm tra")), "{summary:?}");
        let total = summary.iter().find(|r| r[0] == "Tổng cộng").expect("a total row");
        assert!(total.len() > 1 && total[1].parse::<f64>().is_ok(), "the total is a number: {total:?}");
        let overdue = book.worksheet_range("Quá hạn").unwrap();
        let cell_c1 = overdue.rows().find(|r| r[0].to_string() == "Chi bộ ấp 1").expect("cell C1 is behind");
        assert!(cell_c1.contains(&calamine::Data::Float(2.0)), "two members not read, as a number: {cell_c1:?}");
    })
    .await;
}

#[tokio::test]
async fn a_scripted_batch_is_credited_no_more_than_the_time_that_really_passed() {
    on_both(|db| async move {
        let f = fixture(&db).await;
        let member = user(&db, f.member_c1).await;
        let (doc, sections) = long_document(&db, "Nghị quyết Hội nghị Trung ương", f.root).await;
        let before = reading::progress_for(&db, Pace::default(), f.member_c1, doc).await.unwrap();
        assert_eq!(before.required_seconds, 375, "{before:?}");

        // One call claiming 200 minutes of reading, spread over every section, on a document
        // the member never read before: only the first allowance of real time counts.
        let script: Vec<_> = (0..200).map(|i| event("5c", i, doc, sections[i % sections.len()], 60)).collect();
        let p = reading::record(&db, Pace::default(), &member, &script).await.unwrap();
        assert!(p[0].active_seconds <= FIRST_CREDIT_SECONDS * SECTIONS_AT_ONCE, "{p:?}");
        assert!(p[0].active_seconds > 0, "{p:?}");
        // Only the one-line title was on screen long enough; no article, nor the time in all.
        assert!(!p[0].completed && p[0].seen_sections == 1, "{p:?}");
        let per_section = reading_section::Entity::find().filter(reading_section::Column::DocumentId.eq(doc)).all(&db).await.unwrap();
        assert!(!per_section.is_empty(), "some seconds were credited");
        assert!(per_section.iter().all(|r| i64::from(r.seconds) <= FIRST_CREDIT_SECONDS), "{per_section:?}");
        // Every event is received (the device stops sending it); the excess is kept, not counted.
        assert_eq!(reading_event::Entity::find().filter(reading_event::Column::DocumentId.eq(doc)).count(&db).await.unwrap(), 200);
        assert_eq!(stored_seconds(&db, f.member_c1, doc).await, (12_000, p[0].active_seconds));
        // Nothing to confirm, and the report does not count the member as having read it.
        let err = reading::confirm(&db, Pace::default(), &member, doc).await.unwrap_err();
        assert!(err.field_message("form").unwrap().starts_with("Đồng chí chưa đọc hết tài liệu"), "{err:?}");
        assert!(!reading::progress_for(&db, Pace::default(), f.member_c1, doc).await.unwrap().confirmed);

        // The same right away under new ids: no real time has passed (a few seconds at most while
        // the test runs), so next to nothing more counts of the 12 000 s claimed.
        let again: Vec<_> = (0..200).map(|i| event("5d", i, doc, sections[i % sections.len()], 60)).collect();
        let p2 = reading::record(&db, Pace::default(), &member, &again).await.unwrap();
        assert!(p2[0].active_seconds < p[0].active_seconds + FIRST_CREDIT_SECONDS, "{p2:?}");
        assert!(!p2[0].completed);
        // The clock never runs ahead of the present.
        assert!(credited_until(&db, f.member_c1, doc).await <= chrono::Utc::now());
    })
    .await;
}

#[tokio::test]
async fn honest_reading_over_real_time_is_credited_in_full_even_when_it_arrives_at_once() {
    on_both(|db| async move {
        let f = fixture(&db).await;
        let (doc, sections) = long_document(&db, "Hướng dẫn học tập chuyên đề năm 2026", f.root).await;
        // Ten minutes of reading queued on the device: each section a minute, sent as the
        // device's queue sends it (one write per minute read), all at once.
        let minutes = |tag: &'static str| -> Vec<Vec<ProgressEvent>> {
            sections[1..].iter().enumerate().map(|(i, s)| vec![event(tag, i, doc, *s, 60)]).collect()
        };

        let member = user(&db, f.member_c1).await;
        // The member opened the document online first: a tall screen, four sections at once for
        // five seconds (the tracker counts each of them; that is not cut).
        let first: Vec<_> = sections[..4].iter().enumerate().map(|(i, s)| event("e0", i, doc, *s, 5)).collect();
        assert_eq!(reading::record(&db, Pace::default(), &member, &first).await.unwrap()[0].active_seconds, 20);
        // A minute later, still the same screen of four for that minute: four minutes of
        // section time in one minute of real time, credited.
        time_passes(&db, f.member_c1, doc, 60).await;
        let screen: Vec<_> = sections[..4].iter().enumerate().map(|(i, s)| event("e1", i, doc, *s, 60)).collect();
        assert_eq!(reading::record(&db, Pace::default(), &member, &screen).await.unwrap()[0].active_seconds, 260);
        // Then an hour offline; the queue arrives at once when the connection is back.
        time_passes(&db, f.member_c1, doc, 3600).await;
        let mut last = None;
        for send in minutes("e2") {
            last = reading::record(&db, Pace::default(), &member, &send).await.unwrap().pop();
        }
        let p = last.unwrap();
        assert_eq!(p.active_seconds, 260 + 600, "{p:?}");
        assert!(p.completed && p.seen_sections == 11, "{p:?}");
        assert!(reading::confirm(&db, Pace::default(), &member, doc).await.unwrap().confirmed);
        assert_eq!(stored_seconds(&db, f.member_c1, doc).await, (860, 860));
        assert!(credited_until(&db, f.member_c1, doc).await <= chrono::Utc::now());

        // The same queue from someone for whom no such time passed: the first allowance only.
        let hurried = user(&db, f.member_c1_b).await;
        let mut last = None;
        for send in minutes("e3") {
            last = reading::record(&db, Pace::default(), &hurried, &send).await.unwrap().pop();
        }
        let p = last.unwrap();
        assert!(p.active_seconds < 2 * FIRST_CREDIT_SECONDS && !p.completed, "{p:?}");

        // A document read for the very first time offline: the phone fetched it (the page was
        // served), an hour passed, and the queue arrives. The clock started when it was served.
        let offline_reader = user(&db, f.member_d1).await;
        reading::document_received(&db, f.member_d1, doc).await.expect("fetched to keep");
        time_passes(&db, f.member_d1, doc, 3600).await;
        let mut last = None;
        for send in minutes("e4") {
            last = reading::record(&db, Pace::default(), &offline_reader, &send).await.unwrap().pop();
        }
        assert_eq!(last.unwrap().active_seconds, 600, "an hour's reading done offline is credited");
    })
    .await;
}

#[tokio::test]
async fn a_replay_credits_nothing_twice_even_when_time_has_passed_since() {
    on_both(|db| async move {
        let f = fixture(&db).await;
        let member = user(&db, f.member_c1).await;
        let (doc, sections) = long_document(&db, "Chỉ thị về công tác phát triển đảng viên", f.root).await;
        // Five sections a minute each at once, for a first send: more than the first allowance
        // (at most four sections' worth): the sections claiming most are cut to fit.
        let batch: Vec<_> = sections[..5].iter().enumerate().map(|(i, s)| event("f1", i, doc, *s, 60)).collect();
        let first = reading::record(&db, Pace::default(), &member, &batch).await.unwrap();
        let credited = first[0].active_seconds;
        assert_eq!(credited, FIRST_CREDIT_SECONDS * SECTIONS_AT_ONCE, "{first:?}");
        assert_eq!(stored_seconds(&db, f.member_c1, doc).await, (300, credited));
        let clock = credited_until(&db, f.member_c1, doc).await;

        // An hour later the device sends the same batch again (it never saw the answer): the
        // time would allow it now, but these events were received already.
        time_passes(&db, f.member_c1, doc, 3600).await;
        let clock = clock - chrono::Duration::seconds(3600);
        let replay = reading::record(&db, Pace::default(), &member, &batch).await.unwrap();
        assert_eq!(replay[0].active_seconds, credited);
        assert_eq!(stored_seconds(&db, f.member_c1, doc).await, (300, credited));
        assert_eq!(reading_event::Entity::find().filter(reading_event::Column::DocumentId.eq(doc)).count(&db).await.unwrap(), 5);
        // ...and the hour is still there for reading not yet credited.
        assert_eq!(credited_until(&db, f.member_c1, doc).await, clock);
        // The same id twice in one send counts once.
        let twice = vec![event("f2", 1, doc, sections[6], 30), event("f2", 1, doc, sections[6], 30)];
        assert_eq!(reading::record(&db, Pace::default(), &member, &twice).await.unwrap()[0].active_seconds, credited + 30);
    })
    .await;
}

/// (question, choices, the right one).
const CHECK: [(&str, [&str; 4], i32); 3] = [
    ("Chi bộ sinh hoạt thường kỳ bao lâu một lần?", ["Mỗi tuần", "Mỗi tháng", "Mỗi quý", "Mỗi năm"], 1),
    ("Sinh hoạt chuyên đề ít nhất bao lâu một lần?", ["Mỗi quý một lần", "Mỗi năm một lần", "Mỗi tháng hai lần", "Khi cần"], 0),
    ("Ai chủ trì sinh hoạt chi bộ?", ["Đảng viên lớn tuổi nhất", "Chủ tịch xã", "Bí thư chi bộ", "Trưởng ấp"], 2),
];

async fn add_check(db: &DatabaseConnection, document_id: i64, pass_percent: i32) {
    let doc = document::Entity::find_by_id(document_id).one(db).await.unwrap().unwrap();
    let mut with_check: document::ActiveModel = doc.into();
    with_check.quiz_pass_percent = Set(Some(pass_percent));
    with_check.update(db).await.unwrap();
    for (n, (question, choices, right)) in CHECK.iter().enumerate() {
        quiz_question::ActiveModel {
            document_id: Set(document_id),
            ordinal: Set(n as i32),
            question: Set(question.to_string()),
            options: Set(choices.join("\n")),
            correct: Set(*right),
            ..Default::default()
        }
        .insert(db)
        .await
        .unwrap();
    }
}

/// Positions in a served sheet: the right choice for the first `right` questions (in the order
/// they were authored), a wrong one for the rest.
fn answers(view: &QuizView, right: usize) -> Vec<i32> {
    view.questions
        .iter()
        .map(|q| {
            let (n, (_, choices, correct)) = CHECK.iter().enumerate().find(|(_, (text, _, _))| *text == q.question).unwrap();
            let wanted = if n < right { choices[*correct as usize] } else { choices[(*correct as usize + 1) % 4] };
            q.options.iter().position(|o| o == wanted).unwrap() as i32
        })
        .collect()
}

fn layout(view: &QuizView) -> Vec<(String, Vec<String>)> {
    view.questions.iter().map(|q| (q.question.clone(), q.options.clone())).collect()
}

#[tokio::test]
async fn the_check_is_served_shuffled_never_with_its_answers_and_graded_by_the_order_served() {
    on_both(|db| async move {
        let f = fixture(&db).await;
        let member = user(&db, f.member_c1).await;
        let (doc, _) = reading_document(&db, f.root, true, "Quy định về sinh hoạt chi bộ").await;
        add_check(&db, doc, 100).await;

        let first = quiz::for_member(&db, &member, doc).await.unwrap().unwrap();
        // What the browser gets: the questions and choices as text, nothing that marks the right
        // one, and a sheet id.
        let json = serde_json::to_value(&first).unwrap();
        let mut keys: Vec<&str> = json.as_object().unwrap().keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(keys, ["attempts_left", "document_id", "last", "locked", "pass_percent", "passed", "questions", "sheet"]);
        assert!(!json["questions"].as_array().unwrap().is_empty());
        for q in json["questions"].as_array().unwrap() {
            let mut keys: Vec<&str> = q.as_object().unwrap().keys().map(String::as_str).collect();
            keys.sort_unstable();
            assert_eq!(keys, ["id", "options", "question"]);
            assert!(q["options"].as_array().unwrap().len() >= 2);
            assert!(q["options"].as_array().unwrap().iter().all(|o| o.is_string()));
        }
        assert!(!json.to_string().contains("correct"), "{json}");
        for q in &first.questions {
            let (_, choices, _) = CHECK.iter().find(|(text, _, _)| *text == q.question).unwrap();
            let mut served = q.options.clone();
            served.sort();
            let mut authored: Vec<String> = choices.iter().map(|c| c.to_string()).collect();
            authored.sort();
            assert_eq!(served, authored);
        }
        assert_eq!(first.questions.len(), 3);
        assert!(!first.sheet.is_empty() && first.attempts_left == 3 && first.locked.is_none());

        // Another viewing is another order, and the right answers sit elsewhere.
        let mut second = quiz::for_member(&db, &member, doc).await.unwrap().unwrap();
        for _ in 0..40 {
            if answers(&second, 3) != answers(&first, 3) {
                break;
            }
            second = quiz::for_member(&db, &member, doc).await.unwrap().unwrap();
        }
        assert_ne!(answers(&second, 3), answers(&first, 3), "{:?} / {:?}", layout(&first), layout(&second));
        assert_ne!(first.sheet, second.sheet);

        // Each sheet is graded in its own order: two right of three on the first (the score
        // only), all right on the second.
        let failed = quiz::submit(&db, &member, "00c0ffee-0001", doc, &first.sheet, &answers(&first, 2)).await.unwrap();
        assert_eq!((failed.correct, failed.total, failed.passed, failed.attempts_left), (2, 3, false, 2));
        let result = serde_json::to_value(&failed).unwrap();
        let mut keys: Vec<&str> = result.as_object().unwrap().keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(keys, ["attempts_left", "correct", "pass_percent", "passed", "total"]);
        // The positions right on the second sheet are not what the first sheet called right.
        let on_first = quiz::submit(&db, &member, "00c0ffee-0002", doc, &second.sheet, &answers(&first, 3)).await.unwrap();
        assert!(!on_first.passed, "{on_first:?}");
        // A sheet is used once.
        let err = quiz::submit(&db, &member, "00c0ffee-0003", doc, &first.sheet, &answers(&first, 3)).await.unwrap_err();
        assert!(err.field_message("sheet").is_some(), "{err:?}");
        let third = quiz::for_member(&db, &member, doc).await.unwrap().unwrap();
        assert_eq!((third.last, third.attempts_left), (Some((on_first.correct, 3)), 1));
        let passed = quiz::submit(&db, &member, "00c0ffee-0004", doc, &third.sheet, &answers(&third, 3)).await.unwrap();
        assert_eq!((passed.correct, passed.total, passed.passed), (3, 3, true));
        // The attempt is on record as graded, with the authored choices chosen.
        let row = quiz_attempt::Entity::find().filter(quiz_attempt::Column::ClientId.eq("00c0ffee-0004")).one(&db).await.unwrap().unwrap();
        assert!(row.passed && row.number == Some(3) && row.day == Some(app::common::time::today()), "{row:?}");
        let ids: Vec<i64> = quiz_question::Entity::find()
            .filter(quiz_question::Column::DocumentId.eq(doc))
            .order_by_asc(quiz_question::Column::Ordinal)
            .all(&db)
            .await
            .unwrap()
            .iter()
            .map(|q| q.id)
            .collect();
        let mut graded: Vec<String> = row.answers.unwrap().split(',').map(str::to_string).collect();
        graded.sort();
        let mut expected = vec![format!("{}:1", ids[0]), format!("{}:0", ids[1]), format!("{}:2", ids[2])];
        expected.sort();
        assert_eq!(graded, expected);
        // Passed: nothing more is served.
        let done = quiz::for_member(&db, &member, doc).await.unwrap().unwrap();
        assert!(done.passed && done.questions.is_empty() && done.sheet.is_empty() && done.last == Some((3, 3)), "{done:?}");
    })
    .await;
}

#[tokio::test]
async fn three_attempts_a_day_per_member_and_document() {
    on_both(|db| async move {
        let f = fixture(&db).await;
        let member = user(&db, f.member_c1).await;
        let (doc, _) = reading_document(&db, f.root, true, "Nghị quyết về công tác cán bộ").await;
        let (other_doc, _) = reading_document(&db, f.root, true, "Quy định về kiểm tra, giám sát").await;
        add_check(&db, doc, 100).await;
        add_check(&db, other_doc, 100).await;

        // A sheet kept open in another tab from before the limit.
        let spare = quiz::for_member(&db, &member, doc).await.unwrap().unwrap();
        for n in 1..=3 {
            let view = quiz::for_member(&db, &member, doc).await.unwrap().unwrap();
            assert_eq!((view.attempts_left, view.locked.is_none()), (4 - n, true));
            let r = quiz::submit(&db, &member, &format!("0000a11e-{n:04}"), doc, &view.sheet, &answers(&view, 1)).await.unwrap();
            assert_eq!((r.correct, r.passed, r.attempts_left), (1, false, 3 - n));
        }
        let tomorrow = (app::common::time::today() + chrono::Duration::days(1)).format("%d/%m/%Y").to_string();
        let message = format!("Đồng chí đã trả lời 3 lần trong hôm nay. Đồng chí có thể trả lời lại từ 0 giờ ngày {tomorrow}.");
        // The fourth is refused, even all right, even on a sheet served earlier.
        let err = quiz::submit(&db, &member, "0000a11e-0004", doc, &spare.sheet, &answers(&spare, 3)).await.unwrap_err();
        assert_eq!(err.field_message("form"), Some(message.clone()));
        let locked = quiz::for_member(&db, &member, doc).await.unwrap().unwrap();
        assert_eq!(locked.locked, Some(message));
        assert!(locked.questions.is_empty() && locked.sheet.is_empty() && locked.attempts_left == 0 && !locked.passed);
        assert_eq!(locked.last, Some((1, 3)));
        // A resent third attempt is still the third, not refused.
        let view = quiz::for_member(&db, &member, other_doc).await.unwrap().unwrap();
        let resent = quiz::submit(&db, &member, "0000a11e-0003", doc, "", &[]).await.unwrap();
        assert_eq!((resent.correct, resent.attempts_left), (1, 0));
        let numbers: Vec<Option<i32>> = quiz_attempt::Entity::find()
            .filter(quiz_attempt::Column::MemberId.eq(f.member_c1))
            .filter(quiz_attempt::Column::DocumentId.eq(doc))
            .order_by_asc(quiz_attempt::Column::Id)
            .all(&db)
            .await
            .unwrap()
            .iter()
            .map(|a| a.number)
            .collect();
        assert_eq!(numbers, vec![Some(1), Some(2), Some(3)]);

        // Another document of the same member, and the same document for another member: open.
        let ok = quiz::submit(&db, &member, "0000a11e-0005", other_doc, &view.sheet, &answers(&view, 3)).await.unwrap();
        assert!(ok.passed);
        let other = user(&db, f.member_c1_b).await;
        let theirs = quiz::for_member(&db, &other, doc).await.unwrap().unwrap();
        assert_eq!((theirs.attempts_left, theirs.locked.is_none()), (3, true));
        let r = quiz::submit(&db, &other, "0000a11e-0006", doc, &theirs.sheet, &answers(&theirs, 3)).await.unwrap();
        assert!(r.passed);

        // The next day (the attempts moved a day back): three more.
        for row in quiz_attempt::Entity::find().filter(quiz_attempt::Column::MemberId.eq(f.member_c1)).all(&db).await.unwrap() {
            let (at, day) = (row.at - chrono::Duration::days(1), row.day.map(|d| d - chrono::Duration::days(1)));
            let mut earlier: quiz_attempt::ActiveModel = row.into();
            earlier.at = Set(at);
            earlier.day = Set(day);
            earlier.update(&db).await.unwrap();
        }
        let view = quiz::for_member(&db, &member, doc).await.unwrap().unwrap();
        assert_eq!((view.attempts_left, view.locked.is_none()), (3, true));
        let r = quiz::submit(&db, &member, "0000a11e-0007", doc, &view.sheet, &answers(&view, 3)).await.unwrap();
        assert!(r.passed && r.attempts_left == 2);
    })
    .await;
}
