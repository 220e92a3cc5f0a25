//! The change feed: what other servers (and the command line) changed.
//!
//! `search_changes` gets a row in the transaction of every save, publish, unpublish and import of
//! a document, and of every FAQ entry published or edited; every server reads it every 2 s and
//! re-reads what is named.

use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};

use super::SearchIndex;
use crate::db::entities::search_change;
use crate::error::AppResult;

const DOCUMENT: &str = "document";
const FAQ: &str = "faq";

/// What a feed row names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Subject {
    Document(i64),
    Faq(i64),
}

impl Subject {
    fn of(row: &search_change::Model) -> Subject {
        if row.kind == FAQ { Subject::Faq(row.subject_id) } else { Subject::Document(row.subject_id) }
    }
}

async fn note(db: &impl ConnectionTrait, kind: &str, id: i64) -> AppResult<()> {
    search_change::ActiveModel { subject_id: Set(id), kind: Set(kind.to_string()), changed_at: Set(chrono::Utc::now()), ..Default::default() }
        .insert(db)
        .await?;
    Ok(())
}

/// Records, inside the write's transaction, that `document_id`'s searchable state changed.
pub async fn note_change(db: &impl ConnectionTrait, document_id: i64) -> AppResult<()> {
    note(db, DOCUMENT, document_id).await
}

/// Records, inside the write's transaction, that an FAQ entry was published or changed.
pub async fn note_faq_change(db: &impl ConnectionTrait, entry_id: i64) -> AppResult<()> {
    note(db, FAQ, entry_id).await
}

/// How long a write may take between taking its change's id and committing. Ids are handed out
/// before commit, so on PostgreSQL a later id can be seen first: the ids skipped over are looked
/// for again until they are this old (a rolled-back write leaves its id unused for ever).
pub(super) const FEED_LAG_SECS: i64 = 600;
/// Rows kept in the feed: an index that was away longer is made again from the database.
pub(super) const FEED_KEEP_DAYS: i64 = 2;
/// New rows read per poll; the rest come at the next.
const FEED_BATCH: u64 = 2000;

/// Where one server is in the change feed.
#[derive(Debug, Default)]
pub struct Feed {
    /// The highest id read.
    last: i64,
    /// What was read from the feed and not yet refreshed (a failed refresh is tried again).
    pending: std::collections::BTreeSet<Subject>,
    /// Ids skipped over (not yet committed, or rolled back), with when they were first missed.
    gaps: std::collections::BTreeMap<i64, chrono::DateTime<chrono::Utc>>,
    pruned_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// The highest id in the feed (0 when empty).
pub(super) async fn newest_change(db: &impl ConnectionTrait) -> AppResult<i64> {
    Ok(search_change::Entity::find()
        .select_only()
        .column_as(search_change::Column::Id.max(), "newest")
        .into_tuple::<Option<i64>>()
        .one(db)
        .await?
        .flatten()
        .unwrap_or(0))
}

impl Feed {
    /// For an index holding every change up to id `position`.
    pub fn after(position: i64) -> Feed {
        Feed { last: position, ..Feed::default() }
    }

    /// Every change up to here is in the index: the last id read, or just below the oldest id
    /// still awaited (a write that may yet commit).
    pub fn position(&self) -> i64 {
        self.gaps.keys().next().map_or(self.last, |first| (first - 1).min(self.last))
    }

    /// For an index built now from the database: after the changes old enough to have been
    /// committed already, so every change that may still have been committing is read again
    /// (applied twice at worst, never missed).
    pub async fn start(db: &impl ConnectionTrait) -> AppResult<Feed> {
        let settled = chrono::Utc::now() - chrono::Duration::seconds(FEED_LAG_SECS);
        let last: Option<i64> = search_change::Entity::find()
            .select_only()
            .column_as(search_change::Column::Id.max(), "last")
            .filter(search_change::Column::ChangedAt.lt(settled))
            .into_tuple::<Option<i64>>()
            .one(db)
            .await?
            .flatten();
        Ok(Feed { last: last.unwrap_or(0), ..Feed::default() })
    }
}

impl SearchIndex {
    /// Applies the changes written since the last call (by any server, or `server import`): each
    /// document and FAQ entry named is re-read from the database. Returns how many were refreshed.
    pub async fn follow(&self, db: &impl ConnectionTrait, feed: &mut Feed) -> AppResult<usize> {
        let now = chrono::Utc::now();
        let rows = search_change::Entity::find()
            .filter(search_change::Column::Id.gt(feed.last))
            .order_by_asc(search_change::Column::Id)
            .limit(FEED_BATCH)
            .all(db)
            .await?;
        for row in rows {
            // Ids between the last one seen and this one may belong to writes still committing.
            // The nearest ids are the likeliest still committing: those are kept if many.
            for missing in (feed.last + 1..row.id).rev().take(1000) {
                feed.gaps.insert(missing, now);
            }
            feed.last = row.id;
            feed.pending.insert(Subject::of(&row));
        }
        let waiting: Vec<i64> = feed.gaps.keys().copied().collect();
        for chunk in waiting.chunks(500) {
            let late = search_change::Entity::find().filter(search_change::Column::Id.is_in(chunk.iter().copied())).all(db).await?;
            for row in late {
                feed.gaps.remove(&row.id);
                feed.pending.insert(Subject::of(&row));
            }
        }
        feed.gaps.retain(|_, since| now - *since < chrono::Duration::seconds(FEED_LAG_SECS));
        let (mut documents, mut entries) = (Vec::new(), Vec::new());
        for subject in &feed.pending {
            match *subject {
                Subject::Document(id) => documents.push(id),
                Subject::Faq(id) => entries.push(id),
            }
        }
        let refreshed = feed.pending.len();
        for chunk in documents.chunks(200) {
            self.stage(db, chunk).await?;
        }
        for chunk in entries.chunks(200) {
            self.stage_faq(db, chunk).await?;
        }
        // A restart resumes from the position committed here; with nothing new there is nothing
        // to commit (a commit writes files).
        let stale = self.position().is_none_or(|(position, at)| position != feed.position() || now - at > chrono::Duration::hours(1));
        if refreshed > 0 || stale {
            self.commit(Some(feed.position()))?;
        }
        feed.pending.clear();
        if feed.pruned_at.is_none_or(|at| now - at > chrono::Duration::hours(1)) {
            feed.pruned_at = Some(now);
            search_change::Entity::delete_many()
                .filter(search_change::Column::ChangedAt.lt(now - chrono::Duration::days(FEED_KEEP_DAYS)))
                // The newest row stays: a starting server compares its index's position with it.
                .filter(search_change::Column::Id.lt(feed.last))
                .exec(db)
                .await?;
        }
        Ok(refreshed)
    }
}
