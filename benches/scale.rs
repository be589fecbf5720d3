//! Filtered lists at scale, over HTTP (keep-alive, in-process server on
//! 127.0.0.1, a fresh database):
//!
//! 1. a producer publishes two endpoint services, one accepting at once
//!    and one requiring acceptance; a consumer makes `BENCH_ENDPOINTS`
//!    interface endpoints (default 100,000) through the API, 50 per VPC
//!    (the quota), each tagged `Name=ep-<n>`, with every hundredth one to
//!    the second service (so `pending_acceptance`), from `BENCH_LOADERS`
//!    connections (default 16);
//!    and S3 gateway endpoints in the first 10 VPCs;
//! 2. it times, at 1, 8 and 64 connections, a point read, the documented
//!    filters (`vpc_id` with `service_name`, `tag`, `state`,
//!    `vpc_endpoint_type`), and a page of 100 at the start and deep into
//!    the listing, and prints p50 and p99 of each.
//!
//! Run:
//!
//! ```text
//! cargo bench --bench scale                                          # SQLite (temp file)
//! LINKPLANE_BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/lpbench \
//!   cargo bench --bench scale                                        # a fresh Postgres database
//! ```
//!
//! Environment: `BENCH_ENDPOINTS` (default 100000), `BENCH_READS` (reads
//! per operation and connection count, default 400), `BENCH_LOADERS`
//! (connections that make the endpoints, default 16). Stops by itself.
// A benchmark stops at the first thing that goes wrong, with what it was doing.
#![allow(clippy::expect_used)]

mod common;

use common::{Client, env_usize, ms, quantile};
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::{Duration, Instant};

const PER_VPC: usize = 50;
/// The reads' connection counts (each connection makes at least 10 reads).
const CONNS: [usize; 3] = [1, 8, 64];

/// Makes the endpoints of VPCs `first..end` (each VPC holds `PER_VPC`,
/// numbered from `vpc * PER_VPC`), as one connection.
async fn load(
    c: Arc<Client>,
    zone: String,
    names: Arc<[String; 2]>,
    vpcs: std::ops::Range<usize>,
    total: usize,
) {
    for v in vpcs {
        let (vpc, sub) = c.numbered_vpc(v, &zone).await;
        if v < 10 {
            c.post(
                "/v1/vpc-endpoints",
                json!({"vpc_endpoint_type": "gateway", "vpc_id": vpc["vpc_id"],
                       "service_name": "com.amazonaws.us-east-1.s3",
                       "route_table_ids": [vpc["main_route_table_id"]]}),
            )
            .await;
        }
        for n in v * PER_VPC..((v + 1) * PER_VPC).min(total) {
            let service = &names[usize::from(n % 100 == 99)];
            c.post(
                "/v1/vpc-endpoints",
                json!({"vpc_endpoint_type": "interface", "vpc_id": vpc["vpc_id"],
                       "service_name": service, "subnet_ids": [sub["subnet_id"]],
                       "tags": {"Name": format!("ep-{n}")}}),
            )
            .await;
        }
    }
}

/// This process's resident memory (server and client together), in MB.
fn rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmRSS:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

/// `reads` GETs of the paths `path(i)` gives, from `conns` connections at
/// once: p50 and p99 in milliseconds.
async fn time<F>(c: &Arc<Client>, conns: usize, reads: usize, path: F) -> (f64, f64)
where
    F: Fn(usize) -> String + Send + Sync + 'static,
{
    let path = Arc::new(path);
    let mut tasks = Vec::new();
    for k in 0..conns {
        let (c, path) = (c.clone(), path.clone());
        tasks.push(tokio::spawn(async move {
            let mut times = Vec::new();
            for i in (k..reads).step_by(conns) {
                let p = path(i);
                let t0 = Instant::now();
                c.get_raw(&p).await;
                times.push(t0.elapsed());
            }
            times
        }));
    }
    let mut all: Vec<Duration> = Vec::new();
    for t in tasks {
        all.extend(t.await.expect("reader"));
    }
    (ms(quantile(&mut all, 0.5)), ms(quantile(&mut all, 0.99)))
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let total = env_usize("BENCH_ENDPOINTS", 100_000);
    let reads = env_usize("BENCH_READS", 400);
    let loaders_n = env_usize("BENCH_LOADERS", 16).max(1);
    let producer = Client::start("scale").await;
    let consumer = Arc::new(producer.another_account("consumer").await);

    let (zone, subnet) = producer.one_subnet().await;
    let mut names = Vec::new();
    for (i, acceptance) in [false, true].into_iter().enumerate() {
        let svc = producer
            .open_service(&format!("nlb-{i}"), &subnet, Some(acceptance))
            .await;
        names.push(svc["service_name"].as_str().unwrap_or_default().to_string());
    }
    let names = Arc::new([names[0].clone(), names[1].clone()]);

    let vpcs = total.div_ceil(PER_VPC);
    println!();
    println!("== {total} interface endpoints in {vpcs} VPCs, from {loaders_n} connections");
    let t0 = Instant::now();
    let mut loaders = Vec::new();
    for k in 0..loaders_n {
        let range = (k * vpcs / loaders_n)..((k + 1) * vpcs / loaders_n);
        loaders.push(tokio::spawn(load(
            consumer.clone(),
            zone.clone(),
            names.clone(),
            range,
            total,
        )));
    }
    for l in loaders {
        l.await.expect("loader");
    }
    let took = t0.elapsed();
    println!(
        "made in {:.1} s: {:.0} endpoints/s; resident memory {:.0} MB",
        took.as_secs_f64(),
        total as f64 / took.as_secs_f64(),
        rss_mb()
    );

    // Postgres plans by statistics that autovacuum gathers; where it is off
    // (as on the machine of docs/benchmarks.md), gather them as it would
    // after a bulk load.
    if producer.store.backend() == linkplane::store::Backend::Postgres {
        sqlx::query("ANALYZE")
            .execute(producer.store.pool())
            .await
            .expect("analyze");
    }

    // The VPC ids, by walking the VPC list (its order is creation order).
    let mut vpc_ids: Vec<String> = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let mut p = "/v1/vpcs?max_results=1000".to_string();
        if let Some(t) = &token {
            p.push_str(&format!("&next_token={t}"));
        }
        let page = consumer.get(&p).await;
        for v in page["items"].as_array().into_iter().flatten() {
            vpc_ids.push(v["vpc_id"].as_str().unwrap_or_default().to_string());
        }
        match page["next_token"].as_str() {
            Some(t) => token = Some(t.to_string()),
            None => break,
        }
    }
    let vpc_ids = Arc::new(vpc_ids);
    let some: Value = consumer
        .get("/v1/vpc-endpoints?max_results=1000&vpc_endpoint_type=interface")
        .await;
    let ids: Arc<Vec<String>> = Arc::new(
        some["items"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|e| {
                e["vpc_endpoint_id"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string()
            })
            .collect(),
    );
    // The continuation token of page 1,000 (or of the last page there is).
    let deep_page = (total / 100).min(1000);
    let mut deep: Option<String> = None;
    for _ in 1..deep_page {
        let mut p = "/v1/vpc-endpoints?max_results=100".to_string();
        if let Some(t) = &deep {
            p.push_str(&format!("&next_token={t}"));
        }
        let page = consumer.get(&p).await;
        match page["next_token"].as_str() {
            Some(t) => deep = Some(t.to_string()),
            None => break,
        }
    }
    let deep = Arc::new(deep);

    println!();
    println!("{reads} reads per operation and connection count; milliseconds, p50 / p99");
    println!("| operation | 1 connection | 8 connections | 64 connections |");
    println!("|---|---:|---:|---:|");
    let service = names[0].clone();
    type PathFn = Box<
        dyn Fn(&Arc<Vec<String>>, &Arc<Vec<String>>, &Arc<Option<String>>, usize) -> String
            + Send
            + Sync,
    >;
    let deep_name = format!("a page of 100, page {deep_page}");
    let ops: Vec<(&str, PathFn)> = vec![
        (
            "`GET /v1/vpc-endpoints/{id}`",
            Box::new(|_, ids, _, i| format!("/v1/vpc-endpoints/{}", ids[i % ids.len()])),
        ),
        (
            "`?vpc_id=&service_name=`",
            Box::new(move |vpcs, _, _, i| {
                format!(
                    "/v1/vpc-endpoints?vpc_id={}&service_name={service}",
                    vpcs[(i * 7919) % vpcs.len()]
                )
            }),
        ),
        (
            "`?tag=Name=ep-<n>`",
            Box::new(move |_, _, _, i| {
                format!("/v1/vpc-endpoints?tag=Name=ep-{}", (i * 7919) % total)
            }),
        ),
        (
            "`?state=pending_acceptance` (1 in 100)",
            Box::new(|_, _, _, _| {
                "/v1/vpc-endpoints?state=pending_acceptance&max_results=100".into()
            }),
        ),
        (
            "`?vpc_endpoint_type=gateway` (10)",
            Box::new(|_, _, _, _| "/v1/vpc-endpoints?vpc_endpoint_type=gateway".into()),
        ),
        (
            "a page of 100, page 1",
            Box::new(|_, _, _, _| "/v1/vpc-endpoints?max_results=100".into()),
        ),
        (
            deep_name.as_str(),
            Box::new(|_, _, deep, _| match deep.as_ref() {
                Some(t) => format!("/v1/vpc-endpoints?max_results=100&next_token={t}"),
                None => "/v1/vpc-endpoints?max_results=100".into(),
            }),
        ),
    ];
    for (name, f) in ops {
        let f = Arc::new(f);
        let mut cells = Vec::new();
        for conns in CONNS {
            let (f, vpcs, ids, deep) = (f.clone(), vpc_ids.clone(), ids.clone(), deep.clone());
            let n = reads.max(conns * 10);
            let (p50, p99) = time(&consumer, conns, n, move |i| f(&vpcs, &ids, &deep, i)).await;
            cells.push(format!("{p50:.2} / {p99:.2}"));
        }
        println!("| {name} | {} |", cells.join(" | "));
    }
    println!();
    println!(
        "resident memory after the reads: {:.0} MB (server and client)",
        rss_mb()
    );
    producer.close().await;
}
