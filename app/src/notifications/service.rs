//! Writing and reading the inbox. Other domains call `notify` inside their own transaction, so a
//! notification exists exactly when the change it reports does.

use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set};

use super::NotificationView;
use crate::auth::SessionUser;
use crate::db::entities::notification;
use crate::error::AppResult;
use crate::validate::format_datetime;

/// Adds the same notification to each member's inbox.
pub async fn notify(db: &impl ConnectionTrait, members: &[i64], kind: &str, title: &str, link: &str) -> AppResult<()> {
    let mut members = members.to_vec();
    members.sort_unstable();
    members.dedup();
    if members.is_empty() {
        return Ok(());
    }
    let now = Utc::now();
    let title: String = title.chars().take(300).collect();
    notification::Entity::insert_many(members.into_iter().map(|member_id| notification::ActiveModel {
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
    update.exec(db).await?;
    Ok(())
}
