//! The optional token bucket behind `RateLimit-*` headers and 429 answers. Tokens refill
//! continuously at `refill_per_minute / 60` a second, so a full bucket is never exceeded.

use std::time::Instant;

use crate::config::RateLimit;

/// The limit advertised while no bucket is configured (Atlas may send the headers regardless).
pub(crate) const NOMINAL_LIMIT: u32 = 100;

/// Header values: `RateLimit-Limit` and `RateLimit-Remaining`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Quota {
    pub limit: u32,
    pub remaining: u32,
}

/// A request the bucket refused, and when to come back.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Refused {
    pub quota: Quota,
    pub retry_after_secs: u64,
    pub limit: RateLimit,
}

#[derive(Default)]
pub(crate) struct RateLimiter {
    bucket: Option<Bucket>,
}

struct Bucket {
    limit: RateLimit,
    tokens: f64,
    last: Instant,
}

impl RateLimiter {
    /// Replaces the limit; a new bucket starts full.
    pub fn configure(&mut self, limit: Option<RateLimit>, now: Instant) {
        self.bucket = limit.map(|limit| Bucket {
            limit,
            tokens: f64::from(limit.capacity),
            last: now,
        });
    }

    pub fn limit(&self) -> Option<RateLimit> {
        self.bucket.as_ref().map(|b| b.limit)
    }

    /// The current quota, without spending anything.
    pub fn quota(&mut self, now: Instant) -> Quota {
        match &mut self.bucket {
            Some(bucket) => {
                bucket.refill(now);
                bucket.quota()
            }
            None => Quota {
                limit: NOMINAL_LIMIT,
                remaining: NOMINAL_LIMIT,
            },
        }
    }

    /// Spends one token, or says how long until one is available.
    pub fn try_acquire(&mut self, now: Instant) -> Result<Quota, Refused> {
        let Some(bucket) = &mut self.bucket else {
            return Ok(Quota {
                limit: NOMINAL_LIMIT,
                remaining: NOMINAL_LIMIT,
            });
        };
        bucket.refill(now);
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            return Ok(bucket.quota());
        }
        let per_second = f64::from(bucket.limit.refill_per_minute) / 60.0;
        let retry_after_secs = if per_second > 0.0 {
            // At least one second: Retry-After is a whole number of seconds.
            (((1.0 - bucket.tokens) / per_second).ceil() as u64).max(1)
        } else {
            60
        };
        Err(Refused {
            quota: bucket.quota(),
            retry_after_secs,
            limit: bucket.limit,
        })
    }
}

impl Bucket {
    fn refill(&mut self, now: Instant) {
        let seconds = now.saturating_duration_since(self.last).as_secs_f64();
        let added = seconds * f64::from(self.limit.refill_per_minute) / 60.0;
        self.tokens = (self.tokens + added).min(f64::from(self.limit.capacity));
        self.last = now;
    }

    fn quota(&self) -> Quota {
        Quota {
            limit: self.limit.capacity,
            remaining: self.tokens.floor() as u32,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn bucket_empties_and_refills() {
        let t0 = Instant::now();
        let mut limiter = RateLimiter::default();
        assert_eq!(
            limiter.quota(t0),
            Quota {
                limit: 100,
                remaining: 100
            }
        );
        limiter.configure(
            Some(RateLimit {
                capacity: 2,
                refill_per_minute: 6,
            }),
            t0,
        );
        assert_eq!(limiter.try_acquire(t0).unwrap().remaining, 1);
        assert_eq!(limiter.try_acquire(t0).unwrap().remaining, 0);
        let refused = limiter.try_acquire(t0).unwrap_err();
        assert_eq!(refused.retry_after_secs, 10);
        let later = t0 + Duration::from_secs(10);
        assert_eq!(limiter.try_acquire(later).unwrap().remaining, 0);
        let much_later = t0 + Duration::from_secs(3600);
        assert_eq!(limiter.quota(much_later).remaining, 2);
    }
}
