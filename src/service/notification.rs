//! Connection notifications: webhooks for `connect`, `accept`, `reject`
//! and `delete` events, of an endpoint service (its producer's, of all its
//! endpoints) or of one VPC endpoint (its owner's, of that endpoint's
//! events), written to an outbox in the same transaction as the change
//! they report and delivered at least once, signed with
//! `X-Linkplane-Signature: sha256=<hex HMAC-SHA256 of the body>`.

use crate::error::{Error, Result};
use crate::schema;
use crate::service::network::Ctx;
use crate::service::producer::endpoint_service::service_not_found;
use crate::service::{Created, Idempotency};
use crate::store::consumer::EndpointRow;
use crate::store::filter::AnyOf;
use crate::store::filter::Scope;
use crate::store::outbox::{self as db, NotificationRow};
use crate::store::producer as prod_db;
use crate::store::topics as topics_db;
use crate::store::{Tx, now_ms};
use crate::transaction;
use crate::util::{new_id, random_hex, timestamp};
use crate::{create_once, pagination};
use linkplane_core::catalog::EndpointType;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The events a notification can ask for.
pub const EVENTS: [&str; 4] = ["connect", "accept", "reject", "delete"];

/// A connection notification (`ConnectionNotification`), without its secret.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ConnectionNotification {
    #[schema(example = "vpce-nfn-008776de7e03f5abc")]
    pub connection_notification_id: String,
    /// The service of a service's notification; absent for an endpoint's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_id: Option<String>,
    /// The endpoint whose events alone it reports, for a notification of
    /// one endpoint (its owner's; EC2's `VpcEndpointId`); absent for a
    /// service's.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "vpce-0123456789abcdef0")]
    pub vpc_endpoint_id: Option<String>,
    /// The region of the service, or of the endpoint for an endpoint's
    /// notification (EC2's `ServiceRegion`).
    #[schema(example = "us-east-1")]
    pub service_region: String,
    /// Where deliveries go: the notification's own URL, or for one naming a
    /// topic, the topic's URL as of this read (empty once the topic is
    /// deleted: deliveries are then dropped, as SNS drops what is
    /// published to a deleted topic).
    #[schema(example = "https://hooks.example.com/linkplane")]
    pub webhook_url: String,
    /// The topic deliveries go to (EC2's `ConnectionNotificationArn`), when
    /// the notification names one; absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "arn:aws:sns:us-east-1:111122223333:endpoint-events")]
    pub connection_notification_arn: Option<String>,
    #[schema(example = json!(["accept", "connect"]))]
    pub events: Vec<String>,
    /// Always `enabled`.
    #[schema(example = "enabled")]
    pub state: String,
    /// The outcome of the last delivery attempt: the webhook's status code
    /// (`200`, `500`), or `error: ` and why there was no answer (`error:
    /// connect: invalid peer certificate: UnknownIssuer` for an https
    /// server whose certificate is not trusted), or `dropped: ` when the
    /// notification's topic no longer exists.
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
    /// The HMAC-SHA256 key of `X-Linkplane-Signature`; stored, never shown
    /// again. Absent for a notification naming a topic (its deliveries are
    /// signed with the topic's secret) and from an idempotent replay.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signing_secret: Option<String>,
}

/// `POST /v1/endpoint-services/{service_id}/notifications`: a
/// `webhook_url`, or a topic's `connection_notification_arn` (one of the two).
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
    pub webhook_url: Option<String>,
    /// Instead of `webhook_url`: the ARN of one of the caller's
    /// notification topics in the service's region
    /// (`POST /v1/notification-topics`); deliveries go to the topic's
    /// webhook URL, read when each is sent, signed with the topic's secret.
    #[schema(
        example = "arn:aws:sns:us-east-1:111122223333:endpoint-events",
        pattern = "^arn:aws:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}$"
    )]
    pub connection_notification_arn: Option<String>,
    /// Some of `connect`, `accept`, `reject`, `delete`.
    #[schema(value_type = Vec<schema::NotificationEvent>, min_items = 1)]
    pub events: Vec<String>,
}

/// `PATCH .../notifications/{connection_notification_id}` (EC2's
/// `ModifyVpcEndpointConnectionNotification`): only the fields to change.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateNotificationRequest {
    /// Replaces the events (some of `connect`, `accept`, `reject`, `delete`).
    #[schema(value_type = Option<Vec<schema::NotificationEvent>>, min_items = 1)]
    pub events: Option<Vec<String>>,
    /// Sends deliveries to this topic from now on (also a notification made
    /// with a `webhook_url`; there is no way back to a URL of its own).
    #[schema(
        example = "arn:aws:sns:us-east-1:111122223333:endpoint-events",
        pattern = "^arn:aws:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}$"
    )]
    pub connection_notification_arn: Option<String>,
}

/// The list of an account's notifications (EC2's
/// `DescribeVpcEndpointConnectionNotifications`).
#[derive(Debug, Clone, Default)]
pub struct ListNotifications {
    pub service_id: AnyOf<String>,
    pub vpc_endpoint_id: AnyOf<String>,
    pub region: Option<String>,
    pub connection_notification_arn: AnyOf<String>,
    pub max_results: Option<u32>,
    pub next_token: Option<String>,
}

pub fn notification_not_found(id: &str) -> Error {
    Error::not_found(
        "InvalidConnectionNotification",
        format!("The connection notification '{id}' does not exist"),
    )
}

/// The events asked for, checked, without repeats, in order.
fn check_events(events: &[String]) -> Result<Vec<String>> {
    if events.is_empty() {
        return Err(Error::missing(
            "events: at least one of connect, accept, reject, delete",
        ));
    }
    let mut out: Vec<String> = Vec::new();
    for e in events {
        if !EVENTS.contains(&e.as_str()) {
            return Err(Error::invalid_value(format!(
                "events: '{e}' is not one of connect, accept, reject, delete"
            )));
        }
        if !out.contains(e) {
            out.push(e.clone());
        }
    }
    out.sort();
    Ok(out)
}

/// A `connection_notification_arn` must be a topic of the caller's account
/// in the service's region.
async fn check_topic(tx: &mut Tx, account: &str, arn: &str, region: &str) -> Result<()> {
    let bad = |why: &str| Error::invalid_value(format!("ConnectionNotificationArn: '{arn}' {why}"));
    let Some(parsed) = linkplane_core::topic::parse_topic_arn(arn) else {
        return Err(bad(
            "is not an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>)",
        ));
    };
    if parsed.region != region {
        return Err(bad(&format!(
            "is not a topic of the service's region {region}"
        )));
    }
    if topics_db::get_topic(&mut **tx, account, arn)
        .await?
        .is_none()
    {
        return Err(bad(
            "is not a topic of this account (POST /v1/notification-topics makes one)",
        ));
    }
    Ok(())
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

/// Renders rows: pending counts and, for those naming a topic, the
/// topic's current URL, each read once for all.
async fn render(
    store: &crate::store::Store,
    rows: Vec<NotificationRow>,
) -> Result<Vec<ConnectionNotification>> {
    let ids: Vec<&str> = rows
        .iter()
        .map(|r| r.connection_notification_id.as_str())
        .collect();
    let pending = db::pending_counts_of(store.pool(), &ids).await?;
    let arns: Vec<&str> = rows
        .iter()
        .filter_map(|r| r.connection_notification_arn.as_deref())
        .collect();
    let topics = topics_db::topics_in(store.pool(), &arns).await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let n = pending
                .iter()
                .find(|(id, _)| *id == r.connection_notification_id)
                .map_or(0, |(_, n)| *n);
            let url = match &r.connection_notification_arn {
                None => r.webhook_url.clone(),
                Some(arn) => topics
                    .iter()
                    .find(|t| t.topic_arn == *arn)
                    .map(|t| t.webhook_url.clone())
                    .unwrap_or_default(),
            };
            notification_of(r, url, n)
        })
        .collect())
}

fn notification_of(
    r: NotificationRow,
    webhook_url: String,
    pending: i64,
) -> ConnectionNotification {
    ConnectionNotification {
        connection_notification_id: r.connection_notification_id,
        service_id: r.service_id,
        vpc_endpoint_id: r.vpc_endpoint_id,
        service_region: r.region,
        webhook_url,
        connection_notification_arn: r.connection_notification_arn,
        events: r.events.split(',').map(str::to_string).collect(),
        state: "enabled".to_string(),
        last_delivery_status: r.last_delivery_status,
        last_delivery_time: r.last_delivery_at.map(timestamp),
        pending_deliveries: pending,
        creation_timestamp: timestamp(r.created_at),
    }
}

/// What a notification reports the events of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotificationOf<'a> {
    /// Every endpoint of one of the caller's endpoint services.
    Service(&'a str),
    /// One of the caller's VPC endpoints (of an endpoint service).
    Endpoint(&'a str),
}

/// Makes a notification of a service or an endpoint: to a webhook URL of
/// its own (its signing secret answered by this request only), or to a
/// topic (of the caller's, in the service's or endpoint's region).
pub async fn create_notification(
    ctx: Ctx<'_>,
    allowed_hosts: &[String],
    of: NotificationOf<'_>,
    req: CreateNotificationRequest,
    idempotency_key: Option<String>,
) -> Result<Created<ConnectionNotificationWithSecret>> {
    let idem = match of {
        NotificationOf::Service(service_id) => Idempotency::new(
            ctx.caller,
            idempotency_key,
            "CreateVpcEndpointConnectionNotification",
            &(service_id, &req),
        ),
        NotificationOf::Endpoint(endpoint_id) => Idempotency::new(
            ctx.caller,
            idempotency_key,
            "CreateVpcEndpointConnectionNotification",
            &(("vpc_endpoint_id", endpoint_id), &req),
        ),
    };
    let account = ctx.account()?;
    match (&req.webhook_url, &req.connection_notification_arn) {
        (Some(url), None) => check_url(url, allowed_hosts)?,
        (None, Some(_)) => {}
        (Some(_), Some(_)) => {
            return Err(Error::validation(
                "InvalidParameterCombination",
                "webhook_url and connection_notification_arn: give one of them, not both",
            ));
        }
        (None, None) => {
            return Err(Error::missing(
                "webhook_url or connection_notification_arn: a notification delivers to one of them",
            ));
        }
    }
    let events = check_events(&req.events)?;
    let secret = format!("lpwh_{}", random_hex(24));
    let (req, events, secret_ref) = (&req, &events, &secret);
    let created = create_once!(ctx.store, idem.as_ref(), |tx| {
        let (service_id, vpc_endpoint_id, region) = scope(tx, account, of).await?;
        if let Some(arn) = &req.connection_notification_arn {
            check_topic(tx, account, arn, &region).await?;
        }
        let row = NotificationRow {
            connection_notification_id: new_id("vpce-nfn"),
            account_id: account.to_string(),
            service_id,
            vpc_endpoint_id,
            webhook_url: req.webhook_url.clone().unwrap_or_default(),
            events: events.join(","),
            signing_secret: secret_ref.clone(),
            last_delivery_status: None,
            last_delivery_at: None,
            created_at: now_ms(),
            connection_notification_arn: req.connection_notification_arn.clone(),
            region,
        };
        db::insert_notification(tx, &row).await?;
        Ok(row.connection_notification_id)
    })?;
    let secret =
        (matches!(created, Created::New(_)) && req.webhook_url.is_some()).then_some(secret);
    created
        .load(|id| async move {
            Ok(ConnectionNotificationWithSecret {
                notification: get_notification(ctx, &id).await?,
                signing_secret: secret,
            })
        })
        .await
}

/// The service or endpoint, and the region, of a new notification: the
/// caller's service, or the caller's interface endpoint of an endpoint
/// service (EC2 makes endpoint notifications for interface endpoints only;
/// an endpoint of an AWS service has no connection events to report).
async fn scope(
    tx: &mut Tx,
    account: &str,
    of: NotificationOf<'_>,
) -> Result<(Option<String>, Option<String>, String)> {
    match of {
        NotificationOf::Service(id) => {
            let s = prod_db::get_service(&mut **tx, Scope::Account(account), id)
                .await?
                .ok_or_else(|| service_not_found(id))?;
            Ok((Some(id.to_string()), None, s.region))
        }
        NotificationOf::Endpoint(id) => {
            let e = crate::store::consumer::get_endpoint(&mut **tx, Scope::Account(account), id)
                .await?
                .ok_or_else(|| crate::service::consumer::endpoint_not_found(id))?;
            if e.service_id.is_none() {
                return Err(Error::invalid_value(format!(
                    "VpcEndpointId: '{id}' is an endpoint of an AWS service ({}), which has no connection events; \
                     connection notifications are of endpoints of endpoint services",
                    e.service_name
                )));
            }
            if e.vpc_endpoint_type != EndpointType::Interface {
                return Err(Error::invalid_value(format!(
                    "VpcEndpointId: '{id}' is a {} endpoint; connection notifications are of interface endpoints only",
                    e.vpc_endpoint_type.as_str()
                )));
            }
            Ok((None, Some(e.vpc_endpoint_id), e.region))
        }
    }
}

/// Every notification of one of the caller's services (one page).
pub async fn list_notifications(
    ctx: Ctx<'_>,
    service_id: &str,
) -> Result<Vec<ConnectionNotification>> {
    let account = ctx.account()?;
    prod_db::get_service(ctx.store.pool(), Scope::Account(account), service_id)
        .await?
        .ok_or_else(|| service_not_found(service_id))?;
    let rows = db::notifications_of(ctx.store.pool(), service_id).await?;
    render(ctx.store, rows).await
}

/// One keyset page of the caller's notifications, oldest first.
pub async fn list_account_notifications(
    ctx: Ctx<'_>,
    q: ListNotifications,
) -> Result<(Vec<ConnectionNotification>, Option<String>)> {
    let account = ctx.account()?;
    let filter = db::NotificationFilter {
        service_id: q.service_id.clone(),
        vpc_endpoint_id: q.vpc_endpoint_id.clone(),
        region: q.region.clone(),
        connection_notification_arn: q.connection_notification_arn.clone(),
    };
    let filter = &filter;
    pagination::list(
        "connection-notifications",
        q.max_results,
        q.next_token.as_deref(),
        |spec| async move {
            db::list_notifications(ctx.store.pool(), account, filter, &spec).await
        },
        |rows| render(ctx.store, rows),
    )
    .await
}

/// One of the caller's notifications, whatever its service.
pub async fn get_notification(ctx: Ctx<'_>, id: &str) -> Result<ConnectionNotification> {
    let account = ctx.account()?;
    let row = db::get_notification(ctx.store.pool(), account, id).await?;
    crate::service::render_one(
        row,
        |rows| render(ctx.store, rows),
        || notification_not_found(id),
    )
    .await
}

/// The caller's notification `id`, of `service_id` when one is given (the
/// service must then be the caller's).
async fn owned(
    tx: &mut Tx,
    account: &str,
    service_id: Option<&str>,
    id: &str,
) -> Result<NotificationRow> {
    if let Some(sid) = service_id {
        prod_db::get_service(&mut **tx, Scope::Account(account), sid)
            .await?
            .ok_or_else(|| service_not_found(sid))?;
    }
    db::get_notification(&mut **tx, account, id)
        .await?
        .filter(|r| service_id.is_none_or(|sid| r.service_id.as_deref() == Some(sid)))
        .ok_or_else(|| notification_not_found(id))
}

/// Changes a notification's events or topic, in one transaction.
pub async fn update_notification(
    ctx: Ctx<'_>,
    service_id: Option<&str>,
    id: &str,
    req: UpdateNotificationRequest,
) -> Result<ConnectionNotification> {
    let account = ctx.account()?;
    let events = match &req.events {
        Some(e) => Some(check_events(e)?),
        None => None,
    };
    let (req, events) = (&req, &events);
    transaction!(ctx.store, |tx| {
        let mut row = owned(tx, account, service_id, id).await?;
        if let Some(arn) = &req.connection_notification_arn {
            check_topic(tx, account, arn, &row.region).await?;
            row.connection_notification_arn = Some(arn.clone());
            row.webhook_url = String::new();
        }
        if let Some(e) = events {
            row.events = e.join(",");
        }
        db::update_notification(tx, &row).await?;
        Ok(())
    })?;
    get_notification(ctx, id).await
}

/// Deletes a notification (its undelivered events go with it).
pub async fn delete_notification(ctx: Ctx<'_>, service_id: Option<&str>, id: &str) -> Result<()> {
    let account = ctx.account()?;
    transaction!(ctx.store, |tx| {
        owned(tx, account, service_id, id).await?;
        db::delete_notification(tx, id).await?;
        Ok(())
    })
}

/// Queues `event` about an endpoint for every notification that asked for
/// it, its service's and its own, in the transaction of the change.
pub async fn emit(tx: &mut Tx, event: &str, e: &EndpointRow, state: &str) -> Result<()> {
    let Some(service_id) = &e.service_id else {
        return Ok(());
    };
    let now = now_ms();
    for n in db::notifications_reached(&mut **tx, service_id, &e.vpc_endpoint_id).await? {
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
        });
        let mut body = body;
        if let Some(arn) = &n.connection_notification_arn {
            body["connection_notification_arn"] = serde_json::Value::String(arn.clone());
        }
        let body = body.to_string();
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
