//! Server side of required reading. Events are inserted with `ON CONFLICT (client_id) DO
//! NOTHING`, so a retried or replayed batch never counts twice; their seconds are credited only
//! as far as the real time that passed allows (see [`record`]); per-section seconds and the
//! per-document status are rolled up in the same transaction.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Duration, NaiveDate, Utc};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, OnConflict};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, JoinType, QueryFilter,
    QueryOrder, QuerySelect, Set, TransactionSession, TransactionTrait,
};

use super::{
    FIRST_CREDIT_SECONDS, MAX_BATCH, MAX_EVENT_SECONDS, MemberReading, OverdueRow, ProgressEvent, ReadingProgress,
    ReadingReport, ReportCounts, ReportRow, RequiredReading, SECTIONS_AT_ONCE, SectionTime,
};
use crate::auth::SessionUser;
use crate::auth::service::{Action, authorize, unit_names};
use crate::db::entities::{
    assignment, document, document_section, member, reading_clock, reading_event, reading_section, reading_status,
    unit_closure,
};
use crate::documents::service::{find_document, visible_ids};
use crate::error::{AppError, AppResult};
use crate::units::UnitRef;
use super::Pace;
use crate::units::service::find_unit;
use crate::validate::Checks;



fn section_seen(pace: Pace, seconds: i64, words: i64) -> bool {
    super::section_seen(seconds, words, pace.words_per_second())
}

/// Sections a member must see: those with text.
async fn readable_sections(db: &impl ConnectionTrait, document_id: i64) -> AppResult<Vec<(i64, i64)>> {
    Ok(document_section::Entity::find()
        .select_only()
        .column(document_section::Column::Id)
        .column(document_section::Column::Words)
        .filter(document_section::Column::DocumentId.eq(document_id))
        .filter(document_section::Column::Words.gt(0))
        .into_tuple::<(i64, i32)>()
        .all(db)
        .await?
        .into_iter()
        .map(|(id, words)| (id, i64::from(words)))
        .collect())
}

/// The seconds the server has counted for a member on each section of a document.
async fn counted_seconds(db: &impl ConnectionTrait, member_id: i64, document_id: i64) -> AppResult<HashMap<i64, i64>> {
    Ok(reading_section::Entity::find()
        .filter(reading_section::Column::MemberId.eq(member_id))
        .filter(reading_section::Column::DocumentId.eq(document_id))
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.section_id, i64::from(r.seconds)))
        .collect())
}

/// Recomputes a member's status for a document from the per-section seconds.
async fn roll_up(db: &impl ConnectionTrait, pace: Pace, member_id: i64, document_id: i64) -> AppResult<ReadingProgress> {
    let sections = readable_sections(db, document_id).await?;
    let seconds = counted_seconds(db, member_id, document_id).await?;
    let total_words: i64 = sections.iter().map(|(_, w)| w).sum();
    let seen = sections.iter().filter(|(id, words)| section_seen(pace, seconds.get(id).copied().unwrap_or(0), *words)).count() as i64;
    let active: i64 = seconds.values().sum();
    let total = sections.len() as i64;
    let required_seconds = total_words / pace.words_per_second();
    let completed = super::reading_complete(seen, total, active, required_seconds);

    let now = Utc::now();
    let existing = reading_status::Entity::find_by_id((member_id, document_id)).one(db).await?;
    let confirmed = existing.as_ref().is_some_and(|e| e.confirmed_at.is_some());
    let completed_at = existing.as_ref().and_then(|e| e.completed_at).or(completed.then_some(now));
    let row = reading_status::ActiveModel {
        member_id: Set(member_id),
        document_id: Set(document_id),
        seen_sections: Set(seen as i32),
        total_sections: Set(total as i32),
        active_seconds: Set(i32::try_from(active).unwrap_or(i32::MAX)),
        started_at: Set(existing.as_ref().map(|e| e.started_at).unwrap_or(now)),
        completed_at: Set(completed_at),
        confirmed_at: Set(existing.as_ref().and_then(|e| e.confirmed_at)),
    };
    if existing.is_some() {
        row.update(db).await?;
    } else {
        row.insert(db).await?;
    }
    Ok(ReadingProgress {
        document_id,
        seen_sections: seen,
        total_sections: total,
        active_seconds: active,
        required_seconds,
        completed: completed_at.is_some(),
        confirmed,
        sections: Vec::new(),
        words_per_second: pace.words_per_second(),
    })
}

/// Of the seconds each section claims in one send, what may be credited within `budget`
/// seconds of real time: no section more than `budget` (it cannot have been on screen longer
/// than the time that passed), and all of them together no more than `SECTIONS_AT_ONCE ×
/// budget` (the tracker honestly counts every section on screen in the same second, and a
/// screen shows a few short ones). Over that, the sections claiming most are cut to a common
/// ceiling first, so a short article that scrolled past keeps its second or two.
fn fit_to_elapsed(claims: &HashMap<i64, i64>, budget: i64) -> HashMap<i64, i64> {
    let budget = std::cmp::max(budget, 0);
    let all_together = budget.saturating_mul(SECTIONS_AT_ONCE);
    let credited_under = |ceiling: i64| claims.values().map(|s| std::cmp::min(*s, ceiling)).sum::<i64>();
    // The highest ceiling, at most the budget, under which everything fits.
    let (mut low, mut high) = (0, std::cmp::min(budget, claims.values().copied().max().unwrap_or(0)));
    while low < high {
        let mid = low + (high - low + 1) / 2;
        if credited_under(mid) <= all_together {
            low = mid;
        } else {
            high = mid - 1;
        }
    }
    claims.iter().map(|(section, s)| (*section, std::cmp::min(*s, low))).collect()
}

/// The real time credited seconds stand for: the longest section's, or all of them spread over
/// `SECTIONS_AT_ONCE` sections at a time, whichever is more. Never more than the budget they
/// were fitted to.
fn wall_clock_of(credited: &HashMap<i64, i64>) -> i64 {
    let longest = credited.values().copied().max().unwrap_or(0);
    let sum: i64 = credited.values().sum();
    std::cmp::max(longest, (sum + SECTIONS_AT_ONCE - 1) / SECTIONS_AT_ONCE)
}

/// Takes the member's reading clock for a document, starting it on the first credit, and holds
/// it until the transaction ends (the upsert locks the row on PostgreSQL and takes SQLite's
/// write lock), so two sends at once — two tabs, the page and the service worker — cannot both
/// spend the same time. Returns how far the real time already credited reaches.
async fn hold_clock(txn: &impl ConnectionTrait, member_id: i64, document_id: i64, now: DateTime<Utc>) -> AppResult<DateTime<Utc>> {
    reading_clock::Entity::insert(reading_clock::ActiveModel {
        member_id: Set(member_id),
        document_id: Set(document_id),
        // Nothing credited yet: the first send may cover FIRST_CREDIT_SECONDS of reading.
        credited_until: Set(now - Duration::seconds(FIRST_CREDIT_SECONDS)),
    })
    .on_conflict(
        OnConflict::columns([reading_clock::Column::MemberId, reading_clock::Column::DocumentId])
            .value(reading_clock::Column::CreditedUntil, Expr::col((reading_clock::Entity, reading_clock::Column::CreditedUntil)))
            .to_owned(),
    )
    .exec_without_returning(txn)
    .await?;
    let clock = reading_clock::Entity::find_by_id((member_id, document_id)).one(txn).await?.ok_or(AppError::Internal)?;
    Ok(clock.credited_until)
}

/// A member has just received the document (opened its page, or the phone fetched it to keep
/// for offline reading): the clock starts here if it has not, since nobody reads a document
/// before having it. Reading done offline afterwards is then credited up to the time that has
/// really passed since, even on a first reading.
pub async fn document_received(db: &impl ConnectionTrait, member_id: i64, document_id: i64) -> AppResult<()> {
    // Read first: most views are of documents already started, and a read takes no write lock.
    if reading_clock::Entity::find_by_id((member_id, document_id)).one(db).await?.is_some() {
        return Ok(());
    }
    let now = Utc::now();
    reading_clock::Entity::insert(reading_clock::ActiveModel {
        member_id: Set(member_id),
        document_id: Set(document_id),
        credited_until: Set(now - Duration::seconds(FIRST_CREDIT_SECONDS)),
    })
    .on_conflict(OnConflict::columns([reading_clock::Column::MemberId, reading_clock::Column::DocumentId]).do_nothing().to_owned())
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// Stores a batch of reading events for the logged-in member (never anyone else).
///
/// Every new event is kept (so the device stops sending it), but its seconds are credited only
/// as far as real time allows. Per member and document a clock says how far the real time
/// already credited reaches; a send may be credited at most the time from there to now (see
/// [`fit_to_elapsed`]), and moves the clock on by the real time its credit stands for. So all
/// the reading ever credited on a document fits between the first credit (less
/// `FIRST_CREDIT_SECONDS`) and now, however it is sent:
/// - the first send on a document has no earlier credit: it may cover `FIRST_CREDIT_SECONDS`;
/// - reading done offline over an hour arrives at once, as many queued sends: the clock stood
///   where the member's last credited reading left it, an hour or more ago, and each send moves
///   it on by its own minute, so the hour is credited (up to the time that really passed); a
///   document read for the very first time offline has its clock started when the phone
///   fetched it ([`document_received`]), so that reading is credited too;
/// - two tabs or devices share the member's one clock: "per device" is approximated by per
///   member and document (stricter: one person does not read twice as fast on two screens);
/// - a replayed event is known by its id and credits nothing twice.
pub async fn record<C: ConnectionTrait + TransactionTrait>(db: &C, pace: Pace, user: &SessionUser, events: &[ProgressEvent]) -> AppResult<Vec<ReadingProgress>> {
    if events.len() > MAX_BATCH {
        return Err(AppError::invalid("events", format!("Mỗi lần gửi tối đa {MAX_BATCH} bản ghi.")));
    }
    for e in events {
        if !crate::common::client_id::valid(&e.client_id) {
            return Err(AppError::invalid("events", "Mã bản ghi đọc không hợp lệ."));
        }
        if !(1..=MAX_EVENT_SECONDS).contains(&e.seconds) {
            return Err(AppError::invalid("events", format!("Mỗi bản ghi đọc từ 1 đến {MAX_EVENT_SECONDS} giây.")));
        }
    }
    let documents: HashSet<i64> = events.iter().map(|e| e.document_id).collect();
    let visible = visible_ids(db, user).await?;
    if documents.iter().any(|d| !visible.contains(d)) {
        return Err(crate::documents::service::not_for_you());
    }
    let section_ids: Vec<i64> = events.iter().map(|e| e.section_id).collect();
    let owners: HashMap<i64, i64> = document_section::Entity::find()
        .select_only()
        .column(document_section::Column::Id)
        .column(document_section::Column::DocumentId)
        .filter(document_section::Column::Id.is_in(section_ids))
        .into_tuple::<(i64, i64)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    if events.iter().any(|e| owners.get(&e.section_id) != Some(&e.document_id)) {
        return Err(AppError::invalid("events", "Phần văn bản không thuộc tài liệu này."));
    }

    let mut sorted: Vec<i64> = documents.into_iter().collect();
    sorted.sort_unstable();
    let txn = db.begin().await?;
    let now = Utc::now();
    // The same id twice in one send counts once, like a replay.
    let mut ids = HashSet::new();
    let unique: Vec<&ProgressEvent> = events.iter().filter(|e| ids.insert(e.client_id.as_str())).collect();
    let mut progress = Vec::with_capacity(sorted.len());
    for &document_id in &sorted {
        let credited_until = hold_clock(&txn, user.member_id, document_id, now).await?;
        let mine: Vec<&ProgressEvent> = unique.iter().copied().filter(|e| e.document_id == document_id).collect();
        // Already received from this member (a retry or a replay): counted then, not again.
        // Only the member's own events are looked at; an id another member used (which only
        // a guess could reach) is refused by the unique index below without saying so.
        let known: HashSet<String> = reading_event::Entity::find()
            .select_only()
            .column(reading_event::Column::ClientId)
            .filter(reading_event::Column::MemberId.eq(user.member_id))
            .filter(reading_event::Column::ClientId.is_in(mine.iter().map(|e| e.client_id.clone())))
            .into_tuple::<String>()
            .all(&txn)
            .await?
            .into_iter()
            .collect();
        let fresh: Vec<&ProgressEvent> = mine.into_iter().filter(|e| !known.contains(&e.client_id)).collect();
        let mut claims: HashMap<i64, i64> = HashMap::new();
        for e in &fresh {
            *claims.entry(e.section_id).or_default() += i64::from(e.seconds);
        }
        let mut allowed = fit_to_elapsed(&claims, (now - credited_until).num_seconds());
        let mut credited: HashMap<i64, i64> = HashMap::new();
        for e in fresh {
            let left = allowed.entry(e.section_id).or_default();
            let counted = std::cmp::min(i64::from(e.seconds), *left);
            let inserted = reading_event::Entity::insert(reading_event::ActiveModel {
                client_id: Set(e.client_id.clone()),
                member_id: Set(user.member_id),
                document_id: Set(e.document_id),
                section_id: Set(e.section_id),
                seconds: Set(e.seconds),
                credited: Set(counted as i32),
                at: Set(now),
                ..Default::default()
            })
            .on_conflict(OnConflict::column(reading_event::Column::ClientId).do_nothing().to_owned())
            .exec_without_returning(&txn)
            .await?;
            if inserted == 0 {
                continue; // received meanwhile under another send: counted there
            }
            *left -= counted;
            *credited.entry(e.section_id).or_default() += counted;
        }
        for (&section_id, &seconds) in credited.iter().filter(|(_, s)| **s > 0) {
            reading_section::Entity::insert(reading_section::ActiveModel {
                member_id: Set(user.member_id),
                section_id: Set(section_id),
                document_id: Set(document_id),
                seconds: Set(i32::try_from(seconds).unwrap_or(i32::MAX)),
            })
            .on_conflict(
                OnConflict::columns([reading_section::Column::MemberId, reading_section::Column::SectionId])
                    .value(
                        reading_section::Column::Seconds,
                        Expr::col((reading_section::Entity, reading_section::Column::Seconds))
                            .add(Expr::col((Alias::new("excluded"), reading_section::Column::Seconds))),
                    )
                    .to_owned(),
            )
            .exec_without_returning(&txn)
            .await?;
        }
        let spent = wall_clock_of(&credited);
        if spent > 0 {
            reading_clock::Entity::update_many()
                .col_expr(reading_clock::Column::CreditedUntil, Expr::value(credited_until + Duration::seconds(spent)))
                .filter(reading_clock::Column::MemberId.eq(user.member_id))
                .filter(reading_clock::Column::DocumentId.eq(document_id))
                .exec(&txn)
                .await?;
        }
        progress.push(roll_up(&txn, pace, user.member_id, document_id).await?);
    }
    txn.commit().await?;
    Ok(progress)
}

/// A member's progress on a document: the totals lists and checks need.
pub async fn progress_for(db: &impl ConnectionTrait, pace: Pace, member_id: i64, document_id: i64) -> AppResult<ReadingProgress> {
    progress_of(db, pace, member_id, document_id, false).await
}

/// The same with each section's words and counted seconds: what the reader needs to apply the
/// rule itself while offline.
pub async fn reader_progress(db: &impl ConnectionTrait, pace: Pace, member_id: i64, document_id: i64) -> AppResult<ReadingProgress> {
    progress_of(db, pace, member_id, document_id, true).await
}

/// The signed-in member's own progress on a document they may open: any other id gets the same
/// "not found", whether it exists or not.
pub async fn my_progress(db: &impl ConnectionTrait, pace: Pace, user: &SessionUser, document_id: i64) -> AppResult<ReadingProgress> {
    if !visible_ids(db, user).await?.contains(&document_id) {
        return Err(AppError::NotFound("tài liệu".into()));
    }
    reader_progress(db, pace, user.member_id, document_id).await
}

async fn progress_of(db: &impl ConnectionTrait, pace: Pace, member_id: i64, document_id: i64, per_section: bool) -> AppResult<ReadingProgress> {
    let sections = readable_sections(db, document_id).await?;
    let required_seconds = sections.iter().map(|(_, w)| w).sum::<i64>() / pace.words_per_second();
    let times: Vec<SectionTime> = if per_section {
        let counted = counted_seconds(db, member_id, document_id).await?;
        sections
            .iter()
            .map(|(id, words)| SectionTime { section_id: *id, words: *words, seconds: counted.get(id).copied().unwrap_or(0) })
            .collect()
    } else {
        Vec::new()
    };
    let base = ReadingProgress {
        document_id,
        seen_sections: 0,
        total_sections: sections.len() as i64,
        active_seconds: 0,
        required_seconds,
        completed: false,
        confirmed: false,
        sections: times,
        words_per_second: pace.words_per_second(),
    };
    Ok(match reading_status::Entity::find_by_id((member_id, document_id)).one(db).await? {
        Some(s) => ReadingProgress {
            seen_sections: i64::from(s.seen_sections),
            total_sections: i64::from(s.total_sections),
            active_seconds: i64::from(s.active_seconds),
            completed: s.completed_at.is_some(),
            confirmed: s.confirmed_at.is_some(),
            ..base
        },
        None => base,
    })
}

/// "Đã đọc và nắm nội dung" — accepted only once the reading rule is met.
pub async fn confirm(db: &impl ConnectionTrait, pace: Pace, user: &SessionUser, document_id: i64) -> AppResult<ReadingProgress> {
    let doc = crate::documents::service::readable_document(db, user, document_id).await?;
    let progress = progress_for(db, pace, user.member_id, document_id).await?;
    if !progress.completed {
        return Err(AppError::invalid(
            "form",
            format!(
                "Đồng chí chưa đọc hết tài liệu: đã xem {}/{} phần, {} trên {} giây đọc tối thiểu.",
                progress.seen_sections, progress.total_sections, progress.active_seconds, progress.required_seconds
            ),
        ));
    }
    if !super::quiz::satisfied(db, user.member_id, &doc).await? {
        return Err(AppError::invalid(
            "form",
            format!(
                "Đồng chí cần trả lời đúng ít nhất {}% câu hỏi kiểm tra trước khi xác nhận.",
                doc.quiz_pass_percent.unwrap_or(0)
            ),
        ));
    }
    if let Some(row) = reading_status::Entity::find_by_id((user.member_id, document_id)).one(db).await?
        && row.confirmed_at.is_none() {
            let mut active: reading_status::ActiveModel = row.into();
            active.confirmed_at = Set(Some(Utc::now()));
            active.update(db).await?;
        }
    Ok(ReadingProgress { confirmed: true, ..progress })
}

/// Assigns a document to every member of a unit's subtree, due on a date.
pub async fn assign(db: &DatabaseConnection, user: &SessionUser, document_id: i64, unit_id: i64, due_on: &str) -> AppResult<i64> {
    authorize(db, user, Action::ManageDocument(unit_id)).await?;
    // A committee assigns only what it may read itself: otherwise assigning would show the
    // title of another committee's document (or draft) in the reports.
    if !visible_ids(db, user).await?.contains(&document_id) {
        return Err(AppError::NotFound("tài liệu".into()));
    }
    let doc = find_document(db, document_id).await?;
    let unit = find_unit(db, unit_id).await?;
    let mut checks = Checks::new();
    let due = checks.date("due_on", due_on, "hạn đọc");
    if due.is_some_and(|d| d < crate::common::time::today()) {
        checks.fail("due_on", "Hạn đọc không được ở quá khứ.");
    }
    if !doc.published {
        checks.fail("form", "Chỉ giao đọc tài liệu đã ban hành.");
    }
    if unit.valid_to.is_some() {
        checks.fail("form", "Đơn vị này đã đóng.");
    }
    let duplicate = assignment::Entity::find()
        .filter(assignment::Column::DocumentId.eq(document_id))
        .filter(assignment::Column::UnitId.eq(unit_id))
        .one(db)
        .await?;
    if duplicate.is_some() {
        checks.fail("form", "Tài liệu này đã được giao cho đơn vị này.");
    }
    checks.finish()?;
    let Some(due) = due else { return Err(AppError::Internal) };
    let row = assignment::ActiveModel {
        document_id: Set(document_id),
        unit_id: Set(unit_id),
        due_on: Set(due),
        assigned_by: Set(user.member_id),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(row.id)
}

/// Assignments to the member's cell or any unit above it, soonest due first.
fn assignments_on_line(user: &SessionUser) -> sea_orm::Select<assignment::Entity> {
    assignment::Entity::find()
        .join(
            JoinType::InnerJoin,
            assignment::Entity::belongs_to(unit_closure::Entity)
                .from(assignment::Column::UnitId)
                .to(unit_closure::Column::AncestorId)
                .into(),
        )
        .filter(unit_closure::Column::DescendantId.eq(user.cell_id))
        .order_by_asc(assignment::Column::DueOn)
}

/// Documents assigned to the member's cell or a unit above it, soonest due first, each once:
/// those the member has still to confirm, and those confirmed.
pub async fn assigned_documents(db: &impl ConnectionTrait, user: &SessionUser) -> AppResult<(Vec<i64>, Vec<i64>)> {
    let assigned: Vec<i64> = assignments_on_line(user)
        .select_only()
        .column(assignment::Column::DocumentId)
        .into_tuple::<i64>()
        .all(db)
        .await?;
    let confirmed: HashSet<i64> = reading_status::Entity::find()
        .select_only()
        .column(reading_status::Column::DocumentId)
        .filter(reading_status::Column::MemberId.eq(user.member_id))
        .filter(reading_status::Column::ConfirmedAt.is_not_null())
        .into_tuple::<i64>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let mut seen = HashSet::new();
    Ok(assigned.into_iter().filter(|id| seen.insert(*id)).partition(|id| !confirmed.contains(id)))
}

/// "Tài liệu cần đọc": assignments to any unit containing the member's cell.
pub async fn required_for(db: &DatabaseConnection, pace: Pace, user: &SessionUser) -> AppResult<Vec<RequiredReading>> {
    let rows = assignments_on_line(user).all(db)
        .await?;
    let names = unit_names(db, rows.iter().map(|r| r.unit_id)).await?;
    let today = crate::common::time::today();
    let mut out = Vec::new();
    let mut seen_docs = HashSet::new();
    for a in rows {
        let Some(doc) = document::Entity::find_by_id(a.document_id).one(db).await?.filter(|d| d.published) else { continue };
        if !seen_docs.insert(doc.id) {
            continue; // assigned at two levels: the earliest deadline wins
        }
        let progress = progress_for(db, pace, user.member_id, doc.id).await?;
        out.push(RequiredReading {
            assignment_id: a.id,
            report_unit: report_start(db, user, a.unit_id).await?,
            overdue: !progress.confirmed && a.due_on < today,
            document: crate::documents::service::summary(&doc),
            unit: UnitRef { id: a.unit_id, name: names.get(&a.unit_id).cloned().unwrap_or_default() },
            due_on: a.due_on,
            progress,
        });
    }
    Ok(out)
}

/// The unit a user's report on an assignment to `assigned` starts at: the assigned unit if one of
/// their scopes contains it, else their own scope inside it.
async fn report_start(db: &impl ConnectionTrait, user: &SessionUser, assigned: i64) -> AppResult<Option<i64>> {
    for p in &user.positions {
        if crate::auth::service::in_any_subtree(db, &[p.unit_id], assigned).await? {
            return Ok(Some(assigned));
        }
    }
    for p in &user.positions {
        if crate::auth::service::in_any_subtree(db, &[assigned], p.unit_id).await? {
            return Ok(Some(p.unit_id));
        }
    }
    Ok(None)
}

fn classify(status: Option<&reading_status::Model>) -> &'static str {
    match status {
        Some(s) if s.confirmed_at.is_some() => "read",
        Some(_) => "reading",
        None => "not_started",
    }
}

fn count(counts: &mut ReportCounts, state: &str) {
    counts.members += 1;
    match state {
        "read" => counts.read += 1,
        "reading" => counts.reading += 1,
        _ => counts.not_started += 1,
    }
}

/// Who has read an assignment, per child unit of `unit_id` (default: the assigned unit), and
/// per member when that unit is a cell.
pub async fn report(db: &DatabaseConnection, user: &SessionUser, assignment_id: i64, unit_id: Option<i64>) -> AppResult<ReadingReport> {
    let a = assignment::Entity::find_by_id(assignment_id).one(db).await?.ok_or_else(|| AppError::NotFound("việc giao đọc".into()))?;
    let unit_id = match unit_id {
        Some(unit_id) => unit_id,
        // The viewer's own part of a campaign wider than their scope.
        None => crate::common::report::viewers_part(db, user, a.unit_id).await?,
    };
    authorize(db, user, Action::ListMembers(unit_id)).await?;
    // The unit must lie inside the assigned subtree (or contain it).
    if !crate::auth::service::in_any_subtree(db, &[a.unit_id], unit_id).await? {
        return Err(AppError::NotFound("đơn vị trong phạm vi giao đọc".into()));
    }
    let unit = find_unit(db, unit_id).await?;
    let doc = find_document(db, a.document_id).await?;
    let members: Vec<(i64, String, i64)> = member::Entity::find()
        .select_only()
        .column(member::Column::Id)
        .column(member::Column::FullName)
        .column(member::Column::UnitId)
        .join(JoinType::InnerJoin, crate::db::entities::joins::member_ancestors())
        .filter(unit_closure::Column::AncestorId.eq(unit_id))
        .filter(member::Column::Status.eq("active"))
        .order_by_asc(member::Column::SortKey)
        .into_tuple()
        .all(db)
        .await?;
    let statuses: HashMap<i64, reading_status::Model> = reading_status::Entity::find()
        .filter(reading_status::Column::DocumentId.eq(a.document_id))
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.member_id, s))
        .collect();
    // Which child each cell sits under.
    let (children, child_of) = crate::units::service::children_and_their_subtrees(db, unit_id).await?;
    let mut totals = ReportCounts::default();
    let mut per_child: HashMap<i64, ReportCounts> = HashMap::new();
    let mut per_cell: HashMap<i64, ReportCounts> = HashMap::new();
    let mut member_rows = Vec::new();
    let holds_members = crate::units::service::kind_of(&unit).holds_members();
    for (id, name, cell) in members {
        let status = statuses.get(&id);
        let state = classify(status);
        count(&mut totals, state);
        count(per_cell.entry(cell).or_default(), state);
        if let Some(child) = child_of.get(&cell) {
            count(per_child.entry(*child).or_default(), state);
        }
        if holds_members {
            member_rows.push(MemberReading {
                member_id: id,
                full_name: name,
                state: state.to_string(),
                percent_seen: status
                    .filter(|s| s.total_sections > 0)
                    .map(|s| i64::from(s.seen_sections) * 100 / i64::from(s.total_sections))
                    .unwrap_or(0),
            });
        }
    }
    let past_due = a.due_on < crate::common::time::today();
    let overdue = if past_due { overdue_cells(db, per_cell).await? } else { Vec::new() };
    Ok(ReadingReport {
        overdue,
        past_due,
        assignment_id,
        document: crate::documents::service::summary(&doc),
        unit: UnitRef { id: unit.id, name: unit.name },
        due_on: a.due_on,
        totals,
        rows: children
            .into_iter()
            .map(|unit| { let counts = per_child.remove(&unit.id).unwrap_or_default(); ReportRow { unit, counts } })
            .collect(),
        members: member_rows,
    })
}

/// Cells with members who have not confirmed, the most behind first (at most 200 rows).
async fn overdue_cells(db: &DatabaseConnection, per_cell: HashMap<i64, ReportCounts>) -> AppResult<Vec<OverdueRow>> {
    let mut behind: Vec<(i64, ReportCounts)> = per_cell.into_iter().filter(|(_, c)| c.members > c.read).collect();
    behind.sort_by(|a, b| (b.1.members - b.1.read).cmp(&(a.1.members - a.1.read)).then(a.0.cmp(&b.0)));
    behind.truncate(200);
    let names = unit_names(db, behind.iter().map(|(id, _)| *id)).await?;
    Ok(behind
        .into_iter()
        .map(|(id, c)| OverdueRow {
            cell: UnitRef { id, name: names.get(&id).cloned().unwrap_or_default() },
            members: c.members,
            not_read: c.members - c.read,
        })
        .collect())
}

/// Due date check used by reports: "overdue" means past due and not confirmed.
pub fn is_overdue(due_on: NaiveDate, confirmed: bool) -> bool {
    !confirmed && due_on < crate::common::time::today()
}
