//! Self check-in with a rotating QR code. The secretary's screen always shows a fresh code; each
//! code lives a short time and checks in one member only, so a photo sent to someone at home is
//! useless. A member who reopens the check-in page later is told they are checked in (the code
//! having expired since does not matter), unlike the flaw known in Moodle's attendance plugin.

use chrono::{Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set, TransactionTrait};

use super::service::find_meeting;
use super::{CheckInResult, QrCodeView};
use crate::auth::SessionUser;
use crate::auth::service::{Action, authorize};
use crate::db::entities::{meeting_attendance, meeting_qr_code};
use crate::error::{AppError, AppResult, OrInternal};
use crate::validate::format_datetime;

/// How long a scanned code is accepted.
pub const CODE_TTL_SECONDS: i64 = 45;
/// The screen shows a new code at least this often, and at once after each use.
pub const ROTATE_SECONDS: i64 = 15;
/// Arriving later than this after the start counts as late.
pub const LATE_AFTER_MINUTES: i64 = 15;

fn new_code() -> AppResult<String> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).or_internal()?;
    Ok(crate::common::hex(&bytes))
}

fn qr_svg(text: &str) -> AppResult<String> {
    let code = qrcode::QrCode::new(text.as_bytes()).or_internal()?;
    Ok(code.render::<qrcode::render::svg::Color>().min_dimensions(260, 260).quiet_zone(true).build())
}

/// The code the secretary's screen should show now, as an SVG QR code of the check-in address
/// under `origin` (the address the secretary's browser uses, e.g. https://sotay.example.vn).
pub async fn current_code(db: &DatabaseConnection, user: &SessionUser, meeting_id: i64, origin: &str) -> AppResult<QrCodeView> {
    let m = find_meeting(db, meeting_id).await?;
    authorize(db, user, Action::ManageMeetings(m.unit_id)).await?;
    if m.starts_at - Duration::hours(12) > Utc::now() {
        return Err(AppError::invalid("form", "Chưa đến ngày sinh hoạt: chưa thể điểm danh."));
    }
    if m.status == "approved" {
        return Err(AppError::Conflict("Cấp trên đã duyệt buổi sinh hoạt này.".into()));
    }
    let origin = origin.trim_end_matches('/');
    if !(origin.starts_with("http://") || origin.starts_with("https://")) || origin.len() > 200 || origin.contains(char::is_whitespace) {
        return Err(AppError::invalid("origin", "Địa chỉ trang không hợp lệ."));
    }
    let now = Utc::now();
    let fresh = meeting_qr_code::Entity::find()
        .filter(meeting_qr_code::Column::MeetingId.eq(meeting_id))
        .filter(meeting_qr_code::Column::UsedBy.is_null())
        .filter(meeting_qr_code::Column::CreatedAt.gt(now - Duration::seconds(ROTATE_SECONDS)))
        .order_by_desc(meeting_qr_code::Column::CreatedAt)
        .one(db)
        .await?;
    let code = match fresh {
        Some(c) => c.code,
        None => {
            let code = new_code()?;
            meeting_qr_code::ActiveModel {
                meeting_id: Set(meeting_id),
                code: Set(code.clone()),
                created_at: Set(now),
                used_by: Set(None),
                used_at: Set(None),
                ..Default::default()
            }
            .insert(db)
            .await?;
            code
        }
    };
    let url = format!("{origin}/sinh-hoat/{meeting_id}/co-mat?ma={code}");
    let present = meeting_attendance::Entity::find()
        .filter(meeting_attendance::Column::MeetingId.eq(meeting_id))
        .filter(meeting_attendance::Column::Status.is_in(["present", "late"]))
        .all(db)
        .await?
        .len() as i32;
    Ok(QrCodeView { svg: qr_svg(&url)?, url, code, present })
}

/// A member checks in with a scanned code.
/// Whether this member is already checked in: what the landing page shows on opening, without
/// changing anything (a page load never checks anyone in; the member taps to confirm).
pub async fn status(db: &DatabaseConnection, user: &SessionUser, meeting_id: i64) -> AppResult<Option<CheckInResult>> {
    let m = find_meeting(db, meeting_id).await?;
    let Some(row) = meeting_attendance::Entity::find_by_id((meeting_id, user.member_id)).one(db).await? else {
        return Err(AppError::Forbidden("Đồng chí không thuộc chi bộ của buổi sinh hoạt này.".into()));
    };
    Ok(matches!(row.status.as_str(), "present" | "late").then(|| CheckInResult {
        topic: m.topic,
        checked_at: row.marked_at.map(format_datetime).unwrap_or_default(),
        late: row.status == "late",
    }))
}

pub async fn check_in(db: &DatabaseConnection, user: &SessionUser, meeting_id: i64, code: &str) -> AppResult<CheckInResult> {
    let m = find_meeting(db, meeting_id).await?;
    let Some(row) = meeting_attendance::Entity::find_by_id((meeting_id, user.member_id)).one(db).await? else {
        return Err(AppError::Forbidden("Đồng chí không thuộc chi bộ của buổi sinh hoạt này.".into()));
    };
    // Already in: reopening the page later still says so.
    if matches!(row.status.as_str(), "present" | "late") {
        return Ok(CheckInResult {
            topic: m.topic,
            checked_at: row.marked_at.map(format_datetime).unwrap_or_default(),
            late: row.status == "late",
        });
    }
    if m.status == "approved" {
        return Err(AppError::Conflict("Cấp trên đã duyệt buổi sinh hoạt này; không điểm danh được nữa.".into()));
    }
    let now = Utc::now();
    let found = meeting_qr_code::Entity::find()
        .filter(meeting_qr_code::Column::Code.eq(code.trim()))
        .filter(meeting_qr_code::Column::MeetingId.eq(meeting_id))
        .one(db)
        .await?
        .ok_or_else(|| AppError::invalid("code", "Mã điểm danh không đúng. Vui lòng quét mã trên màn hình của bí thư."))?;
    if found.used_by.is_some_and(|u| u != user.member_id) {
        return Err(AppError::Conflict("Mã này đã được đồng chí khác dùng. Vui lòng quét mã mới trên màn hình.".into()));
    }
    if found.created_at < now - Duration::seconds(CODE_TTL_SECONDS) {
        return Err(AppError::invalid("code", "Mã điểm danh đã hết hạn. Vui lòng quét mã mới trên màn hình."));
    }
    let late = now > m.starts_at + Duration::minutes(LATE_AFTER_MINUTES);
    let txn = db.begin().await?;
    // Claim the code only if nobody else got it first.
    let claimed = meeting_qr_code::Entity::update_many()
        .col_expr(meeting_qr_code::Column::UsedBy, Expr::value(user.member_id))
        .col_expr(meeting_qr_code::Column::UsedAt, Expr::value(now))
        .filter(meeting_qr_code::Column::Id.eq(found.id))
        .filter(meeting_qr_code::Column::UsedBy.is_null())
        .exec(&txn)
        .await?;
    if claimed.rows_affected == 0 && found.used_by != Some(user.member_id) {
        return Err(AppError::Conflict("Mã này đã được đồng chí khác dùng. Vui lòng quét mã mới trên màn hình.".into()));
    }
    let mut active: meeting_attendance::ActiveModel = row.into();
    active.status = Set(if late { "late" } else { "present" }.into());
    active.note = Set("Tự điểm danh bằng mã QR".into());
    active.marked_at = Set(Some(now));
    active.update(&txn).await?;
    super::service::refresh_counts(&txn, meeting_id).await?;
    txn.commit().await?;
    Ok(CheckInResult { topic: m.topic, checked_at: format_datetime(now), late })
}
