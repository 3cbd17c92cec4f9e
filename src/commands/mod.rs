//! What each subcommand does, given checked [`Settings`] and its [`Plan`]: call the API layer,
//! decide what became of each endpoint, and hand the result to `output/` as a [`Done`] value.
//!
//! Commands never print results; the only things they write themselves are the confirmation prompt
//! (to the terminal) and progress, through the [`ProgressSink`] they are given. They may use
//! `api/`, `http/`, `settings/` and the floor, never `output/` or `cli/`.

pub mod apply;
pub mod config_show;
pub mod create;
pub mod declared;
pub mod delete;
pub mod outcome;
pub mod private_networking;
pub mod progress;
pub mod prompt;
pub mod recreation;
pub mod status_rules;
pub mod unknown_outcome;
pub mod wait;

pub use outcome::{Outcome, Report};
pub use progress::ProgressSink;

use crate::api::{self, EndpointList, PlannedRequest, RawEndpoint};
use crate::http::ApiClient;
use crate::settings::{Plan, Settings};
use anyhow::Result;

/// Said before the first page's request: `list` walks pages by number, not by `next` link.
pub const LIST_NOTE: &str = "list reads every page; this is the first. Further pages repeat it with pageNum=2, 3, ...\nuntil a page has fewer than itemsPerPage results or no \"next\" link.";
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
    /// `delete` without `--wait`: Atlas accepted the deletion request.
    Deleted {
        endpoint_id: String,
        project_id: String,
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
        Plan::List => list(settings).await,
        Plan::Get { endpoint_id } => get(settings, endpoint_id).await,
        Plan::Create(create) => create::run(settings, create, progress).await,
        Plan::Delete(delete) => delete::run(settings, delete, progress).await,
        Plan::Wait(wait) => wait::run(settings, wait, progress).await,
        Plan::Diff(diff) => declared::run(settings, diff).await,
        Plan::Apply(apply) => apply::run(settings, apply, progress).await,
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

async fn list(settings: &Settings) -> Result<Done> {
    let project_id = settings.project_id()?;
    if settings.dry_run {
        let first_page = api::list_page_request(project_id, settings.provider, 1);
        return Ok(dry_run(vec![first_page], Some(LIST_NOTE)));
    }
    let client = ApiClient::new(settings)?;
    let list = api::list_endpoints(&client, project_id, settings.provider).await?;
    Ok(Done::List {
        list,
        project_id: project_id.to_string(),
    })
}

async fn get(settings: &Settings, endpoint_id: &str) -> Result<Done> {
    let project_id = settings.project_id()?;
    if settings.dry_run {
        let request = api::get_request(project_id, settings.provider, endpoint_id);
        return Ok(dry_run(vec![request], None));
    }
    let client = ApiClient::new(settings)?;
    let endpoint = api::get_endpoint(&client, project_id, settings.provider, endpoint_id).await?;
    Ok(Done::Endpoint(endpoint))
}
