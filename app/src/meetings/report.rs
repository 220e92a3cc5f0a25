//! Meeting reports per unit and period: meetings held against what the guidance requires (a
//! regular meeting every month, a thematic one every quarter), attendance, scores and their
//! classification, missing minutes, documents posted late, the year's verdict per cell, and
//! month-by-month trends. The arithmetic is pure (`tally`) so it is tested without a database.

use serde::{Deserialize, Serialize};

use super::rubric::{KEM, KHA, TOT, TRUNG_BINH};
use crate::common::report::Period;
use crate::units::UnitRef;

/// Everything counted for a unit over a period. Sums, so a district's figures are its cells'.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeetingStats {
    pub cells: i64,
    /// Cell-months that have begun, each owing a regular meeting.
    pub regular_due: i64,
    /// Cell-months with a regular meeting held.
    pub regular_held: i64,
    /// Cell-months that are over without a regular meeting.
    pub regular_missing: i64,
    /// Cell-quarters that have begun, each owing a thematic meeting.
    pub thematic_due: i64,
    pub thematic_held: i64,
    pub thematic_missing: i64,
    /// Meetings held (regular and thematic).
    pub held: i64,
    /// Attendance summed over the meetings held.
    pub expected: i64,
    pub attended: i64,
    pub unexcused: i64,
    pub scored: i64,
    pub score_sum_tenths: i64,
    /// Tốt, Khá, Trung bình, Kém.
    pub classes: [i64; 4],
    /// Held but not scored yet.
    pub unscored: i64,
    /// Scored but not yet approved by the committee above.
    pub awaiting_review: i64,
    /// Held without approved minutes.
    pub minutes_missing: i64,
    /// Held with no document posted, or posted less than a day before.
    pub documents_late: i64,
    /// Score histogram: < 50, 50–59, 60–69, 70–79, 80–89, ≥ 90.
    pub histogram: [i64; 6],
    pub ratings: i64,
    pub rating_star_sum: i64,
}

impl MeetingStats {
    pub fn add(&mut self, other: &MeetingStats) {
        self.cells += other.cells;
        self.regular_due += other.regular_due;
        self.regular_held += other.regular_held;
        self.regular_missing += other.regular_missing;
        self.thematic_due += other.thematic_due;
        self.thematic_held += other.thematic_held;
        self.thematic_missing += other.thematic_missing;
        self.held += other.held;
        self.expected += other.expected;
        self.attended += other.attended;
        self.unexcused += other.unexcused;
        self.scored += other.scored;
        self.score_sum_tenths += other.score_sum_tenths;
        self.unscored += other.unscored;
        self.awaiting_review += other.awaiting_review;
        self.minutes_missing += other.minutes_missing;
        self.documents_late += other.documents_late;
        self.ratings += other.ratings;
        self.rating_star_sum += other.rating_star_sum;
        for i in 0..4 {
            self.classes[i] += other.classes[i];
        }
        for i in 0..6 {
            self.histogram[i] += other.histogram[i];
        }
    }

    /// Attendance in tenths of a percent, `None` before any meeting.
    pub fn attendance_permille(&self) -> Option<i64> {
        (self.expected > 0).then(|| self.attended * 1000 / self.expected)
    }

    /// Average score in tenths of a point.
    pub fn average_tenths(&self) -> Option<i64> {
        (self.scored > 0).then(|| self.score_sum_tenths / self.scored)
    }

    /// Regular meetings held per month due, in tenths of a percent.
    pub fn regular_permille(&self) -> Option<i64> {
        (self.regular_due > 0).then(|| self.regular_held.min(self.regular_due) * 1000 / self.regular_due)
    }

    pub fn average_rating_tenths(&self) -> Option<i64> {
        (self.ratings > 0).then(|| self.rating_star_sum * 10 / self.ratings)
    }
}

pub const CLASS_LABELS: [(&str, &str); 4] = [(TOT, "Tốt"), (KHA, "Khá"), (TRUNG_BINH, "Trung bình"), (KEM, "Kém")];
pub const HISTOGRAM_LABELS: [&str; 6] = ["< 50", "50–59", "60–69", "70–79", "80–89", "≥ 90"];

/// One row of a report table: a child unit (or a cell) with its figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitStats {
    pub unit: UnitRef,
    pub stats: MeetingStats,
}

/// A cell behind on what the guidance asks, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LaggingCell {
    pub cell: UnitRef,
    /// Its district or organisation, to find it.
    pub parent: String,
    pub regular_missing: i64,
    pub thematic_missing: i64,
    pub minutes_missing: i64,
    pub documents_late: i64,
}

/// The year's verdict for one cell by the "Tốt" rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CellYear {
    pub cell: UnitRef,
    pub parent: String,
    pub months_with_regular: i64,
    pub tot: i64,
    pub kha: i64,
    pub below_kha: i64,
    pub unscored: i64,
    pub is_tot: bool,
    pub reason: String,
}

/// One month of the trend charts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthPoint {
    pub month: u32,
    /// Share of cells that held their regular meeting, ‰.
    pub regular_permille: Option<i64>,
    pub attendance_permille: Option<i64>,
    pub average_tenths: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeetingReport {
    pub unit: UnitRef,
    pub period: Period,
    /// The year is still running: figures are provisional.
    pub provisional: bool,
    pub totals: MeetingStats,
    /// One row per child unit (empty for a cell).
    pub rows: Vec<UnitStats>,
    /// Cells behind, worst first (capped for the page; complete in the export).
    pub lagging: Vec<LaggingCell>,
    pub lagging_total: usize,
    /// The year's verdict per cell, for yearly periods (capped for the page).
    pub years: Vec<CellYear>,
    pub years_total: usize,
    pub years_tot: usize,
    /// The months of the period's year so far.
    pub trend: Vec<MonthPoint>,
    /// For a cell: its meetings in the period.
    pub meetings: Vec<super::MeetingSummary>,
    /// Years offered by the period picker, newest first.
    pub years_available: Vec<i32>,
    /// The reader administers this unit and may set its scoring rubric.
    pub can_edit_rubric: bool,
}

/// What the report reads about one meeting; built from the database, tallied without it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeetingFact {
    pub cell_id: i64,
    /// Month in Vietnam time, 1–12, within the report's year.
    pub month: u32,
    pub regular: bool,
    /// A thematic meeting, or a regular one that also held the thematic.
    pub thematic: bool,
    pub held: bool,
    pub status: String,
    pub total_tenths: Option<i32>,
    pub classification: Option<String>,
    pub minutes_approved: bool,
    pub expected: i64,
    pub attended: i64,
    pub unexcused: i64,
    /// `None` when no document was posted; `Some(true)` when all were posted a day ahead.
    pub documents_early: Option<bool>,
    pub ratings: i64,
    pub rating_star_sum: i64,
}

/// A cell's life span, to count only months in which it existed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CellSpan {
    /// First month (year, month) the cell existed.
    pub from: (i32, u32),
    /// Last month it existed, if closed.
    pub to: Option<(i32, u32)>,
}

impl CellSpan {
    fn covers(&self, year: i32, month: u32) -> bool {
        (year, month) >= self.from && self.to.is_none_or(|to| (year, month) <= to)
    }
}

/// One cell's figures over `period`, given its meetings in the period's year and today's
/// (year, month) in Vietnam.
pub fn tally(period: &Period, today: (i32, u32), span: CellSpan, meetings: &[&MeetingFact]) -> MeetingStats {
    let mut s = MeetingStats { cells: 1, ..Default::default() };
    let year = period.year;
    let begun = |m: u32| (year, m) <= today;
    let ended = |m: u32| (year, m) < today;
    for month in period.first_month..=period.last_month {
        if !span.covers(year, month) || !begun(month) {
            continue;
        }
        s.regular_due += 1;
        let held = meetings.iter().any(|f| f.held && f.regular && f.month == month);
        if held {
            s.regular_held += 1;
        } else if ended(month) {
            s.regular_missing += 1;
        }
    }
    // Quarters wholly inside the period.
    for quarter in 1..=4u32 {
        let (first, last) = (quarter * 3 - 2, quarter * 3);
        let owed = (first..=last).any(|m| begun(m) && span.covers(year, m));
        if first < period.first_month || last > period.last_month || !owed {
            continue;
        }
        s.thematic_due += 1;
        let held = meetings.iter().any(|f| f.held && f.thematic && (first..=last).contains(&f.month));
        if held {
            s.thematic_held += 1;
        } else if ended(last) {
            s.thematic_missing += 1;
        }
    }
    for f in meetings.iter().filter(|f| f.held && period.contains(f.month)) {
        s.held += 1;
        s.expected += f.expected;
        s.attended += f.attended;
        s.unexcused += f.unexcused;
        s.ratings += f.ratings;
        s.rating_star_sum += f.rating_star_sum;
        if !f.minutes_approved {
            s.minutes_missing += 1;
        }
        if f.documents_early != Some(true) {
            s.documents_late += 1;
        }
        match (f.total_tenths, f.classification.as_deref()) {
            (Some(total), Some(class)) => {
                s.scored += 1;
                s.score_sum_tenths += i64::from(total);
                if let Some(i) = CLASS_LABELS.iter().position(|(c, _)| *c == class) {
                    s.classes[i] += 1;
                }
                s.histogram[histogram_bucket(total)] += 1;
                if f.status == "scored" {
                    s.awaiting_review += 1;
                }
            }
            _ => s.unscored += 1,
        }
    }
    s
}

fn histogram_bucket(total_tenths: i32) -> usize {
    match total_tenths {
        t if t < 500 => 0,
        t if t >= 900 => 5,
        t => ((t - 500) / 100 + 1) as usize,
    }
}

/// The year's verdict for one cell, from its regular meetings of the year.
pub fn cell_year(cell: UnitRef, parent: String, meetings: &[&MeetingFact]) -> CellYear {
    let regular: Vec<&&MeetingFact> = meetings.iter().filter(|f| f.held && f.regular).collect();
    let mut months: Vec<u32> = regular.iter().map(|f| f.month).collect();
    months.sort_unstable();
    months.dedup();
    let classes: Vec<&str> = regular.iter().filter_map(|f| f.classification.as_deref()).collect();
    let unscored = regular.iter().filter(|f| f.classification.is_none()).count() as i64;
    let (mut is_tot, mut reason) = super::rubric::yearly_tot(&classes, months.len());
    if is_tot && unscored > 0 {
        is_tot = false;
        reason = format!("Còn {unscored} buổi thường kỳ chưa chấm điểm.");
    }
    CellYear {
        cell,
        parent,
        months_with_regular: months.len() as i64,
        tot: classes.iter().filter(|c| **c == TOT).count() as i64,
        kha: classes.iter().filter(|c| **c == KHA).count() as i64,
        below_kha: classes.iter().filter(|c| **c != TOT && **c != KHA).count() as i64,
        unscored,
        is_tot,
        reason,
    }
}

/// Worst first: missing meetings and minutes weigh more than late documents.
pub fn lagging_order(a: &LaggingCell, b: &LaggingCell) -> std::cmp::Ordering {
    let weight = |c: &LaggingCell| (c.regular_missing + c.thematic_missing + c.minutes_missing, c.documents_late);
    weight(b).cmp(&weight(a)).then_with(|| a.cell.name.cmp(&b.cell.name))
}

#[cfg(feature = "ssr")]
pub mod service {
    //! Loading a report: five grouped queries over the unit's subtree for the period's year, then
    //! `tally` per cell in memory (a province of ~1,300 cells has ~20,000 meetings a year).

    use std::collections::HashMap;

    use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
    use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, JoinType, QueryFilter, QueryOrder, QuerySelect};

    use super::*;
    use crate::auth::SessionUser;
    use crate::auth::service::{Action, authorize, unit_names};
    use crate::db::entities::{joins, meeting, meeting_document, meeting_rating, unit, unit_closure};
    use crate::error::{AppError, AppResult};
    use crate::units::UnitKind;
    use crate::units::service::find_unit;

    const VIETNAM_OFFSET_HOURS: i64 = 7;
    /// Rows a page shows; exports get everything.
    pub const PAGE_CAP: usize = 100;

    use crate::common::time::today;

    fn local_month(at: DateTime<Utc>) -> (i32, u32) {
        let local = at + Duration::hours(VIETNAM_OFFSET_HOURS);
        (local.year(), local.month())
    }

    /// Midnight of 1 January in Vietnam, as UTC.
    fn year_start(year: i32) -> AppResult<DateTime<Utc>> {
        let date = NaiveDate::from_ymd_opt(year, 1, 1).ok_or_else(|| AppError::invalid("ky", "Kỳ báo cáo không hợp lệ."))?;
        Ok(date.and_hms_opt(0, 0, 0).ok_or(AppError::Internal)?.and_utc() - Duration::hours(VIETNAM_OFFSET_HOURS))
    }

    struct Cell {
        id: i64,
        name: String,
        parent_id: Option<i64>,
        span: CellSpan,
    }

    /// The report for `unit_id` over `period`; `cap` limits the per-cell lists (pages), `None`
    /// keeps them whole (exports).
    pub async fn report(
        db: &impl ConnectionTrait,
        user: &SessionUser,
        unit_id: i64,
        period: Period,
        cap: Option<usize>,
    ) -> AppResult<MeetingReport> {
        authorize(db, user, Action::ViewMeetingReport(unit_id)).await?;
        let unit = find_unit(db, unit_id).await?;
        let today = today();
        let today_ym = (today.year(), today.month());
        if (period.year, period.first_month) > today_ym {
            return Err(AppError::invalid("ky", "Kỳ báo cáo chưa bắt đầu."));
        }
        let (from, to) = (year_start(period.year)?, year_start(period.year + 1)?);
        let cells = cells_in(db, unit_id, period.year).await?;
        let facts = meeting_facts(db, unit_id, from, to).await?;
        let mut by_cell: HashMap<i64, Vec<&MeetingFact>> = HashMap::new();
        for f in &facts {
            by_cell.entry(f.cell_id).or_default().push(f);
        }
        let (children, child_of) = crate::units::service::children_and_their_subtrees(db, unit_id).await?;
        let parents = unit_names(db, cells.iter().filter_map(|c| c.parent_id)).await?;
        let parent_name = |c: &Cell| c.parent_id.and_then(|p| parents.get(&p).cloned()).unwrap_or_default();

        let mut totals = MeetingStats::default();
        let mut per_child: HashMap<i64, MeetingStats> = HashMap::new();
        let mut lagging = Vec::new();
        let mut years = Vec::new();
        let mut monthly: Vec<MeetingStats> = vec![MeetingStats::default(); 12];
        let empty = Vec::new();
        for cell in &cells {
            let meetings = by_cell.get(&cell.id).unwrap_or(&empty);
            let stats = tally(&period, today_ym, cell.span, meetings);
            totals.add(&stats);
            if let Some(child) = child_of.get(&cell.id) {
                per_child.entry(*child).or_default().add(&stats);
            }
            if stats.regular_missing + stats.thematic_missing + stats.minutes_missing + stats.documents_late > 0 {
                lagging.push(LaggingCell {
                    cell: UnitRef { id: cell.id, name: cell.name.clone() },
                    parent: parent_name(cell),
                    regular_missing: stats.regular_missing,
                    thematic_missing: stats.thematic_missing,
                    minutes_missing: stats.minutes_missing,
                    documents_late: stats.documents_late,
                });
            }
            if period.is_year() {
                years.push(cell_year(UnitRef { id: cell.id, name: cell.name.clone() }, parent_name(cell), meetings));
            }
            for (i, month_stats) in monthly.iter_mut().enumerate() {
                month_stats.add(&tally(&Period::month(period.year, i as u32 + 1), today_ym, cell.span, meetings));
            }
        }
        lagging.sort_by(lagging_order);
        years.sort_by(|a, b| b.is_tot.cmp(&a.is_tot).then_with(|| b.tot.cmp(&a.tot)).then_with(|| a.cell.name.cmp(&b.cell.name)));
        let (lagging_total, years_total) = (lagging.len(), years.len());
        let years_tot = years.iter().filter(|y| y.is_tot).count();
        if let Some(cap) = cap {
            lagging.truncate(cap);
            years.truncate(cap);
        }
        let trend = monthly
            .iter()
            .enumerate()
            .filter(|(i, _)| (period.year, *i as u32 + 1) <= today_ym)
            .map(|(i, s)| MonthPoint {
                month: i as u32 + 1,
                // A month still running would show as a collapse; its share counts once it ends.
                regular_permille: if (period.year, i as u32 + 1) < today_ym { s.regular_permille() } else { None },
                attendance_permille: s.attendance_permille(),
                average_tenths: s.average_tenths(),
            })
            .collect();
        let rows = children
            .into_iter()
            .filter_map(|c| per_child.remove(&c.id).map(|stats| UnitStats { unit: UnitRef { id: c.id, name: c.name }, stats }))
            .collect();
        let holds_members = crate::units::service::kind_of(&unit).holds_members();
        let meetings = if holds_members { cell_meetings(db, unit_id, &unit.name, period, from, to).await? } else { Vec::new() };
        Ok(MeetingReport {
            unit: UnitRef { id: unit.id, name: unit.name },
            period,
            provisional: (period.year, period.last_month) >= today_ym,
            totals,
            rows,
            lagging,
            lagging_total,
            years,
            years_total,
            years_tot,
            trend,
            meetings,
            years_available: (0..3).map(|back| today.year() - back).collect(),
            can_edit_rubric: authorize(db, user, Action::ManageUnit(unit_id)).await.is_ok(),
        })
    }

    /// Cells of the subtree that existed at some time in `year`.
    async fn cells_in(db: &impl ConnectionTrait, unit_id: i64, year: i32) -> AppResult<Vec<Cell>> {
        let first = NaiveDate::from_ymd_opt(year, 1, 1).ok_or(AppError::Internal)?;
        let last = NaiveDate::from_ymd_opt(year, 12, 31).ok_or(AppError::Internal)?;
        /// id, name, parent, valid from, valid to.
        type CellRow = (i64, String, Option<i64>, NaiveDate, Option<NaiveDate>);
        let rows: Vec<CellRow> = unit::Entity::find()
            .select_only()
            .column(unit::Column::Id)
            .column(unit::Column::Name)
            .column(unit::Column::ParentId)
            .column(unit::Column::ValidFrom)
            .column(unit::Column::ValidTo)
            .join(JoinType::InnerJoin, joins::unit_ancestors())
            .filter(unit_closure::Column::AncestorId.eq(unit_id))
            .filter(unit::Column::Kind.is_in([UnitKind::Cell.as_str(), UnitKind::GrassrootsCell.as_str()]))
            .filter(unit::Column::ValidFrom.lte(last))
            .filter(Condition::any().add(unit::Column::ValidTo.is_null()).add(unit::Column::ValidTo.gte(first)))
            .order_by_asc(unit::Column::Id)
            .into_tuple()
            .all(db)
            .await?;
        Ok(rows
            .into_iter()
            .map(|(id, name, parent_id, valid_from, valid_to)| Cell {
                id,
                name,
                parent_id,
                span: CellSpan { from: (valid_from.year(), valid_from.month()), to: valid_to.map(|d| (d.year(), d.month())) },
            })
            .collect())
    }

    /// The columns of a meeting a report reads.
    #[derive(Debug, sea_orm::FromQueryResult)]
    struct MeetingRow {
        id: i64,
        unit_id: i64,
        kind: String,
        with_thematic: bool,
        starts_at: DateTime<Utc>,
        status: String,
        total_tenths: Option<i32>,
        classification: Option<String>,
        minutes_approved_at: Option<DateTime<Utc>>,
        expected_count: i32,
        attended_count: i32,
        unexcused_count: i32,
    }

    /// Every meeting of the subtree in [from, to), with its attendance, documents and ratings.
    async fn meeting_facts(
        db: &impl ConnectionTrait,
        unit_id: i64,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> AppResult<Vec<MeetingFact>> {
        let in_scope = || {
            Condition::all()
                .add(unit_closure::Column::AncestorId.eq(unit_id))
                .add(meeting::Column::StartsAt.gte(from))
                .add(meeting::Column::StartsAt.lt(to))
        };
        let meetings: Vec<MeetingRow> = meeting::Entity::find()
            .select_only()
            .columns([
                meeting::Column::Id,
                meeting::Column::UnitId,
                meeting::Column::Kind,
                meeting::Column::WithThematic,
                meeting::Column::StartsAt,
                meeting::Column::Status,
                meeting::Column::TotalTenths,
                meeting::Column::Classification,
                meeting::Column::MinutesApprovedAt,
                meeting::Column::ExpectedCount,
                meeting::Column::AttendedCount,
                meeting::Column::UnexcusedCount,
            ])
            .join(JoinType::InnerJoin, joins::meeting_ancestors())
            .filter(in_scope())
            .into_model()
            .all(db)
            .await?;
        let documents: Vec<(i64, DateTime<Utc>)> = meeting_document::Entity::find()
            .select_only()
            .column(meeting_document::Column::MeetingId)
            .column(meeting_document::Column::PostedAt)
            .join(JoinType::InnerJoin, joins::meeting_document_meeting())
            .join(JoinType::InnerJoin, joins::meeting_ancestors())
            .filter(in_scope())
            .into_tuple()
            .all(db)
            .await?;
        let ratings: Vec<(i64, i64, i64)> = meeting_rating::Entity::find()
            .select_only()
            .column(meeting_rating::Column::MeetingId)
            .column_as(meeting_rating::Column::Id.count(), "n")
            .column_as(meeting_rating::Column::Stars.sum(), "stars")
            .join(JoinType::InnerJoin, joins::rating_meeting())
            .join(JoinType::InnerJoin, joins::meeting_ancestors())
            .filter(in_scope())
            .group_by(meeting_rating::Column::MeetingId)
            .into_tuple()
            .all(db)
            .await?;
        let mut posted: HashMap<i64, Vec<DateTime<Utc>>> = HashMap::new();
        for (id, at) in documents {
            posted.entry(id).or_default().push(at);
        }
        // A meeting's ratings count only once enough members rated it: a report for one cell and
        // one month must not show what a single member gave.
        let rated: HashMap<i64, (i64, i64)> = ratings
            .into_iter()
            .filter(|(_, n, _)| *n >= crate::meetings::MIN_RATINGS_SHOWN)
            .map(|(id, n, stars)| (id, (n, stars)))
            .collect();
        Ok(meetings
            .into_iter()
            .map(|m| {
                let documents_early = posted.get(&m.id).map(|at| at.iter().all(|p| *p <= m.starts_at - Duration::days(1)));
                let (ratings, rating_star_sum) = rated.get(&m.id).copied().unwrap_or_default();
                MeetingFact {
                    cell_id: m.unit_id,
                    month: local_month(m.starts_at).1,
                    regular: m.kind == "regular",
                    thematic: m.kind == "thematic" || m.with_thematic,
                    held: m.status != "planned",
                    status: m.status.clone(),
                    total_tenths: m.total_tenths,
                    classification: m.classification.clone(),
                    minutes_approved: m.minutes_approved_at.is_some(),
                    expected: i64::from(m.expected_count),
                    attended: i64::from(m.attended_count),
                    unexcused: i64::from(m.unexcused_count),
                    documents_early,
                    ratings,
                    rating_star_sum,
                }
            })
            .collect())
    }

    /// The report as spreadsheet tables: summary per unit, cells behind, the year's verdicts,
    /// months, and the score distribution.
    pub fn sheets(r: &MeetingReport) -> Vec<crate::spreadsheet::Sheet> {
        use crate::spreadsheet::{Cell, text};
        let optional = |v: Option<i64>| v.map_or(text(""), Cell::Tenths);
        let stats_cells = |name: &str, s: &MeetingStats| {
            let mut row = vec![
                text(name),
                Cell::Number(s.cells),
                Cell::Number(s.regular_held),
                Cell::Number(s.regular_due),
                Cell::Number(s.regular_missing),
                Cell::Number(s.thematic_held),
                Cell::Number(s.thematic_due),
                Cell::Number(s.thematic_missing),
                Cell::Number(s.held),
                optional(s.attendance_permille()),
                Cell::Number(s.unexcused),
                optional(s.average_tenths()),
            ];
            row.extend(s.classes.iter().map(|c| Cell::Number(*c)));
            row.extend([
                Cell::Number(s.unscored),
                Cell::Number(s.awaiting_review),
                Cell::Number(s.minutes_missing),
                Cell::Number(s.documents_late),
                Cell::Number(s.ratings),
                optional(s.average_rating_tenths()),
            ]);
            row
        };
        let header: Vec<Cell> = [
            "Đơn vị", "Số chi bộ", "SH thường kỳ: tháng đã họp", "Tháng đến hạn", "Tháng bỏ họp", "SH chuyên đề: quý đã họp",
            "Quý đến hạn", "Quý thiếu", "Số buổi đã họp", "Tỷ lệ dự họp (%)", "Vắng không lý do (lượt)", "Điểm bình quân",
            "Tốt", "Khá", "Trung bình", "Kém", "Chưa chấm", "Chờ cấp trên duyệt", "Thiếu biên bản", "Tài liệu đăng muộn",
            "Lượt đánh giá ẩn danh", "Sao bình quân",
        ]
        .iter()
        .map(|h| text(h))
        .collect();
        let mut summary = vec![
            vec![text("Báo cáo sinh hoạt chi bộ"), text(&r.unit.name)],
            vec![text("Kỳ báo cáo"), text(&r.period.label()), text(if r.provisional { "Số liệu tạm tính (kỳ chưa kết thúc)" } else { "" })],
            vec![],
            header,
        ];
        summary.extend(r.rows.iter().map(|row| stats_cells(&row.unit.name, &row.stats)));
        summary.push(stats_cells("Tổng cộng", &r.totals));
        let mut lagging = vec![
            ["Chi bộ", "Trực thuộc", "Tháng bỏ họp thường kỳ", "Quý thiếu chuyên đề", "Buổi thiếu biên bản", "Buổi đăng tài liệu muộn"]
                .iter()
                .map(|h| text(h))
                .collect::<Vec<_>>(),
        ];
        lagging.extend(r.lagging.iter().map(|l| {
            vec![
                text(&l.cell.name),
                text(&l.parent),
                Cell::Number(l.regular_missing),
                Cell::Number(l.thematic_missing),
                Cell::Number(l.minutes_missing),
                Cell::Number(l.documents_late),
            ]
        }));
        let mut months = vec![vec![text("Tháng"), text("Chi bộ đã SH thường kỳ (%)"), text("Tỷ lệ dự họp (%)"), text("Điểm bình quân")]];
        months.extend(r.trend.iter().map(|p| {
            vec![Cell::Number(i64::from(p.month)), optional(p.regular_permille), optional(p.attendance_permille), optional(p.average_tenths)]
        }));
        let mut scores = vec![vec![text("Điểm"), text("Số buổi")]];
        scores.extend(HISTOGRAM_LABELS.iter().zip(r.totals.histogram).map(|(l, n)| vec![text(l), Cell::Number(n)]));
        scores.push(vec![]);
        scores.push(vec![text("Xếp loại"), text("Số buổi")]);
        scores.extend(CLASS_LABELS.iter().zip(r.totals.classes).map(|((_, l), n)| vec![text(l), Cell::Number(n)]));
        let mut sheets = vec![("Tổng hợp", summary), ("Chi bộ chưa đạt yêu cầu", lagging)];
        if r.period.is_year() {
            let mut years = vec![
                ["Chi bộ", "Trực thuộc", "Số tháng có SH thường kỳ", "Tốt", "Khá", "Dưới Khá", "Chưa chấm", "Kết quả năm", "Lý do"]
                    .iter()
                    .map(|h| text(h))
                    .collect::<Vec<_>>(),
            ];
            years.extend(r.years.iter().map(|y| {
                vec![
                    text(&y.cell.name),
                    text(&y.parent),
                    Cell::Number(y.months_with_regular),
                    Cell::Number(y.tot),
                    Cell::Number(y.kha),
                    Cell::Number(y.below_kha),
                    Cell::Number(y.unscored),
                    text(if y.is_tot { "Tốt" } else { "Chưa đạt Tốt" }),
                    text(&y.reason),
                ]
            }));
            sheets.push(("Xếp loại năm", years));
        }
        sheets.push(("Theo tháng", months));
        sheets.push(("Phân bố điểm", scores));
        sheets
    }

    /// A cell's own meetings in the period, for its report page.
    async fn cell_meetings(
        db: &impl ConnectionTrait,
        cell_id: i64,
        cell_name: &str,
        period: Period,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> AppResult<Vec<crate::meetings::MeetingSummary>> {
        let rows = meeting::Entity::find()
            .filter(meeting::Column::UnitId.eq(cell_id))
            .filter(meeting::Column::StartsAt.gte(from))
            .filter(meeting::Column::StartsAt.lt(to))
            .order_by_asc(meeting::Column::StartsAt)
            .all(db)
            .await?;
        Ok(rows
            .iter()
            .filter(|m| period.contains(local_month(m.starts_at).1))
            .map(|m| crate::meetings::service::summary(m, cell_name.to_string()))
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fact(month: u32, regular: bool, total: Option<i32>, class: Option<&str>) -> MeetingFact {
        MeetingFact {
            cell_id: 1,
            month,
            regular,
            thematic: !regular,
            held: true,
            status: "approved".into(),
            total_tenths: total,
            classification: class.map(str::to_string),
            minutes_approved: true,
            expected: 20,
            attended: 18,
            unexcused: 0,
            documents_early: Some(true),
            ratings: 0,
            rating_star_sum: 0,
        }
    }

    const ALWAYS: CellSpan = CellSpan { from: (2000, 1), to: None };

    #[test]
    fn periods_parse_and_print() {
        assert_eq!(Period::parse("2026"), Some(Period::year(2026)));
        assert_eq!(Period::parse("2026-Q3"), Some(Period { year: 2026, first_month: 7, last_month: 9 }));
        assert_eq!(Period::parse("2026-11"), Some(Period::month(2026, 11)));
        assert_eq!([Period::parse("2026-13"), Period::parse("2026-Q5"), Period::parse("abc"), Period::parse("1999")], [None, None, None, None]);
        assert_eq!(Period::parse("2026-Q4").map(|p| p.label()), Some("Quý IV/2026".into()));
        assert_eq!(Period::parse("2026-03").map(|p| (p.code(), p.label())), Some(("2026-03".into(), "Tháng 3/2026".into())));
        assert_eq!(Period::year(2026).label(), "Năm 2026");
        assert_eq!(Period::choices(2026).len(), 17);
    }

    #[test]
    fn months_due_missing_and_held() {
        // Today is 24 November 2026: January–October are over, November has begun.
        let year = Period::year(2026);
        let mut meetings: Vec<MeetingFact> = (1..=9).map(|m| fact(m, true, Some(920), Some(TOT))).collect();
        meetings.push(fact(11, true, Some(750), Some(KHA)));
        meetings.push(fact(3, false, Some(880), Some(KHA)));
        let refs: Vec<&MeetingFact> = meetings.iter().collect();
        let s = tally(&year, (2026, 11), ALWAYS, &refs);
        assert_eq!((s.regular_due, s.regular_held, s.regular_missing), (11, 10, 1), "October is missing; November still open");
        // Q1 held; Q2 and Q3 over without; Q4 has begun but is not over.
        assert_eq!((s.thematic_due, s.thematic_held, s.thematic_missing), (4, 1, 2));
        assert_eq!(s.held, 11);
        assert_eq!(s.classes, [9, 2, 0, 0]);
        assert_eq!(s.histogram, [0, 0, 0, 1, 1, 9]);
        assert_eq!(s.attendance_permille(), Some(900));
        // A cell founded in July owes nothing before.
        let young = tally(&year, (2026, 11), CellSpan { from: (2026, 7), to: None }, &refs);
        assert_eq!((young.regular_due, young.regular_missing), (5, 1));
        // One quarter only.
        let q1 = tally(&Period::parse("2026-Q1").unwrap_or(year), (2026, 11), ALWAYS, &refs);
        assert_eq!((q1.regular_due, q1.regular_held, q1.thematic_due, q1.thematic_held, q1.held), (3, 3, 1, 1, 4));
    }

    #[test]
    fn late_documents_missing_minutes_and_pending_review_are_counted() {
        let mut a = fact(1, true, None, None);
        a.minutes_approved = false;
        a.documents_early = None;
        let mut b = fact(2, true, Some(899), Some(KHA));
        b.status = "scored".into();
        b.documents_early = Some(false);
        let s = tally(&Period::year(2025), (2026, 11), ALWAYS, &[&a, &b]);
        assert_eq!((s.minutes_missing, s.documents_late, s.unscored, s.awaiting_review), (1, 2, 1, 1));
        assert_eq!(s.average_tenths(), Some(899));
        let mut total = MeetingStats::default();
        total.add(&s);
        total.add(&s);
        assert_eq!((total.cells, total.regular_missing, total.held), (2, 20, 4));
    }

    #[test]
    fn a_year_is_tot_only_with_every_month_scored() {
        let cell = UnitRef { id: 1, name: "Chi bộ ấp 3".into() };
        let mut year: Vec<MeetingFact> = (1..=12).map(|m| fact(m, true, Some(if m <= 7 { 930 } else { 800 }), Some(if m <= 7 { TOT } else { KHA }))).collect();
        let refs: Vec<&MeetingFact> = year.iter().collect();
        let verdict = cell_year(cell.clone(), String::new(), &refs);
        assert!(verdict.is_tot, "{}", verdict.reason);
        assert_eq!((verdict.tot, verdict.kha), (7, 5));
        year[11].classification = None;
        year[11].total_tenths = None;
        let refs: Vec<&MeetingFact> = year.iter().collect();
        let verdict = cell_year(cell, String::new(), &refs);
        assert!(!verdict.is_tot);
        assert_eq!(verdict.reason, "Còn 1 buổi thường kỳ chưa chấm điểm.");
    }
}
