//! Vietnam time. Deadlines, "today", due dates and overdue lists are days in Vietnam (UTC+7,
//! no daylight saving), whatever the server's clock zone: between 00:00 and 07:00 local time
//! the UTC date is still yesterday's, so nothing may take a date from UTC.

use chrono::{DateTime, Duration, NaiveDate, Utc};

/// Vietnam's offset from UTC, in hours.
pub const VIETNAM_UTC_OFFSET_HOURS: i64 = 7;

/// The date in Vietnam at the moment `at`.
pub fn vietnam_date(at: DateTime<Utc>) -> NaiveDate {
    (at + Duration::hours(VIETNAM_UTC_OFFSET_HOURS)).date_naive()
}

/// The moment a Vietnamese day begins (00:00 local), in UTC.
pub fn start_of_vietnam_day(date: NaiveDate) -> DateTime<Utc> {
    date.and_time(chrono::NaiveTime::MIN).and_utc() - Duration::hours(VIETNAM_UTC_OFFSET_HOURS)
}

/// Today's date in Vietnam. Server-side only: the browser's clock is not to be trusted.
#[cfg(feature = "ssr")]
pub fn today() -> NaiveDate {
    vietnam_date(Utc::now())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_in_the_morning_in_vietnam_is_already_the_next_day() {
        // 01:00 on 2 December in Hà Nội is 18:00 on 1 December UTC.
        let at = DateTime::parse_from_rfc3339("2026-12-01T18:00:00Z").map(|d| d.with_timezone(&Utc)).unwrap();
        assert_eq!(at.date_naive(), NaiveDate::from_ymd_opt(2026, 12, 1).unwrap());
        assert_eq!(vietnam_date(at), NaiveDate::from_ymd_opt(2026, 12, 2).unwrap());
        // 06:59 local is still the same Vietnamese day; 23:59 local too.
        let late = DateTime::parse_from_rfc3339("2026-12-02T16:59:00Z").map(|d| d.with_timezone(&Utc)).unwrap();
        assert_eq!(vietnam_date(late), NaiveDate::from_ymd_opt(2026, 12, 2).unwrap());
        assert_eq!(start_of_vietnam_day(vietnam_date(at)), at - Duration::hours(1));
    }

    /// Nothing in the code takes "today" from UTC: the bug this module exists for.
    #[test]
    fn no_code_takes_a_date_from_utc() {
        let mut offenders = Vec::new();
        let mut files = 0;
        for root in ["src", "../server/src"] {
            let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(root);
            files += visit(&dir, &mut offenders);
        }
        assert!(files > 50, "only {files} source files found");
        assert!(offenders.is_empty(), "dates taken from UTC: {offenders:?}");
    }

    fn visit(dir: &std::path::Path, offenders: &mut Vec<String>) -> usize {
        let mut files = 0;
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                files += visit(&path, offenders);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files += 1;
                let text = std::fs::read_to_string(&path).unwrap();
                let needle = ["Utc::now()", ".date_naive()"].concat();
                for (n, line) in text.lines().enumerate() {
                    if line.contains(&needle) {
                        offenders.push(format!("{}:{}", path.display(), n + 1));
                    }
                }
            }
        }
        files
    }
}
