-- Connection notifications: webhooks of an endpoint service, and the outbox
-- of their deliveries. Outbox rows are written in the same transaction as
-- the state change they report, and delivered at least once: a row stays
-- until a webhook answers 2xx; `claimed_until` keeps two replicas from
-- sending the same row at once.

CREATE TABLE connection_notifications (
    connection_notification_id TEXT PRIMARY KEY,
    account_id                 TEXT NOT NULL,
    service_id                 TEXT NOT NULL REFERENCES endpoint_services (service_id) ON DELETE CASCADE,
    webhook_url                TEXT NOT NULL,
    events                     TEXT NOT NULL,
    signing_secret             TEXT NOT NULL,
    last_delivery_status       TEXT,
    last_delivery_at           BIGINT,
    created_at                 BIGINT NOT NULL
);
CREATE INDEX connection_notifications_by_service ON connection_notifications (service_id, created_at, connection_notification_id);

CREATE TABLE notification_outbox (
    delivery_id                TEXT PRIMARY KEY,
    connection_notification_id TEXT NOT NULL REFERENCES connection_notifications (connection_notification_id) ON DELETE CASCADE,
    body                       TEXT NOT NULL,
    attempts                   BIGINT NOT NULL,
    next_attempt_at            BIGINT NOT NULL,
    claimed_until              BIGINT NOT NULL,
    last_error                 TEXT,
    created_at                 BIGINT NOT NULL
);
CREATE INDEX notification_outbox_due ON notification_outbox (next_attempt_at, claimed_until);
