//! Tag rules, as EC2 applies them: at most 50 tags per resource, keys of 1 to
//! 128 characters that do not start with `aws:`, values of at most 256.

use crate::error::CoreError;
use std::collections::BTreeMap;

pub const MAX_TAGS: usize = 50;
pub const MAX_KEY_CHARS: usize = 128;
pub const MAX_VALUE_CHARS: usize = 256;

pub fn validate_tags(tags: &BTreeMap<String, String>) -> Result<(), CoreError> {
    if tags.len() > MAX_TAGS {
        return Err(CoreError::invalid(
            "TagLimitExceeded",
            format!(
                "{} tags given; a resource may have at most {MAX_TAGS}",
                tags.len()
            ),
        ));
    }
    for (k, v) in tags {
        let n = k.chars().count();
        if n == 0 || n > MAX_KEY_CHARS {
            return Err(CoreError::invalid_value(format!(
                "tags: key '{k}' must be 1 to {MAX_KEY_CHARS} characters"
            )));
        }
        if k.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("aws:")) {
            return Err(CoreError::invalid_value(format!(
                "tags: key '{k}' uses the reserved prefix 'aws:'"
            )));
        }
        // Not even tab or a line break (a body string may hold those): a
        // tag is matched as `tag=Key=Value` in a query, which refuses them.
        if let Some(c) =
            crate::text::forbidden_char(k, false).or_else(|| crate::text::forbidden_char(v, false))
        {
            return Err(CoreError::invalid_value(format!(
                "tags: '{}' holds the control character {}, which tags may not",
                k.escape_debug(),
                crate::text::describe_char(c)
            )));
        }
        if v.chars().count() > MAX_VALUE_CHARS {
            return Err(CoreError::invalid_value(format!(
                "tags: the value of '{k}' is longer than {MAX_VALUE_CHARS} characters"
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn rules() {
        assert!(validate_tags(&tags(&[("Name", "web"), ("env", "")])).is_ok());
        assert!(validate_tags(&tags(&[("", "x")])).is_err());
        assert!(validate_tags(&tags(&[("aws:foo", "x")])).is_err());
        assert!(validate_tags(&tags(&[("AWS:foo", "x")])).is_err());
        assert!(validate_tags(&tags(&[(&"k".repeat(129), "x")])).is_err());
        assert!(validate_tags(&tags(&[("k", &"v".repeat(257))])).is_err());
        assert!(validate_tags(&tags(&[("a\nb", "v")])).is_err());
        assert!(validate_tags(&tags(&[("k", "tab\there")])).is_err());
        assert!(validate_tags(&tags(&[("k", "spaces are fine")])).is_ok());
        let many: BTreeMap<String, String> =
            (0..51).map(|i| (format!("k{i}"), String::new())).collect();
        assert_eq!(
            validate_tags(&many).err().map(|e| e.code),
            Some("TagLimitExceeded")
        );
    }
}
