//! Questions on the server. Visibility: the asker, and whoever handles the unit holding the
//! question now (a cell's secretaries for a cell, the committee members and administrators of a
//! unit above). Forwarding moves it along the asker's own line, so it never reaches a sibling.
//! Names follow the asker's per-item choice in every function that returns one.

use std::collections::{HashMap, HashSet};

use chrono::{Duration, NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, JoinType, QueryFilter, QueryOrder, QuerySelect, Set,
    TransactionTrait,
};

use super::{
    ANONYMITY, AskForm, FaqHit, QuestionReportView, QuestionStats, AskPageData, DAYS_TO_ANSWER, KINDS, QuestionDetail, QuestionEventView, QuestionInboxView, QuestionSummary, STATUSES,
    TOPICS,
};
use crate::auth::{Role, SessionUser};
use crate::documents::search::SearchIndex;
use crate::db::entities::{faq_entry, member, position, question, question_event, unit, unit_closure};
use crate::common::label_of;
use crate::error::{AppError, AppResult};
use crate::notifications::service::notify;
use crate::units::UnitRef;
use crate::common::time::today;
use crate::validate::{Checks, format_date, format_datetime};

/// The asker's cell and every unit above it, nearest first: where they may write.
pub async fn line_of(db: &impl ConnectionTrait, cell_id: i64) -> AppResult<Vec<UnitRef>> {
    let rows: Vec<(i64, String)> = unit::Entity::find()
        .select_only()
        .column(unit::Column::Id)
        .column(unit::Column::Name)
        .join(JoinType::InnerJoin, unit::Entity::belongs_to(unit_closure::Entity).from(unit::Column::Id).to(unit_closure::Column::AncestorId).into())
        .filter(unit_closure::Column::DescendantId.eq(cell_id))
        .order_by_asc(unit_closure::Column::Depth)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|(id, name)| UnitRef { id, name }).collect())
}

fn is_cell(kind: &str) -> bool {
    crate::units::UnitKind::parse(kind).is_some_and(|k| k.holds_members())
}

/// Does this user answer for `unit`? A cell's (deputy) secretaries, or a committee member or
/// administrator of the unit itself.
fn handles(user: &SessionUser, unit: &unit::Model) -> bool {
    user.positions.iter().any(|p| {
        p.unit_id == unit.id && if is_cell(&unit.kind) { p.role.is_cell_role() } else { matches!(p.role, Role::CommitteeMember | Role::Admin) }
    })
}

/// The members who answer for `unit` today.
async fn handlers(db: &impl ConnectionTrait, unit: &unit::Model) -> AppResult<Vec<i64>> {
    let roles: Vec<&str> = if is_cell(&unit.kind) {
        vec![Role::Secretary.as_str(), Role::DeputySecretary.as_str()]
    } else {
        vec![Role::CommitteeMember.as_str(), Role::Admin.as_str()]
    };
    Ok(position::Entity::find()
        .select_only()
        .column(position::Column::MemberId)
        .filter(position::Column::UnitId.eq(unit.id))
        .filter(position::Column::Role.is_in(roles))
        .filter(position::Column::ToDate.is_null())
        .into_tuple()
        .all(db)
        .await?)
}

/// May this reader see the asker's name? The asker's choice decides; the asker always may.
fn name_visible(user: &SessionUser, q: &question::Model) -> bool {
    user.member_id == q.asker_id
        || match q.anonymity.as_str() {
            "named" => true,
            "cell_only" => user.positions.iter().any(|p| p.unit_id == q.asker_cell_id && p.role.is_cell_role()),
            _ => false,
        }
}

async fn find(db: &impl ConnectionTrait, id: i64) -> AppResult<question::Model> {
    question::Entity::find_by_id(id).one(db).await?.ok_or_else(|| AppError::NotFound("câu hỏi".into()))
}

/// The question, if this user may see it (asker or handler), else "not found" so its existence
/// does not leak either.
async fn visible(db: &impl ConnectionTrait, user: &SessionUser, id: i64) -> AppResult<(question::Model, unit::Model)> {
    let q = find(db, id).await?;
    let holder = crate::units::service::find_unit(db, q.unit_id).await?;
    if q.asker_id == user.member_id || handles(user, &holder) {
        Ok((q, holder))
    } else {
        Err(AppError::NotFound("câu hỏi".into()))
    }
}

/// Like `visible`, for handlers only.
async fn handled(db: &impl ConnectionTrait, user: &SessionUser, id: i64) -> AppResult<(question::Model, unit::Model)> {
    let (q, holder) = visible(db, user, id).await?;
    if !handles(user, &holder) {
        return Err(AppError::Forbidden("Chỉ cấp ủy đang tiếp nhận câu hỏi mới được xử lý.".into()));
    }
    Ok((q, holder))
}

async fn record(db: &impl ConnectionTrait, question_id: i64, actor: Option<i64>, action: &str, unit_id: Option<i64>, note: &str) -> AppResult<()> {
    question_event::ActiveModel {
        question_id: Set(question_id),
        actor_id: Set(actor),
        action: Set(action.into()),
        unit_id: Set(unit_id),
        note: Set(note.chars().take(2000).collect()),
        at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

fn summary(user: &SessionUser, q: &question::Model, unit_name: &str, asker_name: Option<&String>) -> QuestionSummary {
    QuestionSummary {
        id: q.id,
        kind: q.kind.clone(),
        topic: label_of(&TOPICS, &q.topic),
        title: q.title.clone(),
        unit: UnitRef { id: q.unit_id, name: unit_name.to_string() },
        status: q.status.clone(),
        due_on: format_date(q.due_on),
        overdue: is_overdue(q, today()),
        created_at: format_datetime(q.created_at),
        asker: if name_visible(user, q) { asker_name.cloned() } else { None },
    }
}

/// Still waiting for an answer after its due date.
pub fn is_overdue(q: &question::Model, today: NaiveDate) -> bool {
    matches!(q.status.as_str(), "received" | "assigned") && q.due_on < today
}

async fn names(db: &impl ConnectionTrait, ids: impl IntoIterator<Item = i64>) -> AppResult<HashMap<i64, String>> {
    let ids: Vec<i64> = ids.into_iter().collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(member::Entity::find()
        .select_only()
        .column(member::Column::Id)
        .column(member::Column::FullName)
        .filter(member::Column::Id.is_in(ids))
        .into_tuple::<(i64, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect())
}

async fn summaries(db: &impl ConnectionTrait, user: &SessionUser, rows: &[question::Model]) -> AppResult<Vec<QuestionSummary>> {
    let units = crate::auth::service::unit_names(db, rows.iter().map(|q| q.unit_id)).await?;
    let askers = names(db, rows.iter().filter(|q| name_visible(user, q)).map(|q| q.asker_id)).await?;
    Ok(rows
        .iter()
        .map(|q| summary(user, q, units.get(&q.unit_id).map(String::as_str).unwrap_or_default(), askers.get(&q.asker_id)))
        .collect())
}

pub async fn ask_page(db: &DatabaseConnection, user: &SessionUser) -> AppResult<AskPageData> {
    let mine = question::Entity::find()
        .filter(question::Column::AskerId.eq(user.member_id))
        .order_by_desc(question::Column::CreatedAt)
        .limit(100)
        .all(db)
        .await?;
    Ok(AskPageData { recipients: line_of(db, user.cell_id).await?, mine: summaries(db, user, &mine).await? })
}

/// Files a question with the chosen unit of the asker's line and notifies its handlers. A resend
/// with the same client id returns the question already filed.
pub async fn ask(db: &DatabaseConnection, user: &SessionUser, form: &AskForm) -> AppResult<i64> {
    if !crate::common::client_id::valid(&form.client_id) {
        return Err(crate::common::client_id::rejected());
    }
    let own_question = || {
        question::Entity::find()
            .select_only()
            .column(question::Column::Id)
            .filter(question::Column::ClientId.eq(&form.client_id))
            .filter(question::Column::AskerId.eq(user.member_id))
            .into_tuple::<i64>()
            .one(db)
    };
    if let Some(existing) = own_question().await? {
        return Ok(existing);
    }
    let mut checks = Checks::new();
    let line = line_of(db, user.cell_id).await?;
    if !line.iter().any(|u| u.id == form.unit_id) {
        checks.fail("unit_id", "Vui lòng chọn chi bộ của đồng chí hoặc một cấp ủy cấp trên của chi bộ.");
    }
    if !KINDS.iter().any(|(k, _)| *k == form.kind) {
        checks.fail("kind", "Vui lòng chọn câu hỏi hay kiến nghị.");
    }
    if !TOPICS.iter().any(|(t, _)| *t == form.topic) {
        checks.fail("topic", "Vui lòng chọn lĩnh vực.");
    }
    if !ANONYMITY.iter().any(|(a, _, _)| *a == form.anonymity) {
        checks.fail("anonymity", "Vui lòng chọn ai được biết tên người hỏi.");
    }
    let title = checks.text("title", &form.title, "tiêu đề", 5, 200);
    let body = form.body.trim().to_string();
    match body.chars().count() {
        0..10 => checks.fail("body", "Nội dung phải có ít nhất 10 ký tự."),
        5001.. => checks.fail("body", "Nội dung không được dài quá 5000 ký tự."),
        _ => {}
    }
    checks.finish()?;
    let holder = crate::units::service::find_unit(db, form.unit_id).await?;
    let now = Utc::now();
    let txn = db.begin().await?;
    let q = question::ActiveModel {
        client_id: Set(form.client_id.clone()),
        asker_id: Set(user.member_id),
        asker_cell_id: Set(user.cell_id),
        unit_id: Set(form.unit_id),
        kind: Set(form.kind.clone()),
        topic: Set(form.topic.clone()),
        title: Set(title.clone()),
        body: Set(body),
        anonymity: Set(form.anonymity.clone()),
        status: Set("received".into()),
        assignee_id: Set(None),
        due_on: Set(today() + Duration::days(DAYS_TO_ANSWER)),
        answer: Set(String::new()),
        answered_by: Set(None),
        answered_at: Set(None),
        rating: Set(None),
        rating_comment: Set(String::new()),
        merged_into: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await;
    let q = match q {
        Ok(q) => q,
        Err(e) => {
            drop(txn);
            // Two copies of one resend raced (the first one's question is the answer), or the
            // id is another member's: answered like a malformed id, so nothing shows of them.
            return match own_question().await? {
                Some(id) => Ok(id),
                None => {
                    tracing::warn!(error = %e, "question not inserted");
                    Err(crate::common::client_id::rejected())
                }
            };
        }
    };
    record(&txn, q.id, None, "asked", Some(form.unit_id), "").await?;
    let to: Vec<i64> = handlers(&txn, &holder).await?.into_iter().filter(|m| *m != user.member_id).collect();
    notify(&txn, &to, "question", &format!("{} mới: {}", label_of(&KINDS, &form.kind), title), &format!("/hoi-dap/{}", q.id)).await?;
    txn.commit().await?;
    Ok(q.id)
}

/// Questions held by the units this user answers for, open ones first (most overdue first).
pub async fn inbox(db: &DatabaseConnection, user: &SessionUser, status: Option<&str>) -> AppResult<QuestionInboxView> {
    let position_units: Vec<i64> = user.positions.iter().map(|p| p.unit_id).collect();
    let units: Vec<unit::Model> = unit::Entity::find().filter(unit::Column::Id.is_in(position_units)).all(db).await?;
    let mine: Vec<&unit::Model> = units.iter().filter(|u| handles(user, u)).collect();
    if mine.is_empty() {
        return Err(AppError::Forbidden("Chỉ bí thư chi bộ và cấp ủy viên mới tiếp nhận câu hỏi.".into()));
    }
    let mut rows = question::Entity::find()
        .filter(question::Column::UnitId.is_in(mine.iter().map(|u| u.id)))
        .order_by_asc(question::Column::DueOn)
        .order_by_asc(question::Column::Id)
        .all(db)
        .await?;
    let today = today();
    let open = rows.iter().filter(|q| matches!(q.status.as_str(), "received" | "assigned")).count() as i64;
    let overdue = rows.iter().filter(|q| is_overdue(q, today)).count() as i64;
    match status {
        Some("open") | None => rows.retain(|q| matches!(q.status.as_str(), "received" | "assigned")),
        Some("all") => {}
        Some(s) => rows.retain(|q| q.status == s),
    }
    rows.truncate(200);
    Ok(QuestionInboxView {
        units: mine.iter().map(|u| UnitRef { id: u.id, name: u.name.clone() }).collect(),
        items: summaries(db, user, &rows).await?,
        open,
        overdue,
    })
}

pub async fn detail(db: &DatabaseConnection, user: &SessionUser, id: i64) -> AppResult<QuestionDetail> {
    let (q, holder) = visible(db, user, id).await?;
    let can_handle = handles(user, &holder);
    let events = question_event::Entity::find()
        .filter(question_event::Column::QuestionId.eq(id))
        .order_by_asc(question_event::Column::Id)
        .all(db)
        .await?;
    let people = names(db, events.iter().filter_map(|e| e.actor_id).chain(q.answered_by).chain(q.assignee_id).chain([q.asker_id])).await?;
    let units = crate::auth::service::unit_names(db, events.iter().filter_map(|e| e.unit_id)).await?;
    let line = line_of(db, q.asker_cell_id).await?;
    let forward_choices = if can_handle && matches!(q.status.as_str(), "received" | "assigned") {
        forward_choices(&line, q.unit_id, name_visible(user, &q))
    } else {
        Vec::new()
    };
    // Units below the holder are on the asker's way up: a reader who may not know the asker
    // sees only "cấp dưới" for them in the history.
    let holder_pos = line.iter().position(|u| u.id == q.unit_id).unwrap_or(0);
    let hidden: Vec<i64> =
        if name_visible(user, &q) { Vec::new() } else { line[..holder_pos].iter().map(|u| u.id).collect() };
    // Nor the names of officers down there (a secretary's name leads to the cell): only people
    // with a position at the holder or above are named to such a reader.
    let named_people: Option<HashSet<i64>> = if hidden.is_empty() {
        None
    } else {
        let above: Vec<i64> = line[holder_pos..].iter().map(|u| u.id).collect();
        Some(
            position::Entity::find()
                .select_only()
                .column(position::Column::MemberId)
                .filter(position::Column::UnitId.is_in(above))
                .filter(position::Column::MemberId.is_in(people.keys().copied()))
                .into_tuple::<i64>()
                .all(db)
                .await?
                .into_iter()
                .collect(),
        )
    };
    let person = |id: i64| match &named_people {
        Some(named) if !named.contains(&id) => Some("Cán bộ cấp dưới".to_string()),
        _ => people.get(&id).cloned(),
    };
    let faq_id = faq_entry::Entity::find().filter(faq_entry::Column::QuestionId.eq(q.id)).one(db).await?.map(|e| e.id);
    let merged_answer = match q.merged_into {
        Some(target) => find(db, target).await?.answer,
        None => String::new(),
    };
    Ok(QuestionDetail {
        faq_id,
        merged_into: q.merged_into,
        merged_answer: (!merged_answer.is_empty()).then_some(merged_answer),
        summary: summary(user, &q, &holder.name, people.get(&q.asker_id)),
        body: q.body.clone(),
        anonymity: q.anonymity.clone(),
        who_sees_name: ANONYMITY.iter().find(|(a, _, _)| *a == q.anonymity).map(|(_, _, w)| w.to_string()).unwrap_or_default(),
        assignee: q.assignee_id.and_then(person),
        answer: q.answer.clone(),
        answered_by: q.answered_by.and_then(person),
        answered_at: q.answered_at.map(format_datetime),
        rating: q.rating,
        rating_comment: q.rating_comment.clone(),
        history: events
            .iter()
            .map(|e| QuestionEventView {
                action: action_label(&e.action).into(),
                actor: e.actor_id.and_then(person),
                unit: e.unit_id.and_then(|u| {
                    if hidden.contains(&u) { Some("cấp dưới (theo đường của người hỏi)".to_string()) } else { units.get(&u).cloned() }
                }),
                note: e.note.clone(),
                at: format_datetime(e.at),
            })
            .collect(),
        is_asker: q.asker_id == user.member_id,
        can_handle,
        forward_choices,
    })
}

fn action_label(action: &str) -> &'static str {
    match action {
        "asked" => "Gửi câu hỏi",
        "assigned" => "Nhận xử lý",
        "forwarded" => "Chuyển",
        "answered" => "Trả lời",
        "closed" => "Đóng",
        "rated" => "Người hỏi đánh giá câu trả lời",
        "published" => "Đăng lên hỏi đáp chung",
        "merged" => "Gộp với câu hỏi trùng nội dung",
        _ => "Cập nhật",
    }
}

fn illegal(q: &question::Model, doing: &str) -> AppError {
    AppError::Conflict(format!("Câu hỏi đang ở trạng thái “{}”, không thể {doing}.", label_of(&STATUSES, &q.status)))
}

/// A handler takes the question on: received → assigned.
pub async fn take(db: &DatabaseConnection, user: &SessionUser, id: i64) -> AppResult<()> {
    let (q, holder) = handled(db, user, id).await?;
    if q.status != "received" {
        return Err(illegal(&q, "nhận xử lý"));
    }
    let txn = db.begin().await?;
    let mut active: question::ActiveModel = q.into();
    active.status = Set("assigned".into());
    active.assignee_id = Set(Some(user.member_id));
    active.updated_at = Set(Utc::now());
    active.update(&txn).await?;
    record(&txn, id, Some(user.member_id), "assigned", Some(holder.id), "").await?;
    txn.commit().await?;
    Ok(())
}

/// The answer: received/assigned → answered; the asker is notified.
pub async fn answer(db: &DatabaseConnection, user: &SessionUser, id: i64, text: &str) -> AppResult<()> {
    let (q, holder) = handled(db, user, id).await?;
    if !matches!(q.status.as_str(), "received" | "assigned") {
        return Err(illegal(&q, "trả lời"));
    }
    let text = text.trim();
    if text.chars().count() < 10 || text.chars().count() > 10_000 {
        return Err(AppError::invalid("answer", "Câu trả lời từ 10 đến 10000 ký tự."));
    }
    let now = Utc::now();
    let asker = q.asker_id;
    let title = q.title.clone();
    let txn = db.begin().await?;
    let mut active: question::ActiveModel = q.into();
    active.status = Set("answered".into());
    active.answer = Set(text.to_string());
    active.answered_by = Set(Some(user.member_id));
    active.answered_at = Set(Some(now));
    active.updated_at = Set(now);
    active.update(&txn).await?;
    record(&txn, id, Some(user.member_id), "answered", Some(holder.id), "").await?;
    notify(&txn, &[asker], "answer", &format!("Đã có trả lời: {title}"), &format!("/hoi-dap/{id}")).await?;
    // Askers of duplicates merged into this one get the answer too, through their own question.
    for duplicate in question::Entity::find().filter(question::Column::MergedInto.eq(id)).all(&txn).await? {
        notify(&txn, &[duplicate.asker_id], "answer", &format!("Đã có trả lời: {}", duplicate.title), &format!("/hoi-dap/{}", duplicate.id)).await?;
    }
    txn.commit().await?;
    Ok(())
}

/// The ways a holder may forward, given the asker's line (cell first) and the holder. Units
/// below the holder are named only to a reader who may know the asker.
fn forward_choices(line: &[UnitRef], holder: i64, may_know_asker: bool) -> Vec<super::ForwardChoice> {
    use super::{Forward, ForwardChoice};
    let Some(pos) = line.iter().position(|u| u.id == holder) else { return Vec::new() };
    let mut choices = Vec::new();
    if let Some(up) = line.get(pos + 1) {
        choices.push(ForwardChoice { direction: Forward::Up, label: format!("Lên cấp trên: {}", up.name) });
    }
    if pos >= 1 {
        let label = if may_know_asker { format!("Xuống cấp dưới: {}", line[pos - 1].name) } else { "Xuống cấp dưới (theo đường của người hỏi)".to_string() };
        choices.push(ForwardChoice { direction: Forward::Down, label });
    }
    if pos >= 2 {
        let label = if may_know_asker { format!("Về chi bộ của người hỏi: {}", line[0].name) } else { "Về chi bộ của người hỏi".to_string() };
        choices.push(ForwardChoice { direction: Forward::ToCell, label });
    }
    choices
}

/// Moves the question up or down the asker's own line; the new holder's handlers are notified
/// and the old holder no longer sees it. The unit is worked out here from the direction.
pub async fn forward(db: &DatabaseConnection, user: &SessionUser, id: i64, direction: super::Forward, note: &str) -> AppResult<()> {
    use super::Forward;
    let (q, _) = handled(db, user, id).await?;
    if !matches!(q.status.as_str(), "received" | "assigned") {
        return Err(illegal(&q, "chuyển"));
    }
    let line = line_of(db, q.asker_cell_id).await?;
    let pos = line.iter().position(|u| u.id == q.unit_id);
    let to = match (pos, direction) {
        (Some(p), Forward::Up) => line.get(p + 1),
        (Some(p), Forward::Down) if p >= 1 => line.get(p - 1),
        (Some(p), Forward::ToCell) if p >= 1 => line.first(),
        _ => None,
    };
    let Some(unit_id) = to.map(|u| u.id) else {
        return Err(AppError::invalid("direction", "Không chuyển được theo hướng này: câu hỏi đã ở cấp cao nhất hoặc đã ở chi bộ của người hỏi."));
    };
    let target = crate::units::service::find_unit(db, unit_id).await?;
    let title = q.title.clone();
    let txn = db.begin().await?;
    let mut active: question::ActiveModel = q.into();
    active.unit_id = Set(unit_id);
    active.status = Set("received".into());
    active.assignee_id = Set(None);
    active.updated_at = Set(Utc::now());
    active.update(&txn).await?;
    record(&txn, id, Some(user.member_id), "forwarded", Some(unit_id), note.trim()).await?;
    let to: Vec<i64> = handlers(&txn, &target).await?;
    notify(&txn, &to, "question", &format!("Câu hỏi được chuyển đến: {title}"), &format!("/hoi-dap/{id}")).await?;
    txn.commit().await?;
    Ok(())
}

/// Closes the question: a handler at any open step (with a reason when unanswered), the asker
/// once it is answered.
pub async fn close(db: &DatabaseConnection, user: &SessionUser, id: i64, note: &str) -> AppResult<()> {
    let (q, holder) = visible(db, user, id).await?;
    let is_handler = handles(user, &holder);
    let note = note.trim();
    match (q.status.as_str(), is_handler) {
        ("closed", _) => return Err(illegal(&q, "đóng")),
        ("answered", _) => {}
        (_, true) if note.chars().count() >= 5 => {}
        (_, true) => return Err(AppError::invalid("note", "Vui lòng ghi lý do đóng câu hỏi chưa trả lời.")),
        (_, false) => return Err(illegal(&q, "đóng")),
    }
    let asker = q.asker_id;
    let title = q.title.clone();
    let txn = db.begin().await?;
    let mut active: question::ActiveModel = q.into();
    active.status = Set("closed".into());
    active.updated_at = Set(Utc::now());
    active.update(&txn).await?;
    record(&txn, id, is_handler.then_some(user.member_id), "closed", Some(holder.id), note).await?;
    if is_handler && asker != user.member_id {
        notify(&txn, &[asker], "question", &format!("Câu hỏi đã đóng: {title}"), &format!("/hoi-dap/{id}")).await?;
    }
    txn.commit().await?;
    Ok(())
}

/// The asker rates the answer 1–5 (a later rating replaces the earlier one).
pub async fn rate(db: &DatabaseConnection, user: &SessionUser, id: i64, stars: i32, comment: &str) -> AppResult<()> {
    let q = find(db, id).await?;
    if q.asker_id != user.member_id {
        return Err(AppError::Forbidden("Chỉ người hỏi mới đánh giá được câu trả lời.".into()));
    }
    if q.answer.is_empty() {
        return Err(illegal(&q, "đánh giá (chưa có câu trả lời)"));
    }
    if !(1..=5).contains(&stars) {
        return Err(AppError::invalid("stars", "Vui lòng chọn từ 1 đến 5 sao."));
    }
    let unit_id = q.unit_id;
    let txn = db.begin().await?;
    let mut active: question::ActiveModel = q.into();
    active.rating = Set(Some(stars));
    active.rating_comment = Set(comment.trim().chars().take(1000).collect());
    active.updated_at = Set(Utc::now());
    active.update(&txn).await?;
    record(&txn, id, None, "rated", Some(unit_id), &format!("{stars}/5")).await?;
    txn.commit().await?;
    Ok(())
}

// ---------------------------------------------------------------- FAQ

fn faq_text(checks: &mut Checks, field: &str, text: &str) -> String {
    let text = text.trim().to_string();
    if !(10..=5000).contains(&text.chars().count()) {
        checks.fail(field, "Nội dung từ 10 đến 5000 ký tự.");
    }
    text
}

/// A handler publishes an answered question to the holder's FAQ, in words they may edit (to
/// remove anything that would identify the asker). Publishing again updates the entry.
pub async fn publish_faq(db: &DatabaseConnection, index: &SearchIndex, user: &SessionUser, id: i64, question_text: &str, answer_text: &str) -> AppResult<i64> {
    // Closed questions stay with their last holder, whose handlers may still publish them.
    let (q, holder) = handled(db, user, id).await?;
    if q.answer.is_empty() {
        return Err(illegal(&q, "đăng lên hỏi đáp chung (chưa có câu trả lời)"));
    }
    let mut checks = Checks::new();
    let question_text = faq_text(&mut checks, "faq_question", question_text);
    let answer_text = faq_text(&mut checks, "faq_answer", answer_text);
    checks.finish()?;
    let now = Utc::now();
    let existing = faq_entry::Entity::find().filter(faq_entry::Column::QuestionId.eq(q.id)).one(db).await?;
    let txn = db.begin().await?;
    let entry = match existing {
        Some(e) => {
            let mut active: faq_entry::ActiveModel = e.into();
            active.question = Set(question_text);
            active.answer = Set(answer_text);
            active.published_by = Set(user.member_id);
            active.published_at = Set(now);
            active.update(&txn).await?
        }
        None => {
            faq_entry::ActiveModel {
                unit_id: Set(holder.id),
                question_id: Set(Some(q.id)),
                topic: Set(q.topic.clone()),
                question: Set(question_text),
                answer: Set(answer_text),
                published_by: Set(user.member_id),
                published_at: Set(now),
                ..Default::default()
            }
            .insert(&txn)
            .await?
        }
    };
    record(&txn, id, Some(user.member_id), "published", Some(holder.id), "").await?;
    crate::documents::search::note_faq_change(&txn, entry.id).await?;
    txn.commit().await?;
    index.refresh_faq(db, entry.id).await;
    Ok(entry.id)
}

/// FAQ entries shown per search.
const FAQ_HITS: usize = 50;

/// The FAQ a member may read (their cell's and every unit's above it), ranked for `query` by the
/// search engine with the library's folding and syllable pairs, so "dang phi huu tri" finds
/// "đảng phí … hưu trí"; with no query, the newest.
pub async fn faq(db: &DatabaseConnection, index: &SearchIndex, user: &SessionUser, query: &str) -> AppResult<Vec<FaqHit>> {
    use crate::documents::search::{is_bigram, syllables, terms};
    let line = line_of(db, user.cell_id).await?;
    let names: HashMap<i64, String> = line.iter().map(|u| (u.id, u.name.clone())).collect();
    let units: Vec<i64> = line.iter().map(|u| u.id).collect();
    let wanted: Vec<String> = terms(&syllables(query));
    let entries = if wanted.is_empty() {
        faq_entry::Entity::find()
            .filter(faq_entry::Column::UnitId.is_in(units.iter().copied()))
            .order_by_desc(faq_entry::Column::PublishedAt)
            .limit(FAQ_HITS as u64)
            .all(db)
            .await?
    } else {
        crate::common::rate_limit::hit(db, &crate::common::rate_limit::SEARCH_LIMIT, user.member_id).await?;
        let ids = index.faq_ids(&wanted, &units, FAQ_HITS)?;
        // Read again with the line as a condition: the database, not the index, has the last word.
        let mut found: HashMap<i64, faq_entry::Model> = faq_entry::Entity::find()
            .filter(faq_entry::Column::Id.is_in(ids.iter().copied()))
            .filter(faq_entry::Column::UnitId.is_in(units.iter().copied()))
            .all(db)
            .await?
            .into_iter()
            .map(|e| (e.id, e))
            .collect();
        let mut syllables_wanted: Vec<&String> = wanted.iter().filter(|t| !is_bigram(t)).collect();
        syllables_wanted.sort_unstable();
        syllables_wanted.dedup();
        ids.iter()
            .filter_map(|id| found.remove(id))
            .filter(|e| {
                // At least half of the query's syllables must be there: one shared common
                // syllable ("bao" of "bao nhiêu" for "bảo hiểm") is not a match.
                let have: HashSet<String> = syllables(&format!("{}\n{}", e.question, e.answer)).into_iter().collect();
                let matched = syllables_wanted.iter().filter(|t| have.contains(t.as_str())).count();
                matched > 0 && matched * 2 >= syllables_wanted.len()
            })
            .collect()
    };
    Ok(entries
        .into_iter()
        .map(|e| FaqHit {
            id: e.id,
            unit: UnitRef { id: e.unit_id, name: names.get(&e.unit_id).cloned().unwrap_or_default() },
            topic: label_of(&TOPICS, &e.topic),
            question: e.question,
            answer: e.answer,
            published_at: format_datetime(e.published_at),
        })
        .collect())
}

// ---------------------------------------------------------------- report

/// Figures over a set of questions as of `today`.
pub fn stats(rows: &[&question::Model], today: NaiveDate) -> QuestionStats {
    let mut hours: Vec<i64> = rows
        .iter()
        .filter_map(|q| q.answered_at.map(|at| (at - q.created_at).num_hours().max(0)))
        .collect();
    hours.sort_unstable();
    let rated: Vec<i32> = rows.iter().filter_map(|q| q.rating).collect();
    QuestionStats {
        received: rows.len() as i64,
        answered: rows.iter().filter(|q| q.answered_at.is_some()).count() as i64,
        open: rows.iter().filter(|q| matches!(q.status.as_str(), "received" | "assigned")).count() as i64,
        overdue: rows.iter().filter(|q| is_overdue(q, today)).count() as i64,
        median_answer_hours: (!hours.is_empty()).then(|| {
            let mid = hours.len() / 2;
            if hours.len().is_multiple_of(2) { (hours[mid - 1] + hours[mid]) / 2 } else { hours[mid] }
        }),
        rated: rated.len() as i64,
        star_sum: rated.iter().map(|s| i64::from(*s)).sum(),
    }
}

/// Questions asked in `period` and now held anywhere in the unit's subtree.
pub async fn report(
    db: &DatabaseConnection,
    user: &SessionUser,
    unit_id: i64,
    period: crate::common::report::Period,
) -> AppResult<QuestionReportView> {
    crate::auth::service::authorize(db, user, crate::auth::service::Action::ViewQuestionReport(unit_id)).await?;
    let root = crate::units::service::find_unit(db, unit_id).await?;
    let local = |y: i32, m: u32| {
        NaiveDate::from_ymd_opt(y, m, 1).map(crate::common::time::start_of_vietnam_day)
    };
    let (next_y, next_m) = if period.last_month == 12 { (period.year + 1, 1) } else { (period.year, period.last_month + 1) };
    let (from, to) = (local(period.year, period.first_month).ok_or(AppError::Internal)?, local(next_y, next_m).ok_or(AppError::Internal)?);
    let subtree = sea_orm::sea_query::Query::select()
        .column(unit_closure::Column::DescendantId)
        .from(unit_closure::Entity)
        .and_where(unit_closure::Column::AncestorId.eq(unit_id))
        .to_owned();
    let rows = question::Entity::find()
        .filter(question::Column::UnitId.in_subquery(subtree))
        .filter(question::Column::CreatedAt.gte(from))
        .filter(question::Column::CreatedAt.lt(to))
        .all(db)
        .await?;
    let (children, child_of) = crate::units::service::children_and_their_subtrees(db, unit_id).await?;
    let today = today();
    let all: Vec<&question::Model> = rows.iter().collect();
    // One pass: each question under the child unit whose subtree holds it.
    let mut by_child: HashMap<i64, Vec<&question::Model>> = HashMap::new();
    for q in &rows {
        if let Some(child) = child_of.get(&q.unit_id) {
            by_child.entry(*child).or_default().push(q);
        }
    }
    let mut stars = [0i64; 5];
    for r in rows.iter().filter_map(|q| q.rating) {
        if let Some(slot) = stars.get_mut((r.clamp(1, 5) - 1) as usize) {
            *slot += 1;
        }
    }
    Ok(QuestionReportView {
        unit: UnitRef { id: root.id, name: root.name.clone() },
        period_label: period.label(),
        period_code: period.code(),
        totals: stats(&all, today),
        rows: children.into_iter().filter_map(|c| by_child.get(&c.id).map(|mine| { let s = stats(mine, today); (c, s) })).collect(),
        topics: TOPICS
            .iter()
            .zip(super::TOPIC_SHORT)
            .map(|((code, _), short)| (short.to_string(), rows.iter().filter(|q| q.topic == *code).count() as i64))
            .collect(),
        stars,
    })
}

/// Merges duplicate `id` into `into`: both must be held by units this user answers for; `id`
/// must still be open. `id` is closed, remembers `into`, and its asker is told.
pub async fn merge(db: &DatabaseConnection, user: &SessionUser, id: i64, into: i64) -> AppResult<()> {
    // Whether the caller holds the question comes before anything is said about the request.
    let (q, holder) = handled(db, user, id).await?;
    if id == into {
        return Err(AppError::invalid("into", "Không gộp một câu hỏi vào chính nó."));
    }
    let (target, _) = handled(db, user, into).await.map_err(|_| AppError::invalid("into", "Chỉ gộp vào một câu hỏi mà đồng chí đang tiếp nhận."))?;
    if !matches!(q.status.as_str(), "received" | "assigned") {
        return Err(illegal(&q, "gộp"));
    }
    if target.merged_into.is_some() {
        return Err(AppError::invalid("into", "Câu hỏi này đã được gộp vào câu hỏi khác; hãy gộp vào câu hỏi gốc."));
    }
    let asker = q.asker_id;
    let title = q.title.clone();
    let txn = db.begin().await?;
    let mut active: question::ActiveModel = q.into();
    active.status = Set("closed".into());
    active.merged_into = Set(Some(into));
    active.updated_at = Set(Utc::now());
    active.update(&txn).await?;
    record(&txn, id, Some(user.member_id), "merged", Some(holder.id), &format!("Gộp vào câu hỏi số {into}")).await?;
    notify(&txn, &[asker], "question", &format!("Câu hỏi được gộp với câu hỏi cùng nội dung: {title}"), &format!("/hoi-dap/{id}")).await?;
    txn.commit().await?;
    Ok(())
}

/// The question report as spreadsheet tables: per child unit with the total, topics, stars.
pub fn sheets(r: &QuestionReportView) -> Vec<crate::spreadsheet::Sheet> {
    use crate::spreadsheet::{Cell, text};
    let row = |name: &str, s: &QuestionStats| {
        vec![
            text(name),
            Cell::Number(s.received),
            Cell::Number(s.answered),
            Cell::Number(s.open),
            Cell::Number(s.overdue),
            s.median_answer_hours.map_or(text(""), Cell::Number),
            Cell::Number(s.rated),
            if s.rated > 0 { Cell::Tenths(s.star_sum * 10 / s.rated) } else { text("") },
        ]
    };
    let mut summary = vec![
        vec![text("Báo cáo hỏi đáp, kiến nghị"), text(&r.unit.name)],
        vec![text("Kỳ báo cáo"), text(&r.period_label)],
        vec![],
        ["Đơn vị", "Đã nhận", "Đã trả lời", "Đang chờ", "Quá hạn", "Trung vị thời gian trả lời (giờ)", "Lượt đánh giá", "Sao bình quân"]
            .iter()
            .map(|h| text(h))
            .collect(),
    ];
    summary.extend(r.rows.iter().map(|(u, s)| row(&u.name, s)));
    summary.push(row("Tổng cộng", &r.totals));
    let mut topics = vec![vec![text("Lĩnh vực"), text("Số câu hỏi")]];
    topics.extend(TOPICS.iter().zip(&r.topics).map(|((_, label), (_, n))| vec![text(label), Cell::Number(*n)]));
    let mut stars = vec![vec![text("Số sao"), text("Số câu trả lời")]];
    stars.extend(r.stars.iter().enumerate().map(|(i, n)| vec![Cell::Number(i as i64 + 1), Cell::Number(*n)]));
    vec![("Tổng hợp", summary), ("Theo lĩnh vực", topics), ("Mức hài lòng", stars)]
}
