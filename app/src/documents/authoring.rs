//! Writing documents: committees create and edit documents of their subtree. Every save is a
//! new version (full text kept), sections are matched by anchor so reading progress, bookmarks
//! and notes on unchanged articles survive an edit, and the search index follows at once.

use std::collections::HashMap;

use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect, Set, TransactionTrait,
};

use super::search::SearchIndex;
use super::service::{checksum, find_document, summary};
use super::structure::{ParsedSection, parse};
use super::{AttachmentInfo, DOC_TYPES, DocumentDraft, EditorData, LEVELS, STATUSES, VersionInfo};
use crate::auth::service::{Action, authorize, in_any_subtree, unit_names};
use crate::auth::SessionUser;
use crate::db::entities::{
    bookmark, document, document_attachment, document_audience, document_section, document_version, member,
    quiz_question, reader_note, reading_event, reading_section, reading_status, unit, unit_closure,
};
use crate::db::fold::fold;
use crate::error::{AppError, AppResult};
use crate::units::UnitRef;
use crate::validate::{Checks, format_date, format_datetime};

pub const MAX_TEXT_CHARS: usize = 2_000_000;

/// One multiple-choice question of the comprehension check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuizItem {
    pub question: String,
    pub options: Vec<String>,
    pub correct: usize,
}

/// Reads the check from its text form: a question line, then its choices, "- " wrong and
/// "* " right (exactly one). Problems name the question by number.
pub fn parse_quiz(text: &str) -> Result<Vec<QuizItem>, String> {
    let mut items: Vec<(String, Vec<(String, bool)>)> = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let choice = line.strip_prefix("- ").map(|c| (c, false)).or_else(|| line.strip_prefix("* ").map(|c| (c, true)));
        match (choice, items.last_mut()) {
            (Some((c, right)), Some((_, options))) => options.push((c.trim().to_string(), right)),
            (Some(_), None) => return Err("Câu hỏi phải đứng trước các lựa chọn.".into()),
            (None, _) => items.push((line.to_string(), Vec::new())),
        }
    }
    items
        .into_iter()
        .enumerate()
        .map(|(i, (question, options))| {
            let right: Vec<usize> = options.iter().enumerate().filter(|(_, (_, r))| *r).map(|(k, _)| k).collect();
            if options.len() < 2 {
                return Err(format!("Câu {} cần ít nhất 2 lựa chọn (dòng bắt đầu bằng \"- \" hoặc \"* \").", i + 1));
            }
            if right.len() != 1 {
                return Err(format!("Câu {} phải có đúng một đáp án đúng (dòng bắt đầu bằng \"* \").", i + 1));
            }
            Ok(QuizItem { question, options: options.into_iter().map(|(c, _)| c).collect(), correct: right[0] })
        })
        .collect()
}

/// The text form of a stored check, for the editor.
fn quiz_text(questions: &[quiz_question::Model]) -> String {
    questions
        .iter()
        .map(|q| {
            let choices: Vec<String> = q
                .options
                .lines()
                .enumerate()
                .map(|(k, o)| format!("{} {o}", if k as i32 == q.correct { "*" } else { "-" }))
                .collect();
            format!("{}\n{}", q.question, choices.join("\n"))
        })
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// The body as the editor shows it: the newest version's text, or (for documents stored before
/// versions existed) the sections written back out.
async fn current_text(db: &impl ConnectionTrait, doc: &document::Model) -> AppResult<String> {
    if let Some(v) = document_version::Entity::find()
        .filter(document_version::Column::DocumentId.eq(doc.id))
        .order_by_desc(document_version::Column::Version)
        .one(db)
        .await?
    {
        return Ok(v.text);
    }
    let sections = document_section::Entity::find()
        .filter(document_section::Column::DocumentId.eq(doc.id))
        .order_by_asc(document_section::Column::Ordinal)
        .all(db)
        .await?;
    Ok(sections
        .iter()
        .map(|s| {
            let head = super::search::section_label(&s.kind, &s.number, &s.heading);
            match s.kind.as_str() {
                "preamble" => s.body.clone(),
                "article" => format!("{head}. {}\n{}", s.heading, s.body),
                "clause" | "item" => format!("{}. {}", s.number, s.body),
                _ => format!("{head}\n{}\n{}", s.heading, s.body),
            }
        })
        .collect::<Vec<_>>()
        .join("\n"))
}

pub async fn editor(db: &DatabaseConnection, user: &SessionUser, id: Option<i64>) -> AppResult<EditorData> {
    let scopes = user.committee_scopes();
    if scopes.is_empty() {
        return Err(AppError::Forbidden("Chỉ cấp ủy và quản trị viên mới soạn tài liệu.".into()));
    }
    let names = unit_names(db, scopes.iter().copied()).await?;
    let owners: Vec<UnitRef> = scopes.iter().map(|&id| UnitRef { id, name: names.get(&id).cloned().unwrap_or_default() }).collect();
    let (draft, versions, attachments) = match id {
        None => (new_draft(db, scopes[0]).await?, Vec::new(), Vec::new()),
        Some(id) => {
            let doc = find_document(db, id).await?;
            authorize(db, user, Action::ManageDocument(doc.owner_unit_id)).await?;
            (draft_of(db, &doc).await?, versions_of(db, id).await?, attachments_of(db, id).await?)
        }
    };
    let replaceable = replaceable(db, &scopes, id).await?;
    Ok(EditorData { draft, owners, replaceable, versions, attachments })
}

/// A new draft of `owner` as the editor starts it: addressed to the owner's own subtree (the
/// whole province for the province's documents). Who may save it is checked on saving.
pub async fn new_draft(db: &impl ConnectionTrait, owner: i64) -> AppResult<DocumentDraft> {
    let unit = crate::units::service::find_unit(db, owner).await?;
    Ok(DocumentDraft {
        owner_unit_id: owner,
        doc_type: "huong_dan".into(),
        level: if unit.depth == 0 { "provincial" } else { "grassroots" }.into(),
        issuer: format!("Ban Thường vụ {}", unit.name),
        status: "in_force".into(),
        audience_all: if unit.depth == 0 { "true" } else { "false" }.into(),
        audience_codes: if unit.depth == 0 { String::new() } else { unit.code },
        quiz_pass_percent: "80".into(),
        ..Default::default()
    })
}

async fn draft_of(db: &impl ConnectionTrait, doc: &document::Model) -> AppResult<DocumentDraft> {
    let audience: Vec<String> = unit::Entity::find()
        .select_only()
        .column(unit::Column::Code)
        .filter(
            unit::Column::Id.in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(document_audience::Column::UnitId)
                    .from(document_audience::Entity)
                    .and_where(document_audience::Column::DocumentId.eq(doc.id))
                    .to_owned(),
            ),
        )
        .order_by_asc(unit::Column::Code)
        .into_tuple()
        .all(db)
        .await?;
    let questions = quiz_question::Entity::find()
        .filter(quiz_question::Column::DocumentId.eq(doc.id))
        .order_by_asc(quiz_question::Column::Ordinal)
        .all(db)
        .await?;
    let supersedes: Option<i64> = document::Entity::find()
        .select_only()
        .column(document::Column::Id)
        .filter(document::Column::SupersededBy.eq(doc.id))
        .into_tuple()
        .one(db)
        .await?;
    Ok(DocumentDraft {
        id: Some(doc.id),
        owner_unit_id: doc.owner_unit_id,
        number: doc.number.clone(),
        title: doc.title.clone(),
        doc_type: doc.doc_type.clone(),
        level: doc.level.clone(),
        issuer: doc.issuer.clone(),
        issued_on: doc.issued_on.map(format_date).unwrap_or_default(),
        effective_on: doc.effective_on.map(format_date).unwrap_or_default(),
        status: doc.status.clone(),
        topics: doc.topics.clone(),
        audience_all: doc.audience_all.to_string(),
        audience_codes: audience.join(", "),
        supersedes: supersedes.map(|s| s.to_string()).unwrap_or_default(),
        text: current_text(db, doc).await?,
        quiz: quiz_text(&questions),
        quiz_pass_percent: doc.quiz_pass_percent.unwrap_or(80).to_string(),
        change_note: String::new(),
    })
}

pub async fn versions_of(db: &impl ConnectionTrait, id: i64) -> AppResult<Vec<VersionInfo>> {
    let rows = document_version::Entity::find()
        .filter(document_version::Column::DocumentId.eq(id))
        .order_by_desc(document_version::Column::Version)
        .all(db)
        .await?;
    let editors: HashMap<i64, String> = member::Entity::find()
        .select_only()
        .column(member::Column::Id)
        .column(member::Column::FullName)
        .filter(member::Column::Id.is_in(rows.iter().filter_map(|r| r.edited_by)))
        .into_tuple()
        .all(db)
        .await?
        .into_iter()
        .collect();
    Ok(rows
        .into_iter()
        .map(|r| VersionInfo {
            version: r.version,
            title: r.title,
            change_note: r.change_note,
            edited_by: r.edited_by.and_then(|m| editors.get(&m).cloned()).unwrap_or_else(|| "Nhập tự động".into()),
            edited_at: format_datetime(r.edited_at),
        })
        .collect())
}

pub async fn attachments_of(db: &impl ConnectionTrait, id: i64) -> AppResult<Vec<AttachmentInfo>> {
    Ok(document_attachment::Entity::find()
        .filter(document_attachment::Column::DocumentId.eq(id))
        .order_by_asc(document_attachment::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|a| AttachmentInfo {
            id: a.id,
            file_name: a.file_name,
            content_type: a.content_type,
            size_bytes: a.size_bytes,
            sha256: a.sha256,
        })
        .collect())
}

/// Published documents owned inside the user's subtrees, newest first (supersede choices).
async fn replaceable(db: &impl ConnectionTrait, scopes: &[i64], except: Option<i64>) -> AppResult<Vec<super::DocumentSummary>> {
    let owners = sea_orm::sea_query::Query::select()
        .column(unit_closure::Column::DescendantId)
        .from(unit_closure::Entity)
        .and_where(unit_closure::Column::AncestorId.is_in(scopes.iter().copied()))
        .to_owned();
    let docs = document::Entity::find()
        .filter(document::Column::OwnerUnitId.in_subquery(owners))
        .filter(document::Column::Published.eq(true))
        .filter(document::Column::Id.ne(except.unwrap_or(-1)))
        .order_by_desc(document::Column::IssuedOn)
        .limit(200)
        .all(db)
        .await?;
    Ok(docs.iter().map(summary).collect())
}

/// The draft, checked; every problem is reported at once against its field.
struct Checked {
    number: String,
    title: String,
    doc_type: String,
    level: String,
    issuer: String,
    issued_on: Option<chrono::NaiveDate>,
    effective_on: Option<chrono::NaiveDate>,
    status: String,
    topics: String,
    audience_all: bool,
    audience: Vec<i64>,
    supersedes: Option<document::Model>,
    sections: Vec<ParsedSection>,
    text: String,
    quiz: Vec<QuizItem>,
    quiz_pass_percent: Option<i32>,
    change_note: String,
}

async fn check(db: &impl ConnectionTrait, user: &SessionUser, draft: &DocumentDraft) -> AppResult<Checked> {
    let mut checks = Checks::new();
    let title = checks.text("title", &draft.title, "tên tài liệu", 5, 500);
    let number = checks.text("number", &draft.number, "số, ký hiệu", 0, 64);
    let issuer = checks.text("issuer", &draft.issuer, "cơ quan ban hành", 2, 255);
    let topics = checks.text("topics", &draft.topics, "chủ đề", 0, 500);
    let change_note = checks.text("change_note", &draft.change_note, "ghi chú thay đổi", 0, 500);
    let pick = |checks: &mut Checks, field: &str, value: &str, table: &[(&str, &str)], label: &str| {
        if table.iter().any(|(c, _)| *c == value) {
            value.to_string()
        } else {
            checks.fail(field, format!("Vui lòng chọn {label}."));
            String::new()
        }
    };
    let doc_type = pick(&mut checks, "doc_type", &draft.doc_type, &DOC_TYPES, "loại văn bản");
    let level = pick(&mut checks, "level", &draft.level, &LEVELS, "cấp ban hành");
    let status = pick(&mut checks, "status", &draft.status, &STATUSES, "tình trạng hiệu lực");
    let issued_on = checks.optional_date("issued_on", &draft.issued_on, "ngày ban hành");
    let effective_on = checks.optional_date("effective_on", &draft.effective_on, "ngày hiệu lực");
    if let (Some(i), Some(e)) = (issued_on, effective_on)
        && e < i {
            checks.fail("effective_on", "Ngày hiệu lực không được trước ngày ban hành.");
        }
    let text = draft.text.replace("\r\n", "\n");
    let sections = if text.trim().is_empty() {
        checks.fail("text", "Vui lòng nhập nội dung tài liệu.");
        Vec::new()
    } else if text.chars().count() > MAX_TEXT_CHARS {
        checks.fail("text", format!("Nội dung quá dài (tối đa {MAX_TEXT_CHARS} ký tự)."));
        Vec::new()
    } else {
        let parsed = parse(&text);
        if parsed.is_empty() {
            checks.fail("text", "Không đọc được nội dung văn bản.");
        }
        parsed
    };
    let quiz = match parse_quiz(&draft.quiz) {
        Ok(q) => q,
        Err(message) => {
            checks.fail("quiz", message);
            Vec::new()
        }
    };
    let quiz_pass_percent = if quiz.is_empty() {
        None
    } else {
        match draft.quiz_pass_percent.trim().parse::<i32>() {
            Ok(p) if (1..=100).contains(&p) => Some(p),
            _ => {
                checks.fail("quiz_pass_percent", "Điểm đạt là số phần trăm từ 1 đến 100.");
                None
            }
        }
    };
    // Audience: units inside the owner's subtree, so a committee never addresses strangers.
    let audience_all = draft.audience_all == "true";
    let mut audience = Vec::new();
    if !audience_all {
        let codes: Vec<String> = draft
            .audience_codes
            .split([',', ';', ' ', '\n', '\t'])
            .map(|c| c.trim().to_uppercase())
            .filter(|c| !c.is_empty())
            .collect();
        if codes.is_empty() {
            checks.fail("audience_codes", "Vui lòng nhập mã ít nhất một đơn vị nhận tài liệu.");
        }
        for code in codes {
            match unit::Entity::find().filter(unit::Column::Code.eq(code.as_str())).one(db).await? {
                Some(u) if in_any_subtree(db, &[draft.owner_unit_id], u.id).await? => audience.push(u.id),
                Some(_) => checks.fail("audience_codes", format!("Đơn vị {code} không thuộc phạm vi của đơn vị sở hữu tài liệu.")),
                None => checks.fail("audience_codes", format!("Không có đơn vị mã {code}.")),
            }
        }
        audience.sort_unstable();
        audience.dedup();
    }
    let supersedes = match draft.supersedes.trim() {
        "" => None,
        raw => match raw.parse::<i64>() {
            Ok(id) if Some(id) == draft.id => {
                checks.fail("supersedes", "Tài liệu không thể thay thế chính nó.");
                None
            }
            Ok(id) => match document::Entity::find_by_id(id).one(db).await? {
                Some(old) if authorize(db, user, Action::ManageDocument(old.owner_unit_id)).await.is_ok() => Some(old),
                _ => {
                    checks.fail("supersedes", "Chỉ chọn được văn bản do cấp ủy của đồng chí quản lý.");
                    None
                }
            },
            Err(_) => {
                checks.fail("supersedes", "Văn bản bị thay thế không hợp lệ.");
                None
            }
        },
    };
    checks.finish()?;
    Ok(Checked {
        number,
        title,
        doc_type,
        level,
        issuer,
        issued_on,
        effective_on: effective_on.or(issued_on),
        status,
        topics,
        audience_all,
        audience,
        supersedes,
        sections,
        text,
        quiz,
        quiz_pass_percent,
        change_note,
    })
}

/// Creates a document (as a draft) or saves a new version of one; returns its id.
pub async fn save(db: &DatabaseConnection, index: &SearchIndex, user: &SessionUser, draft: &DocumentDraft) -> AppResult<i64> {
    authorize(db, user, Action::ManageDocument(draft.owner_unit_id)).await?;
    let existing = match draft.id {
        Some(id) => {
            let doc = find_document(db, id).await?;
            authorize(db, user, Action::ManageDocument(doc.owner_unit_id)).await?;
            // Domain rule: a draft members are commenting on stays as they read it.
            crate::consultations::service::ensure_draft_unlocked(db, id).await?;
            Some(doc)
        }
        None => None,
    };
    let c = check(db, user, draft).await?;
    let sum = checksum(&c.text);
    if let Some(twin) = document::Entity::find().filter(document::Column::Checksum.eq(sum.as_str())).one(db).await?
        && Some(twin.id) != draft.id {
            return Err(AppError::invalid("text", format!("Nội dung trùng với tài liệu đã có: “{}”.", twin.title)));
        }
    let now = Utc::now();
    let txn = db.begin().await?;
    let mut active: document::ActiveModel = match &existing {
        Some(doc) => doc.clone().into(),
        None => document::ActiveModel {
            published: Set(false),
            published_at: Set(None),
            superseded_by: Set(None),
            version: Set(0),
            source: Set(format!("Soạn trên Sổ tay bởi {}", user.full_name)),
            created_at: Set(now),
            ..Default::default()
        },
    };
    let version = existing.as_ref().map_or(0, |d| d.version) + 1;
    active.number = Set(c.number.clone());
    active.title = Set(c.title.clone());
    active.folded_title = Set(fold(&c.title));
    active.doc_type = Set(c.doc_type);
    active.level = Set(c.level);
    active.issuer = Set(c.issuer);
    active.issued_on = Set(c.issued_on);
    active.effective_on = Set(c.effective_on);
    active.status = Set(c.status);
    active.topics = Set(c.topics);
    active.owner_unit_id = Set(draft.owner_unit_id);
    active.audience_all = Set(c.audience_all);
    active.version = Set(version);
    active.checksum = Set(sum);
    active.quiz_pass_percent = Set(c.quiz_pass_percent);
    active.updated_at = Set(now);
    let id = if existing.is_some() { active.update(&txn).await?.id } else { active.insert(&txn).await?.id };
    replace_audience(&txn, id, &c.audience).await?;
    sync_sections(&txn, id, &c.sections).await?;
    replace_quiz(&txn, id, &c.quiz).await?;
    document_version::ActiveModel {
        document_id: Set(id),
        version: Set(version),
        title: Set(c.title),
        number: Set(c.number),
        text: Set(c.text),
        change_note: Set(if c.change_note.is_empty() && version == 1 { "Tạo mới".into() } else { c.change_note }),
        edited_by: Set(Some(user.member_id)),
        edited_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let replaced = c.supersedes.as_ref().map(|old| old.id);
    if let Some(old) = c.supersedes {
        let mut old: document::ActiveModel = old.into();
        old.status = Set("superseded".into());
        old.superseded_by = Set(Some(id));
        old.updated_at = Set(now);
        old.update(&txn).await?;
    }
    super::search::note_change(&txn, id).await?;
    if let Some(old) = replaced {
        super::search::note_change(&txn, old).await?;
    }
    txn.commit().await?;
    index.refresh(db, id).await;
    if let Some(old) = replaced {
        index.refresh(db, old).await;
    }
    Ok(id)
}

async fn replace_audience(txn: &DatabaseTransaction, id: i64, units: &[i64]) -> AppResult<()> {
    document_audience::Entity::delete_many().filter(document_audience::Column::DocumentId.eq(id)).exec(txn).await?;
    if !units.is_empty() {
        document_audience::Entity::insert_many(
            units.iter().map(|&unit_id| document_audience::ActiveModel { document_id: Set(id), unit_id: Set(unit_id) }),
        )
        .exec(txn)
        .await?;
    }
    Ok(())
}

async fn replace_quiz(txn: &DatabaseTransaction, id: i64, quiz: &[QuizItem]) -> AppResult<()> {
    quiz_question::Entity::delete_many().filter(quiz_question::Column::DocumentId.eq(id)).exec(txn).await?;
    for (ordinal, q) in quiz.iter().enumerate() {
        quiz_question::ActiveModel {
            document_id: Set(id),
            ordinal: Set(ordinal as i32),
            question: Set(q.question.clone()),
            options: Set(q.options.join("\n")),
            correct: Set(q.correct as i32),
            ..Default::default()
        }
        .insert(txn)
        .await?;
    }
    Ok(())
}

/// Rewrites the document's sections. A section whose anchor (e.g. `dieu-5`) is still there
/// keeps its row, so time read, bookmarks and notes stay attached; removed sections take their
/// reading time and bookmarks with them, and their notes move to the first section.
pub async fn sync_sections(txn: &DatabaseTransaction, id: i64, parsed: &[ParsedSection]) -> AppResult<()> {
    let old: HashMap<String, i64> = document_section::Entity::find()
        .select_only()
        .column(document_section::Column::Anchor)
        .column(document_section::Column::Id)
        .filter(document_section::Column::DocumentId.eq(id))
        .into_tuple::<(String, i64)>()
        .all(txn)
        .await?
        .into_iter()
        .collect();
    let mut ids: Vec<i64> = Vec::with_capacity(parsed.len());
    for (ordinal, s) in parsed.iter().enumerate() {
        let anchor: String = s.anchor.chars().take(120).collect();
        let mut row = document_section::ActiveModel {
            document_id: Set(id),
            ordinal: Set(ordinal as i32),
            kind: Set(s.kind.as_str().into()),
            number: Set(s.number.chars().take(16).collect()),
            heading: Set(s.heading.clone()),
            body: Set(s.body.clone()),
            parent_id: Set(s.parent.and_then(|p| ids.get(p).copied())),
            words: Set((s.body.split_whitespace().count() + s.heading.split_whitespace().count()) as i32),
            anchor: Set(anchor.clone()),
            ..Default::default()
        };
        let saved = match old.get(&anchor) {
            Some(&existing) => {
                row.id = Set(existing);
                row.update(txn).await?.id
            }
            None => row.insert(txn).await?.id,
        };
        ids.push(saved);
    }
    let removed: Vec<i64> = old.values().copied().filter(|sid| !ids.contains(sid)).collect();
    if !removed.is_empty() {
        reading_event::Entity::delete_many().filter(reading_event::Column::SectionId.is_in(removed.clone())).exec(txn).await?;
        reading_section::Entity::delete_many().filter(reading_section::Column::SectionId.is_in(removed.clone())).exec(txn).await?;
        bookmark::Entity::delete_many().filter(bookmark::Column::SectionId.is_in(removed.clone())).exec(txn).await?;
        if let Some(&first) = ids.first() {
            reader_note::Entity::update_many()
                .col_expr(reader_note::Column::SectionId, Expr::value(first))
                .filter(reader_note::Column::SectionId.is_in(removed.clone()))
                .exec(txn)
                .await?;
        }
        // Children first would be needed only for the self-reference; sections have no FK on it.
        document_section::Entity::delete_many().filter(document_section::Column::Id.is_in(removed)).exec(txn).await?;
    }
    let readable = parsed.iter().filter(|s| s.body.split_whitespace().count() + s.heading.split_whitespace().count() > 0).count();
    reading_status::Entity::update_many()
        .col_expr(reading_status::Column::TotalSections, Expr::value(readable as i32))
        .filter(reading_status::Column::DocumentId.eq(id))
        .exec(txn)
        .await?;
    Ok(())
}
