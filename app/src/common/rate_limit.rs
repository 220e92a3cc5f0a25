//! Per-member rate limits kept in the database, so every server on it counts the same calls:
//! one upsert per call adds it to a fixed window's counter before any work is done.

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, Set};

use crate::db::entities::rate_counter;
use crate::error::{AppError, AppResult};

/// How many calls of one kind a member may make in a window.
#[derive(Debug, Clone, Copy)]
pub struct Limit {
    /// Short name used in the counter's key.
    pub name: &'static str,
    pub calls: i32,
    pub window_secs: i64,
    /// What is limited, in Vietnamese, for the refusal ("lượt nghe đọc").
    pub what: &'static str,
}

/// Searches a member may make (the library, `/api/v1/search`, the FAQ): 60 a minute. Reading
/// results takes a person seconds per search; a script walking the index gets one a second.
pub const SEARCH_LIMIT: Limit = Limit { name: "search", calls: 60, window_secs: 60, what: "lượt tìm kiếm" };

/// Counts one call of `limit` for `subject` (a member id) and refuses it beyond the limit.
pub async fn hit(db: &impl ConnectionTrait, limit: &Limit, subject: i64) -> AppResult<()> {
    let now = Utc::now();
    if count(db, limit, &subject.to_string(), now).await? > limit.calls {
        let left = limit.window_secs - now.timestamp().rem_euclid(limit.window_secs);
        let left = std::cmp::max(left, 1);
        return Err(AppError::TooMany {
            message: format!("Đồng chí đã dùng hết {} {} trong {}. Vui lòng thử lại sau {}.", limit.calls, limit.what, span(limit.window_secs), span(left)),
            retry_secs: u32::try_from(left).unwrap_or(u32::MAX),
        });
    }
    Ok(())
}

fn span(secs: i64) -> String {
    match secs {
        s if s < 60 => format!("{s} giây"),
        s if s < 3600 => format!("{} phút", (s + 59) / 60),
        s => format!("{} giờ", (s + 3599) / 3600),
    }
}

/// The counter's key: the limit, the subject and the window's number.
fn key_for(limit: &Limit, subject: &str, now: DateTime<Utc>) -> String {
    let window = now.timestamp().div_euclid(limit.window_secs);
    format!("{}:{}:{window}", limit.name, subject).chars().take(120).collect()
}

/// Whole minutes (at least one) until the current window of `limit` ends.
pub fn minutes_left(limit: &Limit, now: DateTime<Utc>) -> u32 {
    let secs = limit.window_secs - now.timestamp().rem_euclid(limit.window_secs);
    ((secs + 59) / 60).clamp(1, u32::MAX as i64) as u32
}

/// Adds one to the counter of `subject` in the current window and returns the count after it.
/// Two calls at once each add theirs before either reads, so at most `calls` get through.
pub async fn count(db: &impl ConnectionTrait, limit: &Limit, subject: &str, now: DateTime<Utc>) -> AppResult<i32> {
    let key = key_for(limit, subject, now);
    let window_start = DateTime::from_timestamp(now.timestamp().div_euclid(limit.window_secs) * limit.window_secs, 0).unwrap_or(now);
    rate_counter::Entity::insert(rate_counter::ActiveModel { key: Set(key.clone()), hits: Set(1), window_start: Set(window_start) })
        .on_conflict(
            OnConflict::column(rate_counter::Column::Key)
                .value(rate_counter::Column::Hits, Expr::col((rate_counter::Entity, rate_counter::Column::Hits)).add(1))
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    let hits = rate_counter::Entity::find_by_id(key)
        .select_only()
        .column(rate_counter::Column::Hits)
        .into_tuple::<i32>()
        .one(db)
        .await?;
    Ok(hits.unwrap_or(1))
}

/// Takes one call back (it turned out not to count, like a right password).
pub async fn take_back(db: &impl ConnectionTrait, limit: &Limit, subject: &str, now: DateTime<Utc>) -> AppResult<()> {
    rate_counter::Entity::update_many()
        .col_expr(rate_counter::Column::Hits, Expr::col(rate_counter::Column::Hits).sub(1))
        .filter(rate_counter::Column::Key.eq(key_for(limit, subject, now)))
        .exec(db)
        .await?;
    Ok(())
}

/// Forgets the current window's count of `subject`.
pub async fn clear(db: &impl ConnectionTrait, limit: &Limit, subject: &str, now: DateTime<Utc>) -> AppResult<()> {
    rate_counter::Entity::delete_by_id(key_for(limit, subject, now)).exec(db).await?;
    Ok(())
}

/// Removes counters of windows that ended more than a day ago.
pub async fn sweep(db: &impl ConnectionTrait) -> AppResult<u64> {
    let done = rate_counter::Entity::delete_many()
        .filter(rate_counter::Column::WindowStart.lt(Utc::now() - Duration::days(1)))
        .exec(db)
        .await?;
    Ok(done.rows_affected)
}
