//! The reader's own marks: bookmarks on articles, private notes on highlighted passages, and the
//! preferred font size. Only their author ever reads or changes them.

use std::collections::HashMap;

use chrono::Utc;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set};

use super::service::visible_ids;
use super::{BookmarkView, NoteView};
use crate::auth::SessionUser;
use crate::db::entities::{bookmark, document, document_section, member_pref, reader_note};
use crate::error::{AppError, AppResult};
use crate::validate::{Checks, format_datetime};

pub const MIN_FONT: i32 = 80;
pub const MAX_FONT: i32 = 200;
const MAX_QUOTE: usize = 2_000;
const MAX_NOTE: usize = 5_000;

/// The section, if it belongs to a document this user may read.
async fn readable_section(db: &DatabaseConnection, user: &SessionUser, section_id: i64) -> AppResult<document_section::Model> {
    let section = document_section::Entity::find_by_id(section_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound("đoạn văn bản".into()))?;
    if !visible_ids(db, user).await?.contains(&section.document_id) {
        return Err(super::service::not_for_you());
    }
    Ok(section)
}

/// Adds or removes a bookmark; returns whether the section is now bookmarked.
pub async fn toggle_bookmark(db: &DatabaseConnection, user: &SessionUser, section_id: i64, on: bool) -> AppResult<bool> {
    let section = readable_section(db, user, section_id).await?;
    if on {
        bookmark::Entity::insert(bookmark::ActiveModel {
            member_id: Set(user.member_id),
            section_id: Set(section_id),
            document_id: Set(section.document_id),
            created_at: Set(Utc::now()),
        })
        .on_conflict(OnConflict::columns([bookmark::Column::MemberId, bookmark::Column::SectionId]).do_nothing().to_owned())
        .exec_without_returning(db)
        .await?;
    } else {
        bookmark::Entity::delete_by_id((user.member_id, section_id)).exec(db).await?;
    }
    Ok(on)
}

/// All of this user's bookmarks in documents they may still read, newest first.
/// The reader's own marks on a document they may open (the same "not found" otherwise).
pub async fn for_document(db: &DatabaseConnection, user: &SessionUser, document_id: i64) -> AppResult<super::MyMarks> {
    if !visible_ids(db, user).await?.contains(&document_id) {
        return Err(AppError::NotFound("tài liệu".into()));
    }
    let bookmarks = bookmarks(db, user, Some(document_id)).await?;
    Ok(super::MyMarks {
        font_percent: font_percent(db, user.member_id).await?,
        bookmarks: bookmarks.into_iter().map(|b| b.section_id).collect(),
        notes: notes(db, user, document_id).await?,
    })
}

pub async fn bookmarks(db: &DatabaseConnection, user: &SessionUser, document_id: Option<i64>) -> AppResult<Vec<BookmarkView>> {
    let visible = visible_ids(db, user).await?;
    let mut query = bookmark::Entity::find().filter(bookmark::Column::MemberId.eq(user.member_id));
    if let Some(d) = document_id {
        query = query.filter(bookmark::Column::DocumentId.eq(d));
    }
    let rows: Vec<bookmark::Model> =
        query.order_by_desc(bookmark::Column::CreatedAt).all(db).await?.into_iter().filter(|b| visible.contains(&b.document_id)).collect();
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    // Two queries for all bookmarks, not two per bookmark: the library shows this on every visit.
    let sections: HashMap<i64, document_section::Model> = document_section::Entity::find()
        .filter(document_section::Column::Id.is_in(rows.iter().map(|b| b.section_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.id, s))
        .collect();
    let titles: HashMap<i64, String> = document::Entity::find()
        .filter(document::Column::Id.is_in(rows.iter().map(|b| b.document_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|d| (d.id, d.title))
        .collect();
    Ok(rows
        .iter()
        .filter_map(|b| {
            let s = sections.get(&b.section_id)?;
            Some(BookmarkView {
                section_id: s.id,
                document_id: b.document_id,
                document_title: titles.get(&b.document_id)?.clone(),
                anchor: s.anchor.clone(),
                label: super::search::section_label(&s.kind, &s.number, &s.heading),
            })
        })
        .collect())
}

/// Saves a note; the browser makes `client_id`, so sending it again updates the same note.
pub async fn save_note(
    db: &DatabaseConnection,
    user: &SessionUser,
    client_id: &str,
    section_id: i64,
    quote: &str,
    note: &str,
) -> AppResult<NoteView> {
    let mut checks = Checks::new();
    if !crate::common::client_id::valid(client_id) {
        checks.fail("client_id", crate::common::client_id::REJECTED);
    }
    let quote: String = quote.trim().chars().take(MAX_QUOTE).collect();
    if note.chars().count() > MAX_NOTE {
        checks.fail("note", format!("Ghi chú không được dài quá {MAX_NOTE} ký tự."));
    }
    if note.trim().is_empty() && quote.is_empty() {
        checks.fail("note", "Vui lòng nhập nội dung ghi chú.");
    }
    checks.finish()?;
    let section = readable_section(db, user, section_id).await?;
    if !quote.is_empty() && !section.body.contains(&quote) && !section.heading.contains(&quote) {
        return Err(AppError::invalid("quote", "Đoạn được đánh dấu không nằm trong phần văn bản này."));
    }
    let now = Utc::now();
    let own_note = || {
        reader_note::Entity::find()
            .filter(reader_note::Column::ClientId.eq(client_id))
            .filter(reader_note::Column::MemberId.eq(user.member_id))
            .one(db)
    };
    let saved = match own_note().await? {
        Some(row) if row.section_id != section.id => return Err(crate::common::client_id::rejected()),
        Some(row) => {
            let mut active: reader_note::ActiveModel = row.into();
            active.note = Set(note.trim().to_string());
            active.updated_at = Set(now);
            active.update(db).await?
        }
        None => {
            reader_note::ActiveModel {
                client_id: Set(client_id.to_string()),
                member_id: Set(user.member_id),
                document_id: Set(section.document_id),
                section_id: Set(section.id),
                quote: Set(quote),
                note: Set(note.trim().to_string()),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
            .insert(db)
            .await
            .map_err(|e| {
                // The id is another member's (or the database failed): answered like a
                // malformed id so nothing shows of anyone else; the cause goes to the log.
                tracing::warn!(error = %e, "note not inserted");
                crate::common::client_id::rejected()
            })?
        }
    };
    Ok(note_view(saved, &section))
}

fn note_view(n: reader_note::Model, section: &document_section::Model) -> NoteView {
    NoteView {
        id: n.id,
        client_id: n.client_id,
        section_id: n.section_id,
        anchor: section.anchor.clone(),
        label: super::search::section_label(&section.kind, &section.number, &section.heading),
        quote: n.quote,
        note: n.note,
        updated_at: format_datetime(n.updated_at),
    }
}

pub async fn delete_note(db: &DatabaseConnection, user: &SessionUser, id: i64) -> AppResult<()> {
    let deleted = reader_note::Entity::delete_many()
        .filter(reader_note::Column::Id.eq(id))
        .filter(reader_note::Column::MemberId.eq(user.member_id))
        .exec(db)
        .await?;
    if deleted.rows_affected == 0 {
        return Err(AppError::NotFound("ghi chú".into()));
    }
    Ok(())
}

/// This user's notes in one document, in reading order.
pub async fn notes(db: &DatabaseConnection, user: &SessionUser, document_id: i64) -> AppResult<Vec<NoteView>> {
    let rows = reader_note::Entity::find()
        .filter(reader_note::Column::MemberId.eq(user.member_id))
        .filter(reader_note::Column::DocumentId.eq(document_id))
        .all(db)
        .await?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    // Only the sections that carry a note (a document has hundreds, with their text).
    let mut ids: Vec<i64> = rows.iter().map(|n| n.section_id).collect();
    ids.sort_unstable();
    ids.dedup();
    let sections = document_section::Entity::find()
        .filter(document_section::Column::DocumentId.eq(document_id))
        .filter(document_section::Column::Id.is_in(ids))
        .all(db)
        .await?;
    let mut out: Vec<(i32, NoteView)> = rows
        .into_iter()
        .filter_map(|n| {
            let s = sections.iter().find(|s| s.id == n.section_id)?;
            Some((s.ordinal, note_view(n, s)))
        })
        .collect();
    out.sort_by_key(|(ordinal, n)| (*ordinal, n.id));
    Ok(out.into_iter().map(|(_, n)| n).collect())
}

pub async fn font_percent(db: &DatabaseConnection, member_id: i64) -> AppResult<Option<i32>> {
    Ok(member_pref::Entity::find_by_id(member_id).one(db).await?.map(|p| p.font_percent))
}

/// Remembers the reading size for every device the member uses.
pub async fn set_font_percent(db: &DatabaseConnection, user: &SessionUser, percent: i32) -> AppResult<i32> {
    if !(MIN_FONT..=MAX_FONT).contains(&percent) {
        return Err(AppError::invalid("font", format!("Cỡ chữ phải từ {MIN_FONT}% đến {MAX_FONT}%.")));
    }
    member_pref::Entity::insert(member_pref::ActiveModel { member_id: Set(user.member_id), font_percent: Set(percent) })
        .on_conflict(OnConflict::column(member_pref::Column::MemberId).update_column(member_pref::Column::FontPercent).to_owned())
        .exec(db)
        .await?;
    Ok(percent)
}
