//! atlas-ear: a command-line client for MongoDB Atlas encryption-at-rest private endpoints.
//!
//! ARCHITECTURE.md maps the modules; `main.rs` only parses, calls [`run`] and maps errors to
//! exit codes.

pub mod api;
pub mod auth;
pub mod cli;
pub mod commands;
pub mod errors;
pub mod escape;
pub mod http;
pub mod interrupt;
pub mod output;
pub mod regions;
pub mod secret;
pub mod settings;

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
    let cli::Parsed { cli, typed_flags } = parsed;
    match &cli.command {
        cli::Command::Completions(args) => {
            return Ok(cli::help::write_completions(
                args.shell,
                &mut std::io::stdout().lock(),
            )?);
        }
        cli::Command::Man => return Ok(cli::help::write_man(&mut std::io::stdout().lock())?),
        _ => {}
    }
    let settings = settings::Settings::resolve(&cli.global, typed_flags)?;
    let plan = settings::Plan::resolve(&cli.command, &settings)?;
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
        let command = async {
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
                    code: errors::exit::INTERRUPTED,
                    message: Some("interrupted".into()),
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
