//! `list --watch`: the list again every `--interval` until Ctrl-C, like `watch` or
//! `kubectl get -w`. Each listing is drawn in memory first; on a terminal it replaces the
//! previous one in place (under a line saying when it was taken), and off a terminal a listing is
//! printed only when it differs from the one before, so a log or a pipe gets each change once.
//!
//! Ctrl-C is not taken over here: the race in `lib.rs::run` ends the watch with exit 130, as it
//! ends any other command, and what is on the screen is the last listing.

use crate::commands::{self, Done};
use crate::http::ApiClient;
use crate::output::print_list_to;
use crate::settings::Settings;
use anyhow::Result;
use std::io::{self, IsTerminal, Write};
use std::time::{Duration, SystemTime};

/// Lists, prints and sleeps, forever; only an error (or Ctrl-C, outside) ends it.
pub async fn run(settings: &Settings, interval: Duration) -> Result<()> {
    let terminal = io::stdout().is_terminal();
    let mut previous: Option<Vec<u8>> = None;
    let mut drawn_lines = 0;
    // One client for every round: a new one would pay the TCP and TLS handshakes again and
    // forget the pacing a 429 asked for.
    let client = ApiClient::new(settings)?;
    loop {
        let Done::List { list, project_id } = commands::list_with(settings, &client).await? else {
            anyhow::bail!("list --watch expected a listing");
        };
        let mut frame = Vec::new();
        print_list_to(&mut frame, settings, &list, &project_id)?;
        let mut out = io::stdout().lock();
        if terminal {
            if drawn_lines > 0 {
                // Up to the first line drawn, then clear everything below it.
                write!(out, "\x1b[{drawn_lines}F\x1b[J")?;
            }
            let caption = format!(
                "every {}, until Ctrl-C; listed at {}",
                humantime::format_duration(interval),
                humantime::format_rfc3339_seconds(SystemTime::now())
            );
            writeln!(out, "{caption}")?;
            out.write_all(&frame)?;
            drawn_lines = 1 + frame.iter().filter(|&&b| b == b'\n').count();
        } else if previous.as_ref() != Some(&frame) {
            out.write_all(&frame)?;
        }
        out.flush()?;
        drop(out);
        previous = Some(frame);
        tokio::time::sleep(interval).await;
    }
}
