//! Reads a profile from the Atlas CLI's `config.toml`, so people who already use the Atlas CLI
//! need no new setup.
//!
//! The file belongs to the Atlas CLI: it is only ever read here, never written. Only the keys
//! this tool understands are looked at; anything else the Atlas CLI keeps there (org ids,
//! output preferences, login tokens, global options) is ignored. A file that is not valid TOML,
//! or a known key with a value of the wrong type, is an error naming the file and line.

use crate::errors::UsageError;
use crate::settings::sources::{Source, Sourced};
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use toml::de::{DeTable, DeValue};

/// The profile keys this tool reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ProfileKey {
    ProjectId,
    PublicApiKey,
    PrivateApiKey,
    ClientId,
    ClientSecret,
    Service,
    OpsManagerUrl,
}

impl ProfileKey {
    const ALL: [ProfileKey; 7] = [
        ProfileKey::ProjectId,
        ProfileKey::PublicApiKey,
        ProfileKey::PrivateApiKey,
        ProfileKey::ClientId,
        ProfileKey::ClientSecret,
        ProfileKey::Service,
        ProfileKey::OpsManagerUrl,
    ];

    /// The key as written in the file.
    pub fn as_str(self) -> &'static str {
        match self {
            ProfileKey::ProjectId => "project_id",
            ProfileKey::PublicApiKey => "public_api_key",
            ProfileKey::PrivateApiKey => "private_api_key",
            ProfileKey::ClientId => "client_id",
            ProfileKey::ClientSecret => "client_secret",
            ProfileKey::Service => "service",
            ProfileKey::OpsManagerUrl => "ops_manager_url",
        }
    }

    fn from_str(key: &str) -> Option<ProfileKey> {
        ProfileKey::ALL.into_iter().find(|k| k.as_str() == key)
    }
}

/// Which MongoDB cloud a profile's `service` key names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    /// `cloud`: commercial Atlas.
    Cloud,
    /// `cloudgov`: Atlas for Government.
    CloudGov,
}

/// One profile's values, as read from the file. `Debug` lists only which keys are present, so
/// the keys it holds cannot leak through it.
pub struct Profile {
    pub name: String,
    pub path: PathBuf,
    /// Non-empty string values of the known keys, with their 1-based line.
    values: BTreeMap<ProfileKey, (String, usize)>,
}

impl fmt::Debug for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Profile")
            .field("name", &self.name)
            .field("path", &self.path)
            .field(
                "keys",
                &self.values.keys().map(|k| k.as_str()).collect::<Vec<_>>(),
            )
            .finish()
    }
}

impl Profile {
    pub fn get(&self, key: ProfileKey) -> Option<&str> {
        self.values.get(&key).map(|(value, _)| value.as_str())
    }

    /// The value of `key` with where it sits, for the precedence rule in `sources.rs`.
    pub fn sourced(&self, key: ProfileKey) -> Option<Sourced<String>> {
        self.get(key)
            .map(|value| Sourced::new(value.to_string(), self.source(key)))
    }

    /// Where `key` sits, for `config show` and for error messages.
    pub fn source(&self, key: ProfileKey) -> Source {
        Source::Profile {
            name: self.name.clone(),
            path: self.path.clone(),
            key: key.as_str(),
            line: self.values.get(&key).map_or(0, |(_, line)| *line),
        }
    }

    /// The `service` key; anything but `cloud` or `cloudgov` was refused when reading.
    pub fn service(&self) -> Option<Service> {
        match self.get(ProfileKey::Service) {
            Some("cloudgov") => Some(Service::CloudGov),
            Some(_) => Some(Service::Cloud),
            None => None,
        }
    }

    /// True when the profile carries any part of an API key or a service account.
    pub fn holds_credentials(&self) -> bool {
        [
            ProfileKey::PublicApiKey,
            ProfileKey::PrivateApiKey,
            ProfileKey::ClientId,
            ProfileKey::ClientSecret,
        ]
        .into_iter()
        .any(|key| self.get(key).is_some())
    }
}

/// How the profile name was chosen; an explicitly named profile must exist.
#[derive(Debug, Clone)]
pub struct ProfileChoice {
    pub name: String,
    pub source: Source,
}

impl ProfileChoice {
    fn is_explicit(&self) -> bool {
        self.source != Source::Default
    }
}

/// Reads the chosen profile. `Ok(None)` when the default profile is simply not there (no file,
/// or no `[default]` table); an explicitly chosen profile that is missing is an error.
pub fn load(path: Option<&Path>, choice: &ProfileChoice) -> Result<Option<Profile>, UsageError> {
    let Some(path) = path else {
        return if choice.is_explicit() {
            Err(UsageError(format!(
                "profile '{}' was chosen ({}), but the Atlas CLI configuration directory is unknown: neither XDG_CONFIG_HOME nor HOME is set",
                choice.name, choice.source
            )))
        } else {
            Ok(None)
        };
    };
    let text = match std::fs::read(path) {
        Ok(bytes) => String::from_utf8(bytes).map_err(|_| {
            UsageError(format!(
                "{}: the Atlas CLI configuration file is not valid UTF-8",
                path.display()
            ))
        })?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return if choice.is_explicit() {
                Err(UsageError(format!(
                    "profile '{}' was chosen ({}), but there is no Atlas CLI configuration file at {}",
                    choice.name,
                    choice.source,
                    path.display()
                )))
            } else {
                Ok(None)
            };
        }
        Err(e) => {
            return Err(UsageError(format!(
                "{}: cannot read the Atlas CLI configuration file: {e}",
                path.display()
            )));
        }
    };
    parse(&text, path, choice)
}

/// Finds and checks the chosen profile in the text of a configuration file.
pub fn parse(
    text: &str,
    path: &Path,
    choice: &ProfileChoice,
) -> Result<Option<Profile>, UsageError> {
    let located = |offset: usize, message: &str| {
        let (line, column) = line_and_column(text, offset);
        UsageError(format!(
            "{}:{line}:{column}: {message} (Atlas CLI configuration file)",
            path.display()
        ))
    };
    let document = DeTable::parse(text).map_err(|e| {
        let offset = e.span().map_or(0, |span| span.start);
        located(offset, e.message().trim())
    })?;
    let Some(entry) = document.get_ref().get(choice.name.as_str()) else {
        if !choice.is_explicit() {
            return Ok(None);
        }
        return Err(missing_profile(document.get_ref(), path, choice));
    };
    let Some(table) = entry.get_ref().as_table() else {
        return Err(located(
            entry.span().start,
            &format!(
                "'{}' should be a profile table like [{}], but it is a {}",
                choice.name,
                choice.name,
                entry.get_ref().type_str()
            ),
        ));
    };
    let values = profile_values(table, text, choice, &located)?;
    Ok(Some(Profile {
        name: choice.name.clone(),
        path: path.to_path_buf(),
        values,
    }))
}

/// An explicitly chosen profile that the file does not have, with the profiles it does have.
fn missing_profile(document: &DeTable<'_>, path: &Path, choice: &ProfileChoice) -> UsageError {
    let names: Vec<&str> = document
        .iter()
        .filter(|(_, value)| value.get_ref().is_table())
        .map(|(key, _)| key.get_ref().as_ref())
        .collect();
    let known = if names.is_empty() {
        "it holds no profiles".to_string()
    } else {
        format!("its profiles are: {}", names.join(", "))
    };
    UsageError(format!(
        "profile '{}' was chosen ({}), but {} has no [{}] table; {known}",
        choice.name,
        choice.source,
        path.display(),
        choice.name
    ))
}

/// The known keys of one profile table with their lines; a key of the wrong type or an
/// unknown `service` is an error at its position.
fn profile_values(
    table: &DeTable<'_>,
    text: &str,
    choice: &ProfileChoice,
    located: &dyn Fn(usize, &str) -> UsageError,
) -> Result<BTreeMap<ProfileKey, (String, usize)>, UsageError> {
    let mut values = BTreeMap::new();
    for (key, value) in table.iter() {
        let Some(known) = ProfileKey::from_str(key.get_ref()) else {
            continue;
        };
        let DeValue::String(text_value) = value.get_ref() else {
            return Err(located(
                value.span().start,
                &format!(
                    "{} in profile '{}' must be a string, but it is a {}",
                    known.as_str(),
                    choice.name,
                    value.get_ref().type_str()
                ),
            ));
        };
        let text_value = text_value.trim();
        if text_value.is_empty() {
            continue;
        }
        if known == ProfileKey::Service && !matches!(text_value, "cloud" | "cloudgov") {
            return Err(located(
                value.span().start,
                &format!(
                    "service in profile '{}' must be \"cloud\" or \"cloudgov\" (Atlas for Government), got \"{}\"",
                    choice.name,
                    crate::escape::printable_snippet(text_value.as_bytes(), 40)
                ),
            ));
        }
        let (line, _) = line_and_column(text, value.span().start);
        values.insert(known, (text_value.to_string(), line));
    }
    Ok(values)
}

/// 1-based line and column (in characters) of a byte offset.
fn line_and_column(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn choice(name: &str, explicit: bool) -> ProfileChoice {
        ProfileChoice {
            name: name.into(),
            source: if explicit {
                Source::Flag("--profile")
            } else {
                Source::Default
            },
        }
    }

    fn parse_ok(text: &str, name: &str) -> Option<Profile> {
        parse(text, Path::new("/c/config.toml"), &choice(name, true)).unwrap()
    }

    fn parse_err(text: &str, name: &str) -> String {
        parse(text, Path::new("/c/config.toml"), &choice(name, true))
            .unwrap_err()
            .0
    }

    const FILE: &str = r#"
skip_update_check = true
telemetry_enabled = false

[default]
  org_id = "5e2211c17a3e5a48f5497de3"
  project_id = "32b6e34b3d91647abb20e7b8"
  public_api_key = "abcdefgh"
  private_api_key = "11111111-2222-3333-4444-555555555555"
  output = "json"
  service = "cloud"

[gov]
  client_id = "mdb_sa_id_0123"
  client_secret = "mdb_sa_sk_secret"
  service = "cloudgov"
  ops_manager_url = ""
"#;

    #[test]
    fn reads_known_keys_and_ignores_the_rest() {
        let p = parse_ok(FILE, "default").unwrap();
        assert_eq!(
            p.get(ProfileKey::ProjectId),
            Some("32b6e34b3d91647abb20e7b8")
        );
        assert_eq!(p.get(ProfileKey::PublicApiKey), Some("abcdefgh"));
        assert_eq!(p.service(), Some(Service::Cloud));
        assert!(p.holds_credentials());
        match p.source(ProfileKey::ProjectId) {
            Source::Profile { line, key, .. } => assert_eq!((line, key), (7, "project_id")),
            other => panic!("{other:?}"),
        }
        let debug = format!("{p:?}");
        assert!(!debug.contains("11111111"), "{debug}");

        let gov = parse_ok(FILE, "gov").unwrap();
        assert_eq!(gov.service(), Some(Service::CloudGov));
        assert_eq!(gov.get(ProfileKey::OpsManagerUrl), None, "empty is unset");
        assert_eq!(gov.get(ProfileKey::ClientId), Some("mdb_sa_id_0123"));
    }

    #[test]
    fn a_missing_default_profile_is_fine_but_a_named_one_is_not() {
        let path = Path::new("/c/config.toml");
        let text = "[other]\nproject_id = \"x\"\n";
        assert!(
            parse(text, path, &choice("default", false))
                .unwrap()
                .is_none()
        );
        let err = parse_err(text, "prod");
        assert!(err.contains("'prod'") && err.contains("other"), "{err}");
        assert!(err.contains("--profile"), "{err}");
        assert!(load(None, &choice("default", false)).unwrap().is_none());
        assert!(
            load(
                Some(Path::new("/nonexistent/x.toml")),
                &choice("default", false)
            )
            .unwrap()
            .is_none()
        );
        let err = load(Some(Path::new("/nonexistent/x.toml")), &choice("p", true))
            .unwrap_err()
            .0;
        assert!(err.contains("/nonexistent/x.toml"), "{err}");
    }

    #[test]
    fn syntax_errors_name_file_and_line() {
        let err = parse_err(
            "[default]\nproject_id = \"abc\"\npublic_api_key = abc\n",
            "default",
        );
        assert!(err.starts_with("/c/config.toml:3:"), "{err}");
    }

    #[test]
    fn wrong_types_and_services_name_the_line() {
        let err = parse_err("[default]\n\nproject_id = 5\n", "default");
        assert!(err.starts_with("/c/config.toml:3:14:"), "{err}");
        assert!(
            err.contains("project_id") && err.contains("string"),
            "{err}"
        );
        let err = parse_err("[default]\nservice = \"ops-manager\"\n", "default");
        assert!(err.starts_with("/c/config.toml:2:"), "{err}");
        assert!(err.contains("cloudgov"), "{err}");
        let err = parse_err("default = 3\n", "default");
        assert!(err.contains("profile table"), "{err}");
        // Wrong types in keys this tool does not read are not its business.
        assert!(parse_ok("[default]\noutput = 7\n", "default").is_some());
    }

    #[test]
    fn profiles_without_keys_say_so() {
        let p = parse_ok("[default]\nproject_id = \"a\"\norg_id = \"b\"\n", "default").unwrap();
        assert!(!p.holds_credentials());
    }

    #[test]
    fn columns_count_characters() {
        assert_eq!(line_and_column("ab\ncdé f", 8), (2, 5));
        assert_eq!(line_and_column("x", 99), (1, 2));
    }
}
