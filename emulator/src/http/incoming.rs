//! A request after its body was read: what every handler looks at, independent of hyper's types.

use std::time::Instant;

use bytes::Bytes;
use hyper::header::HOST;
use hyper::{HeaderMap, Version};

use crate::errors::ApiError;
use crate::log::LoggedRequest;

pub(crate) struct Incoming {
    pub method: String,
    /// The HTTP version the request line named.
    pub version: Version,
    pub path: String,
    pub query: Option<String>,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Incoming {
    /// A header as text; a value that is not visible ASCII counts as absent.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The 400 RFC 9112 (section 3.2) requires for an HTTP/1.1 request without exactly one `Host`
    /// header; `None` when the request is fine (HTTP/1.0 needs no `Host`).
    pub fn host_error(&self) -> Option<ApiError> {
        let hosts = self.headers.get_all(HOST).iter().count();
        if self.version != Version::HTTP_11 || hosts == 1 {
            return None;
        }
        let given = if hosts == 0 { "none" } else { "several" };
        let error = ApiError::new(
            400,
            "INVALID_HOST_HEADER",
            format!(
                "An HTTP/1.1 request must carry exactly one Host header; this one has {given}."
            ),
        )
        .with_parameters(vec![serde_json::json!("Host")]);
        Some(error)
    }

    /// Exactly what a digest `uri` must equal.
    pub fn path_and_query(&self) -> String {
        match &self.query {
            Some(query) => format!("{}?{}", self.path, query),
            None => self.path.clone(),
        }
    }

    /// The origin a client used to reach us, for absolute `links`.
    pub fn origin(&self, fallback: &str) -> String {
        let host = self
            .header("host")
            .filter(|h| !h.is_empty() && h.bytes().all(|b| b.is_ascii_graphic()));
        match host {
            Some(host) => format!("http://{host}"),
            None => fallback.to_string(),
        }
    }

    /// The raw `name=value` pairs of the query, in order.
    pub fn query_pairs(&self) -> Vec<(&str, &str)> {
        self.query
            .as_deref()
            .unwrap_or("")
            .split('&')
            .filter(|pair| !pair.is_empty())
            .map(|pair| pair.split_once('=').unwrap_or((pair, "")))
            .collect()
    }

    /// The log entry for this request, which arrived at `arrived` and names `group_id` in its path.
    pub fn to_logged(&self, group_id: Option<&str>, arrived: Instant) -> LoggedRequest {
        LoggedRequest {
            method: self.method.clone(),
            path: self.path.clone(),
            query: self.query.clone(),
            headers: header_pairs(&self.headers),
            body: crate::log::masked_body(&String::from_utf8_lossy(&self.body)),
            group_id: group_id.map(str::to_string),
            arrived,
            status: 0,
            response_headers: Vec::new(),
        }
    }
}

/// Headers as `(lower-case name, value)` pairs in hyper's order; a value that is not UTF-8 is
/// decoded lossily, so the log never drops a header.
pub(crate) fn header_pairs(headers: &HeaderMap) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|(name, value)| {
            let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
            (name.as_str().to_string(), value)
        })
        .collect()
}
