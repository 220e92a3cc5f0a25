//! Demo meetings: the twelve months before the current one, for every cell of the province — a
//! regular meeting each month and a thematic one each quarter, with attendance, posted documents,
//! minutes, scores on the default rubric and a few anonymous ratings. Cells differ the way real
//! ones do: most meet every month and score Khá or Tốt, some skip months, hold short meetings,
//! post documents on the day or leave minutes unapproved. The last month is partly still waiting
//! for the committee's review. Deterministic for a given current month.

use std::collections::HashMap;

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set, TransactionTrait};

use crate::common::secret::SecretKey;
use crate::db::entities::{
    document, meeting, meeting_attendance, meeting_document, meeting_minutes, meeting_rater, meeting_rating, meeting_score, member,
    rubric_criterion, unit,
};
use super::province::{DEMO_ACCOUNTS, Rng, insert_chunks};
use crate::meetings::rubric::{AutoRule, MeetingFacts};
use crate::meetings::{Speaker, Vote};

/// How a cell usually runs its meetings.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Habit {
    Good,
    Fair,
    Weak,
}

const REGULAR_TOPICS: [&str; 12] = [
    "đánh giá kết quả thực hiện nghị quyết tháng trước, triển khai nhiệm vụ trọng tâm",
    "kiểm điểm việc thực hiện nhiệm vụ được giao, công tác vận động quần chúng",
    "triển khai văn bản mới của cấp trên, phân công đảng viên phụ trách hộ",
    "sơ kết công tác phát triển kinh tế hộ, chăm lo gia đình chính sách",
    "công tác phòng chống thiên tai, bảo vệ sản xuất vụ mùa",
    "công tác thu nộp đảng phí, quản lý đảng viên đi làm ăn xa",
    "công tác xây dựng nông thôn mới, chỉnh trang đường giao thông nông thôn",
    "công tác an ninh trật tự, phòng chống tội phạm và tệ nạn xã hội",
    "công tác chuyển đổi số, hướng dẫn người dân dùng dịch vụ công trực tuyến",
    "công tác chuẩn bị đại hội chi bộ, góp ý dự thảo văn kiện",
    "công tác giới thiệu quần chúng ưu tú xem xét kết nạp Đảng",
    "đánh giá, xếp loại chất lượng đảng viên cuối năm",
];

const THEMATIC_TOPICS: [&str; 8] = [
    "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
    "Nâng cao chất lượng sinh hoạt chi bộ",
    "Bảo vệ nền tảng tư tưởng của Đảng, đấu tranh phản bác quan điểm sai trái",
    "Phát triển kinh tế hộ gia đình, chuyển đổi cơ cấu cây trồng, vật nuôi",
    "Xây dựng ấp văn hóa, gia đình văn hóa",
    "Phòng, chống tham nhũng, lãng phí, tiêu cực",
    "Chuyển đổi số trong hoạt động của chi bộ",
    "Nêu gương của cán bộ, đảng viên",
];

const GISTS: [&str; 10] = [
    "Đề nghị chi bộ quan tâm hơn đến hộ nghèo, hộ cận nghèo trong ấp",
    "Thống nhất với dự thảo nghị quyết, đề nghị bổ sung chỉ tiêu vận động vệ sinh môi trường",
    "Báo cáo kết quả vận động các hộ phụ trách, còn hai hộ chưa thống nhất hiến đất làm đường",
    "Đề nghị phân công cụ thể đảng viên theo dõi thanh niên đi làm ăn xa",
    "Tự phê bình việc tham gia sinh hoạt đoàn thể chưa đều, hứa khắc phục",
    "Đề nghị tổ chức tập huấn kỹ thuật canh tác cho bà con",
    "Góp ý đồng chí tổ trưởng cần báo cáo tình hình sớm hơn",
    "Đề nghị đẩy mạnh tuyên truyền về dịch vụ công trực tuyến",
    "Báo cáo tình hình an ninh trật tự trên địa bàn ổn định",
    "Đề nghị biểu dương các đảng viên hoàn thành tốt nhiệm vụ trong tháng",
];

const EXCUSES: [&str; 5] = ["Ốm, có giấy của trạm y tế", "Đi công tác theo phân công", "Việc gia đình", "Đi làm ăn xa", "Tuổi cao, sức yếu"];

const COMMENTS: [&str; 6] = [
    "Buổi sinh hoạt thiết thực, nhiều ý kiến xây dựng",
    "Nên gửi tài liệu sớm hơn để đảng viên nghiên cứu trước",
    "Nội dung sát với tình hình ấp",
    "Thời gian hơi dài, nên tập trung vào việc chính",
    "Cần phân công cụ thể hơn",
    "",
];

/// (year, month) `back` months before (year, month).
fn months_back((year, month): (i32, u32), back: u32) -> (i32, u32) {
    let index = year * 12 + month as i32 - 1 - back as i32;
    (index.div_euclid(12), index.rem_euclid(12) as u32 + 1)
}

/// A local Vietnam time as UTC.
fn at_local(year: i32, month: u32, day: u32, hour: u32, minute: u32) -> Option<DateTime<Utc>> {
    Some(NaiveDate::from_ymd_opt(year, month, day)?.and_hms_opt(hour, minute, 0)?.and_utc() - Duration::hours(7))
}

struct CellInfo {
    id: i64,
    members: Vec<(i64, String)>,
    habit: Habit,
    hour: (u32, u32),
    spared: bool,
}

/// Which meetings to generate: the twelve months ending with `through`.
#[derive(Debug, Clone, Copy)]
pub struct DemoMeetings {
    pub through: (i32, u32),
    /// Every cell holds all twelve regular and four separate thematic meetings, scored and
    /// approved: the benchmark's load rather than a realistic province.
    pub every_meeting: bool,
}

impl DemoMeetings {
    /// The twelve months before the current one (Vietnam time).
    pub fn last_twelve_months() -> DemoMeetings {
        let today = crate::common::time::today();
        DemoMeetings { through: months_back((today.year(), today.month()), 1), every_meeting: false }
    }
}

/// Seeds the demo year of meetings when there are none. Returns how many were added.
pub async fn seed_meetings_if_empty(db: &DatabaseConnection, key: &SecretKey) -> Result<usize, DbErr> {
    if meeting::Entity::find().count(db).await? > 0 {
        return Ok(0);
    }
    seed_meetings(db, DemoMeetings::last_twelve_months(), key).await
}

/// Inserts the meetings `plan` describes, all in one transaction, into a database without any.
pub async fn seed_meetings(db: &DatabaseConnection, plan: DemoMeetings, key: &SecretKey) -> Result<usize, DbErr> {
    let rubric_id = crate::meetings::service::ensure_default_rubric(db).await.map_err(|e| DbErr::Custom(e.to_string()))?;
    let criteria = rubric_criterion::Entity::find()
        .filter(rubric_criterion::Column::RubricId.eq(rubric_id))
        .order_by_asc(rubric_criterion::Column::Ordinal)
        .all(db)
        .await?;
    let spec = crate::meetings::service::load_rubric(db, rubric_id).await.map_err(|e| DbErr::Custom(e.to_string()))?.0;
    let cells = load_cells(db).await?;
    if cells.is_empty() {
        return Ok(0);
    }
    let documents: Vec<i64> = document::Entity::find()
        .select_only()
        .column(document::Column::Id)
        .filter(document::Column::Published.eq(true))
        .filter(document::Column::DocType.ne("hien_phap_luat"))
        .order_by_asc(document::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    let mut rng = Rng(0x5eed_4e37 ^ (plan.through.0 as u64 * 12 + plan.through.1 as u64));
    let mut out = Rows::default();
    for cell in &cells {
        plan_cell_year(cell, plan, &documents, &criteria, &spec, &mut rng, &mut out);
    }
    let added = out.meetings.len();
    let txn = db.begin().await?;
    insert_chunks::<meeting::Entity, _>(&txn, out.meetings, 1000).await?;
    insert_chunks::<meeting_attendance::Entity, _>(&txn, out.attendance, 4000).await?;
    insert_chunks::<meeting_document::Entity, _>(&txn, out.documents, 4000).await?;
    insert_chunks::<meeting_score::Entity, _>(&txn, out.scores, 4000).await?;
    insert_chunks::<meeting_minutes::Entity, _>(&txn, out.minutes, 1000).await?;
    insert_chunks::<meeting_rating::Entity, _>(&txn, out.ratings, 2000).await?;
    // Raters only as the server's keyed fingerprints, as a live rating stores them.
    let raters = out.raters.iter().map(|&(meeting_id, member_id)| meeting_rater::ActiveModel {
        meeting_id: Set(meeting_id),
        token: Set(crate::meetings::service::rater_token(key, meeting_id, member_id)),
    });
    insert_chunks::<meeting_rater::Entity, _>(&txn, raters.collect(), 4000).await?;
    txn.commit().await?;
    crate::db::sync_id_sequences(db, &["meetings", "meeting_ratings"]).await?;
    crate::db::refresh_statistics(db).await?;
    Ok(added)
}

/// Every open cell with its active members (the secretary first, as seeded).
async fn load_cells(db: &DatabaseConnection) -> Result<Vec<CellInfo>, DbErr> {
    let units: Vec<(i64, String)> = unit::Entity::find()
        .select_only()
        .column(unit::Column::Id)
        .column(unit::Column::Code)
        .filter(unit::Column::Kind.is_in(["cell", "grassroots_cell"]))
        .filter(unit::Column::ValidTo.is_null())
        .order_by_asc(unit::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    let mut members: HashMap<i64, Vec<(i64, String)>> = HashMap::new();
    let rows: Vec<(i64, i64, String)> = member::Entity::find()
        .select_only()
        .column(member::Column::Id)
        .column(member::Column::UnitId)
        .column(member::Column::FullName)
        .filter(member::Column::Status.eq("active"))
        .order_by_asc(member::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    for (id, unit_id, name) in rows {
        members.entry(unit_id).or_default().push((id, name));
    }
    let demo_cell = member::Entity::find().filter(member::Column::Phone.eq(DEMO_ACCOUNTS[2].0)).one(db).await?.map(|m| m.unit_id);
    Ok(units
        .into_iter()
        .filter_map(|(id, code)| {
            let members = members.remove(&id).filter(|m| m.len() >= 3)?;
            // Habit by a stable hash of the cell, so a cell keeps its character all year.
            let roll = (id as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 56;
            let spared = Some(id) == demo_cell;
            let habit = if spared || roll < 150 {
                Habit::Good
            } else if roll < 228 {
                Habit::Fair
            } else {
                Habit::Weak
            };
            // Agencies meet in office hours; villages in the evening.
            let hour = if code.contains(".CQ") || code.starts_with("KCQ") { (14, 0) } else { (19, 30) };
            Some(CellInfo { id, members, habit, hour, spared })
        })
        .collect())
}

#[derive(Default)]
struct Rows {
    meetings: Vec<meeting::ActiveModel>,
    attendance: Vec<meeting_attendance::ActiveModel>,
    documents: Vec<meeting_document::ActiveModel>,
    scores: Vec<meeting_score::ActiveModel>,
    minutes: Vec<meeting_minutes::ActiveModel>,
    ratings: Vec<meeting_rating::ActiveModel>,
    /// (meeting, member) of each rating, made into fingerprints when inserted.
    raters: Vec<(i64, i64)>,
}

/// One planned meeting of the demo year.
struct Slot {
    year: i32,
    month: u32,
    day: u32,
    thematic_only: bool,
    with_thematic: bool,
    /// The last month seeded: some of its meetings still wait for review.
    last: bool,
}

fn plan_cell_year(
    cell: &CellInfo,
    plan: DemoMeetings,
    documents: &[i64],
    criteria: &[rubric_criterion::Model],
    spec: &crate::meetings::rubric::RubricSpec,
    rng: &mut Rng,
    out: &mut Rows,
) {
    let mut slots = Vec::new();
    let full = plan.every_meeting;
    for back in (0..12).rev() {
        let (year, month) = months_back(plan.through, back);
        let last = back == 0 && !full;
        let skip = !full
            && match cell.habit {
                Habit::Good => false,
                Habit::Fair => rng.below(100) < 4,
                Habit::Weak => rng.below(100) < 20,
            };
        // The quarter's thematic meeting: in its middle month, joined to the regular one or apart.
        let thematic_month = month % 3 == 2;
        let thematic_skipped = !full && cell.habit == Habit::Weak && rng.below(100) < 40;
        let joined = !full && thematic_month && !thematic_skipped && rng.below(100) < 60;
        if !skip {
            slots.push(Slot { year, month, day: rng.range(3, 10) as u32, thematic_only: false, with_thematic: joined, last });
        }
        if thematic_month && !thematic_skipped && !joined {
            slots.push(Slot { year, month, day: rng.range(18, 25) as u32, thematic_only: true, with_thematic: false, last });
        }
    }
    for slot in slots {
        add_meeting(cell, &slot, documents, criteria, spec, rng, out);
    }
}

#[allow(clippy::too_many_arguments)]
fn add_meeting(
    cell: &CellInfo,
    slot: &Slot,
    documents: &[i64],
    criteria: &[rubric_criterion::Model],
    spec: &crate::meetings::rubric::RubricSpec,
    rng: &mut Rng,
    out: &mut Rows,
) {
    let Some(starts_at) = at_local(slot.year, slot.month, slot.day, cell.hour.0, cell.hour.1) else { return };
    let id = out.meetings.len() as i64 + 1;
    let secretary = &cell.members[0];
    // Attendance: share present by habit; absences mostly excused.
    let (present_pct, unexcused_pct) = match cell.habit {
        Habit::Good => (rng.range(88, 100), 0),
        Habit::Fair => (rng.range(78, 96), 2),
        Habit::Weak => (rng.range(62, 88), 6),
    };
    let mut attended = Vec::new();
    let (mut unexcused, mut expected) = (0, 0);
    for (k, (member_id, name)) in cell.members.iter().enumerate() {
        expected += 1;
        let roll = rng.below(100) as i64;
        let (status, rsvp, reason) = if k == 0 || roll < present_pct {
            attended.push(name.as_str());
            (if rng.below(100) < 5 { "late" } else { "present" }, "yes", String::new())
        } else if rng.below(100) < unexcused_pct * 10 {
            unexcused += 1;
            ("absent", "", String::new())
        } else {
            ("excused", "excused", rng.pick(&EXCUSES).to_string())
        };
        out.attendance.push(meeting_attendance::ActiveModel {
            meeting_id: Set(id),
            member_id: Set(*member_id),
            rsvp: Set(rsvp.into()),
            rsvp_reason: Set(reason.clone()),
            status: Set(status.into()),
            note: Set(reason),
            marked_at: Set(Some(starts_at)),
        });
    }
    let required = if slot.with_thematic { 120 } else { 90 };
    let held_minutes = match cell.habit {
        Habit::Good => required + rng.range(0, 30) as i32,
        Habit::Fair => required + rng.range(-10, 20) as i32,
        Habit::Weak => required - rng.range(10, 35) as i32,
    };
    // Documents: good cells post two to five days ahead; others often on the day.
    let posts = !documents.is_empty();
    let mut documents_early = false;
    if posts {
        let early = match cell.habit {
            Habit::Good => rng.below(100) < 92,
            Habit::Fair => rng.below(100) < 60,
            Habit::Weak => rng.below(100) < 25,
        };
        documents_early = early;
        let posted_at = if early { starts_at - Duration::days(rng.range(2, 5)) } else { starts_at - Duration::hours(rng.range(1, 10)) };
        out.documents.push(meeting_document::ActiveModel {
            meeting_id: Set(id),
            document_id: Set(documents[rng.below(documents.len() as u64) as usize]),
            posted_at: Set(posted_at),
        });
    }
    let ended_at = starts_at + Duration::minutes(i64::from(held_minutes));
    let minutes_written = match cell.habit {
        Habit::Weak => rng.below(100) < 70,
        Habit::Fair => rng.below(100) < 95,
        Habit::Good => true,
    };
    if minutes_written {
        let speakers: Vec<Speaker> = (0..rng.range(2, 4))
            .map(|_| Speaker { name: attended[rng.below(attended.len() as u64) as usize].to_string(), gist: rng.pick(&GISTS).to_string() })
            .collect();
        let question = if slot.thematic_only { "Thông qua kết luận chuyên đề".to_string() } else { format!("Thông qua nghị quyết tháng {}/{}", slot.month, slot.year) };
        let votes = vec![Vote { question, agree: attended.len() as i32, disagree: 0, abstain: 0 }];
        out.minutes.push(meeting_minutes::ActiveModel {
            meeting_id: Set(id),
            chair: Set(secretary.1.clone()),
            recorder: Set(cell.members.get(1).map_or_else(|| secretary.1.clone(), |m| m.1.clone())),
            guests: Set(if rng.below(100) < 20 { "Đại diện Đảng ủy cấp trên dự và chỉ đạo".into() } else { String::new() }),
            exempt: Set(0),
            speakers: Set(serde_json::to_string(&speakers).unwrap_or_default()),
            conclusion: Set("Chủ trì kết luận: chi bộ thống nhất các nhiệm vụ trọng tâm, phân công đảng viên phụ trách từng việc và báo cáo kết quả ở kỳ sinh hoạt sau.".into()),
            votes: Set(serde_json::to_string(&votes).unwrap_or_default()),
            approved_at: Set(Some(ended_at)),
            updated_at: Set(ended_at),
        });
    }
    let facts = MeetingFacts {
        expected,
        attended: attended.len() as i32,
        unexcused,
        held_minutes: Some(held_minutes),
        required_minutes: required,
        documents_early,
        has_documents: posts,
        minutes_complete: minutes_written,
    };
    // The secretary starts from the suggestions and takes off points for how it actually went.
    let shortfall = match cell.habit {
        Habit::Good => rng.range(0, 4),
        Habit::Fair => rng.range(2, 10),
        Habit::Weak => rng.range(5, 18),
    } as i32
        * 10;
    let mut total = 0;
    let mut scores = Vec::new();
    for (i, c) in criteria.iter().enumerate() {
        let auto = c.auto.as_deref().and_then(AutoRule::parse).map(|a| a.score(&facts, c.max_tenths));
        let given = auto.unwrap_or(c.max_tenths);
        // Conduct (the largest criterion) carries the judgement.
        let given = if i == 2 { (given - shortfall).max(0) } else { given };
        total += given;
        scores.push(meeting_score::ActiveModel { meeting_id: Set(id), criterion_id: Set(c.id), tenths: Set(given), auto_tenths: Set(auto) });
    }
    // Last month: a share still waits for review, a few are not yet scored.
    let status = if !slot.last || cell.spared {
        "approved"
    } else {
        match rng.below(100) {
            r if r < 8 && cell.habit != Habit::Good => "held",
            r if r < 30 => "scored",
            _ => "approved",
        }
    };
    let scored = status != "held";
    if scored {
        out.scores.extend(scores);
    }
    let kind = if slot.thematic_only { "thematic" } else { "regular" };
    let topic = if slot.thematic_only {
        format!("Sinh hoạt chuyên đề quý {}/{}: {}", ["I", "II", "III", "IV"][((slot.month - 1) / 3) as usize], slot.year, rng.pick(&THEMATIC_TOPICS))
    } else {
        format!("Sinh hoạt thường kỳ tháng {}/{}: {}", slot.month, slot.year, REGULAR_TOPICS[(slot.month - 1) as usize])
    };
    out.meetings.push(meeting::ActiveModel {
        id: Set(id),
        unit_id: Set(cell.id),
        kind: Set(kind.into()),
        with_thematic: Set(slot.with_thematic),
        topic: Set(topic),
        agenda: Set("1. Đánh giá tình hình thực hiện nghị quyết kỳ trước\n2. Thảo luận, đóng góp ý kiến\n3. Thông qua nghị quyết, phân công nhiệm vụ".into()),
        place: Set(if cell.hour.0 == 14 { "Phòng họp cơ quan".into() } else { "Nhà văn hóa ấp".into() }),
        starts_at: Set(starts_at),
        planned_minutes: Set(required),
        held_minutes: Set(Some(held_minutes)),
        status: Set(status.into()),
        rubric_id: Set(scored.then_some(c_rubric(criteria))),
        total_tenths: Set(scored.then_some(total)),
        classification: Set(scored.then(|| spec.classify(total).code.clone())),
        minutes_approved_at: Set(minutes_written.then_some(ended_at)),
        created_by: Set(secretary.0),
        created_at: Set(starts_at - Duration::days(10)),
        updated_at: Set(ended_at),
        expected_count: Set(expected),
        attended_count: Set(attended.len() as i32),
        unexcused_count: Set(unexcused),
    });
    // In some meetings a few members rate anonymously. The draws from `rng` are the ones the
    // rest of the demo year was generated after (the browser tests know that year), so they stay
    // as they were; raters added to reach three (results show from three) come from a stream of
    // their own.
    if rng.below(100) < 30 {
        let drawn = std::cmp::max(rng.range(1, 4.min(cell.members.len() as i64 - 1)), 0) as usize;
        let mut extra = Rng(0x5241_5445 ^ id as u64);
        let wanted = drawn.max(crate::meetings::MIN_RATINGS_SHOWN as usize).min(cell.members.len().saturating_sub(1));
        for k in 0..wanted {
            let stream = if k < drawn { &mut *rng } else { &mut extra };
            let member_id = cell.members[1 + k].0;
            let stars = match cell.habit {
                Habit::Good => stream.range(4, 5),
                Habit::Fair => stream.range(3, 5),
                Habit::Weak => stream.range(2, 4),
            } as i32;
            let _ = (stream.next(), stream.next()); // once a device id; kept so the stream is unchanged
            out.ratings.push(meeting_rating::ActiveModel {
                client_id: Set(crate::common::client_id::new()),
                meeting_id: Set(id),
                stars: Set(stars),
                comment: Set(stream.pick(&COMMENTS).to_string()),
                on_date: Set(crate::common::time::vietnam_date(starts_at)),
                ..Default::default()
            });
            out.raters.push((id, member_id));
        }
    }
}

fn c_rubric(criteria: &[rubric_criterion::Model]) -> i64 {
    criteria.first().map_or(0, |c| c.rubric_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_back_crosses_years() {
        assert_eq!(months_back((2026, 11), 1), (2026, 10));
        assert_eq!(months_back((2026, 1), 1), (2025, 12));
        assert_eq!(months_back((2026, 11), 12), (2025, 11));
    }
}
