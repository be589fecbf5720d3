//! The regular expressions the formats are built from, each from the rule
//! its validator applies.

use linkplane_core::catalog::catalog;
use linkplane_core::ids::ID_HEX_DIGITS;

/// A decimal octet, 0 to 255, without leading zeros.
pub(super) const OCTET: &str = "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])";

/// Letters, digits and `+=,.@_-`: IAM user and role names and path segments.
pub(super) const IAM_CHARS: &str = "[A-Za-z0-9+=,.@_-]";

/// `^(a|b|c)$` for a list of literal words (Region codes, zone names; they
/// hold no regex metacharacters but `-`, which is literal outside classes).
pub(super) fn one_of<S: AsRef<str>>(words: &[S]) -> String {
    let words: Vec<&str> = words.iter().map(AsRef::as_ref).collect();
    format!("({})", words.join("|"))
}

/// The catalog's Region codes, as an alternation.
pub fn regions_alternation() -> String {
    let regions: Vec<&str> = catalog()
        .regions()
        .iter()
        .map(|r| r.region.as_str())
        .collect();
    one_of(&regions)
}

/// `<prefix>-` and 17 lowercase hex digits.
pub fn id_pattern(prefix: &str) -> String {
    format!("^{prefix}-[0-9a-f]{{{ID_HEX_DIGITS}}}$")
}

/// A dotted-quad IPv4 address (no anchors).
pub(super) fn ipv4() -> String {
    format!("({OCTET}\\.){{3}}{OCTET}")
}

/// IPv4 CIDR blocks of prefix lengths `lengths`, written as their network
/// address (the bits after the prefix zero), no anchors: per length, the
/// octets the prefix covers are any octet, the one it ends in a multiple of
/// its step, the rest `0` (`(OCT\.){2}(0|64|128|192)\.0/18`).
pub(super) fn cidr(lengths: std::ops::RangeInclusive<u8>) -> String {
    let forms: Vec<String> = lengths
        .map(|len| {
            let octets: Vec<String> = (0..4u8)
                .map(|i| {
                    let covered = len.saturating_sub(8 * i).min(8);
                    match covered {
                        8 => OCTET.to_string(),
                        0 => "0".to_string(),
                        bits => {
                            let step = 1usize << (8 - bits);
                            let values: Vec<String> =
                                (0..256).step_by(step).map(|v| v.to_string()).collect();
                            format!("({})", values.join("|"))
                        }
                    }
                })
                .collect();
            format!("{}/{len}", octets.join("\\."))
        })
        .collect();
    format!("({})", forms.join("|"))
}

/// An ELB load balancer or target group name: 1 to 32 letters, digits and
/// hyphens, not starting or ending with a hyphen.
pub(super) const ELB_NAME: &str = "[A-Za-z0-9]([A-Za-z0-9-]{0,30}[A-Za-z0-9])?";

/// The load balancer ARN of `segment` (`net`, `gwy` or both).
pub(super) fn load_balancer_arn(segment: &str) -> String {
    format!(
        "^arn:aws:elasticloadbalancing:{}:[0-9]{{12}}:loadbalancer/{segment}/(?!internal-){ELB_NAME}/[0-9a-f]{{16}}$",
        regions_alternation()
    )
}

/// A listener ARN: a load balancer's of either kind with `loadbalancer/`
/// made `listener/` and the listener's 16 hex digits after it.
pub(super) fn listener_arn() -> String {
    format!(
        "^arn:aws:elasticloadbalancing:{}:[0-9]{{12}}:listener/(net|gwy)/(?!internal-){ELB_NAME}/[0-9a-f]{{16}}/[0-9a-f]{{16}}$",
        regions_alternation()
    )
}

/// One label of a DNS name whose letters may be of either case (a name
/// given to the public DNS model is lowercased), no anchors; `extra` holds
/// more characters a label may have (`_` in record names).
pub(super) fn dns_label(extra: &str) -> String {
    format!("[A-Za-z0-9{extra}]([A-Za-z0-9{extra}-]{{0,61}}[A-Za-z0-9{extra}])?")
}

/// An IPv6 address as RFC 4291 writes it (RFC 3986's `IPv6address`), the
/// grammar `std::net::Ipv6Addr` parses (no anchors).
pub(super) fn ipv6() -> String {
    let h16 = "[0-9A-Fa-f]{1,4}";
    let ls32 = format!("({h16}:{h16}|{})", ipv4());
    // `n` groups of `h16:`, exactly.
    let groups = |n: usize| {
        if n == 0 {
            String::new()
        } else {
            format!("({h16}:){{{n}}}")
        }
    };
    // An optional `h16` preceded by at most `n` more: `[ *n( h16 ":" ) h16 ]`.
    let before = |n: Option<usize>| match n {
        None => String::new(),
        Some(0) => format!("({h16})?"),
        Some(n) => format!("(({h16}:){{0,{n}}}{h16})?"),
    };
    let forms = [
        format!("{}{ls32}", groups(6)),
        format!("::{}{ls32}", groups(5)),
        format!("{}::{}{ls32}", before(Some(0)), groups(4)),
        format!("{}::{}{ls32}", before(Some(1)), groups(3)),
        format!("{}::{}{ls32}", before(Some(2)), groups(2)),
        format!("{}::{}{ls32}", before(Some(3)), groups(1)),
        format!("{}::{ls32}", before(Some(4))),
        format!("{}::{h16}", before(Some(5))),
        format!("{}::", before(Some(6))),
    ];
    format!("({})", forms.join("|"))
}

/// A DNS name as the resolver takes it: labels of 1 to 63 letters, digits,
/// `-` and `_`, at most 253 characters besides an optional final dot (no
/// anchors but the length check's lookahead).
pub(super) fn dns_name() -> String {
    "(?=.{1,253}\\.?$)[A-Za-z0-9_-]{1,63}(\\.[A-Za-z0-9_-]{1,63})*\\.?".to_string()
}
