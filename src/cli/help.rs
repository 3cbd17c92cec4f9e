//! Help beyond the flags: examples at the end of every command's `--help`, shell completions
//! and parsing, all from the one clap definition in `cli/mod.rs` (`man.rs` renders the manual).
//!
//! Examples are attached here, by command name, rather than as attributes in `cli.rs`, so
//! the flag definitions stay short; a test checks that no command is left without them.

use crate::cli::{Cli, Parsed};
use clap::parser::ValueSource;
use clap::{ArgMatches, CommandFactory, FromArgMatches};
use std::ffi::OsString;
use std::io::{self, Write};

const TOP_EXAMPLES: &str = "\
Examples:
  atlas-ear create --region US_EAST_1
  atlas-ear list -o plain --no-headers | cut -f1,4
  # CI: keys and project come from MONGODB_ATLAS_* variables; keep the new id for later steps
  ENDPOINT_ID=$(atlas-ear create --region EU_WEST_1 -q) && atlas-ear get \"$ENDPOINT_ID\" --jq .status";

const PRIVATE_NETWORKING_EXAMPLES: &str = "\
Examples:
  atlas-ear private-networking enable
  atlas-ear private-networking disable --provider azure --dry-run
  # CI: tear down in order (delete the endpoints, wait until gone, then turn it off)
  atlas-ear private-networking disable --delete-endpoints --yes --timeout 30m -o json";

const CONFIG_EXAMPLES: &str = "\
Examples:
  atlas-ear config show
  atlas-ear config show --profile automation -o json
  # CI: make sure the job authenticates with the service account
  test \"$(atlas-ear config show --jq .auth.value)\" = \"service account\"";

/// Two or three examples per command, the last one for CI, keyed by the command's path.
const COMMAND_EXAMPLES: &[(&str, &str)] = &[
    (
        "create",
        "\
Examples:
  atlas-ear create --region US_EAST_1
  atlas-ear create --provider azure --region US_CENTRAL,US_EAST_2 --dry-run
  # CI: safe to re-run; waits until every endpoint is settled and keeps the JSON
  atlas-ear create --region us-east-1,eu-west-1 --skip-existing --wait -o json > endpoints.json",
    ),
    (
        "list",
        "\
Examples:
  atlas-ear list --provider all --watch --interval 5s
  atlas-ear list -o plain --no-headers | awk -F'\\t' '$4 != \"ACTIVE\" {print $1}'
  # CI: fail the job unless every endpoint is ACTIVE
  test \"$(atlas-ear list --jq '[.results[] | select(.status != \"ACTIVE\")] | length')\" = 0",
    ),
    (
        "get",
        "\
Examples:
  atlas-ear get 32b6e34b3d91647abb20e7b8
  atlas-ear get 32b6e34b3d91647abb20e7b8 -vv
  # CI: stop unless the endpoint is ACTIVE
  test \"$(atlas-ear get \"$ENDPOINT_ID\" --jq .status)\" = ACTIVE",
    ),
    (
        "delete",
        "\
Examples:
  atlas-ear delete 32b6e34b3d91647abb20e7b8 5f1e2d3c4b5a69788796a5b4
  atlas-ear delete --region EU_WEST_1 --dry-run
  # CI: there is no terminal to confirm on, so pass --yes; wait until it is gone
  atlas-ear delete \"$ENDPOINT_ID\" --yes --wait --timeout 20m",
    ),
    (
        "wait",
        "\
Examples:
  atlas-ear wait 32b6e34b3d91647abb20e7b8 5f1e2d3c4b5a69788796a5b4 --for active --timeout 30m
  atlas-ear wait --all --provider all
  # CI: block the job until the endpoint is gone
  atlas-ear wait \"$ENDPOINT_ID\" --for deleted --interval 30s",
    ),
    (
        "status",
        "\
Examples:
  atlas-ear status
  atlas-ear status -f atlas-ear.toml --provider azure -o json --jq '.findings[].message'
  # CI: fail the job when a region used by a cluster has no ACTIVE endpoint
  atlas-ear status --exit-code -o plain",
    ),
    (
        "regions",
        "\
Examples:
  atlas-ear regions --provider azure
  atlas-ear regions -o json --jq 'map(select(startswith(\"EU_\")))'
  # CI: check a region name before creating an endpoint there
  atlas-ear regions | grep -qx \"$REGION\"",
    ),
    (
        "plan",
        "\
Examples:
  atlas-ear plan -f atlas-ear.toml
  atlas-ear plan --project-id 32b6e34b3d91647abb20e7b8 --region US_EAST_1,EU_WEST_1 -o json
  # CI: fail the job when the endpoints drifted from the file
  atlas-ear plan -f atlas-ear.toml --exit-code -q",
    ),
    (
        "apply",
        "\
Examples:
  atlas-ear apply -f atlas-ear.toml
  atlas-ear apply -f atlas-ear.toml --prune --dry-run
  # CI: converge without asking; a second run sends nothing
  atlas-ear apply -f atlas-ear.toml --yes -o json > applied.json",
    ),
    ("private-networking", PRIVATE_NETWORKING_EXAMPLES),
    (
        "private-networking enable",
        "\
Examples:
  atlas-ear private-networking enable
  atlas-ear private-networking enable --provider azure --dry-run
  # CI: no terminal to confirm on; a project already enabled costs one GET and exits 0
  atlas-ear private-networking enable --provider azure --yes -o json --jq .changed",
    ),
    (
        "private-networking disable",
        "\
Examples:
  atlas-ear private-networking disable
  atlas-ear private-networking disable --delete-endpoints --interval 30s
  # CI: exits 11 and lists the endpoints if any exist, before changing anything
  atlas-ear private-networking disable --provider azure --yes",
    ),
    ("config", CONFIG_EXAMPLES),
    ("config show", CONFIG_EXAMPLES),
    (
        "completions",
        "\
Examples:
  atlas-ear completions bash > ~/.local/share/bash-completion/completions/atlas-ear
  atlas-ear completions zsh > ~/.zfunc/_atlas-ear
  # CI (packaging): ship the fish completions with the release
  atlas-ear completions fish > dist/atlas-ear.fish",
    ),
    (
        "man",
        "\
Examples:
  atlas-ear man | man -l -
  atlas-ear man > ~/.local/share/man/man1/atlas-ear.1
  # CI (packaging): a compressed page for the release archive
  atlas-ear man | gzip -9 > dist/atlas-ear.1.gz",
    ),
];

/// The examples of a subcommand, by its path (`"list"`, `"config show"`), if it has any.
pub fn examples(path: &str) -> Option<&'static str> {
    COMMAND_EXAMPLES
        .iter()
        .find(|(name, _)| *name == path)
        .map(|(_, text)| *text)
}

/// The full command-line definition: `cli.rs` plus the examples.
pub fn command() -> clap::Command {
    let mut cmd = Cli::command();
    let footer = cmd
        .get_after_help()
        .map(|h| h.to_string())
        .unwrap_or_default();
    cmd = cmd.after_help(format!("{TOP_EXAMPLES}\n\n{footer}"));
    for (path, text) in COMMAND_EXAMPLES {
        cmd = with_examples(cmd, &path.split(' ').collect::<Vec<_>>(), text);
    }
    cmd
}

fn with_examples(cmd: clap::Command, path: &[&str], text: &'static str) -> clap::Command {
    match path {
        [] => cmd.after_help(text),
        [first, rest @ ..] => cmd.mut_subcommand(*first, |sub| with_examples(sub, rest, text)),
    }
}

/// Every command and nested command, with its path, `help` left out.
pub(crate) fn all_subcommands(cmd: &clap::Command) -> Vec<(String, &clap::Command)> {
    let mut found = Vec::new();
    for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
        found.push((sub.get_name().to_string(), sub));
        for (path, nested) in all_subcommands(sub) {
            found.push((format!("{} {path}", sub.get_name()), nested));
        }
    }
    found
}

/// The command this tool adds to the Atlas CLI (`manifest.yml`). The Atlas CLI starts a plugin
/// as `<binary> <command> <arguments as typed>`: `atlas ear list -P prod` runs
/// `atlas-ear ear list -P prod`.
pub const PLUGIN_COMMAND: &str = "ear";

/// The program's name when run on its own.
pub const STANDALONE: &str = "atlas-ear";
/// How the user types it inside the Atlas CLI.
pub const AS_PLUGIN: &str = "atlas ear";

/// The program's arguments as this tool reads them, and the name to show in usage lines:
/// started by the Atlas CLI (the first argument is [`PLUGIN_COMMAND`], never a command of
/// ours), that argument is dropped and usage reads `atlas ear ...`; otherwise the arguments are
/// kept and usage reads `atlas-ear ...` whatever the file is called (`atlas-ear.exe` included).
pub fn as_invoked(mut args: Vec<OsString>) -> (Vec<OsString>, &'static str) {
    if args.get(1).is_some_and(|first| first == PLUGIN_COMMAND) {
        args.remove(1);
        (args, AS_PLUGIN)
    } else {
        (args, STANDALONE)
    }
}

/// Parses the process's arguments; on a usage error or `--help` prints and exits as clap does.
pub fn parse() -> Parsed {
    let (args, bin_name) = as_invoked(std::env::args_os().collect());
    let mut cmd = command().bin_name(bin_name);
    let matches = cmd
        .try_get_matches_from_mut(args)
        .unwrap_or_else(|e| e.exit());
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.format(&mut cmd).exit());
    Parsed {
        cli,
        typed_flags: typed_flags(&matches),
        program: bin_name,
    }
}

/// Parses `args` as the process's arguments would be, for tests; errors are returned.
pub fn try_parse_from<I, T>(args: I) -> Result<Parsed, clap::Error>
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let matches = command().try_get_matches_from(args)?;
    Ok(Parsed {
        cli: Cli::from_arg_matches(&matches)?,
        typed_flags: typed_flags(&matches),
        program: STANDALONE,
    })
}

/// The ids of the arguments typed on the command line, at any level of subcommand: clap
/// records whether each value came from the command line or from a default.
fn typed_flags(matches: &ArgMatches) -> Vec<String> {
    let mut typed: Vec<String> = Vec::new();
    let mut level = Some(matches);
    while let Some(m) = level {
        for id in m.ids() {
            let id = id.as_str();
            if m.value_source(id) == Some(ValueSource::CommandLine)
                && !typed.iter().any(|t| t == id)
            {
                typed.push(id.to_string());
            }
        }
        level = m.subcommand().map(|(_, sub)| sub);
    }
    typed
}

/// `atlas-ear completions <shell>`. The script is generated in memory first: the generator
/// panics when its writer fails, and a closed pipe must be an ordinary, quiet error instead.
pub fn write_completions(shell: clap_complete::Shell, out: &mut dyn Write) -> io::Result<()> {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut command(), "atlas-ear", &mut script);
    out.write_all(&script)?;
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(args: &[OsString]) -> Vec<&str> {
        args.iter().map(|a| a.to_str().unwrap()).collect()
    }

    #[test]
    fn the_atlas_cli_plugin_command_is_dropped_and_named_in_usage() {
        let typed = ["/plugins/atlas-ear", "ear", "-P", "prod", "list"].map(OsString::from);
        let (args, name) = as_invoked(typed.to_vec());
        assert_eq!(strings(&args), ["/plugins/atlas-ear", "-P", "prod", "list"]);
        assert_eq!(name, "atlas ear");

        let typed = ["atlas-ear.exe", "list", "ear"].map(OsString::from);
        let (args, name) = as_invoked(typed.to_vec());
        assert_eq!(
            strings(&args),
            ["atlas-ear.exe", "list", "ear"],
            "only the first argument"
        );
        assert_eq!(name, "atlas-ear");
        assert!(
            all_subcommands(&command())
                .iter()
                .all(|(path, _)| path != PLUGIN_COMMAND),
            "the plugin command must never be one of our own"
        );
    }

    #[test]
    fn every_command_ends_with_examples_including_a_ci_one() {
        let cmd = command();
        let commands = all_subcommands(&cmd);
        assert!(commands.len() >= 9, "{}", commands.len());
        for (path, sub) in &commands {
            let text =
                examples(path).unwrap_or_else(|| panic!("`{path}` has no examples in help.rs"));
            let lines = text.lines().filter(|l| l.contains("atlas-ear ")).count();
            assert!((2..=3).contains(&lines), "{path}: {text}");
            assert!(text.contains("# CI"), "{path}: no CI example");
            let after = sub.get_after_help().map(|h| h.to_string());
            assert_eq!(after.as_deref(), Some(text), "{path}");
        }
        for (path, _) in COMMAND_EXAMPLES {
            assert!(
                commands.iter().any(|(p, _)| p == path),
                "examples for a command that does not exist: {path}"
            );
        }
    }

    /// Every `atlas-ear ...` in the examples parses with the real definition.
    #[test]
    fn examples_are_real_command_lines() {
        let all: Vec<&str> = std::iter::once(TOP_EXAMPLES)
            .chain(COMMAND_EXAMPLES.iter().map(|(_, t)| *t))
            .collect();
        let mut checked = 0;
        for text in all {
            for line in text.lines().filter(|l| !l.trim_start().starts_with('#')) {
                for (start, _) in line.match_indices("atlas-ear ") {
                    let words = shell_words(&line[start..]);
                    command()
                        .try_get_matches_from(&words)
                        .unwrap_or_else(|e| panic!("{words:?} does not parse: {e}"));
                    checked += 1;
                }
            }
        }
        assert!(checked >= 20, "only {checked} example commands found");
    }

    /// Splits one command of a shell line into words, stopping at a pipe, redirection,
    /// `&&`, `;` or the `)` of a command substitution; variables become sample values.
    fn shell_words(line: &str) -> Vec<String> {
        let line = line
            .replace("\"$ENDPOINT_ID\"", "32b6e34b3d91647abb20e7b8")
            .replace("\"$REGION\"", "US_EAST_1");
        let mut words = Vec::new();
        let mut word = String::new();
        let mut quote: Option<char> = None;
        for c in line.chars() {
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), c) => word.push(c),
                (None, '\'' | '"') => quote = Some(c),
                (None, '|' | '>' | ')' | ';' | '&') => break,
                (None, ' ') => {
                    if !word.is_empty() {
                        words.push(std::mem::take(&mut word));
                    }
                }
                (None, c) => word.push(c),
            }
        }
        if !word.is_empty() {
            words.push(word);
        }
        words
    }
}
