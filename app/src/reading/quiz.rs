//! The optional comprehension check: a few multiple-choice questions the committee attaches to a
//! document. When a document has one, confirming "Đã đọc và nắm nội dung" needs a passing attempt.

use chrono::Utc;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set};

use super::{QuizQuestionView, QuizResult, QuizView};
use crate::auth::SessionUser;
use crate::db::entities::{document, quiz_attempt, quiz_question};
use crate::documents::service::readable_document;
use crate::error::{AppError, AppResult};

async fn questions(db: &impl ConnectionTrait, document_id: i64) -> AppResult<Vec<quiz_question::Model>> {
    Ok(quiz_question::Entity::find()
        .filter(quiz_question::Column::DocumentId.eq(document_id))
        .order_by_asc(quiz_question::Column::Ordinal)
        .all(db)
        .await?)
}

/// Whether the member may confirm as far as the check goes: no check, or a passing attempt.
pub async fn satisfied(db: &impl ConnectionTrait, member_id: i64, doc: &document::Model) -> AppResult<bool> {
    if doc.quiz_pass_percent.is_none() {
        return Ok(true);
    }
    Ok(quiz_attempt::Entity::find()
        .filter(quiz_attempt::Column::MemberId.eq(member_id))
        .filter(quiz_attempt::Column::DocumentId.eq(doc.id))
        .filter(quiz_attempt::Column::Passed.eq(true))
        .one(db)
        .await?
        .is_some())
}

pub async fn for_member(db: &DatabaseConnection, user: &SessionUser, document_id: i64) -> AppResult<Option<QuizView>> {
    let doc = readable_document(db, user, document_id).await?;
    let Some(pass_percent) = doc.quiz_pass_percent else { return Ok(None) };
    let qs = questions(db, document_id).await?;
    if qs.is_empty() {
        return Ok(None);
    }
    let attempts = quiz_attempt::Entity::find()
        .filter(quiz_attempt::Column::MemberId.eq(user.member_id))
        .filter(quiz_attempt::Column::DocumentId.eq(document_id))
        .order_by_desc(quiz_attempt::Column::At)
        .all(db)
        .await?;
    Ok(Some(QuizView {
        document_id,
        questions: qs
            .into_iter()
            .map(|q| QuizQuestionView { id: q.id, question: q.question, options: q.options.lines().map(str::to_string).collect() })
            .collect(),
        pass_percent,
        passed: attempts.iter().any(|a| a.passed),
        last: attempts.first().map(|a| (a.correct, a.total)),
    }))
}

pub async fn submit(
    db: &DatabaseConnection,
    user: &SessionUser,
    client_id: &str,
    document_id: i64,
    answers: &[i32],
) -> AppResult<QuizResult> {
    if !crate::common::client_id::valid(client_id) {
        return Err(AppError::invalid("client_id", "Mã lượt trả lời không hợp lệ."));
    }
    let doc = readable_document(db, user, document_id).await?;
    let pass_percent = doc.quiz_pass_percent.ok_or_else(|| AppError::NotFound("câu hỏi kiểm tra của tài liệu này".into()))?;
    let own_attempt = || {
        quiz_attempt::Entity::find()
            .filter(quiz_attempt::Column::ClientId.eq(client_id))
            .filter(quiz_attempt::Column::MemberId.eq(user.member_id))
            .one(db)
    };
    if let Some(previous) = own_attempt().await? {
        if previous.document_id != document_id {
            return Err(crate::common::client_id::rejected());
        }
        return Ok(QuizResult { correct: previous.correct, total: previous.total, passed: previous.passed, pass_percent });
    }
    let qs = questions(db, document_id).await?;
    if answers.len() != qs.len() {
        return Err(AppError::invalid("answers", "Vui lòng trả lời tất cả các câu hỏi."));
    }
    let correct = qs.iter().zip(answers).filter(|(q, a)| q.correct == **a).count() as i32;
    let total = qs.len() as i32;
    let passed = correct * 100 >= pass_percent * total;
    quiz_attempt::Entity::insert(quiz_attempt::ActiveModel {
        client_id: Set(client_id.to_string()),
        member_id: Set(user.member_id),
        document_id: Set(document_id),
        correct: Set(correct),
        total: Set(total),
        passed: Set(passed),
        at: Set(Utc::now()),
        ..Default::default()
    })
    .on_conflict(OnConflict::column(quiz_attempt::Column::ClientId).do_nothing().to_owned())
    .exec_without_returning(db)
    .await?;
    match own_attempt().await? {
        Some(row) if row.document_id == document_id => {
            Ok(QuizResult { correct: row.correct, total: row.total, passed: row.passed, pass_percent })
        }
        // Another member's row holds this id: nothing was recorded for this one.
        _ => Err(crate::common::client_id::rejected()),
    }
}
