//! Persistence: one [`Store`] over SQLite or Postgres, chosen by URL scheme.
//!
//! Queries are written once with `$N` placeholders and run through sqlx's
//! `Any` driver on both databases. What differs between the two (connection
//! pragmas, how a write transaction begins, the migration folder) stays in
//! this module.

pub mod consumer;
pub mod filter;
pub mod harness;
pub mod idempotency;
pub mod identity;
pub mod network;
pub mod outbox;
pub mod page;
pub mod plan;
pub mod producer;
pub mod snapshot;
pub mod sql;
pub mod tags;
pub mod topics;

use linkplane_core::lifecycle as lc;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::migrate::Migrator;
use sqlx::{AnyPool, Executor};
use std::str::FromStr;
use std::time::Duration;

pub type Tx = sqlx::Transaction<'static, sqlx::Any>;

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("migrations/postgres");

/// Which database a store talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// The database `pool` talks to.
    pub fn of(pool: &AnyPool) -> Backend {
        if pool.connect_options().database_url.scheme() == "sqlite" {
            Backend::Sqlite
        } else {
            Backend::Postgres
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// Errors from the store, by what the caller can do about them.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    /// A dry run's transaction reached its commit and was rolled back: the
    /// operation would have succeeded.
    #[error("dry run: rolled back at the commit")]
    DryRun,
    /// A uniqueness constraint failed: the thing already exists.
    #[error("conflict: {0}")]
    Conflict(String),
    /// A referenced row does not exist, or a row is still referenced.
    #[error("foreign key: {0}")]
    ForeignKey(String),
    /// The database is unreachable, busy or out of connections: retry later.
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// The database aborted the transaction to break a deadlock or a
    /// serialization conflict with a concurrent one: running the whole
    /// transaction again succeeds (see `service::retry_tx`).
    #[error("transaction conflict: {0}")]
    Contention(String),
    #[error("database error: {0}")]
    Other(String),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        use sqlx::error::ErrorKind;
        match e {
            sqlx::Error::RowNotFound => StoreError::NotFound,
            sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => {
                StoreError::Unavailable(e.to_string())
            }
            sqlx::Error::Database(db) => {
                let code = db.code().map(|c| c.into_owned()).unwrap_or_default();
                match db.kind() {
                    ErrorKind::UniqueViolation => StoreError::Conflict(db.message().to_string()),
                    ErrorKind::ForeignKeyViolation => {
                        StoreError::ForeignKey(db.message().to_string())
                    }
                    // Postgres serialization failure and deadlock, SQLite's
                    // BUSY_SNAPSHOT (a read snapshot went stale under a writer).
                    _ if matches!(code.as_str(), "40001" | "40P01" | "517") => {
                        StoreError::Contention(db.message().to_string())
                    }
                    // SQLITE_BUSY / SQLITE_LOCKED past the busy timeout, too
                    // many connections, shutting down.
                    _ if matches!(code.as_str(), "5" | "6" | "53300" | "57P01") => {
                        StoreError::Unavailable(db.message().to_string())
                    }
                    _ => StoreError::Other(format!("{} ({code})", db.message())),
                }
            }
            other => StoreError::Other(other.to_string()),
        }
    }
}

impl From<sqlx::migrate::MigrateError> for StoreError {
    fn from(e: sqlx::migrate::MigrateError) -> Self {
        StoreError::Other(format!("migration failed: {e}"))
    }
}

/// The database behind linkplane. Cheap to clone (a pool handle).
#[derive(Clone, Debug)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    /// Encrypts the columns kept sealed at rest (API keys' SigV4 secrets);
    /// None when the server has no key configured.
    sealing: Option<std::sync::Arc<crate::sealed::SealingKey>>,
    /// A dry run's store: every transaction rolls back where it would
    /// commit, answering [`StoreError::DryRun`].
    dry_run: bool,
    /// Where writes go. On SQLite, one connection of its own: SQLite has
    /// one writer, so writers queue for it in order (instead of polling
    /// the file lock in SQLite's busy handler, which sleeps 1, 2, 5, 10 ...
    /// ms between tries, while holding a pooled connection), and its page
    /// cache stays warm, as no other connection writes (a SQLite
    /// connection drops its cache when another one has written). On
    /// Postgres, the pool itself.
    writer: AnyPool,
}

impl Store {
    /// Connects to `sqlite://...` or `postgres://...`. Does not migrate.
    pub async fn connect(url: &str, max_connections: u32) -> Result<Self, StoreError> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Backend::Postgres
        } else {
            return Err(StoreError::Other(format!(
                "unsupported database URL '{}': use sqlite://... or postgres://...",
                redact(url)
            )));
        };
        if backend == Backend::Sqlite && (url.contains(":memory:") || url.contains("mode=memory")) {
            // Every connection would open a database of its own: the
            // writer's would not be the readers'.
            return Err(StoreError::Other(
                "an in-memory SQLite database cannot be shared by the writer and the readers: \
                 use a file (sqlite://path/to/linkplane.db?mode=rwc)"
                    .to_string(),
            ));
        }
        let options = AnyConnectOptions::from_str(url)
            .map_err(|e| StoreError::Other(format!("invalid database URL: {e}")))?;
        let mut pool = AnyPoolOptions::new()
            .max_connections(max_connections.max(1))
            .acquire_timeout(Duration::from_secs(10));
        let mut writer = None;
        if backend == Backend::Sqlite {
            // A SQLite connection is a file handle that cannot go stale, so
            // the pool need not ping it on every acquire: each ping was a
            // round trip to the connection's worker thread, as many as the
            // queries themselves (scripts/profile-point-read.sh).
            pool = pool.test_before_acquire(false);
            pool = pool.after_connect(|conn, _meta| {
                Box::pin(async move {
                    // WAL: readers never block the writer; NORMAL sync is durable
                    // across a process kill; a busy timeout instead of SQLITE_BUSY;
                    // a 16 MiB page cache per connection (64 MiB made 8
                    // connections' caches most of the process's memory, with no
                    // faster reads or writes: docs/benchmarks.md).
                    conn.execute(sqlx::raw_sql(
                        "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
                         PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; \
                         PRAGMA cache_size = -16384;",
                    ))
                    .await?;
                    Ok(())
                })
            });
            // The writer waits for its turn as long as the busy timeout
            // would have (then `Unavailable`, as SQLITE_BUSY was).
            writer = Some(
                pool.clone()
                    .max_connections(1)
                    .acquire_timeout(Duration::from_secs(5))
                    // Kept open, so that its page cache is.
                    .idle_timeout(None)
                    .max_lifetime(None)
                    .connect_with(options.clone())
                    .await?,
            );
        }
        let pool = pool.connect_with(options).await?;
        Ok(Store {
            writer: writer.unwrap_or_else(|| pool.clone()),
            pool,
            backend,
            sealing: None,
            dry_run: false,
        })
    }

    /// The same store, sealing secrets at rest under `key`.
    pub fn with_sealing_key(mut self, key: Option<crate::sealed::SealingKey>) -> Self {
        self.sealing = key.map(std::sync::Arc::new);
        self
    }

    /// This store for a dry run (the AWS front's `DryRun=true`): reads as
    /// always; a transaction that gets as far as its commit is rolled back
    /// and answers [`StoreError::DryRun`], so the caller learns the
    /// operation's real error, or that it would have succeeded.
    pub fn dry_run(&self) -> Store {
        Store {
            dry_run: true,
            ..self.clone()
        }
    }

    /// Commits `tx`, or in a dry run rolls it back and answers
    /// [`StoreError::DryRun`]. Every domain transaction ends here.
    pub async fn commit(&self, tx: Tx) -> Result<(), StoreError> {
        if self.dry_run {
            tx.rollback().await?;
            return Err(StoreError::DryRun);
        }
        Ok(tx.commit().await?)
    }

    /// The key secrets are sealed under, if one is configured.
    pub fn sealing_key(&self) -> Option<&crate::sealed::SealingKey> {
        self.sealing.as_deref()
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// The pool for a write outside [`Store::begin`] (one autocommit
    /// statement): SQLite's writer connection, Postgres's pool.
    pub fn writes(&self) -> &AnyPool {
        &self.writer
    }

    fn migrator(&self) -> &'static Migrator {
        match self.backend {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        }
    }

    /// Applies pending migrations (idempotent; safe with several replicas).
    pub async fn migrate(&self) -> Result<(), StoreError> {
        self.migrator().run(&self.pool).await?;
        Ok(())
    }

    /// Applies migrations up to and including `version` only: for tests of
    /// an upgrade over data written by an older schema.
    pub async fn migrate_to(&self, version: i64) -> Result<(), StoreError> {
        self.migrator().run_to(version, &self.pool).await?;
        Ok(())
    }

    /// Reachable and fully migrated.
    pub async fn ready(&self) -> Result<(), StoreError> {
        let latest: Option<i64> = self.migrator().iter().map(|m| m.version).max();
        let (applied,): (Option<i64>,) = sql::fetch_one(
            &self.pool,
            "SELECT MAX(version) FROM _sqlx_migrations WHERE success = $1",
            (true,),
        )
        .await?;
        if applied < latest {
            return Err(StoreError::Unavailable(format!(
                "database is at migration {applied:?}, the binary expects {latest:?}"
            )));
        }
        Ok(())
    }

    /// Begins a write transaction. On SQLite it runs on the writer
    /// connection (waiting for its turn) and takes the write lock at once
    /// (`BEGIN IMMEDIATE`), so that a writer never fails when a read lock
    /// is upgraded; another process's writer is waited for on the busy
    /// timeout.
    pub async fn begin(&self) -> Result<Tx, StoreError> {
        let tx = match self.backend {
            Backend::Sqlite => self.writer.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool.begin().await?,
        };
        Ok(tx)
    }

    /// Begins a write transaction whose reads stay true until it commits:
    /// SERIALIZABLE on Postgres (a concurrent transaction that would change
    /// what it read makes one of the two fail with a serialization error,
    /// which `service::retry_tx` runs again), `BEGIN IMMEDIATE` on SQLite
    /// (one writer at a time already). For checks of the form "no row like
    /// this exists, so insert one" that no unique index can express.
    pub async fn begin_serializable(&self) -> Result<Tx, StoreError> {
        let tx = match self.backend {
            Backend::Sqlite => self.writer.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => {
                self.pool
                    .begin_with("BEGIN ISOLATION LEVEL SERIALIZABLE")
                    .await?
            }
        };
        Ok(tx)
    }

    /// Pool figures for /metrics: (open connections, idle connections, max).
    pub fn pool_stats(&self) -> (u32, usize, u32) {
        (
            self.pool.size(),
            self.pool.num_idle(),
            self.pool.options().get_max_connections(),
        )
    }

    pub async fn close(&self) {
        self.pool.close().await;
        self.writer.close().await;
    }
}

/// Migration versions of each backend, for the lockstep test.
pub fn migration_versions() -> (Vec<i64>, Vec<i64>) {
    (
        SQLITE_MIGRATIONS.iter().map(|m| m.version).collect(),
        POSTGRES_MIGRATIONS.iter().map(|m| m.version).collect(),
    )
}

/// Moves every row whose time has come from each transitional state of
/// `states` into the one it settles into: `update` binds `$1` now, `$2`
/// the new state and `$3` the old (`UPDATE t SET state = $2 ... WHERE state
/// = $3 AND ready_at <= $1`). Idempotent, so replicas running it together
/// apply each transition once; answers the rows moved.
pub(crate) async fn settle<S: lc::Lifecycle + 'static>(
    pool: &AnyPool,
    now: i64,
    update: &'static str,
    states: &'static [S],
) -> Result<u64, StoreError> {
    let mut n = 0;
    for &from in states {
        let Some(to) = from.settles_to() else {
            continue;
        };
        n += sql::exec(pool, update, (now, to.as_str(), from.as_str())).await?;
    }
    Ok(n)
}

/// A URL with its password removed, for messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..s + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

/// Milliseconds since the Unix epoch: every timestamp column holds this.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// A boolean column: `BOOLEAN` on Postgres, `INTEGER` 0/1 on SQLite (the
/// Any driver cannot read SQLite's `BOOLEAN`). Row fields read it with
/// `#[sqlx(try_from = "Flag")]`; binding a `bool` works on both.
#[derive(Debug, Clone, Copy)]
pub struct Flag(pub bool);

impl sqlx::Type<sqlx::Any> for Flag {
    fn type_info() -> sqlx::any::AnyTypeInfo {
        <bool as sqlx::Type<sqlx::Any>>::type_info()
    }

    fn compatible(_ty: &sqlx::any::AnyTypeInfo) -> bool {
        true
    }
}

impl<'r> sqlx::Decode<'r, sqlx::Any> for Flag {
    fn decode(value: sqlx::any::AnyValueRef<'r>) -> Result<Self, sqlx::error::BoxDynError> {
        match <bool as sqlx::Decode<sqlx::Any>>::decode(value.clone()) {
            Ok(b) => Ok(Flag(b)),
            Err(_) => Ok(Flag(<i64 as sqlx::Decode<sqlx::Any>>::decode(value)? != 0)),
        }
    }
}

impl From<Flag> for bool {
    fn from(f: Flag) -> bool {
        f.0
    }
}

/// A column holding a lifecycle state (or another closed set of core words,
/// like an endpoint's type), read as the core enum. Row fields read it with
/// `#[sqlx(try_from = "Stored<VpcEndpointState>")]` (`StoredOption` for a
/// nullable column; JSON rows with `#[serde(deserialize_with =
/// "stored_json")]`), and writes bind `state.as_str()`. Text the core does
/// not know is an error that names the table and column (an internal
/// error), never a default.
#[derive(Debug, Clone, Copy)]
pub struct Stored<S>(pub S);

/// A nullable [`Stored`] column.
#[derive(Debug, Clone, Copy)]
pub struct StoredOption<S>(pub Option<S>);

/// Where a core enum is stored, for the error a bad value makes.
pub trait StoredText: FromStr<Err = linkplane_core::CoreError> {
    /// `table.column`.
    const COLUMN: &'static str;

    /// The value `text` stands for, or an error naming the column.
    fn from_stored(text: &str) -> Result<Self, String> {
        text.parse()
            .map_err(|e: linkplane_core::CoreError| format!("{}: {}", Self::COLUMN, e.message))
    }
}

macro_rules! stored_in {
    ($($ty:ty => $column:literal,)+) => {$(
        impl StoredText for $ty {
            const COLUMN: &'static str = $column;
        }

        impl From<Stored<$ty>> for $ty {
            fn from(s: Stored<$ty>) -> $ty {
                s.0
            }
        }

        impl From<StoredOption<$ty>> for Option<$ty> {
            fn from(s: StoredOption<$ty>) -> Option<$ty> {
                s.0
            }
        }
    )+};
}

stored_in! {
    lc::VpcEndpointState => "vpc_endpoints.state",
    linkplane_core::catalog::EndpointType => "vpc_endpoints.vpc_endpoint_type",
    lc::EndpointServiceState => "endpoint_services.service_state",
    lc::ServiceRegionState => "endpoint_service_regions.state",
    lc::PrivateDnsState => "endpoint_services.pdns_state",
    lc::LoadBalancerState => "load_balancers.state",
    lc::PeeringState => "vpc_peering_connections.status",
    lc::NatGatewayState => "nat_gateways.state",
    lc::TransitGatewayState => "transit_gateways.state",
    lc::TransitGatewayAttachmentState => "transit_gateway_attachments.state",
}

impl<S> sqlx::Type<sqlx::Any> for Stored<S> {
    fn type_info() -> sqlx::any::AnyTypeInfo {
        <String as sqlx::Type<sqlx::Any>>::type_info()
    }

    fn compatible(ty: &sqlx::any::AnyTypeInfo) -> bool {
        <String as sqlx::Type<sqlx::Any>>::compatible(ty)
    }
}

impl<'r, S: StoredText> sqlx::Decode<'r, sqlx::Any> for Stored<S> {
    fn decode(value: sqlx::any::AnyValueRef<'r>) -> Result<Self, sqlx::error::BoxDynError> {
        let text = <String as sqlx::Decode<sqlx::Any>>::decode(value)?;
        Ok(Stored(S::from_stored(&text)?))
    }
}

impl<S> sqlx::Type<sqlx::Any> for StoredOption<S> {
    fn type_info() -> sqlx::any::AnyTypeInfo {
        <String as sqlx::Type<sqlx::Any>>::type_info()
    }

    fn compatible(ty: &sqlx::any::AnyTypeInfo) -> bool {
        <String as sqlx::Type<sqlx::Any>>::compatible(ty)
    }
}

impl<'r, S: StoredText> sqlx::Decode<'r, sqlx::Any> for StoredOption<S> {
    fn decode(value: sqlx::any::AnyValueRef<'r>) -> Result<Self, sqlx::error::BoxDynError> {
        if sqlx::ValueRef::is_null(&value) {
            return Ok(StoredOption(None));
        }
        let Stored(s) = <Stored<S> as sqlx::Decode<sqlx::Any>>::decode(value)?;
        Ok(StoredOption(Some(s)))
    }
}

/// Reads a [`StoredText`] field of a row that arrives as JSON.
pub fn stored_json<'de, D, S>(d: D) -> Result<S, D::Error>
where
    D: serde::Deserializer<'de>,
    S: StoredText,
{
    let text = <String as serde::Deserialize>::deserialize(d)?;
    S::from_stored(&text).map_err(serde::de::Error::custom)
}
