//! The real binary as a process: restart after `kill -9`, graceful SIGTERM,
//! the generated admin secret.

use crate::on_both_databases;
use crate::support::{Db, FreshDb};
use serde_json::{Value, json};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Proc {
    child: Child,
    base: String,
    stdout: String,
}

/// Starts `linkplane serve` on port 0 and waits for its "listening" line.
fn spawn(db_url: &str, admin: Option<&str>) -> Proc {
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
    let mut child = cmd.spawn().expect("spawn linkplane");
    let stderr = child.stderr.take().expect("stderr");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            // flatten_event: fields sit at the top level of each JSON line.
            if let Ok(v) = serde_json::from_str::<Value>(&line)
                && v["message"] == "linkplane listening"
            {
                let addr = v["addr"].as_str().unwrap_or_default().to_string();
                let _ = tx.send(addr);
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
    let http = crate::support::http_client();
    let mut p = spawn(&fresh.url, Some("admin-secret"));
    let r = http
        .post(format!("{}/v1/accounts", p.base))
        .bearer_auth("admin-secret")
        .json(&json!({"name": "durable", "account_id": "123456789012"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let key: Value = http
        .post(format!("{}/v1/api-keys", p.base))
        .bearer_auth("admin-secret")
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
    let acct: Value = http
        .get(format!("{}/v1/accounts/123456789012", p.base))
        .bearer_auth(&secret)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(acct["name"], "durable");
    sigterm(&p.child);
    assert!(wait_exit(&mut p.child, Duration::from_secs(20)).success());
}

/// Without LINKPLANE_ADMIN_TOKEN, the first start prints a generated secret
/// once; a restart prints nothing and the secret still works.
#[tokio::test]
async fn generated_admin_secret_is_printed_once_and_persists() {
    let fresh = FreshDb::new(Db::Sqlite).await;
    let http = crate::support::http_client();
    let mut p = spawn(&fresh.url, None);
    let secret = p
        .stdout
        .split_whitespace()
        .find(|w| w.starts_with("lpadmin_"))
        .unwrap_or_else(|| panic!("no admin secret printed: {:?}", p.stdout))
        .to_string();
    let me: Value = http
        .get(format!("{}/v1/whoami", p.base))
        .bearer_auth(&secret)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["principal_type"], "admin");
    sigterm(&p.child);
    assert!(wait_exit(&mut p.child, Duration::from_secs(20)).success());

    let mut p = spawn(&fresh.url, None);
    assert!(
        !p.stdout.contains("lpadmin_"),
        "printed twice: {}",
        p.stdout
    );
    let r = http
        .get(format!("{}/v1/whoami", p.base))
        .bearer_auth(&secret)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    sigterm(&p.child);
    assert!(wait_exit(&mut p.child, Duration::from_secs(20)).success());
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
