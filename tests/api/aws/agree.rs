//! The two fronts agree: the same operation made once over REST and once
//! over the AWS front gives the same resource, as REST reads it back (ids,
//! names and times masked, every other field compared).

use super::{Signed, ok, tag};
use crate::on_both_databases;
use crate::support::{Actor, Db, TestServer, s};
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn call(srv: &TestServer, who: &Signed, params: &[(&str, &str)]) -> String {
    let (st, xml) = who.post(srv, params).await;
    assert_eq!(st, StatusCode::OK, "{params:?}: {xml}");
    xml
}

/// `v` as text with each of `names` (longest first) replaced by its
/// token, and every time stamp and version blanked.
fn masked(v: &Value, names: &[(&str, &str)]) -> Value {
    let mut names = names.to_vec();
    names.sort_by_key(|(n, _)| std::cmp::Reverse(n.len()));
    let mut text = v.to_string();
    for (name, token) in names {
        if !name.is_empty() {
            text = text.replace(name, token);
        }
    }
    let mut v: Value = serde_json::from_str(&text).expect("json");
    blank_times(&mut v);
    v
}

fn blank_times(v: &mut Value) {
    match v {
        Value::Object(m) => {
            for (k, x) in m.iter_mut() {
                if k.ends_with("timestamp") || k.ends_with("_time") || k == "version" {
                    *x = Value::Null;
                } else {
                    blank_times(x);
                }
            }
        }
        Value::Array(a) => a.iter_mut().for_each(blank_times),
        _ => {}
    }
}

/// REST's view of `path` for each front's resource, masked alike.
async fn same(
    srv: &TestServer,
    who: &Actor,
    what: &str,
    rest_path: &str,
    aws_path: &str,
    names: &[(&str, &str, &str)],
) {
    let r = srv.get(rest_path, &who.token).await;
    let a = srv.get(aws_path, &who.token).await;
    assert_eq!(
        (r.status, a.status),
        (StatusCode::OK, StatusCode::OK),
        "{what}"
    );
    let rest_names: Vec<(&str, &str)> = names.iter().map(|(r, _, t)| (*r, *t)).collect();
    let aws_names: Vec<(&str, &str)> = names.iter().map(|(_, a, t)| (*a, *t)).collect();
    let (r, a) = (masked(&r.body, &rest_names), masked(&a.body, &aws_names));
    assert_eq!(r, a, "{what}: REST made\n{r:#}\nthe AWS front made\n{a:#}");
}

async fn the_same_operation_through_both_fronts_gives_the_same_resource(db: Db) {
    let srv = TestServer::start(db).await;
    let who = srv.account("agree").await;
    let aws = Signed::new(&who, "ec2");
    let elb = Signed::new(&who, "elasticloadbalancing");
    let zone_id = srv.zone_ids(&who, 1).await.remove(0);

    // A VPC with a tag.
    let r_vpc = srv
        .create(
            "/v1/vpcs",
            &who.token,
            json!({"cidr_block": "10.1.0.0/16", "tags": {"team": "blue"}}),
        )
        .await;
    let xml = ok(
        &srv,
        &aws,
        "CreateVpc",
        &[
            ("CidrBlock", "10.1.0.0/16"),
            ("TagSpecification.1.ResourceType", "vpc"),
            ("TagSpecification.1.Tag.1.Key", "team"),
            ("TagSpecification.1.Tag.1.Value", "blue"),
        ],
    )
    .await;
    let (rv, av) = (s(&r_vpc["vpc_id"]), tag(&xml, "vpcId").unwrap().to_string());
    let a_vpc = srv.get(&format!("/v1/vpcs/{av}"), &who.token).await.body;
    let mut names = vec![
        (rv.clone(), av.clone(), "<vpc>"),
        (
            s(&r_vpc["main_route_table_id"]),
            s(&a_vpc["main_route_table_id"]),
            "<main-rtb>",
        ),
        (
            s(&r_vpc["default_security_group_id"]),
            s(&a_vpc["default_security_group_id"]),
            "<default-sg>",
        ),
    ];
    same_owned(
        &srv,
        &who,
        "vpc",
        &format!("/v1/vpcs/{rv}"),
        &format!("/v1/vpcs/{av}"),
        &names,
    )
    .await;

    // A subnet in each, same block and zone.
    let r_sub = srv.subnet(&who, &rv, "10.1.1.0/24", &zone_id).await;
    let xml = ok(
        &srv,
        &aws,
        "CreateSubnet",
        &[
            ("VpcId", &av),
            ("CidrBlock", "10.1.1.0/24"),
            ("AvailabilityZoneId", &zone_id),
        ],
    )
    .await;
    let (rs, as_) = (
        s(&r_sub["subnet_id"]),
        tag(&xml, "subnetId").unwrap().to_string(),
    );
    names.push((rs.clone(), as_.clone(), "<subnet>"));
    same_owned(
        &srv,
        &who,
        "subnet",
        &format!("/v1/subnets/{rs}"),
        &format!("/v1/subnets/{as_}"),
        &names,
    )
    .await;

    // A security group with one ingress rule.
    let r_sg = srv
        .create(
            "/v1/security-groups",
            &who.token,
            json!({"vpc_id": rv, "group_name": "web", "description": "web tier",
                   "ingress": [{"protocol": "tcp", "from_port": 443, "to_port": 443, "cidr": "10.0.0.0/8"}]}),
        )
        .await;
    let xml = ok(
        &srv,
        &aws,
        "CreateSecurityGroup",
        &[
            ("GroupName", "web"),
            ("GroupDescription", "web tier"),
            ("VpcId", &av),
        ],
    )
    .await;
    let ag = tag(&xml, "groupId").unwrap().to_string();
    ok(
        &srv,
        &aws,
        "AuthorizeSecurityGroupIngress",
        &[
            ("GroupId", &ag),
            ("IpPermissions.1.IpProtocol", "tcp"),
            ("IpPermissions.1.FromPort", "443"),
            ("IpPermissions.1.ToPort", "443"),
            ("IpPermissions.1.IpRanges.1.CidrIp", "10.0.0.0/8"),
        ],
    )
    .await;
    let rg = s(&r_sg["group_id"]);
    let a_sg = srv
        .get(&format!("/v1/security-groups/{ag}"), &who.token)
        .await
        .body;
    names.push((rg.clone(), ag.clone(), "<sg>"));
    for (dir, i) in [("ingress", 0), ("egress", 0)] {
        names.push((
            s(&r_sg[dir][i]["security_group_rule_id"]),
            s(&a_sg[dir][i]["security_group_rule_id"]),
            if dir == "ingress" {
                "<in-rule>"
            } else {
                "<out-rule>"
            },
        ));
    }
    same_owned(
        &srv,
        &who,
        "security group",
        &format!("/v1/security-groups/{rg}"),
        &format!("/v1/security-groups/{ag}"),
        &names,
    )
    .await;

    // A route table, associated with the subnet.
    let r_rtb = s(&srv
        .create("/v1/route-tables", &who.token, json!({"vpc_id": rv}))
        .await["route_table_id"]);
    let r_assoc = srv
        .post(
            &format!("/v1/route-tables/{r_rtb}/associations"),
            &who.token,
            json!({"subnet_id": rs}),
        )
        .await;
    assert!(r_assoc.status.is_success(), "{}", r_assoc.text);
    let xml = ok(&srv, &aws, "CreateRouteTable", &[("VpcId", &av)]).await;
    let a_rtb = tag(&xml, "routeTableId").unwrap().to_string();
    let xml = ok(
        &srv,
        &aws,
        "AssociateRouteTable",
        &[("RouteTableId", &a_rtb), ("SubnetId", &as_)],
    )
    .await;
    names.push((r_rtb.clone(), a_rtb.clone(), "<rtb>"));
    names.push((
        s(&r_assoc.body["association_id"]),
        tag(&xml, "associationId").unwrap().to_string(),
        "<assoc>",
    ));
    same_owned(
        &srv,
        &who,
        "route table",
        &format!("/v1/route-tables/{r_rtb}"),
        &format!("/v1/route-tables/{a_rtb}"),
        &names,
    )
    .await;

    // A network load balancer in the subnet (names are unique per
    // account: masked), then an endpoint service behind it.
    let r_lb = srv
        .create(
            "/v1/load-balancers",
            &who.token,
            json!({"name": "rest-lb", "type": "network", "subnet_ids": [rs]}),
        )
        .await;
    let xml = call(
        &srv,
        &elb,
        &[
            ("Action", "CreateLoadBalancer"),
            ("Version", "2015-12-01"),
            ("Name", "aws-lb"),
            ("Type", "network"),
            ("Subnets.member.1", &as_),
        ],
    )
    .await;
    let a_lb_arn = tag(&xml, "LoadBalancerArn").unwrap().to_string();
    let r_lb_arn = s(&r_lb["load_balancer_arn"]);
    let lb_path = |arn: &str| format!("/v1/load-balancers/{}", super::enc(arn));
    let a_lb = srv.get(&lb_path(&a_lb_arn), &who.token).await.body;
    names.push((r_lb_arn.clone(), a_lb_arn.clone(), "<lb-arn>"));
    names.push((s(&r_lb["dns_name"]), s(&a_lb["dns_name"]), "<lb-dns>"));
    names.push(("rest-lb".into(), "aws-lb".into(), "<lb-name>"));
    let eni = |lb: &Value| s(&lb["availability_zones"][0]["network_interface_id"]);
    names.push((eni(&r_lb), eni(&a_lb), "<lb-eni>"));
    same_owned(
        &srv,
        &who,
        "load balancer",
        &lb_path(&r_lb_arn),
        &lb_path(&a_lb_arn),
        &names,
    )
    .await;

    let r_svc = srv
        .create(
            "/v1/endpoint-services",
            &who.token,
            json!({"network_load_balancer_arns": [r_lb_arn], "acceptance_required": true,
                   "tags": {"team": "edge"}}),
        )
        .await;
    let xml = ok(
        &srv,
        &aws,
        "CreateVpcEndpointServiceConfiguration",
        &[
            ("NetworkLoadBalancerArn.1", &a_lb_arn),
            ("AcceptanceRequired", "true"),
            ("TagSpecification.1.ResourceType", "vpc-endpoint-service"),
            ("TagSpecification.1.Tag.1.Key", "team"),
            ("TagSpecification.1.Tag.1.Value", "edge"),
        ],
    )
    .await;
    let (r_sid, a_sid) = (
        s(&r_svc["service_id"]),
        tag(&xml, "serviceId").unwrap().to_string(),
    );
    names.push((r_sid.clone(), a_sid.clone(), "<service>"));
    same_owned(
        &srv,
        &who,
        "endpoint service",
        &format!("/v1/endpoint-services/{r_sid}"),
        &format!("/v1/endpoint-services/{a_sid}"),
        &names,
    )
    .await;

    // An interface endpoint to an AWS service in the subnet, with the group.
    let r_ep = srv
        .create(
            "/v1/vpc-endpoints",
            &who.token,
            json!({"vpc_endpoint_type": "interface", "vpc_id": rv,
                   "service_name": "com.amazonaws.us-east-1.sqs",
                   "subnet_ids": [rs], "security_group_ids": [rg]}),
        )
        .await;
    let xml = ok(
        &srv,
        &aws,
        "CreateVpcEndpoint",
        &[
            ("VpcEndpointType", "Interface"),
            ("VpcId", &av),
            ("ServiceName", "com.amazonaws.us-east-1.sqs"),
            ("SubnetId.1", &as_),
            ("SecurityGroupId.1", &ag),
        ],
    )
    .await;
    let (r_eid, a_eid) = (
        s(&r_ep["vpc_endpoint_id"]),
        tag(&xml, "vpcEndpointId").unwrap().to_string(),
    );
    let a_ep = srv
        .get(&format!("/v1/vpc-endpoints/{a_eid}"), &who.token)
        .await
        .body;
    names.push((r_eid.clone(), a_eid.clone(), "<endpoint>"));
    let ep_eni = |e: &Value| s(&e["network_interface_ids"][0]);
    names.push((ep_eni(&r_ep), ep_eni(&a_ep), "<endpoint-eni>"));
    // The DNS names' random label: `<endpoint id>-<8 characters>.<service>...`.
    let label = |e: &Value, id: &str| {
        let name = s(&e["dns_entries"][0]["dns_name"]);
        name[id.len()..]
            .split('.')
            .next()
            .unwrap_or_default()
            .to_string()
    };
    names.push((label(&r_ep, &r_eid), label(&a_ep, &a_eid), "-<dns-label>"));
    same_owned(
        &srv,
        &who,
        "interface endpoint",
        &format!("/v1/vpc-endpoints/{r_eid}"),
        &format!("/v1/vpc-endpoints/{a_eid}"),
        &names,
    )
    .await;
}

async fn same_owned(
    srv: &TestServer,
    who: &Actor,
    what: &str,
    rest_path: &str,
    aws_path: &str,
    names: &[(String, String, &str)],
) {
    let names: Vec<(&str, &str, &str)> = names
        .iter()
        .map(|(r, a, t)| (r.as_str(), a.as_str(), *t))
        .collect();
    same(srv, who, what, rest_path, aws_path, &names).await;
}

on_both_databases!(the_same_operation_through_both_fronts_gives_the_same_resource,);
