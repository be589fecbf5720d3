//! EC2 `2016-11-15`: the table of actions served, each parsing its
//! parameters (names from botocore's model: the query name is a member's
//! `locationName`, capitalised), calling the domain function the REST
//! front calls, and writing AWS's response shape (`requestId`,
//! `...Set`/`item` lists, `<return>` booleans).

use crate::aws::params::Filter;
use crate::aws::xml::Xml;
use crate::aws::{Action, Call, Service};
use crate::error::{Error, Result};
use crate::service::catalog;
use crate::service::network::vpc::{self, CreateVpcRequest, ListVpcs, Vpc};
use crate::store::tags::TagFilter;

pub const ACTIONS: &[Action] = &[
    Action {
        name: "DescribeRegions",
        handler: |c| Box::pin(describe_regions(c)),
    },
    Action {
        name: "DescribeAvailabilityZones",
        handler: |c| Box::pin(describe_availability_zones(c)),
    },
    Action {
        name: "CreateVpc",
        handler: |c| Box::pin(create_vpc(c)),
    },
    Action {
        name: "DescribeVpcs",
        handler: |c| Box::pin(describe_vpcs(c)),
    },
    Action {
        name: "DeleteVpc",
        handler: |c| Box::pin(delete_vpc(c)),
    },
];

/// `<XResponse xmlns=...><requestId>...</requestId>`, the rest to write.
fn response(c: &Call) -> Xml {
    let mut x = Xml::new(&format!("{}Response", c.action), Some(Service::Ec2.xmlns()));
    x.text("requestId", &c.request_id);
    x
}

fn invalid_filter(name: &str) -> Error {
    Error::invalid_value(format!("The filter '{name}' is invalid"))
}

/// Filters over values the front already holds (the catalog's): every
/// filter must match, one of its values at least. Exact matches only.
fn keep(
    filters: &[Filter],
    allowed: &[&str],
    value_of: impl Fn(&str) -> Vec<String>,
) -> Result<bool> {
    let mut all = true;
    for f in filters {
        if !allowed.contains(&f.name.as_str()) {
            return Err(invalid_filter(&f.name));
        }
        let have = value_of(&f.name);
        all &= f.values.iter().any(|v| have.contains(v));
    }
    Ok(all)
}

// ---- catalog ----

async fn describe_regions(mut c: Call) -> Result<String> {
    let names = c.params.list("RegionName")?;
    let _all = c.params.bool("AllRegions")?;
    let filters = c.params.filters()?;
    c.ready()?;
    let mut regions = Vec::new();
    if names.is_empty() {
        regions = catalog::regions(&c.caller, None)?;
    } else {
        for n in &names {
            regions.extend(catalog::regions(&c.caller, Some(n))?);
        }
    }
    let mut kept = Vec::new();
    for r in regions {
        let endpoint = format!("ec2.{}.amazonaws.com", r.region);
        let ok = keep(
            &filters,
            &["region-name", "endpoint", "opt-in-status"],
            |f| match f {
                "region-name" => vec![r.region.clone()],
                "endpoint" => vec![endpoint.clone()],
                _ => vec!["opt-in-not-required".to_string()],
            },
        )?;
        if ok {
            kept.push((r.region, endpoint));
        }
    }
    let mut x = response(&c);
    x.items("regionInfo", kept, |x, (name, endpoint)| {
        x.text("regionName", &name)
            .text("regionEndpoint", &endpoint)
            .text("optInStatus", "opt-in-not-required");
    });
    Ok(x.finish())
}

/// The zones of the signing region, in the caller's zone names (per
/// account, as on AWS), with their zone ids.
async fn describe_availability_zones(mut c: Call) -> Result<String> {
    let names = c.params.list("ZoneName")?;
    let ids = c.params.list("ZoneId")?;
    let _all = c.params.bool("AllAvailabilityZones")?;
    let filters = c.params.filters()?;
    c.ready()?;
    let zones = catalog::availability_zones(&c.caller, &c.region)?;
    for n in &names {
        if !zones.iter().any(|z| &z.zone_name == n) {
            return Err(Error::invalid_value(format!(
                "Invalid availability zone: [{n}]"
            )));
        }
    }
    for id in &ids {
        if !zones.iter().any(|z| &z.zone_id == id) {
            return Err(Error::invalid_value(format!(
                "Invalid availability zone ID: [{id}]"
            )));
        }
    }
    let mut kept = Vec::new();
    for z in zones {
        if (!names.is_empty() || !ids.is_empty())
            && !names.contains(&z.zone_name)
            && !ids.contains(&z.zone_id)
        {
            continue;
        }
        let ok = keep(
            &filters,
            &[
                "zone-name",
                "zone-id",
                "region-name",
                "state",
                "zone-type",
                "group-name",
                "opt-in-status",
            ],
            |f| match f {
                "zone-name" => vec![z.zone_name.clone()],
                "zone-id" => vec![z.zone_id.clone()],
                "region-name" | "group-name" => vec![z.region.clone()],
                "state" => vec!["available".to_string()],
                "zone-type" => vec!["availability-zone".to_string()],
                _ => vec!["opt-in-not-required".to_string()],
            },
        )?;
        if ok {
            kept.push(z);
        }
    }
    let mut x = response(&c);
    x.items("availabilityZoneInfo", kept, |x, z| {
        x.text("zoneName", &z.zone_name)
            .text("zoneState", "available")
            .text("regionName", &z.region)
            .text("zoneId", &z.zone_id)
            .text("groupName", &z.region)
            .text("networkBorderGroup", &z.region)
            .text("optInStatus", "opt-in-not-required")
            .text("zoneType", "availability-zone");
        x.open("messageSet").close();
    });
    Ok(x.finish())
}

// ---- VPCs ----

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

/// The tags of `TagSpecification.N` for a resource type; another type is
/// `InvalidParameterValue`, as on AWS.
fn tags_for(c: &mut Call, resource_type: &str) -> Result<Option<crate::store::tags::Tags>> {
    let specs = c.params.tag_specifications()?;
    if specs.is_empty() {
        return Ok(None);
    }
    let mut tags = crate::store::tags::Tags::new();
    for s in specs {
        match s.resource_type.as_deref() {
            Some(t) if t == resource_type => tags.extend(s.tags),
            Some(t) => {
                return Err(Error::invalid_value(format!(
                    "'{t}' is not a valid taggable resource type for this operation."
                )));
            }
            None => {
                return Err(Error::missing(
                    "The request must contain the parameter TagSpecification.N.ResourceType",
                ));
            }
        }
    }
    Ok(Some(tags))
}

async fn create_vpc(mut c: Call) -> Result<String> {
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

/// One value for a filter the domain narrows by (the domain's list takes
/// one value per field so far).
fn one_value(f: &Filter) -> Result<String> {
    match f.values.as_slice() {
        [v] => Ok(v.clone()),
        _ => Err(Error::invalid_value(format!(
            "linkplane takes exactly one value for the filter '{}' so far",
            f.name
        ))),
    }
}

async fn describe_vpcs(mut c: Call) -> Result<String> {
    let mut ids = c.params.list("VpcId")?;
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
            "cidr" | "cidr-block-association.cidr-block" => q.cidr_block = Some(one_value(f)?),
            "tag-key" => q.tags.push(TagFilter {
                key: one_value(f)?,
                value: None,
            }),
            n if n.starts_with("tag:") && n.len() > 4 => q.tags.push(TagFilter {
                key: n[4..].to_string(),
                value: Some(one_value(f)?),
            }),
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
        if q.cidr_block.is_some() || !q.tags.is_empty() {
            return Err(Error::validation(
                "InvalidParameterCombination",
                "linkplane does not yet combine VPC ids with cidr or tag filters",
            ));
        }
        // VpcId.N must all exist (InvalidVpcID.NotFound otherwise); the
        // vpc-id filter keeps those that do.
        let mut vpcs = Vec::new();
        for id in &ids {
            let v = vpc::get_vpc(c.ctx(), id).await?.value;
            // Resources are regional: another region's VPC is not found here.
            if v.region != c.region {
                return Err(vpc::vpc_not_found(id));
            }
            vpcs.push(v);
        }
        if let Some(f) = by_id {
            if !ids.is_empty() {
                vpcs.retain(|v| f.contains(&v.vpc_id));
            } else {
                ids = f;
                for id in &ids {
                    match vpc::get_vpc(c.ctx(), id).await {
                        Ok(v) => vpcs.push(v.value),
                        Err(e) if e.kind == crate::error::ErrorKind::NotFound => {}
                        Err(e) => return Err(e),
                    }
                }
            }
        }
        vpcs.retain(|v| v.region == c.region);
        x.items("vpcSet", &vpcs, write_vpc);
        return Ok(x.finish());
    }
    let (vpcs, next) = vpc::list_vpcs(c.ctx(), q).await?;
    x.items("vpcSet", &vpcs, write_vpc);
    x.opt("nextToken", next.as_deref());
    Ok(x.finish())
}

async fn delete_vpc(mut c: Call) -> Result<String> {
    let id = c.params.required("VpcId")?;
    c.ready()?;
    vpc::delete_vpc(c.ctx(), &id).await?;
    let mut x = response(&c);
    x.bool("return", true);
    Ok(x.finish())
}
