//! Waiting for endpoints to reach a state: `create --wait`, `delete --wait` and `wait` (whose
//! endpoints `wait_targets.rs` finds first).
//!
//! An endpoint is created INITIATING and takes minutes to settle, and Atlas may take a few
//! minutes more to show its status. Waiting means polling: one list per round for several
//! endpoints (one GET for a single one), a jittered interval between rounds (the first round
//! sooner), a deadline, and Ctrl-C, after which nothing more is sent and the last known state of
//! every endpoint is reported.

use crate::api::{self, RawEndpoint, Scope};
use crate::commands::approval::Announcements;
use crate::commands::outcome::{Outcome, Problem, Reason, Target};
use crate::commands::progress::ProgressSink;
use crate::commands::recreation::{PollTarget, endpoint_id_of, recreation_words, replacement_note};
use crate::commands::status_rules::{Verdict, approval_step, conclude_one, goal_words, judge};
use crate::commands::targets::{from_list, is_not_found};
use crate::errors::exit;
use crate::interrupt::Interrupts;
use crate::regions::Provider;
use crate::settings::{Timing, WaitGoal};
use anyhow::Result;
use futures_util::{Stream, StreamExt, stream};
use std::time::Duration;
use tokio::time::{Instant, sleep_until};

/// The first poll comes after a fifth of the interval, but never later than this.
const FIRST_POLL_CAP: Duration = Duration::from_secs(2);
/// Polls of one round sent at the same time.
const POLLS_IN_FLIGHT: usize = 4;

/// A time left, to the nearest second (to the millisecond under a second), as people read it.
fn readable(left: Duration) -> Duration {
    if left >= Duration::from_secs(1) {
        Duration::from_secs((left + Duration::from_millis(500)).as_secs())
    } else {
        Duration::from_millis(left.as_millis() as u64)
    }
}

/// When the first poll of a wait comes: a fifth of the interval, at most [`FIRST_POLL_CAP`].
pub(crate) fn first_delay(timing: &Timing) -> Duration {
    (timing.interval / 5).min(FIRST_POLL_CAP)
}

/// The interval, 10% either way, so that many waiting clients do not poll in step.
pub(crate) fn next_delay(timing: &Timing) -> Duration {
    timing.interval.mul_f64(0.9 + 0.2 * fastrand::f64())
}

/// Polls every outcome that has an endpoint, no problem, and is not yet where `goal` wants it,
/// updating each in place, for at most `timing.timeout` from now. Returns true when Ctrl-C ended
/// the wait.
pub async fn wait_until(
    scope: &Scope<'_>,
    goal: WaitGoal,
    timing: &Timing,
    poll_at_once: bool,
    outcomes: &mut [Outcome],
    interrupts: &mut Interrupts,
    progress: &mut dyn ProgressSink,
) -> bool {
    let deadline = Instant::now() + timing.timeout;
    wait_until_deadline(
        scope,
        goal,
        timing,
        deadline,
        poll_at_once,
        outcomes,
        interrupts,
        progress,
    )
    .await
}

/// [`wait_until`] against a deadline shared with other waits (one `--timeout` for the waits of
/// several providers): it says how long is left, and an endpoint still pending at the deadline
/// timed out after the whole `timing.timeout`.
#[allow(clippy::too_many_arguments)]
pub async fn wait_until_deadline(
    scope: &Scope<'_>,
    goal: WaitGoal,
    timing: &Timing,
    deadline: Instant,
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
        humantime::format_duration(readable(deadline.saturating_duration_since(Instant::now()))),
        pending.len(),
        if pending.len() == 1 { "" } else { "s" },
        goal_words(goal),
        humantime::format_duration(timing.interval),
    ));
    for (slot, &index) in pending.iter().enumerate() {
        if let Some(status) = outcomes[index].status() {
            progress.status(slot, status);
        }
        // A status read before the wait (by `wait`'s search) may already be a re-creation.
        if goal != WaitGoal::Deleted
            && let Some(words) = recreation_words(&outcomes[index], &None, false)
        {
            progress.note(&format!("{}: {words}", outcomes[index].label()));
        }
    }
    let mut poll = Polling {
        scope,
        goal,
        slots: pending.clone(),
        pending,
        progress,
        approvals: Announcements::default(),
    };
    let started = Instant::now();
    let first = if poll_at_once {
        started
    } else {
        started + first_delay(timing)
    };
    let interrupted = poll
        .rounds(outcomes, timing, first, deadline, interrupts)
        .await;
    for &index in &poll.pending {
        give_up(&mut outcomes[index], interrupted, goal, timing);
    }
    // After Ctrl-C the report says where each endpoint stands; live lines would only repeat it.
    if interrupted {
        poll.progress.clear();
    } else {
        poll.progress.finish();
    }
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
        // Said after the label in the summary (`outcome::conclude`): not a failure.
        Problem::new(
            Reason::Interrupted,
            exit::INTERRUPTED,
            format!("not {} yet (last status {last})", goal_words(goal)),
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
    approvals: Announcements,
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
            // The kind of round is chosen by how many endpoints the wait began with, not how
            // many are left, so the requests a wait costs do not depend on which settled first.
            // A replacement can only be found by region, which takes the list.
            let by_region = targets.iter().any(|t| t.follow_region.is_some());
            let mut round = if self.slots.len() > 1 || by_region {
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
            if self.goal == WaitGoal::Active && self.scope.provider == Provider::Azure {
                let (client, project_id) = (self.scope.client, self.scope.project_id);
                self.approvals
                    .announce(
                        client,
                        project_id,
                        outcomes,
                        &self.pending,
                        &mut *self.progress,
                    )
                    .await;
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
                .map(|target| (target.index, from_round_list(scope, &listed, &target)))
                .collect();
            stream::iter(answers)
        })
        .flatten(),
    )
}

/// One endpoint out of a round's list, or the error a GET of it would have met. An endpoint
/// being re-created that left the list is answered by its replacement in the same region, or
/// by its last view while the region has none yet.
fn from_round_list(
    scope: &Scope<'_>,
    listed: &Result<api::EndpointList>,
    target: &PollTarget,
) -> Result<RawEndpoint> {
    if let (Ok(list), Some((region, last))) = (listed, &target.follow_region) {
        let found = list.following(&target.id, Some(region.as_str()));
        return Ok(found.map_or_else(
            || last.clone(),
            |value| RawEndpoint {
                value: value.clone(),
                body: None,
            },
        ));
    }
    from_list(scope, listed, &target.id)
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
            let not_found = is_not_found(&error);
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
            // On Azure the wait announces the `az` command after the round instead.
            if provider == Provider::Aws {
                progress.note(&format!("{}: {step}", outcome.label()));
            }
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
    fn time_left_reads_as_people_read_it() {
        let just_started = Duration::from_secs(900) - Duration::from_micros(40);
        assert_eq!(readable(just_started), Duration::from_secs(900));
        assert_eq!(
            readable(Duration::from_millis(90_400)),
            Duration::from_secs(90)
        );
        assert_eq!(
            readable(Duration::from_micros(300_700)),
            Duration::from_millis(300)
        );
        assert_eq!(readable(Duration::ZERO), Duration::ZERO);
    }

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
