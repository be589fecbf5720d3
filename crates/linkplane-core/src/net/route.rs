//! Routes: destinations, targets and the rules for a route a user adds.

use std::fmt;

use super::Ipv4Cidr;
use crate::error::CoreError;

/// A route destination: a CIDR block or a prefix-list id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RouteDestination {
    Cidr(Ipv4Cidr),
    PrefixList(String),
}

impl RouteDestination {
    /// The canonical text: `10.0.0.0/16` or `pl-63a5400a`.
    pub fn as_string(&self) -> String {
        match self {
            RouteDestination::Cidr(c) => c.to_string(),
            RouteDestination::PrefixList(id) => id.clone(),
        }
    }
}

impl fmt::Display for RouteDestination {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RouteDestination::Cidr(c) => c.fmt(f),
            RouteDestination::PrefixList(id) => f.write_str(id),
        }
    }
}

/// Parses a route destination: `pl-` followed by 8 or 17 lowercase hex digits
/// is a prefix list (`InvalidPrefixListId.Malformed` when the rest is wrong);
/// anything else must be a strict CIDR block (errors name the parameter
/// `destinationCidrBlock`).
pub fn parse_route_destination(s: &str) -> Result<RouteDestination, CoreError> {
    if let Some(hex) = s.strip_prefix("pl-") {
        let well_formed = (hex.len() == 8 || hex.len() == 17)
            && hex
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        if !well_formed {
            return Err(CoreError::invalid(
                "InvalidPrefixListId.Malformed",
                format!(
                    "The prefix list ID '{s}' is malformed. Expected 'pl-' followed by 8 or 17 \
                     lowercase hexadecimal digits."
                ),
            ));
        }
        return Ok(RouteDestination::PrefixList(s.to_string()));
    }
    Ipv4Cidr::parse_param("destinationCidrBlock", s).map(RouteDestination::Cidr)
}

/// What a VPC route sends traffic to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RouteTarget {
    Local,
    InternetGateway,
    NatGateway,
    PeeringConnection,
    TransitGateway,
    NetworkInterface,
    GatewayEndpoint,
    GatewayLoadBalancerEndpoint,
}

/// AWS's rules for a route a user adds to a table of a VPC whose CIDR is
/// `vpc_cidr` (route priority itself is the resolver's business):
///
/// - a destination equal to or inside the VPC's CIDR is "more specific than
///   local": AWS allows it only for middlebox insertion, towards a network
///   interface, a NAT gateway or a Gateway Load Balancer endpoint;
/// - a prefix-list destination cannot target a Gateway Load Balancer endpoint;
/// - `local` and gateway-endpoint routes are made by AWS, never by a user.
pub fn check_user_route(
    vpc_cidr: &Ipv4Cidr,
    destination: &RouteDestination,
    target: RouteTarget,
) -> Result<(), CoreError> {
    match target {
        RouteTarget::Local => {
            return Err(CoreError::invalid_value(
                "the local route is created with the VPC and cannot be added",
            ));
        }
        RouteTarget::GatewayEndpoint => {
            return Err(CoreError::invalid_value(
                "routes to gateway endpoints are managed by the endpoint: add the route table \
                 to the endpoint instead",
            ));
        }
        _ => {}
    }
    match destination {
        RouteDestination::Cidr(c) if vpc_cidr.contains(c) => {
            let middlebox = matches!(
                target,
                RouteTarget::NetworkInterface
                    | RouteTarget::NatGateway
                    | RouteTarget::GatewayLoadBalancerEndpoint
            );
            if !middlebox {
                return Err(CoreError::invalid_value(format!(
                    "The destination CIDR block {c} is equal to or more specific than one of \
                     this VPC's CIDR blocks ({vpc_cidr}). This route can target only a network \
                     interface, a NAT gateway or a Gateway Load Balancer endpoint."
                )));
            }
            if c == vpc_cidr {
                return Err(CoreError::conflict(
                    "RouteAlreadyExists",
                    format!("The route identified by {c} already exists (the local route)."),
                ));
            }
        }
        RouteDestination::PrefixList(id) if target == RouteTarget::GatewayLoadBalancerEndpoint => {
            return Err(CoreError::invalid_value(format!(
                "a prefix list ({id}) cannot be the destination of a route to a Gateway Load \
                 Balancer endpoint"
            )));
        }
        _ => {}
    }
    Ok(())
}
