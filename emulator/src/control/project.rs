//! The control routes that set up a project for the encryption-at-rest work: its seeded clusters
//! (`POST /__emulator/clusters`, `DELETE /__emulator/clusters/{groupId}/{name}`) and its
//! configuration (`GET`/`PUT /__emulator/projects/{groupId}/encryptionAtRest`), with the checks of
//! the flags and the library but none of the PATCH rules.

use serde_json::{Value, json};

use crate::control::body::{bad_request, json_reply, object_body};
use crate::errors::ApiError;
use crate::http::reply::Reply;
use crate::model::clusters::ClusterRegion;
use crate::model::ids::is_object_id;
use crate::mutex::lock;
use crate::state::Shared;

fn checked_group(group_id: &str) -> Result<&str, ApiError> {
    if is_object_id(group_id) {
        Ok(group_id)
    } else {
        Err(bad_request(
            "groupId must be 24 lower-case hexadecimal characters.",
        ))
    }
}

/// `{"groupId", "name", "regions": [{"provider": "AWS", "region": "US_EAST_1"}, …]}`: adds the
/// cluster, or replaces the regions of the project's cluster of that name. Answers `{"id"}`.
pub(crate) fn seed_cluster(shared: &Shared, body: &[u8]) -> Result<Reply, ApiError> {
    let object = object_body(body)?;
    let text = |name: &str| {
        object
            .get(name)
            .and_then(Value::as_str)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| bad_request(format!("{name} must be a non-empty string.")))
    };
    let group_id = checked_group(text("groupId")?)?;
    let name = text("name")?;
    let Some(Value::Array(entries)) = object.get("regions") else {
        return Err(bad_request(
            "regions must be an array of {\"provider\", \"region\"} objects.",
        ));
    };
    if entries.is_empty() {
        return Err(bad_request("regions must name at least one region."));
    }
    let mut regions = Vec::new();
    for entry in entries {
        let field = |name: &str| entry.get(name).and_then(Value::as_str).unwrap_or("");
        let region = ClusterRegion::parse(field("provider"), field("region"))
            .map_err(|why| bad_request(format!("regions: {why}.")))?;
        regions.push(region);
    }
    let id = lock(&shared.clusters).seed(group_id, name, regions);
    Ok(json_reply(200, &json!({ "id": id })))
}

pub(crate) fn remove_cluster(
    shared: &Shared,
    group_id: &str,
    name: &str,
) -> Result<Reply, ApiError> {
    if !lock(&shared.clusters).remove(group_id, name) {
        return Err(ApiError::new(
            404,
            "RESOURCE_NOT_FOUND",
            format!("No cluster {name} in project {group_id}."),
        ));
    }
    Ok(Reply::empty(204))
}

/// `GET` shows the configuration as the API would; `PUT` seeds the providers its body names
/// (`{"awsKms": {...}, "azureKeyVault": {...}}`) and answers the result.
pub(crate) fn encryption(
    shared: &Shared,
    method: &str,
    group_id: &str,
    body: &[u8],
) -> Result<Reply, ApiError> {
    let group_id = checked_group(group_id)?;
    if method == "PUT" {
        let document = Value::Object(object_body(body)?);
        shared
            .seed_encryption(group_id, &document)
            .map_err(|why| bad_request(format!("{why}.")))?;
    }
    let view = lock(&shared.encryption).get(group_id).view();
    Ok(json_reply(200, &view))
}
