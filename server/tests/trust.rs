//! The holes found in the security review (issue "Trust"), each tried the way an attacker
//! would, on real SQLite and real PostgreSQL.

mod common;

use app::auth::service::{ACCOUNT_MAX_FAILURES, login};
use app::db::entities::position;
use app::error::AppError;
use app::members::{MemberForm, service as members};
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
        let f = fixture(&db).await;
        // A second provincial administrator lives in cell C1, inside district A.
        let provincial = add_member(&db, f.cell_c1, "Châu Minh Khang", "0900000201").await;
        give_role(&db, provincial, "admin", f.root).await;
        let district_admin = add_member(&db, f.cell_c2, "Lý Thị Ngọc Hân", "0900000202").await;
        give_role(&db, district_admin, "admin", f.district_a).await;
        let actor = user(&db, district_admin).await;

        assert!(is_forbidden(members::reset_password(&db, &actor, provincial).await));
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
        let temporary = members::reset_password(&db, &actor, f.member_c1).await.expect("reset in scope");
        assert_eq!(temporary.len(), 8);
        assert!(members::profile(&db, &actor, f.member_c1).await.unwrap().can_manage);
        // ...but never their own account, and gives positions only to members inside the district.
        assert!(is_forbidden(members::reset_password(&db, &actor, district_admin).await));
        assert!(is_forbidden(members::set_status(&db, &actor, district_admin, "transferred", "2025-01-02").await));
        assert!(is_forbidden(members::assign_position(&db, &actor, f.member_e1, "committee_member", "PH", "2025-01-02").await));
        members::assign_position(&db, &actor, f.member_d1, "committee_member", "PH", "2025-01-02").await.expect("in scope");

        // The provincial administrator above both may do all of it.
        let root_admin = user(&db, f.admin).await;
        members::reset_password(&db, &root_admin, provincial).await.expect("root admin resets");
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
