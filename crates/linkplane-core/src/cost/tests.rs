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
