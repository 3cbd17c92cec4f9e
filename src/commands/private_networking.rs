//! `private-networking enable|disable`: flips `requirePrivateNetworking` of one provider in the
//! project's encryption-at-rest configuration, and nothing else.
//!
//! It reads the configuration first, so that a project already in the wanted state costs no
//! PATCH and one Atlas would refuse is refused here, before anything changes: enabling needs
//! customer-key encryption for the provider, and disabling needs every private endpoint of the
//! provider gone (Atlas answers 400
//! `CANNOT_DISABLE_ENCRYPTION_AT_REST_REQUIRE_PRIVATE_NETWORKING_WHILE_PRIVATE_ENDPOINTS_EXIST`).
//! `disable --delete-endpoints` gets there in the safe order: DELETE each endpoint, one list per
//! round until none is left, then the PATCH. The PATCH body is built in `api/encryption.rs`
//! and carries only the flag, so no credential the configuration holds is ever sent back.

use crate::api::encryption::{
    get_encryption, get_encryption_request, private_networking_request, provider_key,
    update_encryption,
};
use crate::api::{self, EndpointList, EndpointView, PlannedRequest};
use crate::commands::progress::ProgressSink;
use crate::commands::targets::is_not_found;
use crate::commands::wait::{first_delay, next_delay};
use crate::commands::{Done, dry_run};
use crate::errors::{ExitWith, UsageError, exit};
use crate::escape::printable;
use crate::http::ApiClient;
use crate::regions::Provider;
use crate::settings::{PrivateNetworkingPlan, Settings, Timing};
use anyhow::Result;
use serde_json::Value;
use std::io::{self, IsTerminal};
use tokio::time::{Instant, sleep_until};

/// Said before the requests of a dry run.
pub const DRY_RUN_NOTE: &str = "private-networking reads the configuration (GET) and, to disable, lists the provider's endpoints;\nit sends the PATCH only when requirePrivateNetworking differs from the value wanted, customer-key\nencryption is enabled for the provider (to enable), and no endpoint is left (to disable).";
/// Said before the requests of `disable --delete-endpoints --dry-run`.
pub const DELETE_ENDPOINTS_NOTE: &str = "disable --delete-endpoints reads the configuration, lists the provider's endpoints, sends one\nDELETE per endpoint listed (not DELETING yet), lists every --interval until none is left or\n--timeout passes, then sends the PATCH.";

/// What became of the switch.
#[derive(Debug)]
pub struct Flip {
    pub project_id: String,
    pub provider: Provider,
    /// `requirePrivateNetworking` as the GET showed it.
    pub from: bool,
    /// As the PATCH answered it (the same as `from` when nothing was sent).
    pub to: bool,
    /// A PATCH was sent.
    pub changed: bool,
    /// The endpoints `--delete-endpoints` deleted first.
    pub deleted: Vec<EndpointView>,
}

/// "1 endpoint", "3 endpoints".
pub fn endpoints_count(count: usize) -> String {
    format!("{count} endpoint{}", if count == 1 { "" } else { "s" })
}

/// The provider's key service, as people call it.
pub fn key_service(provider: Provider) -> &'static str {
    match provider {
        Provider::Aws => "AWS KMS",
        Provider::Azure => "Azure Key Vault",
    }
}

pub async fn run(
    settings: &Settings,
    plan: &PrivateNetworkingPlan,
    progress: &mut dyn ProgressSink,
) -> Result<Done> {
    let project_id = settings.project_id()?;
    let provider = settings.provider;
    if settings.dry_run {
        return Ok(planned_requests(project_id, provider, plan));
    }
    let client = ApiClient::new(settings)?;
    let config = get_encryption(&client, project_id).await?;
    let now = config.settings(provider);
    let mut flip = Flip {
        project_id: project_id.to_string(),
        provider,
        from: now.require_private_networking,
        to: now.require_private_networking,
        changed: false,
        deleted: Vec::new(),
    };
    if now.require_private_networking == plan.require {
        return Ok(Done::PrivateNetworking(flip));
    }
    if plan.require && !now.enabled {
        return Err(refused(format!(
            "customer-key encryption is not enabled for {provider} in project {project_id} ({}.enabled is false), so there is no key service to reach privately; configure {} encryption at rest for the project first. Nothing was sent",
            provider_key(provider),
            key_service(provider)
        )));
    }
    let mut endpoints = Vec::new();
    if !plan.require {
        let list = api::list_endpoints(&client, project_id, provider).await?;
        endpoints = views(&list);
        if !endpoints.is_empty() && plan.delete_endpoints.is_none() {
            return Err(endpoints_exist(project_id, provider, &endpoints));
        }
    }
    if !plan.confirmed {
        let question = question(&flip, plan.require, &endpoints);
        tokio::task::spawn_blocking(move || confirm(&question)).await??;
    }
    if let Some(timing) = &plan.delete_endpoints
        && !endpoints.is_empty()
    {
        delete_all(&client, project_id, provider, &endpoints, timing, progress).await?;
        flip.deleted = endpoints;
    }
    let request = private_networking_request(project_id, provider, plan.require);
    let answer = update_encryption(&client, &request).await?;
    flip.to = answer.settings(provider).require_private_networking;
    flip.changed = true;
    Ok(Done::PrivateNetworking(flip))
}

/// `--dry-run`: the reads, the DELETE of `--delete-endpoints` (one per endpoint listed) and the
/// PATCH, in the order they would be sent.
fn planned_requests(project_id: &str, provider: Provider, plan: &PrivateNetworkingPlan) -> Done {
    let mut requests: Vec<PlannedRequest> = vec![get_encryption_request(project_id)];
    if !plan.require {
        requests.push(api::list_page_request(project_id, provider, 1));
    }
    let note = if plan.delete_endpoints.is_some() {
        requests.push(api::delete_request(project_id, provider, "{ENDPOINT-ID}"));
        requests.push(api::list_page_request(project_id, provider, 1));
        DELETE_ENDPOINTS_NOTE
    } else {
        DRY_RUN_NOTE
    };
    requests.push(private_networking_request(
        project_id,
        provider,
        plan.require,
    ));
    dry_run(requests, Some(note))
}

fn views(list: &EndpointList) -> Vec<EndpointView> {
    list.results.iter().map(EndpointView::from_json).collect()
}

/// Exit 11 with `message`: the project's state does not allow the change.
fn refused(message: String) -> anyhow::Error {
    ExitWith {
        code: exit::REFUSED,
        message: Some(message),
    }
    .into()
}

/// One indented line per endpoint: region, id, status (escaped: they come from the server).
fn endpoint_lines(endpoints: &[EndpointView]) -> String {
    endpoints
        .iter()
        .map(|e| {
            format!(
                "  {}  {}  {}",
                printable(&e.region),
                printable(&e.id),
                printable(&e.status)
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn endpoints_exist(
    project_id: &str,
    provider: Provider,
    endpoints: &[EndpointView],
) -> anyhow::Error {
    let count = endpoints.len();
    refused(format!(
        "private networking cannot be turned off for {provider} in project {project_id} while {count} private endpoint{} of {provider} exist{} (Atlas refuses it):\n{}\ndelete them first, or run `atlas-ear private-networking disable --provider {} --delete-endpoints` to delete them, wait until they are gone, then turn it off. Nothing was changed",
        if count == 1 { "" } else { "s" },
        if count == 1 { "s" } else { "" },
        endpoint_lines(endpoints),
        provider.as_api_str().to_ascii_lowercase(),
    ))
}

/// The change, as the prompt shows it.
fn question(flip: &Flip, require: bool, endpoints: &[EndpointView]) -> String {
    let mut text = String::new();
    if !endpoints.is_empty() {
        let these = match endpoints.len() {
            1 => "This private endpoint".to_string(),
            n => format!("These {n} private endpoints"),
        };
        text.push_str(&format!(
            "{these} of {} will be deleted first:\n{}\n",
            flip.provider,
            endpoint_lines(endpoints)
        ));
    }
    text.push_str(&format!(
        "{} private networking to {} in project {} (requirePrivateNetworking {} -> {})?",
        if require { "Require" } else { "Stop requiring" },
        key_service(flip.provider),
        flip.project_id,
        flip.from,
        require
    ));
    text
}

/// Asks on the terminal; refuses outright when nobody is there to answer.
fn confirm(question: &str) -> Result<()> {
    if !io::stdin().is_terminal() {
        return Err(UsageError(
            "private-networking needs confirmation, but standard input is not a terminal; pass --yes to go ahead without asking".into(),
        )
        .into());
    }
    crate::commands::prompt::ask(question, "cancelled; nothing was sent")
}

/// DELETEs every endpoint not yet DELETING, then lists once per round until the provider has
/// none left. The PATCH is sent only after this returns `Ok`.
async fn delete_all(
    client: &ApiClient,
    project_id: &str,
    provider: Provider,
    endpoints: &[EndpointView],
    timing: &Timing,
    progress: &mut dyn ProgressSink,
) -> Result<()> {
    progress.begin(
        endpoints
            .iter()
            .map(|e| format!("{} {}", printable(&e.region), printable(&e.id)))
            .collect(),
    );
    progress.note(&format!(
        "deleting {} of {provider}, then waiting up to {} until none is left (one list every {})",
        endpoints_count(endpoints.len()),
        humantime::format_duration(timing.timeout),
        humantime::format_duration(timing.interval),
    ));
    for (slot, endpoint) in endpoints.iter().enumerate() {
        if endpoint.status != "DELETING" {
            let deleted = api::delete_endpoint(client, project_id, provider, &endpoint.id).await;
            // Gone already (deleted by someone else since the list): what this wants anyway.
            if let Err(error) = deleted
                && !is_not_found(&error)
            {
                progress.finish();
                return Err(error.context(format!(
                    "deleting endpoint {} ({}) failed after {slot} of {} were asked to go; private networking is still required (no PATCH was sent)",
                    printable(&endpoint.id),
                    printable(&endpoint.region),
                    endpoints_count(endpoints.len())
                )));
            }
        }
        progress.status(slot, "DELETING");
    }
    let started = Instant::now();
    let deadline = started + timing.timeout;
    let mut next = started + first_delay(timing);
    let mut gone = vec![false; endpoints.len()];
    loop {
        sleep_until(next.min(deadline)).await;
        if Instant::now() >= deadline {
            progress.finish();
            return Err(ExitWith {
                code: exit::WAIT_TIMEOUT,
                message: Some(format!(
                    "timed out after {} waiting for the endpoints of {provider} to be gone; private networking is still required (no PATCH was sent)",
                    humantime::format_duration(timing.timeout)
                )),
            }
            .into());
        }
        let list = api::list_endpoints(client, project_id, provider).await?;
        for (slot, endpoint) in endpoints.iter().enumerate() {
            match list.by_id(&endpoint.id) {
                None if !gone[slot] => {
                    gone[slot] = true;
                    progress.done(slot, "deleted");
                }
                None => {}
                Some(now) => {
                    let status = now.get("status").and_then(Value::as_str).unwrap_or("");
                    progress.status(slot, status);
                }
            }
        }
        if list.results.is_empty() {
            progress.finish();
            progress.note(&format!(
                "no endpoint of {provider} is left; turning private networking off"
            ));
            return Ok(());
        }
        next = Instant::now() + next_delay(timing);
    }
}
