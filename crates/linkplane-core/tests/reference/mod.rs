//! A deliberately naive reference resolver, written from the documented
//! semantics (the module docs of `resolve`, `dns`, `lpm` and the comments of
//! `trace`), not from the indexed implementation.
//!
//! It reads the plain [`Network`] directly: every id is looked up by a linear
//! scan (the first item with that id counts, as the snapshot's index keeps
//! the first), every longest-prefix match scans every route, every DNS name
//! scans every endpoint and the catalog. No hash maps, no `Snapshot`, no
//! `Lpm`. Endpoint policies reuse [`CompiledPolicy`] (it has its own tests).
//!
//! Explanations carry no message: the oracle compares codes and component
//! ids (see [`normalize`]).
#![allow(dead_code, clippy::unwrap_used)]

use linkplane_core::catalog::catalog;
use linkplane_core::net::{Ipv4Cidr, Protocol};
use linkplane_core::policy::{CompiledPolicy, Decision, Request};
use linkplane_core::privatelink::TargetProtocol;
use linkplane_core::resolve::model::*;
use linkplane_core::resolve::{
    Answer, AnsweredBy, Code, Component, Destination, DnsAnswer, Explanation, Hop, HopRoute, Query,
    QueryError, Source,
};
use std::borrow::Cow;

/// Route lookups before a path counts as a loop.
const MAX_ROUTE_LOOKUPS: usize = 64;
/// Where public names of services without a prefix list point.
const STAND_IN_BLOCK: &str = "198.18.0.0/15";

/// An owned name: the reference resolver borrows nothing.
fn own(s: &str) -> Cow<'static, str> {
    Cow::Owned(s.to_string())
}

/// Blanks explanation messages and owners (whose network each hop is in),
/// which the oracle does not model.
pub fn normalize(mut a: Answer<'static>) -> Answer<'static> {
    for e in &mut a.explanations {
        e.message.clear();
        e.owner = None;
    }
    for h in &mut a.hops {
        h.owner = None;
    }
    a
}

/// The reference answer for `q` on `net`.
pub fn resolve(net: &Network, q: &Query<'_>) -> Result<Answer<'static>, QueryError> {
    Walk::start(net, q)
}

// ---------------------------------------------------------------- lookups

fn by_id<'n, T>(items: &'n [T], id: &str, key: impl Fn(&T) -> &str) -> Option<&'n T> {
    items.iter().find(|x| key(x) == id)
}

fn vpc<'n>(net: &'n Network, id: &str) -> Option<&'n Vpc> {
    by_id(&net.vpcs, id, |v| &v.id)
}
/// A subnet of a VPC that exists (the others are not there to the walk).
fn subnet<'n>(net: &'n Network, id: &str) -> Option<&'n Subnet> {
    net.subnets
        .iter()
        .find(|s| s.id == id && vpc(net, &s.vpc_id).is_some())
}
fn table<'n>(net: &'n Network, id: &str) -> Option<&'n RouteTable> {
    by_id(&net.route_tables, id, |t| &t.id)
}
fn group<'n>(net: &'n Network, id: &str) -> Option<&'n SecurityGroup> {
    by_id(&net.security_groups, id, |g| &g.id)
}
fn iface<'n>(net: &'n Network, id: &str) -> Option<&'n Interface> {
    by_id(&net.interfaces, id, |e| &e.id)
}
fn endpoint<'n>(net: &'n Network, id: &str) -> Option<&'n Endpoint> {
    by_id(&net.endpoints, id, |e| &e.id)
}
fn prefix_list<'n>(net: &'n Network, id: &str) -> Option<&'n PrefixList> {
    by_id(&net.prefix_lists, id, |p| &p.id)
}
fn load_balancer<'n>(net: &'n Network, arn: &str) -> Option<&'n LoadBalancer> {
    by_id(&net.load_balancers, arn, |l| &l.arn)
}

/// The VPC a subnet belongs to, when both exist.
fn vpc_of_subnet<'n>(net: &'n Network, s: &Subnet) -> Option<&'n Vpc> {
    vpc(net, &s.vpc_id)
}

/// The zone of an interface (its subnet's).
fn zone_of(net: &Network, e: &Interface) -> Option<String> {
    subnet(net, &e.subnet_id).map(|s| s.zone_id.clone())
}

/// The first interface of VPC `vpc_id` holding `ip`.
fn holder<'n>(net: &'n Network, vpc_id: &str, ip: u32) -> Option<&'n Interface> {
    net.interfaces.iter().find(|e| {
        e.private_ip == ip
            && subnet(net, &e.subnet_id)
                .and_then(|s| vpc_of_subnet(net, s))
                .is_some_and(|v| v.id == vpc_id)
    })
}

/// The route table of a subnet: the explicitly associated one, else the
/// VPC's main one.
fn table_of<'n>(net: &'n Network, s: &Subnet) -> Option<&'n RouteTable> {
    s.route_table_id
        .as_deref()
        .and_then(|t| table(net, t))
        .or_else(|| vpc_of_subnet(net, s).and_then(|v| table(net, &v.main_route_table_id)))
}

// ------------------------------------------------------ longest prefix

/// Longest prefix first; at equal length static routes (rank 0) beat
/// prefix-list routes (rank 1); at equal rank the first in table order.
fn lookup<'n>(net: &'n Network, t: &'n RouteTable, ip: u32) -> Option<(&'n Route, Ipv4Cidr)> {
    let mut best: Option<(u8, u8, &Route, Ipv4Cidr)> = None;
    for r in &t.routes {
        let blocks: Vec<(Ipv4Cidr, u8)> = match &r.destination {
            RouteDest::Cidr(c) => vec![(*c, 0)],
            RouteDest::PrefixList(p) => prefix_list(net, p)
                .map(|pl| pl.cidrs.iter().map(|c| (*c, 1)).collect())
                .unwrap_or_default(),
        };
        for (c, rank) in blocks {
            if !c.contains_addr(ip) {
                continue;
            }
            let better = match best {
                None => true,
                Some((len, brank, _, _)) => {
                    c.prefix_len() > len || (c.prefix_len() == len && rank < brank)
                }
            };
            if better {
                best = Some((c.prefix_len(), rank, r, c));
            }
        }
    }
    best.map(|(_, _, r, c)| (r, c))
}

/// A transit gateway route: its destination, and the attachment it sends
/// to (`None`: a blackhole).
struct TgwPick<'n> {
    destination: Ipv4Cidr,
    attachment: Option<&'n TgwAttachment>,
}

/// Static routes, then each attachment's VPC CIDR (propagated) unless a
/// static route has that CIDR; longest prefix, statics first, then order.
fn tgw_lookup<'n>(net: &'n Network, g: &'n TransitGateway, ip: u32) -> Option<TgwPick<'n>> {
    let mut candidates: Vec<(Ipv4Cidr, u8, Option<&TgwAttachment>)> = Vec::new();
    for r in &g.routes {
        let att = if r.blackhole {
            None
        } else {
            r.attachment_id
                .as_deref()
                .and_then(|a| g.attachments.iter().find(|x| x.id == a))
        };
        candidates.push((r.cidr, 0, att));
    }
    for a in &g.attachments {
        if let Some(v) = vpc(net, &a.vpc_id)
            && !g.routes.iter().any(|r| r.cidr == v.cidr)
        {
            candidates.push((v.cidr, 2, Some(a)));
        }
    }
    let mut best: Option<(Ipv4Cidr, u8, Option<&TgwAttachment>)> = None;
    for (c, rank, att) in candidates {
        if !c.contains_addr(ip) {
            continue;
        }
        let better = match best {
            None => true,
            Some((b, brank, _)) => {
                c.prefix_len() > b.prefix_len()
                    || (c.prefix_len() == b.prefix_len() && rank < brank)
            }
        };
        if better {
            best = Some((c, rank, att));
        }
    }
    best.map(|(destination, _, attachment)| TgwPick {
        destination,
        attachment,
    })
}

// ------------------------------------------------------------------- DNS

fn fnv(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// An address of `block` derived from `name`, never the first or last.
fn public_address(block: &Ipv4Cidr, name: &str) -> u32 {
    let size = block.size();
    if size <= 2 {
        return block.network();
    }
    block.network() + 1 + (fnv(name.as_bytes()) % (size - 2)) as u32
}

/// The record key of a name: lowercase, no trailing dot, and whether it is
/// a wildcard (`*.` stripped).
fn record_key(name: &str) -> (bool, String) {
    let lower = name.trim_end_matches('.').to_ascii_lowercase();
    match lower.strip_prefix("*.") {
        Some(rest) => (true, rest.to_string()),
        None => (false, lower),
    }
}

/// The names a wildcard record could answer `name` through, most specific
/// first: everything after each dot (a wildcard stands for one or more
/// labels).
fn suffixes(name: &str) -> Vec<&str> {
    name.char_indices()
        .filter(|&(_, c)| c == '.')
        .map(|(i, _)| &name[i + 1..])
        .collect()
}

/// Picks from `records` (`(wildcard, key, payload)`) the one answering
/// `name`: an exact record first, else a wildcard by the most specific
/// suffix; among equals, `pick` chooses.
fn match_name<T: Clone>(
    records: &[(bool, String, T)],
    name: &str,
    pick: impl Fn(Vec<T>) -> Option<T>,
) -> Option<T> {
    let exact: Vec<T> = records
        .iter()
        .filter(|(w, k, _)| !w && k == name)
        .map(|(_, _, t)| t.clone())
        .collect();
    if let Some(t) = pick(exact) {
        return Some(t);
    }
    for suffix in suffixes(name) {
        let wild: Vec<T> = records
            .iter()
            .filter(|(w, k, _)| *w && k == suffix)
            .map(|(_, _, t)| t.clone())
            .collect();
        if let Some(t) = pick(wild) {
            return Some(t);
        }
    }
    None
}

/// Records of `deleted`, `rejected`, `failed`, `expired` endpoints are gone.
/// The reference's own statement of which endpoint states drop the DNS
/// records (not the library's `keeps_dns_records`, so the two can disagree).
fn records_gone(state: VpcEndpointState) -> bool {
    matches!(
        state,
        VpcEndpointState::Deleted | VpcEndpointState::Rejected | VpcEndpointState::Failed
    )
}

/// The addresses of an endpoint's interfaces, in order (missing ones
/// skipped), optionally only those in one zone.
fn endpoint_addresses(net: &Network, e: &Endpoint, zone: Option<&str>) -> Vec<u32> {
    e.interfaces
        .iter()
        .filter_map(|(_, id)| iface(net, id))
        .filter(|x| zone.is_none_or(|z| zone_of(net, x).as_deref() == Some(z)))
        .map(|x| x.private_ip)
        .collect()
}

fn no_answer(name: &str) -> DnsAnswer<'static> {
    DnsAnswer {
        name: name.to_string(),
        answers: vec![],
        answered_by: AnsweredBy::None,
        record: None,
        cname: None,
        component_id: None,
    }
}

/// The resolver of VPC `v` answering `name` (lowercase, no trailing dot):
/// the answer and the endpoint whose record answered. `Err` for no answer
/// (`true` when the VPC's DNS support is off).
#[allow(clippy::result_large_err)] // mirrors the resolver's own shape
fn answer<'n>(
    net: &'n Network,
    v: &Vpc,
    name: &str,
) -> Result<(DnsAnswer<'static>, Option<&'n Endpoint>), (DnsAnswer<'static>, bool)> {
    if !v.dns_support {
        return Err((no_answer(name), true));
    }
    // Interface endpoints whose records exist (the record of an endpoint
    // points at the first endpoint with its id).
    let live: Vec<&Endpoint> = net
        .endpoints
        .iter()
        .filter(|e| e.kind == EndpointKind::Interface && !records_gone(e.state))
        .collect();

    // (1) Private DNS names of endpoints in this VPC, when DNS hostnames are
    // on too: this VPC's private hosted zones only.
    if v.dns_hostnames {
        let mut records = Vec::new();
        for e in &live {
            if e.private_dns_enabled && e.vpc_id == v.id {
                for n in &e.private_dns_names {
                    let (w, k) = record_key(n);
                    records.push((w, k, (e.id.clone(), n.to_ascii_lowercase())));
                }
            }
        }
        if let Some((eid, record)) = match_name(&records, name, |v| v.into_iter().next()) {
            let ep = endpoint(net, &eid).unwrap();
            let cname = if ep
                .service_id
                .as_deref()
                .is_some_and(|s| net.services.iter().any(|x| x.id == s))
            {
                ep.dns_names
                    .iter()
                    .find(|(_, z)| z.is_none())
                    .map(|(n, _)| own(n.as_str()))
            } else {
                None
            };
            return Ok((
                DnsAnswer {
                    name: name.to_string(),
                    answers: endpoint_addresses(net, ep, None),
                    answered_by: AnsweredBy::PrivateDns,
                    record: Some(own(record.as_str())),
                    cname,
                    component_id: Some(own(ep.id.as_str())),
                },
                Some(ep),
            ));
        }
    }

    // (2) Endpoint-specific names (public, any VPC). Names are unique in
    // practice; when two endpoints share one, the later one's record counts.
    let mut records = Vec::new();
    for e in &live {
        for (n, zone) in &e.dns_names {
            let (w, k) = record_key(n);
            records.push((w, k, (e.id.clone(), zone.clone(), n.to_ascii_lowercase())));
        }
    }
    if let Some((eid, zone, record)) = match_name(&records, name, |v| v.into_iter().last()) {
        let ep = endpoint(net, &eid).unwrap();
        return Ok((
            DnsAnswer {
                name: name.to_string(),
                answers: endpoint_addresses(net, ep, zone.as_deref()),
                answered_by: if zone.is_some() {
                    AnsweredBy::EndpointZonal
                } else {
                    AnsweredBy::EndpointRegional
                },
                record: Some(own(record.as_str())),
                cname: None,
                component_id: Some(own(ep.id.as_str())),
            },
            Some(ep),
        ));
    }

    // (3) Public AWS service names, from the catalog.
    let stand_in = Ipv4Cidr::parse(STAND_IN_BLOCK).unwrap();
    let mut records = Vec::new();
    for region in catalog().regions() {
        let r = &region.region;
        for svc in catalog().aws_services(r) {
            let block = catalog()
                .prefix_list_for(r, &svc.service)
                .and_then(|pl| pl.cidrs.first())
                .and_then(|c| Ipv4Cidr::parse(c).ok())
                .unwrap_or(stand_in);
            for n in svc.public_dns_names(r) {
                let (w, k) = record_key(&n);
                records.push((w, k, (svc.service_name(r), block, n)));
            }
        }
    }
    if let Some((service, block, record)) = match_name(&records, name, |v| v.into_iter().next()) {
        return Ok((
            DnsAnswer {
                name: name.to_string(),
                answers: vec![public_address(&block, name)],
                answered_by: AnsweredBy::Public,
                record: Some(own(record.as_str())),
                cname: None,
                component_id: Some(own(service.as_str())),
            },
            None,
        ));
    }
    Err((no_answer(name), false))
}

// ------------------------------------------------------------------ walk

#[derive(Clone, Copy, PartialEq, Eq)]
enum Via {
    Source,
    NatGateway,
    TransitGateway,
    GatewayLoadBalancer,
}

struct Walk<'n, 'q> {
    net: &'n Network,
    q: &'q Query<'q>,
    hops: Vec<Hop<'static>>,
    ex: Vec<Explanation<'static>>,
    delivered: bool,
    src_ip: u32,
    /// Whose groups a group-referencing ingress rule checks.
    src_eni: Option<&'n Interface>,
    src_zone: String,
    dst: u32,
    /// The first interface the packet was delivered to.
    dst_eni: Option<&'n Interface>,
    dns_service: Option<String>,
    private_nat: bool,
    /// What ingress rules see: the query's protocol and port, or at a load
    /// balancer's target the target group's port (GENEVE: UDP 6081).
    flow: (Protocol, u16),
}

fn hop(component: Component, id: &str) -> Hop<'static> {
    Hop {
        component,
        id: own(id),
        route: None,
        rule: None,
        direction: None,
        zone_id: None,
        address: None,
        port: None,
        owner: None,
    }
}

fn proto_name(p: Protocol) -> &'static str {
    match p {
        Protocol::Tcp => "tcp",
        Protocol::Udp => "udp",
        Protocol::Icmp => "icmp",
        Protocol::All => "all",
    }
}

/// Whether a rule's protocol and ports admit the flow.
fn ports_admit(r: &SgRule, p: Protocol, port: u16) -> bool {
    let port = i32::from(port);
    match r.protocol {
        Protocol::All => true,
        Protocol::Tcp | Protocol::Udp => {
            p == r.protocol && r.from_port <= port && port <= r.to_port
        }
        Protocol::Icmp => p == Protocol::Icmp && (r.from_port == -1 || r.from_port == port),
    }
}

/// Addresses the internet does not route: RFC 1918, RFC 6598, link-local.
fn is_private(ip: u32) -> bool {
    [
        "10.0.0.0/8",
        "172.16.0.0/12",
        "192.168.0.0/16",
        "100.64.0.0/10",
        "169.254.0.0/16",
    ]
    .iter()
    .any(|c| Ipv4Cidr::parse(c).unwrap().contains_addr(ip))
}

impl<'n, 'q> Walk<'n, 'q> {
    fn start(net: &'n Network, q: &'q Query<'q>) -> Result<Answer<'static>, QueryError> {
        let (sub, src_ip, src_eni) = match q.source {
            Source::Interface(id) => {
                let unknown = || QueryError::UnknownInterface(id.to_string());
                let e = iface(net, id).ok_or_else(unknown)?;
                let s = subnet(net, &e.subnet_id).ok_or_else(unknown)?;
                vpc_of_subnet(net, s).ok_or_else(unknown)?;
                (s, e.private_ip, Some(e))
            }
            Source::SubnetIp { subnet_id, ip } => {
                let unknown = || QueryError::UnknownSubnet(subnet_id.to_string());
                let s = subnet(net, subnet_id).ok_or_else(unknown)?;
                let v = vpc_of_subnet(net, s).ok_or_else(unknown)?;
                if !s.cidr.contains_addr(ip) {
                    return Err(QueryError::AddressNotInSubnet {
                        subnet_id: subnet_id.to_string(),
                        ip: linkplane_core::net::format_ipv4(ip),
                        cidr: s.cidr.to_string(),
                    });
                }
                // The interface holding the address, if it is in this subnet.
                let e = holder(net, &v.id, ip)
                    .filter(|e| subnet(net, &e.subnet_id).is_some_and(|x| x.id == s.id));
                (s, ip, e)
            }
        };
        let v = vpc_of_subnet(net, sub).unwrap();
        let mut w = Walk {
            net,
            q,
            hops: vec![],
            ex: vec![],
            delivered: false,
            src_ip,
            src_eni,
            src_zone: sub.zone_id.clone(),
            dst: 0,
            dst_eni: None,
            dns_service: None,
            private_nat: false,
            flow: (q.protocol, q.port),
        };
        let mut first = match src_eni {
            Some(e) => hop(Component::NetworkInterface, &e.id),
            None => hop(Component::Subnet, &sub.id),
        };
        first.zone_id = Some(own(sub.zone_id.as_str()));
        first.address = Some(src_ip);
        w.hops.push(first);

        let mut dns = None;
        match q.destination {
            Destination::Ip(ip) => w.dst = ip,
            Destination::Host(host) => {
                let name = host.trim_end_matches('.').to_ascii_lowercase();
                match answer(net, v, &name) {
                    Ok((a, ep)) if !a.answers.is_empty() => {
                        w.dst = w.pick_answer(&a, ep);
                        if a.answered_by == AnsweredBy::Public {
                            w.dns_service = a.component_id.as_deref().map(str::to_string);
                        }
                        dns = Some(a);
                    }
                    Ok((a, _)) => {
                        // A record without addresses.
                        let by = a.component_id.as_deref().unwrap_or(&name).to_string();
                        w.explain(Code::DnsNameNotFound, &by);
                        return Ok(w.finish(Some(a)));
                    }
                    Err((a, _)) => {
                        w.explain(Code::DnsNameNotFound, &v.id);
                        return Ok(w.finish(Some(a)));
                    }
                }
            }
        }
        w.route(sub);
        // Egress, judged with the destination interface known, second on the
        // path and first among the reasons.
        if let Some(e) = src_eni {
            w.egress(e);
        }
        Ok(w.finish(dns))
    }

    fn finish(self, dns: Option<DnsAnswer<'static>>) -> Answer<'static> {
        Answer {
            reachable: self.delivered && self.ex.is_empty(),
            dns,
            hops: self.hops,
            explanations: self.ex,
        }
    }

    fn explain(&mut self, code: Code, component: &str) {
        self.ex.push(Explanation {
            code,
            component_id: own(component),
            message: String::new(),
            owner: None,
        });
    }

    /// The endpoint's address in the source's zone, else the first answer.
    fn pick_answer(&self, a: &DnsAnswer<'static>, ep: Option<&Endpoint>) -> u32 {
        if let Some(ep) = ep {
            for (_, id) in &ep.interfaces {
                if let Some(x) = iface(self.net, id)
                    && zone_of(self.net, x).as_deref() == Some(self.src_zone.as_str())
                    && a.answers.contains(&x.private_ip)
                {
                    return x.private_ip;
                }
            }
        }
        a.answers[0]
    }

    fn flow_hash(&self) -> u64 {
        let mut b = Vec::new();
        b.extend_from_slice(&self.src_ip.to_be_bytes());
        b.extend_from_slice(&self.dst.to_be_bytes());
        b.extend_from_slice(&self.q.port.to_be_bytes());
        b.push(self.q.protocol as u8);
        fnv(&b)
    }

    /// The known groups of an interface, in order.
    fn groups_of(&self, e: &Interface) -> Vec<&'n SecurityGroup> {
        e.groups.iter().filter_map(|g| group(self.net, g)).collect()
    }

    /// The first `(group, rule)` of `e` admitting the flow to or from
    /// `peer_ip` (held by `peer`).
    fn admitting(
        &self,
        e: &Interface,
        egress: bool,
        peer_ip: u32,
        peer: Option<&Interface>,
    ) -> Option<(String, String)> {
        for g in self.groups_of(e) {
            let rules = if egress { &g.egress } else { &g.ingress };
            for r in rules {
                let peer_ok = match &r.peer {
                    SgPeer::Cidr(c) => c.contains_addr(peer_ip),
                    SgPeer::PrefixList(p) => prefix_list(self.net, p)
                        .is_some_and(|pl| pl.cidrs.iter().any(|c| c.contains_addr(peer_ip))),
                    SgPeer::Group(gid) => {
                        group(self.net, gid).is_some()
                            && peer
                                .is_some_and(|x| self.groups_of(x).iter().any(|pg| &pg.id == gid))
                    }
                };
                let (protocol, port) = if egress {
                    (self.q.protocol, self.q.port)
                } else {
                    self.flow
                };
                if peer_ok && ports_admit(r, protocol, port) {
                    return Some((g.id.clone(), r.id.clone()));
                }
            }
        }
        None
    }

    fn egress(&mut self, e: &'n Interface) {
        let groups = self.groups_of(e);
        if groups.is_empty() {
            return;
        }
        match self.admitting(e, true, self.dst, self.dst_eni) {
            Some((g, r)) => {
                let mut h = hop(Component::SecurityGroup, &g);
                h.rule = Some(own(r.as_str()));
                h.direction = Some("egress");
                self.hops.insert(1, h);
            }
            None => self.ex.insert(
                0,
                Explanation {
                    code: Code::SecurityGroupEgressDenied,
                    component_id: own(groups[0].id.as_str()),
                    message: String::new(),
                    owner: None,
                },
            ),
        }
    }

    fn ingress(&mut self, e: &'n Interface) {
        let groups = self.groups_of(e);
        if groups.is_empty() {
            return;
        }
        match self.admitting(e, false, self.src_ip, self.src_eni) {
            Some((g, r)) => {
                let mut h = hop(Component::SecurityGroup, &g);
                h.rule = Some(own(r.as_str()));
                h.direction = Some("ingress");
                self.hops.push(h);
            }
            None => self.explain(Code::SecurityGroupIngressDenied, &groups[0].id),
        }
    }

    fn route(&mut self, start: &'n Subnet) {
        let net = self.net;
        let mut sub = start;
        let mut via = Via::Source;
        for _ in 0..MAX_ROUTE_LOOKUPS {
            let Some(t) = table_of(net, sub) else {
                self.explain(Code::NoRouteToDestination, &sub.id);
                return;
            };
            let Some((r, block)) = lookup(net, t, self.dst) else {
                self.hops.push(hop(Component::RouteTable, &t.id));
                self.explain(Code::NoRouteToDestination, &t.id);
                return;
            };
            let mut h = hop(Component::RouteTable, &t.id);
            h.route = Some(HopRoute {
                destination: Cow::Owned(match &r.destination {
                    RouteDest::Cidr(c) => c.to_string(),
                    RouteDest::PrefixList(p) => p.clone(),
                }),
                target: own(r.target.id()),
                matched_cidr: matches!(r.destination, RouteDest::PrefixList(_))
                    .then(|| own(block.to_string().as_str())),
            });
            self.hops.push(h);
            let here = vpc_of_subnet(net, sub).map(|v| v.id.clone());
            let blackhole = |w: &mut Self| w.explain(Code::BlackholeRoute, &t.id);
            match &r.target {
                RouteTarget::Local => return self.deliver(here.as_deref()),
                RouteTarget::InternetGateway(g) => {
                    // Only a gateway attached to the table's VPC routes.
                    let attached = net
                        .internet_gateways
                        .iter()
                        .find(|x| &x.id == g)
                        .is_some_and(|x| {
                            x.vpc_id
                                .as_deref()
                                .and_then(|v| vpc(net, v))
                                .is_some_and(|v| {
                                    vpc(net, &t.vpc_id).is_some_and(|tv| tv.id == v.id)
                                })
                        });
                    if !attached {
                        return blackhole(self);
                    }
                    self.hops.push(hop(Component::InternetGateway, g));
                    return self.internet(g);
                }
                RouteTarget::NatGateway(n) => {
                    let Some(nat) = net.nat_gateways.iter().find(|x| &x.id == n) else {
                        return blackhole(self);
                    };
                    let Some(nat_subnet) = subnet(net, &nat.subnet_id).filter(|_| nat.available)
                    else {
                        return blackhole(self);
                    };
                    let mut h = hop(Component::NatGateway, &nat.id);
                    h.address = Some(nat.private_ip);
                    self.hops.push(h);
                    self.src_ip = nat.private_ip;
                    self.src_eni = None;
                    self.private_nat |= !nat.public;
                    sub = nat_subnet;
                    via = Via::NatGateway;
                }
                RouteTarget::Peering(p) => {
                    let Some(pcx) = net.peerings.iter().find(|x| &x.id == p) else {
                        return blackhole(self);
                    };
                    return self.peering(pcx, here.as_deref());
                }
                RouteTarget::TransitGateway(g) => {
                    let Some(tgw) = net.transit_gateways.iter().find(|x| &x.id == g) else {
                        return blackhole(self);
                    };
                    match self.transit(tgw, here.as_deref(), &sub.zone_id) {
                        Some(next) => {
                            sub = next;
                            via = Via::TransitGateway;
                        }
                        None => return,
                    }
                }
                RouteTarget::NetworkInterface(e) => {
                    let Some(x) = iface(net, e) else {
                        return blackhole(self);
                    };
                    // A middlebox takes the packet.
                    let mut h = hop(Component::NetworkInterface, &x.id);
                    h.zone_id = zone_of(net, x).map(|z| own(z.as_str()));
                    h.address = Some(x.private_ip);
                    self.hops.push(h);
                    self.ingress(x);
                    self.delivered = true;
                    return;
                }
                RouteTarget::VpcEndpoint(e) => {
                    let Some(ep) = endpoint(net, e) else {
                        return blackhole(self);
                    };
                    match ep.kind {
                        EndpointKind::Gateway => return self.gateway_endpoint(ep, via),
                        EndpointKind::GatewayLoadBalancer => match self.gwlb_endpoint(ep) {
                            Some(next) => {
                                sub = next;
                                via = Via::GatewayLoadBalancer;
                            }
                            None => return,
                        },
                        EndpointKind::Interface => return blackhole(self),
                    }
                }
            }
        }
        let last = self.hops.last().unwrap().id.to_string();
        self.explain(Code::MaxHopsExceeded, &last);
    }

    fn internet(&mut self, igw: &str) {
        if self.private_nat {
            return self.explain(Code::NoRouteToDestination, igw);
        }
        // An address of an AWS-managed prefix list names its service (most
        // specific block, then the first list).
        let mut aws: Option<(u8, String)> = None;
        for pl in catalog().prefix_lists(None) {
            for c in pl.cidrs.iter().filter_map(|c| Ipv4Cidr::parse(c).ok()) {
                if c.contains_addr(self.dst)
                    && aws.as_ref().is_none_or(|(len, _)| c.prefix_len() > *len)
                {
                    aws = Some((c.prefix_len(), pl.prefix_list_name.clone()));
                }
            }
        }
        if let Some((_, name)) = aws.or(self.dns_service.clone().map(|s| (0, s))) {
            self.hops.push(hop(Component::AwsService, &name));
        } else if is_private(self.dst) {
            return self.explain(Code::NoRouteToDestination, igw);
        } else {
            self.hops.push(hop(Component::Internet, "internet"));
        }
        self.delivered = true;
    }

    /// The interface of VPC `vpc_id` holding the destination takes it.
    fn deliver(&mut self, vpc_id: Option<&str>) {
        let net = self.net;
        let Some(x) = vpc_id.and_then(|v| holder(net, v, self.dst)) else {
            return self.explain(Code::UnknownDestination, vpc_id.unwrap_or(""));
        };
        if self.dst_eni.is_none() {
            self.dst_eni = Some(x);
        }
        let zone = zone_of(net, x).unwrap();
        let mut h = hop(Component::NetworkInterface, &x.id);
        h.zone_id = Some(own(zone.as_str()));
        h.address = Some(x.private_ip);
        self.hops.push(h);
        self.ingress(x);
        match &x.owner {
            InterfaceOwner::Endpoint(e) if endpoint(net, e).is_some() => {
                self.privatelink(endpoint(net, e).unwrap(), &zone)
            }
            InterfaceOwner::LoadBalancer(l) if load_balancer(net, l).is_some() => {
                self.load_balancer(load_balancer(net, l).unwrap(), &zone)
            }
            _ => self.delivered = true,
        }
    }

    /// Over a peering connection of VPC `here` to the other VPC, which must
    /// hold the destination.
    fn peering(&mut self, pcx: &'n Peering, here: Option<&str>) {
        let net = self.net;
        self.hops
            .push(hop(Component::VpcPeeringConnection, &pcx.id));
        if pcx.status != PeeringState::Active {
            self.explain(Code::PeeringNotActive, &pcx.id);
        }
        // The other side. (The API accepts a route only to a peering of the
        // table's own VPC; for one that is not, the resolver goes to the
        // requester, and so does this.)
        let requester_here =
            vpc(net, &pcx.requester_vpc_id).is_some_and(|v| Some(v.id.as_str()) == here);
        let other = if requester_here {
            &pcx.accepter_vpc_id
        } else {
            &pcx.requester_vpc_id
        };
        let Some(peer) = vpc(net, other) else {
            return self.explain(Code::BlackholeRoute, &pcx.id);
        };
        if peer.cidr.contains_addr(self.dst) {
            return self.deliver(Some(&peer.id));
        }
        // No edge-to-edge routing: name a gateway endpoint of the peer VPC
        // whose service's prefix list holds the destination.
        let gw = net.endpoints.iter().find(|e| {
            e.kind == EndpointKind::Gateway
                && vpc(net, &e.vpc_id).is_some_and(|v| v.id == peer.id)
                && self
                    .gateway_prefix_list(e)
                    .is_some_and(|pl| pl.cidrs.iter().any(|c| c.contains_addr(self.dst)))
        });
        match gw {
            Some(e) => self.explain(Code::GatewayEndpointNotTransitive, &e.id),
            None => self.explain(Code::PeeringDestinationNotInPeerVpc, &pcx.id),
        }
    }

    /// The prefix list of a gateway endpoint's service (`com.amazonaws.<region>.<svc>`).
    fn gateway_prefix_list(&self, e: &Endpoint) -> Option<&'n PrefixList> {
        let (region, svc) = e
            .service_name
            .strip_prefix("com.amazonaws.")?
            .split_once('.')?;
        let pl = catalog().prefix_list_for(region, svc)?;
        prefix_list(self.net, &pl.prefix_list_id)
    }

    /// Through a transit gateway from VPC `here`: its route table, then the
    /// subnet of the chosen attachment (in the source's zone, else the
    /// first) whose route table carries on.
    fn transit(
        &mut self,
        tgw: &'n TransitGateway,
        here: Option<&str>,
        zone: &str,
    ) -> Option<&'n Subnet> {
        let net = self.net;
        let Some(src_att) = tgw
            .attachments
            .iter()
            .find(|a| vpc(net, &a.vpc_id).is_some_and(|v| Some(v.id.as_str()) == here))
        else {
            self.explain(Code::BlackholeRoute, &tgw.id);
            return None;
        };
        self.hops
            .push(hop(Component::TransitGatewayAttachment, &src_att.id));
        if !src_att
            .subnet_ids
            .iter()
            .filter_map(|s| subnet(net, s))
            .any(|s| s.zone_id == zone)
        {
            self.explain(Code::TransitGatewayAttachmentNotInZone, &src_att.id);
            return None;
        }
        let found = tgw_lookup(net, tgw, self.dst);
        let mut h = hop(Component::TransitGateway, &tgw.id);
        if let Some(p) = &found {
            h.route = Some(HopRoute {
                destination: own(p.destination.to_string().as_str()),
                target: own(p.attachment.map_or("blackhole", |a| a.id.as_str())),
                matched_cidr: None,
            });
        }
        self.hops.push(h);
        if !tgw.available || !src_att.available {
            self.explain(Code::BlackholeRoute, &tgw.id);
            return None;
        }
        let Some(p) = found else {
            self.explain(Code::NoRouteToDestination, &tgw.id);
            return None;
        };
        let Some(att) = p.attachment else {
            self.explain(Code::BlackholeRoute, &tgw.id);
            return None;
        };
        self.hops
            .push(hop(Component::TransitGatewayAttachment, &att.id));
        if !att.available || vpc(net, &att.vpc_id).is_none() {
            self.explain(Code::BlackholeRoute, &tgw.id);
            return None;
        }
        let subnets: Vec<&Subnet> = att
            .subnet_ids
            .iter()
            .filter_map(|s| subnet(net, s))
            .collect();
        let next = subnets
            .iter()
            .find(|s| s.zone_id == zone)
            .or(subnets.first())
            .copied();
        if next.is_none() {
            self.explain(Code::BlackholeRoute, &att.id);
        }
        next
    }

    fn endpoint_state(&mut self, e: &Endpoint) {
        if e.state != VpcEndpointState::Available {
            self.explain(Code::EndpointNotAvailable, &e.id);
        }
    }

    /// AWS services that enforce endpoint policies evaluate the query's
    /// request (no document: full access); the admitting statement goes on
    /// the endpoint's hop.
    fn policy(&mut self, e: &Endpoint) {
        let (true, None, Some(req)) = (e.policy_enforced, &e.service_id, self.q.request) else {
            return;
        };
        let compiled = match &e.policy {
            None => CompiledPolicy::allow_all(),
            Some(doc) => match CompiledPolicy::compile(doc) {
                Ok(p) => p,
                Err(_) => return self.explain(Code::EndpointPolicyDenied, &e.id),
            },
        };
        let vpc_id = vpc(self.net, &e.vpc_id).map_or(String::new(), |v| v.id.clone());
        let source_ip = linkplane_core::net::format_ipv4(self.src_ip);
        let mut context = vec![
            ("aws:SourceVpce", e.id.as_str()),
            ("aws:SourceVpc", vpc_id.as_str()),
            ("aws:VpcSourceIp", source_ip.as_str()),
        ];
        context.extend_from_slice(req.context);
        let decision = compiled.evaluate(&Request {
            principal_arn: req.principal_arn,
            action: req.action,
            resource: req.resource,
            context: &context,
        });
        match decision {
            Decision::Allow { statement, sid } => {
                let name = match sid {
                    Some(s) if !s.is_empty() => s.to_string(),
                    _ => format!("Statement[{statement}]"),
                };
                let h = self.hops.last_mut().unwrap();
                assert_eq!(&*h.id, e.id, "the endpoint's hop is the last");
                h.rule = Some(own(name.as_str()));
            }
            Decision::ExplicitDeny { .. } | Decision::ImplicitDeny => {
                self.explain(Code::EndpointPolicyDenied, &e.id)
            }
        }
    }

    fn gateway_endpoint(&mut self, e: &'n Endpoint, via: Via) {
        self.hops.push(hop(Component::VpcEndpoint, &e.id));
        if via == Via::TransitGateway {
            self.explain(Code::GatewayEndpointNotTransitive, &e.id);
        }
        if !matches!(self.q.protocol, Protocol::Tcp | Protocol::Icmp) {
            self.explain(Code::ProtocolNotSupported, &e.id);
        }
        self.endpoint_state(e);
        self.policy(e);
        self.hops.push(hop(Component::AwsService, &e.service_name));
        self.delivered = true;
    }

    /// An interface endpoint's interface (in `zone`) took the packet.
    fn privatelink(&mut self, e: &'n Endpoint, zone: &str) {
        let net = self.net;
        if e.kind != EndpointKind::Interface {
            self.delivered = true;
            return;
        }
        self.hops.push(hop(Component::VpcEndpoint, &e.id));
        if self.q.protocol != Protocol::Tcp {
            self.explain(Code::ProtocolNotSupported, &e.id);
        }
        self.endpoint_state(e);
        let Some(svc_id) = &e.service_id else {
            // An AWS service.
            self.policy(e);
            self.hops.push(hop(Component::AwsService, &e.service_name));
            self.delivered = true;
            return;
        };
        let Some(svc) = net.services.iter().find(|s| &s.id == svc_id) else {
            return self.explain(Code::ServiceNotAvailable, &e.id);
        };
        self.hops.push(hop(Component::VpcEndpointService, &svc.id));
        let cross_region = e.service_region != e.region;
        if cross_region && !svc.supported_regions.contains(&e.region) {
            self.explain(Code::CrossRegionNotSupported, &svc.id);
        }
        if !svc.available {
            self.explain(Code::ServiceNotAvailable, &svc.id);
        }
        let lbs: Vec<&LoadBalancer> = svc
            .load_balancer_arns
            .iter()
            .filter_map(|a| load_balancer(net, a))
            .collect();
        // Same Region: the node in the endpoint's zone (by zone ID); across
        // Regions zones do not correspond: a node by flow hash.
        let pick = if cross_region {
            lbs.iter().find(|l| !l.nodes.is_empty()).map(|l| {
                let n = &l.nodes[(self.flow_hash() % l.nodes.len() as u64) as usize];
                (*l, n)
            })
        } else {
            lbs.iter()
                .find_map(|l| l.nodes.iter().find(|n| n.0 == zone).map(|n| (*l, n)))
        };
        let Some((lb, (node_zone, node_eni))) = pick else {
            return self.explain(Code::ServiceNotAvailableInZone, &svc.id);
        };
        let node = iface(net, node_eni);
        self.src_ip = node.map_or(0, |n| n.private_ip);
        self.src_eni = node;
        self.load_balancer(lb, node_zone);
    }

    /// A load balancer node in `zone` forwards to a healthy target of a
    /// target group carrying the flow, in the zone unless cross-zone load
    /// balancing is on, chosen by flow hash.
    fn load_balancer(&mut self, l: &'n LoadBalancer, zone: &str) {
        let net = self.net;
        let mut h = hop(Component::LoadBalancer, &l.arn);
        h.zone_id = Some(own(zone));
        self.hops.push(h);
        if !l.available {
            self.explain(Code::ServiceNotAvailable, &l.arn);
        }
        let flow = proto_name(self.q.protocol);
        let groups: Vec<&TargetGroup> = net
            .target_groups
            .iter()
            .filter(|tg| {
                tg.load_balancer_arn
                    .as_deref()
                    .and_then(|a| load_balancer(net, a))
                    .is_some_and(|x| std::ptr::eq(x, l))
                    && tg.protocol.carries(flow)
            })
            .collect();
        if groups.is_empty() {
            return self.explain(Code::ProtocolNotSupported, &l.arn);
        }
        let in_scope: Vec<(&TargetGroup, &Target)> = groups
            .iter()
            .flat_map(|tg| tg.targets.iter().map(move |t| (*tg, t)))
            .filter(|(_, t)| l.cross_zone || t.zone_id == zone)
            .collect();
        let healthy: Vec<(&TargetGroup, &Target)> = in_scope
            .iter()
            .copied()
            .filter(|(_, t)| t.healthy)
            .collect();
        if in_scope.is_empty() {
            return self.explain(Code::NoTargetInZone, &l.arn);
        }
        if healthy.is_empty() {
            return self.explain(Code::NoHealthyTargetInZone, &l.arn);
        }
        let (tg, t) = healthy[(self.flow_hash() % healthy.len() as u64) as usize];
        let mut h = hop(Component::Target, &t.id);
        h.address = Some(t.ip);
        h.port = Some(t.port);
        h.zone_id = Some(own(t.zone_id.as_str()));
        self.hops.push(h);
        if let Some(v) = vpc(net, &l.vpc_id)
            && let Some(x) = holder(net, &v.id, t.ip)
        {
            let before = self.flow;
            self.flow = if tg.protocol == TargetProtocol::Geneve {
                (Protocol::Udp, 6081)
            } else {
                (self.q.protocol, t.port)
            };
            self.ingress(x);
            self.flow = before;
        }
        self.delivered = true;
    }

    /// Through a Gateway Load Balancer endpoint to an appliance and back:
    /// the endpoint's subnet's route table carries on.
    fn gwlb_endpoint(&mut self, e: &'n Endpoint) -> Option<&'n Subnet> {
        let net = self.net;
        self.hops.push(hop(Component::VpcEndpoint, &e.id));
        self.endpoint_state(e);
        let Some(x) = e.interfaces.iter().find_map(|(_, id)| iface(net, id)) else {
            self.explain(Code::BlackholeRoute, &e.id);
            return None;
        };
        let Some(sub) = subnet(net, &x.subnet_id) else {
            self.explain(Code::BlackholeRoute, &e.id);
            return None;
        };
        if let Some(svc) = e
            .service_id
            .as_deref()
            .and_then(|s| net.services.iter().find(|x| x.id == s))
        {
            self.hops.push(hop(Component::VpcEndpointService, &svc.id));
            let pick = svc
                .load_balancer_arns
                .iter()
                .filter_map(|a| load_balancer(net, a))
                .find_map(|l| l.nodes.iter().find(|n| n.0 == sub.zone_id).map(|n| (l, n)));
            let Some((lb, (node_zone, _))) = pick else {
                self.explain(Code::ServiceNotAvailableInZone, &svc.id);
                return None;
            };
            // The appliance sees the original source, and sends it back.
            let (ip, eni) = (self.src_ip, self.src_eni);
            self.load_balancer(lb, node_zone);
            self.delivered = false;
            (self.src_ip, self.src_eni) = (ip, eni);
        }
        Some(sub)
    }
}
