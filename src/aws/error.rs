//! The domain's [`Error`] in each service's XML error shape, with AWS's
//! HTTP statuses: the one place the AWS front renders errors.
//!
//! - EC2: `<Response><Errors><Error><Code/><Message/></Error></Errors><RequestID/></Response>`
//! - Query services (ELBv2, STS): `<ErrorResponse xmlns=...><Error><Type>Sender</Type><Code/><Message/></Error><RequestId/></ErrorResponse>`

use crate::aws::Service;
use crate::aws::xml::Xml;
use crate::error::{Error, ErrorKind};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

pub const CONTENT_TYPE: &str = "text/xml;charset=UTF-8";

/// The code a service answers for a domain code, and its message.
fn wire_code(service: Option<Service>, e: &Error) -> (String, String) {
    let code = e.code.as_ref();
    let message = e.client_message().into_owned();
    match (service, code) {
        // The Query services name an unknown, revoked or unusable key so,
        // in their own words for an unknown key; a key linkplane cannot
        // use (no SigV4 secret, no server key) keeps the message that says
        // what to do.
        (Some(Service::Sts | Service::Elbv2) | None, "AuthFailure") => (
            "InvalidClientTokenId".to_string(),
            if message == crate::service::caller::UNKNOWN_KEY_MESSAGE {
                "The security token included in the request is invalid.".to_string()
            } else {
                message
            },
        ),
        // ELBv2 names a missing subnet or VPC, and a bad value, its own way.
        (Some(Service::Elbv2), "InvalidSubnetID.NotFound") => {
            ("SubnetNotFound".to_string(), message)
        }
        (
            Some(Service::Elbv2),
            "InvalidVpcID.NotFound" | "InvalidParameterValue" | "MissingParameter",
        ) => ("ValidationError".to_string(), message),
        _ => (code.to_string(), message),
    }
}

/// AWS's status for an error of a service.
pub fn status(service: Option<Service>, code: &str, kind: ErrorKind) -> StatusCode {
    let ec2 = service == Some(Service::Ec2);
    match code {
        "DryRunOperation" => return StatusCode::PRECONDITION_FAILED,
        "UnauthorizedOperation" | "AccessDenied" | "MissingAuthenticationToken" => {
            return StatusCode::FORBIDDEN;
        }
        "AuthFailure" => return StatusCode::UNAUTHORIZED,
        "RequestTimeout" if kind == ErrorKind::Invalid => return StatusCode::REQUEST_TIMEOUT,
        "InvalidClientTokenId" | "SignatureDoesNotMatch" => return StatusCode::FORBIDDEN,
        // AWS answers a rule's refusal (the requester accepting its own
        // peering) 400, where REST answers 403.
        "OperationNotPermitted" => return StatusCode::BAD_REQUEST,
        _ => {}
    }
    match kind {
        ErrorKind::Invalid
        | ErrorKind::NotFound
        | ErrorKind::Conflict
        | ErrorKind::PreconditionFailed => StatusCode::BAD_REQUEST,
        ErrorKind::Unauthenticated if ec2 => StatusCode::UNAUTHORIZED,
        ErrorKind::Unauthenticated | ErrorKind::Forbidden => StatusCode::FORBIDDEN,
        ErrorKind::Unavailable | ErrorKind::Contention => StatusCode::SERVICE_UNAVAILABLE,
        ErrorKind::Internal => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// The error body for `service` (None: the request named no service we
/// serve; the Query shape without a namespace).
pub fn body(service: Option<Service>, e: &Error, request_id: &str) -> (StatusCode, String) {
    let (code, message) = wire_code(service, e);
    let status = status(service, &code, e.kind);
    if matches!(e.kind, ErrorKind::Internal | ErrorKind::Contention) {
        tracing::error!(code = %e.code, error = %e.message, "AWS request failed");
    }
    let xml = match service {
        Some(Service::Ec2) => {
            let mut x = Xml::new("Response", None);
            x.open("Errors")
                .open("Error")
                .text("Code", &code)
                .text("Message", &message)
                .close()
                .close()
                .text("RequestID", request_id);
            x.finish()
        }
        _ => {
            let mut x = Xml::new("ErrorResponse", service.map(Service::xmlns));
            x.open("Error")
                .text(
                    "Type",
                    if status.is_server_error() {
                        "Receiver"
                    } else {
                        "Sender"
                    },
                )
                .text("Code", &code)
                .text("Message", &message)
                .close()
                .text("RequestId", request_id);
            x.finish()
        }
    };
    (status, xml)
}

pub fn response(service: Option<Service>, e: &Error, request_id: &str) -> Response {
    let (status, xml) = body(service, e, request_id);
    xml_response(status, xml)
}

pub fn xml_response(status: StatusCode, xml: String) -> Response {
    let mut res = (status, xml).into_response();
    res.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE));
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ec2_shape() {
        let e = Error::not_found("InvalidVpcID.NotFound", "The vpc ID 'vpc-1' does not exist");
        let (status, xml) = body(Some(Service::Ec2), &e, "req-1");
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(
            xml,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error>\
             <Code>InvalidVpcID.NotFound</Code><Message>The vpc ID &apos;vpc-1&apos; does not exist</Message>\
             </Error></Errors><RequestID>req-1</RequestID></Response>"
        );
        let (status, _) = body(Some(Service::Ec2), &Error::unauthenticated("x"), "r");
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        let dry = Error::new(ErrorKind::Invalid, "DryRunOperation", "m");
        assert_eq!(
            body(Some(Service::Ec2), &dry, "r").0,
            StatusCode::PRECONDITION_FAILED
        );
    }

    #[test]
    fn query_shape_renames_auth_failure_for_sts() {
        let (status, xml) = body(
            Some(Service::Sts),
            &Error::unauthenticated(crate::service::caller::UNKNOWN_KEY_MESSAGE),
            "req-2",
        );
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert_eq!(
            xml,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\
             <Error><Type>Sender</Type><Code>InvalidClientTokenId</Code>\
             <Message>The security token included in the request is invalid.</Message></Error>\
             <RequestId>req-2</RequestId></ErrorResponse>"
        );
        // A key linkplane cannot use keeps the message that says what to do.
        let (_, xml) = body(
            Some(Service::Elbv2),
            &Error::unauthenticated("create a new key"),
            "r",
        );
        assert!(
            xml.contains("<Code>InvalidClientTokenId</Code><Message>create a new key</Message>"),
            "{xml}"
        );
        let (status, xml) = body(Some(Service::Elbv2), &Error::internal("db gone"), "r");
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert!(xml.contains("<Type>Receiver</Type>") && !xml.contains("db gone"));
        assert!(
            xml.contains("xmlns=\"http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/\"")
        );
    }

    #[test]
    fn elbv2_names_subnets_and_bad_values_its_own_way() {
        let subnet = Error::not_found(
            "InvalidSubnetID.NotFound",
            "The subnet ID 's' does not exist",
        );
        let (status, xml) = body(Some(Service::Elbv2), &subnet, "r");
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(xml.contains("<Code>SubnetNotFound</Code>"), "{xml}");
        let (_, xml) = body(Some(Service::Elbv2), &Error::invalid_value("bad"), "r");
        assert!(xml.contains("<Code>ValidationError</Code>"), "{xml}");
        // EC2 keeps the domain's codes.
        let (_, xml) = body(Some(Service::Ec2), &subnet, "r");
        assert!(
            xml.contains("<Code>InvalidSubnetID.NotFound</Code>"),
            "{xml}"
        );
    }
}
