//! The reading report as spreadsheet tables (written as CSV or XLSX by `spreadsheet`, like every
//! report).

use super::{ReadingReport, ReportCounts};
use crate::spreadsheet::{Cell, Sheet, text};

fn counts_cells(name: &str, c: &ReportCounts) -> Vec<Cell> {
    vec![text(name), Cell::Number(c.members), Cell::Number(c.read), Cell::Number(c.reading), Cell::Number(c.not_started)]
}

/// The report's tables: "Tổng hợp" per unit, "Đảng viên" for a cell, "Quá hạn" when late.
pub fn sheets(report: &ReadingReport) -> Vec<Sheet> {
    let mut summary = vec![
        vec![text("Tài liệu"), text(&report.document.title)],
        vec![text("Đơn vị"), text(&report.unit.name)],
        vec![text("Hạn đọc"), text(&crate::validate::format_date(report.due_on))],
        vec![],
        vec![text("Đơn vị"), text("Số đảng viên"), text("Đã đọc"), text("Đang đọc"), text("Chưa đọc")],
    ];
    summary.extend(report.rows.iter().map(|r| counts_cells(&r.unit.name, &r.counts)));
    summary.push(counts_cells("Tổng cộng", &report.totals));
    let mut sheets = vec![("Tổng hợp", summary)];
    if !report.members.is_empty() {
        let mut rows = vec![vec![text("Họ và tên"), text("Tình trạng"), text("Tỷ lệ phần đã xem (%)")]];
        rows.extend(report.members.iter().map(|m| vec![text(&m.full_name), text(state_label(&m.state)), Cell::Number(m.percent_seen)]));
        sheets.push(("Đảng viên", rows));
    }
    if !report.overdue.is_empty() {
        let mut rows = vec![vec![text("Chi bộ"), text("Số đảng viên"), text("Chưa xác nhận đã đọc")]];
        rows.extend(report.overdue.iter().map(|o| vec![text(&o.cell.name), Cell::Number(o.members), Cell::Number(o.not_read)]));
        sheets.push(("Quá hạn", rows));
    }
    sheets
}

fn state_label(state: &str) -> &'static str {
    match state {
        "read" => "Đã đọc",
        "reading" => "Đang đọc",
        _ => "Chưa đọc",
    }
}
