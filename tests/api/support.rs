//! Test harness: the real server on 127.0.0.1:0 over a fresh database
//! (a new SQLite file, or a new Postgres schema), driven over HTTP.

#![allow(dead_code)]

use linkplane::app::router;
use linkplane::config::Settings;
use linkplane::state::AppState;
use linkplane::store::Store;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::time::Duration;

pub const ADMIN: &str = "test-admin-secret";

/// The servers' LINKPLANE_AWS_SECRETS_KEY (API keys' SigV4 secrets).
pub const SEALING_KEY: &str = "8f2c1d0e4b5a69788796a5b4c3d2e1f00112233445566778899aabbccddeeff0";

/// A plain client for the server under test. reqwest is built with
/// `rustls-no-provider` (the server picks ring for its webhook client
/// explicitly), so a client made with `Client::new()` needs a process-wide
/// crypto provider: ring, installed once.
pub fn http_client() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::new()
}

/// The self-signed certificate (for 127.0.0.1 and localhost) of the test
/// https webhook sinks, and its key; see `fixtures/README.md`.
pub const WEBHOOK_TLS_CERT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/api/fixtures/webhook-tls-cert.pem"
);
pub const WEBHOOK_TLS_KEY: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/api/fixtures/webhook-tls-key.pem"
);

/// A JSON string as an owned `String` (empty for anything else).
pub fn s(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_string()
}

/// A JSON string as an owned `String`; panics on anything else.
#[track_caller]
pub fn string(v: &Value) -> String {
    v.as_str().expect("a JSON string").to_string()
}

/// The object `body` with the fields of the object `extra` added (or
/// replaced).
pub fn with_fields(mut body: Value, extra: Value) -> Value {
    if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
        b.extend(e.clone());
    }
    body
}

/// What a test webhook sink accepted: a (signature, body) a delivery.
pub type Deliveries = std::sync::Arc<std::sync::Mutex<Vec<(String, String)>>>;

/// A webhook sink: `POST /hook` answers its first `fail_first` deliveries
/// 500 and records each later one, its `x-linkplane-signature` and body.
pub fn hook_sink(fail_first: usize) -> (axum::Router, Deliveries) {
    let seen = Deliveries::default();
    let attempts = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let app = {
        let seen = seen.clone();
        axum::Router::new().route(
            "/hook",
            axum::routing::post(move |headers: axum::http::HeaderMap, body: String| {
                let (seen, attempts) = (seen.clone(), attempts.clone());
                async move {
                    let attempt = attempts.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    if attempt < fail_first {
                        return axum::http::StatusCode::INTERNAL_SERVER_ERROR;
                    }
                    let sig = headers
                        .get("x-linkplane-signature")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or_default()
                        .to_string();
                    seen.lock().expect("deliveries").push((sig, body));
                    axum::http::StatusCode::OK
                }
            }),
        )
    };
    (app, seen)
}

/// Which database a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Db {
    Sqlite,
    Postgres,
}

/// A fresh, empty database: its URL and what removes it afterwards.
pub struct FreshDb {
    pub url: String,
    _dir: Option<tempfile::TempDir>,
    pg_schema: Option<(String, String)>,
}

impl FreshDb {
    pub async fn new(db: Db) -> FreshDb {
        match db {
            Db::Sqlite => {
                let dir = tempfile::tempdir().expect("tempdir");
                let url = format!(
                    "sqlite://{}?mode=rwc",
                    dir.path().join("linkplane.db").display()
                );
                FreshDb {
                    url,
                    _dir: Some(dir),
                    pg_schema: None,
                }
            }
            Db::Postgres => {
                let base = std::env::var("LINKPLANE_TEST_POSTGRES_URL")
                    .expect("LINKPLANE_TEST_POSTGRES_URL must be set for Postgres tests");
                let schema = format!("lp_test_{}", uuid::Uuid::new_v4().simple());
                sqlx::any::install_default_drivers();
                let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(&base)
                    .await
                    .expect("connect to LINKPLANE_TEST_POSTGRES_URL");
                sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
                    .execute(&mut conn)
                    .await
                    .expect("create schema");
                let sep = if base.contains('?') { '&' } else { '?' };
                let url = format!("{base}{sep}options=-c%20search_path%3D{schema}");
                FreshDb {
                    url,
                    _dir: None,
                    pg_schema: Some((base, schema)),
                }
            }
        }
    }
}

impl FreshDb {
    /// A fresh database migrated only up to `version` (to write rows as an
    /// older release did), and a store on it.
    pub async fn at_version(db: Db, version: i64) -> (FreshDb, Store) {
        let fresh = FreshDb::new(db).await;
        let store = Store::connect(&fresh.url, 2).await.expect("connect");
        store
            .migrate_to(version)
            .await
            .unwrap_or_else(|e| panic!("migrate to {version}: {e}"));
        (fresh, store)
    }
}

impl Drop for FreshDb {
    fn drop(&mut self) {
        if let Some((base, schema)) = self.pg_schema.take() {
            // Drop the schema from a separate thread: Drop cannot await.
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build();
                if let Ok(rt) = rt {
                    rt.block_on(async {
                        if let Ok(mut c) =
                            <sqlx::AnyConnection as sqlx::Connection>::connect(&base).await
                        {
                            let _ = sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
                                "DROP SCHEMA {schema} CASCADE"
                            )))
                            .execute(&mut c)
                            .await;
                        }
                    });
                }
            })
            .join();
        }
    }
}

/// A running server (in this process) and a client for it.
pub struct TestServer {
    pub base: String,
    pub http: reqwest::Client,
    pub store: Store,
    pub db: Db,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
    workflow: Vec<tokio::task::JoinHandle<()>>,
    _fresh: Option<FreshDb>,
}

impl TestServer {
    pub async fn start(db: Db) -> TestServer {
        TestServer::start_with(db, Settings::default()).await
    }

    /// A server over a fresh database with these settings.
    pub async fn start_with(db: Db, settings: Settings) -> TestServer {
        let fresh = FreshDb::new(db).await;
        let mut s = TestServer::on_url(db, &fresh.url, settings).await;
        s._fresh = Some(fresh);
        s
    }

    /// A server over a fresh database, and a second replica on it.
    pub async fn start_pair(db: Db) -> (TestServer, TestServer) {
        let first = TestServer::start(db).await;
        let second = first.replica().await;
        (first, second)
    }

    /// Another server (a second replica) on the same database.
    pub async fn replica(&self) -> TestServer {
        let url = self
            ._fresh
            .as_ref()
            .map(|f| f.url.clone())
            .expect("primary owns the db");
        TestServer::on_url(self.db, &url, Settings::default()).await
    }

    /// Another replica on the same database without a sealing key (as a
    /// server without LINKPLANE_AWS_SECRETS_KEY).
    pub async fn replica_without_sealing_key(&self) -> TestServer {
        let url = self
            ._fresh
            .as_ref()
            .map(|f| f.url.clone())
            .expect("primary owns the db");
        TestServer::on_url_sealed(self.db, &url, Settings::default(), None).await
    }

    pub async fn on_url(db: Db, url: &str, settings: Settings) -> TestServer {
        let key = linkplane::sealed::SealingKey::from_hex(SEALING_KEY).expect("key");
        TestServer::on_url_sealed(db, url, settings, Some(key)).await
    }

    pub async fn on_url_sealed(
        db: Db,
        url: &str,
        settings: Settings,
        sealing: Option<linkplane::sealed::SealingKey>,
    ) -> TestServer {
        let store = Store::connect(url, 5)
            .await
            .expect("connect store")
            .with_sealing_key(sealing);
        store.migrate().await.expect("migrate");
        let (admin, _) = linkplane::service::caller::init_admin(&store, Some(ADMIN))
            .await
            .expect("admin");
        let webhooks = linkplane::workflow::webhook_client(settings.webhook_ca_file.as_deref())
            .expect("webhook client");
        let tasks = linkplane::workflow::spawn_all(&store, settings.provision_delay, webhooks);
        let app = router(AppState::new(store.clone(), settings, admin));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let _ = linkplane::app::serve(
                listener,
                app,
                async move {
                    let _ = rx.await;
                },
                Duration::from_secs(5),
            )
            .await;
        });
        TestServer {
            base,
            http: http_client(),
            store,
            db,
            shutdown: Some(tx),
            task: Some(task),
            workflow: tasks,
            _fresh: None,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Sends a request with an optional bearer and JSON body.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Resp {
        let mut req = self.http.request(method, self.url(path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        Resp::from(req.send().await.expect("request")).await
    }

    pub async fn get(&self, path: &str, token: &str) -> Resp {
        self.call(Method::GET, path, Some(token), None).await
    }

    pub async fn post(&self, path: &str, token: &str, body: Value) -> Resp {
        self.call(Method::POST, path, Some(token), Some(body)).await
    }

    /// Allows every principal (`*`) to connect to `service_id`; the owner's
    /// `token`. Panics unless it succeeds.
    pub async fn allow_everyone(&self, token: &str, service_id: &str) {
        let r = self
            .post(
                &format!("/v1/endpoint-services/{service_id}/allowed-principals"),
                token,
                serde_json::json!({"principals": ["*"]}),
            )
            .await;
        assert!(r.status.is_success(), "allow *: {}", r.body);
    }

    pub async fn delete(&self, path: &str, token: &str) -> Resp {
        self.call(Method::DELETE, path, Some(token), None).await
    }

    pub async fn put(&self, path: &str, token: &str, body: Value) -> Resp {
        self.call(Method::PUT, path, Some(token), Some(body)).await
    }

    /// A DELETE with a JSON body.
    pub async fn delete_with(&self, path: &str, token: &str, body: Value) -> Resp {
        self.call(Method::DELETE, path, Some(token), Some(body))
            .await
    }

    pub async fn patch(&self, path: &str, token: &str, body: Value) -> Resp {
        self.call(Method::PATCH, path, Some(token), Some(body))
            .await
    }

    /// POSTs and asserts 201; answers the body.
    pub async fn create(&self, path: &str, token: &str, body: Value) -> Value {
        let r = self.post(path, token, body).await;
        assert_eq!(r.status, StatusCode::CREATED, "POST {path}: {}", r.body);
        r.body
    }

    /// The caller's zones of a region: (zone name, zone id), by name.
    pub async fn zones(&self, token: &str, region: &str) -> Vec<(String, String)> {
        let r = self
            .get(&format!("/v1/regions/{region}/availability-zones"), token)
            .await;
        let mut z: Vec<(String, String)> = r.body["items"]
            .as_array()
            .expect("zones")
            .iter()
            .map(|z| {
                (
                    z["zone_name"].as_str().expect("name").to_string(),
                    z["zone_id"].as_str().expect("id").to_string(),
                )
            })
            .collect();
        z.sort();
        z
    }

    /// PATCHes JSON with `If-Match: etag`.
    pub async fn patch_if_match(&self, path: &str, token: &str, etag: &str, body: Value) -> Resp {
        let req = self
            .http
            .patch(self.url(path))
            .bearer_auth(token)
            .header("if-match", etag)
            .json(&body);
        self.send(req).await
    }

    /// POSTs JSON with one extra header.
    pub async fn call_with_header(
        &self,
        path: &str,
        token: &str,
        name: &str,
        value: &str,
        body: Value,
    ) -> Resp {
        let req = self
            .http
            .post(self.url(path))
            .bearer_auth(token)
            .header(name, value)
            .json(&body);
        Resp::from(req.send().await.expect("request")).await
    }

    /// Sends raw bytes as the body.
    pub async fn post_raw(&self, path: &str, token: &str, body: impl Into<reqwest::Body>) -> Resp {
        let req = self
            .http
            .post(self.url(path))
            .bearer_auth(token)
            .header("content-type", "application/json")
            .body(body);
        Resp::from(req.send().await.expect("request")).await
    }

    // ---- scenario helpers ----

    /// Creates an account (as admin) and a key for its root.
    pub async fn account(&self, name: &str) -> Actor {
        let r = self
            .post("/v1/accounts", ADMIN, json!({"name": name}))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let account_id = r.body["account_id"]
            .as_str()
            .expect("account_id")
            .to_string();
        let arn = r.body["root_principal_arn"]
            .as_str()
            .expect("root arn")
            .to_string();
        let token = self.key_for(ADMIN, &arn).await;
        Actor {
            account_id,
            arn,
            token,
        }
    }

    /// Creates a user or role in `owner`'s account and a key for it.
    pub async fn principal(&self, owner: &Actor, kind: &str, name: &str) -> Actor {
        let r = self
            .post(
                &format!("/v1/accounts/{}/principals", owner.account_id),
                &owner.token,
                json!({"type": kind, "name": name}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let arn = r.body["arn"].as_str().expect("arn").to_string();
        let token = self.key_for(&owner.token, &arn).await;
        Actor {
            account_id: owner.account_id.clone(),
            arn,
            token,
        }
    }

    /// An endpoint service of `who` behind a new NLB in two zones of a new
    /// VPC (10.0.0.0/16); `extra` adds fields to the create. Answers the
    /// service.
    pub async fn endpoint_service(&self, who: &Actor, extra: Value) -> Value {
        let zone_ids = self.zone_ids(who, 2).await;
        let (_, subnets) = self.vpc_with_subnets(who, 0, json!({}), &zone_ids).await;
        self.service_in(who, &subnets, extra).await
    }

    /// An endpoint service of `who` behind a new NLB (`api`) in these
    /// subnets; `extra` adds fields to the create. Answers the service.
    pub async fn service_in(&self, who: &Actor, subnets: &[String], extra: Value) -> Value {
        let lb = self.load_balancer(who, "api", "network", subnets).await;
        let arns = json!({"network_load_balancer_arns": [lb["load_balancer_arn"]]});
        let body = with_fields(arns, extra);
        self.create("/v1/endpoint-services", &who.token, body).await
    }

    /// The ids of the first `n` zones of us-east-1, as `who` sees them.
    pub async fn zone_ids(&self, who: &Actor, n: usize) -> Vec<String> {
        let zones = self.zones(&who.token, "us-east-1").await;
        zones.into_iter().take(n).map(|(_, id)| id).collect()
    }

    /// Creates a subnet of `who` (201 asserted); answers it.
    pub async fn subnet(&self, who: &Actor, vpc_id: &str, cidr: &str, zone_id: &str) -> Value {
        let body = json!({"vpc_id": vpc_id, "cidr_block": cidr, "availability_zone_id": zone_id});
        self.create("/v1/subnets", &who.token, body).await
    }

    /// A VPC of `who`, `10.{octet}.0.0/16` with the fields of `extra`, and a
    /// subnet `10.{octet}.{i}.0/24` in the i-th of `zone_ids`: the VPC and
    /// the ids of its subnets.
    pub async fn vpc_with_subnets(
        &self,
        who: &Actor,
        octet: u8,
        extra: Value,
        zone_ids: &[String],
    ) -> (Value, Vec<String>) {
        let body = with_fields(json!({"cidr_block": format!("10.{octet}.0.0/16")}), extra);
        let vpc = self.create("/v1/vpcs", &who.token, body).await;
        let vpc_id = s(&vpc["vpc_id"]);
        let mut subnets = Vec::new();
        for (i, zone_id) in zone_ids.iter().enumerate() {
            let cidr = format!("10.{octet}.{i}.0/24");
            let sub = self.subnet(who, &vpc_id, &cidr, zone_id).await;
            subnets.push(s(&sub["subnet_id"]));
        }
        (vpc, subnets)
    }

    /// Creates a load balancer of `who` of this type (`network`,
    /// `gateway`) in these subnets (201 asserted); answers it.
    pub async fn load_balancer(
        &self,
        who: &Actor,
        name: &str,
        kind: &str,
        subnets: &[String],
    ) -> Value {
        let body = json!({"name": name, "type": kind, "subnet_ids": subnets});
        self.create("/v1/load-balancers", &who.token, body).await
    }

    /// Creates the public DNS zone `name` of `who` (201 asserted); answers it.
    pub async fn create_zone(&self, who: &Actor, name: &str) -> Value {
        self.create("/v1/public-dns/zones", &who.token, json!({"name": name}))
            .await
    }

    /// New accounts with these names (see `account`).
    pub async fn accounts<const N: usize>(&self, names: [&str; N]) -> [Actor; N] {
        let mut made = Vec::with_capacity(N);
        for name in names {
            made.push(self.account(name).await);
        }
        made.try_into().expect("one actor a name")
    }

    /// GETs a list, asserts 200, and answers its `items`.
    pub async fn items(&self, path: &str, token: &str) -> Vec<Value> {
        let r = self.get(path, token).await;
        assert_eq!(r.status, StatusCode::OK, "GET {path}: {}", r.text);
        r.body["items"].as_array().expect("items").clone()
    }

    /// POSTs and asserts 200; answers the body.
    pub async fn post_ok(&self, path: &str, token: &str, body: Value) -> Value {
        let r = self.post(path, token, body).await;
        assert_eq!(r.status, StatusCode::OK, "POST {path}: {}", r.text);
        r.body
    }

    /// Sends a request built on this server's client.
    pub async fn send(&self, req: reqwest::RequestBuilder) -> Resp {
        Resp::from(req.send().await.expect("request")).await
    }

    pub async fn key_for(&self, creator: &str, arn: &str) -> String {
        let r = self
            .post("/v1/api-keys", creator, json!({"principal_arn": arn}))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        r.body["secret"].as_str().expect("secret").to_string()
    }

    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.task.take() {
            let _ = t.await;
        }
        for t in self.workflow.drain(..) {
            t.abort();
        }
        self.store.close().await;
    }
}

/// A principal with its key.
#[derive(Debug, Clone)]
pub struct Actor {
    pub account_id: String,
    pub arn: String,
    pub token: String,
}

/// A response, read whole.
#[derive(Debug)]
pub struct Resp {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
    pub text: String,
}

impl Resp {
    pub async fn from(r: reqwest::Response) -> Resp {
        let status = r.status();
        let headers = r.headers().clone();
        let text = r.text().await.expect("body");
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        Resp {
            status,
            headers,
            body,
            text,
        }
    }

    /// The `detail` of a problem; panics when there is none.
    #[track_caller]
    pub fn detail(&self) -> &str {
        self.body["detail"].as_str().expect("a problem detail")
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Asserts a problem+json error with this status and code.
    #[track_caller]
    pub fn assert_problem(&self, status: u16, code: &str) {
        assert_eq!(self.status.as_u16(), status, "body: {}", self.text);
        assert_eq!(
            self.header("content-type"),
            Some("application/problem+json"),
            "body: {}",
            self.text
        );
        assert_eq!(self.body["code"], code, "body: {}", self.text);
        assert_eq!(self.body["status"], status);
        for field in ["type", "title", "detail", "request_id"] {
            assert!(
                self.body[field].is_string(),
                "problem lacks {field}: {}",
                self.text
            );
        }
        assert_eq!(
            self.body["request_id"].as_str(),
            self.header("x-request-id"),
            "request_id must match the x-request-id header"
        );
    }
}

/// Runs a scenario on SQLite and, when LINKPLANE_TEST_POSTGRES_URL is set at
/// build time, on Postgres (otherwise the Postgres case is reported ignored).
#[macro_export]
macro_rules! on_both_databases {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    super::$name($crate::support::Db::Sqlite).await
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                #[cfg_attr(not(linkplane_pg_tests), ignore = "LINKPLANE_TEST_POSTGRES_URL is not set: Postgres case skipped")]
                async fn postgres() {
                    super::$name($crate::support::Db::Postgres).await
                }
            }
        )*
    };
}
