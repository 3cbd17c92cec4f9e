//! `GET` and `POST /__emulator/config`: the settings that can change while the emulator runs (settle
//! time, nonce rotation, the default rate limit every project follows), and
//! `/__emulator/projects/{groupId}/rateLimit`, one project's own limit.

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::control::body::{
    bad_request, json_reply, object_body, optional_u64, rate_limit, rate_limit_json,
};
use crate::errors::ApiError;
use crate::http::reply::Reply;
use crate::model::ids::is_object_id;
use crate::mutex::lock;
use crate::state::Shared;

/// `{settleAfterMs, rotateNonce, rateLimit}`; absent fields stay as they are, `rateLimit: null` takes
/// the default limit away. The whole body is checked before anything changes. Answers the
/// resulting settings.
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
    let default_limit = match object.get("rateLimit") {
        None => None,
        Some(Value::Null) => Some(None),
        Some(value) => Some(Some(rate_limit(value, "rateLimit")?)),
    };
    if let Some(millis) = settle {
        *lock(&shared.settle_after) = Duration::from_millis(millis);
    }
    if let Some(on) = rotate {
        shared.auth.rotate_nonce.store(on, Ordering::SeqCst);
    }
    if let Some(limit) = default_limit {
        lock(&shared.limiter).set_default(limit);
    }
    Ok(json_reply(200, &view(shared)))
}

pub(crate) fn view(shared: &Shared) -> Value {
    let default_limit = lock(&shared.limiter)
        .default_limit()
        .map(|l| rate_limit_json(&l));
    json!({
        "settleAfterMs": u64::try_from(shared.settle_after().as_millis()).unwrap_or(u64::MAX),
        "rotateNonce": shared.auth.rotate_nonce.load(Ordering::SeqCst),
        "rateLimit": default_limit,
    })
}

/// `PUT /__emulator/projects/{groupId}/rateLimit` with `{capacity, refillPerMinute}` gives the
/// project a bucket of its own (starting full); `DELETE` makes it follow the default again. Both
/// answer what `GET` does: the project's view.
pub(crate) fn project_rate_limit(
    shared: &Shared,
    method: &str,
    group_id: &str,
    body: &[u8],
) -> Result<Reply, ApiError> {
    if !is_object_id(group_id) {
        return Err(bad_request(format!(
            "{group_id:?} is not a groupId (24 lower-case hexadecimal characters)."
        )));
    }
    match method {
        "PUT" => {
            let limit = rate_limit(&Value::Object(object_body(body)?), "rateLimit")?;
            lock(&shared.limiter).set_project(group_id, Some(limit));
        }
        "DELETE" => lock(&shared.limiter).set_project(group_id, None),
        _ => {}
    }
    Ok(json_reply(200, &project_view(shared, group_id)))
}

/// `{groupId, rateLimit, ownLimit, remaining}`: the limit the project is under (`null` when none),
/// whether it is the project's own, and the tokens its bucket holds now (`null` when unlimited).
fn project_view(shared: &Shared, group_id: &str) -> Value {
    let mut limiter = lock(&shared.limiter);
    let own = limiter.project_limits().get(group_id).copied();
    let limit = own.or(limiter.default_limit());
    let remaining = limit.map(|_| limiter.quota(Some(group_id), Instant::now()).remaining);
    json!({
        "groupId": group_id,
        "rateLimit": limit.as_ref().map(rate_limit_json),
        "ownLimit": own.is_some(),
        "remaining": remaining,
    })
}
