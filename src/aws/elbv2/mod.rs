//! ELBv2 `2015-12-01` (Query protocol: lists are `Name.member.N` in and
//! `<member>` out): load balancers (here and [`load_balancers`]) over the
//! REST front's `service::producer::loadbalancer`, target groups
//! ([`target_groups`]) over `service::producer::target_group`, listeners
//! ([`listeners`]) over `service::producer::listener`; every other action
//! answers `InvalidAction`.

mod listeners;
mod load_balancers;
mod target_groups;

use crate::aws::xml::Xml;
use crate::aws::{Action, Call, Service, query_response};
use crate::error::{Error, Result};
use crate::service::producer::loadbalancer::{
    self as lb, ListLoadBalancers, LoadBalancer, LoadBalancerType,
};

pub const ACTIONS: &[Action] = &[
    Action {
        name: "DescribeLoadBalancers",
        handler: |c| Box::pin(describe_load_balancers(c)),
    },
    Action {
        name: "CreateLoadBalancer",
        handler: |c| Box::pin(load_balancers::create_load_balancer(c)),
    },
    Action {
        name: "DeleteLoadBalancer",
        handler: |c| Box::pin(load_balancers::delete_load_balancer(c)),
    },
    Action {
        name: "DescribeLoadBalancerAttributes",
        handler: |c| Box::pin(load_balancers::describe_load_balancer_attributes(c)),
    },
    Action {
        name: "ModifyLoadBalancerAttributes",
        handler: |c| Box::pin(load_balancers::modify_load_balancer_attributes(c)),
    },
    Action {
        name: "CreateTargetGroup",
        handler: |c| Box::pin(target_groups::create_target_group(c)),
    },
    Action {
        name: "DescribeTargetGroups",
        handler: |c| Box::pin(target_groups::describe_target_groups(c)),
    },
    Action {
        name: "DeleteTargetGroup",
        handler: |c| Box::pin(target_groups::delete_target_group(c)),
    },
    Action {
        name: "RegisterTargets",
        handler: |c| Box::pin(target_groups::register_targets(c)),
    },
    Action {
        name: "DeregisterTargets",
        handler: |c| Box::pin(target_groups::deregister_targets(c)),
    },
    Action {
        name: "DescribeTargetHealth",
        handler: |c| Box::pin(target_groups::describe_target_health(c)),
    },
    Action {
        name: "CreateListener",
        handler: |c| Box::pin(listeners::create_listener(c)),
    },
    Action {
        name: "DescribeListeners",
        handler: |c| Box::pin(listeners::describe_listeners(c)),
    },
    Action {
        name: "DeleteListener",
        handler: |c| Box::pin(listeners::delete_listener(c)),
    },
];

/// `Name.member.N.Key` / `.Value` (ELBv2's `Tags`, `Attributes`).
pub(super) fn key_values(
    c: &mut Call,
    prefix: &str,
    value_required: bool,
) -> Result<Vec<(String, String)>> {
    let mut out = Vec::new();
    for i in c.params.indices(prefix)? {
        let key = c.params.required(&format!("{prefix}.{i}.Key"))?;
        let value = if value_required {
            c.params.required(&format!("{prefix}.{i}.Value"))?
        } else {
            c.params
                .take(&format!("{prefix}.{i}.Value"))
                .unwrap_or_default()
        };
        out.push((key, value));
    }
    Ok(out)
}

/// A load balancer of the caller's in the credential scope's region.
pub(super) async fn lb_here(c: &Call, arn: &str) -> Result<LoadBalancer> {
    let l = lb::get_load_balancer(c.ctx(), arn).await?.value;
    if l.region != c.region {
        return Err(lb::lb_not_found(arn));
    }
    Ok(l)
}

pub(super) fn write_lb(x: &mut Xml, l: &LoadBalancer) {
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
            out.push(lb_here(&c, arn).await?);
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
