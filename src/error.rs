//! The domain's error: what kind of failure, the AWS-style code a client
//! sees, and a message. No front's types: the REST front renders it as
//! problem+json (`api::problem`), another front in its own wire shape.

use crate::store::StoreError;
use linkplane_core::CoreError;
use std::borrow::Cow;

/// An AWS-style error code (`InvalidVpcId.NotFound`).
pub type Code = Cow<'static, str>;

/// What kind of failure an [`Error`] is; each front maps a kind to its
/// status (REST: the HTTP status of the comment).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// 400: the input is invalid (including an id in the body that does not exist).
    Invalid,
    /// 401: no valid credentials.
    Unauthenticated,
    /// 403: the principal may not do this.
    Forbidden,
    /// 404: the resource named does not exist (or belongs to another account).
    NotFound,
    /// 409: the request clashes with existing state.
    Conflict,
    /// 412: the caller's precondition (`If-Match`) does not hold.
    PreconditionFailed,
    /// 503: the database is unavailable, or the request ran out of time.
    Unavailable,
    /// 503: the database aborted the transaction to break a deadlock with a
    /// concurrent one. Domain operations run their transaction again
    /// (`service::retry_tx`); a client sees this only when every attempt
    /// lost. The message is logged, not sent.
    Contention,
    /// 500: a bug or an unexpected failure; the message is logged, not sent.
    Internal,
}

/// Everything a domain operation can answer besides success.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{code}: {message}")]
pub struct Error {
    pub kind: ErrorKind,
    /// The AWS-style code.
    pub code: Code,
    /// What went wrong, naming the field or resource at fault; for
    /// [`ErrorKind::Internal`] and [`ErrorKind::Contention`], the detail
    /// for the log (see [`Error::client_message`]).
    pub message: String,
}

/// A domain result; `E` defaults to [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn new(kind: ErrorKind, code: impl Into<Code>, message: impl Into<String>) -> Self {
        Error {
            kind,
            code: code.into(),
            message: message.into(),
        }
    }

    pub fn validation(code: impl Into<Code>, message: impl Into<String>) -> Self {
        Error::new(ErrorKind::Invalid, code, message)
    }

    pub fn invalid_value(message: impl Into<String>) -> Self {
        Error::validation("InvalidParameterValue", message)
    }

    pub fn missing(message: impl Into<String>) -> Self {
        Error::validation("MissingParameter", message)
    }

    pub fn unauthenticated(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::Unauthenticated, "AuthFailure", message)
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::Forbidden, "UnauthorizedOperation", message)
    }

    pub fn not_found(code: impl Into<Code>, message: impl Into<String>) -> Self {
        Error::new(ErrorKind::NotFound, code, message)
    }

    pub fn conflict(code: impl Into<Code>, message: impl Into<String>) -> Self {
        Error::new(ErrorKind::Conflict, code, message)
    }

    pub fn precondition_failed(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::PreconditionFailed, "PreconditionFailed", message)
    }

    pub fn unavailable(code: impl Into<Code>, message: impl Into<String>) -> Self {
        Error::new(ErrorKind::Unavailable, code, message)
    }

    /// A transaction the database aborted for a deadlock or a
    /// serialization conflict; `message` is for the log.
    pub fn contention(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::Contention, "ServiceUnavailable", message)
    }

    /// A dry run that would have succeeded (the AWS front's `DryRun=true`).
    pub fn dry_run() -> Self {
        Error::validation(
            "DryRunOperation",
            "Request would have succeeded, but DryRun flag is set.",
        )
    }

    /// A bug or an unexpected failure; `message` is for the log.
    pub fn internal(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::Internal, "InternalError", message)
    }

    /// Whether the failure is the server's (a bug, the database, lost
    /// contention) rather than the request's: a batch fails as a whole on
    /// one, so a client retries it, instead of reporting it per item.
    pub fn is_servers(&self) -> bool {
        matches!(
            self.kind,
            ErrorKind::Internal | ErrorKind::Contention | ErrorKind::Unavailable
        )
    }

    /// What a client is told: the message, except for the kinds whose
    /// message is for the server's log only.
    pub fn client_message(&self) -> Cow<'_, str> {
        match self.kind {
            ErrorKind::Contention => {
                "concurrent changes kept conflicting with this one; retry it".into()
            }
            ErrorKind::Internal => {
                "an internal error occurred; the request id identifies it in the server log".into()
            }
            _ => Cow::Borrowed(&self.message),
        }
    }
}

impl From<CoreError> for Error {
    fn from(e: CoreError) -> Self {
        use linkplane_core::error::ErrorKind as Core;
        match e.kind {
            Core::Invalid => Error::validation(e.code, e.message),
            Core::Conflict => Error::conflict(e.code, e.message),
        }
    }
}

impl From<StoreError> for Error {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => Error::not_found("NotFound", "the resource does not exist"),
            StoreError::Conflict(m) => Error::conflict("Conflict", m),
            StoreError::ForeignKey(m) => Error::conflict("DependencyViolation", m),
            StoreError::Unavailable(m) => {
                tracing::warn!(error = %m, "database unavailable");
                Error::unavailable(
                    "ServiceUnavailable",
                    "the database is busy or unreachable; retry later",
                )
            }
            StoreError::Contention(m) => Error::contention(m),
            StoreError::Other(m) => Error::internal(m),
            StoreError::DryRun => Error::dry_run(),
        }
    }
}
