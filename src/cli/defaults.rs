//! The defaults a user can read in `--help`, kept here once: clap shows them, settings and the
//! HTTP layer use them, and a test checks that the help text says the same.

/// `--retries`: four attempts in all.
pub const RETRIES: u32 = 3;
/// Largest `--retries` accepted: more attempts would only hammer a server that is struggling.
pub const MAX_RETRIES: u32 = 10;
/// `--request-timeout`.
pub const REQUEST_TIMEOUT: &str = "30s";
/// `--timeout` of a wait.
pub const WAIT_TIMEOUT: &str = "15m";
/// `--interval` of a wait.
pub const WAIT_INTERVAL: &str = "10s";
/// `--api-version`: the resource version these endpoints were published with.
pub const API_VERSION: &str = "2023-01-01";
/// `--base-url`: commercial Atlas.
pub const BASE_URL: &str = "https://cloud.mongodb.com";
/// `--gov`: Atlas for Government.
pub const GOV_BASE_URL: &str = "https://cloud.mongodbgov.com";
/// `plan` and `apply` without `-f` or `--region`.
pub const STATE_FILE: &str = "atlas-ear.toml";
/// `--parallel`: projects worked on at once. Atlas limits requests per project, so projects do
/// not compete for one budget; eight keeps a run of hundreds of projects to a handful of
/// connections and a steady pace.
pub const PARALLEL: u16 = 8;
/// `--profile`: the Atlas CLI's own default profile name.
pub const PROFILE: &str = "default";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::help::command;

    /// The help text of an option, by its long name, at the top level or in a subcommand.
    fn help_of(long: &str) -> String {
        let cmd = command();
        let mut levels = vec![&cmd];
        while let Some(level) = levels.pop() {
            if let Some(arg) = level.get_arguments().find(|a| a.get_long() == Some(long)) {
                return arg.get_help().map(|h| h.to_string()).unwrap_or_default();
            }
            levels.extend(level.get_subcommands());
        }
        panic!("no --{long}");
    }

    /// Defaults clap cannot show (the option has no default value, so `--timeout` without
    /// `--wait` can be refused) are written in the doc comment; they must say what the code uses.
    #[test]
    fn defaults_written_in_help_match_the_code() {
        let parallel = PARALLEL.to_string();
        let written = [
            ("parallel", parallel.as_str()),
            ("file", STATE_FILE),
            ("timeout", WAIT_TIMEOUT),
            ("interval", WAIT_INTERVAL),
            ("profile", PROFILE),
            ("base-url", BASE_URL),
        ];
        for (long, default) in written {
            let help = help_of(long);
            assert!(
                help.contains(&format!("[default: {default}]")),
                "--{long}: {help}"
            );
        }
        assert!(help_of("gov").contains(GOV_BASE_URL));
    }

    #[test]
    fn durations_parse() {
        for text in [REQUEST_TIMEOUT, WAIT_TIMEOUT, WAIT_INTERVAL] {
            assert!(humantime::parse_duration(text).is_ok(), "{text}");
        }
        const { assert!(RETRIES <= MAX_RETRIES) };
    }
}
