//! A request body with a deadline, and the clock that tells the request
//! timeout when the body has arrived.
//!
//! A client that stops sending is told apart from a slow server: the body
//! must arrive within `LINKPLANE_BODY_TIMEOUT_MS` (else 408), and the
//! request timeout (`LINKPLANE_REQUEST_TIMEOUT_MS`, 503) counts from when
//! it has. The body is read where a handler reads it ([`super::ApiJson`],
//! after the caller is authenticated), not before: an unauthenticated
//! request is answered 401 without the server holding its body.

use crate::api::problem::ApiError;
use axum::body::{Body, Bytes, HttpBody};
use axum::http::StatusCode;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use tokio::sync::Notify;
use tokio::time::{Instant, Sleep};

/// When a request's body arrived, shared by the body and the middleware
/// that times the request.
#[derive(Debug, Default)]
pub struct BodyClock {
    done: Mutex<Option<Instant>>,
    notify: Notify,
}

impl BodyClock {
    /// The body is all in (or there is none).
    pub fn finish(&self) {
        let mut done = self.done.lock().unwrap_or_else(|p| p.into_inner());
        if done.is_none() {
            *done = Some(Instant::now());
            // A permit is kept if nobody waits yet: no wake-up is lost.
            self.notify.notify_one();
        }
    }

    /// When the body arrived, if it has.
    pub fn done(&self) -> Option<Instant> {
        *self.done.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Resolves once [`BodyClock::finish`] has been called.
    pub async fn finished(&self) {
        if self.done().is_none() {
            self.notify.notified().await;
        }
    }
}

/// The error a body gives once its deadline has passed.
#[derive(Debug, thiserror::Error)]
#[error("the request body did not arrive in time")]
pub struct BodyTimedOut;

/// A body that fails with [`BodyTimedOut`] when it has not arrived by its
/// deadline, and tells its [`BodyClock`] when it is complete.
pub struct TimedBody {
    inner: Body,
    deadline: Pin<Box<Sleep>>,
    clock: Arc<BodyClock>,
}

impl TimedBody {
    pub fn new(inner: Body, deadline: Instant, clock: Arc<BodyClock>) -> Self {
        if inner.is_end_stream() {
            clock.finish();
        }
        TimedBody {
            inner,
            deadline: Box::pin(tokio::time::sleep_until(deadline)),
            clock,
        }
    }
}

impl HttpBody for TimedBody {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, axum::Error>>> {
        let this = &mut *self;
        match Pin::new(&mut this.inner).poll_frame(cx) {
            Poll::Ready(None) => {
                this.clock.finish();
                Poll::Ready(None)
            }
            Poll::Ready(Some(frame)) => {
                if this.inner.is_end_stream() {
                    this.clock.finish();
                }
                Poll::Ready(Some(frame))
            }
            Poll::Pending => match this.deadline.as_mut().poll(cx) {
                Poll::Ready(()) => Poll::Ready(Some(Err(axum::Error::new(BodyTimedOut)))),
                Poll::Pending => Poll::Pending,
            },
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.inner.size_hint()
    }
}

/// Reads a body whole: 413 past `limit` bytes, 408 when it did not arrive
/// by its deadline, 400 when the client broke it off.
pub async fn read_limited(mut body: Body, limit: usize) -> Result<Vec<u8>, ApiError> {
    let mut buf: Vec<u8> = Vec::new();
    while let Some(frame) = std::future::poll_fn(|cx| Pin::new(&mut body).poll_frame(cx)).await {
        let frame = frame.map_err(|e| {
            let inner = e.into_inner();
            // The body types around ours wrap its error: look down the chain.
            let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(&*inner);
            let mut timed_out = false;
            while let Some(c) = cause {
                timed_out |= c.is::<BodyTimedOut>();
                cause = c.source();
            }
            if timed_out {
                ApiError::transport(
                    StatusCode::REQUEST_TIMEOUT,
                    "the request body did not arrive in time (LINKPLANE_BODY_TIMEOUT_MS)",
                )
            } else {
                ApiError::transport(
                    StatusCode::BAD_REQUEST,
                    format!("the request body could not be read: {inner}"),
                )
            }
        })?;
        if let Ok(data) = frame.into_data() {
            if buf.len() + data.len() > limit {
                return Err(ApiError::PayloadTooLarge(format!(
                    "the request body is larger than {limit} bytes"
                )));
            }
            buf.extend_from_slice(&data);
        }
    }
    Ok(buf)
}
