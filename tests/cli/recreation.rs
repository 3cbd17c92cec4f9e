//! Waits that meet PENDING_RECREATION: the endpoint is followed until its replacement settles,
//! by id when Atlas keeps it and by region when the replacement comes under a new id, with
//! one list per round while it is being re-created; the exit code is the replacement's.

use crate::background;
use crate::common;
use background::*;
use common::*;

/// The authenticated requests for one endpoint by id (GET-one polls), answered or not.
fn gets_of(emu: &Emulator, id: &str) -> usize {
    api_requests(emu)
        .iter()
        .filter(|r| r.is_authenticated() && r.path.ends_with(&format!("/{id}")))
        .count()
}

/// Authenticated list requests (the ones a wait sends while following a region).
fn lists(emu: &Emulator) -> usize {
    api_requests(emu)
        .iter()
        .filter(|r| r.is_authenticated() && r.path == collection_path("AWS"))
        .count()
}

/// Starts `wait ID` on an endpoint that is PENDING_RECREATION, lets it poll the recreation
/// twice (a GET, then a list), then lets the emulator move on; returns the finished run.
fn wait_through_recreation(emu: &Emulator, id: &str, extra: &[&str]) -> Run {
    let home = scratch_home();
    let mut args = vec!["wait", id, "--interval", "50ms", "--timeout", "120s"];
    args.extend_from_slice(extra);
    let child = spawn_atlas(emu, &home, &args);
    wait_for_requests(emu, |r| {
        r.iter()
            .filter(|r| r.status == 200 && r.path == collection_path("AWS"))
            .count()
            >= 2
    });
    emu.set_settle_after(std::time::Duration::from_millis(100));
    finish(child)
}

#[test]
fn a_replacement_under_a_new_id_is_followed_by_region_and_named() {
    let emu = emulator(); // nothing moves until the test shortens the settle time
    let old = emu.seed_endpoint(PROJECT, "AWS", "US_EAST_1", "ACTIVE");
    assert!(emu.replace(&old));

    let out = wait_through_recreation(&emu, &old, &["-o", "json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let listed = emu.endpoints(PROJECT, "AWS");
    let new = listed[0]["id"].as_str().unwrap().to_string();
    assert_ne!(new, old);
    let doc = json(&out.stdout);
    assert_eq!(doc["id"], new.as_str(), "the report is the replacement's");
    assert_eq!(doc["status"], "ACTIVE");
    assert!(
        out.stderr.contains(&format!(
            "US_EAST_1 {old}: PENDING_RECREATION: Atlas is re-creating it"
        )),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains(&format!("US_EAST_1 {old}: replaced by {new}")),
        "{}",
        out.stderr
    );

    // One GET found it being re-created; from then on the region was followed with lists, so
    // the old id was never asked for again and nothing was answered 404.
    assert_eq!(gets_of(&emu, &old), 1);
    assert!(lists(&emu) >= 2);
    assert!(api_requests(&emu).iter().all(|r| r.status != 404));
}

#[test]
fn a_recreation_that_keeps_its_id_is_followed_by_id() {
    let emu = emulator();
    let id = emu.seed_endpoint(PROJECT, "AWS", "EU_WEST_1", "ACTIVE");
    assert!(emu.reject(&id));

    let out = wait_through_recreation(&emu, &id, &["-o", "json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc = json(&out.stdout);
    assert_eq!(doc["id"], id.as_str());
    assert_eq!(doc["status"], "ACTIVE");
    assert!(
        out.stderr.contains(&format!(
            "EU_WEST_1 {id}: PENDING_RECREATION: Atlas is re-creating it"
        )),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("replaced by"), "{}", out.stderr);
    // Lists while it was PENDING_RECREATION; GETs of the id before and after.
    assert!(lists(&emu) >= 2);
    assert!(gets_of(&emu, &id) >= 1);
}

#[test]
fn the_exit_code_is_the_replacements() {
    let emu = emulator();
    let old = emu.seed_endpoint(PROJECT, "AWS", "AP_SOUTH_1", "ACTIVE");
    emu.fail_region(
        "AWS",
        "AP_SOUTH_1",
        "No capacity for private endpoints here.",
    );
    assert!(emu.replace(&old));

    let out = wait_through_recreation(&emu, &old, &[]);
    assert_eq!(out.code, 8, "the replacement ended FAILED: {}", out.stderr);
    let new = emu.endpoints(PROJECT, "AWS")[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_ne!(new, old);
    assert!(out.stdout.contains(&new), "{}", out.stdout);
    assert!(
        out.stderr
            .contains(&format!("endpoint AP_SOUTH_1 {new} is FAILED")),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("replaced by"),
        "the report's notes say so: {}",
        out.stderr
    );
}

#[test]
fn apply_follows_a_replacement_by_region_and_reports_the_new_id() {
    let emu = emulator();
    let old = emu.seed_endpoint(PROJECT, "AWS", "US_EAST_1", "ACTIVE");
    assert!(emu.replace(&old));
    let home = scratch_home();
    let file = home.path().join("atlas-ear.toml");
    let declared = format!("[[project]]\nid = \"{PROJECT}\"\naws = [\"US_EAST_1\"]\n");
    std::fs::write(&file, declared).unwrap();
    let args = [
        "apply",
        "-f",
        file.to_str().unwrap(),
        "--yes",
        "--interval",
        "50ms",
        "-o",
        "json",
    ];
    let child = spawn_atlas(&emu, &home, &args);
    wait_for_requests(&emu, |r| {
        r.iter()
            .filter(|r| r.status == 200 && r.path == collection_path("AWS"))
            .count()
            >= 3
    });
    emu.set_settle_after(std::time::Duration::from_millis(100));
    let out = finish(child);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let new = emu.endpoints(PROJECT, "AWS")[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_ne!(new, old);
    let doc = json(&out.stdout);
    assert_eq!(doc["results"][0]["endpointId"], new.as_str(), "{doc}");
    assert_eq!(doc["results"][0]["status"], "ACTIVE", "{doc}");
    assert!(
        out.stderr.contains(&format!("replaced by {new}")),
        "{}",
        out.stderr
    );
    // Nothing was created or deleted by apply, and every read was a list.
    let authenticated: Vec<_> = api_requests(&emu)
        .into_iter()
        .filter(|r| r.is_authenticated())
        .collect();
    assert!(authenticated.iter().all(|r| r.method == "GET"));
    assert!(
        authenticated
            .iter()
            .all(|r| r.path == collection_path("AWS")),
        "lists only"
    );
}

/// The replacement of `old` in the emulator once it is listed with `status`.
fn replacement_when(emu: &Emulator, provider: &str, old: &str, status: &str) -> serde_json::Value {
    let limit = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        let found = emu
            .endpoints(PROJECT, provider)
            .into_iter()
            .find(|e| e["id"] != old && e["status"] == status);
        if let Some(endpoint) = found {
            return endpoint;
        }
        assert!(std::time::Instant::now() < limit, "no replacement {status}");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

#[test]
fn an_azure_replacement_is_approved_again_under_its_own_connection_name() {
    let emu = emulator();
    let old = emu.seed_endpoint(PROJECT, "AZURE", "US_CENTRAL", "PENDING_ACCEPTANCE");
    let home = scratch_home();
    let args = [
        "wait",
        &old,
        "--for",
        "active",
        "--provider",
        "azure",
        "--interval",
        "50ms",
        "--timeout",
        "120s",
    ];
    let child = spawn_atlas(&emu, &home, &args);
    // Seen awaiting approval (its step printed), then rejected on the Azure side.
    wait_for_requests(&emu, |r| r.iter().filter(|r| r.status == 200).count() >= 2);
    assert!(emu.replace(&old));
    wait_for_requests(&emu, |r| {
        r.iter()
            .any(|r| r.status == 200 && r.path == collection_path("AZURE"))
    });
    emu.set_settle_after(std::time::Duration::from_millis(100));
    let new = replacement_when(&emu, "AZURE", &old, "PENDING_ACCEPTANCE");
    let new_id = new["id"].as_str().unwrap().to_string();
    let new_name = new["privateEndpointConnectionName"].as_str().unwrap();
    let seen = api_requests(&emu).len();
    wait_for_requests(&emu, |r| r.len() >= seen + 2);
    assert!(emu.approve(&new_id));
    let out = finish(child);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains(&new_id) && out.stdout.contains("ACTIVE"),
        "{}",
        out.stdout
    );
    // After the replacement appears, its own approval command names its own connection.
    let after_replacement = out
        .stderr
        .split_once(&format!("replaced by {new_id}"))
        .map(|(_, rest)| rest)
        .unwrap_or_default();
    assert!(
        after_replacement.contains(&format!("US_CENTRAL {new_id}: approve the private endpoint connection"))
            && after_replacement.contains(&format!(
                "az keyvault private-endpoint-connection approve --resource-group <resource-group> --vault-name <key-vault-name> --name {new_name}"
            )),
        "the replacement's own approval step: {}",
        out.stderr
    );
}
