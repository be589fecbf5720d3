//! ELBv2's load balancer actions over `service::producer::loadbalancer`,
//! the functions REST's `/v1/load-balancers` calls.

use super::{key_values, lb_here, write_lb};
use crate::aws::xml::Xml;
use crate::aws::{Call, Service, query_response};
use crate::error::{Error, ErrorKind, Result};
use crate::service::producer::loadbalancer::{
    self as lb, CreateLoadBalancerRequest, LoadBalancer, LoadBalancerType,
    UpdateLoadBalancerRequest,
};
use crate::store::tags::Tags;

/// The one attribute the domain's load balancers have.
const CROSS_ZONE: &str = "load_balancing.cross_zone.enabled";

pub(super) async fn create_load_balancer(mut c: Call) -> Result<String> {
    let name = c.params.required("Name")?;
    let r#type = match c.params.take("Type").as_deref() {
        // AWS makes an application load balancer when no Type is given;
        // linkplane has none, so it asks rather than making another kind.
        None => {
            return Err(Error::validation(
                "ValidationError",
                "Type is required: linkplane serves network and gateway load balancers, \
                 and AWS's default (application) is not one of them",
            ));
        }
        Some("network") => LoadBalancerType::Network,
        Some("gateway") => LoadBalancerType::Gateway,
        Some(t) => {
            return Err(Error::validation(
                "ValidationError",
                format!(
                    "Value '{t}' at 'type' failed to satisfy constraint: linkplane serves network and gateway load balancers"
                ),
            ));
        }
    };
    let mut subnet_ids = c.params.list("Subnets.member")?;
    for i in c.params.indices("SubnetMappings.member")? {
        subnet_ids.push(
            c.params
                .required(&format!("SubnetMappings.member.{i}.SubnetId"))?,
        );
    }
    if subnet_ids.is_empty() {
        return Err(Error::validation(
            "ValidationError",
            "At least one subnet must be specified (Subnets or SubnetMappings)",
        ));
    }
    let scheme = c.params.take("Scheme");
    let ip_address_type = c.params.take("IpAddressType");
    let tags = key_values(&mut c, "Tags.member", false)?;
    c.params.finish()?;
    let req = CreateLoadBalancerRequest {
        name,
        r#type: Some(r#type),
        subnet_ids,
        scheme,
        cross_zone_enabled: None,
        ip_address_type,
        tags: (!tags.is_empty()).then(|| tags.into_iter().collect::<Tags>()),
    };
    let delay = c.state.settings.provision_delay;
    let made = lb::create_load_balancer(c.ctx(), delay, req, None)
        .await?
        .into_inner()
        .value;
    Ok(query_response(Service::Elbv2, &c, |x| {
        x.members("LoadBalancers", [&made], write_lb);
    }))
}

/// Succeeds for a load balancer that does not exist (or no longer), as AWS does.
pub(super) async fn delete_load_balancer(mut c: Call) -> Result<String> {
    let arn = c.params.required("LoadBalancerArn")?;
    c.params.finish()?;
    match lb_here(&c, &arn).await {
        Ok(_) => lb::delete_load_balancer(c.ctx(), &arn).await?,
        Err(e) if e.kind == ErrorKind::NotFound => {}
        Err(e) => return Err(e),
    }
    Ok(query_response(Service::Elbv2, &c, |_| {}))
}

fn write_attributes(x: &mut Xml, l: &LoadBalancer) {
    x.members("Attributes", [l], |x, l| {
        x.text("Key", CROSS_ZONE).text(
            "Value",
            if l.cross_zone_enabled {
                "true"
            } else {
                "false"
            },
        );
    });
}

pub(super) async fn describe_load_balancer_attributes(mut c: Call) -> Result<String> {
    let arn = c.params.required("LoadBalancerArn")?;
    c.params.finish()?;
    let l = lb_here(&c, &arn).await?;
    Ok(query_response(Service::Elbv2, &c, |x| {
        write_attributes(x, &l)
    }))
}

pub(super) async fn modify_load_balancer_attributes(mut c: Call) -> Result<String> {
    let arn = c.params.required("LoadBalancerArn")?;
    let attributes = key_values(&mut c, "Attributes.member", true)?;
    c.params.finish()?;
    if attributes.is_empty() {
        return Err(Error::validation(
            "ValidationError",
            "At least one attribute must be specified (Attributes.member.N)",
        ));
    }
    let mut cross_zone_enabled = None;
    for (key, value) in &attributes {
        match (key.as_str(), value.as_str()) {
            (CROSS_ZONE, "true") => cross_zone_enabled = Some(true),
            (CROSS_ZONE, "false") => cross_zone_enabled = Some(false),
            (CROSS_ZONE, v) => {
                return Err(Error::validation(
                    "InvalidConfigurationRequest",
                    format!(
                        "Load balancer attribute value '{v}' for '{CROSS_ZONE}' must be true or false"
                    ),
                ));
            }
            (k, _) => {
                return Err(Error::validation(
                    "InvalidConfigurationRequest",
                    format!(
                        "Load balancer attribute key '{k}' is not recognized (linkplane's load balancers have '{CROSS_ZONE}')"
                    ),
                ));
            }
        }
    }
    lb_here(&c, &arn).await?;
    let req = UpdateLoadBalancerRequest {
        cross_zone_enabled,
        tags: None,
    };
    let l = lb::update_load_balancer(c.ctx(), &arn, req, &crate::service::Precondition(None))
        .await?
        .value;
    Ok(query_response(Service::Elbv2, &c, |x| {
        write_attributes(x, &l)
    }))
}
