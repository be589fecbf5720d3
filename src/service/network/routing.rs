//! Route tables: routes, subnet associations, and the state of each route.

use super::vpc::{cidr_of, subnet_in_body, vpc_in_body};
use super::{Ctx, check_tags, dependency, not_found, tagged, tags_of, unknown};
use crate::create_once;
use crate::error::{Error, Result};
use crate::pagination;
use crate::schema;
use crate::service::{Created, Idempotency, Versioned, render_one, values};
use crate::store::filter::AnyOf;
use crate::store::filter::Scope;
use crate::store::network::{self as db, AssociationRow, LiveTargets, RouteRow, RouteTableRow};
use crate::store::tags::{self, TagFilter, Tags};
use crate::store::{StoreError, Tx, now_ms};
use crate::transaction;
use crate::util::{new_id, timestamp};
use linkplane_core::catalog::{self, EndpointType};
use linkplane_core::lifecycle::RouteState;
use linkplane_core::net::{self, RouteDestination, RouteTarget};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A route. Exactly one destination field and one target field are set.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Route {
    #[schema(example = "0.0.0.0/0")]
    pub destination_cidr_block: Option<String>,
    #[schema(example = "pl-63a5400a")]
    pub destination_prefix_list_id: Option<String>,
    /// `local`, an internet gateway (`igw-...`) or, for routes a gateway
    /// endpoint adds, the endpoint (`vpce-...`).
    #[schema(example = "igw-0a1b2c3d4e5f67890")]
    pub gateway_id: Option<String>,
    pub nat_gateway_id: Option<String>,
    pub vpc_peering_connection_id: Option<String>,
    pub transit_gateway_id: Option<String>,
    pub network_interface_id: Option<String>,
    /// A gateway load balancer endpoint.
    pub vpc_endpoint_id: Option<String>,
    /// `active`, or `blackhole` when the target is gone or unusable (a
    /// deleted NAT gateway or interface, a detached internet gateway, a
    /// peering connection that is no longer active, a transit gateway no
    /// longer attached to the VPC).
    #[schema(example = "active")]
    pub state: String,
    /// `create_route_table` (the local route), `create_route` (added by a
    /// user), `vpc_endpoint` (added by a gateway endpoint; read-only here).
    #[schema(example = "create_route")]
    pub origin: String,
}

/// A subnet's explicit association, or the main table's implicit one.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RouteTableAssociation {
    #[schema(example = "rtbassoc-0a1b2c3d4e5f67890")]
    pub association_id: String,
    pub route_table_id: String,
    /// The associated subnet; absent on the main association.
    pub subnet_id: Option<String>,
    /// True on the main table's implicit association (every subnet without
    /// an explicit one uses the main table).
    pub main: bool,
}

/// A route table (`RouteTable`).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RouteTable {
    #[schema(example = "rtb-0a1b2c3d4e5f67890")]
    pub route_table_id: String,
    pub vpc_id: String,
    pub owner_id: String,
    pub region: String,
    /// Whether this is the VPC's main route table.
    pub main: bool,
    pub routes: Vec<Route>,
    pub associations: Vec<RouteTableAssociation>,
    pub creation_timestamp: String,
    pub tags: Tags,
}

/// `POST /v1/route-tables`: a table with only the local route.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateRouteTableRequest {
    #[schema(value_type = schema::VpcId)]
    pub vpc_id: String,
    pub tags: Option<Tags>,
}

/// `POST /v1/route-tables/{route_table_id}/routes`: one destination, one target.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateRouteRequest {
    /// The destination: exactly one of this and `destination_prefix_list_id`.
    #[schema(value_type = Option<schema::Ipv4Cidr>)]
    pub destination_cidr_block: Option<String>,
    /// An AWS-managed prefix list of the table's region.
    #[schema(value_type = Option<schema::PrefixListId>)]
    pub destination_prefix_list_id: Option<String>,
    /// An internet gateway attached to the table's VPC. The target: exactly
    /// one of this and the five fields below.
    #[schema(value_type = Option<schema::InternetGatewayId>)]
    pub gateway_id: Option<String>,
    /// An available NAT gateway in the table's VPC.
    #[schema(value_type = Option<schema::NatGatewayId>)]
    pub nat_gateway_id: Option<String>,
    /// An active peering connection of the table's VPC.
    #[schema(value_type = Option<schema::VpcPeeringConnectionId>)]
    pub vpc_peering_connection_id: Option<String>,
    /// A transit gateway with an attachment in the table's VPC.
    #[schema(value_type = Option<schema::TransitGatewayId>)]
    pub transit_gateway_id: Option<String>,
    /// A network interface in the table's VPC.
    #[schema(value_type = Option<schema::NetworkInterfaceId>)]
    pub network_interface_id: Option<String>,
    /// A gateway load balancer endpoint in the table's VPC (not with a
    /// prefix-list destination).
    #[schema(value_type = Option<schema::VpcEndpointId>)]
    pub vpc_endpoint_id: Option<String>,
}

/// `POST /v1/route-tables/{route_table_id}/associations`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssociateRouteTableRequest {
    /// A subnet of the table's VPC. An association it has with another
    /// table is replaced (a subnet uses exactly one route table).
    #[schema(value_type = schema::SubnetId)]
    pub subnet_id: String,
}

pub fn table_not_found(id: &str) -> Error {
    not_found("InvalidRouteTableID.NotFound", "route table", id)
}

fn route_state(r: &RouteRow, vpc_id: &str, live: &LiveTargets) -> bool {
    match r.target_kind.as_str() {
        "gateway" => live.igw_vpc.get(&r.target_id).is_some_and(|v| v == vpc_id),
        "nat_gateway" => live.nat.contains(&r.target_id),
        "vpc_peering_connection" => live.pcx_active.contains(&r.target_id),
        "transit_gateway" => live
            .tgw_vpc
            .contains(&(r.target_id.clone(), vpc_id.to_string())),
        "network_interface" => live.eni.contains(&r.target_id),
        "vpc_endpoint" => live.vpce.contains(&r.target_id),
        // local and endpoint routes live and die with their owner.
        _ => true,
    }
}

fn route_of(r: RouteRow, active: bool) -> Route {
    let mut out = Route {
        destination_cidr_block: None,
        destination_prefix_list_id: None,
        gateway_id: None,
        nat_gateway_id: None,
        vpc_peering_connection_id: None,
        transit_gateway_id: None,
        network_interface_id: None,
        vpc_endpoint_id: None,
        state: RouteState::of(active).to_string(),
        origin: r.origin,
    };
    if r.destination_kind == "prefix_list" {
        out.destination_prefix_list_id = Some(r.destination);
    } else {
        out.destination_cidr_block = Some(r.destination);
    }
    let t = Some(r.target_id);
    match r.target_kind.as_str() {
        "nat_gateway" => out.nat_gateway_id = t,
        "vpc_peering_connection" => out.vpc_peering_connection_id = t,
        "transit_gateway" => out.transit_gateway_id = t,
        "network_interface" => out.network_interface_id = t,
        "vpc_endpoint" => out.vpc_endpoint_id = t,
        // local, internet gateways and gateway endpoints show as gateway_id.
        _ => out.gateway_id = t,
    }
    out
}

async fn tables_of(ctx: Ctx<'_>, rows: Vec<RouteTableRow>) -> Result<Vec<Versioned<RouteTable>>> {
    let ids: Vec<&str> = rows.iter().map(|r| r.route_table_id.as_str()).collect();
    let mut tags = tags_of(ctx.store, &ids).await?;
    let routes = db::routes_of(ctx.store.pool(), &ids).await?;
    let live = db::live_targets(ctx.store.pool(), &routes).await?;
    let assocs = db::associations_of(ctx.store.pool(), &ids).await?;
    Ok(rows
        .into_iter()
        .map(|t| {
            let routes = routes
                .iter()
                .filter(|r| r.route_table_id == t.route_table_id)
                .map(|r| route_of(r.clone(), route_state(r, &t.vpc_id, &live)))
                .collect();
            let mut associations: Vec<RouteTableAssociation> = Vec::new();
            if let Some(main) = &t.main_association_id {
                associations.push(RouteTableAssociation {
                    association_id: main.clone(),
                    route_table_id: t.route_table_id.clone(),
                    subnet_id: None,
                    main: true,
                });
            }
            associations.extend(
                assocs
                    .iter()
                    .filter(|a| a.route_table_id == t.route_table_id)
                    .map(|a| RouteTableAssociation {
                        association_id: a.association_id.clone(),
                        route_table_id: a.route_table_id.clone(),
                        subnet_id: Some(a.subnet_id.clone()),
                        main: false,
                    }),
            );
            Versioned {
                version: t.version,
                value: RouteTable {
                    tags: tags.remove(&t.route_table_id).unwrap_or_default(),
                    route_table_id: t.route_table_id,
                    vpc_id: t.vpc_id,
                    owner_id: t.account_id,
                    region: t.region,
                    main: t.is_main,
                    routes,
                    associations,
                    creation_timestamp: timestamp(t.created_at),
                },
            }
        })
        .collect())
}

pub async fn create_route_table(
    ctx: Ctx<'_>,
    req: CreateRouteTableRequest,
    idempotency_key: Option<String>,
) -> Result<Created<Versioned<RouteTable>>> {
    let idem = Idempotency::new(ctx.caller, idempotency_key, "CreateRouteTable", &req);
    let account = ctx.account()?;
    let tags = check_tags(&req.tags)?;
    let (req, tags) = (&req, &tags);
    let created = create_once!(ctx.store, idem.as_ref(), |tx| {
        let vpc = vpc_in_body(tx, account, &req.vpc_id).await?;
        let now = now_ms();
        let row = RouteTableRow {
            route_table_id: new_id("rtb"),
            account_id: account.to_string(),
            vpc_id: vpc.vpc_id.clone(),
            region: vpc.region.clone(),
            is_main: false,
            main_association_id: None,
            created_at: now,
            updated_at: now,
            version: 1,
        };
        db::insert_route_table(tx, &row).await?;
        db::insert_route(
            tx,
            &RouteRow {
                route_table_id: row.route_table_id.clone(),
                destination: vpc.cidr_block.clone(),
                destination_kind: "cidr".to_string(),
                target_kind: "local".to_string(),
                target_id: "local".to_string(),
                origin: "create_route_table".to_string(),
                created_at: now,
            },
        )
        .await?;
        tags::add(tx, account, &row.route_table_id, tags).await?;
        Ok(row.route_table_id)
    })?;
    created
        .load(|id| async move { get_route_table(ctx, &id).await })
        .await
}

pub async fn get_route_table(ctx: Ctx<'_>, id: &str) -> Result<Versioned<RouteTable>> {
    let account = ctx.account()?;
    let row = db::get_route_table(ctx.store.pool(), account, id).await?;
    render_one(row, |rows| tables_of(ctx, rows), || table_not_found(id)).await
}

/// Filters of `GET /v1/route-tables`.
#[derive(Debug, Clone, Default)]
pub struct ListRouteTables {
    pub vpc_id: AnyOf<String>,
    pub region: Option<String>,
    pub main: Option<bool>,
    pub tags: Vec<TagFilter>,
    pub max_results: Option<u32>,
    pub next_token: Option<String>,
}

pub async fn list_route_tables(
    ctx: Ctx<'_>,
    q: ListRouteTables,
) -> Result<(Vec<RouteTable>, Option<String>)> {
    let account = ctx.account()?;
    let filter = tagged(q.tags)
        .eq("vpc_id", q.vpc_id)
        .eq("is_main", q.main)
        .eq("region", q.region);
    pagination::list(
        "route-tables",
        q.max_results,
        q.next_token.as_deref(),
        |spec| async move { db::list_route_tables(ctx.store.pool(), account, &filter, &spec).await },
        |rows| values(tables_of(ctx, rows)),
    )
    .await
}

/// Exactly one of the named options, else 400 naming them.
fn exactly_one<'a>(
    what: &str,
    options: &[(&'static str, &'a Option<String>)],
) -> Result<(&'static str, &'a str)> {
    let given: Vec<(&'static str, &'a str)> = options
        .iter()
        .filter_map(|(n, v)| v.as_deref().map(|v| (*n, v)))
        .collect();
    let names = || {
        options
            .iter()
            .map(|(n, _)| *n)
            .collect::<Vec<_>>()
            .join(", ")
    };
    match given.as_slice() {
        [one] => Ok(*one),
        [] => Err(Error::missing(format!(
            "a route needs a {what}: one of {}",
            names()
        ))),
        _ => Err(Error::validation(
            "InvalidParameterCombination",
            format!("a route has exactly one {what}: one of {}", names()),
        )),
    }
}

/// Checks a user route's target against the table's VPC and answers the
/// stored target kind.
async fn checked_target(
    tx: &mut Tx,
    account: &str,
    table: &RouteTableRow,
    field: &str,
    id: &str,
) -> Result<(RouteTarget, &'static str)> {
    let vpc = &table.vpc_id;
    let elsewhere = |what: &str, other: &str| {
        Error::invalid_value(format!(
            "route table {} and {what} {id} belong to different networks ({vpc} and {other})",
            table.route_table_id
        ))
    };
    match field {
        "gateway_id" if id == "local" => Ok((RouteTarget::Local, "local")),
        "gateway_id" if id.starts_with("vpce-") => {
            Ok((RouteTarget::GatewayEndpoint, "gateway_endpoint"))
        }
        "gateway_id" => {
            let igw = db::get_internet_gateway(&mut **tx, account, id)
                .await?
                .ok_or_else(|| unknown("InvalidGatewayID.NotFound", "gateway", id))?;
            match igw.vpc_id.as_deref() {
                Some(v) if v == vpc => Ok((RouteTarget::InternetGateway, "gateway")),
                Some(v) => Err(elsewhere("network gateway", v)),
                None => Err(Error::invalid_value(format!(
                    "internet gateway {id} is not attached to {vpc}; attach it first"
                ))),
            }
        }
        "nat_gateway_id" => {
            let nat = db::get_nat_gateway(&mut **tx, account, id)
                .await?
                .ok_or_else(|| unknown("InvalidNatGatewayID.NotFound", "NAT gateway", id))?;
            if &nat.vpc_id != vpc {
                return Err(elsewhere("NAT gateway", &nat.vpc_id));
            }
            Ok((RouteTarget::NatGateway, "nat_gateway"))
        }
        "vpc_peering_connection_id" => {
            let pcx = db::get_peering(&mut **tx, account, id)
                .await?
                .ok_or_else(|| {
                    unknown(
                        "InvalidVpcPeeringConnectionID.NotFound",
                        "vpcPeeringConnection",
                        id,
                    )
                })?;
            if &pcx.requester_vpc_id != vpc && &pcx.accepter_vpc_id != vpc {
                return Err(Error::invalid_value(format!(
                    "peering connection {id} joins {} and {}, not {vpc}",
                    pcx.requester_vpc_id, pcx.accepter_vpc_id
                )));
            }
            if !pcx.status.is_active() {
                return Err(Error::invalid_value(format!(
                    "peering connection {id} is {}, not active; it must be accepted first",
                    pcx.status
                )));
            }
            Ok((RouteTarget::PeeringConnection, "vpc_peering_connection"))
        }
        "transit_gateway_id" => {
            db::get_transit_gateway(&mut **tx, account, id)
                .await?
                .ok_or_else(|| {
                    unknown("InvalidTransitGatewayID.NotFound", "transit gateway", id)
                })?;
            let attached = db::attachments_of(tx, id)
                .await?
                .into_iter()
                .any(|(a, _)| &a.vpc_id == vpc);
            if !attached {
                return Err(Error::invalid_value(format!(
                    "transit gateway {id} has no attachment in {vpc}; attach the VPC first"
                )));
            }
            Ok((RouteTarget::TransitGateway, "transit_gateway"))
        }
        "vpc_endpoint_id" => {
            let e = crate::store::consumer::get_endpoint(&mut **tx, Scope::Account(account), id)
                .await?
                .filter(|e| !e.state.is_deleting_or_deleted())
                .ok_or_else(|| unknown("InvalidVpcEndpointId.NotFound", "Vpc Endpoint", id))?;
            if e.vpc_endpoint_type != EndpointType::GatewayLoadBalancer {
                return Err(Error::invalid_value(format!(
                    "routes may target only gateway load balancer endpoints; {id} is a {} endpoint",
                    e.vpc_endpoint_type
                )));
            }
            if &e.vpc_id != vpc {
                return Err(elsewhere("VPC endpoint", &e.vpc_id));
            }
            Ok((RouteTarget::GatewayLoadBalancerEndpoint, "vpc_endpoint"))
        }
        _ => {
            let eni = db::get_interface(&mut **tx, account, id)
                .await?
                .ok_or_else(|| {
                    unknown(
                        "InvalidNetworkInterfaceID.NotFound",
                        "network interface",
                        id,
                    )
                })?;
            if &eni.vpc_id != vpc {
                return Err(elsewhere("network interface", &eni.vpc_id));
            }
            Ok((RouteTarget::NetworkInterface, "network_interface"))
        }
    }
}

/// Adds a route; answers the table with it.
pub async fn create_route(
    ctx: Ctx<'_>,
    table_id: &str,
    req: CreateRouteRequest,
    idempotency_key: Option<String>,
) -> Result<Created<Versioned<RouteTable>>> {
    let idem = Idempotency::new(
        ctx.caller,
        idempotency_key,
        "CreateRoute",
        &(table_id, &req),
    );
    let account = ctx.account()?;
    let (dest_field, dest_text) = exactly_one(
        "destination",
        &[
            ("destination_cidr_block", &req.destination_cidr_block),
            (
                "destination_prefix_list_id",
                &req.destination_prefix_list_id,
            ),
        ],
    )?;
    let destination = net::parse_route_destination(dest_text)?;
    if dest_field == "destination_cidr_block"
        && matches!(destination, RouteDestination::PrefixList(_))
    {
        return Err(Error::invalid_value(format!(
            "destination_cidr_block: '{dest_text}' is a prefix list id; use destination_prefix_list_id"
        )));
    }
    if dest_field == "destination_prefix_list_id"
        && matches!(destination, RouteDestination::Cidr(_))
    {
        return Err(Error::validation(
            "InvalidPrefixListId.Malformed",
            format!("destination_prefix_list_id: '{dest_text}' is not a prefix list id"),
        ));
    }
    let (target_field, target_id) = exactly_one(
        "target",
        &[
            ("gateway_id", &req.gateway_id),
            ("nat_gateway_id", &req.nat_gateway_id),
            ("vpc_peering_connection_id", &req.vpc_peering_connection_id),
            ("transit_gateway_id", &req.transit_gateway_id),
            ("network_interface_id", &req.network_interface_id),
            ("vpc_endpoint_id", &req.vpc_endpoint_id),
        ],
    )?;
    let destination = &destination;
    let created = create_once!(ctx.store, idem.as_ref(), |tx| {
        let table = db::get_route_table(&mut **tx, account, table_id)
            .await?
            .ok_or_else(|| table_not_found(table_id))?;
        if let RouteDestination::PrefixList(pl) = destination {
            catalog::catalog()
                .prefix_list(pl)
                .filter(|p| p.region == table.region)
                .ok_or_else(|| unknown("InvalidPrefixListID.NotFound", "prefix list", pl))?;
        }
        let (target, kind) = checked_target(tx, account, &table, target_field, target_id).await?;
        let vpc = vpc_in_body(tx, account, &table.vpc_id).await?;
        net::check_user_route(&cidr_of(&vpc.cidr_block)?, destination, target)?;
        let dest = destination.as_string();
        let exists = |d: &str| {
            Error::conflict(
                "RouteAlreadyExists",
                format!("The route identified by {d} already exists in {table_id}"),
            )
        };
        if db::get_route(tx, table_id, &dest).await?.is_some() {
            return Err(exists(&dest));
        }
        let now = now_ms();
        let row = RouteRow {
            route_table_id: table_id.to_string(),
            destination: dest.clone(),
            destination_kind: match destination {
                RouteDestination::Cidr(_) => "cidr",
                RouteDestination::PrefixList(_) => "prefix_list",
            }
            .to_string(),
            target_kind: kind.to_string(),
            target_id: target_id.to_string(),
            origin: "create_route".to_string(),
            created_at: now,
        };
        match db::insert_route(tx, &row).await {
            Err(StoreError::Conflict(_)) => return Err(exists(&dest)),
            other => other?,
        }
        db::touch_route_table(tx, table_id, now).await?;
        Ok(table_id.to_string())
    })?;
    let table = get_route_table(ctx, table_id).await?;
    Ok(created.with(table))
}

/// Removes a user route. The local route and routes a gateway endpoint
/// manages cannot be removed here.
pub async fn delete_route(ctx: Ctx<'_>, table_id: &str, destination: &str) -> Result<()> {
    let account = ctx.account()?;
    let dest = net::parse_route_destination(destination)?.as_string();
    let dest = &dest;
    transaction!(ctx.store, |tx| {
        db::get_route_table(&mut **tx, account, table_id)
            .await?
            .ok_or_else(|| table_not_found(table_id))?;
        let route = db::get_route(tx, table_id, dest).await?.ok_or_else(|| {
            Error::not_found(
                "InvalidRoute.NotFound",
                format!("no route with destination '{dest}' in route table {table_id}"),
            )
        })?;
        match route.origin.as_str() {
            "create_route_table" => {
                return Err(Error::invalid_value(format!(
                    "cannot remove local route {dest} in route table {table_id}"
                )));
            }
            "vpc_endpoint" => {
                return Err(Error::invalid_value(format!(
                    "the route to {dest} is managed by {}; remove the route table from the endpoint",
                    route.target_id
                )));
            }
            _ => {}
        }
        db::delete_route(tx, table_id, dest).await?;
        db::touch_route_table(tx, table_id, now_ms()).await?;
        Ok(())
    })?;
    Ok(())
}

/// Associates a subnet with the table, replacing its association with any
/// other table of the VPC.
pub async fn associate(
    ctx: Ctx<'_>,
    table_id: &str,
    req: AssociateRouteTableRequest,
    idempotency_key: Option<String>,
) -> Result<Created<RouteTableAssociation>> {
    let idem = Idempotency::new(
        ctx.caller,
        idempotency_key,
        "AssociateRouteTable",
        &(table_id, &req),
    );
    let account = ctx.account()?;
    let req = &req;
    let created = create_once!(ctx.store, idem.as_ref(), |tx| {
        let table = db::get_route_table(&mut **tx, account, table_id)
            .await?
            .ok_or_else(|| table_not_found(table_id))?;
        let subnet = subnet_in_body(tx, account, &req.subnet_id).await?;
        if subnet.vpc_id != table.vpc_id {
            return Err(Error::invalid_value(format!(
                "route table {table_id} and subnet {} belong to different networks ({} and {})",
                subnet.subnet_id, table.vpc_id, subnet.vpc_id
            )));
        }
        let now = now_ms();
        if let Some(old) = db::association_of_subnet(tx, &subnet.subnet_id).await? {
            if old.route_table_id == table_id {
                return Err(Error::conflict(
                    "Resource.AlreadyAssociated",
                    format!(
                        "subnet {} is already associated with {table_id} ({})",
                        subnet.subnet_id, old.association_id
                    ),
                ));
            }
            db::delete_association(tx, &old.association_id).await?;
            db::touch_route_table(tx, &old.route_table_id, now).await?;
        }
        let row = AssociationRow {
            association_id: new_id("rtbassoc"),
            route_table_id: table_id.to_string(),
            subnet_id: subnet.subnet_id.clone(),
            account_id: account.to_string(),
            created_at: now,
        };
        db::insert_association(tx, &row).await?;
        db::touch_route_table(tx, table_id, now).await?;
        Ok(row.association_id)
    })?;
    let id = created.inner().clone();
    let row = db::get_association(ctx.store.pool(), &id).await?;
    let assoc = row
        .map(|a| RouteTableAssociation {
            association_id: a.association_id,
            route_table_id: a.route_table_id,
            subnet_id: Some(a.subnet_id),
            main: false,
        })
        .ok_or_else(|| match &created {
            Created::Replayed(_) => crate::service::resource_deleted(&id),
            Created::New(_) => Error::conflict(
                "InvalidAssociationID.NotFound",
                format!("association {id} was replaced by a later request"),
            ),
        })?;
    Ok(created.with(assoc))
}

/// Removes a subnet's explicit association: it falls back to the main table.
pub async fn disassociate(ctx: Ctx<'_>, table_id: &str, association_id: &str) -> Result<()> {
    let account = ctx.account()?;
    transaction!(ctx.store, |tx| {
        let table = db::get_route_table(&mut **tx, account, table_id)
            .await?
            .ok_or_else(|| table_not_found(table_id))?;
        if table.main_association_id.as_deref() == Some(association_id) {
            return Err(Error::invalid_value(format!(
                "{association_id} is the main route table association of {}; it cannot be removed",
                table.vpc_id
            )));
        }
        let assoc = db::get_association(&mut **tx, association_id)
            .await?
            .filter(|a| a.route_table_id == table_id)
            .ok_or_else(|| {
                not_found(
                    "InvalidAssociationID.NotFound",
                    "association",
                    association_id,
                )
            })?;
        db::delete_association(tx, &assoc.association_id).await?;
        db::touch_route_table(tx, table_id, now_ms()).await?;
        Ok(())
    })?;
    Ok(())
}

/// Deletes a route table: not the main one, not while subnets use it.
pub async fn delete_route_table(ctx: Ctx<'_>, table_id: &str) -> Result<()> {
    let account = ctx.account()?;
    transaction!(ctx.store, |tx| {
        let table = db::get_route_table(&mut **tx, account, table_id)
            .await?
            .ok_or_else(|| table_not_found(table_id))?;
        if table.is_main {
            return Err(Error::conflict(
                "DependencyViolation",
                format!(
                    "{table_id} is the main route table of {} and goes with it",
                    table.vpc_id
                ),
            ));
        }
        let mut holders = db::subnets_associated_with(tx, table_id).await?;
        holders.extend(db::endpoints_routing_in(tx, table_id).await?);
        if !holders.is_empty() {
            return Err(dependency(table_id, &holders));
        }
        db::delete_route_table(tx, table_id).await?;
        tags::replace(tx, account, table_id, &Tags::new()).await?;
        Ok(())
    })?;
    Ok(())
}
