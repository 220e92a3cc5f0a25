//! The holes found in the security review (issue "Trust"), each tried the way an attacker
//! would, on real SQLite and real PostgreSQL.

use crate::common;

use app::auth::service::{ACCOUNT_MAX_FAILURES, login};
use app::db::entities::position;
use app::error::AppError;
use app::members::{MemberForm, activation as codes, service as members};
use app::state::RequestMeta;
use common::*;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

fn meta(ip: &str) -> RequestMeta {
    RequestMeta { ip: ip.into(), ..Default::default() }
}

fn is_forbidden<T: std::fmt::Debug>(result: Result<T, AppError>) -> bool {
    matches!(result, Err(AppError::Forbidden(_)))
}

/// A district administrator whose district holds the cell of a provincial administrator can
/// neither reset that person's password nor end their positions, edit or move them.
#[tokio::test]
async fn a_unit_administrator_cannot_take_over_a_higher_account() {
    on_both(|db| async move {
        let key = app::common::secret::SecretKey::default();
        let f = fixture(&db).await;
        // A second provincial administrator lives in cell C1, inside district A.
        let provincial = add_member(&db, f.cell_c1, "Châu Minh Khang", "0900000201").await;
        give_role(&db, provincial, "admin", f.root).await;
        let district_admin = add_member(&db, f.cell_c2, "Lý Thị Ngọc Hân", "0900000202").await;
        give_role(&db, district_admin, "admin", f.district_a).await;
        let actor = user(&db, district_admin).await;

        assert!(is_forbidden(codes::issue_for_member(&db, &key, &actor, provincial).await));
        assert!(is_forbidden(members::set_status(&db, &actor, provincial, "transferred", "2025-01-02").await));
        let profile = members::profile(&db, &user(&db, f.admin).await, provincial).await.expect("profile");
        let form = MemberForm {
            full_name: "Châu Minh Khang".into(),
            birth_date: "1980-05-19".into(),
            gender: "nam".into(),
            card_no: profile.card_no.clone(),
            phone: "0900000299".into(),
            email: String::new(),
            admitted_on: "2005-02-03".into(),
            official_on: "2006-02-03".into(),
        };
        assert!(is_forbidden(members::update(&db, &actor, provincial, &form).await));
        assert!(is_forbidden(members::move_member(&db, &actor, provincial, "PH.01.02", "2025-01-02", "").await));
        // Nothing changed: the provincial position is still open and the password still works.
        let open = position::Entity::find()
            .filter(position::Column::MemberId.eq(provincial))
            .filter(position::Column::ToDate.is_null())
            .count(&db)
            .await
            .unwrap();
        assert_eq!(open, 1);
        assert!(login(&db, "0900000201", PASSWORD, &meta("10.9.0.1")).await.is_ok());
        // The profile does not offer the district administrator what the server would refuse.
        assert!(!members::profile(&db, &actor, provincial).await.expect("may view").can_manage);

        // The same administrator still manages plain members of the district...
        let issued = codes::issue_for_member(&db, &key, &actor, f.member_c1).await.expect("reset in scope");
        assert_eq!(issued.codes.len(), 1);
        assert!(members::profile(&db, &actor, f.member_c1).await.unwrap().can_manage);
        // ...but never their own account, and gives positions only to members inside the district.
        assert!(is_forbidden(codes::issue_for_member(&db, &key, &actor, district_admin).await));
        assert!(is_forbidden(members::set_status(&db, &actor, district_admin, "transferred", "2025-01-02").await));
        assert!(is_forbidden(members::assign_position(&db, &actor, f.member_e1, "committee_member", "PH", "2025-01-02").await));
        members::assign_position(&db, &actor, f.member_d1, "committee_member", "PH", "2025-01-02").await.expect("in scope");

        // The provincial administrator above both may do all of it.
        let root_admin = user(&db, f.admin).await;
        codes::issue_for_member(&db, &key, &root_admin, provincial).await.expect("root admin resets");
    })
    .await;
}

#[tokio::test]
async fn an_administrator_account_is_managed_only_from_the_level_above() {
    on_both(|db| async move {
        let key = app::common::secret::SecretKey::default();
        let f = fixture(&db).await;
        let first = add_member(&db, f.cell_c1, "Lý Thị Ngọc Hân", "0900000202").await;
        give_role(&db, first, "admin", f.district_a).await;
        let second = add_member(&db, f.cell_c2, "Tạ Văn Bình", "0900000203").await;
        give_role(&db, second, "admin", f.district_a).await;
        let peer = user(&db, first).await;

        // A peer may not take over a peer's account (password, status)...
        assert!(is_forbidden(codes::issue_for_member(&db, &key, &peer, second).await));
        assert!(is_forbidden(members::set_status(&db, &peer, second, "transferred", "2025-01-02").await));
        assert!(login(&db, "0900000203", PASSWORD, &meta("10.9.0.2")).await.is_ok());
        // ...the province's administrator may.
        codes::issue_for_member(&db, &key, &user(&db, f.admin).await, second).await.expect("the level above resets");

        // At the top there is no level above: the province's administrators answer for each other.
        let other_top = add_member(&db, f.cell_e1, "Mai Thị Thu", "0900000204").await;
        give_role(&db, other_top, "admin", f.root).await;
        codes::issue_for_member(&db, &key, &user(&db, f.admin).await, other_top).await.expect("a top peer resets");
    })
    .await;
}

#[tokio::test]
async fn a_card_number_never_equals_anyone_s_phone_number() {
    on_both(|db| async move {
        let key = app::common::secret::SecretKey::default();
        let f = fixture(&db).await;
        let admin = user(&db, f.admin).await;
        // Phạm Văn Hậu signs in with 0900000104; a card number of the same digits would make
        // that number sign in as two people.
        let form = MemberForm {
            full_name: "Trịnh Văn Hòa".into(),
            birth_date: "1981-03-04".into(),
            gender: "nam".into(),
            card_no: "0900000104".into(),
            phone: String::new(),
            email: String::new(),
            admitted_on: "2006-02-03".into(),
            official_on: "2007-02-03".into(),
        };
        let refused = members::create(&db, &key, &admin, f.cell_c1, &form).await.expect_err("refused");
        assert_eq!(refused.field_message("card_no").as_deref(), Some("Số thẻ đảng viên này đã có trong hệ thống."));
        // Nor may a phone number equal someone's card number.
        let form = MemberForm { card_no: "0987654321".into(), ..form };
        members::create(&db, &key, &admin, f.cell_c1, &form).await.expect("a card number no one signs in with");
        let refused = members::update_contact(&db, &admin, f.member_c1_b, "0987654321", "").await.expect_err("refused");
        assert_eq!(refused.field_message("phone").as_deref(), Some("Số điện thoại này đã được đảng viên khác sử dụng."));
        members::update_contact(&db, &admin, f.member_c1_b, "0987654322", "").await.expect("a free number");
    })
    .await;
}

/// Guesses sent in parallel cannot outrun the limit: each attempt is counted before its
/// password is checked.
#[tokio::test]
async fn parallel_password_guesses_cannot_outrun_the_limit() {
    on_both(|db| async move {
        fixture(&db).await;
        let mut tasks = tokio::task::JoinSet::new();
        for i in 0..16 {
            let db = db.clone();
            tasks.spawn(async move { login(&db, "0900000105", &format!("doan-sai-{i:02}"), &meta(&format!("10.5.0.{i}"))).await });
        }
        let (mut wrong, mut throttled) = (0, 0);
        while let Some(done) = tasks.join_next().await {
            match done.expect("task") {
                Err(AppError::BadCredentials) => wrong += 1,
                Err(AppError::Throttled(_)) => throttled += 1,
                other => panic!("unexpected {other:?}"),
            }
        }
        assert!(wrong <= ACCOUNT_MAX_FAILURES, "{wrong} passwords were checked");
        assert_eq!(wrong + throttled, 16);
        // Locked now even for the right password.
        assert!(matches!(login(&db, "0900000105", PASSWORD, &meta("10.5.1.1")).await, Err(AppError::Throttled(_))));
    })
    .await;
}

/// A phone number nobody has answers exactly like one that exists: wrong, then locked.
#[tokio::test]
async fn unknown_and_known_accounts_answer_alike() {
    on_both(|db| async move {
        fixture(&db).await;
        for identifier in ["0900000104", "0977777777"] {
            let mut answers = Vec::new();
            for i in 0..ACCOUNT_MAX_FAILURES + 2 {
                let err = login(&db, identifier, "doan-sai-99", &meta(&format!("10.6.{i}.1"))).await.unwrap_err();
                answers.push(matches!(err, AppError::Throttled(_)));
            }
            let expected: Vec<bool> = (0..ACCOUNT_MAX_FAILURES + 2).map(|i| i >= ACCOUNT_MAX_FAILURES).collect();
            assert_eq!(answers, expected, "{identifier}");
        }
        // A right password clears the count of its identifier: a member who mistyped a few
        // times is not locked out later.
        for _ in 0..ACCOUNT_MAX_FAILURES - 1 {
            let _ = login(&db, "0900000106", "doan-sai-99", &meta("10.7.0.1")).await;
        }
        login(&db, "0900000106", PASSWORD, &meta("10.7.0.1")).await.expect("right password");
        for _ in 0..ACCOUNT_MAX_FAILURES - 1 {
            let _ = login(&db, "0900000106", "doan-sai-99", &meta("10.7.0.1")).await;
        }
        login(&db, "0900000106", PASSWORD, &meta("10.7.0.1")).await.expect("still not locked");
    })
    .await;
}

/// Behind the proxy, the address is the one the proxy appended, not what the client wrote.
#[test]
fn the_client_address_is_the_proxys_own_hop() {
    let config = app::state::Config { trust_proxy: true, ..Default::default() };
    let request = axum::http::Request::builder()
        .header("x-forwarded-for", "1.2.3.4, 203.0.113.9")
        .body(())
        .expect("request");
    let (parts, _) = request.into_parts();
    assert_eq!(app::state::meta_from_parts(&parts, &config).ip, "203.0.113.9");
    let untrusted = app::state::Config::default();
    assert_eq!(app::state::meta_from_parts(&parts, &untrusted).ip, "unknown");
}

/// An administrator who replays a device id another member used learns nothing: the answer is
/// the one a malformed id gets, and nothing of the other member's row comes back.
#[tokio::test]
async fn a_device_id_is_looked_up_only_among_the_callers_own() {
    use app::offline::{OfflineWrite, QueuedWrite, SyncStatus};
    on_both(|db| async move {
        let f = fixture(&db).await;
        let asker = user(&db, f.member_c1).await;
        let admin = user(&db, f.admin).await;
        let secret_id = "5ec2e7a1-0000-4000-8000-000000000001";
        let id = app::questions::service::ask(&db, &asker, &ask_form(f.cell_c1, "anonymous", secret_id)).await.expect("ask");
        // The asker's resend is the same question.
        assert_eq!(app::questions::service::ask(&db, &asker, &ask_form(f.cell_c1, "anonymous", secret_id)).await.unwrap(), id);
        // The administrator trying that id gets the malformed-id answer, not the question.
        let err = app::questions::service::ask(&db, &admin, &ask_form(f.root, "named", secret_id)).await.unwrap_err();
        let malformed = app::questions::service::ask(&db, &admin, &ask_form(f.root, "named", "no!")).await.unwrap_err();
        assert_eq!(err, malformed);
        assert_eq!(err.field_message("client_id").as_deref(), Some(app::common::client_id::REJECTED));
        assert_eq!(app::db::entities::question::Entity::find().count(&db).await.unwrap(), 1);

        // The same through the offline queue: another member's write id is not "already done".
        let queued = |member_id: i64| QueuedWrite {
            client_id: "0ff11e00-0000-4000-8000-000000000002".into(),
            member_id,
            label: "thử".into(),
            write: OfflineWrite::ReadingConfirm { document_id: 999_999 },
        };
        let first = app::offline::service::sync(&db, app::reading::Pace::default(), &asker, &[queued(f.member_c1)]).await.unwrap();
        assert_eq!(first.results[0].status, SyncStatus::Rejected, "no such document");
        let replay = app::offline::service::sync(&db, app::reading::Pace::default(), &admin, &[queued(f.admin)]).await.unwrap();
        assert_eq!(replay.results[0].status, SyncStatus::Rejected);
        assert_eq!(replay.results[0].message, app::common::client_id::REJECTED);
        assert_ne!(replay.results[0].message, first.results[0].message, "the asker's refusal must not be shown to another");
    })
    .await;
}

/// A question forwarded from the assistant carries an id made from the exchange's own random
/// device id: nothing in it names the member, and a second tap is the same question.
#[tokio::test]
async fn a_question_forwarded_from_the_assistant_does_not_carry_the_askers_id() {
    on_both(|db| async move {
        let f = fixture(&db).await;
        let asker = user(&db, f.member_c1).await;
        let now = chrono::Utc::now();
        use sea_orm::{ActiveModelTrait, Set};
        let exchange = app::db::entities::assistant_exchange::ActiveModel {
            client_id: Set("a1b2c3d4-1111-4222-8333-444455556666".into()),
            member_id: Set(f.member_c1),
            unit_id: Set(f.cell_c1),
            question: Set("Đảng viên hưu trí đóng đảng phí bao nhiêu?".into()),
            found: Set(false),
            mode: Set("extractive".into()),
            by_voice: Set(false),
            answer: Set("{}".into()),
            rating: Set(None),
            comment: Set(String::new()),
            asked_at: Set(now),
            rated_at: Set(None),
            ..Default::default()
        }
        .insert(&db)
        .await
        .expect("exchange");
        let first = app::assistant::service::forward_to_cell(&db, &asker, exchange.id).await.expect("forward");
        assert_eq!(app::assistant::service::forward_to_cell(&db, &asker, exchange.id).await.unwrap(), first);
        let q = app::db::entities::question::Entity::find_by_id(first).one(&db).await.unwrap().unwrap();
        assert!(!q.client_id.contains(&format!("{:012x}", f.member_c1)), "{}", q.client_id);
        assert!(!q.client_id.contains(&format!("{:012x}", exchange.id)), "{}", q.client_id);
    })
    .await;
}

/// An anonymous question tells its holder nothing of the asker's cell: no unit below the
/// holder in the detail, its forwarding choices or its history.
#[tokio::test]
async fn an_anonymous_question_does_not_reveal_the_askers_cell() {
    use app::questions::Forward;
    use app::questions::service as questions;
    on_both(|db| async move {
        let f = fixture(&db).await;
        let asker = user(&db, f.member_c1).await;
        let committee = user(&db, f.committee).await;
        let commune_member = add_member(&db, f.cell_c2, "Võ Văn Kiệt", "0900000108").await;
        give_role(&db, commune_member, "committee_member", f.commune_x).await;
        let commune = user(&db, commune_member).await;
        let id = questions::ask(&db, &asker, &ask_form(f.district_a, "anonymous", "ab0ab0ab0ab0")).await.unwrap();
        let below = ["Chi bộ ấp 1", "Đảng bộ xã Hòa An"];
        let json = |d: &app::questions::QuestionDetail| serde_json::to_string(d).unwrap();

        let d = questions::detail(&db, &committee, id).await.unwrap();
        let labels: Vec<&str> = d.forward_choices.iter().map(|c| c.label.as_str()).collect();
        assert_eq!(
            labels,
            ["Lên cấp trên: Đảng bộ tỉnh Hậu Giang", "Xuống cấp dưới (theo đường của người hỏi)", "Về chi bộ của người hỏi"]
        );
        for name in below {
            assert!(!json(&d).contains(name), "{name} in the district's view");
        }
        // Down goes one step along the asker's line, worked out on the server.
        questions::forward(&db, &committee, id, Forward::Down, "").await.unwrap();
        let at_commune = questions::detail(&db, &commune, id).await.unwrap();
        assert_eq!(at_commune.summary.unit.id, f.commune_x);
        assert!(!json(&at_commune).contains("Chi bộ ấp 1"));
        // Back up: the district's history says only "cấp dưới" for the commune.
        questions::forward(&db, &commune, id, Forward::Up, "Xin ý kiến cấp trên").await.unwrap();
        let back = questions::detail(&db, &committee, id).await.unwrap();
        assert!(back.history.iter().any(|e| e.unit.as_deref() == Some("cấp dưới (theo đường của người hỏi)")));
        for name in below {
            assert!(!json(&back).contains(name), "{name} in the district's history");
        }
        // The root cannot go further up.
        questions::forward(&db, &committee, id, Forward::Up, "").await.unwrap();
        let admin = user(&db, f.admin).await;
        let err = questions::forward(&db, &admin, id, Forward::Up, "").await.unwrap_err();
        assert!(err.field_message("direction").is_some(), "{err:?}");
        // The asker sees every unit by name.
        let own = questions::detail(&db, &asker, id).await.unwrap();
        assert!(json(&own).contains("Đảng bộ xã Hòa An"));

        // Asked at the cell, taken by its secretary and sent up: the commune does not learn the
        // secretary's name (which would lead to the cell) from the history.
        let secretary = user(&db, f.secretary).await;
        let id = questions::ask(&db, &asker, &ask_form(f.cell_c1, "anonymous", "ab1ab1ab1ab1")).await.unwrap();
        questions::take(&db, &secretary, id).await.unwrap();
        questions::forward(&db, &secretary, id, Forward::Up, "Xin ý kiến Đảng ủy xã").await.unwrap();
        let at_commune = questions::detail(&db, &commune, id).await.unwrap();
        assert!(!json(&at_commune).contains("Trần Thị Bích Ngọc"), "the cell secretary named to the commune");
        assert!(!json(&at_commune).contains("Chi bộ ấp 1"));
        assert!(at_commune.history.iter().any(|e| e.actor.as_deref() == Some("Cán bộ cấp dưới")));
    })
    .await;
}

/// Someone who reads the whole database (every row, and on PostgreSQL the transaction each row
/// was written in) tries to tell who gave which meeting rating.
#[tokio::test]
async fn a_database_reader_cannot_link_a_meeting_rating_to_its_rater() {
    use app::common::secret::SecretKey;
    use app::db::entities::{meeting_rater, meeting_rating};
    use app::meetings::service as meetings;
    use sea_orm::{ConnectionTrait, Statement};
    use sha2::{Digest, Sha256};
    on_both(|db| async move {
        let key = SecretKey::from_bytes([9; 32]);
        let f = fixture(&db).await;
        let secretary = user(&db, f.secretary).await;
        // A meeting that started two hours ago.
        let form = meeting_form(f.cell_c1, -2);
        let id = meetings::plan(&db, &secretary, &form).await.expect("plan");
        meetings::record_held(&db, &secretary, id, 95).await.expect("held");
        let raters = [(f.member_c1, 1), (f.member_c1_b, 5), (f.secretary, 3)];
        for (member, stars) in raters {
            meetings::rate(&db, &key, &user(&db, member).await, id, stars, "").await.expect("rate");
        }

        // The rating rows: nothing but the meeting, the stars and the meeting's own day.
        let ratings = meeting_rating::Entity::find().filter(meeting_rating::Column::MeetingId.eq(id)).all(&db).await.unwrap();
        assert_eq!(ratings.len(), 3);
        assert!(ratings.iter().all(|r| r.on_date == ratings[0].on_date), "no time finer than the meeting's day");
        // The rater rows: fingerprints that no guess without the server's key reproduces.
        let tokens: Vec<String> = meeting_rater::Entity::find()
            .filter(meeting_rater::Column::MeetingId.eq(id))
            .all(&db)
            .await
            .unwrap()
            .into_iter()
            .map(|r| r.token)
            .collect();
        assert_eq!(tokens.len(), 3);
        for member in [f.member_c1, f.member_c1_b, f.secretary, f.admin, f.committee] {
            for guess in [format!("{id}:{member}"), format!("{member}"), format!("meeting-rater\0{id}\0{member}")] {
                let hashed: String = Sha256::digest(guess.as_bytes()).iter().map(|b| format!("{b:02x}")).collect();
                assert!(!tokens.contains(&hashed), "a token is a plain hash of {guess:?}");
            }
            assert!(!tokens.contains(&SecretKey::from_bytes([0; 32]).tag("meeting-rater", &[&id.to_string(), &member.to_string()])));
        }
        // The server, with its key, still knows each rated once.
        for (member, _) in raters {
            assert!(meetings::has_rated(&db, &key, id, member).await.unwrap());
        }
        // On PostgreSQL a reader sees which rater row and rating row share a transaction: that
        // pairs a fingerprint with a rating, but still no member.
        if db.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
            let rows = db
                .query_all_raw(Statement::from_string(
                    sea_orm::DatabaseBackend::Postgres,
                    format!("SELECT xmin::text AS x FROM meeting_rater_tokens WHERE meeting_id = {id}"),
                ))
                .await
                .unwrap();
            assert_eq!(rows.len(), 3, "the reader can see the transactions");
        }
    })
    .await;
}

/// The common draft with its own title (its text names it too, so two drafts never clash).
fn doc_draft(owner: i64, title: &str, supersedes: Option<i64>) -> app::documents::DocumentDraft {
    let mut draft = document_draft(owner);
    draft.title = title.into();
    draft.text = document_body(title);
    draft.supersedes = supersedes.map(|s| s.to_string()).unwrap_or_default();
    draft
}

/// A draft that will replace a document is named to readers of the old one only once they may
/// open it.
#[tokio::test]
async fn a_superseding_drafts_title_stays_with_the_committee() {
    use app::documents::search::SearchIndex;
    use app::documents::{authoring, service as docs};
    on_both(|db| async move {
        let f = fixture(&db).await;
        let index = SearchIndex::build(&db).await.unwrap();
        let committee = user(&db, f.committee).await;
        let member = user(&db, f.member_c1).await;
        let old = authoring::save(&db, &index, &committee, &doc_draft(f.district_a, "Hướng dẫn sinh hoạt chi bộ ấp", None)).await.unwrap();
        docs::set_published(&db, &index, &committee, old, true).await.unwrap();
        let secret_title = "Dự thảo hướng dẫn mới về kỷ luật đảng viên";
        let new_id = authoring::save(&db, &index, &committee, &doc_draft(f.district_a, secret_title, Some(old))).await.unwrap();

        let seen = docs::view(&db, &index, &docs::SectionCache::default(), &member, old).await.unwrap();
        assert_eq!(seen.superseded_by, None);
        assert!(!serde_json::to_string(&seen).unwrap().contains(secret_title));
        // The committee that wrote it sees the link...
        assert_eq!(docs::view(&db, &index, &docs::SectionCache::default(), &committee, old).await.unwrap().superseded_by.map(|d| d.id), Some(new_id));
        // ...and members do once it is issued.
        docs::set_published(&db, &index, &committee, new_id, true).await.unwrap();
        assert_eq!(docs::view(&db, &index, &docs::SectionCache::default(), &member, old).await.unwrap().superseded_by.map(|d| d.id), Some(new_id));
    })
    .await;
}

/// Why a member stays away is theirs and their secretaries': fellow members see only who came.
#[tokio::test]
async fn reasons_for_absence_are_for_the_secretaries_only() {
    use app::meetings::service as meetings;
    on_both(|db| async move {
        let f = fixture(&db).await;
        let secretary = user(&db, f.secretary).await;
        let form = meeting_form(f.cell_c1, 72);
        let id = meetings::plan(&db, &secretary, &form).await.expect("plan");
        let reason = "Đi khám bệnh định kỳ tại bệnh viện tỉnh";
        meetings::rsvp(&db, &user(&db, f.member_c1).await, id, false, reason).await.unwrap();
        let reason_of = |rows: &[app::meetings::AttendanceRow]| {
            rows.iter().find(|a| a.member_id == f.member_c1).map(|a| a.rsvp_reason.clone()).expect("the member's row is listed")
        };
        let neighbour = meetings::detail(&db, &user(&db, f.member_c1_b).await, id).await.unwrap();
        assert_eq!(reason_of(&neighbour.attendance), "");
        assert_eq!(neighbour.attendance.iter().find(|a| a.member_id == f.member_c1).unwrap().rsvp, "excused");
        assert!(!serde_json::to_string(&neighbour).unwrap().contains(reason));
        assert_eq!(reason_of(&meetings::detail(&db, &secretary, id).await.unwrap().attendance), reason);
        assert_eq!(reason_of(&meetings::detail(&db, &user(&db, f.member_c1).await, id).await.unwrap().attendance), reason);
        assert_eq!(reason_of(&meetings::detail(&db, &user(&db, f.committee).await, id).await.unwrap().attendance), reason);
    })
    .await;
}

/// A token the browser held before signing in never becomes a session, and a session left
/// unused for two weeks ends.
#[tokio::test]
async fn sessions_are_new_at_each_login_and_end_when_idle() {
    use app::auth::service::session_user;
    use app::db::entities::session;
    use sea_orm::{ActiveModelTrait, Set};
    on_both(|db| async move {
        fixture(&db).await;
        let (first, _) = login(&db, "0900000104", PASSWORD, &meta("10.8.0.1")).await.unwrap();
        assert!(session_user(&db, &first).await.unwrap().is_some());
        // Signing in again from the same browser retires the token it presented.
        let again = RequestMeta { session_token: Some(first.clone()), ..meta("10.8.0.1") };
        let (second, _) = login(&db, "0900000104", PASSWORD, &again).await.unwrap();
        assert_ne!(first, second);
        assert!(session_user(&db, &first).await.unwrap().is_none());
        assert!(session_user(&db, &second).await.unwrap().is_some());

        // Fifteen days without a request: the session is over, though 30 days have not passed.
        let rows = session::Entity::find().all(&db).await.unwrap();
        assert_eq!(rows.len(), 1);
        let mut row: session::ActiveModel = rows[0].clone().into();
        row.last_seen_at = Set(Some(chrono::Utc::now() - chrono::Duration::days(app::state::SESSION_IDLE_DAYS + 1)));
        row.update(&db).await.unwrap();
        assert!(session_user(&db, &second).await.unwrap().is_none());
        assert_eq!(session::Entity::find().count(&db).await.unwrap(), 0);
    })
    .await;
}

/// The contact form does not tell a member whose number a phone is, and cannot be used to try
/// the province's numbers one by one.
#[tokio::test]
async fn the_contact_form_does_not_reveal_or_test_phone_numbers() {
    on_both(|db| async move {
        let f = fixture(&db).await;
        let me = user(&db, f.member_c1).await;
        // 0900000106 belongs to a member of another bloc's cell.
        let err = members::update_contact(&db, &me, f.member_c1, "0900000106", "").await.unwrap_err();
        assert_eq!(err.field_message("phone").as_deref(), Some("Không dùng được số điện thoại này. Vui lòng kiểm tra lại hoặc liên hệ cấp ủy."));
        // A secretary sees the plain reason for a number in her own cell.
        let secretary = user(&db, f.secretary).await;
        let err = members::update_contact(&db, &secretary, f.member_c1, "0900000107", "").await.unwrap_err();
        assert_eq!(err.field_message("phone").as_deref(), Some("Số điện thoại này đã được đảng viên khác sử dụng."));
        // Trying number after number is stopped.
        let mut stopped = false;
        for i in 0..12 {
            match members::update_contact(&db, &me, f.member_c1, &format!("09111{i:05}"), "").await {
                Err(AppError::TooMany { message, .. }) => {
                    assert!(message.contains("lần đổi số điện thoại"), "{message}");
                    stopped = true;
                    break;
                }
                Ok(()) | Err(_) => {}
            }
        }
        assert!(stopped, "ten new numbers an hour at most");
    })
    .await;
}

/// A committee cannot assign (and so put in its reports) a document it may not read, and
/// "my reading" answers only for documents the member may open.
#[tokio::test]
async fn reading_is_assigned_and_reported_only_for_documents_one_may_read() {
    use app::documents::search::SearchIndex;
    use app::documents::{authoring, service as docs};
    use app::reading::{Pace, service as reading};
    on_both(|db| async move {
        let f = fixture(&db).await;
        let index = SearchIndex::build(&db).await.unwrap();
        let admin = user(&db, f.admin).await;
        let mut draft = doc_draft(f.root, "Kế hoạch kiểm tra nội bộ Khối các cơ quan tỉnh", None);
        draft.audience_codes = "KCQ".into();
        let bloc_only = authoring::save(&db, &index, &admin, &draft).await.unwrap();
        docs::set_published(&db, &index, &admin, bloc_only, true).await.unwrap();

        let committee = user(&db, f.committee).await;
        let due = (app::common::time::today() + chrono::Duration::days(10)).format("%Y-%m-%d").to_string();
        let err = reading::assign(&db, &committee, bloc_only, f.district_a, &due).await.unwrap_err();
        assert_eq!(err, AppError::NotFound("tài liệu".into()));
        let missing = reading::assign(&db, &committee, 987_654, f.district_a, &due).await.unwrap_err();
        assert_eq!(err, missing, "the same answer whether the document exists or not");

        let member = user(&db, f.member_c1).await;
        assert_eq!(reading::my_progress(&db, Pace::default(), &member, bloc_only).await.unwrap_err(), AppError::NotFound("tài liệu".into()));
        let bloc_member = user(&db, f.member_e1).await;
        assert_eq!(reading::my_progress(&db, Pace::default(), &bloc_member, bloc_only).await.unwrap().document_id, bloc_only);
        // The administrator above both may assign it to the bloc.
        reading::assign(&db, &admin, bloc_only, f.bloc_b, &due).await.expect("assign within scope");
    })
    .await;
}

/// Reloading the comprehension check over and over keeps a handful of sheets, not one per load.
#[tokio::test]
async fn reloading_the_comprehension_check_does_not_pile_up_sheets() {
    use app::db::entities::quiz_sheet;
    use app::documents::search::SearchIndex;
    use app::documents::{authoring, service as docs};
    on_both(|db| async move {
        let f = fixture(&db).await;
        let index = SearchIndex::build(&db).await.unwrap();
        let committee = user(&db, f.committee).await;
        let mut draft = doc_draft(f.district_a, "Hướng dẫn kiểm tra hiểu biết về sinh hoạt chi bộ", None);
        draft.quiz = "Chi bộ sinh hoạt bao lâu một lần?\n* Mỗi tháng\n- Mỗi năm".into();
        let id = authoring::save(&db, &index, &committee, &draft).await.unwrap();
        docs::set_published(&db, &index, &committee, id, true).await.unwrap();
        let member = user(&db, f.member_c1).await;
        for _ in 0..20 {
            assert!(app::reading::quiz::for_member(&db, &member, id).await.unwrap().is_some());
        }
        assert_eq!(quiz_sheet::Entity::find().count(&db).await.unwrap(), 5);
    })
    .await;
}

/// The two calls this change added: the check-in status answers only members of the meeting's
/// cell, and a quiz attempt is bounded and takes only the caller's own sheet.
#[tokio::test]
async fn the_added_calls_check_who_asks_and_bound_what_they_take() {
    use app::documents::search::SearchIndex;
    use app::documents::{authoring, service as docs};
    use app::meetings::{checkin, service as meetings};
    on_both(|db| async move {
        let f = fixture(&db).await;
        let secretary = user(&db, f.secretary).await;
        let id = meetings::plan(&db, &secretary, &meeting_form(f.cell_c1, -1)).await.unwrap();
        assert_eq!(checkin::status(&db, &user(&db, f.member_c1).await, id).await.unwrap(), None);
        for outsider in [f.member_d1, f.committee, f.admin] {
            assert!(is_forbidden(checkin::status(&db, &user(&db, outsider).await, id).await), "member {outsider}");
        }

        let index = SearchIndex::build(&db).await.unwrap();
        let committee = user(&db, f.committee).await;
        let mut draft = doc_draft(f.district_a, "Hướng dẫn kiểm tra hiểu biết về đảng phí", None);
        draft.quiz = "Đảng viên đóng đảng phí bao lâu một lần?\n* Hằng tháng\n- Hằng năm".into();
        let doc = authoring::save(&db, &index, &committee, &draft).await.unwrap();
        docs::set_published(&db, &index, &committee, doc, true).await.unwrap();
        let owner = user(&db, f.member_c1).await;
        let sheet = app::reading::quiz::for_member(&db, &owner, doc).await.unwrap().unwrap().sheet;
        let other = user(&db, f.member_c1_b).await;
        // Another member's sheet is no sheet of theirs; a huge answer list is refused unread.
        let err = app::reading::quiz::submit(&db, &other, "0c0c0c0c-0001", doc, &sheet, &[0]).await.unwrap_err();
        assert!(err.field_message("sheet").is_some(), "{err:?}");
        let err = app::reading::quiz::submit(&db, &other, "0c0c0c0c-0002", doc, &"x".repeat(10_000), &vec![0; 100_000]).await.unwrap_err();
        assert!(err.field_message("answers").is_some(), "{err:?}");
        let err = app::reading::quiz::submit(&db, &other, "0c0c0c0c-0003", doc, &"x".repeat(10_000), &[0]).await.unwrap_err();
        assert!(err.field_message("sheet").is_some(), "{err:?}");
        // The owner's sheet still works for the owner.
        assert!(app::reading::quiz::submit(&db, &owner, "0c0c0c0c-0004", doc, &sheet, &[0]).await.is_ok());
    })
    .await;
}
