//! Waiting for endpoints to reach a state: `create --wait`, `delete --wait` and `wait`.
//!
//! An endpoint is created INITIATING and takes minutes to settle, and Atlas may take a few
//! minutes more to show its status. Waiting means polling: one GET per endpoint per round, a
//! jittered interval between rounds (the first round sooner), a deadline, and Ctrl-C, after which
//! nothing more is sent and the last known state of every endpoint is reported.

use crate::api::{self, RawEndpoint};
use crate::cli::{WaitArgs, WaitGoal, WaitTiming};
use crate::commands::outcome::{Outcome, Problem, Reason, Target};
use crate::commands::status_rules::{Verdict, approval_step, conclude_one, goal_words, judge};
use crate::errors::{ApiError, UsageError, exit};
use crate::http::ApiClient;
use crate::interrupt::Interrupts;
use crate::output::progress::Progress;
use crate::output::report::{self, Shape};
use crate::regions::Provider;
use crate::settings::{Settings, parse_duration, validate_object_id};
use anyhow::Result;
use futures_util::{Stream, StreamExt, stream};
use std::time::Duration;
use tokio::time::{Instant, sleep_until};

pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(15 * 60);
pub const DEFAULT_INTERVAL: Duration = Duration::from_secs(10);
/// The first poll comes after a fifth of the interval, but never later than this.
const FIRST_POLL_CAP: Duration = Duration::from_secs(2);
/// Polls of one round sent at the same time.
const POLLS_IN_FLIGHT: usize = 4;

/// The project and provider the endpoints belong to, and the client that reaches them.
pub struct Scope<'a> {
    pub client: &'a ApiClient,
    pub project_id: &'a str,
    pub provider: Provider,
}

/// How long and how often to poll.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timing {
    pub timeout: Duration,
    pub interval: Duration,
}

impl Timing {
    /// Reads `--timeout` and `--interval`; they only make sense when the command waits.
    pub fn resolve(args: &WaitTiming, waiting: bool) -> Result<Timing, UsageError> {
        if !waiting && (args.timeout.is_some() || args.interval.is_some()) {
            return Err(UsageError(
                "--timeout and --interval only apply when waiting: add --wait".into(),
            ));
        }
        let timeout = match &args.timeout {
            Some(text) => parse_duration(text, "--timeout")?,
            None => DEFAULT_TIMEOUT,
        };
        let interval = match &args.interval {
            Some(text) => parse_duration(text, "--interval")?,
            None => DEFAULT_INTERVAL,
        };
        Ok(Timing { timeout, interval })
    }

    fn first_delay(&self) -> Duration {
        (self.interval / 5).min(FIRST_POLL_CAP)
    }

    /// The interval, 10% either way, so that many waiting clients do not poll in step.
    fn next_delay(&self) -> Duration {
        self.interval.mul_f64(0.9 + 0.2 * fastrand::f64())
    }
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
) -> bool {
    let mut pending: Vec<usize> = Vec::new();
    for (index, outcome) in outcomes.iter_mut().enumerate() {
        let id_known =
            outcome.endpoint_id().is_some() || matches!(outcome.target, Target::Endpoint(_));
        if outcome.problem.is_some() || outcome.gone || !id_known {
            continue;
        }
        match outcome.status().map(|s| judge(goal, s)) {
            Some(Verdict::Waiting) | None => pending.push(index),
            Some(verdict) => conclude_one(outcome, verdict, goal, scope.provider),
        }
    }
    if pending.is_empty() {
        return false;
    }
    let labels = pending.iter().map(|&i| outcomes[i].label()).collect();
    let mut progress = Progress::on_stderr(labels);
    progress.note(&format!(
        "waiting up to {} for {} endpoint{} to be {} (polling every {})",
        humantime::format_duration(timing.timeout),
        pending.len(),
        if pending.len() == 1 { "" } else { "s" },
        goal_words(goal),
        humantime::format_duration(timing.interval),
    ));
    // Entry `slot` of the progress display belongs to outcome `pending_at_start[slot]`.
    let pending_at_start = pending.clone();
    for (slot, &index) in pending_at_start.iter().enumerate() {
        if let Some(status) = outcomes[index].status() {
            progress.status(slot, status);
        }
    }
    let started = Instant::now();
    let deadline = started + timing.timeout;
    let mut next_poll = if poll_at_once {
        started
    } else {
        started + timing.first_delay()
    };
    let mut interrupted = false;
    'rounds: while !pending.is_empty() {
        tokio::select! {
            _ = sleep_until(next_poll.min(deadline)) => {}
            _ = interrupts.next() => { interrupted = true; break 'rounds; }
        }
        if Instant::now() >= deadline {
            break;
        }
        let targets: Vec<(usize, String)> = pending
            .iter()
            .map(|&i| (i, poll_id(&outcomes[i])))
            .collect();
        let mut round = poll_round(scope, targets);
        loop {
            // Each answer is applied as it arrives, so a deadline or Ctrl-C mid-round keeps it.
            let (index, answer) = tokio::select! {
                next = round.next() => match next {
                    Some(answer) => answer,
                    None => break,
                },
                _ = sleep_until(deadline) => break 'rounds,
                _ = interrupts.next() => { interrupted = true; break 'rounds; }
            };
            let slot = pending_at_start
                .iter()
                .position(|&i| i == index)
                .unwrap_or(0);
            if apply_poll(
                &mut outcomes[index],
                answer,
                goal,
                scope.provider,
                slot,
                &mut progress,
            ) {
                pending.retain(|&i| i != index);
            }
        }
        next_poll = Instant::now() + timing.next_delay();
    }
    for &index in &pending {
        let outcome = &mut outcomes[index];
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
    progress.finish();
    interrupted
}

fn poll_id(outcome: &Outcome) -> String {
    match (&outcome.target, outcome.endpoint_id()) {
        (_, Some(id)) => id.to_string(),
        (target, None) => target.name().to_string(),
    }
}

/// One GET per endpoint, at most [`POLLS_IN_FLIGHT`] at a time, answers in arrival order.
fn poll_round<'a>(
    scope: &'a Scope<'a>,
    targets: Vec<(usize, String)>,
) -> impl Stream<Item = (usize, Result<RawEndpoint>)> + Unpin + 'a {
    stream::iter(targets)
        .map(move |(index, id)| {
            Box::pin(async move {
                let answer =
                    api::get_endpoint(scope.client, scope.project_id, scope.provider, &id).await;
                (index, answer)
            })
        })
        .buffer_unordered(POLLS_IN_FLIGHT)
}

/// Records one poll's answer; true when this endpoint needs no more polls.
fn apply_poll(
    outcome: &mut Outcome,
    answer: Result<RawEndpoint>,
    goal: WaitGoal,
    provider: Provider,
    slot: usize,
    progress: &mut Progress,
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
    outcome.endpoint = Some(endpoint);
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

/// `atlas-ear wait ID... [--for settled|active|deleted]`.
pub async fn wait_command(settings: &Settings, args: &WaitArgs) -> Result<()> {
    let project_id = settings.project_id()?;
    let mut ids: Vec<&str> = Vec::new();
    for id in &args.endpoint_ids {
        validate_object_id(id, "ENDPOINT_ID")?;
        if !ids.contains(&id.as_str()) {
            ids.push(id);
        }
    }
    let timing = Timing::resolve(&args.timing, true)?;
    if settings.dry_run {
        return crate::output::curl::print_wait(settings, project_id, &ids);
    }
    let client = ApiClient::new(settings)?;
    let scope = Scope {
        client: &client,
        project_id,
        provider: settings.provider,
    };
    let mut interrupts = Interrupts::listen();
    let mut outcomes: Vec<Outcome> = ids
        .iter()
        .map(|id| Outcome::new(Target::Endpoint(id.to_string())))
        .collect();
    let interrupted = wait_until(
        &scope,
        args.goal,
        &timing,
        true,
        &mut outcomes,
        &mut interrupts,
    )
    .await;
    let shape = Shape::for_targets(outcomes.len(), false, args.goal == WaitGoal::Deleted);
    report::finish(settings, &outcomes, shape, interrupted)
}

/// The wait of `delete --wait`, after Atlas accepted the deletion request.
pub async fn wait_for_deletion(
    scope: &Scope<'_>,
    endpoint_id: &str,
    timing: &Timing,
    settings: &Settings,
) -> Result<()> {
    let mut interrupts = Interrupts::listen();
    let mut outcomes = vec![Outcome::new(Target::Endpoint(endpoint_id.to_string()))];
    let interrupted = wait_until(
        scope,
        WaitGoal::Deleted,
        timing,
        false,
        &mut outcomes,
        &mut interrupts,
    )
    .await;
    report::finish(settings, &outcomes, Shape::Single, interrupted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timing_defaults_and_rules() {
        let none = WaitTiming::default();
        let timing = Timing::resolve(&none, true).unwrap();
        assert_eq!(timing.timeout, DEFAULT_TIMEOUT);
        assert_eq!(timing.interval, DEFAULT_INTERVAL);
        assert_eq!(timing.first_delay(), Duration::from_secs(2));
        for _ in 0..100 {
            let d = timing.next_delay();
            assert!(
                d >= Duration::from_secs(9) && d <= Duration::from_secs(11),
                "{d:?}"
            );
        }
        let given = WaitTiming {
            timeout: Some("2m".into()),
            interval: Some("50ms".into()),
        };
        let timing = Timing::resolve(&given, true).unwrap();
        assert_eq!(timing.timeout, Duration::from_secs(120));
        assert_eq!(timing.first_delay(), Duration::from_millis(10));
        let err = Timing::resolve(&given, false).unwrap_err();
        assert!(err.0.contains("--wait"), "{}", err.0);
        let bad = WaitTiming {
            timeout: Some("soon".into()),
            interval: None,
        };
        assert!(
            Timing::resolve(&bad, true)
                .unwrap_err()
                .0
                .contains("--timeout")
        );
    }
}
