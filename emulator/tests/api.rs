//! Routes, status codes and body shapes of the four operations: pagination, links, envelope,
//! pretty, unknown routes and wrong methods.

mod common;

use std::collections::HashSet;

use atlas_ear_emulator::{Fault, FaultKind, RateLimit, Route};
use common::*;
use reqwest::{Method, StatusCode};
use serde_json::Value;

#[tokio::test]
async fn the_four_operations_answer_with_the_spec_codes_and_shapes() {
    let emulator = start(slow_config());
    let mut client = Client::new(&emulator);

    let response = client
        .post(&list_path(GROUP, "AWS"), r#"{"regionName":"US_EAST_1"}"#)
        .await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    let content_type = response.headers()["content-type"].to_str().unwrap();
    assert!(
        content_type.starts_with("application/vnd.atlas.2023-01-01+json"),
        "{content_type}"
    );
    let created: Value = response.json().await.unwrap();
    let id = created["id"].as_str().unwrap().to_string();
    assert_eq!(id.len(), 24);
    assert!(
        id.bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
    );
    assert_eq!(created["cloudProvider"], "AWS");
    assert_eq!(created["regionName"], "US_EAST_1");
    assert_eq!(created["status"], "INITIATING");
    let name = created["privateEndpointConnectionName"].as_str().unwrap();
    assert!(name.starts_with("vpce-") && name.len() == 22, "{name}");
    assert!(created.get("errorMessage").is_none());

    let response = client.get(&list_path(GROUP, "AWS")).await;
    assert_eq!(response.status(), StatusCode::OK);
    let list: Value = response.json().await.unwrap();
    assert_eq!(list["results"], Value::Array(vec![created.clone()]));
    assert_eq!(list["totalCount"], 1);
    assert_eq!(list["links"][0]["rel"], "self");

    let response = client.get(&item_path(GROUP, "AWS", &id)).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.json::<Value>().await.unwrap(), created);

    let response = client.delete(&item_path(GROUP, "AWS", &id)).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert!(response.bytes().await.unwrap().is_empty());
    assert_eq!(
        client.status_of("AWS", &id).await.as_deref(),
        Some("DELETING")
    );

    // The endpoint lives under its provider and project only.
    let response = client.get(&item_path(GROUP, "AZURE", &id)).await;
    assert_error(response, 404, "RESOURCE_NOT_FOUND").await;
    let response = client.get(&item_path(OTHER_GROUP, "AWS", &id)).await;
    assert_error(response, 404, "RESOURCE_NOT_FOUND").await;
    let response = client
        .delete(&item_path(GROUP, "AWS", "ffffffffffffffffffffffff"))
        .await;
    assert_error(response, 404, "RESOURCE_NOT_FOUND").await;
}

#[tokio::test]
async fn any_project_id_is_a_project_with_no_endpoints_yet() {
    let emulator = start(slow_config());
    let mut client = Client::new(&emulator);
    let response = client.get(&list_path(OTHER_GROUP, "AZURE")).await;
    assert_eq!(response.status(), StatusCode::OK);
    let list: Value = response.json().await.unwrap();
    assert_eq!(list["results"], Value::Array(vec![]));
    assert_eq!(list["totalCount"], 0);
}

fn rels(list: &Value) -> Vec<String> {
    list["links"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["rel"].as_str().unwrap().to_string())
        .collect()
}

fn href(list: &Value, rel: &str) -> Option<String> {
    list["links"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["rel"] == rel)
        .map(|l| l["href"].as_str().unwrap().to_string())
}

#[tokio::test]
async fn lists_are_paginated_with_links_and_a_total_count() {
    let emulator = start(slow_config());
    for i in 0..1200 {
        let region = if i % 2 == 0 { "US_EAST_1" } else { "EU_WEST_1" };
        emulator.seed_endpoint(GROUP, "AWS", region, "ACTIVE");
    }
    let mut client = Client::new(&emulator);
    let path = list_path(GROUP, "AWS");

    let first: Value = client.get(&path).await.json().await.unwrap();
    assert_eq!(first["results"].as_array().unwrap().len(), 100);
    assert_eq!(first["totalCount"], 1200);
    assert_eq!(rels(&first), ["self", "next"]);
    let next = href(&first, "next").unwrap();
    assert!(next.starts_with(&emulator.base_url()), "{next}");
    assert!(
        next.ends_with(&format!("{path}?itemsPerPage=100&pageNum=2")),
        "{next}"
    );

    let middle: Value = client
        .get(&format!("{path}?pageNum=2&includeCount=true"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(rels(&middle), ["previous", "self", "next"]);
    assert!(
        href(&middle, "previous")
            .unwrap()
            .ends_with("?includeCount=true&itemsPerPage=100&pageNum=1")
    );
    assert_ne!(middle["results"][0]["id"], first["results"][0]["id"]);

    let last: Value = client
        .get(&format!("{path}?itemsPerPage=500&pageNum=3"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(last["results"].as_array().unwrap().len(), 200);
    assert_eq!(rels(&last), ["previous", "self"]);

    let beyond: Value = client
        .get(&format!("{path}?itemsPerPage=500&pageNum=4"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(beyond["results"], Value::Array(vec![]));
    assert_eq!(rels(&beyond), ["previous", "self"]);

    let uncounted: Value = client
        .get(&format!("{path}?includeCount=false"))
        .await
        .json()
        .await
        .unwrap();
    assert!(uncounted.get("totalCount").is_none(), "{uncounted}");

    // Following `next` links visits every endpoint exactly once.
    let mut seen = HashSet::new();
    let mut url = Some(format!("{}{path}?itemsPerPage=500", emulator.base_url()));
    while let Some(current) = url {
        let path_and_query = current
            .strip_prefix(&emulator.base_url())
            .unwrap()
            .to_string();
        let page: Value = client.get(&path_and_query).await.json().await.unwrap();
        for item in page["results"].as_array().unwrap() {
            assert!(seen.insert(item["id"].as_str().unwrap().to_string()));
        }
        url = href(&page, "next");
    }
    assert_eq!(seen.len(), 1200);
}

#[tokio::test]
async fn envelope_wraps_entities_and_adds_status_to_lists() {
    let emulator = start(slow_config());
    let mut client = Client::new(&emulator);
    let path = format!("{}?envelope=true", list_path(GROUP, "AZURE"));
    let response = client.post(&path, r#"{"regionName":"US_CENTRAL"}"#).await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    let created: Value = response.json().await.unwrap();
    assert_eq!(created["status"], 202);
    assert_eq!(created["content"]["status"], "INITIATING");
    let id = created["content"]["id"].as_str().unwrap();

    let one: Value = client
        .get(&format!("{}?envelope=true", item_path(GROUP, "AZURE", id)))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(one["status"], 200);
    assert_eq!(one["content"], created["content"]);

    let list: Value = client.get(&path).await.json().await.unwrap();
    assert_eq!(list["status"], 200);
    assert_eq!(list["results"][0], created["content"]);
    assert!(list["links"].is_array());
    assert_eq!(list["totalCount"], 1);

    let plain: Value = client
        .get(&item_path(GROUP, "AZURE", id))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(plain, created["content"]);
}

/// With `envelope=true` an error stays the plain `ApiError` body (its `error` field is the status):
/// the spec declares the same `ApiError` responses even for operations whose `envelope` defaults to
/// true (emulator/README.md, "Envelope").
#[tokio::test]
async fn envelope_leaves_error_bodies_as_plain_api_errors() {
    let emulator = start(slow_config());
    let mut client = Client::new(&emulator);
    let list = format!("{}?envelope=true", list_path(GROUP, "AWS"));
    let unknown = format!("{}?envelope=true", item_path(GROUP, "AWS", GROUP));
    let unauthenticated = reqwest::get(format!("{}{list}", emulator.base_url()))
        .await
        .unwrap();
    let mut errors = vec![(
        assert_error(unauthenticated, 401, "UNAUTHORIZED").await,
        401,
    )];
    let missing = client.get(&unknown).await;
    errors.push((assert_error(missing, 404, "RESOURCE_NOT_FOUND").await, 404));
    let bad_page = client.get(&format!("{list}&pageNum=0")).await;
    errors.push((
        assert_error(bad_page, 400, "INVALID_QUERY_PARAMETER").await,
        400,
    ));
    client.post(&list, r#"{"regionName":"US_EAST_1"}"#).await;
    let duplicate = client.post(&list, r#"{"regionName":"US_EAST_1"}"#).await;
    let code = "ENCRYPTION_AT_REST_PRIVATE_ENDPOINT_ALREADY_EXISTS";
    errors.push((assert_error(duplicate, 409, code).await, 409));
    emulator.inject(Fault {
        route: Route::List,
        kind: FaultKind::Status {
            status: 503,
            retry_after: None,
        },
        count: 1,
    });
    let injected = client.get(&list).await;
    errors.push((
        assert_error(injected, 503, "SERVICE_UNAVAILABLE").await,
        503,
    ));
    emulator.set_rate_limit(Some(RateLimit {
        capacity: 1,
        refill_per_minute: 0,
    }));
    client.get(&list).await;
    let throttled = client.get(&list).await;
    errors.push((assert_error(throttled, 429, "RATE_LIMITED").await, 429));
    for (body, status) in errors {
        assert_eq!(body["error"], status, "{body}");
        assert!(body.get("content").is_none(), "{body}");
        assert!(body.get("status").is_none(), "{body}");
    }
}

#[tokio::test]
async fn pretty_prints_json() {
    let emulator = start(slow_config());
    let mut client = Client::new(&emulator);
    let compact = client
        .get(&list_path(GROUP, "AWS"))
        .await
        .text()
        .await
        .unwrap();
    assert!(!compact.contains('\n'));
    let pretty = client
        .get(&format!("{}?pretty=true", list_path(GROUP, "AWS")))
        .await
        .text()
        .await
        .unwrap();
    assert!(pretty.contains("\n  \"links\": ["), "{pretty}");
    let a: Value = serde_json::from_str(&compact).unwrap();
    let b: Value = serde_json::from_str(&pretty).unwrap();
    assert_eq!(a["results"], b["results"]);
}

#[tokio::test]
async fn unknown_routes_are_404_and_wrong_methods_405() {
    let emulator = start(slow_config());
    let http = reqwest::Client::new();
    let base = emulator.base_url();
    for path in [
        "/api/atlas/v2/groups".to_string(),
        format!("/api/atlas/v2/groups/{GROUP}/databaseUsers"),
        format!("{}/", list_path(GROUP, "AWS")),
        format!("{}/extra", item_path(GROUP, "AWS", GROUP)),
        "/".to_string(),
    ] {
        let response = http
            .get(format!("{base}{path}"))
            .header("accept", ACCEPT)
            .send()
            .await
            .unwrap();
        let body = assert_error(response, 404, "RESOURCE_NOT_FOUND").await;
        assert_eq!(body["parameters"][0], path.as_str());
    }
    let cases = [
        (Method::PUT, list_path(GROUP, "AWS"), "GET, HEAD, POST"),
        (Method::DELETE, list_path(GROUP, "AWS"), "GET, HEAD, POST"),
        (
            Method::PATCH,
            item_path(GROUP, "AWS", GROUP),
            "GET, HEAD, DELETE",
        ),
        (
            Method::POST,
            item_path(GROUP, "AWS", GROUP),
            "GET, HEAD, DELETE",
        ),
    ];
    for (method, path, allow) in cases {
        let response = http
            .request(method, format!("{base}{path}"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.headers()["allow"], allow);
        assert_error(response, 405, "METHOD_NOT_ALLOWED").await;
    }
}
