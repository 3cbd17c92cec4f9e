//! `delete`: deletion requests for endpoints named by id or by region, confirmed on a terminal
//! unless `--yes`, and with `--wait` the wait until Atlas no longer knows them.
//!
//! The prompt shows each endpoint's provider, region and status, so it is found first (one GET
//! for one id, one list per provider for several or for `--region`). With `--yes` and ids,
//! nothing is looked up: each DELETE goes straight out, and without `--provider` a 404 under
//! AWS is followed by the same DELETE under AZURE.

use crate::api::{self, RawEndpoint};
use crate::commands::outcome::{Outcome, Problem, Reason, Report, Shape, Target};
use crate::commands::progress::ProgressSink;
use crate::commands::targets::{self, Located, describe, is_not_found};
use crate::commands::wait_targets::{Placed, wait_each_provider};
use crate::commands::{Done, dry_run};
use crate::errors::UsageError;
use crate::http::ApiClient;
use crate::interrupt::Interrupts;
use crate::regions::Provider;
use crate::settings::{DeletePlan, Settings, Targets, WaitGoal};
use anyhow::Result;
use serde_json::Value;
use std::io::{self, IsTerminal};

/// What `delete --wait` adds after the DELETE.
pub const DELETE_WAIT_NOTE: &str = "after the request below, --wait repeats the GET of `get` for this endpoint every --interval,\nthe first sooner, until Atlas answers 404 or --timeout passes.";
/// Said when an id AWS does not know would be deleted under AZURE.
pub const DELETE_ELSEWHERE_NOTE: &str = "without --provider, a deletion AWS answers 404 for is sent again under AZURE; on a terminal,\nthe endpoints are first looked up (a GET, or a list per provider) to show them in the prompt.";
/// What `delete --region` sends before the DELETE.
pub const DELETE_REGION_NOTE: &str =
    "delete --region lists the endpoints first (below); the DELETE of the one found follows.";

/// One endpoint to delete: where it lives (the first provider to ask, without a lookup), and
/// what is known of it for the prompt.
struct Doomed {
    id: String,
    provider: Provider,
    /// Looked up (for the prompt or `--region`); `None` with `--yes` and ids.
    endpoint: Option<RawEndpoint>,
}

pub async fn run(
    settings: &Settings,
    plan: &DeletePlan,
    progress: &mut dyn ProgressSink,
) -> Result<Done> {
    let project_id = settings.project_id()?;
    let order = settings.providers.lookup_order();
    if settings.dry_run {
        return Ok(planned(plan, project_id, &order));
    }
    if !plan.confirmed && !io::stdin().is_terminal() {
        return Err(UsageError(
            "delete needs confirmation, but standard input is not a terminal; pass --yes to delete without asking".into(),
        )
        .into());
    }
    let client = ApiClient::new(settings)?;
    let single = matches!(&plan.targets, Targets::Ids(ids) if ids.len() == 1);
    let mut slots = choose(&client, project_id, plan, &order, progress).await?;
    let doomed: Vec<&Doomed> = slots.iter().filter_map(|s| s.as_ref().ok()).collect();
    if !plan.confirmed && !doomed.is_empty() {
        let question = question(&doomed, project_id);
        // On a blocking thread, so Ctrl-C at the prompt still ends the run at once.
        tokio::task::spawn_blocking(move || confirm_delete(&question)).await??;
    }
    // From here Ctrl-C stops sending, and every outcome is still reported.
    let mut interrupts = Interrupts::listen();
    let mut interrupted = false;
    let mut placed: Vec<Placed> = Vec::new();
    for slot in slots.drain(..) {
        let (provider, answer, id) = match slot {
            Ok(item) if interrupted => (item.provider, Err(Stopped::NotSent), item.id),
            Ok(item) => {
                tokio::select! {
                    (provider, answer) = send_delete(&client, project_id, &order, &item, progress) => {
                        (provider, answer.map_err(Stopped::Failed), item.id)
                    }
                    _ = interrupts.next() => {
                        interrupted = true;
                        (item.provider, Err(Stopped::InFlight), item.id)
                    }
                }
            }
            Err((id, error)) => (order[0], Err(Stopped::Failed(error)), id),
        };
        let mut outcome = Outcome::new(Target::Endpoint(id));
        match answer {
            Ok(endpoint) => outcome.endpoint = Some(endpoint),
            // One id fails as it always did: with the error itself and its exit code.
            Err(Stopped::Failed(error)) if single => return Err(error),
            Err(stopped) => outcome.problem = Some(stopped.problem()),
        }
        placed.push((provider, outcome));
    }
    let Some(timing) = plan.wait.as_ref().filter(|_| !interrupted) else {
        return Ok(Done::Deleted {
            outcomes: placed.into_iter().map(|(_, o)| o).collect(),
            project_id: project_id.to_string(),
            interrupted,
        });
    };
    let interrupted = wait_each_provider(
        &client,
        project_id,
        WaitGoal::Deleted,
        timing,
        false,
        &mut placed,
        &mut interrupts,
        progress,
    )
    .await;
    let outcomes: Vec<Outcome> = placed.into_iter().map(|(_, o)| o).collect();
    let shape = Shape::for_targets(outcomes.len(), false, true);
    Ok(Done::Report(Report {
        outcomes,
        shape,
        interrupted,
        waited_for: Some(WaitGoal::Deleted),
    }))
}

/// Why a deletion did not go through.
enum Stopped {
    /// Atlas refused it, or the request failed.
    Failed(anyhow::Error),
    /// Ctrl-C while it was in flight: it may or may not have been accepted.
    InFlight,
    /// Ctrl-C before it was sent.
    NotSent,
}

impl Stopped {
    fn problem(self) -> Problem {
        let code = crate::interrupt::exit_code();
        match self {
            Stopped::Failed(error) => Problem::from_error(&error, None),
            Stopped::InFlight => Problem::new(
                Reason::Interrupted,
                code,
                "interrupted while the deletion request was in flight; `atlas-ear get` shows whether it is DELETING",
            ),
            Stopped::NotSent => Problem::new(
                Reason::NotSent,
                code,
                "interrupted before the deletion request was sent",
            ),
        }
    }
}

/// `--dry-run`: the DELETE of each id, or the list(s) that find the region's endpoint.
fn planned(plan: &DeletePlan, project_id: &str, order: &[Provider]) -> Done {
    match &plan.targets {
        Targets::Region(scopes) => {
            let lists = scopes
                .iter()
                .map(|(p, _)| api::list_page_request(project_id, *p, 1))
                .collect();
            dry_run(lists, Some(DELETE_REGION_NOTE))
        }
        Targets::Ids(ids) => {
            let requests = ids
                .iter()
                .map(|id| api::delete_request(project_id, order[0], id))
                .collect();
            let notes: Vec<&str> = [
                (order.len() > 1).then_some(DELETE_ELSEWHERE_NOTE),
                plan.wait.is_some().then_some(DELETE_WAIT_NOTE),
            ]
            .into_iter()
            .flatten()
            .collect();
            let note = notes.join("\n");
            dry_run(requests, (!note.is_empty()).then_some(note.as_str()))
        }
        Targets::Unsettled => dry_run(Vec::new(), None),
    }
}

/// Each target in the order given: the endpoint to delete, or the id and why it cannot be.
type Slot = std::result::Result<Doomed, (String, anyhow::Error)>;

/// The endpoints to delete. Ids are looked up only when a prompt will show them; a region's
/// endpoint always is (one list per provider that has the region), and a region with several
/// live endpoints is refused with their ids, since one of them was meant.
async fn choose(
    client: &ApiClient,
    project_id: &str,
    plan: &DeletePlan,
    order: &[Provider],
    progress: &mut dyn ProgressSink,
) -> Result<Vec<Slot>> {
    let doomed = |l: Located| Doomed {
        id: l.id,
        provider: l.provider,
        endpoint: Some(l.endpoint),
    };
    match &plan.targets {
        Targets::Ids(ids) if plan.confirmed => Ok(ids
            .iter()
            .map(|id| {
                Ok(Doomed {
                    id: id.clone(),
                    provider: order[0],
                    endpoint: None,
                })
            })
            .collect()),
        Targets::Ids(ids) => {
            let found = targets::locate_ids(client, project_id, order, ids, progress).await;
            Ok(ids
                .iter()
                .zip(found)
                .map(|(id, answer)| answer.map(doomed).map_err(|e| (id.clone(), e)))
                .collect())
        }
        Targets::Region(scopes) => {
            let found = targets::locate_region(client, project_id, scopes, false).await?;
            if found.len() > 1 {
                let each: Vec<String> = found.iter().map(describe).collect();
                return Err(UsageError(format!(
                    "{} endpoints are in that region: {}; delete the one you mean by its id",
                    found.len(),
                    each.join(", ")
                ))
                .into());
            }
            Ok(found.into_iter().map(|l| Ok(doomed(l))).collect())
        }
        Targets::Unsettled => Ok(Vec::new()),
    }
}

/// The DELETE of one endpoint, under its provider; an id sent without a lookup and answered 404
/// is sent again under the next provider of `order` (said on stderr when found there). The
/// answer is the endpoint as now known: DELETING.
async fn send_delete(
    client: &ApiClient,
    project_id: &str,
    order: &[Provider],
    item: &Doomed,
    progress: &mut dyn ProgressSink,
) -> (Provider, Result<RawEndpoint>) {
    let providers: Vec<Provider> = match item.endpoint {
        Some(_) => vec![item.provider],
        None => order.to_vec(),
    };
    let mut last = None;
    for (step, &provider) in providers.iter().enumerate() {
        match api::delete_endpoint(client, project_id, provider, &item.id).await {
            Ok(()) => {
                if step > 0 {
                    progress.note(&format!(
                        "note: endpoint {} is not under {}; found under {provider}",
                        item.id, providers[0]
                    ));
                }
                return (provider, Ok(deleting(item, provider)));
            }
            Err(error) if is_not_found(&error) && item.endpoint.is_none() => last = Some(error),
            Err(error) => return (provider, Err(error)),
        }
    }
    (
        providers[0],
        Err(targets::missing(last, &item.id, project_id, &providers)),
    )
}

/// The endpoint after its deletion was accepted: as looked up (or only its id and provider),
/// now DELETING.
fn deleting(item: &Doomed, provider: Provider) -> RawEndpoint {
    let mut value = match &item.endpoint {
        Some(endpoint) => endpoint.value.clone(),
        None => {
            let mut value = serde_json::Map::new();
            value.insert("id".into(), Value::from(item.id.clone()));
            value.insert("cloudProvider".into(), Value::from(provider.as_api_str()));
            value
        }
    };
    value.insert("status".into(), Value::from("DELETING"));
    RawEndpoint { value, body: None }
}

/// "Delete private endpoint <id> (AWS EU_WEST_1, ACTIVE) in project P?", or one line per
/// endpoint.
fn question(doomed: &[&Doomed], project_id: &str) -> String {
    let line = |d: &Doomed| match &d.endpoint {
        Some(endpoint) => describe(&Located {
            id: d.id.clone(),
            provider: d.provider,
            endpoint: endpoint.clone(),
        }),
        None => format!("{} ({})", d.id, d.provider),
    };
    match doomed {
        [one] => format!(
            "Delete private endpoint {} in project {project_id}?",
            line(one)
        ),
        many => format!(
            "Delete these {} private endpoints in project {project_id}?\n  {}\n",
            many.len(),
            many.iter()
                .map(|d| line(d))
                .collect::<Vec<_>>()
                .join("\n  ")
        ),
    }
}

/// Asks on the terminal (whether there is one was checked before anything was sent).
fn confirm_delete(question: &str) -> Result<()> {
    crate::commands::prompt::ask(question, "deletion cancelled; nothing was deleted")
}
