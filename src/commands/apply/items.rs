//! One region of an `apply` while it runs: what became of it so far and where it stands, and
//! the requests that start it (the first DELETE or POST).

use crate::api::{self, RawEndpoint};
use crate::commands::declared::{Action, Change};
use crate::commands::outcome::{Outcome, Problem, Reason, Target};
use crate::commands::progress::ProgressSink;
use crate::commands::unknown_outcome::{RECHECK, outcome_is_known};
use crate::errors::exit;
use crate::http::ApiClient;
use crate::regions::Provider;
use std::cell::RefCell;

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
pub(super) enum Step {
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

pub(super) struct Item {
    pub(super) applied: Applied,
    pub(super) step: Step,
    /// Its line in the progress display.
    pub(super) slot: usize,
}

/// An item with the endpoint the plan saw, and its first step.
pub(super) fn start(slot: usize, change: Change) -> Item {
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
pub(super) async fn send(
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
pub(super) async fn create(
    client: &ApiClient,
    item: &mut Item,
    progress: &RefCell<&mut dyn ProgressSink>,
) {
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

pub(super) fn not_sent(item: &mut Item) {
    if item.applied.action.changes_something() {
        item.applied.outcome.problem = Some(Problem::new(
            Reason::NotSent,
            exit::INTERRUPTED,
            "not changed: interrupted before its request was sent",
        ));
    }
    item.step = Step::Done;
}

pub(super) fn abandoned(item: &mut Item) {
    item.applied.outcome.problem = Some(Problem::new(
        Reason::OutcomeUnknown,
        exit::INTERRUPTED,
        format!("interrupted while its request was in flight: its outcome is unknown; {RECHECK}"),
    ));
    item.step = Step::Done;
}

/// A change of state of an item: its progress line says `what` now.
pub(super) fn say(progress: &RefCell<&mut dyn ProgressSink>, item: &Item, what: &str) {
    progress.borrow_mut().status(item.slot, what);
}
