//! Security groups and their rules (`service::network::security`).
use crate::api::Page;
use crate::api::auth::Cx;
use crate::api::extract::{ApiJson, ApiPath, ApiQuery, IdempotencyKey, list_query};
use crate::api::problem::{ApiResult, Problem};
use crate::api::responses::{BadListQuery, ForAccounts, SecurityGroupNotFound};
use crate::api::{created_versioned, list, with_etag};
use crate::service::network::security::{
    self, AddRuleRequest, CreateSecurityGroupRequest, ListSecurityGroups, SecurityGroup,
};
use axum::http::StatusCode;
use axum::response::Response;

list_query! {
    pub struct ListSecurityGroupsQuery => ListSecurityGroups with tags {
        /// Only this VPC.
        pub vpc_id: Option<String>,
        /// Only this region.
        pub region: Option<String>,
        /// Only this name.
        pub group_name: Option<String>,
    }
}

/// Create a security group in a VPC; without `egress` it allows all traffic out.
#[utoipa::path(
    post, path = "/v1/security-groups", tag = "network",
    request_body = CreateSecurityGroupRequest,
    params(IdempotencyKey),
    responses(
        (status = 201, description = "The new security group", body = SecurityGroup,
            headers(("Location" = String, description = "/v1/security-groups/{group_id}"), ("ETag" = String))),
        (status = 200, description = "An idempotent replay", body = SecurityGroup),
        (status = 400, description = "Invalid input: `InvalidParameterValue` (reserved or bad name, bad rule), `MissingParameter`, `InvalidParameterCombination`, `InvalidVpcID.NotFound`, `InvalidGroup.NotFound`, `InvalidPrefixListID.NotFound`", body = Problem, content_type = "application/problem+json"),
        ForAccounts,
        (status = 409, description = "`InvalidGroup.Duplicate`, `InvalidPermission.Duplicate`, `IdempotentParameterMismatch`, `IdempotentResourceDeleted` (a replay after the resource was deleted)", body = Problem, content_type = "application/problem+json"),
    ),
)]
pub(super) async fn create_security_group(
    cx: Cx,
    IdempotencyKey(key): IdempotencyKey,
    ApiJson(req): ApiJson<CreateSecurityGroupRequest>,
) -> ApiResult<Response> {
    let out = security::create_security_group(cx.ctx(), req, key).await?;
    Ok(created_versioned(out, |v| {
        format!("/v1/security-groups/{}", v.group_id)
    }))
}

/// List the caller's security groups with their rules.
#[utoipa::path(
    get, path = "/v1/security-groups", tag = "network",
    params(ListSecurityGroupsQuery),
    responses(
        (status = 200, description = "A page of security groups", body = Page<SecurityGroup>),
        BadListQuery,
        ForAccounts,
    ),
)]
pub(super) async fn list_security_groups(
    cx: Cx,
    ApiQuery(q): ApiQuery<ListSecurityGroupsQuery>,
) -> ApiResult<Response> {
    let (items, next) = security::list_security_groups(cx.ctx(), q.into_list()?).await?;
    Ok(list(items, next))
}

/// Get a security group with its ingress and egress rules.
#[utoipa::path(
    get, path = "/v1/security-groups/{group_id}", tag = "network",
    params(("group_id" = crate::schema::SecurityGroupId, Path)),
    responses(
        (status = 200, description = "The security group", body = SecurityGroup, headers(("ETag" = String))),
        ForAccounts,
        (status = 404, description = "`InvalidGroup.NotFound` (also for another account's)", body = Problem, content_type = "application/problem+json"),
    ),
)]
pub(super) async fn get_security_group(
    cx: Cx,
    ApiPath(group_id): ApiPath<String>,
) -> ApiResult<Response> {
    let v = security::get_security_group(cx.ctx(), &group_id).await?;
    Ok(with_etag(v.etag(), &v.value))
}

/// Delete a security group. The VPC's default group cannot be deleted (400 `CannotDelete`).
#[utoipa::path(
    delete, path = "/v1/security-groups/{group_id}", tag = "network",
    params(("group_id" = crate::schema::SecurityGroupId, Path)),
    responses(
        (status = 204, description = "Deleted"),
        (status = 400, description = "`CannotDelete`: the VPC's default group", body = Problem, content_type = "application/problem+json"),
        ForAccounts,
        SecurityGroupNotFound,
        (status = 409, description = "`DependencyViolation`: interfaces use it or other groups' rules reference it", body = Problem, content_type = "application/problem+json"),
    ),
)]
pub(super) async fn delete_security_group(
    cx: Cx,
    ApiPath(group_id): ApiPath<String>,
) -> ApiResult<StatusCode> {
    security::delete_security_group(cx.ctx(), &group_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Add an ingress or egress rule to a security group. Answers the group.
#[utoipa::path(
    post, path = "/v1/security-groups/{group_id}/rules", tag = "network",
    request_body = AddRuleRequest,
    params(
        ("group_id" = crate::schema::SecurityGroupId, Path),
        IdempotencyKey,
    ),
    responses(
        (status = 201, description = "The group with the new rule", body = SecurityGroup,
            headers(("Location" = String, description = "/v1/security-groups/{group_id}"), ("ETag" = String))),
        (status = 200, description = "An idempotent replay", body = SecurityGroup),
        (status = 400, description = "`InvalidParameterValue` (protocol, ports, CIDR, a group of another VPC), `MissingParameter`, `InvalidParameterCombination`, `InvalidGroup.NotFound`, `InvalidPrefixListID.NotFound`", body = Problem, content_type = "application/problem+json"),
        ForAccounts,
        SecurityGroupNotFound,
        (status = 409, description = "`InvalidPermission.Duplicate`, `IdempotentParameterMismatch`", body = Problem, content_type = "application/problem+json"),
    ),
)]
pub(super) async fn add_security_group_rule(
    cx: Cx,
    ApiPath(group_id): ApiPath<String>,
    IdempotencyKey(key): IdempotencyKey,
    ApiJson(req): ApiJson<AddRuleRequest>,
) -> ApiResult<Response> {
    let out = security::add_rule(cx.ctx(), &group_id, req, key).await?;
    Ok(created_versioned(out, |g| {
        format!("/v1/security-groups/{}", g.group_id)
    }))
}

/// Remove a rule from a security group.
#[utoipa::path(
    delete, path = "/v1/security-groups/{group_id}/rules/{security_group_rule_id}", tag = "network",
    params(
        ("group_id" = crate::schema::SecurityGroupId, Path),
        ("security_group_rule_id" = crate::schema::SecurityGroupRuleId, Path),
    ),
    responses(
        (status = 204, description = "Removed"),
        ForAccounts,
        (status = 404, description = "`InvalidGroup.NotFound`, `InvalidSecurityGroupRuleId.NotFound`", body = Problem, content_type = "application/problem+json"),
    ),
)]
pub(super) async fn delete_security_group_rule(
    cx: Cx,
    ApiPath((group_id, rule_id)): ApiPath<(String, String)>,
) -> ApiResult<StatusCode> {
    security::delete_rule(cx.ctx(), &group_id, &rule_id).await?;
    Ok(StatusCode::NO_CONTENT)
}
