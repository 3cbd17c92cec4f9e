//! No secret in any output, in any mode: every run here goes through `common::run`, which checks
//! the sentinel secrets, and the most talkative modes are checked for the Authorization header
//! the client actually sent.

use crate::common;
use crate::fault_helpers;
use common::*;
use fault_helpers::*;

/// The `response="..."` and `cnonce="..."` values of every Authorization header the emulator saw.
fn sent_digest_values(emu: &Emulator) -> Vec<String> {
    let mut values = Vec::new();
    for request in api_requests(emu) {
        let Some(auth) = request.header("authorization") else {
            continue;
        };
        for key in ["response=\"", "cnonce=\""] {
            if let Some((_, rest)) = auth.split_once(key) {
                values.push(rest.split('"').next().unwrap_or_default().to_string());
            }
        }
        values.push(auth.to_string());
    }
    values
}

fn assert_nothing_sent_is_printed(emu: &Emulator, out: &Run) {
    let sent = sent_digest_values(emu);
    assert!(!sent.is_empty());
    for value in sent {
        assert!(
            !out.stdout.contains(&value) && !out.stderr.contains(&value),
            "{value} leaked:\n{}",
            out.stderr
        );
    }
}

#[test]
fn very_verbose_runs_through_retries_and_stale_nonces_print_no_secret() {
    let emu = emulator();
    let id = emu.seed_endpoint(PROJECT, "AWS", "US_EAST_1", "ACTIVE");
    emu.set_rotate_nonce(true);
    for (_, route, _, args) in commands(&id) {
        emu.clear_requests();
        emu.inject(fault(route, status(429, Some(0)), 1));
        let home = scratch_home();
        let out = run(atlas(&emu, &home).args(&args).args(["-vv"]));
        assert!(out.stderr.contains("retry 1/3"), "{}", out.stderr);
        assert!(out.stderr.contains("401"), "{}", out.stderr);
        assert_nothing_sent_is_printed(&emu, &out);
    }
}

#[test]
fn secrets_stay_hidden_in_failures_with_a_wrong_key_and_every_fault() {
    let kinds = [
        status(500, None),
        FaultKind::Html,
        FaultKind::DropConnection,
        FaultKind::MalformedJson,
    ];
    for kind in kinds {
        let emu = emulator();
        emu.inject(fault(Route::Any, kind, 10));
        let home = scratch_home();
        let out = run(atlas(&emu, &home).args(["list", "-vv", "--retries", "1"]));
        assert_ne!(out.code, 0);
        assert_nothing_sent_is_printed(&emu, &out);
    }
    let emu = emulator();
    let home = scratch_home();
    let out = run(atlas(&emu, &home)
        .env(
            "MONGODB_ATLAS_PRIVATE_API_KEY",
            "wrong-private-key-sentinel-0451",
        )
        .args(["list", "-vv"]));
    assert_eq!(out.code, 3);
    assert_nothing_sent_is_printed(&emu, &out);
}

#[test]
fn a_private_key_passed_as_a_flag_is_not_echoed_in_usage_errors() {
    let emu = emulator();
    let home = scratch_home();
    let out = run(atlas(&emu, &home).args([
        "list",
        "--private-key",
        "wrong-private-key-sentinel-0451",
        "--retries",
        "99",
    ]));
    assert_eq!(out.code, 2, "{}", out.stderr);
    let out = run(atlas(&emu, &home).args([
        "list",
        "--private-key",
        "wrong-private-key-sentinel-0451",
        "--request-timeout",
        "never",
    ]));
    assert_eq!(out.code, 2, "{}", out.stderr);
}

#[test]
fn service_account_tokens_and_secrets_stay_hidden_through_retries() {
    let emu = emulator();
    emu.inject(fault(Route::List, status(503, Some(0)), 1));
    let home = scratch_home();
    let out = run(bare(&home)
        .env("MONGODB_ATLAS_BASE_URL", emu.base_url())
        .env("MONGODB_ATLAS_PROJECT_ID", PROJECT)
        .env(
            "MONGODB_ATLAS_CLIENT_ID",
            atlas_ear_emulator::DEMO_CLIENT_ID,
        )
        .env(
            "MONGODB_ATLAS_CLIENT_SECRET",
            atlas_ear_emulator::DEMO_CLIENT_SECRET,
        )
        .args(["list", "-vv"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stderr.contains("retry 1/3"), "{}", out.stderr);
    let mut credentials = Vec::new();
    for request in emu.requests() {
        if let Some(auth) = request.header("authorization") {
            let value = auth.split_once(' ').map_or(auth, |(_, v)| v);
            credentials.push(value.to_string());
        }
    }
    assert_eq!(
        credentials.len(),
        3,
        "basic for the token, then two bearer uses"
    );
    for credential in credentials {
        assert!(
            !out.stdout.contains(&credential) && !out.stderr.contains(&credential),
            "a credential leaked:\n{}",
            out.stderr
        );
    }
}
