//! Web Push without a hosted service: the server signs with its own VAPID key (RFC 8292, made on
//! first run and kept in the database), encrypts each message for the browser (RFC 8291,
//! aes128gcm) and posts it to the browser's push service. Pushes wait in `push_outbox`, written
//! in the transaction of the change they report, so a push exists exactly when the change does.

use std::collections::{HashMap, HashSet};

use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes128Gcm, Nonce};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use chrono::{Duration, Utc};
use hkdf::Hkdf;
use p256::ecdsa::signature::Signer;
use p256::ecdsa::{Signature, SigningKey};
use p256::elliptic_curve::sec1::ToEncodedPoint;
use p256::{PublicKey, SecretKey};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use serde::Serialize;
use sha2::Sha256;

use crate::auth::SessionUser;
use crate::db::entities::{app_secret, push_outbox, push_subscription};
use crate::error::{AppError, AppResult, OrInternal};

const VAPID_SECRET: &str = "vapid_private_key";
/// Records are never split: one 4096-byte record holds any message this app sends.
const RECORD_SIZE: u32 = 4096;
/// A push not delivered after this many tries is dropped (the inbox still has it).
const MAX_ATTEMPTS: i32 = 5;
/// Push services keep an undelivered message this long (seconds) for a phone that is off.
const TTL_SECONDS: u32 = 24 * 3600;
/// Browsers one member may have subscribed. Past it the member's oldest subscription goes
/// rather than the new one being refused: a member who changes phones (or clears a browser)
/// must still get pushes on the device in hand, and the oldest is the likeliest to be gone.
pub const MAX_DEVICES: usize = 10;
/// Pushes in flight at once: one push service that stalls holds one slot, not the queue.
pub const PARALLEL_SENDS: usize = 16;
/// Longest one push may take; past it the push is retried later.
pub const SEND_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);
/// How far a claimed push is moved ahead: longer than a delivery pass takes, so another server
/// does not take it up again while this one is still sending it.
const CLAIM: Duration = Duration::minutes(5);

#[derive(Debug, thiserror::Error)]
pub enum PushError {
    #[error("invalid key material")]
    Key,
    #[error("encryption failed")]
    Encrypt,
    #[error("bad endpoint")]
    Endpoint,
    #[error("push service answered {0}")]
    Status(u16),
    #[error("network: {0}")]
    Network(String),
    #[error("no random source")]
    Random,
}

/// The push services browsers use; a subscription elsewhere is refused so a member cannot make
/// the server post to arbitrary (internal) addresses.
const PUSH_HOSTS: [&str; 5] = ["fcm.googleapis.com", "android.googleapis.com", "push.services.mozilla.com", "push.apple.com", "notify.windows.com"];

/// A deployment's push settings (part of its configuration).
#[derive(Debug, Clone)]
pub struct PushSettings {
    /// `SOTAY_PUSH_CONTACT`: how push services reach the operator (`mailto:` or `https:`).
    pub contact: String,
    /// Lets subscriptions point at `http://127.0.0.1` (a push service run by the tests); never
    /// set in production, where only the browsers' push services are allowed.
    pub allow_local: bool,
}

impl Default for PushSettings {
    fn default() -> Self {
        Self { contact: "mailto:quantri@sotay.local".into(), allow_local: false }
    }
}

fn endpoint_allowed(settings: &PushSettings, endpoint: &str) -> bool {
    let Ok(url) = reqwest::Url::parse(endpoint) else { return false };
    let host = url.host_str().unwrap_or_default();
    match url.scheme() {
        "https" => PUSH_HOSTS.iter().any(|h| host == *h || host.ends_with(&format!(".{h}"))),
        "http" => settings.allow_local && matches!(host, "127.0.0.1" | "localhost"),
        _ => false,
    }
}

fn random_bytes<const N: usize>() -> Result<[u8; N], PushError> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|_| PushError::Random)?;
    Ok(bytes)
}

fn random_secret() -> Result<SecretKey, PushError> {
    loop {
        // Almost every 32-byte string is a valid scalar; the loop only guards the rest.
        if let Ok(key) = SecretKey::from_slice(&random_bytes::<32>()?) {
            return Ok(key);
        }
    }
}

/// The server's application-server key pair.
#[derive(Clone)]
pub struct VapidKey {
    secret: SecretKey,
}

impl VapidKey {
    pub fn from_base64(value: &str) -> Option<VapidKey> {
        SecretKey::from_slice(&B64.decode(value).ok()?).ok().map(|secret| VapidKey { secret })
    }

    pub fn to_base64(&self) -> String {
        B64.encode(self.secret.to_bytes())
    }

    /// The uncompressed public point, base64url: the browser's `applicationServerKey`.
    pub fn public_base64(&self) -> String {
        B64.encode(self.secret.public_key().to_encoded_point(false).as_bytes())
    }

    /// `vapid t=<JWT>, k=<public key>` for a push to `endpoint`.
    pub fn authorization(&self, endpoint: &str, contact: &str) -> Result<String, PushError> {
        let url = reqwest::Url::parse(endpoint).map_err(|_| PushError::Endpoint)?;
        let audience = url.origin().ascii_serialization();
        let header = B64.encode(br#"{"typ":"JWT","alg":"ES256"}"#);
        let claims = serde_json::json!({ "aud": audience, "exp": (Utc::now() + Duration::hours(12)).timestamp(), "sub": contact });
        let signing_input = format!("{header}.{}", B64.encode(claims.to_string()));
        let signature: Signature = SigningKey::from(&self.secret).sign(signing_input.as_bytes());
        Ok(format!("vapid t={signing_input}.{}, k={}", B64.encode(signature.to_bytes()), self.public_base64()))
    }
}

/// The server's VAPID key, made and stored on first use; every server of a cluster reads the
/// same row, so browsers subscribed through one are reachable from all. The row holds the key
/// sealed with the server's secret key (kept outside the database), so a copy of the database
/// cannot sign pushes; a row from before sealing is sealed on first read.
pub async fn vapid_key(db: &impl ConnectionTrait, secret: &crate::common::secret::SecretKey) -> AppResult<VapidKey> {
    if let Some(row) = app_secret::Entity::find_by_id(VAPID_SECRET).one(db).await? {
        return match row.value.strip_prefix(SEALED) {
            Some(sealed) => unseal(secret, sealed),
            None => {
                // Sealed only if still in the clear (another server may be sealing it now), then
                // read back: a server with a different secret key fails here, loudly.
                let key = VapidKey::from_base64(&row.value).ok_or(AppError::Internal)?;
                app_secret::Entity::update_many()
                    .col_expr(app_secret::Column::Value, sea_orm::sea_query::Expr::value(seal(secret, &key)))
                    .filter(app_secret::Column::Name.eq(VAPID_SECRET))
                    .filter(app_secret::Column::Value.eq(row.value.as_str()))
                    .exec(db)
                    .await?;
                let stored = app_secret::Entity::find_by_id(VAPID_SECRET).one(db).await?.ok_or(AppError::Internal)?;
                unseal(secret, stored.value.strip_prefix(SEALED).ok_or(AppError::Internal)?)
            }
        };
    }
    let fresh = VapidKey { secret: random_secret().or_internal()? };
    // Two servers starting together: the first insert wins and both read it back.
    app_secret::Entity::insert(app_secret::ActiveModel {
        name: Set(VAPID_SECRET.into()),
        value: Set(seal(secret, &fresh)),
        created_at: Set(Utc::now()),
    })
    .on_conflict(OnConflict::column(app_secret::Column::Name).do_nothing().to_owned())
    .exec_without_returning(db)
    .await?;
    let row = app_secret::Entity::find_by_id(VAPID_SECRET).one(db).await?.ok_or(AppError::Internal)?;
    unseal(secret, row.value.strip_prefix(SEALED).ok_or(AppError::Internal)?)
}

/// Marks a stored value sealed with the server's secret key.
const SEALED: &str = "sealed:";

fn seal(secret: &crate::common::secret::SecretKey, key: &VapidKey) -> String {
    format!("{SEALED}{}", B64.encode(secret.seal(key.to_base64().as_bytes())))
}

fn unseal(secret: &crate::common::secret::SecretKey, sealed: &str) -> AppResult<VapidKey> {
    let opened = B64.decode(sealed).ok().and_then(|bytes| secret.open(&bytes).ok()).ok_or_else(|| {
        // Every server on one database needs the same SOTAY_SECRET_KEY.
        tracing::error!("the stored push key does not open with this server's secret key (SOTAY_SECRET_KEY differs between servers?)");
        AppError::Internal
    })?;
    std::str::from_utf8(&opened).ok().and_then(VapidKey::from_base64).ok_or(AppError::Internal)
}

fn hkdf_expand(salt: &[u8], ikm: &[u8], info: &[u8], out: &mut [u8]) -> Result<(), PushError> {
    Hkdf::<Sha256>::new(Some(salt), ikm).expand(info, out).map_err(|_| PushError::Encrypt)
}

/// Encrypts `plaintext` for a browser (RFC 8291) with the given salt and sender key; the public
/// entry point picks both at random. One record, no padding.
pub fn encrypt_with(plaintext: &[u8], ua_public: &[u8], auth: &[u8], salt: &[u8; 16], sender: &SecretKey) -> Result<Vec<u8>, PushError> {
    let receiver = PublicKey::from_sec1_bytes(ua_public).map_err(|_| PushError::Key)?;
    if auth.len() != 16 || plaintext.len() + 17 > RECORD_SIZE as usize {
        return Err(PushError::Key);
    }
    let sender_public = sender.public_key().to_encoded_point(false);
    let shared = p256::ecdh::diffie_hellman(sender.to_nonzero_scalar(), receiver.as_affine());
    let mut key_info = b"WebPush: info\0".to_vec();
    key_info.extend_from_slice(ua_public);
    key_info.extend_from_slice(sender_public.as_bytes());
    let mut ikm = [0u8; 32];
    hkdf_expand(auth, shared.raw_secret_bytes(), &key_info, &mut ikm)?;
    let (mut cek, mut nonce) = ([0u8; 16], [0u8; 12]);
    hkdf_expand(salt, &ikm, b"Content-Encoding: aes128gcm\0", &mut cek)?;
    hkdf_expand(salt, &ikm, b"Content-Encoding: nonce\0", &mut nonce)?;
    let mut record = plaintext.to_vec();
    record.push(2); // the last (and only) record's delimiter
    let sealed = Aes128Gcm::new_from_slice(&cek).map_err(|_| PushError::Encrypt)?.encrypt(Nonce::from_slice(&nonce), record.as_slice()).map_err(|_| PushError::Encrypt)?;
    let mut body = Vec::with_capacity(86 + sealed.len());
    body.extend_from_slice(salt);
    body.extend_from_slice(&RECORD_SIZE.to_be_bytes());
    body.push(sender_public.as_bytes().len() as u8);
    body.extend_from_slice(sender_public.as_bytes());
    body.extend_from_slice(&sealed);
    Ok(body)
}

pub fn encrypt(plaintext: &[u8], ua_public: &[u8], auth: &[u8]) -> Result<Vec<u8>, PushError> {
    encrypt_with(plaintext, ua_public, auth, &random_bytes::<16>()?, &random_secret()?)
}

/// What the service worker shows.
#[derive(Debug, Serialize)]
struct Message<'a> {
    title: &'a str,
    body: &'a str,
    url: &'a str,
    tag: &'a str,
}

fn kind_heading(kind: &str) -> &'static str {
    super::KINDS.iter().find(|(k, _)| *k == kind).map_or("Sổ tay đảng viên", |(_, label)| label)
}

/// Stores (or moves to this member) a browser's subscription.
pub async fn subscribe(db: &DatabaseConnection, settings: &PushSettings, user: &SessionUser, endpoint: &str, p256dh: &str, auth: &str, user_agent: &str) -> AppResult<()> {
    let endpoint = endpoint.trim();
    if endpoint.len() > 1024 || !endpoint_allowed(settings, endpoint) {
        return Err(AppError::invalid("endpoint", "Dịch vụ thông báo đẩy của trình duyệt này không được hỗ trợ."));
    }
    let key_ok = B64.decode(p256dh.trim_end_matches('=')).ok().is_some_and(|k| PublicKey::from_sec1_bytes(&k).is_ok());
    let auth_ok = B64.decode(auth.trim_end_matches('=')).ok().is_some_and(|a| a.len() == 16);
    if !key_ok || !auth_ok {
        return Err(AppError::invalid("endpoint", "Khóa đăng ký thông báo đẩy không hợp lệ."));
    }
    let row = push_subscription::ActiveModel {
        member_id: Set(user.member_id),
        endpoint: Set(endpoint.to_string()),
        p256dh: Set(p256dh.trim_end_matches('=').to_string()),
        auth: Set(auth.trim_end_matches('=').to_string()),
        user_agent: Set(user_agent.chars().take(255).collect()),
        created_at: Set(Utc::now()),
        last_used_at: Set(None),
        ..Default::default()
    };
    // The same browser re-subscribing (or passed to another member on a shared phone) keeps one row.
    push_subscription::Entity::insert(row)
        .on_conflict(
            OnConflict::column(push_subscription::Column::Endpoint)
                .update_columns([push_subscription::Column::MemberId, push_subscription::Column::P256dh, push_subscription::Column::Auth, push_subscription::Column::UserAgent])
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    drop_oldest_devices(db, user.member_id).await
}

/// Keeps a member's newest [`MAX_DEVICES`] subscriptions and removes the rest.
async fn drop_oldest_devices(db: &impl ConnectionTrait, member_id: i64) -> AppResult<()> {
    let ids: Vec<i64> = push_subscription::Entity::find()
        .select_only()
        .column(push_subscription::Column::Id)
        .filter(push_subscription::Column::MemberId.eq(member_id))
        .order_by_desc(push_subscription::Column::CreatedAt)
        .order_by_desc(push_subscription::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    let oldest: Vec<i64> = ids.into_iter().skip(MAX_DEVICES).collect();
    if !oldest.is_empty() {
        tracing::info!(member = member_id, removed = oldest.len(), "push: oldest subscriptions over the cap removed");
        push_subscription::Entity::delete_many().filter(push_subscription::Column::Id.is_in(oldest)).exec(db).await?;
    }
    Ok(())
}

pub async fn unsubscribe(db: &DatabaseConnection, user: &SessionUser, endpoint: &str) -> AppResult<()> {
    push_subscription::Entity::delete_many()
        .filter(push_subscription::Column::Endpoint.eq(endpoint.trim()))
        .filter(push_subscription::Column::MemberId.eq(user.member_id))
        .exec(db)
        .await?;
    Ok(())
}

/// How many browsers of a member accept pushes.
pub async fn devices(db: &impl ConnectionTrait, member_id: i64) -> AppResult<i64> {
    use sea_orm::PaginatorTrait;
    Ok(push_subscription::Entity::find().filter(push_subscription::Column::MemberId.eq(member_id)).count(db).await? as i64)
}

/// What one delivery pass did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Delivery {
    pub sent: usize,
    /// Subscriptions the push service said are gone (removed).
    pub gone: usize,
    /// Pushes put back for a later try.
    pub retried: usize,
    /// Pushes given up after too many tries.
    pub dropped: usize,
}

/// Sends the pushes that are due, at most `limit`. Each row is claimed first (its next attempt
/// moved ahead) so two servers never send the same one. Pushes go out [`PARALLEL_SENDS`] at a
/// time, each cut at [`SEND_TIMEOUT`]: a push service that stalls delays only its own browsers.
/// A push that failed for some browser is retried later with back-off, and dropped after
/// [`MAX_ATTEMPTS`] tries; a subscription the push service says is gone (404, 410) is removed.
pub async fn deliver_due(db: &DatabaseConnection, key: &VapidKey, client: &reqwest::Client, settings: &PushSettings, limit: u64) -> AppResult<Delivery> {
    use futures::stream::{self, StreamExt};

    let now = Utc::now();
    let due = push_outbox::Entity::find()
        .filter(push_outbox::Column::NextAttemptAt.lte(now))
        .order_by_asc(push_outbox::Column::NextAttemptAt)
        .limit(limit)
        .all(db)
        .await?;
    let mut items = Vec::with_capacity(due.len());
    for item in due {
        let claimed = push_outbox::Entity::update_many()
            .col_expr(push_outbox::Column::NextAttemptAt, Expr::value(now + CLAIM))
            .filter(push_outbox::Column::Id.eq(item.id))
            .filter(push_outbox::Column::NextAttemptAt.eq(item.next_attempt_at))
            .exec(db)
            .await?;
        if claimed.rows_affected > 0 {
            items.push(item);
        }
    }
    let mut report = Delivery::default();
    if items.is_empty() {
        return Ok(report);
    }
    let mut messages = Vec::with_capacity(items.len());
    for item in &items {
        let message = serde_json::to_vec(&Message { title: kind_heading(&item.kind), body: &item.title, url: &item.link, tag: &item.kind }).or_internal()?;
        messages.push(message);
    }
    let members: HashSet<i64> = items.iter().map(|i| i.member_id).collect();
    let subscriptions = push_subscription::Entity::find()
        .filter(push_subscription::Column::MemberId.is_in(members))
        .order_by_asc(push_subscription::Column::Id)
        .all(db)
        .await?;
    // Checked again when sending, not only when subscribing: a subscription stored under other
    // settings (a test server on the same database) is removed, never posted to.
    let (subscriptions, refused): (Vec<_>, Vec<_>) =
        subscriptions.into_iter().partition(|s| endpoint_allowed(settings, &s.endpoint));
    // One job per browser, with the pushes due to it in order: a browser gets its pushes one
    // after another, browsers are served side by side.
    let mut due_to: HashMap<i64, Vec<usize>> = HashMap::new();
    for (n, item) in items.iter().enumerate() {
        due_to.entry(item.member_id).or_default().push(n);
    }
    let jobs: Vec<(&push_subscription::Model, &[usize])> =
        subscriptions.iter().filter_map(|sub| due_to.get(&sub.member_id).map(|pushes| (sub, pushes.as_slice()))).collect();
    // The futures are made first, not by a closure inside the stream: with such a closure over
    // borrowed data the compiler (higher-ranked lifetimes) rejects the spawned delivery loop.
    let sends: Vec<_> = jobs.into_iter().map(|(sub, pushes)| deliver_to(client, key, &settings.contact, sub, pushes, &messages)).collect();
    let outcomes: Vec<(&push_subscription::Model, BrowserOutcome)> = stream::iter(sends).buffer_unordered(PARALLEL_SENDS).collect().await;

    let mut reached = Vec::new();
    let mut gone: Vec<i64> = refused.iter().map(|s| s.id).collect();
    let mut failed: HashSet<usize> = HashSet::new();
    for (sub, outcome) in outcomes {
        report.sent += outcome.sent;
        if outcome.sent > 0 {
            reached.push(sub.id);
        }
        if outcome.gone {
            gone.push(sub.id);
        }
        if let Some((error, unsent)) = outcome.failed {
            tracing::warn!(member = sub.member_id, subscription = sub.id, error = %error, pushes = unsent.len(), "push not delivered");
            failed.extend(unsent);
        }
    }
    if !reached.is_empty() {
        push_subscription::Entity::update_many()
            .col_expr(push_subscription::Column::LastUsedAt, Expr::value(Some(now)))
            .filter(push_subscription::Column::Id.is_in(reached))
            .exec(db)
            .await?;
    }
    if !gone.is_empty() {
        report.gone = gone.len();
        push_subscription::Entity::delete_many().filter(push_subscription::Column::Id.is_in(gone)).exec(db).await?;
    }
    for (n, item) in items.into_iter().enumerate() {
        let item_failed = failed.contains(&n);
        if item_failed && item.attempts + 1 < MAX_ATTEMPTS {
            report.retried += 1;
            let mut active: push_outbox::ActiveModel = item.clone().into();
            active.attempts = Set(item.attempts + 1);
            active.next_attempt_at = Set(now + Duration::seconds(30 << item.attempts.clamp(0, 6)));
            active.update(db).await?;
        } else {
            report.dropped += usize::from(item_failed);
            push_outbox::Entity::delete_by_id(item.id).exec(db).await?;
        }
    }
    Ok(report)
}

/// What became of the pushes due to one browser.
#[derive(Debug, Default)]
struct BrowserOutcome {
    sent: usize,
    /// The push service says the subscription is gone: it is removed, nothing more is owed.
    gone: bool,
    /// Why delivery stopped and the pushes (indices) not delivered, to try again later.
    failed: Option<(PushError, Vec<usize>)>,
}

/// Sends `pushes` (indices into `messages`) to one browser, in order. After a failure the rest
/// wait for the retry rather than each waiting out the same stalled service.
async fn deliver_to<'a>(
    client: &reqwest::Client,
    key: &VapidKey,
    contact: &str,
    sub: &'a push_subscription::Model,
    pushes: &[usize],
    messages: &[Vec<u8>],
) -> (&'a push_subscription::Model, BrowserOutcome) {
    let mut outcome = BrowserOutcome::default();
    for (k, &n) in pushes.iter().enumerate() {
        match send(client, key, contact, sub, &messages[n]).await {
            Ok(()) => outcome.sent += 1,
            Err(PushError::Status(404 | 410)) | Err(PushError::Key) | Err(PushError::Endpoint) => {
                outcome.gone = true;
                break;
            }
            Err(e) => {
                outcome.failed = Some((e, pushes[k..].to_vec()));
                break;
            }
        }
    }
    (sub, outcome)
}

async fn send(client: &reqwest::Client, key: &VapidKey, contact: &str, sub: &push_subscription::Model, message: &[u8]) -> Result<(), PushError> {
    let ua_public = B64.decode(&sub.p256dh).map_err(|_| PushError::Key)?;
    let auth = B64.decode(&sub.auth).map_err(|_| PushError::Key)?;
    let body = encrypt(message, &ua_public, &auth)?;
    let response = client
        .post(&sub.endpoint)
        .header("Authorization", key.authorization(&sub.endpoint, contact)?)
        .header("Content-Encoding", "aes128gcm")
        .header("Content-Type", "application/octet-stream")
        .header("TTL", TTL_SECONDS.to_string())
        .header("Urgency", "normal")
        .timeout(SEND_TIMEOUT)
        .body(body)
        .send()
        .await
        .map_err(|e| PushError::Network(e.to_string()))?;
    match response.status().as_u16() {
        200..=299 => Ok(()),
        status => Err(PushError::Status(status)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 8291, Appendix A: the same keys and salt give the published message byte for byte.
    #[test]
    fn encryption_matches_the_rfc_8291_example() {
        let d = |s: &str| B64.decode(s).unwrap();
        let sender = SecretKey::from_slice(&d("yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw")).unwrap();
        let salt: [u8; 16] = d("DGv6ra1nlYgDCS1FRnbzlw").try_into().unwrap();
        let body = encrypt_with(
            b"When I grow up, I want to be a watermelon",
            &d("BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4"),
            &d("BTBZMqHH6r4Tts7J_aSIgg"),
            &salt,
            &sender,
        )
        .unwrap();
        assert_eq!(
            B64.encode(body),
            "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN"
        );
    }

    #[test]
    fn only_known_push_services_are_accepted() {
        assert!(endpoint_allowed(&PushSettings::default(), "https://fcm.googleapis.com/fcm/send/abc"));
        assert!(endpoint_allowed(&PushSettings::default(), "https://updates.push.services.mozilla.com/wpush/v2/x"));
        assert!(endpoint_allowed(&PushSettings::default(), "https://web.push.apple.com/QGuQ"));
        assert!(!endpoint_allowed(&PushSettings::default(), "https://fcm.googleapis.com.evil.example/x"));
        assert!(!endpoint_allowed(&PushSettings::default(), "http://fcm.googleapis.com/x"));
        assert!(!endpoint_allowed(&PushSettings::default(), "https://10.0.0.1/x"));
        // A local push service only where the configuration says so (the tests' own).
        assert!(!endpoint_allowed(&PushSettings::default(), "http://127.0.0.1:9000/push"));
        let local = PushSettings { allow_local: true, ..PushSettings::default() };
        assert!(endpoint_allowed(&local, "http://127.0.0.1:9000/push"));
        assert!(!endpoint_allowed(&local, "http://10.0.0.1/push"));
    }
}
