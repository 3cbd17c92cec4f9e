//! The status lifecycle over HTTP: AWS and Azure creation, approval, failed regions, recreation
//! after a provider-side rejection, and deletion. Settle times are switched between "never" and
//! "at once" so every assertion is about outcomes, not timing.

mod common;

use std::time::Duration;

use atlas_ear_emulator::Config;
use common::*;
use reqwest::StatusCode;

fn id(view: &serde_json::Value) -> String {
    view["id"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn aws_endpoints_go_from_initiating_to_active() {
    let emulator = start(slow_config());
    let mut client = Client::new(&emulator);
    let endpoint = id(&client.create("AWS", "US_EAST_1").await);
    assert_eq!(
        client.status_of("AWS", &endpoint).await.as_deref(),
        Some("INITIATING")
    );
    emulator.set_settle_after(Duration::ZERO);
    assert_eq!(
        client.status_of("AWS", &endpoint).await.as_deref(),
        Some("ACTIVE")
    );
    assert!(
        !emulator.approve(&endpoint),
        "AWS endpoints need no approval"
    );
}

#[tokio::test]
async fn azure_endpoints_wait_for_approval() {
    let emulator = start(slow_config());
    let mut client = Client::new(&emulator);
    let created = client.create("AZURE", "EUROPE_WEST").await;
    let endpoint = id(&created);
    let name = created["privateEndpointConnectionName"].as_str().unwrap();
    assert!(name.contains("europe-west"), "{name}");
    emulator.set_settle_after(Duration::ZERO);
    assert_eq!(
        client.status_of("AZURE", &endpoint).await.as_deref(),
        Some("PENDING_ACCEPTANCE")
    );
    assert_eq!(
        client.status_of("AZURE", &endpoint).await.as_deref(),
        Some("PENDING_ACCEPTANCE")
    );
    assert!(emulator.approve(&endpoint));
    assert_eq!(
        client.status_of("AZURE", &endpoint).await.as_deref(),
        Some("ACTIVE")
    );
    assert!(!emulator.approve("ffffffffffffffffffffffff"));
}

#[tokio::test]
async fn an_azure_endpoint_approved_while_initiating_settles_to_active() {
    let emulator = start(slow_config());
    let mut client = Client::new(&emulator);
    let endpoint = id(&client.create("AZURE", "UK_SOUTH").await);
    assert!(emulator.approve(&endpoint));
    assert_eq!(
        client.status_of("AZURE", &endpoint).await.as_deref(),
        Some("INITIATING")
    );
    emulator.set_settle_after(Duration::ZERO);
    assert_eq!(
        client.status_of("AZURE", &endpoint).await.as_deref(),
        Some("ACTIVE")
    );
}

#[tokio::test]
async fn a_failed_region_ends_failed_with_an_error_message() {
    let emulator = start(slow_config());
    emulator.fail_region(
        "AWS",
        "EU_CENTRAL_1",
        "The KMS key policy denies the endpoint service.",
    );
    let mut client = Client::new(&emulator);
    let failing = id(&client.create("AWS", "EU_CENTRAL_1").await);
    let healthy = id(&client.create("AWS", "EU_CENTRAL_2").await);
    assert_eq!(
        client.status_of("AWS", &failing).await.as_deref(),
        Some("INITIATING")
    );
    emulator.set_settle_after(Duration::ZERO);
    let view: serde_json::Value = client
        .get(&item_path(GROUP, "AWS", &failing))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(view["status"], "FAILED");
    assert_eq!(
        view["errorMessage"],
        "The KMS key policy denies the endpoint service."
    );
    assert_eq!(
        client.status_of("AWS", &healthy).await.as_deref(),
        Some("ACTIVE")
    );
    // A FAILED endpoint still occupies its region until it is deleted.
    let again = client
        .post(&list_path(GROUP, "AWS"), r#"{"regionName":"EU_CENTRAL_1"}"#)
        .await;
    assert_eq!(again.status(), StatusCode::CONFLICT);
    assert_eq!(
        client
            .delete(&item_path(GROUP, "AWS", &failing))
            .await
            .status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(client.status_of("AWS", &failing).await, None);
}

#[tokio::test]
async fn a_rejected_endpoint_is_recreated_and_needs_approval_again() {
    let emulator = start(slow_config());
    let mut client = Client::new(&emulator);
    let endpoint = id(&client.create("AZURE", "US_WEST").await);
    assert!(
        !emulator.reject(&endpoint),
        "an INITIATING endpoint cannot be rejected"
    );
    emulator.set_settle_after(Duration::ZERO);
    assert!(emulator.approve(&endpoint));
    let before: serde_json::Value = client
        .get(&item_path(GROUP, "AZURE", &endpoint))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(before["status"], "ACTIVE");

    emulator.set_settle_after(Duration::from_secs(3600));
    assert!(emulator.reject(&endpoint));
    let during: serde_json::Value = client
        .get(&item_path(GROUP, "AZURE", &endpoint))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(during["status"], "PENDING_RECREATION");
    assert_eq!(during["id"], before["id"]);
    assert_ne!(
        during["privateEndpointConnectionName"],
        before["privateEndpointConnectionName"]
    );

    // Recreation passes through INITIATING (see the store's clock tests) and ends waiting for approval.
    emulator.set_settle_after(Duration::ZERO);
    assert_eq!(
        client.status_of("AZURE", &endpoint).await.as_deref(),
        Some("PENDING_ACCEPTANCE")
    );
    assert!(emulator.approve(&endpoint));
    assert_eq!(
        client.status_of("AZURE", &endpoint).await.as_deref(),
        Some("ACTIVE")
    );
}

#[tokio::test]
async fn a_rejected_aws_endpoint_comes_back_active() {
    let emulator = start(slow_config());
    let id = emulator.seed_endpoint(GROUP, "AWS", "SA_EAST_1", "ACTIVE");
    let mut client = Client::new(&emulator);
    assert!(emulator.reject(&id));
    assert_eq!(
        client.status_of("AWS", &id).await.as_deref(),
        Some("PENDING_RECREATION")
    );
    emulator.set_settle_after(Duration::ZERO);
    assert_eq!(
        client.status_of("AWS", &id).await.as_deref(),
        Some("ACTIVE")
    );
}

#[tokio::test]
async fn deletion_goes_through_deleting_then_the_endpoint_is_gone() {
    let emulator = start(slow_config());
    let mut client = Client::new(&emulator);
    let endpoint = id(&client.create("AWS", "AP_EAST_2").await);
    let item = item_path(GROUP, "AWS", &endpoint);
    assert_eq!(client.delete(&item).await.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        client.status_of("AWS", &endpoint).await.as_deref(),
        Some("DELETING")
    );
    let listed = emulator.endpoints(GROUP, "AWS");
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["status"], "DELETING");
    assert_eq!(
        client.delete(&item).await.status(),
        StatusCode::NO_CONTENT,
        "deleting again is accepted"
    );
    emulator.set_settle_after(Duration::ZERO);
    assert_eq!(client.status_of("AWS", &endpoint).await, None);
    assert!(emulator.endpoints(GROUP, "AWS").is_empty());
    assert_error(client.delete(&item).await, 404, "RESOURCE_NOT_FOUND").await;
}

#[tokio::test]
async fn with_a_short_settle_time_endpoints_become_active_on_their_own() {
    let emulator = start(Config {
        settle_after: Duration::from_millis(50),
        ..Config::default()
    });
    let mut client = Client::new(&emulator);
    let endpoint = id(&client.create("AWS", "US_WEST_1").await);
    // Poll like a client would, with a generous deadline; only the outcome is asserted.
    let mut status = None;
    for _ in 0..600 {
        status = client.status_of("AWS", &endpoint).await;
        if status.as_deref() == Some("ACTIVE") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(status.as_deref(), Some("ACTIVE"));
}

#[tokio::test]
async fn seeded_endpoints_join_the_lifecycle_and_unknown_statuses_stay() {
    let emulator = start(slow_config());
    let initiating = emulator.seed_endpoint(GROUP, "AZURE", "US_EAST", "INITIATING");
    let novel = emulator.seed_endpoint(GROUP, "AZURE", "US_EAST", "WAITING_FOR_SOMETHING_NEW");
    let mut client = Client::new(&emulator);
    assert_eq!(
        client.status_of("AZURE", &initiating).await.as_deref(),
        Some("INITIATING")
    );
    emulator.set_settle_after(Duration::ZERO);
    assert_eq!(
        client.status_of("AZURE", &initiating).await.as_deref(),
        Some("PENDING_ACCEPTANCE")
    );
    assert_eq!(
        client.status_of("AZURE", &novel).await.as_deref(),
        Some("WAITING_FOR_SOMETHING_NEW")
    );
    assert_eq!(emulator.endpoints(GROUP, "azure").len(), 2);
}
