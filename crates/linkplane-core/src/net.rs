//! IPv4 addressing rules: CIDR blocks, VPC and subnet ranges, reserved
//! addresses, private IP allocation, route destinations, security group
//! protocols and ports, and the one-subnet-per-zone rule.
//!
//! # Free ranges
//!
//! A subnet's address pool is stored as the list of its *free* addresses,
//! written as disjoint inclusive intervals ([`FreeRange`]) keyed by their
//! first address. A new subnet starts with one range: its usable addresses
//! (the first four and the last address are reserved by AWS). The ranges are
//! kept sorted, disjoint and fully merged: two stored ranges are never
//! adjacent, so every gap between them is a run of addresses in use.
//!
//! This representation is what keeps allocation cheap. With an ordered index
//! on `(subnet_id, start)` the store can answer each of these in `O(log n)`:
//!
//! * the lowest range, which holds the lowest free address
//!   ([`take_lowest`]);
//! * the range with the greatest start `<= ip`, which is the only range that
//!   can cover `ip` ([`take_address`]);
//! * the ranges immediately before and after `ip`, the only ones a released
//!   address can merge with ([`release`]).
//!
//! Every operation looks at no more than two ranges and answers at most three
//! [`RangeEdit`]s, so the core's work is `O(1)` per call and allocation costs
//! `O(log n)` overall, where `n` is the number of free ranges (never more than
//! half the subnet's size, and typically tiny). There is no scan for a free
//! address and no bitmap to load. The core only decides the edits; the store
//! applies them in the order given. [`IpAllocator`] is the same scheme over an
//! in-memory `BTreeMap`.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::str::FromStr;

use crate::error::CoreError;

/// Smallest prefix length (largest block) AWS allows for a VPC or subnet.
pub const MIN_BLOCK_PREFIX: u8 = 16;
/// Largest prefix length (smallest block) AWS allows for a VPC or subnet.
pub const MAX_BLOCK_PREFIX: u8 = 28;
/// Addresses AWS reserves at the start of every subnet (network address,
/// VPC router, DNS server, reserved for future use).
pub const RESERVED_AT_START: u32 = 4;

/// The parameter name used in [`Ipv4Cidr::parse`] error messages.
const CIDR_PARAM: &str = "cidrBlock";

/// The netmask of a prefix length; `len` must be at most 32.
fn netmask(len: u8) -> u32 {
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

/// A free interval of addresses, inclusive on both ends, `start <= end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FreeRange {
    pub start: u32,
    pub end: u32,
}

impl FreeRange {
    /// Number of addresses in the range.
    pub fn len(&self) -> u64 {
        u64::from(self.end) - u64::from(self.start) + 1
    }

    /// Always false: a range holds at least one address.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// Whether `ip` lies in the range.
    pub fn covers(&self, ip: u32) -> bool {
        self.start <= ip && ip <= self.end
    }
}

/// An edit to the stored free ranges; apply in the order given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RangeEdit {
    /// Delete the stored range starting at `start`.
    Remove { start: u32 },
    /// Store a new range.
    Insert(FreeRange),
}

/// A new subnet's free ranges: its usable range (nothing for a block too
/// small to have usable addresses).
pub fn initial_free_ranges(subnet: &Ipv4Cidr) -> Vec<FreeRange> {
    usable_range(subnet)
        .map(|(start, end)| FreeRange { start, end })
        .into_iter()
        .collect()
}

fn insufficient_addresses() -> CoreError {
    CoreError::conflict(
        "InsufficientFreeAddressesInSubnet",
        "There are not enough free addresses in subnet to satisfy the requested number of instances.",
    )
}

/// Allocates the lowest free address, given the lowest stored range (`None`
/// when the subnet has none left). Answers the address and the edits.
pub fn take_lowest(lowest: Option<FreeRange>) -> Result<(u32, Vec<RangeEdit>), CoreError> {
    let range = lowest.ok_or_else(insufficient_addresses)?;
    let ip = range.start;
    let mut edits = vec![RangeEdit::Remove { start: range.start }];
    if range.start < range.end {
        edits.push(RangeEdit::Insert(FreeRange {
            start: range.start + 1,
            end: range.end,
        }));
    }
    Ok((ip, edits))
}

/// Allocates a requested address. `containing` is the stored range with the
/// greatest start `<= ip`, whether or not it covers `ip`. The address is first
/// checked with [`check_requested_ip`]; when no free range covers it, it is in
/// use (`InvalidIPAddress.InUse`).
pub fn take_address(
    subnet: &Ipv4Cidr,
    ip: u32,
    containing: Option<FreeRange>,
) -> Result<Vec<RangeEdit>, CoreError> {
    check_requested_ip(subnet, ip)?;
    let range = containing.filter(|r| r.covers(ip)).ok_or_else(|| {
        CoreError::conflict(
            "InvalidIPAddress.InUse",
            format!("Address {} is in use.", format_ipv4(ip)),
        )
    })?;
    let mut edits = vec![RangeEdit::Remove { start: range.start }];
    if range.start < ip {
        edits.push(RangeEdit::Insert(FreeRange {
            start: range.start,
            end: ip - 1,
        }));
    }
    if ip < range.end {
        edits.push(RangeEdit::Insert(FreeRange {
            start: ip + 1,
            end: range.end,
        }));
    }
    Ok(edits)
}

/// Returns an address to the pool. `before` is the stored range with the
/// greatest start `< ip` and `after` the one with the smallest start `> ip`.
/// The address is merged with a neighbour it is adjacent to, so the ranges
/// stay fully merged. When `before` already covers `ip` there is nothing to do
/// and no edits are answered.
///
/// `before` may also be the range with the greatest start `<= ip` (as
/// [`IpAllocator`] passes it): that makes the call idempotent even when `ip`
/// is itself the first address of a free range, which the strict `<` lookup
/// cannot see. The caller is responsible for only releasing usable addresses
/// of the subnet.
pub fn release(ip: u32, before: Option<FreeRange>, after: Option<FreeRange>) -> Vec<RangeEdit> {
    if before.is_some_and(|b| b.covers(ip)) {
        return Vec::new();
    }
    let before = before.filter(|b| b.end < ip && b.end + 1 == ip);
    let after = after.filter(|a| a.start > ip && ip + 1 == a.start);
    match (before, after) {
        (Some(b), Some(a)) => vec![
            RangeEdit::Remove { start: b.start },
            RangeEdit::Remove { start: a.start },
            RangeEdit::Insert(FreeRange {
                start: b.start,
                end: a.end,
            }),
        ],
        (Some(b), None) => vec![
            RangeEdit::Remove { start: b.start },
            RangeEdit::Insert(FreeRange {
                start: b.start,
                end: ip,
            }),
        ],
        (None, Some(a)) => vec![
            RangeEdit::Remove { start: a.start },
            RangeEdit::Insert(FreeRange {
                start: ip,
                end: a.end,
            }),
        ],
        (None, None) => vec![RangeEdit::Insert(FreeRange { start: ip, end: ip })],
    }
}

/// In-memory allocator built on [`take_lowest`], [`take_address`] and
/// [`release`] over a `BTreeMap<start, end>` of free ranges, for the
/// resolver's snapshot and for tests.
#[derive(Debug, Clone)]
pub struct IpAllocator {
    subnet: Ipv4Cidr,
    ranges: BTreeMap<u32, u32>,
    free: u64,
}

impl IpAllocator {
    /// A fresh pool: every usable address of `subnet` is free.
    pub fn new(subnet: Ipv4Cidr) -> IpAllocator {
        let mut alloc = IpAllocator {
            subnet,
            ranges: BTreeMap::new(),
            free: 0,
        };
        let edits: Vec<RangeEdit> = initial_free_ranges(&subnet)
            .into_iter()
            .map(RangeEdit::Insert)
            .collect();
        alloc.apply(&edits);
        alloc
    }

    /// A pool from stored free ranges (in any order). Adjacent ranges are
    /// merged. Errors when a range is empty (`start > end`), reaches outside
    /// the usable addresses of `subnet`, or overlaps another.
    pub fn from_free_ranges(
        subnet: Ipv4Cidr,
        ranges: &[FreeRange],
    ) -> Result<IpAllocator, CoreError> {
        let usable = usable_range(&subnet);
        let mut sorted = ranges.to_vec();
        sorted.sort_by_key(|r| r.start);
        let mut alloc = IpAllocator {
            subnet,
            ranges: BTreeMap::new(),
            free: 0,
        };
        let mut prev: Option<FreeRange> = None;
        for r in sorted {
            let text = format!("{}-{}", format_ipv4(r.start), format_ipv4(r.end));
            let inside = usable.is_some_and(|(lo, hi)| lo <= r.start && r.end <= hi);
            if r.start > r.end || !inside {
                return Err(CoreError::invalid_value(format!(
                    "Free range {text} is not within the usable addresses of subnet {subnet}"
                )));
            }
            match prev {
                Some(p) if r.start <= p.end => {
                    return Err(CoreError::invalid_value(format!(
                        "Free range {text} overlaps another free range of subnet {subnet}"
                    )));
                }
                Some(p) if p.end + 1 == r.start => {
                    prev = Some(FreeRange {
                        start: p.start,
                        end: r.end,
                    });
                }
                Some(p) => {
                    alloc.apply(&[RangeEdit::Insert(p)]);
                    prev = Some(r);
                }
                None => prev = Some(r),
            }
        }
        if let Some(p) = prev {
            alloc.apply(&[RangeEdit::Insert(p)]);
        }
        Ok(alloc)
    }

    /// The subnet whose addresses this pool hands out.
    pub fn subnet(&self) -> Ipv4Cidr {
        self.subnet
    }

    fn apply(&mut self, edits: &[RangeEdit]) {
        for edit in edits {
            match *edit {
                RangeEdit::Remove { start } => {
                    if let Some(end) = self.ranges.remove(&start) {
                        self.free -= FreeRange { start, end }.len();
                    }
                }
                RangeEdit::Insert(r) => {
                    if let Some(end) = self.ranges.insert(r.start, r.end) {
                        self.free -= FreeRange {
                            start: r.start,
                            end,
                        }
                        .len();
                    }
                    self.free += r.len();
                }
            }
        }
    }

    fn range_at_or_before(&self, ip: u32) -> Option<FreeRange> {
        self.ranges
            .range(..=ip)
            .next_back()
            .map(|(&start, &end)| FreeRange { start, end })
    }

    /// Allocates the lowest free address.
    pub fn allocate(&mut self) -> Result<u32, CoreError> {
        let lowest = self
            .ranges
            .iter()
            .next()
            .map(|(&start, &end)| FreeRange { start, end });
        let (ip, edits) = take_lowest(lowest)?;
        self.apply(&edits);
        Ok(ip)
    }

    /// Allocates a requested address (see [`take_address`] for the errors).
    pub fn allocate_specific(&mut self, ip: u32) -> Result<(), CoreError> {
        let edits = take_address(&self.subnet, ip, self.range_at_or_before(ip))?;
        self.apply(&edits);
        Ok(())
    }

    /// Returns an address to the pool; a no-op for addresses outside the
    /// usable range and for addresses already free.
    pub fn release(&mut self, ip: u32) {
        let Some((lo, hi)) = usable_range(&self.subnet) else {
            return;
        };
        if ip < lo || ip > hi {
            return;
        }
        let before = self.range_at_or_before(ip);
        let after = self
            .ranges
            .range(ip + 1..)
            .next()
            .map(|(&start, &end)| FreeRange { start, end });
        let edits = release(ip, before, after);
        self.apply(&edits);
    }

    /// Whether `ip` is free to allocate.
    pub fn is_free(&self, ip: u32) -> bool {
        self.range_at_or_before(ip).is_some_and(|r| r.covers(ip))
    }

    /// Number of free addresses.
    pub fn available(&self) -> u64 {
        self.free
    }

    /// The free ranges, sorted by start.
    pub fn free_ranges(&self) -> Vec<FreeRange> {
        self.ranges
            .iter()
            .map(|(&start, &end)| FreeRange { start, end })
            .collect()
    }
}

/// A route destination: a CIDR block or a prefix-list id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RouteDestination {
    Cidr(Ipv4Cidr),
    PrefixList(String),
}

impl RouteDestination {
    /// The canonical text: `10.0.0.0/16` or `pl-63a5400a`.
    pub fn as_string(&self) -> String {
        match self {
            RouteDestination::Cidr(c) => c.to_string(),
            RouteDestination::PrefixList(id) => id.clone(),
        }
    }
}

impl fmt::Display for RouteDestination {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RouteDestination::Cidr(c) => c.fmt(f),
            RouteDestination::PrefixList(id) => f.write_str(id),
        }
    }
}

/// Parses a route destination: `pl-` followed by 8 or 17 lowercase hex digits
/// is a prefix list (`InvalidPrefixListId.Malformed` when the rest is wrong);
/// anything else must be a strict CIDR block (errors name the parameter
/// `destinationCidrBlock`).
pub fn parse_route_destination(s: &str) -> Result<RouteDestination, CoreError> {
    if let Some(hex) = s.strip_prefix("pl-") {
        let well_formed = (hex.len() == 8 || hex.len() == 17)
            && hex
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        if !well_formed {
            return Err(CoreError::invalid(
                "InvalidPrefixListId.Malformed",
                format!(
                    "The prefix list ID '{s}' is malformed. Expected 'pl-' followed by 8 or 17 \
                     lowercase hexadecimal digits."
                ),
            ));
        }
        return Ok(RouteDestination::PrefixList(s.to_string()));
    }
    Ipv4Cidr::parse_param("destinationCidrBlock", s).map(RouteDestination::Cidr)
}

/// Security group rule protocols.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    Tcp,
    Udp,
    Icmp,
    All,
}

impl Protocol {
    /// Accepts the names `tcp`, `udp`, `icmp`, `all` (in any case) and AWS's
    /// protocol numbers `6`, `17`, `1`, `-1`.
    pub fn parse(s: &str) -> Result<Protocol, CoreError> {
        let names = [
            ("tcp", "6", Protocol::Tcp),
            ("udp", "17", Protocol::Udp),
            ("icmp", "1", Protocol::Icmp),
            ("all", "-1", Protocol::All),
        ];
        names
            .iter()
            .find(|(name, number, _)| s.eq_ignore_ascii_case(name) || s == *number)
            .map(|(_, _, p)| *p)
            .ok_or_else(|| {
                CoreError::invalid_value(format!(
                    "Invalid value '{s}' for IP protocol. Unknown protocol; expected tcp, udp, \
                     icmp, or -1 (all), or the protocol numbers 6, 17 or 1."
                ))
            })
    }

    /// The text AWS answers for the protocol: `tcp`, `udp`, `icmp`, or `-1`
    /// for all protocols.
    pub fn as_str(&self) -> &'static str {
        match self {
            Protocol::Tcp => "tcp",
            Protocol::Udp => "udp",
            Protocol::Icmp => "icmp",
            Protocol::All => "-1",
        }
    }
}

impl fmt::Display for Protocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Normalised port range of a security group rule.
///
/// * `tcp`/`udp`: `from_port` and `to_port` are required (`MissingParameter`),
///   each 0 to 65535, with `from_port <= to_port`.
/// * `icmp`: `from_port` is the ICMP type and `to_port` the code, each -1 to
///   255 (-1 meaning any); both default to -1.
/// * all (`-1`): ports must be absent or -1; answers `(-1, -1)`.
pub fn rule_ports(
    protocol: Protocol,
    from_port: Option<i32>,
    to_port: Option<i32>,
) -> Result<(i32, i32), CoreError> {
    match protocol {
        Protocol::Tcp | Protocol::Udp => {
            let name = protocol.as_str();
            let require = |v: Option<i32>, param: &str| {
                v.ok_or_else(|| {
                    CoreError::invalid(
                        "MissingParameter",
                        format!(
                            "The request must contain the parameter {param} when the protocol is {name}."
                        ),
                    )
                })
            };
            let from = require(from_port, "fromPort")?;
            let to = require(to_port, "toPort")?;
            for (v, param) in [(from, "fromPort"), (to, "toPort")] {
                if !(0..=65535).contains(&v) {
                    return Err(CoreError::invalid_value(format!(
                        "Invalid value '{v}' for {param}. Ports must be between 0 and 65535."
                    )));
                }
            }
            if from > to {
                return Err(CoreError::invalid_value(format!(
                    "Invalid port range {from}-{to} for protocol {name}: fromPort ({from}) must \
                     not be greater than toPort ({to})."
                )));
            }
            Ok((from, to))
        }
        Protocol::Icmp => {
            let ty = from_port.unwrap_or(-1);
            let code = to_port.unwrap_or(-1);
            for (v, what) in [(ty, "ICMP type (fromPort)"), (code, "ICMP code (toPort)")] {
                if !(-1..=255).contains(&v) {
                    return Err(CoreError::invalid_value(format!(
                        "Invalid value '{v}' for {what}. It must be between -1 and 255, \
                         where -1 means any."
                    )));
                }
            }
            Ok((ty, code))
        }
        Protocol::All => {
            for (v, param) in [(from_port, "fromPort"), (to_port, "toPort")] {
                if let Some(v) = v.filter(|&v| v != -1) {
                    return Err(CoreError::invalid_value(format!(
                        "Invalid value '{v}' for {param}. Ports cannot be given when the \
                         protocol is -1 (all); omit them or use -1."
                    )));
                }
            }
            Ok((-1, -1))
        }
    }
}

/// Whether a rule (protocol and normalised port range from [`rule_ports`])
/// admits traffic of `protocol` to `port` (for ICMP, `port` is the ICMP
/// type). A rule for all protocols admits everything; a tcp/udp rule admits
/// the same protocol with `from <= port <= to`; an icmp rule admits icmp whose
/// type matches `from` (-1 matches any type).
pub fn rule_admits(
    rule_protocol: Protocol,
    from: i32,
    to: i32,
    protocol: Protocol,
    port: i32,
) -> bool {
    match rule_protocol {
        Protocol::All => true,
        Protocol::Tcp | Protocol::Udp => protocol == rule_protocol && from <= port && port <= to,
        Protocol::Icmp => protocol == Protocol::Icmp && (from == -1 || from == port),
    }
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

/// What a VPC route sends traffic to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RouteTarget {
    Local,
    InternetGateway,
    NatGateway,
    PeeringConnection,
    TransitGateway,
    NetworkInterface,
    GatewayEndpoint,
    GatewayLoadBalancerEndpoint,
}

/// AWS's rules for a route a user adds to a table of a VPC whose CIDR is
/// `vpc_cidr` (route priority itself is the resolver's business):
///
/// - a destination equal to or inside the VPC's CIDR is "more specific than
///   local": AWS allows it only for middlebox insertion, towards a network
///   interface, a NAT gateway or a Gateway Load Balancer endpoint;
/// - a prefix-list destination cannot target a Gateway Load Balancer endpoint;
/// - `local` and gateway-endpoint routes are made by AWS, never by a user.
pub fn check_user_route(
    vpc_cidr: &Ipv4Cidr,
    destination: &RouteDestination,
    target: RouteTarget,
) -> Result<(), CoreError> {
    match target {
        RouteTarget::Local => {
            return Err(CoreError::invalid_value(
                "the local route is created with the VPC and cannot be added",
            ));
        }
        RouteTarget::GatewayEndpoint => {
            return Err(CoreError::invalid_value(
                "routes to gateway endpoints are managed by the endpoint: add the route table \
                 to the endpoint instead",
            ));
        }
        _ => {}
    }
    match destination {
        RouteDestination::Cidr(c) if vpc_cidr.contains(c) => {
            let middlebox = matches!(
                target,
                RouteTarget::NetworkInterface
                    | RouteTarget::NatGateway
                    | RouteTarget::GatewayLoadBalancerEndpoint
            );
            if !middlebox {
                return Err(CoreError::invalid_value(format!(
                    "The destination CIDR block {c} is equal to or more specific than one of \
                     this VPC's CIDR blocks ({vpc_cidr}). This route can target only a network \
                     interface, a NAT gateway or a Gateway Load Balancer endpoint."
                )));
            }
            if c == vpc_cidr {
                return Err(CoreError::conflict(
                    "RouteAlreadyExists",
                    format!("The route identified by {c} already exists (the local route)."),
                ));
            }
        }
        RouteDestination::PrefixList(id) if target == RouteTarget::GatewayLoadBalancerEndpoint => {
            return Err(CoreError::invalid_value(format!(
                "a prefix list ({id}) cannot be the destination of a route to a Gateway Load \
                 Balancer endpoint"
            )));
        }
        _ => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;
    use proptest::prelude::*;

    fn ip(s: &str) -> u32 {
        parse_ipv4(s).unwrap()
    }

    fn cidr(s: &str) -> Ipv4Cidr {
        Ipv4Cidr::parse(s).unwrap()
    }

    fn range(a: &str, b: &str) -> FreeRange {
        FreeRange {
            start: ip(a),
            end: ip(b),
        }
    }

    #[track_caller]
    fn assert_err<T: fmt::Debug>(
        r: Result<T, CoreError>,
        kind: ErrorKind,
        code: &str,
        needle: &str,
    ) {
        let e = r.unwrap_err();
        assert_eq!(e.kind, kind, "{e}");
        assert_eq!(e.code, code, "{e}");
        assert!(
            e.message.contains(needle),
            "{e:?} should mention {needle:?}"
        );
    }

    #[test]
    fn parses_and_formats_addresses() {
        let ok = [
            ("0.0.0.0", 0u32),
            ("10.0.1.25", 0x0A00_0119),
            ("255.255.255.255", u32::MAX),
            ("192.168.0.1", 0xC0A8_0001),
        ];
        for (s, v) in ok {
            assert_eq!(parse_ipv4(s).unwrap(), v, "{s}");
            assert_eq!(format_ipv4(v), s);
        }
        let bad = [
            "",
            "10.0.0",
            "10.0.0.0.0",
            "256.0.0.1",
            "10.0.0.010",
            "10.0.0.00",
            "+1.0.0.0",
            "-1.0.0.0",
            " 10.0.0.1",
            "10.0.0.1 ",
            "10..0.1",
            "10.0.0.",
            "a.b.c.d",
            "1000.0.0.1",
            "10.0.0.1/32",
            "0x0A.0.0.1",
            "١٠.0.0.1",
        ];
        for s in bad {
            let e = parse_ipv4(s).unwrap_err();
            assert_eq!(e.code, "InvalidParameterValue", "{s}");
            assert_eq!(e.kind, ErrorKind::Invalid);
            assert!(e.message.contains(&format!("({s})")), "{e}");
        }
    }

    #[test]
    fn parses_cidr_blocks() {
        let ok = [
            (
                "10.0.0.0/16",
                0x0A00_0000u32,
                16u8,
                0x0A00_FFFFu32,
                65_536u64,
            ),
            ("0.0.0.0/0", 0, 0, u32::MAX, 1 << 32),
            ("10.0.1.7/32", 0x0A00_0107, 32, 0x0A00_0107, 1),
            ("192.168.10.16/28", 0xC0A8_0A10, 28, 0xC0A8_0A1F, 16),
            ("255.255.255.255/32", u32::MAX, 32, u32::MAX, 1),
            ("128.0.0.0/1", 0x8000_0000, 1, u32::MAX, 1 << 31),
        ];
        for (s, net, len, last, size) in ok {
            let c = Ipv4Cidr::parse(s).unwrap();
            assert_eq!(c.network(), net, "{s}");
            assert_eq!(c.first(), net, "{s}");
            assert_eq!(c.prefix_len(), len, "{s}");
            assert_eq!(c.last(), last, "{s}");
            assert_eq!(c.size(), size, "{s}");
            assert_eq!(c.to_string(), s);
            assert_eq!(s.parse::<Ipv4Cidr>().unwrap(), c);
        }
    }

    #[test]
    fn rejects_malformed_cidr_blocks() {
        let bad = [
            "10.0.0.0/33",
            "256.0.0.0/16",
            "10.0.0.0",
            "10.0.0/16",
            "10.0.0.0/",
            "/16",
            "10.0.0.0/016",
            "10.0.0.0/+16",
            "10.0.0.0/-1",
            "010.0.0.0/16",
            "10.0.0.0 /16",
            "10.0.0.0/ 16",
            "10.0.0.0/16/16",
            "10.0.0.0/100",
            "",
        ];
        for s in bad {
            assert_err(
                Ipv4Cidr::parse(s),
                ErrorKind::Invalid,
                "InvalidParameterValue",
                &format!(
                    "Value ({s}) for parameter cidrBlock is invalid. This is not a valid CIDR block."
                ),
            );
        }
    }

    #[test]
    fn rejects_host_bits_and_suggests_the_network() {
        let cases = [
            ("10.0.0.1/16", "10.0.0.0/16"),
            ("10.0.1.0/16", "10.0.0.0/16"),
            ("10.0.1.17/28", "10.0.1.16/28"),
            ("1.0.0.0/0", "0.0.0.0/0"),
        ];
        for (s, suggestion) in cases {
            let e = Ipv4Cidr::parse(s).unwrap_err();
            assert_eq!(e.code, "InvalidParameterValue");
            assert!(e.message.contains("not a network address"), "{e}");
            assert!(
                e.message.contains(&format!("Did you mean {suggestion}?")),
                "{e}"
            );
            assert!(e.message.contains(&format!("Value ({s})")), "{e}");
        }
    }

    #[test]
    fn parse_param_names_the_parameter() {
        assert_err(
            Ipv4Cidr::parse_param("destinationCidrBlock", "nope"),
            ErrorKind::Invalid,
            "InvalidParameterValue",
            "Value (nope) for parameter destinationCidrBlock is invalid.",
        );
    }

    #[test]
    fn new_checks_length_and_host_bits() {
        assert_eq!(
            Ipv4Cidr::new(ip("10.0.0.0"), 16).unwrap(),
            cidr("10.0.0.0/16")
        );
        assert_eq!(Ipv4Cidr::new(0, 0).unwrap(), cidr("0.0.0.0/0"));
        assert_eq!(
            Ipv4Cidr::new(u32::MAX, 32).unwrap(),
            cidr("255.255.255.255/32")
        );
        assert_err(
            Ipv4Cidr::new(ip("10.0.0.0"), 33),
            ErrorKind::Invalid,
            "InvalidParameterValue",
            "/33",
        );
        assert_err(
            Ipv4Cidr::new(ip("10.0.0.1"), 16),
            ErrorKind::Invalid,
            "InvalidParameterValue",
            "Did you mean 10.0.0.0/16?",
        );
    }

    #[test]
    fn containment_and_overlap() {
        // (a, b, a contains b, overlaps)
        let cases = [
            ("10.0.0.0/16", "10.0.1.0/24", true, true),
            ("10.0.1.0/24", "10.0.0.0/16", false, true),
            ("10.0.0.0/16", "10.0.0.0/16", true, true),
            ("10.0.0.0/24", "10.0.1.0/24", false, false),
            ("10.0.0.0/23", "10.0.1.0/24", true, true),
            ("0.0.0.0/0", "255.255.255.255/32", true, true),
            ("10.0.0.0/16", "10.1.0.0/16", false, false),
            ("10.0.255.255/32", "10.0.0.0/16", false, true),
        ];
        for (a, b, contains, overlaps) in cases {
            let (a, b) = (cidr(a), cidr(b));
            assert_eq!(a.contains(&b), contains, "{a} contains {b}");
            assert_eq!(a.overlaps(&b), overlaps, "{a} overlaps {b}");
            assert_eq!(b.overlaps(&a), overlaps, "{b} overlaps {a}");
        }
        let c = cidr("10.0.1.0/24");
        assert!(c.contains_addr(ip("10.0.1.0")));
        assert!(c.contains_addr(ip("10.0.1.255")));
        assert!(!c.contains_addr(ip("10.0.2.0")));
        assert!(!c.contains_addr(ip("10.0.0.255")));
        assert!(cidr("0.0.0.0/0").contains_addr(u32::MAX));
    }

    #[test]
    fn cidr_serde_is_its_text() {
        let c = cidr("10.0.1.0/24");
        assert_eq!(serde_json::to_string(&c).unwrap(), "\"10.0.1.0/24\"");
        let back: Ipv4Cidr = serde_json::from_str("\"10.0.1.0/24\"").unwrap();
        assert_eq!(back, c);
        assert!(serde_json::from_str::<Ipv4Cidr>("\"10.0.1.1/24\"").is_err());
    }

    #[test]
    fn validates_vpc_cidrs() {
        for s in [
            "10.0.0.0/16",
            "10.0.0.0/28",
            "172.31.0.0/16",
            "192.168.4.0/22",
        ] {
            assert_eq!(validate_vpc_cidr(s).unwrap().to_string(), s);
        }
        for s in [
            "10.0.0.0/8",
            "10.0.0.0/29",
            "10.0.0.0/15",
            "10.0.0.0/32",
            "0.0.0.0/0",
        ] {
            assert_err(
                validate_vpc_cidr(s),
                ErrorKind::Invalid,
                "InvalidVpc.Range",
                &format!("The CIDR '{s}' is invalid."),
            );
        }
        assert_err(
            validate_vpc_cidr("10.0.0.1/16"),
            ErrorKind::Invalid,
            "InvalidParameterValue",
            "10.0.0.0/16",
        );
        assert_err(
            validate_vpc_cidr("10.0.0.0/33"),
            ErrorKind::Invalid,
            "InvalidParameterValue",
            "not a valid CIDR block",
        );
    }

    #[test]
    fn validates_subnet_cidrs() {
        let vpc = cidr("10.0.0.0/16");
        let existing = [
            ("subnet-0aaaaaaaaaaaaaaaa", cidr("10.0.1.0/24")),
            ("subnet-0bbbbbbbbbbbbbbbb", cidr("10.0.2.0/24")),
        ];
        let ok = [
            "10.0.0.0/24",
            "10.0.3.0/28",
            "10.0.4.0/22",
            "10.0.255.240/28",
        ];
        for s in ok {
            assert_eq!(
                validate_subnet_cidr(&vpc, s, &existing)
                    .unwrap()
                    .to_string(),
                s
            );
        }
        assert_eq!(
            validate_subnet_cidr(&vpc, "10.0.0.0/16", &[]).unwrap(),
            vpc,
            "a subnet may span the whole VPC"
        );
        // (input, kind, code, message fragment)
        let bad = [
            (
                "10.1.0.0/24",
                ErrorKind::Invalid,
                "InvalidSubnet.Range",
                "The CIDR '10.1.0.0/24' is invalid. It must lie within the VPC's CIDR block 10.0.0.0/16.",
            ),
            (
                "10.0.3.0/29",
                ErrorKind::Invalid,
                "InvalidSubnet.Range",
                "The CIDR '10.0.3.0/29' is invalid.",
            ),
            (
                "10.0.0.0/15",
                ErrorKind::Invalid,
                "InvalidSubnet.Range",
                "/16 and /28",
            ),
            (
                "10.0.1.0/24",
                ErrorKind::Conflict,
                "InvalidSubnet.Conflict",
                "The CIDR '10.0.1.0/24' conflicts with another subnet (subnet-0aaaaaaaaaaaaaaaa)",
            ),
            (
                "10.0.2.128/25",
                ErrorKind::Conflict,
                "InvalidSubnet.Conflict",
                "(subnet-0bbbbbbbbbbbbbbbb)",
            ),
            (
                "10.0.0.0/22",
                ErrorKind::Conflict,
                "InvalidSubnet.Conflict",
                "(subnet-0aaaaaaaaaaaaaaaa)",
            ),
            (
                "10.0.3.1/24",
                ErrorKind::Invalid,
                "InvalidParameterValue",
                "Did you mean 10.0.3.0/24?",
            ),
            (
                "10.0.3/24",
                ErrorKind::Invalid,
                "InvalidParameterValue",
                "not a valid CIDR block",
            ),
        ];
        for (s, kind, code, needle) in bad {
            assert_err(validate_subnet_cidr(&vpc, s, &existing), kind, code, needle);
        }
        let small_vpc = cidr("10.0.0.0/24");
        assert_err(
            validate_subnet_cidr(&small_vpc, "10.0.0.0/16", &[]),
            ErrorKind::Invalid,
            "InvalidSubnet.Range",
            "within the VPC's CIDR block 10.0.0.0/24",
        );
    }

    #[test]
    fn reserved_addresses() {
        let s = cidr("10.0.1.0/24");
        let cases = [
            ("10.0.1.0", true),
            ("10.0.1.1", true),
            ("10.0.1.2", true),
            ("10.0.1.3", true),
            ("10.0.1.4", false),
            ("10.0.1.100", false),
            ("10.0.1.254", false),
            ("10.0.1.255", true),
            ("10.0.2.0", false),
            ("10.0.0.255", false),
        ];
        for (a, reserved) in cases {
            assert_eq!(is_reserved(&s, ip(a)), reserved, "{a}");
        }
    }

    #[test]
    fn usable_ranges_and_counts() {
        // (block, usable range, count)
        let cases = [
            ("10.0.1.0/24", Some(("10.0.1.4", "10.0.1.254")), 251u64),
            ("10.0.0.0/16", Some(("10.0.0.4", "10.0.255.254")), 65_531),
            ("10.0.0.16/28", Some(("10.0.0.20", "10.0.0.30")), 11),
            ("10.0.0.8/29", Some(("10.0.0.12", "10.0.0.14")), 3),
            ("10.0.0.4/30", None, 0),
            ("10.0.0.7/32", None, 0),
            (
                "0.0.0.0/0",
                Some(("0.0.0.4", "255.255.255.254")),
                (1u64 << 32) - 5,
            ),
        ];
        for (c, range, count) in cases {
            let c = cidr(c);
            assert_eq!(usable_range(&c), range.map(|(a, b)| (ip(a), ip(b))), "{c}");
            assert_eq!(usable_count(&c), count, "{c}");
            let initial = initial_free_ranges(&c);
            assert_eq!(
                initial.iter().map(FreeRange::len).sum::<u64>(),
                count,
                "{c}"
            );
            assert_eq!(initial.len(), usize::from(count > 0));
        }
    }

    #[test]
    fn checks_requested_ips() {
        let s = cidr("10.0.1.0/24");
        let cases = [
            ("10.0.1.4", None),
            ("10.0.1.254", None),
            (
                "10.1.0.5",
                Some("Address 10.1.0.5 does not fall within the subnet's address range"),
            ),
            (
                "10.0.1.1",
                Some("Address 10.0.1.1 is in subnet's reserved address range"),
            ),
            (
                "10.0.1.0",
                Some("Address 10.0.1.0 is in subnet's reserved address range"),
            ),
            (
                "10.0.1.3",
                Some("Address 10.0.1.3 is in subnet's reserved address range"),
            ),
            (
                "10.0.1.255",
                Some("Address 10.0.1.255 is in subnet's reserved address range"),
            ),
        ];
        for (a, err) in cases {
            match err {
                None => check_requested_ip(&s, ip(a)).unwrap(),
                Some(msg) => {
                    let e = check_requested_ip(&s, ip(a)).unwrap_err();
                    assert_eq!(e.code, "InvalidParameterValue");
                    assert_eq!(e.message, msg);
                }
            }
        }
    }

    #[test]
    fn take_lowest_edits() {
        let r = range("10.0.1.4", "10.0.1.254");
        assert_eq!(
            take_lowest(Some(r)).unwrap(),
            (
                ip("10.0.1.4"),
                vec![
                    RangeEdit::Remove {
                        start: ip("10.0.1.4")
                    },
                    RangeEdit::Insert(range("10.0.1.5", "10.0.1.254")),
                ]
            )
        );
        let single = range("10.0.1.9", "10.0.1.9");
        assert_eq!(
            take_lowest(Some(single)).unwrap(),
            (
                ip("10.0.1.9"),
                vec![RangeEdit::Remove {
                    start: ip("10.0.1.9")
                }]
            )
        );
        let e = take_lowest(None).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Conflict);
        assert_eq!(e.code, "InsufficientFreeAddressesInSubnet");
        assert_eq!(
            e.message,
            "There are not enough free addresses in subnet to satisfy the requested number of instances."
        );
    }

    #[test]
    fn take_address_edits() {
        let s = cidr("10.0.1.0/24");
        let r = range("10.0.1.4", "10.0.1.20");
        let remove = RangeEdit::Remove {
            start: ip("10.0.1.4"),
        };
        let cases = [
            (
                "10.0.1.4",
                vec![remove, RangeEdit::Insert(range("10.0.1.5", "10.0.1.20"))],
            ),
            (
                "10.0.1.20",
                vec![remove, RangeEdit::Insert(range("10.0.1.4", "10.0.1.19"))],
            ),
            (
                "10.0.1.10",
                vec![
                    remove,
                    RangeEdit::Insert(range("10.0.1.4", "10.0.1.9")),
                    RangeEdit::Insert(range("10.0.1.11", "10.0.1.20")),
                ],
            ),
        ];
        for (a, edits) in cases {
            assert_eq!(take_address(&s, ip(a), Some(r)).unwrap(), edits, "{a}");
        }
        let one = range("10.0.1.30", "10.0.1.30");
        assert_eq!(
            take_address(&s, ip("10.0.1.30"), Some(one)).unwrap(),
            vec![RangeEdit::Remove {
                start: ip("10.0.1.30")
            }]
        );
        // Not covered by the containing range, or no range at all: in use.
        for containing in [Some(r), None] {
            assert_err(
                take_address(&s, ip("10.0.1.21"), containing),
                ErrorKind::Conflict,
                "InvalidIPAddress.InUse",
                "Address 10.0.1.21 is in use.",
            );
        }
        // The subnet checks come first.
        assert_err(
            take_address(&s, ip("10.0.1.1"), None),
            ErrorKind::Invalid,
            "InvalidParameterValue",
            "reserved",
        );
        assert_err(
            take_address(&s, ip("10.1.0.5"), None),
            ErrorKind::Invalid,
            "InvalidParameterValue",
            "does not fall within",
        );
    }

    #[test]
    fn release_edits() {
        let a = ip("10.0.1.10");
        let b = range("10.0.1.4", "10.0.1.9");
        let b_far = range("10.0.1.4", "10.0.1.7");
        let n = range("10.0.1.11", "10.0.1.20");
        let n_far = range("10.0.1.13", "10.0.1.20");
        let cases = [
            (
                Some(b),
                Some(n),
                vec![
                    RangeEdit::Remove { start: b.start },
                    RangeEdit::Remove { start: n.start },
                    RangeEdit::Insert(range("10.0.1.4", "10.0.1.20")),
                ],
            ),
            (
                Some(b),
                Some(n_far),
                vec![
                    RangeEdit::Remove { start: b.start },
                    RangeEdit::Insert(range("10.0.1.4", "10.0.1.10")),
                ],
            ),
            (
                Some(b),
                None,
                vec![
                    RangeEdit::Remove { start: b.start },
                    RangeEdit::Insert(range("10.0.1.4", "10.0.1.10")),
                ],
            ),
            (
                Some(b_far),
                Some(n),
                vec![
                    RangeEdit::Remove { start: n.start },
                    RangeEdit::Insert(range("10.0.1.10", "10.0.1.20")),
                ],
            ),
            (
                None,
                Some(n),
                vec![
                    RangeEdit::Remove { start: n.start },
                    RangeEdit::Insert(range("10.0.1.10", "10.0.1.20")),
                ],
            ),
            (
                Some(b_far),
                Some(n_far),
                vec![RangeEdit::Insert(range("10.0.1.10", "10.0.1.10"))],
            ),
            (
                None,
                None,
                vec![RangeEdit::Insert(range("10.0.1.10", "10.0.1.10"))],
            ),
            // Already free: covered by `before` (idempotent).
            (Some(range("10.0.1.4", "10.0.1.10")), Some(n_far), vec![]),
            (Some(range("10.0.1.4", "10.0.1.30")), None, vec![]),
            // `before` given as the range starting at the address itself.
            (Some(range("10.0.1.10", "10.0.1.12")), None, vec![]),
        ];
        for (before, after, edits) in cases {
            assert_eq!(release(a, before, after), edits, "{before:?} {after:?}");
        }
    }

    #[test]
    fn allocator_walkthrough() {
        let mut a = IpAllocator::new(cidr("10.0.1.0/28"));
        assert_eq!(a.subnet(), cidr("10.0.1.0/28"));
        assert_eq!(a.available(), 11);
        assert_eq!(a.free_ranges(), vec![range("10.0.1.4", "10.0.1.14")]);
        assert_eq!(a.allocate().unwrap(), ip("10.0.1.4"));
        assert_eq!(a.allocate().unwrap(), ip("10.0.1.5"));
        a.allocate_specific(ip("10.0.1.9")).unwrap();
        assert!(!a.is_free(ip("10.0.1.9")));
        assert!(a.is_free(ip("10.0.1.8")));
        assert_err(
            a.allocate_specific(ip("10.0.1.9")),
            ErrorKind::Conflict,
            "InvalidIPAddress.InUse",
            "Address 10.0.1.9 is in use.",
        );
        assert_err(
            a.allocate_specific(ip("10.0.1.15")),
            ErrorKind::Invalid,
            "InvalidParameterValue",
            "reserved",
        );
        assert_eq!(a.available(), 8);
        assert_eq!(
            a.free_ranges(),
            vec![
                range("10.0.1.6", "10.0.1.8"),
                range("10.0.1.10", "10.0.1.14")
            ]
        );
        a.release(ip("10.0.1.4"));
        a.release(ip("10.0.1.4"));
        a.release(ip("10.0.1.1")); // reserved: no-op
        a.release(ip("10.2.0.9")); // outside: no-op
        assert_eq!(a.available(), 9);
        assert_eq!(
            a.free_ranges(),
            vec![
                range("10.0.1.4", "10.0.1.4"),
                range("10.0.1.6", "10.0.1.8"),
                range("10.0.1.10", "10.0.1.14")
            ]
        );
        a.release(ip("10.0.1.9"));
        a.release(ip("10.0.1.5"));
        assert_eq!(a.free_ranges(), vec![range("10.0.1.4", "10.0.1.14")]);
        for _ in 0..11 {
            a.allocate().unwrap();
        }
        assert_eq!(a.available(), 0);
        assert!(a.free_ranges().is_empty());
        assert_err(
            a.allocate(),
            ErrorKind::Conflict,
            "InsufficientFreeAddressesInSubnet",
            "not enough free addresses",
        );
    }

    #[test]
    fn allocator_from_free_ranges() {
        let s = cidr("10.0.1.0/24");
        let a = IpAllocator::from_free_ranges(
            s,
            &[
                range("10.0.1.20", "10.0.1.30"),
                range("10.0.1.4", "10.0.1.9"),
                range("10.0.1.10", "10.0.1.12"),
            ],
        )
        .unwrap();
        assert_eq!(
            a.free_ranges(),
            vec![
                range("10.0.1.4", "10.0.1.12"),
                range("10.0.1.20", "10.0.1.30")
            ]
        );
        assert_eq!(a.available(), 9 + 11);
        assert!(
            IpAllocator::from_free_ranges(s, &[])
                .unwrap()
                .free_ranges()
                .is_empty()
        );
        let bad: [&[FreeRange]; 4] = [
            &[range("10.0.1.3", "10.0.1.9")],
            &[range("10.0.1.9", "10.0.1.255")],
            &[range("10.0.1.9", "10.0.1.5")],
            &[
                range("10.0.1.4", "10.0.1.9"),
                range("10.0.1.9", "10.0.1.12"),
            ],
        ];
        for ranges in bad {
            assert_eq!(
                IpAllocator::from_free_ranges(s, ranges).unwrap_err().code,
                "InvalidParameterValue",
                "{ranges:?}"
            );
        }
    }

    #[test]
    fn parses_route_destinations() {
        let ok = [
            ("10.0.0.0/16", RouteDestination::Cidr(cidr("10.0.0.0/16"))),
            ("0.0.0.0/0", RouteDestination::Cidr(cidr("0.0.0.0/0"))),
            (
                "pl-63a5400a",
                RouteDestination::PrefixList("pl-63a5400a".into()),
            ),
            (
                "pl-0123456789abcdef0",
                RouteDestination::PrefixList("pl-0123456789abcdef0".into()),
            ),
        ];
        for (s, d) in ok {
            let parsed = parse_route_destination(s).unwrap();
            assert_eq!(parsed, d);
            assert_eq!(parsed.as_string(), s);
            assert_eq!(parsed.to_string(), s);
        }
        for s in [
            "pl-",
            "pl-63A5400A",
            "pl-63a5400",
            "pl-63a5400a0",
            "pl-xyzxyzxy",
            "pl-0123456789abcdef",
        ] {
            assert_err(
                parse_route_destination(s),
                ErrorKind::Invalid,
                "InvalidPrefixListId.Malformed",
                &format!("'{s}'"),
            );
        }
        for s in ["10.0.0.1/16", "10.0.0.0", "PL-63a5400a", "garbage"] {
            assert_err(
                parse_route_destination(s),
                ErrorKind::Invalid,
                "InvalidParameterValue",
                &format!("Value ({s}) for parameter destinationCidrBlock is invalid."),
            );
        }
    }

    #[test]
    fn parses_protocols() {
        let ok = [
            ("tcp", Protocol::Tcp),
            ("6", Protocol::Tcp),
            ("TCP", Protocol::Tcp),
            ("udp", Protocol::Udp),
            ("17", Protocol::Udp),
            ("icmp", Protocol::Icmp),
            ("1", Protocol::Icmp),
            ("all", Protocol::All),
            ("-1", Protocol::All),
        ];
        for (s, p) in ok {
            assert_eq!(Protocol::parse(s).unwrap(), p, "{s}");
            assert_eq!(Protocol::parse(p.as_str()).unwrap(), p);
        }
        assert_eq!(Protocol::All.as_str(), "-1");
        assert_eq!(Protocol::Tcp.to_string(), "tcp");
        for s in ["", "gre", "47", "58", "icmpv6", "06", " tcp", "-2"] {
            assert_err(
                Protocol::parse(s),
                ErrorKind::Invalid,
                "InvalidParameterValue",
                &format!("Invalid value '{s}' for IP protocol"),
            );
        }
    }

    #[test]
    fn normalises_rule_ports() {
        use Protocol::*;
        let ok = [
            (Tcp, Some(22), Some(22), (22, 22)),
            (Tcp, Some(0), Some(65535), (0, 65535)),
            (Udp, Some(53), Some(53), (53, 53)),
            (Udp, Some(1000), Some(2000), (1000, 2000)),
            (Icmp, None, None, (-1, -1)),
            (Icmp, Some(8), None, (8, -1)),
            (Icmp, Some(3), Some(4), (3, 4)),
            (Icmp, Some(255), Some(255), (255, 255)),
            (All, None, None, (-1, -1)),
            (All, Some(-1), Some(-1), (-1, -1)),
            (All, Some(-1), None, (-1, -1)),
        ];
        for (p, from, to, want) in ok {
            assert_eq!(
                rule_ports(p, from, to).unwrap(),
                want,
                "{p} {from:?} {to:?}"
            );
        }
        let bad = [
            (Tcp, None, Some(22), "MissingParameter", "fromPort"),
            (Tcp, Some(22), None, "MissingParameter", "toPort"),
            (
                Udp,
                None,
                None,
                "MissingParameter",
                "fromPort when the protocol is udp",
            ),
            (
                Tcp,
                Some(-1),
                Some(22),
                "InvalidParameterValue",
                "'-1' for fromPort",
            ),
            (
                Tcp,
                Some(22),
                Some(65536),
                "InvalidParameterValue",
                "'65536' for toPort",
            ),
            (
                Udp,
                Some(443),
                Some(80),
                "InvalidParameterValue",
                "fromPort (443) must not be greater than toPort (80)",
            ),
            (
                Icmp,
                Some(256),
                None,
                "InvalidParameterValue",
                "'256' for ICMP type",
            ),
            (
                Icmp,
                Some(3),
                Some(-2),
                "InvalidParameterValue",
                "'-2' for ICMP code",
            ),
            (
                All,
                Some(80),
                None,
                "InvalidParameterValue",
                "'80' for fromPort",
            ),
            (
                All,
                None,
                Some(0),
                "InvalidParameterValue",
                "'0' for toPort",
            ),
        ];
        for (p, from, to, code, needle) in bad {
            assert_err(rule_ports(p, from, to), ErrorKind::Invalid, code, needle);
        }
    }

    #[test]
    fn rule_admission() {
        use Protocol::*;
        // (rule protocol, from, to, traffic protocol, port, admitted)
        let cases = [
            (All, -1, -1, Tcp, 443, true),
            (All, -1, -1, Icmp, 8, true),
            (Tcp, 80, 443, Tcp, 80, true),
            (Tcp, 80, 443, Tcp, 443, true),
            (Tcp, 80, 443, Tcp, 300, true),
            (Tcp, 80, 443, Tcp, 79, false),
            (Tcp, 80, 443, Tcp, 444, false),
            (Tcp, 80, 443, Udp, 100, false),
            (Udp, 53, 53, Udp, 53, true),
            (Udp, 53, 53, Tcp, 53, false),
            (Icmp, -1, -1, Icmp, 8, true),
            (Icmp, 8, -1, Icmp, 8, true),
            (Icmp, 8, -1, Icmp, 0, false),
            (Icmp, -1, -1, Tcp, 8, false),
        ];
        for (rp, from, to, p, port, want) in cases {
            assert_eq!(
                rule_admits(rp, from, to, p, port),
                want,
                "{rp} {from}-{to} {p} {port}"
            );
        }
    }

    #[test]
    fn one_subnet_per_zone_rule() {
        one_subnet_per_zone(&[]).unwrap();
        one_subnet_per_zone(&[("subnet-a", "use1-az1"), ("subnet-b", "use1-az2")]).unwrap();
        assert_err(
            one_subnet_per_zone(&[
                ("subnet-a", "use1-az1"),
                ("subnet-b", "use1-az2"),
                ("subnet-c", "use1-az1"),
            ]),
            ErrorKind::Invalid,
            "DuplicateSubnetsInSameZone",
            "Found another subnet in the availability zone of subnet-c (use1-az1)",
        );
        assert_err(
            one_subnet_per_zone(&[("subnet-a", "use1-az1"), ("subnet-a", "use1-az1")]),
            ErrorKind::Invalid,
            "InvalidParameterValue",
            "subnet-a is listed twice",
        );
    }

    #[test]
    fn longest_prefix_match_cases() {
        let routes = [
            cidr("0.0.0.0/0"),
            cidr("10.0.0.0/16"),
            cidr("10.0.1.0/24"),
            cidr("10.0.1.0/24"),
            cidr("10.0.1.128/25"),
        ];
        let cases = [
            ("10.0.1.200", Some(4)),
            ("10.0.1.5", Some(2)),
            ("10.0.9.9", Some(1)),
            ("8.8.8.8", Some(0)),
        ];
        for (a, want) in cases {
            assert_eq!(longest_prefix_match(&routes, ip(a)), want, "{a}");
        }
        assert_eq!(longest_prefix_match(&routes[1..], ip("8.8.8.8")), None);
        assert_eq!(longest_prefix_match(&[], 0), None);
    }

    // ----- properties -----

    #[derive(Debug, Clone)]
    enum Op {
        Allocate,
        Specific(u32),
        Release(u32),
    }

    fn op() -> impl Strategy<Value = Op> {
        // Offsets are relative to 4 addresses below the subnet, reaching 4
        // past its end (the subnet is at most 64 addresses).
        prop_oneof![
            3 => Just(Op::Allocate),
            2 => (0u32..72).prop_map(Op::Specific),
            3 => (0u32..72).prop_map(Op::Release),
        ]
    }

    fn small_subnet() -> impl Strategy<Value = Ipv4Cidr> {
        (26u8..=28, any::<u16>()).prop_map(|(len, r)| {
            let base = 0x0A00_0000 | (u32::from(r) << 4);
            Ipv4Cidr::new(base & netmask(len), len).unwrap()
        })
    }

    /// Reference block membership over a brute-forced address, independent
    /// of the masks the implementation uses.
    fn ref_in(c: &Ipv4Cidr, a: u32) -> bool {
        let shift = 32 - u32::from(c.prefix_len());
        u64::from(a) >> shift == u64::from(c.network()) >> shift
    }

    fn block_in_20() -> impl Strategy<Value = Ipv4Cidr> {
        (20u8..=32, 0u32..0x1000)
            .prop_map(|(len, r)| Ipv4Cidr::new((0x0A00_0000 | r) & netmask(len), len).unwrap())
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            failure_persistence: None,
            ..ProptestConfig::default()
        })]

        #[test]
        fn allocator_matches_reference(
            subnet in small_subnet(),
            ops in proptest::collection::vec(op(), 0..120),
        ) {
            let mut alloc = IpAllocator::new(subnet);
            let mut used: BTreeSet<u32> = BTreeSet::new();
            let usable = subnet.first() + 4..=subnet.last() - 1;
            let base = subnet.first() - 4;
            for op in ops {
                match op {
                    Op::Allocate => {
                        let want = usable.clone().find(|a| !used.contains(a));
                        match (alloc.allocate(), want) {
                            (Ok(got), Some(want)) => {
                                prop_assert_eq!(got, want);
                                used.insert(got);
                            }
                            (Err(e), None) => {
                                prop_assert_eq!(e.code, "InsufficientFreeAddressesInSubnet");
                            }
                            (got, want) => prop_assert!(false, "allocate: {got:?} vs {want:?}"),
                        }
                    }
                    Op::Specific(off) => {
                        let a = base + off;
                        // outside the subnet, or one of its reserved addresses
                        let want = if !usable.contains(&a) {
                            Some("InvalidParameterValue")
                        } else if used.contains(&a) {
                            Some("InvalidIPAddress.InUse")
                        } else {
                            None
                        };
                        match (alloc.allocate_specific(a), want) {
                            (Ok(()), None) => {
                                used.insert(a);
                            }
                            (Err(e), Some(code)) => prop_assert_eq!(e.code, code),
                            (got, want) => prop_assert!(false, "specific {a}: {got:?} vs {want:?}"),
                        }
                    }
                    Op::Release(off) => {
                        let a = base + off;
                        alloc.release(a);
                        used.remove(&a);
                    }
                }
                prop_assert_eq!(alloc.available(), usable_count(&subnet) - used.len() as u64);
                let ranges = alloc.free_ranges();
                for w in ranges.windows(2) {
                    // sorted, disjoint and never adjacent
                    prop_assert!(w[0].end + 1 < w[1].start, "{ranges:?}");
                }
                let mut free_total = 0u64;
                for r in &ranges {
                    prop_assert!(r.start <= r.end);
                    prop_assert!(usable.contains(&r.start) && usable.contains(&r.end), "{r:?}");
                    prop_assert!(!is_reserved(&subnet, r.start) && !is_reserved(&subnet, r.end));
                    free_total += r.len();
                }
                prop_assert_eq!(free_total, alloc.available());
                for a in usable.clone() {
                    prop_assert_eq!(alloc.is_free(a), !used.contains(&a), "{}", format_ipv4(a));
                }
            }
        }

        #[test]
        fn overlaps_and_contains_match_brute_force(a in block_in_20(), b in block_in_20()) {
            let mut both = false;
            let mut b_in_a = true;
            for addr in 0x0A00_0000u32..0x0A00_1000 {
                prop_assert_eq!(a.contains_addr(addr), ref_in(&a, addr));
                let (in_a, in_b) = (ref_in(&a, addr), ref_in(&b, addr));
                both |= in_a && in_b;
                if in_b && !in_a {
                    b_in_a = false;
                }
            }
            prop_assert_eq!(a.overlaps(&b), both);
            prop_assert_eq!(b.overlaps(&a), both);
            prop_assert_eq!(a.contains(&b), b_in_a);
        }

        #[test]
        fn longest_prefix_match_matches_brute_force(
            routes in proptest::collection::vec(
                (0u8..=32, 0u32..0x1000).prop_map(|(len, r)| {
                    Ipv4Cidr::new((0x0A00_0000 | r) & netmask(len), len).unwrap()
                }),
                0..10,
            ),
            r in 0u32..0x2000,
        ) {
            let addr = 0x0A00_0000 | r;
            let mut want: Option<usize> = None;
            for (i, c) in routes.iter().enumerate() {
                if ref_in(c, addr) && want.is_none_or(|w| routes[w].prefix_len() < c.prefix_len()) {
                    want = Some(i);
                }
            }
            prop_assert_eq!(longest_prefix_match(&routes, addr), want);
        }

        #[test]
        fn cidr_text_round_trips(addr in any::<u32>(), len in 0u8..=32) {
            let network = addr & netmask(len);
            let c = Ipv4Cidr::new(network, len).unwrap();
            prop_assert_eq!(Ipv4Cidr::parse(&c.to_string()).unwrap(), c);
            prop_assert_eq!(parse_ipv4(&format_ipv4(addr)).unwrap(), addr);
            let text = format!("{}/{len}", format_ipv4(addr));
            match Ipv4Cidr::parse(&text) {
                Ok(parsed) => prop_assert_eq!(parsed, c),
                Err(e) => {
                    prop_assert!(addr != network);
                    let suggestion = format!("Did you mean {c}?");
                    prop_assert!(e.message.contains(&suggestion));
                }
            }
        }

        #[test]
        fn cidr_parse_accepts_only_canonical_text(s in "[0-9./+ -]{0,20}") {
            if let Ok(c) = Ipv4Cidr::parse(&s) {
                prop_assert_eq!(c.to_string(), s);
            }
        }
    }

    #[test]
    fn user_routes_follow_aws_rules() {
        let vpc = Ipv4Cidr::parse("10.0.0.0/16").unwrap();
        let d = |s: &str| parse_route_destination(s).unwrap();
        let ok = |dest: &str, t| check_user_route(&vpc, &d(dest), t).is_ok();
        assert!(ok("0.0.0.0/0", RouteTarget::InternetGateway));
        assert!(ok("172.16.0.0/12", RouteTarget::PeeringConnection));
        assert!(ok("pl-63a5400a", RouteTarget::NatGateway));
        assert!(ok("10.0.1.0/24", RouteTarget::NetworkInterface));
        assert!(ok("10.0.1.0/24", RouteTarget::NatGateway));
        let err = |dest: &str, t| check_user_route(&vpc, &d(dest), t).unwrap_err().code;
        assert_eq!(
            err("10.0.1.0/24", RouteTarget::InternetGateway),
            "InvalidParameterValue"
        );
        assert_eq!(
            err("10.0.1.0/24", RouteTarget::TransitGateway),
            "InvalidParameterValue"
        );
        assert_eq!(
            err("10.0.0.0/16", RouteTarget::NetworkInterface),
            "RouteAlreadyExists"
        );
        assert_eq!(
            err("0.0.0.0/0", RouteTarget::Local),
            "InvalidParameterValue"
        );
        assert_eq!(
            err("pl-63a5400a", RouteTarget::GatewayEndpoint),
            "InvalidParameterValue"
        );
        assert_eq!(
            err("pl-63a5400a", RouteTarget::GatewayLoadBalancerEndpoint),
            "InvalidParameterValue"
        );
    }
}
