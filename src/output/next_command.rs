//! Commands printed for the user to run next (hints, and the line that resumes a wait after
//! Ctrl-C), written so that they run as printed, in the same context as this run.
//!
//! A setting that came from the environment or a profile is there for the next command too, so
//! only what was typed as a flag is repeated (`--project-id`, `--profile`, `--base-url`,
//! `--gov`), and `--provider azure`, which has no other source. Keys and secrets are never
//! repeated: they are not printed anywhere.

use crate::commands::outcome::{Outcome, Report, cut_short};
use crate::escape;
use crate::regions::Provider;
use crate::settings::{Settings, WaitGoal};

/// `atlas-ear ARGS...` (`atlas ear ARGS...` inside the Atlas CLI) followed by the flags that
/// reproduce this run's context.
pub fn atlas_ear(settings: &Settings, args: &[&str]) -> String {
    let mut words: Vec<String> = settings
        .provenance
        .program
        .split(' ')
        .map(str::to_string)
        .chain(args.iter().copied().map(shell_word))
        .collect();
    words.extend(context_flags(settings));
    words.join(" ")
}

/// The flags of this run that the next command needs to reach the same project the same way.
fn context_flags(settings: &Settings) -> Vec<String> {
    let typed = |id: &str| settings.provenance.typed_flags.iter().any(|f| f == id);
    let mut flags = Vec::new();
    if settings.provider == Provider::Azure {
        flags.push("--provider azure".to_string());
    }
    if typed("project_id")
        && let Ok(id) = settings.project_id_alone()
    {
        flags.push(format!("--project-id {}", shell_word(id)));
    }
    if typed("profile") {
        flags.push(format!(
            "--profile {}",
            shell_word(&settings.provenance.profile.name)
        ));
    }
    if typed("base_url") {
        let url = settings.base_url.as_str().trim_end_matches('/');
        flags.push(format!("--base-url {}", shell_word(url)));
    } else if typed("gov") {
        flags.push("--gov".to_string());
    }
    flags
}

/// `wait ID... [--for GOAL]` for these ids, in the context of this run.
pub fn wait_for(settings: &Settings, ids: &[&str], goal: WaitGoal) -> String {
    let mut args = vec!["wait"];
    args.extend_from_slice(ids);
    match goal {
        WaitGoal::Settled => {}
        WaitGoal::Active => args.extend(["--for", "active"]),
        WaitGoal::Deleted => args.extend(["--for", "deleted"]),
    }
    atlas_ear(settings, &args)
}

/// After Ctrl-C ended a wait, the command that goes on waiting for the endpoints it cut short.
pub fn resume(settings: &Settings, report: &Report) -> Option<String> {
    let goal = report.waited_for?;
    if !report.interrupted {
        return None;
    }
    let ids: Vec<&str> = report
        .outcomes
        .iter()
        .filter(|o| cut_short(o))
        .filter_map(Outcome::id)
        .collect();
    (!ids.is_empty()).then(|| wait_for(settings, &ids, goal))
}

/// A word of a printed command; a word that could not be printed safely (a control character
/// in a profile name, say) is shown escaped, which a shell will not run as it was typed.
fn shell_word(word: &str) -> String {
    escape::shell_word(word).unwrap_or_else(|| escape::printable(word))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Settings of `args`, with an Atlas CLI configuration that holds the profile `my team`.
    fn settings(args: &[&str]) -> Settings {
        let dir = std::env::temp_dir().join(format!("atlas-ear-next-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("atlascli")).unwrap();
        std::fs::write(
            dir.join("atlascli/config.toml"),
            "[\"my team\"]\nproject_id = \"32b6e34b3d91647abb20e7b8\"\n",
        )
        .unwrap();
        let parsed = crate::cli::help::try_parse_from(args).unwrap();
        let env = crate::settings::sources::Env::from_pairs([
            ("XDG_CONFIG_HOME", dir.to_str().unwrap()),
            ("HOME", dir.to_str().unwrap()),
        ]);
        Settings::resolve_in(&parsed.cli.global, &env, parsed.typed_flags).unwrap()
    }

    #[test]
    fn only_typed_context_is_repeated() {
        let plain = settings(&["atlas-ear", "list"]);
        assert_eq!(atlas_ear(&plain, &["wait", "abc"]), "atlas-ear wait abc");
        let full = settings(&[
            "atlas-ear",
            "--provider",
            "azure",
            "--project-id",
            "32b6e34b3d91647abb20e7b8",
            "-P",
            "my team",
            "--base-url",
            "http://127.0.0.1:8080/",
            "list",
        ]);
        assert_eq!(
            wait_for(&full, &["a", "b"], WaitGoal::Active),
            "atlas-ear wait a b --for active --provider azure --project-id 32b6e34b3d91647abb20e7b8 --profile 'my team' --base-url http://127.0.0.1:8080"
        );
    }

    #[test]
    fn shell_words_are_quoted_when_needed() {
        assert_eq!(shell_word("US_EAST_1"), "US_EAST_1");
        assert_eq!(shell_word("it's"), r"'it'\''s'");
        assert_eq!(shell_word(""), "''");
        assert_eq!(shell_word("a;b"), "'a;b'");
        // A control character never reaches the terminal raw, even inside quotes.
        assert!(!shell_word("team\u{1b}[2J").contains('\u{1b}'));
    }
}
