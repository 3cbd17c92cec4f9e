//! The control routes that shape endpoints directly: seeding them in any status, the provider-side
//! and Atlas-side events (approve, reject, replace, fail, delete), and regions where creation fails.

use std::time::Instant;

use serde_json::{Value, json};

use crate::control::body::{bad_request, json_reply, object_body, optional_str, optional_u64};
use crate::errors::ApiError;
use crate::http::reply::Reply;
use crate::model::regions::Provider;
use crate::model::store::ActionError;
use crate::mutex::lock;
use crate::state::Shared;

/// What `POST /__emulator/endpoints/{id}/{action}` can do to an endpoint.
pub(crate) const ACTIONS: [&str; 5] = ["approve", "reject", "replace", "fail", "delete"];

/// Most endpoints one seeding request may insert; enough for any pagination or memory test.
const MAX_SEED: u64 = 10_000;

/// `{groupId, provider (any case), region, status, errorMessage, count}`: inserts `count`
/// (default 1) endpoints directly, as [`crate::Emulator::seed_endpoint`] does, so a benchmark or a
/// test in another language can fill a project without creating endpoints one request at a time.
/// `status` defaults to `ACTIVE`; `errorMessage` is only for `FAILED`. Answers `{"ids": [...]}`.
pub(crate) fn seed(shared: &Shared, body: &[u8]) -> Result<Reply, ApiError> {
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
    let status = optional_str(&object, "status")?.unwrap_or("ACTIVE");
    let failure = optional_str(&object, "errorMessage")?;
    if failure.is_some() && status != "FAILED" {
        return Err(bad_request("errorMessage is only for status FAILED."));
    }
    let count = optional_u64(&object, "count")?.unwrap_or(1);
    if count == 0 || count > MAX_SEED {
        return Err(bad_request(format!("count must be from 1 to {MAX_SEED}.")));
    }
    let now = Instant::now();
    let mut store = lock(&shared.store);
    let ids: Vec<String> = (0..count)
        .map(|_| store.seed(group_id, provider.as_str(), region, status, failure, now))
        .collect();
    Ok(json_reply(200, &json!({ "ids": ids })))
}

/// `POST /__emulator/endpoints/{id}/{approve|reject|replace|fail|delete}`; `fail` takes
/// `{"errorMessage": "…"}`.
pub(crate) fn act(shared: &Shared, id: &str, action: &str, body: &[u8]) -> Result<Reply, ApiError> {
    let now = Instant::now();
    let settle = shared.settle_after();
    let mut store = lock(&shared.store);
    let result = match action {
        "approve" => store.approve(id, now, settle),
        "reject" => store.reject(id, false, now, settle),
        "replace" => store.reject(id, true, now, settle),
        "fail" => {
            let object = object_body(body)?;
            let message = optional_str(&object, "errorMessage")?.unwrap_or("");
            store.fail(id, message, now, settle)
        }
        // "delete", the last of `ACTIONS`.
        _ => store
            .request_deletion_by_id(id, now, settle)
            .then_some(())
            .ok_or(ActionError::NotFound),
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

pub(crate) fn fail_region(
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
