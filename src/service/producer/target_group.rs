//! Target groups and their targets: registering, deregistering and the
//! health a load balancer routes by.

use super::loadbalancer::lb_kind_of;
use crate::create_once;
use crate::error::{Error, Result};
use crate::pagination;
use crate::schema;
use crate::service::network::{Ctx, zone_name};
use crate::service::{Created, Idempotency, Versioned, render_one, values};
use crate::store::filter::ListFilter;
use crate::store::filter::Scope;
use crate::store::network::{self as net_db};
use crate::store::producer::{self as db, TargetGroupRow, TargetRow};
use crate::store::{StoreError, now_ms};
use crate::transaction;
use crate::util::timestamp;
use linkplane_core::net::{format_ipv4, parse_ipv4};
use linkplane_core::privatelink::{self as pl, LoadBalancerKind, TargetProtocol};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use utoipa::ToSchema;

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

pub(crate) fn tg_not_found(arn: &str) -> Error {
    Error::not_found(
        "TargetGroupNotFound",
        format!("Target groups '{arn}' not found"),
    )
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
            pl::check_target_group(lb_kind_of(&lb.lb_type)?, protocol, req.port)?;
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
    let row = db::get_target_group(ctx.store.pool(), account, arn).await?;
    render_one(row, |rows| tgs_of(ctx, rows), || tg_not_found(arn)).await
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
    let filter = ListFilter::default()
        .eq("load_balancer_arn", q.load_balancer_arn)
        .eq("vpc_id", q.vpc_id)
        .eq("region", q.region);
    pagination::list(
        "target-groups",
        q.max_results,
        q.next_token.as_deref(),
        |spec| async move { db::list_target_groups(ctx.store.pool(), account, &filter, &spec).await },
        |rows| values(tgs_of(ctx, rows)),
    )
    .await
}

pub async fn delete_target_group(ctx: Ctx<'_>, arn: &str) -> Result<()> {
    let account = ctx.account()?;
    transaction!(ctx.store, |tx| {
        db::get_target_group(&mut **tx, account, arn)
            .await?
            .ok_or_else(|| tg_not_found(arn))?;
        if db::group_has_listeners(tx, arn).await? {
            return Err(Error::conflict(
                "ResourceInUse",
                format!("Target group '{arn}' is currently in use by a listener or a rule"),
            ));
        }
        db::delete_target_group(tx, arn).await?;
        Ok(())
    })?;
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

/// Checks the targets of a (de)registration and sorts them: one lock order
/// for every transaction writing several target rows.
fn in_lock_order(account: &str, mut req: TargetsRequest) -> Result<TargetsRequest> {
    check_target_specs(account, &req.targets)?;
    req.targets
        .sort_by(|a, b| (&a.id, a.port).cmp(&(&b.id, b.port)));
    Ok(req)
}

pub async fn register_targets(
    ctx: Ctx<'_>,
    arn: &str,
    req: TargetsRequest,
) -> Result<Versioned<TargetGroup>> {
    let account = ctx.account()?;
    let req = &in_lock_order(account, req)?;
    transaction!(ctx.store, |tx| {
        let tg = db::get_target_group(&mut **tx, account, arn)
            .await?
            .ok_or_else(|| tg_not_found(arn))?;
        let vpc = net_db::get_vpc(&mut **tx, Scope::Account(account), &tg.vpc_id)
            .await?
            .ok_or_else(|| Error::internal(format!("VPC {} vanished", tg.vpc_id)))?;
        let vpc_cidr = crate::service::network::vpc::cidr_of(&vpc.cidr_block)?;
        let now = now_ms();
        for t in &req.targets {
            let port = i64::from(t.port.unwrap_or(tg.port as u16));
            let (ip, zone_id) = if t.id.starts_with("eni-") {
                let eni = net_db::get_interface(&mut **tx, account, &t.id)
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
                let subnet = net_db::subnet_containing(tx, &tg.vpc_id, i64::from(ip)).await?;
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
                tx,
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
        db::touch_target_group(tx, arn, now).await?;
        Ok(())
    })?;
    get_target_group(ctx, arn).await
}

pub async fn deregister_targets(
    ctx: Ctx<'_>,
    arn: &str,
    req: TargetsRequest,
) -> Result<Versioned<TargetGroup>> {
    let account = ctx.account()?;
    let req = &in_lock_order(account, req)?;
    transaction!(ctx.store, |tx| {
        db::get_target_group(&mut **tx, account, arn)
            .await?
            .ok_or_else(|| tg_not_found(arn))?;
        for t in &req.targets {
            db::delete_target(tx, arn, &t.id, t.port.map(i64::from)).await?;
        }
        db::touch_target_group(tx, arn, now_ms()).await?;
        Ok(())
    })?;
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
    transaction!(ctx.store, |tx| {
        db::get_target_group(&mut **tx, account, arn)
            .await?
            .ok_or_else(|| tg_not_found(arn))?;
        if db::set_target_health(tx, arn, target_id, req.healthy).await? == 0 {
            return Err(Error::not_found(
                "InvalidTarget",
                format!("target '{target_id}' is not registered with {arn}"),
            ));
        }
        db::touch_target_group(tx, arn, now_ms()).await?;
        Ok(())
    })?;
    get_target_group(ctx, arn).await
}
