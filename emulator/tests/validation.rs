//! What the emulator refuses before (and instead of) an operation: validation 400s, the one-per-
//! region 409, version negotiation 406, content types 415, and the order of those checks.

mod common;

use common::*;
use reqwest::{Method, StatusCode};

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
            r#"{"regionName":"US_EAST_1","cloudProvider":"AZURE"}"#,
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

#[tokio::test]
async fn cloud_provider_in_a_create_body_is_taken_when_it_matches_the_path() {
    let emulator = start(slow_config());
    let mut client = Client::new(&emulator);
    // What the Terraform provider sends, and the same in another case.
    for (provider, body) in [
        ("AWS", r#"{"cloudProvider":"AWS","regionName":"US_EAST_1"}"#),
        (
            "AZURE",
            r#"{"cloudProvider":"azure","regionName":"US_CENTRAL"}"#,
        ),
    ] {
        let response = client.post(&list_path(GROUP, provider), body).await;
        assert_eq!(response.status(), StatusCode::ACCEPTED, "{body}");
        let created: serde_json::Value = response.json().await.unwrap();
        assert_eq!(created["cloudProvider"], provider);
    }
    let aws = list_path(GROUP, "AWS");
    let mismatch = client
        .post(
            &aws,
            r#"{"cloudProvider":"AZURE","regionName":"US_EAST_2"}"#,
        )
        .await;
    let body = assert_error(mismatch, 400, "INVALID_ATTRIBUTE").await;
    assert_eq!(
        body["badRequestDetail"]["fields"][0]["field"],
        "cloudProvider"
    );
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .contains("does not match AWS"),
        "{body}"
    );
    for unknown in [r#""GCP""#, "1", "null"] {
        let text = format!(r#"{{"cloudProvider":{unknown},"regionName":"US_EAST_2"}}"#);
        let response = client.post(&aws, &text).await;
        assert_error(response, 400, "INVALID_ENUM_VALUE").await;
    }
    assert_eq!(
        emulator.endpoints(GROUP, "AWS").len(),
        1,
        "nothing else was created"
    );
}

#[tokio::test]
async fn page_numbers_too_large_for_the_emulator_are_called_too_large() {
    let emulator = start(slow_config());
    let mut client = Client::new(&emulator);
    let aws = list_path(GROUP, "AWS");
    let cases = [
        ("pageNum=18446744073709551616", usize::MAX.to_string()),
        ("pageNum=99999999999999999999999", usize::MAX.to_string()),
        ("itemsPerPage=18446744073709551616", "500".to_string()),
        ("itemsPerPage=501", "500".to_string()),
    ];
    for (query, max) in cases {
        let response = client.get(&format!("{aws}?{query}")).await;
        let body = assert_error(response, 400, "INVALID_QUERY_PARAMETER").await;
        let description = body["badRequestDetail"]["fields"][0]["description"]
            .as_str()
            .unwrap();
        assert_eq!(
            description,
            format!("too large; the maximum is {max}"),
            "{query}"
        );
        let detail = body["detail"].as_str().unwrap();
        assert!(!detail.contains("must be an integer"), "{query}: {detail}");
    }
    // The largest page number is still a page (an empty one).
    let last = client.get(&format!("{aws}?pageNum={}", usize::MAX)).await;
    assert_eq!(last.status(), StatusCode::OK);
}
