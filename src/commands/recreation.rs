//! Following an endpoint through PENDING_RECREATION: Atlas re-creates an endpoint that was
//! rejected or removed on the provider side, and the documents do not say whether the
//! replacement keeps the id. A wait therefore follows the region while it lasts (by id if the
//! id stays, by region if another endpoint appears there) and says what happened; `wait.rs`
//! and `apply/rounds.rs` share these words so both tell it the same way.

use crate::api::RawEndpoint;
use crate::commands::outcome::Outcome;
use crate::settings::WaitGoal;

/// Whether an endpoint is being re-created by Atlas (rejected or removed on the provider side).
pub(crate) fn is_recreating(status: Option<&str>) -> bool {
    status == Some("PENDING_RECREATION")
}

/// What one poll asks about: an endpoint by id and, while Atlas re-creates it, its region.
pub(crate) struct PollTarget {
    pub index: usize,
    pub id: String,
    /// Set while the endpoint is PENDING_RECREATION: the replacement may come under a new id,
    /// so the region's endpoint is followed, and its last view stands while there is none.
    pub follow_region: Option<(String, RawEndpoint)>,
}

impl PollTarget {
    pub fn of(index: usize, outcome: &Outcome, goal: WaitGoal) -> PollTarget {
        let id = match (&outcome.target, outcome.endpoint_id()) {
            (_, Some(id)) => id.to_string(),
            (target, None) => target.name().to_string(),
        };
        let follow_region = match (&outcome.endpoint, outcome.region()) {
            (Some(last), Some(region))
                if goal != WaitGoal::Deleted && is_recreating(outcome.status()) =>
            {
                Some((region.to_string(), last.clone()))
            }
            _ => None,
        };
        PollTarget {
            index,
            id,
            follow_region,
        }
    }
}

/// The id in an endpoint's view, which changes when Atlas replaces the endpoint.
pub(crate) fn endpoint_id_of(endpoint: &RawEndpoint) -> Option<&str> {
    endpoint.value.get("id").and_then(|id| id.as_str())
}

/// The note a report keeps about an endpoint Atlas replaced by a new one.
pub(crate) fn replacement_note(outcome: &Outcome, old_id: &str) -> String {
    format!(
        "replaced by {}: Atlas re-created endpoint {old_id} in {}",
        outcome.endpoint_id().unwrap_or("?"),
        outcome.region().unwrap_or("its region")
    )
}

/// What to say when an endpoint starts being re-created, or when its replacement appears
/// under a new id (`outcome` already holds the new view).
pub(crate) fn recreation_words(
    outcome: &Outcome,
    status_before: &Option<String>,
    replaced: bool,
) -> Option<String> {
    let region = outcome.region().unwrap_or("its region");
    if replaced {
        let new_id = outcome.endpoint_id().unwrap_or("?");
        let status = outcome.status().unwrap_or("(no status)");
        return Some(format!(
            "replaced by {new_id} ({status}); following the replacement"
        ));
    }
    let now_recreating = is_recreating(outcome.status());
    (now_recreating && !is_recreating(status_before.as_deref())).then(|| {
        format!(
            "PENDING_RECREATION: Atlas is re-creating it; following {region} until the replacement settles"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::outcome::Target;

    fn seen(id: &str, status: &str) -> Outcome {
        let mut outcome = Outcome::new(Target::Endpoint("old".into()));
        let value = serde_json::json!({"id": id, "regionName": "US_EAST_1", "status": status});
        outcome.endpoint = Some(RawEndpoint {
            value: value.as_object().cloned().unwrap_or_default(),
            body: None,
        });
        outcome
    }

    #[test]
    fn recreation_is_told_once_and_a_replacement_by_its_new_id() {
        let first = seen("old", "PENDING_RECREATION");
        let said = recreation_words(&first, &Some("ACTIVE".into()), false);
        assert!(said.is_some_and(|w| w.contains("following US_EAST_1")));
        assert_eq!(
            recreation_words(&first, &Some("PENDING_RECREATION".into()), false),
            None
        );
        let replaced = seen("new", "INITIATING");
        assert_eq!(replaced.label(), "US_EAST_1 new");
        let said = recreation_words(&replaced, &Some("PENDING_RECREATION".into()), true);
        assert_eq!(
            said.as_deref(),
            Some("replaced by new (INITIATING); following the replacement")
        );
        assert_eq!(
            replacement_note(&replaced, "old"),
            "replaced by new: Atlas re-created endpoint old in US_EAST_1"
        );
    }
}
