//! Handing out activation codes: a cell's secretary or an administrator picks members, gets
//! their codes once (to print, or as a workbook), and sees whose accounts are active. Who may
//! hand a code to whom matters as much as who may reset a password — a code is a way into the
//! account — so a secretary does it only for the plain members of her own cell; members who hold
//! a position get theirs from an administrator whose scope covers every unit they serve in.

use std::collections::{HashMap, HashSet};

use sea_orm::sea_query::ExprTrait;
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect, TransactionTrait};

use super::service::{Managing, authorize_managing, find_member};
use super::{AccountRow, AccountState, CellAccounts, IssuedCode, IssuedCodes, MemberStatus};
use crate::auth::SessionUser;
use crate::auth::activation::{self, digits_of};
use crate::auth::service::{Action, authorize};
use crate::common::rate_limit::{self, Limit};
use crate::common::secret::SecretKey;
use crate::common::time::vietnam_date;
use crate::db::entities::{activation_code, credential, member, position};
use crate::error::{AppError, AppResult, OrInternal};
use crate::spreadsheet::{Cell, Sheet, text};
use crate::units::UnitRef;
use crate::units::service::{find_unit, kind_of};

/// Codes in one call: more than any cell has members.
pub const MAX_CODES_PER_CALL: usize = 1000;

/// Rounds of codes a member may hand out in ten minutes.
const ISSUES: Limit = Limit { name: "activation-issue", calls: 30, window_secs: 600, what: "lần cấp mã kích hoạt" };

/// The cell `unit_id`, if the user may hand out its codes.
async fn cell_for_codes(db: &impl ConnectionTrait, user: &SessionUser, unit_id: i64) -> AppResult<UnitRef> {
    authorize(db, user, Action::IssueActivationCodes(unit_id)).await?;
    let cell = find_unit(db, unit_id).await?;
    if !kind_of(&cell).holds_members() {
        return Err(AppError::invalid("unit", "Mã kích hoạt được cấp theo từng chi bộ; hãy chọn một chi bộ."));
    }
    Ok(UnitRef { id: cell.id, name: cell.name })
}

/// Members among `ids` who hold a position today (or one ending later).
async fn holding_positions(db: &impl ConnectionTrait, ids: &[i64]) -> AppResult<HashSet<i64>> {
    let mut held = HashSet::new();
    for chunk in ids.chunks(500) {
        let rows: Vec<i64> = position::Entity::find()
            .select_only()
            .column(position::Column::MemberId)
            .filter(position::Column::MemberId.is_in(chunk.iter().copied()))
            .filter(position::Column::ToDate.is_null().or(position::Column::ToDate.gt(crate::common::time::today())))
            .into_tuple()
            .all(db)
            .await?;
        held.extend(rows);
    }
    Ok(held)
}

/// Whether `user`, who may hand out codes in `target`'s cell, may hand one to `target`.
async fn may_issue(db: &impl ConnectionTrait, user: &SessionUser, target: &member::Model, holds_position: bool) -> AppResult<()> {
    if target.id == user.member_id {
        return Err(AppError::Forbidden("Không tự cấp mã kích hoạt cho chính mình; hãy nhờ quản trị viên cấp trên.".into()));
    }
    if holds_position {
        // The same rule as resetting a password: the actor's scope covers every unit the
        // member serves in, and another administrator's account is for the level above.
        return authorize_managing(db, user, target, Managing::Account).await.map_err(|_| {
            AppError::Forbidden(format!(
                "Đồng chí {} giữ chức vụ; mã kích hoạt của đồng chí do quản trị viên cấp trên cấp.",
                target.full_name
            ))
        });
    }
    Ok(())
}

/// The members in office of the cell, by given name.
async fn cell_members(db: &impl ConnectionTrait, cell_id: i64) -> AppResult<Vec<member::Model>> {
    Ok(member::Entity::find()
        .filter(member::Column::UnitId.eq(cell_id))
        .filter(member::Column::Status.eq(MemberStatus::Active.as_str()))
        .order_by_asc(member::Column::SortKey)
        .order_by_asc(member::Column::Id)
        .all(db)
        .await?)
}

async fn account_states(db: &impl ConnectionTrait, ids: &[i64]) -> AppResult<HashMap<i64, AccountState>> {
    let now = chrono::Utc::now();
    let mut states = HashMap::new();
    for chunk in ids.chunks(500) {
        let codes = activation_code::Entity::find().filter(activation_code::Column::MemberId.is_in(chunk.iter().copied())).all(db).await?;
        for c in codes {
            let day = vietnam_date(c.expires_at);
            states.insert(c.member_id, if c.expires_at > now { AccountState::CodeIssued(day) } else { AccountState::CodeExpired(day) });
        }
        let active: Vec<i64> = credential::Entity::find()
            .select_only()
            .column(credential::Column::MemberId)
            .filter(credential::Column::MemberId.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(db)
            .await?;
        states.extend(active.into_iter().map(|id| (id, AccountState::Active)));
    }
    Ok(states)
}

/// The cell's members, where their accounts stand, and whom this user may hand a code.
pub async fn accounts(db: &impl ConnectionTrait, user: &SessionUser, unit_id: i64) -> AppResult<CellAccounts> {
    let unit = cell_for_codes(db, user, unit_id).await?;
    let members = cell_members(db, unit.id).await?;
    let ids: Vec<i64> = members.iter().map(|m| m.id).collect();
    let states = account_states(db, &ids).await?;
    let held = holding_positions(db, &ids).await?;
    let mut rows = Vec::with_capacity(members.len());
    for m in members {
        let may_issue = may_issue(db, user, &m, held.contains(&m.id)).await.is_ok();
        rows.push(AccountRow {
            state: states.get(&m.id).copied().unwrap_or(AccountState::NoCode),
            member_id: m.id,
            full_name: m.full_name,
            card_no: m.card_no,
            may_issue,
        });
    }
    Ok(CellAccounts { unit, rows })
}

/// New codes for the chosen members of the cell `unit_id`: all of them or none (one refused
/// member refuses the call, naming them).
pub async fn issue_for_cell(db: &DatabaseConnection, key: &SecretKey, user: &SessionUser, unit_id: i64, member_ids: &[i64]) -> AppResult<IssuedCodes> {
    if member_ids.is_empty() {
        return Err(AppError::invalid("member_ids", "Vui lòng chọn ít nhất một đảng viên."));
    }
    if member_ids.len() > MAX_CODES_PER_CALL {
        return Err(AppError::invalid("member_ids", format!("Mỗi lần cấp tối đa {MAX_CODES_PER_CALL} mã.")));
    }
    let unit = cell_for_codes(db, user, unit_id).await?;
    rate_limit::hit(db, &ISSUES, user.member_id).await?;
    let wanted: HashSet<i64> = member_ids.iter().copied().collect();
    let chosen: Vec<member::Model> = cell_members(db, unit.id).await?.into_iter().filter(|m| wanted.contains(&m.id)).collect();
    if chosen.len() != wanted.len() {
        return Err(AppError::invalid("member_ids", "Có đảng viên được chọn không còn sinh hoạt ở chi bộ này; vui lòng tải lại trang."));
    }
    let ids: Vec<i64> = chosen.iter().map(|m| m.id).collect();
    let held = holding_positions(db, &ids).await?;
    for m in &chosen {
        may_issue(db, user, m, held.contains(&m.id)).await?;
    }
    hand_out(db, key, user, unit, chosen).await
}

/// A new code for one member (a forgotten password, a lost phone): their old code, their
/// password and their sessions stop working.
pub async fn issue_for_member(db: &DatabaseConnection, key: &SecretKey, user: &SessionUser, member_id: i64) -> AppResult<IssuedCodes> {
    let target = find_member(db, member_id).await?;
    let unit = cell_for_codes(db, user, target.unit_id).await?;
    if target.status != MemberStatus::Active.as_str() {
        return Err(AppError::invalid("form", "Chỉ cấp mã kích hoạt cho đảng viên đang sinh hoạt."));
    }
    rate_limit::hit(db, &ISSUES, user.member_id).await?;
    let held = holding_positions(db, &[target.id]).await?;
    may_issue(db, user, &target, held.contains(&target.id)).await?;
    hand_out(db, key, user, unit, vec![target]).await
}

/// How long the page may still download a round of codes as a workbook.
const SHEET_HOURS: i64 = 24;

/// A round of codes as the page posts it back for a workbook: sealed, so only codes this server
/// issued to this user can be written into a file — the endpoint never checks a code a client
/// chose (that would answer guesses).
#[derive(serde::Serialize, serde::Deserialize)]
struct SealedSheet {
    by: i64,
    unit: i64,
    at: i64,
    codes: Vec<(i64, String)>,
}

async fn hand_out(db: &DatabaseConnection, key: &SecretKey, user: &SessionUser, unit: UnitRef, members: Vec<member::Model>) -> AppResult<IssuedCodes> {
    use base64::Engine;
    let ids: Vec<i64> = members.iter().map(|m| m.id).collect();
    let txn = db.begin().await?;
    let issued = activation::issue(&txn, key, &ids, Some(user.member_id)).await?;
    txn.commit().await?;
    let expires_on = issued.first().map(|i| vietnam_date(i.expires_at)).unwrap_or_else(crate::common::time::today);
    let sealed = SealedSheet {
        by: user.member_id,
        unit: unit.id,
        at: chrono::Utc::now().timestamp(),
        codes: issued.iter().map(|i| (i.member_id, i.code.clone())).collect(),
    };
    let sheet = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(key.seal(&serde_json::to_vec(&sealed).or_internal()?));
    let codes = members
        .into_iter()
        .zip(issued)
        .map(|(m, i)| IssuedCode { member_id: m.id, full_name: m.full_name, card_no: m.card_no, code: i.code })
        .collect();
    Ok(IssuedCodes { unit, expires_on, codes, sheet })
}

/// Opens a sealed round of codes: this user's, for this cell, issued less than a day ago.
fn open_sheet(key: &SecretKey, user: &SessionUser, unit_id: i64, sheet: &str) -> AppResult<Vec<(i64, String)>> {
    use base64::Engine;
    let stale = || AppError::invalid("sheet", "Đợt mã này không tải được nữa (quá một ngày, hoặc không phải đợt do đồng chí cấp); hãy cấp mã mới.");
    if sheet.len() > MAX_SHEET_CHARS {
        return Err(stale());
    }
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(sheet.trim()).map_err(|_| stale())?;
    let opened: SealedSheet = key.open(&bytes).ok().and_then(|plain| serde_json::from_slice(&plain).ok()).ok_or_else(stale)?;
    let age = chrono::Utc::now().timestamp() - opened.at;
    if opened.by != user.member_id || opened.unit != unit_id || !(0..SHEET_HOURS * 3600).contains(&age) {
        return Err(stale());
    }
    Ok(opened.codes)
}

/// The sealed text of a full round (a thousand codes) with room to spare.
pub const MAX_SHEET_CHARS: usize = 200_000;

/// A round of codes just handed out in the cell, as a workbook to print or pass on: only codes
/// that still work for members still in the cell, so the file never carries a code that was
/// used or replaced. The file's name without extension.
pub async fn code_sheet(db: &impl ConnectionTrait, key: &SecretKey, user: &SessionUser, unit_id: i64, sheet: &str) -> AppResult<(String, Vec<Sheet>)> {
    let unit = cell_for_codes(db, user, unit_id).await?;
    let pairs = open_sheet(key, user, unit.id, sheet)?;
    let members: HashMap<i64, member::Model> = cell_members(db, unit.id).await?.into_iter().map(|m| (m.id, m)).collect();
    let ids: Vec<i64> = pairs.iter().map(|(id, _)| *id).filter(|id| members.contains_key(id)).collect();
    let mut live = HashMap::new();
    for chunk in ids.chunks(500) {
        let rows = activation_code::Entity::find().filter(activation_code::Column::MemberId.is_in(chunk.iter().copied())).all(db).await?;
        live.extend(rows.into_iter().map(|r| (r.member_id, r)));
    }
    let now = chrono::Utc::now();
    let mut table: Vec<Vec<Cell>> = vec![["STT", "Họ và tên", "Số thẻ đảng viên", "Chi bộ", "Mã kích hoạt", "Dùng được đến hết ngày"].iter().map(|h| text(h)).collect()];
    for (id, code) in &pairs {
        let (Some(m), Some(row), Some(digits)) = (members.get(id), live.get(id), digits_of(code)) else { continue };
        if !activation::is_live(key, row, &digits, now) {
            continue;
        }
        table.push(vec![
            Cell::Number(table.len() as i64),
            text(&m.full_name),
            Cell::Digits(m.card_no.clone()),
            text(&unit.name),
            text(&activation::grouped(&digits)),
            Cell::Date(vietnam_date(row.expires_at)),
        ]);
    }
    if table.len() == 1 {
        return Err(AppError::invalid("sheet", "Các mã của đợt này không còn dùng được (đã kích hoạt hoặc đã cấp lại)."));
    }
    let guide = vec![
        vec![text("Cách kích hoạt tài khoản Sổ tay đảng viên điện tử")],
        vec![text("1. Mở Sổ tay đảng viên trên điện thoại, chọn “Kích hoạt tài khoản” (trang /kich-hoat).")],
        vec![text("2. Nhập số thẻ đảng viên và mã kích hoạt in trên phiếu.")],
        vec![text("3. Tự đặt mật khẩu (ít nhất 8 ký tự, có chữ và số); từ đó đăng nhập bằng số điện thoại hoặc số thẻ với mật khẩu này.")],
        vec![text("Mỗi mã chỉ dùng một lần. Không đưa mã cho người khác; mã hết hạn hoặc bị mất thì đề nghị bí thư chi bộ cấp mã mới.")],
        vec![text("Tệp này chứa mã chưa dùng: in xong hãy xoá tệp khỏi máy.")],
    ];
    Ok((format!("ma-kich-hoat-{}", unit.id), vec![("Mã kích hoạt", table), ("Hướng dẫn", guide)]))
}
