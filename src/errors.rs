//! Typed failures and the exit code each one maps to.
//!
//! Commands return `anyhow::Error`; wherever a caller (or a pipeline) needs to branch, the
//! error carries one of the types below, and [`exit_code`] finds it in the chain. Keeping the
//! whole mapping here means the README's exit-code table has exactly one place to match.

use std::fmt;

/// Exit codes, as documented in the README and in `--help`.
pub mod exit {
    pub const SUCCESS: u8 = 0;
    /// Anything not covered below (for example a local I/O error).
    pub const FAILURE: u8 = 1;
    /// Bad command line or input, caught before any request.
    pub const USAGE: u8 = 2;
    /// 401 or 403: keys, access list or role.
    pub const AUTH: u8 = 3;
    /// 404: project or endpoint not found.
    pub const NOT_FOUND: u8 = 4;
    /// Any other 4xx from Atlas.
    pub const API: u8 = 5;
    /// 5xx, timeout, connection failure, or a response that is not what the API promises.
    pub const SERVER: u8 = 6;
    /// A wait reached its `--timeout`.
    pub const WAIT_TIMEOUT: u8 = 7;
    /// An endpoint ended in FAILED.
    pub const ENDPOINT_FAILED: u8 = 8;
    /// Interrupted by Ctrl-C.
    pub const INTERRUPTED: u8 = 130;
}

/// The text appended to `--help`; kept next to the constants so the two cannot drift apart.
pub const EXIT_CODES_HELP: &str = "\
Exit codes:
  0    success
  1    any other error (for example a local file could not be written)
  2    usage error or bad input, caught before any request
  3    authentication or permission (HTTP 401, 403)
  4    not found (HTTP 404)
  5    any other API error (HTTP 4xx)
  6    server or network failure (HTTP 5xx, timeout, connection, unreadable response)
  7    a wait timed out
  8    an endpoint ended FAILED
  130  interrupted (Ctrl-C)";

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
        if cause.is::<AuthRejected>() {
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
        if cause.is::<TransportError>() || cause.is::<NetworkError>() {
            return exit::SERVER;
        }
    }
    exit::FAILURE
}

/// Makes the first bytes of a body safe to print: control characters (and the invisible
/// characters that reorder or hide text) escaped, length capped.
pub fn printable_snippet(body: &[u8], max_chars: usize) -> String {
    let text = String::from_utf8_lossy(body);
    let mut out = String::new();
    for (n, c) in text.chars().enumerate() {
        if n == max_chars {
            out.push('…');
            break;
        }
        push_printable(&mut out, c);
    }
    out
}

/// Server text made safe for a terminal, a table cell or a tab-separated line: control and
/// invisible formatting characters escaped, nothing cut.
pub fn printable(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        push_printable(&mut out, c);
    }
    out
}

fn push_printable(out: &mut String, c: char) {
    if c.is_control() || is_invisible_format_char(c) {
        out.extend(c.escape_default());
    } else {
        out.push(c);
    }
}

/// Zero-width characters, bidirectional overrides and the byte-order mark: printed raw they can
/// make a message read differently from what it says.
fn is_invisible_format_char(c: char) -> bool {
    matches!(
        c,
        '\u{200b}'..='\u{200f}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{2069}'
            | '\u{feff}'
    )
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
    fn printable_escapes_terminal_controls_and_tabs() {
        assert_eq!(
            printable("ok\tA\x1b[2J\u{202e}"),
            "ok\\tA\\u{1b}[2J\\u{202e}"
        );
        assert_eq!(printable("US_EAST_1"), "US_EAST_1");
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
    fn snippets_escape_control_characters() {
        assert_eq!(
            printable_snippet(b"<html>\n\x1b[31m", 100),
            "<html>\\n\\u{1b}[31m"
        );
        assert_eq!(printable_snippet(b"abcdef", 3), "abc…");
        assert_eq!(
            printable_snippet("a\u{202e}b\u{200b}".as_bytes(), 10),
            "a\\u{202e}b\\u{200b}"
        );
        assert_eq!(printable_snippet(b"\xff\x00", 10), "\u{fffd}\\u{0}");
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
