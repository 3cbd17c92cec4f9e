//! The four Atlas operations on encryption-at-rest private endpoints, and their responses.
//! `encryption.rs` reads and updates the project's encryption-at-rest configuration,
//! `clusters.rs` lists the regions the project's clusters use, `pages.rs` bounds every list.
//!
//! Responses are kept as JSON values, not decoded into closed structs: `-o json` must print what
//! Atlas sent, and fields or status values Atlas adds later must pass through untouched.
//! [`EndpointView`] reads the few fields a table shows, leniently.
//!
//! The API layer: it builds every request as a [`PlannedRequest`] and sends it through `http/`.
//! It may use `http/` and the floor; it never prints.

pub mod clusters;
pub mod encryption;
mod pages;
pub mod request;

use crate::escape::printable;

pub use request::PlannedRequest;

use pages::{Bounds, More, PageWalk, not_what_the_api_promises};
pub use pages::{ITEMS_PER_PAGE, decode_page};

use crate::http::{ApiClient, ApiResponse};
use crate::regions::Provider;
use anyhow::Result;
use reqwest::Method;
use serde_json::{Map, Value};

/// Most endpoints one list may hold: ten full pages. A project has a few dozen endpoints per
/// provider at most (one per region), so a server that keeps sending more is broken or hostile.
pub const MAX_LIST_ITEMS: usize = 5_000;
/// Most bytes of page bodies one list may hold, so memory stays bounded whatever the pages
/// contain (an endpoint is a few hundred bytes of JSON).
pub const MAX_LIST_BYTES: usize = 8 * 1024 * 1024;

/// The project and provider some endpoints belong to, and the client that reaches them.
pub struct Scope<'a> {
    pub client: &'a ApiClient,
    pub project_id: &'a str,
    pub provider: Provider,
}

/// One endpoint as the API returned it, with the exact body text when it came alone.
#[derive(Debug, Clone)]
pub struct RawEndpoint {
    pub value: Map<String, Value>,
    /// The response body exactly as received (for `get` and `create`).
    pub body: Option<String>,
}

/// Every page of a list, merged.
#[derive(Debug, Clone)]
pub struct EndpointList {
    pub results: Vec<Value>,
    pub total_count: Option<u64>,
}

impl EndpointList {
    /// The endpoint with this id, if the list holds it.
    pub fn by_id(&self, id: &str) -> Option<&Map<String, Value>> {
        self.results
            .iter()
            .filter_map(Value::as_object)
            .find(|e| e.get("id").and_then(Value::as_str) == Some(id))
    }

    /// The endpoint a wait follows: `id`, or while Atlas re-creates it in `recreating_in`, the
    /// endpoint that replaced it there under a new id.
    pub fn following(&self, id: &str, recreating_in: Option<&str>) -> Option<&Map<String, Value>> {
        self.by_id(id)
            .or_else(|| self.replacement_in(recreating_in?, id))
    }

    /// The endpoint that replaced `old_id` in `region`: another one there, not DELETING.
    pub fn replacement_in(&self, region: &str, old_id: &str) -> Option<&Map<String, Value>> {
        self.live_in(region)
            .find(|e| e.get("id").and_then(Value::as_str) != Some(old_id))
    }

    /// The endpoint a region already has, in any status but DELETING (first in list order).
    pub fn existing_in(&self, region: &str) -> Option<&Map<String, Value>> {
        self.live_in(region).next()
    }

    /// The endpoints of a region that are not DELETING, in list order.
    fn live_in<'a>(&'a self, region: &str) -> impl Iterator<Item = &'a Map<String, Value>> {
        self.results
            .iter()
            .filter_map(Value::as_object)
            .filter(move |e| {
                e.get("regionName").and_then(Value::as_str) == Some(region)
                    && e.get("status").and_then(Value::as_str) != Some("DELETING")
            })
    }
}

fn collection_path(project_id: &str, provider: Provider) -> String {
    format!(
        "/api/atlas/v2/groups/{project_id}/encryptionAtRest/{}/privateEndpoints",
        provider.as_api_str()
    )
}

fn endpoint_path(project_id: &str, provider: Provider, endpoint_id: &str) -> String {
    format!("{}/{endpoint_id}", collection_path(project_id, provider))
}

/// The request [`create_endpoint`] sends.
pub fn create_request(project_id: &str, provider: Provider, region: &str) -> PlannedRequest {
    PlannedRequest::new(Method::POST, collection_path(project_id, provider))
        .with_body(serde_json::json!({ "regionName": region }))
}

/// The request [`get_endpoint`] sends.
pub fn get_request(project_id: &str, provider: Provider, endpoint_id: &str) -> PlannedRequest {
    PlannedRequest::new(
        Method::GET,
        endpoint_path(project_id, provider, endpoint_id),
    )
}

/// The request [`delete_endpoint`] sends.
pub fn delete_request(project_id: &str, provider: Provider, endpoint_id: &str) -> PlannedRequest {
    PlannedRequest::new(
        Method::DELETE,
        endpoint_path(project_id, provider, endpoint_id),
    )
}

/// The request for page `page` (from 1) of [`list_endpoints`].
pub fn list_page_request(project_id: &str, provider: Provider, page: usize) -> PlannedRequest {
    PlannedRequest::new(
        Method::GET,
        format!(
            "{}?includeCount=true&itemsPerPage={ITEMS_PER_PAGE}&pageNum={page}",
            collection_path(project_id, provider)
        ),
    )
}

/// `POST .../privateEndpoints` with `{"regionName": region}`: Atlas answers 202 and the new
/// endpoint, normally INITIATING.
pub async fn create_endpoint(
    client: &ApiClient,
    project_id: &str,
    provider: Provider,
    region: &str,
) -> Result<RawEndpoint> {
    let response = create_request(project_id, provider, region)
        .send(client)
        .await?;
    decode_endpoint(response)
}

/// `GET .../privateEndpoints/{id}`.
pub async fn get_endpoint(
    client: &ApiClient,
    project_id: &str,
    provider: Provider,
    endpoint_id: &str,
) -> Result<RawEndpoint> {
    let response = get_request(project_id, provider, endpoint_id)
        .send(client)
        .await?;
    decode_endpoint(response)
}

/// `DELETE .../privateEndpoints/{id}`: a deletion request; the endpoint moves to DELETING.
pub async fn delete_endpoint(
    client: &ApiClient,
    project_id: &str,
    provider: Provider,
    endpoint_id: &str,
) -> Result<()> {
    let response = delete_request(project_id, provider, endpoint_id)
        .send(client)
        .await?;
    check_deletion(&response)
}

/// `GET .../privateEndpoints`, every page, 500 at a time. The walk is bounded: a list that
/// would pass [`MAX_LIST_ITEMS`] or [`MAX_LIST_BYTES`], a page that repeats an endpoint already
/// received, or a `totalCount` that no list within the bounds can reach is an error naming the
/// page. A partial list is never returned as if it were whole.
pub async fn list_endpoints(
    client: &ApiClient,
    project_id: &str,
    provider: Provider,
) -> Result<EndpointList> {
    let mut walk = PageWalk::new(ENDPOINT_LIST);
    let mut results = Vec::new();
    for page in 1.. {
        let response = list_page_request(project_id, provider, page)
            .send(client)
            .await?;
        let (items, more) = walk.take(page, &response)?;
        results.extend(items);
        if more == More::No {
            break;
        }
    }
    Ok(EndpointList {
        results,
        total_count: walk.total_count(),
    })
}

/// The bounds of [`list_endpoints`].
const ENDPOINT_LIST: Bounds = Bounds {
    noun: "endpoint",
    list_name: "a list of private endpoints",
    max_items: MAX_LIST_ITEMS,
    max_bytes: MAX_LIST_BYTES,
};

/// A deletion is answered 204 with no body. A 2xx carrying something that is not JSON (a proxy's
/// or login page's HTML, a cut-off body) did not come from the API, so it is not taken as a
/// successful deletion request.
pub fn check_deletion(response: &ApiResponse) -> Result<()> {
    let blank = response.body.iter().all(u8::is_ascii_whitespace);
    if blank || serde_json::from_slice::<Value>(&response.body).is_ok() {
        Ok(())
    } else {
        Err(not_what_the_api_promises(response, "an empty answer").into())
    }
}

/// One endpoint from a 2xx body: any JSON object is accepted (unknown fields kept); anything
/// else is an error naming the status, content type and first bytes.
pub fn decode_endpoint(response: ApiResponse) -> Result<RawEndpoint> {
    match serde_json::from_slice::<Value>(&response.body) {
        Ok(Value::Object(value)) => Ok(RawEndpoint {
            value,
            body: String::from_utf8(response.body).ok(),
        }),
        _ => Err(not_what_the_api_promises(&response, "an endpoint JSON object").into()),
    }
}

/// The fields a table shows, read leniently: missing fields are empty, unexpected types are
/// shown as their JSON text, unknown statuses as they are.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct EndpointView {
    pub id: String,
    pub provider: String,
    pub region: String,
    pub status: String,
    pub connection_name: String,
    pub error: String,
}

impl EndpointView {
    pub fn from_json(value: &Value) -> EndpointView {
        // Server text reaches a terminal or a tab-separated line: escape what could redraw the
        // screen or split a field.
        let field = |name: &str| match value.get(name) {
            None | Some(Value::Null) => String::new(),
            Some(Value::String(s)) => printable(s),
            Some(other) => printable(&other.to_string()),
        };
        EndpointView {
            id: field("id"),
            provider: field("cloudProvider"),
            region: field("regionName"),
            status: field("status"),
            connection_name: field("privateEndpointConnectionName"),
            error: field("errorMessage"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn view_is_lenient() {
        let v = EndpointView::from_json(&json!({
            "id": "a", "regionName": 5, "status": "SOMETHING_NEW", "extra": true
        }));
        assert_eq!(v.region, "5");
        assert_eq!(v.status, "SOMETHING_NEW");
        assert_eq!(v.connection_name, "");
    }
}
