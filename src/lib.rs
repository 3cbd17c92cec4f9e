//! atlas-ear: a command-line client for MongoDB Atlas encryption-at-rest private endpoints.
//!
//! ARCHITECTURE.md maps the modules; `main.rs` only parses, calls [`run`] and maps errors to
//! exit codes.

pub(crate) mod api;
pub(crate) mod auth;
pub(crate) mod cli;
pub(crate) mod commands;
pub(crate) mod errors;
pub(crate) mod escape;
pub(crate) mod http;
pub(crate) mod interrupt;
pub(crate) mod output;
pub(crate) mod regions;
pub(crate) mod secret;
pub(crate) mod settings;

// What the integration tests, property tests and fuzz targets reach directly, and nothing
// more: every other item is private to the crate, so dead-code warnings cover it.
pub use api::{
    EndpointList, EndpointView, PlannedRequest, RawEndpoint, check_deletion, decode_endpoint,
    decode_page,
};
pub use api::{clusters, encryption};
pub use auth::challenge_cache::ChallengeCache;
pub use auth::challenge_slot::ChallengeSlot;
pub use auth::digest::{DigestAlgorithm, DigestChallenge, parse_challenge, parse_challenges};
pub use cli::help::{parse, try_parse_from};
pub use errors::{exit, exit_code};
pub use escape::printable_snippet;
pub use http::retry::{Decision, Failure, RetryPolicy};
pub use http::{ApiClient, ApiResponse, api_error};
pub use output::render::{
    endpoint_ids, endpoint_json, endpoints_plain, list_document, list_json, list_table,
    sorted_views,
};
pub use output::table::{TableStyle, write_table};
pub use regions::{AWS_REGIONS, Provider, normalize_region, resolve_region};
pub use settings::Settings;
pub use settings::jq::JqFilter;
pub use settings::paths::challenge_cache_dir;
pub use settings::sources::Env;

use std::io::{IsTerminal, Write};

/// Runs one parsed command line to completion: completions and the manual first (they depend
/// on no setting), then settings and the command's plan (bad input stops here, before any
/// request), then the command on a single-threaded runtime, then its output. The tool's
/// concurrency is a handful of HTTP requests, which one thread drives easily.
///
/// Ctrl-C is raced against the command: whatever is in flight is dropped and the run ends with
/// exit code 130. Output is written synchronously between awaits, so an interruption never
/// leaves half a line behind. Commands that must report what they did before stopping (creates,
/// waits) take Ctrl-C over through [`interrupt::Interrupts`], and the race then leaves it to them.
pub fn run(parsed: cli::Parsed) -> anyhow::Result<()> {
    let cli::Parsed {
        cli,
        typed_flags,
        program,
    } = parsed;
    match &cli.command {
        cli::Command::Completions(args) => {
            return Ok(cli::help::write_completions(
                args.shell,
                &mut std::io::stdout().lock(),
            )?);
        }
        cli::Command::Man => {
            let mut out = std::io::stdout().lock();
            cli::man::write_man(&mut out)?;
            return Ok(out.flush()?);
        }
        _ => {}
    }
    let mut settings = settings::Settings::resolve(&cli.global, typed_flags)?;
    settings.provenance.program = program;
    let plan = settings::Plan::resolve(&cli.command, &settings)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let result = runtime.block_on(async {
        let interrupted = async {
            loop {
                match interrupt::stop_signal().await {
                    Ok(()) if !interrupt::command_listens() => return,
                    // The command handles this signal (and any later one) itself.
                    Ok(()) => {}
                    // No handler could be installed: the command simply runs without one.
                    Err(_) => std::future::pending::<()>().await,
                }
            }
        };
        let command = async {
            if let settings::Plan::List {
                watch: Some(interval),
            } = &plan
                && !settings.dry_run
            {
                return output::watch::run(&settings, *interval).await;
            }
            let mut progress = output::progress::StderrProgress::default();
            let done = commands::execute(&settings, &plan, &mut progress).await?;
            output::show(&settings, done)
        };
        // Biased: the handler is installed by the first poll of `interrupted`, which must come
        // before the command starts (a prompt on a blocking thread could otherwise be answered
        // with Ctrl-C while the default action still kills the process).
        tokio::select! {
            biased;
            () = interrupted => {
                // On a terminal the cursor may sit after a prompt or the echoed ^C.
                if std::io::stderr().is_terminal() {
                    let _ = writeln!(std::io::stderr());
                }
                Err(errors::ExitWith {
                    code: interrupt::exit_code(),
                    message: Some(interrupt::stopped_by().into()),
                }
                .into())
            }
            result = command => result,
        }
    });
    // A blocking task (a confirmation prompt waiting on the terminal) must not keep an
    // interrupted process alive.
    runtime.shutdown_background();
    result
}
