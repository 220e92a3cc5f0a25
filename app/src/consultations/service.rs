//! Who is asked is fixed when a consultation opens (one invitee row each, like announcement
//! receipts); the draft is locked while it is open so every comment refers to the text members
//! read; a comment is keyed by its device-made id, so a resend or an edit never duplicates it.

use std::collections::{HashMap, HashSet};

use chrono::{Duration, NaiveDate, Utc};
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
    Set, TransactionTrait,
};

use super::{
    ArticleGroup, CommentView, DigestView, ConsultationForm, ConsultationSummary, ConsultationView, ConsultationsData,
    DigestComment, DraftArticle, DraftChoice, NewConsultationView, STANCES, UnitParticipation,
};
use crate::announcements::AUDIENCES;
// Domain dependencies: a consultation invites an announcement's audience, and its comments
// point at the draft's articles.
use crate::announcements::service::recipients;
use crate::auth::SessionUser;
use crate::auth::service::{Action, authorize, unit_names};
use crate::db::entities::{consultation, consultation_comment, consultation_invitee, document, document_section, member, unit_closure};
use crate::common::label_of;
use crate::documents::search::section_label;
use crate::documents::service::find_document;
use crate::error::{AppError, AppResult};
use crate::notifications::service::notify;
use crate::common::client_id::valid as valid_client_id;
use crate::spreadsheet::{Cell, Sheet, text};
use crate::units::UnitRef;
use crate::units::service::children_and_their_subtrees;
use crate::common::time::today;
use crate::validate::{Checks, format_date, format_datetime};

/// The longest a consultation may run.
const MAX_DAYS: i64 = 180;
/// A member's comments on one draft; more is abuse, not consultation.
const MAX_COMMENTS_PER_MEMBER: u64 = 300;
const GENERAL_LABEL: &str = "Góp ý chung về dự thảo";

pub fn is_open(c: &consultation::Model, today: NaiveDate) -> bool {
    c.closed_at.is_none() && today <= c.closes_on
}

fn status_text(c: &consultation::Model, today: NaiveDate) -> String {
    if !is_open(c, today) {
        return "Đã kết thúc".into();
    }
    match (c.closes_on - today).num_days() {
        0 => "Hạn chót hôm nay".into(),
        days => format!("Còn {days} ngày"),
    }
}

fn not_found() -> AppError {
    AppError::NotFound("đợt lấy ý kiến".into())
}

async fn find(db: &impl ConnectionTrait, id: i64) -> AppResult<consultation::Model> {
    consultation::Entity::find_by_id(id).one(db).await?.ok_or_else(not_found)
}

/// The consultation running on a document, if any.
pub async fn open_on(db: &impl ConnectionTrait, document_id: i64) -> AppResult<Option<consultation::Model>> {
    Ok(consultation::Entity::find()
        .filter(consultation::Column::DocumentId.eq(document_id))
        .filter(consultation::Column::ClosedAt.is_null())
        .filter(consultation::Column::ClosesOn.gte(today()))
        .one(db)
        .await?)
}

/// Editing or issuing a draft while members comment on it would make their comments point at
/// text they never read: refused until the consultation ends.
pub async fn ensure_draft_unlocked(db: &impl ConnectionTrait, document_id: i64) -> AppResult<()> {
    match open_on(db, document_id).await? {
        Some(c) => Err(AppError::Conflict(format!(
            "Dự thảo đang được lấy ý kiến đến hết ngày {}; hãy kết thúc đợt lấy ý kiến trước khi sửa hoặc ban hành.",
            format_date(c.closes_on)
        ))),
        None => Ok(()),
    }
}

/// "Điều 3. Chế độ làm việc": the label members see and comments keep.
fn full_label(s: &document_section::Model) -> String {
    let label = section_label(&s.kind, &s.number, &s.heading);
    if s.heading.is_empty() || s.heading == label || !matches!(s.kind.as_str(), "article" | "chapter" | "part" | "section") {
        label
    } else {
        format!("{label}. {}", s.heading)
    }
}

/// The draft as members comment on it: one entry per article (clauses and points folded into
/// its text), or per section with text when the draft has no articles.
pub fn articles(sections: &[document_section::Model]) -> Vec<DraftArticle> {
    let has_articles = sections.iter().any(|s| s.kind == "article");
    let lines = |body: &str| body.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_string).collect::<Vec<_>>();
    let mut out: Vec<DraftArticle> = Vec::new();
    let mut chapter: Option<String> = None;
    for s in sections {
        match s.kind.as_str() {
            "article" => out.push(DraftArticle { anchor: s.anchor.clone(), label: full_label(s), chapter: chapter.take(), paragraphs: lines(&s.body) }),
            "part" | "chapter" | "section" if has_articles => {
                chapter = Some(match chapter.take() {
                    Some(outer) => format!("{outer} — {}", full_label(s)),
                    None => full_label(s),
                });
            }
            "clause" | "item" if has_articles => {
                if let Some(article) = out.last_mut() {
                    let marker = if s.kind == "clause" { format!("{}.", s.number) } else { format!("{})", s.number) };
                    let heading = if s.heading.is_empty() { String::new() } else { format!(" {}", s.heading) };
                    let mut body = lines(&s.body).into_iter();
                    article.paragraphs.push(format!("{marker}{heading} {}", body.next().unwrap_or_default()).trim_end().to_string());
                    article.paragraphs.extend(body);
                }
            }
            _ if has_articles => {}
            _ if !s.body.trim().is_empty() => {
                out.push(DraftArticle { anchor: s.anchor.clone(), label: full_label(s), chapter: None, paragraphs: lines(&s.body) })
            }
            _ => {}
        }
    }
    out
}

async fn draft_articles(db: &impl ConnectionTrait, document_id: i64) -> AppResult<Vec<DraftArticle>> {
    let sections = document_section::Entity::find()
        .filter(document_section::Column::DocumentId.eq(document_id))
        .order_by_asc(document_section::Column::Ordinal)
        .all(db)
        .await?;
    Ok(articles(&sections))
}

async fn summaries(db: &impl ConnectionTrait, user: &SessionUser, rows: Vec<consultation::Model>) -> AppResult<Vec<ConsultationSummary>> {
    let docs: HashMap<i64, document::Model> = document::Entity::find()
        .filter(document::Column::Id.is_in(rows.iter().map(|c| c.document_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|d| (d.id, d))
        .collect();
    let names = unit_names(db, rows.iter().map(|c| c.unit_id)).await?;
    let mine: HashMap<i64, i64> = consultation_comment::Entity::find()
        .select_only()
        .column(consultation_comment::Column::ConsultationId)
        .column_as(consultation_comment::Column::Id.count(), "n")
        .filter(consultation_comment::Column::MemberId.eq(user.member_id))
        .filter(consultation_comment::Column::ConsultationId.is_in(rows.iter().map(|c| c.id)))
        .group_by(consultation_comment::Column::ConsultationId)
        .into_tuple::<(i64, i64)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let today = today();
    Ok(rows
        .into_iter()
        .map(|c| {
            let doc = docs.get(&c.document_id);
            ConsultationSummary {
                id: c.id,
                document_id: c.document_id,
                title: doc.map(|d| d.title.clone()).unwrap_or_default(),
                number: doc.map(|d| d.number.clone()).unwrap_or_default(),
                unit: UnitRef { id: c.unit_id, name: names.get(&c.unit_id).cloned().unwrap_or_default() },
                closes_on: format_date(c.closes_on),
                open: is_open(&c, today),
                status: status_text(&c, today),
                invitees: i64::from(c.invitees),
                my_comments: mine.get(&c.id).copied().unwrap_or(0),
            }
        })
        .collect())
}

/// Units in the subtrees of `roots`, as a subquery (a province has thousands of units).
fn subtree_of(roots: Vec<i64>) -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .column(unit_closure::Column::DescendantId)
        .from(unit_closure::Entity)
        .and_where(unit_closure::Column::AncestorId.is_in(roots))
        .to_owned()
}

pub async fn home(db: &DatabaseConnection, user: &SessionUser) -> AppResult<ConsultationsData> {
    let invited = consultation::Entity::find()
        .filter(
            consultation::Column::Id.in_subquery(
                Query::select()
                    .column(consultation_invitee::Column::ConsultationId)
                    .from(consultation_invitee::Entity)
                    .and_where(consultation_invitee::Column::MemberId.eq(user.member_id))
                    .to_owned(),
            ),
        )
        .order_by_desc(consultation::Column::ClosesOn)
        .order_by_desc(consultation::Column::Id)
        .limit(100)
        .all(db)
        .await?;
    let scopes = user.committee_scopes();
    let managed = if scopes.is_empty() {
        Vec::new()
    } else {
        consultation::Entity::find()
            .filter(consultation::Column::UnitId.in_subquery(subtree_of(scopes.clone())))
            .order_by_desc(consultation::Column::ClosesOn)
            .order_by_desc(consultation::Column::Id)
            .limit(100)
            .all(db)
            .await?
    };
    let mut invited = summaries(db, user, invited).await?;
    // Open ones first: those are the ones a member can still act on.
    invited.sort_by_key(|c| !c.open);
    Ok(ConsultationsData { invited, managed: summaries(db, user, managed).await?, can_open: !scopes.is_empty() })
}

/// What the "open a consultation" form offers: drafts this user manages that are not already
/// out for comment, and the committees they may ask from.
pub async fn new_data(db: &DatabaseConnection, user: &SessionUser) -> AppResult<NewConsultationView> {
    let scopes = user.committee_scopes();
    if scopes.is_empty() {
        return Err(AppError::Forbidden("Chỉ cấp ủy viên mới lấy ý kiến dự thảo được.".into()));
    }
    let drafts = document::Entity::find()
        .filter(document::Column::Published.eq(false))
        .filter(document::Column::OwnerUnitId.in_subquery(subtree_of(scopes.clone())))
        .order_by_desc(document::Column::UpdatedAt)
        .limit(200)
        .all(db)
        .await?;
    // One query for which of them are already out for comment, not one per draft.
    let running: HashSet<i64> = consultation::Entity::find()
        .select_only()
        .column(consultation::Column::DocumentId)
        .filter(consultation::Column::DocumentId.is_in(drafts.iter().map(|d| d.id)))
        .filter(consultation::Column::ClosedAt.is_null())
        .filter(consultation::Column::ClosesOn.gte(today()))
        .into_tuple::<i64>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let choices = drafts
        .into_iter()
        .filter(|d| !running.contains(&d.id))
        .map(|d| DraftChoice { id: d.id, label: if d.number.is_empty() { d.title } else { format!("{} — {}", d.number, d.title) } })
        .collect();
    let names = unit_names(db, scopes.iter().copied()).await?;
    Ok(NewConsultationView {
        drafts: choices,
        senders: scopes.into_iter().map(|id| UnitRef { id, name: names.get(&id).cloned().unwrap_or_default() }).collect(),
        default_closes_on: (today() + Duration::days(14)).format("%Y-%m-%d").to_string(),
    })
}

/// Opens the consultation: one invitee row and one inbox notification per member asked.
pub async fn open(db: &DatabaseConnection, user: &SessionUser, form: &ConsultationForm) -> AppResult<i64> {
    authorize(db, user, Action::ManageDocument(form.unit_id)).await?;
    let doc = find_document(db, form.document_id).await?;
    authorize(db, user, Action::ManageDocument(doc.owner_unit_id)).await?;
    let mut checks = Checks::new();
    if doc.published {
        checks.fail("document_id", "Chỉ lấy ý kiến được đối với dự thảo (tài liệu chưa ban hành).");
    }
    if !AUDIENCES.iter().any(|(a, _)| *a == form.audience) {
        checks.fail("audience", "Vui lòng chọn đối tượng lấy ý kiến.");
    }
    let today = today();
    let closes_on = checks.date("closes_on", &form.closes_on, "hạn góp ý");
    if let Some(day) = closes_on
        && (day < today || day > today + Duration::days(MAX_DAYS)) {
            checks.fail("closes_on", format!("Hạn góp ý phải từ hôm nay đến trong vòng {MAX_DAYS} ngày."));
        }
    let intro = form.intro.trim().to_string();
    if intro.chars().count() > 5000 {
        checks.fail("intro", "Lời đề nghị không được dài quá 5000 ký tự.");
    }
    checks.finish()?;
    let closes_on = closes_on.ok_or(AppError::Internal)?;
    if let Some(running) = open_on(db, doc.id).await? {
        return Err(AppError::Conflict(format!("Dự thảo này đang được lấy ý kiến đến hết ngày {}.", format_date(running.closes_on))));
    }
    if draft_articles(db, doc.id).await?.is_empty() {
        return Err(AppError::invalid("document_id", "Dự thảo chưa có nội dung để góp ý."));
    }
    let invitees = recipients(db, form.unit_id, &form.audience).await?;
    if invitees.is_empty() {
        return Err(AppError::invalid("audience", "Không có đảng viên nào thuộc đối tượng lấy ý kiến này."));
    }
    let txn = db.begin().await?;
    let row = consultation::ActiveModel {
        document_id: Set(doc.id),
        document_version: Set(doc.version),
        unit_id: Set(form.unit_id),
        audience: Set(form.audience.clone()),
        intro: Set(intro),
        closes_on: Set(closes_on),
        closed_at: Set(None),
        invitees: Set(invitees.len() as i32),
        created_by: Set(user.member_id),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let title = format!("Xin ý kiến dự thảo: {} (đến hết ngày {})", doc.title, format_date(closes_on));
    for chunk in invitees.chunks(5000) {
        consultation_invitee::Entity::insert_many(
            chunk.iter().map(|m| consultation_invitee::ActiveModel { consultation_id: Set(row.id), member_id: Set(*m) }),
        )
        .exec_without_returning(&txn)
        .await?;
        notify(&txn, chunk, "consultation", &title, &format!("/xin-y-kien/{}", row.id)).await?;
    }
    txn.commit().await?;
    Ok(row.id)
}

async fn is_invitee(db: &impl ConnectionTrait, id: i64, member_id: i64) -> AppResult<bool> {
    Ok(consultation_invitee::Entity::find_by_id((id, member_id)).one(db).await?.is_some())
}

fn comment_view(c: consultation_comment::Model) -> CommentView {
    CommentView {
        client_id: c.client_id,
        anchor: c.section_anchor,
        label: c.section_label,
        stance: c.stance,
        body: c.body,
        updated_at: format_datetime(c.updated_at),
    }
}

/// The draft with the member's own comments; the asking committee may open it too.
pub async fn view(db: &DatabaseConnection, user: &SessionUser, id: i64) -> AppResult<ConsultationView> {
    let c = find(db, id).await?;
    let invitee = is_invitee(db, id, user.member_id).await?;
    let can_manage = authorize(db, user, Action::ManageDocument(c.unit_id)).await.is_ok();
    if !invitee && !can_manage {
        return Err(not_found());
    }
    let mine = consultation_comment::Entity::find()
        .filter(consultation_comment::Column::ConsultationId.eq(id))
        .filter(consultation_comment::Column::MemberId.eq(user.member_id))
        .order_by_asc(consultation_comment::Column::Id)
        .all(db)
        .await?;
    let asked_by = member::Entity::find_by_id(c.created_by).one(db).await?.map(|m| m.full_name).unwrap_or_default();
    let can_comment = invitee && is_open(&c, today());
    let articles = draft_articles(db, c.document_id).await?;
    let audience = label_of(&AUDIENCES, &c.audience);
    let intro = c.intro.clone();
    let summary = summaries(db, user, vec![c]).await?.into_iter().next().ok_or(AppError::Internal)?;
    Ok(ConsultationView {
        summary,
        intro,
        audience,
        asked_by,
        articles,
        mine: mine.into_iter().map(comment_view).collect(),
        can_comment,
        can_manage,
    })
}

/// Writes a comment, or rewrites it when the same `client_id` comes again (an edit, or a resend
/// after a lost answer).
pub async fn save_comment(
    db: &DatabaseConnection,
    user: &SessionUser,
    id: i64,
    client_id: &str,
    anchor: &str,
    stance: &str,
    body: &str,
) -> AppResult<CommentView> {
    if !valid_client_id(client_id) {
        return Err(crate::common::client_id::rejected());
    }
    let c = find(db, id).await?;
    if !is_invitee(db, id, user.member_id).await? {
        return Err(not_found());
    }
    if !is_open(&c, today()) {
        return Err(AppError::Conflict(format!("Đợt lấy ý kiến đã kết thúc (hạn chót {}); không nhận thêm góp ý.", format_date(c.closes_on))));
    }
    let mut checks = Checks::new();
    if !STANCES.iter().any(|(s, _)| *s == stance) {
        checks.fail("stance", "Vui lòng chọn: nhất trí, đề nghị sửa đổi, bổ sung hoặc ý kiến khác.");
    }
    let body = body.trim();
    match body.chars().count() {
        n if n < 5 && stance != "agree" => checks.fail("body", "Vui lòng ghi nội dung góp ý (ít nhất 5 ký tự)."),
        5_001.. => checks.fail("body", "Nội dung góp ý không được dài quá 5000 ký tự."),
        _ => {}
    }
    let label = if anchor.is_empty() {
        Some(GENERAL_LABEL.to_string())
    } else {
        draft_articles(db, c.document_id).await?.into_iter().find(|a| a.anchor == anchor).map(|a| a.label)
    };
    if label.is_none() {
        checks.fail("anchor", "Điều được góp ý không có trong dự thảo.");
    }
    checks.finish()?;
    let label: String = label.unwrap_or_default().chars().take(255).collect();
    let now = Utc::now();
    let own_comment = || {
        consultation_comment::Entity::find()
            .filter(consultation_comment::Column::ClientId.eq(client_id))
            .filter(consultation_comment::Column::MemberId.eq(user.member_id))
            .one(db)
    };
    if let Some(row) = own_comment().await? {
        if row.consultation_id != id {
            return Err(crate::common::client_id::rejected());
        }
        if row.section_anchor == anchor && row.stance == stance && row.body == body {
            return Ok(comment_view(row));
        }
        let mut active: consultation_comment::ActiveModel = row.into();
        active.section_anchor = Set(anchor.to_string());
        active.section_label = Set(label);
        active.stance = Set(stance.to_string());
        active.body = Set(body.to_string());
        active.updated_at = Set(now);
        return Ok(comment_view(active.update(db).await?));
    }
    let written = consultation_comment::Entity::find()
        .filter(consultation_comment::Column::ConsultationId.eq(id))
        .filter(consultation_comment::Column::MemberId.eq(user.member_id))
        .count(db)
        .await?;
    if written >= MAX_COMMENTS_PER_MEMBER {
        return Err(AppError::invalid("body", "Đồng chí đã gửi quá nhiều góp ý cho dự thảo này."));
    }
    let inserted = consultation_comment::ActiveModel {
        client_id: Set(client_id.to_string()),
        consultation_id: Set(id),
        member_id: Set(user.member_id),
        unit_id: Set(user.cell_id),
        section_anchor: Set(anchor.to_string()),
        section_label: Set(label),
        stance: Set(stance.to_string()),
        body: Set(body.to_string()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await;
    match inserted {
        Ok(row) => Ok(comment_view(row)),
        // Two copies of one resend raced: the first one's row is the answer.
        Err(e) => match own_comment().await? {
            Some(row) if row.consultation_id == id => Ok(comment_view(row)),
            Some(_) => Err(crate::common::client_id::rejected()),
            // Another member's row holds this id (the insert failed on it), or the database
            // failed: the same answer as a malformed id, with the cause in the log.
            None => {
                tracing::warn!(error = %e, "consultation comment not inserted");
                Err(crate::common::client_id::rejected())
            }
        },
    }
}

/// A member withdraws one of their comments while the consultation is open.
pub async fn delete_comment(db: &DatabaseConnection, user: &SessionUser, client_id: &str) -> AppResult<()> {
    let row = consultation_comment::Entity::find()
        .filter(consultation_comment::Column::ClientId.eq(client_id))
        .filter(consultation_comment::Column::MemberId.eq(user.member_id))
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound("góp ý".into()))?;
    let c = find(db, row.consultation_id).await?;
    if !is_open(&c, today()) {
        return Err(AppError::Conflict("Đợt lấy ý kiến đã kết thúc; góp ý đã gửi được giữ nguyên.".into()));
    }
    consultation_comment::Entity::delete_by_id(row.id).exec(db).await?;
    Ok(())
}

/// The committee ends the consultation before its deadline.
pub async fn close(db: &DatabaseConnection, user: &SessionUser, id: i64) -> AppResult<()> {
    let c = find(db, id).await?;
    authorize(db, user, Action::ManageDocument(c.unit_id)).await?;
    if !is_open(&c, today()) {
        return Err(AppError::Conflict("Đợt lấy ý kiến đã kết thúc.".into()));
    }
    consultation::Entity::update_many()
        .col_expr(consultation::Column::ClosedAt, Expr::value(Utc::now()))
        .filter(consultation::Column::Id.eq(id))
        .filter(consultation::Column::ClosedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// Every comment grouped by article, with counts per stance and participation per child unit:
/// for the asking committee only.
pub async fn digest(db: &DatabaseConnection, user: &SessionUser, id: i64) -> AppResult<DigestView> {
    let c = find(db, id).await?;
    if authorize(db, user, Action::ManageDocument(c.unit_id)).await.is_err() {
        return Err(AppError::Forbidden("Chỉ cấp ủy lấy ý kiến mới xem được tổng hợp góp ý.".into()));
    }
    let comments = consultation_comment::Entity::find()
        .filter(consultation_comment::Column::ConsultationId.eq(id))
        .order_by_asc(consultation_comment::Column::Id)
        .all(db)
        .await?;
    let authors: HashMap<i64, String> = member::Entity::find()
        .select_only()
        .column(member::Column::Id)
        .column(member::Column::FullName)
        .filter(member::Column::Id.is_in(comments.iter().map(|c| c.member_id).collect::<HashSet<_>>()))
        .into_tuple::<(i64, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let cells = unit_names(db, comments.iter().map(|c| c.unit_id)).await?;
    let mut groups: Vec<ArticleGroup> = std::iter::once((String::new(), GENERAL_LABEL.to_string()))
        .chain(draft_articles(db, c.document_id).await?.into_iter().map(|a| (a.anchor, a.label)))
        .map(|(anchor, label)| ArticleGroup { anchor, label, agree: 0, amend: 0, other: 0, comments: Vec::new() })
        .collect();
    let commenters: HashSet<i64> = comments.iter().map(|c| c.member_id).collect();
    let total = comments.len() as i64;
    for row in comments {
        let at = match groups.iter().position(|g| g.anchor == row.section_anchor) {
            Some(at) => at,
            None => {
                groups.push(ArticleGroup { anchor: row.section_anchor.clone(), label: row.section_label.clone(), agree: 0, amend: 0, other: 0, comments: Vec::new() });
                groups.len() - 1
            }
        };
        let group = &mut groups[at];
        match row.stance.as_str() {
            "agree" => group.agree += 1,
            "amend" => group.amend += 1,
            _ => group.other += 1,
        }
        group.comments.push(DigestComment {
            author: authors.get(&row.member_id).cloned().unwrap_or_default(),
            unit: cells.get(&row.unit_id).cloned().unwrap_or_default(),
            stance: label_of(&STANCES, &row.stance),
            body: row.body,
            at: format_datetime(row.updated_at),
        });
    }
    let by_unit = participation(db, &c, &commenters).await?;
    let summary = summaries(db, user, vec![c.clone()]).await?.into_iter().next().ok_or(AppError::Internal)?;
    Ok(DigestView { summary, invitees: i64::from(c.invitees), commenters: commenters.len() as i64, comments: total, groups, by_unit })
}

/// A consultation's invitees with their cells, in member order.
pub async fn invitees_and_cells(db: &impl ConnectionTrait, consultation_id: i64) -> Result<Vec<(i64, i64)>, sea_orm::DbErr> {
    member::Entity::find()
        .select_only()
        .column(member::Column::Id)
        .column(member::Column::UnitId)
        .filter(
            member::Column::Id.in_subquery(
                Query::select()
                    .column(consultation_invitee::Column::MemberId)
                    .from(consultation_invitee::Entity)
                    .and_where(consultation_invitee::Column::ConsultationId.eq(consultation_id))
                    .to_owned(),
            ),
        )
        .order_by_asc(member::Column::Id)
        .into_tuple()
        .all(db)
        .await
}

/// Invitees and commenters under each child unit of the asking committee.
async fn participation(db: &impl ConnectionTrait, c: &consultation::Model, commenters: &HashSet<i64>) -> AppResult<Vec<UnitParticipation>> {
    let (children, child_of) = children_and_their_subtrees(db, c.unit_id).await?;
    if children.is_empty() {
        return Ok(Vec::new());
    }
    let invitees = invitees_and_cells(db, c.id).await?;
    let mut counts: HashMap<i64, (i64, i64)> = HashMap::new();
    for (member_id, unit_id) in invitees {
        if let Some(child) = child_of.get(&unit_id) {
            let entry = counts.entry(*child).or_default();
            entry.0 += 1;
            entry.1 += i64::from(commenters.contains(&member_id));
        }
    }
    Ok(children
        .into_iter()
        .filter_map(|unit| {
            let (invitees, commenters) = counts.get(&unit.id).copied()?;
            Some(UnitParticipation { unit, invitees, commenters })
        })
        .collect())
}

/// The digest as spreadsheets: totals per article, every comment, participation per unit.
pub fn sheets(d: &DigestView) -> Vec<Sheet> {
    let header = |cells: &[&str]| cells.iter().map(|c| text(c)).collect::<Vec<Cell>>();
    let mut totals = vec![header(&["Điều", "Nhất trí", "Đề nghị sửa đổi, bổ sung", "Ý kiến khác", "Tổng số ý kiến"])];
    let mut all = vec![header(&["Điều", "Ý kiến", "Nội dung góp ý", "Đảng viên", "Chi bộ", "Thời gian"])];
    for g in &d.groups {
        totals.push(vec![
            text(&g.label),
            Cell::Number(g.agree),
            Cell::Number(g.amend),
            Cell::Number(g.other),
            Cell::Number(g.comments.len() as i64),
        ]);
        for c in &g.comments {
            all.push(vec![text(&g.label), text(&c.stance), text(&c.body), text(&c.author), text(&c.unit), text(&c.at)]);
        }
    }
    let mut units = vec![header(&["Đơn vị", "Số đảng viên được lấy ý kiến", "Số đảng viên đã góp ý"])];
    for u in &d.by_unit {
        units.push(vec![text(&u.unit.name), Cell::Number(u.invitees), Cell::Number(u.commenters)]);
    }
    vec![("Tổng hợp theo điều", totals), ("Các ý kiến góp ý", all), ("Theo đơn vị", units)]
}
