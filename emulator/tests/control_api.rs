//! The HTTP control API under `/__emulator/`: faults, approval and rejection, failing regions,
//! runtime configuration, nonce expiry and health. It needs no authentication.

mod common;

use common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

#[tokio::test]
async fn health_answers_ok() {
    let emulator = start(slow_config());
    let response = control(&emulator, reqwest::Method::GET, "health", None).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.json::<Value>().await.unwrap(),
        json!({"status": "ok"})
    );
    let unknown = control(&emulator, reqwest::Method::GET, "nothing-here", None).await;
    assert_error(unknown, 404, "RESOURCE_NOT_FOUND").await;
    assert!(emulator.requests().is_empty());
}

#[tokio::test]
async fn faults_can_be_injected_and_cleared_over_http() {
    let emulator = start(slow_config());
    let mut client = Client::new(&emulator);
    let list = list_path(GROUP, "AWS");
    let fault =
        json!({"route": "list", "kind": "status", "status": 429, "retryAfter": 3, "count": 2});
    assert_eq!(
        post(&emulator, "faults", fault).await.status(),
        StatusCode::NO_CONTENT
    );
    let limited = client.get(&list).await;
    assert_eq!(limited.headers()["retry-after"], "3");
    assert_error(limited, 429, "RATE_LIMITED").await;
    assert_eq!(
        client.get(&list).await.status(),
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(client.get(&list).await.status(), StatusCode::OK);

    for kind in ["html", "malformedJson", "truncatedJson"] {
        post(&emulator, "faults", json!({"route": "get", "kind": kind})).await;
    }
    post(&emulator, "faults", json!({"kind": "delay", "delayMs": 10})).await;
    post(
        &emulator,
        "faults",
        json!({"route": "create", "kind": "dropConnection"}),
    )
    .await;
    let id = emulator.seed_endpoint(GROUP, "AWS", "US_EAST_1", "ACTIVE");
    let html = client.get(&item_path(GROUP, "AWS", &id)).await;
    assert!(
        html.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert_eq!(
        control(&emulator, reqwest::Method::DELETE, "faults", None)
            .await
            .status(),
        StatusCode::NO_CONTENT
    );
    let got = client.get(&item_path(GROUP, "AWS", &id)).await;
    assert_eq!(got.json::<Value>().await.unwrap()["id"], id.as_str());

    for bad in [
        json!({"kind": "status"}),
        json!({"kind": "status", "status": 200}),
        json!({"kind": "delay"}),
        json!({"kind": "teleport"}),
        json!({"route": "everything", "kind": "html"}),
        json!({"kind": "html", "count": -1}),
    ] {
        assert_error(
            post(&emulator, "faults", bad).await,
            400,
            "INVALID_CONTROL_REQUEST",
        )
        .await;
    }
}

#[tokio::test]
async fn endpoints_can_be_approved_and_rejected_over_http() {
    let emulator = start(slow_config());
    let pending = emulator.seed_endpoint(GROUP, "AZURE", "US_EAST", "PENDING_ACCEPTANCE");
    let aws = emulator.seed_endpoint(GROUP, "AWS", "US_EAST_1", "ACTIVE");
    let approve = |id: &str| format!("endpoints/{id}/approve");
    let reject = |id: &str| format!("endpoints/{id}/reject");
    assert_eq!(
        post(&emulator, &approve(&pending), json!({}))
            .await
            .status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(emulator.endpoints(GROUP, "AZURE")[0]["status"], "ACTIVE");
    assert_error(
        post(&emulator, &approve(&aws), json!({})).await,
        409,
        "INVALID_STATUS",
    )
    .await;
    assert_error(
        post(&emulator, &approve("ffffffffffffffffffffffff"), json!({})).await,
        404,
        "RESOURCE_NOT_FOUND",
    )
    .await;

    assert_eq!(
        post(&emulator, &reject(&pending), json!({})).await.status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        emulator.endpoints(GROUP, "AZURE")[0]["status"],
        "PENDING_RECREATION"
    );
    assert_error(
        post(&emulator, &reject(&pending), json!({})).await,
        409,
        "INVALID_STATUS",
    )
    .await;
}

#[tokio::test]
async fn an_endpoint_can_be_replaced_by_one_with_a_new_id_over_http() {
    let emulator = start(slow_config());
    let old = emulator.seed_endpoint(GROUP, "AWS", "US_EAST_1", "ACTIVE");
    let replace = format!("endpoints/{old}/replace");
    assert_eq!(
        post(&emulator, &replace, json!({})).await.status(),
        StatusCode::NO_CONTENT
    );
    let listed = emulator.endpoints(GROUP, "AWS");
    assert_eq!(
        (listed[0]["id"].as_str(), listed[0]["status"].as_str()),
        (Some(old.as_str()), Some("PENDING_RECREATION"))
    );
    emulator.set_settle_after(std::time::Duration::ZERO);
    let listed = emulator.endpoints(GROUP, "AWS");
    assert_eq!(listed.len(), 1);
    assert_ne!(listed[0]["id"].as_str(), Some(old.as_str()));
    assert_eq!(listed[0]["regionName"], "US_EAST_1");
    assert_error(
        post(&emulator, &replace, json!({})).await,
        404,
        "RESOURCE_NOT_FOUND",
    )
    .await;
}

#[tokio::test]
async fn regions_can_be_made_to_fail_over_http() {
    let emulator = start(slow_config());
    let body = json!({"message": "Azure Private Link is not available in this subscription."});
    assert_eq!(
        post(&emulator, "regions/AZURE/US_CENTRAL/fail", body)
            .await
            .status(),
        StatusCode::NO_CONTENT
    );
    assert_error(
        post(&emulator, "regions/GCP/US_CENTRAL/fail", json!({})).await,
        400,
        "INVALID_CONTROL_REQUEST",
    )
    .await;
    assert_error(
        post(&emulator, "regions/AWS/US_CENTRAL/fail", json!({})).await,
        400,
        "INVALID_CONTROL_REQUEST",
    )
    .await;
    let mut client = Client::new(&emulator);
    let created = client.create("AZURE", "US_CENTRAL").await;
    post(&emulator, "config", json!({"settleAfterMs": 0})).await;
    let view: Value = client
        .get(&item_path(GROUP, "AZURE", created["id"].as_str().unwrap()))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(view["status"], "FAILED");
    assert_eq!(
        view["errorMessage"],
        "Azure Private Link is not available in this subscription."
    );
}

#[tokio::test]
async fn configuration_can_change_at_run_time() {
    let emulator = start(slow_config());
    let config = control(&emulator, reqwest::Method::GET, "config", None)
        .await
        .json::<Value>()
        .await
        .unwrap();
    assert_eq!(
        config,
        json!({"settleAfterMs": 3_600_000, "rotateNonce": false, "rateLimit": null})
    );

    let body = json!({"settleAfterMs": 0, "rotateNonce": true, "rateLimit": {"capacity": 2, "refillPerMinute": 0}});
    let updated: Value = post(&emulator, "config", body).await.json().await.unwrap();
    assert_eq!(
        updated,
        json!({"settleAfterMs": 0, "rotateNonce": true, "rateLimit": {"capacity": 2, "refillPerMinute": 0}})
    );
    let mut client = Client::new(&emulator);
    let list = list_path(GROUP, "AWS");
    assert_eq!(client.get(&list).await.headers()["ratelimit-limit"], "2");
    // Rotation: the second request meets stale=true first, then spends the last token.
    assert_eq!(client.get(&list).await.status(), StatusCode::OK);
    assert_eq!(
        client.get(&list).await.status(),
        StatusCode::TOO_MANY_REQUESTS
    );
    let statuses: Vec<u16> = emulator.requests().iter().map(|r| r.status).collect();
    assert_eq!(statuses, [401, 200, 401, 200, 401, 429]);

    // Absent fields stay; null turns the limiter off.
    let updated: Value = post(&emulator, "config", json!({"rateLimit": null}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        updated,
        json!({"settleAfterMs": 0, "rotateNonce": true, "rateLimit": null})
    );
    assert_error(
        post(&emulator, "config", json!({"rotateNonce": "yes"})).await,
        400,
        "INVALID_CONTROL_REQUEST",
    )
    .await;
    assert_error(
        post(&emulator, "config", json!({"settleAfterMs": -5})).await,
        400,
        "INVALID_CONTROL_REQUEST",
    )
    .await;
}

#[tokio::test]
async fn nonces_can_be_expired_over_http() {
    let emulator = start(slow_config());
    let mut client = Client::new(&emulator);
    let list = list_path(GROUP, "AWS");
    assert_eq!(client.get(&list).await.status(), StatusCode::OK);
    let response = post(&emulator, "nonces/expire", json!({})).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(client.get(&list).await.status(), StatusCode::OK);
    let log = emulator.requests();
    let stale = &log[log.len() - 2];
    assert_eq!(stale.status, 401);
    assert_eq!(log.len(), 4, "challenge, ok, stale, ok");
}

#[tokio::test]
async fn drop_after_handling_can_be_injected_over_http() {
    let emulator = start(slow_config());
    let injected = post(
        &emulator,
        "faults",
        json!({"route": "create", "kind": "dropAfterHandling"}),
    )
    .await;
    assert_eq!(injected.status(), StatusCode::NO_CONTENT);
    let mut client = Client::new(&emulator);
    let path = list_path(GROUP, "AWS");
    assert_eq!(client.get(&path).await.status(), StatusCode::OK);
    let auth = client.authorization("POST", &path).unwrap();
    let sent = client
        .request(reqwest::Method::POST, &path)
        .header("accept", ACCEPT)
        .header("content-type", "application/json")
        .header("authorization", auth)
        .body(r#"{"regionName":"US_EAST_1"}"#)
        .send()
        .await;
    assert!(sent.is_err(), "no answer may arrive");
    assert_eq!(emulator.endpoints(GROUP, "AWS").len(), 1);
}
