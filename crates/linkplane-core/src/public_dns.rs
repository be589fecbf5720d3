//! The public DNS model, as DNS and Route 53 work: who answers for a name.
//!
//! A zone belongs to the account that created it; a record belongs to the
//! zone it was written in, so nobody else can move, overwrite or delete it.
//! Several accounts may hold zones of the same name (Route 53 lets anyone
//! create any hosted zone), but only one zone *answers* for a name: the
//! authoritative one, found from the top down.
//!
//! - At the top: of all the zones that enclose the name, the one created
//!   first (the model's stand-in for a registrar: the first account to hold
//!   a zone over a name holds the name, and a zone made later, of the same
//!   name or of a parent name, takes nothing from it; a second account's
//!   zone of exactly a name another account holds is refused).
//! - Going down: a zone of a longer enclosing name takes over only where the
//!   authoritative zone above *delegates* to it, with an NS record of that
//!   name whose value is one of the child zone's name servers. Without the
//!   NS record the parent keeps answering (the child is not authoritative);
//!   with one pointing at name servers no zone of the model has, the name is
//!   delegated outside the model and nothing here answers for it.
//!
//! So a zone inside another account's zone answers only when that parent's
//! owner delegates to it, and private DNS names verify only against records
//! of the authoritative zone.

use crate::error::CoreError;
use crate::privatelink::{MAX_DNS_LABEL_CHARS, MAX_DNS_NAME_CHARS};

/// A record's type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum RecordType {
    /// Text; private DNS names are verified with one.
    Txt,
    /// An IPv4 address.
    A,
    /// A delegation: the value is one name server of the child zone.
    Ns,
}

impl RecordType {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "TXT" => Some(RecordType::Txt),
            "A" => Some(RecordType::A),
            "NS" => Some(RecordType::Ns),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            RecordType::Txt => "TXT",
            RecordType::A => "A",
            RecordType::Ns => "NS",
        }
    }
}

/// Longest TXT value (one character string), in bytes.
pub const MAX_TXT_VALUE: usize = 255;

/// A DNS name as records and zones take it: lowercase, without the final
/// dot, labels of 1 to 63 letters, digits, hyphens and underscores, at most
/// 255 characters, at least two labels. Answers the normalised name.
pub fn normalise_name(name: &str) -> Result<String, CoreError> {
    let n = name.trim_end_matches('.').to_ascii_lowercase();
    let labels_ok = n.split('.').all(|l| {
        !l.is_empty()
            && l.len() <= MAX_DNS_LABEL_CHARS
            && l.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    });
    if !labels_ok || n.len() > MAX_DNS_NAME_CHARS || !n.contains('.') {
        return Err(CoreError::invalid_value(format!(
            "name: '{name}' is not a valid DNS name (labels of 1 to 63 letters, digits, '-' or '_', at least two of them, 255 characters in all)"
        )));
    }
    Ok(n)
}

/// A zone's name as zones take it: a lowercase domain of at least two
/// labels of letters, digits and hyphens (a private DNS name's rules),
/// without the final dot; not a wildcard, not under `amazonaws.com` (AWS's).
/// Every place that names a zone (create, read, delete, a record's
/// `zone_name`) goes through it, so `Example.com.` is `example.com`
/// everywhere.
pub fn normalise_zone_name(name: &str) -> Result<String, CoreError> {
    let n = name.trim_end_matches('.').to_ascii_lowercase();
    if n.starts_with("*.") {
        return Err(CoreError::invalid_value(
            "name: a zone name cannot be a wildcard",
        ));
    }
    crate::privatelink::validate_private_dns_name(&n)?;
    if n == "amazonaws.com" || n.ends_with(".amazonaws.com") {
        return Err(CoreError::invalid_value(
            "name: amazonaws.com belongs to AWS and cannot be a customer zone",
        ));
    }
    Ok(n)
}

/// A checked record of `zone_name`: normalised name and type, and the value
/// to store (an NS value normalised like a name, so that it matches the
/// child zone's name servers however it was written).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedRecord {
    pub name: String,
    pub kind: RecordType,
    pub value: String,
}

/// Checks a record of `zone_name`. NS records delegate a name strictly
/// below the zone's apex, and their value is a name server's host name.
pub fn validate_record(
    zone_name: &str,
    name: &str,
    record_type: &str,
    value: &str,
) -> Result<CheckedRecord, CoreError> {
    let name = normalise_name(name)?;
    let Some(kind) = RecordType::parse(record_type) else {
        return Err(CoreError::invalid_value(format!(
            "type: '{record_type}' is not supported; use TXT, A or NS"
        )));
    };
    match kind {
        RecordType::Txt if value.is_empty() || value.len() > MAX_TXT_VALUE => {
            return Err(CoreError::invalid_value(format!(
                "value: a TXT value is 1 to {MAX_TXT_VALUE} characters"
            )));
        }
        RecordType::Txt => {}
        RecordType::A => {
            crate::net::parse_ipv4(value)?;
        }
        RecordType::Ns => {
            if name == zone_name {
                return Err(CoreError::invalid_value(format!(
                    "name: an NS record delegates a name below the zone; '{name}' is the apex of zone {zone_name}"
                )));
            }
            let server = normalise_name(value).map_err(|_| {
                CoreError::invalid_value(format!(
                    "value: an NS record's value is a name server's host name, not '{value}'"
                ))
            })?;
            return Ok(CheckedRecord {
                name,
                kind,
                value: server,
            });
        }
    }
    Ok(CheckedRecord {
        name,
        kind,
        value: value.to_string(),
    })
}

/// `name` and the names that enclose it on label boundaries, longest first,
/// down to two labels (`a.b.example.com`, `b.example.com`, `example.com`).
pub fn enclosing_names(name: &str) -> Vec<&str> {
    let mut out = vec![name];
    let mut rest = name;
    while let Some((_, parent)) = rest.split_once('.') {
        if !parent.contains('.') {
            break;
        }
        out.push(parent);
        rest = parent;
    }
    out
}

/// Whether `outer` is `name` or encloses it on a label boundary.
pub fn encloses(outer: &str, name: &str) -> bool {
    name == outer
        || (name.len() > outer.len()
            && name.ends_with(outer)
            && name.as_bytes()[name.len() - outer.len() - 1] == b'.')
}

/// The four name servers of a zone, Route 53 style
/// (`ns-1234.awsdns-12.com`, `.net`, `.org`, `.co.uk`), fixed for the zone's
/// owner and name.
pub fn name_servers(account_id: &str, zone_name: &str) -> [String; 4] {
    // FNV-1a: stable across builds and platforms.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in account_id.bytes().chain([b'/']).chain(zone_name.bytes()) {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    let tlds = ["com", "net", "org", "co.uk"];
    let base = (h % 2048) as u32;
    let group = ((h >> 11) % 64) as u32;
    std::array::from_fn(|i| {
        let n = (base + i as u32 * 512) % 2048;
        let g = (group + i as u32 * 16) % 64;
        format!("ns-{n}.awsdns-{g:02}.{}", tlds[i])
    })
}

/// Whether `account_id` may not create a zone named `zone_name`: the zone
/// answering for that name now is another account's zone of exactly that
/// name (that account holds the name). Zones of a name inside another zone
/// are allowed: they answer only once the enclosing zone delegates to them.
pub fn name_is_held_by_another(
    account_id: &str,
    zone_name: &str,
    zones: &[ZoneKey<'_>],
    delegations: &[Delegation<'_>],
) -> bool {
    match authority(zone_name, zones, delegations) {
        Authority::Zone(i) => zones[i].zone_name == zone_name && zones[i].account_id != account_id,
        Authority::NoZone | Authority::Outside { .. } => false,
    }
}

/// A zone as the authority walk sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZoneKey<'a> {
    pub account_id: &'a str,
    pub zone_name: &'a str,
    pub created_at: i64,
}

/// An NS record: in which zone, at which name, pointing where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delegation<'a> {
    pub account_id: &'a str,
    pub zone_name: &'a str,
    pub record_name: &'a str,
    pub name_server: &'a str,
}

/// Who answers for `name`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Authority {
    /// This zone (an index into the zones given).
    Zone(usize),
    /// No zone of the model encloses the name.
    NoZone,
    /// The authoritative zone delegates the name (at `at`) to name servers
    /// that no zone of the model has: nothing here answers.
    Outside { at: String },
}

/// The authoritative zone for `name`, among `zones` (those whose name
/// encloses `name`, of any account) and the NS records `delegations` in
/// them. See the module's documentation for the rules.
pub fn authority(name: &str, zones: &[ZoneKey<'_>], delegations: &[Delegation<'_>]) -> Authority {
    let oldest = |candidates: &mut dyn Iterator<Item = usize>| {
        candidates.min_by_key(|&i| (zones[i].created_at, zones[i].account_id))
    };
    // The top: the first zone made over the name, at whatever level.
    let enclosing = enclosing_names(name);
    let Some(top) =
        oldest(&mut (0..zones.len()).filter(|&i| enclosing.contains(&zones[i].zone_name)))
    else {
        return Authority::NoZone;
    };
    let mut current = top;
    // Down from it, only along delegations.
    for level in enclosing.into_iter().rev() {
        if level.len() <= zones[top].zone_name.len() {
            continue;
        }
        let here: Vec<usize> = (0..zones.len())
            .filter(|&i| zones[i].zone_name == level)
            .collect();
        let cur = current;
        let parent = &zones[cur];
        let servers: Vec<&str> = delegations
            .iter()
            .filter(|d| {
                d.account_id == parent.account_id
                    && d.zone_name == parent.zone_name
                    && d.record_name == level
            })
            .map(|d| d.name_server)
            .collect();
        if servers.is_empty() {
            continue;
        }
        let delegated = here.iter().copied().filter(|&i| {
            name_servers(zones[i].account_id, zones[i].zone_name)
                .iter()
                .any(|ns| servers.contains(&ns.as_str()))
        });
        match oldest(&mut { delegated }) {
            Some(child) => current = child,
            None => {
                return Authority::Outside {
                    at: level.to_string(),
                };
            }
        }
    }
    Authority::Zone(current)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zone<'a>(account_id: &'a str, zone_name: &'a str, created_at: i64) -> ZoneKey<'a> {
        ZoneKey {
            account_id,
            zone_name,
            created_at,
        }
    }

    fn ns<'a>(account_id: &'a str, zone_name: &'a str, at: &'a str, to: &'a str) -> Delegation<'a> {
        Delegation {
            account_id,
            zone_name,
            record_name: at,
            name_server: to,
        }
    }

    #[test]
    fn names_and_records() {
        assert_eq!(
            normalise_name("WWW.Example.COM.").as_deref(),
            Ok("www.example.com")
        );
        assert!(normalise_name("com").is_err());
        assert!(normalise_name("a..b").is_err());
        assert!(normalise_name("a b.com").is_err());
        assert!(normalise_name(&format!("{}.com", "a".repeat(64))).is_err());
        assert_eq!(
            enclosing_names("_x.api.example.com"),
            ["_x.api.example.com", "api.example.com", "example.com"]
        );
        assert_eq!(enclosing_names("example.com"), ["example.com"]);
        assert!(encloses("example.com", "a.example.com"));
        assert!(encloses("example.com", "example.com"));
        assert!(!encloses("example.com", "badexample.com"));
        assert!(validate_record("example.com", "a.example.com", "TXT", "v").is_ok());
        assert!(matches!(
            validate_record("example.com", "a.example.com", "A", "192.0.2.1"),
            Ok(CheckedRecord {
                kind: RecordType::A,
                ..
            })
        ));
        assert!(validate_record("example.com", "a.example.com", "TXT", "").is_err());
        assert!(validate_record("example.com", "a.example.com", "A", "1.2.3").is_err());
        assert!(validate_record("example.com", "a.example.com", "MX", "x").is_err());
        assert!(
            validate_record("example.com", "sub.example.com", "NS", "ns-1.awsdns-01.org").is_ok()
        );
        assert!(validate_record("example.com", "example.com", "NS", "ns-1.awsdns-01.org").is_err());
        assert!(validate_record("example.com", "sub.example.com", "NS", "not a host").is_err());
    }

    #[test]
    fn a_name_at_the_top_has_one_holder() {
        let zones = [zone("a", "example.com", 1)];
        assert!(name_is_held_by_another("b", "example.com", &zones, &[]));
        assert!(!name_is_held_by_another("a", "example.com", &zones, &[]));
        assert!(!name_is_held_by_another(
            "b",
            "sub.example.com",
            &zones,
            &[]
        ));
        let nested = [zone("a", "example.com", 1), zone("c", "sub.example.com", 2)];
        assert!(!name_is_held_by_another(
            "b",
            "sub.example.com",
            &nested,
            &[]
        ));
        // A name held inside a parent that came later is still held.
        let later_parent = [zone("b", "api.example.com", 1), zone("a", "example.com", 2)];
        assert!(name_is_held_by_another(
            "c",
            "api.example.com",
            &later_parent,
            &[]
        ));
    }

    #[test]
    fn a_parent_made_later_takes_nothing_from_an_older_zone() {
        // B held api.example.com before A made example.com.
        let zones = [zone("b", "api.example.com", 1), zone("a", "example.com", 2)];
        assert_eq!(
            authority("_x.api.example.com", &zones, &[]),
            Authority::Zone(0)
        );
        assert_eq!(
            authority("api.example.com", &zones, &[]),
            Authority::Zone(0)
        );
        // Names beside it are A's.
        assert_eq!(
            authority("www.example.com", &zones, &[]),
            Authority::Zone(1)
        );
        // An NS record of A's cannot hand B's names to anyone.
        let a_ns = name_servers("a", "example.com");
        let d = [ns("a", "example.com", "api.example.com", &a_ns[0])];
        assert_eq!(
            authority("_x.api.example.com", &zones, &d),
            Authority::Zone(0)
        );
    }

    #[test]
    fn zone_names_and_ns_values_are_normalised() {
        assert_eq!(
            normalise_zone_name("Example.COM.").as_deref(),
            Ok("example.com")
        );
        assert!(normalise_zone_name("*.example.com").is_err());
        assert!(normalise_zone_name("vpce.amazonaws.com").is_err());
        assert!(normalise_zone_name("a_b.example.com").is_err());
        let r = validate_record(
            "example.com",
            "Sub.Example.com",
            "NS",
            "NS-1.AWSDNS-01.ORG.",
        )
        .expect("ns");
        assert_eq!(r.name, "sub.example.com");
        assert_eq!(r.value, "ns-1.awsdns-01.org");
        let t = validate_record("example.com", "_x.example.com", "TXT", "Case Kept").expect("txt");
        assert_eq!(t.value, "Case Kept");
    }

    #[test]
    fn name_servers_are_stable_and_distinct() {
        let a = name_servers("111122223333", "example.com");
        assert_eq!(a, name_servers("111122223333", "example.com"));
        assert_ne!(a, name_servers("444455556666", "example.com"));
        assert!(a[0].starts_with("ns-") && a[0].ends_with(".com"));
        assert!(a[3].ends_with(".co.uk"));
    }

    #[test]
    fn the_first_zone_at_the_top_answers() {
        let zones = [zone("b", "example.com", 2), zone("a", "example.com", 1)];
        assert_eq!(authority("x.example.com", &zones, &[]), Authority::Zone(1));
        assert_eq!(authority("example.com", &zones, &[]), Authority::Zone(1));
        assert_eq!(authority("x.example.org", &[], &[]), Authority::NoZone);
    }

    #[test]
    fn a_child_zone_answers_only_when_delegated() {
        let zones = [zone("a", "example.com", 1), zone("b", "sub.example.com", 2)];
        // No NS record in the parent: the parent keeps answering.
        assert_eq!(
            authority("_t.sub.example.com", &zones, &[]),
            Authority::Zone(0)
        );
        // The parent delegates to one of the child's name servers.
        let child_ns = name_servers("b", "sub.example.com");
        let d = [ns("a", "example.com", "sub.example.com", &child_ns[2])];
        assert_eq!(
            authority("_t.sub.example.com", &zones, &d),
            Authority::Zone(1)
        );
        assert_eq!(authority("sub.example.com", &zones, &d), Authority::Zone(1));
        // Names beside the delegation stay with the parent.
        assert_eq!(authority("www.example.com", &zones, &d), Authority::Zone(0));
        // The child writing an NS record in its own zone delegates nothing.
        let own = [ns("b", "sub.example.com", "sub.example.com", &child_ns[0])];
        assert_eq!(
            authority("_t.sub.example.com", &zones, &own),
            Authority::Zone(0)
        );
        // Delegation to servers no zone has: nothing here answers.
        let away = [ns(
            "a",
            "example.com",
            "sub.example.com",
            "ns1.elsewhere.net",
        )];
        assert_eq!(
            authority("_t.sub.example.com", &zones, &away),
            Authority::Outside {
                at: "sub.example.com".to_string()
            }
        );
    }

    #[test]
    fn the_same_account_also_delegates_explicitly() {
        let zones = [zone("a", "example.com", 1), zone("a", "sub.example.com", 2)];
        assert_eq!(
            authority("x.sub.example.com", &zones, &[]),
            Authority::Zone(0)
        );
        let child_ns = name_servers("a", "sub.example.com");
        let d = [ns("a", "example.com", "sub.example.com", &child_ns[0])];
        assert_eq!(
            authority("x.sub.example.com", &zones, &d),
            Authority::Zone(1)
        );
    }

    #[test]
    fn delegation_follows_the_chain_and_picks_the_named_child() {
        // Two accounts hold sub.example.com; the parent names b's servers.
        let zones = [
            zone("a", "example.com", 1),
            zone("c", "sub.example.com", 2),
            zone("b", "sub.example.com", 3),
            zone("d", "deep.sub.example.com", 4),
        ];
        let b_ns = name_servers("b", "sub.example.com");
        let d_ns = name_servers("d", "deep.sub.example.com");
        let mut d = vec![ns("a", "example.com", "sub.example.com", &b_ns[1])];
        assert_eq!(
            authority("x.sub.example.com", &zones, &d),
            Authority::Zone(2)
        );
        // deep.sub is d's only once b (now authoritative above) delegates.
        assert_eq!(
            authority("x.deep.sub.example.com", &zones, &d),
            Authority::Zone(2)
        );
        d.push(ns("c", "sub.example.com", "deep.sub.example.com", &d_ns[0]));
        assert_eq!(
            authority("x.deep.sub.example.com", &zones, &d),
            Authority::Zone(2)
        );
        d.push(ns("b", "sub.example.com", "deep.sub.example.com", &d_ns[0]));
        assert_eq!(
            authority("x.deep.sub.example.com", &zones, &d),
            Authority::Zone(3)
        );
    }
}
