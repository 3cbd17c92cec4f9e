//! Ctrl-C (SIGINT) and SIGTERM as something a long-running command can wait for, instead of a
//! process kill.
//!
//! Waits and multi-region creates must not die mid-way: an endpoint created a moment ago has to
//! be printed before the process ends, or the user loses track of what exists on the server. CI
//! cancellation, `timeout(1)` and Kubernetes stop a process with SIGTERM, so it is treated exactly
//! like Ctrl-C. Commands that create or wait listen through [`Interrupts`], stop sending, report
//! what they know and exit 130 (SIGINT) or 143 (SIGTERM).

use crate::errors::exit;
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use tokio::sync::watch;

/// The exit code of the first stop signal received (0 until one arrives).
static STOPPED_BY: AtomicU8 = AtomicU8::new(0);

/// The exit code a stopped run ends with: 143 when SIGTERM came first, else 130.
pub fn exit_code() -> u8 {
    match STOPPED_BY.load(Ordering::SeqCst) {
        0 => exit::INTERRUPTED,
        code => code,
    }
}

/// The word for what stopped the run, for its last message.
pub fn stopped_by() -> &'static str {
    if exit_code() == exit::TERMINATED {
        "terminated (SIGTERM)"
    } else {
        "interrupted"
    }
}

fn record(code: u8) {
    let _ = STOPPED_BY.compare_exchange(0, code, Ordering::SeqCst, Ordering::SeqCst);
}

/// Completes at the next SIGINT or SIGTERM, after recording which came first. Installing the
/// handlers replaces the default action (ending the process) for the rest of the run. An error
/// means no handler could be installed.
pub async fn stop_signal() -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut interrupt = signal(SignalKind::interrupt())?;
        let mut terminate = signal(SignalKind::terminate())?;
        tokio::select! {
            _ = interrupt.recv() => record(exit::INTERRUPTED),
            _ = terminate.recv() => record(exit::TERMINATED),
        }
        Ok(())
    }
    #[cfg(not(unix))]
    {
        tokio::signal::ctrl_c().await?;
        record(exit::INTERRUPTED);
        Ok(())
    }
}

/// Set once a command listens for Ctrl-C itself; `lib::run` then leaves interrupts to it instead
/// of ending the command at the first press.
static COMMAND_LISTENS: AtomicBool = AtomicBool::new(false);

/// Whether a command has taken over Ctrl-C through [`Interrupts::listen`].
pub fn command_listens() -> bool {
    COMMAND_LISTENS.load(Ordering::SeqCst)
}

/// Counts Ctrl-C presses from the moment [`Interrupts::listen`] is called.
pub struct Interrupts {
    presses: watch::Receiver<u32>,
    /// Presses already handed out by [`Interrupts::next`].
    seen: u32,
    /// Keeps the channel open when nothing listens (see [`Interrupts::never`]).
    _sender: Option<watch::Sender<u32>>,
}

/// Another listener on the same presses, for work that runs side by side (the projects of an
/// `apply`); each clone reports every press once.
impl Clone for Interrupts {
    fn clone(&self) -> Interrupts {
        Interrupts {
            presses: self.presses.clone(),
            seen: self.seen,
            _sender: None,
        }
    }
}

impl Interrupts {
    /// Replaces the default Ctrl-C behaviour (terminate) with a counter. Must be called inside
    /// the runtime. If the handler cannot be installed, the default behaviour stays.
    pub fn listen() -> Interrupts {
        COMMAND_LISTENS.store(true, Ordering::SeqCst);
        let (sender, presses) = watch::channel(0u32);
        spawn_listener(sender);
        Interrupts {
            presses,
            seen: 0,
            _sender: None,
        }
    }

    /// Interrupts that never fire, for tests that run without a listener.
    #[cfg(test)]
    pub fn never() -> Interrupts {
        let (sender, presses) = watch::channel(0u32);
        Interrupts {
            presses,
            seen: 0,
            _sender: Some(sender),
        }
    }

    /// Completes at the next press not yet reported. Cancel-safe, so it can sit in `select!`.
    pub async fn next(&mut self) {
        loop {
            if *self.presses.borrow_and_update() > self.seen {
                self.seen += 1;
                return;
            }
            if self.presses.changed().await.is_err() {
                // The listener is gone; no further press can arrive.
                std::future::pending::<()>().await;
            }
        }
    }

    /// How many presses have been reported so far.
    #[cfg(test)]
    pub fn seen(&self) -> u32 {
        self.seen
    }
}

#[cfg(unix)]
fn spawn_listener(sender: watch::Sender<u32>) {
    use tokio::signal::unix::{SignalKind, signal};
    // Registering here, before any request is sent, means a press during the first request is
    // already counted rather than killing the process.
    let (Ok(mut interrupts), Ok(mut terminations)) = (
        signal(SignalKind::interrupt()),
        signal(SignalKind::terminate()),
    ) else {
        return;
    };
    tokio::spawn(async move {
        loop {
            tokio::select! {
                Some(()) = interrupts.recv() => record(exit::INTERRUPTED),
                Some(()) = terminations.recv() => record(exit::TERMINATED),
                else => return,
            }
            sender.send_modify(|n| *n += 1);
        }
    });
}

#[cfg(not(unix))]
fn spawn_listener(sender: watch::Sender<u32>) {
    tokio::spawn(async move {
        while tokio::signal::ctrl_c().await.is_ok() {
            record(exit::INTERRUPTED);
            sender.send_modify(|n| *n += 1);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test(flavor = "current_thread")]
    async fn never_does_not_fire() {
        let mut interrupts = Interrupts::never();
        let fired = tokio::time::timeout(Duration::from_millis(20), interrupts.next()).await;
        assert!(fired.is_err());
        assert_eq!(interrupts.seen(), 0);
    }

    #[tokio::test(flavor = "current_thread")]
    async fn each_press_is_reported_once() {
        let (sender, presses) = watch::channel(0u32);
        let mut interrupts = Interrupts {
            presses,
            seen: 0,
            _sender: None,
        };
        sender.send_modify(|n| *n += 2);
        interrupts.next().await;
        interrupts.next().await;
        assert_eq!(interrupts.seen(), 2);
        let third = tokio::time::timeout(Duration::from_millis(20), interrupts.next()).await;
        assert!(third.is_err(), "only two presses happened");
        drop(sender);
    }
}
