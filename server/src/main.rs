//! `streamgate`: serves the StreamGate web app and its HLS streams, and runs set-up tasks.

mod cli;
mod config;
mod demo;
mod http;
mod serve;
mod shutdown;
mod site;
mod telemetry;
mod token_key;
mod workers;

use std::process::ExitCode;

use clap::Parser;
use streamgate_domain::{
    authz::Authorizer,
    model::{NewApiToken, NewEvent, NewMember, Principal},
    service::Domain,
    store::StoreError,
    DomainError,
};

use cli::{AdminCommand, Cli, Command, DatabaseArgs, EventCommand, TokenCommand};

/// Why the program stopped with an error; shown to the operator and mapped to exit code 1.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("configuration: {0}")]
    Config(String),
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("{0}")]
    Domain(#[from] DomainError),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: std::net::SocketAddr,
        source: std::io::Error,
    },
    #[error("server failed: {0}")]
    Serve(#[from] std::io::Error),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    telemetry::init(cli.log_format);
    let runtime = tokio::runtime::Runtime::new().expect("tokio runtime");
    match runtime.block_on(run(cli.command)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("streamgate: {err}");
            ExitCode::FAILURE
        }
    }
}

async fn run(command: Command) -> Result<(), StartupError> {
    match command {
        Command::Serve(args) => serve::serve(*args).await,
        Command::Migrate(database) => {
            let domain = open_domain(&database, Authorizer::default()).await?;
            domain.close().await;
            Ok(())
        }
        Command::Event { command } => run_event_command(command).await,
        Command::Admin { command } => run_admin_command(command).await,
        Command::Token { command } => run_token_command(command).await,
    }
}

/// Connects to the configured database and brings its schema up to date.
pub async fn open_domain(
    database: &DatabaseArgs,
    authz: Authorizer,
) -> Result<Domain, StartupError> {
    let location = database.location().map_err(StartupError::Config)?;
    tracing::info!(database = %location, "opening database");
    let store = location.connect().await?;
    store.migrate().await?;
    tracing::info!(backend = %store.backend(), "database migrated");
    Ok(Domain::new(store, authz))
}

async fn run_event_command(command: EventCommand) -> Result<(), StartupError> {
    let output = match command {
        EventCommand::Create {
            database,
            account_id,
            quotas,
            event,
        } => {
            let domain = open_domain(&database, Authorizer::default())
                .await?
                .with_quotas(quotas.defaults());
            let created = create_event(&domain, account_id, NewEvent::from(event)).await;
            domain.close().await;
            to_json(&created?)
        }
        EventCommand::List { database } => {
            let domain = open_domain(&database, Authorizer::default()).await?;
            let events = domain.events().list(&Principal::Operator).await;
            domain.close().await;
            to_json(&events?)
        }
    };
    println!("{output}");
    Ok(())
}

async fn run_admin_command(command: AdminCommand) -> Result<(), StartupError> {
    let AdminCommand::Create {
        database,
        email,
        password,
        role,
        account_id,
        account_name,
    } = command;
    let domain = open_domain(&database, Authorizer::default()).await?;
    let input = NewMember {
        email,
        password,
        role,
    };
    let created = domain
        .accounts()
        .add_member_or_found_account(&Principal::Operator, account_id, &account_name, input, None)
        .await;
    domain.close().await;
    println!("{}", to_json(&created?));
    Ok(())
}

/// `token create`: seed 001's token "minted once at install time"; stdout carries only the
/// token, so a script can capture it.
async fn run_token_command(command: TokenCommand) -> Result<(), StartupError> {
    let TokenCommand::Create {
        database,
        name,
        scope,
        account_id,
        role,
    } = command;
    let domain = open_domain(&database, Authorizer::default()).await?;
    let asked = NewApiToken {
        name,
        scope,
        account_id,
        role,
        allowed_ips: Vec::new(),
        expires_at: None,
    };
    let minted = domain
        .api_tokens()
        .mint(&Principal::Operator, asked, None)
        .await;
    domain.close().await;
    println!("{}", minted?.token);
    Ok(())
}

/// `event create`: in the account named, else the installation's default (or only) account.
async fn create_event(
    domain: &Domain,
    account_id: Option<uuid::Uuid>,
    input: NewEvent,
) -> Result<streamgate_domain::model::Event, DomainError> {
    let operator = Principal::Operator;
    let account_id = domain
        .accounts()
        .acting_account(&operator, account_id)
        .await?;
    domain
        .events()
        .create(&operator, account_id, input, None)
        .await
}

fn to_json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string_pretty(value).expect("domain types serialize")
}
