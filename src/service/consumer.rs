//! The consumer side: VPC endpoints of all three types, and for endpoints to
//! customer services the producer's view of them (connections), accepted or
//! rejected by the service's owner.

use crate::create_once;
use crate::error::{Error, Result};
use crate::pagination;
use crate::schema;
use crate::service::network::interface::{
    InterfaceSpec, checked_groups, insert_interface, remove_interface,
};
use crate::service::network::vpc::{subnet_in_body, vpc_in_body};
use crate::service::network::{Ctx, check_tags, tags_of, unknown, zone_name};
use crate::service::producer::endpoint_service::service_not_found;
use crate::service::producer::loadbalancer::initial_state;
use crate::service::{Created, Idempotency, Precondition, Versioned};
use crate::store::consumer::{self as db, EndpointRow};
use crate::store::network::{self as net_db, ListFilter, RouteRow};
use crate::store::producer as prod_db;
use crate::store::tags::{self, TagFilter, Tags};
use crate::store::{StoreError, Tx, now_ms};
use crate::util::{new_id, timestamp};
use linkplane_core::catalog::{self, EndpointType};
use linkplane_core::endpoint::{self as ep, EndpointNames};
use linkplane_core::lifecycle::{PrivateDnsState, VpcEndpointState};
use linkplane_core::net::{self, parse_ipv4};
use linkplane_core::privatelink as pl;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashMap};
use std::time::Duration;
use utoipa::ToSchema;

/// `interface`, `gateway` or `gateway_load_balancer`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum VpcEndpointType {
    Interface,
    Gateway,
    GatewayLoadBalancer,
}

impl VpcEndpointType {
    pub fn as_str(self) -> &'static str {
        match self {
            VpcEndpointType::Interface => "interface",
            VpcEndpointType::Gateway => "gateway",
            VpcEndpointType::GatewayLoadBalancer => "gateway_load_balancer",
        }
    }
}

/// The store reads the type as the core's [`EndpointType`], refusing text
/// it does not know; this is its wire form.
impl From<EndpointType> for VpcEndpointType {
    fn from(t: EndpointType) -> VpcEndpointType {
        match t {
            EndpointType::Interface => VpcEndpointType::Interface,
            EndpointType::Gateway => VpcEndpointType::Gateway,
            EndpointType::GatewayLoadBalancer => VpcEndpointType::GatewayLoadBalancer,
        }
    }
}

impl From<VpcEndpointType> for EndpointType {
    fn from(t: VpcEndpointType) -> EndpointType {
        match t {
            VpcEndpointType::Interface => EndpointType::Interface,
            VpcEndpointType::Gateway => EndpointType::Gateway,
            VpcEndpointType::GatewayLoadBalancer => EndpointType::GatewayLoadBalancer,
        }
    }
}

/// A DNS name of an endpoint and its hosted zone.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DnsEntry {
    #[schema(example = "vpce-0f89a33420c1931d7-bluzidnv.monitoring.us-east-1.vpce.amazonaws.com")]
    pub dns_name: String,
    #[schema(example = "Z7HUB22UULQXV")]
    pub hosted_zone_id: String,
}

/// DNS options of an interface endpoint.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DnsOptions {
    /// `ipv4` (the default) or `service_defined`; `dualstack` and `ipv6`
    /// need IPv6 endpoints, which linkplane does not model yet.
    #[schema(pattern = "^(ipv4|service_defined)$")]
    pub dns_record_ip_type: Option<String>,
}

/// A subnet with the address the endpoint's interface takes there.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubnetConfiguration {
    #[schema(value_type = schema::SubnetId)]
    pub subnet_id: String,
    /// A free, non-reserved address of the subnet.
    #[schema(value_type = Option<schema::Ipv4Address>)]
    pub ipv4: Option<String>,
}

/// A VPC endpoint (`VpcEndpoint`).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct VpcEndpoint {
    #[schema(example = "vpce-0a1b2c3d4e5f67890")]
    pub vpc_endpoint_id: String,
    pub vpc_endpoint_type: VpcEndpointType,
    pub vpc_id: String,
    #[schema(example = "com.amazonaws.us-east-1.s3")]
    pub service_name: String,
    /// The region of the service (differs from the VPC's for cross-region endpoints).
    pub service_region: String,
    /// `pending_acceptance`, `pending`, `available`, `deleting`, `deleted`,
    /// `rejected`, `failed`.
    #[schema(example = "available")]
    pub state: String,
    /// JSON text, returned as stored; null on gateway load balancer endpoints.
    pub policy_document: Option<String>,
    pub route_table_ids: Vec<String>,
    pub subnet_ids: Vec<String>,
    pub security_group_ids: Vec<String>,
    pub network_interface_ids: Vec<String>,
    pub private_dns_enabled: bool,
    /// The regional name, then one zonal name per zone, then the private
    /// DNS name (with `private_dns_enabled`): an AWS service's, or a
    /// customer service's current name while it is verified (a name the
    /// provider replaced or removed leaves at once, as it stops answering in
    /// the VPC's resolver).
    pub dns_entries: Vec<DnsEntry>,
    #[schema(example = "ipv4")]
    pub ip_address_type: String,
    pub dns_options: Option<DnsOptions>,
    pub owner_id: String,
    /// Always false: endpoints made through this API are the caller's own.
    pub requester_managed: bool,
    pub region: String,
    pub creation_timestamp: String,
    pub tags: Tags,
}

/// `POST /v1/vpc-endpoints`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateVpcEndpointRequest {
    /// Default `gateway`, as on AWS.
    pub vpc_endpoint_type: Option<VpcEndpointType>,
    #[schema(value_type = schema::VpcId)]
    pub vpc_id: String,
    #[schema(example = "com.amazonaws.us-east-1.s3")]
    pub service_name: String,
    /// The service's region for a cross-region interface endpoint; default
    /// the VPC's. The service must list the VPC's region in its supported regions.
    #[schema(value_type = Option<schema::RegionCode>)]
    pub service_region: Option<String>,
    /// Interface: subnets of the VPC, one per zone, each in a zone the
    /// service offers (by zone id; for a cross-region endpoint any zone of
    /// the VPC's region); GWLB: exactly one.
    #[schema(value_type = Option<Vec<schema::SubnetId>>)]
    pub subnet_ids: Option<Vec<String>>,
    /// Interface: subnets with the address to take in each.
    pub subnet_configurations: Option<Vec<SubnetConfiguration>>,
    /// Interface: groups of the VPC; default the VPC's default group.
    #[schema(value_type = Option<Vec<schema::SecurityGroupId>>)]
    pub security_group_ids: Option<Vec<String>>,
    /// Gateway: route tables of the VPC that get the service's prefix-list route.
    #[schema(value_type = Option<Vec<schema::RouteTableId>>)]
    pub route_table_ids: Option<Vec<String>>,
    /// Interface: answer the service's own names in the VPC (default false;
    /// needs the VPC's DNS support and hostnames, and for a customer service
    /// a verified private DNS name).
    pub private_dns_enabled: Option<bool>,
    /// JSON text, at most 20,480 characters, with a `Statement`; default
    /// full access. Not for gateway load balancer endpoints.
    #[schema(max_length = 20480)]
    pub policy_document: Option<String>,
    /// `ipv4` (the default); `dualstack` and `ipv6` need subnets with IPv6
    /// blocks, which linkplane does not model yet.
    #[schema(pattern = "^ipv4$")]
    pub ip_address_type: Option<String>,
    pub dns_options: Option<DnsOptions>,
    pub tags: Option<Tags>,
    /// AWS's idempotency token: the same meaning as `Idempotency-Key`.
    pub client_token: Option<String>,
}

/// A connection to an endpoint service, as its owner sees it (`VpcEndpointConnection`).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct VpcEndpointConnection {
    pub service_id: String,
    pub vpc_endpoint_id: String,
    /// The consumer's account.
    pub vpc_endpoint_owner: String,
    #[schema(example = "pending_acceptance")]
    pub vpc_endpoint_state: String,
    /// The consumer's region.
    pub vpc_endpoint_region: String,
    pub creation_timestamp: String,
    pub dns_entries: Vec<DnsEntry>,
    pub network_load_balancer_arns: Vec<String>,
    pub gateway_load_balancer_arns: Vec<String>,
    pub ip_address_type: String,
}

/// `POST .../connections/accept` and `.../reject`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConnectionsRequest {
    /// Endpoints of the service's connection requests. Any other id (a
    /// malformed one too) is not refused: it comes back in `unsuccessful`,
    /// as a batch's partial failure.
    #[schema(min_items = 1)]
    pub vpc_endpoint_ids: Vec<String>,
}

/// An item a batch could not act on.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UnsuccessfulItem {
    pub resource_id: String,
    #[schema(example = "InvalidVpcEndpointId.NotFound")]
    pub code: String,
    pub message: String,
}

/// The answer of a batch: what could not be done (partial success is normal).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BatchResult {
    pub unsuccessful: Vec<UnsuccessfulItem>,
}

fn endpoint_not_found(id: &str) -> Error {
    Error::not_found(
        "InvalidVpcEndpointId.NotFound",
        format!("The Vpc Endpoint Id '{id}' does not exist"),
    )
}

fn invalid_service(name: &str) -> Error {
    Error::validation(
        "InvalidServiceName",
        format!("The Vpc Endpoint Service '{name}' does not exist"),
    )
}

/// What an endpoint connects to.
struct Target {
    name: String,
    /// Customer service id, or None for AWS services.
    service_id: Option<String>,
    owner: String,
    region: String,
    /// AWS service code or service id, for DNS names.
    part: String,
    acceptance_required: bool,
    zone_ids: Option<BTreeSet<String>>,
    /// Names private DNS answers, and whether they may be used.
    private_names: Vec<String>,
    private_ok: Result<(), String>,
}

/// Finds the service a caller names, as the caller may see it; anything
/// invisible is `InvalidServiceName`, exactly like a name that does not exist.
async fn resolve_service(
    tx: &mut Tx,
    account: &str,
    caller_arn: &str,
    name: &str,
    kind: VpcEndpointType,
    vpc_region: &str,
    service_region: &str,
) -> Result<Target> {
    if let Some((region, id)) = pl::parse_service_name(name) {
        let svc = prod_db::get_service(&mut **tx, None, &id)
            .await?
            .filter(|s| s.region == region && s.service_state.accepts_endpoints())
            .ok_or_else(|| invalid_service(name))?;
        let [all, root, own] = pl::permission_keys(account, caller_arn);
        let allowed = prod_db::principal_allowed(tx, &id, [&all, &root, &own]).await?;
        if !allowed {
            return Err(invalid_service(name));
        }
        if svc.region != service_region {
            return Err(invalid_service(name));
        }
        if svc.region != vpc_region {
            let regions = prod_db::service_regions(&mut **tx, &[id.as_str()]).await?;
            if !regions.iter().any(|(_, r, _)| r == vpc_region) {
                return Err(Error::validation(
                    "InvalidParameter",
                    format!(
                        "The VPC endpoint service {name} does not support cross-region access from {vpc_region}"
                    ),
                ));
            }
        }
        let wanted = match kind {
            VpcEndpointType::Interface => "interface",
            VpcEndpointType::GatewayLoadBalancer => "gateway_load_balancer",
            VpcEndpointType::Gateway => "gateway",
        };
        if svc.service_type != wanted {
            return Err(Error::validation(
                "InvalidVpcEndpointType",
                format!(
                    "{name} is a {} service; it takes {} endpoints, not {wanted}",
                    svc.service_type, svc.service_type
                ),
            ));
        }
        let zones: BTreeSet<String> = prod_db::service_lb_zones(&mut **tx, &[id.as_str()])
            .await?
            .into_iter()
            .map(|(_, _, z)| z)
            .collect();
        let private_ok = match (&svc.private_dns_name, svc.pdns_state) {
            (Some(_), Some(PrivateDnsState::Verified)) => Ok(()),
            (Some(n), _) => Err(format!(
                "the private DNS name {n} of {name} is not verified"
            )),
            (None, _) => Err(format!("{name} has no private DNS name")),
        };
        return Ok(Target {
            name: name.to_string(),
            service_id: Some(id.clone()),
            owner: svc.account_id,
            region: svc.region,
            part: id,
            acceptance_required: svc.acceptance_required,
            zone_ids: Some(zones),
            private_names: svc.private_dns_name.into_iter().collect(),
            private_ok,
        });
    }
    let regional = catalog::catalog()
        .aws_service_by_name(name)
        .filter(|r| r.region.region == vpc_region && service_region == vpc_region)
        .ok_or_else(|| invalid_service(name))?;
    let et = match kind {
        VpcEndpointType::Interface => EndpointType::Interface,
        VpcEndpointType::Gateway => EndpointType::Gateway,
        VpcEndpointType::GatewayLoadBalancer => EndpointType::GatewayLoadBalancer,
    };
    if !regional.service.supports(et) {
        return Err(Error::validation(
            "InvalidVpcEndpointType",
            format!("{name} does not offer {} endpoints", kind.as_str()),
        ));
    }
    let private = regional.private_dns_names();
    Ok(Target {
        name: name.to_string(),
        service_id: None,
        owner: "amazon".to_string(),
        region: vpc_region.to_string(),
        part: regional.service.service.clone(),
        acceptance_required: false,
        zone_ids: None,
        private_ok: if private.is_empty() {
            Err(format!("{name} does not support private DNS"))
        } else {
            Ok(())
        },
        private_names: private,
    })
}

fn check_ip_type(t: Option<&str>) -> Result<String> {
    match t.unwrap_or("ipv4") {
        "ipv4" => Ok("ipv4".to_string()),
        "dualstack" | "ipv6" => Err(Error::validation(
            "InvalidParameter",
            "ip_address_type: IPv6 needs subnets with IPv6 blocks, which linkplane does not model yet; use ipv4",
        )),
        other => Err(Error::invalid_value(format!(
            "ip_address_type: '{other}' must be ipv4, dualstack or ipv6"
        ))),
    }
}

/// Creates a VPC endpoint. Interface and GWLB endpoints get one interface
/// per subnet; gateway endpoints add a read-only prefix-list route to each
/// route table given.
pub async fn create_endpoint(
    ctx: Ctx<'_>,
    delay: Duration,
    req: CreateVpcEndpointRequest,
    idempotency_key: Option<String>,
) -> Result<Created<Versioned<VpcEndpoint>>> {
    let idempotency_key = idempotency_key.or_else(|| req.client_token.clone());
    let idem = Idempotency::new(ctx.caller, idempotency_key, "CreateVpcEndpoint", &req);
    let account = ctx.account()?;
    let caller_arn = match ctx.caller {
        crate::service::caller::Caller::Principal(p) => p.arn.clone(),
        crate::service::caller::Caller::Admin => String::new(),
    };
    let tags = check_tags(&req.tags)?;
    let kind = req.vpc_endpoint_type.unwrap_or(VpcEndpointType::Gateway);
    let ip_type = check_ip_type(req.ip_address_type.as_deref())?;
    let dns_record_ip_type = req
        .dns_options
        .as_ref()
        .and_then(|d| d.dns_record_ip_type.clone())
        .unwrap_or_else(|| ip_type.clone());
    if !["ipv4", "service_defined"].contains(&dns_record_ip_type.as_str()) {
        return Err(Error::validation(
            "InvalidParameter",
            format!(
                "dns_options.dns_record_ip_type: '{dns_record_ip_type}' does not fit ip_address_type {ip_type}"
            ),
        ));
    }
    if let Some(p) = &req.policy_document {
        if kind == VpcEndpointType::GatewayLoadBalancer {
            return Err(Error::validation(
                "InvalidParameter",
                "gateway load balancer endpoints do not take a policy document",
            ));
        }
        linkplane_core::policy::CompiledPolicy::compile(p)?;
    }
    // Subnets: ids, or configurations with addresses.
    let mut wanted: Vec<(String, Option<u32>)> = Vec::new();
    for s in req.subnet_ids.iter().flatten() {
        wanted.push((s.clone(), None));
    }
    for c in req.subnet_configurations.iter().flatten() {
        let ip = match &c.ipv4 {
            Some(t) => Some(parse_ipv4(t)?),
            None => None,
        };
        match wanted.iter_mut().find(|(s, _)| *s == c.subnet_id) {
            Some(w) => w.1 = ip,
            None => wanted.push((c.subnet_id.clone(), ip)),
        }
    }
    let routes = req.route_table_ids.clone().unwrap_or_default();
    match kind {
        VpcEndpointType::Gateway => {
            if !wanted.is_empty() || req.security_group_ids.is_some() {
                return Err(Error::validation(
                    "InvalidParameter",
                    "gateway endpoints take route_table_ids, not subnets or security groups",
                ));
            }
            if req.private_dns_enabled == Some(true) {
                return Err(Error::validation(
                    "InvalidParameter",
                    "gateway endpoints have no private DNS",
                ));
            }
        }
        VpcEndpointType::Interface | VpcEndpointType::GatewayLoadBalancer => {
            if !routes.is_empty() {
                return Err(Error::validation(
                    "InvalidParameter",
                    format!("{} endpoints take subnets, not route tables", kind.as_str()),
                ));
            }
            if wanted.is_empty() {
                return Err(Error::missing(format!(
                    "subnet_ids: {} endpoints need at least one subnet",
                    kind.as_str()
                )));
            }
            if kind == VpcEndpointType::GatewayLoadBalancer && wanted.len() != 1 {
                return Err(Error::validation(
                    "InvalidParameter",
                    "a gateway load balancer endpoint takes exactly one subnet",
                ));
            }
        }
    }
    let (req, tags, wanted, routes, caller_arn) = (&req, &tags, &wanted, &routes, &caller_arn);
    let (ip_type, dns_record_ip_type) = (&ip_type, &dns_record_ip_type);
    let created = create_once!(ctx.store, idem.as_ref(), |tx| {
        let vpc = vpc_in_body(tx, account, &req.vpc_id).await?;
        let service_region = req
            .service_region
            .clone()
            .unwrap_or_else(|| vpc.region.clone());
        let target = resolve_service(
            tx,
            account,
            caller_arn,
            &req.service_name,
            kind,
            &vpc.region,
            &service_region,
        )
        .await?;
        // Quotas.
        if kind == VpcEndpointType::Gateway {
            if db::count_gateway_in_region(tx, account, &vpc.region).await?
                >= ep::MAX_GATEWAY_ENDPOINTS_PER_REGION
            {
                return Err(Error::validation(
                    "VpcEndpointLimitExceeded",
                    format!(
                        "the quota of {} gateway endpoints in {} is reached",
                        ep::MAX_GATEWAY_ENDPOINTS_PER_REGION,
                        vpc.region
                    ),
                ));
            }
        } else if db::count_in_vpc(tx, &vpc.vpc_id).await? >= ep::MAX_INTERFACE_ENDPOINTS_PER_VPC {
            return Err(Error::validation(
                "VpcEndpointLimitExceeded",
                format!(
                    "the quota of {} interface and gateway load balancer endpoints in {} is reached",
                    ep::MAX_INTERFACE_ENDPOINTS_PER_VPC,
                    vpc.vpc_id
                ),
            ));
        }
        let id = new_id("vpce");
        let private_dns = req.private_dns_enabled.unwrap_or(false);
        if private_dns {
            if !(vpc.enable_dns_support && vpc.enable_dns_hostnames) {
                return Err(Error::validation(
                    "InvalidParameter",
                    format!(
                        "private DNS needs enable_dns_support and enable_dns_hostnames on {}",
                        vpc.vpc_id
                    ),
                ));
            }
            target
                .private_ok
                .clone()
                .map_err(|m| Error::validation("InvalidParameter", m))?;
        }
        let now = now_ms();
        let (state, ready_at) = initial_state(
            delay,
            VpcEndpointState::on_create(kind.into(), target.acceptance_required),
        );
        let policy = match kind {
            VpcEndpointType::GatewayLoadBalancer => None,
            _ => Some(
                req.policy_document
                    .clone()
                    .unwrap_or_else(|| ep::DEFAULT_POLICY.to_string()),
            ),
        };
        let row = EndpointRow {
            vpc_endpoint_id: id.clone(),
            account_id: account.to_string(),
            region: vpc.region.clone(),
            vpc_id: vpc.vpc_id.clone(),
            vpc_endpoint_type: kind.into(),
            service_name: target.name.clone(),
            service_id: target.service_id.clone(),
            service_owner: target.owner.clone(),
            service_region: target.region.clone(),
            state,
            ready_at,
            policy_document: policy,
            private_dns_enabled: private_dns,
            ip_address_type: ip_type.clone(),
            dns_record_ip_type: dns_record_ip_type.clone(),
            dns_token: linkplane_core::ids::format_token(rand::random(), 8),
            created_at: now,
            updated_at: now,
            version: 1,
        };
        db::insert_endpoint(tx, &row).await?;
        crate::service::notification::emit(tx, "connect", &row, state.as_str()).await?;
        if private_dns {
            for n in &target.private_names {
                if let Some(holder) = db::claim_private_dns(tx, &vpc.vpc_id, n, &id).await? {
                    return Err(Error::conflict(
                        "InvalidParameter",
                        format!(
                            "private-dns-enabled cannot be set because there is already a conflicting DNS domain for {n} in the VPC {} ({holder})",
                            vpc.vpc_id
                        ),
                    ));
                }
            }
        }
        if kind == VpcEndpointType::Gateway {
            add_route_tables(tx, account, &vpc, &id, &target.name, &target.part, routes).await?;
        } else {
            let groups = if kind == VpcEndpointType::Interface {
                checked_groups(tx, account, &vpc.vpc_id, req.security_group_ids.as_deref()).await?
            } else {
                Vec::new()
            };
            for (i, g) in groups.iter().enumerate() {
                db::insert_group(tx, &id, g, i as i64).await?;
            }
            add_subnets(
                tx,
                account,
                &vpc.vpc_id,
                &id,
                kind,
                &target.name,
                if target.region == vpc.region {
                    target.zone_ids.as_ref()
                } else {
                    None
                },
                &groups,
                wanted,
                &[],
            )
            .await?;
        }
        tags::replace(tx, account, &id, tags).await?;
        Ok(id)
    })?;
    created
        .load(|id| async move { get_endpoint(ctx, &id).await })
        .await
}

/// Adds route tables to a gateway endpoint: each gets the read-only route
/// `prefix list of the service -> vpce-...`; one endpoint route per service
/// per table.
async fn add_route_tables(
    tx: &mut Tx,
    account: &str,
    vpc: &crate::store::network::VpcRow,
    id: &str,
    service_name: &str,
    service_code: &str,
    tables: &[String],
) -> Result<()> {
    let pl_id = catalog::catalog()
        .prefix_list_for(&vpc.region, service_code)
        .map(|p| p.prefix_list_id.clone())
        .ok_or_else(|| Error::internal(format!("no prefix list for {service_name}")))?;
    let now = now_ms();
    let mut seen = BTreeSet::new();
    for rt in tables {
        if !seen.insert(rt.clone()) {
            continue;
        }
        let table = net_db::get_route_table(&mut **tx, account, rt)
            .await?
            .ok_or_else(|| unknown("InvalidRouteTableID.NotFound", "route table", rt))?;
        if table.vpc_id != vpc.vpc_id {
            return Err(Error::invalid_value(format!(
                "route table {rt} is in {}, not {}",
                table.vpc_id, vpc.vpc_id
            )));
        }
        let clash = || {
            Error::conflict(
                "RouteAlreadyExists",
                format!("route table {rt} already has a route to {pl_id} ({service_name})"),
            )
        };
        if net_db::get_route(tx, rt, &pl_id).await?.is_some() {
            return Err(clash());
        }
        match db::insert_route_table(tx, id, rt, service_name).await {
            Err(StoreError::Conflict(_)) => return Err(clash()),
            other => other?,
        }
        net_db::insert_route(
            tx,
            &RouteRow {
                route_table_id: rt.clone(),
                destination: pl_id.clone(),
                destination_kind: "prefix_list".to_string(),
                target_kind: "gateway_endpoint".to_string(),
                target_id: id.to_string(),
                origin: "vpc_endpoint".to_string(),
                created_at: now,
            },
        )
        .await?;
        net_db::touch_route_table(tx, rt, now).await?;
    }
    Ok(())
}

/// Adds subnets to an interface or GWLB endpoint: each in the VPC, in a
/// zone the service offers, one per zone (counting `existing_zones`), with
/// a requester-managed interface holding an address of the subnet.
#[allow(clippy::too_many_arguments)]
async fn add_subnets(
    tx: &mut Tx,
    account: &str,
    vpc_id: &str,
    id: &str,
    kind: VpcEndpointType,
    service_name: &str,
    service_zones: Option<&BTreeSet<String>>,
    groups: &[String],
    wanted: &[(String, Option<u32>)],
    existing: &[(String, String)],
) -> Result<()> {
    let mut subnets = Vec::new();
    for (s, ip) in wanted {
        let subnet = subnet_in_body(tx, account, s).await?;
        if subnet.vpc_id != vpc_id {
            return Err(Error::invalid_value(format!(
                "subnet {s} is in {}, not {vpc_id}",
                subnet.vpc_id
            )));
        }
        if let Some(zones) = service_zones
            && !zones.contains(&subnet.zone_id)
        {
            return Err(Error::validation(
                "InvalidParameter",
                format!(
                    "The VPC endpoint service {service_name} does not support the availability zone of the subnet: {s}."
                ),
            ));
        }
        subnets.push((subnet, *ip));
    }
    let mut pairs: Vec<(&str, &str)> = existing
        .iter()
        .map(|(s, z)| (s.as_str(), z.as_str()))
        .collect();
    pairs.extend(
        subnets
            .iter()
            .map(|(s, _)| (s.subnet_id.as_str(), s.zone_id.as_str())),
    );
    net::one_subnet_per_zone(&pairs)?;
    for (subnet, ip) in &subnets {
        let eni = insert_interface(
            tx,
            subnet,
            InterfaceSpec {
                requested_ip: *ip,
                group_ids: groups.to_vec(),
                interface_type: match kind {
                    VpcEndpointType::GatewayLoadBalancer => "gateway_load_balancer_endpoint",
                    _ => "vpc_endpoint",
                },
                requester_managed: true,
                attached_resource_id: Some(id.to_string()),
                description: format!("VPC Endpoint Interface {id}"),
            },
        )
        .await?;
        db::insert_subnet(
            tx,
            id,
            &subnet.subnet_id,
            &subnet.zone_id,
            &eni.network_interface_id,
        )
        .await?;
    }
    Ok(())
}

/// The pieces of endpoints that live in side tables, by endpoint id.
struct Parts {
    subnets: HashMap<String, Vec<(String, String, String)>>,
    routes: HashMap<String, Vec<String>>,
    groups: HashMap<String, Vec<String>>,
    tags: HashMap<String, Tags>,
}

async fn parts(ctx: Ctx<'_>, ids: &[&str]) -> Result<Parts> {
    let pool = ctx.store.pool();
    let mut p = Parts {
        subnets: HashMap::new(),
        routes: HashMap::new(),
        groups: HashMap::new(),
        tags: tags_of(ctx.store, ids).await?,
    };
    for (e, s, z, eni) in db::subnets_of(pool, ids).await? {
        p.subnets.entry(e).or_default().push((s, z, eni));
    }
    for (e, rt) in db::route_tables_of(pool, ids).await? {
        p.routes.entry(e).or_default().push(rt);
    }
    for (e, g) in db::groups_of(pool, ids).await? {
        p.groups.entry(e).or_default().push(g);
    }
    Ok(p)
}

/// DNS entries of an interface endpoint, zones named as `viewer` names them.
/// Zone names by (account, zone id), computed once per page.
type ZoneNames = HashMap<(String, String), String>;

fn entries_of(
    r: &EndpointRow,
    subnets: &[(String, String, String)],
    viewer: &str,
    names: &mut ZoneNames,
) -> Vec<DnsEntry> {
    if r.vpc_endpoint_type != EndpointType::Interface || r.state.is_deleting_or_deleted() {
        return Vec::new();
    }
    let (part, private): (String, Vec<String>) = match &r.service_id {
        Some(id) => (id.clone(), Vec::new()),
        None => {
            let code = r
                .service_name
                .rsplit_once(&format!("{}.", r.service_region))
                .map(|(_, c)| c.to_string())
                .unwrap_or_default();
            let private = if r.private_dns_enabled {
                catalog::catalog()
                    .aws_service_by_name(&r.service_name)
                    .map(|s| s.private_dns_names())
                    .unwrap_or_default()
            } else {
                Vec::new()
            };
            (code, private)
        }
    };
    let zone_names: Vec<String> = subnets
        .iter()
        .map(|(_, z, _)| {
            names
                .entry((viewer.to_string(), z.clone()))
                .or_insert_with(|| zone_name(viewer, z))
                .clone()
        })
        .collect();
    ep::dns_entries(&EndpointNames {
        endpoint_id: &r.vpc_endpoint_id,
        token: &r.dns_token,
        service_part: &part,
        service_region: &r.service_region,
        wildcard: part == "s3",
        zone_names: &zone_names,
        private_names: &private,
    })
    .into_iter()
    .map(|d| DnsEntry {
        dns_name: d.dns_name,
        hosted_zone_id: d.hosted_zone_id,
    })
    .collect()
}

/// Private DNS names of customer services, added by the caller that knows
/// the service (consumer view): the service's current name while it is
/// verified, as the VPC's resolver answers it (a replaced name pending
/// verification, or a removed one, serves no endpoint).
async fn customer_private_names(ctx: Ctx<'_>, r: &EndpointRow) -> Result<Vec<String>> {
    match (&r.service_id, r.private_dns_enabled) {
        (Some(id), true) => Ok(prod_db::get_service(ctx.store.pool(), None, id)
            .await?
            .filter(|s| s.pdns_state.is_some_and(PrivateDnsState::is_verified))
            .and_then(|s| s.private_dns_name)
            .into_iter()
            .collect()),
        _ => Ok(Vec::new()),
    }
}

async fn endpoints_of(ctx: Ctx<'_>, rows: Vec<EndpointRow>) -> Result<Vec<Versioned<VpcEndpoint>>> {
    let ids: Vec<&str> = rows.iter().map(|r| r.vpc_endpoint_id.as_str()).collect();
    let mut p = parts(ctx, &ids).await?;
    let mut names = ZoneNames::new();
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let subnets = p.subnets.remove(&r.vpc_endpoint_id).unwrap_or_default();
        let mut dns = entries_of(&r, &subnets, &r.account_id, &mut names);
        if !dns.is_empty() {
            for n in customer_private_names(ctx, &r).await? {
                dns.push(DnsEntry {
                    dns_name: n,
                    hosted_zone_id: ep::derived_zone_id(&r.vpc_endpoint_id),
                });
            }
        }
        let is_interface = r.vpc_endpoint_type == EndpointType::Interface;
        out.push(Versioned {
            version: r.version,
            value: VpcEndpoint {
                tags: p.tags.remove(&r.vpc_endpoint_id).unwrap_or_default(),
                route_table_ids: p.routes.remove(&r.vpc_endpoint_id).unwrap_or_default(),
                security_group_ids: p.groups.remove(&r.vpc_endpoint_id).unwrap_or_default(),
                subnet_ids: subnets.iter().map(|(s, _, _)| s.clone()).collect(),
                network_interface_ids: subnets.into_iter().map(|(_, _, e)| e).collect(),
                dns_entries: dns,
                dns_options: is_interface.then(|| DnsOptions {
                    dns_record_ip_type: Some(r.dns_record_ip_type.clone()),
                }),
                vpc_endpoint_type: r.vpc_endpoint_type.into(),
                vpc_endpoint_id: r.vpc_endpoint_id,
                vpc_id: r.vpc_id,
                service_name: r.service_name,
                service_region: r.service_region,
                state: r.state.to_string(),
                policy_document: r.policy_document,
                private_dns_enabled: r.private_dns_enabled,
                ip_address_type: r.ip_address_type,
                owner_id: r.account_id,
                requester_managed: false,
                region: r.region,
                creation_timestamp: timestamp(r.created_at),
            },
        });
    }
    Ok(out)
}

pub async fn get_endpoint(ctx: Ctx<'_>, id: &str) -> Result<Versioned<VpcEndpoint>> {
    let account = ctx.account()?;
    let row = db::get_endpoint(ctx.store.pool(), Some(account), id)
        .await?
        .ok_or_else(|| endpoint_not_found(id))?;
    endpoints_of(ctx, vec![row])
        .await?
        .pop()
        .ok_or_else(|| endpoint_not_found(id))
}

/// Filters of `GET /v1/vpc-endpoints`.
#[derive(Debug, Clone, Default)]
pub struct ListVpcEndpoints {
    pub vpc_id: Option<String>,
    pub service_name: Option<String>,
    pub state: Option<String>,
    pub vpc_endpoint_type: Option<VpcEndpointType>,
    pub tags: Vec<TagFilter>,
    pub max_results: Option<u32>,
    pub next_token: Option<String>,
}

pub async fn list_endpoints(
    ctx: Ctx<'_>,
    q: ListVpcEndpoints,
) -> Result<(Vec<VpcEndpoint>, Option<String>)> {
    let account = ctx.account()?;
    let spec = pagination::page_spec("vpc-endpoints", q.max_results, q.next_token.as_deref())?;
    let filter = ListFilter {
        tags: q.tags,
        ..Default::default()
    }
    .eq("vpc_id", q.vpc_id)
    .eq("service_name", q.service_name)
    .eq("state", q.state)
    .eq("vpc_endpoint_type", q.vpc_endpoint_type.map(|t| t.as_str()));
    let page = db::list_endpoints(ctx.store.pool(), account, &filter, &spec).await?;
    let next = pagination::next_token("vpc-endpoints", &page);
    let items = endpoints_of(ctx, page.items)
        .await?
        .into_iter()
        .map(|v| v.value)
        .collect();
    Ok((items, next))
}

/// Frees what an endpoint holds: interfaces (and their addresses), routes,
/// group links, private DNS names.
async fn release(tx: &mut Tx, account: &str, r: &EndpointRow) -> Result<()> {
    let subnets = db::subnets_of(&mut **tx, &[r.vpc_endpoint_id.as_str()]).await?;
    db::delete_subnets(tx, &r.vpc_endpoint_id).await?;
    for (_, _, _, eni) in subnets {
        if let Some(row) = net_db::get_interface(&mut **tx, account, &eni).await? {
            remove_interface(tx, &row).await?;
        }
    }
    db::delete_route_tables(tx, &r.vpc_endpoint_id).await?;
    db::delete_groups(tx, &r.vpc_endpoint_id).await?;
    db::release_private_dns(tx, &r.vpc_endpoint_id).await?;
    Ok(())
}

/// Deletes an endpoint (the consumer only): `deleting`, then `deleted`,
/// which both sides see until the retention period ends. Its interfaces,
/// routes and private DNS names go at once.
pub async fn delete_endpoint(ctx: Ctx<'_>, delay: Duration, id: &str) -> Result<()> {
    let account = ctx.account()?;
    crate::service::retry_tx(|| async move {
        let mut tx = ctx.store.begin().await?;
        let row = db::get_endpoint(&mut *tx, Some(account), id)
            .await?
            .ok_or_else(|| endpoint_not_found(id))?;
        let Some(deleting) = row.state.delete() else {
            return Ok(());
        };
        if row.vpc_endpoint_type == EndpointType::GatewayLoadBalancer {
            let tables = net_db::routes_to(&mut tx, id).await?;
            if !tables.is_empty() {
                return Err(Error::conflict(
                    "DependencyViolation",
                    format!(
                        "gateway load balancer endpoint {id} is the target of routes in {}; delete them first",
                        tables.join(", ")
                    ),
                ));
            }
        }
        release(&mut tx, account, &row).await?;
        let (state, ready_at) = initial_state(delay, deleting);
        if !db::set_state(&mut tx, id, state, ready_at, row.version, now_ms()).await? {
            return Err(Error::contention(format!(
                "endpoint {id} changed while it was being deleted"
            )));
        }
        crate::service::notification::emit(&mut tx, "delete", &row, state.as_str()).await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(())
    })
    .await?;
    Ok(())
}

// ---- the producer's view ----

async fn connections_of(
    ctx: Ctx<'_>,
    rows: Vec<EndpointRow>,
    owner: &str,
) -> Result<Vec<VpcEndpointConnection>> {
    let ids: Vec<&str> = rows.iter().map(|r| r.vpc_endpoint_id.as_str()).collect();
    // Only the subnets matter here (for the DNS names): one query, not four.
    let mut subnets_by: HashMap<String, Vec<(String, String, String)>> = HashMap::new();
    for (e, s, z, eni) in db::subnets_of_many(ctx.store.pool(), ctx.store.backend(), &ids).await? {
        subnets_by.entry(e).or_default().push((s, z, eni));
    }
    let sids: BTreeSet<&str> = rows
        .iter()
        .filter_map(|r| r.service_id.as_deref())
        .collect();
    let sids: Vec<&str> = sids.into_iter().collect();
    let lbs = prod_db::service_load_balancers(ctx.store.pool(), &sids).await?;
    let mut names = ZoneNames::new();
    Ok(rows
        .into_iter()
        .map(|r| {
            let subnets = subnets_by.remove(&r.vpc_endpoint_id).unwrap_or_default();
            let sid = r.service_id.clone().unwrap_or_default();
            let arns: Vec<String> = lbs
                .iter()
                .filter(|(s, _)| *s == sid)
                .map(|(_, a)| a.clone())
                .collect();
            let gwlb = r.vpc_endpoint_type == EndpointType::GatewayLoadBalancer;
            VpcEndpointConnection {
                dns_entries: entries_of(&r, &subnets, owner, &mut names),
                service_id: sid,
                vpc_endpoint_owner: r.account_id,
                vpc_endpoint_state: r.state.to_string(),
                vpc_endpoint_region: r.region,
                creation_timestamp: timestamp(r.created_at),
                network_load_balancer_arns: if gwlb { Vec::new() } else { arns.clone() },
                gateway_load_balancer_arns: if gwlb { arns } else { Vec::new() },
                ip_address_type: r.ip_address_type,
                vpc_endpoint_id: r.vpc_endpoint_id,
            }
        })
        .collect())
}

/// Filters of `GET /v1/endpoint-services/{id}/connections`.
#[derive(Debug, Clone, Default)]
pub struct ListConnections {
    pub vpc_endpoint_state: Option<String>,
    pub vpc_endpoint_owner: Option<String>,
    pub max_results: Option<u32>,
    pub next_token: Option<String>,
}

pub async fn list_connections(
    ctx: Ctx<'_>,
    service_id: &str,
    q: ListConnections,
) -> Result<(Vec<VpcEndpointConnection>, Option<String>)> {
    let account = ctx.account()?;
    let spec = pagination::page_spec("connections", q.max_results, q.next_token.as_deref())?;
    let filter = ListFilter::default()
        .eq("state", q.vpc_endpoint_state)
        .eq("account_id", q.vpc_endpoint_owner);
    let page = db::list_connections(
        ctx.store.pool(),
        ctx.store.backend(),
        account,
        service_id,
        &filter,
        &spec,
    )
    .await?;
    if page.items.is_empty() {
        // Empty: no connections yet, or not the caller's service.
        prod_db::get_service(ctx.store.pool(), Some(account), service_id)
            .await?
            .ok_or_else(|| service_not_found(service_id))?;
    }
    let next = pagination::next_token("connections", &page);
    Ok((connections_of(ctx, page.items, account).await?, next))
}

/// Accepts or rejects connections of a service. Each id is one item: those
/// that cannot be acted on are answered as `unsuccessful`, not as an error.
/// Ids are handled in sorted order so that concurrent batches never lock
/// rows in opposite orders.
pub async fn decide(
    ctx: Ctx<'_>,
    delay: Duration,
    service_id: &str,
    req: ConnectionsRequest,
    accept: bool,
) -> Result<BatchResult> {
    let account = ctx.account()?;
    if req.vpc_endpoint_ids.is_empty() {
        return Err(Error::missing("vpc_endpoint_ids: at least one endpoint"));
    }
    let mut ids: Vec<String> = req.vpc_endpoint_ids.clone();
    ids.sort();
    ids.dedup();
    let ids = &ids;
    let unsuccessful = crate::service::retry_tx(|| async move {
        let mut tx = ctx.store.begin().await?;
        prod_db::get_service(&mut *tx, Some(account), service_id)
            .await?
            .ok_or_else(|| service_not_found(service_id))?;
        let mut unsuccessful = Vec::new();
        let now = now_ms();
        for id in ids {
            let fail = |code: &str, message: String| UnsuccessfulItem {
                resource_id: id.clone(),
                code: code.to_string(),
                message,
            };
            let Some(row) = db::get_endpoint(&mut *tx, None, id)
                .await?
                .filter(|r| r.service_id.as_deref() == Some(service_id))
            else {
                unsuccessful.push(fail(
                    "InvalidVpcEndpointId.NotFound",
                    format!("The Vpc Endpoint Id '{id}' is not a connection of {service_id}"),
                ));
                continue;
            };
            let next = if accept {
                row.state.accept(id)
            } else {
                row.state.reject(id)
            };
            let (state, ready_at) = match next {
                Ok(s) => initial_state(delay, s),
                Err(e) => {
                    unsuccessful.push(fail(e.code, e.message));
                    continue;
                }
            };
            if !db::set_state(&mut tx, id, state, ready_at, row.version, now).await? {
                // Moved on (the workflow, another replica) since it was
                // read: the whole batch runs again over fresh rows.
                return Err(Error::contention(format!(
                    "endpoint {id} changed while this request ran"
                )));
            }
            let event = if accept { "accept" } else { "reject" };
            crate::service::notification::emit(&mut tx, event, &row, state.as_str()).await?;
        }
        tx.commit().await.map_err(StoreError::from)?;
        Ok(unsuccessful)
    })
    .await?;
    Ok(BatchResult { unsuccessful })
}

// ---- changes ----

/// `PATCH /v1/vpc-endpoints/{vpc_endpoint_id}` (`ModifyVpcEndpoint`): only
/// the fields to change.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateVpcEndpointRequest {
    /// Interface: subnets to add (an interface each, one subnet per zone).
    #[schema(value_type = Option<Vec<schema::SubnetId>>)]
    pub add_subnet_ids: Option<Vec<String>>,
    /// Interface: subnets to remove (their interfaces go); one must remain.
    #[schema(value_type = Option<Vec<schema::SubnetId>>)]
    pub remove_subnet_ids: Option<Vec<String>>,
    /// Gateway: route tables that get the endpoint's route.
    #[schema(value_type = Option<Vec<schema::RouteTableId>>)]
    pub add_route_table_ids: Option<Vec<String>>,
    /// Gateway: route tables that lose it.
    #[schema(value_type = Option<Vec<schema::RouteTableId>>)]
    pub remove_route_table_ids: Option<Vec<String>>,
    /// Interface: groups to add to the endpoint's interfaces.
    #[schema(value_type = Option<Vec<schema::SecurityGroupId>>)]
    pub add_security_group_ids: Option<Vec<String>>,
    /// Interface: groups to remove; one must remain.
    #[schema(value_type = Option<Vec<schema::SecurityGroupId>>)]
    pub remove_security_group_ids: Option<Vec<String>>,
    /// JSON text, at most 20,480 characters; not with `reset_policy: true`.
    #[schema(max_length = 20480)]
    pub policy_document: Option<String>,
    /// Back to the default full-access policy.
    pub reset_policy: Option<bool>,
    /// Interface: turn private DNS on (same checks as at create) or off.
    pub private_dns_enabled: Option<bool>,
    /// Replaces every tag.
    pub tags: Option<Tags>,
}

/// What a change needs to know of the endpoint's service.
struct ServiceFacts {
    zones: Option<BTreeSet<String>>,
    private_names: Vec<String>,
    private_ok: Result<(), String>,
}

async fn service_facts(tx: &mut Tx, r: &EndpointRow) -> Result<ServiceFacts> {
    match &r.service_id {
        Some(id) => {
            let svc = prod_db::get_service(&mut **tx, None, id).await?;
            let zones: BTreeSet<String> = prod_db::service_lb_zones(&mut **tx, &[id.as_str()])
                .await?
                .into_iter()
                .map(|(_, _, z)| z)
                .collect();
            let (names, ok) = match svc {
                Some(s) => {
                    let ok = match (&s.private_dns_name, s.pdns_state) {
                        (Some(_), Some(PrivateDnsState::Verified)) => Ok(()),
                        (Some(n), _) => Err(format!("the private DNS name {n} is not verified")),
                        (None, _) => Err(format!("{} has no private DNS name", r.service_name)),
                    };
                    (s.private_dns_name.into_iter().collect(), ok)
                }
                None => (
                    Vec::new(),
                    Err(format!("{} no longer exists", r.service_name)),
                ),
            };
            Ok(ServiceFacts {
                zones: Some(zones),
                private_names: names,
                private_ok: ok,
            })
        }
        None => {
            let names = catalog::catalog()
                .aws_service_by_name(&r.service_name)
                .map(|s| s.private_dns_names())
                .unwrap_or_default();
            Ok(ServiceFacts {
                zones: None,
                private_ok: if names.is_empty() {
                    Err(format!("{} does not support private DNS", r.service_name))
                } else {
                    Ok(())
                },
                private_names: names,
            })
        }
    }
}

fn not_for(kind: &str, what: &str) -> Error {
    Error::validation(
        "InvalidParameter",
        format!("{what} does not apply to {kind} endpoints"),
    )
}

pub async fn update_endpoint(
    ctx: Ctx<'_>,
    delay: Duration,
    id: &str,
    req: UpdateVpcEndpointRequest,
    precondition: &Precondition,
) -> Result<Versioned<VpcEndpoint>> {
    let account = ctx.account()?;
    if let Some(t) = &req.tags {
        linkplane_core::tags::validate_tags(t)?;
    }
    if req.policy_document.is_some() && req.reset_policy == Some(true) {
        return Err(Error::validation(
            "InvalidParameterCombination",
            "policy_document and reset_policy cannot be given together",
        ));
    }
    if let Some(p) = &req.policy_document {
        linkplane_core::policy::CompiledPolicy::compile(p)?;
    }
    let req = &req;
    crate::service::retry_tx(|| async move {
        let mut tx = ctx.store.begin().await?;
        let row = db::get_endpoint(&mut *tx, Some(account), id)
            .await?
            .ok_or_else(|| endpoint_not_found(id))?;
        precondition.check(&format!("\"v{}\"", row.version))?;
        let modified = row.state.modify(id)?;
        let kind = VpcEndpointType::from(row.vpc_endpoint_type);
        let kname = kind.as_str();
        let nonempty = |v: &Option<Vec<String>>| v.as_ref().is_some_and(|x| !x.is_empty());
        if kind != VpcEndpointType::Gateway
            && (nonempty(&req.add_route_table_ids) || nonempty(&req.remove_route_table_ids))
        {
            return Err(not_for(kname, "route tables"));
        }
        if kind != VpcEndpointType::Interface {
            if nonempty(&req.add_subnet_ids) || nonempty(&req.remove_subnet_ids) {
                return Err(not_for(kname, "changing subnets"));
            }
            if nonempty(&req.add_security_group_ids) || nonempty(&req.remove_security_group_ids) {
                return Err(not_for(kname, "security groups"));
            }
            if req.private_dns_enabled.is_some() {
                return Err(not_for(kname, "private DNS"));
            }
        }
        if kind == VpcEndpointType::GatewayLoadBalancer
            && (req.policy_document.is_some() || req.reset_policy.is_some())
        {
            return Err(not_for(kname, "a policy"));
        }
        let vpc = net_db::get_vpc(&mut *tx, Some(account), &row.vpc_id)
            .await?
            .ok_or_else(|| Error::internal(format!("VPC {} vanished", row.vpc_id)))?;
        let facts = service_facts(&mut tx, &row).await?;
        // Route tables.
        let current_rts: Vec<String> = db::route_tables_of(&mut *tx, &[id])
            .await?
            .into_iter()
            .map(|(_, r)| r)
            .collect();
        for rt in req.remove_route_table_ids.iter().flatten() {
            if !current_rts.contains(rt) {
                return Err(Error::validation(
                    "InvalidParameter",
                    format!("route table {rt} is not a route table of {id}"),
                ));
            }
            db::delete_route_table(&mut tx, id, rt).await?;
            net_db::touch_route_table(&mut tx, rt, now_ms()).await?;
        }
        if let Some(add) = req.add_route_table_ids.as_ref().filter(|v| !v.is_empty()) {
            let fresh: Vec<String> = add
                .iter()
                .filter(|r| !current_rts.contains(r))
                .cloned()
                .collect();
            let code = row
                .service_name
                .rsplit('.')
                .next()
                .unwrap_or_default()
                .to_string();
            add_route_tables(&mut tx, account, &vpc, id, &row.service_name, &code, &fresh).await?;
        }
        // Security groups (on the endpoint and its interfaces).
        let mut groups: Vec<String> = db::groups_of(&mut *tx, &[id])
            .await?
            .into_iter()
            .map(|(_, g)| g)
            .collect();
        let subnets_now = db::subnets_of(&mut *tx, &[id]).await?;
        if let Some(add) = req
            .add_security_group_ids
            .as_ref()
            .filter(|v| !v.is_empty())
        {
            let checked = checked_groups(&mut tx, account, &row.vpc_id, Some(add)).await?;
            for g in checked {
                if groups.contains(&g) {
                    continue;
                }
                db::insert_group(&mut tx, id, &g, groups.len() as i64).await?;
                for (_, _, _, eni) in &subnets_now {
                    net_db::set_interface_group(&mut tx, eni, &g, Some(groups.len() as i64)).await?;
                }
                groups.push(g);
            }
        }
        for g in req.remove_security_group_ids.iter().flatten() {
            if !groups.contains(g) {
                continue;
            }
            if groups.len() == 1 {
                return Err(Error::validation(
                    "InvalidParameter",
                    format!("endpoint {id} must keep at least one security group"),
                ));
            }
            db::delete_group(&mut tx, id, g).await?;
            for (_, _, _, eni) in &subnets_now {
                net_db::set_interface_group(&mut tx, eni, g, None).await?;
            }
            groups.retain(|x| x != g);
        }
        // Subnets.
        let mut existing: Vec<(String, String)> = subnets_now
            .iter()
            .map(|(_, s, z, _)| (s.clone(), z.clone()))
            .collect();
        for s in req.remove_subnet_ids.iter().flatten() {
            let Some((_, _, _, eni)) = subnets_now.iter().find(|(_, x, _, _)| x == s) else {
                return Err(Error::validation(
                    "InvalidParameter",
                    format!("subnet {s} is not a subnet of {id}"),
                ));
            };
            db::delete_subnet(&mut tx, id, s).await?;
            if let Some(e) = net_db::get_interface(&mut *tx, account, eni).await? {
                remove_interface(&mut tx, &e).await?;
            }
            existing.retain(|(x, _)| x != s);
        }
        if let Some(add) = req.add_subnet_ids.as_ref().filter(|v| !v.is_empty()) {
            let wanted: Vec<(String, Option<u32>)> = add
                .iter()
                .filter(|s| !existing.iter().any(|(x, _)| x == *s))
                .map(|s| (s.clone(), None))
                .collect();
            add_subnets(
                &mut tx,
                account,
                &row.vpc_id,
                id,
                kind,
                &row.service_name,
                facts.zones.as_ref(),
                &groups,
                &wanted,
                &existing,
            )
            .await?;
            existing.extend(wanted.into_iter().map(|(s, _)| (s, String::new())));
        }
        if kind == VpcEndpointType::Interface && existing.is_empty() {
            return Err(Error::validation(
                "InvalidParameter",
                format!("endpoint {id} must keep at least one subnet"),
            ));
        }
        // Private DNS.
        let mut private_dns = row.private_dns_enabled;
        match req.private_dns_enabled {
            Some(true) if !row.private_dns_enabled => {
                if !(vpc.enable_dns_support && vpc.enable_dns_hostnames) {
                    return Err(Error::validation(
                        "InvalidParameter",
                        format!(
                            "private DNS needs enable_dns_support and enable_dns_hostnames on {}",
                            vpc.vpc_id
                        ),
                    ));
                }
                facts
                    .private_ok
                    .clone()
                    .map_err(|m| Error::validation("InvalidParameter", m))?;
                for n in &facts.private_names {
                    if let Some(holder) = db::claim_private_dns(&mut tx, &vpc.vpc_id, n, id).await? {
                        return Err(Error::conflict(
                            "InvalidParameter",
                            format!(
                                "private-dns-enabled cannot be set because there is already a conflicting DNS domain for {n} in the VPC {} ({holder})",
                                vpc.vpc_id
                            ),
                        ));
                    }
                }
                private_dns = true;
            }
            Some(false) if row.private_dns_enabled => {
                db::release_private_dns(&mut tx, id).await?;
                private_dns = false;
            }
            _ => {}
        }
        // Policy.
        let policy = if req.reset_policy == Some(true) {
            Some(ep::DEFAULT_POLICY.to_string())
        } else if let Some(p) = &req.policy_document {
            Some(p.clone())
        } else {
            row.policy_document.clone()
        };
        db::set_policy(&mut tx, id, policy.as_deref(), private_dns, now_ms()).await?;
        // A modified endpoint goes back to `pending` until the change is done
        // (at once without a provisioning delay).
        if modified != row.state && !delay.is_zero() {
            db::set_pending(&mut tx, id, now_ms() + delay.as_millis() as i64).await?;
        }
        if let Some(t) = &req.tags {
            tags::replace(&mut tx, account, id, t).await?;
        }
        tx.commit().await.map_err(StoreError::from)?;
        Ok(())
    })
    .await?;
    get_endpoint(ctx, id).await
}
