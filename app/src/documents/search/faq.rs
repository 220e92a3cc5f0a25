//! The FAQ index: every published question and answer, by its unit, so a member's FAQ search
//! is one engine query over the units of their line (their cell and every unit above it) rather
//! than a read of every entry those units ever published. Kept like the documents: the entry
//! is re-read after a publish in this process, and other servers read it from the change feed.

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use tantivy::TantivyDocument;

use super::engine::{self, internal};
use super::{BIGRAM_WEIGHT, SearchIndex, known_terms, push_terms, syllables, terms};
use crate::db::entities::faq_entry;
use crate::error::AppResult;

/// Entries read from the database per batch when the whole FAQ is indexed again.
const REBUILD_BATCH: u64 = 500;

impl SearchIndex {
    /// Replaces the entries `ids` with what the database holds now (until the next commit).
    pub(super) async fn stage_faq(&self, db: &impl ConnectionTrait, ids: &[i64]) -> AppResult<()> {
        let _serial = self.staging.lock().await;
        let entries = faq_entry::Entity::find().filter(faq_entry::Column::Id.is_in(ids.iter().copied())).all(db).await?;
        let _writing = self.writing.lock().map_err(internal)?;
        for id in ids {
            self.faq.delete(*id)?;
        }
        for entry in &entries {
            self.add_faq(entry)?;
        }
        Ok(())
    }

    /// Indexes every FAQ entry (the index emptied before), in batches by id.
    pub(super) async fn stage_all_faq(&self, db: &impl ConnectionTrait) -> AppResult<()> {
        let mut after = 0i64;
        loop {
            let ids: Vec<i64> = faq_entry::Entity::find()
                .select_only()
                .column(faq_entry::Column::Id)
                .filter(faq_entry::Column::Id.gt(after))
                .order_by_asc(faq_entry::Column::Id)
                .limit(REBUILD_BATCH)
                .into_tuple::<i64>()
                .all(db)
                .await?;
            let Some(last) = ids.last() else { return Ok(()) };
            after = *last;
            self.stage_faq(db, &ids).await?;
        }
    }

    fn add_faq(&self, entry: &faq_entry::Model) -> AppResult<()> {
        let f = self.faq.fields;
        let mut d = TantivyDocument::default();
        d.add_i64(f.common.doc_id, entry.id);
        d.add_u64(f.common.ord, 0);
        d.add_i64(f.common.audience, entry.unit_id);
        let mut body = String::new();
        // The question counts double: an entry asking it is about it.
        push_terms(&mut body, &terms(&syllables(&entry.question)), 2);
        push_terms(&mut body, &terms(&syllables(&entry.answer)), 1);
        d.add_text(f.body, body);
        self.faq.add(d)
    }

    /// Re-reads one entry after a write in this process, so the writer's next search shows it.
    /// The write is committed whatever happens here: a failure is logged, and the change feed
    /// brings the entry within seconds.
    pub async fn refresh_faq(&self, db: &impl ConnectionTrait, entry_id: i64) {
        let done = match self.stage_faq(db, &[entry_id]).await {
            Ok(()) => self.commit(None),
            Err(e) => Err(e),
        };
        if let Err(e) = done {
            tracing::warn!(error = %e, entry_id, "FAQ index not refreshed after a write; the change feed will bring it");
        }
    }

    /// The ids of the best `limit` FAQ entries of `units` for `query_terms`, best first.
    pub fn faq_ids(&self, query_terms: &[String], units: &[i64], limit: usize) -> AppResult<Vec<i64>> {
        let f = self.faq.fields;
        let searcher = self.faq.searcher();
        let known = known_terms(&searcher, f.body, query_terms)?;
        let Some(scoring) = engine::terms_query(f.body, &known, BIGRAM_WEIGHT) else { return Ok(Vec::new()) };
        let query = engine::filtered(scoring, Some(engine::any_of_i64(f.common.audience, units)));
        Ok(engine::top(&searcher, query.as_ref(), limit)?.into_iter().map(|(_, _, id, _)| id).collect())
    }
}
