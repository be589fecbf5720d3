//! The walk itself; see the [module docs](super) for the order of steps.

use super::dns::{Miss, fnv};
use super::model::EndpointKind;
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

    /// Whether a rule's peer holds `ip` (and, for a group reference, whether
    /// interface `eni` is a member of the group).
    fn peer_matches(&self, rule: &RuleS, ip: u32, eni: Option<u32>) -> bool {
        match &rule.peer {
            PeerS::Cidr(c) => c.contains_addr(ip),
            PeerS::PrefixList(Some(pl)) => self.s.pl_contains(*pl, ip),
            PeerS::PrefixList(None) | PeerS::Group(None) => false,
            PeerS::Group(Some(g)) => {
                eni.is_some_and(|e| self.s.enis[e as usize].groups.contains(g))
            }
        }
    }

    /// The first `(group, rule)` admitting `flow` (protocol, port), if any.
    fn admitting_rule(
        &self,
        x: &EniS,
        egress: bool,
        flow: (Protocol, u16),
        peer_ip: u32,
        peer_eni: Option<u32>,
    ) -> Option<(&'s str, &'s str)> {
        let s: &'s Snapshot = self.s;
        for &g in &x.groups {
            let group = &s.groups[g as usize];
            let rules = if egress {
                &group.egress
            } else {
                &group.ingress
            };
            for r in rules {
                if rule_admits(r.protocol, r.from, r.to, flow.0, i32::from(flow.1))
                    && self.peer_matches(r, peer_ip, peer_eni)
                {
                    return Some((&group.id, &r.id));
                }
            }
        }
        None
    }

    fn egress(&mut self, e: u32, hop_at: usize, ex_at: usize) {
        let s = self.s;
        let x = &s.enis[e as usize];
        if x.groups.is_empty() {
            return;
        }
        let flow = (self.q.protocol, self.q.port);
        match self.admitting_rule(x, true, flow, self.dst, self.dst_eni) {
            Some((group, rule)) => {
                let mut h = Hop::new(Component::SecurityGroup, group);
                h.rule = Some(Cow::Borrowed(rule));
                h.direction = Some("egress");
                h.owner = Some(Cow::Borrowed(&x.account));
                self.hops.insert(hop_at, h);
            }
            None => {
                self.ex.insert(
                    ex_at,
                    Explanation {
                        code: Code::SecurityGroupEgressDenied,
                        component_id: Cow::Borrowed(&s.groups[x.groups[0] as usize].id),
                        message: format!(
                            "no outbound rule of {} on {} admits {} port {} to {}",
                            GroupList(s, &x.groups),
                            x.id,
                            proto_name(self.q.protocol),
                            self.q.port,
                            Ip(self.dst)
                        ),
                        owner: Some(Cow::Borrowed(&x.account)),
                    },
                );
            }
        }
    }

    /// Checks the inbound rules of `x` for the current source; records the
    /// admitting rule as a hop or the denial.
    fn ingress(&mut self, xi: u32) {
        let s = self.s;
        let x = &s.enis[xi as usize];
        if x.groups.is_empty() {
            return;
        }
        let flow = self.flow;
        match self.admitting_rule(x, false, flow, self.src_ip, self.src_eni) {
            Some((group, rule)) => {
                let mut h = Hop::new(Component::SecurityGroup, group);
                h.rule = Some(Cow::Borrowed(rule));
                h.direction = Some("ingress");
                self.push_hop(h);
            }
            None => {
                self.explain(
                    Code::SecurityGroupIngressDenied,
                    &s.groups[x.groups[0] as usize].id,
                    format!(
                        "no inbound rule of {} on {} admits {} port {} from {}",
                        GroupList(s, &x.groups),
                        x.id,
                        proto_name(flow.0),
                        flow.1,
                        Ip(self.src_ip)
                    ),
                );
            }
        }
    }

    fn route_from(&mut self, start: u32) {
        let s = self.s;
        let mut subnet = start;
        let mut via = Via::Source;
        for _ in 0..MAX_ROUTE_LOOKUPS {
            let sub = &s.subnets[subnet as usize];
            let vpc = sub.vpc;
            let Some(t) = sub.table else {
                self.explain(
                    Code::NoRouteToDestination,
                    &sub.id,
                    format!("{} has no route table", sub.id),
                );
                return;
            };
            let table = &s.tables[t as usize];
            let Some(entry) = table.lpm.lookup(self.dst) else {
                self.push_hop(Hop::new(Component::RouteTable, &table.id));
                self.explain(
                    Code::NoRouteToDestination,
                    &table.id,
                    format!("no route in {} covers {}", table.id, Ip(self.dst)),
                );
                return;
            };
            let route = &table.entries[entry as usize];
            let mut hop = Hop::new(Component::RouteTable, &table.id);
            hop.route = Some(HopRoute {
                destination: Cow::Borrowed(&route.destination),
                target: Cow::Borrowed(&route.target_id),
                matched_cidr: route.block.as_deref().map(Cow::Borrowed),
            });
            self.push_hop(hop);
            let blackhole = |w: &mut Self, why: &str| {
                w.explain(
                    Code::BlackholeRoute,
                    &table.id,
                    format!(
                        "the route {} -> {} in {} is a blackhole: {why}",
                        route.destination, route.target_id, table.id
                    ),
                );
            };
            match route.target {
                TargetS::Local => {
                    self.deliver(vpc);
                    return;
                }
                TargetS::Igw(None) => {
                    return blackhole(
                        self,
                        "the internet gateway is deleted or not attached to the VPC",
                    );
                }
                TargetS::Nat(None)
                | TargetS::Pcx(None)
                | TargetS::Tgw(None)
                | TargetS::Eni(None)
                | TargetS::Endpoint(None) => {
                    return blackhole(self, "the target no longer exists");
                }
                TargetS::Igw(Some(g)) => {
                    let gid: &'s str = &s.igw_ids[g as usize];
                    self.push_hop(Hop::new(Component::InternetGateway, gid));
                    self.internet(gid);
                    return;
                }
                TargetS::Nat(Some(n)) => {
                    let nat = &s.nats[n as usize];
                    if !nat.available || nat.subnet as usize >= s.subnets.len() {
                        return blackhole(self, "the NAT gateway is not available");
                    }
                    let mut h = Hop::new(Component::NatGateway, &nat.id);
                    h.address = Some(nat.ip);
                    self.push_hop(h);
                    self.src_ip = nat.ip;
                    self.src_eni = None;
                    self.private_nat |= !nat.public;
                    subnet = nat.subnet;
                    via = Via::NatGateway;
                }
                TargetS::Pcx(Some(p)) => {
                    self.peering(p, vpc);
                    return;
                }
                TargetS::Tgw(Some(g)) => match self.transit(g, vpc, &sub.zone) {
                    Some(next) => {
                        subnet = next;
                        via = Via::TransitGateway;
                    }
                    None => return,
                },
                TargetS::Eni(Some(e)) => {
                    // A middlebox: the appliance's interface takes the packet.
                    let x = &s.enis[e as usize];
                    let mut h = Hop::new(Component::NetworkInterface, &x.id);
                    h.zone_id = s
                        .subnets
                        .get(x.subnet as usize)
                        .map(|sn| Cow::Borrowed(&*sn.zone));
                    h.address = Some(x.ip);
                    self.push_hop(h);
                    self.ingress(e);
                    self.delivered = true;
                    return;
                }
                TargetS::Endpoint(Some(ep)) => {
                    let e = &s.endpoints[ep as usize];
                    match e.kind {
                        EndpointKind::Gateway => {
                            self.gateway_endpoint(ep, via);
                            return;
                        }
                        EndpointKind::GatewayLoadBalancer => match self.gwlb_endpoint(ep) {
                            Some(next) => {
                                subnet = next;
                                via = Via::GatewayLoadBalancer;
                            }
                            None => return,
                        },
                        EndpointKind::Interface => {
                            return blackhole(self, "an interface endpoint is not a route target");
                        }
                    }
                }
            }
            let _ = via;
        }
        let last = self
            .hops
            .last()
            .map_or(Cow::Borrowed("route"), |h| h.id.clone());
        self.explain_name(
            Code::MaxHopsExceeded,
            last,
            format!("the path loops: more than {MAX_ROUTE_LOOKUPS} route lookups"),
        );
    }

    /// Leaving through an internet gateway: an AWS service's address (by
    /// its published ranges, or the service a public DNS answer named) or
    /// the internet.
    fn internet(&mut self, igw: &'s str) {
        let s = self.s;
        if self.private_nat {
            self.explain(
                Code::NoRouteToDestination,
                igw,
                "the traffic passed a private NAT gateway, whose addresses the internet gateway does not carry".to_string(),
            );
            return;
        }
        if let Some(i) = s.aws_ranges.lookup(self.dst) {
            self.push_hop(Hop::new(
                Component::AwsService,
                &s.aws_range_names[i as usize],
            ));
        } else if let Some(name) = self.dns_service.clone() {
            let mut h = Hop::new(Component::AwsService, "");
            h.id = name;
            self.push_hop(h);
        } else if is_private(self.dst) {
            self.explain(
                Code::NoRouteToDestination,
                igw,
                format!(
                    "{} is a private address: the internet does not route it",
                    Ip(self.dst)
                ),
            );
            return;
        } else {
            self.push_hop(Hop::new(Component::Internet, "internet"));
        }
        self.delivered = true;
    }

    /// The packet is in `vpc` for an address of the VPC: the interface
    /// holding it takes it.
    fn deliver(&mut self, vpc: u32) {
        let s = self.s;
        let Some(&e) = s.eni_by_ip.get(&(vpc, self.dst)) else {
            let vid = &s.vpcs[vpc as usize].id;
            self.explain(
                Code::UnknownDestination,
                vid,
                format!(
                    "no network interface in {vid} has the address {}",
                    Ip(self.dst)
                ),
            );
            return;
        };
        let x = &s.enis[e as usize];
        if self.dst_eni.is_none() {
            self.dst_eni = Some(e);
        }
        let zone: &'s str = &x.zone;
        let mut h = Hop::new(Component::NetworkInterface, &x.id);
        h.zone_id = Some(Cow::Borrowed(zone));
        h.address = Some(x.ip);
        self.push_hop(h);
        self.ingress(e);
        match x.owner {
            OwnerS::Endpoint(ep) => self.privatelink(ep, zone),
            OwnerS::LoadBalancer(lb) => self.load_balancer(lb, zone, x.ip),
            OwnerS::User | OwnerS::Nat(_) | OwnerS::Orphan => self.delivered = true,
        }
    }

    fn peering(&mut self, p: u32, vpc: u32) {
        let s = self.s;
        let pcx = &s.pcxs[p as usize];
        self.push_hop(Hop::new(Component::VpcPeeringConnection, &pcx.id));
        if &*pcx.status != "active" {
            self.explain(
                Code::PeeringNotActive,
                &pcx.id,
                format!("{} is {}, not active", pcx.id, pcx.status),
            );
        }
        let other = if pcx.requester == Some(vpc) {
            pcx.accepter
        } else {
            pcx.requester
        };
        let Some(peer) = other else {
            self.explain(
                Code::BlackholeRoute,
                &pcx.id,
                format!("the other VPC of {} no longer exists", pcx.id),
            );
            return;
        };
        let pv = &s.vpcs[peer as usize];
        if pv.cidr.contains_addr(self.dst) {
            self.domain = Some(&pv.account);
            self.deliver(peer);
            return;
        }
        // Edge-to-edge routing is not supported: note a gateway endpoint of
        // the peer VPC the packet may have been meant for.
        if let Some(ep) = self.gateway_endpoint_covering(peer) {
            self.domain = Some(&pv.account);
            let eid = &s.endpoints[ep as usize].id;
            self.explain(
                Code::GatewayEndpointNotTransitive,
                eid,
                format!(
                    "{} is reachable from {} only through its gateway endpoint {eid}, which cannot be used over the peering connection {}",
                    Ip(self.dst),
                    pv.id,
                    pcx.id
                ),
            );
        } else {
            self.explain(
                Code::PeeringDestinationNotInPeerVpc,
                &pcx.id,
                format!(
                    "{} carries traffic only for {} ({}), not {}",
                    pcx.id,
                    pv.id,
                    pv.cidr,
                    Ip(self.dst)
                ),
            );
        }
    }

    /// A gateway endpoint of `vpc` whose prefix list holds the destination.
    fn gateway_endpoint_covering(&self, vpc: u32) -> Option<u32> {
        let s = self.s;
        s.vpcs[vpc as usize]
            .gateway_endpoints
            .iter()
            .copied()
            .find(|&ep| {
                s.endpoints[ep as usize]
                    .prefix_list
                    .is_some_and(|pl| s.pl_contains(pl, self.dst))
            })
    }

    /// Through a transit gateway: its route table, then the attachment's
    /// subnet in `vpc2` whose route table carries on. Answers that subnet.
    /// Into transit gateway `g` from `vpc`, from a subnet in `zone`: answers
    /// the subnet of the destination attachment the packet continues from.
    fn transit(&mut self, g: u32, vpc: u32, zone: &'s str) -> Option<u32> {
        let s = self.s;
        let tgw = &s.tgws[g as usize];
        let Some(src_att) = tgw
            .attachment_of
            .get(&vpc)
            .map(|&a| &tgw.attachments[a as usize])
        else {
            self.explain(
                Code::BlackholeRoute,
                &tgw.id,
                format!(
                    "{} has no attachment in {}",
                    tgw.id, s.vpcs[vpc as usize].id
                ),
            );
            return None;
        };
        self.push_hop(Hop::new(Component::TransitGatewayAttachment, &src_att.id));
        // AWS: traffic from a zone in which the attachment has no subnet
        // cannot reach the transit gateway (Reachability Analyzer's
        // TGW_ATTACH_VPC_AZ_RESTRICTION).
        if !src_att
            .subnets
            .iter()
            .any(|&sn| s.subnets.get(sn as usize).is_some_and(|x| *x.zone == *zone))
        {
            self.explain(
                Code::TransitGatewayAttachmentNotInZone,
                &src_att.id,
                format!(
                    "the attachment {} of {} has no subnet in zone {zone}: traffic from that zone cannot reach the transit gateway",
                    src_att.id, tgw.id
                ),
            );
            return None;
        }
        let mut hop = Hop::new(Component::TransitGateway, &tgw.id);
        let found = tgw.lpm.lookup(self.dst);
        if let Some(r) = found {
            let route = &tgw.routes[r as usize];
            hop.route = Some(HopRoute {
                destination: Cow::Borrowed(&route.destination),
                target: Cow::Borrowed(
                    route
                        .attachment
                        .map_or("blackhole", |a| &tgw.attachments[a as usize].id),
                ),
                matched_cidr: None,
            });
        }
        self.push_hop(hop);
        if !tgw.available || !src_att.available {
            self.explain(
                Code::BlackholeRoute,
                &tgw.id,
                format!(
                    "{} or its attachment {} is not available",
                    tgw.id, src_att.id
                ),
            );
            return None;
        }
        let Some(r) = found else {
            self.explain(
                Code::NoRouteToDestination,
                &tgw.id,
                format!("no route of {} covers {}", tgw.id, Ip(self.dst)),
            );
            return None;
        };
        let route = &tgw.routes[r as usize];
        let Some(a) = route.attachment else {
            self.explain(
                Code::BlackholeRoute,
                &tgw.id,
                format!(
                    "the route {} of {} is a blackhole",
                    route.destination, tgw.id
                ),
            );
            return None;
        };
        let att = &tgw.attachments[a as usize];
        self.push_hop(Hop::new(Component::TransitGatewayAttachment, &att.id));
        if !att.available || att.vpc.is_none() {
            self.explain(
                Code::BlackholeRoute,
                &tgw.id,
                format!("the attachment {} is not available", att.id),
            );
            return None;
        }
        let next = att
            .subnets
            .iter()
            .copied()
            .find(|&sn| *s.subnets[sn as usize].zone == *zone)
            .or_else(|| att.subnets.first().copied());
        if next.is_none() {
            self.explain(
                Code::BlackholeRoute,
                &att.id,
                format!("the attachment {} has no subnet", att.id),
            );
        }
        // On, in the attachment VPC's network.
        if let Some(v) = att.vpc.and_then(|v| s.vpcs.get(v as usize)) {
            self.domain = Some(&v.account);
        }
        next
    }

    fn gateway_endpoint(&mut self, ep: u32, via: Via) {
        let s = self.s;
        let e = &s.endpoints[ep as usize];
        self.push_hop(Hop::new(Component::VpcEndpoint, &e.id));
        if via == Via::TransitGateway {
            self.explain(
                Code::GatewayEndpointNotTransitive,
                &e.id,
                format!(
                    "{} is a gateway endpoint: traffic that entered the VPC through a transit gateway cannot use it",
                    e.id
                ),
            );
        }
        if !matches!(self.q.protocol, Protocol::Tcp | Protocol::Icmp) {
            self.explain(
                Code::ProtocolNotSupported,
                &e.id,
                format!(
                    "gateway endpoints carry TCP (and ICMP echo) only, not {}",
                    proto_name(self.q.protocol)
                ),
            );
        }
        self.endpoint_state(ep);
        self.policy(ep);
        self.push_hop(Hop::new(Component::AwsService, &e.service_name));
        self.delivered = true;
    }

    fn endpoint_state(&mut self, ep: u32) {
        let e = &self.s.endpoints[ep as usize];
        if &*e.state != "available" {
            self.explain(
                Code::EndpointNotAvailable,
                &e.id,
                format!("{} is {}, not available", e.id, e.state),
            );
        }
    }

    /// Evaluates the endpoint's policy for the query's request, if both
    /// exist; the admitting statement goes on the endpoint's hop.
    fn policy(&mut self, ep: u32) {
        let s = self.s;
        let e = &s.endpoints[ep as usize];
        let (Some(policy), Some(req)) = (&e.policy, self.q.request) else {
            return;
        };
        let policy = match policy {
            Ok(p) => p,
            Err(why) => {
                self.explain(
                    Code::EndpointPolicyDenied,
                    &e.id,
                    format!("the policy of {} does not evaluate: {why}", e.id),
                );
                return;
            }
        };
        let vpc_id = e.vpc.map_or("", |v| &*s.vpcs[v as usize].id);
        let mut ip_buf = [0u8; 15];
        let source_ip = ipv4_text(self.src_ip, &mut ip_buf);
        let ours = [
            ("aws:SourceVpce", &*e.id),
            ("aws:SourceVpc", vpc_id),
            ("aws:VpcSourceIp", source_ip),
        ];
        // Without extra keys (the usual case) the context needs no Vec.
        let extended: Vec<(&str, &str)>;
        let context: &[(&str, &str)] = if req.context.is_empty() {
            &ours
        } else {
            extended = ours.iter().chain(req.context).copied().collect();
            &extended
        };
        let decision = policy.evaluate(&Request {
            principal_arn: req.principal_arn,
            action: req.action,
            resource: req.resource,
            context,
        });
        let statement = |i: usize| -> Name<'s> {
            match policy.statement_sid(i) {
                Some(sid) if !sid.is_empty() => Cow::Borrowed(sid),
                _ => Cow::Owned(format!("Statement[{i}]")),
            }
        };
        match decision {
            Decision::Allow { statement: i, .. } => {
                if let Some(h) = self.hops.iter_mut().rev().find(|h| *h.id == *e.id) {
                    h.rule = Some(statement(i));
                }
            }
            Decision::ExplicitDeny { statement: i, .. } => self.explain(
                Code::EndpointPolicyDenied,
                &e.id,
                format!(
                    "{} denies {} on {} for {}: explicit deny in {}",
                    e.id,
                    req.action,
                    req.resource,
                    req.principal_arn,
                    statement(i)
                ),
            ),
            Decision::ImplicitDeny => {
                // Only when the policy tests aws:SourceIp is its absence the likely cause.
                let hint = if policy.uses_condition_key("aws:SourceIp")
                    && !context
                        .iter()
                        .any(|(k, _)| k.eq_ignore_ascii_case("aws:SourceIp"))
                {
                    " (aws:SourceIp is not in the request context of traffic through a VPC endpoint; conditions on the private address use aws:VpcSourceIp)"
                } else {
                    ""
                };
                self.explain(
                    Code::EndpointPolicyDenied,
                    &e.id,
                    format!(
                        "{} denies {} on {} for {}: no statement of its policy allows it{hint}",
                        e.id, req.action, req.resource, req.principal_arn
                    ),
                )
            }
        }
    }

    /// An interface endpoint's interface took the packet: on to the service.
    fn privatelink(&mut self, ep: u32, zone: &'s str) {
        let s = self.s;
        let e = &s.endpoints[ep as usize];
        if e.kind != EndpointKind::Interface {
            self.delivered = true;
            return;
        }
        self.push_hop(Hop::new(Component::VpcEndpoint, &e.id));
        if self.q.protocol != Protocol::Tcp {
            self.explain(
                Code::ProtocolNotSupported,
                &e.id,
                format!(
                    "interface endpoints carry TCP only, not {}",
                    proto_name(self.q.protocol)
                ),
            );
        }
        self.endpoint_state(ep);
        let Some(svc) = e.service else {
            if e.service_missing {
                self.explain(
                    Code::ServiceNotAvailable,
                    &e.id,
                    format!("the endpoint service of {} no longer exists", e.id),
                );
                return;
            }
            self.policy(ep);
            self.push_hop(Hop::new(Component::AwsService, &e.service_name));
            self.delivered = true;
            return;
        };
        let service = &s.services[svc as usize];
        self.push_hop(Hop::new(Component::VpcEndpointService, &service.id));
        let cross_region = e.service_region != e.region;
        if cross_region && !service.supported_regions.contains(&e.region) {
            self.explain(
                Code::CrossRegionNotSupported,
                &service.id,
                format!(
                    "{} in {} does not list {} among its supported Regions",
                    service.id, service.region, e.region
                ),
            );
        }
        if !service.available {
            self.explain(
                Code::ServiceNotAvailable,
                &service.id,
                format!("{} is not available", service.id),
            );
        }
        // Same Region: the load balancer node in the endpoint's zone, by
        // zone ID. Across Regions zones do not correspond: a node by flow hash.
        let pick = if cross_region {
            service.lbs.iter().find_map(|&lb| {
                let nodes = &s.lbs[lb as usize].nodes;
                if nodes.is_empty() {
                    None
                } else {
                    let n = &nodes[(self.flow_hash() % nodes.len() as u64) as usize];
                    Some((lb, &*n.0, n.1))
                }
            })
        } else {
            service.lbs.iter().find_map(|&lb| {
                s.lbs[lb as usize]
                    .nodes
                    .iter()
                    .find(|n| *n.0 == *zone)
                    .map(|n| (lb, &*n.0, n.1))
            })
        };
        let Some((lb, node_zone, node_eni)) = pick else {
            self.explain(
                Code::ServiceNotAvailableInZone,
                &service.id,
                format!(
                    "no load balancer of {} has a node in zone {zone}, the zone of the endpoint's interface",
                    service.id
                ),
            );
            return;
        };
        let node_ip = node_eni.map_or(0, |n| s.enis[n as usize].ip);
        self.src_ip = node_ip;
        self.src_eni = node_eni;
        // Past the service, the provider's network: its load balancer,
        // targets and their groups.
        self.domain = self.lb_domain(lb);
        self.load_balancer(lb, node_zone, node_ip);
    }

    /// The account of the VPC a load balancer is in.
    fn lb_domain(&self, lb: u32) -> Option<&'s str> {
        let s: &'s Snapshot = self.s;
        s.lbs[lb as usize]
            .vpc
            .and_then(|v| s.vpcs.get(v as usize))
            .map(|v| &*v.account)
    }

    /// A load balancer node in `zone` forwards to a target.
    fn load_balancer(&mut self, lb: u32, zone: &'s str, _node_ip: u32) {
        let s = self.s;
        let l = &s.lbs[lb as usize];
        let mut h = Hop::new(Component::LoadBalancer, &l.arn);
        h.zone_id = Some(Cow::Borrowed(zone));
        self.push_hop(h);
        if !l.available {
            self.explain(
                Code::ServiceNotAvailable,
                &l.arn,
                format!("{} is not active", l.arn),
            );
        }
        let flow = proto_name(self.q.protocol);
        let groups = || {
            l.target_groups
                .iter()
                .filter(|tg| tg.protocol.carries(flow))
        };
        if groups().next().is_none() {
            self.explain(
                Code::ProtocolNotSupported,
                &l.arn,
                format!("no target group of {} carries {flow}", l.arn),
            );
            return;
        }
        let in_scope = |t: &&super::snapshot::TargetS2| l.cross_zone || *t.zone == *zone;
        let targets = || {
            groups().flat_map(|tg| {
                tg.targets
                    .iter()
                    .filter(in_scope)
                    .map(move |t| (tg.protocol, t))
            })
        };
        let mut any = false;
        let mut healthy = 0usize;
        for (_, t) in targets() {
            any = true;
            healthy += usize::from(t.healthy);
        }
        let scope = || {
            if l.cross_zone {
                "in any zone (cross-zone load balancing is on)".to_string()
            } else {
                format!("in zone {zone} (cross-zone load balancing is off)")
            }
        };
        if !any {
            self.explain(
                Code::NoTargetInZone,
                &l.arn,
                format!("{} has no registered target {}", l.arn, scope()),
            );
            return;
        }
        let pick = (healthy > 0)
            .then(|| (self.flow_hash() % healthy as u64) as usize)
            .and_then(|k| targets().filter(|(_, t)| t.healthy).nth(k));
        let Some((protocol, t)) = pick else {
            self.explain(
                Code::NoHealthyTargetInZone,
                &l.arn,
                format!("{} has no healthy target {}", l.arn, scope()),
            );
            return;
        };
        let mut h = Hop::new(Component::Target, &t.id);
        h.address = Some(t.ip);
        h.port = Some(t.port);
        h.zone_id = Some(Cow::Borrowed(&t.zone));
        self.push_hop(h);
        if let Some(vpc) = l.vpc
            && let Some(&e) = s.eni_by_ip.get(&(vpc, t.ip))
        {
            // The target sees the load balancer's flow: the target group's
            // port, or GENEVE (UDP 6081) from a Gateway Load Balancer.
            let before = self.flow;
            self.flow = if protocol == TargetProtocol::Geneve {
                (Protocol::Udp, GENEVE_PORT)
            } else {
                (self.q.protocol, t.port)
            };
            self.ingress(e);
            self.flow = before;
        }
        self.delivered = true;
    }

    /// Through a Gateway Load Balancer endpoint to an appliance and back:
    /// answers the endpoint's subnet, whose route table carries on.
    fn gwlb_endpoint(&mut self, ep: u32) -> Option<u32> {
        let s = self.s;
        let e = &s.endpoints[ep as usize];
        self.push_hop(Hop::new(Component::VpcEndpoint, &e.id));
        self.endpoint_state(ep);
        // Its interface, in a subnet that still exists.
        let Some((x, sub)) = e.enis.first().and_then(|&eni| {
            let x = &s.enis[eni as usize];
            s.subnets.get(x.subnet as usize).map(|sub| (x, sub))
        }) else {
            self.explain(
                Code::BlackholeRoute,
                &e.id,
                format!("{} has no network interface", e.id),
            );
            return None;
        };
        let zone: &'s str = &sub.zone;
        if let Some(svc) = e.service {
            let service = &s.services[svc as usize];
            self.push_hop(Hop::new(Component::VpcEndpointService, &service.id));
            let pick = service.lbs.iter().find_map(|&lb| {
                s.lbs[lb as usize]
                    .nodes
                    .iter()
                    .find(|n| *n.0 == *zone)
                    .map(|n| (lb, &*n.0))
            });
            let Some((lb, node_zone)) = pick else {
                self.explain(
                    Code::ServiceNotAvailableInZone,
                    &service.id,
                    format!(
                        "no load balancer of {} has a node in zone {zone}",
                        service.id
                    ),
                );
                return None;
            };
            let (src_ip, src_eni, domain) = (self.src_ip, self.src_eni, self.domain);
            self.domain = self.lb_domain(lb);
            self.load_balancer(lb, node_zone, 0);
            self.delivered = false;
            (self.src_ip, self.src_eni, self.domain) = (src_ip, src_eni, domain);
        }
        Some(x.subnet)
    }
}
