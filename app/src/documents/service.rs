//! Documents on the server: who may see what, importing structured text, publishing.

use std::collections::HashSet;
use std::sync::Arc;

use chrono::{NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, JoinType, QueryFilter,
    QueryOrder, QuerySelect, Set, TransactionTrait,
};

use super::search::meaning::Embeddings;
use super::search::{self, SearchIndex, Visibility, section_label};
use super::structure::parse;
use super::{DocumentSummary, DocumentView, LibraryPage, SearchFilters, SearchHit, SectionView};
use crate::auth::service::{Action, authorize};
use crate::auth::SessionUser;
use crate::common::rate_limit;
use crate::db::entities::{document, document_audience, document_section, document_version, unit_closure};
use crate::db::fold::fold;
use crate::error::{AppError, AppResult};

pub fn summary(d: &document::Model) -> DocumentSummary {
    DocumentSummary {
        id: d.id,
        number: d.number.clone(),
        title: d.title.clone(),
        doc_type: d.doc_type.clone(),
        level: d.level.clone(),
        issuer: d.issuer.clone(),
        issued_on: d.issued_on,
        status: d.status.clone(),
        published: d.published,
    }
}

/// Documents this user may open: published ones addressed to everyone, to a unit above their
/// cell, or to a unit inside a subtree they manage; plus drafts owned inside that subtree.
pub async fn visible_ids(db: &impl ConnectionTrait, user: &SessionUser) -> AppResult<HashSet<i64>> {
    match crate::state::RequestCache::current() {
        // Once per request: a document page asks four times (page, marks, progress, quiz).
        Some(cache) => cache.visible(crate::state::VisibleFor::of(user), || lookup_visible_ids(db, user)).await,
        None => lookup_visible_ids(db, user).await,
    }
}

async fn lookup_visible_ids(db: &impl ConnectionTrait, user: &SessionUser) -> AppResult<HashSet<i64>> {
    let mut ids: HashSet<i64> = document::Entity::find()
        .select_only()
        .column(document::Column::Id)
        .filter(document::Column::Published.eq(true))
        .filter(document::Column::AudienceAll.eq(true))
        .into_tuple::<i64>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    // Addressed to a unit that contains the member's cell.
    ids.extend(published_for_audience(db, unit_closure::Column::AncestorId, unit_closure::Column::DescendantId.eq(user.cell_id)).await?);
    let scopes = user.committee_scopes();
    if !scopes.is_empty() {
        // Addressed to a unit inside a subtree the user manages.
        ids.extend(
            published_for_audience(db, unit_closure::Column::DescendantId, unit_closure::Column::AncestorId.is_in(scopes.clone()))
                .await?,
        );
        // Drafts and published documents owned inside the subtree.
        let owned: Vec<i64> = document::Entity::find()
            .select_only()
            .column(document::Column::Id)
            .join(
                JoinType::InnerJoin,
                document::Entity::belongs_to(unit_closure::Entity)
                    .from(document::Column::OwnerUnitId)
                    .to(unit_closure::Column::DescendantId)
                    .into(),
            )
            .filter(unit_closure::Column::AncestorId.is_in(scopes))
            .into_tuple::<i64>()
            .all(db)
            .await?;
        ids.extend(owned);
    }
    Ok(ids)
}

/// What this user may find in search: the units containing their cell and the committees they sit
/// on (the rule of [`visible_ids`] for published documents, checked inside the search engine).
pub async fn visibility(db: &impl ConnectionTrait, user: &SessionUser) -> AppResult<Visibility> {
    let above: Vec<i64> = unit_closure::Entity::find()
        .select_only()
        .column(unit_closure::Column::AncestorId)
        .filter(unit_closure::Column::DescendantId.eq(user.cell_id))
        .into_tuple::<i64>()
        .all(db)
        .await?;
    Ok(Visibility::reader(above, user.committee_scopes()))
}

/// Published documents whose audience unit, joined to the closure table on `audience_is`, passes
/// `condition` (e.g. audience is an ancestor of the member's cell).
async fn published_for_audience(
    db: &impl ConnectionTrait,
    audience_is: unit_closure::Column,
    condition: sea_orm::sea_query::SimpleExpr,
) -> AppResult<Vec<i64>> {
    Ok(document_audience::Entity::find()
        .select_only()
        .column(document_audience::Column::DocumentId)
        .join(
            JoinType::InnerJoin,
            document_audience::Entity::belongs_to(unit_closure::Entity)
                .from(document_audience::Column::UnitId)
                .to(audience_is)
                .into(),
        )
        .join(
            JoinType::InnerJoin,
            document_audience::Entity::belongs_to(document::Entity)
                .from(document_audience::Column::DocumentId)
                .to(document::Column::Id)
                .into(),
        )
        .filter(document::Column::Published.eq(true))
        .filter(condition)
        .into_tuple::<i64>()
        .all(db)
        .await?)
}

/// The hits of a search (the library's box, the API): the engine's ranking, reordered by meaning
/// among the first documents when a sentence encoder is configured.
pub async fn search_hits(
    db: &DatabaseConnection,
    index: &SearchIndex,
    meaning: Option<&Embeddings>,
    filters: &SearchFilters,
    visible: &Visibility,
    limit: usize,
) -> AppResult<Vec<SearchHit>> {
    let Some(endpoint) = meaning else { return index.search(filters, visible, limit) };
    // Enough hits to hold the candidates (at most three hits per document).
    let mut hits = index.search(filters, visible, limit.max(search::meaning::CANDIDATES * 3))?;
    search::meaning::rerank(db, endpoint, &filters.q, &mut hits).await?;
    hits.truncate(limit);
    Ok(hits)
}

pub async fn library(
    db: &DatabaseConnection,
    index: &SearchIndex,
    meaning: Option<&Embeddings>,
    user: &SessionUser,
    filters: &SearchFilters,
) -> AppResult<LibraryPage> {
    if !filters.q.trim().is_empty() {
        rate_limit::hit(db, &rate_limit::SEARCH_LIMIT, user.member_id).await?;
        let hits = search_hits(db, index, meaning, filters, &visibility(db, user).await?, 30).await?;
        return Ok(LibraryPage { documents: Vec::new(), hits, searched: true });
    }
    let visible = visible_ids(db, user).await?;
    let mut query = document::Entity::find().filter(document::Column::Id.is_in(visible.iter().copied()));
    if let Some(t) = &filters.doc_type {
        query = query.filter(document::Column::DocType.eq(t.as_str()));
    }
    if let Some(l) = &filters.level {
        query = query.filter(document::Column::Level.eq(l.as_str()));
    }
    if let Some(s) = &filters.status {
        query = query.filter(document::Column::Status.eq(s.as_str()));
    }
    if let Some(y) = filters.year {
        let (from, to) = (NaiveDate::from_ymd_opt(y, 1, 1), NaiveDate::from_ymd_opt(y + 1, 1, 1));
        if let (Some(from), Some(to)) = (from, to) {
            query = query.filter(document::Column::IssuedOn.gte(from)).filter(document::Column::IssuedOn.lt(to));
        }
    }
    let mut docs = query
        .order_by_desc(document::Column::IssuedOn)
        .order_by_asc(document::Column::Id)
        .all(db)
        .await?;
    // Issuer names are matched like search: without diacritics, any part of the name.
    if let Some(issuer) = filters.issuer.as_deref().map(fold) {
        docs.retain(|d| fold(&d.issuer).contains(&issuer));
    }
    Ok(LibraryPage { documents: docs.iter().map(summary).collect(), hits: Vec::new(), searched: false })
}

pub async fn find_document(db: &impl ConnectionTrait, id: i64) -> AppResult<document::Model> {
    document::Entity::find_by_id(id).one(db).await?.ok_or_else(|| AppError::NotFound("tài liệu".into()))
}

/// The document, if this user may read it; the one refusal every reader-side action shares.
pub async fn readable_document(db: &impl ConnectionTrait, user: &SessionUser, id: i64) -> AppResult<document::Model> {
    let doc = find_document(db, id).await?;
    if !visible_ids(db, user).await?.contains(&id) {
        return Err(not_for_you());
    }
    Ok(doc)
}

pub fn not_for_you() -> AppError {
    AppError::Forbidden("Tài liệu này không được phổ biến đến đồng chí.".into())
}

/// A document version as every reader gets it: its sections, the same without their text (the
/// reading page's outline), and the body rendered as HTML once.
pub struct VersionBody {
    pub sections: Vec<SectionView>,
    pub outline: Vec<SectionView>,
    pub html: String,
}

impl VersionBody {
    fn new(sections: Vec<SectionView>) -> VersionBody {
        let html = super::body::render(&sections);
        let outline = sections.iter().map(|s| SectionView { body: String::new(), ..s.clone() }).collect();
        VersionBody { sections, outline, html }
    }
}

/// Each document version as readers see it — the same for every reader — kept in memory so a
/// page view neither fetches and decodes the whole text again nor renders it again. Keyed by
/// the document's id, version and last change: every save of the text bumps the version in the
/// transaction that rewrites the sections, so an entry is never stale, on this server or any
/// other sharing the database.
pub struct SectionCache {
    cache: quick_cache::sync::Cache<(i64, i32, i64), Arc<VersionBody>, TextWeight>,
}

/// Weighs an entry by its text and HTML, so the cache holds a bounded number of bytes.
#[derive(Clone)]
struct TextWeight;

impl quick_cache::Weighter<(i64, i32, i64), Arc<VersionBody>> for TextWeight {
    fn weight(&self, _key: &(i64, i32, i64), body: &Arc<VersionBody>) -> u64 {
        let strings = |s: &SectionView| (s.body.len() + s.heading.len() + s.label.len() + s.anchor.len() + s.kind.len() + 160) as u64;
        let sections: u64 = body.sections.iter().chain(&body.outline).map(strings).sum();
        (sections + body.html.len() as u64).max(1)
    }
}

impl SectionCache {
    /// At most `megabytes` of section text and HTML.
    pub fn new(megabytes: u64) -> Self {
        Self { cache: quick_cache::sync::Cache::with_weighter(256, megabytes * 1024 * 1024, TextWeight) }
    }

    async fn get_or_load(&self, db: &impl ConnectionTrait, doc: &document::Model) -> AppResult<Arc<VersionBody>> {
        let key = (doc.id, doc.version, doc.updated_at.timestamp_micros());
        if let Some(hit) = self.cache.get(&key) {
            return Ok(hit);
        }
        let loaded = Arc::new(VersionBody::new(load_sections(db, doc.id).await?));
        self.cache.insert(key, loaded.clone());
        Ok(loaded)
    }
}

impl Default for SectionCache {
    fn default() -> Self {
        Self::new(64)
    }
}

/// A document's sections in reading order, each with its depth in the tree.
async fn load_sections(db: &impl ConnectionTrait, id: i64) -> AppResult<Vec<SectionView>> {
    let rows = document_section::Entity::find()
        .filter(document_section::Column::DocumentId.eq(id))
        .order_by_asc(document_section::Column::Ordinal)
        .all(db)
        .await?;
    let parents: std::collections::HashMap<i64, Option<i64>> = rows.iter().map(|r| (r.id, r.parent_id)).collect();
    let depth_of = |row: &document_section::Model| {
        let mut depth = 0u8;
        let mut parent = row.parent_id;
        while let Some(p) = parent {
            depth += 1;
            parent = parents.get(&p).copied().flatten();
            if depth > 8 {
                break;
            }
        }
        depth
    };
    Ok(rows
        .iter()
        .map(|r| SectionView {
            id: r.id,
            kind: r.kind.clone(),
            anchor: r.anchor.clone(),
            label: section_label(&r.kind, &r.number, &r.heading),
            heading: r.heading.clone(),
            body: r.body.clone(),
            depth: depth_of(r),
        })
        .collect())
}

/// A document with every section's text, for a reader who may open it.
pub async fn view(
    db: &DatabaseConnection,
    index: &SearchIndex,
    sections: &SectionCache,
    user: &SessionUser,
    id: i64,
) -> AppResult<DocumentView> {
    let (mut view, body) = assemble(db, index, sections, user, id).await?;
    view.sections = body.sections.clone();
    Ok(view)
}

/// A document as the reading page shows it: sections without their text, and the body as HTML.
pub async fn reader_view(
    db: &DatabaseConnection,
    index: &SearchIndex,
    sections: &SectionCache,
    user: &SessionUser,
    id: i64,
) -> AppResult<super::ReaderDocument> {
    let (mut view, body) = assemble(db, index, sections, user, id).await?;
    view.sections = body.outline.clone();
    Ok(super::ReaderDocument { view, body_html: body.html.clone() })
}

/// Everything about the document but its sections (left empty), and its version's body.
async fn assemble(
    db: &DatabaseConnection,
    index: &SearchIndex,
    sections: &SectionCache,
    user: &SessionUser,
    id: i64,
) -> AppResult<(DocumentView, Arc<VersionBody>)> {
    let doc = find_document(db, id).await?;
    let visible = visible_ids(db, user).await?;
    if !visible.contains(&id) {
        return Err(if doc.published {
            AppError::Forbidden("Tài liệu này không được phổ biến đến đơn vị của đồng chí.".into())
        } else {
            AppError::NotFound("tài liệu".into())
        });
    }
    let body = sections.get_or_load(db, &doc).await?;
    // The replacement is named only to those who may open it: a draft that will replace this
    // document is still the committee's business.
    let superseded_by = match doc.superseded_by {
        Some(next) if visible.contains(&next) => document::Entity::find_by_id(next).one(db).await?.map(|d| summary(&d)),
        _ => None,
    };
    let can_manage = authorize(db, user, Action::ManageDocument(doc.owner_unit_id)).await.is_ok();
    // Filtered here, not with `IN (every visible id)`: a national library has tens of thousands.
    let replaces: Vec<document::Model> = document::Entity::find()
        .filter(document::Column::SupersededBy.eq(id))
        .all(db)
        .await?
        .into_iter()
        .filter(|d| visible.contains(&d.id))
        .collect();
    let view = DocumentView {
        summary: summary(&doc),
        effective_on: doc.effective_on,
        topics: doc.topics.clone(),
        source: doc.source.clone(),
        sections: Vec::new(),
        superseded_by,
        replaces: replaces.iter().map(summary).collect(),
        related: related(db, index, &doc, user).await?,
        attachments: super::authoring::attachments_of(db, id).await?,
        version: doc.version,
        can_manage,
    };
    Ok((view, body))
}

/// Up to five other documents the reader may open, ranked by how well they match this one's
/// title and topics (the same BM25 index as search).
async fn related(
    db: &impl ConnectionTrait,
    index: &SearchIndex,
    doc: &document::Model,
    user: &SessionUser,
) -> AppResult<Vec<DocumentSummary>> {
    let others = visibility(db, user).await?.without(std::iter::once(doc.id).chain(doc.superseded_by));
    let filters = SearchFilters { q: format!("{} {}", doc.title, doc.topics).chars().take(300).collect(), ..Default::default() };
    let mut ids: Vec<i64> = Vec::new();
    for hit in index.search_without_snippets(&filters, &others, 40)? {
        if !ids.contains(&hit.document_id) {
            ids.push(hit.document_id);
        }
        if ids.len() == 5 {
            break;
        }
    }
    let docs = document::Entity::find().filter(document::Column::Id.is_in(ids.clone())).all(db).await?;
    Ok(ids.iter().filter_map(|id| docs.iter().find(|d| d.id == *id)).map(summary).collect())
}

/// Publishing makes a draft visible (and searchable) at once; unpublishing hides it at once.
pub async fn set_published(
    db: &DatabaseConnection,
    index: &SearchIndex,
    user: &SessionUser,
    id: i64,
    published: bool,
) -> AppResult<()> {
    let doc = find_document(db, id).await?;
    authorize(db, user, Action::ManageDocument(doc.owner_unit_id)).await?;
    if published {
        // Domain rule: a draft under consultation is not issued while members comment on it.
        crate::consultations::service::ensure_draft_unlocked(db, id).await?;
    }
    let mut active: document::ActiveModel = doc.into();
    active.published = Set(published);
    active.published_at = Set(published.then(Utc::now));
    active.updated_at = Set(Utc::now());
    let txn = db.begin().await?;
    active.update(&txn).await?;
    super::search::note_change(&txn, id).await?;
    txn.commit().await?;
    index.refresh(db, id).await;
    Ok(())
}

/// Metadata that comes with an imported text.
#[derive(Debug, Clone)]
pub struct ImportMeta {
    pub number: String,
    pub title: String,
    pub doc_type: String,
    pub level: String,
    pub issuer: String,
    pub issued_on: Option<NaiveDate>,
    pub topics: String,
    pub owner_unit_id: i64,
    pub audience_all: bool,
    pub published: bool,
    pub source: String,
}

pub fn checksum(text: &str) -> String {
    crate::common::sha256_hex(text.as_bytes())
}

/// Stores a document and its parsed structure in one transaction. Returns `None` when the same
/// text was imported before.
pub async fn import_text(db: &DatabaseConnection, meta: &ImportMeta, text: &str) -> AppResult<Option<i64>> {
    let sum = checksum(text);
    if document::Entity::find().filter(document::Column::Checksum.eq(sum.as_str())).one(db).await?.is_some() {
        return Ok(None);
    }
    let parsed = parse(text);
    if parsed.is_empty() {
        return Err(AppError::invalid("text", "Không đọc được nội dung văn bản."));
    }
    let now = Utc::now();
    let txn = db.begin().await?;
    let doc = document::ActiveModel {
        number: Set(meta.number.clone()),
        folded_title: Set(fold(&meta.title)),
        title: Set(meta.title.clone()),
        doc_type: Set(meta.doc_type.clone()),
        level: Set(meta.level.clone()),
        issuer: Set(meta.issuer.clone()),
        issued_on: Set(meta.issued_on),
        effective_on: Set(meta.issued_on),
        status: Set("in_force".into()),
        superseded_by: Set(None),
        topics: Set(meta.topics.clone()),
        owner_unit_id: Set(meta.owner_unit_id),
        audience_all: Set(meta.audience_all),
        published: Set(meta.published),
        published_at: Set(meta.published.then_some(now)),
        version: Set(1),
        checksum: Set(sum),
        source: Set(meta.source.clone()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    super::authoring::sync_sections(&txn, doc.id, &parsed).await?;
    document_version::ActiveModel {
        document_id: Set(doc.id),
        version: Set(1),
        title: Set(meta.title.clone()),
        number: Set(meta.number.clone()),
        text: Set(text.to_string()),
        change_note: Set(if meta.source.is_empty() { "Nhập văn bản".into() } else { meta.source.clone() }),
        edited_by: Set(None),
        edited_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    super::search::note_change(&txn, doc.id).await?;
    txn.commit().await?;
    Ok(Some(doc.id))
}
