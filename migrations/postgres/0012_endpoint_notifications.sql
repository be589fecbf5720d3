-- Connection notifications of one VPC endpoint (EC2's
-- CreateVpcEndpointConnectionNotification with VpcEndpointId): the
-- endpoint owner's, told of its own endpoint's events only. service_id
-- stays the endpoint's service (an endpoint service: endpoints of AWS
-- services have no connection events); vpc_endpoint_id is NULL for a
-- service's notification, seen by its producer. Gone with the endpoint.
ALTER TABLE connection_notifications
    ADD COLUMN vpc_endpoint_id TEXT REFERENCES vpc_endpoints (vpc_endpoint_id) ON DELETE CASCADE;
CREATE INDEX connection_notifications_by_endpoint ON connection_notifications (vpc_endpoint_id);
