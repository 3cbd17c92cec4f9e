//! What each subcommand does: resolve its inputs, call the API, render the result.
pub mod config_show;
pub mod create;
pub mod outcome;
pub mod status_rules;
pub mod unknown_outcome;
pub mod wait;

use crate::api;
use crate::cli::{Cli, Command, ConfigCommand, DeleteArgs};
use crate::commands::create as fleet;
use crate::commands::wait::{Scope, Timing};
use crate::errors::{ExitWith, UsageError, exit};
use crate::http::ApiClient;
use crate::output;
use crate::output::curl as dry_run;
use crate::settings::{Settings, validate_object_id};
use anyhow::Result;
use std::io::{self, BufRead, IsTerminal, Write};

pub async fn execute(cli: Cli) -> Result<()> {
    // Completions and the manual depend on no setting, so a broken environment cannot stop them.
    match &cli.command {
        Command::Completions(args) => {
            crate::cli::help::write_completions(args.shell, &mut io::stdout().lock());
            return Ok(());
        }
        Command::Man => return Ok(crate::cli::help::write_man(&mut io::stdout().lock())?),
        _ => {}
    }
    let settings = Settings::resolve(&cli.global)?;
    match cli.command {
        Command::Completions(_) | Command::Man => Ok(()),
        Command::Regions => regions(&settings),
        Command::List => list(&settings).await,
        Command::Create(args) => fleet::create_command(&settings, &args).await,
        Command::Get(args) => get(&settings, &args.endpoint_id).await,
        Command::Delete(args) => delete(&settings, &args).await,
        Command::Wait(args) => wait::wait_command(&settings, &args).await,
        Command::Config(ConfigCommand::Show) => config_show(&settings),
    }
}

fn config_show(settings: &Settings) -> Result<()> {
    if settings.presentation.quiet {
        return Err(UsageError("-q prints ids, and `config show` has none".into()).into());
    }
    let flag_given = crate::commands::config_show::flags_from_command_line();
    let rows = crate::commands::config_show::rows(settings, &flag_given);
    output::print_config(settings, &rows)
}

fn regions(settings: &Settings) -> Result<()> {
    if settings.dry_run {
        return dry_run::print_for(settings, &[], Some(dry_run::REGIONS_NOTE));
    }
    output::print_regions(settings, settings.provider.regions())
}

async fn list(settings: &Settings) -> Result<()> {
    let project_id = settings.project_id()?;
    if settings.dry_run {
        let first_page = api::list_page_request(project_id, settings.provider, 1);
        return dry_run::print_for(settings, &[first_page], Some(dry_run::LIST_NOTE));
    }
    let client = ApiClient::new(settings)?;
    let list = api::list_endpoints(&client, project_id, settings.provider).await?;
    output::print_list(settings, &list, project_id)
}

async fn get(settings: &Settings, endpoint_id: &str) -> Result<()> {
    let project_id = settings.project_id()?;
    validate_object_id(endpoint_id, "ENDPOINT_ID")?;
    if settings.dry_run {
        let request = api::get_request(project_id, settings.provider, endpoint_id);
        return dry_run::print_for(settings, &[request], None);
    }
    let client = ApiClient::new(settings)?;
    let endpoint = api::get_endpoint(&client, project_id, settings.provider, endpoint_id).await?;
    output::print_endpoint(settings, &endpoint)
}

async fn delete(settings: &Settings, args: &DeleteArgs) -> Result<()> {
    let project_id = settings.project_id()?;
    let endpoint_id = args.endpoint.endpoint_id.as_str();
    validate_object_id(endpoint_id, "ENDPOINT_ID")?;
    let timing = Timing::resolve(&args.timing, args.wait)?;
    if !args.wait {
        output::refuse_jq(settings, "delete")?;
    }
    if settings.dry_run {
        let request = api::delete_request(project_id, settings.provider, endpoint_id);
        let note = args.wait.then_some(dry_run::DELETE_WAIT_NOTE);
        return dry_run::print_for(settings, &[request], note);
    }
    let client = ApiClient::new(settings)?;
    let provider = settings.provider.as_api_str();
    if !args.yes {
        // On a blocking thread, so Ctrl-C at the prompt still ends the run at once.
        let (p, e, g) = (
            provider.to_string(),
            endpoint_id.to_string(),
            project_id.to_string(),
        );
        tokio::task::spawn_blocking(move || confirm_delete(&p, &e, &g)).await??;
    }
    api::delete_endpoint(&client, project_id, settings.provider, endpoint_id).await?;
    if args.wait {
        let scope = Scope {
            client: &client,
            project_id,
            provider: settings.provider,
        };
        return wait::wait_for_deletion(&scope, endpoint_id, &timing, settings).await;
    }
    output::print_deleted(settings, endpoint_id, project_id)
}

/// Asks on the terminal; refuses outright when nobody is there to answer.
fn confirm_delete(provider: &str, endpoint_id: &str, project_id: &str) -> Result<()> {
    if !io::stdin().is_terminal() {
        return Err(UsageError(
            "delete needs confirmation, but standard input is not a terminal; pass --yes to delete without asking".into(),
        )
        .into());
    }
    let mut stderr = io::stderr();
    write!(
        stderr,
        "Delete {provider} private endpoint {endpoint_id} in project {project_id}? [y/N] "
    )?;
    stderr.flush()?;
    let mut answer = String::new();
    io::stdin().lock().read_line(&mut answer)?;
    if matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes") {
        Ok(())
    } else {
        Err(ExitWith {
            code: exit::FAILURE,
            message: Some("deletion cancelled; nothing was sent".into()),
        }
        .into())
    }
}
