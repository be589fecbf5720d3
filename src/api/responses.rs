//! The problem responses many operations share, declared once and named in
//! `#[utoipa::path(responses(...))]` beside an operation's own (a 404 or
//! 409 naming its resource's codes). Each is `application/problem+json`
//! with a [`Problem`] body; a set lists its statuses in the order the
//! document gives them. The 413 of a body that is too large is added to
//! every operation with a body by `api::document_too_large`, the 400 of a
//! bad path parameter by `api::document_bad_path`, and the bearer
//! requirement (whose 401 is here) by `api::document_bearer`.

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

/// Declares response sets of one problem response each: `Name = status,
/// "description";`, the description naming the codes it answers.
macro_rules! problem_responses {
    ($($(#[$doc:meta])* $name:ident = $status:tt, $description:tt;)*) => {
        $(
            $(#[$doc])*
            #[derive(IntoResponses)]
            pub enum $name {
                #[response(status = $status, description = $description, content_type = PROBLEM)]
                Problem(Problem),
            }
        )*
    };
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

problem_responses! {
    /// 401 for an operation any caller with credentials may call.
    Unauthenticated = 401, "No valid credentials";

    /// 400 of a list's query: a filter, `max_results` or `next_token`.
    BadListQuery = 400,
        "Invalid filter, `max_results` or `next_token` (`InvalidNextToken`)";

    /// 409 of a create whose `Idempotency-Key` was used before.
    IdempotencyConflict = 409,
        "`IdempotentParameterMismatch`, `IdempotentResourceDeleted` (a replay after the resource was deleted)";

    /// 412 of an update whose `If-Match` names another version.
    PreconditionFailed = 412, "`PreconditionFailed`: If-Match did not match";
}

// The 404 of the operations on a resource other than its get (whose 404
// also says that another account's answers the same), each shared by the
// operations under its path.
problem_responses! {
    /// 404 of an operation under `/v1/accounts/{account_id}`.
    AccountNotFound = 404, "`InvalidAccountID.NotFound`";
    /// 404 of an operation under `/v1/vpcs/{vpc_id}`.
    VpcNotFound = 404, "`InvalidVpcID.NotFound`";
    /// 404 of an operation under `/v1/route-tables/{route_table_id}`.
    RouteTableNotFound = 404, "`InvalidRouteTableID.NotFound`";
    /// 404 of an operation under `/v1/security-groups/{group_id}`.
    SecurityGroupNotFound = 404, "`InvalidGroup.NotFound`";
    /// 404 of an operation under `/v1/internet-gateways/{internet_gateway_id}`.
    InternetGatewayNotFound = 404, "`InvalidInternetGatewayID.NotFound`";
    /// 404 of an operation under `/v1/vpc-peering-connections/{vpc_peering_connection_id}`.
    PeeringNotFound = 404, "`InvalidVpcPeeringConnectionID.NotFound`";
    /// 404 of an operation under `/v1/transit-gateways/{transit_gateway_id}`.
    TransitGatewayNotFound = 404, "`InvalidTransitGatewayID.NotFound`";
    /// 404 of an operation under `/v1/load-balancers/{load_balancer_arn}`.
    LoadBalancerNotFound = 404, "`LoadBalancerNotFound`";
    /// 404 of an operation under `/v1/listeners/{listener_arn}`.
    ListenerNotFound = 404, "`ListenerNotFound`";
    /// 404 of an operation under `/v1/target-groups/{target_group_arn}`.
    TargetGroupNotFound = 404, "`TargetGroupNotFound`";
    /// 404 of an operation under `/v1/endpoint-services/{service_id}`.
    ServiceNotFound = 404, "`InvalidVpcEndpointServiceId.NotFound`";
    /// 404 of an operation under `/v1/vpc-endpoints/{vpc_endpoint_id}`.
    VpcEndpointNotFound = 404, "`InvalidVpcEndpointId.NotFound`";
}
