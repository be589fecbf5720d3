-- Connection notifications of one VPC endpoint (EC2's
-- CreateVpcEndpointConnectionNotification with VpcEndpointId): the
-- endpoint owner's, told of that endpoint's events only, gone with the
-- endpoint. A notification is of a service (service_id, its producer's,
-- gone with the service) or of an endpoint (vpc_endpoint_id), never both,
-- so a producer deleting its service does not take its consumers'
-- notifications with it.
ALTER TABLE connection_notifications ALTER COLUMN service_id DROP NOT NULL;
ALTER TABLE connection_notifications
    ADD COLUMN vpc_endpoint_id TEXT REFERENCES vpc_endpoints (vpc_endpoint_id) ON DELETE CASCADE;
ALTER TABLE connection_notifications ADD CONSTRAINT connection_notifications_one_scope
    CHECK ((service_id IS NULL) <> (vpc_endpoint_id IS NULL));
CREATE INDEX connection_notifications_by_endpoint ON connection_notifications (vpc_endpoint_id);
