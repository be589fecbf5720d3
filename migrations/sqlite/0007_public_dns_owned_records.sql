-- Public DNS as Route 53 and DNS work: a zone is (owner, name), several
-- accounts may hold zones of one name, and a record belongs to the zone it
-- was written in (it was keyed on (name, type) alone, so another account's
-- write could move or overwrite it). NS records delegate a name to a child
-- zone; which zone answers is decided in linkplane_core::public_dns.
CREATE TABLE public_dns_zones_v2 (
    account_id TEXT NOT NULL,
    zone_name  TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (account_id, zone_name)
);
INSERT INTO public_dns_zones_v2 (account_id, zone_name, created_at)
    SELECT account_id, zone_name, created_at FROM public_dns_zones;

CREATE TABLE public_dns_records_v2 (
    account_id  TEXT NOT NULL,
    zone_name   TEXT NOT NULL,
    record_name TEXT NOT NULL,
    record_type TEXT NOT NULL CHECK (record_type IN ('TXT', 'A', 'NS')),
    value       TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (account_id, zone_name, record_name, record_type),
    FOREIGN KEY (account_id, zone_name) REFERENCES public_dns_zones_v2 (account_id, zone_name) ON DELETE CASCADE
);
INSERT INTO public_dns_records_v2 (account_id, zone_name, record_name, record_type, value, created_at)
    SELECT z.account_id, r.zone_name, r.record_name, r.record_type, r.value, r.created_at
    FROM public_dns_records r JOIN public_dns_zones z ON z.zone_name = r.zone_name;

DROP TABLE public_dns_records;
DROP TABLE public_dns_zones;
ALTER TABLE public_dns_zones_v2 RENAME TO public_dns_zones;
ALTER TABLE public_dns_records_v2 RENAME TO public_dns_records;

CREATE INDEX public_dns_zones_by_account ON public_dns_zones (account_id, created_at, zone_name);
CREATE INDEX public_dns_zones_by_name ON public_dns_zones (zone_name, created_at);
CREATE INDEX public_dns_records_by_zone ON public_dns_records (account_id, zone_name, created_at, record_name, record_type);
CREATE INDEX public_dns_records_by_name ON public_dns_records (record_name, record_type);
