//! The compiled-in AWS catalog as a caller sees it: regions, zones in the
//! caller's own zone names, AWS-managed prefix lists, AWS services.

use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use linkplane_core::catalog::{self, Zone};
use serde::Serialize;
use utoipa::ToSchema;

/// A zone as one account names it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AvailabilityZone {
    /// The zone's name in the caller's account (`us-east-1a`); differs between accounts.
    #[schema(example = "us-east-1a")]
    pub zone_name: String,
    /// The zone's id, the same in every account.
    #[schema(example = "use1-az4")]
    pub zone_id: String,
    #[schema(example = "us-east-1")]
    pub region: String,
}

/// A region and its zones (without `region` in each zone).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RegionZone {
    #[schema(example = "us-east-1a")]
    pub zone_name: String,
    #[schema(example = "use1-az4")]
    pub zone_id: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Region {
    #[schema(example = "us-east-1")]
    pub region: String,
    #[schema(example = "US East (N. Virginia)")]
    pub name: String,
    pub zones: Vec<RegionZone>,
}

/// An AWS-managed prefix list (`DescribePrefixLists`).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PrefixList {
    #[schema(example = "pl-63a5400a")]
    pub prefix_list_id: String,
    #[schema(example = "com.amazonaws.us-east-1.s3")]
    pub prefix_list_name: String,
    #[schema(example = "us-east-1")]
    pub region: String,
    #[schema(example = json!(["52.216.0.0/15", "54.231.0.0/16"]))]
    pub cidrs: Vec<String>,
}

/// The zones of `region` in the caller's names: per account a stable
/// permutation of the region's zone ids. The admin, who has no account,
/// sees the catalog's own order.
pub fn zones(caller: &Caller, region: &str) -> ApiResult<Vec<Zone>> {
    let not_found = || {
        ApiError::not_found(
            "InvalidRegion.NotFound",
            format!("The region '{region}' does not exist or is not supported"),
        )
    };
    match caller.account_id() {
        Some(acct) => catalog::catalog()
            .zones_for_account(acct, region)
            .ok_or_else(not_found),
        None => {
            let r = catalog::catalog().region(region).ok_or_else(not_found)?;
            Ok(r.zone_ids
                .iter()
                .enumerate()
                .map(|(i, id)| Zone {
                    zone_name: format!("{region}{}", (b'a' + i as u8) as char),
                    zone_id: id.clone(),
                    region: region.to_string(),
                })
                .collect())
        }
    }
}

pub fn availability_zones(caller: &Caller, region: &str) -> ApiResult<Vec<AvailabilityZone>> {
    Ok(zones(caller, region)?
        .into_iter()
        .map(|z| AvailabilityZone {
            zone_name: z.zone_name,
            zone_id: z.zone_id,
            region: z.region,
        })
        .collect())
}

pub fn regions(caller: &Caller, only: Option<&str>) -> ApiResult<Vec<Region>> {
    let cat = catalog::catalog();
    let mut out = Vec::new();
    for r in cat.regions() {
        if only.is_some_and(|o| o != r.region) {
            continue;
        }
        let zones = zones(caller, &r.region)?
            .into_iter()
            .map(|z| RegionZone {
                zone_name: z.zone_name,
                zone_id: z.zone_id,
            })
            .collect();
        out.push(Region {
            region: r.region.clone(),
            name: r.name.clone(),
            zones,
        });
    }
    if let Some(o) = only
        && out.is_empty()
    {
        return Err(ApiError::invalid_value(format!(
            "region: '{o}' is not a supported region"
        )));
    }
    Ok(out)
}

pub fn prefix_lists(region: Option<&str>) -> ApiResult<Vec<PrefixList>> {
    if let Some(r) = region
        && catalog::catalog().region(r).is_none()
    {
        return Err(ApiError::invalid_value(format!(
            "region: '{r}' is not a supported region"
        )));
    }
    Ok(catalog::catalog()
        .prefix_lists(region)
        .into_iter()
        .map(|p| PrefixList {
            prefix_list_id: p.prefix_list_id.clone(),
            prefix_list_name: p.prefix_list_name.clone(),
            region: p.region.clone(),
            cidrs: p.cidrs.clone(),
        })
        .collect())
}
