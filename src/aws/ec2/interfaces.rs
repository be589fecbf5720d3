//! EC2's network interface actions over `service::network::interface`, the
//! functions REST's `/v1/network-interfaces` calls. Describe shows every
//! interface of the caller's, those linkplane manages for NAT gateways,
//! load balancers and interface endpoints too (`requesterManaged`, with
//! the domain's `interfaceType`: `nat_gateway`, `vpc_endpoint`, ...).

use super::subnet::write_tags;
use super::{
    any_of, bool_filter, invalid_filter, is_tag_filter, response, returned_true, tag_filter,
};
use super::{by_ids, tags_match};
use super::{here, tags_for};
use crate::aws::Call;
use crate::aws::xml::Xml;
use crate::error::Result;
use crate::service::network::interface::{
    self, CreateNetworkInterfaceRequest, ListNetworkInterfaces, NetworkInterface,
};
use crate::service::network::security;
use std::collections::HashMap;

/// The names of the interfaces' groups (for `groupSet`).
async fn group_names(c: &Call, enis: &[NetworkInterface]) -> HashMap<String, String> {
    let mut out = HashMap::new();
    for g in enis.iter().flat_map(|e| &e.security_group_ids) {
        if out.contains_key(g) {
            continue;
        }
        if let Ok(v) = security::get_security_group(c.ctx(), g).await {
            out.insert(g.clone(), v.value.group_name);
        }
    }
    out
}

/// `NetworkInterface` as EC2 writes it.
fn write_eni(x: &mut Xml, e: &NetworkInterface, groups: &HashMap<String, String>) {
    x.text("networkInterfaceId", &e.network_interface_id)
        .text("subnetId", &e.subnet_id)
        .text("vpcId", &e.vpc_id)
        .text("availabilityZone", &e.availability_zone)
        .text("availabilityZoneId", &e.availability_zone_id)
        .text("description", &e.description)
        .text("ownerId", &e.owner_id)
        .bool("requesterManaged", e.requester_managed)
        .text("status", &e.status)
        .text("privateIpAddress", &e.private_ip);
    x.items("privateIpAddressesSet", [e], |x, e| {
        x.text("privateIpAddress", &e.private_ip)
            .bool("primary", true);
    });
    x.items("groupSet", &e.security_group_ids, |x, g| {
        x.text("groupId", g)
            .opt("groupName", groups.get(g).map(String::as_str));
    });
    x.open("ipv6AddressesSet").close();
    x.bool("sourceDestCheck", true)
        .text("interfaceType", &e.interface_type);
    write_tags(x, &e.tags);
}

fn write_enis(
    x: &mut Xml,
    name: &'static str,
    enis: &[NetworkInterface],
    groups: &HashMap<String, String>,
) {
    x.items(name, enis, |x, e| write_eni(x, e, groups));
}

pub(super) async fn create_network_interface(mut c: Call) -> Result<String> {
    let subnet_id = c.params.required("SubnetId")?;
    let description = c.params.take("Description");
    let private_ip = c.params.take("PrivateIpAddress").filter(|v| !v.is_empty());
    let groups = c.params.list("SecurityGroupId")?;
    let client_token = c.params.take("ClientToken").filter(|v| !v.is_empty());
    let tags = tags_for(&mut c, "network-interface")?;
    c.ready()?;
    here::subnet(&c, &subnet_id).await?;
    let req = CreateNetworkInterfaceRequest {
        subnet_id,
        private_ip,
        security_group_ids: (!groups.is_empty()).then_some(groups),
        description,
        tags,
    };
    let e = interface::create_network_interface(c.ctx(), req, client_token.clone())
        .await?
        .into_inner()
        .value;
    let names = group_names(&c, std::slice::from_ref(&e)).await;
    let mut x = response(&c);
    x.open("networkInterface");
    write_eni(&mut x, &e, &names);
    x.close();
    x.opt("clientToken", client_token.as_deref());
    Ok(x.finish())
}

pub(super) async fn describe_network_interfaces(mut c: Call) -> Result<String> {
    let ids = c.params.list("NetworkInterfaceId")?;
    let filters = c.params.filters()?;
    let max_results = c.params.int("MaxResults", 5..=1000)?;
    let next_token = c.params.take("NextToken");
    // linkplane hides no managed interface: every one is shown.
    let _managed = c.params.bool("IncludeManagedResources")?;
    c.ready()?;
    let account = c.ctx().account()?.to_string();
    let mut q = ListNetworkInterfaces {
        region: Some(c.region.clone()),
        max_results: max_results.map(|n| n as u32),
        next_token,
        ..Default::default()
    };
    let mut by_id: Option<Vec<String>> = None;
    // Filters the domain's list does not take, matched on what it answers.
    let mut checks: Vec<(&str, &[String])> = Vec::new();
    for f in &filters {
        match f.name.as_str() {
            "vpc-id" => q.vpc_id = any_of(f),
            "subnet-id" => q.subnet_id = any_of(f),
            "interface-type" => q.interface_type = any_of(f),
            "requester-managed" => q.requester_managed = bool_filter(f)?,
            "availability-zone-id" => q.availability_zone_id = any_of(f),
            "private-ip-address" | "addresses.private-ip-address" => q.private_ip = any_of(f),
            "network-interface-id" => by_id = Some(f.values.clone()),
            n @ ("owner-id" | "availability-zone" | "description" | "group-id" | "status") => {
                checks.push((n, &f.values))
            }
            n if is_tag_filter(n) => q.tags.push(tag_filter(f)),
            n => return Err(invalid_filter(n)),
        }
    }
    let keep = |e: &NetworkInterface| {
        let any = |vs: &[String], v: &str| vs.iter().any(|x| x == v);
        e.region == c.region
            && q.vpc_id.admits(&e.vpc_id)
            && q.subnet_id.admits(&e.subnet_id)
            && q.interface_type.admits(&e.interface_type)
            && q.requester_managed.is_none_or(|m| e.requester_managed == m)
            && q.availability_zone_id.admits(&e.availability_zone_id)
            && q.private_ip.admits(&e.private_ip)
            && tags_match(&e.tags, &q.tags)
            && checks.iter().all(|(name, vs)| match *name {
                "owner-id" => any(vs, &account) && e.owner_id == account,
                "availability-zone" => any(vs, &e.availability_zone),
                "description" => any(vs, &e.description),
                "group-id" => e.security_group_ids.iter().any(|g| any(vs, g)),
                _ => any(vs, &e.status),
            })
    };
    let mut x = response(&c);
    let (mut found, next) = if !ids.is_empty() || by_id.is_some() {
        let c = &c;
        let found = by_ids(&ids, by_id.as_deref(), |id| async move {
            here::interface(c, &id).await
        })
        .await?;
        (found, None)
    } else {
        interface::list_network_interfaces(c.ctx(), q.clone()).await?
    };
    found.retain(|e| keep(e));
    let groups = group_names(&c, &found).await;
    write_enis(&mut x, "networkInterfaceSet", &found, &groups);
    x.opt("nextToken", next.as_deref());
    Ok(x.finish())
}

pub(super) async fn delete_network_interface(mut c: Call) -> Result<String> {
    let id = c.params.required("NetworkInterfaceId")?;
    c.ready()?;
    here::interface(&c, &id).await?;
    interface::delete_network_interface(c.ctx(), &id).await?;
    returned_true(&c)
}
