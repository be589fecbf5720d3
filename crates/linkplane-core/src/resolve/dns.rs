//! The VPC resolver (the Amazon-provided DNS server at the VPC's base + 2).
//!
//! Precedence, as AWS applies it: a private hosted zone associated with the
//! VPC shadows the public name, so (1) private DNS names of interface
//! endpoints in the source VPC answer first (only when the VPC has both DNS
//! support and DNS hostnames on); then (2) endpoint-specific names, regional
//! and zonal, which are public names resolving to private addresses; then
//! (3) public AWS service names. A name nobody answers is
//! `DNS_NAME_NOT_FOUND`; so is every name when the VPC's DNS support is off
//! (its resolver does not answer at all).
//!
//! Records of endpoints that are `deleted`, `rejected`, `failed` or
//! `expired` are gone; a `pending_acceptance` or `pending` endpoint's
//! records exist (AWS creates them with the endpoint), so the walk reaches
//! the endpoint and explains that it is not available.
//!
//! Public addresses: an AWS service with a managed prefix list in the
//! Region (S3, DynamoDB) answers an address inside the list's first block;
//! other services answer a stand-in address from 198.18.0.0/15 (the RFC 2544
//! benchmarking range), since their published ranges are not modelled. Both
//! are derived from the name asked, so the same name always gets the same
//! address.

use super::model::{EndpointKind, Network};
use super::snapshot::{Fx, Id, IdMap, Snapshot, id};
use super::{AnsweredBy, DnsAnswer};
use crate::net::Ipv4Cidr;
use std::borrow::Cow;
use std::collections::HashMap;

/// The stand-in block for AWS services without published ranges.
pub const STAND_IN_BLOCK: &str = "198.18.0.0/15";

#[derive(Debug, Clone)]
struct PrivateRecord {
    vpc: u32,
    endpoint: u32,
    record: Id,
}

#[derive(Debug, Clone)]
struct EndpointRecord {
    endpoint: u32,
    zone: Option<Id>,
    record: Id,
}

#[derive(Debug, Clone)]
struct PublicRecord {
    service_name: Id,
    /// The prefix list block addresses come from, or the stand-in block.
    block: Ipv4Cidr,
    record: Id,
}

/// Every name the resolver can answer, by lowercase name (wildcards by the
/// suffix after `*.`).
#[derive(Debug, Default)]
pub(crate) struct DnsIndex {
    private_exact: HashMap<Box<str>, Vec<PrivateRecord>, Fx>,
    private_wild: HashMap<Box<str>, Vec<PrivateRecord>, Fx>,
    endpoint_exact: HashMap<Box<str>, EndpointRecord, Fx>,
    endpoint_wild: HashMap<Box<str>, EndpointRecord, Fx>,
    public_exact: HashMap<Box<str>, PublicRecord, Fx>,
    public_wild: HashMap<Box<str>, PublicRecord, Fx>,
}

fn split_wild(name: &str) -> (bool, Box<str>) {
    let lower = name.trim_end_matches('.').to_ascii_lowercase();
    match lower.strip_prefix("*.") {
        Some(rest) => (true, rest.into()),
        None => (false, lower.into()),
    }
}

/// FNV-1a, for deriving stable addresses from names.
pub(crate) fn fnv(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= *b as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

#[expect(clippy::expect_used, reason = "a constant block, checked by the tests")]
fn stand_in() -> Ipv4Cidr {
    Ipv4Cidr::parse(STAND_IN_BLOCK).expect("the stand-in block is a valid CIDR")
}

impl DnsIndex {
    pub(crate) fn build(net: &Network, vpc_idx: &IdMap, ep_idx: &IdMap) -> DnsIndex {
        let mut ix = DnsIndex::default();
        for e in &net.endpoints {
            if !e.state.keeps_dns_records() || e.kind != EndpointKind::Interface {
                continue;
            }
            let Some(&endpoint) = ep_idx.get(e.id.as_str()) else {
                continue;
            };
            for (name, zone) in &e.dns_names {
                let (wild, key) = split_wild(name);
                let rec = EndpointRecord {
                    endpoint,
                    zone: zone.as_deref().map(id),
                    record: id(&name.to_ascii_lowercase()),
                };
                if wild {
                    ix.endpoint_wild.insert(key, rec);
                } else {
                    ix.endpoint_exact.insert(key, rec);
                }
            }
            let Some(&vpc) = vpc_idx.get(e.vpc_id.as_str()) else {
                continue;
            };
            if !e.private_dns_enabled {
                continue;
            }
            for name in &e.private_dns_names {
                let (wild, key) = split_wild(name);
                let rec = PrivateRecord {
                    vpc,
                    endpoint,
                    record: id(&name.to_ascii_lowercase()),
                };
                let map = if wild {
                    &mut ix.private_wild
                } else {
                    &mut ix.private_exact
                };
                map.entry(key).or_default().push(rec);
            }
        }
        for recs in ix
            .private_exact
            .values_mut()
            .chain(ix.private_wild.values_mut())
        {
            recs.sort_by_key(|r| r.vpc);
        }
        let catalog = crate::catalog::catalog();
        for region in catalog.regions() {
            for svc in catalog.aws_services(&region.region) {
                let block = catalog
                    .prefix_list_for(&region.region, &svc.service)
                    .and_then(|pl| pl.cidrs.first())
                    .and_then(|c| Ipv4Cidr::parse(c).ok())
                    .unwrap_or_else(stand_in);
                let service_name = id(&svc.service_name(&region.region));
                for name in svc.public_dns_names(&region.region) {
                    let (wild, key) = split_wild(&name);
                    let rec = PublicRecord {
                        service_name: service_name.clone(),
                        block,
                        record: id(&name),
                    };
                    let map = if wild {
                        &mut ix.public_wild
                    } else {
                        &mut ix.public_exact
                    };
                    map.entry(key).or_insert(rec);
                }
            }
        }
        ix
    }
}

/// Looks `name` up in an exact map, then in a wildcard map by each suffix
/// (a DNS wildcard stands for one or more labels).
fn find<'m, T>(
    exact: &'m HashMap<Box<str>, T, Fx>,
    wild: &'m HashMap<Box<str>, T, Fx>,
    name: &str,
) -> Option<&'m T> {
    if let Some(r) = exact.get(name) {
        return Some(r);
    }
    if wild.is_empty() {
        return None;
    }
    let mut rest = name;
    while let Some(dot) = rest.find('.') {
        rest = &rest[dot + 1..];
        if let Some(r) = wild.get(rest) {
            return Some(r);
        }
    }
    None
}

/// As [`find`], over lists of private records, keeping only VPC `vpc`'s:
/// a VPC's resolver sees only its own private hosted zones, so another
/// VPC's record for the exact name (or a closer wildcard) must not hide
/// this VPC's wildcard. Each list is sorted by VPC, stably (a VPC's first
/// record stays first), so a name many VPCs share costs a binary search.
fn find_in<'m>(
    exact: &'m HashMap<Box<str>, Vec<PrivateRecord>, Fx>,
    wild: &'m HashMap<Box<str>, Vec<PrivateRecord>, Fx>,
    name: &str,
    vpc: u32,
) -> Option<&'m PrivateRecord> {
    let pick = |recs: Option<&'m Vec<PrivateRecord>>| {
        recs.and_then(|v| {
            v.get(v.partition_point(|r| r.vpc < vpc))
                .filter(|r| r.vpc == vpc)
        })
    };
    if let Some(r) = pick(exact.get(name)) {
        return Some(r);
    }
    let mut rest = name;
    while let Some(dot) = rest.find('.') {
        rest = &rest[dot + 1..];
        if let Some(r) = pick(wild.get(rest)) {
            return Some(r);
        }
    }
    None
}

/// A derived public address of `block` for `name`: never the block's first
/// or last address.
fn public_address(block: &Ipv4Cidr, name: &str) -> u32 {
    let size = block.size();
    if size <= 2 {
        return block.network();
    }
    block.network() + 1 + (fnv(name.as_bytes()) % (size - 2)) as u32
}

/// Why a name got no answer.
pub(crate) enum Miss {
    DnsDisabled,
    NotFound,
}

impl Snapshot {
    /// Answers `name` as the resolver of VPC `vpc` would. `name` must be
    /// lowercase without a trailing dot.
    // Both outcomes carry an answer of the same size; the error is as common
    // as success (an unknown name) and returned once per query.
    #[allow(clippy::result_large_err)]
    pub(crate) fn answer(
        &self,
        vpc: u32,
        name: &str,
    ) -> Result<(DnsAnswer<'_>, Option<u32>), (DnsAnswer<'_>, Miss)> {
        let v = &self.vpcs[vpc as usize];
        let none = |miss| {
            Err((
                DnsAnswer {
                    name: name.to_string(),
                    answers: Vec::new(),
                    answered_by: AnsweredBy::None,
                    record: None,
                    cname: None,
                    component_id: None,
                },
                miss,
            ))
        };
        if !v.dns_support {
            return none(Miss::DnsDisabled);
        }
        let ix = &self.dns;
        if v.dns_hostnames
            && let Some(r) = find_in(&ix.private_exact, &ix.private_wild, name, vpc)
        {
            let ep = &self.endpoints[r.endpoint as usize];
            let cname = if ep.service.is_some() {
                ep.regional_name.as_deref().map(Cow::Borrowed)
            } else {
                None
            };
            return Ok((
                DnsAnswer {
                    name: name.to_string(),
                    answers: ep.enis.iter().map(|&e| self.enis[e as usize].ip).collect(),
                    answered_by: AnsweredBy::PrivateDns,
                    record: Some(Cow::Borrowed(&r.record)),
                    cname,
                    component_id: Some(Cow::Borrowed(&ep.id)),
                },
                Some(r.endpoint),
            ));
        }
        if let Some(r) = find(&ix.endpoint_exact, &ix.endpoint_wild, name) {
            let ep = &self.endpoints[r.endpoint as usize];
            let answers = ep
                .enis
                .iter()
                .map(|&e| &self.enis[e as usize])
                .filter(|e| {
                    r.zone.as_ref().is_none_or(|z| {
                        self.subnets
                            .get(e.subnet as usize)
                            .is_some_and(|s| &s.zone == z)
                    })
                })
                .map(|e| e.ip)
                .collect();
            return Ok((
                DnsAnswer {
                    name: name.to_string(),
                    answers,
                    answered_by: if r.zone.is_some() {
                        AnsweredBy::EndpointZonal
                    } else {
                        AnsweredBy::EndpointRegional
                    },
                    record: Some(Cow::Borrowed(&r.record)),
                    cname: None,
                    component_id: Some(Cow::Borrowed(&ep.id)),
                },
                Some(r.endpoint),
            ));
        }
        if let Some(r) = find(&ix.public_exact, &ix.public_wild, name) {
            return Ok((
                DnsAnswer {
                    name: name.to_string(),
                    answers: vec![public_address(&r.block, name)],
                    answered_by: AnsweredBy::Public,
                    record: Some(Cow::Borrowed(&r.record)),
                    cname: None,
                    component_id: Some(Cow::Borrowed(&r.service_name)),
                },
                None,
            ));
        }
        none(Miss::NotFound)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn public_addresses_stay_inside_their_block() {
        let b = Ipv4Cidr::parse("52.216.0.0/15").unwrap();
        for name in [
            "a.s3.us-east-1.amazonaws.com",
            "b",
            "s3.us-east-1.amazonaws.com",
        ] {
            let ip = public_address(&b, name);
            assert!(b.contains_addr(ip) && ip != b.first() && ip != b.last());
            assert_eq!(ip, public_address(&b, name), "stable");
        }
        assert_eq!(stand_in().to_string(), STAND_IN_BLOCK);
    }

    #[test]
    fn wildcards_match_one_or_more_labels() {
        let mut exact: HashMap<Box<str>, u8, Fx> = HashMap::default();
        let mut wild: HashMap<Box<str>, u8, Fx> = HashMap::default();
        exact.insert("s3.x.com".into(), 1);
        wild.insert("s3.x.com".into(), 2);
        assert_eq!(find(&exact, &wild, "s3.x.com"), Some(&1));
        assert_eq!(find(&exact, &wild, "b.s3.x.com"), Some(&2));
        assert_eq!(find(&exact, &wild, "a.b.s3.x.com"), Some(&2));
        assert_eq!(find(&exact, &wild, "s4.x.com"), None);
    }
}
