//! `atlas-ear-emulator`: parse the flags, start the emulator, seed the project the flags describe,
//! print where it listens and the demo credentials, serve until Ctrl-C or SIGTERM.

mod cli;
mod seeds;

use std::io::Write;
use std::process::ExitCode;

use anyhow::Context;
use atlas_ear_emulator::{Config, Emulator};
use clap::Parser;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    let parsed = cli
        .seeds()
        .and_then(|seeds| Ok((cli.into_config()?, seeds)));
    match parsed.and_then(|(config, seeds)| run(config, seeds)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("atlas-ear-emulator: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(config: Config, seeds: seeds::Seeds) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the signal handler")?;
    // Listen for signals before printing the address, so a stop right after start is clean.
    let stop = {
        let _context = runtime.enter();
        StopSignal::listen()?
    };
    // The error names the state file or the address itself.
    let emulator = Emulator::start(config.clone())?;
    // A restored state file already holds what the seeding flags set up the first time, and
    // whatever changed since; seeding again would undo those changes.
    let seeded = !emulator.restored_state();
    if seeded {
        seeds.apply(&emulator)?;
    }
    print_banner(&emulator, &config, &seeds, seeded).context("cannot write to stdout")?;
    runtime.block_on(stop.wait());
    emulator.stop();
    Ok(())
}

/// The first line is fixed so scripts can read the address; the rest are the demo credentials,
/// printed on purpose so a user can copy them, the project and state file, and last the `export`
/// lines that point `atlas-ear` at this emulator.
fn print_banner(
    emulator: &Emulator,
    config: &Config,
    seeds: &seeds::Seeds,
    seeded: bool,
) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "atlas-ear-emulator listening on http://{}",
        emulator.addr()
    )?;
    writeln!(out, "public key:    {}", config.public_key)?;
    writeln!(out, "private key:   {}", config.private_key)?;
    if let Some((client_id, client_secret)) = &config.service_account {
        writeln!(out, "client id:     {client_id}")?;
        writeln!(out, "client secret: {client_secret}")?;
    }
    writeln!(out, "base URL:      {}", emulator.base_url())?;
    writeln!(
        out,
        "control API:   {}/__emulator/health",
        emulator.base_url()
    )?;
    writeln!(out, "project id:    {}", seeds.project_id)?;
    if let Some(path) = &config.state_file {
        let how = if emulator.restored_state() {
            "restored"
        } else {
            "new"
        };
        writeln!(out, "state file:    {} ({how})", path.display())?;
    }
    if !seeded && seeds.asked() {
        writeln!(
            out,
            "seeding flags: not applied, the state file already holds the project"
        )?;
    }
    writeln!(out)?;
    writeln!(
        out,
        "# To point atlas-ear at this emulator, paste into a shell:"
    )?;
    write!(out, "{}", emulator.export_lines(&seeds.project_id))?;
    out.flush()
}

/// Ctrl-C (SIGINT) or, on Unix, SIGTERM.
#[cfg(unix)]
struct StopSignal {
    interrupt: tokio::signal::unix::Signal,
    terminate: tokio::signal::unix::Signal,
}

#[cfg(unix)]
impl StopSignal {
    fn listen() -> anyhow::Result<Self> {
        use tokio::signal::unix::{SignalKind, signal};
        Ok(StopSignal {
            interrupt: signal(SignalKind::interrupt()).context("cannot listen for Ctrl-C")?,
            terminate: signal(SignalKind::terminate()).context("cannot listen for SIGTERM")?,
        })
    }

    async fn wait(mut self) {
        tokio::select! {
            _ = self.interrupt.recv() => {}
            _ = self.terminate.recv() => {}
        }
    }
}

#[cfg(not(unix))]
struct StopSignal;

#[cfg(not(unix))]
impl StopSignal {
    fn listen() -> anyhow::Result<Self> {
        Ok(StopSignal)
    }

    async fn wait(self) {
        // If Ctrl-C cannot be watched there is nothing better to do than to stop.
        let _ = tokio::signal::ctrl_c().await;
    }
}
