//! Router assembly, the middleware stack, shared state, and serving.

use crate::config::Settings;
use crate::error::{ApiError, REQUEST_ID};
use crate::extract::MAX_BODY_BYTES;
use crate::metrics::Metrics;
use crate::store::Store;
use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
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
/// `x-request-id`), a tracing span, the body read in whole (408 when it does
/// not arrive in time, 413 past the limit), then the handler under the
/// request timeout (503), metrics, and a problem+json body for any error
/// answer that lacks one.
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
    let body_timeout = state.settings.body_timeout;
    let mut res = REQUEST_ID
        .scope(request_id.clone(), async move {
            let req = match read_body(req, body_timeout).await {
                Ok(req) => req,
                Err(e) => return e.into_response(),
            };
            let res = match tokio::time::timeout(timeout, next.run(req)).await {
                Ok(res) => res,
                Err(_) => ApiError::Unavailable {
                    code: "RequestTimeout".into(),
                    detail: format!(
                        "the request did not complete within {} ms",
                        timeout.as_millis()
                    ),
                }
                .into_response(),
            };
            as_problem(res).await
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

/// Reads the request's body into memory before the handler runs, so that a
/// slow client is told apart from a slow server: a body that has not
/// arrived within `within` answers 408 `RequestTimeout`, one larger than
/// [`MAX_BODY_BYTES`] 413, one the client broke off 400.
async fn read_body(req: Request, within: Duration) -> Result<Request, ApiError> {
    use axum::body::{Body, HttpBody};
    if req.body().size_hint().exact() == Some(0) {
        return Ok(req);
    }
    let (parts, mut body) = req.into_parts();
    let read = async move {
        let mut buf: Vec<u8> = Vec::new();
        while let Some(frame) =
            std::future::poll_fn(|cx| std::pin::Pin::new(&mut body).poll_frame(cx)).await
        {
            let frame = frame.map_err(|e| {
                ApiError::transport(
                    StatusCode::BAD_REQUEST,
                    format!("the request body could not be read: {e}"),
                )
            })?;
            if let Ok(data) = frame.into_data() {
                if buf.len() + data.len() > MAX_BODY_BYTES {
                    return Err(ApiError::PayloadTooLarge(format!(
                        "the request body is larger than {MAX_BODY_BYTES} bytes"
                    )));
                }
                buf.extend_from_slice(&data);
            }
        }
        Ok(buf)
    };
    match tokio::time::timeout(within, read).await {
        Ok(Ok(buf)) => Ok(Request::from_parts(parts, Body::from(buf))),
        Ok(Err(e)) => Err(e),
        Err(_) => Err(ApiError::transport(
            StatusCode::REQUEST_TIMEOUT,
            format!(
                "the request body did not arrive within {} ms",
                within.as_millis()
            ),
        )),
    }
}

/// Every error answer is problem+json: one made elsewhere (an extractor of
/// axum's, a route of the docs UI) is rewritten with its status, an
/// AWS-style code for that status and its text as the detail.
async fn as_problem(res: Response) -> Response {
    let status = res.status();
    let is_problem = res
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/problem+json"));
    if status.as_u16() < 400 || is_problem {
        return res;
    }
    let (parts, body) = res.into_parts();
    let text = axum::body::to_bytes(body, 64 * 1024)
        .await
        .map(|b| String::from_utf8_lossy(&b).trim().to_string())
        .unwrap_or_default();
    let detail = if text.is_empty() {
        status.canonical_reason().unwrap_or("error").to_string()
    } else {
        text
    };
    let mut out = ApiError::transport(status, detail).into_response();
    for (name, value) in parts.headers.iter() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            out.headers_mut().insert(name.clone(), value.clone());
        }
    }
    out
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
    let server = axum::serve(crate::transport::ProblemListener(listener), app)
        .with_graceful_shutdown(async move {
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
