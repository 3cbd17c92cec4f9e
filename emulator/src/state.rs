//! The state one running emulator shares between its server thread and the `Emulator` handle.
//! One mutex per concern, never held across an `.await` and never two at a time.

use std::sync::atomic::AtomicBool;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use crate::config::Config;
use crate::digest::NonceBook;
use crate::faults::FaultQueue;
use crate::log::RequestLog;
use crate::ratelimit::RateLimiter;
use crate::store::EndpointStore;
use crate::token::TokenBook;

pub(crate) struct Shared {
    /// Fixed at start; the mutable knobs below override the parts that can change.
    pub config: Config,
    pub settle_after: Mutex<Duration>,
    pub rotate_nonce: AtomicBool,
    pub limiter: Mutex<RateLimiter>,
    pub log: Mutex<RequestLog>,
    pub faults: Mutex<FaultQueue>,
    pub nonces: Mutex<NonceBook>,
    pub tokens: Mutex<TokenBook>,
    pub store: Mutex<EndpointStore>,
}

impl Shared {
    pub fn new(config: Config) -> Self {
        let mut limiter = RateLimiter::default();
        limiter.configure(config.rate_limit, Instant::now());
        Shared {
            settle_after: Mutex::new(config.settle_after),
            rotate_nonce: AtomicBool::new(false),
            limiter: Mutex::new(limiter),
            log: Mutex::default(),
            faults: Mutex::default(),
            nonces: Mutex::default(),
            tokens: Mutex::default(),
            store: Mutex::default(),
            config,
        }
    }

    pub fn settle_after(&self) -> Duration {
        *lock(&self.settle_after)
    }
}

/// Locks a mutex even if a panicking thread poisoned it: every critical section leaves its data
/// consistent, so the emulator keeps serving.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
