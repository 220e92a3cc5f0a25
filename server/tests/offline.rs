//! Writes made offline and sent later, on real SQLite and PostgreSQL: each applied once however
//! often the device sends it, in the order made, never for another account; refusals come back
//! with their reason and stay the same on replay. And the plan of pages a device keeps.

use crate::common;

use app::db::entities::{bookmark, offline_write, reading_event};
use app::meetings::{AttendanceMark, CriterionScore, MeetingForm};
use app::meetings::service as meetings;
use app::offline::service as offline;
use app::offline::{MAX_SYNC_BATCH, OfflineWrite, QueuedWrite, SyncStatus};
use app::reading::{Pace, ProgressEvent, service as reading};
use common::*;
use sea_orm::{ActiveModelTrait, EntityTrait, PaginatorTrait, Set};

fn write(id: &str, member_id: i64, write: OfflineWrite) -> QueuedWrite {
    QueuedWrite { client_id: id.into(), member_id, label: "thử".into(), write }
}

/// Seven seconds on every section: enough to read each (42 words at 8 words per second).
fn read_all(tag: &str, document_id: i64, sections: &[i64]) -> OfflineWrite {
    let events = sections
        .iter()
        .enumerate()
        .map(|(i, s)| ProgressEvent { client_id: format!("{tag:0>8}-{i:04x}"), document_id, section_id: *s, seconds: 7 })
        .collect();
    OfflineWrite::ReadingProgress { events }
}

fn statuses(r: &app::offline::SyncResponse) -> Vec<SyncStatus> {
    r.results.iter().map(|r| r.status).collect()
}

#[tokio::test]
async fn a_queue_read_offline_counts_once_however_often_it_is_replayed() {
    on_both(|db| async move {
        let f = fixture(&db).await;
        let member = user(&db, f.member_c1).await;
        let (doc, sections) = reading_document(&db, f.root, true, "Hướng dẫn sinh hoạt chi bộ").await;
        let queue = vec![
            write("0000000a-0001", f.member_c1, read_all("a1", doc, &sections)),
            write("0000000a-0002", f.member_c1, OfflineWrite::ReadingConfirm { document_id: doc }),
        ];
        let first = offline::sync(&db, Pace::default(), &member, &queue).await.unwrap();
        assert_eq!(statuses(&first), vec![SyncStatus::Applied, SyncStatus::Applied]);
        let after = reading::progress_for(&db, Pace::default(), f.member_c1, doc).await.unwrap();
        assert!(after.confirmed && after.completed, "{after:?}");
        let seconds = after.active_seconds;
        assert_eq!(seconds, 7 * sections.len() as i64);

        // The page and the service worker both send it, and then it is sent once more.
        for _ in 0..2 {
            let again = offline::sync(&db, Pace::default(), &member, &queue).await.unwrap();
            assert_eq!(statuses(&again), vec![SyncStatus::Duplicate, SyncStatus::Duplicate]);
        }
        let after = reading::progress_for(&db, Pace::default(), f.member_c1, doc).await.unwrap();
        assert_eq!(after.active_seconds, seconds);
        assert_eq!(reading_event::Entity::find().count(&db).await.unwrap(), sections.len() as u64);
        assert_eq!(offline_write::Entity::find().count(&db).await.unwrap(), 2);
        // The same events under a new write id (a page that lost track of what it queued): the
        // events' own ids still count them once.
        let resent = offline::sync(&db, Pace::default(), &member, &[write("0000000a-0003", f.member_c1, read_all("a1", doc, &sections))]).await.unwrap();
        assert_eq!(statuses(&resent), vec![SyncStatus::Applied]);
        assert_eq!(reading::progress_for(&db, Pace::default(), f.member_c1, doc).await.unwrap().active_seconds, seconds);
    })
    .await;
}

#[tokio::test]
async fn refusals_carry_their_reason_and_replays_get_the_same_answer() {
    on_both(|db| async move {
        let f = fixture(&db).await;
        let member = user(&db, f.member_c1).await;
        let (doc, sections) = reading_document(&db, f.root, true, "Hướng dẫn sinh hoạt chi bộ").await;
        // Confirming before reading: refused, with the reader's own numbers, nothing stored.
        let early = [write("0000000b-0001", f.member_c1, OfflineWrite::ReadingConfirm { document_id: doc })];
        let r = offline::sync(&db, Pace::default(), &member, &early).await.unwrap();
        assert_eq!(statuses(&r), vec![SyncStatus::Rejected]);
        assert!(r.results[0].message.starts_with("Đồng chí chưa đọc hết tài liệu: đã xem 0/11 phần"), "{r:?}");
        assert!(!reading::progress_for(&db, Pace::default(), f.member_c1, doc).await.unwrap().confirmed);
        // Reading later does not turn that old refusal into a success on replay.
        offline::sync(&db, Pace::default(), &member, &[write("0000000b-0002", f.member_c1, read_all("b2", doc, &sections))]).await.unwrap();
        let replay = offline::sync(&db, Pace::default(), &member, &early).await.unwrap();
        assert_eq!(replay.results[0].status, SyncStatus::Rejected);
        assert_eq!(replay.results[0].message, r.results[0].message);

        // A document outside the member's subtree: refused, nothing counted.
        let (other, other_sections) = reading_document(&db, f.bloc_b, false, "Tài liệu riêng của Khối").await;
        let r = offline::sync(&db, Pace::default(), &member, &[write("0000000b-0003", f.member_c1, read_all("c3", other, &other_sections))]).await.unwrap();
        assert_eq!(r.results[0].status, SyncStatus::Rejected);
        assert_eq!(reading::progress_for(&db, Pace::default(), f.member_c1, other).await.unwrap().active_seconds, 0);

        // Queued by another account on the same phone: kept for them, never applied to this one.
        let theirs = [write("0000000b-0004", f.member_c1_b, read_all("d4", doc, &sections))];
        let r = offline::sync(&db, Pace::default(), &member, &theirs).await.unwrap();
        assert_eq!(r.results[0].status, SyncStatus::OtherAccount);
        assert_eq!(reading::progress_for(&db, Pace::default(), f.member_c1_b, doc).await.unwrap().active_seconds, 0);
        let owner = user(&db, f.member_c1_b).await;
        assert_eq!(offline::sync(&db, Pace::default(), &owner, &theirs).await.unwrap().results[0].status, SyncStatus::Applied);

        // A malformed id and an oversized batch are refused clearly.
        let r = offline::sync(&db, Pace::default(), &member, &[write("không hợp lệ", f.member_c1, OfflineWrite::ReadingConfirm { document_id: doc })]).await.unwrap();
        assert_eq!((r.results[0].status, r.results[0].message.as_str()), (SyncStatus::Rejected, app::common::client_id::REJECTED));
        let many: Vec<_> = (0..=MAX_SYNC_BATCH)
            .map(|i| write(&format!("0000000c-{i:04x}"), f.member_c1, OfflineWrite::ReadingConfirm { document_id: doc }))
            .collect();
        let err = offline::sync(&db, Pace::default(), &member, &many).await.unwrap_err();
        assert_eq!(err.field_message("writes").unwrap(), format!("Mỗi lần gửi tối đa {MAX_SYNC_BATCH} thao tác."));
    })
    .await;
}

#[tokio::test]
async fn meeting_writes_made_offline_apply_once_and_an_approved_meeting_refuses_them() {
    on_both(|db| async move {
        let f = fixture(&db).await;
        let secretary = user(&db, f.secretary).await;
        let committee = user(&db, f.committee).await;
        let starts = (chrono::Utc::now() + chrono::Duration::hours(7 - 2)).format("%Y-%m-%dT%H:%M").to_string();
        let form = MeetingForm {
            unit_id: f.cell_c1,
            kind: "regular".into(),
            topic: "Sinh hoạt thường kỳ tháng 11".into(),
            agenda: "1. Đánh giá tình hình tháng 10".into(),
            place: "Nhà văn hóa ấp 1".into(),
            starts_at: starts,
            planned_minutes: "100".into(),
            with_thematic: false,
        };
        let id = meetings::plan(&db, &secretary, &form).await.unwrap();
        let marks = vec![
            AttendanceMark { member_id: f.secretary, status: "present".into(), note: String::new() },
            AttendanceMark { member_id: f.member_c1, status: "present".into(), note: String::new() },
            AttendanceMark { member_id: f.member_c1_b, status: "absent".into(), note: String::new() },
        ];
        let criteria: Vec<i64> = meetings::detail(&db, &secretary, id).await.unwrap().scores.iter().map(|s| s.criterion_id).collect();
        let scores: Vec<CriterionScore> =
            criteria.iter().zip([140, 160, 400, 150]).map(|(c, t)| CriterionScore { criterion_id: *c, tenths: t, reason: String::new() }).collect();
        // Held, attendance and score, in the order the secretary did them offline.
        let queue = vec![
            write("0000000d-0001", f.secretary, OfflineWrite::MeetingHeld { meeting_id: id, held_minutes: 95 }),
            write("0000000d-0002", f.secretary, OfflineWrite::MeetingAttendance { meeting_id: id, marks }),
            write("0000000d-0003", f.secretary, OfflineWrite::MeetingScore { meeting_id: id, scores: scores.clone() }),
        ];
        let r = offline::sync(&db, Pace::default(), &secretary, &queue).await.unwrap();
        assert_eq!(statuses(&r), vec![SyncStatus::Applied; 3]);
        let detail = meetings::detail(&db, &secretary, id).await.unwrap();
        assert_eq!((detail.facts.expected, detail.facts.attended, detail.facts.unexcused), (3, 2, 1));
        assert_eq!(detail.summary.total_tenths, Some(850));
        let r = offline::sync(&db, Pace::default(), &secretary, &queue).await.unwrap();
        assert_eq!(statuses(&r), vec![SyncStatus::Duplicate; 3]);

        // The district approves; a rescore the secretary made offline afterwards is refused with
        // the reason, and the approved result stands.
        meetings::review(&db, &committee, id, &[], true).await.unwrap();
        let late: Vec<CriterionScore> = scores.iter().map(|s| CriterionScore { tenths: 100, ..s.clone() }).collect();
        let r = offline::sync(&db, Pace::default(), &secretary, &[write("0000000d-0004", f.secretary, OfflineWrite::MeetingScore { meeting_id: id, scores: late })])
            .await
            .unwrap();
        assert_eq!(r.results[0].status, SyncStatus::Rejected);
        assert_eq!(r.results[0].message, "Cấp trên đã duyệt kết quả; không chấm lại được.");
        assert_eq!(meetings::detail(&db, &secretary, id).await.unwrap().summary.total_tenths, Some(850));
        // A member who is not the secretary cannot take attendance from a queue either.
        let member = user(&db, f.member_c1).await;
        let r = offline::sync(&db, Pace::default(), &member, &[write("0000000d-0005", f.member_c1, OfflineWrite::MeetingHeld { meeting_id: id, held_minutes: 10 })])
            .await
            .unwrap();
        assert_eq!(r.results[0].status, SyncStatus::Rejected);
    })
    .await;
}

#[tokio::test]
async fn the_device_keeps_assigned_and_bookmarked_documents_it_may_see() {
    on_both(|db| async move {
        let f = fixture(&db).await;
        let member = user(&db, f.member_c1).await;
        let committee = user(&db, f.committee).await;
        let (assigned, _) = reading_document(&db, f.root, true, "Chỉ thị về học tập và làm theo tư tưởng Hồ Chí Minh").await;
        let (marked, marked_sections) = reading_document(&db, f.root, true, "Điều lệ Đảng").await;
        let (elsewhere, _) = reading_document(&db, f.bloc_b, false, "Tài liệu riêng của Khối").await;
        reading::assign(&db, &committee, assigned, f.district_a, "2099-12-31").await.unwrap();
        bookmark::ActiveModel {
            member_id: Set(f.member_c1),
            section_id: Set(marked_sections[2]),
            document_id: Set(marked),
            created_at: Set(chrono::Utc::now()),
        }
        .insert(&db)
        .await
        .unwrap();
        let plan = offline::plan(&db, &member, 5 * 1024 * 1024).await.unwrap();
        assert_eq!(plan.budget_bytes, 5 * 1024 * 1024);
        assert_eq!(plan.member_id, f.member_c1);
        let urls: Vec<(&str, &str)> = plan.pages.iter().map(|p| (p.url.as_str(), p.reason.as_str())).collect();
        assert!(urls.contains(&("/", "app")) && urls.contains(&("/can-doc", "app")), "{urls:?}");
        let assigned_url = format!("/tai-lieu/{assigned}");
        let marked_url = format!("/tai-lieu/{marked}");
        let doc_urls: Vec<(&str, &str)> = urls.iter().filter(|(u, _)| u.starts_with("/tai-lieu/")).copied().collect();
        // Assigned and unread first, then bookmarked; never a document of another subtree.
        assert_eq!(doc_urls, vec![(assigned_url.as_str(), "assigned"), (marked_url.as_str(), "bookmarked")]);
        assert!(!urls.iter().any(|(u, _)| *u == format!("/tai-lieu/{elsewhere}")));
        let page = plan.pages.iter().find(|p| p.url == assigned_url).unwrap();
        assert_eq!(page.title, "Chỉ thị về học tập và làm theo tư tưởng Hồ Chí Minh");
        assert!(!page.version.is_empty());
    })
    .await;
}
