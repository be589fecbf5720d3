//! The monthly cost of VPC endpoints, beside the NAT-gateway alternative,
//! from a dated price table compiled into the binary.
//!
//! # Prices
//!
//! [`US_EAST_1`] holds AWS's published list prices in USD for US East
//! (N. Virginia), as compiled on [`PRICES_AS_OF`] from the pages in
//! [`PRICE_SOURCES`]:
//!
//! | item | price |
//! |---|---|
//! | interface endpoint | $0.01 per endpoint per Availability Zone per hour |
//! | interface endpoint data processed | first 1 PB $0.01/GB, next 4 PB $0.006/GB, over 5 PB $0.004/GB, tiers over the GB of *all* interface endpoints in the Region in the month |
//! | gateway endpoint (S3, DynamoDB) | free, hours and data |
//! | Gateway Load Balancer endpoint | $0.01 per endpoint-AZ-hour, $0.0035/GB: commonly cited, **not confirmed** against AWS's price list (a note says so in every estimate that uses them) |
//! | NAT gateway (the comparison) | $0.045 per hour, $0.045/GB (the figures of AWS's VPC pricing example, for US East (Ohio); used for N. Virginia too) |
//!
//! Endpoint prices are Region-dependent at AWS, but the table only has the
//! N. Virginia figures: every other Region is priced with them, and the
//! estimate says so in `prices_region` and in a note.
//!
//! Conventions (AWS's own): a month is [`HOURS_PER_MONTH`] = 730 hours, partial
//! hours bill as whole ones (an estimate counts whole months), and tiers use
//! binary units, 1 PB = 1,024 TB = 1,048,576 GB ([`GB_PER_PB`]). Standard data
//! transfer (between zones, between Regions, to the internet) is charged on
//! top at AWS and is not part of an estimate.
//!
//! # Estimates
//!
//! [`estimate`] prices an [`EstimateRequest`] (the body of
//! `POST /v1/cost/estimate`); [`endpoint_estimate`] prices one existing
//! endpoint (`GET /v1/vpc-endpoints/{id}/cost`). Both answer an [`Estimate`]:
//!
//! ```json
//! {"region": "us-east-1", "prices_region": "us-east-1", "monthly_usd": 21.9,
//!  "lines": [{"item": "interface_endpoint_hours", "description": "...",
//!             "quantity": 2190.0, "unit": "endpoint_az_hour",
//!             "unit_price_usd": 0.01, "monthly_usd": 21.9}, ...],
//!  "nat_gateway_alternative": {"nat_gateways": 1, "monthly_usd": 32.85, "lines": [...]},
//!  "prices_as_of": "2026-11-22", "hours_per_month": 730, "currency": "USD", "notes": [...]}
//! ```
//!
//! Lines add up the request's items by kind: one hours line and the data
//! lines per kind present, in a fixed order. Interface endpoint data is split
//! into its tiers over the GB of every interface endpoint item together (AWS
//! sums processing per Region per month); the first tier's line is always
//! there, the others only when reached.
//!
//! Money is computed in `f64` dollars; each line's `monthly_usd` is rounded to
//! 4 decimal places for presentation, and the totals are the unrounded line
//! amounts summed, then rounded to cents. Quantities are rounded to 6 places.
//!
//! The NAT-gateway alternative sends the same traffic (the GB of the interface
//! and gateway endpoint items) through NAT gateways instead: `nat_gateways` of
//! them (the request's `nat_gateways`, else 1, as in AWS's pricing example;
//! one per zone for zone independence costs that many times the hours).
//! Gateway Load Balancer endpoints have no NAT equivalent, and `nat_gateway`
//! items are the same in both designs, so neither enters the alternative.

use crate::catalog::{self, EndpointType};
use crate::error::CoreError;
use serde::{Deserialize, Serialize};

/// The date the price table was compiled (the pricing facts of the project's
/// domain reference, gathered with the AWS catalog in `data/catalog.json`).
pub const PRICES_AS_OF: &str = "2026-11-22";

/// Where the prices come from: (what, URL).
pub const PRICE_SOURCES: &[(&str, &str)] = &[
    (
        "AWS PrivateLink pricing: interface endpoint hours and data processing tiers, \
         billing rules, cross-Region PrivateLink",
        "https://aws.amazon.com/privatelink/pricing/",
    ),
    (
        "Amazon VPC pricing: NAT gateway hours and data processing",
        "https://aws.amazon.com/vpc/pricing/",
    ),
    (
        "Gateway endpoints: no additional charge",
        "https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-endpoints.html",
    ),
    (
        "Gateway Load Balancer endpoints (prices unconfirmed: commonly cited figures)",
        "https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-load-balancer-endpoints.html",
    ),
];

/// Hours in a billing month, by AWS's convention (8,760 / 12).
pub const HOURS_PER_MONTH: u32 = 730;

/// Gigabytes in a petabyte as AWS's tiers count them (1,024 TB of 1,024 GB).
pub const GB_PER_PB: f64 = 1_048_576.0;

/// The most items one estimate may have.
pub const MAX_ITEMS: usize = 100;

/// The most endpoints (or NAT gateways) one item, or the alternative, may count.
pub const MAX_COUNT: u32 = 1_000;

/// The most GB per month one item may give (1 ZB: far beyond any real VPC,
/// small enough that no sum overflows).
pub const MAX_GB_PER_MONTH: f64 = 1.0e12;

/// One tier of a per-GB price: `usd_per_gb` for the GB in the month beyond
/// the previous tier's bound, up to `up_to_gb` (`None`: no bound).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Tier {
    pub up_to_gb: Option<f64>,
    pub usd_per_gb: f64,
}

/// The list prices of one Region, in USD.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PriceTable {
    /// The Region whose published prices these are.
    pub region: &'static str,
    /// Interface endpoint, per endpoint per Availability Zone per hour.
    pub interface_endpoint_az_hour: f64,
    /// Interface endpoint data processing, tiered over the month's GB of all
    /// interface endpoints in the Region.
    pub interface_endpoint_gb_tiers: [Tier; 3],
    /// Gateway endpoint, per endpoint per hour (free).
    pub gateway_endpoint_hour: f64,
    /// Gateway endpoint data processing (free).
    pub gateway_endpoint_gb: f64,
    /// Gateway Load Balancer endpoint, per endpoint per zone per hour.
    pub gateway_load_balancer_endpoint_az_hour: f64,
    /// Gateway Load Balancer endpoint data processing, per GB.
    pub gateway_load_balancer_endpoint_gb: f64,
    /// Whether the two Gateway Load Balancer endpoint figures are confirmed
    /// against AWS's price list.
    pub gateway_load_balancer_endpoint_confirmed: bool,
    /// NAT gateway, per gateway per hour.
    pub nat_gateway_hour: f64,
    /// NAT gateway data processing, per GB.
    pub nat_gateway_gb: f64,
}

/// US East (N. Virginia), the only Region the table has figures for.
pub static US_EAST_1: PriceTable = PriceTable {
    region: "us-east-1",
    interface_endpoint_az_hour: 0.01,
    interface_endpoint_gb_tiers: [
        Tier {
            up_to_gb: Some(GB_PER_PB),
            usd_per_gb: 0.01,
        },
        Tier {
            up_to_gb: Some(5.0 * GB_PER_PB),
            usd_per_gb: 0.006,
        },
        Tier {
            up_to_gb: None,
            usd_per_gb: 0.004,
        },
    ],
    gateway_endpoint_hour: 0.0,
    gateway_endpoint_gb: 0.0,
    gateway_load_balancer_endpoint_az_hour: 0.01,
    gateway_load_balancer_endpoint_gb: 0.0035,
    gateway_load_balancer_endpoint_confirmed: false,
    nat_gateway_hour: 0.045,
    nat_gateway_gb: 0.045,
};

/// The prices used for `region`: the N. Virginia figures everywhere, since
/// the table has no others (see the module documentation).
pub fn price_table(_region: &str) -> &'static PriceTable {
    &US_EAST_1
}

/// What an estimate item is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CostItemKind {
    InterfaceEndpoint,
    GatewayEndpoint,
    GatewayLoadBalancerEndpoint,
    NatGateway,
}

impl CostItemKind {
    /// The wire spelling (`interface_endpoint`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InterfaceEndpoint => "interface_endpoint",
            Self::GatewayEndpoint => "gateway_endpoint",
            Self::GatewayLoadBalancerEndpoint => "gateway_load_balancer_endpoint",
            Self::NatGateway => "nat_gateway",
        }
    }
}

impl From<EndpointType> for CostItemKind {
    fn from(t: EndpointType) -> Self {
        match t {
            EndpointType::Interface => Self::InterfaceEndpoint,
            EndpointType::Gateway => Self::GatewayEndpoint,
            EndpointType::GatewayLoadBalancer => Self::GatewayLoadBalancerEndpoint,
        }
    }
}

/// One thing to price. `count` (default 1) identical endpoints or NAT
/// gateways, each in `zones` Availability Zones (default 1), carrying
/// `gb_per_month` GB in all (default 0).
///
/// `zones` is 1 to the Region's number of zones. A Gateway Load Balancer
/// endpoint lives in one subnet, so its `zones` is 1. A gateway endpoint is
/// regional: `zones` is checked but does not change its (zero) price. For a
/// `nat_gateway` item, `zones` is how many zones each of the `count` sets has
/// a NAT gateway in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EstimateItem {
    pub kind: CostItemKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zones: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gb_per_month: Option<f64>,
}

/// The body of `POST /v1/cost/estimate`:
/// `{region?, items: [{kind, count?, zones?, gb_per_month?}], nat_gateways?}`.
///
/// `region` defaults to the server's default Region; `nat_gateways` is how
/// many NAT gateways the alternative counts (default 1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EstimateRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    pub items: Vec<EstimateItem>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nat_gateways: Option<u32>,
}

/// One priced line: `quantity` `unit`s at `unit_price_usd` each.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CostLine {
    /// A stable identifier (`interface_endpoint_hours`, ...).
    pub item: String,
    /// What the line counts, for people.
    pub description: String,
    pub quantity: f64,
    /// `endpoint_az_hour`, `endpoint_hour`, `nat_gateway_hour` or `GB`.
    pub unit: String,
    pub unit_price_usd: f64,
    pub monthly_usd: f64,
}

/// The same traffic through NAT gateways instead of the endpoints.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NatGatewayAlternative {
    /// How many NAT gateways the alternative counts (0 when the estimate has
    /// no interface or gateway endpoint to compare).
    pub nat_gateways: u32,
    pub monthly_usd: f64,
    pub lines: Vec<CostLine>,
}

/// A monthly estimate (the answer of both cost routes).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Estimate {
    /// The Region estimated for.
    pub region: String,
    /// The Region whose published prices were applied.
    pub prices_region: String,
    pub monthly_usd: f64,
    pub lines: Vec<CostLine>,
    pub nat_gateway_alternative: NatGatewayAlternative,
    pub prices_as_of: String,
    pub hours_per_month: u32,
    pub currency: String,
    /// Caveats: the Region's prices, unconfirmed figures, what is left out.
    pub notes: Vec<String>,
}

/// Splits a month's interface endpoint GB (all endpoints of a Region
/// together) into the GB billed at each of the three tiers.
pub fn interface_processing_tiers(total_gb: f64, prices: &PriceTable) -> [f64; 3] {
    let mut out = [0.0; 3];
    let mut floor = 0.0;
    for (slot, tier) in out.iter_mut().zip(prices.interface_endpoint_gb_tiers) {
        let ceiling = tier.up_to_gb.unwrap_or(f64::INFINITY);
        *slot = (total_gb.min(ceiling) - floor).max(0.0);
        floor = ceiling;
    }
    out
}

/// Prices a request. `default_region` is used when the request names none.
pub fn estimate(req: &EstimateRequest, default_region: &str) -> Result<Estimate, CoreError> {
    let region = req.region.as_deref().unwrap_or(default_region);
    let zones_in_region = region_zone_count(region)?;
    if req.items.is_empty() {
        return Err(CoreError::invalid_value(
            "items: give at least one item to price",
        ));
    }
    if req.items.len() > MAX_ITEMS {
        return Err(CoreError::invalid_value(format!(
            "items: {} given; an estimate may have at most {MAX_ITEMS}",
            req.items.len()
        )));
    }
    let items = req
        .items
        .iter()
        .enumerate()
        .map(|(i, item)| Checked::new(i, item, zones_in_region))
        .collect::<Result<Vec<_>, _>>()?;
    let nat_gateways = match req.nat_gateways {
        None => 1,
        Some(n) if (1..=MAX_COUNT).contains(&n) => n,
        Some(n) => {
            return Err(CoreError::invalid_value(format!(
                "nat_gateways: {n} is not between 1 and {MAX_COUNT}"
            )));
        }
    };
    Ok(price(region, &items, nat_gateways))
}

/// Prices one endpoint of type `endpoint_type` in `zones` zones of `region`
/// carrying `gb_per_month` GB, beside one NAT gateway.
pub fn endpoint_estimate(
    endpoint_type: EndpointType,
    zones: u32,
    gb_per_month: f64,
    region: &str,
) -> Result<Estimate, CoreError> {
    estimate(
        &EstimateRequest {
            region: Some(region.to_string()),
            items: vec![EstimateItem {
                kind: endpoint_type.into(),
                count: None,
                zones: Some(zones),
                gb_per_month: Some(gb_per_month),
            }],
            nat_gateways: None,
        },
        region,
    )
}

/// The number of zones of a Region the catalog knows.
fn region_zone_count(region: &str) -> Result<u32, CoreError> {
    let r = catalog::catalog().region(region).ok_or_else(|| {
        CoreError::invalid_value(format!(
            "region: '{region}' is not a Region this service knows"
        ))
    })?;
    Ok(u32::try_from(r.zone_ids.len()).unwrap_or(u32::MAX))
}

/// An item with its defaults applied and its values checked.
struct Checked {
    kind: CostItemKind,
    count: u32,
    zones: u32,
    gb: f64,
}

impl Checked {
    fn new(i: usize, item: &EstimateItem, zones_in_region: u32) -> Result<Self, CoreError> {
        let count = item.count.unwrap_or(1);
        if !(1..=MAX_COUNT).contains(&count) {
            return Err(CoreError::invalid_value(format!(
                "items[{i}].count: {count} is not between 1 and {MAX_COUNT}"
            )));
        }
        let zones = item.zones.unwrap_or(1);
        if item.kind == CostItemKind::GatewayLoadBalancerEndpoint && zones != 1 {
            return Err(CoreError::invalid_value(format!(
                "items[{i}].zones: a gateway load balancer endpoint is in exactly one \
                 Availability Zone (one subnet), not {zones}"
            )));
        }
        if !(1..=zones_in_region).contains(&zones) {
            return Err(CoreError::invalid_value(format!(
                "items[{i}].zones: {zones} is not between 1 and the Region's \
                 {zones_in_region} Availability Zones"
            )));
        }
        let gb = item.gb_per_month.unwrap_or(0.0);
        if !gb.is_finite() || !(0.0..=MAX_GB_PER_MONTH).contains(&gb) {
            return Err(CoreError::invalid_value(format!(
                "items[{i}].gb_per_month: {gb} is not a number of GB between 0 and {MAX_GB_PER_MONTH:e}"
            )));
        }
        // -0.0 is within range; make it a plain zero.
        let gb = gb + 0.0;
        Ok(Checked {
            kind: item.kind,
            count,
            zones,
            gb,
        })
    }
}

/// Sums of the items of one kind.
#[derive(Default)]
struct KindTotal {
    present: bool,
    endpoints: u64,
    az_units: u64,
    gb: f64,
}

fn total(items: &[Checked], kind: CostItemKind) -> KindTotal {
    items
        .iter()
        .filter(|it| it.kind == kind)
        .fold(KindTotal::default(), |mut t, it| {
            t.present = true;
            t.endpoints += u64::from(it.count);
            t.az_units += u64::from(it.count) * u64::from(it.zones);
            t.gb += it.gb;
            t
        })
}

fn price(region: &str, items: &[Checked], nat_gateways: u32) -> Estimate {
    let p = price_table(region);
    let hours = f64::from(HOURS_PER_MONTH);
    let mut lines = Vec::new();
    let mut notes = Vec::new();

    let interface = total(items, CostItemKind::InterfaceEndpoint);
    if interface.present {
        lines.push(line(
            "interface_endpoint_hours",
            format!(
                "{} interface endpoint(s), {} endpoint-zone(s) in all, x {HOURS_PER_MONTH} h",
                interface.endpoints, interface.az_units
            ),
            interface.az_units as f64 * hours,
            "endpoint_az_hour",
            p.interface_endpoint_az_hour,
        ));
        let tiers = interface_processing_tiers(interface.gb, p);
        let names = [
            (
                "interface_endpoint_data_processed_first_1_pb",
                "interface endpoint data, first 1 PB of the month",
            ),
            (
                "interface_endpoint_data_processed_next_4_pb",
                "interface endpoint data, next 4 PB of the month",
            ),
            (
                "interface_endpoint_data_processed_over_5_pb",
                "interface endpoint data, over 5 PB in the month",
            ),
        ];
        for (i, ((item, what), gb)) in names.iter().zip(tiers).enumerate() {
            if i == 0 || gb > 0.0 {
                lines.push(line(
                    item,
                    what.to_string(),
                    gb,
                    "GB",
                    p.interface_endpoint_gb_tiers[i].usd_per_gb,
                ));
            }
        }
    }

    let gateway = total(items, CostItemKind::GatewayEndpoint);
    if gateway.present {
        lines.push(line(
            "gateway_endpoint_hours",
            format!(
                "{} gateway endpoint(s) x {HOURS_PER_MONTH} h (no charge)",
                gateway.endpoints
            ),
            gateway.endpoints as f64 * hours,
            "endpoint_hour",
            p.gateway_endpoint_hour,
        ));
        lines.push(line(
            "gateway_endpoint_data_processed",
            "gateway endpoint data (no charge)".to_string(),
            gateway.gb,
            "GB",
            p.gateway_endpoint_gb,
        ));
    }

    let gwlb = total(items, CostItemKind::GatewayLoadBalancerEndpoint);
    if gwlb.present {
        lines.push(line(
            "gateway_load_balancer_endpoint_hours",
            format!(
                "{} gateway load balancer endpoint(s), one zone each, x {HOURS_PER_MONTH} h",
                gwlb.endpoints
            ),
            gwlb.az_units as f64 * hours,
            "endpoint_az_hour",
            p.gateway_load_balancer_endpoint_az_hour,
        ));
        lines.push(line(
            "gateway_load_balancer_endpoint_data_processed",
            "gateway load balancer endpoint data".to_string(),
            gwlb.gb,
            "GB",
            p.gateway_load_balancer_endpoint_gb,
        ));
        if !p.gateway_load_balancer_endpoint_confirmed {
            notes.push(format!(
                "Gateway Load Balancer endpoint prices (${} per endpoint-zone-hour, ${}/GB) \
                 are commonly cited figures, not confirmed against AWS's price list; the \
                 Gateway Load Balancer itself is billed separately and is not included.",
                p.gateway_load_balancer_endpoint_az_hour, p.gateway_load_balancer_endpoint_gb
            ));
        }
    }

    let nat = total(items, CostItemKind::NatGateway);
    if nat.present {
        lines.extend(nat_lines(p, nat.az_units, nat.gb));
    }

    // The alternative carries the interface and gateway endpoints' traffic.
    let nat_gateway_alternative = if interface.present || gateway.present {
        let alt_lines = nat_lines(p, u64::from(nat_gateways), interface.gb + gateway.gb);
        NatGatewayAlternative {
            nat_gateways,
            monthly_usd: sum_cents(&alt_lines),
            lines: alt_lines.into(),
        }
    } else {
        notes.push(
            "No interface or gateway endpoint to compare: the NAT-gateway alternative is empty."
                .to_string(),
        );
        NatGatewayAlternative {
            nat_gateways: 0,
            monthly_usd: 0.0,
            lines: Vec::new(),
        }
    };

    if region != p.region {
        notes.push(format!(
            "The price table has {} figures only; {region} is priced with them, and its \
             actual prices may differ.",
            p.region
        ));
    }
    notes.push(format!(
        "List prices in USD as of {PRICES_AS_OF}; a month is {HOURS_PER_MONTH} hours. Data \
         transfer between zones, between Regions and to the internet is charged on top and \
         is not included."
    ));

    present(Estimate {
        region: region.to_string(),
        prices_region: p.region.to_string(),
        monthly_usd: sum_cents(&lines),
        lines,
        nat_gateway_alternative,
        prices_as_of: PRICES_AS_OF.to_string(),
        hours_per_month: HOURS_PER_MONTH,
        currency: "USD".to_string(),
        notes,
    })
}

fn nat_lines(p: &PriceTable, gateways: u64, gb: f64) -> [CostLine; 2] {
    [
        line(
            "nat_gateway_hours",
            format!("{gateways} NAT gateway(s) x {HOURS_PER_MONTH} h"),
            gateways as f64 * f64::from(HOURS_PER_MONTH),
            "nat_gateway_hour",
            p.nat_gateway_hour,
        ),
        line(
            "nat_gateway_data_processed",
            "NAT gateway data processed".to_string(),
            gb,
            "GB",
            p.nat_gateway_gb,
        ),
    ]
}

/// A line, with its amount kept unrounded until [`sum_cents`] reads it:
/// `monthly_usd` is rounded to 4 places by [`present`].
fn line(item: &str, description: String, quantity: f64, unit: &str, unit_price: f64) -> CostLine {
    CostLine {
        item: item.to_string(),
        description,
        quantity,
        unit: unit.to_string(),
        unit_price_usd: unit_price,
        monthly_usd: quantity * unit_price,
    }
}

/// Sums the lines' unrounded amounts, rounded to cents, then rounds each
/// line for presentation.
fn sum_cents(lines: &[CostLine]) -> f64 {
    round_to(lines.iter().map(|l| l.monthly_usd).sum(), 2)
}

fn round_to(x: f64, places: i32) -> f64 {
    let scale = 10f64.powi(places);
    // + 0.0 turns a -0.0 into 0.0.
    (x * scale).round() / scale + 0.0
}

/// Rounds every line of an estimate for presentation (amounts to 4 places,
/// quantities to 6).
fn present(mut e: Estimate) -> Estimate {
    for l in e
        .lines
        .iter_mut()
        .chain(e.nat_gateway_alternative.lines.iter_mut())
    {
        l.monthly_usd = round_to(l.monthly_usd, 4);
        l.quantity = round_to(l.quantity, 6);
    }
    e
}

#[cfg(test)]
mod tests;
