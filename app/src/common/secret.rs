//! The server's secret key: kept outside the database (environment or a file beside it), so
//! that someone who reads the whole database still cannot tell who rated a meeting or use the
//! push signing key. Several servers on one database must be given the same key.

use std::path::Path;

use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce};
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// 32 random bytes. `Debug` never prints them.
#[derive(Clone)]
pub struct SecretKey([u8; 32]);

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretKey(…)")
    }
}

/// A fresh random key: for tests and for a configuration nobody loaded a key into.
impl Default for SecretKey {
    fn default() -> Self {
        let mut bytes = [0u8; 32];
        if let Err(e) = getrandom::fill(&mut bytes) {
            tracing::error!(error = %e, "no secure random source for the secret key");
        }
        Self(bytes)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    #[error("SOTAY_SECRET_KEY phải gồm đúng 64 chữ số hệ mười sáu (32 byte)")]
    Malformed,
    #[error("không đọc/ghi được tệp khóa bí mật {path}: {cause}")]
    File { path: String, cause: std::io::Error },
    #[error("không giải mã được dữ liệu: khóa bí mật khác với khóa đã dùng để mã hóa")]
    WrongKey,
}

impl SecretKey {
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    pub fn from_hex(text: &str) -> Result<Self, SecretError> {
        let text = text.trim();
        if text.len() != 64 || !text.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(SecretError::Malformed);
        }
        let mut bytes = [0u8; 32];
        hex::decode_to_slice(text, &mut bytes).map_err(|_| SecretError::Malformed)?;
        Ok(Self(bytes))
    }

    /// Reads the key from `path`, or makes one there (readable by the owner only) on first run.
    pub fn load_or_create(path: &Path) -> Result<Self, SecretError> {
        let io = |cause| SecretError::File { path: path.display().to_string(), cause };
        match std::fs::read_to_string(path) {
            Ok(text) => Self::from_hex(&text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir).map_err(io)?;
                }
                let key = Self::default();
                let hex = super::hex(&key.0);
                write_private(path, &hex).map_err(io)?;
                // Two servers starting at once on one folder: whoever wrote first wins.
                Self::from_hex(&std::fs::read_to_string(path).map_err(io)?)
            }
            Err(e) => Err(io(e)),
        }
    }

    /// A keyed fingerprint (HMAC-SHA-256, hex) of `parts` for `purpose`: the same input always
    /// gives the same tag, and without the key nobody can compute or test one.
    pub fn tag(&self, purpose: &str, parts: &[&str]) -> String {
        // HMAC pads a short key with zeros to its block size: the same as passing the key itself.
        let mut block = [0u8; 64];
        block[..32].copy_from_slice(&self.0);
        let mut mac = <Hmac<Sha256> as hmac::digest::KeyInit>::new(&block.into());
        mac.update(purpose.as_bytes());
        for part in parts {
            mac.update(&[0]);
            mac.update(part.as_bytes());
        }
        super::hex(&mac.finalize().into_bytes())
    }

    /// A short public name for the key (never the key): servers on one database must show the
    /// same, and the command line says which key a printed activation code belongs to.
    pub fn fingerprint(&self) -> String {
        self.tag("fingerprint", &[]).chars().take(12).collect()
    }

    /// Encrypts `plain` (AES-256-GCM, random nonce first).
    pub fn seal(&self, plain: &[u8]) -> Vec<u8> {
        let cipher = Aes256Gcm::new(&self.0.into());
        let mut nonce = [0u8; 12];
        if let Err(e) = getrandom::fill(&mut nonce) {
            tracing::error!(error = %e, "no secure random source for a nonce");
        }
        let mut out = nonce.to_vec();
        // Encryption with a valid key and nonce cannot fail for inputs under 64 GiB.
        out.extend(cipher.encrypt(Nonce::from_slice(&nonce), plain).unwrap_or_default());
        out
    }

    pub fn open(&self, sealed: &[u8]) -> Result<Vec<u8>, SecretError> {
        if sealed.len() < 12 + 16 {
            return Err(SecretError::WrongKey);
        }
        let cipher = Aes256Gcm::new(&self.0.into());
        cipher.decrypt(Nonce::from_slice(&sealed[..12]), &sealed[12..]).map_err(|_| SecretError::WrongKey)
    }
}

/// Writes `text` to `path` unless a file is there already. The text goes to a file of this
/// process first and is then linked into place, so a server starting at the same moment never
/// reads a half-written key: it finds either no file or the whole key.
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut tmp_name = path.file_name().unwrap_or_default().to_os_string();
    tmp_name.push(format!(".{}.tmp", std::process::id()));
    let tmp = path.with_file_name(tmp_name);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let written = options.open(&tmp).and_then(|mut file| {
        file.write_all(text.as_bytes())?;
        file.sync_all()
    });
    let linked = written.and_then(|()| match std::fs::hard_link(&tmp, path) {
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        other => other,
    });
    let _ = std::fs::remove_file(&tmp);
    linked
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_depend_on_key_and_input_and_sealed_data_opens_only_with_its_key() {
        let a = SecretKey::from_bytes([1; 32]);
        let b = SecretKey::from_bytes([2; 32]);
        assert_eq!(a.tag("rater", &["7", "12"]), a.tag("rater", &["7", "12"]));
        assert_ne!(a.tag("rater", &["7", "12"]), b.tag("rater", &["7", "12"]));
        assert_ne!(a.tag("rater", &["71", "2"]), a.tag("rater", &["7", "12"]));
        assert_eq!(a.tag("rater", &["1"]).len(), 64);
        let sealed = a.seal(b"bi mat");
        assert_eq!(a.open(&sealed).unwrap(), b"bi mat");
        assert!(b.open(&sealed).is_err());
        assert!(SecretKey::from_hex("zz").is_err());
        let dir = std::env::temp_dir().join(format!("sotay-key-{}", std::process::id()));
        let path = dir.join("secret.key");
        let first = SecretKey::load_or_create(&path).unwrap();
        let again = SecretKey::load_or_create(&path).unwrap();
        assert_eq!(first.tag("x", &[]), again.tag("x", &[]));
        std::fs::remove_dir_all(dir).unwrap();
    }
}
