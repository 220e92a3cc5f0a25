//! Meeting reports on real SQLite and PostgreSQL: what is due and held per cell and per unit, the
//! year's verdict, who may read which report, the spreadsheets, and the demo year of meetings.

use crate::common;

use app::db::entities::{meeting, meeting_attendance, meeting_document, meeting_rating};
use app::error::AppError;
use app::common::report::Period;
use app::meetings::report::service as reports;
use app::meetings::rubric::{KHA, TOT};
use chrono::{Datelike, Duration, NaiveDate, TimeZone, Utc};
use common::*;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, Set};

/// A past meeting inserted as the app would have left it: held on `day` at 19:30 Vietnam time,
/// scored `total` (tenths) with `class`, approved minutes, members present or excused.
#[allow(clippy::too_many_arguments)]
async fn past_meeting(
    db: &DatabaseConnection,
    cell: i64,
    day: NaiveDate,
    kind: &str,
    score: Option<(i32, &str)>,
    present: &[i64],
    excused: &[i64],
    documents_early: bool,
) -> i64 {
    let starts_at = Utc.from_utc_datetime(&day.and_hms_opt(12, 30, 0).unwrap());
    let m = meeting::ActiveModel {
        unit_id: Set(cell),
        kind: Set(kind.into()),
        with_thematic: Set(false),
        topic: Set(format!("Sinh hoạt {kind} {day}")),
        agenda: Set(String::new()),
        place: Set("Nhà văn hóa ấp".into()),
        starts_at: Set(starts_at),
        planned_minutes: Set(100),
        held_minutes: Set(Some(100)),
        status: Set(if score.is_some() { "approved" } else { "held" }.into()),
        rubric_id: Set(None),
        total_tenths: Set(score.map(|s| s.0)),
        classification: Set(score.map(|s| s.1.to_string())),
        minutes_approved_at: Set(Some(starts_at + Duration::hours(2))),
        created_by: Set(present[0]),
        created_at: Set(starts_at - Duration::days(7)),
        updated_at: Set(starts_at),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap();
    for (ids, status) in [(present, "present"), (excused, "excused")] {
        for id in ids {
            meeting_attendance::ActiveModel {
                meeting_id: Set(m.id),
                member_id: Set(*id),
                rsvp: Set(String::new()),
                rsvp_reason: Set(String::new()),
                status: Set(status.into()),
                note: Set(String::new()),
                marked_at: Set(Some(starts_at)),
            }
            .insert(db)
            .await
            .unwrap();
        }
    }
    app::meetings::service::refresh_counts(db, m.id).await.unwrap();
    // Every meeting posts the library's document (early or late): without one, the counts of
    // late documents would silently be zero.
    let doc = app::db::entities::document::Entity::find().one(db).await.unwrap().expect("a document to post: call a_document first");
    let posted = if documents_early { starts_at - Duration::days(3) } else { starts_at - Duration::hours(2) };
    meeting_document::ActiveModel { meeting_id: Set(m.id), document_id: Set(doc.id), posted_at: Set(posted) }.insert(db).await.unwrap();
    m.id
}

async fn a_document(db: &DatabaseConnection, owner: i64) {
    let meta = app::documents::service::ImportMeta {
        number: "01-HD/ĐU".into(),
        title: "Hướng dẫn sinh hoạt chi bộ".into(),
        doc_type: "huong_dan".into(),
        level: "co_so".into(),
        issuer: "Đảng ủy xã Hòa An".into(),
        issued_on: None,
        topics: String::new(),
        owner_unit_id: owner,
        audience_all: true,
        published: true,
        source: String::new(),
    };
    app::documents::service::import_text(db, &meta, "Điều 1. Nội dung\nChi bộ sinh hoạt mỗi tháng một lần.").await.unwrap();
}

#[tokio::test]
async fn a_past_year_counts_due_held_missing_and_the_verdict_per_cell() {
    on_both(|db| async move {
        let f = fixture(&db).await;
        a_document(&db, f.root).await;
        let year = Utc::now().year() - 1;
        let c1 = [f.secretary, f.member_c1];
        // C1: every month, ten Tốt and two Khá, documents early except in December; one member
        // excused each time; four thematic meetings.
        for month in 1..=12u32 {
            let score = if month <= 10 { (920, TOT) } else { (800, KHA) };
            past_meeting(&db, f.cell_c1, NaiveDate::from_ymd_opt(year, month, 6).unwrap(), "regular", Some(score), &c1, &[f.member_c1_b], month != 12).await;
        }
        for month in [2u32, 5, 8, 11] {
            past_meeting(&db, f.cell_c1, NaiveDate::from_ymd_opt(year, month, 20).unwrap(), "thematic", Some((900, TOT)), &c1, &[f.member_c1_b], true).await;
        }
        // D1: six months only, one unscored; its single member always there.
        for month in 1..=6u32 {
            let score = (month != 6).then_some((750, KHA));
            past_meeting(&db, f.cell_d1, NaiveDate::from_ymd_opt(year, month, 10).unwrap(), "regular", score, &[f.member_d1], &[], true).await;
        }
        // A meeting of the year after does not count.
        past_meeting(&db, f.cell_d1, NaiveDate::from_ymd_opt(year + 1, 1, 10).unwrap(), "regular", Some((750, KHA)), &[f.member_d1], &[], true).await;
        // Three anonymous ratings on C1's first meeting, and one alone on its second (too few to
        // count anywhere: one member's stars must not show through a report).
        let c1_meetings = meeting::Entity::find().filter(meeting::Column::UnitId.eq(f.cell_c1)).all(&db).await.unwrap();
        for (n, (meeting_id, stars)) in [(c1_meetings[0].id, 4), (c1_meetings[0].id, 5), (c1_meetings[0].id, 3), (c1_meetings[1].id, 1)].into_iter().enumerate() {
            meeting_rating::ActiveModel {
                client_id: Set(format!("0123456789abcde{n}")),
                meeting_id: Set(meeting_id),
                stars: Set(stars),
                comment: Set(String::new()),
                on_date: Set(NaiveDate::from_ymd_opt(year, 1, 6).unwrap()),
                ..Default::default()
            }
            .insert(&db)
            .await
            .unwrap();
        }

        let committee = user(&db, f.committee).await;
        let r = reports::report(&db, &committee, f.district_a, Period::year(year), None).await.unwrap();
        let t = &r.totals;
        assert!(!r.provisional);
        assert_eq!(t.cells, 3, "C1, C2 and D1");
        assert_eq!((t.regular_due, t.regular_held, t.regular_missing), (36, 18, 18));
        assert_eq!((t.thematic_due, t.thematic_held, t.thematic_missing), (12, 4, 8));
        assert_eq!(t.held, 22);
        assert_eq!((t.expected, t.attended), (16 * 3 + 6, 16 * 2 + 6));
        assert_eq!(t.classes, [14, 7, 0, 0]);
        assert_eq!((t.scored, t.unscored, t.minutes_missing, t.documents_late), (21, 1, 0, 1));
        assert_eq!(t.histogram, [0, 0, 0, 5, 2, 14]);
        assert_eq!((t.ratings, t.rating_star_sum), (3, 12));
        // Rows per commune; C2 (never met) sits under commune X with C1.
        let names: Vec<(&str, i64, i64)> = r.rows.iter().map(|row| (row.unit.name.as_str(), row.stats.cells, row.stats.regular_held)).collect();
        assert_eq!(names, [("Đảng bộ xã Hòa An", 2, 12), ("Đảng bộ xã Hòa Mỹ", 1, 6)]);
        // Worst first: C2 missed everything, D1 six months and its thematic meetings.
        let lagging: Vec<(&str, i64)> = r.lagging.iter().map(|l| (l.cell.name.as_str(), l.regular_missing)).collect();
        assert_eq!(lagging, [("Chi bộ ấp 2", 12), ("Chi bộ ấp Mỹ Lợi", 6), ("Chi bộ ấp 1", 0)]);
        assert_eq!(r.lagging[2].documents_late, 1, "C1 posted December's documents on the day");
        // The year: C1 is Tốt, the others are not, with the reason.
        assert_eq!((r.years_total, r.years_tot), (3, 1));
        let c1_year = r.years.iter().find(|y| y.cell.id == f.cell_c1).unwrap();
        assert!(c1_year.is_tot, "{}", c1_year.reason);
        assert_eq!((c1_year.tot, c1_year.kha), (10, 2));
        let d1_year = r.years.iter().find(|y| y.cell.id == f.cell_d1).unwrap();
        assert_eq!(d1_year.reason, "Chỉ sinh hoạt thường kỳ 6/12 tháng.");
        // Trend: twelve months; from July only C1 meets.
        assert_eq!(r.trend.len(), 12);
        assert_eq!(r.trend[0].regular_permille, Some(666), "two of three cells met in January");
        assert_eq!(r.trend[6].regular_permille, Some(333));

        // One quarter; one cell's own report lists its meetings.
        let q4 = reports::report(&db, &committee, f.district_a, Period::parse(&format!("{year}-Q4")).unwrap(), None).await.unwrap();
        assert_eq!((q4.totals.regular_due, q4.totals.regular_held, q4.totals.thematic_due, q4.totals.thematic_held), (9, 3, 3, 1));
        assert!(q4.years.is_empty(), "the verdict is yearly");
        let secretary = user(&db, f.secretary).await;
        let own = reports::report(&db, &secretary, f.cell_c1, Period::month(year, 2), None).await.unwrap();
        assert_eq!(own.meetings.len(), 2, "regular and thematic in February");
        assert!(own.rows.is_empty());

        // The spreadsheets carry the same figures.
        let sheets = reports::sheets(&r);
        let names: Vec<&str> = sheets.iter().map(|(n, _)| *n).collect();
        assert_eq!(names, ["Tổng hợp", "Chi bộ chưa đạt yêu cầu", "Xếp loại năm", "Theo tháng", "Phân bố điểm"]);
        let csv = app::spreadsheet::csv(&sheets);
        assert!(csv.contains("Tổng cộng,3,18,36,18,4,12,8,22,"), "{csv}");
        assert!(csv.contains("Chi bộ ấp Mỹ Lợi,Đảng bộ xã Hòa Mỹ,6,0,5,0,1,Chưa đạt Tốt,Chỉ sinh hoạt thường kỳ 6/12 tháng."), "{csv}");
        let xlsx = app::spreadsheet::workbook(&sheets).unwrap();
        assert_eq!(&xlsx[..2], b"PK");
    })
    .await;
}

#[tokio::test]
async fn reports_follow_the_org_tree_and_bad_periods_are_refused() {
    on_both(|db| async move {
        let f = fixture(&db).await;
        let year = Period::year(Utc::now().year());
        let committee = user(&db, f.committee).await;
        let secretary = user(&db, f.secretary).await;
        let member = user(&db, f.member_c1).await;
        let admin = user(&db, f.admin).await;
        assert!(reports::report(&db, &admin, f.root, year, None).await.is_ok());
        assert!(reports::report(&db, &committee, f.cell_d1, year, None).await.is_ok());
        for (who, unit) in [(&committee, f.root), (&committee, f.bloc_b), (&committee, f.cell_e1), (&secretary, f.district_a), (&secretary, f.cell_c2), (&member, f.cell_c1)] {
            match reports::report(&db, who, unit, year, None).await {
                Err(AppError::Forbidden(message)) => assert_eq!(message, "Bạn chỉ được xem báo cáo sinh hoạt trong phạm vi mình phụ trách."),
                other => panic!("expected Forbidden, got {other:?}"),
            }
        }
        assert_eq!(app::common::report::default_unit(&committee), f.district_a);
        assert_eq!(app::common::report::default_unit(&secretary), f.cell_c1);
        let bad = app::common::report::period_or_default(Some("2026-13")).unwrap_err();
        assert_eq!(bad.field_message("ky").unwrap(), "Kỳ báo cáo không hợp lệ (ví dụ: 2026, 2026-Q3, 2026-11).");
        assert_eq!(app::common::report::period_or_default(None).unwrap(), year);
        let next_year = Period::year(Utc::now().year() + 1);
        assert!(reports::report(&db, &admin, f.root, next_year, None).await.unwrap_err().field_message("ky").is_some());
        // The current year is provisional and the running month is not "missing".
        let now = reports::report(&db, &admin, f.root, year, None).await.unwrap();
        assert!(now.provisional);
        let month = app::common::time::today().month() as i64;
        assert_eq!(now.totals.regular_due, 4 * month, "four cells, every month begun so far");
        assert_eq!(now.totals.regular_missing, 4 * (month - 1));
    })
    .await;
}

#[tokio::test]
async fn the_demo_year_of_meetings_is_consistent_and_spares_the_demo_cell() {
    on_both(|db| async move {
        app::demo::province::seed_demo(&db, 6_000).await.unwrap();
        app::demo::province::seed_documents_if_empty(&db).await.unwrap();
        let added = app::demo::meetings::seed_meetings_if_empty(&db, &app::common::secret::SecretKey::default()).await.unwrap();
        assert!(added > 1_000, "{added} meetings");
        assert_eq!(app::demo::meetings::seed_meetings_if_empty(&db, &app::common::secret::SecretKey::default()).await.unwrap(), 0, "seeded once");
        let admin_id = app::db::entities::member::Entity::find()
            .filter(app::db::entities::member::Column::Phone.eq(app::demo::province::DEMO_ACCOUNTS[0].0))
            .one(&db)
            .await
            .unwrap()
            .unwrap()
            .id;
        let admin = user(&db, admin_id).await;
        let last = app::demo::meetings::DemoMeetings::last_twelve_months().through;
        let r = reports::report(&db, &admin, app::common::report::default_unit(&admin), Period::year(last.0), None).await.unwrap();
        let t = &r.totals;
        let held_in_year = meeting::Entity::find()
            .filter(meeting::Column::Status.ne("planned"))
            .filter(meeting::Column::StartsAt.gte(Utc.with_ymd_and_hms(last.0 - 1, 12, 31, 17, 0, 0).unwrap()))
            .filter(meeting::Column::StartsAt.lt(Utc.with_ymd_and_hms(last.0, 12, 31, 17, 0, 0).unwrap()))
            .count(&db)
            .await
            .unwrap() as i64;
        assert_eq!(t.held, held_in_year);
        assert!(t.regular_held <= t.regular_due && t.regular_missing > 0, "some cells skip months: {t:?}");
        assert!(t.classes[0] > t.classes[1] && t.classes[3] > 0, "mostly Tốt, some Kém: {:?}", t.classes);
        let attendance = t.attendance_permille().unwrap();
        assert!((800..=980).contains(&attendance), "{attendance}");
        assert!(t.documents_late > 0 && t.minutes_missing > 0 && t.ratings > 0);
        // The demo accounts' cell: every month held, all approved.
        let demo_cell = app::db::entities::member::Entity::find()
            .filter(app::db::entities::member::Column::Phone.eq(app::demo::province::DEMO_ACCOUNTS[2].0))
            .one(&db)
            .await
            .unwrap()
            .unwrap()
            .unit_id;
        let own = meeting::Entity::find().filter(meeting::Column::UnitId.eq(demo_cell)).all(&db).await.unwrap();
        assert!(own.len() >= 12, "{}", own.len());
        assert!(own.iter().all(|m| m.status == "approved"));
    })
    .await;
}

#[tokio::test]
async fn invitations_and_attendance_counts_follow_every_write() {
    on_both(|db| async move {
        let f = fixture(&db).await;
        let secretary = user(&db, f.secretary).await;
        let starts = (Utc::now() + Duration::hours(5)).format("%Y-%m-%dT%H:%M").to_string();
        let form = app::meetings::MeetingForm {
            unit_id: f.cell_c1,
            kind: "regular".into(),
            topic: "Sinh hoạt thường kỳ: kiểm điểm nghị quyết".into(),
            agenda: String::new(),
            place: "Nhà văn hóa ấp 1".into(),
            starts_at: starts,
            planned_minutes: "100".into(),
            with_thematic: false,
        };
        let id = app::meetings::service::plan(&db, &secretary, &form).await.unwrap();
        let counts = |m: meeting::Model| (m.expected_count, m.attended_count, m.unexcused_count);
        let m = meeting::Entity::find_by_id(id).one(&db).await.unwrap().unwrap();
        assert_eq!(counts(m), (3, 0, 0), "three members invited");
        // The invitation reaches the cell's members, and only them, until the meeting is held;
        // their inboxes say so (not the secretary's, who planned it).
        let member = user(&db, f.member_c1).await;
        let inbox = app::notifications::service::latest(&db, &member).await.unwrap();
        assert_eq!(inbox.len(), 1);
        assert!(inbox[0].title.starts_with("Lịch sinh hoạt chi bộ: Sinh hoạt thường kỳ: kiểm điểm nghị quyết · "), "{}", inbox[0].title);
        assert_eq!(inbox[0].link, format!("/sinh-hoat/{id}"));
        assert!(app::notifications::service::latest(&db, &secretary).await.unwrap().is_empty());
        assert!(app::notifications::service::latest(&db, &user(&db, f.member_d1).await).await.unwrap().is_empty());
        let upcoming = app::meetings::service::upcoming(&db, &member).await.unwrap();
        assert_eq!(upcoming.iter().map(|u| (u.summary.id, u.rsvp.as_str())).collect::<Vec<_>>(), [(id, "")]);
        app::meetings::service::rsvp(&db, &member, id, true, "").await.unwrap();
        assert_eq!(app::meetings::service::upcoming(&db, &member).await.unwrap()[0].rsvp, "yes");
        assert!(app::meetings::service::upcoming(&db, &user(&db, f.member_d1).await).await.unwrap().is_empty());
        let marks = vec![
            (f.secretary, "present".to_string(), String::new()),
            (f.member_c1, "late".to_string(), String::new()),
            (f.member_c1_b, "absent".to_string(), String::new()),
        ];
        app::meetings::service::mark_attendance(&db, &secretary, id, &marks).await.unwrap();
        let m = meeting::Entity::find_by_id(id).one(&db).await.unwrap().unwrap();
        assert_eq!(counts(m), (3, 2, 1));
        // A refused write changes nothing.
        let bad = vec![(f.member_d1, "present".to_string(), String::new())];
        assert!(app::meetings::service::mark_attendance(&db, &secretary, id, &bad).await.is_err());
        let m = meeting::Entity::find_by_id(id).one(&db).await.unwrap().unwrap();
        assert_eq!(counts(m), (3, 2, 1));
        app::meetings::service::record_held(&db, &secretary, id, 100).await.unwrap();
        assert!(app::meetings::service::upcoming(&db, &member).await.unwrap().is_empty(), "held: no longer an invitation");
    })
    .await;
}

#[tokio::test]
async fn an_administrator_sets_a_rubric_for_their_subtree_checked_field_by_field() {
    use app::meetings::rubric_editor::service as editor;
    on_both(|db| async move {
        let f = fixture(&db).await;
        let admin = user(&db, f.admin).await;
        let view = editor::editor(&db, &admin, f.district_a).await.unwrap();
        assert_eq!(view.source, "Thang điểm mặc định");
        assert!(!view.own);
        assert_eq!(view.draft.criteria.len(), 4);
        assert_eq!((view.draft.tot.as_str(), view.draft.kha.as_str(), view.draft.trung_binh.as_str()), ("90", "70", "50"));

        // Every problem is named on its field, and nothing is stored.
        let mut bad = view.draft.clone();
        bad.criteria[1].label = " ".into();
        bad.criteria[2].max_points = "abc".into();
        bad.tot = "120".into();
        bad.trung_binh = "75".into();
        let err = editor::save(&db, &admin, f.district_a, &bad).await.unwrap_err();
        assert_eq!(err.field_message("c1.label").unwrap(), "Vui lòng nhập nội dung tiêu chí.");
        assert_eq!(err.field_message("c2.max").unwrap(), "Điểm tối đa là số từ 0,1 đến 100 (ví dụ 15 hoặc 7,5).");
        assert_eq!(err.field_message("tot").unwrap(), "Mức Tốt không được vượt tổng điểm tối đa (55).");
        assert_eq!(err.field_message("trung_binh").unwrap(), "Mức Trung bình phải thấp hơn mức Khá.");
        assert_eq!(app::db::entities::rubric::Entity::find().count(&db).await.unwrap(), 1, "only the default");

        // A stricter district scale: conduct 40, plus "carrying out the last resolution" 5.
        let mut draft = view.draft.clone();
        draft.name = "Thang điểm Huyện ủy Phụng Hiệp".into();
        draft.criteria[2].max_points = "40".into();
        draft.criteria.push(app::meetings::rubric_editor::CriterionDraft { label: "Thực hiện nghị quyết kỳ trước".into(), max_points: "5".into(), auto: String::new() });
        assert_eq!(editor::save(&db, &admin, f.district_a, &draft).await.unwrap(), 1);
        let cell_rubric = app::meetings::service::rubric_for_cell(&db, f.cell_c1).await.unwrap();
        let (spec, _) = app::meetings::service::load_rubric(&db, cell_rubric).await.unwrap();
        assert_eq!(spec.name, "Thang điểm Huyện ủy Phụng Hiệp");
        assert_eq!((spec.criteria.len(), spec.max_tenths()), (5, 1000));
        assert_eq!(spec.criteria[4].auto, None, "scored by hand");
        // The bloc's cell keeps the default; the district shows its own version, a commune inherits.
        let e1 = app::meetings::service::rubric_for_cell(&db, f.cell_e1).await.unwrap();
        assert_ne!(e1, cell_rubric);
        let view = editor::editor(&db, &admin, f.district_a).await.unwrap();
        assert!(view.own);
        assert_eq!((view.version, view.versions.len()), (1, 1));
        assert_eq!(editor::editor(&db, &admin, f.commune_x).await.unwrap().source, "Áp dụng theo Đảng bộ huyện Phụng Hiệp");
        assert_eq!(editor::save(&db, &admin, f.district_a, &draft).await.unwrap(), 2, "every save is a new version");

        // Only administrators of the subtree.
        for who in [f.committee, f.secretary] {
            let u = user(&db, who).await;
            assert!(matches!(editor::save(&db, &u, f.district_a, &draft).await, Err(AppError::Forbidden(_))));
            assert!(matches!(editor::editor(&db, &u, f.district_a).await, Err(AppError::Forbidden(_))));
        }
    })
    .await;
}
