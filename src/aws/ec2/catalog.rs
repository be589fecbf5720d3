//! EC2's catalog actions: Regions and the account's Availability Zones
//! (`service::catalog`, as REST's `/v1/regions` and zones give them).

use super::{keep, response};
use crate::aws::Call;
use crate::error::{Error, Result};
use crate::service::catalog;

pub(super) async fn describe_regions(mut c: Call) -> Result<String> {
    let names = c.params.list("RegionName")?;
    let _all = c.params.bool("AllRegions")?;
    let filters = c.params.filters()?;
    c.ready()?;
    let mut regions = Vec::new();
    if names.is_empty() {
        regions = catalog::regions(&c.caller, None)?;
    } else {
        for n in &names {
            regions.extend(catalog::regions(&c.caller, Some(n))?);
        }
    }
    let mut kept = Vec::new();
    for r in regions {
        let endpoint = format!("ec2.{}.amazonaws.com", r.region);
        let ok = keep(
            &filters,
            &["region-name", "endpoint", "opt-in-status"],
            |f| match f {
                "region-name" => vec![r.region.clone()],
                "endpoint" => vec![endpoint.clone()],
                _ => vec!["opt-in-not-required".to_string()],
            },
        )?;
        if ok {
            kept.push((r.region, endpoint));
        }
    }
    let mut x = response(&c);
    x.items("regionInfo", kept, |x, (name, endpoint)| {
        x.text("regionName", &name)
            .text("regionEndpoint", &endpoint)
            .text("optInStatus", "opt-in-not-required");
    });
    Ok(x.finish())
}

/// The zones of the signing region, in the caller's zone names (per
/// account, as on AWS), with their zone ids.
pub(super) async fn describe_availability_zones(mut c: Call) -> Result<String> {
    let names = c.params.list("ZoneName")?;
    let ids = c.params.list("ZoneId")?;
    let _all = c.params.bool("AllAvailabilityZones")?;
    let filters = c.params.filters()?;
    c.ready()?;
    let zones = catalog::availability_zones(&c.caller, &c.region)?;
    for n in &names {
        if !zones.iter().any(|z| &z.zone_name == n) {
            return Err(Error::invalid_value(format!(
                "Invalid availability zone: [{n}]"
            )));
        }
    }
    for id in &ids {
        if !zones.iter().any(|z| &z.zone_id == id) {
            return Err(Error::invalid_value(format!(
                "Invalid availability zone ID: [{id}]"
            )));
        }
    }
    let mut kept = Vec::new();
    for z in zones {
        if (!names.is_empty() || !ids.is_empty())
            && !names.contains(&z.zone_name)
            && !ids.contains(&z.zone_id)
        {
            continue;
        }
        let ok = keep(
            &filters,
            &[
                "zone-name",
                "zone-id",
                "region-name",
                "state",
                "zone-type",
                "group-name",
                "opt-in-status",
            ],
            |f| match f {
                "zone-name" => vec![z.zone_name.clone()],
                "zone-id" => vec![z.zone_id.clone()],
                "region-name" | "group-name" => vec![z.region.clone()],
                "state" => vec!["available".to_string()],
                "zone-type" => vec!["availability-zone".to_string()],
                _ => vec!["opt-in-not-required".to_string()],
            },
        )?;
        if ok {
            kept.push(z);
        }
    }
    let mut x = response(&c);
    x.items("availabilityZoneInfo", kept, |x, z| {
        x.text("zoneName", &z.zone_name)
            .text("zoneState", "available")
            .text("regionName", &z.region)
            .text("zoneId", &z.zone_id)
            .text("groupName", &z.region)
            .text("networkBorderGroup", &z.region)
            .text("optInStatus", "opt-in-not-required")
            .text("zoneType", "availability-zone");
        x.open("messageSet").close();
    });
    Ok(x.finish())
}

// ---- VPCs ----
