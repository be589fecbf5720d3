//! Router assembly, the middleware stack, shared state, and serving.

use crate::config::Settings;
use crate::error::{ApiError, REQUEST_ID};
use crate::metrics::Metrics;
use crate::store::Store;
use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, Method};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use std::ops::Deref;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::net::TcpListener;
use tracing::Instrument;
use utoipa_swagger_ui::SwaggerUi;

/// What every handler can reach. Cheap to clone.
#[derive(Clone)]
pub struct AppState(Arc<AppInner>);

pub struct AppInner {
    pub store: Store,
    pub settings: Settings,
    /// SHA-256 of the admin secret.
    pub admin_sha256: [u8; 32],
    pub metrics: Metrics,
    /// The route resolver's network snapshot, rebuilt when the network changes.
    pub snapshots: crate::service::resolve::SnapshotCache,
}

impl AppState {
    pub fn new(store: Store, settings: Settings, admin_sha256: [u8; 32]) -> Self {
        AppState(Arc::new(AppInner {
            store,
            settings,
            admin_sha256,
            metrics: Metrics::default(),
            snapshots: Default::default(),
        }))
    }
}

impl Deref for AppState {
    type Target = AppInner;
    fn deref(&self) -> &AppInner {
        &self.0
    }
}

/// The whole application: documented routes, `/openapi.json`, `/docs`,
/// problem+json fallbacks, and the middleware stack.
pub fn router(state: AppState) -> Router {
    let (api, openapi) = crate::api::routes().split_for_parts();
    api.merge(SwaggerUi::new("/docs").url("/openapi.json", openapi))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(|_panic| {
            ApiError::Internal("a handler panicked".to_string()).into_response()
        }))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            request_context,
        ))
        .with_state(state)
}

async fn not_found() -> ApiError {
    ApiError::not_found(
        "NotFound",
        "no such path; see /openapi.json or /docs for the API",
    )
}

async fn method_not_allowed() -> ApiError {
    ApiError::MethodNotAllowed
}

/// A client's `x-request-id` is kept when it is 1..=128 visible ASCII
/// characters; otherwise a new one (UUID v4) is made.
fn request_id_of(req: &Request) -> String {
    req.headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|s| !s.is_empty() && s.len() <= 128 && s.bytes().all(|b| b.is_ascii_graphic()))
        .map(str::to_string)
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string())
}

/// Per request: the request id (task-local for error bodies, and echoed in
/// `x-request-id`), a tracing span, the request timeout (503), and metrics.
async fn request_context(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let start = Instant::now();
    let request_id = request_id_of(&req);
    let method = req.method().clone();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "unmatched".to_string());
    let span =
        tracing::info_span!("request", request_id = %request_id, method = %method, route = %route);
    let timeout = state.settings.request_timeout;
    let mut res = REQUEST_ID
        .scope(request_id.clone(), async move {
            match tokio::time::timeout(timeout, next.run(req)).await {
                Ok(res) => res,
                Err(_) => ApiError::Unavailable {
                    code: "RequestTimeout".into(),
                    detail: format!(
                        "the request did not complete within {} ms",
                        timeout.as_millis()
                    ),
                }
                .into_response(),
            }
        })
        .instrument(span.clone())
        .await;
    if let Ok(v) = HeaderValue::from_str(&request_id) {
        res.headers_mut().insert("x-request-id", v);
    }
    let elapsed = start.elapsed();
    let status = res.status().as_u16();
    state
        .metrics
        .record(method.as_str(), &route, status, elapsed);
    span.in_scope(|| {
        if method != Method::GET || status >= 400 {
            tracing::info!(status, latency_ms = elapsed.as_secs_f64() * 1e3, "request");
        } else {
            tracing::debug!(status, latency_ms = elapsed.as_secs_f64() * 1e3, "request");
        }
    });
    res
}

/// Serves until `shutdown` resolves, then lets requests in flight finish
/// (up to `grace`).
pub async fn serve(
    listener: TcpListener,
    app: Router,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    grace: Duration,
) -> std::io::Result<()> {
    let (tx, rx) = tokio::sync::watch::channel(false);
    let server = axum::serve(listener, app).with_graceful_shutdown(async move {
        shutdown.await;
        let _ = tx.send(true);
    });
    let mut rx2 = rx.clone();
    tokio::select! {
        r = server => r,
        _ = async move {
            let _ = rx2.wait_for(|v| *v).await;
            tokio::time::sleep(grace).await;
        } => {
            tracing::warn!("shutdown grace period over; closing connections still open");
            Ok(())
        }
    }
}

/// Resolves on SIGTERM or Ctrl-C.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutdown signal received; finishing requests in flight");
}
