//! Longest-prefix match with AWS's tie-breaks, over a frozen table.
//!
//! CIDR blocks are nested or disjoint, never partly overlapping, so the
//! winners of all blocks cut the address space into intervals, each with one
//! answer. The table stores the intervals' first addresses in one sorted
//! array (and their answers beside it): a lookup is a single binary search
//! over `u32`s, about `log2(2 x blocks)` steps in a few cache lines,
//! whatever the prefix lengths. (The earlier design searched one group per
//! distinct prefix length, longest first: a destination matched by a short
//! prefix paid for every longer group.)
//!
//! Tie-breaks among entries with the same prefix (AWS "route priority"):
//! the lowest `rank` wins (static routes 0, prefix-list routes 1,
//! propagated routes 2, as AWS orders VPC and transit gateway routes). Two
//! prefix-list routes whose lists share a block are, per AWS, chosen
//! "randomly, then the same one always"; here the one inserted first wins
//! (the snapshot inserts routes in the table's order), which is stable.

use crate::net::Ipv4Cidr;

/// A route priority class at equal prefix length; lower wins.
pub type Rank = u8;

/// Static routes (and the local route).
pub const RANK_STATIC: Rank = 0;
/// Routes whose destination is a prefix list.
pub const RANK_PREFIX_LIST: Rank = 1;
/// Propagated routes.
pub const RANK_PROPAGATED: Rank = 2;

/// No block covers the interval.
const NONE: u32 = u32::MAX;

/// A frozen longest-prefix-match table mapping blocks to `u32` values.
///
/// One allocation of `2n` words: `data[..n]` are the intervals' first
/// addresses (`data[0] == 0`; an interval runs to the next start),
/// `data[n + i]` the value of interval `i`'s winning block, [`NONE`] where no
/// block covers it. Adjacent intervals never have the same value. A small
/// table's starts and values share a cache line or two.
#[derive(Debug, Clone, Default)]
pub struct Lpm {
    data: Box<[u32]>,
    /// Blocks inserted, duplicates included.
    blocks: usize,
}

/// Builds an [`Lpm`].
#[derive(Debug, Default)]
pub struct LpmBuilder {
    items: Vec<(Ipv4Cidr, Rank, u32)>,
}

/// The interval list under construction: `(start, value)`, merged as it grows.
struct Intervals(Vec<(u32, u32)>);

impl Intervals {
    /// From `at` on (to the next call), the answer is `answer`.
    fn set(&mut self, at: u64, answer: u32) {
        let Ok(at) = u32::try_from(at) else {
            return; // past the end of the address space
        };
        if let Some(last) = self.0.last_mut()
            && last.0 == at
        {
            last.1 = answer;
            let n = self.0.len();
            if n >= 2 && self.0[n - 2].1 == answer {
                self.0.pop();
            }
            return;
        }
        if self.0.last().is_some_and(|l| l.1 == answer) {
            return;
        }
        self.0.push((at, answer));
    }
}

impl LpmBuilder {
    pub fn new() -> LpmBuilder {
        LpmBuilder::default()
    }

    /// Adds `cidr -> value` with priority class `rank`.
    pub fn insert(&mut self, cidr: Ipv4Cidr, rank: Rank, value: u32) {
        self.items.push((cidr, rank, value));
    }

    pub fn build(self) -> Lpm {
        let blocks = self.items.len();
        // By network, then shortest prefix first (a parent before the
        // blocks inside it); among equal blocks the best rank, then the
        // first inserted, comes first and is the only one kept.
        let mut items: Vec<(u32, u8, Rank, u32, u32)> = self
            .items
            .into_iter()
            .enumerate()
            .map(|(order, (cidr, rank, value))| {
                (cidr.network(), cidr.prefix_len(), rank, order as u32, value)
            })
            .collect();
        items.sort_unstable();
        items.dedup_by_key(|i| (i.0, i.1));
        // Sweep: the stack holds the blocks containing the current address,
        // innermost on top, as (end exclusive, answer).
        let mut out = Intervals(vec![(0, NONE)]);
        let mut open: Vec<(u64, u32)> = Vec::new();
        let close_before = |at: u64, open: &mut Vec<(u64, u32)>, out: &mut Intervals| {
            while let Some(&(end, _)) = open.last() {
                if end > at {
                    break;
                }
                open.pop();
                out.set(end, open.last().map_or(NONE, |o| o.1));
            }
        };
        for (network, len, _, _, value) in items {
            let start = u64::from(network);
            close_before(start, &mut open, &mut out);
            let end = start + (1u64 << (32 - u32::from(len)));
            open.push((end, value));
            out.set(start, value);
        }
        close_before(u64::MAX, &mut open, &mut out);
        let mut data: Vec<u32> = out.0.iter().map(|&(start, _)| start).collect();
        data.extend(out.0.iter().map(|&(_, value)| value));
        Lpm {
            data: data.into_boxed_slice(),
            blocks,
        }
    }
}

impl Lpm {
    /// The value of the best block containing `ip`.
    #[inline]
    pub fn lookup(&self, ip: u32) -> Option<u32> {
        let (starts, values) = self.data.split_at(self.data.len() / 2);
        // starts[0] == 0 <= ip when the table was built; an empty default
        // table has no intervals.
        let i = starts.partition_point(|&s| s <= ip).checked_sub(1)?;
        let value = values[i];
        (value != NONE).then_some(value)
    }

    /// Number of blocks in the table.
    pub fn len(&self) -> usize {
        self.blocks
    }

    pub fn is_empty(&self) -> bool {
        self.blocks == 0
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use proptest::prelude::*;

    fn mask(len: u8) -> u32 {
        if len == 0 { 0 } else { u32::MAX << (32 - len) }
    }

    fn c(s: &str) -> Ipv4Cidr {
        Ipv4Cidr::parse(s).unwrap()
    }

    #[test]
    fn most_specific_wins_then_rank_then_order() {
        let mut b = LpmBuilder::new();
        b.insert(c("0.0.0.0/0"), RANK_STATIC, 1);
        b.insert(c("10.0.0.0/16"), RANK_STATIC, 2);
        b.insert(c("52.216.0.0/15"), RANK_PREFIX_LIST, 3);
        b.insert(c("52.216.0.0/15"), RANK_STATIC, 4);
        b.insert(c("52.216.10.0/24"), RANK_PREFIX_LIST, 5);
        b.insert(c("52.216.10.0/24"), RANK_PREFIX_LIST, 6);
        let t = b.build();
        assert_eq!(t.lookup(0x0a00_0105), Some(2));
        assert_eq!(t.lookup(0x08080808), Some(1));
        // Static beats prefix list at equal length.
        assert_eq!(t.lookup(0x34d8_0101), Some(4));
        // Two prefix-list routes: the first inserted.
        assert_eq!(t.lookup(0x34d8_0a01), Some(5));
        assert_eq!(t.len(), 6);
    }

    #[test]
    fn empty_table_matches_nothing() {
        assert_eq!(LpmBuilder::new().build().lookup(1), None);
    }

    proptest! {
        /// Agrees with a linear scan (longest, then lowest rank, then first).
        #[test]
        fn agrees_with_linear_scan(
            routes in proptest::collection::vec((any::<u32>(), 0u8..=32, 0u8..3), 0..40),
            probes in proptest::collection::vec(any::<u32>(), 1..40),
        ) {
            let cidrs: Vec<(Ipv4Cidr, Rank)> = routes
                .iter()
                .map(|&(ip, len, rank)| (Ipv4Cidr::new(ip & mask(len), len).unwrap(), rank))
                .collect();
            let mut b = LpmBuilder::new();
            for (i, (cidr, rank)) in cidrs.iter().enumerate() {
                b.insert(*cidr, *rank, i as u32);
            }
            let t = b.build();
            // Random addresses, and every block's first and last address and
            // the addresses just outside it (the intervals' edges).
            let edges = cidrs.iter().flat_map(|(c, _)| {
                let last = c.network() | !mask(c.prefix_len());
                [c.network(), c.network().wrapping_sub(1), last, last.wrapping_add(1)]
            });
            for ip in probes.iter().copied().chain(edges) {
                let mut best: Option<(usize, u8, Rank)> = None;
                for (i, (cidr, rank)) in cidrs.iter().enumerate() {
                    if !cidr.contains_addr(ip) {
                        continue;
                    }
                    let better = match best {
                        None => true,
                        Some((_, l, r)) => cidr.prefix_len() > l || (cidr.prefix_len() == l && *rank < r),
                    };
                    if better {
                        best = Some((i, cidr.prefix_len(), *rank));
                    }
                }
                prop_assert_eq!(t.lookup(ip), best.map(|(i, _, _)| i as u32));
            }
        }
    }
}
