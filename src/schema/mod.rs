//! OpenAPI schemas of the string formats the server enforces: resource ids,
//! ARNs, Regions and zones, addresses and CIDR blocks, tag filters.
//!
//! Wire types name them with `#[schema(value_type = schema::VpcId)]` (or
//! `Option<...>`, `Vec<...>`), so the document states each format once, as a
//! component, and a generated client (or a fuzzer) knows what the server will
//! refuse. Each pattern is built from the same rules the validators apply
//! (`linkplane_core::ids`, `identity`, `net`, `privatelink`, the catalog);
//! the tests (`tests.rs`) hold them to those validators; the patterns
//! themselves are built in `patterns.rs`. Patterns use only syntax
//! that ECMAScript and Python regular expressions read alike: no `\d` or
//! `\w` (Unicode-aware in Python), no flags, no lookbehind.

mod patterns;

use linkplane_core::catalog::catalog;
use linkplane_core::ids::ID_HEX_DIGITS;
use patterns::{
    ELB_NAME, IAM_CHARS, cidr, dns_label, dns_name, ipv4, ipv6, listener_arn, load_balancer_arn,
    one_of,
};
pub use patterns::{id_pattern, regions_alternation};
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};

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
    /// A listener ARN.
    ListenerArn => || string(
        "A listener ARN: `arn:aws:elasticloadbalancing:<region>:<account>:listener/net|gwy/<name>/<16 hex digits>/<16 hex digits>`.",
        listener_arn(),
        "arn:aws:elasticloadbalancing:us-east-1:111122223333:listener/net/api/0123456789abcdef/fedcba9876543210",
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
        ListenerArn,
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
mod tests;
