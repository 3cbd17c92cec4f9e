//! A response under construction. Handlers return a `Reply` (or ask for the connection to be dropped);
//! the server turns it into a hyper response in one place, after adding the headers every answer carries.

use bytes::Bytes;
use hyper::header::{CONTENT_LENGTH, CONTENT_TYPE, HeaderName, HeaderValue};
use hyper::{Response, StatusCode};
use serde_json::Value;

use crate::errors::ApiError;
use crate::http::body::ReplyBody;

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
    /// Spaces streamed after `body` without being held in memory (the oversized-body fault).
    pub filler: u64,
    /// Send the body chunked, with no `Content-Length`.
    pub chunked: bool,
}

impl Reply {
    pub fn empty(status: u16) -> Self {
        Reply {
            status,
            headers: Vec::new(),
            body: Bytes::new(),
            filler: 0,
            chunked: false,
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

    /// Appends `filler` bytes of spaces, generated while sending; `chunked` leaves the length
    /// unannounced.
    pub fn with_filler(mut self, filler: u64, chunked: bool) -> Self {
        self.filler = filler;
        self.chunked = chunked;
        self
    }

    pub fn into_response(self) -> Response<ReplyBody> {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let length = self.body.len() as u64 + self.filler;
        let chunked = self.chunked;
        let body = if self.filler > 0 || chunked {
            ReplyBody::with_filler(self.body, self.filler, !chunked)
        } else {
            ReplyBody::full(self.body)
        };
        let mut response = Response::new(body);
        *response.status_mut() = status;
        let headers = response.headers_mut();
        for (name, value) in self.headers {
            if let Ok(value) = HeaderValue::from_str(&value) {
                headers.append(HeaderName::from_static(name), value);
            }
        }
        if chunked {
            headers.remove(CONTENT_LENGTH);
        } else if status != StatusCode::NO_CONTENT {
            headers.insert(CONTENT_LENGTH, HeaderValue::from(length));
        } else {
            headers.remove(CONTENT_TYPE);
        }
        response
    }
}
