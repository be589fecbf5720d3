-- The route resolver reads listeners (a network load balancer forwards
-- only the ports it listens on): writes to them bump the network version.
CREATE TRIGGER nv_listeners_insert AFTER INSERT ON listeners BEGIN UPDATE network_version SET version = version + 1 WHERE shard = 0; END;
CREATE TRIGGER nv_listeners_update AFTER UPDATE ON listeners BEGIN UPDATE network_version SET version = version + 1 WHERE shard = 0; END;
CREATE TRIGGER nv_listeners_delete AFTER DELETE ON listeners BEGIN UPDATE network_version SET version = version + 1 WHERE shard = 0; END;
