//! Correctness oracles for the route resolver:
//!
//! - property tests comparing [`Snapshot::resolve`] with the naive reference
//!   resolver of `reference/` on random synthetic networks, randomly
//!   mutated, under random queries;
//! - metamorphic tests (no oracle): relabelling zones, adding an unrelated
//!   VPC, permuting security group rules and groups, opening every group,
//!   and a blackhole /32 in the source's table;
//! - regressions for what the oracles found.
// Random numbers pick cases by their remainders (`r % 5 == 0`).
#![allow(clippy::unwrap_used, clippy::manual_is_multiple_of)]

mod common;
mod reference;

use linkplane_core::catalog::catalog;
use linkplane_core::net::{Ipv4Cidr, Protocol};
use linkplane_core::privatelink::{LoadBalancerKind, TargetProtocol};
use linkplane_core::resolve::model::*;
use linkplane_core::resolve::synth::{Params, Rng, generate};
use linkplane_core::resolve::{
    Answer, AnsweredBy, Code, Destination, PolicyRequest, Query, QueryError, Snapshot, Source,
};
use proptest::prelude::*;
use proptest::test_runner::Config;
use reference::normalize;

// ------------------------------------------------------------ networks

/// A synthetic network of a random size: 2 to 23 VPCs of 3 to 5 subnets,
/// 0 to 7 extra routes per table, 1 to 3 interfaces per subnet.
fn network() -> impl Strategy<Value = (Params, Network)> {
    (any::<u64>(), 2usize..24, 3usize..6, 0usize..8, 1usize..4).prop_map(
        |(seed, vpcs, subnets, routes, ifaces)| {
            let p = Params {
                seed,
                vpcs,
                subnets_per_vpc: subnets,
                routes_per_table: routes,
                interfaces_per_subnet: ifaces,
                queries: 40,
            };
            (p, generate(&p).network)
        },
    )
}

fn cidr(net: u32, len: u8) -> Ipv4Cidr {
    let mask = if len == 0 { 0 } else { u32::MAX << (32 - len) };
    Ipv4Cidr::new(net & mask, len).unwrap()
}

fn nth<T>(v: &[T], i: u32) -> Option<&T> {
    (!v.is_empty()).then(|| &v[i as usize % v.len()])
}

fn nth_mut<T>(v: &mut [T], i: u32) -> Option<&mut T> {
    let n = v.len();
    (n > 0).then(|| &mut v[i as usize % n])
}

fn s3_pl(region: &str) -> String {
    catalog()
        .prefix_list_for(region, "s3")
        .unwrap()
        .prefix_list_id
        .clone()
}

/// The VPC of a subnet id.
fn vpc_of(net: &Network, subnet_id: &str) -> Option<String> {
    net.subnets
        .iter()
        .find(|s| s.id == subnet_id)
        .map(|s| s.vpc_id.clone())
}

/// Interesting addresses: every interface's, the S3 ranges, the internet,
/// the generator's blackhole and transit-blackhole ranges, random ones.
fn address(net: &Network, kind: u32, r: u32) -> u32 {
    match kind % 8 {
        0 | 1 => nth(&net.interfaces, r).map_or(r, |e| e.private_ip),
        2 => nth(&net.vpcs, r).map_or(r, |v| v.cidr.network() + (r >> 8) % v.cidr.size() as u32),
        3 => 0x0808_0808,
        4 => {
            // Mostly the generator's Regions.
            let pl = if r % 4 == 0 {
                catalog().prefix_lists(None)
            } else {
                catalog().prefix_lists(Some(["us-east-1", "eu-west-1"][(r >> 2) as usize % 2]))
            };
            let pl = nth(&pl, r >> 3).unwrap();
            let c = Ipv4Cidr::parse(nth(&pl.cidrs, r >> 4).unwrap()).unwrap();
            c.network() + 1 + (r >> 8) % 4
        }
        5 => 0xac10_0000 | ((r % 8) << 8) | 9,
        6 => 0x0aff_0000 | (r & 0xffff),
        _ => r,
    }
}

// ------------------------------------------------------------ mutations

/// One random change to a generated network; the numbers pick items
/// modulo their counts.
#[derive(Debug, Clone)]
enum Mutation {
    PeeringStatus {
        pcx: u32,
        status: u8,
    },
    EndpointState {
        endpoint: u32,
        state: u8,
    },
    DnsSupport {
        vpc: u32,
    },
    DnsHostnames {
        vpc: u32,
    },
    PrivateDns {
        endpoint: u32,
    },
    TargetHealth {
        group: u32,
        target: u32,
    },
    DeleteTarget {
        group: u32,
        target: u32,
    },
    DropNode {
        lb: u32,
        node: u32,
    },
    DetourS3 {
        table: u32,
        via_tgw: bool,
        pick: u32,
    },
    CrossZone {
        lb: u32,
    },
    DeleteRoute {
        table: u32,
        route: u32,
    },
    DeleteRule {
        group: u32,
        ingress: bool,
        rule: u32,
    },
    DeleteInterface {
        eni: u32,
    },
    DeleteNat {
        nat: u32,
    },
    DetachIgw {
        igw: u32,
    },
    AddRoute {
        table: u32,
        dest: u32,
        target: u32,
        pick: u32,
    },
    AddRule {
        group: u32,
        ingress: bool,
        proto: u32,
        peer: u32,
        pick: u32,
    },
    NatState {
        nat: u32,
        available: bool,
        public: bool,
    },
    Attachment {
        tgw: u32,
        att: u32,
        available: bool,
    },
    AttachVpc {
        tgw: u32,
        vpc: u32,
    },
    AddTgwRoute {
        tgw: u32,
        dest: u32,
        att: u32,
        blackhole: bool,
    },
    TgwAvailable {
        tgw: u32,
    },
    ServiceAvailable {
        svc: u32,
    },
    LbAvailable {
        lb: u32,
    },
    TgProtocol {
        group: u32,
        protocol: u8,
    },
    SupportedRegion {
        svc: u32,
    },
    AddPrivateName {
        endpoint: u32,
        name: u32,
    },
    Policy {
        endpoint: u32,
        policy: u8,
    },
    AddGwlb {
        appliance: u32,
        consumer: u32,
        table: u32,
        dest: u32,
        healthy: bool,
    },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    (0u8..34, any::<[u32; 4]>(), any::<bool>(), any::<bool>()).prop_map(
        |(k, [a, b, c, d], x, y)| {
            use Mutation::*;
            match k {
                0 => PeeringStatus {
                    pcx: a,
                    status: b as u8,
                },
                1 => EndpointState {
                    endpoint: a,
                    state: b as u8,
                },
                2 => DnsSupport { vpc: a },
                3 => DnsHostnames { vpc: a },
                4 => PrivateDns { endpoint: a },
                5 => TargetHealth {
                    group: a,
                    target: b,
                },
                6 => CrossZone { lb: a },
                7 => DeleteRoute { table: a, route: b },
                8 => DeleteRule {
                    group: a,
                    ingress: x,
                    rule: b,
                },
                9 => DeleteInterface { eni: a },
                10 => DeleteNat { nat: a },
                11 => DetachIgw { igw: a },
                12 | 13 | 26 | 27 => AddRoute {
                    table: a,
                    dest: b,
                    target: c,
                    pick: d,
                },
                14 | 15 => AddRule {
                    group: a,
                    ingress: x,
                    proto: b,
                    peer: c,
                    pick: d,
                },
                16 => NatState {
                    nat: a,
                    available: x,
                    public: y,
                },
                17 => Attachment {
                    tgw: a,
                    att: b,
                    available: x,
                },
                18 => AttachVpc { tgw: a, vpc: b },
                19 => AddTgwRoute {
                    tgw: a,
                    dest: b,
                    att: c,
                    blackhole: x,
                },
                20 => TgwAvailable { tgw: a },
                21 => {
                    if x {
                        ServiceAvailable { svc: a }
                    } else {
                        LbAvailable { lb: a }
                    }
                }
                22 => {
                    if x {
                        TgProtocol {
                            group: a,
                            protocol: b as u8,
                        }
                    } else {
                        SupportedRegion { svc: a }
                    }
                }
                23 | 28 | 33 => AddPrivateName {
                    endpoint: a,
                    name: b,
                },
                29 => DeleteTarget {
                    group: a,
                    target: b,
                },
                30 => DropNode { lb: a, node: b },
                31 | 32 => DetourS3 {
                    table: a,
                    via_tgw: x,
                    pick: b,
                },
                24 => Policy {
                    endpoint: a,
                    policy: b as u8,
                },
                _ => AddGwlb {
                    appliance: a,
                    consumer: b,
                    table: c,
                    dest: d,
                    healthy: x,
                },
            }
        },
    )
}

/// Private DNS names to add: the generator's, wildcards covering them,
/// catalog names (S3's wildcard), mixed case.
fn private_name_pool(net: &Network) -> Vec<String> {
    let mut pool: Vec<String> = net
        .endpoints
        .iter()
        .flat_map(|e| e.private_dns_names.iter().cloned())
        .collect();
    pool.extend(
        [
            "*.example.com",
            "*.svc9.example.com",
            "*.svc19.example.com",
            "api.svc9.example.com",
            "API.svc19.Example.com",
            "s3.us-east-1.amazonaws.com",
            "*.s3.us-east-1.amazonaws.com",
            "*.s3.eu-west-1.amazonaws.com",
            "sqs.eu-west-1.amazonaws.com",
            "*.amazonaws.com",
        ]
        .map(String::from),
    );
    pool
}

fn apply(net: &mut Network, k: usize, m: &Mutation) {
    use Mutation::*;
    match *m {
        PeeringStatus { pcx, status } => {
            if let Some(p) = nth_mut(&mut net.peerings, pcx) {
                p.status = [
                    PeeringState::Active,
                    PeeringState::PendingAcceptance,
                    PeeringState::Rejected,
                    PeeringState::Deleted,
                ][status as usize % 4];
            }
        }
        EndpointState { endpoint, state } => {
            if let Some(e) = nth_mut(&mut net.endpoints, endpoint) {
                e.state = [
                    VpcEndpointState::Available,
                    VpcEndpointState::PendingAcceptance,
                    VpcEndpointState::Pending,
                    VpcEndpointState::Rejected,
                    VpcEndpointState::Deleted,
                    VpcEndpointState::Failed,
                ][state as usize % 6];
            }
        }
        DnsSupport { vpc } => {
            if let Some(v) = nth_mut(&mut net.vpcs, vpc) {
                v.dns_support ^= true;
            }
        }
        DnsHostnames { vpc } => {
            if let Some(v) = nth_mut(&mut net.vpcs, vpc) {
                v.dns_hostnames ^= true;
            }
        }
        PrivateDns { endpoint } => {
            if let Some(e) = nth_mut(&mut net.endpoints, endpoint) {
                e.private_dns_enabled ^= true;
            }
        }
        TargetHealth { group, target } => {
            if let Some(t) =
                nth_mut(&mut net.target_groups, group).and_then(|g| nth_mut(&mut g.targets, target))
            {
                t.healthy ^= true;
            }
        }
        DeleteTarget { group, target } => {
            if let Some(g) = nth_mut(&mut net.target_groups, group) {
                remove_nth(&mut g.targets, target);
            }
        }
        DropNode { lb, node } => {
            if let Some(l) = nth_mut(&mut net.load_balancers, lb) {
                remove_nth(&mut l.nodes, node);
            }
        }
        DetourS3 {
            table,
            via_tgw,
            pick,
        } => detour_s3(net, k, table, via_tgw, pick),
        CrossZone { lb } => {
            if let Some(l) = nth_mut(&mut net.load_balancers, lb) {
                l.cross_zone ^= true;
            }
        }
        DeleteRoute { table, route } => {
            if let Some(t) = nth_mut(&mut net.route_tables, table)
                && !t.routes.is_empty()
            {
                let i = route as usize % t.routes.len();
                t.routes.remove(i);
            }
        }
        DeleteRule {
            group,
            ingress,
            rule,
        } => {
            if let Some(g) = nth_mut(&mut net.security_groups, group) {
                let rules = if ingress {
                    &mut g.ingress
                } else {
                    &mut g.egress
                };
                if !rules.is_empty() {
                    let i = rule as usize % rules.len();
                    rules.remove(i);
                }
            }
        }
        DeleteInterface { eni } => {
            if !net.interfaces.is_empty() {
                let i = eni as usize % net.interfaces.len();
                net.interfaces.remove(i);
            }
        }
        DeleteNat { nat } => {
            if !net.nat_gateways.is_empty() {
                let i = nat as usize % net.nat_gateways.len();
                net.nat_gateways.remove(i);
            }
        }
        DetachIgw { igw } => {
            if let Some(g) = nth_mut(&mut net.internet_gateways, igw) {
                g.vpc_id = None;
            }
        }
        AddRoute {
            table,
            dest,
            target,
            pick,
        } => add_route(net, table, dest, target, pick),
        AddRule {
            group,
            ingress,
            proto,
            peer,
            pick,
        } => add_rule(net, k, group, ingress, proto, peer, pick),
        NatState {
            nat,
            available,
            public,
        } => {
            if let Some(n) = nth_mut(&mut net.nat_gateways, nat) {
                n.available = available;
                n.public = public;
            }
        }
        Attachment {
            tgw,
            att,
            available,
        } => {
            if let Some(a) = nth_mut(&mut net.transit_gateways, tgw)
                .and_then(|g| nth_mut(&mut g.attachments, att))
            {
                a.available = available;
            }
        }
        AttachVpc { tgw, vpc } => {
            let Some(v) = nth(&net.vpcs, vpc).map(|v| v.id.clone()) else {
                return;
            };
            let subnets: Vec<String> = net
                .subnets
                .iter()
                .filter(|s| s.vpc_id == v)
                .take(2)
                .map(|s| s.id.clone())
                .collect();
            if let Some(g) = nth_mut(&mut net.transit_gateways, tgw) {
                g.attachments.push(TgwAttachment {
                    id: format!("tgw-attach-m{k}"),
                    vpc_id: v,
                    subnet_ids: subnets,
                    available: true,
                });
            }
        }
        AddTgwRoute {
            tgw,
            dest,
            att,
            blackhole,
        } => {
            let target = address(net, dest, dest >> 3);
            let len = [8u8, 16, 20, 24, 32, 0][(dest >> 29) as usize % 6];
            if let Some(g) = nth_mut(&mut net.transit_gateways, tgw) {
                let attachment_id = if att % 5 == 0 {
                    Some("tgw-attach-gone".to_string())
                } else {
                    nth(&g.attachments, att).map(|a| a.id.clone())
                };
                g.routes.push(TgwRoute {
                    cidr: cidr(target, len),
                    attachment_id,
                    blackhole,
                });
            }
        }
        TgwAvailable { tgw } => {
            if let Some(g) = nth_mut(&mut net.transit_gateways, tgw) {
                g.available ^= true;
            }
        }
        ServiceAvailable { svc } => {
            if let Some(s) = nth_mut(&mut net.services, svc) {
                s.available ^= true;
            }
        }
        LbAvailable { lb } => {
            if let Some(l) = nth_mut(&mut net.load_balancers, lb) {
                l.available ^= true;
            }
        }
        TgProtocol { group, protocol } => {
            if let Some(g) = nth_mut(&mut net.target_groups, group) {
                g.protocol = [
                    TargetProtocol::Tcp,
                    TargetProtocol::Udp,
                    TargetProtocol::TcpUdp,
                    TargetProtocol::Tls,
                    TargetProtocol::Geneve,
                ][protocol as usize % 5];
            }
        }
        SupportedRegion { svc } => {
            if let Some(s) = nth_mut(&mut net.services, svc) {
                if s.supported_regions.is_empty() {
                    s.supported_regions = vec!["us-east-1".into(), "eu-west-1".into()];
                } else {
                    s.supported_regions.clear();
                }
            }
        }
        AddPrivateName { endpoint, name } => {
            let pool = private_name_pool(net);
            let mut pick = nth(&pool, name >> 4).unwrap().clone();
            if name % 2 == 0
                && let Some((_, parent)) = pick.split_once('.')
            {
                // A wildcard over a name other VPCs may hold exactly.
                pick = format!("*.{parent}");
            }
            // Mostly to an interface endpoint, turning private DNS on.
            let mut eps: Vec<&mut Endpoint> = net
                .endpoints
                .iter_mut()
                .filter(|e| name % 4 == 0 || e.kind == EndpointKind::Interface)
                .collect();
            if let Some(e) = nth_mut(&mut eps, endpoint) {
                e.private_dns_enabled |= name % 3 != 0;
                e.private_dns_names.push(pick);
            }
        }
        Policy { endpoint, policy } => {
            if let Some(e) = nth_mut(&mut net.endpoints, endpoint) {
                e.policy = match policy % 5 {
                    0 => None,
                    1 => Some("not json".into()),
                    2 => Some(
                        r#"{"Statement":[{"Effect":"Deny","Principal":"*","Action":"*","Resource":"*"}]}"#
                            .into(),
                    ),
                    3 => Some(
                        r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*","Condition":{"IpAddress":{"aws:VpcSourceIp":"10.0.0.0/12"}}}]}"#
                            .into(),
                    ),
                    _ => Some(
                        r#"{"Statement":[{"Sid":"","Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}"#
                            .into(),
                    ),
                };
                e.policy_enforced ^= policy >= 128;
            }
        }
        AddGwlb {
            appliance,
            consumer,
            table,
            dest,
            healthy,
        } => add_gwlb(net, k, appliance, consumer, table, dest, healthy),
    }
}

/// Sends a Region's S3 blocks from a table elsewhere: to a transit
/// gateway (whose static routes send them on to an attachment) or over a
/// peering connection, where gateway endpoints may not be used.
fn detour_s3(net: &mut Network, k: usize, table: u32, via_tgw: bool, pick: u32) {
    let Some(t) = nth(&net.route_tables, table) else {
        return;
    };
    let vpc = t.vpc_id.clone();
    let region = ["us-east-1", "eu-west-1"][pick as usize % 2];
    let blocks: Vec<Ipv4Cidr> = catalog()
        .prefix_list_for(region, "s3")
        .unwrap()
        .cidrs
        .iter()
        .map(|c| Ipv4Cidr::parse(c).unwrap())
        .collect();
    let target = if via_tgw {
        let Some(g) = net
            .transit_gateways
            .iter_mut()
            .find(|g| g.attachments.iter().any(|a| a.vpc_id == vpc))
        else {
            return;
        };
        let att = nth(&g.attachments, pick >> 1).unwrap().id.clone();
        for b in &blocks {
            g.routes.push(TgwRoute {
                cidr: *b,
                attachment_id: Some(att.clone()),
                blackhole: false,
            });
        }
        RouteTarget::TransitGateway(g.id.clone())
    } else {
        let pcxs: Vec<&Peering> = net
            .peerings
            .iter()
            .filter(|p| p.requester_vpc_id == vpc || p.accepter_vpc_id == vpc)
            .collect();
        match nth(&pcxs, pick >> 1) {
            Some(p) => RouteTarget::Peering(p.id.clone()),
            None => RouteTarget::NatGateway(format!("nat-gone-{k}")),
        }
    };
    let t = nth_mut(&mut net.route_tables, table).unwrap();
    for b in blocks {
        t.routes.push(Route {
            destination: RouteDest::Cidr(b),
            target: target.clone(),
        });
    }
}

/// A route in a random table to a random target: mostly one the API would
/// accept (a component of the table's VPC, a peering of it, any gateway),
/// or an id that does not exist, now and then anything.
fn add_route(net: &mut Network, table: u32, dest: u32, target: u32, pick: u32) {
    let Some(t) = nth(&net.route_tables, table) else {
        return;
    };
    let vpc = t.vpc_id.clone();
    let destination = if dest % 7 == 0 {
        RouteDest::PrefixList(match (dest >> 3) % 3 {
            0 => s3_pl("us-east-1"),
            1 => s3_pl("eu-west-1"),
            _ => "pl-00000000".into(),
        })
    } else if dest % 7 == 1 {
        // A block of an AWS-managed list, as a plain CIDR.
        let pls = catalog().prefix_lists(None);
        let pl = nth(&pls, dest >> 3).unwrap();
        RouteDest::Cidr(Ipv4Cidr::parse(nth(&pl.cidrs, dest >> 12).unwrap()).unwrap())
    } else {
        let len = [0u8, 8, 12, 16, 20, 24, 28, 32][(dest >> 3) as usize % 8];
        RouteDest::Cidr(cidr(address(net, dest >> 6, pick), len))
    };
    let missing = pick % 6 == 0;
    // Now and then a target of another VPC, which the API would refuse.
    let anywhere = pick % 11 == 3;
    let same_vpc = |subnet: &str| anywhere || vpc_of(net, subnet).as_deref() == Some(vpc.as_str());
    // The picked id among `ids`, or a dangling one when `missing`.
    let chosen = |ids: Vec<&str>, gone: &str| -> String {
        match nth(&ids, pick) {
            Some(id) if !missing => id.to_string(),
            _ => gone.into(),
        }
    };
    let target = match target % 7 {
        0 => RouteTarget::Local,
        1 => RouteTarget::InternetGateway(chosen(
            net.internet_gateways
                .iter()
                .map(|g| g.id.as_str())
                .collect(),
            "igw-gone",
        )),
        2 => RouteTarget::NatGateway(chosen(
            net.nat_gateways
                .iter()
                .filter(|n| same_vpc(&n.subnet_id))
                .map(|n| n.id.as_str())
                .collect(),
            "nat-gone",
        )),
        3 => RouteTarget::Peering(chosen(
            net.peerings
                .iter()
                .filter(|p| anywhere || p.requester_vpc_id == vpc || p.accepter_vpc_id == vpc)
                .map(|p| p.id.as_str())
                .collect(),
            "pcx-gone",
        )),
        4 => RouteTarget::TransitGateway(chosen(
            net.transit_gateways.iter().map(|g| g.id.as_str()).collect(),
            "tgw-gone",
        )),
        5 => RouteTarget::NetworkInterface(chosen(
            net.interfaces
                .iter()
                .filter(|e| same_vpc(&e.subnet_id))
                .map(|e| e.id.as_str())
                .collect(),
            "eni-gone",
        )),
        _ => RouteTarget::VpcEndpoint(chosen(
            net.endpoints
                .iter()
                .filter(|e| anywhere || e.vpc_id == vpc)
                .map(|e| e.id.as_str())
                .collect(),
            "vpce-gone",
        )),
    };
    let t = nth_mut(&mut net.route_tables, table).unwrap();
    let at = (pick >> 8) as usize % (t.routes.len() + 1);
    t.routes.insert(
        at,
        Route {
            destination,
            target,
        },
    );
}

#[allow(clippy::too_many_arguments)]
fn add_rule(
    net: &mut Network,
    k: usize,
    group: u32,
    ingress: bool,
    proto: u32,
    peer: u32,
    pick: u32,
) {
    let Some(g) = nth(&net.security_groups, group) else {
        return;
    };
    let peer = match peer % 6 {
        0 => SgPeer::Cidr(cidr(0, 0)),
        1 => SgPeer::Cidr(cidr(0x0a00_0000, 8)),
        2 => {
            let len = [32u8, 24, 20, 16][(peer >> 3) as usize % 4];
            SgPeer::Cidr(cidr(address(net, peer >> 5, pick), len))
        }
        3 => SgPeer::PrefixList(if pick % 3 == 0 {
            "pl-00000000".into()
        } else {
            s3_pl(["us-east-1", "eu-west-1"][pick as usize % 2])
        }),
        4 => SgPeer::Group(nth(&net.security_groups, pick).unwrap().id.clone()),
        _ => SgPeer::Group(if pick % 2 == 0 {
            g.id.clone()
        } else {
            "sg-gone".into()
        }),
    };
    let (protocol, from_port, to_port) = match proto % 8 {
        0 => (Protocol::All, -1, -1),
        1 => (Protocol::Tcp, 0, 65535),
        2 => (Protocol::Tcp, 443, 443),
        3 => (Protocol::Tcp, 22, 22),
        4 => (Protocol::Tcp, 1000, 6000),
        5 => (Protocol::Udp, 0, 65535),
        6 => (Protocol::Udp, 443, 443),
        _ => (Protocol::Icmp, -1, -1),
    };
    let rule = SgRule {
        id: format!("sgr-m{k}"),
        protocol,
        from_port,
        to_port,
        peer,
    };
    let g = nth_mut(&mut net.security_groups, group).unwrap();
    if ingress {
        g.ingress.push(rule);
    } else {
        g.egress.push(rule);
    }
}

/// A Gateway Load Balancer in one VPC (nodes in its first three subnets,
/// GENEVE targets), its endpoint service, and an endpoint in another VPC
/// with a route to it.
#[allow(clippy::too_many_arguments)]
fn add_gwlb(
    net: &mut Network,
    k: usize,
    appliance: u32,
    consumer: u32,
    table: u32,
    dest: u32,
    healthy: bool,
) {
    let (Some(av), Some(cv)) = (
        nth(&net.vpcs, appliance).cloned(),
        nth(&net.vpcs, consumer).cloned(),
    ) else {
        return;
    };
    let arn = format!("arn:aws:elasticloadbalancing:{}:gwlb/{k}", av.region);
    let subnets: Vec<Subnet> = net
        .subnets
        .iter()
        .filter(|s| s.vpc_id == av.id)
        .take(3)
        .cloned()
        .collect();
    let mut nodes = vec![];
    let mut targets = vec![];
    for (i, s) in subnets.iter().enumerate() {
        let node = format!("eni-gwlb{k}-{i}");
        net.interfaces.push(Interface {
            id: node.clone(),
            account_id: av.account_id.clone(),
            subnet_id: s.id.clone(),
            private_ip: s.cidr.network() + 150,
            groups: vec![],
            owner: InterfaceOwner::LoadBalancer(arn.clone()),
        });
        nodes.push((s.zone_id.clone(), node));
        targets.push(Target {
            id: format!("i-appliance{k}-{i}"),
            ip: s.cidr.network() + 10,
            port: 6081,
            zone_id: s.zone_id.clone(),
            healthy: healthy || i > 0,
        });
    }
    net.load_balancers.push(LoadBalancer {
        arn: arn.clone(),
        kind: LoadBalancerKind::Gateway,
        vpc_id: av.id.clone(),
        cross_zone: false,
        available: true,
        nodes,
        listeners: Vec::new(),
    });
    net.target_groups.push(TargetGroup {
        arn: format!("{arn}-tg"),
        load_balancer_arn: Some(arn.clone()),
        protocol: TargetProtocol::Geneve,
        port: 6081,
        targets,
    });
    let svc = format!("vpce-svc-gwlb{k}");
    net.services.push(EndpointService {
        id: svc.clone(),
        account_id: av.account_id.clone(),
        region: av.region.clone(),
        available: true,
        load_balancer_arns: vec![arn],
        supported_regions: vec![],
    });
    let Some(cs) = net
        .subnets
        .iter()
        .filter(|s| s.vpc_id == cv.id)
        .nth((table >> 4) as usize % 3)
        .cloned()
    else {
        return;
    };
    let ep = format!("vpce-gwlb{k}");
    let eni = format!("eni-gwlbe{k}");
    net.interfaces.push(Interface {
        id: eni.clone(),
        account_id: cv.account_id.clone(),
        subnet_id: cs.id.clone(),
        private_ip: cs.cidr.network() + 160,
        groups: vec![],
        owner: InterfaceOwner::Endpoint(ep.clone()),
    });
    net.endpoints.push(Endpoint {
        id: ep.clone(),
        account_id: cv.account_id.clone(),
        vpc_id: cv.id.clone(),
        region: cv.region.clone(),
        kind: EndpointKind::GatewayLoadBalancer,
        service_name: format!("com.amazonaws.vpce.{}.{svc}", av.region),
        service_id: Some(svc),
        service_region: av.region.clone(),
        state: VpcEndpointState::Available,
        policy: None,
        policy_enforced: false,
        private_dns_enabled: false,
        interfaces: vec![(cs.id.clone(), eni)],
        dns_names: vec![],
        private_dns_names: vec![],
    });
    let tables: Vec<usize> = (0..net.route_tables.len())
        .filter(|&i| net.route_tables[i].vpc_id == cv.id)
        .collect();
    if let Some(&t) = nth(&tables, table) {
        let d = match dest % 3 {
            0 => cidr(0, 0),
            1 => cidr(address(net, 0, dest), 32),
            _ => nth(&net.vpcs, dest).unwrap().cidr,
        };
        net.route_tables[t].routes.push(Route {
            destination: RouteDest::Cidr(d),
            target: RouteTarget::VpcEndpoint(ep),
        });
    }
}

fn mutated(net: &Network, ms: &[Mutation]) -> Network {
    let mut net = net.clone();
    for (k, m) in ms.iter().enumerate() {
        apply(&mut net, k, m);
    }
    net
}

// ------------------------------------------------------------ queries

#[derive(Debug, Clone)]
enum Src {
    Eni(String),
    SubnetIp(String, u32),
}

#[derive(Debug, Clone)]
enum Dst {
    Host(String),
    Ip(u32),
}

/// A policy request: principal, action, resource, extra context.
type Request = (
    String,
    String,
    String,
    &'static [(&'static str, &'static str)],
);

/// A query with owned strings.
#[derive(Debug, Clone)]
struct Q {
    source: Src,
    destination: Dst,
    port: u16,
    protocol: Protocol,
    request: Option<Request>,
}

impl Q {
    fn query(&self) -> Query<'_> {
        Query {
            source: match &self.source {
                Src::Eni(e) => Source::Interface(e),
                Src::SubnetIp(s, ip) => Source::SubnetIp {
                    subnet_id: s,
                    ip: *ip,
                },
            },
            destination: match &self.destination {
                Dst::Host(h) => Destination::Host(h),
                Dst::Ip(ip) => Destination::Ip(*ip),
            },
            port: self.port,
            protocol: self.protocol,
            request: self
                .request
                .as_ref()
                .map(|(principal, action, resource, context)| PolicyRequest {
                    principal_arn: principal,
                    action,
                    resource,
                    context,
                }),
        }
    }
}

/// A name a wildcard record answers: `*` replaced by a label.
fn concrete(name: &str) -> String {
    name.replace('*', "q")
}

/// A source in a subnet using a random route table (mostly one the
/// mutations touched) and an address inside
/// one of its routes' destinations: every route gets exercised, the random
/// ones too.
fn route_directed(net: &Network, touched: &[String], r: u32, o: u32) -> Option<(Src, u32)> {
    let t = match nth(touched, r >> 20) {
        Some(id) if r % 4 != 0 => net.route_tables.iter().find(|t| &t.id == id)?,
        _ => nth(&net.route_tables, r)?,
    };
    let main_of = |s: &Subnet| {
        net.vpcs
            .iter()
            .find(|v| v.id == s.vpc_id)
            .is_some_and(|v| v.main_route_table_id == t.id)
    };
    let subnets: Vec<&Subnet> = net
        .subnets
        .iter()
        .filter(|s| match &s.route_table_id {
            Some(x) => *x == t.id,
            None => main_of(s),
        })
        .collect();
    let sub = nth(&subnets, r >> 4)?;
    let route = nth(&t.routes, r >> 8)?;
    let block = match &route.destination {
        RouteDest::Cidr(c) => *c,
        RouteDest::PrefixList(p) => {
            let pl = net.prefix_lists.iter().find(|x| &x.id == p)?;
            *nth(&pl.cidrs, o)?
        }
    };
    let ip = block.network() + (o >> 4) % block.size().min(1 << 16) as u32;
    let enis: Vec<&Interface> = net
        .interfaces
        .iter()
        .filter(|e| e.subnet_id == sub.id)
        .collect();
    let src = match nth(&enis, r >> 12) {
        Some(e) if r % 8 != 0 => Src::Eni(e.id.clone()),
        _ => Src::SubnetIp(sub.id.clone(), sub.cidr.network() + 77),
    };
    Some((src, ip))
}

/// A random query over `net` from eight random numbers.
fn random_query(net: &Network, touched: &[String], r: [u32; 8]) -> Q {
    let mut source = if r[0] % 5 == 0 {
        match nth(&net.subnets, r[1]) {
            Some(s) => {
                let ip = match nth(
                    &net.interfaces
                        .iter()
                        .filter(|e| e.subnet_id == s.id)
                        .collect::<Vec<_>>(),
                    r[1] >> 8,
                ) {
                    Some(e) if r[0] % 2 == 0 => e.private_ip,
                    _ => s.cidr.network() + (r[1] >> 4) % s.cidr.size() as u32,
                };
                // Now and then an address outside the subnet.
                Src::SubnetIp(
                    s.id.clone(),
                    if r[0] % 50 == 5 { ip ^ 0x0100_0000 } else { ip },
                )
            }
            None => Src::Eni("eni-none".into()),
        }
    } else {
        Src::Eni(nth(&net.interfaces, r[1]).map_or("eni-none".into(), |e| e.id.clone()))
    };
    let case = |s: String| -> String {
        match r[7] % 11 {
            0 => s.to_ascii_uppercase(),
            1 => format!("{s}."),
            _ => s,
        }
    };
    let destination = match r[2] % 15 {
        0..=4 => Dst::Ip(address(net, r[2] >> 4, r[3])),
        12..=14 => match route_directed(net, touched, r[3], r[2] >> 4) {
            Some((src, ip)) => {
                source = src;
                Dst::Ip(ip)
            }
            None => Dst::Ip(address(net, r[2] >> 4, r[3])),
        },
        5 | 6 => {
            let names: Vec<&(String, Option<String>)> = net
                .endpoints
                .iter()
                .flat_map(|e| e.dns_names.iter())
                .collect();
            Dst::Host(case(
                nth(&names, r[3]).map_or("none.example.com".into(), |(n, _)| concrete(n)),
            ))
        }
        7 | 8 => {
            let pool: Vec<String> = private_name_pool(net).iter().map(|n| concrete(n)).collect();
            let mut names = pool.clone();
            if r[0] % 2 == 1 {
                // From a VPC with private names of its own, mostly a name
                // one of its wildcards covers (another VPC may hold it
                // exactly).
                let named = |wild: bool| -> Vec<&Endpoint> {
                    net.endpoints
                        .iter()
                        .filter(|e| {
                            e.private_dns_names
                                .iter()
                                .any(|n| !wild || n.starts_with('*'))
                        })
                        .collect()
                };
                let mut eps = named(true);
                if eps.is_empty() || r[0] % 5 == 0 {
                    eps = named(false);
                }
                if let Some(ep) = nth(&eps, r[1] >> 3) {
                    let enis: Vec<&Interface> = net
                        .interfaces
                        .iter()
                        .filter(|e| vpc_of(net, &e.subnet_id).as_deref() == Some(&*ep.vpc_id))
                        .collect();
                    if let Some(e) = nth(&enis, r[1]) {
                        source = Src::Eni(e.id.clone());
                    }
                    let covered: Vec<String> = net
                        .endpoints
                        .iter()
                        .filter(|e| e.vpc_id == ep.vpc_id)
                        .flat_map(|e| e.private_dns_names.iter())
                        .filter_map(|w| w.strip_prefix('*'))
                        .flat_map(|suffix| {
                            pool.iter().filter(move |n| n.ends_with(suffix)).cloned()
                        })
                        .collect();
                    if !covered.is_empty() && r[0] % 3 != 0 {
                        names = covered;
                    }
                }
            }
            Dst::Host(case(nth(&names, r[3]).unwrap().clone()))
        }
        9 | 10 => {
            let regions = catalog().regions();
            let region = match r[3] % 4 {
                0 => &nth(regions, r[3] >> 2).unwrap().region,
                1 => "eu-west-1",
                _ => "us-east-1",
            };
            let services = catalog().aws_services(region);
            let names = nth(&services, r[3] >> 8).unwrap().public_dns_names(region);
            let name = nth(&names, r[3] >> 16).unwrap();
            Dst::Host(case(name.replace('*', &format!("bucket{}", r[3] % 7))))
        }
        _ => Dst::Host(
            [
                "nope.example.com",
                "example.com",
                "com",
                "a..b",
                "q.svc9.example.com",
            ][r[3] as usize % 5]
                .into(),
        ),
    };
    let port = [443, 443, 22, 5432, 80, 0, (r[4] >> 8) as u16][r[4] as usize % 7];
    let protocol = match r[5] % 20 {
        0..=13 => Protocol::Tcp,
        14..=18 => Protocol::Udp,
        _ => Protocol::Icmp,
    };
    let account = match &source {
        Src::Eni(e) => net
            .interfaces
            .iter()
            .find(|x| &x.id == e)
            .map_or("000000000000".into(), |x| x.account_id.clone()),
        Src::SubnetIp(..) => "111122220001".into(),
    };
    let request = (r[6] % 3 != 0).then(|| {
        let (action, resource) = [
            ("s3:GetObject", "arn:aws:s3:::bucket1/key"),
            ("s3:PutObject", "arn:aws:s3:::secret-3/key"),
            ("sqs:SendMessage", "arn:aws:sqs:us-east-1:111122220000:q"),
            ("sqs:DeleteQueue", "arn:aws:sqs:eu-west-1:111122220003:q"),
        ][r[6] as usize % 4];
        let context: &'static [(&'static str, &'static str)] = if r[6] % 5 == 0 {
            &[("aws:SecureTransport", "true")]
        } else {
            &[]
        };
        let principal = if r[6] % 7 == 0 {
            "arn:aws:iam::999999999999:role/x".to_string()
        } else {
            format!("arn:aws:iam::{account}:role/app")
        };
        (principal, action.to_string(), resource.to_string(), context)
    });
    Q {
        source,
        destination,
        port,
        protocol,
        request,
    }
}

/// Route tables whose routes differ from `base`'s (the mutations' work).
fn touched_tables(base: &Network, net: &Network) -> Vec<String> {
    net.route_tables
        .iter()
        .filter(|t| {
            base.route_tables
                .iter()
                .find(|b| b.id == t.id)
                .is_none_or(|b| {
                    b.routes.len() != t.routes.len()
                        || b.routes
                            .iter()
                            .zip(&t.routes)
                            .any(|(x, y)| x.destination != y.destination || x.target != y.target)
                })
        })
        .map(|t| t.id.clone())
        .collect()
}

/// The generator's queries for `p`, and random ones over `net` (`p`'s
/// network, perhaps mutated).
fn all_queries(p: &Params, net: &Network, randoms: &[[u32; 8]]) -> Vec<Q> {
    let g = generate(p);
    let touched = touched_tables(&g.network, net);
    let mut qs: Vec<Q> = g
        .queries
        .into_iter()
        .map(|g| Q {
            source: Src::Eni(g.source_interface),
            destination: match g.host {
                Some(h) => Dst::Host(h),
                None => Dst::Ip(g.ip),
            },
            port: g.port,
            protocol: g.protocol,
            request: g.request.map(|(p, a, r)| (p, a, r, &[][..])),
        })
        .collect();
    qs.extend(randoms.iter().map(|r| random_query(net, &touched, *r)));
    qs
}

/// The answer, owned (it may outlive a temporary snapshot).
fn resolve(snap: &Snapshot, q: &Q) -> Result<Answer<'static>, QueryError> {
    snap.resolve(&q.query()).map(Answer::into_owned)
}

fn codes(a: &Answer) -> Vec<Code> {
    a.explanations.iter().map(|e| e.code).collect()
}

/// `cases` cases, times `REFERENCE_CASES_SCALE` if set (a long run:
/// `REFERENCE_CASES_SCALE=100 cargo test --release --test resolve_reference`).
fn config(cases: u32) -> Config {
    let scale: u32 = std::env::var("REFERENCE_CASES_SCALE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1);
    Config {
        cases: cases * scale,
        failure_persistence: None,
        ..Config::default()
    }
}

fn queries() -> impl Strategy<Value = Vec<[u32; 8]>> {
    proptest::collection::vec(any::<[u32; 8]>(), 20..40)
}

fn mutations() -> impl Strategy<Value = Vec<Mutation>> {
    proptest::collection::vec(mutation(), 0..24)
}

// ------------------------------------------------------------ the oracle

fn agree(net: &Network, qs: &[Q]) -> Result<(), TestCaseError> {
    let snap = Snapshot::build(net);
    for q in qs {
        let fast = resolve(&snap, q).map(normalize);
        let slow = reference::resolve(net, &q.query());
        prop_assert_eq!(fast, slow, "query {:?}", q);
    }
    Ok(())
}

proptest! {
    #![proptest_config(config(32))]

    /// Generated networks as they are.
    #[test]
    fn agrees_with_the_reference_on_generated_networks(
        (p, net) in network(),
        randoms in queries(),
    ) {
        agree(&net, &all_queries(&p, &net, &randoms))?;
    }

    /// Randomly mutated generated networks.
    #[test]
    fn agrees_with_the_reference_on_mutated_networks(
        (p, net) in network(),
        ms in mutations(),
        randoms in queries(),
    ) {
        let net = mutated(&net, &ms);
        agree(&net, &all_queries(&p, &net, &randoms))?;
    }
}

// ------------------------------------------------------------ metamorphic

fn shuffle<T>(v: &mut [T], rng: &mut Rng) {
    for i in (1..v.len()).rev() {
        v.swap(i, rng.below(i + 1));
    }
}

/// Relabels every zone id through `map`.
fn relabel_zones(net: &mut Network, map: &dyn Fn(&str) -> String) {
    for s in &mut net.subnets {
        s.zone_id = map(&s.zone_id);
    }
    for l in &mut net.load_balancers {
        for n in &mut l.nodes {
            n.0 = map(&n.0);
        }
    }
    for tg in &mut net.target_groups {
        for t in &mut tg.targets {
            t.zone_id = map(&t.zone_id);
        }
    }
    for e in &mut net.endpoints {
        for (_, z) in &mut e.dns_names {
            if let Some(z) = z {
                *z = map(z);
            }
        }
    }
}

/// A VPC unrelated to the rest (its own account, no peering or transit
/// gateway), overlapping `twin`'s CIDR and addresses, with its own subnets,
/// groups, gateways and endpoints, some with the same private DNS names as
/// existing endpoints (and their wildcard matches).
fn add_unrelated_vpc(net: &mut Network, twin: &Vpc, rng: &mut Rng) {
    let id = "vpc-unrelated";
    let acct = "999999999999";
    let region = if rng.below(2) == 0 {
        twin.region.clone()
    } else {
        "eu-west-1".into()
    };
    net.vpcs.push(Vpc {
        id: id.into(),
        account_id: acct.into(),
        region: region.clone(),
        cidr: twin.cidr,
        dns_support: true,
        dns_hostnames: true,
        main_route_table_id: "rtb-unrelated".into(),
    });
    net.route_tables.push(RouteTable {
        id: "rtb-unrelated".into(),
        vpc_id: id.into(),
        routes: vec![
            Route {
                destination: RouteDest::Cidr(twin.cidr),
                target: RouteTarget::Local,
            },
            Route {
                destination: RouteDest::Cidr(cidr(0, 0)),
                target: RouteTarget::InternetGateway("igw-unrelated".into()),
            },
            Route {
                destination: RouteDest::PrefixList(s3_pl(&region)),
                target: RouteTarget::VpcEndpoint("vpce-unrelated-gw".into()),
            },
        ],
    });
    net.internet_gateways.push(InternetGateway {
        id: "igw-unrelated".into(),
        vpc_id: Some(id.into()),
    });
    net.security_groups.push(SecurityGroup {
        id: "sg-unrelated".into(),
        vpc_id: id.into(),
        ingress: vec![SgRule {
            id: "sgr-unrelated-in".into(),
            protocol: Protocol::All,
            from_port: -1,
            to_port: -1,
            peer: SgPeer::Cidr(cidr(0, 0)),
        }],
        egress: vec![],
    });
    let twin_subnets: Vec<Subnet> = net
        .subnets
        .iter()
        .filter(|s| s.vpc_id == twin.id)
        .cloned()
        .collect();
    let mut enis = vec![];
    for (i, s) in twin_subnets.iter().enumerate() {
        let sid = format!("subnet-unrelated-{i}");
        net.subnets.push(Subnet {
            id: sid.clone(),
            vpc_id: id.into(),
            zone_id: s.zone_id.clone(),
            cidr: s.cidr,
            route_table_id: None,
        });
        for (j, e) in net
            .interfaces
            .clone()
            .iter()
            .filter(|e| e.subnet_id == s.id)
            .enumerate()
        {
            let eid = format!("eni-unrelated-{i}-{j}");
            net.interfaces.push(Interface {
                id: eid.clone(),
                account_id: acct.into(),
                subnet_id: sid.clone(),
                private_ip: e.private_ip,
                groups: vec!["sg-unrelated".into()],
                owner: InterfaceOwner::User,
            });
            enis.push((sid.clone(), eid, s.zone_id.clone()));
        }
    }
    // Private names: every existing one, exactly, and the concrete names
    // their wildcards answer.
    let mut names: Vec<String> = private_name_pool(net);
    names.extend(
        names
            .clone()
            .iter()
            .filter(|n| n.contains('*'))
            .map(|n| concrete(n)),
    );
    names.push("*.com".into());
    let mut interfaces = vec![];
    for (k, (sid, _, _)) in enis.iter().enumerate().take(3) {
        let eid = format!("eni-unrelated-ep{k}");
        let sub = net.subnets.iter().find(|s| &s.id == sid).unwrap().clone();
        net.interfaces.push(Interface {
            id: eid.clone(),
            account_id: acct.into(),
            subnet_id: sid.clone(),
            private_ip: sub.cidr.network() + 200,
            groups: vec!["sg-unrelated".into()],
            owner: InterfaceOwner::Endpoint("vpce-unrelated".into()),
        });
        interfaces.push((sid.clone(), eid));
    }
    let svc = net.services.first().map(|s| s.id.clone());
    net.endpoints.push(Endpoint {
        id: "vpce-unrelated".into(),
        account_id: acct.into(),
        vpc_id: id.into(),
        region: region.clone(),
        kind: EndpointKind::Interface,
        service_name: match &svc {
            Some(s) => format!("com.amazonaws.vpce.{region}.{s}"),
            None => format!("com.amazonaws.{region}.sqs"),
        },
        service_id: svc.clone(),
        service_region: region.clone(),
        state: VpcEndpointState::Available,
        policy: None,
        policy_enforced: svc.is_none(),
        private_dns_enabled: true,
        interfaces,
        dns_names: vec![(
            format!("vpce-unrelated-zz.sqs.{region}.vpce.amazonaws.com"),
            None,
        )],
        private_dns_names: names,
    });
    net.endpoints.push(Endpoint {
        id: "vpce-unrelated-gw".into(),
        account_id: acct.into(),
        vpc_id: id.into(),
        region: region.clone(),
        kind: EndpointKind::Gateway,
        service_name: format!("com.amazonaws.{region}.s3"),
        service_id: None,
        service_region: region,
        state: VpcEndpointState::Available,
        policy: Some(
            r#"{"Statement":[{"Effect":"Deny","Principal":"*","Action":"*","Resource":"*"}]}"#
                .into(),
        ),
        policy_enforced: true,
        private_dns_enabled: false,
        interfaces: vec![],
        dns_names: vec![],
        private_dns_names: vec![],
    });
    if let Some((sid, _, _)) = enis.first() {
        net.nat_gateways.push(NatGateway {
            id: "nat-unrelated".into(),
            subnet_id: sid.clone(),
            private_ip: twin.cidr.network() + 5,
            public: false,
            available: true,
        });
    }
}

/// Opens every group: all traffic in and out.
fn open_every_group(net: &mut Network) {
    for g in &mut net.security_groups {
        let all = |id: &str| SgRule {
            id: id.into(),
            protocol: Protocol::All,
            from_port: -1,
            to_port: -1,
            peer: SgPeer::Cidr(cidr(0, 0)),
        };
        g.ingress.push(all("sgr-open-in"));
        g.egress.push(all("sgr-open-out"));
    }
}

fn is_sg(c: &Code) -> bool {
    matches!(
        c,
        Code::SecurityGroupEgressDenied | Code::SecurityGroupIngressDenied
    )
}

proptest! {
    #![proptest_config(config(16))]

    /// (a) Permuting zone ids consistently everywhere changes nothing but
    /// the zone ids on the path.
    #[test]
    fn relabelling_zones_changes_nothing(
        (p, net) in network(),
        ms in mutations(),
        randoms in queries(),
        seed in any::<u64>(),
    ) {
        let net = mutated(&net, &ms);
        let qs = all_queries(&p, &net, &randoms);
        let mut zones: Vec<String> = net.subnets.iter().map(|s| s.zone_id.clone()).collect();
        zones.extend(net.target_groups.iter().flat_map(|g| g.targets.iter().map(|t| t.zone_id.clone())));
        zones.sort();
        zones.dedup();
        let mut perm = zones.clone();
        shuffle(&mut perm, &mut Rng::new(seed));
        let fwd = |z: &str| zones.iter().position(|x| x == z).map_or(z.to_string(), |i| perm[i].clone());
        let back = |z: &str| perm.iter().position(|x| x == z).map_or(z.to_string(), |i| zones[i].clone());
        let mut relabelled = net.clone();
        relabel_zones(&mut relabelled, &fwd);
        let (a, b) = (Snapshot::build(&net), Snapshot::build(&relabelled));
        for q in &qs {
            let before = resolve(&a, q).map(normalize);
            let after = resolve(&b, q).map(|mut x| {
                for h in &mut x.hops {
                    h.zone_id = h.zone_id.as_deref().map(|z| back(z).into());
                }
                normalize(x)
            });
            prop_assert_eq!(before, after, "query {:?}", q);
        }
    }

    /// (b) A VPC of another account, overlapping an existing one, changes no
    /// answer for an existing source.
    #[test]
    fn an_unrelated_vpc_changes_no_existing_answer(
        (p, net) in network(),
        ms in mutations(),
        randoms in queries(),
        seed in any::<u64>(),
    ) {
        let net = mutated(&net, &ms);
        let qs = all_queries(&p, &net, &randoms);
        let mut rng = Rng::new(seed);
        let twin = nth(&net.vpcs, seed as u32).unwrap().clone();
        let mut bigger = net.clone();
        add_unrelated_vpc(&mut bigger, &twin, &mut rng);
        let (a, b) = (Snapshot::build(&net), Snapshot::build(&bigger));
        for q in &qs {
            prop_assert_eq!(resolve(&a, q), resolve(&b, q), "query {:?}", q);
        }
    }

    /// (c) The order of rules in a group and of groups on an interface
    /// does not decide reachability.
    #[test]
    fn permuting_rules_and_groups_keeps_reachability(
        (p, net) in network(),
        ms in mutations(),
        randoms in queries(),
        seed in any::<u64>(),
    ) {
        let net = mutated(&net, &ms);
        let qs = all_queries(&p, &net, &randoms);
        let mut rng = Rng::new(seed);
        let mut permuted = net.clone();
        for g in &mut permuted.security_groups {
            shuffle(&mut g.ingress, &mut rng);
            shuffle(&mut g.egress, &mut rng);
        }
        for e in &mut permuted.interfaces {
            shuffle(&mut e.groups, &mut rng);
        }
        let (a, b) = (Snapshot::build(&net), Snapshot::build(&permuted));
        for q in &qs {
            let (x, y) = (resolve(&a, q), resolve(&b, q));
            prop_assert_eq!(x.is_ok(), y.is_ok());
            if let (Ok(x), Ok(y)) = (x, y) {
                prop_assert_eq!(x.reachable, y.reachable, "query {:?}", q);
                prop_assert_eq!(codes(&x), codes(&y), "query {:?}", q);
            }
        }
    }

    /// (d) Opening every group never blocks anything and removes exactly
    /// the security group reasons.
    #[test]
    fn opening_every_group_removes_exactly_the_group_reasons(
        (p, net) in network(),
        ms in mutations(),
        randoms in queries(),
    ) {
        let net = mutated(&net, &ms);
        let qs = all_queries(&p, &net, &randoms);
        let mut open = net.clone();
        open_every_group(&mut open);
        let (a, b) = (Snapshot::build(&net), Snapshot::build(&open));
        for q in &qs {
            let (Ok(x), Ok(y)) = (resolve(&a, q), resolve(&b, q)) else {
                continue;
            };
            prop_assert!(!x.reachable || y.reachable, "query {:?}", q);
            let mut expected = codes(&x);
            expected.retain(|c| !is_sg(c));
            prop_assert_eq!(codes(&y), expected, "query {:?}", q);
        }
    }

}

proptest! {
    // Two snapshots per query checked: fewer cases.
    #![proptest_config(config(12))]

    /// (e) A blackhole /32 for the destination in the source subnet's table
    /// blackholes it there; taking it out restores the answer.
    #[test]
    fn a_blackhole_host_route_in_the_source_table_wins(
        (p, net) in network(),
        ms in mutations(),
        randoms in queries(),
        at in any::<u32>(),
    ) {
        let net = mutated(&net, &ms);
        let qs = all_queries(&p, &net, &randoms);
        let snap = Snapshot::build(&net);
        // Two snapshots per query: a sample of the address queries.
        for q in qs.iter().filter(|q| matches!(q.destination, Dst::Ip(_))).step_by(4) {
            let Dst::Ip(dst) = q.destination else { continue };
            let Ok(before) = resolve(&snap, q) else { continue };
            let subnet_id = match &q.source {
                Src::Eni(e) => net.interfaces.iter().find(|x| &x.id == e).unwrap().subnet_id.clone(),
                Src::SubnetIp(s, _) => s.clone(),
            };
            let sub = net.subnets.iter().find(|s| s.id == subnet_id).unwrap();
            let table_id = sub.route_table_id.clone()
                .filter(|t| net.route_tables.iter().any(|x| &x.id == t))
                .or_else(|| net.vpcs.iter().find(|v| v.id == sub.vpc_id).map(|v| v.main_route_table_id.clone()));
            let Some(ti) = table_id.and_then(|t| net.route_tables.iter().position(|x| x.id == t)) else {
                continue;
            };
            let host = cidr(dst, 32);
            if net.route_tables[ti].routes.iter().any(|r| r.destination == RouteDest::Cidr(host)) {
                continue;
            }
            let mut with = net.clone();
            let pos = at as usize % (with.route_tables[ti].routes.len() + 1);
            with.route_tables[ti].routes.insert(pos, Route {
                destination: RouteDest::Cidr(host),
                target: RouteTarget::NatGateway("nat-deleted-zz".into()),
            });
            let after = resolve(&Snapshot::build(&with), q).unwrap();
            prop_assert!(!after.reachable);
            let last = after.explanations.last().unwrap();
            prop_assert_eq!(last.code, Code::BlackholeRoute, "query {:?}: {:#?}", q, after);
            prop_assert_eq!(&*last.component_id, net.route_tables[ti].id.as_str());
            prop_assert!(codes(&after)[..after.explanations.len() - 1].iter().all(is_sg));
            let hop = after.hops.last().unwrap();
            let route = hop.route.as_ref().unwrap();
            let host_s = host.to_string();
            prop_assert_eq!(&*route.destination, host_s.as_str());
            prop_assert_eq!(&*route.target, "nat-deleted-zz");
            with.route_tables[ti].routes.remove(pos);
            prop_assert_eq!(resolve(&Snapshot::build(&with), q).unwrap(), before);
        }
    }
}

// ------------------------------------------------------------ dangling

/// Deletions that leave dangling references behind (the server's store
/// may lag; the model promises only that missing ids are deleted targets).
#[derive(Debug, Clone)]
enum Dangling {
    Subnet(u32),
    Vpc(u32),
    Table(u32),
    Group(u32),
    Service(u32),
    LoadBalancer(u32),
    Endpoint(u32),
    Peering(u32),
    PrefixList(u32),
    TargetGroup(u32),
}

fn dangling() -> impl Strategy<Value = Dangling> {
    (0u8..10, any::<u32>()).prop_map(|(k, i)| match k {
        0 => Dangling::Subnet(i),
        1 => Dangling::Vpc(i),
        2 => Dangling::Table(i),
        3 => Dangling::Group(i),
        4 => Dangling::Service(i),
        5 => Dangling::LoadBalancer(i),
        6 => Dangling::Endpoint(i),
        7 => Dangling::Peering(i),
        8 => Dangling::PrefixList(i),
        _ => Dangling::TargetGroup(i),
    })
}

fn remove_nth<T>(v: &mut Vec<T>, i: u32) {
    if !v.is_empty() {
        let i = i as usize % v.len();
        v.remove(i);
    }
}

fn delete(net: &mut Network, d: &Dangling) {
    match *d {
        Dangling::Subnet(i) => remove_nth(&mut net.subnets, i),
        Dangling::Vpc(i) => remove_nth(&mut net.vpcs, i),
        Dangling::Table(i) => remove_nth(&mut net.route_tables, i),
        Dangling::Group(i) => remove_nth(&mut net.security_groups, i),
        Dangling::Service(i) => remove_nth(&mut net.services, i),
        Dangling::LoadBalancer(i) => remove_nth(&mut net.load_balancers, i),
        Dangling::Endpoint(i) => remove_nth(&mut net.endpoints, i),
        Dangling::Peering(i) => remove_nth(&mut net.peerings, i),
        Dangling::PrefixList(i) => remove_nth(&mut net.prefix_lists, i),
        Dangling::TargetGroup(i) => remove_nth(&mut net.target_groups, i),
    }
}

proptest! {
    #![proptest_config(config(24))]

    /// Dangling references: no panic, and the reference agrees.
    #[test]
    fn agrees_with_the_reference_with_dangling_references(
        (p, net) in network(),
        ms in mutations(),
        ds in proptest::collection::vec(dangling(), 1..6),
        randoms in queries(),
    ) {
        let mut net = mutated(&net, &ms);
        for d in &ds {
            delete(&mut net, d);
        }
        agree(&net, &all_queries(&p, &net, &randoms))?;
    }
}

// ------------------------------------------------------------ regressions

fn query<'a>(source: Source<'a>, destination: Destination<'a>) -> Query<'a> {
    Query {
        source,
        destination,
        port: 443,
        protocol: Protocol::Tcp,
        request: None,
    }
}

/// Checks the resolver against the reference on a hand-written network.
fn both(net: &Network, q: &Query<'_>) -> Result<Answer<'static>, QueryError> {
    let fast = Snapshot::build(net).resolve(q).map(Answer::into_owned);
    assert_eq!(fast.clone().map(normalize), reference::resolve(net, q));
    fast
}

/// Found by the oracle (dns.rs): a VPC's resolver sees only its own
/// private hosted zones, so another VPC's exact record for a name must not
/// hide this VPC's wildcard covering it.
#[test]
fn another_vpcs_exact_private_name_does_not_hide_this_vpcs_wildcard() {
    use common::*;
    let svc = "com.amazonaws.vpce.us-east-1.vpce-svc-1";
    let mut b = B::new();
    b.vpc("vpc-a", "111111111111", "us-east-1", "10.0.0.0/16")
        .subnet("sn-a", "vpc-a", "use1-az1", "10.0.1.0/24")
        .eni("eni-a", "sn-a", "10.0.1.10", &["sg-vpc-a"])
        .interface_endpoint(
            "vpce-a",
            "vpc-a",
            svc,
            Some("vpce-svc-1"),
            "us-east-1",
            &[("sn-a", "use1-az1", "10.0.1.50")],
            &["sg-vpc-a"],
            &["*.example.com"],
        )
        .vpc("vpc-b", "222222222222", "us-east-1", "10.1.0.0/16")
        .subnet("sn-b", "vpc-b", "use1-az1", "10.1.1.0/24")
        .interface_endpoint(
            "vpce-b",
            "vpc-b",
            svc,
            Some("vpce-svc-1"),
            "us-east-1",
            &[("sn-b", "use1-az1", "10.1.1.50")],
            &["sg-vpc-b"],
            &["api.example.com", "*.svc.example.com"],
        );
    for name in ["api.example.com", "x.svc.example.com"] {
        let a = both(
            &b.net,
            &query(Source::Interface("eni-a"), Destination::Host(name)),
        )
        .unwrap();
        let dns = a.dns.unwrap();
        assert_eq!(dns.answered_by, AnsweredBy::PrivateDns, "{name}");
        assert_eq!(dns.component_id.as_deref(), Some("vpce-a"));
        assert_eq!(dns.record.as_deref(), Some("*.example.com"));
        assert_eq!(dns.answers, vec![ip("10.0.1.50")]);
    }
}

/// Found by the oracle (snapshot.rs): an interface in a subnet whose VPC is
/// gone panicked; such subnets are out of the index now, as the snapshot's
/// comment said, so the interface is an unknown source.
#[test]
fn an_interface_in_a_subnet_of_a_deleted_vpc_is_an_unknown_source() {
    use common::*;
    let mut b = B::new();
    b.vpc("vpc-a", "111111111111", "us-east-1", "10.0.0.0/16")
        .subnet("sn-a", "vpc-a", "use1-az1", "10.0.1.0/24")
        .eni("eni-a", "sn-a", "10.0.1.10", &["sg-vpc-a"])
        .associate("sn-a", "rtb-vpc-a");
    b.net.vpcs.clear();
    for d in [
        Destination::Host("s3.us-east-1.amazonaws.com"),
        Destination::Ip(ip("10.0.1.10")),
    ] {
        assert_eq!(
            both(&b.net, &query(Source::Interface("eni-a"), d)),
            Err(QueryError::UnknownInterface("eni-a".into()))
        );
    }
    let from_subnet = Source::SubnetIp {
        subnet_id: "sn-a",
        ip: ip("10.0.1.10"),
    };
    assert_eq!(
        both(&b.net, &query(from_subnet, Destination::Ip(1))),
        Err(QueryError::UnknownSubnet("sn-a".into()))
    );
}

/// Found by the oracle (trace.rs): an endpoint interface whose subnet is
/// gone panicked when the client picked the address in its own zone.
#[test]
fn an_endpoint_interface_in_a_deleted_subnet_is_no_zone_match() {
    use common::*;
    let mut b = B::new();
    b.vpc("vpc-a", "111111111111", "us-east-1", "10.0.0.0/16")
        .subnet("sn-a", "vpc-a", "use1-az1", "10.0.1.0/24")
        .subnet("sn-b", "vpc-a", "use1-az2", "10.0.2.0/24")
        .eni("eni-a", "sn-a", "10.0.1.10", &["sg-vpc-a"])
        .interface_endpoint(
            "vpce-sqs",
            "vpc-a",
            "com.amazonaws.us-east-1.sqs",
            None,
            "us-east-1",
            &[("sn-b", "use1-az2", "10.0.2.50")],
            &["sg-vpc-a"],
            &["sqs.us-east-1.amazonaws.com"],
        );
    b.net.subnets.retain(|s| s.id != "sn-b");
    let a = both(
        &b.net,
        &query(
            Source::Interface("eni-a"),
            Destination::Host("sqs.us-east-1.amazonaws.com"),
        ),
    )
    .unwrap();
    assert_eq!(a.dns.as_ref().unwrap().answers, vec![ip("10.0.2.50")]);
    assert_eq!(codes(&a), vec![Code::UnknownDestination]);
}

/// Found by the oracle (trace.rs): a Gateway Load Balancer endpoint whose
/// interface's subnet is gone panicked; it is a blackhole, as one without
/// an interface is.
#[test]
fn a_gwlb_endpoint_whose_interface_subnet_is_gone_is_a_blackhole() {
    use common::*;
    let mut b = B::new();
    b.vpc("vpc-a", "111111111111", "us-east-1", "10.0.0.0/16")
        .subnet("sn-a", "vpc-a", "use1-az1", "10.0.1.0/24")
        .subnet("sn-e", "vpc-a", "use1-az1", "10.0.9.0/24")
        .eni("eni-a", "sn-a", "10.0.1.10", &["sg-vpc-a"])
        .eni_owned(
            "eni-gwlbe",
            "sn-e",
            "10.0.9.5",
            &[],
            InterfaceOwner::Endpoint("vpce-g".into()),
        )
        .route(
            "rtb-vpc-a",
            "0.0.0.0/0",
            RouteTarget::VpcEndpoint("vpce-g".into()),
        );
    b.net.endpoints.push(Endpoint {
        id: "vpce-g".into(),
        account_id: "111111111111".into(),
        vpc_id: "vpc-a".into(),
        region: "us-east-1".into(),
        kind: EndpointKind::GatewayLoadBalancer,
        service_name: "com.amazonaws.vpce.us-east-1.vpce-svc-g".into(),
        service_id: Some("vpce-svc-g".into()),
        service_region: "us-east-1".into(),
        state: VpcEndpointState::Available,
        policy: None,
        policy_enforced: false,
        private_dns_enabled: false,
        interfaces: vec![("sn-e".into(), "eni-gwlbe".into())],
        dns_names: vec![],
        private_dns_names: vec![],
    });
    b.net.subnets.retain(|s| s.id != "sn-e");
    let a = both(
        &b.net,
        &query(Source::Interface("eni-a"), Destination::Ip(ip("8.8.8.8"))),
    )
    .unwrap();
    assert_eq!(codes(&a), vec![Code::BlackholeRoute]);
    assert_eq!(&*a.explanations[0].component_id, "vpce-g");
}

/// Found by the reference (trace.rs): a middlebox interface's hop lacked
/// its zone, which every interface hop carries.
#[test]
fn a_middlebox_interface_hop_carries_its_zone() {
    use common::*;
    let mut b = B::new();
    b.vpc("vpc-a", "111111111111", "us-east-1", "10.0.0.0/16")
        .subnet("sn-a", "vpc-a", "use1-az1", "10.0.1.0/24")
        .subnet("sn-fw", "vpc-a", "use1-az2", "10.0.2.0/24")
        .eni("eni-a", "sn-a", "10.0.1.10", &["sg-vpc-a"])
        .eni("eni-fw", "sn-fw", "10.0.2.10", &["sg-vpc-a"])
        .route(
            "rtb-vpc-a",
            "0.0.0.0/0",
            RouteTarget::NetworkInterface("eni-fw".into()),
        );
    let a = both(
        &b.net,
        &query(Source::Interface("eni-a"), Destination::Ip(ip("8.8.8.8"))),
    )
    .unwrap();
    assert!(a.reachable, "{a:#?}");
    let fw = a.hops.iter().find(|h| &*h.id == "eni-fw").unwrap();
    assert_eq!(fw.zone_id.as_deref(), Some("use1-az2"));
    assert_eq!(fw.address, Some(ip("10.0.2.10")));
}

// ------------------------------------------------------------ coverage

/// What the random queries exercise: codes, components and DNS rules, over
/// 200 mutated networks (`cargo test -- --ignored --nocapture coverage`).
#[test]
#[ignore]
fn coverage() {
    use proptest::strategy::ValueTree;
    use std::collections::BTreeMap;
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut count = |k: String| *seen.entry(k).or_default() += 1;
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    for _ in 0..200 {
        let (p, net) = network().new_tree(&mut runner).unwrap().current();
        let ms = mutations().new_tree(&mut runner).unwrap().current();
        let randoms = queries().new_tree(&mut runner).unwrap().current();
        let net = mutated(&net, &ms);
        let snap = Snapshot::build(&net);
        for q in all_queries(&p, &net, &randoms) {
            let Ok(a) = resolve(&snap, &q) else {
                count("error".into());
                continue;
            };
            count(format!("reachable {}", a.reachable));
            for c in codes(&a) {
                count(format!("code {c:?}"));
            }
            for h in &a.hops {
                count(format!("hop {:?}", h.component));
            }
            if a.hops.iter().any(|h| h.id.starts_with("vpce-gwlb")) {
                count("through a GWLB endpoint".into());
            }
            if let Some(d) = &a.dns {
                count(format!("dns {:?}", d.answered_by));
            }
        }
    }
    println!("{seen:#?}");
}
