//! Form checks that collect every problem at once, each tied to its field, in Vietnamese.

use chrono::NaiveDate;

use crate::error::{AppError, AppResult, FieldError};

#[derive(Debug, Default)]
pub struct Checks {
    errors: Vec<FieldError>,
}

impl Checks {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn fail(&mut self, field: &str, message: impl Into<String>) {
        if !self.errors.iter().any(|e| e.field == field) {
            self.errors.push(FieldError::new(field, message));
        }
    }

    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    /// The failures so far, by field.
    pub fn errors(&self) -> &[FieldError] {
        &self.errors
    }

    pub fn has(&self, field: &str) -> bool {
        self.errors.iter().any(|e| e.field == field)
    }

    /// Trimmed text of `min..=max` characters (inner runs of spaces collapsed).
    pub fn text(&mut self, field: &str, value: &str, label: &str, min: usize, max: usize) -> String {
        let value = value.split_whitespace().collect::<Vec<_>>().join(" ");
        let len = value.chars().count();
        if len == 0 && min > 0 {
            self.fail(field, format!("Vui lòng nhập {label}."));
        } else if len < min {
            self.fail(field, format!("{} phải có ít nhất {min} ký tự.", capitalize(label)));
        } else if len > max {
            self.fail(field, format!("{} không được dài quá {max} ký tự.", capitalize(label)));
        }
        value
    }

    pub fn date(&mut self, field: &str, value: &str, label: &str) -> Option<NaiveDate> {
        match parse_date(value) {
            Some(date) => Some(date),
            None if value.trim().is_empty() => {
                self.fail(field, format!("Vui lòng nhập {label}."));
                None
            }
            None => {
                self.fail(field, format!("{} không hợp lệ (ví dụ: 19/05/1990).", capitalize(label)));
                None
            }
        }
    }

    pub fn optional_date(&mut self, field: &str, value: &str, label: &str) -> Option<NaiveDate> {
        if value.trim().is_empty() { None } else { self.date(field, value, label) }
    }

    pub fn finish(self) -> AppResult<()> {
        if self.errors.is_empty() { Ok(()) } else { Err(AppError::Invalid(self.errors)) }
    }
}

/// Accepts the browser's `2024-05-19` and the Vietnamese `19/05/2024`.
pub fn parse_date(value: &str) -> Option<NaiveDate> {
    let value = value.trim();
    NaiveDate::parse_from_str(value, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(value, "%d/%m/%Y"))
        .ok()
        .filter(|d| (1900..=2100).contains(&chrono::Datelike::year(d)))
}

/// Dates shown to members: 19/05/2024.
pub fn format_date(date: NaiveDate) -> String {
    date.format("%d/%m/%Y").to_string()
}

/// A moment as members read it, in Vietnam's time (UTC+7, no daylight saving): 14:05 19/05/2024.
pub fn format_datetime(at: chrono::DateTime<chrono::Utc>) -> String {
    (at + chrono::Duration::hours(crate::common::time::VIETNAM_UTC_OFFSET_HOURS)).format("%H:%M %d/%m/%Y").to_string()
}

fn capitalize(label: &str) -> String {
    let mut chars = label.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collects_one_error_per_field_in_vietnamese() {
        let mut checks = Checks::new();
        assert_eq!(checks.text("name", "   ", "họ và tên", 2, 10), "");
        checks.text("name", "x", "họ và tên", 2, 10);
        assert!(checks.date("born", "31/02/1990", "ngày sinh").is_none());
        let err = checks.finish().unwrap_err();
        assert_eq!(err.field_message("name").as_deref(), Some("Vui lòng nhập họ và tên."));
        assert_eq!(err.field_message("born").as_deref(), Some("Ngày sinh không hợp lệ (ví dụ: 19/05/1990)."));
    }

    #[test]
    fn parses_both_date_shapes() {
        assert_eq!(parse_date("2024-05-19"), NaiveDate::from_ymd_opt(2024, 5, 19));
        assert_eq!(parse_date("19/05/2024"), NaiveDate::from_ymd_opt(2024, 5, 19));
        assert_eq!(parse_date("hôm qua"), None);
    }
}
