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

-- Row-level, so that an UPDATE matching no row (the workflow polls with
-- them) does not bump the version; on the shard of the writing transaction.
CREATE FUNCTION bump_network_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE network_version SET version = version + 1 WHERE shard = (txid_current() % 16);
    RETURN NULL;
END;
$$;
CREATE TRIGGER nv_vpcs AFTER INSERT OR UPDATE OR DELETE ON vpcs FOR EACH ROW EXECUTE FUNCTION bump_network_version();
CREATE TRIGGER nv_subnets AFTER INSERT OR UPDATE OR DELETE ON subnets FOR EACH ROW EXECUTE FUNCTION bump_network_version();
CREATE TRIGGER nv_route_tables AFTER INSERT OR UPDATE OR DELETE ON route_tables FOR EACH ROW EXECUTE FUNCTION bump_network_version();
CREATE TRIGGER nv_routes AFTER INSERT OR UPDATE OR DELETE ON routes FOR EACH ROW EXECUTE FUNCTION bump_network_version();
CREATE TRIGGER nv_route_table_associations AFTER INSERT OR UPDATE OR DELETE ON route_table_associations FOR EACH ROW EXECUTE FUNCTION bump_network_version();
CREATE TRIGGER nv_security_groups AFTER INSERT OR UPDATE OR DELETE ON security_groups FOR EACH ROW EXECUTE FUNCTION bump_network_version();
CREATE TRIGGER nv_security_group_rules AFTER INSERT OR UPDATE OR DELETE ON security_group_rules FOR EACH ROW EXECUTE FUNCTION bump_network_version();
CREATE TRIGGER nv_internet_gateways AFTER INSERT OR UPDATE OR DELETE ON internet_gateways FOR EACH ROW EXECUTE FUNCTION bump_network_version();
CREATE TRIGGER nv_network_interfaces AFTER INSERT OR UPDATE OR DELETE ON network_interfaces FOR EACH ROW EXECUTE FUNCTION bump_network_version();
CREATE TRIGGER nv_network_interface_groups AFTER INSERT OR UPDATE OR DELETE ON network_interface_groups FOR EACH ROW EXECUTE FUNCTION bump_network_version();
CREATE TRIGGER nv_nat_gateways AFTER INSERT OR UPDATE OR DELETE ON nat_gateways FOR EACH ROW EXECUTE FUNCTION bump_network_version();
CREATE TRIGGER nv_vpc_peering_connections AFTER INSERT OR UPDATE OR DELETE ON vpc_peering_connections FOR EACH ROW EXECUTE FUNCTION bump_network_version();
CREATE TRIGGER nv_transit_gateways AFTER INSERT OR UPDATE OR DELETE ON transit_gateways FOR EACH ROW EXECUTE FUNCTION bump_network_version();
CREATE TRIGGER nv_transit_gateway_attachments AFTER INSERT OR UPDATE OR DELETE ON transit_gateway_attachments FOR EACH ROW EXECUTE FUNCTION bump_network_version();
CREATE TRIGGER nv_transit_gateway_attachment_subnets AFTER INSERT OR UPDATE OR DELETE ON transit_gateway_attachment_subnets FOR EACH ROW EXECUTE FUNCTION bump_network_version();
CREATE TRIGGER nv_transit_gateway_routes AFTER INSERT OR UPDATE OR DELETE ON transit_gateway_routes FOR EACH ROW EXECUTE FUNCTION bump_network_version();
CREATE TRIGGER nv_load_balancers AFTER INSERT OR UPDATE OR DELETE ON load_balancers FOR EACH ROW EXECUTE FUNCTION bump_network_version();
CREATE TRIGGER nv_load_balancer_subnets AFTER INSERT OR UPDATE OR DELETE ON load_balancer_subnets FOR EACH ROW EXECUTE FUNCTION bump_network_version();
CREATE TRIGGER nv_target_groups AFTER INSERT OR UPDATE OR DELETE ON target_groups FOR EACH ROW EXECUTE FUNCTION bump_network_version();
CREATE TRIGGER nv_targets AFTER INSERT OR UPDATE OR DELETE ON targets FOR EACH ROW EXECUTE FUNCTION bump_network_version();
CREATE TRIGGER nv_endpoint_services AFTER INSERT OR UPDATE OR DELETE ON endpoint_services FOR EACH ROW EXECUTE FUNCTION bump_network_version();
CREATE TRIGGER nv_endpoint_service_load_balancers AFTER INSERT OR UPDATE OR DELETE ON endpoint_service_load_balancers FOR EACH ROW EXECUTE FUNCTION bump_network_version();
CREATE TRIGGER nv_endpoint_service_regions AFTER INSERT OR UPDATE OR DELETE ON endpoint_service_regions FOR EACH ROW EXECUTE FUNCTION bump_network_version();
CREATE TRIGGER nv_vpc_endpoints AFTER INSERT OR UPDATE OR DELETE ON vpc_endpoints FOR EACH ROW EXECUTE FUNCTION bump_network_version();
CREATE TRIGGER nv_vpc_endpoint_subnets AFTER INSERT OR UPDATE OR DELETE ON vpc_endpoint_subnets FOR EACH ROW EXECUTE FUNCTION bump_network_version();
CREATE TRIGGER nv_vpc_endpoint_route_tables AFTER INSERT OR UPDATE OR DELETE ON vpc_endpoint_route_tables FOR EACH ROW EXECUTE FUNCTION bump_network_version();
CREATE TRIGGER nv_vpc_endpoint_groups AFTER INSERT OR UPDATE OR DELETE ON vpc_endpoint_groups FOR EACH ROW EXECUTE FUNCTION bump_network_version();
CREATE TRIGGER nv_vpc_private_dns_names AFTER INSERT OR UPDATE OR DELETE ON vpc_private_dns_names FOR EACH ROW EXECUTE FUNCTION bump_network_version();
