//! The answers faults give instead of the real one: error statuses, broken or foreign bodies,
//! redirects and bodies too large to hold.

use serde_json::json;

use crate::errors::ApiError;
use crate::faults::kinds::FaultKind;
use crate::http::reply::{ERROR_JSON, Outcome, Reply};

/// The answer a fault gives instead of the real one; `None` for `Delay` (wait, then go on) and
/// `DropAfterHandling` (handled by `consume`). Nothing is created or deleted when a fault answers.
pub(crate) fn faulty_outcome(kind: &FaultKind) -> Option<Outcome> {
    let reply = match kind {
        FaultKind::Delay(_) | FaultKind::DropAfterHandling => return None,
        FaultKind::DropConnection => return Some(Outcome::DropConnection),
        FaultKind::Status {
            status,
            retry_after,
        } => {
            let status = if (400..=599).contains(status) {
                *status
            } else {
                500
            };
            let reply = Reply::error(&ApiError::for_status(status), false);
            match retry_after {
                Some(seconds) => reply.header("retry-after", seconds.to_string()),
                None => reply,
            }
        }
        FaultKind::TruncatedJson => {
            let text = sample_body().to_string();
            let cut = text.len() / 2;
            Reply::raw(200, ERROR_JSON, text[..cut].to_string())
        }
        FaultKind::MalformedJson => Reply::raw(200, ERROR_JSON, MALFORMED_BODY),
        FaultKind::Html => Reply::raw(200, "text/html; charset=utf-8", HTML_PAGE),
        FaultKind::Redirect { status, location } => {
            let status = if (300..=399).contains(status) {
                *status
            } else {
                302
            };
            Reply::empty(status).header("location", location.clone())
        }
        FaultKind::OversizedBody { bytes, chunked } => {
            let head = OVERSIZED_HEAD.as_bytes();
            let head = &head[..head
                .len()
                .min(usize::try_from(*bytes).unwrap_or(usize::MAX))];
            let filler = bytes.saturating_sub(head.len() as u64);
            Reply::raw(200, ERROR_JSON, head.to_vec()).with_filler(filler, *chunked)
        }
    };
    Some(Outcome::Reply(reply))
}

/// A realistic list body; only its first half is ever sent.
fn sample_body() -> serde_json::Value {
    json!({
        "links": [{"href": "http://127.0.0.1/api/atlas/v2", "rel": "self"}],
        "results": [{
            "cloudProvider": "AWS",
            "id": "32b6e34b3d91647abb20e7b8",
            "privateEndpointConnectionName": "vpce-0123456789abcdef0",
            "regionName": "US_EAST_1",
            "status": "ACTIVE"
        }],
        "totalCount": 1
    })
}

/// How an oversized body starts: a list page whose results never end.
const OVERSIZED_HEAD: &str = "{\"results\": [";

const MALFORMED_BODY: &str = "{\"results\": [ {\"status\": ACTIVE,, } <<not json>>";

const HTML_PAGE: &str = "<!DOCTYPE html>\n<html><head><title>Sign in</title></head>\n\
<body><h1>Session expired</h1><p>Please sign in to continue.</p>\n\
<form method=\"post\" action=\"/login\"><input name=\"username\"><input type=\"password\" name=\"password\">\
</form></body></html>\n";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirect_and_oversized_replies() {
        let redirect = FaultKind::Redirect {
            status: 200,
            location: "/elsewhere".into(),
        };
        let Some(Outcome::Reply(reply)) = faulty_outcome(&redirect) else {
            panic!("expected a reply");
        };
        assert_eq!(reply.status, 302, "a non-3xx status becomes 302");
        assert!(
            reply
                .headers
                .contains(&("location", "/elsewhere".to_string()))
        );
        let big = FaultKind::OversizedBody {
            bytes: 5,
            chunked: true,
        };
        let Some(Outcome::Reply(reply)) = faulty_outcome(&big) else {
            panic!("expected a reply");
        };
        assert_eq!((reply.body.len(), reply.filler), (5, 0));
        assert!(reply.chunked);
    }

    #[test]
    fn truncated_body_is_not_json() {
        let Some(Outcome::Reply(reply)) = faulty_outcome(&FaultKind::TruncatedJson) else {
            panic!("expected a reply");
        };
        assert!(serde_json::from_slice::<serde_json::Value>(&reply.body).is_err());
        assert!(reply.body.starts_with(b"{\"links\""));
    }
}
