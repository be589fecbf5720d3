//! Network and gateway load balancers, target groups and targets.

use crate::create_once;
use crate::error::{Error, Result};
use crate::pagination;
use crate::schema;
use crate::service::network::interface::{InterfaceSpec, insert_interface, remove_interface};
use crate::service::network::vpc::subnet_in_body;
use crate::service::network::{Ctx, check_tags, tags_of, zone_name};
use crate::service::{Created, Idempotency, Precondition, Versioned};
use crate::store::network::{self as net_db, ListFilter};
use crate::store::producer::{self as db, LbSubnetRow, LoadBalancerRow, TargetGroupRow, TargetRow};
use crate::store::tags::{self, TagFilter, Tags};
use crate::store::{StoreError, now_ms};
use crate::util::timestamp;
use linkplane_core::lifecycle::{Lifecycle, LoadBalancerState};
use linkplane_core::net::{self, format_ipv4, parse_ipv4};
use linkplane_core::privatelink::{self as pl, LoadBalancerArn, LoadBalancerKind, TargetProtocol};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::time::Duration;
use utoipa::ToSchema;

/// `network` or `gateway`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LoadBalancerType {
    Network,
    Gateway,
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

/// A registered target with its modelled health.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Target {
    /// An IP address or a network interface id.
    #[schema(example = "10.0.1.20")]
    pub id: String,
    #[schema(example = 443)]
    pub port: u16,
    #[schema(example = "10.0.1.20")]
    pub private_ip: String,
    /// The zone of the target's subnet, in the owner's names.
    pub availability_zone: String,
    pub availability_zone_id: String,
    /// `healthy` or `unhealthy` (set with `PUT .../targets/{id}/health`).
    #[schema(example = "healthy")]
    pub health_state: String,
}

/// A target group (`TargetGroup`) with its targets.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TargetGroup {
    #[schema(
        example = "arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/api/0123456789abcdef"
    )]
    pub target_group_arn: String,
    #[schema(example = "api")]
    pub target_group_name: String,
    /// `tcp`, `udp`, `tcp_udp`, `tls` (network) or `geneve` (gateway).
    #[schema(example = "tcp")]
    pub protocol: String,
    #[schema(example = 443)]
    pub port: u16,
    pub vpc_id: String,
    /// The load balancer that forwards to this group.
    pub load_balancer_arn: Option<String>,
    pub owner_id: String,
    pub region: String,
    pub targets: Vec<Target>,
    pub creation_timestamp: String,
}

/// `POST /v1/target-groups`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTargetGroupRequest {
    /// 1 to 32 letters, digits or hyphens, not starting or ending with a hyphen.
    #[schema(
        example = "api",
        pattern = "^[A-Za-z0-9]([A-Za-z0-9-]{0,30}[A-Za-z0-9])?$"
    )]
    pub name: String,
    /// `tcp`, `udp`, `tcp_udp` or `tls` (network load balancers), `geneve`
    /// (gateway load balancers, port 6081 only); in any case.
    #[schema(
        example = "tcp",
        pattern = "^([tT][cC][pP]|[uU][dD][pP]|[tT][cC][pP]_[uU][dD][pP]|[tT][lL][sS]|[gG][eE][nN][eE][vV][eE])$"
    )]
    pub protocol: String,
    #[schema(example = 443, minimum = 1, maximum = 65535)]
    pub port: u16,
    #[schema(value_type = schema::VpcId)]
    pub vpc_id: String,
    /// A load balancer of the same VPC whose kind fits the protocol.
    #[schema(value_type = Option<schema::LoadBalancerArn>)]
    pub load_balancer_arn: Option<String>,
}

/// A target to register or deregister.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TargetSpec {
    /// An IP address in the group's VPC, or a network interface id of it.
    #[schema(value_type = schema::TargetId)]
    pub id: String,
    /// Default: the group's port.
    #[schema(minimum = 1, maximum = 65535)]
    pub port: Option<u16>,
    /// Only for IP addresses outside the VPC's subnets (a zone name of the
    /// owner, or `all`); otherwise the zone is the subnet's.
    #[schema(value_type = Option<schema::TargetZone>)]
    pub availability_zone: Option<String>,
}

/// `POST` and `DELETE .../targets`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TargetsRequest {
    #[schema(min_items = 1)]
    pub targets: Vec<TargetSpec>,
}

/// `PUT .../targets/{id}/health`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TargetHealthRequest {
    pub healthy: bool,
}

pub fn lb_not_found(arn: &str) -> Error {
    Error::not_found(
        "LoadBalancerNotFound",
        format!("Load balancer '{arn}' not found"),
    )
}

fn tg_not_found(arn: &str) -> Error {
    Error::not_found(
        "TargetGroupNotFound",
        format!("Target groups '{arn}' not found"),
    )
}

fn lb_type_of(s: &str) -> LoadBalancerType {
    if s == "gateway" {
        LoadBalancerType::Gateway
    } else {
        LoadBalancerType::Network
    }
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
    Ok(rows
        .into_iter()
        .map(|r| {
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
            Versioned {
                version: r.version,
                value: LoadBalancer {
                    tags: tags.remove(&r.load_balancer_arn).unwrap_or_default(),
                    dns_name: format!("{}-{id}.elb.{}.amazonaws.com", r.name, r.region),
                    load_balancer_arn: r.load_balancer_arn,
                    load_balancer_name: r.name,
                    r#type: lb_type_of(&r.lb_type),
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
            }
        })
        .collect())
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
        tags::replace(tx, account, &arn, tags).await?;
        Ok(arn)
    })?;
    created
        .load(|id| async move { get_load_balancer(ctx, &id).await })
        .await
}

pub async fn get_load_balancer(ctx: Ctx<'_>, arn: &str) -> Result<Versioned<LoadBalancer>> {
    let account = ctx.account()?;
    let row = db::get_load_balancer(ctx.store.pool(), account, arn)
        .await?
        .ok_or_else(|| lb_not_found(arn))?;
    lbs_of(ctx, vec![row])
        .await?
        .pop()
        .ok_or_else(|| lb_not_found(arn))
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
    let spec = pagination::page_spec("load-balancers", q.max_results, q.next_token.as_deref())?;
    let filter = ListFilter {
        tags: q.tags,
        ..Default::default()
    }
    .eq("vpc_id", q.vpc_id)
    .eq("region", q.region)
    .eq(
        "lb_type",
        q.r#type.map(|t| LoadBalancerKind::from(t).as_str()),
    );
    let page = db::list_load_balancers(ctx.store.pool(), account, &filter, &spec).await?;
    let next = pagination::next_token("load-balancers", &page);
    let items = lbs_of(ctx, page.items)
        .await?
        .into_iter()
        .map(|v| v.value)
        .collect();
    Ok((items, next))
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
    crate::service::retry_tx(|| async move {
        let mut tx = ctx.store.begin().await?;
        let row = db::get_load_balancer(&mut *tx, account, arn)
            .await?
            .ok_or_else(|| lb_not_found(arn))?;
        precondition.check(&format!("\"v{}\"", row.version))?;
        let cross = req.cross_zone_enabled.unwrap_or(row.cross_zone_enabled);
        if !db::update_load_balancer(&mut tx, arn, cross, row.version, now_ms()).await? {
            return Err(Error::contention(
                "the load balancer changed while this update ran",
            ));
        }
        if let Some(t) = &req.tags {
            tags::replace(&mut tx, account, arn, t).await?;
        }
        tx.commit().await.map_err(StoreError::from)?;
        Ok(())
    })
    .await?;
    get_load_balancer(ctx, arn).await
}

/// Deletes a load balancer and its node interfaces; refused while an
/// endpoint service uses it (`ResourceInUse`). Its target groups stay,
/// detached.
pub async fn delete_load_balancer(ctx: Ctx<'_>, arn: &str) -> Result<()> {
    let account = ctx.account()?;
    crate::service::retry_tx(|| async move {
        let mut tx = ctx.store.begin().await?;
        db::get_load_balancer(&mut *tx, account, arn)
            .await?
            .ok_or_else(|| lb_not_found(arn))?;
        if let Some(svc) = db::service_of_load_balancer(&mut tx, arn).await? {
            return Err(Error::conflict(
                "ResourceInUse",
                format!(
                    "Load balancer '{arn}' cannot be deleted because it is in use by endpoint service {svc}"
                ),
            ));
        }
        let nodes = db::lb_subnets(&mut *tx, &[arn]).await?;
        db::delete_load_balancer(&mut tx, arn).await?;
        for n in nodes {
            if let Some(eni) = net_db::get_interface(&mut *tx, account, &n.network_interface_id).await?
            {
                remove_interface(&mut tx, &eni).await?;
            }
        }
        tags::replace(&mut tx, account, arn, &Tags::new()).await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(())
    })
    .await?;
    Ok(())
}

// ---- target groups ----

async fn tgs_of(ctx: Ctx<'_>, rows: Vec<TargetGroupRow>) -> Result<Vec<Versioned<TargetGroup>>> {
    let arns: Vec<&str> = rows.iter().map(|r| r.target_group_arn.as_str()).collect();
    let targets = db::targets_of(ctx.store.pool(), &arns).await?;
    let mut by_tg: HashMap<String, Vec<TargetRow>> = HashMap::new();
    for t in targets {
        by_tg.entry(t.target_group_arn.clone()).or_default().push(t);
    }
    Ok(rows
        .into_iter()
        .map(|r| Versioned {
            version: r.version,
            value: TargetGroup {
                targets: by_tg
                    .remove(&r.target_group_arn)
                    .unwrap_or_default()
                    .into_iter()
                    .map(|t| Target {
                        availability_zone: if t.zone_id == "all" {
                            "all".to_string()
                        } else {
                            zone_name(&r.account_id, &t.zone_id)
                        },
                        id: t.target_id,
                        port: t.port as u16,
                        private_ip: format_ipv4(t.ip as u32),
                        availability_zone_id: t.zone_id,
                        health_state: if t.healthy { "healthy" } else { "unhealthy" }.to_string(),
                    })
                    .collect(),
                target_group_arn: r.target_group_arn,
                target_group_name: r.name,
                protocol: r.protocol,
                port: r.port as u16,
                vpc_id: r.vpc_id,
                load_balancer_arn: r.load_balancer_arn,
                owner_id: r.account_id,
                region: r.region,
                creation_timestamp: timestamp(r.created_at),
            },
        })
        .collect())
}

pub async fn create_target_group(
    ctx: Ctx<'_>,
    req: CreateTargetGroupRequest,
    idempotency_key: Option<String>,
) -> Result<Created<Versioned<TargetGroup>>> {
    let idem = Idempotency::new(ctx.caller, idempotency_key, "CreateTargetGroup", &req);
    let account = ctx.account()?;
    pl::validate_target_group_name(&req.name)?;
    let protocol = TargetProtocol::parse(&req.protocol)?;
    let req = &req;
    let created = create_once!(ctx.store, idem.as_ref(), |tx| {
        let vpc = crate::service::network::vpc::vpc_in_body(tx, account, &req.vpc_id).await?;
        let kind = if protocol == TargetProtocol::Geneve {
            LoadBalancerKind::Gateway
        } else {
            LoadBalancerKind::Network
        };
        if let Some(arn) = &req.load_balancer_arn {
            let lb = db::get_load_balancer(&mut **tx, account, arn)
                .await?
                .ok_or_else(|| {
                    Error::validation(
                        "LoadBalancerNotFound",
                        format!("Load balancer '{arn}' not found"),
                    )
                })?;
            if lb.vpc_id != vpc.vpc_id {
                return Err(Error::invalid_value(format!(
                    "load balancer {arn} is in {}, the target group in {}",
                    lb.vpc_id, vpc.vpc_id
                )));
            }
            let lb_kind = if lb.lb_type == "gateway" {
                LoadBalancerKind::Gateway
            } else {
                LoadBalancerKind::Network
            };
            pl::check_target_group(lb_kind, protocol, req.port)?;
        } else {
            pl::check_target_group(kind, protocol, req.port)?;
        }
        let now = now_ms();
        let arn =
            pl::target_group_arn(&vpc.region, account, &req.name, &pl::elb_id(rand::random()));
        let row = TargetGroupRow {
            target_group_arn: arn.clone(),
            account_id: account.to_string(),
            region: vpc.region.clone(),
            name: req.name.clone(),
            protocol: protocol.as_str().to_string(),
            port: i64::from(req.port),
            vpc_id: vpc.vpc_id.clone(),
            load_balancer_arn: req.load_balancer_arn.clone(),
            created_at: now,
            updated_at: now,
            version: 1,
        };
        match db::insert_target_group(tx, &row).await {
            Err(StoreError::Conflict(_)) => {
                return Err(Error::conflict(
                    "DuplicateTargetGroupName",
                    format!("A target group with the name '{}' already exists", req.name),
                ));
            }
            other => other?,
        }
        Ok(arn)
    })?;
    created
        .load(|id| async move { get_target_group(ctx, &id).await })
        .await
}

pub async fn get_target_group(ctx: Ctx<'_>, arn: &str) -> Result<Versioned<TargetGroup>> {
    let account = ctx.account()?;
    let row = db::get_target_group(ctx.store.pool(), account, arn)
        .await?
        .ok_or_else(|| tg_not_found(arn))?;
    tgs_of(ctx, vec![row])
        .await?
        .pop()
        .ok_or_else(|| tg_not_found(arn))
}

/// Filters of `GET /v1/target-groups`.
#[derive(Debug, Clone, Default)]
pub struct ListTargetGroups {
    pub vpc_id: Option<String>,
    pub load_balancer_arn: Option<String>,
    pub region: Option<String>,
    pub max_results: Option<u32>,
    pub next_token: Option<String>,
}

pub async fn list_target_groups(
    ctx: Ctx<'_>,
    q: ListTargetGroups,
) -> Result<(Vec<TargetGroup>, Option<String>)> {
    let account = ctx.account()?;
    let spec = pagination::page_spec("target-groups", q.max_results, q.next_token.as_deref())?;
    let filter = ListFilter::default()
        .eq("vpc_id", q.vpc_id)
        .eq("load_balancer_arn", q.load_balancer_arn)
        .eq("region", q.region);
    let page = db::list_target_groups(ctx.store.pool(), account, &filter, &spec).await?;
    let next = pagination::next_token("target-groups", &page);
    let items = tgs_of(ctx, page.items)
        .await?
        .into_iter()
        .map(|v| v.value)
        .collect();
    Ok((items, next))
}

pub async fn delete_target_group(ctx: Ctx<'_>, arn: &str) -> Result<()> {
    let account = ctx.account()?;
    crate::service::retry_tx(|| async move {
        let mut tx = ctx.store.begin().await?;
        db::get_target_group(&mut *tx, account, arn)
            .await?
            .ok_or_else(|| tg_not_found(arn))?;
        db::delete_target_group(&mut tx, arn).await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(())
    })
    .await?;
    Ok(())
}

/// Registers targets: IP addresses of the group's VPC (the zone is the
/// subnet's; addresses outside its subnets need `availability_zone`) or
/// network interfaces of it.
fn not_a_target_id(id: &str) -> Error {
    Error::invalid_value(format!(
        "targets: '{id}' is neither an IPv4 address nor a network interface id"
    ))
}

/// What registering and deregistering both refuse, whatever the group
/// holds: no targets, an id that is neither an IPv4 address nor an
/// interface id, port 0, a zone that is neither `all` nor one of the
/// account's (both take the same `TargetsRequest`, so the same schema).
fn check_target_specs(account: &str, targets: &[TargetSpec]) -> Result<()> {
    if targets.is_empty() {
        return Err(Error::missing("targets: at least one target"));
    }
    for t in targets {
        let interface = linkplane_core::ids::is_valid_id("eni", &t.id);
        if !interface && parse_ipv4(&t.id).is_err() {
            return Err(not_a_target_id(&t.id));
        }
        if t.port == Some(0) {
            return Err(Error::invalid_value("port: must be 1 to 65535"));
        }
        if let Some(z) = &t.availability_zone
            && z != "all"
            && linkplane_core::catalog::catalog()
                .zone_id_for_name(account, z)
                .is_none()
        {
            return Err(Error::invalid_value(format!(
                "availability_zone: '{z}' is not a zone of this account"
            )));
        }
    }
    Ok(())
}

pub async fn register_targets(
    ctx: Ctx<'_>,
    arn: &str,
    req: TargetsRequest,
) -> Result<Versioned<TargetGroup>> {
    let account = ctx.account()?;
    check_target_specs(account, &req.targets)?;
    // One lock order for every transaction writing several target rows.
    let mut req = req;
    req.targets
        .sort_by(|a, b| (&a.id, a.port).cmp(&(&b.id, b.port)));
    let req = &req;
    crate::service::retry_tx(|| async move {
        let mut tx = ctx.store.begin().await?;
        let tg = db::get_target_group(&mut *tx, account, arn)
            .await?
            .ok_or_else(|| tg_not_found(arn))?;
        let vpc = net_db::get_vpc(&mut *tx, Some(account), &tg.vpc_id)
            .await?
            .ok_or_else(|| Error::internal(format!("VPC {} vanished", tg.vpc_id)))?;
        let vpc_cidr = crate::service::network::vpc::cidr_of(&vpc.cidr_block)?;
        let now = now_ms();
        for t in &req.targets {
            let port = i64::from(t.port.unwrap_or(tg.port as u16));
            let (ip, zone_id) = if t.id.starts_with("eni-") {
                let eni = net_db::get_interface(&mut *tx, account, &t.id)
                    .await?
                    .ok_or_else(|| {
                        crate::service::network::unknown(
                            "InvalidNetworkInterfaceID.NotFound",
                            "network interface",
                            &t.id,
                        )
                    })?;
                if eni.vpc_id != tg.vpc_id {
                    return Err(Error::invalid_value(format!(
                        "target {} is in {}, the target group in {}",
                        t.id, eni.vpc_id, tg.vpc_id
                    )));
                }
                (eni.private_ip, eni.zone_id)
            } else {
                let ip = parse_ipv4(&t.id).map_err(|_| not_a_target_id(&t.id))?;
                let subnet = net_db::subnet_containing(&mut tx, &tg.vpc_id, i64::from(ip)).await?;
                match (subnet, &t.availability_zone) {
                    (Some(s), _) => (i64::from(ip), s.zone_id),
                    (None, Some(z)) if z == "all" => (i64::from(ip), "all".to_string()),
                    (None, Some(z)) => {
                        let id = linkplane_core::catalog::catalog()
                            .zone_id_for_name(account, z)
                            .ok_or_else(|| {
                                Error::invalid_value(format!(
                                    "availability_zone: '{z}' is not a zone of this account"
                                ))
                            })?;
                        (i64::from(ip), id)
                    }
                    (None, None) if vpc_cidr.contains_addr(ip) => {
                        return Err(Error::invalid_value(format!(
                            "target {} is in {} but in none of its subnets",
                            t.id, tg.vpc_id
                        )));
                    }
                    (None, None) => {
                        return Err(Error::invalid_value(format!(
                            "target {} is outside {}: give availability_zone (a zone name or all)",
                            t.id, tg.vpc_id
                        )));
                    }
                }
            };
            db::upsert_target(
                &mut tx,
                &TargetRow {
                    target_group_arn: arn.to_string(),
                    target_id: t.id.clone(),
                    port,
                    ip,
                    zone_id,
                    healthy: true,
                    created_at: now,
                },
            )
            .await?;
        }
        db::touch_target_group(&mut tx, arn, now).await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(())
    })
    .await?;
    get_target_group(ctx, arn).await
}

pub async fn deregister_targets(
    ctx: Ctx<'_>,
    arn: &str,
    req: TargetsRequest,
) -> Result<Versioned<TargetGroup>> {
    let account = ctx.account()?;
    check_target_specs(account, &req.targets)?;
    // One lock order for every transaction writing several target rows.
    let mut req = req;
    req.targets
        .sort_by(|a, b| (&a.id, a.port).cmp(&(&b.id, b.port)));
    let req = &req;
    crate::service::retry_tx(|| async move {
        let mut tx = ctx.store.begin().await?;
        db::get_target_group(&mut *tx, account, arn)
            .await?
            .ok_or_else(|| tg_not_found(arn))?;
        for t in &req.targets {
            db::delete_target(&mut tx, arn, &t.id, t.port.map(i64::from)).await?;
        }
        db::touch_target_group(&mut tx, arn, now_ms()).await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(())
    })
    .await?;
    get_target_group(ctx, arn).await
}

/// Models a health check result for a target (every port of it).
pub async fn set_target_health(
    ctx: Ctx<'_>,
    arn: &str,
    target_id: &str,
    req: TargetHealthRequest,
) -> Result<Versioned<TargetGroup>> {
    let account = ctx.account()?;
    crate::service::retry_tx(|| async move {
        let mut tx = ctx.store.begin().await?;
        db::get_target_group(&mut *tx, account, arn)
            .await?
            .ok_or_else(|| tg_not_found(arn))?;
        if db::set_target_health(&mut tx, arn, target_id, req.healthy).await? == 0 {
            return Err(Error::not_found(
                "InvalidTarget",
                format!("target '{target_id}' is not registered with {arn}"),
            ));
        }
        db::touch_target_group(&mut tx, arn, now_ms()).await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(())
    })
    .await?;
    get_target_group(ctx, arn).await
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
