-- Consumer side: VPC endpoints (interface, gateway, gateway load balancer),
-- their subnets and interfaces, route tables, security groups, and the
-- private DNS names they claim in their VPC. An endpoint to a customer
-- service is also that service's connection (the producer's view).
-- Endpoints outlive their deletion for a while (state `deleted`, visible to
-- both sides), so `vpc_id` has no foreign key: a VPC may go before they do.

CREATE TABLE vpc_endpoints (
    vpc_endpoint_id     TEXT PRIMARY KEY,
    account_id          TEXT NOT NULL,
    region              TEXT NOT NULL,
    vpc_id              TEXT NOT NULL,
    vpc_endpoint_type   TEXT NOT NULL CHECK (vpc_endpoint_type IN ('interface', 'gateway', 'gateway_load_balancer')),
    service_name        TEXT NOT NULL,
    service_id          TEXT,
    service_owner       TEXT NOT NULL,
    service_region      TEXT NOT NULL,
    state               TEXT NOT NULL,
    ready_at            BIGINT NOT NULL,
    policy_document     TEXT,
    private_dns_enabled INTEGER NOT NULL,
    ip_address_type     TEXT NOT NULL,
    dns_record_ip_type  TEXT NOT NULL,
    dns_token           TEXT NOT NULL,
    created_at          BIGINT NOT NULL,
    updated_at          BIGINT NOT NULL,
    version             BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX vpc_endpoints_by_account ON vpc_endpoints (account_id, created_at, vpc_endpoint_id);
CREATE INDEX vpc_endpoints_by_service ON vpc_endpoints (service_id, created_at, vpc_endpoint_id);
CREATE INDEX vpc_endpoints_by_vpc ON vpc_endpoints (vpc_id, vpc_endpoint_type);
CREATE INDEX vpc_endpoints_by_state ON vpc_endpoints (state, ready_at);

CREATE TABLE vpc_endpoint_subnets (
    vpc_endpoint_id      TEXT NOT NULL REFERENCES vpc_endpoints (vpc_endpoint_id) ON DELETE CASCADE,
    subnet_id            TEXT NOT NULL REFERENCES subnets (subnet_id),
    zone_id              TEXT NOT NULL,
    network_interface_id TEXT NOT NULL,
    PRIMARY KEY (vpc_endpoint_id, subnet_id)
);

-- At most one endpoint route per service per route table.
CREATE TABLE vpc_endpoint_route_tables (
    vpc_endpoint_id TEXT NOT NULL REFERENCES vpc_endpoints (vpc_endpoint_id) ON DELETE CASCADE,
    route_table_id  TEXT NOT NULL REFERENCES route_tables (route_table_id),
    service_name    TEXT NOT NULL,
    PRIMARY KEY (vpc_endpoint_id, route_table_id),
    UNIQUE (route_table_id, service_name)
);

CREATE TABLE vpc_endpoint_groups (
    vpc_endpoint_id TEXT NOT NULL REFERENCES vpc_endpoints (vpc_endpoint_id) ON DELETE CASCADE,
    group_id        TEXT NOT NULL REFERENCES security_groups (group_id),
    position        BIGINT NOT NULL,
    PRIMARY KEY (vpc_endpoint_id, group_id)
);

-- Private DNS names an endpoint answers in its VPC: one endpoint per name per VPC.
CREATE TABLE vpc_private_dns_names (
    vpc_id          TEXT NOT NULL,
    dns_name        TEXT NOT NULL,
    vpc_endpoint_id TEXT NOT NULL REFERENCES vpc_endpoints (vpc_endpoint_id) ON DELETE CASCADE,
    PRIMARY KEY (vpc_id, dns_name)
);
