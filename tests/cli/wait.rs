//! Waiting: `create --wait`, `wait ID... --for`, `delete --wait`; settled states, timeouts,
//! progress lines without a terminal, and what each poll costs (one GET of one endpoint).

use crate::background;
use crate::common;
use background::*;
use common::*;
use serde_json::Value;
use std::time::Duration;

const FAST: &[&str] = &["--interval", "50ms", "--timeout", "60s"];

fn settling_in(d: Duration) -> Emulator {
    emulator_with(|c| c.settle_after = d)
}

/// Authenticated GETs of a single endpoint (polls), as opposed to list pages and the challenge.
fn polls(emu: &Emulator) -> Vec<LoggedRequest> {
    api_requests(emu)
        .into_iter()
        .filter(|r| r.method == "GET" && r.path.len() > collection_path("AWS").len() + 1)
        .filter(|r| r.query.is_none() && r.is_authenticated())
        .collect()
}

/// The lists a wait sent: one per round when several endpoints are waited for.
fn lists(emu: &Emulator) -> Vec<LoggedRequest> {
    api_requests(emu)
        .into_iter()
        .filter(|r| r.method == "GET" && r.query.is_some() && r.is_authenticated())
        .collect()
}

/// Progress lines of one endpoint (stderr, no terminal).
fn progress_lines<'a>(stderr: &'a str, label: &str) -> Vec<&'a str> {
    stderr
        .lines()
        .filter(|l| l.starts_with(&format!("{label}: ")))
        .collect()
}

#[test]
fn create_wait_polls_until_active_with_one_list_per_round() {
    let emu = settling_in(Duration::from_millis(300));
    let home = scratch_home();
    let out = run(atlas(&emu, &home)
        .args([
            "create",
            "--region",
            "US_EAST_1,EU_WEST_1,AP_SOUTH_1",
            "--wait",
        ])
        .args(FAST));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let endpoints = emu.endpoints(PROJECT, "AWS");
    assert_eq!(endpoints.len(), 3);
    for endpoint in &endpoints {
        assert_eq!(endpoint["status"], "ACTIVE");
        assert!(out.stdout.contains(endpoint["id"].as_str().unwrap()));
    }
    assert!(
        !out.stdout.contains("INITIATING"),
        "the final state is printed:\n{}",
        out.stdout
    );

    let requests = api_requests(&emu);
    assert_eq!(
        requests.iter().filter(|r| r.status == 401).count(),
        1,
        "one challenge in all"
    );
    assert!(
        polls(&emu).is_empty(),
        "three endpoints: no GET of one endpoint"
    );
    let rounds = lists(&emu);
    assert_eq!(
        rounds.len(),
        requests.len() - 4,
        "everything after 1+3 requests is a round's list"
    );
    assert!(!rounds.is_empty(), "polled at least once");
    assert!(
        rounds
            .iter()
            .all(|p| p.status == 200 && p.is_authenticated()),
        "a round is one request"
    );

    // Without a terminal: one plain line per status change, never one per poll.
    for endpoint in &endpoints {
        let label = format!(
            "{} {}",
            endpoint["regionName"].as_str().unwrap(),
            endpoint["id"].as_str().unwrap()
        );
        let lines = progress_lines(&out.stderr, &label);
        assert_eq!(lines.len(), 2, "INITIATING then ACTIVE:\n{}", out.stderr);
        assert!(
            lines[0].contains("INITIATING") && lines[1].contains("ACTIVE"),
            "{lines:?}"
        );
    }
    assert!(!out.stderr.contains('\u{1b}'), "no terminal codes in a log");
}

#[test]
fn create_wait_json_prints_the_final_body_or_one_document() {
    let emu = settling_in(Duration::from_millis(200));
    let home = scratch_home();
    let out = run(atlas(&emu, &home)
        .args(["create", "--region", "US_EAST_1", "--wait", "-o", "json"])
        .args(FAST));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc = json(&out.stdout);
    assert_eq!(doc["status"], "ACTIVE");
    assert_eq!(
        doc,
        emu.endpoints(PROJECT, "AWS")[0],
        "the last GET's body, unchanged"
    );

    let out = run(atlas(&emu, &home)
        .args([
            "create",
            "--region",
            "EU_WEST_1,AP_SOUTH_1",
            "--wait",
            "-o",
            "json",
        ])
        .args(FAST));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc = json(&out.stdout);
    let statuses: Vec<&Value> = doc["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| &r["status"])
        .collect();
    assert_eq!(statuses, ["ACTIVE", "ACTIVE"]);
    assert_eq!(doc["errors"], serde_json::json!([]));
}

#[test]
fn azure_pending_acceptance_is_settled_and_says_what_to_do() {
    let emu = settling_in(Duration::from_millis(200));
    let home = scratch_home();
    let out = run(atlas(&emu, &home)
        .args([
            "create",
            "--provider",
            "azure",
            "--region",
            "US_CENTRAL",
            "--wait",
        ])
        .args(FAST));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("PENDING_ACCEPTANCE"), "{}", out.stdout);
    // The next step is said on stderr, so stdout holds only the result.
    assert!(!out.stdout.contains("next step"), "{}", out.stdout);
    assert!(
        out.stderr.contains("next step for US_CENTRAL"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("approve the private endpoint connection"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("Azure Key Vault"), "{}", out.stderr);

    // With JSON, stdout stays one parseable body and the advice goes to stderr.
    let out = run(atlas(&emu, &home)
        .args([
            "create",
            "--provider",
            "azure",
            "--region",
            "EUROPE_WEST",
            "--wait",
            "-o",
            "json",
        ])
        .args(FAST));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(json(&out.stdout)["status"], "PENDING_ACCEPTANCE");
    assert!(out.stderr.contains("Azure Key Vault"), "{}", out.stderr);
}

#[test]
fn a_failed_endpoint_exits_8_with_its_error_message() {
    let emu = settling_in(Duration::from_millis(200));
    emu.fail_region("AWS", "EU_WEST_1", "insufficient VPC endpoint quota");
    let home = scratch_home();
    let out = run(atlas(&emu, &home)
        .args(["create", "--region", "US_EAST_1,EU_WEST_1", "--wait"])
        .args(FAST));
    assert_eq!(out.code, 8, "{}", out.stderr);
    assert!(
        out.stderr.contains("insufficient VPC endpoint quota"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("EU_WEST_1"), "{}", out.stderr);
    for endpoint in emu.endpoints(PROJECT, "AWS") {
        assert!(
            out.stdout.contains(endpoint["id"].as_str().unwrap()),
            "both are printed"
        );
    }
    assert!(
        out.stdout.contains("FAILED") && out.stdout.contains("ACTIVE"),
        "{}",
        out.stdout
    );
}

#[test]
fn a_wait_that_times_out_exits_7_and_still_prints_the_endpoint() {
    let emu = emulator();
    let home = scratch_home();
    let out = run(atlas(&emu, &home).args([
        "create",
        "--region",
        "US_EAST_1",
        "--wait",
        "--timeout",
        "300ms",
        "--interval",
        "50ms",
    ]));
    assert_eq!(out.code, 7, "{}", out.stderr);
    assert!(out.stderr.contains("timed out"), "{}", out.stderr);
    assert!(out.stderr.contains("INITIATING"), "{}", out.stderr);
    let id = emu.endpoints(PROJECT, "AWS")[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(out.stdout.contains(&id), "{}", out.stdout);
}

#[test]
fn recreation_and_unknown_statuses_keep_waiting() {
    let emu = emulator(); // nothing moves until the test shortens the settle time
    let recreating = emu.seed_endpoint(PROJECT, "AWS", "US_EAST_1", "PENDING_RECREATION");
    let home = scratch_home();
    let child = spawn_atlas(
        &emu,
        &home,
        &[
            "wait",
            &recreating,
            "--interval",
            "50ms",
            "--timeout",
            "120s",
        ],
    );
    wait_for_requests(&emu, |r| r.iter().filter(|r| r.status == 200).count() >= 2);
    // PENDING_RECREATION has been seen twice and kept the wait going; now let it move on.
    emu.set_settle_after(Duration::from_millis(100));
    let out = finish(child);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("ACTIVE"), "{}", out.stdout);
    let label = format!("US_EAST_1 {recreating}");
    let lines = progress_lines(&out.stderr, &label);
    assert!(
        lines
            .first()
            .is_some_and(|l| l.contains("PENDING_RECREATION")),
        "{}",
        out.stderr
    );
    assert!(
        lines.last().is_some_and(|l| l.contains("ACTIVE")),
        "{}",
        out.stderr
    );

    let strange = emu.seed_endpoint(PROJECT, "AWS", "EU_WEST_1", "SOME_FUTURE_STATUS");
    let out =
        run(atlas(&emu, &home).args(["wait", &strange, "--timeout", "2s", "--interval", "50ms"]));
    assert_eq!(out.code, 7, "{}", out.stderr);
    assert!(
        out.stdout.contains("SOME_FUTURE_STATUS"),
        "shown as it is: {}",
        out.stdout
    );
    let label = format!("EU_WEST_1 {strange}");
    assert_eq!(
        progress_lines(&out.stderr, &label).len(),
        1,
        "{}",
        out.stderr
    );
}

#[test]
fn waiting_for_several_endpoints_costs_one_list_per_round_and_for_one_a_get() {
    let emu = emulator();
    let ids: Vec<String> = ["US_EAST_1", "EU_WEST_1", "AP_SOUTH_1"]
        .iter()
        .map(|r| emu.seed_endpoint(PROJECT, "AWS", r, "ACTIVE"))
        .collect();
    let home = scratch_home();
    let out = run(atlas(&emu, &home).args(["wait", &ids[0], &ids[1], &ids[2], "-o", "json"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc = json(&out.stdout);
    assert_eq!(doc["results"].as_array().unwrap().len(), 3);
    assert_eq!(doc["errors"], serde_json::json!([]));
    let requests = api_requests(&emu);
    assert_eq!(requests.len(), 2, "1 challenge + 1 list for all three");
    assert_eq!(lists(&emu).len(), 1);
    assert!(polls(&emu).is_empty());

    emu.clear_requests();
    let out = run(atlas(&emu, &home).args(["wait", &ids[0], "-o", "json"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        json(&out.stdout)["id"],
        ids[0].as_str(),
        "one id: the body, as `get` prints it"
    );
    // The first run left its digest challenge in the cache, so one GET is the whole cost.
    assert_eq!(api_requests(&emu).len(), 1);
}

#[test]
fn wait_for_active_waits_through_pending_acceptance_until_approved() {
    let emu = emulator();
    let id = emu.seed_endpoint(PROJECT, "AZURE", "US_CENTRAL", "PENDING_ACCEPTANCE");
    let home = scratch_home();
    let child = spawn_atlas(
        &emu,
        &home,
        &[
            "wait",
            &id,
            "--for",
            "active",
            "--provider",
            "azure",
            "--interval",
            "50ms",
            "--timeout",
            "120s",
        ],
    );
    wait_for_requests(&emu, |r| r.iter().filter(|r| r.status == 200).count() >= 2);
    assert!(emu.approve(&id));
    let out = finish(child);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("ACTIVE"), "{}", out.stdout);
    assert!(out.stderr.contains("PENDING_ACCEPTANCE"), "{}", out.stderr);
    assert!(
        out.stderr.contains("Azure Key Vault"),
        "the advice is given while waiting"
    );
}

#[test]
fn wait_reports_missing_and_deleting_endpoints() {
    let emu = emulator();
    let deleting = emu.seed_endpoint(PROJECT, "AWS", "US_EAST_1", "DELETING");
    let home = scratch_home();
    let out = run(atlas(&emu, &home)
        .args(["wait", "aaaaaaaaaaaaaaaaaaaaaaaa"])
        .args(FAST));
    assert_eq!(out.code, 4, "{}", out.stderr);
    assert!(out.stderr.contains("does not exist"), "{}", out.stderr);
    let out = run(atlas(&emu, &home).args(["wait", &deleting]).args(FAST));
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stderr.contains("DELETING"), "{}", out.stderr);
    let out = run(atlas(&emu, &home).args(["wait", "not-an-id"]));
    assert_eq!(out.code, 2, "{}", out.stderr);
}

#[test]
fn delete_wait_polls_until_404() {
    let emu = settling_in(Duration::from_millis(200));
    let id = emu.seed_endpoint(PROJECT, "AWS", "US_EAST_1", "ACTIVE");
    let home = scratch_home();
    let out = run(atlas(&emu, &home)
        .args(["delete", &id, "--yes", "--wait"])
        .args(FAST));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains(&id) && out.stdout.contains("deleted"),
        "{}",
        out.stdout
    );
    assert!(emu.endpoints(PROJECT, "AWS").is_empty());
    let requests = api_requests(&emu);
    assert_eq!(
        (requests[1].method.as_str(), requests[1].status),
        ("DELETE", 204)
    );
    let polls = polls(&emu);
    assert!(!polls.is_empty());
    assert_eq!(
        polls.last().unwrap().status,
        404,
        "the wait ends on the first 404"
    );
    assert!(polls[..polls.len() - 1].iter().all(|p| p.status == 200));

    // JSON: stdout stays empty, as for `delete -o json`.
    let id = emu.seed_endpoint(PROJECT, "AWS", "EU_WEST_1", "ACTIVE");
    let out = run(atlas(&emu, &home)
        .args(["delete", &id, "-y", "--wait", "-o", "json"])
        .args(FAST));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, "");
    assert!(out.stderr.contains("deleted"), "{}", out.stderr);
}

#[test]
fn wait_for_deleted_lists_what_is_gone() {
    let emu = settling_in(Duration::from_millis(150));
    let a = emu.seed_endpoint(PROJECT, "AWS", "US_EAST_1", "DELETING");
    let b = emu.seed_endpoint(PROJECT, "AWS", "EU_WEST_1", "DELETING");
    let home = scratch_home();
    let out = run(atlas(&emu, &home)
        .args(["wait", &a, &b, "--for", "deleted", "-o", "json"])
        .args(FAST));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc = json(&out.stdout);
    assert_eq!(doc["results"], serde_json::json!([]));
    assert_eq!(doc["deleted"], serde_json::json!([a, b]));
    assert_eq!(doc["errors"], serde_json::json!([]));
}

#[test]
fn timing_flags_need_wait_and_valid_durations() {
    let emu = emulator();
    let home = scratch_home();
    let out = run(atlas(&emu, &home).args(["create", "--region", "US_EAST_1", "--timeout", "5m"]));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("--wait"), "{}", out.stderr);
    let out = run(atlas(&emu, &home).args([
        "create",
        "--region",
        "US_EAST_1",
        "--wait",
        "--interval",
        "often",
    ]));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("--interval"), "{}", out.stderr);
    assert!(api_requests(&emu).is_empty());
}

#[test]
fn the_readme_pipeline_runs_and_can_be_run_again() {
    let emu = settling_in(Duration::from_millis(100));
    let home = scratch_home();
    let create = [
        "create",
        "--skip-existing",
        "--region",
        "us-east-1,eu-west-1",
        "--region",
        "ap-south-1",
        "-o",
        "json",
    ];
    for round in 0..2 {
        let created = run(atlas(&emu, &home).args(create));
        assert_eq!(created.code, 0, "round {round}: {}", created.stderr);
        let ids: Vec<String> = json(&created.stdout)["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(ids.len(), 3);
        // The README waits with the default interval; a short one keeps the test quick.
        let waited = run(atlas(&emu, &home).arg("wait").args(&ids).args([
            "--timeout",
            "20m",
            "--interval",
            "50ms",
        ]));
        assert_eq!(waited.code, 0, "round {round}: {}", waited.stderr);
        let listed = run(atlas(&emu, &home).args(["list", "-o", "json"]));
        assert_eq!(listed.code, 0);
        let doc = json(&listed.stdout);
        assert_eq!(doc["totalCount"], 3, "round {round}: nothing duplicated");
        assert!(
            doc["results"]
                .as_array()
                .unwrap()
                .iter()
                .all(|r| r["status"] == "ACTIVE")
        );
    }
}

#[test]
fn the_approval_step_is_printed_only_for_endpoints_that_still_need_it() {
    let emu = emulator();
    let approved = emu.seed_endpoint(PROJECT, "AZURE", "US_CENTRAL", "PENDING_ACCEPTANCE");
    let waiting = emu.seed_endpoint(PROJECT, "AZURE", "US_EAST_2", "PENDING_ACCEPTANCE");
    let home = scratch_home();
    let child = spawn_atlas(
        &emu,
        &home,
        &[
            "wait",
            &approved,
            &waiting,
            "--for",
            "active",
            "--provider",
            "azure",
            "--interval",
            "50ms",
            "--timeout",
            "3s",
        ],
    );
    wait_for_requests(&emu, |r| r.iter().filter(|r| r.status == 200).count() >= 2);
    assert!(emu.approve(&approved));
    let out = finish(child);
    assert_eq!(
        out.code, 7,
        "one is still awaiting approval: {}",
        out.stderr
    );
    let all = format!("{}{}", out.stdout, out.stderr);
    assert!(
        !all.contains(&format!("next step for US_CENTRAL {approved}")),
        "ACTIVE needs no next step: {all}"
    );
    assert!(
        all.contains(&format!("next step for US_EAST_2 {waiting}")),
        "{all}"
    );
}
