//! Reading reports for committees' spreadsheets: CSV (UTF-8 with a byte-order mark, which Excel
//! needs to show Vietnamese letters) and XLSX (one sheet per table, numbers as numbers).

use std::io::Write;

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
            out += &row(&[m.full_name.clone(), state_label(&m.state).into(), m.percent_seen.to_string()]);
        }
    }
    out
}

/// A spreadsheet cell: text or a number.
pub enum Cell {
    Text(String),
    Number(i64),
}

fn text(value: &str) -> Cell {
    Cell::Text(value.to_string())
}

fn xml_escape(value: &str) -> String {
    value
        .chars()
        .filter(|c| !c.is_control() || matches!(c, '\n' | '\t'))
        .map(|c| match c {
            '&' => "&amp;".to_string(),
            '<' => "&lt;".to_string(),
            '>' => "&gt;".to_string(),
            '"' => "&quot;".to_string(),
            other => other.to_string(),
        })
        .collect()
}

/// "A", "B", … "Z", "AA": the column letters of a cell reference.
fn column(mut index: usize) -> String {
    let mut name = String::new();
    loop {
        name.insert(0, (b'A' + (index % 26) as u8) as char);
        if index < 26 {
            return name;
        }
        index = index / 26 - 1;
    }
}

fn sheet_xml(rows: &[Vec<Cell>]) -> String {
    let mut out = String::from(r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#);
    for (r, row) in rows.iter().enumerate() {
        out += &format!(r#"<row r="{}">"#, r + 1);
        for (c, cell) in row.iter().enumerate() {
            let at = format!("{}{}", column(c), r + 1);
            match cell {
                Cell::Number(n) => out += &format!(r#"<c r="{at}"><v>{n}</v></c>"#),
                Cell::Text(t) => out += &format!(r#"<c r="{at}" t="inlineStr"><is><t xml:space="preserve">{}</t></is></c>"#, xml_escape(t)),
            }
        }
        out += "</row>";
    }
    out + "</sheetData></worksheet>"
}

/// A minimal, valid .xlsx workbook: the named sheets with their rows.
pub fn workbook(sheets: &[(&str, Vec<Vec<Cell>>)]) -> std::io::Result<Vec<u8>> {
    let mut buffer = std::io::Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut buffer);
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let overrides: String = (1..=sheets.len())
        .map(|i| format!(r#"<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>"#))
        .collect();
    let files: Vec<(String, String)> = vec![
        (
            "[Content_Types].xml".into(),
            format!(r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>{overrides}</Types>"#),
        ),
        (
            "_rels/.rels".into(),
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.into(),
        ),
        (
            "xl/workbook.xml".into(),
            format!(
                r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>{}</sheets></workbook>"#,
                sheets
                    .iter()
                    .enumerate()
                    .map(|(i, (name, _))| format!(r#"<sheet name="{}" sheetId="{}" r:id="rId{}"/>"#, xml_escape(&name.chars().take(31).collect::<String>()), i + 1, i + 1))
                    .collect::<String>()
            ),
        ),
        (
            "xl/_rels/workbook.xml.rels".into(),
            format!(
                r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{}</Relationships>"#,
                (1..=sheets.len())
                    .map(|i| format!(r#"<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet{i}.xml"/>"#))
                    .collect::<String>()
            ),
        ),
    ];
    for (name, content) in files {
        zip.start_file(name, options)?;
        zip.write_all(content.as_bytes())?;
    }
    for (i, (_, rows)) in sheets.iter().enumerate() {
        zip.start_file(format!("xl/worksheets/sheet{}.xml", i + 1), options)?;
        zip.write_all(sheet_xml(rows).as_bytes())?;
    }
    zip.finish()?;
    Ok(buffer.into_inner())
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_letters() {
        assert_eq!([column(0), column(25), column(26), column(27), column(701), column(702)], ["A", "Z", "AA", "AB", "ZZ", "AAA"]);
    }

    #[test]
    fn quotes_fields_that_need_it() {
        assert_eq!(field("Đảng bộ xã Hòa An"), "Đảng bộ xã Hòa An");
        assert_eq!(field("Chi bộ \"ấp 3\", xã Hòa An"), "\"Chi bộ \"\"ấp 3\"\", xã Hòa An\"");
    }
}
