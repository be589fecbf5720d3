//! Producer-side benchmark over HTTP (keep-alive, one client, in-process
//! server on 127.0.0.1, a fresh database):
//!
//! 1. 10,000 endpoint services, each on its own network load balancer; the
//!    first 1,000 get 100 allowed principals each (one POST of 100);
//! 2. with the 10,000 services in place, `GET /v1/endpoint-services/{id}`
//!    and `GET /v1/endpoint-services/{id}/allowed-principals` of random
//!    services, sequentially: p50, p99 and max latency.
//!
//! Run:
//!
//! ```text
//! cargo bench --bench producer    # SQLite (temp file)
//! LINKPLANE_BENCH_DATABASE_URL=postgres://... cargo bench --bench producer
//! ```
//!
//! Environment: `BENCH_SERVICES` (default 10000), `BENCH_WITH_PRINCIPALS`
//! (default 1000), `BENCH_READS` (default 5000 of each). Stops by itself.
// A benchmark stops at the first thing that goes wrong, with what it was doing.
#![allow(clippy::expect_used)]

mod common;

use common::{Client, env_usize, ms, quantile};
use serde_json::json;
use std::time::{Duration, Instant};

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let services = env_usize("BENCH_SERVICES", 10_000);
    let with_principals = env_usize("BENCH_WITH_PRINCIPALS", 1_000).min(services);
    let reads = env_usize("BENCH_READS", 5_000);
    let c = Client::start("producer").await;

    // One VPC of /16 subnets in two zones; load balancers take a node
    // address in each.
    let zones = c.get("/v1/regions/us-east-1/availability-zones").await;
    let zone_ids: Vec<String> = zones["items"]
        .as_array()
        .expect("zones")
        .iter()
        .take(2)
        .map(|z| z["zone_id"].as_str().unwrap_or_default().to_string())
        .collect();
    let vpc = c
        .post("/v1/vpcs", json!({"cidr_block": "10.0.0.0/16"}))
        .await;
    let mut subnets = Vec::new();
    for (i, z) in zone_ids.iter().enumerate() {
        let s = c
            .post(
                "/v1/subnets",
                json!({"vpc_id": vpc["vpc_id"], "cidr_block": format!("10.0.{}.0/17", i * 128), "availability_zone_id": z}),
            )
            .await;
        subnets.push(s["subnet_id"].clone());
    }

    println!();
    println!(
        "== {services} endpoint services (one NLB in 2 zones each); the first {with_principals} with 100 allowed principals"
    );
    let principals: Vec<String> = (0..100)
        .map(|i| format!("arn:aws:iam::{:012}:root", 400_000_000_000u64 + i))
        .collect();
    let mut ids = Vec::with_capacity(services);
    let (mut t_lb, mut t_svc, mut t_perm) = (Duration::ZERO, Duration::ZERO, Duration::ZERO);
    for i in 0..services {
        let t0 = Instant::now();
        let lb = c
            .post(
                "/v1/load-balancers",
                json!({"name": format!("nlb-{i}"), "subnet_ids": subnets}),
            )
            .await;
        let t1 = Instant::now();
        let svc = c
            .post(
                "/v1/endpoint-services",
                json!({"network_load_balancer_arns": [lb["load_balancer_arn"]]}),
            )
            .await;
        let t2 = Instant::now();
        let id = svc["service_id"].as_str().unwrap_or_default().to_string();
        if i < with_principals {
            c.post(
                &format!("/v1/endpoint-services/{id}/allowed-principals"),
                json!({"principals": principals}),
            )
            .await;
        }
        let t3 = Instant::now();
        t_lb += t1 - t0;
        t_svc += t2 - t1;
        t_perm += t3 - t2;
        ids.push(id);
        if (i + 1) % 1000 == 0 {
            println!("  {} services made", i + 1);
        }
    }
    let n = services.max(1) as f64;
    println!(
        "load balancers: {:.1} s ({:.2} ms each); services: {:.1} s ({:.2} ms each); \
         100 principals on {with_principals}: {:.1} s ({:.2} ms per POST of 100)",
        t_lb.as_secs_f64(),
        ms(t_lb) / n,
        t_svc.as_secs_f64(),
        ms(t_svc) / n,
        t_perm.as_secs_f64(),
        ms(t_perm) / with_principals.max(1) as f64
    );

    // Reads of random services (a fixed-seed LCG, so runs are comparable).
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let mut pick = |limit: usize| {
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        ((seed >> 33) as usize) % limit.max(1)
    };
    println!();
    println!("== {reads} reads of each kind, sequential, with {services} services in place");
    let mut whoami = Vec::with_capacity(reads);
    let mut by_id = Vec::with_capacity(reads);
    let mut perms = Vec::with_capacity(reads);
    let first = &ids[0];
    let page = c
        .get(&format!("/v1/endpoint-services/{first}/allowed-principals"))
        .await;
    assert_eq!(
        page["items"].as_array().map_or(0, Vec::len),
        100.min(with_principals * 100)
    );
    for _ in 0..reads {
        let t0 = Instant::now();
        c.get_raw("/v1/whoami").await;
        whoami.push(t0.elapsed());
        let id = &ids[pick(ids.len())];
        let t0 = Instant::now();
        c.get_raw(&format!("/v1/endpoint-services/{id}")).await;
        by_id.push(t0.elapsed());
        let id = &ids[pick(with_principals)];
        let t0 = Instant::now();
        c.get_raw(&format!("/v1/endpoint-services/{id}/allowed-principals"))
            .await;
        perms.push(t0.elapsed());
    }
    for (what, samples) in [
        ("GET /v1/whoami (baseline: auth only)", &mut whoami),
        ("GET /v1/endpoint-services/{id}", &mut by_id),
        (
            "GET /v1/endpoint-services/{id}/allowed-principals (100 items)",
            &mut perms,
        ),
    ] {
        let p50 = quantile(samples, 0.50);
        let p99 = quantile(samples, 0.99);
        let max = quantile(samples, 1.0);
        println!(
            "{what}: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
            ms(p50),
            ms(p99),
            ms(max)
        );
    }
    c.close().await;
}
