//! `apply`: make the declared regions exist. It reads what exists (one list per project and
//! provider), shows the plan, asks where it must, then works on `--parallel` projects at a time:
//! deletions first (FAILED endpoints being replaced, and with `--prune` the undeclared ones),
//! then creations, then rounds of one list per project and provider until every managed
//! endpoint is settled.
//!
//! Safety rules: a POST whose outcome is unknown is never re-sent (the next list tells what it
//! did); a FAILED endpoint is deleted only because the plan shown says so; the replacement is
//! created only once the list no longer has the old one; Ctrl-C (or SIGTERM) stops sending and
//! everything created or deleted so far is reported, so a re-run converges.

use crate::api::{self, EndpointList, RawEndpoint};
use crate::commands::declared::{Action, Change, list_requests, read_and_compare};
use crate::commands::outcome::{Outcome, Problem, Reason, Target};
use crate::commands::progress::ProgressSink;
use crate::commands::status_rules::{Verdict, conclude_one, judge};
use crate::commands::unknown_outcome::{RECHECK, outcome_is_known};
use crate::commands::{Done, dry_run};
use crate::errors::{ExitWith, UsageError, exit};
use crate::http::ApiClient;
use crate::interrupt::Interrupts;
use crate::regions::Provider;
use crate::settings::{ApplyPlan, Settings, Timing, WaitGoal};
use anyhow::Result;
use futures_util::{StreamExt, stream};
use serde_json::Value;
use std::cell::RefCell;
use std::io::{self, BufRead, IsTerminal, Write};
use tokio::time::{Instant, sleep_until};

/// `--dry-run` of `apply`: the requests that follow depend on what the lists show.
pub const APPLY_NOTE: &str = "apply lists the endpoints of each project and provider declared (every page), then sends\none DELETE per FAILED endpoint to replace (and with --prune per undeclared endpoint), one POST\nper missing region, and polls with one list per project and provider per round until settled.";

/// What became of one region of the plan.
#[derive(Debug)]
pub struct Applied {
    pub project_id: String,
    pub provider: Provider,
    pub action: Action,
    pub outcome: Outcome,
}

/// Everything `apply` did, for `output/`.
#[derive(Debug)]
pub struct ApplyReport {
    pub items: Vec<Applied>,
    /// Ctrl-C or SIGTERM ended the run: nothing more was sent.
    pub interrupted: bool,
}

/// Where one region stands while the run goes on.
#[derive(Debug, Clone, PartialEq)]
enum Step {
    /// Nothing more to do.
    Done,
    /// Waiting until the list no longer has this endpoint, then create the region.
    CreateWhenGone(String),
    /// Created or kept, waiting until it is settled.
    Settling,
    /// Deletion requested (`--prune`), waiting until it is gone.
    Deleting(String),
    /// The POST got no usable answer: the next list tells whether it created the endpoint.
    Unknown(String),
}

struct Item {
    applied: Applied,
    step: Step,
    /// Its line in the progress display.
    slot: usize,
}

/// `atlas-ear apply`.
pub async fn run(
    settings: &Settings,
    plan: &ApplyPlan,
    progress: &mut dyn ProgressSink,
) -> Result<Done> {
    if settings.dry_run {
        return Ok(dry_run(list_requests(&plan.state), Some(APPLY_NOTE)));
    }
    let client = ApiClient::new(settings)?;
    let mut interrupts = Interrupts::listen();
    let diff = tokio::select! {
        diff = read_and_compare(&client, &plan.state, plan.prune, plan.parallel) => diff?,
        _ = interrupts.next() => return Ok(report(Vec::new(), true)),
    };
    progress.plan(&diff);
    if diff.has_changes() && !plan.confirmed {
        let deletes = diff.deletes_something();
        let asked = tokio::task::spawn_blocking(move || confirm(deletes));
        tokio::select! {
            answer = asked => answer??,
            _ = interrupts.next() => return Ok(report(Vec::new(), true)),
        }
    }
    // One progress line per region the run works on; kept and unmanaged ones that are settled
    // already need none, but a line each keeps the slots simple and the display complete.
    progress.begin(
        diff.changes
            .iter()
            .map(|c| format!("{} {} {}", c.project_id, c.provider.as_api_str(), c.region))
            .collect(),
    );
    let progress = RefCell::new(progress);
    let mut projects: Vec<Vec<(usize, Change)>> = Vec::new();
    for (slot, change) in diff.changes.into_iter().enumerate() {
        match projects.last_mut() {
            Some(last) if last[0].1.project_id == change.project_id => last.push((slot, change)),
            _ => projects.push(vec![(slot, change)]),
        }
    }
    let runs = stream::iter(projects)
        .map(|changes| converge_project(&client, changes, plan.wait, interrupts.clone(), &progress))
        .buffered(plan.parallel.max(1))
        .collect::<Vec<_>>()
        .await;
    progress.borrow_mut().finish();
    let interrupted = runs.iter().any(|(_, interrupted)| *interrupted);
    let items = runs.into_iter().flat_map(|(items, _)| items).collect();
    Ok(report(items, interrupted))
}

fn report(items: Vec<Item>, interrupted: bool) -> Done {
    Done::Applied(ApplyReport {
        items: items.into_iter().map(|i| i.applied).collect(),
        interrupted,
    })
}

/// Asks on the terminal. Off a terminal, a plan that deletes or replaces needs `--yes`; one that
/// only creates goes ahead.
fn confirm(deletes: bool) -> Result<()> {
    if !io::stdin().is_terminal() {
        if deletes {
            return Err(UsageError(
                "apply would delete or replace endpoints, and standard input is not a terminal to confirm on; pass --yes (nothing was changed)".into(),
            )
            .into());
        }
        return Ok(());
    }
    let mut stderr = io::stderr();
    write!(stderr, "Apply these changes? [y/N] ")?;
    stderr.flush()?;
    let mut answer = String::new();
    io::stdin().lock().read_line(&mut answer)?;
    if matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes") {
        Ok(())
    } else {
        Err(ExitWith {
            code: exit::FAILURE,
            message: Some("apply cancelled; nothing was changed".into()),
        }
        .into())
    }
}

/// Carries out one project's changes and waits for them; true in the pair when interrupted.
async fn converge_project(
    client: &ApiClient,
    changes: Vec<(usize, Change)>,
    wait: Option<Timing>,
    mut interrupts: Interrupts,
    progress: &RefCell<&mut dyn ProgressSink>,
) -> (Vec<Item>, bool) {
    let mut items: Vec<Item> = changes
        .into_iter()
        .map(|(slot, change)| start(slot, change))
        .collect();
    for item in &items {
        let now = item
            .applied
            .outcome
            .status()
            .unwrap_or("to create")
            .to_string();
        progress.borrow_mut().status(item.slot, &now);
    }
    let mut interrupted = false;
    for item in &mut items {
        if interrupted {
            not_sent(item);
            continue;
        }
        tokio::select! {
            () = send(client, item, wait.is_some(), progress) => {}
            _ = interrupts.next() => { interrupted = true; abandoned(item); }
        }
    }
    if !interrupted {
        interrupted = settle(client, &mut items, wait, &mut interrupts, progress).await;
    }
    (items, interrupted)
}

/// An item with the endpoint the plan saw, and its first step.
fn start(slot: usize, change: Change) -> Item {
    let mut outcome = Outcome::new(Target::Region(change.region.clone()));
    outcome.endpoint = change
        .endpoint
        .clone()
        .map(|value| RawEndpoint { value, body: None });
    if change.action == Action::Unmanaged {
        outcome
            .notes
            .push("not managed, kept (not declared; --prune deletes it)".into());
    }
    let step = match change.action {
        Action::Keep => Step::Settling,
        _ => Step::Done,
    };
    Item {
        applied: Applied {
            project_id: change.project_id,
            provider: change.provider,
            action: change.action,
            outcome,
        },
        step,
        slot,
    }
}

/// The first request of an item, if it has one.
async fn send(
    client: &ApiClient,
    item: &mut Item,
    waiting: bool,
    progress: &RefCell<&mut dyn ProgressSink>,
) {
    let old_id = item.applied.outcome.endpoint_id().map(str::to_string);
    match (item.applied.action, old_id) {
        (Action::Create, _) => create(client, item, progress).await,
        (Action::Replace | Action::Delete, Some(id)) => {
            let a = &item.applied;
            match api::delete_endpoint(client, &a.project_id, a.provider, &id).await {
                Ok(()) => {
                    say(progress, item, &format!("deletion of {id} requested"));
                    item.step = match item.applied.action {
                        Action::Delete => Step::Deleting(id),
                        _ => Step::CreateWhenGone(id),
                    };
                }
                Err(error) => {
                    item.applied.outcome.problem = Some(Problem::from_error(&error, None))
                }
            }
        }
        (Action::AwaitDeletion, Some(id)) => item.step = Step::CreateWhenGone(id),
        _ => {}
    }
    if !waiting && matches!(item.step, Step::CreateWhenGone(_) | Step::Deleting(_)) {
        let note = match item.step {
            Step::CreateWhenGone(_) => {
                "the old endpoint is being deleted; run apply again once it is gone (or leave out --no-wait) to create this region"
            }
            _ => "deletion requested (--no-wait: not waited for)",
        };
        item.applied.outcome.notes.push(note.into());
        item.step = Step::Done;
    }
}

/// One POST; an answer that does not say what happened leaves the item to the next list.
async fn create(client: &ApiClient, item: &mut Item, progress: &RefCell<&mut dyn ProgressSink>) {
    let a = &item.applied;
    let region = a.outcome.target.name().to_string();
    match api::create_endpoint(client, &a.project_id, a.provider, &region).await {
        Ok(endpoint) => {
            item.applied.outcome.endpoint = Some(endpoint);
            item.step = Step::Settling;
            say(progress, item, "created");
        }
        Err(error) if outcome_is_known(&error) => {
            item.applied.outcome.problem = Some(Problem::from_error(&error, None));
        }
        Err(error) => item.step = Step::Unknown(format!("{error:#}")),
    }
}

fn not_sent(item: &mut Item) {
    if item.applied.action.changes_something() {
        item.applied.outcome.problem = Some(Problem::new(
            Reason::NotSent,
            exit::INTERRUPTED,
            "not changed: interrupted before its request was sent",
        ));
    }
    item.step = Step::Done;
}

fn abandoned(item: &mut Item) {
    item.applied.outcome.problem = Some(Problem::new(
        Reason::OutcomeUnknown,
        exit::INTERRUPTED,
        format!("interrupted while its request was in flight: its outcome is unknown; {RECHECK}"),
    ));
    item.step = Step::Done;
}

/// A change of state of an item: its progress line says `what` now.
fn say(progress: &RefCell<&mut dyn ProgressSink>, item: &Item, what: &str) {
    progress.borrow_mut().status(item.slot, what);
}

/// Rounds of one list per provider of this project until nothing is pending (with a wait), or
/// one round to resolve unknown outcomes (without). True when interrupted.
async fn settle(
    client: &ApiClient,
    items: &mut [Item],
    wait: Option<Timing>,
    interrupts: &mut Interrupts,
    progress: &RefCell<&mut dyn ProgressSink>,
) -> bool {
    let started = Instant::now();
    let (deadline, interval) = match wait {
        Some(t) => (started + t.timeout, t.interval),
        None => (started, std::time::Duration::ZERO),
    };
    let mut next_round = started + (interval / 5).min(std::time::Duration::from_secs(2));
    loop {
        let pending = |i: &Item| match wait {
            Some(_) => i.step != Step::Done,
            None => matches!(i.step, Step::Unknown(_)),
        };
        if !items.iter().any(pending) {
            return false;
        }
        if wait.is_some() {
            tokio::select! {
                _ = sleep_until(next_round.min(deadline)) => {}
                _ = interrupts.next() => { give_up(items, true); return true; }
            }
            if Instant::now() >= deadline {
                give_up(items, false);
                return false;
            }
        }
        for provider in [Provider::Aws, Provider::Azure] {
            let mine: Vec<usize> = (0..items.len())
                .filter(|&i| items[i].applied.provider == provider && pending(&items[i]))
                .collect();
            let Some(&first) = mine.first() else {
                continue;
            };
            let project_id = items[first].applied.project_id.clone();
            let listed = tokio::select! {
                listed = api::list_endpoints(client, &project_id, provider) => listed,
                _ = interrupts.next() => { give_up(items, true); return true; }
            };
            for index in mine {
                let item = &mut items[index];
                match &listed {
                    Ok(list) => advance(client, item, list, progress).await,
                    Err(error) => {
                        let context = "checking its state failed";
                        item.applied.outcome.problem =
                            Some(Problem::from_error(error, Some(context)));
                        item.step = Step::Done;
                    }
                }
            }
        }
        if wait.is_none() {
            return false;
        }
        next_round = Instant::now() + interval.mul_f64(0.9 + 0.2 * fastrand::f64());
    }
}

/// Applies one round's list to one item.
async fn advance(
    client: &ApiClient,
    item: &mut Item,
    list: &EndpointList,
    progress: &RefCell<&mut dyn ProgressSink>,
) {
    let region = item.applied.outcome.target.name().to_string();
    let by_id = |id: &str| {
        list.results
            .iter()
            .filter_map(Value::as_object)
            .find(|e| e.get("id").and_then(Value::as_str) == Some(id))
            .cloned()
    };
    match item.step.clone() {
        Step::Done => {}
        Step::CreateWhenGone(id) => {
            if by_id(&id).is_none() {
                say(progress, item, &format!("{id} is gone; creating"));
                create(client, item, progress).await;
            }
        }
        Step::Deleting(id) => {
            if by_id(&id).is_none() {
                item.applied.outcome.gone = true;
                item.step = Step::Done;
                say(progress, item, "deleted");
            }
        }
        Step::Unknown(why) => match list.existing_in(&region) {
            Some(found) => {
                item.applied.outcome.endpoint = Some(RawEndpoint {
                    value: found.clone(),
                    body: None,
                });
                item.applied.outcome.notes.push(format!(
                    "the answer to the create request was lost ({why}); the list shows the endpoint, so it was created"
                ));
                item.step = Step::Settling;
            }
            None => {
                item.applied.outcome.problem = Some(Problem::new(
                    Reason::NotCreated,
                    exit::SERVER,
                    format!(
                        "creating the endpoint in {region} failed ({why}) and the list shows none there, so nothing was created; re-running is safe"
                    ),
                ));
                item.step = Step::Done;
            }
        },
        Step::Settling => settle_one(item, by_id, progress),
    }
}

fn settle_one(
    item: &mut Item,
    by_id: impl Fn(&str) -> Option<serde_json::Map<String, Value>>,
    progress: &RefCell<&mut dyn ProgressSink>,
) {
    let Some(id) = item.applied.outcome.endpoint_id().map(str::to_string) else {
        item.step = Step::Done;
        return;
    };
    let Some(now) = by_id(&id) else {
        let label = item.applied.outcome.label();
        item.applied.outcome.problem = Some(Problem::new(
            Reason::RequestFailed,
            exit::NOT_FOUND,
            format!("endpoint {label} is no longer listed"),
        ));
        item.step = Step::Done;
        return;
    };
    let before = item.applied.outcome.status().map(str::to_string);
    item.applied.outcome.endpoint = Some(RawEndpoint {
        value: now,
        body: None,
    });
    let status = item.applied.outcome.status().unwrap_or("").to_string();
    if before.as_deref() != Some(status.as_str()) {
        say(progress, item, &status);
    }
    let verdict = judge(WaitGoal::Settled, &status);
    if verdict != Verdict::Waiting {
        let provider = item.applied.provider;
        conclude_one(
            &mut item.applied.outcome,
            verdict,
            WaitGoal::Settled,
            provider,
        );
        item.step = Step::Done;
    }
}

/// The problem of every item still pending when the wait ended.
fn give_up(items: &mut [Item], interrupted: bool) {
    for item in items.iter_mut().filter(|i| i.step != Step::Done) {
        let label = item.applied.outcome.label();
        let last = item
            .applied
            .outcome
            .status()
            .unwrap_or("unknown")
            .to_string();
        item.applied.outcome.problem = Some(if interrupted {
            Problem::new(
                Reason::Interrupted,
                exit::INTERRUPTED,
                format!("interrupted while waiting for {label}; last status {last}"),
            )
        } else {
            Problem::new(
                Reason::WaitTimeout,
                exit::WAIT_TIMEOUT,
                format!("timed out waiting for {label} to be settled; last status {last}"),
            )
        });
        item.step = Step::Done;
    }
}
