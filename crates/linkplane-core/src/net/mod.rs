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

mod alloc;
mod cidr;
mod route;
mod rule;

#[cfg(test)]
mod tests;

pub use alloc::*;
pub use cidr::*;
pub use route::*;
pub use rule::*;

/// Smallest prefix length (largest block) AWS allows for a VPC or subnet.
pub const MIN_BLOCK_PREFIX: u8 = 16;
/// Largest prefix length (smallest block) AWS allows for a VPC or subnet.
pub const MAX_BLOCK_PREFIX: u8 = 28;
/// Addresses AWS reserves at the start of every subnet (network address,
/// VPC router, DNS server, reserved for future use).
pub const RESERVED_AT_START: u32 = 4;
