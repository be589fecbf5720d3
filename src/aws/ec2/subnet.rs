//! EC2's subnet actions over `service::network::vpc`, the functions REST's
//! `/v1/subnets` calls.

use super::by_ids;
use super::{any_of, invalid_filter, is_tag_filter, response, returned_true, tag_filter, tags_for};
use crate::aws::Call;
use crate::aws::xml::Xml;
use crate::error::Result;
use crate::service::network::vpc::{self, CreateSubnetRequest, ListSubnets, Subnet};
use crate::store::tags::Tags;
use linkplane_core::catalog::catalog;

/// `tagSet` when there are tags (AWS leaves it out otherwise).
pub(super) fn write_tags(x: &mut Xml, tags: &Tags) {
    if !tags.is_empty() {
        x.items("tagSet", tags, |x, (k, v)| {
            x.text("key", k).text("value", v);
        });
    }
}

/// `Subnet` as EC2 writes it.
fn write_subnet(x: &mut Xml, s: &Subnet) {
    x.text("subnetId", &s.subnet_id)
        .text(
            "subnetArn",
            &format!(
                "arn:aws:ec2:{}:{}:subnet/{}",
                s.region, s.owner_id, s.subnet_id
            ),
        )
        .text("state", &s.state)
        .text("vpcId", &s.vpc_id)
        .text("ownerId", &s.owner_id)
        .text("cidrBlock", &s.cidr_block)
        .text(
            "availableIpAddressCount",
            &s.available_ip_address_count.to_string(),
        )
        .text("availabilityZone", &s.availability_zone)
        .text("availabilityZoneId", &s.availability_zone_id)
        .bool("defaultForAz", false)
        .bool("mapPublicIpOnLaunch", false)
        .bool("assignIpv6AddressOnCreation", false);
    write_tags(x, &s.tags);
}

pub(super) async fn create_subnet(mut c: Call) -> Result<String> {
    let vpc_id = c.params.required("VpcId")?;
    let cidr_block = c.params.required("CidrBlock")?;
    let availability_zone = c.params.take("AvailabilityZone");
    let availability_zone_id = c.params.take("AvailabilityZoneId");
    let tags = tags_for(&mut c, "subnet")?;
    c.ready()?;
    let req = CreateSubnetRequest {
        vpc_id,
        cidr_block,
        availability_zone,
        availability_zone_id,
        tags,
    };
    let created = vpc::create_subnet(c.ctx(), req, None).await?.into_inner();
    let mut x = response(&c);
    x.open("subnet");
    write_subnet(&mut x, &created.value);
    x.close();
    Ok(x.finish())
}

pub(super) async fn describe_subnets(mut c: Call) -> Result<String> {
    let ids = c.params.list("SubnetId")?;
    let filters = c.params.filters()?;
    let max_results = c.params.int("MaxResults", 5..=1000)?;
    let next_token = c.params.take("NextToken");
    c.ready()?;
    let mut q = ListSubnets {
        region: Some(c.region.clone()),
        max_results: max_results.map(|n| n as u32),
        next_token,
        ..Default::default()
    };
    let mut zone_names: Option<Vec<String>> = None;
    let mut by_id: Option<Vec<String>> = None;
    let mut none = false;
    for f in &filters {
        match f.name.as_str() {
            "vpc-id" => q.vpc_id = any_of(f),
            "cidr-block" | "cidr" | "cidrBlock" => q.cidr_block = any_of(f),
            "availability-zone-id" | "availabilityZoneId" => q.availability_zone_id = any_of(f),
            // Zone names are the caller's; the domain filters by zone id.
            "availability-zone" | "availabilityZone" => zone_names = Some(f.values.clone()),
            "subnet-id" => by_id = Some(f.values.clone()),
            "state" => none |= !f.values.iter().any(|v| v == "available"),
            "default-for-az" | "defaultForAz" => none |= !f.values.iter().any(|v| v == "false"),
            n if is_tag_filter(n) => q.tags.push(tag_filter(f)),
            n => return Err(invalid_filter(n)),
        }
    }
    if let Some(names) = zone_names {
        let account = c.ctx().account()?.to_string();
        let zones: Vec<String> = names
            .iter()
            .filter_map(|n| catalog().zone_id_for_name(&account, n))
            .filter(|z| q.availability_zone_id.admits(z))
            .collect();
        none |= zones.is_empty();
        q.availability_zone_id = zones.into();
    }
    let mut x = response(&c);
    if none {
        x.open("subnetSet").close();
        return Ok(x.finish());
    }
    let keep = |s: &Subnet| {
        q.vpc_id.admits(&s.vpc_id)
            && q.cidr_block.admits(&s.cidr_block)
            && q.availability_zone_id.admits(&s.availability_zone_id)
            && q.tags.iter().all(|t| t.matches(&s.tags))
    };
    if !ids.is_empty() || by_id.is_some() {
        let c = &c;
        let mut subnets = by_ids(&ids, by_id.as_deref(), |id| async move {
            super::here::subnet(c, &id).await
        })
        .await?;
        subnets.retain(|s| keep(s));
        x.items("subnetSet", &subnets, write_subnet);
        return Ok(x.finish());
    }
    let (subnets, next) = vpc::list_subnets(c.ctx(), q.clone()).await?;
    x.items("subnetSet", &subnets, write_subnet);
    x.opt("nextToken", next.as_deref());
    Ok(x.finish())
}

pub(super) async fn delete_subnet(mut c: Call) -> Result<String> {
    let id = c.params.required("SubnetId")?;
    c.ready()?;
    super::here::subnet(&c, &id).await?;
    vpc::delete_subnet(c.ctx(), &id).await?;
    returned_true(&c)
}
