//! Speech made on the server, for devices without a Vietnamese voice of their own (desktop
//! Chromium on Linux, many older Android phones): espeak-ng's Vietnamese voice, as WAV, kept on
//! disk under the hash of what is read so a repeated answer or article costs nothing.
//!
//! Documents are full of forms a voice reads badly: "37-HD/BTGDVTW", "[1]", "Đ/c". They are
//! spelt out first, with the assistant's own abbreviation list.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use sea_orm::ConnectionTrait;
use sha2::{Digest, Sha256};
use tokio::sync::Semaphore;

use crate::auth::SessionUser;
use crate::common::rate_limit::{self, Limit};
use crate::error::{AppError, AppResult, OrInternal};

/// Longest text read in one piece (an answer, or one article of a document).
pub const MAX_SPEECH_CHARS: usize = 4000;
const VOICE: &str = "vi";
/// Words per minute: a little slower than espeak's default, for older listeners.
const RATE: &str = "150";
/// Longest espeak-ng may run for one text; past it the process is killed (`kill_on_drop`).
const TIMEOUT: Duration = Duration::from_secs(20);

/// Server speech a member may ask for: 60 texts in 10 minutes, one every ten seconds on
/// average. Listening to an answer or an article takes longer than that, so a member listening
/// through a whole document stays below it; a script asking for a new text each second does not.
///
/// Every valid request counts, from the cache or not: a cached WAV costs no CPU but is still
/// megabytes read and sent, and one simple rule ("60 lượt trong 10 phút") is what a member can
/// be told. Empty or over-long texts are refused first without counting: they cost nothing and a
/// slip of the finger should not use up the quota.
pub const SPEECH_LIMIT: Limit = Limit { name: "tts", calls: 60, window_secs: 600, what: "lượt nghe đọc" };

/// Room the cache of spoken texts may take on disk by default: 200 MB, about 75 minutes of
/// speech (one minute is 2.6 MB of 22 kHz 16-bit WAV), a few hundred answers and articles.
pub const DEFAULT_CACHE_BYTES: u64 = 200 * 1024 * 1024;

/// espeak-ng processes running at once on this server; more requests wait for a turn (the
/// machine also serves pages, and each voice keeps one core busy).
const VOICES_AT_ONCE: usize = 2;
/// How long a request waits for a turn before the member is asked to try again.
const QUEUE_WAIT: Duration = Duration::from_secs(10);
static VOICES: Semaphore = Semaphore::const_new(VOICES_AT_ONCE);

/// A half-written file older than this was left by a server that stopped mid-write.
const STALE_PART: Duration = Duration::from_secs(3600);
static PART_SEQ: AtomicU64 = AtomicU64::new(0);

/// Audio for `text`, and whether it came from the cache.
#[derive(Debug)]
pub struct Speech {
    pub wav: Vec<u8>,
    pub cached: bool,
}

/// Checks what a member asks to hear.
pub fn checked_text(text: &str) -> AppResult<&str> {
    let text = text.trim();
    if text.chars().filter(|c| c.is_alphanumeric()).count() == 0 {
        return Err(AppError::invalid("text", "Không có nội dung để đọc."));
    }
    if text.chars().count() > MAX_SPEECH_CHARS {
        return Err(AppError::invalid("text", format!("Đoạn cần đọc quá dài (tối đa {MAX_SPEECH_CHARS} ký tự).")));
    }
    Ok(text)
}

/// The text as it should be read: citation marks dropped, abbreviations and document numbers
/// spelt out ("37-HD/BTGDVTW" → "37, hướng dẫn, ban tuyên giáo và dân vận trung ương").
pub fn spoken_form(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 64);
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        if word.is_empty() {
            return;
        }
        let caps = word.chars().count() >= 2 && word.chars().all(|c| !c.is_alphabetic() || c.is_uppercase()) && word.chars().any(char::is_alphabetic);
        match super::normalize::expansion(word).filter(|_| caps) {
            Some(expanded) => out.push_str(expanded),
            None => out.push_str(word),
        }
        word.clear();
    };
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        // "[1]", "[12]": citation marks.
        if c == '['
            && let Some(len) = chars[i + 1..].iter().position(|&x| x == ']').filter(|&n| n > 0 && n <= 3)
                && chars[i + 1..i + 1 + len].iter().all(char::is_ascii_digit) {
                    flush(&mut word, &mut out);
                    while out.ends_with(' ') {
                        out.pop();
                    }
                    i += len + 2;
                    continue;
                }
        if c.is_alphanumeric() {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            match c {
                '/' | '-' if out.ends_with(|p: char| p.is_alphanumeric()) => out.push_str(", "),
                '*' | '|' | '_' | '#' => out.push(' '),
                _ => out.push(c),
            }
        }
        i += 1;
    }
    flush(&mut word, &mut out);
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn cache_path(dir: &Path, spoken: &str) -> PathBuf {
    let digest = Sha256::new().chain_update(VOICE).chain_update(RATE).chain_update(spoken.as_bytes()).finalize();
    let name = crate::common::hex(&digest[..16]);
    dir.join(format!("{name}.wav"))
}

/// What `/api/v1/tts` does for a member: checks the text, counts the call against
/// [`SPEECH_LIMIT`] (refused with [`AppError::TooMany`] beyond it) and reads the text aloud,
/// keeping at most `max_cache_bytes` of WAV files in `cache_dir`.
pub async fn speak(db: &impl ConnectionTrait, user: &SessionUser, cache_dir: &Path, max_cache_bytes: u64, text: &str) -> AppResult<Speech> {
    checked_text(text)?;
    rate_limit::hit(db, &SPEECH_LIMIT, user.member_id).await?;
    synthesize_within(cache_dir, max_cache_bytes, text).await
}

/// Reads `text` aloud into a WAV file under `cache_dir` (or takes the one already there), the
/// cache kept within [`DEFAULT_CACHE_BYTES`].
pub async fn synthesize(cache_dir: &Path, text: &str) -> AppResult<Speech> {
    synthesize_within(cache_dir, DEFAULT_CACHE_BYTES, text).await
}

/// Reads `text` aloud into a WAV file under `cache_dir` (or takes the one already there); after
/// a new file is written, the least recently used ones are removed until the folder's WAV files
/// take at most `max_cache_bytes`.
pub async fn synthesize_within(cache_dir: &Path, max_cache_bytes: u64, text: &str) -> AppResult<Speech> {
    let spoken = spoken_form(checked_text(text)?);
    let path = cache_path(cache_dir, &spoken);
    if let Ok(wav) = tokio::fs::read(&path).await {
        // Used again: moved to the back of the eviction queue.
        let touched = path.clone();
        if let Err(e) = tokio::task::spawn_blocking(move || touch(&touched)).await {
            tracing::warn!(error = %e, "speech cache: touching an entry");
        }
        return Ok(Speech { wav, cached: true });
    }
    let turn = tokio::time::timeout(QUEUE_WAIT, VOICES.acquire())
        .await
        .map_err(|_| {
            tracing::warn!("speech: every voice busy for {QUEUE_WAIT:?}");
            // Every voice was busy for the whole wait: a minute is a fair guess for them to free.
            AppError::TooMany { message: "Máy chủ đang bận đọc cho nhiều người. Vui lòng thử lại sau ít phút.".into(), retry_secs: 60 }
        })?
        .or_internal()?;
    // Dropping the unfinished future on timeout drops the child, which kills espeak-ng.
    let wav = tokio::time::timeout(TIMEOUT, espeak(&spoken)).await.map_err(|_| {
        tracing::error!("espeak-ng took longer than {TIMEOUT:?}; killed");
        AppError::Internal
    })??;
    drop(turn);
    // Written beside, then renamed: a reader never sees half a file.
    match tokio::fs::create_dir_all(cache_dir).await {
        Ok(()) => {
            let seq = PART_SEQ.fetch_add(1, Ordering::Relaxed);
            let partial = path.with_extension(format!("{}-{seq}.part", std::process::id()));
            let stored = match tokio::fs::write(&partial, &wav).await {
                Ok(()) => tokio::fs::rename(&partial, &path).await,
                Err(e) => Err(e),
            };
            if let Err(e) = stored {
                tracing::warn!(error = %e, path = %path.display(), "speech cache: not stored");
                let _ = tokio::fs::remove_file(&partial).await;
            } else {
                let (dir, kept) = (cache_dir.to_path_buf(), path.clone());
                if let Err(e) = tokio::task::spawn_blocking(move || evict(&dir, max_cache_bytes, &kept)).await {
                    tracing::warn!(error = %e, "speech cache: eviction");
                }
            }
        }
        Err(e) => tracing::warn!(error = %e, dir = %cache_dir.display(), "speech cache: no folder"),
    }
    Ok(Speech { wav, cached: false })
}

/// Marks a cache entry as just used (its modification time is the eviction order).
fn touch(path: &Path) {
    let result = std::fs::File::options().write(true).open(path).and_then(|f| f.set_modified(SystemTime::now()));
    match result {
        Ok(()) => {}
        // Evicted meanwhile (by this server or another sharing the folder): nothing to mark.
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => tracing::warn!(error = %e, path = %path.display(), "speech cache: touching an entry"),
    }
}

/// Removes the least recently used WAV files of `dir` until they take at most `max_bytes`,
/// `keep` (just written) last of all; half-written files left by a stopped server go too.
/// Several servers may share the folder and evict at once: a file that vanishes under us was
/// removed by another and counts as removed. Returns how many files this call removed.
pub fn evict(dir: &Path, max_bytes: u64, keep: &Path) -> usize {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            if e.kind() != std::io::ErrorKind::NotFound {
                tracing::warn!(error = %e, dir = %dir.display(), "speech cache: listing");
            }
            return 0;
        }
    };
    let now = SystemTime::now();
    let mut files = Vec::new();
    let mut total: u64 = 0;
    let mut removed = 0;
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(meta) = entry.metadata() else { continue };
        if !meta.is_file() {
            continue;
        }
        let modified = meta.modified().unwrap_or(now);
        match path.extension().and_then(|e| e.to_str()) {
            Some("wav") => {
                total += meta.len();
                files.push((path == keep, modified, path, meta.len()));
            }
            Some("part") if now.duration_since(modified).is_ok_and(|age| age > STALE_PART) => removed += usize::from(remove(&path)),
            _ => {}
        }
    }
    if total <= max_bytes {
        return removed;
    }
    // Oldest use first; the entry just written only if it alone is over the cap.
    files.sort_by_key(|(just_written, modified, _, _)| (*just_written, *modified));
    for (_, _, path, len) in files {
        if total <= max_bytes {
            break;
        }
        removed += usize::from(remove(&path));
        total = total.saturating_sub(len);
    }
    removed
}

/// Removes a cache file; true when this call removed it. A file already gone is not an error.
fn remove(path: &Path) -> bool {
    match std::fs::remove_file(path) {
        Ok(()) => true,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => false,
        Err(e) => {
            tracing::warn!(error = %e, path = %path.display(), "speech cache: removing");
            false
        }
    }
}

/// espeak-ng with the Vietnamese voice, text on standard input (never on the command line).
/// The child is killed when this future is dropped (the caller's timeout), so a stuck voice
/// never outlives its request.
async fn espeak(spoken: &str) -> AppResult<Vec<u8>> {
    use tokio::io::AsyncWriteExt;
    let mut child = tokio::process::Command::new("espeak-ng")
        .args(["-v", VOICE, "-s", RATE, "--stdout"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| {
            tracing::error!(error = %e, "espeak-ng could not start (is it installed?)");
            AppError::Conflict("Máy chủ chưa có giọng đọc tiếng Việt; vui lòng báo quản trị viên cài espeak-ng.".into())
        })?;
    let Some(mut stdin) = child.stdin.take() else {
        tracing::error!("espeak-ng: no standard input");
        return Err(AppError::Internal);
    };
    // Written while the output is read, then closed so espeak-ng knows the text has ended.
    let write = async move {
        let written = stdin.write_all(spoken.as_bytes()).await;
        drop(stdin);
        written
    };
    let (written, output) = tokio::join!(write, child.wait_with_output());
    let output = output.or_internal()?;
    if let Err(e) = written {
        tracing::error!(error = %e, "espeak-ng input");
        return Err(AppError::Internal);
    }
    if !output.status.success() || !output.stdout.starts_with(b"RIFF") {
        tracing::error!(status = %output.status, "espeak-ng failed");
        return Err(AppError::Internal);
    }
    Ok(fix_stream_sizes(output.stdout))
}

/// espeak-ng writing to a pipe cannot go back to fill in the RIFF and data sizes; some players
/// refuse such files, so the sizes are set from the bytes received.
fn fix_stream_sizes(mut wav: Vec<u8>) -> Vec<u8> {
    if wav.len() < 44 || &wav[0..4] != b"RIFF" || &wav[8..12] != b"WAVE" {
        return wav;
    }
    let riff = (wav.len() - 8) as u32;
    wav[4..8].copy_from_slice(&riff.to_le_bytes());
    // Walk the chunks to the "data" one.
    let mut at = 12;
    while at + 8 <= wav.len() {
        let id = [wav[at], wav[at + 1], wav[at + 2], wav[at + 3]];
        if &id == b"data" {
            let size = (wav.len() - at - 8) as u32;
            wav[at + 4..at + 8].copy_from_slice(&size.to_le_bytes());
            break;
        }
        let size = u32::from_le_bytes([wav[at + 4], wav[at + 5], wav[at + 6], wav[at + 7]]) as usize;
        at += 8 + size + (size & 1);
    }
    wav
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn document_numbers_and_citations_are_spelt_out() {
        assert_eq!(spoken_form("Hướng dẫn 37-HD/BTGDVTW [1]."), "Hướng dẫn 37, hướng dẫn, ban tuyên giáo và dân vận trung ương.");
        assert_eq!(spoken_form("Đảng viên **có** quyền [2]"), "Đảng viên có quyền");
        assert_eq!(spoken_form("UBKT và BCH"), "ủy ban kiểm tra và ban chấp hành");
    }

    #[test]
    fn empty_and_huge_texts_are_refused() {
        assert!(matches!(checked_text("  \n "), Err(AppError::Invalid(_))));
        assert!(matches!(checked_text(&"a".repeat(MAX_SPEECH_CHARS + 1)), Err(AppError::Invalid(_))));
    }
}
