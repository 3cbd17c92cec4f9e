//! `POST /__emulator/endpoints`: filling a project over the control API (the benchmark seeds
//! hundreds of endpoints this way), with its validation.

mod common;

use common::*;
use serde_json::{Value, json};

#[tokio::test]
async fn seeding_over_http_inserts_the_endpoints_and_logs_nothing() {
    let emu = start(slow_config());
    let http = reqwest::Client::new();
    let url = format!("{}/__emulator/endpoints", emu.base_url());

    let response = http
        .post(&url)
        .body(
            json!({"groupId": GROUP, "provider": "aws", "region": "US_EAST_1", "count": 501})
                .to_string(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    let ids = body["ids"].as_array().unwrap();
    assert_eq!(ids.len(), 501);

    let listed = emu.endpoints(GROUP, "AWS");
    assert_eq!(listed.len(), 501);
    assert!(listed.iter().all(|e| e["status"] == "ACTIVE"));
    assert!(listed.iter().all(|e| e["regionName"] == "US_EAST_1"));
    assert_eq!(listed[0]["id"], ids[0]);

    let response = http
        .post(&url)
        .body(json!({"groupId": GROUP, "provider": "AZURE", "region": "US_CENTRAL", "status": "PENDING_ACCEPTANCE"}).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let azure = emu.endpoints(GROUP, "AZURE");
    assert_eq!(azure.len(), 1);
    assert_eq!(azure[0]["status"], "PENDING_ACCEPTANCE");
    assert!(
        emu.requests().is_empty(),
        "control requests are never logged"
    );
}

#[tokio::test]
async fn seeding_rejects_what_it_cannot_insert() {
    let emu = start(slow_config());
    let http = reqwest::Client::new();
    let url = format!("{}/__emulator/endpoints", emu.base_url());
    for body in [
        json!({"provider": "AWS", "region": "US_EAST_1"}),
        json!({"groupId": GROUP, "provider": "GCP", "region": "US_EAST_1"}),
        json!({"groupId": GROUP, "provider": "AWS", "region": "US_CENTRAL"}),
        json!({"groupId": GROUP, "provider": "AWS", "region": "US_EAST_1", "count": 0}),
        json!({"groupId": GROUP, "provider": "AWS", "region": "US_EAST_1", "count": 10_001}),
        json!({"groupId": GROUP, "provider": "AWS", "region": "US_EAST_1", "status": 3}),
    ] {
        let response = http.post(&url).body(body.to_string()).send().await.unwrap();
        assert_eq!(response.status(), 400, "{body}");
        let error: Value = response.json().await.unwrap();
        assert_eq!(error["errorCode"], "INVALID_CONTROL_REQUEST", "{body}");
    }
    assert!(emu.endpoints(GROUP, "AWS").is_empty());
}
