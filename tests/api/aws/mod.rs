//! The AWS front over HTTP: SigV4 (signed here independently of the
//! server's canonicalisation), the error shapes, and that it reaches the
//! same records as the REST front.

mod agree;
mod connect;
mod consumer;
mod filters;
mod harness;
mod listeners;
mod network;
mod notifications;
mod producer;

use crate::on_both_databases;
use crate::support::{ADMIN, Actor, Db, TestServer, s};
use linkplane::service::caller::{sigv4_signature, sigv4_signing_key};
use linkplane::util::sha256_hex;
use reqwest::StatusCode;
use serde_json::json;

/// An AWS credential: the key id (inside the bearer secret) and the secret.
pub(crate) fn creds(a: &Actor) -> (String, String) {
    let key_id = a
        .token
        .strip_prefix("lp_")
        .and_then(|r| r.split('_').next())
        .expect("lp_<key id>_...")
        .to_string();
    (key_id, a.token.clone())
}

pub(crate) fn enc(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

pub(crate) fn form(params: &[(&str, &str)]) -> String {
    params
        .iter()
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect::<Vec<_>>()
        .join("&")
}

pub(crate) fn amz_date(offset_secs: i64) -> String {
    let t = time::OffsetDateTime::now_utc() + time::Duration::seconds(offset_secs);
    t.format(time::macros::format_description!(
        "[year][month][day]T[hour][minute][second]Z"
    ))
    .expect("format")
}

pub(crate) struct Signed {
    service: &'static str,
    key_id: String,
    secret: String,
    skew: i64,
    region: &'static str,
}

impl Signed {
    pub(crate) fn new(a: &Actor, service: &'static str) -> Self {
        let (key_id, secret) = creds(a);
        Signed {
            service,
            key_id,
            secret,
            skew: 0,
            region: "us-east-1",
        }
    }

    /// The same credential, signing for another region.
    pub(crate) fn in_region(a: &Actor, service: &'static str, region: &'static str) -> Self {
        Signed {
            region,
            ..Signed::new(a, service)
        }
    }

    /// A signer with credentials of one's choosing (the harness mode's
    /// dummy keys, a known key id with a wrong secret).
    pub(crate) fn with_keys(service: &'static str, key_id: &str, secret: &str) -> Self {
        Signed {
            service,
            key_id: key_id.to_string(),
            secret: secret.to_string(),
            skew: 0,
            region: "us-east-1",
        }
    }

    /// POSTs a signed form, answers the status and the XML text.
    pub(crate) async fn post(
        &self,
        srv: &TestServer,
        params: &[(&str, &str)],
    ) -> (StatusCode, String) {
        let host = srv.base.trim_start_matches("http://").to_string();
        let body = form(params);
        let ts = amz_date(self.skew);
        let date = &ts[..8];
        let ctype = "application/x-www-form-urlencoded; charset=utf-8";
        let canonical = format!(
            "POST\n/\n\ncontent-type:{ctype}\nhost:{host}\nx-amz-date:{ts}\n\ncontent-type;host;x-amz-date\n{}",
            sha256_hex(body.as_bytes())
        );
        let scope = format!("{date}/{}/{}/aws4_request", self.region, self.service);
        let sts = format!(
            "AWS4-HMAC-SHA256\n{ts}\n{scope}\n{}",
            sha256_hex(canonical.as_bytes())
        );
        let key = sigv4_signing_key(&self.secret, date, self.region, self.service);
        let auth = format!(
            "AWS4-HMAC-SHA256 Credential={}/{scope}, SignedHeaders=content-type;host;x-amz-date, Signature={}",
            self.key_id,
            sigv4_signature(&key, &sts)
        );
        let r = srv
            .http
            .post(srv.url("/"))
            .header("content-type", ctype)
            .header("x-amz-date", &ts)
            .header("authorization", auth)
            .body(body)
            .send()
            .await
            .expect("send");
        let status = r.status();
        if status.is_client_error() || status.is_server_error() {
            let ct = r.headers()["content-type"]
                .to_str()
                .unwrap_or("")
                .to_string();
            assert_eq!(ct, "text/xml;charset=UTF-8");
        }
        (status, r.text().await.expect("text"))
    }

    /// A presigned `GET /?...&X-Amz-Signature=...`.
    async fn presigned_get(
        &self,
        srv: &TestServer,
        params: &[(&str, &str)],
    ) -> (StatusCode, String) {
        let host = srv.base.trim_start_matches("http://").to_string();
        let ts = amz_date(0);
        let date = &ts[..8];
        let scope = format!("{date}/{}/{}/aws4_request", self.region, self.service);
        let cred = format!("{}/{scope}", self.key_id);
        let mut all: Vec<(String, String)> = params
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        all.extend([
            (
                "X-Amz-Algorithm".to_string(),
                "AWS4-HMAC-SHA256".to_string(),
            ),
            ("X-Amz-Credential".to_string(), cred),
            ("X-Amz-Date".to_string(), ts.clone()),
            ("X-Amz-Expires".to_string(), "300".to_string()),
            ("X-Amz-SignedHeaders".to_string(), "host".to_string()),
        ]);
        let mut encoded: Vec<(String, String)> =
            all.iter().map(|(k, v)| (enc(k), enc(v))).collect();
        encoded.sort();
        let query = encoded
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("&");
        let canonical = format!("GET\n/\n{query}\nhost:{host}\n\nhost\n{}", sha256_hex(b""));
        let sts = format!(
            "AWS4-HMAC-SHA256\n{ts}\n{scope}\n{}",
            sha256_hex(canonical.as_bytes())
        );
        let key = sigv4_signing_key(&self.secret, date, self.region, self.service);
        let url = srv.url(&format!(
            "/?{query}&X-Amz-Signature={}",
            sigv4_signature(&key, &sts)
        ));
        let r = srv.http.get(url).send().await.expect("send");
        (r.status(), r.text().await.expect("text"))
    }
}

/// The text of the first `<tag>` of an XML document.
pub(crate) fn tag<'a>(xml: &'a str, name: &str) -> Option<&'a str> {
    let open = format!("<{name}>");
    let start = xml.find(&open)? + open.len();
    let end = xml[start..].find(&format!("</{name}>"))?;
    Some(&xml[start..start + end])
}

/// Every text of `<name>` in the document, in order.
pub(crate) fn tags<'a>(xml: &'a str, name: &str) -> Vec<&'a str> {
    let (open, close) = (format!("<{name}>"), format!("</{name}>"));
    let mut out = Vec::new();
    let mut rest = xml;
    while let Some(i) = rest.find(&open) {
        let from = &rest[i + open.len()..];
        let Some(j) = from.find(&close) else { break };
        out.push(&from[..j]);
        rest = &from[j + close.len()..];
    }
    out
}

/// The status and the error `Code` of an answer.
pub(crate) fn code(out: &(StatusCode, String)) -> (StatusCode, Option<&str>) {
    (out.0, tag(&out.1, "Code"))
}

pub(crate) const EC2: &str = "2016-11-15";

/// Calls an EC2 action; answers the status and XML.
pub(crate) async fn ec2(
    srv: &TestServer,
    who: &Signed,
    action: &str,
    params: &[(&str, &str)],
) -> (StatusCode, String) {
    let mut all = vec![("Action", action), ("Version", EC2)];
    all.extend_from_slice(params);
    who.post(srv, &all).await
}

/// As [`ec2`], 200 and EC2's response element asserted; answers the XML.
pub(crate) async fn ok(
    srv: &TestServer,
    who: &Signed,
    action: &str,
    params: &[(&str, &str)],
) -> String {
    let (st, xml) = ec2(srv, who, action, params).await;
    assert_eq!(st, StatusCode::OK, "{action}: {xml}");
    assert!(
        xml.contains(&format!(
            "<{action}Response xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\"><requestId>"
        )),
        "{action}: {xml}"
    );
    xml
}

/// As [`ec2`], the status and error code asserted; answers the XML.
pub(crate) async fn fails_with(
    srv: &TestServer,
    who: &Signed,
    action: &str,
    params: &[(&str, &str)],
    status: StatusCode,
    code: &str,
) -> String {
    let (st, xml) = ec2(srv, who, action, params).await;
    assert_eq!(
        (st, tag(&xml, "Code")),
        (status, Some(code)),
        "{action} {params:?}: {xml}"
    );
    xml
}

/// As [`fails_with`], a 400.
pub(crate) async fn fails(
    srv: &TestServer,
    who: &Signed,
    action: &str,
    params: &[(&str, &str)],
    code: &str,
) -> String {
    fails_with(srv, who, action, params, StatusCode::BAD_REQUEST, code).await
}

pub(crate) const STS: &str = "2011-06-15";

type Params<'a> = Vec<(&'a str, &'a str)>;

async fn the_aws_front_and_rest_reach_the_same_vpcs(db: Db) {
    let srv = TestServer::start(db).await;
    let a = srv.account("a").await;
    let sts = Signed::new(&a, "sts");
    let (st, xml) = sts
        .post(&srv, &[("Action", "GetCallerIdentity"), ("Version", STS)])
        .await;
    assert_eq!(st, StatusCode::OK, "{xml}");
    assert!(xml.contains("<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><GetCallerIdentityResult>"));
    assert_eq!(tag(&xml, "Arn"), Some(a.arn.as_str()));
    assert_eq!(tag(&xml, "Account"), Some(a.account_id.as_str()));

    let ec2 = Signed::new(&a, "ec2");
    let (st, xml) = ec2
        .post(
            &srv,
            &[
                ("Action", "CreateVpc"),
                ("Version", EC2),
                ("CidrBlock", "10.1.0.0/16"),
                ("TagSpecification.1.ResourceType", "vpc"),
                ("TagSpecification.1.Tag.1.Key", "Name"),
                ("TagSpecification.1.Tag.1.Value", "a&b"),
            ],
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{xml}");
    let vpc_id = tag(&xml, "vpcId").expect("vpcId").to_string();
    assert!(xml.contains("<value>a&amp;b</value>"), "{xml}");
    // REST sees what the AWS front made, tags and all.
    let rest = srv.get(&format!("/v1/vpcs/{vpc_id}"), &a.token).await;
    assert_eq!(rest.status, StatusCode::OK);
    assert_eq!(rest.body["tags"], json!({"Name": "a&b"}));
    assert_eq!(rest.body["region"], "us-east-1");
    // ... and the AWS front what REST made.
    let made = srv
        .create("/v1/vpcs", &a.token, json!({"cidr_block": "10.2.0.0/16"}))
        .await;
    let (st, xml) = ec2
        .post(
            &srv,
            &[
                ("Action", "DescribeVpcs"),
                ("Version", EC2),
                ("Filter.1.Name", "cidr"),
                ("Filter.1.Value.1", "10.2.0.0/16"),
            ],
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{xml}");
    assert_eq!(tag(&xml, "vpcId"), Some(s(&made["vpc_id"]).as_str()));
    // Pages of at least 5 (MaxResults' minimum), with nextToken.
    for i in 3..9 {
        srv.create(
            "/v1/vpcs",
            &a.token,
            json!({"cidr_block": format!("10.{i}.0.0/16")}),
        )
        .await;
    }
    let (_, page1) = ec2
        .post(
            &srv,
            &[
                ("Action", "DescribeVpcs"),
                ("Version", EC2),
                ("MaxResults", "5"),
            ],
        )
        .await;
    assert_eq!(page1.matches("<vpcId>").count(), 5);
    let token = tag(&page1, "nextToken").expect("nextToken").to_string();
    let (_, page2) = ec2
        .post(
            &srv,
            &[
                ("Action", "DescribeVpcs"),
                ("Version", EC2),
                ("MaxResults", "5"),
                ("NextToken", &token),
            ],
        )
        .await;
    assert_eq!(page2.matches("<vpcId>").count(), 3);
    assert!(tag(&page2, "nextToken").is_none());
    // A VPC of another region is not found in this one, not even to delete.
    let elsewhere = srv
        .create(
            "/v1/vpcs",
            &a.token,
            json!({"cidr_block": "10.9.0.0/16", "region": "eu-west-1"}),
        )
        .await;
    let elsewhere = elsewhere["vpc_id"].as_str().expect("vpc_id").to_string();
    let (st, xml) = ec2
        .post(
            &srv,
            &[
                ("Action", "DeleteVpc"),
                ("Version", EC2),
                ("VpcId", &elsewhere),
            ],
        )
        .await;
    assert_eq!(
        (st, tag(&xml, "Code")),
        (StatusCode::BAD_REQUEST, Some("InvalidVpcID.NotFound")),
        "{xml}"
    );
    assert_eq!(
        srv.get(&format!("/v1/vpcs/{elsewhere}"), &a.token)
            .await
            .status,
        StatusCode::OK
    );
    // Nor its subnets.
    let zones = srv.zones(&a.token, "eu-west-1").await;
    let sub = srv.subnet(&a, &elsewhere, "10.9.1.0/24", &zones[0].1).await;
    let sub = s(&sub["subnet_id"]);
    let (st, xml) = ec2
        .post(
            &srv,
            &[
                ("Action", "DeleteSubnet"),
                ("Version", EC2),
                ("SubnetId", &sub),
            ],
        )
        .await;
    assert_eq!(
        (st, tag(&xml, "Code")),
        (StatusCode::BAD_REQUEST, Some("InvalidSubnetID.NotFound")),
        "{xml}"
    );
    assert_eq!(
        srv.delete(&format!("/v1/subnets/{sub}"), &a.token)
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    // Delete through the AWS front: gone on REST.
    let (st, xml) = ec2
        .post(
            &srv,
            &[
                ("Action", "DeleteVpc"),
                ("Version", EC2),
                ("VpcId", &vpc_id),
            ],
        )
        .await;
    assert_eq!(
        (st, tag(&xml, "return")),
        (StatusCode::OK, Some("true")),
        "{xml}"
    );
    let rest = srv.get(&format!("/v1/vpcs/{vpc_id}"), &a.token).await;
    assert_eq!(rest.status, StatusCode::NOT_FOUND);
    let (st, xml) = ec2
        .post(
            &srv,
            &[
                ("Action", "DescribeVpcs"),
                ("Version", EC2),
                ("VpcId.1", &vpc_id),
            ],
        )
        .await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
    assert_eq!(tag(&xml, "Code"), Some("InvalidVpcID.NotFound"));
    // Presigned GET.
    let (st, xml) = ec2
        .presigned_get(
            &srv,
            &[("Action", "DescribeAvailabilityZones"), ("Version", EC2)],
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{xml}");
    let zones = srv.zones(&a.token, "us-east-1").await;
    let (name, id) = &zones[0];
    assert!(
        xml.contains(&format!("<zoneName>{name}</zoneName><zoneState>available</zoneState><regionName>us-east-1</regionName><zoneId>{id}</zoneId>")),
        "zones in the account's names, as REST gives them: {xml}"
    );
}

async fn errors_come_in_each_services_shape(db: Db) {
    let srv = TestServer::start(db).await;
    let a = srv.account("a").await;
    let ec2 = Signed::new(&a, "ec2");
    let v = ("Version", EC2);
    let cases: Vec<(Params, StatusCode, &str)> = vec![
        (
            vec![("Action", "RunInstances"), v],
            StatusCode::BAD_REQUEST,
            "InvalidAction",
        ),
        (
            vec![("Action", "DescribeVpcs")],
            StatusCode::BAD_REQUEST,
            "MissingParameter",
        ),
        (
            vec![("Action", "DescribeVpcs"), ("Version", "2014-01-01")],
            StatusCode::BAD_REQUEST,
            "NoSuchVersion",
        ),
        (
            vec![("Action", "CreateVpc"), v],
            StatusCode::BAD_REQUEST,
            "MissingParameter",
        ),
        (
            vec![("Action", "CreateVpc"), v, ("CidrBlock", "10.0.0.0/8")],
            StatusCode::BAD_REQUEST,
            "InvalidVpc.Range",
        ),
        (
            vec![
                ("Action", "CreateVpc"),
                v,
                ("CidrBlock", "10.0.0.0/16"),
                ("Bogus", "1"),
            ],
            StatusCode::BAD_REQUEST,
            "UnknownParameter",
        ),
        (
            vec![
                ("Action", "CreateVpc"),
                v,
                ("CidrBlock", "10.0.0.0/16"),
                ("DryRun", "true"),
            ],
            StatusCode::PRECONDITION_FAILED,
            "DryRunOperation",
        ),
        (
            vec![("Action", "DescribeVpcs"), v, ("MaxResults", "4")],
            StatusCode::BAD_REQUEST,
            "InvalidParameterValue",
        ),
        (
            vec![
                ("Action", "DescribeVpcs"),
                v,
                ("Filter.1.Name", "nope"),
                ("Filter.1.Value.1", "x"),
            ],
            StatusCode::BAD_REQUEST,
            "InvalidParameterValue",
        ),
        (
            vec![("Action", "DescribeVpcs"), v, ("NextToken", "garbage")],
            StatusCode::BAD_REQUEST,
            "InvalidNextToken",
        ),
        // A control character never reaches the domain (Postgres refuses
        // U+0000): refused at the edge, as on REST.
        (
            vec![("Action", "DescribeVpcs"), v, ("VpcId.1", "vpc-\u{0}")],
            StatusCode::BAD_REQUEST,
            "InvalidParameterValue",
        ),
    ];
    for (params, status, code) in cases {
        let (st, xml) = ec2.post(&srv, &params).await;
        assert_eq!(
            (st, tag(&xml, "Code")),
            (status, Some(code)),
            "{params:?}: {xml}"
        );
        assert!(
            xml.contains("<Response><Errors><Error><Code>"),
            "EC2 shape: {xml}"
        );
        assert!(tag(&xml, "RequestID").is_some_and(|r| !r.is_empty()));
    }
    // DryRun made nothing.
    assert!(srv.items("/v1/vpcs", &a.token).await.is_empty());
    // A list parameter takes at most 1000 members.
    let many: Vec<(String, String)> = (1..=1001)
        .map(|i| (format!("VpcId.{i}"), format!("vpc-{i:017x}")))
        .collect();
    let mut params: Params = vec![("Action", "DescribeVpcs"), v];
    params.extend(many.iter().map(|(k, x)| (k.as_str(), x.as_str())));
    let (st, xml) = ec2.post(&srv, &params).await;
    assert_eq!(
        (st, tag(&xml, "Code")),
        (StatusCode::BAD_REQUEST, Some("InvalidParameterValue")),
        "{xml}"
    );
    // CreateTags over several resources checks them all before it writes:
    // one it cannot retag leaves the others untouched.
    let vpc = srv
        .create("/v1/vpcs", &a.token, json!({"cidr_block": "10.7.0.0/16"}))
        .await;
    let vpc_id = s(&vpc["vpc_id"]);
    let (st, xml) = ec2
        .post(
            &srv,
            &[
                ("Action", "CreateTags"),
                v,
                ("ResourceId.1", &vpc_id),
                ("ResourceId.2", "subnet-0123456789abcdef0"),
                ("Tag.1.Key", "team"),
                ("Tag.1.Value", "blue"),
            ],
        )
        .await;
    assert_eq!(st, StatusCode::BAD_REQUEST, "{xml}");
    let rest = srv.get(&format!("/v1/vpcs/{vpc_id}"), &a.token).await;
    assert!(rest.body["tags"].get("team").is_none(), "{}", rest.body);
    assert_eq!(
        srv.delete(&format!("/v1/vpcs/{vpc_id}"), &a.token)
            .await
            .status,
        StatusCode::NO_CONTENT
    );

    // Signatures.
    let mut wrong = Signed::new(&a, "ec2");
    wrong.secret.push('x');
    let (st, xml) = wrong.post(&srv, &[("Action", "DescribeVpcs"), v]).await;
    assert_eq!(
        (st, tag(&xml, "Code")),
        (StatusCode::FORBIDDEN, Some("SignatureDoesNotMatch"))
    );
    let mut unknown = Signed::new(&a, "ec2");
    unknown.key_id = "LPAKUNKNOWNUNKNOWN00".into();
    let (st, xml) = unknown.post(&srv, &[("Action", "DescribeVpcs"), v]).await;
    assert_eq!(
        (st, tag(&xml, "Code")),
        (StatusCode::UNAUTHORIZED, Some("AuthFailure"))
    );
    unknown.service = "sts";
    let (st, xml) = unknown
        .post(&srv, &[("Action", "GetCallerIdentity"), ("Version", STS)])
        .await;
    assert_eq!(
        (st, tag(&xml, "Code")),
        (StatusCode::FORBIDDEN, Some("InvalidClientTokenId"))
    );
    assert!(xml.contains("<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Sender</Type>"), "{xml}");
    let mut late = Signed::new(&a, "ec2");
    late.skew = -16 * 60;
    let (st, xml) = late.post(&srv, &[("Action", "DescribeVpcs"), v]).await;
    assert_eq!(
        (st, tag(&xml, "Code")),
        (StatusCode::BAD_REQUEST, Some("RequestExpired"))
    );
    late.service = "sts";
    let (st, xml) = late
        .post(&srv, &[("Action", "GetCallerIdentity"), ("Version", STS)])
        .await;
    assert_eq!(
        (st, tag(&xml, "Code")),
        (StatusCode::FORBIDDEN, Some("SignatureDoesNotMatch"))
    );
    assert!(
        tag(&xml, "Message").is_some_and(|m| m.starts_with("Signature expired: ")),
        "{xml}"
    );
    // ELBv2: its namespace; an action not served (rules of application load balancers).
    let elb = Signed::new(&a, "elasticloadbalancing");
    let (st, xml) = elb
        .post(&srv, &[("Action", "CreateRule"), ("Version", "2015-12-01")])
        .await;
    assert_eq!(
        (st, tag(&xml, "Code")),
        (StatusCode::BAD_REQUEST, Some("InvalidAction"))
    );
    assert!(xml.contains(
        "<ErrorResponse xmlns=\"http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/\">"
    ));

    // Unsigned: MissingAuthenticationToken. Not the AWS front's: REST's 404.
    let r = srv
        .http
        .post(srv.url("/"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("Action=DescribeVpcs&Version=2016-11-15")
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(
        r.text()
            .await
            .expect("text")
            .contains("<Code>MissingAuthenticationToken</Code>")
    );
    for (method, ctype) in [
        (reqwest::Method::GET, None),
        (reqwest::Method::POST, Some("application/json")),
        (reqwest::Method::PUT, None),
    ] {
        let mut req = srv.http.request(method.clone(), srv.url("/"));
        if let Some(c) = ctype {
            req = req.header("content-type", c).body("{}");
        }
        let r = req.send().await.expect("send");
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{method} /");
        assert_eq!(r.headers()["content-type"], "application/problem+json");
    }
}

async fn a_revoked_key_fails_at_once_on_every_replica(db: Db) {
    let (one, two) = TestServer::start_pair(db).await;
    let a = one.account("a").await;
    let sts = Signed::new(&a, "sts");
    let call = [("Action", "GetCallerIdentity"), ("Version", STS)];
    assert_eq!(sts.post(&two, &call).await.0, StatusCode::OK);
    let (key_id, _) = creds(&a);
    let r = one.delete(&format!("/v1/api-keys/{key_id}"), ADMIN).await;
    assert!(r.status.is_success(), "{}", r.text);
    let (st, xml) = sts.post(&two, &call).await;
    assert_eq!(
        (st, tag(&xml, "Code")),
        (StatusCode::FORBIDDEN, Some("InvalidClientTokenId"))
    );
}

/// A key made where no sealing key is configured (or before migration 9)
/// is a bearer secret only: REST takes it, the AWS front says what to do.
async fn keys_without_a_sigv4_secret_work_on_rest_only(db: Db) {
    let srv = TestServer::start(db).await;
    let plain = srv.replica_without_sealing_key().await;
    let a = plain.account("a").await;
    assert_eq!(
        plain.get("/v1/whoami", &a.token).await.status,
        StatusCode::OK
    );
    let ec2 = Signed::new(&a, "ec2");
    for s in [&srv, &plain] {
        let (st, xml) = ec2
            .post(s, &[("Action", "DescribeVpcs"), ("Version", EC2)])
            .await;
        assert_eq!(
            (st, tag(&xml, "Code")),
            (StatusCode::UNAUTHORIZED, Some("AuthFailure"))
        );
        assert!(xml.contains("create a new key"), "{xml}");
    }
    // STS names it its own way and still says what to do.
    let (st, xml) = Signed::new(&a, "sts")
        .post(&srv, &[("Action", "GetCallerIdentity"), ("Version", STS)])
        .await;
    assert_eq!(
        (st, tag(&xml, "Code")),
        (StatusCode::FORBIDDEN, Some("InvalidClientTokenId"))
    );
    assert!(xml.contains("create a new key"), "{xml}");
    // The secret is stored sealed, never in plain text.
    let b = srv.account("b").await;
    let sealed: Option<String> =
        sqlx::query_scalar("SELECT sigv4_secret_sealed FROM api_keys WHERE key_id = $1")
            .bind(creds(&b).0)
            .fetch_one(srv.store.pool())
            .await
            .expect("row");
    let sealed = sealed.expect("sealed");
    assert!(sealed.starts_with("v1:") && !sealed.contains(&b.token));
    // The answer names the AWS credentials when the key has them, and
    // null when it is a bearer secret only.
    for (server, sigv4) in [(&srv, true), (&plain, false)] {
        let k = server
            .post("/v1/api-keys", ADMIN, json!({"principal_arn": b.arn}))
            .await;
        assert_eq!(k.status, StatusCode::CREATED, "{}", k.text);
        if sigv4 {
            assert_eq!(k.body["aws_access_key_id"], k.body["key_id"], "{}", k.text);
            assert_eq!(
                k.body["aws_secret_access_key"], k.body["secret"],
                "{}",
                k.text
            );
        } else {
            assert!(k.body["aws_access_key_id"].is_null(), "{}", k.text);
            assert!(k.body["aws_secret_access_key"].is_null(), "{}", k.text);
        }
    }
}

/// ELBv2 DescribeLoadBalancers shows what REST made, in the owner's zone names.
async fn elbv2_describes_the_load_balancers_rest_made(db: Db) {
    let srv = TestServer::start(db).await;
    let a = srv.account("a").await;
    let zone_ids = srv.zone_ids(&a, 2).await;
    let (vpc, subnets) = srv.vpc_with_subnets(&a, 0, json!({}), &zone_ids).await;
    let made = srv.load_balancer(&a, "api", "network", &subnets).await;
    let elb = Signed::new(&a, "elasticloadbalancing");
    let v = ("Version", "2015-12-01");
    for params in [
        vec![("Action", "DescribeLoadBalancers"), v],
        vec![
            ("Action", "DescribeLoadBalancers"),
            v,
            ("Names.member.1", "api"),
        ],
        vec![
            ("Action", "DescribeLoadBalancers"),
            v,
            (
                "LoadBalancerArns.member.1",
                made["load_balancer_arn"].as_str().unwrap(),
            ),
        ],
    ] {
        let (st, xml) = elb.post(&srv, &params).await;
        assert_eq!(st, StatusCode::OK, "{xml}");
        assert!(xml.contains("<DescribeLoadBalancersResponse xmlns=\"http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/\"><DescribeLoadBalancersResult><LoadBalancers><member>"), "{xml}");
        assert_eq!(
            tag(&xml, "LoadBalancerArn"),
            made["load_balancer_arn"].as_str()
        );
        assert_eq!(tag(&xml, "VpcId"), vpc["vpc_id"].as_str());
        assert_eq!(tag(&xml, "Type"), Some("network"));
        assert_eq!(
            tag(&xml, "ZoneName"),
            made["availability_zones"][0]["zone_name"].as_str()
        );
        assert!(tag(&xml, "RequestId").is_some());
    }
    let (st, xml) = elb
        .post(
            &srv,
            &[
                ("Action", "DescribeLoadBalancers"),
                v,
                ("Names.member.1", "nope"),
            ],
        )
        .await;
    assert_eq!(
        (st, tag(&xml, "Code")),
        (StatusCode::BAD_REQUEST, Some("LoadBalancerNotFound")),
        "{xml}"
    );
    assert!(xml.contains("<Type>Sender</Type>"));
}

/// A body that stops arriving is 408 `RequestTimeout`, in the service's
/// XML shape (not problem+json).
async fn a_stalled_body_is_408_in_xml(db: Db) {
    use std::io::{Read, Write};
    let settings = linkplane::config::Settings {
        body_timeout: std::time::Duration::from_millis(300),
        ..Default::default()
    };
    let srv = TestServer::start_with(db, settings).await;
    let addr = srv.base.trim_start_matches("http://").to_string();
    let out = tokio::task::spawn_blocking(move || {
        let mut s = std::net::TcpStream::connect(addr).expect("connect");
        s.set_read_timeout(Some(std::time::Duration::from_secs(20)))
            .expect("timeout");
        let _ = s.write_all(
            b"POST / HTTP/1.1\r\nHost: t\r\nContent-Type: application/x-www-form-urlencoded\r\n\
              X-Amz-Date: 20260101T000000Z\r\n\
              Authorization: AWS4-HMAC-SHA256 Credential=LPAKX/20260101/us-east-1/ec2/aws4_request, SignedHeaders=host, Signature=00\r\n\
              Content-Length: 100\r\n\r\nAction=Desc",
        );
        let mut out = Vec::new();
        let _ = s.read_to_end(&mut out);
        String::from_utf8_lossy(&out).to_string()
    })
    .await
    .expect("join");
    assert!(out.starts_with("HTTP/1.1 408"), "{out}");
    assert!(out.contains("text/xml;charset=UTF-8"), "{out}");
    assert!(
        out.contains("<Response><Errors><Error><Code>RequestTimeout</Code>"),
        "{out}"
    );
}

/// `DryRun=true` runs the whole operation on a store that rolls back at the
/// commit: the real error when there is one, `DryRunOperation` (412) when
/// the call would have succeeded, and nothing written either way.
async fn a_dry_run_checks_everything_and_writes_nothing(db: Db) {
    let srv = TestServer::start(db).await;
    let a = srv.account("a").await;
    let ec2 = Signed::new(&a, "ec2");
    let would = (StatusCode::PRECONDITION_FAILED, Some("DryRunOperation"));
    // A create that would succeed writes nothing.
    let out = dry(&srv, &ec2, "CreateVpc", &[("CidrBlock", "10.0.0.0/16")]).await;
    assert_eq!(code(&out), would, "{}", out.1);
    assert!(srv.items("/v1/vpcs", &a.token).await.is_empty());
    // One that would fail answers its real error, not DryRunOperation.
    let out = dry(&srv, &ec2, "CreateVpc", &[("CidrBlock", "10.0.0.0/30")]).await;
    assert_eq!(code(&out).0, StatusCode::BAD_REQUEST, "{}", out.1);
    assert_ne!(code(&out).1, Some("DryRunOperation"), "{}", out.1);
    let unknown = [("VpcId", "vpc-0123456789abcdef0")];
    let out = dry(&srv, &ec2, "DeleteVpc", &unknown).await;
    assert_eq!(
        code(&out),
        (StatusCode::BAD_REQUEST, Some("InvalidVpcID.NotFound"))
    );
    // A delete that would succeed leaves the VPC; so do a subnet create in
    // it and a tag.
    let vpc = srv
        .create("/v1/vpcs", &a.token, json!({"cidr_block": "10.1.0.0/16"}))
        .await;
    let vpc_id = s(&vpc["vpc_id"]);
    let out = dry(&srv, &ec2, "DeleteVpc", &[("VpcId", &vpc_id)]).await;
    assert_eq!(code(&out), would, "{}", out.1);
    let zone = srv.zone_ids(&a, 1).await.remove(0);
    let subnet = |cidr| {
        [
            ("VpcId", vpc_id.as_str()),
            ("CidrBlock", cidr),
            ("AvailabilityZoneId", zone.as_str()),
        ]
    };
    let out = dry(&srv, &ec2, "CreateSubnet", &subnet("10.1.1.0/24")).await;
    assert_eq!(code(&out), would, "{}", out.1);
    // ... and a subnet outside the VPC's block is the real error.
    let out = dry(&srv, &ec2, "CreateSubnet", &subnet("10.9.1.0/24")).await;
    assert_eq!(code(&out).0, StatusCode::BAD_REQUEST, "{}", out.1);
    assert_ne!(code(&out).1, Some("DryRunOperation"), "{}", out.1);
    let tag_it = [
        ("ResourceId.1", vpc_id.as_str()),
        ("Tag.1.Key", "team"),
        ("Tag.1.Value", "x"),
    ];
    let out = dry(&srv, &ec2, "CreateTags", &tag_it).await;
    assert_eq!(code(&out), would, "{}", out.1);
    let now = srv.get(&format!("/v1/vpcs/{vpc_id}"), &a.token).await;
    assert_eq!(now.status, StatusCode::OK);
    assert_eq!(now.body["tags"], json!({}));
    assert!(srv.items("/v1/subnets", &a.token).await.is_empty());
    // A read would succeed.
    let out = dry(&srv, &ec2, "DescribeVpcs", &[]).await;
    assert_eq!(code(&out), would, "{}", out.1);
}

/// An EC2 action with `DryRun=true`.
async fn dry(
    srv: &TestServer,
    who: &Signed,
    action: &str,
    params: &[(&str, &str)],
) -> (StatusCode, String) {
    let mut all = vec![("Action", action), ("Version", EC2), ("DryRun", "true")];
    all.extend_from_slice(params);
    who.post(srv, &all).await
}

on_both_databases!(
    a_dry_run_checks_everything_and_writes_nothing,
    elbv2_describes_the_load_balancers_rest_made,
    a_stalled_body_is_408_in_xml,
    the_aws_front_and_rest_reach_the_same_vpcs,
    errors_come_in_each_services_shape,
    a_revoked_key_fails_at_once_on_every_replica,
    keys_without_a_sigv4_secret_work_on_rest_only,
);
