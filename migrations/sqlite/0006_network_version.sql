-- The network version: bumped in the same transaction as every write to a
-- table the route resolver reads, so a replica can tell whether its cached
-- snapshot is current with one small read, and a snapshot loaded in one
-- read transaction is exactly the network of the version read with it.
-- The counter is spread over 16 rows so that concurrent writers on Postgres
-- rarely queue on one row lock; the version is the sum of the rows.
CREATE TABLE network_version (
    shard   INTEGER PRIMARY KEY,
    version BIGINT NOT NULL
);
INSERT INTO network_version (shard, version) VALUES (0, 0), (1, 0), (2, 0), (3, 0), (4, 0), (5, 0), (6, 0), (7, 0), (8, 0), (9, 0), (10, 0), (11, 0), (12, 0), (13, 0), (14, 0), (15, 0);

-- SQLite has one writer at a time: every trigger bumps shard 0.
CREATE TRIGGER nv_vpcs_insert AFTER INSERT ON vpcs BEGIN UPDATE network_version SET version = version + 1 WHERE shard = 0; END;
CREATE TRIGGER nv_vpcs_update AFTER UPDATE ON vpcs BEGIN UPDATE network_version SET version = version + 1 WHERE shard = 0; END;
CREATE TRIGGER nv_vpcs_delete AFTER DELETE ON vpcs BEGIN UPDATE network_version SET version = version + 1 WHERE shard = 0; END;
CREATE TRIGGER nv_subnets_insert AFTER INSERT ON subnets BEGIN UPDATE network_version SET version = version + 1 WHERE shard = 0; END;
CREATE TRIGGER nv_subnets_update AFTER UPDATE ON subnets BEGIN UPDATE network_version SET version = version + 1 WHERE shard = 0; END;
CREATE TRIGGER nv_subnets_delete AFTER DELETE ON subnets BEGIN UPDATE network_version SET version = version + 1 WHERE shard = 0; END;
CREATE TRIGGER nv_route_tables_insert AFTER INSERT ON route_tables BEGIN UPDATE network_version SET version = version + 1 WHERE shard = 0; END;
CREATE TRIGGER nv_route_tables_update AFTER UPDATE ON route_tables BEGIN UPDATE network_version SET version = version + 1 WHERE shard = 0; END;
CREATE TRIGGER nv_route_tables_delete AFTER DELETE ON route_tables BEGIN UPDATE network_version SET version = version + 1 WHERE shard = 0; END;
CREATE TRIGGER nv_routes_insert AFTER INSERT ON routes BEGIN UPDATE network_version SET version = version + 1 WHERE shard = 0; END;
CREATE TRIGGER nv_routes_update AFTER UPDATE ON routes BEGIN UPDATE network_version SET version = version + 1 WHERE shard = 0; END;
CREATE TRIGGER nv_routes_delete AFTER DELETE ON routes BEGIN UPDATE network_version SET version = version + 1 WHERE shard = 0; END;
CREATE TRIGGER nv_route_table_associations_insert AFTER INSERT ON route_table_associations BEGIN UPDATE network_version SET version = version + 1 WHERE shard = 0; END;
CREATE TRIGGER nv_route_table_associations_update AFTER UPDATE ON route_table_associations BEGIN UPDATE network_version SET version = version + 1 WHERE shard = 0; END;
CREATE TRIGGER nv_route_table_associations_delete AFTER DELETE ON route_table_associations BEGIN UPDATE network_version SET version = version + 1 WHERE shard = 0; END;
CREATE TRIGGER nv_security_groups_insert AFTER INSERT ON security_groups BEGIN UPDATE network_version SET version = version + 1 WHERE shard = 0; END;
CREATE TRIGGER nv_security_groups_update AFTER UPDATE ON security_groups BEGIN UPDATE network_version SET version = version + 1 WHERE shard = 0; END;
CREATE TRIGGER nv_security_groups_delete AFTER DELETE ON security_groups BEGIN UPDATE network_version SET version = version + 1 WHERE shard = 0; END;
CREATE TRIGGER nv_security_group_rules_insert AFTER INSERT ON security_group_rules BEGIN UPDATE network_version SET version = version + 1 WHERE shard = 0; END;
CREATE TRIGGER nv_security_group_rules_update AFTER UPDATE ON security_group_rules BEGIN UPDATE network_version SET version = version + 1 WHERE shard = 0; END;
CREATE TRIGGER nv_security_group_rules_delete AFTER DELETE ON security_group_rules BEGIN UPDATE network_version SET version = version + 1 WHERE shard = 0; END;
CREATE TRIGGER nv_internet_gateways_insert AFTER INSERT ON internet_gateways BEGIN UPDATE network_version SET version = version + 1 WHERE shard = 0; END;
CREATE TRIGGER nv_internet_gateways_update AFTER UPDATE ON internet_gateways BEGIN UPDATE network_version SET version = version + 1 WHERE shard = 0; END;
CREATE TRIGGER nv_internet_gateways_delete AFTER DELETE ON internet_gateways BEGIN UPDATE network_version SET version = version + 1 WHERE shard = 0; END;
CREATE TRIGGER nv_network_interfaces_insert AFTER INSERT ON network_interfaces BEGIN UPDATE network_version SET version = version + 1 WHERE shard = 0; END;
CREATE TRIGGER nv_network_interfaces_update AFTER UPDATE ON network_interfaces BEGIN UPDATE network_version SET version = version + 1 WHERE shard = 0; END;
CREATE TRIGGER nv_network_interfaces_delete AFTER DELETE ON network_interfaces BEGIN UPDATE network_version SET version = version + 1 WHERE shard = 0; END;
CREATE TRIGGER nv_network_interface_groups_insert AFTER INSERT ON network_interface_groups BEGIN UPDATE network_version SET version = version + 1 WHERE shard = 0; END;
CREATE TRIGGER nv_network_interface_groups_update AFTER UPDATE ON network_interface_groups BEGIN UPDATE network_version SET version = version + 1 WHERE shard = 0; END;
CREATE TRIGGER nv_network_interface_groups_delete AFTER DELETE ON network_interface_groups BEGIN UPDATE network_version SET version = version + 1 WHERE shard = 0; END;
CREATE TRIGGER nv_nat_gateways_insert AFTER INSERT ON nat_gateways BEGIN UPDATE network_version SET version = version + 1 WHERE shard = 0; END;
CREATE TRIGGER nv_nat_gateways_update AFTER UPDATE ON nat_gateways BEGIN UPDATE network_version SET version = version + 1 WHERE shard = 0; END;
CREATE TRIGGER nv_nat_gateways_delete AFTER DELETE ON nat_gateways BEGIN UPDATE network_version SET version = version + 1 WHERE shard = 0; END;
CREATE TRIGGER nv_vpc_peering_connections_insert AFTER INSERT ON vpc_peering_connections BEGIN UPDATE network_version SET version = version + 1 WHERE shard = 0; END;
CREATE TRIGGER nv_vpc_peering_connections_update AFTER UPDATE ON vpc_peering_connections BEGIN UPDATE network_version SET version = version + 1 WHERE shard = 0; END;
CREATE TRIGGER nv_vpc_peering_connections_delete AFTER DELETE ON vpc_peering_connections BEGIN UPDATE network_version SET version = version + 1 WHERE shard = 0; END;
CREATE TRIGGER nv_transit_gateways_insert AFTER INSERT ON transit_gateways BEGIN UPDATE network_version SET version = version + 1 WHERE shard = 0; END;
CREATE TRIGGER nv_transit_gateways_update AFTER UPDATE ON transit_gateways BEGIN UPDATE network_version SET version = version + 1 WHERE shard = 0; END;
CREATE TRIGGER nv_transit_gateways_delete AFTER DELETE ON transit_gateways BEGIN UPDATE network_version SET version = version + 1 WHERE shard = 0; END;
CREATE TRIGGER nv_transit_gateway_attachments_insert AFTER INSERT ON transit_gateway_attachments BEGIN UPDATE network_version SET version = version + 1 WHERE shard = 0; END;
CREATE TRIGGER nv_transit_gateway_attachments_update AFTER UPDATE ON transit_gateway_attachments BEGIN UPDATE network_version SET version = version + 1 WHERE shard = 0; END;
CREATE TRIGGER nv_transit_gateway_attachments_delete AFTER DELETE ON transit_gateway_attachments BEGIN UPDATE network_version SET version = version + 1 WHERE shard = 0; END;
CREATE TRIGGER nv_transit_gateway_attachment_subnets_insert AFTER INSERT ON transit_gateway_attachment_subnets BEGIN UPDATE network_version SET version = version + 1 WHERE shard = 0; END;
CREATE TRIGGER nv_transit_gateway_attachment_subnets_update AFTER UPDATE ON transit_gateway_attachment_subnets BEGIN UPDATE network_version SET version = version + 1 WHERE shard = 0; END;
CREATE TRIGGER nv_transit_gateway_attachment_subnets_delete AFTER DELETE ON transit_gateway_attachment_subnets BEGIN UPDATE network_version SET version = version + 1 WHERE shard = 0; END;
CREATE TRIGGER nv_transit_gateway_routes_insert AFTER INSERT ON transit_gateway_routes BEGIN UPDATE network_version SET version = version + 1 WHERE shard = 0; END;
CREATE TRIGGER nv_transit_gateway_routes_update AFTER UPDATE ON transit_gateway_routes BEGIN UPDATE network_version SET version = version + 1 WHERE shard = 0; END;
CREATE TRIGGER nv_transit_gateway_routes_delete AFTER DELETE ON transit_gateway_routes BEGIN UPDATE network_version SET version = version + 1 WHERE shard = 0; END;
CREATE TRIGGER nv_load_balancers_insert AFTER INSERT ON load_balancers BEGIN UPDATE network_version SET version = version + 1 WHERE shard = 0; END;
CREATE TRIGGER nv_load_balancers_update AFTER UPDATE ON load_balancers BEGIN UPDATE network_version SET version = version + 1 WHERE shard = 0; END;
CREATE TRIGGER nv_load_balancers_delete AFTER DELETE ON load_balancers BEGIN UPDATE network_version SET version = version + 1 WHERE shard = 0; END;
CREATE TRIGGER nv_load_balancer_subnets_insert AFTER INSERT ON load_balancer_subnets BEGIN UPDATE network_version SET version = version + 1 WHERE shard = 0; END;
CREATE TRIGGER nv_load_balancer_subnets_update AFTER UPDATE ON load_balancer_subnets BEGIN UPDATE network_version SET version = version + 1 WHERE shard = 0; END;
CREATE TRIGGER nv_load_balancer_subnets_delete AFTER DELETE ON load_balancer_subnets BEGIN UPDATE network_version SET version = version + 1 WHERE shard = 0; END;
CREATE TRIGGER nv_target_groups_insert AFTER INSERT ON target_groups BEGIN UPDATE network_version SET version = version + 1 WHERE shard = 0; END;
CREATE TRIGGER nv_target_groups_update AFTER UPDATE ON target_groups BEGIN UPDATE network_version SET version = version + 1 WHERE shard = 0; END;
CREATE TRIGGER nv_target_groups_delete AFTER DELETE ON target_groups BEGIN UPDATE network_version SET version = version + 1 WHERE shard = 0; END;
CREATE TRIGGER nv_targets_insert AFTER INSERT ON targets BEGIN UPDATE network_version SET version = version + 1 WHERE shard = 0; END;
CREATE TRIGGER nv_targets_update AFTER UPDATE ON targets BEGIN UPDATE network_version SET version = version + 1 WHERE shard = 0; END;
CREATE TRIGGER nv_targets_delete AFTER DELETE ON targets BEGIN UPDATE network_version SET version = version + 1 WHERE shard = 0; END;
CREATE TRIGGER nv_endpoint_services_insert AFTER INSERT ON endpoint_services BEGIN UPDATE network_version SET version = version + 1 WHERE shard = 0; END;
CREATE TRIGGER nv_endpoint_services_update AFTER UPDATE ON endpoint_services BEGIN UPDATE network_version SET version = version + 1 WHERE shard = 0; END;
CREATE TRIGGER nv_endpoint_services_delete AFTER DELETE ON endpoint_services BEGIN UPDATE network_version SET version = version + 1 WHERE shard = 0; END;
CREATE TRIGGER nv_endpoint_service_load_balancers_insert AFTER INSERT ON endpoint_service_load_balancers BEGIN UPDATE network_version SET version = version + 1 WHERE shard = 0; END;
CREATE TRIGGER nv_endpoint_service_load_balancers_update AFTER UPDATE ON endpoint_service_load_balancers BEGIN UPDATE network_version SET version = version + 1 WHERE shard = 0; END;
CREATE TRIGGER nv_endpoint_service_load_balancers_delete AFTER DELETE ON endpoint_service_load_balancers BEGIN UPDATE network_version SET version = version + 1 WHERE shard = 0; END;
CREATE TRIGGER nv_endpoint_service_regions_insert AFTER INSERT ON endpoint_service_regions BEGIN UPDATE network_version SET version = version + 1 WHERE shard = 0; END;
CREATE TRIGGER nv_endpoint_service_regions_update AFTER UPDATE ON endpoint_service_regions BEGIN UPDATE network_version SET version = version + 1 WHERE shard = 0; END;
CREATE TRIGGER nv_endpoint_service_regions_delete AFTER DELETE ON endpoint_service_regions BEGIN UPDATE network_version SET version = version + 1 WHERE shard = 0; END;
CREATE TRIGGER nv_vpc_endpoints_insert AFTER INSERT ON vpc_endpoints BEGIN UPDATE network_version SET version = version + 1 WHERE shard = 0; END;
CREATE TRIGGER nv_vpc_endpoints_update AFTER UPDATE ON vpc_endpoints BEGIN UPDATE network_version SET version = version + 1 WHERE shard = 0; END;
CREATE TRIGGER nv_vpc_endpoints_delete AFTER DELETE ON vpc_endpoints BEGIN UPDATE network_version SET version = version + 1 WHERE shard = 0; END;
CREATE TRIGGER nv_vpc_endpoint_subnets_insert AFTER INSERT ON vpc_endpoint_subnets BEGIN UPDATE network_version SET version = version + 1 WHERE shard = 0; END;
CREATE TRIGGER nv_vpc_endpoint_subnets_update AFTER UPDATE ON vpc_endpoint_subnets BEGIN UPDATE network_version SET version = version + 1 WHERE shard = 0; END;
CREATE TRIGGER nv_vpc_endpoint_subnets_delete AFTER DELETE ON vpc_endpoint_subnets BEGIN UPDATE network_version SET version = version + 1 WHERE shard = 0; END;
CREATE TRIGGER nv_vpc_endpoint_route_tables_insert AFTER INSERT ON vpc_endpoint_route_tables BEGIN UPDATE network_version SET version = version + 1 WHERE shard = 0; END;
CREATE TRIGGER nv_vpc_endpoint_route_tables_update AFTER UPDATE ON vpc_endpoint_route_tables BEGIN UPDATE network_version SET version = version + 1 WHERE shard = 0; END;
CREATE TRIGGER nv_vpc_endpoint_route_tables_delete AFTER DELETE ON vpc_endpoint_route_tables BEGIN UPDATE network_version SET version = version + 1 WHERE shard = 0; END;
CREATE TRIGGER nv_vpc_endpoint_groups_insert AFTER INSERT ON vpc_endpoint_groups BEGIN UPDATE network_version SET version = version + 1 WHERE shard = 0; END;
CREATE TRIGGER nv_vpc_endpoint_groups_update AFTER UPDATE ON vpc_endpoint_groups BEGIN UPDATE network_version SET version = version + 1 WHERE shard = 0; END;
CREATE TRIGGER nv_vpc_endpoint_groups_delete AFTER DELETE ON vpc_endpoint_groups BEGIN UPDATE network_version SET version = version + 1 WHERE shard = 0; END;
CREATE TRIGGER nv_vpc_private_dns_names_insert AFTER INSERT ON vpc_private_dns_names BEGIN UPDATE network_version SET version = version + 1 WHERE shard = 0; END;
CREATE TRIGGER nv_vpc_private_dns_names_update AFTER UPDATE ON vpc_private_dns_names BEGIN UPDATE network_version SET version = version + 1 WHERE shard = 0; END;
CREATE TRIGGER nv_vpc_private_dns_names_delete AFTER DELETE ON vpc_private_dns_names BEGIN UPDATE network_version SET version = version + 1 WHERE shard = 0; END;
