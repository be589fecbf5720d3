//! Tenancy across every resource family (ARCHITECTURE.md principle 7; issue
//! 13, item 7c). Account A builds one of everything; account B, with its
//! root key and then with a key of one of its users, tries every read,
//! write and sub-action of the REST API on A's resources by id, and names
//! A's ids in bodies and list filters. Every answer must be the one a
//! missing resource gets (the same status, code and detail as for an id of
//! the same shape that does not exist), that answer must be the documented
//! 404 `*.NotFound` (400 for an id named in a body), nothing of A's may show
//! in anything B is answered, and A's view of everything (every GET and
//! list, with ETags) must be byte-for-byte what it was.
//!
//! The walk is a table (`probes`): a new route is one more line there. The
//! walk fails when the served OpenAPI document has a (method, path) that is
//! neither walked nor in `NOT_CROSS_TENANT` / `NOT_COVERED_YET`.
//!
//! `cross_account_visibility_is_exactly_the_domains` checks the three places
//! where the domain lets another account see something (discovery of a
//! service by an allowed principal, a producer's view of connections, both
//! sides of a peering connection): exactly that, and no more.

use crate::on_both_databases;
use crate::support::{Actor, Db, Resp, TestServer, s};
use linkplane::api::encode_segment as enc;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

on_both_databases!(
    another_account_reaches_nothing_of_a,
    cross_account_visibility_is_exactly_the_domains,
);

/// Documented routes that are deliberately not walked from another
/// account, and why: none of them reads or changes a resource of an
/// account by its id.
const NOT_CROSS_TENANT: &[(&str, &str, &str)] = &[
    (
        "GET",
        "/healthz",
        "process liveness: no account, no resource",
    ),
    (
        "GET",
        "/readyz",
        "database readiness: no account, no resource",
    ),
    (
        "GET",
        "/metrics",
        "Prometheus counters: no account, no resource",
    ),
    (
        "POST",
        "/v1/accounts",
        "admin only: any account's principal gets 403 UnauthorizedOperation whatever the body",
    ),
    (
        "GET",
        "/v1/whoami",
        "answers the caller itself, nothing else",
    ),
    (
        "GET",
        "/v1/regions",
        "the compiled-in catalog, global by design",
    ),
    (
        "GET",
        "/v1/regions/{region}/availability-zones",
        "the compiled-in catalog (zone names as the caller's account maps them)",
    ),
    (
        "GET",
        "/v1/prefix-lists",
        "AWS-managed prefix lists, global by design",
    ),
    (
        "POST",
        "/moto-api/reset",
        "the harness mode's reset: takes no caller and acts on the one configured open account (404 without the mode); tests/api/aws/harness.rs holds it to that account",
    ),
    (
        "POST",
        "/v1/cost/estimate",
        "a price computation over kinds and counts; names no resource",
    ),
];

/// Documented routes that the walk does not cover yet.
const NOT_COVERED_YET: &[(&str, &str)] = &[];

/// A's distinctive names and tag value: none of them may reach B.
const A_NAME: &str = "tenant-alpha-a7f3";
/// A's public zone (a token like A's ids: its look-alike is a name nobody holds).
const A_ZONE: &str = "alpha-dns-5e2b.example.com";
const A_TAG: &str = "alpha-only-c41d";

// ---- the table ----

/// What B must be answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Want {
    /// 404 problem with this code: the resource in the path is A's.
    NotFound(&'static str),
    /// 400 problem with this code: an id in the body is A's.
    BadRef(&'static str),
    /// 200 `{items}`: a list of B's, with none of A's in it.
    List,
    /// 200 batch answer: every id of A's named is `unsuccessful` with this code.
    Unsuccessful(&'static str),
    /// 201 (or 200, an idempotent replay of B's own earlier create): a
    /// resource of B's; A's `Idempotency-Key` or `client_token` is not a
    /// replay of A's create in B's account.
    OwnCreate,
    /// 403 `UnauthorizedOperation`: the one answer of the walk that is no
    /// `*.NotFound`. `POST /v1/api-keys` documents it (and tests/api/
    /// identity.rs asserts it) for a principal of another account; it is
    /// decided on the account in the ARN before any lookup, so A's existing
    /// principal and a missing one are answered alike, which the look-alike
    /// comparison checks. IAM would answer `NoSuchEntity` here.
    Forbidden,
    /// 409 `HostedZoneAlreadyExists`: B asked for a public zone of the name
    /// A holds at the top. That a name is held is public, as a registered
    /// domain is in DNS (a name nobody holds would be created for B), so
    /// this one is not compared with a look-alike. A zone of B's inside
    /// A's is allowed and answers nothing until A delegates to it
    /// (tests/api/public_dns.rs).
    Held,
}

/// One request of B's.
#[derive(Debug, Clone)]
struct Probe {
    /// The documented (method, path template) this exercises.
    route: (&'static str, &'static str),
    path: String,
    body: Option<Value>,
    idempotency_key: Option<String>,
    want: Want,
}

fn probe(
    method: &'static str,
    route: &'static str,
    path: impl Into<String>,
    body: Option<Value>,
    want: Want,
) -> Probe {
    Probe {
        route: (method, route),
        path: path.into(),
        body,
        idempotency_key: None,
        want,
    }
}

fn get(route: &'static str, path: impl Into<String>, want: Want) -> Probe {
    probe("GET", route, path, None, want)
}

fn del(route: &'static str, path: impl Into<String>, want: Want) -> Probe {
    probe("DELETE", route, path, None, want)
}

fn post(route: &'static str, path: impl Into<String>, body: Value, want: Want) -> Probe {
    probe("POST", route, path, Some(body), want)
}

fn patch(route: &'static str, path: impl Into<String>, body: Value, want: Want) -> Probe {
    probe("PATCH", route, path, Some(body), want)
}

fn put(route: &'static str, path: impl Into<String>, body: Value, want: Want) -> Probe {
    probe("PUT", route, path, Some(body), want)
}

fn del_body(route: &'static str, path: impl Into<String>, body: Value, want: Want) -> Probe {
    probe("DELETE", route, path, Some(body), want)
}

/// A create of A's, kept so that B can send it again with A's
/// `Idempotency-Key` (and `client_token`, where the body has one).
#[derive(Debug, Clone)]
struct Replay {
    route: &'static str,
    path: String,
    key: String,
    body: Value,
    want: Want,
    /// Instead of A's request, B sends this one with A's key: a create of
    /// B's own (`OwnCreate`), neither A's resource nor a 409 mismatch.
    b_request: Option<(String, Value)>,
}

/// Everything A built (ids), and what B owns to aim at them.
#[derive(Debug, Clone, Default)]
struct World {
    a: Option<Actor>,
    a_user: Option<Actor>,
    a_account: String,
    a_key_ids: Vec<String>,
    zone0: String,
    zone1: String,
    vpc: String,
    vpc2: String,
    vpc3: String,
    subnet1: String,
    subnet2: String,
    subnet3: String,
    subnet_v2: String,
    subnet_v3: String,
    main_rtb: String,
    rtb: String,
    assoc: String,
    main_assoc: String,
    sg: String,
    default_sg: String,
    sg_rule: String,
    igw: String,
    nat: String,
    eni: String,
    pcx_active: String,
    pcx_pending: String,
    tgw: String,
    tgw_att: String,
    nlb: String,
    nlb_name: String,
    gwlb: String,
    gwlb_name: String,
    tg: String,
    tg_name: String,
    tg_gw: String,
    tg_gw_name: String,
    listener: String,
    svc: String,
    svc_name: String,
    svc_gw: String,
    svc_gw_name: String,
    nfn: String,
    /// A's notification topic (its ARN).
    topic: String,
    ep_gateway: String,
    ep_interface: String,
    ep_svc: String,
    ep_gwlb: String,
    a_client_token_ep: String,
    a_client_token_svc: String,
    /// A's public zone, holding `a_dns_record` (TXT).
    a_dns_zone: String,
    a_dns_record: String,
    replays: Vec<Replay>,
    // B's own, to name A's ids from.
    b: Option<Actor>,
    b_user: Option<Actor>,
    b_vpc: String,
    b_subnet: String,
    b_rtb: String,
    b_rtb_spare: String,
    b_sg: String,
    b_igw: String,
    b_tgw: String,
    b_nlb: String,
    b_nlb_spare: String,
    b_tg: String,
    b_svc: String,
    b_ep_gateway: String,
    b_ep_interface: String,
}

impl World {
    fn a(&self) -> &Actor {
        self.a.as_ref().expect("A")
    }
    fn b(&self) -> &Actor {
        self.b.as_ref().expect("B")
    }
    fn b_user(&self) -> &Actor {
        self.b_user.as_ref().expect("B's user")
    }
    fn a_root_arn(&self) -> String {
        format!("arn:aws:iam::{}:root", self.a_account)
    }
    fn a_user_arn(&self) -> String {
        self.a_user.as_ref().expect("A's user").arn.clone()
    }
}

/// Every request B makes (`pass` 0: B's root, 1: B's user; the two differ
/// only where a create of B's own needs a fresh name).
fn probes(w: &World, pass: usize) -> Vec<Probe> {
    use Want::*;
    let a = &w.a_account;
    let mut p = Vec::new();

    // Identity.
    p.push(get(
        "/v1/accounts",
        format!("/v1/accounts?name={A_NAME}"),
        List,
    ));
    p.push(get(
        "/v1/accounts",
        format!("/v1/accounts?tag=Team={A_TAG}"),
        List,
    ));
    let acct = format!("/v1/accounts/{a}");
    p.push(get(
        "/v1/accounts/{account_id}",
        &acct,
        NotFound("InvalidAccountID.NotFound"),
    ));
    p.push(patch(
        "/v1/accounts/{account_id}",
        &acct,
        json!({"name": "taken-over", "tags": {"Owner": "b"}}),
        NotFound("InvalidAccountID.NotFound"),
    ));
    p.push(get(
        "/v1/accounts/{account_id}/principals",
        format!("{acct}/principals"),
        NotFound("InvalidAccountID.NotFound"),
    ));
    p.push(get(
        "/v1/accounts/{account_id}/principals",
        format!("{acct}/principals?principal_type=user"),
        NotFound("InvalidAccountID.NotFound"),
    ));
    p.push(post(
        "/v1/accounts/{account_id}/principals",
        format!("{acct}/principals"),
        json!({"type": "role", "name": format!("mallory{pass}")}),
        NotFound("InvalidAccountID.NotFound"),
    ));
    p.push(get(
        "/v1/api-keys",
        format!("/v1/api-keys?account_id={a}"),
        List,
    ));
    for arn in [w.a_root_arn(), w.a_user_arn()] {
        p.push(post(
            "/v1/api-keys",
            "/v1/api-keys",
            json!({"principal_arn": arn}),
            Forbidden,
        ));
    }
    for key in &w.a_key_ids {
        p.push(del(
            "/v1/api-keys/{key_id}",
            format!("/v1/api-keys/{key}"),
            NotFound("InvalidApiKeyID.NotFound"),
        ));
    }

    // VPCs.
    p.push(get("/v1/vpcs", format!("/v1/vpcs?tag=Team={A_TAG}"), List));
    for vpc in [&w.vpc, &w.vpc2, &w.vpc3] {
        let path = format!("/v1/vpcs/{vpc}");
        p.push(get(
            "/v1/vpcs/{vpc_id}",
            &path,
            NotFound("InvalidVpcID.NotFound"),
        ));
        p.push(patch(
            "/v1/vpcs/{vpc_id}",
            &path,
            json!({"enable_dns_hostnames": false, "tags": {"Owner": "b"}}),
            NotFound("InvalidVpcID.NotFound"),
        ));
        p.push(del(
            "/v1/vpcs/{vpc_id}",
            &path,
            NotFound("InvalidVpcID.NotFound"),
        ));
        p.push(get(
            "/v1/vpcs/{vpc_id}/dns",
            format!("{path}/dns?name=sqs.us-east-1.amazonaws.com"),
            NotFound("InvalidVpcID.NotFound"),
        ));
    }

    // Subnets.
    p.push(get(
        "/v1/subnets",
        format!("/v1/subnets?vpc_id={}", w.vpc),
        List,
    ));
    p.push(post(
        "/v1/subnets",
        "/v1/subnets",
        json!({"vpc_id": w.vpc, "cidr_block": format!("10.0.{}.0/24", 100 + pass)}),
        BadRef("InvalidVpcID.NotFound"),
    ));
    for sub in [
        &w.subnet1,
        &w.subnet2,
        &w.subnet3,
        &w.subnet_v2,
        &w.subnet_v3,
    ] {
        let path = format!("/v1/subnets/{sub}");
        p.push(get(
            "/v1/subnets/{subnet_id}",
            &path,
            NotFound("InvalidSubnetID.NotFound"),
        ));
        p.push(del(
            "/v1/subnets/{subnet_id}",
            &path,
            NotFound("InvalidSubnetID.NotFound"),
        ));
    }

    // Route tables, routes, associations.
    p.push(get(
        "/v1/route-tables",
        format!("/v1/route-tables?vpc_id={}", w.vpc),
        List,
    ));
    p.push(get(
        "/v1/route-tables",
        format!("/v1/route-tables?vpc_id={}&main=true", w.vpc),
        List,
    ));
    p.push(post(
        "/v1/route-tables",
        "/v1/route-tables",
        json!({"vpc_id": w.vpc}),
        BadRef("InvalidVpcID.NotFound"),
    ));
    for rtb in [&w.main_rtb, &w.rtb] {
        let path = format!("/v1/route-tables/{rtb}");
        let nf = NotFound("InvalidRouteTableID.NotFound");
        p.push(get("/v1/route-tables/{route_table_id}", &path, nf));
        p.push(del("/v1/route-tables/{route_table_id}", &path, nf));
        p.push(post(
            "/v1/route-tables/{route_table_id}/associations",
            format!("{path}/associations"),
            json!({"subnet_id": w.subnet3}),
            nf,
        ));
        for assoc in [&w.assoc, &w.main_assoc] {
            p.push(del(
                "/v1/route-tables/{route_table_id}/associations/{association_id}",
                format!("{path}/associations/{assoc}"),
                nf,
            ));
        }
        p.push(post(
            "/v1/route-tables/{route_table_id}/routes",
            format!("{path}/routes"),
            json!({"destination_cidr_block": "10.7.0.0/16", "gateway_id": w.igw}),
            nf,
        ));
        for dest in ["0.0.0.0/0", "10.1.0.0/16", "10.0.0.0/16"] {
            p.push(del(
                "/v1/route-tables/{route_table_id}/routes",
                format!("{path}/routes?destination={dest}"),
                nf,
            ));
        }
    }
    let b_rtb = format!("/v1/route-tables/{}", w.b_rtb);
    p.push(post(
        "/v1/route-tables/{route_table_id}/associations",
        format!("{b_rtb}/associations"),
        json!({"subnet_id": w.subnet3}),
        BadRef("InvalidSubnetID.NotFound"),
    ));
    p.push(del(
        "/v1/route-tables/{route_table_id}/associations/{association_id}",
        format!("{b_rtb}/associations/{}", w.assoc),
        NotFound("InvalidAssociationID.NotFound"),
    ));
    for (target, id, code) in [
        ("gateway_id", &w.igw, "InvalidGatewayID.NotFound"),
        ("nat_gateway_id", &w.nat, "InvalidNatGatewayID.NotFound"),
        (
            "vpc_peering_connection_id",
            &w.pcx_active,
            "InvalidVpcPeeringConnectionID.NotFound",
        ),
        (
            "transit_gateway_id",
            &w.tgw,
            "InvalidTransitGatewayID.NotFound",
        ),
        (
            "network_interface_id",
            &w.eni,
            "InvalidNetworkInterfaceID.NotFound",
        ),
        (
            "vpc_endpoint_id",
            &w.ep_gwlb,
            "InvalidVpcEndpointId.NotFound",
        ),
    ] {
        p.push(post(
            "/v1/route-tables/{route_table_id}/routes",
            format!("{b_rtb}/routes"),
            json!({"destination_cidr_block": "10.0.0.0/16", target: id}),
            BadRef(code),
        ));
    }

    // Security groups and rules.
    p.push(get(
        "/v1/security-groups",
        format!("/v1/security-groups?vpc_id={}", w.vpc),
        List,
    ));
    p.push(get(
        "/v1/security-groups",
        "/v1/security-groups?group_name=alpha-app",
        List,
    ));
    p.push(post(
        "/v1/security-groups",
        "/v1/security-groups",
        json!({"vpc_id": w.vpc, "group_name": format!("intruder{pass}"), "description": "x"}),
        BadRef("InvalidVpcID.NotFound"),
    ));
    p.push(post(
        "/v1/security-groups",
        "/v1/security-groups",
        json!({"vpc_id": w.b_vpc, "group_name": format!("refers{pass}"), "description": "x",
               "ingress": [{"protocol": "tcp", "from_port": 443, "to_port": 443, "group_id": w.sg}]}),
        BadRef("InvalidGroup.NotFound"),
    ));
    for sg in [&w.sg, &w.default_sg] {
        let path = format!("/v1/security-groups/{sg}");
        let nf = NotFound("InvalidGroup.NotFound");
        p.push(get("/v1/security-groups/{group_id}", &path, nf));
        p.push(del("/v1/security-groups/{group_id}", &path, nf));
        p.push(post(
            "/v1/security-groups/{group_id}/rules",
            format!("{path}/rules"),
            json!({"direction": "ingress", "protocol": "tcp", "from_port": 22, "to_port": 22, "cidr": "0.0.0.0/0"}),
            nf,
        ));
        p.push(del(
            "/v1/security-groups/{group_id}/rules/{security_group_rule_id}",
            format!("{path}/rules/{}", w.sg_rule),
            nf,
        ));
    }
    let b_sg = format!("/v1/security-groups/{}", w.b_sg);
    p.push(post(
        "/v1/security-groups/{group_id}/rules",
        format!("{b_sg}/rules"),
        json!({"direction": "ingress", "protocol": "tcp", "from_port": 22, "to_port": 22, "group_id": w.sg}),
        BadRef("InvalidGroup.NotFound"),
    ));
    p.push(del(
        "/v1/security-groups/{group_id}/rules/{security_group_rule_id}",
        format!("{b_sg}/rules/{}", w.sg_rule),
        NotFound("InvalidSecurityGroupRuleId.NotFound"),
    ));

    // Internet gateways.
    p.push(get(
        "/v1/internet-gateways",
        format!("/v1/internet-gateways?vpc_id={}", w.vpc),
        List,
    ));
    let igw = format!("/v1/internet-gateways/{}", w.igw);
    let nf = NotFound("InvalidInternetGatewayID.NotFound");
    p.push(get("/v1/internet-gateways/{internet_gateway_id}", &igw, nf));
    p.push(del("/v1/internet-gateways/{internet_gateway_id}", &igw, nf));
    p.push(post(
        "/v1/internet-gateways/{internet_gateway_id}/attach",
        format!("{igw}/attach"),
        json!({"vpc_id": w.b_vpc}),
        nf,
    ));
    p.push(post(
        "/v1/internet-gateways/{internet_gateway_id}/detach",
        format!("{igw}/detach"),
        json!({"vpc_id": w.vpc}),
        nf,
    ));
    p.push(post(
        "/v1/internet-gateways/{internet_gateway_id}/attach",
        format!("/v1/internet-gateways/{}/attach", w.b_igw),
        json!({"vpc_id": w.vpc2}),
        BadRef("InvalidVpcID.NotFound"),
    ));

    // NAT gateways.
    p.push(get(
        "/v1/nat-gateways",
        format!("/v1/nat-gateways?vpc_id={}", w.vpc),
        List,
    ));
    p.push(get(
        "/v1/nat-gateways",
        format!("/v1/nat-gateways?subnet_id={}", w.subnet1),
        List,
    ));
    let nat = format!("/v1/nat-gateways/{}", w.nat);
    p.push(get(
        "/v1/nat-gateways/{nat_gateway_id}",
        &nat,
        NotFound("InvalidNatGatewayID.NotFound"),
    ));
    p.push(del(
        "/v1/nat-gateways/{nat_gateway_id}",
        &nat,
        NotFound("InvalidNatGatewayID.NotFound"),
    ));

    // Network interfaces.
    p.push(get(
        "/v1/network-interfaces",
        format!("/v1/network-interfaces?vpc_id={}", w.vpc),
        List,
    ));
    p.push(get(
        "/v1/network-interfaces",
        format!("/v1/network-interfaces?subnet_id={}", w.subnet1),
        List,
    ));
    p.push(post(
        "/v1/network-interfaces",
        "/v1/network-interfaces",
        json!({"subnet_id": w.b_subnet, "security_group_ids": [w.sg]}),
        BadRef("InvalidGroup.NotFound"),
    ));
    let eni = format!("/v1/network-interfaces/{}", w.eni);
    let nf = NotFound("InvalidNetworkInterfaceID.NotFound");
    p.push(get(
        "/v1/network-interfaces/{network_interface_id}",
        &eni,
        nf,
    ));
    p.push(del(
        "/v1/network-interfaces/{network_interface_id}",
        &eni,
        nf,
    ));

    // VPC peering (B is neither side of A's).
    p.push(get(
        "/v1/vpc-peering-connections",
        format!("/v1/vpc-peering-connections?vpc_id={}", w.vpc),
        List,
    ));
    p.push(get(
        "/v1/vpc-peering-connections",
        "/v1/vpc-peering-connections?status=pending_acceptance",
        List,
    ));
    p.push(post(
        "/v1/vpc-peering-connections",
        "/v1/vpc-peering-connections",
        json!({"requester_vpc_id": w.vpc2, "accepter_vpc_id": w.b_vpc, "peer_owner_id": w.b().account_id}),
        BadRef("InvalidVpcID.NotFound"),
    ));
    for pcx in [&w.pcx_active, &w.pcx_pending] {
        let path = format!("/v1/vpc-peering-connections/{pcx}");
        let nf = NotFound("InvalidVpcPeeringConnectionID.NotFound");
        p.push(get(
            "/v1/vpc-peering-connections/{vpc_peering_connection_id}",
            &path,
            nf,
        ));
        p.push(del(
            "/v1/vpc-peering-connections/{vpc_peering_connection_id}",
            &path,
            nf,
        ));
        for action in ["accept", "reject"] {
            p.push(post(
                match action {
                    "accept" => "/v1/vpc-peering-connections/{vpc_peering_connection_id}/accept",
                    _ => "/v1/vpc-peering-connections/{vpc_peering_connection_id}/reject",
                },
                format!("{path}/{action}"),
                json!({}),
                nf,
            ));
        }
    }

    // Transit gateways, attachments, routes.
    p.push(get(
        "/v1/transit-gateways",
        format!("/v1/transit-gateways?tag=Team={A_TAG}"),
        List,
    ));
    let tgw = format!("/v1/transit-gateways/{}", w.tgw);
    let nf = NotFound("InvalidTransitGatewayID.NotFound");
    p.push(get("/v1/transit-gateways/{transit_gateway_id}", &tgw, nf));
    p.push(del("/v1/transit-gateways/{transit_gateway_id}", &tgw, nf));
    p.push(post(
        "/v1/transit-gateways/{transit_gateway_id}/attachments",
        format!("{tgw}/attachments"),
        json!({"vpc_id": w.vpc3, "subnet_ids": [w.subnet_v3]}),
        nf,
    ));
    p.push(del(
        "/v1/transit-gateways/{transit_gateway_id}/attachments/{transit_gateway_attachment_id}",
        format!("{tgw}/attachments/{}", w.tgw_att),
        nf,
    ));
    p.push(post(
        "/v1/transit-gateways/{transit_gateway_id}/routes",
        format!("{tgw}/routes"),
        json!({"destination_cidr_block": "172.31.0.0/16", "blackhole": true}),
        nf,
    ));
    p.push(del(
        "/v1/transit-gateways/{transit_gateway_id}/routes",
        format!("{tgw}/routes?destination=192.168.0.0/16"),
        nf,
    ));
    let b_tgw = format!("/v1/transit-gateways/{}", w.b_tgw);
    p.push(post(
        "/v1/transit-gateways/{transit_gateway_id}/attachments",
        format!("{b_tgw}/attachments"),
        json!({"vpc_id": w.vpc3, "subnet_ids": [w.subnet_v3]}),
        BadRef("InvalidVpcID.NotFound"),
    ));
    p.push(post(
        "/v1/transit-gateways/{transit_gateway_id}/attachments",
        format!("{b_tgw}/attachments"),
        json!({"vpc_id": w.b_vpc, "subnet_ids": [w.subnet1]}),
        BadRef("InvalidSubnetID.NotFound"),
    ));
    p.push(del(
        "/v1/transit-gateways/{transit_gateway_id}/attachments/{transit_gateway_attachment_id}",
        format!("{b_tgw}/attachments/{}", w.tgw_att),
        NotFound("InvalidTransitGatewayAttachmentID.NotFound"),
    ));
    p.push(post(
        "/v1/transit-gateways/{transit_gateway_id}/routes",
        format!("{b_tgw}/routes"),
        json!({"destination_cidr_block": "10.0.0.0/16", "transit_gateway_attachment_id": w.tgw_att}),
        BadRef("InvalidTransitGatewayAttachmentID.NotFound"),
    ));

    // Load balancers (names are the account's: A's are free for B).
    p.push(get(
        "/v1/load-balancers",
        format!("/v1/load-balancers?vpc_id={}", w.vpc),
        List,
    ));
    p.push(get(
        "/v1/load-balancers",
        "/v1/load-balancers?type=gateway",
        List,
    ));
    p.push(post(
        "/v1/load-balancers",
        "/v1/load-balancers",
        json!({"name": format!("intruder{pass}"), "type": "network", "subnet_ids": [w.subnet3]}),
        BadRef("InvalidSubnetID.NotFound"),
    ));
    p.push(post(
        "/v1/load-balancers",
        "/v1/load-balancers",
        json!({"name": ([&w.nlb_name, &w.gwlb_name][pass]), "type": "network", "subnet_ids": [w.b_subnet]}),
        OwnCreate,
    ));
    for lb in [&w.nlb, &w.gwlb] {
        let path = format!("/v1/load-balancers/{}", enc(lb));
        let nf = NotFound("LoadBalancerNotFound");
        p.push(get("/v1/load-balancers/{load_balancer_arn}", &path, nf));
        p.push(patch(
            "/v1/load-balancers/{load_balancer_arn}",
            &path,
            json!({"cross_zone_enabled": true, "tags": {"Owner": "b"}}),
            nf,
        ));
        p.push(del("/v1/load-balancers/{load_balancer_arn}", &path, nf));
    }

    // Listeners: A's load balancer's, A's listener, A's group from B's
    // load balancer.
    let listeners = format!("/v1/load-balancers/{}/listeners", enc(&w.nlb));
    let lnf = NotFound("LoadBalancerNotFound");
    p.push(get(
        "/v1/load-balancers/{load_balancer_arn}/listeners",
        &listeners,
        lnf,
    ));
    p.push(post(
        "/v1/load-balancers/{load_balancer_arn}/listeners",
        &listeners,
        json!({"protocol": "tcp", "port": 8080 + pass as u16, "target_group_arn": w.b_tg}),
        lnf,
    ));
    p.push(post(
        "/v1/load-balancers/{load_balancer_arn}/listeners",
        format!("/v1/load-balancers/{}/listeners", enc(&w.b_nlb)),
        json!({"protocol": "tcp", "port": 9080 + pass as u16, "target_group_arn": w.tg}),
        BadRef("TargetGroupNotFound"),
    ));
    let listener = format!("/v1/listeners/{}", enc(&w.listener));
    p.push(get(
        "/v1/listeners/{listener_arn}",
        &listener,
        NotFound("ListenerNotFound"),
    ));
    p.push(del(
        "/v1/listeners/{listener_arn}",
        &listener,
        NotFound("ListenerNotFound"),
    ));

    // Target groups, targets, health.
    p.push(get(
        "/v1/target-groups",
        format!("/v1/target-groups?vpc_id={}", w.vpc),
        List,
    ));
    p.push(get(
        "/v1/target-groups",
        format!("/v1/target-groups?load_balancer_arn={}", enc(&w.nlb)),
        List,
    ));
    p.push(post(
        "/v1/target-groups",
        "/v1/target-groups",
        json!({"name": format!("intruder{pass}"), "protocol": "tcp", "port": 80, "vpc_id": w.vpc}),
        BadRef("InvalidVpcID.NotFound"),
    ));
    p.push(post(
        "/v1/target-groups",
        "/v1/target-groups",
        json!({"name": format!("refers{pass}"), "protocol": "tcp", "port": 80, "vpc_id": w.b_vpc, "load_balancer_arn": w.nlb}),
        BadRef("LoadBalancerNotFound"),
    ));
    p.push(post(
        "/v1/target-groups",
        "/v1/target-groups",
        json!({"name": ([&w.tg_name, &w.tg_gw_name][pass]), "protocol": "tcp", "port": 80, "vpc_id": w.b_vpc}),
        OwnCreate,
    ));
    for (tg, target) in [(&w.tg, "10.0.1.20"), (&w.tg_gw, "10.0.1.30")] {
        let path = format!("/v1/target-groups/{}", enc(tg));
        let nf = NotFound("TargetGroupNotFound");
        p.push(get("/v1/target-groups/{target_group_arn}", &path, nf));
        p.push(del("/v1/target-groups/{target_group_arn}", &path, nf));
        p.push(post(
            "/v1/target-groups/{target_group_arn}/targets",
            format!("{path}/targets"),
            json!({"targets": [{"id": "10.0.1.21"}]}),
            nf,
        ));
        p.push(del_body(
            "/v1/target-groups/{target_group_arn}/targets",
            format!("{path}/targets"),
            json!({"targets": [{"id": target}]}),
            nf,
        ));
        p.push(put(
            "/v1/target-groups/{target_group_arn}/targets/{target_id}/health",
            format!("{path}/targets/{target}/health"),
            json!({"healthy": false}),
            nf,
        ));
    }
    p.push(put(
        "/v1/target-groups/{target_group_arn}/targets/{target_id}/health",
        format!("/v1/target-groups/{}/targets/{}/health", enc(&w.tg), w.eni),
        json!({"healthy": false}),
        NotFound("TargetGroupNotFound"),
    ));
    p.push(post(
        "/v1/target-groups/{target_group_arn}/targets",
        format!("/v1/target-groups/{}/targets", enc(&w.b_tg)),
        json!({"targets": [{"id": w.eni}]}),
        BadRef("InvalidNetworkInterfaceID.NotFound"),
    ));

    // Endpoint services and everything under them.
    p.push(get(
        "/v1/endpoint-services",
        format!("/v1/endpoint-services?tag=Team={A_TAG}"),
        List,
    ));
    p.push(get(
        "/v1/endpoint-services",
        "/v1/endpoint-services?service_type=gateway_load_balancer",
        List,
    ));
    p.push(post(
        "/v1/endpoint-services",
        "/v1/endpoint-services",
        json!({"gateway_load_balancer_arns": [w.gwlb]}),
        BadRef("InvalidGatewayLoadBalancerArn.NotFound"),
    ));
    p.push(post(
        "/v1/endpoint-services",
        "/v1/endpoint-services",
        json!({"network_load_balancer_arns": [w.b_nlb_spare], "client_token": w.a_client_token_svc}),
        OwnCreate,
    ));
    p.push(patch(
        "/v1/endpoint-services/{service_id}",
        format!("/v1/endpoint-services/{}", w.b_svc),
        json!({"add_network_load_balancer_arns": [w.nlb]}),
        BadRef("InvalidNetworkLoadBalancerArn.NotFound"),
    ));
    p.extend(service_probes(w, pass));
    let b_svc = format!("/v1/endpoint-services/{}", w.b_svc);
    for action in ["accept", "reject"] {
        p.push(post(
            match action {
                "accept" => "/v1/endpoint-services/{service_id}/connections/accept",
                _ => "/v1/endpoint-services/{service_id}/connections/reject",
            },
            format!("{b_svc}/connections/{action}"),
            json!({"vpc_endpoint_ids": [w.ep_svc, w.ep_gwlb]}),
            Unsuccessful("InvalidVpcEndpointId.NotFound"),
        ));
    }
    p.push(get(
        "/v1/endpoint-services/{service_id}/connections",
        format!("{b_svc}/connections?vpc_endpoint_owner={a}"),
        List,
    ));
    p.push(get(
        "/v1/endpoint-services/{service_id}/allowed-principals",
        format!(
            "{b_svc}/allowed-principals?principal={}",
            enc(&w.a_root_arn())
        ),
        List,
    ));
    p.push(del(
        "/v1/endpoint-services/{service_id}/notifications/{connection_notification_id}",
        format!("{b_svc}/notifications/{}", w.nfn),
        NotFound("InvalidConnectionNotification"),
    ));
    p.push(patch(
        "/v1/endpoint-services/{service_id}/notifications/{connection_notification_id}",
        format!("{b_svc}/notifications/{}", w.nfn),
        json!({"events": ["connect"]}),
        NotFound("InvalidConnectionNotification"),
    ));
    // Notification topics: A's is nobody else's to read, delete or name.
    p.push(post(
        "/v1/endpoint-services/{service_id}/notifications",
        format!("{b_svc}/notifications"),
        json!({"connection_notification_arn": w.topic, "events": ["connect"]}),
        BadRef("InvalidParameterValue"),
    ));
    p.push(get(
        "/v1/notification-topics",
        "/v1/notification-topics",
        List,
    ));
    p.push(post(
        "/v1/notification-topics",
        "/v1/notification-topics",
        json!({"name": format!("b-topic-{pass}"), "webhook_url": "http://127.0.0.1:9/b"}),
        OwnCreate,
    ));
    let topic = format!("/v1/notification-topics/{}", enc(&w.topic));
    p.push(get(
        "/v1/notification-topics/{topic_arn}",
        &topic,
        NotFound("NotFound"),
    ));
    p.push(del(
        "/v1/notification-topics/{topic_arn}",
        &topic,
        NotFound("NotFound"),
    ));

    // Discovery: B is no allowed principal of A's services.
    p.push(get(
        "/v1/services",
        format!("/v1/services?service_name={}", w.svc_name),
        List,
    ));

    // VPC endpoints, their cost.
    p.push(get(
        "/v1/vpc-endpoints",
        format!("/v1/vpc-endpoints?vpc_id={}", w.vpc),
        List,
    ));
    p.push(get(
        "/v1/vpc-endpoints",
        format!("/v1/vpc-endpoints?service_name={}", w.svc_name),
        List,
    ));
    p.push(get(
        "/v1/vpc-endpoints",
        format!("/v1/vpc-endpoints?tag=Team={A_TAG}"),
        List,
    ));
    for (body, code) in [
        (
            json!({"vpc_endpoint_type": "interface", "vpc_id": w.b_vpc, "service_name": w.svc_name,
                   "subnet_ids": [w.b_subnet], "private_dns_enabled": false}),
            "InvalidServiceName",
        ),
        (
            json!({"vpc_endpoint_type": "gateway_load_balancer", "vpc_id": w.b_vpc,
                   "service_name": w.svc_gw_name, "subnet_ids": [w.b_subnet]}),
            "InvalidServiceName",
        ),
        (
            json!({"vpc_id": w.b_vpc, "service_name": "com.amazonaws.us-east-1.dynamodb",
                   "route_table_ids": [w.rtb]}),
            "InvalidRouteTableID.NotFound",
        ),
        (
            json!({"vpc_endpoint_type": "interface", "vpc_id": w.b_vpc,
                   "service_name": "com.amazonaws.us-east-1.sns", "subnet_ids": [w.subnet1]}),
            "InvalidSubnetID.NotFound",
        ),
        (
            json!({"vpc_endpoint_type": "interface", "vpc_id": w.b_vpc,
                   "service_name": "com.amazonaws.us-east-1.sns", "subnet_ids": [w.b_subnet],
                   "security_group_ids": [w.sg]}),
            "InvalidGroup.NotFound",
        ),
    ] {
        p.push(post(
            "/v1/vpc-endpoints",
            "/v1/vpc-endpoints",
            body,
            BadRef(code),
        ));
    }
    p.push(post(
        "/v1/vpc-endpoints",
        "/v1/vpc-endpoints",
        json!({"vpc_id": w.b_vpc, "service_name": "com.amazonaws.us-east-1.s3",
               "route_table_ids": [w.b_rtb_spare], "client_token": w.a_client_token_ep}),
        OwnCreate,
    ));
    for ep in [&w.ep_gateway, &w.ep_interface, &w.ep_svc, &w.ep_gwlb] {
        let path = format!("/v1/vpc-endpoints/{ep}");
        let nf = NotFound("InvalidVpcEndpointId.NotFound");
        p.push(get("/v1/vpc-endpoints/{vpc_endpoint_id}", &path, nf));
        p.push(patch(
            "/v1/vpc-endpoints/{vpc_endpoint_id}",
            &path,
            json!({"reset_policy": true, "tags": {"Owner": "b"}}),
            nf,
        ));
        p.push(del("/v1/vpc-endpoints/{vpc_endpoint_id}", &path, nf));
        p.push(get(
            "/v1/vpc-endpoints/{vpc_endpoint_id}/cost",
            format!("{path}/cost?gb_per_month=100"),
            nf,
        ));
    }
    p.push(patch(
        "/v1/vpc-endpoints/{vpc_endpoint_id}",
        format!("/v1/vpc-endpoints/{}", w.b_ep_gateway),
        json!({"add_route_table_ids": [w.main_rtb]}),
        BadRef("InvalidRouteTableID.NotFound"),
    ));
    for (field, id, code) in [
        ("add_subnet_ids", &w.subnet2, "InvalidSubnetID.NotFound"),
        ("add_security_group_ids", &w.sg, "InvalidGroup.NotFound"),
    ] {
        p.push(patch(
            "/v1/vpc-endpoints/{vpc_endpoint_id}",
            format!("/v1/vpc-endpoints/{}", w.b_ep_interface),
            json!({field: [id]}),
            BadRef(code),
        ));
    }

    // Resolution from A's interface or subnet.
    for (source, code) in [
        (
            json!({"network_interface_id": w.eni}),
            "InvalidNetworkInterfaceID.NotFound",
        ),
        (
            json!({"subnet_id": w.subnet1, "ip": "10.0.1.99"}),
            "InvalidSubnetID.NotFound",
        ),
    ] {
        p.push(post(
            "/v1/resolve",
            "/v1/resolve",
            json!({"source": source, "destination": {"host": "sqs.us-east-1.amazonaws.com"}, "port": 443}),
            NotFound(code),
        ));
    }

    // Every collection, unfiltered: B's own and nothing of A's.
    for list in [
        "/v1/accounts",
        "/v1/api-keys",
        "/v1/vpcs",
        "/v1/subnets",
        "/v1/route-tables",
        "/v1/security-groups",
        "/v1/internet-gateways",
        "/v1/nat-gateways",
        "/v1/network-interfaces",
        "/v1/vpc-peering-connections",
        "/v1/transit-gateways",
        "/v1/load-balancers",
        "/v1/target-groups",
        "/v1/endpoint-services",
        "/v1/vpc-endpoints",
        "/v1/services",
        "/v1/public-dns/zones",
    ] {
        p.push(get(list, format!("{list}?max_results=1000"), List));
    }

    // Public DNS: A's zone and its record, by name.
    let (zone, record) = (&w.a_dns_zone, &w.a_dns_record);
    p.push(get(
        "/v1/public-dns/zones/{zone_name}",
        format!("/v1/public-dns/zones/{zone}"),
        NotFound("NoSuchHostedZone"),
    ));
    p.push(del(
        "/v1/public-dns/zones/{zone_name}",
        format!("/v1/public-dns/zones/{zone}"),
        NotFound("NoSuchHostedZone"),
    ));
    p.push(get(
        "/v1/public-dns/records",
        format!("/v1/public-dns/records?zone_name={zone}"),
        NotFound("NoSuchHostedZone"),
    ));
    p.push(put(
        "/v1/public-dns/records",
        "/v1/public-dns/records",
        json!({"name": record, "type": "TXT", "value": "b-was-here", "zone_name": zone}),
        NotFound("NoSuchHostedZone"),
    ));
    // Without zone_name the record goes in a zone of B's that holds the
    // name, and B has none.
    p.push(put(
        "/v1/public-dns/records",
        "/v1/public-dns/records",
        json!({"name": record, "type": "TXT", "value": "b-was-here"}),
        BadRef("NoSuchHostedZone"),
    ));
    p.push(del(
        "/v1/public-dns/records",
        format!("/v1/public-dns/records?name={record}&type=TXT&zone_name={zone}"),
        NotFound("NoSuchHostedZone"),
    ));
    p.push(del(
        "/v1/public-dns/records",
        format!("/v1/public-dns/records?name={record}&type=TXT"),
        BadRef("NoSuchHostedZone"),
    ));
    p.push(post(
        "/v1/public-dns/zones",
        "/v1/public-dns/zones",
        json!({"name": zone}),
        Held,
    ));
    p
}

/// B sends A's creates again, with A's `Idempotency-Key` (and
/// `client_token`, where the body has one). Walked after every other probe:
/// those with no id of A's in them make resources of B's that carry A's
/// tags, which B's later lists would rightly show.
fn replays(w: &World) -> Vec<Probe> {
    use Want::*;
    w.replays
        .iter()
        .map(|r| {
            let mut pr = match &r.b_request {
                Some((path, body)) => probe("POST", r.route, path, Some(body.clone()), OwnCreate),
                None => probe("POST", r.route, &r.path, Some(r.body.clone()), r.want),
            };
            pr.idempotency_key = Some(r.key.clone());
            pr
        })
        .collect()
}

/// The endpoint-service family on A's two services: every route under
/// `/v1/endpoint-services/{service_id}`, each answered 404.
fn service_probes(w: &World, pass: usize) -> Vec<Probe> {
    use Want::*;
    let nf = NotFound("InvalidVpcEndpointServiceId.NotFound");
    let mut p = Vec::new();
    for svc in [&w.svc, &w.svc_gw] {
        let path = format!("/v1/endpoint-services/{svc}");
        p.push(get("/v1/endpoint-services/{service_id}", &path, nf));
        p.push(patch(
            "/v1/endpoint-services/{service_id}",
            &path,
            json!({"acceptance_required": false, "tags": {"Owner": "b"}}),
            nf,
        ));
        p.push(del("/v1/endpoint-services/{service_id}", &path, nf));
        let perms = format!("{path}/allowed-principals");
        let me = [w.b(), w.b_user()][pass].arn.clone();
        p.push(get(
            "/v1/endpoint-services/{service_id}/allowed-principals",
            &perms,
            nf,
        ));
        p.push(post(
            "/v1/endpoint-services/{service_id}/allowed-principals",
            &perms,
            json!({"principals": [me]}),
            nf,
        ));
        p.push(post(
            "/v1/endpoint-services/{service_id}/allowed-principals",
            &perms,
            json!({"principals": ["*"]}),
            nf,
        ));
        p.push(del_body(
            "/v1/endpoint-services/{service_id}/allowed-principals",
            &perms,
            json!({"principals": [w.a_root_arn()]}),
            nf,
        ));
        p.push(get(
            "/v1/endpoint-services/{service_id}/connections",
            format!("{path}/connections"),
            nf,
        ));
        p.push(get(
            "/v1/endpoint-services/{service_id}/connections",
            format!("{path}/connections?vpc_endpoint_state=pending_acceptance"),
            nf,
        ));
        for action in ["accept", "reject"] {
            p.push(post(
                match action {
                    "accept" => "/v1/endpoint-services/{service_id}/connections/accept",
                    _ => "/v1/endpoint-services/{service_id}/connections/reject",
                },
                format!("{path}/connections/{action}"),
                json!({"vpc_endpoint_ids": [w.ep_svc, w.ep_gwlb]}),
                nf,
            ));
        }
        p.push(get(
            "/v1/endpoint-services/{service_id}/notifications",
            format!("{path}/notifications"),
            nf,
        ));
        p.push(post(
            "/v1/endpoint-services/{service_id}/notifications",
            format!("{path}/notifications"),
            json!({"webhook_url": "http://127.0.0.1:9/stolen", "events": ["connect", "accept"]}),
            nf,
        ));
        p.push(del(
            "/v1/endpoint-services/{service_id}/notifications/{connection_notification_id}",
            format!("{path}/notifications/{}", w.nfn),
            nf,
        ));
        p.push(patch(
            "/v1/endpoint-services/{service_id}/notifications/{connection_notification_id}",
            format!("{path}/notifications/{}", w.nfn),
            json!({"events": ["connect"]}),
            nf,
        ));
        p.push(post(
            "/v1/endpoint-services/{service_id}/private-dns/verify",
            format!("{path}/private-dns/verify"),
            json!({}),
            nf,
        ));
    }
    p
}

// ---- A's ids, their look-alikes, leaks ----

/// Ids in `text` of the form `<prefix>-<17 hex>` (every linkplane id),
/// except AWS-managed prefix lists (global).
fn ids_in(text: &str) -> BTreeSet<String> {
    let b = text.as_bytes();
    let mut out = BTreeSet::new();
    let is_hex = |c: u8| c.is_ascii_digit() || (b'a'..=b'f').contains(&c);
    let mut i = 0;
    while i < b.len() {
        if !is_hex(b[i]) || (i > 0 && b[i - 1].is_ascii_alphanumeric()) {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && is_hex(b[i]) {
            i += 1;
        }
        let end_ok = i == b.len() || !b[i].is_ascii_alphanumeric();
        if i - start != 17 || !end_ok || start == 0 || b[start - 1] != b'-' {
            continue;
        }
        let mut p = start - 1;
        while p > 0 && (b[p - 1].is_ascii_lowercase() || b[p - 1] == b'-') {
            p -= 1;
        }
        let token = &text[p..i];
        if p < start - 1 && !token.starts_with("pl-") {
            out.insert(token.to_string());
        }
    }
    out
}

/// A's secrets-free identifiers and names, each with a look-alike that
/// does not exist: same prefix and shape, other digits.
struct Tokens {
    /// (A's, look-alike), longest first.
    pairs: Vec<(String, String)>,
}

impl Tokens {
    fn of(w: &World, views: &[Shot]) -> Tokens {
        let mut all = BTreeSet::new();
        for v in views {
            all.extend(ids_in(&v.text));
        }
        let rotate_hex = |c: char| match c {
            '0'..='9' | 'a'..='f' => {
                let v = c.to_digit(16).expect("hex");
                std::char::from_digit((v + 7) % 16, 16).expect("hex")
            }
            c => c,
        };
        let mut pairs: Vec<(String, String)> = all
            .into_iter()
            .map(|id| {
                let cut = id.len() - 17;
                let ghost: String =
                    id[..cut].to_string() + &id[cut..].chars().map(rotate_hex).collect::<String>();
                (id, ghost)
            })
            .collect();
        let digits: String = w
            .a_account
            .chars()
            .map(|c| {
                std::char::from_digit((c.to_digit(10).expect("digit") + 3) % 10, 10).expect("digit")
            })
            .collect();
        pairs.push((w.a_account.clone(), digits));
        for k in &w.a_key_ids {
            let ghost: String = k[..4].to_string()
                + &k[4..]
                    .chars()
                    .map(|c| match c {
                        'A'..='Y' | '2'..='6' => (c as u8 + 1) as char,
                        'Z' => '2',
                        _ => 'A',
                    })
                    .collect::<String>();
            pairs.push((k.clone(), ghost));
        }
        for name in [A_NAME, A_TAG] {
            pairs.push((name.to_string(), format!("{name}x")));
        }
        pairs.push((
            w.a_dns_zone.clone(),
            "alpha-dns-5e2c.example.com".to_string(),
        ));
        pairs.sort_by_key(|(a, _)| std::cmp::Reverse(a.len()));
        Tokens { pairs }
    }

    fn ghosted(&self, text: &str) -> String {
        let mut t = text.to_string();
        for (real, ghost) in &self.pairs {
            t = t.replace(real.as_str(), ghost);
        }
        t
    }

    fn unghosted(&self, text: &str) -> String {
        let mut t = text.to_string();
        for (real, ghost) in &self.pairs {
            t = t.replace(ghost.as_str(), real);
        }
        t
    }

    /// A's tokens in `answer` that B did not send itself.
    fn leaked(&self, request: &str, answer: &str) -> Vec<String> {
        self.pairs
            .iter()
            .map(|(real, _)| real)
            .filter(|real| answer.contains(real.as_str()) && !request.contains(real.as_str()))
            .cloned()
            .collect()
    }
}

// ---- A's view ----

/// One GET of A's: path, status, ETag, body.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Shot {
    path: String,
    status: u16,
    etag: Option<String>,
    text: String,
}

/// Everything A can read: every list (one page of 1000) and every item of
/// it, the sub-lists of its services, its account, principals and keys.
/// Nothing is left out and no field is ignored: the only fields that tick
/// on their own are a notification's `last_delivery_*` and
/// `pending_deliveries`, and `settle` waits until every event has been
/// acknowledged by the webhook before the first view is taken.
async fn view(s_: &TestServer, w: &World) -> Vec<Shot> {
    let token = &w.a().token;
    let mut shots = Vec::new();
    let mut shoot = |r: Resp, path: String| {
        shots.push(Shot {
            path,
            status: r.status.as_u16(),
            etag: r.header("etag").map(str::to_string),
            text: r.text,
        });
    };
    for path in [
        format!("/v1/accounts/{}", w.a_account),
        "/v1/accounts".to_string(),
        format!("/v1/accounts/{}/principals", w.a_account),
        "/v1/api-keys".to_string(),
        "/v1/services?max_results=1000".to_string(),
        format!("/v1/vpcs/{}/dns?name=sqs.us-east-1.amazonaws.com", w.vpc),
        "/v1/public-dns/zones?max_results=1000".to_string(),
        format!("/v1/public-dns/zones/{}", w.a_dns_zone),
        format!(
            "/v1/public-dns/records?zone_name={}&max_results=1000",
            w.a_dns_zone
        ),
    ] {
        let r = s_.get(&path, token).await;
        shoot(r, path);
    }
    for (list, id_field, subs) in [
        ("/v1/vpcs", "vpc_id", &[][..]),
        ("/v1/subnets", "subnet_id", &[][..]),
        ("/v1/route-tables", "route_table_id", &[][..]),
        ("/v1/security-groups", "group_id", &[][..]),
        ("/v1/internet-gateways", "internet_gateway_id", &[][..]),
        ("/v1/nat-gateways", "nat_gateway_id", &[][..]),
        ("/v1/network-interfaces", "network_interface_id", &[][..]),
        (
            "/v1/vpc-peering-connections",
            "vpc_peering_connection_id",
            &[][..],
        ),
        ("/v1/transit-gateways", "transit_gateway_id", &[][..]),
        ("/v1/load-balancers", "load_balancer_arn", &[][..]),
        ("/v1/target-groups", "target_group_arn", &[][..]),
        (
            "/v1/endpoint-services",
            "service_id",
            &["/allowed-principals", "/connections", "/notifications"][..],
        ),
        (
            "/v1/vpc-endpoints",
            "vpc_endpoint_id",
            &["/cost?gb_per_month=100"][..],
        ),
    ] {
        let path = format!("{list}?max_results=1000");
        let r = s_.get(&path, token).await;
        assert_eq!(r.status, StatusCode::OK, "A's {path}: {}", r.text);
        let ids: Vec<String> = r.body["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|i| s(&i[id_field]))
            .collect();
        shoot(r, path);
        for id in ids {
            let item = format!("{list}/{}", enc(&id));
            let r = s_.get(&item, token).await;
            assert_eq!(r.status, StatusCode::OK, "A's {item}: {}", r.text);
            shoot(r, item.clone());
            for sub in subs {
                let p = format!("{item}{sub}");
                let r = s_.get(&p, token).await;
                assert_eq!(r.status, StatusCode::OK, "A's {p}: {}", r.text);
                shoot(r, p);
            }
        }
    }
    shots
}

/// True while something in `v` still moves on its own: an event the
/// webhook has not acknowledged yet, or a resource in a transitional state.
fn moving(v: &Value) -> bool {
    match v {
        Value::Object(m) => m.iter().any(|(k, v)| {
            (k == "pending_deliveries" && v.as_i64().is_some_and(|n| n > 0))
                || (["state", "service_state", "vpc_endpoint_state"].contains(&k.as_str())
                    && ["pending", "provisioning", "deleting"]
                        .iter()
                        .any(|s| v == *s))
                || moving(v)
        }),
        Value::Array(a) => a.iter().any(moving),
        _ => false,
    }
}

/// Waits until A's view stands still: the workflow has moved everything
/// out of transitional states and the webhook has acknowledged every event.
async fn settle(s_: &TestServer, w: &World) -> Vec<Shot> {
    let mut last = view(s_, w).await;
    for _ in 0..100 {
        tokio::time::sleep(Duration::from_millis(150)).await;
        let now = view(s_, w).await;
        let busy = now
            .iter()
            .any(|v| moving(&serde_json::from_str(&v.text).unwrap_or(Value::Null)));
        if now == last && !busy {
            return now;
        }
        last = now;
    }
    panic!("A's view did not settle");
}

fn first_difference(before: &[Shot], after: &[Shot]) -> Option<String> {
    if before.len() != after.len() {
        let paths = |v: &[Shot]| v.iter().map(|s| s.path.clone()).collect::<Vec<_>>();
        return Some(format!(
            "A's view has {} reads before, {} after: {:?} vs {:?}",
            before.len(),
            after.len(),
            paths(before),
            paths(after)
        ));
    }
    before
        .iter()
        .zip(after)
        .find(|(b, a)| b != a)
        .map(|(b, a)| format!("A's GET {} changed:\n before {b:?}\n after  {a:?}", b.path))
}

// ---- building ----

/// The accounts' creates, each with an `Idempotency-Key` kept for B's replay.
struct Builder<'a> {
    s_: &'a TestServer,
    token: String,
    replays: Vec<Replay>,
}

impl Builder<'_> {
    /// POSTs as A with a key; asserts 201; keeps the request for B, who must
    /// get `want` for it.
    async fn create(&mut self, route: &'static str, path: &str, body: Value, want: Want) -> Value {
        let key = format!("tenancy-{}", self.replays.len());
        let r = send(self.s_, &self.token, "POST", path, Some(&body), Some(&key)).await;
        assert_eq!(r.status, StatusCode::CREATED, "A's POST {path}: {}", r.text);
        self.replays.push(Replay {
            route,
            path: path.to_string(),
            key,
            body,
            want,
            b_request: None,
        });
        r.body
    }
}

async fn send(
    s_: &TestServer,
    token: &str,
    method: &str,
    path: &str,
    body: Option<&Value>,
    key: Option<&str>,
) -> Resp {
    let method = Method::from_bytes(method.as_bytes()).expect("method");
    let mut req = s_.http.request(method, s_.url(path)).bearer_auth(token);
    if let Some(k) = key {
        req = req.header("Idempotency-Key", k);
    }
    if let Some(b) = body {
        req = req.json(b);
    }
    Resp::from(req.send().await.expect("request")).await
}

async fn ok(s_: &TestServer, token: &str, method: &str, path: &str, body: Value) -> Value {
    let r = send(s_, token, method, path, Some(&body), None).await;
    assert!(r.status.is_success(), "{method} {path}: {}", r.text);
    r.body
}

/// A webhook that acknowledges everything and counts what it got.
async fn sink() -> (String, Arc<AtomicUsize>) {
    let count = Arc::new(AtomicUsize::new(0));
    let c = count.clone();
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move || {
            let c = c.clone();
            async move {
                c.fetch_add(1, Ordering::SeqCst);
                axum::http::StatusCode::OK
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}/hook", listener.local_addr().expect("addr"));
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (url, count)
}

/// A builds one of everything; B builds what it aims from.
async fn build(s_: &TestServer, hook: &str) -> World {
    use Want::*;
    let mut w = World::default();
    let a = s_.account(A_NAME).await;
    w.a_account = a.account_id.clone();
    let mut m = Builder {
        s_,
        token: a.token.clone(),
        replays: Vec::new(),
    };
    let tags = json!({"Team": A_TAG});
    let zones = s_.zones(&a.token, "us-east-1").await;
    w.zone0 = zones[0].1.clone();
    w.zone1 = zones[1].1.clone();

    // Identity: a user with a key (the root has one already).
    let alice = m
        .create(
            "/v1/accounts/{account_id}/principals",
            &format!("/v1/accounts/{}/principals", a.account_id),
            json!({"type": "user", "name": "alice"}),
            NotFound("InvalidAccountID.NotFound"),
        )
        .await;
    let alice_arn = s(&alice["arn"]);
    let key = m
        .create(
            "/v1/api-keys",
            "/v1/api-keys",
            json!({"principal_arn": alice_arn}),
            Forbidden,
        )
        .await;
    w.a_user = Some(Actor {
        account_id: a.account_id.clone(),
        arn: alice_arn,
        token: s(&key["secret"]),
    });
    let keys = s_.get("/v1/api-keys", &a.token).await;
    w.a_key_ids = keys.body["items"]
        .as_array()
        .expect("keys")
        .iter()
        .map(|k| s(&k["key_id"]))
        .collect();
    assert_eq!(w.a_key_ids.len(), 2);
    ok(
        s_,
        &a.token,
        "PATCH",
        &format!("/v1/accounts/{}", a.account_id),
        json!({"tags": tags}),
    )
    .await;

    // Network.
    let vpc = m
        .create(
            "/v1/vpcs",
            "/v1/vpcs",
            json!({"cidr_block": "10.0.0.0/16", "enable_dns_hostnames": true, "tags": tags}),
            OwnCreate,
        )
        .await;
    w.vpc = s(&vpc["vpc_id"]);
    w.main_rtb = s(&vpc["main_route_table_id"]);
    w.default_sg = s(&vpc["default_security_group_id"]);
    w.vpc2 = s(&m
        .create(
            "/v1/vpcs",
            "/v1/vpcs",
            json!({"cidr_block": "10.1.0.0/16"}),
            OwnCreate,
        )
        .await["vpc_id"]);
    w.vpc3 = s(&m
        .create(
            "/v1/vpcs",
            "/v1/vpcs",
            json!({"cidr_block": "10.2.0.0/16"}),
            OwnCreate,
        )
        .await["vpc_id"]);
    let vpc3_replay = m.replays.len() - 1;
    let mut subnet = async |vpc: &str, cidr: &str, zone: &str| {
        s(&m.create(
            "/v1/subnets",
            "/v1/subnets",
            json!({"vpc_id": vpc, "cidr_block": cidr, "availability_zone_id": zone, "tags": tags}),
            BadRef("InvalidVpcID.NotFound"),
        )
        .await["subnet_id"])
    };
    w.subnet1 = subnet(&w.vpc, "10.0.1.0/24", &w.zone0).await;
    w.subnet2 = subnet(&w.vpc, "10.0.2.0/24", &w.zone1).await;
    w.subnet3 = subnet(&w.vpc, "10.0.3.0/24", &w.zone0).await;
    w.subnet_v2 = subnet(&w.vpc2, "10.1.1.0/24", &w.zone0).await;
    w.subnet_v3 = subnet(&w.vpc3, "10.2.1.0/24", &w.zone0).await;
    let main_rtb = s_
        .get(&format!("/v1/route-tables/{}", w.main_rtb), &a.token)
        .await;
    w.main_assoc = s(&main_rtb.body["associations"][0]["association_id"]);

    w.igw = s(&m
        .create(
            "/v1/internet-gateways",
            "/v1/internet-gateways",
            json!({"tags": tags}),
            OwnCreate,
        )
        .await["internet_gateway_id"]);
    ok(
        s_,
        &a.token,
        "POST",
        &format!("/v1/internet-gateways/{}/attach", w.igw),
        json!({"vpc_id": w.vpc}),
    )
    .await;
    w.nat = s(&m
        .create(
            "/v1/nat-gateways",
            "/v1/nat-gateways",
            json!({"subnet_id": w.subnet1, "tags": tags}),
            BadRef("InvalidSubnetID.NotFound"),
        )
        .await["nat_gateway_id"]);

    w.sg = s(&m
        .create(
            "/v1/security-groups",
            "/v1/security-groups",
            json!({"vpc_id": w.vpc, "group_name": "alpha-app", "description": "app", "tags": tags,
                   "ingress": [{"protocol": "tcp", "from_port": 443, "to_port": 443, "cidr": "10.0.0.0/16"}]}),
            BadRef("InvalidVpcID.NotFound"),
        )
        .await["group_id"]);
    let rules = format!("/v1/security-groups/{}/rules", w.sg);
    m.create(
        "/v1/security-groups/{group_id}/rules",
        &rules,
        json!({"direction": "egress", "protocol": "tcp", "from_port": 5432, "to_port": 5432, "cidr": "10.1.0.0/16"}),
        NotFound("InvalidGroup.NotFound"),
    )
    .await;
    let rule_replay = m.replays.len() - 1;
    let sg = s_
        .get(&format!("/v1/security-groups/{}", w.sg), &a.token)
        .await;
    w.sg_rule = s(&sg.body["egress"]
        .as_array()
        .expect("egress")
        .iter()
        .find(|r| r["from_port"] == 5432)
        .expect("the 5432 rule")["security_group_rule_id"]);

    w.eni = s(&m
        .create(
            "/v1/network-interfaces",
            "/v1/network-interfaces",
            json!({"subnet_id": w.subnet1, "private_ip": "10.0.1.10", "security_group_ids": [w.sg],
                   "description": "alpha workload", "tags": tags}),
            BadRef("InvalidSubnetID.NotFound"),
        )
        .await["network_interface_id"]);

    w.pcx_active = s(&m
        .create(
            "/v1/vpc-peering-connections",
            "/v1/vpc-peering-connections",
            json!({"requester_vpc_id": w.vpc, "accepter_vpc_id": w.vpc2, "tags": tags}),
            BadRef("InvalidVpcID.NotFound"),
        )
        .await["vpc_peering_connection_id"]);
    ok(
        s_,
        &a.token,
        "POST",
        &format!("/v1/vpc-peering-connections/{}/accept", w.pcx_active),
        json!({}),
    )
    .await;
    w.pcx_pending = s(&m
        .create(
            "/v1/vpc-peering-connections",
            "/v1/vpc-peering-connections",
            json!({"requester_vpc_id": w.vpc, "accepter_vpc_id": w.vpc3}),
            BadRef("InvalidVpcID.NotFound"),
        )
        .await["vpc_peering_connection_id"]);

    w.tgw = s(&m
        .create(
            "/v1/transit-gateways",
            "/v1/transit-gateways",
            json!({"description": "alpha core", "tags": tags}),
            OwnCreate,
        )
        .await["transit_gateway_id"]);
    let tgw = format!("/v1/transit-gateways/{}", w.tgw);
    let t = m
        .create(
            "/v1/transit-gateways/{transit_gateway_id}/attachments",
            &format!("{tgw}/attachments"),
            json!({"vpc_id": w.vpc, "subnet_ids": [w.subnet1]}),
            NotFound("InvalidTransitGatewayID.NotFound"),
        )
        .await;
    w.tgw_att = s(&t["attachments"][0]["transit_gateway_attachment_id"]);
    m.create(
        "/v1/transit-gateways/{transit_gateway_id}/routes",
        &format!("{tgw}/routes"),
        json!({"destination_cidr_block": "192.168.0.0/16", "transit_gateway_attachment_id": w.tgw_att}),
        NotFound("InvalidTransitGatewayID.NotFound"),
    )
    .await;

    w.rtb = s(&m
        .create(
            "/v1/route-tables",
            "/v1/route-tables",
            json!({"vpc_id": w.vpc, "tags": tags}),
            BadRef("InvalidVpcID.NotFound"),
        )
        .await["route_table_id"]);
    let rtb = format!("/v1/route-tables/{}", w.rtb);
    for route in [
        json!({"destination_cidr_block": "0.0.0.0/0", "gateway_id": w.igw}),
        json!({"destination_cidr_block": "172.16.0.0/12", "nat_gateway_id": w.nat}),
        json!({"destination_cidr_block": "10.1.0.0/16", "vpc_peering_connection_id": w.pcx_active}),
        json!({"destination_cidr_block": "192.168.0.0/16", "transit_gateway_id": w.tgw}),
        json!({"destination_cidr_block": "10.9.0.0/16", "network_interface_id": w.eni}),
    ] {
        m.create(
            "/v1/route-tables/{route_table_id}/routes",
            &format!("{rtb}/routes"),
            route,
            NotFound("InvalidRouteTableID.NotFound"),
        )
        .await;
    }
    let t = m
        .create(
            "/v1/route-tables/{route_table_id}/associations",
            &format!("{rtb}/associations"),
            json!({"subnet_id": w.subnet2}),
            NotFound("InvalidRouteTableID.NotFound"),
        )
        .await;
    let t = if t["associations"].is_array() {
        t
    } else {
        s_.get(&rtb, &a.token).await.body
    };
    w.assoc = s(&t["associations"]
        .as_array()
        .expect("associations")
        .iter()
        .find(|x| x["subnet_id"] == w.subnet2.as_str())
        .expect("subnet2's association")["association_id"]);

    // Producer.
    w.nlb_name = "alpha-api".to_string();
    w.nlb = s(&m
        .create(
            "/v1/load-balancers",
            "/v1/load-balancers",
            json!({"name": w.nlb_name, "type": "network", "subnet_ids": [w.subnet1, w.subnet2], "tags": tags}),
            BadRef("InvalidSubnetID.NotFound"),
        )
        .await["load_balancer_arn"]);
    w.gwlb_name = "alpha-fw".to_string();
    w.gwlb = s(&m
        .create(
            "/v1/load-balancers",
            "/v1/load-balancers",
            json!({"name": w.gwlb_name, "type": "gateway", "subnet_ids": [w.subnet1]}),
            BadRef("InvalidSubnetID.NotFound"),
        )
        .await["load_balancer_arn"]);
    w.tg_name = "alpha-api-tg".to_string();
    w.tg = s(&m
        .create(
            "/v1/target-groups",
            "/v1/target-groups",
            json!({"name": w.tg_name, "protocol": "tcp", "port": 443, "vpc_id": w.vpc, "load_balancer_arn": w.nlb}),
            BadRef("InvalidVpcID.NotFound"),
        )
        .await["target_group_arn"]);
    ok(
        s_,
        &a.token,
        "POST",
        &format!("/v1/target-groups/{}/targets", enc(&w.tg)),
        json!({"targets": [{"id": "10.0.1.20"}, {"id": w.eni, "port": 8443}]}),
    )
    .await;
    w.listener = s(&m
        .create(
            "/v1/load-balancers/{load_balancer_arn}/listeners",
            &format!("/v1/load-balancers/{}/listeners", enc(&w.nlb)),
            json!({"protocol": "tcp", "port": 443, "target_group_arn": w.tg}),
            NotFound("LoadBalancerNotFound"),
        )
        .await["listener_arn"]);
    w.tg_gw_name = "alpha-fw-tg".to_string();
    w.tg_gw = s(&m
        .create(
            "/v1/target-groups",
            "/v1/target-groups",
            json!({"name": w.tg_gw_name, "protocol": "geneve", "port": 6081, "vpc_id": w.vpc, "load_balancer_arn": w.gwlb}),
            BadRef("InvalidVpcID.NotFound"),
        )
        .await["target_group_arn"]);
    ok(
        s_,
        &a.token,
        "POST",
        &format!("/v1/target-groups/{}/targets", enc(&w.tg_gw)),
        json!({"targets": [{"id": "10.0.1.30"}]}),
    )
    .await;

    w.a_client_token_svc = "alpha-svc-token".to_string();
    let svc = m
        .create(
            "/v1/endpoint-services",
            "/v1/endpoint-services",
            json!({"network_load_balancer_arns": [w.nlb], "acceptance_required": true,
                   "private_dns_name": "api.alpha.example", "client_token": w.a_client_token_svc,
                   "tags": tags}),
            BadRef("InvalidNetworkLoadBalancerArn.NotFound"),
        )
        .await;
    w.svc = s(&svc["service_id"]);
    w.svc_name = s(&svc["service_name"]);
    let svc_gw = m
        .create(
            "/v1/endpoint-services",
            "/v1/endpoint-services",
            json!({"gateway_load_balancer_arns": [w.gwlb], "acceptance_required": false}),
            BadRef("InvalidGatewayLoadBalancerArn.NotFound"),
        )
        .await;
    w.svc_gw = s(&svc_gw["service_id"]);
    w.svc_gw_name = s(&svc_gw["service_name"]);
    ok(
        s_,
        &a.token,
        "POST",
        &format!("/v1/endpoint-services/{}/allowed-principals", w.svc),
        json!({"principals": [w.a_root_arn(), w.a_user_arn()]}),
    )
    .await;
    ok(
        s_,
        &a.token,
        "POST",
        &format!("/v1/endpoint-services/{}/allowed-principals", w.svc_gw),
        json!({"principals": [w.a_root_arn()]}),
    )
    .await;
    let n = ok(
        s_,
        &a.token,
        "POST",
        &format!("/v1/endpoint-services/{}/notifications", w.svc),
        json!({"webhook_url": hook, "events": ["connect", "accept", "reject", "delete"]}),
    )
    .await;
    w.nfn = s(&n["connection_notification_id"]);
    let t = ok(
        s_,
        &a.token,
        "POST",
        "/v1/notification-topics",
        json!({"name": A_NAME, "webhook_url": hook}),
    )
    .await;
    w.topic = s(&t["topic_arn"]);

    // Consumer: one endpoint of each type, one waiting for acceptance.
    w.a_client_token_ep = "alpha-ep-token".to_string();
    w.ep_gateway = s(&m
        .create(
            "/v1/vpc-endpoints",
            "/v1/vpc-endpoints",
            json!({"vpc_id": w.vpc, "service_name": "com.amazonaws.us-east-1.s3",
                   "route_table_ids": [w.rtb], "client_token": w.a_client_token_ep, "tags": tags}),
            BadRef("InvalidVpcID.NotFound"),
        )
        .await["vpc_endpoint_id"]);
    w.ep_interface = s(&m
        .create(
            "/v1/vpc-endpoints",
            "/v1/vpc-endpoints",
            json!({"vpc_endpoint_type": "interface", "vpc_id": w.vpc,
                   "service_name": "com.amazonaws.us-east-1.sqs", "subnet_ids": [w.subnet1],
                   "security_group_ids": [w.sg], "private_dns_enabled": true}),
            BadRef("InvalidVpcID.NotFound"),
        )
        .await["vpc_endpoint_id"]);
    let ep_svc = m
        .create(
            "/v1/vpc-endpoints",
            "/v1/vpc-endpoints",
            json!({"vpc_endpoint_type": "interface", "vpc_id": w.vpc2, "service_name": w.svc_name,
                   "subnet_ids": [w.subnet_v2], "private_dns_enabled": false}),
            BadRef("InvalidVpcID.NotFound"),
        )
        .await;
    assert_eq!(ep_svc["state"], "pending_acceptance", "{ep_svc}");
    w.ep_svc = s(&ep_svc["vpc_endpoint_id"]);
    w.ep_gwlb = s(&m
        .create(
            "/v1/vpc-endpoints",
            "/v1/vpc-endpoints",
            json!({"vpc_endpoint_type": "gateway_load_balancer", "vpc_id": w.vpc,
                   "service_name": w.svc_gw_name, "subnet_ids": [w.subnet3]}),
            BadRef("InvalidVpcID.NotFound"),
        )
        .await["vpc_endpoint_id"]);
    m.create(
        "/v1/route-tables/{route_table_id}/routes",
        &format!("{rtb}/routes"),
        json!({"destination_cidr_block": "10.8.0.0/16", "vpc_endpoint_id": w.ep_gwlb}),
        NotFound("InvalidRouteTableID.NotFound"),
    )
    .await;
    w.replays = m.replays;
    // Public DNS: A holds a zone at the top, with a TXT record in it.
    w.a_dns_zone = A_ZONE.to_string();
    w.a_dns_record = format!("_v.{}", w.a_dns_zone);
    ok(
        s_,
        &a.token,
        "POST",
        "/v1/public-dns/zones",
        json!({"name": w.a_dns_zone}),
    )
    .await;
    ok(
        s_,
        &a.token,
        "PUT",
        "/v1/public-dns/records",
        json!({"name": w.a_dns_record, "type": "TXT", "value": format!("vpce:{A_TAG}")}),
    )
    .await;
    w.a = Some(a);

    // B: its root, a user, and its own resources to aim from.
    let b = s_.account("tenant-bravo").await;
    let bt = b.token.clone();
    w.b_user = Some(s_.principal(&b, "user", "bob").await);
    let own = async |path: &str, body: Value| {
        let r = send(s_, &bt, "POST", path, Some(&body), None).await;
        assert_eq!(r.status, StatusCode::CREATED, "B's POST {path}: {}", r.text);
        r.body
    };
    let bvpc = own(
        "/v1/vpcs",
        json!({"cidr_block": "10.50.0.0/16", "enable_dns_hostnames": true}),
    )
    .await;
    w.b_vpc = s(&bvpc["vpc_id"]);
    w.b_subnet = s(&own(
        "/v1/subnets",
        json!({"vpc_id": w.b_vpc, "cidr_block": "10.50.1.0/24", "availability_zone_id": w.zone0}),
    )
    .await["subnet_id"]);
    w.b_rtb = s(&own("/v1/route-tables", json!({"vpc_id": w.b_vpc})).await["route_table_id"]);
    w.b_rtb_spare = s(&own("/v1/route-tables", json!({"vpc_id": w.b_vpc})).await["route_table_id"]);
    w.b_sg = s(&own(
        "/v1/security-groups",
        json!({"vpc_id": w.b_vpc, "group_name": "bravo", "description": "b"}),
    )
    .await["group_id"]);
    w.b_igw = s(&own("/v1/internet-gateways", json!({})).await["internet_gateway_id"]);
    w.b_tgw = s(&own("/v1/transit-gateways", json!({})).await["transit_gateway_id"]);
    w.b_nlb = s(&own(
        "/v1/load-balancers",
        json!({"name": "bravo-api", "subnet_ids": [w.b_subnet]}),
    )
    .await["load_balancer_arn"]);
    w.b_nlb_spare = s(&own(
        "/v1/load-balancers",
        json!({"name": "bravo-spare", "subnet_ids": [w.b_subnet]}),
    )
    .await["load_balancer_arn"]);
    w.b_tg = s(&own(
        "/v1/target-groups",
        json!({"name": "bravo-tg", "protocol": "tcp", "port": 80, "vpc_id": w.b_vpc}),
    )
    .await["target_group_arn"]);
    w.b_svc = s(&own(
        "/v1/endpoint-services",
        json!({"network_load_balancer_arns": [w.b_nlb]}),
    )
    .await["service_id"]);
    w.b_ep_gateway = s(&own(
        "/v1/vpc-endpoints",
        json!({"vpc_id": w.b_vpc, "service_name": "com.amazonaws.us-east-1.s3", "route_table_ids": [w.b_rtb]}),
    )
    .await["vpc_endpoint_id"]);
    w.b_ep_interface = s(&own(
        "/v1/vpc-endpoints",
        json!({"vpc_endpoint_type": "interface", "vpc_id": w.b_vpc,
               "service_name": "com.amazonaws.us-east-1.sqs", "subnet_ids": [w.b_subnet]}),
    )
    .await["vpc_endpoint_id"]);
    // Two of A's keys, sent by B with requests of its own.
    w.replays[vpc3_replay].b_request = Some((
        "/v1/vpcs".to_string(),
        json!({"cidr_block": "10.77.0.0/16"}),
    ));
    w.replays[rule_replay].b_request = Some((
        format!("/v1/security-groups/{}/rules", w.b_sg),
        json!({"direction": "egress", "protocol": "tcp", "from_port": 5432, "to_port": 5432, "cidr": "10.1.0.0/16"}),
    ));
    w.b = Some(b);
    w
}

// ---- the walk ----

/// True when `path` (without its query) is an instance of `template`.
fn instance_of(template: &str, path: &str) -> bool {
    let path = path.split('?').next().unwrap_or_default();
    let t: Vec<&str> = template.split('/').collect();
    let p: Vec<&str> = path.split('/').collect();
    t.len() == p.len()
        && t.iter()
            .zip(&p)
            .all(|(t, p)| (t.starts_with('{') && !p.is_empty()) || t == p)
}

/// Body without `request_id`, look-alikes turned back into A's tokens.
/// A batch answer lists its `unsuccessful` items in id order, which a
/// look-alike id changes: they are compared as a set.
fn normal(r: &Resp, tokens: &Tokens) -> String {
    let body = if r.body.is_null() {
        tokens.unghosted(&r.text)
    } else {
        let mut body: Value =
            serde_json::from_str(&tokens.unghosted(&r.body.to_string())).expect("json");
        if let Some(o) = body.as_object_mut() {
            o.remove("request_id");
            if let Some(Value::Array(items)) = o.get_mut("unsuccessful") {
                items.sort_by_key(Value::to_string);
            }
        }
        body.to_string()
    };
    format!(
        "{} {} {body}",
        r.status.as_u16(),
        r.header("content-type").unwrap_or_default(),
    )
}

fn check(want: Want, r: &Resp, named: &[String]) -> Result<(), String> {
    let problem = |status: u16, code: &str| -> Result<(), String> {
        if r.status.as_u16() != status
            || r.header("content-type") != Some("application/problem+json")
            || r.body["code"] != code
        {
            return Err(format!("want {status} {code}, got {} {}", r.status, r.text));
        }
        Ok(())
    };
    match want {
        Want::NotFound(code) => problem(404, code),
        Want::BadRef(code) => problem(400, code),
        Want::Forbidden => problem(403, "UnauthorizedOperation"),
        Want::List => {
            if r.status != StatusCode::OK || !r.body["items"].is_array() {
                return Err(format!("want a 200 list, got {} {}", r.status, r.text));
            }
            Ok(())
        }
        Want::Held => {
            if r.status != StatusCode::CONFLICT || r.body["code"] != "HostedZoneAlreadyExists" {
                return Err(format!(
                    "want 409 HostedZoneAlreadyExists, got {} {}",
                    r.status, r.text
                ));
            }
            Ok(())
        }
        Want::OwnCreate => {
            if r.status != StatusCode::CREATED && r.status != StatusCode::OK {
                return Err(format!(
                    "want 201 (or a replay of B's own), got {} {}",
                    r.status, r.text
                ));
            }
            Ok(())
        }
        Want::Unsuccessful(code) => {
            if r.status != StatusCode::OK {
                return Err(format!(
                    "want 200 with unsuccessful items, got {} {}",
                    r.status, r.text
                ));
            }
            let items = r.body["unsuccessful"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            for id in named {
                if !items
                    .iter()
                    .any(|i| i["resource_id"] == id.as_str() && i["code"] == code)
                {
                    return Err(format!(
                        "want {id} unsuccessful with {code}, got {}",
                        r.text
                    ));
                }
            }
            Ok(())
        }
    }
}

/// Sends every probe as `who`, and the same request with A's tokens
/// replaced by look-alikes that do not exist; answers the failures and how
/// many requests were sent.
async fn walk(
    s_: &TestServer,
    who: &Actor,
    probes: &[Probe],
    tokens: &Tokens,
) -> (Vec<String>, usize) {
    let mut failures = Vec::new();
    let mut sent = 0;
    for pr in probes {
        let name = format!("{} {} as {}", pr.route.0, pr.path, who.arn);
        if !instance_of(pr.route.1, &pr.path) {
            failures.push(format!("{name}: the path is no instance of {}", pr.route.1));
            continue;
        }
        let r = send(
            s_,
            &who.token,
            pr.route.0,
            &pr.path,
            pr.body.as_ref(),
            pr.idempotency_key.as_deref(),
        )
        .await;
        sent += 1;
        let request = format!(
            "{} {}",
            pr.path,
            pr.body.as_ref().map(Value::to_string).unwrap_or_default()
        );
        if r.status.is_server_error() {
            failures.push(format!("{name}: {} {}", r.status, r.text));
            continue;
        }
        let named: Vec<String> = pr
            .body
            .as_ref()
            .and_then(|b| b["vpc_endpoint_ids"].as_array().cloned())
            .unwrap_or_default()
            .iter()
            .map(s)
            .collect();
        if let Err(e) = check(pr.want, &r, &named) {
            failures.push(format!("{name}: {e}"));
        }
        let leaked = tokens.leaked(&request, &r.text);
        if !leaked.is_empty() {
            failures.push(format!(
                "{name}: the answer shows A's {leaked:?}: {}",
                r.text
            ));
        }
        // The same request about nothing: it must be answered alike.
        let ghost_path = tokens.ghosted(&pr.path);
        let ghost_body = pr
            .body
            .as_ref()
            .map(|b| serde_json::from_str::<Value>(&tokens.ghosted(&b.to_string())).expect("json"));
        if [Want::OwnCreate, Want::Held].contains(&pr.want)
            || (ghost_path == pr.path && ghost_body == pr.body)
        {
            continue;
        }
        let g = send(
            s_,
            &who.token,
            pr.route.0,
            &ghost_path,
            ghost_body.as_ref(),
            pr.idempotency_key.as_deref(),
        )
        .await;
        sent += 1;
        let (real, ghost) = (normal(&r, tokens), normal(&g, tokens));
        if real != ghost {
            failures.push(format!(
                "{name}: answered unlike a missing resource:\n   A's:     {real}\n   missing: {ghost}"
            ));
        }
    }
    (failures, sent)
}

/// The documented (method, path) pairs, from the served document.
async fn documented(s_: &TestServer) -> BTreeSet<(String, String)> {
    let doc = s_.call(Method::GET, "/openapi.json", None, None).await;
    assert_eq!(doc.status, StatusCode::OK);
    let mut out = BTreeSet::new();
    for (path, item) in doc.body["paths"].as_object().expect("paths") {
        for method in item.as_object().expect("path item").keys() {
            if [
                "get", "put", "post", "delete", "patch", "head", "options", "trace",
            ]
            .contains(&method.as_str())
            {
                out.insert((method.to_uppercase(), path.clone()));
            }
        }
    }
    out
}

/// Every documented route is walked or deliberately left out, and the two
/// lists name only documented routes that are not walked.
fn coverage(documented: &BTreeSet<(String, String)>, walked: &BTreeSet<(String, String)>) {
    let excluded: BTreeSet<(String, String)> = NOT_CROSS_TENANT
        .iter()
        .map(|(m, p, _)| (m.to_string(), p.to_string()))
        .chain(
            NOT_COVERED_YET
                .iter()
                .map(|(m, p)| (m.to_string(), p.to_string())),
        )
        .collect();
    let missing: Vec<_> = documented
        .iter()
        .filter(|r| !walked.contains(*r) && !excluded.contains(*r))
        .collect();
    assert!(
        missing.is_empty(),
        "documented routes the cross-tenant walk does not cover: {missing:?}; add probes for \
         them to `probes` in tests/api/tenancy.rs, or say in NOT_CROSS_TENANT why they are not \
         cross-tenant"
    );
    let undocumented: Vec<_> = walked.difference(documented).collect();
    assert!(
        undocumented.is_empty(),
        "the walk names undocumented routes: {undocumented:?}"
    );
    let stale: Vec<_> = excluded
        .iter()
        .filter(|r| !documented.contains(*r) || walked.contains(*r))
        .collect();
    assert!(
        stale.is_empty(),
        "NOT_CROSS_TENANT / NOT_COVERED_YET name routes that are undocumented or walked: {stale:?}"
    );
}

/// B (root, then a user of B) reaches nothing of A's by any route; A's view
/// is unchanged and its webhook got nothing.
async fn another_account_reaches_nothing_of_a(db: Db) {
    let started = std::time::Instant::now();
    let (hook, deliveries) = sink().await;
    let s_ = TestServer::start(db).await;
    let w = build(&s_, &hook).await;
    let before = settle(&s_, &w).await;
    let delivered = deliveries.load(Ordering::SeqCst);
    assert!(delivered >= 1, "the connect event reached the webhook");
    let tokens = Tokens::of(&w, &before);

    let mut walked = BTreeSet::new();
    let mut failures = Vec::new();
    let (mut probed, mut sent) = (0, 0);
    let actors = [w.b().clone(), w.b_user().clone()];
    let phases = [probes(&w, 0), probes(&w, 1), replays(&w), replays(&w)];
    for (i, table) in phases.iter().enumerate() {
        let who = &actors[i % 2];
        probed += table.len();
        walked.extend(
            table
                .iter()
                .map(|p| (p.route.0.to_string(), p.route.1.to_string())),
        );
        let (failed, n) = walk(&s_, who, table, &tokens).await;
        failures.extend(failed);
        sent += n;
    }
    // Nothing B did reached A: every read of A's answers as before, and
    // no event went to A's webhook.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let after = view(&s_, &w).await;
    if let Some(d) = first_difference(&before, &after) {
        failures.push(d);
    }
    if deliveries.load(Ordering::SeqCst) != delivered {
        failures.push("A's webhook got events while B walked".to_string());
    }
    assert!(
        failures.is_empty(),
        "{} of {probed} cross-tenant probes failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    coverage(&documented(&s_).await, &walked);
    eprintln!(
        "tenancy walk on {db:?}: {} routes, {probed} probes, {sent} requests, {} A tokens, {:.1?}",
        walked.len(),
        tokens.pairs.len(),
        started.elapsed()
    );
    s_.stop().await;
}

/// The property names of a component schema of the served document.
fn schema_keys(doc: &Value, name: &str) -> BTreeSet<String> {
    doc["components"]["schemas"][name]["properties"]
        .as_object()
        .unwrap_or_else(|| panic!("schema {name}"))
        .keys()
        .cloned()
        .collect()
}

/// Where the domain lets another account see something, it sees exactly
/// that: an allowed principal discovers a service (not its configuration)
/// and may connect to it; the producer sees the connection (not the
/// consumer's endpoint, VPC or subnets); both sides of a peering connection
/// see it (and nobody else does, and neither side sees the other's VPC).
async fn cross_account_visibility_is_exactly_the_domains(db: Db) {
    let (hook, _) = sink().await;
    let s_ = TestServer::start(db).await;
    let w = build(&s_, &hook).await;
    let (a, b, bob) = (w.a().clone(), w.b().clone(), w.b_user().clone());
    let c = s_.account("tenant-charlie").await;
    let doc = s_.call(Method::GET, "/openapi.json", None, None).await.body;
    let svc_path = format!("/v1/endpoint-services/{}", w.svc);

    // A allows B's account on its NLB service (not on the GWLB one).
    ok(
        &s_,
        &a.token,
        "POST",
        &format!("{svc_path}/allowed-principals"),
        json!({"principals": [b.arn]}),
    )
    .await;
    let tokens = Tokens::of(&w, &settle(&s_, &w).await);
    let detail_keys = schema_keys(&doc, "ServiceDetail");
    let discover = async |who: &Actor| {
        let r = s_.get("/v1/services?max_results=1000", &who.token).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        let of_a: Vec<Value> = r.body["items"]
            .as_array()
            .expect("items")
            .iter()
            .filter(|i| i["owner"] == w.a_account.as_str())
            .cloned()
            .collect();
        (r, of_a)
    };
    for who in [&b, &bob] {
        let (r, of_a) = discover(who).await;
        assert_eq!(
            of_a.len(),
            1,
            "{who:?} discovers A's allowed service only: {of_a:?}"
        );
        let d = &of_a[0];
        assert_eq!(d["service_id"], w.svc.as_str());
        assert_eq!(d["service_name"], w.svc_name.as_str());
        let keys: BTreeSet<String> = d.as_object().expect("detail").keys().cloned().collect();
        assert!(keys.is_subset(&detail_keys), "{keys:?}");
        let mut leaked = tokens.leaked("", &r.text);
        leaked.retain(|t| *t != w.svc && *t != w.a_account);
        assert!(
            leaked.is_empty(),
            "discovery shows A's {leaked:?}: {}",
            r.text
        );
        for secret in [&hook, &w.nfn, &w.nlb, &w.a_root_arn(), &w.a_user_arn()] {
            assert!(
                !r.text.contains(secret.as_str()),
                "discovery shows {secret}"
            );
        }
    }
    assert!(discover(&c).await.1.is_empty(), "C is not allowed");

    // B's user connects; C cannot (it is answered as for a missing service).
    let body = |vpc: &str, subnet: &str| {
        json!({"vpc_endpoint_type": "interface", "vpc_id": vpc, "service_name": w.svc_name,
               "subnet_ids": [subnet], "private_dns_enabled": false})
    };
    let e = s_
        .post("/v1/vpc-endpoints", &bob.token, body(&w.b_vpc, &w.b_subnet))
        .await;
    assert_eq!(e.status, StatusCode::CREATED, "{}", e.text);
    assert_eq!(e.body["state"], "pending_acceptance");
    assert_eq!(e.body["owner_id"], b.account_id.as_str());
    let eid = s(&e.body["vpc_endpoint_id"]);
    let czones = s_.zones(&c.token, "us-east-1").await;
    let cvpc = s(&s_
        .create("/v1/vpcs", &c.token, json!({"cidr_block": "10.60.0.0/16"}))
        .await["vpc_id"]);
    let csub = s(&s_
        .create(
            "/v1/subnets",
            &c.token,
            json!({"vpc_id": cvpc, "cidr_block": "10.60.1.0/24", "availability_zone_id": w.zone0}),
        )
        .await["subnet_id"]);
    assert!(czones.iter().any(|z| z.1 == w.zone0));
    s_.post("/v1/vpc-endpoints", &c.token, body(&cvpc, &csub))
        .await
        .assert_problem(400, "InvalidServiceName");

    // The producer sees the connection, and nothing else of B's.
    let b_endpoint = s_.get(&format!("/v1/vpc-endpoints/{eid}"), &b.token).await;
    let b_ids: BTreeSet<String> = ids_in(&b_endpoint.text)
        .into_iter()
        .filter(|t| *t != eid && *t != w.svc)
        .collect();
    assert!(
        b_ids.contains(&w.b_vpc) && b_ids.contains(&w.b_subnet),
        "{b_ids:?}"
    );
    let conns = s_.get(&format!("{svc_path}/connections"), &a.token).await;
    assert_eq!(conns.status, StatusCode::OK, "{}", conns.text);
    let mine: Vec<&Value> = conns.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|i| i["vpc_endpoint_id"] == eid.as_str())
        .collect();
    assert_eq!(mine.len(), 1, "{}", conns.text);
    assert_eq!(mine[0]["vpc_endpoint_owner"], b.account_id.as_str());
    assert_eq!(mine[0]["vpc_endpoint_state"], "pending_acceptance");
    let keys: BTreeSet<String> = mine[0].as_object().expect("conn").keys().cloned().collect();
    assert!(
        keys.is_subset(&schema_keys(&doc, "VpcEndpointConnection")),
        "{keys:?}"
    );
    for id in &b_ids {
        assert!(
            !conns.text.contains(id.as_str()),
            "the producer sees B's {id}"
        );
    }
    // ... but not B's endpoint itself, nor anything under it.
    let nf = "InvalidVpcEndpointId.NotFound";
    let ep = format!("/v1/vpc-endpoints/{eid}");
    s_.get(&ep, &a.token).await.assert_problem(404, nf);
    s_.get(&format!("{ep}/cost"), &a.token)
        .await
        .assert_problem(404, nf);
    s_.patch(&ep, &a.token, json!({"reset_policy": true}))
        .await
        .assert_problem(404, nf);
    s_.delete(&ep, &a.token).await.assert_problem(404, nf);
    let listed = s_
        .get(
            &format!("/v1/vpc-endpoints?service_name={}", w.svc_name),
            &a.token,
        )
        .await;
    assert!(
        !listed.text.contains(&eid),
        "A lists B's endpoint: {}",
        listed.text
    );
    let b_enis: Vec<String> = b_endpoint.body["network_interface_ids"]
        .as_array()
        .expect("interfaces")
        .iter()
        .map(s)
        .collect();
    assert!(!b_enis.is_empty());
    for path in [
        format!("/v1/vpcs/{}", w.b_vpc),
        format!("/v1/subnets/{}", w.b_subnet),
    ]
    .into_iter()
    .chain(b_enis.iter().map(|e| format!("/v1/network-interfaces/{e}")))
    {
        assert_eq!(
            s_.get(&path, &a.token).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }

    // Allowed and connected, B (root or user) still reaches nothing of the
    // service's configuration, and cannot decide its own connection.
    let before = settle(&s_, &w).await;
    let tokens = Tokens::of(&w, &before);
    let mut failures = Vec::new();
    for (pass, who) in [&b, &bob].into_iter().enumerate() {
        let mut table = service_probes(&w, pass);
        for action in ["accept", "reject"] {
            table.push(post(
                match action {
                    "accept" => "/v1/endpoint-services/{service_id}/connections/accept",
                    _ => "/v1/endpoint-services/{service_id}/connections/reject",
                },
                format!("{svc_path}/connections/{action}"),
                json!({"vpc_endpoint_ids": [eid]}),
                Want::NotFound("InvalidVpcEndpointServiceId.NotFound"),
            ));
        }
        table.push(get(
            "/v1/endpoint-services",
            "/v1/endpoint-services?max_results=1000",
            Want::List,
        ));
        failures.extend(walk(&s_, who, &table, &tokens).await.0);
    }
    if let Some(d) = first_difference(&before, &view(&s_, &w).await) {
        failures.push(d);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));

    // A accepts: B's endpoint is available. A removes B: discovery stops,
    // the connection stays, a new one is refused.
    let r = ok(
        &s_,
        &a.token,
        "POST",
        &format!("{svc_path}/connections/accept"),
        json!({"vpc_endpoint_ids": [eid]}),
    )
    .await;
    assert_eq!(r["unsuccessful"], json!([]), "{r}");
    let mut state = String::new();
    for _ in 0..100 {
        state = s(&s_.get(&ep, &b.token).await.body["state"]);
        if state == "available" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(state, "available");

    // Resolution from B's side of the connection: past the service, A's
    // components show their kind and zone only, reachable or blocked; no
    // id, ARN or address of A's.
    let client = s(&s_
        .create(
            "/v1/network-interfaces",
            &b.token,
            json!({"subnet_id": w.b_subnet}),
        )
        .await["network_interface_id"]);
    let regional = s(&e.body["dns_entries"][0]["dns_name"]);
    let ask = json!({"source": {"network_interface_id": client}, "destination": {"host": regional}, "port": 443});
    let resolve = async |who: &Actor, body: &Value| {
        let r = s_.post("/v1/resolve", &who.token, body.clone()).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        r
    };
    let shows_nothing_of_a = |r: &Resp, tokens: &Tokens, allowed: &[&str]| {
        let mut leaked = tokens.leaked("", &r.text);
        leaked.retain(|t| !allowed.contains(&t.as_str()));
        assert!(
            leaked.is_empty(),
            "resolve shows A's {leaked:?}: {}",
            r.text
        );
        for secret in [w.nlb.as_str(), w.tg.as_str(), "\"10.0.1.", "\"10.0.2."] {
            assert!(
                !r.text.contains(secret),
                "resolve shows {secret}: {}",
                r.text
            );
        }
    };
    let tokens = Tokens::of(&w, &view(&s_, &w).await);
    let allowed = [w.svc.as_str(), w.a_account.as_str(), eid.as_str()];
    let r = resolve(&b, &ask).await;
    assert!(r.text.contains("\"hidden\""), "{}", r.text);
    shows_nothing_of_a(&r, &tokens, &allowed);
    for target in ["10.0.1.20", &w.eni] {
        let h = s_
            .call(
                Method::PUT,
                &format!("/v1/target-groups/{}/targets/{target}/health", enc(&w.tg)),
                Some(&a.token),
                Some(json!({"healthy": false})),
            )
            .await;
        assert_eq!(h.status, StatusCode::OK, "{}", h.text);
    }
    let r = resolve(&bob, &ask).await;
    assert_eq!(r.body["reachable"], false, "{}", r.text);
    shows_nothing_of_a(&r, &tokens, &allowed);

    let r = send(
        &s_,
        &a.token,
        "DELETE",
        &format!("{svc_path}/allowed-principals"),
        Some(&json!({"principals": [b.arn]})),
        None,
    )
    .await;
    assert!(r.status.is_success(), "{}", r.text);
    assert!(discover(&b).await.1.is_empty());
    assert!(discover(&bob).await.1.is_empty());
    assert_eq!(s_.get(&ep, &b.token).await.body["state"], "available");
    let sub2 = s(&s_
        .create("/v1/vpcs", &b.token, json!({"cidr_block": "10.51.0.0/16"}))
        .await["vpc_id"]);
    let sub2_subnet = s(&s_
        .create(
            "/v1/subnets",
            &b.token,
            json!({"vpc_id": sub2, "cidr_block": "10.51.1.0/24", "availability_zone_id": w.zone0}),
        )
        .await["subnet_id"]);
    s_.post("/v1/vpc-endpoints", &b.token, body(&sub2, &sub2_subnet))
        .await
        .assert_problem(400, "InvalidServiceName");

    // Peering A -> C: both sides see it, B does not; neither side sees the
    // other's VPC; only the accepter decides.
    let pcx = s(&s_
        .create(
            "/v1/vpc-peering-connections",
            &a.token,
            json!({"requester_vpc_id": w.vpc3, "accepter_vpc_id": cvpc, "peer_owner_id": c.account_id}),
        )
        .await["vpc_peering_connection_id"]);
    let pcx_path = format!("/v1/vpc-peering-connections/{pcx}");
    let seen = s_.get(&pcx_path, &c.token).await;
    assert_eq!(seen.status, StatusCode::OK, "{}", seen.text);
    assert_eq!(
        seen.body["requester_vpc_info"]["owner_id"],
        a.account_id.as_str()
    );
    assert_eq!(seen.body["requester_vpc_info"]["vpc_id"], w.vpc3.as_str());
    assert_eq!(seen.body["status"]["code"], "pending_acceptance");
    let mut leaked = tokens.leaked("", &seen.text);
    leaked.retain(|t| *t != w.vpc3 && *t != w.a_account);
    assert!(leaked.is_empty(), "C sees A's {leaked:?}");
    assert!(
        s_.get("/v1/vpc-peering-connections", &c.token)
            .await
            .text
            .contains(&pcx)
    );
    s_.get(&format!("/v1/vpcs/{}", w.vpc3), &c.token)
        .await
        .assert_problem(404, "InvalidVpcID.NotFound");
    s_.get(&format!("/v1/vpcs/{cvpc}"), &a.token)
        .await
        .assert_problem(404, "InvalidVpcID.NotFound");
    let pnf = "InvalidVpcPeeringConnectionID.NotFound";
    for who in [&b, &bob] {
        s_.get(&pcx_path, &who.token).await.assert_problem(404, pnf);
        s_.delete(&pcx_path, &who.token)
            .await
            .assert_problem(404, pnf);
        for action in ["accept", "reject"] {
            s_.post(&format!("{pcx_path}/{action}"), &who.token, json!({}))
                .await
                .assert_problem(404, pnf);
        }
        let list = s_.get("/v1/vpc-peering-connections", &who.token).await;
        assert!(!list.text.contains(&pcx), "{}", list.text);
    }
    s_.post(&format!("{pcx_path}/accept"), &a.token, json!({}))
        .await
        .assert_problem(403, "OperationNotPermitted");
    s_.post_ok(&format!("{pcx_path}/accept"), &c.token, json!({}))
        .await;
    assert_eq!(
        s_.get(&pcx_path, &a.token).await.body["status"]["code"],
        "active"
    );
    // Resolution across it, from C: A's side shows kind and zone only.
    let target = s(&s_
        .create(
            "/v1/network-interfaces",
            &a.token,
            json!({"subnet_id": w.subnet_v3}),
        )
        .await["private_ip"]);
    let c_rtb = s(&s_.get(&format!("/v1/vpcs/{cvpc}"), &c.token).await.body["main_route_table_id"]);
    s_.create(
        &format!("/v1/route-tables/{c_rtb}/routes"),
        &c.token,
        json!({"destination_cidr_block": "10.2.0.0/16", "vpc_peering_connection_id": pcx}),
    )
    .await;
    let c_client = s(&s_
        .create(
            "/v1/network-interfaces",
            &c.token,
            json!({"subnet_id": csub}),
        )
        .await["network_interface_id"]);
    let tokens = Tokens::of(&w, &view(&s_, &w).await);
    let r = resolve(
        &c,
        &json!({"source": {"network_interface_id": c_client}, "destination": {"ip": target}, "port": 443}),
    )
    .await;
    assert!(r.text.contains("\"hidden\""), "{}", r.text);
    let mut leaked = tokens.leaked(&target, &r.text);
    leaked.retain(|t| *t != pcx && *t != w.a_account);
    assert!(
        leaked.is_empty(),
        "C's resolve shows A's {leaked:?}: {}",
        r.text
    );

    // Peering B -> A: the accepter (A) sees the request and decides it.
    let req = s(&s_
        .create(
            "/v1/vpc-peering-connections",
            &b.token,
            json!({"requester_vpc_id": w.b_vpc, "accepter_vpc_id": w.vpc2, "peer_owner_id": a.account_id}),
        )
        .await["vpc_peering_connection_id"]);
    let req_path = format!("/v1/vpc-peering-connections/{req}");
    let seen = s_.get(&req_path, &a.token).await;
    assert_eq!(
        seen.body["status"]["code"], "pending_acceptance",
        "{}",
        seen.text
    );
    assert_eq!(
        seen.body["requester_vpc_info"]["owner_id"],
        b.account_id.as_str()
    );
    s_.get(&req_path, &c.token).await.assert_problem(404, pnf);
    s_.post(&format!("{req_path}/accept"), &b.token, json!({}))
        .await
        .assert_problem(403, "OperationNotPermitted");
    let rej = s_
        .post(&format!("{req_path}/reject"), &a.token, json!({}))
        .await;
    assert_eq!(rej.status, StatusCode::OK, "{}", rej.text);
    assert_eq!(
        s_.get(&req_path, &b.token).await.body["status"]["code"],
        "rejected"
    );
    s_.stop().await;
}
