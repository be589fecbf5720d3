//! Route resolution throughput and snapshot build time over the seeded
//! synthetic network of `resolve::synth` (6 subnets, 20 extra routes per
//! table, 4 interfaces per subnet per VPC).
//!
//! Run: `cargo bench -p linkplane-core --bench resolve`. Before the groups
//! run, one line per N gives a single timed `Snapshot::build`, the
//! snapshot's size and the resident memory it added (`/proc/self/status`
//! VmRSS before and after; approximate, Linux only).
//!
//! Groups (throughput in queries):
//! - `resolve/ip_full_trace/N`: destinations given as addresses;
//! - `resolve/dns_policy_lb/N`: names through an endpoint policy or the
//!   load balancer leg (`endpoint_name`, `s3`, `sqs`, `policy_deny`);
//! - `resolve/mix/1000`: the whole query mix;
//! - `snapshot_build/N`: `Snapshot::build` on a generated network.
// A benchmark stops at the first thing that goes wrong, with what it was doing.
#![allow(clippy::expect_used)]

use criterion::{
    BenchmarkId, Criterion, SamplingMode, Throughput, criterion_group, criterion_main,
};
use linkplane_core::resolve::synth::{Generated, OwnedQuery, Params, generate};
use linkplane_core::resolve::{Query, Snapshot};
use std::hint::black_box;
use std::time::{Duration, Instant};

const SIZES: [usize; 3] = [100, 1_000, 10_000];

struct Case {
    n: usize,
    generated: Generated,
    snapshot: Snapshot,
}

/// Resident set size in KiB, if `/proc` says.
fn rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn cases() -> Vec<Case> {
    SIZES
        .iter()
        .map(|&n| {
            let generated = generate(&Params::with_vpcs(n));
            let before = rss_kib();
            let start = Instant::now();
            let snapshot = Snapshot::build(&generated.network);
            let took = start.elapsed();
            let after = rss_kib();
            let (vpcs, subnets, enis, blocks) = snapshot.size();
            let mem = match (before, after) {
                (Some(b), Some(a)) => format!("{:.1} MiB", a.saturating_sub(b) as f64 / 1024.0),
                _ => "unknown".to_string(),
            };
            println!(
                "snapshot N={n}: one build {took:.2?}; {vpcs} VPCs, {subnets} subnets, \
                 {enis} interfaces, {blocks} route blocks; RSS added by the build ~{mem}; \
                 {} queries generated",
                generated.queries.len()
            );
            Case {
                n,
                generated,
                snapshot,
            }
        })
        .collect()
}

fn select<'a>(qs: &'a [OwnedQuery], keep: impl Fn(&OwnedQuery) -> bool) -> Vec<Query<'a>> {
    let out: Vec<Query<'a>> = qs
        .iter()
        .filter(|q| keep(q))
        .map(OwnedQuery::as_query)
        .collect();
    assert!(!out.is_empty(), "the query mix has queries of this class");
    out
}

fn is_ip(q: &OwnedQuery) -> bool {
    q.host.is_none()
}

fn is_dns_policy_lb(q: &OwnedQuery) -> bool {
    matches!(q.kind, "endpoint_name" | "s3" | "sqs" | "policy_deny")
}

/// Resolves the queries in turn, one per iteration.
fn run(
    group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    n: usize,
    snap: &Snapshot,
    qs: &[Query<'_>],
) {
    // Every query must be answerable (the sources exist).
    for q in qs {
        snap.resolve(q).expect("generated sources exist");
    }
    group.bench_with_input(BenchmarkId::from_parameter(n), qs, |b, qs| {
        let mut i = 0;
        b.iter(|| {
            let q = &qs[i];
            i += 1;
            if i == qs.len() {
                i = 0;
            }
            black_box(snap.resolve(black_box(q)).expect("generated sources exist"))
        });
    });
}

fn resolve_groups(c: &mut Criterion, cases: &[Case]) {
    let tune = |g: &mut criterion::BenchmarkGroup<'_, _>| {
        g.throughput(Throughput::Elements(1))
            .warm_up_time(Duration::from_secs(1))
            .measurement_time(Duration::from_secs(6))
            .sample_size(60);
    };

    let mut g = c.benchmark_group("resolve/ip_full_trace");
    tune(&mut g);
    for case in cases {
        let qs = select(&case.generated.queries, is_ip);
        run(&mut g, case.n, &case.snapshot, &qs);
    }
    g.finish();

    let mut g = c.benchmark_group("resolve/dns_policy_lb");
    tune(&mut g);
    for case in cases {
        let qs = select(&case.generated.queries, is_dns_policy_lb);
        run(&mut g, case.n, &case.snapshot, &qs);
    }
    g.finish();

    let mut g = c.benchmark_group("resolve/mix");
    tune(&mut g);
    for case in cases.iter().filter(|c| c.n == 1_000) {
        let qs = select(&case.generated.queries, |_| true);
        run(&mut g, case.n, &case.snapshot, &qs);
    }
    g.finish();
}

fn build_group(c: &mut Criterion, cases: &[Case]) {
    let mut g = c.benchmark_group("snapshot_build");
    g.sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_secs(1));
    for case in cases {
        let net = &case.generated.network;
        if case.n >= 10_000 {
            g.sample_size(10).measurement_time(Duration::from_secs(15));
        } else {
            g.sample_size(20).measurement_time(Duration::from_secs(5));
        }
        g.bench_with_input(BenchmarkId::from_parameter(case.n), net, |b, net| {
            b.iter_with_large_drop(|| Snapshot::build(black_box(net)));
        });
    }
    g.finish();
}

fn cpu_ns() -> u64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

fn time_min(snap: &Snapshot, qs: &[Query<'_>]) -> f64 {
    let reps = (300_000 / qs.len()).max(1);
    let mut best = f64::MAX;
    for _ in 0..7 {
        let start = cpu_ns();
        for _ in 0..reps {
            for q in qs {
                black_box(snap.resolve(black_box(q)).expect("x"));
            }
        }
        best = best.min((cpu_ns() - start) as f64 / (reps * qs.len()) as f64);
    }
    best
}

fn kinds(cases: &[Case]) {
    for case in cases {
        let mut kinds: Vec<&str> = case.generated.queries.iter().map(|q| q.kind).collect();
        kinds.sort_unstable();
        kinds.dedup();
        let mut line = format!("N={}:", case.n);
        let g = &case.generated.queries;
        let s = &case.snapshot;
        line.push_str(&format!(
            " IP={:.0} DNS={:.0} MIX={:.0} |",
            time_min(s, &select(g, is_ip)),
            time_min(s, &select(g, is_dns_policy_lb)),
            time_min(s, &select(g, |_| true))
        ));
        for k in kinds {
            let qs = select(g, |q| q.kind == k);
            line.push_str(&format!(" {k}={:.0}", time_min(s, &qs)));
        }
        println!("{line}");
    }
}

fn benches(c: &mut Criterion) {
    let cases = cases();
    if std::env::var_os("KINDS").is_some() {
        kinds(&cases);
        return;
    }
    resolve_groups(c, &cases);
    build_group(c, &cases);
}

criterion_group!(resolve, benches);
criterion_main!(resolve);
