//! Health, readiness and metrics.

use super::problem::Problem;
use crate::state::AppState;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(healthz))
        .routes(routes!(readyz))
        .routes(routes!(metrics))
        .routes(routes!(moto_reset))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    #[schema(example = "ok")]
    pub status: String,
}

/// The process is alive.
#[utoipa::path(get, path = "/healthz", tag = "system",
    responses((status = 200, description = "Alive", body = Health)))]
async fn healthz() -> Response {
    axum::Json(Health {
        status: "ok".to_string(),
    })
    .into_response()
}

/// The database is reachable and migrated to this binary's schema.
#[utoipa::path(get, path = "/readyz", tag = "system",
    responses(
        (status = 200, description = "Ready", body = Health),
        (status = 503, description = "The database is unreachable or not migrated", body = Problem, content_type = "application/problem+json"),
    ))]
async fn readyz(State(state): State<AppState>) -> Result<Response, super::problem::ApiError> {
    state.store.ready().await?;
    Ok(axum::Json(Health {
        status: "ready".to_string(),
    })
    .into_response())
}

/// Prometheus text format: requests by route and status, latency
/// histograms, database pool use.
#[utoipa::path(get, path = "/metrics", tag = "system",
    responses((status = 200, description = "Prometheus exposition format", body = String, content_type = "text/plain; version=0.0.4")))]
async fn metrics(State(state): State<AppState>) -> Response {
    let body = state.metrics.render(&state.store);
    (
        StatusCode::OK,
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        body,
    )
        .into_response()
}

/// The harness mode's reset (moto's server-mode path, which its test
/// harness calls before each test): with `LINKPLANE_AWS_OPEN_ACCOUNT` set,
/// deletes every resource of that account in one transaction (its VPCs and
/// all in them, gateways, load balancers, target groups, endpoint services,
/// endpoints, notifications and their topics, listeners, public DNS zones, tags, client tokens); the
/// account, its principals and API keys stay. Another account's endpoints
/// connected to its services become `rejected`; peerings with its VPCs are
/// gone from both sides. Takes no credentials, as moto's does: the mode is
/// for a server only its own test suite reaches. Without the mode the path
/// does not exist (404).
#[utoipa::path(post, path = "/moto-api/reset", tag = "system",
    responses(
        (status = 200, description = "The open account's resources are deleted", body = Health),
        (status = 404, description = "The server is not in the harness mode (`LINKPLANE_AWS_OPEN_ACCOUNT` is unset)", body = Problem, content_type = "application/problem+json"),
    ))]
async fn moto_reset(State(state): State<AppState>) -> Result<Response, super::problem::ApiError> {
    let Some(account) = state.settings.aws_open_account.as_deref() else {
        return Err(crate::error::Error::not_found(
            "NotFound",
            "no such path: /moto-api/reset exists only with LINKPLANE_AWS_OPEN_ACCOUNT set",
        )
        .into());
    };
    let rows = crate::service::harness::reset_account(&state.store, account).await?;
    tracing::info!(account, rows, "reset the open account");
    Ok(axum::Json(Health {
        status: "ok".to_string(),
    })
    .into_response())
}
