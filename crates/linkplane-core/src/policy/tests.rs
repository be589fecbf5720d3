#![allow(clippy::unwrap_used)]

use super::*;
use crate::endpoint::{DEFAULT_POLICY, MAX_POLICY_CHARS};
use proptest::prelude::*;

const ROLE: &str = "arn:aws:iam::111122223333:role/app";

fn req<'a>(action: &'a str, resource: &'a str, context: &'a [(&'a str, &'a str)]) -> Request<'a> {
    Request {
        principal_arn: ROLE,
        action,
        resource,
        context,
    }
}

fn policy(statements: &str) -> CompiledPolicy {
    CompiledPolicy::compile(&format!(
        r#"{{"Version":"2012-10-17","Statement":{statements}}}"#
    ))
    .unwrap()
}

fn compile_err(statements: &str) -> CoreError {
    CompiledPolicy::compile(&format!(r#"{{"Statement":{statements}}}"#)).unwrap_err()
}

/// One Allow statement with a condition block, for operator tests.
fn cond(condition: &str) -> CompiledPolicy {
    policy(&format!(
        r#"{{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*","Condition":{condition}}}"#
    ))
}

fn allows(p: &CompiledPolicy, context: &[(&str, &str)]) -> bool {
    p.evaluate(&req("s3:GetObject", "arn:aws:s3:::b/k", context))
        .is_allowed()
}

#[test]
fn compiled_policies_are_send_sync_clone() {
    fn check<T: Send + Sync + Clone + fmt::Debug>() {}
    check::<CompiledPolicy>();
    check::<Decision>();
}

#[test]
fn the_default_policy_allows_anything() {
    for p in [
        CompiledPolicy::compile(DEFAULT_POLICY).unwrap(),
        CompiledPolicy::allow_all(),
    ] {
        for (who, action, resource) in [
            (ROLE, "s3:GetObject", "arn:aws:s3:::b/k"),
            ("arn:aws:iam::999988887777:user/x", "ec2:RunInstances", "*"),
            ("", "", ""),
        ] {
            let d = p.evaluate(&Request {
                principal_arn: who,
                action,
                resource,
                context: &[],
            });
            assert_eq!(
                d,
                Decision::Allow {
                    statement: 0,
                    sid: None
                }
            );
        }
    }
}

#[test]
fn explicit_deny_beats_allow_and_names_the_statement() {
    let p = policy(
        r#"[
            {"Sid":"All","Effect":"Allow","Principal":"*","Action":"*","Resource":"*"},
            {"Sid":"Reads","Effect":"Allow","Principal":"*","Action":"s3:Get*","Resource":"*"},
            {"Sid":"NoSecrets","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::secret/*"},
            {"Effect":"Deny","Principal":"*","Action":"*","Resource":"arn:aws:s3:::secret/*"}
        ]"#,
    );
    assert_eq!(
        p.evaluate(&req("s3:GetObject", "arn:aws:s3:::secret/k", &[])),
        Decision::ExplicitDeny {
            statement: 2,
            sid: Some("NoSecrets".into())
        }
    );
    assert_eq!(
        p.evaluate(&req("s3:GetObject", "arn:aws:s3:::open/k", &[])),
        Decision::Allow {
            statement: 0,
            sid: Some("All".into())
        }
    );
    assert_eq!(
        p.evaluate(&req("ec2:RunInstances", "arn:aws:s3:::secret/k", &[])),
        Decision::ExplicitDeny {
            statement: 3,
            sid: None
        }
    );
}

#[test]
fn nothing_matching_is_an_implicit_deny() {
    let p = policy(
        r#"{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}"#,
    );
    assert_eq!(
        p.evaluate(&req("s3:PutObject", "arn:aws:s3:::b/k", &[])),
        Decision::ImplicitDeny
    );
    assert_eq!(
        p.evaluate(&req("s3:GetObject", "arn:aws:s3:::c/k", &[])),
        Decision::ImplicitDeny
    );
    assert!(!Decision::ImplicitDeny.is_allowed());
}

#[test]
fn actions_match_case_insensitively_with_wildcards() {
    let p = policy(
        r#"{"Effect":"Allow","Principal":"*","Action":["s3:Get*","sqs:SendMessage","ec2:Describe?pcs","dynamodb:*Item"],"Resource":"*"}"#,
    );
    let ok = |a: &str| p.evaluate(&req(a, "arn:aws:s3:::b/k", &[])).is_allowed();
    for a in [
        "s3:GetObject",
        "S3:getobject",
        "s3:get",
        "SQS:sendmessage",
        "ec2:DescribeVpcs",
        "ec2:describevpcs",
        "dynamodb:GetItem",
        "DynamoDB:PUTITEM",
    ] {
        assert!(ok(a), "{a}");
    }
    for a in [
        "s3:PutObject",
        "sqs:SendMessageBatch",
        "ec2:DescribeVpcsX",
        "ec2:DescribeSubnets",
        "dynamodb:GetItems",
    ] {
        assert!(!ok(a), "{a}");
    }
}

#[test]
fn resources_match_case_sensitively_with_wildcards() {
    let p = policy(
        r#"{"Effect":"Allow","Principal":"*","Action":"*","Resource":["arn:aws:s3:::logs-?/*","arn:aws:s3:::exact","arn:aws:*:us-east-1:*:table/t*"]}"#,
    );
    let ok = |r: &str| p.evaluate(&req("s3:GetObject", r, &[])).is_allowed();
    for r in [
        "arn:aws:s3:::logs-a/x",
        "arn:aws:s3:::logs-1/a/b/c",
        "arn:aws:s3:::logs-é/",
        "arn:aws:s3:::exact",
        "arn:aws:dynamodb:us-east-1:111122223333:table/t1",
        "arn:aws:x:y:z:us-east-1:1:table/t",
    ] {
        assert!(ok(r), "{r}");
    }
    for r in [
        "arn:aws:s3:::logs-ab/x",
        "arn:aws:s3:::logs-/x",
        "arn:aws:s3:::logs-a",
        "arn:aws:s3:::Exact",
        "arn:aws:s3:::exact/",
        "arn:aws:dynamodb:us-east-2:1:table/t",
    ] {
        assert!(!ok(r), "{r}");
    }
}

#[test]
fn not_action_and_not_resource_invert_the_match() {
    let p = policy(
        r#"[{"Effect":"Allow","Principal":"*","NotAction":["s3:Delete*","iam:*"],"Resource":"*"},
                {"Effect":"Deny","Principal":"*","Action":"*","NotResource":"arn:aws:s3:::ok/*"}]"#,
    );
    let d = |a: &str, r: &str| p.evaluate(&req(a, r, &[]));
    assert_eq!(
        d("s3:GetObject", "arn:aws:s3:::ok/k"),
        Decision::Allow {
            statement: 0,
            sid: None
        }
    );
    assert_eq!(
        d("s3:deleteobject", "arn:aws:s3:::ok/k"),
        Decision::ImplicitDeny
    );
    assert_eq!(
        d("IAM:PassRole", "arn:aws:s3:::ok/k"),
        Decision::ImplicitDeny
    );
    assert_eq!(
        d("s3:GetObject", "arn:aws:s3:::other/k"),
        Decision::ExplicitDeny {
            statement: 1,
            sid: None
        }
    );
}

#[test]
fn string_operators() {
    let eq = cond(r#"{"StringEquals":{"aws:SourceVpce":["vpce-1","vpce-2"]}}"#);
    assert!(allows(&eq, &[("aws:SourceVpce", "vpce-2")]));
    assert!(
        allows(&eq, &[("AWS:SOURCEVPCE", "vpce-1")]),
        "keys are case-insensitive"
    );
    assert!(
        !allows(&eq, &[("aws:SourceVpce", "VPCE-1")]),
        "values are not"
    );
    assert!(!allows(&eq, &[]), "missing key: no match");

    let ne = cond(r#"{"StringNotEquals":{"aws:SourceVpce":["vpce-1","vpce-2"]}}"#);
    assert!(allows(&ne, &[("aws:SourceVpce", "vpce-3")]));
    assert!(!allows(&ne, &[("aws:SourceVpce", "vpce-1")]));
    assert!(allows(&ne, &[]), "negated, missing key: match");

    let ieq = cond(r#"{"StringEqualsIgnoreCase":{"s3:prefix":"Home/ÄBC"}}"#);
    assert!(allows(&ieq, &[("s3:prefix", "home/äbc")]));
    assert!(!allows(&ieq, &[("s3:prefix", "home/abc")]));
    assert!(!allows(&ieq, &[]));

    let ine = cond(r#"{"StringNotEqualsIgnoreCase":{"s3:prefix":"Home"}}"#);
    assert!(!allows(&ine, &[("s3:prefix", "HOME")]));
    assert!(allows(&ine, &[("s3:prefix", "away")]));
    assert!(allows(&ine, &[]));

    let like = cond(r#"{"StringLike":{"aws:userid":["AROA*:alice","x?z"]}}"#);
    assert!(allows(&like, &[("aws:userid", "AROAEXAMPLE:alice")]));
    assert!(allows(&like, &[("aws:userid", "xyz")]));
    assert!(!allows(&like, &[("aws:userid", "aroaexample:alice")]));
    assert!(!allows(&like, &[]));

    let nlike = cond(r#"{"StringNotLike":{"aws:userid":"AROA*"}}"#);
    assert!(!allows(&nlike, &[("aws:userid", "AROAX")]));
    assert!(allows(&nlike, &[("aws:userid", "AIDAX")]));
    assert!(allows(&nlike, &[]));
}

#[test]
fn arn_operators_match_segment_by_segment() {
    for op in ["ArnLike", "ArnEquals"] {
        let p = cond(&format!(
            r#"{{"{op}":{{"aws:SourceArn":["arn:aws:sns:*:111122223333:topic-?","arn:aws:s3:::b/*"]}}}}"#
        ));
        assert!(
            allows(
                &p,
                &[(
                    "aws:SourceArn",
                    "arn:aws:sns:us-east-1:111122223333:topic-a"
                )]
            ),
            "{op}"
        );
        assert!(
            allows(&p, &[("aws:SourceArn", "arn:aws:s3:::b/c:d")]),
            "{op}"
        );
        assert!(
            !allows(
                &p,
                &[(
                    "aws:SourceArn",
                    "arn:aws:sns:us-east-1:999988887777:topic-a"
                )]
            ),
            "{op}"
        );
        assert!(
            !allows(
                &p,
                &[(
                    "aws:SourceArn",
                    "arn:aws:sns:us-east-1:x:111122223333:topic-a"
                )]
            ),
            "{op}: * does not cross segments"
        );
        assert!(!allows(&p, &[("aws:SourceArn", "not-an-arn")]), "{op}");
        assert!(!allows(&p, &[]), "{op}");
    }
    for op in ["ArnNotLike", "ArnNotEquals"] {
        let p = cond(&format!(
            r#"{{"{op}":{{"aws:PrincipalArn":"arn:aws:iam::*:role/admin-*"}}}}"#
        ));
        assert!(
            allows(&p, &[]),
            "{op}: derived from principal_arn, not an admin"
        );
        assert!(
            !allows(&p, &[("aws:PrincipalArn", "arn:aws:iam::1:role/admin-x")]),
            "{op}"
        );
        assert!(allows(&p, &[("aws:SomethingElse", "x")]), "{op}");
    }
    let missing = cond(r#"{"ArnNotLike":{"aws:SourceArn":"arn:aws:sns:*:*:*"}}"#);
    assert!(allows(&missing, &[]), "negated, missing key: match");
    let not_arn = cond(r#"{"ArnLike":{"aws:SourceArn":"*"}}"#);
    assert!(
        !allows(&not_arn, &[("aws:SourceArn", "arn:aws:s3:::b")]),
        "values need six segments"
    );
}

#[test]
fn ip_operators_take_cidrs_and_bare_addresses() {
    let p = cond(r#"{"IpAddress":{"aws:SourceIp":["10.0.0.0/8","192.0.2.7","2001:db8::/32"]}}"#);
    for ip in ["10.1.2.3", "10.255.255.255", "192.0.2.7", "2001:db8::1"] {
        assert!(allows(&p, &[("aws:SourceIp", ip)]), "{ip}");
    }
    for ip in ["11.0.0.1", "192.0.2.8", "2001:db9::1", "garbage"] {
        assert!(!allows(&p, &[("aws:SourceIp", ip)]), "{ip}");
    }
    assert!(!allows(&p, &[]));
    let host_bits = cond(r#"{"IpAddress":{"aws:SourceIp":"203.0.113.77/24"}}"#);
    assert!(allows(&host_bits, &[("aws:SourceIp", "203.0.113.1")]));
    let zero = cond(r#"{"IpAddress":{"aws:SourceIp":"0.0.0.0/0"}}"#);
    assert!(allows(&zero, &[("aws:SourceIp", "8.8.8.8")]));

    let not = cond(r#"{"NotIpAddress":{"aws:SourceIp":"10.0.0.0/8"}}"#);
    assert!(!allows(&not, &[("aws:SourceIp", "10.0.0.1")]));
    assert!(allows(&not, &[("aws:SourceIp", "172.16.0.1")]));
    assert!(allows(&not, &[]), "negated, missing key: match");
}

#[test]
fn bool_and_null_operators() {
    let p = cond(r#"{"Bool":{"aws:SecureTransport":"true"}}"#);
    assert!(allows(&p, &[("aws:SecureTransport", "true")]));
    assert!(allows(&p, &[("aws:SecureTransport", "TRUE")]));
    assert!(!allows(&p, &[("aws:SecureTransport", "false")]));
    assert!(!allows(&p, &[("aws:SecureTransport", "yes")]));
    assert!(!allows(&p, &[]));
    let json_bool = cond(r#"{"Bool":{"aws:SecureTransport":false}}"#);
    assert!(allows(&json_bool, &[("aws:SecureTransport", "False")]));

    let absent = cond(r#"{"Null":{"aws:SourceVpce":"true"}}"#);
    assert!(allows(&absent, &[]));
    assert!(!allows(&absent, &[("aws:SourceVpce", "vpce-1")]));
    let present = cond(r#"{"Null":{"aws:SourceVpce":false}}"#);
    assert!(!allows(&present, &[]));
    assert!(allows(&present, &[("aws:SourceVpce", "vpce-1")]));
}

#[test]
fn if_exists_matches_missing_keys_and_tests_present_ones() {
    for (op, value, yes, no) in [
        ("StringEqualsIfExists", "\"vpce-1\"", "vpce-1", "vpce-2"),
        ("StringNotEqualsIfExists", "\"vpce-1\"", "vpce-2", "vpce-1"),
        (
            "StringEqualsIgnoreCaseIfExists",
            "\"VPCE-1\"",
            "vpce-1",
            "vpce-2",
        ),
        (
            "StringNotEqualsIgnoreCaseIfExists",
            "\"VPCE-1\"",
            "vpce-2",
            "vpce-1",
        ),
        ("StringLikeIfExists", "\"vpce-*\"", "vpce-1", "vpc-1"),
        ("StringNotLikeIfExists", "\"vpce-*\"", "vpc-1", "vpce-1"),
        (
            "ArnLikeIfExists",
            "\"arn:aws:*:*:*:*\"",
            "arn:aws:s3:::b",
            "arn:aws",
        ),
        (
            "ArnEqualsIfExists",
            "\"arn:aws:s3:::b\"",
            "arn:aws:s3:::b",
            "arn:aws:s3:::c",
        ),
        (
            "ArnNotLikeIfExists",
            "\"arn:aws:s3:::*\"",
            "arn:aws:sns:x:1:t",
            "arn:aws:s3:::b",
        ),
        (
            "ArnNotEqualsIfExists",
            "\"arn:aws:s3:::b\"",
            "arn:aws:s3:::c",
            "arn:aws:s3:::b",
        ),
        (
            "IpAddressIfExists",
            "\"10.0.0.0/8\"",
            "10.0.0.1",
            "11.0.0.1",
        ),
        (
            "NotIpAddressIfExists",
            "\"10.0.0.0/8\"",
            "11.0.0.1",
            "10.0.0.1",
        ),
        ("BoolIfExists", "\"true\"", "true", "false"),
    ] {
        let p = cond(&format!(r#"{{"{op}":{{"k:Key":{value}}}}}"#));
        assert!(allows(&p, &[]), "{op}: missing key matches");
        assert!(allows(&p, &[("k:key", yes)]), "{op} {yes}");
        assert!(!allows(&p, &[("k:key", no)]), "{op} {no}");
    }
}

#[test]
fn conditions_and_between_keys_and_operators_or_within_values() {
    let p = cond(
        r#"{"StringEquals":{"aws:SourceVpce":["vpce-1","vpce-2"],"aws:PrincipalAccount":"111122223333"},
                "Bool":{"aws:SecureTransport":"true"}}"#,
    );
    let ctx = |vpce, tls| [("aws:SourceVpce", vpce), ("aws:SecureTransport", tls)];
    assert!(
        allows(&p, &ctx("vpce-2", "true")),
        "account derived from principal_arn"
    );
    assert!(!allows(&p, &ctx("vpce-3", "true")));
    assert!(!allows(&p, &ctx("vpce-1", "false")));
    let given = [
        ("aws:PrincipalAccount", "999988887777"),
        ("aws:SourceVpce", "vpce-1"),
        ("aws:SecureTransport", "true"),
    ];
    assert!(!allows(&p, &given), "context overrides the derived value");
}

#[test]
fn principal_forms() {
    let d = |principal: &str, who: &str| {
        let p = policy(&format!(
            r#"{{"Effect":"Allow","Principal":{principal},"Action":"*","Resource":"*"}}"#
        ));
        p.evaluate(&Request {
            principal_arn: who,
            action: "s3:GetObject",
            resource: "arn:aws:s3:::b/k",
            context: &[],
        })
        .is_allowed()
    };
    let user = "arn:aws:iam::111122223333:user/alice";
    let session = "arn:aws:sts::111122223333:assumed-role/app/i-0123";
    let other = "arn:aws:iam::999988887777:role/app";
    for p in [
        r#""*""#,
        r#"{"AWS":"*"}"#,
        r#"{"AWS":["111122223333","*"]}"#,
    ] {
        assert!(d(p, other), "{p}");
    }
    for p in [
        r#"{"AWS":"111122223333"}"#,
        r#"{"AWS":"arn:aws:iam::111122223333:root"}"#,
    ] {
        assert!(d(p, ROLE) && d(p, user) && d(p, session), "{p}");
        assert!(!d(p, other), "{p}");
    }
    let exact = r#"{"AWS":"arn:aws:iam::111122223333:role/app"}"#;
    assert!(d(exact, ROLE));
    assert!(d(exact, session), "a role names its sessions");
    assert!(
        !d(exact, "arn:aws:iam::111122223333:role/App"),
        "case-sensitive"
    );
    assert!(!d(
        exact,
        "arn:aws:sts::111122223333:assumed-role/other/app"
    ));
    assert!(!d(exact, "arn:aws:sts::999988887777:assumed-role/app/s"));
    assert!(!d(exact, user));
    let with_path = r#"{"AWS":["arn:aws:iam::111122223333:role/team/app","arn:aws:iam::111122223333:user/alice"]}"#;
    assert!(
        d(with_path, session),
        "sessions carry the role name, not its path"
    );
    assert!(d(with_path, user));
    assert!(!d(with_path, ROLE), "a different role ARN");
    let session_exact = r#"{"AWS":"arn:aws:sts::111122223333:assumed-role/app/i-0123"}"#;
    assert!(d(session_exact, session));
    assert!(!d(session_exact, ROLE));
}

#[test]
fn compile_errors() {
    let base = r#""Principal":"*","Action":"*","Resource":"*""#;
    for (doc, needle) in [
        (format!(r#"{{"Effect":"allow",{base}}}"#), "Effect"),
        (format!(r#"{{"Effect":"Permit",{base}}}"#), "Effect"),
        (format!(r#"{{{base}}}"#), "Effect"),
        (r#"{"Effect":"Allow","Action":"*","Resource":"*"}"#.to_string(), "Principal is required"),
        (
            r#"{"Effect":"Allow","NotPrincipal":{"AWS":"111122223333"},"Action":"*","Resource":"*"}"#.to_string(),
            "NotPrincipal",
        ),
        (
            r#"{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"*","Resource":"*"}"#.to_string(),
            "Service",
        ),
        (
            r#"{"Effect":"Allow","Principal":{"AWS":"alice"},"Action":"*","Resource":"*"}"#.to_string(),
            "alice",
        ),
        (format!(r#"{{"Effect":"Allow",{base},"NotAction":"s3:*"}}"#), "both Action and NotAction"),
        (r#"{"Effect":"Allow","Principal":"*","Resource":"*"}"#.to_string(), "Action or NotAction"),
        (
            r#"{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*","NotResource":"*"}"#.to_string(),
            "both Resource and NotResource",
        ),
        (r#"{"Effect":"Allow","Principal":"*","Action":"s3","Resource":"*"}"#.to_string(), "\"s3\""),
        (r#"{"Effect":"Allow","Principal":"*","Action":[],"Resource":"*"}"#.to_string(), "Action"),
        (r#"{"Effect":"Allow","Principal":"*","Action":"*","Resource":"bucket"}"#.to_string(), "bucket"),
        (
            format!(r#"{{"Effect":"Allow",{base},"Condition":{{"NumericLessThan":{{"k":"1"}}}}}}"#),
            "unsupported condition operator NumericLessThan",
        ),
        (
            format!(r#"{{"Effect":"Allow",{base},"Condition":{{"ForAnyValue:StringLike":{{"k":"1"}}}}}}"#),
            "ForAnyValue:StringLike",
        ),
        (
            format!(r#"{{"Effect":"Allow",{base},"Condition":{{"NullIfExists":{{"k":"true"}}}}}}"#),
            "NullIfExists",
        ),
        (
            format!(r#"{{"Effect":"Allow",{base},"Condition":{{"IpAddress":{{"aws:SourceIp":"10.0.0.0/33"}}}}}}"#),
            "10.0.0.0/33",
        ),
        (
            format!(r#"{{"Effect":"Allow",{base},"Condition":{{"IpAddress":{{"aws:SourceIp":["10.0.0.0/8","10.0.0/8"]}}}}}}"#),
            "10.0.0/8",
        ),
        (
            format!(r#"{{"Effect":"Allow",{base},"Condition":{{"IpAddress":{{"aws:SourceIp":"10.0.0.0/"}}}}}}"#),
            "10.0.0.0/",
        ),
        (
            format!(r#"{{"Effect":"Allow",{base},"Condition":{{"Bool":{{"aws:SecureTransport":"yes"}}}}}}"#),
            "yes",
        ),
        (
            format!(r#"{{"Effect":"Allow",{base},"Condition":{{"StringEquals":{{"k":[]}}}}}}"#),
            "non-empty array",
        ),
        (format!(r#"{{"Effect":"Allow",{base},"Condition":{{"StringEquals":{{"k":{{}}}}}}}}"#), "values of"),
        (format!(r#"{{"Effect":"Allow",{base},"Action2":"*"}}"#), "unsupported element Action2"),
        (format!(r#"{{"Effect":"Allow",{base},"Sid":1}}"#), "Sid"),
    ] {
        let e = compile_err(&doc);
        assert_eq!(e.code, "InvalidPolicyDocument", "{doc}");
        assert!(e.message.contains(needle), "{doc}: {}", e.message);
    }
    let second = compile_err(&format!(
        r#"[{{"Effect":"Allow",{base}}},{{"Effect":"Nope",{base}}}]"#
    ));
    assert!(second.message.contains("Statement 1"), "{}", second.message);
    let version = CompiledPolicy::compile(&format!(
        r#"{{"Version":"2020-01-01","Statement":{{"Effect":"Allow",{base}}}}}"#
    ))
    .unwrap_err();
    assert!(version.message.contains("Version"));
}

#[test]
fn oversize_and_malformed_text_is_refused() {
    let stmt = r#"{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}"#;
    let fits = format!(r#"{{"Statement":{stmt}}}"#);
    let pad = " ".repeat(MAX_POLICY_CHARS - fits.chars().count());
    assert!(CompiledPolicy::compile(&format!("{fits}{pad}")).is_ok());
    let e = CompiledPolicy::compile(&format!("{fits}{pad} ")).unwrap_err();
    assert_eq!(e.code, "InvalidPolicyDocument");
    assert!(e.message.contains("20480"), "{}", e.message);
    for doc in ["", "{", "[]", r#"{"Statement":[]}"#, r#"{"Statement":"x"}"#] {
        assert_eq!(
            CompiledPolicy::compile(doc).unwrap_err().code,
            "InvalidPolicyDocument"
        );
    }
}

/// The reference: plain recursion over characters.
fn naive(p: &[char], s: &[char]) -> bool {
    match p.split_first() {
        None => s.is_empty(),
        Some(('*', rest)) => (0..=s.len()).any(|k| naive(rest, &s[k..])),
        Some(('?', rest)) => !s.is_empty() && naive(rest, &s[1..]),
        Some((c, rest)) => s.first() == Some(c) && naive(rest, &s[1..]),
    }
}

fn kind(d: &Decision) -> u8 {
    match d {
        Decision::Allow { .. } => 0,
        Decision::ExplicitDeny { .. } => 1,
        Decision::ImplicitDeny => 2,
    }
}

fn statement_json() -> impl Strategy<Value = String> {
    (
        prop::bool::ANY,
        prop::sample::select(vec!["*", "s3:*", "s3:Get*", "s3:PutObject", "ec2:*"]),
        prop::bool::ANY,
        prop::sample::select(vec!["*", "arn:aws:s3:::a/*", "arn:aws:s3:::?/k", "arn:aws:s3:::b/k"]),
        prop::sample::select(vec![
            r#""*""#,
            r#"{"AWS":"111122223333"}"#,
            r#"{"AWS":"arn:aws:iam::999988887777:role/x"}"#,
        ]),
        prop::sample::select(vec![
            "",
            r#","Condition":{"StringEquals":{"aws:SourceVpce":"vpce-1"}}"#,
            r#","Condition":{"StringNotLike":{"aws:SourceVpce":"vpce-*"}}"#,
            r#","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}"#,
        ]),
    )
        .prop_map(|(deny, action, not_action, resource, principal, condition)| {
            let effect = if deny { "Deny" } else { "Allow" };
            let a = if not_action { "NotAction" } else { "Action" };
            format!(
                r#"{{"Effect":"{effect}","Principal":{principal},"{a}":"{action}","Resource":"{resource}"{condition}}}"#
            )
        })
}

proptest! {
    #[test]
    fn glob_agrees_with_the_naive_matcher(p in "[ab*?/é]{0,8}", s in "[ab*?/é]{0,10}") {
        let pc: Vec<char> = p.chars().collect();
        let sc: Vec<char> = s.chars().collect();
        let want = naive(&pc, &sc);
        prop_assert_eq!(glob(p.as_bytes(), s.as_bytes(), false), want);
        prop_assert_eq!(Pattern::new(&p).matches(&s, false), want);
        prop_assert_eq!(Pattern::new(&p).matches(&s.to_ascii_uppercase(), true), want);
        prop_assert_eq!(Pattern::new(&p.to_ascii_uppercase()).matches(&s, true), want);
    }

    #[test]
    fn statement_order_never_changes_the_kind_of_decision(
        (stmts, shuffled) in prop::collection::vec(statement_json(), 1..6)
            .prop_flat_map(|v| (Just(v.clone()), Just(v).prop_shuffle())),
        action in prop::sample::select(vec!["s3:GetObject", "s3:PutObject", "ec2:RunInstances"]),
        resource in prop::sample::select(vec!["arn:aws:s3:::a/k", "arn:aws:s3:::b/k", "arn:aws:s3:::c/k"]),
        who in prop::sample::select(vec![ROLE, "arn:aws:iam::999988887777:role/x"]),
        vpce in prop::option::of(prop::sample::select(vec!["vpce-1", "vpce-2"])),
        ip in prop::option::of(prop::sample::select(vec!["10.0.0.1", "192.0.2.1"])),
    ) {
        let a = policy(&format!("[{}]", stmts.join(",")));
        let b = policy(&format!("[{}]", shuffled.join(",")));
        let mut ctx = Vec::new();
        if let Some(v) = vpce { ctx.push(("aws:SourceVpce", v)); }
        if let Some(v) = ip { ctx.push(("aws:SourceIp", v)); }
        let r = Request { principal_arn: who, action, resource, context: &ctx };
        prop_assert_eq!(kind(&a.evaluate(&r)), kind(&b.evaluate(&r)));
    }
}
#[test]
fn uses_condition_key_sees_keys_in_any_statement() {
    let p = CompiledPolicy::compile(
        r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"},
               {"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"NotIpAddress":{"AWS:SourceIP":"10.0.0.0/8"}}}]}"#,
    )
    .expect("valid");
    assert!(p.uses_condition_key("aws:SourceIp"));
    assert!(!p.uses_condition_key("aws:SourceVpce"));
    assert!(!CompiledPolicy::allow_all().uses_condition_key("aws:SourceIp"));
}
