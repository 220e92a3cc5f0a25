//! Reading reports as CSV for committees' spreadsheets (UTF-8 with a byte-order mark, which
//! Excel needs to show Vietnamese letters).

use super::{ReadingReport, ReportCounts};

fn field(value: &str) -> String {
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value.to_string()
    }
}

fn row(cells: &[String]) -> String {
    cells.iter().map(|c| field(c)).collect::<Vec<_>>().join(",") + "\r\n"
}

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
            let state = match m.state.as_str() {
                "read" => "Đã đọc",
                "reading" => "Đang đọc",
                _ => "Chưa đọc",
            };
            out += &row(&[m.full_name.clone(), state.into(), m.percent_seen.to_string()]);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_fields_that_need_it() {
        assert_eq!(field("Đảng bộ xã Hòa An"), "Đảng bộ xã Hòa An");
        assert_eq!(field("Chi bộ \"ấp 3\", xã Hòa An"), "\"Chi bộ \"\"ấp 3\"\", xã Hòa An\"");
    }
}
