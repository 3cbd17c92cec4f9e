//! `create` across several regions: one POST per region (the API takes one region per request),
//! sent concurrently after the first request has fetched the digest challenge, so N regions cost
//! N+1 requests.
//!
//! Pipelines re-run, so `--skip-existing` looks before it creates. A POST whose outcome is
//! unknown (no answer, a 5xx, an unreadable body) is never sent again: the provider's endpoints
//! are listed once to find out whether it was created. Ctrl-C stops sending; requests already in
//! flight are allowed to finish so that every endpoint created is printed.

use crate::api::{self, EndpointList, RawEndpoint, Scope};
use crate::commands::approval::make_steps_runnable;
use crate::commands::outcome::{Outcome, Problem, Reason, Report, Shape, Target};
use crate::commands::progress::ProgressSink;
use crate::commands::status_rules::{failed_problem, failure_reason};
use crate::commands::unknown_outcome::{RECHECK, find_out, outcome_is_known};
use crate::commands::wait::wait_until;
use crate::commands::{Done, dry_run};
use crate::errors::exit;
use crate::http::ApiClient;
use crate::interrupt::Interrupts;
use crate::settings::{CreatePlan, Settings, WaitGoal};
use anyhow::Result;
use futures_util::{StreamExt, stream};
use std::cell::{Cell, RefCell};

/// Create requests in flight at once, after the first one.
pub const CREATES_IN_FLIGHT: usize = 4;

/// `--skip-existing` lists before it creates.
pub const SKIP_EXISTING_NOTE: &str = "--skip-existing: the list comes first (every page, as `list` reads them), and a region\nthat already has an endpoint in any status but DELETING is not sent.";
/// What `create --wait` adds after the POSTs; the ids are only known from their answers.
pub const CREATE_WAIT_NOTE: &str = "after the requests below, --wait polls every --interval, the first sooner, until every endpoint is\nsettled or --timeout passes: one list per round (as `list` reads it), or for a single endpoint\nGET .../privateEndpoints/{ENDPOINT-ID} (as `get` does).";

/// `atlas-ear create --region ...`: create, optionally wait, report every outcome.
pub async fn run(
    settings: &Settings,
    plan: &CreatePlan,
    progress: &mut dyn ProgressSink,
) -> Result<Done> {
    let project_id = settings.project_id()?;
    if settings.dry_run {
        return Ok(planned(settings, project_id, plan));
    }
    let client = ApiClient::new(settings)?;
    let scope = Scope {
        client: &client,
        project_id,
        provider: settings.provider,
    };
    let mut interrupts = Interrupts::listen();
    let (mut outcomes, mut interrupted) = create_in_regions(
        &scope,
        &plan.regions,
        plan.skip_existing,
        &mut interrupts,
        progress,
    )
    .await?;
    if let Some(timing) = &plan.wait
        && !interrupted
    {
        interrupted = wait_until(
            &scope,
            WaitGoal::Settled,
            timing,
            false,
            &mut outcomes,
            &mut interrupts,
            progress,
        )
        .await;
    }
    if !interrupted {
        make_steps_runnable(&client, project_id, settings.provider, &mut outcomes).await;
    }
    let shape = Shape::for_targets(outcomes.len(), true, false);
    Ok(Done::Report(Report {
        outcomes,
        shape,
        interrupted,
        waited_for: plan.wait.as_ref().map(|_| WaitGoal::Settled),
    }))
}

/// `create --dry-run`: the list of `--skip-existing` (first page), then one POST per region.
fn planned(settings: &Settings, project_id: &str, plan: &CreatePlan) -> Done {
    let provider = settings.provider;
    let mut requests = Vec::new();
    let mut notes = Vec::new();
    if plan.skip_existing {
        requests.push(api::list_page_request(project_id, provider, 1));
        notes.push(SKIP_EXISTING_NOTE);
    }
    requests.extend(
        plan.regions
            .iter()
            .map(|region| api::create_request(project_id, provider, region)),
    );
    if plan.wait.is_some() {
        notes.push(CREATE_WAIT_NOTE);
    }
    let note = notes.join("\n");
    dry_run(requests, (!note.is_empty()).then_some(note.as_str()))
}

/// Creates one endpoint per region and says what became of each, in the order given. Fails
/// as a whole only when `--skip-existing` cannot list what exists (nothing was created then).
pub async fn create_in_regions(
    scope: &Scope<'_>,
    regions: &[String],
    skip_existing: bool,
    interrupts: &mut Interrupts,
    progress: &mut dyn ProgressSink,
) -> Result<(Vec<Outcome>, bool)> {
    let mut outcomes: Vec<Outcome> = regions
        .iter()
        .map(|r| Outcome::new(Target::Region(r.clone())))
        .collect();
    if skip_existing {
        let listed = tokio::select! {
            listed = api::list_endpoints(scope.client, scope.project_id, scope.provider) => listed?,
            _ = interrupts.next() => {
                mark_all(&mut outcomes, Reason::NotSent, "interrupted before anything was sent");
                return Ok((outcomes, true));
            }
        };
        mark_existing(&mut outcomes, &listed);
    }
    let to_create: Vec<(usize, String)> = outcomes
        .iter()
        .enumerate()
        .filter(|(_, o)| !o.existing)
        .map(|(i, o)| (i, o.target.name().to_string()))
        .collect();
    let (answers, mut interrupted) = send_creates(scope, &to_create, interrupts, progress).await;
    let mut unknown: Vec<(usize, anyhow::Error)> = Vec::new();
    for (index, sent) in answers {
        let outcome = &mut outcomes[index];
        match sent {
            Request::Answered(Ok(endpoint)) => outcome.endpoint = Some(endpoint),
            Request::Answered(Err(error)) if outcome_is_known(&error) => {
                outcome.problem = Some(Problem::from_error(&error, None));
            }
            Request::Answered(Err(error)) => unknown.push((index, error)),
            Request::NotSent => {
                let region = outcome.target.name();
                outcome.problem = Some(Problem::new(
                    Reason::NotSent,
                    exit::INTERRUPTED,
                    format!("not created: interrupted before the request for {region} was sent"),
                ));
            }
            Request::Abandoned => {
                let region = outcome.target.name();
                outcome.problem = Some(Problem::new(
                    Reason::OutcomeUnknown,
                    exit::INTERRUPTED,
                    format!(
                        "interrupted while creating the endpoint in {region}: its outcome is unknown; {RECHECK}"
                    ),
                ));
            }
        }
    }
    if !unknown.is_empty() {
        interrupted |= find_out(scope, &mut outcomes, unknown, interrupted, interrupts).await;
    }
    Ok((outcomes, interrupted))
}

fn mark_all(outcomes: &mut [Outcome], reason: Reason, why: &str) {
    for outcome in outcomes {
        outcome.problem = Some(Problem::new(reason, exit::INTERRUPTED, why));
    }
}

/// `--skip-existing`: regions that already have an endpoint are reported, not created. Such a
/// region succeeds unless its endpoint is FAILED.
fn mark_existing(outcomes: &mut [Outcome], listed: &EndpointList) {
    for outcome in outcomes {
        let Some(found) = listed.existing_in(outcome.target.name()) else {
            continue;
        };
        outcome.existing = true;
        outcome.endpoint = Some(RawEndpoint {
            value: found.clone(),
            body: None,
        });
        let id = outcome.endpoint_id().unwrap_or("").to_string();
        let status = outcome.status().unwrap_or("").to_string();
        outcome.notes.push(format!(
            "already has endpoint {id} ({status}); not created again (--skip-existing)"
        ));
        if status == "FAILED" {
            let why = failure_reason(Some(found));
            let message = format!(
                "the existing endpoint {id} in {} is FAILED: {why}; delete it (`atlas-ear delete {id} --wait`) and run again",
                outcome.target.name()
            );
            outcome.problem = Some(failed_problem(why, message));
        }
    }
}

/// What happened to one create request.
enum Request {
    Answered(Result<RawEndpoint>),
    /// Ctrl-C came before it was sent.
    NotSent,
    /// A second Ctrl-C abandoned it in flight.
    Abandoned,
}

/// Sends the POSTs, at most [`CREATES_IN_FLIGHT`] at a time; the client makes every request
/// but the first wait for the one fetching the digest challenge. The first Ctrl-C stops new
/// requests and lets those in flight finish; a second abandons them.
async fn send_creates(
    scope: &Scope<'_>,
    to_create: &[(usize, String)],
    interrupts: &mut Interrupts,
    progress: &mut dyn ProgressSink,
) -> (Vec<(usize, Request)>, bool) {
    let stopped = Cell::new(false);
    let started: RefCell<Vec<usize>> = RefCell::new(Vec::new());
    let mut answers: Vec<(usize, Request)> = Vec::new();
    let mut presses = 0;
    {
        let stopped = &stopped;
        let started = &started;
        let mut requests = stream::iter(to_create)
            .map(|(index, region)| async move {
                if stopped.get() {
                    return (*index, Request::NotSent);
                }
                started.borrow_mut().push(*index);
                let created =
                    api::create_endpoint(scope.client, scope.project_id, scope.provider, region)
                        .await;
                (*index, Request::Answered(created))
            })
            .buffer_unordered(CREATES_IN_FLIGHT);
        loop {
            tokio::select! {
                next = requests.next() => match next {
                    Some(answer) => answers.push(answer),
                    None => break,
                },
                _ = interrupts.next() => {
                    presses += 1;
                    stopped.set(true);
                    if presses > 1 {
                        break;
                    }
                    let in_flight = started.borrow().len().saturating_sub(
                        answers.iter().filter(|(_, s)| matches!(s, Request::Answered(_))).count(),
                    );
                    progress.note(&format!(
                        "interrupted: sending nothing more; waiting for {in_flight} request(s) in flight to learn what they created (Ctrl-C again to stop now)"
                    ));
                }
            }
        }
    }
    let started = started.into_inner();
    for (index, _) in to_create {
        if !answers.iter().any(|(i, _)| i == index) {
            let sent = if started.contains(index) {
                Request::Abandoned
            } else {
                Request::NotSent
            };
            answers.push((*index, sent));
        }
    }
    (answers, presses > 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn existing_ignores_deleting_and_failed_existing_is_a_failure() {
        let listed = EndpointList {
            results: vec![
                json!({"id": "a", "regionName": "US_EAST_1", "status": "DELETING"}),
                json!({"id": "b", "regionName": "EU_WEST_1", "status": "PENDING_RECREATION"}),
                json!({"id": "c", "regionName": "AP_SOUTH_1", "status": "FAILED", "errorMessage": "no quota"}),
            ],
            total_count: None,
        };
        let mut outcomes: Vec<Outcome> = ["US_EAST_1", "EU_WEST_1", "AP_SOUTH_1"]
            .iter()
            .map(|r| Outcome::new(Target::Region(r.to_string())))
            .collect();
        mark_existing(&mut outcomes, &listed);
        assert!(!outcomes[0].existing, "a DELETING endpoint does not count");
        assert!(outcomes[1].existing && outcomes[1].problem.is_none());
        assert_eq!(outcomes[1].endpoint_id(), Some("b"));
        let failed = outcomes[2].problem.as_ref().unwrap();
        assert_eq!(failed.exit_code, exit::ENDPOINT_FAILED);
        assert!(failed.message.contains("no quota"));
    }
}
