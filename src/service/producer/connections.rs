//! The producer's view of the endpoints to its services (connections):
//! listing a service's connection requests, and accepting or rejecting
//! them through the connection lifecycle (`linkplane_core::lifecycle`).

use crate::error::{Error, Result};
use crate::pagination;
use crate::service::consumer::{DnsEntry, ZoneNames, entries_of};
use crate::service::network::Ctx;
use crate::service::producer::endpoint_service::{check_empty_page_service, service_not_found};
use crate::service::producer::loadbalancer::initial_state;
use crate::store::consumer::{self as db, EndpointRow};
use crate::store::filter::Scope;
use crate::store::filter::{AnyOf, ListFilter};
use crate::store::producer as prod_db;
use crate::store::{Tx, now_ms};
use crate::transaction;
use crate::util::timestamp;
use linkplane_core::catalog::EndpointType;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashMap};
use std::time::Duration;
use utoipa::ToSchema;

/// A connection to an endpoint service, as its owner sees it (`VpcEndpointConnection`).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct VpcEndpointConnection {
    pub service_id: String,
    pub vpc_endpoint_id: String,
    /// The consumer's account.
    pub vpc_endpoint_owner: String,
    #[schema(example = "pending_acceptance")]
    pub vpc_endpoint_state: String,
    /// The consumer's region.
    pub vpc_endpoint_region: String,
    pub creation_timestamp: String,
    pub dns_entries: Vec<DnsEntry>,
    pub network_load_balancer_arns: Vec<String>,
    pub gateway_load_balancer_arns: Vec<String>,
    pub ip_address_type: String,
}

/// `POST .../connections/accept` and `.../reject`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConnectionsRequest {
    /// Endpoints of the service's connection requests. Any other id (a
    /// malformed one too) is not refused: it comes back in `unsuccessful`,
    /// as a batch's partial failure.
    #[schema(min_items = 1)]
    pub vpc_endpoint_ids: Vec<String>,
}

/// An item a batch could not act on.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UnsuccessfulItem {
    pub resource_id: String,
    #[schema(example = "InvalidVpcEndpointId.NotFound")]
    pub code: String,
    pub message: String,
}

/// The answer of a batch: what could not be done (partial success is normal).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BatchResult {
    pub unsuccessful: Vec<UnsuccessfulItem>,
}

// ---- the producer's view ----

async fn connections_of(
    ctx: Ctx<'_>,
    rows: Vec<EndpointRow>,
    owner: &str,
) -> Result<Vec<VpcEndpointConnection>> {
    let ids: Vec<&str> = rows.iter().map(|r| r.vpc_endpoint_id.as_str()).collect();
    // Only the subnets matter here (for the DNS names): one query, not four.
    let mut subnets_by: HashMap<String, Vec<(String, String, String)>> = HashMap::new();
    for (e, s, z, eni) in db::subnets_of_many(ctx.store.pool(), &ids).await? {
        subnets_by.entry(e).or_default().push((s, z, eni));
    }
    let sids: BTreeSet<&str> = rows
        .iter()
        .filter_map(|r| r.service_id.as_deref())
        .collect();
    let sids: Vec<&str> = sids.into_iter().collect();
    let lbs = prod_db::service_load_balancers(ctx.store.pool(), &sids).await?;
    let mut names = ZoneNames::new();
    Ok(rows
        .into_iter()
        .map(|r| {
            let subnets = subnets_by.remove(&r.vpc_endpoint_id).unwrap_or_default();
            let sid = r.service_id.clone().unwrap_or_default();
            let arns: Vec<String> = lbs
                .iter()
                .filter(|(s, _)| *s == sid)
                .map(|(_, a)| a.clone())
                .collect();
            let gwlb = r.vpc_endpoint_type == EndpointType::GatewayLoadBalancer;
            VpcEndpointConnection {
                dns_entries: entries_of(&r, &subnets, owner, &mut names),
                service_id: sid,
                vpc_endpoint_owner: r.account_id,
                vpc_endpoint_state: r.state.to_string(),
                vpc_endpoint_region: r.region,
                creation_timestamp: timestamp(r.created_at),
                network_load_balancer_arns: if gwlb { Vec::new() } else { arns.clone() },
                gateway_load_balancer_arns: if gwlb { arns } else { Vec::new() },
                ip_address_type: r.ip_address_type,
                vpc_endpoint_id: r.vpc_endpoint_id,
            }
        })
        .collect())
}

/// Filters of `GET /v1/endpoint-services/{id}/connections`.
#[derive(Debug, Clone, Default)]
pub struct ListConnections {
    pub vpc_endpoint_state: AnyOf<String>,
    pub vpc_endpoint_owner: AnyOf<String>,
    pub max_results: Option<u32>,
    pub next_token: Option<String>,
}

pub async fn list_connections(
    ctx: Ctx<'_>,
    service_id: &str,
    q: ListConnections,
) -> Result<(Vec<VpcEndpointConnection>, Option<String>)> {
    let account = ctx.account()?;
    let filter = ListFilter::default()
        .eq("account_id", q.vpc_endpoint_owner)
        .eq("state", q.vpc_endpoint_state);
    pagination::list(
        "connections",
        q.max_results,
        q.next_token.as_deref(),
        |spec| async move {
            let page =
                db::list_connections(ctx.store.pool(), account, service_id, &filter, &spec).await?;
            check_empty_page_service(ctx, account, service_id, &page).await?;
            Ok::<_, Error>(page)
        },
        |rows| connections_of(ctx, rows, account),
    )
    .await
}

/// Accepts or rejects connections of a service. Each id is one item: those
/// that cannot be acted on are answered as `unsuccessful`, not as an error.
/// Ids are handled in sorted order so that concurrent batches never lock
/// rows in opposite orders.
pub async fn decide(
    ctx: Ctx<'_>,
    delay: Duration,
    service_id: &str,
    req: ConnectionsRequest,
    accept: bool,
) -> Result<BatchResult> {
    let account = ctx.account()?;
    if req.vpc_endpoint_ids.is_empty() {
        return Err(Error::missing("vpc_endpoint_ids: at least one endpoint"));
    }
    let mut ids: Vec<String> = req.vpc_endpoint_ids.clone();
    ids.sort();
    ids.dedup();
    let ids = &ids;
    let unsuccessful = transaction!(ctx.store, |tx| {
        prod_db::get_service(&mut **tx, Scope::Account(account), service_id)
            .await?
            .ok_or_else(|| service_not_found(service_id))?;
        let mut unsuccessful = Vec::new();
        let now = now_ms();
        for id in ids {
            let Some(row) = db::get_endpoint(&mut **tx, Scope::AnyAccount, id)
                .await?
                .filter(|r| r.service_id.as_deref() == Some(service_id))
            else {
                unsuccessful.push(UnsuccessfulItem {
                    resource_id: id.clone(),
                    code: "InvalidVpcEndpointId.NotFound".to_string(),
                    message: format!(
                        "The Vpc Endpoint Id '{id}' is not a connection of {service_id}"
                    ),
                });
                continue;
            };
            if let Some(refused) = decide_one(tx, delay, &row, accept, now).await? {
                unsuccessful.push(refused);
            }
        }
        Ok(unsuccessful)
    })?;
    Ok(BatchResult { unsuccessful })
}

/// Accepts or rejects one connection inside `tx`: the lifecycle's
/// transition, the row written, the notification queued. A transition the
/// state refuses is answered as the item, and nothing is written.
pub(crate) async fn decide_one(
    tx: &mut Tx,
    delay: Duration,
    row: &EndpointRow,
    accept: bool,
    now: i64,
) -> Result<Option<UnsuccessfulItem>> {
    let id = &row.vpc_endpoint_id;
    let next = if accept {
        row.state.accept(id)
    } else {
        row.state.reject(id)
    };
    let (state, ready_at) = match next {
        Ok(s) => initial_state(delay, s),
        Err(e) => {
            return Ok(Some(UnsuccessfulItem {
                resource_id: id.clone(),
                code: e.code.to_string(),
                message: e.message,
            }));
        }
    };
    if !db::set_state(tx, id, state, ready_at, row.version, now).await? {
        // Moved on (the workflow, another replica) since it was read: the
        // whole transaction runs again over fresh rows.
        return Err(Error::contention(format!(
            "endpoint {id} changed while this request ran"
        )));
    }
    let event = if accept { "accept" } else { "reject" };
    crate::service::notification::emit(tx, event, row, state.as_str()).await?;
    Ok(None)
}
