//! Network-model benchmark over HTTP (keep-alive, one client, in-process
//! server on 127.0.0.1, a fresh database):
//!
//! 1. 10,000 network interfaces created one after another in one /16 subnet:
//!    the time of each thousand, to show that allocation does not slow down
//!    as the subnet fills;
//! 2. 100,000 subnets (25 VPCs of 4,000 /28 subnets), then every page of
//!    `GET /v1/subnets?max_results=100` from first to last: keyset
//!    pagination makes the last page as fast as the first.
//!
//! Run:
//!
//! ```text
//! cargo bench --bench network    # SQLite (temp file)
//! LINKPLANE_BENCH_DATABASE_URL=postgres://... cargo bench --bench network
//! ```
//!
//! Environment: `BENCH_INTERFACES` (default 10000), `BENCH_SUBNETS`
//! (default 100000). The run stops by itself.
// A benchmark stops at the first thing that goes wrong, with what it was doing.
#![allow(clippy::expect_used)]

mod common;

use common::{Client, env_usize, ms};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let interfaces = env_usize("BENCH_INTERFACES", 10_000);
    let subnets = env_usize("BENCH_SUBNETS", 100_000);
    let c = Client::start("network").await;

    // 1. Interfaces in one /16 subnet.
    let vpc = c
        .post("/v1/vpcs", json!({"cidr_block": "10.0.0.0/16"}))
        .await;
    let subnet = c
        .post(
            "/v1/subnets",
            json!({"vpc_id": vpc["vpc_id"], "cidr_block": "10.0.0.0/16"}),
        )
        .await;
    println!();
    println!(
        "== {interfaces} network interfaces in one /16 subnet (POST /v1/network-interfaces, sequential)"
    );
    println!("{:>14} {:>12} {:>16}", "interfaces", "ms", "mean ms/create");
    let mut block = Instant::now();
    let total = Instant::now();
    let mut last_ip = Value::Null;
    for i in 1..=interfaces {
        let e = c
            .post(
                "/v1/network-interfaces",
                json!({"subnet_id": subnet["subnet_id"]}),
            )
            .await;
        last_ip = e["private_ip"].clone();
        if i % 1000 == 0 {
            let d = block.elapsed();
            println!(
                "{:>14} {:>12.0} {:>16.3}",
                format!("{}-{}", i - 999, i),
                ms(d),
                ms(d) / 1000.0
            );
            block = Instant::now();
        }
    }
    let s = c
        .get(&format!(
            "/v1/subnets/{}",
            subnet["subnet_id"].as_str().unwrap_or_default()
        ))
        .await;
    println!(
        "total {:.1} s; last address {last_ip}; available_ip_address_count {}",
        total.elapsed().as_secs_f64(),
        s["available_ip_address_count"]
    );

    // 2. 100,000 subnets, then every page.
    let per_vpc = 4000usize;
    let vpcs = subnets.div_ceil(per_vpc);
    println!();
    println!(
        "== {subnets} subnets ({vpcs} VPCs of up to {per_vpc} /28 subnets), then every page of 100"
    );
    let seed = Instant::now();
    let mut made = 0usize;
    for v in 0..vpcs {
        let vpc = c
            .post(
                "/v1/vpcs",
                json!({"cidr_block": format!("10.{}.0.0/16", 100 + v)}),
            )
            .await;
        for k in 0..per_vpc.min(subnets - made) {
            let cidr = format!("10.{}.{}.{}/28", 100 + v, k / 16, (k % 16) * 16);
            c.post(
                "/v1/subnets",
                json!({"vpc_id": vpc["vpc_id"], "cidr_block": cidr}),
            )
            .await;
            made += 1;
        }
    }
    println!(
        "seeded {made} subnets in {:.1} s ({:.0} creates/s)",
        seed.elapsed().as_secs_f64(),
        made as f64 / seed.elapsed().as_secs_f64()
    );
    let (times, seen) = c.walk_pages("/v1/subnets?max_results=100").await;
    let mean = |d: &[Duration]| ms(d.iter().sum::<Duration>()) / d.len().max(1) as f64;
    let n = times.len();
    let k = 10.min(n);
    println!("listed {seen} subnets in {n} pages");
    println!(
        "first page {:.2} ms, last page {:.2} ms",
        ms(times[0]),
        ms(times[n - 1])
    );
    println!(
        "mean of the first {k} pages {:.2} ms, of the last {k} pages {:.2} ms, of all {:.2} ms",
        mean(&times[..k]),
        mean(&times[n - k..]),
        mean(&times)
    );
    c.close().await;
}
