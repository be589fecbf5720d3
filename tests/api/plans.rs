//! The list filters named here are served by an index: the page query a
//! filter makes, as the database plans it, seeks an index on the filtered
//! column, in page order, instead of walking all of the account's rows and
//! testing each (which costs as much as the account is large; see
//! docs/benchmarks.md). A filter added to `CASES` without an index fails.
//!
//! SQLite's planner has no statistics here (none are gathered) and chooses
//! by the shape of the query and its indexes, as it does in service;
//! Postgres plans with sequential scans disabled (its tables are empty
//! here), so that it answers with an index where one can serve.

use crate::support::{Db, FreshDb};
use linkplane::store::filter::{AnyOf, ListFilter};
use linkplane::store::page::PageSpec;
use linkplane::store::plan::{Plan, capture};
use linkplane::store::sql::Value;
use linkplane::store::tags::TagFilter;
use linkplane::store::{Backend, Store, consumer, network, producer};

/// The lists whose filters are checked, by the table they page.
#[derive(Debug, Clone, Copy)]
enum List {
    Endpoints,
    Connections,
    Vpcs,
    Subnets,
    RouteTables,
    SecurityGroups,
    InternetGateways,
    Interfaces,
    NatGateways,
    TransitGateways,
    Attachments,
    Services,
    Permissions,
    LoadBalancers,
    TargetGroups,
}

/// Each list, its table, and the columns its documented filters narrow
/// (`tag` stands for the tag filters, served through the tag index).
const CASES: &[(List, &str, &[&str])] = &[
    (
        List::Endpoints,
        "vpc_endpoints",
        &[
            "vpc_id",
            "service_name",
            "state",
            "vpc_endpoint_type",
            "tag",
        ],
    ),
    (List::Connections, "vpc_endpoints", &["state", "account_id"]),
    (List::Vpcs, "vpcs", &["region", "cidr_block", "tag"]),
    (
        List::Subnets,
        "subnets",
        &["vpc_id", "region", "zone_id", "cidr_block", "tag"],
    ),
    (
        List::RouteTables,
        "route_tables",
        &["vpc_id", "region", "is_main", "tag"],
    ),
    (
        List::SecurityGroups,
        "security_groups",
        &["vpc_id", "region", "group_name", "tag"],
    ),
    (
        List::InternetGateways,
        "internet_gateways",
        &["vpc_id", "region", "tag"],
    ),
    (
        List::Interfaces,
        "network_interfaces",
        &[
            "vpc_id",
            "subnet_id",
            "region",
            "interface_type",
            "requester_managed",
            "zone_id",
            "private_ip",
            "tag",
        ],
    ),
    (
        List::NatGateways,
        "nat_gateways",
        &["vpc_id", "subnet_id", "region", "tag"],
    ),
    (
        List::TransitGateways,
        "transit_gateways",
        &["region", "tag"],
    ),
    (
        List::Attachments,
        "transit_gateway_attachments",
        &["transit_gateway_id", "vpc_id"],
    ),
    (
        List::Services,
        "endpoint_services",
        &["service_state", "service_type", "region", "tag"],
    ),
    (List::Permissions, "p", &["principal_type", "principal"]),
    (
        List::LoadBalancers,
        "load_balancers",
        &["vpc_id", "region", "lb_type", "tag"],
    ),
    (
        List::TargetGroups,
        "target_groups",
        &["vpc_id", "load_balancer_arn", "region"],
    ),
];

/// A filter on `column` alone (`tag`: one key and value).
fn filter_on(column: &'static str) -> ListFilter {
    if column == "tag" {
        return ListFilter {
            tags: vec![TagFilter {
                keys: vec!["Name".into()],
                values: AnyOf::from(vec!["web".to_string()]),
            }],
            ..ListFilter::default()
        };
    }
    let v = match column {
        "is_main" | "requester_managed" => Value::Bool(true),
        // 10.0.0.5, as the store keeps addresses.
        "private_ip" => Value::Int(0x0A00_0005),
        _ => Value::Text("x".into()),
    };
    ListFilter::default().eq(column, Some(v))
}

/// The plan of `list`'s first page under `filter`.
async fn plan_of(store: &Store, list: List, filter: &ListFilter) -> Plan {
    let pool = store.pool();
    let spec = PageSpec {
        limit: 100,
        after: None,
    };
    let a = "111122223333";
    // Each list's page, its rows dropped: only its plan matters here.
    macro_rules! page {
        ($call:expr) => {
            $call.await.map(drop)
        };
    }
    let (done, mut plans) = capture(async {
        let r = match list {
            List::Endpoints => page!(consumer::list_endpoints(pool, a, filter, &spec)),
            List::Connections => page!(consumer::list_connections(
                pool,
                a,
                "vpce-svc-x",
                filter,
                &spec
            )),
            List::Vpcs => page!(network::list_vpcs(pool, a, filter, &spec)),
            List::Subnets => page!(network::list_subnets(pool, a, filter, &spec)),
            List::RouteTables => page!(network::list_route_tables(pool, a, filter, &spec)),
            List::SecurityGroups => page!(network::list_security_groups(pool, a, filter, &spec)),
            List::InternetGateways => {
                page!(network::list_internet_gateways(pool, a, filter, &spec))
            }
            List::Interfaces => page!(network::list_interfaces(pool, a, filter, &spec)),
            List::NatGateways => page!(network::list_nat_gateways(pool, a, filter, &spec)),
            List::TransitGateways => page!(network::list_transit_gateways(pool, a, filter, &spec)),
            List::Attachments => page!(network::list_attachments(pool, a, None, filter, &spec)),
            List::Services => page!(producer::list_services(pool, a, filter, &spec)),
            List::Permissions => page!(producer::list_permissions(
                pool,
                a,
                "vpce-svc-x",
                filter,
                &spec
            )),
            List::LoadBalancers => page!(producer::list_load_balancers(pool, a, filter, &spec)),
            List::TargetGroups => page!(producer::list_target_groups(pool, a, filter, &spec)),
        };
        r.unwrap_or_else(|e| panic!("{list:?}: {e}"))
    })
    .await;
    let () = done;
    assert_eq!(plans.len(), 1, "{list:?} ran one page query");
    plans.remove(0)
}

/// Whether `plan` reaches `table`'s rows through an index on `column`, in
/// page order (for `tag`: through the tag index, then each resource by its
/// key). `table` is the query's name for it (`p` for permissions).
fn served(backend: Backend, plan: &Plan, table: &str, column: &str) -> bool {
    let lines = &plan.lines;
    let names =
        |l: &str, col: &str| l.contains(&format!("({col}=?")) || l.contains(&format!(" {col}=?"));
    match (backend, column) {
        (Backend::Sqlite, "tag") => {
            lines
                .iter()
                .any(|l| l.contains("INDEX tags_by_key_value (account_id=? AND tag_key=?"))
                && lines.iter().any(|l| {
                    l.starts_with(&format!("SEARCH {table} USING")) && !l.contains("(account_id=?)")
                })
        }
        (Backend::Sqlite, _) => {
            lines
                .iter()
                .any(|l| l.starts_with(&format!("SEARCH {table} USING")) && names(l, column))
                && !lines.iter().any(|l| l.contains("TEMP B-TREE FOR ORDER BY"))
        }
        (Backend::Postgres, _) => {
            let table = if table == "p" {
                "endpoint_service_permissions"
            } else {
                table
            };
            let cond = if column == "tag" {
                ("tags_by_key_value", "tag_key")
            } else {
                (table, column)
            };
            // An index condition on the column, of a scan of the table (or
            // of one of its indexes, named after it).
            lines.windows(2).any(|w| {
                let scan = &w[0];
                (scan.contains(&format!(" on {} ", cond.0))
                    || scan.contains(&format!(" on {}_", cond.0))
                    || scan.contains(&format!("using {} ", cond.0)))
                    && w[1].contains("Index Cond")
                    && (w[1].contains(&format!("({} =", cond.1))
                        || w[1].contains(&format!(" {} =", cond.1)))
            })
        }
    }
}

/// Whether Postgres has an index on `table` leading with `(account_id,
/// column)`. Only this test's schema: other tests drop theirs meanwhile,
/// and the definition of a dropped table's index cannot be read.
async fn pg_index_on(store: &Store, table: &str, column: &str) -> bool {
    let defs: Vec<(String,)> = sqlx::query_as(
        "SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename = $1",
    )
    .bind(table)
    .fetch_all(store.pool())
    .await
    .expect("pg_indexes");
    defs.iter()
        .any(|(d,)| d.contains(&format!("(account_id, {column}, created_at")))
}

async fn every_list_filter_is_served_by_an_index(db: Db) {
    let fresh = FreshDb::new(db).await;
    let store = Store::connect(&fresh.url, 2).await.expect("connect");
    store.migrate().await.expect("migrate");
    let mut unserved = Vec::new();
    for (list, table, columns) in CASES {
        for column in *columns {
            let plan = plan_of(&store, *list, &filter_on(column)).await;
            // On empty tables Postgres's planner walks the scope's ordered
            // index for a boolean column, whose two values it cannot tell
            // apart without statistics: there the index must exist.
            let ok = match (store.backend(), *column) {
                (Backend::Postgres, "is_main" | "requester_managed") => {
                    pg_index_on(&store, table, column).await
                }
                (backend, _) => served(backend, &plan, table, column),
            };
            if !ok {
                unserved.push(format!(
                    "{list:?} by {column}: {}\n    {}",
                    plan.sql,
                    plan.lines.join("\n    ")
                ));
            }
        }
    }
    assert!(
        unserved.is_empty(),
        "filters not served by an index:\n{}",
        unserved.join("\n")
    );

    // Several filters: the list seeks by the first (the most selective, as
    // the services order them) and tests the others on its rows, where
    // SQLite could as well seek an index of a filter most rows pass.
    if store.backend() == Backend::Sqlite {
        let combined = [
            (
                List::Endpoints,
                "vpc_endpoints",
                ["vpc_id", "service_name", "state"],
            ),
            (
                List::Interfaces,
                "network_interfaces",
                ["subnet_id", "vpc_id", "region"],
            ),
            (List::Subnets, "subnets", ["vpc_id", "zone_id", "region"]),
        ];
        for (list, table, columns) in combined {
            let filter = columns.iter().fold(ListFilter::default(), |f, c| {
                f.eq(c, Some(Value::Text("x".into())))
            });
            let plan = plan_of(&store, list, &filter).await;
            let seek = format!(
                "INDEX {table}_account_{} (account_id=? AND {}=?)",
                columns[0], columns[0]
            );
            assert!(
                plan.lines.iter().any(|l| l.contains(&seek)),
                "{list:?} by {columns:?} seeks by {}: {plan:?}",
                columns[0]
            );
        }
    }
}

/// The VPC ids of every page of `account`'s VPCs tagged `Name=web`, a VPC a
/// page, and the plan of the first page.
async fn tagged_web(store: &Store, account: &str) -> (Vec<String>, Plan) {
    let filter = filter_on("tag");
    let mut ids = Vec::new();
    let mut first = None;
    let mut after = None;
    loop {
        let spec = PageSpec { limit: 1, after };
        let (page, plans) =
            capture(network::list_vpcs(store.pool(), account, &filter, &spec)).await;
        let page = page.expect("list");
        first.get_or_insert_with(|| plans[0].clone());
        ids.extend(page.items.into_iter().map(|v| v.vpc_id));
        match page.next {
            Some(n) => after = Some(n),
            None => break,
        }
    }
    (ids, first.expect("a page"))
}

/// A tag filter that few resources match drives its query (the tag index,
/// then each resource by its key); one that many match walks the account's
/// rows in page order. Both answer the same pages, within the account.
async fn a_tag_filter_answers_alike_whether_few_or_many_match(db: Db) {
    let fresh = FreshDb::new(db).await;
    let store = Store::connect(&fresh.url, 2).await.expect("connect");
    store.migrate().await.expect("migrate");
    let (mine, theirs) = ("111122223333", "444455556666");
    let mut tx = store.begin().await.expect("begin");
    for (i, (account, name)) in [(mine, "web"), (mine, "db"), (theirs, "web"), (mine, "web")]
        .into_iter()
        .enumerate()
    {
        sqlx::query(
            "INSERT INTO accounts (account_id, name, created_at, updated_at) \
             VALUES ($1, $1, 0, 0) ON CONFLICT DO NOTHING",
        )
        .bind(account)
        .execute(&mut *tx)
        .await
        .expect("account");
        let vpc_id = format!("vpc-{i:017}");
        network::insert_vpc(
            &mut tx,
            &network::VpcRow {
                vpc_id: vpc_id.clone(),
                account_id: account.into(),
                region: "us-east-1".into(),
                cidr_block: "10.0.0.0/16".into(),
                enable_dns_support: true,
                enable_dns_hostnames: false,
                main_route_table_id: format!("rtb-{i:017}"),
                default_security_group_id: format!("sg-{i:017}"),
                created_at: 1_000 + i as i64,
                updated_at: 1_000,
                version: 1,
            },
        )
        .await
        .expect("vpc");
        let tags = [("Name".to_string(), name.to_string())]
            .into_iter()
            .collect();
        linkplane::store::tags::replace(&mut tx, account, &vpc_id, &tags)
            .await
            .expect("tags");
    }
    store.commit(tx).await.expect("commit");
    let expected = vec![format!("vpc-{:017}", 0), format!("vpc-{:017}", 3)];

    let (few, plan) = tagged_web(&store, mine).await;
    assert_eq!(few, expected, "few matches: {plan:?}");
    assert!(
        plan.sql.contains("CROSS JOIN vpcs"),
        "few matches drive: {}",
        plan.sql
    );

    // As many tagged resources again as the driving bound, none of them a VPC.
    let mut tx = store.begin().await.expect("begin");
    let web = [("Name".to_string(), "web".to_string())]
        .into_iter()
        .collect();
    for i in 0..linkplane::store::tags::DRIVING_BELOW {
        linkplane::store::tags::replace(&mut tx, mine, &format!("sg-{i:017}"), &web)
            .await
            .expect("tags");
    }
    store.commit(tx).await.expect("commit");
    let (many, plan) = tagged_web(&store, mine).await;
    assert_eq!(many, expected, "many matches: {plan:?}");
    assert!(
        !plan.sql.contains("CROSS JOIN"),
        "many matches walk: {}",
        plan.sql
    );
    if store.backend() == Backend::Sqlite {
        assert!(
            plan.lines
                .iter()
                .any(|l| l.contains("INDEX vpcs_by_account (account_id=?)")),
            "many matches walk the account's VPCs in page order: {plan:?}"
        );
    }
}

crate::on_both_databases!(
    every_list_filter_is_served_by_an_index,
    a_tag_filter_answers_alike_whether_few_or_many_match
);
