//! The consumer side: VPC endpoints of all three types (created in
//! [`create`], changed in [`update`]). The producer's view of endpoints to
//! its services, and accepting or rejecting them, is
//! `service::producer::connections`.

mod create;
mod update;

pub use create::{CreateVpcEndpointRequest, create_endpoint};
pub use update::{UpdateVpcEndpointRequest, update_endpoint};

use crate::error::{Error, Result};
use crate::pagination;
use crate::schema;
use crate::service::network::interface::{InterfaceSpec, insert_interface, remove_interface};
use crate::service::network::vpc::subnet_in_body;
use crate::service::network::{Ctx, tagged, unknown, zone_name};
use crate::service::producer::loadbalancer::initial_state;
use crate::service::{Versioned, values};
use crate::store::consumer::{self as db, EndpointRow};
use crate::store::filter::AnyOf;
use crate::store::filter::Scope;
use crate::store::network::{self as net_db, RouteRow};
use crate::store::producer as prod_db;
use crate::store::tags::{TagFilter, Tags};
use crate::store::{StoreError, Tx, now_ms};
use crate::transaction;
use crate::util::timestamp;
use linkplane_core::catalog::{self, EndpointType};
use linkplane_core::endpoint::{self as ep, EndpointNames};
use linkplane_core::lifecycle::PrivateDnsState;
use linkplane_core::net::{self};
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

pub(crate) fn endpoint_not_found(id: &str) -> Error {
    Error::not_found(
        "InvalidVpcEndpointId.NotFound",
        format!("The Vpc Endpoint Id '{id}' does not exist"),
    )
}

/// Private DNS for an endpoint, at create or when turned on later: its VPC
/// resolves names and gives hostnames, and the service's private names may
/// be used (`private_ok`, the reason when not).
pub(crate) fn check_private_dns(
    vpc: &crate::store::network::VpcRow,
    private_ok: &std::result::Result<(), String>,
) -> Result<()> {
    if !(vpc.enable_dns_support && vpc.enable_dns_hostnames) {
        return Err(Error::validation(
            "InvalidParameter",
            format!(
                "private DNS needs enable_dns_support and enable_dns_hostnames on {}",
                vpc.vpc_id
            ),
        ));
    }
    private_ok
        .clone()
        .map_err(|m| Error::validation("InvalidParameter", m))
}

/// Adds route tables to a gateway endpoint: each gets the read-only route
/// `prefix list of the service -> vpce-...`; one endpoint route per service
/// per table.
pub(crate) async fn add_route_tables(
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
pub(crate) async fn add_subnets(
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
    parts_from(db::parts_of(ctx.store.pool(), ids).await?)
}

fn parts_from(rows: Vec<db::PartRow>) -> Result<Parts> {
    let mut p = Parts {
        subnets: HashMap::new(),
        routes: HashMap::new(),
        groups: HashMap::new(),
        tags: HashMap::new(),
    };
    let mut groups: HashMap<String, Vec<(i64, String)>> = HashMap::new();
    for (kind, e, a, b, c) in rows {
        match kind.as_str() {
            "t" => {
                p.tags.entry(e).or_default().insert(a, b);
            }
            "s" => p.subnets.entry(e).or_default().push((a, b, c)),
            "r" => p.routes.entry(e).or_default().push(a),
            "g" => {
                let position = b.parse().map_err(|_| {
                    Error::internal(format!(
                        "vpc_endpoint_groups.position: '{b}' is not a number"
                    ))
                })?;
                groups.entry(e).or_default().push((position, a));
            }
            other => return Err(Error::internal(format!("endpoint part kind '{other}'"))),
        }
    }
    // In the order the per-table reads gave: subnets by zone, route tables
    // by id, groups by position.
    for v in p.subnets.values_mut() {
        v.sort_by(|x, y| (&x.1, &x.0).cmp(&(&y.1, &y.0)));
    }
    for v in p.routes.values_mut() {
        v.sort();
    }
    for (e, mut v) in groups {
        v.sort();
        p.groups.insert(e, v.into_iter().map(|(_, g)| g).collect());
    }
    Ok(p)
}

/// DNS entries of an interface endpoint, zones named as `viewer` names them.
/// Zone names by (account, zone id), computed once per page.
pub(crate) type ZoneNames = HashMap<(String, String), String>;

pub(crate) fn entries_of(
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
/// verification, or a removed one, serves no endpoint). `known` holds the
/// services a page has read already, so a page of endpoints to one service
/// reads it once.
async fn customer_private_names(
    ctx: Ctx<'_>,
    r: &EndpointRow,
    known: &mut HashMap<String, Vec<String>>,
) -> Result<Vec<String>> {
    let (Some(id), true) = (&r.service_id, r.private_dns_enabled) else {
        return Ok(Vec::new());
    };
    if let Some(names) = known.get(id) {
        return Ok(names.clone());
    }
    let names: Vec<String> = prod_db::get_service(ctx.store.pool(), Scope::AnyAccount, id)
        .await?
        .filter(|s| s.pdns_state.is_some_and(PrivateDnsState::is_verified))
        .and_then(|s| s.private_dns_name)
        .into_iter()
        .collect();
    known.insert(id.clone(), names.clone());
    Ok(names)
}

async fn endpoints_of(ctx: Ctx<'_>, rows: Vec<EndpointRow>) -> Result<Vec<Versioned<VpcEndpoint>>> {
    let ids: Vec<&str> = rows.iter().map(|r| r.vpc_endpoint_id.as_str()).collect();
    let p = parts(ctx, &ids).await?;
    render_endpoints(ctx, rows, p).await
}

/// Renders endpoints from their rows and parts.
async fn render_endpoints(
    ctx: Ctx<'_>,
    rows: Vec<EndpointRow>,
    mut p: Parts,
) -> Result<Vec<Versioned<VpcEndpoint>>> {
    let mut names = ZoneNames::new();
    let mut services = HashMap::new();
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let subnets = p.subnets.remove(&r.vpc_endpoint_id).unwrap_or_default();
        let mut dns = entries_of(&r, &subnets, &r.account_id, &mut names);
        if !dns.is_empty() {
            for n in customer_private_names(ctx, &r, &mut services).await? {
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
    let (row, parts) = db::get_endpoint_with_parts(ctx.store.pool(), Scope::Account(account), id)
        .await?
        .ok_or_else(|| endpoint_not_found(id))?;
    render_endpoints(ctx, vec![row], parts_from(parts)?)
        .await?
        .pop()
        .ok_or_else(|| endpoint_not_found(id))
}

/// Filters of `GET /v1/vpc-endpoints`.
#[derive(Debug, Clone, Default)]
pub struct ListVpcEndpoints {
    pub vpc_id: AnyOf<String>,
    pub service_name: AnyOf<String>,
    pub state: AnyOf<String>,
    pub vpc_endpoint_type: AnyOf<VpcEndpointType>,
    pub tags: Vec<TagFilter>,
    pub max_results: Option<u32>,
    pub next_token: Option<String>,
}

pub async fn list_endpoints(
    ctx: Ctx<'_>,
    q: ListVpcEndpoints,
) -> Result<(Vec<VpcEndpoint>, Option<String>)> {
    let account = ctx.account()?;
    let filter = tagged(q.tags)
        .eq("vpc_id", q.vpc_id)
        .eq("service_name", q.service_name)
        .eq("state", q.state)
        .eq("vpc_endpoint_type", q.vpc_endpoint_type.map(|t| t.as_str()));
    pagination::list(
        "vpc-endpoints",
        q.max_results,
        q.next_token.as_deref(),
        |spec| async move { db::list_endpoints(ctx.store.pool(), account, &filter, &spec).await },
        |rows| values(endpoints_of(ctx, rows)),
    )
    .await
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
    transaction!(ctx.store, |tx| {
        let row = db::get_endpoint(&mut **tx, Scope::Account(account), id)
            .await?
            .ok_or_else(|| endpoint_not_found(id))?;
        let Some(deleting) = row.state.delete() else {
            return Ok(());
        };
        if row.vpc_endpoint_type == EndpointType::GatewayLoadBalancer {
            let tables = net_db::routes_to(tx, id).await?;
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
        release(tx, account, &row).await?;
        let (state, ready_at) = initial_state(delay, deleting);
        if !db::set_state(tx, id, state, ready_at, row.version, now_ms()).await? {
            return Err(Error::contention(format!(
                "endpoint {id} changed while it was being deleted"
            )));
        }
        crate::service::notification::emit(tx, "delete", &row, state.as_str()).await?;
        Ok(())
    })?;
    Ok(())
}
