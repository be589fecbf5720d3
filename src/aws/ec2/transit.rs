//! EC2's transit gateway actions over `service::network::transit`, the
//! functions REST's `/v1/transit-gateways` calls.
//!
//! AWS keeps routes on transit gateway route tables; linkplane keeps them
//! on the gateway, which is what a gateway with only its default route
//! table is. So each gateway shows one route table, `tgw-rtb-<the gateway
//! id's suffix>`, its default association and propagation route table
//! (`associationDefaultRouteTableId`, `propagationDefaultRouteTableId`):
//! every attachment is associated with it and propagates into it, and the
//! route actions over that id act on the gateway's routes.

use super::subnet::write_tags;
use super::{here, invalid_filter, is_tag_filter, response, tag_filter, tags_for};
use crate::aws::Call;
use crate::aws::params::Filter;
use crate::aws::xml::Xml;
use crate::error::{Error, Result};
use crate::service::network::transit::{
    self, CreateAttachmentRequest, CreateTgwRouteRequest, CreateTransitGatewayRequest,
    ListAttachments, ListTransitGateways, TransitGateway, TransitGatewayAttachment,
    TransitGatewayRoute,
};
use crate::store::tags::Tags;
use linkplane_core::net::Ipv4Cidr;

/// The id of a gateway's one route table: `tgw-0abc` -> `tgw-rtb-0abc`.
pub(super) fn route_table_id(tgw_id: &str) -> String {
    format!("tgw-rtb-{}", tgw_id.strip_prefix("tgw-").unwrap_or(tgw_id))
}

/// The gateway a route table id names, if it names one.
pub(super) fn gateway_of(route_table_id: &str) -> Option<String> {
    route_table_id
        .strip_prefix("tgw-rtb-")
        .filter(|s| !s.is_empty())
        .map(|s| format!("tgw-{s}"))
}

/// The one value each option has on linkplane's gateways (AWS's defaults,
/// with the one route table for association and propagation).
const TGW_OPTIONS: &[(&str, &str, &str)] = &[
    ("AmazonSideAsn", "amazonSideAsn", "64512"),
    (
        "AutoAcceptSharedAttachments",
        "autoAcceptSharedAttachments",
        "disable",
    ),
    (
        "DefaultRouteTableAssociation",
        "defaultRouteTableAssociation",
        "enable",
    ),
    (
        "DefaultRouteTablePropagation",
        "defaultRouteTablePropagation",
        "enable",
    ),
    ("VpnEcmpSupport", "vpnEcmpSupport", "enable"),
    ("DnsSupport", "dnsSupport", "enable"),
    (
        "SecurityGroupReferencingSupport",
        "securityGroupReferencingSupport",
        "disable",
    ),
    ("MulticastSupport", "multicastSupport", "disable"),
];

const ATTACHMENT_OPTIONS: &[(&str, &str, &str)] = &[
    ("DnsSupport", "dnsSupport", "enable"),
    (
        "SecurityGroupReferencingSupport",
        "securityGroupReferencingSupport",
        "disable",
    ),
    ("Ipv6Support", "ipv6Support", "disable"),
    ("ApplianceModeSupport", "applianceModeSupport", "disable"),
];

/// `Options.X` parameters: each may only name the value linkplane has.
fn check_options(c: &mut Call, options: &[(&str, &str, &str)]) -> Result<()> {
    for (param, _, value) in options {
        let name = format!("Options.{param}");
        if let Some(v) = c.params.take(&name)
            && v != *value
        {
            return Err(Error::invalid_value(format!(
                "Value ({v}) for parameter {name} is invalid: linkplane's transit gateways have {value}"
            )));
        }
    }
    Ok(())
}

fn write_options(x: &mut Xml, options: &[(&'static str, &'static str, &'static str)]) {
    for (_, tag, value) in options {
        x.text(tag, value);
    }
}

/// Whether one value of a filter matches; `have` answers None for a name
/// the Describe does not document. `tag:<key>` and `tag-key` read `tags`.
fn matches(f: &Filter, tags: &Tags, have: impl Fn(&str) -> Option<Vec<String>>) -> Result<bool> {
    let values: Vec<String> = if let Some(key) = f.name.strip_prefix("tag:") {
        tags.get(key).cloned().into_iter().collect()
    } else if f.name == "tag-key" {
        tags.keys().cloned().collect()
    } else {
        have(&f.name).ok_or_else(|| invalid_filter(&f.name))?
    };
    Ok(f.values.iter().any(|v| values.contains(v)))
}

fn keep_all(
    filters: &[Filter],
    tags: &Tags,
    have: impl Fn(&str) -> Option<Vec<String>>,
) -> Result<bool> {
    for f in filters {
        if !matches(f, tags, &have)? {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Refuses an unknown filter name before anything is read.
fn check_filters(filters: &[Filter], have: impl Fn(&str) -> Option<Vec<String>>) -> Result<()> {
    for f in filters {
        if !is_tag_filter(&f.name) && have(&f.name).is_none() {
            return Err(invalid_filter(&f.name));
        }
    }
    Ok(())
}

// ---- transit gateways ----

fn tgw_values(t: &TransitGateway, name: &str) -> Option<Vec<String>> {
    let one = |s: &str| Some(vec![s.to_string()]);
    let rtb = route_table_id(&t.transit_gateway_id);
    match name {
        "transit-gateway-id" => one(&t.transit_gateway_id),
        "state" => one(&t.state),
        "owner-id" => one(&t.owner_id),
        "options.association-default-route-table-id"
        | "options.propagation-default-route-table-id" => one(&rtb),
        "options.amazon-side-asn" => one("64512"),
        "options.auto-accept-shared-attachments" => one("disable"),
        "options.default-route-table-association"
        | "options.default-route-table-propagation"
        | "options.dns-support"
        | "options.vpn-ecmp-support" => one("enable"),
        _ => None,
    }
}

fn write_tgw(x: &mut Xml, t: &TransitGateway, state: &str) {
    let rtb = route_table_id(&t.transit_gateway_id);
    x.text("transitGatewayId", &t.transit_gateway_id)
        .text(
            "transitGatewayArn",
            &format!(
                "arn:aws:ec2:{}:{}:transit-gateway/{}",
                t.region, t.owner_id, t.transit_gateway_id
            ),
        )
        .text("state", state)
        .text("ownerId", &t.owner_id)
        .text("description", &t.description)
        .text("creationTime", &t.creation_timestamp)
        .open("options");
    write_options(x, &TGW_OPTIONS[..4]);
    x.text("associationDefaultRouteTableId", &rtb)
        .text("propagationDefaultRouteTableId", &rtb);
    write_options(x, &TGW_OPTIONS[4..]);
    x.close();
    write_tags(x, &t.tags);
}

pub(super) async fn create_transit_gateway(mut c: Call) -> Result<String> {
    let description = c.params.take("Description");
    check_options(&mut c, TGW_OPTIONS)?;
    if !c
        .params
        .list("Options.TransitGatewayCidrBlocks")?
        .is_empty()
    {
        return Err(Error::invalid_value(
            "Options.TransitGatewayCidrBlocks: linkplane's transit gateways attach VPCs only and take no CIDR blocks",
        ));
    }
    let tags = tags_for(&mut c, "transit-gateway")?;
    c.ready()?;
    let req = CreateTransitGatewayRequest {
        region: None,
        description,
        tags,
    };
    let t = transit::create_transit_gateway(c.ctx(), req, None)
        .await?
        .into_inner()
        .value;
    let mut x = response(&c);
    x.open("transitGateway");
    write_tgw(&mut x, &t, &t.state);
    x.close();
    Ok(x.finish())
}

pub(super) async fn describe_transit_gateways(mut c: Call) -> Result<String> {
    let ids = c.params.list("TransitGatewayIds")?;
    let filters = c.params.filters()?;
    let max_results = c.params.int("MaxResults", 5..=1000)?;
    let next_token = c.params.take("NextToken");
    check_filters(&filters, |n| TGW_FILTERS.contains(&n).then(Vec::new))?;
    c.ready()?;
    let mut x = response(&c);
    let keep = |t: &TransitGateway| keep_all(&filters, &t.tags, |n| tgw_values(t, n));
    if !ids.is_empty() {
        let mut found = Vec::new();
        for id in &ids {
            let t = here::transit_gateway(&c, id).await?;
            if keep(&t)? {
                found.push(t);
            }
        }
        x.items("transitGatewaySet", &found, |x, t| {
            write_tgw(x, t, &t.state)
        });
        return Ok(x.finish());
    }
    let mut q = ListTransitGateways {
        region: Some(c.region.clone()),
        max_results: max_results.map(|n| n as u32),
        next_token,
        ..Default::default()
    };
    for f in &filters {
        if is_tag_filter(&f.name) && f.values.len() == 1 {
            q.tags.push(tag_filter(f));
        }
    }
    let (mut found, next) = transit::list_transit_gateways(c.ctx(), q).await?;
    found.retain(|t| keep(t).unwrap_or(false));
    x.items("transitGatewaySet", &found, |x, t| {
        write_tgw(x, t, &t.state)
    });
    x.opt("nextToken", next.as_deref());
    Ok(x.finish())
}

/// The filter names of DescribeTransitGateways (besides the tag filters).
const TGW_FILTERS: &[&str] = &[
    "transit-gateway-id",
    "state",
    "owner-id",
    "options.association-default-route-table-id",
    "options.propagation-default-route-table-id",
    "options.amazon-side-asn",
    "options.auto-accept-shared-attachments",
    "options.default-route-table-association",
    "options.default-route-table-propagation",
    "options.dns-support",
    "options.vpn-ecmp-support",
];

pub(super) async fn delete_transit_gateway(mut c: Call) -> Result<String> {
    let id = c.params.required("TransitGatewayId")?;
    c.ready()?;
    let t = here::transit_gateway(&c, &id).await?;
    transit::delete_transit_gateway(c.ctx(), &id).await?;
    let mut x = response(&c);
    x.open("transitGateway");
    write_tgw(&mut x, &t, "deleted");
    x.close();
    Ok(x.finish())
}

// ---- VPC attachments ----

fn write_attachment(x: &mut Xml, a: &TransitGatewayAttachment, state: &str) {
    x.text(
        "transitGatewayAttachmentId",
        &a.transit_gateway_attachment_id,
    )
    .text("transitGatewayId", &a.transit_gateway_id)
    .text("vpcId", &a.vpc_id)
    .text("vpcOwnerId", &a.vpc_owner_id)
    .text("state", state);
    x.open("subnetIds");
    for s in &a.subnet_ids {
        x.text("item", s);
    }
    x.close()
        .text("creationTime", &a.creation_timestamp)
        .open("options");
    write_options(x, ATTACHMENT_OPTIONS);
    x.close();
}

const ATTACHMENT_FILTERS: &[&str] = &[
    "transit-gateway-attachment-id",
    "transit-gateway-id",
    "vpc-id",
    "state",
];

fn attachment_values(a: &TransitGatewayAttachment, name: &str) -> Option<Vec<String>> {
    let v = match name {
        "transit-gateway-attachment-id" => &a.transit_gateway_attachment_id,
        "transit-gateway-id" => &a.transit_gateway_id,
        "vpc-id" => &a.vpc_id,
        "state" => &a.state,
        _ => return None,
    };
    Some(vec![v.clone()])
}

pub(super) async fn create_transit_gateway_vpc_attachment(mut c: Call) -> Result<String> {
    let tgw_id = c.params.required("TransitGatewayId")?;
    let vpc_id = c.params.required("VpcId")?;
    let subnet_ids = c.params.list("SubnetIds")?;
    if subnet_ids.is_empty() {
        return Err(Error::missing(
            "The request must contain the parameter SubnetIds",
        ));
    }
    check_options(&mut c, ATTACHMENT_OPTIONS)?;
    if !c
        .params
        .tag_specifications_at("TagSpecifications")?
        .is_empty()
    {
        return Err(Error::invalid_value(
            "TagSpecifications: linkplane's transit gateway attachments take no tags yet",
        ));
    }
    c.ready()?;
    here::transit_gateway(&c, &tgw_id).await?;
    let req = CreateAttachmentRequest {
        vpc_id: vpc_id.clone(),
        subnet_ids,
    };
    let t = transit::create_attachment(c.ctx(), &tgw_id, req, None)
        .await?
        .into_inner()
        .value;
    let a = t
        .attachments
        .iter()
        .find(|a| a.vpc_id == vpc_id)
        .ok_or_else(|| Error::internal("the new attachment is not on its gateway"))?;
    let mut x = response(&c);
    x.open("transitGatewayVpcAttachment");
    write_attachment(&mut x, a, &a.state);
    x.close();
    Ok(x.finish())
}

pub(super) async fn describe_transit_gateway_vpc_attachments(mut c: Call) -> Result<String> {
    let ids = c.params.list("TransitGatewayAttachmentIds")?;
    let filters = c.params.filters()?;
    let max_results = c.params.int("MaxResults", 5..=1000)?;
    let next_token = c.params.take("NextToken");
    check_filters(&filters, |n| ATTACHMENT_FILTERS.contains(&n).then(Vec::new))?;
    c.ready()?;
    // Attachments carry no tags: a tag filter matches none.
    let none = Tags::new();
    let keep = |a: &TransitGatewayAttachment| {
        keep_all(&filters, &none, |n| attachment_values(a, n)).unwrap_or(false)
    };
    let mut x = response(&c);
    if !ids.is_empty() {
        let mut found = Vec::new();
        for id in &ids {
            found.push(here::attachment(&c, id).await?);
        }
        found.retain(|a| keep(a));
        x.items("transitGatewayVpcAttachments", &found, |x, a| {
            write_attachment(x, a, &a.state)
        });
        return Ok(x.finish());
    }
    let mut q = ListAttachments {
        region: Some(c.region.clone()),
        max_results: max_results.map(|n| n as u32),
        next_token,
        ..Default::default()
    };
    for f in &filters {
        if let [v] = f.values.as_slice() {
            match f.name.as_str() {
                "transit-gateway-id" => q.transit_gateway_id = Some(v.clone()),
                "vpc-id" => q.vpc_id = Some(v.clone()),
                _ => {}
            }
        }
    }
    let (mut found, next) = transit::list_attachments(c.ctx(), q).await?;
    found.retain(|a| keep(a));
    x.items("transitGatewayVpcAttachments", &found, |x, a| {
        write_attachment(x, a, &a.state)
    });
    x.opt("nextToken", next.as_deref());
    Ok(x.finish())
}

pub(super) async fn delete_transit_gateway_vpc_attachment(mut c: Call) -> Result<String> {
    let id = c.params.required("TransitGatewayAttachmentId")?;
    c.ready()?;
    let a = here::attachment(&c, &id).await?;
    transit::delete_attachment(c.ctx(), &a.transit_gateway_id, &id).await?;
    let mut x = response(&c);
    x.open("transitGatewayVpcAttachment");
    write_attachment(&mut x, &a, "deleted");
    x.close();
    Ok(x.finish())
}

// ---- the route table and its routes ----

const ROUTE_TABLE_FILTERS: &[&str] = &[
    "transit-gateway-route-table-id",
    "transit-gateway-id",
    "state",
    "default-association-route-table",
    "default-propagation-route-table",
];

fn route_table_values(t: &TransitGateway, name: &str) -> Option<Vec<String>> {
    let v = match name {
        "transit-gateway-route-table-id" => route_table_id(&t.transit_gateway_id),
        "transit-gateway-id" => t.transit_gateway_id.clone(),
        "state" => t.state.clone(),
        "default-association-route-table" | "default-propagation-route-table" => "true".into(),
        _ => return None,
    };
    Some(vec![v])
}

fn write_route_table(x: &mut Xml, t: &TransitGateway) {
    x.text(
        "transitGatewayRouteTableId",
        &route_table_id(&t.transit_gateway_id),
    )
    .text("transitGatewayId", &t.transit_gateway_id)
    .text("state", &t.state)
    .bool("defaultAssociationRouteTable", true)
    .bool("defaultPropagationRouteTable", true)
    .text("creationTime", &t.creation_timestamp);
}

pub(super) async fn describe_transit_gateway_route_tables(mut c: Call) -> Result<String> {
    let ids = c.params.list("TransitGatewayRouteTableIds")?;
    let filters = c.params.filters()?;
    let max_results = c.params.int("MaxResults", 5..=1000)?;
    let next_token = c.params.take("NextToken");
    check_filters(&filters, |n| {
        ROUTE_TABLE_FILTERS.contains(&n).then(Vec::new)
    })?;
    c.ready()?;
    // The route table carries no tags of its own: a tag filter matches none.
    let none = Tags::new();
    let keep = |t: &TransitGateway| {
        keep_all(&filters, &none, |n| route_table_values(t, n)).unwrap_or(false)
    };
    let mut x = response(&c);
    if !ids.is_empty() {
        let mut found = Vec::new();
        for id in &ids {
            found.push(here::tgw_route_table(&c, id).await?);
        }
        found.retain(|t| keep(t));
        x.items("transitGatewayRouteTables", &found, write_route_table);
        return Ok(x.finish());
    }
    let q = ListTransitGateways {
        region: Some(c.region.clone()),
        max_results: max_results.map(|n| n as u32),
        next_token,
        ..Default::default()
    };
    let (mut found, next) = transit::list_transit_gateways(c.ctx(), q).await?;
    found.retain(|t| keep(t));
    x.items("transitGatewayRouteTables", &found, write_route_table);
    x.opt("nextToken", next.as_deref());
    Ok(x.finish())
}

fn write_route(x: &mut Xml, t: &TransitGateway, r: &TransitGatewayRoute, state: &str) {
    x.text("destinationCidrBlock", &r.destination_cidr_block);
    if let Some(att) = &r.transit_gateway_attachment_id {
        // A route to a deleted attachment names it still (a blackhole).
        let vpc = t
            .attachments
            .iter()
            .find(|a| &a.transit_gateway_attachment_id == att)
            .map(|a| a.vpc_id.as_str());
        x.items("transitGatewayAttachments", [att], |x, att| {
            x.opt("resourceId", vpc)
                .text("transitGatewayAttachmentId", att)
                .text("resourceType", "vpc");
        });
    }
    x.text("type", &r.r#type).text("state", state);
}

/// `DestinationCidrBlock` as the domain writes it (`10.1.0.0/16`).
fn cidr_param(c: &mut Call) -> Result<Ipv4Cidr> {
    let v = c.params.required("DestinationCidrBlock")?;
    Ok(Ipv4Cidr::parse_param("DestinationCidrBlock", &v)?)
}

fn route_to<'a>(t: &'a TransitGateway, cidr: &Ipv4Cidr) -> Option<&'a TransitGatewayRoute> {
    let want = cidr.to_string();
    t.routes
        .iter()
        .find(|r| r.r#type == "static" && r.destination_cidr_block == want)
}

pub(super) async fn create_transit_gateway_route(mut c: Call) -> Result<String> {
    let rtb = c.params.required("TransitGatewayRouteTableId")?;
    let cidr = cidr_param(&mut c)?;
    let attachment = c
        .params
        .take("TransitGatewayAttachmentId")
        .filter(|v| !v.is_empty());
    let blackhole = c.params.bool("Blackhole")?;
    c.ready()?;
    let t = here::tgw_route_table(&c, &rtb).await?;
    let req = CreateTgwRouteRequest {
        destination_cidr_block: cidr.to_string(),
        transit_gateway_attachment_id: attachment,
        blackhole,
    };
    let t = transit::create_route(c.ctx(), &t.transit_gateway_id, req, None)
        .await?
        .into_inner()
        .value;
    let r = route_to(&t, &cidr).ok_or_else(|| Error::internal("the new route is not there"))?;
    let mut x = response(&c);
    x.open("route");
    write_route(&mut x, &t, r, &r.state);
    x.close();
    Ok(x.finish())
}

pub(super) async fn delete_transit_gateway_route(mut c: Call) -> Result<String> {
    let rtb = c.params.required("TransitGatewayRouteTableId")?;
    let cidr = cidr_param(&mut c)?;
    c.ready()?;
    let t = here::tgw_route_table(&c, &rtb).await?;
    transit::delete_route(c.ctx(), &t.transit_gateway_id, &cidr.to_string()).await?;
    let mut x = response(&c);
    // The domain removed a static route; it was there.
    if let Some(r) = route_to(&t, &cidr) {
        x.open("route");
        write_route(&mut x, &t, r, "deleted");
        x.close();
    }
    Ok(x.finish())
}

/// Whether a route passes one of SearchTransitGatewayRoutes' filters.
fn route_passes(
    t: &TransitGateway,
    r: &TransitGatewayRoute,
    all: &[&TransitGatewayRoute],
    f: &Filter,
) -> Result<bool> {
    let dest = Ipv4Cidr::parse(&r.destination_cidr_block)?;
    let cidrs = || -> Result<Vec<Ipv4Cidr>> {
        f.values
            .iter()
            .map(|v| {
                let v = if v.contains('/') {
                    v.clone()
                } else {
                    format!("{v}/32")
                };
                Ok(Ipv4Cidr::parse_param(&f.name, &v)?)
            })
            .collect()
    };
    let attachment = r.transit_gateway_attachment_id.as_deref();
    let has = |v: Option<&str>| v.is_some_and(|v| f.values.iter().any(|w| w == v));
    Ok(match f.name.as_str() {
        "route-search.exact-match" => cidrs()?.contains(&dest),
        "route-search.subnet-of-match" => cidrs()?.iter().any(|c| c.contains(&dest)),
        "route-search.supernet-of-match" => cidrs()?.iter().any(|c| dest.contains(c)),
        "route-search.longest-prefix-match" => cidrs()?.iter().any(|c| {
            dest.contains(c)
                && !all.iter().any(|o| {
                    Ipv4Cidr::parse(&o.destination_cidr_block)
                        .is_ok_and(|o| o.contains(c) && o.prefix_len() > dest.prefix_len())
                })
        }),
        "type" => has(Some(&r.r#type)),
        "state" => has(Some(&r.state)),
        "attachment.transit-gateway-attachment-id" => has(attachment),
        "attachment.resource-id" => has(attachment.and_then(|a| {
            t.attachments
                .iter()
                .find(|x| x.transit_gateway_attachment_id == a)
                .map(|x| x.vpc_id.as_str())
        })),
        "attachment.resource-type" => attachment.is_some() && has(Some("vpc")),
        // linkplane's routes go to CIDR blocks, never prefix lists.
        "prefix-list-id" => false,
        n => return Err(invalid_filter(n)),
    })
}

pub(super) async fn search_transit_gateway_routes(mut c: Call) -> Result<String> {
    let rtb = c.params.required("TransitGatewayRouteTableId")?;
    let filters = c.params.filters()?;
    if filters.is_empty() {
        return Err(Error::missing(
            "The request must contain the parameter Filters",
        ));
    }
    let max_results = c.params.int("MaxResults", 5..=1000)?.unwrap_or(1000) as usize;
    // The token is the last destination of the previous page: routes are
    // answered in order of their destination.
    let after = match c.params.take("NextToken").filter(|v| !v.is_empty()) {
        None => None,
        Some(t) => Some(
            Ipv4Cidr::parse(&t)
                .map_err(|_| Error::invalid_value(format!("The token '{t}' is invalid")))?,
        ),
    };
    c.ready()?;
    let t = here::tgw_route_table(&c, &rtb).await?;
    let key = |r: &TransitGatewayRoute| {
        Ipv4Cidr::parse(&r.destination_cidr_block)
            .map(|d| (d.network(), d.prefix_len()))
            .unwrap_or_default()
    };
    let all: Vec<&TransitGatewayRoute> = t.routes.iter().collect();
    let mut found = Vec::new();
    for r in &t.routes {
        let mut pass = true;
        for f in &filters {
            pass &= route_passes(&t, r, &all, f)?;
        }
        if pass
            && after
                .as_ref()
                .is_none_or(|a| key(r) > (a.network(), a.prefix_len()))
        {
            found.push(r);
        }
    }
    found.sort_by_key(|r| key(r));
    let more = found.len() > max_results;
    found.truncate(max_results);
    let mut x = response(&c);
    x.items("routeSet", &found, |x, r| write_route(x, &t, r, &r.state));
    x.bool("additionalRoutesAvailable", more);
    if more && let Some(last) = found.last() {
        x.text("nextToken", &last.destination_cidr_block);
    }
    Ok(x.finish())
}

#[cfg(test)]
mod tests {
    use super::{gateway_of, route_table_id};

    #[test]
    fn a_gateways_route_table_id_names_the_gateway() {
        assert_eq!(route_table_id("tgw-0abc123"), "tgw-rtb-0abc123");
        assert_eq!(
            gateway_of("tgw-rtb-0abc123").as_deref(),
            Some("tgw-0abc123")
        );
        assert_eq!(gateway_of("tgw-rtb-"), None);
        assert_eq!(gateway_of("rtb-0abc"), None);
    }
}
