-- ELB listeners: a load balancer's port and protocol (none on a gateway
-- load balancer) forwarding to one target group. Creating one attaches the
-- group to the load balancer (target_groups.load_balancer_arn), as the
-- group's load_balancer_arn on REST does; the last listener forwarding to
-- a group detaches it when deleted. Gone with their load balancer; a group
-- a listener forwards to cannot be deleted.
CREATE TABLE listeners (
    listener_arn      TEXT PRIMARY KEY,
    load_balancer_arn TEXT NOT NULL REFERENCES load_balancers (load_balancer_arn) ON DELETE CASCADE,
    account_id        TEXT NOT NULL,
    protocol          TEXT,
    port              BIGINT,
    target_group_arn  TEXT NOT NULL REFERENCES target_groups (target_group_arn),
    created_at        BIGINT NOT NULL,
    UNIQUE (load_balancer_arn, port)
);
CREATE INDEX listeners_by_lb ON listeners (load_balancer_arn, created_at, listener_arn);
CREATE INDEX listeners_by_group ON listeners (target_group_arn);
-- A gateway load balancer's one listener (its port is NULL, which the
-- unique (load_balancer_arn, port) above does not count).
CREATE UNIQUE INDEX listeners_one_per_gateway ON listeners (load_balancer_arn) WHERE port IS NULL;
