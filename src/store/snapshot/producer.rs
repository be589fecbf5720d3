//! The producer family's tables: load balancers with their nodes and
//! listeners, target groups and targets, endpoint services with their load
//! balancers and regions.

use super::{Conn, Positions, bad, ip, port};
use crate::store::sql;
use crate::store::{Flag, StoreError, Stored, StoredOption};
use linkplane_core::lifecycle::{
    EndpointServiceState, LoadBalancerState, PrivateDnsState, ServiceRegionState,
};
use linkplane_core::privatelink::{LoadBalancerKind, TargetProtocol};
use linkplane_core::resolve::model::{
    EndpointService, Listener, LoadBalancer, Network, Target, TargetGroup,
};
use std::collections::HashMap;

/// Loads the producer side; answers each customer service's verified
/// private DNS name, which its endpoints serve.
pub(super) async fn load(
    conn: &mut Conn,
    net: &mut Network,
) -> Result<HashMap<String, String>, StoreError> {
    load_balancers(conn, net).await?;
    target_groups(conn, net).await?;
    services(conn, net).await
}

#[derive(sqlx::FromRow)]
struct LoadBalancerRow {
    load_balancer_arn: String,
    lb_type: String,
    vpc_id: String,
    #[sqlx(try_from = "Flag")]
    cross_zone_enabled: bool,
    #[sqlx(try_from = "Stored<LoadBalancerState>")]
    state: LoadBalancerState,
}

#[derive(sqlx::FromRow)]
struct NodeRow {
    load_balancer_arn: String,
    zone_id: String,
    network_interface_id: String,
}

async fn load_balancers(conn: &mut Conn, net: &mut Network) -> Result<(), StoreError> {
    let rows: Vec<LoadBalancerRow> = sql::fetch_all(
        &mut *conn,
        "SELECT load_balancer_arn, lb_type, vpc_id, cross_zone_enabled, state FROM load_balancers",
        (),
    )
    .await?;
    let mut pos = Positions::default();
    for r in rows {
        let kind = LoadBalancerKind::parse(&r.lb_type).ok_or_else(|| {
            bad(
                "load_balancers.lb_type",
                &r.load_balancer_arn,
                format!("unknown type '{}'", r.lb_type),
            )
        })?;
        pos.insert(&r.load_balancer_arn, net.load_balancers.len());
        net.load_balancers.push(LoadBalancer {
            arn: r.load_balancer_arn,
            kind,
            vpc_id: r.vpc_id,
            cross_zone: r.cross_zone_enabled,
            available: r.state == LoadBalancerState::Active,
            nodes: Vec::new(),
            listeners: Vec::new(),
        });
    }
    let nodes: Vec<NodeRow> = sql::fetch_all(
        &mut *conn,
        "SELECT load_balancer_arn, zone_id, network_interface_id FROM load_balancer_subnets \
         ORDER BY load_balancer_arn, zone_id",
        (),
    )
    .await?;
    for n in nodes {
        let at = pos.of(
            "load_balancer_subnets.load_balancer_arn",
            &n.network_interface_id,
            &n.load_balancer_arn,
        )?;
        net.load_balancers[at]
            .nodes
            .push((n.zone_id, n.network_interface_id));
    }
    let listeners: Vec<ListenerRow> = sql::fetch_all(
        &mut *conn,
        "SELECT listener_arn, load_balancer_arn, protocol, port, target_group_arn FROM listeners \
         ORDER BY load_balancer_arn, created_at, listener_arn",
        (),
    )
    .await?;
    for l in listeners {
        let id = &l.listener_arn;
        let at = pos.of("listeners.load_balancer_arn", id, &l.load_balancer_arn)?;
        let protocol = match &l.protocol {
            Some(p) => Some(
                TargetProtocol::parse(p).map_err(|e| bad("listeners.protocol", id, e.message))?,
            ),
            None => None,
        };
        let port = match l.port {
            Some(p) => Some(port("listeners.port", id, p)?),
            None => None,
        };
        net.load_balancers[at].listeners.push(Listener {
            protocol,
            port,
            target_group_arn: l.target_group_arn,
        });
    }
    Ok(())
}

#[derive(sqlx::FromRow)]
struct ListenerRow {
    listener_arn: String,
    load_balancer_arn: String,
    protocol: Option<String>,
    port: Option<i64>,
    target_group_arn: String,
}

#[derive(sqlx::FromRow)]
struct TargetGroupRow {
    target_group_arn: String,
    load_balancer_arn: Option<String>,
    protocol: String,
    port: i64,
}

#[derive(sqlx::FromRow)]
struct TargetRow {
    target_group_arn: String,
    target_id: String,
    port: i64,
    ip: i64,
    zone_id: String,
    #[sqlx(try_from = "Flag")]
    healthy: bool,
}

async fn target_groups(conn: &mut Conn, net: &mut Network) -> Result<(), StoreError> {
    let rows: Vec<TargetGroupRow> = sql::fetch_all(
        &mut *conn,
        "SELECT target_group_arn, load_balancer_arn, protocol, port FROM target_groups \
         ORDER BY created_at, target_group_arn",
        (),
    )
    .await?;
    let mut pos = Positions::default();
    for r in rows {
        let arn = r.target_group_arn;
        let protocol = TargetProtocol::parse(&r.protocol)
            .map_err(|e| bad("target_groups.protocol", &arn, e.message))?;
        pos.insert(&arn, net.target_groups.len());
        net.target_groups.push(TargetGroup {
            port: port("target_groups.port", &arn, r.port)?,
            arn,
            load_balancer_arn: r.load_balancer_arn,
            protocol,
            targets: Vec::new(),
        });
    }
    let targets: Vec<TargetRow> = sql::fetch_all(
        &mut *conn,
        "SELECT target_group_arn, target_id, port, ip, zone_id, healthy FROM targets \
         ORDER BY target_group_arn, created_at, target_id, port",
        (),
    )
    .await?;
    for t in targets {
        let id = format!("{} {}:{}", t.target_group_arn, t.target_id, t.port);
        let at = pos.of("targets.target_group_arn", &id, &t.target_group_arn)?;
        net.target_groups[at].targets.push(Target {
            ip: ip("targets.ip", &id, t.ip)?,
            port: port("targets.port", &id, t.port)?,
            id: t.target_id,
            zone_id: t.zone_id,
            healthy: t.healthy,
        });
    }
    Ok(())
}

#[derive(sqlx::FromRow)]
struct ServiceRow {
    service_id: String,
    account_id: String,
    region: String,
    #[sqlx(try_from = "Stored<EndpointServiceState>")]
    service_state: EndpointServiceState,
    private_dns_name: Option<String>,
    #[sqlx(try_from = "StoredOption<PrivateDnsState>")]
    pdns_state: Option<PrivateDnsState>,
}

/// A row of `endpoint_service_load_balancers` or `endpoint_service_regions`.
#[derive(sqlx::FromRow)]
struct ServiceItemRow {
    service_id: String,
    item: String,
}

async fn services(
    conn: &mut Conn,
    net: &mut Network,
) -> Result<HashMap<String, String>, StoreError> {
    let rows: Vec<ServiceRow> = sql::fetch_all(
        &mut *conn,
        "SELECT service_id, account_id, region, service_state, private_dns_name, pdns_state \
         FROM endpoint_services",
        (),
    )
    .await?;
    let mut pos = Positions::default();
    // A customer service's private DNS name serves its endpoints while it is
    // verified: the service's current name, as DescribeVpcEndpoints shows it
    // (a name the provider replaced or removed stops answering at once).
    let mut verified_name: HashMap<String, String> = HashMap::new();
    for r in rows {
        if let Some(name) = r.private_dns_name
            && r.pdns_state.is_some_and(PrivateDnsState::is_verified)
        {
            verified_name.insert(r.service_id.clone(), name);
        }
        pos.insert(&r.service_id, net.services.len());
        net.services.push(EndpointService {
            id: r.service_id,
            account_id: r.account_id,
            region: r.region,
            available: r.service_state.accepts_endpoints(),
            load_balancer_arns: Vec::new(),
            supported_regions: Vec::new(),
        });
    }
    let lbs: Vec<ServiceItemRow> = sql::fetch_all(
        &mut *conn,
        "SELECT service_id, load_balancer_arn AS item FROM endpoint_service_load_balancers \
         ORDER BY service_id, position",
        (),
    )
    .await?;
    for r in lbs {
        let at = pos.of(
            "endpoint_service_load_balancers.service_id",
            &r.item,
            &r.service_id,
        )?;
        net.services[at].load_balancer_arns.push(r.item);
    }
    let regions: Vec<ServiceItemRow> = sql::fetch_all(
        &mut *conn,
        "SELECT service_id, region AS item FROM endpoint_service_regions WHERE state = $1 \
         ORDER BY service_id, region",
        (ServiceRegionState::Available.as_str(),),
    )
    .await?;
    for r in regions {
        let at = pos.of(
            "endpoint_service_regions.service_id",
            &r.item,
            &r.service_id,
        )?;
        net.services[at].supported_regions.push(r.item);
    }
    Ok(verified_name)
}
