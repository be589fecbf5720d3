//! Route resolution: where does traffic from an interface to a name or an
//! address go, and why is it blocked when it is?
//!
//! [`Snapshot::build`] indexes a [`model::Network`] once; [`Snapshot::resolve`]
//! then answers queries without allocating beyond the answer itself and
//! without locks, so one snapshot serves every thread (`Send + Sync`).
//!
//! The walk, in order (each step records a [`Hop`] naming the route or rule
//! that admitted the packet):
//!
//! 1. **DNS** (for a host name) as the source VPC's resolver answers it:
//!    private DNS names of this VPC's interface endpoints, endpoint-specific
//!    regional and zonal names, public AWS service names, else
//!    `DNS_NAME_NOT_FOUND` ([`dns`]).
//! 2. **Egress** through the source interface's security groups.
//! 3. **Routing** from the source subnet's route table (explicit
//!    association, else the main table) by longest prefix match
//!    ([`lpm`]), through NAT gateways, peering (the destination must be in
//!    the peer VPC), transit gateways (their route table, then the
//!    attachment VPC's subnet route table), gateway endpoints (never through
//!    peering or a transit gateway), Gateway Load Balancer endpoints.
//! 4. **Delivery** to the interface owning the address, with its ingress
//!    rules; an interface endpoint continues over PrivateLink: connection
//!    state, endpoint policy, the service's load balancer in the endpoint's
//!    zone (by zone ID) and a target chosen by a stable flow hash.
//!
//! Every blocking reason found is reported, not only the first: where a
//! block does not leave the path undefined (a security group, a peering or
//! endpoint that is not active, a policy), the walk goes on as if it had
//! passed, so that the answer lists everything that must change.

pub mod dns;
pub mod lpm;
pub mod model;
mod snapshot;
pub mod synth;
mod trace;

pub use snapshot::Snapshot;

use crate::net::Protocol;
use serde::Serialize;
use std::borrow::Cow;

/// A name in an answer (an id, a route's destination, a DNS record):
/// borrowed from the snapshot the answer was computed over, so that a query
/// copies and reference-counts nothing, or owned when the walk made it up
/// (a policy statement's `Statement[i]`, a name that is not in the
/// snapshot). An answer lives no longer than its snapshot; render it before
/// letting the snapshot go.
pub type Name<'s> = Cow<'s, str>;

/// Where the traffic starts.
#[derive(Debug, Clone, Copy)]
pub enum Source<'a> {
    /// A network interface: its subnet, address and security groups.
    Interface(&'a str),
    /// An address in a subnet. When an interface holds that address its
    /// security groups apply; otherwise none do.
    SubnetIp { subnet_id: &'a str, ip: u32 },
}

/// Where the traffic goes.
#[derive(Debug, Clone, Copy)]
pub enum Destination<'a> {
    /// A DNS name, resolved by the source VPC's resolver first.
    Host(&'a str),
    Ip(u32),
}

/// A request made through the endpoints on the path, for endpoint policies.
#[derive(Debug, Clone, Copy)]
pub struct PolicyRequest<'a> {
    pub principal_arn: &'a str,
    pub action: &'a str,
    pub resource: &'a str,
    /// Extra condition keys (`aws:SecureTransport`, `aws:PrincipalOrgID`, ...).
    pub context: &'a [(&'a str, &'a str)],
}

/// One question: from `source` to `destination` on `port` with `protocol`.
#[derive(Debug, Clone, Copy)]
pub struct Query<'a> {
    pub source: Source<'a>,
    pub destination: Destination<'a>,
    pub port: u16,
    pub protocol: Protocol,
    pub request: Option<PolicyRequest<'a>>,
}

/// Why a query cannot be asked at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    #[error("The network interface '{0}' does not exist")]
    UnknownInterface(String),
    #[error("The subnet '{0}' does not exist")]
    UnknownSubnet(String),
    #[error("The address {ip} is not in subnet {subnet_id} ({cidr})")]
    AddressNotInSubnet {
        subnet_id: String,
        ip: String,
        cidr: String,
    },
    #[error("The VPC '{0}' does not exist")]
    UnknownVpc(String),
}

/// The answer to a query.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Answer<'s> {
    /// True when the packet reaches a destination and nothing blocks it.
    pub reachable: bool,
    /// The DNS answer, when the destination is a name.
    pub dns: Option<DnsAnswer<'s>>,
    /// The components the packet passes, in order.
    pub hops: Vec<Hop<'s>>,
    /// Every blocking reason found, in path order; empty when reachable.
    pub explanations: Vec<Explanation<'s>>,
}

fn owned(n: Name<'_>) -> Name<'static> {
    Cow::Owned(n.into_owned())
}

impl Answer<'_> {
    /// The same answer, owning its names: it may outlive the snapshot.
    pub fn into_owned(self) -> Answer<'static> {
        Answer {
            reachable: self.reachable,
            dns: self.dns.map(DnsAnswer::into_owned),
            hops: self.hops.into_iter().map(Hop::into_owned).collect(),
            explanations: self
                .explanations
                .into_iter()
                .map(|e| Explanation {
                    code: e.code,
                    component_id: owned(e.component_id),
                    message: e.message,
                    owner: e.owner.map(owned),
                })
                .collect(),
        }
    }
}

impl DnsAnswer<'_> {
    /// The same answer, owning its names.
    pub fn into_owned(self) -> DnsAnswer<'static> {
        DnsAnswer {
            name: self.name,
            answers: self.answers,
            answered_by: self.answered_by,
            record: self.record.map(owned),
            cname: self.cname.map(owned),
            component_id: self.component_id.map(owned),
        }
    }
}

impl Hop<'_> {
    /// The same hop, owning its names.
    pub fn into_owned(self) -> Hop<'static> {
        Hop {
            component: self.component,
            id: owned(self.id),
            route: self.route.map(|r| HopRoute {
                destination: owned(r.destination),
                target: owned(r.target),
                matched_cidr: r.matched_cidr.map(owned),
            }),
            rule: self.rule.map(owned),
            direction: self.direction,
            zone_id: self.zone_id.map(owned),
            address: self.address,
            port: self.port,
            owner: self.owner.map(owned),
        }
    }
}

/// Which rule of the VPC's resolver answered a name.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum AnsweredBy {
    /// A private DNS name of an interface endpoint in the source VPC.
    PrivateDns,
    /// An endpoint's regional name (`vpce-...-xxxxxxxx.<service>.<region>.vpce.amazonaws.com`).
    EndpointRegional,
    /// An endpoint's zonal name (`vpce-...-xxxxxxxx-us-east-1a....`).
    EndpointZonal,
    /// A public AWS service name, answered with an address of the service.
    Public,
    /// Nothing answered.
    None,
}

/// What the resolver answered for a name.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct DnsAnswer<'s> {
    /// The name asked, lowercased, without a trailing dot.
    pub name: String,
    /// IPv4 addresses, in the order the resolver gives them.
    pub answers: Vec<u32>,
    pub answered_by: AnsweredBy,
    /// The record that matched (a wildcard shows as `*.`...).
    pub record: Option<Name<'s>>,
    /// For a customer service's private DNS name: the endpoint's regional
    /// name that the private name is an alias (CNAME) of.
    pub cname: Option<Name<'s>>,
    /// The endpoint whose record answered, or the AWS service name of a
    /// public answer.
    pub component_id: Option<Name<'s>>,
}

/// The kinds of component a path passes.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Component {
    NetworkInterface,
    /// A source given as an address in a subnet that no interface holds.
    Subnet,
    SecurityGroup,
    RouteTable,
    InternetGateway,
    NatGateway,
    VpcPeeringConnection,
    TransitGateway,
    TransitGatewayAttachment,
    VpcEndpoint,
    VpcEndpointService,
    LoadBalancer,
    Target,
    AwsService,
    Internet,
}

/// The route that carried a packet out of a route table.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct HopRoute<'s> {
    /// A CIDR block or a prefix-list id.
    pub destination: Name<'s>,
    /// `local` or the target's id.
    pub target: Name<'s>,
    /// For a prefix-list route, the list's block that matched.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub matched_cidr: Option<Name<'s>>,
}

/// One component on the path.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Hop<'s> {
    pub component: Component,
    pub id: Name<'s>,
    /// The route that admitted the packet (route tables, transit gateways).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub route: Option<HopRoute<'s>>,
    /// The security group rule or policy statement that admitted it
    /// (`sgr-...`, the statement's `Sid`, else `Statement[i]`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<Name<'s>>,
    /// `egress` or `ingress` for a security group.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub direction: Option<&'static str>,
    /// The zone (ID) of an interface, load balancer node or target.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub zone_id: Option<Name<'s>>,
    /// An address: an interface's, a target's, or the translated source of
    /// a NAT gateway.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<u32>,
    /// A target's port.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub port: Option<u16>,
    /// The account whose network the component is in: the source's until
    /// the packet crosses a peering connection or a transit gateway into
    /// another account's VPC, or passes an endpoint service to the load
    /// balancer behind it (the service itself counts as the consumer's: it
    /// knows it). `None` for shared components (peering connections, transit
    /// gateways and their attachments) and public ones (AWS services, the
    /// internet). A front shows another account's components to a caller
    /// without their ids.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<Name<'s>>,
}

impl<'s> Hop<'s> {
    fn new(component: Component, id: &'s str) -> Hop<'s> {
        Hop {
            component,
            id: Cow::Borrowed(id),
            route: None,
            rule: None,
            direction: None,
            zone_id: None,
            address: None,
            port: None,
            owner: None,
        }
    }
}

/// Why a packet is blocked. The codes are API.md's, plus
/// `UNKNOWN_DESTINATION` (no interface holds the address),
/// `PEERING_DESTINATION_NOT_IN_PEER_VPC` (a peering connection only carries
/// traffic for the peer VPC's CIDR), `SERVICE_NOT_AVAILABLE` (the endpoint
/// service or its load balancer is not available), `MAX_HOPS_EXCEEDED`
/// (a routing loop) and `TRANSIT_GATEWAY_ATTACHMENT_NOT_IN_ZONE` (the
/// source VPC's attachment has no subnet in the packet's zone, so the
/// transit gateway is out of reach from there).
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Code {
    DnsNameNotFound,
    NoRouteToDestination,
    BlackholeRoute,
    SecurityGroupEgressDenied,
    SecurityGroupIngressDenied,
    ProtocolNotSupported,
    EndpointNotAvailable,
    EndpointPolicyDenied,
    GatewayEndpointNotTransitive,
    CrossRegionNotSupported,
    Ipv6NotSupported,
    PeeringNotActive,
    NoHealthyTargetInZone,
    NoTargetInZone,
    ServiceNotAvailableInZone,
    UnknownDestination,
    PeeringDestinationNotInPeerVpc,
    ServiceNotAvailable,
    MaxHopsExceeded,
    TransitGatewayAttachmentNotInZone,
    NoListenerOnPort,
}

impl Code {
    /// The code as the API spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::DnsNameNotFound => "DNS_NAME_NOT_FOUND",
            Code::NoRouteToDestination => "NO_ROUTE_TO_DESTINATION",
            Code::BlackholeRoute => "BLACKHOLE_ROUTE",
            Code::SecurityGroupEgressDenied => "SECURITY_GROUP_EGRESS_DENIED",
            Code::SecurityGroupIngressDenied => "SECURITY_GROUP_INGRESS_DENIED",
            Code::ProtocolNotSupported => "PROTOCOL_NOT_SUPPORTED",
            Code::EndpointNotAvailable => "ENDPOINT_NOT_AVAILABLE",
            Code::EndpointPolicyDenied => "ENDPOINT_POLICY_DENIED",
            Code::GatewayEndpointNotTransitive => "GATEWAY_ENDPOINT_NOT_TRANSITIVE",
            Code::CrossRegionNotSupported => "CROSS_REGION_NOT_SUPPORTED",
            Code::Ipv6NotSupported => "IPV6_NOT_SUPPORTED",
            Code::PeeringNotActive => "PEERING_NOT_ACTIVE",
            Code::NoHealthyTargetInZone => "NO_HEALTHY_TARGET_IN_ZONE",
            Code::NoTargetInZone => "NO_TARGET_IN_ZONE",
            Code::ServiceNotAvailableInZone => "SERVICE_NOT_AVAILABLE_IN_ZONE",
            Code::UnknownDestination => "UNKNOWN_DESTINATION",
            Code::PeeringDestinationNotInPeerVpc => "PEERING_DESTINATION_NOT_IN_PEER_VPC",
            Code::ServiceNotAvailable => "SERVICE_NOT_AVAILABLE",
            Code::MaxHopsExceeded => "MAX_HOPS_EXCEEDED",
            Code::TransitGatewayAttachmentNotInZone => "TRANSIT_GATEWAY_ATTACHMENT_NOT_IN_ZONE",
            Code::NoListenerOnPort => "NO_LISTENER_ON_PORT",
        }
    }
}

/// One blocking reason.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Explanation<'s> {
    pub code: Code,
    /// The component that blocks (a route table, a group, an endpoint, ...).
    pub component_id: Name<'s>,
    pub message: String,
    /// The account whose network the blocking component is in (as
    /// [`Hop::owner`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<Name<'s>>,
}

impl Snapshot {
    /// The answer for an IPv6 destination: linkplane models IPv4 only
    /// (subnets have no IPv6 CIDR blocks), so nothing carries it. Errors as
    /// [`Snapshot::resolve`] does for an unknown source.
    pub fn resolve_ipv6(
        &self,
        source: &Source<'_>,
        destination: &str,
    ) -> Result<Answer<'_>, QueryError> {
        let probe = Query {
            source: *source,
            destination: Destination::Ip(0),
            port: 0,
            protocol: Protocol::Tcp,
            request: None,
        };
        let mut a = self.resolve(&probe)?;
        a.hops.truncate(1);
        a.reachable = false;
        a.explanations = vec![Explanation {
            code: Code::Ipv6NotSupported,
            component_id: a.hops[0].id.clone(),
            message: format!(
                "{destination} is an IPv6 address: linkplane models IPv4 only (subnets have no IPv6 CIDR blocks)"
            ),
            owner: a.hops[0].owner.clone(),
        }];
        Ok(a)
    }
}

impl Snapshot {
    /// Answers `name` as the resolver of VPC `vpc_id` would (any case, an
    /// optional trailing dot). A name nobody answers is an answer with
    /// [`AnsweredBy::None`] and no addresses.
    pub fn resolve_name(&self, vpc_id: &str, name: &str) -> Result<DnsAnswer<'_>, QueryError> {
        let &vpc = self
            .vpc_idx
            .get(vpc_id)
            .ok_or_else(|| QueryError::UnknownVpc(vpc_id.to_string()))?;
        let name = name.trim_end_matches('.').to_ascii_lowercase();
        Ok(match self.answer(vpc, &name) {
            Ok((a, _)) => a,
            Err((a, _)) => a,
        })
    }
}

/// The AWS-managed prefix lists of the catalog, as model prefix lists.
pub fn catalog_prefix_lists() -> Vec<model::PrefixList> {
    crate::catalog::catalog()
        .prefix_lists(None)
        .into_iter()
        .map(|pl| model::PrefixList {
            id: pl.prefix_list_id.clone(),
            cidrs: pl
                .cidrs
                .iter()
                .filter_map(|c| crate::net::Ipv4Cidr::parse(c).ok())
                .collect(),
        })
        .collect()
}
