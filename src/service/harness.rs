//! The harness mode for local stacks and test suites
//! (`LINKPLANE_AWS_OPEN_ACCOUNT`, off by default): a request signed with an
//! access key the server does not know acts as the root of one configured
//! account, made on first use, the way moto's and LocalStack's server
//! modes take dummy credentials; known keys are still verified strictly.
//! In that mode only, a reset deletes that account's resources (moto's
//! `POST /moto-api/reset`, which its server-mode test harness calls
//! before each test).

use crate::error::{Error, Result};
use crate::service::caller::{Caller, PrincipalCaller};
use crate::service::identity::root_arn;
use crate::service::producer::connections::decide_one;
use crate::store::consumer as cs_db;
use crate::store::filter::Scope;
use crate::store::harness as db;
use crate::store::{Store, now_ms};
use crate::transaction;
use linkplane_core::identity::{PrincipalType, is_valid_account_id};
use std::time::Duration;

/// The name the open account is made with.
pub const OPEN_ACCOUNT_NAME: &str = "open-account";

/// A checked `LINKPLANE_AWS_OPEN_ACCOUNT`.
pub fn check_open_account(id: &str) -> Result<()> {
    if is_valid_account_id(id) {
        Ok(())
    } else {
        Err(Error::invalid_value(format!(
            "LINKPLANE_AWS_OPEN_ACCOUNT: '{id}' is not a 12-digit account id"
        )))
    }
}

/// The caller of a request signed with the unknown access key
/// `access_key_id`: the open account's root. The account and its root are
/// made in one transaction on first use.
pub async fn open_root(store: &Store, account_id: &str, access_key_id: &str) -> Result<Caller> {
    let arn = root_arn(account_id);
    if crate::store::identity::get_account(store.pool(), account_id)
        .await?
        .is_none()
    {
        let arn = &arn;
        let made = transaction!(store, |tx| {
            Ok(db::ensure_account(tx, account_id, OPEN_ACCOUNT_NAME, arn, now_ms()).await?)
        })?;
        if made {
            tracing::info!(account_id, "made the open account on its first request");
        }
    }
    Ok(Caller::Principal(PrincipalCaller {
        account_id: account_id.to_string(),
        arn,
        kind: PrincipalType::Root,
        key_id: access_key_id.to_string(),
    }))
}

/// Deletes every resource of `account_id` in one transaction: its VPCs and
/// all in them, gateways, load balancers, target groups, endpoint services,
/// endpoints, notifications and their topics, listeners, public DNS zones,
/// tags and client tokens (but not those of its principals and keys). The
/// account, its principals and its API keys stay. Another account's
/// endpoints connected to its services are rejected first (the transition
/// a producer's reject makes); its own endpoints on another account's
/// services notify that producer of a delete; peerings with another
/// account are gone from both sides. Answers how many rows went.
pub async fn reset_account(store: &Store, account_id: &str) -> Result<u64> {
    transaction!(store, |tx| {
        let now = now_ms();
        for id in db::live_cross_account_endpoints(tx, account_id, true).await? {
            if let Some(row) = cs_db::get_endpoint(&mut **tx, Scope::AnyAccount, &id).await? {
                // A live state always allows the reject; a refusal would
                // leave the row as it is, which is also consistent.
                decide_one(tx, Duration::ZERO, &row, false, now).await?;
            }
        }
        // The account's own connections to other accounts' services go as
        // a delete of the endpoint does: their producers hear of it.
        for id in db::live_cross_account_endpoints(tx, account_id, false).await? {
            if let Some(row) = cs_db::get_endpoint(&mut **tx, Scope::AnyAccount, &id).await? {
                crate::service::notification::emit(tx, "delete", &row, "deleted").await?;
            }
        }
        Ok(db::delete_account_resources(tx, account_id).await?)
    })
}
