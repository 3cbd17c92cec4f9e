//! The declared state of `plan` and `apply`: which regions each project must have, per
//! provider, read from a TOML file (the Atlas CLI's own configuration format) or given for one
//! project on the command line.
//!
//! Every problem in the file is found here, before any request, and reported together with file,
//! line and column: unknown keys, a project id that is not 24 hex characters, an unknown region
//! (with the suggestion `create` gives), a region or a project named twice, an empty file.

use crate::errors::UsageError;
use crate::escape::printable_snippet;
use crate::regions::{Provider, resolve_region};
use crate::settings::validate_object_id;
use std::path::Path;
use toml::de::{DeArray, DeTable, DeValue};

/// The regions a project must have for each provider it names. A provider left out is `None`:
/// it is left alone, while `Some(vec![])` means "no endpoints" (with `--prune`, delete them all).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DesiredProject {
    pub id: String,
    pub aws: Option<Vec<String>>,
    pub azure: Option<Vec<String>>,
}

impl DesiredProject {
    /// The providers this project names, with their regions, AWS first.
    pub fn providers(&self) -> Vec<(Provider, &[String])> {
        let mut named = Vec::new();
        if let Some(regions) = &self.aws {
            named.push((Provider::Aws, regions.as_slice()));
        }
        if let Some(regions) = &self.azure {
            named.push((Provider::Azure, regions.as_slice()));
        }
        named
    }
}

/// Every project of a declaration, in the order given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DesiredState {
    pub projects: Vec<DesiredProject>,
    /// Where it came from, for messages: a file path, or the command line.
    pub origin: String,
}

/// Reads and checks a desired-state file.
pub fn read_file(path: &Path) -> Result<DesiredState, UsageError> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        UsageError(format!(
            "cannot read the desired-state file {}: {e} (pass -f FILE, or --region with --project-id)",
            path.display()
        ))
    })?;
    parse(&text, &path.display().to_string())
}

/// The one-project form: `--project-id P --region A,B [--provider azure]`.
pub fn from_flags(project_id: &str, provider: Provider, regions: Vec<String>) -> DesiredState {
    let (aws, azure) = match provider {
        Provider::Aws => (Some(regions), None),
        Provider::Azure => (None, Some(regions)),
    };
    DesiredState {
        projects: vec![DesiredProject {
            id: project_id.to_string(),
            aws,
            azure,
        }],
        origin: "the command line".into(),
    }
}

/// Parses desired-state text; `origin` names the file in messages.
pub fn parse(text: &str, origin: &str) -> Result<DesiredState, UsageError> {
    let mut reader = Reader {
        text,
        origin,
        problems: Vec::new(),
    };
    let document = DeTable::parse(text).map_err(|e| {
        let offset = e.span().map_or(0, |span| span.start);
        UsageError(reader.at(offset, e.message().trim()))
    })?;
    let projects = reader.projects(document.get_ref());
    if reader.problems.is_empty() && projects.is_empty() {
        reader.problems.push(format!(
            "{origin}: declares no project; add a [[project]] table with an id and aws or azure regions"
        ));
    }
    if reader.problems.is_empty() {
        Ok(DesiredState {
            projects,
            origin: origin.to_string(),
        })
    } else {
        Err(UsageError(reader.problems.join("\n")))
    }
}

/// Collects every problem of one file rather than stopping at the first.
struct Reader<'a> {
    text: &'a str,
    origin: &'a str,
    problems: Vec<String>,
}

impl Reader<'_> {
    /// `file:line:column: message`.
    fn at(&self, offset: usize, message: &str) -> String {
        let before = &self.text[..offset.min(self.text.len())];
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        format!("{}:{line}:{column}: {message}", self.origin)
    }

    fn problem(&mut self, offset: usize, message: &str) {
        let located = self.at(offset, message);
        self.problems.push(located);
    }

    fn projects(&mut self, document: &DeTable<'_>) -> Vec<DesiredProject> {
        let mut projects: Vec<DesiredProject> = Vec::new();
        for (key, value) in document.iter() {
            let name = key.get_ref().as_ref();
            if name != "project" {
                self.problem(
                    key.span().start,
                    &format!(
                        "unknown key '{}'; the file holds [[project]] tables",
                        printable_snippet(name.as_bytes(), 40)
                    ),
                );
                continue;
            }
            let DeValue::Array(tables) = value.get_ref() else {
                self.problem(value.span().start, "'project' must be [[project]] tables");
                continue;
            };
            for table in tables.iter() {
                let Some(project) = self.project(table) else {
                    continue;
                };
                if projects.iter().any(|p| p.id == project.id) {
                    self.problem(
                        table.span().start,
                        &format!("project {} is declared twice", project.id),
                    );
                    continue;
                }
                projects.push(project);
            }
        }
        projects
    }

    fn project(&mut self, value: &toml::Spanned<DeValue<'_>>) -> Option<DesiredProject> {
        let DeValue::Table(table) = value.get_ref() else {
            self.problem(value.span().start, "each [[project]] must be a table");
            return None;
        };
        let (mut id, mut aws, mut azure) = (None, None, None);
        for (key, item) in table.iter() {
            match key.get_ref().as_ref() {
                "id" => id = self.project_id(item),
                "aws" => aws = self.regions(Provider::Aws, item),
                "azure" => azure = self.regions(Provider::Azure, item),
                other => self.problem(
                    key.span().start,
                    &format!(
                        "unknown key '{}' in [[project]]; the keys are id, aws and azure",
                        printable_snippet(other.as_bytes(), 40)
                    ),
                ),
            }
        }
        if !table.contains_key("id") {
            self.problem(value.span().start, "this [[project]] has no id");
        }
        if !table.contains_key("aws") && !table.contains_key("azure") {
            self.problem(
                value.span().start,
                "this [[project]] names no provider; give aws = [...] or azure = [...]",
            );
        }
        Some(DesiredProject {
            id: id?,
            aws,
            azure,
        })
    }

    fn project_id(&mut self, item: &toml::Spanned<DeValue<'_>>) -> Option<String> {
        let DeValue::String(text) = item.get_ref() else {
            self.problem(item.span().start, "id must be a string");
            return None;
        };
        match validate_object_id(text.trim(), "the project id") {
            Ok(()) => Some(text.trim().to_string()),
            Err(e) => {
                self.problem(item.span().start, &e.0);
                None
            }
        }
    }

    /// A provider's region list: names as `create` reads them, each once, known to the provider.
    fn regions(
        &mut self,
        provider: Provider,
        item: &toml::Spanned<DeValue<'_>>,
    ) -> Option<Vec<String>> {
        let key = provider.as_api_str().to_ascii_lowercase();
        let DeValue::Array(names) = item.get_ref() else {
            self.problem(
                item.span().start,
                &format!("{key} must be a list of region names, like [\"US_EAST_1\"]"),
            );
            return None;
        };
        Some(self.region_names(provider, &key, names))
    }

    fn region_names(&mut self, provider: Provider, key: &str, names: &DeArray<'_>) -> Vec<String> {
        let mut regions: Vec<String> = Vec::new();
        for name in names.iter() {
            let DeValue::String(text) = name.get_ref() else {
                self.problem(name.span().start, &format!("{key} regions must be strings"));
                continue;
            };
            let region = match resolve_region(provider, text) {
                Ok(region) => region,
                Err(unknown) if unknown.belongs_to.is_some() => {
                    let words = unknown.other_provider_words().unwrap_or_default();
                    let other = unknown.belongs_to.map_or("", |(p, _)| p.flag_value());
                    let message = format!("{words}: list it under {other}, not {key}");
                    self.problem(name.span().start, &message);
                    continue;
                }
                Err(unknown) => {
                    let hint = match unknown.suggestions.as_slice() {
                        [] => String::new(),
                        some => format!("; did you mean {}?", some.join(", ")),
                    };
                    let message = format!(
                        "unknown {} region '{}' in {key}{hint} (`atlas-ear regions --provider {key}` lists them)",
                        provider.as_api_str(),
                        printable_snippet(unknown.region.as_bytes(), 40)
                    );
                    self.problem(name.span().start, &message);
                    continue;
                }
            };
            if regions.contains(&region) {
                self.problem(
                    name.span().start,
                    &format!("{region} is named twice in {key}"),
                );
                continue;
            }
            regions.push(region);
        }
        regions
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
[[project]]
id = "32b6e34b3d91647abb20e7b8"
aws = ["us-east-1", "EU_WEST_1"]
azure = ["US_CENTRAL", "westeurope"]

[[project]]
id = "5f1b2c3d4e5f6a7b8c9d0e1f"
aws = []
"#;

    #[test]
    fn a_good_file_reads_with_regions_normalised() {
        let state = parse(GOOD, "a.toml").unwrap();
        assert_eq!(state.projects.len(), 2);
        let first = &state.projects[0];
        assert_eq!(
            first.aws.as_deref(),
            Some(&["US_EAST_1".to_string(), "EU_WEST_1".into()][..])
        );
        assert_eq!(
            first.azure.as_deref(),
            Some(&["US_CENTRAL".to_string(), "EUROPE_WEST".into()][..]),
            "Azure's own names are read as create reads them"
        );
        assert_eq!(state.projects[1].aws.as_deref(), Some(&[][..]));
        assert_eq!(
            state.projects[1].azure, None,
            "a provider left out is left alone"
        );
    }

    #[test]
    fn every_problem_is_reported_with_its_position() {
        let text = "[[project]]\nid = \"32B6\"\naws = [\"US_EAST_1\", \"us-east-1\", \"EU_WESTT_1\"]\ncolour = 1\n\n[[project]]\nid = \"5f1b2c3d4e5f6a7b8c9d0e1f\"\nazure = [\"EU_WEST_1\"]\n[[project]]\nid = \"5f1b2c3d4e5f6a7b8c9d0e1f\"\naws = []\n";
        let err = parse(text, "bad.toml").unwrap_err().0;
        assert!(
            err.contains("bad.toml:2:6: the project id must be 24 lowercase hexadecimal"),
            "{err}"
        );
        assert!(
            err.contains("bad.toml:3:21: US_EAST_1 is named twice in aws"),
            "{err}"
        );
        assert!(
            err.contains(
                "bad.toml:3:34: unknown AWS region 'EU_WESTT_1' in aws; did you mean EU_WEST_1"
            ) && !err.contains("--allow-unknown-region"),
            "{err}"
        );
        assert!(err.contains("bad.toml:4:1: unknown key 'colour'"), "{err}");
        assert!(
            err.contains(
                "bad.toml:8:10: EU_WEST_1 is an AWS region, not an AZURE one: list it under aws, not azure"
            ),
            "an AWS region under azure: {err}"
        );
        assert!(
            err.contains("project 5f1b2c3d4e5f6a7b8c9d0e1f is declared twice"),
            "{err}"
        );
    }

    #[test]
    fn empty_and_malformed_files_are_refused() {
        let err = parse("# nothing here\n", "e.toml").unwrap_err().0;
        assert!(err.contains("declares no project"), "{err}");
        let err = parse("[[project]\n", "m.toml").unwrap_err().0;
        assert!(err.starts_with("m.toml:1:"), "{err}");
        let err = parse("[[project]]\nid = \"32b6e34b3d91647abb20e7b8\"\n", "n.toml")
            .unwrap_err()
            .0;
        assert!(err.contains("names no provider"), "{err}");
        let err = parse("top = 1\n", "t.toml").unwrap_err().0;
        assert!(err.contains("t.toml:1:1: unknown key 'top'"), "{err}");
    }
}
