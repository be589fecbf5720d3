//! Catalog: regions, zones (as the caller's account names them), prefix lists.

use super::list;
use super::problem::{ApiResult, Problem};
use crate::api::Page;
use crate::api::auth::Cx;
use crate::api::extract::{ApiPath, ApiQuery, list_query};
use crate::api::responses::Unauthenticated;
use crate::schema;
use crate::service::catalog::{
    self as svc, AvailabilityZone, ListServices, PrefixList, Region, ServiceDetail, ServiceType,
};
use crate::state::AppState;
use axum::response::Response;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_regions))
        .routes(routes!(list_availability_zones))
        .routes(routes!(list_prefix_lists))
        .routes(routes!(list_services))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct RegionQuery {
    /// Only this region.
    #[param(value_type = Option<schema::RegionCode>)]
    pub region: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PrefixListQuery {
    /// Only this region's lists; every region's when absent.
    #[param(value_type = Option<schema::RegionCode>)]
    pub region: Option<String>,
    /// Only the list with this id.
    #[param(value_type = Option<schema::PrefixListId>)]
    pub prefix_list_id: Option<String>,
    /// Only the list with this name (`com.amazonaws.us-east-1.s3`).
    pub prefix_list_name: Option<String>,
}

/// List regions with their zones, in the caller's zone names.
#[utoipa::path(
    get, path = "/v1/regions", tag = "catalog",
    params(RegionQuery),
    responses(
        (status = 200, description = "Regions and zones", body = Page<Region>),
        (status = 400, description = "Unknown region", body = Problem, content_type = "application/problem+json"),
        Unauthenticated,
    ),
)]
async fn list_regions(cx: Cx, ApiQuery(q): ApiQuery<RegionQuery>) -> ApiResult<Response> {
    Ok(list(svc::regions(&cx.caller, q.region.as_deref())?, None))
}

/// A region's zones as the caller's account names them. Zone names map to
/// zone ids per account (a stable shuffle), so `us-east-1a` of two accounts
/// may be different zones; zone ids are the same everywhere.
#[utoipa::path(
    get, path = "/v1/regions/{region}/availability-zones", tag = "catalog",
    params(("region" = schema::RegionCode, Path, description = "A region name")),
    responses(
        (status = 200, description = "The zones", body = Page<AvailabilityZone>),
        Unauthenticated,
        (status = 404, description = "`InvalidRegion.NotFound`", body = Problem, content_type = "application/problem+json"),
    ),
)]
async fn list_availability_zones(cx: Cx, ApiPath(region): ApiPath<String>) -> ApiResult<Response> {
    Ok(list(svc::availability_zones(&cx.caller, &region)?, None))
}

/// AWS-managed prefix lists (`com.amazonaws.<region>.s3` and `.dynamodb`)
/// with their published CIDRs.
#[utoipa::path(
    get, path = "/v1/prefix-lists", tag = "catalog",
    params(PrefixListQuery),
    responses(
        (status = 200, description = "Prefix lists", body = Page<PrefixList>),
        (status = 400, description = "Unknown region or malformed id", body = Problem, content_type = "application/problem+json"),
        Unauthenticated,
    ),
)]
async fn list_prefix_lists(_cx: Cx, ApiQuery(q): ApiQuery<PrefixListQuery>) -> ApiResult<Response> {
    if let Some(id) = &q.prefix_list_id {
        svc::check_prefix_list_id("prefix_list_id", id)?;
    }
    let items: Vec<PrefixList> = svc::prefix_lists(q.region.as_deref())?
        .into_iter()
        .filter(|p| {
            q.prefix_list_id
                .as_ref()
                .is_none_or(|id| &p.prefix_list_id == id)
        })
        .filter(|p| {
            q.prefix_list_name
                .as_ref()
                .is_none_or(|n| &p.prefix_list_name == n)
        })
        .collect();
    Ok(list(items, None))
}

list_query! {
    pub struct ServicesQuery {
        /// The region to list (default: the server's default region).
        #[param(value_type = Option<schema::RegionCode>)]
        pub region: Option<String>,
        /// Only this service name.
        pub service_name: Option<String>,
        /// Only this endpoint type.
        pub service_type: Option<ServiceType>,
    }
}

/// Discover services (DescribeVpcEndpointServices): the region's AWS
/// services, each once per endpoint type it offers, then the available
/// endpoint services that allow `*`, the caller's account or the caller's
/// user or role ARN (a service with no allowed principals is invisible, even
/// to its owner), with zones in the caller's zone names.
#[utoipa::path(
    get, path = "/v1/services", tag = "catalog",
    params(ServicesQuery),
    responses(
        (status = 200, description = "Services", body = Page<ServiceDetail>),
        (status = 400, description = "Unknown region, bad filter or token", body = Problem, content_type = "application/problem+json"),
        Unauthenticated,
    ),
)]
async fn list_services(cx: Cx, ApiQuery(q): ApiQuery<ServicesQuery>) -> ApiResult<Response> {
    let query = ListServices {
        region: q
            .region
            .unwrap_or_else(|| cx.state.settings.default_region.clone()),
        service_name: q.service_name,
        service_type: q.service_type.into(),
        max_results: q.max_results,
        next_token: q.next_token,
    };
    let (items, next) =
        crate::service::discovery::discover(&cx.state.store, &cx.caller, query).await?;
    Ok(list(items, next))
}
