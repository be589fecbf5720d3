//! Domain services: what linkplane does, independent of the front that asks.
//!
//! Handlers (the REST API today, an EC2 Query front later) parse and render;
//! each operation here takes the caller, the store and typed input (and,
//! for a create, the idempotency key; for an update, a [`Precondition`]),
//! runs in one transaction, and answers typed output or an [`Error`]
//! carrying the AWS error code. Nothing here names a front: see the test
//! `the_domain_names_no_front`.

pub mod caller;
pub mod catalog;
pub mod consumer;
pub mod cost;
pub mod discovery;
pub mod harness;
pub mod identity;
pub mod network;
pub mod notification;
pub mod producer;
pub mod resolve;
pub mod topic;

use crate::error::{Error, ErrorKind};
use crate::service::caller::Caller;
use crate::store::idempotency::{self, IdempotencyRecord};
use crate::store::tags::{self, Tags};
use crate::store::{Store, StoreError, Tx, now_ms};
use serde::Serialize;

/// A create's answer: a new resource, or the one an earlier request with the
/// same idempotency key made.
#[derive(Debug)]
pub enum Created<T> {
    New(T),
    Replayed(T),
}

impl<T> Created<T> {
    pub fn into_inner(self) -> T {
        match self {
            Created::New(t) | Created::Replayed(t) => t,
        }
    }

    pub fn inner(&self) -> &T {
        match self {
            Created::New(t) | Created::Replayed(t) => t,
        }
    }

    /// The same outcome (new or replayed) carrying `value`.
    pub fn with<U>(self, value: U) -> Created<U> {
        match self {
            Created::New(_) => Created::New(value),
            Created::Replayed(_) => Created::Replayed(value),
        }
    }
}

impl Created<String> {
    /// Loads what a create made, by its id. A replay whose resource has
    /// since been deleted answers 409 `IdempotentResourceDeleted` (as EC2
    /// answers `IdempotentInstanceTerminated` for a client token whose
    /// instance is gone), not the resource's 404: the create did succeed,
    /// and another one needs another key.
    pub async fn load<T, F, Fut>(self, get: F) -> Result<Created<T>, Error>
    where
        F: FnOnce(String) -> Fut,
        Fut: std::future::Future<Output = Result<T, Error>>,
    {
        match self {
            Created::New(id) => Ok(Created::New(get(id).await?)),
            Created::Replayed(id) => match get(id.clone()).await {
                Err(e) if e.kind == ErrorKind::NotFound => Err(resource_deleted(&id)),
                other => Ok(Created::Replayed(other?)),
            },
        }
    }
}

/// 409 for a replay of a create whose resource has since been deleted.
pub fn resource_deleted(id: &str) -> Error {
    Error::conflict(
        "IdempotentResourceDeleted",
        format!(
            "the idempotency key was used to create {id}, which has since been deleted; \
             use another key to create another"
        ),
    )
}

/// An idempotency key in force for one create.
#[derive(Debug, Clone)]
pub struct Idempotency {
    scope: String,
    key: String,
    operation: &'static str,
    request_sha256: String,
}

impl Idempotency {
    /// `key` from the front (the REST `Idempotency-Key` header, or an AWS
    /// `client_token`), scoped to the caller's account ([`Caller::scope`]);
    /// `operation` names the create (`CreateVpc`); `request` is the parsed
    /// input (with the resource in the path, if any), whose canonical JSON
    /// decides whether a retry is "the same request". Stored fingerprints
    /// depend on both: keep them as they are.
    ///
    /// Only the domain builds these: each create takes the key and names
    /// its own operation.
    pub(in crate::service) fn new(
        caller: &Caller,
        key: Option<String>,
        operation: &'static str,
        request: &impl Serialize,
    ) -> Option<Self> {
        let key = key?;
        let json = serde_json::to_vec(request).unwrap_or_default();
        Some(Idempotency {
            scope: caller.scope(),
            key,
            operation,
            request_sha256: crate::util::sha256_hex(&json),
        })
    }

    /// Inside the create's transaction: the id of the resource an earlier
    /// identical request made, None to go ahead, or 409 when the key was used
    /// for a different request.
    pub async fn check(&self, tx: &mut Tx) -> Result<Option<String>, Error> {
        match idempotency::find(tx, &self.scope, &self.key).await? {
            None => Ok(None),
            Some(r) if r.operation == self.operation && r.request_sha256 == self.request_sha256 => {
                Ok(Some(r.resource_id))
            }
            Some(_) => Err(Error::conflict(
                "IdempotentParameterMismatch",
                format!(
                    "the idempotency key '{}' was already used for a different request",
                    self.key
                ),
            )),
        }
    }

    /// Inside the create's transaction: remembers what the key made.
    pub async fn record(&self, tx: &mut Tx, resource_id: &str) -> Result<(), StoreError> {
        let record = IdempotencyRecord {
            operation: self.operation.to_string(),
            request_sha256: self.request_sha256.clone(),
            resource_id: resource_id.to_string(),
        };
        idempotency::insert(tx, &self.scope, &self.key, &record, now_ms()).await
    }
}

/// How many times one operation's transaction runs at most when the
/// database keeps aborting it for a deadlock or serialization conflict.
pub const MAX_TX_ATTEMPTS: u32 = 8;

/// Before attempt `attempt` (1-based, from the second on): a short pause,
/// growing and randomised so that the transactions that collided do not
/// collide again in step (0.5-1 ms, then 1-2 ms, ... up to 32-64 ms).
pub async fn contention_backoff(attempt: u32) {
    let base_us = 500u64 << attempt.saturating_sub(2).min(6);
    let jitter = rand::random_range(0..=base_us);
    tokio::time::sleep(std::time::Duration::from_micros(base_us + jitter)).await;
}

/// Runs `op`, one whole transaction (begin ... commit), again when the
/// database aborted it to break a deadlock or a serialization conflict
/// with a concurrent transaction ([`ErrorKind::Contention`]): the loser of
/// such a conflict has changed nothing and can simply go again, so the
/// client never sees a conflict the server can resolve. At most
/// [`MAX_TX_ATTEMPTS`] runs; other errors are answered at once.
pub async fn retry_tx<T, F, Fut>(mut op: F) -> Result<T, Error>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, Error>>,
{
    let mut attempt = 1;
    loop {
        match op().await {
            Err(e) if e.kind == ErrorKind::Contention && attempt < MAX_TX_ATTEMPTS => {
                attempt += 1;
                tracing::debug!(attempt, error = %e.message, "transaction conflict; running it again");
                contention_backoff(attempt).await;
            }
            other => return other,
        }
    }
}

/// When a create runs again, for [`create_once!`]: once after losing a race on its idempotency key, and
/// after a deadlock or serialization conflict (with backoff) up to
/// [`MAX_TX_ATTEMPTS`] attempts in all.
pub struct CreateRetry {
    keyed: bool,
    raced: bool,
    attempt: u32,
}

impl CreateRetry {
    pub fn new(idem: Option<&Idempotency>) -> Self {
        CreateRetry {
            keyed: idem.is_some(),
            raced: false,
            attempt: 1,
        }
    }

    /// After a failed attempt: `Ok` to run it again (the backoff waited
    /// out), or the error to answer.
    pub async fn after(&mut self, e: CreateError) -> Result<(), Error> {
        match e {
            CreateError::KeyRace if self.keyed && !self.raced => {
                self.raced = true;
                Ok(())
            }
            CreateError::Api(e)
                if e.kind == ErrorKind::Contention && self.attempt < MAX_TX_ATTEMPTS =>
            {
                self.attempt += 1;
                tracing::debug!(attempt = self.attempt, error = %e.message, "transaction conflict; running it again");
                contention_backoff(self.attempt).await;
                Ok(())
            }
            e => Err(e.into_api()),
        }
    }
}

/// Errors inside a create attempt, telling an idempotency race apart.
#[derive(Debug)]
pub enum CreateError {
    KeyRace,
    Api(Error),
}

impl CreateError {
    pub(crate) fn into_api(self) -> Error {
        match self {
            CreateError::KeyRace => Error::conflict(
                "IdempotentParameterMismatch",
                "a concurrent request with the same idempotency key is in progress",
            ),
            CreateError::Api(e) => e,
        }
    }
}

impl From<Error> for CreateError {
    fn from(e: Error) -> Self {
        CreateError::Api(e)
    }
}

impl From<StoreError> for CreateError {
    fn from(e: StoreError) -> Self {
        CreateError::Api(e.into())
    }
}

/// The resource an earlier request with this key made, if any (see
/// [`Idempotency::check`]).
pub async fn replayed_id(idem: Option<&Idempotency>, tx: &mut Tx) -> Result<Option<String>, Error> {
    match idem {
        Some(i) => i.check(tx).await,
        None => Ok(None),
    }
}

/// Records the key; a uniqueness failure means another request with the
/// same key committed first.
pub async fn record_key(
    idem: Option<&Idempotency>,
    tx: &mut Tx,
    resource_id: &str,
) -> Result<(), CreateError> {
    if let Some(i) = idem {
        match i.record(tx, resource_id).await {
            Err(StoreError::Conflict(_)) => return Err(CreateError::KeyRace),
            other => other?,
        }
    }
    Ok(())
}

/// Commits (see [`Store::commit`]); on Postgres a key race can surface
/// here too.
pub async fn commit(store: &Store, tx: Tx) -> Result<(), CreateError> {
    match store.commit(tx).await {
        Err(StoreError::Conflict(_)) => Err(CreateError::KeyRace),
        other => Ok(other?),
    }
}

/// Stored text the domain does not know, in `column` (`table.column`): an
/// internal error naming the column, as the store's typed (`Stored`)
/// columns answer, never a default.
pub fn unknown_stored(column: &str, what: &str, text: &str) -> Error {
    Error::internal(format!("{column}: '{text}' is not {what}"))
}

/// An update's precondition: the version (as an entity tag, `"v3"`) the
/// caller last saw, or several, or `*`; none means "whatever is current".
/// The REST front takes it from `If-Match`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Precondition(pub Option<String>);

impl Precondition {
    /// Fails with `PreconditionFailed` unless there is none, it is `*`, or
    /// it lists `etag`.
    pub fn check(&self, etag: &str) -> Result<(), Error> {
        match &self.0 {
            None => Ok(()),
            Some(v) if v.split(',').map(str::trim).any(|t| t == "*" || t == etag) => Ok(()),
            Some(v) => Err(Error::precondition_failed(format!(
                "If-Match {v} does not match the current ETag {etag}"
            ))),
        }
    }

    /// [`check`](Self::check) against the ETag of a resource at `version`.
    pub fn check_version(&self, version: i64) -> Result<(), Error> {
        self.check(&etag(version))
    }
}

/// The entity tag of a resource at `version`: `"v3"`.
pub fn etag(version: i64) -> String {
    format!("\"v{version}\"")
}

/// A resource with the version its ETag is made from.
#[derive(Debug, Clone)]
pub struct Versioned<T> {
    pub value: T,
    pub version: i64,
}

impl<T> Versioned<T> {
    pub fn etag(&self) -> String {
        etag(self.version)
    }
}

/// A list's items: what a family's renderer made, without the versions (a
/// list carries no ETags).
pub async fn values<T>(
    rendered: impl Future<Output = Result<Vec<Versioned<T>>, Error>>,
) -> Result<Vec<T>, Error> {
    Ok(rendered.await?.into_iter().map(|v| v.value).collect())
}

/// A get by id: the row the store found, rendered by the family's renderer
/// (the one its list uses), or `not_found` when there is none.
pub async fn render_one<R, T, Fut>(
    row: Option<R>,
    render: impl FnOnce(Vec<R>) -> Fut,
    not_found: impl Fn() -> Error,
) -> Result<T, Error>
where
    Fut: Future<Output = Result<Vec<T>, Error>>,
{
    let row = row.ok_or_else(&not_found)?;
    render(vec![row]).await?.pop().ok_or_else(not_found)
}

/// Renders rows whose resource is the row and its tags: one read of the
/// tags of all (`id` names each row's resource), then `render(row, tags)`.
pub async fn render_tagged<R, T>(
    store: &Store,
    rows: Vec<R>,
    id: impl Fn(&R) -> &str,
    mut render: impl FnMut(R, Tags) -> T,
) -> Result<Vec<T>, Error> {
    let ids: Vec<&str> = rows.iter().map(&id).collect();
    let mut tags = tags::for_resources(store.pool(), &ids).await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let t = tags.remove(id(&r)).unwrap_or_default();
            render(r, t)
        })
        .collect())
}

/// Runs `body` in one transaction (begin ... commit) through `tx` (a
/// `&mut Tx`), again after a deadlock or serialization conflict, as
/// [`retry_tx`] does: the domain's writes other than creates (and the one
/// serializable transaction, `dns::create_zone`). The
/// body evaluates to `Result<T, Error>`; an error rolls the transaction
/// back, a value commits it. A macro for the reason [`create_once!`] is one.
#[macro_export]
macro_rules! transaction {
    ($store:expr, |$tx:ident| $body:block) => {{
        let store: &$crate::store::Store = $store;
        $crate::service::retry_tx(|| async move {
            let mut t = store.begin().await?;
            let out: Result<_, $crate::error::Error> = async {
                let $tx: &mut $crate::store::Tx = &mut t;
                $body
            }
            .await;
            let out = out?;
            store.commit(t).await?;
            Ok::<_, $crate::error::Error>(out)
        })
        .await
    }};
}

/// Runs a create in one transaction, honouring the idempotency key: an
/// earlier identical request's resource id is answered as a replay; a
/// concurrent request with the same key that commits first makes this one
/// retry once and replay; a transaction the database aborted for a
/// deadlock runs again (as [`retry_tx`] does); when to run it again is
/// [`CreateRetry`]'s. The body inserts the resource through `tx` (a
/// `&mut Tx`) and evaluates to `Result<String, Error>`, the new id; the
/// key is recorded after it, and the transaction committed.
///
/// `create_once!(store, idem, key_first = id, |tx| body)` is for a create
/// whose id is known before it runs (an account id, a principal's ARN): the
/// key is recorded before the body, so that a concurrent request with the
/// same key waits on the key and replays, rather than failing on the
/// resource's own uniqueness (`AccountAlreadyExists`, `EntityAlreadyExists`).
///
/// A macro rather than a function taking an async closure: the futures of
/// `AsyncFnMut` closures cannot be required to be `Send`, which the server's handlers need.
#[macro_export]
macro_rules! create_once {
    (@run $store:expr, $idem:expr, $first:expr, |$tx:ident| $body:block) => {{
        let store: &$crate::store::Store = $store;
        let idem: Option<&$crate::service::Idempotency> = $idem;
        let first: Option<&str> = $first;
        let mut retry = $crate::service::CreateRetry::new(idem);
        loop {
            let made: Result<$crate::service::Created<String>, $crate::service::CreateError> =
                async {
                    let mut t = store.begin().await?;
                    if let Some(id) = $crate::service::replayed_id(idem, &mut t).await? {
                        return Ok($crate::service::Created::Replayed(id));
                    }
                    if let Some(id) = first {
                        $crate::service::record_key(idem, &mut t, id).await?;
                    }
                    let id: Result<String, $crate::error::Error> = async {
                        let $tx: &mut $crate::store::Tx = &mut t;
                        $body
                    }
                    .await;
                    let id = id?;
                    if first.is_none() {
                        $crate::service::record_key(idem, &mut t, &id).await?;
                    }
                    $crate::service::commit(store, t).await?;
                    Ok($crate::service::Created::New(id))
                }
                .await;
            match made {
                Ok(c) => break Ok::<_, $crate::error::Error>(c),
                Err(e) => {
                    if let Err(e) = retry.after(e).await {
                        break Err(e);
                    }
                }
            }
        }
    }};
    ($store:expr, $idem:expr, key_first = $id:expr, |$tx:ident| $body:block) => {
        $crate::create_once!(@run $store, $idem, Some($id), |$tx| $body)
    };
    ($store:expr, $idem:expr, |$tx:ident| $body:block) => {
        $crate::create_once!(@run $store, $idem, None, |$tx| $body)
    };
}

#[cfg(test)]
mod tests {
    /// Every write transaction of the domain runs under [`super::retry_tx`]
    /// (through `transaction!` or `create_once!`, or by hand for a
    /// serializable one): a `begin()` straight in
    /// an operation's body would answer a deadlock with 503 again. Reads
    /// the sources, so a new write path cannot forget it.
    use super::Precondition;
    use crate::error::ErrorKind;

    #[test]
    fn preconditions() {
        assert!(Precondition(None).check("\"v1\"").is_ok());
        assert!(Precondition(Some("*".into())).check("\"v1\"").is_ok());
        assert!(
            Precondition(Some("\"v0\", \"v1\"".into()))
                .check("\"v1\"")
                .is_ok()
        );
        let e = Precondition(Some("\"v0\"".into())).check("\"v1\"").err();
        assert_eq!(
            e.as_ref().map(|e| (e.kind, &*e.code, &*e.message)),
            Some((
                ErrorKind::PreconditionFailed,
                "PreconditionFailed",
                "If-Match \"v0\" does not match the current ETag \"v1\""
            ))
        );
    }

    /// Stored fingerprints must not change: a create under a resource in
    /// the path fingerprints `[id, body]` whether the id is held as `&str`
    /// (the service's parameter) or `&String` (the handler's, before).
    #[test]
    fn fingerprints_stay_what_they_were() {
        use super::{Idempotency, caller::Caller};
        let id = String::from("rtb-1");
        let req = serde_json::json!({"a": 1});
        let key = || Some("k".to_string());
        let a = Idempotency::new(&Caller::Admin, key(), "CreateRoute", &(id.as_str(), &req));
        let b = Idempotency::new(&Caller::Admin, key(), "CreateRoute", &(&id, &req));
        let (Some(a), Some(b)) = (a, b) else {
            panic!("a key makes a record")
        };
        assert_eq!(a.request_sha256, b.request_sha256);
        assert_eq!(
            a.request_sha256,
            crate::util::sha256_hex(br#"["rtb-1",{"a":1}]"#)
        );
        assert_eq!((a.scope.as_str(), a.operation), ("admin", "CreateRoute"));
        assert!(Idempotency::new(&Caller::Admin, None, "CreateRoute", &req).is_none());
    }

    #[test]
    fn every_transaction_runs_again_after_a_deadlock() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/service");
        let mut files = vec![root.clone()];
        let mut offenders = Vec::new();
        while let Some(p) = files.pop() {
            if p.is_dir() {
                for e in std::fs::read_dir(&p).expect("read_dir") {
                    files.push(e.expect("entry").path());
                }
                continue;
            }
            if p.extension().is_none_or(|e| e != "rs") || p == root.join("mod.rs") {
                continue;
            }
            let text = std::fs::read_to_string(&p).expect("read");
            let lines: Vec<&str> = text.lines().collect();
            for (i, line) in lines.iter().enumerate() {
                if !line.contains(".begin().await") {
                    continue;
                }
                // Back to the start of the enclosing function.
                let start = (0..i)
                    .rev()
                    .find(|&j| {
                        lines[j].trim_start().starts_with("pub async fn ")
                            || lines[j].trim_start().starts_with("async fn ")
                            || lines[j].trim_start().starts_with("pub(crate) async fn ")
                    })
                    .unwrap_or(0);
                let between = lines[start..i].join("\n");
                let retried = ["retry_tx(", "create_once!("]
                    .iter()
                    .any(|w| between.contains(w));
                if !retried {
                    offenders.push(format!("{}:{}", p.display(), i + 1));
                }
            }
        }
        assert!(
            offenders.is_empty(),
            "transactions outside retry_tx: {offenders:#?}"
        );
    }

    /// A dry run (the AWS front's `DryRun=true`) rolls back at
    /// `Store::commit`, so no domain transaction may commit any other way.
    #[test]
    fn every_transaction_commits_through_the_store() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/service");
        let mut files = vec![root];
        let mut offenders = Vec::new();
        while let Some(p) = files.pop() {
            if p.is_dir() {
                for e in std::fs::read_dir(&p).expect("read_dir") {
                    files.push(e.expect("entry").path());
                }
                continue;
            }
            if p.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let text = std::fs::read_to_string(&p).expect("read");
            // (Spelt in two halves, so that this line does not match.)
            let needle = concat!(".commit", "().await");
            for (i, line) in text.lines().enumerate() {
                if line.contains(needle) {
                    offenders.push(format!("{}:{}", p.display(), i + 1));
                }
            }
        }
        assert!(
            offenders.is_empty(),
            "commits that a dry run would not roll back: {offenders:#?}"
        );
    }
}
