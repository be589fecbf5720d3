use clap::Parser;
use linkplane::config::{Cli, Command, LogFormat};
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let format = match &cli.command {
        Command::Serve(a) => a.log_format,
        _ => LogFormat::Text,
    };
    linkplane::init_tracing(format);
    let result = match cli.command {
        Command::Serve(args) => linkplane::run_server(*args).await,
        Command::Migrate(db) => migrate(db).await,
        Command::Openapi => openapi(),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!("{e:#}");
            eprintln!("linkplane: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn migrate(db: linkplane::config::DatabaseArgs) -> anyhow::Result<()> {
    let store = linkplane::store::Store::connect(&db.database_url, db.db_max_connections).await?;
    store.migrate().await?;
    println!(
        "migrations applied to {}",
        linkplane::store::redact(&db.database_url)
    );
    store.close().await;
    Ok(())
}

fn openapi() -> anyhow::Result<()> {
    println!("{}", linkplane::api::openapi().to_pretty_json()?);
    Ok(())
}
