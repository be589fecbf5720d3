//! The real binary as a process: restart after `kill -9`, graceful SIGTERM,
//! the generated admin secret.

use crate::on_both_databases;
use crate::support::{Db, FreshDb};
use serde_json::{Value, json};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub(crate) struct Proc {
    pub(crate) child: Child,
    pub(crate) base: String,
    stdout: String,
    /// The server's WARN and ERROR log lines (at most 1000), as it wrote them.
    pub(crate) warnings: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl Proc {
    /// A request to `path` on this server with the bearer `token`.
    fn request(&self, method: reqwest::Method, path: &str, token: &str) -> reqwest::RequestBuilder {
        crate::support::http_client()
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(token)
    }

    /// GETs `path` with `token`; answers the JSON body.
    async fn get_json(&self, path: &str, token: &str) -> Value {
        let r = self.request(reqwest::Method::GET, path, token).send();
        r.await.unwrap().json().await.unwrap()
    }

    /// SIGTERM; asserts the process then exits 0 within 20 s.
    fn terminate(&mut self) {
        sigterm(&self.child);
        assert!(wait_exit(&mut self.child, Duration::from_secs(20)).success());
    }
}

/// A test that fails leaves no server behind.
impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `linkplane serve` on port 0 and waits for its "listening" line.
fn spawn(db_url: &str, admin: Option<&str>) -> Proc {
    spawn_with(db_url, admin, &[])
}

/// [`spawn`] with extra environment variables.
pub(crate) fn spawn_with(db_url: &str, admin: Option<&str>, env: &[(&str, &str)]) -> Proc {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_linkplane"));
    cmd.arg("serve")
        .env("LINKPLANE_DATABASE_URL", db_url)
        .env("LINKPLANE_LISTEN", "127.0.0.1:0")
        .env("LINKPLANE_LOG_FORMAT", "json")
        .env("RUST_LOG", "info")
        .env_remove("LINKPLANE_ADMIN_TOKEN")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(a) = admin {
        cmd.env("LINKPLANE_ADMIN_TOKEN", a);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("spawn linkplane");
    let stderr = child.stderr.take().expect("stderr");
    let (tx, rx) = std::sync::mpsc::channel();
    let warnings = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let kept = warnings.clone();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            // flatten_event: fields sit at the top level of each JSON line.
            let Ok(v) = serde_json::from_str::<Value>(&line) else {
                continue;
            };
            if v["message"] == "linkplane listening" {
                let addr = v["addr"].as_str().unwrap_or_default().to_string();
                let _ = tx.send(addr);
            } else if (v["level"] == "WARN" || v["level"] == "ERROR")
                && let Ok(mut w) = kept.lock()
                && w.len() < 1000
            {
                w.push(line);
            }
        }
    });
    let addr = rx
        .recv_timeout(Duration::from_secs(30))
        .expect("server did not report its address");
    // What the server printed to stdout before listening (the admin secret, once).
    let mut stdout = String::new();
    if let Some(out) = child.stdout.take() {
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        while let Ok(line) = rx.recv_timeout(Duration::from_millis(200)) {
            stdout.push_str(&line);
            stdout.push('\n');
        }
    }
    Proc {
        child,
        base: format!("http://{addr}"),
        stdout,
        warnings,
    }
}

fn wait_exit(child: &mut Child, within: Duration) -> std::process::ExitStatus {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("try_wait") {
            return status;
        }
        assert!(
            start.elapsed() < within,
            "process did not exit within {within:?}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn sigterm(child: &Child) {
    let ok = Command::new("kill")
        .arg("-TERM")
        .arg(child.id().to_string())
        .status()
        .expect("kill");
    assert!(ok.success());
}

on_both_databases!(survives_kill_9_without_losing_data);

/// Create, `kill -9`, restart on the same database: everything is there and
/// the keys still work.
async fn survives_kill_9_without_losing_data(db: Db) {
    let fresh = FreshDb::new(db).await;
    let mut p = spawn(&fresh.url, Some("admin-secret"));
    let r = p
        .request(reqwest::Method::POST, "/v1/accounts", "admin-secret")
        .json(&json!({"name": "durable", "account_id": "123456789012"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let key: Value = p
        .request(reqwest::Method::POST, "/v1/api-keys", "admin-secret")
        .json(&json!({"principal_arn": "arn:aws:iam::123456789012:root"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let secret = key["secret"].as_str().unwrap().to_string();
    p.child.kill().expect("kill -9");
    p.child.wait().expect("reap");

    let mut p = spawn(&fresh.url, Some("admin-secret"));
    let acct = p.get_json("/v1/accounts/123456789012", &secret).await;
    assert_eq!(acct["name"], "durable");
    p.terminate();
}

/// Without LINKPLANE_ADMIN_TOKEN, the first start prints a generated secret
/// once; a restart prints nothing and the secret still works.
#[tokio::test]
async fn generated_admin_secret_is_printed_once_and_persists() {
    let fresh = FreshDb::new(Db::Sqlite).await;
    let mut p = spawn(&fresh.url, None);
    let secret = p
        .stdout
        .split_whitespace()
        .find(|w| w.starts_with("lpadmin_"))
        .unwrap_or_else(|| panic!("no admin secret printed: {:?}", p.stdout))
        .to_string();
    let me = p.get_json("/v1/whoami", &secret).await;
    assert_eq!(me["principal_type"], "admin");
    p.terminate();

    let mut p = spawn(&fresh.url, None);
    assert!(
        !p.stdout.contains("lpadmin_"),
        "printed twice: {}",
        p.stdout
    );
    let r = p
        .request(reqwest::Method::GET, "/v1/whoami", &secret)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    p.terminate();
}

/// SIGTERM while a request waits on the database: the request completes,
/// then the process exits 0.
#[tokio::test]
async fn sigterm_finishes_requests_in_flight() {
    let fresh = FreshDb::new(Db::Sqlite).await;
    let mut p = spawn(&fresh.url, Some("admin-secret"));
    // Hold SQLite's write lock so the next create waits (busy timeout 5 s).
    sqlx::any::install_default_drivers();
    let mut blocker = <sqlx::AnyConnection as sqlx::Connection>::connect(&fresh.url)
        .await
        .unwrap();
    sqlx::raw_sql("BEGIN IMMEDIATE")
        .execute(&mut blocker)
        .await
        .unwrap();
    let base = p.base.clone();
    let in_flight = tokio::spawn(async move {
        crate::support::http_client()
            .post(format!("{base}/v1/accounts"))
            .bearer_auth("admin-secret")
            .json(&json!({"name": "in-flight"}))
            .send()
            .await
            .map(|r| r.status().as_u16())
    });
    tokio::time::sleep(Duration::from_millis(400)).await;
    sigterm(&p.child);
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert!(
        p.child.try_wait().unwrap().is_none(),
        "exited with a request in flight"
    );
    sqlx::raw_sql("COMMIT").execute(&mut blocker).await.unwrap();
    let status = in_flight
        .await
        .unwrap()
        .expect("the in-flight request got an answer");
    assert_eq!(status, 201);
    assert!(wait_exit(&mut p.child, Duration::from_secs(20)).success());
}

on_both_databases!(every_write_needs_only_one_connection);

/// With one database connection (`LINKPLANE_DB_MAX_CONNECTIONS=1`) every
/// write still completes at once: none reads through the pool while its
/// own transaction holds the only connection. (Deleting a route table and
/// detaching an internet gateway did: with one connection they hung until
/// the pool's acquire timeout; with writers queued on SQLite's write lock
/// holding every other connection, each such delete stalled the whole
/// server for the 5 s busy timeout and failed the queued writes with 503.)
async fn every_write_needs_only_one_connection(db: Db) {
    let fresh = FreshDb::new(db).await;
    let mut p = spawn_with(
        &fresh.url,
        Some("admin-secret"),
        &[("LINKPLANE_DB_MAX_CONNECTIONS", "1")],
    );
    let _ = crate::support::http_client();
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    let base = p.base.clone();
    let call = |m: reqwest::Method, path: String, token: String, body: Option<Value>| {
        let (http, base) = (http.clone(), base.clone());
        async move {
            let mut req = http
                .request(m.clone(), format!("{base}{path}"))
                .bearer_auth(token);
            if let Some(b) = body {
                req = req.json(&b);
            }
            let r = req
                .send()
                .await
                .unwrap_or_else(|e| panic!("{m} {path} got no answer within 5 s: {e}"));
            let status = r.status();
            let v: Value = r.json().await.unwrap_or(Value::Null);
            assert!(status.is_success(), "{m} {path}: {status} {v}");
            v
        }
    };
    use reqwest::Method as M;
    let admin = || "admin-secret".to_string();
    let acct = call(
        M::POST,
        "/v1/accounts".into(),
        admin(),
        Some(json!({"name": "one"})),
    )
    .await;
    let key = call(
        M::POST,
        "/v1/api-keys".into(),
        admin(),
        Some(json!({"principal_arn": acct["root_principal_arn"]})),
    )
    .await;
    let t = || key["secret"].as_str().unwrap().to_string();
    let s = |v: &Value| v.as_str().unwrap().to_string();
    let zones = call(
        M::GET,
        "/v1/regions/us-east-1/availability-zones".into(),
        t(),
        None,
    )
    .await;
    let zone = |i: usize| zones["items"][i]["zone_id"].clone();
    let vpc = call(
        M::POST,
        "/v1/vpcs".into(),
        t(),
        Some(json!({"cidr_block": "10.0.0.0/16"})),
    )
    .await;
    let vpc_id = s(&vpc["vpc_id"]);
    let main = s(&vpc["main_route_table_id"]);
    call(
        M::PATCH,
        format!("/v1/vpcs/{vpc_id}"),
        t(),
        Some(json!({"enable_dns_hostnames": true, "tags": {"a": "b"}})),
    )
    .await;
    let mut subnets = Vec::new();
    for i in 0..2 {
        let sub = call(
            M::POST,
            "/v1/subnets".into(),
            t(),
            Some(json!({"vpc_id": vpc_id, "cidr_block": format!("10.0.{i}.0/24"), "availability_zone_id": zone(i)})),
        )
        .await;
        subnets.push(s(&sub["subnet_id"]));
    }
    // Security groups, rules, interfaces.
    let sg = call(
        M::POST,
        "/v1/security-groups".into(),
        t(),
        Some(json!({"vpc_id": vpc_id, "group_name": "g", "description": "d"})),
    )
    .await;
    let sg_id = s(&sg["group_id"]);
    let sg = call(
        M::POST,
        format!("/v1/security-groups/{sg_id}/rules"),
        t(),
        Some(json!({"direction": "ingress", "protocol": "tcp", "from_port": 443, "to_port": 443, "cidr": "10.0.0.0/8"})),
    )
    .await;
    let rule = s(&sg["ingress"][0]["security_group_rule_id"]);
    call(
        M::DELETE,
        format!("/v1/security-groups/{sg_id}/rules/{rule}"),
        t(),
        None,
    )
    .await;
    let eni = call(
        M::POST,
        "/v1/network-interfaces".into(),
        t(),
        Some(json!({"subnet_id": subnets[0], "security_group_ids": [sg_id]})),
    )
    .await;
    let eni_id = s(&eni["network_interface_id"]);
    // Route tables, routes, associations.
    let rtb = call(
        M::POST,
        "/v1/route-tables".into(),
        t(),
        Some(json!({"vpc_id": vpc_id})),
    )
    .await;
    let rtb_id = s(&rtb["route_table_id"]);
    call(
        M::POST,
        format!("/v1/route-tables/{rtb_id}/routes"),
        t(),
        Some(json!({"destination_cidr_block": "172.16.0.0/24", "network_interface_id": eni_id})),
    )
    .await;
    call(
        M::DELETE,
        format!("/v1/route-tables/{rtb_id}/routes?destination=172.16.0.0%2F24"),
        t(),
        None,
    )
    .await;
    let assoc = call(
        M::POST,
        format!("/v1/route-tables/{rtb_id}/associations"),
        t(),
        Some(json!({"subnet_id": subnets[1]})),
    )
    .await;
    call(
        M::DELETE,
        format!(
            "/v1/route-tables/{rtb_id}/associations/{}",
            s(&assoc["association_id"])
        ),
        t(),
        None,
    )
    .await;
    call(M::DELETE, format!("/v1/route-tables/{rtb_id}"), t(), None).await;
    // Internet gateway: attach, a route, detach, delete.
    let igw = call(
        M::POST,
        "/v1/internet-gateways".into(),
        t(),
        Some(json!({})),
    )
    .await;
    let igw_id = s(&igw["internet_gateway_id"]);
    call(
        M::POST,
        format!("/v1/internet-gateways/{igw_id}/attach"),
        t(),
        Some(json!({"vpc_id": vpc_id})),
    )
    .await;
    call(
        M::POST,
        format!("/v1/route-tables/{main}/routes"),
        t(),
        Some(json!({"destination_cidr_block": "0.0.0.0/0", "gateway_id": igw_id})),
    )
    .await;
    call(
        M::POST,
        format!("/v1/internet-gateways/{igw_id}/detach"),
        t(),
        Some(json!({"vpc_id": vpc_id})),
    )
    .await;
    call(
        M::DELETE,
        format!("/v1/internet-gateways/{igw_id}"),
        t(),
        None,
    )
    .await;
    let nat = call(
        M::POST,
        "/v1/nat-gateways".into(),
        t(),
        Some(json!({"subnet_id": subnets[0], "connectivity_type": "private"})),
    )
    .await;
    call(
        M::DELETE,
        format!("/v1/nat-gateways/{}", s(&nat["nat_gateway_id"])),
        t(),
        None,
    )
    .await;
    // A load balancer, a service, an endpoint to it, its connection.
    let lb = call(
        M::POST,
        "/v1/load-balancers".into(),
        t(),
        Some(json!({"name": "lb", "subnet_ids": subnets})),
    )
    .await;
    let arn = s(&lb["load_balancer_arn"]);
    let svc = call(
        M::POST,
        "/v1/endpoint-services".into(),
        t(),
        Some(json!({"network_load_balancer_arns": [arn]})),
    )
    .await;
    let svc_id = s(&svc["service_id"]);
    call(
        M::POST,
        format!("/v1/endpoint-services/{svc_id}/allowed-principals"),
        t(),
        Some(json!({"principals": [acct["root_principal_arn"]]})),
    )
    .await;
    call(
        M::PATCH,
        format!("/v1/endpoint-services/{svc_id}"),
        t(),
        Some(json!({"tags": {"a": "b"}})),
    )
    .await;
    let ep = call(
        M::POST,
        "/v1/vpc-endpoints".into(),
        t(),
        Some(json!({"vpc_endpoint_type": "interface", "vpc_id": vpc_id, "service_name": svc["service_name"], "subnet_ids": [subnets[0]]})),
    )
    .await;
    let ep_id = s(&ep["vpc_endpoint_id"]);
    call(
        M::POST,
        format!("/v1/endpoint-services/{svc_id}/connections/accept"),
        t(),
        Some(json!({"vpc_endpoint_ids": [ep_id]})),
    )
    .await;
    call(
        M::PATCH,
        format!("/v1/vpc-endpoints/{ep_id}"),
        t(),
        Some(json!({"add_subnet_ids": [subnets[1]]})),
    )
    .await;
    call(M::DELETE, format!("/v1/vpc-endpoints/{ep_id}"), t(), None).await;
    call(
        M::DELETE,
        format!("/v1/endpoint-services/{svc_id}/allowed-principals"),
        t(),
        Some(json!({"principals": [acct["root_principal_arn"]]})),
    )
    .await;
    call(
        M::DELETE,
        format!("/v1/endpoint-services/{svc_id}"),
        t(),
        None,
    )
    .await;
    let arn_path = linkplane::api::encode_segment(&arn);
    call(
        M::DELETE,
        format!("/v1/load-balancers/{arn_path}"),
        t(),
        None,
    )
    .await;
    // And everything away again.
    call(
        M::DELETE,
        format!("/v1/network-interfaces/{eni_id}"),
        t(),
        None,
    )
    .await;
    call(M::DELETE, format!("/v1/security-groups/{sg_id}"), t(), None).await;
    for sub in &subnets {
        call(M::DELETE, format!("/v1/subnets/{sub}"), t(), None).await;
    }
    call(M::DELETE, format!("/v1/vpcs/{vpc_id}"), t(), None).await;
    p.terminate();
}
