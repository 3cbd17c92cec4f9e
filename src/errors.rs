//! Typed failures and the exit code each one maps to.
//!
//! Commands return `anyhow::Error`; wherever a caller (or a pipeline) needs to branch, the
//! error carries one of the types below, and [`exit_code`] finds it in the chain. Keeping the
//! whole mapping here means the README's exit-code table has exactly one place to match.

use crate::escape::printable_snippet;
use std::fmt;

/// Every exit code the tool can end with: its number and the line `--help` and the manual print
/// for it. The README's table lists the same codes; a test compares them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitCode {
    Success,
    /// Anything not covered below (for example a local I/O error).
    Failure,
    /// Bad command line or input, caught before any request.
    Usage,
    /// 401 or 403: keys, access list or role.
    Auth,
    /// 404: project or endpoint not found.
    NotFound,
    /// Any other 4xx from Atlas.
    Api,
    /// 5xx, timeout, connection failure, or a response that is not what the API promises.
    Server,
    /// A wait reached its `--timeout`.
    WaitTimeout,
    /// An endpoint ended in FAILED.
    EndpointFailed,
    /// `plan --exit-code`: the plan has changes.
    Drift,
    /// `status --exit-code`: a region used by a cluster has no ACTIVE endpoint.
    Uncovered,
    /// The project's state does not allow the change (private networking); nothing was changed.
    Refused,
    /// Interrupted by Ctrl-C (SIGINT).
    Interrupted,
    /// Stopped by SIGTERM (CI cancellation, `timeout`, Kubernetes), reported like Ctrl-C.
    Terminated,
}

impl ExitCode {
    /// In the order the help text lists them.
    pub const ALL: [ExitCode; 14] = [
        ExitCode::Success,
        ExitCode::Failure,
        ExitCode::Usage,
        ExitCode::Auth,
        ExitCode::NotFound,
        ExitCode::Api,
        ExitCode::Server,
        ExitCode::WaitTimeout,
        ExitCode::EndpointFailed,
        ExitCode::Drift,
        ExitCode::Uncovered,
        ExitCode::Refused,
        ExitCode::Interrupted,
        ExitCode::Terminated,
    ];

    pub const fn number(self) -> u8 {
        match self {
            ExitCode::Success => 0,
            ExitCode::Failure => 1,
            ExitCode::Usage => 2,
            ExitCode::Auth => 3,
            ExitCode::NotFound => 4,
            ExitCode::Api => 5,
            ExitCode::Server => 6,
            ExitCode::WaitTimeout => 7,
            ExitCode::EndpointFailed => 8,
            ExitCode::Drift => 9,
            ExitCode::Uncovered => 10,
            ExitCode::Refused => 11,
            ExitCode::Interrupted => 130,
            ExitCode::Terminated => 143,
        }
    }

    /// What the code means, as `--help` says it.
    pub const fn meaning(self) -> &'static str {
        match self {
            ExitCode::Success => "success",
            ExitCode::Failure => "any other error (for example a local file could not be written)",
            ExitCode::Usage => "usage error or bad input, caught before any request",
            ExitCode::Auth => "authentication or permission (HTTP 401, 403)",
            ExitCode::NotFound => "not found (HTTP 404)",
            ExitCode::Api => "any other API error (HTTP 4xx)",
            ExitCode::Server => {
                "server or network failure (HTTP 5xx, timeout, connection, unreadable response)"
            }
            ExitCode::WaitTimeout => "a wait timed out",
            ExitCode::EndpointFailed => "an endpoint ended FAILED",
            ExitCode::Drift => "plan --exit-code: the plan has changes (drift)",
            ExitCode::Uncovered => {
                "status --exit-code: a region used by a cluster has no ACTIVE endpoint"
            }
            ExitCode::Refused => {
                "refused: the project's state does not allow the change (private-networking); nothing was changed"
            }
            ExitCode::Interrupted => "interrupted (Ctrl-C)",
            ExitCode::Terminated => "terminated (SIGTERM), reported like Ctrl-C",
        }
    }

    /// The "Exit codes:" block of `--help` and the manual.
    pub fn help_text() -> String {
        let mut text = String::from("Exit codes:");
        for code in ExitCode::ALL {
            text.push_str(&format!("\n  {:<4} {}", code.number(), code.meaning()));
        }
        text
    }
}

/// The numbers of [`ExitCode`], for code that compares or stores them as `u8`.
pub mod exit {
    use super::ExitCode;
    pub const SUCCESS: u8 = ExitCode::Success.number();
    pub const FAILURE: u8 = ExitCode::Failure.number();
    pub const USAGE: u8 = ExitCode::Usage.number();
    pub const AUTH: u8 = ExitCode::Auth.number();
    pub const NOT_FOUND: u8 = ExitCode::NotFound.number();
    pub const API: u8 = ExitCode::Api.number();
    pub const SERVER: u8 = ExitCode::Server.number();
    pub const WAIT_TIMEOUT: u8 = ExitCode::WaitTimeout.number();
    pub const ENDPOINT_FAILED: u8 = ExitCode::EndpointFailed.number();
    pub const DRIFT: u8 = ExitCode::Drift.number();
    pub const UNCOVERED: u8 = ExitCode::Uncovered.number();
    pub const REFUSED: u8 = ExitCode::Refused.number();
    pub const INTERRUPTED: u8 = ExitCode::Interrupted.number();
    pub const TERMINATED: u8 = ExitCode::Terminated.number();
}

/// Bad input: a flag, an environment variable or a file the user must fix. Exit 2.
#[derive(Debug)]
pub struct UsageError(pub String);

impl fmt::Display for UsageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

/// A non-2xx answer from Atlas, decoded from its error JSON where there is one.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: u16,
    pub method: String,
    pub url: String,
    pub error_code: Option<String>,
    pub detail: Option<String>,
    /// The start of a body that was not Atlas error JSON, already made printable.
    pub body_snippet: Option<String>,
}

impl ApiError {
    /// A one-line hint for the statuses people meet most.
    pub fn hint(&self) -> Option<&'static str> {
        Some(match self.status {
            401 => {
                "check the public and private API keys (or service account), and that this machine's IP address is on the key's API access list"
            }
            403 => {
                "the key or service account needs the Project Owner role on this project, and the IP address must be on its API access list"
            }
            404 => "check the project id (--project-id) and the endpoint id",
            406 => "the API version was not accepted; try the default --api-version 2023-01-01",
            409 => {
                "an endpoint for this provider and region already exists; `atlas-ear list` shows it, `create --skip-existing` reuses it"
            }
            429 => "rate limited by Atlas; wait and try again",
            _ => return None,
        })
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let reason = reqwest::StatusCode::from_u16(self.status)
            .ok()
            .and_then(|s| s.canonical_reason())
            .unwrap_or("");
        write!(
            f,
            "Atlas answered HTTP {} {reason} to {} {}",
            self.status, self.method, self.url
        )?;
        // Both come from the server: escaped, so a hostile body cannot drive the terminal.
        if let Some(code) = &self.error_code {
            write!(f, ": {}", printable_snippet(code.as_bytes(), 100))?;
        }
        if let Some(detail) = &self.detail {
            write!(f, ": {}", printable_snippet(detail.as_bytes(), 500))?;
        }
        if let Some(snippet) = &self.body_snippet {
            write!(f, " (body starts: {snippet})")?;
        }
        if let Some(hint) = self.hint() {
            write!(f, "\nhint: {hint}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

/// The keys were rejected even when answering a challenge the server had just issued.
#[derive(Debug)]
pub struct AuthRejected {
    pub public_key: String,
}

impl fmt::Display for AuthRejected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Atlas rejected API key '{}' (HTTP 401 after answering a fresh digest challenge)\nhint: check --public-key/--private-key (MONGODB_ATLAS_PUBLIC_API_KEY/MONGODB_ATLAS_PRIVATE_API_KEY) and that this machine's IP address is on the key's API access list",
            self.public_key
        )
    }
}

impl std::error::Error for AuthRejected {}

/// A 401 whose challenge this client cannot answer: a digest algorithm or qop it does not
/// support, no qop at all, or a challenge it cannot read. Exit 3 like any 401, because no retry
/// and no server-side fix on our end changes it; the message names what the server offered so
/// a wrong `--base-url` or a proxy in the way can be recognised.
#[derive(Debug)]
pub struct UnanswerableChallenge {
    pub method: String,
    pub url: String,
    /// Why it cannot be answered, in the digest parser's words.
    pub reason: String,
    /// The `WWW-Authenticate` values of the 401, as the server sent them.
    pub offered: String,
}

impl fmt::Display for UnanswerableChallenge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Both carry server text: escaped, so a hostile header cannot drive the terminal.
        write!(
            f,
            "{} {}: the server answered HTTP 401 with a challenge this client cannot answer ({}); it offered WWW-Authenticate: {}\nhint: atlas-ear answers HTTP digest with qop=auth and MD5 or SHA-256, as Atlas asks; check --base-url",
            self.method,
            self.url,
            printable_snippet(self.reason.as_bytes(), 300),
            printable_snippet(self.offered.as_bytes(), 300),
        )
    }
}

impl std::error::Error for UnanswerableChallenge {}

/// The request did not produce a usable HTTP answer: network, timeout, or a body that is not
/// what the API promises. Exit 6.
#[derive(Debug)]
pub struct TransportError(pub String);

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for TransportError {}

/// The exchange failed on the wire (connect, reset, timeout): the request may or may not have
/// reached the server. Exit 6; GET and DELETE retry it.
#[derive(Debug)]
pub struct NetworkError(pub String);

impl fmt::Display for NetworkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for NetworkError {}

/// The server's TLS certificate was refused. Exit 6 like any failure to reach the API, but
/// never retried: the same certificate comes back on every attempt.
#[derive(Debug)]
pub struct CertificateRejected {
    /// The host whose certificate it was.
    pub host: String,
    /// Why, in words ("it is signed by an unknown issuer").
    pub reason: String,
}

impl fmt::Display for CertificateRejected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the TLS certificate of {} was refused: {}\nhint: on a network that inspects TLS with its own root certificate, trust that root: set SSL_CERT_FILE to a PEM bundle that holds it, or pass --ca-cert FILE (MONGODB_ATLAS_CA_CERT)",
            printable_snippet(self.host.as_bytes(), 255),
            self.reason
        )
    }
}

impl std::error::Error for CertificateRejected {}

/// A failure that already carries its exit code (waits and interruptions use it).
#[derive(Debug)]
pub struct ExitWith {
    pub code: u8,
    pub message: Option<String>,
}

impl fmt::Display for ExitWith {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message.as_deref().unwrap_or(""))
    }
}

impl std::error::Error for ExitWith {}

/// The exit code for an error: the first typed error found in its chain decides.
pub fn exit_code(error: &anyhow::Error) -> u8 {
    for cause in error.chain() {
        if cause.is::<UsageError>() {
            return exit::USAGE;
        }
        if cause.is::<AuthRejected>() || cause.is::<UnanswerableChallenge>() {
            return exit::AUTH;
        }
        if let Some(e) = cause.downcast_ref::<ExitWith>() {
            return e.code;
        }
        if let Some(api) = cause.downcast_ref::<ApiError>() {
            return match api.status {
                401 | 403 => exit::AUTH,
                404 => exit::NOT_FOUND,
                400..=499 => exit::API,
                _ => exit::SERVER,
            };
        }
        if cause.is::<TransportError>()
            || cause.is::<NetworkError>()
            || cause.is::<CertificateRejected>()
        {
            return exit::SERVER;
        }
    }
    exit::FAILURE
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(status: u16) -> anyhow::Error {
        anyhow::Error::new(ApiError {
            status,
            method: "GET".into(),
            url: "u".into(),
            error_code: None,
            detail: None,
            body_snippet: None,
        })
    }

    #[test]
    fn help_lists_every_code_once_in_order() {
        let text = ExitCode::help_text();
        assert!(text.starts_with("Exit codes:\n  0    success\n"), "{text}");
        assert!(text.contains("\n  130  interrupted (Ctrl-C)\n"), "{text}");
        assert!(
            text.ends_with("\n  143  terminated (SIGTERM), reported like Ctrl-C"),
            "{text}"
        );
        assert_eq!(text.lines().count(), ExitCode::ALL.len() + 1);
    }

    /// The README's exit-code table lists the same numbers, in the same order.
    #[test]
    fn the_readme_table_matches() {
        let readme = include_str!("../README.md");
        let section = &readme[readme.find("## Exit codes").unwrap_or(0)..];
        let numbers: Vec<u8> = section
            .lines()
            .skip_while(|l| !l.starts_with("| 0 "))
            .take_while(|l| l.starts_with('|'))
            .filter_map(|l| {
                l.trim_matches('|')
                    .split('|')
                    .next()?
                    .trim()
                    .parse::<u8>()
                    .ok()
            })
            .collect();
        let ours: Vec<u8> = ExitCode::ALL.iter().map(|c| c.number()).collect();
        assert_eq!(numbers, ours);
    }

    #[test]
    fn statuses_map_to_documented_codes() {
        assert_eq!(exit_code(&api(401)), 3);
        assert_eq!(exit_code(&api(403)), 3);
        assert_eq!(exit_code(&api(404)), 4);
        assert_eq!(exit_code(&api(409)), 5);
        assert_eq!(exit_code(&api(503)), 6);
        assert_eq!(exit_code(&anyhow::anyhow!("plain")), 1);
        let wrapped = anyhow::Error::new(UsageError("x".into())).context("while parsing");
        assert_eq!(exit_code(&wrapped), 2);
    }

    #[test]
    fn an_unanswerable_challenge_is_an_authentication_failure_naming_the_offer() {
        let error = UnanswerableChallenge {
            method: "GET".into(),
            url: "u".into(),
            reason: "only qop=auth is supported".into(),
            offered: "Digest realm=\"r\x1b[2J\", qop=\"auth-int\"".into(),
        };
        let text = error.to_string();
        assert!(
            text.contains(
                r#"it offered WWW-Authenticate: Digest realm="r\u{1b}[2J", qop="auth-int""#
            ),
            "{text}"
        );
        assert_eq!(exit_code(&anyhow::Error::new(error).context("listing")), 3);
    }

    #[test]
    fn server_text_in_api_errors_is_escaped() {
        let error = ApiError {
            status: 400,
            method: "GET".into(),
            url: "u".into(),
            error_code: Some("BAD\x1b[2J".into()),
            detail: Some("line one\nline two\u{7}".into()),
            body_snippet: None,
        };
        let text = error.to_string();
        assert!(!text.contains('\x1b') && !text.contains('\u{7}'), "{text}");
        assert!(text.contains("BAD\\u{1b}[2J"), "{text}");
        assert!(text.contains("line one\\nline two"), "{text}");
    }
}
