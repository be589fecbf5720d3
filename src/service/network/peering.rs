//! VPC peering connections: requested by one VPC's owner, accepted or
//! rejected by the other VPC's owner (any account, any region).

use super::vpc::{cidr_of, vpc_in_body};
use super::{Ctx, check_region, check_tags, not_found, tagged, unknown};
use crate::create_once;
use crate::error::{Error, ErrorKind, Result};
use crate::pagination;
use crate::schema;
use crate::service::{Created, Idempotency, Versioned, render_one, render_tagged, values};
use crate::store::filter::Scope;
use crate::store::network as db;
use crate::store::network::PeeringRow;
use crate::store::now_ms;
use crate::store::tags::{self, TagFilter, Tags};
use crate::transaction;
use crate::util::{new_id, timestamp};
use linkplane_core::identity::is_valid_account_id;
use linkplane_core::lifecycle::PeeringState;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// One side of a peering connection.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PeeringVpcInfo {
    pub owner_id: String,
    pub vpc_id: String,
    pub region: String,
    #[schema(example = "10.0.0.0/16")]
    pub cidr_block: String,
}

/// Where a peering connection stands.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PeeringStatus {
    /// `pending_acceptance`, `active`, `rejected` or `deleted`.
    #[schema(example = "pending_acceptance")]
    pub code: String,
    #[schema(example = "Pending Acceptance by 444455556666")]
    pub message: String,
}

/// A VPC peering connection (`VpcPeeringConnection`), visible to both accounts.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct VpcPeeringConnection {
    #[schema(example = "pcx-0a1b2c3d4e5f67890")]
    pub vpc_peering_connection_id: String,
    pub requester_vpc_info: PeeringVpcInfo,
    pub accepter_vpc_info: PeeringVpcInfo,
    pub status: PeeringStatus,
    pub creation_timestamp: String,
    pub tags: Tags,
}

/// `POST /v1/vpc-peering-connections`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateVpcPeeringConnectionRequest {
    /// The caller's VPC.
    #[schema(value_type = schema::VpcId)]
    pub requester_vpc_id: String,
    /// The VPC to peer with, in `peer_owner_id`'s account and `peer_region`;
    /// not the requester VPC itself.
    #[schema(value_type = schema::VpcId)]
    pub accepter_vpc_id: String,
    /// Default: the caller's account.
    #[schema(value_type = Option<schema::AccountId>)]
    pub peer_owner_id: Option<String>,
    /// Default: the requester VPC's region.
    #[schema(value_type = Option<schema::RegionCode>)]
    pub peer_region: Option<String>,
    pub tags: Option<Tags>,
}

pub fn pcx_not_found(id: &str) -> Error {
    not_found(
        "InvalidVpcPeeringConnectionID.NotFound",
        "vpcPeeringConnection",
        id,
    )
}

async fn pcxs_of(
    ctx: Ctx<'_>,
    rows: Vec<PeeringRow>,
) -> Result<Vec<Versioned<VpcPeeringConnection>>> {
    render_tagged(
        ctx.store,
        rows,
        |r| r.vpc_peering_connection_id.as_str(),
        pcx_of,
    )
    .await
}

fn pcx_of(r: PeeringRow, tags: Tags) -> Versioned<VpcPeeringConnection> {
    Versioned {
        version: r.version,
        value: VpcPeeringConnection {
            vpc_peering_connection_id: r.vpc_peering_connection_id,
            requester_vpc_info: PeeringVpcInfo {
                owner_id: r.requester_account_id,
                vpc_id: r.requester_vpc_id,
                region: r.requester_region,
                cidr_block: r.requester_cidr_block,
            },
            accepter_vpc_info: PeeringVpcInfo {
                owner_id: r.accepter_account_id,
                vpc_id: r.accepter_vpc_id,
                region: r.accepter_region,
                cidr_block: r.accepter_cidr_block,
            },
            status: PeeringStatus {
                code: r.status.to_string(),
                message: r.status_message,
            },
            creation_timestamp: timestamp(r.created_at),
            tags,
        },
    }
}

/// Requests a peering. The accepter VPC must exist in the named account and
/// region (`InvalidVpcID.NotFound` otherwise), be another VPC, and its CIDR
/// must not overlap the requester's (`InvalidParameterValue`; AWS lets such
/// a request fail asynchronously, linkplane refuses it at once). A second
/// live peering between the same two VPCs is `VpcPeeringConnectionAlreadyExists`.
pub async fn create_peering(
    ctx: Ctx<'_>,
    req: CreateVpcPeeringConnectionRequest,
    idempotency_key: Option<String>,
) -> Result<Created<Versioned<VpcPeeringConnection>>> {
    let idem = Idempotency::new(
        ctx.caller,
        idempotency_key,
        "CreateVpcPeeringConnection",
        &req,
    );
    let account = ctx.account()?;
    let tags = check_tags(&req.tags)?;
    let peer_owner = req
        .peer_owner_id
        .clone()
        .unwrap_or_else(|| account.to_string());
    if !is_valid_account_id(&peer_owner) {
        return Err(Error::validation(
            "InvalidAccountID.Malformed",
            format!("peer_owner_id: '{peer_owner}' is not a 12-digit account id"),
        ));
    }
    if let Some(r) = &req.peer_region {
        check_region(r)?;
    }
    if req.requester_vpc_id == req.accepter_vpc_id {
        return Err(Error::invalid_value(
            "a VPC cannot be peered with itself: accepter_vpc_id equals requester_vpc_id",
        ));
    }
    let (req, tags, peer_owner) = (&req, &tags, &peer_owner);
    let created = create_once!(ctx.store, idem.as_ref(), |tx| {
        let mine = vpc_in_body(tx, account, &req.requester_vpc_id).await?;
        let peer_region = req
            .peer_region
            .clone()
            .unwrap_or_else(|| mine.region.clone());
        let peer = db::get_vpc(&mut **tx, Scope::Account(peer_owner), &req.accepter_vpc_id)
            .await?
            .filter(|v| v.region == peer_region)
            .ok_or_else(|| {
                Error::validation(
                    "InvalidVpcID.NotFound",
                    format!(
                        "The vpc ID '{}' does not exist in account {peer_owner} in {peer_region}",
                        req.accepter_vpc_id
                    ),
                )
            })?;
        let (a, b) = (cidr_of(&mine.cidr_block)?, cidr_of(&peer.cidr_block)?);
        if a.overlaps(&b) {
            return Err(Error::invalid_value(format!(
                "the CIDR blocks of {} ({a}) and {} ({b}) overlap; overlapping VPCs cannot be peered",
                mine.vpc_id, peer.vpc_id
            )));
        }
        if let Some(existing) = db::live_peering_between(tx, &mine.vpc_id, &peer.vpc_id).await? {
            return Err(Error::conflict(
                "VpcPeeringConnectionAlreadyExists",
                format!(
                    "{} and {} are already peered or waiting to be ({existing})",
                    mine.vpc_id, peer.vpc_id
                ),
            ));
        }
        let now = now_ms();
        let row = PeeringRow {
            vpc_peering_connection_id: new_id("pcx"),
            requester_account_id: account.to_string(),
            requester_vpc_id: mine.vpc_id.clone(),
            requester_region: mine.region.clone(),
            requester_cidr_block: mine.cidr_block.clone(),
            accepter_account_id: peer.account_id.clone(),
            accepter_vpc_id: peer.vpc_id.clone(),
            accepter_region: peer.region.clone(),
            accepter_cidr_block: peer.cidr_block.clone(),
            status: PeeringState::ON_CREATE,
            status_message: format!("Pending Acceptance by {}", peer.account_id),
            created_at: now,
            updated_at: now,
            version: 1,
        };
        db::insert_peering(tx, &row).await?;
        tags::add(tx, account, &row.vpc_peering_connection_id, tags).await?;
        Ok(row.vpc_peering_connection_id)
    })?;
    created
        .load(|id| async move { get_peering(ctx, &id).await })
        .await
}

pub async fn get_peering(ctx: Ctx<'_>, id: &str) -> Result<Versioned<VpcPeeringConnection>> {
    let account = ctx.account()?;
    let row = db::get_peering(ctx.store.pool(), account, id).await?;
    render_one(row, |rows| pcxs_of(ctx, rows), || pcx_not_found(id)).await
}

/// Filters of `GET /v1/vpc-peering-connections`.
#[derive(Debug, Clone, Default)]
pub struct ListPeerings {
    /// Either side's VPC.
    pub vpc_id: Option<String>,
    pub status: Option<String>,
    pub tags: Vec<TagFilter>,
    pub max_results: Option<u32>,
    pub next_token: Option<String>,
}

pub async fn list_peerings(
    ctx: Ctx<'_>,
    q: ListPeerings,
) -> Result<(Vec<VpcPeeringConnection>, Option<String>)> {
    list_peerings_in(ctx, None, q).await
}

/// As [`list_peerings`], keeping only the connections whose caller's side
/// (requester or accepter, by account) is in `region`: a cross-region
/// connection is seen from each side's own region.
pub async fn list_peerings_in(
    ctx: Ctx<'_>,
    region: Option<&str>,
    q: ListPeerings,
) -> Result<(Vec<VpcPeeringConnection>, Option<String>)> {
    let account = ctx.account()?;
    let vpc_id = q.vpc_id;
    let filter = tagged(q.tags).eq("status", q.status);
    pagination::list(
        "vpc-peering-connections",
        q.max_results,
        q.next_token.as_deref(),
        |spec| async move {
            let pool = ctx.store.pool();
            db::list_peerings(pool, account, region, vpc_id.as_deref(), &filter, &spec).await
        },
        |rows| values(pcxs_of(ctx, rows)),
    )
    .await
}

/// What a peering transition is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transition {
    Accept,
    Reject,
    Delete,
}

/// Accept and reject: only the accepter's account, only while pending.
/// Delete: the requester while pending; either side while active.
pub async fn transition(
    ctx: Ctx<'_>,
    id: &str,
    what: Transition,
) -> Result<Versioned<VpcPeeringConnection>> {
    let account = ctx.account()?;
    transaction!(ctx.store, |tx| {
        let row = db::get_peering(&mut **tx, account, id)
            .await?
            .ok_or_else(|| pcx_not_found(id))?;
        let is_accepter = row.accepter_account_id == account;
        let is_requester = row.requester_account_id == account;
        let (status, message) = match what {
            Transition::Accept | Transition::Reject => {
                if !is_accepter {
                    return Err(Error::new(
                        ErrorKind::Forbidden,
                        "OperationNotPermitted",
                        format!(
                            "only the accepter account {} may accept or reject {id}",
                            row.accepter_account_id
                        ),
                    ));
                }
                if what == Transition::Accept {
                    let status = row.status.accept(id)?;
                    // The accepter VPC must still be there.
                    db::get_vpc(&mut **tx, Scope::Account(account), &row.accepter_vpc_id)
                        .await?
                        .ok_or_else(|| {
                            unknown("InvalidVpcID.NotFound", "vpc", &row.accepter_vpc_id)
                        })?;
                    (status, "Active".to_string())
                } else {
                    (row.status.reject(id)?, format!("Rejected by {account}"))
                }
            }
            Transition::Delete => (
                row.status.delete(id, is_requester)?,
                format!("Deleted by {account}"),
            ),
        };
        if !db::set_peering_status(tx, id, status, &message, row.version, now_ms()).await? {
            return Err(Error::contention(format!(
                "peering connection {id} changed while this request ran"
            )));
        }
        Ok(())
    })?;
    get_peering(ctx, id).await
}
