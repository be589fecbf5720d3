//! EC2's `CreateTags`/`DeleteTags`/`DescribeTags` over the domain's tags.
//!
//! Tags change where REST changes them: the update functions of VPCs
//! (`PATCH /v1/vpcs/{id}`), VPC endpoints and endpoint services, each
//! replacing the whole set (read, merge, write under the version read, so
//! a concurrent change is retried rather than lost). Subnets, security
//! groups and route tables take tags at create only, in REST and here.
//! `DescribeTags` reads every family the front lists.

use super::{invalid_filter, response, returned_true};
use crate::aws::Call;
use crate::error::{Error, ErrorKind, Result};
use crate::service::Precondition;
use crate::service::consumer::{self as cs, ListVpcEndpoints, UpdateVpcEndpointRequest};
use crate::service::network::routing::{self, ListRouteTables};
use crate::service::network::security::{self, ListSecurityGroups};
use crate::service::network::vpc::{self, ListSubnets, ListVpcs, UpdateVpcRequest};
use crate::service::producer::endpoint_service::{
    self as es, ListEndpointServices, UpdateEndpointServiceRequest,
};
use crate::store::tags::Tags;

/// EC2's resource type of an id, by its prefix.
fn resource_type(id: &str) -> Option<&'static str> {
    let (prefix, _) = id.rsplit_once('-')?;
    Some(match prefix {
        "vpc" => "vpc",
        "subnet" => "subnet",
        "sg" => "security-group",
        "rtb" => "route-table",
        "vpce" => "vpc-endpoint",
        "vpce-svc" => "vpc-endpoint-service",
        _ => return None,
    })
}

fn unknown_id(id: &str) -> Error {
    Error::invalid_value(format!(
        "Invalid id: \"{id}\" (expecting a taggable resource id)"
    ))
}

/// `Tag.N.Key` and `Tag.N.Value` (absent value: `None`).
fn tag_list(c: &mut Call, key_required: bool) -> Result<Vec<(String, Option<String>)>> {
    let mut out = Vec::new();
    for i in c.params.indices_of("Tag")? {
        let key = if key_required {
            c.params.required(&format!("Tag.{i}.Key"))?
        } else {
            c.params.take(&format!("Tag.{i}.Key")).unwrap_or_default()
        };
        let value = c.params.take(&format!("Tag.{i}.Value"));
        out.push((key, value));
    }
    Ok(out)
}

/// The resource's tags and an etag to write them under; another region's
/// resource is not found here (`super::here`'s rule).
async fn current(c: &Call, id: &str) -> Result<(Tags, String)> {
    let ctx = c.ctx();
    let here = |region: &str, gone: fn(&str) -> Error| {
        if region == c.region {
            Ok(())
        } else {
            Err(gone(id))
        }
    };
    match resource_type(id) {
        Some("vpc") => {
            let v = vpc::get_vpc(ctx, id).await?;
            here(&v.value.region, vpc::vpc_not_found)?;
            Ok((v.value.tags.clone(), v.etag()))
        }
        Some("vpc-endpoint") => {
            let v = cs::get_endpoint(ctx, id).await?;
            here(&v.value.region, cs::endpoint_not_found)?;
            Ok((v.value.tags.clone(), v.etag()))
        }
        Some("vpc-endpoint-service") => {
            let v = es::get_service(ctx, id).await?;
            here(&v.value.region, es::service_not_found)?;
            Ok((v.value.tags.clone(), v.etag()))
        }
        Some(t) => Err(Error::invalid_value(format!(
            "linkplane takes the tags of a {t} when it is created only (TagSpecification); {id} cannot be retagged yet"
        ))),
        None => Err(unknown_id(id)),
    }
}

async fn write(c: &Call, id: &str, tags: Tags, etag: String) -> Result<()> {
    let ctx = c.ctx();
    let pre = Precondition(Some(etag));
    match resource_type(id) {
        Some("vpc") => {
            let req = UpdateVpcRequest {
                enable_dns_support: None,
                enable_dns_hostnames: None,
                tags: Some(tags),
            };
            vpc::update_vpc(ctx, id, req, &pre).await?;
        }
        Some("vpc-endpoint") => {
            let req = UpdateVpcEndpointRequest {
                tags: Some(tags),
                ..Default::default()
            };
            cs::update_endpoint(ctx, c.state.settings.provision_delay, id, req, &pre).await?;
        }
        Some("vpc-endpoint-service") => {
            let req = UpdateEndpointServiceRequest {
                tags: Some(tags),
                ..Default::default()
            };
            es::update_service(ctx, id, req, &pre).await?;
        }
        _ => return Err(unknown_id(id)),
    }
    Ok(())
}

/// Before any write of a `CreateTags`/`DeleteTags` over several resources:
/// each must exist, be retaggable, and take its edited tags (the core's tag
/// rules), so that a call that fails fails before it changes anything.
/// (Each resource is then written in its own transaction, as AWS's own
/// retries would; a resource deleted in between fails on its own.)
async fn check_all(c: &Call, ids: &[String], f: &impl Fn(&mut Tags)) -> Result<()> {
    for id in ids {
        let (mut tags, _) = current(c, id).await?;
        f(&mut tags);
        linkplane_core::tags::validate_tags(&tags)?;
    }
    Ok(())
}

/// Reads, edits and writes a resource's tags, again when it changed meanwhile.
async fn edit(c: &Call, id: &str, f: impl Fn(&mut Tags)) -> Result<()> {
    let mut tries = 0;
    loop {
        let (mut tags, etag) = current(c, id).await?;
        let before = tags.clone();
        f(&mut tags);
        if tags == before {
            return Ok(());
        }
        match write(c, id, tags, etag).await {
            Err(e) if e.kind == ErrorKind::PreconditionFailed && tries < 5 => tries += 1,
            r => return r,
        }
    }
}

pub(super) async fn create_tags(mut c: Call) -> Result<String> {
    let ids = c.params.list("ResourceId")?;
    let tags = tag_list(&mut c, true)?;
    c.ready()?;
    if ids.is_empty() {
        return Err(Error::missing(
            "The request must contain the parameter ResourceId.N",
        ));
    }
    if tags.is_empty() {
        return Err(Error::missing(
            "The request must contain the parameter Tag.N",
        ));
    }
    let add = |t: &mut Tags| {
        for (k, v) in &tags {
            t.insert(k.clone(), v.clone().unwrap_or_default());
        }
    };
    check_all(&c, &ids, &add).await?;
    for id in &ids {
        edit(&c, id, add).await?;
    }
    returned_true(&c)
}

pub(super) async fn delete_tags(mut c: Call) -> Result<String> {
    let ids = c.params.list("ResourceId")?;
    let tags = tag_list(&mut c, false)?;
    c.ready()?;
    if ids.is_empty() {
        return Err(Error::missing(
            "The request must contain the parameter ResourceId.N",
        ));
    }
    let remove = |t: &mut Tags| {
        if tags.is_empty() {
            // No Tag.N: every tag goes (AWS keeps aws:-prefixed ones,
            // which linkplane does not make).
            t.clear();
        }
        for (k, v) in &tags {
            // With a value, only when it matches (an empty value
            // matches an empty value only, as on AWS).
            if v.as_ref().is_none_or(|v| t.get(k) == Some(v)) {
                t.remove(k);
            }
        }
    };
    check_all(&c, &ids, &remove).await?;
    for id in &ids {
        edit(&c, id, remove).await?;
    }
    returned_true(&c)
}

/// Every page of a domain list.
macro_rules! all_pages {
    ($list:expr, $q:expr) => {{
        let mut out = Vec::new();
        let mut q = $q;
        loop {
            let (items, next) = $list(q.clone()).await?;
            out.extend(items);
            match next {
                Some(n) => q.next_token = Some(n),
                None => break,
            }
        }
        out
    }};
}

/// (resource id, resource type, tags) of every resource of the families
/// wanted, in the call's region.
async fn tagged(c: &Call, families: &[&str]) -> Result<Vec<(String, &'static str, Tags)>> {
    let ctx = c.ctx();
    let region = Some(c.region.clone());
    let wants = |t: &str| families.is_empty() || families.contains(&t);
    let mut out = Vec::new();
    if wants("vpc") {
        let q = ListVpcs {
            region: region.clone(),
            max_results: Some(1000),
            ..Default::default()
        };
        for v in all_pages!(|q| vpc::list_vpcs(ctx, q), q) {
            out.push((v.vpc_id, "vpc", v.tags));
        }
    }
    if wants("subnet") {
        let q = ListSubnets {
            region: region.clone(),
            max_results: Some(1000),
            ..Default::default()
        };
        for s in all_pages!(|q| vpc::list_subnets(ctx, q), q) {
            out.push((s.subnet_id, "subnet", s.tags));
        }
    }
    if wants("security-group") {
        let q = ListSecurityGroups {
            region: region.clone(),
            max_results: Some(1000),
            ..Default::default()
        };
        for g in all_pages!(|q| security::list_security_groups(ctx, q), q) {
            out.push((g.group_id, "security-group", g.tags));
        }
    }
    if wants("route-table") {
        let q = ListRouteTables {
            region: region.clone(),
            max_results: Some(1000),
            ..Default::default()
        };
        for t in all_pages!(|q| routing::list_route_tables(ctx, q), q) {
            out.push((t.route_table_id, "route-table", t.tags));
        }
    }
    if wants("vpc-endpoint") {
        let q = ListVpcEndpoints {
            max_results: Some(1000),
            ..Default::default()
        };
        for e in all_pages!(|q| cs::list_endpoints(ctx, q), q) {
            if e.region == c.region {
                out.push((e.vpc_endpoint_id, "vpc-endpoint", e.tags));
            }
        }
    }
    if wants("vpc-endpoint-service") {
        let q = ListEndpointServices {
            region: region.clone(),
            max_results: Some(1000),
            ..Default::default()
        };
        for s in all_pages!(|q| es::list_services(ctx, q), q) {
            out.push((s.service_id, "vpc-endpoint-service", s.tags));
        }
    }
    Ok(out)
}

pub(super) async fn describe_tags(mut c: Call) -> Result<String> {
    let filters = c.params.filters()?;
    let max_results = c.params.int("MaxResults", 5..=1000)?.unwrap_or(1000) as usize;
    let next_token = c.params.take("NextToken");
    c.ready()?;
    let mut families: Vec<&str> = Vec::new();
    for f in &filters {
        match f.name.as_str() {
            "resource-type" => families.extend(f.values.iter().map(String::as_str)),
            "resource-id" => {
                families.extend(f.values.iter().filter_map(|v| resource_type(v)));
            }
            "key" | "value" | "tag-key" => {}
            n if n.starts_with("tag:") => {}
            n => return Err(invalid_filter(n)),
        }
    }
    // A resource-type filter naming only types linkplane has none of.
    let none = !families.is_empty()
        && !families.iter().any(|t| {
            [
                "vpc",
                "subnet",
                "security-group",
                "route-table",
                "vpc-endpoint",
                "vpc-endpoint-service",
            ]
            .contains(t)
        });
    let mut rows: Vec<(String, &'static str, String, String)> = Vec::new();
    if !none {
        for (id, kind, tags) in tagged(&c, &families).await? {
            let keep_resource = filters.iter().all(|f| match f.name.as_str() {
                "resource-type" => f.values.iter().any(|v| v == kind),
                "resource-id" => f.values.contains(&id),
                n if n.starts_with("tag:") => {
                    tags.get(&n[4..]).is_some_and(|v| f.values.contains(v))
                }
                _ => true,
            });
            if !keep_resource {
                continue;
            }
            for (k, v) in tags {
                let keep_tag = filters.iter().all(|f| match f.name.as_str() {
                    "key" | "tag-key" => f.values.contains(&k),
                    "value" => f.values.contains(&v),
                    _ => true,
                });
                if keep_tag {
                    rows.push((id.clone(), kind, k, v));
                }
            }
        }
    }
    rows.sort();
    // The token is the last (resource id, key) answered, hex-encoded.
    if let Some(t) = next_token {
        let after = decode(&t)
            .ok_or_else(|| Error::invalid_value(format!("The token '{t}' is invalid")))?;
        rows.retain(|(id, _, k, _)| {
            (id.as_str(), k.as_str()) > (after.0.as_str(), after.1.as_str())
        });
    }
    let next = (rows.len() > max_results).then(|| {
        let (id, _, k, _) = &rows[max_results - 1];
        encode(id, k)
    });
    rows.truncate(max_results);
    let mut x = response(&c);
    x.items("tagSet", &rows, |x, (id, kind, k, v)| {
        x.text("resourceId", id)
            .text("resourceType", kind)
            .text("key", k)
            .text("value", v);
    });
    x.opt("nextToken", next.as_deref());
    Ok(x.finish())
}

fn encode(id: &str, key: &str) -> String {
    format!("{id}\n{key}")
        .bytes()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn decode(t: &str) -> Option<(String, String)> {
    if !t.len().is_multiple_of(2) {
        return None;
    }
    let bytes: Option<Vec<u8>> = (0..t.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(t.get(i..i + 2)?, 16).ok())
        .collect();
    let s = String::from_utf8(bytes?).ok()?;
    let (id, key) = s.split_once('\n')?;
    Some((id.to_string(), key.to_string()))
}
