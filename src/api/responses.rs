//! The problem responses many operations share, declared once and named in
//! `#[utoipa::path(responses(...))]` beside an operation's own (a 404 or
//! 409 naming its resource's codes). Each is `application/problem+json`
//! with a [`Problem`] body; a set lists its statuses in the order the
//! document gives them. The 413 of a body that is too large is added to
//! every operation with a body by `api::document_too_large`, and the 400 of
//! a bad path parameter by `api::document_bad_path`.

use super::problem::Problem;
use utoipa::IntoResponses;
use utoipa::openapi::{ContentBuilder, Ref, RefOr, Response, ResponseBuilder};

const PROBLEM: &str = "application/problem+json";

/// A problem response built in code, for the responses the document adds
/// to every operation of a kind (`api::document_too_large`, ...).
pub fn problem(description: &str) -> RefOr<Response> {
    ResponseBuilder::new()
        .description(description)
        .content(
            PROBLEM,
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("Problem")))
                .build(),
        )
        .build()
        .into()
}

/// 401 for an operation any caller with credentials may call.
#[derive(IntoResponses)]
pub enum Unauthenticated {
    #[response(status = 401, description = "No valid credentials", content_type = PROBLEM)]
    Unauthorized(Problem),
}

/// 401, and 403 for the admin: network resources belong to an account.
#[derive(IntoResponses)]
pub enum ForAccounts {
    #[response(status = 401, description = "No valid credentials", content_type = PROBLEM)]
    Unauthorized(Problem),
    #[response(
        status = 403,
        description = "The admin (network resources belong to an account)",
        content_type = PROBLEM
    )]
    Forbidden(Problem),
}

/// 401, and 403 for the admin (an operation of an account's producer or
/// consumer).
#[derive(IntoResponses)]
pub enum NotAdmin {
    #[response(status = 401, description = "No valid credentials", content_type = PROBLEM)]
    Unauthorized(Problem),
    #[response(status = 403, description = "The admin", content_type = PROBLEM)]
    Forbidden(Problem),
}

/// 400 of a list's query: a filter, `max_results` or `next_token`.
#[derive(IntoResponses)]
pub enum BadListQuery {
    #[response(
        status = 400,
        description = "Invalid filter, `max_results` or `next_token` (`InvalidNextToken`)",
        content_type = PROBLEM
    )]
    BadRequest(Problem),
}

/// 404 of an operation under `/v1/endpoint-services/{service_id}`.
#[derive(IntoResponses)]
pub enum ServiceNotFound {
    #[response(
        status = 404,
        description = "`InvalidVpcEndpointServiceId.NotFound`",
        content_type = PROBLEM
    )]
    NotFound(Problem),
}

/// 409 of a create whose `Idempotency-Key` was used before.
#[derive(IntoResponses)]
pub enum IdempotencyConflict {
    #[response(
        status = 409,
        description = "`IdempotentParameterMismatch`, `IdempotentResourceDeleted` (a replay after the resource was deleted)",
        content_type = PROBLEM
    )]
    Conflict(Problem),
}

/// 412 of an update whose `If-Match` names another version.
#[derive(IntoResponses)]
pub enum PreconditionFailed {
    #[response(
        status = 412,
        description = "`PreconditionFailed`: If-Match did not match",
        content_type = PROBLEM
    )]
    PreconditionFailed(Problem),
}
