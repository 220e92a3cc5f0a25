//! Sending writes one receipt row per recipient in the same transaction, so "who was told" is
//! fixed at sending time and read/confirm receipts are single updates guarded by `IS NULL`.

use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, JoinType, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Set, TransactionTrait,
};

use super::{AUDIENCES, AnnouncementForm, AnnouncementSummary, AnnouncementView, AnnouncementsData, Receipts};
use crate::auth::service::{Action, authorize, unit_names};
use crate::auth::{Role, SessionUser};
use crate::db::entities::{announcement, announcement_recipient, joins, member, position, unit, unit_closure};
use crate::error::{AppError, AppResult};
use crate::units::{UnitKind, UnitRef};
use crate::validate::{Checks, format_datetime};

/// The members an announcement from `unit_id` to `audience` reaches: active members of the
/// subtree, or those holding the chosen roles in it today.
pub async fn recipients(db: &impl ConnectionTrait, unit_id: i64, audience: &str) -> AppResult<Vec<i64>> {
    let mut ids: Vec<i64> = match audience {
        "all" => member::Entity::find()
            .select_only()
            .column(member::Column::Id)
            .join(JoinType::InnerJoin, joins::member_ancestors())
            .filter(unit_closure::Column::AncestorId.eq(unit_id))
            .filter(member::Column::Status.eq("active"))
            .into_tuple()
            .all(db)
            .await?,
        "secretaries" | "committee" => {
            let roles: Vec<&str> = if audience == "secretaries" {
                vec![Role::Secretary.as_str(), Role::DeputySecretary.as_str()]
            } else {
                vec![Role::CommitteeMember.as_str(), Role::Admin.as_str()]
            };
            let cells = [UnitKind::Cell.as_str(), UnitKind::GrassrootsCell.as_str()];
            let kind_filter = if audience == "secretaries" { unit::Column::Kind.is_in(cells) } else { unit::Column::Kind.is_not_in(cells) };
            position::Entity::find()
                .select_only()
                .column(position::Column::MemberId)
                .join(JoinType::InnerJoin, position::Entity::belongs_to(unit::Entity).from(position::Column::UnitId).to(unit::Column::Id).into())
                .join(JoinType::InnerJoin, joins::unit_ancestors())
                .filter(unit_closure::Column::AncestorId.eq(unit_id))
                .filter(position::Column::Role.is_in(roles))
                .filter(position::Column::ToDate.is_null())
                .filter(kind_filter)
                .into_tuple()
                .all(db)
                .await?
        }
        _ => return Err(AppError::invalid("audience", "Vui lòng chọn người nhận.")),
    };
    ids.sort_unstable();
    ids.dedup();
    Ok(ids)
}

/// Sends the announcement: one receipt and one inbox notification per recipient.
pub async fn send(db: &DatabaseConnection, user: &SessionUser, form: &AnnouncementForm) -> AppResult<i64> {
    authorize(db, user, Action::ManageDocument(form.unit_id)).await?;
    let mut checks = Checks::new();
    let title = checks.text("title", &form.title, "tiêu đề", 5, 200);
    let body = form.body.trim().to_string();
    match body.chars().count() {
        0..10 => checks.fail("body", "Nội dung phải có ít nhất 10 ký tự."),
        20_001.. => checks.fail("body", "Nội dung không được dài quá 20000 ký tự."),
        _ => {}
    }
    if !AUDIENCES.iter().any(|(a, _)| *a == form.audience) {
        checks.fail("audience", "Vui lòng chọn người nhận.");
    }
    checks.finish()?;
    let to = recipients(db, form.unit_id, &form.audience).await?;
    if to.is_empty() {
        return Err(AppError::invalid("audience", "Không có đảng viên nào thuộc nhóm người nhận này."));
    }
    let txn = db.begin().await?;
    let row = announcement::ActiveModel {
        unit_id: Set(form.unit_id),
        author_id: Set(user.member_id),
        title: Set(title.clone()),
        body: Set(body),
        audience: Set(form.audience.clone()),
        needs_confirm: Set(form.needs_confirm),
        recipients: Set(to.len() as i32),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    for chunk in to.chunks(5000) {
        announcement_recipient::Entity::insert_many(chunk.iter().map(|m| announcement_recipient::ActiveModel {
            announcement_id: Set(row.id),
            member_id: Set(*m),
            read_at: Set(None),
            confirmed_at: Set(None),
        }))
        .exec_without_returning(&txn)
        .await?;
        crate::notifications::service::notify(&txn, chunk, "announcement", &format!("Thông báo: {title}"), &format!("/thong-bao/{}", row.id)).await?;
    }
    txn.commit().await?;
    Ok(row.id)
}

async fn summaries(db: &impl ConnectionTrait, rows: Vec<announcement::Model>, receipts: &[announcement_recipient::Model]) -> AppResult<Vec<AnnouncementSummary>> {
    let names = unit_names(db, rows.iter().map(|a| a.unit_id)).await?;
    Ok(rows
        .into_iter()
        .map(|a| {
            let mine = receipts.iter().find(|r| r.announcement_id == a.id);
            AnnouncementSummary {
                id: a.id,
                unit: UnitRef { id: a.unit_id, name: names.get(&a.unit_id).cloned().unwrap_or_default() },
                title: a.title,
                created_at: format_datetime(a.created_at),
                needs_confirm: a.needs_confirm,
                read: mine.is_some_and(|r| r.read_at.is_some()),
                confirmed: mine.is_some_and(|r| r.confirmed_at.is_some()),
            }
        })
        .collect())
}

pub async fn home(db: &DatabaseConnection, user: &SessionUser) -> AppResult<AnnouncementsData> {
    let receipts = announcement_recipient::Entity::find()
        .filter(announcement_recipient::Column::MemberId.eq(user.member_id))
        .all(db)
        .await?;
    let received = announcement::Entity::find()
        .filter(announcement::Column::Id.is_in(receipts.iter().map(|r| r.announcement_id)))
        .order_by_desc(announcement::Column::CreatedAt)
        .limit(100)
        .all(db)
        .await?;
    let scopes = user.committee_scopes();
    let sent = announcement::Entity::find()
        .filter(announcement::Column::UnitId.is_in(scopes.clone()))
        .order_by_desc(announcement::Column::CreatedAt)
        .limit(50)
        .all(db)
        .await?;
    let names = unit_names(db, scopes.iter().copied()).await?;
    Ok(AnnouncementsData {
        received: summaries(db, received, &receipts).await?,
        sent: summaries(db, sent, &receipts).await?,
        senders: scopes.into_iter().map(|id| UnitRef { id, name: names.get(&id).cloned().unwrap_or_default() }).collect(),
    })
}

/// A recipient opening it records the read receipt (once); the issuing committee sees the counts.
pub async fn open(db: &DatabaseConnection, user: &SessionUser, id: i64) -> AppResult<AnnouncementView> {
    let a = announcement::Entity::find_by_id(id).one(db).await?.ok_or_else(|| AppError::NotFound("thông báo".into()))?;
    let mine = announcement_recipient::Entity::find_by_id((id, user.member_id)).one(db).await?;
    let sender = authorize(db, user, Action::ManageDocument(a.unit_id)).await.is_ok();
    if mine.is_none() && !sender {
        return Err(AppError::NotFound("thông báo".into()));
    }
    if mine.as_ref().is_some_and(|r| r.read_at.is_none()) {
        announcement_recipient::Entity::update_many()
            .col_expr(announcement_recipient::Column::ReadAt, Expr::value(Utc::now()))
            .filter(announcement_recipient::Column::AnnouncementId.eq(id))
            .filter(announcement_recipient::Column::MemberId.eq(user.member_id))
            .filter(announcement_recipient::Column::ReadAt.is_null())
            .exec(db)
            .await?;
    }
    let receipts = if sender { Some(receipts(db, id).await?) } else { None };
    let author = member::Entity::find_by_id(a.author_id).one(db).await?.map(|m| m.full_name).unwrap_or_default();
    let audience = AUDIENCES.iter().find(|(c, _)| *c == a.audience).map(|(_, l)| l.to_string()).unwrap_or_default();
    let body = a.body.clone();
    let mine_now = announcement_recipient::Entity::find_by_id((id, user.member_id)).one(db).await?;
    let summary = summaries(db, vec![a], mine_now.as_slice()).await?.into_iter().next().ok_or(AppError::Internal)?;
    Ok(AnnouncementView { summary, body, audience, author, is_recipient: mine_now.is_some(), receipts })
}

/// Read and confirmed receipts, each counted once per recipient.
pub async fn receipts(db: &impl ConnectionTrait, id: i64) -> AppResult<Receipts> {
    let base = || announcement_recipient::Entity::find().filter(announcement_recipient::Column::AnnouncementId.eq(id));
    Ok(Receipts {
        recipients: base().count(db).await? as i64,
        read: base().filter(announcement_recipient::Column::ReadAt.is_not_null()).count(db).await? as i64,
        confirmed: base().filter(announcement_recipient::Column::ConfirmedAt.is_not_null()).count(db).await? as i64,
    })
}

/// The recipient confirms (for announcements that ask for it); a second press changes nothing.
pub async fn confirm(db: &DatabaseConnection, user: &SessionUser, id: i64) -> AppResult<()> {
    let a = announcement::Entity::find_by_id(id).one(db).await?.ok_or_else(|| AppError::NotFound("thông báo".into()))?;
    if announcement_recipient::Entity::find_by_id((id, user.member_id)).one(db).await?.is_none() {
        return Err(AppError::NotFound("thông báo".into()));
    }
    if !a.needs_confirm {
        return Err(AppError::Conflict("Thông báo này không cần xác nhận.".into()));
    }
    // Confirming implies reading; each receipt is written once (guarded by IS NULL).
    let now = Utc::now();
    let txn = db.begin().await?;
    for column in [announcement_recipient::Column::ReadAt, announcement_recipient::Column::ConfirmedAt] {
        announcement_recipient::Entity::update_many()
            .col_expr(column, Expr::value(now))
            .filter(announcement_recipient::Column::AnnouncementId.eq(id))
            .filter(announcement_recipient::Column::MemberId.eq(user.member_id))
            .filter(column.is_null())
            .exec(&txn)
            .await?;
    }
    txn.commit().await?;
    Ok(())
}
