//! The REST front's credentials: `Authorization: Bearer <secret>`, checked
//! by the domain ([`crate::service::caller::authenticate`]).

use super::problem::ApiError;
use crate::error::Error;
use crate::service::caller::{Caller, authenticate};
use crate::state::AppState;
use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;

/// The bearer secret of `Authorization`, else 401 saying what is wrong.
fn bearer(parts: &Parts) -> Result<&str, Error> {
    let header = parts.headers.get(AUTHORIZATION).ok_or_else(|| {
        Error::unauthenticated("an Authorization: Bearer <secret> header is required")
    })?;
    header
        .to_str()
        .ok()
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| Error::unauthenticated("the Authorization header must be 'Bearer <secret>'"))
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let secret = bearer(parts)?;
        Ok(authenticate(&state.store, &state.admin_sha256, secret).await?)
    }
}
