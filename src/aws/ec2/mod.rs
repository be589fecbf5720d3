//! EC2 `2016-11-15`: the table of actions served, each parsing its
//! parameters (names from botocore's model: the query name is a member's
//! `locationName`, capitalised), calling the domain function the REST
//! front calls, and writing AWS's response shape (`requestId`,
//! `...Set`/`item` lists, `<return>` booleans).

mod catalog;
mod endpoint_services;
mod endpoints;
mod gateways;
mod interfaces;
mod notifications;
mod peering;
mod prefix_lists;
mod routing;
mod security;
mod subnet;
mod tags;
mod transit;
mod vpc;

use crate::aws::params::Filter;
use crate::aws::xml::Xml;
use crate::aws::{Action, Call, Service};
use crate::error::{Error, ErrorKind, Result};
use crate::service::producer::connections::UnsuccessfulItem;
use crate::store::filter::AnyOf;
use crate::store::tags::{TagFilter, Tags};
use catalog::{describe_availability_zones, describe_regions};
use std::future::Future;
use std::pin::Pin;
use vpc::{create_vpc, delete_vpc, describe_vpcs};

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
    Action {
        name: "CreateSubnet",
        handler: |c| Box::pin(subnet::create_subnet(c)),
    },
    Action {
        name: "DescribeSubnets",
        handler: |c| Box::pin(subnet::describe_subnets(c)),
    },
    Action {
        name: "DeleteSubnet",
        handler: |c| Box::pin(subnet::delete_subnet(c)),
    },
    Action {
        name: "CreateSecurityGroup",
        handler: |c| Box::pin(security::create_security_group(c)),
    },
    Action {
        name: "DescribeSecurityGroups",
        handler: |c| Box::pin(security::describe_security_groups(c)),
    },
    Action {
        name: "DeleteSecurityGroup",
        handler: |c| Box::pin(security::delete_security_group(c)),
    },
    Action {
        name: "AuthorizeSecurityGroupIngress",
        handler: |c| Box::pin(security::authorize_ingress(c)),
    },
    Action {
        name: "AuthorizeSecurityGroupEgress",
        handler: |c| Box::pin(security::authorize_egress(c)),
    },
    Action {
        name: "RevokeSecurityGroupIngress",
        handler: |c| Box::pin(security::revoke_ingress(c)),
    },
    Action {
        name: "RevokeSecurityGroupEgress",
        handler: |c| Box::pin(security::revoke_egress(c)),
    },
    Action {
        name: "CreateRouteTable",
        handler: |c| Box::pin(routing::create_route_table(c)),
    },
    Action {
        name: "DescribeRouteTables",
        handler: |c| Box::pin(routing::describe_route_tables(c)),
    },
    Action {
        name: "DeleteRouteTable",
        handler: |c| Box::pin(routing::delete_route_table(c)),
    },
    Action {
        name: "CreateRoute",
        handler: |c| Box::pin(routing::create_route(c)),
    },
    Action {
        name: "DeleteRoute",
        handler: |c| Box::pin(routing::delete_route(c)),
    },
    Action {
        name: "AssociateRouteTable",
        handler: |c| Box::pin(routing::associate_route_table(c)),
    },
    Action {
        name: "DisassociateRouteTable",
        handler: |c| Box::pin(routing::disassociate_route_table(c)),
    },
    Action {
        name: "CreateTags",
        handler: |c| Box::pin(tags::create_tags(c)),
    },
    Action {
        name: "DeleteTags",
        handler: |c| Box::pin(tags::delete_tags(c)),
    },
    Action {
        name: "DescribeTags",
        handler: |c| Box::pin(tags::describe_tags(c)),
    },
    Action {
        name: "DescribeVpcEndpointServices",
        handler: |c| Box::pin(endpoints::describe_vpc_endpoint_services(c)),
    },
    Action {
        name: "CreateVpcEndpoint",
        handler: |c| Box::pin(endpoints::create_vpc_endpoint(c)),
    },
    Action {
        name: "DescribeVpcEndpoints",
        handler: |c| Box::pin(endpoints::describe_vpc_endpoints(c)),
    },
    Action {
        name: "ModifyVpcEndpoint",
        handler: |c| Box::pin(endpoints::modify_vpc_endpoint(c)),
    },
    Action {
        name: "DeleteVpcEndpoints",
        handler: |c| Box::pin(endpoints::delete_vpc_endpoints(c)),
    },
    Action {
        name: "CreateVpcEndpointServiceConfiguration",
        handler: |c| Box::pin(endpoint_services::create_vpc_endpoint_service_configuration(c)),
    },
    Action {
        name: "DescribeVpcEndpointServiceConfigurations",
        handler: |c| Box::pin(endpoint_services::describe_vpc_endpoint_service_configurations(c)),
    },
    Action {
        name: "ModifyVpcEndpointServiceConfiguration",
        handler: |c| Box::pin(endpoint_services::modify_vpc_endpoint_service_configuration(c)),
    },
    Action {
        name: "DeleteVpcEndpointServiceConfigurations",
        handler: |c| Box::pin(endpoint_services::delete_vpc_endpoint_service_configurations(c)),
    },
    Action {
        name: "DescribeVpcEndpointServicePermissions",
        handler: |c| Box::pin(endpoint_services::describe_vpc_endpoint_service_permissions(c)),
    },
    Action {
        name: "ModifyVpcEndpointServicePermissions",
        handler: |c| {
            Box::pin(endpoint_services::modify_vpc_endpoint_service_permissions(
                c,
            ))
        },
    },
    Action {
        name: "DescribeVpcEndpointConnections",
        handler: |c| Box::pin(endpoint_services::describe_vpc_endpoint_connections(c)),
    },
    Action {
        name: "AcceptVpcEndpointConnections",
        handler: |c| Box::pin(endpoint_services::accept_vpc_endpoint_connections(c)),
    },
    Action {
        name: "RejectVpcEndpointConnections",
        handler: |c| Box::pin(endpoint_services::reject_vpc_endpoint_connections(c)),
    },
    Action {
        name: "StartVpcEndpointServicePrivateDnsVerification",
        handler: |c| {
            Box::pin(endpoint_services::start_vpc_endpoint_service_private_dns_verification(c))
        },
    },
    Action {
        name: "ModifyVpcEndpointServicePayerResponsibility",
        handler: |c| {
            Box::pin(endpoint_services::modify_vpc_endpoint_service_payer_responsibility(c))
        },
    },
    Action {
        name: "CreateInternetGateway",
        handler: |c| Box::pin(gateways::create_internet_gateway(c)),
    },
    Action {
        name: "DescribeInternetGateways",
        handler: |c| Box::pin(gateways::describe_internet_gateways(c)),
    },
    Action {
        name: "DeleteInternetGateway",
        handler: |c| Box::pin(gateways::delete_internet_gateway(c)),
    },
    Action {
        name: "AttachInternetGateway",
        handler: |c| Box::pin(gateways::attach_internet_gateway(c)),
    },
    Action {
        name: "DetachInternetGateway",
        handler: |c| Box::pin(gateways::detach_internet_gateway(c)),
    },
    Action {
        name: "CreateNatGateway",
        handler: |c| Box::pin(gateways::create_nat_gateway(c)),
    },
    Action {
        name: "DescribeNatGateways",
        handler: |c| Box::pin(gateways::describe_nat_gateways(c)),
    },
    Action {
        name: "DeleteNatGateway",
        handler: |c| Box::pin(gateways::delete_nat_gateway(c)),
    },
    Action {
        name: "CreateNetworkInterface",
        handler: |c| Box::pin(interfaces::create_network_interface(c)),
    },
    Action {
        name: "DescribeNetworkInterfaces",
        handler: |c| Box::pin(interfaces::describe_network_interfaces(c)),
    },
    Action {
        name: "DeleteNetworkInterface",
        handler: |c| Box::pin(interfaces::delete_network_interface(c)),
    },
    Action {
        name: "DescribePrefixLists",
        handler: |c| Box::pin(prefix_lists::describe_prefix_lists(c)),
    },
    Action {
        name: "DescribeManagedPrefixLists",
        handler: |c| Box::pin(prefix_lists::describe_managed_prefix_lists(c)),
    },
    Action {
        name: "GetManagedPrefixListEntries",
        handler: |c| Box::pin(prefix_lists::get_managed_prefix_list_entries(c)),
    },
    Action {
        name: "DescribeVpcAttribute",
        handler: |c| Box::pin(vpc::describe_vpc_attribute(c)),
    },
    Action {
        name: "ModifyVpcAttribute",
        handler: |c| Box::pin(vpc::modify_vpc_attribute(c)),
    },
    Action {
        name: "CreateVpcEndpointConnectionNotification",
        handler: |c| {
            Box::pin(notifications::create_vpc_endpoint_connection_notification(
                c,
            ))
        },
    },
    Action {
        name: "DescribeVpcEndpointConnectionNotifications",
        handler: |c| Box::pin(notifications::describe_vpc_endpoint_connection_notifications(c)),
    },
    Action {
        name: "ModifyVpcEndpointConnectionNotification",
        handler: |c| {
            Box::pin(notifications::modify_vpc_endpoint_connection_notification(
                c,
            ))
        },
    },
    Action {
        name: "DeleteVpcEndpointConnectionNotifications",
        handler: |c| {
            Box::pin(notifications::delete_vpc_endpoint_connection_notifications(
                c,
            ))
        },
    },
    Action {
        name: "CreateVpcPeeringConnection",
        handler: |c| Box::pin(peering::create_vpc_peering_connection(c)),
    },
    Action {
        name: "DescribeVpcPeeringConnections",
        handler: |c| Box::pin(peering::describe_vpc_peering_connections(c)),
    },
    Action {
        name: "AcceptVpcPeeringConnection",
        handler: |c| Box::pin(peering::accept_vpc_peering_connection(c)),
    },
    Action {
        name: "RejectVpcPeeringConnection",
        handler: |c| Box::pin(peering::reject_vpc_peering_connection(c)),
    },
    Action {
        name: "DeleteVpcPeeringConnection",
        handler: |c| Box::pin(peering::delete_vpc_peering_connection(c)),
    },
    Action {
        name: "CreateTransitGateway",
        handler: |c| Box::pin(transit::create_transit_gateway(c)),
    },
    Action {
        name: "DescribeTransitGateways",
        handler: |c| Box::pin(transit::describe_transit_gateways(c)),
    },
    Action {
        name: "DeleteTransitGateway",
        handler: |c| Box::pin(transit::delete_transit_gateway(c)),
    },
    Action {
        name: "CreateTransitGatewayVpcAttachment",
        handler: |c| Box::pin(transit::create_transit_gateway_vpc_attachment(c)),
    },
    Action {
        name: "DescribeTransitGatewayVpcAttachments",
        handler: |c| Box::pin(transit::describe_transit_gateway_vpc_attachments(c)),
    },
    Action {
        name: "DeleteTransitGatewayVpcAttachment",
        handler: |c| Box::pin(transit::delete_transit_gateway_vpc_attachment(c)),
    },
    Action {
        name: "DescribeTransitGatewayRouteTables",
        handler: |c| Box::pin(transit::describe_transit_gateway_route_tables(c)),
    },
    Action {
        name: "CreateTransitGatewayRoute",
        handler: |c| Box::pin(transit::create_transit_gateway_route(c)),
    },
    Action {
        name: "DeleteTransitGatewayRoute",
        handler: |c| Box::pin(transit::delete_transit_gateway_route(c)),
    },
    Action {
        name: "SearchTransitGatewayRoutes",
        handler: |c| Box::pin(transit::search_transit_gateway_routes(c)),
    },
];

/// `<XResponse xmlns=...><requestId>...</requestId>`, the rest to write.
pub(super) fn response(c: &Call) -> Xml {
    let mut x = Xml::new(&format!("{}Response", c.action), Some(Service::Ec2.xmlns()));
    x.text("requestId", &c.request_id);
    x
}

pub(super) fn invalid_filter(name: &str) -> Error {
    Error::invalid_value(format!("The filter '{name}' is invalid"))
}

/// Filters over values the front already holds (the catalog's): every
/// filter must match, one of its values at least. Exact matches only.
pub(super) fn keep(
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

/// The tags of `TagSpecification.N` for a resource type; another type is
/// `InvalidParameterValue`, as on AWS.
pub(super) fn tags_for(
    c: &mut Call,
    resource_type: &str,
) -> Result<Option<crate::store::tags::Tags>> {
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

/// A filter's values as the domain's lists take them: an item stays when
/// its field is any of them.
pub(super) fn any_of(f: &Filter) -> AnyOf<String> {
    f.values.clone().into()
}

/// AWS's spelling back to the domain's (`pendingAcceptance`, `PendingAcceptance`
/// -> `pending_acceptance`).
pub(super) fn snake(s: &str) -> String {
    let mut out = String::new();
    for (i, ch) in s.chars().enumerate() {
        if ch.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(ch.to_ascii_lowercase());
        } else {
            out.push(ch);
        }
    }
    out
}

/// Whether a filter is one of EC2's tag filters: `tag-key`, `tag:<key>`.
pub(super) fn is_tag_filter(name: &str) -> bool {
    name == "tag-key" || (name.starts_with("tag:") && name.len() > 4)
}

/// Whether `tags` satisfy every tag filter (`tag:<key>`, `tag-key`).
pub(super) fn tags_match(tags: &Tags, filters: &[TagFilter]) -> bool {
    filters.iter().all(|f| f.matches(tags))
}

/// The resources named by id: each of `ids` must be the caller's and of
/// the signing region (its NotFound otherwise, as on AWS); the ids of an
/// id filter are kept when they are. `get` is the family's regional lookup.
pub(super) async fn by_ids<T, F, Fut>(
    ids: &[String],
    filter_ids: Option<&[String]>,
    mut get: F,
) -> Result<Vec<T>>
where
    F: FnMut(String) -> Fut,
    Fut: Future<Output = Result<T>>,
{
    let mut out = Vec::new();
    if !ids.is_empty() {
        for id in ids {
            let keep = filter_ids.is_none_or(|f| f.contains(id));
            let v = get(id.clone()).await?;
            if keep {
                out.push(v);
            }
        }
        return Ok(out);
    }
    for id in filter_ids.unwrap_or_default() {
        match get(id.clone()).await {
            Ok(v) => out.push(v),
            Err(e) if e.kind == ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
    }
    Ok(out)
}

/// A filter of `true`/`false` values as the domain's lists take it: both
/// narrow nothing (`None`); another value is `InvalidParameterValue`.
pub(super) fn bool_filter(f: &Filter) -> Result<Option<bool>> {
    let mut seen = [false, false];
    for v in &f.values {
        match v.as_str() {
            "true" => seen[1] = true,
            "false" => seen[0] = true,
            v => {
                return Err(Error::invalid_value(format!(
                    "Value ({v}) for filter {} is invalid: true or false",
                    f.name
                )));
            }
        }
    }
    Ok(match seen {
        [false, true] => Some(true),
        [true, false] => Some(false),
        _ => None,
    })
}

/// A tag filter as the domain's lists take it: `tag:<key>` is that key
/// with any of the values, `tag-key` any of the values as a key.
pub(super) fn tag_filter(f: &Filter) -> TagFilter {
    match f.name.strip_prefix("tag:") {
        Some(key) => TagFilter {
            keys: vec![key.to_string()],
            values: any_of(f),
        },
        None => TagFilter {
            keys: f.values.clone(),
            values: AnyOf::default(),
        },
    }
}

/// EC2's batch deletes: the ids of `param` (at least one), each deleted on
/// its own, so an id that fails for the request's reasons (not found, in
/// use) is an `unsuccessful` item and the others go ahead; a failure of
/// the server's fails the whole call.
pub(super) async fn delete_each<F>(mut c: Call, param: &str, delete: F) -> Result<String>
where
    F: for<'a> Fn(&'a Call, String) -> Pin<Box<dyn Future<Output = Result<()>> + Send + 'a>>,
{
    let ids = c.params.list(param)?;
    c.ready()?;
    if ids.is_empty() {
        return Err(Error::missing(format!(
            "The request must contain the parameter {param}"
        )));
    }
    let mut failed = Vec::new();
    for id in ids {
        match delete(&c, id.clone()).await {
            Ok(()) => {}
            Err(e) if e.is_servers() => return Err(e),
            Err(e) => failed.push(UnsuccessfulItem {
                resource_id: id,
                code: e.code.to_string(),
                message: e.client_message().into_owned(),
            }),
        }
    }
    unsuccessful(&c, &failed)
}

/// The answer of a batch action: its `unsuccessful` items.
pub(super) fn unsuccessful(c: &Call, items: &[UnsuccessfulItem]) -> Result<String> {
    let mut x = response(c);
    x.items("unsuccessful", items, |x, u| {
        x.open("error")
            .text("code", &u.code)
            .text("message", &u.message)
            .close();
        x.text("resourceId", &u.resource_id);
    });
    Ok(x.finish())
}

/// The answer of an action that answers only `<return>true</return>`.
pub(super) fn returned_true(c: &Call) -> Result<String> {
    let mut x = response(c);
    x.bool("return", true);
    Ok(x.finish())
}

/// Resources are regional on the AWS front: the caller's resource of
/// another region than the signing one answers its family's NotFound, on
/// reads and writes alike, as on AWS. (A resource's region never changes,
/// so this read may precede the domain's write.)
pub(super) mod here {
    use crate::aws::Call;
    use crate::error::{Error, Result};
    use crate::service::consumer::{self as cs, VpcEndpoint};
    use crate::service::network::routing::{self, RouteTable};
    use crate::service::network::security::{self, SecurityGroup};
    use crate::service::network::vpc::{self, Subnet, Vpc};
    use crate::service::producer::endpoint_service::{self as es, EndpointService};

    fn regional<T>(c: &Call, v: T, region: fn(&T) -> &str, gone: Error) -> Result<T> {
        if region(&v) == c.region {
            Ok(v)
        } else {
            Err(gone)
        }
    }

    pub async fn vpc(c: &Call, id: &str) -> Result<Vpc> {
        let v = vpc::get_vpc(c.ctx(), id).await?.value;
        regional(c, v, |v| &v.region, vpc::vpc_not_found(id))
    }

    pub async fn service(c: &Call, id: &str) -> Result<EndpointService> {
        let v = es::get_service(c.ctx(), id).await?.value;
        regional(c, v, |v| &v.region, es::service_not_found(id))
    }

    pub async fn subnet(c: &Call, id: &str) -> Result<Subnet> {
        let v = vpc::get_subnet(c.ctx(), id).await?.value;
        regional(c, v, |v| &v.region, vpc::subnet_not_found(id))
    }

    pub async fn route_table(c: &Call, id: &str) -> Result<RouteTable> {
        let v = routing::get_route_table(c.ctx(), id).await?.value;
        regional(c, v, |v| &v.region, routing::table_not_found(id))
    }

    pub async fn group(c: &Call, id: &str) -> Result<SecurityGroup> {
        let v = security::get_security_group(c.ctx(), id).await?.value;
        regional(c, v, |v| &v.region, security::group_not_found(id))
    }

    pub async fn endpoint(c: &Call, id: &str) -> Result<VpcEndpoint> {
        let v = cs::get_endpoint(c.ctx(), id).await?.value;
        regional(c, v, |v| &v.region, cs::endpoint_not_found(id))
    }

    pub async fn internet_gateway(
        c: &Call,
        id: &str,
    ) -> Result<crate::service::network::gateway::InternetGateway> {
        use crate::service::network::gateway;
        let v = gateway::get_internet_gateway(c.ctx(), id).await?.value;
        regional(c, v, |v| &v.region, gateway::igw_not_found(id))
    }

    pub async fn nat_gateway(
        c: &Call,
        id: &str,
    ) -> Result<crate::service::network::interface::NatGateway> {
        use crate::service::network::interface;
        let v = interface::get_nat_gateway(c.ctx(), id).await?.value;
        regional(c, v, |v| &v.region, interface::nat_not_found(id))
    }

    pub async fn interface(
        c: &Call,
        id: &str,
    ) -> Result<crate::service::network::interface::NetworkInterface> {
        use crate::service::network::interface;
        let v = interface::get_network_interface(c.ctx(), id).await?.value;
        regional(c, v, |v| &v.region, interface::interface_not_found(id))
    }

    /// A peering connection is seen from the caller's own side's region:
    /// the requester's where it requested, the accepter's where it accepts
    /// (both, for a connection between two regions of one account).
    pub async fn peering(
        c: &Call,
        id: &str,
    ) -> Result<crate::service::network::peering::VpcPeeringConnection> {
        use crate::service::network::peering;
        let v = peering::get_peering(c.ctx(), id).await?.value;
        let account = c.ctx().account()?;
        let sides = [&v.requester_vpc_info, &v.accepter_vpc_info];
        if sides
            .iter()
            .any(|s| s.owner_id == account && s.region == c.region)
        {
            Ok(v)
        } else {
            Err(peering::pcx_not_found(id))
        }
    }

    pub async fn transit_gateway(
        c: &Call,
        id: &str,
    ) -> Result<crate::service::network::transit::TransitGateway> {
        use crate::service::network::transit;
        let v = transit::get_transit_gateway(c.ctx(), id).await?.value;
        regional(c, v, |v| &v.region, transit::tgw_not_found(id))
    }

    /// A gateway's one route table (`tgw-rtb-<suffix>`, see
    /// `ec2::transit`): the gateway, or `InvalidRouteTableID.NotFound`.
    pub async fn tgw_route_table(
        c: &Call,
        id: &str,
    ) -> Result<crate::service::network::transit::TransitGateway> {
        let gone = || routing::table_not_found(id);
        let tgw = super::transit::gateway_of(id).ok_or_else(gone)?;
        match transit_gateway(c, &tgw).await {
            Err(e) if e.kind == crate::error::ErrorKind::NotFound => Err(gone()),
            other => other,
        }
    }

    /// An attachment of a gateway of the signing region.
    pub async fn attachment(
        c: &Call,
        id: &str,
    ) -> Result<crate::service::network::transit::TransitGatewayAttachment> {
        use crate::service::network::transit;
        let a = transit::get_attachment(c.ctx(), id).await?;
        match transit_gateway(c, &a.transit_gateway_id).await {
            Ok(_) => Ok(a),
            Err(e) if e.kind == crate::error::ErrorKind::NotFound => {
                Err(transit::attachment_not_found(id))
            }
            Err(e) => Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Filter, Tags, is_tag_filter, snake, tag_filter};

    #[test]
    fn aws_state_spellings_read_as_the_domains() {
        for aws in [
            "pendingAcceptance",
            "PendingAcceptance",
            "pending_acceptance",
        ] {
            assert_eq!(snake(aws), "pending_acceptance", "{aws}");
        }
        assert_eq!(snake("Available"), "available");
    }

    #[test]
    fn tag_filters_read_as_the_domains() {
        let f = |name: &str, v: &[&str]| Filter {
            name: name.into(),
            values: v.iter().map(|v| v.to_string()).collect(),
        };
        let tags = |k: &str, v: &str| Tags::from([(k.to_string(), v.to_string())]);
        // tag:<key> keeps that key with any of the values.
        let t = tag_filter(&f("tag:team", &["blue", "red"]));
        assert!(t.matches(&tags("team", "blue")) && t.matches(&tags("team", "red")));
        assert!(!t.matches(&tags("team", "green")) && !t.matches(&tags("owner", "blue")));
        // tag-key keeps any of the keys, whatever the value.
        let t = tag_filter(&f("tag-key", &["team", "owner"]));
        assert!(t.matches(&tags("team", "x")) && t.matches(&tags("owner", "")));
        assert!(!t.matches(&tags("name", "team")));
        assert!(is_tag_filter("tag-key") && is_tag_filter("tag:a"));
        assert!(!is_tag_filter("tag:") && !is_tag_filter("vpc-id"));
    }
}
