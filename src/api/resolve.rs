//! Route resolution: where traffic from an interface to a name or an address
//! goes, and why it is blocked when it is; and the VPC resolver's DNS.

use super::problem::{ApiResult, Problem};
use crate::api::auth::Cx;
use crate::api::extract::{ApiJson, ApiPath, ApiQuery};
use crate::api::responses::ForAccounts;
use crate::service::resolve::{self as rs, DnsAnswer, ResolveRequest, ResolveResponse};
use crate::state::AppState;
use axum::Json;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Resolve a flow: from a network interface (or an address in a subnet) to a DNS name or an address, on a port and protocol. The answer says whether it is `reachable`, what the VPC's resolver answered, every hop with the route or rule that admitted the packet, and every blocking reason found (not only the first) in `explanations`. With `request`, the endpoint policies on the path are evaluated for it (endpoints to customer services allow everything, as on AWS). Computed over a snapshot of the whole network that is rebuilt after each change; `network_version` names it.
#[utoipa::path(
    post, path = "/v1/resolve", tag = "resolution",
    request_body = ResolveRequest,
    responses(
        (status = 200, description = "The path and verdict (unreachable is still 200, with explanations)", body = ResolveResponse),
        (status = 400, description = "Invalid input: `InvalidParameterValue` (a malformed address or name, an address outside the subnet, an unknown protocol), `InvalidParameterCombination` (source needs network_interface_id, or subnet_id and ip; destination needs exactly one of host and ip), `MissingParameter`", body = Problem, content_type = "application/problem+json"),
        ForAccounts,
        (status = 404, description = "`InvalidNetworkInterfaceID.NotFound` or `InvalidSubnetID.NotFound`: the source does not exist or is another account's", body = Problem, content_type = "application/problem+json"),
    ),
)]
async fn resolve(
    cx: Cx,
    ApiJson(req): ApiJson<ResolveRequest>,
) -> ApiResult<Json<ResolveResponse>> {
    Ok(Json(rs::resolve(cx.ctx(), &cx.state.snapshots, req).await?))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct VpcDnsQuery {
    /// The name to resolve.
    #[param(value_type = crate::schema::DnsName)]
    pub name: String,
}

/// Resolve a DNS name as the VPC's resolver (the Amazon-provided DNS server) would: private DNS names of the VPC's interface endpoints first (with DNS support and DNS hostnames on), then endpoint-specific regional and zonal names, then public AWS service names. A name nobody answers is `answered_by: none` with no addresses; so is every name when the VPC's DNS support is off.
#[utoipa::path(
    get, path = "/v1/vpcs/{vpc_id}/dns", tag = "resolution",
    params(("vpc_id" = crate::schema::VpcId, Path), VpcDnsQuery),
    responses(
        (status = 200, description = "The resolver's answer", body = DnsAnswer),
        (status = 400, description = "`MissingParameter` (no `name`), `InvalidParameterValue` (not a DNS name)", body = Problem, content_type = "application/problem+json"),
        ForAccounts,
        (status = 404, description = "`InvalidVpcID.NotFound` (also for another account's)", body = Problem, content_type = "application/problem+json"),
    ),
)]
async fn vpc_dns(
    cx: Cx,
    ApiPath(vpc_id): ApiPath<String>,
    ApiQuery(q): ApiQuery<VpcDnsQuery>,
) -> ApiResult<Json<DnsAnswer>> {
    Ok(Json(
        rs::vpc_dns(cx.ctx(), &cx.state.snapshots, &vpc_id, &q.name).await?,
    ))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(resolve))
        .routes(routes!(vpc_dns))
}
