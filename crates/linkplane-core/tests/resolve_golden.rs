//! Golden scenarios: one hand-written network per explanation code, and the
//! seed scenarios of the route-resolution issue.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use linkplane_core::net::{Protocol, format_ipv4};
use linkplane_core::resolve::model::{PeeringState, RouteTarget, SgPeer, VpcEndpointState};
use linkplane_core::resolve::{
    AnsweredBy, Code, Component, Destination, Query, QueryError, Source,
};

const A: &str = "111111111111";
const P: &str = "222222222222";

/// vpc-a (us-east-1, 10.0.0.0/16): a public subnet on the main table with an
/// internet gateway; app subnets in two zones on `rtb-app` with a NAT
/// gateway; eni-app (default group), eni-db (sg-db: tcp 5432 from the
/// default group).
fn two_tier() -> B {
    let mut b = B::new();
    b.vpc("vpc-a", A, "us-east-1", "10.0.0.0/16")
        .subnet("sn-pub", "vpc-a", "use1-az1", "10.0.0.0/24")
        .subnet("sn-app", "vpc-a", "use1-az1", "10.0.1.0/24")
        .subnet("sn-app2", "vpc-a", "use1-az2", "10.0.2.0/24")
        .igw("igw-a", "vpc-a")
        .route(
            "rtb-vpc-a",
            "0.0.0.0/0",
            RouteTarget::InternetGateway("igw-a".into()),
        )
        .nat("nat-a", "sn-pub", "10.0.0.5")
        .table("rtb-app", "vpc-a")
        .associate("sn-app", "rtb-app")
        .associate("sn-app2", "rtb-app")
        .route(
            "rtb-app",
            "0.0.0.0/0",
            RouteTarget::NatGateway("nat-a".into()),
        )
        .group("sg-db", "vpc-a")
        .ingress(
            "sg-db",
            rule(
                "sgr-db-in",
                Protocol::Tcp,
                5432,
                5432,
                SgPeer::Group("sg-vpc-a".into()),
            ),
        )
        .eni("eni-app", "sn-app", "10.0.1.10", &["sg-vpc-a"])
        .eni("eni-db", "sn-app2", "10.0.2.20", &["sg-db"]);
    b
}

#[test]
fn intra_vpc_traffic_is_delivered_through_the_local_route_and_a_group_reference() {
    let snap = two_tier().snapshot();
    let a = to_ip(&snap, "eni-app", "10.0.2.20", 5432);
    assert!(a.reachable, "{a:#?}");
    assert_eq!(
        path(&a),
        vec![
            (Component::NetworkInterface, "eni-app".into()),
            (Component::SecurityGroup, "sg-vpc-a".into()),
            (Component::RouteTable, "rtb-app".into()),
            (Component::NetworkInterface, "eni-db".into()),
            (Component::SecurityGroup, "sg-db".into()),
        ]
    );
    let route = a.hops[2].route.as_ref().unwrap();
    assert_eq!(
        (&*route.destination, &*route.target),
        ("10.0.0.0/16", "local")
    );
    assert_eq!(a.hops[4].rule.as_deref(), Some("sgr-db-in"));
    assert_eq!(a.hops[4].direction, Some("ingress"));
}

#[test]
fn security_group_ingress_denied_names_the_group() {
    let snap = two_tier().snapshot();
    let a = to_ip(&snap, "eni-app", "10.0.2.20", 22);
    assert!(!a.reachable);
    assert_eq!(codes(&a), vec![Code::SecurityGroupIngressDenied]);
    assert_eq!(&*a.explanations[0].component_id, "sg-db");
}

#[test]
fn security_group_egress_denied_and_every_other_reason_are_all_reported() {
    let mut b = two_tier();
    b.clear_egress("sg-vpc-a");
    let snap = b.snapshot();
    let a = to_ip(&snap, "eni-app", "10.0.2.20", 22);
    assert_eq!(
        codes(&a),
        vec![
            Code::SecurityGroupEgressDenied,
            Code::SecurityGroupIngressDenied
        ]
    );
}

#[test]
fn egress_through_nat_and_internet_gateway_reaches_the_internet() {
    let snap = two_tier().snapshot();
    let a = to_ip(&snap, "eni-app", "8.8.8.8", 443);
    assert!(a.reachable, "{a:#?}");
    let p = path(&a);
    assert!(p.contains(&(Component::NatGateway, "nat-a".into())));
    assert!(p.contains(&(Component::RouteTable, "rtb-vpc-a".into())));
    assert!(p.contains(&(Component::InternetGateway, "igw-a".into())));
    assert_eq!(p.last().unwrap().0, Component::Internet);
    let nat = a
        .hops
        .iter()
        .find(|h| h.component == Component::NatGateway)
        .unwrap();
    assert_eq!(nat.address.map(format_ipv4).as_deref(), Some("10.0.0.5"));
}

#[test]
fn no_route_to_destination() {
    let mut b = B::new();
    b.vpc("vpc-a", A, "us-east-1", "10.0.0.0/16")
        .subnet("sn", "vpc-a", "use1-az1", "10.0.1.0/24")
        .eni("eni-app", "sn", "10.0.1.10", &["sg-vpc-a"]);
    let a = to_ip(&b.snapshot(), "eni-app", "8.8.8.8", 443);
    assert!(!a.reachable);
    assert_eq!(codes(&a), vec![Code::NoRouteToDestination]);
    assert_eq!(&*a.explanations[0].component_id, "rtb-vpc-a");
}

#[test]
fn blackhole_route_when_the_target_is_gone() {
    let mut b = two_tier();
    b.route(
        "rtb-app",
        "172.16.0.0/12",
        RouteTarget::NatGateway("nat-deleted".into()),
    );
    let a = to_ip(&b.snapshot(), "eni-app", "172.16.3.4", 443);
    assert_eq!(codes(&a), vec![Code::BlackholeRoute]);
    // A detached internet gateway is a blackhole too.
    let mut b = two_tier();
    b.net.internet_gateways[0].vpc_id = None;
    let a = to_ip(&b.snapshot(), "eni-app", "8.8.8.8", 443);
    assert_eq!(codes(&a), vec![Code::BlackholeRoute]);
}

#[test]
fn unknown_destination_inside_the_vpc() {
    let a = to_ip(&two_tier().snapshot(), "eni-app", "10.0.2.99", 443);
    assert_eq!(codes(&a), vec![Code::UnknownDestination]);
}

#[test]
fn dns_name_not_found_and_dns_support_off() {
    let mut b = two_tier();
    let a = to_host(&b.snapshot(), "eni-app", "nothing.example.com", 443);
    assert_eq!(codes(&a), vec![Code::DnsNameNotFound]);
    assert_eq!(a.dns.as_ref().unwrap().answered_by, AnsweredBy::None);
    b.vpc_mut("vpc-a").dns_support = false;
    let a = to_host(&b.snapshot(), "eni-app", "s3.us-east-1.amazonaws.com", 443);
    assert_eq!(codes(&a), vec![Code::DnsNameNotFound]);
    assert!(a.explanations[0].message.contains("enableDnsSupport"));
}

/// Seed: a private subnet reaches S3 through a gateway endpoint.
#[test]
fn s3_gateway_endpoint_for_a_private_subnet() {
    let mut b = two_tier();
    b.gateway_endpoint("vpce-s3", "vpc-a", "s3", &["rtb-app"], None);
    let snap = b.snapshot();
    let a = to_host(
        &snap,
        "eni-app",
        "my-bucket.s3.us-east-1.amazonaws.com",
        443,
    );
    assert!(a.reachable, "{a:#?}");
    let dns = a.dns.as_ref().unwrap();
    assert_eq!(dns.answered_by, AnsweredBy::Public);
    assert_eq!(dns.record.as_deref(), Some("*.s3.us-east-1.amazonaws.com"));
    let pl = s3_pl("us-east-1");
    let rt = a
        .hops
        .iter()
        .find(|h| h.component == Component::RouteTable)
        .unwrap();
    let route = rt.route.as_ref().unwrap();
    assert_eq!(
        (&*route.destination, &*route.target),
        (pl.as_str(), "vpce-s3")
    );
    assert!(route.matched_cidr.is_some());
    assert_eq!(
        path(&a)[3..],
        [
            (Component::VpcEndpoint, "vpce-s3".to_string()),
            (
                Component::AwsService,
                "com.amazonaws.us-east-1.s3".to_string()
            )
        ]
    );
    // Not through the NAT gateway.
    assert!(!has_hop(&a, Component::NatGateway, "nat-a"));
}

/// Seed: a more specific route to the internet gateway inside the S3 range
/// wins over the prefix-list route.
#[test]
fn a_more_specific_internet_route_inside_the_s3_range_wins() {
    let mut b = two_tier();
    b.gateway_endpoint("vpce-s3", "vpc-a", "s3", &["rtb-app"], None);
    b.igw("igw-x", "vpc-a").route(
        "rtb-app",
        "54.231.0.0/24",
        RouteTarget::InternetGateway("igw-a".into()),
    );
    let snap = b.snapshot();
    let a = to_ip(&snap, "eni-app", "54.231.0.10", 443);
    assert!(a.reachable, "{a:#?}");
    assert!(has_hop(&a, Component::InternetGateway, "igw-a"));
    assert!(!has_hop(&a, Component::VpcEndpoint, "vpce-s3"));
    assert!(has_hop(
        &a,
        Component::AwsService,
        "com.amazonaws.us-east-1.s3"
    ));
    // Elsewhere in the range the endpoint still carries it.
    let a = to_ip(&snap, "eni-app", "54.231.1.10", 443);
    assert!(has_hop(&a, Component::VpcEndpoint, "vpce-s3"));
}

/// Seed: S3 of another Region goes through the internet gateway (via NAT).
#[test]
fn s3_of_another_region_goes_via_the_internet_gateway() {
    let mut b = two_tier();
    b.gateway_endpoint("vpce-s3", "vpc-a", "s3", &["rtb-app"], None);
    let a = to_host(
        &b.snapshot(),
        "eni-app",
        "my-bucket.s3.eu-west-2.amazonaws.com",
        443,
    );
    assert!(a.reachable, "{a:#?}");
    assert!(!has_hop(&a, Component::VpcEndpoint, "vpce-s3"));
    assert!(has_hop(&a, Component::InternetGateway, "igw-a"));
    assert!(has_hop(
        &a,
        Component::AwsService,
        "com.amazonaws.eu-west-2.s3"
    ));
}

/// eu-west-1 (vpc-a) peered with eu-west-2 (vpc-b); vpc-b holds a DynamoDB
/// interface endpoint and a DynamoDB gateway endpoint.
fn inter_region() -> B {
    let mut b = B::new();
    b.vpc("vpc-a", A, "eu-west-1", "10.1.0.0/16")
        .subnet("sn-a", "vpc-a", "euw1-az1", "10.1.1.0/24")
        .eni("eni-ec2", "sn-a", "10.1.1.10", &["sg-vpc-a"])
        .vpc("vpc-b", A, "eu-west-2", "10.2.0.0/16")
        .subnet("sn-b1", "vpc-b", "euw2-az1", "10.2.1.0/24")
        .subnet("sn-b2", "vpc-b", "euw2-az2", "10.2.2.0/24")
        .group("sg-ddb", "vpc-b")
        .ingress(
            "sg-ddb",
            rule(
                "sgr-ddb-443",
                Protocol::Tcp,
                443,
                443,
                SgPeer::Cidr(c("10.1.0.0/16")),
            ),
        )
        .peering("pcx-ab", "vpc-a", "vpc-b", PeeringState::Active)
        .route(
            "rtb-vpc-a",
            "10.2.0.0/16",
            RouteTarget::Peering("pcx-ab".into()),
        )
        .route(
            "rtb-vpc-b",
            "10.1.0.0/16",
            RouteTarget::Peering("pcx-ab".into()),
        )
        .interface_endpoint(
            "vpce-ddb",
            "vpc-b",
            "com.amazonaws.eu-west-2.dynamodb",
            None,
            "eu-west-2",
            &[
                ("sn-b1", "euw2-az1", "10.2.1.50"),
                ("sn-b2", "euw2-az2", "10.2.2.50"),
            ],
            &["sg-ddb"],
            &[],
        );
    b
}

/// Seed: an instance in eu-west-1 reaches a DynamoDB interface endpoint in
/// eu-west-2 over inter-Region peering.
#[test]
fn dynamodb_interface_endpoint_over_inter_region_peering() {
    let snap = inter_region().snapshot();
    let a = to_host(
        &snap,
        "eni-ec2",
        "vpce-ddb-tok.dynamodb.eu-west-2.vpce.amazonaws.com",
        443,
    );
    assert!(a.reachable, "{a:#?}");
    let dns = a.dns.as_ref().unwrap();
    assert_eq!(dns.answered_by, AnsweredBy::EndpointRegional);
    assert_eq!(dns.answers.len(), 2);
    assert_eq!(
        path(&a),
        vec![
            (Component::NetworkInterface, "eni-ec2".into()),
            (Component::SecurityGroup, "sg-vpc-a".into()),
            (Component::RouteTable, "rtb-vpc-a".into()),
            (Component::VpcPeeringConnection, "pcx-ab".into()),
            (Component::NetworkInterface, "eni-vpce-ddb-0".into()),
            (Component::SecurityGroup, "sg-ddb".into()),
            (Component::VpcEndpoint, "vpce-ddb".into()),
            (
                Component::AwsService,
                "com.amazonaws.eu-west-2.dynamodb".into()
            ),
        ]
    );
    // The zonal name answers only its zone's address.
    let a = to_host(
        &snap,
        "eni-ec2",
        "vpce-ddb-tok-euw2-az2.dynamodb.eu-west-2.vpce.amazonaws.com",
        443,
    );
    let dns = a.dns.as_ref().unwrap();
    assert_eq!(dns.answered_by, AnsweredBy::EndpointZonal);
    assert_eq!(
        dns.answers
            .iter()
            .map(|&i| format_ipv4(i))
            .collect::<Vec<_>>(),
        vec!["10.2.2.50"]
    );
    assert!(a.reachable);
}

/// Seed: the same through a gateway endpoint is blocked.
#[test]
fn dynamodb_gateway_endpoint_over_peering_is_not_transitive() {
    let mut b = inter_region();
    b.gateway_endpoint("vpce-ddb-gw", "vpc-b", "dynamodb", &["rtb-vpc-b"], None);
    b.route(
        "rtb-vpc-a",
        "0.0.0.0/0",
        RouteTarget::Peering("pcx-ab".into()),
    );
    let a = to_host(
        &b.snapshot(),
        "eni-ec2",
        "dynamodb.eu-west-2.amazonaws.com",
        443,
    );
    assert!(!a.reachable);
    assert_eq!(codes(&a), vec![Code::GatewayEndpointNotTransitive]);
    assert_eq!(&*a.explanations[0].component_id, "vpce-ddb-gw");
}

#[test]
fn gateway_endpoint_through_a_transit_gateway_is_not_transitive() {
    use linkplane_core::resolve::model::{TgwAttachment, TransitGateway};
    let mut b = B::new();
    b.vpc("vpc-spoke", A, "us-east-1", "10.1.0.0/16")
        .subnet("sn-s", "vpc-spoke", "use1-az1", "10.1.1.0/24")
        .eni("eni-s", "sn-s", "10.1.1.10", &["sg-vpc-spoke"])
        .vpc("vpc-hub", A, "us-east-1", "10.9.0.0/16")
        .subnet("sn-h", "vpc-hub", "use1-az1", "10.9.1.0/24")
        .route(
            "rtb-vpc-spoke",
            "0.0.0.0/0",
            RouteTarget::TransitGateway("tgw-1".into()),
        )
        .gateway_endpoint("vpce-hub-s3", "vpc-hub", "s3", &["rtb-vpc-hub"], None);
    b.net.transit_gateways.push(TransitGateway {
        id: "tgw-1".into(),
        available: true,
        attachments: vec![
            TgwAttachment {
                id: "tgw-attach-s".into(),
                vpc_id: "vpc-spoke".into(),
                subnet_ids: vec!["sn-s".into()],
                available: true,
            },
            TgwAttachment {
                id: "tgw-attach-h".into(),
                vpc_id: "vpc-hub".into(),
                subnet_ids: vec!["sn-h".into()],
                available: true,
            },
        ],
        routes: vec![linkplane_core::resolve::model::TgwRoute {
            cidr: c("0.0.0.0/0"),
            attachment_id: Some("tgw-attach-h".into()),
            blackhole: false,
        }],
    });
    let snap = b.snapshot();
    let a = to_host(&snap, "eni-s", "bucket.s3.us-east-1.amazonaws.com", 443);
    assert!(has_hop(&a, Component::TransitGateway, "tgw-1"));
    assert_eq!(
        codes(&a),
        vec![Code::GatewayEndpointNotTransitive],
        "{a:#?}"
    );
    // A propagated route carries traffic to the hub's own addresses.
    b.eni("eni-h", "sn-h", "10.9.1.20", &["sg-vpc-hub"]);
    b.ingress(
        "sg-vpc-hub",
        rule(
            "sgr-any",
            Protocol::All,
            -1,
            -1,
            SgPeer::Cidr(c("10.0.0.0/8")),
        ),
    );
    let a = to_ip(&b.snapshot(), "eni-s", "10.9.1.20", 443);
    assert!(a.reachable, "{a:#?}");
    let tgw = a
        .hops
        .iter()
        .find(|h| h.component == Component::TransitGateway)
        .unwrap();
    assert_eq!(&*tgw.route.as_ref().unwrap().destination, "10.9.0.0/16");
    // A source in a zone where the spoke's attachment has no subnet cannot
    // reach the transit gateway at all.
    b.subnet("sn-s2", "vpc-spoke", "use1-az2", "10.1.2.0/24")
        .eni("eni-s2", "sn-s2", "10.1.2.10", &["sg-vpc-spoke"]);
    let a = to_ip(&b.snapshot(), "eni-s2", "10.9.1.20", 443);
    assert_eq!(
        codes(&a),
        vec![Code::TransitGatewayAttachmentNotInZone],
        "{a:#?}"
    );
    assert_eq!(&*a.explanations[0].component_id, "tgw-attach-s");
    assert!(!has_hop(&a, Component::TransitGateway, "tgw-1"));
}

#[test]
fn peering_not_active_is_reported_and_the_walk_goes_on() {
    let mut b = inter_region();
    b.net.peerings[0].status = PeeringState::PendingAcceptance;
    let a = to_ip(&b.snapshot(), "eni-ec2", "10.2.1.50", 443);
    assert_eq!(codes(&a), vec![Code::PeeringNotActive]);
    // The rest of the path is still traced.
    assert!(has_hop(
        &a,
        Component::AwsService,
        "com.amazonaws.eu-west-2.dynamodb"
    ));
}

#[test]
fn peering_carries_only_the_peer_cidr() {
    let mut b = inter_region();
    b.route(
        "rtb-vpc-a",
        "0.0.0.0/0",
        RouteTarget::Peering("pcx-ab".into()),
    );
    let a = to_ip(&b.snapshot(), "eni-ec2", "8.8.8.8", 443);
    assert_eq!(codes(&a), vec![Code::PeeringDestinationNotInPeerVpc]);
}

#[test]
fn interface_endpoints_carry_tcp_only() {
    let snap = inter_region().snapshot();
    let a = snap
        .resolve(&Query {
            source: Source::Interface("eni-ec2"),
            destination: Destination::Ip(ip("10.2.1.50")),
            port: 443,
            protocol: Protocol::Udp,
            request: None,
        })
        .unwrap();
    assert!(codes(&a).contains(&Code::ProtocolNotSupported), "{a:#?}");
}

/// vpc-p (provider, us-east-1): an NLB in az1 and az2 with targets; vpc-c
/// (consumer) connects with an interface endpoint in az1 and az2, private
/// DNS `api.example.com`.
fn privatelink(cross_zone: bool, targets: &[(&str, &str, &str, bool)]) -> B {
    let mut b = B::new();
    b.vpc("vpc-p", P, "us-east-1", "10.50.0.0/16")
        .subnet("sn-p1", "vpc-p", "use1-az1", "10.50.1.0/24")
        .subnet("sn-p2", "vpc-p", "use1-az2", "10.50.2.0/24")
        .subnet("sn-p3", "vpc-p", "use1-az3", "10.50.3.0/24")
        .service(
            "vpce-svc-1",
            "arn:lb/net/api",
            "vpc-p",
            &[
                ("sn-p1", "use1-az1", "10.50.1.100"),
                ("sn-p2", "use1-az2", "10.50.2.100"),
            ],
            targets,
            cross_zone,
            &[],
        )
        .vpc("vpc-c", A, "us-east-1", "10.0.0.0/16")
        .subnet("sn-c1", "vpc-c", "use1-az1", "10.0.1.0/24")
        .subnet("sn-c2", "vpc-c", "use1-az2", "10.0.2.0/24")
        .eni("eni-c", "sn-c1", "10.0.1.10", &["sg-vpc-c"])
        .interface_endpoint(
            "vpce-api",
            "vpc-c",
            "com.amazonaws.vpce.us-east-1.vpce-svc-1",
            Some("vpce-svc-1"),
            "us-east-1",
            &[
                ("sn-c1", "use1-az1", "10.0.1.50"),
                ("sn-c2", "use1-az2", "10.0.2.50"),
            ],
            &["sg-vpc-c"],
            &["api.example.com"],
        );
    b
}

const T_AZ1: (&str, &str, &str, bool) = ("10.50.1.20", "10.50.1.20", "use1-az1", true);
const T_AZ2: (&str, &str, &str, bool) = ("10.50.2.20", "10.50.2.20", "use1-az2", true);

#[test]
fn customer_service_by_private_dns_reaches_a_target_in_the_same_zone() {
    let snap = privatelink(false, &[T_AZ1, T_AZ2]).snapshot();
    let a = to_host(&snap, "eni-c", "api.example.com", 443);
    assert!(a.reachable, "{a:#?}");
    let dns = a.dns.as_ref().unwrap();
    assert_eq!(dns.answered_by, AnsweredBy::PrivateDns);
    assert_eq!(
        dns.cname.as_deref(),
        Some("vpce-api-tok.vpce-svc-1.us-east-1.vpce.amazonaws.com")
    );
    // The client prefers its own zone's address.
    assert!(has_hop(&a, Component::NetworkInterface, "eni-vpce-api-0"));
    assert!(has_hop(&a, Component::VpcEndpointService, "vpce-svc-1"));
    let lb = a
        .hops
        .iter()
        .find(|h| h.component == Component::LoadBalancer)
        .unwrap();
    assert_eq!(lb.zone_id.as_deref(), Some("use1-az1"));
    let t = a.hops.last().unwrap();
    assert_eq!((t.component, &*t.id), (Component::Target, "10.50.1.20"));
    // Up to the endpoint service the path is the consumer's network; the
    // load balancer and target are the provider's.
    let owners: Vec<(Component, Option<&str>)> = a
        .hops
        .iter()
        .map(|h| (h.component, h.owner.as_deref()))
        .collect();
    let service = owners
        .iter()
        .position(|(c, _)| *c == Component::VpcEndpointService)
        .unwrap();
    assert!(
        owners[..=service].iter().all(|(_, o)| *o == Some(A)),
        "{owners:?}"
    );
    assert!(
        owners[service + 1..].iter().all(|(_, o)| *o == Some(P)),
        "{owners:?}"
    );
}

#[test]
fn a_target_s_security_group_sees_the_target_port_from_the_load_balancer() {
    // Listener traffic on 443 goes to targets on 8443: the target's groups
    // judge tcp 8443 from the load balancer node, not the client's 443.
    let mut b = privatelink(false, &[T_AZ1]);
    b.net.target_groups[0].targets[0].port = 8443;
    b.group("sg-t", "vpc-p")
        .ingress(
            "sg-t",
            rule(
                "sgr-t-8443",
                Protocol::Tcp,
                8443,
                8443,
                SgPeer::Cidr(c("10.50.0.0/16")),
            ),
        )
        .eni("eni-t1", "sn-p1", "10.50.1.20", &["sg-t"]);
    let a = to_ip(&b.snapshot(), "eni-c", "10.0.1.50", 443);
    assert!(a.reachable, "{a:#?}");
    let last = a.hops.last().unwrap();
    assert_eq!(
        (last.component, last.rule.as_deref()),
        (Component::SecurityGroup, Some("sgr-t-8443"))
    );
    // A rule for the listener's port only does not admit it.
    let g = b
        .net
        .security_groups
        .iter_mut()
        .find(|g| g.id == "sg-t")
        .unwrap();
    g.ingress[0].from_port = 443;
    g.ingress[0].to_port = 443;
    let a = to_ip(&b.snapshot(), "eni-c", "10.0.1.50", 443);
    assert_eq!(codes(&a), vec![Code::SecurityGroupIngressDenied], "{a:#?}");
    assert!(
        a.explanations[0].message.contains("tcp port 8443"),
        "{a:#?}"
    );
}

#[test]
fn no_target_in_zone_with_cross_zone_off_and_a_target_elsewhere_with_it_on() {
    let snap = privatelink(false, &[T_AZ2]).snapshot();
    let a = to_ip(&snap, "eni-c", "10.0.1.50", 443);
    assert_eq!(codes(&a), vec![Code::NoTargetInZone]);
    let snap = privatelink(true, &[T_AZ2]).snapshot();
    let a = to_ip(&snap, "eni-c", "10.0.1.50", 443);
    assert!(a.reachable, "{a:#?}");
    assert_eq!(a.hops.last().unwrap().zone_id.as_deref(), Some("use1-az2"));
}

#[test]
fn no_healthy_target_in_zone() {
    let unhealthy = ("10.50.1.20", "10.50.1.20", "use1-az1", false);
    let snap = privatelink(false, &[unhealthy, T_AZ2]).snapshot();
    let a = to_ip(&snap, "eni-c", "10.0.1.50", 443);
    assert_eq!(codes(&a), vec![Code::NoHealthyTargetInZone]);
}

#[test]
fn service_not_available_in_zone_by_zone_id() {
    let mut b = privatelink(false, &[T_AZ1, T_AZ2]);
    // A third endpoint interface in az3, where the load balancer has no node.
    b.subnet("sn-c3", "vpc-c", "use1-az3", "10.0.3.0/24");
    b.eni_owned(
        "eni-vpce-api-2",
        "sn-c3",
        "10.0.3.50",
        &["sg-vpc-c"],
        linkplane_core::resolve::model::InterfaceOwner::Endpoint("vpce-api".into()),
    );
    b.endpoint_mut("vpce-api")
        .interfaces
        .push(("sn-c3".into(), "eni-vpce-api-2".into()));
    let a = to_ip(&b.snapshot(), "eni-c", "10.0.3.50", 443);
    assert_eq!(codes(&a), vec![Code::ServiceNotAvailableInZone]);
}

#[test]
fn endpoint_not_available_while_pending_acceptance() {
    let mut b = privatelink(false, &[T_AZ1]);
    b.endpoint_mut("vpce-api").state = VpcEndpointState::PendingAcceptance;
    let a = to_host(&b.snapshot(), "eni-c", "api.example.com", 443);
    assert_eq!(codes(&a), vec![Code::EndpointNotAvailable]);
    // Rejected: the records are gone too.
    b.endpoint_mut("vpce-api").state = VpcEndpointState::Rejected;
    let a = to_host(&b.snapshot(), "eni-c", "api.example.com", 443);
    assert_eq!(codes(&a), vec![Code::DnsNameNotFound]);
}

#[test]
fn cross_region_not_supported_when_the_service_drops_the_region() {
    let mut b = privatelink(false, &[T_AZ1, T_AZ2]);
    // Move the consumer to us-west-2: the service does not list it.
    b.vpc_mut("vpc-c").region = "us-west-2".into();
    b.endpoint_mut("vpce-api").region = "us-west-2".into();
    let a = to_ip(&b.snapshot(), "eni-c", "10.0.1.50", 443);
    assert_eq!(codes(&a), vec![Code::CrossRegionNotSupported], "{a:#?}");
    b.net.services[0].supported_regions.push("us-west-2".into());
    let a = to_ip(&b.snapshot(), "eni-c", "10.0.1.50", 443);
    assert!(a.reachable, "{a:#?}");
}

#[test]
fn endpoint_policy_denies_with_the_statement_named() {
    let mut b = two_tier();
    b.gateway_endpoint(
        "vpce-s3",
        "vpc-a",
        "s3",
        &["rtb-app"],
        Some(r#"{"Statement":[{"Sid":"ReadOnly","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::logs/*"},{"Sid":"NoDelete","Effect":"Deny","Principal":"*","Action":"s3:DeleteObject","Resource":"*"}]}"#),
    );
    let snap = b.snapshot();
    let host = "logs.s3.us-east-1.amazonaws.com";
    let role = "arn:aws:iam::111111111111:role/app";
    let a = with_request(
        &snap,
        "eni-app",
        host,
        role,
        "s3:GetObject",
        "arn:aws:s3:::logs/a",
    );
    assert!(a.reachable, "{a:#?}");
    let ep = a
        .hops
        .iter()
        .find(|h| h.component == Component::VpcEndpoint)
        .unwrap();
    assert_eq!(ep.rule.as_deref(), Some("ReadOnly"));
    let a = with_request(
        &snap,
        "eni-app",
        host,
        role,
        "s3:DeleteObject",
        "arn:aws:s3:::logs/a",
    );
    assert_eq!(codes(&a), vec![Code::EndpointPolicyDenied]);
    assert!(a.explanations[0].message.contains("NoDelete"));
    let a = with_request(
        &snap,
        "eni-app",
        host,
        role,
        "s3:PutObject",
        "arn:aws:s3:::logs/a",
    );
    assert_eq!(codes(&a), vec![Code::EndpointPolicyDenied]);
    assert!(a.explanations[0].message.contains("no statement"));
    // The policy has no condition on aws:SourceIp: no word about it.
    assert!(!a.explanations[0].message.contains("SourceIp"));
}

#[test]
fn a_policy_on_aws_source_ip_is_explained_as_unmatchable_through_an_endpoint() {
    // AWS does not put aws:SourceIp in the context of traffic through a VPC
    // endpoint: a condition on it cannot match, and the explanation says so
    // (only when the policy tests that key).
    let mut b = two_tier();
    b.gateway_endpoint(
        "vpce-s3",
        "vpc-a",
        "s3",
        &["rtb-app"],
        Some(r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}]}"#),
    );
    let a = with_request(
        &b.snapshot(),
        "eni-app",
        "logs.s3.us-east-1.amazonaws.com",
        "arn:aws:iam::111111111111:role/app",
        "s3:GetObject",
        "arn:aws:s3:::logs/a",
    );
    assert_eq!(codes(&a), vec![Code::EndpointPolicyDenied], "{a:#?}");
    assert!(
        a.explanations[0].message.contains("use aws:VpcSourceIp"),
        "{a:#?}"
    );
}

#[test]
fn customer_services_ignore_endpoint_policies() {
    let mut b = privatelink(false, &[T_AZ1]);
    b.endpoint_mut("vpce-api").policy = Some(
        r#"{"Statement":[{"Effect":"Deny","Principal":"*","Action":"*","Resource":"*"}]}"#.into(),
    );
    let a = with_request(
        &b.snapshot(),
        "eni-c",
        "api.example.com",
        "arn:aws:iam::111111111111:root",
        "x:Y",
        "*",
    );
    assert!(a.reachable, "{a:#?}");
}

#[test]
fn private_dns_needs_dns_hostnames_and_shadows_the_public_name() {
    let mut b = two_tier();
    b.interface_endpoint(
        "vpce-sqs",
        "vpc-a",
        "com.amazonaws.us-east-1.sqs",
        None,
        "us-east-1",
        &[("sn-app", "use1-az1", "10.0.1.60")],
        &["sg-vpc-a"],
        &["sqs.us-east-1.amazonaws.com"],
    );
    let a = to_host(&b.snapshot(), "eni-app", "sqs.us-east-1.amazonaws.com", 443);
    assert!(a.reachable, "{a:#?}");
    assert_eq!(a.dns.as_ref().unwrap().answered_by, AnsweredBy::PrivateDns);
    assert!(has_hop(
        &a,
        Component::AwsService,
        "com.amazonaws.us-east-1.sqs"
    ));
    b.vpc_mut("vpc-a").dns_hostnames = false;
    let a = to_host(&b.snapshot(), "eni-app", "sqs.us-east-1.amazonaws.com", 443);
    assert_eq!(a.dns.as_ref().unwrap().answered_by, AnsweredBy::Public);
    // The public answer leaves through NAT and the internet gateway.
    assert!(has_hop(&a, Component::InternetGateway, "igw-a"), "{a:#?}");
    assert!(has_hop(
        &a,
        Component::AwsService,
        "com.amazonaws.us-east-1.sqs"
    ));
}

#[test]
fn a_routing_loop_is_cut() {
    let mut b = two_tier();
    // Two NAT gateways sending to each other.
    b.nat("nat-b", "sn-app", "10.0.1.5");
    b.route(
        "rtb-vpc-a",
        "192.0.2.0/24",
        RouteTarget::NatGateway("nat-b".into()),
    );
    b.route(
        "rtb-app",
        "192.0.2.0/24",
        RouteTarget::NatGateway("nat-a".into()),
    );
    let a = to_ip(&b.snapshot(), "eni-app", "192.0.2.1", 443);
    assert_eq!(codes(&a), vec![Code::MaxHopsExceeded]);
}

#[test]
fn ipv6_destinations_are_explained() {
    let snap = two_tier().snapshot();
    let a = snap
        .resolve_ipv6(&Source::Interface("eni-app"), "2001:db8::1")
        .unwrap();
    assert_eq!(codes(&a), vec![Code::Ipv6NotSupported]);
}

#[test]
fn unknown_sources_and_addresses_outside_the_subnet_are_errors() {
    let snap = two_tier().snapshot();
    let q = |source| Query {
        source,
        destination: Destination::Ip(ip("10.0.2.20")),
        port: 1,
        protocol: Protocol::Tcp,
        request: None,
    };
    assert_eq!(
        snap.resolve(&q(Source::Interface("eni-nope"))).unwrap_err(),
        QueryError::UnknownInterface("eni-nope".into())
    );
    assert!(matches!(
        snap.resolve(&q(Source::SubnetIp {
            subnet_id: "sn-app",
            ip: ip("10.0.9.9")
        })),
        Err(QueryError::AddressNotInSubnet { .. })
    ));
    // An address with no interface: no security groups apply.
    let a = snap
        .resolve(&q(Source::SubnetIp {
            subnet_id: "sn-app",
            ip: ip("10.0.1.99"),
        }))
        .unwrap();
    assert_eq!(a.hops[0].component, Component::Subnet);
    assert_eq!(codes(&a), vec![Code::SecurityGroupIngressDenied]);
}
