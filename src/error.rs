//! One API error type, rendered as `application/problem+json` (RFC 9457)
//! with the AWS-style `code` and the request id.

use crate::store::StoreError;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use linkplane_core::CoreError;
use linkplane_core::error::ErrorKind;
use serde::Serialize;
use std::borrow::Cow;
use utoipa::ToSchema;

tokio::task_local! {
    /// The id of the request being served, set by the request-context middleware.
    pub static REQUEST_ID: String;
}

/// The current request's id, or an empty string outside a request.
pub fn current_request_id() -> String {
    REQUEST_ID.try_with(|id| id.clone()).unwrap_or_default()
}

type Code = Cow<'static, str>;

/// Everything a handler can answer besides success.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 400: the input is invalid (including an id in the body that does not exist).
    #[error("{code}: {detail}")]
    Validation { code: Code, detail: String },
    /// 401: no valid credentials.
    #[error("AuthFailure: {0}")]
    Unauthenticated(String),
    /// 403: the principal may not do this.
    #[error("UnauthorizedOperation: {0}")]
    Forbidden(String),
    /// 404: the resource in the path does not exist (or belongs to another account).
    #[error("{code}: {detail}")]
    NotFound { code: Code, detail: String },
    /// 405: the path exists, the method does not.
    #[error("method not allowed")]
    MethodNotAllowed,
    /// 409: the request clashes with existing state.
    #[error("{code}: {detail}")]
    Conflict { code: Code, detail: String },
    /// 412: `If-Match` did not match the current `ETag`.
    #[error("PreconditionFailed: {0}")]
    PreconditionFailed(String),
    /// 413: the body is larger than the limit.
    #[error("RequestEntityTooLarge: {0}")]
    PayloadTooLarge(String),
    /// 503: the database is unavailable, or the request ran out of time.
    #[error("{code}: {detail}")]
    Unavailable { code: Code, detail: String },
    /// 503: the database aborted the transaction to break a deadlock with a
    /// concurrent one. Domain operations run their transaction again
    /// (`service::retry_tx`); a client sees this only when every attempt
    /// lost.
    #[error("ServiceUnavailable: {0}")]
    Contention(String),
    /// An answer about the HTTP exchange itself rather than the operation:
    /// 408 (the body did not arrive in time), 414, 431, 400 for a request
    /// that is not valid HTTP, and whatever else the transport refuses.
    #[error("{code}: {detail}")]
    Transport {
        status: StatusCode,
        code: Code,
        detail: String,
    },
    /// 500: a bug or an unexpected failure; the detail is logged, not sent.
    #[error("InternalError: {0}")]
    Internal(String),
}

/// The problem+json body of every error response.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// A URI naming the kind of problem (`urn:linkplane:error:<code>`).
    #[schema(example = "urn:linkplane:error:InvalidParameterValue")]
    pub r#type: String,
    /// The HTTP reason phrase.
    #[schema(example = "Bad Request")]
    pub title: String,
    #[schema(example = 400)]
    pub status: u16,
    /// What went wrong, naming the field or resource at fault.
    #[schema(example = "name: invalid type: integer `1`, expected a string")]
    pub detail: String,
    /// The AWS-style error code.
    #[schema(example = "InvalidParameterValue")]
    pub code: String,
    /// The `x-request-id` of the request.
    pub request_id: String,
}

impl ApiError {
    pub fn validation(code: impl Into<Code>, detail: impl Into<String>) -> Self {
        ApiError::Validation {
            code: code.into(),
            detail: detail.into(),
        }
    }

    pub fn invalid_value(detail: impl Into<String>) -> Self {
        ApiError::validation("InvalidParameterValue", detail)
    }

    pub fn missing(detail: impl Into<String>) -> Self {
        ApiError::validation("MissingParameter", detail)
    }

    pub fn not_found(code: impl Into<Code>, detail: impl Into<String>) -> Self {
        ApiError::NotFound {
            code: code.into(),
            detail: detail.into(),
        }
    }

    pub fn conflict(code: impl Into<Code>, detail: impl Into<String>) -> Self {
        ApiError::Conflict {
            code: code.into(),
            detail: detail.into(),
        }
    }

    pub fn forbidden(detail: impl Into<String>) -> Self {
        ApiError::Forbidden(detail.into())
    }

    /// An answer with `status` for a failure of the exchange itself, with
    /// the AWS-style code that status stands for.
    pub fn transport(status: StatusCode, detail: impl Into<String>) -> Self {
        let code = match status.as_u16() {
            400 => "MalformedRequest",
            404 => "NotFound",
            405 => "UnsupportedOperation",
            408 => "RequestTimeout",
            413 => "RequestEntityTooLarge",
            414 => "RequestURITooLong",
            415 => "UnsupportedMediaType",
            431 => "RequestHeaderFieldsTooLarge",
            503 => "ServiceUnavailable",
            s if s >= 500 => "InternalError",
            _ => "InvalidRequest",
        };
        ApiError::Transport {
            status,
            code: code.into(),
            detail: detail.into(),
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::Validation { .. } => StatusCode::BAD_REQUEST,
            ApiError::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound { .. } => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Conflict { .. } => StatusCode::CONFLICT,
            ApiError::PreconditionFailed(_) => StatusCode::PRECONDITION_FAILED,
            ApiError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::Unavailable { .. } | ApiError::Contention(_) => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            ApiError::Transport { status, .. } => *status,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn code(&self) -> &str {
        match self {
            ApiError::Validation { code, .. }
            | ApiError::NotFound { code, .. }
            | ApiError::Conflict { code, .. }
            | ApiError::Unavailable { code, .. }
            | ApiError::Transport { code, .. } => code,
            ApiError::Unauthenticated(_) => "AuthFailure",
            ApiError::Forbidden(_) => "UnauthorizedOperation",
            ApiError::MethodNotAllowed => "UnsupportedOperation",
            ApiError::Contention(_) => "ServiceUnavailable",
            ApiError::PreconditionFailed(_) => "PreconditionFailed",
            ApiError::PayloadTooLarge(_) => "RequestEntityTooLarge",
            ApiError::Internal(_) => "InternalError",
        }
    }

    fn detail(&self) -> String {
        match self {
            ApiError::Validation { detail, .. }
            | ApiError::NotFound { detail, .. }
            | ApiError::Conflict { detail, .. }
            | ApiError::Unavailable { detail, .. }
            | ApiError::Transport { detail, .. } => detail.clone(),
            ApiError::Unauthenticated(d)
            | ApiError::Forbidden(d)
            | ApiError::PreconditionFailed(d)
            | ApiError::PayloadTooLarge(d) => d.clone(),
            ApiError::MethodNotAllowed => "this path does not support that method".to_string(),
            ApiError::Contention(_) => {
                "concurrent changes kept conflicting with this one; retry it".to_string()
            }
            ApiError::Internal(_) => {
                "an internal error occurred; the request id identifies it in the server log"
                    .to_string()
            }
        }
    }

    pub fn problem(&self) -> Problem {
        let status = self.status();
        Problem {
            r#type: format!("urn:linkplane:error:{}", self.code()),
            title: status.canonical_reason().unwrap_or("Error").to_string(),
            status: status.as_u16(),
            detail: self.detail(),
            code: self.code().to_string(),
            request_id: current_request_id(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        match &self {
            ApiError::Internal(detail) => tracing::error!(error = %detail, "internal error"),
            ApiError::Contention(detail) => {
                tracing::warn!(error = %detail, "transaction conflict persisted past the retries")
            }
            _ => {}
        }
        let status = self.status();
        let body = serde_json::to_vec(&self.problem()).unwrap_or_default();
        let mut res = (status, body).into_response();
        let headers = res.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if status == StatusCode::UNAUTHORIZED {
            headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        res
    }
}

impl From<CoreError> for ApiError {
    fn from(e: CoreError) -> Self {
        match e.kind {
            ErrorKind::Invalid => ApiError::validation(e.code, e.message),
            ErrorKind::Conflict => ApiError::conflict(e.code, e.message),
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => ApiError::not_found("NotFound", "the resource does not exist"),
            StoreError::Conflict(m) => ApiError::conflict("Conflict", m),
            StoreError::ForeignKey(m) => ApiError::conflict("DependencyViolation", m),
            StoreError::Unavailable(m) => {
                tracing::warn!(error = %m, "database unavailable");
                ApiError::Unavailable {
                    code: "ServiceUnavailable".into(),
                    detail: "the database is busy or unreachable; retry later".to_string(),
                }
            }
            StoreError::Contention(m) => ApiError::Contention(m),
            StoreError::Other(m) => ApiError::Internal(m),
        }
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
