//! A local emulator of the MongoDB Atlas Admin API v2 operations for encryption-at-rest private
//! endpoints: list, create, get and request deletion, behind real digest authentication (or
//! service-account bearer tokens), with the status lifecycle, version negotiation, rate limits,
//! fault injection and a request log; and of what surrounds them: the project's encryption-at-rest
//! configuration (GET and PATCH) and its cluster list, both seedable.
//!
//! It exists so the client can be tested, and its users can rehearse, without reaching Atlas.
//! `Emulator::start` runs the server on its own thread with its own tokio runtime, so every method
//! here is synchronous and works from a plain `#[test]` as well as from inside a tokio runtime.
//!
//! ```no_run
//! use atlas_ear_emulator::{Config, Emulator};
//! let emulator = Emulator::start(Config::default())?;
//! println!("try {}/api/atlas/v2/groups/0123456789abcdef01234567/encryptionAtRest/AWS/privateEndpoints",
//!     emulator.base_url());
//! # Ok::<(), std::io::Error>(())
//! ```

// The layers, from the top down: each uses only the ones below it (emulator/README.md, "Code map").
// Accepting connections and dispatching them:
mod server;
// The two kinds of request: the emulated API and the control API.
mod api;
mod control;
// The state one emulator shares between its server thread and the handle:
mod state;
// Who may call, and misbehaviour on request:
mod auth;
mod faults;
// HTTP vocabulary and the domain:
mod http;
mod model;
// Foundations:
mod config;
mod errors;
mod log;
mod mutex;

use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use tokio::sync::oneshot;

pub use crate::auth::digest::REALM;
pub use crate::config::{
    Config, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_PRIVATE_KEY, DEMO_PROJECT_ID, DEMO_PUBLIC_KEY,
    DigestAlgorithm, RateLimit,
};
pub use crate::faults::kinds::{Fault, FaultKind, Route};
pub use crate::log::{CREDENTIAL_FIELDS, LoggedRequest, MASK};

use crate::mutex::lock;
use crate::state::Shared;

/// A running emulator. Dropping it (or calling `stop`) shuts the server down.
pub struct Emulator {
    shared: Arc<Shared>,
    addr: SocketAddr,
    /// Whether the state came from an existing state file.
    restored: bool,
    shutdown: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Emulator {
    /// Reads the state file (if `config.state_file` names one that exists), binds `config.listen`
    /// and starts serving on a new thread. Returns once the server accepts connections; a state
    /// file that cannot be read, written or understood, and binding errors (port in use, bad
    /// address) come back here, each naming the file or address.
    pub fn start(config: Config) -> io::Result<Emulator> {
        let listen = config.listen;
        let (shared, restored) = Shared::open(config)?;
        let cannot_listen =
            |e: io::Error| io::Error::new(e.kind(), format!("cannot listen on {listen}: {e}"));
        let listener = std::net::TcpListener::bind(listen).map_err(cannot_listen)?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(shared);
        let (shutdown, shutdown_rx) = oneshot::channel();
        let (ready_tx, ready_rx) = std::sync::mpsc::channel::<io::Result<()>>();
        let server_state = shared.clone();
        let thread = std::thread::Builder::new()
            .name("atlas-ear-emulator".to_string())
            .spawn(move || {
                let runtime = match tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    Ok(runtime) => runtime,
                    Err(error) => {
                        let _ = ready_tx.send(Err(error));
                        return;
                    }
                };
                runtime.block_on(async move {
                    match tokio::net::TcpListener::from_std(listener) {
                        Ok(listener) => {
                            let _ = ready_tx.send(Ok(()));
                            crate::server::serve(listener, server_state, shutdown_rx).await;
                        }
                        Err(error) => {
                            let _ = ready_tx.send(Err(error));
                        }
                    }
                });
            })?;
        let ready = ready_rx
            .recv()
            .unwrap_or_else(|_| Err(io::Error::other("the emulator thread stopped during start")));
        let emulator = Emulator {
            shared,
            addr,
            restored,
            shutdown: Some(shutdown),
            thread: Some(thread),
        };
        ready.map(|()| emulator)
    }

    /// `http://HOST:PORT` without a trailing slash; an unspecified listen address becomes loopback.
    pub fn base_url(&self) -> String {
        let host = match self.addr.ip() {
            IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
            IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
            ip => ip,
        };
        format!("http://{}", SocketAddr::new(host, self.addr.port()))
    }

    /// The address actually bound (the real port when the config said 0).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Whether the state was read from an existing state file at start.
    pub fn restored_state(&self) -> bool {
        self.restored
    }

    /// Lines for a POSIX shell that point `atlas-ear` at this emulator: its base URL, the API
    /// keys it accepts and `project_id`, as `export NAME=VALUE` lines (a value with anything but
    /// letters, digits and `_.:/-` is single-quoted). The binary prints exactly these.
    pub fn export_lines(&self, project_id: &str) -> String {
        let config = &self.shared.config;
        [
            ("MONGODB_ATLAS_BASE_URL", self.base_url()),
            ("MONGODB_ATLAS_PUBLIC_API_KEY", config.public_key.clone()),
            ("MONGODB_ATLAS_PRIVATE_API_KEY", config.private_key.clone()),
            ("MONGODB_ATLAS_PROJECT_ID", project_id.to_string()),
        ]
        .iter()
        .map(|(name, value)| format!("export {name}={}\n", shell_word(value)))
        .collect()
    }

    /// API and token requests in arrival order (never `/__emulator/` ones).
    pub fn requests(&self) -> Vec<LoggedRequest> {
        lock(&self.shared.log).snapshot()
    }

    pub fn clear_requests(&self) {
        lock(&self.shared.log).clear();
    }

    /// Queues a fault. It hits the next `count` requests of its route that pass authentication and
    /// validation; faults for the same route apply in the order they were injected.
    pub fn inject(&self, fault: Fault) {
        lock(&self.shared.faults).push(fault);
    }

    pub fn clear_faults(&self) {
        lock(&self.shared.faults).clear();
    }

    /// Changes how long transitional statuses last, for existing endpoints too.
    pub fn set_settle_after(&self, settle_after: Duration) {
        *lock(&self.shared.settle_after) = settle_after;
    }

    /// When on, every accepted digest answer uses up its nonce: the next request gets 401 with
    /// `stale=true` and must answer a fresh challenge.
    pub fn set_rotate_nonce(&self, on: bool) {
        self.shared.auth.rotate_nonce.store(on, Ordering::SeqCst);
    }

    /// Replaces the default rate limit: the bucket every project without a limit of its own gets
    /// (one bucket per `groupId`). Those projects start again with full buckets; `None` leaves them
    /// unlimited.
    pub fn set_rate_limit(&self, limit: Option<RateLimit>) {
        lock(&self.shared.limiter).set_default(limit);
    }

    /// Gives one project (by `groupId`) a bucket of its own with `limit`, starting full; `None`
    /// removes it, so the project follows the default limit again (with a full bucket).
    pub fn set_project_rate_limit(&self, group_id: &str, limit: Option<RateLimit>) {
        lock(&self.shared.limiter).set_project(group_id, limit);
    }

    /// Expires every nonce issued so far: correct answers using them get 401 with `stale=true`.
    pub fn expire_nonces(&self) {
        lock(&self.shared.auth.nonces).expire_all();
    }

    /// Expires every bearer token issued so far: requests using them get 401. Lets a client's
    /// cached-token refresh be tested without waiting for a token's lifetime to pass.
    pub fn expire_tokens(&self) {
        lock(&self.shared.auth.tokens).expire_all();
    }

    /// Endpoints created from now on in this region end `FAILED` with `message` as `errorMessage`.
    pub fn fail_region(&self, provider: &str, region: &str, message: &str) {
        lock(&self.shared.store).fail_region(provider, region, message);
    }

    /// Approves an Azure endpoint: `PENDING_ACCEPTANCE` becomes `ACTIVE`, an `INITIATING` one goes
    /// straight to `ACTIVE` when it settles. False for unknown ids, AWS endpoints and other statuses.
    pub fn approve(&self, endpoint_id: &str) -> bool {
        let settle = self.shared.settle_after();
        let approved = lock(&self.shared.store)
            .approve(endpoint_id, Instant::now(), settle)
            .is_ok();
        self.saved(approved)
    }

    /// Rejects an `ACTIVE` or `PENDING_ACCEPTANCE` endpoint on the provider side: it becomes
    /// `PENDING_RECREATION`, then `INITIATING` again. False for unknown ids and other statuses.
    pub fn reject(&self, endpoint_id: &str) -> bool {
        let settle = self.shared.settle_after();
        let rejected = lock(&self.shared.store)
            .reject(endpoint_id, false, Instant::now(), settle)
            .is_ok();
        self.saved(rejected)
    }

    /// Like [`Emulator::reject`], but Atlas replaces the endpoint by a new one: the old id is gone
    /// once `PENDING_RECREATION` ends, and an endpoint with a new id starts `INITIATING` in the same
    /// region. False for unknown ids and other statuses.
    pub fn replace(&self, endpoint_id: &str) -> bool {
        let settle = self.shared.settle_after();
        let replaced = lock(&self.shared.store)
            .reject(endpoint_id, true, Instant::now(), settle)
            .is_ok();
        self.saved(replaced)
    }

    /// Inserts an endpoint directly (no HTTP, no validation, no one-per-region rule) and returns
    /// its id. It enters `status` now and follows the lifecycle from there; a status the spec does
    /// not know is shown verbatim and never changes. A `FAILED` one gets a default `errorMessage`.
    pub fn seed_endpoint(
        &self,
        group_id: &str,
        provider: &str,
        region: &str,
        status: &str,
    ) -> String {
        let id =
            lock(&self.shared.store).seed(group_id, provider, region, status, None, Instant::now());
        self.saved(id)
    }

    /// Inserts a `FAILED` endpoint with this `errorMessage`, as `seed_endpoint` does.
    pub fn seed_failed_endpoint(
        &self,
        group_id: &str,
        provider: &str,
        region: &str,
        error_message: &str,
    ) -> String {
        let failure = Some(error_message);
        let id = lock(&self.shared.store).seed(
            group_id,
            provider,
            region,
            "FAILED",
            failure,
            Instant::now(),
        );
        self.saved(id)
    }

    /// Makes an existing endpoint `FAILED` now, with `error_message` as `errorMessage` (a default
    /// one when empty). False for unknown ids and for endpoints already `DELETING`.
    pub fn fail_endpoint(&self, endpoint_id: &str, error_message: &str) -> bool {
        let settle = self.shared.settle_after();
        let failed = lock(&self.shared.store)
            .fail(endpoint_id, error_message, Instant::now(), settle)
            .is_ok();
        self.saved(failed)
    }

    /// Starts deleting an endpoint of any project, as a DELETE request would: `DELETING` for the
    /// settle time, then gone. False for unknown ids; an endpoint already `DELETING` is left as is.
    pub fn request_deletion(&self, endpoint_id: &str) -> bool {
        let settle = self.shared.settle_after();
        let deleting =
            lock(&self.shared.store).request_deletion_by_id(endpoint_id, Instant::now(), settle);
        self.saved(deleting)
    }

    /// The endpoints of one project and provider as the API would list them now.
    pub fn endpoints(&self, group_id: &str, provider: &str) -> Vec<serde_json::Value> {
        let settle = self.shared.settle_after();
        let provider = provider.to_ascii_uppercase();
        lock(&self.shared.store).list(group_id, &provider, Instant::now(), settle)
    }

    /// Adds a cluster to a project, or replaces the regions of its cluster of that name; returns
    /// the cluster's id. `regions` are `(provider, region)` pairs in priority order: an AWS or
    /// Azure region of that provider's list, or a GCP region (`CENTRAL_US`). The cluster list
    /// (`GET .../clusters`) shows them as `replicationSpecs[].regionConfigs[]`.
    pub fn seed_cluster(
        &self,
        group_id: &str,
        name: &str,
        regions: &[(&str, &str)],
    ) -> Result<String, String> {
        if regions.is_empty() {
            return Err(format!("cluster {name}: name at least one region"));
        }
        let regions = regions
            .iter()
            .map(|(provider, region)| {
                crate::model::clusters::ClusterRegion::parse(provider, region)
            })
            .collect::<Result<Vec<_>, String>>()
            .map_err(|why| format!("cluster {name}: {why}"))?;
        let id = lock(&self.shared.clusters).seed(group_id, name, regions);
        Ok(self.saved(id))
    }

    /// Sets a project's encryption-at-rest configuration for the providers `document` names, as
    /// `{"awsKms": {...}, "azureKeyVault": {...}}` objects with the API's field names: each
    /// replaces that provider's configuration (absent flags are off). Fields are checked as in a
    /// PATCH, but none of its rules apply, so any state can be set up. Credentials are accepted
    /// and dropped.
    pub fn seed_encryption(
        &self,
        group_id: &str,
        document: &serde_json::Value,
    ) -> Result<(), String> {
        let seeded = self.shared.seed_encryption(group_id, document);
        self.saved(seeded)
    }

    /// The project's encryption-at-rest configuration as `GET .../encryptionAtRest` shows it.
    pub fn encryption(&self, group_id: &str) -> serde_json::Value {
        lock(&self.shared.encryption).get(group_id).view()
    }

    /// How many tokens the token endpoint has issued.
    pub fn tokens_issued(&self) -> usize {
        lock(&self.shared.auth.tokens).issued_total()
    }

    /// Writes the state file after a change made through the handle, then passes `result` on.
    fn saved<T>(&self, result: T) -> T {
        self.shared.save_state();
        result
    }

    /// Stops the server and waits for its thread; open connections are closed.
    pub fn stop(self) {
        drop(self);
    }

    fn shut_down(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// `value` as one shell word: as it is when it holds only safe characters, else single-quoted.
fn shell_word(value: &str) -> String {
    let safe = !value.is_empty()
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_.:/-".contains(&b));
    if safe {
        value.to_string()
    } else {
        format!("'{}'", value.replace('\'', r"'\''"))
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        self.shut_down();
    }
}

impl std::fmt::Debug for Emulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Emulator")
            .field("addr", &self.addr)
            .field("config", &self.shared.config)
            .finish()
    }
}
