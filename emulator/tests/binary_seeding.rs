//! The binary's seeding flags: `--project-id`, `--seed-cluster`, `--encryption` and
//! `--require-private-networking` set up a project that the API then shows; bad combinations fail
//! before anything listens.

mod common;

use common::*;
use reqwest::{Method, StatusCode};
use serde_json::Value;

#[tokio::test]
async fn flags_seed_clusters_and_encryption_for_the_project() {
    let started = start_binary(
        &[
            "--project-id",
            OTHER_GROUP,
            "--seed-cluster",
            "orders:AWS:US_EAST_1,EU_WEST_2",
            "--seed-cluster",
            "web:AZURE:EUROPE_WEST,aws:US_EAST_1",
            "--encryption",
            "azure:my-vault::my-sub",
            "--encryption",
            "aws",
            "--require-private-networking",
            "azure",
        ],
        "control API:",
    );
    let mut client = Client::for_base(&started.base);
    let clusters = client
        .send(
            Method::GET,
            &format!("/api/atlas/v2/groups/{OTHER_GROUP}/clusters"),
            &[("accept", "application/vnd.atlas.2024-08-05+json")],
            None,
        )
        .await;
    assert_eq!(clusters.status(), StatusCode::OK);
    let page: Value = clusters.json().await.unwrap();
    let names: Vec<&str> = page["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["orders", "web"]);
    let configs = &page["results"][1]["replicationSpecs"][0]["regionConfigs"];
    assert_eq!(configs[1]["providerName"], "AWS");
    assert_eq!(configs[1]["regionName"], "US_EAST_1");
    let view: Value = client
        .get(&format!(
            "/api/atlas/v2/groups/{OTHER_GROUP}/encryptionAtRest"
        ))
        .await
        .json()
        .await
        .unwrap();
    let azure = &view["azureKeyVault"];
    assert_eq!(azure["enabled"], true);
    assert_eq!(azure["requirePrivateNetworking"], true);
    assert_eq!(azure["keyVaultName"], "my-vault");
    assert!(azure.get("resourceGroupName").is_none(), "{azure}");
    assert_eq!(azure["subscriptionID"], "my-sub");
    assert_eq!(view["awsKms"]["enabled"], true);
    assert_eq!(view["awsKms"]["requirePrivateNetworking"], false);
    assert_eq!(view["awsKms"]["region"], "US_EAST_1");
    // The default project was left alone.
    let other: Value = client
        .get(&format!("/api/atlas/v2/groups/{GROUP}/encryptionAtRest"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(other["azureKeyVault"]["enabled"], false);
}

#[test]
fn bad_seeding_flags_fail_with_a_message() {
    let cases: [(&[&str], &str); 5] = [
        (&["--seed-cluster", "orders"], "NAME:PROVIDER:REGION"),
        (
            &["--seed-cluster", "orders:AWS:EUROPE_WEST"],
            "EUROPE_WEST is not a AWS region",
        ),
        (&["--encryption", "gcp"], "aws[:REGION]"),
        (
            &["--require-private-networking", "aws"],
            "needs --encryption aws",
        ),
        (&["--project-id", "nope"], "GROUP_ID must be 24"),
    ];
    for (args, expected) in cases {
        let output = std::process::Command::new(BINARY)
            .args(["--listen", "127.0.0.1:0"])
            .args(args)
            .output()
            .unwrap();
        assert!(!output.status.success(), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
        assert!(
            !String::from_utf8_lossy(&output.stdout).contains("listening"),
            "{args:?} must fail before the banner"
        );
    }
}
