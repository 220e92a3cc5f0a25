//! Device-made ids. Offline and retried writes carry a random id made on the device, so a
//! resend lands once. An id is only ever looked up among the caller's own rows: whether some
//! other member used an id must never show (it would tell who wrote what).

use crate::error::AppError;

/// Device ids are UUID-like: 8–64 characters of hex digits and dashes.
pub fn valid(id: &str) -> bool {
    (8..=64).contains(&id.len()) && id.chars().all(|c| c.is_ascii_hexdigit() || c == '-')
}

/// The answer when an id is malformed, or (vanishingly unlikely with random ids, or someone
/// replaying another member's id) already used by another member: the same words either way, so
/// the answer tells nothing about anyone else.
pub fn rejected() -> AppError {
    AppError::invalid("client_id", REJECTED)
}

/// The words of [`rejected`].
pub const REJECTED: &str = "Mã thiết bị của thao tác không hợp lệ; vui lòng tải lại trang và thử lại.";

/// A new random device id (128 bits, UUID layout) from the platform's secure generator.
pub fn new() -> String {
    let mut bytes = [0u8; 16];
    fill_random(&mut bytes);
    let hex = super::hex(&bytes);
    format!("{}-{}-{}-{}-{}", &hex[..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..])
}

#[cfg(feature = "ssr")]
fn fill_random(bytes: &mut [u8]) {
    if let Err(e) = getrandom::fill(bytes) {
        tracing::error!(error = %e, "no secure random source");
    }
}

#[cfg(not(feature = "ssr"))]
fn fill_random(bytes: &mut [u8]) {
    let filled = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .is_some_and(|c| c.get_random_values_with_u8_array(bytes).is_ok());
    if !filled {
        // Every browser the handbook supports has Web Crypto; this is only a last resort.
        for b in bytes.iter_mut() {
            *b = (js_sys::Math::random() * 256.0) as u8;
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn new_ids_are_valid_and_differ() {
        let a = super::new();
        let b = super::new();
        assert!(super::valid(&a), "{a}");
        assert_eq!(a.len(), 36);
        assert_ne!(a, b);
        assert!(!super::valid("not-hex!"));
        assert!(!super::valid("abc"));
    }
}
