//! Consumer-side benchmark over HTTP (keep-alive, one client per account,
//! in-process server on 127.0.0.1, a fresh database):
//!
//! 1. a producer makes 100 endpoint services (acceptance required, open to
//!    `*`); a consumer makes 10,000 interface endpoints to them, 100 each,
//!    in 200 VPCs (the quota is 50 per VPC); the producer accepts each
//!    service's 100 requests in one batch;
//! 2. the consumer adds 9,900 more endpoints to the first service, which then
//!    has 10,000 connections; the producer reads its first page of 100
//!    connections again and again (p50, p99, max) and walks all 100 pages.
//!
//! Run:
//!
//! ```text
//! cargo bench --bench consumer    # SQLite (temp file)
//! ```
//!
//! Environment: `BENCH_SERVICES` (default 100), `BENCH_PER_SERVICE` (100),
//! `BENCH_CONNECTIONS` (10000), `BENCH_READS` (2000). Stops by itself.
// A benchmark stops at the first thing that goes wrong, with what it was doing.
#![allow(clippy::expect_used)]

mod common;

use common::{Client, env_usize, ms, quantile};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

/// Makes `n` interface endpoints to `service`, 50 per new VPC.
async fn endpoints(
    c: &Client,
    service: &Value,
    zone: &str,
    n: usize,
    next_vpc: &mut usize,
    out: &mut Vec<String>,
    per_vpc: &mut Option<(Value, usize)>,
) {
    for _ in 0..n {
        let need_vpc = per_vpc.as_ref().is_none_or(|(_, used)| *used >= 50);
        if need_vpc {
            let i = *next_vpc;
            *next_vpc += 1;
            let (vpc, sub) = c.numbered_vpc(i, zone).await;
            *per_vpc = Some((
                json!({"vpc_id": vpc["vpc_id"], "subnet_id": sub["subnet_id"]}),
                0,
            ));
        }
        if let Some((v, used)) = per_vpc.as_mut() {
            let e = c
                .post(
                    "/v1/vpc-endpoints",
                    json!({"vpc_endpoint_type": "interface", "vpc_id": v["vpc_id"],
                           "service_name": service["service_name"], "subnet_ids": [v["subnet_id"]]}),
                )
                .await;
            out.push(
                e["vpc_endpoint_id"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
            );
            *used += 1;
        }
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let services = env_usize("BENCH_SERVICES", 100);
    let per_service = env_usize("BENCH_PER_SERVICE", 100);
    let connections = env_usize("BENCH_CONNECTIONS", 10_000);
    let reads = env_usize("BENCH_READS", 2_000);
    let producer = Client::start("consumer").await;
    let consumer = producer.another_account("consumer").await;

    let (zone, subnet) = producer.one_subnet().await;
    let mut svcs = Vec::new();
    for i in 0..services {
        svcs.push(
            producer
                .open_service(&format!("nlb-{i}"), &subnet, None)
                .await,
        );
    }

    println!();
    println!(
        "== {} interface endpoints to {services} services ({per_service} each), then accepted in batches of {per_service}",
        services * per_service
    );
    let mut next_vpc = 1usize;
    let mut per_vpc = None;
    let mut by_service: Vec<Vec<String>> = vec![Vec::new(); services];
    let t0 = Instant::now();
    for round in 0..per_service {
        for (k, svc) in svcs.iter().enumerate() {
            endpoints(
                &consumer,
                svc,
                &zone,
                1,
                &mut next_vpc,
                &mut by_service[k],
                &mut per_vpc,
            )
            .await;
        }
        if (round + 1) % 10 == 0 {
            println!("  {} endpoints made", (round + 1) * services);
        }
    }
    let made = t0.elapsed();
    let t1 = Instant::now();
    for (k, svc) in svcs.iter().enumerate() {
        let id = svc["service_id"].as_str().unwrap_or_default();
        let r = producer
            .post(
                &format!("/v1/endpoint-services/{id}/connections/accept"),
                json!({"vpc_endpoint_ids": by_service[k]}),
            )
            .await;
        assert_eq!(r["unsuccessful"], json!([]), "{r}");
    }
    let accepted = t1.elapsed();
    let n = (services * per_service) as f64;
    println!(
        "created in {:.1} s ({:.0} endpoints/s, {:.2} ms each); accepted in {:.1} s ({:.0} endpoints/s, {:.1} ms per batch of {per_service})",
        made.as_secs_f64(),
        n / made.as_secs_f64(),
        ms(made) / n,
        accepted.as_secs_f64(),
        n / accepted.as_secs_f64(),
        ms(accepted) / services.max(1) as f64
    );

    // 2. One service with `connections` connections.
    let first = &svcs[0];
    let extra = connections.saturating_sub(by_service[0].len());
    let mut more = Vec::new();
    endpoints(
        &consumer,
        first,
        &zone,
        extra,
        &mut next_vpc,
        &mut more,
        &mut per_vpc,
    )
    .await;
    let id = first["service_id"].as_str().unwrap_or_default();
    let path = format!("/v1/endpoint-services/{id}/connections?max_results=100");
    println!();
    println!("== {reads} reads of the first page of 100 of {connections} connections, sequential");
    let mut samples: Vec<Duration> = Vec::with_capacity(reads);
    for _ in 0..reads {
        let t = Instant::now();
        producer.get_raw(&path).await;
        samples.push(t.elapsed());
    }
    let (p50, p99, max) = (
        quantile(&mut samples, 0.5),
        quantile(&mut samples, 0.99),
        quantile(&mut samples, 1.0),
    );
    println!(
        "GET .../connections?max_results=100: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        ms(p50),
        ms(p99),
        ms(max)
    );
    let (mut pages, seen) = producer.walk_pages(&path).await;
    let last = pages.last().copied().unwrap_or_default();
    println!(
        "walked {seen} connections in {} pages: first {:.2} ms, last {:.2} ms, p99 {:.2} ms (with JSON decoding)",
        pages.len(),
        ms(pages[0]),
        ms(last),
        ms(quantile(&mut pages, 0.99))
    );
    consumer.close().await;
    producer.close().await;
}
