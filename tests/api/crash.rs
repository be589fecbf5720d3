//! `kill -9` under concurrent write load: the real binary as a process,
//! [`WORKERS`] writers (each a tokio task with its own keep-alive client)
//! creating, changing and deleting VPCs, subnets, interfaces, security
//! groups and rules, route tables, routes and associations, load balancers,
//! endpoint services and their allowed principals, interface endpoints
//! (interfaces in several subnets) and deciding their connections, while the
//! server is killed with SIGKILL at random moments and restarted on the same
//! database. Writers own what they make; they also all put interfaces in two
//! shared subnets, so that address allocation in one subnet is contended.
//!
//! Every writer keeps a model of what it owns, built only from answers it
//! got. A request that got no answer (the process died under it, or a 503)
//! is an unknown outcome: after the restart the writer finds out what
//! happened (creates are retried with the same `Idempotency-Key`, which must
//! replay the first one or make exactly one; other writes are read back and
//! must show the state before or after, nothing in between). Then, with the
//! writers paused, the whole state is checked against the union of the
//! models: every acknowledged create readable and equal to what was
//! acknowledged, every acknowledged delete gone, nothing else in any list
//! (no half-made or orphaned resource), and the derived facts consistent
//! (subnet address counts, the free address ranges in the database, the
//! interfaces of endpoints and load balancers, route states, each service's
//! connections).
//!
//! `LINKPLANE_CRASH_SEED=<u64>` replays the writers' and the killer's
//! choices (where the kills land among the requests still depends on timing).

use crate::on_both_databases;
use crate::process::{Proc, spawn_with};
use crate::support::{Db, FreshDb};
use linkplane::api::encode_segment as enc;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use reqwest::Method;
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, watch};

on_both_databases!(kill_9_under_concurrent_writes);

/// Concurrent writers.
const WORKERS: usize = 12;
/// Kill/restart rounds: at least this many...
const MIN_ROUNDS: usize = 4;
/// ...and at most this many, while the time budget lasts.
const MAX_ROUNDS: usize = 8;
/// No new round starts after this much time.
const BUDGET: Duration = Duration::from_secs(40);
/// How long writers run before a kill: a random moment in this range (ms).
const LOAD_MS: (u64, u64) = (700, 3000);
/// A server's provisioning delay, so that the workflow has work to do.
const PROVISION_DELAY_MS: &str = "40";
const ADMIN: &str = "crash-admin-secret";
/// Every request's own limit; hitting it is reported as a defect.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// Refusals tolerated (and counted) where a write races the provisioning
/// workflow moving the same row from `pending` to `available`: none. A
/// write whose version check loses that race runs its transaction again
/// (it answered 409 `IncorrectState`, or 412 without any If-Match, before).
const WORKFLOW_RACE: &[&str] = &[];

// ---------------------------------------------------------------- harness

/// The server process; killed when dropped (a failing test leaves none).
struct Server {
    proc: Option<Proc>,
}

impl Server {
    fn start(url: &str) -> Server {
        let p = spawn_with(
            url,
            Some(ADMIN),
            &[
                ("LINKPLANE_PROVISION_DELAY_MS", PROVISION_DELAY_MS),
                ("RUST_LOG", "warn,linkplane=info,linkplane::app=warn"),
            ],
        );
        Server { proc: Some(p) }
    }

    fn base(&self) -> String {
        self.proc
            .as_ref()
            .map(|p| p.base.clone())
            .unwrap_or_default()
    }

    fn alive(&mut self) -> bool {
        self.proc
            .as_mut()
            .is_some_and(|p| p.child.try_wait().ok().flatten().is_none())
    }

    /// SIGKILL and reap; answers the server's WARN/ERROR lines.
    fn kill9(&mut self) -> Vec<String> {
        let Some(mut p) = self.proc.take() else {
            return Vec::new();
        };
        p.child.kill().expect("kill -9");
        p.child.wait().expect("reap");
        // Let the stderr reader drain what the process wrote last.
        std::thread::sleep(Duration::from_millis(20));
        p.warnings.lock().map(|w| w.clone()).unwrap_or_default()
    }

    /// SIGTERM; answers whether it exited 0 within 20 s.
    fn terminate(&mut self) -> bool {
        let Some(mut p) = self.proc.take() else {
            return false;
        };
        let sent = std::process::Command::new("kill")
            .arg("-TERM")
            .arg(p.child.id().to_string())
            .status()
            .is_ok_and(|s| s.success());
        let start = Instant::now();
        while sent && start.elapsed() < Duration::from_secs(20) {
            if let Ok(Some(status)) = p.child.try_wait() {
                return status.success();
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = p.child.kill();
        let _ = p.child.wait();
        false
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(p) = self.proc.as_mut() {
            let _ = p.child.kill();
            let _ = p.child.wait();
        }
    }
}

fn st(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_string()
}

fn strs(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| a.iter().map(st).collect())
        .unwrap_or_default()
}

fn set_of(v: &Value) -> BTreeSet<String> {
    strs(v).into_iter().collect()
}

/// The first difference between two objects outside `ignore`, if any.
fn diff(expected: &Value, actual: &Value, ignore: &[&str]) -> Option<String> {
    let (Some(e), Some(a)) = (expected.as_object(), actual.as_object()) else {
        return (expected != actual).then(|| format!("{expected} != {actual}"));
    };
    let keys: BTreeSet<&String> = e.keys().chain(a.keys()).collect();
    for k in keys {
        if ignore.contains(&k.as_str()) {
            continue;
        }
        if e.get(k) != a.get(k) {
            return Some(format!(
                "{k}: acknowledged {} but read {}",
                e.get(k).unwrap_or(&Value::Null),
                a.get(k).unwrap_or(&Value::Null)
            ));
        }
    }
    None
}

/// An IPv4 address as a number.
fn ip_num(s: &str) -> Option<u32> {
    let o: Vec<u32> = s.split('.').filter_map(|x| x.parse().ok()).collect();
    (o.len() == 4).then(|| (o[0] << 24) | (o[1] << 16) | (o[2] << 8) | o[3])
}

/// (first, last) address of a CIDR block.
fn cidr_bounds(c: &str) -> Option<(u32, u32)> {
    let (ip, len) = c.split_once('/')?;
    let len: u32 = len.parse().ok()?;
    let size = 1u64 << (32 - len);
    let first = ip_num(ip)?;
    Some((first, (u64::from(first) + size - 1) as u32))
}

// ---------------------------------------------------------------- model

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Acct {
    P,
    C,
}

#[derive(Clone, Debug)]
struct Vpc {
    acct: Acct,
    json: Value,
    main_rtb: String,
    default_sg: String,
    slots: BTreeSet<u8>,
    octet: u8,
}

#[derive(Clone, Debug)]
struct Subnet {
    acct: Acct,
    vpc: String,
    zone: String,
    slot: u8,
    json: Value,
}

/// A workload interface (the writer's own; requester-managed ones belong
/// to endpoints and load balancers).
#[derive(Clone, Debug)]
struct Eni {
    subnet: String,
    vpc: String,
    sgs: Vec<String>,
    json: Value,
}

#[derive(Clone, Debug)]
struct Sg {
    acct: Acct,
    vpc: String,
    default: bool,
    /// As created; None for a VPC's default group (checked by its shape).
    json: Option<Value>,
    rules: BTreeSet<String>,
}

#[derive(Clone, Debug)]
struct Rtb {
    acct: Acct,
    vpc: String,
    main: bool,
    /// As created; None for a VPC's main table (checked by its shape).
    json: Option<Value>,
    /// User routes: destination -> target interface.
    routes: BTreeMap<String, String>,
    /// Explicit associations: id -> subnet.
    assocs: BTreeMap<String, String>,
}

#[derive(Clone, Debug)]
struct Lb {
    subnets: Vec<String>,
    enis: Vec<String>,
    json: Value,
    /// A service used it (deleting it may race the service's removal).
    had_service: bool,
}

#[derive(Clone, Debug)]
struct Svc {
    name: String,
    lb: String,
    zones: BTreeSet<String>,
    json: Value,
    acceptance: bool,
    principals: BTreeSet<String>,
    available: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum EpState {
    PendingAcceptance,
    /// `pending` or `available`.
    Accepted,
    Rejected,
    /// `deleting` or `deleted`.
    Deleted,
}

impl EpState {
    fn of(s: &str) -> Option<EpState> {
        Some(match s {
            "pending_acceptance" => EpState::PendingAcceptance,
            "pending" | "available" => EpState::Accepted,
            "rejected" => EpState::Rejected,
            "deleting" | "deleted" => EpState::Deleted,
            _ => return None,
        })
    }

    /// Holds interfaces and counts as a connection of its service.
    fn holds(self) -> bool {
        self != EpState::Deleted
    }

    fn live(self) -> bool {
        matches!(self, EpState::PendingAcceptance | EpState::Accepted)
    }
}

#[derive(Clone, Debug)]
struct Ep {
    vpc: String,
    svc: String,
    json: Value,
    state: EpState,
    subnets: BTreeSet<String>,
    enis: BTreeSet<String>,
    sgs: Vec<String>,
}

/// What a writer owns, as acknowledged.
#[derive(Clone, Debug, Default)]
struct World {
    vpcs: BTreeMap<String, Vpc>,
    subnets: BTreeMap<String, Subnet>,
    enis: BTreeMap<String, Eni>,
    sgs: BTreeMap<String, Sg>,
    rtbs: BTreeMap<String, Rtb>,
    lbs: BTreeMap<String, Lb>,
    svcs: BTreeMap<String, Svc>,
    eps: BTreeMap<String, Ep>,
    /// Deleted since the last check: (account, GET path).
    gone: Vec<(Acct, String)>,
}

/// A kind of resource the writers own.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Vpc,
    Subnet,
    Eni,
    Sg,
    Rtb,
    Lb,
    Svc,
    Ep,
}

impl World {
    /// Where a modelled resource is read, if the model still has it.
    fn path_of(&self, kind: Kind, id: &str) -> Option<(Acct, String)> {
        Some(match kind {
            Kind::Vpc => (self.vpcs.get(id)?.acct, format!("/v1/vpcs/{id}")),
            Kind::Subnet => (self.subnets.get(id)?.acct, format!("/v1/subnets/{id}")),
            Kind::Eni => {
                self.enis.get(id)?;
                (Acct::C, format!("/v1/network-interfaces/{id}"))
            }
            Kind::Sg => (self.sgs.get(id)?.acct, format!("/v1/security-groups/{id}")),
            Kind::Rtb => (self.rtbs.get(id)?.acct, format!("/v1/route-tables/{id}")),
            Kind::Lb => {
                self.lbs.get(id)?;
                (Acct::P, format!("/v1/load-balancers/{}", enc(id)))
            }
            Kind::Svc => {
                self.svcs.get(id)?;
                (Acct::P, format!("/v1/endpoint-services/{id}"))
            }
            Kind::Ep => {
                self.eps.get(id)?;
                (Acct::C, format!("/v1/vpc-endpoints/{id}"))
            }
        })
    }

    /// Differences between the model of a resource and its JSON as read
    /// (only fields the workflow advances or the server derives are left
    /// out, and those are checked by the global invariants).
    fn compare(&self, kind: Kind, id: &str, v: &Value, out: &mut Vec<String>) {
        let mut d = |what: &str, e: &Value, ignore: &[&str]| {
            if let Some(x) = diff(e, v, ignore) {
                out.push(format!("{what} {id}: {x}"));
            }
        };
        match kind {
            Kind::Vpc => {
                if let Some(x) = self.vpcs.get(id) {
                    d("vpc", &x.json, &[]);
                }
            }
            Kind::Subnet => {
                if let Some(x) = self.subnets.get(id) {
                    d("subnet", &x.json, &["available_ip_address_count"]);
                }
            }
            Kind::Eni => {
                if let Some(x) = self.enis.get(id) {
                    d("interface", &x.json, &[]);
                }
            }
            Kind::Lb => {
                if let Some(x) = self.lbs.get(id) {
                    d("load balancer", &x.json, &["state"]);
                }
            }
            Kind::Svc => {
                if let Some(x) = self.svcs.get(id) {
                    d("endpoint service", &x.json, &["service_state"]);
                }
            }
            Kind::Sg => {
                let Some(x) = self.sgs.get(id) else { return };
                if let Some(j) = &x.json {
                    d("security group", j, &["ingress", "egress"]);
                }
                let rules: BTreeSet<String> = ["ingress", "egress"]
                    .iter()
                    .flat_map(|k| v[*k].as_array().cloned().unwrap_or_default())
                    .map(|r| st(&r["security_group_rule_id"]))
                    .collect();
                if v["vpc_id"] != x.vpc.as_str() || (x.default && v["group_name"] != "default") {
                    out.push(format!("security group {id} of {}: {v}", x.vpc));
                }
                if !x.default && rules != x.rules {
                    out.push(format!(
                        "security group {id}: rules {rules:?}, acknowledged {:?}",
                        x.rules
                    ));
                }
            }
            Kind::Rtb => {
                let Some(x) = self.rtbs.get(id) else { return };
                if let Some(j) = &x.json {
                    d("route table", j, &["routes", "associations"]);
                }
                let routes = v["routes"].as_array().cloned().unwrap_or_default();
                let user: BTreeMap<String, String> = routes
                    .iter()
                    .filter(|r| r["origin"] == "create_route")
                    .map(|r| {
                        (
                            st(&r["destination_cidr_block"]),
                            st(&r["network_interface_id"]),
                        )
                    })
                    .collect();
                let assocs: BTreeMap<String, String> = v["associations"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter(|a| a["main"] != true)
                    .map(|a| (st(&a["association_id"]), st(&a["subnet_id"])))
                    .collect();
                let local = routes
                    .iter()
                    .any(|r| r["gateway_id"] == "local" && r["origin"] == "create_route_table");
                if !local || v["vpc_id"] != x.vpc.as_str() || v["main"] != json!(x.main) {
                    out.push(format!("route table {id} of {}: {v}", x.vpc));
                }
                if user != x.routes || assocs != x.assocs {
                    out.push(format!(
                        "route table {id}: routes {user:?} associations {assocs:?}, acknowledged {:?} {:?}",
                        x.routes, x.assocs
                    ));
                }
            }
            Kind::Ep => {
                let Some(x) = self.eps.get(id) else { return };
                d(
                    "endpoint",
                    &x.json,
                    &[
                        "state",
                        "subnet_ids",
                        "network_interface_ids",
                        "dns_entries",
                    ],
                );
                let state = EpState::of(v["state"].as_str().unwrap_or_default());
                if state != Some(x.state)
                    || set_of(&v["subnet_ids"]) != x.subnets
                    || set_of(&v["network_interface_ids"]) != x.enis
                {
                    out.push(format!(
                        "endpoint {id}: state {} subnets {} interfaces {}, acknowledged {:?} {:?} {:?}",
                        v["state"], v["subnet_ids"], v["network_interface_ids"], x.state, x.subnets, x.enis
                    ));
                }
            }
        }
    }
}

// ---------------------------------------------------------------- requests

/// What a request came to.
enum Out {
    /// 2xx, body read whole: acknowledged.
    Done(u16, Value),
    /// A definite refusal (4xx; 5xx other than 503): nothing happened.
    Refused(u16, Value),
    /// No connection could be made: not sent, nothing happened.
    NotSent,
    /// Sent, no answer (the process died) or 503: it may have happened.
    Lost(Lost),
}

enum Lost {
    Transport(String),
    Unavailable(Value),
    Timeout,
}

impl std::fmt::Display for Lost {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Lost::Transport(e) => write!(f, "no answer: {e}"),
            Lost::Unavailable(v) => write!(f, "503 {v}"),
            Lost::Timeout => write!(f, "no answer within {REQUEST_TIMEOUT:?}"),
        }
    }
}

/// A create (or an idempotent sub-create) and what its answer means.
#[derive(Clone, Debug)]
enum Make {
    Vpc(Acct, u8),
    Subnet(Acct, u8),
    Eni,
    Sg,
    Rule(String),
    Rtb,
    Route(String, String, String),
    Assoc(String, String),
    Lb,
    Svc(String),
    Ep(String),
}

/// A write whose outcome is not known yet.
#[derive(Clone, Debug)]
enum Pending {
    Create {
        make: Make,
        acct: Acct,
        path: String,
        body: Value,
        key: String,
    },
    /// A delete or removal; `what` says how to read it back.
    Remove(Removal),
    Patch {
        kind: Patched,
        id: String,
        before: Value,
        after: Value,
    },
    AddPrincipal {
        svc: String,
        principal: String,
    },
    Decide {
        svc: String,
        ids: Vec<String>,
        accept: bool,
        from: Vec<EpState>,
    },
}

#[derive(Clone, Debug)]
enum Removal {
    Vpc(String),
    Subnet(String),
    Eni(String),
    Sg(String),
    Rule(String, String),
    Rtb(String),
    Route(String, String),
    Assoc(String, String),
    Lb(String),
    Svc(String),
    Ep(String),
    Principal(String, String),
}

#[derive(Clone, Copy, Debug)]
enum Patched {
    Vpc,
    Ep,
    Svc,
}

/// The fields a patch changes, from a resource's JSON.
fn patched_fields(kind: Patched, j: &Value) -> Value {
    match kind {
        Patched::Vpc => json!({"dns": j["enable_dns_hostnames"], "tags": j["tags"]}),
        Patched::Ep => json!({"subnets": set_of(&j["subnet_ids"]), "tags": j["tags"]}),
        Patched::Svc => json!({"acceptance": j["acceptance_required"], "tags": j["tags"]}),
    }
}

#[derive(Clone, Debug, Default)]
struct Stats {
    /// Acknowledged writes by operation.
    acked: BTreeMap<&'static str, u64>,
    /// Refusals by operation and code.
    refused: BTreeMap<String, u64>,
    /// Unknown outcomes: no answer (the process died under the request).
    lost_transport: u64,
    /// Unknown outcomes answered 503.
    lost_503: u64,
    /// Of the unknown outcomes, those that had happened / had not.
    resolved_happened: u64,
    resolved_not: u64,
    /// Idempotent retries after an unknown create: replayed (200) / made now (201).
    retry_replayed: u64,
    retry_fresh: u64,
    not_sent: u64,
    checks: u64,
    reads: u64,
    /// Answered requests slower than a second, and the slowest.
    slow: u64,
    slowest_ms: u64,
    slowest: String,
}

impl Stats {
    fn add(&mut self, o: &Stats) {
        for (k, v) in &o.acked {
            *self.acked.entry(*k).or_default() += v;
        }
        for (k, v) in &o.refused {
            *self.refused.entry(k.clone()).or_default() += v;
        }
        self.lost_transport += o.lost_transport;
        self.lost_503 += o.lost_503;
        self.resolved_happened += o.resolved_happened;
        self.resolved_not += o.resolved_not;
        self.retry_replayed += o.retry_replayed;
        self.retry_fresh += o.retry_fresh;
        self.not_sent += o.not_sent;
        self.checks += o.checks;
        self.reads += o.reads;
        self.slow += o.slow;
        if o.slowest_ms > self.slowest_ms {
            self.slowest_ms = o.slowest_ms;
            self.slowest = o.slowest.clone();
        }
    }

    fn acked_total(&self) -> u64 {
        self.acked.values().sum()
    }
}

/// Accounts, keys and zones every writer uses.
#[derive(Clone, Debug)]
struct Shared {
    p_token: String,
    c_token: String,
    c_root: String,
    c_account: String,
    /// Zone ids of us-east-1 the test uses (the same in both accounts).
    zones: Vec<String>,
    /// Subnets every writer puts interfaces in, in a VPC of the consumer.
    commons: Vec<String>,
    commons_vpc: String,
    commons_sg: String,
    commons_rtb: String,
    /// A producer service whose allowed principals every writer adds and
    /// removes, two at a time in random order (lock order under contention),
    /// with what holds it up.
    contended: Contended,
}

#[derive(Clone, Debug)]
struct Contended {
    service: String,
    vpc: String,
    subnet: String,
    sg: String,
    rtb: String,
    lb: String,
    enis: Vec<String>,
    /// The principals the writers add and remove.
    pool: Vec<String>,
}

/// What the coordinator tells the writers.
#[derive(Clone, Debug, PartialEq)]
enum Phase {
    Hold,
    Load { round: usize, base: String },
    Resolve { round: usize, base: String },
    Stop,
}

/// A writer's answer at the end of a resolve phase.
struct Report {
    w: usize,
    world: World,
    stats: Stats,
    violations: Vec<String>,
}

enum Step {
    Go,
    Park,
}

struct Worker {
    w: usize,
    rng: StdRng,
    http: reqwest::Client,
    base: String,
    sh: Arc<Shared>,
    world: World,
    pending: Option<Pending>,
    /// Resources written in this round: read back one by one after it.
    touched: BTreeSet<(Kind, String)>,
    stats: Stats,
    violations: Vec<String>,
    seq: u64,
    round: usize,
    in_flight: Arc<AtomicUsize>,
    /// Whether a kill may explain a lost request (false while resolving).
    loading: bool,
}

impl Worker {
    fn token(&self, a: Acct) -> &str {
        match a {
            Acct::P => &self.sh.p_token,
            Acct::C => &self.sh.c_token,
        }
    }

    fn violation(&mut self, msg: String) {
        self.violations
            .push(format!("writer {} round {}: {msg}", self.w, self.round));
    }

    fn next(&mut self) -> u64 {
        self.seq += 1;
        self.seq
    }

    fn tags(&mut self) -> Value {
        let n = self.next();
        json!({"writer": self.w.to_string(), "n": n.to_string()})
    }

    async fn call(
        &mut self,
        m: Method,
        path: &str,
        acct: Acct,
        body: Option<&Value>,
        key: Option<&str>,
    ) -> Out {
        let what = format!("{m} {path}");
        let mut req = self
            .http
            .request(m, format!("{}{path}", self.base))
            .bearer_auth(self.token(acct));
        if let Some(b) = body {
            req = req.json(b);
        }
        if let Some(k) = key {
            req = req.header("idempotency-key", k);
        }
        self.in_flight.fetch_add(1, Ordering::SeqCst);
        let t0 = Instant::now();
        let out = async {
            let r = match req.send().await {
                Ok(r) => r,
                Err(e) if e.is_connect() => return Out::NotSent,
                Err(e) if e.is_timeout() => return Out::Lost(Lost::Timeout),
                Err(e) => return Out::Lost(Lost::Transport(e.to_string())),
            };
            let status = r.status().as_u16();
            let text = match r.text().await {
                Ok(t) => t,
                Err(e) if e.is_timeout() => return Out::Lost(Lost::Timeout),
                Err(e) => return Out::Lost(Lost::Transport(e.to_string())),
            };
            let v: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
            match status {
                200..=299 => Out::Done(status, v),
                503 => Out::Lost(Lost::Unavailable(v)),
                _ => Out::Refused(status, v),
            }
        }
        .await;
        self.in_flight.fetch_sub(1, Ordering::SeqCst);
        if matches!(out, Out::Done(..) | Out::Refused(..)) {
            let ms = t0.elapsed().as_millis() as u64;
            if ms > 1000 {
                self.stats.slow += 1;
            }
            if ms > self.stats.slowest_ms {
                self.stats.slowest_ms = ms;
                self.stats.slowest = what;
            }
        }
        out
    }

    /// A read: Some((status, body)) or None when the server did not answer.
    async fn read(&mut self, acct: Acct, path: &str) -> Option<(u16, Value)> {
        for _ in 0..5 {
            self.stats.reads += 1;
            match self.call(Method::GET, path, acct, None, None).await {
                Out::Done(s, v) | Out::Refused(s, v) => return Some((s, v)),
                Out::Lost(Lost::Unavailable(_)) => {
                    tokio::time::sleep(Duration::from_millis(50)).await
                }
                _ => return None,
            }
        }
        None
    }

    /// Bookkeeping of an answer that is not an acknowledgement; `Park` when
    /// the server is gone. `pending` describes the write for resolution.
    async fn not_acked(
        &mut self,
        op: &'static str,
        out: Out,
        allowed: &[&str],
        pending: Pending,
    ) -> Step {
        match out {
            Out::Done(..) => Step::Go,
            Out::Refused(status, body) => {
                let code = st(&body["code"]);
                *self
                    .stats
                    .refused
                    .entry(format!("{op} {status} {code}"))
                    .or_default() += 1;
                if status >= 500 || !allowed.contains(&code.as_str()) {
                    self.violation(format!("{op}: unexpected {status} {body}"));
                }
                Step::Go
            }
            Out::NotSent => {
                self.stats.not_sent += 1;
                Step::Park
            }
            Out::Lost(l) => {
                match &l {
                    Lost::Transport(_) => self.stats.lost_transport += 1,
                    Lost::Unavailable(_) => self.stats.lost_503 += 1,
                    Lost::Timeout => {
                        self.violation(format!("{op}: no answer within {REQUEST_TIMEOUT:?}"))
                    }
                }
                if !self.loading && !matches!(l, Lost::Unavailable(_)) {
                    self.violation(format!("{op}: lost while no kill was due: {l}"));
                }
                self.pending = Some(pending);
                match l {
                    Lost::Unavailable(_) => {
                        tokio::time::sleep(Duration::from_millis(20)).await;
                        self.resolve().await
                    }
                    _ => Step::Park,
                }
            }
        }
    }

    // ------------------------------------------------------------ creates

    async fn create(
        &mut self,
        op: &'static str,
        make: Make,
        acct: Acct,
        path: String,
        body: Value,
        allowed: &[&str],
    ) -> Step {
        let n = self.next();
        let key = format!("crash-w{}-{n}", self.w);
        let out = self
            .call(Method::POST, &path, acct, Some(&body), Some(&key))
            .await;
        if let Out::Done(_, v) = &out {
            *self.stats.acked.entry(op).or_default() += 1;
            self.apply_created(&make, v);
            return Step::Go;
        }
        let pending = Pending::Create {
            make,
            acct,
            path,
            body,
            key,
        };
        self.not_acked(op, out, allowed, pending).await
    }

    fn apply_created(&mut self, make: &Make, v: &Value) {
        let touched = match make {
            Make::Vpc(..) => (Kind::Vpc, st(&v["vpc_id"])),
            Make::Subnet(..) => (Kind::Subnet, st(&v["subnet_id"])),
            Make::Eni => (Kind::Eni, st(&v["network_interface_id"])),
            Make::Sg => (Kind::Sg, st(&v["group_id"])),
            Make::Rule(sg) => (Kind::Sg, sg.clone()),
            Make::Rtb => (Kind::Rtb, st(&v["route_table_id"])),
            Make::Route(rtb, ..) | Make::Assoc(rtb, _) => (Kind::Rtb, rtb.clone()),
            Make::Lb => (Kind::Lb, st(&v["load_balancer_arn"])),
            Make::Svc(_) => (Kind::Svc, st(&v["service_id"])),
            Make::Ep(_) => (Kind::Ep, st(&v["vpc_endpoint_id"])),
        };
        self.touched.insert(touched);
        let wd = &mut self.world;
        match make {
            Make::Vpc(acct, octet) => {
                let id = st(&v["vpc_id"]);
                let main_rtb = st(&v["main_route_table_id"]);
                let default_sg = st(&v["default_security_group_id"]);
                wd.rtbs.insert(
                    main_rtb.clone(),
                    Rtb {
                        acct: *acct,
                        vpc: id.clone(),
                        main: true,
                        json: None,
                        routes: BTreeMap::new(),
                        assocs: BTreeMap::new(),
                    },
                );
                wd.sgs.insert(
                    default_sg.clone(),
                    Sg {
                        acct: *acct,
                        vpc: id.clone(),
                        default: true,
                        json: None,
                        rules: BTreeSet::new(),
                    },
                );
                wd.vpcs.insert(
                    id,
                    Vpc {
                        acct: *acct,
                        json: v.clone(),
                        main_rtb,
                        default_sg,
                        slots: BTreeSet::new(),
                        octet: *octet,
                    },
                );
            }
            Make::Subnet(acct, slot) => {
                let vpc = st(&v["vpc_id"]);
                if let Some(x) = wd.vpcs.get_mut(&vpc) {
                    x.slots.insert(*slot);
                }
                wd.subnets.insert(
                    st(&v["subnet_id"]),
                    Subnet {
                        acct: *acct,
                        vpc,
                        zone: st(&v["availability_zone_id"]),
                        slot: *slot,
                        json: v.clone(),
                    },
                );
            }
            Make::Eni => {
                wd.enis.insert(
                    st(&v["network_interface_id"]),
                    Eni {
                        subnet: st(&v["subnet_id"]),
                        vpc: st(&v["vpc_id"]),
                        sgs: strs(&v["security_group_ids"]),
                        json: v.clone(),
                    },
                );
            }
            Make::Sg => {
                let mut rules = BTreeSet::new();
                for d in ["ingress", "egress"] {
                    for r in v[d].as_array().into_iter().flatten() {
                        rules.insert(st(&r["security_group_rule_id"]));
                    }
                }
                wd.sgs.insert(
                    st(&v["group_id"]),
                    Sg {
                        acct: Acct::C,
                        vpc: st(&v["vpc_id"]),
                        default: false,
                        json: Some(v.clone()),
                        rules,
                    },
                );
            }
            Make::Rule(sg) => {
                let mut now = BTreeSet::new();
                for d in ["ingress", "egress"] {
                    for r in v[d].as_array().into_iter().flatten() {
                        now.insert(st(&r["security_group_rule_id"]));
                    }
                }
                let Some(g) = wd.sgs.get_mut(sg) else { return };
                let new: Vec<String> = now.difference(&g.rules).cloned().collect();
                let lost: Vec<String> = g.rules.difference(&now).cloned().collect();
                g.rules = now;
                if new.len() != 1 || !lost.is_empty() {
                    let msg = format!(
                        "adding a rule to {sg}: the answer has {} new rules and lacks {lost:?}",
                        new.len()
                    );
                    self.violation(msg);
                }
            }
            Make::Rtb => {
                wd.rtbs.insert(
                    st(&v["route_table_id"]),
                    Rtb {
                        acct: Acct::C,
                        vpc: st(&v["vpc_id"]),
                        main: false,
                        json: Some(v.clone()),
                        routes: BTreeMap::new(),
                        assocs: BTreeMap::new(),
                    },
                );
            }
            Make::Route(rtb, dest, eni) => {
                if let Some(t) = wd.rtbs.get_mut(rtb) {
                    t.routes.insert(dest.clone(), eni.clone());
                }
            }
            Make::Assoc(rtb, subnet) => {
                for t in wd.rtbs.values_mut() {
                    t.assocs.retain(|_, s| s != subnet);
                }
                if let Some(t) = wd.rtbs.get_mut(rtb) {
                    t.assocs.insert(st(&v["association_id"]), subnet.clone());
                }
            }
            Make::Lb => {
                let zones = v["availability_zones"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default();
                wd.lbs.insert(
                    st(&v["load_balancer_arn"]),
                    Lb {
                        subnets: zones.iter().map(|z| st(&z["subnet_id"])).collect(),
                        enis: zones
                            .iter()
                            .map(|z| st(&z["network_interface_id"]))
                            .collect(),
                        json: v.clone(),
                        had_service: false,
                    },
                );
            }
            Make::Svc(lb) => {
                if let Some(l) = wd.lbs.get_mut(lb) {
                    l.had_service = true;
                }
                wd.svcs.insert(
                    st(&v["service_id"]),
                    Svc {
                        name: st(&v["service_name"]),
                        lb: lb.clone(),
                        zones: set_of(&v["availability_zone_ids"]),
                        json: v.clone(),
                        acceptance: v["acceptance_required"] == true,
                        principals: BTreeSet::new(),
                        available: v["service_state"] == "available",
                    },
                );
            }
            Make::Ep(svc) => {
                let id = st(&v["vpc_endpoint_id"]);
                let Some(state) = EpState::of(v["state"].as_str().unwrap_or_default()) else {
                    self.violation(format!("endpoint {id} created in state {}", v["state"]));
                    return;
                };
                self.world.eps.insert(
                    id,
                    Ep {
                        vpc: st(&v["vpc_id"]),
                        svc: svc.clone(),
                        json: v.clone(),
                        state,
                        subnets: set_of(&v["subnet_ids"]),
                        enis: set_of(&v["network_interface_ids"]),
                        sgs: strs(&v["security_group_ids"]),
                    },
                );
            }
        }
    }

    // ------------------------------------------------------------ removals

    fn removal_path(&self, r: &Removal) -> (Acct, Method, String, Option<Value>) {
        match r {
            Removal::Vpc(id) => (
                self.vpc_acct(id),
                Method::DELETE,
                format!("/v1/vpcs/{id}"),
                None,
            ),
            Removal::Subnet(id) => {
                let a = self.world.subnets.get(id).map_or(Acct::C, |s| s.acct);
                (a, Method::DELETE, format!("/v1/subnets/{id}"), None)
            }
            Removal::Eni(id) => (
                Acct::C,
                Method::DELETE,
                format!("/v1/network-interfaces/{id}"),
                None,
            ),
            Removal::Sg(id) => (
                Acct::C,
                Method::DELETE,
                format!("/v1/security-groups/{id}"),
                None,
            ),
            Removal::Rule(sg, rule) => (
                Acct::C,
                Method::DELETE,
                format!("/v1/security-groups/{sg}/rules/{rule}"),
                None,
            ),
            Removal::Rtb(id) => (
                Acct::C,
                Method::DELETE,
                format!("/v1/route-tables/{id}"),
                None,
            ),
            Removal::Route(rtb, dest) => (
                Acct::C,
                Method::DELETE,
                format!("/v1/route-tables/{rtb}/routes?destination={}", enc(dest)),
                None,
            ),
            Removal::Assoc(rtb, assoc) => (
                Acct::C,
                Method::DELETE,
                format!("/v1/route-tables/{rtb}/associations/{assoc}"),
                None,
            ),
            Removal::Lb(arn) => (
                Acct::P,
                Method::DELETE,
                format!("/v1/load-balancers/{}", enc(arn)),
                None,
            ),
            Removal::Svc(id) => (
                Acct::P,
                Method::DELETE,
                format!("/v1/endpoint-services/{id}"),
                None,
            ),
            Removal::Ep(id) => (
                Acct::C,
                Method::DELETE,
                format!("/v1/vpc-endpoints/{id}"),
                None,
            ),
            Removal::Principal(svc, p) => (
                Acct::P,
                Method::DELETE,
                format!("/v1/endpoint-services/{svc}/allowed-principals"),
                Some(json!({"principals": [p]})),
            ),
        }
    }

    fn vpc_acct(&self, id: &str) -> Acct {
        self.world.vpcs.get(id).map_or(Acct::C, |v| v.acct)
    }

    async fn remove(&mut self, op: &'static str, r: Removal, allowed: &[&str]) -> Step {
        let (acct, m, path, body) = self.removal_path(&r);
        let out = self.call(m, &path, acct, body.as_ref(), None).await;
        if let Out::Done(..) = out {
            *self.stats.acked.entry(op).or_default() += 1;
            self.apply_removed(&r);
            return Step::Go;
        }
        self.not_acked(op, out, allowed, Pending::Remove(r)).await
    }

    fn apply_removed(&mut self, r: &Removal) {
        match r {
            Removal::Rule(sg, _) => self.touched.insert((Kind::Sg, sg.clone())),
            Removal::Route(rtb, _) | Removal::Assoc(rtb, _) => {
                self.touched.insert((Kind::Rtb, rtb.clone()))
            }
            Removal::Ep(id) => self.touched.insert((Kind::Ep, id.clone())),
            _ => false,
        };
        let wd = &mut self.world;
        match r {
            Removal::Vpc(id) => {
                if let Some(v) = wd.vpcs.remove(id) {
                    wd.rtbs.remove(&v.main_rtb);
                    wd.sgs.remove(&v.default_sg);
                    wd.gone.push((v.acct, format!("/v1/vpcs/{id}")));
                    wd.gone
                        .push((v.acct, format!("/v1/route-tables/{}", v.main_rtb)));
                    wd.gone
                        .push((v.acct, format!("/v1/security-groups/{}", v.default_sg)));
                }
            }
            Removal::Subnet(id) => {
                if let Some(s) = wd.subnets.remove(id) {
                    if let Some(v) = wd.vpcs.get_mut(&s.vpc) {
                        v.slots.remove(&s.slot);
                    }
                    for t in wd.rtbs.values_mut() {
                        t.assocs.retain(|_, x| x != id);
                    }
                    wd.gone.push((s.acct, format!("/v1/subnets/{id}")));
                }
            }
            Removal::Eni(id) => {
                wd.enis.remove(id);
                wd.gone
                    .push((Acct::C, format!("/v1/network-interfaces/{id}")));
            }
            Removal::Sg(id) => {
                wd.sgs.remove(id);
                wd.gone.push((Acct::C, format!("/v1/security-groups/{id}")));
            }
            Removal::Rule(sg, rule) => {
                if let Some(g) = wd.sgs.get_mut(sg) {
                    g.rules.remove(rule);
                }
            }
            Removal::Rtb(id) => {
                wd.rtbs.remove(id);
                wd.gone.push((Acct::C, format!("/v1/route-tables/{id}")));
            }
            Removal::Route(rtb, dest) => {
                if let Some(t) = wd.rtbs.get_mut(rtb) {
                    t.routes.remove(dest);
                }
            }
            Removal::Assoc(rtb, assoc) => {
                if let Some(t) = wd.rtbs.get_mut(rtb) {
                    t.assocs.remove(assoc);
                }
            }
            Removal::Lb(arn) => {
                if let Some(l) = wd.lbs.remove(arn) {
                    for e in l.enis {
                        wd.gone
                            .push((Acct::P, format!("/v1/network-interfaces/{e}")));
                    }
                    wd.gone
                        .push((Acct::P, format!("/v1/load-balancers/{}", enc(arn))));
                }
            }
            Removal::Svc(id) => {
                wd.svcs.remove(id);
                wd.gone
                    .push((Acct::P, format!("/v1/endpoint-services/{id}")));
            }
            Removal::Ep(id) => {
                if let Some(e) = wd.eps.get_mut(id) {
                    e.state = EpState::Deleted;
                    // Its group links go with its interfaces.
                    e.json["security_group_ids"] = json!([]);
                    for x in std::mem::take(&mut e.enis) {
                        wd.gone
                            .push((Acct::C, format!("/v1/network-interfaces/{x}")));
                    }
                    e.subnets.clear();
                }
            }
            Removal::Principal(svc, p) => {
                if let Some(s) = wd.svcs.get_mut(svc) {
                    s.principals.remove(p);
                }
            }
        }
    }

    /// After an unknown removal: Some(true) when it happened.
    async fn removed(&mut self, r: &Removal) -> Option<bool> {
        match r {
            Removal::Rule(sg, rule) => {
                let (_, v) = self
                    .read(Acct::C, &format!("/v1/security-groups/{sg}"))
                    .await?;
                let ids: BTreeSet<String> = ["ingress", "egress"]
                    .iter()
                    .flat_map(|d| v[*d].as_array().cloned().unwrap_or_default())
                    .map(|x| st(&x["security_group_rule_id"]))
                    .collect();
                Some(!ids.contains(rule))
            }
            Removal::Route(rtb, dest) => {
                let (_, v) = self
                    .read(Acct::C, &format!("/v1/route-tables/{rtb}"))
                    .await?;
                Some(
                    !v["routes"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .any(|x| x["destination_cidr_block"] == dest.as_str()),
                )
            }
            Removal::Assoc(rtb, assoc) => {
                let (_, v) = self
                    .read(Acct::C, &format!("/v1/route-tables/{rtb}"))
                    .await?;
                Some(
                    !v["associations"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .any(|x| x["association_id"] == assoc.as_str()),
                )
            }
            Removal::Principal(svc, p) => {
                let ps = self.principals(svc).await?;
                Some(!ps.contains(p))
            }
            Removal::Ep(id) => {
                let (s, v) = self
                    .read(Acct::C, &format!("/v1/vpc-endpoints/{id}"))
                    .await?;
                Some(
                    s == 404
                        || EpState::of(v["state"].as_str().unwrap_or_default())
                            == Some(EpState::Deleted),
                )
            }
            Removal::Svc(id) => {
                let (s, v) = self
                    .read(Acct::P, &format!("/v1/endpoint-services/{id}"))
                    .await?;
                Some(s == 404 || v["service_state"] == "deleting")
            }
            _ => {
                let (acct, _, path, _) = self.removal_path(r);
                let (s, _) = self.read(acct, &path).await?;
                Some(s == 404)
            }
        }
    }

    async fn principals(&mut self, svc: &str) -> Option<BTreeSet<String>> {
        let (s, v) = self
            .read(
                Acct::P,
                &format!("/v1/endpoint-services/{svc}/allowed-principals?max_results=1000"),
            )
            .await?;
        if s != 200 {
            self.violation(format!("allowed principals of {svc}: {s} {v}"));
            return None;
        }
        Some(
            v["items"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|p| st(&p["principal"]))
                .collect(),
        )
    }

    // ------------------------------------------------------------ resolution

    /// Finds out what an unknown write did; `Park` when the server is gone.
    async fn resolve(&mut self) -> Step {
        let Some(p) = self.pending.clone() else {
            return Step::Go;
        };
        let happened = match &p {
            Pending::Create {
                make,
                acct,
                path,
                body,
                key,
            } => {
                let mut attempt = 0;
                loop {
                    attempt += 1;
                    let out = self
                        .call(Method::POST, path, *acct, Some(body), Some(key))
                        .await;
                    match out {
                        Out::Done(status, v) => {
                            if status == 200 {
                                self.stats.retry_replayed += 1;
                            } else {
                                self.stats.retry_fresh += 1;
                            }
                            self.apply_created(make, &v);
                            break status == 200;
                        }
                        Out::Refused(status, v) => {
                            // Refused now: then the first attempt must not
                            // have happened (the global check finds an orphan).
                            *self
                                .stats
                                .refused
                                .entry(format!("retry {status} {}", st(&v["code"])))
                                .or_default() += 1;
                            if status >= 500 {
                                self.violation(format!("retrying {path}: {status} {v}"));
                            }
                            break false;
                        }
                        Out::Lost(Lost::Unavailable(_)) if attempt < 10 => {
                            self.stats.lost_503 += 1;
                            tokio::time::sleep(Duration::from_millis(50)).await;
                        }
                        other => {
                            if !self.loading {
                                self.violation(format!(
                                    "retrying {path}: the server did not answer ({})",
                                    match other {
                                        Out::NotSent => "not sent".to_string(),
                                        Out::Lost(l) => l.to_string(),
                                        _ => String::new(),
                                    }
                                ));
                            }
                            return Step::Park;
                        }
                    }
                }
            }
            Pending::Remove(r) => {
                let Some(done) = self.removed(r).await else {
                    return Step::Park;
                };
                if done {
                    self.apply_removed(r);
                }
                done
            }
            Pending::Patch {
                kind,
                id,
                before,
                after,
            } => {
                let (acct, path) = match kind {
                    Patched::Vpc => (self.vpc_acct(id), format!("/v1/vpcs/{id}")),
                    Patched::Ep => (Acct::C, format!("/v1/vpc-endpoints/{id}")),
                    Patched::Svc => (Acct::P, format!("/v1/endpoint-services/{id}")),
                };
                let Some((_, v)) = self.read(acct, &path).await else {
                    return Step::Park;
                };
                let now = patched_fields(*kind, &v);
                if now == *after {
                    self.apply_patch(*kind, id, &v);
                    true
                } else {
                    if now != *before {
                        self.violation(format!(
                            "{path} after an unknown update is neither before {before} nor after {after}: {now}"
                        ));
                    }
                    false
                }
            }
            Pending::AddPrincipal { svc, principal } => {
                let Some(ps) = self.principals(svc).await else {
                    return Step::Park;
                };
                if ps.contains(principal)
                    && let Some(s) = self.world.svcs.get_mut(svc)
                {
                    s.principals.insert(principal.clone());
                }
                ps.contains(principal)
            }
            Pending::Decide {
                svc,
                ids,
                accept,
                from,
            } => {
                let mut moved = Vec::new();
                for id in ids {
                    let Some((_, v)) = self.read(Acct::C, &format!("/v1/vpc-endpoints/{id}")).await
                    else {
                        return Step::Park;
                    };
                    moved.push(EpState::of(v["state"].as_str().unwrap_or_default()));
                }
                let to = if *accept {
                    EpState::Accepted
                } else {
                    EpState::Rejected
                };
                let all_moved = moved.iter().all(|m| *m == Some(to));
                let none_moved = moved.iter().zip(from).all(|(m, f)| *m == Some(*f));
                // One transaction: all or nothing, except a reject item
                // refused by the workflow race (see WORKFLOW_RACE).
                let each_ok = moved.iter().zip(from).all(|(m, f)| {
                    *m == Some(to) || (!*accept && *f == EpState::Accepted && *m == Some(*f))
                });
                let any_moved = moved.contains(&Some(to));
                if !(all_moved || none_moved || (any_moved && each_ok)) {
                    self.violation(format!(
                        "one {} batch on {svc} over {ids:?} took effect in part: {moved:?}",
                        if *accept { "accept" } else { "reject" }
                    ));
                }
                for (id, m) in ids.iter().zip(&moved) {
                    if *m == Some(to) {
                        self.touched.insert((Kind::Ep, id.clone()));
                        if let Some(e) = self.world.eps.get_mut(id) {
                            e.state = to;
                        }
                    }
                }
                any_moved
            }
        };
        if happened {
            self.stats.resolved_happened += 1;
        } else {
            self.stats.resolved_not += 1;
        }
        self.pending = None;
        Step::Go
    }

    fn apply_patch(&mut self, kind: Patched, id: &str, v: &Value) {
        let k = match kind {
            Patched::Vpc => Kind::Vpc,
            Patched::Ep => Kind::Ep,
            Patched::Svc => Kind::Svc,
        };
        self.touched.insert((k, id.to_string()));
        match kind {
            Patched::Vpc => {
                if let Some(x) = self.world.vpcs.get_mut(id) {
                    x.json = v.clone();
                }
            }
            Patched::Ep => {
                if let Some(x) = self.world.eps.get_mut(id) {
                    x.json["tags"] = v["tags"].clone();
                    x.subnets = set_of(&v["subnet_ids"]);
                    x.enis = set_of(&v["network_interface_ids"]);
                }
            }
            Patched::Svc => {
                if let Some(x) = self.world.svcs.get_mut(id) {
                    x.json["tags"] = v["tags"].clone();
                    x.json["acceptance_required"] = v["acceptance_required"].clone();
                    x.acceptance = v["acceptance_required"] == true;
                }
            }
        }
    }

    async fn patch(&mut self, op: &'static str, kind: Patched, id: String, body: Value) -> Step {
        let (acct, path, before) = match kind {
            Patched::Vpc => {
                let j = self.world.vpcs[&id].json.clone();
                (self.vpc_acct(&id), format!("/v1/vpcs/{id}"), j)
            }
            Patched::Ep => {
                let e = &self.world.eps[&id];
                let mut j = e.json.clone();
                j["subnet_ids"] = json!(e.subnets);
                (Acct::C, format!("/v1/vpc-endpoints/{id}"), j)
            }
            Patched::Svc => (
                Acct::P,
                format!("/v1/endpoint-services/{id}"),
                self.world.svcs[&id].json.clone(),
            ),
        };
        let before = patched_fields(kind, &before);
        let mut after = before.clone();
        match kind {
            Patched::Vpc => after["dns"] = body["enable_dns_hostnames"].clone(),
            Patched::Svc => after["acceptance"] = body["acceptance_required"].clone(),
            Patched::Ep => {
                let mut s: BTreeSet<String> =
                    serde_json::from_value(before["subnets"].clone()).unwrap_or_default();
                for x in strs(&body["add_subnet_ids"]) {
                    s.insert(x);
                }
                for x in strs(&body["remove_subnet_ids"]) {
                    s.remove(&x);
                }
                after["subnets"] = json!(s);
            }
        }
        after["tags"] = body["tags"].clone();
        let out = self
            .call(Method::PATCH, &path, acct, Some(&body), None)
            .await;
        if let Out::Done(_, v) = &out {
            *self.stats.acked.entry(op).or_default() += 1;
            if patched_fields(kind, v) != after {
                let got = patched_fields(kind, v);
                self.violation(format!("{op} {id}: answered {got}, asked for {after}"));
            }
            self.apply_patch(kind, &id, v);
            return Step::Go;
        }
        let pending = Pending::Patch {
            kind,
            id,
            before,
            after,
        };
        let allowed: &[&str] = match kind {
            Patched::Svc => WORKFLOW_RACE,
            _ => &[],
        };
        self.not_acked(op, out, allowed, pending).await
    }

    // ------------------------------------------------------------ the load

    /// One random write whose preconditions the model meets.
    async fn step(&mut self) -> Step {
        let wd = &self.world;
        let c_vpcs: Vec<String> = wd
            .vpcs
            .iter()
            .filter(|(_, v)| v.acct == Acct::C)
            .map(|(k, _)| k.clone())
            .collect();
        let p_vpc: Option<String> = wd
            .vpcs
            .iter()
            .find(|(_, v)| v.acct == Acct::P)
            .map(|(k, _)| k.clone());
        let roll = self.rng.random_range(0..100u32);
        if p_vpc.is_none() && roll < 10 {
            return self.create_vpc(Acct::P).await;
        }
        if c_vpcs.is_empty() {
            return self.create_vpc(Acct::C).await;
        }
        match roll {
            0..=4 => {
                if p_vpc.is_none() {
                    return self.create_vpc(Acct::P).await;
                }
                if c_vpcs.len() < 2 {
                    return self.create_vpc(Acct::C).await;
                }
                self.patch_vpc().await
            }
            5..=7 => self.patch_vpc().await,
            8..=9 => self.delete_vpc().await,
            10..=16 => self.create_subnet().await,
            17..=18 => self.delete_subnet().await,
            19..=27 => self.create_eni().await,
            28..=33 => self.delete_eni().await,
            34..=36 => self.create_sg().await,
            37..=40 => self.add_rule().await,
            41..=42 => self.delete_rule().await,
            43 => self.delete_sg().await,
            44..=45 => self.create_rtb().await,
            46..=49 => self.add_route().await,
            50..=51 => self.delete_route().await,
            52..=54 => self.associate().await,
            55 => self.disassociate().await,
            56 => self.delete_rtb().await,
            57..=60 => self.create_lb().await,
            61 => self.delete_lb().await,
            62..=65 => self.create_svc().await,
            66..=67 => self.patch_svc().await,
            68..=71 => self.add_principal().await,
            72 => self.remove_principal().await,
            73 => self.delete_svc().await,
            74..=83 => self.create_ep().await,
            84..=87 => self.patch_ep().await,
            88..=91 => self.delete_ep().await,
            92..=95 => self.decide(true).await,
            96..=97 => self.decide(false).await,
            _ => self.contend().await,
        }
    }

    fn pick<T: Clone>(&mut self, v: &[T]) -> Option<T> {
        if v.is_empty() {
            None
        } else {
            Some(v[self.rng.random_range(0..v.len())].clone())
        }
    }

    async fn create_vpc(&mut self, acct: Acct) -> Step {
        let used: BTreeSet<u8> = self.world.vpcs.values().map(|v| v.octet).collect();
        let Some(octet) = (0..4u8)
            .map(|k| (self.w as u8) * 4 + k)
            .find(|o| !used.contains(o))
        else {
            return Step::Go;
        };
        let tags = self.tags();
        let body = json!({
            "cidr_block": format!("10.{octet}.0.0/16"),
            "enable_dns_hostnames": self.rng.random_bool(0.5),
            "tags": tags,
        });
        let op = if acct == Acct::P {
            "create producer vpc"
        } else {
            "create vpc"
        };
        self.create(
            op,
            Make::Vpc(acct, octet),
            acct,
            "/v1/vpcs".into(),
            body,
            &[],
        )
        .await
    }

    async fn patch_vpc(&mut self) -> Step {
        let ids: Vec<String> = self.world.vpcs.keys().cloned().collect();
        let Some(id) = self.pick(&ids) else {
            return Step::Go;
        };
        let dns = self.world.vpcs[&id].json["enable_dns_hostnames"] == true;
        let tags = self.tags();
        let body = json!({"enable_dns_hostnames": !dns, "tags": tags});
        self.patch("update vpc", Patched::Vpc, id, body).await
    }

    async fn delete_vpc(&mut self) -> Step {
        let wd = &self.world;
        let empty: Vec<String> = wd
            .vpcs
            .iter()
            .filter(|(id, _)| {
                !wd.subnets.values().any(|s| &s.vpc == *id)
                    && !wd.sgs.values().any(|g| &g.vpc == *id && !g.default)
                    && !wd.rtbs.values().any(|t| &t.vpc == *id && !t.main)
                    && !wd.eps.values().any(|e| &e.vpc == *id && e.state.holds())
            })
            .map(|(id, _)| id.clone())
            .collect();
        let Some(id) = self.pick(&empty) else {
            return Step::Go;
        };
        // An endpoint deleted moments ago may still be `deleting`.
        self.remove("delete vpc", Removal::Vpc(id), &["DependencyViolation"])
            .await
    }

    async fn create_subnet(&mut self) -> Step {
        let ids: Vec<String> = self
            .world
            .vpcs
            .iter()
            .filter(|(_, v)| v.slots.len() < 3)
            .map(|(k, _)| k.clone())
            .collect();
        let Some(vpc) = self.pick(&ids) else {
            return Step::Go;
        };
        let v = &self.world.vpcs[&vpc];
        let (acct, octet) = (v.acct, v.octet);
        let Some(slot) = (0..8u8).find(|s| !v.slots.contains(s)) else {
            return Step::Go;
        };
        // Producer subnets one per zone; consumer ones cycle through them.
        let zone = self.sh.zones[slot as usize % self.sh.zones.len()].clone();
        let tags = self.tags();
        let body = json!({
            "vpc_id": vpc,
            "cidr_block": format!("10.{octet}.{slot}.0/24"),
            "availability_zone_id": zone,
            "tags": tags,
        });
        self.create(
            "create subnet",
            Make::Subnet(acct, slot),
            acct,
            "/v1/subnets".into(),
            body,
            &[],
        )
        .await
    }

    /// Interfaces (of any kind the model knows) in a subnet.
    fn used_subnet(&self, id: &str) -> bool {
        let wd = &self.world;
        wd.enis.values().any(|e| e.subnet == id)
            || wd.eps.values().any(|e| e.subnets.contains(id))
            || wd.lbs.values().any(|l| l.subnets.iter().any(|s| s == id))
    }

    async fn delete_subnet(&mut self) -> Step {
        let ids: Vec<String> = self
            .world
            .subnets
            .keys()
            .filter(|s| !self.used_subnet(s))
            .cloned()
            .collect();
        let Some(id) = self.pick(&ids) else {
            return Step::Go;
        };
        self.remove("delete subnet", Removal::Subnet(id), &[]).await
    }

    async fn create_eni(&mut self) -> Step {
        let in_commons = self
            .world
            .enis
            .values()
            .filter(|e| self.sh.commons.contains(&e.subnet))
            .count();
        let own: Vec<String> = self
            .world
            .subnets
            .iter()
            .filter(|(_, s)| s.acct == Acct::C)
            .map(|(k, _)| k.clone())
            .collect();
        let subnet = if in_commons < 3 && self.rng.random_bool(0.4) {
            let c = self.sh.commons.clone();
            self.pick(&c)
        } else {
            self.pick(&own)
        };
        let Some(subnet) = subnet else {
            return Step::Go;
        };
        let vpc = self
            .world
            .subnets
            .get(&subnet)
            .map_or(self.sh.commons_vpc.clone(), |s| s.vpc.clone());
        let groups: Vec<String> = self
            .world
            .sgs
            .iter()
            .filter(|(_, g)| g.vpc == vpc && !g.default)
            .map(|(k, _)| k.clone())
            .collect();
        let tags = self.tags();
        let mut body =
            json!({"subnet_id": subnet, "tags": tags, "description": format!("w{}", self.w)});
        if let Some(g) = self.pick(&groups)
            && self.rng.random_bool(0.5)
        {
            body["security_group_ids"] = json!([g]);
        }
        self.create(
            "create network interface",
            Make::Eni,
            Acct::C,
            "/v1/network-interfaces".into(),
            body,
            &[],
        )
        .await
    }

    async fn delete_eni(&mut self) -> Step {
        let ids: Vec<String> = self.world.enis.keys().cloned().collect();
        let Some(id) = self.pick(&ids) else {
            return Step::Go;
        };
        self.remove("delete network interface", Removal::Eni(id), &[])
            .await
    }

    async fn create_sg(&mut self) -> Step {
        let vpcs: Vec<String> = self
            .world
            .vpcs
            .iter()
            .filter(|(id, v)| {
                v.acct == Acct::C
                    && self
                        .world
                        .sgs
                        .values()
                        .filter(|g| &g.vpc == *id && !g.default)
                        .count()
                        < 3
            })
            .map(|(k, _)| k.clone())
            .collect();
        let Some(vpc) = self.pick(&vpcs) else {
            return Step::Go;
        };
        let n = self.next();
        let port = self.rng.random_range(1..60000u16);
        let tags = self.tags();
        let mut body = json!({
            "vpc_id": vpc,
            "group_name": format!("w{}-g{n}", self.w),
            "description": "crash test",
            "ingress": [
                {"protocol": "tcp", "from_port": port, "to_port": port, "cidr": "10.0.0.0/8"},
                {"protocol": "udp", "from_port": port, "to_port": port + 1, "cidr": "192.168.0.0/16"},
            ],
            "tags": tags,
        });
        if self.rng.random_bool(0.3) {
            body["egress"] =
                json!([{"protocol": "tcp", "from_port": 443, "to_port": 443, "cidr": "0.0.0.0/0"}]);
        }
        self.create(
            "create security group",
            Make::Sg,
            Acct::C,
            "/v1/security-groups".into(),
            body,
            &[],
        )
        .await
    }

    async fn add_rule(&mut self) -> Step {
        let ids: Vec<String> = self
            .world
            .sgs
            .iter()
            .filter(|(_, g)| !g.default && g.rules.len() < 8)
            .map(|(k, _)| k.clone())
            .collect();
        let Some(sg) = self.pick(&ids) else {
            return Step::Go;
        };
        // A port from the writer's sequence: never a duplicate rule.
        let port = 1000 + (self.next() % 60000) as u16;
        let dir = if self.rng.random_bool(0.7) {
            "ingress"
        } else {
            "egress"
        };
        let body = json!({"direction": dir, "protocol": "tcp", "from_port": port, "to_port": port, "cidr": "172.16.0.0/12"});
        self.create(
            "add security group rule",
            Make::Rule(sg.clone()),
            Acct::C,
            format!("/v1/security-groups/{sg}/rules"),
            body,
            &[],
        )
        .await
    }

    async fn delete_rule(&mut self) -> Step {
        let pairs: Vec<(String, String)> = self
            .world
            .sgs
            .iter()
            .filter(|(_, g)| !g.default)
            .flat_map(|(k, g)| g.rules.iter().map(move |r| (k.clone(), r.clone())))
            .collect();
        let Some((sg, rule)) = self.pick(&pairs) else {
            return Step::Go;
        };
        self.remove("delete security group rule", Removal::Rule(sg, rule), &[])
            .await
    }

    async fn delete_sg(&mut self) -> Step {
        let wd = &self.world;
        let ids: Vec<String> = wd
            .sgs
            .iter()
            .filter(|(id, g)| {
                !g.default
                    && !wd.enis.values().any(|e| e.sgs.contains(id))
                    && !wd
                        .eps
                        .values()
                        .any(|e| e.state.holds() && e.sgs.contains(id))
            })
            .map(|(k, _)| k.clone())
            .collect();
        let Some(id) = self.pick(&ids) else {
            return Step::Go;
        };
        self.remove("delete security group", Removal::Sg(id), &[])
            .await
    }

    async fn create_rtb(&mut self) -> Step {
        let vpcs: Vec<String> = self
            .world
            .vpcs
            .iter()
            .filter(|(id, v)| {
                v.acct == Acct::C
                    && self
                        .world
                        .rtbs
                        .values()
                        .filter(|t| &t.vpc == *id && !t.main)
                        .count()
                        < 2
            })
            .map(|(k, _)| k.clone())
            .collect();
        let Some(vpc) = self.pick(&vpcs) else {
            return Step::Go;
        };
        let tags = self.tags();
        self.create(
            "create route table",
            Make::Rtb,
            Acct::C,
            "/v1/route-tables".into(),
            json!({"vpc_id": vpc, "tags": tags}),
            &[],
        )
        .await
    }

    async fn add_route(&mut self) -> Step {
        let wd = &self.world;
        let tables: Vec<String> = wd
            .rtbs
            .iter()
            .filter(|(_, t)| t.acct == Acct::C && t.routes.len() < 4)
            .map(|(k, _)| k.clone())
            .collect();
        let Some(rtb) = self.pick(&tables) else {
            return Step::Go;
        };
        let vpc = self.world.rtbs[&rtb].vpc.clone();
        let enis: Vec<String> = self
            .world
            .enis
            .iter()
            .filter(|(_, e)| e.vpc == vpc)
            .map(|(k, _)| k.clone())
            .collect();
        let Some(eni) = self.pick(&enis) else {
            return Step::Go;
        };
        let n = self.next();
        let dest = format!("172.{}.{}.0/24", 16 + (n / 256) % 16, n % 256);
        if self.world.rtbs[&rtb].routes.contains_key(&dest) {
            return Step::Go;
        }
        self.create(
            "add route",
            Make::Route(rtb.clone(), dest.clone(), eni.clone()),
            Acct::C,
            format!("/v1/route-tables/{rtb}/routes"),
            json!({"destination_cidr_block": dest, "network_interface_id": eni}),
            &[],
        )
        .await
    }

    async fn delete_route(&mut self) -> Step {
        let pairs: Vec<(String, String)> = self
            .world
            .rtbs
            .iter()
            .flat_map(|(k, t)| t.routes.keys().map(move |d| (k.clone(), d.clone())))
            .collect();
        let Some((rtb, dest)) = self.pick(&pairs) else {
            return Step::Go;
        };
        self.remove("delete route", Removal::Route(rtb, dest), &[])
            .await
    }

    async fn associate(&mut self) -> Step {
        let tables: Vec<String> = self
            .world
            .rtbs
            .iter()
            .filter(|(_, t)| t.acct == Acct::C && !t.main)
            .map(|(k, _)| k.clone())
            .collect();
        let Some(rtb) = self.pick(&tables) else {
            return Step::Go;
        };
        let t = &self.world.rtbs[&rtb];
        let subnets: Vec<String> = self
            .world
            .subnets
            .iter()
            .filter(|(id, s)| s.vpc == t.vpc && !t.assocs.values().any(|x| x == *id))
            .map(|(k, _)| k.clone())
            .collect();
        let Some(subnet) = self.pick(&subnets) else {
            return Step::Go;
        };
        self.create(
            "associate route table",
            Make::Assoc(rtb.clone(), subnet.clone()),
            Acct::C,
            format!("/v1/route-tables/{rtb}/associations"),
            json!({"subnet_id": subnet}),
            &[],
        )
        .await
    }

    async fn disassociate(&mut self) -> Step {
        let pairs: Vec<(String, String)> = self
            .world
            .rtbs
            .iter()
            .flat_map(|(k, t)| t.assocs.keys().map(move |a| (k.clone(), a.clone())))
            .collect();
        let Some((rtb, assoc)) = self.pick(&pairs) else {
            return Step::Go;
        };
        self.remove("disassociate route table", Removal::Assoc(rtb, assoc), &[])
            .await
    }

    async fn delete_rtb(&mut self) -> Step {
        let ids: Vec<String> = self
            .world
            .rtbs
            .iter()
            .filter(|(_, t)| !t.main && t.assocs.is_empty())
            .map(|(k, _)| k.clone())
            .collect();
        let Some(id) = self.pick(&ids) else {
            return Step::Go;
        };
        self.remove("delete route table", Removal::Rtb(id), &[])
            .await
    }

    async fn create_lb(&mut self) -> Step {
        let Some(vpc) = self
            .world
            .vpcs
            .iter()
            .find(|(_, v)| v.acct == Acct::P)
            .map(|(k, _)| k.clone())
        else {
            return Step::Go;
        };
        if self.world.lbs.len() >= 2 {
            return Step::Go;
        }
        // One subnet per zone: producer subnets sit in slot = zone index.
        let mut by_zone: BTreeMap<String, String> = BTreeMap::new();
        for (id, s) in &self.world.subnets {
            if s.vpc == vpc {
                by_zone.entry(s.zone.clone()).or_insert(id.clone());
            }
        }
        if by_zone.len() < 2 {
            return Step::Go;
        }
        let mut subnets: Vec<String> = by_zone.into_values().collect();
        if subnets.len() > 2 && self.rng.random_bool(0.5) {
            subnets.pop();
        }
        let n = self.next();
        let tags = self.tags();
        let body =
            json!({"name": format!("w{}-lb{n}", self.w), "subnet_ids": subnets, "tags": tags});
        self.create(
            "create load balancer",
            Make::Lb,
            Acct::P,
            "/v1/load-balancers".into(),
            body,
            &[],
        )
        .await
    }

    async fn delete_lb(&mut self) -> Step {
        let used: BTreeSet<String> = self.world.svcs.values().map(|s| s.lb.clone()).collect();
        let ids: Vec<String> = self
            .world
            .lbs
            .keys()
            .filter(|k| !used.contains(*k))
            .cloned()
            .collect();
        let Some(arn) = self.pick(&ids) else {
            return Step::Go;
        };
        // A service deleted moments ago may still be `deleting`.
        let allowed: &[&str] = if self.world.lbs[&arn].had_service {
            &["ResourceInUse"]
        } else {
            &[]
        };
        self.remove("delete load balancer", Removal::Lb(arn), allowed)
            .await
    }

    async fn create_svc(&mut self) -> Step {
        let used: BTreeSet<String> = self.world.svcs.values().map(|s| s.lb.clone()).collect();
        let free: Vec<String> = self
            .world
            .lbs
            .iter()
            .filter(|(k, l)| !used.contains(*k) && !l.had_service)
            .map(|(k, _)| k.clone())
            .collect();
        let Some(lb) = self.pick(&free) else {
            return Step::Go;
        };
        let tags = self.tags();
        let body = json!({
            "network_load_balancer_arns": [lb],
            "acceptance_required": self.rng.random_bool(0.7),
            "tags": tags,
        });
        self.create(
            "create endpoint service",
            Make::Svc(lb),
            Acct::P,
            "/v1/endpoint-services".into(),
            body,
            &[],
        )
        .await
    }

    async fn patch_svc(&mut self) -> Step {
        let ids: Vec<String> = self.world.svcs.keys().cloned().collect();
        let Some(id) = self.pick(&ids) else {
            return Step::Go;
        };
        let acc = self.world.svcs[&id].acceptance;
        let tags = self.tags();
        let body = json!({"acceptance_required": !acc, "tags": tags});
        self.patch("update endpoint service", Patched::Svc, id, body)
            .await
    }

    async fn add_principal(&mut self) -> Step {
        let ids: Vec<String> = self.world.svcs.keys().cloned().collect();
        let Some(svc) = self.pick(&ids) else {
            return Step::Go;
        };
        let principal = if !self.world.svcs[&svc].principals.contains(&self.sh.c_root)
            || self.rng.random_bool(0.2)
        {
            self.sh.c_root.clone()
        } else {
            let n = self.rng.random_range(0..4);
            format!("arn:aws:iam::{}:role/w{}-r{n}", self.sh.c_account, self.w)
        };
        let body = json!({"principals": [principal]});
        let path = format!("/v1/endpoint-services/{svc}/allowed-principals");
        let out = self
            .call(Method::POST, &path, Acct::P, Some(&body), None)
            .await;
        if let Out::Done(_, v) = &out {
            *self.stats.acked.entry("add allowed principal").or_default() += 1;
            if v["added"][0]["principal"] != principal.as_str() {
                self.violation(format!("adding {principal} to {svc} answered {v}"));
            }
            if let Some(s) = self.world.svcs.get_mut(&svc) {
                s.principals.insert(principal);
            }
            return Step::Go;
        }
        self.not_acked(
            "add allowed principal",
            out,
            &[],
            Pending::AddPrincipal { svc, principal },
        )
        .await
    }

    async fn remove_principal(&mut self) -> Step {
        let pairs: Vec<(String, String)> = self
            .world
            .svcs
            .iter()
            .flat_map(|(k, s)| s.principals.iter().map(move |p| (k.clone(), p.clone())))
            .collect();
        let Some((svc, p)) = self.pick(&pairs) else {
            return Step::Go;
        };
        self.remove("remove allowed principal", Removal::Principal(svc, p), &[])
            .await
    }

    async fn delete_svc(&mut self) -> Step {
        let wd = &self.world;
        let ids: Vec<String> = wd
            .svcs
            .keys()
            .filter(|id| !wd.eps.values().any(|e| &e.svc == *id && e.state.live()))
            .cloned()
            .collect();
        let Some(id) = self.pick(&ids) else {
            return Step::Go;
        };
        self.remove("delete endpoint service", Removal::Svc(id), WORKFLOW_RACE)
            .await
    }

    async fn create_ep(&mut self) -> Step {
        let root = self.sh.c_root.clone();
        let svcs: Vec<String> = self
            .world
            .svcs
            .iter()
            .filter(|(_, s)| s.principals.contains(&root))
            .map(|(k, _)| k.clone())
            .collect();
        let Some(svc) = self.pick(&svcs) else {
            return Step::Go;
        };
        if !self.world.svcs[&svc].available {
            let Some((_, v)) = self
                .read(Acct::P, &format!("/v1/endpoint-services/{svc}"))
                .await
            else {
                return Step::Park;
            };
            if v["service_state"] != "available" {
                return Step::Go;
            }
            if let Some(s) = self.world.svcs.get_mut(&svc) {
                s.available = true;
            }
        }
        let s = &self.world.svcs[&svc];
        let (zones, name) = (s.zones.clone(), s.name.clone());
        let vpcs: Vec<String> = self
            .world
            .vpcs
            .iter()
            .filter(|(id, v)| {
                v.acct == Acct::C
                    && self
                        .world
                        .eps
                        .values()
                        .filter(|e| &e.vpc == *id && e.state.holds())
                        .count()
                        < 3
            })
            .map(|(k, _)| k.clone())
            .collect();
        let Some(vpc) = self.pick(&vpcs) else {
            return Step::Go;
        };
        let mut by_zone: BTreeMap<String, String> = BTreeMap::new();
        for (id, sub) in &self.world.subnets {
            if sub.vpc == vpc && zones.contains(&sub.zone) {
                by_zone.entry(sub.zone.clone()).or_insert(id.clone());
            }
        }
        let mut subnets: Vec<String> = by_zone.into_values().collect();
        if subnets.is_empty() {
            return Step::Go;
        }
        let keep = self.rng.random_range(1..=subnets.len());
        subnets.truncate(keep);
        let groups: Vec<String> = self
            .world
            .sgs
            .iter()
            .filter(|(_, g)| g.vpc == vpc && !g.default)
            .map(|(k, _)| k.clone())
            .collect();
        let tags = self.tags();
        let mut body = json!({
            "vpc_endpoint_type": "interface",
            "vpc_id": vpc,
            "service_name": name,
            "subnet_ids": subnets,
            "tags": tags,
        });
        if let Some(g) = self.pick(&groups)
            && self.rng.random_bool(0.5)
        {
            body["security_group_ids"] = json!([g]);
        }
        self.create(
            "create interface endpoint",
            Make::Ep(svc),
            Acct::C,
            "/v1/vpc-endpoints".into(),
            body,
            &[],
        )
        .await
    }

    async fn patch_ep(&mut self) -> Step {
        let ids: Vec<String> = self
            .world
            .eps
            .iter()
            .filter(|(_, e)| e.state.live())
            .map(|(k, _)| k.clone())
            .collect();
        let Some(id) = self.pick(&ids) else {
            return Step::Go;
        };
        let e = self.world.eps[&id].clone();
        let zones = self
            .world
            .svcs
            .get(&e.svc)
            .map(|s| s.zones.clone())
            .unwrap_or_default();
        let used_zones: BTreeSet<String> = e
            .subnets
            .iter()
            .filter_map(|s| self.world.subnets.get(s).map(|x| x.zone.clone()))
            .collect();
        let addable: Vec<String> = self
            .world
            .subnets
            .iter()
            .filter(|(_, s)| {
                s.vpc == e.vpc && zones.contains(&s.zone) && !used_zones.contains(&s.zone)
            })
            .map(|(k, _)| k.clone())
            .collect();
        let tags = self.tags();
        let mut body = json!({"tags": tags});
        let current: Vec<String> = e.subnets.iter().cloned().collect();
        if !addable.is_empty() && (current.len() < 2 || self.rng.random_bool(0.5)) {
            let s = self.pick(&addable);
            body["add_subnet_ids"] = json!([s]);
        } else if current.len() > 1 {
            let s = self.pick(&current);
            body["remove_subnet_ids"] = json!([s]);
        }
        self.patch("update interface endpoint", Patched::Ep, id, body)
            .await
    }

    async fn delete_ep(&mut self) -> Step {
        let ids: Vec<String> = self
            .world
            .eps
            .iter()
            .filter(|(_, e)| e.state.holds())
            .map(|(k, _)| k.clone())
            .collect();
        let Some(id) = self.pick(&ids) else {
            return Step::Go;
        };
        self.remove("delete interface endpoint", Removal::Ep(id), WORKFLOW_RACE)
            .await
    }

    /// Accepts or rejects up to three of the writer's own connections of
    /// one service, in one batch.
    async fn decide(&mut self, accept: bool) -> Step {
        let from = |s: EpState| {
            if accept {
                s == EpState::PendingAcceptance
            } else {
                s.live()
            }
        };
        let svcs: Vec<String> = self
            .world
            .eps
            .values()
            .filter(|e| from(e.state) && self.world.svcs.contains_key(&e.svc))
            .map(|e| e.svc.clone())
            .collect();
        let Some(svc) = self.pick(&svcs) else {
            return Step::Go;
        };
        let mut ids: Vec<String> = self
            .world
            .eps
            .iter()
            .filter(|(_, e)| e.svc == svc && from(e.state))
            .map(|(k, _)| k.clone())
            .collect();
        ids.truncate(3);
        let states: Vec<EpState> = ids.iter().map(|i| self.world.eps[i].state).collect();
        let path = format!(
            "/v1/endpoint-services/{svc}/connections/{}",
            if accept { "accept" } else { "reject" }
        );
        let body = json!({"vpc_endpoint_ids": ids});
        let op = if accept {
            "accept connections"
        } else {
            "reject connections"
        };
        let out = self
            .call(Method::POST, &path, Acct::P, Some(&body), None)
            .await;
        if let Out::Done(_, v) = &out {
            *self.stats.acked.entry(op).or_default() += 1;
            let mut refused = BTreeSet::new();
            for item in v["unsuccessful"].as_array().into_iter().flatten() {
                let id = st(&item["resource_id"]);
                let raced = !accept
                    && item["code"] == "IncorrectState"
                    && self.world.eps.get(&id).map(|e| e.state) == Some(EpState::Accepted);
                if raced {
                    *self
                        .stats
                        .refused
                        .entry(format!("{op} item IncorrectState"))
                        .or_default() += 1;
                } else {
                    self.violation(format!("{op} {ids:?}: {item}"));
                }
                refused.insert(id);
            }
            for id in ids.iter().filter(|i| !refused.contains(*i)) {
                self.touched.insert((Kind::Ep, id.clone()));
                if let Some(e) = self.world.eps.get_mut(id) {
                    e.state = if accept {
                        EpState::Accepted
                    } else {
                        EpState::Rejected
                    };
                }
            }
            return Step::Go;
        }
        let pending = Pending::Decide {
            svc,
            ids,
            accept,
            from: states,
        };
        self.not_acked(op, out, &[], pending).await
    }

    /// Adds or removes two of the contended service's principals, in a
    /// random order: every writer does, so batches overlap in both orders.
    /// Other writers change the same entries, so no outcome is modelled;
    /// the coordinator checks the entries' shape.
    async fn contend(&mut self) -> Step {
        let mut pool = self.sh.contended.pool.clone();
        let a = pool.swap_remove(self.rng.random_range(0..pool.len()));
        let b = pool.swap_remove(self.rng.random_range(0..pool.len()));
        let add = self.rng.random_bool(0.6);
        let (m, op) = if add {
            (Method::POST, "add contended principals")
        } else {
            (Method::DELETE, "remove contended principals")
        };
        let path = format!(
            "/v1/endpoint-services/{}/allowed-principals",
            self.sh.contended.service
        );
        let body = json!({"principals": [a, b]});
        match self.call(m, &path, Acct::P, Some(&body), None).await {
            Out::Done(_, v) => {
                *self.stats.acked.entry(op).or_default() += 1;
                if add && v["added"].as_array().map(Vec::len) != Some(2) {
                    self.violation(format!("{op} {body}: answered {v}"));
                }
                Step::Go
            }
            Out::Refused(status, v) => {
                self.violation(format!("{op}: unexpected {status} {v}"));
                Step::Go
            }
            Out::NotSent => {
                self.stats.not_sent += 1;
                Step::Park
            }
            Out::Lost(Lost::Unavailable(_)) => {
                self.stats.lost_503 += 1;
                *self.stats.refused.entry(format!("{op} 503")).or_default() += 1;
                Step::Go
            }
            Out::Lost(l) => {
                self.stats.lost_transport += 1;
                if !self.loading {
                    self.violation(format!("{op}: {l}"));
                }
                Step::Park
            }
        }
    }

    // ------------------------------------------------------------ checks

    /// Reads back what the writer deleted (gone) and what it touched in
    /// this round (equal to the model); the coordinator compares the rest
    /// from its lists.
    async fn check_own(&mut self) -> Step {
        let gone = std::mem::take(&mut self.world.gone);
        for (acct, path) in &gone {
            let Some((s, v)) = self.read(*acct, path).await else {
                return Step::Park;
            };
            self.stats.checks += 1;
            let ok = s == 404
                || (path.starts_with("/v1/endpoint-services/") && v["service_state"] == "deleting");
            if !ok {
                self.violation(format!("acknowledged delete of {path} reads {s} {v}"));
            }
        }
        let touched = std::mem::take(&mut self.touched);
        for (kind, id) in touched {
            let Some((acct, path)) = self.world.path_of(kind, &id) else {
                continue;
            };
            let Some((s, v)) = self.read(acct, &path).await else {
                return Step::Park;
            };
            self.stats.checks += 1;
            if s != 200 {
                self.violation(format!("acknowledged {path} reads {s} {v}"));
                continue;
            }
            let mut out = Vec::new();
            self.world.compare(kind, &id, &v, &mut out);
            for o in out {
                self.violation(o);
            }
        }
        Step::Go
    }

    // ------------------------------------------------------------ phases

    async fn run(
        mut self,
        mut phase: watch::Receiver<Phase>,
        parked: mpsc::UnboundedSender<usize>,
        reports: mpsc::UnboundedSender<Report>,
    ) -> Stats {
        let mut done_load = 0;
        let mut done_resolve = 0;
        loop {
            let now = phase.borrow_and_update().clone();
            match now {
                Phase::Stop => return self.stats,
                Phase::Load { round, base } if round > done_load => {
                    done_load = round;
                    self.round = round;
                    self.base = base;
                    self.loading = true;
                    loop {
                        if *phase.borrow()
                            != (Phase::Load {
                                round,
                                base: self.base.clone(),
                            })
                        {
                            break;
                        }
                        if let Step::Park = self.step().await {
                            break;
                        }
                        // A step whose preconditions failed sent nothing.
                        tokio::task::yield_now().await;
                    }
                    let _ = parked.send(self.w);
                }
                Phase::Resolve { round, base } if round > done_resolve => {
                    done_resolve = round;
                    self.base = base;
                    self.loading = false;
                    let resolved = match self.resolve().await {
                        Step::Go => self.check_own().await,
                        Step::Park => Step::Park,
                    };
                    if let Step::Park = resolved {
                        self.violation("the restarted server stopped answering".to_string());
                    }
                    let _ = reports.send(Report {
                        w: self.w,
                        world: self.world.clone(),
                        stats: self.stats.clone(),
                        violations: std::mem::take(&mut self.violations),
                    });
                }
                _ => {}
            }
            if phase.changed().await.is_err() {
                return self.stats;
            }
        }
    }
}

// ---------------------------------------------------------------- global checks

struct Checker {
    http: reqwest::Client,
    base: String,
    sh: Arc<Shared>,
    checks: u64,
    violations: Vec<String>,
}

impl Checker {
    fn token(&self, a: Acct) -> &str {
        match a {
            Acct::P => &self.sh.p_token,
            Acct::C => &self.sh.c_token,
        }
    }

    async fn get(&mut self, acct: Acct, path: &str) -> Value {
        for _ in 0..10 {
            let r = self
                .http
                .get(format!("{}{path}", self.base))
                .bearer_auth(self.token(acct))
                .send()
                .await;
            match r {
                Ok(r) if r.status() == 503 => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                Ok(r) => {
                    let s = r.status();
                    let v: Value = r.json().await.unwrap_or(Value::Null);
                    assert!(s.is_success(), "GET {path}: {s} {v}");
                    return v;
                }
                Err(e) => panic!("GET {path}: {e}"),
            }
        }
        panic!("GET {path}: 503 ten times");
    }

    /// Every item of a collection (following next_token), by id field.
    async fn list(&mut self, acct: Acct, path: &str, id: &str) -> BTreeMap<String, Value> {
        let mut out = BTreeMap::new();
        let mut token: Option<String> = None;
        loop {
            let sep = if path.contains('?') { '&' } else { '?' };
            let mut p = format!("{path}{sep}max_results=1000");
            if let Some(t) = &token {
                p.push_str(&format!("&next_token={}", enc(t)));
            }
            let v = self.get(acct, &p).await;
            for item in v["items"].as_array().into_iter().flatten() {
                if out.insert(st(&item[id]), item.clone()).is_some() {
                    self.violations
                        .push(format!("{path} lists {} twice", item[id]));
                }
            }
            match v["next_token"].as_str() {
                Some(t) if !t.is_empty() => token = Some(t.to_string()),
                _ => return out,
            }
        }
    }

    fn same_ids(&mut self, what: &str, listed: &BTreeMap<String, Value>, want: &BTreeSet<String>) {
        self.checks += 1;
        let have: BTreeSet<String> = listed.keys().cloned().collect();
        let extra: Vec<&String> = have.difference(want).collect();
        let missing: Vec<&String> = want.difference(&have).collect();
        if !extra.is_empty() {
            let shown: Vec<&Value> = extra
                .iter()
                .filter_map(|k| listed.get(*k))
                .take(3)
                .collect();
            self.violations.push(format!(
                "{what}: listed but never acknowledged (half-made or orphaned): {extra:?} {shown:?}"
            ));
        }
        if !missing.is_empty() {
            self.violations.push(format!(
                "{what}: acknowledged but not listed (lost): {missing:?}"
            ));
        }
    }

    /// The whole state against the union of the writers' models.
    async fn verify(&mut self, worlds: &[World], url: &str) {
        let sh = self.sh.clone();
        // Lists of both accounts.
        let mut vpcs = self.list(Acct::C, "/v1/vpcs", "vpc_id").await;
        vpcs.extend(self.list(Acct::P, "/v1/vpcs", "vpc_id").await);
        let mut subnets = self.list(Acct::C, "/v1/subnets", "subnet_id").await;
        subnets.extend(self.list(Acct::P, "/v1/subnets", "subnet_id").await);
        let mut enis = self
            .list(Acct::C, "/v1/network-interfaces", "network_interface_id")
            .await;
        enis.extend(
            self.list(Acct::P, "/v1/network-interfaces", "network_interface_id")
                .await,
        );
        let mut sgs = self.list(Acct::C, "/v1/security-groups", "group_id").await;
        sgs.extend(self.list(Acct::P, "/v1/security-groups", "group_id").await);
        let mut rtbs = self
            .list(Acct::C, "/v1/route-tables", "route_table_id")
            .await;
        rtbs.extend(
            self.list(Acct::P, "/v1/route-tables", "route_table_id")
                .await,
        );
        let lbs = self
            .list(Acct::P, "/v1/load-balancers", "load_balancer_arn")
            .await;
        let mut svcs = self
            .list(Acct::P, "/v1/endpoint-services", "service_id")
            .await;
        let eps = self
            .list(Acct::C, "/v1/vpc-endpoints", "vpc_endpoint_id")
            .await;

        // What the models say exists.
        let k = &sh.contended;
        let mut want_vpcs: BTreeSet<String> = [sh.commons_vpc.clone(), k.vpc.clone()].into();
        let mut want_subnets: BTreeSet<String> = sh.commons.iter().cloned().collect();
        want_subnets.insert(k.subnet.clone());
        let mut want_enis: BTreeSet<String> = k.enis.iter().cloned().collect();
        let mut want_sgs: BTreeSet<String> = [sh.commons_sg.clone(), k.sg.clone()].into();
        let mut want_rtbs: BTreeSet<String> = [sh.commons_rtb.clone(), k.rtb.clone()].into();
        let mut want_lbs: BTreeSet<String> = [k.lb.clone()].into();
        let mut want_svcs: BTreeSet<String> = [k.service.clone()].into();
        let mut want_eps = BTreeSet::new();
        for wd in worlds {
            want_vpcs.extend(wd.vpcs.keys().cloned());
            want_subnets.extend(wd.subnets.keys().cloned());
            want_enis.extend(wd.enis.keys().cloned());
            want_sgs.extend(wd.sgs.keys().cloned());
            want_rtbs.extend(wd.rtbs.keys().cloned());
            want_lbs.extend(wd.lbs.keys().cloned());
            want_svcs.extend(wd.svcs.keys().cloned());
            for l in wd.lbs.values() {
                want_enis.extend(l.enis.iter().cloned());
            }
            for (id, e) in &wd.eps {
                want_eps.insert(id.clone());
                want_enis.extend(e.enis.iter().cloned());
            }
        }
        // A service whose delete was acknowledged may linger as `deleting`.
        svcs.retain(|id, v| want_svcs.contains(id) || v["service_state"] != "deleting");
        self.same_ids("VPCs", &vpcs, &want_vpcs);
        self.same_ids("subnets", &subnets, &want_subnets);
        self.same_ids("network interfaces", &enis, &want_enis);
        self.same_ids("security groups", &sgs, &want_sgs);
        self.same_ids("route tables", &rtbs, &want_rtbs);
        self.same_ids("load balancers", &lbs, &want_lbs);
        self.same_ids("endpoint services", &svcs, &want_svcs);
        self.same_ids("VPC endpoints", &eps, &want_eps);

        // Every modelled resource equal to what was acknowledged.
        for wd in worlds {
            let mut out = Vec::new();
            let kinds: [(Kind, Vec<&String>, &BTreeMap<String, Value>); 8] = [
                (Kind::Vpc, wd.vpcs.keys().collect(), &vpcs),
                (Kind::Subnet, wd.subnets.keys().collect(), &subnets),
                (Kind::Eni, wd.enis.keys().collect(), &enis),
                (Kind::Sg, wd.sgs.keys().collect(), &sgs),
                (Kind::Rtb, wd.rtbs.keys().collect(), &rtbs),
                (Kind::Lb, wd.lbs.keys().collect(), &lbs),
                (Kind::Svc, wd.svcs.keys().collect(), &svcs),
                (Kind::Ep, wd.eps.keys().collect(), &eps),
            ];
            for (kind, ids, listed) in kinds {
                for id in ids {
                    if let Some(v) = listed.get(id) {
                        self.checks += 1;
                        wd.compare(kind, id, v, &mut out);
                    }
                }
            }
            self.violations.extend(out);
            for (id, x) in &wd.svcs {
                self.checks += 1;
                let ps: BTreeSet<String> = self
                    .list(
                        Acct::P,
                        &format!("/v1/endpoint-services/{id}/allowed-principals"),
                        "principal",
                    )
                    .await
                    .into_keys()
                    .collect();
                if ps != x.principals {
                    self.violations.push(format!(
                        "allowed principals of {id}: {ps:?}, acknowledged {:?}",
                        x.principals
                    ));
                }
            }
        }

        // The contended service's principals: each at most once, none but
        // the writers'.
        self.checks += 1;
        let ps = self
            .list(
                Acct::P,
                &format!("/v1/endpoint-services/{}/allowed-principals", k.service),
                "principal",
            )
            .await;
        if let Some(p) = ps.keys().find(|p| !k.pool.contains(p)) {
            self.violations.push(format!(
                "contended service {}: unexpected principal {p}",
                k.service
            ));
        }

        // Each VPC whole: its main route table and default group.
        for (id, v) in &vpcs {
            self.checks += 1;
            let rt = rtbs.get(&st(&v["main_route_table_id"]));
            let sg = sgs.get(&st(&v["default_security_group_id"]));
            let rt_ok = rt.is_some_and(|t| t["main"] == true && t["vpc_id"] == id.as_str());
            let sg_ok =
                sg.is_some_and(|g| g["group_name"] == "default" && g["vpc_id"] == id.as_str());
            if !rt_ok || !sg_ok {
                self.violations.push(format!(
                    "VPC {id} is not whole: main route table {rt:?}, default group {sg:?}"
                ));
            }
        }
        for (id, t) in &rtbs {
            self.checks += 1;
            if !vpcs.contains_key(&st(&t["vpc_id"])) {
                self.violations
                    .push(format!("route table {id} of a missing VPC: {t}"));
            }
        }
        for (id, g) in &sgs {
            self.checks += 1;
            if !vpcs.contains_key(&st(&g["vpc_id"])) {
                self.violations
                    .push(format!("security group {id} of a missing VPC: {g}"));
            }
        }

        // Interfaces: unique addresses inside their subnets; counts.
        let mut per_subnet: HashMap<String, Vec<u32>> = HashMap::new();
        for (id, e) in &enis {
            self.checks += 1;
            let sid = st(&e["subnet_id"]);
            let ip = ip_num(e["private_ip"].as_str().unwrap_or_default());
            let Some(sub) = subnets.get(&sid) else {
                self.violations
                    .push(format!("interface {id} in a missing subnet: {e}"));
                continue;
            };
            let bounds = cidr_bounds(sub["cidr_block"].as_str().unwrap_or_default());
            match (ip, bounds) {
                (Some(ip), Some((first, last))) if ip >= first + 4 && ip < last => {
                    per_subnet.entry(sid).or_default().push(ip)
                }
                _ => self.violations.push(format!(
                    "interface {id} has {} outside the usable addresses of {sid} ({})",
                    e["private_ip"], sub["cidr_block"]
                )),
            }
        }
        for (id, sub) in &subnets {
            self.checks += 1;
            let mut ips = per_subnet.remove(id).unwrap_or_default();
            let n = ips.len() as i64;
            ips.sort_unstable();
            ips.dedup();
            if ips.len() as i64 != n {
                self.violations
                    .push(format!("subnet {id}: two interfaces share an address"));
            }
            let Some((first, last)) = cidr_bounds(sub["cidr_block"].as_str().unwrap_or_default())
            else {
                continue;
            };
            let usable = i64::from(last - first + 1) - 5;
            if sub["available_ip_address_count"] != json!(usable - n) {
                self.violations.push(format!(
                    "subnet {id}: available_ip_address_count {} but {usable} usable and {n} interfaces",
                    sub["available_ip_address_count"]
                ));
            }
        }

        // Endpoints and load balancers hold exactly their interfaces.
        let mut held: BTreeMap<String, String> = BTreeMap::new();
        for (id, e) in &eps {
            self.checks += 1;
            let state = EpState::of(e["state"].as_str().unwrap_or_default());
            let ids = set_of(&e["network_interface_ids"]);
            let subs = set_of(&e["subnet_ids"]);
            if state == Some(EpState::Deleted) {
                if !ids.is_empty() || !subs.is_empty() {
                    self.violations.push(format!(
                        "deleted endpoint {id} still holds {ids:?} {subs:?}"
                    ));
                }
                continue;
            }
            if ids.is_empty() || ids.len() != subs.len() {
                self.violations.push(format!(
                    "endpoint {id} is not whole: subnets {subs:?}, interfaces {ids:?}"
                ));
            }
            let mut seen = BTreeSet::new();
            for x in &ids {
                held.insert(x.clone(), id.clone());
                match enis.get(x) {
                    Some(n)
                        if n["attached_resource_id"] == id.as_str()
                            && n["interface_type"] == "vpc_endpoint"
                            && n["requester_managed"] == true
                            && subs.contains(&st(&n["subnet_id"]))
                            && seen.insert(st(&n["subnet_id"])) => {}
                    other => self.violations.push(format!(
                        "endpoint {id}: interface {x} is not one of its subnets' ({subs:?}): {other:?}"
                    )),
                }
            }
        }
        for (arn, l) in &lbs {
            for z in l["availability_zones"].as_array().into_iter().flatten() {
                self.checks += 1;
                let x = st(&z["network_interface_id"]);
                held.insert(x.clone(), arn.clone());
                match enis.get(&x) {
                    Some(n)
                        if n["attached_resource_id"] == arn.as_str()
                            && n["subnet_id"] == z["subnet_id"]
                            && n["private_ip"] == z["private_ip"] => {}
                    other => self.violations.push(format!(
                        "load balancer {arn}: node interface {x} is {other:?}"
                    )),
                }
            }
        }
        for (id, n) in &enis {
            if n["requester_managed"] == true {
                self.checks += 1;
                if held.get(id) != Some(&st(&n["attached_resource_id"])) {
                    self.violations.push(format!(
                        "interface {id} is managed for {} which does not hold it",
                        n["attached_resource_id"]
                    ));
                }
            }
        }

        // Routes to interfaces are active exactly while the interface exists.
        for (id, t) in &rtbs {
            for r in t["routes"].as_array().into_iter().flatten() {
                let Some(eni) = r["network_interface_id"].as_str() else {
                    continue;
                };
                self.checks += 1;
                let want = if enis.contains_key(eni) {
                    "active"
                } else {
                    "blackhole"
                };
                if r["state"] != want {
                    self.violations.push(format!(
                        "route table {id}: route {} to {eni} is {} (want {want})",
                        r["destination_cidr_block"], r["state"]
                    ));
                }
            }
        }

        // A service's connections are the endpoints that name it.
        for (sid, svc) in &svcs {
            self.checks += 1;
            let conns = self
                .list(
                    Acct::P,
                    &format!("/v1/endpoint-services/{sid}/connections"),
                    "vpc_endpoint_id",
                )
                .await;
            let got: BTreeMap<String, Option<EpState>> = conns
                .iter()
                .map(|(k, c)| {
                    (
                        k.clone(),
                        EpState::of(c["vpc_endpoint_state"].as_str().unwrap_or_default()),
                    )
                })
                .collect();
            let want: BTreeMap<String, Option<EpState>> = eps
                .iter()
                .filter(|(_, e)| e["service_name"] == svc["service_name"])
                .map(|(k, e)| {
                    (
                        k.clone(),
                        EpState::of(e["state"].as_str().unwrap_or_default()),
                    )
                })
                .collect();
            if got != want {
                self.violations.push(format!(
                    "service {sid}: connections {got:?}, endpoints {want:?}"
                ));
            }
        }

        self.audit_free_ranges(url, &enis).await;
    }

    /// The database's free address ranges: disjoint, merged, inside each
    /// subnet's usable addresses, never covering an interface's address,
    /// and adding up to the subnet's available count.
    async fn audit_free_ranges(&mut self, url: &str, enis: &BTreeMap<String, Value>) {
        sqlx::any::install_default_drivers();
        let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(url)
            .await
            .expect("connect for the audit");
        let subnets: Vec<(String, i64, i64, i64)> = sqlx::query_as(
            "SELECT subnet_id, cidr_start, cidr_end, available_ip_address_count FROM subnets",
        )
        .fetch_all(&mut conn)
        .await
        .expect("subnets");
        let ranges: Vec<(String, i64, i64)> = sqlx::query_as(
            "SELECT subnet_id, range_start, range_end FROM ip_free_ranges \
             ORDER BY subnet_id, range_start",
        )
        .fetch_all(&mut conn)
        .await
        .expect("ranges");
        let used: Vec<(String, i64)> =
            sqlx::query_as("SELECT subnet_id, private_ip FROM network_interfaces")
                .fetch_all(&mut conn)
                .await
                .expect("interfaces");
        let _ = <sqlx::AnyConnection as sqlx::Connection>::close(conn).await;
        if used.len() != enis.len() {
            self.violations.push(format!(
                "the database holds {} interfaces, the API lists {}",
                used.len(),
                enis.len()
            ));
        }
        let mut by_subnet: HashMap<&str, Vec<(i64, i64)>> = HashMap::new();
        for (s, a, b) in &ranges {
            by_subnet.entry(s.as_str()).or_default().push((*a, *b));
        }
        let mut ips: HashMap<&str, Vec<i64>> = HashMap::new();
        for (s, ip) in &used {
            ips.entry(s.as_str()).or_default().push(*ip);
        }
        for (id, start, end, count) in &subnets {
            self.checks += 1;
            let rs = by_subnet.remove(id.as_str()).unwrap_or_default();
            let mine = ips.remove(id.as_str()).unwrap_or_default();
            let mut total = 0;
            let mut prev_end: Option<i64> = None;
            for (a, b) in &rs {
                total += b - a + 1;
                let bad_order = prev_end.is_some_and(|p| *a <= p + 1);
                if a > b || *a < start + 4 || *b > end - 1 || bad_order {
                    self.violations.push(format!(
                        "subnet {id}: free range {a}..={b} is malformed among {rs:?} (block {start}..={end})"
                    ));
                }
                prev_end = Some(*b);
                if let Some(ip) = mine.iter().find(|ip| (*a..=*b).contains(*ip)) {
                    self.violations.push(format!(
                        "subnet {id}: address {ip} is in use by an interface and free at once"
                    ));
                }
            }
            let usable = end - start + 1 - 5;
            if total != *count || usable - mine.len() as i64 != *count {
                self.violations.push(format!(
                    "subnet {id}: {total} free addresses in ranges, count {count}, {usable} usable, {} interfaces",
                    mine.len()
                ));
            }
        }
        if !by_subnet.is_empty() {
            self.violations.push(format!(
                "free ranges of missing subnets: {:?}",
                by_subnet.keys().collect::<Vec<_>>()
            ));
        }
    }
}

// ---------------------------------------------------------------- the test

async fn admin_post(
    http: &reqwest::Client,
    base: &str,
    path: &str,
    token: &str,
    body: Value,
) -> Value {
    let r = http
        .post(format!("{base}{path}"))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .expect("setup request");
    let s = r.status();
    let v: Value = r.json().await.unwrap_or(Value::Null);
    assert!(s.is_success(), "setup POST {path}: {s} {v}");
    v
}

/// Accounts, keys, zones and the shared subnets, before any kill.
async fn setup(http: &reqwest::Client, base: &str) -> Shared {
    let p = admin_post(
        http,
        base,
        "/v1/accounts",
        ADMIN,
        json!({"name": "producer"}),
    )
    .await;
    let c = admin_post(
        http,
        base,
        "/v1/accounts",
        ADMIN,
        json!({"name": "consumer"}),
    )
    .await;
    let key = |arn: Value| {
        let http = http.clone();
        async move {
            st(&admin_post(
                &http,
                base,
                "/v1/api-keys",
                ADMIN,
                json!({"principal_arn": arn}),
            )
            .await["secret"])
        }
    };
    let p_token = key(p["root_principal_arn"].clone()).await;
    let c_token = key(c["root_principal_arn"].clone()).await;
    let z = http
        .get(format!("{base}/v1/regions/us-east-1/availability-zones"))
        .bearer_auth(&c_token)
        .send()
        .await
        .expect("zones")
        .json::<Value>()
        .await
        .expect("zones json");
    let mut zones: Vec<String> = z["items"]
        .as_array()
        .expect("zones")
        .iter()
        .map(|z| st(&z["zone_id"]))
        .collect();
    zones.sort();
    zones.truncate(3);
    let vpc = admin_post(
        http,
        base,
        "/v1/vpcs",
        &c_token,
        json!({"cidr_block": "10.250.0.0/16"}),
    )
    .await;
    let pvpc = admin_post(
        http,
        base,
        "/v1/vpcs",
        &p_token,
        json!({"cidr_block": "10.251.0.0/16"}),
    )
    .await;
    let psub = admin_post(
        http,
        base,
        "/v1/subnets",
        &p_token,
        json!({"vpc_id": pvpc["vpc_id"], "cidr_block": "10.251.0.0/24", "availability_zone_id": zones[0]}),
    )
    .await;
    let lb = admin_post(
        http,
        base,
        "/v1/load-balancers",
        &p_token,
        json!({"name": "contended", "subnet_ids": [psub["subnet_id"]]}),
    )
    .await;
    let svc = admin_post(
        http,
        base,
        "/v1/endpoint-services",
        &p_token,
        json!({"network_load_balancer_arns": [lb["load_balancer_arn"]]}),
    )
    .await;
    let contended = Contended {
        service: st(&svc["service_id"]),
        vpc: st(&pvpc["vpc_id"]),
        subnet: st(&psub["subnet_id"]),
        sg: st(&pvpc["default_security_group_id"]),
        rtb: st(&pvpc["main_route_table_id"]),
        lb: st(&lb["load_balancer_arn"]),
        enis: lb["availability_zones"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|z| st(&z["network_interface_id"]))
            .collect(),
        pool: (0..4)
            .map(|k| format!("arn:aws:iam::{}:role/contended-{k}", st(&c["account_id"])))
            .collect(),
    };
    let mut commons = Vec::new();
    for (i, cidr) in ["10.250.0.0/26", "10.250.0.64/26"].iter().enumerate() {
        let s = admin_post(
            http,
            base,
            "/v1/subnets",
            &c_token,
            json!({"vpc_id": vpc["vpc_id"], "cidr_block": cidr, "availability_zone_id": zones[i]}),
        )
        .await;
        commons.push(st(&s["subnet_id"]));
    }
    Shared {
        p_token,
        c_token,
        c_root: st(&c["root_principal_arn"]),
        c_account: st(&c["account_id"]),
        zones,
        commons,
        commons_vpc: st(&vpc["vpc_id"]),
        commons_sg: st(&vpc["default_security_group_id"]),
        commons_rtb: st(&vpc["main_route_table_id"]),
        contended,
    }
}

fn client() -> reqwest::Client {
    let _ = crate::support::http_client();
    reqwest::Client::builder()
        .timeout(REQUEST_TIMEOUT)
        .pool_max_idle_per_host(1)
        .build()
        .expect("client")
}

async fn kill_9_under_concurrent_writes(db: Db) {
    let started = Instant::now();
    let seed: u64 = std::env::var("LINKPLANE_CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(rand::random);
    println!("kill -9 under load on {db:?}: LINKPLANE_CRASH_SEED={seed}");
    let mut rng = StdRng::seed_from_u64(seed);
    let fresh = FreshDb::new(db).await;
    let mut server = Server::start(&fresh.url);
    let http = client();
    let sh = Arc::new(setup(&http, &server.base()).await);

    let (phase_tx, phase_rx) = watch::channel(Phase::Hold);
    let (parked_tx, mut parked_rx) = mpsc::unbounded_channel();
    let (report_tx, mut report_rx) = mpsc::unbounded_channel();
    let in_flight = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for w in 0..WORKERS {
        let worker = Worker {
            w,
            rng: StdRng::seed_from_u64(seed ^ (w as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15)),
            http: client(),
            base: String::new(),
            sh: sh.clone(),
            world: World::default(),
            pending: None,
            touched: BTreeSet::new(),
            stats: Stats::default(),
            violations: Vec::new(),
            seq: 0,
            round: 0,
            in_flight: in_flight.clone(),
            loading: false,
        };
        tasks.push(tokio::spawn(worker.run(
            phase_rx.clone(),
            parked_tx.clone(),
            report_tx.clone(),
        )));
    }

    let mut violations: Vec<String> = Vec::new();
    let mut total_checks = 0u64;
    let mut kills = 0;
    let mut in_flight_at_kill = Vec::new();
    let mut deadlock_lines = 0usize;
    let mut last = Stats::default();
    let mut round = 0;
    while round < MIN_ROUNDS || (round < MAX_ROUNDS && started.elapsed() < BUDGET) {
        round += 1;
        let load = Duration::from_millis(rng.random_range(LOAD_MS.0..=LOAD_MS.1));
        phase_tx
            .send(Phase::Load {
                round,
                base: server.base(),
            })
            .expect("writers listen");
        tokio::time::sleep(load).await;
        assert!(
            server.alive(),
            "round {round}: the server died by itself (seed {seed})"
        );
        in_flight_at_kill.push(in_flight.load(Ordering::SeqCst));
        let warnings = server.kill9();
        kills += 1;
        deadlock_lines += warnings.iter().filter(|l| l.contains("deadlock")).count();
        phase_tx.send(Phase::Hold).expect("writers listen");
        for _ in 0..WORKERS {
            tokio::time::timeout(Duration::from_secs(60), parked_rx.recv())
                .await
                .unwrap_or_else(|_| panic!("round {round}: a writer did not stop (seed {seed})"));
        }
        let t_restart = Instant::now();
        server = Server::start(&fresh.url);
        let restart = t_restart.elapsed();
        let t_resolve = Instant::now();
        phase_tx
            .send(Phase::Resolve {
                round,
                base: server.base(),
            })
            .expect("writers listen");
        let mut worlds: Vec<Option<World>> = vec![None; WORKERS];
        let mut stats = Stats::default();
        for _ in 0..WORKERS {
            let r: Report = tokio::time::timeout(Duration::from_secs(120), report_rx.recv())
                .await
                .unwrap_or_else(|_| panic!("round {round}: a writer did not report (seed {seed})"))
                .expect("report");
            violations.extend(r.violations);
            stats.add(&r.stats);
            worlds[r.w] = Some(r.world);
        }
        let worlds: Vec<World> = worlds.into_iter().flatten().collect();
        let resolve = t_resolve.elapsed();
        let t_verify = Instant::now();
        let mut checker = Checker {
            http: http.clone(),
            base: server.base(),
            sh: sh.clone(),
            checks: 0,
            violations: Vec::new(),
        };
        checker.verify(&worlds, &fresh.url).await;
        total_checks += checker.checks;
        violations.extend(checker.violations);
        println!(
            "round {round}: ran {load:?}, killed with {} requests in flight; {} writes acknowledged, \
             {} unknown outcomes ({} happened); {} checks; restart {restart:.1?}, resolve {resolve:.1?}, \
             verify {:.1?}; {:.1} s elapsed",
            in_flight_at_kill.last().unwrap_or(&0),
            stats.acked_total() - last.acked_total(),
            stats.lost_transport + stats.lost_503 - last.lost_transport - last.lost_503,
            stats.resolved_happened - last.resolved_happened,
            stats.checks - last.checks + checker.checks,
            t_verify.elapsed(),
            started.elapsed().as_secs_f64()
        );
        last = stats;
        if !violations.is_empty() {
            break;
        }
    }
    phase_tx.send(Phase::Stop).expect("writers listen");
    let mut total = Stats::default();
    for t in tasks {
        total.add(&t.await.expect("writer"));
    }
    total_checks += total.checks;
    let graceful = violations.is_empty() && server.terminate();

    println!(
        "kill -9 under load on {db:?} (seed {seed}): {WORKERS} writers, {kills} kills \
         (requests in flight at each: {in_flight_at_kill:?}), {:.1} s",
        started.elapsed().as_secs_f64()
    );
    println!(
        "  {} writes acknowledged: {:?}",
        total.acked_total(),
        total.acked
    );
    println!(
        "  unknown outcomes: {} without an answer, {} answered 503; resolved: {} had happened, \
         {} had not; idempotent retries: {} replayed, {} made then",
        total.lost_transport,
        total.lost_503,
        total.resolved_happened,
        total.resolved_not,
        total.retry_replayed,
        total.retry_fresh
    );
    println!(
        "  {} refusals: {:?}; {} requests not sent (server down); {} 'deadlock' lines in the server log",
        total.refused.values().sum::<u64>(),
        total.refused,
        total.not_sent,
        deadlock_lines
    );
    println!(
        "  {total_checks} checks, {} reads; {} answers slower than 1 s, the slowest {} ms ({})",
        total.reads, total.slow, total.slowest_ms, total.slowest
    );
    if !violations.is_empty() {
        for v in violations.iter().take(40) {
            println!("VIOLATION: {v}");
        }
        panic!(
            "{} violations under kill -9 on {db:?} (LINKPLANE_CRASH_SEED={seed}); first: {}",
            violations.len(),
            violations[0]
        );
    }
    assert!(graceful, "the last server did not stop on SIGTERM");
    assert!(total.acked_total() > 0, "nothing was acknowledged");
}
