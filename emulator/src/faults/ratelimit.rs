//! The token buckets behind `RateLimit-*` headers and 429 answers: one bucket per project, as Atlas
//! limits per scope and not globally (NOTES.md section 10). Each project follows the default limit
//! unless it has its own; tokens refill continuously at `refill_per_minute / 60` a second, so a full
//! bucket is never exceeded. Requests that belong to no project are never limited.

use std::collections::{BTreeMap, HashMap};
use std::time::Instant;

use crate::config::RateLimit;

/// The limit advertised while no bucket applies (Atlas may send the headers regardless).
pub(crate) const NOMINAL_LIMIT: u32 = 100;

/// Header values: `RateLimit-Limit` and `RateLimit-Remaining`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Quota {
    pub limit: u32,
    pub remaining: u32,
}

const NOMINAL: Quota = Quota {
    limit: NOMINAL_LIMIT,
    remaining: NOMINAL_LIMIT,
};

/// A request the bucket refused, and when to come back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Refused {
    pub quota: Quota,
    pub retry_after_secs: u64,
    pub limit: RateLimit,
}

/// The limits in force and the buckets of the projects that have spent tokens.
#[derive(Default)]
pub(crate) struct RateLimiter {
    /// What every project without an override follows; `None`: those projects are not limited.
    default: Option<RateLimit>,
    /// Projects (by `groupId`) with a limit of their own.
    overrides: BTreeMap<String, RateLimit>,
    /// Created full on a project's first request under its limit; dropped when the limit changes,
    /// so a new limit always starts with a full bucket.
    buckets: HashMap<String, Bucket>,
}

struct Bucket {
    limit: RateLimit,
    tokens: f64,
    last: Instant,
}

impl RateLimiter {
    /// A limiter with `default` for every project and `overrides` for some.
    pub fn new(default: Option<RateLimit>, overrides: &BTreeMap<String, RateLimit>) -> Self {
        RateLimiter {
            default,
            overrides: overrides.clone(),
            buckets: HashMap::new(),
        }
    }

    /// Replaces the default limit; every project that follows it starts again with a full bucket.
    pub fn set_default(&mut self, limit: Option<RateLimit>) {
        self.default = limit;
        let overrides = &self.overrides;
        self.buckets
            .retain(|group, _| overrides.contains_key(group));
    }

    /// Gives a project a limit of its own (`Some`) or makes it follow the default again (`None`);
    /// either way its bucket starts full.
    pub fn set_project(&mut self, group_id: &str, limit: Option<RateLimit>) {
        match limit {
            Some(limit) => self.overrides.insert(group_id.to_string(), limit),
            None => self.overrides.remove(group_id),
        };
        self.buckets.remove(group_id);
    }

    pub fn default_limit(&self) -> Option<RateLimit> {
        self.default
    }

    pub fn project_limits(&self) -> &BTreeMap<String, RateLimit> {
        &self.overrides
    }

    /// The limit a project is under, if any.
    fn limit_for(&self, group_id: &str) -> Option<RateLimit> {
        self.overrides.get(group_id).copied().or(self.default)
    }

    /// A project's bucket brought up to `now`, created full if it has none; `None` when the
    /// request belongs to no project or its project is not limited.
    fn bucket(&mut self, group_id: Option<&str>, now: Instant) -> Option<&mut Bucket> {
        let group_id = group_id?;
        let limit = self.limit_for(group_id)?;
        let bucket = self
            .buckets
            .entry(group_id.to_string())
            .or_insert_with(|| Bucket {
                limit,
                tokens: f64::from(limit.capacity),
                last: now,
            });
        bucket.refill(now);
        Some(bucket)
    }

    /// The current quota of a project (nominal without one), without spending anything.
    pub fn quota(&mut self, group_id: Option<&str>, now: Instant) -> Quota {
        self.bucket(group_id, now).map_or(NOMINAL, |b| b.quota())
    }

    /// Spends one of the project's tokens, or says how long until one is available.
    pub fn try_acquire(&mut self, group_id: Option<&str>, now: Instant) -> Result<Quota, Refused> {
        let Some(bucket) = self.bucket(group_id, now) else {
            return Ok(NOMINAL);
        };
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

    const A: Option<&str> = Some("aaaaaaaaaaaaaaaaaaaaaaaa");
    const B: Option<&str> = Some("bbbbbbbbbbbbbbbbbbbbbbbb");

    fn limit(capacity: u32, refill_per_minute: u32) -> RateLimit {
        RateLimit {
            capacity,
            refill_per_minute,
        }
    }

    #[test]
    fn bucket_empties_and_refills() {
        let t0 = Instant::now();
        let mut limiter = RateLimiter::default();
        assert_eq!(
            limiter.quota(A, t0),
            Quota {
                limit: 100,
                remaining: 100
            }
        );
        limiter.set_default(Some(limit(2, 6)));
        assert_eq!(limiter.try_acquire(A, t0).unwrap().remaining, 1);
        assert_eq!(limiter.try_acquire(A, t0).unwrap().remaining, 0);
        let refused = limiter.try_acquire(A, t0).unwrap_err();
        assert_eq!(refused.retry_after_secs, 10);
        let later = t0 + Duration::from_secs(10);
        assert_eq!(limiter.try_acquire(A, later).unwrap().remaining, 0);
        let much_later = t0 + Duration::from_secs(3600);
        assert_eq!(limiter.quota(A, much_later).remaining, 2);
    }

    #[test]
    fn each_project_has_its_own_bucket_and_may_have_its_own_limit() {
        let t0 = Instant::now();
        let mut limiter = RateLimiter::new(Some(limit(1, 0)), &BTreeMap::new());
        assert!(limiter.try_acquire(A, t0).is_ok());
        assert!(limiter.try_acquire(A, t0).is_err());
        assert_eq!(limiter.try_acquire(B, t0).unwrap().remaining, 0);
        assert_eq!(
            limiter.try_acquire(None, t0),
            Ok(NOMINAL),
            "no project, no bucket"
        );

        limiter.set_project("aaaaaaaaaaaaaaaaaaaaaaaa", Some(limit(3, 0)));
        assert_eq!(
            limiter.try_acquire(A, t0).unwrap(),
            Quota {
                limit: 3,
                remaining: 2
            }
        );
        assert!(
            limiter.try_acquire(B, t0).is_err(),
            "B keeps its empty bucket"
        );
        limiter.set_default(None);
        assert_eq!(limiter.quota(B, t0), NOMINAL);
        assert_eq!(
            limiter.quota(A, t0).remaining,
            2,
            "the override keeps its bucket"
        );
        limiter.set_project("aaaaaaaaaaaaaaaaaaaaaaaa", None);
        assert_eq!(limiter.quota(A, t0), NOMINAL);
    }
}
