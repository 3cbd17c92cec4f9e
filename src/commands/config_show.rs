//! `atlas-ear config show`: every resolved setting, its value and where it came from, so a
//! user can see why a run went where it went, with which credentials, without reading code.
//!
//! Secrets are shown only as a mask. The settings that only a flag can set (provider, output,
//! ...) report `flag` or `default`, read from clap's own record of the command line.

use crate::cli::{Cli, OutputFormat};
use crate::output::render::json_line;
use crate::secret::MASK;
use crate::settings::sources::{Source, Sourced, strongest};
use crate::settings::{Credentials, Settings};
use clap::CommandFactory;
use clap::parser::ValueSource;
use serde_json::{Map, Value, json};
use std::io::{self, Write};
use tabled::builder::Builder;
use tabled::settings::Style;

/// One line of the report.
#[derive(Debug, Clone)]
pub struct Row {
    pub name: &'static str,
    pub value: Option<String>,
    pub source: Option<Source>,
    /// A problem or a remark worth reading (an invalid value, a missing profile, ...).
    pub note: Option<String>,
}

impl Row {
    fn new(name: &'static str, value: Option<String>, source: Option<Source>) -> Row {
        Row {
            name,
            value,
            source,
            note: None,
        }
    }

    fn from_part<T>(
        name: &'static str,
        part: Option<&Sourced<T>>,
        shown: impl Fn(&T) -> String,
    ) -> Row {
        Row::new(
            name,
            part.map(|p| shown(&p.value)),
            part.map(|p| p.source.clone()),
        )
    }
}

/// Which of the flag-only settings were given on this command line.
pub type FlagGiven = dyn Fn(&str) -> bool;

/// Reads the current process's command line again to learn which flags were typed; clap has
/// already accepted it once, so this cannot fail in practice (and if it did, every such
/// setting would simply be reported as a default).
pub fn flags_from_command_line() -> impl Fn(&str) -> bool {
    let matches = Cli::command()
        .try_get_matches_from(std::env::args_os())
        .ok();
    move |id: &str| {
        let mut level = matches.as_ref();
        while let Some(m) = level {
            if m.try_contains_id(id).unwrap_or(false)
                && m.value_source(id) == Some(ValueSource::CommandLine)
            {
                return true;
            }
            level = m.subcommand().map(|(_, sub)| sub);
        }
        false
    }
}

/// Builds the report from resolved settings.
pub fn rows(settings: &Settings, flag_given: &FlagGiven) -> Vec<Row> {
    let p = &settings.provenance;
    let mut rows = Vec::new();

    let mut profile = Row::new(
        "profile",
        Some(p.profile.name.clone()),
        Some(p.profile.source.clone()),
    );
    profile.note = Some(match (&p.profile_file, p.profile_found) {
        (Some(file), true) => format!("read from {}", file.display()),
        (Some(file), false) => format!("not found in {}; no profile values used", file.display()),
        (None, _) => "no Atlas CLI configuration directory is known".into(),
    });
    rows.push(profile);

    rows.push(Row::new(
        "base_url",
        Some(settings.base_url.as_str().trim_end_matches('/').to_string()),
        Some(p.base_url.clone()),
    ));

    let mut project = Row::from_part("project_id", p.project_id.as_ref(), Clone::clone);
    if let Err(e) = settings.project_id() {
        project.note = Some(e.0);
    }
    rows.push(project);

    rows.push(auth_row(settings));
    let c = &p.credentials;
    rows.push(Row::from_part(
        "public_key",
        c.public_key.as_ref(),
        Clone::clone,
    ));
    rows.push(Row::from_part(
        "private_key",
        c.private_key.as_ref(),
        |_| MASK.to_string(),
    ));
    rows.push(Row::from_part(
        "client_id",
        c.client_id.as_ref(),
        Clone::clone,
    ));
    rows.push(Row::from_part(
        "client_secret",
        c.client_secret.as_ref(),
        |_| MASK.to_string(),
    ));
    rows.push(Row::new(
        "token_cache",
        settings
            .token_cache_dir
            .as_ref()
            .map(|d| d.display().to_string()),
        settings.token_cache_dir.as_ref().map(|_| Source::Default),
    ));

    let flag_or_default = |id: &str, flag: &'static str| {
        if flag_given(id) {
            Source::Flag(flag)
        } else {
            Source::Default
        }
    };
    let plain: [(&'static str, &str, &'static str, String); 5] = [
        (
            "provider",
            "provider",
            "--provider",
            settings.provider.as_api_str().to_ascii_lowercase(),
        ),
        (
            "api_version",
            "api_version",
            "--api-version",
            settings.api_version.clone(),
        ),
        (
            "output",
            "output",
            "--output",
            format!("{:?}", settings.output).to_ascii_lowercase(),
        ),
        (
            "retries",
            "retries",
            "--retries",
            settings.retries.to_string(),
        ),
        (
            "request_timeout",
            "request_timeout",
            "--request-timeout",
            humantime::format_duration(settings.request_timeout).to_string(),
        ),
    ];
    for (name, id, flag, value) in plain {
        rows.push(Row::new(name, Some(value), Some(flag_or_default(id, flag))));
    }
    rows
}

/// Which credential kind will be used, from where; or why none can be.
fn auth_row(settings: &Settings) -> Row {
    let c = &settings.provenance.credentials;
    let best = |a: Option<&Source>, b: Option<&Source>| strongest([a, b]).cloned();
    match settings.credentials() {
        Ok(Credentials::ApiKey { .. }) => Row::new(
            "auth",
            Some("API key".into()),
            best(
                c.public_key.as_ref().map(|s| &s.source),
                c.private_key.as_ref().map(|s| &s.source),
            ),
        ),
        Ok(Credentials::ServiceAccount { .. }) => Row::new(
            "auth",
            Some("service account".into()),
            best(
                c.client_id.as_ref().map(|s| &s.source),
                c.client_secret.as_ref().map(|s| &s.source),
            ),
        ),
        Err(e) => Row {
            note: Some(e.0),
            ..Row::new("auth", None, None)
        },
    }
}

/// Prints the report as a table (notes below it) or as one JSON object keyed by setting.
pub fn print(out: &mut impl Write, rows: &[Row], format: OutputFormat) -> io::Result<()> {
    match format {
        OutputFormat::Json => json_line(out, &to_json(rows)),
        OutputFormat::Plain => print_plain(out, rows, true),
        OutputFormat::Table => {
            let mut builder = Builder::default();
            builder.push_record(["SETTING", "VALUE", "SOURCE"]);
            for row in rows {
                builder.push_record([
                    row.name.to_string(),
                    row.value.clone().unwrap_or_else(|| "(not set)".into()),
                    row.source
                        .as_ref()
                        .map_or_else(|| "-".into(), ToString::to_string),
                ]);
            }
            let mut table = builder.build();
            table.with(Style::rounded());
            writeln!(out, "{table}")?;
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
    use crate::cli::Cli;
    use crate::settings::sources::Env;
    use clap::Parser;

    fn settings(args: &[&str], env: &[(&str, &str)]) -> Settings {
        let cli = Cli::try_parse_from(args).unwrap();
        Settings::resolve_in(&cli.global, &Env::from_pairs(env.iter().copied())).unwrap()
    }

    #[test]
    fn secrets_are_masked_and_sources_named() {
        let s = settings(
            &["atlas-ear", "--client-id", "mdb_sa_id_1", "config", "show"],
            &[
                ("HOME", "/nonexistent-home"),
                ("MONGODB_ATLAS_CLIENT_SECRET", "mdb_sa_sk_topsecret"),
                ("MONGODB_ATLAS_PRIVATE_KEY", "private-sentinel"),
                ("MONGODB_ATLAS_PUBLIC_KEY", "abcdefgh"),
            ],
        );
        let rows = rows(&s, &|id| id == "provider");
        let mut table = Vec::new();
        print(&mut table, &rows, OutputFormat::Table).unwrap();
        let table = String::from_utf8(table).unwrap();
        let mut doc = Vec::new();
        print(&mut doc, &rows, OutputFormat::Json).unwrap();
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
