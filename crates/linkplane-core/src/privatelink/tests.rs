use super::*;
use crate::error::ErrorKind;
use crate::identity::format_account_id;
use proptest::prelude::*;

const NLB: &str =
    "arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/net/my-nlb/0123456789abcdef";
const GWLB: &str =
    "arn:aws:elasticloadbalancing:eu-west-1:111122223333:loadbalancer/gwy/my-gwlb/fedcba9876543210";

fn code_of<T: std::fmt::Debug>(r: Result<T, CoreError>) -> &'static str {
    let e = r.expect_err("expected an error");
    assert_eq!(e.kind, ErrorKind::Invalid, "{e}");
    e.code
}

#[test]
fn load_balancer_kinds() {
    for (kind, s, seg) in [
        (LoadBalancerKind::Network, "network", "net"),
        (LoadBalancerKind::Gateway, "gateway", "gwy"),
    ] {
        assert_eq!(kind.as_str(), s);
        assert_eq!(kind.arn_segment(), seg);
        assert_eq!(LoadBalancerKind::parse(s), Some(kind));
    }
    assert_eq!(LoadBalancerKind::parse("application"), None);
}

#[test]
fn parses_good_load_balancer_arns() {
    let cases = [
        (
            NLB,
            LoadBalancerKind::Network,
            "us-east-1",
            "my-nlb",
            "0123456789abcdef",
        ),
        (
            GWLB,
            LoadBalancerKind::Gateway,
            "eu-west-1",
            "my-gwlb",
            "fedcba9876543210",
        ),
    ];
    for (s, kind, region, name, id) in cases {
        for arn in [
            LoadBalancerArn::parse(s, kind).unwrap_or_else(|e| panic!("{s}: {e}")),
            LoadBalancerArn::parse_any(s).unwrap_or_else(|e| panic!("{s}: {e}")),
        ] {
            assert_eq!(arn.kind, kind);
            assert_eq!(arn.region, region);
            assert_eq!(arn.account_id, "111122223333");
            assert_eq!(arn.name, name);
            assert_eq!(arn.id, id);
            assert_eq!(arn.arn(), s);
        }
    }
}

#[test]
fn rejects_bad_load_balancer_arns() {
    let p = "arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer";
    let bad = [
        String::new(),
        "arn:aws:ec2:us-east-1:111122223333:loadbalancer/net/my-nlb/0123456789abcdef".into(),
        format!("{p}/net/my-nlb/0123456789abcde"),
        format!("{p}/net/my-nlb/0123456789abcdef0"),
        format!("{p}/net/my-nlb/0123456789ABCDEF"),
        format!("{p}/net/my-nlb/0123456789abcdeg"),
        format!("{p}/net/my_nlb/0123456789abcdef"),
        format!("{p}/net/-nlb/0123456789abcdef"),
        format!("{p}/net/internal-nlb/0123456789abcdef"),
        format!("{p}/net/{}/0123456789abcdef", "a".repeat(33)),
        format!("{p}/net//0123456789abcdef"),
        format!("{p}/app/my-alb/0123456789abcdef"),
        format!("{p}/net/my-nlb/0123456789abcdef/extra"),
        format!("{p}/net/my-nlb"),
        "arn:aws:elasticloadbalancing:xx-nowhere-1:111122223333:loadbalancer/net/my-nlb/0123456789abcdef".into(),
        "arn:aws:elasticloadbalancing::111122223333:loadbalancer/net/my-nlb/0123456789abcdef".into(),
        "arn:aws:elasticloadbalancing:us-east-1:11112222333:loadbalancer/net/my-nlb/0123456789abcdef".into(),
        "arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/tg/0123456789abcdef".into(),
        format!(" {NLB}"),
    ];
    for s in &bad {
        for kind in [LoadBalancerKind::Network, LoadBalancerKind::Gateway] {
            assert_eq!(
                code_of(LoadBalancerArn::parse(s, kind)),
                kind.malformed_code(),
                "{s}"
            );
        }
        assert_eq!(
            code_of(LoadBalancerArn::parse_any(s)),
            "ValidationError",
            "{s}"
        );
    }
}

#[test]
fn wrong_kind_is_malformed_with_aws_message() {
    let e = LoadBalancerArn::parse(GWLB, LoadBalancerKind::Network)
        .expect_err("a gateway ARN is not a network one");
    assert_eq!(e.code, "InvalidNetworkLoadBalancerArn.Malformed");
    assert_eq!(
        e.message,
        format!(
            "Expected ARN of form arn:aws:elasticloadbalancing:region:account-id:loadbalancer/net/load-balancer-name/load-balancer-id, got '{GWLB}'"
        )
    );
    let e = LoadBalancerArn::parse(NLB, LoadBalancerKind::Gateway)
        .expect_err("a network ARN is not a gateway one");
    assert_eq!(e.code, "InvalidGatewayLoadBalancerArn.Malformed");
    assert!(e.message.contains("loadbalancer/gwy/"), "{}", e.message);
    assert!(e.message.ends_with(&format!("got '{NLB}'")));
}

#[test]
fn load_balancer_names() {
    let cases = [
        ("a", true),
        ("my-nlb", true),
        ("NLB01", true),
        (&"a".repeat(32), true),
        ("internal", true),
        ("my-internal-lb", true),
        ("", false),
        (&"a".repeat(33), false),
        ("my_nlb", false),
        ("my.nlb", false),
        ("my nlb", false),
        ("-nlb", false),
        ("nlb-", false),
        ("internal-nlb", false),
        ("nlbé", false),
    ];
    for (name, ok) in cases {
        let r = validate_load_balancer_name(name);
        assert_eq!(r.is_ok(), ok, "{name}: {r:?}");
        if let Err(e) = r {
            assert_eq!(e.code, "ValidationError");
            assert!(e.message.contains(name), "{}", e.message);
        }
    }
    assert!(validate_target_group_name("internal-tg").is_ok());
    assert_eq!(
        code_of(validate_target_group_name("tg_1")),
        "ValidationError"
    );
}

#[test]
fn elb_ids() {
    assert_eq!(elb_id(0), "0000000000000000");
    assert_eq!(elb_id(0xabc), "0000000000000abc");
    assert_eq!(elb_id(u64::MAX), "ffffffffffffffff");
    assert!(is_valid_elb_id(&elb_id(0x0123_4567_89ab_cdef)));
    for bad in [
        "",
        "0123456789abcde",
        "0123456789abcdef0",
        "0123456789ABCDEF",
    ] {
        assert!(!is_valid_elb_id(bad), "{bad}");
    }
}

#[test]
fn target_group_arns() {
    let arn = target_group_arn("us-west-2", "111122223333", "my-tg", "0123456789abcdef");
    assert_eq!(
        arn,
        "arn:aws:elasticloadbalancing:us-west-2:111122223333:targetgroup/my-tg/0123456789abcdef"
    );
    assert_eq!(
        parse_target_group_arn(&arn).expect("valid"),
        (
            "us-west-2".to_string(),
            "111122223333".to_string(),
            "my-tg".to_string(),
            "0123456789abcdef".to_string()
        )
    );
    let p = "arn:aws:elasticloadbalancing:us-west-2:111122223333:targetgroup";
    let bad = [
        String::new(),
        NLB.to_string(),
        format!("{p}/my-tg/0123456789abcde"),
        format!("{p}/my-tg/0123456789abcdef0"),
        format!("{p}/my-tg/0123456789ABCDEF"),
        format!("{p}/my_tg/0123456789abcdef"),
        format!("{p}/my-tg/0123456789abcdef/x"),
        format!("{p}/my-tg"),
        "arn:aws:ec2:us-west-2:111122223333:targetgroup/my-tg/0123456789abcdef".into(),
        "arn:aws:elasticloadbalancing:xx-nowhere-1:111122223333:targetgroup/my-tg/0123456789abcdef"
            .into(),
    ];
    for s in &bad {
        assert_eq!(code_of(parse_target_group_arn(s)), "ValidationError", "{s}");
    }
}

#[test]
fn target_protocols() {
    use TargetProtocol::*;
    let cases = [
        ("tcp", Tcp),
        ("TCP", Tcp),
        ("udp", Udp),
        ("tcp_udp", TcpUdp),
        ("TCP_UDP", TcpUdp),
        ("tls", Tls),
        ("GENEVE", Geneve),
    ];
    for (s, p) in cases {
        assert_eq!(TargetProtocol::parse(s).expect(s), p);
        assert_eq!(p.as_str(), s.to_ascii_lowercase());
    }
    for bad in ["", "http", "https", "tcp-udp", "icmp"] {
        assert_eq!(
            code_of(TargetProtocol::parse(bad)),
            "ValidationError",
            "{bad}"
        );
    }
    for p in [Tcp, Udp, TcpUdp, Tls] {
        assert!(p.fits(LoadBalancerKind::Network));
        assert!(!p.fits(LoadBalancerKind::Gateway));
    }
    assert!(Geneve.fits(LoadBalancerKind::Gateway));
    assert!(!Geneve.fits(LoadBalancerKind::Network));

    let carries = [
        (Tcp, "tcp", true),
        (Tcp, "udp", false),
        (Tls, "tcp", true),
        (Tls, "udp", false),
        (Udp, "udp", true),
        (Udp, "tcp", false),
        (TcpUdp, "tcp", true),
        (TcpUdp, "UDP", true),
        (TcpUdp, "icmp", false),
        (Geneve, "tcp", true),
        (Geneve, "udp", true),
        (Geneve, "icmp", true),
    ];
    for (p, flow, ok) in carries {
        assert_eq!(p.carries(flow), ok, "{p:?} {flow}");
    }
}

#[test]
fn target_group_checks() {
    use LoadBalancerKind::*;
    use TargetProtocol::*;
    let cases = [
        (Network, Tcp, 80, true),
        (Network, Udp, 53, true),
        (Network, TcpUdp, 65535, true),
        (Network, Tls, 443, true),
        (Network, Tcp, 0, false),
        (Network, Geneve, 6081, false),
        (Gateway, Geneve, 6081, true),
        (Gateway, Geneve, 6080, false),
        (Gateway, Geneve, 0, false),
        (Gateway, Tcp, 80, false),
        (Gateway, Udp, 6081, false),
    ];
    for (kind, p, port, ok) in cases {
        let r = check_target_group(kind, p, port);
        assert_eq!(r.is_ok(), ok, "{kind:?} {p:?} {port}: {r:?}");
        if !ok {
            assert_eq!(code_of(r), "ValidationError");
        }
    }
}

#[test]
fn service_names() {
    let id = "vpce-svc-03d5ebb7d9579a2b3";
    assert_eq!(
        service_name("us-east-1", id),
        "com.amazonaws.vpce.us-east-1.vpce-svc-03d5ebb7d9579a2b3"
    );
    assert_eq!(
        base_endpoint_dns_name("us-east-1", id),
        "vpce-svc-03d5ebb7d9579a2b3.us-east-1.vpce.amazonaws.com"
    );
    assert_eq!(
        parse_service_name(&service_name("eu-west-1", id)),
        Some(("eu-west-1".to_string(), id.to_string()))
    );
    let bad = [
        "",
        "com.amazonaws.us-east-1.s3",
        "com.amazonaws.vpce.us-east-1",
        "com.amazonaws.vpce.us-east-1.",
        "com.amazonaws.vpce..vpce-svc-03d5ebb7d9579a2b3",
        "com.amazonaws.vpce.us-east-1.vpce-svc-03d5ebb7d9579a2b",
        "com.amazonaws.vpce.us-east-1.vpce-svc-03d5ebb7d9579a2b34",
        "com.amazonaws.vpce.us-east-1.vpce-svc-03D5EBB7D9579A2B3",
        "com.amazonaws.vpce.us-east-1.vpce-03d5ebb7d9579a2b3",
        "com.amazonaws.vpce.US-EAST-1.vpce-svc-03d5ebb7d9579a2b3",
        "com.amazonaws.vpce.us.east.1.vpce-svc-03d5ebb7d9579a2b3",
        "aws.sagemaker.us-east-1.notebook",
    ];
    for s in bad {
        assert_eq!(parse_service_name(s), None, "{s}");
    }
}

#[test]
fn allowed_principal_types() {
    use AllowedPrincipalType::*;
    for (t, s) in [
        (All, "all"),
        (Account, "account"),
        (User, "user"),
        (Role, "role"),
    ] {
        assert_eq!(t.as_str(), s);
        assert_eq!(AllowedPrincipalType::parse(s), Some(t));
    }
    assert_eq!(AllowedPrincipalType::parse("Account"), None);
    assert_eq!(AllowedPrincipalType::parse("service"), None);
}

#[test]
fn parses_allowed_principals() {
    use AllowedPrincipalType::*;
    let ok = [
        ("*", All),
        ("arn:aws:iam::123456789012:root", Account),
        ("arn:aws:iam::123456789012:user/alice", User),
        ("arn:aws:iam::123456789012:role/app-role", Role),
    ];
    for (s, t) in ok {
        assert_eq!(
            parse_allowed_principal(s).unwrap_or_else(|e| panic!("{s}: {e}")),
            (s.to_string(), t)
        );
    }
    for s in [
        "arn:aws:iam::123456789012:user/team/alice",
        "arn:aws:iam::123456789012:role/service-role/app",
    ] {
        let e = parse_allowed_principal(s).expect_err(s);
        assert_eq!(e.code, "InvalidPrincipal");
        assert!(
            e.message.contains("paths are not supported"),
            "{}",
            e.message
        );
    }
    for s in [
        "",
        "**",
        "123456789012",
        "arn:aws:iam::12345:root",
        "arn:aws:sts::123456789012:assumed-role/x/y",
        "arn:aws:iam::123456789012:group/devs",
        "arn:aws:iam::123456789012:user/",
        "arn:aws:iam::123456789012:root/x",
        " arn:aws:iam::123456789012:root",
    ] {
        let e = parse_allowed_principal(s).expect_err(s);
        assert_eq!(e.code, "InvalidPrincipal", "{s}");
        assert!(e.message.contains(&format!("'{s}'")), "{}", e.message);
        assert!(e.message.contains(":root"), "{}", e.message);
    }
}

#[test]
fn principal_matching() {
    let acct = "123456789012";
    let other = "210987654321";
    let alice = "arn:aws:iam::123456789012:user/alice";
    let app = "arn:aws:iam::123456789012:role/app";
    let root = "arn:aws:iam::123456789012:root";
    let cases = [
        ("*", other, "arn:aws:iam::210987654321:root", true),
        (root, acct, alice, true),
        (root, acct, app, true),
        (root, acct, root, true),
        (root, other, "arn:aws:iam::210987654321:user/alice", false),
        (alice, acct, alice, true),
        (alice, acct, "arn:aws:iam::123456789012:user/bob", false),
        (alice, acct, root, false),
        (alice, other, "arn:aws:iam::210987654321:user/alice", false),
        (app, acct, app, true),
        (app, acct, "arn:aws:iam::123456789012:user/app", false),
        // A user or role at a path is the one its path-less ARN names.
        (
            alice,
            acct,
            "arn:aws:iam::123456789012:user/division/alice",
            true,
        ),
        (
            app,
            acct,
            "arn:aws:iam::123456789012:role/service-role/app",
            true,
        ),
        (
            alice,
            acct,
            "arn:aws:iam::123456789012:user/division/bob",
            false,
        ),
        ("123456789012", acct, root, false),
        ("garbage", acct, alice, false),
    ];
    for (entry, caller_account, caller_arn, ok) in cases {
        assert_eq!(
            principal_allows(entry, caller_account, caller_arn),
            ok,
            "{entry} vs {caller_account} {caller_arn}"
        );
    }
}

#[test]
fn private_dns_names() {
    let l63 = "a".repeat(63);
    // 4 x 63 + 3 dots = 255; 3 x 63 + 62 + 1 + 4 dots = 256.
    let max = format!("{l63}.{l63}.{l63}.{l63}");
    let over = format!("{l63}.{l63}.{l63}.{}.b", "a".repeat(62));
    assert_eq!(max.len(), 255);
    assert_eq!(over.len(), 256);
    let long_label = format!("{}.com", "a".repeat(64));
    let label_63 = format!("{}.com", "a".repeat(63));
    let cases: Vec<(&str, bool)> = vec![
        ("example.com", true),
        ("*.example.com", true),
        ("api.service.example.com", true),
        ("my-service.example.co.uk", true),
        ("1.2.example.com", true),
        (&label_63, true),
        (&max, true),
        ("Example.com", false),
        ("EXAMPLE.COM", false),
        ("a..b.com", false),
        ("-a.com", false),
        ("a-.com", false),
        ("a.com-", false),
        (&long_label, false),
        (&over, false),
        ("localhost", false),
        ("*.com", false),
        ("a.b*.com", false),
        ("*", false),
        ("*.", false),
        ("*.*.example.com", false),
        ("a.*.example.com", false),
        ("", false),
        (".example.com", false),
        ("example.com.", false),
        ("exa_mple.com", false),
        ("exa mple.com", false),
        ("exämple.com", false),
    ];
    for (name, ok) in cases {
        let r = validate_private_dns_name(name);
        assert_eq!(r.is_ok(), ok, "{name}: {r:?}");
        if let Err(e) = r {
            assert_eq!(e.code, "InvalidParameterValue");
            assert!(e.message.contains(&format!("'{name}'")), "{}", e.message);
        }
    }
    let e = validate_private_dns_name("Example.com").expect_err("uppercase");
    assert!(e.message.contains("lowercase"), "{}", e.message);
    let e = validate_private_dns_name("localhost").expect_err("one label");
    assert!(e.message.contains("two labels"), "{}", e.message);
    let e = validate_private_dns_name(&over).expect_err("too long");
    assert!(e.message.contains("255"), "{}", e.message);
}

#[test]
fn verification_domains_and_coverage() {
    assert_eq!(verification_domain("*.api.example.com"), "api.example.com");
    assert_eq!(verification_domain("api.example.com"), "api.example.com");
    assert_eq!(verification_domain("a*.example.com"), "a*.example.com");
    let cases = [
        ("example.com", "example.com", true),
        ("example.com", "service.example.com", true),
        ("example.com", "*.example.com", true),
        ("example.com", "*.a.b.example.com", true),
        ("example.com", "badexample.com", false),
        ("example.com", "example.com.evil.net", false),
        ("b.example.com", "example.com", false),
        ("b.example.com", "*.example.com", false),
        ("example.com", "Service.EXAMPLE.com", true),
        ("", "example.com", false),
        ("com", "example.com", true),
    ];
    for (verified, name, ok) in cases {
        assert_eq!(
            domain_covers(verified, name),
            ok,
            "{verified} covers {name}"
        );
    }
}

#[test]
fn verification_records() {
    let (label, value) = verification_record(0, 0);
    assert_eq!(label, format!("_{}", "0".repeat(20)));
    assert_eq!(value, format!("vpce:{}", "0".repeat(20)));
    let (label, value) = verification_record(35, 61);
    assert_eq!(label, format!("_z{}", "0".repeat(19)));
    assert_eq!(value, format!("vpce:Z{}", "0".repeat(19)));
    let (label, value) = verification_record(u128::MAX, u128::MAX);
    assert_eq!(label.len(), 21);
    assert_eq!(value.len(), 25);
    assert_ne!(
        verification_record(1, 1),
        verification_record(2, 2),
        "different bits give different records"
    );
    assert_eq!(
        verification_record_name("_abc", "*.api.example.com"),
        "_abc.api.example.com"
    );
    assert_eq!(
        verification_record_name("_abc", "example.com"),
        "_abc.example.com"
    );
}

#[test]
fn ip_address_types() {
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    let ok: [(&[&str], &[&str]); 5] = [
        (&["ipv4"], &["ipv4"]),
        (&["ipv6"], &["ipv6"]),
        (&["ipv6", "ipv4"], &["ipv4", "ipv6"]),
        (&["ipv4", "ipv6"], &["ipv4", "ipv6"]),
        (&["ipv4", "ipv4"], &["ipv4"]),
    ];
    for (input, want) in ok {
        assert_eq!(check_ip_address_types(&s(input)).expect("valid"), s(want));
    }
    let bad: [&[&str]; 5] = [&[], &["ipv5"], &["IPV4"], &["ipv4", "dualstack"], &[""]];
    for input in bad {
        let e = check_ip_address_types(&s(input)).expect_err("invalid");
        assert_eq!(e.code, "InvalidParameterValue");
        if let Some(v) = input.iter().find(|v| **v != "ipv4" && **v != "ipv6") {
            assert!(e.message.contains(&format!("'{v}'")), "{}", e.message);
        }
    }
}

fn known_regions() -> Vec<String> {
    catalog()
        .regions()
        .iter()
        .map(|r| r.region.clone())
        .collect()
}

/// Reference for `domain_covers`: compare label lists from the right.
fn covers_reference(verified: &str, name: &str) -> bool {
    let v: Vec<&str> = verified.split('.').collect();
    let n: Vec<&str> = verification_domain(name).split('.').collect();
    n.len() >= v.len() && n[n.len() - v.len()..] == v[..]
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 128,
        ..ProptestConfig::default()
    })]

    #[test]
    fn load_balancer_arn_round_trips(
        region in proptest::sample::select(known_regions()),
        acct in any::<u64>(),
        gateway in any::<bool>(),
        name in "[A-Za-z0-9]([A-Za-z0-9-]{0,30}[A-Za-z0-9])?",
        id in any::<u64>(),
    ) {
        prop_assume!(!name.starts_with("internal-"));
        let kind = if gateway { LoadBalancerKind::Gateway } else { LoadBalancerKind::Network };
        let lb = LoadBalancerArn {
            region,
            account_id: format_account_id(acct),
            kind,
            name,
            id: elb_id(id),
        };
        let s = lb.arn();
        prop_assert_eq!(&LoadBalancerArn::parse(&s, kind).unwrap(), &lb);
        prop_assert_eq!(&LoadBalancerArn::parse_any(&s).unwrap(), &lb);
        let other = if gateway { LoadBalancerKind::Network } else { LoadBalancerKind::Gateway };
        prop_assert!(LoadBalancerArn::parse(&s, other).is_err());
        let tg = target_group_arn(&lb.region, &lb.account_id, &lb.name, &lb.id);
        prop_assert_eq!(
            parse_target_group_arn(&tg).unwrap(),
            (lb.region.clone(), lb.account_id.clone(), lb.name.clone(), lb.id.clone())
        );
    }

    #[test]
    fn domain_covers_matches_label_suffix_reference(
        verified in "[ab]{1,2}(\\.[ab]{1,2}){0,3}",
        name in "(\\*\\.)?[ab]{1,2}(\\.[ab]{1,2}){0,3}",
    ) {
        prop_assert_eq!(domain_covers(&verified, &name), covers_reference(&verified, &name));
    }

    #[test]
    fn verification_record_has_documented_shape(name_bits in any::<u128>(), value_bits in any::<u128>()) {
        let (label, value) = verification_record(name_bits, value_bits);
        let token = label.strip_prefix('_').unwrap();
        prop_assert_eq!(token.len(), 20);
        prop_assert!(token.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()));
        let v = value.strip_prefix("vpce:").unwrap();
        prop_assert_eq!(v.len(), 20);
        prop_assert!(v.bytes().all(|b| b.is_ascii_alphanumeric()));
        prop_assert_eq!(
            verification_record_name(&label, "*.example.com"),
            format!("{label}.example.com")
        );
    }
}
