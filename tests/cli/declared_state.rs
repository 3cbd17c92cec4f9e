//! `plan` and `apply` against the emulator, asserting what went over the wire: one list per
//! project and provider to read, no other request from `plan`, no POST or DELETE from a second
//! `apply`, replacements in order, `--prune`, `--exit-code`, and bad files refused before any
//! request.

use crate::common;
use common::*;
use serde_json::Value;
use std::path::PathBuf;
use std::time::Duration;

const THIRD_PROJECT: &str = "6a7b8c9d0e1f2a3b4c5d6e7f";

fn state_file(home: &tempfile::TempDir, text: &str) -> PathBuf {
    let path = home.path().join("atlas-ear.toml");
    std::fs::write(&path, text).unwrap();
    path
}

fn two_projects() -> String {
    format!(
        "[[project]]\nid = \"{PROJECT}\"\naws = [\"US_EAST_1\", \"EU_WEST_1\"]\n\n[[project]]\nid = \"{OTHER_PROJECT}\"\naws = [\"US_EAST_1\"]\nazure = [\"US_CENTRAL\"]\n"
    )
}

fn authenticated(emu: &Emulator, method: &str) -> Vec<LoggedRequest> {
    api_requests(emu)
        .into_iter()
        .filter(|r| r.method == method && r.is_authenticated())
        .collect()
}

/// An emulator whose endpoints settle quickly, so `apply` can wait for them.
fn quick_emulator() -> Emulator {
    emulator_with(|c| c.settle_after = Duration::from_millis(300))
}

fn apply(emu: &Emulator, home: &tempfile::TempDir, file: &std::path::Path, extra: &[&str]) -> Run {
    let file = file.to_str().unwrap();
    let mut args = vec![
        "apply",
        "-f",
        file,
        "--yes",
        "--interval",
        "100ms",
        "-o",
        "json",
    ];
    args.extend_from_slice(extra);
    run(atlas(emu, home).args(&args))
}

#[test]
fn plan_on_empty_projects_reads_one_list_per_project_and_provider_and_sends_nothing_else() {
    let emu = emulator();
    let home = scratch_home();
    let file = state_file(&home, &two_projects());
    let out = run(atlas(&emu, &home).args(["plan", "-f", file.to_str().unwrap(), "-o", "json"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc = json(&out.stdout);
    assert_eq!(doc["summary"]["create"], 4, "{doc}");
    assert_eq!(doc["hasChanges"], true);
    let requests = api_requests(&emu);
    assert!(
        requests.iter().all(|r| r.method == "GET"),
        "plan only reads"
    );
    let lists = authenticated(&emu, "GET");
    assert_eq!(lists.len(), 3, "one list per project and provider");
    assert!(lists.iter().all(|r| r.query.is_some()));
}

#[test]
fn plan_table_reads_like_terraform_and_exit_code_reports_drift() {
    let emu = emulator();
    emu.seed_endpoint(PROJECT, "AWS", "US_EAST_1", "ACTIVE");
    emu.seed_endpoint(PROJECT, "AWS", "EU_WEST_1", "FAILED");
    emu.seed_endpoint(PROJECT, "AWS", "AP_SOUTH_1", "ACTIVE");
    let home = scratch_home();
    let file = state_file(
        &home,
        &format!(
            "[[project]]\nid = \"{PROJECT}\"\naws = [\"US_EAST_1\", \"EU_WEST_1\", \"SA_EAST_1\"]\n"
        ),
    );
    let path = file.to_str().unwrap();
    let out = run(atlas(&emu, &home).args(["plan", "-f", path, "--exit-code"]));
    assert_eq!(out.code, 9, "drift: {}", out.stderr);
    assert!(
        out.stdout.contains("  + create   SA_EAST_1"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("  = keep     US_EAST_1"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("  ~ replace  EU_WEST_1"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("not managed, kept AP_SOUTH_1"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("1 to create, 1 to replace, 0 to delete, 1 unchanged (1 not managed, kept)"),
        "{}",
        out.stdout
    );
    let pruned = run(atlas(&emu, &home).args(["plan", "-f", path, "--prune", "-o", "plain"]));
    assert_eq!(pruned.code, 0, "no --exit-code: drift is not an error");
    assert!(
        pruned.stdout.contains("\tdelete\tAP_SOUTH_1\t"),
        "{}",
        pruned.stdout
    );
    let only_kept = state_file(
        &home,
        &format!("[[project]]\nid = \"{PROJECT}\"\naws = [\"US_EAST_1\"]\n"),
    );
    let clean =
        run(atlas(&emu, &home).args(["plan", "-f", only_kept.to_str().unwrap(), "--exit-code"]));
    assert_eq!(clean.code, 0, "nothing to change: {}", clean.stdout);
}

#[test]
fn apply_from_empty_converges_and_a_second_apply_sends_no_post_or_delete() {
    let emu = quick_emulator();
    let home = scratch_home();
    let file = state_file(&home, &two_projects());
    let out = apply(&emu, &home, &file, &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc = json(&out.stdout);
    let results = doc["results"].as_array().unwrap();
    assert_eq!(results.len(), 4, "{doc}");
    for result in results {
        let status = result["status"].as_str().unwrap();
        assert!(
            matches!(status, "ACTIVE" | "PENDING_ACCEPTANCE"),
            "{result}"
        );
        assert!(result["endpointId"].is_string());
    }
    assert_eq!(authenticated(&emu, "POST").len(), 4);
    let by_id_gets = authenticated(&emu, "GET")
        .into_iter()
        .filter(|r| r.query.is_none() && r.path.contains("/privateEndpoints/"))
        .count();
    assert_eq!(
        by_id_gets, 0,
        "waiting polls with lists, never one GET per endpoint"
    );
    emu.clear_requests();
    let again = apply(&emu, &home, &file, &[]);
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert!(
        authenticated(&emu, "POST").is_empty(),
        "a second apply creates nothing"
    );
    assert!(
        authenticated(&emu, "DELETE").is_empty(),
        "and deletes nothing"
    );
}

#[test]
fn a_failed_endpoint_is_replaced_after_it_is_gone() {
    let emu = quick_emulator();
    let failed = emu.seed_endpoint(PROJECT, "AWS", "EU_WEST_1", "FAILED");
    let home = scratch_home();
    let file = state_file(
        &home,
        &format!("[[project]]\nid = \"{PROJECT}\"\naws = [\"EU_WEST_1\"]\n"),
    );
    let out = apply(&emu, &home, &file, &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let wire: Vec<(String, String)> = api_requests(&emu)
        .into_iter()
        .filter(|r| r.is_authenticated() && r.method != "GET")
        .map(|r| (r.method, r.path))
        .collect();
    assert_eq!(wire.len(), 2, "{wire:?}");
    assert_eq!(wire[0].0, "DELETE");
    assert!(
        wire[0].1.ends_with(&failed),
        "the FAILED endpoint is deleted first"
    );
    assert_eq!(wire[1].0, "POST", "then the region is created again");
    let now = emu.endpoints(PROJECT, "AWS");
    assert_eq!(now.len(), 1);
    assert_ne!(now[0]["id"], failed.as_str());
    assert_eq!(json(&out.stdout)["results"][0]["action"], "replace");
}

#[test]
fn a_deleting_endpoint_is_waited_for_then_the_region_is_created() {
    let emu = quick_emulator();
    let deleting = emu.seed_endpoint(PROJECT, "AWS", "US_EAST_1", "DELETING");
    let home = scratch_home();
    let file = state_file(
        &home,
        &format!("[[project]]\nid = \"{PROJECT}\"\naws = [\"US_EAST_1\"]\n"),
    );
    let out = apply(&emu, &home, &file, &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        authenticated(&emu, "DELETE").is_empty(),
        "nothing to delete: it is going already"
    );
    assert_eq!(authenticated(&emu, "POST").len(), 1);
    let now = emu.endpoints(PROJECT, "AWS");
    assert_eq!(now.len(), 1);
    assert_ne!(now[0]["id"], deleting.as_str());
}

#[test]
fn undeclared_endpoints_are_kept_unless_pruned() {
    let emu = quick_emulator();
    let undeclared = emu.seed_endpoint(PROJECT, "AWS", "AP_SOUTH_1", "ACTIVE");
    emu.seed_endpoint(PROJECT, "AWS", "US_EAST_1", "ACTIVE");
    let home = scratch_home();
    let file = state_file(
        &home,
        &format!("[[project]]\nid = \"{PROJECT}\"\naws = [\"US_EAST_1\"]\n"),
    );
    let kept = apply(&emu, &home, &file, &[]);
    assert_eq!(kept.code, 0, "{}", kept.stderr);
    assert!(authenticated(&emu, "DELETE").is_empty());
    assert!(kept.stderr.contains("not managed, kept"), "{}", kept.stderr);
    let pruned = apply(&emu, &home, &file, &["--prune"]);
    assert_eq!(pruned.code, 0, "{}", pruned.stderr);
    let deletes = authenticated(&emu, "DELETE");
    assert_eq!(deletes.len(), 1);
    assert!(deletes[0].path.ends_with(&undeclared));
    let doc = json(&pruned.stdout);
    let gone: Vec<&Value> = doc["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["action"] == "delete")
        .collect();
    assert_eq!(gone[0]["status"], "DELETED", "{doc}");
}

#[test]
fn apply_off_a_terminal_refuses_to_delete_without_yes() {
    let emu = emulator();
    emu.seed_endpoint(PROJECT, "AWS", "EU_WEST_1", "FAILED");
    let home = scratch_home();
    let file = state_file(
        &home,
        &format!("[[project]]\nid = \"{PROJECT}\"\naws = [\"EU_WEST_1\"]\n"),
    );
    let out = run(atlas(&emu, &home).args(["apply", "-f", file.to_str().unwrap(), "--no-wait"]));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("pass --yes"), "{}", out.stderr);
    assert!(
        out.stderr.contains("~ replace"),
        "the plan is shown: {}",
        out.stderr
    );
    assert!(authenticated(&emu, "DELETE").is_empty());
    assert!(authenticated(&emu, "POST").is_empty());
}

#[test]
fn apply_without_deletions_goes_ahead_off_a_terminal() {
    let emu = emulator();
    let home = scratch_home();
    let file = state_file(
        &home,
        &format!("[[project]]\nid = \"{THIRD_PROJECT}\"\naws = [\"EU_WEST_1\"]\n"),
    );
    let out =
        run(atlas(&emu, &home).args(["apply", "-f", file.to_str().unwrap(), "--no-wait", "-q"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let created = emu.endpoints(THIRD_PROJECT, "AWS");
    assert_eq!(created.len(), 1);
    assert_eq!(out.stdout.trim(), created[0]["id"].as_str().unwrap());
}

#[test]
fn one_project_can_be_declared_on_the_command_line() {
    let emu = emulator();
    let home = scratch_home();
    let out = run(atlas(&emu, &home).args([
        "plan",
        "--provider",
        "azure",
        "--region",
        "US_CENTRAL,US_EAST_2",
        "-o",
        "json",
    ]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc = json(&out.stdout);
    assert_eq!(doc["changes"][0]["project"], PROJECT);
    assert_eq!(doc["changes"][0]["provider"], "AZURE");
    assert_eq!(doc["summary"]["create"], 2);
}

#[test]
fn a_bad_file_is_refused_before_any_request() {
    let emu = emulator();
    let home = scratch_home();
    let file = state_file(
        &home,
        &format!(
            "[[project]]\nid = \"{PROJECT}\"\naws = [\"US_EAST_1\", \"us-east-1\", \"EU_WESTT_1\"]\nregion = 1\n"
        ),
    );
    let out = run(atlas(&emu, &home).args(["apply", "-f", file.to_str().unwrap(), "--yes"]));
    assert_eq!(out.code, 2, "{}", out.stderr);
    let name = file.display().to_string();
    assert!(
        out.stderr
            .contains(&format!("{name}:3:21: US_EAST_1 is named twice")),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains(&format!("{name}:3:34:")),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains(&format!("{name}:4:1: unknown key 'region'")),
        "{}",
        out.stderr
    );
    assert!(api_requests(&emu).is_empty(), "nothing is sent");
    let missing = run(atlas(&emu, &home).args(["plan", "-f", "/nonexistent/atlas-ear.toml"]));
    assert_eq!(missing.code, 2, "{}", missing.stderr);
    assert!(
        missing
            .stderr
            .contains("cannot read the desired-state file"),
        "{}",
        missing.stderr
    );
}

#[test]
fn the_json_plan_has_a_stable_schema() {
    let emu = emulator();
    emu.seed_endpoint(PROJECT, "AWS", "EU_WEST_1", "FAILED");
    let home = scratch_home();
    let file = state_file(
        &home,
        &format!("[[project]]\nid = \"{PROJECT}\"\naws = [\"EU_WEST_1\", \"US_EAST_1\"]\n"),
    );
    let out = run(atlas(&emu, &home).args(["plan", "-f", file.to_str().unwrap(), "-o", "json"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let mut doc = json(&out.stdout);
    doc["changes"][0]["endpointId"] = Value::from("<id>");
    insta::assert_snapshot!(serde_json::to_string_pretty(&doc).unwrap());
}

#[test]
fn a_throttled_project_waits_its_retry_after_while_the_others_go_on() {
    let emu = emulator();
    // One request at a time, refilled every two seconds: the throttled project meets 429s.
    emu.set_project_rate_limit(
        THIRD_PROJECT,
        Some(atlas_ear_emulator::RateLimit {
            capacity: 1,
            refill_per_minute: 30,
        }),
    );
    let home = scratch_home();
    let text = [PROJECT, OTHER_PROJECT, THIRD_PROJECT]
        .map(|id| format!("[[project]]\nid = \"{id}\"\naws = [\"US_EAST_1\", \"EU_WEST_1\"]\n"))
        .join("\n");
    let file = state_file(&home, &text);
    let out = run(atlas(&emu, &home).args([
        "apply",
        "-f",
        file.to_str().unwrap(),
        "--yes",
        "--no-wait",
        "-o",
        "json",
    ]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    for project in [PROJECT, OTHER_PROJECT, THIRD_PROJECT] {
        assert_eq!(emu.endpoints(project, "AWS").len(), 2, "{project}");
    }
    let log: Vec<LoggedRequest> = api_requests(&emu)
        .into_iter()
        .filter(|r| r.is_authenticated())
        .collect();
    let of = |project: &str| -> Vec<&LoggedRequest> {
        log.iter()
            .filter(|r| r.group_id.as_deref() == Some(project))
            .collect()
    };
    let throttled = of(THIRD_PROJECT);
    let refused: Vec<&&LoggedRequest> = throttled.iter().filter(|r| r.status == 429).collect();
    assert!(
        !refused.is_empty(),
        "the bucket refused something: {throttled:?}"
    );
    for refusal in &refused {
        let wait = refusal.retry_after().expect("a 429 says when to come back");
        let too_soon = throttled
            .iter()
            .filter(|r| r.arrived > refusal.arrived && r.arrived < refusal.arrived + wait)
            .count();
        assert_eq!(
            too_soon, 0,
            "a request reached the throttled project before its Retry-After"
        );
    }
    let first_retry = throttled
        .iter()
        .find(|r| r.arrived > refused[0].arrived)
        .expect("the refused request is sent again later");
    for project in [PROJECT, OTHER_PROJECT] {
        let theirs = of(project);
        assert!(
            theirs.iter().all(|r| r.status != 429),
            "{project} was not limited"
        );
        assert!(
            theirs.iter().all(|r| r.arrived < first_retry.arrived),
            "{project} finished without waiting on the throttled project"
        );
    }
}

#[test]
fn polls_cost_one_list_per_project_and_provider_per_round() {
    let emu = emulator(); // nothing settles on its own here
    let home = scratch_home();
    let file = state_file(
        &home,
        &format!(
            "[[project]]\nid = \"{PROJECT}\"\naws = [\"US_EAST_1\", \"EU_WEST_1\", \"AP_SOUTH_1\"]\nazure = [\"US_CENTRAL\"]\n"
        ),
    );
    let path = file.to_str().unwrap();
    let out = run(atlas(&emu, &home).args([
        "apply",
        "-f",
        path,
        "--yes",
        "--interval",
        "100ms",
        "--timeout",
        "1s",
        "-o",
        "json",
    ]));
    assert_eq!(out.code, 7, "the wait times out: {}", out.stderr);
    let gets = authenticated(&emu, "GET");
    assert!(
        gets.iter().all(|r| r.query.is_some()),
        "only lists, never a GET per endpoint"
    );
    let aws = gets.iter().filter(|r| r.path.contains("/AWS/")).count();
    let azure = gets.iter().filter(|r| r.path.contains("/AZURE/")).count();
    assert!(aws >= 3, "the plan's list and at least two rounds: {aws}");
    assert_eq!(aws, azure, "each round lists each provider once");
    let doc = json(&out.stdout);
    assert_eq!(doc["errors"].as_array().unwrap().len(), 4);
    assert_eq!(doc["errors"][0]["reason"], "wait_timeout");
}

/// Unix only: the signals are sent with `kill` (see `interrupt.rs`).
#[cfg(unix)]
#[test]
fn ctrl_c_mid_apply_reports_what_was_created_and_a_re_run_converges() {
    use crate::background::{finish, interrupt, spawn_atlas, terminate, wait_for_requests};
    for (stop, code) in [
        (interrupt as fn(&std::process::Child), 130),
        (terminate, 143),
    ] {
        let emu = emulator(); // nothing settles on its own: the wait is still running at Ctrl-C
        let home = scratch_home();
        let file = state_file(&home, &two_projects());
        let path = file.to_str().unwrap();
        let child = spawn_atlas(
            &emu,
            &home,
            &[
                "apply",
                "-f",
                path,
                "--yes",
                "--interval",
                "50ms",
                "-o",
                "json",
            ],
        );
        // Every create answered and a round of lists under way: the run is waiting.
        wait_for_requests(&emu, |log| {
            let posts = log
                .iter()
                .filter(|r| r.method == "POST" && r.status == 202)
                .count();
            let lists_after = log
                .iter()
                .skip_while(|r| r.method != "POST" || r.status != 202)
                .filter(|r| r.method == "GET" && r.query.is_some())
                .count();
            posts == 4 && lists_after >= 3
        });
        stop(&child);
        let out = finish(child);
        assert_eq!(out.code, code, "{}", out.stderr);
        let doc = json(&out.stdout);
        let printed: Vec<&str> = doc["results"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|r| r["endpointId"].as_str())
            .collect();
        let mut on_server: Vec<String> = Vec::new();
        for (project, provider) in [
            (PROJECT, "AWS"),
            (OTHER_PROJECT, "AWS"),
            (OTHER_PROJECT, "AZURE"),
        ] {
            on_server.extend(
                emu.endpoints(project, provider)
                    .iter()
                    .map(|e| e["id"].as_str().unwrap().to_string()),
            );
        }
        assert_eq!(on_server.len(), 4);
        for id in &on_server {
            assert!(
                printed.contains(&id.as_str()),
                "{id} created but not printed: {doc}"
            );
        }
        emu.clear_requests();
        let again = run(atlas(&emu, &home).args(["apply", "-f", path, "--yes", "--no-wait"]));
        assert_eq!(again.code, 0, "{}", again.stderr);
        assert!(
            authenticated(&emu, "POST").is_empty(),
            "the re-run creates nothing twice"
        );
    }
}
