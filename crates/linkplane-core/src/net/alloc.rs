//! Private IP allocation over free ranges (see the module documentation of
//! [`crate::net`]).

use std::collections::BTreeMap;

use super::{Ipv4Cidr, check_requested_ip, format_ipv4, usable_range};
use crate::error::CoreError;

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
