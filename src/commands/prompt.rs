//! The one yes/no question a command may ask before it changes something on the server (`delete`,
//! `apply` and `private-networking`), on the terminal's stderr and stdin.

use crate::errors::{ExitWith, exit};
use anyhow::Result;
use std::io::{self, BufRead, Write};

/// Asks `question` (`[y/N]` is added) and reads the answer from the terminal. `Ok` for yes;
/// anything else is exit 1 with `declined` as the message.
pub fn ask(question: &str, declined: &str) -> Result<()> {
    let mut stderr = io::stderr();
    write!(stderr, "{question} [y/N] ")?;
    stderr.flush()?;
    let mut answer = String::new();
    io::stdin().lock().read_line(&mut answer)?;
    if matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes") {
        Ok(())
    } else {
        Err(ExitWith {
            code: exit::FAILURE,
            message: Some(declined.to_string()),
        }
        .into())
    }
}
