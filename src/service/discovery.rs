//! Consumer discovery (`DescribeVpcEndpointServices`): the region's AWS
//! services, then the endpoint services the caller may use.

use crate::error::{Error, Result};
use crate::pagination;
use crate::service::caller::Caller;
use crate::service::catalog::{
    ListServices, ServiceDetail, ServiceType, aws_service_details, service_key,
};
use crate::service::network::zone_name;
use crate::service::producer::endpoint_service::kind_of;
use crate::store::Store;
use crate::store::page::Page;
use crate::store::producer as db;
use linkplane_core::catalog::{self, EndpointType};
use linkplane_core::privatelink::{self as pl, LoadBalancerKind};
use std::collections::BTreeSet;

/// The services the caller can discover in a region, sorted by name then
/// type and paged by that key: AWS services first, then every available
/// endpoint service that allows `*`, the caller's account root, or the
/// caller's own user or role ARN. (A service nobody allowed is invisible
/// even to its owner, as on AWS: permissions start empty.) Endpoint
/// services' zones are shown in the caller's zone names.
pub async fn discover(
    store: &Store,
    caller: &Caller,
    q: ListServices,
) -> Result<(Vec<ServiceDetail>, Option<String>)> {
    if catalog::catalog().region(&q.region).is_none() {
        return Err(Error::invalid_value(format!(
            "region: '{}' is not a supported region",
            q.region
        )));
    }
    let spec = pagination::page_spec("services", q.max_results, q.next_token.as_deref())?;
    let limit = spec.limit as usize;
    let after = spec.after.as_ref().map(|(_, k)| k.clone());
    let mut items: Vec<ServiceDetail> = aws_service_details(caller, &q.region)?
        .into_iter()
        .filter(|s| q.service_name.as_ref().is_none_or(|n| &s.service_name == n))
        .filter(|s| q.service_type.admits(&s.service_type))
        .filter(|s| after.as_ref().is_none_or(|a| &service_key(s) > a))
        .take(limit + 1)
        .collect();
    // Endpoint services are of the interface and gateway load balancer
    // types (narrowed to those the filter names, if it names any).
    let service_types: Vec<&str> = q
        .service_type
        .values()
        .iter()
        .filter_map(|t| match t {
            ServiceType::GatewayLoadBalancer => Some(EndpointType::GatewayLoadBalancer.as_str()),
            ServiceType::Interface => Some(EndpointType::Interface.as_str()),
            ServiceType::Gateway => None,
        })
        .collect();
    let wants_endpoint_services = q.service_type.is_any() || !service_types.is_empty();
    if items.len() <= limit
        && wants_endpoint_services
        && let Caller::Principal(p) = caller
    {
        let by_name = match &q.service_name {
            Some(n) => match pl::parse_service_name(n) {
                Some((region, id)) if region == q.region => Some(id),
                // A name that is not an endpoint service of this region.
                _ => None,
            },
            None => None,
        };
        let skip = q.service_name.is_some() && by_name.is_none();
        if !skip {
            let after_id = after
                .as_deref()
                .and_then(|k| k.split('|').next())
                .and_then(pl::parse_service_name)
                .map(|(_, id)| id);
            let [all, root, own] = pl::permission_keys(&p.account_id, &p.arn);
            let rows = db::visible_services(
                store.pool(),
                &q.region,
                [&all, &root, &own],
                by_name.as_deref(),
                &service_types,
                after_id.as_deref(),
                (limit + 1 - items.len()) as i64,
            )
            .await?;
            let ids: Vec<&str> = rows.iter().map(|r| r.service_id.as_str()).collect();
            let zones = db::service_lb_zones(store.pool(), &ids).await?;
            for r in rows {
                let zone_ids: BTreeSet<String> = zones
                    .iter()
                    .filter(|(s, _, _)| *s == r.service_id)
                    .map(|(_, _, z)| z.clone())
                    .collect();
                let mut named: Vec<(String, String)> = zone_ids
                    .into_iter()
                    .map(|z| (zone_name(&p.account_id, &z), z))
                    .collect();
                named.sort();
                let private: Vec<String> = r.private_dns_name.iter().cloned().collect();
                items.push(ServiceDetail {
                    service_name: pl::service_name(&r.region, &r.service_id),
                    service_type: match kind_of(&r.service_type)? {
                        LoadBalancerKind::Gateway => ServiceType::GatewayLoadBalancer,
                        LoadBalancerKind::Network => ServiceType::Interface,
                    },
                    service_region: r.region.clone(),
                    availability_zones: named.iter().map(|(n, _)| n.clone()).collect(),
                    availability_zone_ids: named.into_iter().map(|(_, z)| z).collect(),
                    owner: r.account_id.clone(),
                    base_endpoint_dns_names: vec![pl::base_endpoint_dns_name(
                        &r.region,
                        &r.service_id,
                    )],
                    private_dns_name: r.private_dns_name.clone(),
                    private_dns_names: private,
                    acceptance_required: r.acceptance_required,
                    vpc_endpoint_policy_supported: false,
                    supported_ip_address_types: r
                        .ip_address_types
                        .split(',')
                        .filter(|x| !x.is_empty())
                        .map(str::to_string)
                        .collect(),
                    private_dns_name_verification_state: r.pdns_state.map(|s| s.to_string()),
                    payer_responsibility: r.payer_responsibility.clone(),
                    service_id: Some(r.service_id),
                });
            }
        }
    }
    let next = if items.len() > limit {
        items.truncate(limit);
        let page = Page::<()> {
            items: Vec::new(),
            next: items.last().map(|s| (0, service_key(s))),
        };
        pagination::next_token("services", &page)
    } else {
        None
    };
    Ok((items, next))
}
