//! Scoring rubrics as data, and the rules that read them. Points are kept in tenths (899 = 89.9)
//! so thresholds compare exactly on every database and in the browser.

use serde::{Deserialize, Serialize};

/// Facts the system knows about a meeting, used to pre-fill automatic criteria.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct MeetingFacts {
    /// Members expected (the cell's members when the meeting was planned).
    pub expected: i32,
    /// Present or late.
    pub attended: i32,
    /// Absent without an accepted reason.
    pub unexcused: i32,
    /// Minutes the meeting lasted, once held.
    pub held_minutes: Option<i32>,
    /// 90, or 120 when a thematic meeting is held in the same session.
    pub required_minutes: i32,
    /// Every meeting document was posted at least one day before the meeting.
    pub documents_early: bool,
    /// Whether any meeting document was posted at all.
    pub has_documents: bool,
    /// The minutes were written in full and approved.
    pub minutes_complete: bool,
}

impl MeetingFacts {
    /// Attendance in tenths of a percent (853 = 85.3 %).
    pub fn attendance_permille(&self) -> i32 {
        if self.expected <= 0 { 0 } else { self.attended * 1000 / self.expected }
    }

    /// The national guidance's attendance test: more than 85 % and nobody absent without reason.
    pub fn attendance_reaches_quality(&self) -> bool {
        self.attendance_permille() > 850 && self.unexcused == 0
    }
}

/// Which fact scores a criterion automatically.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AutoRule {
    Attendance,
    Duration,
    DocumentsEarly,
    MinutesComplete,
}

impl AutoRule {
    pub fn as_str(self) -> &'static str {
        match self {
            AutoRule::Attendance => "attendance",
            AutoRule::Duration => "duration",
            AutoRule::DocumentsEarly => "documents_early",
            AutoRule::MinutesComplete => "minutes_complete",
        }
    }

    pub fn parse(value: &str) -> Option<AutoRule> {
        [AutoRule::Attendance, AutoRule::Duration, AutoRule::DocumentsEarly, AutoRule::MinutesComplete]
            .into_iter()
            .find(|r| r.as_str() == value)
    }

    /// The pre-filled score, in tenths, out of `max` tenths.
    pub fn score(self, facts: &MeetingFacts, max: i32) -> i32 {
        let scaled = |num: i64, den: i64| if den <= 0 { 0 } else { (i64::from(max) * num.clamp(0, den) / den) as i32 };
        match self {
            // Full marks when attendance reaches quality; otherwise in proportion to attendance,
            // minus a tenth of the criterion for each unexcused absence.
            AutoRule::Attendance if facts.attendance_reaches_quality() => max,
            AutoRule::Attendance => {
                (scaled(i64::from(facts.attendance_permille()), 1000) - facts.unexcused * max / 10).max(0)
            }
            AutoRule::Duration => match facts.held_minutes {
                Some(held) => scaled(i64::from(held), i64::from(facts.required_minutes.max(1))),
                None => 0,
            },
            AutoRule::DocumentsEarly if facts.has_documents && facts.documents_early => max,
            AutoRule::DocumentsEarly if facts.has_documents => max / 2,
            AutoRule::DocumentsEarly => 0,
            AutoRule::MinutesComplete if facts.minutes_complete => max,
            AutoRule::MinutesComplete => 0,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CriterionSpec {
    pub code: String,
    pub label: String,
    pub max_tenths: i32,
    pub auto: Option<AutoRule>,
}

/// A class and the lowest total (in tenths) that earns it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Threshold {
    pub code: String,
    pub label: String,
    pub min_tenths: i32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RubricSpec {
    pub name: String,
    pub criteria: Vec<CriterionSpec>,
    /// Highest class first; the last one has `min_tenths` 0.
    pub thresholds: Vec<Threshold>,
}

pub const TOT: &str = "tot";
pub const KHA: &str = "kha";
pub const TRUNG_BINH: &str = "trung_binh";
pub const KEM: &str = "kem";

/// The default scale (100 points = preparation 15 + attendance 20 + conduct 45 + closing 20;
/// Tốt ≥ 90, Khá 70–< 90, Trung bình 50–< 70, Kém < 50), as several provinces set it.
pub fn default_rubric() -> RubricSpec {
    let c = |code: &str, label: &str, max: i32, auto: Option<AutoRule>| CriterionSpec {
        code: code.into(),
        label: label.into(),
        max_tenths: max * 10,
        auto,
    };
    let t = |code: &str, label: &str, min: i32| Threshold { code: code.into(), label: label.into(), min_tenths: min * 10 };
    RubricSpec {
        name: "Thang điểm chất lượng sinh hoạt chi bộ (mặc định)".into(),
        criteria: vec![
            c("chuan_bi", "Chuẩn bị (bí thư chuẩn bị, chi ủy họp trước, nội dung theo hướng dẫn cấp trên, dự thảo nghị quyết; tài liệu đăng trước ít nhất 1 ngày)", 15, Some(AutoRule::DocumentsEarly)),
            c("tham_du", "Tham dự (trên 85% đảng viên, không vắng không lý do)", 20, Some(AutoRule::Attendance)),
            c("tien_hanh", "Tiến hành (đúng giờ, đúng trình tự, phê bình và tự phê bình, nhiều ý kiến phát biểu, đủ thời gian)", 45, Some(AutoRule::Duration)),
            c("ket_thuc", "Kết thúc (kết luận, biên bản đầy đủ được thông qua, thực hiện nghị quyết kỳ trước)", 20, Some(AutoRule::MinutesComplete)),
        ],
        thresholds: vec![t(TOT, "Tốt", 90), t(KHA, "Khá", 70), t(TRUNG_BINH, "Trung bình", 50), t(KEM, "Kém", 0)],
    }
}

impl RubricSpec {
    pub fn max_tenths(&self) -> i32 {
        self.criteria.iter().map(|c| c.max_tenths).sum()
    }

    /// The class a total earns: the first threshold (highest first) it reaches.
    pub fn classify(&self, total_tenths: i32) -> &Threshold {
        self.thresholds
            .iter()
            .find(|t| total_tenths >= t.min_tenths)
            .or_else(|| self.thresholds.last())
            .unwrap_or(&FALLBACK)
    }

    /// Problems that make a rubric unusable, in Vietnamese; empty when it is sound.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.criteria.is_empty() {
            out.push("Thang điểm cần ít nhất một tiêu chí.".into());
        }
        if self.criteria.iter().any(|c| c.max_tenths <= 0) {
            out.push("Điểm tối đa của mỗi tiêu chí phải lớn hơn 0.".into());
        }
        if self.thresholds.is_empty() || self.thresholds.windows(2).any(|w| w[0].min_tenths <= w[1].min_tenths) {
            out.push("Các mức xếp loại phải giảm dần theo điểm.".into());
        }
        if self.thresholds.first().is_some_and(|t| t.min_tenths > self.max_tenths()) {
            out.push("Mức xếp loại cao nhất vượt quá tổng điểm tối đa.".into());
        }
        out
    }
}

static FALLBACK: Threshold = Threshold { code: String::new(), label: String::new(), min_tenths: 0 };

/// The year's verdict for a cell by the guidance: "Tốt" when every regular meeting held was Khá or
/// better, at least 7 were Tốt, and no month went without one. Returns (is_tot, reason).
pub fn yearly_tot(regular_classes: &[&str], months_with_regular: usize) -> (bool, String) {
    let tot = regular_classes.iter().filter(|c| **c == TOT).count();
    let below_kha = regular_classes.iter().filter(|c| **c != TOT && **c != KHA).count();
    if months_with_regular < 12 {
        (false, format!("Chỉ sinh hoạt thường kỳ {months_with_regular}/12 tháng."))
    } else if below_kha > 0 {
        (false, format!("{below_kha} buổi sinh hoạt thường kỳ dưới mức Khá."))
    } else if tot < 7 {
        (false, format!("Chỉ {tot} buổi đạt Tốt (cần ít nhất 7)."))
    } else {
        (true, format!("{tot} buổi Tốt, các buổi còn lại đạt Khá."))
    }
}

/// Points as Vietnamese readers write them: 89,9.
pub use crate::common::tenths_text as points_text;

/// Points as typed ("19,9", "19.9", "20") → tenths; `None` when not a number with at most one
/// decimal.
pub fn parse_points(text: &str) -> Option<i32> {
    let text = text.trim().replace(',', ".");
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, "0"));
    if whole.is_empty() || fraction.len() != 1 || !whole.chars().all(|c| c.is_ascii_digit()) || !fraction.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    Some(whole.parse::<i32>().ok()? * 10 + fraction.parse::<i32>().ok()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds_split_exactly_at_the_boundaries() {
        let r = default_rubric();
        assert_eq!(r.max_tenths(), 1000);
        assert_eq!(r.classify(899).code, KHA, "89.9 is Khá");
        assert_eq!(r.classify(900).code, TOT, "90 is Tốt");
        assert_eq!(r.classify(700).code, KHA);
        assert_eq!(r.classify(699).code, TRUNG_BINH);
        assert_eq!(r.classify(500).code, TRUNG_BINH);
        assert_eq!(r.classify(499).code, KEM);
        assert_eq!(r.classify(0).code, KEM);
        assert!(r.problems().is_empty());
        assert_eq!(points_text(899), "89,9");
        assert_eq!(points_text(900), "90");
        assert_eq!([parse_points("19,9"), parse_points("19.9"), parse_points(" 20 "), parse_points("0")], [Some(199), Some(199), Some(200), Some(0)]);
        assert_eq!([parse_points("1,25"), parse_points("-3"), parse_points("abc"), parse_points("")], [None, None, None, None]);
    }

    #[test]
    fn automatic_criteria_follow_the_facts() {
        let mut f = MeetingFacts {
            expected: 20,
            attended: 18,
            unexcused: 0,
            held_minutes: Some(95),
            required_minutes: 90,
            documents_early: true,
            has_documents: true,
            minutes_complete: true,
        };
        assert!(f.attendance_reaches_quality(), "90 % with no unexcused absence");
        assert_eq!(AutoRule::Attendance.score(&f, 200), 200);
        f.attended = 17; // exactly 85 % is not "more than 85 %"
        assert!(!f.attendance_reaches_quality());
        assert_eq!(AutoRule::Attendance.score(&f, 200), 170);
        f.unexcused = 1;
        assert_eq!(AutoRule::Attendance.score(&f, 200), 150);
        assert_eq!(AutoRule::Duration.score(&f, 450), 450);
        f.held_minutes = Some(60);
        assert_eq!(AutoRule::Duration.score(&f, 450), 300);
        f.required_minutes = 120;
        assert_eq!(AutoRule::Duration.score(&f, 450), 225);
        assert_eq!(AutoRule::DocumentsEarly.score(&f, 150), 150);
        f.documents_early = false;
        assert_eq!(AutoRule::DocumentsEarly.score(&f, 150), 75);
        f.has_documents = false;
        assert_eq!(AutoRule::DocumentsEarly.score(&f, 150), 0);
        assert_eq!(AutoRule::MinutesComplete.score(&f, 200), 200);
        f.minutes_complete = false;
        assert_eq!(AutoRule::MinutesComplete.score(&f, 200), 0);
    }

    #[test]
    fn a_good_year_needs_every_month_seven_tot_and_nothing_below_kha() {
        let mut year = vec![TOT; 7];
        year.extend([KHA; 5]);
        assert!(yearly_tot(&year, 12).0);
        assert!(!yearly_tot(&year, 11).0, "a month without a regular meeting");
        year[11] = TRUNG_BINH;
        assert!(!yearly_tot(&year, 12).0);
        let mut six = vec![TOT; 6];
        six.extend([KHA; 6]);
        let (ok, why) = yearly_tot(&six, 12);
        assert!(!ok);
        assert_eq!(why, "Chỉ 6 buổi đạt Tốt (cần ít nhất 7).");
    }
}
