//! Router assembly, the middleware stack, and serving. The shared state
//! is [`crate::state::AppState`].

use crate::api::extract::body::{BodyClock, TimedBody};
use crate::api::problem::{ApiError, REQUEST_ID};
use crate::error::Error;
use crate::state::AppState;
use axum::Router;
use axum::body::Body;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, Method, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::net::TcpListener;
use tracing::Instrument;
use utoipa_swagger_ui::SwaggerUi;

/// The whole application: documented routes, `/openapi.json`, `/docs`,
/// problem+json fallbacks, and the middleware stack.
pub fn router(state: AppState) -> Router {
    let (api, openapi) = crate::api::routes().split_for_parts();
    api.merge(SwaggerUi::new("/docs").url("/openapi.json", openapi))
        .route("/", axum::routing::any(root))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(|_panic| {
            ApiError::from(Error::internal("a handler panicked")).into_response()
        }))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            request_context,
        ))
        .with_state(state)
}

/// `/`: the AWS front's requests (`POST /` with a form body, `GET
/// /?Action=...`, see [`crate::aws::is_aws_request`]); anything else there
/// answers the REST front's 404, as every unknown path does.
async fn root(State(state): State<AppState>, req: Request) -> Response {
    if crate::aws::is_aws_request(&req) {
        crate::aws::handle(state, req).await
    } else {
        not_found().await.into_response()
    }
}

async fn not_found() -> ApiError {
    Error::not_found(
        "NotFound",
        "no such path; see /openapi.json or /docs for the API",
    )
    .into()
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
/// `x-request-id`), a tracing span, the body's deadline (408 when it has not
/// arrived in time, see [`crate::api::extract::body`]), the request timeout (503)
/// counted from when the body has arrived, metrics, and a problem+json body
/// for any error answer that lacks one.
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
    let body_deadline = tokio::time::Instant::now() + state.settings.body_timeout;
    let aws = crate::aws::front_of(&req);
    let clock = Arc::new(BodyClock::default());
    let req = req.map(|b| Body::new(TimedBody::new(b, body_deadline, clock.clone())));
    let mut res = REQUEST_ID
        .scope(request_id.clone(), async move {
            let run = next.run(req);
            tokio::pin!(run);
            // The handler's time starts when its body is in (at the latest
            // at the body's deadline, if it never reads it).
            let res = loop {
                let from = clock.done().unwrap_or(body_deadline);
                tokio::select! {
                    res = &mut run => break res,
                    _ = tokio::time::sleep_until(from + timeout) => {
                        let from = clock.done().unwrap_or(body_deadline);
                        if from + timeout <= tokio::time::Instant::now() {
                            let e = Error::unavailable(
                                "RequestTimeout",
                                format!(
                                    "the request did not complete within {} ms",
                                    timeout.as_millis()
                                ),
                            );
                            break match aws {
                                Some(service) => crate::aws::timeout_response(service, &e),
                                None => ApiError::from(e).into_response(),
                            };
                        }
                    }
                    _ = clock.finished(), if clock.done().is_none() => {}
                }
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

/// Every error answer is problem+json (but the AWS front's, which are in
/// AWS's XML shapes): one made elsewhere (an extractor of
/// axum's, a route of the docs UI) is rewritten with its status, an
/// AWS-style code for that status and its text as the detail.
async fn as_problem(res: Response) -> Response {
    let status = res.status();
    let is_problem = res.headers().get(header::CONTENT_TYPE).is_some_and(|v| {
        v.as_bytes().starts_with(b"application/problem+json")
            || v.as_bytes()
                .starts_with(crate::aws::error::CONTENT_TYPE.as_bytes())
    });
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
