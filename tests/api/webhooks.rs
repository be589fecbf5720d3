//! https webhooks: a sink on 127.0.0.1 that presents the self-signed
//! certificate of `fixtures/`, trusted through `LINKPLANE_WEBHOOK_CA_FILE`
//! (`Settings::webhook_ca_file`) or not trusted at all.

use crate::on_both_databases;
use crate::support::{
    Actor, Db, Deliveries, FreshDb, TestServer, WEBHOOK_TLS_CERT, WEBHOOK_TLS_KEY, hook_sink, s,
};
use linkplane::config::Settings;
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

on_both_databases!(
    https_webhooks_to_a_trusted_sink_get_signed_events,
    untrusted_https_webhooks_fail_and_are_retried,
    webhook_redirects_are_not_followed,
);

/// An https server on 127.0.0.1 with the fixture certificate: `POST /hook`
/// answers 200 and keeps each body with its signature header; handshakes
/// the client broke off (it did not trust the certificate) are counted.
struct HttpsSink {
    url: String,
    seen: Deliveries,
    refused: Arc<AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

/// A TLS listener for `axum::serve`: it hands over connections whose
/// handshake succeeded and counts the others.
struct TlsListener {
    tcp: tokio::net::TcpListener,
    acceptor: tokio_rustls::TlsAcceptor,
    refused: Arc<AtomicUsize>,
}

impl axum::serve::Listener for TlsListener {
    type Io = tokio_rustls::server::TlsStream<tokio::net::TcpStream>;
    type Addr = std::net::SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            let Ok((tcp, addr)) = self.tcp.accept().await else {
                continue;
            };
            match self.acceptor.accept(tcp).await {
                Ok(tls) => return (tls, addr),
                Err(_) => {
                    self.refused.fetch_add(1, Ordering::SeqCst);
                }
            }
        }
    }

    fn local_addr(&self) -> std::io::Result<Self::Addr> {
        self.tcp.local_addr()
    }
}

impl HttpsSink {
    async fn start() -> HttpsSink {
        use rustls::pki_types::pem::PemObject;
        use rustls::pki_types::{CertificateDer, PrivateKeyDer};
        let certs = vec![CertificateDer::from_pem_file(WEBHOOK_TLS_CERT).unwrap()];
        let key = PrivateKeyDer::from_pem_file(WEBHOOK_TLS_KEY).unwrap();
        let tls = rustls::ServerConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .unwrap();
        let (app, seen) = hook_sink(0);
        let refused: Arc<AtomicUsize> = Arc::default();
        let tcp = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("https://{}/hook", tcp.local_addr().unwrap());
        let listener = TlsListener {
            tcp,
            acceptor: tokio_rustls::TlsAcceptor::from(Arc::new(tls)),
            refused: refused.clone(),
        };
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        HttpsSink {
            url,
            seen,
            refused,
            task,
        }
    }

    fn delivered(&self) -> Vec<(String, String)> {
        self.seen.lock().unwrap().clone()
    }

    fn refused(&self) -> usize {
        self.refused.load(Ordering::SeqCst)
    }

    /// Waits until `n` deliveries have arrived; answers them.
    async fn wait_for(&self, n: usize) -> Vec<(String, String)> {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let got = self.delivered();
            if got.len() >= n {
                return got;
            }
            assert!(
                Instant::now() < deadline,
                "only {} of {n} deliveries arrived ({} handshakes refused)",
                got.len(),
                self.refused()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for HttpsSink {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// A producer's endpoint service open to everyone, and a consumer with a
/// subnet in the service's zone.
struct Scene {
    producer: Actor,
    consumer: Actor,
    service: Value,
    subnet_id: String,
    vpc_id: String,
}

impl Scene {
    async fn new(s_: &TestServer) -> Scene {
        let [producer, consumer] = s_.accounts(["producer", "consumer"]).await;
        let zone = s_.zones(&producer.token, "us-east-1").await[0].1.clone();
        let zones = [zone];
        let (_, p_subnets) = s_.vpc_with_subnets(&producer, 0, json!({}), &zones).await;
        let service = s_.service_in(&producer, &p_subnets, json!({})).await;
        s_.allow_everyone(&producer.token, &s(&service["service_id"]))
            .await;
        let (vpc, subnets) = s_.vpc_with_subnets(&consumer, 7, json!({}), &zones).await;
        Scene {
            producer,
            consumer,
            service,
            subnet_id: subnets[0].clone(),
            vpc_id: s(&vpc["vpc_id"]),
        }
    }

    fn notifications(&self) -> String {
        format!(
            "/v1/endpoint-services/{}/notifications",
            s(&self.service["service_id"])
        )
    }

    /// The consumer asks for an interface endpoint (a `connect` event).
    async fn connect(&self, s_: &TestServer) -> String {
        let e = s_
            .create(
                "/v1/vpc-endpoints",
                &self.consumer.token,
                json!({"vpc_endpoint_type": "interface", "vpc_id": self.vpc_id,
                       "service_name": self.service["service_name"], "subnet_ids": [self.subnet_id]}),
            )
            .await;
        s(&e["vpc_endpoint_id"])
    }

    /// The producer's one notification, as listed.
    async fn notification(&self, s_: &TestServer) -> Value {
        s_.get(&self.notifications(), &self.producer.token)
            .await
            .body["items"][0]
            .clone()
    }
}

/// With the sink's certificate in `LINKPLANE_WEBHOOK_CA_FILE`, an https
/// webhook gets connect, accept and delete, each signed with the secret;
/// https URLs follow `LINKPLANE_WEBHOOK_ALLOWED_HOSTS` as http ones do.
async fn https_webhooks_to_a_trusted_sink_get_signed_events(db: Db) {
    let sink = HttpsSink::start().await;
    let fresh = FreshDb::new(db).await;
    let settings = Settings {
        webhook_ca_file: Some(WEBHOOK_TLS_CERT.into()),
        webhook_allowed_hosts: vec!["127.0.0.1".to_string()],
        ..Settings::default()
    };
    let s_ = TestServer::on_url(db, &fresh.url, settings).await;
    let sc = Scene::new(&s_).await;
    let (nfs, token) = (sc.notifications(), sc.producer.token.clone());
    s_.post(
        &nfs,
        &token,
        json!({"webhook_url": "https://hooks.example.com/h", "events": ["connect"]}),
    )
    .await
    .assert_problem(400, "InvalidParameterValue");
    let n = s_
        .create(
            &nfs,
            &token,
            json!({"webhook_url": sink.url, "events": ["connect", "accept", "delete"]}),
        )
        .await;
    assert_eq!(n["webhook_url"], sink.url.as_str());
    let secret = s(&n["signing_secret"]);

    let eid = sc.connect(&s_).await;
    s_.post(
        &format!(
            "/v1/endpoint-services/{}/connections/accept",
            s(&sc.service["service_id"])
        ),
        &token,
        json!({"vpc_endpoint_ids": [eid]}),
    )
    .await;
    s_.delete(&format!("/v1/vpc-endpoints/{eid}"), &sc.consumer.token)
        .await;

    let mut events: Vec<String> = Vec::new();
    for (sig, body) in sink.wait_for(3).await {
        assert_eq!(
            sig,
            linkplane::service::notification::signature(&secret, body.as_bytes())
        );
        let v: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(v["vpc_endpoint_id"], eid.as_str());
        events.push(s(&v["event"]));
    }
    events.sort();
    assert_eq!(events, ["accept", "connect", "delete"]);
    assert_eq!(sink.refused(), 0);
    // The sink has the last body before the sender has recorded its 200:
    // the outbox row is marked delivered after the response arrives.
    let deadline = Instant::now() + Duration::from_secs(5);
    let status = loop {
        let status = sc.notification(&s_).await;
        let done = status["pending_deliveries"] == 0 && status["last_delivery_status"] == "200";
        if done || Instant::now() > deadline {
            break status;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert_eq!(status["pending_deliveries"], 0, "{status}");
    assert_eq!(status["last_delivery_status"], "200", "{status}");
    s_.stop().await;
}

/// Without the CA file the sink's self-signed certificate is not trusted:
/// each attempt is a refused handshake, nothing is delivered, and the
/// notification says why and keeps the event pending. Restarted with the
/// CA file on the same database, the server delivers the same event.
async fn untrusted_https_webhooks_fail_and_are_retried(db: Db) {
    let sink = HttpsSink::start().await;
    let fresh = FreshDb::new(db).await;
    let s_ = TestServer::on_url(db, &fresh.url, Settings::default()).await;
    let sc = Scene::new(&s_).await;
    let n = s_
        .create(
            &sc.notifications(),
            &sc.producer.token,
            json!({"webhook_url": sink.url, "events": ["connect"]}),
        )
        .await;
    let secret = s(&n["signing_secret"]);
    let eid = sc.connect(&s_).await;

    // Two failed attempts, the first and its retry, as the notification
    // records them (each attempt stamps last_delivery_time).
    let mut stamps: Vec<Value> = Vec::new();
    let mut status = Value::Null;
    let deadline = Instant::now() + Duration::from_secs(20);
    while stamps.len() < 2 {
        assert!(Instant::now() < deadline, "{status}");
        tokio::time::sleep(Duration::from_millis(20)).await;
        status = sc.notification(&s_).await;
        let stamp = status["last_delivery_time"].clone();
        if !stamp.is_null() && stamps.last() != Some(&stamp) {
            stamps.push(stamp);
        }
    }
    // The next retry is at least 400 ms away: stop before it, so no attempt
    // is cut off (its delivery would stay leased to this server for 30 s).
    s_.stop().await;
    let reason = s(&status["last_delivery_status"]);
    assert!(
        reason.starts_with("error: ") && reason.contains("certificate"),
        "{status}"
    );
    assert_eq!(status["pending_deliveries"], 1, "{status}");
    let deadline = Instant::now() + Duration::from_secs(5);
    while sink.refused() < 2 {
        assert!(Instant::now() < deadline, "{} handshakes", sink.refused());
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(sink.delivered().is_empty());

    let settings = Settings {
        webhook_ca_file: Some(WEBHOOK_TLS_CERT.into()),
        ..Settings::default()
    };
    let s_ = TestServer::on_url(db, &fresh.url, settings).await;
    let delivered = sink.wait_for(1).await;
    assert_eq!(delivered.len(), 1);
    let (sig, body) = &delivered[0];
    assert_eq!(
        sig,
        &linkplane::service::notification::signature(&secret, body.as_bytes())
    );
    let v: Value = serde_json::from_str(body).unwrap();
    assert_eq!(
        (s(&v["event"]), s(&v["vpc_endpoint_id"])),
        ("connect".to_string(), eid)
    );
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        // A read between the delivery's commit and its count can see the
        // old status with no delivery pending: wait for both.
        let status = sc.notification(&s_).await;
        if status["pending_deliveries"] == 0 && status["last_delivery_status"] == "200" {
            break;
        }
        assert!(Instant::now() < deadline, "{status}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    s_.stop().await;
}

/// `linkplane serve` with a CA file it cannot use stops at start, naming
/// the setting and the file, before it touches the database or binds.
#[test]
fn a_bad_webhook_ca_file_stops_the_server_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("never.db");
    for (file, why) in [
        ("/nonexistent/ca.pem", "No such file"),
        (WEBHOOK_TLS_KEY, "no PEM certificates"),
    ] {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_linkplane"))
            .arg("serve")
            .env(
                "LINKPLANE_DATABASE_URL",
                format!("sqlite://{}?mode=rwc", db.display()),
            )
            .env("LINKPLANE_LISTEN", "127.0.0.1:0")
            .env("LINKPLANE_ADMIN_TOKEN", "unused")
            .env("LINKPLANE_WEBHOOK_CA_FILE", file)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(30);
        while child.try_wait().unwrap().is_none() {
            if Instant::now() > deadline {
                let _ = child.kill();
                panic!("linkplane serve kept running with LINKPLANE_WEBHOOK_CA_FILE={file}");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{stderr}");
        assert!(
            stderr.contains(&format!("LINKPLANE_WEBHOOK_CA_FILE {file}")) && stderr.contains(why),
            "{stderr}"
        );
        assert!(!db.exists(), "the database was opened");
    }
}

/// A machine with no CA roots to read (here `SSL_CERT_FILE` names an empty
/// file) and no CA file still serves: https webhooks will fail, and the
/// log says so at start.
#[test]
fn no_system_ca_roots_is_a_warning_not_a_stop() {
    use std::io::BufRead;
    let dir = tempfile::tempdir().unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_linkplane"))
        .arg("serve")
        .env(
            "LINKPLANE_DATABASE_URL",
            format!("sqlite://{}?mode=rwc", dir.path().join("l.db").display()),
        )
        .env("LINKPLANE_LISTEN", "127.0.0.1:0")
        .env("LINKPLANE_ADMIN_TOKEN", "unused")
        .env("LINKPLANE_LOG_FORMAT", "json")
        .env("RUST_LOG", "info")
        .env("SSL_CERT_FILE", "/dev/null")
        .env_remove("SSL_CERT_DIR")
        .env_remove("LINKPLANE_WEBHOOK_CA_FILE")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stderr)
            .lines()
            .map_while(Result::ok)
        {
            let v: Value = serde_json::from_str(&line).unwrap_or_default();
            if tx.send(s(&v["message"])).is_err() {
                break;
            }
        }
    });
    let mut messages = Vec::new();
    while let Ok(m) = rx.recv_timeout(Duration::from_secs(30)) {
        let listening = m == "linkplane listening";
        messages.push(m);
        if listening {
            break;
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(
        messages.last().map(String::as_str),
        Some("linkplane listening"),
        "{messages:?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.starts_with("no CA certificates to trust: https webhooks will fail")),
        "{messages:?}"
    );
}

/// A webhook on an allowed host that answers `307` to another host: the
/// redirect is not followed (the signed body would reach a host the
/// allow-list never allowed); the delivery fails with the status and stays
/// pending.
async fn webhook_redirects_are_not_followed(db: Db) {
    // The host the redirect points at: it must never be reached.
    let elsewhere_hits = Arc::new(AtomicUsize::new(0));
    let hits = elsewhere_hits.clone();
    let elsewhere = axum::Router::new().fallback(move || {
        let hits = hits.clone();
        async move {
            hits.fetch_add(1, Ordering::SeqCst);
            axum::http::StatusCode::OK
        }
    });
    let far = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let far_url = format!("http://{}/stolen", far.local_addr().unwrap());
    let far_task = tokio::spawn(async move {
        let _ = axum::serve(far, elsewhere).await;
    });
    // The allowed webhook, which redirects every POST there.
    let asked = Arc::new(AtomicUsize::new(0));
    let seen = asked.clone();
    let redirecting = axum::Router::new().fallback(move || {
        let (seen, far_url) = (seen.clone(), far_url.clone());
        async move {
            seen.fetch_add(1, Ordering::SeqCst);
            (
                axum::http::StatusCode::TEMPORARY_REDIRECT,
                [(axum::http::header::LOCATION, far_url)],
            )
        }
    });
    let near = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let hook = format!("http://{}/hook", near.local_addr().unwrap());
    let near_task = tokio::spawn(async move {
        let _ = axum::serve(near, redirecting).await;
    });

    let s_ = TestServer::start(db).await;
    let sc = Scene::new(&s_).await;
    s_.create(
        &sc.notifications(),
        &sc.producer.token,
        json!({"webhook_url": hook, "events": ["connect"]}),
    )
    .await;
    sc.connect(&s_).await;
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        let n = sc.notification(&s_).await;
        if asked.load(Ordering::SeqCst) >= 1 && !n["last_delivery_status"].is_null() {
            break n;
        }
        assert!(Instant::now() < deadline, "no delivery was attempted: {n}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(status["last_delivery_status"], "307", "{status}");
    assert_eq!(status["pending_deliveries"], 1, "{status}");
    // Give a wrongly followed redirect time to land.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(elsewhere_hits.load(Ordering::SeqCst), 0);
    s_.stop().await;
    near_task.abort();
    far_task.abort();
}
