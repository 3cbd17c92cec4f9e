//! The state one running emulator shares between its server thread and the `Emulator` handle. It
//! only composes what each layer below owns; one mutex per concern, never held across an `.await`
//! and never two at a time, except `saving`, which a state-file write holds while it takes the
//! others one by one (nothing takes `saving` while holding another, so no deadlock).
//!
//! With a state file (`Config::state_file`), the endpoints, encryption configurations and clusters
//! are read from it at start and written to it after every change (`file.rs` does the disk work,
//! `model::snapshot` the document).

mod file;

use std::io;
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crate::auth::gate::AuthState;
use crate::config::Config;
use crate::faults::queue::FaultQueue;
use crate::faults::ratelimit::RateLimiter;
use crate::log::RequestLog;
use crate::model::clusters::ClusterStore;
use crate::model::encryption::EncryptionStore;
use crate::model::regions::Provider;
use crate::model::snapshot::{Clocks, EndpointRecord, FORMAT, StateDocument, VERSION};
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
    /// Held while the state file is written, so writes land in the order they were taken.
    saving: Mutex<()>,
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
            saving: Mutex::new(()),
            config,
        }
    }

    /// The shared state for `config`, restored from its state file when that exists (`true`),
    /// and the file written once, so a path that cannot be written fails at start.
    pub fn open(config: Config) -> io::Result<(Self, bool)> {
        let shared = Shared::new(config);
        let Some(path) = shared.config.state_file.clone() else {
            return Ok((shared, false));
        };
        let restored = match file::read(&path)? {
            Some(document) => {
                shared
                    .restore(document)
                    .map_err(|why| file::problem(&path, why))?;
                true
            }
            None => false,
        };
        shared.write_state()?;
        Ok((shared, restored))
    }

    fn restore(&self, document: StateDocument) -> Result<(), String> {
        let clocks = clocks_now();
        let settle = self.settle_after();
        let endpoints = document
            .endpoints
            .iter()
            .map(|record| record.endpoint(clocks, settle))
            .collect::<Result<Vec<_>, String>>()?;
        *lock(&self.store) = EndpointStore::restore(endpoints);
        *lock(&self.encryption) = EncryptionStore::restore(document.encryption);
        *lock(&self.clusters) = ClusterStore::restore(document.clusters);
        Ok(())
    }

    /// Writes the state file after a change, if there is one. A failure is reported on stderr and
    /// the emulator goes on serving: the next change tries again.
    pub fn save_state(&self) {
        if let Err(error) = self.write_state() {
            eprintln!("atlas-ear-emulator: {error}");
        }
    }

    fn write_state(&self) -> io::Result<()> {
        let Some(path) = &self.config.state_file else {
            return Ok(());
        };
        let _saving = lock(&self.saving);
        let clocks = clocks_now();
        let settle = self.settle_after();
        let endpoints = lock(&self.store)
            .snapshot(clocks.now, settle)
            .iter()
            .map(|endpoint| EndpointRecord::of(endpoint, clocks))
            .collect();
        let encryption = lock(&self.encryption).snapshot();
        let clusters = lock(&self.clusters).snapshot();
        let document = StateDocument {
            format: FORMAT.to_string(),
            version: VERSION,
            endpoints,
            encryption,
            clusters,
        };
        let mut bytes = serde_json::to_vec_pretty(&document).map_err(io::Error::other)?;
        bytes.push(b'\n');
        file::write(path, &bytes)
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
        // The state file is written by whoever made the change: the handle (`Emulator::saved`)
        // or the server after a control request, so it is written once.
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

fn clocks_now() -> Clocks {
    let unix_ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0);
    Clocks {
        now: Instant::now(),
        unix_ms,
    }
}
