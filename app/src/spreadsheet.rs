//! Spreadsheets for committees: CSV (UTF-8 with a byte-order mark, which Excel needs to show
//! Vietnamese letters) and XLSX written by `rust_xlsxwriter` (one sheet per table, its first row
//! the header).

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
    /// A day: a date in a workbook (shown dd/mm/yyyy), dd/mm/yyyy in CSV.
    Date(chrono::NaiveDate),
    /// Digits that are not a number (a card or phone number): a text cell formatted as text, so
    /// what someone types over it keeps its leading 0.
    Digits(String),
}

impl Cell {
    /// The value as CSV and XLSX write it (a dot for decimals, which every program reads).
    fn value(&self) -> String {
        match self {
            Cell::Text(t) | Cell::Digits(t) => t.clone(),
            Cell::Number(n) => n.to_string(),
            Cell::Tenths(t) => format!("{}{}.{}", if *t < 0 { "-" } else { "" }, t.abs() / 10, t.abs() % 10),
            Cell::Date(d) => d.format("%d/%m/%Y").to_string(),
        }
    }
}

pub fn text(value: &str) -> Cell {
    Cell::Text(value.to_string())
}

/// Workbooks for people, written by `rust_xlsxwriter`: each sheet's first row is its header
/// (bold, shaded, frozen so it stays while scrolling), columns as wide as their contents (within
/// reason), dates as dates, numbers as numbers, and text always as text — never a formula,
/// whatever a member typed.
pub fn workbook(sheets: &[(&str, Vec<Vec<Cell>>)]) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format, FormatBorder, Workbook};
    let header = Format::new().set_bold().set_background_color("#FCE4D6").set_border_bottom(FormatBorder::Thin).set_text_wrap();
    let date = Format::new().set_num_format("dd/mm/yyyy");
    let tenths = Format::new().set_num_format("0.0");
    let digits = Format::new().set_num_format("@");
    let mut book = Workbook::new();
    for (name, rows) in sheets {
        let sheet = book.add_worksheet();
        sheet.set_name(sheet_name(name))?;
        let mut widths: Vec<usize> = Vec::new();
        for (r, cells) in rows.iter().enumerate() {
            let row = r as u32;
            for (c, cell) in cells.iter().enumerate() {
                let column = c as u16;
                match cell {
                    Cell::Text(t) if r == 0 => sheet.write_string_with_format(row, column, clean(t), &header)?,
                    Cell::Text(t) => sheet.write_string(row, column, clean(t))?,
                    Cell::Number(n) => sheet.write_number(row, column, *n as f64)?,
                    Cell::Tenths(t) => sheet.write_number_with_format(row, column, *t as f64 / 10.0, &tenths)?,
                    Cell::Date(d) => sheet.write_datetime_with_format(row, column, excel_date(*d)?, &date)?,
                    Cell::Digits(t) => sheet.write_string_with_format(row, column, clean(t), &digits)?,
                };
                if widths.len() <= c {
                    widths.resize(c + 1, 0);
                }
                // A header may wrap over two lines; a value should fit on its line.
                let length = cell.value().chars().count();
                widths[c] = widths[c].max(if r == 0 { length.min(24) } else { length });
            }
        }
        for (c, width) in widths.into_iter().enumerate() {
            sheet.set_column_width(c as u16, (width + 2).clamp(8, 60) as f64)?;
        }
        if !rows.is_empty() {
            sheet.set_freeze_panes(1, 0)?;
        }
    }
    book.save_to_buffer()
}

/// Excel's rules for a sheet's name: at most 31 characters, none of `[]:*?/\`, not empty.
fn sheet_name(name: &str) -> String {
    let name: String = name.chars().map(|c| if "[]:*?/\\".contains(c) { ' ' } else { c }).take(31).collect();
    let name = name.trim().trim_matches('\'').to_string();
    if name.is_empty() { "Trang tính".to_string() } else { name }
}

/// Text as a cell may hold it: no control characters but line breaks and tabs, at most the
/// 32,767 characters Excel allows.
fn clean(text: &str) -> String {
    text.chars().filter(|c| !c.is_control() || matches!(c, '\n' | '\t')).take(32_767).collect()
}

fn excel_date(day: chrono::NaiveDate) -> Result<rust_xlsxwriter::ExcelDateTime, rust_xlsxwriter::XlsxError> {
    use chrono::Datelike;
    let year = u16::try_from(day.year()).map_err(|_| rust_xlsxwriter::XlsxError::ParameterError(format!("năm {}", day.year())))?;
    rust_xlsxwriter::ExcelDateTime::from_ymd(year, day.month() as u8, day.day() as u8)
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
