-- Connection notifications of one VPC endpoint (EC2's
-- CreateVpcEndpointConnectionNotification with VpcEndpointId): the
-- endpoint owner's, told of that endpoint's events only, gone with the
-- endpoint. A notification is of a service (service_id, its producer's,
-- gone with the service) or of an endpoint (vpc_endpoint_id), never both,
-- so a producer deleting its service does not take its consumers'
-- notifications with it.
--
-- SQLite cannot drop a NOT NULL in place: the table is rebuilt. Dropping
-- the old one deletes its outbox rows (ON DELETE CASCADE), so they are
-- set aside and put back.
CREATE TABLE notification_outbox_kept AS SELECT * FROM notification_outbox;
CREATE TABLE connection_notifications_new (
    connection_notification_id  TEXT PRIMARY KEY,
    account_id                  TEXT NOT NULL,
    service_id                  TEXT REFERENCES endpoint_services (service_id) ON DELETE CASCADE,
    vpc_endpoint_id             TEXT REFERENCES vpc_endpoints (vpc_endpoint_id) ON DELETE CASCADE,
    webhook_url                 TEXT NOT NULL,
    events                      TEXT NOT NULL,
    signing_secret              TEXT NOT NULL,
    last_delivery_status        TEXT,
    last_delivery_at            BIGINT,
    created_at                  BIGINT NOT NULL,
    connection_notification_arn TEXT,
    region                      TEXT NOT NULL DEFAULT '',
    CHECK ((service_id IS NULL) <> (vpc_endpoint_id IS NULL))
);
INSERT INTO connection_notifications_new (connection_notification_id, account_id, service_id,
    webhook_url, events, signing_secret, last_delivery_status, last_delivery_at, created_at,
    connection_notification_arn, region)
SELECT connection_notification_id, account_id, service_id, webhook_url, events, signing_secret,
    last_delivery_status, last_delivery_at, created_at, connection_notification_arn, region
  FROM connection_notifications;
DROP TABLE connection_notifications;
ALTER TABLE connection_notifications_new RENAME TO connection_notifications;
INSERT INTO notification_outbox SELECT * FROM notification_outbox_kept;
DROP TABLE notification_outbox_kept;
CREATE INDEX connection_notifications_by_service ON connection_notifications (service_id, created_at, connection_notification_id);
CREATE INDEX connection_notifications_by_account ON connection_notifications (account_id, created_at, connection_notification_id);
CREATE INDEX connection_notifications_by_endpoint ON connection_notifications (vpc_endpoint_id);
