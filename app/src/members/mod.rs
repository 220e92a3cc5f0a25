//! Party members: records, dated cell history, positions, and the searchable list.

#[cfg(feature = "ssr")]
pub mod export;
#[cfg(feature = "ssr")]
pub mod activation;
#[cfg(feature = "ssr")]
pub mod import;
#[cfg(feature = "ssr")]
pub mod service;
mod activation_pages;
mod pages;

pub use activation_pages::ActivationCodesPage;
pub use pages::{MemberImportPage, MemberListPage, MemberProfilePage, NewMemberPage};

use chrono::NaiveDate;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::auth::Role;
use crate::error::AppError;
use crate::units::UnitRef;

pub const PAGE_SIZE: u64 = 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum MemberStatus {
    Active,
    Transferred,
    Deceased,
    Expelled,
}

impl MemberStatus {
    pub const ALL: [MemberStatus; 4] =
        [MemberStatus::Active, MemberStatus::Transferred, MemberStatus::Deceased, MemberStatus::Expelled];

    pub fn as_str(self) -> &'static str {
        match self {
            MemberStatus::Active => "active",
            MemberStatus::Transferred => "transferred",
            MemberStatus::Deceased => "deceased",
            MemberStatus::Expelled => "expelled",
        }
    }

    pub fn parse(value: &str) -> Option<MemberStatus> {
        Self::ALL.into_iter().find(|s| s.as_str() == value)
    }

    pub fn label(self) -> &'static str {
        match self {
            MemberStatus::Active => "Đang sinh hoạt",
            MemberStatus::Transferred => "Đã chuyển sinh hoạt đi nơi khác",
            MemberStatus::Deceased => "Đã từ trần",
            MemberStatus::Expelled => "Đã bị khai trừ/xóa tên",
        }
    }
}

/// How the member list can be ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum MemberSort {
    GivenName,
    Oldest,
    Youngest,
    Seniority,
    CardNo,
}

impl MemberSort {
    pub const ALL: [MemberSort; 5] =
        [MemberSort::GivenName, MemberSort::Oldest, MemberSort::Youngest, MemberSort::Seniority, MemberSort::CardNo];

    pub fn as_str(self) -> &'static str {
        match self {
            MemberSort::GivenName => "ten",
            MemberSort::Oldest => "lon-tuoi",
            MemberSort::Youngest => "tre-tuoi",
            MemberSort::Seniority => "tuoi-dang",
            MemberSort::CardNo => "so-the",
        }
    }

    pub fn parse(value: &str) -> MemberSort {
        Self::ALL.into_iter().find(|s| s.as_str() == value).unwrap_or(MemberSort::GivenName)
    }

    pub fn label(self) -> &'static str {
        match self {
            MemberSort::GivenName => "Tên (A–Z)",
            MemberSort::Oldest => "Lớn tuổi trước",
            MemberSort::Youngest => "Trẻ tuổi trước",
            MemberSort::Seniority => "Tuổi Đảng cao trước",
            MemberSort::CardNo => "Số thẻ đảng viên",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberRow {
    pub id: i64,
    pub full_name: String,
    pub birth_date: NaiveDate,
    pub gender: String,
    pub card_no: String,
    pub phone: Option<String>,
    pub admitted_on: NaiveDate,
    pub cell_name: String,
    pub status: MemberStatus,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberPage {
    pub unit: UnitRef,
    pub items: Vec<MemberRow>,
    pub total: u64,
    pub page: u64,
    pub page_count: u64,
    pub can_manage: bool,
    /// A cell whose activation codes this user hands out.
    pub can_issue_codes: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MembershipEntry {
    pub unit: UnitRef,
    pub from_date: NaiveDate,
    pub to_date: Option<NaiveDate>,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PositionEntry {
    pub id: i64,
    pub role: Role,
    pub unit: UnitRef,
    pub from_date: NaiveDate,
    pub to_date: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberProfile {
    pub id: i64,
    pub full_name: String,
    pub birth_date: NaiveDate,
    pub gender: String,
    pub card_no: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub admitted_on: NaiveDate,
    pub official_on: Option<NaiveDate>,
    pub status: MemberStatus,
    pub cell: UnitRef,
    pub memberships: Vec<MembershipEntry>,
    pub positions: Vec<PositionEntry>,
    pub can_edit_contact: bool,
    pub can_manage: bool,
}

/// Member form input as typed; the server validates every field.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberForm {
    pub full_name: String,
    pub birth_date: String,
    pub gender: String,
    pub card_no: String,
    pub phone: String,
    pub email: String,
    pub admitted_on: String,
    pub official_on: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedMember {
    pub id: i64,
    /// Shown once to whoever added the member, who hands it over; the member chooses a password
    /// with it on the activation page.
    pub activation_code: String,
    pub expires_on: NaiveDate,
}

/// Where a member's account stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AccountState {
    /// Has chosen a password.
    Active,
    /// A code was handed out and still works until this day.
    CodeIssued(NaiveDate),
    /// A code was handed out and ran out on this day.
    CodeExpired(NaiveDate),
    /// Never activated and no code yet.
    NoCode,
}

impl AccountState {
    pub fn label(self) -> String {
        match self {
            AccountState::Active => "Đã kích hoạt".into(),
            AccountState::CodeIssued(d) => format!("Đã cấp mã, dùng được đến {}", d.format("%d/%m/%Y")),
            AccountState::CodeExpired(d) => format!("Mã đã hết hạn ngày {}", d.format("%d/%m/%Y")),
            AccountState::NoCode => "Chưa kích hoạt, chưa có mã".into(),
        }
    }

    /// Picked by default for a new round of codes: nobody who can already sign in, nobody
    /// whose printed code may be in their hands.
    pub fn needs_code(self) -> bool {
        matches!(self, AccountState::NoCode | AccountState::CodeExpired(_))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountRow {
    pub member_id: i64,
    pub full_name: String,
    pub card_no: String,
    pub state: AccountState,
    /// Whether this user may hand this member a code (members holding positions get theirs
    /// from an administrator above).
    pub may_issue: bool,
}

/// A cell's members and their accounts, for handing out activation codes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CellAccounts {
    pub unit: UnitRef,
    pub rows: Vec<AccountRow>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuedCode {
    pub member_id: i64,
    pub full_name: String,
    pub card_no: String,
    /// Grouped digits, as printed: "4821 0937 5512".
    pub code: String,
}

/// Codes just handed out: shown once (only their fingerprints are kept), to print or download.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuedCodes {
    pub unit: UnitRef,
    pub expires_on: NaiveDate,
    pub codes: Vec<IssuedCode>,
    /// The same codes sealed with the server's key, for the page to post back for a workbook
    /// (the server keeps no code; the seal shows these are codes it issued to this user).
    pub sheet: String,
}

#[allow(unused_imports)]
use crate::auth::service_call as call;

#[server(endpoint = "list-members")]
pub async fn list_members(
    unit_id: i64,
    q: String,
    status: String,
    sort: String,
    page: u64,
) -> Result<MemberPage, AppError> {
    call!(|db, user| service::list(&db, &user, unit_id, &q, &status, MemberSort::parse(&sort), page))
}

#[server(endpoint = "get-member-profile")]
pub async fn get_member_profile(id: i64) -> Result<MemberProfile, AppError> {
    call!(|db, user| service::profile(&db, &user, id))
}

#[server(endpoint = "create-member")]
pub async fn create_member(unit_id: i64, form: MemberForm) -> Result<CreatedMember, AppError> {
    call!(|db, user| async { service::create(&db, &crate::state::secret_key()?, &user, unit_id, &form).await })
}

#[server(endpoint = "update-member")]
pub async fn update_member(id: i64, form: MemberForm) -> Result<(), AppError> {
    call!(|db, user| service::update(&db, &user, id, &form))
}

#[server(endpoint = "update-contact")]
pub async fn update_contact(id: i64, phone: String, email: String) -> Result<(), AppError> {
    call!(|db, user| service::update_contact(&db, &user, id, &phone, &email))
}

#[server(endpoint = "move-member")]
pub async fn move_member(id: i64, to_code: String, on_date: String, reason: String) -> Result<(), AppError> {
    call!(|db, user| service::move_member(&db, &user, id, &to_code, &on_date, &reason))
}

#[server(endpoint = "set-member-status")]
pub async fn set_member_status(id: i64, status: String, on_date: String) -> Result<(), AppError> {
    call!(|db, user| service::set_status(&db, &user, id, &status, &on_date))
}

/// A cell's members and where their accounts stand.
#[server(endpoint = "get-cell-accounts")]
pub async fn get_cell_accounts(unit_id: i64) -> Result<CellAccounts, AppError> {
    call!(|db, user| activation::accounts(&db, &user, unit_id))
}

/// New activation codes for the chosen members of a cell (their old codes stop working).
#[server(endpoint = "issue-activation-codes")]
pub async fn issue_activation_codes(unit_id: i64, member_ids: Vec<i64>) -> Result<IssuedCodes, AppError> {
    call!(|db, user| async { activation::issue_for_cell(&db, &crate::state::secret_key()?, &user, unit_id, &member_ids).await })
}

/// A new activation code for one member (a lost or forgotten password: the old one stops working).
#[server(endpoint = "issue-activation-code")]
pub async fn issue_activation_code(id: i64) -> Result<IssuedCodes, AppError> {
    call!(|db, user| async { activation::issue_for_member(&db, &crate::state::secret_key()?, &user, id).await })
}

#[server(endpoint = "assign-position")]
pub async fn assign_position(
    member_id: i64,
    role: String,
    unit_code: String,
    from_date: String,
) -> Result<(), AppError> {
    call!(|db, user| service::assign_position(&db, &user, member_id, &role, &unit_code, &from_date))
}

#[server(endpoint = "end-position")]
pub async fn end_position(position_id: i64, to_date: String) -> Result<(), AppError> {
    call!(|db, user| service::end_position(&db, &user, position_id, &to_date))
}

/// What importing a spreadsheet of members did — or, in a dry run, would do.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportReport {
    /// The unit imported into.
    pub unit: String,
    /// Data rows read (the header row and empty rows not counted).
    pub rows: usize,
    /// Units the file names that do not exist yet, as paths ("Đảng bộ xã A › Chi bộ ấp 1").
    pub new_units: Vec<String>,
    /// Members whose card number is new.
    pub created: usize,
    /// Members found by card number whose record the file changes.
    pub updated: Vec<MemberChange>,
    /// Members found by card number whose record the file leaves as it is.
    pub unchanged: usize,
    /// Rows that cannot be imported, with the reason; while there is any, nothing is written.
    pub refused: Vec<RowProblem>,
    /// Active members of the unit imported into that the file does not name (never removed:
    /// listed for the committee to look into).
    pub missing: Vec<MissingMember>,
    /// Cell positions ("Chức vụ đảng": Bí thư, Phó Bí thư chi bộ) the file gives that members do
    /// not hold yet.
    pub positions: Vec<PositionChange>,
    /// "Chức vụ đảng" values not recorded from a file (any other position is given by an
    /// administrator): listed, the row is imported all the same.
    pub roles_not_read: Vec<RowProblem>,
    /// Whether the changes were written (false for a dry run and for a file with refused rows).
    pub applied: bool,
}

/// A cell position the import gives; a new secretary takes over from the one before.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PositionChange {
    pub row: usize,
    pub full_name: String,
    pub role: Role,
    pub cell: String,
    /// The secretary whose position ends (a cell has one).
    pub replaces: Option<String>,
}

/// A row the import refuses: the sheet's row number (as the spreadsheet shows it), the column's
/// header as written in the file, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowProblem {
    pub row: usize,
    pub column: String,
    pub message: String,
}

/// A member the file changes, and which of their fields (Vietnamese labels).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberChange {
    pub row: usize,
    pub card_no: String,
    pub full_name: String,
    pub fields: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MissingMember {
    pub card_no: String,
    pub full_name: String,
    pub cell: String,
}
