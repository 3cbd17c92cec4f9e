//! The request log, from Rust and through the control API: what was recorded, in which order, and
//! what it costs a client to do something.

mod common;

use common::*;
use reqwest::StatusCode;
use serde_json::Value;

#[tokio::test]
async fn the_log_records_method_path_query_headers_body_and_status_in_order() {
    let emulator = start(slow_config());
    let mut client = Client::new(&emulator);
    let list = list_path(GROUP, "AWS");
    client.post(&list, r#"{"regionName":"US_EAST_1"}"#).await;
    client
        .get(&format!("{list}?pageNum=1&itemsPerPage=5"))
        .await;
    // Control requests are never logged.
    reqwest::get(format!("{}/__emulator/health", emulator.base_url()))
        .await
        .unwrap();

    let log = emulator.requests();
    assert_eq!(log.len(), 3);
    let challenge = &log[0];
    assert_eq!((challenge.method.as_str(), challenge.status), ("POST", 401));
    assert!(!challenge.is_authenticated());
    assert_eq!(challenge.body, r#"{"regionName":"US_EAST_1"}"#);
    let create = &log[1];
    assert_eq!(
        (create.method.as_str(), create.path.as_str(), create.status),
        ("POST", list.as_str(), 202)
    );
    assert!(create.is_authenticated());
    assert_eq!(create.header("Content-Type"), Some("application/json"));
    assert_eq!(create.header("ACCEPT"), Some(ACCEPT));
    assert!(
        create
            .headers
            .iter()
            .all(|(name, _)| *name == name.to_ascii_lowercase())
    );
    let list_request = &log[2];
    assert_eq!(
        list_request.query.as_deref(),
        Some("pageNum=1&itemsPerPage=5")
    );
    assert_eq!(
        list_request.path_and_query(),
        format!("{list}?pageNum=1&itemsPerPage=5")
    );
    assert_eq!(list_request.body, "");
    assert_eq!(list_request.status, 200);
    // A digest answer holds no secret, so Debug shows it (bearer and basic credentials are masked).
    let shown = format!("{:?}", log[1]);
    assert!(shown.contains("Digest username"), "{shown}");

    emulator.clear_requests();
    assert!(emulator.requests().is_empty());
    client.get(&list).await;
    assert_eq!(
        emulator.requests().len(),
        1,
        "the nonce is reused: one request, no new challenge"
    );
}

#[tokio::test]
async fn the_control_api_serves_and_clears_the_same_log() {
    let emulator = start(slow_config());
    let mut client = Client::new(&emulator);
    client
        .get(&format!("{}?pretty=false", list_path(GROUP, "AZURE")))
        .await;
    let http = reqwest::Client::new();
    let url = format!("{}/__emulator/requests", emulator.base_url());
    let log: Value = http.get(&url).send().await.unwrap().json().await.unwrap();
    let entries = log.as_array().unwrap();
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[0]["status"], 401);
    assert_eq!(entries[1]["status"], 200);
    assert_eq!(entries[1]["method"], "GET");
    assert_eq!(entries[1]["path"], list_path(GROUP, "AZURE"));
    assert_eq!(entries[1]["query"], "pretty=false");
    let headers = entries[1]["headers"].as_array().unwrap();
    assert!(
        headers
            .iter()
            .any(|h| h[0] == "authorization" && h[1].as_str().unwrap().starts_with("Digest "))
    );
    assert!(entries[0]["query"].is_string());

    let cleared = http.delete(&url).send().await.unwrap();
    assert_eq!(cleared.status(), StatusCode::NO_CONTENT);
    assert!(emulator.requests().is_empty());
    let log: Value = http.get(&url).send().await.unwrap().json().await.unwrap();
    assert_eq!(log, Value::Array(vec![]));
}
