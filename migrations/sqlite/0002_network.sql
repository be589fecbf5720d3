-- Network model: VPCs, subnets and their free address ranges, route tables,
-- security groups, gateways, network interfaces, peering, transit gateways.
-- Every resource row carries its owner's account_id (tenancy is enforced by
-- scoping every query with it) and its region. IPv4 addresses and CIDR
-- bounds are stored as integers (BIGINT) so that containment is arithmetic.
-- Flags are INTEGER 0/1 here (sqlx's Any driver cannot read SQLite's
-- BOOLEAN) and BOOLEAN on Postgres; `store::Flag` reads both.
-- A route's state (active or blackhole) is not stored: it is computed when
-- read from whether its target still exists and is usable, so deleting or
-- detaching a target needs no bookkeeping and re-attaching revives it.

CREATE TABLE vpcs (
    vpc_id                    TEXT PRIMARY KEY,
    account_id                TEXT NOT NULL REFERENCES accounts (account_id),
    region                    TEXT NOT NULL,
    cidr_block                TEXT NOT NULL,
    enable_dns_support        INTEGER NOT NULL,
    enable_dns_hostnames      INTEGER NOT NULL,
    main_route_table_id       TEXT NOT NULL,
    default_security_group_id TEXT NOT NULL,
    created_at                BIGINT NOT NULL,
    updated_at                BIGINT NOT NULL,
    version                   BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX vpcs_by_account ON vpcs (account_id, created_at, vpc_id);

CREATE TABLE subnets (
    subnet_id                  TEXT PRIMARY KEY,
    account_id                 TEXT NOT NULL,
    vpc_id                     TEXT NOT NULL REFERENCES vpcs (vpc_id),
    region                     TEXT NOT NULL,
    zone_id                    TEXT NOT NULL,
    cidr_block                 TEXT NOT NULL,
    cidr_start                 BIGINT NOT NULL,
    cidr_end                   BIGINT NOT NULL,
    available_ip_address_count BIGINT NOT NULL,
    created_at                 BIGINT NOT NULL,
    updated_at                 BIGINT NOT NULL,
    version                    BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX subnets_by_account ON subnets (account_id, created_at, subnet_id);
CREATE INDEX subnets_by_vpc ON subnets (vpc_id, cidr_start);

-- The free addresses of each subnet as disjoint, merged intervals: taking the
-- lowest free address or a given one is an index seek, whatever the fill.
CREATE TABLE ip_free_ranges (
    subnet_id   TEXT NOT NULL REFERENCES subnets (subnet_id) ON DELETE CASCADE,
    range_start BIGINT NOT NULL,
    range_end   BIGINT NOT NULL,
    PRIMARY KEY (subnet_id, range_start)
);

CREATE TABLE route_tables (
    route_table_id      TEXT PRIMARY KEY,
    account_id          TEXT NOT NULL,
    vpc_id              TEXT NOT NULL REFERENCES vpcs (vpc_id),
    region              TEXT NOT NULL,
    is_main             INTEGER NOT NULL,
    main_association_id TEXT,
    created_at          BIGINT NOT NULL,
    updated_at          BIGINT NOT NULL,
    version             BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX route_tables_by_account ON route_tables (account_id, created_at, route_table_id);
CREATE INDEX route_tables_by_vpc ON route_tables (vpc_id);

CREATE TABLE routes (
    route_table_id   TEXT NOT NULL REFERENCES route_tables (route_table_id) ON DELETE CASCADE,
    destination      TEXT NOT NULL,
    destination_kind TEXT NOT NULL CHECK (destination_kind IN ('cidr', 'prefix_list')),
    target_kind      TEXT NOT NULL,
    target_id        TEXT NOT NULL,
    origin           TEXT NOT NULL,
    created_at       BIGINT NOT NULL,
    PRIMARY KEY (route_table_id, destination)
);
CREATE INDEX routes_by_target ON routes (target_id);

CREATE TABLE route_table_associations (
    association_id TEXT PRIMARY KEY,
    route_table_id TEXT NOT NULL REFERENCES route_tables (route_table_id),
    subnet_id      TEXT NOT NULL UNIQUE REFERENCES subnets (subnet_id),
    account_id     TEXT NOT NULL,
    created_at     BIGINT NOT NULL
);
CREATE INDEX route_table_associations_by_table ON route_table_associations (route_table_id);

CREATE TABLE security_groups (
    group_id    TEXT PRIMARY KEY,
    account_id  TEXT NOT NULL,
    vpc_id      TEXT NOT NULL REFERENCES vpcs (vpc_id),
    region      TEXT NOT NULL,
    group_name  TEXT NOT NULL,
    description TEXT NOT NULL,
    is_default  INTEGER NOT NULL,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    version     BIGINT NOT NULL DEFAULT 1,
    UNIQUE (vpc_id, group_name)
);
CREATE INDEX security_groups_by_account ON security_groups (account_id, created_at, group_id);

CREATE TABLE security_group_rules (
    rule_id        TEXT PRIMARY KEY,
    group_id       TEXT NOT NULL REFERENCES security_groups (group_id) ON DELETE CASCADE,
    account_id     TEXT NOT NULL,
    direction      TEXT NOT NULL CHECK (direction IN ('ingress', 'egress')),
    protocol       TEXT NOT NULL,
    from_port      BIGINT NOT NULL,
    to_port        BIGINT NOT NULL,
    cidr           TEXT,
    prefix_list_id TEXT,
    ref_group_id   TEXT,
    description    TEXT,
    rule_key       TEXT NOT NULL,
    created_at     BIGINT NOT NULL,
    UNIQUE (group_id, rule_key)
);
CREATE INDEX security_group_rules_by_ref ON security_group_rules (ref_group_id);

CREATE TABLE internet_gateways (
    internet_gateway_id TEXT PRIMARY KEY,
    account_id          TEXT NOT NULL,
    region              TEXT NOT NULL,
    vpc_id              TEXT UNIQUE REFERENCES vpcs (vpc_id),
    created_at          BIGINT NOT NULL,
    updated_at          BIGINT NOT NULL,
    version             BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX internet_gateways_by_account ON internet_gateways (account_id, created_at, internet_gateway_id);

CREATE TABLE network_interfaces (
    network_interface_id TEXT PRIMARY KEY,
    account_id           TEXT NOT NULL,
    region               TEXT NOT NULL,
    vpc_id               TEXT NOT NULL REFERENCES vpcs (vpc_id),
    subnet_id            TEXT NOT NULL REFERENCES subnets (subnet_id),
    zone_id              TEXT NOT NULL,
    private_ip           BIGINT NOT NULL,
    interface_type       TEXT NOT NULL,
    requester_managed    INTEGER NOT NULL,
    attached_resource_id TEXT,
    description          TEXT NOT NULL,
    created_at           BIGINT NOT NULL,
    updated_at           BIGINT NOT NULL,
    version              BIGINT NOT NULL DEFAULT 1,
    UNIQUE (subnet_id, private_ip)
);
CREATE INDEX network_interfaces_by_account ON network_interfaces (account_id, created_at, network_interface_id);

CREATE TABLE network_interface_groups (
    network_interface_id TEXT NOT NULL REFERENCES network_interfaces (network_interface_id) ON DELETE CASCADE,
    group_id             TEXT NOT NULL REFERENCES security_groups (group_id),
    position             BIGINT NOT NULL,
    PRIMARY KEY (network_interface_id, group_id)
);
CREATE INDEX network_interface_groups_by_group ON network_interface_groups (group_id);

CREATE TABLE nat_gateways (
    nat_gateway_id       TEXT PRIMARY KEY,
    account_id           TEXT NOT NULL,
    region               TEXT NOT NULL,
    vpc_id               TEXT NOT NULL REFERENCES vpcs (vpc_id),
    subnet_id            TEXT NOT NULL REFERENCES subnets (subnet_id),
    network_interface_id TEXT NOT NULL,
    connectivity_type    TEXT NOT NULL CHECK (connectivity_type IN ('public', 'private')),
    state                TEXT NOT NULL,
    created_at           BIGINT NOT NULL,
    updated_at           BIGINT NOT NULL,
    version              BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX nat_gateways_by_account ON nat_gateways (account_id, created_at, nat_gateway_id);

-- Visible to both sides; no foreign keys to VPCs, which may be in another
-- account and outlive a deleted or rejected peering.
CREATE TABLE vpc_peering_connections (
    vpc_peering_connection_id TEXT PRIMARY KEY,
    requester_account_id      TEXT NOT NULL,
    requester_vpc_id          TEXT NOT NULL,
    requester_region          TEXT NOT NULL,
    requester_cidr_block      TEXT NOT NULL,
    accepter_account_id       TEXT NOT NULL,
    accepter_vpc_id           TEXT NOT NULL,
    accepter_region           TEXT NOT NULL,
    accepter_cidr_block       TEXT NOT NULL,
    status                    TEXT NOT NULL,
    status_message            TEXT NOT NULL,
    created_at                BIGINT NOT NULL,
    updated_at                BIGINT NOT NULL,
    version                   BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX peering_by_requester ON vpc_peering_connections (requester_account_id, created_at, vpc_peering_connection_id);
CREATE INDEX peering_by_accepter ON vpc_peering_connections (accepter_account_id, created_at, vpc_peering_connection_id);

CREATE TABLE transit_gateways (
    transit_gateway_id TEXT PRIMARY KEY,
    account_id         TEXT NOT NULL,
    region             TEXT NOT NULL,
    description        TEXT NOT NULL,
    state              TEXT NOT NULL,
    created_at         BIGINT NOT NULL,
    updated_at         BIGINT NOT NULL,
    version            BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX transit_gateways_by_account ON transit_gateways (account_id, created_at, transit_gateway_id);

CREATE TABLE transit_gateway_attachments (
    transit_gateway_attachment_id TEXT PRIMARY KEY,
    transit_gateway_id            TEXT NOT NULL REFERENCES transit_gateways (transit_gateway_id),
    account_id                    TEXT NOT NULL,
    vpc_id                        TEXT NOT NULL REFERENCES vpcs (vpc_id),
    state                         TEXT NOT NULL,
    created_at                    BIGINT NOT NULL,
    UNIQUE (transit_gateway_id, vpc_id)
);
CREATE INDEX tgw_attachments_by_vpc ON transit_gateway_attachments (vpc_id);

CREATE TABLE transit_gateway_attachment_subnets (
    transit_gateway_attachment_id TEXT NOT NULL REFERENCES transit_gateway_attachments (transit_gateway_attachment_id) ON DELETE CASCADE,
    subnet_id                     TEXT NOT NULL REFERENCES subnets (subnet_id),
    zone_id                       TEXT NOT NULL,
    PRIMARY KEY (transit_gateway_attachment_id, subnet_id)
);
CREATE INDEX tgw_attachment_subnets_by_subnet ON transit_gateway_attachment_subnets (subnet_id);

CREATE TABLE transit_gateway_routes (
    transit_gateway_id            TEXT NOT NULL REFERENCES transit_gateways (transit_gateway_id) ON DELETE CASCADE,
    destination_cidr_block        TEXT NOT NULL,
    transit_gateway_attachment_id TEXT,
    blackhole                     INTEGER NOT NULL,
    created_at                    BIGINT NOT NULL,
    PRIMARY KEY (transit_gateway_id, destination_cidr_block)
);
