//! The rounds of an `apply` after its first requests: one list per project and provider per
//! round, each item advanced by what the list shows, until nothing is pending, the deadline
//! passes or Ctrl-C comes.

use crate::api::{self, EndpointList, RawEndpoint};
use crate::commands::apply::items::{Item, Step, create, say};
use crate::commands::outcome::{Problem, Reason};
use crate::commands::progress::ProgressSink;
use crate::commands::recreation;
use crate::commands::status_rules::{Verdict, conclude_one, judge};
use crate::commands::wait;
use crate::errors::exit;
use crate::http::ApiClient;
use crate::interrupt::Interrupts;
use crate::regions::Provider;
use crate::settings::{Timing, WaitGoal};
use serde_json::Value;
use std::cell::RefCell;
use tokio::time::{Instant, sleep_until};

/// Rounds of one list per provider of this project until nothing is pending (with a wait), or
/// one round to resolve unknown outcomes (without). True when interrupted.
pub(super) async fn settle(
    client: &ApiClient,
    items: &mut [Item],
    wait: Option<Timing>,
    interrupts: &mut Interrupts,
    progress: &RefCell<&mut dyn ProgressSink>,
) -> bool {
    // Without a wait there is one round at once and no deadline to meet.
    let timing = wait.unwrap_or(Timing {
        timeout: std::time::Duration::ZERO,
        interval: std::time::Duration::ZERO,
    });
    let started = Instant::now();
    let deadline = started + timing.timeout;
    let mut next_round = started + wait::first_delay(&timing);
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
                _ = interrupts.next() => { give_up(items, true, &timing); return true; }
            }
            if Instant::now() >= deadline {
                give_up(items, false, &timing);
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
                _ = interrupts.next() => { give_up(items, true, &timing); return true; }
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
        next_round = Instant::now() + wait::next_delay(&timing);
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
    let by_id = |id: &str| list.by_id(id).cloned();
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
        Step::Settling => settle_one(item, list, progress),
    }
}

fn settle_one(item: &mut Item, list: &EndpointList, progress: &RefCell<&mut dyn ProgressSink>) {
    let Some(id) = item.applied.outcome.endpoint_id().map(str::to_string) else {
        item.step = Step::Done;
        return;
    };
    // An endpoint Atlas re-creates may come back under a new id: follow its region.
    let recreating = recreation::is_recreating(item.applied.outcome.status());
    let region = item.applied.outcome.target.name().to_string();
    let Some(now) = list
        .following(&id, recreating.then_some(region.as_str()))
        .cloned()
    else {
        if recreating {
            return;
        }
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
    let replaced = now.get("id").and_then(Value::as_str) != Some(id.as_str());
    item.applied.outcome.endpoint = Some(RawEndpoint {
        value: now,
        body: None,
    });
    let status = item.applied.outcome.status().unwrap_or("").to_string();
    if replaced {
        let note = recreation::replacement_note(&item.applied.outcome, &id);
        item.applied.outcome.notes.push(note);
    }
    if let Some(words) = recreation::recreation_words(&item.applied.outcome, &before, replaced) {
        say(progress, item, &words);
    } else if before.as_deref() != Some(status.as_str()) {
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

/// The problem of every item still pending when the wait ended, as `wait` words it.
fn give_up(items: &mut [Item], interrupted: bool, timing: &Timing) {
    for item in items.iter_mut().filter(|i| i.step != Step::Done) {
        wait::give_up(
            &mut item.applied.outcome,
            interrupted,
            WaitGoal::Settled,
            timing,
        );
        item.step = Step::Done;
    }
}
