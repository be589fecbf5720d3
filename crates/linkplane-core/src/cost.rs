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
mod tests {
    use super::*;
    use serde_json::json;

    fn item(kind: CostItemKind, zones: u32, gb: f64) -> EstimateItem {
        EstimateItem {
            kind,
            count: None,
            zones: Some(zones),
            gb_per_month: Some(gb),
        }
    }

    fn req(items: Vec<EstimateItem>) -> EstimateRequest {
        EstimateRequest {
            region: Some("us-east-1".to_string()),
            items,
            nat_gateways: None,
        }
    }

    fn run(items: Vec<EstimateItem>) -> Estimate {
        estimate(&req(items), "us-east-1").unwrap()
    }

    fn line<'a>(lines: &'a [CostLine], item: &str) -> &'a CostLine {
        lines
            .iter()
            .find(|l| l.item == item)
            .unwrap_or_else(|| panic!("no line {item} in {lines:#?}"))
    }

    fn has_line(lines: &[CostLine], item: &str) -> bool {
        lines.iter().any(|l| l.item == item)
    }

    fn invalid(r: Result<Estimate, CoreError>) -> String {
        let e = r.unwrap_err();
        assert_eq!(e.kind, crate::error::ErrorKind::Invalid);
        assert_eq!(e.code, "InvalidParameterValue");
        e.message
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9 * b.abs().max(1.0)
    }

    #[test]
    fn interface_endpoint_in_three_zones_with_no_data_is_21_90() {
        let e = run(vec![item(CostItemKind::InterfaceEndpoint, 3, 0.0)]);
        assert_eq!(e.monthly_usd, 21.90);
        let hours = line(&e.lines, "interface_endpoint_hours");
        assert_eq!(hours.quantity, 2190.0);
        assert_eq!(hours.unit, "endpoint_az_hour");
        assert_eq!(hours.unit_price_usd, 0.01);
        assert_eq!(hours.monthly_usd, 21.9);
        // The first tier is always shown, the others only when reached.
        let first = line(&e.lines, "interface_endpoint_data_processed_first_1_pb");
        assert_eq!((first.quantity, first.monthly_usd), (0.0, 0.0));
        assert_eq!(e.lines.len(), 2);
        assert_eq!(e.prices_as_of, PRICES_AS_OF);
        assert_eq!(e.hours_per_month, 730);
    }

    #[test]
    fn the_worked_example_against_one_nat_gateway() {
        // 1 endpoint x 3 AZs x 730 h x $0.01 = $21.90 + $0.01/GB, versus
        // NAT $32.85 + $0.045/GB.
        let e = run(vec![item(CostItemKind::InterfaceEndpoint, 3, 1000.0)]);
        assert_eq!(e.monthly_usd, 31.90);
        let alt = &e.nat_gateway_alternative;
        assert_eq!(alt.nat_gateways, 1);
        assert_eq!(line(&alt.lines, "nat_gateway_hours").monthly_usd, 32.85);
        assert_eq!(line(&alt.lines, "nat_gateway_hours").quantity, 730.0);
        let data = line(&alt.lines, "nat_gateway_data_processed");
        assert_eq!((data.quantity, data.unit_price_usd), (1000.0, 0.045));
        assert_eq!(data.monthly_usd, 45.0);
        assert_eq!(alt.monthly_usd, 77.85);

        let no_data = run(vec![item(CostItemKind::InterfaceEndpoint, 3, 0.0)]);
        assert_eq!(no_data.nat_gateway_alternative.monthly_usd, 32.85);
    }

    #[test]
    fn the_alternative_counts_the_nat_gateways_asked_for() {
        let mut r = req(vec![item(CostItemKind::InterfaceEndpoint, 3, 100.0)]);
        r.nat_gateways = Some(3);
        let alt = estimate(&r, "us-east-1").unwrap().nat_gateway_alternative;
        assert_eq!(alt.nat_gateways, 3);
        assert_eq!(line(&alt.lines, "nat_gateway_hours").quantity, 2190.0);
        // 3 x 32.85 + 100 x 0.045
        assert_eq!(alt.monthly_usd, 103.05);
    }

    #[test]
    fn exactly_one_petabyte_stays_in_the_first_tier() {
        let e = run(vec![item(CostItemKind::InterfaceEndpoint, 1, GB_PER_PB)]);
        let first = line(&e.lines, "interface_endpoint_data_processed_first_1_pb");
        assert_eq!(first.quantity, 1_048_576.0);
        assert_eq!(first.monthly_usd, 10_485.76);
        assert!(!has_line(
            &e.lines,
            "interface_endpoint_data_processed_next_4_pb"
        ));
        assert!(!has_line(
            &e.lines,
            "interface_endpoint_data_processed_over_5_pb"
        ));
        assert_eq!(e.monthly_usd, 7.30 + 10_485.76);
    }

    #[test]
    fn one_gigabyte_over_a_petabyte_is_billed_at_the_second_tier() {
        let e = run(vec![item(
            CostItemKind::InterfaceEndpoint,
            1,
            GB_PER_PB + 1.0,
        )]);
        let second = line(&e.lines, "interface_endpoint_data_processed_next_4_pb");
        assert_eq!(second.quantity, 1.0);
        assert_eq!(second.unit_price_usd, 0.006);
        assert_eq!(second.monthly_usd, 0.006);
        assert!(!has_line(
            &e.lines,
            "interface_endpoint_data_processed_over_5_pb"
        ));
        assert_eq!(e.monthly_usd, 7.30 + 10_485.76 + 0.01);
    }

    #[test]
    fn tiers_at_five_petabytes_and_beyond() {
        let t = interface_processing_tiers(5.0 * GB_PER_PB, &US_EAST_1);
        assert_eq!(t, [GB_PER_PB, 4.0 * GB_PER_PB, 0.0]);
        let t = interface_processing_tiers(5.0 * GB_PER_PB + 2.5, &US_EAST_1);
        assert_eq!(t, [GB_PER_PB, 4.0 * GB_PER_PB, 2.5]);
        assert_eq!(interface_processing_tiers(0.0, &US_EAST_1), [0.0; 3]);

        let e = run(vec![item(
            CostItemKind::InterfaceEndpoint,
            1,
            6.0 * GB_PER_PB,
        )]);
        let third = line(&e.lines, "interface_endpoint_data_processed_over_5_pb");
        assert_eq!(third.quantity, GB_PER_PB);
        assert_eq!(third.unit_price_usd, 0.004);
        // 1 PB x 0.01 + 4 PB x 0.006 + 1 PB x 0.004 = 0.038 per GB of a PB.
        let expected = 7.30 + GB_PER_PB * (0.01 + 4.0 * 0.006 + 0.004);
        assert!(
            close(e.monthly_usd, round_to(expected, 2)),
            "{}",
            e.monthly_usd
        );
    }

    #[test]
    fn tiers_apply_to_the_sum_of_all_interface_endpoints() {
        let half = 0.75 * GB_PER_PB;
        let e = run(vec![
            item(CostItemKind::InterfaceEndpoint, 2, half),
            item(CostItemKind::InterfaceEndpoint, 3, half),
        ]);
        let hours = line(&e.lines, "interface_endpoint_hours");
        assert_eq!(hours.quantity, 5.0 * 730.0);
        let first = line(&e.lines, "interface_endpoint_data_processed_first_1_pb");
        let second = line(&e.lines, "interface_endpoint_data_processed_next_4_pb");
        assert_eq!(first.quantity, GB_PER_PB);
        assert_eq!(second.quantity, 0.5 * GB_PER_PB);
    }

    #[test]
    fn count_multiplies_endpoints() {
        let mut it = item(CostItemKind::InterfaceEndpoint, 2, 10.0);
        it.count = Some(4);
        let e = run(vec![it]);
        // 4 endpoints x 2 zones x 730 h x $0.01 = $58.40, + 10 GB x $0.01
        assert_eq!(line(&e.lines, "interface_endpoint_hours").quantity, 5840.0);
        assert_eq!(e.monthly_usd, 58.50);
    }

    #[test]
    fn a_gateway_endpoint_costs_nothing() {
        let e = run(vec![item(CostItemKind::GatewayEndpoint, 1, 5000.0)]);
        assert_eq!(e.monthly_usd, 0.0);
        assert!(e.lines.iter().all(|l| l.monthly_usd == 0.0));
        assert_eq!(
            line(&e.lines, "gateway_endpoint_data_processed").quantity,
            5000.0
        );
        assert_eq!(line(&e.lines, "gateway_endpoint_hours").quantity, 730.0);
        // Through a NAT gateway the same 5,000 GB cost 32.85 + 225.
        assert_eq!(e.nat_gateway_alternative.monthly_usd, 257.85);
    }

    #[test]
    fn the_alternative_carries_interface_and_gateway_traffic_only() {
        let e = run(vec![
            item(CostItemKind::InterfaceEndpoint, 2, 100.0),
            item(CostItemKind::GatewayEndpoint, 1, 300.0),
            item(CostItemKind::GatewayLoadBalancerEndpoint, 1, 1000.0),
            item(CostItemKind::NatGateway, 2, 50.0),
        ]);
        let alt = &e.nat_gateway_alternative;
        assert_eq!(
            line(&alt.lines, "nat_gateway_data_processed").quantity,
            400.0
        );
        assert_eq!(alt.monthly_usd, 32.85 + 18.0);
        // The estimate itself: interface 14.60 + 1.00, gateway 0,
        // GWLB 7.30 + 3.50, NAT 2 x 32.85 + 2.25.
        assert_eq!(e.monthly_usd, 14.60 + 1.00 + 7.30 + 3.50 + 65.70 + 2.25);
        let order: Vec<&str> = e.lines.iter().map(|l| l.item.as_str()).collect();
        assert_eq!(
            order,
            [
                "interface_endpoint_hours",
                "interface_endpoint_data_processed_first_1_pb",
                "gateway_endpoint_hours",
                "gateway_endpoint_data_processed",
                "gateway_load_balancer_endpoint_hours",
                "gateway_load_balancer_endpoint_data_processed",
                "nat_gateway_hours",
                "nat_gateway_data_processed",
            ]
        );
    }

    #[test]
    fn gateway_load_balancer_endpoints_are_priced_with_a_caveat() {
        let e = run(vec![item(
            CostItemKind::GatewayLoadBalancerEndpoint,
            1,
            1000.0,
        )]);
        assert_eq!(e.monthly_usd, 7.30 + 3.50);
        assert!(e.notes.iter().any(|n| n.contains("not confirmed")));
        // Nothing for a NAT gateway to replace.
        assert_eq!(e.nat_gateway_alternative.nat_gateways, 0);
        assert_eq!(e.nat_gateway_alternative.monthly_usd, 0.0);
        assert!(e.nat_gateway_alternative.lines.is_empty());

        let m = invalid(estimate(
            &req(vec![item(
                CostItemKind::GatewayLoadBalancerEndpoint,
                2,
                0.0,
            )]),
            "us-east-1",
        ));
        assert!(m.contains("items[0].zones"), "{m}");
    }

    #[test]
    fn nat_gateway_items_are_priced_per_gateway_hour_and_gb() {
        let e = run(vec![item(CostItemKind::NatGateway, 3, 1000.0)]);
        assert_eq!(line(&e.lines, "nat_gateway_hours").quantity, 2190.0);
        assert_eq!(e.monthly_usd, 98.55 + 45.0);
    }

    #[test]
    fn other_regions_use_the_us_east_1_figures_and_say_so() {
        let mut r = req(vec![item(CostItemKind::InterfaceEndpoint, 3, 0.0)]);
        r.region = Some("eu-west-2".to_string());
        let e = estimate(&r, "us-east-1").unwrap();
        assert_eq!(e.region, "eu-west-2");
        assert_eq!(e.prices_region, "us-east-1");
        assert_eq!(e.monthly_usd, 21.90);
        assert!(e.notes.iter().any(|n| n.contains("eu-west-2")));

        let us = run(vec![item(CostItemKind::InterfaceEndpoint, 3, 0.0)]);
        assert!(!us.notes.iter().any(|n| n.contains("may differ")));
    }

    #[test]
    fn the_default_region_applies_when_none_is_named() {
        let mut r = req(vec![item(CostItemKind::InterfaceEndpoint, 2, 0.0)]);
        r.region = None;
        assert_eq!(estimate(&r, "ap-south-1").unwrap().region, "ap-south-1");
    }

    #[test]
    fn one_endpoint_by_its_type() {
        let e = endpoint_estimate(EndpointType::Interface, 3, 1000.0, "us-east-1").unwrap();
        assert_eq!(e.monthly_usd, 31.90);
        assert_eq!(e.nat_gateway_alternative.monthly_usd, 77.85);
        let g = endpoint_estimate(EndpointType::Gateway, 1, 1000.0, "us-east-1").unwrap();
        assert_eq!(g.monthly_usd, 0.0);
        let w = endpoint_estimate(EndpointType::GatewayLoadBalancer, 1, 0.0, "us-east-1").unwrap();
        assert_eq!(w.monthly_usd, 7.30);
    }

    #[test]
    fn amounts_are_rounded_for_presentation() {
        let e = run(vec![
            item(CostItemKind::InterfaceEndpoint, 1, 0.1),
            item(CostItemKind::InterfaceEndpoint, 1, 0.2),
        ]);
        let data = line(&e.lines, "interface_endpoint_data_processed_first_1_pb");
        assert_eq!(data.quantity, 0.3);
        assert_eq!(data.monthly_usd, 0.003);
        // 14.60 + 0.003 -> cents.
        assert_eq!(e.monthly_usd, 14.6);
        let e = run(vec![item(CostItemKind::InterfaceEndpoint, 1, 1.23456)]);
        let data = line(&e.lines, "interface_endpoint_data_processed_first_1_pb");
        assert_eq!(data.monthly_usd, 0.0123);
    }

    #[test]
    fn invalid_values_are_rejected() {
        let check = |it: EstimateItem, field: &str| {
            let m = invalid(estimate(&req(vec![it]), "us-east-1"));
            assert!(m.contains(field), "{m} should name {field}");
        };
        check(
            item(CostItemKind::InterfaceEndpoint, 0, 0.0),
            "items[0].zones",
        );
        // us-east-1 has six zones in the catalog.
        check(
            item(CostItemKind::InterfaceEndpoint, 7, 0.0),
            "items[0].zones",
        );
        check(item(CostItemKind::NatGateway, 0, 0.0), "items[0].zones");
        check(
            item(CostItemKind::InterfaceEndpoint, 1, -1.0),
            "items[0].gb_per_month",
        );
        check(
            item(CostItemKind::InterfaceEndpoint, 1, f64::NAN),
            "items[0].gb_per_month",
        );
        check(
            item(CostItemKind::InterfaceEndpoint, 1, f64::INFINITY),
            "items[0].gb_per_month",
        );
        check(
            item(CostItemKind::InterfaceEndpoint, 1, MAX_GB_PER_MONTH * 2.0),
            "items[0].gb_per_month",
        );
        let mut zero = item(CostItemKind::InterfaceEndpoint, 1, 0.0);
        zero.count = Some(0);
        check(zero, "items[0].count");

        // -0 GB is zero, not an error.
        let e = run(vec![item(CostItemKind::InterfaceEndpoint, 1, -0.0)]);
        assert_eq!(e.monthly_usd, 7.30);

        // The second item is named by its index.
        let m = invalid(estimate(
            &req(vec![
                item(CostItemKind::GatewayEndpoint, 1, 0.0),
                item(CostItemKind::InterfaceEndpoint, 1, -5.0),
            ]),
            "us-east-1",
        ));
        assert!(m.contains("items[1].gb_per_month"), "{m}");

        let m = invalid(estimate(&req(vec![]), "us-east-1"));
        assert!(m.contains("items"), "{m}");
        let many = vec![item(CostItemKind::GatewayEndpoint, 1, 0.0); MAX_ITEMS + 1];
        let m = invalid(estimate(&req(many), "us-east-1"));
        assert!(m.contains("at most"), "{m}");

        let mut r = req(vec![item(CostItemKind::InterfaceEndpoint, 1, 0.0)]);
        r.region = Some("xx-nowhere-1".to_string());
        let m = invalid(estimate(&r, "us-east-1"));
        assert!(m.contains("xx-nowhere-1"), "{m}");
        let mut r = req(vec![item(CostItemKind::InterfaceEndpoint, 1, 0.0)]);
        r.nat_gateways = Some(0);
        let m = invalid(estimate(&r, "us-east-1"));
        assert!(m.contains("nat_gateways"), "{m}");

        let m = invalid(endpoint_estimate(
            EndpointType::Interface,
            0,
            0.0,
            "us-east-1",
        ));
        assert!(m.contains("zones"), "{m}");
    }

    #[test]
    fn the_request_body_parses_strictly() {
        let r: EstimateRequest = serde_json::from_value(json!({
            "region": "us-east-1",
            "items": [
                {"kind": "interface_endpoint", "zones": 3, "gb_per_month": 1000},
                {"kind": "gateway_endpoint"},
                {"kind": "gateway_load_balancer_endpoint", "zones": 1, "gb_per_month": 10.5},
                {"kind": "nat_gateway", "count": 2, "zones": 1}
            ],
            "nat_gateways": 2
        }))
        .unwrap();
        assert_eq!(r.items.len(), 4);
        assert_eq!(r.items[1].zones, None);
        assert_eq!(r.items[3].count, Some(2));
        assert!(estimate(&r, "us-east-1").is_ok());

        let unknown_item_field = serde_json::from_value::<EstimateRequest>(json!({
            "items": [{"kind": "interface_endpoint", "zones": 1, "gigabytes": 5}]
        }));
        assert!(unknown_item_field.is_err());
        let unknown_field = serde_json::from_value::<EstimateRequest>(json!({
            "items": [], "currency": "EUR"
        }));
        assert!(unknown_field.is_err());
        let unknown_kind = serde_json::from_value::<EstimateRequest>(json!({
            "items": [{"kind": "transit_gateway"}]
        }));
        assert!(unknown_kind.is_err());
        let negative_zones = serde_json::from_value::<EstimateRequest>(json!({
            "items": [{"kind": "interface_endpoint", "zones": -1}]
        }));
        assert!(negative_zones.is_err());
        let missing_items = serde_json::from_value::<EstimateRequest>(json!({}));
        assert!(missing_items.is_err());
    }

    #[test]
    fn the_answer_has_the_contract_shape() {
        let e = run(vec![item(CostItemKind::InterfaceEndpoint, 3, 1000.0)]);
        let v = serde_json::to_value(&e).unwrap();
        assert_eq!(v["monthly_usd"], json!(31.9));
        assert_eq!(v["prices_as_of"], json!(PRICES_AS_OF));
        assert_eq!(v["region"], json!("us-east-1"));
        assert_eq!(v["currency"], json!("USD"));
        let first = &v["lines"][0];
        for key in ["item", "quantity", "unit", "unit_price_usd", "monthly_usd"] {
            assert!(first.get(key).is_some(), "line lacks {key}: {first}");
        }
        assert_eq!(first["item"], json!("interface_endpoint_hours"));
        assert_eq!(first["monthly_usd"], json!(21.9));
        let alt = &v["nat_gateway_alternative"];
        assert_eq!(alt["monthly_usd"], json!(77.85));
        assert_eq!(alt["lines"].as_array().map(Vec::len), Some(2));
        assert!(v["notes"].is_array());
    }

    #[test]
    fn the_price_table_is_dated_and_sourced() {
        assert_eq!(PRICES_AS_OF.len(), 10);
        assert!(PRICES_AS_OF.starts_with("20"));
        assert!(
            PRICE_SOURCES
                .iter()
                .all(|(_, url)| url.starts_with("https://"))
        );
        assert_eq!(price_table("eu-west-1"), &US_EAST_1);
        let tiers = US_EAST_1.interface_endpoint_gb_tiers;
        assert_eq!(tiers[0].up_to_gb, Some(1_048_576.0));
        assert_eq!(tiers[1].up_to_gb, Some(5_242_880.0));
        assert_eq!(tiers[2].up_to_gb, None);
    }
}
