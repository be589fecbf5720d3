//! PrivateLink provider-side rules: ELB load balancer and target group ARNs,
//! target group protocols, endpoint service names, allowed principals,
//! private DNS names and their domain-ownership verification records, and
//! supported IP address types.
//!
//! Pure like the rest of the crate: the random bits for ids and verification
//! records come from the caller.

pub mod listener;

use crate::catalog::catalog;
use crate::error::CoreError;
use crate::identity::{PrincipalArn, PrincipalType, is_valid_account_id};
use crate::ids::{format_token, is_valid_id};
use serde::Serialize;

/// The ARN prefix shared by every Elastic Load Balancing resource.
const ELB_ARN_PREFIX: &str = "arn:aws:elasticloadbalancing:";

/// Longest ELB load balancer or target group name.
pub const MAX_ELB_NAME_CHARS: usize = 32;

/// Number of lowercase hex digits in an ELB resource id.
pub const ELB_ID_HEX_DIGITS: usize = 16;

/// The only port a GENEVE (gateway load balancer) target group may use.
pub const GENEVE_PORT: u16 = 6081;

// ---------------------------------------------------------------------------
// Load balancers
// ---------------------------------------------------------------------------

/// Load balancer kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LoadBalancerKind {
    Network,
    Gateway,
}

impl LoadBalancerKind {
    /// `network` or `gateway`.
    pub fn as_str(self) -> &'static str {
        match self {
            LoadBalancerKind::Network => "network",
            LoadBalancerKind::Gateway => "gateway",
        }
    }

    /// The kind's segment in a load balancer ARN: `net` or `gwy`.
    pub fn arn_segment(self) -> &'static str {
        match self {
            LoadBalancerKind::Network => "net",
            LoadBalancerKind::Gateway => "gwy",
        }
    }

    /// Parses `network` / `gateway` (as [`as_str`](Self::as_str) writes them).
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "network" => Some(LoadBalancerKind::Network),
            "gateway" => Some(LoadBalancerKind::Gateway),
            _ => None,
        }
    }

    fn from_arn_segment(s: &str) -> Option<Self> {
        match s {
            "net" => Some(LoadBalancerKind::Network),
            "gwy" => Some(LoadBalancerKind::Gateway),
            _ => None,
        }
    }

    /// The error code AWS answers for a malformed ARN of this kind.
    fn malformed_code(self) -> &'static str {
        match self {
            LoadBalancerKind::Network => "InvalidNetworkLoadBalancerArn.Malformed",
            LoadBalancerKind::Gateway => "InvalidGatewayLoadBalancerArn.Malformed",
        }
    }
}

/// An ELB load balancer ARN:
/// `arn:aws:elasticloadbalancing:<region>:<12-digit acct>:loadbalancer/<net|gwy>/<name>/<16 lowercase hex>`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LoadBalancerArn {
    pub region: String,
    pub account_id: String,
    pub kind: LoadBalancerKind,
    pub name: String,
    pub id: String,
}

impl LoadBalancerArn {
    /// Strict parse. `expected` is the kind the caller asked for
    /// (`network_load_balancer_arns` -> [`LoadBalancerKind::Network`]). A
    /// malformed ARN, one of the other kind, or one naming a Region the
    /// catalog does not know answers `InvalidNetworkLoadBalancerArn.Malformed`
    /// (or `InvalidGatewayLoadBalancerArn.Malformed`).
    pub fn parse(s: &str, expected: LoadBalancerKind) -> Result<LoadBalancerArn, CoreError> {
        match parse_load_balancer_arn(s) {
            Some(arn) if arn.kind == expected => Ok(arn),
            _ => Err(CoreError::invalid(
                expected.malformed_code(),
                format!(
                    "Expected ARN of form {ELB_ARN_PREFIX}region:account-id:loadbalancer/{}/load-balancer-name/load-balancer-id, got '{s}'",
                    expected.arn_segment()
                ),
            )),
        }
    }

    /// Parses an ARN of either kind; a malformed one answers `ValidationError`.
    pub fn parse_any(s: &str) -> Result<LoadBalancerArn, CoreError> {
        parse_load_balancer_arn(s).ok_or_else(|| {
            CoreError::invalid(
                "ValidationError",
                format!(
                    "'{s}' is not a valid load balancer ARN: expected {ELB_ARN_PREFIX}region:account-id:loadbalancer/net|gwy/load-balancer-name/load-balancer-id"
                ),
            )
        })
    }

    /// The ARN string.
    pub fn arn(&self) -> String {
        format!(
            "{ELB_ARN_PREFIX}{}:{}:loadbalancer/{}/{}/{}",
            self.region,
            self.account_id,
            self.kind.arn_segment(),
            self.name,
            self.id
        )
    }
}

/// The shared structural parse; `None` for anything malformed.
fn parse_load_balancer_arn(s: &str) -> Option<LoadBalancerArn> {
    let (region, account_id, resource) = split_elb_arn(s)?;
    let rest = resource.strip_prefix("loadbalancer/")?;
    let mut parts = rest.split('/');
    let (segment, name, id) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let kind = LoadBalancerKind::from_arn_segment(segment)?;
    if validate_load_balancer_name(name).is_err() || !is_valid_elb_id(id) {
        return None;
    }
    Some(LoadBalancerArn {
        region: region.to_string(),
        account_id: account_id.to_string(),
        kind,
        name: name.to_string(),
        id: id.to_string(),
    })
}

/// Splits `arn:aws:elasticloadbalancing:<region>:<acct>:<resource>`, checking
/// that the Region is one the catalog knows and the account id has 12 digits.
fn split_elb_arn(s: &str) -> Option<(&str, &str, &str)> {
    let rest = s.strip_prefix(ELB_ARN_PREFIX)?;
    let (region, rest) = rest.split_once(':')?;
    let (account_id, resource) = rest.split_once(':')?;
    if catalog().region(region).is_none() || !is_valid_account_id(account_id) {
        return None;
    }
    Some((region, account_id, resource))
}

/// True when `id` is exactly 16 lowercase hex digits, as ELB writes its ids.
pub fn is_valid_elb_id(id: &str) -> bool {
    id.len() == ELB_ID_HEX_DIGITS
        && id
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// 16 lowercase hex digits from random bits (ELB load balancer and target
/// group ids).
pub fn elb_id(random: u64) -> String {
    format!("{random:016x}")
}

/// ELB load balancer name rules: 1 to 32 characters, ASCII letters, digits
/// and hyphens, not starting or ending with a hyphen, not starting with
/// `internal-`. Violations answer `ValidationError`.
pub fn validate_load_balancer_name(name: &str) -> Result<(), CoreError> {
    validate_elb_name("load balancer", name)?;
    if name.starts_with("internal-") {
        return Err(CoreError::invalid(
            "ValidationError",
            format!("Load balancer name '{name}' cannot begin with 'internal-'"),
        ));
    }
    Ok(())
}

/// ELB target group name rules: 1 to 32 characters, ASCII letters, digits
/// and hyphens, not starting or ending with a hyphen. (Unlike load balancer
/// names, `internal-` is allowed.) Violations answer `ValidationError`.
pub fn validate_target_group_name(name: &str) -> Result<(), CoreError> {
    validate_elb_name("target group", name)
}

fn validate_elb_name(what: &str, name: &str) -> Result<(), CoreError> {
    let fail = |rule: &str| {
        Err(CoreError::invalid(
            "ValidationError",
            format!("The {what} name '{name}' {rule}"),
        ))
    };
    if name.is_empty() {
        return fail("must not be empty");
    }
    if name.len() > MAX_ELB_NAME_CHARS {
        return fail("cannot be longer than 32 characters");
    }
    if !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
        return fail("can only contain alphanumeric characters and hyphens (-)");
    }
    if name.starts_with('-') || name.ends_with('-') {
        return fail("cannot begin or end with a hyphen (-)");
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Target groups
// ---------------------------------------------------------------------------

/// Target group ARN:
/// `arn:aws:elasticloadbalancing:<region>:<acct>:targetgroup/<name>/<16 hex>`.
pub fn target_group_arn(region: &str, account_id: &str, name: &str, id16: &str) -> String {
    format!("{ELB_ARN_PREFIX}{region}:{account_id}:targetgroup/{name}/{id16}")
}

/// Parses a target group ARN into `(region, account_id, name, id)`. Malformed
/// ARNs (including unknown Regions) answer `ValidationError`.
pub fn parse_target_group_arn(s: &str) -> Result<(String, String, String, String), CoreError> {
    let parsed = (|| {
        let (region, account_id, resource) = split_elb_arn(s)?;
        let (name, id) = resource.strip_prefix("targetgroup/")?.split_once('/')?;
        if validate_target_group_name(name).is_err() || !is_valid_elb_id(id) {
            return None;
        }
        Some((
            region.to_string(),
            account_id.to_string(),
            name.to_string(),
            id.to_string(),
        ))
    })();
    parsed.ok_or_else(|| {
        CoreError::invalid(
            "ValidationError",
            format!(
                "'{s}' is not a valid target group ARN: expected {ELB_ARN_PREFIX}region:account-id:targetgroup/target-group-name/target-group-id"
            ),
        )
    })
}

/// Target group protocols: TCP, UDP, TCP_UDP and TLS for network load
/// balancers; GENEVE for gateway load balancers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetProtocol {
    Tcp,
    Udp,
    TcpUdp,
    Tls,
    Geneve,
}

impl TargetProtocol {
    /// Parses a protocol, case-insensitively (`TCP`, `tcp_udp`, `GENEVE`);
    /// anything else answers `ValidationError`.
    pub fn parse(s: &str) -> Result<TargetProtocol, CoreError> {
        match s.to_ascii_lowercase().as_str() {
            "tcp" => Ok(TargetProtocol::Tcp),
            "udp" => Ok(TargetProtocol::Udp),
            "tcp_udp" => Ok(TargetProtocol::TcpUdp),
            "tls" => Ok(TargetProtocol::Tls),
            "geneve" => Ok(TargetProtocol::Geneve),
            _ => Err(CoreError::invalid(
                "ValidationError",
                format!(
                    "'{s}' is not a valid target group protocol: expected one of tcp, udp, tcp_udp, tls, geneve"
                ),
            )),
        }
    }

    /// The canonical lowercase name: `tcp`, `udp`, `tcp_udp`, `tls`, `geneve`.
    pub fn as_str(self) -> &'static str {
        match self {
            TargetProtocol::Tcp => "tcp",
            TargetProtocol::Udp => "udp",
            TargetProtocol::TcpUdp => "tcp_udp",
            TargetProtocol::Tls => "tls",
            TargetProtocol::Geneve => "geneve",
        }
    }

    /// Whether a target group of this protocol can sit behind a load
    /// balancer of `kind`.
    pub fn fits(self, kind: LoadBalancerKind) -> bool {
        match self {
            TargetProtocol::Geneve => kind == LoadBalancerKind::Gateway,
            _ => kind == LoadBalancerKind::Network,
        }
    }

    /// Whether a flow of transport protocol `flow` (`tcp` / `udp`, any case)
    /// is carried: TCP and TLS carry tcp, UDP carries udp, TCP_UDP both, and
    /// GENEVE encapsulates any flow.
    pub fn carries(self, flow: &str) -> bool {
        let tcp = flow.eq_ignore_ascii_case("tcp");
        let udp = flow.eq_ignore_ascii_case("udp");
        match self {
            TargetProtocol::Tcp | TargetProtocol::Tls => tcp,
            TargetProtocol::Udp => udp,
            TargetProtocol::TcpUdp => tcp || udp,
            TargetProtocol::Geneve => true,
        }
    }
}

/// Checks a target group's protocol and port against the load balancer kind:
/// the port is 1..=65535; GENEVE only for gateway load balancers and only on
/// port 6081; every other protocol only for network load balancers.
/// Violations answer `ValidationError`.
pub fn check_target_group(
    kind: LoadBalancerKind,
    protocol: TargetProtocol,
    port: u16,
) -> Result<(), CoreError> {
    let fail = |message: String| Err(CoreError::invalid("ValidationError", message));
    if port == 0 {
        return fail(
            "Port 0 is out of range: a target group port must be between 1 and 65535".into(),
        );
    }
    if !protocol.fits(kind) {
        return match kind {
            LoadBalancerKind::Network => fail(format!(
                "Protocol '{}' is not supported by network load balancers: use tcp, udp, tcp_udp or tls",
                protocol.as_str()
            )),
            LoadBalancerKind::Gateway => fail(format!(
                "Protocol '{}' is not supported by gateway load balancers: use geneve",
                protocol.as_str()
            )),
        };
    }
    if protocol == TargetProtocol::Geneve && port != GENEVE_PORT {
        return fail(format!(
            "Port {port} is not supported for protocol 'geneve': geneve target groups must use port {GENEVE_PORT}"
        ));
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Endpoint service names
// ---------------------------------------------------------------------------

/// `com.amazonaws.vpce.<region>.<service_id>`.
pub fn service_name(region: &str, service_id: &str) -> String {
    format!("com.amazonaws.vpce.{region}.{service_id}")
}

/// `<service_id>.<region>.vpce.amazonaws.com`.
pub fn base_endpoint_dns_name(region: &str, service_id: &str) -> String {
    format!("{service_id}.{region}.vpce.amazonaws.com")
}

/// Parses `com.amazonaws.vpce.<region>.vpce-svc-<17 hex>` into
/// `(region, service_id)`; anything else is `None`. The Region is checked
/// for shape (lowercase letters, digits and inner hyphens), not against the
/// catalog, so a well-formed name in an unknown Region still parses.
pub fn parse_service_name(name: &str) -> Option<(String, String)> {
    let rest = name.strip_prefix("com.amazonaws.vpce.")?;
    let (region, service_id) = rest.split_once('.')?;
    let region_ok = !region.is_empty()
        && region
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !region.starts_with('-')
        && !region.ends_with('-');
    if !region_ok || !is_valid_id("vpce-svc", service_id) {
        return None;
    }
    Some((region.to_string(), service_id.to_string()))
}

// ---------------------------------------------------------------------------
// Allowed principals
// ---------------------------------------------------------------------------

/// Allowed-principal types (`PrincipalType` of
/// DescribeVpcEndpointServicePermissions); wire `all`, `account`, `user`,
/// `role`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AllowedPrincipalType {
    All,
    Account,
    User,
    Role,
}

impl AllowedPrincipalType {
    pub fn as_str(self) -> &'static str {
        match self {
            AllowedPrincipalType::All => "all",
            AllowedPrincipalType::Account => "account",
            AllowedPrincipalType::User => "user",
            AllowedPrincipalType::Role => "role",
        }
    }

    pub fn parse(s: &str) -> Option<AllowedPrincipalType> {
        match s {
            "all" => Some(AllowedPrincipalType::All),
            "account" => Some(AllowedPrincipalType::Account),
            "user" => Some(AllowedPrincipalType::User),
            "role" => Some(AllowedPrincipalType::Role),
            _ => None,
        }
    }
}

/// Parses an allowed principal: `*` (all), `arn:aws:iam::<acct>:root`
/// (account), `arn:aws:iam::<acct>:user/<name>` (user) or
/// `arn:aws:iam::<acct>:role/<name>` (role). ARNs with a path
/// (`user/team/alice`) are not supported, as in AWS. Errors answer
/// `InvalidPrincipal`. Answers the canonical principal string and its type.
pub fn parse_allowed_principal(s: &str) -> Result<(String, AllowedPrincipalType), CoreError> {
    if s == "*" {
        return Ok(("*".to_string(), AllowedPrincipalType::All));
    }
    let invalid = || {
        CoreError::invalid(
            "InvalidPrincipal",
            format!(
                "Invalid principal '{s}': expected '*', arn:aws:iam::<account-id>:root, arn:aws:iam::<account-id>:user/<user-name> or arn:aws:iam::<account-id>:role/<role-name>"
            ),
        )
    };
    let principal = PrincipalArn::parse(s).map_err(|_| invalid())?;
    let kind = match principal.kind {
        PrincipalType::Root => AllowedPrincipalType::Account,
        PrincipalType::User => AllowedPrincipalType::User,
        PrincipalType::Role => AllowedPrincipalType::Role,
    };
    // AWS refuses allowed principals with an IAM path; the path-less ARN
    // of the user or role is what names it (and matches it at any path).
    if principal.path != crate::identity::ROOT_PATH {
        return Err(CoreError::invalid(
            "InvalidPrincipal",
            format!(
                "Invalid principal '{s}': IAM {} ARNs with paths are not supported; use arn:aws:iam::{}:{}/{}, which allows that {} at any path",
                kind.as_str(),
                principal.account_id,
                kind.as_str(),
                principal.name,
                kind.as_str()
            ),
        ));
    }
    Ok((principal.arn(), kind))
}

/// The allowed-principal entries any one of which lets a caller (account
/// id, principal ARN) discover and connect to a service: `*`, the account's
/// root (every principal of the account), and the caller's own user or role
/// ARN without its IAM path (entries never have one, and IAM names are
/// unique across paths, so `user/alice` is the user `alice` at any path).
/// A store looks these up in the service's permissions.
pub fn permission_keys(caller_account: &str, caller_arn: &str) -> [String; 3] {
    let own = PrincipalArn::parse(caller_arn)
        .map(|p| p.without_path().arn())
        .unwrap_or_else(|_| caller_arn.to_string());
    [
        "*".to_string(),
        format!("arn:aws:iam::{caller_account}:root"),
        own,
    ]
}

/// Whether a caller (account id, principal ARN) matches an allowed principal
/// entry: whether the entry, made canonical, is one of the caller's
/// [`permission_keys`]. Entries that do not parse match nobody.
pub fn principal_allows(entry: &str, caller_account: &str, caller_arn: &str) -> bool {
    match parse_allowed_principal(entry) {
        Ok((canonical, _)) => {
            is_valid_account_id(caller_account)
                && permission_keys(caller_account, caller_arn).contains(&canonical)
        }
        Err(_) => false,
    }
}

// ---------------------------------------------------------------------------
// Private DNS names and their verification
// ---------------------------------------------------------------------------

/// Longest DNS name, in characters.
pub const MAX_DNS_NAME_CHARS: usize = 255;

/// Longest DNS label, in characters.
pub const MAX_DNS_LABEL_CHARS: usize = 63;

/// Private DNS names of endpoint services: lowercase; labels of 1 to 63
/// characters of `[a-z0-9-]`, not starting or ending with `-`; at least two
/// labels besides an optional leading `*.` wildcard label; at most 255
/// characters in all. Violations answer `InvalidParameterValue`.
pub fn validate_private_dns_name(name: &str) -> Result<(), CoreError> {
    let fail = |rule: String| {
        Err(CoreError::invalid_value(format!(
            "Invalid private DNS name '{name}': {rule}"
        )))
    };
    if name.is_empty() {
        return fail("the name must not be empty".into());
    }
    if name.bytes().any(|b| b.is_ascii_uppercase()) {
        return fail("the name must be lowercase".into());
    }
    if name.len() > MAX_DNS_NAME_CHARS {
        return fail(format!(
            "the name is {} characters long; at most {MAX_DNS_NAME_CHARS} are allowed",
            name.len()
        ));
    }
    let domain = verification_domain(name);
    if domain.contains('*') {
        return fail("a wildcard is only allowed as the whole first label ('*.')".into());
    }
    let labels: Vec<&str> = domain.split('.').collect();
    if labels.len() < 2 {
        return fail("the name must have at least two labels (like example.com)".into());
    }
    for label in labels {
        if label.is_empty() {
            return fail("labels must not be empty".into());
        }
        if label.len() > MAX_DNS_LABEL_CHARS {
            return fail(format!(
                "label '{label}' is longer than {MAX_DNS_LABEL_CHARS} characters"
            ));
        }
        if !label
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        {
            return fail(format!(
                "label '{label}' may only contain lowercase letters, digits and hyphens"
            ));
        }
        if label.starts_with('-') || label.ends_with('-') {
            return fail(format!(
                "label '{label}' must not start or end with a hyphen"
            ));
        }
    }
    Ok(())
}

/// The domain whose ownership must be verified for a private DNS name: the
/// name without a leading `*.` (`*.api.example.com` -> `api.example.com`).
pub fn verification_domain(name: &str) -> &str {
    name.strip_prefix("*.").unwrap_or(name)
}

/// Whether verifying `verified_domain` covers `name`: the verification domain
/// of `name` equals it or is a subdomain of it, on label boundaries
/// (ASCII case-insensitively, as DNS compares names). An empty verified
/// domain covers nothing.
pub fn domain_covers(verified_domain: &str, name: &str) -> bool {
    let v = verified_domain.as_bytes();
    let d = verification_domain(name).as_bytes();
    if v.is_empty() || d.len() < v.len() {
        return false;
    }
    let cut = d.len() - v.len();
    d[cut..].eq_ignore_ascii_case(v) && (cut == 0 || d[cut - 1] == b'.')
}

/// Number of random characters in a verification record's name label and in
/// its value.
pub const VERIFICATION_CHARS: usize = 20;

/// The TXT record AWS asks a service provider to publish: the name label is
/// `_` plus 20 lowercase base-36 characters (from `name_bits`), the value
/// `vpce:` plus 20 characters of `[A-Za-z0-9]` (from `value_bits`), like
/// `vpce:l6p0ERxlTt45jevFwOCp`.
pub fn verification_record(name_bits: u128, value_bits: u128) -> (String, String) {
    const ALPHABET: &[u8; 62] = b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let label = format!("_{}", format_token(name_bits, VERIFICATION_CHARS));
    let mut value = String::with_capacity(5 + VERIFICATION_CHARS);
    value.push_str("vpce:");
    let mut bits = value_bits;
    for _ in 0..VERIFICATION_CHARS {
        value.push(ALPHABET[(bits % 62) as usize] as char);
        bits /= 62;
    }
    (label, value)
}

/// The full record name to look up: `<label>.<verification_domain(private_dns_name)>`.
pub fn verification_record_name(label: &str, private_dns_name: &str) -> String {
    format!("{label}.{}", verification_domain(private_dns_name))
}

// ---------------------------------------------------------------------------
// Supported IP address types
// ---------------------------------------------------------------------------

/// Checks `supported_ip_address_types`: non-empty, each value `ipv4` or
/// `ipv6`. Duplicates collapse, so the answer has at most two entries, in
/// canonical order (ipv4 first). Violations answer `InvalidParameterValue`.
pub fn check_ip_address_types(types: &[String]) -> Result<Vec<String>, CoreError> {
    if types.is_empty() {
        return Err(CoreError::invalid_value(
            "At least one supported IP address type is required: ipv4, ipv6 or both",
        ));
    }
    let (mut v4, mut v6) = (false, false);
    for t in types {
        match t.as_str() {
            "ipv4" => v4 = true,
            "ipv6" => v6 = true,
            other => {
                return Err(CoreError::invalid_value(format!(
                    "Invalid supported IP address type '{other}': expected ipv4 or ipv6"
                )));
            }
        }
    }
    let mut out = Vec::with_capacity(2);
    if v4 {
        out.push("ipv4".to_string());
    }
    if v6 {
        out.push("ipv6".to_string());
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
