//! A response under construction. Handlers return a `Reply` (or ask for the connection to be dropped);
//! the server turns it into a hyper response in one place, after adding the headers every answer carries.

use bytes::Bytes;
use http_body_util::Full;
use hyper::header::{CONTENT_LENGTH, CONTENT_TYPE, HeaderName, HeaderValue};
use hyper::{Response, StatusCode};
use serde_json::Value;

use crate::errors::ApiError;

/// The media type of successful answers, as the spec declares for all four operations.
pub(crate) const VERSIONED_JSON: &str = "application/vnd.atlas.2023-01-01+json;charset=utf-8";
/// The media type of error bodies, as the spec declares for `ApiError`.
pub(crate) const ERROR_JSON: &str = "application/json";

/// What the emulator does with a request.
pub(crate) enum Outcome {
    Reply(Reply),
    /// Close the TCP connection without answering.
    DropConnection,
}

impl From<Reply> for Outcome {
    fn from(reply: Reply) -> Self {
        Outcome::Reply(reply)
    }
}

/// Status, headers and body of one answer.
#[derive(Debug)]
pub(crate) struct Reply {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: Bytes,
}

impl Reply {
    pub fn empty(status: u16) -> Self {
        Reply {
            status,
            headers: Vec::new(),
            body: Bytes::new(),
        }
    }

    /// A body of any media type, sent as is.
    pub fn raw(status: u16, content_type: &str, body: impl Into<Bytes>) -> Self {
        Reply::empty(status)
            .header("content-type", content_type)
            .with_body(body.into())
    }

    pub fn json(status: u16, content_type: &str, value: &Value, pretty: bool) -> Self {
        let text = if pretty {
            serde_json::to_string_pretty(value)
        } else {
            serde_json::to_string(value)
        };
        // Serialising a `Value` cannot fail; an empty object is a harmless fallback all the same.
        Reply::raw(
            status,
            content_type,
            text.unwrap_or_else(|_| "{}".to_string()),
        )
    }

    pub fn error(error: &ApiError, pretty: bool) -> Self {
        Reply::json(error.status, ERROR_JSON, &error.to_json(), pretty)
    }

    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }

    fn with_body(mut self, body: Bytes) -> Self {
        self.body = body;
        self
    }

    pub fn into_response(self) -> Response<Full<Bytes>> {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let length = self.body.len();
        let mut response = Response::new(Full::new(self.body));
        *response.status_mut() = status;
        let headers = response.headers_mut();
        for (name, value) in self.headers {
            if let Ok(value) = HeaderValue::from_str(&value) {
                headers.append(HeaderName::from_static(name), value);
            }
        }
        if status != StatusCode::NO_CONTENT {
            headers.insert(CONTENT_LENGTH, HeaderValue::from(length));
        } else {
            headers.remove(CONTENT_TYPE);
        }
        response
    }
}
