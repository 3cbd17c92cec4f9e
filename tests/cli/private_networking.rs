//! `private-networking enable|disable` against the emulator: the exact PATCH body from the
//! request log, refusals before any PATCH (endpoints present, no customer key), the ordered
//! teardown of `--delete-endpoints`, the no-op, `--yes` off a terminal, the result in every
//! output mode, and no credential of the configuration in any output.

use crate::common;
use common::*;
use serde_json::json;

const AWS_ACCESS_KEY_ID: &str = "AKIAPRIVNETTESTKEY01";
const AWS_SECRET: &str = "wJalrXUtnFEMI-privnet-secret-access-key";
const AZURE_CLIENT_ID: &str = "3f0c9a4e-privnet-client-id";
const AZURE_SECRET: &str = "azure-privnet-client-secret-value";

pub(crate) fn encryption_path() -> String {
    format!("/api/atlas/v2/groups/{PROJECT}/encryptionAtRest")
}

/// Customer-key encryption for both providers, with credentials, and private networking as given.
pub(crate) fn seed_keys(emu: &Emulator, aws_required: bool, azure_required: bool) {
    let document = json!({
        "awsKms": {
            "enabled": true, "requirePrivateNetworking": aws_required,
            "region": "US_EAST_1", "customerMasterKeyID": "arn:aws:kms:us-east-1:1:key/privnet",
            "accessKeyID": AWS_ACCESS_KEY_ID, "secretAccessKey": AWS_SECRET
        },
        "azureKeyVault": {
            "enabled": true, "requirePrivateNetworking": azure_required,
            "azureEnvironment": "AZURE", "keyVaultName": "vault-privnet",
            "resourceGroupName": "rg-privnet", "subscriptionID": "sub-privnet",
            "tenantID": "tenant-privnet", "keyIdentifier": "https://vault-privnet.vault.azure.net/keys/k/1",
            "clientID": AZURE_CLIENT_ID, "secret": AZURE_SECRET
        }
    });
    emu.seed_encryption(PROJECT, &document).unwrap();
}

/// The authenticated requests, as "METHOD PATH" in arrival order.
fn sent(emu: &Emulator) -> Vec<String> {
    api_requests(emu)
        .iter()
        .filter(|r| r.is_authenticated())
        .map(|r| format!("{} {}", r.method, r.path))
        .collect()
}

pub(crate) fn patches(emu: &Emulator) -> Vec<LoggedRequest> {
    api_requests(emu)
        .into_iter()
        .filter(|r| r.method == "PATCH" && r.is_authenticated())
        .collect()
}

pub(crate) fn required(emu: &Emulator, key: &str) -> bool {
    emu.encryption(PROJECT)[key]["requirePrivateNetworking"] == true
}

#[test]
fn enable_sends_one_get_then_a_patch_of_the_flag_alone() {
    let emu = emulator();
    seed_keys(&emu, false, false);
    let home = scratch_home();
    let out = run(atlas(&emu, &home).args(["private-networking", "enable", "--yes", "-o", "json"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc = json(&out.stdout);
    assert_eq!(
        doc,
        json!({"projectId": PROJECT, "provider": "AWS",
               "requirePrivateNetworking": {"from": false, "to": true},
               "changed": true, "deletedEndpoints": []})
    );
    assert!(out.stderr.contains("now required"), "{}", out.stderr);
    assert_eq!(
        sent(&emu),
        [
            format!("GET {}", encryption_path()),
            format!("PATCH {}", encryption_path())
        ]
    );
    let patch = &patches(&emu)[0];
    assert_eq!(
        patch.body,
        r#"{"awsKms":{"requirePrivateNetworking":true}}"#
    );
    assert_eq!(patch.status, 200);
    assert!(required(&emu, "awsKms"));
    assert!(
        !required(&emu, "azureKeyVault"),
        "the other provider is left alone"
    );
}

#[test]
fn disable_lists_the_endpoints_then_patches_the_flag_alone() {
    let emu = emulator();
    seed_keys(&emu, true, true);
    emu.seed_endpoint(PROJECT, "AWS", "US_EAST_1", "ACTIVE"); // the other provider's: no matter
    let home = scratch_home();
    let out = run(atlas(&emu, &home).args([
        "private-networking",
        "disable",
        "--provider",
        "azure",
        "--yes",
        "-o",
        "plain",
    ]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stdout,
        format!("PROJECT\tPROVIDER\tFROM\tTO\tCHANGE\n{PROJECT}\tAZURE\ttrue\tfalse\tpatched\n")
    );
    assert_eq!(
        sent(&emu),
        [
            format!("GET {}", encryption_path()),
            format!("GET {}", collection_path("AZURE")),
            format!("PATCH {}", encryption_path())
        ]
    );
    assert_eq!(
        patches(&emu)[0].body,
        r#"{"azureKeyVault":{"requirePrivateNetworking":false}}"#
    );
    assert!(!required(&emu, "azureKeyVault"));
    assert!(required(&emu, "awsKms"));
}

#[test]
fn disable_while_endpoints_exist_is_refused_before_any_patch_and_names_them() {
    let emu = emulator();
    seed_keys(&emu, true, false);
    let active = emu.seed_endpoint(PROJECT, "AWS", "US_EAST_1", "ACTIVE");
    let failed = emu.seed_endpoint(PROJECT, "AWS", "EU_WEST_1", "FAILED");
    let home = scratch_home();
    let out = run(atlas(&emu, &home).args(["private-networking", "disable", "--yes"]));
    assert_eq!(out.code, 11, "{}", out.stderr);
    assert_eq!(out.stdout, "");
    for line in [
        format!("US_EAST_1  {active}  ACTIVE"),
        format!("EU_WEST_1  {failed}  FAILED"),
    ] {
        assert!(out.stderr.contains(&line), "{line} in {}", out.stderr);
    }
    assert!(out.stderr.contains("--delete-endpoints"), "{}", out.stderr);
    assert!(patches(&emu).is_empty(), "no PATCH: {:?}", sent(&emu));
    assert!(required(&emu, "awsKms"));
}

#[test]
fn delete_endpoints_deletes_each_lists_until_none_is_left_then_patches() {
    let emu = emulator_with(|c| c.settle_after = std::time::Duration::from_millis(300));
    seed_keys(&emu, true, false);
    let ids = [
        emu.seed_endpoint(PROJECT, "AWS", "US_EAST_1", "ACTIVE"),
        emu.seed_endpoint(PROJECT, "AWS", "EU_WEST_1", "PENDING_ACCEPTANCE"),
        emu.seed_endpoint(PROJECT, "AWS", "AP_SOUTH_1", "DELETING"),
    ];
    let home = scratch_home();
    let out = run(atlas(&emu, &home).args([
        "private-networking",
        "disable",
        "--delete-endpoints",
        "--yes",
        "--interval",
        "50ms",
        "--timeout",
        "60s",
        "-o",
        "json",
    ]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc = json(&out.stdout);
    assert_eq!(doc["changed"], true);
    assert_eq!(doc["requirePrivateNetworking"]["to"], false);
    let deleted: Vec<&str> = doc["deletedEndpoints"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap())
        .collect();
    assert_eq!(deleted.len(), 3);
    for id in &ids {
        assert!(deleted.contains(&id.as_str()), "{id} in {doc}");
    }

    let sent = sent(&emu);
    let list = format!("GET {}", collection_path("AWS"));
    assert_eq!(sent[0], format!("GET {}", encryption_path()));
    assert_eq!(sent[1], list);
    // One DELETE per endpoint not already DELETING, before anything else changes.
    let deletes: Vec<String> = ids[..2]
        .iter()
        .map(|id| format!("DELETE {}/{id}", collection_path("AWS")))
        .collect();
    assert_eq!(sent[2..4], deletes[..]);
    // Then only lists, one per round, until none is left; the PATCH comes last.
    let rounds = &sent[4..sent.len() - 1];
    assert!(!rounds.is_empty());
    assert!(rounds.iter().all(|r| *r == list), "{sent:?}");
    assert_eq!(
        sent.last().unwrap(),
        &format!("PATCH {}", encryption_path())
    );
    let patch = &patches(&emu)[0];
    assert_eq!(
        patch.body,
        r#"{"awsKms":{"requirePrivateNetworking":false}}"#
    );
    assert_eq!(patch.status, 200, "Atlas takes it: no endpoint is left");
    assert!(emu.endpoints(PROJECT, "AWS").is_empty());
    assert!(!required(&emu, "awsKms"));
    assert!(out.stderr.contains("deleted"), "progress: {}", out.stderr);
}

#[test]
fn delete_endpoints_that_never_go_times_out_without_a_patch() {
    let emu = emulator(); // DELETING lasts ten minutes
    seed_keys(&emu, true, false);
    emu.seed_endpoint(PROJECT, "AWS", "US_EAST_1", "ACTIVE");
    let home = scratch_home();
    let out = run(atlas(&emu, &home).args([
        "private-networking",
        "disable",
        "--delete-endpoints",
        "--yes",
        "--interval",
        "50ms",
        "--timeout",
        "1s",
    ]));
    assert_eq!(out.code, 7, "{}", out.stderr);
    assert!(out.stderr.contains("no PATCH was sent"), "{}", out.stderr);
    assert!(patches(&emu).is_empty());
    assert!(required(&emu, "awsKms"));
}

#[test]
fn enable_without_a_customer_key_is_refused_with_the_reason() {
    let emu = emulator(); // nothing configured
    let home = scratch_home();
    let out = run(atlas(&emu, &home).args([
        "private-networking",
        "enable",
        "--provider",
        "azure",
        "--yes",
    ]));
    assert_eq!(out.code, 11, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("customer-key encryption is not enabled for AZURE"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("azureKeyVault.enabled is false"),
        "{}",
        out.stderr
    );
    assert_eq!(sent(&emu), [format!("GET {}", encryption_path())]);
}

#[test]
fn already_in_the_wanted_state_sends_no_patch_and_needs_no_yes() {
    let emu = emulator();
    seed_keys(&emu, true, false);
    let home = scratch_home();
    let out = run(atlas(&emu, &home).args(["private-networking", "enable"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains("is already required") && out.stdout.contains("nothing was sent"),
        "{}",
        out.stdout
    );
    let out = run(atlas(&emu, &home).args([
        "private-networking",
        "disable",
        "--provider",
        "azure",
        "-q",
    ]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, "", "-q: no endpoint was deleted");
    assert!(patches(&emu).is_empty());
    assert!(sent(&emu).iter().all(|r| r.starts_with("GET ")));
}

#[test]
fn off_a_terminal_it_needs_yes_and_sends_no_patch() {
    let emu = emulator();
    seed_keys(&emu, false, false);
    let home = scratch_home();
    let out = run(atlas(&emu, &home).args(["private-networking", "enable"]));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("--yes"), "{}", out.stderr);
    assert!(patches(&emu).is_empty());
    assert!(!required(&emu, "awsKms"));
}

#[test]
fn the_result_as_a_table_and_through_jq() {
    let emu = emulator();
    seed_keys(&emu, false, false);
    let home = scratch_home();
    let out = run(atlas(&emu, &home).args(["private-networking", "enable", "--yes"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    insta::assert_snapshot!(out.stdout);
    let out = run(atlas(&emu, &home).args([
        "private-networking",
        "enable",
        "--jq",
        ".requirePrivateNetworking.to",
    ]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, "true\n");
}

#[test]
fn no_credential_of_the_configuration_reaches_any_output() {
    let emu = emulator();
    seed_keys(&emu, false, true);
    let home = scratch_home();
    let runs = [
        run(atlas(&emu, &home).args(["private-networking", "enable", "--yes", "-vv"])),
        run(atlas(&emu, &home).args([
            "private-networking",
            "disable",
            "--provider",
            "azure",
            "--yes",
            "-vv",
            "-o",
            "json",
        ])),
        run(atlas(&emu, &home).args(["private-networking", "enable", "-vv", "-o", "plain"])),
    ];
    for out in &runs {
        assert_eq!(out.code, 0, "{}", out.stderr);
        assert!(
            out.stderr.contains("encryptionAtRest"),
            "traced: {}",
            out.stderr
        );
        for secret in [AWS_ACCESS_KEY_ID, AWS_SECRET, AZURE_CLIENT_ID, AZURE_SECRET] {
            assert!(
                !out.stdout.contains(secret) && !out.stderr.contains(secret),
                "{secret} leaked:\n{}\n{}",
                out.stdout,
                out.stderr
            );
        }
    }
    for patch in patches(&emu) {
        assert!(!patch.body.contains("accessKeyID") && !patch.body.contains("clientID"));
    }
}

#[test]
fn a_delete_that_fails_stops_the_teardown_before_the_patch() {
    let emu = emulator();
    seed_keys(&emu, true, false);
    let id = emu.seed_endpoint(PROJECT, "AWS", "US_EAST_1", "ACTIVE");
    emu.inject(Fault {
        route: Route::Delete,
        kind: FaultKind::Status {
            status: 409,
            retry_after: None,
        },
        count: 1,
    });
    let home = scratch_home();
    let args = [
        "private-networking",
        "disable",
        "--delete-endpoints",
        "--yes",
    ];
    let out = run(atlas(&emu, &home).args(args));
    assert_eq!(out.code, 5, "{}", out.stderr);
    assert!(
        out.stderr
            .contains(&format!("deleting endpoint {id} (US_EAST_1) failed"))
            && out.stderr.contains("no PATCH was sent"),
        "{}",
        out.stderr
    );
    assert!(patches(&emu).is_empty());
    assert!(required(&emu, "awsKms"));
}

#[test]
fn quiet_prints_the_ids_deleted_first() {
    let emu = emulator_with(|c| c.settle_after = std::time::Duration::ZERO);
    seed_keys(&emu, false, true);
    let ids = [
        emu.seed_endpoint(PROJECT, "AZURE", "US_CENTRAL", "PENDING_ACCEPTANCE"),
        emu.seed_endpoint(PROJECT, "AZURE", "EUROPE_WEST", "ACTIVE"),
    ];
    let home = scratch_home();
    let out = run(atlas(&emu, &home).args([
        "private-networking",
        "disable",
        "--provider",
        "azure",
        "--delete-endpoints",
        "--yes",
        "--interval",
        "50ms",
        "-q",
    ]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, format!("{}\n{}\n", ids[0], ids[1]));
    assert!(!required(&emu, "azureKeyVault"));
}
