//! atlas-ear: a command-line client for MongoDB Atlas encryption-at-rest private endpoints.
//!
//! ARCHITECTURE.md maps the modules; `main.rs` only parses, calls [`run`] and maps errors to
//! exit codes.

pub mod api;
pub mod auth;
pub mod cli;
pub mod commands;
pub mod errors;
pub mod http;
pub mod interrupt;
pub mod output;
pub mod regions;
pub mod secret;
pub mod settings;

use std::io::{IsTerminal, Write};

/// Runs one parsed command line to completion on a single-threaded runtime: the tool's
/// concurrency is a handful of HTTP requests, which one thread drives easily.
///
/// Ctrl-C is raced against the command: whatever is in flight is dropped and the run ends with
/// exit code 130. Output is written synchronously between awaits, so an interruption never
/// leaves half a line behind. Commands that must report what they did before stopping (creates,
/// waits) take Ctrl-C over through [`interrupt::Interrupts`], and the race then leaves it to them.
pub fn run(cli: cli::Cli) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let result = runtime.block_on(async {
        let interrupted = async {
            loop {
                match tokio::signal::ctrl_c().await {
                    Ok(()) if !interrupt::command_listens() => return,
                    // The command handles this press (and any later one) itself.
                    Ok(()) => {}
                    // No handler could be installed: the command simply runs without one.
                    Err(_) => std::future::pending::<()>().await,
                }
            }
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
                    code: errors::exit::INTERRUPTED,
                    message: Some("interrupted".into()),
                }
                .into())
            }
            result = commands::execute(cli) => result,
        }
    });
    // A blocking task (a confirmation prompt waiting on the terminal) must not keep an
    // interrupted process alive.
    runtime.shutdown_background();
    result
}
