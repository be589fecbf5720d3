//! Connection notifications: an endpoint service's webhooks for `connect`,
//! `accept`, `reject` and `delete` events, written to an outbox in the same
//! transaction as the change they report and delivered at least once, signed
//! with `X-Linkplane-Signature: sha256=<hex HMAC-SHA256 of the body>`.

use crate::error::{Error, Result};
use crate::schema;
use crate::service::network::Ctx;
use crate::service::producer::endpoint_service::service_not_found;
use crate::store::consumer::EndpointRow;
use crate::store::outbox::{self as db, NotificationRow};
use crate::store::producer as prod_db;
use crate::store::{Tx, now_ms};
use crate::transaction;
use crate::util::{new_id, random_hex, timestamp};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The events a notification can ask for.
pub const EVENTS: [&str; 4] = ["connect", "accept", "reject", "delete"];

/// A connection notification (`ConnectionNotification`), without its secret.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ConnectionNotification {
    #[schema(example = "vpce-nfn-008776de7e03f5abc")]
    pub connection_notification_id: String,
    pub service_id: String,
    #[schema(example = "https://hooks.example.com/linkplane")]
    pub webhook_url: String,
    #[schema(example = json!(["accept", "connect"]))]
    pub events: Vec<String>,
    /// Always `enabled`.
    #[schema(example = "enabled")]
    pub state: String,
    /// The outcome of the last delivery attempt: the webhook's status code
    /// (`200`, `500`), or `error: ` and why there was no answer (`error:
    /// connect: invalid peer certificate: UnknownIssuer` for an https
    /// server whose certificate is not trusted).
    #[schema(example = "200")]
    pub last_delivery_status: Option<String>,
    pub last_delivery_time: Option<String>,
    /// Events not yet acknowledged by the webhook (retried with backoff).
    pub pending_deliveries: i64,
    pub creation_timestamp: String,
}

/// A new notification with its signing secret, shown this once.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ConnectionNotificationWithSecret {
    #[serde(flatten)]
    pub notification: ConnectionNotification,
    /// The HMAC-SHA256 key of `X-Linkplane-Signature`; stored, never shown again.
    pub signing_secret: String,
}

/// `POST /v1/endpoint-services/{service_id}/notifications`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateNotificationRequest {
    /// An `http://` or `https://` URL of at most 2048 bytes whose host (up
    /// to the first `/`, `?` or `#`) is not empty and holds no `@` and no
    /// white space (loopback is fine: this is a local
    /// tool); its host must be among `LINKPLANE_WEBHOOK_ALLOWED_HOSTS` when
    /// that is set. An `https://` server's certificate must chain to the
    /// system's CA roots or to one in `LINKPLANE_WEBHOOK_CA_FILE` (a PEM
    /// bundle read at start, e.g. for a private CA or a self-signed
    /// certificate); a refused handshake is a failed delivery, retried.
    #[schema(
        example = "https://hooks.example.com/linkplane",
        max_length = 2048,
        pattern = "^https?://[^/?#@\\u0000-\\u0020\\u007f-\\u009f\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]+([/?#][^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f]*)?$"
    )]
    pub webhook_url: String,
    /// Some of `connect`, `accept`, `reject`, `delete`.
    #[schema(value_type = Vec<schema::NotificationEvent>, min_items = 1)]
    pub events: Vec<String>,
}

pub(crate) fn check_url(url: &str, allowed_hosts: &[String]) -> Result<()> {
    let Some(rest) = url
        .strip_prefix("http://")
        .or_else(|| url.strip_prefix("https://"))
    else {
        return Err(Error::invalid_value(format!(
            "webhook_url: '{url}' is not an http:// or https:// URL"
        )));
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if host.is_empty()
        || host.contains('@')
        || host.chars().any(char::is_whitespace)
        || url.len() > 2048
    {
        return Err(Error::invalid_value(format!(
            "webhook_url: '{url}' has no valid host"
        )));
    }
    let host = host.to_ascii_lowercase();
    let bare = host.rsplit_once(':').map_or(host.as_str(), |(h, _)| h);
    if !allowed_hosts.is_empty() && !allowed_hosts.iter().any(|a| *a == host || *a == bare) {
        return Err(Error::invalid_value(format!(
            "webhook_url: host '{host}' is not among LINKPLANE_WEBHOOK_ALLOWED_HOSTS ({})",
            allowed_hosts.join(", ")
        )));
    }
    Ok(())
}

fn notification_of(r: NotificationRow, pending: i64) -> ConnectionNotification {
    ConnectionNotification {
        connection_notification_id: r.connection_notification_id,
        service_id: r.service_id,
        webhook_url: r.webhook_url,
        events: r.events.split(',').map(str::to_string).collect(),
        state: "enabled".to_string(),
        last_delivery_status: r.last_delivery_status,
        last_delivery_time: r.last_delivery_at.map(timestamp),
        pending_deliveries: pending,
        creation_timestamp: timestamp(r.created_at),
    }
}

pub async fn create_notification(
    ctx: Ctx<'_>,
    allowed_hosts: &[String],
    service_id: &str,
    req: CreateNotificationRequest,
) -> Result<ConnectionNotificationWithSecret> {
    let account = ctx.account()?;
    check_url(&req.webhook_url, allowed_hosts)?;
    if req.events.is_empty() {
        return Err(Error::missing(
            "events: at least one of connect, accept, reject, delete",
        ));
    }
    let mut events: Vec<String> = Vec::new();
    for e in &req.events {
        if !EVENTS.contains(&e.as_str()) {
            return Err(Error::invalid_value(format!(
                "events: '{e}' is not one of connect, accept, reject, delete"
            )));
        }
        if !events.contains(e) {
            events.push(e.clone());
        }
    }
    events.sort();
    let (req, events) = (&req, &events);
    let row = transaction!(ctx.store, |tx| {
        prod_db::get_service(&mut **tx, Some(account), service_id)
            .await?
            .ok_or_else(|| service_not_found(service_id))?;
        let row = NotificationRow {
            connection_notification_id: new_id("vpce-nfn"),
            account_id: account.to_string(),
            service_id: service_id.to_string(),
            webhook_url: req.webhook_url.clone(),
            events: events.join(","),
            signing_secret: format!("lpwh_{}", random_hex(24)),
            last_delivery_status: None,
            last_delivery_at: None,
            created_at: now_ms(),
        };
        db::insert_notification(tx, &row).await?;
        Ok(row)
    })?;
    let secret = row.signing_secret.clone();
    Ok(ConnectionNotificationWithSecret {
        notification: notification_of(row, 0),
        signing_secret: secret,
    })
}

pub async fn list_notifications(
    ctx: Ctx<'_>,
    service_id: &str,
) -> Result<Vec<ConnectionNotification>> {
    let account = ctx.account()?;
    prod_db::get_service(ctx.store.pool(), Some(account), service_id)
        .await?
        .ok_or_else(|| service_not_found(service_id))?;
    let pending = db::pending_counts(ctx.store.pool(), service_id).await?;
    Ok(db::notifications_of(ctx.store.pool(), service_id)
        .await?
        .into_iter()
        .map(|r| {
            let n = pending
                .iter()
                .find(|(id, _)| *id == r.connection_notification_id)
                .map_or(0, |(_, n)| *n);
            notification_of(r, n)
        })
        .collect())
}

pub async fn delete_notification(ctx: Ctx<'_>, service_id: &str, id: &str) -> Result<()> {
    let account = ctx.account()?;
    transaction!(ctx.store, |tx| {
        prod_db::get_service(&mut **tx, Some(account), service_id)
            .await?
            .ok_or_else(|| service_not_found(service_id))?;
        if !db::delete_notification(tx, service_id, id).await? {
            return Err(Error::not_found(
                "InvalidConnectionNotification",
                format!("The connection notification '{id}' does not exist"),
            ));
        }
        Ok(())
    })?;
    Ok(())
}

/// Queues `event` about an endpoint for every notification of its service
/// that asked for it, in the transaction of the change.
pub async fn emit(tx: &mut Tx, event: &str, e: &EndpointRow, state: &str) -> Result<()> {
    let Some(service_id) = &e.service_id else {
        return Ok(());
    };
    let now = now_ms();
    for n in db::notifications_of(&mut **tx, service_id).await? {
        if !n.events.split(',').any(|x| x == event) {
            continue;
        }
        let delivery_id = uuid::Uuid::new_v4().to_string();
        let body = serde_json::json!({
            "event": event,
            "delivery_id": delivery_id,
            "connection_notification_id": n.connection_notification_id,
            "service_id": service_id,
            "service_name": e.service_name,
            "vpc_endpoint_id": e.vpc_endpoint_id,
            "vpc_endpoint_owner": e.account_id,
            "vpc_endpoint_state": state,
            "time": timestamp(now),
        })
        .to_string();
        db::enqueue(tx, &delivery_id, &n.connection_notification_id, &body, now).await?;
    }
    Ok(())
}

/// `sha256=<hex>` of the body under the notification's secret.
pub fn signature(secret: &str, body: &[u8]) -> String {
    use hmac::{Hmac, Mac};
    let mut mac = match Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()) {
        Ok(m) => m,
        // HMAC takes keys of any length; this cannot happen.
        Err(_) => return String::new(),
    };
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

#[cfg(test)]
mod tests {
    #[test]
    fn webhook_urls_are_http_or_https_with_an_allowed_host() {
        let any: Vec<String> = Vec::new();
        assert!(super::check_url("http://127.0.0.1:9000/hook", &any).is_ok());
        assert!(super::check_url("https://x.example/h", &any).is_ok());
        assert!(super::check_url("https://127.0.0.1:8443/h?x=1", &any).is_ok());
        for bad in [
            "ftp://x/y",
            "http:///x",
            "https:///x",
            "http://u@h/x",
            "https://u:p@h/x",
            "https://h x/y",
            "HTTPS://x.example/h",
            "https:/x.example/h",
            "hook",
        ] {
            assert!(super::check_url(bad, &any).is_err(), "{bad}");
        }
        let allowed = vec!["127.0.0.1".to_string(), "hooks.internal:8443".to_string()];
        for (url, ok) in [
            ("http://127.0.0.1:9000/h", true),
            ("https://127.0.0.1:9443/h", true),
            ("http://HOOKS.internal:8443/h", true),
            ("https://hooks.internal:8443/h", true),
            ("http://hooks.internal:9000/h", false),
            ("https://hooks.internal/h", false),
            ("http://evil.example/h", false),
            ("https://evil.example/h", false),
        ] {
            assert_eq!(super::check_url(url, &allowed).is_ok(), ok, "{url}");
        }
    }

    #[test]
    fn signature_is_rfc_4231_hmac_sha256() {
        // RFC 4231 test case 2.
        assert_eq!(
            super::signature("Jefe", b"what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
