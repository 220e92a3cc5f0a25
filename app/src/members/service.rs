//! Member records and their dated history. Every change that touches more than one row runs in
//! one transaction, so a failure never leaves a member half-moved.

use chrono::{Datelike, NaiveDate, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, JoinType,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set, TransactionTrait,
};

use super::{
    CreatedMember, MemberForm, MemberPage, MemberProfile, MemberRow, MemberSort, MemberStatus, MembershipEntry,
    PAGE_SIZE, PositionEntry,
};
use crate::auth::activation;
use crate::auth::service::{Action, authorize, end_other_sessions, normalize_identifier, unit_names};
use crate::common::secret::SecretKey;
use crate::auth::{Role, SessionUser};
use crate::db::entities::{joins, member, membership, position, unit, unit_closure};
use crate::db::fold::{fold, fold_padded, name_sort_key};
use crate::error::{AppError, AppResult};
use crate::units::service::{find_unit, kind_of};
use crate::units::UnitRef;
use crate::validate::Checks;

pub async fn find_member(db: &impl ConnectionTrait, id: i64) -> AppResult<member::Model> {
    member::Entity::find_by_id(id).one(db).await?.ok_or_else(|| AppError::NotFound("đảng viên".into()))
}

/// Is the user an administrator of a unit strictly above `unit_id` (or, for the top unit, of
/// that unit itself)?
async fn admin_above(db: &impl ConnectionTrait, user: &SessionUser, unit_id: i64) -> AppResult<bool> {
    let unit = find_unit(db, unit_id).await?;
    let roots: Vec<i64> = user
        .positions
        .iter()
        .filter(|p| p.role == Role::Admin && (p.unit_id != unit_id || unit.parent_id.is_none()))
        .map(|p| p.unit_id)
        .collect();
    crate::auth::service::in_any_subtree(db, &roots, unit_id).await
}

/// What an actor wants to do to another member's record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Managing {
    /// Edit the record, move the member, give them a position.
    Record,
    /// Set a status or reset the password: never on oneself (an administrator locked out of
    /// their own account asks the level above).
    Account,
}

/// An actor may manage a member only when their scope covers the member's cell **and** every
/// unit where the member holds a position: a district administrator must not reset the password
/// of a provincial administrator whose cell happens to lie in the district.
pub(super) async fn authorize_managing(
    db: &impl ConnectionTrait,
    user: &SessionUser,
    target: &member::Model,
    what: Managing,
) -> AppResult<()> {
    if what == Managing::Account && target.id == user.member_id {
        return Err(AppError::Forbidden(
            "Bạn không thể tự đặt lại mật khẩu hay thay đổi tình trạng của chính mình; hãy nhờ quản trị viên cấp trên.".into(),
        ));
    }
    authorize(db, user, Action::ManageMembers(target.unit_id)).await?;
    let positions: Vec<(i64, String)> = position::Entity::find()
        .select_only()
        .column(position::Column::UnitId)
        .column(position::Column::Role)
        .filter(position::Column::MemberId.eq(target.id))
        // Still held: open, or ending on a date still ahead (a term that ends later).
        .filter(position::Column::ToDate.is_null().or(position::Column::ToDate.gt(crate::common::time::today())))
        .into_tuple()
        .all(db)
        .await?;
    for (unit_id, role) in positions {
        if authorize(db, user, Action::ManageMembers(unit_id)).await.is_err() {
            return Err(AppError::Forbidden(
                "Đảng viên này giữ chức vụ ở đơn vị ngoài phạm vi bạn quản lý; chỉ quản trị viên cấp trên mới được thay đổi hồ sơ này.".into(),
            ));
        }
        // Another administrator's password and status are a matter for the level above: a
        // peer taking over a peer's account would act under their name. At the top there is
        // no level above, so the province's administrators answer for each other.
        if what == Managing::Account && role == Role::Admin.as_str() && !admin_above(db, user, unit_id).await? {
            return Err(AppError::Forbidden(
                "Mật khẩu và tình trạng của quản trị viên do quản trị viên cấp trên thay đổi.".into(),
            ));
        }
    }
    Ok(())
}

fn row_status(model: &member::Model) -> MemberStatus {
    MemberStatus::parse(&model.status).unwrap_or(MemberStatus::Active)
}

/// Word-start search on folded names ("nguyen van a" finds "Nguyễn Văn An"), or a number prefix
/// on card and phone when only digits are typed.
fn search_condition(q: &str) -> Option<Condition> {
    let folded = fold(q).replace(['%', '_', '\\'], "");
    if folded.is_empty() {
        return None;
    }
    let digits = normalize_identifier(&folded);
    if !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit()) {
        return Some(
            Condition::any()
                .add(member::Column::CardNo.starts_with(digits.as_str()))
                .add(member::Column::Phone.starts_with(digits.as_str())),
        );
    }
    let mut all = Condition::all();
    for word in folded.split(' ').take(6) {
        all = all.add(Expr::col((member::Entity, member::Column::FoldedName)).like(format!("% {word}%")));
    }
    Some(all)
}

pub async fn list(
    db: &DatabaseConnection,
    user: &SessionUser,
    unit_id: i64,
    q: &str,
    status: &str,
    sort: MemberSort,
    page: u64,
) -> AppResult<MemberPage> {
    authorize(db, user, Action::ListMembers(unit_id)).await?;
    let unit_model = find_unit(db, unit_id).await?;
    if q.chars().count() > 100 {
        return Err(AppError::invalid("q", "Từ khóa tìm kiếm quá dài (tối đa 100 ký tự)."));
    }
    let status = MemberStatus::parse(status).unwrap_or(MemberStatus::Active);
    let mut select = member::Entity::find()
        .join(JoinType::InnerJoin, joins::member_ancestors())
        .filter(unit_closure::Column::AncestorId.eq(unit_id))
        .filter(member::Column::Status.eq(status.as_str()));
    if let Some(condition) = search_condition(q) {
        select = select.filter(condition);
    }
    let total = select.clone().count(db).await?;
    let page_count = std::cmp::max(total.div_ceil(PAGE_SIZE), 1);
    let page = page.clamp(1, page_count);
    select = match sort {
        MemberSort::GivenName => select.order_by_asc(member::Column::SortKey),
        MemberSort::Oldest => select.order_by_asc(member::Column::BirthDate),
        MemberSort::Youngest => select.order_by_desc(member::Column::BirthDate),
        MemberSort::Seniority => select.order_by_asc(member::Column::AdmittedOn),
        MemberSort::CardNo => select.order_by_asc(member::Column::CardNo),
    };
    let models = select
        .order_by_asc(member::Column::Id)
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
        .all(db)
        .await?;
    let names = unit_names(db, models.iter().map(|m| m.unit_id)).await?;
    let items = models
        .into_iter()
        .map(|m| MemberRow {
            status: row_status(&m),
            cell_name: names.get(&m.unit_id).cloned().unwrap_or_default(),
            id: m.id,
            full_name: m.full_name,
            birth_date: m.birth_date,
            gender: m.gender,
            card_no: m.card_no,
            phone: m.phone,
            admitted_on: m.admitted_on,
        })
        .collect();
    let can_manage = kind_of(&unit_model).holds_members()
        && unit_model.valid_to.is_none()
        && authorize(db, user, Action::ManageMembers(unit_id)).await.is_ok();
    let can_issue_codes = kind_of(&unit_model).holds_members()
        && unit_model.valid_to.is_none()
        && authorize(db, user, Action::IssueActivationCodes(unit_id)).await.is_ok();
    Ok(MemberPage {
        unit: UnitRef { id: unit_model.id, name: unit_model.name },
        items,
        total,
        page,
        page_count,
        can_manage,
        can_issue_codes,
    })
}

/// Members who belonged to `unit_id`'s subtree on `date`, from the dated history — a closed or
/// merged unit still answers for the time it existed.
pub async fn members_in_subtree_on(db: &impl ConnectionTrait, unit_id: i64, date: NaiveDate) -> AppResult<Vec<i64>> {
    let mut ids = membership::Entity::find()
        .select_only()
        .column(membership::Column::MemberId)
        .join(
            JoinType::InnerJoin,
            membership::Entity::belongs_to(unit_closure::Entity)
                .from(membership::Column::UnitId)
                .to(unit_closure::Column::DescendantId)
                .into(),
        )
        .filter(unit_closure::Column::AncestorId.eq(unit_id))
        .filter(membership::Column::FromDate.lte(date))
        .filter(membership::Column::ToDate.is_null().or(membership::Column::ToDate.gt(date)))
        .into_tuple::<i64>()
        .all(db)
        .await?;
    ids.sort_unstable();
    ids.dedup();
    Ok(ids)
}

pub async fn profile(db: &DatabaseConnection, user: &SessionUser, id: i64) -> AppResult<MemberProfile> {
    let model = find_member(db, id).await?;
    authorize(db, user, Action::ViewMember { member_id: id, unit_id: model.unit_id }).await?;
    let memberships = membership::Entity::find()
        .filter(membership::Column::MemberId.eq(id))
        .order_by_desc(membership::Column::FromDate)
        .order_by_desc(membership::Column::Id)
        .all(db)
        .await?;
    let positions = position::Entity::find()
        .filter(position::Column::MemberId.eq(id))
        .order_by_desc(position::Column::FromDate)
        .all(db)
        .await?;
    let names = unit_names(
        db,
        memberships.iter().map(|m| m.unit_id).chain(positions.iter().map(|p| p.unit_id)).chain([model.unit_id]),
    )
    .await?;
    let unit_ref = |unit_id: i64| UnitRef { id: unit_id, name: names.get(&unit_id).cloned().unwrap_or_default() };
    let can_edit_contact =
        authorize(db, user, Action::EditMemberContact { member_id: id, unit_id: model.unit_id }).await.is_ok();
    let can_manage = authorize_managing(db, user, &model, Managing::Record).await.is_ok();
    Ok(MemberProfile {
        status: row_status(&model),
        cell: unit_ref(model.unit_id),
        memberships: memberships
            .into_iter()
            .map(|m| MembershipEntry { unit: unit_ref(m.unit_id), from_date: m.from_date, to_date: m.to_date, reason: m.reason })
            .collect(),
        positions: positions
            .into_iter()
            .filter_map(|p| {
                Some(PositionEntry {
                    id: p.id,
                    role: Role::parse(&p.role)?,
                    unit: unit_ref(p.unit_id),
                    from_date: p.from_date,
                    to_date: p.to_date,
                })
            })
            .collect(),
        can_edit_contact,
        can_manage,
        id: model.id,
        full_name: model.full_name,
        birth_date: model.birth_date,
        gender: model.gender,
        card_no: model.card_no,
        phone: model.phone,
        email: model.email,
        admitted_on: model.admitted_on,
        official_on: model.official_on,
    })
}

/// Validated member fields, ready to store.
/// A member's fields once checked: what the form, the API and a spreadsheet row all become.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct CleanMember {
    pub(super) full_name: String,
    pub(super) birth_date: NaiveDate,
    pub(super) gender: String,
    pub(super) card_no: String,
    pub(super) phone: Option<String>,
    pub(super) email: Option<String>,
    pub(super) admitted_on: NaiveDate,
    pub(super) official_on: Option<NaiveDate>,
}

fn check_phone(checks: &mut Checks, raw: &str) -> Option<String> {
    let phone = normalize_identifier(raw);
    if phone.is_empty() {
        return None;
    }
    let valid = phone.len() == 10
        && phone.starts_with('0')
        && matches!(phone.as_bytes()[1], b'3' | b'5' | b'7' | b'8' | b'9')
        && phone.chars().all(|c| c.is_ascii_digit());
    if !valid {
        checks.fail("phone", "Số điện thoại di động gồm 10 chữ số, bắt đầu bằng 03, 05, 07, 08 hoặc 09.");
    }
    Some(phone)
}

fn check_email(checks: &mut Checks, raw: &str) -> Option<String> {
    let email = raw.trim().to_lowercase();
    if email.is_empty() {
        return None;
    }
    let valid = email.len() <= 120
        && !email.contains(char::is_whitespace)
        && email.split_once('@').is_some_and(|(user, domain)| !user.is_empty() && domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.'));
    if !valid {
        checks.fail("email", "Địa chỉ thư điện tử không hợp lệ (ví dụ: ten@haugiang.gov.vn).");
    }
    Some(email)
}

async fn check_unique(
    db: &impl ConnectionTrait,
    checks: &mut Checks,
    card_no: &str,
    phone: Option<&str>,
    except: Option<i64>,
) -> AppResult<()> {
    let exclude = |mut q: sea_orm::Select<member::Entity>| {
        if let Some(id) = except {
            q = q.filter(member::Column::Id.ne(id));
        }
        q
    };
    // Both sign a member in, so neither may equal the other kind of number of anyone else.
    let taken = |number: &str| member::Column::CardNo.eq(number).or(member::Column::Phone.eq(number));
    if !checks.has("card_no") && exclude(member::Entity::find().filter(taken(card_no))).count(db).await? > 0 {
        checks.fail("card_no", "Số thẻ đảng viên này đã có trong hệ thống.");
    }
    if let Some(phone) = phone
        && !checks.has("phone") && exclude(member::Entity::find().filter(taken(phone))).count(db).await? > 0 {
            checks.fail("phone", "Số điện thoại này đã được đảng viên khác sử dụng.");
        }
    Ok(())
}

async fn validate_form(db: &impl ConnectionTrait, form: &MemberForm, except: Option<i64>) -> AppResult<CleanMember> {
    let mut checks = Checks::new();
    let checked = check_fields(&mut checks, form);
    check_unique(db, &mut checks, &checked.card_no, checked.phone.as_deref(), except).await?;
    checks.finish()?;
    checked.clean.ok_or(AppError::Internal)
}

/// The outcome of [`check_fields`]: the clean member when every field passed, and the
/// normalised numbers either way (their uniqueness is checked against the database apart).
pub(super) struct Checked {
    pub(super) clean: Option<CleanMember>,
    pub(super) card_no: String,
    pub(super) phone: Option<String>,
}

/// Every rule on a member's own fields that needs no database (the Charter's age of admission,
/// dates in order, formats); failures are recorded in `checks` by field.
pub(super) fn check_fields(checks: &mut Checks, form: &MemberForm) -> Checked {
    let full_name = checks.text("full_name", &form.full_name, "họ và tên", 4, 120);
    if !checks.has("full_name") && !full_name.chars().all(|c| c.is_alphabetic() || c == ' ') {
        checks.fail("full_name", "Họ và tên chỉ gồm chữ cái.");
    }
    if !checks.has("full_name") && full_name.split(' ').count() < 2 {
        checks.fail("full_name", "Vui lòng nhập đầy đủ họ và tên.");
    }
    let today = crate::common::time::today();
    let birth_date = checks.date("birth_date", &form.birth_date, "ngày sinh");
    let gender = form.gender.trim().to_string();
    if gender != "nam" && gender != "nu" {
        checks.fail("gender", "Vui lòng chọn giới tính.");
    }
    let card_no = normalize_identifier(&form.card_no);
    if card_no.is_empty() {
        checks.fail("card_no", "Vui lòng nhập số thẻ đảng viên.");
    } else if !(6..=12).contains(&card_no.len()) || !card_no.chars().all(|c| c.is_ascii_digit()) {
        checks.fail("card_no", "Số thẻ đảng viên gồm 6 đến 12 chữ số.");
    }
    let phone = check_phone(checks, &form.phone);
    let email = check_email(checks, &form.email);
    let admitted_on = checks.date("admitted_on", &form.admitted_on, "ngày vào Đảng");
    let official_on = checks.optional_date("official_on", &form.official_on, "ngày chính thức");
    if let Some(born) = birth_date {
        if born > today {
            checks.fail("birth_date", "Ngày sinh không được ở tương lai.");
        }
        if let Some(admitted) = admitted_on {
            let eighteenth = born.with_year(born.year() + 18).unwrap_or(born);
            if admitted < eighteenth {
                checks.fail("admitted_on", "Đảng viên phải đủ 18 tuổi khi được kết nạp (Điều 1, Điều lệ Đảng).");
            }
        }
    }
    if let Some(admitted) = admitted_on {
        if admitted > today {
            checks.fail("admitted_on", "Ngày vào Đảng không được ở tương lai.");
        }
        if let Some(official) = official_on
            && official < admitted {
                checks.fail("official_on", "Ngày chính thức phải sau ngày vào Đảng.");
            }
    }
    let clean = match (birth_date, admitted_on) {
        (Some(birth_date), Some(admitted_on)) if checks.is_empty() => Some(CleanMember {
            full_name,
            birth_date,
            gender,
            card_no: card_no.clone(),
            phone: phone.clone(),
            email,
            admitted_on,
            official_on,
        }),
        _ => None,
    };
    Checked { clean, card_no, phone }
}

/// A new active member's row in `cell` (the form's and the import's one shape).
pub(super) fn new_member_row(c: &CleanMember, cell: i64, now: chrono::DateTime<Utc>) -> member::ActiveModel {
    member::ActiveModel {
        full_name: Set(c.full_name.clone()),
        folded_name: Set(fold_padded(&c.full_name)),
        sort_key: Set(name_sort_key(&c.full_name)),
        birth_date: Set(c.birth_date),
        gender: Set(c.gender.clone()),
        card_no: Set(c.card_no.clone()),
        phone: Set(c.phone.clone()),
        email: Set(c.email.clone()),
        admitted_on: Set(c.admitted_on),
        official_on: Set(c.official_on),
        status: Set(MemberStatus::Active.as_str().into()),
        unit_id: Set(cell),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
}

fn cell_check(model: &unit::Model) -> AppResult<()> {
    if !kind_of(model).holds_members() {
        return Err(AppError::invalid("unit", "Đảng viên chỉ sinh hoạt ở chi bộ; hãy chọn một chi bộ."));
    }
    if model.valid_to.is_some() {
        return Err(AppError::invalid("unit", "Chi bộ này đã đóng, không thể thêm đảng viên."));
    }
    Ok(())
}

/// A new member of the cell `unit_id`, with an activation code (shown once to whoever added them):
/// nobody ever knows the member's password but the member.
pub async fn create(db: &DatabaseConnection, key: &SecretKey, user: &SessionUser, unit_id: i64, form: &MemberForm) -> AppResult<CreatedMember> {
    authorize(db, user, Action::ManageMembers(unit_id)).await?;
    let cell = find_unit(db, unit_id).await?;
    cell_check(&cell)?;
    let clean = validate_form(db, form, None).await?;
    let now = Utc::now();
    let txn = db.begin().await?;
    let inserted = new_member_row(&clean, unit_id, now).insert(&txn).await?;
    let joined = std::cmp::max(inserted.admitted_on, cell.valid_from);
    membership::ActiveModel {
        member_id: Set(inserted.id),
        unit_id: Set(unit_id),
        from_date: Set(joined),
        to_date: Set(None),
        reason: Set("Tiếp nhận vào chi bộ".into()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let issued = activation::issue(&txn, key, &[inserted.id], Some(user.member_id)).await?;
    txn.commit().await?;
    let code = issued.into_iter().next().ok_or(AppError::Internal)?;
    Ok(CreatedMember { id: inserted.id, activation_code: code.code, expires_on: crate::common::time::vietnam_date(code.expires_at) })
}

pub async fn update(db: &DatabaseConnection, user: &SessionUser, id: i64, form: &MemberForm) -> AppResult<()> {
    let model = find_member(db, id).await?;
    authorize_managing(db, user, &model, Managing::Record).await?;
    let clean = validate_form(db, form, Some(id)).await?;
    let mut active: member::ActiveModel = model.into();
    active.folded_name = Set(fold_padded(&clean.full_name));
    active.sort_key = Set(name_sort_key(&clean.full_name));
    active.full_name = Set(clean.full_name);
    active.birth_date = Set(clean.birth_date);
    active.gender = Set(clean.gender);
    active.card_no = Set(clean.card_no);
    active.phone = Set(clean.phone);
    active.email = Set(clean.email);
    active.admitted_on = Set(clean.admitted_on);
    active.official_on = Set(clean.official_on);
    active.updated_at = Set(Utc::now());
    active.update(db).await?;
    Ok(())
}

/// New phone numbers a member may try in an hour on the contact form.
const CONTACT_CHANGES: crate::common::rate_limit::Limit =
    crate::common::rate_limit::Limit { name: "contact", calls: 10, window_secs: 3600, what: "lần đổi số điện thoại" };

pub async fn update_contact(db: &DatabaseConnection, user: &SessionUser, id: i64, phone: &str, email: &str) -> AppResult<()> {
    let model = find_member(db, id).await?;
    authorize(db, user, Action::EditMemberContact { member_id: id, unit_id: model.unit_id }).await?;
    let mut checks = Checks::new();
    let phone = check_phone(&mut checks, phone);
    let email = check_email(&mut checks, email);
    if let Some(p) = phone.as_deref().filter(|p| !checks.has("phone") && model.phone.as_deref() != Some(*p)) {
        // Each try at a new number counts, so nobody can test the province's numbers one by one.
        crate::common::rate_limit::hit(db, &CONTACT_CHANGES, user.member_id).await?;
        // A phone equal to anyone's card number would sign in as two people.
        let holder = member::Entity::find()
            .filter(member::Column::Phone.eq(p).or(member::Column::CardNo.eq(p)))
            .filter(member::Column::Id.ne(id))
            .one(db)
            .await?;
        if let Some(holder) = holder {
            // Named as taken only to someone who may see that member anyway.
            let may_see = authorize(db, user, Action::ViewMember { member_id: holder.id, unit_id: holder.unit_id }).await.is_ok();
            checks.fail(
                "phone",
                if may_see {
                    "Số điện thoại này đã được đảng viên khác sử dụng."
                } else {
                    "Không dùng được số điện thoại này. Vui lòng kiểm tra lại hoặc liên hệ cấp ủy."
                },
            );
        }
    }
    checks.finish()?;
    let mut active: member::ActiveModel = model.into();
    active.phone = Set(phone);
    active.email = Set(email);
    active.updated_at = Set(Utc::now());
    active.update(db).await?;
    Ok(())
}

/// Moves members into `to_unit` on `date`: closes their open membership, opens a new one and
/// points the member at the new cell. Used for single transfers and for unit merges.
pub async fn move_member_ids(
    db: &impl ConnectionTrait,
    member_ids: &[i64],
    to_unit: i64,
    date: NaiveDate,
    reason: &str,
) -> AppResult<()> {
    for chunk in member_ids.chunks(500) {
        membership::Entity::update_many()
            .col_expr(membership::Column::ToDate, Expr::val(date))
            .filter(membership::Column::MemberId.is_in(chunk.iter().copied()))
            .filter(membership::Column::ToDate.is_null())
            .exec(db)
            .await?;
        membership::Entity::insert_many(chunk.iter().map(|&member_id| membership::ActiveModel {
            member_id: Set(member_id),
            unit_id: Set(to_unit),
            from_date: Set(date),
            to_date: Set(None),
            reason: Set(reason.to_string()),
            ..Default::default()
        }))
        .exec(db)
        .await?;
        activation::revoke(db, chunk).await?;
        member::Entity::update_many()
            .col_expr(member::Column::UnitId, Expr::val(to_unit))
            .col_expr(member::Column::UpdatedAt, Expr::val(Utc::now()))
            .filter(member::Column::Id.is_in(chunk.iter().copied()))
            .exec(db)
            .await?;
    }
    Ok(())
}

/// Moves every active member of a cell (used when the cell closes).
pub async fn move_members_out(db: &impl ConnectionTrait, from_unit: i64, to_unit: i64, date: NaiveDate, reason: &str) -> AppResult<()> {
    let ids = member::Entity::find()
        .select_only()
        .column(member::Column::Id)
        .filter(member::Column::UnitId.eq(from_unit))
        .filter(member::Column::Status.eq(MemberStatus::Active.as_str()))
        .into_tuple::<i64>()
        .all(db)
        .await?;
    move_member_ids(db, &ids, to_unit, date, reason).await
}

async fn current_membership_start(db: &impl ConnectionTrait, member_id: i64) -> AppResult<Option<NaiveDate>> {
    Ok(membership::Entity::find()
        .filter(membership::Column::MemberId.eq(member_id))
        .filter(membership::Column::ToDate.is_null())
        .one(db)
        .await?
        .map(|m| m.from_date))
}

/// Checks a change date: not before the member joined their current cell, not in the future.
async fn check_change_date(
    db: &impl ConnectionTrait,
    checks: &mut Checks,
    member_id: i64,
    field: &str,
    raw: &str,
) -> AppResult<Option<NaiveDate>> {
    let date = checks.date(field, raw, "ngày hiệu lực");
    if let Some(d) = date {
        if d > crate::common::time::today() {
            checks.fail(field, "Ngày hiệu lực không được sau hôm nay.");
        }
        if let Some(start) = current_membership_start(db, member_id).await?
            && d < start {
                checks.fail(
                    field,
                    format!("Ngày hiệu lực không được trước ngày vào chi bộ hiện tại ({}).", crate::validate::format_date(start)),
                );
            }
    }
    Ok(date)
}

pub async fn move_member(
    db: &DatabaseConnection,
    user: &SessionUser,
    id: i64,
    to_code: &str,
    on_date: &str,
    reason: &str,
) -> AppResult<()> {
    let model = find_member(db, id).await?;
    authorize_managing(db, user, &model, Managing::Record).await?;
    let mut checks = Checks::new();
    let reason = checks.text("reason", reason, "lý do chuyển", 0, 255);
    let code = to_code.trim().to_uppercase();
    let target = if code.is_empty() {
        checks.fail("to_code", "Vui lòng nhập mã chi bộ chuyển đến.");
        None
    } else {
        unit::Entity::find().filter(unit::Column::Code.eq(code.as_str())).one(db).await?
    };
    match &target {
        None if !code.is_empty() => checks.fail("to_code", "Không tìm thấy chi bộ có mã này."),
        Some(t) if t.id == model.unit_id => checks.fail("to_code", "Đảng viên đang sinh hoạt ở chi bộ này."),
        Some(t) if !kind_of(t).holds_members() || t.valid_to.is_some() => {
            checks.fail("to_code", "Nơi chuyển đến phải là chi bộ đang hoạt động.")
        }
        _ => {}
    }
    if model.status != MemberStatus::Active.as_str() {
        checks.fail("form", "Chỉ chuyển sinh hoạt được cho đảng viên đang sinh hoạt.");
    }
    let date = check_change_date(db, &mut checks, id, "on_date", on_date).await?;
    checks.finish()?;
    let (Some(target), Some(date)) = (target, date) else { return Err(AppError::Internal) };
    authorize(db, user, Action::ManageMembers(target.id)).await?;
    let reason = if reason.is_empty() { "Chuyển sinh hoạt đảng".to_string() } else { reason };
    let txn = db.begin().await?;
    move_member_ids(&txn, &[id], target.id, date, &reason).await?;
    end_cell_positions(&txn, id, model.unit_id, date).await?;
    txn.commit().await?;
    Ok(())
}

/// A secretary who leaves the cell stops being its secretary.
async fn end_cell_positions(db: &impl ConnectionTrait, member_id: i64, cell_id: i64, date: NaiveDate) -> AppResult<()> {
    position::Entity::update_many()
        .col_expr(position::Column::ToDate, Expr::val(date))
        .filter(position::Column::MemberId.eq(member_id))
        .filter(position::Column::UnitId.eq(cell_id))
        .filter(position::Column::Role.is_in([Role::Secretary.as_str(), Role::DeputySecretary.as_str()]))
        .filter(position::Column::ToDate.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// Transfer out of the province, death or expulsion: history closes on the date, positions end,
/// sessions end.
pub async fn set_status(db: &DatabaseConnection, user: &SessionUser, id: i64, status: &str, on_date: &str) -> AppResult<()> {
    let model = find_member(db, id).await?;
    authorize_managing(db, user, &model, Managing::Account).await?;
    let mut checks = Checks::new();
    let status = match MemberStatus::parse(status) {
        Some(MemberStatus::Active) | None => {
            checks.fail("status", "Vui lòng chọn tình trạng mới.");
            None
        }
        Some(s) => Some(s),
    };
    if model.status != MemberStatus::Active.as_str() {
        checks.fail("form", "Đảng viên này không còn sinh hoạt; tình trạng đã được ghi nhận trước đó.");
    }
    let date = check_change_date(db, &mut checks, id, "on_date", on_date).await?;
    checks.finish()?;
    let (Some(status), Some(date)) = (status, date) else { return Err(AppError::Internal) };
    let txn = db.begin().await?;
    membership::Entity::update_many()
        .col_expr(membership::Column::ToDate, Expr::val(date))
        .filter(membership::Column::MemberId.eq(id))
        .filter(membership::Column::ToDate.is_null())
        .exec(&txn)
        .await?;
    position::Entity::update_many()
        .col_expr(position::Column::ToDate, Expr::val(date))
        .filter(position::Column::MemberId.eq(id))
        .filter(position::Column::ToDate.is_null())
        .exec(&txn)
        .await?;
    let mut active: member::ActiveModel = model.into();
    active.status = Set(status.as_str().into());
    active.updated_at = Set(Utc::now());
    active.update(&txn).await?;
    end_other_sessions(&txn, id, None).await?;
    activation::revoke(&txn, &[id]).await?;
    txn.commit().await?;
    Ok(())
}

/// `server create-admin --unit CODE --phone …`: the first administrator of a new deployment.
/// The member with that phone number (imported beforehand) becomes an administrator of the open
/// unit with that code and gets an activation code, with which they choose their password. Run
/// again, it only gives a new code (the old one, and any password, stop working).
pub async fn grant_first_admin(db: &DatabaseConnection, key: &SecretKey, unit_code: &str, phone: &str) -> AppResult<(member::Model, unit::Model, activation::Issued)> {
    let code = unit_code.trim().to_uppercase();
    let target = unit::Entity::find()
        .filter(unit::Column::Code.eq(code.as_str()))
        .one(db)
        .await?
        .ok_or_else(|| AppError::invalid("unit", format!("Không có đơn vị mã {code}.")))?;
    if target.valid_to.is_some() {
        return Err(AppError::invalid("unit", format!("{} đã giải thể hoặc sáp nhập.", target.name)));
    }
    let phone = normalize_identifier(phone);
    let model = member::Entity::find()
        .filter(member::Column::Phone.eq(phone.as_str()))
        .one(db)
        .await?
        .ok_or_else(|| AppError::invalid("phone", format!("Không có đảng viên nào có số điện thoại {phone}; hãy nhập danh sách đảng viên trước.")))?;
    if model.status != MemberStatus::Active.as_str() {
        return Err(AppError::invalid("phone", format!("{} không còn đang sinh hoạt.", model.full_name)));
    }
    let holds = position::Entity::find()
        .filter(position::Column::MemberId.eq(model.id))
        .filter(position::Column::UnitId.eq(target.id))
        .filter(position::Column::Role.eq(Role::Admin.as_str()))
        .filter(position::Column::ToDate.is_null())
        .count(db)
        .await?;
    // The position and the code together, or neither.
    let txn = db.begin().await?;
    if holds == 0 {
        position::ActiveModel {
            member_id: Set(model.id),
            unit_id: Set(target.id),
            role: Set(Role::Admin.as_str().into()),
            from_date: Set(crate::common::time::today()),
            to_date: Set(None),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
    }
    let issued = activation::issue(&txn, key, &[model.id], None).await?;
    txn.commit().await?;
    let code = issued.into_iter().next().ok_or(AppError::Internal)?;
    Ok((model, target, code))
}

pub async fn assign_position(
    db: &DatabaseConnection,
    user: &SessionUser,
    member_id: i64,
    role: &str,
    unit_code: &str,
    from_date: &str,
) -> AppResult<()> {
    let model = find_member(db, member_id).await?;
    authorize_managing(db, user, &model, Managing::Record).await?;
    let mut checks = Checks::new();
    let role = Role::parse(role);
    if role.is_none() {
        checks.fail("role", "Vui lòng chọn chức vụ.");
    }
    let code = unit_code.trim().to_uppercase();
    let target = if code.is_empty() {
        None
    } else {
        unit::Entity::find().filter(unit::Column::Code.eq(code.as_str())).one(db).await?
    };
    match (&target, role) {
        (None, _) => checks.fail("unit_code", "Không tìm thấy đơn vị có mã này."),
        (Some(t), _) if t.valid_to.is_some() => checks.fail("unit_code", "Đơn vị này đã đóng."),
        (Some(t), Some(r)) if r.is_cell_role() && !kind_of(t).holds_members() => {
            checks.fail("unit_code", "Bí thư, phó bí thư được phân công cho một chi bộ.")
        }
        (Some(t), Some(r)) if r.is_cell_role() && t.id != model.unit_id => {
            checks.fail("unit_code", "Bí thư, phó bí thư phải là đảng viên của chính chi bộ đó.")
        }
        _ => {}
    }
    if model.status != MemberStatus::Active.as_str() {
        checks.fail("form", "Chỉ phân công chức vụ cho đảng viên đang sinh hoạt.");
    }
    let date = checks.date("from_date", from_date, "ngày bắt đầu");
    if let Some(d) = date
        && d > crate::common::time::today() + chrono::Duration::days(31) {
            checks.fail("from_date", "Ngày bắt đầu không được xa quá một tháng.");
        }
    if let Some(t) = &target {
        authorize(db, user, Action::AssignPosition(t.id)).await?;
    }
    if let (Some(t), Some(r)) = (&target, role) {
        let duplicate = position::Entity::find()
            .filter(position::Column::MemberId.eq(member_id))
            .filter(position::Column::UnitId.eq(t.id))
            .filter(position::Column::Role.eq(r.as_str()))
            .filter(position::Column::ToDate.is_null())
            .count(db)
            .await?;
        if duplicate > 0 {
            checks.fail("role", "Đảng viên đang giữ chức vụ này ở đơn vị này.");
        }
    }
    checks.finish()?;
    let (Some(target), Some(role), Some(date)) = (target, role, date) else { return Err(AppError::Internal) };
    let txn = db.begin().await?;
    position::ActiveModel {
        member_id: Set(member_id),
        unit_id: Set(target.id),
        role: Set(role.as_str().into()),
        from_date: Set(date),
        to_date: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    activation::revoke(&txn, &[member_id]).await?;
    txn.commit().await?;
    Ok(())
}

pub async fn end_position(db: &DatabaseConnection, user: &SessionUser, position_id: i64, to_date: &str) -> AppResult<()> {
    let row = position::Entity::find_by_id(position_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound("chức vụ".into()))?;
    authorize(db, user, Action::AssignPosition(row.unit_id)).await?;
    let mut checks = Checks::new();
    let date = checks.date("to_date", to_date, "ngày kết thúc");
    if row.to_date.is_some() {
        checks.fail("form", "Chức vụ này đã kết thúc.");
    }
    if let Some(d) = date
        && d < row.from_date {
            checks.fail("to_date", "Ngày kết thúc không được trước ngày bắt đầu.");
        }
    checks.finish()?;
    let mut active: position::ActiveModel = row.into();
    active.to_date = Set(date);
    active.update(db).await?;
    Ok(())
}
