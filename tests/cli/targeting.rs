//! Addressing endpoints other than by one id: `delete` of several ids (one prompt, every outcome
//! reported), `delete --region` and `wait --region` (one list finds the endpoint), and `wait
//! --all` (one list finds every unsettled endpoint, then one list per round).

use crate::background::*;
use crate::common;
use common::*;
use std::time::Duration;

const MISSING: &str = "aaaaaaaaaaaaaaaaaaaaaaaa";

#[test]
fn delete_of_several_ids_reports_each_and_exits_with_the_first_failure() {
    let emu = emulator();
    let first = emu.seed_endpoint(PROJECT, "AWS", "EU_WEST_1", "ACTIVE");
    let second = emu.seed_endpoint(PROJECT, "AWS", "US_EAST_1", "FAILED");
    let home = scratch_home();
    let out = run(atlas(&emu, &home).args([
        "delete",
        &first,
        MISSING,
        &second,
        "--yes",
        "--provider",
        "aws",
    ]));
    assert_eq!(out.code, 4, "{}", out.stderr);
    for id in [&first, &second] {
        assert!(
            out.stdout
                .contains(&format!("Deletion requested for AWS private endpoint {id}")),
            "{}",
            out.stdout
        );
    }
    assert!(
        out.stderr.contains(&format!(
            "error: {MISSING}: endpoint {MISSING} does not exist under AWS"
        )),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("1 of 3 endpoints did not succeed"),
        "{}",
        out.stderr
    );
    assert_eq!(
        sent(&emu),
        ["DELETE AWS 204", "DELETE AWS 404", "DELETE AWS 204"]
    );
    assert!(
        emu.endpoints(PROJECT, "AWS")
            .iter()
            .all(|e| e["status"] == "DELETING")
    );

    // The same ids again, for scripts: plain has one header, -q the ids deleted, json nothing.
    let emu = emulator();
    let a = emu.seed_endpoint(PROJECT, "AWS", "EU_WEST_1", "ACTIVE");
    let b = emu.seed_endpoint(PROJECT, "AWS", "US_EAST_1", "ACTIVE");
    let out = run(atlas(&emu, &home).args(["delete", &a, &b, "--yes", "-o", "plain"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stdout,
        format!("ID\tSTATUS\n{a}\tDELETING\n{b}\tDELETING\n")
    );
}

#[cfg(target_os = "linux")]
#[test]
fn delete_of_several_ids_asks_once_showing_region_and_status() {
    let emu = emulator();
    let aws = emu.seed_endpoint(PROJECT, "AWS", "EU_WEST_1", "ACTIVE");
    let azure = emu.seed_endpoint(PROJECT, "AZURE", "US_EAST", "PENDING_ACCEPTANCE");
    let home = scratch_home();
    let (code, text) = crate::terminal::on_terminal(&emu, &home, &["delete", &aws, &azure], "y\n");
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("Delete these 2 private endpoints"), "{text}");
    assert!(
        text.contains(&format!("{aws} (AWS EU_WEST_1, ACTIVE)")),
        "{text}"
    );
    assert!(
        text.contains(&format!("{azure} (AZURE US_EAST, PENDING_ACCEPTANCE)")),
        "{text}"
    );
    assert_eq!(text.matches("[y/N]").count(), 1, "one prompt: {text}");
    // One list finds both under AWS and, for the one AWS lacks, one list under AZURE.
    assert_eq!(
        sent(&emu),
        [
            "GET AWS list 200",
            "GET AZURE list 200",
            "DELETE AWS 204",
            "DELETE AZURE 204"
        ]
    );
}

#[test]
fn delete_by_region_finds_the_endpoint_with_one_list() {
    let emu = emulator();
    let kept = emu.seed_endpoint(PROJECT, "AWS", "US_EAST_1", "ACTIVE");
    let doomed = emu.seed_endpoint(PROJECT, "AWS", "EU_WEST_1", "ACTIVE");
    let home = scratch_home();
    let out = run(atlas(&emu, &home).args(["delete", "--region", "eu-west-1", "--yes", "-q"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, format!("{doomed}\n"));
    assert_eq!(sent(&emu), ["GET AWS list 200", "DELETE AWS 204"]);
    let deleted = api_requests(&emu)
        .into_iter()
        .find(|r| r.method == "DELETE")
        .unwrap();
    assert!(deleted.path.ends_with(&doomed));
    assert!(!deleted.path.ends_with(&kept));
}

#[test]
fn an_azure_region_without_provider_is_looked_for_under_azure() {
    let emu = emulator();
    let id = emu.seed_endpoint(PROJECT, "AZURE", "EUROPE_WEST", "ACTIVE");
    let home = scratch_home();
    let out = run(atlas(&emu, &home).args(["delete", "--region", "West Europe", "--yes"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains(&id), "{}", out.stdout);
    assert_eq!(sent(&emu), ["GET AZURE list 200", "DELETE AZURE 204"]);
}

#[test]
fn a_region_without_an_endpoint_is_not_found_and_several_are_refused() {
    let emu = emulator();
    emu.seed_endpoint(PROJECT, "AWS", "US_EAST_1", "DELETING");
    let home = scratch_home();
    let out = run(atlas(&emu, &home).args(["delete", "--region", "US_EAST_1", "--yes"]));
    assert_eq!(out.code, 4, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("no endpoint other than DELETING ones in AWS US_EAST_1"),
        "{}",
        out.stderr
    );
    assert_eq!(sent(&emu), ["GET AWS list 200"]);

    let emu = emulator();
    let one = emu.seed_endpoint(PROJECT, "AWS", "EU_WEST_1", "ACTIVE");
    let two = emu.seed_endpoint(PROJECT, "AWS", "EU_WEST_1", "FAILED");
    let out = run(atlas(&emu, &home).args(["delete", "--region", "EU_WEST_1", "--yes"]));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("2 endpoints are in that region"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains(&one) && out.stderr.contains(&two),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("by its id"), "{}", out.stderr);
    assert_eq!(sent(&emu), ["GET AWS list 200"], "nothing deleted");
}

#[test]
fn wait_by_region_costs_one_list_when_settled() {
    let emu = emulator();
    let id = emu.seed_endpoint(PROJECT, "AZURE", "US_EAST_2", "PENDING_ACCEPTANCE");
    let home = scratch_home();
    let out =
        run(atlas(&emu, &home).args(["wait", "--region", "eastus2", "--provider", "azure", "-q"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, format!("{id}\n"));
    // The endpoint awaits approval: one read of the configuration gives the `az` command.
    assert_eq!(sent(&emu), ["GET AZURE list 200", "GET config 200"]);

    let out = run(atlas(&emu, &home).args(["wait", "--region", "EU_WEST_1"]));
    assert_eq!(out.code, 4, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("no endpoint other than DELETING ones in AWS EU_WEST_1"),
        "{}",
        out.stderr
    );
    assert_eq!(
        sent(&emu),
        ["GET AZURE list 200", "GET config 200", "GET AWS list 200"]
    );
}

#[test]
fn wait_all_waits_for_every_unsettled_endpoint_with_lists_only() {
    let emu = emulator();
    let settled = emu.seed_endpoint(PROJECT, "AWS", "US_EAST_1", "ACTIVE");
    let first = emu.seed_endpoint(PROJECT, "AWS", "EU_WEST_1", "INITIATING");
    let second = emu.seed_endpoint(PROJECT, "AWS", "AP_SOUTH_1", "INITIATING");
    let home = scratch_home();
    let child = spawn_atlas(
        &emu,
        &home,
        &[
            "wait",
            "--all",
            "--interval",
            "50ms",
            "--timeout",
            "120s",
            "-o",
            "json",
        ],
    );
    // The finding list and at least one round see them INITIATING; then they settle.
    wait_for_requests(&emu, |r| r.iter().filter(|r| r.status == 200).count() >= 2);
    emu.set_settle_after(Duration::from_millis(1));
    let out = finish(child);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc = json(&out.stdout);
    let ids: Vec<&str> = doc["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 2, "{doc}");
    assert!(
        ids.contains(&first.as_str()) && ids.contains(&second.as_str()),
        "{doc}"
    );
    assert!(
        !ids.contains(&settled.as_str()),
        "a settled endpoint is not waited for"
    );
    let requests = sent(&emu);
    assert!(requests.len() >= 2, "{requests:?}");
    assert!(
        requests.iter().all(|r| r == "GET AWS list 200"),
        "{requests:?}"
    );
}

#[test]
fn wait_all_with_nothing_to_wait_for_ends_at_once() {
    let emu = emulator();
    emu.seed_endpoint(PROJECT, "AWS", "US_EAST_1", "ACTIVE");
    let home = scratch_home();
    let out = run(atlas(&emu, &home).args(["wait", "--all", "-o", "json"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(json(&out.stdout)["results"], serde_json::json!([]));
    assert!(out.stderr.contains("nothing to wait for"), "{}", out.stderr);
    assert_eq!(sent(&emu), ["GET AWS list 200"]);

    let out = run(atlas(&emu, &home).args(["wait", "--all", MISSING]));
    assert_eq!(out.code, 2, "ids and --all together: {}", out.stderr);
}

/// Unix only: Ctrl-C is sent with `kill` (see `interrupt.rs`).
#[cfg(unix)]
#[test]
fn ctrl_c_between_deletions_sends_no_more_and_reports_every_id() {
    let emu = emulator_with(|c| c.latency = Duration::from_secs(3));
    let ids: Vec<String> = ["EU_WEST_1", "US_EAST_1", "AP_SOUTH_1"]
        .iter()
        .map(|region| emu.seed_endpoint(PROJECT, "AWS", region, "ACTIVE"))
        .collect();
    let home = scratch_home();
    let mut args = vec!["delete", "--yes", "--provider", "aws"];
    args.extend(ids.iter().map(String::as_str));
    let child = spawn_atlas(&emu, &home, &args);
    wait_for_requests(&emu, |r| {
        r.iter()
            .any(|r| r.method == "DELETE" && r.is_authenticated())
    });
    interrupt(&child);
    let out = finish(child);
    assert_eq!(out.code, 130, "{}", out.stderr);
    assert!(
        out.stderr.contains(&format!(
            "error: {}: interrupted while the deletion request was in flight",
            ids[0]
        )),
        "{}",
        out.stderr
    );
    for id in &ids[1..] {
        assert!(
            out.stderr.contains(&format!(
                "error: {id}: interrupted before the deletion request was sent"
            )),
            "{}",
            out.stderr
        );
    }
    let deletes = api_requests(&emu)
        .iter()
        .filter(|r| r.method == "DELETE" && r.is_authenticated())
        .count();
    assert_eq!(deletes, 1, "nothing sent after Ctrl-C");
}

#[test]
fn wait_by_region_with_several_endpoints_waits_for_each_and_says_so() {
    let emu = emulator();
    let one = emu.seed_endpoint(PROJECT, "AWS", "EU_WEST_1", "ACTIVE");
    let two = emu.seed_endpoint(PROJECT, "AWS", "EU_WEST_1", "PENDING_ACCEPTANCE");
    let home = scratch_home();
    let out = run(atlas(&emu, &home).args(["wait", "--region", "EU_WEST_1", "-q"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout.lines().count(), 2, "{}", out.stdout);
    assert!(
        out.stdout.contains(&one) && out.stdout.contains(&two),
        "{}",
        out.stdout
    );
    assert!(
        out.stderr
            .contains("2 endpoints in the region; waiting for each"),
        "{}",
        out.stderr
    );
    assert_eq!(sent(&emu), ["GET AWS list 200"]);
}
