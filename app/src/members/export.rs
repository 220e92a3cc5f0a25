//! A unit's member list as a spreadsheet, in the import's own columns: a list exported,
//! corrected in Excel and imported again changes exactly what was corrected.

use std::collections::HashMap;

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, JoinType, QueryFilter, QuerySelect};

use super::MemberStatus;
use super::import::TEMPLATE_HEADERS;
use crate::auth::{Role, SessionUser};
use crate::common::rate_limit::{self, Limit};
use crate::auth::service::{Action, authorize};
use crate::db::entities::{joins, member, position, unit, unit_closure};
use sea_orm::sea_query::ExprTrait;
use crate::error::{AppError, AppResult};
use crate::spreadsheet::{Cell, Sheet, text};
use crate::units::UnitKind;
use crate::units::service::{find_unit, kind_of};

/// At most this many members in one file, as the import takes: a whole country's list is
/// exported district by district.
pub const MAX_EXPORT_ROWS: u64 = 200_000;

/// A province's list is a few seconds of the server's work: a member may ask for ten lists in
/// ten minutes.
pub const EXPORTS: Limit = Limit { name: "member-export", calls: 10, window_secs: 600, what: "lần tải danh sách" };

/// The members in office (not those who died, left or moved away) of `unit_id`'s subtree, one row
/// each, sorted by unit path and then by given name; the file's name without its extension.
pub async fn member_list(db: &impl ConnectionTrait, user: &SessionUser, unit_id: i64) -> AppResult<(String, Vec<Sheet>)> {
    authorize(db, user, Action::ListMembers(unit_id)).await?;
    rate_limit::hit(db, &EXPORTS, user.member_id).await?;
    let root = find_unit(db, unit_id).await?;
    let in_office = member::Entity::find()
        .join(JoinType::InnerJoin, joins::member_ancestors())
        .filter(unit_closure::Column::AncestorId.eq(unit_id))
        .filter(member::Column::Status.eq(MemberStatus::Active.as_str()));
    let count = sea_orm::PaginatorTrait::count(in_office.clone(), db).await?;
    if count > MAX_EXPORT_ROWS {
        return Err(AppError::invalid(
            "unit",
            format!("{} có {count} đảng viên, quá {MAX_EXPORT_ROWS} người một tệp: vui lòng tải danh sách của từng đơn vị trực thuộc.", root.name),
        ));
    }
    let members = in_office.all(db).await?;
    let paths = unit_paths(db, &root).await?;
    let roles = cell_roles(db, &paths).await?;
    let empty = EMPTY_PATH;
    let mut rows: Vec<(&[String; 4], &member::Model)> =
        members.iter().map(|m| (paths.get(&m.unit_id).unwrap_or(&empty), m)).collect();
    rows.sort_by(|a, b| a.0.cmp(b.0).then_with(|| a.1.sort_key.cmp(&b.1.sort_key)).then(a.1.id.cmp(&b.1.id)));
    let mut table = Vec::with_capacity(rows.len() + 1);
    table.push(TEMPLATE_HEADERS.iter().map(|h| text(h)).collect());
    table.extend(rows.into_iter().map(|(path, m)| row(path, m, roles.get(&(m.id, m.unit_id)).copied())));
    Ok((format!("danh-sach-dang-vien-{}", root.id), vec![("Danh sách đảng viên", table)]))
}

const EMPTY_PATH: [String; 4] = [String::new(), String::new(), String::new(), String::new()];

/// Who is secretary or deputy secretary of their own cell, among the cells of `paths`: the
/// "Chức vụ đảng" column, which the import reads back.
async fn cell_roles(db: &impl ConnectionTrait, paths: &HashMap<i64, [String; 4]>) -> AppResult<HashMap<(i64, i64), Role>> {
    let units: Vec<i64> = paths.keys().copied().collect();
    let mut roles = HashMap::new();
    for chunk in units.chunks(500) {
        let rows: Vec<(i64, i64, String)> = position::Entity::find()
            .select_only()
            .column(position::Column::MemberId)
            .column(position::Column::UnitId)
            .column(position::Column::Role)
            .filter(position::Column::UnitId.is_in(chunk.iter().copied()))
            .filter(position::Column::Role.is_in([Role::Secretary.as_str(), Role::DeputySecretary.as_str()]))
            .filter(position::Column::ToDate.is_null().or(position::Column::ToDate.gt(crate::common::time::today())))
            .into_tuple()
            .all(db)
            .await?;
        for (member_id, unit_id, role) in rows {
            if let Some(role) = Role::parse(&role) {
                // A secretary who is also listed as deputy is written as secretary.
                let entry = roles.entry((member_id, unit_id)).or_insert(role);
                if role == Role::Secretary {
                    *entry = role;
                }
            }
        }
    }
    Ok(roles)
}

fn row(path: &[String; 4], m: &member::Model, role: Option<Role>) -> Vec<Cell> {
    let mut cells = vec![
        text(&m.full_name),
        Cell::Digits(m.card_no.clone()),
        Cell::Date(m.birth_date),
        text(if m.gender == "nu" { "Nữ" } else { "Nam" }),
        Cell::Digits(m.phone.clone().unwrap_or_default()),
        text(m.email.as_deref().unwrap_or_default()),
        Cell::Date(m.admitted_on),
        m.official_on.map_or_else(|| text(""), Cell::Date),
    ];
    cells.extend(path.iter().map(|name| text(name)));
    cells.push(text(role.map_or("", Role::label)));
    cells
}

/// The import's path columns this kind of unit fills: district-level committee, grassroots
/// organisation, partial committee, cell (a cell directly under a district-level committee is
/// a cell too). The province is above every path.
fn column_of(kind: UnitKind) -> Option<usize> {
    match kind {
        UnitKind::Provincial => None,
        UnitKind::UpperGrassroots => Some(0),
        UnitKind::Grassroots => Some(1),
        UnitKind::Partial => Some(2),
        UnitKind::GrassrootsCell | UnitKind::Cell => Some(3),
    }
}

/// For every unit of the subtree, the names in its path columns from the exported unit down:
/// the import takes the first unit a row names as that unit itself or anywhere beneath the unit
/// imported into, so the file imports back here and at any unit above.
async fn unit_paths(db: &impl ConnectionTrait, root: &unit::Model) -> AppResult<HashMap<i64, [String; 4]>> {
    let below: Vec<unit::Model> = unit::Entity::find()
        .join(JoinType::InnerJoin, unit::Entity::belongs_to(unit_closure::Entity).from(unit::Column::Id).to(unit_closure::Column::DescendantId).into())
        .filter(unit_closure::Column::AncestorId.eq(root.id))
        .all(db)
        .await?;
    // The walk up each path ends at the exported unit: its parent is not among these.
    let by_id: HashMap<i64, &unit::Model> = below.iter().map(|u| (u.id, u)).collect();
    let mut paths = HashMap::with_capacity(below.len());
    for u in &below {
        let mut path = EMPTY_PATH;
        let mut at = Some(u);
        // Parents are followed at most as deep as the tree goes.
        for _ in 0..=by_id.len() {
            let Some(current) = at else { break };
            if let Some(column) = column_of(kind_of(current))
                && path[column].is_empty()
            {
                path[column] = current.name.clone();
            }
            at = current.parent_id.and_then(|p| by_id.get(&p).copied());
        }
        paths.insert(u.id, path);
    }
    Ok(paths)
}
