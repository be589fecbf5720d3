//! The REST front's answers besides success, rendered as
//! `application/problem+json` (RFC 9457) with the AWS-style `code` and the
//! request id: the domain's [`Error`] with its status, and the answers only
//! HTTP has (405, 413, and the transport's own: 408, 414, 431, ...).

use crate::error::{Code, Error, ErrorKind};
use crate::store::StoreError;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use linkplane_core::CoreError;
use serde::Serialize;
use utoipa::ToSchema;

tokio::task_local! {
    /// The id of the request being served, set by the request-context middleware.
    pub static REQUEST_ID: String;
}

/// The current request's id, or an empty string outside a request.
pub fn current_request_id() -> String {
    REQUEST_ID.try_with(|id| id.clone()).unwrap_or_default()
}

/// Everything a handler can answer besides success.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// An answer of the domain (or of a parse at the edge, which answers
    /// in the domain's terms: 400 naming the field).
    #[error(transparent)]
    Domain(#[from] Error),
    /// 405: the path exists, the method does not.
    #[error("method not allowed")]
    MethodNotAllowed,
    /// 413: the body is larger than the limit.
    #[error("RequestEntityTooLarge: {0}")]
    PayloadTooLarge(String),
    /// An answer about the HTTP exchange itself rather than the operation:
    /// 408 (the body did not arrive in time), 414, 431, 400 for a request
    /// that is not valid HTTP, and whatever else the transport refuses.
    #[error("{code}: {detail}")]
    Transport {
        status: StatusCode,
        code: Code,
        detail: String,
    },
}

pub type ApiResult<T> = Result<T, ApiError>;

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

/// The HTTP status of a domain error's kind.
pub fn status_of(kind: ErrorKind) -> StatusCode {
    match kind {
        ErrorKind::Invalid => StatusCode::BAD_REQUEST,
        ErrorKind::Unauthenticated => StatusCode::UNAUTHORIZED,
        ErrorKind::Forbidden => StatusCode::FORBIDDEN,
        ErrorKind::NotFound => StatusCode::NOT_FOUND,
        ErrorKind::Conflict => StatusCode::CONFLICT,
        ErrorKind::PreconditionFailed => StatusCode::PRECONDITION_FAILED,
        ErrorKind::Unavailable | ErrorKind::Contention => StatusCode::SERVICE_UNAVAILABLE,
        ErrorKind::Internal => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

impl ApiError {
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
            ApiError::Domain(e) => status_of(e.kind),
            ApiError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::Transport { status, .. } => *status,
        }
    }

    pub fn code(&self) -> &str {
        match self {
            ApiError::Domain(e) => &e.code,
            ApiError::Transport { code, .. } => code,
            ApiError::MethodNotAllowed => "UnsupportedOperation",
            ApiError::PayloadTooLarge(_) => "RequestEntityTooLarge",
        }
    }

    fn detail(&self) -> String {
        match self {
            ApiError::Domain(e) => e.client_message().into_owned(),
            ApiError::Transport { detail, .. } | ApiError::PayloadTooLarge(detail) => {
                detail.clone()
            }
            ApiError::MethodNotAllowed => "this path does not support that method".to_string(),
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
        if let ApiError::Domain(e) = &self {
            match e.kind {
                ErrorKind::Internal => tracing::error!(error = %e.message, "internal error"),
                ErrorKind::Contention => {
                    tracing::warn!(error = %e.message, "transaction conflict persisted past the retries")
                }
                _ => {}
            }
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
        ApiError::Domain(e.into())
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        ApiError::Domain(e.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each answer keeps the status, code and detail it had when the
    /// domain's error was still the REST front's.
    #[test]
    fn statuses_codes_and_details() {
        let cases: Vec<(ApiError, u16, &str, &str)> = vec![
            (
                Error::invalid_value("x").into(),
                400,
                "InvalidParameterValue",
                "x",
            ),
            (Error::missing("x").into(), 400, "MissingParameter", "x"),
            (Error::unauthenticated("x").into(), 401, "AuthFailure", "x"),
            (
                Error::forbidden("x").into(),
                403,
                "UnauthorizedOperation",
                "x",
            ),
            (
                Error::not_found("A.NotFound", "x").into(),
                404,
                "A.NotFound",
                "x",
            ),
            (Error::conflict("B", "x").into(), 409, "B", "x"),
            (
                Error::precondition_failed("x").into(),
                412,
                "PreconditionFailed",
                "x",
            ),
            (
                Error::unavailable("RequestTimeout", "x").into(),
                503,
                "RequestTimeout",
                "x",
            ),
            (
                Error::contention("deadlock detected").into(),
                503,
                "ServiceUnavailable",
                "concurrent changes kept conflicting with this one; retry it",
            ),
            (
                Error::internal("a bug").into(),
                500,
                "InternalError",
                "an internal error occurred; the request id identifies it in the server log",
            ),
            (
                ApiError::MethodNotAllowed,
                405,
                "UnsupportedOperation",
                "this path does not support that method",
            ),
            (
                ApiError::PayloadTooLarge("x".into()),
                413,
                "RequestEntityTooLarge",
                "x",
            ),
            (
                ApiError::transport(StatusCode::URI_TOO_LONG, "x"),
                414,
                "RequestURITooLong",
                "x",
            ),
        ];
        for (e, status, code, detail) in cases {
            let p = e.problem();
            assert_eq!(
                (p.status, p.code.as_str(), p.detail.as_str()),
                (status, code, detail),
                "{e:?}"
            );
            assert_eq!(p.r#type, format!("urn:linkplane:error:{code}"));
            let res = e.into_response();
            assert_eq!(res.status().as_u16(), status);
            assert_eq!(
                res.headers().get(header::WWW_AUTHENTICATE).is_some(),
                status == 401
            );
        }
    }
}
