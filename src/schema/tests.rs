//! Each format held to the validator it describes.

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
    let net =
        "arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/net/api/0123456789abcdef";
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
        "ListenerArn",
        |s| pl::listener::load_balancer_of_listener(s).is_ok(),
        &[
            "arn:aws:elasticloadbalancing:us-east-1:111122223333:listener/net/api/0123456789abcdef/fedcba9876543210",
            "arn:aws:elasticloadbalancing:us-east-1:111122223333:listener/gwy/inspect/0123456789abcdef/fedcba9876543210",
            "arn:aws:elasticloadbalancing:us-east-1:111122223333:listener/app/api/0123456789abcdef/fedcba9876543210",
            "arn:aws:elasticloadbalancing:us-east-1:111122223333:listener/net/internal-api/0123456789abcdef/fedcba9876543210",
            "arn:aws:elasticloadbalancing:us-east-1:111122223333:listener/net/api/0123456789abcdef/fedcba987654321",
            "arn:aws:elasticloadbalancing:us-east-1:111122223333:listener/net/api/0123456789abcdef",
            "arn:aws:elasticloadbalancing:us-east-9:111122223333:listener/net/api/0123456789abcdef/fedcba9876543210",
            net,
            "0",
        ],
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
