//! Ctrl-C as something a long-running command can wait for, instead of a process kill.
//!
//! Waits and multi-region creates must not die mid-way: an endpoint created a moment ago has to
//! be printed before the process ends, or the user loses track of what exists on the server.
//! Commands that create or wait listen for interrupts through [`Interrupts`], stop sending,
//! report what they know and exit 130.

use std::sync::atomic::{AtomicBool, Ordering};
use tokio::sync::watch;

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
    let Ok(mut interrupts) = signal(SignalKind::interrupt()) else {
        return;
    };
    tokio::spawn(async move {
        while interrupts.recv().await.is_some() {
            sender.send_modify(|n| *n += 1);
        }
    });
}

#[cfg(not(unix))]
fn spawn_listener(sender: watch::Sender<u32>) {
    tokio::spawn(async move {
        while tokio::signal::ctrl_c().await.is_ok() {
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
