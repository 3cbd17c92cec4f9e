//! How results look beyond their format: ids only, header lines, a jq filter, colour, width.
//!
//! The flags are parsed here and resolved, together with the environment (`NO_COLOR`,
//! `CLICOLOR_FORCE`, `TERM`, `COLUMNS`) and whether stdout is a terminal, into one
//! [`Presentation`] before any request. A bad `--jq` expression or a contradictory combination
//! of flags is therefore a usage error that costs no request.

use crate::cli::environment::{CLICOLOR_FORCE, COLUMNS, NO_COLOR, NO_HINTS};
use crate::cli::{ColorChoice, OutputArg, PresentationArgs};
use crate::errors::UsageError;
use crate::settings::jq::JqFilter;
use crate::settings::sources::Env;
use std::io::IsTerminal;

/// The format results are printed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    /// Bordered table for people; statuses coloured on a terminal.
    Table,
    /// The API's JSON, unchanged (indented and coloured on a terminal).
    Json,
    /// Tab-separated, no borders, for cut and awk.
    Plain,
}

impl From<OutputArg> for OutputFormat {
    fn from(arg: OutputArg) -> OutputFormat {
        match arg {
            OutputArg::Table => OutputFormat::Table,
            OutputArg::Json => OutputFormat::Json,
            OutputArg::Plain => OutputFormat::Plain,
        }
    }
}

impl OutputFormat {
    /// The name `-o` takes.
    pub fn name(self) -> &'static str {
        match self {
            OutputFormat::Table => "table",
            OutputFormat::Json => "json",
            OutputFormat::Plain => "plain",
        }
    }
}

/// The resolved presentation: what `output.rs` needs besides the format.
#[derive(Debug)]
pub struct Presentation {
    /// Only ids (or region names), one per line.
    pub quiet: bool,
    /// Print the header line of plain output and tables.
    pub headers: bool,
    /// Applied to the JSON document a command would print with `-o json`.
    pub jq: Option<JqFilter>,
    /// Colour statuses in tables.
    pub color: bool,
    /// The width tables must fit, or `None` (stdout is not a terminal): never wrap then.
    pub width: Option<usize>,
    /// Hints were not turned off (`--no-hints`, `ATLAS_EAR_NO_HINTS`); `output/hints.rs`
    /// decides, with `-q`, whether they print.
    pub hints: bool,
    /// `-o json` indented (and coloured with `color`): stdout is a terminal, so a person reads
    /// it. Piped, JSON stays compact and uncoloured, byte for byte what scripts compare.
    pub pretty_json: bool,
}

impl Default for Presentation {
    fn default() -> Self {
        Presentation {
            quiet: false,
            headers: true,
            jq: None,
            color: false,
            width: None,
            hints: true,
            pretty_json: false,
        }
    }
}

/// What the process was started with, captured once so the rules below are pure functions.
#[derive(Debug, Clone, Default)]
pub struct Environment {
    pub no_color: Option<String>,
    pub clicolor_force: Option<String>,
    pub term: Option<String>,
    pub columns: Option<String>,
    pub no_hints: Option<String>,
    pub stdout_is_terminal: bool,
    /// The terminal's width as the operating system reports it.
    pub terminal_width: Option<usize>,
}

impl Environment {
    /// The variables from `env` (the snapshot settings are resolved from), and the terminal
    /// state of this process's stdout.
    pub fn capture(env: &Env) -> Environment {
        // Empty counts as unset; a value that is not UTF-8 is still a value that is set.
        let var = |name: &str| env.text(name).unwrap_or_else(|_| Some("?".into()));
        let stdout = std::io::stdout();
        let stdout_is_terminal = stdout.is_terminal();
        let terminal_width = if stdout_is_terminal {
            terminal_size::terminal_size_of(&stdout).map(|(w, _)| usize::from(w.0))
        } else {
            None
        };
        Environment {
            no_color: var(NO_COLOR),
            clicolor_force: var(CLICOLOR_FORCE),
            term: var("TERM"),
            columns: var(COLUMNS),
            no_hints: var(NO_HINTS),
            stdout_is_terminal,
            terminal_width,
        }
    }
}

/// Resolves `-o`, `-q`, `--no-headers`, `--jq` and `--color` into the format to use and the
/// presentation. `--jq` implies JSON; combinations that ask for two different outputs are
/// refused rather than silently resolved.
pub fn resolve(
    output: Option<OutputFormat>,
    args: &PresentationArgs,
    env: &Environment,
) -> Result<(OutputFormat, Presentation), UsageError> {
    if args.quiet && args.jq.is_some() {
        return Err(UsageError(
            "-q/--quiet and --jq both choose what to print; use one of them".into(),
        ));
    }
    if args.quiet && output.is_some() {
        return Err(UsageError(
            "-q/--quiet prints ids only; it cannot be combined with -o/--output".into(),
        ));
    }
    let jq = match &args.jq {
        Some(expr) => Some(JqFilter::compile(expr)?),
        None => None,
    };
    let format = match (output, &jq) {
        (Some(OutputFormat::Table), Some(_)) | (Some(OutputFormat::Plain), Some(_)) => {
            return Err(UsageError(
                "--jq filters the JSON output; drop -o/--output or use -o json".into(),
            ));
        }
        (_, Some(_)) => OutputFormat::Json,
        (Some(format), None) => format,
        (None, None) => OutputFormat::Table,
    };
    Ok((
        format,
        Presentation {
            quiet: args.quiet,
            headers: !args.no_headers,
            jq,
            color: colour_enabled(args.color, env),
            width: table_width(env),
            hints: hints_wanted(args.no_hints, env),
            pretty_json: env.stdout_is_terminal,
        },
    ))
}

/// `--color always|never` is an explicit request and wins. Under `auto`, a non-empty
/// `NO_COLOR` turns colour off, a `CLICOLOR_FORCE` other than empty or `0` turns it on, and
/// otherwise colour needs stdout to be a terminal that is not `TERM=dumb`.
pub fn colour_enabled(choice: ColorChoice, env: &Environment) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            if env.no_color.as_deref().is_some_and(|v| !v.is_empty()) {
                return false;
            }
            if env
                .clicolor_force
                .as_deref()
                .is_some_and(|v| !v.is_empty() && v != "0")
            {
                return true;
            }
            env.stdout_is_terminal && env.term.as_deref() != Some("dumb")
        }
    }
}

/// Hints are on unless `--no-hints` is given or `ATLAS_EAR_NO_HINTS` holds anything but the
/// empty string or `0` (so `ATLAS_EAR_NO_HINTS=0` in a shell profile can be flipped to `1`).
pub fn hints_wanted(no_hints: bool, env: &Environment) -> bool {
    !no_hints
        && env
            .no_hints
            .as_deref()
            .is_none_or(|v| v.is_empty() || v == "0")
}

/// Tables fit the terminal: `COLUMNS` when it holds a positive number, else the width the
/// terminal reports. Off a terminal there is no limit, so piped output never wraps.
pub fn table_width(env: &Environment) -> Option<usize> {
    if !env.stdout_is_terminal {
        return None;
    }
    env.columns
        .as_deref()
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|w| *w > 0)
        .or(env.terminal_width.filter(|w| *w > 0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args() -> PresentationArgs {
        PresentationArgs {
            quiet: false,
            no_headers: false,
            jq: None,
            color: ColorChoice::Auto,
            no_hints: false,
        }
    }

    fn terminal() -> Environment {
        Environment {
            stdout_is_terminal: true,
            term: Some("xterm-256color".into()),
            ..Environment::default()
        }
    }

    #[test]
    fn colour_only_on_a_terminal_by_default() {
        assert!(colour_enabled(ColorChoice::Auto, &terminal()));
        assert!(!colour_enabled(ColorChoice::Auto, &Environment::default()));
        let dumb = Environment {
            term: Some("dumb".into()),
            ..terminal()
        };
        assert!(!colour_enabled(ColorChoice::Auto, &dumb));
    }

    #[test]
    fn no_color_and_clicolor_force() {
        let no_color = Environment {
            no_color: Some("1".into()),
            ..terminal()
        };
        assert!(!colour_enabled(ColorChoice::Auto, &no_color));
        let empty_no_color = Environment {
            no_color: Some(String::new()),
            ..terminal()
        };
        assert!(colour_enabled(ColorChoice::Auto, &empty_no_color));
        let forced = Environment {
            clicolor_force: Some("1".into()),
            ..Environment::default()
        };
        assert!(colour_enabled(ColorChoice::Auto, &forced));
        let not_forced = Environment {
            clicolor_force: Some("0".into()),
            ..Environment::default()
        };
        assert!(!colour_enabled(ColorChoice::Auto, &not_forced));
        let both = Environment {
            no_color: Some("1".into()),
            clicolor_force: Some("1".into()),
            ..terminal()
        };
        assert!(!colour_enabled(ColorChoice::Auto, &both), "NO_COLOR wins");
    }

    #[test]
    fn explicit_choice_wins_over_the_environment() {
        let no_color = Environment {
            no_color: Some("1".into()),
            ..terminal()
        };
        assert!(colour_enabled(ColorChoice::Always, &no_color));
        assert!(colour_enabled(ColorChoice::Always, &Environment::default()));
        assert!(!colour_enabled(ColorChoice::Never, &terminal()));
    }

    #[test]
    fn width_only_on_a_terminal() {
        let piped = Environment {
            columns: Some("40".into()),
            terminal_width: Some(50),
            ..Environment::default()
        };
        assert_eq!(table_width(&piped), None, "never wrap off a terminal");
        let with_columns = Environment {
            columns: Some("40".into()),
            terminal_width: Some(50),
            ..terminal()
        };
        assert_eq!(table_width(&with_columns), Some(40));
        let bad_columns = Environment {
            columns: Some("wide".into()),
            terminal_width: Some(50),
            ..terminal()
        };
        assert_eq!(table_width(&bad_columns), Some(50));
        assert_eq!(table_width(&terminal()), None);
    }

    #[test]
    fn jq_implies_json_and_conflicts_are_refused() {
        let env = Environment::default();
        let mut a = args();
        a.jq = Some(".id".into());
        let (format, p) = resolve(None, &a, &env).unwrap();
        assert_eq!(format, OutputFormat::Json);
        assert!(p.jq.is_some());
        assert!(resolve(Some(OutputFormat::Json), &a, &env).is_ok());
        assert!(resolve(Some(OutputFormat::Plain), &a, &env).is_err());
        assert!(resolve(Some(OutputFormat::Table), &a, &env).is_err());
        a.quiet = true;
        assert!(resolve(None, &a, &env).is_err());
        let mut q = args();
        q.quiet = true;
        assert!(resolve(Some(OutputFormat::Json), &q, &env).is_err());
        let (format, p) = resolve(None, &q, &env).unwrap();
        assert_eq!(format, OutputFormat::Table);
        assert!(p.quiet);
    }

    #[test]
    fn bad_jq_is_a_usage_error() {
        let mut a = args();
        a.jq = Some(".results[".into());
        let err = resolve(None, &a, &Environment::default()).unwrap_err();
        assert!(err.0.contains("--jq"), "{}", err.0);
    }

    #[test]
    fn variables_come_from_the_snapshot() {
        let env = Environment::capture(&Env::from_pairs([
            ("NO_COLOR", "1"),
            ("CLICOLOR_FORCE", ""),
            ("COLUMNS", "77"),
        ]));
        assert_eq!(env.no_color.as_deref(), Some("1"));
        assert_eq!(env.clicolor_force, None, "empty counts as unset");
        assert_eq!(env.columns.as_deref(), Some("77"));
        assert_eq!(env.term, None);
    }

    #[test]
    fn hints_are_on_unless_turned_off() {
        let env = |value: Option<&str>| Environment {
            no_hints: value.map(str::to_string),
            ..Environment::default()
        };
        assert!(hints_wanted(false, &env(None)));
        assert!(hints_wanted(false, &env(Some("0"))));
        assert!(!hints_wanted(false, &env(Some("1"))));
        assert!(!hints_wanted(false, &env(Some("yes"))));
        assert!(!hints_wanted(true, &env(None)));
    }

    #[test]
    fn no_headers_and_default_format() {
        let mut a = args();
        a.no_headers = true;
        let (format, p) = resolve(None, &a, &Environment::default()).unwrap();
        assert_eq!(format, OutputFormat::Table);
        assert!(!p.headers);
        assert!(!p.color);
        assert_eq!(p.width, None);
        assert!(!p.pretty_json, "piped JSON stays compact");
        let (_, on_terminal) = resolve(Some(OutputFormat::Json), &args(), &terminal()).unwrap();
        assert!(on_terminal.pretty_json && on_terminal.color);
    }
}
