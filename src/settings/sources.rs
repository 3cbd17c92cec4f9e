//! Where a setting can come from, and the one precedence rule between those places:
//! flag > environment > Atlas CLI profile > default.
//!
//! The environment is read once into an [`Env`] snapshot, so resolution is a pure function of
//! flags, snapshot and profile, and unit tests never touch the process environment.

use crate::errors::UsageError;
use std::collections::BTreeMap;
use std::ffi::OsString;
use std::fmt;
use std::path::PathBuf;

/// The place a resolved value was taken from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A command-line flag, e.g. `--project-id`.
    Flag(&'static str),
    /// An environment variable, e.g. `MONGODB_ATLAS_PROJECT_ID`.
    Env(&'static str),
    /// A key of an Atlas CLI profile.
    Profile {
        name: String,
        path: PathBuf,
        key: &'static str,
        line: usize,
    },
    /// The built-in default.
    Default,
}

impl Source {
    /// Higher wins. Equal ranks only meet when two different settings are compared (an API key
    /// and a service account), never for one setting.
    pub fn rank(&self) -> u8 {
        match self {
            Source::Flag(_) => 3,
            Source::Env(_) => 2,
            Source::Profile { .. } => 1,
            Source::Default => 0,
        }
    }

    /// One word for the kind of place: `flag`, `env`, `profile` or `default`.
    pub fn kind(&self) -> &'static str {
        match self {
            Source::Flag(_) => "flag",
            Source::Env(_) => "env",
            Source::Profile { .. } => "profile",
            Source::Default => "default",
        }
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Flag(flag) => write!(f, "flag {flag}"),
            Source::Env(name) => write!(f, "env {name}"),
            Source::Profile {
                name,
                path,
                key,
                line,
            } => write!(f, "profile '{name}' {key} ({}:{line})", path.display()),
            Source::Default => f.write_str("default"),
        }
    }
}

/// The highest-precedence source among those given; the first one wins ties.
pub fn strongest<'a>(sources: impl IntoIterator<Item = Option<&'a Source>>) -> Option<&'a Source> {
    sources
        .into_iter()
        .flatten()
        .fold(None, |best: Option<&Source>, s| match best {
            Some(b) if b.rank() >= s.rank() => Some(b),
            _ => Some(s),
        })
}

/// A value together with the place it came from.
#[derive(Debug, Clone)]
pub struct Sourced<T> {
    pub value: T,
    pub source: Source,
}

impl<T> Sourced<T> {
    pub fn new(value: T, source: Source) -> Self {
        Sourced { value, source }
    }

    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Sourced<U> {
        Sourced {
            value: f(self.value),
            source: self.source,
        }
    }
}

/// A snapshot of the process environment. Its `Debug` names the variables and never prints
/// their values: the environment holds keys and secrets.
#[derive(Clone, Default)]
pub struct Env {
    vars: BTreeMap<OsString, OsString>,
}

impl fmt::Debug for Env {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Env")
            .field("names", &self.vars.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

impl Env {
    pub fn from_process() -> Env {
        Env {
            vars: std::env::vars_os().collect(),
        }
    }

    /// An environment holding exactly `pairs`, which need not be UTF-8, for tests.
    #[cfg(test)]
    pub fn from_os_pairs(pairs: impl IntoIterator<Item = (OsString, OsString)>) -> Env {
        Env {
            vars: pairs.into_iter().collect(),
        }
    }

    /// An environment holding exactly `pairs`, for tests.
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Env {
        Env {
            vars: pairs
                .into_iter()
                .map(|(k, v)| (OsString::from(k), OsString::from(v)))
                .collect(),
        }
    }

    /// The variable as text; unset and empty both count as not set. A value that is not UTF-8
    /// is an error naming the variable, never silently skipped.
    pub fn text(&self, name: &str) -> Result<Option<String>, UsageError> {
        match self.vars.get(std::ffi::OsStr::new(name)) {
            None => Ok(None),
            Some(value) => match value.to_str() {
                Some("") => Ok(None),
                Some(text) => Ok(Some(text.to_string())),
                None => Err(UsageError(format!(
                    "the environment variable {name} is not valid UTF-8"
                ))),
            },
        }
    }

    /// Whether the variable is set to the empty string (which [`Env::text`] reports as unset).
    pub fn is_set_but_empty(&self, name: &str) -> bool {
        self.vars
            .get(std::ffi::OsStr::new(name))
            .is_some_and(|value| value.is_empty())
    }

    /// The variable as a path, when set, non-empty and absolute (the XDG rule for its base
    /// directory variables, applied to HOME too).
    pub fn absolute_path(&self, name: &str) -> Option<PathBuf> {
        let value = self.vars.get(std::ffi::OsStr::new(name))?;
        let path = PathBuf::from(value);
        path.is_absolute().then_some(path)
    }
}

/// The first non-empty value among the flag, the environment variables in the order given, and
/// the profile's value (looked up by the caller, so this rule knows nothing of profiles).
pub fn layered(
    flag: (&'static str, Option<&str>),
    env: &Env,
    vars: &[&'static str],
    profile: Option<Sourced<String>>,
) -> Result<Option<Sourced<String>>, UsageError> {
    let (flag_name, flag_value) = flag;
    if let Some(value) = flag_value.filter(|v| !v.is_empty()) {
        return Ok(Some(Sourced::new(
            value.to_string(),
            Source::Flag(flag_name),
        )));
    }
    for var in vars {
        if let Some(value) = env.text(var)? {
            return Ok(Some(Sourced::new(value, Source::Env(var))));
        }
    }
    Ok(profile.filter(|p| !p.value.is_empty()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flag_beats_env_and_env_order_is_kept() {
        let env = Env::from_pairs([("A", "from-a"), ("B", "from-b")]);
        let got = layered(("--x", Some("flag")), &env, &["A", "B"], None).unwrap();
        assert_eq!(got.unwrap().source, Source::Flag("--x"));
        let got = layered(("--x", None), &env, &["B", "A"], None)
            .unwrap()
            .unwrap();
        assert_eq!(
            (got.value.as_str(), got.source),
            ("from-b", Source::Env("B"))
        );
        let got = layered(("--x", Some("")), &env, &["C"], None).unwrap();
        assert!(got.is_none(), "empty flag and unset variable mean not set");
    }

    #[test]
    fn empty_variables_count_as_unset() {
        let env = Env::from_pairs([("A", ""), ("B", "b")]);
        assert_eq!(env.text("A").unwrap(), None);
        let got = layered(("--x", None), &env, &["A", "B"], None)
            .unwrap()
            .unwrap();
        assert_eq!(got.source, Source::Env("B"));
    }

    #[test]
    fn debug_names_variables_but_never_shows_values() {
        let env = Env::from_pairs([("MONGODB_ATLAS_PRIVATE_API_KEY", "very-private-value")]);
        let printed = format!("{env:?}");
        assert!(
            printed.contains("MONGODB_ATLAS_PRIVATE_API_KEY"),
            "{printed}"
        );
        assert!(!printed.contains("very-private-value"), "{printed}");
    }

    #[test]
    fn relative_paths_are_ignored() {
        // An absolute path needs a drive on Windows.
        let absolute = if cfg!(windows) { r"C:\abs" } else { "/abs" };
        let env = Env::from_pairs([("X", "relative/dir"), ("Y", absolute)]);
        assert_eq!(env.absolute_path("X"), None);
        assert_eq!(env.absolute_path("Y"), Some(PathBuf::from(absolute)));
        assert_eq!(env.absolute_path("Z"), None);
    }

    #[test]
    fn ranks_follow_the_documented_order() {
        let profile = Source::Profile {
            name: "p".into(),
            path: PathBuf::from("/c.toml"),
            key: "project_id",
            line: 4,
        };
        assert!(Source::Flag("--a").rank() > Source::Env("A").rank());
        assert!(Source::Env("A").rank() > profile.rank());
        assert!(profile.rank() > Source::Default.rank());
        let (a, b) = (Source::Env("A"), Source::Env("B"));
        assert_eq!(strongest([Some(&a), Some(&b)]), Some(&a));
        assert_eq!(strongest([Some(&profile), Some(&b)]), Some(&b));
        assert_eq!(strongest([None, None]), None);
        assert_eq!(profile.to_string(), "profile 'p' project_id (/c.toml:4)");
    }
}
