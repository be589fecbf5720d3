//! The network model endpoints live in: VPCs, subnets, interfaces, route
//! tables, security groups, gateways, peering and transit gateways.
//!
//! Every operation acts for one account (the caller's); the admin, who has
//! no account, gets 403 here. Rules that are facts of the domain (CIDR math,
//! reserved addresses, allocation, route validity) come from
//! `linkplane_core::net`.

pub mod gateway;
pub mod interface;
pub mod peering;
pub mod routing;
pub mod security;
pub mod transit;
pub mod vpc;

use crate::error::{Error, Result};
use crate::service::caller::Caller;
use crate::store::Store;
use crate::store::filter::ListFilter;
use crate::store::tags::{self, TagFilter, Tags};
use linkplane_core::catalog;
use std::collections::HashMap;

/// Who acts and where: every network operation's context.
#[derive(Debug, Clone, Copy)]
pub struct Ctx<'a> {
    pub store: &'a Store,
    pub caller: &'a Caller,
    /// The region of a create that names none (`LINKPLANE_DEFAULT_REGION`).
    pub default_region: &'a str,
}

impl<'a> Ctx<'a> {
    /// The caller's account; the admin has none and may not own networks.
    pub fn account(&self) -> Result<&'a str> {
        self.caller.account_id().ok_or_else(|| {
            Error::forbidden(
                "the admin manages accounts; network resources belong to an account: \
                 use an API key of one of its principals",
            )
        })
    }

    /// The region a create names, or the default; it must be in the catalog.
    pub fn region(&self, region: Option<&str>) -> Result<String> {
        let region = region.unwrap_or(self.default_region);
        check_region(region)?;
        Ok(region.to_string())
    }
}

/// A region the catalog knows, else 400.
pub fn check_region(region: &str) -> Result<()> {
    if catalog::catalog().region(region).is_none() {
        return Err(Error::invalid_value(format!(
            "region: '{region}' is not a supported region (GET /v1/regions lists them)"
        )));
    }
    Ok(())
}

/// 404 for the resource in the path: `The vpc ID 'vpc-1' does not exist`.
pub fn not_found(code: &'static str, what: &str, id: &str) -> Error {
    Error::not_found(code, format!("The {what} ID '{id}' does not exist"))
}

/// 400 for an id named in the body that does not exist (AWS answers the same
/// `*.NotFound` code, as a client error).
pub fn unknown(code: &'static str, what: &str, id: &str) -> Error {
    Error::validation(code, format!("The {what} ID '{id}' does not exist"))
}

/// 409 `DependencyViolation` naming what holds the resource.
pub fn dependency(id: &str, holders: &[String]) -> Error {
    Error::conflict(
        "DependencyViolation",
        format!(
            "The resource '{id}' has dependencies and cannot be deleted: {}",
            holders.join(", ")
        ),
    )
}

/// A list's filter, starting with its tag filters (`tag=Key=Value`).
pub fn tagged(tags: Vec<TagFilter>) -> ListFilter {
    ListFilter {
        tags,
        ..Default::default()
    }
}

/// Tags of the given resources (those without tags map to empty).
pub async fn tags_of(store: &Store, ids: &[&str]) -> Result<HashMap<String, Tags>> {
    Ok(tags::for_resources(store.pool(), ids).await?)
}

/// Validates create-time tags.
pub fn check_tags(tags: &Option<Tags>) -> Result<Tags> {
    let tags = tags.clone().unwrap_or_default();
    linkplane_core::tags::validate_tags(&tags)?;
    Ok(tags)
}

/// The caller's name for a zone id (`use1-az4` -> `us-east-1c`).
pub fn zone_name(account_id: &str, zone_id: &str) -> String {
    catalog::catalog()
        .zone_name_for_id(account_id, zone_id)
        .unwrap_or_default()
}
