//! Network interfaces (they stand for workloads, and carry the addresses
//! of NAT gateways and, later, endpoints) and NAT gateways.

use super::vpc::{allocate_ip, release_ip, subnet_in_body};
use super::{Ctx, check_tags, not_found, tagged, tags_of, unknown, zone_name};
use crate::create_once;
use crate::error::{Error, Result};
use crate::pagination;
use crate::schema;
use crate::service::{Created, Idempotency, Versioned, render_one, values};
use crate::store::filter::AnyOf;
use crate::store::filter::Scope;
use crate::store::network::{self as db, InterfaceRow, NatGatewayRow, SubnetRow};
use crate::store::tags::{self, TagFilter, Tags};
use crate::store::{Tx, now_ms};
use crate::transaction;
use crate::util::{new_id, timestamp};
use linkplane_core::lifecycle::NatGatewayState;
use linkplane_core::net::{format_ipv4, parse_ipv4};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// At most five security groups per interface (AWS default quota).
pub const MAX_GROUPS_PER_INTERFACE: usize = 5;

/// A network interface (`NetworkInterface`).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NetworkInterface {
    #[schema(example = "eni-0a1b2c3d4e5f67890")]
    pub network_interface_id: String,
    pub subnet_id: String,
    pub vpc_id: String,
    pub owner_id: String,
    pub region: String,
    #[schema(example = "us-east-1a")]
    pub availability_zone: String,
    #[schema(example = "use1-az4")]
    pub availability_zone_id: String,
    #[schema(example = "10.0.1.4")]
    pub private_ip: String,
    /// `interface` (a workload), `nat_gateway`, `vpc_endpoint`,
    /// `gateway_load_balancer_endpoint`.
    #[schema(example = "interface")]
    pub interface_type: String,
    /// True for interfaces AWS manages for a resource (NAT gateways,
    /// endpoints); those are deleted with their resource, not directly.
    pub requester_managed: bool,
    /// The resource that owns a requester-managed interface.
    pub attached_resource_id: Option<String>,
    /// `in-use` for a requester-managed interface (attached to its NAT
    /// gateway or endpoint); `available` for a workload's, as EC2 answers
    /// for an interface attached to no instance (linkplane has none).
    #[schema(example = "in-use")]
    pub status: String,
    pub description: String,
    pub security_group_ids: Vec<String>,
    pub creation_timestamp: String,
    pub tags: Tags,
}

/// `POST /v1/network-interfaces`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateNetworkInterfaceRequest {
    #[schema(value_type = schema::SubnetId)]
    pub subnet_id: String,
    /// An address of the subnet that is free and not reserved; the lowest
    /// free address when absent.
    #[schema(value_type = Option<schema::Ipv4Address>)]
    pub private_ip: Option<String>,
    /// Up to five groups of the subnet's VPC; the VPC's default group when absent.
    #[schema(value_type = Option<Vec<schema::SecurityGroupId>>, max_items = 5)]
    pub security_group_ids: Option<Vec<String>>,
    #[schema(max_length = 255)]
    pub description: Option<String>,
    pub tags: Option<Tags>,
}

/// A NAT gateway (`NatGateway`).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NatGateway {
    #[schema(example = "nat-0a1b2c3d4e5f67890")]
    pub nat_gateway_id: String,
    pub subnet_id: String,
    pub vpc_id: String,
    pub owner_id: String,
    pub region: String,
    /// `public` (needs an internet gateway on the VPC) or `private`.
    #[schema(example = "public")]
    pub connectivity_type: String,
    #[schema(example = "available")]
    pub state: String,
    /// The requester-managed interface holding its private address.
    pub network_interface_id: String,
    #[schema(example = "10.0.0.5")]
    pub private_ip: String,
    pub creation_timestamp: String,
    pub tags: Tags,
}

/// `public` or `private`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ConnectivityType {
    Public,
    Private,
}

/// `POST /v1/nat-gateways`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateNatGatewayRequest {
    #[schema(value_type = schema::SubnetId)]
    pub subnet_id: String,
    /// Default `public`.
    pub connectivity_type: Option<ConnectivityType>,
    pub tags: Option<Tags>,
}

pub fn interface_not_found(id: &str) -> Error {
    not_found(
        "InvalidNetworkInterfaceID.NotFound",
        "network interface",
        id,
    )
}

pub fn nat_not_found(id: &str) -> Error {
    not_found("InvalidNatGatewayID.NotFound", "NAT gateway", id)
}

/// The interface's groups: given ones must be the caller's and in `vpc_id`
/// (deduplicated, at most five); none given means the VPC's default group
/// (`default_group` when the caller has read the VPC already).
pub async fn checked_groups(
    tx: &mut Tx,
    account: &str,
    vpc_id: &str,
    default_group: Option<&str>,
    given: Option<&[String]>,
) -> Result<Vec<String>> {
    let Some(given) = given.filter(|g| !g.is_empty()) else {
        if let Some(g) = default_group {
            return Ok(vec![g.to_string()]);
        }
        let vpc = db::get_vpc(&mut **tx, Scope::Account(account), vpc_id)
            .await?
            .ok_or_else(|| Error::internal(format!("VPC {vpc_id} vanished")))?;
        return Ok(vec![vpc.default_security_group_id]);
    };
    let mut out: Vec<String> = Vec::new();
    for g in given {
        if out.contains(g) {
            continue;
        }
        let row = db::get_security_group(&mut **tx, account, g)
            .await?
            .ok_or_else(|| unknown("InvalidGroup.NotFound", "security group", g))?;
        if row.vpc_id != vpc_id {
            return Err(Error::validation(
                "InvalidParameter",
                format!(
                    "Security group {g} and subnet belong to different networks ({} and {vpc_id})",
                    row.vpc_id
                ),
            ));
        }
        out.push(g.clone());
    }
    if out.len() > MAX_GROUPS_PER_INTERFACE {
        return Err(Error::validation(
            "SecurityGroupsPerInterfaceLimitExceeded",
            format!(
                "{} security groups given; an interface may have at most {MAX_GROUPS_PER_INTERFACE}",
                out.len()
            ),
        ));
    }
    Ok(out)
}

/// What a new interface is for.
#[derive(Debug, Clone)]
pub struct InterfaceSpec<'a> {
    pub requested_ip: Option<u32>,
    pub group_ids: Vec<String>,
    pub interface_type: &'a str,
    pub requester_managed: bool,
    pub attached_resource_id: Option<String>,
    pub description: String,
}

/// Creates an interface in `subnet` with an allocated address, inside the
/// caller's transaction (shared by workloads, NAT gateways and endpoints).
pub async fn insert_interface(
    tx: &mut Tx,
    subnet: &SubnetRow,
    spec: InterfaceSpec<'_>,
) -> Result<InterfaceRow> {
    let ip = allocate_ip(tx, subnet, spec.requested_ip).await?;
    let now = now_ms();
    let row = InterfaceRow {
        network_interface_id: new_id("eni"),
        account_id: subnet.account_id.clone(),
        region: subnet.region.clone(),
        vpc_id: subnet.vpc_id.clone(),
        subnet_id: subnet.subnet_id.clone(),
        zone_id: subnet.zone_id.clone(),
        private_ip: i64::from(ip),
        interface_type: spec.interface_type.to_string(),
        requester_managed: spec.requester_managed,
        attached_resource_id: spec.attached_resource_id,
        description: spec.description,
        created_at: now,
        updated_at: now,
        version: 1,
    };
    db::insert_interface(tx, &row, &spec.group_ids).await?;
    Ok(row)
}

/// Deletes an interface and returns its address to the subnet.
pub async fn remove_interface(tx: &mut Tx, row: &InterfaceRow) -> Result<()> {
    db::delete_interface(tx, &row.network_interface_id).await?;
    release_ip(tx, &row.subnet_id, row.private_ip as u32).await?;
    tags::replace(tx, &row.account_id, &row.network_interface_id, &Tags::new()).await?;
    Ok(())
}

pub async fn create_network_interface(
    ctx: Ctx<'_>,
    req: CreateNetworkInterfaceRequest,
    idempotency_key: Option<String>,
) -> Result<Created<Versioned<NetworkInterface>>> {
    let idem = Idempotency::new(ctx.caller, idempotency_key, "CreateNetworkInterface", &req);
    let account = ctx.account()?;
    let tags = check_tags(&req.tags)?;
    let requested = match &req.private_ip {
        Some(ip) => Some(parse_ipv4(ip)?),
        None => None,
    };
    let description = req.description.clone().unwrap_or_default();
    if description.chars().count() > 255 {
        return Err(Error::invalid_value("description: at most 255 characters"));
    }
    let req = &req;
    let (tags, description) = (&tags, &description);
    let created = create_once!(ctx.store, idem.as_ref(), |tx| {
        let subnet = subnet_in_body(tx, account, &req.subnet_id).await?;
        let groups = checked_groups(
            tx,
            account,
            &subnet.vpc_id,
            None,
            req.security_group_ids.as_deref(),
        )
        .await?;
        let row = insert_interface(
            tx,
            &subnet,
            InterfaceSpec {
                requested_ip: requested,
                group_ids: groups,
                interface_type: "interface",
                requester_managed: false,
                attached_resource_id: None,
                description: description.clone(),
            },
        )
        .await?;
        tags::add(tx, account, &row.network_interface_id, tags).await?;
        Ok(row.network_interface_id)
    })?;
    created
        .load(|id| async move { get_network_interface(ctx, &id).await })
        .await
}

async fn interfaces_of(
    ctx: Ctx<'_>,
    rows: Vec<InterfaceRow>,
) -> Result<Vec<Versioned<NetworkInterface>>> {
    let ids: Vec<&str> = rows
        .iter()
        .map(|r| r.network_interface_id.as_str())
        .collect();
    let mut tags = tags_of(ctx.store, &ids).await?;
    let mut groups = db::groups_of_interfaces(ctx.store.pool(), &ids).await?;
    Ok(rows
        .into_iter()
        .map(|r| Versioned {
            version: r.version,
            value: NetworkInterface {
                tags: tags.remove(&r.network_interface_id).unwrap_or_default(),
                security_group_ids: groups.remove(&r.network_interface_id).unwrap_or_default(),
                availability_zone: zone_name(&r.account_id, &r.zone_id),
                network_interface_id: r.network_interface_id,
                subnet_id: r.subnet_id,
                vpc_id: r.vpc_id,
                owner_id: r.account_id,
                region: r.region,
                availability_zone_id: r.zone_id,
                private_ip: format_ipv4(r.private_ip as u32),
                interface_type: r.interface_type,
                requester_managed: r.requester_managed,
                attached_resource_id: r.attached_resource_id,
                status: if r.requester_managed {
                    "in-use"
                } else {
                    "available"
                }
                .to_string(),
                description: r.description,
                creation_timestamp: timestamp(r.created_at),
            },
        })
        .collect())
}

pub async fn get_network_interface(ctx: Ctx<'_>, id: &str) -> Result<Versioned<NetworkInterface>> {
    let account = ctx.account()?;
    let row = db::get_interface(ctx.store.pool(), account, id).await?;
    render_one(
        row,
        |rows| interfaces_of(ctx, rows),
        || interface_not_found(id),
    )
    .await
}

/// Filters of `GET /v1/network-interfaces`.
#[derive(Debug, Clone, Default)]
pub struct ListNetworkInterfaces {
    pub vpc_id: AnyOf<String>,
    pub subnet_id: AnyOf<String>,
    pub region: Option<String>,
    pub interface_type: AnyOf<String>,
    /// Only interfaces managed for a resource (true) or workloads' (false).
    pub requester_managed: Option<bool>,
    /// Only interfaces in this zone.
    pub availability_zone_id: AnyOf<String>,
    /// Only the interface with this private address.
    pub private_ip: AnyOf<String>,
    pub tags: Vec<TagFilter>,
    pub max_results: Option<u32>,
    pub next_token: Option<String>,
}

pub async fn list_network_interfaces(
    ctx: Ctx<'_>,
    q: ListNetworkInterfaces,
) -> Result<(Vec<NetworkInterface>, Option<String>)> {
    let account = ctx.account()?;
    let private_ip: AnyOf<i64> = q
        .private_ip
        .values()
        .iter()
        .map(|ip| Ok(i64::from(parse_ipv4(ip)?)))
        .collect::<Result<Vec<_>>>()?
        .into();
    let filter = tagged(q.tags)
        .eq("private_ip", private_ip)
        .eq("subnet_id", q.subnet_id)
        .eq("vpc_id", q.vpc_id)
        .eq("zone_id", q.availability_zone_id)
        .eq("interface_type", q.interface_type)
        .eq("requester_managed", q.requester_managed)
        .eq("region", q.region);
    pagination::list(
        "network-interfaces",
        q.max_results,
        q.next_token.as_deref(),
        |spec| async move { db::list_interfaces(ctx.store.pool(), account, &filter, &spec).await },
        |rows| values(interfaces_of(ctx, rows)),
    )
    .await
}

/// Deletes a workload interface; routes to it become blackholes. Interfaces
/// managed for a resource go with that resource.
pub async fn delete_network_interface(ctx: Ctx<'_>, id: &str) -> Result<()> {
    let account = ctx.account()?;
    transaction!(ctx.store, |tx| {
        let row = db::get_interface(&mut **tx, account, id)
            .await?
            .ok_or_else(|| interface_not_found(id))?;
        if row.requester_managed {
            return Err(Error::conflict(
                "InvalidNetworkInterface.InUse",
                format!(
                    "network interface {id} is managed for {}; delete that resource instead",
                    row.attached_resource_id
                        .as_deref()
                        .unwrap_or("another resource")
                ),
            ));
        }
        remove_interface(tx, &row).await?;
        Ok(())
    })?;
    Ok(())
}

// ---- NAT gateways ----

pub async fn create_nat_gateway(
    ctx: Ctx<'_>,
    req: CreateNatGatewayRequest,
    idempotency_key: Option<String>,
) -> Result<Created<Versioned<NatGateway>>> {
    let idem = Idempotency::new(ctx.caller, idempotency_key, "CreateNatGateway", &req);
    let account = ctx.account()?;
    let tags = check_tags(&req.tags)?;
    let connectivity = req.connectivity_type.unwrap_or(ConnectivityType::Public);
    let req = &req;
    let tags = &tags;
    let created = create_once!(ctx.store, idem.as_ref(), |tx| {
        let subnet = subnet_in_body(tx, account, &req.subnet_id).await?;
        if connectivity == ConnectivityType::Public
            && db::internet_gateway_of_vpc(tx, &subnet.vpc_id)
                .await?
                .is_none()
        {
            return Err(Error::conflict(
                "Gateway.NotAttached",
                format!(
                    "a public NAT gateway needs an internet gateway attached to {}; attach one \
                     or create a private NAT gateway",
                    subnet.vpc_id
                ),
            ));
        }
        let nat_id = new_id("nat");
        let eni = insert_interface(
            tx,
            &subnet,
            InterfaceSpec {
                requested_ip: None,
                group_ids: Vec::new(),
                interface_type: "nat_gateway",
                requester_managed: true,
                attached_resource_id: Some(nat_id.clone()),
                description: format!("Interface for NAT Gateway {nat_id}"),
            },
        )
        .await?;
        let now = now_ms();
        db::insert_nat_gateway(
            tx,
            &NatGatewayRow {
                nat_gateway_id: nat_id.clone(),
                account_id: account.to_string(),
                region: subnet.region.clone(),
                vpc_id: subnet.vpc_id.clone(),
                subnet_id: subnet.subnet_id.clone(),
                network_interface_id: eni.network_interface_id,
                connectivity_type: match connectivity {
                    ConnectivityType::Public => "public",
                    ConnectivityType::Private => "private",
                }
                .to_string(),
                state: NatGatewayState::Available,
                created_at: now,
                updated_at: now,
                version: 1,
            },
        )
        .await?;
        tags::add(tx, account, &nat_id, tags).await?;
        Ok(nat_id)
    })?;
    created
        .load(|id| async move { get_nat_gateway(ctx, &id).await })
        .await
}

async fn nats_of(ctx: Ctx<'_>, rows: Vec<NatGatewayRow>) -> Result<Vec<Versioned<NatGateway>>> {
    let ids: Vec<&str> = rows.iter().map(|r| r.nat_gateway_id.as_str()).collect();
    let enis: Vec<&str> = rows
        .iter()
        .map(|r| r.network_interface_id.as_str())
        .collect();
    let mut tags = tags_of(ctx.store, &ids).await?;
    let ips = db::interface_ips(ctx.store.pool(), &enis).await?;
    Ok(rows
        .into_iter()
        .map(|r| Versioned {
            version: r.version,
            value: NatGateway {
                tags: tags.remove(&r.nat_gateway_id).unwrap_or_default(),
                private_ip: ips
                    .get(&r.network_interface_id)
                    .map(|ip| format_ipv4(*ip as u32))
                    .unwrap_or_default(),
                nat_gateway_id: r.nat_gateway_id,
                subnet_id: r.subnet_id,
                vpc_id: r.vpc_id,
                owner_id: r.account_id,
                region: r.region,
                connectivity_type: r.connectivity_type,
                state: r.state.to_string(),
                network_interface_id: r.network_interface_id,
                creation_timestamp: timestamp(r.created_at),
            },
        })
        .collect())
}

pub async fn get_nat_gateway(ctx: Ctx<'_>, id: &str) -> Result<Versioned<NatGateway>> {
    let account = ctx.account()?;
    let row = db::get_nat_gateway(ctx.store.pool(), account, id).await?;
    render_one(row, |rows| nats_of(ctx, rows), || nat_not_found(id)).await
}

/// Filters of `GET /v1/nat-gateways`.
#[derive(Debug, Clone, Default)]
pub struct ListNatGateways {
    pub vpc_id: AnyOf<String>,
    pub subnet_id: AnyOf<String>,
    pub region: Option<String>,
    pub tags: Vec<TagFilter>,
    pub max_results: Option<u32>,
    pub next_token: Option<String>,
}

pub async fn list_nat_gateways(
    ctx: Ctx<'_>,
    q: ListNatGateways,
) -> Result<(Vec<NatGateway>, Option<String>)> {
    let account = ctx.account()?;
    let filter = tagged(q.tags)
        .eq("subnet_id", q.subnet_id)
        .eq("vpc_id", q.vpc_id)
        .eq("region", q.region);
    pagination::list(
        "nat-gateways",
        q.max_results,
        q.next_token.as_deref(),
        |spec| async move { db::list_nat_gateways(ctx.store.pool(), account, &filter, &spec).await },
        |rows| values(nats_of(ctx, rows)),
    )
    .await
}

/// Deletes a NAT gateway with its interface; routes to it become blackholes.
pub async fn delete_nat_gateway(ctx: Ctx<'_>, id: &str) -> Result<()> {
    let account = ctx.account()?;
    transaction!(ctx.store, |tx| {
        let nat = db::get_nat_gateway(&mut **tx, account, id)
            .await?
            .ok_or_else(|| nat_not_found(id))?;
        if let Some(eni) = db::get_interface(&mut **tx, account, &nat.network_interface_id).await? {
            remove_interface(tx, &eni).await?;
        }
        db::delete_nat_gateway(tx, id).await?;
        tags::replace(tx, account, id, &Tags::new()).await?;
        Ok(())
    })?;
    Ok(())
}
