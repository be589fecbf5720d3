//! Who may connect to an endpoint service: its allowed principals
//! (`ModifyVpcEndpointServicePermissions`).

use super::endpoint_service::{check_empty_page_service, service_for_change};
use crate::error::{Error, Result};
use crate::pagination;
use crate::schema;
use crate::service::network::Ctx;
use crate::store::filter::{AnyOf, ListFilter};
use crate::store::now_ms;
use crate::store::producer::{self as db, PermissionRow};
use crate::transaction;
use crate::util::new_id;
use linkplane_core::privatelink::{self as pl, AllowedPrincipalType};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// `POST` and `DELETE .../allowed-principals`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PrincipalsRequest {
    /// `*`, `arn:aws:iam::<account>:root`, `...:user/<name>` or `...:role/<name>`
    /// (ARNs with a path are not supported, as on AWS).
    #[schema(value_type = Vec<schema::AllowedPrincipalArn>, min_items = 1, example = json!(["arn:aws:iam::444455556666:root"]))]
    pub principals: Vec<String>,
}

/// A principal allowed to discover and connect to a service.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AllowedPrincipal {
    #[schema(example = "arn:aws:iam::444455556666:root")]
    pub principal: String,
    /// `all`, `account`, `user` or `role`.
    #[schema(example = "account")]
    pub principal_type: String,
    #[schema(example = "vpce-svc-perm-0bbbb2222cccc3333")]
    pub service_permission_id: String,
    pub service_id: String,
}

/// The answer of `POST .../allowed-principals`: the entries now in force
/// for the principals given (existing ones are not duplicated).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AddedPrincipals {
    pub added: Vec<AllowedPrincipal>,
}

// ---- allowed principals ----

fn principal_of(r: PermissionRow) -> AllowedPrincipal {
    AllowedPrincipal {
        principal: r.principal,
        principal_type: r.principal_type,
        service_permission_id: r.service_permission_id,
        service_id: r.service_id,
    }
}

/// The principals of a request, canonical, without duplicates, in the
/// request's order.
fn parse_principals(list: &[String]) -> Result<Vec<(String, AllowedPrincipalType)>> {
    if list.is_empty() {
        return Err(Error::missing("principals: at least one principal"));
    }
    let mut out: Vec<(String, AllowedPrincipalType)> = Vec::new();
    for p in list {
        let parsed = pl::parse_allowed_principal(p)?;
        if !out.iter().any(|(x, _)| *x == parsed.0) {
            out.push(parsed);
        }
    }
    Ok(out)
}

/// The same principals in ARN order, the order every transaction writes a
/// service's permission rows in: two concurrent edits (`[P1, P2]` and
/// `[P2, P1]`) then queue on the first row instead of deadlocking.
fn in_lock_order(
    principals: &[(String, AllowedPrincipalType)],
) -> Vec<&(String, AllowedPrincipalType)> {
    let mut sorted: Vec<_> = principals.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    sorted
}

/// Adds principals; ones already allowed keep their entry (no duplicates,
/// also when two replicas add the same principal at once).
pub async fn add_principals(
    ctx: Ctx<'_>,
    service_id: &str,
    req: PrincipalsRequest,
) -> Result<AddedPrincipals> {
    let account = ctx.account()?;
    let principals = parse_principals(&req.principals)?;
    let principals = &principals;
    let added = transaction!(ctx.store, |tx| {
        service_for_change(tx, account, service_id).await?;
        let now = now_ms();
        let mut added = Vec::new();
        for (principal, kind) in in_lock_order(principals) {
            let row = db::add_permission(
                tx,
                &PermissionRow {
                    service_permission_id: new_id("vpce-svc-perm"),
                    service_id: service_id.to_string(),
                    principal: principal.clone(),
                    principal_type: kind.as_str().to_string(),
                    created_at: now,
                },
            )
            .await?;
            added.push(principal_of(row));
        }
        Ok(added)
    })?;
    // Answered in the request's order.
    let mut added: Vec<AllowedPrincipal> = added;
    added.sort_by_key(|a| principals.iter().position(|(p, _)| *p == a.principal));
    Ok(AddedPrincipals { added })
}

/// Removes principals (those not allowed are ignored). Existing
/// connections are not affected; new ones from them are refused.
pub async fn remove_principals(
    ctx: Ctx<'_>,
    service_id: &str,
    req: PrincipalsRequest,
) -> Result<()> {
    let account = ctx.account()?;
    let principals = parse_principals(&req.principals)?;
    let principals = &principals;
    transaction!(ctx.store, |tx| {
        service_for_change(tx, account, service_id).await?;
        for (p, _) in in_lock_order(principals) {
            db::remove_permission(tx, service_id, p).await?;
        }
        Ok(())
    })?;
    Ok(())
}

/// Filters of `GET .../allowed-principals`.
#[derive(Debug, Clone, Default)]
pub struct ListPrincipals {
    pub principal_type: AnyOf<String>,
    pub principal: AnyOf<String>,
    pub max_results: Option<u32>,
    pub next_token: Option<String>,
}

pub async fn list_principals(
    ctx: Ctx<'_>,
    service_id: &str,
    q: ListPrincipals,
) -> Result<(Vec<AllowedPrincipal>, Option<String>)> {
    let account = ctx.account()?;
    if let Some(t) = q
        .principal_type
        .values()
        .iter()
        .find(|t| AllowedPrincipalType::parse(t).is_none())
    {
        return Err(Error::invalid_value(format!(
            "principal_type: '{t}' must be all, account, user or role"
        )));
    }
    let filter = ListFilter::default()
        .eq("principal", q.principal)
        .eq("principal_type", q.principal_type);
    pagination::list(
        "allowed-principals",
        q.max_results,
        q.next_token.as_deref(),
        |spec| async move {
            let page =
                db::list_permissions(ctx.store.pool(), account, service_id, &filter, &spec).await?;
            check_empty_page_service(ctx, account, service_id, &page).await?;
            Ok::<_, Error>(page)
        },
        pagination::each(principal_of),
    )
    .await
}
