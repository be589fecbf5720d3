-- The route resolver reads listeners (a network load balancer forwards
-- only the ports it listens on): writes to them bump the network version.
CREATE TRIGGER nv_listeners AFTER INSERT OR UPDATE OR DELETE ON listeners FOR EACH ROW EXECUTE FUNCTION bump_network_version();
