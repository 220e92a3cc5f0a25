//! The optional comprehension check: a few multiple-choice questions the committee attaches to a
//! document. When a document has one, confirming "Đã đọc và nắm nội dung" needs a passing attempt.
//!
//! So that passing means something in a report:
//! - each viewing is a sheet: the questions and each question's choices in a fresh random order,
//!   kept on the server; the browser gets the text only, never which choice is right, and sends
//!   back positions in its sheet, which the server maps back and grades;
//! - a sheet is used up by the attempt that grades it; a failed attempt tells the score only;
//! - at most [`QUIZ_ATTEMPTS_PER_DAY`] attempts per member, document and Vietnamese day, numbered
//!   under a unique index so attempts sent at once cannot slip past the limit;
//! - the attempt keeps the answers as graded, its day and number, and whether it passed.

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set,
    TransactionTrait,
};

use super::{QUIZ_ATTEMPTS_PER_DAY, QuizQuestionView, QuizResult, QuizView};
use crate::auth::SessionUser;
use crate::common::time::{start_of_vietnam_day, vietnam_date};
use crate::db::entities::{document, quiz_attempt, quiz_question, quiz_sheet};
use crate::documents::service::readable_document;
use crate::error::{AppError, AppResult};

/// Unused sheets older than this are dropped when the member is served a new one.
const SHEET_KEPT_DAYS: i64 = 2;

const ANSWER_ALL: &str = "Vui lòng trả lời tất cả các câu hỏi.";
const SHEET_GONE: &str = "Bộ câu hỏi này đã được nộp hoặc đã hết hạn. Đồng chí tải lại trang để trả lời lượt mới.";
const SHEET_CHANGED: &str = "Câu hỏi kiểm tra vừa được cập nhật. Đồng chí tải lại trang để trả lời bộ câu hỏi mới.";
const ALREADY_PASSED: &str = "Đồng chí đã trả lời đạt câu hỏi kiểm tra của tài liệu này.";

async fn questions(db: &impl ConnectionTrait, document_id: i64) -> AppResult<Vec<quiz_question::Model>> {
    Ok(quiz_question::Entity::find()
        .filter(quiz_question::Column::DocumentId.eq(document_id))
        .order_by_asc(quiz_question::Column::Ordinal)
        .all(db)
        .await?)
}

fn choices(q: &quiz_question::Model) -> Vec<String> {
    q.options.lines().map(str::to_string).collect()
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

/// The Vietnamese date at `now` and the attempts the member made on the document since it began.
async fn attempts_on_day(db: &impl ConnectionTrait, member_id: i64, document_id: i64, now: DateTime<Utc>) -> AppResult<(NaiveDate, i32)> {
    let day = vietnam_date(now);
    let used = quiz_attempt::Entity::find()
        .filter(quiz_attempt::Column::MemberId.eq(member_id))
        .filter(quiz_attempt::Column::DocumentId.eq(document_id))
        .filter(quiz_attempt::Column::At.gte(start_of_vietnam_day(day)))
        .count(db)
        .await?;
    Ok((day, i32::try_from(used).unwrap_or(i32::MAX)))
}

/// Why a member cannot answer now, and when they can again.
fn out_of_attempts(day: NaiveDate) -> String {
    let next = day + Duration::days(1);
    format!(
        "Đồng chí đã trả lời {QUIZ_ATTEMPTS_PER_DAY} lần trong hôm nay. Đồng chí có thể trả lời lại từ 0 giờ ngày {}.",
        next.format("%d/%m/%Y")
    )
}

/// A uniformly random index below `n` (n > 0) from the platform's secure generator.
fn random_below(n: usize) -> usize {
    let mut bytes = [0u8; 8];
    if let Err(e) = getrandom::fill(&mut bytes) {
        tracing::error!(error = %e, "no secure random source");
    }
    // 64 random bits over a handful of choices: the bias is far below anything observable.
    (u64::from_le_bytes(bytes) % n.max(1) as u64) as usize
}

/// 0..n in a random order (Fisher–Yates).
fn shuffled(n: usize) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        order.swap(i, random_below(i + 1));
    }
    order
}

/// One line per served question: `question_id:choice,choice,…`, the authored 0-based choices in
/// the order they were shown.
fn layout_text(served: &[(i64, Vec<usize>)]) -> String {
    served
        .iter()
        .map(|(id, order)| format!("{id}:{}", order.iter().map(usize::to_string).collect::<Vec<_>>().join(",")))
        .collect::<Vec<_>>()
        .join("\n")
}

fn parse_layout(text: &str) -> Option<Vec<(i64, Vec<usize>)>> {
    text.lines()
        .map(|line| {
            let (id, order) = line.split_once(':')?;
            let order = order.split(',').filter(|c| !c.is_empty()).map(|c| c.parse().ok()).collect::<Option<Vec<usize>>>()?;
            Some((id.parse().ok()?, order))
        })
        .collect()
}

/// The check as this member sees it now: a freshly shuffled sheet while they may still answer,
/// or only where they stand (passed, or out of attempts for today).
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
        .order_by_desc(quiz_attempt::Column::Id)
        .all(db)
        .await?;
    let passing = attempts.iter().find(|a| a.passed);
    let now = Utc::now();
    let (day, used) = attempts_on_day(db, user.member_id, document_id, now).await?;
    let mut view = QuizView {
        document_id,
        sheet: String::new(),
        questions: Vec::new(),
        pass_percent,
        passed: passing.is_some(),
        last: passing.or(attempts.first()).map(|a| (a.correct, a.total)),
        attempts_left: (QUIZ_ATTEMPTS_PER_DAY - used).max(0),
        locked: None,
    };
    if view.passed {
        return Ok(Some(view));
    }
    if view.attempts_left == 0 {
        view.locked = Some(out_of_attempts(day));
        return Ok(Some(view));
    }

    let served: Vec<(&quiz_question::Model, Vec<usize>)> =
        shuffled(qs.len()).into_iter().filter_map(|i| qs.get(i)).map(|q| (q, shuffled(choices(q).len()))).collect();
    quiz_sheet::Entity::delete_many()
        .filter(quiz_sheet::Column::MemberId.eq(user.member_id))
        .filter(quiz_sheet::Column::DocumentId.eq(document_id))
        .filter(quiz_sheet::Column::CreatedAt.lt(now - Duration::days(SHEET_KEPT_DAYS)))
        .exec(db)
        .await?;
    let sheet = crate::common::client_id::new();
    quiz_sheet::Entity::insert(quiz_sheet::ActiveModel {
        id: Set(sheet.clone()),
        member_id: Set(user.member_id),
        document_id: Set(document_id),
        layout: Set(layout_text(&served.iter().map(|(q, order)| (q.id, order.clone())).collect::<Vec<_>>())),
        created_at: Set(now),
    })
    .exec_without_returning(db)
    .await?;
    // A few open sheets (several tabs or phones) are plenty: reloading the page a million times
    // must not store a million sheets.
    // (Trimmed on every serving, so this list is never longer than the limit plus one.)
    let stale: Vec<String> = quiz_sheet::Entity::find()
        .select_only()
        .column(quiz_sheet::Column::Id)
        .filter(quiz_sheet::Column::MemberId.eq(user.member_id))
        .filter(quiz_sheet::Column::DocumentId.eq(document_id))
        .order_by_desc(quiz_sheet::Column::CreatedAt)
        .order_by_desc(quiz_sheet::Column::Id)
        .into_tuple::<String>()
        .all(db)
        .await?
        .into_iter()
        .skip(OPEN_SHEETS_KEPT)
        .collect();
    if !stale.is_empty() {
        quiz_sheet::Entity::delete_many().filter(quiz_sheet::Column::Id.is_in(stale)).exec(db).await?;
    }
    view.sheet = sheet;
    view.questions = served
        .into_iter()
        .map(|(q, order)| {
            let texts = choices(q);
            QuizQuestionView {
                id: q.id,
                question: q.question.clone(),
                options: order.iter().filter_map(|k| texts.get(*k).cloned()).collect(),
            }
        })
        .collect();
    Ok(Some(view))
}

fn result(row: &quiz_attempt::Model, pass_percent: i32, used_today: i32) -> QuizResult {
    QuizResult {
        correct: row.correct,
        total: row.total,
        passed: row.passed,
        pass_percent,
        attempts_left: (QUIZ_ATTEMPTS_PER_DAY - used_today).max(0),
    }
}

async fn own_attempt(db: &impl ConnectionTrait, member_id: i64, client_id: &str) -> AppResult<Option<quiz_attempt::Model>> {
    Ok(quiz_attempt::Entity::find()
        .filter(quiz_attempt::Column::ClientId.eq(client_id))
        .filter(quiz_attempt::Column::MemberId.eq(member_id))
        .one(db)
        .await?)
}

/// Sheets served and not yet answered that a member keeps per document.
const OPEN_SHEETS_KEPT: usize = 5;

/// The most questions a comprehension check can have answered in one attempt.
const MAX_ANSWERS: usize = 200;

/// One attempt: `answers[i]` is the position chosen among the choices of the sheet's i-th
/// question, as served. `client_id` makes a resend return the first result instead of a new
/// attempt.
pub async fn submit(
    db: &DatabaseConnection,
    user: &SessionUser,
    client_id: &str,
    document_id: i64,
    sheet: &str,
    answers: &[i32],
) -> AppResult<QuizResult> {
    if !crate::common::client_id::valid(client_id) {
        return Err(crate::common::client_id::rejected());
    }
    if answers.len() > MAX_ANSWERS {
        return Err(AppError::invalid("answers", ANSWER_ALL));
    }
    let doc = readable_document(db, user, document_id).await?;
    let pass_percent = doc.quiz_pass_percent.ok_or_else(|| AppError::NotFound("câu hỏi kiểm tra của tài liệu này".into()))?;
    let resent = |row: quiz_attempt::Model| async move {
        if row.document_id != document_id {
            return Err(crate::common::client_id::rejected());
        }
        let (_, used) = attempts_on_day(db, user.member_id, document_id, Utc::now()).await?;
        Ok(result(&row, pass_percent, used))
    };
    if let Some(previous) = own_attempt(db, user.member_id, client_id).await? {
        return resent(previous).await;
    }

    let txn = db.begin().await?;
    if satisfied(&txn, user.member_id, &doc).await? {
        return Err(AppError::invalid("form", ALREADY_PASSED));
    }
    // One instant for the day, its count and the attempt's time, so they always agree.
    let now = Utc::now();
    let (day, used) = attempts_on_day(&txn, user.member_id, document_id, now).await?;
    if used >= QUIZ_ATTEMPTS_PER_DAY {
        return Err(AppError::invalid("form", out_of_attempts(day)));
    }
    // Sheet ids are made like device ids: anything else is no sheet of ours.
    if !crate::common::client_id::valid(sheet) {
        return Err(AppError::invalid("sheet", SHEET_GONE));
    }
    let served = quiz_sheet::Entity::find_by_id(sheet.to_string())
        .filter(quiz_sheet::Column::MemberId.eq(user.member_id))
        .filter(quiz_sheet::Column::DocumentId.eq(document_id))
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::invalid("sheet", SHEET_GONE))?;
    let layout = parse_layout(&served.layout).ok_or(AppError::Internal)?;
    let qs = questions(&txn, document_id).await?;
    let by_id: HashMap<i64, &quiz_question::Model> = qs.iter().map(|q| (q.id, q)).collect();
    if layout.len() != qs.len() || layout.iter().any(|(id, _)| !by_id.contains_key(id)) {
        return Err(AppError::invalid("sheet", SHEET_CHANGED));
    }
    if answers.len() != layout.len() {
        return Err(AppError::invalid("answers", ANSWER_ALL));
    }
    let mut correct = 0;
    let mut graded = Vec::with_capacity(layout.len());
    for ((question_id, order), position) in layout.iter().zip(answers) {
        let Some(&choice) = usize::try_from(*position).ok().and_then(|p| order.get(p)) else {
            return Err(AppError::invalid("answers", ANSWER_ALL));
        };
        if by_id.get(question_id).is_some_and(|q| usize::try_from(q.correct).ok() == Some(choice)) {
            correct += 1;
        }
        graded.push(format!("{question_id}:{choice}"));
    }
    let total = i32::try_from(layout.len()).unwrap_or(i32::MAX);
    let passed = correct * 100 >= pass_percent * total;
    // The sheet is used up by this attempt (and by only one, if it is sent twice at once).
    let taken = quiz_sheet::Entity::delete_many()
        .filter(quiz_sheet::Column::Id.eq(sheet))
        .filter(quiz_sheet::Column::MemberId.eq(user.member_id))
        .exec(&txn)
        .await?
        .rows_affected;
    if taken != 1 {
        return Err(AppError::invalid("sheet", SHEET_GONE));
    }
    let number = used + 1;
    let inserted = quiz_attempt::Entity::insert(quiz_attempt::ActiveModel {
        client_id: Set(client_id.to_string()),
        member_id: Set(user.member_id),
        document_id: Set(document_id),
        correct: Set(correct),
        total: Set(total),
        passed: Set(passed),
        at: Set(now),
        day: Set(Some(day)),
        number: Set(Some(number)),
        answers: Set(Some(graded.join(","))),
        ..Default::default()
    })
    // Neither this id (a resend, or another member's) nor this day's number may be taken.
    .on_conflict(OnConflict::new().do_nothing().to_owned())
    .exec_without_returning(&txn)
    .await?;
    if inserted == 0 {
        drop(txn); // nothing of this attempt stays, the sheet included
        if let Some(previous) = own_attempt(db, user.member_id, client_id).await? {
            return resent(previous).await;
        }
        let (day, used) = attempts_on_day(db, user.member_id, document_id, Utc::now()).await?;
        if used >= QUIZ_ATTEMPTS_PER_DAY {
            return Err(AppError::invalid("form", out_of_attempts(day)));
        }
        // Another member's row holds this id, or another attempt took this number meanwhile.
        return Err(crate::common::client_id::rejected());
    }
    txn.commit().await?;
    Ok(QuizResult { correct, total, passed, pass_percent, attempts_left: (QUIZ_ATTEMPTS_PER_DAY - number).max(0) })
}
