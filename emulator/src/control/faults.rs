//! `POST /__emulator/faults`: a fault described as JSON, turned into the `Fault` the Rust handle
//! takes.

use std::time::Duration;

use serde_json::{Map, Value};

use crate::control::body::{bad_request, object_body, optional_u64};
use crate::errors::ApiError;
use crate::faults::kinds::{Fault, FaultKind, Route};

/// `{route, kind, status, retryAfter, delayMs, location, bytes, chunked, count}`; `route`
/// defaults to `any`, `count` to 1.
pub(crate) fn parse_fault(body: &[u8]) -> Result<Fault, ApiError> {
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
