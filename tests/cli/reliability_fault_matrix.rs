//! Every fault the emulator can inject, against every command: the exit code, a clear message,
//! no panic, nothing on stdout, and how many attempts went over the wire (no retry storms).
//!
//! Commands run with `--retries 1`, so a retryable fault costs exactly two attempts of an
//! idempotent request. A POST is never re-sent after an ambiguous fault (5xx, timeout, dropped
//! connection, unreadable answer); only a 429, which Atlas answers before doing anything, is
//! retried for it. (After an ambiguous fault `create` lists once to find out what happened;
//! only its POSTs are counted here.)

use crate::common;
use crate::fault_helpers;
use common::*;
use fault_helpers::*;
use std::time::Duration;

/// What every command must do under one fault.
struct Expect {
    code: i32,
    /// Authenticated requests of a GET or DELETE command.
    idempotent_attempts: usize,
    /// Authenticated POSTs of `create`.
    post_attempts: usize,
    /// Texts the error message must contain.
    needles: &'static [&'static str],
}

const RETRIED_EVERYWHERE: (usize, usize) = (2, 2);
const RETRIED_EXCEPT_POST: (usize, usize) = (2, 1);
const NEVER_RETRIED: (usize, usize) = (1, 1);

fn expect(code: i32, attempts: (usize, usize), needles: &'static [&'static str]) -> Expect {
    Expect {
        code,
        idempotent_attempts: attempts.0,
        post_attempts: attempts.1,
        needles,
    }
}

/// Runs all four commands, each against a fresh emulator whose routes all carry `kind`.
fn check_every_command(kind: FaultKind, extra_args: &[&str], expected: Expect) {
    let id_of_seeded = |emu: &Emulator| emu.seed_endpoint(PROJECT, "AWS", "US_EAST_1", "ACTIVE");
    for (name, route, method, args) in commands("placeholder") {
        let emu = emulator();
        let id = id_of_seeded(&emu);
        let args: Vec<String> = args
            .into_iter()
            .map(|a| if a == "placeholder" { id.clone() } else { a })
            .collect();
        emu.inject(fault(route, kind.clone(), 1000));
        let home = scratch_home();
        let out = run(atlas(&emu, &home)
            .args(&args)
            .args(["--retries", "1"])
            .args(extra_args));
        let context = format!("{kind:?} x {name}:\nstderr: {}", out.stderr);
        assert_eq!(out.code, expected.code, "{context}");
        assert_eq!(out.stdout, "", "{context}");
        assert!(out.stderr.starts_with("error: "), "{context}");
        for needle in expected.needles {
            assert!(out.stderr.contains(needle), "missing {needle:?}: {context}");
        }
        let authenticated = api_requests(&emu)
            .iter()
            .filter(|r| r.method == method && r.is_authenticated())
            .count();
        let wanted = if method == "POST" {
            expected.post_attempts
        } else {
            expected.idempotent_attempts
        };
        assert_eq!(authenticated, wanted, "attempts: {context}");
        let unauthenticated = api_requests(&emu)
            .iter()
            .filter(|r| !r.is_authenticated())
            .count();
        assert_eq!(unauthenticated, 1, "one digest challenge: {context}");
        if !matches!(kind, FaultKind::Delay(_)) {
            let endpoints = emu.endpoints(PROJECT, "AWS");
            assert_eq!(endpoints.len(), 1, "nothing created: {context}");
            assert_eq!(
                endpoints[0]["status"], "ACTIVE",
                "nothing deleted: {context}"
            );
        }
    }
}

#[test]
fn rate_limited_with_retry_after() {
    check_every_command(
        status(429, Some(0)),
        &[],
        expect(5, RETRIED_EVERYWHERE, &["429", "RATE_LIMITED", "hint:"]),
    );
}

#[test]
fn rate_limited_without_retry_after() {
    check_every_command(
        status(429, None),
        &[],
        expect(5, RETRIED_EVERYWHERE, &["429", "RATE_LIMITED"]),
    );
}

#[test]
fn internal_server_error() {
    check_every_command(
        status(500, None),
        &[],
        expect(6, RETRIED_EXCEPT_POST, &["HTTP 500", "UNEXPECTED_ERROR"]),
    );
}

#[test]
fn bad_gateway() {
    check_every_command(
        status(502, None),
        &[],
        expect(6, RETRIED_EXCEPT_POST, &["HTTP 502"]),
    );
}

#[test]
fn service_unavailable() {
    check_every_command(
        status(503, Some(0)),
        &[],
        expect(6, RETRIED_EXCEPT_POST, &["HTTP 503"]),
    );
}

#[test]
fn gateway_timeout() {
    check_every_command(
        status(504, None),
        &[],
        expect(6, RETRIED_EXCEPT_POST, &["HTTP 504"]),
    );
}

#[test]
fn injected_401_403_404_are_final() {
    check_every_command(
        status(401, None),
        &[],
        expect(3, NEVER_RETRIED, &["HTTP 401", "hint:"]),
    );
    check_every_command(
        status(403, None),
        &[],
        expect(3, NEVER_RETRIED, &["HTTP 403", "Project Owner"]),
    );
    // With --provider given, a 404 is final; without it, get, delete and wait would ask AZURE
    // once more (tests/cli/providers.rs counts that).
    check_every_command(
        status(404, None),
        &["--provider", "aws"],
        expect(4, NEVER_RETRIED, &["HTTP 404"]),
    );
}

#[test]
fn delay_past_the_request_timeout() {
    check_every_command(
        FaultKind::Delay(Duration::from_secs(2)),
        &["--request-timeout", "300ms"],
        expect(
            6,
            RETRIED_EXCEPT_POST,
            &["request timeout", "--request-timeout"],
        ),
    );
}

#[test]
fn dropped_connection() {
    check_every_command(
        FaultKind::DropConnection,
        &[],
        expect(6, RETRIED_EXCEPT_POST, &["failed"]),
    );
}

#[test]
fn truncated_json() {
    check_every_command(
        FaultKind::TruncatedJson,
        &[],
        expect(
            6,
            NEVER_RETRIED,
            &["HTTP 200", "application/json", "body starts: {"],
        ),
    );
}

#[test]
fn malformed_json() {
    check_every_command(
        FaultKind::MalformedJson,
        &[],
        expect(
            6,
            NEVER_RETRIED,
            &["HTTP 200", "application/json", "not json"],
        ),
    );
}

#[test]
fn html_page() {
    check_every_command(
        FaultKind::Html,
        &[],
        expect(
            6,
            NEVER_RETRIED,
            &["HTTP 200", "text/html", "<!DOCTYPE html>"],
        ),
    );
}

#[test]
fn redirect() {
    check_every_command(
        FaultKind::Redirect {
            status: 302,
            location: "https://sso.example.invalid/login".into(),
        },
        &[],
        expect(
            6,
            NEVER_RETRIED,
            &[
                "HTTP 302",
                "https://sso.example.invalid/login",
                "not followed",
            ],
        ),
    );
}

#[test]
fn oversized_body() {
    check_every_command(
        FaultKind::OversizedBody {
            bytes: 17 * 1024 * 1024,
            chunked: true,
        },
        &[],
        expect(6, NEVER_RETRIED, &["larger than 16 MiB"]),
    );
}

#[test]
fn answer_dropped_after_the_operation_was_carried_out() {
    // Persistent: every GET is lost, so list and get fail after exactly two attempts.
    for (name, route, method, args) in commands("placeholder") {
        if method != "GET" {
            continue;
        }
        let emu = emulator();
        let id = emu.seed_endpoint(PROJECT, "AWS", "US_EAST_1", "ACTIVE");
        let args: Vec<String> = args
            .into_iter()
            .map(|a| if a == "placeholder" { id.clone() } else { a })
            .collect();
        emu.inject(fault(route, FaultKind::DropAfterHandling, 1000));
        let home = scratch_home();
        let out = run(atlas(&emu, &home).args(&args).args(["--retries", "1"]));
        assert_eq!(out.code, 6, "{name}: {}", out.stderr);
        assert!(
            out.stderr.contains("gave up after 2 attempts"),
            "{}",
            out.stderr
        );
        assert_eq!(attempts(&emu, "GET"), 2, "{name}");
    }

    // Once: the DELETE went through, its answer was lost, and the retry is answered 204.
    let emu = emulator();
    let id = emu.seed_endpoint(PROJECT, "AWS", "US_EAST_1", "ACTIVE");
    emu.inject(fault(Route::Delete, FaultKind::DropAfterHandling, 1));
    let home = scratch_home();
    let out = run(atlas(&emu, &home).args(["delete", &id, "--yes"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("Deletion requested"), "{}", out.stdout);
    assert_eq!(attempts(&emu, "DELETE"), 2);
    assert_eq!(emu.endpoints(PROJECT, "AWS")[0]["status"], "DELETING");

    // Once: the POST created the endpoint; it is never sent again, and listing finds it.
    let emu = emulator();
    emu.inject(fault(Route::Create, FaultKind::DropAfterHandling, 1));
    let home = scratch_home();
    let out = run(atlas(&emu, &home).args(["create", "--region", "EU_WEST_1", "-o", "json"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(attempts(&emu, "POST"), 1, "the POST is not re-sent");
    let created = emu.endpoints(PROJECT, "AWS");
    assert_eq!(created.len(), 1, "exactly one endpoint");
    assert!(
        out.stdout.contains(created[0]["id"].as_str().unwrap()),
        "{}",
        out.stdout
    );
}

#[test]
fn rotating_nonces_cost_nothing_extra() {
    for (name, _, method, args) in commands("placeholder") {
        let emu = emulator();
        let id = emu.seed_endpoint(PROJECT, "AWS", "US_EAST_1", "ACTIVE");
        let args: Vec<String> = args
            .into_iter()
            .map(|a| if a == "placeholder" { id.clone() } else { a })
            .collect();
        emu.set_rotate_nonce(true);
        let home = scratch_home();
        let out = run(atlas(&emu, &home).args(&args));
        assert_eq!(out.code, 0, "{name}: {}", out.stderr);
        let requests = api_requests(&emu);
        assert_eq!(requests.len(), 2, "{name}: challenge + one answer");
        assert_eq!(requests[1].method, method);
    }
}

#[test]
fn wrong_keys_stop_after_one_answer() {
    for (name, _, method, args) in commands("placeholder") {
        let emu = emulator();
        let id = emu.seed_endpoint(PROJECT, "AWS", "US_EAST_1", "ACTIVE");
        let args: Vec<String> = args
            .into_iter()
            .map(|a| if a == "placeholder" { id.clone() } else { a })
            .collect();
        let home = scratch_home();
        let out = run(atlas(&emu, &home)
            .env(
                "MONGODB_ATLAS_PRIVATE_API_KEY",
                "wrong-private-key-sentinel-0451",
            )
            .args(&args));
        assert_eq!(out.code, 3, "{name}: {}", out.stderr);
        assert!(out.stderr.contains("rejected"), "{name}: {}", out.stderr);
        assert!(out.stderr.contains("hint:"), "{name}: {}", out.stderr);
        assert_eq!(out.stdout, "");
        let requests = api_requests(&emu);
        assert_eq!(
            requests.len(),
            2,
            "{name}: challenge + one answer, no retry"
        );
        assert!(
            requests
                .iter()
                .all(|r| r.method == method && r.status == 401)
        );
    }
}
