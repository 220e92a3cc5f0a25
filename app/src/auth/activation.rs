//! Activation codes: how a member gets an account without anyone else knowing its password.
//!
//! A secretary or an administrator hands a member a one-time code (printed, or in a
//! spreadsheet); the member types their card number, the code and a password of their own, and
//! is signed in. Codes are 12 random digits (easy on a phone's number pad), valid for
//! [`VALID_DAYS`], used once; only an HMAC of each under the server's secret key is stored, so a
//! copy of the database gives no code and no way to test one offline. One row per member: a new
//! code replaces the old one. Attempts share the login's counters (per card number and per
//! address), so switching between the two forms gives no extra guesses.

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, Set, TransactionTrait};

use super::SessionUser;
use super::service::{count_attempt, end_other_sessions, forgive_attempt, hash_password, inactive_account, load_session_user, normalize_identifier, password_problems, start_session};
use crate::common::secret::SecretKey;
use crate::db::entities::{activation_code, credential, member, session};
use crate::error::{AppError, AppResult, FieldError, OrInternal};
use crate::state::RequestMeta;

/// Digits in a code: 10¹² codes against at most five guesses per card number every fifteen
/// minutes leaves a code's holder its account for its whole life.
pub const CODE_DIGITS: usize = 12;
/// A code printed for the next cell meeting still works a month later.
pub const VALID_DAYS: i64 = 30;

const WRONG_CODE: &str = "Số thẻ đảng viên hoặc mã kích hoạt không đúng, hoặc mã đã được dùng, đã được cấp lại. Vui lòng kiểm tra phiếu được cấp.";

/// A code just issued: the only moment its digits exist outside the member's hands.
#[derive(Debug, Clone)]
pub struct Issued {
    pub member_id: i64,
    /// Grouped for reading aloud and typing: "4821 0937 5512".
    pub code: String,
    pub expires_at: DateTime<Utc>,
}

/// Twelve uniformly random digits (bytes of 250 and above are drawn again, so no digit is
/// likelier than another).
fn new_code() -> AppResult<String> {
    let mut digits = String::with_capacity(CODE_DIGITS);
    while digits.len() < CODE_DIGITS {
        let mut bytes = [0u8; 16];
        getrandom::fill(&mut bytes).or_internal()?;
        digits.extend(bytes.iter().filter(|b| **b < 250).map(|b| char::from(b'0' + b % 10)).take(CODE_DIGITS - digits.len()));
    }
    Ok(digits)
}

/// "482109375512" → "4821 0937 5512".
pub fn grouped(digits: &str) -> String {
    digits.as_bytes().chunks(4).map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>().join(" ")
}

/// The digits of a typed code (spaces, dashes and dots as printed or typed are dropped); `None`
/// unless exactly [`CODE_DIGITS`] digits remain and nothing else was typed.
pub fn digits_of(typed: &str) -> Option<String> {
    if typed.chars().count() > 64 {
        return None;
    }
    let kept: String = typed.chars().filter(|c| !c.is_whitespace() && !matches!(c, '-' | '.')).collect();
    (kept.len() == CODE_DIGITS && kept.chars().all(|c| c.is_ascii_digit())).then_some(kept)
}

/// The stored fingerprint of `digits` for `member_id` (bound to the member, so one code's tag
/// says nothing about another member's).
pub fn tag(key: &SecretKey, member_id: i64, digits: &str) -> String {
    key.tag("activation-code", &[&member_id.to_string(), digits])
}

/// Whether `digits` is `row`'s code and still works at `now`.
pub fn is_live(key: &SecretKey, row: &activation_code::Model, digits: &str, now: DateTime<Utc>) -> bool {
    row.expires_at > now && same(&row.code_tag, &tag(key, row.member_id, digits))
}

/// Equal strings in a time that does not depend on where they differ.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Gives each of `member_ids` a new code, replacing any earlier one. A member who had a password
/// loses it and is signed out everywhere: the code is now the only way in (a lost phone, a
/// forgotten or leaked password). Run inside the caller's transaction.
pub async fn issue(db: &impl ConnectionTrait, key: &SecretKey, member_ids: &[i64], issued_by: Option<i64>) -> AppResult<Vec<Issued>> {
    let now = Utc::now();
    let expires_at = now + Duration::days(VALID_DAYS);
    let mut issued = Vec::with_capacity(member_ids.len());
    for chunk in member_ids.chunks(500) {
        let mut rows = Vec::with_capacity(chunk.len());
        for &member_id in chunk {
            let digits = new_code()?;
            rows.push(activation_code::ActiveModel {
                member_id: Set(member_id),
                code_tag: Set(tag(key, member_id, &digits)),
                issued_by: Set(issued_by),
                issued_at: Set(now),
                expires_at: Set(expires_at),
            });
            issued.push(Issued { member_id, code: grouped(&digits), expires_at });
        }
        // One statement replaces an earlier code: two rounds at once for one member (two
        // administrators, a double click) both succeed, the later one's code stands.
        activation_code::Entity::insert_many(rows)
            .on_conflict(
                OnConflict::column(activation_code::Column::MemberId)
                    .update_columns([
                        activation_code::Column::CodeTag,
                        activation_code::Column::IssuedBy,
                        activation_code::Column::IssuedAt,
                        activation_code::Column::ExpiresAt,
                    ])
                    .to_owned(),
            )
            .exec_without_returning(db)
            .await?;
        credential::Entity::delete_many().filter(credential::Column::MemberId.is_in(chunk.iter().copied())).exec(db).await?;
        session::Entity::delete_many().filter(session::Column::MemberId.is_in(chunk.iter().copied())).exec(db).await?;
    }
    Ok(issued)
}

/// Codes handed out before a member's place changed (a position given, a move to another cell,
/// a status) stop working: whoever issued one may no longer be allowed to give this member a
/// way into their account. Run inside the caller's transaction.
pub async fn revoke(db: &impl ConnectionTrait, member_ids: &[i64]) -> AppResult<()> {
    for chunk in member_ids.chunks(500) {
        activation_code::Entity::delete_many().filter(activation_code::Column::MemberId.is_in(chunk.iter().copied())).exec(db).await?;
    }
    Ok(())
}

/// What a member types on the activation page.
#[derive(Debug, Clone, Default)]
pub struct Activation<'a> {
    pub card_no: &'a str,
    pub code: &'a str,
    pub new_password: &'a str,
    pub confirm_password: &'a str,
}

/// Checks the form's shape (no secret involved, so not counted as an attempt).
fn checked<'a>(form: &Activation<'a>) -> AppResult<(String, String)> {
    let mut errors = Vec::new();
    let card = normalize_identifier(form.card_no);
    if card.is_empty() {
        errors.push(FieldError::new("card_no", "Vui lòng nhập số thẻ đảng viên."));
    } else if card.len() > 32 || !card.chars().all(|c| c.is_ascii_digit()) {
        errors.push(FieldError::new("card_no", "Số thẻ đảng viên chỉ gồm chữ số."));
    }
    let digits = digits_of(form.code);
    if form.code.trim().is_empty() {
        errors.push(FieldError::new("code", "Vui lòng nhập mã kích hoạt."));
    } else if digits.is_none() {
        errors.push(FieldError::new("code", format!("Mã kích hoạt gồm {CODE_DIGITS} chữ số, in trên phiếu được cấp.")));
    }
    if let Some(problem) = password_problems(form.new_password) {
        errors.push(FieldError::new("new_password", problem));
    }
    if form.new_password != form.confirm_password {
        errors.push(FieldError::new("confirm_password", "Xác nhận mật khẩu không khớp."));
    }
    match digits {
        Some(digits) if errors.is_empty() => Ok((card, digits)),
        _ => Err(AppError::Invalid(errors)),
    }
}

/// Turns a live code into the member's own password and signs them in; returns the session's
/// token. The code is spent in the same transaction that writes the password, by deleting the
/// row that holds its tag: of two servers given the same code at once, only one deletes it.
pub async fn activate(db: &DatabaseConnection, key: &SecretKey, form: &Activation<'_>, meta: &RequestMeta) -> AppResult<(String, SessionUser)> {
    let (card, digits) = checked(form)?;
    count_attempt(db, &card, meta).await?;
    let holder = member::Entity::find().filter(member::Column::CardNo.eq(card.as_str())).one(db).await?;
    let live = match &holder {
        Some(m) => activation_code::Entity::find_by_id(m.id).one(db).await?,
        None => None,
    };
    let (Some(holder), Some(live)) = (holder, live) else {
        return Err(AppError::invalid("code", WRONG_CODE));
    };
    let expected = tag(key, holder.id, &digits);
    if !same(&live.code_tag, &expected) {
        return Err(AppError::invalid("code", WRONG_CODE));
    }
    // The right code: from here on the member is told what is wrong.
    forgive_attempt(db, &card, meta).await?;
    if live.expires_at <= Utc::now() {
        return Err(AppError::invalid(
            "code",
            format!(
                "Mã kích hoạt này đã hết hạn từ {}. Đề nghị bí thư chi bộ hoặc quản trị viên cấp mã mới.",
                crate::validate::format_date(crate::common::time::vietnam_date(live.expires_at))
            ),
        ));
    }
    if holder.status != "active" {
        return Err(inactive_account());
    }
    let hash = hash_password(form.new_password).await?;
    let txn = db.begin().await?;
    let spent = activation_code::Entity::delete_many()
        .filter(activation_code::Column::MemberId.eq(holder.id))
        .filter(activation_code::Column::CodeTag.eq(expected.as_str()))
        .exec(&txn)
        .await?;
    if spent.rows_affected != 1 {
        return Err(AppError::invalid("code", WRONG_CODE));
    }
    credential::Entity::insert(credential::ActiveModel {
        member_id: Set(holder.id),
        password_hash: Set(hash),
        must_change: Set(false),
        updated_at: Set(Utc::now()),
    })
    .on_conflict(
        OnConflict::column(credential::Column::MemberId)
            .update_columns([credential::Column::PasswordHash, credential::Column::MustChange, credential::Column::UpdatedAt])
            .to_owned(),
    )
    .exec_without_returning(&txn)
    .await?;
    end_other_sessions(&txn, holder.id, None).await?;
    let token = start_session(&txn, holder.id, meta).await?;
    // Built before committing: a member whose status changed meanwhile gets no account.
    let user = load_session_user(&txn, holder.id, false).await.map_err(|_| inactive_account())?;
    txn.commit().await?;
    Ok((token, user))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_twelve_digits_read_back_however_typed() {
        let code = new_code().unwrap();
        assert_eq!(code.len(), CODE_DIGITS);
        assert!(code.chars().all(|c| c.is_ascii_digit()));
        assert_eq!(grouped("482109375512"), "4821 0937 5512");
        assert_eq!(digits_of(" 4821 0937-5512 ").as_deref(), Some("482109375512"));
        assert_eq!(digits_of("4821.0937.5512").as_deref(), Some("482109375512"));
        assert_eq!(digits_of("4821 0937 551"), None);
        assert_eq!(digits_of("4821 0937 551a"), None);
        assert_ne!(new_code().unwrap(), new_code().unwrap());
        let key = SecretKey::from_bytes([3; 32]);
        assert_ne!(tag(&key, 1, "482109375512"), tag(&key, 2, "482109375512"));
        assert!(same("abc", "abc") && !same("abc", "abd") && !same("abc", "ab"));
    }
}
