//! Diacritic folding for Vietnamese search: "Nguyễn Thị Đào" → "nguyen thi dao".
//!
//! Index and query go through the same function, so a member typing without diacritics (common
//! on phones without a Vietnamese keyboard) still finds the name.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// NFC-normalise, decompose, drop combining marks, map đ/Đ to d, lowercase, collapse spaces.
pub fn fold(text: &str) -> String {
    let stripped: String = text
        .nfc()
        .collect::<String>()
        .nfd()
        .filter(|c| !is_combining_mark(*c))
        .map(|c| match c {
            'đ' | 'Đ' => 'd',
            other => other,
        })
        .collect();
    stripped
        .to_lowercase()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Whether `text` carries any Vietnamese mark (a tone, a vowel's hat or horn, đ), composed or
/// typed decomposed.
pub fn has_marks(text: &str) -> bool {
    text.chars().any(is_combining_mark) || {
        let lower = text.to_lowercase();
        fold(&lower) != lower
    }
}

/// Folded text padded with spaces, so `LIKE '% word%'` finds word starts anywhere.
pub fn fold_padded(text: &str) -> String {
    format!(" {} ", fold(text))
}

/// Sort key for Vietnamese names: given name first, then the whole name.
pub fn name_sort_key(full_name: &str) -> String {
    let folded = fold(full_name);
    let given = folded.rsplit(' ').next().unwrap_or_default();
    format!("{given} {folded}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_all_vietnamese_marks_and_d_stroke() {
        assert_eq!(fold("Nguyễn Thị Đào"), "nguyen thi dao");
        assert_eq!(fold("  ĐẢNG   viên  "), "dang vien");
        assert_eq!(fold("Huỳnh Ngọc Ửng Ỷ"), "huynh ngoc ung y");
    }

    #[test]
    fn folds_decomposed_input_like_composed() {
        let decomposed: String = "Phạm Văn Đồng".nfd().collect();
        assert_eq!(fold(&decomposed), "pham van dong");
    }

    #[test]
    fn marks_are_seen_composed_or_decomposed() {
        assert!(has_marks("Đảng"));
        assert!(has_marks("đ"));
        assert!(has_marks("Ho\u{0323}p"));
        assert!(!has_marks("dang vien, 2025?"));
    }

    #[test]
    fn sort_key_puts_given_name_first() {
        assert_eq!(name_sort_key("Trần Văn An"), "an tran van an");
    }
}
