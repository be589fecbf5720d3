//! Route resolution over HTTP: validates a query, checks that the caller owns
//! its source, and asks the core resolver over a cached network snapshot.
//!
//! The snapshot is rebuilt only when the network version (bumped by every
//! writing transaction, see migration 0006) differs from the cached one: one
//! small read per request tells. A request that finds a newer version waits
//! for the rebuild (so a client always resolves over its own writes); every
//! other reader keeps using the current snapshot, swapped in atomically.

use super::network::{Ctx, zone_name};
use crate::error::{Error, Result};
use crate::schema;
use crate::store::StoreError;
use crate::store::snapshot as db;
use arc_swap::ArcSwap;
use linkplane_core::net::{Protocol, format_ipv4, parse_ipv4};
use linkplane_core::resolve::{
    self as core, Answer, AnsweredBy, Component, Destination, PolicyRequest, Query, QueryError,
    Snapshot, Source,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::net::Ipv6Addr;
use std::sync::Arc;
use utoipa::ToSchema;

/// A snapshot and the network version it was built from.
pub struct Cached {
    pub version: i64,
    pub snapshot: Arc<Snapshot>,
}

/// The process's current snapshot.
pub struct SnapshotCache {
    current: ArcSwap<Cached>,
    rebuild: tokio::sync::Mutex<()>,
}

impl Default for SnapshotCache {
    fn default() -> Self {
        SnapshotCache {
            current: ArcSwap::from_pointee(Cached {
                version: -1,
                snapshot: Arc::new(Snapshot::build(&Default::default())),
            }),
            rebuild: tokio::sync::Mutex::new(()),
        }
    }
}

impl SnapshotCache {
    /// The snapshot of the current network version, rebuilt if needed.
    pub async fn current(&self, store: &crate::store::Store) -> Result<Arc<Cached>> {
        let version = db::version(store).await?;
        let cached = self.current.load_full();
        if cached.version == version {
            return Ok(cached);
        }
        let _one_rebuild = self.rebuild.lock().await;
        let cached = self.current.load_full();
        if cached.version >= version {
            return Ok(cached);
        }
        let (version, network) = db::load(store).await?;
        let snapshot = tokio::task::spawn_blocking(move || Snapshot::build(&network))
            .await
            .map_err(|e| StoreError::Other(format!("snapshot build failed: {e}")))?;
        let fresh = Arc::new(Cached {
            version,
            snapshot: Arc::new(snapshot),
        });
        self.current.store(fresh.clone());
        Ok(fresh)
    }
}

/// Where the traffic starts: an interface, or an address in a subnet.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResolveSource {
    /// A network interface of the caller's account; alone, without
    /// `subnet_id` and `ip`.
    #[schema(value_type = Option<schema::NetworkInterfaceId>)]
    pub network_interface_id: Option<String>,
    /// With `ip`: an address in a subnet of the caller's account. When an
    /// interface holds it, its security groups apply; otherwise none do.
    #[schema(value_type = Option<schema::SubnetId>)]
    pub subnet_id: Option<String>,
    /// With `subnet_id`.
    #[schema(value_type = Option<schema::Ipv4Address>)]
    pub ip: Option<String>,
}

/// Where the traffic goes: a DNS name (resolved by the source VPC's
/// resolver first) or an address.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResolveDestination {
    /// A name to resolve (or an address); exactly one of `host` and `ip`.
    #[schema(value_type = Option<schema::ResolveHost>)]
    pub host: Option<String>,
    /// An IPv4 address (an IPv6 one answers `IPV6_NOT_SUPPORTED`).
    #[schema(value_type = Option<schema::IpAddress>)]
    pub ip: Option<String>,
}

/// A request made through the endpoints on the path: their policies are
/// evaluated for it. The context holds `aws:SourceVpce`, `aws:SourceVpc`
/// and `aws:VpcSourceIp` (the source's private address); `aws:SourceIp` is
/// absent, as AWS leaves it for requests through a VPC endpoint.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResolvePolicyRequest {
    #[schema(example = "arn:aws:iam::111122223333:role/app")]
    pub principal_arn: String,
    #[schema(example = "s3:GetObject")]
    pub action: String,
    #[schema(example = "arn:aws:s3:::my-bucket/key")]
    pub resource: String,
    /// More condition keys (`aws:SecureTransport`, `aws:PrincipalOrgID`, ...).
    pub context: Option<BTreeMap<String, String>>,
}

/// Transport protocols a query may name.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase")]
pub enum ResolveProtocol {
    #[default]
    Tcp,
    Udp,
    Icmp,
}

/// `POST /v1/resolve`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResolveRequest {
    pub source: ResolveSource,
    pub destination: ResolveDestination,
    /// The destination port (for ICMP, the ICMP type).
    #[schema(example = 443, maximum = 65535)]
    pub port: u16,
    /// Default `tcp`.
    pub protocol: Option<ResolveProtocol>,
    pub request: Option<ResolvePolicyRequest>,
}

/// Which rule of the VPC's resolver answered.
#[derive(Debug, Clone, Copy, Serialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum DnsAnsweredBy {
    /// A private DNS name of an interface endpoint in the VPC.
    PrivateDns,
    /// An endpoint's regional name.
    EndpointRegional,
    /// An endpoint's zonal name.
    EndpointZonal,
    /// A public AWS service name.
    Public,
    /// Nothing: the name does not exist for this VPC.
    None,
}

/// The VPC resolver's answer for a name.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DnsAnswer {
    pub name: String,
    /// IPv4 addresses.
    #[schema(example = json!(["10.0.1.5", "10.0.2.7"]))]
    pub answers: Vec<String>,
    pub answered_by: DnsAnsweredBy,
    /// The record that matched; wildcards start with `*.`.
    pub record: Option<String>,
    /// For a customer service's private DNS name: the endpoint's regional
    /// name it is an alias of.
    pub cname: Option<String>,
    /// The endpoint that answered, or the AWS service of a public answer.
    pub component_id: Option<String>,
}

/// The kinds of component on a path.
#[derive(Debug, Clone, Copy, Serialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum HopComponent {
    NetworkInterface,
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

/// The route that carried the packet out of a route table or transit gateway.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct HopRoute {
    /// A CIDR block or a prefix-list id.
    #[schema(example = "pl-63a5400a")]
    pub destination: String,
    /// `local`, a target id, or `blackhole`.
    #[schema(example = "vpce-0a1b2c3d4e5f67890")]
    pub target: String,
    /// For a prefix-list route: the list's block that matched.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub matched_cidr: Option<String>,
}

/// One component on the path, with what admitted the packet there.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Hop {
    pub component: HopComponent,
    #[schema(example = "rtb-0a1b2c3d4e5f67890")]
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub route: Option<HopRoute>,
    /// The security group rule (`sgr-...`) or policy statement (its `Sid`,
    /// else `Statement[i]`) that admitted the packet.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    /// `egress` or `ingress`, for a security group.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub direction: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub zone_id: Option<String>,
    /// The zone's name in the caller's account.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub zone_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub port: Option<u16>,
    /// Set on a component of another account's network (past an endpoint
    /// service, or in a VPC reached over a peering connection or transit
    /// gateway): that account. Such a hop shows its kind and zone only; its
    /// `id` is `hidden` and it has no address, port, route or rule.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "111122223333")]
    pub owner_account_id: Option<String>,
}

/// Why a packet is blocked.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Explanation {
    /// `DNS_NAME_NOT_FOUND`, `NO_ROUTE_TO_DESTINATION`, `BLACKHOLE_ROUTE`,
    /// `SECURITY_GROUP_EGRESS_DENIED`, `SECURITY_GROUP_INGRESS_DENIED`,
    /// `PROTOCOL_NOT_SUPPORTED`, `ENDPOINT_NOT_AVAILABLE`,
    /// `ENDPOINT_POLICY_DENIED`, `GATEWAY_ENDPOINT_NOT_TRANSITIVE`,
    /// `CROSS_REGION_NOT_SUPPORTED`, `IPV6_NOT_SUPPORTED`,
    /// `PEERING_NOT_ACTIVE`, `NO_HEALTHY_TARGET_IN_ZONE`, `NO_TARGET_IN_ZONE`,
    /// `SERVICE_NOT_AVAILABLE_IN_ZONE`, and linkplane's additions
    /// `UNKNOWN_DESTINATION` (no interface holds the address),
    /// `PEERING_DESTINATION_NOT_IN_PEER_VPC` (peering carries only the peer
    /// VPC's CIDR), `SERVICE_NOT_AVAILABLE` (endpoint service or load
    /// balancer not available), `MAX_HOPS_EXCEEDED` (a routing loop),
    /// `TRANSIT_GATEWAY_ATTACHMENT_NOT_IN_ZONE` (the source VPC's transit
    /// gateway attachment has no subnet in the packet's zone: as on AWS, the
    /// gateway is out of reach from that zone), `NO_LISTENER_ON_PORT` (the
    /// service's network load balancer has listeners, none on the flow's
    /// protocol and port: AWS's `ELBV2_LISTENER_PORT_RESTRICTION`; a load
    /// balancer without listeners, its groups attached over REST with their
    /// `load_balancer_arn`, takes every port).
    #[schema(example = "SECURITY_GROUP_INGRESS_DENIED")]
    pub code: String,
    /// The blocking component; for one in another account's network, the
    /// last component of the caller's path before it (the endpoint service,
    /// the peering connection, ...), and the message names the account
    /// without its resources.
    #[schema(example = "sg-0a1b2c3d4e5f67890")]
    pub component_id: String,
    pub message: String,
}

/// The answer of `POST /v1/resolve`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ResolveResponse {
    /// True when the packet reaches its destination and nothing blocks it.
    pub reachable: bool,
    /// The DNS answer, when the destination is a name.
    pub dns: Option<DnsAnswer>,
    /// The components the packet passes, in order.
    pub hops: Vec<Hop>,
    /// Every blocking reason found (not only the first), in path order.
    pub explanations: Vec<Explanation>,
    /// The network version the answer was computed at.
    pub network_version: i64,
}

fn answered_by(a: AnsweredBy) -> DnsAnsweredBy {
    match a {
        AnsweredBy::PrivateDns => DnsAnsweredBy::PrivateDns,
        AnsweredBy::EndpointRegional => DnsAnsweredBy::EndpointRegional,
        AnsweredBy::EndpointZonal => DnsAnsweredBy::EndpointZonal,
        AnsweredBy::Public => DnsAnsweredBy::Public,
        AnsweredBy::None => DnsAnsweredBy::None,
    }
}

fn component(c: Component) -> HopComponent {
    match c {
        Component::NetworkInterface => HopComponent::NetworkInterface,
        Component::Subnet => HopComponent::Subnet,
        Component::SecurityGroup => HopComponent::SecurityGroup,
        Component::RouteTable => HopComponent::RouteTable,
        Component::InternetGateway => HopComponent::InternetGateway,
        Component::NatGateway => HopComponent::NatGateway,
        Component::VpcPeeringConnection => HopComponent::VpcPeeringConnection,
        Component::TransitGateway => HopComponent::TransitGateway,
        Component::TransitGatewayAttachment => HopComponent::TransitGatewayAttachment,
        Component::VpcEndpoint => HopComponent::VpcEndpoint,
        Component::VpcEndpointService => HopComponent::VpcEndpointService,
        Component::LoadBalancer => HopComponent::LoadBalancer,
        Component::Target => HopComponent::Target,
        Component::AwsService => HopComponent::AwsService,
        Component::Internet => HopComponent::Internet,
    }
}

fn dns_of(d: core::DnsAnswer<'_>) -> DnsAnswer {
    DnsAnswer {
        name: d.name,
        answers: d.answers.into_iter().map(format_ipv4).collect(),
        answered_by: answered_by(d.answered_by),
        record: d.record.map(|r| r.to_string()),
        cname: d.cname.map(|r| r.to_string()),
        component_id: d.component_id.map(|r| r.to_string()),
    }
}

/// What stands for a component of another account's network.
const HIDDEN: &str = "hidden";

fn render(a: Answer<'_>, account: &str, version: i64) -> ResolveResponse {
    // Another account's components (past an endpoint service, across a
    // peering connection or transit gateway into its VPC) show their kind
    // and zone, never their ids, addresses, routes or rules: that account's
    // resources read as absent everywhere else too.
    let foreign =
        |owner: &Option<std::borrow::Cow<'_, str>>| owner.as_deref().is_some_and(|o| o != account);
    // The last visible hop before another account's network begins: what a
    // hidden explanation names instead.
    let boundary = |owner: &str| -> String {
        a.hops
            .iter()
            .take_while(|h| h.owner.as_deref() != Some(owner))
            .filter(|h| !foreign(&h.owner))
            .last()
            .map_or_else(|| HIDDEN.to_string(), |h| h.id.to_string())
    };
    let explanations = a
        .explanations
        .iter()
        .map(|e| match e.owner.as_deref() {
            Some(o) if o != account => {
                let past = boundary(o);
                Explanation {
                    code: e.code.as_str().to_string(),
                    message: format!(
                        "{} in the network of account {o}, past {past}: the block is among that account's resources, which this answer does not show",
                        e.code.as_str()
                    ),
                    component_id: past,
                }
            }
            _ => Explanation {
                code: e.code.as_str().to_string(),
                component_id: e.component_id.to_string(),
                message: e.message.clone(),
            },
        })
        .collect();
    let hops = a
        .hops
        .iter()
        .map(|h| {
            let hidden = foreign(&h.owner);
            Hop {
                component: component(h.component),
                id: if hidden {
                    HIDDEN.to_string()
                } else {
                    h.id.to_string()
                },
                route: h.route.as_ref().filter(|_| !hidden).map(|r| HopRoute {
                    destination: r.destination.to_string(),
                    target: r.target.to_string(),
                    matched_cidr: r.matched_cidr.as_ref().map(|c| c.to_string()),
                }),
                rule: h.rule.as_ref().filter(|_| !hidden).map(|r| r.to_string()),
                direction: h.direction.map(str::to_string),
                zone_name: h
                    .zone_id
                    .as_deref()
                    .map(|z| zone_name(account, z))
                    .filter(|n| !n.is_empty()),
                zone_id: h.zone_id.as_ref().map(|z| z.to_string()),
                address: h.address.filter(|_| !hidden).map(format_ipv4),
                port: h.port.filter(|_| !hidden),
                owner_account_id: h.owner.as_ref().filter(|_| hidden).map(|o| o.to_string()),
            }
        })
        .collect();
    ResolveResponse {
        reachable: a.reachable,
        dns: a.dns.map(dns_of),
        hops,
        explanations,
        network_version: version,
    }
}

fn bad(msg: String) -> Error {
    Error::invalid_value(msg)
}

/// A host name as DNS allows it: 1..253 characters, labels of 1..63 letters,
/// digits, `-` or `_`.
pub(crate) fn check_host(host: &str) -> Result<()> {
    let name = host.strip_suffix('.').unwrap_or(host);
    let ok = !name.is_empty()
        && name.len() <= 253
        && name.split('.').all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && l.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        });
    if !ok {
        return Err(bad(format!(
            "destination.host: '{host}' is not a valid DNS name"
        )));
    }
    Ok(())
}

fn not_found_source(e: QueryError) -> Error {
    match e {
        QueryError::UnknownInterface(id) => super::network::not_found(
            "InvalidNetworkInterfaceID.NotFound",
            "network interface",
            &id,
        ),
        QueryError::UnknownSubnet(id) => {
            super::network::not_found("InvalidSubnetID.NotFound", "subnet", &id)
        }
        QueryError::UnknownVpc(id) => {
            super::network::not_found("InvalidVpcID.NotFound", "vpc", &id)
        }
        e @ QueryError::AddressNotInSubnet { .. } => bad(format!("source.ip: {e}")),
    }
}

/// Answers `POST /v1/resolve` for the caller.
pub async fn resolve(
    ctx: Ctx<'_>,
    cache: &SnapshotCache,
    req: ResolveRequest,
) -> Result<ResolveResponse> {
    let account = ctx.account()?;
    let src = &req.source;
    let source_ip = match (&src.network_interface_id, &src.subnet_id, &src.ip) {
        (Some(_), None, None) => None,
        (None, Some(_), Some(ip)) => Some(
            parse_ipv4(ip).map_err(|_| bad(format!("source.ip: '{ip}' is not an IPv4 address")))?,
        ),
        _ => {
            return Err(Error::validation(
                "InvalidParameterCombination",
                "source takes either network_interface_id, or subnet_id and ip".to_string(),
            ));
        }
    };
    let source = match (&src.network_interface_id, &src.subnet_id, source_ip) {
        (Some(eni), _, _) => Source::Interface(eni),
        (None, Some(subnet_id), Some(ip)) => Source::SubnetIp { subnet_id, ip },
        _ => unreachable!("checked above"),
    };
    enum Dest<'a> {
        Host(&'a str),
        V4(u32),
        V6(&'a str),
    }
    let dest = match (&req.destination.host, &req.destination.ip) {
        (Some(h), None) => {
            if let Ok(ip) = parse_ipv4(h) {
                Dest::V4(ip)
            } else if h.parse::<Ipv6Addr>().is_ok() {
                Dest::V6(h)
            } else {
                check_host(h)?;
                Dest::Host(h)
            }
        }
        (None, Some(ip)) => match parse_ipv4(ip) {
            Ok(v) => Dest::V4(v),
            Err(_) if ip.parse::<Ipv6Addr>().is_ok() => Dest::V6(ip),
            Err(_) => {
                return Err(bad(format!(
                    "destination.ip: '{ip}' is not an IPv4 or IPv6 address"
                )));
            }
        },
        _ => {
            return Err(Error::validation(
                "InvalidParameterCombination",
                "destination takes exactly one of host and ip".to_string(),
            ));
        }
    };
    let protocol = match req.protocol.unwrap_or_default() {
        ResolveProtocol::Tcp => Protocol::Tcp,
        ResolveProtocol::Udp => Protocol::Udp,
        ResolveProtocol::Icmp => Protocol::Icmp,
    };
    let cached = cache.current(ctx.store).await?;
    let snap = &cached.snapshot;
    // Another account's source reads as absent, as everywhere else.
    if snap.source_account(&source) != Some(account) {
        return Err(not_found_source(match source {
            Source::Interface(e) => QueryError::UnknownInterface(e.to_string()),
            Source::SubnetIp { subnet_id, .. } => QueryError::UnknownSubnet(subnet_id.to_string()),
        }));
    }
    let context: Vec<(&str, &str)> = req
        .request
        .as_ref()
        .and_then(|r| r.context.as_ref())
        .map(|c| c.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect())
        .unwrap_or_default();
    let answer = match dest {
        Dest::V6(text) => snap.resolve_ipv6(&source, text),
        Dest::Host(h) => snap.resolve(&Query {
            source,
            destination: Destination::Host(h),
            port: req.port,
            protocol,
            request: req.request.as_ref().map(|r| PolicyRequest {
                principal_arn: &r.principal_arn,
                action: &r.action,
                resource: &r.resource,
                context: &context,
            }),
        }),
        Dest::V4(ip) => snap.resolve(&Query {
            source,
            destination: Destination::Ip(ip),
            port: req.port,
            protocol,
            request: req.request.as_ref().map(|r| PolicyRequest {
                principal_arn: &r.principal_arn,
                action: &r.action,
                resource: &r.resource,
                context: &context,
            }),
        }),
    }
    .map_err(not_found_source)?;
    Ok(render(answer, account, cached.version))
}

/// Answers `GET /v1/vpcs/{vpc_id}/dns?name=` as the VPC's resolver would.
pub async fn vpc_dns(
    ctx: Ctx<'_>,
    cache: &SnapshotCache,
    vpc_id: &str,
    name: &str,
) -> Result<DnsAnswer> {
    let account = ctx.account()?;
    check_host(name).map_err(|_| bad(format!("name: '{name}' is not a valid DNS name")))?;
    let cached = cache.current(ctx.store).await?;
    if cached.snapshot.vpc_account(vpc_id) != Some(account) {
        return Err(not_found_source(QueryError::UnknownVpc(vpc_id.to_string())));
    }
    let answer = cached
        .snapshot
        .resolve_name(vpc_id, name)
        .map_err(not_found_source)?;
    Ok(dns_of(answer))
}
