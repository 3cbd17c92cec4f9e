//! The private endpoints of every project and their status lifecycle. Status is derived from
//! timestamps whenever the store is read, so no background task is needed and changing the settle
//! time takes effect at once.

use std::collections::HashMap;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};

/// The errorMessage given to endpoints seeded as FAILED and to regions failed without a message.
pub(crate) const DEFAULT_FAILURE: &str = "Private endpoint creation failed in this region.";

/// Where an endpoint is in its life. Timed stages remember when they began.
#[derive(Clone, Debug)]
enum Stage {
    /// `INITIATING`; `approved` records an Azure approval given before it settled.
    Initiating {
        since: Instant,
        approved: bool,
        failure: Option<String>,
    },
    /// `PENDING_RECREATION`, then `INITIATING` again.
    Recreating {
        since: Instant,
        failure: Option<String>,
    },
    /// `PENDING_ACCEPTANCE` until approved.
    AwaitingAcceptance,
    Active,
    Failed(String),
    /// `DELETING`, then gone.
    Deleting {
        since: Instant,
    },
    /// A status seeded verbatim that never changes (to rehearse statuses a client does not know).
    Custom(String),
}

#[derive(Clone, Debug)]
struct Endpoint {
    id: String,
    group_id: String,
    provider: String,
    region: String,
    connection_name: String,
    stage: Stage,
}

/// Why a control action (approve, reject) did not apply.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum ActionError {
    NotFound,
    /// The endpoint exists but its current status does not allow the action.
    WrongStatus(String),
}

/// A request to create an endpoint that collides with an existing one.
#[derive(Debug)]
pub(crate) struct Conflict;

/// All endpoints, in creation order, plus the regions configured to fail.
#[derive(Default)]
pub(crate) struct EndpointStore {
    endpoints: Vec<Endpoint>,
    failing_regions: HashMap<(String, String), String>,
}

impl Endpoint {
    fn is_azure(&self) -> bool {
        self.provider == "AZURE"
    }

    /// Moves timed stages forward to `now`. Returns false once a deletion has completed.
    fn advance(&mut self, now: Instant, settle: Duration) -> bool {
        loop {
            let next = match &self.stage {
                Stage::Initiating {
                    since,
                    approved,
                    failure,
                } if elapsed(*since, now, settle) => match failure {
                    Some(message) => Stage::Failed(message.clone()),
                    None if self.is_azure() && !approved => Stage::AwaitingAcceptance,
                    None => Stage::Active,
                },
                Stage::Recreating { since, failure } if elapsed(*since, now, settle) => {
                    Stage::Initiating {
                        since: *since + settle,
                        approved: false,
                        failure: failure.clone(),
                    }
                }
                Stage::Deleting { since } if elapsed(*since, now, settle) => return false,
                _ => return true,
            };
            self.stage = next;
        }
    }

    fn status(&self) -> &str {
        match &self.stage {
            Stage::Initiating { .. } => "INITIATING",
            Stage::Recreating { .. } => "PENDING_RECREATION",
            Stage::AwaitingAcceptance => "PENDING_ACCEPTANCE",
            Stage::Active => "ACTIVE",
            Stage::Failed(_) => "FAILED",
            Stage::Deleting { .. } => "DELETING",
            Stage::Custom(status) => status,
        }
    }

    /// The endpoint as the API shows it (`EARPrivateEndpoint`).
    fn view(&self) -> Value {
        let mut view = json!({
            "cloudProvider": self.provider,
            "id": self.id,
            "privateEndpointConnectionName": self.connection_name,
            "regionName": self.region,
            "status": self.status(),
        });
        if let Stage::Failed(message) = &self.stage {
            view["errorMessage"] = json!(message);
        }
        view
    }

    fn belongs_to(&self, group_id: &str, provider: &str) -> bool {
        self.group_id == group_id && self.provider == provider
    }
}

/// Whether a stage that began at `since` has lasted `settle` by `now`.
fn elapsed(since: Instant, now: Instant, settle: Duration) -> bool {
    since.checked_add(settle).is_some_and(|end| now >= end)
}

impl EndpointStore {
    /// Brings every endpoint's stage up to `now` and forgets deleted ones.
    fn refresh(&mut self, now: Instant, settle: Duration) {
        self.endpoints
            .retain_mut(|endpoint| endpoint.advance(now, settle));
    }

    fn failure_for(&self, provider: &str, region: &str) -> Option<String> {
        self.failing_regions
            .get(&(provider.to_string(), region.to_string()))
            .cloned()
    }

    /// Makes endpoints created (or re-created) from now on in this region end `FAILED`.
    pub fn fail_region(&mut self, provider: &str, region: &str, message: &str) {
        let message = if message.is_empty() {
            DEFAULT_FAILURE
        } else {
            message
        };
        self.failing_regions.insert(
            (provider.to_ascii_uppercase(), region.to_ascii_uppercase()),
            message.to_string(),
        );
    }

    pub fn list(
        &mut self,
        group_id: &str,
        provider: &str,
        now: Instant,
        settle: Duration,
    ) -> Vec<Value> {
        self.refresh(now, settle);
        self.endpoints
            .iter()
            .filter(|e| e.belongs_to(group_id, provider))
            .map(Endpoint::view)
            .collect()
    }

    pub fn get(
        &mut self,
        group_id: &str,
        provider: &str,
        id: &str,
        now: Instant,
        settle: Duration,
    ) -> Option<Value> {
        self.refresh(now, settle);
        self.find(group_id, provider, id).map(|e| e.view())
    }

    fn find(&mut self, group_id: &str, provider: &str, id: &str) -> Option<&mut Endpoint> {
        self.endpoints
            .iter_mut()
            .find(|e| e.id == id && e.belongs_to(group_id, provider))
    }

    /// Creates an endpoint unless one for the same region exists in any status but `DELETING`.
    /// The answer shows the created state, `INITIATING`, whatever the settle time.
    pub fn create(
        &mut self,
        group_id: &str,
        provider: &str,
        region: &str,
        now: Instant,
        settle: Duration,
    ) -> Result<Value, Conflict> {
        self.refresh(now, settle);
        let taken = self.endpoints.iter().any(|e| {
            e.belongs_to(group_id, provider)
                && e.region == region
                && !matches!(e.stage, Stage::Deleting { .. })
        });
        if taken {
            return Err(Conflict);
        }
        let failure = self.failure_for(provider, region);
        let stage = Stage::Initiating {
            since: now,
            approved: false,
            failure,
        };
        let endpoint = self.insert(group_id, provider, region, stage);
        Ok(endpoint.view())
    }

    /// Starts the deletion of an endpoint; asking again while it is `DELETING` changes nothing.
    /// Returns false if there is no such endpoint.
    pub fn request_deletion(
        &mut self,
        group_id: &str,
        provider: &str,
        id: &str,
        now: Instant,
        settle: Duration,
    ) -> bool {
        self.refresh(now, settle);
        match self.find(group_id, provider, id) {
            Some(endpoint) => {
                if !matches!(endpoint.stage, Stage::Deleting { .. }) {
                    endpoint.stage = Stage::Deleting { since: now };
                }
                true
            }
            None => false,
        }
    }

    /// Approves an Azure connection: `PENDING_ACCEPTANCE` becomes `ACTIVE`; an `INITIATING` one
    /// becomes `ACTIVE` as soon as it settles; an `ACTIVE` one stays so.
    pub fn approve(&mut self, id: &str, now: Instant, settle: Duration) -> Result<(), ActionError> {
        self.refresh(now, settle);
        let endpoint = self
            .endpoints
            .iter_mut()
            .find(|e| e.id == id)
            .ok_or(ActionError::NotFound)?;
        if !endpoint.is_azure() {
            return Err(ActionError::WrongStatus(endpoint.status().to_string()));
        }
        match &mut endpoint.stage {
            Stage::Initiating { approved, .. } => *approved = true,
            Stage::AwaitingAcceptance => endpoint.stage = Stage::Active,
            Stage::Active => {}
            _ => return Err(ActionError::WrongStatus(endpoint.status().to_string())),
        }
        Ok(())
    }

    /// Simulates the provider side rejecting or removing an `ACTIVE` or `PENDING_ACCEPTANCE`
    /// endpoint: it goes to `PENDING_RECREATION`, then starts over from `INITIATING` with a new
    /// connection name (and, on Azure, needs approval again).
    pub fn reject(&mut self, id: &str, now: Instant, settle: Duration) -> Result<(), ActionError> {
        self.refresh(now, settle);
        let index = self
            .endpoints
            .iter()
            .position(|e| e.id == id)
            .ok_or(ActionError::NotFound)?;
        let failure = {
            let endpoint = &self.endpoints[index];
            if !matches!(endpoint.stage, Stage::Active | Stage::AwaitingAcceptance) {
                return Err(ActionError::WrongStatus(endpoint.status().to_string()));
            }
            self.failure_for(&endpoint.provider, &endpoint.region)
        };
        let endpoint = &mut self.endpoints[index];
        endpoint.connection_name = connection_name(&endpoint.provider, &endpoint.region);
        endpoint.stage = Stage::Recreating {
            since: now,
            failure,
        };
        Ok(())
    }

    /// Inserts an endpoint that enters `status` now, bypassing validation and the one-per-region rule.
    pub fn seed(
        &mut self,
        group_id: &str,
        provider: &str,
        region: &str,
        status: &str,
        now: Instant,
    ) -> String {
        let stage = match status {
            "INITIATING" => Stage::Initiating {
                since: now,
                approved: false,
                failure: None,
            },
            "PENDING_RECREATION" => Stage::Recreating {
                since: now,
                failure: None,
            },
            "PENDING_ACCEPTANCE" => Stage::AwaitingAcceptance,
            "ACTIVE" => Stage::Active,
            "FAILED" => Stage::Failed(DEFAULT_FAILURE.to_string()),
            "DELETING" => Stage::Deleting { since: now },
            other => Stage::Custom(other.to_string()),
        };
        self.insert(group_id, &provider.to_ascii_uppercase(), region, stage)
            .id
            .clone()
    }

    fn insert(&mut self, group_id: &str, provider: &str, region: &str, stage: Stage) -> &Endpoint {
        let id = loop {
            let candidate = object_id();
            if !self.endpoints.iter().any(|e| e.id == candidate) {
                break candidate;
            }
        };
        self.endpoints.push(Endpoint {
            id,
            group_id: group_id.to_string(),
            provider: provider.to_string(),
            region: region.to_string(),
            connection_name: connection_name(provider, region),
            stage,
        });
        let last = self.endpoints.len() - 1;
        &self.endpoints[last]
    }
}

/// A fresh 24-hex id shaped like a MongoDB ObjectId: seconds since the epoch, then random bits.
fn object_id() -> String {
    let seconds = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    format!("{:08x}{:016x}", seconds & 0xffff_ffff, fastrand::u64(..))
}

/// AWS: an interface endpoint id (`vpce-` and 17 hex digits). Azure: a connection name that
/// mentions the region, as Azure private endpoint connections do.
fn connection_name(provider: &str, region: &str) -> String {
    if provider == "AZURE" {
        let region = region.to_ascii_lowercase().replace('_', "-");
        format!("atlas-kms-pe-{region}.{:08x}", fastrand::u32(..))
    } else {
        format!("vpce-{:016x}{:x}", fastrand::u64(..), fastrand::u8(..16))
    }
}

#[cfg(test)]
mod tests;
