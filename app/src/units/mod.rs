//! The Party's organisation tree: provincial committee → district/bloc committees →
//! grassroots organisations → cells, with validity periods so reorganisations keep history.

#[cfg(feature = "ssr")]
pub mod service;
mod pages;

pub use pages::{CellCodeInput, UnitPage, UnitTreePage};

use chrono::NaiveDate;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
#[allow(unused_imports)]
use crate::auth::service_call as call;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum UnitKind {
    Provincial,
    UpperGrassroots,
    Grassroots,
    Partial,
    GrassrootsCell,
    Cell,
}

impl UnitKind {
    pub const ALL: [UnitKind; 6] = [
        UnitKind::Provincial,
        UnitKind::UpperGrassroots,
        UnitKind::Grassroots,
        UnitKind::Partial,
        UnitKind::GrassrootsCell,
        UnitKind::Cell,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            UnitKind::Provincial => "provincial",
            UnitKind::UpperGrassroots => "upper_grassroots",
            UnitKind::Grassroots => "grassroots",
            UnitKind::Partial => "partial",
            UnitKind::GrassrootsCell => "grassroots_cell",
            UnitKind::Cell => "cell",
        }
    }

    pub fn parse(value: &str) -> Option<UnitKind> {
        Self::ALL.into_iter().find(|k| k.as_str() == value)
    }

    pub fn label(self) -> &'static str {
        match self {
            UnitKind::Provincial => "Đảng bộ tỉnh",
            UnitKind::UpperGrassroots => "Đảng bộ cấp trên cơ sở",
            UnitKind::Grassroots => "Đảng bộ cơ sở",
            UnitKind::Partial => "Đảng bộ bộ phận",
            UnitKind::GrassrootsCell => "Chi bộ cơ sở",
            UnitKind::Cell => "Chi bộ trực thuộc",
        }
    }

    /// Only cells hold members directly.
    pub fn holds_members(self) -> bool {
        matches!(self, UnitKind::GrassrootsCell | UnitKind::Cell)
    }

    /// Which kinds may be created under this one (Điều lệ Đảng, Chương III).
    pub fn allowed_children(self) -> &'static [UnitKind] {
        match self {
            UnitKind::Provincial => &[UnitKind::UpperGrassroots, UnitKind::Grassroots, UnitKind::GrassrootsCell],
            UnitKind::UpperGrassroots => &[UnitKind::Grassroots, UnitKind::GrassrootsCell],
            UnitKind::Grassroots => &[UnitKind::Partial, UnitKind::Cell],
            UnitKind::Partial => &[UnitKind::Cell],
            UnitKind::GrassrootsCell | UnitKind::Cell => &[],
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitSummary {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub kind: UnitKind,
    pub code: String,
    pub name: String,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
    pub child_count: i64,
    pub member_count: i64,
}

impl UnitSummary {
    pub fn is_open(&self) -> bool {
        self.valid_to.is_none()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitRef {
    pub id: i64,
    pub name: String,
}

/// A cell offered in a picker: administrators type a name, the form receives the code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CellOption {
    pub code: String,
    pub name: String,
    pub parent_name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitDetail {
    pub unit: UnitSummary,
    /// From the root down to the parent, limited to what the viewer may see.
    pub path: Vec<UnitRef>,
    pub children: Vec<UnitSummary>,
    pub can_list_members: bool,
    pub can_manage: bool,
}

/// The units a user starts browsing from: the tops of their scopes.
#[server(endpoint = "unit-roots")]
pub async fn unit_roots() -> Result<Vec<UnitSummary>, AppError> {
    call!(|db, user| service::roots(&db, &user))
}

#[server(endpoint = "get-unit-detail")]
pub async fn get_unit_detail(id: i64, include_closed: bool) -> Result<UnitDetail, AppError> {
    call!(|db, user| service::detail(&db, &user, id, include_closed))
}

#[server(endpoint = "unit-children")]
pub async fn unit_children(id: i64) -> Result<Vec<UnitSummary>, AppError> {
    call!(|db, user| service::children(&db, &user, id, false))
}

/// Form input for creating or editing a unit; strings as typed, validated on the server.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitForm {
    pub kind: String,
    pub name: String,
    pub code: String,
    pub valid_from: String,
}

#[server(endpoint = "create-unit")]
pub async fn create_unit(parent_id: i64, form: UnitForm) -> Result<i64, AppError> {
    call!(|db, user| service::create(&db, &user, parent_id, &form))
}

#[server(endpoint = "update-unit")]
pub async fn update_unit(id: i64, form: UnitForm) -> Result<(), AppError> {
    call!(|db, user| service::update(&db, &user, id, &form))
}

/// Closes a unit on a date; its members move to `successor_code`'s cell on that date.
#[server(endpoint = "close-unit")]
pub async fn close_unit(id: i64, closed_on: String, successor_code: String) -> Result<(), AppError> {
    call!(|db, user| service::close(&db, &user, id, &closed_on, &successor_code))
}

/// Open cells matching a name or code, inside the units the user administers (for pickers).
#[server(endpoint = "find-cells")]
pub async fn find_cells(query: String) -> Result<Vec<CellOption>, AppError> {
    call!(|db, user| service::find_cells(&db, &user, &query))
}
