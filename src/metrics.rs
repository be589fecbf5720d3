//! Request metrics in the Prometheus text format (0.0.4), kept by
//! `prometheus-client`: its families hand a request the counter of its
//! labels under a read lock, so one request never blocks another.

use crate::store::Store;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::encoding::prometheus_text;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::{Family, MetricConstructor};
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;
use std::time::Duration;

/// The content type of what [`Metrics::render`] writes.
pub const CONTENT_TYPE: &str = prometheus_text::CONTENT_TYPE;

/// Latency buckets in seconds.
const BUCKETS: [f64; 12] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0,
];

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: String,
    route: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    method: String,
    route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PoolLabels {
    backend: &'static str,
    state: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct BackendLabels {
    backend: &'static str,
}

#[derive(Clone)]
struct LatencyBuckets;

impl MetricConstructor<Histogram> for LatencyBuckets {
    fn new_metric(&self) -> Histogram {
        Histogram::new(BUCKETS)
    }
}

pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<RouteLabels, Histogram, LatencyBuckets>,
    pool: Family<PoolLabels, Gauge>,
    pool_max: Family<BackendLabels, Gauge>,
}

impl Default for Metrics {
    fn default() -> Self {
        let requests = Family::<RequestLabels, Counter>::default();
        let latency = Family::new_with_constructor(LatencyBuckets);
        let pool = Family::<PoolLabels, Gauge>::default();
        let pool_max = Family::<BackendLabels, Gauge>::default();
        let mut registry = Registry::default();
        // Counters are named without `_total`: the encoder appends it.
        registry.register(
            "linkplane_http_requests",
            "HTTP requests by method, route and status",
            requests.clone(),
        );
        registry.register(
            "linkplane_http_request_duration_seconds",
            "HTTP request latency",
            latency.clone(),
        );
        registry.register(
            "linkplane_db_pool_connections",
            "Database pool connections by state",
            pool.clone(),
        );
        registry.register(
            "linkplane_db_pool_max_connections",
            "The pool's connection limit",
            pool_max.clone(),
        );
        Metrics {
            registry,
            requests,
            latency,
            pool,
            pool_max,
        }
    }
}

impl Metrics {
    pub fn record(&self, method: &str, route: &str, status: u16, elapsed: Duration) {
        self.requests
            .get_or_create(&RequestLabels {
                method: method.to_string(),
                route: route.to_string(),
                status,
            })
            .inc();
        self.latency
            .get_or_create(&RouteLabels {
                method: method.to_string(),
                route: route.to_string(),
            })
            .observe(elapsed.as_secs_f64());
    }

    /// Everything recorded so far, with the database pool as it is now.
    pub fn render(&self, store: &Store) -> String {
        let (size, idle, max) = store.pool_stats();
        let backend = store.backend().name();
        let in_use = (size as usize).saturating_sub(idle);
        for (state, n) in [("in_use", in_use), ("idle", idle)] {
            self.pool
                .get_or_create(&PoolLabels { backend, state })
                .set(i64::try_from(n).unwrap_or(i64::MAX));
        }
        self.pool_max
            .get_or_create(&BackendLabels { backend })
            .set(i64::from(max));
        let mut out = String::new();
        // Writing into a String cannot fail.
        let _ = prometheus_text::encode(&mut out, &self.registry);
        out
    }
}
