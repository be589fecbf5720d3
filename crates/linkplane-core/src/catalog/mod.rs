//! The compiled-in AWS catalog: Regions and their zone IDs, the AWS-managed
//! prefix lists of the two gateway services (S3 and DynamoDB), and the AWS
//! services that offer VPC endpoints.
//!
//! The facts live in `data/catalog.json`, together with where each kind of
//! fact came from, and are embedded in the binary. They are parsed once, on
//! first use of [`catalog`]; a unit test proves that the embedded file parses.
//!
//! Zone *names* are not data. As in the oldest AWS Regions, `us-east-1a` of
//! one account may be another zone than `us-east-1a` of the next account: the
//! names `<region>a`, `<region>b`, ... map to the Region's zone IDs through a
//! permutation that is derived from the account id and the Region alone, so it
//! is stable forever and needs no storage. Zone IDs (`use1-az1`) are the same
//! in every account; store those and translate to names on output.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::error::CoreError;

/// The embedded catalog data file.
const CATALOG_JSON: &str = include_str!("../../data/catalog.json");

/// Prefix of the service names of AWS services (`com.amazonaws.<region>.<code>`).
pub const AWS_SERVICE_NAME_PREFIX: &str = "com.amazonaws.";

/// Placeholder for the Region code in the DNS name templates of the data file.
const REGION_PLACEHOLDER: &str = "{region}";

/// Zone letters: a Region can name at most this many zones.
const ZONE_LETTERS: &[u8; 26] = b"abcdefghijklmnopqrstuvwxyz";

/// The kind of a VPC endpoint, and the kinds an endpoint service offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EndpointType {
    /// Elastic network interfaces in the consumer's subnets (PrivateLink).
    Interface,
    /// A route-table target for the service's prefix list (S3, DynamoDB).
    Gateway,
    /// An interface-like endpoint in front of a Gateway Load Balancer.
    GatewayLoadBalancer,
}

impl EndpointType {
    /// The wire spelling (`interface`, `gateway`, `gateway_load_balancer`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Interface => "interface",
            Self::Gateway => "gateway",
            Self::GatewayLoadBalancer => "gateway_load_balancer",
        }
    }

    /// The type spelt `s` (as `as_str` spells it); any other text is an
    /// error, never a default.
    pub fn parse(s: &str) -> Result<Self, CoreError> {
        match s {
            "interface" => Ok(Self::Interface),
            "gateway" => Ok(Self::Gateway),
            "gateway_load_balancer" => Ok(Self::GatewayLoadBalancer),
            other => Err(CoreError::invalid_value(format!(
                "'{other}' is not a VPC endpoint type; it is one of interface, gateway, \
                 gateway_load_balancer"
            ))),
        }
    }
}

impl std::fmt::Display for EndpointType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for EndpointType {
    type Err = CoreError;

    fn from_str(s: &str) -> Result<Self, CoreError> {
        Self::parse(s)
    }
}

/// Where one kind of fact in the catalog came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    pub key: String,
    pub what: String,
    pub url_or_ref: String,
}

/// A Region and its zone IDs, in canonical order (`use1-az1`, `use1-az2`, ...).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Region {
    /// The Region code, `us-east-1`.
    pub region: String,
    /// The display name, `US East (N. Virginia)`.
    pub name: String,
    pub zone_ids: Vec<String>,
}

/// A zone as one account sees it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Zone {
    /// The account-specific name, `us-east-1a`.
    pub zone_name: String,
    /// The same physical zone in every account, `use1-az4`.
    pub zone_id: String,
    pub region: String,
}

/// An AWS-managed prefix list (`DescribePrefixLists`), the destination of the
/// routes that gateway endpoints add.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PrefixList {
    /// `pl-` + 8 lowercase hex digits, unique across the whole catalog.
    pub prefix_list_id: String,
    /// `com.amazonaws.<region>.<service>`.
    pub prefix_list_name: String,
    pub region: String,
    /// The service code, `s3` or `dynamodb`.
    pub service: String,
    /// IPv4 CIDRs of the service in the Region (a representative subset of
    /// what AWS publishes).
    pub cidrs: Vec<String>,
    /// False when the id is generated because the real one could not be
    /// confirmed or is shared with a list of another Region.
    pub id_is_real: bool,
    /// The real AWS id where a generated one stands in for it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub aws_prefix_list_id: Option<String>,
}

/// The Regions an AWS service is offered in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ServiceRegions {
    /// Every Region of the catalog.
    All,
    /// Only these Region codes.
    Only(Vec<String>),
}

/// An AWS service that can be reached through VPC endpoints.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AwsService {
    /// The service code as used in `com.amazonaws.<region>.<code>` (`ecr.api`).
    pub service: String,
    /// The endpoint types the service offers.
    pub types: Vec<EndpointType>,
    /// Private DNS names an interface endpoint publishes, with `{region}` for
    /// the Region code. Empty when the service offers no private DNS name.
    #[serde(rename = "private_dns_names")]
    pub private_dns_name_templates: Vec<String>,
    /// The service's public DNS names, with `{region}` for the Region code.
    #[serde(rename = "public_dns_names")]
    pub public_dns_name_templates: Vec<String>,
    pub supports_vpc_endpoint_policy: bool,
    pub regions: ServiceRegions,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
}

impl AwsService {
    /// `com.amazonaws.<region>.<code>`.
    pub fn service_name(&self, region: &str) -> String {
        format!("{AWS_SERVICE_NAME_PREFIX}{region}.{}", self.service)
    }

    /// The private DNS names an interface endpoint in `region` publishes.
    pub fn private_dns_names(&self, region: &str) -> Vec<String> {
        expand_templates(&self.private_dns_name_templates, region)
    }

    /// The service's public DNS names in `region`.
    pub fn public_dns_names(&self, region: &str) -> Vec<String> {
        expand_templates(&self.public_dns_name_templates, region)
    }

    /// True when an interface endpoint of the service can enable private DNS.
    pub fn supports_private_dns(&self) -> bool {
        !self.private_dns_name_templates.is_empty()
    }

    /// True when the service offers endpoints of type `endpoint_type`.
    pub fn supports(&self, endpoint_type: EndpointType) -> bool {
        self.types.contains(&endpoint_type)
    }

    /// True when the service is offered in `region`. Only meaningful for a
    /// Region of the catalog: [`ServiceRegions::All`] says yes to any code.
    pub fn is_offered_in(&self, region: &str) -> bool {
        match &self.regions {
            ServiceRegions::All => true,
            ServiceRegions::Only(regions) => regions.iter().any(|r| r == region),
        }
    }
}

/// An AWS service in one Region, as named by `com.amazonaws.<region>.<code>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RegionalService<'a> {
    pub region: &'a Region,
    pub service: &'a AwsService,
}

impl RegionalService<'_> {
    /// `com.amazonaws.<region>.<code>`.
    pub fn service_name(&self) -> String {
        self.service.service_name(&self.region.region)
    }

    /// The private DNS names an interface endpoint publishes in this Region.
    pub fn private_dns_names(&self) -> Vec<String> {
        self.service.private_dns_names(&self.region.region)
    }

    /// The service's public DNS names in this Region.
    pub fn public_dns_names(&self) -> Vec<String> {
        self.service.public_dns_names(&self.region.region)
    }
}

/// Why catalog data was rejected.
#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    #[error("catalog JSON does not parse: {0}")]
    Json(#[from] serde_json::Error),
    #[error("catalog data is inconsistent: {0}")]
    Invalid(String),
}

/// The whole catalog. Get the embedded one with [`catalog`].
#[derive(Debug, Clone)]
pub struct Catalog {
    as_of: String,
    notes: Option<String>,
    sources: Vec<Source>,
    regions: Vec<Region>,
    prefix_lists: Vec<PrefixList>,
    aws_services: Vec<AwsService>,
    /// Zone ID -> index into `regions`.
    zone_regions: HashMap<String, usize>,
}

/// The catalog compiled into the binary, parsed on first use.
#[expect(
    clippy::expect_used,
    reason = "the catalog is compiled in and checked by its unit tests"
)]
pub fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| {
        Catalog::from_json(CATALOG_JSON).expect(
            "the embedded data/catalog.json is invalid; run the catalog unit tests to see why",
        )
    })
}

impl Catalog {
    /// Parses and checks catalog data in the format of `data/catalog.json`.
    pub fn from_json(json: &str) -> Result<Self, CatalogError> {
        let raw: RawCatalog = serde_json::from_str(json)?;
        Self::from_raw(raw)
    }

    fn from_raw(raw: RawCatalog) -> Result<Self, CatalogError> {
        let invalid = |message: String| Err(CatalogError::Invalid(message));
        if raw.regions.is_empty() {
            return invalid("no regions".to_owned());
        }

        let mut regions = Vec::with_capacity(raw.regions.len());
        let mut prefix_lists = Vec::new();
        let mut zone_regions = HashMap::new();
        let mut region_codes = HashSet::new();
        let mut prefix_list_ids = HashSet::new();
        for (index, raw_region) in raw.regions.into_iter().enumerate() {
            let code = raw_region.region;
            if !region_codes.insert(code.clone()) {
                return invalid(format!("region {code} is listed twice"));
            }
            if raw_region.zone_ids.is_empty() || raw_region.zone_ids.len() > ZONE_LETTERS.len() {
                return invalid(format!("region {code} must have 1 to 26 zones"));
            }
            for zone_id in &raw_region.zone_ids {
                if zone_number(zone_id).is_none() {
                    return invalid(format!(
                        "zone id {zone_id} is not of the form <prefix>-az<N>"
                    ));
                }
                if zone_regions.insert(zone_id.clone(), index).is_some() {
                    return invalid(format!("zone id {zone_id} is listed twice"));
                }
            }
            let mut zone_ids = raw_region.zone_ids;
            zone_ids.sort_by(|a, b| (zone_number(a), a).cmp(&(zone_number(b), b)));

            for list in raw_region.prefix_lists {
                if !prefix_list_ids.insert(list.prefix_list_id.clone()) {
                    return invalid(format!(
                        "prefix list id {} is listed twice",
                        list.prefix_list_id
                    ));
                }
                prefix_lists.push(PrefixList {
                    prefix_list_id: list.prefix_list_id,
                    prefix_list_name: list.prefix_list_name,
                    region: code.clone(),
                    service: list.service,
                    cidrs: list.cidrs,
                    id_is_real: list.id_is_real,
                    aws_prefix_list_id: list.aws_prefix_list_id,
                });
            }
            regions.push(Region {
                region: code,
                name: raw_region.name,
                zone_ids,
            });
        }

        let mut service_codes = HashSet::new();
        let mut aws_services = Vec::with_capacity(raw.aws_services.len());
        for service in raw.aws_services {
            if !service_codes.insert(service.service.clone()) {
                return invalid(format!("service {} is listed twice", service.service));
            }
            let service_regions = match service.regions {
                RawRegions::Keyword(keyword) if keyword == "all" => ServiceRegions::All,
                RawRegions::Keyword(other) => {
                    return invalid(format!(
                        "service {}: regions must be \"all\" or a list, not {other:?}",
                        service.service
                    ));
                }
                RawRegions::List(list) => {
                    if let Some(unknown) = list.iter().find(|r| !region_codes.contains(*r)) {
                        return invalid(format!(
                            "service {}: unknown region {unknown}",
                            service.service
                        ));
                    }
                    ServiceRegions::Only(list)
                }
            };
            aws_services.push(AwsService {
                service: service.service,
                types: service.types,
                private_dns_name_templates: service.private_dns_names,
                public_dns_name_templates: service.public_dns_names,
                supports_vpc_endpoint_policy: service.supports_vpc_endpoint_policy,
                regions: service_regions,
                notes: service.notes,
            });
        }

        for list in &prefix_lists {
            if !service_codes.contains(&list.service) {
                return invalid(format!(
                    "prefix list {} names unknown service {}",
                    list.prefix_list_id, list.service
                ));
            }
        }

        Ok(Self {
            as_of: raw.as_of,
            notes: raw.notes,
            sources: raw.sources,
            regions,
            prefix_lists,
            aws_services,
            zone_regions,
        })
    }

    /// The date the data was compiled (`YYYY-MM-DD`).
    pub fn as_of(&self) -> &str {
        &self.as_of
    }

    /// General notes on the data.
    pub fn notes(&self) -> Option<&str> {
        self.notes.as_deref()
    }

    /// Where each kind of fact came from.
    pub fn sources(&self) -> &[Source] {
        &self.sources
    }

    /// All Regions, in catalog order.
    pub fn regions(&self) -> &[Region] {
        &self.regions
    }

    /// The Region with code `region`.
    pub fn region(&self, region: &str) -> Option<&Region> {
        self.regions.iter().find(|r| r.region == region)
    }

    /// The Region a zone ID belongs to.
    pub fn region_of_zone_id(&self, zone_id: &str) -> Option<&Region> {
        self.zone_regions
            .get(zone_id)
            .and_then(|&index| self.regions.get(index))
    }

    /// The AWS-managed prefix lists, of one Region or (`None`) of all.
    pub fn prefix_lists(&self, region: Option<&str>) -> Vec<&PrefixList> {
        self.prefix_lists
            .iter()
            .filter(|list| region.is_none_or(|r| list.region == r))
            .collect()
    }

    /// The prefix list with id `prefix_list_id`.
    pub fn prefix_list(&self, prefix_list_id: &str) -> Option<&PrefixList> {
        self.prefix_lists
            .iter()
            .find(|list| list.prefix_list_id == prefix_list_id)
    }

    /// The prefix list of service code `service` (`s3`, `dynamodb`) in `region`.
    pub fn prefix_list_for(&self, region: &str, service: &str) -> Option<&PrefixList> {
        self.prefix_lists
            .iter()
            .find(|list| list.region == region && list.service == service)
    }

    /// The AWS services offered in `region` (none for an unknown Region).
    pub fn aws_services(&self, region: &str) -> Vec<&AwsService> {
        if self.region(region).is_none() {
            return Vec::new();
        }
        self.aws_services
            .iter()
            .filter(|service| service.is_offered_in(region))
            .collect()
    }

    /// The AWS service with code `service` (`ecr.api`), whatever the Region.
    pub fn aws_service(&self, service: &str) -> Option<&AwsService> {
        self.aws_services.iter().find(|s| s.service == service)
    }

    /// Resolves `com.amazonaws.<region>.<code>`: `None` unless the Region is
    /// in the catalog and the service is offered there. Customer endpoint
    /// services (`com.amazonaws.vpce.<region>.vpce-svc-...`) are not AWS
    /// services and also give `None`.
    pub fn aws_service_by_name(&self, service_name: &str) -> Option<RegionalService<'_>> {
        let (region_code, code) = service_name
            .strip_prefix(AWS_SERVICE_NAME_PREFIX)?
            .split_once('.')?;
        let region = self.region(region_code)?;
        let service = self.aws_service(code)?;
        service
            .is_offered_in(region_code)
            .then_some(RegionalService { region, service })
    }

    /// The zones of `region` as account `account_id` sees them, sorted by zone
    /// name; `None` for an unknown Region.
    pub fn zones_for_account(&self, account_id: &str, region: &str) -> Option<Vec<Zone>> {
        self.region(region).map(|r| r.zones_for_account(account_id))
    }

    /// The zone ID behind zone name `zone_name` (`us-east-1a`) for an account.
    pub fn zone_id_for_name(&self, account_id: &str, zone_name: &str) -> Option<String> {
        let region = zone_name
            .strip_suffix(|c: char| c.is_ascii_lowercase())
            .and_then(|code| self.region(code))?;
        region
            .zones_for_account(account_id)
            .into_iter()
            .find(|zone| zone.zone_name == zone_name)
            .map(|zone| zone.zone_id)
    }

    /// The name account `account_id` gives to zone ID `zone_id` (`use1-az1`).
    pub fn zone_name_for_id(&self, account_id: &str, zone_id: &str) -> Option<String> {
        self.region_of_zone_id(zone_id)?
            .zones_for_account(account_id)
            .into_iter()
            .find(|zone| zone.zone_id == zone_id)
            .map(|zone| zone.zone_name)
    }
}

impl Region {
    /// The Region's zones as account `account_id` sees them, sorted by name:
    /// `<region>a`, `<region>b`, ... (one letter per zone ID), each mapped to
    /// a zone ID through a permutation seeded by the account and the Region.
    pub fn zones_for_account(&self, account_id: &str) -> Vec<Zone> {
        account_permutation(account_id, &self.region, &self.zone_ids)
            .into_iter()
            .zip(ZONE_LETTERS.iter())
            .map(|(zone_id, &letter)| Zone {
                zone_name: format!("{}{}", self.region, char::from(letter)),
                zone_id: zone_id.clone(),
                region: self.region.clone(),
            })
            .collect()
    }
}

/// The zone IDs in the order an account names them: Fisher–Yates over the
/// canonical order, driven by splitmix64 seeded with FNV-1a 64 of
/// `<account_id>/<region>`. Changing this changes every account's zone names.
fn account_permutation<'a>(
    account_id: &str,
    region: &str,
    zone_ids: &'a [String],
) -> Vec<&'a String> {
    let mut order: Vec<&String> = zone_ids.iter().collect();
    let mut rng = SplitMix64(fnv1a64(format!("{account_id}/{region}").as_bytes()));
    for i in (1..order.len()).rev() {
        let j = (rng.next_u64() % (i as u64 + 1)) as usize;
        order.swap(i, j);
    }
    order
}

/// FNV-1a, 64-bit.
fn fnv1a64(bytes: &[u8]) -> u64 {
    const OFFSET_BASIS: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    bytes.iter().fold(OFFSET_BASIS, |hash, &b| {
        (hash ^ u64::from(b)).wrapping_mul(PRIME)
    })
}

/// The splitmix64 generator (Steele, Lea and Flood).
struct SplitMix64(u64);

impl SplitMix64 {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

/// The number `N` of a zone ID `<prefix>-az<N>`, where the prefix is lowercase
/// letters followed by digits (`use1`, `apne1`).
fn zone_number(zone_id: &str) -> Option<u32> {
    let (prefix, number) = zone_id.split_once("-az")?;
    let letters = prefix.trim_end_matches(|c: char| c.is_ascii_digit());
    let well_formed = !letters.is_empty()
        && letters.len() < prefix.len()
        && letters.bytes().all(|b| b.is_ascii_lowercase())
        && !number.is_empty()
        && number.bytes().all(|b| b.is_ascii_digit())
        && !number.starts_with('0');
    if well_formed {
        number.parse().ok()
    } else {
        None
    }
}

fn expand_templates(templates: &[String], region: &str) -> Vec<String> {
    templates
        .iter()
        .map(|template| template.replace(REGION_PLACEHOLDER, region))
        .collect()
}

// The file format. Public types differ from it where the file nests or names
// things for people (prefix lists inside their Region, `"regions": "all"`).

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCatalog {
    as_of: String,
    #[serde(default)]
    notes: Option<String>,
    sources: Vec<Source>,
    regions: Vec<RawRegion>,
    aws_services: Vec<RawAwsService>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRegion {
    region: String,
    name: String,
    zone_ids: Vec<String>,
    #[serde(default)]
    #[allow(dead_code)] // provenance, read by people and the tests
    zone_id_sources: Vec<String>,
    prefix_lists: Vec<RawPrefixList>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPrefixList {
    service: String,
    prefix_list_name: String,
    prefix_list_id: String,
    id_is_real: bool,
    #[serde(default)]
    aws_prefix_list_id: Option<String>,
    #[serde(default)]
    #[allow(dead_code)] // provenance, read by people and the tests
    id_sources: Vec<String>,
    cidrs: Vec<String>,
    #[serde(default)]
    #[allow(dead_code)] // provenance, read by people and the tests
    cidr_sources: Vec<String>,
    #[serde(default)]
    #[allow(dead_code)] // read by people
    notes: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAwsService {
    service: String,
    types: Vec<EndpointType>,
    private_dns_names: Vec<String>,
    public_dns_names: Vec<String>,
    supports_vpc_endpoint_policy: bool,
    regions: RawRegions,
    #[serde(default)]
    notes: Option<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawRegions {
    Keyword(String),
    List(Vec<String>),
}

#[cfg(test)]
mod tests;
