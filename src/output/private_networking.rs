//! The result of `private-networking enable|disable` in each mode: a table and a sentence for
//! people, one JSON document (the README documents its keys), tab-separated fields, or with
//! `-q` the ids of the endpoints deleted first. The sentence goes to stderr when stdout is for
//! machines, so a script reads only the result.

use crate::commands::private_networking::{Flip, endpoints_count, key_service};
use crate::escape::printable;
use crate::output::grid::{Column, Grid, TableStyle, write_grid};
use crate::output::json::emit;
use crate::settings::OutputFormat;
use crate::settings::presentation::Presentation;
use serde_json::{Value, json};
use std::io::{self, Write};

pub fn print(
    out: &mut impl Write,
    err: &mut impl Write,
    flip: &Flip,
    format: OutputFormat,
    presentation: &Presentation,
) -> anyhow::Result<()> {
    if presentation.quiet {
        for endpoint in &flip.deleted {
            writeln!(out, "{}", printable(&endpoint.id))?;
        }
        return Ok(());
    }
    match format {
        OutputFormat::Json => {
            let doc = document(flip);
            emit(out, &doc.to_string(), presentation)?;
            writeln!(err, "{}", sentence(flip))?;
        }
        OutputFormat::Plain => {
            plain(out, flip, presentation.headers)?;
            writeln!(err, "{}", sentence(flip))?;
        }
        OutputFormat::Table => {
            table(out, flip, &TableStyle::of(presentation))?;
            writeln!(out, "{}", sentence(flip))?;
        }
    }
    Ok(())
}

/// What happened, in one line.
pub fn sentence(flip: &Flip) -> String {
    let state = |on: bool| if on { "required" } else { "not required" };
    let deleted = match flip.deleted.len() {
        0 => String::new(),
        n => format!(" after deleting its {}", endpoints_count(n)),
    };
    if flip.changed {
        format!(
            "Private networking to {} is {} in project {}{deleted}.",
            key_service(flip.provider),
            if flip.to {
                "now required"
            } else {
                "no longer required"
            },
            flip.project_id
        )
    } else {
        format!(
            "Private networking to {} is already {} in project {}; nothing was sent.",
            key_service(flip.provider),
            state(flip.to),
            flip.project_id
        )
    }
}

/// `{"projectId", "provider", "requirePrivateNetworking": {"from", "to"}, "changed",
/// "deletedEndpoints": [{"id", "region"}]}`.
pub fn document(flip: &Flip) -> Value {
    let deleted: Vec<Value> = flip
        .deleted
        .iter()
        .map(|e| json!({"id": e.id, "region": e.region}))
        .collect();
    json!({
        "projectId": flip.project_id,
        "provider": flip.provider.as_api_str(),
        "requirePrivateNetworking": {"from": flip.from, "to": flip.to},
        "changed": flip.changed,
        "deletedEndpoints": deleted,
    })
}

fn table(out: &mut impl Write, flip: &Flip, style: &TableStyle) -> io::Result<()> {
    // The project is named by the sentence under the table, which keeps it narrow.
    let grid = Grid {
        columns: vec![
            Column::key("PROVIDER"),
            Column::key("PRIVATE NETWORKING"),
            Column::key("CHANGE"),
        ],
        rows: vec![vec![
            flip.provider.as_api_str().to_string(),
            format!("{} -> {}", flip.from, flip.to),
            change_word(flip),
        ]],
        painted: None,
    };
    write_grid(out, grid, style)
}

fn plain(out: &mut impl Write, flip: &Flip, headers: bool) -> io::Result<()> {
    if headers {
        writeln!(out, "PROJECT\tPROVIDER\tFROM\tTO\tCHANGE")?;
    }
    writeln!(
        out,
        "{}\t{}\t{}\t{}\t{}",
        flip.project_id,
        flip.provider.as_api_str(),
        flip.from,
        flip.to,
        change_word(flip)
    )
}

fn change_word(flip: &Flip) -> String {
    match (flip.changed, flip.deleted.len()) {
        (false, _) => "none (already so)".into(),
        (true, 0) => "patched".into(),
        (true, n) => format!("deleted {n}, patched"),
    }
}
