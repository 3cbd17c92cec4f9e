//! The retry policy, proven over the wire: what is retried for which method, how long the
//! client waits, how many attempts it makes, and what `-v` reports.

use crate::common;
use crate::fault_helpers;
use common::*;
use fault_helpers::*;

#[test]
fn rate_limit_with_retry_after_costs_exactly_one_retry() {
    let emu = emulator();
    emu.inject(fault(Route::List, status(429, Some(1)), 1));
    let home = scratch_home();
    let out = run(atlas(&emu, &home).args(["list", "-v"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(statuses(&emu), vec![401, 429, 200]);
    assert_eq!(announced_delays(&out.stderr), vec![1000], "{}", out.stderr);
    assert!(
        out.stderr.contains("retry 1/3 of GET") && out.stderr.contains("after HTTP 429"),
        "{}",
        out.stderr
    );
}

#[test]
fn rate_limited_create_is_retried_with_jittered_backoff_and_creates_once() {
    let emu = emulator();
    emu.inject(fault(Route::Create, status(429, None), 1));
    let home = scratch_home();
    let out = run(atlas(&emu, &home).args(["create", "--region", "US_EAST_1", "-v"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(statuses(&emu), vec![401, 429, 202]);
    assert_eq!(emu.endpoints(PROJECT, "AWS").len(), 1);
    // No Retry-After: the first backoff step is 250 ms scaled by 0.5..1.5.
    let delays = announced_delays(&out.stderr);
    assert_eq!(delays.len(), 1, "{}", out.stderr);
    assert!((125..=375).contains(&delays[0]), "{delays:?}");
}

#[test]
fn server_errors_on_get_and_delete_are_retried() {
    for code in [500, 502, 503, 504] {
        let emu = emulator();
        let id = emu.seed_endpoint(PROJECT, "AWS", "US_EAST_1", "ACTIVE");
        emu.inject(fault(Route::Get, status(code, Some(0)), 1));
        emu.inject(fault(Route::Delete, status(code, Some(0)), 1));
        let home = scratch_home();
        let out = run(atlas(&emu, &home).args(["get", &id, "-o", "json"]));
        assert_eq!(out.code, 0, "{code}: {}", out.stderr);
        assert_eq!(json(&out.stdout)["id"], id.as_str());
        assert_eq!(attempts(&emu, "GET"), 2, "{code}");
        let out = run(atlas(&emu, &home).args(["delete", &id, "--yes"]));
        assert_eq!(out.code, 0, "{code}: {}", out.stderr);
        assert_eq!(attempts(&emu, "DELETE"), 2, "{code}");
        assert_eq!(emu.endpoints(PROJECT, "AWS")[0]["status"], "DELETING");
    }
}

#[test]
fn server_error_on_post_is_never_resent() {
    for code in [500, 502, 503, 504] {
        let emu = emulator();
        emu.inject(fault(Route::Create, status(code, Some(0)), 5));
        let home = scratch_home();
        let out = run(atlas(&emu, &home).args(["create", "--region", "US_EAST_1", "-v"]));
        assert_eq!(out.code, 6, "{code}: {}", out.stderr);
        assert!(out.stderr.contains(&code.to_string()), "{}", out.stderr);
        assert_eq!(attempts(&emu, "POST"), 1, "{code}: the POST went out once");
        assert!(
            !out.stderr.contains("retry 1/"),
            "no retry announced: {}",
            out.stderr
        );
    }
}

#[test]
fn dropped_connection_on_get_is_retried() {
    let emu = emulator();
    emu.inject(fault(Route::List, FaultKind::DropConnection, 1));
    let home = scratch_home();
    let out = run(atlas(&emu, &home).args(["list", "-v"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(statuses(&emu), vec![401, 0, 200]);
    assert_eq!(announced_delays(&out.stderr).len(), 1, "{}", out.stderr);
}

#[test]
fn retries_zero_means_one_attempt() {
    let emu = emulator();
    emu.inject(fault(Route::List, status(429, Some(0)), 100));
    let home = scratch_home();
    let out = run(atlas(&emu, &home).args(["list", "--retries", "0", "-v"]));
    assert_eq!(out.code, 5, "{}", out.stderr);
    assert_eq!(attempts(&emu, "GET"), 1);
    assert!(out.stderr.contains("retries are off"), "{}", out.stderr);
    assert!(out.stderr.contains("RATE_LIMITED"), "{}", out.stderr);
    assert!(out.stderr.contains("hint: rate limited"), "{}", out.stderr);
}

#[test]
fn never_more_than_retries_plus_one_attempts() {
    for retries in [None, Some(0), Some(1), Some(2), Some(5)] {
        let emu = emulator();
        emu.inject(fault(Route::Any, status(429, Some(0)), 1000));
        let home = scratch_home();
        let mut cmd = atlas(&emu, &home);
        cmd.args(["get", "aaaaaaaaaaaaaaaaaaaaaaaa"]);
        if let Some(n) = retries {
            cmd.args(["--retries", &n.to_string()]);
        }
        let out = run(&mut cmd);
        assert_eq!(out.code, 5, "{retries:?}: {}", out.stderr);
        let expected = retries.unwrap_or(3) as usize + 1;
        assert_eq!(all_attempts(&emu), expected, "{retries:?}");
        assert_eq!(
            api_requests(&emu).len(),
            expected + 1,
            "{retries:?}: one challenge, then only attempts"
        );
    }
}

#[test]
fn default_policy_backs_off_exponentially_on_persistent_503() {
    let emu = emulator();
    emu.inject(fault(Route::List, status(503, None), 1000));
    let home = scratch_home();
    let out = run(atlas(&emu, &home).args(["list", "-v"]));
    assert_eq!(out.code, 6, "{}", out.stderr);
    assert_eq!(attempts(&emu, "GET"), 4, "default: 3 retries, 4 attempts");
    let delays = announced_delays(&out.stderr);
    assert_eq!(delays.len(), 3, "{}", out.stderr);
    for (delay, step) in delays.iter().zip([250u64, 500, 1000]) {
        assert!(
            (step / 2..=step * 3 / 2).contains(delay),
            "{delay} ms outside 0.5..1.5 x {step} ms: {delays:?}"
        );
    }
    assert!(out.stderr.contains("all 3 retries used"), "{}", out.stderr);
    assert!(out.stderr.contains("503"), "{}", out.stderr);
}

#[test]
fn retry_after_beyond_the_budget_is_not_slept() {
    for retry_after in [121, u64::MAX] {
        let emu = emulator();
        emu.inject(fault(Route::List, status(429, Some(retry_after)), 10));
        let home = scratch_home();
        let out = run(atlas(&emu, &home).args(["list", "-v"]));
        assert_eq!(out.code, 5, "{retry_after}: {}", out.stderr);
        assert_eq!(attempts(&emu, "GET"), 1, "{retry_after}");
        assert!(
            out.stderr.contains("retry budget"),
            "{retry_after}: {}",
            out.stderr
        );
    }
}

#[test]
fn absurd_retry_after_after_a_real_wait_does_not_overflow() {
    let emu = emulator();
    emu.inject(fault(Route::List, status(429, Some(1)), 1));
    emu.inject(fault(Route::List, status(429, Some(u64::MAX)), 10));
    let home = scratch_home();
    let out = run(atlas(&emu, &home).args(["list", "-v"]));
    assert_eq!(out.code, 5, "{}", out.stderr);
    assert_eq!(attempts(&emu, "GET"), 2);
    assert_eq!(announced_delays(&out.stderr), vec![1000]);
    assert!(out.stderr.contains("retry budget"), "{}", out.stderr);
}

#[test]
fn retries_and_a_rotating_nonce_do_not_multiply_attempts() {
    let emu = emulator();
    emu.set_rotate_nonce(true);
    emu.inject(fault(Route::List, status(503, Some(0)), 1));
    let home = scratch_home();
    let out = run(atlas(&emu, &home).args(["list", "-o", "json"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    // The 503 used up the nonce, so the retry first meets a stale 401 and answers it.
    assert_eq!(statuses(&emu), vec![401, 503, 401, 200]);
    assert_eq!(attempts(&emu, "GET"), 2);
}

#[test]
fn retries_are_capped_at_ten() {
    let emu = emulator();
    let home = scratch_home();
    let out = run(atlas(&emu, &home).args(["list", "--retries", "11"]));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("--retries"), "{}", out.stderr);
    assert!(api_requests(&emu).is_empty());
    let out = run(atlas(&emu, &home).args(["list", "--retries", "10"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
}
