//! Turns raw flags and environment into one validated [`Settings`] before any I/O.
//!
//! Every check that can be made locally is made here, with a message that names the flag and
//! the environment variable to fix, so a bad invocation never costs a request.

use crate::cli::{GlobalArgs, OutputFormat};
use crate::errors::UsageError;
use crate::regions::Provider;
use crate::secret::Secret;
use reqwest::Url;

pub const DEFAULT_BASE_URL: &str = "https://cloud.mongodb.com";

/// How requests prove who is calling.
#[derive(Debug, Clone)]
pub enum Credentials {
    /// Programmatic API key pair, used with HTTP digest authentication.
    ApiKey {
        public_key: String,
        private_key: Secret,
    },
}

/// Everything a command needs to talk to Atlas, checked.
#[derive(Debug)]
pub struct Settings {
    /// Scheme, host and optional path prefix of the API; `/api/atlas/v2/...` is appended.
    pub base_url: Url,
    /// The date in `Accept: application/vnd.atlas.<date>+json`.
    pub api_version: String,
    pub provider: Provider,
    /// The format (`--jq` makes it JSON).
    pub output: OutputFormat,
    /// Ids only, headers, jq filter, colour and width (see `presentation.rs`).
    pub presentation: crate::presentation::Presentation,
    /// Print requests as curl commands instead of sending them.
    pub dry_run: bool,
    pub verbose: u8,
    /// Extra attempts for retryable failures (`--retries`).
    pub retries: u32,
    /// Per-request time limit, connect included (`--request-timeout`).
    pub request_timeout: std::time::Duration,
    project_id: Result<String, UsageError>,
    credentials: Result<Credentials, UsageError>,
}

impl Settings {
    /// Resolves the global flags. Project id and credentials are checked here but only
    /// reported when a command needs them, so `regions` works without keys.
    pub fn resolve(args: &GlobalArgs) -> Result<Settings, UsageError> {
        let base_url = parse_base_url(args.base_url.as_deref().unwrap_or(DEFAULT_BASE_URL))?;
        validate_api_version(&args.api_version)?;
        let (output, presentation) = crate::presentation::resolve(
            args.output,
            &args.presentation,
            &crate::presentation::Environment::current(),
        )?;
        Ok(Settings {
            base_url,
            api_version: args.api_version.clone(),
            provider: args.provider,
            output,
            presentation,
            dry_run: args.dry_run,
            verbose: args.verbose,
            retries: args.retries,
            request_timeout: parse_duration(&args.request_timeout, "--request-timeout")?,
            project_id: resolve_project_id(args.project_id.as_deref()),
            credentials: resolve_credentials(args),
        })
    }

    /// The validated project id, or the error telling the user how to give one.
    pub fn project_id(&self) -> Result<&str, UsageError> {
        match &self.project_id {
            Ok(id) => Ok(id),
            Err(e) => Err(UsageError(e.0.clone())),
        }
    }

    pub fn credentials(&self) -> Result<&Credentials, UsageError> {
        match &self.credentials {
            Ok(c) => Ok(c),
            Err(e) => Err(UsageError(e.0.clone())),
        }
    }
}

/// Reads durations written like `300ms`, `30s`, `2m` or `1h 30m`; zero is refused.
pub fn parse_duration(value: &str, flag: &str) -> Result<std::time::Duration, UsageError> {
    match humantime::parse_duration(value.trim()) {
        Ok(d) if !d.is_zero() => Ok(d),
        _ => Err(UsageError(format!(
            "{flag} must be a positive duration like 300ms, 30s or 2m, got '{}'",
            crate::errors::printable_snippet(value.as_bytes(), 40)
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
            crate::errors::printable_snippet(value.as_bytes(), 40)
        )))
    }
}

fn resolve_project_id(value: Option<&str>) -> Result<String, UsageError> {
    let Some(id) = value.map(str::trim).filter(|v| !v.is_empty()) else {
        return Err(UsageError(
            "no project id: pass --project-id or set MONGODB_ATLAS_PROJECT_ID".into(),
        ));
    };
    validate_object_id(
        id,
        "the project id (--project-id / MONGODB_ATLAS_PROJECT_ID)",
    )?;
    Ok(id.to_string())
}

fn resolve_credentials(args: &GlobalArgs) -> Result<Credentials, UsageError> {
    let public = args.public_key.as_deref().filter(|v| !v.is_empty());
    let private = args.private_key.as_deref().filter(|v| !v.is_empty());
    match (public, private) {
        (Some(public), Some(private)) => Ok(Credentials::ApiKey {
            public_key: public.to_string(),
            private_key: Secret::new(private),
        }),
        (None, None) => Err(UsageError(
            "no credentials: pass --public-key and --private-key, or set MONGODB_ATLAS_PUBLIC_API_KEY and MONGODB_ATLAS_PRIVATE_API_KEY".into(),
        )),
        (Some(_), None) => Err(UsageError(
            "a public key was given but no private key: pass --private-key or set MONGODB_ATLAS_PRIVATE_API_KEY".into(),
        )),
        (None, Some(_)) => Err(UsageError(
            "a private key was given but no public key: pass --public-key or set MONGODB_ATLAS_PUBLIC_API_KEY".into(),
        )),
    }
}

/// Accepts `https://host[:port][/prefix]`, and plain `http://` only for this machine, where
/// the emulator runs: anything else would send keys and tokens over the network in clear.
pub fn parse_base_url(value: &str) -> Result<Url, UsageError> {
    let source = "--base-url / MONGODB_ATLAS_BASE_URL";
    let url = Url::parse(value.trim()).map_err(|e| {
        UsageError(format!(
            "{source} must be an http(s) URL like https://cloud.mongodb.com, got '{}' ({e})",
            crate::errors::printable_snippet(value.as_bytes(), 80)
        ))
    })?;
    match url.scheme() {
        "https" => {}
        "http" if is_loopback(&url) => {}
        "http" => {
            return Err(UsageError(format!(
                "{source}: plain http is only allowed for this machine (localhost, 127.0.0.1, [::1]); use https://{}",
                url.host_str().unwrap_or("")
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

fn is_loopback(url: &Url) -> bool {
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
            crate::errors::printable_snippet(value.as_bytes(), 40)
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
