//! Network: VPCs, subnets, network interfaces, route tables, security
//! groups, internet and NAT gateways, VPC peering, transit gateways.

mod gateway;
mod interface;
mod peering;
mod routing;
mod security;
mod transit;
mod vpc;

use crate::state::AppState;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(vpc::create_vpc, vpc::list_vpcs))
        .routes(routes!(vpc::create_subnet, vpc::list_subnets))
        .routes(routes!(
            interface::create_network_interface,
            interface::list_network_interfaces
        ))
        .routes(routes!(
            routing::create_route_table,
            routing::list_route_tables
        ))
        .routes(routes!(
            security::create_security_group,
            security::list_security_groups
        ))
        .routes(routes!(
            gateway::create_internet_gateway,
            gateway::list_internet_gateways
        ))
        .routes(routes!(
            interface::create_nat_gateway,
            interface::list_nat_gateways
        ))
        .routes(routes!(
            peering::create_vpc_peering_connection,
            peering::list_vpc_peering_connections
        ))
        .routes(routes!(
            transit::create_transit_gateway,
            transit::list_transit_gateways
        ))
        .routes(routes!(vpc::get_vpc, vpc::delete_vpc, vpc::update_vpc))
        .routes(routes!(vpc::get_subnet, vpc::delete_subnet))
        .routes(routes!(
            interface::get_network_interface,
            interface::delete_network_interface
        ))
        .routes(routes!(
            routing::get_route_table,
            routing::delete_route_table
        ))
        .routes(routes!(
            security::get_security_group,
            security::delete_security_group
        ))
        .routes(routes!(
            gateway::get_internet_gateway,
            gateway::delete_internet_gateway
        ))
        .routes(routes!(
            interface::get_nat_gateway,
            interface::delete_nat_gateway
        ))
        .routes(routes!(
            peering::get_vpc_peering_connection,
            peering::delete_vpc_peering_connection
        ))
        .routes(routes!(
            transit::get_transit_gateway,
            transit::delete_transit_gateway
        ))
        .routes(routes!(peering::accept_vpc_peering_connection))
        .routes(routes!(peering::reject_vpc_peering_connection))
        .routes(routes!(gateway::attach_internet_gateway))
        .routes(routes!(gateway::detach_internet_gateway))
        .routes(routes!(routing::create_route, routing::delete_route))
        .routes(routes!(routing::associate_route_table))
        .routes(routes!(routing::disassociate_route_table))
        .routes(routes!(security::add_security_group_rule))
        .routes(routes!(security::delete_security_group_rule))
        .routes(routes!(transit::create_transit_gateway_attachment))
        .routes(routes!(transit::delete_transit_gateway_attachment))
        .routes(routes!(
            transit::create_transit_gateway_route,
            transit::delete_transit_gateway_route
        ))
}
