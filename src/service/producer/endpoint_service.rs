//! Endpoint services: a producer's service behind network or gateway load
//! balancers, who may use it, and its private DNS name.

use super::loadbalancer::{initial_state, lbs_for_service};
use crate::create_once;
use crate::error::{Error, Result};
use crate::pagination;
use crate::schema;
use crate::service::network::{Ctx, check_region, check_tags, tagged, tags_of, zone_name};
use crate::service::{
    Created, Idempotency, Precondition, Versioned, render_one, unknown_stored, values,
};
use crate::store::filter::AnyOf;
use crate::store::filter::Scope;
use crate::store::producer::{self as db, LoadBalancerRow, ServiceRow};
use crate::store::tags::{self, TagFilter, Tags};
use crate::store::{StoreError, Tx, now_ms};
use crate::transaction;
use crate::util::{new_id, timestamp};
use linkplane_core::catalog::EndpointType;
use linkplane_core::lifecycle::{EndpointServiceState, PrivateDnsState, ServiceRegionState};
use linkplane_core::privatelink::{self as pl, LoadBalancerKind};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::time::Duration;
use utoipa::ToSchema;

/// The TXT record a producer publishes to prove it owns the private DNS name.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PrivateDnsNameConfiguration {
    /// `pending_verification`, `verified` or `failed`.
    #[schema(example = "pending_verification")]
    pub state: String,
    /// Always `TXT`.
    #[schema(example = "TXT")]
    pub r#type: String,
    /// The record's label; publish the record at `<name>.<domain>`.
    #[schema(example = "_6e86v84tqgqubxbwii1m")]
    pub name: String,
    /// The exact (case-sensitive) TXT value to publish.
    #[schema(example = "vpce:l6p0ERxlTt45jevFwOCp")]
    pub value: String,
}

/// A region consumers may connect from, with the service's state there.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SupportedRegion {
    #[schema(example = "us-east-1")]
    pub region: String,
    #[schema(example = "available")]
    pub service_state: String,
}

/// An endpoint service as its owner sees it (`ServiceConfiguration`).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EndpointService {
    #[schema(example = "vpce-svc-03d5ebb7d9579a2b3")]
    pub service_id: String,
    #[schema(example = "com.amazonaws.vpce.us-east-1.vpce-svc-03d5ebb7d9579a2b3")]
    pub service_name: String,
    /// `interface` (network load balancers) or `gateway_load_balancer`.
    #[schema(example = "interface")]
    pub service_type: String,
    /// `pending`, `available`, `deleting` (`LINKPLANE_PROVISION_DELAY_MS`
    /// sets how long the transitional states last; 0 makes them instant).
    #[schema(example = "available")]
    pub service_state: String,
    pub owner_id: String,
    pub region: String,
    /// The load balancers' zones, in the owner's zone names.
    pub availability_zones: Vec<String>,
    pub availability_zone_ids: Vec<String>,
    #[schema(example = json!(["vpce-svc-03d5ebb7d9579a2b3.us-east-1.vpce.amazonaws.com"]))]
    pub base_endpoint_dns_names: Vec<String>,
    pub acceptance_required: bool,
    /// Always false (services that manage their endpoints are AWS's own).
    pub manages_vpc_endpoints: bool,
    pub network_load_balancer_arns: Vec<String>,
    pub gateway_load_balancer_arns: Vec<String>,
    #[schema(example = json!(["ipv4"]))]
    pub supported_ip_address_types: Vec<String>,
    pub supported_regions: Vec<SupportedRegion>,
    pub private_dns_name: Option<String>,
    pub private_dns_name_configuration: Option<PrivateDnsNameConfiguration>,
    /// `service_owner` once the owner pays for its consumers' endpoints;
    /// null while consumers pay.
    pub payer_responsibility: Option<String>,
    pub creation_timestamp: String,
    pub tags: Tags,
}

/// `POST /v1/endpoint-services`: network load balancers or gateway load
/// balancers, not both.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateEndpointServiceRequest {
    /// Network load balancers of the caller in one region (an interface
    /// service): exactly one of this and `gateway_load_balancer_arns` is
    /// given and not empty.
    #[schema(value_type = Option<Vec<schema::NetworkLoadBalancerArn>>)]
    pub network_load_balancer_arns: Option<Vec<String>>,
    /// Gateway load balancers of the caller in one region (a gateway load
    /// balancer service).
    #[schema(value_type = Option<Vec<schema::GatewayLoadBalancerArn>>)]
    pub gateway_load_balancer_arns: Option<Vec<String>>,
    /// Default true: connection requests wait for the owner's acceptance.
    pub acceptance_required: Option<bool>,
    /// A lowercase DNS name (a leading `*.` is allowed); network load
    /// balancer services only. It must be verified before consumers use it.
    #[schema(value_type = Option<schema::PrivateDnsName>)]
    pub private_dns_name: Option<String>,
    /// `ipv4` and/or `ipv6` (default `ipv4`); `ipv6` needs dualstack load balancers.
    #[schema(value_type = Option<Vec<schema::IpAddressType>>, min_items = 1)]
    pub supported_ip_address_types: Option<Vec<String>>,
    /// Regions consumers may connect from; the service's own is always one.
    #[schema(value_type = Option<Vec<schema::RegionCode>>)]
    pub supported_regions: Option<Vec<String>>,
    pub tags: Option<Tags>,
    /// AWS's idempotency token: the same meaning as `Idempotency-Key`.
    pub client_token: Option<String>,
}

/// `PATCH /v1/endpoint-services/{service_id}` (`ModifyVpcEndpointServiceConfiguration`
/// and `ModifyVpcEndpointServicePayerResponsibility`): only the fields to change.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateEndpointServiceRequest {
    pub acceptance_required: Option<bool>,
    /// For an interface service only; at least one load balancer remains.
    #[schema(value_type = Option<Vec<schema::NetworkLoadBalancerArn>>)]
    pub add_network_load_balancer_arns: Option<Vec<String>>,
    #[schema(value_type = Option<Vec<schema::NetworkLoadBalancerArn>>)]
    pub remove_network_load_balancer_arns: Option<Vec<String>>,
    /// For a gateway load balancer service only.
    #[schema(value_type = Option<Vec<schema::GatewayLoadBalancerArn>>)]
    pub add_gateway_load_balancer_arns: Option<Vec<String>>,
    #[schema(value_type = Option<Vec<schema::GatewayLoadBalancerArn>>)]
    pub remove_gateway_load_balancer_arns: Option<Vec<String>>,
    /// Sets or replaces the name; verification starts over. Not with
    /// `remove_private_dns_name: true`.
    #[schema(value_type = Option<schema::PrivateDnsName>)]
    pub private_dns_name: Option<String>,
    pub remove_private_dns_name: Option<bool>,
    /// At least one type remains.
    #[schema(value_type = Option<Vec<schema::IpAddressType>>)]
    pub add_supported_ip_address_types: Option<Vec<String>>,
    #[schema(value_type = Option<Vec<schema::IpAddressType>>)]
    pub remove_supported_ip_address_types: Option<Vec<String>>,
    #[schema(value_type = Option<Vec<schema::RegionCode>>)]
    pub add_supported_regions: Option<Vec<String>>,
    /// Not the service's own region.
    #[schema(value_type = Option<Vec<schema::RegionCode>>)]
    pub remove_supported_regions: Option<Vec<String>>,
    /// Only `service_owner`; there is no way back.
    #[schema(pattern = "^service_owner$")]
    pub payer_responsibility: Option<String>,
    /// Replaces every tag.
    pub tags: Option<Tags>,
}

/// 409 while endpoints are connected (`available`, `pending_acceptance`, `pending`).
fn existing_connections(service_id: &str, live: &[String]) -> Error {
    Error::conflict(
        "ExistingVpcEndpointConnections",
        format!(
            "endpoint service {service_id} has endpoints connected ({}); reject them first",
            live.join(", ")
        ),
    )
}

pub fn service_not_found(id: &str) -> Error {
    Error::not_found(
        "InvalidVpcEndpointServiceId.NotFound",
        format!("The VpcEndpointService Id '{id}' does not exist"),
    )
}

/// A list under one of the caller's services that came back empty: no
/// items yet, or not the caller's service (404). One read, only then.
pub(super) async fn check_empty_page_service<T>(
    ctx: Ctx<'_>,
    account: &str,
    service_id: &str,
    page: &crate::store::page::Page<T>,
) -> Result<()> {
    if page.items.is_empty() {
        db::get_service(ctx.store.pool(), Scope::Account(account), service_id)
            .await?
            .ok_or_else(|| service_not_found(service_id))?;
    }
    Ok(())
}

fn split_types(s: &str) -> Vec<String> {
    s.split(',')
        .filter(|x| !x.is_empty())
        .map(str::to_string)
        .collect()
}

/// The kind of load balancer behind a service, from its stored
/// `endpoint_services.service_type` (`interface`: network load balancers,
/// `gateway_load_balancer`: gateway ones); other text is an internal error
/// naming the column, never a default.
pub(crate) fn kind_of(service_type: &str) -> Result<LoadBalancerKind> {
    match EndpointType::parse(service_type) {
        Ok(EndpointType::Interface) => Ok(LoadBalancerKind::Network),
        Ok(EndpointType::GatewayLoadBalancer) => Ok(LoadBalancerKind::Gateway),
        _ => Err(unknown_stored(
            "endpoint_services.service_type",
            "an endpoint service type",
            service_type,
        )),
    }
}

/// The `service_type` a service in front of `kind` load balancers has.
pub(crate) fn service_type_for(kind: LoadBalancerKind) -> EndpointType {
    match kind {
        LoadBalancerKind::Network => EndpointType::Interface,
        LoadBalancerKind::Gateway => EndpointType::GatewayLoadBalancer,
    }
}

async fn services_of(
    ctx: Ctx<'_>,
    rows: Vec<ServiceRow>,
) -> Result<Vec<Versioned<EndpointService>>> {
    let ids: Vec<&str> = rows.iter().map(|r| r.service_id.as_str()).collect();
    let mut tags = tags_of(ctx.store, &ids).await?;
    let lb_zones = db::service_lb_zones(ctx.store.pool(), &ids).await?;
    let regions = db::service_regions(ctx.store.pool(), &ids).await?;
    rows.into_iter()
        .map(|r| {
            let mut my_lbs: Vec<String> = Vec::new();
            let mut zone_ids: BTreeSet<String> = BTreeSet::new();
            for (_, arn, zone) in lb_zones.iter().filter(|(s, _, _)| *s == r.service_id) {
                if !my_lbs.contains(arn) {
                    my_lbs.push(arn.clone());
                }
                zone_ids.insert(zone.clone());
            }
            let mut zone_names: Vec<String> = zone_ids
                .iter()
                .map(|z| zone_name(&r.account_id, z))
                .collect();
            zone_names.sort();
            let is_gwlb = kind_of(&r.service_type)? == LoadBalancerKind::Gateway;
            let pdns = match (&r.pdns_state, &r.pdns_name, &r.pdns_value) {
                (Some(state), Some(name), Some(value)) => Some(PrivateDnsNameConfiguration {
                    state: state.to_string(),
                    r#type: "TXT".to_string(),
                    name: name.clone(),
                    value: value.clone(),
                }),
                _ => None,
            };
            Ok(Versioned {
                version: r.version,
                value: EndpointService {
                    tags: tags.remove(&r.service_id).unwrap_or_default(),
                    service_name: pl::service_name(&r.region, &r.service_id),
                    base_endpoint_dns_names: vec![pl::base_endpoint_dns_name(
                        &r.region,
                        &r.service_id,
                    )],
                    availability_zones: zone_names,
                    availability_zone_ids: zone_ids.into_iter().collect(),
                    network_load_balancer_arns: if is_gwlb { Vec::new() } else { my_lbs.clone() },
                    gateway_load_balancer_arns: if is_gwlb { my_lbs } else { Vec::new() },
                    supported_ip_address_types: split_types(&r.ip_address_types),
                    supported_regions: regions
                        .iter()
                        .filter(|(s, _, _)| *s == r.service_id)
                        .map(|(_, region, state)| SupportedRegion {
                            region: region.clone(),
                            service_state: state.to_string(),
                        })
                        .collect(),
                    service_id: r.service_id,
                    service_type: r.service_type,
                    service_state: r.service_state.to_string(),
                    owner_id: r.account_id,
                    region: r.region,
                    acceptance_required: r.acceptance_required,
                    manages_vpc_endpoints: false,
                    private_dns_name: r.private_dns_name,
                    private_dns_name_configuration: pdns,
                    payer_responsibility: r.payer_responsibility,
                    creation_timestamp: timestamp(r.created_at),
                },
            })
        })
        .collect()
}

/// A fresh verification record for a private DNS name.
fn pending_verification(row: &mut ServiceRow, name: &str) -> Result<()> {
    pl::validate_private_dns_name(name)?;
    let (label, value) = pl::verification_record(rand::random(), rand::random());
    row.private_dns_name = Some(name.to_string());
    row.pdns_state = Some(PrivateDnsState::ON_NAME_SET);
    row.pdns_name = Some(label);
    row.pdns_value = Some(value);
    Ok(())
}

/// Load balancers joining a service: in its region, not used by another
/// service, and dualstack when the service supports IPv6.
fn check_lbs(region: &str, lbs: &[LoadBalancerRow], ip_types: &[String]) -> Result<()> {
    for lb in lbs {
        if lb.region != region {
            return Err(Error::validation(
                "InvalidParameter",
                format!(
                    "load balancer {} is in {}, the service in {region}",
                    lb.load_balancer_arn, lb.region
                ),
            ));
        }
        if ip_types.iter().any(|t| t == "ipv6") && lb.ip_address_type != "dualstack" {
            return Err(Error::invalid_value(format!(
                "supported_ip_address_types: ipv6 needs dualstack load balancers; {} is {}",
                lb.load_balancer_arn, lb.ip_address_type
            )));
        }
    }
    Ok(())
}

async fn attach_lbs(
    tx: &mut Tx,
    service_id: &str,
    lbs: &[LoadBalancerRow],
    start: i64,
) -> Result<()> {
    for (i, lb) in lbs.iter().enumerate() {
        if let Some(other) = db::service_of_load_balancer(tx, &lb.load_balancer_arn).await? {
            if other == service_id {
                continue;
            }
            return Err(Error::conflict(
                "ResourceInUse",
                format!(
                    "load balancer {} is already used by endpoint service {other}",
                    lb.load_balancer_arn
                ),
            ));
        }
        match db::add_service_load_balancer(tx, service_id, &lb.load_balancer_arn, start + i as i64)
            .await
        {
            Err(StoreError::Conflict(_)) => {
                return Err(Error::conflict(
                    "ResourceInUse",
                    format!(
                        "load balancer {} is already used by another endpoint service",
                        lb.load_balancer_arn
                    ),
                ));
            }
            other => other?,
        }
    }
    Ok(())
}

pub async fn create_service(
    ctx: Ctx<'_>,
    delay: Duration,
    req: CreateEndpointServiceRequest,
    idempotency_key: Option<String>,
) -> Result<Created<Versioned<EndpointService>>> {
    let idempotency_key = idempotency_key.or_else(|| req.client_token.clone());
    let idem = Idempotency::new(ctx.caller, idempotency_key, "CreateEndpointService", &req);
    let account = ctx.account()?;
    let tags = check_tags(&req.tags)?;
    let nlbs = req.network_load_balancer_arns.clone().unwrap_or_default();
    let gwlbs = req.gateway_load_balancer_arns.clone().unwrap_or_default();
    let (kind, arns) = match (nlbs.is_empty(), gwlbs.is_empty()) {
        (false, true) => (LoadBalancerKind::Network, nlbs),
        (true, false) => (LoadBalancerKind::Gateway, gwlbs),
        _ => {
            return Err(Error::validation(
                "InvalidParameter",
                "exactly one of network_load_balancer_arns or gateway_load_balancer_arns is required",
            ));
        }
    };
    let ip_types = pl::check_ip_address_types(
        &req.supported_ip_address_types
            .clone()
            .unwrap_or_else(|| vec!["ipv4".to_string()]),
    )?;
    if kind == LoadBalancerKind::Gateway && req.private_dns_name.is_some() {
        return Err(Error::validation(
            "InvalidParameter",
            "private_dns_name is not supported for Gateway Load Balancer endpoint services",
        ));
    }
    if let Some(n) = &req.private_dns_name {
        pl::validate_private_dns_name(n)?;
    }
    for r in req.supported_regions.iter().flatten() {
        check_region(r)?;
    }
    let (req, tags, arns, ip_types) = (&req, &tags, &arns, &ip_types);
    let created = create_once!(ctx.store, idem.as_ref(), |tx| {
        let lbs = lbs_for_service(tx, account, arns, kind).await?;
        let region = lbs[0].region.clone();
        check_lbs(&region, &lbs, ip_types)?;
        let (state, ready_at) = initial_state(delay, EndpointServiceState::ON_CREATE);
        let now = now_ms();
        let mut row = ServiceRow {
            service_id: new_id("vpce-svc"),
            account_id: account.to_string(),
            region: region.clone(),
            service_type: service_type_for(kind).as_str().to_string(),
            acceptance_required: req.acceptance_required.unwrap_or(true),
            private_dns_name: None,
            pdns_state: None,
            pdns_name: None,
            pdns_value: None,
            ip_address_types: ip_types.join(","),
            payer_responsibility: None,
            service_state: state,
            ready_at,
            created_at: now,
            updated_at: now,
            version: 1,
        };
        if let Some(n) = &req.private_dns_name {
            pending_verification(&mut row, n)?;
        }
        db::insert_service(tx, &row).await?;
        attach_lbs(tx, &row.service_id, &lbs, 0).await?;
        db::set_service_region(
            tx,
            &row.service_id,
            &region,
            Some(ServiceRegionState::Available),
        )
        .await?;
        for r in req.supported_regions.iter().flatten() {
            db::set_service_region(tx, &row.service_id, r, Some(ServiceRegionState::Available))
                .await?;
        }
        tags::add(tx, account, &row.service_id, tags).await?;
        Ok(row.service_id)
    })?;
    created
        .load(|id| async move { get_service(ctx, &id).await })
        .await
}

pub async fn get_service(ctx: Ctx<'_>, service_id: &str) -> Result<Versioned<EndpointService>> {
    let account = ctx.account()?;
    let row = db::get_service(ctx.store.pool(), Scope::Account(account), service_id).await?;
    render_one(
        row,
        |rows| services_of(ctx, rows),
        || service_not_found(service_id),
    )
    .await
}

/// Filters of `GET /v1/endpoint-services`.
#[derive(Debug, Clone, Default)]
pub struct ListEndpointServices {
    pub service_state: AnyOf<String>,
    pub service_type: AnyOf<String>,
    pub region: Option<String>,
    pub tags: Vec<TagFilter>,
    pub max_results: Option<u32>,
    pub next_token: Option<String>,
}

pub async fn list_services(
    ctx: Ctx<'_>,
    q: ListEndpointServices,
) -> Result<(Vec<EndpointService>, Option<String>)> {
    let account = ctx.account()?;
    let filter = tagged(q.tags)
        .eq("service_state", q.service_state)
        .eq("service_type", q.service_type)
        .eq("region", q.region);
    pagination::list(
        "endpoint-services",
        q.max_results,
        q.next_token.as_deref(),
        |spec| async move { db::list_services(ctx.store.pool(), account, &filter, &spec).await },
        |rows| values(services_of(ctx, rows)),
    )
    .await
}

/// Reads the caller's service for a change, refusing one being deleted.
pub(super) async fn service_for_change(
    tx: &mut Tx,
    account: &str,
    service_id: &str,
) -> Result<ServiceRow> {
    let row = db::get_service(&mut **tx, Scope::Account(account), service_id)
        .await?
        .ok_or_else(|| service_not_found(service_id))?;
    row.service_state.modify(service_id)?;
    Ok(row)
}

pub async fn update_service(
    ctx: Ctx<'_>,
    service_id: &str,
    req: UpdateEndpointServiceRequest,
    precondition: &Precondition,
) -> Result<Versioned<EndpointService>> {
    let account = ctx.account()?;
    if let Some(t) = &req.tags {
        linkplane_core::tags::validate_tags(t)?;
    }
    let req = &req;
    transaction!(ctx.store, |tx| {
        let mut row = service_for_change(tx, account, service_id).await?;
        precondition.check_version(row.version)?;
        let kind = kind_of(&row.service_type)?;
        if let Some(a) = req.acceptance_required {
            row.acceptance_required = a;
        }
        // Load balancers: the service's kind only; at least one must remain.
        let (add, remove, other_add, other_remove) = match kind {
            LoadBalancerKind::Network => (
                &req.add_network_load_balancer_arns,
                &req.remove_network_load_balancer_arns,
                &req.add_gateway_load_balancer_arns,
                &req.remove_gateway_load_balancer_arns,
            ),
            LoadBalancerKind::Gateway => (
                &req.add_gateway_load_balancer_arns,
                &req.remove_gateway_load_balancer_arns,
                &req.add_network_load_balancer_arns,
                &req.remove_network_load_balancer_arns,
            ),
        };
        if other_add.as_ref().is_some_and(|v| !v.is_empty())
            || other_remove.as_ref().is_some_and(|v| !v.is_empty())
        {
            return Err(Error::validation(
                "InvalidParameter",
                format!(
                    "endpoint service {service_id} is a {} service; it takes only {} load balancers",
                    row.service_type,
                    kind.as_str()
                ),
            ));
        }
        // Supported IP types.
        let mut types: Vec<String> = split_types(&row.ip_address_types);
        for t in req.add_supported_ip_address_types.iter().flatten() {
            if !types.contains(t) {
                types.push(t.clone());
            }
        }
        for t in req.remove_supported_ip_address_types.iter().flatten() {
            types.retain(|x| x != t);
        }
        let types = pl::check_ip_address_types(&types)?;
        row.ip_address_types = types.join(",");
        let mut current: Vec<String> = db::service_load_balancers(&mut **tx, &[service_id])
            .await?
            .into_iter()
            .map(|(_, a)| a)
            .collect();
        if let Some(add) = add.as_ref().filter(|v| !v.is_empty()) {
            let lbs = lbs_for_service(tx, account, add, kind).await?;
            check_lbs(&row.region, &lbs, &types)?;
            attach_lbs(tx, service_id, &lbs, current.len() as i64).await?;
            current.extend(lbs.into_iter().map(|l| l.load_balancer_arn));
        }
        if let Some(remove) = remove.as_ref().filter(|v| !v.is_empty()) {
            let live = crate::store::consumer::live_connections(tx, service_id).await?;
            if !live.is_empty() {
                return Err(existing_connections(service_id, &live));
            }
            for a in remove {
                let arn = pl::LoadBalancerArn::parse(a, kind)?.arn();
                if !current.contains(&arn) {
                    return Err(Error::validation(
                        "InvalidParameter",
                        format!("load balancer {a} is not a load balancer of {service_id}"),
                    ));
                }
                current.retain(|x| x != &arn);
                db::remove_service_load_balancer(tx, service_id, &arn).await?;
            }
            if current.is_empty() {
                return Err(Error::validation(
                    "InvalidParameter",
                    format!("endpoint service {service_id} must keep at least one load balancer"),
                ));
            }
        }
        if types.iter().any(|t| t == "ipv6") {
            let refs: Vec<&str> = current.iter().map(String::as_str).collect();
            for arn in refs {
                if let Some(lb) = db::get_load_balancer(&mut **tx, account, arn).await? {
                    check_lbs(&row.region, std::slice::from_ref(&lb), &types)?;
                }
            }
        }
        // Private DNS.
        if req.remove_private_dns_name == Some(true) {
            if req.private_dns_name.is_some() {
                return Err(Error::validation(
                    "InvalidParameterCombination",
                    "private_dns_name and remove_private_dns_name cannot be given together",
                ));
            }
            row.private_dns_name = None;
            row.pdns_state = None;
            row.pdns_name = None;
            row.pdns_value = None;
        }
        if let Some(n) = &req.private_dns_name {
            if kind == LoadBalancerKind::Gateway {
                return Err(Error::validation(
                    "InvalidParameter",
                    "private_dns_name is not supported for Gateway Load Balancer endpoint services",
                ));
            }
            pending_verification(&mut row, n)?;
        }
        // Regions.
        for r in req.add_supported_regions.iter().flatten() {
            check_region(r)?;
            db::set_service_region(tx, service_id, r, Some(ServiceRegionState::Available)).await?;
        }
        for r in req.remove_supported_regions.iter().flatten() {
            if *r == row.region {
                return Err(Error::invalid_value(format!(
                    "remove_supported_regions: {r} is the service's own region and cannot be removed"
                )));
            }
            db::set_service_region(tx, service_id, r, None).await?;
        }
        // Payer responsibility: only towards the owner, never back.
        if let Some(p) = &req.payer_responsibility {
            if p != "service_owner" {
                return Err(Error::invalid_value(format!(
                    "payer_responsibility: '{p}' is not supported; the only value is service_owner \
                     (consumers pay until it is set, and it cannot be unset)"
                )));
            }
            row.payer_responsibility = Some(p.clone());
        }
        if !db::update_service(tx, &row, now_ms()).await? {
            return Err(Error::contention(
                "the endpoint service changed while this update ran",
            ));
        }
        if let Some(t) = &req.tags {
            tags::replace(tx, account, service_id, t).await?;
        }
        Ok(())
    })?;
    get_service(ctx, service_id).await
}

/// Deletes a service: `deleting`, then gone (at once without a delay). Its
/// load balancers stay.
pub async fn delete_service(ctx: Ctx<'_>, delay: Duration, service_id: &str) -> Result<()> {
    let account = ctx.account()?;
    transaction!(ctx.store, |tx| {
        let mut row = db::get_service(&mut **tx, Scope::Account(account), service_id)
            .await?
            .ok_or_else(|| service_not_found(service_id))?;
        let Some(deleting) = row.service_state.delete() else {
            return Ok(());
        };
        let live = crate::store::consumer::live_connections(tx, service_id).await?;
        if !live.is_empty() {
            return Err(existing_connections(service_id, &live));
        }
        if delay.is_zero() {
            db::delete_service(tx, service_id).await?;
            tags::replace(tx, account, service_id, &Tags::new()).await?;
        } else {
            row.service_state = deleting;
            row.ready_at = now_ms() + delay.as_millis() as i64;
            if !db::update_service(tx, &row, now_ms()).await? {
                return Err(Error::contention(format!(
                    "endpoint service {service_id} changed while it was being deleted"
                )));
            }
        }
        Ok(())
    })?;
    Ok(())
}

// ---- private DNS verification ----

/// Looks the TXT record up in the public DNS model as DNS answers it (in
/// the zone authoritative for the record's name, whoever owns it; a zone
/// nobody delegated to answers nothing): at `<label>.<domain>` for the
/// name's domain or any parent domain of it (verifying a parent covers its
/// subdomains). An exact, case-sensitive value match makes the
/// configuration `verified`; anything else `failed`.
pub async fn verify_private_dns(
    ctx: Ctx<'_>,
    service_id: &str,
) -> Result<Versioned<EndpointService>> {
    let account = ctx.account()?;
    transaction!(ctx.store, |tx| {
        let mut row = service_for_change(tx, account, service_id).await?;
        if kind_of(&row.service_type)? == LoadBalancerKind::Gateway {
            return Err(Error::validation(
                "InvalidParameter",
                "private DNS names are not supported for Gateway Load Balancer endpoint services",
            ));
        }
        let (Some(name), Some(label), Some(value)) = (
            row.private_dns_name.clone(),
            row.pdns_name.clone(),
            row.pdns_value.clone(),
        ) else {
            return Err(Error::invalid_value(format!(
                "endpoint service {service_id} has no private DNS name to verify"
            )));
        };
        // The name's domain and each parent of it, down to two labels.
        let mut verified = false;
        for domain in linkplane_core::public_dns::enclosing_names(pl::verification_domain(&name)) {
            let record = pl::verification_record_name(&label, domain);
            if super::dns::answered_txt(tx, &record).await?.as_deref() == Some(&value) {
                verified = true;
                break;
            }
        }
        row.pdns_state = Some(PrivateDnsState::verify(verified));
        if !db::update_service(tx, &row, now_ms()).await? {
            return Err(Error::contention(
                "the endpoint service changed while it was being verified",
            ));
        }
        Ok(())
    })?;
    get_service(ctx, service_id).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    #[test]
    fn a_stored_service_type_is_read_typed_and_unknown_text_is_an_error() {
        for kind in [LoadBalancerKind::Network, LoadBalancerKind::Gateway] {
            assert_eq!(kind_of(service_type_for(kind).as_str()).ok(), Some(kind));
        }
        assert_eq!(
            service_type_for(LoadBalancerKind::Gateway).as_str(),
            "gateway_load_balancer"
        );
        assert_eq!(
            service_type_for(LoadBalancerKind::Network).as_str(),
            "interface"
        );
        // `gateway` is an endpoint type, but no endpoint service's.
        for text in ["gateway", "network", ""] {
            let e = kind_of(text).err();
            assert_eq!(
                e.as_ref().map(|e| (e.kind, e.message.clone())),
                Some((
                    ErrorKind::Internal,
                    format!(
                        "endpoint_services.service_type: '{text}' is not an endpoint service type"
                    )
                ))
            );
        }
    }
}
