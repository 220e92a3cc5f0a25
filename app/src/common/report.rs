//! What every report shares: the period it covers and the unit it opens on.

use serde::{Deserialize, Serialize};

/// A year, a quarter or a month, as the report's `ky` parameter spells it: "2026", "2026-Q3",
/// "2026-11".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    pub year: i32,
    pub first_month: u32,
    pub last_month: u32,
}

impl Period {
    pub fn year(year: i32) -> Period {
        Period { year, first_month: 1, last_month: 12 }
    }

    pub fn month(year: i32, month: u32) -> Period {
        Period { year, first_month: month, last_month: month }
    }

    pub fn parse(text: &str) -> Option<Period> {
        let text = text.trim();
        let (year, rest) = text.split_once('-').map_or((text, None), |(y, r)| (y, Some(r)));
        let year: i32 = year.parse().ok().filter(|y| (2000..=2100).contains(y))?;
        match rest {
            None => Some(Period::year(year)),
            Some(q) if q.len() == 2 && (q.starts_with('Q') || q.starts_with('q')) => {
                let quarter: u32 = q[1..].parse().ok().filter(|q| (1..=4).contains(q))?;
                Some(Period { year, first_month: quarter * 3 - 2, last_month: quarter * 3 })
            }
            Some(m) => m.parse().ok().filter(|m| (1..=12).contains(m)).map(|m| Period::month(year, m)),
        }
    }

    pub fn code(&self) -> String {
        match (self.first_month, self.last_month) {
            (1, 12) => self.year.to_string(),
            (f, l) if f == l => format!("{}-{:02}", self.year, f),
            (f, _) => format!("{}-Q{}", self.year, f.div_ceil(3)),
        }
    }

    pub fn label(&self) -> String {
        match (self.first_month, self.last_month) {
            (1, 12) => format!("Năm {}", self.year),
            (f, l) if f == l => format!("Tháng {f}/{}", self.year),
            (f, _) => format!("Quý {}/{}", ROMAN[(f.div_ceil(3) - 1) as usize], self.year),
        }
    }

    pub fn is_year(&self) -> bool {
        self.first_month == 1 && self.last_month == 12
    }

    pub fn contains(&self, month: u32) -> bool {
        (self.first_month..=self.last_month).contains(&month)
    }

    /// The periods a report page offers: the year, its quarters and its months.
    pub fn choices(year: i32) -> Vec<Period> {
        let mut all = vec![Period::year(year)];
        all.extend((1..=4).map(|q| Period { year, first_month: q * 3 - 2, last_month: q * 3 }));
        all.extend((1..=12).map(|m| Period::month(year, m)));
        all
    }
}

const ROMAN: [&str; 4] = ["I", "II", "III", "IV"];

#[cfg(feature = "ssr")]
pub use server::*;

#[cfg(feature = "ssr")]
mod server {
    use chrono::Datelike;
    use sea_orm::ConnectionTrait;

    use super::Period;
    use crate::auth::SessionUser;
    use crate::auth::service::{Action, authorize, in_any_subtree};
    use crate::error::{AppError, AppResult};

    /// The `ky` parameter, or the current year when it is missing.
    pub fn period_or_default(text: Option<&str>) -> AppResult<Period> {
        match text.map(str::trim).filter(|t| !t.is_empty()) {
            Some(t) => Period::parse(t).ok_or_else(|| AppError::invalid("ky", "Kỳ báo cáo không hợp lệ (ví dụ: 2026, 2026-Q3, 2026-11).")),
            None => Ok(Period::year(crate::common::time::today().year())),
        }
    }

    /// The unit a user's reports open on: their committee's unit, else their own cell.
    pub fn default_unit(user: &SessionUser) -> i64 {
        user.committee_scopes().first().copied().unwrap_or(user.cell_id)
    }

    /// The part of a report about `within` (a campaign's or a report's whole unit) that this
    /// viewer may see: the whole when they may, else their own highest unit inside it — a
    /// district committee member opening the province's reading campaign sees their district.
    pub async fn viewers_part(db: &impl ConnectionTrait, user: &SessionUser, within: i64) -> AppResult<i64> {
        if authorize(db, user, Action::ListMembers(within)).await.is_ok() {
            return Ok(within);
        }
        let mut inside = Vec::new();
        for unit in user.scope_units() {
            if in_any_subtree(db, &[within], unit).await? && authorize(db, user, Action::ListMembers(unit)).await.is_ok() {
                inside.push(unit);
            }
        }
        // The highest of them: the one no other of them contains.
        for &unit in &inside {
            let others: Vec<i64> = inside.iter().copied().filter(|u| *u != unit).collect();
            if !in_any_subtree(db, &others, unit).await? {
                return Ok(unit);
            }
        }
        Err(AppError::forbidden())
    }
}
