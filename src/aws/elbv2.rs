//! ELBv2 `2015-12-01` (Query protocol: lists are `Name.member.N` in and
//! `<member>` out). So far `DescribeLoadBalancers`, over the REST front's
//! `service::producer::loadbalancer`; every other action answers
//! `InvalidAction` (see issue 15).

use crate::aws::xml::Xml;
use crate::aws::{Action, Call, Service, query_response};
use crate::error::{Error, Result};
use crate::service::producer::loadbalancer::{
    self as lb, ListLoadBalancers, LoadBalancer, LoadBalancerType,
};

pub const ACTIONS: &[Action] = &[Action {
    name: "DescribeLoadBalancers",
    handler: |c| Box::pin(describe_load_balancers(c)),
}];

fn write_lb(x: &mut Xml, l: &LoadBalancer) {
    x.text("LoadBalancerArn", &l.load_balancer_arn)
        .text("DNSName", &l.dns_name)
        .text("CreatedTime", &l.creation_timestamp)
        .text("LoadBalancerName", &l.load_balancer_name)
        .text("Scheme", &l.scheme)
        .text("VpcId", &l.vpc_id);
    x.open("State").text("Code", &l.state).close();
    x.text(
        "Type",
        match l.r#type {
            LoadBalancerType::Network => "network",
            LoadBalancerType::Gateway => "gateway",
        },
    );
    x.members("AvailabilityZones", &l.availability_zones, |x, z| {
        x.text("ZoneName", &z.zone_name)
            .text("SubnetId", &z.subnet_id);
        x.members("LoadBalancerAddresses", [z], |x, z| {
            x.text("PrivateIPv4Address", &z.private_ip);
        });
    });
    x.text("IpAddressType", &l.ip_address_type);
}

async fn describe_load_balancers(mut c: Call) -> Result<String> {
    let arns = c.params.list("LoadBalancerArns.member")?;
    let names = c.params.list("Names.member")?;
    let marker = c.params.take("Marker");
    let page_size = c.params.int("PageSize", 1..=400)?;
    c.params.finish()?;
    if !arns.is_empty() && !names.is_empty() {
        return Err(Error::validation(
            "ValidationError",
            "Load balancer names and load balancer ARNs cannot be specified at the same time",
        ));
    }
    let mut next = None;
    let lbs: Vec<LoadBalancer> = if !arns.is_empty() {
        let mut out = Vec::new();
        for arn in &arns {
            let l = lb::get_load_balancer(c.ctx(), arn).await?.value;
            if l.region != c.region {
                return Err(lb::lb_not_found(arn));
            }
            out.push(l);
        }
        out
    } else if !names.is_empty() {
        // The domain lists by region; names are unique per account and region.
        let mut all = Vec::new();
        let mut token = None;
        loop {
            let q = ListLoadBalancers {
                region: Some(c.region.clone()),
                max_results: Some(1000),
                next_token: token,
                ..Default::default()
            };
            let (items, more) = lb::list_load_balancers(c.ctx(), q).await?;
            all.extend(
                items
                    .into_iter()
                    .filter(|l| names.contains(&l.load_balancer_name)),
            );
            match more {
                Some(t) => token = Some(t),
                None => break,
            }
        }
        let missing: Vec<&str> = names
            .iter()
            .filter(|n| !all.iter().any(|l| &l.load_balancer_name == *n))
            .map(String::as_str)
            .collect();
        if !missing.is_empty() {
            return Err(Error::not_found(
                "LoadBalancerNotFound",
                format!("Load balancers '[{}]' not found", missing.join(", ")),
            ));
        }
        all
    } else {
        let q = ListLoadBalancers {
            region: Some(c.region.clone()),
            max_results: page_size.map(|n| n as u32),
            next_token: marker,
            ..Default::default()
        };
        let (items, more) = lb::list_load_balancers(c.ctx(), q).await?;
        next = more;
        items
    };
    Ok(query_response(Service::Elbv2, &c, |x| {
        x.members("LoadBalancers", &lbs, write_lb);
        x.opt("NextMarker", next.as_deref());
    }))
}
