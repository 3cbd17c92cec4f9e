//! `GET` and `POST /__emulator/config`: the settings that can change while the emulator runs (settle
//! time, nonce rotation, the rate limit).

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::config::RateLimit;
use crate::control::body::{bad_request, json_reply, object_body, optional_u64};
use crate::errors::ApiError;
use crate::http::reply::Reply;
use crate::mutex::lock;
use crate::state::Shared;

/// `{settleAfterMs, rotateNonce, rateLimit}`; absent fields stay as they are, `rateLimit: null`
/// turns the limiter off. Answers the resulting settings.
pub(crate) fn update(shared: &Shared, body: &[u8]) -> Result<Reply, ApiError> {
    let object = object_body(body)?;
    let settle = optional_u64(&object, "settleAfterMs")?;
    let rotate = match object.get("rotateNonce") {
        None => None,
        Some(value) => Some(
            value
                .as_bool()
                .ok_or_else(|| bad_request("rotateNonce must be a boolean."))?,
        ),
    };
    let rate_limit = match object.get("rateLimit") {
        None => None,
        Some(Value::Null) => Some(None),
        Some(Value::Object(limit)) => {
            let number = |name: &str| {
                optional_u64(limit, name)?
                    .and_then(|n| u32::try_from(n).ok())
                    .ok_or_else(|| {
                        bad_request(format!("rateLimit.{name} must be a 32-bit integer."))
                    })
            };
            let capacity = number("capacity")?;
            let refill_per_minute = number("refillPerMinute")?;
            Some(Some(RateLimit {
                capacity,
                refill_per_minute,
            }))
        }
        Some(_) => return Err(bad_request("rateLimit must be an object or null.")),
    };
    if let Some(millis) = settle {
        *lock(&shared.settle_after) = Duration::from_millis(millis);
    }
    if let Some(on) = rotate {
        shared.auth.rotate_nonce.store(on, Ordering::SeqCst);
    }
    if let Some(limit) = rate_limit {
        lock(&shared.limiter).configure(limit, Instant::now());
    }
    Ok(json_reply(200, &view(shared)))
}

pub(crate) fn view(shared: &Shared) -> Value {
    let rate_limit = lock(&shared.limiter)
        .limit()
        .map(|l| json!({"capacity": l.capacity, "refillPerMinute": l.refill_per_minute}));
    json!({
        "settleAfterMs": u64::try_from(shared.settle_after().as_millis()).unwrap_or(u64::MAX),
        "rotateNonce": shared.auth.rotate_nonce.load(Ordering::SeqCst),
        "rateLimit": rate_limit,
    })
}
