//! What each subcommand does: resolve its inputs, call the API, render the result.

use crate::api;
use crate::cli::{Cli, Command, ConfigCommand, DeleteArgs, OutputFormat};
use crate::client::ApiClient;
use crate::errors::{ExitWith, UsageError, exit};
use crate::render;
use crate::settings::{Settings, validate_object_id};
use crate::wait::{Scope, Timing};
use crate::{fleet, wait};
use anyhow::Result;
use std::io::{self, BufRead, IsTerminal, Write};

pub async fn execute(cli: Cli) -> Result<()> {
    let settings = Settings::resolve(&cli.global)?;
    match cli.command {
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
    let flag_given = crate::config_show::flags_from_command_line();
    let rows = crate::config_show::rows(settings, &flag_given);
    crate::config_show::print(&mut io::stdout().lock(), &rows, settings.output)?;
    Ok(())
}

fn regions(settings: &Settings) -> Result<()> {
    let mut out = io::stdout().lock();
    let regions = settings.provider.regions();
    match settings.output {
        OutputFormat::Json => render::json_line(&mut out, &serde_json::json!(regions))?,
        OutputFormat::Table => {
            for region in regions {
                writeln!(out, "{region}")?;
            }
        }
    }
    Ok(())
}

async fn list(settings: &Settings) -> Result<()> {
    let project_id = settings.project_id()?;
    let client = ApiClient::new(settings)?;
    let list = api::list_endpoints(&client, project_id, settings.provider).await?;
    let mut out = io::stdout().lock();
    match settings.output {
        OutputFormat::Json => render::list_json(&mut out, &list)?,
        OutputFormat::Table => {
            render::list_table(&mut out, &list, settings.provider.as_api_str(), project_id)?
        }
    }
    Ok(())
}

async fn get(settings: &Settings, endpoint_id: &str) -> Result<()> {
    let project_id = settings.project_id()?;
    validate_object_id(endpoint_id, "ENDPOINT_ID")?;
    let client = ApiClient::new(settings)?;
    let endpoint = api::get_endpoint(&client, project_id, settings.provider, endpoint_id).await?;
    print_endpoint(settings, &endpoint)
}

async fn delete(settings: &Settings, args: &DeleteArgs) -> Result<()> {
    let project_id = settings.project_id()?;
    let endpoint_id = args.endpoint.endpoint_id.as_str();
    validate_object_id(endpoint_id, "ENDPOINT_ID")?;
    let timing = Timing::resolve(&args.timing, args.wait)?;
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
        return wait::wait_for_deletion(&scope, endpoint_id, &timing, settings.output).await;
    }
    let message = format!(
        "Deletion requested for {provider} private endpoint {endpoint_id} in project {project_id}; it is DELETING until Atlas removes it."
    );
    // With -o json stdout stays empty (the API answers 204 with no body); the report goes to stderr.
    match settings.output {
        OutputFormat::Json => writeln!(io::stderr(), "{message}")?,
        OutputFormat::Table => writeln!(io::stdout(), "{message}")?,
    }
    Ok(())
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

fn print_endpoint(settings: &Settings, endpoint: &api::RawEndpoint) -> Result<()> {
    let mut out = io::stdout().lock();
    match settings.output {
        OutputFormat::Json => render::endpoint_json(&mut out, endpoint)?,
        OutputFormat::Table => {
            let value = serde_json::Value::Object(endpoint.value.clone());
            render::endpoints_table(&mut out, &render::sorted_views(&[value]))?
        }
    }
    Ok(())
}
