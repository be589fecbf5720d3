//! The REST front's credentials: `Authorization: Bearer <secret>`, checked
//! by the domain ([`crate::service::caller::authenticate`]), and [`Cx`], the
//! extractor every `/v1` handler takes first: the authenticated caller with
//! the state, which hands out the services' [`Ctx`].

use super::problem::ApiError;
use crate::error::Error;
use crate::service::caller::{Caller, authenticate};
use crate::service::network::Ctx;
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

/// An authenticated request's context: the caller and the state. Taken as
/// a handler's first argument, so that a request without valid credentials
/// is answered 401 before its path, query or body is read.
pub struct Cx {
    pub state: AppState,
    pub caller: Caller,
}

impl Cx {
    /// The network, producer and consumer services' context.
    pub fn ctx(&self) -> Ctx<'_> {
        Ctx {
            store: &self.state.store,
            caller: &self.caller,
            default_region: &self.state.settings.default_region,
        }
    }
}

impl FromRequestParts<AppState> for Cx {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let secret = bearer(parts)?;
        let caller = authenticate(&state.store, &state.admin_sha256, secret).await?;
        Ok(Cx {
            state: state.clone(),
            caller,
        })
    }
}
