-- Producer side: load balancers with their subnets, target groups and
-- targets, endpoint services with their load balancers, supported regions
-- and allowed principals, and the public DNS model used to verify private
-- DNS names. `ready_at` is when the background workflow moves a
-- `provisioning`/`pending` row on (or removes a `deleting` one).

CREATE TABLE load_balancers (
    load_balancer_arn  TEXT PRIMARY KEY,
    account_id         TEXT NOT NULL,
    region             TEXT NOT NULL,
    lb_type            TEXT NOT NULL CHECK (lb_type IN ('network', 'gateway')),
    name               TEXT NOT NULL,
    vpc_id             TEXT NOT NULL REFERENCES vpcs (vpc_id),
    cross_zone_enabled INTEGER NOT NULL,
    ip_address_type    TEXT NOT NULL CHECK (ip_address_type IN ('ipv4', 'dualstack')),
    state              TEXT NOT NULL,
    ready_at           BIGINT NOT NULL,
    created_at         BIGINT NOT NULL,
    updated_at         BIGINT NOT NULL,
    version            BIGINT NOT NULL DEFAULT 1,
    UNIQUE (account_id, region, name)
);
CREATE INDEX load_balancers_by_account ON load_balancers (account_id, created_at, load_balancer_arn);
CREATE INDEX load_balancers_by_state ON load_balancers (state, ready_at);

-- One node per zone: the subnet and the requester-managed interface that
-- holds the node's address.
CREATE TABLE load_balancer_subnets (
    load_balancer_arn    TEXT NOT NULL REFERENCES load_balancers (load_balancer_arn) ON DELETE CASCADE,
    subnet_id            TEXT NOT NULL REFERENCES subnets (subnet_id),
    zone_id              TEXT NOT NULL,
    network_interface_id TEXT NOT NULL,
    PRIMARY KEY (load_balancer_arn, subnet_id)
);
CREATE INDEX load_balancer_subnets_by_subnet ON load_balancer_subnets (subnet_id);

CREATE TABLE target_groups (
    target_group_arn  TEXT PRIMARY KEY,
    account_id        TEXT NOT NULL,
    region            TEXT NOT NULL,
    name              TEXT NOT NULL,
    protocol          TEXT NOT NULL,
    port              BIGINT NOT NULL,
    vpc_id            TEXT NOT NULL REFERENCES vpcs (vpc_id),
    load_balancer_arn TEXT REFERENCES load_balancers (load_balancer_arn),
    created_at        BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL,
    version           BIGINT NOT NULL DEFAULT 1,
    UNIQUE (account_id, region, name)
);
CREATE INDEX target_groups_by_account ON target_groups (account_id, created_at, target_group_arn);
CREATE INDEX target_groups_by_lb ON target_groups (load_balancer_arn);

CREATE TABLE targets (
    target_group_arn TEXT NOT NULL REFERENCES target_groups (target_group_arn) ON DELETE CASCADE,
    target_id        TEXT NOT NULL,
    port             BIGINT NOT NULL,
    ip               BIGINT NOT NULL,
    zone_id          TEXT NOT NULL,
    healthy          INTEGER NOT NULL,
    created_at       BIGINT NOT NULL,
    PRIMARY KEY (target_group_arn, target_id, port)
);

CREATE TABLE endpoint_services (
    service_id           TEXT PRIMARY KEY,
    account_id           TEXT NOT NULL,
    region               TEXT NOT NULL,
    service_type         TEXT NOT NULL CHECK (service_type IN ('interface', 'gateway_load_balancer')),
    acceptance_required  INTEGER NOT NULL,
    private_dns_name     TEXT,
    pdns_state           TEXT,
    pdns_name            TEXT,
    pdns_value           TEXT,
    ip_address_types     TEXT NOT NULL,
    payer_responsibility TEXT,
    service_state        TEXT NOT NULL,
    ready_at             BIGINT NOT NULL,
    created_at           BIGINT NOT NULL,
    updated_at           BIGINT NOT NULL,
    version              BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX endpoint_services_by_account ON endpoint_services (account_id, created_at, service_id);
CREATE INDEX endpoint_services_by_state ON endpoint_services (service_state, ready_at);

-- A load balancer serves at most one endpoint service.
CREATE TABLE endpoint_service_load_balancers (
    service_id        TEXT NOT NULL REFERENCES endpoint_services (service_id) ON DELETE CASCADE,
    load_balancer_arn TEXT NOT NULL UNIQUE REFERENCES load_balancers (load_balancer_arn),
    position          BIGINT NOT NULL,
    PRIMARY KEY (service_id, load_balancer_arn)
);

CREATE TABLE endpoint_service_regions (
    service_id TEXT NOT NULL REFERENCES endpoint_services (service_id) ON DELETE CASCADE,
    region     TEXT NOT NULL,
    state      TEXT NOT NULL,
    PRIMARY KEY (service_id, region)
);

CREATE TABLE endpoint_service_permissions (
    service_permission_id TEXT PRIMARY KEY,
    service_id            TEXT NOT NULL REFERENCES endpoint_services (service_id) ON DELETE CASCADE,
    principal             TEXT NOT NULL,
    principal_type        TEXT NOT NULL,
    created_at            BIGINT NOT NULL,
    UNIQUE (service_id, principal)
);
CREATE INDEX endpoint_service_permissions_by_service ON endpoint_service_permissions (service_id, created_at, service_permission_id);
CREATE INDEX endpoint_service_permissions_by_principal ON endpoint_service_permissions (principal);

-- A public zone belongs to one account.
CREATE TABLE public_dns_zones (
    zone_name  TEXT PRIMARY KEY,
    account_id TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX public_dns_zones_by_account ON public_dns_zones (account_id, created_at, zone_name);

CREATE TABLE public_dns_records (
    zone_name   TEXT NOT NULL REFERENCES public_dns_zones (zone_name) ON DELETE CASCADE,
    record_name TEXT NOT NULL,
    record_type TEXT NOT NULL CHECK (record_type IN ('TXT', 'A')),
    value       TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (record_name, record_type)
);
CREATE INDEX public_dns_records_by_zone ON public_dns_records (zone_name, created_at, record_name);
