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

/// Throttles GROUP to one token and one more a second, then sends: a challenge and a success, a
/// refused request, one to another project, and after Retry-After one more. Returns the wait.
async fn throttle_and_wait(emulator: &atlas_ear_emulator::Emulator) -> u64 {
    let limit = atlas_ear_emulator::RateLimit {
        capacity: 1,
        refill_per_minute: 60,
    };
    emulator.set_project_rate_limit(GROUP, Some(limit));
    let mut client = Client::new(emulator);
    let throttled = list_path(GROUP, "AWS");
    assert_eq!(client.get(&throttled).await.status(), StatusCode::OK);
    let refused = client.get(&throttled).await;
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait = refused.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(
        client.get(&list_path(OTHER_GROUP, "AWS")).await.status(),
        StatusCode::OK,
        "another project is not throttled"
    );
    tokio::time::sleep(std::time::Duration::from_secs(wait)).await;
    assert_eq!(client.get(&throttled).await.status(), StatusCode::OK);
    wait
}

/// What a client test needs to check pacing: each entry's project, arrival time and answer
/// headers, so it can assert that nothing reached a throttled project before its Retry-After.
#[tokio::test]
async fn the_log_shows_each_requests_project_arrival_and_answer_headers() {
    let emulator = start(slow_config());
    let wait = throttle_and_wait(&emulator).await;
    let log = emulator.requests();
    let groups: Vec<Option<&str>> = log.iter().map(|r| r.group_id.as_deref()).collect();
    let (mine, other) = (Some(GROUP), Some(OTHER_GROUP));
    assert_eq!(groups, [mine, mine, mine, other, mine]);
    assert!(log.windows(2).all(|w| w[0].arrived <= w[1].arrived));
    let refused_at = log.iter().position(|r| r.status == 429).unwrap();
    let refused = &log[refused_at];
    assert_eq!(
        refused.retry_after(),
        Some(std::time::Duration::from_secs(wait))
    );
    assert_eq!(refused.response_header("RateLimit-Remaining"), Some("0"));
    // The check a client test makes: nothing reached the project before Retry-After had passed.
    let earliest = refused.arrived + refused.retry_after().unwrap();
    assert!(
        log[refused_at + 1..]
            .iter()
            .filter(|r| r.group_id == refused.group_id)
            .all(|r| r.arrived >= earliest)
    );
    // Requests outside any project have none.
    let token = reqwest::Client::new()
        .post(format!("{}/api/oauth/token", emulator.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(token.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(emulator.requests().last().unwrap().group_id, None);
}

#[tokio::test]
async fn the_control_api_log_shows_project_arrival_and_answer_headers() {
    let emulator = start(slow_config());
    let wait = throttle_and_wait(&emulator).await;
    let entries: Value = reqwest::get(format!("{}/__emulator/requests", emulator.base_url()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let entries = entries.as_array().unwrap();
    let refused_at = 2;
    assert_eq!(entries[refused_at]["status"], 429);
    assert_eq!(entries[refused_at]["groupId"], GROUP);
    assert_eq!(entries[3]["groupId"], OTHER_GROUP);
    let micros: Vec<u64> = entries
        .iter()
        .map(|e| e["arrivedMicros"].as_u64().unwrap())
        .collect();
    assert!(micros.windows(2).all(|w| w[0] <= w[1]), "{micros:?}");
    assert!(micros[4] - micros[refused_at] >= wait * 1_000_000);
    let headers = entries[refused_at]["responseHeaders"].as_array().unwrap();
    let wait_text = wait.to_string();
    assert!(
        headers
            .iter()
            .any(|h| h[0] == "retry-after" && h[1].as_str() == Some(&wait_text))
    );
}
