//! A month of questions to the assistant across the province, answered by the assistant itself
//! from the demo library: most find their article, some ask what the library does not hold
//! (Party-fee rates, badges, allowances — Quy định and Hướng dẫn not loaded in the demo), and a
//! few answers are marked unhelpful with a comment. The administrators' report then shows what a
//! real one would. The demo accounts' history starts empty, so a visitor asks the first question.

use chrono::{Duration, Utc};
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set};

use crate::db::entities::{assistant_exchange, member};
use super::province::{DEMO_ACCOUNTS, Rng};
use crate::documents::search::SearchIndex;

/// What members ask, as they type it.
const QUESTIONS: [&str; 36] = [
    "Thời kỳ dự bị của đảng viên là bao lâu?",
    "Đảng viên có những nhiệm vụ gì?",
    "Đảng viên dự bị có được biểu quyết không?",
    "Chi bộ sinh hoạt thường lệ mấy lần một tháng?",
    "Người vào Đảng cần mấy người giới thiệu?",
    "Bỏ sinh hoạt chi bộ ba tháng thì bị xử lý thế nào?",
    "Đảng viên tuổi cao sức yếu có được miễn sinh hoạt đảng không?",
    "Có những hình thức kỷ luật đảng viên nào?",
    "Đảng viên bị kỷ luật có quyền khiếu nại trong bao lâu?",
    "Chi bộ có bao nhiêu đảng viên thì bầu chi ủy?",
    "UBKT có nhiệm vụ gì",
    "dang vien co quyen gi",
    "Tuổi đảng được tính từ ngày nào?",
    "Đảng viên còn trong độ tuổi đoàn có phải sinh hoạt đoàn không?",
    "Ai có quyền sửa đổi Điều lệ Đảng?",
    "Bản tin sinh hoạt chi bộ thường kỳ tập trung vào những nội dung gì?",
    "Học viên phải dự bao nhiêu phần trăm số tiết mới được viết thu hoạch?",
    "Lớp bồi dưỡng nhận thức về Đảng dành cho ai?",
    "Công dân bao nhiêu tuổi thì có quyền bầu cử?",
    "Nhiệm kỳ của Quốc hội là bao nhiêu năm?",
    "Đại hội chi bộ bao lâu tổ chức một lần?",
    "Khai trừ đảng viên cần bao nhiêu thành viên đề nghị?",
    "Mức đóng đảng phí của đảng viên hưu trí là bao nhiêu?",
    "Huy hiệu 30 năm tuổi Đảng xét tặng khi nào?",
    "Phụ cấp bí thư chi bộ ấp mỗi tháng bao nhiêu tiền?",
    "Đảng viên có được đứng tên thành lập doanh nghiệp tư nhân không?",
    "Cách tính điểm xếp loại chất lượng đảng viên cuối năm",
    "Thủ tục chuyển sinh hoạt đảng tạm thời cần giấy tờ gì?",
    "Đảng viên đi làm ăn xa ở Bình Dương sinh hoạt ở đâu?",
    "Hồ sơ đề nghị kết nạp lại vào Đảng gồm những gì?",
    "Lịch tiếp dân của Bí thư Huyện ủy vào ngày nào?",
    "Mẫu bản kiểm điểm cá nhân cuối năm lấy ở đâu?",
    "Đảng viên sinh con thứ ba có bị kỷ luật không?",
    "Chế độ thăm hỏi đảng viên ốm đau thế nào?",
    "Đảng viên 50 năm tuổi Đảng có được miễn đóng đảng phí không?",
    "Cấp ủy viên nghỉ hưu có còn tham gia cấp ủy không?",
];

/// What members write when an answer did not help.
const COMMENTS: [&str; 5] = [
    "Câu trả lời dài, nghe trên điện thoại khó theo dõi.",
    "Muốn có ví dụ cụ thể ở chi bộ ấp.",
    "Chưa nói rõ thủ tục, cần hướng dẫn từng bước.",
    "",
    "Đề nghị bổ sung văn bản mới nhất của Trung ương về nội dung này.",
];

/// Seeds the assistant's history when there is none yet. Returns how many exchanges.
pub async fn seed_assistant_if_empty(db: &DatabaseConnection, index: &SearchIndex) -> Result<usize, DbErr> {
    if assistant_exchange::Entity::find().count(db).await? > 0 {
        return Ok(0);
    }
    let demo_cells: Vec<i64> = member::Entity::find()
        .select_only()
        .column(member::Column::UnitId)
        .filter(member::Column::Phone.is_in(DEMO_ACCOUNTS.map(|(phone, _)| phone)))
        .into_tuple::<i64>()
        .all(db)
        .await?;
    let askers: Vec<(i64, i64)> = member::Entity::find()
        .select_only()
        .column(member::Column::Id)
        .column(member::Column::UnitId)
        .filter(member::Column::Status.eq("active"))
        .filter(member::Column::UnitId.is_not_in(demo_cells))
        .order_by_asc(member::Column::Id)
        .into_tuple::<(i64, i64)>()
        .all(db)
        .await?;
    if askers.is_empty() {
        return Ok(0);
    }
    // The demo library is addressed to the whole province.
    let visible = crate::documents::search::Visibility::everything();
    let mut rng = Rng(0x7e01_1a0e);
    let now = Utc::now();
    let mut rows = Vec::new();
    for round in 0..3u64 {
        for question in QUESTIONS.iter() {
            // Each question asked by a few members, not all in every round.
            if rng.below(3) == 0 && round > 0 {
                continue;
            }
            let (member_id, unit_id) = askers[rng.below(askers.len() as u64) as usize];
            let (answer, _) = crate::assistant::service::answer_from(index, &visible, question).map_err(|e| DbErr::Custom(e.to_string()))?;
            let rating = match (answer.found, rng.below(10)) {
                (true, 0..=4) => Some(1),
                (true, 5) => Some(-1),
                (false, 0..=1) => Some(-1),
                _ => None,
            };
            let comment = if rating == Some(-1) { COMMENTS[rng.below(COMMENTS.len() as u64) as usize] } else { "" };
            let asked_at = now - Duration::minutes(rng.range(30, 30 * 24 * 60));
            let json = serde_json::to_string(&answer).map_err(|e| DbErr::Custom(e.to_string()))?;
            rows.push(assistant_exchange::ActiveModel {
                client_id: Set(crate::common::client_id::new()),
                member_id: Set(member_id),
                unit_id: Set(unit_id),
                question: Set(question.to_string()),
                found: Set(answer.found),
                mode: Set(answer.mode.clone()),
                by_voice: Set(rng.below(4) == 0),
                answer: Set(json),
                rating: Set(rating),
                comment: Set(comment.to_string()),
                asked_at: Set(asked_at),
                rated_at: Set(rating.map(|_| asked_at + Duration::minutes(2))),
                ..Default::default()
            });
        }
    }
    let count = rows.len();
    assistant_exchange::Entity::insert_many(rows).exec(db).await?;
    Ok(count)
}
