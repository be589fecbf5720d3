-- Notification topics: linkplane's stand-in for SNS topics. EC2's
-- connection notifications name an SNS topic ARN
-- (`ConnectionNotificationArn`); here that ARN
-- (`arn:aws:sns:<region>:<account>:<name>`) names a topic created over
-- REST with the webhook URL it delivers to and the secret it signs with.
-- A notification with a topic reads the topic's URL and secret at delivery
-- time, so changing or deleting the topic takes effect at once, as it
-- does for SNS.

CREATE TABLE notification_topics (
    topic_arn      TEXT PRIMARY KEY,
    account_id     TEXT NOT NULL,
    region         TEXT NOT NULL,
    name           TEXT NOT NULL,
    webhook_url    TEXT NOT NULL,
    signing_secret TEXT NOT NULL,
    created_at     BIGINT NOT NULL
);
CREATE UNIQUE INDEX notification_topics_by_name ON notification_topics (account_id, region, name);
CREATE INDEX notification_topics_by_account ON notification_topics (account_id, created_at, topic_arn);

-- A notification names a topic (its `webhook_url` is then empty) or holds
-- its own webhook URL (no topic), and lives in its service's region.
ALTER TABLE connection_notifications ADD COLUMN connection_notification_arn TEXT;
ALTER TABLE connection_notifications ADD COLUMN region TEXT NOT NULL DEFAULT '';
UPDATE connection_notifications
   SET region = (SELECT s.region FROM endpoint_services s
                  WHERE s.service_id = connection_notifications.service_id);
CREATE INDEX connection_notifications_by_account ON connection_notifications (account_id, created_at, connection_notification_id);
