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
use crate::model::clusters::ClusterStore;
use crate::model::encryption::EncryptionStore;
use crate::model::regions::Provider;
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
    pub encryption: Mutex<EncryptionStore>,
    pub clusters: Mutex<ClusterStore>,
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
            encryption: Mutex::default(),
            clusters: Mutex::default(),
            config,
        }
    }

    pub fn settle_after(&self) -> Duration {
        *lock(&self.settle_after)
    }

    /// Seeds the providers `document` names (see `ProjectEncryption::seed`).
    pub fn seed_encryption(
        &self,
        group_id: &str,
        document: &serde_json::Value,
    ) -> Result<(), String> {
        {
            let mut store = lock(&self.encryption);
            let mut config = store.get(group_id);
            config.seed(document)?;
            store.set(group_id, config);
        }
        Ok(())
    }

    /// Whether the project has private endpoints of `provider` in any status.
    pub fn has_endpoints(&self, group_id: &str, provider: Provider) -> bool {
        let settle = self.settle_after();
        !lock(&self.store)
            .list(group_id, provider.as_str(), Instant::now(), settle)
            .is_empty()
    }
}
