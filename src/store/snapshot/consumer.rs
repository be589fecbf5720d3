//! The consumer family's tables: VPC endpoints (all but the deleted), their
//! subnets and interfaces, their private DNS names; with each interface
//! endpoint's DNS names computed as DescribeVpcEndpoints shows them.

use super::{Conn, children, grouped};
use crate::store::sql;
use crate::store::{Flag, StoreError, Stored};
use linkplane_core::catalog::{self, EndpointType};
use linkplane_core::endpoint::{self as ep, EndpointNames};
use linkplane_core::lifecycle::VpcEndpointState;
use linkplane_core::resolve::model::{Endpoint, EndpointKind, Network};
use std::collections::HashMap;

#[derive(sqlx::FromRow)]
struct EndpointSubnetRow {
    vpc_endpoint_id: String,
    subnet_id: String,
    zone_id: String,
    network_interface_id: String,
}

#[derive(sqlx::FromRow)]
struct EndpointRow {
    vpc_endpoint_id: String,
    account_id: String,
    region: String,
    vpc_id: String,
    #[sqlx(try_from = "Stored<EndpointType>")]
    vpc_endpoint_type: EndpointType,
    service_name: String,
    service_id: Option<String>,
    service_region: String,
    #[sqlx(try_from = "Stored<VpcEndpointState>")]
    state: VpcEndpointState,
    policy_document: Option<String>,
    #[sqlx(try_from = "Flag")]
    private_dns_enabled: bool,
    dns_token: String,
}

/// An endpoint's zone: (subnet, zone id, interface).
type Zone = (String, String, String);

/// Loads the endpoints; `verified_names` are the customer services'
/// verified private DNS names (see `producer::load`).
pub(super) async fn load(
    conn: &mut Conn,
    net: &mut Network,
    verified_names: &HashMap<String, String>,
) -> Result<(), StoreError> {
    let subnets: Vec<EndpointSubnetRow> = sql::fetch_all(
        &mut *conn,
        "SELECT vpc_endpoint_id, subnet_id, zone_id, network_interface_id FROM vpc_endpoint_subnets \
         ORDER BY vpc_endpoint_id, zone_id",
        (),
    )
    .await?;
    let mut zones_of = grouped(subnets.into_iter().map(|s| {
        (
            s.vpc_endpoint_id,
            (s.subnet_id, s.zone_id, s.network_interface_id),
        )
    }));
    let mut private_of = children(
        conn,
        "SELECT vpc_endpoint_id, dns_name FROM vpc_private_dns_names ORDER BY vpc_endpoint_id, dns_name",
    )
    .await?;
    let rows: Vec<EndpointRow> = sql::fetch_all(
        &mut *conn,
        "SELECT vpc_endpoint_id, account_id, region, vpc_id, vpc_endpoint_type, service_name, \
         service_id, service_region, state, policy_document, private_dns_enabled, dns_token \
         FROM vpc_endpoints WHERE state <> $1",
        (VpcEndpointState::Deleted.as_str(),),
    )
    .await?;
    for r in rows {
        let zones = zones_of.remove(&r.vpc_endpoint_id).unwrap_or_default();
        let private_dns_names = match (&r.service_id, r.private_dns_enabled) {
            (_, false) => Vec::new(),
            (Some(svc), true) => verified_names.get(svc).cloned().into_iter().collect(),
            (None, true) => private_of.remove(&r.vpc_endpoint_id).unwrap_or_default(),
        };
        net.endpoints.push(endpoint(r, zones, private_dns_names));
    }
    Ok(())
}

fn endpoint(r: EndpointRow, zones: Vec<Zone>, private_dns_names: Vec<String>) -> Endpoint {
    let kind = match r.vpc_endpoint_type {
        EndpointType::Interface => EndpointKind::Interface,
        EndpointType::Gateway => EndpointKind::Gateway,
        EndpointType::GatewayLoadBalancer => EndpointKind::GatewayLoadBalancer,
    };
    let aws = catalog::catalog().aws_service_by_name(&r.service_name);
    let policy_enforced =
        r.service_id.is_none() && aws.is_some_and(|s| s.service.supports_vpc_endpoint_policy);
    let dns_names = if kind == EndpointKind::Interface {
        let part = match &r.service_id {
            Some(s) => s.clone(),
            None => aws.map(|s| s.service.service.clone()).unwrap_or_default(),
        };
        let zone_names: Vec<String> = zones
            .iter()
            .map(|(_, z, _)| {
                catalog::catalog()
                    .zone_name_for_id(&r.account_id, z)
                    .unwrap_or_else(|| z.clone())
            })
            .collect();
        let entries = ep::dns_entries(&EndpointNames {
            endpoint_id: &r.vpc_endpoint_id,
            token: &r.dns_token,
            service_part: &part,
            service_region: &r.service_region,
            wildcard: part == "s3",
            zone_names: &zone_names,
            private_names: &[],
        });
        entries
            .into_iter()
            .enumerate()
            .map(|(i, e)| {
                let zone = (i > 0).then(|| zones.get(i - 1).map(|(_, z, _)| z.clone()));
                (e.dns_name, zone.flatten())
            })
            .collect()
    } else {
        Vec::new()
    };
    Endpoint {
        private_dns_names,
        interfaces: zones.into_iter().map(|(s, _, eni)| (s, eni)).collect(),
        dns_names,
        id: r.vpc_endpoint_id,
        account_id: r.account_id,
        vpc_id: r.vpc_id,
        region: r.region,
        kind,
        service_name: r.service_name,
        service_id: r.service_id,
        service_region: r.service_region,
        state: r.state,
        policy: r.policy_document,
        policy_enforced,
        private_dns_enabled: r.private_dns_enabled,
    }
}
