//! Reading an answer: the body under a cap, so a hostile or broken server cannot make the
//! process grow, and a non-2xx answer decoded into an [`ApiError`] whether or not its body is
//! Atlas error JSON.

use super::{ApiClient, ApiResponse, MAX_BODY_BYTES};
use crate::errors::{ApiError, TransportError};
use crate::escape::printable_snippet;
use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode, Url};

/// A response before it has been judged.
pub(super) struct RawResponse {
    pub(super) status: StatusCode,
    pub(super) content_type: Option<String>,
    pub(super) headers: HeaderMap,
    pub(super) body: Vec<u8>,
}

impl From<RawResponse> for ApiResponse {
    fn from(r: RawResponse) -> Self {
        ApiResponse {
            status: r.status,
            content_type: r.content_type,
            body: r.body,
        }
    }
}

/// Why a response body could not be read whole.
pub(super) enum BodyError {
    /// Longer than the cap the caller gave; nothing past the cap was kept.
    TooLarge,
    /// The connection failed mid-body; the text says how.
    Network(String),
}

impl ApiClient {
    /// Reads a response body, refusing it as soon as it is announced or grows past `cap`, so a
    /// hostile or broken server cannot make the process grow.
    pub(super) async fn read_body(
        &self,
        response: &mut reqwest::Response,
        cap: usize,
    ) -> Result<Vec<u8>, BodyError> {
        if response
            .content_length()
            .is_some_and(|len| len > cap as u64)
        {
            return Err(BodyError::TooLarge);
        }
        let mut bytes = Vec::new();
        loop {
            match response.chunk().await {
                Ok(Some(chunk)) if bytes.len() + chunk.len() > cap => {
                    return Err(BodyError::TooLarge);
                }
                Ok(Some(chunk)) => bytes.extend_from_slice(&chunk),
                Ok(None) => return Ok(bytes),
                Err(e) => return Err(BodyError::Network(self.describe_reqwest_error(&e))),
            }
        }
    }
}

pub(super) fn body_too_large(method: &Method, url: &Url) -> TransportError {
    TransportError(format!(
        "{method} {url}: the response body is larger than {} MiB; refusing to read it",
        MAX_BODY_BYTES / (1024 * 1024)
    ))
}

/// The error for an answer whose head (status line and header fields) passed the HTTP client's
/// limit (about 400 KiB, or more than 100 fields), or `None` for any other failure. Such an
/// answer is refused like an oversized body and not retried: the server would send it again.
pub(super) fn header_too_large(
    method: &Method,
    url: &Url,
    error: &reqwest::Error,
) -> Option<TransportError> {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(cause) = source {
        if cause
            .downcast_ref::<hyper::Error>()
            .is_some_and(hyper::Error::is_parse_too_large)
        {
            return Some(TransportError(format!(
                "{method} {url}: the answer's header is too large (over about 400 KiB, or more than 100 fields); refusing to read it"
            )));
        }
        source = cause.source();
    }
    None
}

/// Decodes a non-2xx answer into an [`ApiError`], whether or not its body is Atlas error JSON.
/// Public so the property tests and fuzz targets can feed it arbitrary bodies.
pub fn api_error(
    method: &str,
    url: &str,
    status: u16,
    content_type: Option<&str>,
    body: &[u8],
) -> ApiError {
    #[derive(serde::Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct AtlasErrorBody {
        error_code: Option<String>,
        detail: Option<String>,
    }
    let parsed: Option<AtlasErrorBody> = serde_json::from_slice(body).ok();
    let (error_code, detail, body_snippet) = match parsed {
        Some(b) if b.error_code.is_some() || b.detail.is_some() => (b.error_code, b.detail, None),
        _ if body.is_empty() => (None, None, None),
        _ => (
            None,
            None,
            Some(format!(
                "{} bytes of {}: {}",
                body.len(),
                printable_snippet(content_type.unwrap_or("no content type").as_bytes(), 80),
                printable_snippet(body, 120)
            )),
        ),
    };
    ApiError {
        status,
        method: method.to_string(),
        url: url.to_string(),
        error_code,
        detail,
        body_snippet,
    }
}

/// Redirects are reported, never followed: following one would re-send credentials somewhere
/// the user did not name.
pub(super) fn refuse_redirect(
    method: &Method,
    url: &Url,
    status: StatusCode,
    headers: &HeaderMap,
) -> Result<(), TransportError> {
    if !status.is_redirection() {
        return Ok(());
    }
    let location = headers
        .get(reqwest::header::LOCATION)
        .map(|v| printable_snippet(v.as_bytes(), 200))
        .unwrap_or_else(|| "(no Location header)".into());
    Err(TransportError(format!(
        "{method} {url}: the server answered HTTP {} with a redirect to {location}; redirects are not followed (check --base-url)",
        status.as_u16()
    )))
}
