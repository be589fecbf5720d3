//! EC2's consumer actions: `DescribeVpcEndpointServices` over
//! `service::discovery` and the VPC endpoint actions over
//! `service::consumer`, the functions REST's `/v1/vpc-endpoint-services`
//! (discovery) and `/v1/vpc-endpoints` call. The domain spells states and
//! types in snake case; EC2 writes states in lower camel case
//! (`pendingAcceptance`) and types in upper (`GatewayLoadBalancer`).

use super::subnet::write_tags;
use super::{
    any_of, delete_each, invalid_filter, is_tag_filter, response, returned_true, snake, tag_filter,
    tags_for,
};
use crate::aws::Call;
use crate::aws::xml::Xml;
use crate::error::{Error, Result};
use crate::service::Precondition;
use crate::service::catalog::{ListServices, ServiceDetail, ServiceType};
use crate::service::consumer::{
    self as cs, CreateVpcEndpointRequest, DnsOptions, ListVpcEndpoints, SubnetConfiguration,
    UpdateVpcEndpointRequest, VpcEndpoint, VpcEndpointType,
};
use crate::service::network::security;
use crate::store::filter::AnyOf;
use crate::store::tags::TagFilter;
use std::collections::HashMap;

/// `pending_acceptance` -> `pendingAcceptance`.
fn lower_camel(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut up = false;
    for ch in s.chars() {
        if ch == '_' {
            up = true;
        } else if up {
            out.extend(ch.to_uppercase());
            up = false;
        } else {
            out.push(ch);
        }
    }
    out
}

fn endpoint_type_name(t: VpcEndpointType) -> &'static str {
    match t {
        VpcEndpointType::Interface => "Interface",
        VpcEndpointType::Gateway => "Gateway",
        VpcEndpointType::GatewayLoadBalancer => "GatewayLoadBalancer",
    }
}

fn endpoint_type_of(name: &str, v: &str) -> Result<VpcEndpointType> {
    match v {
        "Interface" => Ok(VpcEndpointType::Interface),
        "Gateway" => Ok(VpcEndpointType::Gateway),
        "GatewayLoadBalancer" => Ok(VpcEndpointType::GatewayLoadBalancer),
        _ => Err(Error::invalid_value(format!(
            "Value ({v}) for parameter {name} is invalid. Expected Interface, Gateway or GatewayLoadBalancer"
        ))),
    }
}

fn service_type_name(t: ServiceType) -> &'static str {
    match t {
        ServiceType::Interface => "Interface",
        ServiceType::Gateway => "Gateway",
        ServiceType::GatewayLoadBalancer => "GatewayLoadBalancer",
    }
}

/// `service_defined` -> `service-defined` (EC2's `DnsRecordIpType`), and back.
fn dns_record_type_wire(s: &str) -> String {
    s.replace('_', "-")
}

fn write_service(x: &mut Xml, s: &ServiceDetail) {
    x.text("serviceName", &s.service_name)
        .opt("serviceId", s.service_id.as_deref());
    x.items("serviceType", [s.service_type], |x, t| {
        x.text("serviceType", service_type_name(t));
    });
    x.text("serviceRegion", &s.service_region);
    string_set(x, "availabilityZoneIdSet", &s.availability_zone_ids);
    x.text("owner", &s.owner);
    string_set(x, "availabilityZoneSet", &s.availability_zones);
    string_set(x, "baseEndpointDnsNameSet", &s.base_endpoint_dns_names);
    x.opt("privateDnsName", s.private_dns_name.as_deref());
    x.items("privateDnsNameSet", &s.private_dns_names, |x, n| {
        x.text("privateDnsName", n);
    });
    x.bool(
        "vpcEndpointPolicySupported",
        s.vpc_endpoint_policy_supported,
    )
    .bool("acceptanceRequired", s.acceptance_required)
    .bool("managesVpcEndpoints", false);
    if let Some(p) = &s.payer_responsibility {
        x.text("payerResponsibility", &upper_camel(p));
    }
    x.opt(
        "privateDnsNameVerificationState",
        s.private_dns_name_verification_state
            .as_deref()
            .map(lower_camel)
            .as_deref(),
    );
    string_set(
        x,
        "supportedIpAddressTypeSet",
        &s.supported_ip_address_types,
    );
}

/// `service_owner` -> `ServiceOwner`.
fn upper_camel(s: &str) -> String {
    let l = lower_camel(s);
    let mut c = l.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => l,
    }
}

/// A list of strings: `<name><item>text</item>...</name>`.
fn string_set(x: &mut Xml, name: &'static str, values: &[String]) {
    x.open(name);
    for v in values {
        x.text("item", v);
    }
    x.close();
}

pub(super) async fn describe_vpc_endpoint_services(mut c: Call) -> Result<String> {
    let names = c.params.list("ServiceName")?;
    let regions = c.params.list("ServiceRegion")?;
    let filters = c.params.filters()?;
    let max_results = c.params.int("MaxResults", 5..=1000)?;
    let next_token = c.params.take("NextToken");
    c.ready()?;
    let region = match regions.as_slice() {
        [] => c.region.clone(),
        [r] => r.clone(),
        _ => {
            return Err(Error::invalid_value(
                "linkplane takes one ServiceRegion so far",
            ));
        }
    };
    let mut q = ListServices {
        region,
        service_name: None,
        service_type: AnyOf::default(),
        max_results: max_results.map(|n| n as u32),
        next_token,
    };
    let mut by_name: Vec<String> = names;
    let mut owners: Option<Vec<String>> = None;
    let mut tags: Vec<TagFilter> = Vec::new();
    for f in &filters {
        match f.name.as_str() {
            "service-name" => by_name.extend(f.values.iter().cloned()),
            "service-type" => {
                q.service_type = f
                    .values
                    .iter()
                    .map(|v| match v.as_str() {
                        "Interface" => Ok(ServiceType::Interface),
                        "Gateway" => Ok(ServiceType::Gateway),
                        "GatewayLoadBalancer" => Ok(ServiceType::GatewayLoadBalancer),
                        v => Err(Error::invalid_value(format!(
                            "Value ({v}) for filter service-type is invalid"
                        ))),
                    })
                    .collect::<Result<Vec<_>>>()?
                    .into()
            }
            "owner" => owners = Some(f.values.clone()),
            // Discovery is of one region: the call's, or the one region
            // the filter names.
            "service-region" => match f.values.as_slice() {
                vs if vs.contains(&q.region) => {}
                [one] => q.region = one.clone(),
                _ => {
                    return Err(Error::invalid_value(
                        "linkplane discovers the services of one region per call: give service-region one value",
                    ));
                }
            },
            n if is_tag_filter(n) => tags.push(tag_filter(f)),
            n => return Err(invalid_filter(n)),
        }
    }
    // Discovery answers no tags: a tag filter keeps nothing.
    let none = !tags.is_empty();
    let (mut services, next) = if none {
        (Vec::new(), None)
    } else if by_name.is_empty() {
        crate::service::discovery::discover(&c.store, &c.caller, q).await?
    } else {
        // One discovery per name (each answers a few entries at most).
        let mut all = Vec::new();
        for n in &by_name {
            let mut one = q.clone();
            one.service_name = Some(n.clone());
            one.next_token = None;
            one.max_results = None;
            let (found, _) = crate::service::discovery::discover(&c.store, &c.caller, one).await?;
            if found.is_empty() && q.service_type.is_any() && owners.is_none() {
                return Err(Error::validation(
                    "InvalidServiceName",
                    format!("The Vpc Endpoint Service '{n}' does not exist"),
                ));
            }
            all.extend(found);
        }
        (all, None)
    };
    if let Some(o) = &owners {
        services.retain(|s| o.contains(&s.owner));
    }
    let mut x = response(&c);
    let mut seen: Vec<&str> = Vec::new();
    for s in &services {
        if !seen.contains(&s.service_name.as_str()) {
            seen.push(&s.service_name);
        }
    }
    x.open("serviceNameSet");
    for n in &seen {
        x.text("item", n);
    }
    x.close();
    x.items("serviceDetailSet", &services, write_service);
    x.opt("nextToken", next.as_deref());
    Ok(x.finish())
}

/// The names of the endpoints' groups (`groupSet` shows them).
async fn group_names(c: &Call, endpoints: &[VpcEndpoint]) -> HashMap<String, String> {
    let mut out = HashMap::new();
    for e in endpoints {
        for g in &e.security_group_ids {
            if out.contains_key(g) {
                continue;
            }
            if let Ok(v) = security::get_security_group(c.ctx(), g).await {
                out.insert(g.clone(), v.value.group_name);
            }
        }
    }
    out
}

fn write_endpoint(x: &mut Xml, e: &VpcEndpoint, names: &HashMap<String, String>) {
    x.text("vpcEndpointId", &e.vpc_endpoint_id)
        .text("vpcEndpointType", endpoint_type_name(e.vpc_endpoint_type))
        .text("vpcId", &e.vpc_id)
        .text("serviceName", &e.service_name)
        .text("state", &lower_camel(&e.state))
        .opt("policyDocument", e.policy_document.as_deref());
    string_set(x, "routeTableIdSet", &e.route_table_ids);
    string_set(x, "subnetIdSet", &e.subnet_ids);
    x.items("groupSet", &e.security_group_ids, |x, g| {
        x.text("groupId", g);
        x.opt("groupName", names.get(g).map(String::as_str));
    });
    x.text("ipAddressType", &e.ip_address_type);
    if let Some(d) = &e.dns_options {
        x.open("dnsOptions");
        x.opt(
            "dnsRecordIpType",
            d.dns_record_ip_type
                .as_deref()
                .map(dns_record_type_wire)
                .as_deref(),
        );
        x.close();
    }
    x.bool("privateDnsEnabled", e.private_dns_enabled)
        .bool("requesterManaged", e.requester_managed);
    string_set(x, "networkInterfaceIdSet", &e.network_interface_ids);
    x.items("dnsEntrySet", &e.dns_entries, |x, d| {
        x.text("dnsName", &d.dns_name)
            .text("hostedZoneId", &d.hosted_zone_id);
    });
    x.text("creationTimestamp", &e.creation_timestamp);
    write_tags(x, &e.tags);
    x.text("ownerId", &e.owner_id)
        .text("serviceRegion", &e.service_region);
}

pub(super) async fn create_vpc_endpoint(mut c: Call) -> Result<String> {
    let kind = match c.params.take("VpcEndpointType") {
        Some(v) => Some(endpoint_type_of("VpcEndpointType", &v)?),
        None => None,
    };
    let vpc_id = c.params.required("VpcId")?;
    let service_name = c.params.required("ServiceName")?;
    let service_region = c.params.take("ServiceRegion").filter(|v| !v.is_empty());
    let subnet_ids = c.params.list("SubnetId")?;
    let security_group_ids = c.params.list("SecurityGroupId")?;
    let route_table_ids = c.params.list("RouteTableId")?;
    let mut subnet_configurations = Vec::new();
    for i in c.params.indices_of("SubnetConfiguration")? {
        let p = format!("SubnetConfiguration.{i}");
        let subnet_id = c.params.required(&format!("{p}.SubnetId"))?;
        let ipv4 = c.params.take(&format!("{p}.Ipv4"));
        if c.params.take(&format!("{p}.Ipv6")).is_some() {
            return Err(Error::invalid_value(format!(
                "{p}.Ipv6: linkplane's endpoints are IPv4 only"
            )));
        }
        subnet_configurations.push(SubnetConfiguration { subnet_id, ipv4 });
    }
    let private_dns_enabled = c.params.bool("PrivateDnsEnabled")?;
    let policy_document = c.params.take("PolicyDocument");
    let ip_address_type = c.params.take("IpAddressType");
    let dns_options = c
        .params
        .take("DnsOptions.DnsRecordIpType")
        .map(|t| DnsOptions {
            dns_record_ip_type: Some(t.replace('-', "_")),
        });
    let client_token = c.params.take("ClientToken").filter(|v| !v.is_empty());
    let tags = tags_for(&mut c, "vpc-endpoint")?;
    c.ready()?;
    let non_empty = |v: Vec<String>| (!v.is_empty()).then_some(v);
    let req = CreateVpcEndpointRequest {
        vpc_endpoint_type: kind,
        vpc_id,
        service_name,
        service_region,
        subnet_ids: non_empty(subnet_ids),
        subnet_configurations: (!subnet_configurations.is_empty()).then_some(subnet_configurations),
        security_group_ids: non_empty(security_group_ids),
        route_table_ids: non_empty(route_table_ids),
        private_dns_enabled,
        policy_document,
        ip_address_type,
        dns_options,
        tags,
        client_token: client_token.clone(),
    };
    let e = cs::create_endpoint(c.ctx(), c.state.settings.provision_delay, req, None)
        .await?
        .into_inner()
        .value;
    let names = group_names(&c, std::slice::from_ref(&e)).await;
    let mut x = response(&c);
    x.open("vpcEndpoint");
    write_endpoint(&mut x, &e, &names);
    x.close();
    x.opt("clientToken", client_token.as_deref());
    Ok(x.finish())
}

pub(super) async fn describe_vpc_endpoints(mut c: Call) -> Result<String> {
    let ids = c.params.list("VpcEndpointId")?;
    let filters = c.params.filters()?;
    let max_results = c.params.int("MaxResults", 1..=1000)?;
    let next_token = c.params.take("NextToken");
    c.ready()?;
    let mut q = ListVpcEndpoints {
        max_results: max_results.map(|n| n as u32),
        next_token,
        ..Default::default()
    };
    let mut by_id: Option<Vec<String>> = None;
    let mut ip_types: Option<Vec<String>> = None;
    for f in &filters {
        match f.name.as_str() {
            "vpc-id" => q.vpc_id = any_of(f),
            "service-name" => q.service_name = any_of(f),
            "vpc-endpoint-state" => q.state = any_of(f).map(|v| snake(&v)),
            "vpc-endpoint-type" => {
                q.vpc_endpoint_type = f
                    .values
                    .iter()
                    .map(|v| endpoint_type_of(&f.name, v))
                    .collect::<Result<Vec<_>>>()?
                    .into()
            }
            "vpc-endpoint-id" => by_id = Some(f.values.clone()),
            "ip-address-type" => ip_types = Some(f.values.clone()),
            n if is_tag_filter(n) => q.tags.push(tag_filter(f)),
            n => return Err(invalid_filter(n)),
        }
    }
    let keep = |e: &VpcEndpoint| {
        e.region == c.region
            && q.vpc_id.admits(&e.vpc_id)
            && q.service_name.admits(&e.service_name)
            && q.state.admits(&e.state)
            && q.vpc_endpoint_type.admits(&e.vpc_endpoint_type)
            && by_id
                .as_ref()
                .is_none_or(|v| v.contains(&e.vpc_endpoint_id))
            && ip_types
                .as_ref()
                .is_none_or(|v| v.contains(&e.ip_address_type))
            && q.tags.iter().all(|t| t.matches(&e.tags))
    };
    let (mut endpoints, next) = if ids.is_empty() {
        cs::list_endpoints(c.ctx(), q.clone()).await?
    } else {
        let mut out = Vec::new();
        for id in &ids {
            out.push(super::here::endpoint(&c, id).await?);
        }
        (out, None)
    };
    endpoints.retain(|e| keep(e));
    let names = group_names(&c, &endpoints).await;
    let mut x = response(&c);
    x.items("vpcEndpointSet", &endpoints, |x, e| {
        write_endpoint(x, e, &names)
    });
    x.opt("nextToken", next.as_deref());
    Ok(x.finish())
}

pub(super) async fn modify_vpc_endpoint(mut c: Call) -> Result<String> {
    let id = c.params.required("VpcEndpointId")?;
    let mut list = |name: &str| -> Result<Option<Vec<String>>> {
        let v = c.params.list(name)?;
        Ok((!v.is_empty()).then_some(v))
    };
    let req = UpdateVpcEndpointRequest {
        add_subnet_ids: list("AddSubnetId")?,
        remove_subnet_ids: list("RemoveSubnetId")?,
        add_route_table_ids: list("AddRouteTableId")?,
        remove_route_table_ids: list("RemoveRouteTableId")?,
        add_security_group_ids: list("AddSecurityGroupId")?,
        remove_security_group_ids: list("RemoveSecurityGroupId")?,
        policy_document: c.params.take("PolicyDocument"),
        reset_policy: c.params.bool("ResetPolicy")?,
        private_dns_enabled: c.params.bool("PrivateDnsEnabled")?,
        tags: None,
    };
    if c.params.take("IpAddressType").is_some()
        || c.params.take("DnsOptions.DnsRecordIpType").is_some()
        || !c.params.indices_of("SubnetConfiguration")?.is_empty()
    {
        return Err(Error::invalid_value(
            "linkplane does not yet change an endpoint's IpAddressType, DnsOptions or SubnetConfiguration",
        ));
    }
    c.ready()?;
    super::here::endpoint(&c, &id).await?;
    cs::update_endpoint(
        c.ctx(),
        c.state.settings.provision_delay,
        &id,
        req,
        &Precondition(None),
    )
    .await?;
    returned_true(&c)
}

pub(super) async fn delete_vpc_endpoints(c: Call) -> Result<String> {
    delete_each(c, "VpcEndpointId", |c, id| {
        Box::pin(async move {
            super::here::endpoint(c, &id).await?;
            cs::delete_endpoint(c.ctx(), c.state.settings.provision_delay, &id).await
        })
    })
    .await
}
