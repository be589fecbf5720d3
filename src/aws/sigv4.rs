//! SigV4 on the wire: the `Authorization: AWS4-HMAC-SHA256 ...` header or
//! the presigned `X-Amz-*` query parameters, the canonical request and the
//! string to sign, per AWS's "Signature Version 4" specification. The
//! signature itself is checked by the domain
//! ([`crate::service::caller::authenticate_signed`]), which holds the secrets.

use crate::aws::Service;
use crate::error::{Error, ErrorKind, Result};
use crate::service::caller::SignedRequest;
use crate::util::sha256_hex;
use axum::http::{HeaderMap, Method, Uri};
use time::OffsetDateTime;
use time::macros::format_description;

pub const ALGORITHM: &str = "AWS4-HMAC-SHA256";
/// How far a request's timestamp may be from the server's clock.
pub const MAX_SKEW: time::Duration = time::Duration::minutes(15);
const EMPTY_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";

/// What a request presents, before it is verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Presented {
    pub access_key_id: String,
    pub date: String,
    pub region: String,
    /// The credential scope's service (`ec2`, `elasticloadbalancing`, `sts`).
    pub service: String,
    pub signed_headers: Vec<String>,
    pub signature: String,
    /// `X-Amz-Date`, `YYYYMMDDTHHMMSSZ`.
    pub timestamp: String,
    /// Presigned (query-string) form: `X-Amz-Expires` in seconds.
    pub expires: Option<i64>,
}

fn incomplete(msg: impl Into<String>) -> Error {
    Error::validation("IncompleteSignature", msg)
}

/// The query string's parameters, decoded the way the canonical query
/// reads them (percent escapes only: `+` is a plus sign, as botocore
/// writes a space `%20`), so that what the handler reads is what was
/// signed.
pub fn query_params(uri: &Uri) -> Vec<(String, String)> {
    query_pairs(uri)
        .into_iter()
        .map(|(k, v)| {
            (
                crate::aws::params::percent_decode(&k),
                crate::aws::params::percent_decode(&v),
            )
        })
        .collect()
}

fn query_pairs(uri: &Uri) -> Vec<(String, String)> {
    uri.query()
        .map(|q| {
            q.split('&')
                .filter(|p| !p.is_empty())
                .map(|p| {
                    let (k, v) = p.split_once('=').unwrap_or((p, ""));
                    (k.to_string(), v.to_string())
                })
                .collect()
        })
        .unwrap_or_default()
}

/// True when the query string carries presigned parameters.
pub fn is_presigned(uri: &Uri) -> bool {
    query_pairs(uri)
        .iter()
        .any(|(k, _)| k == "X-Amz-Signature" || k == "X-Amz-Credential")
}

/// Parses `AKID/20150830/us-east-1/iam/aws4_request`.
fn credential(text: &str) -> Result<(String, String, String, String)> {
    let parts: Vec<&str> = text.split('/').collect();
    match parts.as_slice() {
        [akid, date, region, service, "aws4_request"]
            if !akid.is_empty() && date.len() == 8 && date.bytes().all(|b| b.is_ascii_digit()) =>
        {
            Ok((
                akid.to_string(),
                date.to_string(),
                region.to_string(),
                service.to_string(),
            ))
        }
        _ => Err(incomplete(format!(
            "Credential should be scoped to a valid region and service: '{text}' is not <key id>/<YYYYMMDD>/<region>/<service>/aws4_request"
        ))),
    }
}

/// The signature a request presents: None when it carries none.
pub fn presented(headers: &HeaderMap, uri: &Uri) -> Result<Option<Presented>> {
    if let Some(auth) = headers.get("authorization") {
        let auth = auth
            .to_str()
            .map_err(|_| incomplete("the Authorization header is not ASCII"))?;
        let Some(rest) = auth.strip_prefix(ALGORITHM).filter(|r| r.starts_with(' ')) else {
            return Err(incomplete(format!(
                "Unsupported Authorization scheme: linkplane's AWS front takes {ALGORITHM} (SigV4)"
            )));
        };
        let (mut cred, mut signed, mut sig) = (None, None, None);
        for part in rest.split(',') {
            let (k, v) = part.trim().split_once('=').unwrap_or((part.trim(), ""));
            match k {
                "Credential" => cred = Some(v),
                "SignedHeaders" => signed = Some(v),
                "Signature" => sig = Some(v),
                _ => {}
            }
        }
        let (Some(cred), Some(signed), Some(sig)) = (cred, signed, sig) else {
            return Err(incomplete(format!(
                "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters. Authorization={auth}"
            )));
        };
        let (access_key_id, date, region, service) = credential(cred)?;
        let timestamp = headers
            .get("x-amz-date")
            .and_then(|v| v.to_str().ok())
            .ok_or_else(|| {
                incomplete("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header")
            })?
            .to_string();
        return Ok(Some(Presented {
            access_key_id,
            date,
            region,
            service,
            signed_headers: signed.split(';').map(str::to_string).collect(),
            signature: sig.to_string(),
            timestamp,
            expires: None,
        }));
    }
    if !is_presigned(uri) {
        return Ok(None);
    }
    let q: Vec<(String, String)> = query_pairs(uri)
        .into_iter()
        .map(|(k, v)| (k, crate::aws::params::percent_decode(&v)))
        .collect();
    let get = |name: &str| {
        q.iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .ok_or_else(|| {
                incomplete(format!(
                    "a presigned request needs the query parameter {name}"
                ))
            })
    };
    if get("X-Amz-Algorithm")? != ALGORITHM {
        return Err(incomplete(format!("X-Amz-Algorithm must be {ALGORITHM}")));
    }
    let (access_key_id, date, region, service) = credential(&get("X-Amz-Credential")?)?;
    let expires = get("X-Amz-Expires")?
        .parse::<i64>()
        .ok()
        .filter(|e| (1..=604_800).contains(e))
        .ok_or_else(|| Error::invalid_value("X-Amz-Expires must be an integer from 1 to 604800"))?;
    Ok(Some(Presented {
        access_key_id,
        date,
        region,
        service,
        signed_headers: get("X-Amz-SignedHeaders")?
            .split(';')
            .map(str::to_string)
            .collect(),
        signature: get("X-Amz-Signature")?,
        timestamp: get("X-Amz-Date")?,
        expires: Some(expires),
    }))
}

/// AWS's URI encoding: everything but `A-Za-z0-9-_.~` as `%XX` (and `/`
/// kept when `keep_slash`).
pub fn uri_encode(s: &str, keep_slash: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b'/' if keep_slash => out.push('/'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// The canonical URI of a path as sent: dot segments removed, then
/// encoded once more (every service but S3).
fn canonical_uri(path: &str) -> String {
    let mut segs: Vec<&str> = Vec::new();
    for seg in path.split('/') {
        match seg {
            "." => {}
            ".." => {
                segs.pop();
            }
            s => segs.push(s),
        }
    }
    let mut norm = segs.join("/");
    if !norm.starts_with('/') {
        norm.insert(0, '/');
    }
    uri_encode(&norm, true)
}

/// The canonical query string: each name and value decoded and re-encoded,
/// sorted by name then value; `X-Amz-Signature` left out.
fn canonical_query(uri: &Uri) -> String {
    let mut pairs: Vec<(String, String)> = query_pairs(uri)
        .into_iter()
        .filter(|(k, _)| k != "X-Amz-Signature")
        .map(|(k, v)| {
            (
                uri_encode(&crate::aws::params::percent_decode(&k), false),
                uri_encode(&crate::aws::params::percent_decode(&v), false),
            )
        })
        .collect();
    pairs.sort();
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&")
}

/// The canonical request (AWS's task 1).
pub fn canonical_request(
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    signed_headers: &[String],
    payload_hash: &str,
) -> Result<String> {
    let mut lines = Vec::new();
    for name in signed_headers {
        let values: Vec<String> = headers
            .get_all(name.as_str())
            .iter()
            .map(|v| {
                String::from_utf8_lossy(v.as_bytes())
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect();
        if values.is_empty() {
            return Err(Error::new(
                ErrorKind::Unauthenticated,
                crate::service::caller::SIGNATURE_DOES_NOT_MATCH,
                format!("The header '{name}' is signed but not in the request"),
            ));
        }
        lines.push(format!("{name}:{}\n", values.join(",")));
    }
    Ok(format!(
        "{}\n{}\n{}\n{}\n{}\n{}",
        method.as_str(),
        canonical_uri(uri.path()),
        canonical_query(uri),
        lines.concat(),
        signed_headers.join(";"),
        payload_hash
    ))
}

/// The string to sign (AWS's task 2).
pub fn string_to_sign(timestamp: &str, scope: &str, canonical_request: &str) -> String {
    format!(
        "{ALGORITHM}\n{timestamp}\n{scope}\n{}",
        sha256_hex(canonical_request.as_bytes())
    )
}

fn parse_timestamp(ts: &str) -> Option<OffsetDateTime> {
    let f = format_description!("[year][month][day]T[hour][minute][second]Z");
    time::PrimitiveDateTime::parse(ts, f)
        .ok()
        .map(|t| t.assume_utc())
}

fn fmt_ts(t: OffsetDateTime) -> String {
    let f = format_description!("[year][month][day]T[hour][minute][second]Z");
    t.format(f).unwrap_or_default()
}

/// The clock rule: the timestamp within 15 minutes of the server's clock
/// (and, presigned, not past `X-Amz-Expires`). EC2 answers
/// `RequestExpired`; the Query services (STS, ELBv2) `SignatureDoesNotMatch`
/// with "Signature expired: ...".
pub fn check_time(p: &Presented, service: Option<Service>, now: OffsetDateTime) -> Result<()> {
    let Some(t) = parse_timestamp(&p.timestamp) else {
        return Err(incomplete(format!(
            "X-Amz-Date must be YYYYMMDD'T'HHMMSS'Z'; got '{}'",
            p.timestamp
        )));
    };
    if !p.timestamp.starts_with(&p.date) {
        return Err(Error::new(
            ErrorKind::Unauthenticated,
            crate::service::caller::SIGNATURE_DOES_NOT_MATCH,
            format!(
                "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '{}' != '{}'",
                p.date,
                &p.timestamp[..8]
            ),
        ));
    }
    let expired = match p.expires {
        // Far from now first, so that the addition never leaves time's range.
        Some(secs) => {
            t - MAX_SKEW > now
                || t.checked_add(time::Duration::seconds(secs))
                    .is_none_or(|end| now > end)
        }
        None => (now - t).abs() > MAX_SKEW,
    };
    if !expired {
        return Ok(());
    }
    if service == Some(Service::Ec2) {
        return Err(Error::validation("RequestExpired", "Request has expired."));
    }
    let message = if t > now {
        format!(
            "Signature not yet current: {} is still later than {} ({} + 15 min.)",
            p.timestamp,
            fmt_ts(now + MAX_SKEW),
            fmt_ts(now)
        )
    } else if let Some(secs) = p.expires {
        format!(
            "Signature expired: {} is now earlier than {} ({} - {secs} sec.)",
            fmt_ts(t + time::Duration::seconds(secs)),
            fmt_ts(now),
            fmt_ts(now)
        )
    } else {
        format!(
            "Signature expired: {} is now earlier than {} ({} - 15 min.)",
            p.timestamp,
            fmt_ts(now - MAX_SKEW),
            fmt_ts(now)
        )
    };
    Err(Error::new(
        ErrorKind::Unauthenticated,
        crate::service::caller::SIGNATURE_DOES_NOT_MATCH,
        message,
    ))
}

/// The payload hashes a request may have been signed with: the body's
/// SHA-256 (an `x-amz-content-sha256` header must agree with it), and for
/// presigned requests `UNSIGNED-PAYLOAD` too.
pub fn payload_hashes(headers: &HeaderMap, body: &[u8], presigned: bool) -> Result<Vec<String>> {
    let actual = if body.is_empty() {
        EMPTY_SHA256.to_string()
    } else {
        sha256_hex(body)
    };
    if let Some(claimed) = headers
        .get("x-amz-content-sha256")
        .and_then(|v| v.to_str().ok())
        && claimed != UNSIGNED_PAYLOAD
        && !claimed.eq_ignore_ascii_case(&actual)
    {
        return Err(Error::new(
            ErrorKind::Unauthenticated,
            crate::service::caller::SIGNATURE_DOES_NOT_MATCH,
            "The provided 'x-amz-content-sha256' header does not match what was computed.",
        ));
    }
    let mut out = vec![actual];
    // An unsigned payload is offered only with an empty body: the front
    // reads parameters from the body, and a body the signature does not
    // cover could be swapped under a captured (presigned) request.
    let unsigned = presigned
        || headers
            .get("x-amz-content-sha256")
            .is_some_and(|v| v.as_bytes() == UNSIGNED_PAYLOAD.as_bytes());
    if unsigned && body.is_empty() {
        out.push(UNSIGNED_PAYLOAD.to_string());
    }
    Ok(out)
}

/// The requests to hand the domain: one per payload hash the client may
/// have signed with (usually one).
pub fn signed_requests(
    p: &Presented,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Vec<SignedRequest>> {
    if !p.signed_headers.iter().any(|h| h == "host") {
        return Err(Error::new(
            ErrorKind::Unauthenticated,
            crate::service::caller::SIGNATURE_DOES_NOT_MATCH,
            "'Host' must be a signed header",
        ));
    }
    let scope = format!("{}/{}/{}/aws4_request", p.date, p.region, p.service);
    payload_hashes(headers, body, p.expires.is_some())?
        .into_iter()
        .map(|hash| {
            let cr = canonical_request(method, uri, headers, &p.signed_headers, &hash)?;
            Ok(SignedRequest {
                access_key_id: p.access_key_id.clone(),
                date: p.date.clone(),
                region: p.region.clone(),
                service: p.service.clone(),
                string_to_sign: string_to_sign(&p.timestamp, &scope, &cr),
                signature: p.signature.clone(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::caller::{sigv4_signature, sigv4_signing_key};
    use axum::http::HeaderValue;

    const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, HeaderValue::from_str(v).expect("ascii"));
        }
        h
    }

    fn sign(p: &Presented, method: &Method, uri: &Uri, h: &HeaderMap, body: &[u8]) -> String {
        let reqs = signed_requests(p, method, uri, h, body).expect("canonical");
        let key = sigv4_signing_key(SECRET, &p.date, &p.region, &p.service);
        sigv4_signature(&key, &reqs[0].string_to_sign)
    }

    /// The worked example of AWS's General Reference ("Signing AWS requests
    /// with Signature Version 4"): IAM ListUsers, whole request.
    #[test]
    fn aws_documented_list_users_example() {
        let uri: Uri = "/?Action=ListUsers&Version=2010-05-08"
            .parse()
            .expect("uri");
        let h = headers(&[
            (
                "content-type",
                "application/x-www-form-urlencoded; charset=utf-8",
            ),
            ("host", "iam.amazonaws.com"),
            ("x-amz-date", "20150830T123600Z"),
            (
                "authorization",
                "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, \
                 SignedHeaders=content-type;host;x-amz-date, \
                 Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7",
            ),
        ]);
        let p = presented(&h, &uri).expect("parses").expect("signed");
        assert_eq!(
            (
                p.access_key_id.as_str(),
                p.region.as_str(),
                p.service.as_str()
            ),
            ("AKIDEXAMPLE", "us-east-1", "iam")
        );
        let cr = canonical_request(&Method::GET, &uri, &h, &p.signed_headers, EMPTY_SHA256)
            .expect("canonical");
        assert_eq!(
            sha256_hex(cr.as_bytes()),
            "f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59"
        );
        assert_eq!(sign(&p, &Method::GET, &uri, &h, b""), p.signature);
    }

    /// AWS's SigV4 test suite, `get-vanilla-query-order-key-case`: the
    /// query is sorted by name.
    #[test]
    fn aws_test_suite_query_order() {
        let uri: Uri = "/?Param2=value2&Param1=value1".parse().expect("uri");
        let h = headers(&[
            ("host", "example.amazonaws.com"),
            ("x-amz-date", "20150830T123600Z"),
        ]);
        let p = Presented {
            access_key_id: "AKIDEXAMPLE".into(),
            date: "20150830".into(),
            region: "us-east-1".into(),
            service: "service".into(),
            signed_headers: vec!["host".into(), "x-amz-date".into()],
            signature: String::new(),
            timestamp: "20150830T123600Z".into(),
            expires: None,
        };
        assert_eq!(
            sign(&p, &Method::GET, &uri, &h, b""),
            "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"
        );
        // A changed value signs differently: the test can fail.
        let other: Uri = "/?Param2=value2&Param1=value0".parse().expect("uri");
        assert_ne!(
            sign(&p, &Method::GET, &other, &h, b""),
            "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"
        );
    }

    #[test]
    fn canonical_forms() {
        assert_eq!(canonical_uri("/a/./b/../c%20d"), "/a/c%2520d");
        assert_eq!(canonical_uri(""), "/");
        let uri: Uri = "/?b=2&a=x%20y&a=1&X-Amz-Signature=zz&c"
            .parse()
            .expect("uri");
        assert_eq!(canonical_query(&uri), "a=1&a=x%20y&b=2&c=");
        assert_eq!(uri_encode("a b/~*", false), "a%20b%2F~%2A");
    }

    #[test]
    fn malformed_authorization_is_incomplete_signature() {
        let uri: Uri = "/".parse().expect("uri");
        for auth in [
            "AWS4-HMAC-SHA256 Credential=AK/2015/us-east-1/ec2/aws4_request, SignedHeaders=host, Signature=00",
            "AWS4-HMAC-SHA256 SignedHeaders=host, Signature=00",
            "Bearer lp_x",
        ] {
            let h = headers(&[("authorization", auth), ("x-amz-date", "20150830T123600Z")]);
            let e = presented(&h, &uri).expect_err("refused");
            assert_eq!(e.code, "IncompleteSignature", "{auth}");
        }
    }

    #[test]
    fn the_clock_rule_is_fifteen_minutes_and_worded_per_service() {
        let now = parse_timestamp("20260101T120000Z").expect("ts");
        let mut p = Presented {
            access_key_id: "AK".into(),
            date: "20260101".into(),
            region: "us-east-1".into(),
            service: "sts".into(),
            signed_headers: vec![],
            signature: String::new(),
            timestamp: "20260101T114600Z".into(),
            expires: None,
        };
        assert!(
            check_time(&p, Some(Service::Sts), now).is_ok(),
            "14 minutes"
        );
        p.timestamp = "20260101T114400Z".into();
        let e = check_time(&p, Some(Service::Sts), now).expect_err("16 minutes");
        assert_eq!(e.code, "SignatureDoesNotMatch");
        assert_eq!(
            e.message,
            "Signature expired: 20260101T114400Z is now earlier than 20260101T114500Z (20260101T120000Z - 15 min.)"
        );
        let e = check_time(&p, Some(Service::Ec2), now).expect_err("ec2");
        assert_eq!(
            (e.code.as_ref(), e.message.as_str()),
            ("RequestExpired", "Request has expired.")
        );
        p.timestamp = "20260101T121600Z".into();
        let e = check_time(&p, Some(Service::Sts), now).expect_err("future");
        assert!(
            e.message.starts_with("Signature not yet current"),
            "{}",
            e.message
        );
        p.timestamp = "20260101T114400Z".into();
        p.expires = Some(3600);
        assert!(
            check_time(&p, Some(Service::Ec2), now).is_ok(),
            "presigned for an hour"
        );
        p.date = "20251231".into();
        assert_eq!(
            check_time(&p, Some(Service::Ec2), now)
                .err()
                .map(|e| e.code),
            Some("SignatureDoesNotMatch".into())
        );
    }

    #[test]
    fn a_presigned_date_at_the_end_of_time_is_expired_not_a_panic() {
        let now = time::macros::datetime!(2026-01-01 12:00 UTC);
        let mut p = Presented {
            access_key_id: "LPAKEXAMPLE".into(),
            date: "99991231".into(),
            region: "us-east-1".into(),
            service: "ec2".into(),
            signed_headers: vec!["host".into()],
            signature: "00".into(),
            timestamp: "99991231T235959Z".into(),
            expires: Some(604800),
        };
        let e = check_time(&p, Some(Service::Ec2), now).expect_err("far future");
        assert_eq!(e.code.as_ref(), "RequestExpired");
        p.expires = None;
        assert!(check_time(&p, Some(Service::Sts), now).is_err());
    }

    #[test]
    fn the_handler_reads_the_query_as_the_signature_does() {
        // `+` and `%2B` sign alike, so they must mean the same to the handler.
        let plus: Uri = "/?Action=DescribeVpcs&Filter.1.Value.1=a+b"
            .parse()
            .unwrap();
        let escaped: Uri = "/?Action=DescribeVpcs&Filter.1.Value.1=a%2Bb"
            .parse()
            .unwrap();
        assert_eq!(canonical_query(&plus), canonical_query(&escaped));
        assert_eq!(query_params(&plus), query_params(&escaped));
        assert_eq!(query_params(&plus)[1].1, "a+b");
        let space: Uri = "/?Filter.1.Value.1=a%20b".parse().unwrap();
        assert_eq!(query_params(&space)[0].1, "a b");
        assert_ne!(canonical_query(&space), canonical_query(&plus));
    }

    #[test]
    fn an_unsigned_payload_is_offered_only_without_a_body() {
        let mut h = HeaderMap::new();
        h.insert("x-amz-content-sha256", UNSIGNED_PAYLOAD.parse().unwrap());
        let body = b"Action=CreateVpc&CidrBlock=10.0.0.0/16";
        assert_eq!(
            payload_hashes(&h, body, false).unwrap(),
            vec![sha256_hex(body)]
        );
        assert_eq!(
            payload_hashes(&HeaderMap::new(), body, true).unwrap(),
            vec![sha256_hex(body)]
        );
        assert_eq!(
            payload_hashes(&HeaderMap::new(), b"", true).unwrap(),
            vec![EMPTY_SHA256.to_string(), UNSIGNED_PAYLOAD.to_string()]
        );
    }
}
