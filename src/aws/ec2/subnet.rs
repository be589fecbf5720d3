//! EC2's subnet actions over `service::network::vpc`, the functions REST's
//! `/v1/subnets` calls.

use super::{
    invalid_filter, is_tag_filter, one_value, response, returned_true, tag_filter, tags_for,
};
use crate::aws::Call;
use crate::aws::xml::Xml;
use crate::error::{ErrorKind, Result};
use crate::service::network::vpc::{self, CreateSubnetRequest, ListSubnets, Subnet};
use crate::store::tags::Tags;

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
            "vpc-id" => q.vpc_id = Some(one_value(f)?),
            "cidr-block" | "cidr" | "cidrBlock" => q.cidr_block = Some(one_value(f)?),
            "availability-zone-id" | "availabilityZoneId" => {
                q.availability_zone_id = Some(one_value(f)?)
            }
            // Zone names are the caller's; the domain filters by zone id,
            // so names are matched on what it answers.
            "availability-zone" | "availabilityZone" => zone_names = Some(f.values.clone()),
            "subnet-id" => by_id = Some(f.values.clone()),
            "state" => none |= !f.values.iter().any(|v| v == "available"),
            "default-for-az" | "defaultForAz" => none |= !f.values.iter().any(|v| v == "false"),
            n if is_tag_filter(n) => q.tags.push(tag_filter(f)?),
            n => return Err(invalid_filter(n)),
        }
    }
    let mut x = response(&c);
    if none {
        x.open("subnetSet").close();
        return Ok(x.finish());
    }
    let keep = |s: &Subnet| {
        q.vpc_id.as_ref().is_none_or(|v| &s.vpc_id == v)
            && q.cidr_block.as_ref().is_none_or(|v| &s.cidr_block == v)
            && q.availability_zone_id
                .as_ref()
                .is_none_or(|v| &s.availability_zone_id == v)
            && zone_names
                .as_ref()
                .is_none_or(|z| z.contains(&s.availability_zone))
            && q.tags.iter().all(|t| match (s.tags.get(&t.key), &t.value) {
                (Some(have), Some(want)) => have == want,
                (Some(_), None) => true,
                (None, _) => false,
            })
    };
    if !ids.is_empty() || by_id.is_some() {
        // SubnetId.N must all exist (InvalidSubnetID.NotFound otherwise);
        // the subnet-id filter keeps those that do.
        let mut subnets = Vec::new();
        for id in &ids {
            let s = vpc::get_subnet(c.ctx(), id).await?.value;
            if s.region != c.region {
                return Err(vpc::subnet_not_found(id));
            }
            subnets.push(s);
        }
        if let Some(f) = by_id {
            if !ids.is_empty() {
                subnets.retain(|s| f.contains(&s.subnet_id));
            } else {
                for id in &f {
                    match vpc::get_subnet(c.ctx(), id).await {
                        Ok(s) => subnets.push(s.value),
                        Err(e) if e.kind == ErrorKind::NotFound => {}
                        Err(e) => return Err(e),
                    }
                }
            }
        }
        subnets.retain(|s| s.region == c.region && keep(s));
        x.items("subnetSet", &subnets, write_subnet);
        return Ok(x.finish());
    }
    let (mut subnets, next) = vpc::list_subnets(c.ctx(), q.clone()).await?;
    subnets.retain(|s| keep(s));
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
