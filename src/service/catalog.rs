//! The compiled-in AWS catalog as a caller sees it: regions, zones in the
//! caller's own zone names, AWS-managed prefix lists, AWS services.

use crate::error::{Error, Result};
use crate::service::caller::Caller;
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
pub fn zones(caller: &Caller, region: &str) -> Result<Vec<Zone>> {
    let not_found = || {
        Error::not_found(
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

pub fn availability_zones(caller: &Caller, region: &str) -> Result<Vec<AvailabilityZone>> {
    Ok(zones(caller, region)?
        .into_iter()
        .map(|z| AvailabilityZone {
            zone_name: z.zone_name,
            zone_id: z.zone_id,
            region: z.region,
        })
        .collect())
}

pub fn regions(caller: &Caller, only: Option<&str>) -> Result<Vec<Region>> {
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
        return Err(Error::invalid_value(format!(
            "region: '{o}' is not a supported region"
        )));
    }
    Ok(out)
}

pub fn prefix_lists(region: Option<&str>) -> Result<Vec<PrefixList>> {
    if let Some(r) = region
        && catalog::catalog().region(r).is_none()
    {
        return Err(Error::invalid_value(format!(
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

/// One service a consumer can create an endpoint to
/// (`DescribeVpcEndpointServices` `ServiceDetail`). AWS services that offer
/// two endpoint types (S3, DynamoDB) appear once per type, as on AWS.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ServiceDetail {
    #[schema(example = "com.amazonaws.us-east-1.s3")]
    pub service_name: String,
    /// The endpoint service's id; null for AWS services.
    #[schema(example = "vpce-svc-03d5ebb7d9579a2b3")]
    pub service_id: Option<String>,
    pub service_type: ServiceType,
    #[schema(example = "us-east-1")]
    pub service_region: String,
    /// Zones where the service is offered, in the caller's zone names.
    #[schema(example = json!(["us-east-1a", "us-east-1b"]))]
    pub availability_zones: Vec<String>,
    /// The same zones by id (the same in every account).
    #[schema(example = json!(["use1-az4", "use1-az6"]))]
    pub availability_zone_ids: Vec<String>,
    /// `amazon` for AWS services, the owner's account id for endpoint services.
    #[schema(example = "amazon")]
    pub owner: String,
    #[schema(example = json!(["s3.us-east-1.vpce.amazonaws.com"]))]
    pub base_endpoint_dns_names: Vec<String>,
    /// The name private DNS answers for, when the service has one.
    #[schema(example = "*.s3.us-east-1.amazonaws.com")]
    pub private_dns_name: Option<String>,
    /// Every private DNS name (S3 has two).
    pub private_dns_names: Vec<String>,
    pub acceptance_required: bool,
    pub vpc_endpoint_policy_supported: bool,
    #[schema(example = json!(["ipv4"]))]
    pub supported_ip_address_types: Vec<String>,
    /// For an endpoint service with a private DNS name: `pending_verification`,
    /// `verified` or `failed` (consumers get private DNS only when verified).
    pub private_dns_name_verification_state: Option<String>,
    /// `service_owner` when the owner pays for consumers' endpoints.
    pub payer_responsibility: Option<String>,
}

/// The kind of endpoint a service takes.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, serde::Deserialize, ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ServiceType {
    Interface,
    Gateway,
    GatewayLoadBalancer,
}

impl From<catalog::EndpointType> for ServiceType {
    fn from(t: catalog::EndpointType) -> Self {
        match t {
            catalog::EndpointType::Interface => ServiceType::Interface,
            catalog::EndpointType::Gateway => ServiceType::Gateway,
            catalog::EndpointType::GatewayLoadBalancer => ServiceType::GatewayLoadBalancer,
        }
    }
}

/// Filters of `GET /v1/services`.
#[derive(Debug, Clone, Default)]
pub struct ListServices {
    pub region: String,
    pub service_name: Option<String>,
    pub service_type: Option<ServiceType>,
    pub max_results: Option<u32>,
    pub next_token: Option<String>,
}

/// The sort and page key of a discovered service: its name, then its type.
/// AWS services (`com.amazonaws.<region>.*`) sort before endpoint services
/// (`com.amazonaws.vpce.<region>.*`), whose names sort as their ids.
pub fn service_key(s: &ServiceDetail) -> String {
    format!("{}|{:?}", s.service_name, s.service_type)
}

/// The region's AWS services, one entry per endpoint type, sorted by
/// [`service_key`], with zones in the caller's names.
pub fn aws_service_details(caller: &Caller, region: &str) -> Result<Vec<ServiceDetail>> {
    let cat = catalog::catalog();
    let mut zones: Vec<Zone> = zones(caller, region)?;
    zones.sort_by(|a, b| a.zone_name.cmp(&b.zone_name));
    let mut all: Vec<ServiceDetail> = Vec::new();
    for svc in cat.aws_services(region) {
        for t in &svc.types {
            let service_type = ServiceType::from(*t);
            let (base, private) = match service_type {
                ServiceType::Gateway => (
                    vec![format!("{}.{}.amazonaws.com", svc.service, region)],
                    vec![],
                ),
                _ => (
                    vec![format!("{}.{}.vpce.amazonaws.com", svc.service, region)],
                    svc.private_dns_names(region),
                ),
            };
            all.push(ServiceDetail {
                service_name: svc.service_name(region),
                service_id: None,
                service_type,
                service_region: region.to_string(),
                availability_zones: zones.iter().map(|z| z.zone_name.clone()).collect(),
                availability_zone_ids: zones.iter().map(|z| z.zone_id.clone()).collect(),
                owner: "amazon".to_string(),
                base_endpoint_dns_names: base,
                private_dns_name: private.last().cloned(),
                private_dns_names: private,
                acceptance_required: false,
                vpc_endpoint_policy_supported: svc.supports_vpc_endpoint_policy,
                supported_ip_address_types: vec!["ipv4".to_string()],
                private_dns_name_verification_state: None,
                payer_responsibility: None,
            });
        }
    }
    all.sort_by_key(service_key);
    Ok(all)
}
