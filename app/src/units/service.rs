//! Org-tree queries and changes. The closure table answers "this unit and everything under it"
//! with one indexed lookup; parents never change, so closure rows never need rewriting.

use std::collections::HashMap;

use chrono::NaiveDate;
use sea_orm::sea_query::{Alias, Condition, Expr, ExprTrait, Order, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, JoinType, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set, TransactionTrait,
};

use super::{CellOption, UnitDetail, UnitForm, UnitKind, UnitRef, UnitSummary};
use crate::auth::service::{Action, authorize, in_any_subtree};
use crate::auth::{Role, SessionUser};
use crate::db::entities::{joins, member, position, unit, unit_closure};
use crate::db::fold::fold;
use crate::error::{AppError, AppResult};
// Domain dependency: closing a unit moves its members to the successor.
use crate::members::service::move_members_out;
use crate::validate::Checks;

pub fn kind_of(model: &unit::Model) -> UnitKind {
    UnitKind::parse(&model.kind).unwrap_or(UnitKind::Cell)
}

/// The top of the tree (the provincial committee).
pub async fn root_unit(db: &impl ConnectionTrait) -> AppResult<Option<i64>> {
    Ok(unit::Entity::find()
        .filter(unit::Column::ParentId.is_null())
        .order_by_asc(unit::Column::Id)
        .one(db)
        .await?
        .map(|u| u.id))
}

pub async fn find_unit(db: &impl ConnectionTrait, id: i64) -> AppResult<unit::Model> {
    unit::Entity::find_by_id(id).one(db).await?.ok_or_else(|| AppError::NotFound("đơn vị".into()))
}

/// Builds summaries with child and active-member counts for the given units.
async fn summaries(db: &impl ConnectionTrait, units: Vec<unit::Model>, include_closed: bool) -> AppResult<Vec<UnitSummary>> {
    let ids: Vec<i64> = units.iter().map(|u| u.id).collect();
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut child_query = unit::Entity::find()
        .select_only()
        .column(unit::Column::ParentId)
        .column_as(unit::Column::Id.count(), "n")
        .filter(unit::Column::ParentId.is_in(ids.clone()))
        .group_by(unit::Column::ParentId);
    if !include_closed {
        child_query = child_query.filter(unit::Column::ValidTo.is_null());
    }
    let child_counts: HashMap<i64, i64> = child_query.into_tuple::<(i64, i64)>().all(db).await?.into_iter().collect();
    let member_counts = active_member_counts(db, &ids).await?;
    Ok(units
        .into_iter()
        .map(|u| UnitSummary {
            kind: kind_of(&u),
            child_count: child_counts.get(&u.id).copied().unwrap_or(0),
            member_count: member_counts.get(&u.id).copied().unwrap_or(0),
            id: u.id,
            parent_id: u.parent_id,
            code: u.code,
            name: u.name,
            valid_from: u.valid_from,
            valid_to: u.valid_to,
        })
        .collect())
}

/// Active members in each unit's whole subtree.
pub async fn active_member_counts(db: &impl ConnectionTrait, unit_ids: &[i64]) -> AppResult<HashMap<i64, i64>> {
    let rows = unit_closure::Entity::find()
        .select_only()
        .column(unit_closure::Column::AncestorId)
        .column_as(member::Column::Id.count(), "n")
        .join(JoinType::InnerJoin, joins::closure_members())
        .filter(unit_closure::Column::AncestorId.is_in(unit_ids.iter().copied()))
        .filter(member::Column::Status.eq("active"))
        .group_by(unit_closure::Column::AncestorId)
        .into_tuple::<(i64, i64)>()
        .all(db)
        .await?;
    Ok(rows.into_iter().collect())
}

/// The tops of a user's scopes (a unit inside another scope is not repeated).
pub async fn roots(db: &DatabaseConnection, user: &SessionUser) -> AppResult<Vec<UnitSummary>> {
    let scopes = user.scope_units();
    let mut tops = Vec::new();
    for &unit_id in &scopes {
        let others: Vec<i64> = scopes.iter().copied().filter(|&s| s != unit_id).collect();
        if !in_any_subtree(db, &others, unit_id).await? {
            tops.push(unit_id);
        }
    }
    let units = unit::Entity::find()
        .filter(unit::Column::Id.is_in(tops))
        .order_by_asc(unit::Column::Depth)
        .order_by_asc(unit::Column::Name)
        .all(db)
        .await?;
    summaries(db, units, false).await
}

pub async fn children(
    db: &DatabaseConnection,
    user: &SessionUser,
    id: i64,
    include_closed: bool,
) -> AppResult<Vec<UnitSummary>> {
    authorize(db, user, Action::ViewUnit(id)).await?;
    let visible_below = user.manages_members() && authorize(db, user, Action::ListMembers(id)).await.is_ok();
    if !visible_below {
        // Plain members see only the path to their own cell, not sibling units.
        return Ok(Vec::new());
    }
    let mut query = unit::Entity::find().filter(unit::Column::ParentId.eq(id));
    if !include_closed {
        query = query.filter(unit::Column::ValidTo.is_null());
    }
    // Creation order is the official listing order (districts first, then the blocs).
    let units = query.order_by_asc(unit::Column::Id).all(db).await?;
    summaries(db, units, include_closed).await
}

pub async fn detail(db: &DatabaseConnection, user: &SessionUser, id: i64, include_closed: bool) -> AppResult<UnitDetail> {
    authorize(db, user, Action::ViewUnit(id)).await?;
    let model = find_unit(db, id).await?;
    let ancestors = unit_closure::Entity::find()
        .select_only()
        .column(unit_closure::Column::AncestorId)
        .filter(unit_closure::Column::DescendantId.eq(id))
        .filter(unit_closure::Column::Depth.gt(0))
        .order_by_desc(unit_closure::Column::Depth)
        .into_tuple::<i64>()
        .all(db)
        .await?;
    let names = crate::auth::service::unit_names(db, ancestors.iter().copied()).await?;
    let path = ancestors
        .into_iter()
        .filter_map(|aid| names.get(&aid).map(|name| UnitRef { id: aid, name: name.clone() }))
        .collect();
    let can_list_members = authorize(db, user, Action::ListMembers(id)).await.is_ok();
    let can_manage = authorize(db, user, Action::ManageUnit(id)).await.is_ok();
    let children = children(db, user, id, include_closed).await?;
    let unit = summaries(db, vec![model], true).await?.remove(0);
    Ok(UnitDetail { unit, path, children, can_list_members, can_manage })
}

/// Codes identify units in imports and pickers: letters, digits, `.`, `-`, `_`.
/// An open unit by the code committees use for it ("PH", "PH.05.03"); the error names the field.
pub async fn find_by_code(db: &impl ConnectionTrait, code: &str) -> AppResult<unit::Model> {
    let code = code.trim().to_uppercase();
    if code.is_empty() {
        return Err(AppError::invalid("unit_code", "Vui lòng nhập mã đơn vị."));
    }
    unit::Entity::find()
        .filter(unit::Column::Code.eq(code.as_str()))
        .filter(unit::Column::ValidTo.is_null())
        .one(db)
        .await?
        .ok_or_else(|| AppError::invalid("unit_code", format!("Không có đơn vị đang hoạt động mã {code}.")))
}

fn valid_code(code: &str) -> bool {
    code.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
}

/// Checks a unit's name and code (format, and that no other unit than `except` uses the code).
async fn check_name_and_code(
    db: &impl ConnectionTrait,
    checks: &mut Checks,
    form: &UnitForm,
    except: Option<i64>,
) -> AppResult<(String, String)> {
    let name = checks.text("name", &form.name, "tên đơn vị", 3, 255);
    let code = checks.text("code", &form.code, "mã đơn vị", 2, 64).to_uppercase();
    if !checks.has("code") && !valid_code(&code) {
        checks.fail("code", "Mã đơn vị chỉ gồm chữ không dấu, số và các dấu . - _");
    }
    if !checks.has("code") {
        let mut query = unit::Entity::find().filter(unit::Column::Code.eq(code.as_str()));
        if let Some(id) = except {
            query = query.filter(unit::Column::Id.ne(id));
        }
        if query.count(db).await? > 0 {
            checks.fail("code", "Mã đơn vị này đã được dùng.");
        }
    }
    Ok((name, code))
}

pub async fn create(db: &DatabaseConnection, user: &SessionUser, parent_id: i64, form: &UnitForm) -> AppResult<i64> {
    authorize(db, user, Action::ManageUnit(parent_id)).await?;
    let parent = find_unit(db, parent_id).await?;
    let mut checks = Checks::new();
    let (name, code) = check_name_and_code(db, &mut checks, form, None).await?;
    let kind = UnitKind::parse(&form.kind);
    match kind {
        None => checks.fail("kind", "Vui lòng chọn loại đơn vị."),
        Some(k) if !kind_of(&parent).allowed_children().contains(&k) => checks.fail(
            "kind",
            format!("Không thể lập {} trực thuộc {}.", k.label().to_lowercase(), kind_of(&parent).label().to_lowercase()),
        ),
        _ => {}
    }
    let valid_from = checks.date("valid_from", &form.valid_from, "ngày thành lập");
    if let Some(from) = valid_from
        && from < parent.valid_from {
            checks.fail("valid_from", "Ngày thành lập không được trước ngày thành lập của đơn vị cấp trên.");
        }
    if parent.valid_to.is_some() {
        checks.fail("form", "Đơn vị cấp trên đã giải thể hoặc sáp nhập, không thể thêm đơn vị trực thuộc.");
    }
    checks.finish()?;
    let (Some(kind), Some(valid_from)) = (kind, valid_from) else {
        return Err(AppError::Internal);
    };
    let txn = db.begin().await?;
    let id = insert_unit(&txn, Some(&parent), kind, &name, &code, valid_from).await?;
    txn.commit().await?;
    Ok(id)
}

/// Inserts a unit and its closure rows (itself, plus every ancestor of the parent).
pub async fn insert_unit(
    db: &impl ConnectionTrait,
    parent: Option<&unit::Model>,
    kind: UnitKind,
    name: &str,
    code: &str,
    valid_from: NaiveDate,
) -> AppResult<i64> {
    let inserted = unit::ActiveModel {
        parent_id: Set(parent.map(|p| p.id)),
        kind: Set(kind.as_str().into()),
        code: Set(code.into()),
        name: Set(name.into()),
        folded_name: Set(fold(name)),
        depth: Set(parent.map(|p| p.depth + 1).unwrap_or(0)),
        valid_from: Set(valid_from),
        valid_to: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    let id = inserted.id;
    unit_closure::ActiveModel { ancestor_id: Set(id), descendant_id: Set(id), depth: Set(0) }
        .insert(db)
        .await?;
    if let Some(parent) = parent {
        let select = Query::select()
            .column(unit_closure::Column::AncestorId)
            .expr(Expr::val(id))
            .expr(Expr::col(unit_closure::Column::Depth).add(1))
            .from(unit_closure::Entity)
            .and_where(Expr::col(unit_closure::Column::DescendantId).eq(parent.id))
            .to_owned();
        let insert = Query::insert()
            .into_table(unit_closure::Entity)
            .columns([unit_closure::Column::AncestorId, unit_closure::Column::DescendantId, unit_closure::Column::Depth])
            .select_from(select)
            .map_err(|e| sea_orm::DbErr::Custom(e.to_string()))?
            .to_owned();
        db.execute(&insert).await?;
    }
    Ok(id)
}

pub async fn update(db: &DatabaseConnection, user: &SessionUser, id: i64, form: &UnitForm) -> AppResult<()> {
    authorize(db, user, Action::ManageUnit(id)).await?;
    let model = find_unit(db, id).await?;
    let mut checks = Checks::new();
    let (name, code) = check_name_and_code(db, &mut checks, form, Some(id)).await?;
    if model.valid_to.is_some() {
        checks.fail("form", "Đơn vị đã đóng; chỉ xem được lịch sử, không sửa được.");
    }
    checks.finish()?;
    let mut active: unit::ActiveModel = model.into();
    active.folded_name = Set(fold(&name));
    active.name = Set(name);
    active.code = Set(code);
    active.update(db).await?;
    Ok(())
}

/// Closes a unit (merge, split or dissolution). Members of a cell move to the successor cell on
/// the same date, positions in the unit end, and nothing is deleted.
pub async fn close(
    db: &DatabaseConnection,
    user: &SessionUser,
    id: i64,
    closed_on: &str,
    successor_code: &str,
) -> AppResult<()> {
    authorize(db, user, Action::ManageUnit(id)).await?;
    let model = find_unit(db, id).await?;
    let mut checks = Checks::new();
    let date = checks.date("closed_on", closed_on, "ngày đóng");
    if model.parent_id.is_none() {
        checks.fail("form", "Không thể đóng đơn vị gốc.");
    }
    if model.valid_to.is_some() {
        checks.fail("form", "Đơn vị này đã đóng từ trước.");
    }
    if let Some(d) = date {
        if d <= model.valid_from {
            checks.fail("closed_on", "Ngày đóng phải sau ngày thành lập.");
        }
        if d > crate::common::time::today() {
            checks.fail("closed_on", "Ngày đóng không được sau hôm nay.");
        }
    }
    let open_children = unit::Entity::find()
        .filter(unit::Column::ParentId.eq(id))
        .filter(unit::Column::ValidTo.is_null())
        .count(db)
        .await?;
    if open_children > 0 {
        checks.fail("form", format!("Còn {open_children} đơn vị trực thuộc đang hoạt động; hãy đóng chúng trước."));
    }
    let active_members = member::Entity::find()
        .filter(member::Column::UnitId.eq(id))
        .filter(member::Column::Status.eq("active"))
        .count(db)
        .await?;
    let successor_code = successor_code.trim().to_uppercase();
    let mut successor = None;
    if active_members > 0 {
        if successor_code.is_empty() {
            checks.fail("successor_code", format!("Chi bộ còn {active_members} đảng viên: nhập mã chi bộ tiếp nhận."));
        } else {
            match unit::Entity::find().filter(unit::Column::Code.eq(successor_code.as_str())).one(db).await? {
                Some(s) if s.id == id => checks.fail("successor_code", "Chi bộ tiếp nhận phải khác chi bộ bị đóng."),
                Some(s) if s.valid_to.is_some() || !kind_of(&s).holds_members() => {
                    checks.fail("successor_code", "Đơn vị tiếp nhận phải là chi bộ đang hoạt động.")
                }
                Some(s) => successor = Some(s),
                None => checks.fail("successor_code", "Không tìm thấy chi bộ có mã này."),
            }
        }
    }
    checks.finish()?;
    let Some(date) = date else { return Err(AppError::Internal) };
    if let Some(target) = &successor {
        authorize(db, user, Action::ManageMembers(target.id)).await?;
    }

    let txn = db.begin().await?;
    if let Some(target) = &successor {
        let reason = format!("Chuyển do {} đóng/sáp nhập", model.name);
        move_members_out(&txn, id, target.id, date, &reason).await?;
    }
    end_positions_in_unit(&txn, id, date).await?;
    let mut active: unit::ActiveModel = model.into();
    active.valid_to = Set(Some(date));
    active.update(&txn).await?;
    txn.commit().await?;
    Ok(())
}

/// Ends every open position held in a unit on `date`.
pub async fn end_positions_in_unit(db: &impl ConnectionTrait, unit_id: i64, date: NaiveDate) -> AppResult<()> {
    position::Entity::update_many()
        .col_expr(position::Column::ToDate, Expr::val(date))
        .filter(position::Column::UnitId.eq(unit_id))
        .filter(position::Column::ToDate.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// Open cells inside the units this user administers whose own or parent's name contains every
/// typed word (at a word start, diacritics ignored), or whose code starts with the text.
pub async fn find_cells(db: &DatabaseConnection, user: &SessionUser, query: &str) -> AppResult<Vec<CellOption>> {
    let admin_roots: Vec<i64> = user.positions.iter().filter(|p| p.role == Role::Admin).map(|p| p.unit_id).collect();
    if admin_roots.is_empty() {
        return Err(AppError::forbidden());
    }
    let folded = fold(query).replace(['%', '_', '\\'], "");
    if folded.chars().count() < 2 || query.chars().count() > 100 {
        return Ok(Vec::new());
    }
    let parent = Alias::new("parent_unit");
    let cell_col = |c: unit::Column| Expr::col((unit::Entity, c));
    let parent_col = |c: unit::Column| Expr::col((parent.clone(), c));
    let word_start = |col: Expr, word: &str| col.clone().like(format!("{word}%")).or(col.like(format!("% {word}%")));
    let mut words = Condition::all();
    for word in folded.split(' ').take(6) {
        words = words.add(word_start(cell_col(unit::Column::FoldedName), word).or(word_start(parent_col(unit::Column::FoldedName), word)));
    }
    let code_prefix = format!("{}%", query.trim().to_uppercase().replace(['%', '_', '\\'], ""));
    let stmt = Query::select()
        .expr_as(cell_col(unit::Column::Code), Alias::new("code"))
        .expr_as(cell_col(unit::Column::Name), Alias::new("name"))
        .expr_as(parent_col(unit::Column::Name), Alias::new("parent_name"))
        .from(unit::Entity)
        .join_as(
            JoinType::InnerJoin,
            unit::Entity,
            parent.clone(),
            parent_col(unit::Column::Id).equals((unit::Entity, unit::Column::ParentId)),
        )
        .join(
            JoinType::InnerJoin,
            unit_closure::Entity,
            Expr::col((unit_closure::Entity, unit_closure::Column::DescendantId)).equals((unit::Entity, unit::Column::Id)),
        )
        .and_where(Expr::col((unit_closure::Entity, unit_closure::Column::AncestorId)).is_in(admin_roots))
        .and_where(cell_col(unit::Column::ValidTo).is_null())
        .and_where(cell_col(unit::Column::Kind).is_in([UnitKind::Cell.as_str(), UnitKind::GrassrootsCell.as_str()]))
        .cond_where(Condition::any().add(words).add(cell_col(unit::Column::Code).like(code_prefix)))
        .order_by((parent.clone(), unit::Column::Name), Order::Asc)
        .order_by((unit::Entity, unit::Column::Id), Order::Asc)
        .limit(20)
        .to_owned();
    let rows = db.query_all(&stmt).await?;
    let mut options = Vec::with_capacity(rows.len());
    for row in rows {
        options.push(CellOption {
            code: row.try_get("", "code")?,
            name: row.try_get("", "name")?,
            parent_name: row.try_get("", "parent_name")?,
        });
    }
    options.dedup();
    Ok(options)
}

/// A unit's open children, and for every unit below them which child it sits under: what a
/// report needs to give one row per child.
pub async fn children_and_their_subtrees(db: &impl ConnectionTrait, unit_id: i64) -> AppResult<(Vec<UnitRef>, HashMap<i64, i64>)> {
    let children: Vec<UnitRef> = unit::Entity::find()
        .select_only()
        .column(unit::Column::Id)
        .column(unit::Column::Name)
        .filter(unit::Column::ParentId.eq(unit_id))
        .filter(unit::Column::ValidTo.is_null())
        .order_by_asc(unit::Column::Id)
        .into_tuple::<(i64, String)>()
        .all(db)
        .await?
        .into_iter()
        .map(|(id, name)| UnitRef { id, name })
        .collect();
    if children.is_empty() {
        return Ok((children, HashMap::new()));
    }
    let child_of = unit_closure::Entity::find()
        .filter(unit_closure::Column::AncestorId.is_in(children.iter().map(|c| c.id)))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.descendant_id, c.ancestor_id))
        .collect();
    Ok((children, child_of))
}
