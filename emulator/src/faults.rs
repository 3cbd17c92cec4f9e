//! Fault injection: a queue of faults, each aimed at a route and good for a number of requests.
//! A request consumes a fault only after it passed authentication and validation, so a test can
//! count exactly which requests fail however many 401 challenges the client goes through.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::Duration;

use serde_json::json;

use crate::errors::ApiError;
use crate::reply::{ERROR_JSON, Outcome, Reply};
use crate::state::lock;

/// A fault for the next `count` requests of `route`.
#[derive(Clone, Debug)]
pub struct Fault {
    pub route: Route,
    pub kind: FaultKind,
    pub count: u32,
}

/// Which requests a fault applies to. `Any` matches the four operations and the token endpoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Route {
    Any,
    List,
    Create,
    Get,
    Delete,
    Token,
}

impl Route {
    /// Parses the name used by the control API (`any`, `list`, `create`, `get`, `delete`, `token`).
    pub fn from_name(name: &str) -> Option<Route> {
        match name.to_ascii_lowercase().as_str() {
            "any" => Some(Route::Any),
            "list" => Some(Route::List),
            "create" => Some(Route::Create),
            "get" => Some(Route::Get),
            "delete" => Some(Route::Delete),
            "token" => Some(Route::Token),
            _ => None,
        }
    }
}

/// What a fault does to the request it hits.
#[derive(Clone, Debug)]
pub enum FaultKind {
    /// Answer this status with an Atlas error body (429 uses errorCode `RATE_LIMITED`), and a
    /// `Retry-After` header when given. Statuses outside 400..=599 are answered as 500.
    Status {
        status: u16,
        retry_after: Option<u64>,
    },
    /// Wait, then answer normally.
    Delay(Duration),
    /// Close the TCP connection without any response.
    DropConnection,
    /// Carry the request out (an endpoint is created or deleted), then close the connection
    /// without answering: the client cannot tell whether it worked, as when a response is lost.
    DropAfterHandling,
    /// 200 with an `application/json` body cut in the middle.
    TruncatedJson,
    /// 200 with an `application/json` body that is not JSON at all.
    MalformedJson,
    /// 200 with a `text/html` page, like a proxy or a login page would send.
    Html,
}

/// Faults waiting to be consumed, in the order they were injected.
#[derive(Default)]
pub(crate) struct FaultQueue {
    queue: VecDeque<Fault>,
}

impl FaultQueue {
    pub fn push(&mut self, fault: Fault) {
        if fault.count > 0 {
            self.queue.push_back(fault);
        }
    }

    pub fn clear(&mut self) {
        self.queue.clear();
    }

    /// Consumes one use of the oldest fault that applies to `route`.
    pub fn take(&mut self, route: Route) -> Option<FaultKind> {
        let index = self
            .queue
            .iter()
            .position(|f| f.route == Route::Any || f.route == route)?;
        let fault = &mut self.queue[index];
        fault.count -= 1;
        let kind = fault.kind.clone();
        if fault.count == 0 {
            self.queue.remove(index);
        }
        Some(kind)
    }
}

/// What the next fault for a route does to a request.
pub(crate) enum Consumed {
    /// No fault, or a delay that has passed: answer normally.
    Proceed,
    /// Answer normally, then drop the connection instead of sending the answer.
    DropAfterHandling,
    /// This answer replaces the real one.
    Replace(Outcome),
}

/// Consumes the next fault for `route`, if any, waiting out a delay.
pub(crate) async fn consume(faults: &Mutex<FaultQueue>, route: Route) -> Consumed {
    let Some(kind) = lock(faults).take(route) else {
        return Consumed::Proceed;
    };
    match kind {
        FaultKind::Delay(delay) => {
            tokio::time::sleep(delay).await;
            Consumed::Proceed
        }
        FaultKind::DropAfterHandling => Consumed::DropAfterHandling,
        other => faulty_outcome(&other).map_or(Consumed::Proceed, Consumed::Replace),
    }
}

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

const MALFORMED_BODY: &str = "{\"results\": [ {\"status\": ACTIVE,, } <<not json>>";

const HTML_PAGE: &str = "<!DOCTYPE html>\n<html><head><title>Sign in</title></head>\n\
<body><h1>Session expired</h1><p>Please sign in to continue.</p>\n\
<form method=\"post\" action=\"/login\"><input name=\"username\"><input type=\"password\" name=\"password\">\
</form></body></html>\n";

#[cfg(test)]
mod tests {
    use super::*;

    fn status(kind: Option<FaultKind>) -> Option<u16> {
        match kind {
            Some(FaultKind::Status { status, .. }) => Some(status),
            _ => None,
        }
    }

    #[test]
    fn faults_are_consumed_in_order_per_route() {
        let mut queue = FaultQueue::default();
        let fault = |route, status, count| Fault {
            route,
            kind: FaultKind::Status {
                status,
                retry_after: None,
            },
            count,
        };
        queue.push(fault(Route::Get, 500, 2));
        queue.push(fault(Route::Any, 503, 1));
        queue.push(fault(Route::Get, 504, 0));
        assert_eq!(status(queue.take(Route::List)), Some(503));
        assert_eq!(status(queue.take(Route::Get)), Some(500));
        assert_eq!(status(queue.take(Route::Get)), Some(500));
        assert_eq!(status(queue.take(Route::Get)), None);
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
