//! The on-disk indexes behind search (tantivy, memory-mapped): one per kind of hit, so each
//! keeps its own BM25 statistics — *sections* (what the library lists), *passages* (an article
//! with its clauses, for the assistant), *documents* (titles and whole texts, the evidence a
//! document as a whole adds) and *faq* (the published questions and answers).
//!
//! Text is indexed as the terms this module's parent makes (folded syllables and syllable pairs,
//! a term repeated to weigh more), split on spaces: the engine never folds or splits anything
//! itself, so index and query always agree. Visibility is indexed as unit ids and checked inside
//! every query (see [`Visibility`](super::Visibility)).

use std::path::Path;
use std::sync::Mutex;

use tantivy::collector::TopDocs;
use tantivy::columnar::Column;
use tantivy::query::{BooleanQuery, BoostQuery, ConstScoreQuery, Occur, Query, TermQuery, TermSetQuery};
use tantivy::schema::{Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions, FAST};
use tantivy::tokenizer::{RemoveLongFilter, TextAnalyzer, WhitespaceTokenizer};
use tantivy::{DocAddress, Index, IndexReader, IndexWriter, ReloadPolicy, Searcher, TantivyDocument, Term};

use crate::error::{AppError, AppResult};

/// The tokenizer of every text field: the terms are made before they reach the engine.
const TERMS: &str = "terms";
/// Bytes of a term the engine keeps (a term longer than this is a blob of letters, not a word).
const MAX_TERM_BYTES: usize = 100;

/// A tantivy failure, logged with where it happened; the caller sees the usual "try again".
#[track_caller]
pub(super) fn internal(err: impl std::fmt::Display) -> AppError {
    let at = std::panic::Location::caller();
    tracing::error!(error = %err, file = at.file(), line = at.line(), "search index error");
    AppError::Internal
}

/// Runs index work that blocks (a commit writes and syncs files; indexing a long document
/// folds and splits all its text) without holding up the other requests of the runtime's worker
/// thread: on a multi-threaded runtime (the server) the worker hands its other tasks on first.
pub(super) fn blocking<T>(work: impl FnOnce() -> T) -> T {
    let multi = tokio::runtime::Handle::try_current().is_ok_and(|h| h.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread);
    if multi { tokio::task::block_in_place(work) } else { work() }
}

/// Fields every kind of entry has: which document, who may see it, and the library's filters.
#[derive(Clone, Copy)]
pub(super) struct Common {
    pub doc_id: Field,
    /// Position in the document (sections and passages), for a stable order among equals.
    pub ord: Field,
    /// 1 when addressed to every member.
    pub all: Field,
    /// The units the document is addressed to.
    pub audience: Field,
    /// Those units and every unit above them: a committee over any of them may read it.
    pub audience_path: Field,
    /// The owning unit and every unit above it.
    pub owner_path: Field,
    pub doc_type: Field,
    pub level: Field,
    pub status: Field,
    pub year: Field,
    /// The issuer's folded syllables.
    pub issuer: Field,
    pub number: Field,
    pub title: Field,
}

fn terms_field(stored: bool) -> TextOptions {
    let options = TextOptions::default()
        .set_indexing_options(TextFieldIndexing::default().set_tokenizer(TERMS).set_index_option(IndexRecordOption::WithFreqs));
    if stored { options.set_stored() } else { options }
}

impl Common {
    fn add(schema: &mut tantivy::schema::SchemaBuilder) -> Common {
        Common {
            doc_id: schema.add_i64_field("doc_id", INDEXED | FAST | STORED),
            ord: schema.add_u64_field("ord", FAST | STORED),
            all: schema.add_u64_field("all", INDEXED),
            audience: schema.add_i64_field("audience", INDEXED),
            audience_path: schema.add_i64_field("audience_path", INDEXED),
            owner_path: schema.add_i64_field("owner_path", INDEXED),
            doc_type: schema.add_text_field("doc_type", STRING),
            level: schema.add_text_field("level", STRING),
            status: schema.add_text_field("status", STRING),
            year: schema.add_i64_field("year", INDEXED),
            issuer: schema.add_text_field("issuer", terms_field(false)),
            number: schema.add_text_field("number", STORED),
            title: schema.add_text_field("title", STORED),
        }
    }
}

/// A section: what a library hit points at.
#[derive(Clone, Copy)]
pub(super) struct SectionFields {
    pub common: Common,
    /// Body terms, heading terms twice.
    pub body: Field,
    pub anchor: Field,
    pub label: Field,
    /// Heading and body as written, for the snippet.
    pub text: Field,
}

/// A passage: an article with its clauses (or a part of a document without articles).
#[derive(Clone, Copy)]
pub(super) struct PassageFields {
    pub common: Common,
    pub body: Field,
    pub anchor: Field,
    /// The article's number, indexed as written ("5", "12a").
    pub article: Field,
    pub label: Field,
    pub heading: Field,
    /// The heading of the chapter or part around it.
    pub context: Field,
    /// The pieces (JSON), quoted by the answer.
    pub pieces: Field,
}

/// A document: its number and title, and its first section (shown for a title-only match).
#[derive(Clone, Copy)]
pub(super) struct DocumentFields {
    pub common: Common,
    /// Number and title terms.
    pub title_terms: Field,
    /// Every section's terms (headings and bodies): the document as one text, title aside.
    pub text_terms: Field,
    pub first_anchor: Field,
    pub first_label: Field,
    pub first_text: Field,
}

/// An FAQ entry: `doc_id` holds the entry's id and `audience` its unit (readers see the FAQ of
/// their cell and every unit above it); the text is read from the database for the few shown.
#[derive(Clone, Copy)]
pub(super) struct FaqFields {
    pub common: Common,
    /// Question terms twice, answer terms once.
    pub body: Field,
}

pub(super) trait Kind: Copy + Send + Sync + 'static {
    /// Subdirectory, and the version of the layout: a change of fields means a new name, so an
    /// index made by an older build is rebuilt rather than misread.
    const DIR: &'static str;
    /// The writer's memory budget (tantivy's smallest is 15 MB).
    const MEMORY: usize;
    fn schema() -> (Schema, Self);
    fn common(&self) -> Common;
}

impl Kind for SectionFields {
    fn common(&self) -> Common {
        self.common
    }
    const DIR: &'static str = "sections-v1";
    const MEMORY: usize = 40_000_000;
    fn schema() -> (Schema, Self) {
        let mut s = Schema::builder();
        let common = Common::add(&mut s);
        let fields = SectionFields {
            common,
            body: s.add_text_field("body", terms_field(false)),
            anchor: s.add_text_field("anchor", STORED),
            label: s.add_text_field("label", STORED),
            text: s.add_text_field("text", STORED),
        };
        (s.build(), fields)
    }
}

impl Kind for PassageFields {
    fn common(&self) -> Common {
        self.common
    }
    const DIR: &'static str = "passages-v1";
    const MEMORY: usize = 30_000_000;
    fn schema() -> (Schema, Self) {
        let mut s = Schema::builder();
        let common = Common::add(&mut s);
        let fields = PassageFields {
            common,
            body: s.add_text_field("body", terms_field(false)),
            anchor: s.add_text_field("anchor", STORED),
            article: s.add_text_field("article", STRING | STORED),
            label: s.add_text_field("label", STORED),
            heading: s.add_text_field("heading", STORED),
            context: s.add_text_field("context", STORED),
            pieces: s.add_text_field("pieces", STORED),
        };
        (s.build(), fields)
    }
}

impl Kind for DocumentFields {
    fn common(&self) -> Common {
        self.common
    }
    const DIR: &'static str = "documents-v2";
    const MEMORY: usize = 15_000_000;
    fn schema() -> (Schema, Self) {
        let mut s = Schema::builder();
        let common = Common::add(&mut s);
        let fields = DocumentFields {
            common,
            title_terms: s.add_text_field("title_terms", terms_field(false)),
            text_terms: s.add_text_field("text_terms", terms_field(false)),
            first_anchor: s.add_text_field("first_anchor", STORED),
            first_label: s.add_text_field("first_label", STORED),
            first_text: s.add_text_field("first_text", STORED),
        };
        (s.build(), fields)
    }
}

impl Kind for FaqFields {
    fn common(&self) -> Common {
        self.common
    }
    const DIR: &'static str = "faq-v1";
    const MEMORY: usize = 15_000_000;
    fn schema() -> (Schema, Self) {
        let mut s = Schema::builder();
        let common = Common::add(&mut s);
        let fields = FaqFields { common, body: s.add_text_field("body", terms_field(false)) };
        (s.build(), fields)
    }
}

/// One index on disk with its single writer (held for the life of the process: tantivy's lock
/// file stops a second server from writing the same directory) and a reader refreshed after
/// every commit.
pub(super) struct Store<K: Kind> {
    index: Index,
    writer: Mutex<IndexWriter<TantivyDocument>>,
    reader: IndexReader,
    pub fields: K,
}

impl<K: Kind> Store<K> {
    /// Opens the index under `root`, or makes an empty one.
    pub fn open(root: &Path) -> AppResult<Store<K>> {
        let dir = root.join(K::DIR);
        std::fs::create_dir_all(&dir).map_err(internal)?;
        let (schema, fields) = K::schema();
        let directory = tantivy::directory::MmapDirectory::open(&dir).map_err(internal)?;
        let index = match Index::open_or_create(directory, schema.clone()) {
            Ok(index) => index,
            // Other fields under the same name, or damaged files: made again from the database
            // (nothing in it is kept only here).
            Err(e) => {
                tracing::warn!(dir = %dir.display(), error = %e, "search index unreadable; made again");
                std::fs::remove_dir_all(&dir).map_err(internal)?;
                std::fs::create_dir_all(&dir).map_err(internal)?;
                Index::create_in_dir(&dir, schema).map_err(internal)?
            }
        };
        let analyzer = TextAnalyzer::builder(WhitespaceTokenizer::default()).filter(RemoveLongFilter::limit(MAX_TERM_BYTES)).build();
        index.tokenizers().register(TERMS, analyzer);
        let writer = match index.writer_with_num_threads(1, K::MEMORY) {
            Ok(writer) => writer,
            Err(tantivy::TantivyError::LockFailure(..)) => {
                return Err(AppError::Conflict(format!(
                    "Thư mục chỉ mục tìm kiếm {} đang được một máy chủ khác dùng; mỗi máy chủ cần thư mục riêng (SOTAY_SEARCH_DIR).",
                    root.display()
                )));
            }
            Err(e) => return Err(internal(e)),
        };
        let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into().map_err(internal)?;
        Ok(Store { index, writer: Mutex::new(writer), reader, fields })
    }

    pub fn searcher(&self) -> Searcher {
        self.reader.searcher()
    }

    fn writer(&self) -> AppResult<std::sync::MutexGuard<'_, IndexWriter<TantivyDocument>>> {
        self.writer.lock().map_err(|_| internal("search writer poisoned"))
    }

    /// Removes a document's entries (takes effect at the next commit).
    pub fn delete(&self, document_id: i64) -> AppResult<()> {
        self.writer()?.delete_term(Term::from_field_i64(self.fields_common().doc_id, document_id));
        Ok(())
    }

    pub fn add(&self, doc: TantivyDocument) -> AppResult<()> {
        self.writer()?.add_document(doc).map_err(internal)?;
        Ok(())
    }

    pub fn delete_all(&self) -> AppResult<()> {
        self.writer()?.delete_all_documents().map_err(internal)?;
        Ok(())
    }

    /// Makes what was added and deleted visible, with `payload` kept in the index's metadata.
    pub fn commit(&self, payload: &str) -> AppResult<()> {
        {
            let mut writer = self.writer()?;
            let mut prepared = writer.prepare_commit().map_err(internal)?;
            prepared.set_payload(payload);
            prepared.commit().map_err(internal)?;
        }
        self.reader.reload().map_err(internal)
    }

    /// What the last commit kept.
    pub fn payload(&self) -> Option<String> {
        self.index.load_metas().ok().and_then(|m| m.payload)
    }

    fn fields_common(&self) -> Common {
        self.fields.common()
    }
}

/// A query over `field` from terms: each term a should-clause, pairs weighted `pair_weight`.
pub(super) fn terms_query(field: Field, terms: &[String], pair_weight: f32) -> Option<Box<dyn Query>> {
    let clauses: Vec<(Occur, Box<dyn Query>)> = terms
        .iter()
        .map(|t| {
            let query: Box<dyn Query> = Box::new(TermQuery::new(Term::from_field_text(field, t), IndexRecordOption::WithFreqs));
            let weighted: Box<dyn Query> = if super::is_bigram(t) && pair_weight != 1.0 { Box::new(BoostQuery::new(query, pair_weight)) } else { query };
            (Occur::Should, weighted)
        })
        .collect();
    (!clauses.is_empty()).then(|| Box::new(BooleanQuery::new(clauses)) as Box<dyn Query>)
}

/// `scoring` restricted to entries passing `filter` (which adds nothing to the score).
pub(super) fn filtered(scoring: Box<dyn Query>, filter: Option<Box<dyn Query>>) -> Box<dyn Query> {
    match filter {
        None => scoring,
        Some(filter) => Box::new(BooleanQuery::new(vec![(Occur::Must, scoring), (Occur::Must, Box::new(ConstScoreQuery::new(filter, 0.0)))])),
    }
}

pub(super) fn any_of_i64(field: Field, ids: &[i64]) -> Box<dyn Query> {
    Box::new(TermSetQuery::new(ids.iter().map(|id| Term::from_field_i64(field, *id))))
}

pub(super) fn exact(field: Field, value: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(Term::from_field_text(field, value), IndexRecordOption::Basic))
}

/// The best `limit` entries for `query`, with their document ids (read from the fast field, not
/// the stored text: candidates are many, hits are few).
pub(super) fn top(searcher: &Searcher, query: &dyn Query, limit: usize) -> AppResult<Vec<(f32, DocAddress, i64, u64)>> {
    let found = searcher.search(query, &TopDocs::with_limit(limit.max(1))).map_err(internal)?;
    let mut columns: std::collections::HashMap<u32, (Column<i64>, Column<u64>)> = std::collections::HashMap::new();
    let mut out = Vec::with_capacity(found.len());
    for (score, address) in found {
        let (doc_ids, ords) = match columns.entry(address.segment_ord) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(e) => {
                let fast = searcher.segment_reader(address.segment_ord).fast_fields();
                e.insert((fast.i64("doc_id").map_err(internal)?, fast.u64("ord").map_err(internal)?))
            }
        };
        let doc_id = doc_ids.first(address.doc_id).unwrap_or_default();
        let ord = ords.first(address.doc_id).unwrap_or_default();
        out.push((score, address, doc_id, ord));
    }
    Ok(out)
}
