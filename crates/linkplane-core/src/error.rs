//! Rule violations, each carrying the AWS-style error code it maps to.

use std::fmt;

/// Whether a violation is bad input or a clash with existing state; the API
/// answers 400 for the first and 409 for the second.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    Invalid,
    Conflict,
}

/// A domain rule was violated. `code` is the AWS error code the API answers
/// with (`InvalidParameterValue`, `InvalidSubnet.Range`, ...); `message` is
/// the human-readable detail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoreError {
    pub kind: ErrorKind,
    pub code: &'static str,
    pub message: String,
}

impl CoreError {
    pub fn invalid(code: &'static str, message: impl Into<String>) -> Self {
        CoreError {
            kind: ErrorKind::Invalid,
            code,
            message: message.into(),
        }
    }

    pub fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        CoreError {
            kind: ErrorKind::Conflict,
            code,
            message: message.into(),
        }
    }

    pub fn invalid_value(message: impl Into<String>) -> Self {
        CoreError::invalid("InvalidParameterValue", message)
    }
}

impl fmt::Display for CoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for CoreError {}
