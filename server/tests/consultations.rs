//! Consultation on drafts on real SQLite and PostgreSQL: who is asked, comments by article that
//! a resend or an edit never duplicates, the deadline, the committee's digest and export, and
//! the draft locked while members comment on it.

use crate::common;

use app::consultations::service as consultations;
use app::consultations::{ConsultationForm, DigestView};
use app::db::entities::{consultation, consultation_comment, notification};
use app::documents::DocumentDraft;
use app::documents::authoring;
use app::documents::search::SearchIndex;
use app::documents::service as docs;
use app::error::AppError;
use app::common::time::today;
use common::*;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, Set};

fn draft(owner: i64) -> DocumentDraft {
    let text = [
        "QUY CHẾ\nLàm việc của Ban Chấp hành Đảng bộ huyện (dự thảo)",
        "Chương I\nQUY ĐỊNH CHUNG",
        "Điều 1. Phạm vi điều chỉnh\nQuy chế này quy định trách nhiệm, quyền hạn và chế độ làm việc của Ban Chấp hành Đảng bộ huyện.",
        "Điều 2. Nguyên tắc làm việc\n1. Bảo đảm nguyên tắc tập trung dân chủ, tập thể lãnh đạo, cá nhân phụ trách.\n2. Cấp ủy viên chịu trách nhiệm cá nhân về lĩnh vực được phân công.",
        "Chương II\nCHẾ ĐỘ LÀM VIỆC",
        "Điều 3. Chế độ họp\nBan Chấp hành họp thường lệ sáu tháng một lần, họp bất thường khi cần.",
    ]
    .join("\n");
    DocumentDraft {
        id: None,
        owner_unit_id: owner,
        number: "Dự thảo QC/HU".into(),
        title: "Quy chế làm việc của Ban Chấp hành Đảng bộ huyện nhiệm kỳ 2025 - 2030".into(),
        doc_type: "quy_dinh".into(),
        level: "grassroots".into(),
        issuer: "Ban Chấp hành Đảng bộ huyện Phụng Hiệp".into(),
        issued_on: String::new(),
        effective_on: String::new(),
        status: "in_force".into(),
        topics: "quy chế làm việc".into(),
        audience_all: "false".into(),
        audience_codes: "PH".into(),
        supersedes: String::new(),
        text,
        quiz: String::new(),
        quiz_pass_percent: String::new(),
        change_note: String::new(),
    }
}

fn form(document_id: i64, unit_id: i64, audience: &str, days: i64) -> ConsultationForm {
    ConsultationForm {
        document_id,
        unit_id,
        audience: audience.into(),
        closes_on: (today() + chrono::Duration::days(days)).format("%Y-%m-%d").to_string(),
        intro: "Đề nghị các đồng chí tập trung góp ý chế độ họp.".into(),
    }
}

async fn comments(db: &DatabaseConnection) -> u64 {
    consultation_comment::Entity::find().count(db).await.unwrap()
}

fn group<'a>(d: &'a DigestView, anchor: &str) -> &'a app::consultations::ArticleGroup {
    d.groups.iter().find(|g| g.anchor == anchor).unwrap()
}

#[tokio::test]
async fn members_comment_article_by_article_and_the_committee_reads_them_grouped() {
    on_both(|db| async move {
        let f = fixture(&db).await;
        let index = SearchIndex::build(&db).await.unwrap();
        let committee = user(&db, f.committee).await;
        let doc = authoring::save(&db, &index, &committee, &draft(f.district_a)).await.unwrap();
        let id = consultations::open(&db, &committee, &form(doc, f.district_a, "all", 10)).await.unwrap();

        // Asked: every member of the district, told in their inbox; nobody outside it.
        let row = consultation::Entity::find_by_id(id).one(&db).await.unwrap().unwrap();
        assert_eq!(row.invitees, 5, "committee, secretary, two members of ấp 1 and one of Mỹ Lợi");
        let told = notification::Entity::find().filter(notification::Column::Kind.eq("consultation")).count(&db).await.unwrap();
        assert_eq!(told, 5);
        let outsider = user(&db, f.member_e1).await;
        assert!(matches!(consultations::view(&db, &outsider, id).await, Err(AppError::NotFound(_))));
        let r = consultations::save_comment(&db, &outsider, id, "0badc0ffee01", "dieu-1", "agree", "").await;
        assert!(matches!(r, Err(AppError::NotFound(_))));
        // The province's administrator oversees it but was not asked, so does not comment.
        let admin = user(&db, f.admin).await;
        let v = consultations::view(&db, &admin, id).await.unwrap();
        assert!(v.can_manage && !v.can_comment);
        let r = consultations::save_comment(&db, &admin, id, "0badc0ffee01", "dieu-1", "agree", "").await;
        assert!(matches!(r, Err(AppError::NotFound(_))));

        // The member sees the draft article by article, clauses folded into their article.
        let member = user(&db, f.member_c1).await;
        let v = consultations::view(&db, &member, id).await.unwrap();
        let labels: Vec<&str> = v.articles.iter().map(|a| a.label.as_str()).collect();
        assert_eq!(labels, ["Điều 1. Phạm vi điều chỉnh", "Điều 2. Nguyên tắc làm việc", "Điều 3. Chế độ họp"]);
        assert_eq!(v.articles[0].chapter.as_deref(), Some("Chương I. QUY ĐỊNH CHUNG"));
        assert_eq!(v.articles[1].paragraphs.len(), 2);
        assert!(v.articles[1].paragraphs[0].starts_with("1. Bảo đảm nguyên tắc tập trung dân chủ"), "{:?}", v.articles[1].paragraphs);
        assert!(v.can_comment && !v.can_manage);
        assert_eq!(v.summary.status, "Còn 10 ngày");

        // A comment; its resend and its edit keep one row.
        let c = consultations::save_comment(&db, &member, id, "a1b2c3d4e5f6", "dieu-3", "amend", "Đề nghị họp thường lệ ba tháng một lần.").await.unwrap();
        assert_eq!(c.label, "Điều 3. Chế độ họp");
        consultations::save_comment(&db, &member, id, "a1b2c3d4e5f6", "dieu-3", "amend", "Đề nghị họp thường lệ ba tháng một lần.").await.unwrap();
        assert_eq!(comments(&db).await, 1);
        let edited = consultations::save_comment(&db, &member, id, "a1b2c3d4e5f6", "dieu-3", "amend", "Đề nghị họp thường lệ mỗi quý một lần.").await.unwrap();
        assert_eq!(edited.body, "Đề nghị họp thường lệ mỗi quý một lần.");
        assert_eq!(comments(&db).await, 1);
        // Someone else's id is not theirs to overwrite.
        let other = user(&db, f.member_c1_b).await;
        let err = consultations::save_comment(&db, &other, id, "a1b2c3d4e5f6", "dieu-1", "agree", "").await.unwrap_err();
        // (The same words as a malformed id: nothing tells that another member used it.)
        assert_eq!(err.field_message("client_id").unwrap(), app::common::client_id::REJECTED);
        assert_eq!(comments(&db).await, 1);
        // Bad input is refused field by field, and nothing is written.
        let err = consultations::save_comment(&db, &other, id, "b1b2b3b4b5b6", "dieu-9", "amend", "ok").await.unwrap_err();
        assert_eq!(err.field_message("anchor").unwrap(), "Điều được góp ý không có trong dự thảo.");
        assert_eq!(err.field_message("body").unwrap(), "Vui lòng ghi nội dung góp ý (ít nhất 5 ký tự).");
        let err = consultations::save_comment(&db, &other, id, "b1b2b3b4b5b6", "dieu-1", "maybe", "Không rõ").await.unwrap_err();
        assert!(err.field_message("stance").is_some());
        assert_eq!(comments(&db).await, 1);
        // "Nhất trí" needs no text; a general comment has no article.
        consultations::save_comment(&db, &other, id, "c1c2c3c4c5c6", "dieu-1", "agree", "").await.unwrap();
        let far = user(&db, f.member_d1).await;
        consultations::save_comment(&db, &far, id, "d1d2d3d4d5d6", "", "other", "Dự thảo cần quy định rõ chế độ thông tin, báo cáo.").await.unwrap();
        consultations::save_comment(&db, &far, id, "e1e2e3e4e5e6", "dieu-3", "amend", "Nên bổ sung họp trực tuyến khi cần thiết.").await.unwrap();

        // Members never read the digest; the committee does.
        assert!(matches!(consultations::digest(&db, &member, id).await, Err(AppError::Forbidden(_))));
        let d = consultations::digest(&db, &committee, id).await.unwrap();
        assert_eq!((d.invitees, d.commenters, d.comments), (5, 3, 4));
        assert_eq!(d.groups.len(), 4, "the whole draft, then each article, even one nobody commented on");
        assert_eq!(group(&d, "").other, 1);
        assert_eq!((group(&d, "dieu-1").agree, group(&d, "dieu-2").comments.len()), (1, 0));
        let third = group(&d, "dieu-3");
        assert_eq!(third.amend, 2);
        assert_eq!(third.comments[0].author, "Phạm Văn Hậu");
        assert_eq!(third.comments[0].unit, "Chi bộ ấp 1");
        assert_eq!(third.comments[0].body, "Đề nghị họp thường lệ mỗi quý một lần.");
        let units: Vec<(String, i64, i64)> = d.by_unit.iter().map(|u| (u.unit.name.clone(), u.invitees, u.commenters)).collect();
        assert_eq!(units, [("Đảng bộ xã Hòa An".to_string(), 4, 2), ("Đảng bộ xã Hòa Mỹ".to_string(), 1, 1)]);
        let sheets = consultations::sheets(&d);
        let csv = app::spreadsheet::csv(&sheets);
        assert!(csv.contains("Điều 3. Chế độ họp,Đề nghị sửa đổi, bổ sung") || csv.contains("\"Đề nghị sửa đổi, bổ sung\""), "{csv}");
        assert!(csv.contains("Nên bổ sung họp trực tuyến khi cần thiết.,Đặng Quốc Đạt,Chi bộ ấp Mỹ Lợi"), "{csv}");
        assert_eq!(sheets[1].1.len(), 5, "a header and four comments");

        // The draft is locked while members comment on it.
        let mut edit = draft(f.district_a);
        edit.id = Some(doc);
        edit.text.push_str("\nĐiều 4. Hiệu lực\nQuy chế có hiệu lực từ ngày ký.");
        assert!(matches!(authoring::save(&db, &index, &committee, &edit).await, Err(AppError::Conflict(_))));
        assert!(matches!(docs::set_published(&db, &index, &committee, doc, true).await, Err(AppError::Conflict(_))));
        assert!(matches!(consultations::open(&db, &committee, &form(doc, f.district_a, "all", 5)).await, Err(AppError::Conflict(_))));

        // Withdrawing: only one's own comment.
        assert!(matches!(consultations::delete_comment(&db, &member, "e1e2e3e4e5e6").await, Err(AppError::NotFound(_))));
        consultations::delete_comment(&db, &far, "e1e2e3e4e5e6").await.unwrap();
        assert_eq!(comments(&db).await, 3);

        // Closing early: only the committee; afterwards nothing changes and the draft is free.
        assert!(matches!(consultations::close(&db, &member, id).await, Err(AppError::Forbidden(_))));
        consultations::close(&db, &committee, id).await.unwrap();
        assert!(matches!(consultations::close(&db, &committee, id).await, Err(AppError::Conflict(_))));
        let late = consultations::save_comment(&db, &member, id, "f1f2f3f4f5f6", "dieu-1", "agree", "").await.unwrap_err();
        assert!(matches!(late, AppError::Conflict(_)), "{late:?}");
        assert!(matches!(consultations::delete_comment(&db, &member, "a1b2c3d4e5f6").await, Err(AppError::Conflict(_))));
        assert_eq!(comments(&db).await, 3);
        let v = consultations::view(&db, &member, id).await.unwrap();
        assert!(!v.can_comment && !v.summary.open);
        assert_eq!(v.mine.len(), 1);
        authoring::save(&db, &index, &committee, &edit).await.unwrap();
        docs::set_published(&db, &index, &committee, doc, true).await.unwrap();
    })
    .await;
}

#[tokio::test]
async fn only_the_drafts_committee_opens_a_consultation_with_a_sound_deadline() {
    on_both(|db| async move {
        let f = fixture(&db).await;
        let index = SearchIndex::build(&db).await.unwrap();
        let committee = user(&db, f.committee).await;
        let doc = authoring::save(&db, &index, &committee, &draft(f.district_a)).await.unwrap();

        // Not a committee member, or a committee that does not own the draft.
        let secretary = user(&db, f.secretary).await;
        assert!(matches!(consultations::open(&db, &secretary, &form(doc, f.cell_c1, "all", 10)).await, Err(AppError::Forbidden(_))));
        assert!(matches!(consultations::new_data(&db, &secretary).await, Err(AppError::Forbidden(_))));
        let commune = add_member(&db, f.cell_c2, "Võ Văn Kiệt", "0900000108").await;
        give_role(&db, commune, "committee_member", f.commune_x).await;
        let commune = user(&db, commune).await;
        assert!(matches!(consultations::open(&db, &commune, &form(doc, f.commune_x, "all", 10)).await, Err(AppError::Forbidden(_))));

        // A deadline in the past, too far ahead, or unreadable.
        let err = consultations::open(&db, &committee, &form(doc, f.district_a, "all", -1)).await.unwrap_err();
        assert_eq!(err.field_message("closes_on").unwrap(), "Hạn góp ý phải từ hôm nay đến trong vòng 180 ngày.");
        assert!(consultations::open(&db, &committee, &form(doc, f.district_a, "all", 181)).await.unwrap_err().field_message("closes_on").is_some());
        let mut bad = form(doc, f.district_a, "all", 3);
        bad.closes_on = "31/02/2026".into();
        assert_eq!(consultations::open(&db, &committee, &bad).await.unwrap_err().field_message("closes_on").unwrap(), "Hạn góp ý không hợp lệ (ví dụ: 19/05/1990).");
        assert_eq!(consultation::Entity::find().count(&db).await.unwrap(), 0);

        // The draft shows in the committee's picker.
        let offered = consultations::new_data(&db, &committee).await.unwrap();
        assert_eq!(offered.drafts.iter().map(|d| d.id).collect::<Vec<_>>(), [doc]);

        // To the cells' secretaries only: exactly them.
        let id = consultations::open(&db, &committee, &form(doc, f.district_a, "secretaries", 0)).await.unwrap();
        let row = consultation::Entity::find_by_id(id).one(&db).await.unwrap().unwrap();
        assert_eq!(row.invitees, 1);
        let v = consultations::view(&db, &secretary, id).await.unwrap();
        assert_eq!(v.summary.status, "Hạn chót hôm nay");
        assert!(matches!(consultations::view(&db, &user(&db, f.member_c1).await, id).await, Err(AppError::NotFound(_))));
        assert!(consultations::new_data(&db, &committee).await.unwrap().drafts.is_empty(), "a draft out for comment is not offered again");

        // A published document is not a draft.
        let mut other = draft(f.district_a);
        other.number = "Dự thảo QC2/HU".into();
        other.text.push_str("\nĐiều 4. Hiệu lực\nCó hiệu lực từ ngày ký.");
        let published = authoring::save(&db, &index, &committee, &other).await.unwrap();
        docs::set_published(&db, &index, &committee, published, true).await.unwrap();
        let err = consultations::open(&db, &committee, &form(published, f.district_a, "all", 5)).await.unwrap_err();
        assert_eq!(err.field_message("document_id").unwrap(), "Chỉ lấy ý kiến được đối với dự thảo (tài liệu chưa ban hành).");

        // Once the deadline has passed the consultation is over by itself: no comments, draft free.
        let mut passed: consultation::ActiveModel = row.into();
        passed.closes_on = Set(today() - chrono::Duration::days(1));
        passed.update(&db).await.unwrap();
        let v = consultations::view(&db, &secretary, id).await.unwrap();
        assert_eq!((v.can_comment, v.summary.status.as_str()), (false, "Đã kết thúc"));
        assert!(matches!(consultations::save_comment(&db, &secretary, id, "abcdefabcdef", "", "agree", "").await, Err(AppError::Conflict(_))));
        assert!(consultations::open_on(&db, doc).await.unwrap().is_none());
        docs::set_published(&db, &index, &committee, doc, true).await.unwrap();
    })
    .await;
}
