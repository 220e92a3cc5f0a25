//! Accounts without shared passwords (issue "A real province can move in", item 3): activation
//! codes handed out by a cell's secretary or an administrator, used once by the member with
//! their card number to choose a password; on real SQLite and real PostgreSQL.

use crate::common;

use app::auth::activation::{self, Activation};
use app::auth::service::{ACCOUNT_MAX_FAILURES, login, session_user};
use app::common::secret::SecretKey;
use app::db::entities::{activation_code, credential, member};
use app::error::AppError;
use app::members::{AccountState, activation as codes};
use app::state::RequestMeta;
use common::*;
use sea_orm::{ActiveModelTrait, EntityTrait, PaginatorTrait, Set};

fn meta(ip: &str) -> RequestMeta {
    RequestMeta { ip: ip.into(), ..Default::default() }
}

fn forbidden<T>(result: Result<T, AppError>) -> bool {
    matches!(result, Err(AppError::Forbidden(_)))
}

fn form<'a>(card_no: &'a str, code: &'a str, password: &'a str) -> Activation<'a> {
    Activation { card_no, code, new_password: password, confirm_password: password }
}

async fn card_of(db: &sea_orm::DatabaseConnection, id: i64) -> String {
    member::Entity::find_by_id(id).one(db).await.expect("query").expect("member").card_no
}

/// A member imported from a spreadsheet: no password at all.
async fn imported(db: &sea_orm::DatabaseConnection, cell: i64, name: &str, phone: &str) -> i64 {
    let id = add_member(db, cell, name, phone).await;
    credential::Entity::delete_by_id(id).exec(db).await.expect("no password");
    id
}

#[tokio::test]
async fn a_code_works_once_and_nobody_signs_in_before_using_it() {
    on_both(|db| async move {
        let f = fixture(&db).await;
        let key = SecretKey::default();
        let secretary = user(&db, f.secretary).await;
        let hoa = imported(&db, f.cell_c1, "Nguyễn Thị Hoa", "0911000001").await;
        let card = card_of(&db, hoa).await;

        // Imported, not yet activated: no way in, by phone or card, with anything.
        for identifier in ["0911000001", card.as_str()] {
            assert_eq!(login(&db, identifier, PASSWORD, &meta("10.1.0.1")).await.unwrap_err(), AppError::BadCredentials);
        }
        let accounts = codes::accounts(&db, &secretary, f.cell_c1).await.expect("the secretary sees her cell");
        let row = accounts.rows.iter().find(|r| r.member_id == hoa).expect("listed");
        assert_eq!(row.state, AccountState::NoCode);
        assert!(row.may_issue);
        assert_eq!(accounts.rows.iter().find(|r| r.member_id == f.member_c1).expect("listed").state, AccountState::Active);

        let batch = codes::issue_for_cell(&db, &key, &secretary, f.cell_c1, &[hoa]).await.expect("issue");
        assert_eq!(batch.codes.len(), 1);
        let code = batch.codes[0].code.clone();
        assert!(code.len() == 14 && code.chars().filter(|c| c.is_ascii_digit()).count() == 12, "{code}");
        assert_eq!(batch.expires_on, app::common::time::today() + chrono::Duration::days(activation::VALID_DAYS));
        // The code is no password either.
        assert_eq!(login(&db, &card, &code, &meta("10.1.0.1")).await.unwrap_err(), AppError::BadCredentials);

        // Field problems are reported without spending the code.
        let err = activation::activate(&db, &key, &Activation { card_no: &card, code: &code, new_password: "hoa12345", confirm_password: "hoa54321" }, &meta("10.1.0.2")).await.unwrap_err();
        assert_eq!(err.field_message("confirm_password").as_deref(), Some("Xác nhận mật khẩu không khớp."));
        let err = activation::activate(&db, &key, &form(&card, "1234", "hoa12345"), &meta("10.1.0.2")).await.unwrap_err();
        assert!(err.field_message("code").expect("code message").contains("12 chữ số"));

        // The right card and code: a password of her own, signed in at once.
        let typed = code.replace(' ', "-");
        let (token, signed_in) = activation::activate(&db, &key, &form(&format!("{}.{}", &card[..2], &card[2..]), &typed, "hoa12345"), &meta("10.1.0.2")).await.expect("activates");
        assert_eq!(signed_in.member_id, hoa);
        assert!(!signed_in.must_change_password);
        assert_eq!(session_user(&db, &token).await.expect("query").expect("a live session").member_id, hoa);
        login(&db, "0911000001", "hoa12345", &meta("10.1.0.3")).await.expect("then signs in with her password");

        // Used once: the same code again is refused, and the password stays hers.
        let err = activation::activate(&db, &key, &form(&card, &code, "khac12345"), &meta("10.1.0.4")).await.unwrap_err();
        assert!(err.field_message("code").expect("code message").starts_with("Số thẻ đảng viên hoặc mã kích hoạt không đúng"));
        login(&db, "0911000001", "hoa12345", &meta("10.1.0.3")).await.expect("unchanged");
        assert_eq!(activation_code::Entity::find().count(&db).await.unwrap(), 0, "the spent code is gone");
        let accounts = codes::accounts(&db, &secretary, f.cell_c1).await.unwrap();
        assert_eq!(accounts.rows.iter().find(|r| r.member_id == hoa).unwrap().state, AccountState::Active);
    })
    .await;
}

#[tokio::test]
async fn a_new_code_kills_the_old_one_and_the_password_and_codes_expire() {
    on_both(|db| async move {
        let f = fixture(&db).await;
        let key = SecretKey::default();
        let secretary = user(&db, f.secretary).await;
        let hau_card = card_of(&db, f.member_c1).await;

        // Phạm Văn Hậu has a password and a session; a new code for him (a lost phone) ends both.
        let (token, _) = login(&db, "0900000104", PASSWORD, &meta("10.2.0.1")).await.expect("signs in");
        let first = codes::issue_for_cell(&db, &key, &secretary, f.cell_c1, &[f.member_c1]).await.expect("issue").codes[0].code.clone();
        assert_eq!(login(&db, "0900000104", PASSWORD, &meta("10.2.0.1")).await.unwrap_err(), AppError::BadCredentials);
        assert!(session_user(&db, &token).await.expect("query").is_none(), "signed out everywhere");
        let accounts = codes::accounts(&db, &secretary, f.cell_c1).await.unwrap();
        let state = accounts.rows.iter().find(|r| r.member_id == f.member_c1).unwrap().state;
        assert!(matches!(state, AccountState::CodeIssued(_)) && !state.needs_code(), "{state:?}");

        // Re-issued: the first code dies, the second works.
        let second = codes::issue_for_cell(&db, &key, &secretary, f.cell_c1, &[f.member_c1]).await.expect("again").codes[0].code.clone();
        assert_ne!(first, second);
        let err = activation::activate(&db, &key, &form(&hau_card, &first, "hau12345"), &meta("10.2.0.2")).await.unwrap_err();
        assert!(err.field_message("code").is_some(), "{err:?}");

        // Expired: the holder of the right code is told so (and whom to ask).
        let mut row: activation_code::ActiveModel = activation_code::Entity::find_by_id(f.member_c1).one(&db).await.unwrap().unwrap().into();
        row.expires_at = Set(chrono::Utc::now() - chrono::Duration::minutes(1));
        row.update(&db).await.unwrap();
        let accounts = codes::accounts(&db, &secretary, f.cell_c1).await.unwrap();
        assert!(matches!(accounts.rows.iter().find(|r| r.member_id == f.member_c1).unwrap().state, AccountState::CodeExpired(_)));
        let err = activation::activate(&db, &key, &form(&hau_card, &second, "hau12345"), &meta("10.2.0.2")).await.unwrap_err();
        assert!(err.field_message("code").expect("message").contains("đã hết hạn"), "{err:?}");
        assert_eq!(credential::Entity::find_by_id(f.member_c1).one(&db).await.unwrap(), None, "no password was written");

        // Another key (another deployment's) never accepts this one's code.
        let third = codes::issue_for_member(&db, &key, &secretary, f.member_c1).await.expect("one member").codes[0].code.clone();
        let err = activation::activate(&db, &SecretKey::default(), &form(&hau_card, &third, "hau12345"), &meta("10.2.0.3")).await.unwrap_err();
        assert!(err.field_message("code").is_some());
        activation::activate(&db, &key, &form(&hau_card, &third, "hau12345"), &meta("10.2.0.3")).await.expect("the third code works");
    })
    .await;
}

#[tokio::test]
async fn wrong_codes_are_throttled_like_passwords_and_share_their_count() {
    on_both(|db| async move {
        let f = fixture(&db).await;
        let key = SecretKey::default();
        let secretary = user(&db, f.secretary).await;
        let lan = imported(&db, f.cell_c1, "Trương Thị Lan", "0911000002").await;
        let card = card_of(&db, lan).await;
        let code = codes::issue_for_cell(&db, &key, &secretary, f.cell_c1, &[lan]).await.unwrap().codes[0].code.clone();

        // Guesses from many addresses count against the card number; a wrong password typed on
        // the login form with the card number counts in the same tally.
        login(&db, &card, "doan-sai-1", &meta("10.3.0.100")).await.unwrap_err();
        for i in 1..ACCOUNT_MAX_FAILURES {
            let err = activation::activate(&db, &key, &form(&card, &format!("0000 0000 000{i}"), "lan12345"), &meta(&format!("10.3.0.{i}"))).await.unwrap_err();
            assert!(err.field_message("code").is_some(), "{err:?}");
        }
        // Now even the right code waits.
        let err = activation::activate(&db, &key, &form(&card, &code, "lan12345"), &meta("10.3.1.1")).await.unwrap_err();
        assert!(matches!(err, AppError::Throttled(m) if m >= 1), "{err:?}");
        assert!(activation_code::Entity::find_by_id(lan).one(&db).await.unwrap().is_some(), "the code is not spent");

        // One address guessing across many cards is stopped as well.
        for i in 0..app::auth::service::IP_MAX_FAILURES {
            let _ = activation::activate(&db, &key, &form(&format!("6477{i:04}"), "1111 2222 3333", "lan12345"), &meta("10.4.0.1")).await;
        }
        let hau_code = codes::issue_for_member(&db, &key, &secretary, f.member_c1).await.unwrap().codes[0].code.clone();
        let hau_card = card_of(&db, f.member_c1).await;
        let err = activation::activate(&db, &key, &form(&hau_card, &hau_code, "hau12345"), &meta("10.4.0.1")).await.unwrap_err();
        assert!(matches!(err, AppError::Throttled(_)), "{err:?}");
        activation::activate(&db, &key, &form(&hau_card, &hau_code, "hau12345"), &meta("10.4.0.2")).await.expect("from another address");
    })
    .await;
}

#[tokio::test]
async fn two_uses_of_one_code_at_once_make_one_account() {
    on_both(|db| async move {
        let f = fixture(&db).await;
        let key = SecretKey::default();
        let mai = imported(&db, f.cell_c1, "Lê Thị Mai", "0911000003").await;
        let card = card_of(&db, mai).await;
        let code = codes::issue_for_cell(&db, &key, &user(&db, f.secretary).await, f.cell_c1, &[mai]).await.unwrap().codes[0].code.clone();
        let (one, two) = (form(&card, &code, "maimot111"), form(&card, &code, "maihai222"));
        let (here, there) = (meta("10.5.0.1"), meta("10.5.0.2"));
        let (a, b) = tokio::join!(activation::activate(&db, &key, &one, &here), activation::activate(&db, &key, &two, &there));
        assert_eq!(usize::from(a.is_ok()) + usize::from(b.is_ok()), 1, "{a:?} / {b:?}");
        let winner = if a.is_ok() { "maimot111" } else { "maihai222" };
        login(&db, "0911000003", winner, &meta("10.5.0.3")).await.expect("the one that won");

        // Two rounds for one member at once (two administrators, a double click): both answer,
        // one code stands.
        let admin = user(&db, f.admin).await;
        let secretary = user(&db, f.secretary).await;
        let (x, y) = tokio::join!(codes::issue_for_member(&db, &key, &admin, mai), codes::issue_for_member(&db, &key, &secretary, mai));
        let (x, y) = (x.expect("first round"), y.expect("second round"));
        let card = card_of(&db, mai).await;
        let works = |code: String| {
            let (db, key, card) = (db.clone(), key.clone(), card.clone());
            async move { activation::activate(&db, &key, &form(&card, &code, "maiba3333"), &meta("10.5.0.4")).await.is_ok() }
        };
        let (first, second) = (x.codes[0].code.clone(), y.codes[0].code.clone());
        assert_eq!(usize::from(works(first).await) + usize::from(works(second).await), 1);
    })
    .await;
}

#[tokio::test]
async fn who_may_hand_out_codes_and_to_whom() {
    on_both(|db| async move {
        let f = fixture(&db).await;
        let key = SecretKey::default();
        let secretary = user(&db, f.secretary).await;

        // A member of her cell who serves on the commune committee: his code comes from an
        // administrator, never from her (a code is a way into his account).
        let khoa = add_member(&db, f.cell_c1, "Đỗ Minh Khoa", "0911000004").await;
        give_role(&db, khoa, "committee_member", f.commune_x).await;
        let accounts = codes::accounts(&db, &secretary, f.cell_c1).await.unwrap();
        assert!(!accounts.rows.iter().find(|r| r.member_id == khoa).unwrap().may_issue);
        assert!(!accounts.rows.iter().find(|r| r.member_id == f.secretary).unwrap().may_issue, "not herself");
        let refused = codes::issue_for_cell(&db, &key, &secretary, f.cell_c1, &[f.member_c1, khoa]).await;
        assert!(matches!(&refused, Err(AppError::Forbidden(m)) if m.contains("Đỗ Minh Khoa")), "{refused:?}");
        assert!(forbidden(codes::issue_for_member(&db, &key, &secretary, khoa).await));
        assert!(forbidden(codes::issue_for_member(&db, &key, &secretary, f.secretary).await));
        assert_eq!(activation_code::Entity::find().count(&db).await.unwrap(), 0, "nothing issued by a refused call");
        login(&db, "0900000104", PASSWORD, &meta("10.6.0.1")).await.expect("Hậu's password untouched");

        // Not her cell, not a plain member's business, not a district committee member's.
        assert!(forbidden(codes::accounts(&db, &secretary, f.cell_c2).await));
        assert!(forbidden(codes::issue_for_member(&db, &key, &secretary, f.member_d1).await));
        assert!(forbidden(codes::accounts(&db, &user(&db, f.member_c1).await, f.cell_c1).await));
        assert!(forbidden(codes::issue_for_cell(&db, &key, &user(&db, f.committee).await, f.cell_c1, &[f.member_c1]).await));
        // Ids from another cell inside a batch: refused whole.
        let err = codes::issue_for_cell(&db, &key, &secretary, f.cell_c1, &[f.member_c1, f.member_d1]).await.unwrap_err();
        assert!(err.field_message("member_ids").is_some(), "{err:?}");
        // Bounded: nobody, or more than any cell has.
        assert!(codes::issue_for_cell(&db, &key, &secretary, f.cell_c1, &[]).await.unwrap_err().field_message("member_ids").is_some());
        let many: Vec<i64> = (1..=codes::MAX_CODES_PER_CALL as i64 + 1).collect();
        assert!(codes::issue_for_cell(&db, &key, &secretary, f.cell_c1, &many).await.unwrap_err().field_message("member_ids").is_some());
        // Codes are handed out per cell.
        assert!(codes::accounts(&db, &user(&db, f.admin).await, f.commune_x).await.unwrap_err().field_message("unit").is_some());

        // The province's administrator may give the committee member his code.
        let admin = user(&db, f.admin).await;
        assert!(codes::accounts(&db, &admin, f.cell_c1).await.unwrap().rows.iter().find(|r| r.member_id == khoa).unwrap().may_issue);
        codes::issue_for_member(&db, &key, &admin, khoa).await.expect("the administrator above");
    })
    .await;
}

#[tokio::test]
async fn a_database_reader_finds_no_code_and_the_workbook_holds_only_live_ones() {
    use calamine::Reader;
    use sha2::Digest;
    on_both(|db| async move {
        let f = fixture(&db).await;
        let key = SecretKey::default();
        let secretary = user(&db, f.secretary).await;
        let a = imported(&db, f.cell_c1, "Cao Văn An", "0911000005").await;
        let b = imported(&db, f.cell_c1, "Cao Thị Bình", "0911000006").await;
        let batch = codes::issue_for_cell(&db, &key, &secretary, f.cell_c1, &[a, b]).await.unwrap();
        assert_eq!(batch.codes.iter().map(|c| c.full_name.as_str()).collect::<Vec<_>>(), ["Cao Văn An", "Cao Thị Bình"]);

        // What the table holds: a keyed fingerprint, not the code, not a plain hash of it.
        for c in &batch.codes {
            let digits: String = c.code.chars().filter(char::is_ascii_digit).collect();
            let stored = activation_code::Entity::find_by_id(c.member_id).one(&db).await.unwrap().unwrap();
            assert!(!stored.code_tag.contains(&digits));
            assert_ne!(stored.code_tag, app::common::hex(&sha2::Sha256::digest(digits.as_bytes())));
            assert_ne!(stored.code_tag, app::common::hex(&sha2::Sha256::digest(format!("{}{digits}", c.member_id).as_bytes())));
            assert_eq!(stored.issued_by, Some(f.secretary));
        }

        // The page posts the sealed round back for a workbook: both rows, then only the one still live.
        let read = |sheets: Vec<app::spreadsheet::Sheet>| -> Vec<Vec<String>> {
            let bytes = app::spreadsheet::workbook(&sheets).expect("xlsx");
            let mut book: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).expect("a workbook calamine reads");
            assert_eq!(book.sheet_names(), ["Mã kích hoạt", "Hướng dẫn"]);
            let range = book.worksheet_range("Mã kích hoạt").expect("sheet");
            range.rows().map(|r| r.iter().map(|c| c.to_string()).collect()).collect()
        };
        let (name, sheets) = codes::code_sheet(&db, &key, &secretary, f.cell_c1, &batch.sheet).await.expect("workbook");
        assert_eq!(name, format!("ma-kich-hoat-{}", f.cell_c1));
        let rows = read(sheets);
        assert_eq!(rows.len(), 3, "{rows:?}");
        assert_eq!(rows[0][..5], ["STT", "Họ và tên", "Số thẻ đảng viên", "Chi bộ", "Mã kích hoạt"]);
        assert_eq!(rows[1][1..5], ["Cao Văn An".to_string(), card_of(&db, a).await, "Chi bộ ấp 1".into(), batch.codes[0].code.clone()]);
        activation::activate(&db, &key, &form(&card_of(&db, a).await, &batch.codes[0].code, "caoan2025"), &meta("10.7.0.1")).await.expect("An activates");
        let (_, sheets) = codes::code_sheet(&db, &key, &secretary, f.cell_c1, &batch.sheet).await.expect("workbook");
        let rows = read(sheets);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1][1], "Cao Thị Bình");
        // Nothing else makes a file: no text the server did not seal (no way to test a guessed
        // code), not another user's round, not the round for another cell.
        for forged in ["", "bm90LWEtc2VhbGVkLXNoZWV0", &batch.sheet[..batch.sheet.len() - 2]] {
            let refused = codes::code_sheet(&db, &key, &secretary, f.cell_c1, forged).await.err().expect("no file");
            assert!(refused.field_message("sheet").is_some(), "{refused:?}");
        }
        let admin = user(&db, f.admin).await;
        assert!(codes::code_sheet(&db, &key, &admin, f.cell_c1, &batch.sheet).await.err().expect("not hers").field_message("sheet").is_some());
        assert!(matches!(codes::code_sheet(&db, &key, &secretary, f.cell_d1, &batch.sheet).await, Err(AppError::Forbidden(_))));
        // A code handed out before the member took a position dies with the change: its issuer
        // may not give a position holder a way in.
        let admin_batch = codes::issue_for_cell(&db, &key, &secretary, f.cell_c1, &[b]).await.expect("Bình's new code");
        app::members::service::assign_position(&db, &admin, b, "deputy_secretary", "PH.01.01", &chrono::Utc::now().format("%d/%m/%Y").to_string()).await.expect("deputy");
        let err = activation::activate(&db, &key, &form(&card_of(&db, b).await, &admin_batch.codes[0].code, "binh2025a"), &meta("10.7.0.2")).await.unwrap_err();
        assert!(err.field_message("code").is_some(), "{err:?}");
    })
    .await;
}
