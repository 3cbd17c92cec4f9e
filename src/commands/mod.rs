//! What each subcommand does, given checked [`Settings`] and its [`Plan`]: call the API layer,
//! decide what became of each endpoint, and hand the result to `output/` as a [`Done`] value.
//!
//! Commands never print results; the only things they write themselves are the confirmation prompt
//! (to the terminal) and progress, through the [`ProgressSink`] they are given. They may use
//! `api/`, `http/`, `settings/` and the floor, never `output/` or `cli/`.

pub mod apply;
pub mod approval;
pub mod config_show;
pub mod create;
pub mod declared;
pub mod delete;
pub mod outcome;
pub mod private_networking;
pub mod progress;
pub mod prompt;
pub mod recreation;
pub mod status;
pub mod status_rules;
pub mod targets;
pub mod unknown_outcome;
pub mod wait;
pub mod wait_targets;

pub use outcome::{Outcome, Report};
pub use progress::ProgressSink;

use crate::api::{self, EndpointList, PlannedRequest, RawEndpoint};
use crate::http::ApiClient;
use crate::settings::{Plan, Settings};
use anyhow::Result;

/// Said before the first page's request: `list` walks pages by number, not by `next` link.
pub const LIST_NOTE: &str = "list reads every page; this is the first. Further pages repeat it with pageNum=2, 3, ...\nuntil a page has fewer than itemsPerPage results or no \"next\" link.";
/// Said when an id not found under AWS is looked for under Azure.
pub const GET_ELSEWHERE_NOTE: &str = "without --provider, an endpoint AWS answers 404 for is looked for with the same request under AZURE.";
/// `regions` is answered from the built-in lists.
pub const REGIONS_NOTE: &str = "regions sends no request: the region lists are built in.";

/// What a command found out, for `output/` to print in the chosen format.
#[derive(Debug)]
pub enum Done {
    /// `regions`: the provider's known region names.
    Regions(&'static [&'static str]),
    /// `list`: every endpoint of every page.
    List {
        list: EndpointList,
        project_id: String,
    },
    /// `get`: one endpoint.
    Endpoint(RawEndpoint),
    /// `delete` without `--wait`: for each id in order, the endpoint now DELETING (its
    /// `cloudProvider` says where), or why it could not be deleted.
    Deleted {
        outcomes: Vec<Outcome>,
        project_id: String,
        /// Ctrl-C stopped the deletions: those not sent are reported as such.
        interrupted: bool,
    },
    /// `create`, `wait` and `delete --wait`: what became of each region or id.
    Report(Report),
    /// `config show`.
    Config(Vec<config_show::Row>),
    /// `plan`: the changes `apply` would make, and whether drift is an error (`--exit-code`).
    Plan {
        diff: declared::Diff,
        exit_code: bool,
    },
    /// `apply`: what became of every region of the plan.
    Applied(apply::ApplyReport),
    /// `status`: each project's setup and coverage, and whether a finding is an error.
    Status(status::StatusReport),
    /// `private-networking enable|disable`: the switch before and after.
    PrivateNetworking(private_networking::Flip),
    /// `--dry-run`: the requests the command would send, and what to say before them.
    DryRun {
        requests: Vec<PlannedRequest>,
        note: Option<String>,
    },
}

/// Runs one planned command to the point where there is something to print.
pub async fn execute(
    settings: &Settings,
    plan: &Plan,
    progress: &mut dyn ProgressSink,
) -> Result<Done> {
    match plan {
        Plan::Regions if settings.dry_run => Ok(dry_run(Vec::new(), Some(REGIONS_NOTE))),
        Plan::Regions => Ok(Done::Regions(settings.provider.regions())),
        Plan::ConfigShow => Ok(Done::Config(config_show::rows(settings))),
        Plan::List { .. } => list(settings).await,
        Plan::Get { endpoint_id } => get(settings, endpoint_id, progress).await,
        Plan::Create(create) => create::run(settings, create, progress).await,
        Plan::Delete(delete) => delete::run(settings, delete, progress).await,
        Plan::Wait(wait) => wait_targets::run(settings, wait, progress).await,
        Plan::Diff(diff) => declared::run(settings, diff).await,
        Plan::Apply(apply) => apply::run(settings, apply, progress).await,
        Plan::Status(status) => status::run(settings, status).await,
        Plan::PrivateNetworking(flip) => private_networking::run(settings, flip, progress).await,
    }
}

/// A `--dry-run` result.
pub fn dry_run(requests: Vec<PlannedRequest>, note: Option<&str>) -> Done {
    Done::DryRun {
        requests,
        note: note.map(str::to_string),
    }
}

/// `list`: one list per provider in scope (both with `--provider all`, at the same time),
/// merged into one document of the documented shape.
pub async fn list(settings: &Settings) -> Result<Done> {
    let project_id = settings.project_id()?;
    let providers = settings.providers.listed();
    if settings.dry_run {
        let first_pages = providers
            .iter()
            .map(|&p| api::list_page_request(project_id, p, 1))
            .collect();
        return Ok(dry_run(first_pages, Some(LIST_NOTE)));
    }
    let client = ApiClient::new(settings)?;
    list_with(settings, &client).await
}

/// `list` through a client already built: `list --watch` keeps one for all its rounds, so its
/// connections, digest challenge, token and rate-limit pacing carry from one round to the next.
pub async fn list_with(settings: &Settings, client: &ApiClient) -> Result<Done> {
    let project_id = settings.project_id()?;
    let providers = settings.providers.listed();
    let lists = futures_util::future::try_join_all(
        providers
            .iter()
            .map(|&p| api::list_endpoints(client, project_id, p)),
    )
    .await?;
    Ok(Done::List {
        list: merge_lists(lists),
        project_id: project_id.to_string(),
    })
}

/// Several providers' lists as one: results in provider order, counts added up (a list
/// without `totalCount` counts what it holds).
fn merge_lists(lists: Vec<EndpointList>) -> EndpointList {
    let mut lists = lists;
    if lists.len() == 1
        && let Some(list) = lists.pop()
    {
        return list;
    }
    let total = lists
        .iter()
        .map(|l| l.total_count.unwrap_or(l.results.len() as u64))
        .sum();
    EndpointList {
        results: lists.into_iter().flat_map(|l| l.results).collect(),
        total_count: Some(total),
    }
}

/// `get`: one GET under the first provider in scope; without `--provider`, a 404 there is
/// followed by one GET under the other provider.
async fn get(
    settings: &Settings,
    endpoint_id: &str,
    progress: &mut dyn ProgressSink,
) -> Result<Done> {
    let project_id = settings.project_id()?;
    let order = settings.providers.lookup_order();
    if settings.dry_run {
        let request = api::get_request(project_id, order[0], endpoint_id);
        let note = (order.len() > 1).then_some(GET_ELSEWHERE_NOTE);
        return Ok(dry_run(vec![request], note));
    }
    let client = ApiClient::new(settings)?;
    let ids = [endpoint_id.to_string()];
    let found = targets::locate_ids(&client, project_id, &order, &ids, progress).await;
    let located = found
        .into_iter()
        .next()
        .unwrap_or_else(|| Err(anyhow::anyhow!("endpoint {endpoint_id} was not looked up")))?;
    Ok(Done::Endpoint(located.endpoint))
}
