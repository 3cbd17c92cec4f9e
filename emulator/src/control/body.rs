//! Reading control request bodies (JSON objects with optional fields) and writing control answers,
//! with the one error code every malformed control request gets.

use serde_json::{Map, Value};

use crate::config::RateLimit;
use crate::errors::ApiError;
use crate::http::reply::{ERROR_JSON, Reply};

pub(crate) fn json_reply(status: u16, value: &Value) -> Reply {
    Reply::json(status, ERROR_JSON, value, false)
}

pub(crate) fn bad_request(detail: impl Into<String>) -> ApiError {
    ApiError::new(400, "INVALID_CONTROL_REQUEST", detail)
}

/// Parses a body that must be a JSON object (an empty body counts as `{}`).
pub(crate) fn object_body(body: &[u8]) -> Result<Map<String, Value>, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    match serde_json::from_slice(body) {
        Ok(Value::Object(object)) => Ok(object),
        Ok(_) => Err(bad_request("The body must be a JSON object.")),
        Err(e) => Err(bad_request(format!("The body is not JSON: {e}."))),
    }
}

pub(crate) fn optional_u64(
    object: &Map<String, Value>,
    name: &str,
) -> Result<Option<u64>, ApiError> {
    match object.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(value) => value
            .as_u64()
            .map(Some)
            .ok_or_else(|| bad_request(format!("{name} must be a non-negative integer."))),
    }
}

/// An optional string field; `None` when absent or null.
pub(crate) fn optional_str<'a>(
    object: &'a Map<String, Value>,
    name: &str,
) -> Result<Option<&'a str>, ApiError> {
    match object.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) => Ok(Some(text)),
        Some(_) => Err(bad_request(format!("{name} must be a string."))),
    }
}

/// `{"capacity": N, "refillPerMinute": N}`; `what` names the field in errors.
pub(crate) fn rate_limit(value: &Value, what: &str) -> Result<RateLimit, ApiError> {
    let Value::Object(limit) = value else {
        return Err(bad_request(format!("{what} must be an object or null.")));
    };
    let number = |name: &str| {
        optional_u64(limit, name)?
            .and_then(|n| u32::try_from(n).ok())
            .ok_or_else(|| bad_request(format!("{what}.{name} must be a 32-bit integer.")))
    };
    Ok(RateLimit {
        capacity: number("capacity")?,
        refill_per_minute: number("refillPerMinute")?,
    })
}

/// The JSON form of a rate limit.
pub(crate) fn rate_limit_json(limit: &RateLimit) -> Value {
    serde_json::json!({"capacity": limit.capacity, "refillPerMinute": limit.refill_per_minute})
}
