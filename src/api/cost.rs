//! Monthly cost of endpoints beside the NAT-gateway alternative: the HTTP
//! glue of [`crate::service::cost`].

use super::problem::{ApiResult, Problem};
use crate::api::auth::Cx;
use crate::api::extract::{ApiJson, ApiPath, ApiQuery};
use crate::api::responses::{ForAccounts, Unauthenticated};
use crate::service::cost::{self as svc, CostEstimate, CostEstimateRequest};
use crate::state::AppState;
use axum::Json;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Estimate the monthly cost of endpoints (interface endpoints per zone-hour plus tiered per-GB processing; gateway endpoints free) beside the NAT-gateway alternative carrying the same traffic, from the price table in the binary (`prices_as_of` dates it).
#[utoipa::path(
    post, path = "/v1/cost/estimate", tag = "cost",
    request_body = CostEstimateRequest,
    responses(
        (status = 200, description = "The estimate", body = CostEstimate),
        (status = 400, description = "`InvalidParameterValue` naming the field: an unknown Region, no items or more than 100, a count outside 1..1000, zones outside 1..the Region's zones, a negative or absurd GB figure", body = Problem, content_type = "application/problem+json"),
        Unauthenticated,
    ),
)]
async fn estimate(
    cx: Cx,
    ApiJson(req): ApiJson<CostEstimateRequest>,
) -> ApiResult<Json<CostEstimate>> {
    Ok(Json(svc::estimate(req, &cx.state.settings.default_region)?))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct EndpointCostQuery {
    /// GB the endpoint processes a month (default 0).
    #[param(example = 500.0, minimum = 0.0, maximum = 1.0e12)]
    #[serde(default, deserialize_with = "crate::api::extract::query_value")]
    pub gb_per_month: Option<f64>,
}

/// The monthly cost of one of the caller's VPC endpoints, in its zones (an interface endpoint is billed per zone it has a subnet in) with `gb_per_month` of traffic, beside one NAT gateway carrying the same traffic.
#[utoipa::path(
    get, path = "/v1/vpc-endpoints/{vpc_endpoint_id}/cost", tag = "cost",
    params(("vpc_endpoint_id" = crate::schema::VpcEndpointId, Path), EndpointCostQuery),
    responses(
        (status = 200, description = "The estimate", body = CostEstimate),
        (status = 400, description = "`InvalidParameterValue` (a negative or absurd `gb_per_month`)", body = Problem, content_type = "application/problem+json"),
        ForAccounts,
        (status = 404, description = "`InvalidVpcEndpointId.NotFound` (also for another account's)", body = Problem, content_type = "application/problem+json"),
    ),
)]
async fn endpoint_cost(
    cx: Cx,
    ApiPath(vpc_endpoint_id): ApiPath<String>,
    ApiQuery(q): ApiQuery<EndpointCostQuery>,
) -> ApiResult<Json<CostEstimate>> {
    let estimate = svc::endpoint_cost(cx.ctx(), &vpc_endpoint_id, q.gb_per_month).await?;
    Ok(Json(estimate))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(estimate))
        .routes(routes!(endpoint_cost))
}
