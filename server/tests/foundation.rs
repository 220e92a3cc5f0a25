//! Foundation tests on real SQLite and real PostgreSQL: migrations, seeding, the org tree
//! across a merge, the authorization matrix, and bad input.

use crate::common;

use app::auth::service::{Action, authorize, login, session_user};
use app::db::entities::{member, membership, position, unit};
use app::error::AppError;
use app::members::{MemberForm, MemberSort, service as members};
use app::state::RequestMeta;
use app::units::{UnitForm, service as units};
use chrono::Utc;
use common::*;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter};

fn meta(ip: &str) -> RequestMeta {
    RequestMeta { ip: ip.into(), ..Default::default() }
}

async fn count<E>(db: &DatabaseConnection) -> u64
where
    E: EntityTrait,
    E::Model: Sync,
{
    E::find().count(db).await.expect("count")
}

#[tokio::test]
async fn migrations_apply_and_seeding_is_idempotent() {
    on_both(|db| async move {
        let first = app::demo::province::seed_if_empty(&db).await.expect("seed");
        assert!(first.seeded);
        assert_eq!(first.members, app::demo::province::TOTAL_MEMBERS);
        let units_after_first = count::<unit::Entity>(&db).await;
        assert!(units_after_first > 1000, "a realistic province has over a thousand units, got {units_after_first}");

        assert_eq!(app::demo::province::seed_documents_if_empty(&db).await.expect("library"), 4);
        assert_eq!(app::demo::province::seed_documents_if_empty(&db).await.expect("library again"), 0);
        // Three reading campaigns with progress, none of it in the demo accounts' own cell.
        use app::db::entities::{assignment, reading_status};
        assert_eq!(assignment::Entity::find().count(&db).await.unwrap(), 3);
        let statuses = reading_status::Entity::find().all(&db).await.unwrap();
        let confirmed = statuses.iter().filter(|s| s.confirmed_at.is_some()).count();
        assert!(confirmed > 10_000 && confirmed < statuses.len(), "{confirmed} of {}", statuses.len());
        let demo_member = member::Entity::find().filter(member::Column::Phone.eq("0900000004")).one(&db).await.unwrap().unwrap();
        let cell_members: Vec<i64> = member::Entity::find().filter(member::Column::UnitId.eq(demo_member.unit_id)).all(&db).await.unwrap().iter().map(|m| m.id).collect();
        assert!(statuses.iter().all(|s| !cell_members.contains(&s.member_id)));
        let second = app::demo::province::seed_if_empty(&db).await.expect("seed again");
        assert!(!second.seeded);
        assert_eq!(count::<unit::Entity>(&db).await, units_after_first);
        assert_eq!(count::<member::Entity>(&db).await, app::demo::province::TOTAL_MEMBERS as u64);

        // The root's subtree holds every member; the 8 districts and 4 blocs sit under it.
        let root = unit::Entity::find().filter(unit::Column::Code.eq("HG")).one(&db).await.unwrap().unwrap();
        let counts = units::active_member_counts(&db, &[root.id]).await.unwrap();
        assert_eq!(counts[&root.id], app::demo::province::TOTAL_MEMBERS as i64);
        let direct = unit::Entity::find().filter(unit::Column::ParentId.eq(root.id)).count(&db).await.unwrap();
        assert_eq!(direct, 12);

        // Every demo account logs in with the documented password and lands on the right role.
        for (i, (phone, _)) in app::demo::province::DEMO_ACCOUNTS.iter().enumerate() {
            let (_, user) = login(&db, phone, app::demo::province::DEMO_PASSWORD, &meta("10.0.0.1")).await.expect("demo login");
            assert!(!user.must_change_password);
            let roles: Vec<_> = user.positions.iter().map(|p| p.role.as_str()).collect();
            let expected: &[&str] = match i {
                0 => &["admin"],
                1 => &["committee_member"],
                2 => &["secretary"],
                _ => &[],
            };
            assert_eq!(roles, expected, "demo account {phone}");
        }
        // Nobody else has a password: no shared initial one to try on sequential card numbers.
        use app::db::entities::credential;
        assert_eq!(credential::Entity::find().count(&db).await.unwrap(), app::demo::province::DEMO_ACCOUNTS.len() as u64);
        assert_eq!(login(&db, "64010001", "dangvien2024", &meta("10.0.0.2")).await.unwrap_err(), AppError::BadCredentials);
        // New IDs continue after the seeded ones (PostgreSQL sequences were moved on).
        let f = fixture_under(&db, root.id).await;
        assert!(f > 0);
    })
    .await;
}

/// Adds a unit under the seeded root through the normal path, proving sequences are in step.
async fn fixture_under(db: &DatabaseConnection, root: i64) -> i64 {
    let root_model = unit::Entity::find_by_id(root).one(db).await.unwrap().unwrap();
    units::insert_unit(db, Some(&root_model), app::units::UnitKind::UpperGrassroots, "Đảng bộ thử", "THU", date(2024, 1, 1))
        .await
        .expect("insert after seed")
}

#[tokio::test]
async fn subtree_queries_follow_members_across_a_merge() {
    on_both(|db| async move {
        let f = fixture(&db).await;
        let admin = user(&db, f.admin).await;
        let before = date(2025, 6, 30);
        let merge_day = date(2025, 7, 1);

        // Chi bộ ấp 1 (commune X) closes on 1/7/2025; its members move to Chi bộ ấp Mỹ Lợi (commune Y).
        units::close(&db, &admin, f.cell_c1, "2025-07-01", "PH.02.01").await.expect("close");

        let in_x_before = members::members_in_subtree_on(&db, f.commune_x, before).await.unwrap();
        let in_x_after = members::members_in_subtree_on(&db, f.commune_x, merge_day).await.unwrap();
        let in_y_before = members::members_in_subtree_on(&db, f.commune_y, before).await.unwrap();
        let in_y_after = members::members_in_subtree_on(&db, f.commune_y, merge_day).await.unwrap();
        for moved in [f.secretary, f.member_c1, f.member_c1_b] {
            assert!(in_x_before.contains(&moved), "before the merge, under the old commune");
            assert!(!in_x_after.contains(&moved), "after the merge, no longer under the old commune");
            assert!(!in_y_before.contains(&moved), "before the merge, not under the new one");
            assert!(in_y_after.contains(&moved), "after the merge, under the new commune");
        }
        // The district sees them on both sides of the date.
        let in_a_before = members::members_in_subtree_on(&db, f.district_a, before).await.unwrap();
        let in_a_after = members::members_in_subtree_on(&db, f.district_a, merge_day).await.unwrap();
        assert!(in_a_before.contains(&f.member_c1) && in_a_after.contains(&f.member_c1));

        // The closed cell is kept, dated, with its history; the secretary's position ended.
        let closed = unit::Entity::find_by_id(f.cell_c1).one(&db).await.unwrap().unwrap();
        assert_eq!(closed.valid_to, Some(merge_day));
        let old_rows = membership::Entity::find()
            .filter(membership::Column::UnitId.eq(f.cell_c1))
            .all(&db)
            .await
            .unwrap();
        assert_eq!(old_rows.len(), 3);
        assert!(old_rows.iter().all(|m| m.to_date == Some(merge_day)));
        let secretary_position = position::Entity::find()
            .filter(position::Column::MemberId.eq(f.secretary))
            .one(&db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(secretary_position.to_date, Some(merge_day));

        // Current lists agree.
        let list_y = members::list(&db, &admin, f.commune_y, "", "active", MemberSort::GivenName, 1).await.unwrap();
        assert_eq!(list_y.total, 4);
        let list_x = members::list(&db, &admin, f.commune_x, "", "active", MemberSort::GivenName, 1).await.unwrap();
        assert_eq!(list_x.total, 1, "only the committee member in Chi bộ ấp 2 is left");

        // A closed unit refuses new children and a second close.
        let again = units::close(&db, &admin, f.cell_c1, "2025-07-02", "PH.02.01").await.unwrap_err();
        assert!(matches!(again, AppError::Invalid(_)));
    })
    .await;
}

#[tokio::test]
async fn closing_a_unit_needs_its_children_closed_and_a_successor_for_members() {
    on_both(|db| async move {
        let f = fixture(&db).await;
        let admin = user(&db, f.admin).await;
        let err = units::close(&db, &admin, f.commune_x, "2025-07-01", "").await.unwrap_err();
        assert!(err.field_message("form").unwrap().contains("đơn vị trực thuộc"), "{err:?}");
        let err = units::close(&db, &admin, f.cell_c1, "2025-07-01", "").await.unwrap_err();
        assert!(err.field_message("successor_code").unwrap().contains("đảng viên"));
        let err = units::close(&db, &admin, f.cell_c1, "2025-07-01", "PH.01").await.unwrap_err();
        assert_eq!(err.field_message("successor_code").as_deref(), Some("Đơn vị tiếp nhận phải là chi bộ đang hoạt động."));
        // Nothing changed.
        let c1 = unit::Entity::find_by_id(f.cell_c1).one(&db).await.unwrap().unwrap();
        assert!(c1.valid_to.is_none());
        assert_eq!(members::members_in_subtree_on(&db, f.cell_c1, Utc::now().date_naive()).await.unwrap().len(), 3);
    })
    .await;
}

#[tokio::test]
async fn authorization_matrix_per_role() {
    on_both(|db| async move {
        let f = fixture(&db).await;
        let admin = user(&db, f.admin).await;
        let committee = user(&db, f.committee).await;
        let secretary = user(&db, f.secretary).await;
        let member = user(&db, f.member_c1).await;

        let view = |member_id, unit_id| Action::ViewMember { member_id, unit_id };
        let contact = |member_id, unit_id| Action::EditMemberContact { member_id, unit_id };
        #[rustfmt::skip]
        let cases = [
            // (who, action, allowed)
            (&member, view(f.member_c1, f.cell_c1), true),
            (&member, view(f.member_c1_b, f.cell_c1), false),
            (&member, Action::ListMembers(f.cell_c1), false),
            (&member, Action::ViewUnit(f.cell_c1), true),
            (&member, Action::ViewUnit(f.commune_x), true),
            (&member, Action::ViewUnit(f.cell_d1), false),
            (&member, contact(f.member_c1, f.cell_c1), true),
            (&member, Action::ManageUnit(f.cell_c1), false),
            (&secretary, Action::ListMembers(f.cell_c1), true),
            (&secretary, Action::ListMembers(f.cell_d1), false),
            (&secretary, Action::ListMembers(f.commune_x), false),
            (&secretary, view(f.member_c1, f.cell_c1), true),
            (&secretary, view(f.member_d1, f.cell_d1), false),
            (&secretary, contact(f.member_c1, f.cell_c1), true),
            (&secretary, contact(f.member_d1, f.cell_d1), false),
            (&secretary, Action::ManageMembers(f.cell_c1), false),
            (&secretary, Action::ManageUnit(f.cell_c1), false),
            (&committee, Action::ListMembers(f.district_a), true),
            (&committee, Action::ListMembers(f.cell_d1), true),
            (&committee, Action::ListMembers(f.root), false),
            (&committee, Action::ListMembers(f.cell_e1), false),
            (&committee, view(f.member_d1, f.cell_d1), true),
            (&committee, view(f.member_e1, f.cell_e1), false),
            (&committee, contact(f.member_d1, f.cell_d1), false),
            (&committee, Action::ManageUnit(f.commune_x), false),
            (&committee, Action::AssignPosition(f.cell_c1), false),
            (&admin, Action::ListMembers(f.root), true),
            (&admin, Action::ManageUnit(f.cell_d1), true),
            (&admin, Action::ManageMembers(f.cell_e1), true),
            (&admin, Action::AssignPosition(f.district_a), true),
            (&admin, contact(f.member_d1, f.cell_d1), true),
        ];
        for (i, (who, action, allowed)) in cases.iter().enumerate() {
            let result = authorize(&db, who, *action).await;
            assert_eq!(result.is_ok(), *allowed, "case {i}: {} {action:?} -> {result:?}", who.full_name);
            if let Err(err) = result {
                assert!(matches!(err, AppError::Forbidden(ref m) if !m.is_empty()), "case {i}: clear message");
            }
        }

        // Through the services: a secretary editing another cell's member is refused, nothing changes.
        let err = members::update_contact(&db, &secretary, f.member_d1, "0912345678", "").await.unwrap_err();
        assert_eq!(err, AppError::Forbidden("Bạn chỉ được sửa thông tin liên lạc của đảng viên trong chi bộ mình.".into()));
        let d1 = member::Entity::find_by_id(f.member_d1).one(&db).await.unwrap().unwrap();
        assert_eq!(d1.phone.as_deref(), Some("0900000105"));
        // ...and editing her own cell's member works.
        members::update_contact(&db, &secretary, f.member_c1, "0912 345 678", "hau.pv@haugiang.gov.vn").await.unwrap();
        let c1 = member::Entity::find_by_id(f.member_c1).one(&db).await.unwrap().unwrap();
        assert_eq!(c1.phone.as_deref(), Some("0912345678"));

        // A member reading another member's profile: denied with a clear error.
        let err = members::profile(&db, &member, f.member_c1_b).await.unwrap_err();
        assert_eq!(err, AppError::Forbidden("Bạn không có quyền xem hồ sơ của đảng viên này.".into()));
        assert!(members::profile(&db, &member, f.member_c1).await.is_ok());

        // A secretary cannot move a member or create units; the committee member cannot either.
        let err = members::move_member(&db, &secretary, f.member_c1, "PH.02.01", "2025-01-01", "").await.unwrap_err();
        assert!(matches!(err, AppError::Forbidden(_)));
        let form = UnitForm { kind: "cell".into(), name: "Chi bộ ấp 9".into(), code: "PH.01.09".into(), valid_from: "2024-01-01".into() };
        assert!(matches!(units::create(&db, &committee, f.commune_x, &form).await.unwrap_err(), AppError::Forbidden(_)));
        assert!(units::create(&db, &admin, f.commune_x, &form).await.is_ok());
        let c1_after = member::Entity::find_by_id(f.member_c1).one(&db).await.unwrap().unwrap();
        assert_eq!(c1_after.unit_id, f.cell_c1);

        // Lists are cut to scope: the committee member's district list excludes the bloc.
        let list = members::list(&db, &committee, f.district_a, "", "active", MemberSort::GivenName, 1).await.unwrap();
        assert_eq!(list.total, 5);
        let mut listed: Vec<i64> = list.items.iter().map(|m| m.id).collect();
        listed.sort_unstable();
        let mut expected = vec![f.committee, f.secretary, f.member_c1, f.member_c1_b, f.member_d1];
        expected.sort_unstable();
        assert_eq!(listed, expected, "the district's five, on one page");
        assert!(list.items.iter().all(|m| m.id != f.member_e1 && m.id != f.admin));
    })
    .await;
}

#[tokio::test]
async fn login_rejects_bad_input_and_throttles_guessing() {
    on_both(|db| async move {
        let f = fixture(&db).await;
        let err = login(&db, "", "", &meta("10.1.0.1")).await.unwrap_err();
        assert_eq!(err.field_message("identifier").as_deref(), Some("Vui lòng nhập số điện thoại hoặc số thẻ đảng viên."));
        assert_eq!(err.field_message("password").as_deref(), Some("Vui lòng nhập mật khẩu."));
        let long = "x".repeat(500);
        let err = login(&db, &long, &long, &meta("10.1.0.1")).await.unwrap_err();
        assert!(err.field_message("identifier").is_some() && err.field_message("password").is_some());
        assert_eq!(login(&db, "0999999999", PASSWORD, &meta("10.1.0.1")).await.unwrap_err(), AppError::BadCredentials);
        assert_eq!(login(&db, "0900000104", "sai-mat-khau-1", &meta("10.1.0.1")).await.unwrap_err(), AppError::BadCredentials);

        // Phone in international form and the card number both work.
        let (token, user) = login(&db, "+84 900 000 104", PASSWORD, &meta("10.1.0.2")).await.expect("login by phone");
        assert_eq!(user.member_id, f.member_c1);
        assert_eq!(session_user(&db, &token).await.unwrap().map(|u| u.member_id), Some(f.member_c1));
        let (_, by_card) = login(&db, "64.000104", PASSWORD, &meta("10.1.0.2")).await.expect("login by card");
        assert_eq!(by_card.member_id, f.member_c1);
        app::auth::service::logout(&db, &token).await.unwrap();
        assert_eq!(session_user(&db, &token).await.unwrap(), None);

        // Five wrong passwords lock the account, even against the right password afterwards.
        for _ in 0..app::auth::service::ACCOUNT_MAX_FAILURES {
            let err = login(&db, "0900000105", "doan-sai-99", &meta("10.2.0.1")).await.unwrap_err();
            assert_eq!(err, AppError::BadCredentials);
        }
        let err = login(&db, "0900000105", PASSWORD, &meta("10.2.0.9")).await.unwrap_err();
        assert!(matches!(err, AppError::Throttled(m) if m >= 1), "{err:?}");
        assert!(err.to_string().starts_with("Đăng nhập sai quá nhiều lần"));

        // One address guessing across many accounts is stopped too.
        for i in 0..app::auth::service::IP_MAX_FAILURES {
            let _ = login(&db, &format!("09111{i:05}"), "doan-sai-99", &meta("10.3.0.1")).await;
        }
        let err = login(&db, "0900000106", PASSWORD, &meta("10.3.0.1")).await.unwrap_err();
        assert!(matches!(err, AppError::Throttled(_)));
        assert!(login(&db, "0900000106", PASSWORD, &meta("10.3.0.2")).await.is_ok());
    })
    .await;
}

#[tokio::test]
async fn forced_password_change_and_password_rules() {
    on_both(|db| async move {
        let f = fixture(&db).await;
        let admin = user(&db, f.admin).await;
        let _ = admin;
        // A one-time password an older version handed out: the member must still replace it.
        let temp = "tamthoi2024";
        let hash = app::auth::service::hash_password(temp).await.expect("hash");
        let row = app::db::entities::credential::ActiveModel {
            member_id: sea_orm::Set(f.member_d1),
            password_hash: sea_orm::Set(hash),
            must_change: sea_orm::Set(true),
            updated_at: sea_orm::Set(Utc::now()),
        };
        sea_orm::ActiveModelTrait::update(row, &db).await.expect("legacy one-time password");
        let (token, pending) = login(&db, "0900000105", temp, &meta("10.4.0.1")).await.expect("login with temporary password");
        assert!(pending.must_change_password);

        let err = app::auth::service::change_password(&db, &pending, "sai", "abc", "abd", Some(&token)).await.unwrap_err();
        assert_eq!(err.field_message("current_password").as_deref(), Some("Mật khẩu hiện tại không đúng."));
        assert_eq!(err.field_message("new_password").as_deref(), Some("Mật khẩu phải có ít nhất 8 ký tự."));
        assert_eq!(err.field_message("confirm_password").as_deref(), Some("Xác nhận mật khẩu không khớp."));
        let err = app::auth::service::change_password(&db, &pending, temp, "chiconchu", "chiconchu", Some(&token)).await.unwrap_err();
        assert_eq!(err.field_message("new_password").as_deref(), Some("Mật khẩu phải có cả chữ và số."));

        app::auth::service::change_password(&db, &pending, temp, "hoaan2025", "hoaan2025", Some(&token)).await.expect("change");
        let now = session_user(&db, &token).await.unwrap().expect("session kept");
        assert!(!now.must_change_password);
        assert!(login(&db, "0900000105", temp, &meta("10.4.0.1")).await.is_err());
        assert!(login(&db, "0900000105", "hoaan2025", &meta("10.4.0.1")).await.is_ok());
    })
    .await;
}

fn valid_form() -> MemberForm {
    MemberForm {
        full_name: "Nguyễn Thị Ngọc Hân".into(),
        birth_date: "1994-03-08".into(),
        gender: "nu".into(),
        card_no: "64.123456".into(),
        phone: "0939 123 456".into(),
        email: "".into(),
        admitted_on: "19/05/2018".into(),
        official_on: "2019-05-19".into(),
    }
}

#[tokio::test]
async fn member_forms_validate_every_field_and_write_nothing_on_error() {
    on_both(|db| async move {
        let f = fixture(&db).await;
        let key = app::common::secret::SecretKey::default();
        let admin = user(&db, f.admin).await;
        let before = count::<member::Entity>(&db).await;

        let empty = MemberForm::default();
        let err = members::create(&db, &key, &admin, f.cell_c1, &empty).await.unwrap_err();
        for field in ["full_name", "birth_date", "gender", "card_no", "admitted_on"] {
            assert!(err.field_message(field).is_some(), "missing message for {field}: {err:?}");
        }
        assert_eq!(err.field_message("full_name").as_deref(), Some("Vui lòng nhập họ và tên."));

        let bad = MemberForm {
            full_name: "A".repeat(200),
            birth_date: "31/02/1990".into(),
            phone: "12345".into(),
            email: "khong-phai-email".into(),
            card_no: "64.000104".into(),
            admitted_on: "2030-01-01".into(),
            ..valid_form()
        };
        let err = members::create(&db, &key, &admin, f.cell_c1, &bad).await.unwrap_err();
        assert_eq!(err.field_message("full_name").as_deref(), Some("Họ và tên không được dài quá 120 ký tự."));
        assert_eq!(err.field_message("birth_date").as_deref(), Some("Ngày sinh không hợp lệ (ví dụ: 19/05/1990)."));
        assert!(err.field_message("phone").unwrap().contains("10 chữ số"));
        assert!(err.field_message("email").is_some());
        assert_eq!(err.field_message("card_no").as_deref(), Some("Số thẻ đảng viên này đã có trong hệ thống."));
        assert_eq!(err.field_message("admitted_on").as_deref(), Some("Ngày vào Đảng không được ở tương lai."));

        let too_young = MemberForm { birth_date: "2005-01-01".into(), admitted_on: "2020-01-01".into(), official_on: "".into(), ..valid_form() };
        let err = members::create(&db, &key, &admin, f.cell_c1, &too_young).await.unwrap_err();
        assert!(err.field_message("admitted_on").unwrap().contains("18 tuổi"));

        // Members belong to cells only.
        let err = members::create(&db, &key, &admin, f.commune_x, &valid_form()).await.unwrap_err();
        assert!(err.field_message("unit").is_some());
        assert_eq!(count::<member::Entity>(&db).await, before, "no half-written member");

        let created = members::create(&db, &key, &admin, f.cell_c1, &valid_form()).await.expect("valid member");
        assert_eq!(created.activation_code.len(), 14, "{}", created.activation_code);
        let stored = member::Entity::find_by_id(created.id).one(&db).await.unwrap().unwrap();
        assert_eq!(stored.card_no, "64123456");
        assert_eq!(stored.phone.as_deref(), Some("0939123456"));
        // No password exists until the member chooses one with the code.
        assert_eq!(login(&db, "0939123456", &created.activation_code, &meta("10.5.0.1")).await.unwrap_err(), AppError::BadCredentials);
        let form = app::auth::activation::Activation { card_no: "64.123456", code: &created.activation_code, new_password: "ngochan2025", confirm_password: "ngochan2025" };
        let (_, first) = app::auth::activation::activate(&db, &key, &form, &meta("10.5.0.1")).await.expect("activates");
        assert!(!first.must_change_password);

        // Moving needs a real, open, different cell and a sane date; a good move is dated.
        let err = members::move_member(&db, &admin, created.id, "KHONG.CO", "hôm qua", "").await.unwrap_err();
        assert_eq!(err.field_message("to_code").as_deref(), Some("Không tìm thấy chi bộ có mã này."));
        assert!(err.field_message("on_date").is_some());
        members::move_member(&db, &admin, created.id, "ph.02.01", "2024-06-01", "Chuyển nơi cư trú").await.expect("move");
        let history = members::profile(&db, &admin, created.id).await.unwrap().memberships;
        assert_eq!(history.len(), 2);
        assert_eq!(history[0].unit.id, f.cell_d1);
        assert_eq!(history[1].to_date, Some(date(2024, 6, 1)));

        // Unit forms: duplicate code, wrong kind for the parent, bad date.
        let form = UnitForm { kind: "provincial".into(), name: "X".into(), code: "PH.01.01".into(), valid_from: "1/1/2000".into() };
        let err = units::create(&db, &admin, f.commune_x, &form).await.unwrap_err();
        assert_eq!(err.field_message("code").as_deref(), Some("Mã đơn vị này đã được dùng."));
        assert!(err.field_message("kind").is_some());
        assert!(err.field_message("name").is_some());
        assert!(err.field_message("valid_from").is_some());
    })
    .await;
}

#[tokio::test]
async fn member_search_ignores_diacritics_and_pages() {
    on_both(|db| async move {
        let f = fixture(&db).await;
        let admin = user(&db, f.admin).await;
        let search = |q: &'static str| {
            let (db, admin) = (db.clone(), admin.clone());
            async move { members::list(&db, &admin, f.root, q, "active", MemberSort::GivenName, 1).await.unwrap() }
        };
        let names = |page: app::members::MemberPage| page.items.into_iter().map(|m| m.full_name).collect::<Vec<_>>();
        assert_eq!(names(search("tran thi bich ngoc").await), vec!["Trần Thị Bích Ngọc"]);
        assert_eq!(names(search("Đặng Quốc").await), vec!["Đặng Quốc Đạt"]);
        assert_eq!(names(search("dao").await), vec!["Huỳnh Thị Đào"], "word start, not 'Đạt'");
        assert_eq!(names(search("0900000105").await), vec!["Đặng Quốc Đạt"]);
        assert_eq!(search("khong ai ten nay").await.total, 0);
        assert!(members::list(&db, &admin, f.root, &"a".repeat(101), "active", MemberSort::GivenName, 1).await.is_err());
        // Sorted by given name: Đào, Đạt, Hậu, Loan, Ngọc, Phúc, Tùng.
        let all = names(search("").await);
        assert_eq!(all.first().map(String::as_str), Some("Huỳnh Thị Đào"));
        assert_eq!(all.last().map(String::as_str), Some("Nguyễn Thanh Tùng"));
        // The administrator's cell picker matches the cell and its parent by folded words or code.
        let codes = |opts: Vec<app::units::CellOption>| opts.into_iter().map(|o| o.code).collect::<Vec<_>>();
        assert_eq!(codes(units::find_cells(&db, &admin, "hoa an ap 1").await.unwrap()), vec!["PH.01.01"]);
        assert_eq!(codes(units::find_cells(&db, &admin, "Hòa Mỹ").await.unwrap()), vec!["PH.02.01"]);
        assert_eq!(codes(units::find_cells(&db, &admin, "ph.01").await.unwrap()), vec!["PH.01.01", "PH.01.02"]);
        assert!(units::find_cells(&db, &admin, "x").await.unwrap().is_empty());
        let secretary = user(&db, f.secretary).await;
        assert!(matches!(units::find_cells(&db, &secretary, "hoa an").await, Err(AppError::Forbidden(_))));
        // Page numbers out of range are clamped, not errors.
        let page = members::list(&db, &admin, f.root, "", "active", MemberSort::Oldest, 99).await.unwrap();
        assert_eq!(page.page, 1);
    })
    .await;
}
