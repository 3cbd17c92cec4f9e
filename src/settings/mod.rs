//! Turns raw flags, environment and Atlas CLI profile into one validated [`Settings`], and each
//! subcommand's flags into a plain [`Plan`], before any request.
//!
//! Precedence is resolved here, per setting: flag > environment > profile > default
//! (`sources.rs` holds the rule, `profile.rs` reads the profile, `credentials.rs` picks between
//! an API key and a service account, `paths.rs` says where files live). Every check that can be
//! made locally is made here, with a message that names the flag and the environment variable
//! to fix, so a bad invocation never costs a request. This is the last layer that sees a clap
//! type: everything above it gets `Settings` and a `Plan`.

pub mod credentials;
pub mod desired;
pub mod jq;
pub mod no_proxy;
pub mod paths;
pub mod plan;
pub mod presentation;
pub mod profile;
pub mod providers;
pub mod proxy;
pub mod region_list;
pub mod sources;
pub mod trust;

pub use credentials::Credentials;
pub use desired::DesiredState;
pub use plan::{
    ApplyPlan, CreatePlan, DeletePlan, DiffPlan, Plan, PrivateNetworkingPlan, StatusPlan, Targets,
    Timing, WaitGoal, WaitPlan,
};
pub use presentation::OutputFormat;
pub use providers::ProviderChoice;

use crate::cli::defaults::{
    BASE_URL as DEFAULT_BASE_URL, GOV_BASE_URL, PROFILE as DEFAULT_PROFILE,
};
use crate::cli::environment::{BASE_URL, BASE_URL_VARS, PROFILE, PROJECT_ID};
use crate::cli::{GlobalArgs, ProviderArg};
use crate::errors::UsageError;
use crate::regions::Provider;
use crate::settings::credentials::CredentialParts;
use crate::settings::profile::{ProfileChoice, ProfileKey, Service};
use crate::settings::sources::{Env, Source, Sourced, layered};
use reqwest::Url;
use std::path::PathBuf;

/// Where each credential and target setting came from, for `config show`.
#[derive(Debug)]
pub struct Provenance {
    pub profile: ProfileChoice,
    /// The Atlas CLI configuration file looked at, if its location is known.
    pub profile_file: Option<PathBuf>,
    /// Whether the chosen profile was found in that file.
    pub profile_found: bool,
    pub base_url: Source,
    pub project_id: Option<Sourced<String>>,
    pub credentials: CredentialParts,
    /// The ids of the flags typed on the command line (clap's record, taken at parse time), so
    /// `config show` can tell a typed `--provider aws` from the default.
    pub typed_flags: Vec<String>,
    /// How the user runs this program (`atlas-ear`, or `atlas ear` inside the Atlas CLI), for
    /// the commands printed for them to run next.
    pub program: &'static str,
}

/// Everything a command needs to talk to Atlas, checked.
#[derive(Debug)]
pub struct Settings {
    /// Scheme, host and optional path prefix of the API; `/api/atlas/v2/...` is appended.
    pub base_url: Url,
    /// The date in `Accept: application/vnd.atlas.<date>+json`.
    pub api_version: String,
    /// The one provider of commands that work under one (AWS unless `--provider azure`).
    pub provider: Provider,
    /// `--provider` as typed: where `list`, `get`, `delete` and `wait` look.
    pub providers: ProviderChoice,
    /// The format (`--jq` makes it JSON).
    pub output: OutputFormat,
    /// Ids only, headers, jq filter, colour and width (see `presentation.rs`).
    pub presentation: presentation::Presentation,
    /// Print requests as curl commands instead of sending them.
    pub dry_run: bool,
    pub verbose: u8,
    /// Extra attempts for retryable failures (`--retries`).
    pub retries: u32,
    /// Per-request time limit, connect included (`--request-timeout`).
    pub request_timeout: std::time::Duration,
    /// Directory of the service-account token cache; `None` when no cache directory is known.
    pub token_cache_dir: Option<PathBuf>,
    /// Directory of the digest challenge cache shared with later runs; `None` with `--no-cache`
    /// or when no cache directory is known.
    pub challenge_cache_dir: Option<PathBuf>,
    /// Trusted roots: the system's or SSL_CERT_FILE/DIR's, and `--ca-cert`'s (already read).
    pub trust: trust::Trust,
    pub provenance: Provenance,
    /// Direct or through a proxy; a proxy variable that cannot be read is reported only when
    /// the HTTP client is built, like missing credentials.
    route: Result<proxy::Route, UsageError>,
    project_id: Result<String, UsageError>,
    credentials: Result<credentials::Chosen, UsageError>,
}

impl Settings {
    /// Resolves the global flags. Project id and credentials are checked here but only
    /// reported when a command needs them, so `regions` works without keys.
    pub fn resolve(args: &GlobalArgs, typed_flags: Vec<String>) -> Result<Settings, UsageError> {
        Settings::resolve_in(args, &Env::from_process(), typed_flags)
    }

    /// [`Settings::resolve`] against a given environment snapshot.
    pub fn resolve_in(
        args: &GlobalArgs,
        env: &Env,
        typed_flags: Vec<String>,
    ) -> Result<Settings, UsageError> {
        let choice = profile_choice(args, env)?;
        let profile_file = paths::config_file(env);
        let profile = profile::load(profile_file.as_deref(), &choice)?;
        let base_url = resolve_base_url(args, env, profile.as_ref())?;
        validate_api_version(&args.api_version)?;
        let (output, presentation) = presentation::resolve(
            args.output.map(OutputFormat::from),
            &args.presentation,
            &presentation::Environment::capture(env),
        )?;
        let project_id = layered(
            ("--project-id", args.project_id.as_deref()),
            env,
            &[PROJECT_ID],
            profile
                .as_ref()
                .and_then(|p| p.sourced(ProfileKey::ProjectId)),
        )?;
        let parts = CredentialParts::gather(args, env, profile.as_ref())?;
        let trust = trust::Trust::resolve(args.ca_cert.as_deref(), env)?;
        let route = proxy::route(env, &base_url.value);
        Ok(Settings {
            base_url: base_url.value,
            api_version: args.api_version.clone(),
            provider: provider_choice(args.provider, &typed_flags).primary(),
            providers: provider_choice(args.provider, &typed_flags),
            output,
            presentation,
            dry_run: args.dry_run,
            verbose: args.verbose,
            retries: args.retries,
            request_timeout: parse_duration(&args.request_timeout, "--request-timeout")?,
            token_cache_dir: paths::token_cache_dir(env),
            challenge_cache_dir: paths::challenge_cache_dir(env, args.no_cache),
            trust,
            route,
            project_id: resolve_project_id(project_id.as_ref()),
            credentials: parts.choose(profile.as_ref()),
            provenance: Provenance {
                profile_found: profile.is_some(),
                profile: choice,
                profile_file,
                base_url: base_url.source,
                project_id,
                credentials: parts,
                typed_flags,
                program: crate::cli::help::STANDALONE,
            },
        })
    }

    /// The validated project id, or the error telling the user how to give one. A command
    /// that will send requests asks for the project id first, so when the credentials are
    /// missing or incomplete too, both problems are reported together: one run, not two, to
    /// learn everything that needs fixing.
    pub fn project_id(&self) -> Result<&str, UsageError> {
        match (&self.project_id, &self.credentials) {
            (Ok(id), _) => Ok(id),
            (Err(project), Err(credentials)) if !self.dry_run => Err(UsageError(format!(
                "2 settings need fixing before anything is sent:\n  - {}\n  - {}",
                project.0, credentials.0
            ))),
            (Err(project), _) => Err(UsageError(project.0.clone())),
        }
    }

    /// The project id's own problem, without the credentials' (for `config show`, which has a
    /// row for each).
    pub fn project_id_alone(&self) -> Result<&str, UsageError> {
        match &self.project_id {
            Ok(id) => Ok(id),
            Err(e) => Err(UsageError(e.0.clone())),
        }
    }

    pub fn credentials(&self) -> Result<&Credentials, UsageError> {
        match &self.credentials {
            Ok(c) => Ok(&c.credentials),
            Err(e) => Err(UsageError(e.0.clone())),
        }
    }

    /// How requests reach the API host: direct, or through which proxy.
    pub fn route(&self) -> Result<&proxy::Route, UsageError> {
        self.route.as_ref().map_err(|e| UsageError(e.0.clone()))
    }

    /// One line saying which credential kind is used and where it came from (never a secret).
    pub fn auth_summary(&self) -> Result<&str, UsageError> {
        match &self.credentials {
            Ok(c) => Ok(&c.summary),
            Err(e) => Err(UsageError(e.0.clone())),
        }
    }
}

/// `--provider` as typed; its default (`aws`) counts as not given, so ids and regions are
/// looked for under Azure too.
fn provider_choice(arg: ProviderArg, typed_flags: &[String]) -> ProviderChoice {
    if !typed_flags.iter().any(|f| f == "provider") {
        return ProviderChoice::Default;
    }
    match arg {
        ProviderArg::Aws => ProviderChoice::Given(Provider::Aws),
        ProviderArg::Azure => ProviderChoice::Given(Provider::Azure),
        ProviderArg::All => ProviderChoice::All,
    }
}

/// `--profile`/`-P`, else `MONGODB_ATLAS_PROFILE`, else `default`.
fn profile_choice(args: &GlobalArgs, env: &Env) -> Result<ProfileChoice, UsageError> {
    let chosen = layered(
        ("--profile", args.profile.as_deref()),
        env,
        &[PROFILE],
        None,
    )?;
    Ok(match chosen {
        Some(Sourced { value, source }) => ProfileChoice {
            name: value,
            source,
        },
        None => ProfileChoice {
            name: DEFAULT_PROFILE.to_string(),
            source: Source::Default,
        },
    })
}

/// `--base-url`, then `--gov`, then the environment, then the profile's `ops_manager_url`,
/// then its `service = "cloudgov"`, then commercial Atlas. `--gov` is a flag, so it beats a
/// base URL from the environment or a profile; only `--base-url` beats it.
fn resolve_base_url(
    args: &GlobalArgs,
    env: &Env,
    profile: Option<&profile::Profile>,
) -> Result<Sourced<Url>, UsageError> {
    let flag = args.base_url.as_deref().filter(|v| !v.is_empty());
    let chosen = match flag {
        Some(value) => Sourced::new(value.to_string(), Source::Flag("--base-url")),
        None if args.gov => Sourced::new(GOV_BASE_URL.to_string(), Source::Flag("--gov")),
        None => {
            let layered_value = layered(
                ("--base-url", None),
                env,
                BASE_URL_VARS,
                profile.and_then(|p| p.sourced(ProfileKey::OpsManagerUrl)),
            )?;
            match (layered_value, profile) {
                (Some(found), _) => found,
                (None, Some(p)) if p.service() == Some(Service::CloudGov) => {
                    Sourced::new(GOV_BASE_URL.to_string(), p.source(ProfileKey::Service))
                }
                _ => Sourced::new(DEFAULT_BASE_URL.to_string(), Source::Default),
            }
        }
    };
    let what = match &chosen.source {
        Source::Flag(_) | Source::Default => "--base-url / MONGODB_ATLAS_BASE_URL".to_string(),
        Source::Env(name) if *name == BASE_URL => "--base-url / MONGODB_ATLAS_BASE_URL".to_string(),
        other => other.to_string(),
    };
    let url = parse_base_url_from(&chosen.value, &what)?;
    Ok(Sourced::new(url, chosen.source))
}

/// Reads durations written like `300ms`, `30s`, `2m` or `1h 30m`; zero is refused.
pub fn parse_duration(value: &str, flag: &str) -> Result<std::time::Duration, UsageError> {
    match humantime::parse_duration(value.trim()) {
        Ok(d) if !d.is_zero() => Ok(d),
        _ => Err(UsageError(format!(
            "{flag} must be a positive duration like 300ms, 30s or 2m, got '{}'",
            crate::escape::printable_snippet(value.as_bytes(), 40)
        ))),
    }
}

/// Checks a 24-hex Atlas object id, naming where it came from in the error.
pub fn validate_object_id(value: &str, what: &str) -> Result<(), UsageError> {
    let ok = value.len() == 24
        && value
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    if ok {
        Ok(())
    } else {
        Err(UsageError(format!(
            "{what} must be 24 lowercase hexadecimal characters (like 32b6e34b3d91647abb20e7b8), got '{}'",
            crate::escape::printable_snippet(value.as_bytes(), 40)
        )))
    }
}

fn resolve_project_id(value: Option<&Sourced<String>>) -> Result<String, UsageError> {
    let Some(found) = value.filter(|v| !v.value.trim().is_empty()) else {
        return Err(UsageError(
            "no project id: pass --project-id or set MONGODB_ATLAS_PROJECT_ID (or project_id in an Atlas CLI profile)".into(),
        ));
    };
    let id = found.value.trim();
    let what = match &found.source {
        Source::Profile { .. } => format!("the project id from {}", found.source),
        _ => "the project id (--project-id / MONGODB_ATLAS_PROJECT_ID)".to_string(),
    };
    validate_object_id(id, &what)?;
    Ok(id.to_string())
}

/// Accepts `https://host[:port][/prefix]`, and plain `http://` only for this machine, where
/// the emulator runs: anything else would send keys and tokens over the network in clear.
#[cfg(test)]
pub fn parse_base_url(value: &str) -> Result<Url, UsageError> {
    parse_base_url_from(value, "--base-url / MONGODB_ATLAS_BASE_URL")
}

/// [`parse_base_url`], naming `source` (where the value came from) in any error.
pub fn parse_base_url_from(value: &str, source: &str) -> Result<Url, UsageError> {
    let url = Url::parse(value.trim()).map_err(|e| {
        UsageError(format!(
            "{source} must be an http(s) URL like https://cloud.mongodb.com, got '{}' ({e})",
            crate::escape::printable_snippet(value.as_bytes(), 80)
        ))
    })?;
    match url.scheme() {
        "https" => {}
        "http" if is_loopback(&url) => {}
        "http" => {
            return Err(UsageError(format!(
                "{source}: plain http is only allowed for this machine (localhost, 127.0.0.1, [::1]); use {}",
                https_suggestion(&url)
            )));
        }
        other => {
            return Err(UsageError(format!(
                "{source} must start with https:// (or http:// for a local emulator), got scheme '{other}'"
            )));
        }
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(UsageError(format!("{source} has no host")));
    }
    if url.query().is_some() || url.fragment().is_some() || !url.username().is_empty() {
        return Err(UsageError(format!(
            "{source} must not carry a query, fragment or user name; give only scheme, host, port and an optional path prefix"
        )));
    }
    Ok(url)
}

/// The `https://` form of a refused `http://` URL, keeping its port and path prefix so that it
/// can be pasted back as it is. A user name, password, query or fragment is left out: a password
/// must not be echoed, and the others are refused anyway.
fn https_suggestion(url: &Url) -> String {
    let mut suggestion = url.clone();
    // http and https are both "special" schemes, so the url crate allows the switch.
    if suggestion.set_scheme("https").is_err() {
        return format!("https://{}", url.host_str().unwrap_or(""));
    }
    // Only fails for URLs that cannot have a user name, which an http URL always can.
    let _ = suggestion.set_username("");
    let _ = suggestion.set_password(None);
    suggestion.set_query(None);
    suggestion.set_fragment(None);
    suggestion.as_str().trim_end_matches('/').to_string()
}

/// True when `url` names this machine (localhost, 127.0.0.0/8, [::1]): the only hosts plain http
/// may reach, and hosts the HTTP client never reaches through a proxy.
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// `YYYY-MM-DD` with a plausible month and day; Atlas answers 406 to anything else.
fn validate_api_version(value: &str) -> Result<(), UsageError> {
    let parts: Vec<&str> = value.split('-').collect();
    let numeric = |s: &str, len: usize| s.len() == len && s.bytes().all(|b| b.is_ascii_digit());
    let ok = parts.len() == 3
        && numeric(parts[0], 4)
        && numeric(parts[1], 2)
        && numeric(parts[2], 2)
        && matches!(parts[1].parse::<u8>(), Ok(1..=12))
        && matches!(parts[2].parse::<u8>(), Ok(1..=31));
    if ok {
        Ok(())
    } else {
        Err(UsageError(format!(
            "--api-version must be a date like 2023-01-01, got '{}'",
            crate::escape::printable_snippet(value.as_bytes(), 40)
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_rules() {
        assert!(parse_base_url("https://cloud.mongodb.com").is_ok());
        assert!(parse_base_url("http://127.0.0.1:8080").is_ok());
        assert!(parse_base_url("http://localhost:1").is_ok());
        assert!(parse_base_url("http://[::1]:1").is_ok());
        assert!(parse_base_url("http://cloud.mongodb.com").is_err());
        assert!(parse_base_url("ftp://x").is_err());
        assert!(parse_base_url("cloud.mongodb.com").is_err());
        assert!(parse_base_url("https://h/?a=1").is_err());
    }

    #[test]
    fn a_refused_http_url_suggests_https_with_its_port_and_prefix() {
        let suggested = |value: &str| parse_base_url(value).unwrap_err().0;
        let text = suggested("http://example.com:8443/x");
        assert!(text.ends_with("use https://example.com:8443/x"), "{text}");
        let text = suggested("http://example.com");
        assert!(text.ends_with("use https://example.com"), "{text}");
        let text = suggested("http://user:pw-sentinel@example.com:8080/p/?q=1");
        assert!(text.ends_with("use https://example.com:8080/p"), "{text}");
        assert!(!text.contains("pw-sentinel"), "{text}");
    }

    /// Settings hold every source a secret can come from (flag, environment, profile); none of
    /// them shows through `Debug`.
    #[test]
    fn debug_of_settings_shows_no_secret() {
        let dir = std::env::temp_dir().join(format!("atlas-ear-debug-{}", std::process::id()));
        let config = dir.join("atlascli");
        std::fs::create_dir_all(&config).unwrap();
        std::fs::write(
            config.join("config.toml"),
            "[default]\npublic_api_key = \"abcdefgh\"\nprivate_api_key = \"profile-private-sentinel\"\n",
        )
        .unwrap();
        let parsed = crate::cli::help::try_parse_from([
            "atlas-ear",
            "--client-secret",
            "flag-secret-sentinel",
            "list",
        ])
        .unwrap();
        let env = Env::from_pairs([
            ("XDG_CONFIG_HOME", dir.to_str().unwrap()),
            ("HOME", dir.to_str().unwrap()),
            ("MONGODB_ATLAS_CLIENT_ID", "mdb_sa_id_1"),
            ("MONGODB_ATLAS_PRIVATE_API_KEY", "env-private-sentinel"),
            (
                "HTTPS_PROXY",
                "http://proxy-user-sentinel:proxy-pass-sentinel@proxy:3128",
            ),
        ]);
        let settings = Settings::resolve_in(&parsed.cli.global, &env, parsed.typed_flags).unwrap();
        let printed = format!("{settings:?} {env:?}");
        let _ = std::fs::remove_dir_all(&dir);
        assert!(printed.contains("http://********@proxy:3128"), "{printed}");
        for secret in [
            "profile-private-sentinel",
            "flag-secret-sentinel",
            "env-private-sentinel",
            "proxy-user-sentinel",
            "proxy-pass-sentinel",
        ] {
            assert!(!printed.contains(secret), "{secret} in {printed}");
        }
    }

    #[test]
    fn object_ids() {
        assert!(validate_object_id("32b6e34b3d91647abb20e7b8", "x").is_ok());
        assert!(validate_object_id("32B6E34B3D91647ABB20E7B8", "x").is_err());
        assert!(validate_object_id("32b6e34b3d91647abb20e7b", "x").is_err());
        assert!(validate_object_id("é2b6e34b3d91647abb20e7b8", "x").is_err());
    }

    #[test]
    fn api_versions() {
        assert!(validate_api_version("2023-01-01").is_ok());
        assert!(validate_api_version("2024-11-13").is_ok());
        assert!(validate_api_version("2024-13-01").is_err());
        assert!(validate_api_version("latest").is_err());
    }
}
