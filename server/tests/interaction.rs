//! Two-way interaction on real SQLite and PostgreSQL: questions and proposals (routing along the
//! asker's line, forwarding, anonymity in every answer a server function gives, status
//! transitions, rating, overdue, idempotent asking), announcements with their receipts, and the
//! notifications both produce.

use crate::common;

use app::db::entities::{notification, question};
use app::documents::search::{Feed, SearchIndex};
use app::error::AppError;
use app::questions::Forward;
use app::questions::service as questions;
use common::*;
use common::ask_form as form;
use chrono::Datelike;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, Set};

async fn unread(db: &DatabaseConnection, member: i64) -> i64 {
    app::notifications::service::unread(db, &user(db, member).await).await.unwrap()
}

fn not_found<T: std::fmt::Debug>(r: Result<T, AppError>) -> bool {
    matches!(r, Err(AppError::NotFound(_)))
}

#[tokio::test]
async fn a_question_goes_up_the_askers_line_and_forwarding_moves_who_sees_it() {
    on_both(|db| async move {
        let f = fixture(&db).await;
        let commune_member = add_member(&db, f.cell_c2, "Võ Văn Kiệt", "0900000108").await;
        give_role(&db, commune_member, "committee_member", f.commune_x).await;
        let asker = user(&db, f.member_c1).await;
        // Only units of the asker's own line.
        let err = questions::ask(&db, &asker, &form(f.bloc_b, "named", "a1a1a1a1a1")).await.unwrap_err();
        assert_eq!(err.field_message("unit_id").unwrap(), "Vui lòng chọn chi bộ của đồng chí hoặc một cấp ủy cấp trên của chi bộ.");
        assert_eq!(question::Entity::find().count(&db).await.unwrap(), 0);
        let line: Vec<i64> = questions::line_of(&db, f.cell_c1).await.unwrap().iter().map(|u| u.id).collect();
        assert_eq!(line, [f.cell_c1, f.commune_x, f.district_a, f.root]);

        let id = questions::ask(&db, &asker, &form(f.district_a, "named", "b2b2b2b2b2")).await.unwrap();
        assert_eq!(unread(&db, f.committee).await, 1, "the district committee is told");
        let committee = user(&db, f.committee).await;
        assert!(questions::detail(&db, &committee, id).await.unwrap().can_handle);
        assert_eq!(questions::inbox(&db, &committee, None).await.unwrap().items.len(), 1);
        // Nobody else: not the cell's secretary, not a sibling, not the province above.
        for other in [f.secretary, f.member_d1, f.admin, commune_member] {
            assert!(not_found(questions::detail(&db, &user(&db, other).await, id).await), "member {other} must not see it");
        }
        // Forwarded down to the commune: now the commune sees it and the district does not.
        // The holder names a direction along the asker's line, never a unit.
        let choices: Vec<Forward> = questions::detail(&db, &committee, id).await.unwrap().forward_choices.iter().map(|c| c.direction).collect();
        assert_eq!(choices, [Forward::Up, Forward::Down, Forward::ToCell]);
        questions::forward(&db, &committee, id, Forward::Down, "Thuộc thẩm quyền Đảng ủy xã").await.unwrap();
        assert!(not_found(questions::detail(&db, &committee, id).await));
        assert!(questions::inbox(&db, &committee, None).await.unwrap().items.is_empty());
        let commune = user(&db, commune_member).await;
        let d = questions::detail(&db, &commune, id).await.unwrap();
        assert_eq!((d.summary.unit.id, d.summary.status.as_str()), (f.commune_x, "received"));
        assert_eq!(d.history.last().unwrap().note, "Thuộc thẩm quyền Đảng ủy xã");
        assert_eq!(unread(&db, commune_member).await, 1);
        // The asker follows it wherever it goes.
        assert_eq!(questions::detail(&db, &asker, id).await.unwrap().summary.unit.name, "Đảng bộ xã Hòa An");
        // A member without a position has no inbox.
        assert!(matches!(questions::inbox(&db, &asker, None).await, Err(AppError::Forbidden(_))));
    })
    .await;
}

#[tokio::test]
async fn anonymity_never_leaks_the_askers_name() {
    on_both(|db| async move {
        let f = fixture(&db).await;
        let asker = user(&db, f.member_c1).await;
        let committee = user(&db, f.committee).await;
        let secretary = user(&db, f.secretary).await;
        let name = "Phạm Văn Hậu";
        let json = |v: &dyn erased::Json| v.json();

        // Hidden from the higher level, known to the asker's own secretary once it reaches the cell.
        let id = questions::ask(&db, &asker, &form(f.district_a, "cell_only", "c3c3c3c3c3")).await.unwrap();
        let d = questions::detail(&db, &committee, id).await.unwrap();
        assert_eq!(d.summary.asker, None);
        assert!(!json(&d).contains(name), "detail for the district");
        assert!(!json(&questions::inbox(&db, &committee, Some("all")).await.unwrap()).contains(name));
        questions::forward(&db, &committee, id, Forward::ToCell, "").await.unwrap();
        assert_eq!(questions::detail(&db, &secretary, id).await.unwrap().summary.asker.as_deref(), Some(name));

        // Fully anonymous: not even the secretary, through the detail, the history or the inbox.
        let id = questions::ask(&db, &asker, &form(f.cell_c1, "anonymous", "d4d4d4d4d4")).await.unwrap();
        questions::take(&db, &secretary, id).await.unwrap();
        questions::answer(&db, &secretary, id, "Đảng viên hưu trí đóng 0,5% lương hưu hằng tháng.").await.unwrap();
        questions::rate(&db, &asker, id, 4, "Rõ ràng").await.unwrap();
        let d = questions::detail(&db, &secretary, id).await.unwrap();
        assert_eq!(d.summary.asker, None);
        let by_asker: Vec<_> = d.history.iter().filter(|e| e.action == "Gửi câu hỏi" || e.action.starts_with("Người hỏi")).collect();
        assert_eq!(by_asker.iter().map(|e| e.action.as_str()).collect::<Vec<_>>(), ["Gửi câu hỏi", "Người hỏi đánh giá câu trả lời"]);
        assert!(by_asker.iter().all(|e| e.actor.is_none()));
        assert!(!json(&d).contains(name));
        // (The inbox also holds the cell_only question above, whose name this secretary may see.)
        let inbox = questions::inbox(&db, &secretary, Some("all")).await.unwrap();
        let item = inbox.items.iter().find(|q| q.id == id).unwrap();
        assert_eq!(item.asker, None);
        assert!(!json(item).contains(name));
        assert!(json(item).contains("Mức đóng đảng phí"), "the question itself is there");
        // The asker sees their own name.
        assert_eq!(questions::detail(&db, &asker, id).await.unwrap().summary.asker.as_deref(), Some(name));

        // Named: the committee sees it.
        let id = questions::ask(&db, &asker, &form(f.district_a, "named", "e5e5e5e5e5")).await.unwrap();
        assert_eq!(questions::detail(&db, &committee, id).await.unwrap().summary.asker.as_deref(), Some(name));
    })
    .await;
}

#[tokio::test]
async fn statuses_move_only_forward_and_only_the_asker_rates() {
    on_both(|db| async move {
        let f = fixture(&db).await;
        let asker = user(&db, f.member_c1).await;
        let committee = user(&db, f.committee).await;
        let id = questions::ask(&db, &asker, &form(f.district_a, "named", "f6f6f6f6f6")).await.unwrap();
        assert!(matches!(questions::rate(&db, &asker, id, 5, "").await, Err(AppError::Conflict(_))), "nothing to rate yet");
        questions::take(&db, &committee, id).await.unwrap();
        assert!(matches!(questions::take(&db, &committee, id).await, Err(AppError::Conflict(_))));
        assert!(questions::answer(&db, &committee, id, "Ngắn").await.unwrap_err().field_message("answer").is_some());
        assert!(matches!(questions::answer(&db, &asker, id, "Tự trả lời câu hỏi của mình").await, Err(AppError::Forbidden(_))));
        assert_eq!(unread(&db, f.member_c1).await, 0);
        questions::answer(&db, &committee, id, "Theo Quy định 01-QĐ/TW, đảng viên hưởng lương hưu đóng 0,5% lương hưu.").await.unwrap();
        assert_eq!(unread(&db, f.member_c1).await, 1, "the asker is told");
        let q = question::Entity::find_by_id(id).one(&db).await.unwrap().unwrap();
        assert_eq!(q.status, "answered");
        for illegal in [
            questions::answer(&db, &committee, id, "Trả lời thêm một lần nữa cho chắc").await,
            questions::forward(&db, &committee, id, Forward::Down, "").await,
            questions::take(&db, &committee, id).await,
        ] {
            assert!(matches!(illegal, Err(AppError::Conflict(_))), "{illegal:?}");
        }
        assert!(matches!(questions::rate(&db, &committee, id, 5, "").await, Err(AppError::Forbidden(_))));
        assert!(questions::rate(&db, &asker, id, 6, "").await.unwrap_err().field_message("stars").is_some());
        questions::rate(&db, &asker, id, 5, "Cảm ơn cấp ủy").await.unwrap();
        questions::close(&db, &asker, id, "").await.unwrap();
        assert!(matches!(questions::close(&db, &asker, id, "").await, Err(AppError::Conflict(_))));
        let q = question::Entity::find_by_id(id).one(&db).await.unwrap().unwrap();
        assert_eq!((q.status.as_str(), q.rating), ("closed", Some(5)));

        // A handler closing an unanswered question says why; the asker cannot close it unanswered.
        let id = questions::ask(&db, &asker, &form(f.district_a, "named", "a7a7a7a7a7")).await.unwrap();
        assert!(matches!(questions::close(&db, &asker, id, "").await, Err(AppError::Conflict(_))));
        assert!(questions::close(&db, &committee, id, "").await.unwrap_err().field_message("note").is_some());
        questions::close(&db, &committee, id, "Trùng với câu hỏi đã trả lời").await.unwrap();
    })
    .await;
}

#[tokio::test]
async fn overdue_questions_are_counted_and_a_resent_question_is_filed_once() {
    on_both(|db| async move {
        let f = fixture(&db).await;
        let asker = user(&db, f.member_c1).await;
        let committee = user(&db, f.committee).await;
        let first = questions::ask(&db, &asker, &form(f.district_a, "named", "0a0a0a0a0a")).await.unwrap();
        assert_eq!(questions::ask(&db, &asker, &form(f.district_a, "named", "0a0a0a0a0a")).await.unwrap(), first);
        assert_eq!(question::Entity::find().count(&db).await.unwrap(), 1);
        assert_eq!(unread(&db, f.committee).await, 1, "one notification for one question");
        let other = user(&db, f.member_c1_b).await;
        // Another member's id: refused as a malformed one would be, never "already used".
        let err = questions::ask(&db, &other, &form(f.district_a, "named", "0a0a0a0a0a")).await.unwrap_err();
        assert_eq!(err.field_message("client_id").as_deref(), Some(app::common::client_id::REJECTED));

        let inbox = questions::inbox(&db, &committee, None).await.unwrap();
        assert_eq!((inbox.open, inbox.overdue), (1, 0));
        let due = inbox.items[0].due_on.clone();
        assert!(!due.is_empty());
        let mut late: question::ActiveModel = question::Entity::find_by_id(first).one(&db).await.unwrap().unwrap().into();
        late.due_on = Set(chrono::Utc::now().date_naive() - chrono::Duration::days(2));
        let late = late.update(&db).await.unwrap();
        let inbox = questions::inbox(&db, &committee, None).await.unwrap();
        assert_eq!((inbox.open, inbox.overdue), (1, 1));
        assert!(inbox.items[0].overdue);
        let today = chrono::Utc::now().date_naive();
        assert!(questions::is_overdue(&late, today));
        let mut answered = late.clone();
        answered.status = "answered".into();
        assert!(!questions::is_overdue(&answered, today), "answered late is no longer overdue");
    })
    .await;
}

#[tokio::test]
async fn notifications_are_read_only_by_their_owner() {
    on_both(|db| async move {
        let f = fixture(&db).await;
        let asker = user(&db, f.member_c1).await;
        questions::ask(&db, &asker, &form(f.district_a, "named", "1b1b1b1b1b")).await.unwrap();
        questions::ask(&db, &asker, &form(f.district_a, "named", "2c2c2c2c2c")).await.unwrap();
        assert_eq!(unread(&db, f.committee).await, 2);
        let theirs = notification::Entity::find().filter(notification::Column::MemberId.eq(f.committee)).one(&db).await.unwrap().unwrap();
        // Another member marking it read changes nothing: not theirs, so "not found".
        let refused = app::notifications::service::mark_read(&db, &asker, Some(theirs.id)).await;
        assert!(matches!(refused, Err(app::error::AppError::NotFound(_))), "{refused:?}");
        assert_eq!(unread(&db, f.committee).await, 2);
        let committee = user(&db, f.committee).await;
        app::notifications::service::mark_read(&db, &committee, Some(theirs.id)).await.unwrap();
        assert_eq!(unread(&db, f.committee).await, 1);
        let list = app::notifications::service::latest(&db, &committee).await.unwrap();
        assert_eq!(list.iter().filter(|n| n.read).count(), 1);
        assert_eq!(list.len(), 2, "one notification per question");
        assert!(list.iter().all(|n| n.link.starts_with("/hoi-dap/") && n.title.starts_with("Câu hỏi mới:")));
        app::notifications::service::mark_read(&db, &committee, None).await.unwrap();
        assert_eq!(unread(&db, f.committee).await, 0);
    })
    .await;
}

/// Server-function results as JSON, to check no field anywhere carries a name.
mod erased {
    pub trait Json {
        fn json(&self) -> String;
    }
    impl<T: serde::Serialize> Json for T {
        fn json(&self) -> String {
            serde_json::to_string(self).expect("json")
        }
    }
}

#[tokio::test]
async fn announcements_reach_exactly_their_audience_and_receipts_count_once() {
    use app::announcements::AnnouncementForm;
    use app::announcements::service as announcements;
    on_both(|db| async move {
        let f = fixture(&db).await;
        let d1_secretary = add_member(&db, f.cell_d1, "Lý Thị Mai", "0900000109").await;
        give_role(&db, d1_secretary, "deputy_secretary", f.cell_d1).await;
        let committee = user(&db, f.committee).await;
        let send = |audience: &str, confirm: bool| AnnouncementForm {
            unit_id: f.district_a,
            title: "Giấy mời dự hội nghị sơ kết công tác xây dựng Đảng".into(),
            body: "Kính mời các đồng chí dự hội nghị lúc 7 giờ 30 ngày 05/12 tại Hội trường Huyện ủy.".into(),
            audience: audience.into(),
            needs_confirm: confirm,
        };
        // Every active member of the district: C1 (3), C2 (committee member), D1 (2); not the bloc.
        let mut all = announcements::recipients(&db, f.district_a, "all").await.unwrap();
        all.sort_unstable();
        let mut expected = vec![f.secretary, f.member_c1, f.member_c1_b, f.committee, f.member_d1, d1_secretary];
        expected.sort_unstable();
        assert_eq!(all, expected);
        let mut secretaries = announcements::recipients(&db, f.district_a, "secretaries").await.unwrap();
        secretaries.sort_unstable();
        let mut expected = vec![f.secretary, d1_secretary];
        expected.sort_unstable();
        assert_eq!(secretaries, expected, "the cells' (deputy) secretaries, nobody else");
        assert_eq!(announcements::recipients(&db, f.district_a, "committee").await.unwrap(), [f.committee]);
        assert_eq!(announcements::recipients(&db, f.root, "committee").await.unwrap(), [f.admin, f.committee].iter().copied().collect::<std::collections::BTreeSet<_>>().into_iter().collect::<Vec<_>>());

        let id = announcements::send(&db, &committee, &send("secretaries", true)).await.unwrap();
        assert_eq!(unread(&db, f.secretary).await, 1);
        assert_eq!(unread(&db, d1_secretary).await, 1);
        assert_eq!(unread(&db, f.member_c1).await, 0, "plain members were not targeted");
        // A member who was not targeted cannot open it.
        assert!(not_found(announcements::open(&db, &user(&db, f.member_c1).await, id).await));
        // Read receipts count once however often it is opened; confirming twice counts once.
        let secretary = user(&db, f.secretary).await;
        for _ in 0..3 {
            announcements::open(&db, &secretary, id).await.unwrap();
        }
        announcements::confirm(&db, &secretary, id).await.unwrap();
        announcements::confirm(&db, &secretary, id).await.unwrap();
        let d1 = user(&db, d1_secretary).await;
        announcements::confirm(&db, &d1, id).await.unwrap(); // confirming without opening also reads
        let r = announcements::receipts(&db, id).await.unwrap();
        assert_eq!((r.recipients, r.read, r.confirmed), (2, 2, 2));
        let view = announcements::open(&db, &committee, id).await.unwrap();
        assert_eq!(view.receipts.map(|r| (r.read, r.confirmed)), Some((2, 2)), "the sender sees the counts");
        assert!(!view.is_recipient);

        // Bad input and the wrong sender: clear errors, nothing sent.
        let mut bad = send("everyone", false);
        bad.title = "Mời".into();
        let err = announcements::send(&db, &committee, &bad).await.unwrap_err();
        assert!(err.field_message("audience").is_some() && err.field_message("title").is_some());
        let mut outside = send("all", false);
        outside.unit_id = f.bloc_b;
        assert!(matches!(announcements::send(&db, &committee, &outside).await, Err(AppError::Forbidden(_))));
        assert!(matches!(announcements::send(&db, &secretary, &send("all", false)).await, Err(AppError::Forbidden(_))));
        let plain = announcements::send(&db, &committee, &send("all", false)).await.unwrap();
        assert!(matches!(announcements::confirm(&db, &secretary, plain).await, Err(AppError::Conflict(_))), "nothing to confirm");
        assert_eq!(app::db::entities::announcement::Entity::find().count(&db).await.unwrap(), 2);
    })
    .await;
}

#[tokio::test]
async fn answers_published_to_the_faq_name_nobody_and_are_found_without_diacritics() {
    on_both(|db| async move {
        let f = fixture(&db).await;
        let index = SearchIndex::build(&db).await.unwrap();
        // A second server's index, following the change feed from before the publish.
        let (other, mut feed) = (SearchIndex::temporary(&db).await.unwrap(), Feed::after(0));
        let asker = user(&db, f.member_c1).await;
        let committee = user(&db, f.committee).await;
        let id = questions::ask(&db, &asker, &form(f.district_a, "named", "3d3d3d3d3d")).await.unwrap();
        assert!(matches!(
            questions::publish_faq(&db, &index, &committee, id, "Đảng viên hưu trí đóng đảng phí thế nào?", "Đóng 0,5% lương hưu.").await,
            Err(AppError::Conflict(_))
        ), "nothing answered yet");
        questions::answer(&db, &committee, id, "Theo Quy định 01-QĐ/TW, đảng viên hưởng lương hưu đóng 0,5% lương hưu.").await.unwrap();
        assert!(matches!(questions::publish_faq(&db, &index, &asker, id, "Câu hỏi của tôi về đảng phí", "Câu trả lời của cấp ủy").await, Err(AppError::Forbidden(_))));
        assert!(questions::publish_faq(&db, &index, &committee, id, "Ngắn", "Đóng 0,5% lương hưu hằng tháng.").await.unwrap_err().field_message("faq_question").is_some());
        let entry = questions::publish_faq(&db, &index, &committee, id, "Đảng viên hưu trí đóng đảng phí bao nhiêu?", "Đảng viên hưởng lương hưu đóng 0,5% lương hưu hằng tháng.").await.unwrap();
        // Publishing again edits the same entry.
        assert_eq!(questions::publish_faq(&db, &index, &committee, id, "Đảng viên hưu trí đóng đảng phí bao nhiêu phần trăm?", "Đảng viên hưởng lương hưu đóng 0,5% lương hưu hằng tháng.").await.unwrap(), entry);
        assert_eq!(questions::detail(&db, &committee, id).await.unwrap().faq_id, Some(entry));

        // Found without diacritics by members under the district; the entry carries no name.
        let member_b = user(&db, f.member_c1_b).await;
        let hits = questions::faq(&db, &index, &member_b, "dang phi huu tri").await.unwrap();
        assert_eq!(hits.iter().map(|h| h.id).collect::<Vec<_>>(), [entry]);
        assert!(hits[0].question.ends_with("phần trăm?"));
        assert!(!erased::Json::json(&hits).contains("Phạm Văn Hậu"));
        assert!(questions::faq(&db, &index, &member_b, "bao hiem xa hoi").await.unwrap().is_empty(), "unrelated words find nothing");
        assert_eq!(questions::faq(&db, &index, &member_b, "").await.unwrap().len(), 1, "no query: newest first");
        // Every other server reads the publish from the feed; an index made again holds it too.
        other.follow(&db, &mut feed).await.unwrap();
        assert_eq!(questions::faq(&db, &other, &member_b, "dang phi huu tri").await.unwrap().iter().map(|h| h.id).collect::<Vec<_>>(), [entry]);
        let rebuilt = SearchIndex::build(&db).await.unwrap();
        assert_eq!(questions::faq(&db, &rebuilt, &member_b, "đảng phí hưu trí").await.unwrap().iter().map(|h| h.id).collect::<Vec<_>>(), [entry]);
        // Not for the bloc next door.
        assert!(questions::faq(&db, &index, &user(&db, f.member_e1).await, "dang phi").await.unwrap().is_empty());
    })
    .await;
}

#[tokio::test]
async fn the_question_report_counts_answers_overdue_median_time_and_satisfaction() {
    on_both(|db| async move {
        let f = fixture(&db).await;
        let asker = user(&db, f.member_c1).await;
        let committee = user(&db, f.committee).await;
        let secretary = user(&db, f.secretary).await;
        let a = questions::ask(&db, &asker, &form(f.district_a, "named", "4e4e4e4e4e")).await.unwrap();
        let b = questions::ask(&db, &asker, &form(f.cell_c1, "named", "5f5f5f5f5f")).await.unwrap();
        let c = questions::ask(&db, &asker, &form(f.district_a, "named", "6a6a6a6a6a")).await.unwrap();
        questions::answer(&db, &committee, a, "Theo Quy định 01-QĐ/TW, đảng viên hưởng lương hưu đóng 0,5% lương hưu.").await.unwrap();
        questions::answer(&db, &secretary, b, "Chi bộ sẽ đưa vào nội dung sinh hoạt tháng tới để bàn bạc.").await.unwrap();
        questions::rate(&db, &asker, a, 5, "").await.unwrap();
        questions::rate(&db, &asker, b, 3, "").await.unwrap();
        // Answers took 10 and 30 hours; c is overdue.
        for (id, hours) in [(a, 10), (b, 30)] {
            let q = question::Entity::find_by_id(id).one(&db).await.unwrap().unwrap();
            let answered = q.answered_at.unwrap();
            let mut q: question::ActiveModel = q.into();
            q.created_at = Set(answered - chrono::Duration::hours(hours));
            q.update(&db).await.unwrap();
        }
        let mut late: question::ActiveModel = question::Entity::find_by_id(c).one(&db).await.unwrap().unwrap().into();
        late.due_on = Set(chrono::Utc::now().date_naive() - chrono::Duration::days(1));
        late.update(&db).await.unwrap();

        let year = app::common::report::Period::year(app::common::time::today().year());
        let r = questions::report(&db, &committee, f.district_a, year).await.unwrap();
        let t = &r.totals;
        assert_eq!((t.received, t.answered, t.open, t.overdue), (3, 2, 1, 1));
        assert_eq!(t.median_answer_hours, Some(20), "median of 10 and 30 hours");
        assert_eq!((t.rated, t.star_sum), (2, 8));
        assert_eq!(r.stars, [0, 0, 1, 0, 1]);
        assert_eq!(r.topics.iter().find(|(l, _)| l == "Đảng phí").map(|(_, n)| *n), Some(3));
        assert_eq!(r.topics.iter().map(|(_, n)| n).sum::<i64>(), 3, "every question under one topic");
        // By child unit: the cell's question sits under commune X; the district's own two under none.
        assert_eq!(r.rows.iter().map(|(u, s)| (u.name.as_str(), s.received)).collect::<Vec<_>>(), [("Đảng bộ xã Hòa An", 1)]);
        // The spreadsheet carries the same figures.
        let csv = app::spreadsheet::csv(&questions::sheets(&r));
        assert!(csv.contains("Tổng cộng,3,2,1,1,20,2,4.0"), "{csv}");
        assert!(csv.contains("Đảng phí,3"));
        // The secretary sees her cell's figures only.
        let own = questions::report(&db, &secretary, f.cell_c1, year).await.unwrap();
        assert_eq!(own.totals.received, 1);
        match questions::report(&db, &secretary, f.district_a, year).await {
            Err(AppError::Forbidden(m)) => assert_eq!(m, "Bạn chỉ được xem báo cáo hỏi đáp trong phạm vi mình phụ trách."),
            other => panic!("{other:?}"),
        }
    })
    .await;
}

#[tokio::test]
async fn a_duplicate_is_merged_and_its_asker_gets_the_shared_answer() {
    on_both(|db| async move {
        let f = fixture(&db).await;
        let committee = user(&db, f.committee).await;
        let first = questions::ask(&db, &user(&db, f.member_c1).await, &form(f.district_a, "named", "7b7b7b7b7b")).await.unwrap();
        let duplicate = questions::ask(&db, &user(&db, f.member_d1).await, &form(f.district_a, "anonymous", "8c8c8c8c8c")).await.unwrap();
        let elsewhere = questions::ask(&db, &user(&db, f.member_c1_b).await, &form(f.cell_c1, "named", "9d9d9d9d9d")).await.unwrap();
        assert!(questions::merge(&db, &committee, duplicate, duplicate).await.unwrap_err().field_message("into").is_some());
        assert!(questions::merge(&db, &committee, duplicate, elsewhere).await.unwrap_err().field_message("into").is_some(), "not held by this committee");
        assert!(matches!(questions::merge(&db, &user(&db, f.secretary).await, duplicate, first).await, Err(AppError::NotFound(_))));
        questions::merge(&db, &committee, duplicate, first).await.unwrap();
        assert!(matches!(questions::merge(&db, &committee, duplicate, first).await, Err(AppError::Conflict(_))), "already closed");
        let asker_d1 = user(&db, f.member_d1).await;
        let d = questions::detail(&db, &asker_d1, duplicate).await.unwrap();
        assert_eq!((d.summary.status.as_str(), d.merged_into, d.merged_answer.clone()), ("closed", Some(first), None));
        assert_eq!(unread(&db, f.member_d1).await, 1, "told of the merge");
        questions::answer(&db, &committee, first, "Theo Quy định 01-QĐ/TW, đảng viên hưởng lương hưu đóng 0,5% lương hưu.").await.unwrap();
        assert_eq!(unread(&db, f.member_d1).await, 2, "and of the shared answer");
        let d = questions::detail(&db, &asker_d1, duplicate).await.unwrap();
        assert!(d.merged_answer.unwrap().contains("0,5% lương hưu"));
        // The first asker still cannot see the duplicate (nor who wrote it).
        assert!(not_found(questions::detail(&db, &user(&db, f.member_c1).await, duplicate).await));
    })
    .await;
}
