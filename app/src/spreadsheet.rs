//! Spreadsheets for committees: CSV (UTF-8 with a byte-order mark, which Excel needs to show
//! Vietnamese letters) and a minimal, valid XLSX (one sheet per table, numbers as numbers).

use std::io::Write;

/// One CSV field. Text that a spreadsheet would take for a formula (starting with `=`, `+`,
/// `-`, `@`, a tab or a carriage return — a member's comment such as `=HYPERLINK(…)`) gets a
/// leading apostrophe, so opening an export never runs what a member typed; numbers stay numbers.
pub fn field(value: &str) -> String {
    let looks_like_formula = value.starts_with(['=', '+', '@', '\t', '\r'])
        || (value.starts_with('-') && value[1..].parse::<f64>().is_err());
    let value = if looks_like_formula { format!("'{value}") } else { value.to_string() };
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

fn row(cells: &[String]) -> String {
    cells.iter().map(|c| field(c)).collect::<Vec<_>>().join(",") + "\r\n"
}

/// A named sheet and its rows.
pub type Sheet = (&'static str, Vec<Vec<Cell>>);

/// A spreadsheet cell: text or a number.
pub enum Cell {
    Text(String),
    Number(i64),
    /// A number kept in tenths (925 = 92.5), written with one decimal.
    Tenths(i64),
}

impl Cell {
    /// The value as CSV and XLSX write it (a dot for decimals, which every program reads).
    fn value(&self) -> String {
        match self {
            Cell::Text(t) => t.clone(),
            Cell::Number(n) => n.to_string(),
            Cell::Tenths(t) => format!("{}{}.{}", if *t < 0 { "-" } else { "" }, t.abs() / 10, t.abs() % 10),
        }
    }
}

pub fn text(value: &str) -> Cell {
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
                Cell::Number(_) | Cell::Tenths(_) => out += &format!(r#"<c r="{at}"><v>{}</v></c>"#, cell.value()),
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

/// Sheets as one CSV: each table under its sheet's name, a blank line between them.
pub fn csv(sheets: &[(&str, Vec<Vec<Cell>>)]) -> String {
    let mut out = String::from("\u{feff}");
    for (i, (name, rows)) in sheets.iter().enumerate() {
        if i > 0 {
            out += "\r\n";
        }
        out += &row(&[name.to_string()]);
        for cells in rows {
            let texts: Vec<String> = cells.iter().map(Cell::value).collect();
            out += &row(&texts);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_letters() {
        assert_eq!([column(0), column(25), column(26), column(27), column(701), column(702)], ["A", "Z", "AA", "AB", "ZZ", "AAA"]);
    }

    #[test]
    fn text_a_spreadsheet_would_run_is_neutralised_and_numbers_are_not() {
        assert_eq!(field("=HYPERLINK(\"http://x\",\"bấm\")"), "\"'=HYPERLINK(\"\"http://x\"\",\"\"bấm\"\")\"");
        assert_eq!(field("+84 912"), "'+84 912");
        assert_eq!(field("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(field("-cmd|' /C calc'!A0"), "'-cmd|' /C calc'!A0");
        assert_eq!(field("-5"), "-5");
        assert_eq!(field("-2.5"), "-2.5");
        assert_eq!(field("92.5"), "92.5");
        let sheet = csv(&[("Góp ý", vec![vec![text("=1+1"), Cell::Number(-3)]])]);
        assert!(sheet.ends_with("'=1+1,-3\r\n"), "{sheet}");
    }

    #[test]
    fn quotes_fields_that_need_it() {
        assert_eq!(field("Đảng bộ xã Hòa An"), "Đảng bộ xã Hòa An");
        assert_eq!(field("Chi bộ \"ấp 3\", xã Hòa An"), "\"Chi bộ \"\"ấp 3\"\", xã Hòa An\"");
    }
}
