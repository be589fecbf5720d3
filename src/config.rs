//! Settings from command-line flags and `LINKPLANE_*` environment variables.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

#[derive(Debug, Parser)]
#[command(
    name = "linkplane",
    version,
    about = "A control plane for private service connectivity in the style of AWS PrivateLink"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Start the HTTP server (migrations run first).
    Serve(Box<ServeArgs>),
    /// Apply database migrations and exit.
    Migrate(DatabaseArgs),
    /// Print the OpenAPI document to standard output.
    Openapi,
}

#[derive(Debug, Clone, Args)]
pub struct DatabaseArgs {
    /// `sqlite://PATH?mode=rwc` or `postgres://...`.
    #[arg(
        long,
        env = "LINKPLANE_DATABASE_URL",
        default_value = "sqlite://linkplane.db?mode=rwc"
    )]
    pub database_url: String,

    /// Maximum connections in the database pool.
    #[arg(long, env = "LINKPLANE_DB_MAX_CONNECTIONS", default_value_t = 8)]
    pub db_max_connections: u32,
}

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub database: DatabaseArgs,

    /// Address to bind.
    #[arg(long, env = "LINKPLANE_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,

    /// The admin bearer secret; generated and printed once when unset on first start.
    #[arg(long, env = "LINKPLANE_ADMIN_TOKEN", hide_env_values = true)]
    pub admin_token: Option<String>,

    /// Region used when a create names none.
    #[arg(long, env = "LINKPLANE_DEFAULT_REGION", default_value = "us-east-1")]
    pub default_region: String,

    /// How long resources stay `pending` before the workflow makes them `available`.
    #[arg(long, env = "LINKPLANE_PROVISION_DELAY_MS", default_value_t = 0)]
    pub provision_delay_ms: u64,

    /// Longest time a request may take before it answers 503, counted once
    /// its body has arrived.
    #[arg(long, env = "LINKPLANE_REQUEST_TIMEOUT_MS", default_value_t = 30_000)]
    pub request_timeout_ms: u64,

    /// Longest time a client may take to send a request's body before the
    /// request answers 408.
    #[arg(long, env = "LINKPLANE_BODY_TIMEOUT_MS", default_value_t = 30_000)]
    pub body_timeout_ms: u64,

    /// How long a graceful shutdown waits for requests in flight.
    #[arg(long, env = "LINKPLANE_SHUTDOWN_GRACE_MS", default_value_t = 30_000)]
    pub shutdown_grace_ms: u64,

    /// Hosts (`host` or `host:port`, comma-separated) webhook URLs may name;
    /// any host when unset.
    #[arg(long, env = "LINKPLANE_WEBHOOK_ALLOWED_HOSTS", value_delimiter = ',')]
    pub webhook_allowed_hosts: Vec<String>,

    /// A PEM bundle of extra CA certificates trusted for `https://` webhooks,
    /// besides the system's roots; read at start.
    #[arg(long, env = "LINKPLANE_WEBHOOK_CA_FILE")]
    pub webhook_ca_file: Option<PathBuf>,

    /// 64 hex digits (32 random bytes, e.g. `openssl rand -hex 32`): the key
    /// that API keys' SigV4 secrets are sealed under (AES-256-GCM), which the
    /// AWS front needs. Unset: new keys are bearer secrets only and the AWS
    /// front refuses every signature.
    #[arg(long, env = "LINKPLANE_AWS_SECRETS_KEY", hide_env_values = true)]
    pub aws_secrets_key: Option<String>,

    /// The harness mode for local stacks and test suites, off by default: a
    /// 12-digit account id. A request to the AWS front signed with an access
    /// key this server does not know then acts as the root of that account
    /// (made on first use), as moto's and LocalStack's server modes take
    /// dummy credentials; known keys are still verified strictly; and `POST
    /// /moto-api/reset` deletes that account's resources. Never for a shared
    /// server: anyone who can reach it acts as that account.
    #[arg(long, env = "LINKPLANE_AWS_OPEN_ACCOUNT")]
    pub aws_open_account: Option<String>,

    /// Log line format.
    #[arg(long, env = "LINKPLANE_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

/// The settings the running application needs (a subset of the flags, typed).
#[derive(Debug, Clone)]
pub struct Settings {
    pub default_region: String,
    pub provision_delay: Duration,
    pub request_timeout: Duration,
    /// How long a request's body may take to arrive (408 after that).
    pub body_timeout: Duration,
    /// Hosts webhook URLs may name (`host` or `host:port`); empty: any.
    pub webhook_allowed_hosts: Vec<String>,
    /// Extra CA certificates (PEM) trusted for `https://` webhooks.
    pub webhook_ca_file: Option<PathBuf>,
    /// The harness mode's account (`LINKPLANE_AWS_OPEN_ACCOUNT`), checked
    /// at start.
    pub aws_open_account: Option<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            default_region: "us-east-1".to_string(),
            provision_delay: Duration::ZERO,
            request_timeout: Duration::from_secs(30),
            body_timeout: Duration::from_secs(30),
            webhook_allowed_hosts: Vec::new(),
            webhook_ca_file: None,
            aws_open_account: None,
        }
    }
}

impl From<&ServeArgs> for Settings {
    fn from(a: &ServeArgs) -> Self {
        Settings {
            default_region: a.default_region.clone(),
            provision_delay: Duration::from_millis(a.provision_delay_ms),
            request_timeout: Duration::from_millis(a.request_timeout_ms),
            body_timeout: Duration::from_millis(a.body_timeout_ms),
            webhook_allowed_hosts: a
                .webhook_allowed_hosts
                .iter()
                .map(|h| h.trim().to_ascii_lowercase())
                .filter(|h| !h.is_empty())
                .collect(),
            webhook_ca_file: a.webhook_ca_file.clone(),
            aws_open_account: a.aws_open_account.clone(),
        }
    }
}
