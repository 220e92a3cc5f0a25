//! The demo consultation: Phụng Hiệp's district committee puts the draft of its working
//! regulation to every member of the district, with two weeks to go, and a few in every
//! hundred members have already commented — mostly "Nhất trí", with amendments clustering on
//! the articles members care about (meetings, reporting, receiving citizens). The demo member's
//! cell is left without comments so a visitor can write the first one.

use chrono::{Duration, Utc};
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait, QueryFilter, Set, TransactionTrait};

use crate::db::entities::{consultation, consultation_comment, document_audience, member, unit};
use super::province::{DEMO_ACCOUNTS, Rng, insert_chunks};
use crate::auth::service::load_session_user;
use crate::consultations::ConsultationForm;
use crate::documents::service::{ImportMeta, import_text};
use crate::common::time::today;

const DRAFT: &str = include_str!("../../demo-docs/du-thao-quy-che-lam-viec-huyen-uy-phung-hiep.txt");

/// (article anchor, stance, text): what members actually write about such a draft.
const REMARKS: [(&str, &str, &str); 14] = [
    ("", "other", "Đề nghị bổ sung một điều về ứng dụng công nghệ thông tin, chuyển đổi số trong hoạt động của Huyện ủy."),
    ("", "other", "Dự thảo cơ bản chặt chẽ; đề nghị rà soát cách ghi thời hạn cho thống nhất (05 ngày làm việc hay 5 ngày)."),
    ("dieu-2", "amend", "Khoản 3 đề nghị bổ sung: “tiếp thu, giải trình ý kiến của đảng viên và nhân dân”."),
    ("dieu-3", "amend", "Khoản 2 đề nghị ghi rõ những vấn đề quan trọng nào phải đưa ra Ban Chấp hành quyết định."),
    ("dieu-5", "amend", "Khoản 3: đề nghị Huyện ủy viên dự sinh hoạt chi bộ ít nhất mỗi quý một lần để sát cơ sở hơn."),
    ("dieu-5", "amend", "Đề nghị bổ sung trách nhiệm của Huyện ủy viên trong việc trả lời kiến nghị của đảng viên ở cơ sở được phân công."),
    ("dieu-6", "amend", "Khoản 3: đề nghị gửi tài liệu họp bằng bản điện tử để tiết kiệm, thuận tiện cho các đồng chí ở xa."),
    ("dieu-6", "amend", "Khoản 1: đề nghị giữ Ban Chấp hành họp thường lệ sáu tháng một lần như quy chế mẫu, tăng họp Ban Thường vụ."),
    ("dieu-6", "other", "Nên cho phép họp trực tuyến đối với các điểm cầu xã khi mưa bão, đường sá khó khăn."),
    ("dieu-7", "amend", "Đề nghị bổ sung chế độ báo cáo nhanh khi có thiên tai, dịch bệnh, vụ việc phức tạp về an ninh trật tự."),
    ("dieu-7", "other", "Các chi bộ ấp còn khó khăn về thiết bị; đề nghị có hướng dẫn, hỗ trợ gửi báo cáo điện tử."),
    ("dieu-8", "amend", "Khoản 2: đề nghị quy định Phó Bí thư tiếp dân khi Bí thư vắng để lịch tiếp dân không bị gián đoạn."),
    ("dieu-8", "amend", "Đề nghị công khai lịch tiếp dân của Bí thư Huyện ủy trên Sổ tay đảng viên và trang thông tin điện tử của huyện."),
    ("dieu-9", "amend", "Khoản 2: đề nghị quy định định kỳ hằng năm đánh giá việc thực hiện Quy chế."),
];
const ARTICLES: [&str; 9] = ["dieu-1", "dieu-2", "dieu-3", "dieu-4", "dieu-5", "dieu-6", "dieu-7", "dieu-8", "dieu-9"];

/// Opens the demo consultation when there is none yet. Returns how many comments it seeded.
pub async fn seed_consultation_if_empty(db: &DatabaseConnection) -> Result<usize, DbErr> {
    if consultation::Entity::find().count(db).await? > 0 {
        return Ok(0);
    }
    let district = unit::Entity::find().filter(unit::Column::Code.eq("PH")).one(db).await?;
    let committee = member::Entity::find().filter(member::Column::Phone.eq(DEMO_ACCOUNTS[1].0)).one(db).await?;
    let (Some(district), Some(committee)) = (district, committee) else {
        return Ok(0);
    };
    let custom = |e: crate::error::AppError| DbErr::Custom(e.to_string());
    let meta = ImportMeta {
        number: "Dự thảo".into(),
        title: "Quy chế làm việc của Ban Chấp hành Đảng bộ huyện Phụng Hiệp khóa XIII, nhiệm kỳ 2025 - 2030".into(),
        doc_type: "quy_dinh".into(),
        level: "grassroots".into(),
        issuer: "Ban Chấp hành Đảng bộ huyện Phụng Hiệp".into(),
        issued_on: None,
        topics: "quy chế làm việc, cấp ủy, chế độ họp".into(),
        owner_unit_id: district.id,
        audience_all: false,
        published: false,
        source: "Dự thảo minh họa soạn cho bản trình diễn theo bố cục quy chế làm việc của cấp ủy".into(),
    };
    let Some(document_id) = import_text(db, &meta, DRAFT).await.map_err(custom)? else {
        return Ok(0);
    };
    document_audience::Entity::insert(document_audience::ActiveModel { document_id: Set(document_id), unit_id: Set(district.id) }).exec(db).await?;
    let user = load_session_user(db, committee.id, false).await.map_err(custom)?;
    let form = ConsultationForm {
        document_id,
        unit_id: district.id,
        audience: "all".into(),
        closes_on: (today() + Duration::days(14)).format("%Y-%m-%d").to_string(),
        intro: "Thực hiện kế hoạch chuẩn bị ban hành Quy chế làm việc khóa XIII, Ban Thường vụ Huyện ủy đề nghị các đồng chí đảng viên nghiên cứu, góp ý từng điều của dự thảo.\nĐề nghị tập trung góp ý chế độ họp, chế độ thông tin, báo cáo và việc tiếp dân.".into(),
    };
    let id = crate::consultations::service::open(db, &user, &form).await.map_err(custom)?;
    seed_comments(db, id).await
}

/// A few members in every hundred comment, one to three remarks each, over the last days.
async fn seed_comments(db: &DatabaseConnection, id: i64) -> Result<usize, DbErr> {
    let spared = member::Entity::find().filter(member::Column::Phone.eq(DEMO_ACCOUNTS[3].0)).one(db).await?.map(|m| m.unit_id);
    let invitees: Vec<(i64, i64)> = crate::consultations::service::invitees_and_cells(db, id)
        .await?
        .into_iter()
        .filter(|(_, cell)| Some(*cell) != spared)
        .collect();
    let mut rng = Rng(0xc0_2026);
    let now = Utc::now();
    let mut rows = Vec::new();
    for (member_id, unit_id) in invitees {
        if rng.below(100) >= 4 {
            continue;
        }
        for _ in 0..rng.range(1, 3) {
            let (anchor, stance, body) = if rng.below(100) < 55 {
                (ARTICLES[rng.below(ARTICLES.len() as u64) as usize], "agree", "")
            } else {
                REMARKS[rng.below(REMARKS.len() as u64) as usize]
            };
            let label = label_for(anchor);
            let at = now - Duration::minutes(rng.range(30, 3 * 24 * 60));
            rows.push(consultation_comment::ActiveModel {
                client_id: Set(crate::common::client_id::new()),
                consultation_id: Set(id),
                member_id: Set(member_id),
                unit_id: Set(unit_id),
                section_anchor: Set(anchor.to_string()),
                section_label: Set(label),
                stance: Set(stance.to_string()),
                body: Set(body.to_string()),
                created_at: Set(at),
                updated_at: Set(at),
                ..Default::default()
            });
        }
    }
    let count = rows.len();
    let txn = db.begin().await?;
    insert_chunks(&txn, rows, 1000).await?;
    txn.commit().await?;
    Ok(count)
}

/// The label a comment keeps, as the consultation page shows it.
fn label_for(anchor: &str) -> String {
    if anchor.is_empty() {
        return "Góp ý chung về dự thảo".into();
    }
    DRAFT
        .lines()
        .find(|l| l.starts_with(&format!("Điều {}.", anchor.trim_start_matches("dieu-"))))
        .map(str::to_string)
        .unwrap_or_default()
}
