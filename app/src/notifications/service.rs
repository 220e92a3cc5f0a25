//! Writing and reading the inbox. Other domains call `notify` inside their own transaction, so a
//! notification exists exactly when the change it reports does.

use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set, TransactionTrait};

use std::collections::HashMap;

use super::{KINDS, KindChoice, NotificationSettingsView, NotificationView};
use crate::auth::SessionUser;
use crate::db::entities::{notification, notification_pref, push_outbox, push_subscription};
use crate::error::AppError;
use crate::error::AppResult;
use crate::validate::format_datetime;

/// Adds the same notification to each member's inbox, and queues a push for those whose
/// browsers accept one — each as the member chose for this kind.
pub async fn notify(db: &impl ConnectionTrait, members: &[i64], kind: &str, title: &str, link: &str) -> AppResult<()> {
    let mut members = members.to_vec();
    members.sort_unstable();
    members.dedup();
    if members.is_empty() {
        return Ok(());
    }
    let now = Utc::now();
    let title: String = title.chars().take(300).collect();
    let choices: HashMap<i64, (bool, bool)> = notification_pref::Entity::find()
        .filter(notification_pref::Column::Kind.eq(kind))
        .filter(notification_pref::Column::MemberId.is_in(members.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.member_id, (p.in_app, p.push)))
        .collect();
    let wants = |member: &i64, push: bool| choices.get(member).is_none_or(|(in_app, p)| if push { *p } else { *in_app });
    let inbox: Vec<i64> = members.iter().copied().filter(|m| wants(m, false)).collect();
    if !inbox.is_empty() {
        notification::Entity::insert_many(inbox.into_iter().map(|member_id| notification::ActiveModel {
            member_id: Set(member_id),
            kind: Set(kind.to_string()),
            title: Set(title.clone()),
            link: Set(link.to_string()),
            created_at: Set(now),
            read_at: Set(None),
            ..Default::default()
        }))
        .exec_without_returning(db)
        .await?;
    }
    let subscribed: Vec<i64> = push_subscription::Entity::find()
        .select_only()
        .column(push_subscription::Column::MemberId)
        .distinct()
        .filter(push_subscription::Column::MemberId.is_in(members.iter().copied()))
        .into_tuple()
        .all(db)
        .await?;
    let pushes: Vec<i64> = subscribed.into_iter().filter(|m| wants(m, true)).collect();
    if !pushes.is_empty() {
        push_outbox::Entity::insert_many(pushes.into_iter().map(|member_id| push_outbox::ActiveModel {
            member_id: Set(member_id),
            kind: Set(kind.to_string()),
            title: Set(title.clone()),
            link: Set(link.chars().take(255).collect()),
            created_at: Set(now),
            attempts: Set(0),
            next_attempt_at: Set(now),
            ..Default::default()
        }))
        .exec_without_returning(db)
        .await?;
    }
    Ok(())
}

/// The member's choices for every kind (no row = both on), and what push needs in the browser.
pub async fn settings(db: &DatabaseConnection, secret: &crate::common::secret::SecretKey, user: &SessionUser) -> AppResult<NotificationSettingsView> {
    let stored: HashMap<String, (bool, bool)> = notification_pref::Entity::find()
        .filter(notification_pref::Column::MemberId.eq(user.member_id))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.kind, (p.in_app, p.push)))
        .collect();
    let kinds = KINDS
        .iter()
        .map(|(kind, label)| {
            let (in_app, push) = stored.get(*kind).copied().unwrap_or((true, true));
            KindChoice { kind: kind.to_string(), label: label.to_string(), in_app, push }
        })
        .collect();
    Ok(NotificationSettingsView {
        kinds,
        vapid_public_key: super::push::vapid_key(db, secret).await?.public_base64(),
        devices: super::push::devices(db, user.member_id).await?,
    })
}

/// Saves the member's choices; unknown kinds are refused, the whole set lands or none of it.
pub async fn save_settings(db: &DatabaseConnection, user: &SessionUser, choices: &[KindChoice]) -> AppResult<()> {
    if let Some(bad) = choices.iter().find(|c| !KINDS.iter().any(|(k, _)| *k == c.kind)) {
        return Err(AppError::invalid("kind", format!("Loại thông báo không hợp lệ: {}.", bad.kind)));
    }
    let txn = db.begin().await?;
    notification_pref::Entity::delete_many().filter(notification_pref::Column::MemberId.eq(user.member_id)).exec(&txn).await?;
    let rows: Vec<_> = choices
        .iter()
        .filter(|c| !(c.in_app && c.push))
        .map(|c| notification_pref::ActiveModel { member_id: Set(user.member_id), kind: Set(c.kind.clone()), in_app: Set(c.in_app), push: Set(c.push) })
        .collect();
    if !rows.is_empty() {
        notification_pref::Entity::insert_many(rows).exec_without_returning(&txn).await?;
    }
    txn.commit().await?;
    Ok(())
}

pub async fn latest(db: &DatabaseConnection, user: &SessionUser) -> AppResult<Vec<NotificationView>> {
    Ok(notification::Entity::find()
        .filter(notification::Column::MemberId.eq(user.member_id))
        .order_by_desc(notification::Column::CreatedAt)
        .order_by_desc(notification::Column::Id)
        .limit(100)
        .all(db)
        .await?
        .into_iter()
        .map(|n| NotificationView {
            id: n.id,
            kind: n.kind,
            title: n.title,
            link: n.link,
            created_at: format_datetime(n.created_at),
            read: n.read_at.is_some(),
        })
        .collect())
}

pub async fn unread(db: &DatabaseConnection, user: &SessionUser) -> AppResult<i64> {
    Ok(notification::Entity::find()
        .filter(notification::Column::MemberId.eq(user.member_id))
        .filter(notification::Column::ReadAt.is_null())
        .count(db)
        .await? as i64)
}

/// Marks the user's own notifications read; another member's id simply matches nothing.
pub async fn mark_read(db: &DatabaseConnection, user: &SessionUser, id: Option<i64>) -> AppResult<()> {
    let mut update = notification::Entity::update_many()
        .col_expr(notification::Column::ReadAt, Expr::value(Utc::now()))
        .filter(notification::Column::MemberId.eq(user.member_id))
        .filter(notification::Column::ReadAt.is_null());
    if let Some(id) = id {
        update = update.filter(notification::Column::Id.eq(id));
    }
    let changed = update.exec(db).await?.rows_affected;
    // One named notification must be the member's own (read before, or now): any other id is
    // "not found", whoever it belongs to.
    if let (Some(id), 0) = (id, changed) {
        let own = notification::Entity::find_by_id(id).filter(notification::Column::MemberId.eq(user.member_id)).count(db).await?;
        if own == 0 {
            return Err(AppError::NotFound("thông báo".into()));
        }
    }
    Ok(())
}
