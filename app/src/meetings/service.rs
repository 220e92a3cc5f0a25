//! Meetings on the server. The cell's own (deputy) secretary plans, records and scores; a
//! committee above the cell reviews and approves; members answer the invitation and may rate the
//! meeting anonymously. Every write checks the meeting's state first and runs in a transaction.

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set, TransactionSession, TransactionTrait,
};

use super::rubric::{AutoRule, CriterionSpec, MeetingFacts, RubricSpec, Threshold, default_rubric};
use super::{
    Absentee, AttendanceRow, KINDS, MeetingDetail, MeetingForm, MeetingSummary, MinutesForm, MinutesView, RatingSummary,
    ScoreRow, Speaker, Vote,
};
use crate::auth::SessionUser;
use crate::auth::service::{Action, authorize};
use crate::db::entities::{
    meeting, meeting_attendance, meeting_document, meeting_minutes, meeting_rater, meeting_rating, meeting_review, meeting_score,
    member, rubric, rubric_criterion, unit_closure,
};
use crate::error::{AppError, AppResult, OrInternal};
use crate::units::UnitRef;
use crate::units::service::find_unit;
use crate::common::secret::SecretKey;
use crate::validate::{Checks, format_datetime};

pub const DEFAULT_FAMILY: &str = "mac-dinh";
const VIETNAM_OFFSET_HOURS: i64 = 7;

/// "2026-12-05T19:30" typed in Vietnam → the UTC instant.
pub fn parse_local(value: &str) -> Option<DateTime<Utc>> {
    let value = value.trim();
    let local = NaiveDateTime::parse_from_str(value, "%Y-%m-%dT%H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(value, "%Y-%m-%d %H:%M"))
        .or_else(|_| NaiveDateTime::parse_from_str(value, "%H:%M %d/%m/%Y"))
        .ok()?;
    Some(local.and_utc() - Duration::hours(VIETNAM_OFFSET_HOURS))
}

// ---------------------------------------------------------------- rubrics

/// Stores a rubric as the next version of `family`; earlier versions stay as they were.
pub async fn save_rubric(
    db: &impl ConnectionTrait,
    family: &str,
    owner_unit_id: Option<i64>,
    spec: &RubricSpec,
    created_by: Option<i64>,
) -> AppResult<i64> {
    let problems = spec.problems();
    if !problems.is_empty() {
        return Err(AppError::invalid("rubric", problems.join(" ")));
    }
    let latest: Option<i32> = rubric::Entity::find()
        .select_only()
        .column_as(rubric::Column::Version.max(), "v")
        .filter(rubric::Column::Family.eq(family))
        .into_tuple::<Option<i32>>()
        .one(db)
        .await?
        .flatten();
    let thresholds = serde_json::to_string(&spec.thresholds).or_internal()?;
    let row = rubric::ActiveModel {
        family: Set(family.to_string()),
        version: Set(latest.unwrap_or(0) + 1),
        owner_unit_id: Set(owner_unit_id),
        name: Set(spec.name.clone()),
        thresholds: Set(thresholds),
        created_by: Set(created_by),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    for (ordinal, c) in spec.criteria.iter().enumerate() {
        rubric_criterion::ActiveModel {
            rubric_id: Set(row.id),
            ordinal: Set(ordinal as i32),
            code: Set(c.code.clone()),
            label: Set(c.label.clone()),
            max_tenths: Set(c.max_tenths),
            auto: Set(c.auto.map(|a| a.as_str().to_string())),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    Ok(row.id)
}

/// The default rubric, created on first use.
pub async fn ensure_default_rubric(db: &impl ConnectionTrait) -> AppResult<i64> {
    match rubric::Entity::find().filter(rubric::Column::Family.eq(DEFAULT_FAMILY)).order_by_desc(rubric::Column::Version).one(db).await? {
        Some(r) => Ok(r.id),
        None => save_rubric(db, DEFAULT_FAMILY, None, &default_rubric(), None).await,
    }
}

/// The rubric in force for a cell: the newest version set by the nearest unit above it, else
/// the default.
pub async fn rubric_for_cell(db: &impl ConnectionTrait, cell_id: i64) -> AppResult<i64> {
    let ancestors: Vec<(i64, i32)> = unit_closure::Entity::find()
        .select_only()
        .column(unit_closure::Column::AncestorId)
        .column(unit_closure::Column::Depth)
        .filter(unit_closure::Column::DescendantId.eq(cell_id))
        .into_tuple()
        .all(db)
        .await?;
    let owned = rubric::Entity::find()
        .filter(rubric::Column::OwnerUnitId.is_in(ancestors.iter().map(|(a, _)| *a)))
        .all(db)
        .await?;
    let distance: HashMap<i64, i32> = ancestors.into_iter().collect();
    let best = owned.into_iter().max_by_key(|r| {
        let d = r.owner_unit_id.and_then(|u| distance.get(&u).copied()).unwrap_or(i32::MAX);
        (-d, r.version)
    });
    match best {
        Some(r) => Ok(r.id),
        None => ensure_default_rubric(db).await,
    }
}

pub async fn load_rubric(db: &impl ConnectionTrait, rubric_id: i64) -> AppResult<(RubricSpec, Vec<rubric_criterion::Model>)> {
    let r = rubric::Entity::find_by_id(rubric_id).one(db).await?.ok_or_else(|| AppError::NotFound("thang điểm".into()))?;
    let criteria = rubric_criterion::Entity::find()
        .filter(rubric_criterion::Column::RubricId.eq(rubric_id))
        .order_by_asc(rubric_criterion::Column::Ordinal)
        .all(db)
        .await?;
    let thresholds: Vec<Threshold> = serde_json::from_str(&r.thresholds).or_internal()?;
    let spec = RubricSpec {
        name: r.name,
        criteria: criteria
            .iter()
            .map(|c| CriterionSpec {
                code: c.code.clone(),
                label: c.label.clone(),
                max_tenths: c.max_tenths,
                auto: c.auto.as_deref().and_then(AutoRule::parse),
            })
            .collect(),
        thresholds,
    };
    Ok((spec, criteria))
}

// ---------------------------------------------------------------- planning

pub async fn find_meeting(db: &impl ConnectionTrait, id: i64) -> AppResult<meeting::Model> {
    meeting::Entity::find_by_id(id).one(db).await?.ok_or_else(|| AppError::NotFound("buổi sinh hoạt".into()))
}

/// Plans a meeting and invites every active member of the cell.
pub async fn plan(db: &DatabaseConnection, user: &SessionUser, form: &MeetingForm) -> AppResult<i64> {
    authorize(db, user, Action::ManageMeetings(form.unit_id)).await?;
    let cell = find_unit(db, form.unit_id).await?;
    let mut checks = Checks::new();
    if !KINDS.iter().any(|(k, _)| *k == form.kind) {
        checks.fail("kind", "Vui lòng chọn loại buổi sinh hoạt.");
    }
    let topic = checks.text("topic", &form.topic, "chủ đề", 5, 500);
    let place = checks.text("place", &form.place, "địa điểm", 2, 255);
    let agenda = form.agenda.trim().to_string();
    if agenda.chars().count() > 5000 {
        checks.fail("agenda", "Chương trình không được dài quá 5000 ký tự.");
    }
    let starts_at = match parse_local(&form.starts_at) {
        Some(at) if at < Utc::now() - Duration::days(1) => {
            checks.fail("starts_at", "Không lên kế hoạch cho ngày đã qua.");
            None
        }
        Some(at) => Some(at),
        None => {
            checks.fail("starts_at", "Vui lòng nhập ngày giờ sinh hoạt (ví dụ: 19:30 05/12/2026).");
            None
        }
    };
    let minimum = if form.with_thematic { 120 } else { 90 };
    let planned = match form.planned_minutes.trim().parse::<i32>() {
        Ok(m) if (minimum..=480).contains(&m) => m,
        _ => {
            checks.fail("planned_minutes", format!("Thời gian sinh hoạt từ {minimum} đến 480 phút."));
            0
        }
    };
    if cell.valid_to.is_some() {
        checks.fail("unit_id", "Chi bộ này đã giải thể hoặc sáp nhập.");
    }
    checks.finish()?;
    let starts_at = starts_at.ok_or(AppError::Internal)?;
    let now = Utc::now();
    let txn = db.begin().await?;
    let row = meeting::ActiveModel {
        unit_id: Set(form.unit_id),
        kind: Set(form.kind.clone()),
        with_thematic: Set(form.with_thematic && form.kind == "regular"),
        topic: Set(topic),
        agenda: Set(agenda),
        place: Set(place),
        starts_at: Set(starts_at),
        planned_minutes: Set(planned),
        held_minutes: Set(None),
        status: Set("planned".into()),
        rubric_id: Set(None),
        total_tenths: Set(None),
        classification: Set(None),
        minutes_approved_at: Set(None),
        created_by: Set(user.member_id),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let members: Vec<i64> = member::Entity::find()
        .select_only()
        .column(member::Column::Id)
        .filter(member::Column::UnitId.eq(form.unit_id))
        .filter(member::Column::Status.eq("active"))
        .into_tuple()
        .all(&txn)
        .await?;
    if !members.is_empty() {
        meeting_attendance::Entity::insert_many(members.iter().copied().map(|member_id| meeting_attendance::ActiveModel {
            meeting_id: Set(row.id),
            member_id: Set(member_id),
            rsvp: Set(String::new()),
            rsvp_reason: Set(String::new()),
            status: Set("unmarked".into()),
            note: Set(String::new()),
            marked_at: Set(None),
        }))
        .exec(&txn)
        .await?;
    }
    refresh_counts(&txn, row.id).await?;
    // Every invited member hears of it in their inbox (the planner already knows).
    let invited: Vec<i64> = members.iter().copied().filter(|m| *m != user.member_id).collect();
    let title = format!("Lịch sinh hoạt chi bộ: {} · {}", row.topic, format_datetime(row.starts_at));
    crate::notifications::service::notify(&txn, &invited, "meeting", &title, &format!("/sinh-hoat/{}", row.id)).await?;
    txn.commit().await?;
    Ok(row.id)
}

/// Copies the attendance counts onto the meeting, inside the transaction that changed them.
pub async fn refresh_counts(db: &impl ConnectionTrait, meeting_id: i64) -> AppResult<()> {
    let statuses: Vec<String> = meeting_attendance::Entity::find()
        .select_only()
        .column(meeting_attendance::Column::Status)
        .filter(meeting_attendance::Column::MeetingId.eq(meeting_id))
        .into_tuple()
        .all(db)
        .await?;
    let count = |pred: fn(&str) -> bool| statuses.iter().filter(|s| pred(s)).count() as i32;
    meeting::Entity::update_many()
        .col_expr(meeting::Column::ExpectedCount, sea_orm::sea_query::Expr::value(statuses.len() as i32))
        .col_expr(meeting::Column::AttendedCount, sea_orm::sea_query::Expr::value(count(|s| matches!(s, "present" | "late"))))
        .col_expr(meeting::Column::UnexcusedCount, sea_orm::sea_query::Expr::value(count(|s| s == "absent")))
        .filter(meeting::Column::Id.eq(meeting_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Links a library document to the meeting; when it was posted counts for the "one day before" rule.
pub async fn attach_document(db: &DatabaseConnection, user: &SessionUser, meeting_id: i64, document_id: i64) -> AppResult<()> {
    let m = find_meeting(db, meeting_id).await?;
    authorize(db, user, Action::ManageMeetings(m.unit_id)).await?;
    if !crate::documents::service::visible_ids(db, user).await?.contains(&document_id) {
        return Err(AppError::invalid("form", "Vui lòng chọn một tài liệu đã ban hành trong thư viện."));
    }
    meeting_document::Entity::insert(meeting_document::ActiveModel {
        meeting_id: Set(meeting_id),
        document_id: Set(document_id),
        posted_at: Set(Utc::now()),
    })
    .on_conflict(OnConflict::columns([meeting_document::Column::MeetingId, meeting_document::Column::DocumentId]).do_nothing().to_owned())
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// A member answers the invitation: coming, or excused with a reason.
pub async fn rsvp(db: &DatabaseConnection, user: &SessionUser, meeting_id: i64, coming: bool, reason: &str) -> AppResult<()> {
    let m = find_meeting(db, meeting_id).await?;
    let row = meeting_attendance::Entity::find_by_id((meeting_id, user.member_id))
        .one(db)
        .await?
        .ok_or_else(|| AppError::Forbidden("Đồng chí không thuộc chi bộ của buổi sinh hoạt này.".into()))?;
    if m.status != "planned" {
        return Err(AppError::Conflict("Buổi sinh hoạt đã diễn ra.".into()));
    }
    let reason = reason.trim();
    if !coming && reason.chars().count() < 3 {
        return Err(AppError::invalid("reason", "Vui lòng nêu lý do xin vắng."));
    }
    let mut active: meeting_attendance::ActiveModel = row.into();
    active.rsvp = Set(if coming { "yes" } else { "excused" }.into());
    active.rsvp_reason = Set(if coming { String::new() } else { reason.chars().take(500).collect() });
    active.update(db).await?;
    Ok(())
}

// ---------------------------------------------------------------- on the day

/// Attendance can be taken from 12 hours before the start.
fn check_started(m: &meeting::Model) -> AppResult<()> {
    if m.starts_at - Duration::hours(12) > Utc::now() {
        return Err(AppError::invalid("form", "Chưa đến ngày sinh hoạt: chưa thể điểm danh hoặc ghi nhận kết quả."));
    }
    Ok(())
}

/// The secretary marks each member's attendance; every mark is checked before any is stored.
pub async fn mark_attendance<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    user: &SessionUser,
    meeting_id: i64,
    marks: &[(i64, String, String)],
) -> AppResult<()> {
    let m = find_meeting(db, meeting_id).await?;
    authorize(db, user, Action::ManageMeetings(m.unit_id)).await?;
    check_started(&m)?;
    if m.status == "approved" {
        return Err(AppError::Conflict("Cấp trên đã duyệt buổi sinh hoạt này; không sửa điểm danh được nữa.".into()));
    }
    let expected: HashMap<i64, meeting_attendance::Model> = meeting_attendance::Entity::find()
        .filter(meeting_attendance::Column::MeetingId.eq(meeting_id))
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.member_id, a))
        .collect();
    for (member_id, status, _) in marks {
        if !expected.contains_key(member_id) {
            return Err(AppError::invalid("attendance", "Có người không thuộc chi bộ trong danh sách điểm danh."));
        }
        if !matches!(status.as_str(), "present" | "late" | "excused" | "absent") {
            return Err(AppError::invalid("attendance", "Tình trạng điểm danh không hợp lệ."));
        }
    }
    let now = Utc::now();
    let txn = db.begin().await?;
    for (member_id, status, note) in marks {
        let Some(row) = expected.get(member_id) else { continue };
        let mut active: meeting_attendance::ActiveModel = row.clone().into();
        active.status = Set(status.clone());
        active.note = Set(note.trim().chars().take(500).collect());
        active.marked_at = Set(Some(now));
        active.update(&txn).await?;
    }
    refresh_counts(&txn, meeting_id).await?;
    txn.commit().await?;
    Ok(())
}

/// Records that the meeting took place and how long it lasted.
pub async fn record_held(db: &impl ConnectionTrait, user: &SessionUser, meeting_id: i64, held_minutes: i32) -> AppResult<()> {
    let m = find_meeting(db, meeting_id).await?;
    authorize(db, user, Action::ManageMeetings(m.unit_id)).await?;
    check_started(&m)?;
    if m.status == "approved" {
        return Err(AppError::Conflict("Cấp trên đã duyệt buổi sinh hoạt này.".into()));
    }
    if !(1..=600).contains(&held_minutes) {
        return Err(AppError::invalid("held_minutes", "Thời gian sinh hoạt thực tế từ 1 đến 600 phút."));
    }
    let mut active: meeting::ActiveModel = m.clone().into();
    active.held_minutes = Set(Some(held_minutes));
    if m.status == "planned" {
        active.status = Set("held".into());
    }
    active.updated_at = Set(Utc::now());
    active.update(db).await?;
    Ok(())
}

/// What the system knows about the meeting, for the automatic criteria.
pub async fn facts(db: &impl ConnectionTrait, m: &meeting::Model) -> AppResult<MeetingFacts> {
    let rows = meeting_attendance::Entity::find().filter(meeting_attendance::Column::MeetingId.eq(m.id)).all(db).await?;
    let docs = meeting_document::Entity::find().filter(meeting_document::Column::MeetingId.eq(m.id)).all(db).await?;
    Ok(MeetingFacts {
        expected: rows.len() as i32,
        attended: rows.iter().filter(|r| matches!(r.status.as_str(), "present" | "late")).count() as i32,
        unexcused: rows.iter().filter(|r| r.status == "absent").count() as i32,
        held_minutes: m.held_minutes,
        required_minutes: if m.with_thematic { 120 } else { 90 },
        documents_early: docs.iter().all(|d| d.posted_at <= m.starts_at - Duration::days(1)),
        has_documents: !docs.is_empty(),
        minutes_complete: m.minutes_approved_at.is_some(),
    })
}

// ---------------------------------------------------------------- scoring

/// The secretary scores the meeting on the cell's rubric; each criterion within its maximum.
/// The rubric version used is stored with the meeting, so later rubric changes never rescore it.
pub async fn score<C: ConnectionTrait + TransactionTrait>(db: &C, user: &SessionUser, meeting_id: i64, given: &[(i64, i32)]) -> AppResult<i32> {
    let m = find_meeting(db, meeting_id).await?;
    authorize(db, user, Action::ManageMeetings(m.unit_id)).await?;
    match m.status.as_str() {
        "planned" => return Err(AppError::invalid("form", "Vui lòng ghi nhận buổi sinh hoạt đã diễn ra trước khi chấm điểm.")),
        "approved" => return Err(AppError::Conflict("Cấp trên đã duyệt kết quả; không chấm lại được.".into())),
        _ => {}
    }
    let rubric_id = match m.rubric_id {
        Some(id) => id,
        None => rubric_for_cell(db, m.unit_id).await?,
    };
    let (spec, criteria) = load_rubric(db, rubric_id).await?;
    let mut checks = Checks::new();
    for c in &criteria {
        match given.iter().find(|(id, _)| *id == c.id) {
            None => checks.fail(&format!("c{}", c.id), "Vui lòng chấm tiêu chí này."),
            Some((_, t)) if *t < 0 || *t > c.max_tenths => checks.fail(
                &format!("c{}", c.id),
                format!("Điểm phải từ 0 đến {}.", super::rubric::points_text(c.max_tenths)),
            ),
            Some(_) => {}
        }
    }
    if given.iter().any(|(id, _)| !criteria.iter().any(|c| c.id == *id)) {
        checks.fail("form", "Có tiêu chí không thuộc thang điểm của chi bộ.");
    }
    checks.finish()?;
    let f = facts(db, &m).await?;
    let total: i32 = given.iter().map(|(_, t)| *t).sum();
    let class = spec.classify(total).code.clone();
    let txn = db.begin().await?;
    meeting_score::Entity::delete_many().filter(meeting_score::Column::MeetingId.eq(meeting_id)).exec(&txn).await?;
    for c in &criteria {
        let tenths = given.iter().find(|(id, _)| *id == c.id).map(|(_, t)| *t).unwrap_or(0);
        meeting_score::ActiveModel {
            meeting_id: Set(meeting_id),
            criterion_id: Set(c.id),
            tenths: Set(tenths),
            auto_tenths: Set(c.auto.as_deref().and_then(AutoRule::parse).map(|a| a.score(&f, c.max_tenths))),
        }
        .insert(&txn)
        .await?;
    }
    let mut active: meeting::ActiveModel = m.into();
    active.rubric_id = Set(Some(rubric_id));
    active.total_tenths = Set(Some(total));
    active.classification = Set(Some(class));
    active.status = Set("scored".into());
    active.updated_at = Set(Utc::now());
    active.update(&txn).await?;
    txn.commit().await?;
    Ok(total)
}

/// The higher committee adjusts criteria (each with a reason) and/or approves.
pub async fn review(
    db: &DatabaseConnection,
    user: &SessionUser,
    meeting_id: i64,
    adjustments: &[(i64, i32, String)],
    approve: bool,
) -> AppResult<i32> {
    let m = find_meeting(db, meeting_id).await?;
    authorize(db, user, Action::ReviewMeetings(m.unit_id)).await?;
    if m.status != "scored" {
        return Err(AppError::Conflict(match m.status.as_str() {
            "approved" => "Kết quả đã được duyệt.".into(),
            _ => "Chi bộ chưa chấm điểm buổi sinh hoạt này.".into(),
        }));
    }
    let rubric_id = m.rubric_id.ok_or(AppError::Internal)?;
    let (spec, criteria) = load_rubric(db, rubric_id).await?;
    let mut scores: HashMap<i64, meeting_score::Model> = meeting_score::Entity::find()
        .filter(meeting_score::Column::MeetingId.eq(meeting_id))
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.criterion_id, s))
        .collect();
    let mut checks = Checks::new();
    for (criterion_id, tenths, reason) in adjustments {
        let field = format!("c{criterion_id}");
        match criteria.iter().find(|c| c.id == *criterion_id) {
            None => checks.fail("form", "Có tiêu chí không thuộc thang điểm của buổi sinh hoạt."),
            Some(c) if *tenths < 0 || *tenths > c.max_tenths => {
                checks.fail(&field, format!("Điểm phải từ 0 đến {}.", super::rubric::points_text(c.max_tenths)))
            }
            Some(_) if reason.trim().chars().count() < 5 => checks.fail(&field, "Vui lòng ghi lý do điều chỉnh."),
            Some(_) => {}
        }
    }
    checks.finish()?;
    let now = Utc::now();
    let txn = db.begin().await?;
    for (criterion_id, tenths, reason) in adjustments {
        let Some(current) = scores.get_mut(criterion_id) else { continue };
        if current.tenths == *tenths {
            continue;
        }
        meeting_review::ActiveModel {
            meeting_id: Set(meeting_id),
            reviewer_id: Set(user.member_id),
            action: Set("adjust".into()),
            criterion_id: Set(Some(*criterion_id)),
            from_tenths: Set(Some(current.tenths)),
            to_tenths: Set(Some(*tenths)),
            reason: Set(reason.trim().chars().take(1000).collect()),
            at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        let mut active: meeting_score::ActiveModel = current.clone().into();
        active.tenths = Set(*tenths);
        active.update(&txn).await?;
        current.tenths = *tenths;
    }
    let total: i32 = scores.values().map(|s| s.tenths).sum();
    if approve {
        meeting_review::ActiveModel {
            meeting_id: Set(meeting_id),
            reviewer_id: Set(user.member_id),
            action: Set("approve".into()),
            criterion_id: Set(None),
            from_tenths: Set(None),
            to_tenths: Set(Some(total)),
            reason: Set(String::new()),
            at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
    }
    let mut active: meeting::ActiveModel = m.into();
    active.total_tenths = Set(Some(total));
    active.classification = Set(Some(spec.classify(total).code.clone()));
    if approve {
        active.status = Set("approved".into());
    }
    active.updated_at = Set(now);
    active.update(&txn).await?;
    txn.commit().await?;
    Ok(total)
}

// ---------------------------------------------------------------- anonymous ratings

/// The keyed fingerprint that says "this member rated this meeting" to the server alone.
pub fn rater_token(key: &SecretKey, meeting_id: i64, member_id: i64) -> String {
    key.tag("meeting-rater", &[&meeting_id.to_string(), &member_id.to_string()])
}

/// A member who was invited rates the meeting once, 1–5 stars with an optional comment. That
/// they rated is kept as a fingerprint only the server's key can make, and the rating itself
/// carries no member, no device id and no time finer than the meeting's day: someone who reads
/// the whole database cannot link a rating to its author.
pub async fn rate(
    db: &DatabaseConnection,
    key: &SecretKey,
    user: &SessionUser,
    meeting_id: i64,
    stars: i32,
    comment: &str,
) -> AppResult<()> {
    let m = find_meeting(db, meeting_id).await?;
    if meeting_attendance::Entity::find_by_id((meeting_id, user.member_id)).one(db).await?.is_none() {
        return Err(AppError::Forbidden("Đồng chí không thuộc chi bộ của buổi sinh hoạt này.".into()));
    }
    if m.status == "planned" {
        return Err(AppError::invalid("form", "Chỉ đánh giá được buổi sinh hoạt đã diễn ra."));
    }
    let mut checks = Checks::new();
    if !(1..=5).contains(&stars) {
        checks.fail("stars", "Vui lòng chọn từ 1 đến 5 sao.");
    }
    let comment = checks.text("comment", comment, "nhận xét", 0, 1000);
    checks.finish()?;
    let txn = db.begin().await?;
    let token = rater_token(key, meeting_id, user.member_id);
    let inserted = meeting_rater::Entity::insert(meeting_rater::ActiveModel { meeting_id: Set(meeting_id), token: Set(token) })
        .on_conflict(OnConflict::columns([meeting_rater::Column::MeetingId, meeting_rater::Column::Token]).do_nothing().to_owned())
        .exec_without_returning(&txn)
        .await?;
    if inserted == 0 {
        return Err(AppError::Conflict("Đồng chí đã đánh giá buổi sinh hoạt này.".into()));
    }
    meeting_rating::ActiveModel {
        // A server-made random id: a device id could be found again in the device's other writes.
        client_id: Set(crate::common::client_id::new()),
        meeting_id: Set(meeting_id),
        stars: Set(stars),
        comment: Set(comment),
        on_date: Set(crate::common::time::vietnam_date(m.starts_at)),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Has this member rated the meeting? Only the server, with its key, can tell.
pub async fn has_rated(db: &impl ConnectionTrait, key: &SecretKey, meeting_id: i64, member_id: i64) -> AppResult<bool> {
    Ok(meeting_rater::Entity::find_by_id((meeting_id, rater_token(key, meeting_id, member_id))).one(db).await?.is_some())
}

/// Ratings as the secretary and committees see them: numbers and comments, never names.
pub async fn ratings(db: &DatabaseConnection, user: &SessionUser, meeting_id: i64) -> AppResult<RatingSummary> {
    let m = find_meeting(db, meeting_id).await?;
    if authorize(db, user, Action::ManageMeetings(m.unit_id)).await.is_err() {
        authorize(db, user, Action::ReviewMeetings(m.unit_id)).await?;
    }
    rating_summary(db, meeting_id).await
}

/// Count, average and comments of a meeting's ratings; never who gave them.
async fn rating_summary(db: &DatabaseConnection, meeting_id: i64) -> AppResult<RatingSummary> {
    let mut rows = meeting_rating::Entity::find().filter(meeting_rating::Column::MeetingId.eq(meeting_id)).all(db).await?;
    // Sorted by text, not by arrival, so the order says nothing about who wrote what.
    rows.sort_by(|a, b| a.comment.cmp(&b.comment));
    let count = rows.len() as i64;
    if count < super::MIN_RATINGS_SHOWN {
        return Ok(RatingSummary { count: 0, withheld: count > 0, average_tenths: None, comments: Vec::new() });
    }
    Ok(RatingSummary {
        count,
        withheld: false,
        average_tenths: (count > 0).then(|| rows.iter().map(|r| i64::from(r.stars)).sum::<i64>() * 10 / count),
        comments: rows.into_iter().map(|r| r.comment).filter(|c| !c.is_empty()).collect(),
    })
}

// ---------------------------------------------------------------- reading

pub fn summary(m: &meeting::Model, unit_name: String) -> MeetingSummary {
    MeetingSummary {
        id: m.id,
        unit: UnitRef { id: m.unit_id, name: unit_name },
        kind: m.kind.clone(),
        topic: m.topic.clone(),
        starts_at: format_datetime(m.starts_at),
        status: m.status.clone(),
        total_tenths: m.total_tenths,
        classification: m.classification.clone(),
    }
}

/// A cell's meetings, newest first, for its members and the committees above it.
pub async fn list(db: &DatabaseConnection, user: &SessionUser, cell_id: i64) -> AppResult<Vec<MeetingSummary>> {
    if user.cell_id != cell_id {
        authorize(db, user, Action::ListMembers(cell_id)).await?;
    }
    let cell = find_unit(db, cell_id).await?;
    let rows = meeting::Entity::find()
        .filter(meeting::Column::UnitId.eq(cell_id))
        .order_by_desc(meeting::Column::StartsAt)
        .all(db)
        .await?;
    Ok(rows.iter().map(|m| summary(m, cell.name.clone())).collect())
}

pub async fn detail(db: &DatabaseConnection, user: &SessionUser, meeting_id: i64) -> AppResult<MeetingDetail> {
    let m = find_meeting(db, meeting_id).await?;
    if user.cell_id != m.unit_id {
        authorize(db, user, Action::ListMembers(m.unit_id)).await?;
    }
    let cell = find_unit(db, m.unit_id).await?;
    let f = facts(db, &m).await?;
    let rows = meeting_attendance::Entity::find().filter(meeting_attendance::Column::MeetingId.eq(m.id)).all(db).await?;
    let names: HashMap<i64, (String, String)> = member::Entity::find()
        .select_only()
        .column(member::Column::Id)
        .column(member::Column::FullName)
        .column(member::Column::SortKey)
        .filter(member::Column::Id.is_in(rows.iter().map(|r| r.member_id)))
        .into_tuple::<(i64, String, String)>()
        .all(db)
        .await?
        .into_iter()
        .map(|(id, name, key)| (id, (name, key)))
        .collect();
    let mut attendance: Vec<(String, AttendanceRow)> = rows
        .into_iter()
        .map(|r| {
            let (name, key) = names.get(&r.member_id).cloned().unwrap_or_default();
            (key, AttendanceRow { member_id: r.member_id, full_name: name, rsvp: r.rsvp, rsvp_reason: r.rsvp_reason, status: r.status, note: r.note })
        })
        .collect();
    attendance.sort_by(|a, b| a.0.cmp(&b.0));
    let rubric_id = match m.rubric_id {
        Some(id) => id,
        None => rubric_for_cell(db, m.unit_id).await?,
    };
    let (spec, criteria) = load_rubric(db, rubric_id).await?;
    let given: HashMap<i64, i32> = meeting_score::Entity::find()
        .filter(meeting_score::Column::MeetingId.eq(m.id))
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.criterion_id, s.tenths))
        .collect();
    let scores = criteria
        .iter()
        .map(|c| ScoreRow {
            criterion_id: c.id,
            label: c.label.clone(),
            max_tenths: c.max_tenths,
            auto_tenths: c.auto.as_deref().and_then(AutoRule::parse).map(|a| a.score(&f, c.max_tenths)),
            tenths: given.get(&c.id).copied(),
        })
        .collect();
    let links = meeting_document::Entity::find().filter(meeting_document::Column::MeetingId.eq(m.id)).all(db).await?;
    let titles: HashMap<i64, String> = crate::db::entities::document::Entity::find()
        .filter(crate::db::entities::document::Column::Id.is_in(links.iter().map(|l| l.document_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|d| (d.id, d.title))
        .collect();
    let documents = links
        .iter()
        .map(|l| super::MeetingDocumentView {
            document_id: l.document_id,
            title: titles.get(&l.document_id).cloned().unwrap_or_default(),
            posted_at: format_datetime(l.posted_at),
            early: l.posted_at <= m.starts_at - Duration::days(1),
        })
        .collect();
    let can_manage = authorize(db, user, Action::ManageMeetings(m.unit_id)).await.is_ok();
    let can_review = authorize(db, user, Action::ReviewMeetings(m.unit_id)).await.is_ok();
    // Loaded with the meeting rather than by the page's own requests: resources created after
    // the meeting resolved raced it while the page was rendered on the server.
    let postable = if can_manage && m.status != "approved" { postable_documents(db, user).await? } else { Vec::new() };
    let ratings = if can_manage || can_review { Some(rating_summary(db, m.id).await?) } else { None };
    // Why someone stays away is theirs and the secretaries' (and the reviewing committee's):
    // other members see only who came.
    if !(can_manage || can_review) {
        for (_, row) in attendance.iter_mut().filter(|(_, row)| row.member_id != user.member_id) {
            row.rsvp_reason.clear();
            row.note.clear();
        }
    }
    Ok(MeetingDetail {
        documents,
        postable,
        ratings,
        summary: summary(&m, cell.name),
        agenda: m.agenda.clone(),
        place: m.place.clone(),
        planned_minutes: m.planned_minutes,
        held_minutes: m.held_minutes,
        facts: f,
        attendance: attendance.into_iter().map(|(_, a)| a).collect(),
        scores,
        rubric_name: spec.name,
        can_manage,
        can_review,
    })
}

/// Published library documents this user may post to a meeting, by title.
async fn postable_documents(db: &DatabaseConnection, user: &SessionUser) -> AppResult<Vec<(i64, String)>> {
    let ids = crate::documents::service::visible_ids(db, user).await?;
    let mut docs: Vec<(i64, String)> = crate::db::entities::document::Entity::find()
        .select_only()
        .column(crate::db::entities::document::Column::Id)
        .column(crate::db::entities::document::Column::Title)
        .filter(crate::db::entities::document::Column::Id.is_in(ids))
        .into_tuple()
        .all(db)
        .await?;
    docs.sort_by(|a, b| a.1.cmp(&b.1));
    Ok(docs)
}

/// Planned meetings this member is invited to, from 12 hours ago on, soonest first.
pub async fn upcoming(db: &DatabaseConnection, user: &SessionUser) -> AppResult<Vec<super::UpcomingMeeting>> {
    let invited: HashMap<i64, String> = meeting_attendance::Entity::find()
        .filter(meeting_attendance::Column::MemberId.eq(user.member_id))
        .filter(
            meeting_attendance::Column::MeetingId.in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(meeting::Column::Id)
                    .from(meeting::Entity)
                    .and_where(meeting::Column::Status.eq("planned"))
                    .and_where(meeting::Column::StartsAt.gte(Utc::now() - Duration::hours(12)))
                    .to_owned(),
            ),
        )
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.meeting_id, a.rsvp))
        .collect();
    let meetings = meeting::Entity::find()
        .filter(meeting::Column::Id.is_in(invited.keys().copied()))
        .order_by_asc(meeting::Column::StartsAt)
        .limit(20)
        .all(db)
        .await?;
    let names = crate::auth::service::unit_names(db, meetings.iter().map(|m| m.unit_id)).await?;
    Ok(meetings
        .iter()
        .map(|m| super::UpcomingMeeting {
            summary: summary(m, names.get(&m.unit_id).cloned().unwrap_or_default()),
            place: m.place.clone(),
            rsvp: invited.get(&m.id).cloned().unwrap_or_default(),
        })
        .collect())
}

/// Scored meetings in the subtrees this user reviews, oldest first: the committee's to-do list.
pub async fn awaiting_review(db: &DatabaseConnection, user: &SessionUser) -> AppResult<Vec<MeetingSummary>> {
    let scopes = user.committee_scopes();
    if scopes.is_empty() {
        return Ok(Vec::new());
    }
    let cells = sea_orm::sea_query::Query::select()
        .column(unit_closure::Column::DescendantId)
        .from(unit_closure::Entity)
        .and_where(unit_closure::Column::AncestorId.is_in(scopes))
        .to_owned();
    let rows = meeting::Entity::find()
        .filter(meeting::Column::Status.eq("scored"))
        .filter(meeting::Column::UnitId.in_subquery(cells))
        .order_by_asc(meeting::Column::StartsAt)
        .limit(100)
        .all(db)
        .await?;
    let names = crate::auth::service::unit_names(db, rows.iter().map(|m| m.unit_id)).await?;
    Ok(rows.iter().map(|m| summary(m, names.get(&m.unit_id).cloned().unwrap_or_default())).collect())
}

// ---------------------------------------------------------------- minutes

/// "Họ tên: ý kiến" lines → speakers; the error names the line.
pub fn parse_speakers(text: &str) -> Result<Vec<Speaker>, String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .enumerate()
        .map(|(i, line)| match line.split_once(':') {
            Some((name, gist)) if name.trim().chars().count() >= 2 && !gist.trim().is_empty() => {
                Ok(Speaker { name: name.trim().chars().take(120).collect(), gist: gist.trim().chars().take(2000).collect() })
            }
            _ => Err(format!("Dòng {} cần dạng “Họ tên: nội dung phát biểu”.", i + 1)),
        })
        .collect()
}

/// "Nội dung: 24/0/1" lines → votes (agree / disagree / abstain).
pub fn parse_votes(text: &str) -> Result<Vec<Vote>, String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .enumerate()
        .map(|(i, line)| {
            let bad = || format!("Dòng {} cần dạng “Nội dung biểu quyết: tán thành/không tán thành/không ý kiến”, ví dụ “Thông qua nghị quyết: 24/0/1”.", i + 1);
            let (question, tally) = line.rsplit_once(':').ok_or_else(bad)?;
            let numbers: Vec<i32> = tally.split('/').map(|n| n.trim().parse::<i32>()).collect::<Result<_, _>>().map_err(|_| bad())?;
            match numbers.as_slice() {
                [agree, disagree, abstain] if question.trim().chars().count() >= 3 && *agree >= 0 && *disagree >= 0 && *abstain >= 0 => Ok(Vote {
                    question: question.trim().chars().take(500).collect(),
                    agree: *agree,
                    disagree: *disagree,
                    abstain: *abstain,
                }),
                _ => Err(bad()),
            }
        })
        .collect()
}

fn speakers_text(speakers: &[Speaker]) -> String {
    speakers.iter().map(|s| format!("{}: {}", s.name, s.gist)).collect::<Vec<_>>().join("\n")
}

fn votes_text(votes: &[Vote]) -> String {
    votes.iter().map(|v| format!("{}: {}/{}/{}", v.question, v.agree, v.disagree, v.abstain)).collect::<Vec<_>>().join("\n")
}

/// Writes the minutes; approving them (read back at the meeting) needs a conclusion and at
/// least one speaker, and fills the "minutes complete" fact.
pub async fn save_minutes(db: &DatabaseConnection, user: &SessionUser, form: &MinutesForm) -> AppResult<()> {
    let m = find_meeting(db, form.meeting_id).await?;
    authorize(db, user, Action::ManageMeetings(m.unit_id)).await?;
    check_started(&m)?;
    if m.status == "approved" {
        return Err(AppError::Conflict("Cấp trên đã duyệt buổi sinh hoạt này; biên bản không sửa được nữa.".into()));
    }
    let approve = form.approve == "true";
    let attended = facts(db, &m).await?.attended;
    let mut checks = Checks::new();
    let chair = checks.text("chair", &form.chair, "người chủ trì", 2, 120);
    let recorder = checks.text("recorder", &form.recorder, "thư ký", 2, 120);
    let guests = checks.text("guests", &form.guests, "khách mời", 0, 500);
    let exempt = match form.exempt.trim() {
        "" => 0,
        n => n.parse::<i32>().ok().filter(|n| (0..=500).contains(n)).unwrap_or_else(|| {
            checks.fail("exempt", "Số đảng viên miễn sinh hoạt không hợp lệ.");
            0
        }),
    };
    let speakers = parse_speakers(&form.speakers).unwrap_or_else(|e| {
        checks.fail("speakers", e);
        Vec::new()
    });
    let votes = parse_votes(&form.votes).unwrap_or_else(|e| {
        checks.fail("votes", e);
        Vec::new()
    });
    if let Some(v) = votes.iter().find(|v| v.agree + v.disagree + v.abstain > attended) {
        checks.fail("votes", format!("Biểu quyết “{}” có nhiều phiếu hơn số đảng viên dự họp ({attended}).", v.question));
    }
    let conclusion = form.conclusion.trim().to_string();
    if conclusion.chars().count() > 10_000 {
        checks.fail("conclusion", "Kết luận không được dài quá 10000 ký tự.");
    }
    if approve && conclusion.chars().count() < 10 {
        checks.fail("conclusion", "Vui lòng ghi kết luận của chủ trì trước khi thông qua biên bản.");
    }
    if approve && speakers.is_empty() {
        checks.fail("speakers", "Biên bản cần ghi ý kiến phát biểu trước khi thông qua.");
    }
    checks.finish()?;
    let now = Utc::now();
    let existing = meeting_minutes::Entity::find_by_id(m.id).one(db).await?;
    let approved_at = if approve { existing.as_ref().and_then(|e| e.approved_at).or(Some(now)) } else { None };
    let row = meeting_minutes::ActiveModel {
        meeting_id: Set(m.id),
        chair: Set(chair),
        recorder: Set(recorder),
        guests: Set(guests),
        exempt: Set(exempt),
        speakers: Set(serde_json::to_string(&speakers).or_internal()?),
        conclusion: Set(conclusion),
        votes: Set(serde_json::to_string(&votes).or_internal()?),
        approved_at: Set(approved_at),
        updated_at: Set(now),
    };
    let txn = db.begin().await?;
    if existing.is_some() {
        row.update(&txn).await?;
    } else {
        row.insert(&txn).await?;
    }
    let mut active: meeting::ActiveModel = m.into();
    active.minutes_approved_at = Set(approved_at);
    active.updated_at = Set(now);
    active.update(&txn).await?;
    txn.commit().await?;
    Ok(())
}

/// The biên bản with its facts filled in from the meeting; readable by whoever may open the meeting.
pub async fn minutes(db: &DatabaseConnection, user: &SessionUser, meeting_id: i64) -> AppResult<MinutesView> {
    let d = detail(db, user, meeting_id).await?;
    let m = find_meeting(db, meeting_id).await?;
    let stored = meeting_minutes::Entity::find_by_id(meeting_id).one(db).await?;
    let member_ids: Vec<i64> = d.attendance.iter().map(|a| a.member_id).collect();
    let probationary = member::Entity::find()
        .filter(member::Column::Id.is_in(member_ids))
        .filter(member::Column::OfficialOn.is_null())
        .count(db)
        .await? as i32;
    let total = d.attendance.len() as i32;
    let speakers: Vec<Speaker> = stored.as_ref().and_then(|s| serde_json::from_str(&s.speakers).ok()).unwrap_or_default();
    let votes: Vec<Vote> = stored.as_ref().and_then(|s| serde_json::from_str(&s.votes).ok()).unwrap_or_default();
    Ok(MinutesView {
        place: d.place.clone(),
        agenda: d.agenda.clone(),
        held_minutes: d.held_minutes,
        total_members: total,
        official: total - probationary,
        probationary,
        exempt: stored.as_ref().map_or(0, |s| s.exempt),
        attended: d.facts.attended,
        absentees: d
            .attendance
            .iter()
            .filter(|a| matches!(a.status.as_str(), "excused" | "absent"))
            .map(|a| Absentee {
                full_name: a.full_name.clone(),
                excused: a.status == "excused",
                reason: if a.note.is_empty() { a.rsvp_reason.clone() } else { a.note.clone() },
            })
            .collect(),
        chair: stored.as_ref().map(|s| s.chair.clone()).unwrap_or_default(),
        recorder: stored.as_ref().map(|s| s.recorder.clone()).unwrap_or_default(),
        guests: stored.as_ref().map(|s| s.guests.clone()).unwrap_or_default(),
        speakers_text: speakers_text(&speakers),
        votes_text: votes_text(&votes),
        speakers,
        conclusion: stored.as_ref().map(|s| s.conclusion.clone()).unwrap_or_default(),
        votes,
        approved_at: m.minutes_approved_at.map(format_datetime),
        can_edit: d.can_manage && m.status != "approved",
        summary: d.summary,
    })
}
