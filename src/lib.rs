//! linkplane: a control plane for private service connectivity in the style
//! of AWS PrivateLink and VPC endpoints.
//!
//! The binary (`main.rs`) is thin: it parses settings, connects the store
//! and serves [`app::router`]. Tests build the same router.

pub mod api;
pub mod app;
pub mod aws;
pub mod config;
pub mod error;
pub mod metrics;
pub mod pagination;
pub mod schema;
pub mod sealed;
pub mod service;
pub mod state;
pub mod store;
pub mod transport;
pub mod util;
pub mod workflow;

/// Tests that the domain (service, store, workflow) names no front.
#[cfg(test)]
mod layering;

use config::{LogFormat, ServeArgs, Settings};
use std::time::Duration;
use store::Store;

/// Sets up logging: `RUST_LOG` (default `info`), text or JSON lines.
pub fn init_tracing(format: LogFormat) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(ansi)
        .with_writer(std::io::stderr);
    let _ = match format {
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .try_init(),
        LogFormat::Text => builder.try_init(),
    };
}

/// Reads the webhook CA file, connects and migrates the store, settles the
/// admin secret, binds, and serves until SIGTERM or Ctrl-C.
pub async fn run_server(args: ServeArgs) -> anyhow::Result<()> {
    let settings = Settings::from(&args);
    let webhooks = workflow::webhook_client(settings.webhook_ca_file.as_deref())?;
    let store = Store::connect(
        &args.database.database_url,
        args.database.db_max_connections,
    )
    .await?;
    let sealing = match args.aws_secrets_key.as_deref() {
        Some(hex) => Some(
            sealed::SealingKey::from_hex(hex)
                .map_err(|e| anyhow::anyhow!("LINKPLANE_AWS_SECRETS_KEY: {e}"))?,
        ),
        None => {
            tracing::info!(
                "LINKPLANE_AWS_SECRETS_KEY is unset: new API keys get no SigV4 secret, and the AWS front refuses every signature"
            );
            None
        }
    };
    if let Some(account) = settings.aws_open_account.as_deref() {
        service::harness::check_open_account(account)
            .map_err(|e| anyhow::anyhow!("{}", e.message))?;
        tracing::warn!(
            account,
            "LINKPLANE_AWS_OPEN_ACCOUNT is set: the AWS front takes ANY unknown access key as the root of account {account}, \
             and POST /moto-api/reset deletes that account's resources; for local stacks and test suites only"
        );
    }
    let store = store.with_sealing_key(sealing);
    store.migrate().await?;
    let (admin_sha256, generated) =
        service::caller::init_admin(&store, args.admin_token.as_deref()).await?;
    if let Some(secret) = generated {
        println!(
            "linkplane: generated the admin secret (shown once, stored only as a hash):\n\n    {secret}\n\n\
             Use it as `Authorization: Bearer <secret>`, or set LINKPLANE_ADMIN_TOKEN to choose your own."
        );
    }
    let listener = tokio::net::TcpListener::bind(args.listen).await?;
    let addr = listener.local_addr()?;
    tracing::info!(%addr, database = %store::redact(&args.database.database_url), backend = store.backend().name(), "linkplane listening");
    let tasks = workflow::spawn_all(&store, settings.provision_delay, webhooks);
    let state = state::AppState::new(store.clone(), settings, admin_sha256);
    app::serve(
        listener,
        app::router(state),
        app::shutdown_signal(),
        Duration::from_millis(args.shutdown_grace_ms),
    )
    .await?;
    for t in tasks {
        t.abort();
    }
    store.close().await;
    tracing::info!("linkplane stopped");
    Ok(())
}
