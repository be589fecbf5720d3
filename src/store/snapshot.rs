//! Reads the whole network, as the route resolver's [`Network`], in one
//! read transaction, together with the network version it is the network
//! of (migration 0006 bumps the version in every writing transaction).

use super::{Backend, Flag, Store, StoreError, Stored, StoredOption};
use linkplane_core::catalog::{self, EndpointType};
use linkplane_core::endpoint::{self as ep, EndpointNames};
use linkplane_core::lifecycle::{
    EndpointServiceState, LoadBalancerState, NatGatewayState, PeeringState, PrivateDnsState,
    ServiceRegionState, TransitGatewayAttachmentState, TransitGatewayState, VpcEndpointState,
};
use linkplane_core::net::{Ipv4Cidr, Protocol};
use linkplane_core::privatelink::{LoadBalancerKind, TargetProtocol};
use linkplane_core::resolve::catalog_prefix_lists;
use linkplane_core::resolve::model::*;
use std::collections::HashMap;

const VERSION_SQL: &str = "SELECT CAST(SUM(version) AS BIGINT) FROM network_version";

/// The current network version (one small read).
pub async fn version(store: &Store) -> Result<i64, StoreError> {
    let v: Option<i64> = sqlx::query_scalar(VERSION_SQL)
        .fetch_one(store.pool())
        .await?;
    Ok(v.unwrap_or(0))
}

fn cidr(s: &str) -> Option<Ipv4Cidr> {
    Ipv4Cidr::parse(s).ok()
}

fn ip(v: i64) -> u32 {
    u32::try_from(v).unwrap_or(0)
}

type Rows<T> = Vec<T>;

/// Loads every resource the resolver reads and the version they are at.
pub async fn load(store: &Store) -> Result<(i64, Network), StoreError> {
    let mut tx = store.pool().begin().await?;
    if store.backend() == Backend::Postgres {
        sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            .execute(&mut *tx)
            .await?;
    }
    let version: Option<i64> = sqlx::query_scalar(VERSION_SQL).fetch_one(&mut *tx).await?;
    let mut net = Network {
        prefix_lists: catalog_prefix_lists(),
        ..Network::default()
    };

    let vpcs: Rows<(String, String, String, String, Flag, Flag, String)> = sqlx::query_as(
        "SELECT vpc_id, account_id, region, cidr_block, enable_dns_support, \
         enable_dns_hostnames, main_route_table_id FROM vpcs",
    )
    .fetch_all(&mut *tx)
    .await?;
    for (id, account, region, block, dns, hostnames, main) in vpcs {
        let Some(c) = cidr(&block) else { continue };
        net.vpcs.push(Vpc {
            id,
            account_id: account,
            region,
            cidr: c,
            dns_support: dns.0,
            dns_hostnames: hostnames.0,
            main_route_table_id: main,
        });
    }

    let subnets: Rows<(String, String, String, String, Option<String>)> = sqlx::query_as(
        "SELECT s.subnet_id, s.vpc_id, s.zone_id, s.cidr_block, a.route_table_id \
         FROM subnets s LEFT JOIN route_table_associations a ON a.subnet_id = s.subnet_id",
    )
    .fetch_all(&mut *tx)
    .await?;
    for (id, vpc_id, zone_id, block, table) in subnets {
        let Some(c) = cidr(&block) else { continue };
        net.subnets.push(Subnet {
            id,
            vpc_id,
            zone_id,
            cidr: c,
            route_table_id: table,
        });
    }

    let tables: Rows<(String, String)> =
        sqlx::query_as("SELECT route_table_id, vpc_id FROM route_tables")
            .fetch_all(&mut *tx)
            .await?;
    let mut table_pos: HashMap<String, usize> = HashMap::new();
    for (id, vpc_id) in tables {
        table_pos.insert(id.clone(), net.route_tables.len());
        net.route_tables.push(RouteTable {
            id,
            vpc_id,
            routes: Vec::new(),
        });
    }
    // In creation order, so that ties between prefix-list routes break the
    // same way on every replica.
    let routes: Rows<(String, String, String, String, String)> = sqlx::query_as(
        "SELECT route_table_id, destination, destination_kind, target_kind, target_id \
         FROM routes ORDER BY route_table_id, created_at, destination",
    )
    .fetch_all(&mut *tx)
    .await?;
    for (table, destination, dkind, tkind, target_id) in routes {
        let Some(&pos) = table_pos.get(&table) else {
            continue;
        };
        let destination = if dkind == "prefix_list" {
            RouteDest::PrefixList(destination)
        } else {
            match cidr(&destination) {
                Some(c) => RouteDest::Cidr(c),
                None => continue,
            }
        };
        let target = match tkind.as_str() {
            "local" => RouteTarget::Local,
            "gateway" => RouteTarget::InternetGateway(target_id),
            "nat_gateway" => RouteTarget::NatGateway(target_id),
            "vpc_peering_connection" => RouteTarget::Peering(target_id),
            "transit_gateway" => RouteTarget::TransitGateway(target_id),
            "network_interface" => RouteTarget::NetworkInterface(target_id),
            // Gateway endpoint routes and routes to GWLB endpoints.
            _ => RouteTarget::VpcEndpoint(target_id),
        };
        net.route_tables[pos].routes.push(Route {
            destination,
            target,
        });
    }

    let groups: Rows<(String, String)> =
        sqlx::query_as("SELECT group_id, vpc_id FROM security_groups")
            .fetch_all(&mut *tx)
            .await?;
    let mut group_pos: HashMap<String, usize> = HashMap::new();
    for (id, vpc_id) in groups {
        group_pos.insert(id.clone(), net.security_groups.len());
        net.security_groups.push(SecurityGroup {
            id,
            vpc_id,
            ingress: Vec::new(),
            egress: Vec::new(),
        });
    }
    type RuleRow = (
        String,
        String,
        String,
        String,
        i64,
        i64,
        Option<String>,
        Option<String>,
        Option<String>,
    );
    let rules: Rows<RuleRow> = sqlx::query_as(
        "SELECT rule_id, group_id, direction, protocol, from_port, to_port, cidr, \
         prefix_list_id, ref_group_id FROM security_group_rules ORDER BY group_id, created_at, rule_id",
    )
    .fetch_all(&mut *tx)
    .await?;
    for (rule_id, group, direction, protocol, from, to, block, pl, refg) in rules {
        let Some(&pos) = group_pos.get(&group) else {
            continue;
        };
        let Ok(protocol) = Protocol::parse(&protocol) else {
            continue;
        };
        let peer = match (block.as_deref().and_then(cidr), pl, refg) {
            (Some(c), _, _) => SgPeer::Cidr(c),
            (None, Some(pl), _) => SgPeer::PrefixList(pl),
            (None, None, Some(g)) => SgPeer::Group(g),
            _ => continue,
        };
        let rule = SgRule {
            id: rule_id,
            protocol,
            from_port: from as i32,
            to_port: to as i32,
            peer,
        };
        let g = &mut net.security_groups[pos];
        if direction == "ingress" {
            g.ingress.push(rule);
        } else {
            g.egress.push(rule);
        }
    }

    let eni_groups: Rows<(String, String)> = sqlx::query_as(
        "SELECT network_interface_id, group_id FROM network_interface_groups \
         ORDER BY network_interface_id, position",
    )
    .fetch_all(&mut *tx)
    .await?;
    let mut groups_of: HashMap<String, Vec<String>> = HashMap::new();
    for (eni, g) in eni_groups {
        groups_of.entry(eni).or_default().push(g);
    }
    let enis: Rows<(String, String, String, i64, Option<String>)> = sqlx::query_as(
        "SELECT network_interface_id, account_id, subnet_id, private_ip, attached_resource_id \
         FROM network_interfaces",
    )
    .fetch_all(&mut *tx)
    .await?;
    for (id, account_id, subnet_id, private_ip, attached) in enis {
        let owner = match attached {
            Some(a) if a.starts_with("vpce-") => InterfaceOwner::Endpoint(a),
            Some(a) if a.starts_with("arn:") => InterfaceOwner::LoadBalancer(a),
            Some(a) if a.starts_with("nat-") => InterfaceOwner::NatGateway(a),
            _ => InterfaceOwner::User,
        };
        net.interfaces.push(Interface {
            groups: groups_of.remove(&id).unwrap_or_default(),
            id,
            account_id,
            subnet_id,
            private_ip: ip(private_ip),
            owner,
        });
    }

    let igws: Rows<(String, Option<String>)> =
        sqlx::query_as("SELECT internet_gateway_id, vpc_id FROM internet_gateways")
            .fetch_all(&mut *tx)
            .await?;
    net.internet_gateways = igws
        .into_iter()
        .map(|(id, vpc_id)| InternetGateway { id, vpc_id })
        .collect();

    type NatRow = (String, String, String, Stored<NatGatewayState>, Option<i64>);
    let nats: Rows<NatRow> = sqlx::query_as(
        "SELECT n.nat_gateway_id, n.subnet_id, n.connectivity_type, n.state, i.private_ip \
         FROM nat_gateways n LEFT JOIN network_interfaces i \
         ON i.network_interface_id = n.network_interface_id",
    )
    .fetch_all(&mut *tx)
    .await?;
    for (id, subnet_id, kind, state, private_ip) in nats {
        net.nat_gateways.push(NatGateway {
            id,
            subnet_id,
            private_ip: private_ip.map_or(0, ip),
            public: kind == "public",
            available: state.0 == NatGatewayState::Available && private_ip.is_some(),
        });
    }

    let pcxs: Rows<(String, String, String, Stored<PeeringState>)> = sqlx::query_as(
        "SELECT vpc_peering_connection_id, requester_vpc_id, accepter_vpc_id, status \
         FROM vpc_peering_connections",
    )
    .fetch_all(&mut *tx)
    .await?;
    net.peerings = pcxs
        .into_iter()
        .map(|(id, requester_vpc_id, accepter_vpc_id, status)| Peering {
            id,
            requester_vpc_id,
            accepter_vpc_id,
            status: status.0.as_str().to_string(),
        })
        .collect();

    let tgws: Rows<(String, Stored<TransitGatewayState>)> =
        sqlx::query_as("SELECT transit_gateway_id, state FROM transit_gateways")
            .fetch_all(&mut *tx)
            .await?;
    let mut tgw_pos: HashMap<String, usize> = HashMap::new();
    for (id, state) in tgws {
        tgw_pos.insert(id.clone(), net.transit_gateways.len());
        net.transit_gateways.push(TransitGateway {
            id,
            available: state.0 == TransitGatewayState::Available,
            attachments: Vec::new(),
            routes: Vec::new(),
        });
    }
    let att_subnets: Rows<(String, String)> = sqlx::query_as(
        "SELECT transit_gateway_attachment_id, subnet_id FROM transit_gateway_attachment_subnets \
         ORDER BY transit_gateway_attachment_id, zone_id",
    )
    .fetch_all(&mut *tx)
    .await?;
    let mut subnets_of: HashMap<String, Vec<String>> = HashMap::new();
    for (a, s) in att_subnets {
        subnets_of.entry(a).or_default().push(s);
    }
    let atts: Rows<(
        String,
        String,
        String,
        Stored<TransitGatewayAttachmentState>,
    )> = sqlx::query_as(
        "SELECT transit_gateway_attachment_id, transit_gateway_id, vpc_id, state \
         FROM transit_gateway_attachments ORDER BY created_at, transit_gateway_attachment_id",
    )
    .fetch_all(&mut *tx)
    .await?;
    for (id, tgw, vpc_id, state) in atts {
        let Some(&pos) = tgw_pos.get(&tgw) else {
            continue;
        };
        net.transit_gateways[pos].attachments.push(TgwAttachment {
            subnet_ids: subnets_of.remove(&id).unwrap_or_default(),
            id,
            vpc_id,
            available: state.0 == TransitGatewayAttachmentState::Available,
        });
    }
    let tgw_routes: Rows<(String, String, Option<String>, Flag)> = sqlx::query_as(
        "SELECT transit_gateway_id, destination_cidr_block, transit_gateway_attachment_id, blackhole \
         FROM transit_gateway_routes ORDER BY transit_gateway_id, created_at",
    )
    .fetch_all(&mut *tx)
    .await?;
    for (tgw, block, attachment_id, blackhole) in tgw_routes {
        let (Some(&pos), Some(c)) = (tgw_pos.get(&tgw), cidr(&block)) else {
            continue;
        };
        net.transit_gateways[pos].routes.push(TgwRoute {
            cidr: c,
            attachment_id,
            blackhole: blackhole.0,
        });
    }

    let lbs: Rows<(String, String, String, Flag, Stored<LoadBalancerState>)> = sqlx::query_as(
        "SELECT load_balancer_arn, lb_type, vpc_id, cross_zone_enabled, state FROM load_balancers",
    )
    .fetch_all(&mut *tx)
    .await?;
    let mut lb_pos: HashMap<String, usize> = HashMap::new();
    for (arn, kind, vpc_id, cross_zone, state) in lbs {
        lb_pos.insert(arn.clone(), net.load_balancers.len());
        net.load_balancers.push(LoadBalancer {
            arn,
            kind: if kind == "gateway" {
                LoadBalancerKind::Gateway
            } else {
                LoadBalancerKind::Network
            },
            vpc_id,
            cross_zone: cross_zone.0,
            available: state.0 == LoadBalancerState::Active,
            nodes: Vec::new(),
        });
    }
    let nodes: Rows<(String, String, String)> = sqlx::query_as(
        "SELECT load_balancer_arn, zone_id, network_interface_id FROM load_balancer_subnets \
         ORDER BY load_balancer_arn, zone_id",
    )
    .fetch_all(&mut *tx)
    .await?;
    for (arn, zone, eni) in nodes {
        if let Some(&pos) = lb_pos.get(&arn) {
            net.load_balancers[pos].nodes.push((zone, eni));
        }
    }
    let tgs: Rows<(String, Option<String>, String, i64)> = sqlx::query_as(
        "SELECT target_group_arn, load_balancer_arn, protocol, port FROM target_groups \
         ORDER BY created_at, target_group_arn",
    )
    .fetch_all(&mut *tx)
    .await?;
    let mut tg_pos: HashMap<String, usize> = HashMap::new();
    for (arn, lb, protocol, port) in tgs {
        let Ok(protocol) = TargetProtocol::parse(&protocol) else {
            continue;
        };
        tg_pos.insert(arn.clone(), net.target_groups.len());
        net.target_groups.push(TargetGroup {
            arn,
            load_balancer_arn: lb,
            protocol,
            port: u16::try_from(port).unwrap_or(0),
            targets: Vec::new(),
        });
    }
    let targets: Rows<(String, String, i64, i64, String, Flag)> = sqlx::query_as(
        "SELECT target_group_arn, target_id, port, ip, zone_id, healthy FROM targets \
         ORDER BY target_group_arn, created_at, target_id, port",
    )
    .fetch_all(&mut *tx)
    .await?;
    for (tg, id, port, addr, zone_id, healthy) in targets {
        if let Some(&pos) = tg_pos.get(&tg) {
            net.target_groups[pos].targets.push(Target {
                id,
                ip: ip(addr),
                port: u16::try_from(port).unwrap_or(0),
                zone_id,
                healthy: healthy.0,
            });
        }
    }

    type ServiceRow = (
        String,
        String,
        String,
        Stored<EndpointServiceState>,
        Option<String>,
        StoredOption<PrivateDnsState>,
    );
    let services: Rows<ServiceRow> = sqlx::query_as(
        "SELECT service_id, account_id, region, service_state, private_dns_name, pdns_state \
         FROM endpoint_services",
    )
    .fetch_all(&mut *tx)
    .await?;
    let mut svc_pos: HashMap<String, usize> = HashMap::new();
    // A customer service's private DNS name serves its endpoints while it is
    // verified: the service's current name, as DescribeVpcEndpoints shows it
    // (a name the provider replaced or removed stops answering at once).
    let mut verified_name: HashMap<String, String> = HashMap::new();
    for (id, account_id, region, state, pdns_name, pdns_state) in services {
        if let Some(name) = pdns_name
            && pdns_state.0.is_some_and(PrivateDnsState::is_verified)
        {
            verified_name.insert(id.clone(), name);
        }
        svc_pos.insert(id.clone(), net.services.len());
        net.services.push(EndpointService {
            id,
            account_id,
            region,
            available: state.0.accepts_endpoints(),
            load_balancer_arns: Vec::new(),
            supported_regions: Vec::new(),
        });
    }
    let svc_lbs: Rows<(String, String)> = sqlx::query_as(
        "SELECT service_id, load_balancer_arn FROM endpoint_service_load_balancers \
         ORDER BY service_id, position",
    )
    .fetch_all(&mut *tx)
    .await?;
    for (svc, lb) in svc_lbs {
        if let Some(&pos) = svc_pos.get(&svc) {
            net.services[pos].load_balancer_arns.push(lb);
        }
    }
    let svc_regions: Rows<(String, String)> = sqlx::query_as(
        "SELECT service_id, region FROM endpoint_service_regions WHERE state = $1 \
         ORDER BY service_id, region",
    )
    .bind(ServiceRegionState::Available.as_str())
    .fetch_all(&mut *tx)
    .await?;
    for (svc, region) in svc_regions {
        if let Some(&pos) = svc_pos.get(&svc) {
            net.services[pos].supported_regions.push(region);
        }
    }

    let ep_subnets: Rows<(String, String, String, String)> = sqlx::query_as(
        "SELECT vpc_endpoint_id, subnet_id, zone_id, network_interface_id FROM vpc_endpoint_subnets \
         ORDER BY vpc_endpoint_id, zone_id",
    )
    .fetch_all(&mut *tx)
    .await?;
    let mut ep_ifaces: HashMap<String, Vec<(String, String, String)>> = HashMap::new();
    for (e, subnet, zone, eni) in ep_subnets {
        ep_ifaces.entry(e).or_default().push((subnet, zone, eni));
    }
    let private: Rows<(String, String)> = sqlx::query_as(
        "SELECT vpc_endpoint_id, dns_name FROM vpc_private_dns_names ORDER BY vpc_endpoint_id, dns_name",
    )
    .fetch_all(&mut *tx)
    .await?;
    let mut private_of: HashMap<String, Vec<String>> = HashMap::new();
    for (e, name) in private {
        private_of.entry(e).or_default().push(name);
    }
    type EndpointRow = (
        String,
        String,
        String,
        String,
        Stored<EndpointType>,
        String,
        Option<String>,
        String,
        Stored<VpcEndpointState>,
        Option<String>,
        Flag,
        String,
    );
    let endpoints: Rows<EndpointRow> = sqlx::query_as(
        "SELECT vpc_endpoint_id, account_id, region, vpc_id, vpc_endpoint_type, service_name, \
         service_id, service_region, state, policy_document, private_dns_enabled, dns_token \
         FROM vpc_endpoints WHERE state <> $1",
    )
    .bind(VpcEndpointState::Deleted.as_str())
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;

    for (
        id,
        account_id,
        region,
        vpc_id,
        kind,
        service_name,
        service_id,
        service_region,
        state,
        policy,
        pdns,
        token,
    ) in endpoints
    {
        let kind = match kind.0 {
            EndpointType::Interface => EndpointKind::Interface,
            EndpointType::Gateway => EndpointKind::Gateway,
            EndpointType::GatewayLoadBalancer => EndpointKind::GatewayLoadBalancer,
        };
        let ifaces = ep_ifaces.remove(&id).unwrap_or_default();
        let aws = catalog::catalog().aws_service_by_name(&service_name);
        let policy_enforced =
            service_id.is_none() && aws.is_some_and(|s| s.service.supports_vpc_endpoint_policy);
        let dns_names = if kind == EndpointKind::Interface {
            let part = match &service_id {
                Some(s) => s.clone(),
                None => aws.map(|s| s.service.service.clone()).unwrap_or_default(),
            };
            let zone_names: Vec<String> = ifaces
                .iter()
                .map(|(_, z, _)| {
                    catalog::catalog()
                        .zone_name_for_id(&account_id, z)
                        .unwrap_or_else(|| z.clone())
                })
                .collect();
            let entries = ep::dns_entries(&EndpointNames {
                endpoint_id: &id,
                token: &token,
                service_part: &part,
                service_region: &service_region,
                wildcard: part == "s3",
                zone_names: &zone_names,
                private_names: &[],
            });
            entries
                .into_iter()
                .enumerate()
                .map(|(i, e)| {
                    let zone = (i > 0).then(|| ifaces.get(i - 1).map(|(_, z, _)| z.clone()));
                    (e.dns_name, zone.flatten())
                })
                .collect()
        } else {
            Vec::new()
        };
        net.endpoints.push(Endpoint {
            private_dns_names: match (&service_id, pdns.0) {
                (_, false) => Vec::new(),
                (Some(svc), true) => verified_name.get(svc).cloned().into_iter().collect(),
                (None, true) => private_of.remove(&id).unwrap_or_default(),
            },
            interfaces: ifaces.into_iter().map(|(s, _, eni)| (s, eni)).collect(),
            dns_names,
            id,
            account_id,
            vpc_id,
            region,
            kind,
            service_name,
            service_id,
            service_region,
            state: state.0.as_str().to_string(),
            policy,
            policy_enforced,
            private_dns_enabled: pdns.0,
        });
    }
    Ok((version.unwrap_or(0), net))
}
