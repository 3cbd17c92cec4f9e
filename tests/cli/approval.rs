//! The Azure approval step as a runnable `az` command: printed on stderr wherever an endpoint is
//! left PENDING_ACCEPTANCE (`create --wait`, `wait`, `apply`, `status`), built from the project's
//! `azureKeyVault` configuration, with placeholders where a value is unknown, and costing one GET
//! of the configuration only when some endpoint awaits approval.

use crate::common;
use crate::status::{assert_no_credentials, configure};
use common::*;
use std::time::Duration;

const FAST: &[&str] = &["--interval", "50ms", "--timeout", "60s"];

const FULL_COMMAND: &str = "az keyvault private-endpoint-connection approve --resource-group 'rg prod' --vault-name kv-orders --name ";
const SUBSCRIPTION: &str = " --subscription 0ac4c8d2-0000-4000-8000-00000000000a";

fn quick() -> Emulator {
    emulator_with(|c| c.settle_after = Duration::from_millis(200))
}

fn config_reads(emu: &Emulator) -> usize {
    api_requests(emu)
        .iter()
        .filter(|r| r.is_authenticated() && r.path.ends_with("/encryptionAtRest"))
        .count()
}

fn connection_name(emu: &Emulator, provider: &str) -> String {
    emu.endpoints(PROJECT, provider)[0]["privateEndpointConnectionName"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn create_wait_prints_the_exact_command_from_the_vault_details() {
    let emu = quick();
    configure(&emu, PROJECT, true);
    let home = scratch_home();
    let out = run(atlas(&emu, &home)
        .args([
            "create",
            "--provider",
            "azure",
            "--region",
            "US_CENTRAL",
            "--wait",
            "-vv",
        ])
        .args(FAST));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let name = connection_name(&emu, "AZURE");
    let command = format!("{FULL_COMMAND}{name}{SUBSCRIPTION}");
    let line = out
        .stderr
        .lines()
        .find(|l| l.trim_start().starts_with("az keyvault"))
        .unwrap_or_else(|| panic!("no az command: {}", out.stderr));
    assert_eq!(
        line.trim(),
        command,
        "on a line of its own, runnable as it is"
    );
    assert!(
        !out.stdout.contains("az keyvault"),
        "stdout is the result only"
    );
    assert!(!out.stderr.contains("<resource-group>"), "{}", out.stderr);
    assert_eq!(config_reads(&emu), 1, "one GET of the configuration");
    assert_no_credentials(&out);
}

#[test]
fn missing_vault_details_become_placeholders_and_are_named() {
    let emu = quick();
    // Azure keys configured without the vault's resource group and subscription known: a
    // project whose configuration has only AWS.
    emu.seed_encryption(
        PROJECT,
        &serde_json::json!({"awsKms": {"enabled": true, "region": "US_EAST_1", "customerMasterKeyID": "k"}}),
    )
    .unwrap();
    let id = emu.seed_endpoint(PROJECT, "AZURE", "US_CENTRAL", "PENDING_ACCEPTANCE");
    let home = scratch_home();
    let out = run(atlas(&emu, &home)
        .args(["wait", &id, "--provider", "azure"])
        .args(FAST));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let name = connection_name(&emu, "AZURE");
    let expected = format!(
        "az keyvault private-endpoint-connection approve --resource-group <resource-group> --vault-name <key-vault-name> --name {name} --subscription <subscription-id>"
    );
    assert!(out.stderr.contains(&expected), "{}", out.stderr);
    for field in ["resourceGroupName", "keyVaultName", "subscriptionID"] {
        assert!(
            out.stderr.contains(&format!(
                "{field} of the project's azureKeyVault configuration is not set"
            )),
            "{field}: {}",
            out.stderr
        );
    }
    assert_eq!(config_reads(&emu), 1);
}

#[test]
fn a_configuration_that_cannot_be_read_leaves_placeholders_and_says_why() {
    let emu = quick();
    emu.inject(Fault {
        route: Route::GetEncryptionAtRest,
        kind: FaultKind::Status {
            status: 403,
            retry_after: None,
        },
        count: 10,
    });
    let id = emu.seed_endpoint(PROJECT, "AZURE", "US_EAST_2", "PENDING_ACCEPTANCE");
    let home = scratch_home();
    let out = run(atlas(&emu, &home)
        .args(["wait", &id, "--provider", "azure"])
        .args(FAST));
    assert_eq!(
        out.code, 0,
        "the endpoint is settled; the step is still given: {}",
        out.stderr
    );
    assert!(
        out.stderr.contains("--resource-group <resource-group>"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("could not be read (HTTP 403"),
        "{}",
        out.stderr
    );
}

#[test]
fn runs_without_an_endpoint_awaiting_approval_read_no_configuration() {
    let emu = quick();
    configure(&emu, PROJECT, true);
    let home = scratch_home();
    let aws = run(atlas(&emu, &home)
        .args(["create", "--region", "US_EAST_1", "--wait"])
        .args(FAST));
    assert_eq!(aws.code, 0, "{}", aws.stderr);
    let id = emu.seed_endpoint(PROJECT, "AZURE", "US_CENTRAL", "ACTIVE");
    let active = run(atlas(&emu, &home)
        .args(["wait", &id, "--provider", "azure"])
        .args(FAST));
    assert_eq!(active.code, 0, "{}", active.stderr);
    assert_eq!(config_reads(&emu), 0, "no extra request");
    assert!(!aws.stderr.contains("az keyvault") && !active.stderr.contains("az keyvault"));
}

#[test]
fn apply_and_status_give_the_command_too() {
    let emu = quick();
    configure(&emu, PROJECT, true);
    let home = scratch_home();
    let file = home.path().join("atlas-ear.toml");
    std::fs::write(
        &file,
        format!("[[project]]\nid = \"{PROJECT}\"\nazure = [\"US_CENTRAL\", \"EUROPE_WEST\"]\n"),
    )
    .unwrap();
    let out = run(atlas(&emu, &home).args([
        "apply",
        "-f",
        file.to_str().unwrap(),
        "--yes",
        "--interval",
        "50ms",
        "-vv",
    ]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let commands: Vec<&str> = out
        .stderr
        .lines()
        .filter(|l| l.trim_start().starts_with(FULL_COMMAND))
        .collect();
    assert_eq!(commands.len(), 2, "one per endpoint: {}", out.stderr);
    assert_eq!(config_reads(&emu), 1, "one GET for the project");
    assert_no_credentials(&out);

    emu.clear_requests();
    let status = run(atlas(&emu, &home).args(["status", "--provider", "azure", "-o", "json"]));
    assert_eq!(status.code, 0, "{}", status.stderr);
    let doc = json(&status.stdout);
    let approvals = doc["projects"][0]["providers"][0]["approvals"]
        .as_array()
        .unwrap();
    assert_eq!(approvals.len(), 2, "{doc}");
    for approval in approvals {
        let name = approval["privateEndpointConnectionName"].as_str().unwrap();
        assert_eq!(
            approval["command"],
            format!("{FULL_COMMAND}{name}{SUBSCRIPTION}")
        );
        assert_eq!(approval["placeholders"], serde_json::Value::Null);
        assert!(status.stderr.contains(name), "{}", status.stderr);
    }
    assert_eq!(config_reads(&emu), 1, "status reads the configuration once");
}

#[test]
fn wait_for_active_gives_the_command_while_it_keeps_waiting() {
    let emu = quick();
    configure(&emu, PROJECT, true);
    let id = emu.seed_endpoint(PROJECT, "AZURE", "US_CENTRAL", "PENDING_ACCEPTANCE");
    let home = scratch_home();
    let out = run(atlas(&emu, &home).args([
        "wait",
        &id,
        "--provider",
        "azure",
        "--for",
        "active",
        "--interval",
        "50ms",
        "--timeout",
        "2s",
    ]));
    assert_eq!(
        out.code, 7,
        "still awaiting approval at the timeout: {}",
        out.stderr
    );
    let name = connection_name(&emu, "AZURE");
    let command = format!("{FULL_COMMAND}{name}{SUBSCRIPTION}");
    let said_while_waiting = out
        .stderr
        .find(&format!("US_CENTRAL {id}: approve"))
        .unwrap_or_else(|| panic!("no announcement: {}", out.stderr));
    let timed_out = out
        .stderr
        .find("timed out")
        .expect("the timeout is reported");
    assert!(said_while_waiting < timed_out, "{}", out.stderr);
    assert_eq!(
        out.stderr.matches(&command).count(),
        2,
        "announced once while waiting, repeated in the report: {}",
        out.stderr
    );
    assert_eq!(config_reads(&emu), 1, "one read for the whole wait");
}
