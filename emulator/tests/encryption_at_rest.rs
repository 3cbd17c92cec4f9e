//! `GET` and `PATCH .../encryptionAtRest` over real HTTP with digest authentication: the first
//! configuration needs every field, later ones only the changed fields; private networking cannot
//! be turned off while endpoints exist, nor on without the customer key; credentials are taken but
//! never answered or logged; unknown and read-only fields are refused.

mod common;

use atlas_ear_emulator::Emulator;
use common::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

const SECRET_ACCESS_KEY: &str = "wJalrXUtnFEMI-emulator-secret";
const AZURE_SECRET: &str = "azure-client-secret-for-tests";

fn path(group: &str) -> String {
    format!("/api/atlas/v2/groups/{group}/encryptionAtRest")
}

async fn patch(client: &mut Client, body: &Value) -> reqwest::Response {
    let headers = [("accept", ACCEPT), ("content-type", ACCEPT)];
    client
        .send(
            Method::PATCH,
            &path(GROUP),
            &headers,
            Some(&body.to_string()),
        )
        .await
}

async fn config(client: &mut Client) -> Value {
    let response = client.get(&path(GROUP)).await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

fn full_aws() -> Value {
    json!({"awsKms": {
        "enabled": true, "customerMasterKeyID": "key-1", "region": "US_EAST_1",
        "accessKeyID": "AKIAEMULATORTEST", "secretAccessKey": SECRET_ACCESS_KEY
    }})
}

fn full_azure() -> Value {
    json!({"azureKeyVault": {
        "enabled": true, "azureEnvironment": "AZURE", "clientID": "client-1",
        "keyIdentifier": "https://v.vault.azure.net/keys/k/1", "keyVaultName": "vault-1",
        "resourceGroupName": "rg-1", "subscriptionID": "sub-1", "tenantID": "tenant-1",
        "secret": AZURE_SECRET
    }})
}

fn no_secret_in(emulator: &Emulator, text: &str) {
    for secret in [SECRET_ACCESS_KEY, AZURE_SECRET] {
        assert!(!text.contains(secret), "{secret} in {text}");
    }
    for logged in emulator.requests() {
        for secret in [SECRET_ACCESS_KEY, AZURE_SECRET] {
            assert!(
                !logged.body.contains(secret),
                "{secret} logged: {}",
                logged.body
            );
        }
    }
}

#[tokio::test]
async fn a_new_project_has_nothing_enabled_and_digest_applies() {
    let emulator = start(slow_config());
    let anonymous = reqwest::Client::new()
        .get(format!("{}{}", emulator.base_url(), path(GROUP)))
        .header("accept", ACCEPT)
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    assert!(anonymous.headers().contains_key("www-authenticate"));
    let mut client = Client::new(&emulator);
    let view = config(&mut client).await;
    assert_eq!(
        view["awsKms"],
        json!({"enabled": false, "requirePrivateNetworking": false, "valid": false})
    );
    assert_eq!(view["azureKeyVault"]["enabled"], false);
}

#[tokio::test]
async fn the_first_configuration_needs_every_field_then_only_changes() {
    let emulator = start(slow_config());
    let mut client = Client::new(&emulator);
    let partial = patch(
        &mut client,
        &json!({"awsKms": {"enabled": true, "region": "US_EAST_1"}}),
    )
    .await;
    let body = assert_error(partial, 400, "MISSING_ATTRIBUTE").await;
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .contains("awsKms.customerMasterKeyID"),
        "{body}"
    );
    let enabled = patch(&mut client, &full_aws()).await;
    assert_eq!(enabled.status(), StatusCode::OK);
    let answer = enabled.text().await.unwrap();
    no_secret_in(&emulator, &answer);
    let answer: Value = serde_json::from_str(&answer).unwrap();
    assert_eq!(answer["awsKms"]["enabled"], true);
    assert_eq!(answer["awsKms"]["valid"], true);
    assert_eq!(answer["awsKms"]["region"], "US_EAST_1");
    assert!(answer["awsKms"].get("secretAccessKey").is_none());
    // Once enabled, the changed field alone is enough.
    let flip = json!({"awsKms": {"requirePrivateNetworking": true}});
    let flipped = patch(&mut client, &flip).await;
    assert_eq!(flipped.status(), StatusCode::OK);
    let view = config(&mut client).await;
    assert_eq!(view["awsKms"]["requirePrivateNetworking"], true);
    assert_eq!(view["awsKms"]["customerMasterKeyID"], "key-1");
    no_secret_in(&emulator, &view.to_string());
    // The log keeps the exact body of a PATCH without credentials, and masks credentials.
    let logged: Vec<_> = emulator
        .requests()
        .into_iter()
        .filter(|r| r.method == "PATCH" && r.status == 200)
        .collect();
    assert_eq!(logged.len(), 2);
    assert!(
        logged[0]
            .body
            .contains("\"secretAccessKey\":\"<redacted>\""),
        "{}",
        logged[0].body
    );
    assert_eq!(logged[1].body, flip.to_string());
}

#[tokio::test]
async fn private_networking_needs_the_customer_key() {
    let emulator = start(slow_config());
    let mut client = Client::new(&emulator);
    let refused = patch(
        &mut client,
        &json!({"azureKeyVault": {"requirePrivateNetworking": true}}),
    )
    .await;
    let body = assert_error(refused, 400, "ENCRYPTION_AT_REST_NOT_ENABLED_FOR_PROVIDER").await;
    assert!(body["detail"].as_str().unwrap().contains("AZURE"), "{body}");
    assert_eq!(
        config(&mut client).await["azureKeyVault"]["requirePrivateNetworking"],
        false
    );
    // Enabling and requiring private networking in one request is the documented first setup.
    let mut both = full_azure();
    both["azureKeyVault"]["requirePrivateNetworking"] = json!(true);
    assert_eq!(patch(&mut client, &both).await.status(), StatusCode::OK);
    let view = config(&mut client).await;
    assert_eq!(view["azureKeyVault"]["requirePrivateNetworking"], true);
    assert_eq!(view["azureKeyVault"]["keyVaultName"], "vault-1");
    no_secret_in(&emulator, &view.to_string());
}

#[tokio::test]
async fn private_networking_stays_on_while_endpoints_exist_in_any_status() {
    let emulator = start(slow_config());
    emulator
        .seed_encryption(
            GROUP,
            &json!({"awsKms": {"enabled": true, "requirePrivateNetworking": true}}),
        )
        .unwrap();
    let mut client = Client::new(&emulator);
    let off = json!({"awsKms": {"requirePrivateNetworking": false}});
    for status in ["DELETING", "FAILED", "ACTIVE"] {
        let id = emulator.seed_endpoint(GROUP, "AWS", "US_EAST_1", status);
        let refused = patch(&mut client, &off).await;
        assert_error(refused, 400, "CANNOT_DISABLE_ENCRYPTION_AT_REST_REQUIRE_PRIVATE_NETWORKING_WHILE_PRIVATE_ENDPOINTS_EXIST").await;
        let disable = patch(&mut client, &json!({"awsKms": {"enabled": false}})).await;
        assert_error(disable, 400, "CANNOT_DISABLE_ENCRYPTION_AT_REST_REQUIRE_PRIVATE_NETWORKING_WHILE_PRIVATE_ENDPOINTS_EXIST").await;
        assert_eq!(
            config(&mut client).await["awsKms"]["requirePrivateNetworking"],
            true,
            "{status}"
        );
        // Endpoints of the other provider do not count.
        emulator.set_settle_after(std::time::Duration::ZERO);
        emulator.request_deletion(&id);
        assert!(emulator.endpoints(GROUP, "AWS").is_empty());
        emulator.set_settle_after(std::time::Duration::from_secs(3600));
    }
    emulator.seed_endpoint(GROUP, "AZURE", "EUROPE_WEST", "ACTIVE");
    assert_eq!(patch(&mut client, &off).await.status(), StatusCode::OK);
    assert_eq!(
        config(&mut client).await["awsKms"]["requirePrivateNetworking"],
        false
    );
}

#[tokio::test]
async fn the_vault_cannot_move_while_azure_endpoints_exist() {
    let emulator = start(slow_config());
    let mut client = Client::new(&emulator);
    assert_eq!(
        patch(&mut client, &full_azure()).await.status(),
        StatusCode::OK
    );
    emulator.seed_endpoint(GROUP, "AZURE", "EUROPE_WEST", "PENDING_ACCEPTANCE");
    let moved = patch(
        &mut client,
        &json!({"azureKeyVault": {"keyVaultName": "vault-2"}}),
    )
    .await;
    assert_error(
        moved,
        400,
        "CANNOT_MODIFY_AZURE_KEY_VAULT_WHILE_PRIVATE_ENDPOINTS_EXIST",
    )
    .await;
    let same = patch(
        &mut client,
        &json!({"azureKeyVault": {"keyVaultName": "vault-1", "tenantID": "t-2"}}),
    )
    .await;
    assert_eq!(same.status(), StatusCode::OK);
}

#[tokio::test]
async fn bodies_are_checked_field_by_field() {
    let emulator = start(slow_config());
    let mut client = Client::new(&emulator);
    assert_eq!(
        patch(&mut client, &full_aws()).await.status(),
        StatusCode::OK
    );
    for (body, code, field) in [
        (
            json!({"awsKms": {"valid": true}}),
            "INVALID_ATTRIBUTE",
            "awsKms.valid",
        ),
        (
            json!({"awsKms": {"colour": "red"}}),
            "INVALID_ATTRIBUTE",
            "awsKms.colour",
        ),
        (
            json!({"awsKms": {"region": "EUROPE_WEST"}}),
            "INVALID_ENUM_VALUE",
            "awsKms.region",
        ),
        (
            json!({"awsKms": {"requirePrivateNetworking": "yes"}}),
            "INVALID_ATTRIBUTE",
            "awsKms.requirePrivateNetworking",
        ),
        (
            json!({"googleCloudKms": {"enabled": false}}),
            "INVALID_ATTRIBUTE",
            "googleCloudKms",
        ),
        (json!({"extra": 1}), "INVALID_ATTRIBUTE", "extra"),
        (
            json!({"awsKms": {"enabled": false, "region": "US_EAST_1"}}),
            "INVALID_ATTRIBUTE",
            "awsKms.enabled",
        ),
    ] {
        let refused = patch(&mut client, &body).await;
        let error = assert_error(refused, 400, code).await;
        assert_eq!(
            error["badRequestDetail"]["fields"][0]["field"], field,
            "{body}"
        );
    }
    let headers = [("accept", ACCEPT), ("content-type", "text/plain")];
    let wrong_type = client
        .send(Method::PATCH, &path(GROUP), &headers, Some("{}"))
        .await;
    assert_error(wrong_type, 415, "UNSUPPORTED_MEDIA_TYPE").await;
    let bad_group = client.get(&path("not-a-group")).await;
    assert_error(bad_group, 400, "INVALID_GROUP_ID").await;
    // Nothing refused changed anything; disabling alone removes the configuration.
    assert_eq!(config(&mut client).await["awsKms"]["region"], "US_EAST_1");
    assert_eq!(
        patch(&mut client, &json!({"awsKms": {"enabled": false}}))
            .await
            .status(),
        StatusCode::OK
    );
    assert_eq!(
        config(&mut client).await["awsKms"],
        json!({"enabled": false, "requirePrivateNetworking": false, "valid": false})
    );
}

#[tokio::test]
async fn envelope_wraps_the_configuration() {
    let emulator = start(slow_config());
    let mut client = Client::new(&emulator);
    let response = client.get(&format!("{}?envelope=true", path(GROUP))).await;
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["status"], 200);
    assert_eq!(body["content"]["awsKms"]["enabled"], false);
    // List parameters are not this operation's: ignored, as other unknown parameters are.
    let ignored = client
        .get(&format!("{}?itemsPerPage=lots", path(GROUP)))
        .await;
    assert_eq!(ignored.status(), StatusCode::OK);
}

#[tokio::test]
async fn seeding_over_the_control_api_and_faults_on_the_patch() {
    let emulator = start(slow_config());
    let seeded = control(
        &emulator,
        Method::PUT,
        &format!("projects/{GROUP}/encryptionAtRest"),
        Some(json!({"azureKeyVault": {"enabled": true, "keyVaultName": "v", "secret": AZURE_SECRET}})),
    )
    .await;
    assert_eq!(seeded.status(), StatusCode::OK);
    let answer = seeded.text().await.unwrap();
    assert!(
        answer.contains("\"keyVaultName\":\"v\"") && !answer.contains(AZURE_SECRET),
        "{answer}"
    );
    let bad = control(
        &emulator,
        Method::PUT,
        &format!("projects/{GROUP}/encryptionAtRest"),
        Some(json!({"azureKeyVault": {"valid": true}})),
    )
    .await;
    assert_error(bad, 400, "INVALID_CONTROL_REQUEST").await;
    let shown: Value = control(
        &emulator,
        Method::GET,
        &format!("projects/{GROUP}/encryptionAtRest"),
        None,
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(shown, emulator.encryption(GROUP));
    post(
        &emulator,
        "faults",
        json!({"route": "updateEncryptionAtRest", "kind": "status", "status": 503}),
    )
    .await;
    let mut client = Client::new(&emulator);
    assert_eq!(
        config(&mut client).await["azureKeyVault"]["keyVaultName"],
        "v"
    );
    let flip = json!({"azureKeyVault": {"requirePrivateNetworking": true}});
    assert_error(patch(&mut client, &flip).await, 503, "SERVICE_UNAVAILABLE").await;
    assert_eq!(patch(&mut client, &flip).await.status(), StatusCode::OK);
}
