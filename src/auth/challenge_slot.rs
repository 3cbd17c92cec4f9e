//! The challenge a client answers pre-emptively, and how it is shared through the
//! [`ChallengeCache`]: which nc each request takes, and when a new challenge may be shared.

use crate::auth::challenge_cache::{ChallengeCache, Distrust};
use crate::auth::digest::DigestChallenge;
use std::io::{self, Write};
use std::sync::Mutex;

/// The challenge a client answers pre-emptively: kept in memory, and shared with other
/// processes through a [`ChallengeCache`] when one is enabled.
///
/// A challenge fetched by this process is shared only once the server has accepted an answer
/// to it ([`ChallengeSlot::share_confirmed`]): a strict server rejects an nc lower than one it
/// has seen, so another process answering with nc 2 must not overtake our nc 1 on the wire,
/// which would look exactly like a wrong key.
pub struct ChallengeSlot {
    held: Mutex<Held>,
    /// Set to `None` for the rest of the process after the first cache failure.
    cache: Mutex<Option<ChallengeCache>>,
    verbose: bool,
}

struct Held {
    challenge: Option<DigestChallenge>,
    /// The challenge came from the server in this process and is not in the cache yet; its
    /// nonce counts are reserved in memory only.
    private: bool,
}

impl ChallengeSlot {
    /// Starts with whatever usable challenge the cache holds (nothing when `cache` is `None`).
    pub fn new(cache: Option<ChallengeCache>, verbose: bool) -> ChallengeSlot {
        let cache = cache.and_then(|c| trusted(c, verbose));
        let initial = cache.as_ref().and_then(ChallengeCache::peek);
        ChallengeSlot {
            held: Mutex::new(Held {
                challenge: initial,
                private: false,
            }),
            cache: Mutex::new(cache),
            verbose,
        }
    }

    /// True when there is no challenge to answer pre-emptively yet.
    pub fn is_empty(&self) -> bool {
        lock(&self.held).challenge.is_none()
    }

    /// The `Authorization` value for the next request, with an nc nobody else will use, or
    /// `None` when no challenge is known (the request then fetches one).
    pub fn answer_preemptively(
        &self,
        authorize: impl FnOnce(&mut DigestChallenge) -> String,
    ) -> Option<String> {
        let mut held = lock(&self.held);
        let mut cache = lock(&self.cache);
        if let Some(shared) = cache.as_ref()
            && !held.private
        {
            match shared.reserve_next() {
                Ok(Some(challenge)) => held.challenge = Some(challenge),
                // Nothing shared (expired or removed): what this process holds is still good.
                Ok(None) => {}
                Err(e) => {
                    self.give_up(&mut cache, &e);
                    // Without the lock the held challenge may be in use elsewhere: drop it.
                    held.challenge = None;
                }
            }
        }
        held.challenge.as_mut().map(authorize)
    }

    /// Answers a challenge the server has just sent and keeps it, private to this process
    /// until [`ChallengeSlot::share_confirmed`].
    pub fn answer_fresh(
        &self,
        mut challenge: DigestChallenge,
        authorize: impl FnOnce(&mut DigestChallenge) -> String,
    ) -> String {
        let mut held = lock(&self.held);
        challenge.stale = false;
        let authorization = authorize(&mut challenge);
        held.challenge = Some(challenge);
        held.private = lock(&self.cache).is_some();
        authorization
    }

    /// The server accepted an answer to the fresh challenge `nonce`: from now on other processes
    /// may use it, continuing after the highest nc this process has taken.
    pub fn share_confirmed(&self, nonce: &str) {
        let mut held = lock(&self.held);
        let mut cache = lock(&self.cache);
        let Some(challenge) = held.challenge.as_ref().filter(|c| c.nonce == nonce) else {
            // Replaced meanwhile by a newer challenge, which will be confirmed on its own.
            return;
        };
        if !held.private {
            return;
        }
        if let Some(shared) = cache.as_ref()
            && let Err(e) = shared.publish(challenge)
        {
            self.give_up(&mut cache, &e);
        }
        held.private = false;
    }

    fn give_up(&self, cache: &mut Option<ChallengeCache>, why: &io::Error) {
        if let Some(shared) = cache.take()
            && self.verbose
        {
            let _ = writeln!(
                io::stderr(),
                "  challenge cache {} unusable ({why}); going without it",
                shared.path().display()
            );
        }
    }
}

/// The cache, unless its directory fails the ownership checks; with `-v`, says why a directory
/// or a file is not used, since the only visible sign is one extra request.
fn trusted(cache: ChallengeCache, verbose: bool) -> Option<ChallengeCache> {
    let note = |line: std::fmt::Arguments<'_>| {
        if verbose {
            let _ = writeln!(io::stderr(), "{line}");
        }
    };
    match cache.distrust() {
        None => Some(cache),
        Some(Distrust::Directory(why)) => {
            note(format_args!(
                "  challenge cache not used ({why}); going without it"
            ));
            None
        }
        Some(Distrust::File(why)) => {
            note(format_args!(
                "  challenge cache file ignored ({why}); the next challenge replaces it"
            ));
            Some(cache)
        }
    }
}

/// A poisoned lock only means another task panicked mid-update; the data is still usable.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|p| p.into_inner())
}
