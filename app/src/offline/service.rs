//! Server side of offline use: the plan of pages a device keeps, and applying queued writes.
//!
//! Each queued write is claimed by its device-made id inside the transaction that applies it,
//! so a replay (the page and the service worker both sending, or the same queue sent twice)
//! finds the claim and changes nothing; a refusal is recorded too, so a replay gets the same
//! answer instead of a different one after the world moved on.

use std::collections::HashSet;

use chrono::{Duration, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ColumnTrait, DatabaseConnection, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    Set, TransactionTrait,
};

use super::{MAX_SYNC_BATCH, OfflinePageRef, OfflinePlan, OfflineWrite, QueuedWrite, SyncResponse, SyncResult, SyncStatus};
use crate::auth::SessionUser;
// Replaying a queued reading write counts it at the deployment's reading pace.
use crate::reading::Pace;
use crate::db::entities::{bookmark, document, meeting, offline_write};
use crate::error::{AppError, AppResult};
use crate::common::client_id::valid as valid_client_id;

/// How many assigned and bookmarked documents a device keeps at most.
const MAX_DOCUMENTS: usize = 60;
/// Meetings of the member's cell this close to today are kept (to take attendance and score).
const MEETING_WINDOW_DAYS: i64 = 14;

/// Pages the member's device should keep for offline reading, most important first: the app's
/// own pages, documents assigned and not yet confirmed, bookmarked ones, confirmed ones, then
/// the cell's meetings around today.
pub async fn plan(db: &DatabaseConnection, user: &SessionUser, budget_bytes: u64) -> AppResult<OfflinePlan> {
    let mut pages: Vec<OfflinePageRef> = [("/", "Trang chủ"), ("/can-doc", "Tài liệu cần đọc"), ("/sinh-hoat", "Sinh hoạt chi bộ")]
        .into_iter()
        .map(|(url, title)| OfflinePageRef { url: url.into(), title: title.into(), reason: "app".into(), version: String::new() })
        .collect();
    // Domain dependency: the documents to keep are the ones the member must read.
    let (open, done) = crate::reading::service::assigned_documents(db, user).await?;
    let visible = crate::documents::service::visible_ids(db, user).await?;
    let bookmarked: Vec<i64> = bookmark::Entity::find()
        .select_only()
        .column(bookmark::Column::DocumentId)
        .filter(bookmark::Column::MemberId.eq(user.member_id))
        .order_by_desc(bookmark::Column::CreatedAt)
        .into_tuple::<i64>()
        .all(db)
        .await?;
    let mut wanted: Vec<(i64, &str)> = open.into_iter().map(|id| (id, "assigned")).collect();
    wanted.extend(bookmarked.into_iter().map(|id| (id, "bookmarked")));
    wanted.extend(done.into_iter().map(|id| (id, "assigned")));
    let mut seen = HashSet::new();
    wanted.retain(|(id, _)| visible.contains(id) && seen.insert(*id));
    wanted.truncate(MAX_DOCUMENTS);
    let ids: Vec<i64> = wanted.iter().map(|(id, _)| *id).collect();
    let docs: std::collections::HashMap<i64, document::Model> =
        document::Entity::find().filter(document::Column::Id.is_in(ids)).all(db).await?.into_iter().map(|d| (d.id, d)).collect();
    for (id, reason) in wanted {
        if let Some(d) = docs.get(&id).filter(|d| d.published) {
            pages.push(OfflinePageRef {
                url: format!("/tai-lieu/{id}"),
                title: d.title.clone(),
                reason: reason.into(),
                version: d.updated_at.timestamp_millis().to_string(),
            });
        }
    }
    let now = Utc::now();
    let meetings = meeting::Entity::find()
        .filter(meeting::Column::UnitId.eq(user.cell_id))
        .filter(meeting::Column::StartsAt.between(now - Duration::days(MEETING_WINDOW_DAYS), now + Duration::days(MEETING_WINDOW_DAYS)))
        .order_by_desc(meeting::Column::StartsAt)
        .all(db)
        .await?;
    pages.extend(meetings.into_iter().map(|m| OfflinePageRef {
        url: format!("/sinh-hoat/{}", m.id),
        title: m.topic,
        reason: "meeting".into(),
        version: m.updated_at.timestamp_millis().to_string(),
    }));
    Ok(OfflinePlan { member_id: user.member_id, budget_bytes, pages })
}

/// Applies a device's queued writes in the order they were made, each at most once.
pub async fn sync(db: &DatabaseConnection, pace: Pace, user: &SessionUser, writes: &[QueuedWrite]) -> AppResult<SyncResponse> {
    if writes.len() > MAX_SYNC_BATCH {
        return Err(AppError::invalid("writes", format!("Mỗi lần gửi tối đa {MAX_SYNC_BATCH} thao tác.")));
    }
    let mut results = Vec::with_capacity(writes.len());
    for w in writes {
        let (status, message) = apply_once(db, pace, user, w).await;
        results.push(SyncResult { client_id: w.client_id.clone(), status, message });
    }
    Ok(SyncResponse { results })
}

async fn apply_once(db: &DatabaseConnection, pace: Pace, user: &SessionUser, w: &QueuedWrite) -> (SyncStatus, String) {
    if !valid_client_id(&w.client_id) {
        return (SyncStatus::Rejected, crate::common::client_id::REJECTED.to_string());
    }
    if w.member_id != user.member_id {
        return (SyncStatus::OtherAccount, "Thao tác của tài khoản khác trên máy này; sẽ gửi khi tài khoản đó đăng nhập.".into());
    }
    match earlier_answer(db, user, &w.client_id).await {
        Ok(Some(answer)) => return answer,
        Ok(None) => {}
        Err(_) => return (SyncStatus::Retry, String::new()),
    }
    let outcome: AppResult<AppResult<bool>> = async {
        let txn = db.begin().await?;
        if !claim(&txn, user, w).await? {
            return Ok(Ok(false)); // sent twice at once: the other send applies it
        }
        match perform(&txn, pace, user, &w.write).await {
            Ok(()) => {
                txn.commit().await?;
                Ok(Ok(true))
            }
            Err(e) => Ok(Err(e)), // dropping the transaction undoes the claim and any part done
        }
    }
    .await;
    match outcome {
        Ok(Ok(true)) => (SyncStatus::Applied, String::new()),
        // The id is taken: by this member's other send (now committed), or by someone else.
        Ok(Ok(false)) => match earlier_answer(db, user, &w.client_id).await {
            Ok(Some(answer)) => answer,
            Ok(None) => (SyncStatus::Rejected, crate::common::client_id::REJECTED.to_string()),
            Err(_) => (SyncStatus::Retry, String::new()),
        },
        Ok(Err(AppError::Internal | AppError::Network)) | Err(_) => (SyncStatus::Retry, String::new()),
        Ok(Err(refused)) => {
            let message = explain(&refused);
            match record_refusal(db, user, w, &message).await {
                Ok(()) => (SyncStatus::Rejected, message),
                Err(_) => (SyncStatus::Retry, String::new()),
            }
        }
    }
}

/// What the server answered when this write came before, if it did.
async fn earlier_answer(db: &DatabaseConnection, user: &SessionUser, client_id: &str) -> AppResult<Option<(SyncStatus, String)>> {
    // Only the caller's own writes: whether another member used an id must never show.
    let own = offline_write::Entity::find_by_id(client_id.to_string())
        .filter(offline_write::Column::MemberId.eq(user.member_id))
        .one(db)
        .await?;
    Ok(own.map(|row| {
        if row.status == "applied" {
            (SyncStatus::Duplicate, String::new())
        } else {
            (SyncStatus::Rejected, row.message)
        }
    }))
}

fn row(user: &SessionUser, w: &QueuedWrite, status: &str, message: &str) -> offline_write::ActiveModel {
    offline_write::ActiveModel {
        client_id: Set(w.client_id.clone()),
        member_id: Set(user.member_id),
        kind: Set(w.write.kind().into()),
        status: Set(status.into()),
        message: Set(message.into()),
        received_at: Set(Utc::now()),
    }
}

/// Takes the write's id for this transaction; false when another send already holds it.
async fn claim(txn: &DatabaseTransaction, user: &SessionUser, w: &QueuedWrite) -> AppResult<bool> {
    let inserted = offline_write::Entity::insert(row(user, w, "applied", ""))
        .on_conflict(OnConflict::column(offline_write::Column::ClientId).do_nothing().to_owned())
        .exec_without_returning(txn)
        .await?;
    Ok(inserted == 1)
}

async fn record_refusal(db: &DatabaseConnection, user: &SessionUser, w: &QueuedWrite, message: &str) -> AppResult<()> {
    offline_write::Entity::insert(row(user, w, "rejected", message))
        .on_conflict(OnConflict::column(offline_write::Column::ClientId).do_nothing().to_owned())
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// The same operations the pages call online, inside the claiming transaction.
async fn perform(txn: &DatabaseTransaction, pace: Pace, user: &SessionUser, write: &OfflineWrite) -> AppResult<()> {
    match write {
        OfflineWrite::ReadingProgress { events } => crate::reading::service::record(txn, pace, user, events).await.map(drop),
        OfflineWrite::ReadingConfirm { document_id } => crate::reading::service::confirm(txn, pace, user, *document_id).await.map(drop),
        OfflineWrite::MeetingAttendance { meeting_id, marks } => {
            let marks: Vec<(i64, String, String)> = marks.iter().map(|m| (m.member_id, m.status.clone(), m.note.clone())).collect();
            crate::meetings::service::mark_attendance(txn, user, *meeting_id, &marks).await
        }
        OfflineWrite::MeetingHeld { meeting_id, held_minutes } => {
            crate::meetings::service::record_held(txn, user, *meeting_id, *held_minutes).await
        }
        OfflineWrite::MeetingScore { meeting_id, scores } => {
            let given: Vec<(i64, i32)> = scores.iter().map(|s| (s.criterion_id, s.tenths)).collect();
            crate::meetings::service::score(txn, user, *meeting_id, &given).await.map(drop)
        }
    }
}

/// The reason a member reads for a refused write: the field messages themselves, not the
/// generic "check the marked fields" (there is no form to mark any more).
fn explain(e: &AppError) -> String {
    match e {
        AppError::Invalid(fields) => fields.iter().map(|f| f.message.as_str()).collect::<Vec<_>>().join(" "),
        other => other.to_string(),
    }
}
