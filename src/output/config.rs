//! `config show` as people and scripts read it: a table with notes under it, plain
//! `SETTING<TAB>VALUE<TAB>SOURCE` lines, or one JSON object keyed by setting.

use crate::commands::config_show::Row;
use crate::output::grid::{Column, Grid, TableStyle, write_grid};
use crate::output::render::json_line;
use crate::settings::OutputFormat;
use crate::settings::sources::Source;
use serde_json::{Map, Value, json};
use std::io::{self, Write};

/// The value is kept whole (it may be an id or a URL to copy); where it came from wraps.
const COLUMNS: [Column; 3] = [
    Column::key("SETTING"),
    Column::key("VALUE"),
    Column::wrap("SOURCE", 16),
];

/// Prints the report as a table fitted to `style` (notes below it) or as one JSON object keyed
/// by setting.
pub fn print(
    out: &mut impl Write,
    rows: &[Row],
    format: OutputFormat,
    style: &TableStyle,
) -> io::Result<()> {
    match format {
        OutputFormat::Json => json_line(out, &to_json(rows)),
        OutputFormat::Plain => print_plain(out, rows, true),
        OutputFormat::Table => {
            let cells = rows
                .iter()
                .map(|row| {
                    vec![
                        row.name.to_string(),
                        row.value.clone().unwrap_or_else(|| "(not set)".into()),
                        row.source
                            .as_ref()
                            .map_or_else(|| "-".into(), ToString::to_string),
                    ]
                })
                .collect();
            let grid = Grid {
                columns: COLUMNS.to_vec(),
                rows: cells,
                painted: None,
            };
            write_grid(out, grid, style)?;
            for row in rows {
                if let Some(note) = &row.note {
                    writeln!(out, "{}: {note}", row.name)?;
                }
            }
            Ok(())
        }
    }
}

/// `-o plain`: `SETTING<TAB>VALUE<TAB>SOURCE` lines (an unset value or source is an empty
/// field); notes are left to the caller, so every line is one setting.
pub fn print_plain(out: &mut impl Write, rows: &[Row], headers: bool) -> io::Result<()> {
    if headers {
        writeln!(out, "SETTING\tVALUE\tSOURCE")?;
    }
    for row in rows {
        let source = row.source.as_ref().map(ToString::to_string);
        writeln!(
            out,
            "{}\t{}\t{}",
            row.name,
            row.value.as_deref().unwrap_or(""),
            source.as_deref().unwrap_or("")
        )?;
    }
    Ok(())
}

/// `{"base_url": {"value": "...", "source": "env", "name": "MONGODB_ATLAS_BASE_URL"}, ...}`.
pub fn to_json(rows: &[Row]) -> Value {
    let mut doc = Map::new();
    for row in rows {
        let mut entry = Map::new();
        entry.insert("value".into(), json!(row.value));
        match &row.source {
            None => {
                entry.insert("source".into(), Value::Null);
            }
            Some(source) => {
                entry.insert("source".into(), json!(source.kind()));
                match source {
                    Source::Flag(name) | Source::Env(name) => {
                        entry.insert("name".into(), json!(name));
                    }
                    Source::Profile {
                        name,
                        path,
                        key,
                        line,
                    } => {
                        entry.insert("profile".into(), json!(name));
                        entry.insert("file".into(), json!(path.display().to_string()));
                        entry.insert("key".into(), json!(key));
                        entry.insert("line".into(), json!(line));
                    }
                    Source::Default => {}
                }
            }
        }
        if let Some(note) = &row.note {
            entry.insert("note".into(), json!(note));
        }
        doc.insert(row.name.into(), Value::Object(entry));
    }
    Value::Object(doc)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::config_show::rows;
    use crate::secret::MASK;
    use crate::settings::Settings;
    use crate::settings::sources::Env;

    fn settings(args: &[&str], env: &[(&str, &str)]) -> Settings {
        let parsed = crate::cli::help::try_parse_from(args).unwrap();
        let env = Env::from_pairs(env.iter().copied());
        Settings::resolve_in(&parsed.cli.global, &env, parsed.typed_flags).unwrap()
    }

    #[test]
    fn secrets_are_masked_and_sources_named() {
        let s = settings(
            &[
                "atlas-ear",
                "--client-id",
                "mdb_sa_id_1",
                "--provider",
                "aws",
                "config",
                "show",
            ],
            &[
                ("HOME", "/nonexistent-home"),
                ("MONGODB_ATLAS_CLIENT_SECRET", "mdb_sa_sk_topsecret"),
                ("MONGODB_ATLAS_PRIVATE_KEY", "private-sentinel"),
                ("MONGODB_ATLAS_PUBLIC_KEY", "abcdefgh"),
            ],
        );
        let rows = rows(&s);
        let mut table = Vec::new();
        print(
            &mut table,
            &rows,
            OutputFormat::Table,
            &TableStyle::default(),
        )
        .unwrap();
        let table = String::from_utf8(table).unwrap();
        let mut doc = Vec::new();
        print(&mut doc, &rows, OutputFormat::Json, &TableStyle::default()).unwrap();
        let doc: Value = serde_json::from_slice(&doc).unwrap();
        for text in [&table, &doc.to_string()] {
            assert!(
                !text.contains("topsecret") && !text.contains("private-sentinel"),
                "{text}"
            );
        }
        assert_eq!(doc["client_secret"]["value"], MASK);
        assert_eq!(doc["client_secret"]["name"], "MONGODB_ATLAS_CLIENT_SECRET");
        assert_eq!(doc["private_key"]["name"], "MONGODB_ATLAS_PRIVATE_KEY");
        assert_eq!(doc["auth"]["value"], "service account");
        assert_eq!(doc["auth"]["source"], "flag");
        assert_eq!(doc["provider"]["source"], "flag");
        assert_eq!(doc["output"]["source"], "default");
        assert_eq!(doc["project_id"]["value"], Value::Null);
        assert!(
            doc["project_id"]["note"]
                .as_str()
                .unwrap()
                .contains("--project-id")
        );
        assert!(table.contains("flag --client-id"), "{table}");
    }
}
