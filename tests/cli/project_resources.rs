//! The API layer's calls for the project resources, against the emulator: the encryption-at-rest
//! configuration is read without its credentials and changed with the smallest PATCH, and the
//! cluster list is read page by page; both are pinned to their own API version whatever
//! `--api-version` says (the emulator refuses the cluster list in any other version).

use crate::common;
use atlas_ear::clusters::{clusters_by_region, list_clusters};
use atlas_ear::encryption::{get_encryption, private_networking_request, update_encryption};
use atlas_ear::{ApiClient, Provider, Settings};
use common::*;
use serde_json::json;

fn client_for(emu: &Emulator, api_version: &str) -> ApiClient {
    let base_url = emu.base_url();
    let parsed = atlas_ear::try_parse_from([
        "atlas-ear",
        "--base-url",
        base_url.as_str(),
        "--public-key",
        atlas_ear_emulator::DEMO_PUBLIC_KEY,
        "--private-key",
        atlas_ear_emulator::DEMO_PRIVATE_KEY,
        "--project-id",
        PROJECT,
        "--api-version",
        api_version,
        "--no-cache",
        "list",
    ])
    .unwrap();
    ApiClient::new(&Settings::resolve(&parsed.cli.global, parsed.typed_flags).unwrap()).unwrap()
}

#[tokio::test]
async fn the_configuration_is_read_without_credentials_and_flipped_with_one_field() {
    let emu = emulator();
    emu.seed_encryption(
        PROJECT,
        &json!({"awsKms": {"enabled": true, "region": "EU_WEST_1", "accessKeyID": "AKIASENTINEL0001"},
                "azureKeyVault": {"enabled": true, "keyVaultName": "vault-7", "resourceGroupName": "rg-7",
                                  "subscriptionID": "sub-7", "clientID": "client-sentinel-7"}}),
    )
    .unwrap();
    let client = client_for(&emu, "2024-11-13");
    let config = get_encryption(&client, PROJECT).await.unwrap();
    let aws = config.aws_kms.clone().unwrap();
    assert!(aws.settings.enabled && !aws.settings.require_private_networking);
    assert_eq!(aws.settings.valid, Some(true));
    assert_eq!(aws.region.as_deref(), Some("EU_WEST_1"));
    let azure = config.azure_key_vault.clone().unwrap();
    assert_eq!(
        (
            azure.key_vault_name.as_deref(),
            azure.resource_group_name.as_deref(),
            azure.subscription_id.as_deref()
        ),
        (Some("vault-7"), Some("rg-7"), Some("sub-7"))
    );
    let shown = format!("{config:?}");
    for sentinel in ["AKIASENTINEL0001", "client-sentinel-7"] {
        assert!(!shown.contains(sentinel), "{shown}");
    }

    let request = private_networking_request(PROJECT, Provider::Aws, true);
    let after = update_encryption(&client, &request).await.unwrap();
    assert!(after.settings(Provider::Aws).require_private_networking);
    let patches: Vec<LoggedRequest> = emu
        .requests()
        .into_iter()
        .filter(|r| r.method == "PATCH" && r.status == 200)
        .collect();
    assert_eq!(patches.len(), 1);
    assert_eq!(
        patches[0].body,
        r#"{"awsKms":{"requirePrivateNetworking":true}}"#
    );
    assert_eq!(
        patches[0].path,
        format!("/api/atlas/v2/groups/{PROJECT}/encryptionAtRest")
    );
    for header in ["accept", "content-type"] {
        assert_eq!(
            patches[0].header(header),
            Some("application/vnd.atlas.2023-01-01+json"),
            "{header} is pinned whatever --api-version says"
        );
    }
    assert!(emu.encryption(PROJECT)["awsKms"]["requirePrivateNetworking"] == true);
}

#[tokio::test]
async fn a_refused_patch_is_an_error_with_the_atlas_code() {
    let emu = emulator();
    let client = client_for(&emu, "2023-01-01");
    let request = private_networking_request(PROJECT, Provider::Azure, true);
    let error = update_encryption(&client, &request).await.unwrap_err();
    let text = format!("{error:#}");
    assert!(
        text.contains("ENCRYPTION_AT_REST_NOT_ENABLED_FOR_PROVIDER"),
        "{text}"
    );
}

#[tokio::test]
async fn clusters_are_listed_page_by_page_in_the_2024_08_05_version() {
    let emu = emulator();
    emu.seed_cluster(
        PROJECT,
        "orders",
        &[("AWS", "US_EAST_1"), ("AWS", "EU_WEST_2")],
    )
    .unwrap();
    emu.seed_cluster(
        PROJECT,
        "web",
        &[("AZURE", "EUROPE_WEST"), ("AWS", "EU_WEST_2")],
    )
    .unwrap();
    for n in 0..499 {
        emu.seed_cluster(PROJECT, &format!("filler-{n:03}"), &[("GCP", "CENTRAL_US")])
            .unwrap();
    }
    let client = client_for(&emu, "2023-01-01");
    let clusters = list_clusters(&client, PROJECT).await.unwrap();
    assert_eq!(clusters.len(), 501);
    let aws = clusters_by_region(&clusters, Provider::Aws);
    assert_eq!(aws["EU_WEST_2"], ["orders", "web"]);
    assert_eq!(aws["US_EAST_1"], ["orders"]);
    assert_eq!(aws.len(), 2);
    assert_eq!(clusters_by_region(&clusters, Provider::Azure).len(), 1);
    let pages: Vec<LoggedRequest> = emu
        .requests()
        .into_iter()
        .filter(|r| r.path.ends_with("/clusters") && r.status == 200)
        .collect();
    assert_eq!(pages.len(), 2, "500 a page");
    assert!(
        pages
            .iter()
            .all(|r| r.header("accept") == Some("application/vnd.atlas.2024-08-05+json"))
    );
}
