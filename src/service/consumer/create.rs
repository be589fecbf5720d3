//! Creating a VPC endpoint (`CreateVpcEndpoint`): which service it is to,
//! the checks of its type's parts, and its interfaces, routes and DNS.

use super::{
    DnsOptions, SubnetConfiguration, VpcEndpoint, VpcEndpointType, add_route_tables, add_subnets,
    check_private_dns, get_endpoint,
};
use crate::create_once;
use crate::error::{Error, Result};
use crate::schema;
use crate::service::network::interface::checked_groups;
use crate::service::network::vpc::vpc_in_body;
use crate::service::network::{Ctx, check_tags};
use crate::service::producer::endpoint_service::{kind_of, service_type_for};
use crate::service::producer::loadbalancer::initial_state;
use crate::service::{Created, Idempotency, Versioned};
use crate::store::consumer::{self as db, EndpointRow};
use crate::store::filter::Scope;
use crate::store::producer as prod_db;
use crate::store::tags::{self, Tags};
use crate::store::{Tx, now_ms};
use crate::util::new_id;
use linkplane_core::catalog::{self, EndpointType};
use linkplane_core::endpoint::{self as ep};
use linkplane_core::lifecycle::{PrivateDnsState, VpcEndpointState};
use linkplane_core::net::parse_ipv4;
use linkplane_core::privatelink as pl;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::time::Duration;
use utoipa::ToSchema;

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
        let svc = prod_db::get_service(&mut **tx, Scope::AnyAccount, &id)
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
        let offered = service_type_for(kind_of(&svc.service_type)?);
        let wanted = kind.as_str();
        if offered.as_str() != wanted {
            return Err(Error::validation(
                "InvalidVpcEndpointType",
                format!(
                    "{name} is a {offered} service; it takes {offered} endpoints, not {wanted}"
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
            check_private_dns(&vpc, &target.private_ok)?;
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
                checked_groups(
                    tx,
                    account,
                    &vpc.vpc_id,
                    Some(&vpc.default_security_group_id),
                    req.security_group_ids.as_deref(),
                )
                .await?
            } else {
                Vec::new()
            };
            db::insert_groups(tx, &id, 0, &groups).await?;
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
        tags::add(tx, account, &id, tags).await?;
        Ok(id)
    })?;
    created
        .load(|id| async move { get_endpoint(ctx, &id).await })
        .await
}
