//! The AWS front: the Query protocol (EC2 `2016-11-15`, ELBv2 `2015-12-01`,
//! STS `2011-06-15`) on the REST front's listener, so that boto3 and the
//! AWS CLI work against linkplane with one `endpoint_url`.
//!
//! `POST /` with a form body and `GET /?Action=...` come here (see
//! [`is_aws_request`]); the service is the SigV4 credential scope's
//! (`ec2`, `elasticloadbalancing`, `sts`). A request is verified
//! ([`sigv4`] builds the string to sign, the domain checks it), its
//! `Action` and `Version` looked up in the service's table of actions, its
//! parameters parsed ([`params`]) and handed to the same domain functions
//! the REST front calls; the answer is written as AWS shapes it ([`xml`]),
//! and every error in the service's error shape ([`error`]).

pub mod ec2;
pub mod elbv2;
pub mod error;
pub mod params;
pub mod sigv4;
pub mod sts;
pub mod xml;

use crate::error::{Error, Result};
use crate::service::caller::Caller;
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::Request;
use axum::http::{Method, StatusCode, header};
use axum::response::Response;
use params::Params;
use std::future::Future;
use std::pin::Pin;

/// The services the front speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    Ec2,
    Elbv2,
    Sts,
}

impl Service {
    /// By the SigV4 signing name of the credential scope.
    pub fn from_signing_name(name: &str) -> Option<Self> {
        match name {
            "ec2" => Some(Service::Ec2),
            "elasticloadbalancing" => Some(Service::Elbv2),
            "sts" => Some(Service::Sts),
            _ => None,
        }
    }

    pub fn version(self) -> &'static str {
        match self {
            Service::Ec2 => "2016-11-15",
            Service::Elbv2 => "2015-12-01",
            Service::Sts => "2011-06-15",
        }
    }

    pub fn xmlns(self) -> &'static str {
        match self {
            Service::Ec2 => "http://ec2.amazonaws.com/doc/2016-11-15/",
            Service::Elbv2 => "http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/",
            Service::Sts => "https://sts.amazonaws.com/doc/2011-06-15/",
        }
    }

    fn title(self) -> &'static str {
        match self {
            Service::Ec2 => "AmazonEC2",
            Service::Elbv2 => "ElasticLoadBalancing",
            Service::Sts => "AWSSecurityTokenService",
        }
    }

    fn actions(self) -> &'static [Action] {
        match self {
            Service::Ec2 => ec2::ACTIONS,
            Service::Elbv2 => elbv2::ACTIONS,
            Service::Sts => sts::ACTIONS,
        }
    }
}

/// One verified call: who, where, and the parameters still to read.
pub struct Call {
    pub state: AppState,
    /// The store the domain is called with: the server's, or after
    /// `ready()` with `DryRun=true` its dry run (every transaction rolled
    /// back at its commit).
    pub store: crate::store::Store,
    pub caller: Caller,
    /// The credential scope's region.
    pub region: String,
    pub action: &'static str,
    pub request_id: String,
    pub params: Params,
}

impl Call {
    /// After a handler has read its parameters: `UnknownParameter` for any
    /// other. With `DryRun=true` the call then goes ahead on a dry run of
    /// the store: the domain checks everything it checks for real, and the
    /// transaction that would have written is rolled back at its commit.
    /// The answer is the real error, or `DryRunOperation` when the call
    /// would have succeeded, as on AWS.
    pub fn ready(&mut self) -> Result<()> {
        let dry_run = self.params.bool("DryRun")?.unwrap_or(false);
        self.params.finish()?;
        if dry_run {
            self.store = self.store.dry_run();
        }
        Ok(())
    }

    /// The domain's context for network operations: creates land in the
    /// credential scope's region.
    pub fn ctx(&self) -> crate::service::network::Ctx<'_> {
        crate::service::network::Ctx {
            store: &self.store,
            caller: &self.caller,
            default_region: &self.region,
        }
    }
}

pub type Reply = Pin<Box<dyn Future<Output = Result<String>> + Send>>;

/// An entry of a service's table of actions: the name and its handler,
/// which answers the whole XML document.
pub struct Action {
    pub name: &'static str,
    pub handler: fn(Call) -> Reply,
}

/// Does a request belong to this front? `POST /` with a form body, or
/// `GET /` with an `Action` in the query string. Everything else is the
/// REST front's (including its 404 for `/`).
pub fn is_aws_request(req: &Request) -> bool {
    if req.uri().path() != "/" {
        return false;
    }
    match *req.method() {
        Method::POST => req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| {
                v.trim_start()
                    .to_ascii_lowercase()
                    .starts_with("application/x-www-form-urlencoded")
            }),
        Method::GET => req
            .uri()
            .query()
            .is_some_and(|q| q.split('&').any(|p| p.starts_with("Action="))),
        _ => false,
    }
}

/// For an AWS request, the service its credential scope names (None
/// inside when it names none we serve); None for any other request.
pub fn front_of(req: &Request) -> Option<Option<Service>> {
    is_aws_request(req).then(|| {
        sigv4::presented(req.headers(), req.uri())
            .ok()
            .flatten()
            .and_then(|p| Service::from_signing_name(&p.service))
    })
}

/// The answer to an AWS request that ran out of time, in its service's shape.
pub fn timeout_response(service: Option<Service>, e: &Error) -> Response {
    error::response(service, e, &crate::api::problem::current_request_id())
}

/// Largest form body taken (AWS's Query APIs take far less).
const MAX_BODY: usize = 1 << 20;

/// Serves one AWS request.
pub async fn handle(state: AppState, req: Request) -> Response {
    let request_id = crate::api::problem::current_request_id();
    let (parts, body) = req.into_parts();
    // The service comes from the credential scope, before anything is verified.
    let presented = sigv4::presented(&parts.headers, &parts.uri);
    let service = presented
        .as_ref()
        .ok()
        .and_then(|p| p.as_ref())
        .and_then(|p| Service::from_signing_name(&p.service));
    let fail = |e: Error| error::response(service, &e, &request_id);
    let presented = match presented {
        Ok(Some(p)) => p,
        Ok(None) => {
            return fail(Error::new(
                crate::error::ErrorKind::Unauthenticated,
                "MissingAuthenticationToken",
                "Request is missing Authentication Token",
            ));
        }
        Err(e) => return fail(e),
    };
    let Some(service) = service else {
        return fail(Error::validation(
            "InvalidAction",
            format!(
                "linkplane's AWS front serves ec2, elasticloadbalancing and sts; the credential scope names '{}'",
                presented.service
            ),
        ));
    };
    let body: Bytes = match axum::body::to_bytes(body, MAX_BODY).await {
        Ok(b) => b,
        Err(e) => {
            let e = e.into_inner();
            let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e.as_ref());
            while let Some(s) = source {
                if s.is::<crate::api::extract::body::BodyTimedOut>() {
                    return fail(Error::validation(
                        "RequestTimeout",
                        "the request body did not arrive in time (LINKPLANE_BODY_TIMEOUT_MS)",
                    ));
                }
                source = s.source();
            }
            return fail(Error::validation(
                "MalformedQueryString",
                format!("the request body could not be read whole (at most {MAX_BODY} bytes)"),
            ));
        }
    };
    match serve(state, service, presented, parts, body, request_id.clone()).await {
        Ok(xml) => error::xml_response(StatusCode::OK, xml),
        Err(e) => error::response(Some(service), &e, &request_id),
    }
}

async fn serve(
    state: AppState,
    service: Service,
    presented: sigv4::Presented,
    parts: axum::http::request::Parts,
    body: Bytes,
    request_id: String,
) -> Result<String> {
    sigv4::check_time(&presented, Some(service), time::OffsetDateTime::now_utc())?;
    let candidates =
        sigv4::signed_requests(&presented, &parts.method, &parts.uri, &parts.headers, &body)?;
    let mut caller = None;
    let mut last = None;
    for signed in &candidates {
        match crate::service::caller::authenticate_signed(
            &state.store,
            signed,
            state.settings.aws_open_account.as_deref(),
        )
        .await
        {
            Ok(c) => {
                caller = Some(c);
                break;
            }
            Err(e) => last = Some(e),
        }
    }
    let Some(caller) = caller else {
        return Err(last.unwrap_or_else(|| Error::unauthenticated("no signature")));
    };
    // Parameters: the query string's (less the presigned X-Amz-*), decoded
    // as the signature read them, then the form body's (covered by the
    // signature's payload hash: `signed_requests` offers UNSIGNED-PAYLOAD
    // only for an empty body).
    let mut pairs: Vec<(String, String)> = sigv4::query_params(&parts.uri)
        .into_iter()
        .filter(|(k, _)| !k.starts_with("X-Amz-"))
        .collect();
    pairs.extend(params::parse_form(&String::from_utf8_lossy(&body)));
    let mut params = Params::from_pairs(pairs);
    params.check_text()?;
    let action_name = params
        .take("Action")
        .filter(|a| !a.is_empty())
        .ok_or_else(|| {
            Error::validation(
                "MissingAction",
                "The request must contain the parameter Action",
            )
        })?;
    let version = params
        .take("Version")
        .filter(|v| !v.is_empty())
        .ok_or_else(|| Error::missing("The request must contain the parameter Version"))?;
    if version != service.version() {
        return Err(Error::validation(
            "NoSuchVersion",
            format!(
                "The requested version ({version}) of service {} does not exist",
                service.title()
            ),
        ));
    }
    let Some(action) = service.actions().iter().find(|a| a.name == action_name) else {
        let served: Vec<&str> = service.actions().iter().map(|a| a.name).collect();
        let served = if served.is_empty() {
            "no action yet".to_string()
        } else {
            served.join(", ")
        };
        return Err(Error::validation(
            "InvalidAction",
            format!(
                "The action {action_name} is not valid for this web service (linkplane serves {served} of {})",
                service.title()
            ),
        ));
    };
    let region = presented.region.clone();
    // `ready()` checks the value; a dry run that comes back without an
    // error (a read, or a write that had nothing to change) would have
    // succeeded.
    let dry_run = params
        .peek("DryRun")
        .is_some_and(|v| v.eq_ignore_ascii_case("true"));
    let store = state.store.clone();
    let answer = (action.handler)(Call {
        state,
        store,
        caller,
        region,
        action: action.name,
        request_id,
        params,
    })
    .await;
    match answer {
        Ok(_) if dry_run => Err(Error::dry_run()),
        other => other,
    }
}

/// The response document of a Query-protocol service (STS, ELBv2):
/// `<XResponse><XResult>...</XResult><ResponseMetadata><RequestId/>...`.
pub fn query_response(service: Service, call: &Call, result: impl FnOnce(&mut xml::Xml)) -> String {
    let mut x = xml::Xml::new(&format!("{}Response", call.action), Some(service.xmlns()));
    x.open(&format!("{}Result", call.action));
    result(&mut x);
    x.close();
    x.open("ResponseMetadata")
        .text("RequestId", &call.request_id)
        .close();
    x.finish()
}
