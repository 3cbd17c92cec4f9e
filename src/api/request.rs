//! A request described before it is sent: the API layer builds it, the HTTP layer sends it, and
//! `--dry-run` prints the very same value as a curl command, so the printout cannot drift from
//! what the tool would send.

use crate::http::{ApiClient, ApiResponse};
use anyhow::Result;
use reqwest::Method;

/// Method, path and query, and JSON body of one API call.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedRequest {
    pub method: Method,
    /// From `/api/atlas/v2/...`, with the query string if any.
    pub path_and_query: String,
    pub body: Option<serde_json::Value>,
    /// The media-type date this operation is pinned to (`application/vnd.atlas.<date>+json`);
    /// `None` follows `--api-version`. Operations that exist in one version only are pinned, so
    /// a newer `--api-version` chosen for the endpoint operations cannot break them.
    pub api_version: Option<&'static str>,
}

impl PlannedRequest {
    pub fn new(method: Method, path_and_query: impl Into<String>) -> PlannedRequest {
        PlannedRequest {
            method,
            path_and_query: path_and_query.into(),
            body: None,
            api_version: None,
        }
    }

    pub fn with_api_version(mut self, version: &'static str) -> PlannedRequest {
        self.api_version = Some(version);
        self
    }

    pub fn with_body(mut self, body: serde_json::Value) -> PlannedRequest {
        self.body = Some(body);
        self
    }

    /// Sends it through the client (auth, retries and error decoding included).
    pub async fn send(&self, client: &ApiClient) -> Result<ApiResponse> {
        client
            .call_as(
                self.method.clone(),
                &self.path_and_query,
                self.body.as_ref(),
                self.api_version,
            )
            .await
    }

    /// The body exactly as the client serialises it.
    pub fn body_text(&self) -> Option<String> {
        self.body.as_ref().map(|b| b.to_string())
    }
}
