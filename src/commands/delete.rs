//! `delete`: one deletion request, confirmed on a terminal unless `--yes`, and with `--wait`
//! the wait until Atlas no longer knows the endpoint.

use crate::api::{self, Scope};
use crate::commands::outcome::{Outcome, Report, Shape, Target};
use crate::commands::progress::ProgressSink;
use crate::commands::wait::wait_until;
use crate::commands::{Done, dry_run};
use crate::errors::UsageError;
use crate::http::ApiClient;
use crate::interrupt::Interrupts;
use crate::settings::{DeletePlan, Settings, WaitGoal};
use anyhow::Result;
use std::io::{self, IsTerminal};

/// What `delete --wait` adds after the DELETE.
pub const DELETE_WAIT_NOTE: &str = "after the request below, --wait repeats the GET of `get` for this endpoint every --interval,\nthe first sooner, until Atlas answers 404 or --timeout passes.";

pub async fn run(
    settings: &Settings,
    plan: &DeletePlan,
    progress: &mut dyn ProgressSink,
) -> Result<Done> {
    let project_id = settings.project_id()?;
    let endpoint_id = plan.endpoint_id.as_str();
    if settings.dry_run {
        let request = api::delete_request(project_id, settings.provider, endpoint_id);
        let note = plan.wait.is_some().then_some(DELETE_WAIT_NOTE);
        return Ok(dry_run(vec![request], note));
    }
    let client = ApiClient::new(settings)?;
    if !plan.confirmed {
        // On a blocking thread, so Ctrl-C at the prompt still ends the run at once.
        let (p, e, g) = (
            settings.provider.as_api_str().to_string(),
            endpoint_id.to_string(),
            project_id.to_string(),
        );
        tokio::task::spawn_blocking(move || confirm_delete(&p, &e, &g)).await??;
    }
    api::delete_endpoint(&client, project_id, settings.provider, endpoint_id).await?;
    let Some(timing) = &plan.wait else {
        return Ok(Done::Deleted {
            endpoint_id: endpoint_id.to_string(),
            project_id: project_id.to_string(),
        });
    };
    let scope = Scope {
        client: &client,
        project_id,
        provider: settings.provider,
    };
    let mut interrupts = Interrupts::listen();
    let mut outcomes = vec![Outcome::new(Target::Endpoint(endpoint_id.to_string()))];
    let interrupted = wait_until(
        &scope,
        WaitGoal::Deleted,
        timing,
        false,
        &mut outcomes,
        &mut interrupts,
        progress,
    )
    .await;
    Ok(Done::Report(Report {
        outcomes,
        shape: Shape::Single,
        interrupted,
        waited_for: Some(WaitGoal::Deleted),
    }))
}

/// Asks on the terminal; refuses outright when nobody is there to answer.
fn confirm_delete(provider: &str, endpoint_id: &str, project_id: &str) -> Result<()> {
    if !io::stdin().is_terminal() {
        return Err(UsageError(
            "delete needs confirmation, but standard input is not a terminal; pass --yes to delete without asking".into(),
        )
        .into());
    }
    crate::commands::prompt::ask(
        &format!("Delete {provider} private endpoint {endpoint_id} in project {project_id}?"),
        "deletion cancelled; nothing was sent",
    )
}
