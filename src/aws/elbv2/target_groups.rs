//! ELBv2's target group actions over `service::producer::target_group`,
//! the functions REST's `/v1/target-groups` calls. The domain's targets
//! are IP addresses or network interfaces (`TargetType` `ip`); a group
//! made here joins a load balancer when a listener forwards to it.

use crate::aws::xml::Xml;
use crate::aws::{Call, Service, query_response};
use crate::error::{Error, Result};
use crate::service::producer::target_group::{
    self as tg, CreateTargetGroupRequest, ListTargetGroups, TargetGroup, TargetSpec, TargetsRequest,
};

fn write_tg(x: &mut Xml, t: &TargetGroup) {
    x.text("TargetGroupArn", &t.target_group_arn)
        .text("TargetGroupName", &t.target_group_name)
        .text("Protocol", &t.protocol.to_ascii_uppercase())
        .text("Port", &t.port.to_string())
        .text("VpcId", &t.vpc_id);
    x.open("LoadBalancerArns");
    if let Some(a) = &t.load_balancer_arn {
        x.text("member", a);
    }
    x.close();
    x.text("TargetType", "ip").text("IpAddressType", "ipv4");
}

async fn tg_here(c: &Call, arn: &str) -> Result<TargetGroup> {
    let t = tg::get_target_group(c.ctx(), arn).await?.value;
    if t.region != c.region {
        return Err(Error::not_found(
            "TargetGroupNotFound",
            format!("Target groups '{arn}' not found"),
        ));
    }
    Ok(t)
}

pub(super) async fn create_target_group(mut c: Call) -> Result<String> {
    let name = c.params.required("Name")?;
    let protocol = c.params.required("Protocol")?;
    let port = c.params.int("Port", 1..=65535)?.ok_or_else(|| {
        Error::validation(
            "ValidationError",
            "A port must be specified for a target group of type ip",
        )
    })?;
    let vpc_id = c.params.required("VpcId")?;
    if let Some(t) = c.params.take("TargetType")
        && t != "ip"
    {
        return Err(Error::validation(
            "ValidationError",
            format!(
                "Target type '{t}' is not supported: linkplane's targets are IP addresses (ip)"
            ),
        ));
    }
    c.params.finish()?;
    let req = CreateTargetGroupRequest {
        name,
        protocol,
        port: port as u16,
        vpc_id,
        load_balancer_arn: None,
    };
    let made = tg::create_target_group(c.ctx(), req, None)
        .await?
        .into_inner()
        .value;
    Ok(query_response(Service::Elbv2, &c, |x| {
        x.members("TargetGroups", [&made], write_tg);
    }))
}

pub(super) async fn describe_target_groups(mut c: Call) -> Result<String> {
    let lb_arn = c.params.take("LoadBalancerArn");
    let arns = c.params.list("TargetGroupArns.member")?;
    let names = c.params.list("Names.member")?;
    let marker = c.params.take("Marker");
    let page_size = c.params.int("PageSize", 1..=400)?;
    c.params.finish()?;
    if [lb_arn.is_some(), !arns.is_empty(), !names.is_empty()]
        .iter()
        .filter(|b| **b)
        .count()
        > 1
    {
        return Err(Error::validation(
            "ValidationError",
            "Only one of LoadBalancerArn, TargetGroupArns and Names can be specified",
        ));
    }
    if !arns.is_empty() {
        let mut out = Vec::new();
        for arn in &arns {
            out.push(tg_here(&c, arn).await?);
        }
        return Ok(query_response(Service::Elbv2, &c, |x| {
            x.members("TargetGroups", &out, write_tg);
        }));
    }
    if let Some(arn) = &lb_arn {
        super::lb_here(&c, arn).await?;
    }
    let by_name = !names.is_empty();
    let mut all = Vec::new();
    let mut token = marker;
    let next = loop {
        let q = ListTargetGroups {
            load_balancer_arn: lb_arn.clone(),
            region: Some(c.region.clone()),
            max_results: if by_name {
                Some(1000)
            } else {
                page_size.map(|n| n as u32)
            },
            next_token: token,
            ..Default::default()
        };
        let (items, more) = tg::list_target_groups(c.ctx(), q).await?;
        all.extend(items);
        match more {
            Some(t) if by_name => token = Some(t),
            more => break more,
        }
    };
    if by_name {
        all.retain(|t| names.contains(&t.target_group_name));
        let missing: Vec<&str> = names
            .iter()
            .filter(|n| !all.iter().any(|t| &t.target_group_name == *n))
            .map(String::as_str)
            .collect();
        if !missing.is_empty() {
            return Err(Error::not_found(
                "TargetGroupNotFound",
                format!(
                    "One or more target groups not found: '{}'",
                    missing.join(", ")
                ),
            ));
        }
    }
    Ok(query_response(Service::Elbv2, &c, |x| {
        x.members("TargetGroups", &all, write_tg);
        x.opt("NextMarker", next.as_deref());
    }))
}

pub(super) async fn delete_target_group(mut c: Call) -> Result<String> {
    let arn = c.params.required("TargetGroupArn")?;
    c.params.finish()?;
    tg_here(&c, &arn).await?;
    tg::delete_target_group(c.ctx(), &arn).await?;
    Ok(query_response(Service::Elbv2, &c, |_| {}))
}

/// `Targets.member.N.Id` / `.Port` / `.AvailabilityZone`.
fn targets(c: &mut Call) -> Result<Vec<TargetSpec>> {
    let mut out = Vec::new();
    for i in c.params.indices("Targets.member")? {
        let p = format!("Targets.member.{i}");
        out.push(TargetSpec {
            id: c.params.required(&format!("{p}.Id"))?,
            port: c
                .params
                .int(&format!("{p}.Port"), 1..=65535)?
                .map(|n| n as u16),
            availability_zone: c.params.take(&format!("{p}.AvailabilityZone")),
        });
    }
    Ok(out)
}

fn required_targets(c: &mut Call) -> Result<Vec<TargetSpec>> {
    let t = targets(c)?;
    if t.is_empty() {
        return Err(Error::missing(
            "The request must contain the parameter Targets.member.N",
        ));
    }
    Ok(t)
}

pub(super) async fn register_targets(mut c: Call) -> Result<String> {
    let arn = c.params.required("TargetGroupArn")?;
    let targets = required_targets(&mut c)?;
    c.params.finish()?;
    tg_here(&c, &arn).await?;
    tg::register_targets(c.ctx(), &arn, TargetsRequest { targets }).await?;
    Ok(query_response(Service::Elbv2, &c, |_| {}))
}

pub(super) async fn deregister_targets(mut c: Call) -> Result<String> {
    let arn = c.params.required("TargetGroupArn")?;
    let targets = required_targets(&mut c)?;
    c.params.finish()?;
    tg_here(&c, &arn).await?;
    tg::deregister_targets(c.ctx(), &arn, TargetsRequest { targets }).await?;
    Ok(query_response(Service::Elbv2, &c, |_| {}))
}

/// A `TargetHealthDescription`.
struct Health {
    id: String,
    port: u16,
    zone: Option<String>,
    state: String,
    reason: Option<&'static str>,
}

impl Health {
    fn of(t: &crate::service::producer::target_group::Target) -> Self {
        Health {
            id: t.id.clone(),
            port: t.port,
            zone: Some(t.availability_zone.clone()),
            state: t.health_state.clone(),
            reason: (t.health_state == "unhealthy").then_some("Target.FailedHealthChecks"),
        }
    }
}

/// Every registered target, or those asked for (one not registered is
/// `unused` with `Target.NotRegistered`, as on AWS).
pub(super) async fn describe_target_health(mut c: Call) -> Result<String> {
    let arn = c.params.required("TargetGroupArn")?;
    let asked = targets(&mut c)?;
    c.params.finish()?;
    let group = tg_here(&c, &arn).await?;
    let rows: Vec<Health> = if asked.is_empty() {
        group.targets.iter().map(Health::of).collect()
    } else {
        asked
            .iter()
            .map(|a| {
                let port = a.port.unwrap_or(group.port);
                match group
                    .targets
                    .iter()
                    .find(|t| t.id == a.id && t.port == port)
                {
                    Some(t) => Health::of(t),
                    None => Health {
                        id: a.id.clone(),
                        port,
                        zone: a.availability_zone.clone(),
                        state: "unused".to_string(),
                        reason: Some("Target.NotRegistered"),
                    },
                }
            })
            .collect()
    };
    Ok(query_response(Service::Elbv2, &c, |x| {
        x.members("TargetHealthDescriptions", &rows, |x, h| {
            x.open("Target")
                .text("Id", &h.id)
                .text("Port", &h.port.to_string());
            x.opt("AvailabilityZone", h.zone.as_deref());
            x.close();
            x.text("HealthCheckPort", &h.port.to_string());
            x.open("TargetHealth").text("State", &h.state);
            x.opt("Reason", h.reason);
            x.close();
        });
    }))
}
