//! Identity: accounts, principals, API keys, whoami.

use super::problem::{ApiResult, Problem};
use super::{created, created_versioned, encode_segment, list, with_etag};
use crate::api::Page;
use crate::api::auth::Cx;
use crate::api::extract::{ApiJson, ApiPath, ApiQuery, IdempotencyKey, IfMatch, list_query};
use crate::api::responses::{AccountNotFound, BadListQuery, PreconditionFailed, Unauthenticated};
use crate::service::identity::{
    self as svc, Account, ApiKey, ApiKeyWithSecret, CreateAccountRequest, CreateApiKeyRequest,
    CreatePrincipalRequest, ListAccounts, Principal, PrincipalKind, UpdateAccountRequest, WhoAmI,
};
use crate::state::AppState;
use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_account, list_accounts))
        .routes(routes!(get_account, update_account))
        .routes(routes!(create_principal, list_principals))
        .routes(routes!(create_api_key, list_api_keys))
        .routes(routes!(revoke_api_key))
        .routes(routes!(whoami))
}

list_query! {
    pub struct ListAccountsQuery => ListAccounts with tags {
        /// Only accounts with this exact name.
        pub name: Option<String>,
    }
}

list_query! {
    pub struct ListPrincipalsQuery {
        pub principal_type: Option<PrincipalKind>,
    }
}

list_query! {
    pub struct ListApiKeysQuery {
        /// Admin only: the keys of one account.
        pub account_id: Option<String>,
    }
}

/// Create an account (admin only). Its root principal is created with it.
#[utoipa::path(
    post, path = "/v1/accounts", tag = "identity",
    request_body = CreateAccountRequest,
    params(IdempotencyKey),
    responses(
        (status = 201, description = "The new account", body = Account,
            headers(("Location" = String, description = "/v1/accounts/{account_id}"), ("ETag" = String))),
        (status = 200, description = "An idempotent replay: the account an earlier request with this key made", body = Account),
        (status = 400, description = "Invalid input", body = Problem, content_type = "application/problem+json"),
        Unauthenticated,
        (status = 403, description = "The caller is not the admin", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`AccountAlreadyExists` or `IdempotentParameterMismatch`", body = Problem, content_type = "application/problem+json"),
    ),
)]
async fn create_account(
    cx: Cx,
    IdempotencyKey(key): IdempotencyKey,
    ApiJson(req): ApiJson<CreateAccountRequest>,
) -> ApiResult<Response> {
    let out = svc::create_account(&cx.state.store, &cx.caller, req, key).await?;
    Ok(created_versioned(out, |a| {
        format!("/v1/accounts/{}", a.account_id)
    }))
}

/// List accounts: every account for the admin, the caller's own otherwise.
#[utoipa::path(
    get, path = "/v1/accounts", tag = "identity",
    params(ListAccountsQuery),
    responses(
        (status = 200, description = "A page of accounts", body = Page<Account>),
        BadListQuery,
        Unauthenticated,
    ),
)]
async fn list_accounts(cx: Cx, ApiQuery(q): ApiQuery<ListAccountsQuery>) -> ApiResult<Response> {
    let (items, next) = svc::list_accounts(&cx.state.store, &cx.caller, q.into_list()?).await?;
    Ok(list(items, next))
}

/// Get an account: the admin, or a principal of the account.
#[utoipa::path(
    get, path = "/v1/accounts/{account_id}", tag = "identity",
    params(("account_id" = crate::schema::AccountId, Path, description = "12-digit account id")),
    responses(
        (status = 200, description = "The account", body = Account, headers(("ETag" = String))),
        Unauthenticated,
        (status = 404, description = "`InvalidAccountID.NotFound` (also for another account's id)", body = Problem, content_type = "application/problem+json"),
    ),
)]
async fn get_account(cx: Cx, ApiPath(account_id): ApiPath<String>) -> ApiResult<Response> {
    let acct = svc::get_account(&cx.state.store, &cx.caller, &account_id).await?;
    Ok(with_etag(acct.etag(), &acct.value))
}

/// Rename or retag an account (admin or the account's root); `If-Match` makes it conditional.
#[utoipa::path(
    patch, path = "/v1/accounts/{account_id}", tag = "identity",
    request_body = UpdateAccountRequest,
    params(
        ("account_id" = crate::schema::AccountId, Path, description = "12-digit account id"),
        IfMatch,
    ),
    responses(
        (status = 200, description = "The updated account", body = Account, headers(("ETag" = String))),
        (status = 400, description = "Invalid input", body = Problem, content_type = "application/problem+json"),
        Unauthenticated,
        (status = 403, description = "A user or role of the account", body = Problem, content_type = "application/problem+json"),
        AccountNotFound,
        PreconditionFailed,
    ),
)]
async fn update_account(
    cx: Cx,
    ApiPath(account_id): ApiPath<String>,
    IfMatch(precondition): IfMatch,
    ApiJson(req): ApiJson<UpdateAccountRequest>,
) -> ApiResult<Response> {
    let acct =
        svc::update_account(&cx.state.store, &cx.caller, &account_id, req, &precondition).await?;
    Ok(with_etag(acct.etag(), &acct.value))
}

/// Create a user or role in an account (admin or the account's root).
#[utoipa::path(
    post, path = "/v1/accounts/{account_id}/principals", tag = "identity",
    request_body = CreatePrincipalRequest,
    params(
        ("account_id" = crate::schema::AccountId, Path, description = "12-digit account id"),
        IdempotencyKey,
    ),
    responses(
        (status = 201, description = "The new principal", body = Principal, headers(("Location" = String))),
        (status = 200, description = "An idempotent replay", body = Principal),
        (status = 400, description = "`InvalidParameterValue`: an invalid type, name (no `/`: an IAM name) or path (`/` or `/.../`)", body = Problem, content_type = "application/problem+json"),
        Unauthenticated,
        (status = 403, description = "A user or role of the account", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`InvalidAccountID.NotFound`; `InvalidPrincipal.NotFound` for a replay whose principal no longer exists", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`EntityAlreadyExists` or `IdempotentParameterMismatch`", body = Problem, content_type = "application/problem+json"),
    ),
)]
async fn create_principal(
    cx: Cx,
    ApiPath(account_id): ApiPath<String>,
    IdempotencyKey(key): IdempotencyKey,
    ApiJson(req): ApiJson<CreatePrincipalRequest>,
) -> ApiResult<Response> {
    let out = svc::create_principal(&cx.state.store, &cx.caller, &account_id, req, key).await?;
    Ok(created(out, |p| {
        format!(
            "/v1/accounts/{account_id}/principals?principal_arn={}",
            encode_segment(&p.arn)
        )
    }))
}

/// List an account's principals (any principal of the account, or the admin).
#[utoipa::path(
    get, path = "/v1/accounts/{account_id}/principals", tag = "identity",
    params(("account_id" = crate::schema::AccountId, Path, description = "12-digit account id"), ListPrincipalsQuery),
    responses(
        (status = 200, description = "A page of principals", body = Page<Principal>),
        BadListQuery,
        Unauthenticated,
        AccountNotFound,
    ),
)]
async fn list_principals(
    cx: Cx,
    ApiPath(account_id): ApiPath<String>,
    ApiQuery(q): ApiQuery<ListPrincipalsQuery>,
) -> ApiResult<Response> {
    let (items, next) = svc::list_principals(
        &cx.state.store,
        &cx.caller,
        &account_id,
        q.principal_type,
        q.max_results,
        q.next_token.as_deref(),
    )
    .await?;
    Ok(list(items, next))
}

/// Create an API key for a principal. The secret is in this answer only.
#[utoipa::path(
    post, path = "/v1/api-keys", tag = "identity",
    request_body = CreateApiKeyRequest,
    params(IdempotencyKey),
    responses(
        (status = 201, description = "The new key with its secret", body = ApiKeyWithSecret, headers(("Location" = String))),
        (status = 200, description = "An idempotent replay (no secret)", body = ApiKeyWithSecret),
        (status = 400, description = "Malformed ARN, or `InvalidPrincipal.NotFound`", body = Problem, content_type = "application/problem+json"),
        Unauthenticated,
        (status = 403, description = "Not the admin nor the root of the principal's account", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`IdempotentParameterMismatch`", body = Problem, content_type = "application/problem+json"),
    ),
)]
async fn create_api_key(
    cx: Cx,
    IdempotencyKey(key): IdempotencyKey,
    ApiJson(req): ApiJson<CreateApiKeyRequest>,
) -> ApiResult<Response> {
    let out = svc::create_api_key(&cx.state.store, &cx.caller, req, key).await?;
    Ok(created(out, |k| format!("/v1/api-keys/{}", k.key_id)))
}

/// List active API keys: all (admin), the account's (root), or the caller's own.
#[utoipa::path(
    get, path = "/v1/api-keys", tag = "identity",
    params(ListApiKeysQuery),
    responses(
        (status = 200, description = "A page of keys", body = Page<ApiKey>),
        BadListQuery,
        Unauthenticated,
    ),
)]
async fn list_api_keys(cx: Cx, ApiQuery(q): ApiQuery<ListApiKeysQuery>) -> ApiResult<Response> {
    let (items, next) = svc::list_api_keys(
        &cx.state.store,
        &cx.caller,
        q.account_id,
        q.max_results,
        q.next_token.as_deref(),
    )
    .await?;
    Ok(list(items, next))
}

/// Revoke an API key. It fails on its next request, on every replica.
#[utoipa::path(
    delete, path = "/v1/api-keys/{key_id}", tag = "identity",
    params(("key_id" = String, Path, description = "The key id (`LPAK...`)")),
    responses(
        (status = 204, description = "Revoked"),
        Unauthenticated,
        (status = 403, description = "A user or role revoking another principal's key", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`InvalidApiKeyID.NotFound` (also when already revoked, or of another account)", body = Problem, content_type = "application/problem+json"),
    ),
)]
async fn revoke_api_key(cx: Cx, ApiPath(key_id): ApiPath<String>) -> ApiResult<StatusCode> {
    svc::revoke_api_key(&cx.state.store, &cx.caller, &key_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Who the bearer secret belongs to.
#[utoipa::path(
    get, path = "/v1/whoami", tag = "identity",
    responses(
        (status = 200, description = "The caller", body = WhoAmI),
        Unauthenticated,
    ),
)]
async fn whoami(cx: Cx) -> Response {
    Json(svc::whoami(&cx.caller)).into_response()
}
