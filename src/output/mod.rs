//! What each command prints on stdout in each output mode: table, plain, JSON, `--jq`, `-q`.
//!
//! The top of the pipeline: commands hand their [`Done`] value to [`show`]; the choice of mode
//! was made once in `Settings`. Rendering itself lives in `render.rs`, `table.rs`,
//! `report.rs`, `config.rs` and `curl.rs`, which write to any `impl Write`; this module picks
//! the renderer and is the only place that locks stdout. It may use every layer below.

pub mod config;
pub mod curl;
pub mod grid;
pub mod hints;
pub mod json;
pub mod next_command;
pub mod private_networking;
pub mod progress;
pub mod quiet_ctrl_c;
pub mod render;
pub mod report;
pub mod state;
pub mod status;
pub mod table;
pub mod text;
pub mod watch;

use crate::api::{EndpointList, RawEndpoint};
use crate::commands::outcome::conclude;
use crate::commands::{Done, Report};
use crate::output::table::TableStyle;
use crate::settings::{OutputFormat, Settings};
use anyhow::Result;
use serde_json::Value;
use std::io::{self, Write};

/// Prints what a command found out, in the chosen mode, and gives the run's verdict: `Ok`, or
/// the error whose exit code the run ends with (for reports, the first failed target's).
///
/// Stdout is flushed here, so a write that fails (a full disk, a closed pipe) is an error of
/// this run, not lost when the process exits. When that happens after endpoints were created,
/// they are listed on stderr, so that nothing created on the server goes unreported.
pub fn show(settings: &Settings, done: Done) -> Result<()> {
    let known = match &done {
        Done::Report(report) => known_endpoints(report.outcomes.iter()),
        Done::Applied(report) => known_endpoints(report.items.iter().map(|i| &i.outcome)),
        _ => Vec::new(),
    };
    let shown = print(settings, done);
    if let Err(error) = &shown
        && !known.is_empty()
        && error.chain().any(|c| c.is::<io::Error>())
    {
        let mut stderr = io::stderr();
        let _ = writeln!(
            stderr,
            "the result could not be written to stdout; the endpoints it holds are:"
        );
        for line in &known {
            let _ = writeln!(stderr, "  {line}");
        }
    }
    shown
}

/// One line per endpoint a report knows of: id, region and status, escaped.
fn known_endpoints<'a>(
    outcomes: impl Iterator<Item = &'a crate::commands::Outcome>,
) -> Vec<String> {
    outcomes
        .filter(|o| !o.gone)
        .filter_map(|o| o.endpoint.as_ref())
        .map(|e| {
            let view = crate::api::EndpointView::from_json(&Value::Object(e.value.clone()));
            format!("endpoint {} in {} ({})", view.id, view.region, view.status)
        })
        .collect()
}

fn print(settings: &Settings, done: Done) -> Result<()> {
    match done {
        Done::Regions(regions) => print_regions(settings, regions),
        Done::List { list, project_id } => print_list(settings, &list, &project_id),
        Done::Endpoint(endpoint) => print_endpoint(settings, &endpoint),
        Done::Deleted {
            outcomes,
            project_id,
            interrupted,
        } => print_deleted(settings, &outcomes, &project_id, interrupted),
        Done::Config(rows) => print_config(settings, &rows),
        Done::DryRun { requests, note } => curl::print_for(settings, &requests, note.as_deref()),
        Done::Report(report) => print_report(settings, &report),
        Done::Plan { diff, exit_code } => {
            let mut out = io::stdout().lock();
            state::print_plan(&mut out, &diff, settings.output, &settings.presentation)?;
            out.flush()?;
            if exit_code && diff.has_changes() {
                return Err(crate::errors::ExitWith {
                    code: crate::errors::exit::DRIFT,
                    message: None,
                }
                .into());
            }
            Ok(())
        }
        Done::Applied(report) => print_applied(settings, &report),
        Done::Status(report) => print_status(settings, &report),
        Done::PrivateNetworking(flip) => {
            let mut out = io::stdout().lock();
            let (format, presentation) = (settings.output, &settings.presentation);
            private_networking::print(&mut out, &mut io::stderr(), &flip, format, presentation)
        }
    }?;
    Ok(io::stdout().flush()?)
}

/// `status`: the report on stdout, approval steps on stderr, then with `--exit-code` exit 10
/// when there is a finding (each one is named in the message).
fn print_status(settings: &Settings, report: &crate::commands::status::StatusReport) -> Result<()> {
    let mut out = io::stdout().lock();
    status::print_status(
        &mut out,
        &mut io::stderr(),
        report,
        settings.output,
        &settings.presentation,
    )?;
    out.flush()?;
    let findings = report.findings();
    if !report.exit_code || findings.is_empty() {
        return Ok(());
    }
    let named: Vec<String> = findings
        .iter()
        .map(|f| {
            format!(
                "{} {} {}",
                f.project_id,
                f.provider.as_api_str(),
                crate::escape::printable(&f.region)
            )
        })
        .collect();
    Err(crate::errors::ExitWith {
        code: crate::errors::exit::UNCOVERED,
        message: Some(format!(
            "{} region{} used by clusters without an ACTIVE private endpoint: {}",
            findings.len(),
            if findings.len() == 1 { "" } else { "s" },
            named.join(", ")
        )),
    }
    .into())
}

/// `apply`: the report on stdout, notes and errors on stderr, then the verdict.
fn print_applied(settings: &Settings, report: &crate::commands::apply::ApplyReport) -> Result<()> {
    let mut out = io::stdout().lock();
    state::print_applied(
        &mut out,
        &mut io::stderr(),
        report,
        settings.output,
        &settings.presentation,
    )?;
    out.flush()?;
    hints::print(
        &mut io::stderr(),
        settings,
        &hints::for_apply(report, settings.provenance.program),
    );
    let outcomes: Vec<crate::commands::Outcome> =
        report.items.iter().map(|i| i.outcome.clone()).collect();
    conclude(&outcomes, report.interrupted, None)
}

/// Prints every outcome on stdout and stderr, then gives the command's verdict.
fn print_report(settings: &Settings, report: &Report) -> Result<()> {
    let mut out = io::stdout().lock();
    report::print(
        &mut out,
        &mut io::stderr(),
        &report.outcomes,
        report.shape,
        settings.output,
        &settings.presentation,
    )?;
    out.flush()?;
    hints::print(
        &mut io::stderr(),
        settings,
        &hints::for_report(settings, report),
    );
    let resume = next_command::resume(settings, report);
    conclude(&report.outcomes, report.interrupted, resume.as_deref())
}

fn table_style(settings: &Settings) -> TableStyle {
    TableStyle::of(&settings.presentation)
}

/// Applies `--jq` to `json` when one was given, else prints `json` as it is.
fn print_json(settings: &Settings, json: &[u8], out: &mut impl Write) -> Result<()> {
    json::emit(out, std::str::from_utf8(json)?, &settings.presentation)
}

/// `regions`: names one per line (a header line too with `-o plain`), or a JSON array.
fn print_regions(settings: &Settings, regions: &[&str]) -> Result<()> {
    let mut out = io::stdout().lock();
    if settings.presentation.quiet {
        for region in regions {
            writeln!(out, "{region}")?;
        }
        return Ok(());
    }
    match settings.output {
        OutputFormat::Json => {
            let json = serde_json::to_vec(&serde_json::json!(regions))?;
            print_json(settings, &json, &mut out)?;
        }
        OutputFormat::Plain | OutputFormat::Table => {
            if settings.output == OutputFormat::Plain && settings.presentation.headers {
                writeln!(out, "REGION")?;
            }
            for region in regions {
                writeln!(out, "{region}")?;
            }
        }
    }
    Ok(())
}

/// `list`: every endpoint of every page.
fn print_list(settings: &Settings, list: &EndpointList, project_id: &str) -> Result<()> {
    print_list_to(&mut io::stdout().lock(), settings, list, project_id)
}

/// [`print_list`] to any writer (`list --watch` draws each listing in memory first).
pub(crate) fn print_list_to(
    out: &mut impl Write,
    settings: &Settings,
    list: &EndpointList,
    project_id: &str,
) -> Result<()> {
    let mut out = out;
    let views = || render::sorted_views(&list.results);
    if settings.presentation.quiet {
        render::endpoint_ids(&mut out, &views())?;
        return Ok(());
    }
    match settings.output {
        OutputFormat::Json => json::emit(
            &mut out,
            &render::list_document(list).to_string(),
            &settings.presentation,
        )?,
        OutputFormat::Plain => {
            render::endpoints_plain(&mut out, &views(), settings.presentation.headers)?
        }
        OutputFormat::Table => render::styled_list_table(
            &mut out,
            list,
            &settings.providers.label(),
            project_id,
            &table_style(settings),
        )?,
    }
    Ok(())
}

/// `get` and `create`: one endpoint; with `-o json` the body exactly as Atlas sent it.
fn print_endpoint(settings: &Settings, endpoint: &RawEndpoint) -> Result<()> {
    let mut out = io::stdout().lock();
    let views = || render::sorted_views(&[Value::Object(endpoint.value.clone())]);
    if settings.presentation.quiet {
        render::endpoint_ids(&mut out, &views())?;
        return Ok(());
    }
    match settings.output {
        OutputFormat::Json => json::emit(
            &mut out,
            &render::endpoint_text(endpoint),
            &settings.presentation,
        )?,
        OutputFormat::Plain => {
            render::endpoints_plain(&mut out, &views(), settings.presentation.headers)?
        }
        OutputFormat::Table => {
            crate::output::table::write_table(&mut out, &views(), &table_style(settings))?
        }
    }
    Ok(())
}

/// `delete`: for each endpoint, a sentence for people (on stderr when stdout is for machines),
/// the id with `-q`, `ID<TAB>STATUS` with `-o plain`, and nothing on stdout with `-o json`
/// (Atlas answers 204 with no body). With several ids, each failure is an `error:` line on
/// stderr, and the exit code is the first failure's.
fn print_deleted(
    settings: &Settings,
    outcomes: &[crate::commands::Outcome],
    project_id: &str,
    interrupted: bool,
) -> Result<()> {
    let mut out = io::stdout().lock();
    let mut header = settings.output == OutputFormat::Plain && settings.presentation.headers;
    for outcome in outcomes {
        let endpoint_id = outcome.target.name();
        if let Some(problem) = &outcome.problem {
            writeln!(io::stderr(), "error: {endpoint_id}: {}", problem.message)?;
            continue;
        }
        let provider = outcome
            .endpoint
            .as_ref()
            .and_then(|e| e.value.get("cloudProvider"))
            .and_then(Value::as_str)
            .unwrap_or_else(|| settings.provider.as_api_str());
        let message = format!(
            "Deletion requested for {provider} private endpoint {endpoint_id} in project {project_id}; it is DELETING until Atlas removes it."
        );
        if settings.presentation.quiet {
            writeln!(out, "{endpoint_id}")?;
            continue;
        }
        match settings.output {
            OutputFormat::Json => writeln!(io::stderr(), "{message}")?,
            OutputFormat::Plain => {
                if std::mem::take(&mut header) {
                    writeln!(out, "ID\tSTATUS")?;
                }
                writeln!(out, "{endpoint_id}\tDELETING")?;
                writeln!(io::stderr(), "{message}")?;
            }
            OutputFormat::Table => writeln!(out, "{message}")?,
        }
    }
    out.flush()?;
    conclude(outcomes, interrupted, None)
}

/// `config show`: its table, its JSON object (which `--jq` filters), or plain
/// `SETTING<TAB>VALUE<TAB>SOURCE` lines with any notes on stderr.
fn print_config(settings: &Settings, rows: &[crate::commands::config_show::Row]) -> Result<()> {
    let mut out = io::stdout().lock();
    match settings.output {
        OutputFormat::Json => {
            let json = serde_json::to_vec(&config::to_json(rows))?;
            print_json(settings, &json, &mut out)?;
        }
        OutputFormat::Plain => {
            config::print_plain(&mut out, rows, settings.presentation.headers)?;
            for row in rows {
                if let Some(note) = &row.note {
                    writeln!(io::stderr(), "{}: {note}", row.name)?;
                }
            }
        }
        OutputFormat::Table => {
            config::print(&mut out, rows, OutputFormat::Table, &table_style(settings))?
        }
    }
    Ok(())
}
