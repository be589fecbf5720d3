//! ELBv2's listener actions over `service::producer::listener`, the
//! functions REST's `/v1/load-balancers/{arn}/listeners` calls. A listener
//! has one default action, `forward` to one target group (given as
//! `DefaultActions.member.1.TargetGroupArn` or as a one-group
//! `ForwardConfig`); creating it attaches the group to the load balancer.

use crate::aws::xml::Xml;
use crate::aws::{Call, Service, query_response};
use crate::error::{Error, Result};
use crate::service::producer::listener::{self as ls, CreateListenerRequest, Listener};

fn write_listener(x: &mut Xml, l: &Listener) {
    x.text("ListenerArn", &l.listener_arn)
        .text("LoadBalancerArn", &l.load_balancer_arn);
    if let Some(port) = l.port {
        x.text("Port", &port.to_string());
    }
    if let Some(p) = &l.protocol {
        x.text("Protocol", &p.to_ascii_uppercase());
    }
    x.members("DefaultActions", [l], |x, l| {
        x.text("Type", "forward")
            .text("TargetGroupArn", &l.target_group_arn)
            .open("ForwardConfig")
            .members("TargetGroups", [l], |x, l| {
                x.text("TargetGroupArn", &l.target_group_arn)
                    .text("Weight", "1");
            })
            .close();
    });
}

/// The one target group of `DefaultActions`: a `forward` action naming it
/// by `TargetGroupArn` or a `ForwardConfig` of one group.
fn forward_target(c: &mut Call) -> Result<String> {
    let actions = c.params.indices("DefaultActions.member")?;
    let [i] = actions.as_slice() else {
        return Err(Error::validation(
            "ValidationError",
            "A listener takes exactly one default action (forward to one target group) in linkplane",
        ));
    };
    let p = format!("DefaultActions.member.{i}");
    let kind = c.params.required(&format!("{p}.Type"))?;
    if kind != "forward" {
        return Err(Error::validation(
            "ValidationError",
            format!(
                "Action type '{kind}' is not supported: a network or gateway load balancer's listener forwards"
            ),
        ));
    }
    c.params.take(&format!("{p}.Order"));
    let direct = c.params.take(&format!("{p}.TargetGroupArn"));
    let groups = format!("{p}.ForwardConfig.TargetGroups.member");
    let mut config = Vec::new();
    for j in c.params.indices(&groups)? {
        config.push(c.params.required(&format!("{groups}.{j}.TargetGroupArn"))?);
        c.params.take(&format!("{groups}.{j}.Weight"));
    }
    c.params.take(&format!(
        "{p}.ForwardConfig.TargetGroupStickinessConfig.Enabled"
    ));
    match (direct, config.as_slice()) {
        (Some(arn), []) => Ok(arn),
        (None, [arn]) => Ok(arn.clone()),
        (Some(arn), [other]) if arn == *other => Ok(arn),
        (None, []) => Err(Error::validation(
            "ValidationError",
            "A forward action needs a TargetGroupArn",
        )),
        _ => Err(Error::validation(
            "ValidationError",
            "linkplane forwards to exactly one target group",
        )),
    }
}

pub(super) async fn create_listener(mut c: Call) -> Result<String> {
    let lb_arn = c.params.required("LoadBalancerArn")?;
    let protocol = c.params.take("Protocol");
    let port = c.params.int("Port", 1..=65535)?.map(|p| p as u16);
    let target_group_arn = forward_target(&mut c)?;
    c.params.finish()?;
    super::lb_here(&c, &lb_arn).await?;
    let req = CreateListenerRequest {
        protocol,
        port,
        target_group_arn,
    };
    let made = ls::create_listener(c.ctx(), &lb_arn, req, None)
        .await?
        .into_inner();
    Ok(query_response(Service::Elbv2, &c, |x| {
        x.members("Listeners", [&made], write_listener);
    }))
}

pub(super) async fn describe_listeners(mut c: Call) -> Result<String> {
    let lb_arn = c.params.take("LoadBalancerArn");
    let arns = c.params.list("ListenerArns.member")?;
    let marker = c.params.take("Marker");
    let page_size = c.params.int("PageSize", 1..=400)?;
    c.params.finish()?;
    match (lb_arn, arns.is_empty()) {
        (Some(_), false) => Err(Error::validation(
            "ValidationError",
            "Listener ARNs and a load balancer ARN cannot be specified at the same time",
        )),
        (None, true) => Err(Error::validation(
            "ValidationError",
            "You must specify either listener ARNs or a load balancer ARN",
        )),
        (None, false) => {
            let mut out = Vec::new();
            for arn in &arns {
                let l = ls::get_listener(c.ctx(), arn).await?;
                super::lb_here(&c, &l.load_balancer_arn).await?;
                out.push(l);
            }
            Ok(query_response(Service::Elbv2, &c, |x| {
                x.members("Listeners", &out, write_listener);
            }))
        }
        (Some(lb_arn), true) => {
            super::lb_here(&c, &lb_arn).await?;
            let (items, next) = ls::list_listeners(
                c.ctx(),
                &lb_arn,
                page_size.map(|n| n as u32),
                marker.as_deref(),
            )
            .await?;
            Ok(query_response(Service::Elbv2, &c, |x| {
                x.members("Listeners", &items, write_listener);
                x.opt("NextMarker", next.as_deref());
            }))
        }
    }
}

pub(super) async fn delete_listener(mut c: Call) -> Result<String> {
    let arn = c.params.required("ListenerArn")?;
    c.params.finish()?;
    let l = ls::get_listener(c.ctx(), &arn).await?;
    super::lb_here(&c, &l.load_balancer_arn).await?;
    ls::delete_listener(c.ctx(), &arn).await?;
    Ok(query_response(Service::Elbv2, &c, |_| {}))
}
