//! The harness the HTTP benchmarks share: an in-process server on
//! 127.0.0.1 over a fresh database (a temp SQLite file, or
//! `LINKPLANE_BENCH_DATABASE_URL`), and a keep-alive client acting as the
//! root of a fresh account.

// Each bench uses a part of this module.
#![allow(dead_code)]

use linkplane::app::router;
use linkplane::config::Settings;
use linkplane::state::AppState;
use linkplane::store::Store;
use serde_json::{Value, json};
use std::time::{Duration, Instant};

const ADMIN: &str = "bench-admin-secret";

pub fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// The value at quantile `q` (0..=1) of `samples` (sorted in place).
pub fn quantile(samples: &mut [Duration], q: f64) -> Duration {
    samples.sort();
    let i = ((samples.len() as f64 - 1.0) * q).round() as usize;
    samples.get(i).copied().unwrap_or_default()
}

pub struct Client {
    pub http: reqwest::Client,
    pub base: String,
    pub token: String,
    pub store: Store,
    _dir: tempfile::TempDir,
}

impl Client {
    /// Starts the server and makes an account whose root this client is.
    pub async fn start(title: &str) -> Client {
        let dir = tempfile::tempdir().expect("tempdir");
        let url = std::env::var("LINKPLANE_BENCH_DATABASE_URL")
            .unwrap_or_else(|_| format!("sqlite://{}/bench.db?mode=rwc", dir.path().display()));
        let store = Store::connect(&url, 5).await.expect("connect");
        store.migrate().await.expect("migrate");
        let backend = store.backend().name();
        let (admin, _) = linkplane::service::caller::init_admin(&store, Some(ADMIN))
            .await
            .expect("admin");
        let app = router(AppState::new(store.clone(), Settings::default(), admin));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        tokio::spawn(async move {
            let _ = linkplane::app::serve(
                listener,
                app,
                std::future::pending::<()>(),
                Duration::from_secs(1),
            )
            .await;
        });
        // reqwest is built with `rustls-no-provider`: a plain client needs
        // a process-wide crypto provider (the server's webhook client
        // chooses ring itself).
        let _ = rustls::crypto::ring::default_provider().install_default();
        let c = Client {
            http: reqwest::Client::new(),
            base,
            token: ADMIN.to_string(),
            store,
            _dir: dir,
        }
        .into_new_account("bench")
        .await;
        println!(
            "linkplane {title} benchmark: {backend}, {} cores",
            std::thread::available_parallelism().map_or(0, |n| n.get())
        );
        c
    }

    /// A request to `path` with this client's key.
    fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        self.http
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(&self.token)
    }

    pub async fn post(&self, path: &str, body: Value) -> Value {
        let r = self
            .request(reqwest::Method::POST, path)
            .json(&body)
            .send()
            .await
            .expect("request");
        let status = r.status();
        let v: Value = r.json().await.expect("json");
        assert!(status.is_success(), "POST {path}: {status} {v}");
        v
    }

    /// A GET that must succeed; the response, its body unread.
    async fn get_ok(&self, path: &str) -> reqwest::Response {
        let r = self
            .request(reqwest::Method::GET, path)
            .send()
            .await
            .expect("request");
        assert!(r.status().is_success(), "GET {path}: {}", r.status());
        r
    }

    pub async fn get(&self, path: &str) -> Value {
        self.get_ok(path).await.json().await.expect("json")
    }

    /// GET without decoding the body (for timing reads); answers its length.
    pub async fn get_raw(&self, path: &str) -> usize {
        self.get_ok(path).await.bytes().await.expect("body").len()
    }

    /// Walks every page of the list at `path` (which has a query already)
    /// through `next_token`: the time of each page, and the items seen.
    pub async fn walk_pages(&self, path: &str) -> (Vec<Duration>, usize) {
        let mut times: Vec<Duration> = Vec::new();
        let mut token: Option<String> = None;
        let mut seen = 0usize;
        loop {
            let mut p = path.to_string();
            if let Some(t) = &token {
                p.push_str("&next_token=");
                p.push_str(t);
            }
            let t0 = Instant::now();
            let page = self.get(&p).await;
            times.push(t0.elapsed());
            seen += page["items"].as_array().map_or(0, Vec::len);
            match page["next_token"].as_str() {
                Some(t) => token = Some(t.to_string()),
                None => break,
            }
        }
        (times, seen)
    }

    /// A client for another, new account on the same server.
    pub async fn another_account(&self, name: &str) -> Client {
        Client {
            http: self.http.clone(),
            base: self.base.clone(),
            token: ADMIN.to_string(),
            store: self.store.clone(),
            _dir: tempfile::tempdir().expect("tempdir"),
        }
        .into_new_account(name)
        .await
    }

    /// This (admin) client makes a new account `name`, and becomes the
    /// client of its root.
    async fn into_new_account(mut self, name: &str) -> Client {
        let acct = self.post("/v1/accounts", json!({"name": name})).await;
        let key = self
            .post(
                "/v1/api-keys",
                json!({"principal_arn": acct["root_principal_arn"]}),
            )
            .await;
        self.token = key["secret"].as_str().expect("secret").to_string();
        self
    }

    /// Consumer VPC number `i`: 10.<i/256>.<i%256>.0/24 with one subnet
    /// over all of it in `zone`. Answers the VPC and the subnet.
    pub async fn numbered_vpc(&self, i: usize, zone: &str) -> (Value, Value) {
        let cidr = format!("10.{}.{}.0/24", i / 256, i % 256);
        let vpc = self.post("/v1/vpcs", json!({"cidr_block": cidr})).await;
        let sub = self
            .post(
                "/v1/subnets",
                json!({"vpc_id": vpc["vpc_id"], "cidr_block": cidr, "availability_zone_id": zone}),
            )
            .await;
        (vpc, sub)
    }

    /// The producer's network: a VPC with one subnet over 10.0.0.0/16 in
    /// the region's first zone. Answers the zone id and the subnet.
    pub async fn one_subnet(&self) -> (String, Value) {
        let vpc = self
            .post("/v1/vpcs", json!({"cidr_block": "10.0.0.0/16"}))
            .await;
        let zones = self.get("/v1/regions/us-east-1/availability-zones").await;
        let zone = zones["items"][0]["zone_id"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        let subnet = self
            .post(
                "/v1/subnets",
                json!({"vpc_id": vpc["vpc_id"], "cidr_block": "10.0.0.0/16", "availability_zone_id": zone}),
            )
            .await;
        (zone, subnet)
    }

    /// A network load balancer `name` in `subnet` and an endpoint service
    /// behind it (`acceptance_required` as given, the default when None),
    /// open to every principal.
    pub async fn open_service(
        &self,
        name: &str,
        subnet: &Value,
        acceptance: Option<bool>,
    ) -> Value {
        let lb = self
            .post(
                "/v1/load-balancers",
                json!({"name": name, "subnet_ids": [subnet["subnet_id"]]}),
            )
            .await;
        let mut body = json!({"network_load_balancer_arns": [lb["load_balancer_arn"]]});
        if let Some(a) = acceptance {
            body["acceptance_required"] = json!(a);
        }
        let svc = self.post("/v1/endpoint-services", body).await;
        let id = svc["service_id"].as_str().unwrap_or_default();
        self.post(
            &format!("/v1/endpoint-services/{id}/allowed-principals"),
            json!({"principals": ["*"]}),
        )
        .await;
        svc
    }

    pub async fn close(self) {
        self.store.close().await;
    }
}
