//! The network as the resolver reads it: plain data, owned, with string ids.
//!
//! The server fills a [`Network`] from its store; the synthetic generator
//! ([`super::synth`]) and the tests write one by hand. [`super::Snapshot::build`]
//! turns it into indexed, immutable form. Nothing here is validated beyond
//! what the resolver needs: references to ids that do not exist are treated
//! as deleted targets (a route to them is a blackhole).

pub use crate::lifecycle::{PeeringState, VpcEndpointState};
use crate::net::{Ipv4Cidr, Protocol};
use crate::privatelink::{LoadBalancerKind, TargetProtocol};

/// Everything the resolver knows, for all accounts and Regions.
#[derive(Debug, Clone, Default)]
pub struct Network {
    pub vpcs: Vec<Vpc>,
    pub subnets: Vec<Subnet>,
    pub route_tables: Vec<RouteTable>,
    pub security_groups: Vec<SecurityGroup>,
    pub interfaces: Vec<Interface>,
    pub internet_gateways: Vec<InternetGateway>,
    pub nat_gateways: Vec<NatGateway>,
    pub peerings: Vec<Peering>,
    pub transit_gateways: Vec<TransitGateway>,
    pub endpoints: Vec<Endpoint>,
    pub services: Vec<EndpointService>,
    pub load_balancers: Vec<LoadBalancer>,
    pub target_groups: Vec<TargetGroup>,
    /// Prefix lists routes and security group rules may name. AWS-managed
    /// lists come from the catalog ([`super::catalog_prefix_lists`]).
    pub prefix_lists: Vec<PrefixList>,
}

#[derive(Debug, Clone)]
pub struct Vpc {
    pub id: String,
    pub account_id: String,
    pub region: String,
    pub cidr: Ipv4Cidr,
    pub dns_support: bool,
    pub dns_hostnames: bool,
    pub main_route_table_id: String,
}

#[derive(Debug, Clone)]
pub struct Subnet {
    pub id: String,
    pub vpc_id: String,
    /// The physical zone (`use1-az1`): the same in every account.
    pub zone_id: String,
    pub cidr: Ipv4Cidr,
    /// The explicitly associated route table; `None` uses the VPC's main one.
    pub route_table_id: Option<String>,
}

#[derive(Debug, Clone)]
pub struct RouteTable {
    pub id: String,
    pub vpc_id: String,
    pub routes: Vec<Route>,
}

/// Where a route sends traffic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RouteTarget {
    Local,
    InternetGateway(String),
    NatGateway(String),
    Peering(String),
    TransitGateway(String),
    NetworkInterface(String),
    /// A gateway endpoint (the routes it adds itself) or a Gateway Load
    /// Balancer endpoint (a route a user adds).
    VpcEndpoint(String),
}

impl RouteTarget {
    /// The target's id as AWS shows it (`local` for the local route).
    pub fn id(&self) -> &str {
        match self {
            RouteTarget::Local => "local",
            RouteTarget::InternetGateway(id)
            | RouteTarget::NatGateway(id)
            | RouteTarget::Peering(id)
            | RouteTarget::TransitGateway(id)
            | RouteTarget::NetworkInterface(id)
            | RouteTarget::VpcEndpoint(id) => id,
        }
    }
}

/// A route's destination: a CIDR block or a prefix list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RouteDest {
    Cidr(Ipv4Cidr),
    PrefixList(String),
}

#[derive(Debug, Clone)]
pub struct Route {
    pub destination: RouteDest,
    pub target: RouteTarget,
}

#[derive(Debug, Clone)]
pub struct PrefixList {
    pub id: String,
    pub cidrs: Vec<Ipv4Cidr>,
}

#[derive(Debug, Clone)]
pub struct SecurityGroup {
    pub id: String,
    pub vpc_id: String,
    pub ingress: Vec<SgRule>,
    pub egress: Vec<SgRule>,
}

/// The other side a security group rule admits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SgPeer {
    Cidr(Ipv4Cidr),
    PrefixList(String),
    /// Members of this group (their primary private addresses).
    Group(String),
}

#[derive(Debug, Clone)]
pub struct SgRule {
    pub id: String,
    pub protocol: Protocol,
    /// Normalised as [`crate::net::rule_ports`] answers.
    pub from_port: i32,
    pub to_port: i32,
    pub peer: SgPeer,
}

/// What a network interface belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InterfaceOwner {
    /// An instance or a user's interface.
    User,
    /// An interface or Gateway Load Balancer endpoint (`vpce-...`).
    Endpoint(String),
    /// A load balancer node (the load balancer's ARN).
    LoadBalancer(String),
    /// A NAT gateway (`nat-...`).
    NatGateway(String),
}

#[derive(Debug, Clone)]
pub struct Interface {
    pub id: String,
    pub account_id: String,
    pub subnet_id: String,
    pub private_ip: u32,
    /// Security groups, in order. Endpoint interfaces carry their endpoint's.
    pub groups: Vec<String>,
    pub owner: InterfaceOwner,
}

#[derive(Debug, Clone)]
pub struct InternetGateway {
    pub id: String,
    /// The attached VPC; a detached gateway routes nothing.
    pub vpc_id: Option<String>,
}

#[derive(Debug, Clone)]
pub struct NatGateway {
    pub id: String,
    pub subnet_id: String,
    pub private_ip: u32,
    /// A public NAT gateway translates to a public address for the internet.
    pub public: bool,
    pub available: bool,
}

#[derive(Debug, Clone)]
pub struct Peering {
    pub id: String,
    pub requester_vpc_id: String,
    pub accepter_vpc_id: String,
    /// Only an `active` peering carries traffic.
    pub status: PeeringState,
}

#[derive(Debug, Clone)]
pub struct TransitGateway {
    pub id: String,
    pub available: bool,
    pub attachments: Vec<TgwAttachment>,
    /// Static and blackhole routes; each attachment's VPC CIDR propagates
    /// unless a static route has the same CIDR.
    pub routes: Vec<TgwRoute>,
}

#[derive(Debug, Clone)]
pub struct TgwAttachment {
    pub id: String,
    pub vpc_id: String,
    /// One subnet per zone.
    pub subnet_ids: Vec<String>,
    pub available: bool,
}

#[derive(Debug, Clone)]
pub struct TgwRoute {
    pub cidr: Ipv4Cidr,
    /// `None` (or `blackhole`) drops the traffic.
    pub attachment_id: Option<String>,
    pub blackhole: bool,
}

/// The three kinds of VPC endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndpointKind {
    Interface,
    Gateway,
    GatewayLoadBalancer,
}

#[derive(Debug, Clone)]
pub struct Endpoint {
    pub id: String,
    pub account_id: String,
    pub vpc_id: String,
    pub region: String,
    pub kind: EndpointKind,
    /// `com.amazonaws.<region>.<code>` or `com.amazonaws.vpce.<region>.vpce-svc-...`.
    pub service_name: String,
    /// The endpoint service id for customer services; `None` for AWS services.
    pub service_id: Option<String>,
    pub service_region: String,
    /// The connection state; only `available` carries traffic.
    pub state: VpcEndpointState,
    /// The policy document; `None` is the default full-access policy.
    pub policy: Option<String>,
    /// Whether the service evaluates endpoint policies (AWS services that
    /// support them); customer services always allow everything.
    pub policy_enforced: bool,
    pub private_dns_enabled: bool,
    /// `(subnet, interface)` per zone, for interface and GWLB endpoints.
    pub interfaces: Vec<(String, String)>,
    /// Endpoint-specific names: the regional one (`None`) and the zonal ones
    /// (`Some(zone_id)`), as [`crate::endpoint::dns_entries`] makes them
    /// (S3 names start with `*.`).
    pub dns_names: Vec<(String, Option<String>)>,
    /// Private DNS names the endpoint answers in its VPC (only when private
    /// DNS is on; wildcards start with `*.`).
    pub private_dns_names: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct EndpointService {
    pub id: String,
    pub account_id: String,
    pub region: String,
    pub available: bool,
    /// Load balancers, in order.
    pub load_balancer_arns: Vec<String>,
    /// Regions whose consumers may connect (the service's own is implied).
    pub supported_regions: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct LoadBalancer {
    pub arn: String,
    pub kind: LoadBalancerKind,
    pub vpc_id: String,
    pub cross_zone: bool,
    pub available: bool,
    /// `(zone_id, node interface)` per zone.
    pub nodes: Vec<(String, String)>,
    /// Its listeners. None: every target group attached to it takes
    /// traffic (a group attached over REST with its `load_balancer_arn`).
    pub listeners: Vec<Listener>,
}

/// A listener: its protocol and port (both `None` on a gateway load
/// balancer) and the target group it forwards to.
#[derive(Debug, Clone)]
pub struct Listener {
    pub protocol: Option<TargetProtocol>,
    pub port: Option<u16>,
    pub target_group_arn: String,
}

#[derive(Debug, Clone)]
pub struct TargetGroup {
    pub arn: String,
    pub load_balancer_arn: Option<String>,
    pub protocol: TargetProtocol,
    pub port: u16,
    pub targets: Vec<Target>,
}

#[derive(Debug, Clone)]
pub struct Target {
    pub id: String,
    pub ip: u32,
    pub port: u16,
    pub zone_id: String,
    pub healthy: bool,
}
