//! Web Push on real SQLite and PostgreSQL against a push service run by the test (a real HTTP
//! server on 127.0.0.1): the VAPID key made once and kept, subscriptions checked, each member's
//! choices honoured, the signature verified and the payload decrypted as a browser would, gone
//! subscriptions removed, failed deliveries retried later.

use crate::common;

use std::sync::{Arc, Mutex};

use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes128Gcm, Nonce};
use app::db::entities::{notification, push_outbox, push_subscription};
use app::notifications::KindChoice;
use app::notifications::push::{self, Delivery, PushSettings};
use app::notifications::service::{notify, save_settings, settings};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use common::*;
use hkdf::Hkdf;
use p256::ecdsa::signature::Verifier;
use p256::ecdsa::{Signature, VerifyingKey};
use p256::elliptic_curve::sec1::ToEncodedPoint;
use p256::{PublicKey, SecretKey};
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, Set};
use sha2::Sha256;

#[derive(Clone, Default)]
struct Received(Arc<Mutex<Vec<(String, HeaderMap, Vec<u8>)>>>);

/// Push settings that let subscriptions point at the tests' own push service on 127.0.0.1.
fn local_push() -> PushSettings {
    PushSettings { allow_local: true, ..PushSettings::default() }
}

/// A push service: `/push/live` accepts, `/push/gone` says the subscription expired (410),
/// `/push/flaky` fails (500).
async fn push_service() -> (String, Received) {
    async fn receive(State(got): State<Received>, Path(name): Path<String>, headers: HeaderMap, body: axum::body::Bytes) -> StatusCode {
        got.0.lock().unwrap().push((name.clone(), headers, body.to_vec()));
        match name.as_str() {
            "live" => StatusCode::CREATED,
            "gone" => StatusCode::GONE,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
    let got = Received::default();
    let app = axum::Router::new().route("/push/{name}", axum::routing::post(receive)).with_state(got.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (base, got)
}

/// A browser's subscription keys.
struct Browser {
    secret: SecretKey,
    auth: [u8; 16],
}

impl Browser {
    fn new(seed: u8) -> Browser {
        Browser { secret: SecretKey::from_slice(&[seed; 32]).unwrap(), auth: [seed ^ 0x5a; 16] }
    }
    fn p256dh(&self) -> String {
        B64.encode(self.secret.public_key().to_encoded_point(false).as_bytes())
    }
    /// What the browser does with a push (RFC 8291), written apart from the server's code.
    fn decrypt(&self, body: &[u8]) -> Vec<u8> {
        let (salt, rest) = body.split_at(16);
        let id_len = rest[4] as usize;
        let sender = PublicKey::from_sec1_bytes(&rest[5..5 + id_len]).unwrap();
        let sealed = &rest[5 + id_len..];
        let shared = p256::ecdh::diffie_hellman(self.secret.to_nonzero_scalar(), sender.as_affine());
        let mut info = b"WebPush: info\0".to_vec();
        info.extend_from_slice(self.secret.public_key().to_encoded_point(false).as_bytes());
        info.extend_from_slice(sender.to_encoded_point(false).as_bytes());
        let mut ikm = [0u8; 32];
        Hkdf::<Sha256>::new(Some(&self.auth), shared.raw_secret_bytes()).expand(&info, &mut ikm).unwrap();
        let prk = Hkdf::<Sha256>::new(Some(salt), &ikm);
        let (mut cek, mut nonce) = ([0u8; 16], [0u8; 12]);
        prk.expand(b"Content-Encoding: aes128gcm\0", &mut cek).unwrap();
        prk.expand(b"Content-Encoding: nonce\0", &mut nonce).unwrap();
        let mut plain = Aes128Gcm::new_from_slice(&cek).unwrap().decrypt(Nonce::from_slice(&nonce), sealed).unwrap();
        assert_eq!(plain.pop(), Some(2), "a single, last record");
        plain
    }
}

fn choice(kind: &str, in_app: bool, push: bool) -> KindChoice {
    KindChoice { kind: kind.into(), label: String::new(), in_app, push }
}

async fn outbox(db: &DatabaseConnection) -> Vec<push_outbox::Model> {
    push_outbox::Entity::find().all(db).await.unwrap()
}

/// The key every server of a test cluster shares.
fn secret() -> app::common::secret::SecretKey {
    app::common::secret::SecretKey::from_bytes([5; 32])
}

#[tokio::test]
async fn the_vapid_key_is_made_once_and_kept() {
    use app::db::entities::app_secret;
    on_both(|db| async move {
        let first = push::vapid_key(&db, &secret()).await.unwrap();
        let again = push::vapid_key(&db, &secret()).await.unwrap();
        assert_eq!(first.public_base64(), again.public_base64());
        assert_eq!(B64.decode(first.public_base64()).unwrap().len(), 65, "an uncompressed P-256 point");
        // Stored sealed: the database alone does not hold a usable signing key...
        let rows = app_secret::Entity::find().all(&db).await.unwrap();
        assert_eq!(rows.len(), 1);
        assert!(rows[0].value.starts_with("sealed:"), "{}", rows[0].value);
        assert!(!rows[0].value.contains(&first.to_base64()));
        // ...and a server with another secret key cannot open it.
        assert!(push::vapid_key(&db, &app::common::secret::SecretKey::from_bytes([6; 32])).await.is_err());
        // A key stored in the clear by an earlier version is sealed on first read.
        let mut plain: app_secret::ActiveModel = rows[0].clone().into();
        plain.value = sea_orm::Set(first.to_base64());
        sea_orm::ActiveModelTrait::update(plain, &db).await.unwrap();
        assert_eq!(push::vapid_key(&db, &secret()).await.unwrap().public_base64(), first.public_base64());
        assert!(app_secret::Entity::find().all(&db).await.unwrap()[0].value.starts_with("sealed:"));
    })
    .await;
}

#[tokio::test]
async fn pushes_reach_subscribed_browsers_as_each_member_chose() {
    on_both(|db| async move {
        let local = local_push();
        let f = fixture(&db).await;
        let (base, got) = push_service().await;
        let key = push::vapid_key(&db, &secret()).await.unwrap();
        let client = reqwest::Client::new();
        let contact = "mailto:vanphong@haugiang.dcs.vn";
        let local = PushSettings { contact: contact.into(), ..local };

        // Only real push services, and only real keys.
        let member = user(&db, f.member_c1).await;
        let live = Browser::new(7);
        let auth = B64.encode(live.auth);
        let err = push::subscribe(&db, &local, &member, "https://evil.example/steal", &live.p256dh(), &auth, "").await.unwrap_err();
        assert_eq!(err.field_message("endpoint").unwrap(), "Dịch vụ thông báo đẩy của trình duyệt này không được hỗ trợ.");
        let err = push::subscribe(&db, &local, &member, &format!("{base}/push/live"), "AAAA", &auth, "").await.unwrap_err();
        assert_eq!(err.field_message("endpoint").unwrap(), "Khóa đăng ký thông báo đẩy không hợp lệ.");
        assert_eq!(push_subscription::Entity::find().count(&db).await.unwrap(), 0);

        push::subscribe(&db, &local, &member, &format!("{base}/push/live"), &live.p256dh(), &auth, "Chrome Android").await.unwrap();
        // The same browser subscribing again keeps one row.
        push::subscribe(&db, &local, &member, &format!("{base}/push/live"), &live.p256dh(), &auth, "Chrome Android").await.unwrap();
        let other = Browser::new(9);
        push::subscribe(&db, &local, &user(&db, f.member_c1_b).await, &format!("{base}/push/gone"), &other.p256dh(), &B64.encode(other.auth), "").await.unwrap();
        push::subscribe(&db, &local, &user(&db, f.secretary).await, &format!("{base}/push/flaky"), &other.p256dh(), &B64.encode(other.auth), "").await.unwrap();
        assert_eq!(settings(&db, &secret(), &member).await.unwrap().devices, 1);

        // The member wants meetings only as pushes, and no pushes for announcements.
        let err = save_settings(&db, &member, &[choice("gossip", true, true)]).await.unwrap_err();
        assert!(err.field_message("kind").is_some());
        save_settings(&db, &member, &[choice("meeting", false, true), choice("announcement", true, false)]).await.unwrap();
        let s = settings(&db, &secret(), &member).await.unwrap();
        let meeting = s.kinds.iter().find(|k| k.kind == "meeting").unwrap();
        assert_eq!((meeting.in_app, meeting.push), (false, true));
        assert_eq!(s.vapid_public_key, key.public_base64());

        notify(&db, &[f.member_c1, f.member_d1], "meeting", "Sinh hoạt chi bộ tháng 12 lúc 19:00 ngày 05/12", "/sinh-hoat/1").await.unwrap();
        notify(&db, &[f.member_c1, f.member_c1_b, f.secretary], "announcement", "Thông báo: Lịch tiếp dân tháng 12", "/thong-bao/1").await.unwrap();
        let inbox = |m: i64| notification::Entity::find().filter(notification::Column::MemberId.eq(m)).count(&db);
        assert_eq!(inbox(f.member_c1).await.unwrap(), 1, "the announcement only: meetings are off in the inbox");
        assert_eq!(inbox(f.member_d1).await.unwrap(), 1);
        let queued: Vec<(i64, String)> = outbox(&db).await.into_iter().map(|o| (o.member_id, o.kind)).collect();
        assert_eq!(queued.len(), 3, "{queued:?}");
        assert!(queued.contains(&(f.member_c1, "meeting".into())) && !queued.contains(&(f.member_c1, "announcement".into())));
        assert!(!queued.iter().any(|(m, _)| *m == f.member_d1), "no browser, no push");

        let report = push::deliver_due(&db, &key, &client, &local, 100).await.unwrap();
        assert_eq!(report, Delivery { sent: 1, gone: 1, retried: 1, dropped: 0 });
        let received = got.0.lock().unwrap().clone();
        let (_, headers, body) = received.iter().find(|(name, _, _)| name == "live").unwrap();
        assert_eq!(headers["content-encoding"], "aes128gcm");
        assert_eq!(headers["ttl"], "86400");
        let message: serde_json::Value = serde_json::from_slice(&live.decrypt(body)).unwrap();
        assert_eq!(message["title"], "Lịch sinh hoạt chi bộ");
        assert_eq!(message["body"], "Sinh hoạt chi bộ tháng 12 lúc 19:00 ngày 05/12");
        assert_eq!(message["url"], "/sinh-hoat/1");

        // The VAPID header verifies with the server's public key, for this push service.
        let authorization = headers["authorization"].to_str().unwrap();
        let (token, k) = authorization.strip_prefix("vapid t=").unwrap().split_once(", k=").unwrap();
        assert_eq!(k, key.public_base64());
        let (signed, signature) = token.rsplit_once('.').unwrap();
        let verifier = VerifyingKey::from_sec1_bytes(&B64.decode(k).unwrap()).unwrap();
        let signature = Signature::from_slice(&B64.decode(signature).unwrap()).unwrap();
        verifier.verify(signed.as_bytes(), &signature).expect("a valid ES256 signature");
        let claims: serde_json::Value = serde_json::from_slice(&B64.decode(signed.split('.').nth(1).unwrap()).unwrap()).unwrap();
        assert_eq!(claims["aud"], base);
        assert_eq!(claims["sub"], contact);
        assert!(claims["exp"].as_i64().unwrap() > chrono::Utc::now().timestamp());

        // The expired subscription is gone; the failed push waits for a later try.
        assert_eq!(push_subscription::Entity::find().count(&db).await.unwrap(), 2);
        let waiting = outbox(&db).await;
        assert_eq!(waiting.len(), 1);
        assert_eq!((waiting[0].member_id, waiting[0].attempts), (f.secretary, 1));
        assert!(waiting[0].next_attempt_at > chrono::Utc::now());
        assert_eq!(push::deliver_due(&db, &key, &client, &local, 100).await.unwrap(), Delivery::default(), "not due yet");
        // After five failed tries it is dropped (the inbox still has it).
        for _ in 0..4 {
            let mut due: push_outbox::ActiveModel = outbox(&db).await.remove(0).into();
            due.next_attempt_at = Set(chrono::Utc::now() - chrono::Duration::seconds(1));
            due.update(&db).await.unwrap();
            push::deliver_due(&db, &key, &client, &local, 100).await.unwrap();
        }
        assert!(outbox(&db).await.is_empty());
        assert_eq!(inbox(f.secretary).await.unwrap(), 1);

        // Turned off on the device: no more pushes for it.
        push::unsubscribe(&db, &member, &format!("{base}/push/live")).await.unwrap();
        notify(&db, &[f.member_c1], "meeting", "Sinh hoạt chuyên đề quý IV", "/sinh-hoat/2").await.unwrap();
        assert!(outbox(&db).await.is_empty());
    })
    .await;
}

fn subscription_endpoints(rows: &[push_subscription::Model], member: i64) -> Vec<String> {
    let mut endpoints: Vec<String> = rows.iter().filter(|s| s.member_id == member).map(|s| s.endpoint.clone()).collect();
    endpoints.sort();
    endpoints
}

#[tokio::test]
async fn a_members_eleventh_browser_replaces_their_oldest_and_spares_everyone_else() {
    on_both(|db| async move {
        let local = local_push();
        let f = fixture(&db).await;
        let member = user(&db, f.member_c1).await;
        let neighbour = user(&db, f.member_c1_b).await;
        let endpoint = |who: &str, n: u8| format!("http://127.0.0.1:9/push/{who}-{n:02}");
        for n in 0..2 {
            let browser = Browser::new(100 + n);
            push::subscribe(&db, &local, &neighbour, &endpoint("neighbour", n), &browser.p256dh(), &B64.encode(browser.auth), "").await.unwrap();
        }
        for n in 0..11 {
            let browser = Browser::new(1 + n);
            push::subscribe(&db, &local, &member, &endpoint("member", n), &browser.p256dh(), &B64.encode(browser.auth), "").await.unwrap();
        }
        let rows = push_subscription::Entity::find().all(&db).await.unwrap();
        let kept = subscription_endpoints(&rows, f.member_c1);
        assert_eq!(kept, (1..11).map(|n| endpoint("member", n)).collect::<Vec<_>>(), "ten left, the first subscribed gone");
        assert_eq!(subscription_endpoints(&rows, f.member_c1_b), vec![endpoint("neighbour", 0), endpoint("neighbour", 1)], "another member's browsers untouched");
        assert_eq!(settings(&db, &secret(), &member).await.unwrap().devices, 10);

        // A browser already subscribed subscribing again takes no one's place.
        let again = Browser::new(6);
        push::subscribe(&db, &local, &member, &endpoint("member", 5), &again.p256dh(), &B64.encode(again.auth), "").await.unwrap();
        let rows = push_subscription::Entity::find().all(&db).await.unwrap();
        assert_eq!(subscription_endpoints(&rows, f.member_c1), kept);
        assert_eq!(rows.len(), 12);
    })
    .await;
}

/// A push service where `/push/slow` answers only once every `/push/fast-*` push has arrived
/// (or after 15 s, longer than a push may take), and records which of the two it was.
#[derive(Clone, Default)]
struct Stall {
    fast: Arc<Mutex<Vec<String>>>,
    expected_fast: usize,
    all_fast: Arc<tokio::sync::Notify>,
    /// Whether the slow push was released by the fast ones having all arrived.
    slow_released: Arc<Mutex<Option<bool>>>,
}

async fn stalling_push_service(expected_fast: usize) -> (String, Stall) {
    async fn receive(State(stall): State<Stall>, Path(name): Path<String>) -> StatusCode {
        if name == "slow" {
            let released = tokio::time::timeout(std::time::Duration::from_secs(15), stall.all_fast.notified()).await.is_ok();
            *stall.slow_released.lock().unwrap() = Some(released);
        } else {
            let mut fast = stall.fast.lock().unwrap();
            fast.push(name);
            if fast.len() == stall.expected_fast {
                // Kept as a permit if the slow push is not waiting yet.
                stall.all_fast.notify_one();
            }
        }
        StatusCode::CREATED
    }
    let stall = Stall { expected_fast, ..Stall::default() };
    let app = axum::Router::new().route("/push/{name}", axum::routing::post(receive)).with_state(stall.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (base, stall)
}

#[tokio::test]
async fn a_stalled_push_service_does_not_hold_up_everyone_elses_pushes() {
    on_both(|db| async move {
        let local = local_push();
        let f = fixture(&db).await;
        let fast_members = [f.secretary, f.member_c1_b, f.member_d1, f.member_e1, f.committee];
        let (base, stall) = stalling_push_service(fast_members.len()).await;
        let key = push::vapid_key(&db, &secret()).await.unwrap();
        let browser = Browser::new(7);
        let auth = B64.encode(browser.auth);
        push::subscribe(&db, &local, &user(&db, f.member_c1).await, &format!("{base}/push/slow"), &browser.p256dh(), &auth, "").await.unwrap();
        for (n, member) in fast_members.iter().enumerate() {
            push::subscribe(&db, &local, &user(&db, *member).await, &format!("{base}/push/fast-{n}"), &browser.p256dh(), &auth, "").await.unwrap();
        }
        let mut everyone = vec![f.member_c1];
        everyone.extend(fast_members);
        notify(&db, &everyone, "announcement", "Thông báo: Lịch tiếp dân tháng 12", "/thong-bao/1").await.unwrap();
        assert_eq!(outbox(&db).await.len(), 6);
        // The stalled member's push is the longest due: first in line.
        let mut first: push_outbox::ActiveModel =
            outbox(&db).await.into_iter().find(|o| o.member_id == f.member_c1).unwrap().into();
        first.next_attempt_at = Set(chrono::Utc::now() - chrono::Duration::minutes(1));
        first.update(&db).await.unwrap();

        let report = push::deliver_due(&db, &key, &reqwest::Client::new(), &local, 100).await.unwrap();
        assert_eq!(report, Delivery { sent: 6, gone: 0, retried: 0, dropped: 0 });
        let mut fast = stall.fast.lock().unwrap().clone();
        fast.sort();
        assert_eq!(fast, (0..fast_members.len()).map(|n| format!("fast-{n}")).collect::<Vec<_>>());
        assert_eq!(*stall.slow_released.lock().unwrap(), Some(true), "the other pushes arrived while the stalled one was still waiting");
        assert!(outbox(&db).await.is_empty());
    })
    .await;
}

/// A subscription the server's own settings do not allow (stored by a test server sharing the
/// database, say) is removed when pushes go out, never posted to.
#[tokio::test]
async fn a_subscription_the_settings_do_not_allow_is_removed_not_posted_to() {
    on_both(|db| async move {
        let f = fixture(&db).await;
        let (base, got) = push_service().await;
        let key = push::vapid_key(&db, &secret()).await.unwrap();
        let browser = Browser::new(9);
        let member = user(&db, f.member_c1).await;
        push::subscribe(&db, &local_push(), &member, &format!("{base}/push/live"), &browser.p256dh(), &B64.encode(browser.auth), "").await.unwrap();
        notify(&db, &[f.member_c1], "announcement", "Thông báo: Lịch tiếp dân tháng 12", "/thong-bao/1").await.unwrap();
        assert_eq!(outbox(&db).await.len(), 1);

        let production = PushSettings::default();
        let report = push::deliver_due(&db, &key, &reqwest::Client::new(), &production, 100).await.unwrap();
        assert_eq!(report, Delivery { sent: 0, gone: 1, retried: 0, dropped: 0 });
        assert!(got.0.lock().unwrap().is_empty(), "nothing was posted to 127.0.0.1");
        assert_eq!(push_subscription::Entity::find().count(&db).await.unwrap(), 0);
        assert!(outbox(&db).await.is_empty());
    })
    .await;
}
