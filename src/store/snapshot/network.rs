//! The network family's tables: VPCs, subnets, route tables and routes,
//! security groups and rules, interfaces, internet and NAT gateways,
//! peering connections, transit gateways.

use super::{Conn, Positions, bad, children, cidr, ip};
use crate::store::sql;
use crate::store::{Flag, StoreError, Stored};
use linkplane_core::lifecycle::{
    NatGatewayState, PeeringState, TransitGatewayAttachmentState, TransitGatewayState,
};
use linkplane_core::net::Protocol;
use linkplane_core::resolve::model::{
    Interface, InterfaceOwner, InternetGateway, NatGateway, Network, Peering, Route, RouteDest,
    RouteTable, RouteTarget, SecurityGroup, SgPeer, SgRule, Subnet, TgwAttachment, TgwRoute,
    TransitGateway, Vpc,
};

pub(super) async fn load(conn: &mut Conn, net: &mut Network) -> Result<(), StoreError> {
    vpcs(conn, net).await?;
    subnets(conn, net).await?;
    routing(conn, net).await?;
    security(conn, net).await?;
    interfaces(conn, net).await?;
    gateways(conn, net).await?;
    peerings(conn, net).await?;
    transit(conn, net).await
}

#[derive(sqlx::FromRow)]
struct VpcRow {
    vpc_id: String,
    account_id: String,
    region: String,
    cidr_block: String,
    #[sqlx(try_from = "Flag")]
    enable_dns_support: bool,
    #[sqlx(try_from = "Flag")]
    enable_dns_hostnames: bool,
    main_route_table_id: String,
}

async fn vpcs(conn: &mut Conn, net: &mut Network) -> Result<(), StoreError> {
    let rows: Vec<VpcRow> = sql::fetch_all(
        &mut *conn,
        "SELECT vpc_id, account_id, region, cidr_block, enable_dns_support, \
         enable_dns_hostnames, main_route_table_id FROM vpcs",
        (),
    )
    .await?;
    for r in rows {
        net.vpcs.push(Vpc {
            cidr: cidr("vpcs.cidr_block", &r.vpc_id, &r.cidr_block)?,
            id: r.vpc_id,
            account_id: r.account_id,
            region: r.region,
            dns_support: r.enable_dns_support,
            dns_hostnames: r.enable_dns_hostnames,
            main_route_table_id: r.main_route_table_id,
        });
    }
    Ok(())
}

#[derive(sqlx::FromRow)]
struct SubnetRow {
    subnet_id: String,
    vpc_id: String,
    zone_id: String,
    cidr_block: String,
    /// The explicitly associated route table, if any.
    route_table_id: Option<String>,
}

async fn subnets(conn: &mut Conn, net: &mut Network) -> Result<(), StoreError> {
    let rows: Vec<SubnetRow> = sql::fetch_all(
        &mut *conn,
        "SELECT s.subnet_id, s.vpc_id, s.zone_id, s.cidr_block, a.route_table_id \
         FROM subnets s LEFT JOIN route_table_associations a ON a.subnet_id = s.subnet_id",
        (),
    )
    .await?;
    for r in rows {
        net.subnets.push(Subnet {
            cidr: cidr("subnets.cidr_block", &r.subnet_id, &r.cidr_block)?,
            id: r.subnet_id,
            vpc_id: r.vpc_id,
            zone_id: r.zone_id,
            route_table_id: r.route_table_id,
        });
    }
    Ok(())
}

#[derive(sqlx::FromRow)]
struct RouteTableRow {
    route_table_id: String,
    vpc_id: String,
}

#[derive(sqlx::FromRow)]
struct RouteRow {
    route_table_id: String,
    destination: String,
    destination_kind: String,
    target_kind: String,
    target_id: String,
}

impl RouteRow {
    fn route(self) -> Result<Route, StoreError> {
        let id = format!("{} {}", self.route_table_id, self.destination);
        let destination = match self.destination_kind.as_str() {
            "prefix_list" => RouteDest::PrefixList(self.destination),
            "cidr" => RouteDest::Cidr(cidr("routes.destination", &id, &self.destination)?),
            other => {
                return Err(bad(
                    "routes.destination_kind",
                    &id,
                    format!("unknown kind '{other}'"),
                ));
            }
        };
        let t = self.target_id;
        let target = match self.target_kind.as_str() {
            "local" => RouteTarget::Local,
            "gateway" => RouteTarget::InternetGateway(t),
            "nat_gateway" => RouteTarget::NatGateway(t),
            "vpc_peering_connection" => RouteTarget::Peering(t),
            "transit_gateway" => RouteTarget::TransitGateway(t),
            "network_interface" => RouteTarget::NetworkInterface(t),
            // Gateway endpoint routes and routes to GWLB endpoints.
            "gateway_endpoint" | "vpc_endpoint" => RouteTarget::VpcEndpoint(t),
            other => {
                return Err(bad(
                    "routes.target_kind",
                    &id,
                    format!("unknown kind '{other}'"),
                ));
            }
        };
        Ok(Route {
            destination,
            target,
        })
    }
}

async fn routing(conn: &mut Conn, net: &mut Network) -> Result<(), StoreError> {
    let tables: Vec<RouteTableRow> = sql::fetch_all(
        &mut *conn,
        "SELECT route_table_id, vpc_id FROM route_tables",
        (),
    )
    .await?;
    let mut pos = Positions::default();
    for r in tables {
        pos.insert(&r.route_table_id, net.route_tables.len());
        net.route_tables.push(RouteTable {
            id: r.route_table_id,
            vpc_id: r.vpc_id,
            routes: Vec::new(),
        });
    }
    // In creation order, so that ties between prefix-list routes break the
    // same way on every replica.
    let routes: Vec<RouteRow> = sql::fetch_all(
        &mut *conn,
        "SELECT route_table_id, destination, destination_kind, target_kind, target_id \
         FROM routes ORDER BY route_table_id, created_at, destination",
        (),
    )
    .await?;
    for r in routes {
        let at = pos.of("routes.route_table_id", &r.destination, &r.route_table_id)?;
        net.route_tables[at].routes.push(r.route()?);
    }
    Ok(())
}

#[derive(sqlx::FromRow)]
struct GroupRow {
    group_id: String,
    vpc_id: String,
}

#[derive(sqlx::FromRow)]
struct RuleRow {
    rule_id: String,
    group_id: String,
    direction: String,
    protocol: String,
    from_port: i64,
    to_port: i64,
    cidr: Option<String>,
    prefix_list_id: Option<String>,
    ref_group_id: Option<String>,
}

impl RuleRow {
    fn rule(self) -> Result<SgRule, StoreError> {
        let id = &self.rule_id;
        let protocol = Protocol::parse(&self.protocol)
            .map_err(|e| bad("security_group_rules.protocol", id, e.message))?;
        let peer = match (self.cidr, self.prefix_list_id, self.ref_group_id) {
            (Some(c), _, _) => SgPeer::Cidr(cidr("security_group_rules.cidr", id, &c)?),
            (None, Some(pl), _) => SgPeer::PrefixList(pl),
            (None, None, Some(g)) => SgPeer::Group(g),
            (None, None, None) => {
                return Err(bad(
                    "security_group_rules",
                    id,
                    "no cidr, prefix_list_id or ref_group_id",
                ));
            }
        };
        let port = |column: &str, v: i64| {
            i32::try_from(v).map_err(|_| bad(column, id, format!("{v} is not a port")))
        };
        Ok(SgRule {
            protocol,
            from_port: port("security_group_rules.from_port", self.from_port)?,
            to_port: port("security_group_rules.to_port", self.to_port)?,
            peer,
            id: self.rule_id,
        })
    }
}

async fn security(conn: &mut Conn, net: &mut Network) -> Result<(), StoreError> {
    let groups: Vec<GroupRow> = sql::fetch_all(
        &mut *conn,
        "SELECT group_id, vpc_id FROM security_groups",
        (),
    )
    .await?;
    let mut pos = Positions::default();
    for g in groups {
        pos.insert(&g.group_id, net.security_groups.len());
        net.security_groups.push(SecurityGroup {
            id: g.group_id,
            vpc_id: g.vpc_id,
            ingress: Vec::new(),
            egress: Vec::new(),
        });
    }
    let rules: Vec<RuleRow> = sql::fetch_all(
        &mut *conn,
        "SELECT rule_id, group_id, direction, protocol, from_port, to_port, cidr, \
         prefix_list_id, ref_group_id FROM security_group_rules ORDER BY group_id, created_at, rule_id",
        (),
    )
    .await?;
    for r in rules {
        let at = pos.of("security_group_rules.group_id", &r.rule_id, &r.group_id)?;
        let g = &mut net.security_groups[at];
        let list = match r.direction.as_str() {
            "ingress" => &mut g.ingress,
            "egress" => &mut g.egress,
            other => {
                return Err(bad(
                    "security_group_rules.direction",
                    &r.rule_id,
                    format!("unknown direction '{other}'"),
                ));
            }
        };
        list.push(r.rule()?);
    }
    Ok(())
}

#[derive(sqlx::FromRow)]
struct InterfaceRow {
    network_interface_id: String,
    account_id: String,
    subnet_id: String,
    private_ip: i64,
    attached_resource_id: Option<String>,
}

async fn interfaces(conn: &mut Conn, net: &mut Network) -> Result<(), StoreError> {
    let mut groups_of = children(
        conn,
        "SELECT network_interface_id, group_id FROM network_interface_groups \
         ORDER BY network_interface_id, position",
    )
    .await?;
    let rows: Vec<InterfaceRow> = sql::fetch_all(
        &mut *conn,
        "SELECT network_interface_id, account_id, subnet_id, private_ip, attached_resource_id \
         FROM network_interfaces",
        (),
    )
    .await?;
    for r in rows {
        let owner = match r.attached_resource_id {
            Some(a) if a.starts_with("vpce-") => InterfaceOwner::Endpoint(a),
            Some(a) if a.starts_with("arn:") => InterfaceOwner::LoadBalancer(a),
            Some(a) if a.starts_with("nat-") => InterfaceOwner::NatGateway(a),
            _ => InterfaceOwner::User,
        };
        net.interfaces.push(Interface {
            groups: groups_of
                .remove(&r.network_interface_id)
                .unwrap_or_default(),
            private_ip: ip(
                "network_interfaces.private_ip",
                &r.network_interface_id,
                r.private_ip,
            )?,
            id: r.network_interface_id,
            account_id: r.account_id,
            subnet_id: r.subnet_id,
            owner,
        });
    }
    Ok(())
}

#[derive(sqlx::FromRow)]
struct InternetGatewayRow {
    internet_gateway_id: String,
    vpc_id: Option<String>,
}

#[derive(sqlx::FromRow)]
struct NatRow {
    nat_gateway_id: String,
    subnet_id: String,
    connectivity_type: String,
    #[sqlx(try_from = "Stored<NatGatewayState>")]
    state: NatGatewayState,
    /// Its interface's address (None while the interface is missing).
    private_ip: Option<i64>,
}

async fn gateways(conn: &mut Conn, net: &mut Network) -> Result<(), StoreError> {
    let igws: Vec<InternetGatewayRow> = sql::fetch_all(
        &mut *conn,
        "SELECT internet_gateway_id, vpc_id FROM internet_gateways",
        (),
    )
    .await?;
    net.internet_gateways = igws
        .into_iter()
        .map(|r| InternetGateway {
            id: r.internet_gateway_id,
            vpc_id: r.vpc_id,
        })
        .collect();
    let nats: Vec<NatRow> = sql::fetch_all(
        &mut *conn,
        "SELECT n.nat_gateway_id, n.subnet_id, n.connectivity_type, n.state, i.private_ip \
         FROM nat_gateways n LEFT JOIN network_interfaces i \
         ON i.network_interface_id = n.network_interface_id",
        (),
    )
    .await?;
    for r in nats {
        let public = match r.connectivity_type.as_str() {
            "public" => true,
            "private" => false,
            other => {
                return Err(bad(
                    "nat_gateways.connectivity_type",
                    &r.nat_gateway_id,
                    format!("unknown type '{other}'"),
                ));
            }
        };
        let private_ip = match r.private_ip {
            Some(v) => Some(ip("network_interfaces.private_ip", &r.nat_gateway_id, v)?),
            None => None,
        };
        net.nat_gateways.push(NatGateway {
            id: r.nat_gateway_id,
            subnet_id: r.subnet_id,
            private_ip: private_ip.unwrap_or(0),
            public,
            available: r.state == NatGatewayState::Available && private_ip.is_some(),
        });
    }
    Ok(())
}

#[derive(sqlx::FromRow)]
struct PeeringRow {
    vpc_peering_connection_id: String,
    requester_vpc_id: String,
    accepter_vpc_id: String,
    #[sqlx(try_from = "Stored<PeeringState>")]
    status: PeeringState,
}

async fn peerings(conn: &mut Conn, net: &mut Network) -> Result<(), StoreError> {
    let rows: Vec<PeeringRow> = sql::fetch_all(
        &mut *conn,
        "SELECT vpc_peering_connection_id, requester_vpc_id, accepter_vpc_id, status \
         FROM vpc_peering_connections",
        (),
    )
    .await?;
    net.peerings = rows
        .into_iter()
        .map(|r| Peering {
            id: r.vpc_peering_connection_id,
            requester_vpc_id: r.requester_vpc_id,
            accepter_vpc_id: r.accepter_vpc_id,
            status: r.status,
        })
        .collect();
    Ok(())
}

#[derive(sqlx::FromRow)]
struct TransitGatewayRow {
    transit_gateway_id: String,
    #[sqlx(try_from = "Stored<TransitGatewayState>")]
    state: TransitGatewayState,
}

#[derive(sqlx::FromRow)]
struct AttachmentRow {
    transit_gateway_attachment_id: String,
    transit_gateway_id: String,
    vpc_id: String,
    #[sqlx(try_from = "Stored<TransitGatewayAttachmentState>")]
    state: TransitGatewayAttachmentState,
}

#[derive(sqlx::FromRow)]
struct TgwRouteRow {
    transit_gateway_id: String,
    destination_cidr_block: String,
    transit_gateway_attachment_id: Option<String>,
    #[sqlx(try_from = "Flag")]
    blackhole: bool,
}

async fn transit(conn: &mut Conn, net: &mut Network) -> Result<(), StoreError> {
    let tgws: Vec<TransitGatewayRow> = sql::fetch_all(
        &mut *conn,
        "SELECT transit_gateway_id, state FROM transit_gateways",
        (),
    )
    .await?;
    let mut pos = Positions::default();
    for r in tgws {
        pos.insert(&r.transit_gateway_id, net.transit_gateways.len());
        net.transit_gateways.push(TransitGateway {
            id: r.transit_gateway_id,
            available: r.state == TransitGatewayState::Available,
            attachments: Vec::new(),
            routes: Vec::new(),
        });
    }
    let mut subnets_of = children(
        conn,
        "SELECT transit_gateway_attachment_id, subnet_id FROM transit_gateway_attachment_subnets \
         ORDER BY transit_gateway_attachment_id, zone_id",
    )
    .await?;
    let attachments: Vec<AttachmentRow> = sql::fetch_all(
        &mut *conn,
        "SELECT transit_gateway_attachment_id, transit_gateway_id, vpc_id, state \
         FROM transit_gateway_attachments ORDER BY created_at, transit_gateway_attachment_id",
        (),
    )
    .await?;
    for r in attachments {
        let id = r.transit_gateway_attachment_id;
        let at = pos.of(
            "transit_gateway_attachments.transit_gateway_id",
            &id,
            &r.transit_gateway_id,
        )?;
        net.transit_gateways[at].attachments.push(TgwAttachment {
            subnet_ids: subnets_of.remove(&id).unwrap_or_default(),
            id,
            vpc_id: r.vpc_id,
            available: r.state == TransitGatewayAttachmentState::Available,
        });
    }
    let routes: Vec<TgwRouteRow> = sql::fetch_all(
        &mut *conn,
        "SELECT transit_gateway_id, destination_cidr_block, transit_gateway_attachment_id, blackhole \
         FROM transit_gateway_routes ORDER BY transit_gateway_id, created_at",
        (),
    )
    .await?;
    for r in routes {
        let id = format!("{} {}", r.transit_gateway_id, r.destination_cidr_block);
        let at = pos.of(
            "transit_gateway_routes.transit_gateway_id",
            &id,
            &r.transit_gateway_id,
        )?;
        net.transit_gateways[at].routes.push(TgwRoute {
            cidr: cidr(
                "transit_gateway_routes.destination_cidr_block",
                &id,
                &r.destination_cidr_block,
            )?,
            attachment_id: r.transit_gateway_attachment_id,
            blackhole: r.blackhole,
        });
    }
    Ok(())
}
