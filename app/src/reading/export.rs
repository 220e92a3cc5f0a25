//! Reading reports for committees' spreadsheets: CSV (UTF-8 with a byte-order mark, which Excel
//! needs to show Vietnamese letters) and XLSX (one sheet per table, numbers as numbers).

use super::{ReadingReport, ReportCounts};
use crate::spreadsheet::{Cell, row, text, workbook};

fn counts_row(name: &str, c: &ReportCounts) -> String {
    row(&[name.to_string(), c.members.to_string(), c.read.to_string(), c.reading.to_string(), c.not_started.to_string()])
}

pub fn report_csv(report: &ReadingReport) -> String {
    let mut out = String::from("\u{feff}");
    out += &row(&["Tài liệu".into(), report.document.title.clone()]);
    out += &row(&["Đơn vị".into(), report.unit.name.clone()]);
    out += &row(&["Hạn đọc".into(), crate::validate::format_date(report.due_on)]);
    out += "\r\n";
    out += &row(&["Đơn vị".into(), "Số đảng viên".into(), "Đã đọc".into(), "Đang đọc".into(), "Chưa đọc".into()]);
    for r in &report.rows {
        out += &counts_row(&r.unit.name, &r.counts);
    }
    out += &counts_row("Tổng cộng", &report.totals);
    if !report.members.is_empty() {
        out += "\r\n";
        out += &row(&["Họ và tên".into(), "Tình trạng".into(), "Tỷ lệ phần đã xem (%)".into()]);
        for m in &report.members {
            out += &row(&[m.full_name.clone(), state_label(&m.state).into(), m.percent_seen.to_string()]);
        }
    }
    out
}

fn counts_cells(name: &str, c: &ReportCounts) -> Vec<Cell> {
    vec![text(name), Cell::Number(c.members), Cell::Number(c.read), Cell::Number(c.reading), Cell::Number(c.not_started)]
}

/// The report as a workbook: "Tổng hợp" per unit, "Đảng viên" for a cell, "Quá hạn" when late.
pub fn report_xlsx(report: &ReadingReport) -> std::io::Result<Vec<u8>> {
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
    workbook(&sheets)
}

fn state_label(state: &str) -> &'static str {
    match state {
        "read" => "Đã đọc",
        "reading" => "Đang đọc",
        _ => "Chưa đọc",
    }
}
