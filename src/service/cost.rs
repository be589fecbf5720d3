//! Monthly cost of endpoints beside the NAT-gateway alternative, from the
//! dated price table in `linkplane_core::cost`: the request and answer
//! types, and the pricing of a caller's endpoint.

use crate::error::{Error, Result};
use crate::schema;
use crate::service::consumer::{self as cs, VpcEndpointType};
use crate::service::network::Ctx;
use linkplane_core::catalog::EndpointType;
use linkplane_core::cost;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// What a cost item is.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CostItemKind {
    InterfaceEndpoint,
    GatewayEndpoint,
    GatewayLoadBalancerEndpoint,
    NatGateway,
}

impl From<CostItemKind> for cost::CostItemKind {
    fn from(k: CostItemKind) -> Self {
        match k {
            CostItemKind::InterfaceEndpoint => cost::CostItemKind::InterfaceEndpoint,
            CostItemKind::GatewayEndpoint => cost::CostItemKind::GatewayEndpoint,
            CostItemKind::GatewayLoadBalancerEndpoint => {
                cost::CostItemKind::GatewayLoadBalancerEndpoint
            }
            CostItemKind::NatGateway => cost::CostItemKind::NatGateway,
        }
    }
}

/// One thing to price: `count` (default 1) identical endpoints or NAT
/// gateways, each in `zones` zones (default 1; 1 to the Region's zone count;
/// exactly 1 for a Gateway Load Balancer endpoint), carrying `gb_per_month`
/// GB in all (default 0). Interface endpoint processing is tiered over the
/// summed GB of all interface items, as AWS sums it per Region and month.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CostItem {
    pub kind: CostItemKind,
    /// How many (default 1).
    #[schema(example = 1, minimum = 1, maximum = 1000)]
    pub count: Option<u32>,
    /// Zones each is in (default 1): at most the Region's zones; exactly 1
    /// for a gateway load balancer endpoint.
    #[schema(example = 2, minimum = 1)]
    pub zones: Option<u32>,
    /// GB a month through all `count` items together, not per item
    /// (default 0).
    #[schema(example = 500.0, minimum = 0.0, maximum = 1.0e12)]
    pub gb_per_month: Option<f64>,
}

/// `POST /v1/cost/estimate`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CostEstimateRequest {
    /// Default: the server's default Region.
    #[schema(value_type = Option<schema::RegionCode>)]
    pub region: Option<String>,
    /// 1 to 100 items.
    #[schema(min_items = 1, max_items = 100)]
    pub items: Vec<CostItem>,
    /// How many NAT gateways the alternative counts (default 1; AWS
    /// recommends one per zone for resilience).
    #[schema(minimum = 1, maximum = 1000)]
    pub nat_gateways: Option<u32>,
}

/// One priced line.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CostLine {
    #[schema(example = "interface_endpoint_hours")]
    pub item: String,
    pub description: String,
    #[schema(example = 1460.0)]
    pub quantity: f64,
    #[schema(example = "zone-hour")]
    pub unit: String,
    #[schema(example = 0.01)]
    pub unit_price_usd: f64,
    /// Rounded to 4 decimals.
    #[schema(example = 14.6)]
    pub monthly_usd: f64,
}

/// The same traffic through NAT gateways instead.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NatGatewayAlternative {
    pub nat_gateways: u32,
    pub monthly_usd: f64,
    pub lines: Vec<CostLine>,
}

/// A monthly estimate (730 hours a month, USD).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CostEstimate {
    pub region: String,
    /// The Region whose prices were used (us-east-1's figures stand for
    /// every Region; the notes say so).
    pub prices_region: String,
    /// The sum of the lines, rounded to cents.
    #[schema(example = 19.6)]
    pub monthly_usd: f64,
    pub lines: Vec<CostLine>,
    pub nat_gateway_alternative: NatGatewayAlternative,
    /// The date of the price table.
    #[schema(example = "2026-11-22")]
    pub prices_as_of: String,
    pub hours_per_month: u32,
    #[schema(example = "USD")]
    pub currency: String,
    pub notes: Vec<String>,
}

fn line(l: cost::CostLine) -> CostLine {
    CostLine {
        item: l.item,
        description: l.description,
        quantity: l.quantity,
        unit: l.unit,
        unit_price_usd: l.unit_price_usd,
        monthly_usd: l.monthly_usd,
    }
}

fn render(e: cost::Estimate) -> CostEstimate {
    CostEstimate {
        region: e.region,
        prices_region: e.prices_region,
        monthly_usd: e.monthly_usd,
        lines: e.lines.into_iter().map(line).collect(),
        nat_gateway_alternative: NatGatewayAlternative {
            nat_gateways: e.nat_gateway_alternative.nat_gateways,
            monthly_usd: e.nat_gateway_alternative.monthly_usd,
            lines: e
                .nat_gateway_alternative
                .lines
                .into_iter()
                .map(line)
                .collect(),
        },
        prices_as_of: e.prices_as_of,
        hours_per_month: e.hours_per_month,
        currency: e.currency,
        notes: e.notes,
    }
}

/// Prices a list of items (`POST /v1/cost/estimate`); a request that names
/// no Region is priced in `default_region`.
pub fn estimate(req: CostEstimateRequest, default_region: &str) -> Result<CostEstimate> {
    let req = cost::EstimateRequest {
        region: req.region,
        items: req
            .items
            .into_iter()
            .map(|i| cost::EstimateItem {
                kind: i.kind.into(),
                count: i.count,
                zones: i.zones,
                gb_per_month: i.gb_per_month,
            })
            .collect(),
        nat_gateways: req.nat_gateways,
    };
    let e = cost::estimate(&req, default_region)?;
    Ok(render(e))
}

/// The monthly cost of one of the caller's VPC endpoints, in its zones
/// (an interface endpoint is billed per zone it has a subnet in), with
/// `gb_per_month` of traffic (default 0).
pub async fn endpoint_cost(
    ctx: Ctx<'_>,
    vpc_endpoint_id: &str,
    gb_per_month: Option<f64>,
) -> Result<CostEstimate> {
    let v = cs::get_endpoint(ctx, vpc_endpoint_id).await?;
    let e = v.value;
    let kind = match e.vpc_endpoint_type {
        VpcEndpointType::Interface => EndpointType::Interface,
        VpcEndpointType::Gateway => EndpointType::Gateway,
        VpcEndpointType::GatewayLoadBalancer => EndpointType::GatewayLoadBalancer,
    };
    let zones = u32::try_from(e.subnet_ids.len().max(1))
        .map_err(|_| Error::invalid_value("too many zones".to_string()))?;
    let estimate = cost::endpoint_estimate(kind, zones, gb_per_month.unwrap_or(0.0), &e.region)?;
    Ok(render(estimate))
}
