//! Resource identifiers: `<prefix>-` followed by 17 lowercase hex digits, as
//! AWS writes them (`vpc-0a1b2c3d4e5f67890`, `vpce-svc-03d5ebb7d9579a2b3`).
//!
//! The core has no randomness: callers pass the random bits in.

/// Number of hex digits after the prefix in a modern AWS resource id.
pub const ID_HEX_DIGITS: usize = 17;

/// Formats an id from a prefix (without the dash) and random bits; only the
/// low 68 bits (17 hex digits) of `random` are used.
pub fn format_id(prefix: &str, random: u128) -> String {
    let mask: u128 = (1u128 << (4 * ID_HEX_DIGITS)) - 1;
    format!("{prefix}-{:017x}", random & mask)
}

/// True when `id` is `<prefix>-` followed by exactly 17 lowercase hex digits.
pub fn is_valid_id(prefix: &str, id: &str) -> bool {
    id.strip_prefix(prefix)
        .and_then(|rest| rest.strip_prefix('-'))
        .is_some_and(|hex| {
            hex.len() == ID_HEX_DIGITS
                && hex
                    .bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        })
}

/// True when `id` is a prefix list id as AWS writes them: `pl-` and 8
/// (AWS-managed lists) or 17 lowercase hex digits.
pub fn is_prefix_list_id(id: &str) -> bool {
    id.strip_prefix("pl-").is_some_and(|hex| {
        (hex.len() == 8 || hex.len() == ID_HEX_DIGITS)
            && hex
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    })
}

/// Lowercase base-36 token of `len` characters (the 8-character token in
/// interface endpoint DNS names, for example), built from caller-given bits.
pub fn format_token(mut random: u128, len: usize) -> String {
    const ALPHABET: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut out = String::with_capacity(len);
    for _ in 0..len {
        out.push(ALPHABET[(random % 36) as usize] as char);
        random /= 36;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn formats_seventeen_lowercase_hex_digits() {
        assert_eq!(format_id("vpc", 0), "vpc-00000000000000000");
        assert_eq!(format_id("vpce-svc", 0xabc), "vpce-svc-00000000000000abc");
        assert_eq!(format_id("eni", u128::MAX), "eni-fffffffffffffffff");
    }

    #[test]
    fn validates_ids() {
        let cases = [
            ("vpc", "vpc-0a1b2c3d4e5f67890", true),
            ("vpc", "vpc-0a1b2c3d4e5f6789", false),
            ("vpc", "vpc-0a1b2c3d4e5f678901", false),
            ("vpc", "vpc-0A1B2C3D4E5F67890", false),
            ("vpc", "vpc-0g1b2c3d4e5f67890", false),
            ("vpc", "vpc0a1b2c3d4e5f678900", false),
            ("vpce", "vpce-svc-0a1b2c3d4e5f6", false),
            ("vpce-svc", "vpce-svc-03d5ebb7d9579a2b3", true),
            ("subnet", "", false),
        ];
        for (prefix, id, ok) in cases {
            assert_eq!(is_valid_id(prefix, id), ok, "{prefix} {id}");
        }
    }

    #[test]
    fn prefix_list_ids_have_eight_or_seventeen_hex_digits() {
        let cases = [
            ("pl-63a5400a", true),
            ("pl-0a1b2c3d4e5f67890", true),
            ("pl-63A5400A", false),
            ("pl-63a5400", false),
            ("pl-63a5400a0", false),
            ("pl-63a5400g", false),
            ("63a5400a", false),
            ("pl-", false),
        ];
        for (id, ok) in cases {
            assert_eq!(is_prefix_list_id(id), ok, "{id}");
        }
    }

    #[test]
    fn token_is_lowercase_alphanumeric() {
        let t = format_token(123_456_789_012_345, 8);
        assert_eq!(t.len(), 8);
        assert!(
            t.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        );
    }

    proptest! {
        #[test]
        fn every_formatted_id_is_valid(prefix in "[a-z]{1,8}(-[a-z]{1,5})?", r in any::<u128>()) {
            let id = format_id(&prefix, r);
            prop_assert!(is_valid_id(&prefix, &id));
            prop_assert_eq!(id.len(), prefix.len() + 1 + ID_HEX_DIGITS);
        }
    }
}
