-- The list filters tests/api/plans.rs names are served by an index: a
-- list narrows its scope (an account's rows, or a service's connections
-- and permissions) to a column's value, then pages in
-- (created_at, id) order. An index on (scope, column, created_at, id) is
-- that range in that order, so a page costs the same however many of the
-- scope's rows the filter leaves out. Tag filters use tags_by_key_value;
-- a permission's principal, UNIQUE (service_id, principal).

CREATE INDEX vpc_endpoints_account_vpc_id ON vpc_endpoints (account_id, vpc_id, created_at, vpc_endpoint_id);
CREATE INDEX vpc_endpoints_account_service_name ON vpc_endpoints (account_id, service_name, created_at, vpc_endpoint_id);
CREATE INDEX vpc_endpoints_account_state ON vpc_endpoints (account_id, state, created_at, vpc_endpoint_id);
CREATE INDEX vpc_endpoints_account_vpc_endpoint_type ON vpc_endpoints (account_id, vpc_endpoint_type, created_at, vpc_endpoint_id);
CREATE INDEX vpc_endpoints_service_state ON vpc_endpoints (service_id, state, created_at, vpc_endpoint_id);
CREATE INDEX vpc_endpoints_service_account_id ON vpc_endpoints (service_id, account_id, created_at, vpc_endpoint_id);
CREATE INDEX vpcs_account_region ON vpcs (account_id, region, created_at, vpc_id);
CREATE INDEX vpcs_account_cidr_block ON vpcs (account_id, cidr_block, created_at, vpc_id);
CREATE INDEX subnets_account_vpc_id ON subnets (account_id, vpc_id, created_at, subnet_id);
CREATE INDEX subnets_account_region ON subnets (account_id, region, created_at, subnet_id);
CREATE INDEX subnets_account_zone_id ON subnets (account_id, zone_id, created_at, subnet_id);
CREATE INDEX subnets_account_cidr_block ON subnets (account_id, cidr_block, created_at, subnet_id);
CREATE INDEX route_tables_account_vpc_id ON route_tables (account_id, vpc_id, created_at, route_table_id);
CREATE INDEX route_tables_account_region ON route_tables (account_id, region, created_at, route_table_id);
CREATE INDEX route_tables_account_is_main ON route_tables (account_id, is_main, created_at, route_table_id);
CREATE INDEX security_groups_account_vpc_id ON security_groups (account_id, vpc_id, created_at, group_id);
CREATE INDEX security_groups_account_region ON security_groups (account_id, region, created_at, group_id);
CREATE INDEX security_groups_account_group_name ON security_groups (account_id, group_name, created_at, group_id);
CREATE INDEX internet_gateways_account_vpc_id ON internet_gateways (account_id, vpc_id, created_at, internet_gateway_id);
CREATE INDEX internet_gateways_account_region ON internet_gateways (account_id, region, created_at, internet_gateway_id);
CREATE INDEX network_interfaces_account_vpc_id ON network_interfaces (account_id, vpc_id, created_at, network_interface_id);
CREATE INDEX network_interfaces_account_subnet_id ON network_interfaces (account_id, subnet_id, created_at, network_interface_id);
CREATE INDEX network_interfaces_account_region ON network_interfaces (account_id, region, created_at, network_interface_id);
CREATE INDEX network_interfaces_account_interface_type ON network_interfaces (account_id, interface_type, created_at, network_interface_id);
CREATE INDEX network_interfaces_account_requester_managed ON network_interfaces (account_id, requester_managed, created_at, network_interface_id);
CREATE INDEX network_interfaces_account_zone_id ON network_interfaces (account_id, zone_id, created_at, network_interface_id);
CREATE INDEX network_interfaces_account_private_ip ON network_interfaces (account_id, private_ip, created_at, network_interface_id);
CREATE INDEX nat_gateways_account_vpc_id ON nat_gateways (account_id, vpc_id, created_at, nat_gateway_id);
CREATE INDEX nat_gateways_account_subnet_id ON nat_gateways (account_id, subnet_id, created_at, nat_gateway_id);
CREATE INDEX nat_gateways_account_region ON nat_gateways (account_id, region, created_at, nat_gateway_id);
CREATE INDEX transit_gateways_account_region ON transit_gateways (account_id, region, created_at, transit_gateway_id);
CREATE INDEX transit_gateway_attachments_account_transit_gateway_id ON transit_gateway_attachments (account_id, transit_gateway_id, created_at, transit_gateway_attachment_id);
CREATE INDEX transit_gateway_attachments_account_vpc_id ON transit_gateway_attachments (account_id, vpc_id, created_at, transit_gateway_attachment_id);
CREATE INDEX endpoint_services_account_service_state ON endpoint_services (account_id, service_state, created_at, service_id);
CREATE INDEX endpoint_services_account_service_type ON endpoint_services (account_id, service_type, created_at, service_id);
CREATE INDEX endpoint_services_account_region ON endpoint_services (account_id, region, created_at, service_id);
CREATE INDEX endpoint_service_permissions_service_principal_type ON endpoint_service_permissions (service_id, principal_type, created_at, service_permission_id);
CREATE INDEX load_balancers_account_vpc_id ON load_balancers (account_id, vpc_id, created_at, load_balancer_arn);
CREATE INDEX load_balancers_account_region ON load_balancers (account_id, region, created_at, load_balancer_arn);
CREATE INDEX load_balancers_account_lb_type ON load_balancers (account_id, lb_type, created_at, load_balancer_arn);
CREATE INDEX target_groups_account_vpc_id ON target_groups (account_id, vpc_id, created_at, target_group_arn);
CREATE INDEX target_groups_account_load_balancer_arn ON target_groups (account_id, load_balancer_arn, created_at, target_group_arn);
CREATE INDEX target_groups_account_region ON target_groups (account_id, region, created_at, target_group_arn);
