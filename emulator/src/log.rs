//! The request log: what arrived, in arrival order, and what the emulator answered. Tests read it to
//! assert headers and bodies and to count how many requests a command cost.

use std::fmt;

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
    /// The body, decoded as UTF-8 (lossily).
    pub body: String,
    /// The status the emulator answered; 0 if the connection was dropped (or it is still in flight).
    pub status: u16,
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

    pub(crate) fn to_json(&self) -> Value {
        let headers: Vec<Value> = self.headers.iter().map(|(n, v)| json!([n, v])).collect();
        json!({
            "method": self.method,
            "path": self.path,
            "query": self.query,
            "headers": headers,
            "body": self.body,
            "status": self.status,
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
            .field("status", &self.status)
            .finish()
    }
}

/// Entries keyed by a sequence number so a late answer finds its entry even after a clear.
#[derive(Default)]
pub(crate) struct RequestLog {
    next: u64,
    entries: Vec<(u64, LoggedRequest)>,
}

impl RequestLog {
    /// Records an arrival (status 0 until answered) and returns its key.
    pub fn record(&mut self, request: LoggedRequest) -> u64 {
        let key = self.next;
        self.next += 1;
        self.entries.push((key, request));
        key
    }

    pub fn set_status(&mut self, key: u64, status: u16) {
        if let Some((_, entry)) = self.entries.iter_mut().rev().find(|(k, _)| *k == key) {
            entry.status = status;
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
    fn debug_hides_bearer_tokens() {
        let request = LoggedRequest {
            method: "GET".into(),
            path: "/x".into(),
            query: Some("a=1".into()),
            headers: vec![("authorization".into(), "Bearer sekrit".into())],
            body: String::new(),
            status: 200,
        };
        assert!(!format!("{request:?}").contains("sekrit"));
        assert_eq!(request.header("Authorization"), Some("Bearer sekrit"));
        assert_eq!(request.path_and_query(), "/x?a=1");
        assert!(request.is_authenticated());
    }
}
