//! atlas-ear: a command-line client for MongoDB Atlas encryption-at-rest private endpoints.
//!
//! ARCHITECTURE.md maps the modules; `main.rs` only parses, calls [`run`] and maps errors to
//! exit codes.

pub mod api;
pub mod challenge_cache;
pub mod challenge_slot;
pub mod cli;
pub mod client;
pub mod commands;
pub mod config_show;
pub mod credentials;
pub mod digest;
pub mod dry_run;
pub mod errors;
pub mod fleet;
pub mod help;
pub mod interrupt;
pub mod jq;
pub mod outcome;
pub mod output;
pub mod presentation;
pub mod profile;
pub mod progress;
pub mod region_list;
pub mod regions;
pub mod render;
pub mod report;
pub mod secret;
pub mod settings;
pub mod sources;
pub mod status_rules;
pub mod table;
pub mod token;
pub mod trace;
pub mod unknown_outcome;
pub mod wait;

/// Runs one parsed command line to completion on a single-threaded runtime: the tool's
/// concurrency is a handful of HTTP requests, which one thread drives easily.
pub fn run(cli: cli::Cli) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(commands::execute(cli))
}
