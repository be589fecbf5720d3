//! Longest-prefix match with AWS's tie-breaks, over a frozen table.
//!
//! Entries are grouped by prefix length, longest first; each group is a
//! sorted array searched by binary search, so a lookup costs at most one
//! search per distinct prefix length (at most 33), whatever the table size.
//! The groups and their entries share one allocation.
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

/// A frozen longest-prefix-match table mapping blocks to `u32` values.
///
/// One allocation: `data[..groups]` are the groups, longest prefix first,
/// as `(mask, start)`; a group's entries are `data[start..next start]` (the
/// last group's run to the end), `(network, value)` sorted by network, one
/// entry per network (the best-ranked, then first inserted, of its
/// duplicates: the only one a lookup can return).
#[derive(Debug, Clone, Default)]
pub struct Lpm {
    data: Box<[(u32, u32)]>,
    groups: u32,
    /// Blocks inserted, duplicates included.
    blocks: usize,
}

/// Builds an [`Lpm`].
#[derive(Debug, Default)]
pub struct LpmBuilder {
    items: Vec<(Ipv4Cidr, Rank, u32)>,
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
        // Longest prefix first, then by network; among equal blocks the
        // lowest rank, then the first inserted.
        let mut items: Vec<(u8, u32, Rank, u32, u32)> = self
            .items
            .into_iter()
            .enumerate()
            .map(|(order, (cidr, rank, value))| {
                (
                    32 - cidr.prefix_len(),
                    cidr.network(),
                    rank,
                    order as u32,
                    value,
                )
            })
            .collect();
        items.sort_unstable();
        let mut heads: Vec<(u8, usize)> = Vec::new();
        let mut entries: Vec<(u32, u32)> = Vec::with_capacity(items.len());
        for (inv, network, _, _, value) in items {
            let len = 32 - inv;
            match heads.last() {
                Some(&(l, _)) if l == len => {
                    if entries.last().is_some_and(|e| e.0 == network) {
                        continue;
                    }
                }
                _ => heads.push((len, entries.len())),
            }
            entries.push((network, value));
        }
        let groups = heads.len();
        let mut data = Vec::with_capacity(groups + entries.len());
        data.extend(
            heads
                .iter()
                .map(|&(len, start)| (mask(len), (groups + start) as u32)),
        );
        data.extend(entries);
        Lpm {
            data: data.into_boxed_slice(),
            groups: groups as u32,
            blocks,
        }
    }
}

fn mask(len: u8) -> u32 {
    if len == 0 { 0 } else { u32::MAX << (32 - len) }
}

impl Lpm {
    /// The value of the most specific, then best-ranked, block holding `ip`,
    /// with that block's prefix length.
    #[inline]
    pub fn lookup(&self, ip: u32) -> Option<(u32, u8)> {
        let groups = self.groups as usize;
        let (heads, _) = self.data.split_at(groups);
        for (k, &(mask, start)) in heads.iter().enumerate() {
            let end = heads.get(k + 1).map_or(self.data.len(), |h| h.1 as usize);
            let entries = &self.data[start as usize..end];
            let key = ip & mask;
            let i = entries.partition_point(|e| e.0 < key);
            if let Some(e) = entries.get(i)
                && e.0 == key
            {
                return Some((e.1, mask.count_ones() as u8));
            }
        }
        None
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
        assert_eq!(t.lookup(0x0a00_0105), Some((2, 16)));
        assert_eq!(t.lookup(0x08080808), Some((1, 0)));
        // Static beats prefix list at equal length.
        assert_eq!(t.lookup(0x34d8_0101), Some((4, 15)));
        // Two prefix-list routes: the first inserted.
        assert_eq!(t.lookup(0x34d8_0a01), Some((5, 24)));
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
            for ip in probes.iter().copied().chain(cidrs.iter().map(|(c, _)| c.network())) {
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
                prop_assert_eq!(t.lookup(ip), best.map(|(i, l, _)| (i as u32, l)));
            }
        }
    }
}
