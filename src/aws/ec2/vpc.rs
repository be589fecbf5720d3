//! EC2's VPC actions over `service::network::vpc`, the functions REST's
//! `/v1/vpcs` calls.

use super::{any_of, invalid_filter, is_tag_filter, response, returned_true, tag_filter, tags_for};
use super::{by_ids, tags_match};
use crate::aws::Call;
use crate::aws::xml::Xml;
use crate::error::{Error, Result};
use crate::service::network::vpc::{self, CreateVpcRequest, ListVpcs, Vpc};

/// `Vpc` as EC2 writes it.
fn write_vpc(x: &mut Xml, v: &Vpc) {
    let suffix = v.vpc_id.strip_prefix("vpc-").unwrap_or(&v.vpc_id);
    x.text("vpcId", &v.vpc_id)
        .text("ownerId", &v.owner_id)
        .text("state", &v.state)
        .text("cidrBlock", &v.cidr_block);
    x.items("cidrBlockAssociationSet", [v], |x, v| {
        x.text("associationId", &format!("vpc-cidr-assoc-{suffix}"))
            .text("cidrBlock", &v.cidr_block)
            .open("cidrBlockState")
            .text("state", "associated")
            .close();
    });
    x.text("dhcpOptionsId", "default")
        .text("instanceTenancy", "default")
        .bool("isDefault", v.is_default);
    if !v.tags.is_empty() {
        x.items("tagSet", &v.tags, |x, (k, val)| {
            x.text("key", k).text("value", val);
        });
    }
}

pub(super) async fn create_vpc(mut c: Call) -> Result<String> {
    let cidr_block = c.params.required("CidrBlock")?;
    let tags = tags_for(&mut c, "vpc")?;
    if let Some(t) = c.params.take("InstanceTenancy")
        && t != "default"
    {
        return Err(Error::invalid_value(format!(
            "Value ({t}) for parameter InstanceTenancy is invalid: linkplane's VPCs have default tenancy"
        )));
    }
    if c.params.bool("AmazonProvidedIpv6CidrBlock")? == Some(true) {
        return Err(Error::invalid_value(
            "AmazonProvidedIpv6CidrBlock: linkplane's VPCs are IPv4 only",
        ));
    }
    c.ready()?;
    let req = CreateVpcRequest {
        cidr_block,
        region: None,
        enable_dns_support: None,
        enable_dns_hostnames: None,
        tags,
    };
    let created = vpc::create_vpc(c.ctx(), req, None).await?.into_inner();
    let mut x = response(&c);
    x.open("vpc");
    write_vpc(&mut x, &created.value);
    x.close();
    Ok(x.finish())
}

pub(super) async fn describe_vpcs(mut c: Call) -> Result<String> {
    let ids = c.params.list("VpcId")?;
    let filters = c.params.filters()?;
    let max_results = c.params.int("MaxResults", 5..=1000)?;
    let next_token = c.params.take("NextToken");
    c.ready()?;
    let account = c.ctx().account()?.to_string();
    let mut q = ListVpcs {
        region: Some(c.region.clone()),
        max_results: max_results.map(|n| n as u32),
        next_token,
        ..Default::default()
    };
    // Filters every VPC of linkplane's satisfies or none does.
    let mut none = false;
    let mut by_id: Option<Vec<String>> = None;
    for f in &filters {
        match f.name.as_str() {
            "cidr" | "cidr-block-association.cidr-block" => q.cidr_block = any_of(f),
            n if is_tag_filter(n) => q.tags.push(tag_filter(f)),
            "vpc-id" => by_id = Some(f.values.clone()),
            "owner-id" => none |= !f.values.contains(&account),
            "state" => none |= !f.values.iter().any(|v| v == "available"),
            "is-default" => none |= !f.values.iter().any(|v| v == "false"),
            "dhcp-options-id" => none |= !f.values.iter().any(|v| v == "default"),
            n => return Err(invalid_filter(n)),
        }
    }
    let mut x = response(&c);
    if none {
        x.open("vpcSet").close();
        return Ok(x.finish());
    }
    if !ids.is_empty() || by_id.is_some() {
        let c = &c;
        let mut vpcs = by_ids(&ids, by_id.as_deref(), |id| async move {
            super::here::vpc(c, &id).await
        })
        .await?;
        vpcs.retain(|v| q.cidr_block.admits(&v.cidr_block) && tags_match(&v.tags, &q.tags));
        x.items("vpcSet", &vpcs, write_vpc);
        return Ok(x.finish());
    }
    let (vpcs, next) = vpc::list_vpcs(c.ctx(), q).await?;
    x.items("vpcSet", &vpcs, write_vpc);
    x.opt("nextToken", next.as_deref());
    Ok(x.finish())
}

pub(super) async fn delete_vpc(mut c: Call) -> Result<String> {
    let id = c.params.required("VpcId")?;
    c.ready()?;
    super::here::vpc(&c, &id).await?;
    vpc::delete_vpc(c.ctx(), &id).await?;
    returned_true(&c)
}

/// The DNS attributes EC2 names, as the domain's VPC holds them.
const DNS_SUPPORT: &str = "enableDnsSupport";
const DNS_HOSTNAMES: &str = "enableDnsHostnames";
/// An attribute linkplane does not model; always off, AWS's default.
const ADDRESS_USAGE_METRICS: &str = "enableNetworkAddressUsageMetrics";

pub(super) async fn describe_vpc_attribute(mut c: Call) -> Result<String> {
    let id = c.params.required("VpcId")?;
    let attribute = c.params.required("Attribute")?;
    if ![DNS_SUPPORT, DNS_HOSTNAMES, ADDRESS_USAGE_METRICS].contains(&attribute.as_str()) {
        return Err(Error::invalid_value(format!(
            "Value ({attribute}) for parameter attribute is invalid. Unknown attribute."
        )));
    }
    c.ready()?;
    let v = super::here::vpc(&c, &id).await?;
    let value = match attribute.as_str() {
        DNS_SUPPORT => v.enable_dns_support,
        DNS_HOSTNAMES => v.enable_dns_hostnames,
        _ => false,
    };
    let mut x = response(&c);
    x.text("vpcId", &v.vpc_id);
    let name = match attribute.as_str() {
        DNS_SUPPORT => DNS_SUPPORT,
        DNS_HOSTNAMES => DNS_HOSTNAMES,
        _ => ADDRESS_USAGE_METRICS,
    };
    x.open(name).bool("value", value).close();
    Ok(x.finish())
}

/// One attribute per call, as on AWS (`EnableDnsSupport.Value=true`); the
/// rule that DNS hostnames need DNS support is the domain's (`update_vpc`).
pub(super) async fn modify_vpc_attribute(mut c: Call) -> Result<String> {
    let id = c.params.required("VpcId")?;
    let support = c.params.bool("EnableDnsSupport.Value")?;
    let hostnames = c.params.bool("EnableDnsHostnames.Value")?;
    if c.params.bool("EnableNetworkAddressUsageMetrics.Value")? == Some(true) {
        return Err(Error::invalid_value(
            "EnableNetworkAddressUsageMetrics: linkplane does not model network address usage metrics",
        ));
    }
    let req = match (support, hostnames) {
        (Some(_), Some(_)) => {
            return Err(Error::validation(
                "InvalidParameterCombination",
                "Fields for multiple attribute types specified: enableDnsSupport, enableDnsHostnames",
            ));
        }
        (None, None) => {
            return Err(Error::missing(
                "The request must contain the parameter EnableDnsSupport.Value or EnableDnsHostnames.Value",
            ));
        }
        _ => vpc::UpdateVpcRequest {
            enable_dns_support: support,
            enable_dns_hostnames: hostnames,
            tags: None,
        },
    };
    c.ready()?;
    super::here::vpc(&c, &id).await?;
    vpc::update_vpc(c.ctx(), &id, req, &crate::service::Precondition(None)).await?;
    returned_true(&c)
}
