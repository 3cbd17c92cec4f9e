//! The retry policy, as pure decisions: which failures are worth another attempt, how long to
//! wait before it, and when to give up.
//!
//! Kept apart from the HTTP client so every rule can be tested without a server and without
//! sleeping, and so the README's "Reliability" section has one place to match. [`retrying`] is
//! the one loop that applies the policy, for API calls and for the token request alike.

use std::fmt::Arguments;
use std::future::Future;
use std::time::Duration;
/// The retries of one call never sleep longer than this in total, so a pipeline step stays
/// bounded however long the server asks us to wait.
pub const MAX_TOTAL_RETRY_WAIT: Duration = Duration::from_secs(120);
/// First backoff step when the server gives no `Retry-After`; doubled per attempt, with jitter.
pub const BACKOFF_BASE: Duration = Duration::from_millis(250);
/// Largest single backoff step before jitter.
pub const BACKOFF_CAP: Duration = Duration::from_secs(8);

/// What went wrong with one attempt, as far as retrying is concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Failure {
    /// The server answered with this status (and maybe a parsed `Retry-After`).
    Status {
        status: u16,
        retry_after: Option<Duration>,
    },
    /// No usable answer: connect failure, reset, dropped connection or timeout. The request may
    /// or may not have reached the server.
    Network,
}

/// The decision after a failed attempt.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decision {
    /// Sleep this long, then send attempt number `attempt + 1`.
    RetryAfter(Duration),
    /// Report the failure. `why` says why a retryable failure was not retried, for `-v`.
    GiveUp { why: Option<String> },
}

/// How many extra attempts a call may make and how long it may sleep between them in total.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    pub retries: u32,
    pub max_total_wait: Duration,
}

impl RetryPolicy {
    pub fn new(retries: u32) -> RetryPolicy {
        RetryPolicy {
            retries,
            max_total_wait: MAX_TOTAL_RETRY_WAIT,
        }
    }

    /// Decides what follows failed attempt number `attempt` (1-based), after `waited` in earlier
    /// retry sleeps. `jitter` is a number in `0.0..1.0` (random in real use) that spreads
    /// backoff steps so that many clients do not retry in step.
    pub fn decide(
        &self,
        idempotent: bool,
        failure: Failure,
        attempt: u32,
        waited: Duration,
        jitter: f64,
    ) -> Decision {
        if !is_retryable(idempotent, failure) {
            return Decision::GiveUp { why: None };
        }
        if attempt > self.retries {
            let why = match self.retries {
                0 => "not retrying: retries are off (--retries 0)".to_string(),
                n => format!("not retrying: all {n} retries used (--retries)"),
            };
            return Decision::GiveUp { why: Some(why) };
        }
        let delay = match failure {
            Failure::Status {
                retry_after: Some(delay),
                ..
            } => delay,
            _ => backoff(attempt, jitter),
        };
        match waited.checked_add(delay) {
            Some(total) if total <= self.max_total_wait => Decision::RetryAfter(delay),
            _ => Decision::GiveUp {
                why: Some(format!(
                    "not retrying: waiting {} more would exceed the {} retry budget",
                    humantime::format_duration(round_to_millis(delay)),
                    humantime::format_duration(self.max_total_wait)
                )),
            },
        }
    }
}

/// 429 is retried for every method: Atlas refuses a rate-limited request before doing anything.
/// 500, 502, 503, 504 and network failures are retried only for GET and DELETE, which can be
/// repeated safely; a POST with an unknown outcome may already have created an endpoint.
pub fn is_retryable(idempotent: bool, failure: Failure) -> bool {
    match failure {
        Failure::Status { status: 429, .. } => true,
        Failure::Status {
            status: 500 | 502 | 503 | 504,
            ..
        } => idempotent,
        Failure::Status { .. } => false,
        Failure::Network => idempotent,
    }
}

/// Reads `Retry-After` in seconds, the form Atlas uses. An HTTP date or anything unreadable is
/// ignored (the caller falls back to backoff) rather than trusted.
pub fn parse_retry_after(value: &str) -> Option<Duration> {
    let seconds: u64 = value.trim().parse().ok()?;
    Some(Duration::from_secs(seconds))
}

/// Exponential backoff: 250 ms, 500 ms, 1 s, ... capped at [`BACKOFF_CAP`], each step scaled by
/// `0.5 + jitter` (so 0.5 to 1.5 times the step).
pub fn backoff(attempt: u32, jitter: f64) -> Duration {
    let doubling = 1u32 << attempt.saturating_sub(1).min(16);
    let step = BACKOFF_BASE.saturating_mul(doubling).min(BACKOFF_CAP);
    let jitter = if jitter.is_finite() {
        jitter.clamp(0.0, 1.0)
    } else {
        0.5
    };
    step.mul_f64(0.5 + jitter)
}

/// What one attempt came to, as the retry loop sees it.
pub enum Attempt<T> {
    /// A success, or a failure that no retry can change (rejected keys, a refused redirect).
    Done(anyhow::Result<T>),
    /// A failure the policy decides about: the error to report if it gives up, and its kind.
    Failed(anyhow::Error, Failure),
}

/// Runs `attempt` until it is done or the policy gives up, sleeping between attempts as the
/// policy says. `what` names the request in the `-v` trace line of each retry ("GET", "the
/// token request"); `trace` writes such lines.
pub async fn retrying<T, F, Fut>(
    policy: RetryPolicy,
    idempotent: bool,
    what: &str,
    trace: &dyn Fn(Arguments<'_>),
    mut attempt: F,
) -> anyhow::Result<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Attempt<T>>,
{
    let mut waited = Duration::ZERO;
    let mut number: u32 = 1;
    loop {
        let (error, failure) = match attempt().await {
            Attempt::Done(result) => return result,
            Attempt::Failed(error, failure) => (error, failure),
        };
        match policy.decide(idempotent, failure, number, waited, fastrand::f64()) {
            Decision::RetryAfter(delay) => {
                // The request and what went wrong are on the trace line just before.
                let why = match failure {
                    Failure::Status { status, .. } => format!("HTTP {status}"),
                    Failure::Network => "a network failure".to_string(),
                };
                trace(format_args!(
                    "  retry {number}/{} of {what} in {} ms after {why}",
                    policy.retries,
                    delay.as_millis()
                ));
                tokio::time::sleep(delay).await;
                waited += delay;
                number += 1;
            }
            Decision::GiveUp { why } => {
                if let Some(why) = why {
                    trace(format_args!("  {why}"));
                }
                return Err(if number > 1 {
                    error.context(format!("gave up after {number} attempts"))
                } else {
                    error
                });
            }
        }
    }
}

fn round_to_millis(d: Duration) -> Duration {
    Duration::from_millis(u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    const NO_WAIT: Duration = Duration::ZERO;

    fn status(status: u16, retry_after: Option<u64>) -> Failure {
        Failure::Status {
            status,
            retry_after: retry_after.map(Duration::from_secs),
        }
    }

    #[test]
    fn what_is_retried_for_which_method() {
        for code in [500, 502, 503, 504] {
            assert!(
                is_retryable(true, status(code, None)),
                "{code} on GET/DELETE"
            );
            assert!(!is_retryable(false, status(code, None)), "{code} on POST");
        }
        assert!(is_retryable(true, status(429, None)));
        assert!(is_retryable(false, status(429, None)));
        assert!(is_retryable(true, Failure::Network));
        assert!(!is_retryable(false, Failure::Network));
        for code in [400, 401, 403, 404, 409, 501, 505, 301] {
            assert!(!is_retryable(true, status(code, None)), "{code}");
        }
    }

    #[test]
    fn retry_after_is_obeyed_exactly() {
        let policy = RetryPolicy::new(3);
        assert_eq!(
            policy.decide(false, status(429, Some(7)), 1, NO_WAIT, 0.9),
            Decision::RetryAfter(Duration::from_secs(7))
        );
        assert_eq!(
            policy.decide(true, status(503, Some(0)), 1, NO_WAIT, 0.9),
            Decision::RetryAfter(Duration::ZERO)
        );
    }

    #[test]
    fn attempts_stop_after_the_configured_retries() {
        let policy = RetryPolicy::new(2);
        assert!(matches!(
            policy.decide(true, Failure::Network, 2, NO_WAIT, 0.0),
            Decision::RetryAfter(_)
        ));
        assert!(matches!(
            policy.decide(true, Failure::Network, 3, NO_WAIT, 0.0),
            Decision::GiveUp { why: Some(_) }
        ));
        let off = RetryPolicy::new(0);
        assert!(matches!(
            off.decide(true, status(429, Some(0)), 1, NO_WAIT, 0.0),
            Decision::GiveUp { why: Some(_) }
        ));
        assert_eq!(
            off.decide(false, status(503, None), 1, NO_WAIT, 0.0),
            Decision::GiveUp { why: None }
        );
    }

    #[test]
    fn total_sleep_is_bounded_even_for_absurd_retry_after() {
        let policy = RetryPolicy::new(3);
        let huge = Failure::Status {
            status: 429,
            retry_after: Some(Duration::from_secs(u64::MAX)),
        };
        assert!(matches!(
            policy.decide(true, huge, 1, NO_WAIT, 0.5),
            Decision::GiveUp { why: Some(_) }
        ));
        assert!(matches!(
            policy.decide(true, status(429, Some(121)), 1, NO_WAIT, 0.5),
            Decision::GiveUp { why: Some(_) }
        ));
        assert!(matches!(
            policy.decide(
                true,
                status(429, Some(20)),
                2,
                Duration::from_secs(100),
                0.5
            ),
            Decision::RetryAfter(_)
        ));
        assert!(matches!(
            policy.decide(
                true,
                status(429, Some(21)),
                2,
                Duration::from_secs(100),
                0.5
            ),
            Decision::GiveUp { .. }
        ));
    }

    #[test]
    fn backoff_doubles_with_jitter_and_is_capped() {
        assert_eq!(backoff(1, 0.5), Duration::from_millis(250));
        assert_eq!(backoff(2, 0.5), Duration::from_millis(500));
        assert_eq!(backoff(3, 0.5), Duration::from_secs(1));
        assert_eq!(backoff(1, 0.0), Duration::from_millis(125));
        assert_eq!(backoff(1, 1.0), Duration::from_millis(375));
        assert_eq!(backoff(40, 0.5), BACKOFF_CAP);
        assert_eq!(backoff(u32::MAX, 1.0), BACKOFF_CAP.mul_f64(1.5));
        assert_eq!(backoff(1, f64::NAN), Duration::from_millis(250));
    }

    #[test]
    fn retry_after_parsing() {
        assert_eq!(parse_retry_after(" 3 "), Some(Duration::from_secs(3)));
        assert_eq!(parse_retry_after("0"), Some(Duration::ZERO));
        assert_eq!(
            parse_retry_after("18446744073709551615"),
            Some(Duration::from_secs(u64::MAX))
        );
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), None);
        assert_eq!(parse_retry_after("-1"), None);
        assert_eq!(parse_retry_after("1.5"), None);
        assert_eq!(parse_retry_after(""), None);
    }
}
