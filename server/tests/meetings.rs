//! Party-cell meetings on real SQLite and PostgreSQL: planning and its checks, attendance,
//! scoring on a versioned rubric, the higher committee's review, anonymous ratings.

use crate::common;

use app::db::entities::{meeting, meeting_score};
use app::error::AppError;
use app::meetings::rubric::{KHA, TOT, Threshold, default_rubric};
use app::meetings::service as meetings;
use common::*;
use common::meeting_form as form;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter};

/// A meeting that started two hours ago and was held for 95 minutes.
async fn held_meeting(db: &DatabaseConnection, cell: i64, secretary: i64) -> i64 {
    let sec = user(db, secretary).await;
    let id = meetings::plan(db, &sec, &form(cell, -2)).await.unwrap();
    meetings::record_held(db, &sec, id, 95).await.unwrap();
    id
}

#[tokio::test]
async fn planning_checks_every_field_and_invites_the_cell() {
    on_both(|db| async move {
        let f = fixture(&db).await;
        let secretary = user(&db, f.secretary).await;
        let mut bad = form(f.cell_c1, -48);
        bad.topic = "ab".into();
        bad.planned_minutes = "60".into();
        let err = meetings::plan(&db, &secretary, &bad).await.unwrap_err();
        assert_eq!(err.field_message("starts_at").unwrap(), "Không lên kế hoạch cho ngày đã qua.");
        assert!(err.field_message("topic").is_some());
        assert_eq!(err.field_message("planned_minutes").unwrap(), "Thời gian sinh hoạt từ 90 đến 480 phút.");
        let mut thematic = form(f.cell_c1, 72);
        thematic.with_thematic = true;
        assert!(meetings::plan(&db, &secretary, &thematic).await.unwrap_err().field_message("planned_minutes").unwrap().contains("120"));
        assert_eq!(meeting::Entity::find().count(&db).await.unwrap(), 0, "nothing stored");

        // Another cell's secretary, a plain member and a committee member do not plan for C1.
        for other in [f.member_c1, f.committee] {
            assert!(matches!(meetings::plan(&db, &user(&db, other).await, &form(f.cell_c1, 72)).await, Err(AppError::Forbidden(_))));
        }
        let id = meetings::plan(&db, &secretary, &form(f.cell_c1, 72)).await.unwrap();
        let detail = meetings::detail(&db, &user(&db, f.member_c1).await, id).await.unwrap();
        let invited: Vec<&str> = detail.attendance.iter().map(|a| a.full_name.as_str()).collect();
        assert_eq!(invited.len(), 3, "{invited:?}");
        assert!(invited.contains(&"Huỳnh Thị Đào"));
        // A member of another commune cannot open it.
        assert!(matches!(meetings::detail(&db, &user(&db, f.member_d1).await, id).await, Err(AppError::Forbidden(_))));

        // Excused with a reason; a future meeting cannot be marked yet.
        let member = user(&db, f.member_c1).await;
        assert!(meetings::rsvp(&db, &member, id, false, "").await.unwrap_err().field_message("reason").is_some());
        meetings::rsvp(&db, &member, id, false, "Đi công tác tại Cần Thơ").await.unwrap();
        let rows = meetings::detail(&db, &member, id).await.unwrap().attendance;
        let mine = rows.iter().find(|a| a.member_id == f.member_c1).unwrap();
        assert_eq!((mine.rsvp.as_str(), mine.rsvp_reason.as_str()), ("excused", "Đi công tác tại Cần Thơ"));
        let err = meetings::mark_attendance(&db, &secretary, id, &[(f.member_c1, "present".into(), String::new())]).await.unwrap_err();
        assert!(err.field_message("form").unwrap().starts_with("Chưa đến ngày sinh hoạt"));
        assert!(meetings::record_held(&db, &secretary, id, 95).await.is_err());
    })
    .await;
}

#[tokio::test]
async fn attendance_and_scores_are_checked_and_the_committee_reviews() {
    on_both(|db| async move {
        let f = fixture(&db).await;
        let secretary = user(&db, f.secretary).await;
        let committee = user(&db, f.committee).await;
        let id = held_meeting(&db, f.cell_c1, f.secretary).await;

        // Attendance for someone outside the cell is refused and nothing is stored.
        let err = meetings::mark_attendance(
            &db,
            &secretary,
            id,
            &[(f.member_c1, "present".into(), String::new()), (f.member_d1, "present".into(), String::new())],
        )
        .await
        .unwrap_err();
        assert_eq!(err.field_message("attendance").unwrap(), "Có người không thuộc chi bộ trong danh sách điểm danh.");
        let facts = meetings::detail(&db, &secretary, id).await.unwrap().facts;
        assert_eq!(facts.attended, 0);
        meetings::mark_attendance(
            &db,
            &secretary,
            id,
            &[
                (f.secretary, "present".into(), String::new()),
                (f.member_c1, "late".into(), "Đến muộn 10 phút".into()),
                (f.member_c1_b, "excused".into(), "Ốm".into()),
            ],
        )
        .await
        .unwrap();
        let detail = meetings::detail(&db, &secretary, id).await.unwrap();
        assert_eq!((detail.facts.expected, detail.facts.attended, detail.facts.unexcused), (3, 2, 0));
        // Automatic criteria: 66.6 % attendance, 95 of 90 minutes, no documents, no minutes yet.
        let auto: Vec<Option<i32>> = detail.scores.iter().map(|s| s.auto_tenths).collect();
        assert_eq!(auto, vec![Some(0), Some(133), Some(450), Some(0)]);

        // Above the maximum: refused on that criterion, nothing stored.
        let ids: Vec<i64> = detail.scores.iter().map(|s| s.criterion_id).collect();
        let over = vec![(ids[0], 160), (ids[1], 200), (ids[2], 450), (ids[3], 200)];
        let err = meetings::score(&db, &secretary, id, &over).await.unwrap_err();
        assert_eq!(err.field_message(&format!("c{}", ids[0])).unwrap(), "Điểm phải từ 0 đến 15.");
        assert_eq!(meeting_score::Entity::find().count(&db).await.unwrap(), 0);
        // Only the cell's own secretary scores.
        assert!(matches!(meetings::score(&db, &committee, id, &over).await, Err(AppError::Forbidden(_))));

        // 14 + 16 + 40 + 19.9 = 89.9: Khá.
        let given = vec![(ids[0], 140), (ids[1], 160), (ids[2], 400), (ids[3], 199)];
        assert_eq!(meetings::score(&db, &secretary, id, &given).await.unwrap(), 899);
        let m = meeting::Entity::find_by_id(id).one(&db).await.unwrap().unwrap();
        assert_eq!((m.status.as_str(), m.classification.as_deref()), ("scored", Some(KHA)));

        // The secretary cannot approve her own cell; the district committee can, with reasons.
        assert!(matches!(meetings::review(&db, &secretary, id, &[], true).await, Err(AppError::Forbidden(_))));
        let err = meetings::review(&db, &committee, id, &[(ids[3], 200, String::new())], false).await.unwrap_err();
        assert_eq!(err.field_message(&format!("c{}", ids[3])).unwrap(), "Vui lòng ghi lý do điều chỉnh.");
        let total = meetings::review(&db, &committee, id, &[(ids[3], 200, "Biên bản đầy đủ, đã thông qua".into())], true).await.unwrap();
        assert_eq!(total, 900);
        let m = meeting::Entity::find_by_id(id).one(&db).await.unwrap().unwrap();
        assert_eq!((m.status.as_str(), m.classification.as_deref(), m.total_tenths), ("approved", Some(TOT), Some(900)));
        // Approved means settled: no rescoring, no new attendance, no second approval.
        assert!(matches!(meetings::score(&db, &secretary, id, &given).await, Err(AppError::Conflict(_))));
        assert!(matches!(
            meetings::mark_attendance(&db, &secretary, id, &[(f.member_c1, "present".into(), String::new())]).await,
            Err(AppError::Conflict(_))
        ));
        assert!(matches!(meetings::review(&db, &committee, id, &[], true).await, Err(AppError::Conflict(_))));
    })
    .await;
}

#[tokio::test]
async fn a_new_rubric_version_never_rescores_past_meetings() {
    on_both(|db| async move {
        let f = fixture(&db).await;
        let secretary = user(&db, f.secretary).await;
        let first = held_meeting(&db, f.cell_c1, f.secretary).await;
        let detail = meetings::detail(&db, &secretary, first).await.unwrap();
        let given: Vec<(i64, i32)> = detail.scores.iter().map(|s| (s.criterion_id, s.max_tenths * 92 / 100)).collect();
        let total = meetings::score(&db, &secretary, first, &given).await.unwrap();
        assert_eq!(total, 920);
        let old_rubric = meeting::Entity::find_by_id(first).one(&db).await.unwrap().unwrap().rubric_id;

        // The district sets a stricter scale for its cells: Tốt from 95.
        let mut strict = default_rubric();
        strict.name = "Thang điểm của Huyện ủy Phụng Hiệp".into();
        strict.thresholds[0] = Threshold { min_tenths: 950, ..strict.thresholds[0].clone() };
        meetings::save_rubric(&db, "phung-hiep", Some(f.district_a), &strict, Some(f.committee)).await.unwrap();
        let mut broken = default_rubric();
        broken.thresholds.reverse();
        assert!(meetings::save_rubric(&db, "phung-hiep", Some(f.district_a), &broken, None).await.unwrap_err().field_message("rubric").is_some());

        let past = meeting::Entity::find_by_id(first).one(&db).await.unwrap().unwrap();
        assert_eq!((past.rubric_id, past.classification.as_deref(), past.total_tenths), (old_rubric, Some(TOT), Some(920)));
        // Rescoring that meeting still uses the rubric it was first scored with.
        assert_eq!(meetings::score(&db, &secretary, first, &given).await.unwrap(), 920);
        assert_eq!(meeting::Entity::find_by_id(first).one(&db).await.unwrap().unwrap().classification.as_deref(), Some(TOT));

        // A new meeting in the district gets the stricter scale: the same 92 points are Khá.
        let second = held_meeting(&db, f.cell_c1, f.secretary).await;
        let detail = meetings::detail(&db, &secretary, second).await.unwrap();
        assert_eq!(detail.rubric_name, "Thang điểm của Huyện ủy Phụng Hiệp");
        let given: Vec<(i64, i32)> = detail.scores.iter().map(|s| (s.criterion_id, s.max_tenths * 92 / 100)).collect();
        meetings::score(&db, &secretary, second, &given).await.unwrap();
        assert_eq!(meeting::Entity::find_by_id(second).one(&db).await.unwrap().unwrap().classification.as_deref(), Some(KHA));
        // Cells outside the district keep the default.
        assert_ne!(meetings::rubric_for_cell(&db, f.cell_e1).await.unwrap(), meetings::rubric_for_cell(&db, f.cell_c1).await.unwrap());
    })
    .await;
}

#[tokio::test]
async fn ratings_are_anonymous_once_per_member_and_only_from_the_cell() {
    use app::common::secret::SecretKey;
    use app::db::entities::meeting_rater;
    on_both(|db| async move {
        let key = SecretKey::from_bytes([42; 32]);
        let f = fixture(&db).await;
        let id = held_meeting(&db, f.cell_c1, f.secretary).await;
        let member = user(&db, f.member_c1).await;
        let other = user(&db, f.member_c1_b).await;
        let secretary = user(&db, f.secretary).await;
        assert!(meetings::rate(&db, &key, &member, id, 6, "").await.unwrap_err().field_message("stars").is_some());
        meetings::rate(&db, &key, &member, id, 4, "Nội dung thiết thực, cần thêm thời gian thảo luận").await.unwrap();
        // Once per member: a second rating (or a resend) is refused.
        assert!(matches!(meetings::rate(&db, &key, &member, id, 1, "Đổi ý").await, Err(AppError::Conflict(_))));
        meetings::rate(&db, &key, &other, id, 5, "").await.unwrap();
        // Not invited: refused.
        assert!(matches!(meetings::rate(&db, &key, &user(&db, f.member_d1).await, id, 5, "").await, Err(AppError::Forbidden(_))));

        // Two ratings are counted but not shown: those present could tell who said what.
        let two = meetings::ratings(&db, &secretary, id).await.unwrap();
        assert_eq!((two.count, two.withheld, two.average_tenths, two.comments.len()), (0, true, None, 0));
        meetings::rate(&db, &key, &secretary, id, 3, "").await.unwrap();
        let summary = meetings::ratings(&db, &secretary, id).await.unwrap();
        assert_eq!((summary.count, summary.average_tenths), (3, Some(40)));
        assert_eq!(summary.comments, vec!["Nội dung thiết thực, cần thêm thời gian thảo luận"]);
        let as_committee = meetings::ratings(&db, &user(&db, f.committee).await, id).await.unwrap();
        assert_eq!(as_committee, summary);
        assert!(matches!(meetings::ratings(&db, &member, id).await, Err(AppError::Forbidden(_))));
        // Nothing the ratings function returns names its author.
        let shown = format!("{summary:?}");
        assert!(!shown.contains("Phạm Văn Hậu"), "{shown}");
        // Only the server's key tells whether a member rated.
        assert!(meetings::has_rated(&db, &key, id, f.member_c1).await.unwrap());
        assert!(!meetings::has_rated(&db, &SecretKey::from_bytes([7; 32]), id, f.member_c1).await.unwrap());
        assert_eq!(meeting_rater::Entity::find().filter(meeting_rater::Column::MeetingId.eq(id)).count(&db).await.unwrap(), 3);
    })
    .await;
}

#[tokio::test]
async fn minutes_are_prefilled_checked_and_complete_the_closing_criterion() {
    use app::meetings::MinutesForm;
    on_both(|db| async move {
        let f = fixture(&db).await;
        let secretary = user(&db, f.secretary).await;
        // Minutes for a meeting still in the future: refused.
        let future = meetings::plan(&db, &secretary, &form(f.cell_c1, 72)).await.unwrap();
        let mut minutes = MinutesForm {
            meeting_id: future,
            chair: "Trần Thị Bích Ngọc".into(),
            recorder: "Phạm Văn Hậu".into(),
            guests: "Đồng chí Lê Hoàng Phúc, Đảng ủy viên xã".into(),
            exempt: "0".into(),
            speakers: "Phạm Văn Hậu: Đề nghị chi bộ vận động bà con chuyển đổi giống lúa\nHuỳnh Thị Đào: Thống nhất với dự thảo nghị quyết".into(),
            conclusion: "Chi bộ thống nhất ban hành nghị quyết tháng 12 với ba nhiệm vụ trọng tâm.".into(),
            votes: "Thông qua nghị quyết tháng 12: 2/0/0".into(),
            approve: "true".into(),
        };
        let err = meetings::save_minutes(&db, &secretary, &minutes).await.unwrap_err();
        assert!(err.field_message("form").unwrap().starts_with("Chưa đến ngày sinh hoạt"));

        let id = held_meeting(&db, f.cell_c1, f.secretary).await;
        meetings::mark_attendance(
            &db,
            &secretary,
            id,
            &[(f.secretary, "present".into(), String::new()), (f.member_c1, "present".into(), String::new()), (f.member_c1_b, "excused".into(), "Ốm".into())],
        )
        .await
        .unwrap();
        minutes.meeting_id = id;
        // More votes than members present, a malformed speaker line, approval without conclusion.
        let mut bad = minutes.clone();
        bad.votes = "Thông qua nghị quyết tháng 12: 3/0/0".into();
        bad.speakers = "Ý kiến không có tên".into();
        bad.conclusion = String::new();
        let err = meetings::save_minutes(&db, &secretary, &bad).await.unwrap_err();
        assert_eq!(err.field_message("votes").unwrap(), "Biểu quyết “Thông qua nghị quyết tháng 12” có nhiều phiếu hơn số đảng viên dự họp (2).");
        assert_eq!(err.field_message("speakers").unwrap(), "Dòng 1 cần dạng “Họ tên: nội dung phát biểu”.");
        assert!(err.field_message("conclusion").is_some());
        assert!(meeting::Entity::find_by_id(id).one(&db).await.unwrap().unwrap().minutes_approved_at.is_none());
        // Only the cell's secretary writes them.
        assert!(matches!(meetings::save_minutes(&db, &user(&db, f.member_c1).await, &minutes).await, Err(AppError::Forbidden(_))));

        meetings::save_minutes(&db, &secretary, &minutes).await.unwrap();
        let view = meetings::minutes(&db, &user(&db, f.member_c1).await, id).await.unwrap();
        assert_eq!((view.total_members, view.attended, view.absentees.len()), (3, 2, 1));
        // A fellow member reads who was away, not why; the secretary's copy has the reason.
        assert_eq!((view.absentees[0].full_name.as_str(), view.absentees[0].excused, view.absentees[0].reason.as_str()), ("Huỳnh Thị Đào", true, ""));
        let own = meetings::minutes(&db, &secretary, id).await.unwrap();
        assert_eq!(own.absentees[0].reason, "Ốm");
        assert_eq!(view.speakers.len(), 2);
        assert_eq!((view.votes[0].agree, view.votes[0].disagree, view.votes[0].abstain), (2, 0, 0));
        assert!(view.approved_at.is_some());
        // The closing criterion now suggests full marks.
        let detail = meetings::detail(&db, &secretary, id).await.unwrap();
        assert!(detail.facts.minutes_complete);
        assert_eq!(detail.scores[3].auto_tenths, Some(200));
    })
    .await;
}

#[tokio::test]
async fn qr_codes_expire_serve_one_member_each_and_a_reopened_page_still_works() {
    use app::db::entities::{meeting_attendance, meeting_qr_code};
    use app::meetings::checkin;
    use sea_orm::{ActiveModelTrait, Set};
    on_both(|db| async move {
        let f = fixture(&db).await;
        let secretary = user(&db, f.secretary).await;
        let member = user(&db, f.member_c1).await;
        let neighbour = user(&db, f.member_c1_b).await;
        let origin = "https://sotay.haugiang.example";
        // Not before the day, and only the cell's secretary shows codes.
        let future = meetings::plan(&db, &secretary, &form(f.cell_c1, 72)).await.unwrap();
        assert!(checkin::current_code(&db, &secretary, future, origin).await.is_err());
        let id = meetings::plan(&db, &secretary, &form(f.cell_c1, 0)).await.unwrap();
        assert!(matches!(checkin::current_code(&db, &member, id, origin).await, Err(AppError::Forbidden(_))));
        assert!(checkin::current_code(&db, &secretary, id, "javascript:alert(1)").await.unwrap_err().field_message("origin").is_some());

        let shown = checkin::current_code(&db, &secretary, id, origin).await.unwrap();
        assert!(shown.svg.starts_with("<?xml") && shown.svg.contains("<svg"));
        assert_eq!(shown.url, format!("{origin}/sinh-hoat/{id}/co-mat?ma={}", shown.code));
        // The screen keeps the same code until it is used.
        assert_eq!(checkin::current_code(&db, &secretary, id, origin).await.unwrap().code, shown.code);

        let done = checkin::check_in(&db, &member, id, &shown.code).await.unwrap();
        assert!(!done.late);
        let row = meeting_attendance::Entity::find_by_id((id, f.member_c1)).one(&db).await.unwrap().unwrap();
        assert_eq!(row.status, "present");
        // The same code forwarded to someone else is refused.
        assert!(matches!(checkin::check_in(&db, &neighbour, id, &shown.code).await, Err(AppError::Conflict(_))));
        // After use the screen shows a new code.
        let next = checkin::current_code(&db, &secretary, id, origin).await.unwrap();
        assert_ne!(next.code, shown.code);
        assert_eq!(next.present, 1);

        // An expired code is refused...
        let stale = meeting_qr_code::Entity::find().filter(meeting_qr_code::Column::Code.eq(next.code.as_str())).one(&db).await.unwrap().unwrap();
        let mut old: meeting_qr_code::ActiveModel = stale.into();
        old.created_at = Set(chrono::Utc::now() - chrono::Duration::minutes(5));
        old.update(&db).await.unwrap();
        let err = checkin::check_in(&db, &neighbour, id, &next.code).await.unwrap_err();
        assert_eq!(err.field_message("code").unwrap(), "Mã điểm danh đã hết hạn. Vui lòng quét mã mới trên màn hình.");
        assert!(checkin::check_in(&db, &neighbour, id, "khong-phai-ma").await.unwrap_err().field_message("code").is_some());
        // ...but the member who already checked in can reopen the page any time.
        let again = checkin::check_in(&db, &member, id, &shown.code).await.unwrap();
        assert_eq!(again.checked_at, done.checked_at);
        // A code of another meeting does not work here, nor for someone not invited.
        assert!(checkin::check_in(&db, &neighbour, future, &shown.code).await.is_err());
        assert!(matches!(checkin::check_in(&db, &user(&db, f.member_d1).await, id, &shown.code).await, Err(AppError::Forbidden(_))));
    })
    .await;
}

#[tokio::test]
async fn documents_posted_a_day_ahead_earn_the_preparation_points() {
    use app::db::entities::meeting_document;
    use sea_orm::{ActiveModelTrait, Set};
    on_both(|db| async move {
        let f = fixture(&db).await;
        let secretary = user(&db, f.secretary).await;
        let id = meetings::plan(&db, &secretary, &form(f.cell_c1, 48)).await.unwrap();
        let meta = app::documents::service::ImportMeta {
            number: "05-HD/ĐU".into(),
            title: "Hướng dẫn sinh hoạt chi bộ tháng 12".into(),
            doc_type: "sinh_hoat_chi_bo".into(),
            level: "grassroots".into(),
            issuer: "Đảng ủy xã Hòa An".into(),
            issued_on: None,
            topics: String::new(),
            owner_unit_id: f.commune_x,
            audience_all: false,
            published: true,
            source: String::new(),
        };
        let doc = app::documents::service::import_text(&db, &meta, "Điều 1. Nội dung\nChi bộ thảo luận kế hoạch tháng 12.").await.unwrap().unwrap();
        // Addressed to nobody: the cell cannot see it, so it cannot be posted.
        assert!(meetings::attach_document(&db, &secretary, id, doc).await.unwrap_err().field_message("form").is_some());
        app::db::entities::document_audience::ActiveModel { document_id: Set(doc), unit_id: Set(f.commune_x) }.insert(&db).await.unwrap();
        meetings::attach_document(&db, &secretary, id, doc).await.unwrap();
        meetings::attach_document(&db, &secretary, id, doc).await.unwrap(); // again: no duplicate
        let detail = meetings::detail(&db, &secretary, id).await.unwrap();
        assert_eq!(detail.documents.len(), 1);
        assert!(detail.documents[0].early, "posted two days ahead");
        assert_eq!(detail.scores[0].auto_tenths, Some(150));
        // Posted too late: half the preparation suggestion.
        let link = meeting_document::Entity::find().one(&db).await.unwrap().unwrap();
        let mut late: meeting_document::ActiveModel = link.into();
        late.posted_at = Set(chrono::Utc::now() + chrono::Duration::hours(40));
        late.update(&db).await.unwrap();
        let detail = meetings::detail(&db, &secretary, id).await.unwrap();
        assert!(!detail.documents[0].early);
        assert_eq!(detail.scores[0].auto_tenths, Some(75));
        assert!(matches!(meetings::attach_document(&db, &user(&db, f.member_c1).await, id, doc).await, Err(AppError::Forbidden(_))));
    })
    .await;
}
