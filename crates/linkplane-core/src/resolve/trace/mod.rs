//! The walk itself; see the [module docs](super) for the order of steps.

use super::dns::{Miss, fnv};
use super::model::{EndpointKind, PeeringState, VpcEndpointState};
use super::snapshot::{EniS, OwnerS, PeerS, RuleS, Snapshot, TargetS};
use super::{
    Answer, Code, Component, Destination, DnsAnswer, Explanation, Hop, HopRoute, Name, Query,
    QueryError, Source,
};
use crate::net::{Protocol, format_ipv4, ipv4_text, rule_admits};
use crate::policy::{Decision, Request};
use crate::privatelink::TargetProtocol;
use std::borrow::Cow;
use std::fmt;

mod endpoints;
mod groups;
mod routing;

/// A routing loop is cut after this many route lookups (AWS Route
/// Analyzer's limit is 64 hops).
pub const MAX_ROUTE_LOOKUPS: usize = 64;

/// The UDP port a Gateway Load Balancer sends GENEVE to its appliances on.
const GENEVE_PORT: u16 = 6081;

/// How the packet entered the VPC whose route table is consulted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Via {
    Source,
    NatGateway,
    TransitGateway,
    GatewayLoadBalancer,
}

struct Walk<'s, 'q> {
    s: &'s Snapshot,
    q: &'q Query<'q>,
    hops: Vec<Hop<'s>>,
    ex: Vec<Explanation<'s>>,
    /// The packet reached something that takes it (an interface, a
    /// service, the internet).
    delivered: bool,
    /// The current source address (a NAT gateway changes it).
    src_ip: u32,
    /// The interface whose groups a group-referencing rule checks; `None`
    /// once a NAT gateway translated the source.
    src_eni: Option<u32>,
    src_zone: &'s str,
    dst: u32,
    /// The first interface holding the destination address.
    dst_eni: Option<u32>,
    /// The AWS service a public DNS answer named.
    dns_service: Option<Name<'s>>,
    /// The packet passed a private NAT gateway (no internet beyond it).
    private_nat: bool,
    /// The account whose network the packet is in (see [`Hop::owner`]).
    domain: Option<&'s str>,
    /// The protocol and port that ingress rules see: the query's, until a
    /// load balancer forwards to a target's port (or, for a Gateway Load
    /// Balancer, encapsulates in GENEVE, UDP 6081).
    flow: (Protocol, u16),
}

fn proto_name(p: Protocol) -> &'static str {
    match p {
        Protocol::Tcp => "tcp",
        Protocol::Udp => "udp",
        Protocol::Icmp => "icmp",
        Protocol::All => "all",
    }
}

/// An address as `a.b.c.d` inside a message, without an intermediate
/// `String` (the text of [`format_ipv4`]).
struct Ip(u32);

impl fmt::Display for Ip {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(ipv4_text(self.0, &mut [0; 15]))
    }
}

/// An interface's groups as `sg-1, sg-2` inside a message.
struct GroupList<'a>(&'a Snapshot, &'a [u32]);

impl fmt::Display for GroupList<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, &g) in self.1.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            f.write_str(&self.0.groups[g as usize].id)?;
        }
        Ok(())
    }
}

/// RFC 1918, RFC 6598 and link-local: addresses the internet does not route.
fn is_private(ip: u32) -> bool {
    let in_block = |net: u32, len: u32| ip >> (32 - len) == net >> (32 - len);
    in_block(0x0a00_0000, 8)
        || in_block(0xac10_0000, 12)
        || in_block(0xc0a8_0000, 16)
        || in_block(0x6440_0000, 10)
        || in_block(0xa9fe_0000, 16)
}

impl Snapshot {
    /// Answers one query. Errors only for a source that does not exist or
    /// an address outside its subnet; everything else is an [`Answer`].
    pub fn resolve(&self, q: &Query<'_>) -> Result<Answer<'_>, QueryError> {
        let (subnet, src_ip, src_eni) = match q.source {
            Source::Interface(eni) => {
                let &e = self
                    .eni_idx
                    .get(eni)
                    .ok_or_else(|| QueryError::UnknownInterface(eni.to_string()))?;
                let x = &self.enis[e as usize];
                if x.subnet as usize >= self.subnets.len() {
                    return Err(QueryError::UnknownInterface(eni.to_string()));
                }
                (x.subnet, x.ip, Some(e))
            }
            Source::SubnetIp { subnet_id, ip } => {
                let &s = self
                    .subnet_idx
                    .get(subnet_id)
                    .ok_or_else(|| QueryError::UnknownSubnet(subnet_id.to_string()))?;
                let sub = &self.subnets[s as usize];
                if sub.vpc as usize >= self.vpcs.len() {
                    return Err(QueryError::UnknownSubnet(subnet_id.to_string()));
                }
                if !sub.cidr.contains_addr(ip) {
                    return Err(QueryError::AddressNotInSubnet {
                        subnet_id: subnet_id.to_string(),
                        ip: format_ipv4(ip),
                        cidr: sub.cidr.to_string(),
                    });
                }
                let eni = self
                    .eni_by_ip
                    .get(&(sub.vpc, ip))
                    .copied()
                    .filter(|&e| self.enis[e as usize].subnet == s);
                (s, ip, eni)
            }
        };
        let sub = &self.subnets[subnet as usize];
        let mut w = Walk {
            s: self,
            q,
            hops: Vec::with_capacity(8),
            ex: Vec::new(),
            delivered: false,
            src_ip,
            src_eni,
            src_zone: &sub.zone,
            dst: 0,
            dst_eni: None,
            dns_service: None,
            private_nat: false,
            flow: (q.protocol, q.port),
            domain: self.vpcs.get(sub.vpc as usize).map(|v| &*v.account),
        };
        let mut first = match src_eni {
            Some(e) => Hop::new(Component::NetworkInterface, &self.enis[e as usize].id),
            None => Hop::new(Component::Subnet, &sub.id),
        };
        first.zone_id = Some(Cow::Borrowed(&sub.zone));
        first.address = Some(src_ip);
        w.push_hop(first);

        let mut dns = None;
        match q.destination {
            Destination::Ip(ip) => w.dst = ip,
            Destination::Host(host) => {
                let name = host.trim_end_matches('.').to_ascii_lowercase();
                match self.answer(sub.vpc, &name) {
                    Ok((a, ep)) if !a.answers.is_empty() => {
                        w.dst = w.pick_answer(&a, ep);
                        if a.answered_by == super::AnsweredBy::Public {
                            w.dns_service = a.component_id.clone();
                        }
                        dns = Some(a);
                    }
                    Ok((a, _)) => {
                        let by = a
                            .component_id
                            .clone()
                            .unwrap_or_else(|| Cow::Owned(name.clone()));
                        w.explain_name(
                            Code::DnsNameNotFound,
                            by,
                            format!("{name} has a record but no address: its endpoint has no network interfaces"),
                        );
                        return Ok(w.finish(Some(a)));
                    }
                    Err((a, miss)) => {
                        let vpc = &self.vpcs[sub.vpc as usize];
                        let message = match miss {
                            Miss::DnsDisabled => format!(
                                "{} has DNS resolution (enableDnsSupport) off: its resolver answers nothing",
                                vpc.id
                            ),
                            Miss::NotFound => format!(
                                "no record for {name} in the resolver of {} (no private DNS name of an endpoint in the VPC, endpoint-specific name or public AWS service name)",
                                vpc.id
                            ),
                        };
                        w.explain(Code::DnsNameNotFound, &vpc.id, message);
                        return Ok(w.finish(Some(a)));
                    }
                }
            }
        }
        let egress_at = w.hops.len();
        let egress_ex_at = w.ex.len();
        w.route_from(subnet);
        // Egress is judged once the destination interface is known (a rule
        // may reference the destination's group); it sits second on the path.
        if let Some(e) = src_eni {
            w.egress(e, egress_at, egress_ex_at);
        }
        Ok(w.finish(dns))
    }
}

impl<'s> Walk<'s, '_> {
    fn finish(self, dns: Option<DnsAnswer<'s>>) -> Answer<'s> {
        Answer {
            reachable: self.delivered && self.ex.is_empty(),
            dns,
            hops: self.hops,
            explanations: self.ex,
        }
    }

    fn explain(&mut self, code: Code, component: &'s str, message: String) {
        self.explain_name(code, Cow::Borrowed(component), message);
    }

    fn explain_name(&mut self, code: Code, component: Name<'s>, message: String) {
        self.ex.push(Explanation {
            code,
            component_id: component,
            message,
            owner: self.domain.map(Cow::Borrowed),
        });
    }

    /// Records a hop in the current account's network (shared and public
    /// components belong to none).
    fn push_hop(&mut self, mut h: Hop<'s>) {
        h.owner = match h.component {
            Component::VpcPeeringConnection
            | Component::TransitGateway
            | Component::TransitGatewayAttachment
            | Component::AwsService
            | Component::Internet => None,
            _ => self.domain.map(Cow::Borrowed),
        };
        self.hops.push(h);
    }

    /// Among several addresses of endpoint `ep`, the one in the source's
    /// zone (as a client preferring its own zone would), else the first.
    fn pick_answer(&self, a: &DnsAnswer, ep: Option<u32>) -> u32 {
        let s = self.s;
        if let Some(ep) = ep {
            for &e in &s.endpoints[ep as usize].enis {
                let x = &s.enis[e as usize];
                if s.subnets
                    .get(x.subnet as usize)
                    .is_some_and(|sub| *sub.zone == *self.src_zone)
                    && a.answers.contains(&x.ip)
                {
                    return x.ip;
                }
            }
        }
        a.answers[0]
    }

    fn flow_hash(&self) -> u64 {
        let q = self.q;
        let mut b = [0u8; 11];
        b[..4].copy_from_slice(&self.src_ip.to_be_bytes());
        b[4..8].copy_from_slice(&self.dst.to_be_bytes());
        b[8..10].copy_from_slice(&q.port.to_be_bytes());
        b[10] = q.protocol as u8;
        fnv(&b)
    }
}
