//! `status` as people and scripts read it: per project, a line per provider (customer-key
//! encryption, private networking), a table of regions (endpoint status, clusters, coverage) and
//! the findings under it; one JSON document (the README documents its schema); tab-separated
//! rows; or with `-q` the regions clusters use without an ACTIVE endpoint.
//!
//! The approval command of an Azure endpoint awaiting approval is a next step, so it goes to
//! stderr in every mode, like the next steps of `create`, `wait` and `apply`.

use crate::commands::status::{Coverage, ProjectStatus, ProviderStatus, StatusReport};
use crate::escape::printable;
use crate::output::grid::{Column, Grid, TableStyle, write_grid};
use crate::output::json::emit;
use crate::output::table::status_color;
use crate::settings::OutputFormat;
use crate::settings::presentation::Presentation;
use serde_json::{Map, Value, json};
use std::io::{self, Write};

const STATUS_COLUMN: usize = 2;

/// One row of the regions table: an endpoint, or a region a cluster uses that has none.
struct Row<'a> {
    region: &'a str,
    endpoint: Option<&'a Map<String, Value>>,
    coverage: Option<&'a Coverage>,
}

impl Row<'_> {
    fn endpoint_field(&self, name: &str) -> &str {
        self.endpoint
            .and_then(|e| e.get(name))
            .and_then(Value::as_str)
            .unwrap_or_default()
    }

    fn clusters(&self) -> String {
        self.coverage
            .map(|c| c.clusters.join(","))
            .unwrap_or_default()
    }

    /// `yes`, `no`, or `-` where no cluster has nodes.
    fn covered(&self) -> &'static str {
        match self.coverage {
            Some(c) if c.covered => "yes",
            Some(_) => "no",
            None => "-",
        }
    }
}

/// Every endpoint, and every cluster region without one, sorted by region.
fn rows(provider: &ProviderStatus) -> Vec<Row<'_>> {
    let coverage_of = |region: &str| provider.coverage.iter().find(|c| c.region == region);
    let mut rows: Vec<Row> = provider
        .endpoints
        .iter()
        .map(|e| {
            let region = e.get("regionName").and_then(Value::as_str).unwrap_or("");
            Row {
                region,
                endpoint: Some(e),
                coverage: coverage_of(region),
            }
        })
        .collect();
    for gap in &provider.coverage {
        if !rows.iter().any(|r| r.region == gap.region) {
            rows.push(Row {
                region: &gap.region,
                endpoint: None,
                coverage: Some(gap),
            });
        }
    }
    rows.sort_by(|a, b| a.region.cmp(b.region));
    rows
}

fn on_off(value: bool, on: &'static str, off: &'static str) -> &'static str {
    if value { on } else { off }
}

/// Prints the report in the chosen mode on `out`, and approval steps on `err`.
pub fn print_status(
    out: &mut impl Write,
    err: &mut impl Write,
    report: &StatusReport,
    format: OutputFormat,
    presentation: &Presentation,
) -> anyhow::Result<()> {
    if presentation.quiet {
        uncovered_regions(out, report)?;
    } else {
        match format {
            OutputFormat::Table => {
                for project in &report.projects {
                    project_table(out, project, presentation)?;
                }
            }
            OutputFormat::Plain => plain(out, report, presentation.headers)?,
            OutputFormat::Json => {
                let doc = document(report);
                emit(out, &doc.to_string(), presentation)?;
            }
        }
    }
    for project in &report.projects {
        for provider in &project.providers {
            if let Some(why) = &provider.list_error {
                writeln!(
                    err,
                    "note: {} {}: the endpoints could not be listed ({why}); customer-key encryption is not enabled for this provider, so it is shown with none",
                    project.project_id,
                    provider.provider.as_api_str(),
                )?;
            }
            for approval in &provider.approvals {
                writeln!(
                    err,
                    "next step for {} {} {} {}: {}",
                    project.project_id,
                    provider.provider.as_api_str(),
                    printable(&approval.region),
                    printable(&approval.endpoint_id),
                    approval.step
                )?;
            }
        }
    }
    Ok(())
}

/// `-q`: each region a cluster uses without an ACTIVE endpoint, once, for `create --region`.
fn uncovered_regions(out: &mut impl Write, report: &StatusReport) -> io::Result<()> {
    let mut seen: Vec<&str> = Vec::new();
    for project in &report.projects {
        for provider in &project.providers {
            for gap in provider.coverage.iter().filter(|c| !c.covered) {
                if !seen.contains(&gap.region.as_str()) {
                    seen.push(&gap.region);
                    writeln!(out, "{}", printable(&gap.region))?;
                }
            }
        }
    }
    Ok(())
}

/// One project for people: its providers' settings, the regions table, the findings.
fn project_table(
    out: &mut impl Write,
    project: &ProjectStatus,
    presentation: &Presentation,
) -> io::Result<()> {
    writeln!(out, "project {}", project.project_id)?;
    for provider in &project.providers {
        writeln!(
            out,
            "  {:<6} customer-key encryption {}, private networking {}",
            provider.provider.as_api_str(),
            on_off(provider.setup.enabled, "enabled", "not enabled"),
            on_off(
                provider.setup.require_private_networking,
                "required",
                "not required"
            ),
        )?;
    }
    let mut table_rows = Vec::new();
    for provider in &project.providers {
        for row in rows(provider) {
            let status = row
                .endpoint
                .map_or("none", |_| row.endpoint_field("status"));
            table_rows.push(vec![
                provider.provider.as_api_str().to_string(),
                printable(row.region),
                printable(status),
                printable(&row.clusters()).replace(',', ", "),
                row.covered().to_string(),
            ]);
        }
    }
    if table_rows.is_empty() {
        writeln!(
            out,
            "  no endpoints, and no cluster has nodes on these providers"
        )?;
    } else {
        // The one layout of every table (`grid.rs`): regions and statuses are never cut, only
        // the cluster names give way on a narrow terminal.
        let grid = Grid {
            columns: vec![
                Column::key("PROVIDER"),
                Column::key("REGION"),
                Column::key("ENDPOINT"),
                Column::wrap("CLUSTERS", 16),
                Column::key("COVERED"),
            ],
            rows: table_rows,
            painted: Some((STATUS_COLUMN, status_color)),
        };
        write_grid(out, grid, &TableStyle::of(presentation))?;
    }
    for provider in &project.providers {
        for gap in provider.coverage.iter().filter(|c| c.finding) {
            writeln!(
                out,
                "finding: {} {}",
                provider.provider.as_api_str(),
                crate::commands::status::finding_message(gap)
            )?;
        }
    }
    Ok(())
}

/// `PROJECT PROVIDER ENCRYPTION PRIVATE_NETWORKING REGION ENDPOINT_ID STATUS CLUSTERS COVERED
/// FINDING`, one row per table row; a provider with no row still has one, its region empty,
/// so its settings are there for `cut`.
fn plain(out: &mut impl Write, report: &StatusReport, headers: bool) -> io::Result<()> {
    if headers {
        writeln!(
            out,
            "PROJECT\tPROVIDER\tENCRYPTION\tPRIVATE_NETWORKING\tREGION\tENDPOINT_ID\tSTATUS\tCLUSTERS\tCOVERED\tFINDING"
        )?;
    }
    for project in &report.projects {
        for provider in &project.providers {
            let settings = format!(
                "{}\t{}\t{}\t{}",
                project.project_id,
                provider.provider.as_api_str(),
                on_off(provider.setup.enabled, "enabled", "disabled"),
                on_off(
                    provider.setup.require_private_networking,
                    "required",
                    "not_required"
                ),
            );
            let rows = rows(provider);
            if rows.is_empty() {
                writeln!(out, "{settings}\t\t\t\t\t-\tno")?;
            }
            for row in rows {
                let finding = row.coverage.is_some_and(|c| c.finding);
                writeln!(
                    out,
                    "{settings}\t{}\t{}\t{}\t{}\t{}\t{}",
                    printable(row.region),
                    printable(row.endpoint_field("id")),
                    printable(row.endpoint_field("status")),
                    printable(&row.clusters()),
                    row.covered(),
                    on_off(finding, "yes", "no"),
                )?;
            }
        }
    }
    Ok(())
}

/// The `-o json` document; the README's "status JSON" section describes every key.
pub fn document(report: &StatusReport) -> Value {
    let projects: Vec<Value> = report
        .projects
        .iter()
        .map(|project| {
            json!({
                "projectId": project.project_id,
                "providers": project.providers.iter().map(provider_document).collect::<Vec<_>>(),
            })
        })
        .collect();
    let findings: Vec<Value> = report
        .findings()
        .into_iter()
        .map(|f| {
            json!({
                "projectId": f.project_id,
                "provider": f.provider.as_api_str(),
                "regionName": f.region,
                "clusters": f.clusters,
                "message": f.message,
            })
        })
        .collect();
    json!({ "projects": projects, "findings": findings })
}

fn provider_document(provider: &ProviderStatus) -> Value {
    let coverage: Vec<Value> = provider
        .coverage
        .iter()
        .map(|c| {
            let field = |name: &str| c.endpoint.as_ref().and_then(|e| e.get(name)).cloned();
            json!({
                "regionName": c.region,
                "clusters": c.clusters,
                "endpointId": field("id"),
                "endpointStatus": field("status"),
                "covered": c.covered,
                "finding": c.finding,
            })
        })
        .collect();
    let approvals: Vec<Value> = provider
        .approvals
        .iter()
        .map(|a| {
            json!({
                "endpointId": a.endpoint_id,
                "regionName": a.region,
                "privateEndpointConnectionName": a.connection_name,
                "command": a.command,
                "placeholders": (!a.missing.is_empty()).then_some(&a.missing),
            })
        })
        .collect();
    json!({
        "provider": provider.provider.as_api_str(),
        "encryptionEnabled": provider.setup.enabled,
        "requirePrivateNetworking": provider.setup.require_private_networking,
        "endpoints": provider.endpoints,
        "listError": provider.list_error,
        "coverage": coverage,
        "approvals": approvals,
    })
}
