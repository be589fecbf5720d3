//! Internet gateways: created detached, attached to at most one VPC, and a
//! VPC has at most one.

use super::vpc::vpc_in_body;
use super::{Ctx, check_tags, dependency, not_found, tagged};
use crate::create_once;
use crate::error::{Error, Result};
use crate::pagination;
use crate::schema;
use crate::service::{Created, Idempotency, Versioned, render_one, render_tagged, values};
use crate::store::filter::AnyOf;
use crate::store::network::{self as db, InternetGatewayRow};
use crate::store::tags::{self, TagFilter, Tags};
use crate::store::{StoreError, now_ms};
use crate::transaction;
use crate::util::{new_id, timestamp};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// An internet gateway (`InternetGateway`).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct InternetGateway {
    #[schema(example = "igw-0a1b2c3d4e5f67890")]
    pub internet_gateway_id: String,
    pub owner_id: String,
    pub region: String,
    /// The VPC it is attached to; absent when detached.
    pub vpc_id: Option<String>,
    /// `attached` or `detached`.
    #[schema(example = "attached")]
    pub state: String,
    pub creation_timestamp: String,
    pub tags: Tags,
}

/// `POST /v1/internet-gateways`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateInternetGatewayRequest {
    /// Default: the server's default region.
    #[schema(value_type = Option<schema::RegionCode>)]
    pub region: Option<String>,
    pub tags: Option<Tags>,
}

/// `POST .../attach` and `POST .../detach`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GatewayAttachmentRequest {
    #[schema(value_type = schema::VpcId)]
    pub vpc_id: String,
}

pub fn igw_not_found(id: &str) -> Error {
    not_found("InvalidInternetGatewayID.NotFound", "internet gateway", id)
}

async fn igws_of(
    ctx: Ctx<'_>,
    rows: Vec<InternetGatewayRow>,
) -> Result<Vec<Versioned<InternetGateway>>> {
    render_tagged(ctx.store, rows, |r| r.internet_gateway_id.as_str(), igw_of).await
}

fn igw_of(r: InternetGatewayRow, tags: Tags) -> Versioned<InternetGateway> {
    Versioned {
        version: r.version,
        value: InternetGateway {
            state: if r.vpc_id.is_some() {
                "attached"
            } else {
                "detached"
            }
            .to_string(),
            internet_gateway_id: r.internet_gateway_id,
            owner_id: r.account_id,
            region: r.region,
            vpc_id: r.vpc_id,
            creation_timestamp: timestamp(r.created_at),
            tags,
        },
    }
}

pub async fn create_internet_gateway(
    ctx: Ctx<'_>,
    req: CreateInternetGatewayRequest,
    idempotency_key: Option<String>,
) -> Result<Created<Versioned<InternetGateway>>> {
    let idem = Idempotency::new(ctx.caller, idempotency_key, "CreateInternetGateway", &req);
    let account = ctx.account()?;
    let region = ctx.region(req.region.as_deref())?;
    let tags = check_tags(&req.tags)?;
    let (region, tags) = (&region, &tags);
    let created = create_once!(ctx.store, idem.as_ref(), |tx| {
        let now = now_ms();
        let row = InternetGatewayRow {
            internet_gateway_id: new_id("igw"),
            account_id: account.to_string(),
            region: region.clone(),
            vpc_id: None,
            created_at: now,
            updated_at: now,
            version: 1,
        };
        db::insert_internet_gateway(tx, &row).await?;
        tags::add(tx, account, &row.internet_gateway_id, tags).await?;
        Ok(row.internet_gateway_id)
    })?;
    created
        .load(|id| async move { get_internet_gateway(ctx, &id).await })
        .await
}

pub async fn get_internet_gateway(ctx: Ctx<'_>, id: &str) -> Result<Versioned<InternetGateway>> {
    let account = ctx.account()?;
    let row = db::get_internet_gateway(ctx.store.pool(), account, id).await?;
    render_one(row, |rows| igws_of(ctx, rows), || igw_not_found(id)).await
}

/// Filters of `GET /v1/internet-gateways`.
#[derive(Debug, Clone, Default)]
pub struct ListInternetGateways {
    /// Only the gateway attached to this VPC.
    pub vpc_id: AnyOf<String>,
    pub region: Option<String>,
    pub tags: Vec<TagFilter>,
    pub max_results: Option<u32>,
    pub next_token: Option<String>,
}

pub async fn list_internet_gateways(
    ctx: Ctx<'_>,
    q: ListInternetGateways,
) -> Result<(Vec<InternetGateway>, Option<String>)> {
    let account = ctx.account()?;
    let filter = tagged(q.tags).eq("vpc_id", q.vpc_id).eq("region", q.region);
    pagination::list(
        "internet-gateways",
        q.max_results,
        q.next_token.as_deref(),
        |spec| async move {
            db::list_internet_gateways(ctx.store.pool(), account, &filter, &spec).await
        },
        |rows| values(igws_of(ctx, rows)),
    )
    .await
}

/// Attaches the gateway to a VPC of its region. Routes to it in that VPC's
/// tables become active (again).
pub async fn attach(
    ctx: Ctx<'_>,
    id: &str,
    req: GatewayAttachmentRequest,
) -> Result<Versioned<InternetGateway>> {
    let account = ctx.account()?;
    let req = &req;
    transaction!(ctx.store, |tx| {
        let igw = db::get_internet_gateway(&mut **tx, account, id)
            .await?
            .ok_or_else(|| igw_not_found(id))?;
        let vpc = vpc_in_body(tx, account, &req.vpc_id).await?;
        if let Some(v) = &igw.vpc_id {
            return Err(Error::conflict(
                "Resource.AlreadyAssociated",
                format!("resource {id} is already attached to network {v}"),
            ));
        }
        if vpc.region != igw.region {
            return Err(Error::invalid_value(format!(
                "internet gateway {id} is in {} and {} is in {}; both must be in one region",
                igw.region, vpc.vpc_id, vpc.region
            )));
        }
        if let Some(other) = db::internet_gateway_of_vpc(tx, &vpc.vpc_id).await? {
            return Err(Error::conflict(
                "Resource.AlreadyAssociated",
                format!(
                    "network {} already has an internet gateway attached ({other})",
                    vpc.vpc_id
                ),
            ));
        }
        match db::set_internet_gateway_vpc(tx, id, Some(&vpc.vpc_id), now_ms()).await {
            Err(StoreError::Conflict(_)) => {
                return Err(Error::conflict(
                    "Resource.AlreadyAssociated",
                    format!(
                        "network {} already has an internet gateway attached",
                        vpc.vpc_id
                    ),
                ));
            }
            other => other?,
        }
        Ok(())
    })?;
    get_internet_gateway(ctx, id).await
}

/// Detaches the gateway from the VPC; routes to it become blackholes.
/// Refused while a public NAT gateway in the VPC needs it.
pub async fn detach(
    ctx: Ctx<'_>,
    id: &str,
    req: GatewayAttachmentRequest,
) -> Result<Versioned<InternetGateway>> {
    let account = ctx.account()?;
    let req = &req;
    transaction!(ctx.store, |tx| {
        let igw = db::get_internet_gateway(&mut **tx, account, id)
            .await?
            .ok_or_else(|| igw_not_found(id))?;
        if igw.vpc_id.as_deref() != Some(req.vpc_id.as_str()) {
            return Err(Error::conflict(
                "Gateway.NotAttached",
                format!("gateway {id} is not attached to network {}", req.vpc_id),
            ));
        }
        let holders = db::public_nat_gateways_in(tx, &req.vpc_id).await?;
        if !holders.is_empty() {
            return Err(Error::conflict(
                "DependencyViolation",
                format!(
                    "network {} has public NAT gateways that use {id}: {}",
                    req.vpc_id,
                    holders.join(", ")
                ),
            ));
        }
        db::set_internet_gateway_vpc(tx, id, None, now_ms()).await?;
        Ok(())
    })?;
    get_internet_gateway(ctx, id).await
}

/// Deletes a detached gateway.
pub async fn delete_internet_gateway(ctx: Ctx<'_>, id: &str) -> Result<()> {
    let account = ctx.account()?;
    transaction!(ctx.store, |tx| {
        let igw = db::get_internet_gateway(&mut **tx, account, id)
            .await?
            .ok_or_else(|| igw_not_found(id))?;
        if let Some(v) = &igw.vpc_id {
            return Err(dependency(id, std::slice::from_ref(v)));
        }
        db::delete_internet_gateway(tx, id).await?;
        tags::replace(tx, account, id, &Tags::new()).await?;
        Ok(())
    })?;
    Ok(())
}
