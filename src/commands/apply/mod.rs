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

mod items;
mod rounds;

pub use items::{Applied, ApplyReport};

use crate::commands::approval::make_steps_runnable;
use crate::commands::declared::{Change, read_and_compare, read_note, read_requests};
use crate::commands::progress::ProgressSink;
use crate::commands::{Done, dry_run};
use crate::errors::UsageError;
use crate::http::ApiClient;
use crate::interrupt::Interrupts;
use crate::regions::Provider;
use crate::settings::{ApplyPlan, Settings, Timing};
use anyhow::Result;
use futures_util::{StreamExt, stream};
use items::{Item, abandoned, not_sent, send, start};
use rounds::settle;
use std::cell::RefCell;
use std::io::{self, IsTerminal};

/// `--dry-run` of `apply`: the requests that follow depend on what the lists show.
pub const APPLY_NOTE: &str = "apply lists the endpoints of each project and provider declared (every page), then sends\none DELETE per FAILED endpoint to replace (and with --prune per undeclared endpoint), one POST\nper missing region, and polls with one list per project and provider per round until settled.";

/// `atlas-ear apply`.
pub async fn run(
    settings: &Settings,
    plan: &ApplyPlan,
    progress: &mut dyn ProgressSink,
) -> Result<Done> {
    if settings.dry_run {
        let requests = read_requests(&plan.state, plan.cover_clusters);
        let note = read_note(APPLY_NOTE, plan.cover_clusters);
        return Ok(dry_run(requests, Some(&note)));
    }
    let client = ApiClient::new(settings)?;
    let mut interrupts = Interrupts::listen();
    let diff = tokio::select! {
        diff = read_and_compare(
            &client,
            &plan.state,
            plan.prune,
            plan.parallel,
            plan.cover_clusters,
        ) => diff?,
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
    crate::commands::prompt::ask(
        "Apply these changes?",
        "apply cancelled; nothing was changed",
    )
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
    if !interrupted && let Some(project_id) = items.first().map(|i| i.applied.project_id.clone()) {
        let azure = items
            .iter_mut()
            .filter(|i| i.applied.provider == Provider::Azure)
            .map(|i| &mut i.applied.outcome);
        make_steps_runnable(client, &project_id, Provider::Azure, azure).await;
    }
    (items, interrupted)
}
