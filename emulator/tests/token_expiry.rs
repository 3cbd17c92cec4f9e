//! `Emulator::expire_tokens` and `POST /__emulator/tokens/expire`: tokens issued before stop
//! working at once, tokens issued after work, and the count of issued tokens is kept.

mod common;

use atlas_ear_emulator::{DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, Emulator};
use common::*;
use reqwest::StatusCode;
use serde_json::Value;

async fn new_token(emulator: &Emulator) -> String {
    let response = reqwest::Client::new()
        .post(format!("{}/api/oauth/token", emulator.base_url()))
        .basic_auth(DEMO_CLIENT_ID, Some(DEMO_CLIENT_SECRET))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("grant_type=client_credentials")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    body["access_token"].as_str().unwrap().to_string()
}

async fn list_status(emulator: &Emulator, token: &str) -> StatusCode {
    reqwest::Client::new()
        .get(format!(
            "{}{}",
            emulator.base_url(),
            list_path(GROUP, "AWS")
        ))
        .header("accept", ACCEPT)
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test]
async fn expired_tokens_get_401_and_new_ones_work() {
    let emulator = start(slow_config());
    let old = new_token(&emulator).await;
    assert_eq!(list_status(&emulator, &old).await, StatusCode::OK);

    emulator.expire_tokens();
    assert_eq!(list_status(&emulator, &old).await, StatusCode::UNAUTHORIZED);
    let fresh = new_token(&emulator).await;
    assert_eq!(list_status(&emulator, &fresh).await, StatusCode::OK);
    assert_eq!(emulator.tokens_issued(), 2);

    let response = reqwest::Client::new()
        .post(format!("{}/__emulator/tokens/expire", emulator.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        list_status(&emulator, &fresh).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(emulator.tokens_issued(), 2, "expiry issues nothing");
}
