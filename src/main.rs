//! Entry point: parse, run, print any error once, and exit with its documented code.

use atlas_ear::{exit, exit_code};
use std::io::{ErrorKind, Write};
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = atlas_ear::parse();
    match atlas_ear::run(cli) {
        Ok(()) => ExitCode::from(exit::SUCCESS),
        Err(error) => {
            // `atlas-ear list | head` closes stdout early; that is not a failure worth a message.
            let broken_pipe = error.chain().any(|cause| {
                cause
                    .downcast_ref::<std::io::Error>()
                    .is_some_and(|e| e.kind() == ErrorKind::BrokenPipe)
            });
            if broken_pipe {
                return ExitCode::from(exit::SUCCESS);
            }
            let message = format!("{error:#}");
            if !message.is_empty() {
                let _ = writeln!(std::io::stderr(), "error: {message}");
            }
            ExitCode::from(exit_code(&error))
        }
    }
}
