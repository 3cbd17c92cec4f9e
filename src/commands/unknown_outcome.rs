//! A create whose outcome is unknown: the request went out but no usable answer came back (no
//! answer at all, a 5xx, an unreadable body). Sending it again could create a duplicate, so it
//! never is; instead the provider's endpoints are listed, once for all such regions, and each
//! region is reported as created (with a note) or as not created (a re-run is safe).

use crate::api::{self, EndpointList, RawEndpoint, Scope};
use crate::commands::outcome::{Outcome, Problem, Reason};
use crate::errors::{ApiError, AuthRejected, exit};
use crate::interrupt::Interrupts;

/// What to do about an endpoint that may or may not exist: re-running with `--skip-existing`
/// creates it only where it is missing.
pub const RECHECK: &str =
    "see `atlas-ear list`, or re-run with --skip-existing, which creates it only if it is missing";

/// A refusal Atlas stated (a 4xx, or keys rejected) leaves nothing created; anything else
/// (no answer, a 5xx, an unreadable 2xx) may have created the endpoint.
pub fn outcome_is_known(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause.is::<AuthRejected>()
            || cause
                .downcast_ref::<ApiError>()
                .is_some_and(|a| (400..500).contains(&a.status))
    })
}

/// Lists the provider's endpoints once to learn what the POSTs with an unknown outcome did.
/// Returns true when Ctrl-C cut the check short.
pub async fn find_out(
    scope: &Scope<'_>,
    outcomes: &mut [Outcome],
    unknown: Vec<(usize, anyhow::Error)>,
    already_interrupted: bool,
    interrupts: &mut Interrupts,
) -> bool {
    let listed = if already_interrupted {
        None
    } else {
        tokio::select! {
            listed = api::list_endpoints(scope.client, scope.project_id, scope.provider) => Some(listed),
            _ = interrupts.next() => None,
        }
    };
    for (index, error) in unknown {
        let outcome = &mut outcomes[index];
        let region = outcome.target.name().to_string();
        let lost = format!("the answer to the create request for {region} was lost");
        match &listed {
            None => {
                outcome.problem = Some(Problem {
                    reason: Reason::OutcomeUnknown,
                    exit_code: exit::INTERRUPTED,
                    ..Problem::from_error(
                        &error,
                        Some(&format!(
                            "{lost} and the check was interrupted, so its outcome is unknown; {RECHECK}"
                        )),
                    )
                });
            }
            Some(Err(list_error)) => {
                outcome.problem = Some(Problem {
                    reason: Reason::OutcomeUnknown,
                    ..Problem::from_error(
                        &error,
                        Some(&format!(
                            "{lost}, and listing to check failed too ({list_error:#}), so its outcome is unknown; {RECHECK}"
                        )),
                    )
                });
            }
            Some(Ok(list)) => settle_from_list(outcome, &error, list),
        }
    }
    listed.is_none() && !already_interrupted
}

/// What the list says of one region whose create had no usable answer.
fn settle_from_list(outcome: &mut Outcome, error: &anyhow::Error, list: &EndpointList) {
    let region = outcome.target.name().to_string();
    match list.existing_in(&region) {
        Some(found) => {
            outcome.endpoint = Some(RawEndpoint {
                value: found.clone(),
                body: None,
            });
            let id = outcome.endpoint_id().unwrap_or("").to_string();
            outcome.notes.push(format!(
                "the answer to the create request was lost ({}); listing shows endpoint {id} in {region}, so it was created",
                first_line(error)
            ));
        }
        None => {
            outcome.problem = Some(Problem {
                reason: Reason::NotCreated,
                ..Problem::from_error(
                    error,
                    Some(&format!(
                        "creating the endpoint in {region} failed and listing shows no endpoint there, so nothing was created; re-running is safe"
                    )),
                )
            });
        }
    }
}

fn first_line(error: &anyhow::Error) -> String {
    format!("{error:#}")
        .lines()
        .next()
        .unwrap_or("")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_stated_refusal_counts_as_a_known_outcome() {
        let api = |status| {
            anyhow::Error::new(ApiError {
                status,
                method: "POST".into(),
                url: "u".into(),
                error_code: None,
                detail: None,
                body_snippet: None,
            })
        };
        assert!(outcome_is_known(&api(409)));
        assert!(outcome_is_known(&api(429)));
        assert!(!outcome_is_known(&api(500)));
        assert!(!outcome_is_known(&api(503)));
        assert!(!outcome_is_known(&anyhow::Error::new(
            crate::errors::NetworkError("reset".into())
        )));
    }
}
