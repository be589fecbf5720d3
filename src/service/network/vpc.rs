//! VPCs and subnets, and the allocation of subnet addresses.

use super::{Ctx, check_tags, dependency, not_found, tagged, unknown, zone_name};
use crate::create_once;
use crate::error::{Error, Result};
use crate::pagination;
use crate::schema;
use crate::service::{
    Created, Idempotency, Precondition, Versioned, render_one, render_tagged, values,
};
use crate::store::filter::AnyOf;
use crate::store::filter::Scope;
use crate::store::network::{
    self as db, RouteRow, RouteTableRow, SecurityGroupRow, SubnetRow, VpcRow,
};
use crate::store::tags::{self, TagFilter, Tags};
use crate::store::{StoreError, Tx, now_ms};
use crate::transaction;
use crate::util::{new_id, timestamp};
use linkplane_core::catalog;
use linkplane_core::lifecycle::{SubnetState, VpcState};
use linkplane_core::net::{self, Ipv4Cidr};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

// ---- wire types ----

/// A VPC (`DescribeVpcs` `Vpc`).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Vpc {
    #[schema(example = "vpc-0a1b2c3d4e5f67890")]
    pub vpc_id: String,
    /// The owning account.
    #[schema(example = "111122223333")]
    pub owner_id: String,
    #[schema(example = "us-east-1")]
    pub region: String,
    #[schema(example = "10.0.0.0/16")]
    pub cidr_block: String,
    /// Always `available`: VPCs are usable as soon as they exist.
    #[schema(example = "available")]
    pub state: String,
    /// Whether the Amazon-provided DNS server resolves names in the VPC.
    pub enable_dns_support: bool,
    /// Whether instances get public DNS hostnames; with `enable_dns_support`,
    /// required for interface endpoints' private DNS.
    pub enable_dns_hostnames: bool,
    /// The route table subnets use unless explicitly associated with another.
    #[schema(example = "rtb-0a1b2c3d4e5f67890")]
    pub main_route_table_id: String,
    /// The VPC's `default` security group.
    #[schema(example = "sg-0a1b2c3d4e5f67890")]
    pub default_security_group_id: String,
    /// Always false: linkplane has no default VPCs.
    pub is_default: bool,
    pub creation_timestamp: String,
    pub tags: Tags,
}

/// `POST /v1/vpcs`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateVpcRequest {
    /// An IPv4 CIDR block from /16 to /28 (`InvalidVpc.Range` otherwise).
    #[schema(value_type = schema::BlockCidr)]
    pub cidr_block: String,
    /// Default: the server's default region.
    #[schema(value_type = Option<schema::RegionCode>)]
    pub region: Option<String>,
    /// Default true.
    pub enable_dns_support: Option<bool>,
    /// Default false; may be true only with DNS support.
    pub enable_dns_hostnames: Option<bool>,
    pub tags: Option<Tags>,
}

/// `PATCH /v1/vpcs/{vpc_id}` (`ModifyVpcAttribute`): only the fields to change.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateVpcRequest {
    pub enable_dns_support: Option<bool>,
    pub enable_dns_hostnames: Option<bool>,
    /// Replaces every tag.
    pub tags: Option<Tags>,
}

/// A subnet (`DescribeSubnets` `Subnet`).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Subnet {
    #[schema(example = "subnet-0a1b2c3d4e5f67890")]
    pub subnet_id: String,
    #[schema(example = "vpc-0a1b2c3d4e5f67890")]
    pub vpc_id: String,
    #[schema(example = "111122223333")]
    pub owner_id: String,
    #[schema(example = "us-east-1")]
    pub region: String,
    #[schema(example = "10.0.1.0/24")]
    pub cidr_block: String,
    /// The zone in the caller's names (differs between accounts).
    #[schema(example = "us-east-1a")]
    pub availability_zone: String,
    /// The zone's id (the same in every account).
    #[schema(example = "use1-az4")]
    pub availability_zone_id: String,
    /// Free addresses: the block's size minus the five AWS reserves (the
    /// first four and the last) minus every address in use.
    #[schema(example = 251)]
    pub available_ip_address_count: i64,
    #[schema(example = "available")]
    pub state: String,
    pub creation_timestamp: String,
    pub tags: Tags,
}

/// `POST /v1/subnets`. Give the zone by name (in the caller's names) or by
/// id; both must agree when both are given. Neither: the region's first
/// zone in the caller's names.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateSubnetRequest {
    #[schema(value_type = schema::VpcId)]
    pub vpc_id: String,
    /// Inside the VPC's block, /16 to /28, overlapping no other subnet of it.
    #[schema(value_type = schema::BlockCidr)]
    pub cidr_block: String,
    /// A zone of the VPC's region, in the caller's names.
    #[schema(value_type = Option<schema::ZoneName>)]
    pub availability_zone: Option<String>,
    /// A zone of the VPC's region; with `availability_zone`, the same zone.
    #[schema(value_type = Option<schema::ZoneId>)]
    pub availability_zone_id: Option<String>,
    pub tags: Option<Tags>,
}

// ---- conversions ----

fn vpc_of(r: VpcRow, tags: Tags) -> Versioned<Vpc> {
    Versioned {
        version: r.version,
        value: Vpc {
            vpc_id: r.vpc_id,
            owner_id: r.account_id,
            region: r.region,
            cidr_block: r.cidr_block,
            state: VpcState::Available.to_string(),
            enable_dns_support: r.enable_dns_support,
            enable_dns_hostnames: r.enable_dns_hostnames,
            main_route_table_id: r.main_route_table_id,
            default_security_group_id: r.default_security_group_id,
            is_default: false,
            creation_timestamp: timestamp(r.created_at),
            tags,
        },
    }
}

async fn vpcs_of(ctx: Ctx<'_>, rows: Vec<VpcRow>) -> Result<Vec<Versioned<Vpc>>> {
    render_tagged(ctx.store, rows, |r| r.vpc_id.as_str(), vpc_of).await
}

async fn subnets_of(ctx: Ctx<'_>, rows: Vec<SubnetRow>) -> Result<Vec<Versioned<Subnet>>> {
    render_tagged(ctx.store, rows, |r| r.subnet_id.as_str(), subnet_of).await
}

fn subnet_of(r: SubnetRow, tags: Tags) -> Versioned<Subnet> {
    Versioned {
        version: r.version,
        value: Subnet {
            availability_zone: zone_name(&r.account_id, &r.zone_id),
            subnet_id: r.subnet_id,
            vpc_id: r.vpc_id,
            owner_id: r.account_id,
            region: r.region,
            cidr_block: r.cidr_block,
            availability_zone_id: r.zone_id,
            available_ip_address_count: r.available_ip_address_count,
            state: SubnetState::Available.to_string(),
            creation_timestamp: timestamp(r.created_at),
            tags,
        },
    }
}

pub fn vpc_not_found(id: &str) -> Error {
    not_found("InvalidVpcID.NotFound", "vpc", id)
}

pub fn subnet_not_found(id: &str) -> Error {
    not_found("InvalidSubnetID.NotFound", "subnet", id)
}

/// The caller's VPC named in a request body (400 when absent).
pub async fn vpc_in_body(tx: &mut Tx, account: &str, vpc_id: &str) -> Result<VpcRow> {
    db::get_vpc(&mut **tx, Scope::Account(account), vpc_id)
        .await?
        .ok_or_else(|| unknown("InvalidVpcID.NotFound", "vpc", vpc_id))
}

/// The caller's subnet named in a request body (400 when absent).
pub async fn subnet_in_body(tx: &mut Tx, account: &str, subnet_id: &str) -> Result<SubnetRow> {
    db::get_subnet(&mut **tx, account, subnet_id)
        .await?
        .ok_or_else(|| unknown("InvalidSubnetID.NotFound", "subnet", subnet_id))
}

pub fn cidr_of(text: &str) -> Result<Ipv4Cidr> {
    Ipv4Cidr::parse(text).map_err(|e| Error::internal(format!("stored CIDR {text}: {e}")))
}

// ---- VPCs ----

pub async fn create_vpc(
    ctx: Ctx<'_>,
    req: CreateVpcRequest,
    idempotency_key: Option<String>,
) -> Result<Created<Versioned<Vpc>>> {
    let idem = Idempotency::new(ctx.caller, idempotency_key, "CreateVpc", &req);
    let account = ctx.account()?;
    let cidr = net::validate_vpc_cidr(&req.cidr_block)?;
    let region = ctx.region(req.region.as_deref())?;
    let support = req.enable_dns_support.unwrap_or(true);
    let hostnames = req.enable_dns_hostnames.unwrap_or(false);
    if hostnames && !support {
        return Err(Error::invalid_value(
            "enable_dns_hostnames: DNS hostnames can be enabled only with DNS support (enable_dns_support)",
        ));
    }
    let tags = check_tags(&req.tags)?;
    let created = create_once!(ctx.store, idem.as_ref(), |tx| {
        let now = now_ms();
        let vpc = VpcRow {
            vpc_id: new_id("vpc"),
            account_id: account.to_string(),
            region: region.clone(),
            cidr_block: cidr.to_string(),
            enable_dns_support: support,
            enable_dns_hostnames: hostnames,
            main_route_table_id: new_id("rtb"),
            default_security_group_id: new_id("sg"),
            created_at: now,
            updated_at: now,
            version: 1,
        };
        db::insert_vpc(tx, &vpc).await?;
        db::insert_route_table(
            tx,
            &RouteTableRow {
                route_table_id: vpc.main_route_table_id.clone(),
                account_id: account.to_string(),
                vpc_id: vpc.vpc_id.clone(),
                region: region.clone(),
                is_main: true,
                main_association_id: Some(new_id("rtbassoc")),
                created_at: now,
                updated_at: now,
                version: 1,
            },
        )
        .await?;
        db::insert_route(
            tx,
            &RouteRow {
                route_table_id: vpc.main_route_table_id.clone(),
                destination: cidr.to_string(),
                destination_kind: "cidr".to_string(),
                target_kind: "local".to_string(),
                target_id: "local".to_string(),
                origin: "create_route_table".to_string(),
                created_at: now,
            },
        )
        .await?;
        create_default_group(tx, &vpc, now).await?;
        tags::add(tx, account, &vpc.vpc_id, &tags).await?;
        Ok(vpc.vpc_id)
    })?;
    created
        .load(|id| async move { get_vpc(ctx, &id).await })
        .await
}

/// The VPC's `default` group: all traffic in from members of the group
/// itself, all traffic out to anywhere (as AWS makes it).
async fn create_default_group(tx: &mut Tx, vpc: &VpcRow, now: i64) -> Result<(), StoreError> {
    let group_id = vpc.default_security_group_id.clone();
    db::insert_security_group(
        tx,
        &SecurityGroupRow {
            group_id: group_id.clone(),
            account_id: vpc.account_id.clone(),
            vpc_id: vpc.vpc_id.clone(),
            region: vpc.region.clone(),
            group_name: "default".to_string(),
            description: "default VPC security group".to_string(),
            is_default: true,
            created_at: now,
            updated_at: now,
            version: 1,
        },
    )
    .await?;
    let ingress = super::security::rule_row(
        &group_id,
        &vpc.account_id,
        "ingress",
        "all",
        (-1, -1),
        super::security::Peer::Group(group_id.clone()),
        None,
        now,
    );
    let egress = super::security::allow_all_egress(&group_id, &vpc.account_id, now);
    db::insert_rule(tx, &ingress).await?;
    db::insert_rule(tx, &egress).await?;
    Ok(())
}

pub async fn get_vpc(ctx: Ctx<'_>, vpc_id: &str) -> Result<Versioned<Vpc>> {
    let account = ctx.account()?;
    let row = db::get_vpc(ctx.store.pool(), Scope::Account(account), vpc_id).await?;
    render_one(row, |rows| vpcs_of(ctx, rows), || vpc_not_found(vpc_id)).await
}

/// Filters of `GET /v1/vpcs`.
#[derive(Debug, Clone, Default)]
pub struct ListVpcs {
    pub region: Option<String>,
    pub cidr_block: AnyOf<String>,
    pub tags: Vec<TagFilter>,
    pub max_results: Option<u32>,
    pub next_token: Option<String>,
}

pub async fn list_vpcs(ctx: Ctx<'_>, q: ListVpcs) -> Result<(Vec<Vpc>, Option<String>)> {
    let account = ctx.account()?;
    let filter = tagged(q.tags)
        .eq("cidr_block", q.cidr_block)
        .eq("region", q.region);
    pagination::list(
        "vpcs",
        q.max_results,
        q.next_token.as_deref(),
        |spec| async move { db::list_vpcs(ctx.store.pool(), account, &filter, &spec).await },
        |rows| values(vpcs_of(ctx, rows)),
    )
    .await
}

pub async fn update_vpc(
    ctx: Ctx<'_>,
    vpc_id: &str,
    req: UpdateVpcRequest,
    precondition: &Precondition,
) -> Result<Versioned<Vpc>> {
    let account = ctx.account()?;
    if let Some(t) = &req.tags {
        linkplane_core::tags::validate_tags(t)?;
    }
    let req = &req;
    transaction!(ctx.store, |tx| {
        let row = db::get_vpc(&mut **tx, Scope::Account(account), vpc_id)
            .await?
            .ok_or_else(|| vpc_not_found(vpc_id))?;
        precondition.check_version(row.version)?;
        let support = req.enable_dns_support.unwrap_or(row.enable_dns_support);
        let hostnames = req.enable_dns_hostnames.unwrap_or(row.enable_dns_hostnames);
        if req.enable_dns_hostnames == Some(true) && !support {
            return Err(Error::invalid_value(
                "enable_dns_hostnames: DNS hostnames can be enabled only with DNS support (enable_dns_support)",
            ));
        }
        if !db::update_vpc_dns(tx, vpc_id, support, hostnames, row.version, now_ms()).await? {
            return Err(Error::contention(
                "the VPC changed while this update ran".to_string(),
            ));
        }
        if let Some(t) = &req.tags {
            tags::replace(tx, account, vpc_id, t).await?;
        }
        Ok(())
    })?;
    get_vpc(ctx, vpc_id).await
}

/// Deletes a VPC with its main route table and default security group.
/// Refused while it has subnets, other security groups or route tables, an
/// attached internet gateway or transit gateway attachments. Its pending
/// and active peering connections become `deleted`, as on AWS.
pub async fn delete_vpc(ctx: Ctx<'_>, vpc_id: &str) -> Result<()> {
    let account = ctx.account()?;
    transaction!(ctx.store, |tx| {
        let row = db::get_vpc(&mut **tx, Scope::Account(account), vpc_id)
            .await?
            .ok_or_else(|| vpc_not_found(vpc_id))?;
        let holders = db::vpc_dependents(tx, vpc_id).await?;
        if !holders.is_empty() {
            return Err(dependency(vpc_id, &holders));
        }
        db::delete_peerings_of_vpc(tx, vpc_id, now_ms()).await?;
        db::delete_security_group(tx, &row.default_security_group_id).await?;
        db::delete_route_table(tx, &row.main_route_table_id).await?;
        db::delete_vpc(tx, vpc_id).await?;
        for id in [
            vpc_id,
            &row.main_route_table_id,
            &row.default_security_group_id,
        ] {
            tags::replace(tx, account, id, &Tags::new()).await?;
        }
        Ok(())
    })?;
    Ok(())
}

// ---- subnets ----

/// Resolves the zone of a new subnet to a zone id of `region`.
fn subnet_zone(account: &str, region: &str, req: &CreateSubnetRequest) -> Result<String> {
    let cat = catalog::catalog();
    let zones = cat.zones_for_account(account, region).unwrap_or_default();
    let names: Vec<&str> = zones.iter().map(|z| z.zone_name.as_str()).collect();
    let bad_zone = |given: &str, param: &str| {
        Error::invalid_value(format!(
            "Value ({given}) for parameter {param} is invalid. Subnets can currently only be \
             created in the following availability zones: {}.",
            names.join(", ")
        ))
    };
    let by_name = match &req.availability_zone {
        Some(n) => Some(
            zones
                .iter()
                .find(|z| &z.zone_name == n)
                .map(|z| z.zone_id.clone())
                .ok_or_else(|| bad_zone(n, "availability_zone"))?,
        ),
        None => None,
    };
    let by_id = match &req.availability_zone_id {
        Some(id) => Some(
            zones
                .iter()
                .find(|z| &z.zone_id == id)
                .map(|z| z.zone_id.clone())
                .ok_or_else(|| bad_zone(id, "availability_zone_id"))?,
        ),
        None => None,
    };
    match (by_name, by_id) {
        (Some(a), Some(b)) if a != b => Err(Error::validation(
            "InvalidParameterCombination",
            format!(
                "availability_zone {} is zone {a} in this account, not {b}",
                req.availability_zone.as_deref().unwrap_or_default()
            ),
        )),
        (Some(a), _) | (None, Some(a)) => Ok(a),
        (None, None) => {
            let mut sorted = zones;
            sorted.sort_by(|a, b| a.zone_name.cmp(&b.zone_name));
            sorted
                .into_iter()
                .next()
                .map(|z| z.zone_id)
                .ok_or_else(|| Error::internal(format!("region {region} has no zones")))
        }
    }
}

pub async fn create_subnet(
    ctx: Ctx<'_>,
    req: CreateSubnetRequest,
    idempotency_key: Option<String>,
) -> Result<Created<Versioned<Subnet>>> {
    let idem = Idempotency::new(ctx.caller, idempotency_key, "CreateSubnet", &req);
    let account = ctx.account()?;
    let tags = check_tags(&req.tags)?;
    // Malformed CIDR text is a 400 before anything is read.
    Ipv4Cidr::parse(&req.cidr_block)?;
    let req = &req;
    let created = create_once!(ctx.store, idem.as_ref(), |tx| {
        let vpc = vpc_in_body(tx, account, &req.vpc_id).await?;
        let zone_id = subnet_zone(account, &vpc.region, req)?;
        let vpc_cidr = cidr_of(&vpc.cidr_block)?;
        // Lock the VPC row so two concurrent creates cannot both pass the
        // overlap check (Postgres; SQLite has a single writer).
        db::lock_vpc(tx, &vpc.vpc_id).await?;
        // Only the two neighbours by start address can overlap (the VPC's
        // subnets are disjoint); an unparsable CIDR fails in the core below.
        let start = Ipv4Cidr::parse(&req.cidr_block).map_or(0, |c| i64::from(c.first()));
        let existing = db::subnet_neighbours(tx, &vpc.vpc_id, start).await?;
        let existing: Vec<(String, Ipv4Cidr)> = existing
            .into_iter()
            .map(|(id, c)| Ok((id, cidr_of(&c)?)))
            .collect::<Result<_>>()?;
        let refs: Vec<(&str, Ipv4Cidr)> = existing.iter().map(|(i, c)| (i.as_str(), *c)).collect();
        let cidr = net::validate_subnet_cidr(&vpc_cidr, &req.cidr_block, &refs)?;
        let now = now_ms();
        let row = SubnetRow {
            subnet_id: new_id("subnet"),
            account_id: account.to_string(),
            vpc_id: vpc.vpc_id.clone(),
            region: vpc.region.clone(),
            zone_id,
            cidr_block: cidr.to_string(),
            cidr_start: i64::from(cidr.first()),
            cidr_end: i64::from(cidr.last()),
            available_ip_address_count: net::usable_count(&cidr) as i64,
            created_at: now,
            updated_at: now,
            version: 1,
        };
        db::insert_subnet(tx, &row).await?;
        let ranges: Vec<net::RangeEdit> = net::initial_free_ranges(&cidr)
            .into_iter()
            .map(net::RangeEdit::Insert)
            .collect();
        db::apply_range_edits(tx, &row.subnet_id, &ranges, 0).await?;
        tags::add(tx, account, &row.subnet_id, &tags).await?;
        Ok(row.subnet_id)
    })?;
    created
        .load(|id| async move { get_subnet(ctx, &id).await })
        .await
}

pub async fn get_subnet(ctx: Ctx<'_>, subnet_id: &str) -> Result<Versioned<Subnet>> {
    let account = ctx.account()?;
    let row = db::get_subnet(ctx.store.pool(), account, subnet_id).await?;
    render_one(
        row,
        |rows| subnets_of(ctx, rows),
        || subnet_not_found(subnet_id),
    )
    .await
}

/// Filters of `GET /v1/subnets`.
#[derive(Debug, Clone, Default)]
pub struct ListSubnets {
    pub vpc_id: AnyOf<String>,
    pub region: Option<String>,
    pub availability_zone_id: AnyOf<String>,
    pub cidr_block: AnyOf<String>,
    pub tags: Vec<TagFilter>,
    pub max_results: Option<u32>,
    pub next_token: Option<String>,
}

pub async fn list_subnets(ctx: Ctx<'_>, q: ListSubnets) -> Result<(Vec<Subnet>, Option<String>)> {
    let account = ctx.account()?;
    let filter = tagged(q.tags)
        .eq("vpc_id", q.vpc_id)
        .eq("cidr_block", q.cidr_block)
        .eq("zone_id", q.availability_zone_id)
        .eq("region", q.region);
    pagination::list(
        "subnets",
        q.max_results,
        q.next_token.as_deref(),
        |spec| async move { db::list_subnets(ctx.store.pool(), account, &filter, &spec).await },
        |rows| values(subnets_of(ctx, rows)),
    )
    .await
}

/// Deletes a subnet (and its route table association). Refused while
/// network interfaces (workloads, NAT gateways, endpoints) or transit
/// gateway attachments use it.
pub async fn delete_subnet(ctx: Ctx<'_>, subnet_id: &str) -> Result<()> {
    let account = ctx.account()?;
    transaction!(ctx.store, |tx| {
        db::get_subnet(&mut **tx, account, subnet_id)
            .await?
            .ok_or_else(|| subnet_not_found(subnet_id))?;
        let holders = db::subnet_dependents(tx, subnet_id).await?;
        if !holders.is_empty() {
            return Err(dependency(subnet_id, &holders));
        }
        db::delete_subnet(tx, subnet_id).await?;
        tags::replace(tx, account, subnet_id, &Tags::new()).await?;
        Ok(())
    })?;
    Ok(())
}

// ---- addresses ----

/// Takes an address of the subnet: the requested one, or the lowest free.
/// One index seek and at most three row writes, whatever the subnet's fill.
pub async fn allocate_ip(tx: &mut Tx, subnet: &SubnetRow, requested: Option<u32>) -> Result<u32> {
    let cidr = cidr_of(&subnet.cidr_block)?;
    // Locks the subnet and counts the address as taken in one write; when
    // no address can be taken the error rolls the transaction back.
    db::lock_subnet(tx, &subnet.subnet_id, -1).await?;
    let (ip, edits) = match requested {
        Some(ip) => {
            net::check_requested_ip(&cidr, ip)?;
            let containing = db::free_range_before(tx, &subnet.subnet_id, ip, true).await?;
            (ip, net::take_address(&cidr, ip, containing)?)
        }
        None => {
            let lowest = db::lowest_free_range(tx, &subnet.subnet_id).await?;
            net::take_lowest(lowest).map_err(|e| {
                Error::conflict(
                    e.code,
                    format!("{} (subnet {})", e.message, subnet.subnet_id),
                )
            })?
        }
    };
    db::apply_range_edits(tx, &subnet.subnet_id, &edits, 0).await?;
    Ok(ip)
}

/// Returns an address to its subnet.
pub async fn release_ip(tx: &mut Tx, subnet_id: &str, ip: u32) -> Result<()> {
    db::lock_subnet(tx, subnet_id, 0).await?;
    let before = db::free_range_before(tx, subnet_id, ip, true).await?;
    let after = db::free_range_after(tx, subnet_id, ip).await?;
    let edits = net::release(ip, before, after);
    if !edits.is_empty() {
        db::apply_range_edits(tx, subnet_id, &edits, 1).await?;
    }
    Ok(())
}
