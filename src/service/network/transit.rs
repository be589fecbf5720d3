//! Transit gateways: VPC attachments (one subnet per zone) and the
//! gateway's route table, with static, blackhole and propagated routes.

use super::vpc::{subnet_in_body, vpc_in_body};
use super::{Ctx, check_tags, not_found, tagged, unknown};
use crate::create_once;
use crate::error::{Error, Result};
use crate::pagination;
use crate::schema;
use crate::service::{Created, Idempotency, Versioned, render_one, render_tagged, values};
use crate::store::filter::Scope;
use crate::store::network as db;
use crate::store::network::{AttachmentRow, TgwRouteRow, TransitGatewayRow};
use crate::store::tags::{self, TagFilter, Tags};
use crate::store::{StoreError, now_ms};
use crate::transaction;
use crate::util::{new_id, timestamp};
use linkplane_core::lifecycle::{RouteState, TransitGatewayAttachmentState, TransitGatewayState};
use linkplane_core::net::{self, Ipv4Cidr};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use utoipa::ToSchema;

/// A VPC attachment of a transit gateway.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TransitGatewayAttachment {
    #[schema(example = "tgw-attach-0a1b2c3d4e5f67890")]
    pub transit_gateway_attachment_id: String,
    pub transit_gateway_id: String,
    pub vpc_id: String,
    pub vpc_owner_id: String,
    /// One subnet per zone: traffic enters and leaves the VPC there.
    pub subnet_ids: Vec<String>,
    #[schema(example = "available")]
    pub state: String,
    pub creation_timestamp: String,
}

/// A route of the transit gateway's (default) route table.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TransitGatewayRoute {
    #[schema(example = "10.1.0.0/16")]
    pub destination_cidr_block: String,
    /// The attachment traffic goes to; absent on blackhole routes.
    pub transit_gateway_attachment_id: Option<String>,
    /// `static` (added with `POST .../routes`) or `propagated` (an attached
    /// VPC's CIDR, as AWS's default route table propagation adds it; a
    /// static route for the same CIDR takes priority and hides it).
    #[schema(example = "static")]
    pub r#type: String,
    /// `active`, or `blackhole` for explicit blackholes and routes whose
    /// attachment was deleted.
    #[schema(example = "active")]
    pub state: String,
}

/// A transit gateway (`TransitGateway`) with its attachments and routes.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TransitGateway {
    #[schema(example = "tgw-0a1b2c3d4e5f67890")]
    pub transit_gateway_id: String,
    pub owner_id: String,
    pub region: String,
    pub description: String,
    #[schema(example = "available")]
    pub state: String,
    pub attachments: Vec<TransitGatewayAttachment>,
    pub routes: Vec<TransitGatewayRoute>,
    pub creation_timestamp: String,
    pub tags: Tags,
}

/// `POST /v1/transit-gateways`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTransitGatewayRequest {
    /// Default: the server's default region.
    #[schema(value_type = Option<schema::RegionCode>)]
    pub region: Option<String>,
    #[schema(max_length = 255)]
    pub description: Option<String>,
    pub tags: Option<Tags>,
}

/// `POST /v1/transit-gateways/{id}/attachments`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateAttachmentRequest {
    /// A VPC of the caller in the gateway's region.
    #[schema(value_type = schema::VpcId)]
    pub vpc_id: String,
    /// Subnets of that VPC, at most one per zone.
    #[schema(value_type = Vec<schema::SubnetId>, min_items = 1)]
    pub subnet_ids: Vec<String>,
}

/// `POST /v1/transit-gateways/{id}/routes`: to an attachment, or a blackhole.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTgwRouteRequest {
    #[schema(value_type = schema::Ipv4Cidr)]
    pub destination_cidr_block: String,
    /// Where traffic to the destination goes; exactly one of this and
    /// `blackhole: true`.
    #[schema(value_type = Option<schema::TransitGatewayAttachmentId>)]
    pub transit_gateway_attachment_id: Option<String>,
    /// Drop traffic to the destination.
    pub blackhole: Option<bool>,
}

pub fn tgw_not_found(id: &str) -> Error {
    not_found("InvalidTransitGatewayID.NotFound", "transit gateway", id)
}

/// The gateway's effective routes: static rows (blackhole when their
/// attachment is gone), then each attached VPC's CIDR as a propagated route
/// unless a static route has that CIDR.
fn effective_routes(
    statics: Vec<TgwRouteRow>,
    attachments: &[(AttachmentRow, Vec<String>)],
    vpc_cidrs: &HashMap<String, String>,
) -> Vec<TransitGatewayRoute> {
    let mut out: Vec<TransitGatewayRoute> = statics
        .iter()
        .map(|r| {
            let live = r.transit_gateway_attachment_id.as_ref().is_some_and(|a| {
                attachments
                    .iter()
                    .any(|(x, _)| &x.transit_gateway_attachment_id == a)
            });
            TransitGatewayRoute {
                destination_cidr_block: r.destination_cidr_block.clone(),
                transit_gateway_attachment_id: r.transit_gateway_attachment_id.clone(),
                r#type: "static".to_string(),
                state: RouteState::of(!r.blackhole && live).to_string(),
            }
        })
        .collect();
    for (a, _) in attachments {
        let Some(cidr) = vpc_cidrs.get(&a.vpc_id) else {
            continue;
        };
        if statics.iter().any(|s| &s.destination_cidr_block == cidr) {
            continue;
        }
        out.push(TransitGatewayRoute {
            destination_cidr_block: cidr.clone(),
            transit_gateway_attachment_id: Some(a.transit_gateway_attachment_id.clone()),
            r#type: "propagated".to_string(),
            state: RouteState::Active.to_string(),
        });
    }
    out
}

fn attachment_of(a: AttachmentRow, subnet_ids: Vec<String>) -> TransitGatewayAttachment {
    TransitGatewayAttachment {
        transit_gateway_attachment_id: a.transit_gateway_attachment_id,
        transit_gateway_id: a.transit_gateway_id,
        vpc_id: a.vpc_id,
        vpc_owner_id: a.account_id,
        subnet_ids,
        state: a.state.to_string(),
        creation_timestamp: timestamp(a.created_at),
    }
}

pub fn attachment_not_found(id: &str) -> Error {
    not_found(
        "InvalidTransitGatewayAttachmentID.NotFound",
        "transit gateway attachment",
        id,
    )
}

/// One of the caller's attachments by its id alone (whatever its gateway).
pub async fn get_attachment(ctx: Ctx<'_>, id: &str) -> Result<TransitGatewayAttachment> {
    let account = ctx.account()?;
    let mut conn = ctx.store.pool().acquire().await.map_err(StoreError::from)?;
    let (a, subnets) = db::get_attachment(&mut conn, account, id)
        .await?
        .ok_or_else(|| attachment_not_found(id))?;
    Ok(attachment_of(a, subnets))
}

/// Filters of a list of attachments across the caller's gateways.
#[derive(Debug, Clone, Default)]
pub struct ListAttachments {
    /// The gateways' region.
    pub region: Option<String>,
    pub transit_gateway_id: Option<String>,
    pub vpc_id: Option<String>,
    pub max_results: Option<u32>,
    pub next_token: Option<String>,
}

/// The caller's attachments across its gateways, oldest first, in keyset pages.
pub async fn list_attachments(
    ctx: Ctx<'_>,
    q: ListAttachments,
) -> Result<(Vec<TransitGatewayAttachment>, Option<String>)> {
    let account = ctx.account()?;
    let region = q.region;
    let filter = tagged(Vec::new())
        .eq("transit_gateway_id", q.transit_gateway_id)
        .eq("vpc_id", q.vpc_id);
    pagination::list(
        "transit-gateway-attachments",
        q.max_results,
        q.next_token.as_deref(),
        |spec| async move {
            let pool = ctx.store.pool();
            db::list_attachments(pool, account, region.as_deref(), &filter, &spec).await
        },
        |rows| async move {
            let mut conn = ctx.store.pool().acquire().await.map_err(StoreError::from)?;
            let mut out = Vec::with_capacity(rows.len());
            for a in rows {
                let subnets = db::subnets_of(&mut conn, &a.transit_gateway_attachment_id).await?;
                out.push(attachment_of(a, subnets));
            }
            Ok(out)
        },
    )
    .await
}

async fn tgws_of(
    ctx: Ctx<'_>,
    rows: Vec<TransitGatewayRow>,
) -> Result<Vec<Versioned<TransitGateway>>> {
    let tagged = render_tagged(
        ctx.store,
        rows,
        |r| r.transit_gateway_id.as_str(),
        |r, t| (r, t),
    )
    .await?;
    let mut out = Vec::with_capacity(tagged.len());
    for (r, t) in tagged {
        out.push(tgw_of(ctx, r, t).await?);
    }
    Ok(out)
}

async fn tgw_of(
    ctx: Ctx<'_>,
    r: TransitGatewayRow,
    tags: Tags,
) -> Result<Versioned<TransitGateway>> {
    let mut conn = ctx.store.pool().acquire().await.map_err(StoreError::from)?;
    let attachments = db::attachments_of(&mut conn, &r.transit_gateway_id).await?;
    let statics = db::tgw_routes(&mut *conn, &r.transit_gateway_id).await?;
    let mut vpc_cidrs = HashMap::new();
    for (a, _) in &attachments {
        if let Some(v) = db::get_vpc(&mut *conn, Scope::AnyAccount, &a.vpc_id).await? {
            vpc_cidrs.insert(v.vpc_id, v.cidr_block);
        }
    }
    let routes = effective_routes(statics, &attachments, &vpc_cidrs);
    Ok(Versioned {
        version: r.version,
        value: TransitGateway {
            attachments: attachments
                .into_iter()
                .map(|(a, subnet_ids)| attachment_of(a, subnet_ids))
                .collect(),
            routes,
            transit_gateway_id: r.transit_gateway_id,
            owner_id: r.account_id,
            region: r.region,
            description: r.description,
            state: r.state.to_string(),
            creation_timestamp: timestamp(r.created_at),
            tags,
        },
    })
}

pub async fn create_transit_gateway(
    ctx: Ctx<'_>,
    req: CreateTransitGatewayRequest,
    idempotency_key: Option<String>,
) -> Result<Created<Versioned<TransitGateway>>> {
    let idem = Idempotency::new(ctx.caller, idempotency_key, "CreateTransitGateway", &req);
    let account = ctx.account()?;
    let region = ctx.region(req.region.as_deref())?;
    let tags = check_tags(&req.tags)?;
    let description = req.description.clone().unwrap_or_default();
    if description.chars().count() > 255 {
        return Err(Error::invalid_value("description: at most 255 characters"));
    }
    let (region, tags, description) = (&region, &tags, &description);
    let created = create_once!(ctx.store, idem.as_ref(), |tx| {
        let now = now_ms();
        let row = TransitGatewayRow {
            transit_gateway_id: new_id("tgw"),
            account_id: account.to_string(),
            region: region.clone(),
            description: description.clone(),
            state: TransitGatewayState::Available,
            created_at: now,
            updated_at: now,
            version: 1,
        };
        db::insert_transit_gateway(tx, &row).await?;
        tags::add(tx, account, &row.transit_gateway_id, tags).await?;
        Ok(row.transit_gateway_id)
    })?;
    created
        .load(|id| async move { get_transit_gateway(ctx, &id).await })
        .await
}

pub async fn get_transit_gateway(ctx: Ctx<'_>, id: &str) -> Result<Versioned<TransitGateway>> {
    let account = ctx.account()?;
    let row = db::get_transit_gateway(ctx.store.pool(), account, id).await?;
    render_one(row, |rows| tgws_of(ctx, rows), || tgw_not_found(id)).await
}

/// Filters of `GET /v1/transit-gateways`.
#[derive(Debug, Clone, Default)]
pub struct ListTransitGateways {
    pub region: Option<String>,
    pub tags: Vec<TagFilter>,
    pub max_results: Option<u32>,
    pub next_token: Option<String>,
}

pub async fn list_transit_gateways(
    ctx: Ctx<'_>,
    q: ListTransitGateways,
) -> Result<(Vec<TransitGateway>, Option<String>)> {
    let account = ctx.account()?;
    let filter = tagged(q.tags).eq("region", q.region);
    pagination::list(
        "transit-gateways",
        q.max_results,
        q.next_token.as_deref(),
        |spec| async move {
            db::list_transit_gateways(ctx.store.pool(), account, &filter, &spec).await
        },
        |rows| values(tgws_of(ctx, rows)),
    )
    .await
}

/// Deletes a gateway without attachments (with some, `IncorrectState`
/// naming them, as EC2 answers).
pub async fn delete_transit_gateway(ctx: Ctx<'_>, id: &str) -> Result<()> {
    let account = ctx.account()?;
    transaction!(ctx.store, |tx| {
        db::get_transit_gateway(&mut **tx, account, id)
            .await?
            .ok_or_else(|| tgw_not_found(id))?;
        let holders: Vec<String> = db::attachments_of(tx, id)
            .await?
            .into_iter()
            .map(|(a, _)| a.transit_gateway_attachment_id)
            .collect();
        if !holders.is_empty() {
            return Err(Error::conflict(
                "IncorrectState",
                format!(
                    "{id} has non-deleted Transit Gateway Attachments: {}.",
                    holders.join(", ")
                ),
            ));
        }
        db::delete_transit_gateway(tx, id).await?;
        tags::replace(tx, account, id, &Tags::new()).await?;
        Ok(())
    })?;
    Ok(())
}

/// Attaches a VPC through one subnet per zone; its CIDR propagates into the
/// gateway's routes.
pub async fn create_attachment(
    ctx: Ctx<'_>,
    tgw_id: &str,
    req: CreateAttachmentRequest,
    idempotency_key: Option<String>,
) -> Result<Created<Versioned<TransitGateway>>> {
    let idem = Idempotency::new(
        ctx.caller,
        idempotency_key,
        "CreateTransitGatewayAttachment",
        &(tgw_id, &req),
    );
    let account = ctx.account()?;
    if req.subnet_ids.is_empty() {
        return Err(Error::missing(
            "subnet_ids: an attachment needs at least one subnet (one per zone)",
        ));
    }
    let req = &req;
    let created = create_once!(ctx.store, idem.as_ref(), |tx| {
        let tgw = db::get_transit_gateway(&mut **tx, account, tgw_id)
            .await?
            .ok_or_else(|| tgw_not_found(tgw_id))?;
        let vpc = vpc_in_body(tx, account, &req.vpc_id).await?;
        if vpc.region != tgw.region {
            return Err(Error::invalid_value(format!(
                "transit gateway {tgw_id} is in {} and {} is in {}; attachments stay in one region",
                tgw.region, vpc.vpc_id, vpc.region
            )));
        }
        let mut subnets: Vec<(String, String)> = Vec::new();
        for s in &req.subnet_ids {
            let subnet = subnet_in_body(tx, account, s).await?;
            if subnet.vpc_id != vpc.vpc_id {
                return Err(Error::invalid_value(format!(
                    "subnet {s} is in {}, not in {}",
                    subnet.vpc_id, vpc.vpc_id
                )));
            }
            subnets.push((subnet.subnet_id, subnet.zone_id));
        }
        let pairs: Vec<(&str, &str)> = subnets
            .iter()
            .map(|(s, z)| (s.as_str(), z.as_str()))
            .collect();
        net::one_subnet_per_zone(&pairs)?;
        let row = AttachmentRow {
            transit_gateway_attachment_id: new_id("tgw-attach"),
            transit_gateway_id: tgw_id.to_string(),
            account_id: account.to_string(),
            vpc_id: vpc.vpc_id.clone(),
            state: TransitGatewayAttachmentState::Available,
            created_at: now_ms(),
        };
        match db::insert_attachment(tx, &row, &subnets).await {
            Err(StoreError::Conflict(_)) => {
                return Err(Error::conflict(
                    "DuplicateTransitGatewayAttachment",
                    format!("{} is already attached to {tgw_id}", vpc.vpc_id),
                ));
            }
            other => other?,
        }
        db::touch_transit_gateway(tx, tgw_id, row.created_at).await?;
        Ok(tgw_id.to_string())
    })?;
    let tgw = get_transit_gateway(ctx, tgw_id).await?;
    Ok(created.with(tgw))
}

/// Removes an attachment; static routes to it become blackholes.
pub async fn delete_attachment(ctx: Ctx<'_>, tgw_id: &str, attachment_id: &str) -> Result<()> {
    let account = ctx.account()?;
    transaction!(ctx.store, |tx| {
        db::get_transit_gateway(&mut **tx, account, tgw_id)
            .await?
            .ok_or_else(|| tgw_not_found(tgw_id))?;
        let exists = db::attachments_of(tx, tgw_id)
            .await?
            .iter()
            .any(|(a, _)| a.transit_gateway_attachment_id == attachment_id);
        if !exists {
            return Err(attachment_not_found(attachment_id));
        }
        db::delete_attachment(tx, attachment_id).await?;
        db::touch_transit_gateway(tx, tgw_id, now_ms()).await?;
        Ok(())
    })?;
    Ok(())
}

/// Adds a static route to an attachment of this gateway, or a blackhole.
pub async fn create_route(
    ctx: Ctx<'_>,
    tgw_id: &str,
    req: CreateTgwRouteRequest,
    idempotency_key: Option<String>,
) -> Result<Created<Versioned<TransitGateway>>> {
    let idem = Idempotency::new(
        ctx.caller,
        idempotency_key,
        "CreateTransitGatewayRoute",
        &(tgw_id, &req),
    );
    let account = ctx.account()?;
    let cidr = Ipv4Cidr::parse_param("destination_cidr_block", &req.destination_cidr_block)?;
    let blackhole = req.blackhole.unwrap_or(false);
    match (&req.transit_gateway_attachment_id, blackhole) {
        (Some(_), true) => {
            return Err(Error::validation(
                "InvalidParameterCombination",
                "a route goes to transit_gateway_attachment_id or is a blackhole, not both",
            ));
        }
        (None, false) => {
            return Err(Error::missing(
                "a route needs transit_gateway_attachment_id or blackhole: true",
            ));
        }
        _ => {}
    }
    let req = &req;
    let created = create_once!(ctx.store, idem.as_ref(), |tx| {
        db::get_transit_gateway(&mut **tx, account, tgw_id)
            .await?
            .ok_or_else(|| tgw_not_found(tgw_id))?;
        if let Some(att) = &req.transit_gateway_attachment_id {
            let known = db::attachments_of(tx, tgw_id)
                .await?
                .iter()
                .any(|(a, _)| &a.transit_gateway_attachment_id == att);
            if !known {
                return Err(unknown(
                    "InvalidTransitGatewayAttachmentID.NotFound",
                    "transit gateway attachment",
                    att,
                ));
            }
        }
        let now = now_ms();
        let row = TgwRouteRow {
            transit_gateway_id: tgw_id.to_string(),
            destination_cidr_block: cidr.to_string(),
            transit_gateway_attachment_id: req.transit_gateway_attachment_id.clone(),
            blackhole,
            created_at: now,
        };
        match db::insert_tgw_route(tx, &row).await {
            Err(StoreError::Conflict(_)) => {
                return Err(Error::conflict(
                    "RouteAlreadyExists",
                    format!("The route identified by {cidr} already exists in {tgw_id}"),
                ));
            }
            other => other?,
        }
        db::touch_transit_gateway(tx, tgw_id, now).await?;
        Ok(tgw_id.to_string())
    })?;
    let tgw = get_transit_gateway(ctx, tgw_id).await?;
    Ok(created.with(tgw))
}

/// Removes a static route.
pub async fn delete_route(ctx: Ctx<'_>, tgw_id: &str, destination: &str) -> Result<()> {
    let account = ctx.account()?;
    let cidr = Ipv4Cidr::parse_param("destination", destination)?;
    transaction!(ctx.store, |tx| {
        db::get_transit_gateway(&mut **tx, account, tgw_id)
            .await?
            .ok_or_else(|| tgw_not_found(tgw_id))?;
        if !db::delete_tgw_route(tx, tgw_id, &cidr.to_string()).await? {
            return Err(Error::not_found(
                "InvalidRoute.NotFound",
                format!("no static route to {cidr} in transit gateway {tgw_id}"),
            ));
        }
        db::touch_transit_gateway(tx, tgw_id, now_ms()).await?;
        Ok(())
    })?;
    Ok(())
}
