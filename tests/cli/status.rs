//! `status` against the emulator with seeded clusters and encryption configuration: coverage
//! and findings, `--exit-code`, every output mode, what it costs (four reads per project, sent
//! together), `--dry-run`, and the credentials a configuration holds never reaching any output.

use crate::common;
use common::*;
use serde_json::json;

/// Customer-key encryption on for both providers, private networking required or not, with
/// the vault details the approval command needs and credentials that must never be printed.
pub fn configure(emu: &Emulator, project: &str, require_private_networking: bool) {
    emu.seed_encryption(
        project,
        &json!({
            "awsKms": {
                "enabled": true,
                "requirePrivateNetworking": require_private_networking,
                "region": "US_EAST_1",
                "customerMasterKeyID": "arn:aws:kms:us-east-1:123456789012:key/0f1e2d3c",
                "accessKeyID": AWS_ACCESS_KEY,
                "secretAccessKey": AWS_SECRET_KEY,
            },
            "azureKeyVault": {
                "enabled": true,
                "requirePrivateNetworking": require_private_networking,
                "azureEnvironment": "AZURE",
                "keyIdentifier": "https://kv-orders.vault.azure.net/keys/atlas/0123",
                "keyVaultName": "kv-orders",
                "resourceGroupName": "rg prod",
                "subscriptionID": "0ac4c8d2-0000-4000-8000-00000000000a",
                "tenantID": "2f6c1c3e-0000-4000-8000-00000000000b",
                "clientID": AZURE_CLIENT_ID,
                "secret": AZURE_SECRET,
            }
        }),
    )
    .expect("the configuration is accepted");
}

pub const AWS_ACCESS_KEY: &str = "AKIAEXAMPLESTATUS0001";
pub const AWS_SECRET_KEY: &str = "wJalrXUtnFEMI-status-secret-access-key";
pub const AZURE_CLIENT_ID: &str = "c1e2n3t4-status-client-id";
pub const AZURE_SECRET: &str = "azure-status-client-secret-value";

/// None of the configuration's credentials is in what a run printed.
pub fn assert_no_credentials(out: &Run) {
    for secret in [
        AWS_ACCESS_KEY,
        AWS_SECRET_KEY,
        AZURE_CLIENT_ID,
        AZURE_SECRET,
    ] {
        assert!(
            !out.stdout.contains(secret) && !out.stderr.contains(secret),
            "{secret} leaked:\nstdout: {}\nstderr: {}",
            out.stdout,
            out.stderr
        );
    }
}

/// `orders` in US_EAST_1 and EU_WEST_2 on AWS and US_CENTRAL on Azure, `billing` in EU_WEST_2.
fn clusters(emu: &Emulator) {
    emu.seed_cluster(
        PROJECT,
        "orders",
        &[
            ("AWS", "US_EAST_1"),
            ("AWS", "EU_WEST_2"),
            ("AZURE", "US_CENTRAL"),
        ],
    )
    .unwrap();
    emu.seed_cluster(PROJECT, "billing", &[("AWS", "EU_WEST_2")])
        .unwrap();
}

fn authenticated(emu: &Emulator) -> Vec<LoggedRequest> {
    api_requests(emu)
        .into_iter()
        .filter(|r| r.is_authenticated())
        .collect()
}

/// Endpoint ids and connection names are random: each is replaced by its provider, region and
/// kind, so snapshots are stable.
fn stable(emu: &Emulator, text: &str) -> String {
    let mut text = text.to_string();
    for provider in ["AWS", "AZURE"] {
        for endpoint in emu.endpoints(PROJECT, provider) {
            let region = endpoint["regionName"].as_str().unwrap_or_default();
            for (field, kind) in [
                ("id", "id"),
                ("privateEndpointConnectionName", "connection"),
            ] {
                if let Some(value) = endpoint[field].as_str() {
                    text = text.replace(value, &format!("<{provider}-{region}-{kind}>"));
                }
            }
        }
    }
    text
}

#[test]
fn every_region_covered_is_no_finding_and_costs_four_reads() {
    let emu = emulator();
    configure(&emu, PROJECT, true);
    emu.seed_cluster(PROJECT, "orders", &[("AWS", "US_EAST_1")])
        .unwrap();
    emu.seed_endpoint(PROJECT, "AWS", "US_EAST_1", "ACTIVE");
    let home = scratch_home();
    let out = run(atlas(&emu, &home).args(["status", "--exit-code", "-o", "json"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc = json(&out.stdout);
    assert_eq!(doc["findings"], json!([]));
    let aws = &doc["projects"][0]["providers"][0];
    assert_eq!(aws["provider"], "AWS");
    assert_eq!(aws["encryptionEnabled"], true);
    assert_eq!(aws["requirePrivateNetworking"], true);
    assert_eq!(aws["coverage"][0]["regionName"], "US_EAST_1");
    assert_eq!(aws["coverage"][0]["covered"], true);
    assert_eq!(aws["coverage"][0]["clusters"], json!(["orders"]));
    let reads = authenticated(&emu);
    assert_eq!(reads.len(), 4, "{reads:#?}");
    assert!(reads.iter().all(|r| r.method == "GET"));
    let mut paths: Vec<String> = reads.iter().map(|r| r.path.clone()).collect();
    paths.sort();
    let base = format!("/api/atlas/v2/groups/{PROJECT}");
    assert_eq!(
        paths,
        [
            format!("{base}/clusters"),
            format!("{base}/encryptionAtRest"),
            collection_path("AWS"),
            collection_path("AZURE"),
        ]
    );
    assert_no_credentials(&out);
}

#[test]
fn a_region_used_without_an_active_endpoint_is_a_finding_named_with_its_clusters() {
    let emu = emulator();
    configure(&emu, PROJECT, true);
    clusters(&emu);
    emu.seed_endpoint(PROJECT, "AWS", "US_EAST_1", "ACTIVE");
    emu.seed_endpoint(PROJECT, "AZURE", "US_CENTRAL", "ACTIVE");
    let home = scratch_home();
    let expected = "EU_WEST_2: used by clusters `billing`, `orders`; no active private endpoint, new nodes there will be refused";

    let table = run(atlas(&emu, &home).arg("status"));
    assert_eq!(
        table.code, 0,
        "without --exit-code a finding is not an error"
    );
    assert!(
        table.stdout.contains(&format!("finding: AWS {expected}")),
        "{}",
        table.stdout
    );

    let gated = run(atlas(&emu, &home).args(["status", "--exit-code", "-o", "json"]));
    assert_eq!(gated.code, 10, "{}", gated.stderr);
    let doc = json(&gated.stdout);
    let findings = doc["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{doc}");
    assert_eq!(findings[0]["message"], expected);
    assert_eq!(findings[0]["provider"], "AWS");
    assert_eq!(findings[0]["clusters"], json!(["billing", "orders"]));
    assert!(
        gated.stderr.contains(&format!("{PROJECT} AWS EU_WEST_2")),
        "{}",
        gated.stderr
    );

    // Covering the region ends the finding.
    emu.seed_endpoint(PROJECT, "AWS", "EU_WEST_2", "ACTIVE");
    let covered = run(atlas(&emu, &home).args(["status", "--exit-code", "-q"]));
    assert_eq!(covered.code, 0, "{}", covered.stderr);
    assert_eq!(covered.stdout, "");
}

#[test]
fn without_the_requirement_an_uncovered_region_is_shown_but_is_no_finding() {
    let emu = emulator();
    configure(&emu, PROJECT, false);
    clusters(&emu);
    let home = scratch_home();
    let out = run(atlas(&emu, &home).args(["status", "--exit-code", "-o", "plain"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let rows: Vec<&str> = out.stdout.lines().collect();
    assert!(
        rows[0].starts_with("PROJECT\tPROVIDER\tENCRYPTION"),
        "{}",
        rows[0]
    );
    assert!(
        rows.contains(
            &format!(
                "{PROJECT}\tAWS\tenabled\tnot_required\tEU_WEST_2\t\t\tbilling,orders\tno\tno"
            )
            .as_str()
        ),
        "{}",
        out.stdout
    );
    let quiet = run(atlas(&emu, &home).args(["status", "-q", "--provider", "aws"]));
    assert_eq!(quiet.stdout, "EU_WEST_2\nUS_EAST_1\n", "{}", quiet.stderr);
}

#[test]
fn status_table_and_json_snapshots() {
    let emu = emulator();
    configure(&emu, PROJECT, true);
    clusters(&emu);
    emu.seed_endpoint(PROJECT, "AWS", "US_EAST_1", "ACTIVE");
    emu.seed_endpoint(PROJECT, "AWS", "AP_SOUTH_1", "ACTIVE");
    emu.seed_endpoint(PROJECT, "AZURE", "US_CENTRAL", "PENDING_ACCEPTANCE");
    let home = scratch_home();
    let table = run(atlas(&emu, &home).arg("status"));
    assert_eq!(table.code, 0, "{}", table.stderr);
    // The table and headings fit 80 columns; a finding stays one line, for grep.
    assert!(
        table
            .stdout
            .lines()
            .filter(|l| !l.starts_with("finding: "))
            .all(|l| l.chars().count() <= 80),
        "fits 80 columns:\n{}",
        table.stdout
    );
    insta::assert_snapshot!("status_table", stable(&emu, &table.stdout));
    insta::assert_snapshot!("status_approval_step", stable(&emu, &table.stderr));
    let doc = run(atlas(&emu, &home).args(["status", "-o", "json"]));
    let pretty = serde_json::to_string_pretty(&json(&doc.stdout)).unwrap();
    insta::assert_snapshot!("status_json", stable(&emu, &pretty));
    let filtered = run(atlas(&emu, &home).args(["status", "--jq", ".findings[].regionName"]));
    assert_eq!(filtered.stdout, "EU_WEST_2\nUS_CENTRAL\n");
}

#[test]
fn file_projects_are_read_together_and_dry_run_prints_the_reads() {
    let emu = emulator();
    configure(&emu, PROJECT, true);
    configure(&emu, OTHER_PROJECT, true);
    emu.seed_cluster(OTHER_PROJECT, "ledger", &[("AZURE", "EUROPE_WEST")])
        .unwrap();
    let home = scratch_home();
    let file = home.path().join("atlas-ear.toml");
    std::fs::write(
        &file,
        format!(
            "[[project]]\nid = \"{PROJECT}\"\naws = [\"US_EAST_1\"]\n\n[[project]]\nid = \"{OTHER_PROJECT}\"\nazure = [\"EUROPE_WEST\"]\n"
        ),
    )
    .unwrap();
    let file = file.to_str().unwrap();
    let out = run(atlas(&emu, &home).args(["status", "-f", file, "--exit-code", "-o", "json"]));
    assert_eq!(out.code, 10, "{}", out.stderr);
    let doc = json(&out.stdout);
    assert_eq!(doc["projects"].as_array().unwrap().len(), 2);
    assert_eq!(doc["findings"][0]["projectId"], OTHER_PROJECT);
    assert_eq!(doc["findings"][0]["regionName"], "EUROPE_WEST");
    assert_eq!(authenticated(&emu).len(), 8, "four reads per project");

    emu.clear_requests();
    let dry = run(atlas(&emu, &home).args(["status", "-f", file, "--dry-run"]));
    assert_eq!(dry.code, 0, "{}", dry.stderr);
    assert!(api_requests(&emu).is_empty(), "a dry run sends nothing");
    let curls: Vec<&str> = dry
        .stdout
        .lines()
        .filter(|l| l.starts_with("curl "))
        .collect();
    assert_eq!(curls.len(), 8, "{}", dry.stdout);
    assert!(
        dry.stdout
            .contains(&format!("/groups/{OTHER_PROJECT}/encryptionAtRest"))
    );
    assert!(
        dry.stdout.contains("vnd.atlas.2024-08-05+json"),
        "the clusters list's version"
    );
}

#[test]
fn configuration_credentials_never_reach_any_output_even_at_vv() {
    let emu = emulator();
    configure(&emu, PROJECT, true);
    clusters(&emu);
    emu.seed_endpoint(PROJECT, "AZURE", "US_CENTRAL", "PENDING_ACCEPTANCE");
    let home = scratch_home();
    for args in [
        vec!["status", "-vv"],
        vec!["status", "-vv", "-o", "json"],
        vec!["status", "-vv", "-o", "plain", "--provider", "azure"],
    ] {
        let out = run(atlas(&emu, &home).args(&args));
        assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
        assert!(
            out.stderr.contains("/encryptionAtRest"),
            "the configuration was read and traced: {}",
            out.stderr
        );
        assert_no_credentials(&out);
    }
}

#[test]
fn bad_input_is_refused_before_any_request() {
    let emu = emulator();
    let home = scratch_home();
    let missing = home.path().join("nowhere.toml");
    let out = run(atlas(&emu, &home).args(["status", "-f", missing.to_str().unwrap()]));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("nowhere.toml"), "{}", out.stderr);
    let out = run(bare(&home).args(["status", "--base-url", &emu.base_url()]));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("MONGODB_ATLAS_PROJECT_ID"),
        "{}",
        out.stderr
    );
    assert!(api_requests(&emu).is_empty());
}

#[test]
fn a_provider_without_keys_whose_list_is_refused_is_shown_empty_but_one_with_keys_fails() {
    let refuse_lists = |emu: &Emulator| {
        emu.inject(Fault {
            route: Route::List,
            kind: FaultKind::Status {
                status: 400,
                retry_after: None,
            },
            count: 2,
        })
    };
    let emu = emulator();
    emu.seed_cluster(PROJECT, "orders", &[("AWS", "US_EAST_1")])
        .unwrap();
    refuse_lists(&emu);
    let home = scratch_home();
    let out = run(atlas(&emu, &home).args(["status", "--exit-code", "-o", "json"]));
    assert_eq!(out.code, 0, "no keys, nothing to list: {}", out.stderr);
    let doc = json(&out.stdout);
    for provider in doc["projects"][0]["providers"].as_array().unwrap() {
        assert_eq!(provider["encryptionEnabled"], false);
        assert_eq!(provider["endpoints"], json!([]));
        assert!(
            provider["listError"].as_str().unwrap().contains("HTTP 400"),
            "{provider}"
        );
    }
    assert!(
        out.stderr.contains(&format!(
            "note: {PROJECT} AZURE: the endpoints could not be listed"
        )),
        "{}",
        out.stderr
    );

    configure(&emu, PROJECT, true);
    refuse_lists(&emu);
    let out = run(atlas(&emu, &home).args(["status", "-o", "json"]));
    assert_eq!(
        out.code, 5,
        "a provider with keys must be listed: {}",
        out.stderr
    );
    assert!(
        out.stderr.contains("endpoints of project"),
        "{}",
        out.stderr
    );
    assert_eq!(out.stdout, "");
}

#[test]
fn provider_all_shows_both_providers_and_a_named_provider_only_its_own() {
    let emu = emulator();
    configure(&emu, PROJECT, true);
    clusters(&emu);
    let home = scratch_home();
    let providers_shown = |args: &[&str]| {
        let out = run(atlas(&emu, &home).args(["status", "-o", "json"]).args(args));
        assert_eq!(out.code, 0, "{}", out.stderr);
        let doc = json(&out.stdout);
        let shown: Vec<String> = doc["projects"][0]["providers"]
            .as_array()
            .expect("a providers array")
            .iter()
            .map(|p| p["provider"].as_str().unwrap_or_default().to_string())
            .collect();
        shown
    };
    assert_eq!(providers_shown(&[]), ["AWS", "AZURE"]);
    assert_eq!(providers_shown(&["--provider", "all"]), ["AWS", "AZURE"]);
    assert_eq!(providers_shown(&["--provider", "azure"]), ["AZURE"]);
}
