//! Request traces on stderr: `-v` prints one line per exchange (method, URL, status, time and
//! the rate-limit headers) plus retries; `-vv` adds the request and response headers and
//! bodies, like `curl -v`.
//!
//! Credentials never appear: `Authorization` (and any cookie) is replaced by a fixed mask
//! before anything is written. Bodies of the endpoint operations carry no secrets; the
//! encryption-at-rest configuration does (AWS access keys, the Azure client secret), so the
//! values of those fields are masked in any JSON body before it is shown.

use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode, Url};
use std::fmt::Write as _;
use std::io::Write;
use std::time::Duration;

/// Longest body a `-vv` trace prints; the rest is counted, not shown.
pub const MAX_TRACED_BODY: usize = 64 * 1024;
/// What a redacted header value reads as.
pub const REDACTED: &str = "[redacted]";
/// Response headers `-v` shows on the summary line, in this order, when present.
const RATE_LIMIT_HEADERS: [&str; 3] = ["RateLimit-Limit", "RateLimit-Remaining", "Retry-After"];
const SECRET_HEADERS: [&str; 4] = [
    "authorization",
    "proxy-authorization",
    "cookie",
    "set-cookie",
];

/// Writes traces for one verbosity level (0 = silent).
#[derive(Debug, Clone, Copy)]
pub struct Tracer {
    level: u8,
}

impl Tracer {
    pub fn new(level: u8) -> Tracer {
        Tracer { level }
    }

    /// A free-form line at `-v` (retries, digest renewals).
    pub fn line(&self, line: std::fmt::Arguments<'_>) {
        if self.level > 0 {
            emit(&format!("{line}\n"));
        }
    }

    /// At `-vv`: the request line, its headers and its body, before it is sent. Headers the
    /// client adds to every request are passed in `defaults`.
    pub fn request(&self, request: &reqwest::Request, defaults: &[(&str, &str)]) {
        if self.level > 1 {
            let body = request.body().and_then(|b| b.as_bytes());
            emit(&format_request(
                request.method(),
                request.url(),
                request.headers(),
                defaults,
                body,
            ));
        }
    }

    /// At `-v`: the summary line; at `-vv` also the response headers and body.
    pub fn response(
        &self,
        exchange: (&Method, &Url),
        status: StatusCode,
        elapsed: Duration,
        headers: &HeaderMap,
        body: &[u8],
    ) {
        if self.level == 0 {
            return;
        }
        let (method, url) = exchange;
        let mut text = format_summary(method, url, status, elapsed, headers);
        if self.level > 1 {
            text.push_str(&format_headers('<', headers, &[]));
            text.push_str(&format_body('<', body));
        }
        emit(&text);
    }
}

fn emit(text: &str) {
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}

/// `GET <url> -> 200 OK (12 ms) [RateLimit-Limit: 100, RateLimit-Remaining: 99]`
pub fn format_summary(
    method: &Method,
    url: &Url,
    status: StatusCode,
    elapsed: Duration,
    headers: &HeaderMap,
) -> String {
    let mut line = format!(
        "{method} {url} -> {} {} ({} ms)",
        status.as_u16(),
        status.canonical_reason().unwrap_or(""),
        elapsed.as_millis()
    );
    let limits: Vec<String> = RATE_LIMIT_HEADERS
        .iter()
        .filter_map(|name| {
            let value = headers.get(*name)?.to_str().ok()?;
            Some(format!("{name}: {}", printable(value.as_bytes())))
        })
        .collect();
    if !limits.is_empty() {
        let _ = write!(line, " [{}]", limits.join(", "));
    }
    line.push('\n');
    line
}

/// `> GET <url>`, then `> name: value` lines and the body.
pub fn format_request(
    method: &Method,
    url: &Url,
    headers: &HeaderMap,
    defaults: &[(&str, &str)],
    body: Option<&[u8]>,
) -> String {
    let mut text = format!("> {method} {url}\n");
    text.push_str(&format_headers('>', headers, defaults));
    text.push_str(&format_body('>', body.unwrap_or_default()));
    text
}

fn format_headers(mark: char, headers: &HeaderMap, defaults: &[(&str, &str)]) -> String {
    let mut text = String::new();
    for (name, value) in headers {
        let value = if SECRET_HEADERS.contains(&name.as_str()) {
            REDACTED.to_string()
        } else {
            printable(value.as_bytes())
        };
        let _ = writeln!(text, "{mark} {name}: {value}");
    }
    for (name, value) in defaults {
        if !headers.contains_key(*name) {
            let _ = writeln!(text, "{mark} {name}: {value}");
        }
    }
    text
}

/// Fields of the encryption-at-rest configuration whose values are credentials (or, for
/// `clientID` and `roleId`, identify one); masked wherever they occur in a JSON body.
pub const SECRET_FIELDS: [&str; 6] = [
    "accessKeyID",
    "secretAccessKey",
    "roleId",
    "secret",
    "clientID",
    "serviceAccountKey",
];

/// The body with the value of every [`SECRET_FIELDS`] member replaced by the mask; unchanged
/// when it is not JSON or holds none of them.
fn redact_secret_fields(body: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    fn mask(value: &mut serde_json::Value) -> bool {
        match value {
            serde_json::Value::Object(map) => {
                let mut masked = false;
                for (key, inner) in map.iter_mut() {
                    if SECRET_FIELDS.contains(&key.as_str()) && !inner.is_null() {
                        *inner = serde_json::Value::String(REDACTED.into());
                        masked = true;
                    } else {
                        masked |= mask(inner);
                    }
                }
                masked
            }
            serde_json::Value::Array(items) => items.iter_mut().fold(false, |m, i| mask(i) | m),
            _ => false,
        }
    }
    let Ok(mut value) = serde_json::from_slice::<serde_json::Value>(body) else {
        return body.into();
    };
    if mask(&mut value) {
        value.to_string().into_bytes().into()
    } else {
        body.into()
    }
}

/// A blank marker line, then the body (if any) with each line marked.
fn format_body(mark: char, body: &[u8]) -> String {
    let mut text = format!("{mark}\n");
    if body.is_empty() {
        return text;
    }
    let body = redact_secret_fields(body);
    let body = body.as_ref();
    let shown = &body[..body.len().min(MAX_TRACED_BODY)];
    for line in String::from_utf8_lossy(shown).lines() {
        let _ = writeln!(text, "{mark} {}", printable(line.as_bytes()));
    }
    if body.len() > shown.len() {
        let _ = writeln!(
            text,
            "{mark} ... {} more bytes not shown",
            body.len() - shown.len()
        );
    }
    text
}

/// Control characters escaped so a hostile server cannot drive the terminal.
fn printable(bytes: &[u8]) -> String {
    let mut out = String::new();
    for c in String::from_utf8_lossy(bytes).chars() {
        if c.is_control() && c != '\t' {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::{HeaderName, HeaderValue};

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(
                HeaderName::from_bytes(name.as_bytes()).unwrap(),
                HeaderValue::from_str(value).unwrap(),
            );
        }
        map
    }

    fn url() -> Url {
        Url::parse("http://127.0.0.1:8080/api/atlas/v2/groups/x").unwrap()
    }

    #[test]
    fn summary_names_status_time_and_rate_limits() {
        let h = headers(&[
            ("ratelimit-limit", "100"),
            ("ratelimit-remaining", "0"),
            ("retry-after", "5"),
        ]);
        let line = format_summary(
            &Method::GET,
            &url(),
            StatusCode::TOO_MANY_REQUESTS,
            Duration::from_millis(12),
            &h,
        );
        assert_eq!(
            line,
            "GET http://127.0.0.1:8080/api/atlas/v2/groups/x -> 429 Too Many Requests (12 ms) [RateLimit-Limit: 100, RateLimit-Remaining: 0, Retry-After: 5]\n"
        );
        let plain = format_summary(
            &Method::DELETE,
            &url(),
            StatusCode::NO_CONTENT,
            Duration::from_millis(3),
            &HeaderMap::new(),
        );
        assert!(plain.ends_with("-> 204 No Content (3 ms)\n"), "{plain}");
    }

    #[test]
    fn request_trace_redacts_authorization() {
        let h = headers(&[
            ("accept", "application/vnd.atlas.2023-01-01+json"),
            (
                "authorization",
                r#"Digest username="pub", response="deadbeef""#,
            ),
        ]);
        let text = format_request(
            &Method::POST,
            &url(),
            &h,
            &[("user-agent", "atlas-ear/test"), ("accept", "ignored")],
            Some(br#"{"regionName":"US_EAST_1"}"#),
        );
        assert_eq!(
            text,
            "> POST http://127.0.0.1:8080/api/atlas/v2/groups/x\n\
             > accept: application/vnd.atlas.2023-01-01+json\n\
             > authorization: [redacted]\n\
             > user-agent: atlas-ear/test\n\
             >\n\
             > {\"regionName\":\"US_EAST_1\"}\n"
        );
        assert!(!text.contains("deadbeef"));
    }

    #[test]
    fn bodies_are_capped_and_escaped() {
        let big = vec![b'a'; MAX_TRACED_BODY + 10];
        let text = format_body('<', &big);
        assert!(
            text.ends_with("< ... 10 more bytes not shown\n"),
            "{}",
            &text[text.len() - 60..]
        );
        assert_eq!(format_body('<', b"\x1b[31mred"), "<\n< \\u{1b}[31mred\n");
        assert_eq!(format_body('<', b""), "<\n");
    }

    #[test]
    fn secret_fields_of_json_bodies_are_masked() {
        let body = br#"{"awsKms":{"accessKeyID":"AKIAEXAMPLE","secretAccessKey":"s3cr3t","region":"US_EAST_1"},"azureKeyVault":{"secret":"az-s3cr3t","clientID":null,"keyVaultName":"v"}}"#;
        let text = format_body('>', body);
        for secret in ["AKIAEXAMPLE", "s3cr3t", "az-s3cr3t"] {
            assert!(!text.contains(secret), "{text}");
        }
        assert!(text.contains(r#""accessKeyID":"[redacted]""#), "{text}");
        assert!(text.contains(r#""keyVaultName":"v""#), "{text}");
        assert!(text.contains(r#""clientID":null"#), "{text}");
        let plain = br#"{"regionName": "US_EAST_1"}"#;
        assert_eq!(
            format_body('>', plain),
            ">\n> {\"regionName\": \"US_EAST_1\"}\n",
            "a body without secret fields is shown exactly"
        );
    }
}
