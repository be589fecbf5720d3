//! Network and gateway load balancers, target groups and targets.

use crate::create_once;
use crate::error::{Error, Result};
use crate::pagination;
use crate::schema;
use crate::service::network::interface::{InterfaceSpec, insert_interface, remove_interface};
use crate::service::network::vpc::subnet_in_body;
use crate::service::network::{Ctx, check_tags, tagged, tags_of, zone_name};
use crate::service::{
    Created, Idempotency, Precondition, Versioned, render_one, unknown_stored, values,
};
use crate::store::network as net_db;
use crate::store::producer::{self as db, LbSubnetRow, LoadBalancerRow};
use crate::store::tags::{self, TagFilter, Tags};
use crate::store::{StoreError, now_ms};
use crate::transaction;
use crate::util::timestamp;
use linkplane_core::lifecycle::{Lifecycle, LoadBalancerState};
use linkplane_core::net::{self, format_ipv4};
use linkplane_core::privatelink::{self as pl, LoadBalancerArn, LoadBalancerKind};
use serde::{Deserialize, Serialize};
use std::time::Duration;
use utoipa::ToSchema;

/// `network` or `gateway`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LoadBalancerType {
    Network,
    Gateway,
}

impl From<LoadBalancerKind> for LoadBalancerType {
    fn from(k: LoadBalancerKind) -> Self {
        match k {
            LoadBalancerKind::Network => LoadBalancerType::Network,
            LoadBalancerKind::Gateway => LoadBalancerType::Gateway,
        }
    }
}

impl From<LoadBalancerType> for LoadBalancerKind {
    fn from(t: LoadBalancerType) -> Self {
        match t {
            LoadBalancerType::Network => LoadBalancerKind::Network,
            LoadBalancerType::Gateway => LoadBalancerKind::Gateway,
        }
    }
}

/// One zone of a load balancer: its subnet and its node's address.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LoadBalancerZone {
    /// In the owner's zone names.
    #[schema(example = "us-east-1a")]
    pub zone_name: String,
    #[schema(example = "use1-az4")]
    pub zone_id: String,
    pub subnet_id: String,
    /// The requester-managed interface of the node in this zone.
    pub network_interface_id: String,
    #[schema(example = "10.0.1.4")]
    pub private_ip: String,
}

/// A load balancer (`LoadBalancer`).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LoadBalancer {
    #[schema(
        example = "arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/net/api/0123456789abcdef"
    )]
    pub load_balancer_arn: String,
    #[schema(example = "api")]
    pub load_balancer_name: String,
    pub r#type: LoadBalancerType,
    /// Always `internal`: endpoint services front internal load balancers.
    #[schema(example = "internal")]
    pub scheme: String,
    pub vpc_id: String,
    pub owner_id: String,
    pub region: String,
    /// `provisioning`, then `active` (after `LINKPLANE_PROVISION_DELAY_MS`).
    #[schema(example = "active")]
    pub state: String,
    /// Whether a node sends to targets in every zone (NLB default false).
    pub cross_zone_enabled: bool,
    /// `ipv4` or `dualstack` (needed by endpoint services that support IPv6).
    #[schema(example = "ipv4")]
    pub ip_address_type: String,
    #[schema(example = "api-0123456789abcdef.elb.us-east-1.amazonaws.com")]
    pub dns_name: String,
    pub availability_zones: Vec<LoadBalancerZone>,
    pub creation_timestamp: String,
    pub tags: Tags,
}

/// `POST /v1/load-balancers`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateLoadBalancerRequest {
    /// 1 to 32 letters, digits or hyphens, not starting or ending with a
    /// hyphen, not starting with `internal-`; unique per account and region.
    #[schema(
        example = "api",
        pattern = "^(?!internal-)[A-Za-z0-9]([A-Za-z0-9-]{0,30}[A-Za-z0-9])?$"
    )]
    pub name: String,
    /// Default `network`.
    pub r#type: Option<LoadBalancerType>,
    /// Subnets of one VPC, at most one per zone; the load balancer's region
    /// is theirs.
    #[schema(value_type = Vec<schema::SubnetId>, min_items = 1)]
    pub subnet_ids: Vec<String>,
    /// Only `internal`.
    #[schema(example = "internal", pattern = "^internal$")]
    pub scheme: Option<String>,
    /// Default false.
    pub cross_zone_enabled: Option<bool>,
    /// `ipv4` (default) or `dualstack`.
    #[schema(pattern = "^(ipv4|dualstack)$")]
    pub ip_address_type: Option<String>,
    pub tags: Option<Tags>,
}

/// `PATCH /v1/load-balancers/{load_balancer_arn}`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateLoadBalancerRequest {
    pub cross_zone_enabled: Option<bool>,
    /// Replaces every tag.
    pub tags: Option<Tags>,
}

pub fn lb_not_found(arn: &str) -> Error {
    Error::not_found(
        "LoadBalancerNotFound",
        format!("Load balancer '{arn}' not found"),
    )
}

/// The kind a stored `load_balancers.lb_type` names (`network`, `gateway`);
/// other text is an internal error naming the column, never a default.
pub(crate) fn lb_kind_of(lb_type: &str) -> Result<LoadBalancerKind> {
    LoadBalancerKind::parse(lb_type)
        .ok_or_else(|| unknown_stored("load_balancers.lb_type", "a load balancer type", lb_type))
}

/// The state a resource enters, with the time it is ready at: a
/// transitional state (`pending`, `provisioning`, `deleting`) lasts `delay`
/// and then settles (see `Lifecycle::settles_to`), at once with no delay;
/// any other state is ready now.
pub fn initial_state<S: Lifecycle>(delay: Duration, state: S) -> (S, i64) {
    let now = now_ms();
    match state.settles_to() {
        Some(done) if delay.is_zero() => (done, now),
        Some(_) => (state, now + delay.as_millis() as i64),
        None => (state, now),
    }
}

async fn lbs_of(ctx: Ctx<'_>, rows: Vec<LoadBalancerRow>) -> Result<Vec<Versioned<LoadBalancer>>> {
    let arns: Vec<&str> = rows.iter().map(|r| r.load_balancer_arn.as_str()).collect();
    let mut tags = tags_of(ctx.store, &arns).await?;
    let subnets = db::lb_subnets(ctx.store.pool(), &arns).await?;
    let enis: Vec<&str> = subnets
        .iter()
        .map(|s| s.network_interface_id.as_str())
        .collect();
    let ips = net_db::interface_ips(ctx.store.pool(), &enis).await?;
    rows.into_iter()
        .map(|r| {
            let lb_type = lb_kind_of(&r.lb_type)?;
            let id = r
                .load_balancer_arn
                .rsplit('/')
                .next()
                .unwrap_or_default()
                .to_string();
            let zones = subnets
                .iter()
                .filter(|s| s.load_balancer_arn == r.load_balancer_arn)
                .map(|s| LoadBalancerZone {
                    zone_name: zone_name(&r.account_id, &s.zone_id),
                    zone_id: s.zone_id.clone(),
                    subnet_id: s.subnet_id.clone(),
                    network_interface_id: s.network_interface_id.clone(),
                    private_ip: ips
                        .get(&s.network_interface_id)
                        .map(|ip| format_ipv4(*ip as u32))
                        .unwrap_or_default(),
                })
                .collect();
            Ok(Versioned {
                version: r.version,
                value: LoadBalancer {
                    tags: tags.remove(&r.load_balancer_arn).unwrap_or_default(),
                    dns_name: format!("{}-{id}.elb.{}.amazonaws.com", r.name, r.region),
                    load_balancer_arn: r.load_balancer_arn,
                    load_balancer_name: r.name,
                    r#type: lb_type.into(),
                    scheme: "internal".to_string(),
                    vpc_id: r.vpc_id,
                    owner_id: r.account_id,
                    region: r.region,
                    state: r.state.to_string(),
                    cross_zone_enabled: r.cross_zone_enabled,
                    ip_address_type: r.ip_address_type,
                    availability_zones: zones,
                    creation_timestamp: timestamp(r.created_at),
                },
            })
        })
        .collect()
}

pub async fn create_load_balancer(
    ctx: Ctx<'_>,
    delay: Duration,
    req: CreateLoadBalancerRequest,
    idempotency_key: Option<String>,
) -> Result<Created<Versioned<LoadBalancer>>> {
    let idem = Idempotency::new(ctx.caller, idempotency_key, "CreateLoadBalancer", &req);
    let account = ctx.account()?;
    pl::validate_load_balancer_name(&req.name)?;
    let tags = check_tags(&req.tags)?;
    let kind = req.r#type.unwrap_or(LoadBalancerType::Network);
    if let Some(s) = &req.scheme
        && s != "internal"
    {
        return Err(Error::invalid_value(format!(
            "scheme: '{s}' is not supported; load balancers behind endpoint services are internal"
        )));
    }
    let ip_type = req.ip_address_type.clone().unwrap_or_else(|| "ipv4".into());
    if ip_type != "ipv4" && ip_type != "dualstack" {
        return Err(Error::invalid_value(format!(
            "ip_address_type: '{ip_type}' must be ipv4 or dualstack"
        )));
    }
    if req.subnet_ids.is_empty() {
        return Err(Error::missing("subnet_ids: at least one subnet"));
    }
    let (req, tags, ip_type) = (&req, &tags, &ip_type);
    let created = create_once!(ctx.store, idem.as_ref(), |tx| {
        let mut subnets = Vec::new();
        for id in &req.subnet_ids {
            subnets.push(subnet_in_body(tx, account, id).await?);
        }
        let vpc_id = subnets[0].vpc_id.clone();
        if let Some(other) = subnets.iter().find(|s| s.vpc_id != vpc_id) {
            return Err(Error::invalid_value(format!(
                "subnet_ids: all subnets must be in one VPC ({} is in {}, {} in {vpc_id})",
                other.subnet_id, other.vpc_id, subnets[0].subnet_id
            )));
        }
        let pairs: Vec<(&str, &str)> = subnets
            .iter()
            .map(|s| (s.subnet_id.as_str(), s.zone_id.as_str()))
            .collect();
        net::one_subnet_per_zone(&pairs)?;
        let region = subnets[0].region.clone();
        let arn = LoadBalancerArn {
            region: region.clone(),
            account_id: account.to_string(),
            kind: kind.into(),
            name: req.name.clone(),
            id: pl::elb_id(rand::random()),
        }
        .arn();
        let mut nodes = Vec::new();
        for s in &subnets {
            let eni = insert_interface(
                tx,
                s,
                InterfaceSpec {
                    requested_ip: None,
                    group_ids: Vec::new(),
                    interface_type: match kind {
                        LoadBalancerType::Network => "network_load_balancer",
                        LoadBalancerType::Gateway => "gateway_load_balancer",
                    },
                    requester_managed: true,
                    attached_resource_id: Some(arn.clone()),
                    description: format!(
                        "ELB {}/{}",
                        LoadBalancerKind::from(kind).arn_segment(),
                        req.name
                    ),
                },
            )
            .await?;
            nodes.push(LbSubnetRow {
                load_balancer_arn: arn.clone(),
                subnet_id: s.subnet_id.clone(),
                zone_id: s.zone_id.clone(),
                network_interface_id: eni.network_interface_id,
            });
        }
        let (state, ready_at) = initial_state(delay, LoadBalancerState::ON_CREATE);
        let now = now_ms();
        let row = LoadBalancerRow {
            load_balancer_arn: arn.clone(),
            account_id: account.to_string(),
            region,
            lb_type: LoadBalancerKind::from(kind).as_str().to_string(),
            name: req.name.clone(),
            vpc_id,
            cross_zone_enabled: req.cross_zone_enabled.unwrap_or(false),
            ip_address_type: ip_type.clone(),
            state,
            ready_at,
            created_at: now,
            updated_at: now,
            version: 1,
        };
        match db::insert_load_balancer(tx, &row, &nodes).await {
            Err(StoreError::Conflict(_)) => {
                return Err(Error::conflict(
                    "DuplicateLoadBalancerName",
                    format!(
                        "A load balancer with the name '{}' already exists in {}",
                        req.name, row.region
                    ),
                ));
            }
            other => other?,
        }
        tags::add(tx, account, &arn, tags).await?;
        Ok(arn)
    })?;
    created
        .load(|id| async move { get_load_balancer(ctx, &id).await })
        .await
}

pub async fn get_load_balancer(ctx: Ctx<'_>, arn: &str) -> Result<Versioned<LoadBalancer>> {
    let account = ctx.account()?;
    let row = db::get_load_balancer(ctx.store.pool(), account, arn).await?;
    render_one(row, |rows| lbs_of(ctx, rows), || lb_not_found(arn)).await
}

/// Filters of `GET /v1/load-balancers`.
#[derive(Debug, Clone, Default)]
pub struct ListLoadBalancers {
    pub vpc_id: Option<String>,
    pub region: Option<String>,
    pub r#type: Option<LoadBalancerType>,
    pub tags: Vec<TagFilter>,
    pub max_results: Option<u32>,
    pub next_token: Option<String>,
}

pub async fn list_load_balancers(
    ctx: Ctx<'_>,
    q: ListLoadBalancers,
) -> Result<(Vec<LoadBalancer>, Option<String>)> {
    let account = ctx.account()?;
    let filter = tagged(q.tags)
        .eq("vpc_id", q.vpc_id)
        .eq(
            "lb_type",
            q.r#type.map(|t| LoadBalancerKind::from(t).as_str()),
        )
        .eq("region", q.region);
    pagination::list(
        "load-balancers",
        q.max_results,
        q.next_token.as_deref(),
        |spec| async move { db::list_load_balancers(ctx.store.pool(), account, &filter, &spec).await },
        |rows| values(lbs_of(ctx, rows)),
    )
    .await
}

pub async fn update_load_balancer(
    ctx: Ctx<'_>,
    arn: &str,
    req: UpdateLoadBalancerRequest,
    precondition: &Precondition,
) -> Result<Versioned<LoadBalancer>> {
    let account = ctx.account()?;
    if let Some(t) = &req.tags {
        linkplane_core::tags::validate_tags(t)?;
    }
    let req = &req;
    transaction!(ctx.store, |tx| {
        let row = db::get_load_balancer(&mut **tx, account, arn)
            .await?
            .ok_or_else(|| lb_not_found(arn))?;
        precondition.check_version(row.version)?;
        let cross = req.cross_zone_enabled.unwrap_or(row.cross_zone_enabled);
        if !db::update_load_balancer(tx, arn, cross, row.version, now_ms()).await? {
            return Err(Error::contention(
                "the load balancer changed while this update ran",
            ));
        }
        if let Some(t) = &req.tags {
            tags::replace(tx, account, arn, t).await?;
        }
        Ok(())
    })?;
    get_load_balancer(ctx, arn).await
}

/// Deletes a load balancer and its node interfaces; refused while an
/// endpoint service uses it (`ResourceInUse`). Its target groups stay,
/// detached.
pub async fn delete_load_balancer(ctx: Ctx<'_>, arn: &str) -> Result<()> {
    let account = ctx.account()?;
    transaction!(ctx.store, |tx| {
        db::get_load_balancer(&mut **tx, account, arn)
            .await?
            .ok_or_else(|| lb_not_found(arn))?;
        if let Some(svc) = db::service_of_load_balancer(tx, arn).await? {
            return Err(Error::conflict(
                "ResourceInUse",
                format!(
                    "Load balancer '{arn}' cannot be deleted because it is in use by endpoint service {svc}"
                ),
            ));
        }
        let nodes = db::lb_subnets(&mut **tx, &[arn]).await?;
        db::delete_load_balancer(tx, arn).await?;
        for n in nodes {
            if let Some(eni) =
                net_db::get_interface(&mut **tx, account, &n.network_interface_id).await?
            {
                remove_interface(tx, &eni).await?;
            }
        }
        tags::replace(tx, account, arn, &Tags::new()).await?;
        Ok(())
    })?;
    Ok(())
}

/// Load balancers named by ARN for a service: each must parse as `kind`,
/// exist in the caller's account and the service's region.
pub async fn lbs_for_service(
    tx: &mut crate::store::Tx,
    account: &str,
    arns: &[String],
    kind: LoadBalancerKind,
) -> Result<Vec<LoadBalancerRow>> {
    let mut out: Vec<LoadBalancerRow> = Vec::new();
    for a in arns {
        let parsed = LoadBalancerArn::parse(a, kind)?;
        let canonical = parsed.arn();
        if out.iter().any(|r| r.load_balancer_arn == canonical) {
            continue;
        }
        let row = db::get_load_balancer(&mut **tx, account, &canonical)
            .await?
            .ok_or_else(|| {
                let code = match kind {
                    LoadBalancerKind::Network => "InvalidNetworkLoadBalancerArn.NotFound",
                    LoadBalancerKind::Gateway => "InvalidGatewayLoadBalancerArn.NotFound",
                };
                Error::validation(code, format!("The load balancer '{a}' does not exist"))
            })?;
        out.push(row);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    #[test]
    fn a_stored_lb_type_is_read_typed_and_unknown_text_is_an_error() {
        assert_eq!(lb_kind_of("network").ok(), Some(LoadBalancerKind::Network));
        assert_eq!(lb_kind_of("gateway").ok(), Some(LoadBalancerKind::Gateway));
        let e = lb_kind_of("application").err();
        assert_eq!(
            e.as_ref().map(|e| (e.kind, &*e.message)),
            Some((
                ErrorKind::Internal,
                "load_balancers.lb_type: 'application' is not a load balancer type"
            ))
        );
        for k in [LoadBalancerKind::Network, LoadBalancerKind::Gateway] {
            assert_eq!(LoadBalancerKind::from(LoadBalancerType::from(k)), k);
        }
    }
}
