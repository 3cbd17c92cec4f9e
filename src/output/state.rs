//! `plan` and `apply` as people and scripts read them: a plan as lines like `terraform plan`
//! prints (`+ create`, `= keep`, `~ replace`, `> wait`, `- delete`) with a summary line, and the
//! report of an apply as a table; both as one JSON document or tab-separated lines.

use crate::api::EndpointView;
use crate::commands::apply::{Applied, ApplyReport};
use crate::commands::declared::{Action, Change, Diff};
use crate::escape::printable;
use crate::output::grid::{Column, Grid, TableStyle, write_grid};
use crate::output::json::emit;
use crate::output::table::status_color;
use crate::output::text::{text_width, wrap_words};
use crate::settings::OutputFormat;
use crate::settings::presentation::Presentation;
use serde_json::{Value, json};
use std::io::{self, Write};

/// The summary line: `3 to create, 1 to replace, 0 to delete, 5 unchanged`.
pub fn summary_line(diff: &Diff) -> String {
    let s = diff.summary();
    let mut line = format!(
        "{} to create, {} to replace, {} to delete, {} unchanged",
        s.create, s.replace, s.delete, s.unchanged
    );
    if s.unmanaged > 0 {
        line.push_str(&format!(" ({} not managed, kept)", s.unmanaged));
    }
    line
}

fn words(action: Action) -> &'static str {
    match action {
        Action::Create => "create",
        Action::Keep => "keep",
        Action::Replace => "replace",
        Action::AwaitDeletion => "wait",
        Action::Delete => "delete",
        Action::Unmanaged => "not managed, kept",
    }
}

/// One plan line after its sign and words: region, endpoint id and what it is now; and the
/// error message of an endpoint to replace, the one free text of a plan.
fn detail(change: &Change) -> (String, Option<String>) {
    let id = change
        .endpoint_field("id")
        .map(printable)
        .unwrap_or_default();
    let status = change
        .endpoint_field("status")
        .map(printable)
        .unwrap_or_default();
    let (what, error) = match change.action {
        Action::Create => (String::new(), None),
        Action::Replace => (
            format!("{status}:"),
            Some(printable(
                change
                    .endpoint_field("errorMessage")
                    .unwrap_or("Atlas gave no errorMessage"),
            )),
        ),
        Action::AwaitDeletion => (format!("{status}, then create"), None),
        _ => (status, None),
    };
    let what = if change.from_clusters.is_empty() {
        what
    } else {
        let names: Vec<String> = change.from_clusters.iter().map(|n| printable(n)).collect();
        format!("{what} (from clusters: {})", names.join(", "))
    };
    let head = format!("{:<14} {id:<24} {what}", printable(&change.region))
        .trim_end()
        .to_string();
    (head, error)
}

/// Where an error message too long for its plan line continues: under the line, indented.
const PLAN_ERROR_INDENT: &str = "      ";

/// The plan for people: a heading per project and provider, one line per region, the summary.
/// Within `width` (a terminal), an error message that would make its line longer goes on
/// indented lines under it, wrapped; regions, ids and statuses stay on the line, whole.
pub fn write_plan_lines(out: &mut dyn Write, diff: &Diff, width: Option<usize>) -> io::Result<()> {
    let mut heading: Option<(&str, &str)> = None;
    for change in &diff.changes {
        let this = (change.project_id.as_str(), change.provider.as_api_str());
        if heading != Some(this) {
            writeln!(out, "project {} {}:", this.0, this.1)?;
            heading = Some(this);
        }
        let (head, error) = detail(change);
        let line = format!(
            "  {} {:<8} {head}",
            change.action.symbol(),
            words(change.action)
        );
        match (error, width) {
            (Some(error), Some(width)) if text_width(&line) + 1 + text_width(&error) > width => {
                writeln!(out, "{line}")?;
                let room = width.saturating_sub(PLAN_ERROR_INDENT.len()).max(20);
                for piece in wrap_words(&error, room).lines() {
                    writeln!(out, "{PLAN_ERROR_INDENT}{piece}")?;
                }
            }
            (Some(error), _) => writeln!(out, "{line} {error}")?,
            (None, _) => writeln!(out, "{line}")?,
        }
    }
    if diff.changes.is_empty() {
        writeln!(out, "nothing is declared")?;
    }
    writeln!(out, "{}", summary_line(diff))
}

/// The plan as JSON; the README documents every key.
pub fn plan_document(diff: &Diff) -> Value {
    let changes: Vec<Value> = diff
        .changes
        .iter()
        .map(|c| {
            let mut change = json!({
                "project": c.project_id,
                "provider": c.provider.as_api_str(),
                "region": c.region,
                "action": c.action.name(),
                "endpointId": c.endpoint_field("id"),
                "status": c.endpoint_field("status"),
                "errorMessage": c.endpoint_field("errorMessage"),
            });
            // Only regions that --cover-clusters added carry it, so other plans read as before.
            if !c.from_clusters.is_empty() {
                change["fromClusters"] = json!(c.from_clusters);
            }
            change
        })
        .collect();
    let s = diff.summary();
    json!({
        "changes": changes,
        "summary": {
            "create": s.create,
            "replace": s.replace,
            "delete": s.delete,
            "unchanged": s.unchanged,
            "unmanaged": s.unmanaged,
        },
        "hasChanges": diff.has_changes(),
    })
}

/// `plan` in the chosen mode. `-q` prints nothing: the exit code (`--exit-code`) is the answer.
pub fn print_plan(
    out: &mut impl Write,
    diff: &Diff,
    format: OutputFormat,
    presentation: &Presentation,
) -> anyhow::Result<()> {
    if presentation.quiet {
        return Ok(());
    }
    match format {
        OutputFormat::Table => write_plan_lines(out, diff, presentation.width)?,
        OutputFormat::Json => {
            let doc = plan_document(diff);
            emit(out, &doc.to_string(), presentation)?;
        }
        OutputFormat::Plain => {
            if presentation.headers {
                writeln!(
                    out,
                    "PROJECT\tPROVIDER\tACTION\tREGION\tENDPOINT_ID\tSTATUS"
                )?;
            }
            for c in &diff.changes {
                writeln!(
                    out,
                    "{}\t{}\t{}\t{}\t{}\t{}",
                    c.project_id,
                    c.provider.as_api_str(),
                    c.action.name(),
                    printable(&c.region),
                    c.endpoint_field("id").map(printable).unwrap_or_default(),
                    c.endpoint_field("status")
                        .map(printable)
                        .unwrap_or_default(),
                )?;
            }
        }
    }
    Ok(())
}

fn view(item: &Applied) -> EndpointView {
    let value = item
        .outcome
        .endpoint
        .as_ref()
        .map(|e| Value::Object(e.value.clone()))
        .unwrap_or(Value::Null);
    EndpointView::from_json(&value)
}

/// What a region ended as, in a table or a plain line.
fn shown_status(item: &Applied) -> String {
    if item.outcome.gone {
        "deleted".into()
    } else if item.outcome.problem.is_some() && item.outcome.endpoint.is_none() {
        "-".into()
    } else {
        view(item).status
    }
}

/// The report of `apply` in the chosen mode, on `out`; per-region notes and errors on `err`.
pub fn print_applied(
    out: &mut impl Write,
    err: &mut impl Write,
    report: &ApplyReport,
    format: OutputFormat,
    presentation: &Presentation,
) -> anyhow::Result<()> {
    if presentation.quiet {
        for item in report.items.iter().filter(|i| !i.outcome.gone) {
            let id = view(item).id;
            if !id.is_empty() {
                writeln!(out, "{id}")?;
            }
        }
    } else {
        match format {
            OutputFormat::Table => {
                let style = TableStyle::of(presentation);
                applied_table(out, report, &style)?
            }
            OutputFormat::Json => {
                let doc = applied_document(report);
                emit(out, &doc.to_string(), presentation)?;
            }
            OutputFormat::Plain => applied_plain(out, report, presentation.headers)?,
        }
    }
    for item in &report.items {
        let name = format!(
            "{} {} {}",
            item.project_id,
            item.provider.as_api_str(),
            item.outcome.target.name()
        );
        if let Some(step) = &item.outcome.next_step {
            writeln!(err, "next step for {name}: {step}")?;
        }
        for note in &item.outcome.notes {
            writeln!(err, "note: {name}: {note}")?;
        }
        if let Some(problem) = &item.outcome.problem {
            writeln!(err, "error: {name}: {}", problem.message)?;
        }
    }
    Ok(())
}

/// The project and the provider become captions when every region shares them.
const APPLIED_COLUMNS: [Column; 6] = [
    Column::context("PROJECT"),
    Column::context("PROVIDER"),
    Column::key("REGION"),
    Column::key("ACTION"),
    Column::key("ID"),
    Column::key("STATUS"),
];

fn applied_table(out: &mut impl Write, report: &ApplyReport, style: &TableStyle) -> io::Result<()> {
    if report.items.is_empty() {
        return writeln!(out, "nothing was applied");
    }
    let rows = report
        .items
        .iter()
        .map(|item| {
            vec![
                item.project_id.clone(),
                item.provider.as_api_str().to_string(),
                printable(item.outcome.target.name()),
                item.action.name().to_string(),
                view(item).id,
                shown_status(item),
            ]
        })
        .collect();
    let grid = Grid {
        columns: APPLIED_COLUMNS.to_vec(),
        rows,
        painted: Some((5, status_color)),
    };
    write_grid(out, grid, style)
}

fn applied_plain(out: &mut impl Write, report: &ApplyReport, headers: bool) -> io::Result<()> {
    if headers {
        writeln!(out, "PROJECT\tPROVIDER\tREGION\tACTION\tID\tSTATUS")?;
    }
    for item in &report.items {
        writeln!(
            out,
            "{}\t{}\t{}\t{}\t{}\t{}",
            item.project_id,
            item.provider.as_api_str(),
            printable(item.outcome.target.name()),
            item.action.name(),
            view(item).id,
            shown_status(item)
        )?;
    }
    Ok(())
}

/// `{"results": [...], "errors": [...]}`; the README documents each key.
pub fn applied_document(report: &ApplyReport) -> Value {
    let results: Vec<Value> = report
        .items
        .iter()
        .map(|item| {
            json!({
                "project": item.project_id,
                "provider": item.provider.as_api_str(),
                "region": item.outcome.target.name(),
                "action": item.action.name(),
                "endpointId": item.outcome.endpoint_id(),
                "status": if item.outcome.gone { Some("DELETED") } else { item.outcome.status() },
                "endpoint": item.outcome.endpoint.as_ref().map(|e| Value::Object(e.value.clone())),
            })
        })
        .collect();
    let errors: Vec<Value> = report
        .items
        .iter()
        .filter_map(|item| {
            let p = item.outcome.problem.as_ref()?;
            Some(json!({
                "project": item.project_id,
                "provider": item.provider.as_api_str(),
                "region": item.outcome.target.name(),
                "endpointId": item.outcome.endpoint_id(),
                "reason": p.reason.as_str(),
                "status": p.http_status,
                "errorCode": p.error_code,
                "detail": p.detail,
            }))
        })
        .collect();
    json!({"results": results, "errors": errors})
}
