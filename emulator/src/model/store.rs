//! The private endpoints of every project, and the rules between them: one per region, lookups by
//! project and provider, creation, deletion and the control side's actions. Status is derived from
//! timestamps whenever the store is read, so no background task is needed and changing the settle
//! time takes effect at once.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::model::endpoint::{Endpoint, Stage, connection_name, failure_message};
use crate::model::ids::new_object_id;

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
        self.failing_regions.insert(
            (provider.to_ascii_uppercase(), region.to_ascii_uppercase()),
            failure_message(Some(message)),
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
        self.find(group_id, provider, id)
            .map(|endpoint| endpoint.begin_deletion(now))
            .is_some()
    }

    /// `request_deletion` for an endpoint of any project and provider (the control side).
    pub fn request_deletion_by_id(&mut self, id: &str, now: Instant, settle: Duration) -> bool {
        self.refresh(now, settle);
        self.endpoints
            .iter_mut()
            .find(|e| e.id == id)
            .map(|endpoint| endpoint.begin_deletion(now))
            .is_some()
    }

    /// Makes an endpoint `FAILED` now with `message` as `errorMessage` (the default failure when
    /// empty), whatever its status, except `DELETING`: a deletion already under way is not undone.
    pub fn fail(
        &mut self,
        id: &str,
        message: &str,
        now: Instant,
        settle: Duration,
    ) -> Result<(), ActionError> {
        self.refresh(now, settle);
        let endpoint = self
            .endpoints
            .iter_mut()
            .find(|e| e.id == id)
            .ok_or(ActionError::NotFound)?;
        if matches!(endpoint.stage, Stage::Deleting { .. }) {
            return Err(ActionError::WrongStatus(endpoint.status().to_string()));
        }
        endpoint.stage = Stage::Failed(failure_message(Some(message)));
        Ok(())
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
    /// connection name (and, on Azure, needs approval again). With `new_id`, the endpoint that
    /// starts over is a replacement with an id of its own, and the old id is gone (404, not
    /// listed): the documents leave open whether Atlas keeps the id, so both can be rehearsed.
    pub fn reject(
        &mut self,
        id: &str,
        new_id: bool,
        now: Instant,
        settle: Duration,
    ) -> Result<(), ActionError> {
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
        let replacement_id = new_id.then(|| self.unused_id());
        let endpoint = &mut self.endpoints[index];
        endpoint.connection_name = connection_name(&endpoint.provider, &endpoint.region);
        endpoint.stage = Stage::Recreating {
            since: now,
            failure,
            replacement_id,
        };
        Ok(())
    }

    /// Inserts an endpoint that enters `status` now, bypassing validation and the one-per-region
    /// rule. `failure` is the `errorMessage` of a `FAILED` one (the default failure when `None`).
    pub fn seed(
        &mut self,
        group_id: &str,
        provider: &str,
        region: &str,
        status: &str,
        failure: Option<&str>,
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
                replacement_id: None,
            },
            "PENDING_ACCEPTANCE" => Stage::AwaitingAcceptance,
            "ACTIVE" => Stage::Active,
            "FAILED" => Stage::Failed(failure_message(failure)),
            "DELETING" => Stage::Deleting { since: now },
            other => Stage::Custom(other.to_string()),
        };
        self.insert(group_id, &provider.to_ascii_uppercase(), region, stage)
            .id
            .clone()
    }

    /// Every endpoint as of `now`, for the state file (regions set to fail are not kept).
    pub fn snapshot(&mut self, now: Instant, settle: Duration) -> Vec<Endpoint> {
        self.refresh(now, settle);
        self.endpoints.clone()
    }

    pub fn restore(endpoints: Vec<Endpoint>) -> EndpointStore {
        EndpointStore {
            endpoints,
            failing_regions: HashMap::new(),
        }
    }

    /// An id no endpoint has, nor will take when its recreation completes.
    fn unused_id(&self) -> String {
        loop {
            let candidate = new_object_id();
            let taken = self.endpoints.iter().any(|e| {
                e.id == candidate
                    || matches!(&e.stage, Stage::Recreating { replacement_id: Some(r), .. } if *r == candidate)
            });
            if !taken {
                return candidate;
            }
        }
    }

    fn insert(&mut self, group_id: &str, provider: &str, region: &str, stage: Stage) -> &Endpoint {
        let id = self.unused_id();
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

#[cfg(test)]
mod tests;
