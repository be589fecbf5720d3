//! The producer side's tables: load balancers and their zones, target
//! groups and targets, endpoint services with their load balancers,
//! regions and allowed principals, and the public DNS model.
//!
//! One file per family, as in `service::producer`; every row type and query
//! is re-exported here, so `store::producer::get_service` names them all.

pub mod dns;
pub mod endpoint_service;
pub mod listener;
pub mod loadbalancer;

pub use dns::*;
pub use endpoint_service::*;
pub use listener::*;
pub use loadbalancer::*;

use super::sql;
use super::{StoreError, settle};
use linkplane_core::lifecycle::{EndpointServiceState, LoadBalancerState};
use sqlx::AnyPool;

// ---- the background workflow ----

/// Moves rows whose time has come: load balancers `provisioning` ->
/// `active`, services `pending` -> `available`, and removes services
/// `deleting` whose time is up. Each statement is idempotent, so replicas
/// running it concurrently apply each transition once.
pub async fn advance(pool: &AnyPool, now: i64) -> Result<u64, StoreError> {
    let mut n = 0;
    n += settle(
        pool,
        now,
        "UPDATE load_balancers SET state = $2, version = version + 1, updated_at = $1 \
         WHERE state = $3 AND ready_at <= $1",
        LoadBalancerState::ALL,
    )
    .await?;
    n += settle(
        pool,
        now,
        "UPDATE endpoint_services SET service_state = $2, version = version + 1, \
         updated_at = $1 WHERE service_state = $3 AND ready_at <= $1",
        EndpointServiceState::ALL,
    )
    .await?;
    let deleting = EndpointServiceState::Deleting.as_str();
    n += sql::exec(
        pool,
        "DELETE FROM tags WHERE resource_id IN (SELECT service_id FROM endpoint_services \
         WHERE service_state = $2 AND ready_at <= $1)",
        (now, deleting),
    )
    .await?;
    n += sql::exec(
        pool,
        "DELETE FROM endpoint_services WHERE service_state = $2 AND ready_at <= $1",
        (now, deleting),
    )
    .await?;
    Ok(n)
}
