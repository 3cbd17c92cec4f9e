//! Per-project pacing. Atlas limits requests per project (a token bucket each), so when one
//! project is rate limited only that project's requests wait; the others go on. A 429 holds the
//! project's next requests until its `Retry-After` has passed (or for [`PAUSE_WITHOUT_RETRY_AFTER`]
//! when it gives none), and an answer saying `RateLimit-Remaining: 0` holds them for
//! [`PAUSE_WHEN_EXHAUSTED`], so the bucket can refill before the next request meets a 429.

use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;
use tokio::time::Instant;

/// How long a project's requests wait after a 429 that names no `Retry-After`.
pub const PAUSE_WITHOUT_RETRY_AFTER: Duration = Duration::from_secs(2);
/// How long a project's requests wait after an answer with `RateLimit-Remaining: 0`. Atlas does
/// not say how fast its buckets refill, so this is a short breath rather than a guess at the
/// refill time; should the next request still meet a 429, its `Retry-After` gives the exact wait.
pub const PAUSE_WHEN_EXHAUSTED: Duration = Duration::from_secs(1);

/// The project a request path belongs to, if any: `/api/atlas/v2/groups/{id}/...`.
pub fn project_of(path: &str) -> Option<&str> {
    let rest = path.strip_prefix("/api/atlas/v2/groups/")?;
    let id = rest.split(['/', '?']).next()?;
    (!id.is_empty()).then_some(id)
}

/// When each project may be sent its next request.
#[derive(Default)]
pub struct Throttle {
    not_before: Mutex<HashMap<String, Instant>>,
}

impl Throttle {
    /// How long a request to `project` must wait now (zero when it may go).
    pub fn wait_for(&self, project: &str) -> Duration {
        let guard = self.not_before.lock().unwrap_or_else(|p| p.into_inner());
        guard.get(project).map_or(Duration::ZERO, |at| {
            at.saturating_duration_since(Instant::now())
        })
    }

    /// Learns from one answer to a request for `project`; returns the hold it sets, if any.
    pub fn observe(
        &self,
        project: &str,
        status: StatusCode,
        headers: &HeaderMap,
        retry_after: Option<Duration>,
    ) -> Option<Duration> {
        let hold = if status == StatusCode::TOO_MANY_REQUESTS {
            retry_after.unwrap_or(PAUSE_WITHOUT_RETRY_AFTER)
        } else if remaining(headers) == Some(0) {
            PAUSE_WHEN_EXHAUSTED
        } else {
            return None;
        };
        // A hold never outlasts the retry budget: a `Retry-After` of days is not waited for (the
        // retry loop reports it), and so it must not park the project either.
        let hold = hold.min(crate::http::retry::MAX_TOTAL_RETRY_WAIT);
        let until = Instant::now() + hold;
        let mut guard = self.not_before.lock().unwrap_or_else(|p| p.into_inner());
        let entry = guard.entry(project.to_string()).or_insert(until);
        *entry = (*entry).max(until);
        Some(hold)
    }
}

fn remaining(headers: &HeaderMap) -> Option<u64> {
    headers
        .get("ratelimit-remaining")?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn projects_are_found_in_api_paths() {
        assert_eq!(
            project_of(
                "/api/atlas/v2/groups/32b6e34b3d91647abb20e7b8/encryptionAtRest/AWS/privateEndpoints"
            ),
            Some("32b6e34b3d91647abb20e7b8")
        );
        assert_eq!(project_of("/api/atlas/v2/groups/abc?x=1"), Some("abc"));
        assert_eq!(project_of("/api/oauth/token"), None);
        assert_eq!(project_of("/api/atlas/v2/groups/"), None);
    }

    #[tokio::test(flavor = "current_thread")]
    async fn only_the_limited_project_waits() {
        let throttle = Throttle::default();
        let mut headers = HeaderMap::new();
        let hold = throttle.observe(
            "a",
            StatusCode::TOO_MANY_REQUESTS,
            &headers,
            Some(Duration::from_secs(30)),
        );
        assert_eq!(hold, Some(Duration::from_secs(30)));
        assert!(throttle.wait_for("a") > Duration::from_secs(29));
        assert_eq!(throttle.wait_for("b"), Duration::ZERO);
        headers.insert("RateLimit-Remaining", "0".parse().unwrap());
        assert_eq!(
            throttle.observe("b", StatusCode::OK, &headers, None),
            Some(PAUSE_WHEN_EXHAUSTED)
        );
        headers.insert("RateLimit-Remaining", "7".parse().unwrap());
        assert_eq!(throttle.observe("c", StatusCode::OK, &headers, None), None);
        assert_eq!(throttle.wait_for("c"), Duration::ZERO);
    }
}
