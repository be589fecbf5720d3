//! IPv4 addresses and CIDR blocks: strict parsing and formatting, VPC and
//! subnet blocks, the addresses AWS reserves, one subnet per zone,
//! longest-prefix match.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::str::FromStr;

use super::{MAX_BLOCK_PREFIX, MIN_BLOCK_PREFIX, RESERVED_AT_START};
use crate::error::CoreError;

/// The parameter name used in [`Ipv4Cidr::parse`] error messages.
const CIDR_PARAM: &str = "cidrBlock";

/// The netmask of a prefix length; `len` must be at most 32.
pub(super) fn netmask(len: u8) -> u32 {
    u32::MAX.checked_shl(32 - u32::from(len)).unwrap_or(0)
}

/// Parses a decimal number of at most `max_digits` digits and no leading zero
/// (a lone `0` is fine), no greater than `max`.
fn parse_decimal(s: &str, max_digits: usize, max: u32) -> Option<u32> {
    let b = s.as_bytes();
    if b.is_empty() || b.len() > max_digits || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    if b.len() > 1 && b[0] == b'0' {
        return None;
    }
    let v = s.parse::<u32>().ok()?;
    (v <= max).then_some(v)
}

/// Strict dotted quad, or `None`.
fn parse_dotted(s: &str) -> Option<u32> {
    let mut out = 0u32;
    let mut count = 0;
    for part in s.split('.') {
        if count == 4 {
            return None;
        }
        out = (out << 8) | parse_decimal(part, 3, 255)?;
        count += 1;
    }
    (count == 4).then_some(out)
}

/// Parses a dotted-quad IPv4 address strictly: four decimal octets from 0 to
/// 255, no sign, no spaces, no leading zeros.
pub fn parse_ipv4(s: &str) -> Result<u32, CoreError> {
    parse_dotted(s).ok_or_else(|| {
        CoreError::invalid_value(format!(
            "Value ({s}) is not a valid IPv4 address. Expected four decimal octets \
             from 0 to 255 without leading zeros, such as 10.0.1.25."
        ))
    })
}

/// Formats an address as a dotted quad.
pub fn format_ipv4(ip: u32) -> String {
    ipv4_text(ip, &mut [0; 15]).to_string()
}

/// `ip` as `a.b.c.d` in `buf`, without allocating.
pub fn ipv4_text(ip: u32, buf: &mut [u8; 15]) -> &str {
    let mut n = 0;
    for (k, o) in ip.to_be_bytes().into_iter().enumerate() {
        if k > 0 {
            buf[n] = b'.';
            n += 1;
        }
        if o >= 100 {
            buf[n] = b'0' + o / 100;
            n += 1;
        }
        if o >= 10 {
            buf[n] = b'0' + o / 10 % 10;
            n += 1;
        }
        buf[n] = b'0' + o % 10;
        n += 1;
    }
    std::str::from_utf8(&buf[..n]).unwrap_or_default()
}

/// An IPv4 CIDR block whose host bits are zero.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Ipv4Cidr {
    network: u32,
    len: u8,
}

impl Ipv4Cidr {
    /// Strict parse of `a.b.c.d/n`: `n` from 0 to 32 and four decimal octets
    /// from 0 to 255, without signs, spaces or leading zeros. The host bits
    /// must be zero (`10.0.0.1/16` is refused, suggesting `10.0.0.0/16`).
    /// Errors name the parameter `cidrBlock`; see [`Ipv4Cidr::parse_param`].
    pub fn parse(s: &str) -> Result<Ipv4Cidr, CoreError> {
        Ipv4Cidr::parse_param(CIDR_PARAM, s)
    }

    /// As [`Ipv4Cidr::parse`], naming `param` in error messages
    /// (`destinationCidrBlock`, for example).
    pub fn parse_param(param: &str, s: &str) -> Result<Ipv4Cidr, CoreError> {
        let invalid = || {
            CoreError::invalid_value(format!(
                "Value ({s}) for parameter {param} is invalid. This is not a valid CIDR block."
            ))
        };
        let (addr, len) = s.split_once('/').ok_or_else(invalid)?;
        let addr = parse_dotted(addr).ok_or_else(invalid)?;
        let len = parse_decimal(len, 2, 32).ok_or_else(invalid)?;
        let len = u8::try_from(len).map_err(|_| invalid())?;
        let network = addr & netmask(len);
        if network != addr {
            let suggestion = Ipv4Cidr { network, len };
            return Err(CoreError::invalid_value(format!(
                "Value ({s}) for parameter {param} is invalid. This is not a network \
                 address: {} has bits set outside the /{len} prefix. Did you mean {suggestion}?",
                format_ipv4(addr)
            )));
        }
        Ok(Ipv4Cidr { network, len })
    }

    /// A block from its network address and prefix length. Errors when the
    /// length is over 32 or host bits are set.
    pub fn new(network: u32, len: u8) -> Result<Ipv4Cidr, CoreError> {
        if len > 32 {
            return Err(CoreError::invalid_value(format!(
                "Prefix length /{len} is invalid. It must be between /0 and /32."
            )));
        }
        let masked = network & netmask(len);
        if masked != network {
            return Err(CoreError::invalid_value(format!(
                "Address {} is not the network address of a /{len} block. Did you mean {}?",
                format_ipv4(network),
                Ipv4Cidr {
                    network: masked,
                    len
                }
            )));
        }
        Ok(Ipv4Cidr { network, len })
    }

    /// The network address (the first address of the block).
    pub fn network(&self) -> u32 {
        self.network
    }

    /// The prefix length, 0 to 32.
    pub fn prefix_len(&self) -> u8 {
        self.len
    }

    /// The first address of the block (the network address).
    pub fn first(&self) -> u32 {
        self.network
    }

    /// The last address of the block (the broadcast address).
    pub fn last(&self) -> u32 {
        self.network | !netmask(self.len)
    }

    /// Number of addresses in the block, `2^(32 - len)`.
    pub fn size(&self) -> u64 {
        1u64 << (32 - u32::from(self.len))
    }

    /// Whether `ip` lies in the block.
    pub fn contains_addr(&self, ip: u32) -> bool {
        ip & netmask(self.len) == self.network
    }

    /// Whether `other` lies entirely inside this block (an equal block does).
    pub fn contains(&self, other: &Ipv4Cidr) -> bool {
        other.len >= self.len && self.contains_addr(other.network)
    }

    /// Whether the two blocks share at least one address.
    pub fn overlaps(&self, other: &Ipv4Cidr) -> bool {
        self.first() <= other.last() && other.first() <= self.last()
    }
}

impl fmt::Display for Ipv4Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let [a, b, c, d] = self.network.to_be_bytes();
        write!(f, "{a}.{b}.{c}.{d}/{}", self.len)
    }
}

impl FromStr for Ipv4Cidr {
    type Err = CoreError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ipv4Cidr::parse(s)
    }
}

impl serde::Serialize for Ipv4Cidr {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Ipv4Cidr {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        Ipv4Cidr::parse(&s).map_err(|e| serde::de::Error::custom(e.message))
    }
}

/// A VPC's primary CIDR block: a strict CIDR of /16 to /28.
pub fn validate_vpc_cidr(s: &str) -> Result<Ipv4Cidr, CoreError> {
    let cidr = Ipv4Cidr::parse(s)?;
    if !(MIN_BLOCK_PREFIX..=MAX_BLOCK_PREFIX).contains(&cidr.len) {
        return Err(CoreError::invalid(
            "InvalidVpc.Range",
            format!(
                "The CIDR '{cidr}' is invalid. A VPC's CIDR block must have a prefix length \
                 between /{MIN_BLOCK_PREFIX} (65,536 addresses) and /{MAX_BLOCK_PREFIX} (16 addresses)."
            ),
        ));
    }
    Ok(cidr)
}

/// A subnet's CIDR block inside its VPC: a strict CIDR of /16 to /28 inside
/// `vpc`, overlapping none of `existing` (the VPC's other subnets, as
/// `(subnet_id, cidr)`).
pub fn validate_subnet_cidr(
    vpc: &Ipv4Cidr,
    s: &str,
    existing: &[(&str, Ipv4Cidr)],
) -> Result<Ipv4Cidr, CoreError> {
    let cidr = Ipv4Cidr::parse(s)?;
    if !(MIN_BLOCK_PREFIX..=MAX_BLOCK_PREFIX).contains(&cidr.len) {
        return Err(CoreError::invalid(
            "InvalidSubnet.Range",
            format!(
                "The CIDR '{cidr}' is invalid. A subnet's CIDR block must have a prefix length \
                 between /{MIN_BLOCK_PREFIX} and /{MAX_BLOCK_PREFIX}."
            ),
        ));
    }
    if !vpc.contains(&cidr) {
        return Err(CoreError::invalid(
            "InvalidSubnet.Range",
            format!("The CIDR '{cidr}' is invalid. It must lie within the VPC's CIDR block {vpc}."),
        ));
    }
    if let Some((id, _)) = existing.iter().find(|(_, other)| other.overlaps(&cidr)) {
        return Err(CoreError::conflict(
            "InvalidSubnet.Conflict",
            format!("The CIDR '{cidr}' conflicts with another subnet ({id})"),
        ));
    }
    Ok(cidr)
}

/// Whether `ip` is one of the addresses AWS reserves in `subnet`: the first
/// four and the last. Addresses outside the subnet are not reserved in it.
pub fn is_reserved(subnet: &Ipv4Cidr, ip: u32) -> bool {
    subnet.contains_addr(ip) && (ip - subnet.first() < RESERVED_AT_START || ip == subnet.last())
}

/// The usable addresses of `subnet`, inclusive: `first + 4 ..= last - 1`;
/// `None` when the block is too small to have any.
pub fn usable_range(subnet: &Ipv4Cidr) -> Option<(u32, u32)> {
    if usable_count(subnet) == 0 {
        return None;
    }
    Some((subnet.first() + RESERVED_AT_START, subnet.last() - 1))
}

/// Number of usable addresses: the size less the five reserved ones.
pub fn usable_count(subnet: &Ipv4Cidr) -> u64 {
    subnet
        .size()
        .saturating_sub(u64::from(RESERVED_AT_START) + 1)
}

/// Checks a requested private IP: it must be inside the subnet and not one of
/// its reserved addresses.
pub fn check_requested_ip(subnet: &Ipv4Cidr, ip: u32) -> Result<(), CoreError> {
    if !subnet.contains_addr(ip) {
        return Err(CoreError::invalid_value(format!(
            "Address {} does not fall within the subnet's address range",
            format_ipv4(ip)
        )));
    }
    if is_reserved(subnet, ip) {
        return Err(CoreError::invalid_value(format!(
            "Address {} is in subnet's reserved address range",
            format_ipv4(ip)
        )));
    }
    Ok(())
}

/// One subnet per availability zone, for interface endpoints, transit gateway
/// attachments and load balancers. `items` are `(subnet_id, zone_id)`.
pub fn one_subnet_per_zone(items: &[(&str, &str)]) -> Result<(), CoreError> {
    let mut subnets: BTreeSet<&str> = BTreeSet::new();
    let mut zones: BTreeMap<&str, &str> = BTreeMap::new();
    for &(subnet, zone) in items {
        if !subnets.insert(subnet) {
            return Err(CoreError::invalid_value(format!(
                "{subnet} is listed twice"
            )));
        }
        if let Some(first) = zones.insert(zone, subnet) {
            return Err(CoreError::invalid(
                "DuplicateSubnetsInSameZone",
                format!(
                    "Found another subnet in the availability zone of {subnet} ({zone}): {first}. \
                     Give at most one subnet per availability zone."
                ),
            ));
        }
    }
    Ok(())
}

/// Longest-prefix match: the index of the most specific block in `routes`
/// that contains `ip`, or `None` when none does. Among equally specific
/// blocks the first listed wins.
pub fn longest_prefix_match(routes: &[Ipv4Cidr], ip: u32) -> Option<usize> {
    let mut best: Option<(usize, u8)> = None;
    for (i, r) in routes.iter().enumerate() {
        if r.contains_addr(ip) && best.is_none_or(|(_, len)| r.len > len) {
            best = Some((i, r.len));
        }
    }
    best.map(|(i, _)| i)
}
