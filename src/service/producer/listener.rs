//! Listeners: a load balancer's port and protocol forwarding to a target
//! group. Creating one attaches the group to the load balancer (what
//! `load_balancer_arn` on a target group's create does on REST); deleting
//! the last one that forwards to a group detaches it (a group attached by
//! REST's `load_balancer_arn` too: a listener to it takes the attachment
//! over, as on AWS, where only listeners attach groups). The same listener
//! asked for again is answered, as AWS's CreateListener is idempotent. The
//! rules of which
//! protocols and groups fit are `linkplane_core::privatelink::listener`'s.

use crate::create_once;
use crate::error::{Error, Result};
use crate::pagination;
use crate::schema;
use crate::service::network::Ctx;
use crate::service::producer::loadbalancer::{lb_kind_of, lb_not_found};
use crate::service::producer::target_group::tg_not_found;
use crate::service::{Created, Idempotency, render_one};
use crate::store::producer::{self as db, ListenerRow};
use crate::store::{StoreError, now_ms};
use crate::transaction;
use crate::util::timestamp;
use linkplane_core::privatelink::listener::{
    check_forward, check_listener, listener_arn, load_balancer_of_listener,
};
use linkplane_core::privatelink::{self as pl, LoadBalancerArn, TargetProtocol};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A listener (`Listener`).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Listener {
    #[schema(
        example = "arn:aws:elasticloadbalancing:us-east-1:111122223333:listener/net/api/0123456789abcdef/fedcba9876543210"
    )]
    pub listener_arn: String,
    pub load_balancer_arn: String,
    /// `tcp`, `udp` or `tcp_udp`; `null` on a gateway load balancer.
    #[schema(example = "tcp")]
    pub protocol: Option<String>,
    /// `null` on a gateway load balancer.
    #[schema(example = 443)]
    pub port: Option<u16>,
    /// The group every connection is forwarded to (the default action).
    pub target_group_arn: String,
    pub creation_timestamp: String,
}

/// `POST /v1/load-balancers/{load_balancer_arn}/listeners`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateListenerRequest {
    /// `tcp`, `udp` or `tcp_udp` (any case) on a network load balancer
    /// (`tls` needs a certificate, which linkplane does not have); none on
    /// a gateway load balancer.
    #[schema(
        example = "tcp",
        pattern = "^([tT][cC][pP]|[uU][dD][pP]|[tT][cC][pP]_[uU][dD][pP])$"
    )]
    pub protocol: Option<String>,
    /// 1 to 65535, unique on the load balancer; none on a gateway load
    /// balancer (which has at most one listener).
    #[schema(example = 443, minimum = 1, maximum = 65535)]
    pub port: Option<u16>,
    /// A target group of the load balancer's VPC, not attached to another
    /// load balancer: TCP listeners forward to TCP or TCP_UDP groups, UDP to
    /// UDP or TCP_UDP, TCP_UDP to TCP_UDP, a gateway load balancer's to
    /// GENEVE.
    #[schema(value_type = schema::TargetGroupArn)]
    pub target_group_arn: String,
}

/// A second listener on a port (on a gateway load balancer: a second one).
fn duplicate(kind: pl::LoadBalancerKind) -> Error {
    match kind {
        pl::LoadBalancerKind::Gateway => Error::validation(
            "TooManyListeners",
            "A gateway load balancer has at most one listener",
        ),
        pl::LoadBalancerKind::Network => Error::conflict(
            "DuplicateListener",
            "A listener already exists on this port for this load balancer",
        ),
    }
}

fn listener_not_found(arn: &str) -> Error {
    Error::not_found(
        "ListenerNotFound",
        format!("One or more listeners not found: '{arn}'"),
    )
}

fn listener_of(r: ListenerRow) -> Listener {
    Listener {
        listener_arn: r.listener_arn,
        load_balancer_arn: r.load_balancer_arn,
        protocol: r.protocol,
        port: r.port.and_then(|p| u16::try_from(p).ok()),
        target_group_arn: r.target_group_arn,
        creation_timestamp: timestamp(r.created_at),
    }
}

#[derive(Serialize)]
struct Fingerprint<'a> {
    load_balancer_arn: &'a str,
    #[serde(flatten)]
    req: &'a CreateListenerRequest,
}

pub async fn create_listener(
    ctx: Ctx<'_>,
    load_balancer_arn: &str,
    req: CreateListenerRequest,
    idempotency_key: Option<String>,
) -> Result<Created<Listener>> {
    let idem = Idempotency::new(
        ctx.caller,
        idempotency_key,
        "CreateListener",
        &Fingerprint {
            load_balancer_arn,
            req: &req,
        },
    );
    let account = ctx.account()?;
    let lb_arn = LoadBalancerArn::parse_any(load_balancer_arn)?;
    let listens = check_listener(lb_arn.kind, req.protocol.as_deref(), req.port)?;
    let arn = listener_arn(&lb_arn, &pl::elb_id(rand::random()));
    let (req, arn) = (&req, &arn);
    let created = create_once!(ctx.store, idem.as_ref(), |tx| {
        let lb = db::get_load_balancer(&mut **tx, account, load_balancer_arn)
            .await?
            .ok_or_else(|| lb_not_found(load_balancer_arn))?;
        let tg = db::get_target_group(&mut **tx, account, &req.target_group_arn)
            .await?
            .ok_or_else(|| {
                let e = tg_not_found(&req.target_group_arn);
                Error::validation(e.code, e.message)
            })?;
        let group_protocol = TargetProtocol::parse(&tg.protocol)?;
        check_forward(listens.map(|(p, _)| p), group_protocol)?;
        if tg.vpc_id != lb.vpc_id {
            return Err(Error::validation(
                "ValidationError",
                format!(
                    "The target group {} is in {}, the load balancer in {}",
                    tg.target_group_arn, tg.vpc_id, lb.vpc_id
                ),
            ));
        }
        let port = listens.map(|(_, port)| i64::from(port));
        let protocol = listens.map(|(p, _)| p.as_str().to_string());
        // The same listener again is the one there (CreateListener is
        // idempotent on AWS); another on its port is a duplicate.
        if let Some(there) = db::listener_on(tx, &lb.load_balancer_arn, port).await? {
            if there.protocol == protocol && there.target_group_arn == tg.target_group_arn {
                return Ok(there.listener_arn);
            }
            return Err(duplicate(lb_kind_of(&lb.lb_type)?));
        }
        if let Some(other) = tg.load_balancer_arn.as_deref()
            && other != lb.load_balancer_arn
        {
            return Err(Error::validation(
                "TargetGroupAssociationLimit",
                format!(
                    "The target group {} is already associated with the load balancer {other}",
                    tg.target_group_arn
                ),
            ));
        }
        // Written (and its version bumped) even when already attached, so
        // that a concurrent delete deciding to detach it runs again.
        if !db::set_group_load_balancer(
            tx,
            &tg.target_group_arn,
            Some(&lb.load_balancer_arn),
            tg.version,
            now_ms(),
        )
        .await?
        {
            return Err(Error::contention(format!(
                "target group {} changed while this request ran",
                tg.target_group_arn
            )));
        }
        let row = ListenerRow {
            listener_arn: arn.clone(),
            load_balancer_arn: lb.load_balancer_arn.clone(),
            account_id: account.to_string(),
            protocol,
            port,
            target_group_arn: tg.target_group_arn.clone(),
            created_at: now_ms(),
        };
        match db::insert_listener(tx, &row).await {
            Err(StoreError::Conflict(_)) => return Err(duplicate(lb_kind_of(&lb.lb_type)?)),
            other => other?,
        }
        Ok(row.listener_arn)
    })?;
    created
        .load(|arn| async move { get_listener(ctx, &arn).await })
        .await
}

pub async fn get_listener(ctx: Ctx<'_>, arn: &str) -> Result<Listener> {
    let account = ctx.account()?;
    load_balancer_of_listener(arn)?;
    let row = db::get_listener(ctx.store.pool(), account, arn).await?;
    render_one(row, pagination::each(listener_of), || {
        listener_not_found(arn)
    })
    .await
}

/// A load balancer's listeners, keyset-paged.
pub async fn list_listeners(
    ctx: Ctx<'_>,
    load_balancer_arn: &str,
    max_results: Option<u32>,
    next_token: Option<&str>,
) -> Result<(Vec<Listener>, Option<String>)> {
    let account = ctx.account()?;
    db::get_load_balancer(ctx.store.pool(), account, load_balancer_arn)
        .await?
        .ok_or_else(|| lb_not_found(load_balancer_arn))?;
    pagination::list(
        "listeners",
        max_results,
        next_token,
        |spec| async move { db::list_listeners(ctx.store.pool(), load_balancer_arn, &spec).await },
        pagination::each(listener_of),
    )
    .await
}

/// Deletes a listener; the group it forwarded to is detached from the
/// load balancer when no other listener of it forwards there.
pub async fn delete_listener(ctx: Ctx<'_>, arn: &str) -> Result<()> {
    let account = ctx.account()?;
    load_balancer_of_listener(arn)?;
    transaction!(ctx.store, |tx| {
        let row = db::get_listener(&mut **tx, account, arn)
            .await?
            .ok_or_else(|| listener_not_found(arn))?;
        // The group's version is read before the listeners are counted: a
        // listener to it made in between has bumped it, so the detach below
        // matches no row and the whole transaction runs again.
        let tg = db::get_target_group(&mut **tx, account, &row.target_group_arn).await?;
        db::delete_listener(tx, arn).await?;
        let (_, same_group) =
            db::listener_counts(tx, &row.load_balancer_arn, &row.target_group_arn).await?;
        if same_group == 0
            && let Some(tg) = tg
            && !db::set_group_load_balancer(tx, &tg.target_group_arn, None, tg.version, now_ms())
                .await?
        {
            return Err(Error::contention(format!(
                "target group {} changed while this request ran",
                tg.target_group_arn
            )));
        }
        Ok(())
    })?;
    Ok(())
}
