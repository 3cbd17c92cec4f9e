//! Putting endpoints into the state a test needs: seeded in any status (with an `errorMessage` when
//! `FAILED`) for any project and provider, and existing ones made `FAILED` or `DELETING`, from Rust
//! and over the control API. Every result is read back through the API.

mod common;

use atlas_ear_emulator::Emulator;
use common::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

const STATUSES: [&str; 6] = [
    "INITIATING",
    "PENDING_ACCEPTANCE",
    "ACTIVE",
    "FAILED",
    "PENDING_RECREATION",
    "DELETING",
];

fn region(provider: &str) -> &'static str {
    if provider == "AWS" {
        "EU_WEST_1"
    } else {
        "UK_SOUTH"
    }
}

/// The endpoint as GET-one shows it in `group`, or `None` on 404.
async fn read(client: &mut Client, group: &str, provider: &str, id: &str) -> Option<Value> {
    let response = client.get(&item_path(group, provider, id)).await;
    if response.status() == StatusCode::NOT_FOUND {
        return None;
    }
    assert_eq!(response.status(), StatusCode::OK);
    Some(response.json().await.unwrap())
}

#[tokio::test]
async fn every_status_can_be_seeded_for_any_project_and_provider_from_rust() {
    let emulator = start(slow_config());
    let mut client = Client::new(&emulator);
    for group in [GROUP, OTHER_GROUP] {
        for provider in ["AWS", "AZURE"] {
            for status in STATUSES {
                let id = emulator.seed_endpoint(group, provider, region(provider), status);
                let view = read(&mut client, group, provider, &id).await.unwrap();
                assert_eq!(view["status"], status, "{group} {provider}");
                assert_eq!(view["cloudProvider"], provider);
                assert_eq!(
                    view.get("errorMessage").is_some(),
                    status == "FAILED",
                    "{view}"
                );
            }
            let id =
                emulator.seed_failed_endpoint(group, provider, region(provider), "key vault gone");
            let view = read(&mut client, group, provider, &id).await.unwrap();
            assert_eq!(
                (&view["status"], &view["errorMessage"]),
                (&json!("FAILED"), &json!("key vault gone"))
            );
        }
        assert_eq!(
            emulator.endpoints(group, "AWS").len(),
            7,
            "no one-per-region rule"
        );
    }
}

#[tokio::test]
async fn every_status_can_be_seeded_over_the_control_api() {
    let emulator = start(slow_config());
    let mut client = Client::new(&emulator);
    for provider in ["aws", "AZURE"] {
        for status in STATUSES {
            let mut body = json!({"groupId": OTHER_GROUP, "provider": provider,
                "region": region(&provider.to_ascii_uppercase()), "status": status});
            if status == "FAILED" {
                body["errorMessage"] = json!("quota exceeded");
            }
            let response = post(&emulator, "endpoints", body).await;
            assert_eq!(response.status(), StatusCode::OK);
            let ids: Value = response.json().await.unwrap();
            let id = ids["ids"][0].as_str().unwrap();
            let provider = provider.to_ascii_uppercase();
            let view = read(&mut client, OTHER_GROUP, &provider, id).await.unwrap();
            assert_eq!(view["status"], status);
            if status == "FAILED" {
                assert_eq!(view["errorMessage"], "quota exceeded");
            }
        }
    }
    let misplaced = json!({"groupId": GROUP, "provider": "AWS", "region": "US_EAST_1",
        "status": "ACTIVE", "errorMessage": "only FAILED endpoints have one"});
    let response = post(&emulator, "endpoints", misplaced).await;
    assert_error(response, 400, "INVALID_CONTROL_REQUEST").await;
    assert!(emulator.endpoints(GROUP, "AWS").is_empty());
}

/// Creates an AWS endpoint through the API and returns its id.
async fn create(client: &mut Client, region: &str) -> String {
    client.create("AWS", region).await["id"]
        .as_str()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn an_existing_endpoint_can_be_made_failed_or_deleting_from_rust() {
    let emulator = start(slow_config());
    let mut client = Client::new(&emulator);
    let id = create(&mut client, "US_EAST_1").await;
    assert!(emulator.fail_endpoint(&id, "The VPC endpoint service was removed."));
    let view = read(&mut client, GROUP, "AWS", &id).await.unwrap();
    assert_eq!(view["status"], "FAILED");
    assert_eq!(
        view["errorMessage"],
        "The VPC endpoint service was removed."
    );

    let other = create(&mut client, "US_WEST_2").await;
    assert!(emulator.request_deletion(&other));
    let view = read(&mut client, GROUP, "AWS", &other).await.unwrap();
    assert_eq!(view["status"], "DELETING");
    assert!(
        !emulator.fail_endpoint(&other, "too late"),
        "a deletion is not undone"
    );
    assert!(!emulator.fail_endpoint(GROUP, "no such endpoint"));
    assert!(!emulator.request_deletion(GROUP));
    emulator.set_settle_after(std::time::Duration::ZERO);
    assert_eq!(read(&mut client, GROUP, "AWS", &other).await, None);
    let listed = emulator.endpoints(GROUP, "AWS");
    assert_eq!(
        listed.len(),
        1,
        "the deleted one is gone, the failed one stays"
    );
    assert_eq!(listed[0]["id"], id.as_str());
}

/// `POST /__emulator/endpoints/{id}/{action}`.
async fn act(
    emulator: &Emulator,
    id: &str,
    action: &str,
    body: Option<Value>,
) -> reqwest::Response {
    control(
        emulator,
        Method::POST,
        &format!("endpoints/{id}/{action}"),
        body,
    )
    .await
}

#[tokio::test]
async fn an_existing_endpoint_can_be_made_failed_or_deleting_over_the_control_api() {
    let emulator = start(slow_config());
    let mut client = Client::new(&emulator);
    let id = create(&mut client, "US_EAST_1").await;
    let failed = act(
        &emulator,
        &id,
        "fail",
        Some(json!({"errorMessage": "no quota"})),
    )
    .await;
    assert_eq!(failed.status(), StatusCode::NO_CONTENT);
    let view = read(&mut client, GROUP, "AWS", &id).await.unwrap();
    assert_eq!(
        (&view["status"], &view["errorMessage"]),
        (&json!("FAILED"), &json!("no quota"))
    );

    assert_eq!(
        act(&emulator, &id, "delete", None).await.status(),
        StatusCode::NO_CONTENT
    );
    let view = read(&mut client, GROUP, "AWS", &id).await.unwrap();
    assert_eq!(view["status"], "DELETING");
    assert_eq!(
        act(&emulator, &id, "delete", None).await.status(),
        StatusCode::NO_CONTENT
    );
    assert_error(
        act(&emulator, &id, "fail", None).await,
        409,
        "INVALID_STATUS",
    )
    .await;
    assert_error(
        act(&emulator, GROUP, "delete", None).await,
        404,
        "RESOURCE_NOT_FOUND",
    )
    .await;
    assert_error(
        act(&emulator, GROUP, "fail", None).await,
        404,
        "RESOURCE_NOT_FOUND",
    )
    .await;
    let bad = act(&emulator, &id, "fail", Some(json!({"errorMessage": 3}))).await;
    assert_error(bad, 400, "INVALID_CONTROL_REQUEST").await;

    post(&emulator, "config", json!({"settleAfterMs": 0})).await;
    assert_eq!(read(&mut client, GROUP, "AWS", &id).await, None);
}
