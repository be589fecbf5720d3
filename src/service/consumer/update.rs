//! Changing a VPC endpoint (`ModifyVpcEndpoint`): subnets, route tables,
//! security groups, policy and private DNS.

use super::{
    VpcEndpoint, VpcEndpointType, add_route_tables, add_subnets, check_private_dns,
    endpoint_not_found, get_endpoint,
};
use crate::error::{Error, Result};
use crate::schema;
use crate::service::network::Ctx;
use crate::service::network::interface::{checked_groups, remove_interface};
use crate::service::{Precondition, Versioned};
use crate::store::consumer::{self as db, EndpointRow};
use crate::store::filter::Scope;
use crate::store::network::{self as net_db};
use crate::store::producer as prod_db;
use crate::store::tags::{self, Tags};
use crate::store::{Tx, now_ms};
use crate::transaction;
use linkplane_core::catalog::{self};
use linkplane_core::endpoint::{self as ep};
use linkplane_core::lifecycle::PrivateDnsState;
use serde::Deserialize;
use std::collections::BTreeSet;
use std::time::Duration;
use utoipa::ToSchema;

// ---- changes ----

/// `PATCH /v1/vpc-endpoints/{vpc_endpoint_id}` (`ModifyVpcEndpoint`): only
/// the fields to change.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateVpcEndpointRequest {
    /// Interface: subnets to add (an interface each, one subnet per zone).
    #[schema(value_type = Option<Vec<schema::SubnetId>>)]
    pub add_subnet_ids: Option<Vec<String>>,
    /// Interface: subnets to remove (their interfaces go); one must remain.
    #[schema(value_type = Option<Vec<schema::SubnetId>>)]
    pub remove_subnet_ids: Option<Vec<String>>,
    /// Gateway: route tables that get the endpoint's route.
    #[schema(value_type = Option<Vec<schema::RouteTableId>>)]
    pub add_route_table_ids: Option<Vec<String>>,
    /// Gateway: route tables that lose it.
    #[schema(value_type = Option<Vec<schema::RouteTableId>>)]
    pub remove_route_table_ids: Option<Vec<String>>,
    /// Interface: groups to add to the endpoint's interfaces.
    #[schema(value_type = Option<Vec<schema::SecurityGroupId>>)]
    pub add_security_group_ids: Option<Vec<String>>,
    /// Interface: groups to remove; one must remain.
    #[schema(value_type = Option<Vec<schema::SecurityGroupId>>)]
    pub remove_security_group_ids: Option<Vec<String>>,
    /// JSON text, at most 20,480 characters; not with `reset_policy: true`.
    #[schema(max_length = 20480)]
    pub policy_document: Option<String>,
    /// Back to the default full-access policy.
    pub reset_policy: Option<bool>,
    /// Interface: turn private DNS on (same checks as at create) or off.
    pub private_dns_enabled: Option<bool>,
    /// Replaces every tag.
    pub tags: Option<Tags>,
}

/// What a change needs to know of the endpoint's service.
struct ServiceFacts {
    zones: Option<BTreeSet<String>>,
    private_names: Vec<String>,
    private_ok: Result<(), String>,
}

async fn service_facts(tx: &mut Tx, r: &EndpointRow) -> Result<ServiceFacts> {
    match &r.service_id {
        Some(id) => {
            let svc = prod_db::get_service(&mut **tx, Scope::AnyAccount, id).await?;
            let zones: BTreeSet<String> = prod_db::service_lb_zones(&mut **tx, &[id.as_str()])
                .await?
                .into_iter()
                .map(|(_, _, z)| z)
                .collect();
            let (names, ok) = match svc {
                Some(s) => {
                    let ok = match (&s.private_dns_name, s.pdns_state) {
                        (Some(_), Some(PrivateDnsState::Verified)) => Ok(()),
                        (Some(n), _) => Err(format!("the private DNS name {n} is not verified")),
                        (None, _) => Err(format!("{} has no private DNS name", r.service_name)),
                    };
                    (s.private_dns_name.into_iter().collect(), ok)
                }
                None => (
                    Vec::new(),
                    Err(format!("{} no longer exists", r.service_name)),
                ),
            };
            Ok(ServiceFacts {
                zones: Some(zones),
                private_names: names,
                private_ok: ok,
            })
        }
        None => {
            let names = catalog::catalog()
                .aws_service_by_name(&r.service_name)
                .map(|s| s.private_dns_names())
                .unwrap_or_default();
            Ok(ServiceFacts {
                zones: None,
                private_ok: if names.is_empty() {
                    Err(format!("{} does not support private DNS", r.service_name))
                } else {
                    Ok(())
                },
                private_names: names,
            })
        }
    }
}

fn not_for(kind: &str, what: &str) -> Error {
    Error::validation(
        "InvalidParameter",
        format!("{what} does not apply to {kind} endpoints"),
    )
}

pub async fn update_endpoint(
    ctx: Ctx<'_>,
    delay: Duration,
    id: &str,
    req: UpdateVpcEndpointRequest,
    precondition: &Precondition,
) -> Result<Versioned<VpcEndpoint>> {
    let account = ctx.account()?;
    if let Some(t) = &req.tags {
        linkplane_core::tags::validate_tags(t)?;
    }
    if req.policy_document.is_some() && req.reset_policy == Some(true) {
        return Err(Error::validation(
            "InvalidParameterCombination",
            "policy_document and reset_policy cannot be given together",
        ));
    }
    if let Some(p) = &req.policy_document {
        linkplane_core::policy::CompiledPolicy::compile(p)?;
    }
    let req = &req;
    transaction!(ctx.store, |tx| {
        let row = db::get_endpoint(&mut **tx, Scope::Account(account), id)
            .await?
            .ok_or_else(|| endpoint_not_found(id))?;
        precondition.check_version(row.version)?;
        let modified = row.state.modify(id)?;
        let kind = VpcEndpointType::from(row.vpc_endpoint_type);
        let kname = kind.as_str();
        let nonempty = |v: &Option<Vec<String>>| v.as_ref().is_some_and(|x| !x.is_empty());
        if kind != VpcEndpointType::Gateway
            && (nonempty(&req.add_route_table_ids) || nonempty(&req.remove_route_table_ids))
        {
            return Err(not_for(kname, "route tables"));
        }
        if kind != VpcEndpointType::Interface {
            if nonempty(&req.add_subnet_ids) || nonempty(&req.remove_subnet_ids) {
                return Err(not_for(kname, "changing subnets"));
            }
            if nonempty(&req.add_security_group_ids) || nonempty(&req.remove_security_group_ids) {
                return Err(not_for(kname, "security groups"));
            }
            if req.private_dns_enabled.is_some() {
                return Err(not_for(kname, "private DNS"));
            }
        }
        if kind == VpcEndpointType::GatewayLoadBalancer
            && (req.policy_document.is_some() || req.reset_policy.is_some())
        {
            return Err(not_for(kname, "a policy"));
        }
        let vpc = net_db::get_vpc(&mut **tx, Scope::Account(account), &row.vpc_id)
            .await?
            .ok_or_else(|| Error::internal(format!("VPC {} vanished", row.vpc_id)))?;
        let facts = service_facts(tx, &row).await?;
        // Route tables.
        let current_rts: Vec<String> = db::route_tables_of(&mut **tx, &[id])
            .await?
            .into_iter()
            .map(|(_, r)| r)
            .collect();
        for rt in req.remove_route_table_ids.iter().flatten() {
            if !current_rts.contains(rt) {
                return Err(Error::validation(
                    "InvalidParameter",
                    format!("route table {rt} is not a route table of {id}"),
                ));
            }
            db::delete_route_table(tx, id, rt).await?;
            net_db::touch_route_table(tx, rt, now_ms()).await?;
        }
        if let Some(add) = req.add_route_table_ids.as_ref().filter(|v| !v.is_empty()) {
            let fresh: Vec<String> = add
                .iter()
                .filter(|r| !current_rts.contains(r))
                .cloned()
                .collect();
            let code = row
                .service_name
                .rsplit('.')
                .next()
                .unwrap_or_default()
                .to_string();
            add_route_tables(tx, account, &vpc, id, &row.service_name, &code, &fresh).await?;
        }
        // Security groups (on the endpoint and its interfaces).
        let mut groups: Vec<String> = db::groups_of(&mut **tx, &[id])
            .await?
            .into_iter()
            .map(|(_, g)| g)
            .collect();
        let subnets_now = db::subnets_of(&mut **tx, &[id]).await?;
        if let Some(add) = req
            .add_security_group_ids
            .as_ref()
            .filter(|v| !v.is_empty())
        {
            let checked = checked_groups(tx, account, &row.vpc_id, None, Some(add)).await?;
            for g in checked {
                if groups.contains(&g) {
                    continue;
                }
                db::insert_groups(tx, id, groups.len() as i64, std::slice::from_ref(&g)).await?;
                for (_, _, _, eni) in &subnets_now {
                    net_db::set_interface_group(tx, eni, &g, Some(groups.len() as i64)).await?;
                }
                groups.push(g);
            }
        }
        for g in req.remove_security_group_ids.iter().flatten() {
            if !groups.contains(g) {
                continue;
            }
            if groups.len() == 1 {
                return Err(Error::validation(
                    "InvalidParameter",
                    format!("endpoint {id} must keep at least one security group"),
                ));
            }
            db::delete_group(tx, id, g).await?;
            for (_, _, _, eni) in &subnets_now {
                net_db::set_interface_group(tx, eni, g, None).await?;
            }
            groups.retain(|x| x != g);
        }
        // Subnets.
        let mut existing: Vec<(String, String)> = subnets_now
            .iter()
            .map(|(_, s, z, _)| (s.clone(), z.clone()))
            .collect();
        for s in req.remove_subnet_ids.iter().flatten() {
            let Some((_, _, _, eni)) = subnets_now.iter().find(|(_, x, _, _)| x == s) else {
                return Err(Error::validation(
                    "InvalidParameter",
                    format!("subnet {s} is not a subnet of {id}"),
                ));
            };
            db::delete_subnet(tx, id, s).await?;
            if let Some(e) = net_db::get_interface(&mut **tx, account, eni).await? {
                remove_interface(tx, &e).await?;
            }
            existing.retain(|(x, _)| x != s);
        }
        if let Some(add) = req.add_subnet_ids.as_ref().filter(|v| !v.is_empty()) {
            let wanted: Vec<(String, Option<u32>)> = add
                .iter()
                .filter(|s| !existing.iter().any(|(x, _)| x == *s))
                .map(|s| (s.clone(), None))
                .collect();
            add_subnets(
                tx,
                account,
                &row.vpc_id,
                id,
                kind,
                &row.service_name,
                facts.zones.as_ref(),
                &groups,
                &wanted,
                &existing,
            )
            .await?;
            existing.extend(wanted.into_iter().map(|(s, _)| (s, String::new())));
        }
        if kind == VpcEndpointType::Interface && existing.is_empty() {
            return Err(Error::validation(
                "InvalidParameter",
                format!("endpoint {id} must keep at least one subnet"),
            ));
        }
        // Private DNS.
        let mut private_dns = row.private_dns_enabled;
        match req.private_dns_enabled {
            Some(true) if !row.private_dns_enabled => {
                check_private_dns(&vpc, &facts.private_ok)?;
                for n in &facts.private_names {
                    if let Some(holder) = db::claim_private_dns(tx, &vpc.vpc_id, n, id).await? {
                        return Err(Error::conflict(
                            "InvalidParameter",
                            format!(
                                "private-dns-enabled cannot be set because there is already a conflicting DNS domain for {n} in the VPC {} ({holder})",
                                vpc.vpc_id
                            ),
                        ));
                    }
                }
                private_dns = true;
            }
            Some(false) if row.private_dns_enabled => {
                db::release_private_dns(tx, id).await?;
                private_dns = false;
            }
            _ => {}
        }
        // Policy.
        let policy = if req.reset_policy == Some(true) {
            Some(ep::DEFAULT_POLICY.to_string())
        } else if let Some(p) = &req.policy_document {
            Some(p.clone())
        } else {
            row.policy_document.clone()
        };
        db::set_policy(tx, id, policy.as_deref(), private_dns, now_ms()).await?;
        // A modified endpoint goes back to `pending` until the change is done
        // (at once without a provisioning delay).
        if modified != row.state && !delay.is_zero() {
            db::set_pending(tx, id, now_ms() + delay.as_millis() as i64).await?;
        }
        if let Some(t) = &req.tags {
            tags::replace(tx, account, id, t).await?;
        }
        Ok(())
    })?;
    get_endpoint(ctx, id).await
}
