//! EC2's connection notification actions over `service::notification`, the
//! functions REST's `/v1/endpoint-services/{service_id}/notifications`
//! routes call: of a service (`ServiceId`, the producer's) or of one
//! endpoint (`VpcEndpointId`, its owner's, of its own events). `ConnectionNotificationArn` names a notification topic
//! (`service::topic`, made with `POST /v1/notification-topics`), the
//! stand-in for an SNS topic: deliveries go to the topic's webhook URL.
//! Events are spelt `Accept`, `Connect`, `Delete`, `Reject` here and
//! `accept`, ... in the domain.

use super::{any_of, delete_each, invalid_filter, response, returned_true};
use crate::aws::Call;
use crate::aws::params::Filter;
use crate::aws::xml::Xml;
use crate::error::{Error, Result};
use crate::service::notification::{
    self as nf, ConnectionNotification, CreateNotificationRequest, ListNotifications,
    NotificationOf, UpdateNotificationRequest, notification_not_found,
};
use linkplane_core::topic::{aws_event, event_of_aws};

fn write_notification(x: &mut Xml, n: &ConnectionNotification) {
    x.text("connectionNotificationId", &n.connection_notification_id);
    // An endpoint's notification names the endpoint, a service's the service.
    x.opt("serviceId", n.service_id.as_deref())
        .opt("vpcEndpointId", n.vpc_endpoint_id.as_deref())
        .text("connectionNotificationType", "Topic")
        .opt(
            "connectionNotificationArn",
            n.connection_notification_arn.as_deref(),
        );
    x.open("connectionEvents");
    for e in &n.events {
        x.text("item", aws_event(e).unwrap_or(e));
    }
    x.close();
    x.text("connectionNotificationState", "Enabled")
        .text("serviceRegion", &n.service_region);
}

/// `ConnectionEvents.N` in the domain's spelling (None when absent).
fn events(c: &mut Call) -> Result<Option<Vec<String>>> {
    let names = c.params.list("ConnectionEvents")?;
    if names.is_empty() {
        return Ok(None);
    }
    names
        .iter()
        .map(|n| {
            event_of_aws(n).map(str::to_string).ok_or_else(|| {
                Error::invalid_value(format!(
                    "Value ({n}) for parameter ConnectionEvents is invalid. Expected Accept, Connect, Delete or Reject"
                ))
            })
        })
        .collect::<Result<Vec<_>>>()
        .map(Some)
}

/// The caller's notification of the signing region (another region's
/// answers not found, as on AWS).
async fn here(c: &Call, id: &str) -> Result<ConnectionNotification> {
    let n = nf::get_notification(c.ctx(), id).await?;
    if n.service_region == c.region {
        Ok(n)
    } else {
        Err(notification_not_found(id))
    }
}

pub(super) async fn create_vpc_endpoint_connection_notification(mut c: Call) -> Result<String> {
    let service_id = c.params.take("ServiceId").filter(|v| !v.is_empty());
    let endpoint_id = c.params.take("VpcEndpointId").filter(|v| !v.is_empty());
    let arn = c.params.required("ConnectionNotificationArn")?;
    let events = events(&mut c)?
        .ok_or_else(|| Error::missing("The request must contain the parameter ConnectionEvents"))?;
    let client_token = c.params.take("ClientToken").filter(|v| !v.is_empty());
    c.ready()?;
    let of = match (&service_id, &endpoint_id) {
        (Some(s), None) => {
            super::here::service(&c, s).await?;
            NotificationOf::Service(s)
        }
        (None, Some(e)) => {
            super::here::endpoint(&c, e).await?;
            NotificationOf::Endpoint(e)
        }
        (Some(_), Some(_)) => {
            return Err(Error::validation(
                "InvalidParameterCombination",
                "Specify either ServiceId or VpcEndpointId, not both",
            ));
        }
        (None, None) => {
            return Err(Error::missing(
                "The request must contain the parameter ServiceId or VpcEndpointId",
            ));
        }
    };
    let req = CreateNotificationRequest {
        webhook_url: None,
        connection_notification_arn: Some(arn),
        events,
    };
    let n = nf::create_notification(
        c.ctx(),
        &c.state.settings.webhook_allowed_hosts,
        of,
        req,
        client_token.clone(),
    )
    .await?
    .into_inner()
    .notification;
    let mut x = response(&c);
    x.open("connectionNotification");
    write_notification(&mut x, &n);
    x.close();
    x.opt("clientToken", client_token.as_deref());
    Ok(x.finish())
}

/// Whether a notification passes the filters the domain does not narrow by.
fn keep(filters: &[Filter], n: &ConnectionNotification) -> bool {
    filters.iter().all(|f| match f.name.as_str() {
        "connection-notification-arn" => n
            .connection_notification_arn
            .as_ref()
            .is_some_and(|a| f.values.contains(a)),
        "connection-notification-id" => f.values.contains(&n.connection_notification_id),
        "connection-notification-state" => f.values.iter().any(|v| v == "Enabled"),
        "connection-notification-type" => f.values.iter().any(|v| v == "Topic"),
        "service-id" => n.service_id.as_ref().is_some_and(|s| f.values.contains(s)),
        "vpc-endpoint-id" => n
            .vpc_endpoint_id
            .as_ref()
            .is_some_and(|e| f.values.contains(e)),
        _ => true,
    })
}

pub(super) async fn describe_vpc_endpoint_connection_notifications(mut c: Call) -> Result<String> {
    let id = c.params.take("ConnectionNotificationId");
    let filters = c.params.filters()?;
    let max_results = c.params.int("MaxResults", 1..=1000)?;
    let next_token = c.params.take("NextToken");
    c.ready()?;
    let mut q = ListNotifications {
        region: Some(c.region.clone()),
        max_results: max_results.map(|n| n as u32),
        next_token,
        ..Default::default()
    };
    for f in &filters {
        match f.name.as_str() {
            "service-id" => q.service_id = any_of(f),
            "vpc-endpoint-id" => q.vpc_endpoint_id = any_of(f),
            "connection-notification-arn" => q.connection_notification_arn = any_of(f),
            "connection-notification-id"
            | "connection-notification-state"
            | "connection-notification-type" => {}
            n => return Err(invalid_filter(n)),
        }
    }
    let (mut items, next) = match &id {
        Some(id) => (vec![here(&c, id).await?], None),
        None => nf::list_account_notifications(c.ctx(), q).await?,
    };
    items.retain(|n| keep(&filters, n));
    let mut x = response(&c);
    x.items("connectionNotificationSet", &items, write_notification);
    x.opt("nextToken", next.as_deref());
    Ok(x.finish())
}

pub(super) async fn modify_vpc_endpoint_connection_notification(mut c: Call) -> Result<String> {
    let id = c.params.required("ConnectionNotificationId")?;
    let req = UpdateNotificationRequest {
        connection_notification_arn: c
            .params
            .take("ConnectionNotificationArn")
            .filter(|v| !v.is_empty()),
        events: events(&mut c)?,
    };
    c.ready()?;
    here(&c, &id).await?;
    nf::update_notification(c.ctx(), None, &id, req).await?;
    returned_true(&c)
}

/// Each id on its own, as AWS does: those that cannot be deleted come back
/// as `unsuccessful` items.
pub(super) async fn delete_vpc_endpoint_connection_notifications(c: Call) -> Result<String> {
    delete_each(c, "ConnectionNotificationId", |c, id| {
        Box::pin(async move {
            here(c, &id).await?;
            nf::delete_notification(c.ctx(), None, &id).await
        })
    })
    .await
}
