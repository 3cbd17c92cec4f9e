//! Ctrl-C (SIGINT) during a wait or a multi-region create: exit 130, every endpoint created is
//! printed, and nothing more is sent. SIGTERM is handled the same way, with exit 143.
//! Unix only: the tests deliver the signals with `kill`, and Windows has neither SIGINT nor
//! SIGTERM to send to another process (a console's Ctrl-C reaches every process attached to it).
#![cfg(unix)]

use crate::background;
use crate::common;
use background::*;
use common::*;
use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Read};
use std::time::Duration;

fn created_ids(emu: &Emulator) -> BTreeSet<String> {
    emu.endpoints(PROJECT, "AWS")
        .iter()
        .map(|e| e["id"].as_str().unwrap().to_string())
        .collect()
}

fn authenticated(requests: &[LoggedRequest], method: &str) -> usize {
    requests
        .iter()
        .filter(|r| r.method == method && r.is_authenticated())
        .count()
}

#[test]
fn ctrl_c_while_waiting_after_create_exits_130_and_prints_the_endpoint() {
    let emu = emulator(); // settles in ten minutes: the wait cannot end by itself
    let home = scratch_home();
    let child = spawn_atlas(
        &emu,
        &home,
        &[
            "create",
            "--region",
            "US_EAST_1",
            "--wait",
            "--interval",
            "50ms",
            "-o",
            "json",
        ],
    );
    wait_for_requests(&emu, |r| authenticated(r, "GET") >= 1);
    interrupt(&child);
    let out = finish(child);
    assert_eq!(out.code, 130, "{}", out.stderr);
    let id = created_ids(&emu).into_iter().next().unwrap();
    let doc = json(&out.stdout);
    assert_eq!(doc["id"], id.as_str(), "the created endpoint is printed");
    assert_eq!(doc["status"], "INITIATING");
    assert!(out.stderr.contains("interrupted"), "{}", out.stderr);
    let requests = api_requests(&emu);
    assert_eq!(authenticated(&requests, "POST"), 1);
    assert_eq!(authenticated(&requests, "DELETE"), 0, "nothing is touched");
}

#[test]
fn ctrl_c_during_wait_command_prints_the_last_known_state() {
    let emu = emulator();
    let id = emu.seed_endpoint(PROJECT, "AWS", "EU_WEST_1", "INITIATING");
    let home = scratch_home();
    let child = spawn_atlas(&emu, &home, &["wait", &id, "--interval", "50ms"]);
    wait_for_requests(&emu, |r| authenticated(r, "GET") >= 2);
    interrupt(&child);
    let out = finish(child);
    assert_eq!(out.code, 130, "{}", out.stderr);
    assert!(
        out.stdout.contains(&id) && out.stdout.contains("INITIATING"),
        "{}",
        out.stdout
    );
    assert!(
        out.stderr.contains("last status INITIATING"),
        "{}",
        out.stderr
    );
}

#[test]
fn ctrl_c_during_creates_stops_sending_but_prints_every_endpoint_created() {
    let emu = emulator();
    // Every create is held by the server for a while, so Ctrl-C lands with requests in flight.
    emu.inject(Fault {
        route: Route::Create,
        kind: FaultKind::Delay(Duration::from_secs(3)),
        count: 6,
    });
    let home = scratch_home();
    let regions = "US_EAST_1,US_EAST_2,US_WEST_1,US_WEST_2,EU_WEST_1,EU_WEST_2";
    let child = spawn_atlas(&emu, &home, &["create", "--region", regions, "-o", "json"]);
    wait_for_requests(&emu, |r| authenticated(r, "POST") >= 1);
    interrupt(&child);
    let out = finish(child);
    assert_eq!(out.code, 130, "{}", out.stderr);
    let doc = json(&out.stdout);
    let printed: BTreeSet<String> = doc["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect();
    let created = created_ids(&emu);
    assert!(!created.is_empty());
    assert_eq!(printed, created, "every endpoint created is printed");
    let sent = authenticated(&api_requests(&emu), "POST");
    assert!(sent <= 4, "at most the requests already in flight: {sent}");
    let not_sent = doc["errors"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["reason"] == "not_sent")
        .count();
    assert_eq!(not_sent, 6 - sent, "{doc}");
    assert_eq!(
        created.len(),
        sent,
        "the requests in flight were allowed to finish"
    );
    assert!(
        out.stderr.contains("sending nothing more"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_second_ctrl_c_abandons_requests_in_flight_and_says_so() {
    let emu = emulator();
    emu.inject(Fault {
        route: Route::Create,
        kind: FaultKind::Delay(Duration::from_secs(20)),
        count: 2,
    });
    let home = scratch_home();
    let mut child = spawn_atlas(&emu, &home, &["create", "--region", "US_EAST_1,EU_WEST_1"]);
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    wait_for_requests(&emu, |r| authenticated(r, "POST") >= 1);
    interrupt(&child);
    // The first press is acknowledged before the second is sent, so they are not merged.
    let mut first_line = String::new();
    stderr.read_line(&mut first_line).unwrap();
    assert!(first_line.contains("Ctrl-C again"), "{first_line}");
    interrupt(&child);
    let mut rest = String::new();
    stderr.read_to_string(&mut rest).unwrap();
    let out = finish(child);
    assert_no_secret(&Run {
        code: out.code,
        stdout: out.stdout.clone(),
        stderr: rest.clone(),
    });
    assert_eq!(out.code, 130, "{rest}");
    assert!(rest.contains("outcome is unknown"), "{rest}");
    assert!(rest.contains("atlas-ear list"), "{rest}");
}

#[test]
fn ctrl_c_during_delete_wait_stops_polling_and_reports_deleting() {
    let emu = emulator(); // DELETING lasts ten minutes here
    let id = emu.seed_endpoint(PROJECT, "AWS", "US_EAST_1", "ACTIVE");
    let home = scratch_home();
    let child = spawn_atlas(
        &emu,
        &home,
        &["delete", &id, "--yes", "--wait", "--interval", "50ms"],
    );
    wait_for_requests(&emu, |r| authenticated(r, "GET") >= 1);
    interrupt(&child);
    let out = finish(child);
    assert_eq!(out.code, 130, "{}", out.stderr);
    assert!(
        out.stdout.contains(&id) && out.stdout.contains("DELETING"),
        "{}",
        out.stdout
    );
    assert!(
        out.stderr.contains("last status DELETING"),
        "{}",
        out.stderr
    );
    assert_eq!(authenticated(&api_requests(&emu), "DELETE"), 1);
}

#[test]
fn sigterm_while_waiting_after_creates_reports_every_endpoint_and_exits_143() {
    let emu = emulator(); // settles in ten minutes: the wait cannot end by itself
    let home = scratch_home();
    let child = spawn_atlas(
        &emu,
        &home,
        &[
            "create",
            "--region",
            "US_EAST_1,EU_WEST_1,AP_SOUTH_1",
            "--wait",
            "--interval",
            "50ms",
            "-o",
            "json",
        ],
    );
    wait_for_requests(&emu, |r| authenticated(r, "GET") >= 3);
    terminate(&child);
    let out = finish(child);
    assert_eq!(out.code, 143, "{}", out.stderr);
    let doc = json(&out.stdout);
    let printed: BTreeSet<String> = doc["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(printed.len(), 3, "{doc}");
    assert_eq!(
        printed,
        created_ids(&emu),
        "every endpoint created is printed"
    );
    assert!(
        out.stderr
            .contains("terminated (SIGTERM): nothing more was sent"),
        "{}",
        out.stderr
    );
}

#[test]
fn sigterm_during_a_plain_command_exits_143() {
    let emu = emulator();
    let id = emu.seed_endpoint(PROJECT, "AWS", "EU_WEST_1", "INITIATING");
    emu.inject(Fault {
        route: Route::Get,
        kind: FaultKind::Delay(Duration::from_secs(30)),
        // The challenge request and the answered one: whichever comes, it hangs.
        count: 2,
    });
    let home = scratch_home();
    let child = spawn_atlas(&emu, &home, &["get", &id]);
    wait_for_requests(&emu, |r| r.iter().any(|r| r.method == "GET"));
    terminate(&child);
    let out = finish(child);
    assert_eq!(out.code, 143, "{}", out.stderr);
    assert!(
        out.stderr.contains("terminated (SIGTERM)"),
        "{}",
        out.stderr
    );
}
