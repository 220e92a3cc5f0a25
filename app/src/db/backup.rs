//! Backups of a running database, and restoring one into an empty database.
//!
//! SQLite: `VACUUM INTO` writes a consistent copy while members keep writing (one read
//! transaction's view of the whole file). PostgreSQL: `pg_dump --format=custom` (a snapshot of
//! one transaction) and `pg_restore`, run as programs — they are PostgreSQL's own, kept in step
//! with the server, and nothing written here would do better. The password never appears on a
//! command line (other users of the machine can read those): it goes in `PGPASSWORD`.
//! Attachments are files named by their SHA-256 that never change, and the secret key lives
//! outside the database: both are copied as files (README "Backups").

use std::path::{Path, PathBuf};
use std::process::Command;

use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};

/// Why a backup or a restore did not happen, in Vietnamese for the operator.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("tệp {0} đã có; chọn tên khác để không ghi đè bản sao lưu cũ")]
    Exists(String),
    #[error("cơ sở dữ liệu đích đã có dữ liệu ({0}); chỉ khôi phục vào cơ sở dữ liệu trống")]
    NotEmpty(String),
    #[error("tệp {0} không phải bản sao lưu SQLite (hỏng hoặc của PostgreSQL?)")]
    NotSqlite(String),
    #[error("bản sao lưu không toàn vẹn: {0}")]
    Damaged(String),
    #[error("không chạy được {program}: {cause} (cài gói postgresql-client)")]
    Program { program: &'static str, cause: std::io::Error },
    #[error("{program} báo lỗi: {message}")]
    Failed { program: &'static str, message: String },
    #[error("DATABASE_URL không đọc được: {0}")]
    Url(String),
    #[error("tệp {path}: {cause}")]
    File { path: String, cause: std::io::Error },
    #[error(transparent)]
    Database(#[from] sea_orm::DbErr),
}

fn is_sqlite(url: &str) -> bool {
    url.starts_with("sqlite:")
}

/// The file of a `sqlite:` URL (`sqlite://data/sotay.db?mode=rwc` → `data/sotay.db`).
fn sqlite_path(url: &str) -> PathBuf {
    let rest = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")).unwrap_or(url);
    PathBuf::from(rest.split('?').next().unwrap_or(rest))
}

/// Writes a consistent copy of the database at `url` to `file` (which must not exist; it is
/// made readable by its owner only: it holds members' records and password hashes).
pub async fn backup(db: &DatabaseConnection, url: &str, file: &Path) -> Result<u64, BackupError> {
    claim(file)?;
    let result = copy_out(db, url, file).await;
    if result.is_err() {
        // An empty or half-written file is no backup.
        let _ = std::fs::remove_file(file);
    }
    result?;
    let size = std::fs::metadata(file).map_err(|cause| BackupError::File { path: file.display().to_string(), cause })?.len();
    Ok(size)
}

/// Creates `file` empty and private, refusing one that exists (no race between looking and
/// writing). `VACUUM INTO` and `pg_dump` both write into an empty file.
fn claim(file: &Path) -> Result<(), BackupError> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(file) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(BackupError::Exists(file.display().to_string())),
        Err(cause) => Err(BackupError::File { path: file.display().to_string(), cause }),
    }
}

async fn copy_out(db: &DatabaseConnection, url: &str, file: &Path) -> Result<(), BackupError> {
    if is_sqlite(url) {
        let target = file.to_string_lossy().to_string();
        db.execute_raw(Statement::from_sql_and_values(db.get_database_backend(), "VACUUM INTO ?", [target.into()])).await?;
    } else {
        let (dbname, password) = without_password(url)?;
        run(Command::new("pg_dump").args(["--format=custom", "--no-owner", "--no-privileges", "--file"]).arg(file).args(["--dbname", &dbname]), "pg_dump", password)?;
    }
    Ok(())
}

/// The database to back up must be there already: a mistyped path would otherwise make and
/// back up an empty one.
pub fn source_exists(url: &str) -> Result<(), BackupError> {
    let path = sqlite_path(url);
    if is_sqlite(url) && !path.is_file() {
        return Err(BackupError::File { path: path.display().to_string(), cause: std::io::Error::from(std::io::ErrorKind::NotFound) });
    }
    Ok(())
}

/// Restores `file` (made by [`backup`]) into the empty database at `url`.
pub async fn restore(url: &str, file: &Path) -> Result<(), BackupError> {
    let file_error = |cause| BackupError::File { path: file.display().to_string(), cause };
    if is_sqlite(url) {
        let target = sqlite_path(url);
        // A database file, or the journal a running or crashed server left beside it (it would
        // be replayed into the restored file).
        for path in [target.clone(), with_suffix(&target, "-wal"), with_suffix(&target, "-shm")] {
            if path.exists() {
                return Err(BackupError::NotEmpty(path.display().to_string()));
            }
        }
        let mut header = [0u8; 16];
        std::io::Read::read_exact(&mut std::fs::File::open(file).map_err(file_error)?, &mut header).map_err(|_| BackupError::NotSqlite(file.display().to_string()))?;
        if &header != b"SQLite format 3\0" {
            return Err(BackupError::NotSqlite(file.display().to_string()));
        }
        // Copied aside and checked there, then linked into place (which fails if a file appeared
        // meanwhile): a half-copied or damaged file is never the database.
        let partial = with_suffix(&target, ".khoi-phuc");
        std::fs::copy(file, &partial).map_err(file_error)?;
        let checked = integrity(&partial).await;
        let placed = checked.and_then(|()| std::fs::hard_link(&partial, &target).map_err(|cause| BackupError::File { path: target.display().to_string(), cause }));
        let _ = std::fs::remove_file(&partial);
        return placed;
    }
    let db = super::connect(url).await?;
    let tables = db
        .query_one_raw(Statement::from_string(db.get_database_backend(), "SELECT COUNT(*) FROM pg_tables WHERE schemaname = 'public'"))
        .await?
        .map(|row| row.try_get_by_index::<i64>(0))
        .transpose()?
        .unwrap_or(0);
    db.close().await?;
    if tables > 0 {
        return Err(BackupError::NotEmpty(format!("{tables} bảng")));
    }
    let (dbname, password) = without_password(url)?;
    // One transaction: a restore that fails leaves the database empty, ready for another try.
    run(
        Command::new("pg_restore").args(["--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction", "--dbname", &dbname]).arg(file),
        "pg_restore",
        password,
    )
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// SQLite's own check of a database file (the restore's own copy).
async fn integrity(path: &Path) -> Result<(), BackupError> {
    let db = super::connect(&format!("sqlite://{}", path.display())).await?;
    let check = db.query_one_raw(Statement::from_string(db.get_database_backend(), "PRAGMA integrity_check")).await;
    db.close().await?;
    let verdict: String = check?.map(|row| row.try_get_by_index::<String>(0)).transpose()?.unwrap_or_default();
    if verdict == "ok" { Ok(()) } else { Err(BackupError::Damaged(verdict)) }
}

/// The URL without its password, and the password (decoded) for `PGPASSWORD`.
fn without_password(url: &str) -> Result<(String, Option<String>), BackupError> {
    let mut parsed = url::Url::parse(url).map_err(|e| BackupError::Url(e.to_string()))?;
    let mut password = parsed.password().map(|p| percent_encoding::percent_decode_str(p).decode_utf8_lossy().to_string());
    parsed.set_password(None).map_err(|()| BackupError::Url("không bỏ được mật khẩu khỏi địa chỉ".into()))?;
    // A password may also be written as `?password=…`.
    let pairs: Vec<(String, String)> = parsed.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
    if pairs.iter().any(|(k, _)| k == "password") {
        password = pairs.iter().find(|(k, _)| k == "password").map(|(_, v)| v.clone());
        let rest: Vec<&(String, String)> = pairs.iter().filter(|(k, _)| k != "password").collect();
        if rest.is_empty() {
            parsed.set_query(None);
        } else {
            parsed.query_pairs_mut().clear().extend_pairs(rest.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        }
    }
    Ok((parsed.to_string(), password))
}

fn run(command: &mut Command, program: &'static str, password: Option<String>) -> Result<(), BackupError> {
    if let Some(password) = password {
        command.env("PGPASSWORD", password);
    }
    let output = command.output().map_err(|cause| BackupError::Program { program, cause })?;
    if output.status.success() {
        Ok(())
    } else {
        let message = String::from_utf8_lossy(&output.stderr).trim().chars().take(2_000).collect();
        Err(BackupError::Failed { program, message })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_urls_name_their_file() {
        assert_eq!(sqlite_path("sqlite://data/sotay.db?mode=rwc"), PathBuf::from("data/sotay.db"));
        assert_eq!(sqlite_path("sqlite:/srv/sotay.db"), PathBuf::from("/srv/sotay.db"));
    }

    #[test]
    fn the_password_leaves_the_url_for_the_environment() {
        let (url, password) = without_password("postgres://sotay:m%E1%BA%ADt%40kh%E1%BA%A9u@db.tinh:5432/sotay").expect("url");
        assert_eq!(url, "postgres://sotay@db.tinh:5432/sotay");
        assert_eq!(password.as_deref(), Some("mật@khẩu"));
        assert_eq!(without_password("postgres://sotay@db/sotay").expect("url").1, None);
        let (url, password) = without_password("postgres://sotay@db/sotay?password=b%C3%AD&sslmode=require").expect("url");
        assert_eq!((url.as_str(), password.as_deref()), ("postgres://sotay@db/sotay?sslmode=require", Some("bí")));
    }
}
