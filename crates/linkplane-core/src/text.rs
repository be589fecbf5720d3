//! Which characters a string from a client may hold.
//!
//! AWS refuses control characters in parameters (EC2 answers
//! `InvalidParameterValue`); Postgres cannot store U+0000 in `TEXT` at all.
//! The fronts apply [`forbidden_char`] to every string of a request (body,
//! path, query) before anything else sees it, so both databases answer the
//! same 400.

/// The first character of `s` that a request may not carry, if any.
///
/// In text values (JSON strings) the C0 controls other than tab, line feed
/// and carriage return, DEL, and the C1 controls are refused: a policy
/// document may hold tabs and newlines, as IAM allows (`\u0009`, `\u000A`,
/// `\u000D`), but nothing below U+0020 otherwise. With `allow_whitespace`
/// false (ids in paths, query parameters) tab, LF and CR are refused too.
pub fn forbidden_char(s: &str, allow_whitespace: bool) -> Option<char> {
    s.chars().find(|&c| {
        let cp = c as u32;
        match c {
            '\t' | '\n' | '\r' => !allow_whitespace,
            _ => cp < 0x20 || (0x7f..=0x9f).contains(&cp),
        }
    })
}

/// `U+0000`-style name of a character, for error messages.
pub fn describe_char(c: char) -> String {
    format!("U+{:04X}", c as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_controls_keeps_text() {
        assert_eq!(forbidden_char("vpc-0a1b", false), None);
        assert_eq!(forbidden_char("héllo wörld ✓", false), None);
        assert_eq!(forbidden_char("a\u{0}b", true), Some('\u{0}'));
        assert_eq!(forbidden_char("a\u{1f}", true), Some('\u{1f}'));
        assert_eq!(forbidden_char("\u{7f}", true), Some('\u{7f}'));
        assert_eq!(forbidden_char("\u{85}", true), Some('\u{85}'));
        assert_eq!(forbidden_char("{\n\t\"Version\": 1\r\n}", true), None);
        assert_eq!(forbidden_char("a\nb", false), Some('\n'));
        assert_eq!(forbidden_char("\u{a0}", false), None);
        assert_eq!(describe_char('\u{0}'), "U+0000");
    }
}
