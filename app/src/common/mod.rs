//! The shared kernel: small helpers every feature may use, owned by none of them.

pub mod time;

/// Tenths as Vietnamese readers write a number with one decimal: 89,9 (scores, star averages).
pub fn tenths_text(tenths: i32) -> String {
    if tenths % 10 == 0 { (tenths / 10).to_string() } else { format!("{},{}", tenths / 10, (tenths % 10).abs()) }
}

/// The label for a stored code in a (code, label) table, or the code itself if unknown.
pub fn label_of(table: &[(&'static str, &'static str)], code: &str) -> String {
    table.iter().find(|(c, _)| *c == code).map(|(_, l)| l.to_string()).unwrap_or_else(|| code.to_string())
}

/// Lower-case hexadecimal of bytes (digests, tokens, random ids).
pub fn hex(bytes: &[u8]) -> String {
    hex::encode(bytes)
}

/// The SHA-256 of bytes, in lower-case hexadecimal (checksums, token hashes, stored names).
#[cfg(feature = "ssr")]
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    hex(&Sha256::digest(bytes))
}
pub mod client_id;
pub mod report;
#[cfg(feature = "ssr")]
pub mod rate_limit;
#[cfg(feature = "ssr")]
pub mod secret;
