//! The indexed, immutable network: every reference resolved to an index
//! once, every route table and transit gateway compiled to an [`Lpm`],
//! every endpoint policy compiled, every DNS name in a hash map.

use super::dns::DnsIndex;
use super::lpm::{Lpm, LpmBuilder, RANK_PREFIX_LIST, RANK_PROPAGATED, RANK_STATIC};
use super::model::{
    self, EndpointKind, InterfaceOwner, Network, PeeringState, RouteDest, RouteTarget, SgPeer,
    VpcEndpointState,
};
use crate::net::{Ipv4Cidr, Protocol};
use crate::policy::CompiledPolicy;
use crate::privatelink::TargetProtocol;
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::Arc;

pub(crate) type Id = Arc<str>;

/// FxHash (rustc's hasher): a multiply and a rotate per word. The keys are
/// ids and names we generate ourselves, so flooding is not a concern.
#[derive(Default, Clone, Copy)]
pub(crate) struct FxHasher(u64);

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FxHasher {
    #[inline]
    fn add(&mut self, w: u64) {
        self.0 = (self.0.rotate_left(5) ^ w).wrapping_mul(SEED);
    }
}

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.add(u64::from_le_bytes(w));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut w = [0u8; 8];
            w[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(w));
        }
    }
    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(i as u64);
    }
    #[inline]
    fn write_u32(&mut self, i: u32) {
        self.add(i as u64);
    }
    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }
    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }
    #[inline]
    fn finish(&self) -> u64 {
        // The multiply only carries entropy upwards: the low bits, which
        // pick the bucket, depend on few input bits (ids that differ in
        // their middle characters collide). Rotating brings the well-mixed
        // high bits down, as rustc-hash 2 does.
        self.0.rotate_left(26)
    }
}

pub(crate) type Fx = BuildHasherDefault<FxHasher>;
pub(crate) type IdMap = HashMap<Id, u32, Fx>;

pub(crate) fn id(s: &str) -> Id {
    Arc::from(s)
}

#[derive(Debug)]
pub(crate) struct VpcS {
    pub id: Id,
    pub account: Id,
    pub cidr: Ipv4Cidr,
    pub dns_support: bool,
    pub dns_hostnames: bool,
    pub main_table: Option<u32>,
    /// Gateway endpoints in the VPC (for `GATEWAY_ENDPOINT_NOT_TRANSITIVE`).
    pub gateway_endpoints: Vec<u32>,
}

#[derive(Debug)]
pub(crate) struct SubnetS {
    pub id: Id,
    pub vpc: u32,
    pub zone: Id,
    pub cidr: Ipv4Cidr,
    /// The explicit table, else the VPC's main one.
    pub table: Option<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TargetS {
    Local,
    /// Attached to the table's VPC (else `None`: a blackhole).
    Igw(Option<u32>),
    Nat(Option<u32>),
    Pcx(Option<u32>),
    Tgw(Option<u32>),
    Eni(Option<u32>),
    Endpoint(Option<u32>),
}

/// One compiled block of a route: the route's fields, copied per block so
/// that a lookup reads one entry.
#[derive(Debug)]
pub(crate) struct RouteS {
    pub destination: Id,
    pub target_id: Id,
    pub target: TargetS,
    /// The matched block, for a destination naming a prefix list (`pl-...`).
    pub block: Option<Id>,
}

#[derive(Debug)]
pub(crate) struct TableS {
    pub id: Id,
    /// Values index `entries`.
    pub lpm: Lpm,
    /// One per compiled block (a prefix-list route has one per block of
    /// its list).
    pub entries: Vec<RouteS>,
}

#[derive(Debug)]
pub(crate) enum PeerS {
    Cidr(Ipv4Cidr),
    PrefixList(Option<u32>),
    Group(Option<u32>),
}

#[derive(Debug)]
pub(crate) struct RuleS {
    pub id: Id,
    pub protocol: Protocol,
    pub from: i32,
    pub to: i32,
    pub peer: PeerS,
}

#[derive(Debug)]
pub(crate) struct GroupS {
    pub id: Id,
    pub ingress: Vec<RuleS>,
    pub egress: Vec<RuleS>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OwnerS {
    User,
    Endpoint(u32),
    LoadBalancer(u32),
    Nat(u32),
    /// Owned by something that no longer exists.
    Orphan,
}

/// An interface's security groups: up to [`Groups::INLINE`] (AWS's default
/// quota is five per interface) inside the interface's own record, so that
/// reading them costs no extra cache miss; more on the heap.
#[derive(Debug)]
pub(crate) enum Groups {
    Inline(u8, [u32; Groups::INLINE]),
    Heap(Box<[u32]>),
}

impl Groups {
    pub const INLINE: usize = 5;

    fn new(groups: Vec<u32>) -> Groups {
        if groups.len() <= Groups::INLINE {
            let mut a = [0; Groups::INLINE];
            a[..groups.len()].copy_from_slice(&groups);
            Groups::Inline(groups.len() as u8, a)
        } else {
            Groups::Heap(groups.into_boxed_slice())
        }
    }
}

impl std::ops::Deref for Groups {
    type Target = [u32];
    fn deref(&self) -> &[u32] {
        match self {
            Groups::Inline(n, a) => &a[..*n as usize],
            Groups::Heap(b) => b,
        }
    }
}

impl<'a> IntoIterator for &'a Groups {
    type Item = &'a u32;
    type IntoIter = std::slice::Iter<'a, u32>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

#[derive(Debug)]
pub(crate) struct EniS {
    pub id: Id,
    pub account: Id,
    pub subnet: u32,
    /// The subnet's zone (ID), copied here: delivery reads it with the
    /// interface.
    pub zone: Id,
    pub ip: u32,
    pub groups: Groups,
    pub owner: OwnerS,
}

#[derive(Debug)]
pub(crate) struct NatS {
    pub id: Id,
    pub subnet: u32,
    pub ip: u32,
    pub public: bool,
    pub available: bool,
}

#[derive(Debug)]
pub(crate) struct PcxS {
    pub id: Id,
    pub requester: Option<u32>,
    pub accepter: Option<u32>,
    pub status: PeeringState,
}

#[derive(Debug)]
pub(crate) struct AttachmentS {
    pub id: Id,
    pub vpc: Option<u32>,
    pub subnets: Vec<u32>,
    pub available: bool,
}

#[derive(Debug)]
pub(crate) struct TgwRouteS {
    pub destination: Id,
    /// Index into the gateway's attachments; `None` drops.
    pub attachment: Option<u32>,
}

#[derive(Debug)]
pub(crate) struct TgwS {
    pub id: Id,
    pub available: bool,
    pub attachments: Vec<AttachmentS>,
    /// The first attachment of each VPC.
    pub attachment_of: HashMap<u32, u32, Fx>,
    pub routes: Vec<TgwRouteS>,
    pub lpm: Lpm,
}

#[derive(Debug)]
pub(crate) struct EndpointS {
    pub id: Id,
    pub vpc: Option<u32>,
    pub region: Id,
    pub kind: EndpointKind,
    pub service_name: Id,
    /// The endpoint service (customer services only).
    pub service: Option<u32>,
    /// Set for a customer service whose record is gone.
    pub service_missing: bool,
    pub service_region: Id,
    pub state: VpcEndpointState,
    /// `None`: everything allowed (no policy enforced).
    pub policy: Option<Result<CompiledPolicy, String>>,
    pub enis: Vec<u32>,
    /// The regional endpoint-specific name (CNAME target of a customer
    /// private DNS name).
    pub regional_name: Option<Id>,
    /// A gateway endpoint's prefix list.
    pub prefix_list: Option<u32>,
}

#[derive(Debug)]
pub(crate) struct ServiceS {
    pub id: Id,
    pub region: Id,
    pub available: bool,
    pub lbs: Vec<u32>,
    pub supported_regions: Vec<Id>,
}

#[derive(Debug)]
pub(crate) struct TargetS2 {
    pub id: Id,
    pub ip: u32,
    pub port: u16,
    pub zone: Id,
    pub healthy: bool,
}

#[derive(Debug)]
pub(crate) struct TargetGroupS {
    pub arn: Id,
    pub protocol: TargetProtocol,
    pub targets: Vec<TargetS2>,
}

#[derive(Debug)]
pub(crate) struct LbS {
    pub arn: Id,
    pub vpc: Option<u32>,
    pub cross_zone: bool,
    pub available: bool,
    /// `(zone, node interface)`.
    pub nodes: Vec<(Id, Option<u32>)>,
    pub target_groups: Vec<TargetGroupS>,
    pub listeners: Vec<ListenerS>,
}

#[derive(Debug)]
pub(crate) struct ListenerS {
    pub protocol: Option<TargetProtocol>,
    pub port: Option<u16>,
    pub target_group: Id,
}

#[derive(Debug)]
pub(crate) struct PrefixListS {
    pub cidrs: Vec<Ipv4Cidr>,
}

/// An immutable, indexed network; see the [module docs](super).
#[derive(Debug)]
pub struct Snapshot {
    pub(crate) vpcs: Vec<VpcS>,
    pub(crate) subnets: Vec<SubnetS>,
    pub(crate) tables: Vec<TableS>,
    pub(crate) groups: Vec<GroupS>,
    pub(crate) enis: Vec<EniS>,
    pub(crate) nats: Vec<NatS>,
    pub(crate) pcxs: Vec<PcxS>,
    pub(crate) tgws: Vec<TgwS>,
    pub(crate) endpoints: Vec<EndpointS>,
    pub(crate) services: Vec<ServiceS>,
    pub(crate) lbs: Vec<LbS>,
    pub(crate) prefix_lists: Vec<PrefixListS>,
    pub(crate) igw_ids: Vec<Id>,
    pub(crate) vpc_idx: IdMap,
    pub(crate) subnet_idx: IdMap,
    pub(crate) eni_idx: IdMap,
    pub(crate) eni_by_ip: HashMap<(u32, u32), u32, Fx>,
    /// `(service name, block)` of every AWS-managed prefix list, to name the
    /// AWS service behind a public address.
    pub(crate) aws_ranges: Lpm,
    pub(crate) aws_range_names: Vec<Id>,
    pub(crate) dns: DnsIndex,
}

/// One [`Id`] per distinct string (and per CIDR block's text) while a
/// snapshot is built: an index and the record it points to share their id,
/// and the names many records repeat (zones, route destinations and
/// targets, states, Regions, accounts) are stored once, so a walk touches
/// fewer cache lines and zone comparisons are pointer comparisons.
#[derive(Default)]
struct Interner {
    strs: RefCell<HashSet<Id, Fx>>,
    cidrs: RefCell<HashMap<Ipv4Cidr, Id, Fx>>,
}

impl Interner {
    fn id(&self, s: &str) -> Id {
        let mut strs = self.strs.borrow_mut();
        if let Some(x) = strs.get(s) {
            return x.clone();
        }
        let x = id(s);
        strs.insert(x.clone());
        x
    }

    fn cidr(&self, c: Ipv4Cidr) -> Id {
        if let Some(x) = self.cidrs.borrow().get(&c) {
            return x.clone();
        }
        let x = self.id(&c.to_string());
        self.cidrs.borrow_mut().insert(c, x.clone());
        x
    }
}

fn index<'a>(strs: &Interner, ids: impl Iterator<Item = &'a str>) -> IdMap {
    let mut m = IdMap::default();
    for (i, s) in ids.enumerate() {
        m.entry(strs.id(s)).or_insert(i as u32);
    }
    m
}

impl Snapshot {
    /// Indexes `net`. References to missing ids become dead targets (routes
    /// to them are blackholes); nothing fails.
    pub fn build(net: &Network) -> Snapshot {
        let strs = Interner::default();
        let id = |s: &str| strs.id(s);
        let vpc_idx = index(&strs, net.vpcs.iter().map(|v| v.id.as_str()));
        let table_idx = index(&strs, net.route_tables.iter().map(|t| t.id.as_str()));
        let group_idx = index(&strs, net.security_groups.iter().map(|g| g.id.as_str()));
        let eni_idx = index(&strs, net.interfaces.iter().map(|e| e.id.as_str()));
        let igw_idx = index(&strs, net.internet_gateways.iter().map(|g| g.id.as_str()));
        let nat_idx = index(&strs, net.nat_gateways.iter().map(|g| g.id.as_str()));
        let pcx_idx = index(&strs, net.peerings.iter().map(|p| p.id.as_str()));
        let tgw_idx = index(&strs, net.transit_gateways.iter().map(|t| t.id.as_str()));
        let ep_idx = index(&strs, net.endpoints.iter().map(|e| e.id.as_str()));
        let svc_idx = index(&strs, net.services.iter().map(|s| s.id.as_str()));
        let lb_idx = index(&strs, net.load_balancers.iter().map(|l| l.arn.as_str()));
        let pl_idx = index(&strs, net.prefix_lists.iter().map(|p| p.id.as_str()));
        let get = |m: &IdMap, k: &str| m.get(k).copied();
        // Subnets of unknown VPCs are left out of the index: nothing starts
        // or arrives there (their interfaces, NAT gateways and attachment
        // subnets dangle), so every subnet the walk enters has a VPC.
        let mut subnet_idx = IdMap::default();
        for (i, s) in net.subnets.iter().enumerate() {
            if vpc_idx.contains_key(s.vpc_id.as_str()) {
                subnet_idx.entry(id(&s.id)).or_insert(i as u32);
            }
        }

        let mut vpcs: Vec<VpcS> = net
            .vpcs
            .iter()
            .map(|v| VpcS {
                id: id(&v.id),
                account: id(&v.account_id),
                cidr: v.cidr,
                dns_support: v.dns_support,
                dns_hostnames: v.dns_hostnames,
                main_table: get(&table_idx, &v.main_route_table_id),
                gateway_endpoints: Vec::new(),
            })
            .collect();

        // Subnets of unknown VPCs are dropped from the index (nothing can
        // start there); keep the positions consistent by mapping to u32::MAX.
        let subnets: Vec<SubnetS> = net
            .subnets
            .iter()
            .map(|s| {
                let vpc = get(&vpc_idx, &s.vpc_id).unwrap_or(u32::MAX);
                let explicit = s.route_table_id.as_deref().and_then(|t| get(&table_idx, t));
                SubnetS {
                    id: id(&s.id),
                    vpc,
                    zone: id(&s.zone_id),
                    cidr: s.cidr,
                    table: explicit.or_else(|| vpcs.get(vpc as usize).and_then(|v| v.main_table)),
                }
            })
            .collect();

        let prefix_lists: Vec<PrefixListS> = net
            .prefix_lists
            .iter()
            .map(|p| PrefixListS {
                cidrs: p.cidrs.clone(),
            })
            .collect();

        let igw_vpc: Vec<Option<u32>> = net
            .internet_gateways
            .iter()
            .map(|g| g.vpc_id.as_deref().and_then(|v| get(&vpc_idx, v)))
            .collect();

        let nats: Vec<NatS> = net
            .nat_gateways
            .iter()
            .map(|n| NatS {
                id: id(&n.id),
                subnet: get(&subnet_idx, &n.subnet_id).unwrap_or(u32::MAX),
                ip: n.private_ip,
                public: n.public,
                available: n.available,
            })
            .collect();

        let pcxs: Vec<PcxS> = net
            .peerings
            .iter()
            .map(|p| PcxS {
                id: id(&p.id),
                requester: get(&vpc_idx, &p.requester_vpc_id),
                accepter: get(&vpc_idx, &p.accepter_vpc_id),
                status: p.status,
            })
            .collect();

        let tables: Vec<TableS> = net
            .route_tables
            .iter()
            .map(|t| {
                let vpc = get(&vpc_idx, &t.vpc_id);
                let mut entries = Vec::new();
                let mut b = LpmBuilder::new();
                for r in &t.routes {
                    let target = match &r.target {
                        RouteTarget::Local => TargetS::Local,
                        RouteTarget::InternetGateway(g) => {
                            TargetS::Igw(get(&igw_idx, g).filter(|&i| {
                                igw_vpc[i as usize].is_some() && igw_vpc[i as usize] == vpc
                            }))
                        }
                        RouteTarget::NatGateway(n) => TargetS::Nat(get(&nat_idx, n)),
                        RouteTarget::Peering(p) => TargetS::Pcx(get(&pcx_idx, p)),
                        RouteTarget::TransitGateway(g) => TargetS::Tgw(get(&tgw_idx, g)),
                        RouteTarget::NetworkInterface(e) => TargetS::Eni(get(&eni_idx, e)),
                        RouteTarget::VpcEndpoint(e) => TargetS::Endpoint(get(&ep_idx, e)),
                    };
                    let target_id = id(r.target.id());
                    match &r.destination {
                        RouteDest::Cidr(c) => {
                            b.insert(*c, RANK_STATIC, entries.len() as u32);
                            entries.push(RouteS {
                                destination: strs.cidr(*c),
                                target_id,
                                target,
                                block: None,
                            });
                        }
                        RouteDest::PrefixList(p) => {
                            let destination = id(p);
                            if let Some(pl) = get(&pl_idx, p) {
                                for c in &prefix_lists[pl as usize].cidrs {
                                    b.insert(*c, RANK_PREFIX_LIST, entries.len() as u32);
                                    entries.push(RouteS {
                                        destination: destination.clone(),
                                        target_id: target_id.clone(),
                                        target,
                                        block: p.starts_with("pl-").then(|| strs.cidr(*c)),
                                    });
                                }
                            }
                        }
                    }
                }
                TableS {
                    id: id(&t.id),
                    lpm: b.build(),
                    entries,
                }
            })
            .collect();

        let rule = |r: &model::SgRule| RuleS {
            id: id(&r.id),
            protocol: r.protocol,
            from: r.from_port,
            to: r.to_port,
            peer: match &r.peer {
                SgPeer::Cidr(c) => PeerS::Cidr(*c),
                SgPeer::PrefixList(p) => PeerS::PrefixList(get(&pl_idx, p)),
                SgPeer::Group(g) => PeerS::Group(get(&group_idx, g)),
            },
        };
        let groups: Vec<GroupS> = net
            .security_groups
            .iter()
            .map(|g| GroupS {
                id: id(&g.id),
                ingress: g.ingress.iter().map(rule).collect(),
                egress: g.egress.iter().map(rule).collect(),
            })
            .collect();

        let mut enis = Vec::with_capacity(net.interfaces.len());
        let mut eni_by_ip: HashMap<(u32, u32), u32, Fx> = HashMap::default();
        for e in &net.interfaces {
            let subnet = get(&subnet_idx, &e.subnet_id).unwrap_or(u32::MAX);
            let vpc = subnets.get(subnet as usize).map_or(u32::MAX, |s| s.vpc);
            let owner = match &e.owner {
                InterfaceOwner::User => OwnerS::User,
                InterfaceOwner::Endpoint(x) => {
                    get(&ep_idx, x).map_or(OwnerS::Orphan, OwnerS::Endpoint)
                }
                InterfaceOwner::LoadBalancer(x) => {
                    get(&lb_idx, x).map_or(OwnerS::Orphan, OwnerS::LoadBalancer)
                }
                InterfaceOwner::NatGateway(x) => {
                    get(&nat_idx, x).map_or(OwnerS::Orphan, OwnerS::Nat)
                }
            };
            if vpc != u32::MAX {
                eni_by_ip
                    .entry((vpc, e.private_ip))
                    .or_insert(enis.len() as u32);
            }
            enis.push(EniS {
                id: id(&e.id),
                account: id(&e.account_id),
                subnet,
                zone: subnets
                    .get(subnet as usize)
                    .map_or_else(|| id(""), |s| s.zone.clone()),
                ip: e.private_ip,
                groups: Groups::new(e.groups.iter().filter_map(|g| get(&group_idx, g)).collect()),
                owner,
            });
        }

        let tgws: Vec<TgwS> = net
            .transit_gateways
            .iter()
            .map(|t| {
                let attachments: Vec<AttachmentS> = t
                    .attachments
                    .iter()
                    .map(|a| AttachmentS {
                        id: id(&a.id),
                        vpc: get(&vpc_idx, &a.vpc_id),
                        subnets: a
                            .subnet_ids
                            .iter()
                            .filter_map(|s| get(&subnet_idx, s))
                            .collect(),
                        available: a.available,
                    })
                    .collect();
                let mut routes = Vec::new();
                let mut b = LpmBuilder::new();
                for r in &t.routes {
                    let attachment = if r.blackhole {
                        None
                    } else {
                        r.attachment_id
                            .as_deref()
                            .and_then(|a| attachments.iter().position(|x| &*x.id == a))
                            .map(|i| i as u32)
                    };
                    b.insert(r.cidr, RANK_STATIC, routes.len() as u32);
                    routes.push(TgwRouteS {
                        destination: strs.cidr(r.cidr),
                        attachment,
                    });
                }
                for (i, a) in t.attachments.iter().enumerate() {
                    let Some(v) = get(&vpc_idx, &a.vpc_id) else {
                        continue;
                    };
                    let cidr = vpcs[v as usize].cidr;
                    if t.routes.iter().any(|r| r.cidr == cidr) {
                        continue;
                    }
                    b.insert(cidr, RANK_PROPAGATED, routes.len() as u32);
                    routes.push(TgwRouteS {
                        destination: strs.cidr(cidr),
                        attachment: Some(i as u32),
                    });
                }
                let mut attachment_of: HashMap<u32, u32, Fx> = HashMap::default();
                for (i, a) in attachments.iter().enumerate() {
                    if let Some(v) = a.vpc {
                        attachment_of.entry(v).or_insert(i as u32);
                    }
                }
                TgwS {
                    id: id(&t.id),
                    available: t.available,
                    attachments,
                    attachment_of,
                    routes,
                    lpm: b.build(),
                }
            })
            .collect();

        let endpoints: Vec<EndpointS> = net
            .endpoints
            .iter()
            .map(|e| {
                let service = e.service_id.as_deref().and_then(|s| get(&svc_idx, s));
                let policy = if e.policy_enforced && e.service_id.is_none() {
                    Some(match &e.policy {
                        None => Ok(CompiledPolicy::allow_all()),
                        Some(doc) => CompiledPolicy::compile(doc).map_err(|err| err.to_string()),
                    })
                } else {
                    None
                };
                EndpointS {
                    id: id(&e.id),
                    vpc: get(&vpc_idx, &e.vpc_id),
                    region: id(&e.region),
                    kind: e.kind,
                    service_name: id(&e.service_name),
                    service,
                    service_missing: e.service_id.is_some() && service.is_none(),
                    service_region: id(&e.service_region),
                    state: e.state,
                    policy,
                    enis: e
                        .interfaces
                        .iter()
                        .filter_map(|(_, eni)| get(&eni_idx, eni))
                        .collect(),
                    regional_name: e
                        .dns_names
                        .iter()
                        .find(|(_, zone)| zone.is_none())
                        .map(|(n, _)| id(n)),
                    prefix_list: (e.kind == EndpointKind::Gateway)
                        .then_some(crate::catalog::AWS_SERVICE_NAME_PREFIX)
                        .and_then(|p| e.service_name.strip_prefix(p))
                        .and_then(|rest| rest.split_once('.'))
                        .and_then(|(region, svc)| {
                            crate::catalog::catalog().prefix_list_for(region, svc)
                        })
                        .and_then(|pl| get(&pl_idx, &pl.prefix_list_id)),
                }
            })
            .collect();

        for (i, e) in endpoints.iter().enumerate() {
            if e.kind == EndpointKind::Gateway
                && let Some(v) = e.vpc
            {
                vpcs[v as usize].gateway_endpoints.push(i as u32);
            }
        }

        let services: Vec<ServiceS> = net
            .services
            .iter()
            .map(|s| ServiceS {
                id: id(&s.id),
                region: id(&s.region),
                available: s.available,
                lbs: s
                    .load_balancer_arns
                    .iter()
                    .filter_map(|a| get(&lb_idx, a))
                    .collect(),
                supported_regions: s.supported_regions.iter().map(|r| id(r)).collect(),
            })
            .collect();

        let mut lbs: Vec<LbS> = net
            .load_balancers
            .iter()
            .map(|l| LbS {
                arn: id(&l.arn),
                vpc: get(&vpc_idx, &l.vpc_id),
                cross_zone: l.cross_zone,
                available: l.available,
                nodes: l
                    .nodes
                    .iter()
                    .map(|(z, eni)| (id(z), get(&eni_idx, eni)))
                    .collect(),
                target_groups: Vec::new(),
                listeners: l
                    .listeners
                    .iter()
                    .map(|li| ListenerS {
                        protocol: li.protocol,
                        port: li.port,
                        target_group: id(&li.target_group_arn),
                    })
                    .collect(),
            })
            .collect();
        for tg in &net.target_groups {
            let Some(lb) = tg
                .load_balancer_arn
                .as_deref()
                .and_then(|a| get(&lb_idx, a))
            else {
                continue;
            };
            lbs[lb as usize].target_groups.push(TargetGroupS {
                arn: id(&tg.arn),
                protocol: tg.protocol,
                targets: tg
                    .targets
                    .iter()
                    .map(|t| TargetS2 {
                        id: id(&t.id),
                        ip: t.ip,
                        port: t.port,
                        zone: id(&t.zone_id),
                        healthy: t.healthy,
                    })
                    .collect(),
            });
        }

        let mut aws = LpmBuilder::new();
        let mut aws_range_names = Vec::new();
        for pl in crate::catalog::catalog().prefix_lists(None) {
            let name = id(&pl.prefix_list_name);
            for c in pl.cidrs.iter().filter_map(|c| Ipv4Cidr::parse(c).ok()) {
                aws.insert(c, RANK_STATIC, aws_range_names.len() as u32);
                aws_range_names.push(name.clone());
            }
        }

        let dns = DnsIndex::build(net, &vpc_idx, &ep_idx);

        Snapshot {
            vpcs,
            subnets,
            tables,
            groups,
            enis,
            nats,
            pcxs,
            tgws,
            endpoints,
            services,
            lbs,
            prefix_lists,
            igw_ids: net.internet_gateways.iter().map(|g| id(&g.id)).collect(),
            vpc_idx,
            subnet_idx,
            eni_idx,
            eni_by_ip,
            aws_ranges: aws.build(),
            aws_range_names,
            dns,
        }
    }

    /// The account owning a query's source interface or subnet (for the
    /// API's tenancy check); `None` when the source does not exist.
    pub fn source_account(&self, source: &super::Source<'_>) -> Option<&str> {
        match source {
            super::Source::Interface(e) => self
                .eni_idx
                .get(*e)
                .map(|&i| &*self.enis[i as usize].account),
            super::Source::SubnetIp { subnet_id, .. } => {
                let s = self.subnet_idx.get(*subnet_id)?;
                let vpc = self.vpcs.get(self.subnets[*s as usize].vpc as usize)?;
                Some(&*vpc.account)
            }
        }
    }

    /// The account owning a VPC.
    pub fn vpc_account(&self, vpc_id: &str) -> Option<&str> {
        self.vpc_idx
            .get(vpc_id)
            .map(|&v| &*self.vpcs[v as usize].account)
    }

    /// Counts of what the snapshot holds: `(vpcs, subnets, interfaces, route
    /// blocks)`, for metrics and benchmarks.
    pub fn size(&self) -> (usize, usize, usize, usize) {
        (
            self.vpcs.len(),
            self.subnets.len(),
            self.enis.len(),
            self.tables.iter().map(|t| t.lpm.len()).sum(),
        )
    }

    /// Whether `ip` is in one of the prefix list's blocks.
    pub(crate) fn pl_contains(&self, pl: u32, ip: u32) -> bool {
        self.prefix_lists[pl as usize]
            .cidrs
            .iter()
            .any(|c| c.contains_addr(ip))
    }
}

// The snapshot is shared by every request thread.
const _: fn() = || {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Snapshot>();
};
