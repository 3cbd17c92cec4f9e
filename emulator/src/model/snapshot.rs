//! The state file's document (`--state FILE`): every endpoint with its id, status and when its
//! status began, every project's encryption-at-rest configuration, and the seeded clusters. Times
//! are stored as wall-clock milliseconds since the Unix epoch, since an `Instant` means nothing to
//! another process; on reading, an endpoint's stage resumes where it was, so one that was halfway
//! through `INITIATING` settles after the rest of its settle time.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::model::clusters::Cluster;
use crate::model::encryption::ProjectEncryption;
use crate::model::endpoint::{Endpoint, Stage, failure_message};

/// Names the document, so another JSON file given by mistake is refused.
pub(crate) const FORMAT: &str = "atlas-ear-emulator-state";
pub(crate) const VERSION: u32 = 1;

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct StateDocument {
    pub format: String,
    pub version: u32,
    pub endpoints: Vec<EndpointRecord>,
    pub encryption: BTreeMap<String, ProjectEncryption>,
    pub clusters: Vec<Cluster>,
}

/// One endpoint. `sinceUnixMs` is when its timed status began (`INITIATING`,
/// `PENDING_RECREATION`, `DELETING`); `approved` is an Azure approval given while `INITIATING`;
/// `failure` is the `errorMessage` of a `FAILED` one, or the one a timed status will end in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct EndpointRecord {
    pub id: String,
    pub group_id: String,
    pub provider: String,
    pub region: String,
    pub connection_name: String,
    pub status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since_unix_ms: Option<u64>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub approved: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure: Option<String>,
    /// The id a `PENDING_RECREATION` endpoint takes when it starts over (`replace`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replacement_id: Option<String>,
}

/// The clocks at one moment: converts between `Instant`s and wall-clock milliseconds.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Clocks {
    pub now: Instant,
    pub unix_ms: u64,
}

impl Clocks {
    fn to_unix_ms(self, since: Instant) -> u64 {
        let ago = self.now.saturating_duration_since(since).as_millis();
        self.unix_ms
            .saturating_sub(u64::try_from(ago).unwrap_or(u64::MAX))
    }

    /// The `Instant` of a wall-clock time. One further back than this process's clock can
    /// express counts as just settled (the stage is over by any settle time up to `settle`).
    fn to_instant(self, unix_ms: u64, settle: Duration) -> Instant {
        let ago = Duration::from_millis(self.unix_ms.saturating_sub(unix_ms));
        self.now
            .checked_sub(ago)
            .or_else(|| self.now.checked_sub(settle))
            .unwrap_or(self.now)
    }
}

impl EndpointRecord {
    pub fn of(endpoint: &Endpoint, clocks: Clocks) -> EndpointRecord {
        let replacement_id = match &endpoint.stage {
            Stage::Recreating { replacement_id, .. } => replacement_id.clone(),
            _ => None,
        };
        let (since, approved, failure) = match &endpoint.stage {
            Stage::Initiating {
                since,
                approved,
                failure,
            } => (Some(*since), *approved, failure.clone()),
            Stage::Recreating { since, failure, .. } => (Some(*since), false, failure.clone()),
            Stage::Deleting { since } => (Some(*since), false, None),
            Stage::Failed(message) => (None, false, Some(message.clone())),
            Stage::AwaitingAcceptance | Stage::Active | Stage::Custom(_) => (None, false, None),
        };
        EndpointRecord {
            id: endpoint.id.clone(),
            group_id: endpoint.group_id.clone(),
            provider: endpoint.provider.clone(),
            region: endpoint.region.clone(),
            connection_name: endpoint.connection_name.clone(),
            status: endpoint.status().to_string(),
            since_unix_ms: since.map(|s| clocks.to_unix_ms(s)),
            approved,
            failure,
            replacement_id,
        }
    }

    /// The endpoint again, or why the record cannot be one.
    pub fn endpoint(&self, clocks: Clocks, settle: Duration) -> Result<Endpoint, String> {
        let since = || {
            self.since_unix_ms
                .map(|ms| clocks.to_instant(ms, settle))
                .ok_or_else(|| {
                    format!(
                        "endpoint {}: status {} needs sinceUnixMs",
                        self.id, self.status
                    )
                })
        };
        let stage = match self.status.as_str() {
            "INITIATING" => Stage::Initiating {
                since: since()?,
                approved: self.approved,
                failure: self.failure.clone(),
            },
            "PENDING_RECREATION" => Stage::Recreating {
                since: since()?,
                failure: self.failure.clone(),
                replacement_id: self.replacement_id.clone(),
            },
            "DELETING" => Stage::Deleting { since: since()? },
            "PENDING_ACCEPTANCE" => Stage::AwaitingAcceptance,
            "ACTIVE" => Stage::Active,
            "FAILED" => Stage::Failed(failure_message(self.failure.as_deref())),
            other => Stage::Custom(other.to_string()),
        };
        Ok(Endpoint {
            id: self.id.clone(),
            group_id: self.group_id.clone(),
            provider: self.provider.clone(),
            region: self.region.clone(),
            connection_name: self.connection_name.clone(),
            stage,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn initiating(since: Instant) -> Endpoint {
        Endpoint {
            id: "e1".into(),
            group_id: "g".into(),
            provider: "AZURE".into(),
            region: "EUROPE_WEST".into(),
            connection_name: "c".into(),
            stage: Stage::Initiating {
                since,
                approved: true,
                failure: None,
            },
        }
    }

    #[test]
    fn a_stage_resumes_where_it_was() {
        let start = Instant::now();
        let saved_at = Clocks {
            now: start + Duration::from_secs(600),
            unix_ms: 1_000_000_000_000,
        };
        let record = EndpointRecord::of(&initiating(start), saved_at);
        assert_eq!(record.since_unix_ms, Some(1_000_000_000_000 - 600_000));
        assert!(record.approved);
        // Read back a minute later in another process whose clock started elsewhere.
        let later = Clocks {
            now: Instant::now() + Duration::from_secs(7200),
            unix_ms: 1_000_000_060_000,
        };
        let settle_long = Duration::from_secs(3600);
        let mut restored = record.endpoint(later, settle_long).unwrap();
        assert!(restored.advance(later.now, settle_long));
        assert_eq!(
            restored.status(),
            "INITIATING",
            "660 s of a 3600 s settle time"
        );
        let settle_short = Duration::from_secs(300);
        let mut settled = record.endpoint(later, settle_short).unwrap();
        settled.advance(later.now, settle_short);
        assert_eq!(settled.status(), "ACTIVE", "approved while initiating");
    }

    #[test]
    fn a_replacement_id_survives_a_restart() {
        let clocks = Clocks {
            now: Instant::now(),
            unix_ms: 5_000,
        };
        let mut replaced = initiating(clocks.now);
        replaced.stage = Stage::Recreating {
            since: clocks.now,
            failure: None,
            replacement_id: Some("e2".into()),
        };
        let json = serde_json::to_string(&EndpointRecord::of(&replaced, clocks)).unwrap();
        let back: EndpointRecord = serde_json::from_str(&json).unwrap();
        let mut endpoint = back.endpoint(clocks, Duration::ZERO).unwrap();
        assert!(endpoint.advance(clocks.now, Duration::ZERO));
        assert_eq!(
            (endpoint.id.as_str(), endpoint.status()),
            ("e2", "PENDING_ACCEPTANCE")
        );
    }

    #[test]
    fn records_round_trip_and_bad_ones_are_named() {
        let clocks = Clocks {
            now: Instant::now(),
            unix_ms: 5_000,
        };
        let mut failed = initiating(clocks.now);
        failed.stage = Stage::Failed("key vault gone".into());
        let record = EndpointRecord::of(&failed, clocks);
        let json = serde_json::to_string(&record).unwrap();
        assert!(
            !json.contains("sinceUnixMs") && !json.contains("approved"),
            "{json}"
        );
        let back: EndpointRecord = serde_json::from_str(&json).unwrap();
        let endpoint = back.endpoint(clocks, Duration::ZERO).unwrap();
        assert_eq!(endpoint.view()["errorMessage"], "key vault gone");
        let mut timed = back.clone();
        timed.status = "DELETING".into();
        let error = timed.endpoint(clocks, Duration::ZERO).unwrap_err();
        assert!(
            error.contains("e1") && error.contains("sinceUnixMs"),
            "{error}"
        );
    }
}
