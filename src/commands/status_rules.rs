//! What each endpoint status means for a wait, and what a settled endpoint asks of the user.
//!
//! Atlas documents six statuses and adds values over time, so anything not known here keeps a
//! wait going rather than ending it: a new transitional status must not look like success.

use crate::commands::outcome::{Outcome, Problem, Reason};
use crate::errors::exit;
use crate::regions::Provider;
use crate::settings::WaitGoal;

/// What a status means for a wait.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Reached,
    Failed,
    /// DELETING while waiting for settled or active: it will never get there.
    NotSettling,
    Waiting,
}

/// Judges one status. INITIATING and PENDING_RECREATION keep waiting, and so does any status
/// this tool does not know yet (Atlas adds values over time).
pub fn judge(goal: WaitGoal, status: &str) -> Verdict {
    match (goal, status) {
        (WaitGoal::Deleted, _) => Verdict::Waiting,
        (_, "ACTIVE") => Verdict::Reached,
        (WaitGoal::Settled, "PENDING_ACCEPTANCE") => Verdict::Reached,
        (_, "FAILED") => Verdict::Failed,
        (_, "DELETING") => Verdict::NotSettling,
        _ => Verdict::Waiting,
    }
}

/// How a goal reads in messages.
pub fn goal_words(goal: WaitGoal) -> &'static str {
    match goal {
        WaitGoal::Settled => "settled",
        WaitGoal::Active => "ACTIVE",
        WaitGoal::Deleted => "deleted",
    }
}

/// What the user has to do for an endpoint that awaits approval.
pub fn approval_step(provider: Provider, outcome: &Outcome) -> String {
    let name = outcome
        .endpoint
        .as_ref()
        .and_then(|e| e.value.get("privateEndpointConnectionName"))
        .and_then(|n| n.as_str())
        .filter(|n| !n.is_empty())
        .map(|n| format!(" '{n}'"))
        .unwrap_or_default();
    match provider {
        Provider::Azure => format!(
            "approve the private endpoint connection{name} in your Azure Key Vault (Networking > Private endpoint connections); Atlas then reports ACTIVE"
        ),
        Provider::Aws => format!(
            "the endpoint connection{name} awaits acceptance on the AWS side; Atlas reports ACTIVE once it is accepted"
        ),
    }
}

/// Applies a verdict other than `Waiting` to an outcome.
/// Why a FAILED endpoint failed, in Atlas's words when it gave any.
pub fn failure_reason(endpoint: Option<&serde_json::Map<String, serde_json::Value>>) -> String {
    endpoint
        .and_then(|e| e.get("errorMessage"))
        .and_then(|m| m.as_str())
        .filter(|m| !m.is_empty())
        .unwrap_or("Atlas gave no errorMessage")
        .to_string()
}

/// The problem recorded for an endpoint that is FAILED (exit 8).
pub fn failed_problem(why: String, message: String) -> Problem {
    Problem {
        detail: why,
        ..Problem::new(Reason::EndpointFailed, exit::ENDPOINT_FAILED, message)
    }
}

pub fn conclude_one(outcome: &mut Outcome, verdict: Verdict, goal: WaitGoal, provider: Provider) {
    let label = outcome.label();
    let status = outcome.status().unwrap_or("").to_string();
    match verdict {
        Verdict::Reached if status == "PENDING_ACCEPTANCE" => {
            outcome.next_step = Some(approval_step(provider, outcome));
        }
        // A step given while it awaited approval no longer applies once it is ACTIVE.
        Verdict::Reached => outcome.next_step = None,
        Verdict::Waiting => {}
        Verdict::Failed => {
            let why = failure_reason(outcome.endpoint.as_ref().map(|e| &e.value));
            let message = format!("endpoint {label} is FAILED: {why}");
            outcome.problem = Some(failed_problem(why, message));
        }
        Verdict::NotSettling => {
            outcome.problem = Some(Problem::new(
                Reason::NotSettling,
                exit::FAILURE,
                format!(
                    "endpoint {label} is {status}; it will not become {}",
                    goal_words(goal)
                ),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_are_judged_per_goal() {
        use Verdict::*;
        use WaitGoal::*;
        assert_eq!(judge(Settled, "INITIATING"), Waiting);
        assert_eq!(judge(Settled, "PENDING_RECREATION"), Waiting);
        assert_eq!(judge(Settled, "SOMETHING_NEW"), Waiting);
        assert_eq!(judge(Settled, "ACTIVE"), Reached);
        assert_eq!(judge(Settled, "PENDING_ACCEPTANCE"), Reached);
        assert_eq!(judge(Settled, "FAILED"), Failed);
        assert_eq!(judge(Settled, "DELETING"), NotSettling);
        assert_eq!(judge(Active, "PENDING_ACCEPTANCE"), Waiting);
        assert_eq!(judge(Active, "ACTIVE"), Reached);
        assert_eq!(judge(Active, "FAILED"), Failed);
        assert_eq!(judge(Deleted, "DELETING"), Waiting);
        assert_eq!(judge(Deleted, "ACTIVE"), Waiting);
    }
}
