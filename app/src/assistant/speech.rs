//! Speech made on the server, for devices without a Vietnamese voice of their own (desktop
//! Chromium on Linux, many older Android phones): espeak-ng's Vietnamese voice, as WAV, kept on
//! disk under the hash of what is read so a repeated answer or article costs nothing.
//!
//! Documents are full of forms a voice reads badly: "37-HD/BTGDVTW", "[1]", "Đ/c". They are
//! spelt out first, with the assistant's own abbreviation list.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use sha2::{Digest, Sha256};

use crate::error::{AppError, AppResult};

/// Longest text read in one piece (an answer, or one article of a document).
pub const MAX_SPEECH_CHARS: usize = 4000;
const VOICE: &str = "vi";
/// Words per minute: a little slower than espeak's default, for older listeners.
const RATE: &str = "150";
const TIMEOUT: Duration = Duration::from_secs(20);

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
        if c == '[' {
            if let Some(len) = chars[i + 1..].iter().position(|&x| x == ']').filter(|&n| n > 0 && n <= 3) {
                if chars[i + 1..i + 1 + len].iter().all(char::is_ascii_digit) {
                    flush(&mut word, &mut out);
                    while out.ends_with(' ') {
                        out.pop();
                    }
                    i += len + 2;
                    continue;
                }
            }
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
    let name: String = digest.iter().take(16).map(|b| format!("{b:02x}")).collect();
    dir.join(format!("{name}.wav"))
}

/// Reads `text` aloud into a WAV file under `cache_dir` (or takes the one already there).
pub async fn synthesize(cache_dir: &Path, text: &str) -> AppResult<Speech> {
    let spoken = spoken_form(checked_text(text)?);
    let path = cache_path(cache_dir, &spoken);
    if let Ok(wav) = tokio::fs::read(&path).await {
        return Ok(Speech { wav, cached: true });
    }
    let wav = tokio::time::timeout(TIMEOUT, espeak(&spoken)).await.map_err(|_| {
        tracing::error!("espeak-ng took too long");
        AppError::Internal
    })??;
    // Written beside, then renamed: a reader never sees half a file.
    if tokio::fs::create_dir_all(cache_dir).await.is_ok() {
        let partial = path.with_extension(format!("{}.part", std::process::id()));
        if tokio::fs::write(&partial, &wav).await.is_ok() && tokio::fs::rename(&partial, &path).await.is_err() {
            let _ = tokio::fs::remove_file(&partial).await;
        }
    }
    Ok(Speech { wav, cached: false })
}

/// espeak-ng with the Vietnamese voice, text on standard input (never on the command line),
/// on a blocking thread: it is a short-lived child process.
async fn espeak(spoken: &str) -> AppResult<Vec<u8>> {
    let spoken = spoken.to_string();
    tokio::task::spawn_blocking(move || run_espeak(&spoken)).await.map_err(|e| {
        tracing::error!(error = %e, "espeak-ng thread");
        AppError::Internal
    })?
}

fn run_espeak(spoken: &str) -> AppResult<Vec<u8>> {
    use std::io::Write;
    let mut child = std::process::Command::new("espeak-ng")
        .args(["-v", VOICE, "-s", RATE, "--stdout"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| {
            tracing::error!(error = %e, "espeak-ng could not start (is it installed?)");
            AppError::Conflict("Máy chủ chưa có giọng đọc tiếng Việt; vui lòng báo quản trị viên cài espeak-ng.".into())
        })?;
    let written = child.stdin.take().map(|mut stdin| stdin.write_all(spoken.as_bytes()));
    let output = child.wait_with_output().map_err(|e| {
        tracing::error!(error = %e, "espeak-ng output");
        AppError::Internal
    })?;
    if let Some(Err(e)) = written {
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
