//! The control API under `/__emulator/`: the same knobs the Rust handle offers, as JSON over HTTP,
//! for tests written in other languages and for rehearsing by hand with curl. No authentication,
//! no latency, never logged.

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use serde_json::{Map, Value, json};

use crate::config::RateLimit;
use crate::errors::ApiError;
use crate::faults::kinds::{Fault, FaultKind, Route};
use crate::http::incoming::Incoming;
use crate::http::reply::{ERROR_JSON, Reply};
use crate::model::regions::Provider;
use crate::model::store::ActionError;
use crate::mutex::lock;
use crate::state::Shared;

pub(crate) const PREFIX: &str = "/__emulator/";

/// Answers one control request.
pub(crate) fn answer(shared: &Shared, request: &Incoming) -> Reply {
    if let Some(error) = request.host_error() {
        return Reply::error(&error, false);
    }
    let rest = request.path.strip_prefix(PREFIX).unwrap_or("");
    let segments: Vec<&str> = rest.split('/').collect();
    let result = match (request.method.as_str(), segments.as_slice()) {
        ("GET", ["health"]) => Ok(json_reply(200, &json!({"status": "ok"}))),
        ("GET", ["requests"]) => {
            let entries: Vec<Value> = lock(&shared.log)
                .snapshot()
                .iter()
                .map(|r| r.to_json())
                .collect();
            Ok(json_reply(200, &Value::Array(entries)))
        }
        ("DELETE", ["requests"]) => {
            lock(&shared.log).clear();
            Ok(Reply::empty(204))
        }
        ("POST", ["faults"]) => parse_fault(&request.body).map(|fault| {
            lock(&shared.faults).push(fault);
            Reply::empty(204)
        }),
        ("DELETE", ["faults"]) => {
            lock(&shared.faults).clear();
            Ok(Reply::empty(204))
        }
        ("POST", ["endpoints"]) => seed_endpoints(shared, &request.body),
        ("POST", ["endpoints", id, action @ ("approve" | "reject")]) => {
            endpoint_action(shared, id, action)
        }
        ("POST", ["regions", provider, region, "fail"]) => {
            fail_region(shared, provider, region, &request.body)
        }
        ("GET", ["config"]) => Ok(json_reply(200, &config_view(shared))),
        ("POST", ["config"]) => update_config(shared, &request.body),
        ("POST", ["nonces", "expire"]) => {
            lock(&shared.auth.nonces).expire_all();
            Ok(Reply::empty(204))
        }
        ("POST", ["tokens", "expire"]) => {
            lock(&shared.auth.tokens).expire_all();
            Ok(Reply::empty(204))
        }
        _ => Err(ApiError::new(
            404,
            "RESOURCE_NOT_FOUND",
            format!("No control route {} {}.", request.method, request.path),
        )),
    };
    result.unwrap_or_else(|error| Reply::error(&error, false))
}

fn json_reply(status: u16, value: &Value) -> Reply {
    Reply::json(status, ERROR_JSON, value, false)
}

fn bad_request(detail: impl Into<String>) -> ApiError {
    ApiError::new(400, "INVALID_CONTROL_REQUEST", detail)
}

/// Parses a body that must be a JSON object (an empty body counts as `{}`).
fn object_body(body: &[u8]) -> Result<Map<String, Value>, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    match serde_json::from_slice(body) {
        Ok(Value::Object(object)) => Ok(object),
        Ok(_) => Err(bad_request("The body must be a JSON object.")),
        Err(e) => Err(bad_request(format!("The body is not JSON: {e}."))),
    }
}

fn optional_u64(object: &Map<String, Value>, name: &str) -> Result<Option<u64>, ApiError> {
    match object.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(value) => value
            .as_u64()
            .map(Some)
            .ok_or_else(|| bad_request(format!("{name} must be a non-negative integer."))),
    }
}

/// `{route, kind, status, retryAfter, delayMs, location, bytes, chunked, count}`; `route`
/// defaults to `any`, `count` to 1.
fn parse_fault(body: &[u8]) -> Result<Fault, ApiError> {
    let object = object_body(body)?;
    let route_name = object.get("route").and_then(Value::as_str).unwrap_or("any");
    let route = Route::from_name(route_name)
        .ok_or_else(|| bad_request("route must be any, list, create, get, delete or token."))?;
    let kind = fault_kind(&object)?;
    let count = optional_u64(&object, "count")?.unwrap_or(1);
    let count = u32::try_from(count).map_err(|_| bad_request("count is too large."))?;
    Ok(Fault { route, kind, count })
}

/// The `kind` of a fault and the fields that kind needs.
fn fault_kind(object: &Map<String, Value>) -> Result<FaultKind, ApiError> {
    let text = |name: &str| object.get(name).and_then(Value::as_str);
    let kind = match text("kind").unwrap_or("") {
        "status" => {
            let status = optional_u64(object, "status")?
                .filter(|s| (400..=599).contains(s))
                .ok_or_else(|| bad_request("A status fault needs status from 400 to 599."))?;
            let retry_after = optional_u64(object, "retryAfter")?;
            FaultKind::Status {
                status: status as u16,
                retry_after,
            }
        }
        "delay" => {
            let millis = optional_u64(object, "delayMs")?
                .ok_or_else(|| bad_request("A delay fault needs delayMs."))?;
            FaultKind::Delay(Duration::from_millis(millis))
        }
        "dropConnection" => FaultKind::DropConnection,
        "dropAfterHandling" => FaultKind::DropAfterHandling,
        "truncatedJson" => FaultKind::TruncatedJson,
        "malformedJson" => FaultKind::MalformedJson,
        "html" => FaultKind::Html,
        "redirect" => {
            let status = optional_u64(object, "status")?.unwrap_or(302);
            let status = u16::try_from(status)
                .ok()
                .filter(|s| (300..=399).contains(s))
                .ok_or_else(|| bad_request("A redirect fault needs status from 300 to 399."))?;
            let location =
                text("location").ok_or_else(|| bad_request("A redirect fault needs location."))?;
            FaultKind::Redirect {
                status,
                location: location.to_string(),
            }
        }
        "oversizedBody" => {
            let bytes = optional_u64(object, "bytes")?
                .ok_or_else(|| bad_request("An oversizedBody fault needs bytes."))?;
            let chunked = object
                .get("chunked")
                .and_then(Value::as_bool)
                .unwrap_or(false);
            FaultKind::OversizedBody { bytes, chunked }
        }
        _ => {
            return Err(bad_request(
                "kind must be status, delay, dropConnection, dropAfterHandling, truncatedJson, malformedJson, html, redirect or oversizedBody.",
            ));
        }
    };
    Ok(kind)
}

fn endpoint_action(shared: &Shared, id: &str, action: &str) -> Result<Reply, ApiError> {
    let now = Instant::now();
    let settle = shared.settle_after();
    let mut store = lock(&shared.store);
    let result = if action == "approve" {
        store.approve(id, now, settle)
    } else {
        store.reject(id, now, settle)
    };
    match result {
        Ok(()) => Ok(Reply::empty(204)),
        Err(ActionError::NotFound) => Err(ApiError::new(
            404,
            "RESOURCE_NOT_FOUND",
            format!("No endpoint {id}."),
        )),
        Err(ActionError::WrongStatus(status)) => Err(ApiError::new(
            409,
            "INVALID_STATUS",
            format!("Cannot {action} endpoint {id} in status {status}."),
        )),
    }
}

/// Most endpoints one seeding request may insert; enough for any pagination or memory test.
const MAX_SEED: u64 = 10_000;

/// `{groupId, provider (any case), region, status, count}`: inserts `count` (default 1) endpoints directly,
/// as [`crate::Emulator::seed_endpoint`] does, so a benchmark or a test in another language can
/// fill a project without creating endpoints one request at a time. `status` defaults to
/// `ACTIVE`. Answers `{"ids": [...]}`.
fn seed_endpoints(shared: &Shared, body: &[u8]) -> Result<Reply, ApiError> {
    let object = object_body(body)?;
    let text = |name: &str| {
        object
            .get(name)
            .and_then(Value::as_str)
            .ok_or_else(|| bad_request(format!("{name} must be a string.")))
    };
    let group_id = text("groupId")?;
    let provider = Provider::parse(&text("provider")?.to_ascii_uppercase())
        .ok_or_else(|| bad_request("The provider must be AWS or AZURE."))?;
    let region = text("region")?;
    if !provider.has_region(region) {
        return Err(bad_request(format!("{region} is not a {provider} region.")));
    }
    let status = match object.get("status") {
        None | Some(Value::Null) => "ACTIVE",
        Some(_) => text("status")?,
    };
    let count = optional_u64(&object, "count")?.unwrap_or(1);
    if count == 0 || count > MAX_SEED {
        return Err(bad_request(format!("count must be from 1 to {MAX_SEED}.")));
    }
    let now = Instant::now();
    let mut store = lock(&shared.store);
    let ids: Vec<String> = (0..count)
        .map(|_| store.seed(group_id, provider.as_str(), region, status, now))
        .collect();
    Ok(json_reply(200, &json!({ "ids": ids })))
}

fn fail_region(
    shared: &Shared,
    provider: &str,
    region: &str,
    body: &[u8],
) -> Result<Reply, ApiError> {
    let provider = Provider::parse(provider)
        .ok_or_else(|| bad_request("The provider must be AWS or AZURE."))?;
    if !provider.has_region(region) {
        return Err(bad_request(format!("{region} is not a {provider} region.")));
    }
    let object = object_body(body)?;
    let message = object.get("message").and_then(Value::as_str).unwrap_or("");
    lock(&shared.store).fail_region(provider.as_str(), region, message);
    Ok(Reply::empty(204))
}

/// `{settleAfterMs, rotateNonce, rateLimit}`; absent fields stay as they are, `rateLimit: null`
/// turns the limiter off. Answers the resulting settings.
fn update_config(shared: &Shared, body: &[u8]) -> Result<Reply, ApiError> {
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
    Ok(json_reply(200, &config_view(shared)))
}

fn config_view(shared: &Shared) -> Value {
    let rate_limit = lock(&shared.limiter)
        .limit()
        .map(|l| json!({"capacity": l.capacity, "refillPerMinute": l.refill_per_minute}));
    json!({
        "settleAfterMs": u64::try_from(shared.settle_after().as_millis()).unwrap_or(u64::MAX),
        "rotateNonce": shared.auth.rotate_nonce.load(Ordering::SeqCst),
        "rateLimit": rate_limit,
    })
}
