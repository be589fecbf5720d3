//! Request metrics in Prometheus text format, kept in atomics: a request
//! takes a read lock to find its counters and never blocks another.

use crate::store::Store;
use std::collections::HashMap;
use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

/// Latency buckets in seconds.
const BUCKETS: [f64; 12] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0,
];

#[derive(Default)]
struct Histogram {
    buckets: [AtomicU64; BUCKETS.len()],
    count: AtomicU64,
    sum_micros: AtomicU64,
}

#[derive(Default)]
pub struct Metrics {
    requests: RwLock<HashMap<(String, String, u16), Arc<AtomicU64>>>,
    latency: RwLock<HashMap<(String, String), Arc<Histogram>>>,
}

impl Metrics {
    pub fn record(&self, method: &str, route: &str, status: u16, elapsed: Duration) {
        let key = (method.to_string(), route.to_string(), status);
        let counter = {
            let map = self.requests.read().unwrap_or_else(|e| e.into_inner());
            map.get(&key).cloned()
        };
        let counter = counter.unwrap_or_else(|| {
            let mut map = self.requests.write().unwrap_or_else(|e| e.into_inner());
            map.entry(key).or_default().clone()
        });
        counter.fetch_add(1, Ordering::Relaxed);

        let hkey = (method.to_string(), route.to_string());
        let hist = {
            let map = self.latency.read().unwrap_or_else(|e| e.into_inner());
            map.get(&hkey).cloned()
        };
        let hist = hist.unwrap_or_else(|| {
            let mut map = self.latency.write().unwrap_or_else(|e| e.into_inner());
            map.entry(hkey).or_default().clone()
        });
        let secs = elapsed.as_secs_f64();
        for (i, le) in BUCKETS.iter().enumerate() {
            if secs <= *le {
                hist.buckets[i].fetch_add(1, Ordering::Relaxed);
            }
        }
        hist.count.fetch_add(1, Ordering::Relaxed);
        hist.sum_micros
            .fetch_add(elapsed.as_micros() as u64, Ordering::Relaxed);
    }

    pub fn render(&self, store: &Store) -> String {
        let mut out = String::new();
        out.push_str(
            "# HELP linkplane_http_requests_total HTTP requests by method, route and status.\n",
        );
        out.push_str("# TYPE linkplane_http_requests_total counter\n");
        {
            let map = self.requests.read().unwrap_or_else(|e| e.into_inner());
            let mut rows: Vec<_> = map.iter().collect();
            rows.sort_by(|a, b| a.0.cmp(b.0));
            for ((method, route, status), n) in rows {
                let _ = writeln!(
                    out,
                    "linkplane_http_requests_total{{method=\"{method}\",route=\"{route}\",status=\"{status}\"}} {}",
                    n.load(Ordering::Relaxed)
                );
            }
        }
        out.push_str("# HELP linkplane_http_request_duration_seconds HTTP request latency.\n");
        out.push_str("# TYPE linkplane_http_request_duration_seconds histogram\n");
        {
            let map = self.latency.read().unwrap_or_else(|e| e.into_inner());
            let mut rows: Vec<_> = map.iter().collect();
            rows.sort_by(|a, b| a.0.cmp(b.0));
            for ((method, route), h) in rows {
                let labels = format!("method=\"{method}\",route=\"{route}\"");
                for (i, le) in BUCKETS.iter().enumerate() {
                    let _ = writeln!(
                        out,
                        "linkplane_http_request_duration_seconds_bucket{{{labels},le=\"{le}\"}} {}",
                        h.buckets[i].load(Ordering::Relaxed)
                    );
                }
                let count = h.count.load(Ordering::Relaxed);
                let _ = writeln!(
                    out,
                    "linkplane_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {count}"
                );
                let _ = writeln!(
                    out,
                    "linkplane_http_request_duration_seconds_sum{{{labels}}} {}",
                    h.sum_micros.load(Ordering::Relaxed) as f64 / 1e6
                );
                let _ = writeln!(
                    out,
                    "linkplane_http_request_duration_seconds_count{{{labels}}} {count}"
                );
            }
        }
        let (size, idle, max) = store.pool_stats();
        let backend = store.backend().name();
        out.push_str("# HELP linkplane_db_pool_connections Database pool connections by state.\n");
        out.push_str("# TYPE linkplane_db_pool_connections gauge\n");
        let in_use = (size as usize).saturating_sub(idle);
        let _ = writeln!(
            out,
            "linkplane_db_pool_connections{{backend=\"{backend}\",state=\"in_use\"}} {in_use}"
        );
        let _ = writeln!(
            out,
            "linkplane_db_pool_connections{{backend=\"{backend}\",state=\"idle\"}} {idle}"
        );
        out.push_str("# HELP linkplane_db_pool_max_connections The pool's connection limit.\n");
        out.push_str("# TYPE linkplane_db_pool_max_connections gauge\n");
        let _ = writeln!(
            out,
            "linkplane_db_pool_max_connections{{backend=\"{backend}\"}} {max}"
        );
        out
    }
}
