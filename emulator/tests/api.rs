//! Routes, status codes and body shapes of the four operations, pagination, envelope, pretty,
//! validation, conflicts, version negotiation, content types and the order of the checks.

mod common;

use std::collections::HashSet;

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
        format!("/api/atlas/v2/groups/{GROUP}/clusters"),
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
        (Method::PUT, list_path(GROUP, "AWS"), "GET, POST"),
        (Method::DELETE, list_path(GROUP, "AWS"), "GET, POST"),
        (Method::PATCH, item_path(GROUP, "AWS", GROUP), "GET, DELETE"),
        (Method::POST, item_path(GROUP, "AWS", GROUP), "GET, DELETE"),
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

#[tokio::test]
async fn path_query_and_body_are_validated() {
    let emulator = start(slow_config());
    let mut client = Client::new(&emulator);
    let aws = list_path(GROUP, "AWS");
    let gets = [
        (
            list_path("0123456789ABCDEF01234567", "AWS"),
            "INVALID_GROUP_ID",
        ),
        (list_path("0123456789abcdef", "AWS"), "INVALID_GROUP_ID"),
        (list_path(GROUP, "GCP"), "INVALID_ENUM_VALUE"),
        (list_path(GROUP, "aws"), "INVALID_ENUM_VALUE"),
        (item_path(GROUP, "AWS", "not-an-id"), "INVALID_ENDPOINT_ID"),
        (
            item_path(GROUP, "AWS", "0123456789ABCDEF01234567"),
            "INVALID_ENDPOINT_ID",
        ),
        (format!("{aws}?itemsPerPage=0"), "INVALID_QUERY_PARAMETER"),
        (format!("{aws}?itemsPerPage=501"), "INVALID_QUERY_PARAMETER"),
        (format!("{aws}?itemsPerPage=ten"), "INVALID_QUERY_PARAMETER"),
        (format!("{aws}?pageNum=0"), "INVALID_QUERY_PARAMETER"),
        (format!("{aws}?pageNum=-1"), "INVALID_QUERY_PARAMETER"),
        (
            format!("{aws}?includeCount=maybe"),
            "INVALID_QUERY_PARAMETER",
        ),
        (format!("{aws}?envelope=yes"), "INVALID_QUERY_PARAMETER"),
        (format!("{aws}?pretty=1"), "INVALID_QUERY_PARAMETER"),
    ];
    for (path, code) in gets {
        let body = assert_error(client.get(&path).await, 400, code).await;
        assert!(
            body["badRequestDetail"]["fields"][0]["field"].is_string(),
            "{path}: {body}"
        );
    }
    let bodies = [
        ("", "INVALID_JSON"),
        ("{\"regionName\":", "INVALID_JSON"),
        ("[\"US_EAST_1\"]", "INVALID_JSON"),
        (
            r#"{"regionName":"US_EAST_1","cloudProvider":"AWS"}"#,
            "INVALID_ATTRIBUTE",
        ),
        (
            r#"{"regionName":"US_EAST_1","extra":1}"#,
            "INVALID_ATTRIBUTE",
        ),
        ("{}", "MISSING_ATTRIBUTE"),
        (r#"{"regionName":"US_CENTRAL"}"#, "INVALID_ENUM_VALUE"),
        (r#"{"regionName":"us_east_1"}"#, "INVALID_ENUM_VALUE"),
        (r#"{"regionName":42}"#, "INVALID_ENUM_VALUE"),
    ];
    for (body, code) in bodies {
        assert_error(client.post(&aws, body).await, 400, code).await;
    }
    let body = assert_error(
        client
            .post(&aws, r#"{"regionName":"US_EAST_1","x":1}"#)
            .await,
        400,
        "INVALID_ATTRIBUTE",
    )
    .await;
    assert_eq!(body["parameters"][0], "x");
    assert!(
        emulator.endpoints(GROUP, "AWS").is_empty(),
        "nothing was created"
    );
}

#[tokio::test]
async fn a_second_endpoint_in_the_same_region_conflicts() {
    let emulator = start(slow_config());
    let mut client = Client::new(&emulator);
    let first = client.create("AWS", "US_EAST_2").await;
    let response = client
        .post(&list_path(GROUP, "AWS"), r#"{"regionName":"US_EAST_2"}"#)
        .await;
    let body = assert_error(
        response,
        409,
        "ENCRYPTION_AT_REST_PRIVATE_ENDPOINT_ALREADY_EXISTS",
    )
    .await;
    assert_eq!(body["parameters"], serde_json::json!(["AWS", "US_EAST_2"]));
    // Other regions, the other provider and other projects are independent.
    client.create("AWS", "US_WEST_2").await;
    client.create("AZURE", "US_EAST_2").await;
    let other = client
        .post(
            &list_path(OTHER_GROUP, "AWS"),
            r#"{"regionName":"US_EAST_2"}"#,
        )
        .await;
    assert_eq!(other.status(), StatusCode::ACCEPTED);
    // Once the first is DELETING, the region is free again.
    let id = first["id"].as_str().unwrap();
    assert_eq!(
        client.delete(&item_path(GROUP, "AWS", id)).await.status(),
        StatusCode::NO_CONTENT
    );
    client.create("AWS", "US_EAST_2").await;
}

#[tokio::test]
async fn accept_must_name_a_version_that_resolves_to_2023_01_01() {
    let emulator = start(slow_config());
    let mut client = Client::new(&emulator);
    let path = list_path(GROUP, "AWS");
    for accept in [
        "application/vnd.atlas.2023-01-01+json",
        "application/vnd.atlas.2024-11-13+json",
        "application/vnd.atlas.2025-03-12+json; charset=utf-8",
        "application/json, application/vnd.atlas.2024-10-23+json",
    ] {
        let response = client
            .send(Method::GET, &path, &[("accept", accept)], None)
            .await;
        assert_eq!(response.status(), StatusCode::OK, "{accept}");
    }
    for accept in [
        None,
        Some("application/json"),
        Some("*/*"),
        Some("application/vnd.atlas.2022-12-31+json"),
        Some("application/vnd.atlas.2999-01-01+json"),
        Some("application/vnd.atlas.2023-02-30+json"),
        Some("application/vnd.atlas.2023-1-1+json"),
        Some("application/vnd.atlas.preview+json"),
        Some("application/vnd.atlas.2023-01-01"),
    ] {
        let headers: Vec<(&str, &str)> = accept.iter().map(|a| ("accept", *a)).collect();
        let response = client.send(Method::GET, &path, &headers, None).await;
        assert_error(response, 406, "INVALID_API_VERSION").await;
    }
    // DELETE and POST negotiate too.
    let response = client
        .send(Method::DELETE, &item_path(GROUP, "AWS", GROUP), &[], None)
        .await;
    assert_error(response, 406, "INVALID_API_VERSION").await;
}

#[tokio::test]
async fn create_bodies_must_be_json_or_the_versioned_type() {
    let emulator = start(slow_config());
    let mut client = Client::new(&emulator);
    let path = list_path(GROUP, "AWS");
    let body = Some(r#"{"regionName":"US_EAST_1"}"#);
    for content_type in [
        None,
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
        Some("application/vnd.atlas.2999-01-01+json"),
    ] {
        let mut headers = vec![("accept", ACCEPT)];
        headers.extend(content_type.map(|ct| ("content-type", ct)));
        let response = client.send(Method::POST, &path, &headers, body).await;
        assert_error(response, 415, "UNSUPPORTED_MEDIA_TYPE").await;
    }
    let versioned = [
        ("accept", ACCEPT),
        ("content-type", "application/vnd.atlas.2023-01-01+json"),
    ];
    let response = client.send(Method::POST, &path, &versioned, body).await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    let plain = [
        ("accept", ACCEPT),
        ("content-type", "application/json; charset=utf-8"),
    ];
    let response = client
        .send(
            Method::POST,
            &path,
            &plain,
            Some(r#"{"regionName":"US_WEST_1"}"#),
        )
        .await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
}

#[tokio::test]
async fn checks_run_in_the_documented_order() {
    let emulator = start(slow_config());
    let http = reqwest::Client::new();
    let base = emulator.base_url();
    let bad_group = list_path("XYZ", "AWS");
    // Unknown route beats authentication.
    let response = http
        .get(format!("{base}/api/atlas/v2/nope"))
        .send()
        .await
        .unwrap();
    assert_error(response, 404, "RESOURCE_NOT_FOUND").await;
    // Authentication beats version negotiation and validation.
    let response = http.get(format!("{base}{bad_group}")).send().await.unwrap();
    assert_error(response, 401, "UNAUTHORIZED").await;
    let mut client = Client::new(&emulator);
    // Version negotiation beats Content-Type, which beats validation.
    let response = client
        .send(
            Method::POST,
            &bad_group,
            &[("content-type", "text/plain")],
            Some("{"),
        )
        .await;
    assert_error(response, 406, "INVALID_API_VERSION").await;
    let response = client
        .send(Method::POST, &bad_group, &[("accept", ACCEPT)], Some("{"))
        .await;
    assert_error(response, 415, "UNSUPPORTED_MEDIA_TYPE").await;
    let response = client.post(&bad_group, "{").await;
    assert_error(response, 400, "INVALID_GROUP_ID").await;
    // Path values are checked before the body.
    let response = client.post(&list_path(GROUP, "GCP"), "{").await;
    assert_error(response, 400, "INVALID_ENUM_VALUE").await;
}
