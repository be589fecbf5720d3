//! A seeded synthetic network and query mix, for benchmarks and property
//! tests. Deterministic: the same [`Params`] always give the same network.
//!
//! Shape, per VPC `i` (of `vpcs`), alternating between us-east-1 and
//! eu-west-1 and across ten accounts:
//! - a /20 CIDR (unique for the first 4,096 VPCs, then reused by VPCs that
//!   are never connected to each other), `subnets_per_vpc` /24 subnets over
//!   three zones, `interfaces_per_subnet` interfaces in each;
//! - three route tables: public (main: local, `0.0.0.0/0` to the internet
//!   gateway, the S3 prefix list to a gateway endpoint), private (`0/0` to a
//!   NAT gateway, S3, the peer VPC over peering, `10.0.0.0/8` to the
//!   Region's transit gateway when attached) and isolated, each with
//!   `routes_per_table` more routes to /24s of 172.16.0.0/12 (middlebox
//!   interfaces, or a deleted NAT gateway: blackholes);
//! - three security groups (default: all from itself; web: tcp 443 from
//!   10/8; locked: no inbound, outbound only tcp 443 to the S3 prefix list);
//! - VPC pairs `(2k, 2k+1)` peered across the two Regions (one in twenty
//!   pending acceptance); every fourth VPC attached to its Region's transit
//!   gateway;
//! - every tenth VPC a provider: a network load balancer in three zones
//!   (cross-zone on for every other one), two targets per zone (one in
//!   seven unhealthy), an endpoint service; the other VPCs connect to the
//!   nearest provider through an interface endpoint (one in thirteen
//!   pending acceptance; private DNS on for even VPCs), every third also to
//!   SQS with private DNS and a policy with an explicit deny;
//! - four VPCs in five have an S3 gateway endpoint with a policy.
//!
//! The query mix ([`Generated::queries`]) is about half reachable: intra-VPC,
//! peered and transit addresses, endpoint names, S3 and SQS names, and
//! negative cases (security groups, blackholes, UDP to an endpoint,
//! policy denials, unknown names).

#![allow(clippy::needless_range_loop)]

use super::model::*;
use super::{Destination, PolicyRequest, Query, Source};
use crate::net::{Ipv4Cidr, Protocol};
use crate::privatelink::{LoadBalancerKind, TargetProtocol};

/// Size and seed of a synthetic network.
#[derive(Debug, Clone, Copy)]
pub struct Params {
    pub seed: u64,
    /// N: VPCs.
    pub vpcs: usize,
    /// M: subnets per VPC (at least 3, at most 16).
    pub subnets_per_vpc: usize,
    /// K: extra routes per route table.
    pub routes_per_table: usize,
    pub interfaces_per_subnet: usize,
    /// Queries to generate.
    pub queries: usize,
}

impl Params {
    /// N VPCs with the defaults used by the benchmarks: 6 subnets, 20 extra
    /// routes per table, 4 interfaces per subnet, 10,000 queries.
    pub fn with_vpcs(vpcs: usize) -> Params {
        Params {
            seed: 7,
            vpcs,
            subnets_per_vpc: 6,
            routes_per_table: 20,
            interfaces_per_subnet: 4,
            queries: 10_000,
        }
    }
}

/// A query with owned strings.
#[derive(Debug, Clone)]
pub struct OwnedQuery {
    /// What the generator meant to exercise (`intra_vpc`, `peered`, ...).
    pub kind: &'static str,
    pub source_interface: String,
    pub host: Option<String>,
    pub ip: u32,
    pub port: u16,
    pub protocol: Protocol,
    /// `(principal, action, resource)`.
    pub request: Option<(String, String, String)>,
}

impl OwnedQuery {
    pub fn as_query(&self) -> Query<'_> {
        Query {
            source: Source::Interface(&self.source_interface),
            destination: match &self.host {
                Some(h) => Destination::Host(h),
                None => Destination::Ip(self.ip),
            },
            port: self.port,
            protocol: self.protocol,
            request: self.request.as_ref().map(|(p, a, r)| PolicyRequest {
                principal_arn: p,
                action: a,
                resource: r,
                context: &[],
            }),
        }
    }
}

/// A network and queries over it.
#[derive(Debug, Clone)]
pub struct Generated {
    pub network: Network,
    pub queries: Vec<OwnedQuery>,
}

/// xorshift64*: small, fast, deterministic.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }
}

const REGIONS: [&str; 2] = ["us-east-1", "eu-west-1"];
const ZONES: [[&str; 3]; 2] = [
    ["use1-az1", "use1-az2", "use1-az4"],
    ["euw1-az1", "euw1-az2", "euw1-az3"],
];

#[expect(
    clippy::expect_used,
    reason = "the generator only makes aligned blocks"
)]
fn cidr(net: u32, len: u8) -> Ipv4Cidr {
    Ipv4Cidr::new(net, len).expect("generated blocks are aligned")
}

fn vpc_base(i: usize) -> u32 {
    let k = (i % 4096) as u32;
    0x0a00_0000 | (k << 12)
}

fn subnet_base(i: usize, s: usize) -> u32 {
    vpc_base(i) | ((s as u32) << 8)
}

fn iface_ip(i: usize, s: usize, e: usize) -> u32 {
    subnet_base(i, s) + 10 + e as u32
}

fn region_of(i: usize) -> usize {
    i % 2
}

fn account(i: usize) -> String {
    format!("{:012}", 111_122_220_000u64 + (i % 10) as u64)
}

fn is_provider(i: usize) -> bool {
    i % 10 == 9
}

/// The provider VPC a consumer VPC connects to, if any.
fn provider_for(i: usize, n: usize) -> Option<usize> {
    let p = i - i % 10 + 9;
    if p < n {
        Some(p)
    } else if n > 9 {
        Some(9)
    } else {
        None
    }
}

fn s3_pl(region: &str) -> Option<String> {
    crate::catalog::catalog()
        .prefix_list_for(region, "s3")
        .map(|p| p.prefix_list_id.clone())
}

fn eni_id(i: usize, s: usize, e: usize) -> String {
    format!("eni-{i:09x}{s:02x}{e:06x}")
}

/// Builds the network and the queries.
/// Where an interface endpoint of VPC `i` (in region `r`) puts its
/// interfaces: one in each of the first `zones` subnets, at offset `ip` of
/// the subnet, with ids tagged `tag`.
struct EndpointSpot {
    i: usize,
    r: usize,
    zones: usize,
    ip: u32,
    tag: &'static str,
}

/// A DNS name of an endpoint and the zone it is for (`None`: regional).
type DnsName = (String, Option<String>);

/// Adds an interface endpoint's interfaces to `net`; gives its
/// `(subnet, interface)` pairs and its DNS names, the regional
/// `{ep}-{first label of name}.{rest}` then one zonal name per interface.
fn endpoint_interfaces(
    net: &mut Network,
    at: EndpointSpot,
    ep: &str,
    name: &str,
) -> (Vec<(String, String)>, Vec<DnsName>) {
    let EndpointSpot {
        i,
        r,
        zones,
        ip,
        tag,
    } = at;
    let (token, domain) = name.split_once('.').unwrap_or((name, ""));
    let mut interfaces = Vec::new();
    let mut dns_names = vec![(format!("{ep}-{token}.{domain}"), None)];
    for s in 0..zones {
        let eni = format!("eni-{i:015x}{tag}{s}");
        let subnet = format!("subnet-{i:015x}{s:02x}");
        net.interfaces.push(Interface {
            id: eni.clone(),
            account_id: account(i),
            subnet_id: subnet.clone(),
            private_ip: subnet_base(i, s) + ip,
            groups: vec![format!("sg-{i:015x}01")],
            owner: InterfaceOwner::Endpoint(ep.to_string()),
        });
        interfaces.push((subnet, eni));
        let zone = ZONES[r][s];
        dns_names.push((
            format!("{ep}-{token}-{zone}.{domain}"),
            Some(zone.to_string()),
        ));
    }
    (interfaces, dns_names)
}

pub fn generate(p: &Params) -> Generated {
    let n = p.vpcs;
    let m = p.subnets_per_vpc.clamp(3, 16);
    let mut rng = Rng::new(p.seed);
    let mut net = Network {
        prefix_lists: super::catalog_prefix_lists(),
        ..Network::default()
    };
    let tgw_ids: Vec<String> = REGIONS.iter().map(|r| format!("tgw-{r}")).collect();
    let mut tgws: Vec<TransitGateway> = tgw_ids
        .iter()
        .map(|id| TransitGateway {
            id: id.clone(),
            available: true,
            attachments: Vec::new(),
            routes: vec![TgwRoute {
                cidr: cidr(0x0aff_0000, 16),
                attachment_id: None,
                blackhole: true,
            }],
        })
        .collect();
    for i in 0..n {
        let r = region_of(i);
        let region = REGIONS[r];
        let vpc_id = format!("vpc-{i:017x}");
        let pl = s3_pl(region);
        let has_gw = i % 5 != 0;
        let attached = i % 4 == 0;
        let peer = i ^ 1;
        let pcx_id = format!("pcx-{:017x}", i.min(peer));
        let tables: Vec<String> = (0..3).map(|t| format!("rtb-{i:015x}{t:02x}")).collect();
        net.vpcs.push(Vpc {
            id: vpc_id.clone(),
            account_id: account(i),
            region: region.to_string(),
            cidr: cidr(vpc_base(i), 20),
            dns_support: i % 23 != 0,
            dns_hostnames: true,
            main_route_table_id: tables[0].clone(),
        });
        for s in 0..m {
            net.subnets.push(Subnet {
                id: format!("subnet-{i:015x}{s:02x}"),
                vpc_id: vpc_id.clone(),
                zone_id: ZONES[r][s % 3].to_string(),
                cidr: cidr(subnet_base(i, s), 24),
                route_table_id: (s % 3 != 0).then(|| tables[s % 3].clone()),
            });
        }
        let gw_id = format!("vpce-{i:015x}01");
        let igw = format!("igw-{i:017x}");
        let nat = format!("nat-{i:017x}");
        for (t, table) in tables.iter().enumerate() {
            let mut routes = vec![Route {
                destination: RouteDest::Cidr(cidr(vpc_base(i), 20)),
                target: RouteTarget::Local,
            }];
            if t == 0 {
                routes.push(Route {
                    destination: RouteDest::Cidr(cidr(0, 0)),
                    target: RouteTarget::InternetGateway(igw.clone()),
                });
            }
            if t == 1 {
                routes.push(Route {
                    destination: RouteDest::Cidr(cidr(0, 0)),
                    target: RouteTarget::NatGateway(nat.clone()),
                });
                if peer < n {
                    routes.push(Route {
                        destination: RouteDest::Cidr(cidr(vpc_base(peer), 20)),
                        target: RouteTarget::Peering(pcx_id.clone()),
                    });
                }
                if attached {
                    routes.push(Route {
                        destination: RouteDest::Cidr(cidr(0x0a00_0000, 8)),
                        target: RouteTarget::TransitGateway(tgw_ids[r].clone()),
                    });
                }
            }
            if t < 2
                && has_gw
                && let Some(pl) = &pl
            {
                routes.push(Route {
                    destination: RouteDest::PrefixList(pl.clone()),
                    target: RouteTarget::VpcEndpoint(gw_id.clone()),
                });
            }
            for k in 0..p.routes_per_table {
                let block = 0xac10_0000 | (((k as u32) % 4096) << 8);
                let target = if k % 5 == 4 {
                    RouteTarget::NatGateway("nat-deleted".to_string())
                } else {
                    RouteTarget::NetworkInterface(eni_id(
                        i,
                        2 % m,
                        k % p.interfaces_per_subnet.max(1),
                    ))
                };
                routes.push(Route {
                    destination: RouteDest::Cidr(cidr(block, 24)),
                    target,
                });
            }
            net.route_tables.push(RouteTable {
                id: table.clone(),
                vpc_id: vpc_id.clone(),
                routes,
            });
        }
        let sg = |name: &str| format!("sg-{i:015x}{name}");
        let all = |id: String, peer: SgPeer| SgRule {
            id,
            protocol: Protocol::All,
            from_port: -1,
            to_port: -1,
            peer,
        };
        net.security_groups.push(SecurityGroup {
            id: sg("00"),
            vpc_id: vpc_id.clone(),
            ingress: vec![all(format!("sgr-{i:015x}00"), SgPeer::Group(sg("00")))],
            egress: vec![all(format!("sgr-{i:015x}01"), SgPeer::Cidr(cidr(0, 0)))],
        });
        net.security_groups.push(SecurityGroup {
            id: sg("01"),
            vpc_id: vpc_id.clone(),
            ingress: vec![SgRule {
                id: format!("sgr-{i:015x}02"),
                protocol: Protocol::Tcp,
                from_port: 443,
                to_port: 443,
                peer: SgPeer::Cidr(cidr(0x0a00_0000, 8)),
            }],
            egress: vec![all(format!("sgr-{i:015x}03"), SgPeer::Cidr(cidr(0, 0)))],
        });
        net.security_groups.push(SecurityGroup {
            id: sg("02"),
            vpc_id: vpc_id.clone(),
            ingress: vec![],
            egress: pl
                .iter()
                .map(|pl| SgRule {
                    id: format!("sgr-{i:015x}04"),
                    protocol: Protocol::Tcp,
                    from_port: 443,
                    to_port: 443,
                    peer: SgPeer::PrefixList(pl.clone()),
                })
                .collect(),
        });
        for s in 0..m {
            for e in 0..p.interfaces_per_subnet {
                net.interfaces.push(Interface {
                    id: eni_id(i, s, e),
                    account_id: account(i),
                    subnet_id: format!("subnet-{i:015x}{s:02x}"),
                    private_ip: iface_ip(i, s, e),
                    groups: vec![sg(&format!("{:02}", e % 3))],
                    owner: InterfaceOwner::User,
                });
            }
        }
        net.internet_gateways.push(InternetGateway {
            id: igw,
            vpc_id: Some(vpc_id.clone()),
        });
        net.interfaces.push(Interface {
            id: format!("eni-{i:015x}nat"),
            account_id: account(i),
            subnet_id: format!("subnet-{i:015x}00"),
            private_ip: subnet_base(i, 0) + 5,
            groups: vec![],
            owner: InterfaceOwner::NatGateway(nat.clone()),
        });
        net.nat_gateways.push(NatGateway {
            id: nat,
            subnet_id: format!("subnet-{i:015x}00"),
            private_ip: subnet_base(i, 0) + 5,
            public: true,
            available: true,
        });
        if peer < n && i < peer {
            net.peerings.push(Peering {
                id: pcx_id,
                requester_vpc_id: vpc_id.clone(),
                accepter_vpc_id: format!("vpc-{peer:017x}"),
                status: if i % 20 == 0 {
                    PeeringState::PendingAcceptance
                } else {
                    PeeringState::Active
                },
            });
        }
        if attached {
            tgws[r].attachments.push(TgwAttachment {
                id: format!("tgw-attach-{i:017x}"),
                vpc_id: vpc_id.clone(),
                subnet_ids: vec![format!("subnet-{i:015x}01")],
                available: true,
            });
        }
        if has_gw {
            net.endpoints.push(Endpoint {
                id: gw_id,
                account_id: account(i),
                vpc_id: vpc_id.clone(),
                region: region.to_string(),
                kind: EndpointKind::Gateway,
                service_name: format!("com.amazonaws.{region}.s3"),
                service_id: None,
                service_region: region.to_string(),
                state: VpcEndpointState::Available,
                policy: Some(format!(
                    r#"{{"Statement":[{{"Sid":"ReadOnly","Effect":"Allow","Principal":"*","Action":["s3:Get*","s3:List*"],"Resource":"*"}},{{"Sid":"NoSecrets","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::secret-{i}/*"}}]}}"#
                )),
                policy_enforced: true,
                private_dns_enabled: false,
                interfaces: vec![],
                dns_names: vec![],
                private_dns_names: vec![],
            });
        }
        if is_provider(i) {
            let lb = format!(
                "arn:aws:elasticloadbalancing:{region}:{}:loadbalancer/net/svc{i}/{i:016x}",
                account(i)
            );
            let mut nodes = Vec::new();
            for s in 0..3 {
                let node = format!("eni-{i:015x}lb{s}");
                net.interfaces.push(Interface {
                    id: node.clone(),
                    account_id: account(i),
                    subnet_id: format!("subnet-{i:015x}{s:02x}"),
                    private_ip: subnet_base(i, s) + 100,
                    groups: vec![],
                    owner: InterfaceOwner::LoadBalancer(lb.clone()),
                });
                nodes.push((ZONES[r][s].to_string(), node));
            }
            net.load_balancers.push(LoadBalancer {
                arn: lb.clone(),
                kind: LoadBalancerKind::Network,
                vpc_id: vpc_id.clone(),
                cross_zone: i % 20 == 19,
                available: true,
                nodes,
                listeners: Vec::new(),
            });
            let mut targets = Vec::new();
            for s in 0..3 {
                for e in 0..2.min(p.interfaces_per_subnet) {
                    targets.push(Target {
                        id: crate::net::format_ipv4(iface_ip(i, s, e)),
                        ip: iface_ip(i, s, e),
                        port: 443,
                        zone_id: ZONES[r][s].to_string(),
                        healthy: (i + s + e) % 7 != 0,
                    });
                }
            }
            net.target_groups.push(TargetGroup {
                arn: format!(
                    "arn:aws:elasticloadbalancing:{region}:{}:targetgroup/tg{i}/{i:016x}",
                    account(i)
                ),
                load_balancer_arn: Some(lb.clone()),
                protocol: TargetProtocol::Tcp,
                port: 443,
                targets,
            });
            net.services.push(EndpointService {
                id: format!("vpce-svc-{i:017x}"),
                account_id: account(i),
                region: region.to_string(),
                available: true,
                load_balancer_arns: vec![lb],
                supported_regions: if i % 20 == 9 {
                    vec![REGIONS[1 - r].to_string()]
                } else {
                    vec![]
                },
            });
        } else if let Some(pv) = provider_for(i, n) {
            let svc = format!("vpce-svc-{pv:017x}");
            let svc_region = REGIONS[region_of(pv)];
            let ep = format!("vpce-{i:015x}02");
            let (interfaces, dns_names) = endpoint_interfaces(
                &mut net,
                EndpointSpot {
                    i,
                    r,
                    zones: 3,
                    ip: 200,
                    tag: "ep",
                },
                &ep,
                &format!("abcdefgh.{svc}.{svc_region}.vpce.amazonaws.com"),
            );
            net.endpoints.push(Endpoint {
                id: ep,
                account_id: account(i),
                vpc_id: vpc_id.clone(),
                region: region.to_string(),
                kind: EndpointKind::Interface,
                service_name: format!("com.amazonaws.vpce.{svc_region}.{svc}"),
                service_id: Some(svc),
                service_region: svc_region.to_string(),
                state: if i % 13 == 0 {
                    VpcEndpointState::PendingAcceptance
                } else {
                    VpcEndpointState::Available
                },
                policy: None,
                policy_enforced: false,
                private_dns_enabled: i % 2 == 0,
                interfaces,
                dns_names,
                private_dns_names: vec![format!("api.svc{pv}.example.com")],
            });
            if i % 3 == 0 {
                let ep = format!("vpce-{i:015x}03");
                let (interfaces, dns_names) = endpoint_interfaces(
                    &mut net,
                    EndpointSpot {
                        i,
                        r,
                        zones: 2,
                        ip: 210,
                        tag: "sq",
                    },
                    &ep,
                    &format!("hgfedcba.sqs.{region}.vpce.amazonaws.com"),
                );
                net.endpoints.push(Endpoint {
                    id: ep,
                    account_id: account(i),
                    vpc_id: vpc_id.clone(),
                    region: region.to_string(),
                    kind: EndpointKind::Interface,
                    service_name: format!("com.amazonaws.{region}.sqs"),
                    service_id: None,
                    service_region: region.to_string(),
                    state: VpcEndpointState::Available,
                    policy: Some(format!(
                        r#"{{"Statement":[{{"Effect":"Allow","Principal":"*","Action":"sqs:*","Resource":"*","Condition":{{"StringEquals":{{"aws:PrincipalAccount":"{}"}}}}}},{{"Sid":"KeepQueues","Effect":"Deny","Principal":"*","Action":"sqs:DeleteQueue","Resource":"*"}}]}}"#,
                        account(i)
                    )),
                    policy_enforced: true,
                    private_dns_enabled: true,
                    interfaces,
                    dns_names,
                    private_dns_names: vec![format!("sqs.{region}.amazonaws.com")],
                });
            }
        }
    }
    net.transit_gateways = tgws;

    let mut queries = Vec::with_capacity(p.queries);
    while queries.len() < p.queries && n > 0 {
        let i = rng.below(n);
        if is_provider(i) && n > 1 {
            continue;
        }
        let r = region_of(i);
        let region = REGIONS[r];
        let s = rng.below(m);
        let e = rng.below(p.interfaces_per_subnet.max(1));
        let pick = rng.below(100);
        let src = eni_id(i, s, e);
        let principal = format!("arn:aws:iam::{}:role/app", account(i));
        let mut q = OwnedQuery {
            kind: "intra_vpc",
            source_interface: src,
            host: None,
            ip: 0,
            port: 443,
            protocol: Protocol::Tcp,
            request: None,
        };
        let other = |rng: &mut Rng, v: usize| {
            iface_ip(v, rng.below(m), rng.below(p.interfaces_per_subnet.max(1)))
        };
        match pick {
            0..25 => q.ip = other(&mut rng, i),
            25..35 => {
                q.kind = "peered";
                q.ip = other(&mut rng, (i ^ 1).min(n - 1));
            }
            35..45 => {
                q.kind = "transit";
                let j = (rng.below(n.div_ceil(4)) * 4).min(n - 1);
                q.ip = other(&mut rng, j);
            }
            45..55 => {
                q.kind = "endpoint_name";
                q.host = Some(match provider_for(i, n) {
                    Some(pv) if i.is_multiple_of(2) => format!("api.svc{pv}.example.com"),
                    Some(pv) => format!(
                        "vpce-{i:015x}02-abcdefgh.vpce-svc-{pv:017x}.{}.vpce.amazonaws.com",
                        REGIONS[region_of(pv)]
                    ),
                    None => "nothing.example.com".to_string(),
                });
            }
            55..65 => {
                q.kind = "s3";
                q.host = Some(format!(
                    "bucket{}.s3.{region}.amazonaws.com",
                    rng.below(1000)
                ));
                q.request = Some((
                    principal,
                    "s3:GetObject".to_string(),
                    format!("arn:aws:s3:::bucket{}/key", rng.below(1000)),
                ));
            }
            65..73 => {
                q.kind = "security_group";
                q.port = 22;
                q.ip = other(&mut rng, i);
            }
            73..78 => {
                q.kind = "blackhole";
                q.ip = 0xac10_0000 | ((rng.below(p.routes_per_table.max(1)) as u32) << 8) | 9;
            }
            78..81 => {
                q.kind = "udp_endpoint";
                q.protocol = Protocol::Udp;
                q.ip = subnet_base(i, s % 3) + 200;
            }
            81..85 => {
                q.kind = "policy_deny";
                q.host = Some(format!("sqs.{region}.amazonaws.com"));
                q.request = Some((
                    principal,
                    "sqs:DeleteQueue".to_string(),
                    format!("arn:aws:sqs:{region}:{}:q", account(i)),
                ));
            }
            85..90 => {
                q.kind = "internet";
                q.ip = 0x0808_0808;
            }
            90..95 => {
                q.kind = "unknown_name";
                q.host = Some(format!("nope{}.example.com", rng.below(100)));
            }
            _ => {
                q.kind = "sqs";
                q.host = Some(format!("sqs.{region}.amazonaws.com"));
                q.request = Some((
                    principal,
                    "sqs:SendMessage".to_string(),
                    format!("arn:aws:sqs:{region}:{}:q", account(i)),
                ));
            }
        }
        queries.push(q);
    }
    Generated {
        network: net,
        queries,
    }
}
