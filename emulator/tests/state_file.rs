//! `--state FILE` (`Config::state_file`): endpoints, encryption configurations and clusters survive
//! a restart (even a kill, since the file is written after every change), seeding flags apply only
//! to a new file, and a file that is not a state file stops the start with a message naming it. The
//! banner ends with `export` lines that reach the emulator as printed.

mod common;

use std::path::Path;

use atlas_ear_emulator::{Config, DEMO_PRIVATE_KEY, DEMO_PUBLIC_KEY, Emulator};
use common::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

const LAST_LINE: &str = "export MONGODB_ATLAS_PROJECT_ID=";

fn state_args(path: &Path) -> Vec<String> {
    vec![
        "--state".into(),
        path.display().to_string(),
        "--settle-after".into(),
        "1h".into(),
    ]
}

fn start_with(args: &[String], extra: &[&str]) -> StartedBinary {
    let mut all: Vec<&str> = args.iter().map(String::as_str).collect();
    all.extend_from_slice(extra);
    start_binary(&all, LAST_LINE)
}

async fn clusters(client: &mut Client) -> Vec<String> {
    let page: Value = client
        .send(
            Method::GET,
            &format!("/api/atlas/v2/groups/{GROUP}/clusters"),
            &[("accept", "application/vnd.atlas.2024-08-05+json")],
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    page["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn a_restart_with_the_same_file_keeps_what_was_there() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    let args = state_args(&path);
    let first = start_with(
        &args,
        &[
            "--seed-cluster",
            "orders:AWS:US_EAST_1",
            "--encryption",
            "aws",
        ],
    );
    assert!(
        first.banner.iter().any(|l| l.ends_with("state.json (new)")),
        "{:?}",
        first.banner
    );
    let mut client = Client::for_base(&first.base);
    let created: Value = client
        .post(
            &list_path(GROUP, "AZURE"),
            r#"{"regionName":"EUROPE_WEST"}"#,
        )
        .await
        .json()
        .await
        .unwrap();
    let id = created["id"].as_str().unwrap().to_string();
    let headers = [("accept", ACCEPT), ("content-type", ACCEPT)];
    let flip = json!({"awsKms": {"requirePrivateNetworking": true}}).to_string();
    let path_ear = format!("/api/atlas/v2/groups/{GROUP}/encryptionAtRest");
    let patched = client
        .send(Method::PATCH, &path_ear, &headers, Some(&flip))
        .await;
    assert_eq!(patched.status(), StatusCode::OK);
    let seeded = reqwest::Client::new()
        .post(format!("{}/__emulator/clusters", first.base))
        .json(&json!({"groupId": GROUP, "name": "web", "regions": [{"provider": "AWS", "region": "EU_WEST_2"}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(seeded.status(), StatusCode::OK);
    // Killed, not stopped: the file must already hold every change.
    drop(first);

    let second = start_with(
        &args,
        &[
            "--seed-cluster",
            "other:AWS:EU_WEST_1",
            "--encryption",
            "aws",
        ],
    );
    assert!(
        second
            .banner
            .iter()
            .any(|l| l.ends_with("state.json (restored)")),
        "{:?}",
        second.banner
    );
    assert!(
        second
            .banner
            .iter()
            .any(|l| l.starts_with("seeding flags: not applied"))
    );
    let mut client = Client::for_base(&second.base);
    let listed: Value = client
        .get(&list_path(GROUP, "AZURE"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed["totalCount"], 1);
    assert_eq!(listed["results"][0]["id"], id.as_str());
    assert_eq!(listed["results"][0]["status"], "INITIATING");
    assert_eq!(
        listed["results"][0]["privateEndpointConnectionName"],
        created["privateEndpointConnectionName"]
    );
    let config: Value = client.get(&path_ear).await.json().await.unwrap();
    assert_eq!(
        config["awsKms"]["requirePrivateNetworking"], true,
        "the PATCH was kept, not re-seeded"
    );
    assert_eq!(clusters(&mut client).await, ["orders", "web"]);
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers, ["state.json"], "no temporary file stays behind");
}

#[test]
fn the_library_keeps_endpoints_and_their_progress() {
    let dir = tempfile::tempdir().unwrap();
    let config = Config {
        state_file: Some(dir.path().join("state.json")),
        ..slow_config()
    };
    let first = Emulator::start(config.clone()).unwrap();
    assert!(!first.restored_state());
    let id = first.seed_endpoint(GROUP, "AZURE", "UK_SOUTH", "INITIATING");
    assert!(first.approve(&id));
    first
        .seed_cluster(GROUP, "web", &[("AZURE", "UK_SOUTH")])
        .unwrap();
    first.stop();
    let second = Emulator::start(config.clone()).unwrap();
    assert!(second.restored_state());
    assert_eq!(second.endpoints(GROUP, "AZURE")[0]["id"], id.as_str());
    // The approval given while INITIATING was kept: once settled it is ACTIVE, not awaiting one.
    second.set_settle_after(std::time::Duration::ZERO);
    assert_eq!(second.endpoints(GROUP, "AZURE")[0]["status"], "ACTIVE");
}

#[test]
fn a_file_that_is_not_a_state_file_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let garbage = dir.path().join("garbage.json");
    std::fs::write(&garbage, "{\"endpoints\": 3}").unwrap();
    let other = dir.path().join("other.json");
    std::fs::write(
        &other,
        r#"{"format":"something-else","version":1,"endpoints":[],"encryption":{},"clusters":[]}"#,
    )
    .unwrap();
    let cases = [
        (garbage.clone(), "not a state file of atlas-ear-emulator"),
        (other.clone(), "is not \"atlas-ear-emulator-state\""),
        (dir.path().to_path_buf(), "cannot read it"),
    ];
    for (path, expected) in cases {
        let output = std::process::Command::new(BINARY)
            .args(["--listen", "127.0.0.1:0", "--state"])
            .arg(&path)
            .output()
            .unwrap();
        assert!(!output.status.success(), "{path:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains(&format!("state file {}", path.display())),
            "{stderr}"
        );
        assert!(stderr.contains(expected), "{stderr}");
        assert!(output.stdout.is_empty(), "nothing listens");
    }
    assert_eq!(
        std::fs::read_to_string(&garbage).unwrap(),
        "{\"endpoints\": 3}",
        "a bad file is left alone"
    );
}

#[tokio::test]
async fn the_printed_exports_reach_the_emulator() {
    let started = start_binary(&["--project-id", OTHER_GROUP], LAST_LINE);
    let exports: Vec<(String, String)> = started
        .banner
        .iter()
        .filter_map(|line| line.strip_prefix("export "))
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap();
            (name.to_string(), value.to_string())
        })
        .collect();
    let names: Vec<&str> = exports.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "MONGODB_ATLAS_BASE_URL",
            "MONGODB_ATLAS_PUBLIC_API_KEY",
            "MONGODB_ATLAS_PRIVATE_API_KEY",
            "MONGODB_ATLAS_PROJECT_ID"
        ]
    );
    assert_eq!(exports[0].1, started.base);
    assert_eq!(exports[1].1, DEMO_PUBLIC_KEY);
    assert_eq!(exports[2].1, DEMO_PRIVATE_KEY);
    assert_eq!(exports[3].1, OTHER_GROUP);
    let mut client = Client::for_base(&exports[0].1).with_password(&exports[2].1);
    let listed = client.get(&list_path(&exports[3].1, "AWS")).await;
    assert_eq!(listed.status(), StatusCode::OK);
}

#[test]
fn export_values_are_quoted_for_the_shell_when_needed() {
    let emulator = Emulator::start(Config {
        private_key: "it's $secret".into(),
        ..slow_config()
    })
    .unwrap();
    let lines = emulator.export_lines(GROUP);
    assert!(
        lines.contains(r"export MONGODB_ATLAS_PRIVATE_API_KEY='it'\''s $secret'"),
        "{lines}"
    );
    assert!(
        lines.contains(&format!("export MONGODB_ATLAS_PROJECT_ID={GROUP}\n")),
        "{lines}"
    );
}
