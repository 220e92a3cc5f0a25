//! The shared kernel: small helpers every feature may use, owned by none of them.

pub mod time;

/// Lower-case hexadecimal of bytes (digests, tokens, random ids).
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::with_capacity(bytes.len() * 2), |mut out, b| {
        let _ = write!(out, "{b:02x}");
        out
    })
}
pub mod client_id;
#[cfg(feature = "ssr")]
pub mod rate_limit;
#[cfg(feature = "ssr")]
pub mod secret;
