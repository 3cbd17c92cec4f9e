//! atlas-ear: a command-line client for MongoDB Atlas encryption-at-rest private endpoints.
//!
//! ARCHITECTURE.md maps the modules; `main.rs` only parses, calls [`run`] and maps errors to
//! exit codes.

pub mod api;
pub mod cli;
pub mod client;
pub mod commands;
pub mod config_show;
pub mod credentials;
pub mod digest;
pub mod dry_run;
pub mod errors;
pub mod help;
pub mod jq;
pub mod output;
pub mod presentation;
pub mod profile;
pub mod regions;
pub mod render;
pub mod secret;
pub mod settings;
pub mod sources;
pub mod table;
pub mod token;
pub mod trace;

/// Runs one parsed command line to completion on a single-threaded runtime: the tool's
/// concurrency is a handful of HTTP requests, which one thread drives easily.
pub fn run(cli: cli::Cli) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(commands::execute(cli))
}
