//! Who may connect to an endpoint service (`service::producer::principals`).

use crate::api::Page;
use crate::api::auth::Cx;
use crate::api::extract::{ApiJson, ApiPath, ApiQuery, list_query};
use crate::api::list;
use crate::api::problem::{ApiResult, Problem};
use crate::api::responses::{BadListQuery, ForAccounts, ServiceNotFound};
use crate::service::producer::principals::{
    self, AddedPrincipals, AllowedPrincipal, ListPrincipals, PrincipalsRequest,
};
use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

list_query! {
    pub struct ListPrincipalsQuery => ListPrincipals {
        /// `all`, `account`, `user` or `role`.
        #[param(pattern = "^(all|account|user|role)$")]
        pub principal_type: Option<String>,
        /// Only this principal.
        pub principal: Option<String>,
    }
}

/// List who may discover and connect to a service (`DescribeVpcEndpointServicePermissions`).
#[utoipa::path(
    get, path = "/v1/endpoint-services/{service_id}/allowed-principals", tag = "producer",
    params(("service_id" = crate::schema::ServiceId, Path), ListPrincipalsQuery),
    responses(
        (status = 200, description = "A page of principals", body = Page<AllowedPrincipal>),
        BadListQuery,
        ForAccounts,
        ServiceNotFound,
    ),
)]
pub(super) async fn list_allowed_principals(
    cx: Cx,
    ApiPath(service_id): ApiPath<String>,
    ApiQuery(q): ApiQuery<ListPrincipalsQuery>,
) -> ApiResult<Response> {
    let (items, next) = principals::list_principals(cx.ctx(), &service_id, q.into_list()).await?;
    Ok(list(items, next))
}

/// Allow principals (`ModifyVpcEndpointServicePermissions` `AddAllowedPrincipals`): `*`, an account's root, a user or a role. Answers the entries in force; one already allowed is not duplicated.
#[utoipa::path(
    post, path = "/v1/endpoint-services/{service_id}/allowed-principals", tag = "producer",
    request_body = PrincipalsRequest,
    params(("service_id" = crate::schema::ServiceId, Path)),
    responses(
        (status = 200, description = "The entries for the given principals", body = AddedPrincipals),
        (status = 400, description = "`InvalidPrincipal` (not `*` or an IAM root/user/role ARN, or an ARN with a path), `MissingParameter`", body = Problem, content_type = "application/problem+json"),
        ForAccounts,
        ServiceNotFound,
    ),
)]
pub(super) async fn add_allowed_principals(
    cx: Cx,
    ApiPath(service_id): ApiPath<String>,
    ApiJson(req): ApiJson<PrincipalsRequest>,
) -> ApiResult<Response> {
    let v = principals::add_principals(cx.ctx(), &service_id, req).await?;
    Ok(Json(v).into_response())
}

/// Remove principals (`RemoveAllowedPrincipals`); ones not allowed are ignored. Existing connections stay; new ones from them are refused.
#[utoipa::path(
    delete, path = "/v1/endpoint-services/{service_id}/allowed-principals", tag = "producer",
    request_body = PrincipalsRequest,
    params(("service_id" = crate::schema::ServiceId, Path)),
    responses(
        (status = 204, description = "Removed"),
        (status = 400, description = "`InvalidPrincipal`, `MissingParameter`", body = Problem, content_type = "application/problem+json"),
        ForAccounts,
        ServiceNotFound,
    ),
)]
pub(super) async fn remove_allowed_principals(
    cx: Cx,
    ApiPath(service_id): ApiPath<String>,
    ApiJson(req): ApiJson<PrincipalsRequest>,
) -> ApiResult<StatusCode> {
    principals::remove_principals(cx.ctx(), &service_id, req).await?;
    Ok(StatusCode::NO_CONTENT)
}
