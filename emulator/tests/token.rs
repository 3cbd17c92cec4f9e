//! The service-account token endpoint and bearer tokens on the API routes.

mod common;

use std::time::Duration;

use atlas_ear_emulator::{
    Config, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, Emulator, Fault, FaultKind, Route,
};
use common::*;
use reqwest::{Response, StatusCode};
use serde_json::Value;

async fn request_token(emulator: &Emulator, id: &str, secret: &str, body: &str) -> Response {
    reqwest::Client::new()
        .post(format!("{}/api/oauth/token", emulator.base_url()))
        .basic_auth(id, Some(secret))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("accept", "application/json")
        .body(body.to_string())
        .send()
        .await
        .unwrap()
}

async fn token(emulator: &Emulator) -> String {
    let response = request_token(
        emulator,
        DEMO_CLIENT_ID,
        DEMO_CLIENT_SECRET,
        "grant_type=client_credentials",
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    body["access_token"].as_str().unwrap().to_string()
}

fn bearer(
    emulator: &Emulator,
    method: reqwest::Method,
    path: &str,
    token: &str,
) -> reqwest::RequestBuilder {
    reqwest::Client::new()
        .request(method, format!("{}{path}", emulator.base_url()))
        .header("accept", ACCEPT)
        .bearer_auth(token)
}

#[tokio::test]
async fn client_credentials_get_a_bearer_token() {
    let emulator = start(slow_config());
    let response = request_token(
        &emulator,
        DEMO_CLIENT_ID,
        DEMO_CLIENT_SECRET,
        "grant_type=client_credentials",
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 3600);
    assert!(body["access_token"].as_str().unwrap().len() >= 32);
    assert_eq!(emulator.tokens_issued(), 1);
    let request = &emulator.requests()[0];
    assert_eq!(
        (request.method.as_str(), request.path.as_str()),
        ("POST", "/api/oauth/token")
    );
    assert_eq!(request.body, "grant_type=client_credentials");
    assert_eq!(request.status, 200);
}

#[tokio::test]
async fn bearer_tokens_are_accepted_on_every_operation() {
    let emulator = start(slow_config());
    let token = token(&emulator).await;
    let list = list_path(GROUP, "AWS");
    let created = bearer(&emulator, reqwest::Method::POST, &list, &token)
        .header("content-type", "application/json")
        .body(r#"{"regionName":"AP_SOUTH_1"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), StatusCode::ACCEPTED);
    let id = created.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let listed = bearer(&emulator, reqwest::Method::GET, &list, &token)
        .send()
        .await
        .unwrap();
    assert_eq!(listed.status(), StatusCode::OK);
    let item = item_path(GROUP, "AWS", &id);
    let got = bearer(&emulator, reqwest::Method::GET, &item, &token)
        .send()
        .await
        .unwrap();
    assert_eq!(got.status(), StatusCode::OK);
    let deleted = bearer(&emulator, reqwest::Method::DELETE, &item, &token)
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        emulator.tokens_issued(),
        1,
        "one token served all four requests"
    );
}

#[tokio::test]
async fn bearer_tokens_are_accepted_on_the_project_resources() {
    let emulator = start(slow_config());
    emulator
        .seed_cluster(GROUP, "orders", &[("AWS", "EU_WEST_2")])
        .unwrap();
    let token = token(&emulator).await;
    let clusters = format!("/api/atlas/v2/groups/{GROUP}/clusters");
    let listed = reqwest::Client::new()
        .get(format!("{}{clusters}", emulator.base_url()))
        .header("accept", "application/vnd.atlas.2024-08-05+json")
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(listed.status(), StatusCode::OK);
    let ear = format!("/api/atlas/v2/groups/{GROUP}/encryptionAtRest");
    let read = bearer(&emulator, reqwest::Method::GET, &ear, &token)
        .send()
        .await
        .unwrap();
    assert_eq!(read.status(), StatusCode::OK);
    let refused = bearer(&emulator, reqwest::Method::PATCH, &ear, &token)
        .header("content-type", "application/json")
        .body(r#"{"awsKms":{"requirePrivateNetworking":true}}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(
        refused.status(),
        StatusCode::BAD_REQUEST,
        "authenticated, then refused"
    );
    let anonymous = reqwest::Client::new()
        .patch(format!("{}{ear}", emulator.base_url()))
        .header("accept", ACCEPT)
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(emulator.tokens_issued(), 1);
}

#[tokio::test]
async fn wrong_client_credentials_get_401_and_no_token() {
    let emulator = start(slow_config());
    let form = "grant_type=client_credentials";
    let wrong_secret = request_token(&emulator, DEMO_CLIENT_ID, "mdb_sa_sk_wrong", form).await;
    assert_error(wrong_secret, 401, "UNAUTHORIZED").await;
    let wrong_id = request_token(
        &emulator,
        "mdb_sa_id_000000000000000000000000",
        DEMO_CLIENT_SECRET,
        form,
    )
    .await;
    assert_error(wrong_id, 401, "UNAUTHORIZED").await;
    let anonymous = reqwest::Client::new()
        .post(format!("{}/api/oauth/token", emulator.base_url()))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form)
        .send()
        .await
        .unwrap();
    assert_error(anonymous, 401, "UNAUTHORIZED").await;
    assert_eq!(emulator.tokens_issued(), 0);
}

#[tokio::test]
async fn the_token_request_must_be_a_client_credentials_form_post() {
    let emulator = start(slow_config());
    let wrong_grant = request_token(
        &emulator,
        DEMO_CLIENT_ID,
        DEMO_CLIENT_SECRET,
        "grant_type=password",
    )
    .await;
    assert_error(wrong_grant, 400, "UNSUPPORTED_GRANT_TYPE").await;
    let json = reqwest::Client::new()
        .post(format!("{}/api/oauth/token", emulator.base_url()))
        .basic_auth(DEMO_CLIENT_ID, Some(DEMO_CLIENT_SECRET))
        .header("content-type", "application/json")
        .body(r#"{"grant_type":"client_credentials"}"#)
        .send()
        .await
        .unwrap();
    assert_error(json, 415, "UNSUPPORTED_MEDIA_TYPE").await;
    let get = reqwest::Client::new()
        .get(format!("{}/api/oauth/token", emulator.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(get.headers()["allow"], "POST");
    assert_error(get, 405, "METHOD_NOT_ALLOWED").await;
    assert_eq!(emulator.tokens_issued(), 0);
}

#[tokio::test]
async fn unknown_and_expired_tokens_get_401_with_a_digest_challenge() {
    let emulator = start(Config {
        token_lifetime: Duration::ZERO,
        ..slow_config()
    });
    let list = list_path(GROUP, "AWS");
    let made_up = bearer(&emulator, reqwest::Method::GET, &list, "not-a-token")
        .send()
        .await
        .unwrap();
    assert!(
        made_up.headers()["www-authenticate"]
            .to_str()
            .unwrap()
            .starts_with("Digest realm=")
    );
    assert_error(made_up, 401, "UNAUTHORIZED").await;

    let response = request_token(
        &emulator,
        DEMO_CLIENT_ID,
        DEMO_CLIENT_SECRET,
        "grant_type=client_credentials",
    )
    .await;
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["expires_in"], 0);
    let expired = body["access_token"].as_str().unwrap();
    let response = bearer(&emulator, reqwest::Method::GET, &list, expired)
        .send()
        .await
        .unwrap();
    assert_error(response, 401, "UNAUTHORIZED").await;
}

#[tokio::test]
async fn without_a_service_account_no_token_is_issued() {
    let emulator = start(Config {
        service_account: None,
        ..slow_config()
    });
    let response = request_token(
        &emulator,
        DEMO_CLIENT_ID,
        DEMO_CLIENT_SECRET,
        "grant_type=client_credentials",
    )
    .await;
    assert_error(response, 401, "UNAUTHORIZED").await;
    assert_eq!(emulator.tokens_issued(), 0);
}

#[tokio::test]
async fn the_token_route_takes_faults_after_its_credentials_are_checked() {
    let emulator = start(slow_config());
    emulator.inject(Fault {
        route: Route::Token,
        kind: FaultKind::Status {
            status: 503,
            retry_after: Some(2),
        },
        count: 1,
    });
    let wrong = request_token(
        &emulator,
        DEMO_CLIENT_ID,
        "nope",
        "grant_type=client_credentials",
    )
    .await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    let faulted = request_token(
        &emulator,
        DEMO_CLIENT_ID,
        DEMO_CLIENT_SECRET,
        "grant_type=client_credentials",
    )
    .await;
    assert_eq!(faulted.headers()["retry-after"], "2");
    assert_error(faulted, 503, "SERVICE_UNAVAILABLE").await;
    assert_eq!(emulator.tokens_issued(), 0);
    token(&emulator).await;
    assert_eq!(emulator.tokens_issued(), 1);
}
