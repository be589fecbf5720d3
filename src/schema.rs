//! OpenAPI schemas of the string formats the server enforces: resource ids,
//! ARNs, Regions and zones, addresses and CIDR blocks, tag filters.
//!
//! Wire types name them with `#[schema(value_type = schema::VpcId)]` (or
//! `Option<...>`, `Vec<...>`), so the document states each format once, as a
//! component, and a generated client (or a fuzzer) knows what the server will
//! refuse. Each pattern is built from the same rules the validators apply
//! (`linkplane_core::ids`, `identity`, `net`, `privatelink`, the catalog);
//! the tests below hold them to those validators. Patterns use only syntax
//! that ECMAScript and Python regular expressions read alike: no `\d` or
//! `\w` (Unicode-aware in Python), no flags, no lookbehind.

use linkplane_core::catalog::catalog;
use linkplane_core::ids::ID_HEX_DIGITS;
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};

/// A decimal octet, 0 to 255, without leading zeros.
const OCTET: &str = "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])";

/// Letters, digits and `+=,.@_-`: IAM user and role names and path segments.
const IAM_CHARS: &str = "[A-Za-z0-9+=,.@_-]";

/// `^(a|b|c)$` for a list of literal words (Region codes, zone names; they
/// hold no regex metacharacters but `-`, which is literal outside classes).
fn one_of<S: AsRef<str>>(words: &[S]) -> String {
    let words: Vec<&str> = words.iter().map(AsRef::as_ref).collect();
    format!("({})", words.join("|"))
}

/// The catalog's Region codes, as an alternation.
pub fn regions_alternation() -> String {
    let regions: Vec<&str> = catalog()
        .regions()
        .iter()
        .map(|r| r.region.as_str())
        .collect();
    one_of(&regions)
}

/// `<prefix>-` and 17 lowercase hex digits.
pub fn id_pattern(prefix: &str) -> String {
    format!("^{prefix}-[0-9a-f]{{{ID_HEX_DIGITS}}}$")
}

/// A dotted-quad IPv4 address (no anchors).
fn ipv4() -> String {
    format!("({OCTET}\\.){{3}}{OCTET}")
}

/// IPv4 CIDR blocks of prefix lengths `lengths`, written as their network
/// address (the bits after the prefix zero), no anchors: per length, the
/// octets the prefix covers are any octet, the one it ends in a multiple of
/// its step, the rest `0` (`(OCT\.){2}(0|64|128|192)\.0/18`).
fn cidr(lengths: std::ops::RangeInclusive<u8>) -> String {
    let forms: Vec<String> = lengths
        .map(|len| {
            let octets: Vec<String> = (0..4u8)
                .map(|i| {
                    let covered = len.saturating_sub(8 * i).min(8);
                    match covered {
                        8 => OCTET.to_string(),
                        0 => "0".to_string(),
                        bits => {
                            let step = 1usize << (8 - bits);
                            let values: Vec<String> =
                                (0..256).step_by(step).map(|v| v.to_string()).collect();
                            format!("({})", values.join("|"))
                        }
                    }
                })
                .collect();
            format!("{}/{len}", octets.join("\\."))
        })
        .collect();
    format!("({})", forms.join("|"))
}

/// An ELB load balancer or target group name: 1 to 32 letters, digits and
/// hyphens, not starting or ending with a hyphen.
const ELB_NAME: &str = "[A-Za-z0-9]([A-Za-z0-9-]{0,30}[A-Za-z0-9])?";

/// The load balancer ARN of `segment` (`net`, `gwy` or both).
fn load_balancer_arn(segment: &str) -> String {
    format!(
        "^arn:aws:elasticloadbalancing:{}:[0-9]{{12}}:loadbalancer/{segment}/(?!internal-){ELB_NAME}/[0-9a-f]{{16}}$",
        regions_alternation()
    )
}

fn string(description: &str, pattern: String, example: &str) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .description(Some(description))
        .pattern(Some(pattern))
        .examples([serde_json::Value::from(example)])
}

/// Declares a string format: a type whose schema is a named component.
macro_rules! string_format {
    ($(#[doc = $doc:expr])+ $name:ident => $build:expr) => {
        $(#[doc = $doc])+
        #[derive(Debug)]
        pub struct $name;

        impl utoipa::PartialSchema for $name {
            fn schema() -> RefOr<Schema> {
                let build: fn() -> ObjectBuilder = $build;
                build().build().into()
            }
        }

        impl utoipa::ToSchema for $name {}
    };
}

/// Declares a resource id format: `<prefix>-` and 17 lowercase hex digits.
macro_rules! id_format {
    ($($name:ident = $prefix:literal, $example:literal, $what:literal;)+) => {
        $(
            string_format! {
                #[doc = concat!("The id of ", $what, ": `", $prefix, "-` and 17 lowercase hex digits.")]
                $name => || string(
                    concat!("The id of ", $what, ": `", $prefix, "-` and 17 lowercase hex digits."),
                    id_pattern($prefix),
                    $example,
                )
            }
        )+
    };
}

id_format! {
    VpcId = "vpc", "vpc-0a1b2c3d4e5f67890", "a VPC";
    SubnetId = "subnet", "subnet-0a1b2c3d4e5f67890", "a subnet";
    RouteTableId = "rtb", "rtb-0a1b2c3d4e5f67890", "a route table";
    RouteTableAssociationId = "rtbassoc", "rtbassoc-0a1b2c3d4e5f67890", "a route table association";
    SecurityGroupId = "sg", "sg-0a1b2c3d4e5f67890", "a security group";
    SecurityGroupRuleId = "sgr", "sgr-0a1b2c3d4e5f67890", "a security group rule";
    InternetGatewayId = "igw", "igw-0a1b2c3d4e5f67890", "an internet gateway";
    NatGatewayId = "nat", "nat-0a1b2c3d4e5f67890", "a NAT gateway";
    NetworkInterfaceId = "eni", "eni-0a1b2c3d4e5f67890", "a network interface";
    VpcPeeringConnectionId = "pcx", "pcx-0a1b2c3d4e5f67890", "a VPC peering connection";
    TransitGatewayId = "tgw", "tgw-0a1b2c3d4e5f67890", "a transit gateway";
    TransitGatewayAttachmentId = "tgw-attach", "tgw-attach-0a1b2c3d4e5f67890", "a transit gateway attachment";
    VpcEndpointId = "vpce", "vpce-0a1b2c3d4e5f67890", "a VPC endpoint";
    ServiceId = "vpce-svc", "vpce-svc-03d5ebb7d9579a2b3", "an endpoint service";
    ConnectionNotificationId = "vpce-nfn", "vpce-nfn-0a1b2c3d4e5f67890", "a connection notification";
}

string_format! {
    /// An AWS-managed prefix list id: `pl-` and 8 or 17 lowercase hex digits.
    PrefixListId => || string(
        "An AWS-managed prefix list id: `pl-` and 8 or 17 lowercase hex digits (`GET /v1/prefix-lists`).",
        "^pl-([0-9a-f]{8}|[0-9a-f]{17})$".to_string(),
        "pl-63a5400a",
    )
}

string_format! {
    /// A 12-digit account id.
    AccountId => || string("A 12-digit account id.", "^[0-9]{12}$".to_string(), "111122223333")
}

string_format! {
    /// A Region of the catalog (`GET /v1/regions`).
    RegionCode => || string(
        "A Region of the catalog (`GET /v1/regions` lists them).",
        format!("^{}$", regions_alternation()),
        "us-east-1",
    )
}

string_format! {
    /// An availability zone name of the catalog (`us-east-1a`).
    ZoneName => || {
        let names: Vec<String> = catalog()
            .regions()
            .iter()
            .flat_map(|r| r.zones_for_account("000000000000"))
            .map(|z| z.zone_name)
            .collect();
        string(
            "An availability zone by name, as the caller's account names it (`GET /v1/regions/{region}/availability-zones`).",
            format!("^{}$", one_of(&names)),
            "us-east-1a",
        )
    }
}

string_format! {
    /// An availability zone id of the catalog (`use1-az4`).
    ZoneId => || {
        let ids: Vec<&str> = catalog()
            .regions()
            .iter()
            .flat_map(|r| r.zone_ids.iter().map(String::as_str))
            .collect();
        string(
            "An availability zone id, the same in every account (`GET /v1/regions`).",
            format!("^{}$", one_of(&ids)),
            "use1-az4",
        )
    }
}

string_format! {
    /// An IPv4 address: four decimal octets, 0 to 255, without leading zeros.
    Ipv4Address => || string(
        "An IPv4 address: four decimal octets from 0 to 255 without leading zeros.",
        format!("^{}$", ipv4()),
        "10.0.1.25",
    )
}

string_format! {
    /// An IPv4 CIDR block, /0 to /32.
    Ipv4Cidr => || string(
        "An IPv4 CIDR block, /0 to /32, written as its network address: the bits after the prefix are zero (`10.0.0.0/16`, not `10.0.0.1/16`).",
        format!("^{}$", cidr(0..=32)),
        "10.0.0.0/16",
    )
}

string_format! {
    /// The IPv4 CIDR block of a VPC or subnet, /16 to /28.
    BlockCidr => || string(
        "The IPv4 CIDR block of a VPC or subnet, /16 (65,536 addresses) to /28 (16), written as its network address: the bits after the prefix are zero (`10.0.0.0/16`, not `10.0.0.1/16`).",
        format!("^{}$", cidr(16..=28)),
        "10.0.0.0/16",
    )
}

string_format! {
    /// A network load balancer ARN.
    NetworkLoadBalancerArn => || string(
        "A network load balancer ARN: `arn:aws:elasticloadbalancing:<region>:<account>:loadbalancer/net/<name>/<16 hex digits>`.",
        load_balancer_arn("net"),
        "arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/net/api/0123456789abcdef",
    )
}

string_format! {
    /// A gateway load balancer ARN.
    GatewayLoadBalancerArn => || string(
        "A gateway load balancer ARN: `arn:aws:elasticloadbalancing:<region>:<account>:loadbalancer/gwy/<name>/<16 hex digits>`.",
        load_balancer_arn("gwy"),
        "arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/gwy/inspect/0123456789abcdef",
    )
}

string_format! {
    /// A load balancer ARN of either kind.
    LoadBalancerArn => || string(
        "A load balancer ARN: `arn:aws:elasticloadbalancing:<region>:<account>:loadbalancer/net|gwy/<name>/<16 hex digits>`.",
        load_balancer_arn("(net|gwy)"),
        "arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/net/api/0123456789abcdef",
    )
}

string_format! {
    /// A target group ARN.
    TargetGroupArn => || string(
        "A target group ARN: `arn:aws:elasticloadbalancing:<region>:<account>:targetgroup/<name>/<16 hex digits>`.",
        format!(
            "^arn:aws:elasticloadbalancing:{}:[0-9]{{12}}:targetgroup/{ELB_NAME}/[0-9a-f]{{16}}$",
            regions_alternation()
        ),
        "arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/api/0123456789abcdef",
    )
}

string_format! {
    /// An IAM principal ARN: an account's root, a user or a role.
    PrincipalArn => || string(
        "An IAM principal ARN: `arn:aws:iam::<account>:root`, `...:user/<name>` or `...:role/<name>`; \
         the name (1 to 64 letters, digits and `+=,.@_-`) may follow a path of at most 512 characters (`role/team/app`).",
        format!(
            "^arn:aws:iam::[0-9]{{12}}:(root|(user|role)/((?=[A-Za-z0-9+=,.@_/-]{{1,512}}/{IAM_CHARS}+$)({IAM_CHARS}+/)+)?{IAM_CHARS}{{1,64}})$"
        ),
        "arn:aws:iam::111122223333:role/app",
    )
}

string_format! {
    /// An allowed principal of an endpoint service.
    AllowedPrincipalArn => || string(
        "`*` (everyone), an account (`arn:aws:iam::<account>:root`, every principal of it), \
         a user (`...:user/<name>`) or a role (`...:role/<name>`); ARNs with a path are not supported, as on AWS.",
        format!("^(\\*|arn:aws:iam::[0-9]{{12}}:(root|(user|role)/{IAM_CHARS}{{1,64}}))$"),
        "arn:aws:iam::444455556666:root",
    )
}

string_format! {
    /// A tag filter: `Key=Value`, or `Key` for any value.
    TagFilter => || string(
        "`Key=Value`, or `Key` for any value; the key is not empty; no control characters.",
        "^[^=\\x00-\\x1F\\x7F-\\x9F][^\\x00-\\x1F\\x7F-\\x9F]*$".to_string(),
        "Name=web",
    )
}

/// One label of a DNS name whose letters may be of either case (a name
/// given to the public DNS model is lowercased), no anchors; `extra` holds
/// more characters a label may have (`_` in record names).
fn dns_label(extra: &str) -> String {
    format!("[A-Za-z0-9{extra}]([A-Za-z0-9{extra}-]{{0,61}}[A-Za-z0-9{extra}])?")
}

string_format! {
    /// A public zone's name.
    PublicZoneName => || string(
        "A domain of at least two labels (1 to 63 letters, digits and `-`, not starting or ending with `-`), at most 255 characters; letters are read lowercase and a final `.` is dropped. Names under `amazonaws.com` belong to AWS and are refused (400), which the pattern leaves out to stay cheap to match.",
        format!(
            "^(?=.{{1,255}}\\.?$)({l}\\.)+{l}\\.?$",
            l = dns_label("")
        ),
        "example.com",
    )
}

string_format! {
    /// A record's name in the public DNS model.
    DnsRecordName => || string(
        "A DNS name of at least two labels (1 to 63 letters, digits, `-` and `_`), at most 255 characters; letters are read lowercase and a final `.` is dropped.",
        format!(
            "^(?=.{{1,255}}\\.?$)({l}\\.)+{l}\\.?$",
            l = "[A-Za-z0-9_-]{1,63}"
        ),
        "_6e86v84tqgqubxbwii1m.example.com",
    )
}

string_format! {
    /// A record type of the public DNS model.
    DnsRecordType => || string(
        "`TXT`, `A` or `NS`.",
        "^(TXT|A|NS)$".to_string(),
        "TXT",
    )
}

/// An IPv6 address as RFC 4291 writes it (RFC 3986's `IPv6address`), the
/// grammar `std::net::Ipv6Addr` parses (no anchors).
fn ipv6() -> String {
    let h16 = "[0-9A-Fa-f]{1,4}";
    let ls32 = format!("({h16}:{h16}|{})", ipv4());
    // `n` groups of `h16:`, exactly.
    let groups = |n: usize| {
        if n == 0 {
            String::new()
        } else {
            format!("({h16}:){{{n}}}")
        }
    };
    // An optional `h16` preceded by at most `n` more: `[ *n( h16 ":" ) h16 ]`.
    let before = |n: Option<usize>| match n {
        None => String::new(),
        Some(0) => format!("({h16})?"),
        Some(n) => format!("(({h16}:){{0,{n}}}{h16})?"),
    };
    let forms = [
        format!("{}{ls32}", groups(6)),
        format!("::{}{ls32}", groups(5)),
        format!("{}::{}{ls32}", before(Some(0)), groups(4)),
        format!("{}::{}{ls32}", before(Some(1)), groups(3)),
        format!("{}::{}{ls32}", before(Some(2)), groups(2)),
        format!("{}::{}{ls32}", before(Some(3)), groups(1)),
        format!("{}::{ls32}", before(Some(4))),
        format!("{}::{h16}", before(Some(5))),
        format!("{}::", before(Some(6))),
    ];
    format!("({})", forms.join("|"))
}

/// A DNS name as the resolver takes it: labels of 1 to 63 letters, digits,
/// `-` and `_`, at most 253 characters besides an optional final dot (no
/// anchors but the length check's lookahead).
fn dns_name() -> String {
    "(?=.{1,253}\\.?$)[A-Za-z0-9_-]{1,63}(\\.[A-Za-z0-9_-]{1,63})*\\.?".to_string()
}

string_format! {
    /// An IPv4 or IPv6 address.
    IpAddress => || string(
        "An IPv4 address (four decimal octets without leading zeros) or an IPv6 address.",
        format!("^({}|{})$", ipv4(), ipv6()),
        "10.0.2.20",
    )
}

string_format! {
    /// A DNS name the resolver answers.
    DnsName => || string(
        "A DNS name: labels of 1 to 63 letters, digits, `-` and `_` separated by dots, at most 253 characters (a final dot is allowed).",
        format!("^{}$", dns_name()),
        "my-bucket.s3.us-east-1.amazonaws.com",
    )
}

string_format! {
    /// A name to resolve, or an address.
    ResolveHost => || string(
        "A DNS name (labels of 1 to 63 letters, digits, `-` and `_`, at most 253 characters), an IPv4 address or an IPv6 address.",
        format!("^({}|{})$", dns_name(), ipv6()),
        "my-bucket.s3.us-east-1.amazonaws.com",
    )
}

string_format! {
    /// A private DNS name of an endpoint service.
    PrivateDnsName => || string(
        "A lowercase DNS name of at least two labels (1 to 63 of `a-z`, `0-9` and `-`, not starting or ending with `-`), at most 255 characters; the first label may be `*` for a wildcard.",
        "^(?=.{1,255}$)(\\*\\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$".to_string(),
        "api.example.com",
    )
}

string_format! {
    /// An IAM user or role name, optionally after a path.
    IamName => || string(
        "An IAM user or role name: 1 to 64 letters, digits and `+=,.@_-`; no `/` (an IAM path is given apart, in `path`).",
        format!("^{IAM_CHARS}{{1,64}}$"),
        "alice",
    )
}

string_format! {
    /// An IAM path: `/`, or `/`, 1 to 510 printable ASCII characters, `/`.
    IamPath => || string(
        "An IAM path: `/` (the default), or `/`, 1 to 510 printable ASCII characters and `/` (`/division/team/`).",
        "^(/|/[!-~]{1,510}/)$".to_string(),
        "/division/",
    )
}

string_format! {
    /// A target of a target group: an IPv4 address or a network interface id.
    TargetId => || string(
        "An IPv4 address in the group's VPC, or the id of a network interface (`eni-` and 17 lowercase hex digits) in it.",
        format!("^({}|eni-[0-9a-f]{{{ID_HEX_DIGITS}}})$", ipv4()),
        "10.0.1.20",
    )
}

string_format! {
    /// A supported IP address type of an endpoint service.
    IpAddressType => || string("`ipv4` or `ipv6`.", "^(ipv4|ipv6)$".to_string(), "ipv4")
}

string_format! {
    /// An event a connection notification can ask for.
    NotificationEvent => || string(
        "`connect`, `accept`, `reject` or `delete`.",
        "^(connect|accept|reject|delete)$".to_string(),
        "connect",
    )
}

string_format! {
    /// The zone of a target outside the VPC's subnets.
    TargetZone => || {
        let names: Vec<String> = catalog()
            .regions()
            .iter()
            .flat_map(|r| r.zones_for_account("000000000000"))
            .map(|z| z.zone_name)
            .chain(["all".to_string()])
            .collect();
        string(
            "A zone name as the caller's account names it, or `all`.",
            format!("^{}$", one_of(&names)),
            "all",
        )
    }
}

string_format! {
    /// A route's destination: a CIDR block or a prefix list id.
    RouteDestination => || string(
        "A route's destination: an IPv4 CIDR block (as its network address) or a prefix list id (`pl-` and 8 or 17 lowercase hex digits).",
        format!("^({}|pl-([0-9a-f]{{8}}|[0-9a-f]{{17}}))$", cidr(0..=32)),
        "0.0.0.0/0",
    )
}

/// The schemas above, for tests that check them against the validators.
pub fn all() -> Vec<(String, RefOr<Schema>)> {
    use utoipa::{PartialSchema, ToSchema};
    macro_rules! each {
        ($($t:ident),+) => { vec![$(($t::name().into_owned(), $t::schema())),+] };
    }
    each!(
        VpcId,
        SubnetId,
        RouteTableId,
        RouteTableAssociationId,
        SecurityGroupId,
        SecurityGroupRuleId,
        InternetGatewayId,
        NatGatewayId,
        NetworkInterfaceId,
        VpcPeeringConnectionId,
        TransitGatewayId,
        TransitGatewayAttachmentId,
        VpcEndpointId,
        ServiceId,
        ConnectionNotificationId,
        PrefixListId,
        AccountId,
        RegionCode,
        ZoneName,
        ZoneId,
        Ipv4Address,
        Ipv4Cidr,
        BlockCidr,
        NetworkLoadBalancerArn,
        GatewayLoadBalancerArn,
        LoadBalancerArn,
        TargetGroupArn,
        PrincipalArn,
        AllowedPrincipalArn,
        TagFilter,
        IpAddress,
        DnsName,
        ResolveHost,
        PrivateDnsName,
        IamName,
        IamPath,
        PublicZoneName,
        DnsRecordName,
        DnsRecordType,
        TargetId,
        IpAddressType,
        NotificationEvent,
        TargetZone,
        RouteDestination
    )
}

/// The pattern of a string schema built here.
pub fn pattern_of(s: &RefOr<Schema>) -> Option<&str> {
    match s {
        RefOr::T(Schema::Object(o)) => o.pattern.as_deref(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use linkplane_core::identity::{PrincipalArn as Arn, PrincipalType, is_valid_account_id};
    use linkplane_core::net::{self, parse_ipv4};
    use linkplane_core::privatelink as pl;
    use std::collections::BTreeMap;

    fn patterns() -> BTreeMap<String, fancy_regex::Regex> {
        all()
            .into_iter()
            .map(|(name, s)| {
                let p = pattern_of(&s).unwrap_or_else(|| panic!("{name} has no pattern"));
                let re = fancy_regex::Regex::new(p).unwrap_or_else(|e| panic!("{name}: {e}"));
                (name, re)
            })
            .collect()
    }

    /// Each format's pattern against the validator the server applies, on
    /// strings on both sides of the rule. `accepts` is the validator.
    fn agree(format: &str, accepts: impl Fn(&str) -> bool, samples: &[&str]) {
        let re = &patterns()[format];
        for s in samples {
            let matched = re.is_match(s).unwrap_or(false);
            assert_eq!(
                matched,
                accepts(s),
                "{format}: the pattern {} '{s}' but the server {} it",
                if matched { "matches" } else { "refuses" },
                if matched { "refuses" } else { "accepts" },
            );
        }
    }

    #[test]
    fn ids() {
        for (name, prefix) in [
            ("VpcId", "vpc"),
            ("SubnetId", "subnet"),
            ("TransitGatewayAttachmentId", "tgw-attach"),
            ("ServiceId", "vpce-svc"),
            ("VpcEndpointId", "vpce"),
        ] {
            agree(
                name,
                |s| linkplane_core::ids::is_valid_id(prefix, s),
                &[
                    &format!("{prefix}-0a1b2c3d4e5f67890"),
                    &format!("{prefix}-0a1b2c3d4e5f6789"),
                    &format!("{prefix}-0a1b2c3d4e5f678901"),
                    &format!("{prefix}-0A1B2C3D4E5F67890"),
                    &format!("{prefix}0a1b2c3d4e5f678900"),
                    "vpce-svc-0a1b2c3d4e5f67890",
                    "",
                ],
            );
        }
        agree(
            "PrefixListId",
            |s| {
                s.starts_with("pl-")
                    && matches!(
                        net::parse_route_destination(s),
                        Ok(net::RouteDestination::PrefixList(_))
                    )
            },
            &[
                "pl-63a5400a",
                "pl-0a1b2c3d4e5f67890",
                "pl-63a5400",
                "pl-63A5400A",
                "pl-",
                "10.0.0.0/8",
            ],
        );
        agree(
            "AccountId",
            is_valid_account_id,
            &[
                "111122223333",
                "11112222333",
                "1111222233334",
                "11112222333a",
                "",
            ],
        );
    }

    #[test]
    fn regions_and_zones() {
        let cat = catalog();
        agree(
            "RegionCode",
            |s| cat.region(s).is_some(),
            &[
                "us-east-1",
                "eu-west-2",
                "ap-northeast-1",
                "us-east-9",
                "US-EAST-1",
                "",
                "us-east-1a",
            ],
        );
        agree(
            "ZoneName",
            |s| cat.zone_id_for_name("111122223333", s).is_some(),
            &[
                "us-east-1a",
                "us-east-1f",
                "us-east-1g",
                "us-west-1b",
                "us-west-1c",
                "eu-west-2c",
                "us-east-1",
            ],
        );
        agree(
            "TargetZone",
            |s| s == "all" || cat.zone_id_for_name("111122223333", s).is_some(),
            &["all", "us-east-1a", "us-west-1c", "ALL", ""],
        );
        agree(
            "ZoneId",
            |s| cat.region_of_zone_id(s).is_some(),
            &[
                "use1-az4", "use1-az6", "use1-az7", "usw1-az1", "usw1-az2", "euw2-az3", "",
            ],
        );
    }

    #[test]
    fn addresses_and_blocks() {
        let v4 = [
            "10.0.1.25",
            "0.0.0.0",
            "255.255.255.255",
            "256.0.0.1",
            "10.0.1",
            "10.0.01.1",
            "10.0.1.1.",
            " 10.0.1.1",
            "1.2.3.4/32",
        ];
        agree("Ipv4Address", |s| parse_ipv4(s).is_ok(), &v4);
        let v6 = [
            "::",
            "::1",
            "2001:db8::1",
            "2001:db8:0:0:0:0:0:1",
            "1:2:3:4:5:6:7:8",
            "1:2:3:4:5:6:7:8:9",
            "::ffff:10.0.0.1",
            "1::2::3",
            "1:2:3:4:5:6:1.2.3.4",
            "1::1.2.3.4",
            "fe80::1%eth0",
            "[::1]",
            ":::",
            "12345::",
            "1:2:3:4:5:6:7::",
        ];
        let ip = |s: &str| parse_ipv4(s).is_ok() || s.parse::<std::net::Ipv6Addr>().is_ok();
        agree("IpAddress", ip, &v4);
        agree("IpAddress", ip, &v6);
        let cidrs = [
            "10.0.0.0/16",
            "0.0.0.0/0",
            "10.0.0.1/32",
            "10.0.0.0/33",
            "10.0.0.0/016",
            "10.0.0.0",
            "10.0.0.0/",
            "10.0.0.1/16",
            "300.0.0.0/8",
        ];
        agree("Ipv4Cidr", |s| net::Ipv4Cidr::parse(s).is_ok(), &cidrs);
        let blocks = [
            "10.0.0.0/16",
            "10.0.0.0/28",
            "10.0.0.0/15",
            "10.0.0.0/29",
            "10.0.0.16/28",
            "10.0.0.17/28",
        ];
        agree("BlockCidr", |s| net::validate_vpc_cidr(s).is_ok(), &blocks);
        agree(
            "RouteDestination",
            |s| net::parse_route_destination(s).is_ok(),
            &[
                "0.0.0.0/0",
                "pl-63a5400a",
                "pl-63a5400",
                "10.0.0.1/8",
                "10.0.0.0/33",
                "local",
            ],
        );
        agree(
            "TargetId",
            |s| parse_ipv4(s).is_ok() || linkplane_core::ids::is_valid_id("eni", s),
            &[
                "10.0.1.20",
                "eni-0a1b2c3d4e5f67890",
                "eni-0a1b2c3d4e5f6789",
                "i-0a1b2c3d4e5f67890",
                "10.0.1",
            ],
        );
    }

    /// Every prefix length, with addresses whose low bits are clear and set,
    /// against the parser (a fixed pseudo-random walk, so it reproduces).
    #[test]
    fn cidr_blocks_are_exactly_their_network_addresses() {
        let res = patterns();
        let (any, block) = (&res["Ipv4Cidr"], &res["BlockCidr"]);
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for len in 0..=32u8 {
            for _ in 0..300 {
                x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                let ip = (x >> 32) as u32;
                let mask = u32::MAX.checked_shl(32 - u32::from(len)).unwrap_or(0);
                for addr in [ip, ip & mask] {
                    let text = format!("{}/{len}", net::format_ipv4(addr));
                    let matched = |re: &fancy_regex::Regex| re.is_match(&text).unwrap_or(false);
                    assert_eq!(matched(any), net::Ipv4Cidr::parse(&text).is_ok(), "{text}");
                    assert_eq!(
                        matched(block),
                        net::validate_vpc_cidr(&text).is_ok(),
                        "{text}"
                    );
                }
            }
        }
    }

    #[test]
    fn names() {
        let host = |s: &str| crate::service::resolve::check_host(s).is_ok();
        let long_label = "a".repeat(64);
        let long_name = format!(
            "{}.{}.{}.{}",
            "a".repeat(63),
            "b".repeat(63),
            "c".repeat(63),
            "d".repeat(61)
        );
        let longer = format!("{long_name}e");
        let dotted = format!("{long_name}.");
        let names = [
            "example.com",
            "my_bucket.s3.us-east-1.amazonaws.com",
            "a",
            "a.",
            "a..b",
            ".a",
            "",
            "a b",
            "é.com",
            &long_label,
            &long_name,
            &longer,
            &dotted,
        ];
        agree("DnsName", host, &names);
        agree(
            "ResolveHost",
            |s| parse_ipv4(s).is_ok() || s.parse::<std::net::Ipv6Addr>().is_ok() || host(s),
            &[
                "10.0.0.1",
                "::1",
                "2001:db8::1",
                "1::2::3",
                "example.com",
                "a..b",
            ],
        );
        let private = [
            "api.example.com",
            "*.api.example.com",
            "example",
            "API.example.com",
            "a.*.com",
            "-a.example.com",
            "a-.example.com",
            "xn--bcher-kva.example",
            &format!("{}.com", "a".repeat(63)),
            &format!("{}.com", "a".repeat(64)),
        ];
        agree(
            "PrivateDnsName",
            |s| pl::validate_private_dns_name(s).is_ok(),
            &private,
        );
        let long_path = format!("/{}/", "p".repeat(510));
        let too_long_path = format!("/{}/", "p".repeat(511));
        agree(
            "IamPath",
            |s| linkplane_core::identity::validate_iam_path(s).is_ok(),
            &[
                "/",
                "/a/",
                "/a/b/",
                "/a+b=c/",
                "//",
                "a/",
                "/a",
                "",
                "/a b/",
                &long_path,
                &too_long_path,
            ],
        );
        let path = format!("{}/app", "p".repeat(512));
        let too_deep = format!("{}/app", "p".repeat(513));
        let iam = [
            "alice",
            "a+b=c,d.e@f_g-h",
            "team/app",
            "team/sub/app",
            "/app",
            "team//app",
            "team/",
            "has space",
            &"a".repeat(64),
            &"a".repeat(65),
            &path,
            &too_deep,
        ];
        agree(
            "IamName",
            |s| Arn::new("111122223333", PrincipalType::User, s).is_ok(),
            &iam,
        );
        let arns = [
            "arn:aws:iam::111122223333:root",
            "arn:aws:iam::111122223333:user/alice",
            "arn:aws:iam::111122223333:role/team/app",
            "arn:aws:iam::111122223333:group/devs",
            "arn:aws:iam::11112222333:root",
            "arn:aws:iam::111122223333:user/",
            "arn:aws:iam::111122223333:role//x",
            "*",
        ];
        agree("PrincipalArn", |s| Arn::parse(s).is_ok(), &arns);
        agree(
            "AllowedPrincipalArn",
            |s| pl::parse_allowed_principal(s).is_ok(),
            &arns,
        );
        agree(
            "TagFilter",
            |s| crate::pagination::tag_filters(&[s.to_string()]).is_ok(),
            &["Name=web", "Name", "Name=", "=web", "", "a=b=c"],
        );
    }

    #[test]
    fn load_balancer_arns() {
        let net = "arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/net/api/0123456789abcdef";
        let gwy = "arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/gwy/inspect/0123456789abcdef";
        let samples = [
            net,
            gwy,
            "arn:aws:elasticloadbalancing:us-east-9:111122223333:loadbalancer/net/api/0123456789abcdef",
            "arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/net/internal-api/0123456789abcdef",
            "arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/net/-api/0123456789abcdef",
            "arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/net/api/0123456789abcde",
            "arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/api/0123456789abcdef",
            "arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/api/0123456789abcdef",
        ];
        let net_kind = pl::LoadBalancerKind::Network;
        let gwy_kind = pl::LoadBalancerKind::Gateway;
        agree(
            "NetworkLoadBalancerArn",
            |s| pl::LoadBalancerArn::parse(s, net_kind).is_ok(),
            &samples,
        );
        agree(
            "GatewayLoadBalancerArn",
            |s| pl::LoadBalancerArn::parse(s, gwy_kind).is_ok(),
            &samples,
        );
        agree(
            "LoadBalancerArn",
            |s| pl::LoadBalancerArn::parse_any(s).is_ok(),
            &samples,
        );
        agree(
            "TargetGroupArn",
            |s| pl::parse_target_group_arn(s).is_ok(),
            &[
                samples[7],
                "arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/internal-api/0123456789abcdef",
                "arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/api/0123456789abcdeg",
                "arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/api/x/0123456789abcdef",
                net,
            ],
        );
    }

    #[test]
    fn public_dns_names_and_tag_filters() {
        use linkplane_core::public_dns as pdns;
        let long = format!("{}.com", "a".repeat(64));
        let zones = [
            "example.com",
            "Example.COM.",
            "a-b.example.org",
            "com",
            "-a.example.com",
            "a_b.example.com",
            "*.example.com",
            "notamazonaws.com",
            "",
            &long,
            "a..b",
        ];
        agree(
            "PublicZoneName",
            |s| pdns::normalise_zone_name(s).is_ok(),
            &zones,
        );
        let records = [
            "_x.example.com",
            "A.B.",
            "a_b-c.example.com",
            "com",
            "a b.com",
            "",
            "a..b",
            &long,
        ];
        agree(
            "DnsRecordName",
            |s| pdns::normalise_name(s).is_ok(),
            &records,
        );
        agree(
            "DnsRecordType",
            |s| pdns::RecordType::parse(s).is_some(),
            &["TXT", "A", "NS", "MX", "txt", ""],
        );
        let filter = |s: &str| {
            crate::pagination::tag_filters(&[s.to_string()]).is_ok()
                && linkplane_core::text::forbidden_char(s, false).is_none()
        };
        agree(
            "TagFilter",
            filter,
            &[
                "Name=web",
                "Name",
                "Name=",
                "=web",
                "",
                "a\u{0}b",
                "k=\u{1f}",
                "k=caf\u{e9}",
            ],
        );
    }
}
