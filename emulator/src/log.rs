//! The request log: what arrived, in arrival order, when, and what the emulator answered. Tests read
//! it to assert headers and bodies, to count how many requests a command cost, and to check the
//! pacing of a client (that nothing reached a throttled project before its `Retry-After`).

use std::fmt;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// One request as received, and the status it got.
#[derive(Clone)]
pub struct LoggedRequest {
    pub method: String,
    /// The path, without the query.
    pub path: String,
    /// The raw query string as received, without `?`.
    pub query: Option<String>,
    /// Header names in lower case, in the order hyper keeps them.
    pub headers: Vec<(String, String)>,
    /// The body, decoded as UTF-8 (lossily), with credential values masked
    /// ([`CREDENTIAL_FIELDS`]).
    pub body: String,
    /// The `groupId` segment of the path (`/api/atlas/v2/groups/{groupId}/...`) as sent, valid or
    /// not; `None` for paths without one (the token endpoint, unknown routes elsewhere).
    pub group_id: Option<String>,
    /// When the request arrived (before its body was read).
    pub arrived: Instant,
    /// The status the emulator answered; 0 if the connection was dropped (or it is still in flight).
    pub status: u16,
    /// The headers of the answer, names in lower case, as sent (empty while `status` is 0).
    pub response_headers: Vec<(String, String)>,
}

impl LoggedRequest {
    /// The first value of a header, whatever the case of `name`.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// `path?query`, exactly what a digest `uri` must equal.
    pub fn path_and_query(&self) -> String {
        match &self.query {
            Some(query) => format!("{}?{}", self.path, query),
            None => self.path.clone(),
        }
    }

    /// Whether the request carried an `Authorization` header (digest answer, bearer or basic).
    pub fn is_authenticated(&self) -> bool {
        self.header("authorization").is_some()
    }

    /// The first value of a header of the answer, whatever the case of `name`.
    pub fn response_header(&self, name: &str) -> Option<&str> {
        self.response_headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The answer's `Retry-After`, when it had a whole number of seconds there (429s, some faults).
    pub fn retry_after(&self) -> Option<Duration> {
        let seconds = self.response_header("retry-after")?.trim().parse().ok()?;
        Some(Duration::from_secs(seconds))
    }

    /// `started` is when the emulator started; `arrivedMicros` counts from it.
    pub(crate) fn to_json(&self, started: Instant) -> Value {
        let pairs = |headers: &[(String, String)]| -> Vec<Value> {
            headers.iter().map(|(n, v)| json!([n, v])).collect()
        };
        let arrived = self.arrived.saturating_duration_since(started).as_micros();
        json!({
            "method": self.method,
            "path": self.path,
            "query": self.query,
            "headers": pairs(&self.headers),
            "body": self.body,
            "groupId": self.group_id,
            "arrivedMicros": u64::try_from(arrived).unwrap_or(u64::MAX),
            "status": self.status,
            "responseHeaders": pairs(&self.response_headers),
        })
    }
}

/// `Debug` keeps bearer tokens and basic credentials out of test output; digest answers hold no
/// secret and are shown.
impl fmt::Debug for LoggedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(name, value)| {
                let lower = value.to_ascii_lowercase();
                let secret = name == "authorization"
                    && (lower.starts_with("basic") || lower.starts_with("bearer"));
                (
                    name.as_str(),
                    if secret { "<redacted>" } else { value.as_str() },
                )
            })
            .collect();
        f.debug_struct("LoggedRequest")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("query", &self.query)
            .field("headers", &headers)
            .field("body", &self.body)
            .field("group_id", &self.group_id)
            .field("arrived", &self.arrived)
            .field("status", &self.status)
            .field("response_headers", &self.response_headers)
            .finish()
    }
}

/// Fields of the encryption-at-rest configuration whose values are credentials (or identify
/// one). A logged body shows them as [`MASK`], so the request log and the control API's view
/// of it never show what a client sent. The two identifiers (`accessKeyID`, `clientID`) are
/// still kept and answered by `GET .../encryptionAtRest`, as Atlas answers them; only the
/// write-only secrets are dropped (`model/key_fields.rs`).
pub const CREDENTIAL_FIELDS: [&str; 6] = [
    "accessKeyID",
    "secretAccessKey",
    "roleId",
    "secret",
    "clientID",
    "serviceAccountKey",
];

/// What a credential's value reads as in a logged body.
pub const MASK: &str = "<redacted>";

/// The body as logged: unchanged unless it is JSON holding a [`CREDENTIAL_FIELDS`] member with a
/// value, which is then replaced by [`MASK`] (the body is then re-serialised compactly).
pub(crate) fn masked_body(body: &str) -> String {
    fn mask(value: &mut Value) -> bool {
        match value {
            Value::Object(map) => map.iter_mut().fold(false, |masked, (key, inner)| {
                if CREDENTIAL_FIELDS.contains(&key.as_str()) && !inner.is_null() {
                    *inner = json!(MASK);
                    true
                } else {
                    mask(inner) || masked
                }
            }),
            Value::Array(items) => {
                let mut masked = false;
                for item in items {
                    masked |= mask(item);
                }
                masked
            }
            _ => false,
        }
    }
    let Ok(mut value) = serde_json::from_str::<Value>(body) else {
        return body.to_string();
    };
    if mask(&mut value) {
        value.to_string()
    } else {
        body.to_string()
    }
}

/// Entries keyed by a sequence number so a late answer finds its entry even after a clear.
pub(crate) struct RequestLog {
    /// When the emulator started: the origin of `arrivedMicros` in the control API's view.
    pub started: Instant,
    next: u64,
    entries: Vec<(u64, LoggedRequest)>,
}

impl RequestLog {
    pub fn new(started: Instant) -> Self {
        RequestLog {
            started,
            next: 0,
            entries: Vec::new(),
        }
    }

    /// Records an arrival (status 0 until answered) and returns its key.
    pub fn record(&mut self, request: LoggedRequest) -> u64 {
        let key = self.next;
        self.next += 1;
        self.entries.push((key, request));
        key
    }

    /// Records the answer a request got.
    pub fn set_answer(&mut self, key: u64, status: u16, headers: Vec<(String, String)>) {
        if let Some((_, entry)) = self.entries.iter_mut().rev().find(|(k, _)| *k == key) {
            entry.status = status;
            entry.response_headers = headers;
        }
    }

    pub fn snapshot(&self) -> Vec<LoggedRequest> {
        self.entries.iter().map(|(_, r)| r.clone()).collect()
    }

    pub fn clear(&mut self) {
        self.entries.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_in_bodies_are_masked() {
        let body = r#"{"awsKms":{"secretAccessKey":"s3cr3t","accessKeyID":"AKIA1","region":"US_EAST_1"},"azureKeyVault":{"secret":"az","clientID":null}}"#;
        let logged = masked_body(body);
        assert!(
            !logged.contains("s3cr3t") && !logged.contains("AKIA1"),
            "{logged}"
        );
        assert!(!logged.contains(r#""az""#), "{logged}");
        assert!(logged.contains(r#""region":"US_EAST_1""#), "{logged}");
        let exact = r#"{"awsKms": {"requirePrivateNetworking": true}}"#;
        assert_eq!(
            masked_body(exact),
            exact,
            "a body without credentials is kept exactly"
        );
        assert_eq!(
            masked_body("grant_type=client_credentials"),
            "grant_type=client_credentials"
        );
    }

    #[test]
    fn debug_hides_bearer_tokens() {
        let request = LoggedRequest {
            method: "GET".into(),
            path: "/x".into(),
            query: Some("a=1".into()),
            headers: vec![("authorization".into(), "Bearer sekrit".into())],
            body: String::new(),
            group_id: None,
            arrived: Instant::now(),
            status: 200,
            response_headers: vec![("retry-after".into(), "7".into())],
        };
        assert!(!format!("{request:?}").contains("sekrit"));
        assert_eq!(request.retry_after(), Some(Duration::from_secs(7)));
        assert_eq!(request.header("Authorization"), Some("Bearer sekrit"));
        assert_eq!(request.path_and_query(), "/x?a=1");
        assert!(request.is_authenticated());
    }
}
