//! How what a command found out about each endpoint (a region of `create`, an id of `wait`) is
//! printed; `commands/outcome.rs` adds it up to the one exit code.
//!
//! Every endpoint known to exist is printed, whatever else failed, so that nothing the user
//! created on the server is missing from the output. Stdout carries only the result in the
//! chosen format; notes and per-target errors go to stderr.

use crate::api::{EndpointView, RawEndpoint};
use crate::commands::outcome::{Outcome, Shape, cut_short};
use crate::output::json::emit;
use crate::output::render;
use crate::output::table::{TableStyle, write_table};
use crate::settings::OutputFormat;
use crate::settings::presentation::Presentation;
use serde_json::{Value, json};
use std::io::Write;

/// Prints the result to `out` (stdout) and notes and per-target errors to `err` (stderr), in
/// the output mode chosen: table, plain, JSON (filtered by `--jq` when given) or ids (`-q`).
pub fn print(
    out: &mut impl Write,
    err: &mut impl Write,
    outcomes: &[Outcome],
    shape: Shape,
    format: OutputFormat,
    presentation: &Presentation,
) -> anyhow::Result<()> {
    let present: Vec<&RawEndpoint> = outcomes
        .iter()
        .filter(|o| !o.gone)
        .filter_map(|o| o.endpoint.as_ref())
        .collect();
    let views: Vec<EndpointView> = present
        .iter()
        .map(|e| EndpointView::from_json(&Value::Object(e.value.clone())))
        .collect();
    let gone: Vec<String> = outcomes
        .iter()
        .filter(|o| o.gone)
        .map(|o| format!("{}: deleted (Atlas no longer knows it).", o.label()))
        .collect();
    // People read tables; everything else is for machines, so remarks go to stderr.
    let for_people = format == OutputFormat::Table && !presentation.quiet;
    if presentation.quiet {
        render::endpoint_ids(out, &views)?;
    } else {
        match (format, shape) {
            (OutputFormat::Table, _) => {
                if !present.is_empty() {
                    write_table(out, &views, &table_style(presentation))?;
                }
            }
            (OutputFormat::Plain, _) => render::endpoints_plain(out, &views, presentation.headers)?,
            (OutputFormat::Json, Shape::Single) => {
                if let Some(endpoint) = present.first() {
                    print_one_json(out, endpoint, presentation)?;
                }
            }
            (OutputFormat::Json, Shape::Many { existing, deleted }) => {
                let doc = many_document(outcomes, existing, deleted);
                emit(out, &doc.to_string(), presentation)?;
            }
        }
    }
    // A table is read by a person, so gone endpoints are said there; otherwise stdout stays a
    // document (`-o json` of a deleted endpoint prints nothing, like `delete -o json`), and the
    // JSON document of several targets lists them under "deleted" itself.
    let gone_on_stdout = for_people;
    let gone_in_document =
        !presentation.quiet && matches!(shape, Shape::Many { .. }) && format == OutputFormat::Json;
    for line in gone.iter().filter(|_| !gone_in_document) {
        if gone_on_stdout {
            writeln!(out, "{line}")?;
        } else {
            writeln!(err, "{line}")?;
        }
    }
    print_remarks(err, outcomes, shape)
}

fn table_style(presentation: &Presentation) -> TableStyle {
    TableStyle::of(presentation)
}

/// One endpoint as `get -o json` prints it: the body exactly as received when there is one.
fn print_one_json(
    out: &mut impl Write,
    endpoint: &RawEndpoint,
    presentation: &Presentation,
) -> anyhow::Result<()> {
    emit(out, &render::endpoint_text(endpoint), presentation)
}

/// Next steps, notes, and with several targets each one's error.
fn print_remarks(err: &mut impl Write, outcomes: &[Outcome], shape: Shape) -> anyhow::Result<()> {
    for o in outcomes {
        // A next step is said to the person, never mixed into the result: stderr in every mode.
        if let Some(step) = &o.next_step {
            writeln!(err, "next step for {}: {step}", o.label())?;
        }
        for note in &o.notes {
            writeln!(err, "note: {}: {note}", o.target.name())?;
        }
    }
    if matches!(shape, Shape::Many { .. }) {
        // A wait cut short by Ctrl-C is no error; the summary after the output names it.
        for o in outcomes.iter().filter(|o| !cut_short(o)) {
            if let Some(problem) = &o.problem {
                writeln!(err, "error: {}: {}", o.target.name(), problem.message)?;
            }
        }
    }
    Ok(())
}

/// `{"results": [...], "existing": [...], "deleted": [...], "errors": [...]}`; the README
/// documents each key.
fn many_document(outcomes: &[Outcome], existing: bool, deleted: bool) -> Value {
    let results: Vec<Value> = outcomes
        .iter()
        .filter(|o| !o.gone)
        .filter_map(|o| o.endpoint.as_ref())
        .map(|e| Value::Object(e.value.clone()))
        .collect();
    let ids = |keep: fn(&Outcome) -> bool| -> Vec<Value> {
        outcomes
            .iter()
            .filter(|o| keep(o))
            .filter_map(|o| o.endpoint_id().map(Value::from))
            .collect()
    };
    let errors: Vec<Value> = outcomes
        .iter()
        .filter_map(|o| {
            let p = o.problem.as_ref()?;
            Some(json!({
                "region": o.region(),
                "endpointId": o.id(),
                "reason": p.reason.as_str(),
                "status": p.http_status,
                "errorCode": p.error_code,
                "detail": p.detail,
            }))
        })
        .collect();
    let mut doc = serde_json::Map::new();
    doc.insert("results".into(), Value::Array(results));
    if existing {
        doc.insert("existing".into(), Value::Array(ids(|o| o.existing)));
    }
    if deleted {
        doc.insert("deleted".into(), Value::Array(ids(|o| o.gone)));
    }
    doc.insert("errors".into(), Value::Array(errors));
    Value::Object(doc)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::outcome::{Problem, Reason, Target, conclude};
    use crate::errors::exit_code;

    fn endpoint(id: &str, region: &str, status: &str) -> RawEndpoint {
        let value =
            json!({"id": id, "regionName": region, "status": status, "cloudProvider": "AWS"});
        let Value::Object(map) = value else {
            unreachable!()
        };
        RawEndpoint {
            value: map,
            body: None,
        }
    }

    fn outcomes() -> Vec<Outcome> {
        let mut created = Outcome::new(Target::Region("US_EAST_1".into()));
        created.endpoint = Some(endpoint("aaaaaaaaaaaaaaaaaaaaaaaa", "US_EAST_1", "ACTIVE"));
        let mut existing = Outcome::new(Target::Region("EU_WEST_1".into()));
        existing.endpoint = Some(endpoint("bbbbbbbbbbbbbbbbbbbbbbbb", "EU_WEST_1", "FAILED"));
        existing.existing = true;
        existing.problem = Some(Problem::new(Reason::EndpointFailed, 8, "boom"));
        let mut refused = Outcome::new(Target::Region("AP_SOUTH_1".into()));
        refused.problem = Some(Problem {
            http_status: Some(409),
            error_code: Some("CONFLICT".into()),
            ..Problem::new(Reason::ApiError, 5, "exists")
        });
        vec![created, existing, refused]
    }

    #[test]
    fn many_document_lists_results_existing_and_errors() {
        let doc = many_document(&outcomes(), true, false);
        assert_eq!(doc["results"].as_array().unwrap().len(), 2);
        assert_eq!(doc["existing"], json!(["bbbbbbbbbbbbbbbbbbbbbbbb"]));
        assert!(doc.get("deleted").is_none());
        let errors = doc["errors"].as_array().unwrap();
        assert_eq!(errors.len(), 2);
        assert_eq!(errors[0]["reason"], "endpoint_failed");
        assert_eq!(errors[0]["endpointId"], "bbbbbbbbbbbbbbbbbbbbbbbb");
        assert_eq!(errors[1]["region"], "AP_SOUTH_1");
        assert_eq!(errors[1]["status"], 409);
        assert_eq!(errors[1]["errorCode"], "CONFLICT");
        assert_eq!(errors[1]["endpointId"], Value::Null);
    }

    #[test]
    fn exit_code_is_the_first_failure_in_order_or_130() {
        let all = outcomes();
        let err = conclude(&all, false, None).unwrap_err();
        assert_eq!(exit_code(&err), 8);
        assert!(err.to_string().contains("2 of 3 regions"), "{err}");
        assert_eq!(exit_code(&conclude(&all, true, None).unwrap_err()), 130);
        assert!(conclude(&all[..1], false, None).is_ok());
        let err = conclude(&all[2..], false, None).unwrap_err();
        assert_eq!(exit_code(&err), 5);
        assert_eq!(err.to_string(), "exists");
    }

    #[test]
    fn table_keeps_every_known_endpoint_and_errors_go_to_stderr() {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let shape = Shape::Many {
            existing: true,
            deleted: false,
        };
        let presentation = Presentation::default();
        print(
            &mut out,
            &mut err,
            &outcomes(),
            shape,
            OutputFormat::Table,
            &presentation,
        )
        .unwrap();
        let (out, err) = (
            String::from_utf8(out).unwrap(),
            String::from_utf8(err).unwrap(),
        );
        assert!(
            out.contains("aaaaaaaaaaaaaaaaaaaaaaaa") && out.contains("bbbbbbbbbbbbbbbbbbbbbbbb")
        );
        assert!(err.contains("error: EU_WEST_1: boom"), "{err}");
        assert!(err.contains("error: AP_SOUTH_1: exists"), "{err}");
    }
}
