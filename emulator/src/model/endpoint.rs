//! One private endpoint and its life: the stages it passes through, how a stage moves on with time,
//! and how the API shows it. Kept apart from the store, which only holds endpoints and applies the
//! rules between them (one per region, lookups, control actions).

use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// The errorMessage given to endpoints seeded as FAILED and to regions failed without a message.
pub(crate) const DEFAULT_FAILURE: &str = "Private endpoint creation failed in this region.";

/// Where an endpoint is in its life. Timed stages remember when they began.
#[derive(Clone, Debug)]
pub(crate) enum Stage {
    /// `INITIATING`; `approved` records an Azure approval given before it settled.
    Initiating {
        since: Instant,
        approved: bool,
        failure: Option<String>,
    },
    /// `PENDING_RECREATION`, then `INITIATING` again: under the same id, or under
    /// `replacement_id` when Atlas replaces the endpoint by a new one in the same region.
    Recreating {
        since: Instant,
        failure: Option<String>,
        replacement_id: Option<String>,
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
pub(crate) struct Endpoint {
    pub id: String,
    pub group_id: String,
    pub provider: String,
    pub region: String,
    pub connection_name: String,
    pub stage: Stage,
}

impl Endpoint {
    pub fn is_azure(&self) -> bool {
        self.provider == "AZURE"
    }

    /// Moves timed stages forward to `now`. Returns false once a deletion has completed.
    pub fn advance(&mut self, now: Instant, settle: Duration) -> bool {
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
                Stage::Recreating {
                    since,
                    failure,
                    replacement_id,
                } if elapsed(*since, now, settle) => {
                    if let Some(new_id) = replacement_id {
                        self.id = new_id.clone();
                    }
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

    pub fn status(&self) -> &str {
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
    pub fn view(&self) -> Value {
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

    pub fn belongs_to(&self, group_id: &str, provider: &str) -> bool {
        self.group_id == group_id && self.provider == provider
    }

    /// `DELETING` from now on, unless it already is.
    pub fn begin_deletion(&mut self, now: Instant) {
        if !matches!(self.stage, Stage::Deleting { .. }) {
            self.stage = Stage::Deleting { since: now };
        }
    }
}

/// The `errorMessage` of a failure: the one given, or the default when there is none.
pub(crate) fn failure_message(message: Option<&str>) -> String {
    message
        .filter(|m| !m.is_empty())
        .unwrap_or(DEFAULT_FAILURE)
        .to_string()
}

/// Whether a stage that began at `since` has lasted `settle` by `now`.
fn elapsed(since: Instant, now: Instant, settle: Duration) -> bool {
    since.checked_add(settle).is_some_and(|end| now >= end)
}

/// AWS: an interface endpoint id (`vpce-` and 17 hex digits). Azure: a connection name that
/// mentions the region, as Azure private endpoint connections do.
pub(crate) fn connection_name(provider: &str, region: &str) -> String {
    if provider == "AZURE" {
        let region = region.to_ascii_lowercase().replace('_', "-");
        format!("atlas-kms-pe-{region}.{:08x}", fastrand::u32(..))
    } else {
        format!("vpce-{:016x}{:x}", fastrand::u64(..), fastrand::u8(..16))
    }
}
