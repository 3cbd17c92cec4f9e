//! The four operations themselves, once a request passed every check: read or change the store and
//! render the spec's body shapes, including pagination links, `envelope` and `pretty`.

use std::time::Instant;

use serde_json::{Value, json};

use crate::api::params::{Page, Validated};
use crate::api::routes::Operation;
use crate::errors::ApiError;
use crate::http::incoming::Incoming;
use crate::http::reply::{Reply, VERSIONED_JSON};
use crate::mutex::lock;
use crate::state::Shared;

/// Runs a validated request against the store. `origin` is the scheme and host for `links`.
pub(crate) fn perform(
    shared: &Shared,
    request: &Validated,
    incoming: &Incoming,
    origin: &str,
) -> Reply {
    let now = Instant::now();
    let settle = shared.settle_after();
    let group = request.group_id.as_str();
    let provider = request.provider.as_str();
    let endpoint_id = request.endpoint_id.as_deref().unwrap_or("");
    match request.operation {
        Operation::List => {
            let all = lock(&shared.store).list(group, provider, now, settle);
            let body = list_body(all, request.page, incoming, origin);
            success(200, body, request)
        }
        Operation::Create => {
            let region = request.region.as_deref().unwrap_or("");
            let created = lock(&shared.store).create(group, provider, region, now, settle);
            match created {
                Ok(view) => success(202, view, request),
                Err(_) => Reply::error(&conflict(provider, region), request.pretty),
            }
        }
        Operation::Get => {
            match lock(&shared.store).get(group, provider, endpoint_id, now, settle) {
                Some(view) => success(200, view, request),
                None => Reply::error(&not_found(endpoint_id), request.pretty),
            }
        }
        Operation::Delete => {
            if lock(&shared.store).request_deletion(group, provider, endpoint_id, now, settle) {
                Reply::empty(204)
            } else {
                Reply::error(&not_found(endpoint_id), request.pretty)
            }
        }
    }
}

/// Applies `envelope`: a list gains `status`; a single entity is wrapped as `{status, content}`.
fn success(status: u16, body: Value, request: &Validated) -> Reply {
    let body = match (request.envelope, body) {
        (false, body) => body,
        (true, Value::Object(mut list)) if request.operation == Operation::List => {
            list.insert("status".into(), json!(status));
            Value::Object(list)
        }
        (true, entity) => json!({"status": status, "content": entity}),
    };
    Reply::json(status, VERSIONED_JSON, &body, request.pretty)
}

/// `{links, results, totalCount}` for one page; `totalCount` only with `includeCount`.
pub(crate) fn list_body(all: Vec<Value>, page: Page, incoming: &Incoming, origin: &str) -> Value {
    let total = all.len();
    let start = page.items_per_page.saturating_mul(page.page_num - 1);
    let results: Vec<Value> = all
        .into_iter()
        .skip(start)
        .take(page.items_per_page)
        .collect();
    let link = |page_num: usize, rel: &str| json!({"href": page_href(incoming, origin, page.items_per_page, page_num), "rel": rel});
    let mut links = Vec::new();
    if page.page_num > 1 {
        links.push(link(page.page_num - 1, "previous"));
    }
    links.push(link(page.page_num, "self"));
    if start.saturating_add(page.items_per_page) < total {
        links.push(link(page.page_num + 1, "next"));
    }
    let mut body = json!({"links": links, "results": results});
    if page.include_count {
        body["totalCount"] = json!(total);
    }
    body
}

/// The request's own URL with `itemsPerPage` and `pageNum` set, other parameters kept in order.
fn page_href(incoming: &Incoming, origin: &str, items_per_page: usize, page_num: usize) -> String {
    let mut query: Vec<String> = incoming
        .query_pairs()
        .into_iter()
        .filter(|(name, _)| *name != "itemsPerPage" && *name != "pageNum")
        .map(|(name, value)| format!("{name}={value}"))
        .collect();
    query.push(format!("itemsPerPage={items_per_page}"));
    query.push(format!("pageNum={page_num}"));
    format!("{origin}{}?{}", incoming.path, query.join("&"))
}

fn not_found(endpoint_id: &str) -> ApiError {
    ApiError::new(
        404,
        "RESOURCE_NOT_FOUND",
        format!("Cannot find resource {endpoint_id}."),
    )
    .with_parameters(vec![json!(endpoint_id)])
}

fn conflict(provider: &str, region: &str) -> ApiError {
    ApiError::new(
        409,
        "ENCRYPTION_AT_REST_PRIVATE_ENDPOINT_ALREADY_EXISTS",
        format!(
            "A private endpoint for {provider} region {region} already exists in this project."
        ),
    )
    .with_parameters(vec![json!(provider), json!(region)])
}
