//! EC2's producer actions: endpoint service configurations over
//! `service::producer::endpoint_service`, their allowed principals over
//! `service::producer::principals`, and their connections over
//! `service::producer::connections` (the functions REST's
//! `/v1/endpoint-services/...` routes call). States in AWS's spelling:
//! `ServiceState` `Available`, connection `vpcEndpointState`
//! `pendingAcceptance`, `PrincipalType` `Account`.

use super::{
    any_of, delete_each, invalid_filter, is_tag_filter, response, returned_true, snake, tag_filter,
    tags_for, tags_match, unsuccessful,
};
use crate::aws::Call;
use crate::aws::params::Filter;
use crate::aws::xml::Xml;
use crate::error::{Error, ErrorKind, Result};
use crate::service::producer::connections::{
    self, ConnectionsRequest, ListConnections, VpcEndpointConnection,
};
use crate::service::producer::endpoint_service::{
    self as es, CreateEndpointServiceRequest, EndpointService, ListEndpointServices,
    UpdateEndpointServiceRequest,
};
use crate::service::producer::principals::{
    self, AllowedPrincipal, ListPrincipals, PrincipalsRequest,
};

/// `snake_case` as EC2's `PascalCase` (`available` -> `Available`,
/// `gateway_load_balancer` -> `GatewayLoadBalancer`).
fn pascal(s: &str) -> String {
    s.split('_')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// `snake_case` as EC2's `lowerCamel` (`pending_acceptance` -> `pendingAcceptance`).
fn camel(s: &str) -> String {
    let p = pascal(s);
    let mut c = p.chars();
    c.next()
        .map(|f| f.to_ascii_lowercase().to_string() + c.as_str())
        .unwrap_or_default()
}

fn strings(x: &mut Xml, name: &'static str, values: &[String]) {
    x.open(name);
    for v in values {
        x.text("item", v);
    }
    x.close();
}

fn write_service(x: &mut Xml, s: &EndpointService) {
    x.items("serviceType", [s], |x, s| {
        x.text("serviceType", &pascal(&s.service_type));
    });
    x.text("serviceId", &s.service_id)
        .text("serviceName", &s.service_name)
        .text("serviceState", &pascal(&s.service_state));
    strings(x, "availabilityZoneIdSet", &s.availability_zone_ids);
    strings(x, "availabilityZoneSet", &s.availability_zones);
    x.bool("acceptanceRequired", s.acceptance_required)
        .bool("managesVpcEndpoints", s.manages_vpc_endpoints);
    if !s.network_load_balancer_arns.is_empty() {
        strings(
            x,
            "networkLoadBalancerArnSet",
            &s.network_load_balancer_arns,
        );
    }
    if !s.gateway_load_balancer_arns.is_empty() {
        strings(
            x,
            "gatewayLoadBalancerArnSet",
            &s.gateway_load_balancer_arns,
        );
    }
    strings(
        x,
        "supportedIpAddressTypeSet",
        &s.supported_ip_address_types,
    );
    strings(x, "baseEndpointDnsNameSet", &s.base_endpoint_dns_names);
    x.opt("privateDnsName", s.private_dns_name.as_deref());
    if let Some(p) = &s.private_dns_name_configuration {
        x.open("privateDnsNameConfiguration")
            .text("state", &camel(&p.state))
            .text("type", &p.r#type)
            .text("value", &p.value)
            .text("name", &p.name)
            .close();
    }
    if let Some(p) = &s.payer_responsibility {
        x.text("payerResponsibility", &pascal(p));
    }
    if !s.tags.is_empty() {
        x.items("tagSet", &s.tags, |x, (k, v)| {
            x.text("key", k).text("value", v);
        });
    }
    x.items("supportedRegionSet", &s.supported_regions, |x, r| {
        x.text("region", &r.region)
            .text("serviceState", &pascal(&r.service_state));
    });
}

pub(super) async fn create_vpc_endpoint_service_configuration(mut c: Call) -> Result<String> {
    let nlbs = c.params.list("NetworkLoadBalancerArn")?;
    let gwlbs = c.params.list("GatewayLoadBalancerArn")?;
    let acceptance_required = c.params.bool("AcceptanceRequired")?;
    let private_dns_name = c.params.take("PrivateDnsName");
    let ip_types = c.params.list("SupportedIpAddressType")?;
    let regions = c.params.list("SupportedRegion")?;
    let client_token = c.params.take("ClientToken");
    let tags = tags_for(&mut c, "vpc-endpoint-service")?;
    c.ready()?;
    let req = CreateEndpointServiceRequest {
        network_load_balancer_arns: (!nlbs.is_empty()).then_some(nlbs),
        gateway_load_balancer_arns: (!gwlbs.is_empty()).then_some(gwlbs),
        acceptance_required,
        private_dns_name,
        supported_ip_address_types: (!ip_types.is_empty()).then_some(ip_types),
        supported_regions: (!regions.is_empty()).then_some(regions),
        tags,
        client_token: None,
    };
    let delay = c.state.settings.provision_delay;
    let made = es::create_service(c.ctx(), delay, req, client_token.clone())
        .await?
        .into_inner()
        .value;
    let mut x = response(&c);
    x.open("serviceConfiguration");
    write_service(&mut x, &made);
    x.close();
    x.opt("clientToken", client_token.as_deref());
    Ok(x.finish())
}

/// Keeps the services every filter (of those narrowed here) matches.
fn matches(filters: &[Filter], s: &EndpointService) -> bool {
    filters.iter().all(|f| match f.name.as_str() {
        "service-id" => f.values.contains(&s.service_id),
        "service-name" => f.values.contains(&s.service_name),
        "service-type" => f.values.contains(&pascal(&s.service_type)),
        "supported-ip-address-types" => f
            .values
            .iter()
            .any(|v| s.supported_ip_address_types.contains(v)),
        _ => true,
    })
}

pub(super) async fn describe_vpc_endpoint_service_configurations(mut c: Call) -> Result<String> {
    let ids = c.params.list("ServiceId")?;
    let filters = c.params.filters()?;
    let max_results = c.params.int("MaxResults", 5..=1000)?;
    let next_token = c.params.take("NextToken");
    c.ready()?;
    let mut q = ListEndpointServices {
        region: Some(c.region.clone()),
        max_results: max_results.map(|n| n as u32),
        next_token,
        ..Default::default()
    };
    let mut local = false;
    for f in &filters {
        match f.name.as_str() {
            "service-state" => q.service_state = any_of(f).map(|v| snake(&v)),
            n if is_tag_filter(n) => q.tags.push(tag_filter(f)),
            "service-id" | "service-name" | "service-type" | "supported-ip-address-types" => {
                local = true
            }
            n => return Err(invalid_filter(n)),
        }
    }
    let mut x = response(&c);
    if !ids.is_empty() {
        let mut out = Vec::new();
        for id in &ids {
            out.push(super::here::service(&c, id).await?);
        }
        out.retain(|s| {
            matches(&filters, s)
                && q.service_state.admits(&s.service_state)
                && tags_match(&s.tags, &q.tags)
        });
        x.items("serviceConfigurationSet", &out, write_service);
        return Ok(x.finish());
    }
    let (mut items, next) = es::list_services(c.ctx(), q).await?;
    if local {
        items.retain(|s| matches(&filters, s));
    }
    x.items("serviceConfigurationSet", &items, write_service);
    x.opt("nextToken", next.as_deref());
    Ok(x.finish())
}

pub(super) async fn modify_vpc_endpoint_service_configuration(mut c: Call) -> Result<String> {
    let id = c.params.required("ServiceId")?;
    let some = |v: Vec<String>| (!v.is_empty()).then_some(v);
    let req = UpdateEndpointServiceRequest {
        private_dns_name: c.params.take("PrivateDnsName"),
        remove_private_dns_name: c.params.bool("RemovePrivateDnsName")?,
        acceptance_required: c.params.bool("AcceptanceRequired")?,
        add_network_load_balancer_arns: some(c.params.list("AddNetworkLoadBalancerArn")?),
        remove_network_load_balancer_arns: some(c.params.list("RemoveNetworkLoadBalancerArn")?),
        add_gateway_load_balancer_arns: some(c.params.list("AddGatewayLoadBalancerArn")?),
        remove_gateway_load_balancer_arns: some(c.params.list("RemoveGatewayLoadBalancerArn")?),
        add_supported_ip_address_types: some(c.params.list("AddSupportedIpAddressType")?),
        remove_supported_ip_address_types: some(c.params.list("RemoveSupportedIpAddressType")?),
        add_supported_regions: some(c.params.list("AddSupportedRegion")?),
        remove_supported_regions: some(c.params.list("RemoveSupportedRegion")?),
        payer_responsibility: None,
        tags: None,
    };
    c.ready()?;
    super::here::service(&c, &id).await?;
    es::update_service(c.ctx(), &id, req, &crate::service::Precondition(None)).await?;
    returned_true(&c)
}

/// Each id is one item: those that cannot be deleted come back in
/// `unsuccessful`, as on AWS.
pub(super) async fn delete_vpc_endpoint_service_configurations(c: Call) -> Result<String> {
    delete_each(c, "ServiceId", |c, id| {
        Box::pin(async move {
            super::here::service(c, &id).await?;
            es::delete_service(c.ctx(), c.state.settings.provision_delay, &id).await
        })
    })
    .await
}

fn write_principal(x: &mut Xml, p: &AllowedPrincipal) {
    x.text("principalType", &pascal(&p.principal_type))
        .text("principal", &p.principal)
        .text("servicePermissionId", &p.service_permission_id)
        .text("serviceId", &p.service_id);
}

pub(super) async fn describe_vpc_endpoint_service_permissions(mut c: Call) -> Result<String> {
    let id = c.params.required("ServiceId")?;
    let filters = c.params.filters()?;
    let max_results = c.params.int("MaxResults", 5..=1000)?;
    let next_token = c.params.take("NextToken");
    c.ready()?;
    let mut q = ListPrincipals {
        max_results: max_results.map(|n| n as u32),
        next_token,
        ..Default::default()
    };
    for f in &filters {
        match f.name.as_str() {
            "principal" => q.principal = any_of(f),
            "principal-type" => q.principal_type = any_of(f).map(|v| snake(&v)),
            n => return Err(invalid_filter(n)),
        }
    }
    super::here::service(&c, &id).await?;
    let (items, next) = principals::list_principals(c.ctx(), &id, q).await?;
    let mut x = response(&c);
    x.items("allowedPrincipals", &items, write_principal);
    x.opt("nextToken", next.as_deref());
    Ok(x.finish())
}

pub(super) async fn modify_vpc_endpoint_service_permissions(mut c: Call) -> Result<String> {
    let id = c.params.required("ServiceId")?;
    let add = c.params.list("AddAllowedPrincipals")?;
    let remove = c.params.list("RemoveAllowedPrincipals")?;
    if let Some(t) = c.params.take("PermissionType")
        && t != "vpc-endpoint"
    {
        return Err(Error::invalid_value(format!(
            "Value ({t}) for parameter PermissionType is invalid: linkplane's permissions are vpc-endpoint"
        )));
    }
    c.ready()?;
    if add.is_empty() && remove.is_empty() {
        return Err(Error::missing(
            "The request must contain the parameter AddAllowedPrincipals or RemoveAllowedPrincipals",
        ));
    }
    super::here::service(&c, &id).await?;
    // The domain adds and removes in two transactions: every principal of
    // both lists is checked first (the core's parser, the one the domain
    // uses), so a malformed one fails the call before anything changes.
    for p in add.iter().chain(&remove) {
        linkplane_core::privatelink::parse_allowed_principal(p)?;
    }
    let mut added = Vec::new();
    if !add.is_empty() {
        added = principals::add_principals(c.ctx(), &id, PrincipalsRequest { principals: add })
            .await?
            .added;
    }
    if !remove.is_empty() {
        principals::remove_principals(c.ctx(), &id, PrincipalsRequest { principals: remove })
            .await?;
    }
    let mut x = response(&c);
    if !added.is_empty() {
        x.items("addedPrincipalSet", &added, write_principal);
    }
    x.bool("return", true);
    Ok(x.finish())
}

fn write_connection(x: &mut Xml, e: &VpcEndpointConnection) {
    x.text("serviceId", &e.service_id)
        .text("vpcEndpointId", &e.vpc_endpoint_id)
        .text("vpcEndpointOwner", &e.vpc_endpoint_owner)
        .text("vpcEndpointState", &camel(&e.vpc_endpoint_state))
        .text("creationTimestamp", &e.creation_timestamp);
    x.items("dnsEntrySet", &e.dns_entries, |x, d| {
        x.text("dnsName", &d.dns_name)
            .text("hostedZoneId", &d.hosted_zone_id);
    });
    if !e.network_load_balancer_arns.is_empty() {
        strings(
            x,
            "networkLoadBalancerArnSet",
            &e.network_load_balancer_arns,
        );
    }
    if !e.gateway_load_balancer_arns.is_empty() {
        strings(
            x,
            "gatewayLoadBalancerArnSet",
            &e.gateway_load_balancer_arns,
        );
    }
    x.text("ipAddressType", &e.ip_address_type)
        .text("vpcEndpointRegion", &e.vpc_endpoint_region);
}

/// The connections of the caller's services (those the `service-id`
/// filter names, or all of them in the region), narrowed by
/// `vpc-endpoint-state`, `vpc-endpoint-owner` and `vpc-endpoint-id`.
/// With one service, `MaxResults`/`NextToken` are the domain's; across
/// services `NextToken` is an offset into the whole list.
pub(super) async fn describe_vpc_endpoint_connections(mut c: Call) -> Result<String> {
    let filters = c.params.filters()?;
    let max_results = c.params.int("MaxResults", 5..=1000)?;
    let next_token = c.params.take("NextToken");
    c.ready()?;
    let mut service_ids: Option<Vec<String>> = None;
    let mut q = ListConnections::default();
    let mut endpoint_ids: Option<Vec<String>> = None;
    for f in &filters {
        match f.name.as_str() {
            "service-id" => service_ids = Some(f.values.clone()),
            "vpc-endpoint-state" => q.vpc_endpoint_state = any_of(f).map(|v| snake(&v)),
            "vpc-endpoint-owner" => q.vpc_endpoint_owner = any_of(f),
            "vpc-endpoint-id" => endpoint_ids = Some(f.values.clone()),
            n => return Err(invalid_filter(n)),
        }
    }
    let mut x = response(&c);
    // One service: the domain pages.
    if let Some([id]) = service_ids.as_deref() {
        super::here::service(&c, id).await?;
        q.max_results = max_results.map(|n| n as u32);
        q.next_token = next_token;
        let (mut items, next) = connections::list_connections(c.ctx(), id, q).await?;
        if let Some(ids) = &endpoint_ids {
            items.retain(|e| ids.contains(&e.vpc_endpoint_id));
        }
        x.items("vpcEndpointConnectionSet", &items, write_connection);
        x.opt("nextToken", next.as_deref());
        return Ok(x.finish());
    }
    let ids = match service_ids {
        Some(ids) => ids,
        None => {
            let mut ids = Vec::new();
            let mut token = None;
            loop {
                let lq = ListEndpointServices {
                    region: Some(c.region.clone()),
                    max_results: Some(1000),
                    next_token: token,
                    ..Default::default()
                };
                let (items, more) = es::list_services(c.ctx(), lq).await?;
                ids.extend(items.into_iter().map(|s| s.service_id));
                match more {
                    Some(t) => token = Some(t),
                    None => break ids,
                }
            }
        }
    };
    let mut all = Vec::new();
    for id in &ids {
        // The service-id filter keeps what exists in this region.
        match super::here::service(&c, id).await {
            Ok(_) => {}
            Err(e) if e.kind == ErrorKind::NotFound => continue,
            Err(e) => return Err(e),
        }
        let mut token = None;
        loop {
            let lq = ListConnections {
                max_results: Some(1000),
                next_token: token,
                ..q.clone()
            };
            match connections::list_connections(c.ctx(), id, lq).await {
                Ok((items, more)) => {
                    all.extend(items);
                    match more {
                        Some(t) => token = Some(t),
                        None => break,
                    }
                }
                // The service-id filter keeps what exists.
                Err(e) if e.kind == ErrorKind::NotFound => break,
                Err(e) => return Err(e),
            }
        }
    }
    if let Some(ids) = &endpoint_ids {
        all.retain(|e| ids.contains(&e.vpc_endpoint_id));
    }
    let offset = match &next_token {
        None => 0,
        Some(t) => t
            .strip_prefix("offset-")
            .and_then(|n| n.parse::<usize>().ok())
            .ok_or_else(|| Error::invalid_value(format!("The token '{t}' is invalid")))?,
    };
    let size = max_results.map_or(usize::MAX, |n| n as usize);
    let page: Vec<&VpcEndpointConnection> = all.iter().skip(offset).take(size).collect();
    let next =
        (offset.saturating_add(size) < all.len()).then(|| format!("offset-{}", offset + size));
    x.items("vpcEndpointConnectionSet", page, write_connection);
    x.opt("nextToken", next.as_deref());
    Ok(x.finish())
}

async fn decide(mut c: Call, accept: bool) -> Result<String> {
    let id = c.params.required("ServiceId")?;
    let vpc_endpoint_ids = c.params.list("VpcEndpointId")?;
    c.ready()?;
    if vpc_endpoint_ids.is_empty() {
        return Err(Error::missing(
            "The request must contain the parameter VpcEndpointId",
        ));
    }
    super::here::service(&c, &id).await?;
    let delay = c.state.settings.provision_delay;
    let r = connections::decide(
        c.ctx(),
        delay,
        &id,
        ConnectionsRequest { vpc_endpoint_ids },
        accept,
    )
    .await?;
    unsuccessful(&c, &r.unsuccessful)
}

pub(super) async fn accept_vpc_endpoint_connections(c: Call) -> Result<String> {
    decide(c, true).await
}

pub(super) async fn reject_vpc_endpoint_connections(c: Call) -> Result<String> {
    decide(c, false).await
}

pub(super) async fn start_vpc_endpoint_service_private_dns_verification(
    mut c: Call,
) -> Result<String> {
    let id = c.params.required("ServiceId")?;
    c.ready()?;
    super::here::service(&c, &id).await?;
    es::verify_private_dns(c.ctx(), &id).await?;
    returned_true(&c)
}

/// `ServiceOwner` only (the model's one value), the domain's `service_owner`.
pub(super) async fn modify_vpc_endpoint_service_payer_responsibility(
    mut c: Call,
) -> Result<String> {
    let id = c.params.required("ServiceId")?;
    let payer = c.params.required("PayerResponsibility")?;
    c.ready()?;
    if payer != "ServiceOwner" {
        return Err(Error::invalid_value(format!(
            "Value ({payer}) for parameter PayerResponsibility is invalid. Valid value: ServiceOwner"
        )));
    }
    super::here::service(&c, &id).await?;
    let req = UpdateEndpointServiceRequest {
        payer_responsibility: Some(snake(&payer)),
        ..Default::default()
    };
    es::update_service(c.ctx(), &id, req, &crate::service::Precondition(None)).await?;
    returned_true(&c)
}
