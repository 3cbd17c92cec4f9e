//! Waiting for endpoints to reach a state: `create --wait`, `delete --wait` and `wait`.
//!
//! An endpoint is created INITIATING and takes minutes to settle, and Atlas may take a few
//! minutes more to show its status. Waiting means polling: one list per round for several
//! endpoints (one GET for a single one), a jittered interval between rounds (the first round
//! sooner), a deadline, and Ctrl-C, after which nothing more is sent and the last known state of
//! every endpoint is reported.

use crate::api::{self, RawEndpoint, Scope};
use crate::commands::outcome::{Outcome, Problem, Reason, Report, Shape, Target};
use crate::commands::progress::ProgressSink;
use crate::commands::recreation::{PollTarget, endpoint_id_of, recreation_words, replacement_note};
use crate::commands::status_rules::{Verdict, approval_step, conclude_one, goal_words, judge};
use crate::commands::{Done, dry_run};
use crate::errors::{ApiError, exit};
use crate::http::ApiClient;
use crate::interrupt::Interrupts;
use crate::regions::Provider;
use crate::settings::{Settings, Timing, WaitGoal, WaitPlan};
use anyhow::Result;
use futures_util::{Stream, StreamExt, stream};
use std::time::Duration;
use tokio::time::{Instant, sleep_until};

/// `wait`: one poll of each endpoint, repeated.
pub const WAIT_NOTE: &str = "wait polls every --interval (the first sooner) until --for is reached or --timeout passes: a\nsingle endpoint with this GET, several with one list per round (as `list` reads it). An endpoint\nseen PENDING_RECREATION is followed with the list, by region, until its replacement settles.";
/// The first poll comes after a fifth of the interval, but never later than this.
const FIRST_POLL_CAP: Duration = Duration::from_secs(2);
/// Polls of one round sent at the same time.
const POLLS_IN_FLIGHT: usize = 4;

/// When the first poll of a wait comes: a fifth of the interval, at most [`FIRST_POLL_CAP`].
pub(crate) fn first_delay(timing: &Timing) -> Duration {
    (timing.interval / 5).min(FIRST_POLL_CAP)
}

/// The interval, 10% either way, so that many waiting clients do not poll in step.
pub(crate) fn next_delay(timing: &Timing) -> Duration {
    timing.interval.mul_f64(0.9 + 0.2 * fastrand::f64())
}

/// `atlas-ear wait ID... [--for settled|active|deleted]`.
pub async fn run(
    settings: &Settings,
    plan: &WaitPlan,
    progress: &mut dyn ProgressSink,
) -> Result<Done> {
    let project_id = settings.project_id()?;
    if settings.dry_run {
        let requests = plan
            .endpoint_ids
            .iter()
            .map(|id| api::get_request(project_id, settings.provider, id))
            .collect();
        return Ok(dry_run(requests, Some(WAIT_NOTE)));
    }
    let client = ApiClient::new(settings)?;
    let scope = Scope {
        client: &client,
        project_id,
        provider: settings.provider,
    };
    let mut interrupts = Interrupts::listen();
    let mut outcomes: Vec<Outcome> = plan
        .endpoint_ids
        .iter()
        .map(|id| Outcome::new(Target::Endpoint(id.clone())))
        .collect();
    let interrupted = wait_until(
        &scope,
        plan.goal,
        &plan.timing,
        true,
        &mut outcomes,
        &mut interrupts,
        progress,
    )
    .await;
    let shape = Shape::for_targets(outcomes.len(), false, plan.goal == WaitGoal::Deleted);
    Ok(Done::Report(Report {
        outcomes,
        shape,
        interrupted,
    }))
}

/// Polls every outcome that has an endpoint, no problem, and is not yet where `goal` wants it,
/// updating each in place. Returns true when Ctrl-C ended the wait.
pub async fn wait_until(
    scope: &Scope<'_>,
    goal: WaitGoal,
    timing: &Timing,
    poll_at_once: bool,
    outcomes: &mut [Outcome],
    interrupts: &mut Interrupts,
    progress: &mut dyn ProgressSink,
) -> bool {
    let pending = still_pending(outcomes, goal, scope.provider);
    if pending.is_empty() {
        return false;
    }
    progress.begin(pending.iter().map(|&i| outcomes[i].label()).collect());
    progress.note(&format!(
        "waiting up to {} for {} endpoint{} to be {} (polling every {})",
        humantime::format_duration(timing.timeout),
        pending.len(),
        if pending.len() == 1 { "" } else { "s" },
        goal_words(goal),
        humantime::format_duration(timing.interval),
    ));
    for (slot, &index) in pending.iter().enumerate() {
        if let Some(status) = outcomes[index].status() {
            progress.status(slot, status);
        }
    }
    let mut poll = Polling {
        scope,
        goal,
        slots: pending.clone(),
        pending,
        progress,
    };
    let started = Instant::now();
    let first = if poll_at_once {
        started
    } else {
        started + first_delay(timing)
    };
    let interrupted = poll
        .rounds(
            outcomes,
            timing,
            first,
            started + timing.timeout,
            interrupts,
        )
        .await;
    for &index in &poll.pending {
        give_up(&mut outcomes[index], interrupted, goal, timing);
    }
    poll.progress.finish();
    interrupted
}

/// The outcomes a wait must poll; those already where `goal` wants them are concluded here.
fn still_pending(outcomes: &mut [Outcome], goal: WaitGoal, provider: Provider) -> Vec<usize> {
    let mut pending = Vec::new();
    for (index, outcome) in outcomes.iter_mut().enumerate() {
        let id_known =
            outcome.endpoint_id().is_some() || matches!(outcome.target, Target::Endpoint(_));
        if outcome.problem.is_some() || outcome.gone || !id_known {
            continue;
        }
        match outcome.status().map(|s| judge(goal, s)) {
            Some(Verdict::Waiting) | None => pending.push(index),
            Some(verdict) => conclude_one(outcome, verdict, goal, provider),
        }
    }
    pending
}

/// The problem of an endpoint still pending when the wait ended (also for `apply`'s rounds).
pub(crate) fn give_up(outcome: &mut Outcome, interrupted: bool, goal: WaitGoal, timing: &Timing) {
    let last = outcome.status().unwrap_or("unknown").to_string();
    let label = outcome.label();
    outcome.problem = Some(if interrupted {
        Problem::new(
            Reason::Interrupted,
            exit::INTERRUPTED,
            format!("interrupted while waiting for {label}; last status {last}"),
        )
    } else {
        Problem::new(
            Reason::WaitTimeout,
            exit::WAIT_TIMEOUT,
            format!(
                "timed out after {} waiting for {label} to be {}; last status {last}",
                humantime::format_duration(timing.timeout),
                goal_words(goal)
            ),
        )
    });
}

/// One wait's polling state: which outcomes are still pending, and which progress slot each
/// outcome has (`slots[slot]` is an index into the outcomes).
struct Polling<'a, 'p> {
    scope: &'a Scope<'a>,
    goal: WaitGoal,
    slots: Vec<usize>,
    pending: Vec<usize>,
    progress: &'p mut dyn ProgressSink,
}

impl Polling<'_, '_> {
    /// Polls round after round until nothing is pending, the deadline passes or Ctrl-C comes;
    /// true when Ctrl-C ended it.
    async fn rounds(
        &mut self,
        outcomes: &mut [Outcome],
        timing: &Timing,
        first_poll: Instant,
        deadline: Instant,
        interrupts: &mut Interrupts,
    ) -> bool {
        let mut next_poll = first_poll;
        while !self.pending.is_empty() {
            tokio::select! {
                _ = sleep_until(next_poll.min(deadline)) => {}
                _ = interrupts.next() => return true,
            }
            if Instant::now() >= deadline {
                return false;
            }
            let targets: Vec<PollTarget> = self
                .pending
                .iter()
                .map(|&i| PollTarget::of(i, &outcomes[i], self.goal))
                .collect();
            // A replacement can only be found by region, which takes the list.
            let by_region = targets.iter().any(|t| t.follow_region.is_some());
            let mut round = if targets.len() > 1 || by_region {
                listed_round(self.scope, targets)
            } else {
                poll_round(self.scope, targets)
            };
            loop {
                // Each answer is applied as it arrives, so a deadline or Ctrl-C mid-round keeps it.
                let (index, answer) = tokio::select! {
                    next = round.next() => match next {
                        Some(answer) => answer,
                        None => break,
                    },
                    _ = sleep_until(deadline) => return false,
                    _ = interrupts.next() => return true,
                };
                let slot = self.slots.iter().position(|&i| i == index).unwrap_or(0);
                if apply_poll(
                    &mut outcomes[index],
                    answer,
                    self.goal,
                    self.scope.provider,
                    slot,
                    &mut *self.progress,
                ) {
                    self.pending.retain(|&i| i != index);
                }
            }
            next_poll = Instant::now() + next_delay(timing);
        }
        false
    }
}

/// The answers of one round, in arrival order.
type Round<'a> = std::pin::Pin<Box<dyn Stream<Item = (usize, Result<RawEndpoint>)> + 'a>>;

/// One GET per endpoint, at most [`POLLS_IN_FLIGHT`] at a time: for a single endpoint, the
/// cheapest question.
fn poll_round<'a>(scope: &'a Scope<'a>, targets: Vec<PollTarget>) -> Round<'a> {
    Box::pin(
        stream::iter(targets)
            .map(move |target| async move {
                let (client, project_id) = (scope.client, scope.project_id);
                let answer = api::get_endpoint(client, project_id, scope.provider, &target.id);
                (target.index, answer.await)
            })
            .buffer_unordered(POLLS_IN_FLIGHT),
    )
}

/// One list for all the endpoints of a round: several endpoints of one project and provider
/// cost one request per round, not one each (rate limits are per project). An endpoint the
/// list does not hold is answered as `get` would be, with a 404.
fn listed_round<'a>(scope: &'a Scope<'a>, targets: Vec<PollTarget>) -> Round<'a> {
    Box::pin(
        stream::once(async move {
            let listed = api::list_endpoints(scope.client, scope.project_id, scope.provider).await;
            let answers: Vec<(usize, Result<RawEndpoint>)> = targets
                .into_iter()
                .map(|target| (target.index, from_list(scope, &listed, &target)))
                .collect();
            stream::iter(answers)
        })
        .flatten(),
    )
}

/// A copy of a round's error for each endpoint it concerns, keeping the type its exit code and
/// reason come from.
fn same_error(error: &anyhow::Error) -> anyhow::Error {
    let words = format!("{error:#}");
    for cause in error.chain() {
        if let Some(api) = cause.downcast_ref::<ApiError>() {
            return anyhow::Error::new(api.clone()).context(words);
        }
        if let Some(rejected) = cause.downcast_ref::<crate::errors::AuthRejected>() {
            let public_key = rejected.public_key.clone();
            return crate::errors::AuthRejected { public_key }.into();
        }
        if cause.is::<crate::errors::NetworkError>() || cause.is::<crate::errors::TransportError>()
        {
            return crate::errors::TransportError(words).into();
        }
    }
    anyhow::anyhow!(words)
}

/// One endpoint out of a round's list, or the error a GET of it would have met. An endpoint
/// being re-created that left the list is answered by its replacement in the same region, or
/// by its last view while the region has none yet.
fn from_list(
    scope: &Scope<'_>,
    listed: &Result<api::EndpointList>,
    target: &PollTarget,
) -> Result<RawEndpoint> {
    let list = match listed {
        Ok(list) => list,
        Err(error) => return Err(same_error(error)),
    };
    let id = target.id.as_str();
    let found = list
        .by_id(id)
        .or_else(|| list.replacement_in(target.follow_region.as_ref()?.0.as_str(), id));
    if let Some(value) = found {
        return Ok(RawEndpoint {
            value: value.clone(),
            body: None,
        });
    }
    if let Some((_, last)) = &target.follow_region {
        return Ok(last.clone());
    }
    Err(ApiError {
        status: 404,
        method: "GET".into(),
        url: scope
            .client
            .url(&api::get_request(scope.project_id, scope.provider, id).path_and_query),
        error_code: Some("RESOURCE_NOT_FOUND".into()),
        detail: Some("the endpoint is not in the provider's list".into()),
        body_snippet: None,
    }
    .into())
}

/// Records one poll's answer; true when this endpoint needs no more polls.
fn apply_poll(
    outcome: &mut Outcome,
    answer: Result<RawEndpoint>,
    goal: WaitGoal,
    provider: Provider,
    slot: usize,
    progress: &mut dyn ProgressSink,
) -> bool {
    let endpoint = match answer {
        Ok(endpoint) => endpoint,
        Err(error) => {
            let not_found = error
                .chain()
                .find_map(|c| c.downcast_ref::<ApiError>())
                .is_some_and(|a| a.status == 404);
            let label = outcome.label();
            if not_found && goal == WaitGoal::Deleted {
                outcome.gone = true;
                progress.done(slot, "deleted");
            } else {
                let context = if not_found {
                    format!("endpoint {label} does not exist")
                } else {
                    format!("checking endpoint {label} failed")
                };
                outcome.problem = Some(Problem::from_error(&error, Some(&context)));
                progress.done(slot, "error");
            }
            return true;
        }
    };
    let before_label = outcome.label();
    let before_status = outcome.status().map(str::to_string);
    let old_id = outcome.endpoint_id().map(str::to_string);
    let replaced = old_id
        .as_deref()
        .is_some_and(|old| endpoint_id_of(&endpoint) != Some(old));
    outcome.endpoint = Some(endpoint);
    if let Some(words) = recreation_words(outcome, &before_status, replaced) {
        let label = if replaced {
            before_label
        } else {
            outcome.label()
        };
        progress.note(&format!("{label}: {words}"));
    }
    if let (true, Some(old)) = (replaced, old_id) {
        outcome.notes.push(replacement_note(outcome, &old));
        // An approval step named the old connection; the replacement needs its own.
        outcome.next_step = None;
    }
    progress.relabel(slot, &outcome.label());
    let status = outcome.status().unwrap_or("(no status)").to_string();
    let verdict = judge(goal, &status);
    if verdict == Verdict::Waiting {
        if goal == WaitGoal::Active && status == "PENDING_ACCEPTANCE" && outcome.next_step.is_none()
        {
            let step = approval_step(provider, outcome);
            progress.note(&format!("{}: {step}", outcome.label()));
            outcome.next_step = Some(step);
        }
        progress.status(slot, &status);
        return false;
    }
    conclude_one(outcome, verdict, goal, provider);
    progress.done(slot, &status);
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_poll_is_sooner_and_later_ones_jittered() {
        let timing = Timing {
            timeout: Duration::from_secs(900),
            interval: Duration::from_secs(10),
        };
        assert_eq!(first_delay(&timing), Duration::from_secs(2));
        for _ in 0..100 {
            let d = next_delay(&timing);
            assert!(
                d >= Duration::from_secs(9) && d <= Duration::from_secs(11),
                "{d:?}"
            );
        }
        let quick = Timing {
            timeout: Duration::from_secs(120),
            interval: Duration::from_millis(50),
        };
        assert_eq!(first_delay(&quick), Duration::from_millis(10));
    }
}
