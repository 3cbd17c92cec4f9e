//! The control API under `/__emulator/`: the same knobs the Rust handle offers, as JSON over HTTP,
//! for tests written in other languages and for rehearsing by hand with curl. No authentication,
//! no latency, never logged. This file routes; the routes' bodies are read in the files beside it.
//!
//! May use: `state` and everything below it. Never `api` or `server`.

pub(crate) mod body;
pub(crate) mod endpoints;
pub(crate) mod faults;
pub(crate) mod project;
pub(crate) mod settings;

use serde_json::{Value, json};

use crate::control::body::json_reply;
use crate::errors::ApiError;
use crate::http::incoming::Incoming;
use crate::http::reply::Reply;
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
        ("GET", ["requests"]) => Ok(logged_requests(shared)),
        ("DELETE", ["requests"]) => {
            lock(&shared.log).clear();
            Ok(Reply::empty(204))
        }
        ("POST", ["faults"]) => faults::parse_fault(&request.body).map(|fault| {
            lock(&shared.faults).push(fault);
            Reply::empty(204)
        }),
        ("DELETE", ["faults"]) => {
            lock(&shared.faults).clear();
            Ok(Reply::empty(204))
        }
        ("POST", ["endpoints"]) => endpoints::seed(shared, &request.body),
        ("POST", ["endpoints", id, action]) if endpoints::ACTIONS.contains(action) => {
            endpoints::act(shared, id, action, &request.body)
        }
        ("POST", ["regions", provider, region, "fail"]) => {
            endpoints::fail_region(shared, provider, region, &request.body)
        }
        ("POST", ["clusters"]) => project::seed_cluster(shared, &request.body),
        ("DELETE", ["clusters", group_id, name]) => project::remove_cluster(shared, group_id, name),
        (method @ ("GET" | "PUT"), ["projects", group_id, "encryptionAtRest"]) => {
            project::encryption(shared, method, group_id, &request.body)
        }
        ("GET", ["config"]) => Ok(json_reply(200, &settings::view(shared))),
        ("POST", ["config"]) => settings::update(shared, &request.body),
        (method @ ("GET" | "PUT" | "DELETE"), ["projects", group_id, "rateLimit"]) => {
            settings::project_rate_limit(shared, method, group_id, &request.body)
        }
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

/// The request log as JSON, oldest first.
fn logged_requests(shared: &Shared) -> Reply {
    let log = lock(&shared.log);
    let entries: Vec<Value> = log
        .snapshot()
        .iter()
        .map(|r| r.to_json(log.started))
        .collect();
    json_reply(200, &Value::Array(entries))
}
