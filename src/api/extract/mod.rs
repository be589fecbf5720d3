//! Extractors whose rejections are [`ApiError`]s, so that every bad input is
//! answered in the same problem+json envelope, naming the field at fault.
//! What they find wrong with the input itself is a domain [`Error`] (400
//! naming the field), what is wrong with the exchange an HTTP answer (413).
//!
//! Every string a request carries passes
//! [`linkplane_core::text::forbidden_char`] here, before a handler sees it:
//! JSON bodies through [`strict::Strict`], path parameters in [`ApiPath`],
//! query parameters in [`ApiQuery`].

pub mod body;
pub mod list;
pub mod strict;

pub(crate) use list::list_query;

use crate::api::problem::ApiError;
use crate::error::Error;
use crate::service::Precondition;
use axum::extract::{FromRequest, FromRequestParts, RawPathParams, Request};
use axum::http::request::Parts;
use linkplane_core::text::{describe_char, forbidden_char};
use serde::de::DeserializeOwned;

/// Largest request body accepted (1 MiB); larger bodies answer 413.
pub const MAX_BODY_BYTES: usize = 1 << 20;

/// A JSON body. The content type is not checked (curl's `-d` sends a form
/// type); the body must be exactly one JSON object that parses into `T`,
/// whose request types deny unknown fields.
#[derive(Debug)]
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, _state: &S) -> Result<Self, Self::Rejection> {
        let body = body::read_limited(req.into_body(), MAX_BODY_BYTES).await?;
        Ok(parse_json(&body).map(ApiJson)?)
    }
}

/// Parses a JSON document into `T`, turning serde's complaint into a 400
/// whose detail names the field (`tags.Owner: invalid type ...`). The
/// document is read strictly (see [`strict`]): one JSON value and nothing
/// after it but whitespace, objects (never arrays) for structs at every
/// depth, no control characters in strings.
pub fn parse_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, Error> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(Error::missing(
            "the request body is empty; a JSON object is expected",
        ));
    }
    let mut de = serde_json::Deserializer::from_slice(body);
    let value = serde_path_to_error::deserialize(strict::Strict(&mut de)).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let msg = strip_position(&inner.to_string());
        if inner.is_syntax() || inner.is_eof() {
            return Error::invalid_value(format!("the request body is not valid JSON: {msg}"));
        }
        field_error(&path, &msg)
    })?;
    de.end().map_err(|_| {
        Error::invalid_value(
            "the request body is not valid JSON: characters follow the JSON object",
        )
    })?;
    Ok(value)
}

/// Query parameters, with repeated keys (`tag=a=b&tag=c=d`) collected into
/// `Vec` fields and errors naming the parameter.
#[derive(Debug)]
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or("");
        check_query(query)?;
        let de = serde_html_form::Deserializer::from_bytes(query.as_bytes());
        Ok(serde_path_to_error::deserialize(de)
            .map(ApiQuery)
            .map_err(|e| {
                let path = e.path().to_string();
                let msg = strip_position(&e.into_inner().to_string());
                field_error(&path, &msg)
            })?)
    }
}

/// Refuses a query whose parameters (names or values, once decoded) hold a
/// control character, naming the parameter.
fn check_query(query: &str) -> Result<(), Error> {
    if query.is_empty() {
        return Ok(());
    }
    let pairs: Vec<(String, String)> = serde_html_form::from_str(query)
        .map_err(|e| Error::invalid_value(format!("the query string is malformed: {e}")))?;
    for (name, value) in &pairs {
        if let Some(c) = forbidden_char(name, false).or_else(|| forbidden_char(value, false)) {
            return Err(Error::invalid_value(format!(
                "{}: contains the control character {}, which is not allowed",
                name.escape_debug(),
                describe_char(c)
            )));
        }
    }
    Ok(())
}

/// Path parameters. Each one, percent-decoded, must be UTF-8 without
/// control characters; then they parse into `T` (a `String`, or a tuple or
/// struct of them). Errors name the parameter.
#[derive(Debug)]
pub struct ApiPath<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let raw = RawPathParams::from_request_parts(parts, state)
            .await
            .map_err(|_| {
                Error::invalid_value(
                    "the path is not valid: a parameter is not UTF-8 once percent-decoded",
                )
            })?;
        for (name, value) in &raw {
            if let Some(c) = forbidden_char(value, false) {
                return Err(Error::invalid_value(format!(
                    "{name}: contains the control character {}, which is not allowed",
                    describe_char(c)
                ))
                .into());
            }
        }
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|p| ApiPath(p.0))
            .map_err(|e| {
                Error::invalid_value(format!("the path is not valid: {}", e.body_text())).into()
            })
    }
}

/// For an optional number or boolean query parameter, with
/// `#[serde(default, deserialize_with = "crate::api::extract::query_value")]`: an
/// empty value (`?max_results=`) is refused like any other that does not
/// parse, where serde_html_form would read it as absent.
pub fn query_value<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: std::str::FromStr,
    T::Err: std::fmt::Display,
{
    use serde::Deserialize;
    match Option::<String>::deserialize(d)? {
        None => Ok(None),
        Some(s) => s.parse().map(Some).map_err(serde::de::Error::custom),
    }
}

/// Maps a serde message at `path` to MissingParameter or InvalidParameterValue.
fn field_error(path: &str, msg: &str) -> Error {
    let prefix = |p: &str| {
        if p == "." || p.is_empty() {
            String::new()
        } else {
            format!("{p}.")
        }
    };
    if let Some(field) = between(msg, "missing field `", "`") {
        return Error::missing(format!("missing required field '{}{field}'", prefix(path)));
    }
    if let Some(field) = between(msg, "unknown field `", "`") {
        let expected = msg
            .split_once(", expected ")
            .map(|(_, e)| format!(" (expected {})", e.replace('`', "'")))
            .unwrap_or_default();
        // The path of an unknown field already ends with the field itself.
        let full = if path.ends_with(field) {
            path.to_string()
        } else {
            format!("{}{field}", prefix(path))
        };
        return Error::invalid_value(format!("unknown field '{full}'{expected}"));
    }
    let msg = msg.replace('`', "'");
    // serde_path_to_error names a map key it failed on `?`: say "a key of".
    let path = match path.strip_suffix(".?") {
        Some(map) => format!("a key of {map}"),
        None => path.to_string(),
    };
    let path = path.as_str();
    if path == "." || path.is_empty() {
        Error::invalid_value(msg)
    } else {
        Error::invalid_value(format!("{path}: {msg}"))
    }
}

fn between<'a>(s: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let rest = &s[s.find(start)? + start.len()..];
    Some(&rest[..rest.find(end)?])
}

/// serde_json appends " at line L column C"; the path says more.
fn strip_position(msg: &str) -> String {
    match msg.rfind(" at line ") {
        Some(i) if msg[i..].contains(" column ") => msg[..i].to_string(),
        _ => msg.to_string(),
    }
}

/// The `Idempotency-Key` header: 1..=255 visible ASCII characters. It is
/// also the header's one OpenAPI declaration: a create names it in
/// `params(IdempotencyKey)`.
#[derive(Debug, Clone, Default, utoipa::IntoParams)]
#[into_params(names("Idempotency-Key"), parameter_in = Header)]
pub struct IdempotencyKey(
    /// Makes retries safe: the same key and body answer the same resource; 1 to 255 visible ASCII characters
    #[param(min_length = 1, max_length = 255, pattern = "^[!-~]{1,255}$")]
    pub Option<String>,
);

impl<S: Send + Sync> FromRequestParts<S> for IdempotencyKey {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let Some(v) = parts.headers.get("idempotency-key") else {
            return Ok(IdempotencyKey(None));
        };
        let v = v
            .to_str()
            .ok()
            .filter(|s| !s.is_empty() && s.len() <= 255 && s.bytes().all(|b| b.is_ascii_graphic()))
            .ok_or_else(|| {
                Error::invalid_value("Idempotency-Key must be 1 to 255 visible ASCII characters")
            })?;
        Ok(IdempotencyKey(Some(v.to_string())))
    }
}

/// The `If-Match` header, when present, as an update's [`Precondition`]
/// (which answers 412 when it does not hold). It is also the header's one
/// OpenAPI declaration: an update names it in `params(..., IfMatch)`.
#[derive(Debug, Clone, Default, utoipa::IntoParams)]
#[into_params(names("If-Match"), parameter_in = Header)]
pub struct IfMatch(
    /// An ETag from an earlier read; 412 if it changed since
    #[param(value_type = Option<String>, pattern = "^[\\t -~]*$")]
    pub Precondition,
);

impl<S: Send + Sync> FromRequestParts<S> for IfMatch {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        match parts.headers.get(axum::http::header::IF_MATCH) {
            None => Ok(IfMatch(Precondition(None))),
            Some(v) => v
                .to_str()
                .map(|s| IfMatch(Precondition(Some(s.trim().to_string()))))
                .map_err(|_| Error::invalid_value("If-Match is not visible ASCII").into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use std::collections::BTreeMap;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Req {
        name: String,
        count: Option<u32>,
        tags: Option<BTreeMap<String, String>>,
    }

    fn err(body: &str) -> (String, String) {
        match parse_json::<Req>(body.as_bytes()) {
            Ok(r) => panic!("accepted {body}: {r:?}"),
            Err(e) => (e.code.to_string(), e.message),
        }
    }

    #[test]
    fn json_errors_name_the_field() {
        let cases = [
            ("", "MissingParameter", "empty"),
            ("{", "InvalidParameterValue", "not valid JSON"),
            (
                "{\"name\": \"a\",",
                "InvalidParameterValue",
                "not valid JSON",
            ),
            ("{}", "MissingParameter", "'name'"),
            (
                r#"{"name":"a","bogus":1}"#,
                "InvalidParameterValue",
                "unknown field 'bogus'",
            ),
            (
                r#"{"name":1}"#,
                "InvalidParameterValue",
                "name: invalid type",
            ),
            (
                r#"{"name":"a","count":-1}"#,
                "InvalidParameterValue",
                "count:",
            ),
            (
                r#"{"name":"a","tags":{"k":1}}"#,
                "InvalidParameterValue",
                "tags.k:",
            ),
        ];
        for (body, code, needle) in cases {
            let (c, d) = err(body);
            assert_eq!(c, code, "{body}: {d}");
            assert!(d.contains(needle), "{body}: '{d}' lacks '{needle}'");
        }
    }
}
