//! Attachments (PDF and images) stored on disk under their SHA-256, so the same file is kept
//! once and any change on disk is caught when it is served.

use std::path::{Path, PathBuf};

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};

use super::AttachmentInfo;
use super::service::{find_document, visible_ids};
use crate::auth::SessionUser;
use crate::auth::service::{Action, authorize};
use crate::db::entities::document_attachment;
use crate::error::{AppError, AppResult};

pub const MAX_BYTES: usize = 20 * 1024 * 1024;

/// The content type of an accepted file, judged by its first bytes rather than its name.
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.starts_with(b"\xff\xd8\xff") {
        Some("image/jpeg")
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Some("image/gif")
    } else if bytes.len() > 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("image/webp")
    } else {
        None
    }
}

fn stored_path(dir: &Path, sha: &str) -> PathBuf {
    dir.join(&sha[..2]).join(sha)
}

/// A display name without directories or control characters.
fn clean_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let cleaned: String = base.chars().filter(|c| !c.is_control() && *c != '"').take(200).collect();
    if cleaned.trim().is_empty() { "tep-dinh-kem".into() } else { cleaned.trim().to_string() }
}

/// May this user attach files to the document? Checked before an upload's body is read.
pub async fn may_attach(db: &DatabaseConnection, user: &SessionUser, document_id: i64) -> AppResult<()> {
    let doc = find_document(db, document_id).await?;
    authorize(db, user, Action::ManageDocument(doc.owner_unit_id)).await
}

/// Writes the file (if not already on disk) and records it on the document.
pub async fn store(
    db: &DatabaseConnection,
    dir: &Path,
    user: &SessionUser,
    document_id: i64,
    file_name: &str,
    bytes: &[u8],
) -> AppResult<AttachmentInfo> {
    may_attach(db, user, document_id).await?;
    if bytes.is_empty() {
        return Err(AppError::invalid("file", "Vui lòng chọn tệp cần đính kèm."));
    }
    if bytes.len() > MAX_BYTES {
        return Err(AppError::invalid("file", format!("Tệp quá lớn (tối đa {} MB).", MAX_BYTES / 1024 / 1024)));
    }
    let content_type = sniff(bytes).ok_or_else(|| AppError::invalid("file", "Chỉ đính kèm được tệp PDF hoặc ảnh (PNG, JPEG, GIF, WebP)."))?;
    let sha = crate::common::sha256_hex(bytes);
    if document_attachment::Entity::find()
        .filter(document_attachment::Column::DocumentId.eq(document_id))
        .filter(document_attachment::Column::Sha256.eq(sha.as_str()))
        .one(db)
        .await?
        .is_some()
    {
        return Err(AppError::Conflict("Tệp này đã được đính kèm vào tài liệu.".into()));
    }
    let path = stored_path(dir, &sha);
    if !path.exists() {
        write_atomically(&path, bytes).await?;
    }
    let row = document_attachment::ActiveModel {
        document_id: Set(document_id),
        file_name: Set(clean_name(file_name)),
        content_type: Set(content_type.into()),
        size_bytes: Set(bytes.len() as i64),
        sha256: Set(sha),
        uploaded_by: Set(user.member_id),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(AttachmentInfo {
        id: row.id,
        file_name: row.file_name,
        content_type: row.content_type,
        size_bytes: row.size_bytes,
        sha256: row.sha256,
    })
}

/// Temp file then rename: a crash never leaves a half-written file under a valid checksum.
async fn write_atomically(path: &Path, bytes: &[u8]) -> AppResult<()> {
    let io = |e: std::io::Error| {
        tracing::error!("attachment write {}: {e}", path.display());
        AppError::Internal
    };
    if let Some(parent) = path.parent() {
        tokio::fs::create_dir_all(parent).await.map_err(io)?;
    }
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    tokio::fs::write(&tmp, bytes).await.map_err(io)?;
    tokio::fs::rename(&tmp, path).await.map_err(io)
}

/// The attachment's record and bytes, for a reader allowed to see the document. A file whose
/// bytes no longer match its checksum is refused rather than served.
pub async fn open(db: &DatabaseConnection, dir: &Path, user: &SessionUser, id: i64) -> AppResult<(document_attachment::Model, Vec<u8>)> {
    let row = document_attachment::Entity::find_by_id(id).one(db).await?.ok_or_else(|| AppError::NotFound("tệp đính kèm".into()))?;
    if !visible_ids(db, user).await?.contains(&row.document_id) {
        return Err(AppError::NotFound("tệp đính kèm".into()));
    }
    let bytes = tokio::fs::read(stored_path(dir, &row.sha256)).await.map_err(|e| {
        tracing::error!("attachment {id} missing on disk: {e}");
        AppError::NotFound("tệp đính kèm trên máy chủ".into())
    })?;
    if crate::common::sha256_hex(&bytes) != row.sha256 {
        tracing::error!("attachment {id}: checksum mismatch on disk");
        return Err(AppError::Conflict("Tệp đính kèm trên máy chủ đã bị thay đổi, vui lòng báo quản trị viên.".into()));
    }
    Ok((row, bytes))
}

pub async fn remove(db: &DatabaseConnection, user: &SessionUser, id: i64) -> AppResult<()> {
    let row = document_attachment::Entity::find_by_id(id).one(db).await?.ok_or_else(|| AppError::NotFound("tệp đính kèm".into()))?;
    let doc = find_document(db, row.document_id).await?;
    authorize(db, user, Action::ManageDocument(doc.owner_unit_id)).await?;
    document_attachment::Entity::delete_by_id(id).exec(db).await?;
    Ok(())
}
