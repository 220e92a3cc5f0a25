//! Server side of authentication and the single authorization check every server function uses.

use std::sync::OnceLock;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use axum::http::StatusCode;
use chrono::{Duration, Utc};
use sea_orm::sea_query::{ExprTrait, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect, Set,
};

use super::{PositionInfo, Role, SessionUser};
use crate::common::rate_limit::{self, Limit};
use crate::db::entities::{credential, member, position, session, unit, unit_closure};
use crate::error::{AppError, AppResult, FieldError, OrInternal};
use crate::state::{RequestMeta, SESSION_DAYS, SESSION_IDLE_DAYS};

/// Failures allowed per typed phone or card number, and per address, in one window.
pub const ACCOUNT_MAX_FAILURES: i32 = 5;
pub const IP_MAX_FAILURES: i32 = 30;
pub const THROTTLE_WINDOW_MINUTES: i64 = 15;
const LOGIN_BY_IDENTIFIER: Limit =
    Limit { name: "login-id", calls: ACCOUNT_MAX_FAILURES, window_secs: THROTTLE_WINDOW_MINUTES * 60, what: "lần đăng nhập" };
const LOGIN_BY_ADDRESS: Limit =
    Limit { name: "login-ip", calls: IP_MAX_FAILURES, window_secs: THROTTLE_WINDOW_MINUTES * 60, what: "lần đăng nhập" };

// ---------------------------------------------------------------------------------------------
// Server-function plumbing

/// Gives a failed server-function call the HTTP status its error deserves (JS callers only:
/// plain HTML form posts keep Leptos' redirect back to the form).
pub fn respond<T>(result: AppResult<T>) -> AppResult<T> {
    if let Err(err) = &result {
        let meta = crate::state::request_meta();
        if !meta.accepts_html
            && let Some(res) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
                res.set_status(StatusCode::from_u16(err.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR));
                // A refusal by a limit says when to come back.
                if let Some(secs) = err.retry_after_secs() {
                    res.insert_header(axum::http::header::RETRY_AFTER, axum::http::HeaderValue::from(secs));
                }
            }
    }
    result
}

/// Runs a server function's body for the logged-in user and maps its error to a status.
pub async fn with_user<T, Fut>(body: impl FnOnce(DatabaseConnection, SessionUser) -> Fut) -> AppResult<T>
where
    Fut: std::future::Future<Output = AppResult<T>>,
{
    let result = match request_user().await {
        Ok((db, user)) => body(db, user).await,
        Err(err) => Err(err),
    };
    respond(result)
}

/// The session user of the current request, if the cookie names a live session.
pub async fn session_user_from_request() -> AppResult<Option<SessionUser>> {
    let db = crate::state::db()?;
    request_session_user(&db).await
}

/// Looked up once per request: a page rendered on the server runs several server functions
/// (the layout, the page's data, the reader's marks, reading progress…), each asking who is
/// signed in — six queries each without this.
async fn request_session_user(db: &DatabaseConnection) -> AppResult<Option<SessionUser>> {
    let Some(token) = crate::state::request_meta().session_token else {
        return Ok(None);
    };
    match crate::state::RequestCache::current() {
        Some(cache) => cache.user(|| session_user(db, &token)).await,
        None => session_user(db, &token).await,
    }
}

/// Whether a request may go on while its account still has to change its first password.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PendingChange {
    /// Only for changing the password (and reading who is signed in).
    Allow,
    Refuse,
}

/// Who is signing in with `token`: the one check the pages' server functions and the JSON API
/// both go through. No live session is `Unauthenticated`; an account that must change its
/// password may do nothing else until it has.
pub async fn signed_in(db: &DatabaseConnection, token: Option<&str>, pending: PendingChange) -> AppResult<SessionUser> {
    let token = token.ok_or(AppError::Unauthenticated)?;
    let user = session_user(db, token).await?.ok_or(AppError::Unauthenticated)?;
    allowed(user, pending)
}

fn allowed(user: SessionUser, pending: PendingChange) -> AppResult<SessionUser> {
    if user.must_change_password && pending == PendingChange::Refuse {
        return Err(AppError::PasswordChangeRequired);
    }
    Ok(user)
}

/// The signed-in user of a server function's request (looked up once per request).
async fn request_signed_in(db: &DatabaseConnection, pending: PendingChange) -> AppResult<SessionUser> {
    let user = request_session_user(db).await?.ok_or(AppError::Unauthenticated)?;
    allowed(user, pending)
}

/// The logged-in user and the pool; fails for anonymous requests and pending password changes.
pub async fn request_user() -> AppResult<(DatabaseConnection, SessionUser)> {
    let db = crate::state::db()?;
    let user = request_signed_in(&db, PendingChange::Refuse).await?;
    Ok((db, user))
}

pub async fn request_user_allowing_pending_change() -> AppResult<(DatabaseConnection, SessionUser)> {
    let db = crate::state::db()?;
    let user = request_signed_in(&db, PendingChange::Allow).await?;
    Ok((db, user))
}

// ---------------------------------------------------------------------------------------------
// Passwords

fn hasher() -> Argon2<'static> {
    Argon2::default()
}

/// Hashes with argon2id off the async runtime (it is deliberately slow).
pub async fn hash_password(password: &str) -> AppResult<String> {
    let password = password.to_string();
    tokio::task::spawn_blocking(move || hash_password_blocking(&password))
        .await
        .or_internal()?
}

pub fn hash_password_blocking(password: &str) -> AppResult<String> {
    let mut salt_bytes = [0u8; 16];
    getrandom::fill(&mut salt_bytes).or_internal()?;
    let salt = SaltString::encode_b64(&salt_bytes).or_internal()?;
    hasher()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .or_internal()
}

async fn verify_password(password: &str, hash: &str) -> bool {
    let (password, hash) = (password.to_string(), hash.to_string());
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&hash)
            .map(|parsed| hasher().verify_password(password.as_bytes(), &parsed).is_ok())
            .unwrap_or(false)
    })
    .await
    .unwrap_or(false)
}

/// A real hash to verify against when the account does not exist, so timing does not reveal
/// which phone numbers are registered.
fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| hash_password_blocking("khong-co-tai-khoan-nay-1").unwrap_or_default())
}

/// Rules for a new password, reported on the `new_password` field.
pub fn password_problems(new_password: &str) -> Option<String> {
    let len = new_password.chars().count();
    if len < 8 {
        Some("Mật khẩu phải có ít nhất 8 ký tự.".into())
    } else if len > 128 {
        Some("Mật khẩu không được dài quá 128 ký tự.".into())
    } else if !new_password.chars().any(|c| c.is_alphabetic()) || !new_password.chars().any(|c| c.is_ascii_digit()) {
        Some("Mật khẩu phải có cả chữ và số.".into())
    } else {
        None
    }
}

// ---------------------------------------------------------------------------------------------
// Login and sessions

/// Phone numbers and card numbers are typed in many shapes: "+84 912.345.678", "64.012345".
pub fn normalize_identifier(raw: &str) -> String {
    let compact: String = raw.chars().filter(|c| !c.is_whitespace() && !matches!(c, '.' | '-' | '(' | ')')).collect();
    if let Some(rest) = compact.strip_prefix("+84") {
        format!("0{rest}")
    } else if compact.len() == 11 && compact.starts_with("84") {
        format!("0{}", &compact[2..])
    } else {
        compact
    }
}

pub async fn login(
    db: &DatabaseConnection,
    identifier: &str,
    password: &str,
    meta: &RequestMeta,
) -> AppResult<(String, SessionUser)> {
    let identifier = normalize_identifier(identifier);
    let mut errors = Vec::new();
    if identifier.is_empty() {
        errors.push(FieldError::new("identifier", "Vui lòng nhập số điện thoại hoặc số thẻ đảng viên."));
    } else if identifier.len() > 32 || !identifier.chars().all(|c| c.is_ascii_digit()) {
        errors.push(FieldError::new("identifier", "Số điện thoại hoặc số thẻ đảng viên chỉ gồm chữ số."));
    }
    if password.is_empty() {
        errors.push(FieldError::new("password", "Vui lòng nhập mật khẩu."));
    } else if password.chars().count() > 128 {
        errors.push(FieldError::new("password", "Mật khẩu không được dài quá 128 ký tự."));
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }

    count_attempt(db, &identifier, meta).await?;
    let found = member::Entity::find()
        .filter(member::Column::Phone.eq(identifier.as_str()).or(member::Column::CardNo.eq(identifier.as_str())))
        .one(db)
        .await?;
    let credential = match &found {
        Some(m) => credential::Entity::find_by_id(m.id).one(db).await?,
        None => None,
    };
    let (Some(member), Some(credential)) = (found, credential) else {
        verify_password(password, dummy_hash()).await;
        return Err(AppError::BadCredentials);
    };
    if !verify_password(password, &credential.password_hash).await {
        return Err(AppError::BadCredentials);
    }
    forgive_attempt(db, &identifier, meta).await?;
    if member.status != "active" {
        return Err(inactive_account());
    }
    let token = start_session(db, member.id, meta).await?;
    let user = load_session_user(db, member.id, credential.must_change).await?;
    Ok((token, user))
}

/// The refusal for an account whose member is no longer in office.
pub fn inactive_account() -> AppError {
    AppError::Forbidden("Tài khoản này không còn hoạt động. Vui lòng liên hệ cấp ủy để được hỗ trợ.".into())
}

/// Counts one attempt at a secret (a password, an activation code) for `identifier`, before the
/// secret is checked, atomically, per address and per typed identifier (whether or not an
/// account has it): parallel guesses cannot outrun the limit, and a locked identifier answers
/// the same whether it exists or not. Login and activation share the counters, so switching
/// forms gives no extra guesses. An address over its limit stops here, before it can count
/// against (and so lock) the accounts it names.
pub async fn count_attempt(db: &impl ConnectionTrait, identifier: &str, meta: &RequestMeta) -> AppResult<()> {
    let now = Utc::now();
    let address = address_key(&meta.ip);
    if rate_limit::count(db, &LOGIN_BY_ADDRESS, &address, now).await? > LOGIN_BY_ADDRESS.calls {
        return Err(AppError::Throttled(rate_limit::minutes_left(&LOGIN_BY_ADDRESS, now)));
    }
    if rate_limit::count(db, &LOGIN_BY_IDENTIFIER, identifier, now).await? > LOGIN_BY_IDENTIFIER.calls {
        return Err(AppError::Throttled(rate_limit::minutes_left(&LOGIN_BY_IDENTIFIER, now)));
    }
    Ok(())
}

/// A right secret does not count against the address (a commune office shares one) and clears
/// the identifier's count.
pub async fn forgive_attempt(db: &impl ConnectionTrait, identifier: &str, meta: &RequestMeta) -> AppResult<()> {
    let now = Utc::now();
    rate_limit::take_back(db, &LOGIN_BY_ADDRESS, &address_key(&meta.ip), now).await?;
    rate_limit::clear(db, &LOGIN_BY_IDENTIFIER, identifier, now).await
}

/// A new session for `member_id`; returns its token. A token the browser held before (perhaps
/// planted by someone else) never becomes a signed-in session: it is ended here.
pub async fn start_session(db: &impl ConnectionTrait, member_id: i64, meta: &RequestMeta) -> AppResult<String> {
    if let Some(old) = meta.session_token.as_deref() {
        session::Entity::delete_by_id(token_hash(old)).exec(db).await?;
    }
    let now = Utc::now();
    let token = new_token()?;
    session::ActiveModel {
        id: Set(token_hash(&token)),
        member_id: Set(member_id),
        created_at: Set(now),
        expires_at: Set(now + Duration::days(SESSION_DAYS)),
        ip: Set(Some(meta.ip.chars().take(64).collect())),
        user_agent: Set(meta.user_agent.clone()),
        last_seen_at: Set(Some(now)),
    }
    .insert(db)
    .await?;
    Ok(token)
}

/// The address an attempt is counted against: an IPv6 client usually holds a whole /64, so it
/// counts as one; IPv4 addresses as they are.
fn address_key(ip: &str) -> String {
    match ip.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V6(v6)) if v6.to_ipv4_mapped().is_none() => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
        Ok(std::net::IpAddr::V6(v6)) => v6.to_ipv4_mapped().map(|v4| v4.to_string()).unwrap_or_default(),
        Ok(std::net::IpAddr::V4(v4)) => v4.to_string(),
        Err(_) => ip.chars().take(64).collect(),
    }
}

fn new_token() -> AppResult<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).or_internal()?;
    Ok(crate::common::hex(&bytes))
}

fn token_hash(token: &str) -> String {
    crate::common::sha256_hex(token.as_bytes())
}

pub async fn logout(db: &DatabaseConnection, token: &str) -> AppResult<()> {
    session::Entity::delete_by_id(token_hash(token)).exec(db).await?;
    Ok(())
}

/// Resolves a cookie token to its user; expired sessions are removed on sight.
///
/// Two queries (the session with its member, cell and credential; the member's positions with
/// their units' names): every signed-in page and API call starts here.
pub async fn session_user(db: &DatabaseConnection, token: &str) -> AppResult<Option<SessionUser>> {
    if token.len() != 64 {
        return Ok(None);
    }
    let Some(found) = live_session(db, &token_hash(token)).await? else {
        return Ok(None);
    };
    let now = Utc::now();
    let last_seen = found.last_seen_at.unwrap_or(found.created_at);
    if found.expires_at <= now || last_seen + Duration::days(SESSION_IDLE_DAYS) <= now {
        session::Entity::delete_by_id(found.id).exec(db).await?;
        return Ok(None);
    }
    // At most one write an hour per session, not one per request.
    if now - last_seen > Duration::hours(1) {
        session::Entity::update_many()
            .col_expr(session::Column::LastSeenAt, sea_orm::sea_query::Expr::value(now))
            .filter(session::Column::Id.eq(found.id.as_str()))
            .exec(db)
            .await?;
    }
    if found.status != "active" {
        return Ok(None);
    }
    Ok(Some(SessionUser {
        member_id: found.member_id,
        full_name: found.full_name,
        cell_id: found.cell_id,
        cell_name: found.cell_name.unwrap_or_default(),
        positions: current_positions(db, found.member_id).await?,
        // No credential row means no password was ever set: it must be chosen first.
        must_change_password: found.must_change.unwrap_or(true),
    }))
}

/// A session row with what the signed-in view needs of its member.
#[derive(Debug, sea_orm::FromQueryResult)]
struct LiveSession {
    id: String,
    member_id: i64,
    created_at: chrono::DateTime<Utc>,
    expires_at: chrono::DateTime<Utc>,
    last_seen_at: Option<chrono::DateTime<Utc>>,
    full_name: String,
    status: String,
    cell_id: i64,
    cell_name: Option<String>,
    must_change: Option<bool>,
}

async fn live_session(db: &DatabaseConnection, id_hash: &str) -> AppResult<Option<LiveSession>> {
    use sea_orm::JoinType;
    let to_member = session::Entity::belongs_to(member::Entity)
        .from(session::Column::MemberId)
        .to(member::Column::Id)
        .into();
    let to_cell = member::Entity::belongs_to(unit::Entity).from(member::Column::UnitId).to(unit::Column::Id).into();
    let to_credential =
        member::Entity::belongs_to(credential::Entity).from(member::Column::Id).to(credential::Column::MemberId).into();
    Ok(session::Entity::find_by_id(id_hash.to_string())
        .select_only()
        .column(session::Column::Id)
        .column(session::Column::MemberId)
        .column(session::Column::CreatedAt)
        .column(session::Column::ExpiresAt)
        .column(session::Column::LastSeenAt)
        .column(member::Column::FullName)
        .column(member::Column::Status)
        .column_as(member::Column::UnitId, "cell_id")
        .column_as(unit::Column::Name, "cell_name")
        .column(credential::Column::MustChange)
        .join(JoinType::InnerJoin, to_member)
        .join(JoinType::LeftJoin, to_cell)
        .join(JoinType::LeftJoin, to_credential)
        .into_model::<LiveSession>()
        .one(db)
        .await?)
}

/// The member's positions valid today, with their units' names (one query).
async fn current_positions(db: &impl ConnectionTrait, member_id: i64) -> AppResult<Vec<PositionInfo>> {
    use sea_orm::JoinType;
    let today = crate::common::time::today();
    let to_unit = position::Entity::belongs_to(unit::Entity).from(position::Column::UnitId).to(unit::Column::Id).into();
    let rows: Vec<(i64, String, i64, String)> = position::Entity::find()
        .select_only()
        .column(position::Column::Id)
        .column(position::Column::Role)
        .column(position::Column::UnitId)
        .column(unit::Column::Name)
        .join(JoinType::InnerJoin, to_unit)
        .filter(position::Column::MemberId.eq(member_id))
        .filter(position::Column::FromDate.lte(today))
        .filter(position::Column::ToDate.is_null().or(position::Column::ToDate.gt(today)))
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, role, unit_id, unit_name)| Some(PositionInfo { id, role: Role::parse(&role)?, unit_id, unit_name }))
        .collect())
}

/// Builds the session view of a member: their cell and the positions valid today.
pub async fn load_session_user(
    db: &impl ConnectionTrait,
    member_id: i64,
    must_change_password: bool,
) -> AppResult<SessionUser> {
    let member = member::Entity::find_by_id(member_id)
        .one(db)
        .await?
        .filter(|m| m.status == "active")
        .ok_or_else(|| AppError::NotFound("đảng viên".into()))?;
    let cell_name = unit::Entity::find_by_id(member.unit_id)
        .one(db)
        .await?
        .map(|u| u.name)
        .unwrap_or_default();
    Ok(SessionUser {
        member_id,
        full_name: member.full_name,
        cell_id: member.unit_id,
        cell_name,
        positions: current_positions(db, member_id).await?,
        must_change_password,
    })
}

pub async fn change_password(
    db: &DatabaseConnection,
    user: &SessionUser,
    current_password: &str,
    new_password: &str,
    confirm_password: &str,
    current_token: Option<&str>,
) -> AppResult<()> {
    let credential = credential::Entity::find_by_id(user.member_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound("tài khoản".into()))?;
    let mut errors = Vec::new();
    if current_password.is_empty() || !verify_password(current_password, &credential.password_hash).await {
        errors.push(FieldError::new("current_password", "Mật khẩu hiện tại không đúng."));
    }
    if let Some(problem) = password_problems(new_password) {
        errors.push(FieldError::new("new_password", problem));
    } else if new_password == current_password {
        errors.push(FieldError::new("new_password", "Mật khẩu mới phải khác mật khẩu hiện tại."));
    }
    if confirm_password != new_password {
        errors.push(FieldError::new("confirm_password", "Xác nhận mật khẩu không khớp."));
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let hash = hash_password(new_password).await?;
    let mut active: credential::ActiveModel = credential.into();
    active.password_hash = Set(hash);
    active.must_change = Set(false);
    active.updated_at = Set(Utc::now());
    active.update(db).await?;
    end_other_sessions(db, user.member_id, current_token).await
}

/// Names of the given units, for labelling positions and memberships.
pub async fn unit_names(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = i64>,
) -> AppResult<std::collections::HashMap<i64, String>> {
    let mut ids: Vec<i64> = ids.into_iter().collect();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(Default::default());
    }
    let rows = unit::Entity::find()
        .select_only()
        .column(unit::Column::Id)
        .column(unit::Column::Name)
        .filter(unit::Column::Id.is_in(ids))
        .into_tuple::<(i64, String)>()
        .all(db)
        .await?;
    Ok(rows.into_iter().collect())
}

// ---------------------------------------------------------------------------------------------
// Throttling

// ---------------------------------------------------------------------------------------------
// Authorization

/// Everything a server function may ask permission for. Unit ids name the unit acted on; for
/// members, the member's current cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// See a unit's card in the org tree.
    ViewUnit(i64),
    /// List the members of a unit's subtree.
    ListMembers(i64),
    ViewMember { member_id: i64, unit_id: i64 },
    /// Phone and e-mail: the member, their cell's secretaries, administrators.
    EditMemberContact { member_id: i64, unit_id: i64 },
    /// Create children under, edit or close a unit.
    ManageUnit(i64),
    /// Add, edit fully, move or change the status of members in a unit.
    ManageMembers(i64),
    AssignPosition(i64),
    /// Hand out activation codes to a cell's members: its (deputy) secretaries and the
    /// administrators above it (members who hold positions need an administrator: see
    /// `members::activation`).
    IssueActivationCodes(i64),
    /// Edit, publish or assign a document owned by this unit.
    ManageDocument(i64),
    /// Plan, record and score this cell's meetings: its own (deputy) secretary only.
    ManageMeetings(i64),
    /// Review and approve this cell's meeting scores: a committee above the cell.
    ReviewMeetings(i64),
    /// Meeting reports for a unit: its committee and those above, or a cell's own secretaries.
    ViewMeetingReport(i64),
    /// Question reports for a unit: the same people as meeting reports.
    ViewQuestionReport(i64),
}

/// The one authorization check. Scopes: a member sees themselves and their cell's card; a
/// (deputy) secretary their cell; a committee member their unit's subtree; an administrator
/// manages their unit's subtree.
pub async fn authorize(db: &impl ConnectionTrait, user: &SessionUser, action: Action) -> AppResult<()> {
    let roots = |pred: fn(Role) -> bool| -> Vec<i64> {
        user.positions.iter().filter(|p| pred(p.role)).map(|p| p.unit_id).collect()
    };
    let admin = roots(|r| r == Role::Admin);
    let readers = roots(|r| matches!(r, Role::Admin | Role::CommitteeMember));
    let cells = roots(Role::is_cell_role);

    let allowed = match action {
        Action::ViewUnit(unit_id) => {
            let scopes = user.scope_units();
            in_any_subtree(db, &scopes, unit_id).await? || is_ancestor_of_any(db, unit_id, &scopes).await?
        }
        Action::ListMembers(unit_id) | Action::ViewMeetingReport(unit_id) | Action::ViewQuestionReport(unit_id) => cells.contains(&unit_id) || in_any_subtree(db, &readers, unit_id).await?,
        Action::ViewMember { member_id, unit_id } => {
            member_id == user.member_id || cells.contains(&unit_id) || in_any_subtree(db, &readers, unit_id).await?
        }
        Action::EditMemberContact { member_id, unit_id } => {
            member_id == user.member_id || cells.contains(&unit_id) || in_any_subtree(db, &admin, unit_id).await?
        }
        Action::ManageUnit(unit_id) | Action::ManageMembers(unit_id) | Action::AssignPosition(unit_id) => {
            in_any_subtree(db, &admin, unit_id).await?
        }
        Action::IssueActivationCodes(cell_id) => cells.contains(&cell_id) || in_any_subtree(db, &admin, cell_id).await?,
        Action::ManageDocument(unit_id) => in_any_subtree(db, &readers, unit_id).await?,
        Action::ManageMeetings(cell_id) => cells.contains(&cell_id),
        Action::ReviewMeetings(cell_id) => {
            let above: Vec<i64> = readers.iter().copied().filter(|r| *r != cell_id).collect();
            in_any_subtree(db, &above, cell_id).await?
        }
    };
    if allowed {
        Ok(())
    } else {
        Err(AppError::Forbidden(denial_message(action).into()))
    }
}

fn denial_message(action: Action) -> &'static str {
    match action {
        Action::ViewUnit(_) => "Bạn không có quyền xem đơn vị này.",
        Action::ListMembers(_) => "Bạn chỉ được xem danh sách đảng viên trong phạm vi mình phụ trách.",
        Action::ViewMember { .. } => "Bạn không có quyền xem hồ sơ của đảng viên này.",
        Action::EditMemberContact { .. } => "Bạn chỉ được sửa thông tin liên lạc của đảng viên trong chi bộ mình.",
        Action::ManageUnit(_) => "Chỉ quản trị viên của cấp trên mới được thay đổi đơn vị này.",
        Action::ManageMembers(_) => "Chỉ quản trị viên phụ trách đơn vị mới được thay đổi hồ sơ đảng viên ở đây.",
        Action::AssignPosition(_) => "Chỉ quản trị viên phụ trách đơn vị mới được phân công chức vụ ở đây.",
        Action::IssueActivationCodes(_) => "Chỉ bí thư chi bộ hoặc quản trị viên phụ trách mới được cấp mã kích hoạt cho đảng viên của chi bộ này.",
        Action::ManageDocument(_) => "Chỉ cấp ủy phụ trách mới được sửa, ban hành tài liệu này.",
        Action::ManageMeetings(_) => "Chỉ bí thư, phó bí thư của chi bộ mới được ghi nhận và chấm điểm buổi sinh hoạt.",
        Action::ReviewMeetings(_) => "Chỉ cấp ủy cấp trên của chi bộ mới được duyệt kết quả chấm điểm.",
        Action::ViewMeetingReport(_) => "Bạn chỉ được xem báo cáo sinh hoạt trong phạm vi mình phụ trách.",
        Action::ViewQuestionReport(_) => "Bạn chỉ được xem báo cáo hỏi đáp trong phạm vi mình phụ trách.",
    }
}

/// Is `unit_id` one of `roots` or below one of them?
pub async fn in_any_subtree(db: &impl ConnectionTrait, roots: &[i64], unit_id: i64) -> AppResult<bool> {
    if roots.is_empty() {
        return Ok(false);
    }
    let found = unit_closure::Entity::find()
        .select_only()
        .column(unit_closure::Column::DescendantId)
        .filter(unit_closure::Column::AncestorId.is_in(roots.iter().copied()))
        .filter(unit_closure::Column::DescendantId.eq(unit_id))
        .into_tuple::<i64>()
        .one(db)
        .await?;
    Ok(found.is_some())
}

async fn is_ancestor_of_any(db: &impl ConnectionTrait, unit_id: i64, units: &[i64]) -> AppResult<bool> {
    let found = unit_closure::Entity::find()
        .select_only()
        .column(unit_closure::Column::DescendantId)
        .filter(unit_closure::Column::AncestorId.eq(unit_id))
        .filter(unit_closure::Column::DescendantId.is_in(units.iter().copied()))
        .into_tuple::<i64>()
        .one(db)
        .await?;
    Ok(found.is_some())
}

/// Removes every session of a member except `keep` (after a password reset, say).
pub async fn end_other_sessions(db: &impl ConnectionTrait, member_id: i64, keep: Option<&str>) -> AppResult<()> {
    let mut stmt = Query::delete();
    stmt.from_table(session::Entity).and_where(session::Column::MemberId.eq(member_id));
    if let Some(token) = keep {
        stmt.and_where(session::Column::Id.ne(token_hash(token)));
    }
    db.execute(&stmt).await?;
    Ok(())
}
