//! Timeouts, the body cap, redirects and undecodable answers: each ends in one clear message and
//! exit 6, after the documented number of attempts.

use crate::common;
use crate::fault_helpers;
use common::*;
use fault_helpers::*;
use std::time::Duration;

const MIB: u64 = 1024 * 1024;

#[test]
fn request_timeout_is_named_and_retried_for_get_only() {
    let emu = emulator();
    let id = emu.seed_endpoint(PROJECT, "AWS", "US_EAST_1", "ACTIVE");
    emu.inject(fault(
        Route::Get,
        FaultKind::Delay(Duration::from_secs(2)),
        10,
    ));
    emu.inject(fault(
        Route::Create,
        FaultKind::Delay(Duration::from_secs(2)),
        10,
    ));
    let home = scratch_home();
    let out =
        run(atlas(&emu, &home).args(["get", &id, "--request-timeout", "300ms", "--retries", "1"]));
    assert_eq!(out.code, 6, "{}", out.stderr);
    assert!(
        out.stderr.contains("request timeout") && out.stderr.contains("--request-timeout"),
        "the message names which timeout: {}",
        out.stderr
    );
    assert!(out.stderr.contains("300ms"), "{}", out.stderr);
    assert_eq!(attempts(&emu, "GET"), 2, "timed-out GET retried once");

    let out = run(atlas(&emu, &home).args([
        "create",
        "--region",
        "US_EAST_2",
        "--request-timeout",
        "300ms",
        "--retries",
        "1",
    ]));
    assert_eq!(out.code, 6, "{}", out.stderr);
    assert!(out.stderr.contains("request timeout"), "{}", out.stderr);
    assert_eq!(attempts(&emu, "POST"), 1, "a timed-out POST is not re-sent");
}

#[test]
fn bad_request_timeout_is_a_usage_error() {
    let emu = emulator();
    let home = scratch_home();
    for bad in ["0s", "soon", "12"] {
        let out = run(atlas(&emu, &home).args(["list", "--request-timeout", bad]));
        assert_eq!(out.code, 2, "{bad}: {}", out.stderr);
        assert!(out.stderr.contains("--request-timeout"), "{}", out.stderr);
    }
    assert!(api_requests(&emu).is_empty());
}

#[test]
fn bodies_over_16_mib_are_refused_whether_announced_or_not() {
    for chunked in [false, true] {
        let emu = emulator();
        emu.inject(fault(
            Route::List,
            FaultKind::OversizedBody {
                bytes: 16 * MIB + 1,
                chunked,
            },
            10,
        ));
        let home = scratch_home();
        let out = run(atlas(&emu, &home).arg("list"));
        assert_eq!(out.code, 6, "chunked={chunked}: {}", out.stderr);
        assert!(
            out.stderr.contains("larger than 16 MiB"),
            "chunked={chunked}: {}",
            out.stderr
        );
        assert_eq!(out.stdout, "");
        assert_eq!(attempts(&emu, "GET"), 1, "a refused body is not retried");
    }
}

#[test]
fn a_body_of_exactly_16_mib_is_read_and_judged_on_its_content() {
    // `get`, since a list refuses pages past its own 8 MiB bound before reading their content.
    let emu = emulator();
    let id = emu.seed_endpoint(PROJECT, "AWS", "US_EAST_1", "ACTIVE");
    emu.inject(fault(
        Route::Get,
        FaultKind::OversizedBody {
            bytes: 16 * MIB,
            chunked: true,
        },
        1,
    ));
    let home = scratch_home();
    let out = run(atlas(&emu, &home).args(["get", &id]));
    assert_eq!(out.code, 6, "{}", out.stderr);
    assert!(!out.stderr.contains("larger than"), "{}", out.stderr);
    assert!(
        out.stderr.contains("not an endpoint JSON object")
            && out.stderr.contains("application/json"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains(r#"body starts: {"results": ["#),
        "{}",
        out.stderr
    );
}

#[test]
fn redirects_are_reported_with_their_location_and_not_followed() {
    for (code, command) in [
        (301, "list"),
        (302, "get"),
        (307, "create"),
        (308, "delete"),
    ] {
        let emu = emulator();
        let id = emu.seed_endpoint(PROJECT, "AWS", "US_EAST_1", "ACTIVE");
        let location = format!("{}/elsewhere/login", emu.base_url());
        let (_, route, method, args) = commands(&id)
            .into_iter()
            .find(|(name, ..)| *name == command)
            .unwrap();
        emu.inject(fault(
            route,
            FaultKind::Redirect {
                status: code,
                location: location.clone(),
            },
            10,
        ));
        let home = scratch_home();
        let out = run(atlas(&emu, &home).args(&args));
        assert_eq!(out.code, 6, "{command}: {}", out.stderr);
        assert!(
            out.stderr.contains(&format!("HTTP {code}"))
                && out.stderr.contains(&format!("redirect to {location}"))
                && out.stderr.contains("not followed"),
            "{command}: {}",
            out.stderr
        );
        assert_eq!(attempts(&emu, method), 1, "{command}");
        assert!(
            emu.requests()
                .iter()
                .all(|r| !r.path.starts_with("/elsewhere")),
            "{command}: the redirect was followed"
        );
    }
}

#[test]
fn undecodable_success_bodies_name_status_content_type_and_first_bytes() {
    let emu = emulator();
    let id = emu.seed_endpoint(PROJECT, "AWS", "US_EAST_1", "ACTIVE");
    emu.inject(fault(Route::Get, FaultKind::Html, 1));
    let home = scratch_home();
    let out = run(atlas(&emu, &home).args(["get", &id]));
    assert_eq!(out.code, 6, "{}", out.stderr);
    assert!(out.stderr.contains("HTTP 200"), "{}", out.stderr);
    assert!(out.stderr.contains("text/html"), "{}", out.stderr);
    // The page's newline is shown escaped: the message stays on one line.
    assert!(
        out.stderr.contains(r"<!DOCTYPE html>\n<html>"),
        "{}",
        out.stderr
    );
    assert_eq!(out.stderr.lines().count(), 1, "{}", out.stderr);
    assert_eq!(out.stdout, "");
}

#[test]
fn a_deletion_answered_by_a_login_page_is_not_reported_as_done() {
    let emu = emulator();
    let id = emu.seed_endpoint(PROJECT, "AWS", "US_EAST_1", "ACTIVE");
    emu.inject(fault(Route::Delete, FaultKind::Html, 1));
    let home = scratch_home();
    let out = run(atlas(&emu, &home).args(["delete", &id, "--yes"]));
    assert_eq!(out.code, 6, "{}", out.stderr);
    assert!(!out.stdout.contains("Deletion requested"), "{}", out.stdout);
    assert!(out.stderr.contains("text/html"), "{}", out.stderr);
    assert_eq!(emu.endpoints(PROJECT, "AWS")[0]["status"], "ACTIVE");
}

#[test]
fn unknown_values_and_missing_fields_are_shown_as_they_are() {
    let emu = emulator();
    emu.seed_endpoint(PROJECT, "AWS", "SOMEWHERE_NEW_9", "BRAND_NEW_STATUS");
    let home = scratch_home();
    let out = run(atlas(&emu, &home).arg("list"));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("SOMEWHERE_NEW_9"), "{}", out.stdout);
    assert!(out.stdout.contains("BRAND_NEW_STATUS"), "{}", out.stdout);
}
