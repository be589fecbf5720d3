//! The compiled-in AWS catalog as a caller sees it: regions, zones in the
//! caller's own zone names, AWS-managed prefix lists, AWS services.

use crate::error::{Error, Result};
use crate::pagination;
use crate::service::caller::Caller;
use crate::store::filter::AnyOf;
use crate::store::page::Page;
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
        .map(prefix_list_of)
        .collect())
}

fn prefix_list_of(p: &catalog::PrefixList) -> PrefixList {
    PrefixList {
        prefix_list_id: p.prefix_list_id.clone(),
        prefix_list_name: p.prefix_list_name.clone(),
        region: p.region.clone(),
        cidrs: p.cidrs.clone(),
    }
}

/// A prefix list id as a request gives it (`field` names the parameter):
/// `pl-` and 8 or 17 lowercase hex digits, else `InvalidPrefixListId.Malformed`.
pub fn check_prefix_list_id(field: &str, id: &str) -> Result<()> {
    if linkplane_core::ids::is_prefix_list_id(id) {
        Ok(())
    } else {
        Err(Error::validation(
            "InvalidPrefixListId.Malformed",
            format!("{field}: '{id}' is not of the form pl-xxxxxxxx"),
        ))
    }
}

pub fn prefix_list_not_found(id: &str) -> Error {
    Error::not_found(
        "InvalidPrefixListID.NotFound",
        format!("The prefix list ID '{id}' does not exist"),
    )
}

/// The AWS-managed prefix list `id` of `region` (another region's is not
/// found, as on AWS).
pub fn prefix_list(region: &str, id: &str) -> Result<PrefixList> {
    check_prefix_list_id("prefix_list_id", id)?;
    catalog::catalog()
        .prefix_list(id)
        .filter(|p| p.region == region)
        .map(prefix_list_of)
        .ok_or_else(|| prefix_list_not_found(id))
}

/// Filters of a paged list of a region's prefix lists (`DescribePrefixLists`).
#[derive(Debug, Clone, Default)]
pub struct ListPrefixLists {
    pub region: String,
    /// Only these lists, each of which must exist in the region
    /// (`InvalidPrefixListID.NotFound` otherwise).
    pub prefix_list_ids: Vec<String>,
    /// Only lists with one of these ids (unknown ones match nothing).
    pub id_in: Option<Vec<String>>,
    /// Only lists with one of these names.
    pub name_in: Option<Vec<String>>,
    pub max_results: Option<u32>,
    pub next_token: Option<String>,
}

/// A page of the region's prefix lists, in id order.
pub fn list_prefix_lists(q: ListPrefixLists) -> Result<(Vec<PrefixList>, Option<String>)> {
    let spec = pagination::page_spec("prefix-lists", q.max_results, q.next_token.as_deref())?;
    for id in &q.prefix_list_ids {
        prefix_list(&q.region, id)?;
    }
    let mut all = prefix_lists(Some(&q.region))?;
    all.sort_by(|a, b| a.prefix_list_id.cmp(&b.prefix_list_id));
    let after = spec.after.map(|(_, id)| id);
    let mut items: Vec<PrefixList> = all
        .into_iter()
        .filter(|p| q.prefix_list_ids.is_empty() || q.prefix_list_ids.contains(&p.prefix_list_id))
        .filter(|p| {
            q.id_in
                .as_ref()
                .is_none_or(|v| v.contains(&p.prefix_list_id))
        })
        .filter(|p| {
            q.name_in
                .as_ref()
                .is_none_or(|v| v.contains(&p.prefix_list_name))
        })
        .filter(|p| after.as_ref().is_none_or(|a| &p.prefix_list_id > a))
        .take(spec.limit as usize + 1)
        .collect();
    let next = page_after(&mut items, spec.limit, "prefix-lists", |p| {
        (0, p.prefix_list_id.clone())
    });
    Ok((items, next))
}

/// A page of the CIDRs of the region's prefix list `id`, in the list's order
/// (`GetManagedPrefixListEntries`).
pub fn prefix_list_entries(
    region: &str,
    id: &str,
    max_results: Option<u32>,
    next_token: Option<&str>,
) -> Result<(Vec<String>, Option<String>)> {
    let list = prefix_list(region, id)?;
    let name = format!("prefix-list-entries:{id}");
    let spec = pagination::page_spec(&name, max_results, next_token)?;
    let start = match spec.after {
        None => 0,
        Some((i, cidr)) => match usize::try_from(i)
            .ok()
            .filter(|&i| list.cidrs.get(i) == Some(&cidr))
        {
            Some(i) => i + 1,
            None => {
                return Err(Error::validation(
                    "InvalidNextToken",
                    "next_token is not a token this list issued",
                ));
            }
        },
    };
    let mut items: Vec<(usize, String)> = list
        .cidrs
        .into_iter()
        .enumerate()
        .skip(start)
        .take(spec.limit as usize + 1)
        .collect();
    let next = page_after(&mut items, spec.limit, &name, |(i, c)| {
        (*i as i64, c.clone())
    });
    Ok((items.into_iter().map(|(_, c)| c).collect(), next))
}

/// Cuts `items` (one more than `limit` when more remain) to the page and
/// answers the token of the next one, keyed by `key` of its last item.
fn page_after<T>(
    items: &mut Vec<T>,
    limit: u32,
    list: &str,
    key: impl Fn(&T) -> (i64, String),
) -> Option<String> {
    if items.len() <= limit as usize {
        return None;
    }
    items.truncate(limit as usize);
    let page = Page::<()> {
        items: Vec::new(),
        next: items.last().map(key),
    };
    pagination::next_token(list, &page)
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
    pub service_type: AnyOf<ServiceType>,
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
