//! EC2's internet gateway and NAT gateway actions over
//! `service::network::gateway` and `service::network::interface`, the
//! functions REST's `/v1/internet-gateways` and `/v1/nat-gateways` call.

use super::subnet::write_tags;
use super::{
    any_of, by_ids, invalid_filter, is_tag_filter, response, returned_true, tag_filter, tags_match,
};
use super::{here, tags_for};
use crate::aws::Call;
use crate::aws::params::Filter;
use crate::aws::xml::Xml;
use crate::error::{Error, Result};
use crate::service::network::gateway::{
    self, CreateInternetGatewayRequest, GatewayAttachmentRequest, InternetGateway,
    ListInternetGateways,
};
use crate::service::network::interface::{
    self, ConnectivityType, CreateNatGatewayRequest, ListNatGateways, NatGateway,
};

/// Whether a filter's values name `value` (any of them may match).
pub(super) fn names(f: &Filter, value: &str) -> bool {
    f.values.iter().any(|v| v == value)
}

// ---- internet gateways ----

/// `InternetGateway` as EC2 writes it: an attached gateway's attachment
/// is `available`, as AWS answers for VPC attachments.
fn write_igw(x: &mut Xml, g: &InternetGateway) {
    x.items("attachmentSet", g.vpc_id.iter(), |x, vpc| {
        x.text("state", "available").text("vpcId", vpc);
    });
    x.text("internetGatewayId", &g.internet_gateway_id)
        .text("ownerId", &g.owner_id);
    write_tags(x, &g.tags);
}

pub(super) async fn create_internet_gateway(mut c: Call) -> Result<String> {
    let tags = tags_for(&mut c, "internet-gateway")?;
    c.ready()?;
    let req = CreateInternetGatewayRequest { region: None, tags };
    let g = gateway::create_internet_gateway(c.ctx(), req, None)
        .await?
        .into_inner()
        .value;
    let mut x = response(&c);
    x.open("internetGateway");
    write_igw(&mut x, &g);
    x.close();
    Ok(x.finish())
}

pub(super) async fn describe_internet_gateways(mut c: Call) -> Result<String> {
    let ids = c.params.list("InternetGatewayId")?;
    let filters = c.params.filters()?;
    let max_results = c.params.int("MaxResults", 5..=1000)?;
    let next_token = c.params.take("NextToken");
    c.ready()?;
    let account = c.ctx().account()?.to_string();
    let mut q = ListInternetGateways {
        region: Some(c.region.clone()),
        max_results: max_results.map(|n| n as u32),
        next_token,
        ..Default::default()
    };
    let mut by_id: Option<Vec<String>> = None;
    let mut attached: Option<bool> = None;
    let mut none = false;
    for f in &filters {
        match f.name.as_str() {
            "attachment.vpc-id" => q.vpc_id = any_of(f),
            // Only attached gateways have an attachment, `available`.
            "attachment.state" => {
                none |= !names(f, "available");
                attached = Some(true);
            }
            "internet-gateway-id" => by_id = Some(f.values.clone()),
            "owner-id" => none |= !names(f, &account),
            n if is_tag_filter(n) => q.tags.push(tag_filter(f)),
            n => return Err(invalid_filter(n)),
        }
    }
    let mut x = response(&c);
    if none {
        x.open("internetGatewaySet").close();
        return Ok(x.finish());
    }
    let keep = |g: &InternetGateway| {
        g.region == c.region
            && (q.vpc_id.is_any() || g.vpc_id.as_ref().is_some_and(|v| q.vpc_id.admits(v)))
            && attached.is_none_or(|a| g.vpc_id.is_some() == a)
            && tags_match(&g.tags, &q.tags)
    };
    if !ids.is_empty() || by_id.is_some() {
        let c = &c;
        let mut found = by_ids(&ids, by_id.as_deref(), |id| async move {
            here::internet_gateway(c, &id).await
        })
        .await?;
        found.retain(|g| keep(g));
        x.items("internetGatewaySet", &found, write_igw);
        return Ok(x.finish());
    }
    let (mut found, next) = gateway::list_internet_gateways(c.ctx(), q.clone()).await?;
    found.retain(|g| keep(g));
    x.items("internetGatewaySet", &found, write_igw);
    x.opt("nextToken", next.as_deref());
    Ok(x.finish())
}

pub(super) async fn delete_internet_gateway(mut c: Call) -> Result<String> {
    let id = c.params.required("InternetGatewayId")?;
    c.ready()?;
    here::internet_gateway(&c, &id).await?;
    gateway::delete_internet_gateway(c.ctx(), &id).await?;
    returned_true(&c)
}

/// The gateway and the VPC of an attach or detach, both of the signing
/// region (their NotFound otherwise).
async fn attachment(c: &mut Call) -> Result<(String, GatewayAttachmentRequest)> {
    let id = c.params.required("InternetGatewayId")?;
    let vpc_id = c.params.required("VpcId")?;
    c.ready()?;
    here::internet_gateway(c, &id).await?;
    here::vpc(c, &vpc_id).await?;
    Ok((id, GatewayAttachmentRequest { vpc_id }))
}

pub(super) async fn attach_internet_gateway(mut c: Call) -> Result<String> {
    let (id, req) = attachment(&mut c).await?;
    gateway::attach(c.ctx(), &id, req).await?;
    returned_true(&c)
}

pub(super) async fn detach_internet_gateway(mut c: Call) -> Result<String> {
    let (id, req) = attachment(&mut c).await?;
    gateway::detach(c.ctx(), &id, req).await?;
    returned_true(&c)
}

// ---- NAT gateways ----

/// `NatGateway` as EC2 writes it: its one address is the private address
/// of its requester-managed interface (linkplane has no Elastic IPs).
fn write_nat(x: &mut Xml, n: &NatGateway) {
    x.text("createTime", &n.creation_timestamp);
    x.items("natGatewayAddressSet", [n], |x, n| {
        x.text("networkInterfaceId", &n.network_interface_id)
            .text("privateIp", &n.private_ip)
            .bool("isPrimary", true)
            .text("status", "succeeded");
    });
    x.text("natGatewayId", &n.nat_gateway_id)
        .text("state", &n.state)
        .text("subnetId", &n.subnet_id)
        .text("vpcId", &n.vpc_id);
    write_tags(x, &n.tags);
    x.text("connectivityType", &n.connectivity_type)
        .text("availabilityMode", "zonal");
}

pub(super) async fn create_nat_gateway(mut c: Call) -> Result<String> {
    let subnet_id = c.params.required("SubnetId")?;
    let connectivity_type = match c.params.take("ConnectivityType").as_deref() {
        // Absent stays absent: the domain's default, and the same
        // idempotency fingerprint as REST's request without it.
        None => None,
        Some("public") => Some(ConnectivityType::Public),
        Some("private") => Some(ConnectivityType::Private),
        Some(v) => {
            return Err(Error::invalid_value(format!(
                "Value ({v}) for parameter ConnectivityType is invalid: public or private"
            )));
        }
    };
    // A public NAT gateway's Elastic IP: linkplane models no public
    // addresses, so the allocation is taken and not kept.
    let _allocation = c.params.take("AllocationId");
    if let Some(m) = c.params.take("AvailabilityMode")
        && m != "zonal"
    {
        return Err(Error::invalid_value(format!(
            "Value ({m}) for parameter AvailabilityMode is invalid: linkplane's NAT gateways are zonal"
        )));
    }
    if c.params.take("PrivateIpAddress").is_some() {
        return Err(Error::invalid_value(
            "PrivateIpAddress: linkplane allocates a NAT gateway's address itself",
        ));
    }
    let client_token = c.params.take("ClientToken").filter(|v| !v.is_empty());
    let tags = tags_for(&mut c, "natgateway")?;
    c.ready()?;
    here::subnet(&c, &subnet_id).await?;
    let req = CreateNatGatewayRequest {
        subnet_id,
        connectivity_type,
        tags,
    };
    let n = interface::create_nat_gateway(c.ctx(), req, client_token.clone())
        .await?
        .into_inner()
        .value;
    let mut x = response(&c);
    x.opt("clientToken", client_token.as_deref());
    x.open("natGateway");
    write_nat(&mut x, &n);
    x.close();
    Ok(x.finish())
}

pub(super) async fn describe_nat_gateways(mut c: Call) -> Result<String> {
    let ids = c.params.list("NatGatewayId")?;
    let filters = c.params.filters()?;
    let max_results = c.params.int("MaxResults", 5..=1000)?;
    let next_token = c.params.take("NextToken");
    c.ready()?;
    let mut q = ListNatGateways {
        region: Some(c.region.clone()),
        max_results: max_results.map(|n| n as u32),
        next_token,
        ..Default::default()
    };
    let mut by_id: Option<Vec<String>> = None;
    let mut states: Option<Vec<String>> = None;
    for f in &filters {
        match f.name.as_str() {
            "vpc-id" => q.vpc_id = any_of(f),
            "subnet-id" => q.subnet_id = any_of(f),
            "nat-gateway-id" => by_id = Some(f.values.clone()),
            "state" => states = Some(f.values.clone()),
            n if is_tag_filter(n) => q.tags.push(tag_filter(f)),
            n => return Err(invalid_filter(n)),
        }
    }
    let keep = |n: &NatGateway| {
        n.region == c.region
            && q.vpc_id.admits(&n.vpc_id)
            && q.subnet_id.admits(&n.subnet_id)
            && states.as_ref().is_none_or(|s| s.contains(&n.state))
            && tags_match(&n.tags, &q.tags)
    };
    let mut x = response(&c);
    if !ids.is_empty() || by_id.is_some() {
        let c = &c;
        let mut found = by_ids(&ids, by_id.as_deref(), |id| async move {
            here::nat_gateway(c, &id).await
        })
        .await?;
        found.retain(|n| keep(n));
        x.items("natGatewaySet", &found, write_nat);
        return Ok(x.finish());
    }
    let (mut found, next) = interface::list_nat_gateways(c.ctx(), q.clone()).await?;
    found.retain(|n| keep(n));
    x.items("natGatewaySet", &found, write_nat);
    x.opt("nextToken", next.as_deref());
    Ok(x.finish())
}

pub(super) async fn delete_nat_gateway(mut c: Call) -> Result<String> {
    let id = c.params.required("NatGatewayId")?;
    c.ready()?;
    here::nat_gateway(&c, &id).await?;
    interface::delete_nat_gateway(c.ctx(), &id).await?;
    let mut x = response(&c);
    x.text("natGatewayId", &id);
    Ok(x.finish())
}
