//! EC2's route table actions over `service::network::routing`, the
//! functions REST's `/v1/route-tables` calls.

use super::subnet::write_tags;
use super::{
    any_of, bool_filter, invalid_filter, is_tag_filter, response, returned_true, tag_filter,
    tags_for,
};
use crate::aws::Call;
use crate::aws::xml::Xml;
use crate::error::{Error, Result};
use crate::service::network::routing::{
    self, AssociateRouteTableRequest, CreateRouteRequest, CreateRouteTableRequest, ListRouteTables,
    Route, RouteTable, RouteTableAssociation,
};

/// AWS's `RouteOrigin` for the domain's (routes a gateway endpoint adds
/// read as `CreateRoute` on AWS too).
fn origin(o: &str) -> &'static str {
    match o {
        "create_route_table" => "CreateRouteTable",
        _ => "CreateRoute",
    }
}

fn write_route(x: &mut Xml, r: &Route) {
    x.opt("destinationCidrBlock", r.destination_cidr_block.as_deref())
        .opt(
            "destinationPrefixListId",
            r.destination_prefix_list_id.as_deref(),
        )
        // A gateway load balancer endpoint target reads as a gateway on AWS.
        .opt(
            "gatewayId",
            r.gateway_id.as_deref().or(r.vpc_endpoint_id.as_deref()),
        )
        .opt("natGatewayId", r.nat_gateway_id.as_deref())
        .opt("transitGatewayId", r.transit_gateway_id.as_deref())
        .opt("networkInterfaceId", r.network_interface_id.as_deref())
        .opt(
            "vpcPeeringConnectionId",
            r.vpc_peering_connection_id.as_deref(),
        )
        .text("state", &r.state)
        .text("origin", origin(&r.origin));
}

fn write_association(x: &mut Xml, a: &RouteTableAssociation) {
    x.bool("main", a.main)
        .text("routeTableAssociationId", &a.association_id)
        .text("routeTableId", &a.route_table_id)
        .opt("subnetId", a.subnet_id.as_deref())
        .open("associationState")
        .text("state", "associated")
        .close();
}

fn write_table(x: &mut Xml, t: &RouteTable) {
    x.text("routeTableId", &t.route_table_id)
        .text("vpcId", &t.vpc_id)
        .text("ownerId", &t.owner_id);
    x.items("routeSet", &t.routes, write_route);
    x.items("associationSet", &t.associations, write_association);
    x.open("propagatingVgwSet").close();
    write_tags(x, &t.tags);
}

pub(super) async fn create_route_table(mut c: Call) -> Result<String> {
    let vpc_id = c.params.required("VpcId")?;
    let client_token = c.params.take("ClientToken").filter(|v| !v.is_empty());
    let tags = tags_for(&mut c, "route-table")?;
    c.ready()?;
    let req = CreateRouteTableRequest { vpc_id, tags };
    let t = routing::create_route_table(c.ctx(), req, client_token.clone())
        .await?
        .into_inner()
        .value;
    let mut x = response(&c);
    x.open("routeTable");
    write_table(&mut x, &t);
    x.close();
    x.opt("clientToken", client_token.as_deref());
    Ok(x.finish())
}

pub(super) async fn describe_route_tables(mut c: Call) -> Result<String> {
    let ids = c.params.list("RouteTableId")?;
    let filters = c.params.filters()?;
    let max_results = c.params.int("MaxResults", 5..=100)?;
    let next_token = c.params.take("NextToken");
    c.ready()?;
    let mut q = ListRouteTables {
        region: Some(c.region.clone()),
        max_results: max_results.map(|n| n as u32),
        next_token,
        ..Default::default()
    };
    let mut by_id: Option<Vec<String>> = None;
    let mut subnet: Option<Vec<String>> = None;
    let mut association: Option<Vec<String>> = None;
    for f in &filters {
        match f.name.as_str() {
            "vpc-id" => q.vpc_id = any_of(f),
            "route-table-id" => by_id = Some(f.values.clone()),
            "association.main" => q.main = bool_filter(f)?,
            "association.subnet-id" => subnet = Some(f.values.clone()),
            "association.route-table-association-id" => association = Some(f.values.clone()),
            n if is_tag_filter(n) => q.tags.push(tag_filter(f)),
            n => return Err(invalid_filter(n)),
        }
    }
    let keep = |t: &RouteTable| {
        t.region == c.region
            && q.vpc_id.admits(&t.vpc_id)
            && q.main.is_none_or(|m| t.main == m)
            && by_id.as_ref().is_none_or(|v| v.contains(&t.route_table_id))
            && subnet.as_ref().is_none_or(|v| {
                t.associations
                    .iter()
                    .any(|a| a.subnet_id.as_ref().is_some_and(|s| v.contains(s)))
            })
            && association
                .as_ref()
                .is_none_or(|v| t.associations.iter().any(|a| v.contains(&a.association_id)))
            && q.tags.iter().all(|f| f.matches(&t.tags))
    };
    let mut x = response(&c);
    if !ids.is_empty() {
        let mut tables = Vec::new();
        for id in &ids {
            let t = routing::get_route_table(c.ctx(), id).await?.value;
            if t.region != c.region {
                return Err(crate::service::network::not_found(
                    "InvalidRouteTableID.NotFound",
                    "route table",
                    id,
                ));
            }
            tables.push(t);
        }
        tables.retain(|t| keep(t));
        x.items("routeTableSet", &tables, write_table);
        return Ok(x.finish());
    }
    let (mut tables, next) = routing::list_route_tables(c.ctx(), q.clone()).await?;
    tables.retain(|t| keep(t));
    x.items("routeTableSet", &tables, write_table);
    x.opt("nextToken", next.as_deref());
    Ok(x.finish())
}

pub(super) async fn delete_route_table(mut c: Call) -> Result<String> {
    let id = c.params.required("RouteTableId")?;
    c.ready()?;
    super::here::route_table(&c, &id).await?;
    routing::delete_route_table(c.ctx(), &id).await?;
    returned_true(&c)
}

pub(super) async fn create_route(mut c: Call) -> Result<String> {
    let table = c.params.required("RouteTableId")?;
    let p = &mut c.params;
    let req = CreateRouteRequest {
        destination_cidr_block: p.take("DestinationCidrBlock"),
        destination_prefix_list_id: p.take("DestinationPrefixListId"),
        gateway_id: p.take("GatewayId"),
        nat_gateway_id: p.take("NatGatewayId"),
        vpc_peering_connection_id: p.take("VpcPeeringConnectionId"),
        transit_gateway_id: p.take("TransitGatewayId"),
        network_interface_id: p.take("NetworkInterfaceId"),
        vpc_endpoint_id: p.take("VpcEndpointId"),
    };
    if p.take("InstanceId").is_some() {
        return Err(Error::invalid_value(
            "InstanceId: linkplane has no instances; route to a network interface",
        ));
    }
    c.ready()?;
    super::here::route_table(&c, &table).await?;
    routing::create_route(c.ctx(), &table, req, None).await?;
    returned_true(&c)
}

pub(super) async fn delete_route(mut c: Call) -> Result<String> {
    let table = c.params.required("RouteTableId")?;
    let cidr = c
        .params
        .take("DestinationCidrBlock")
        .filter(|v| !v.is_empty());
    let prefix_list = c
        .params
        .take("DestinationPrefixListId")
        .filter(|v| !v.is_empty());
    let destination = match (cidr, prefix_list) {
        (Some(d), None) | (None, Some(d)) => d,
        (None, None) => {
            return Err(Error::missing(
                "The request must contain the parameter DestinationCidrBlock or DestinationPrefixListId",
            ));
        }
        (Some(_), Some(_)) => {
            return Err(Error::validation(
                "InvalidParameterCombination",
                "give one of DestinationCidrBlock and DestinationPrefixListId",
            ));
        }
    };
    c.ready()?;
    super::here::route_table(&c, &table).await?;
    routing::delete_route(c.ctx(), &table, &destination).await?;
    returned_true(&c)
}

pub(super) async fn associate_route_table(mut c: Call) -> Result<String> {
    let table = c.params.required("RouteTableId")?;
    let subnet_id = c.params.required("SubnetId")?;
    if c.params.take("GatewayId").is_some() {
        return Err(Error::invalid_value(
            "GatewayId: linkplane associates route tables with subnets only",
        ));
    }
    c.ready()?;
    super::here::route_table(&c, &table).await?;
    let a = routing::associate(
        c.ctx(),
        &table,
        AssociateRouteTableRequest { subnet_id },
        None,
    )
    .await?
    .into_inner();
    let mut x = response(&c);
    x.text("associationId", &a.association_id)
        .open("associationState")
        .text("state", "associated")
        .close();
    Ok(x.finish())
}

pub(super) async fn disassociate_route_table(mut c: Call) -> Result<String> {
    let association_id = c.params.required("AssociationId")?;
    c.ready()?;
    // AWS names the association only; the domain's table is the one
    // holding it among the caller's tables of the region.
    let mut next_token = None;
    let table = loop {
        let q = ListRouteTables {
            region: Some(c.region.clone()),
            max_results: Some(1000),
            next_token,
            ..Default::default()
        };
        let (tables, next) = routing::list_route_tables(c.ctx(), q).await?;
        if let Some(t) = tables.iter().find(|t| {
            t.associations
                .iter()
                .any(|a| a.association_id == association_id)
        }) {
            break t.route_table_id.clone();
        }
        match next {
            Some(n) => next_token = Some(n),
            None => {
                return Err(Error::validation(
                    "InvalidAssociationID.NotFound",
                    format!("The association ID '{association_id}' does not exist"),
                ));
            }
        }
    };
    routing::disassociate(c.ctx(), &table, &association_id).await?;
    returned_true(&c)
}
