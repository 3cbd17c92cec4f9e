//! The state one running emulator shares between its server thread and the `Emulator` handle. It
//! only composes what each layer below owns; one mutex per concern, never held across an `.await`
//! and never two at a time.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::auth::gate::AuthState;
use crate::config::Config;
use crate::faults::queue::FaultQueue;
use crate::faults::ratelimit::RateLimiter;
use crate::log::RequestLog;
use crate::model::store::EndpointStore;
use crate::mutex::lock;

pub(crate) struct Shared {
    /// Fixed at start; the mutable knobs below override the parts that can change.
    pub config: Config,
    pub settle_after: Mutex<Duration>,
    pub auth: AuthState,
    pub limiter: Mutex<RateLimiter>,
    pub log: Mutex<RequestLog>,
    pub faults: Mutex<FaultQueue>,
    pub store: Mutex<EndpointStore>,
}

impl Shared {
    pub fn new(config: Config) -> Self {
        let limiter = RateLimiter::new(config.rate_limit, &config.project_rate_limits);
        Shared {
            settle_after: Mutex::new(config.settle_after),
            auth: AuthState::default(),
            limiter: Mutex::new(limiter),
            log: Mutex::new(RequestLog::new(Instant::now())),
            faults: Mutex::default(),
            store: Mutex::default(),
            config,
        }
    }

    pub fn settle_after(&self) -> Duration {
        *lock(&self.settle_after)
    }
}
