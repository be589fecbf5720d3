//! The harness reset: every resource row of one account, deleted in one
//! transaction in an order the foreign keys allow (children before their
//! parents where a key does not cascade). The account, its principals and
//! its API keys stay. A test enumerates the schema's tables with an
//! `account_id` column and fails when one is left holding the account's rows.

use crate::store::sql;
use crate::store::{StoreError, Tx};

/// The statements, in order; each binds the account id as `$1`.
const DELETES: &[&str] = &[
    // Endpoints of the account (their subnets, route tables, groups and
    // private DNS names cascade).
    "DELETE FROM vpc_endpoints WHERE account_id = $1",
    // Interfaces in the account's VPCs (endpoints', load balancers', NAT
    // gateways', its own), and the account's own anywhere.
    "DELETE FROM nat_gateways WHERE account_id = $1 \
     OR vpc_id IN (SELECT vpc_id FROM vpcs WHERE account_id = $1)",
    "DELETE FROM network_interface_groups WHERE group_id IN \
     (SELECT group_id FROM security_groups WHERE account_id = $1)",
    "DELETE FROM network_interfaces WHERE account_id = $1 \
     OR vpc_id IN (SELECT vpc_id FROM vpcs WHERE account_id = $1)",
    // The producer side: notifications (and their outbox), services (their
    // load balancer links, regions and permissions cascade), target groups
    // (targets cascade), load balancers (subnets cascade).
    "DELETE FROM connection_notifications WHERE account_id = $1 \
     OR service_id IN (SELECT service_id FROM endpoint_services WHERE account_id = $1)",
    "DELETE FROM endpoint_services WHERE account_id = $1",
    "DELETE FROM notification_topics WHERE account_id = $1",
    "DELETE FROM listeners WHERE account_id = $1",
    "DELETE FROM target_groups WHERE account_id = $1 \
     OR vpc_id IN (SELECT vpc_id FROM vpcs WHERE account_id = $1)",
    "DELETE FROM load_balancers WHERE account_id = $1",
    // Transit gateways: routes of other gateways through the account's
    // attachments, attachments of the account's VPCs or to its gateways,
    // then the gateways (their routes cascade).
    "DELETE FROM transit_gateway_routes WHERE transit_gateway_attachment_id IN \
     (SELECT transit_gateway_attachment_id FROM transit_gateway_attachments WHERE account_id = $1 \
      OR transit_gateway_id IN (SELECT transit_gateway_id FROM transit_gateways WHERE account_id = $1))",
    "DELETE FROM transit_gateway_attachments WHERE account_id = $1 \
     OR transit_gateway_id IN (SELECT transit_gateway_id FROM transit_gateways WHERE account_id = $1)",
    "DELETE FROM transit_gateways WHERE account_id = $1",
    // Peerings either side of which is the account's.
    "DELETE FROM vpc_peering_connections WHERE requester_account_id = $1 OR accepter_account_id = $1",
    "DELETE FROM internet_gateways WHERE account_id = $1",
    // Route tables' associations before the subnets and tables they join.
    "DELETE FROM route_table_associations WHERE account_id = $1 \
     OR route_table_id IN (SELECT route_table_id FROM route_tables WHERE account_id = $1)",
    // Other accounts' rules that name the account's groups, then the
    // groups (their own rules cascade).
    "DELETE FROM security_group_rules WHERE ref_group_id IN \
     (SELECT group_id FROM security_groups WHERE account_id = $1)",
    "DELETE FROM security_groups WHERE account_id = $1",
    "DELETE FROM subnets WHERE account_id = $1",
    "DELETE FROM route_tables WHERE account_id = $1",
    "DELETE FROM vpcs WHERE account_id = $1",
    "DELETE FROM public_dns_records WHERE account_id = $1",
    "DELETE FROM public_dns_zones WHERE account_id = $1",
    // Tags of the account's resources, but not of the account itself.
    "DELETE FROM tags WHERE account_id = $1 AND resource_id <> $1",
    // Client tokens and idempotency keys name resources now gone (not
    // those of the principals and keys, which stay).
    "DELETE FROM idempotency_keys WHERE scope = $1 \
     AND operation NOT IN ('CreateAccount', 'CreatePrincipal', 'CreateApiKey')",
];

/// Deletes every resource row of `account_id` (see the module's comment).
pub async fn delete_account_resources(tx: &mut Tx, account_id: &str) -> Result<u64, StoreError> {
    let mut n = 0;
    for statement in DELETES {
        n += sql::exec(&mut **tx, statement, (account_id,)).await?;
    }
    Ok(n)
}

/// Live endpoints between the account and another: with `of_its_services`,
/// other accounts' endpoints connected (or asking to be) to the account's
/// services; otherwise the account's own endpoints on other accounts'
/// services. In id order, the order rows are locked in.
pub async fn live_cross_account_endpoints(
    tx: &mut Tx,
    account_id: &str,
    of_its_services: bool,
) -> Result<Vec<String>, StoreError> {
    use linkplane_core::lifecycle::VpcEndpointState;
    let sql = if of_its_services {
        "SELECT e.vpc_endpoint_id FROM vpc_endpoints e \
         JOIN endpoint_services s ON s.service_id = e.service_id \
         WHERE s.account_id = $1 AND e.account_id <> $1 AND e.state IN ($2, $3, $4) \
         ORDER BY e.vpc_endpoint_id"
    } else {
        "SELECT e.vpc_endpoint_id FROM vpc_endpoints e \
         JOIN endpoint_services s ON s.service_id = e.service_id \
         WHERE e.account_id = $1 AND s.account_id <> $1 AND e.state IN ($2, $3, $4) \
         ORDER BY e.vpc_endpoint_id"
    };
    let rows: Vec<(String,)> = sql::fetch_all(
        &mut **tx,
        sql,
        (
            account_id,
            VpcEndpointState::LIVE[0].as_str(),
            VpcEndpointState::LIVE[1].as_str(),
            VpcEndpointState::LIVE[2].as_str(),
        ),
    )
    .await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// Makes the account and its root principal unless they exist (another
/// request or replica may be making them at the same moment); answers
/// whether this call made them.
pub async fn ensure_account(
    tx: &mut Tx,
    account_id: &str,
    name: &str,
    root_arn: &str,
    now: i64,
) -> Result<bool, StoreError> {
    let made = sql::exec(
        &mut **tx,
        "INSERT INTO accounts (account_id, name, created_at, updated_at, version) \
         VALUES ($1, $2, $3, $3, 1) ON CONFLICT DO NOTHING",
        (account_id, name, now),
    )
    .await?;
    sql::exec(
        &mut **tx,
        "INSERT INTO principals (arn, account_id, principal_type, name, created_at) \
         VALUES ($1, $2, 'root', '', $3) ON CONFLICT DO NOTHING",
        (root_arn, account_id, now),
    )
    .await?;
    Ok(made == 1)
}
