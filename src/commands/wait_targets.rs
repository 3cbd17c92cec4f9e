//! The `wait` command, and what a wait waits for under which provider: the endpoints of `wait
//! ID...`, `wait --region R` and `wait --all` found first (see `targets.rs`), then one wait per
//! provider, so that the polling loop of `wait.rs` keeps working in one project and provider at
//! a time.

use crate::api::{self, PlannedRequest, Scope};
use crate::commands::approval::make_steps_runnable;
use crate::commands::outcome::{Outcome, Problem, Report, Shape, Target};
use crate::commands::progress::ProgressSink;
use crate::commands::status_rules::{Verdict, conclude_one, goal_words, judge};
use crate::commands::targets::{self, Located, is_not_found};
use crate::commands::wait::{give_up, wait_until_deadline};
use crate::commands::{Done, dry_run};
use crate::http::ApiClient;
use crate::interrupt::Interrupts;
use crate::regions::Provider;
use crate::settings::{Settings, Targets, Timing, WaitGoal, WaitPlan};
use anyhow::Result;
use serde_json::Value;
use tokio::time::Instant;

/// `wait`: one poll of each endpoint, repeated.
pub const WAIT_NOTE: &str = "wait first finds the endpoints with the request(s) below (without --provider, an id AWS does\nnot know is looked for under AZURE), then polls every --interval (the first sooner) until --for\nis reached or --timeout passes: a single endpoint with a GET, several with one list per round.\nAn endpoint seen PENDING_RECREATION is followed with the list, by region, until its\nreplacement settles.";

/// `atlas-ear wait (ID... | --region R | --all) [--for settled|active|deleted]`: the endpoints
/// are found first (`wait_targets.rs`), then waited for under their providers.
pub async fn run(
    settings: &Settings,
    plan: &WaitPlan,
    progress: &mut dyn ProgressSink,
) -> Result<Done> {
    let project_id = settings.project_id()?;
    if settings.dry_run {
        let requests = first_requests(settings, project_id, &plan.targets);
        return Ok(dry_run(requests, Some(WAIT_NOTE)));
    }
    let client = ApiClient::new(settings)?;
    let mut placed = find(
        &client,
        settings,
        project_id,
        &plan.targets,
        plan.goal,
        progress,
    )
    .await?;
    let mut interrupts = Interrupts::listen();
    // Every status was just read, so the first poll comes after the short first delay.
    let interrupted = wait_each_provider(
        &client,
        project_id,
        plan.goal,
        &plan.timing,
        false,
        &mut placed,
        &mut interrupts,
        progress,
    )
    .await;
    if !interrupted {
        let azure = placed
            .iter_mut()
            .filter(|(provider, _)| *provider == Provider::Azure)
            .map(|(_, outcome)| outcome);
        make_steps_runnable(&client, project_id, Provider::Azure, azure).await;
    }
    let outcomes: Vec<Outcome> = placed.into_iter().map(|(_, o)| o).collect();
    let deleted = plan.goal == WaitGoal::Deleted;
    let shape = match plan.targets {
        Targets::Unsettled => Shape::Many {
            existing: false,
            deleted,
        },
        _ => Shape::for_targets(outcomes.len(), false, deleted),
    };
    Ok(Done::Report(Report {
        outcomes,
        shape,
        interrupted,
        waited_for: Some(plan.goal),
    }))
}

/// An outcome and the provider its endpoint lives under.
pub type Placed = (Provider, Outcome);

/// The first request of each lookup a wait would make, for `--dry-run`.
pub fn first_requests(
    settings: &Settings,
    project_id: &str,
    targets: &Targets,
) -> Vec<PlannedRequest> {
    match targets {
        // As `targets::locate_ids` looks them up: a GET for one id, a list per provider for
        // several (the later providers only for ids the earlier ones do not have).
        Targets::Ids(ids) if ids.len() == 1 => {
            let provider = settings.providers.lookup_order()[0];
            vec![api::get_request(project_id, provider, &ids[0])]
        }
        Targets::Ids(_) => settings
            .providers
            .lookup_order()
            .iter()
            .map(|&p| api::list_page_request(project_id, p, 1))
            .collect(),
        Targets::Region(scopes) => scopes
            .iter()
            .map(|(p, _)| api::list_page_request(project_id, *p, 1))
            .collect(),
        Targets::Unsettled => settings
            .providers
            .listed()
            .into_iter()
            .map(|p| api::list_page_request(project_id, p, 1))
            .collect(),
    }
}

/// Whether `wait --all` waits for an endpoint in this status: for `--for deleted`, one being
/// deleted; otherwise one not yet where the goal wants it.
fn unsettled(goal: WaitGoal, status: Option<&str>) -> bool {
    match (goal, status) {
        (WaitGoal::Deleted, status) => status == Some("DELETING"),
        (_, Some(status)) => judge(goal, status) == Verdict::Waiting,
        (_, None) => true,
    }
}

fn placed(located: Located) -> Placed {
    let mut outcome = Outcome::new(Target::Endpoint(located.id));
    outcome.endpoint = Some(located.endpoint);
    (located.provider, outcome)
}

/// Finds the endpoints of a wait: one GET (one id) or one list per provider asked.
pub async fn find(
    client: &ApiClient,
    settings: &Settings,
    project_id: &str,
    targets: &Targets,
    goal: WaitGoal,
    progress: &mut dyn ProgressSink,
) -> Result<Vec<Placed>> {
    match targets {
        Targets::Ids(ids) => {
            let order = settings.providers.lookup_order();
            let found = targets::locate_ids(client, project_id, &order, ids, progress).await;
            Ok(ids
                .iter()
                .zip(found)
                .map(|(id, answer)| match answer {
                    Ok(located) => placed(located),
                    Err(error) => {
                        let mut outcome = Outcome::new(Target::Endpoint(id.clone()));
                        if goal == WaitGoal::Deleted && is_not_found(&error) {
                            outcome.gone = true;
                        } else {
                            outcome.problem = Some(Problem::from_error(&error, None));
                        }
                        (order[0], outcome)
                    }
                })
                .collect())
        }
        Targets::Region(scopes) => {
            let deleting = goal == WaitGoal::Deleted;
            let found = targets::locate_region(client, project_id, scopes, deleting).await?;
            if found.len() > 1 {
                let each: Vec<String> = found.iter().map(targets::describe).collect();
                progress.note(&format!(
                    "note: {} endpoints in the region; waiting for each: {}",
                    found.len(),
                    each.join(", ")
                ));
            }
            Ok(found.into_iter().map(placed).collect())
        }
        Targets::Unsettled => {
            let providers = settings.providers.listed();
            let found = targets::locate_listed(client, project_id, &providers, |_, e| {
                unsettled(goal, e.get("status").and_then(Value::as_str))
            })
            .await?;
            if found.is_empty() {
                progress.note(&format!(
                    "nothing to wait for: no {} endpoint of project {project_id} is still on its way to {}",
                    settings.providers.label(),
                    goal_words(goal)
                ));
            }
            Ok(found.into_iter().map(placed).collect())
        }
    }
}

/// Waits for every placed outcome, one provider after the other within one `--timeout`;
/// true when Ctrl-C ended it (the outcomes of providers not reached then are concluded from
/// what is known: pending ones as interrupted).
#[allow(clippy::too_many_arguments)]
pub async fn wait_each_provider(
    client: &ApiClient,
    project_id: &str,
    goal: WaitGoal,
    timing: &Timing,
    poll_at_once: bool,
    placed: &mut [Placed],
    interrupts: &mut Interrupts,
    progress: &mut dyn ProgressSink,
) -> bool {
    let deadline = Instant::now() + timing.timeout;
    let mut interrupted = false;
    for provider in [Provider::Aws, Provider::Azure] {
        let members: Vec<usize> = (0..placed.len())
            .filter(|&i| placed[i].0 == provider)
            .collect();
        if members.is_empty() {
            continue;
        }
        let mut group: Vec<Outcome> = members.iter().map(|&i| placed[i].1.clone()).collect();
        if interrupted {
            group
                .iter_mut()
                .for_each(|o| conclude_unreached(o, goal, timing, provider));
        } else {
            let scope = Scope {
                client,
                project_id,
                provider,
            };
            interrupted = wait_until_deadline(
                &scope,
                goal,
                timing,
                deadline,
                poll_at_once,
                &mut group,
                interrupts,
                progress,
            )
            .await;
        }
        for (outcome, &index) in group.into_iter().zip(&members) {
            placed[index].1 = outcome;
        }
    }
    interrupted
}

/// An outcome whose provider's wait never started because Ctrl-C came first.
fn conclude_unreached(outcome: &mut Outcome, goal: WaitGoal, timing: &Timing, provider: Provider) {
    if outcome.problem.is_some() || outcome.gone {
        return;
    }
    match outcome.status().map(|s| judge(goal, s)) {
        Some(Verdict::Waiting) | None => give_up(outcome, true, goal, timing),
        Some(verdict) => conclude_one(outcome, verdict, goal, provider),
    }
}
