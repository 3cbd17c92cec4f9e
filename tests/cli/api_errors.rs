//! Non-2xx answers and unusable responses: one clear message, the documented exit code, and
//! never a loop or a panic.

use crate::common;
use common::*;

#[test]
fn wrong_keys_stop_after_one_fresh_challenge() {
    let emu = emulator();
    let home = scratch_home();
    let out = run(atlas(&emu, &home)
        .env(
            "MONGODB_ATLAS_PRIVATE_API_KEY",
            "wrong-private-key-sentinel-0451",
        )
        .arg("list"));
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(out.stderr.contains("401"), "{}", out.stderr);
    assert!(
        out.stderr.contains("access list"),
        "hint expected: {}",
        out.stderr
    );
    assert_eq!(
        api_requests(&emu).len(),
        2,
        "challenge + one answer, then stop"
    );
}

#[test]
fn not_found_exits_4_with_code_and_hint() {
    let emu = emulator();
    let home = scratch_home();
    let out = run(atlas(&emu, &home).args(["get", "aaaaaaaaaaaaaaaaaaaaaaaa"]));
    assert_eq!(out.code, 4, "{}", out.stderr);
    assert!(out.stderr.contains("404"));
    assert!(out.stderr.contains("RESOURCE_NOT_FOUND"), "{}", out.stderr);
    assert!(out.stderr.contains("hint:"));
    assert_eq!(out.stdout, "");
}

#[test]
fn duplicate_region_exits_5_with_conflict() {
    let emu = emulator();
    emu.seed_endpoint(PROJECT, "AWS", "US_EAST_1", "ACTIVE");
    let home = scratch_home();
    let out = run(atlas(&emu, &home).args(["create", "--region", "US_EAST_1"]));
    assert_eq!(out.code, 5, "{}", out.stderr);
    assert!(out.stderr.contains("409"), "{}", out.stderr);
    assert!(out.stderr.contains("already exists"), "{}", out.stderr);
}

#[test]
fn server_error_exits_6() {
    let emu = emulator();
    emu.inject(Fault {
        route: Route::Any,
        kind: FaultKind::Status {
            status: 500,
            retry_after: None,
        },
        count: 10,
    });
    let home = scratch_home();
    let out = run(atlas(&emu, &home).args(["create", "--region", "US_EAST_1", "--retries", "0"]));
    assert_eq!(out.code, 6, "{}", out.stderr);
    assert!(out.stderr.contains("500"), "{}", out.stderr);
    assert!(out.stderr.contains("UNEXPECTED_ERROR"), "{}", out.stderr);
}

#[test]
fn html_and_broken_json_are_reported_not_panicked_on() {
    for (kind, needle) in [
        (FaultKind::Html, "text/html"),
        (FaultKind::TruncatedJson, "application/json"),
        (FaultKind::MalformedJson, "application/json"),
    ] {
        let emu = emulator();
        emu.inject(Fault {
            route: Route::List,
            kind: kind.clone(),
            count: 1,
        });
        let home = scratch_home();
        let out = run(atlas(&emu, &home).arg("list"));
        assert_eq!(out.code, 6, "{kind:?}: {}", out.stderr);
        assert!(out.stderr.contains("200"), "{kind:?}: {}", out.stderr);
        assert!(out.stderr.contains(needle), "{kind:?}: {}", out.stderr);
        assert_eq!(out.stdout, "");
    }
}

#[test]
fn unreachable_server_exits_6() {
    // Bind and drop a listener to find a port where nothing listens.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let emu = emulator();
    let home = scratch_home();
    let out = run(atlas(&emu, &home)
        .env("MONGODB_ATLAS_BASE_URL", format!("http://127.0.0.1:{port}"))
        .args(["list", "--retries", "0"]));
    assert_eq!(out.code, 6, "{}", out.stderr);
    assert!(out.stderr.contains("connect"), "{}", out.stderr);
}

#[test]
fn expired_nonce_costs_exactly_one_extra_request() {
    let emu = emulator();
    for i in 0..600 {
        emu.seed_endpoint(PROJECT, "AWS", atlas_ear::AWS_REGIONS[i % 39], "ACTIVE");
    }
    // Every answer invalidates the nonce it accepted, so page 2 meets an expired nonce.
    emu.set_rotate_nonce(true);
    let home = scratch_home();
    let out = run(atlas(&emu, &home).args(["list", "-o", "json"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(json(&out.stdout)["results"].as_array().unwrap().len(), 600);
    let statuses: Vec<u16> = api_requests(&emu).iter().map(|r| r.status).collect();
    assert_eq!(statuses, vec![401, 200, 401, 200]);
}

#[test]
fn forbidden_exits_3_with_the_role_hint() {
    let emu = emulator();
    emu.inject(Fault {
        route: Route::List,
        kind: FaultKind::Status {
            status: 403,
            retry_after: None,
        },
        count: 1,
    });
    let home = scratch_home();
    let out = run(atlas(&emu, &home).arg("list"));
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(out.stderr.contains("403"), "{}", out.stderr);
    assert!(out.stderr.contains("Project Owner"), "{}", out.stderr);
}

#[test]
fn unaccepted_api_version_exits_5_with_the_version_hint() {
    let emu = emulator();
    let home = scratch_home();
    let out = run(atlas(&emu, &home).args(["list", "--api-version", "2099-01-01"]));
    assert_eq!(out.code, 5, "{}", out.stderr);
    assert!(out.stderr.contains("406"), "{}", out.stderr);
    assert!(out.stderr.contains("--api-version"), "{}", out.stderr);
}

#[test]
fn rate_limited_without_retries_exits_5_with_the_hint() {
    let emu = emulator();
    emu.inject(Fault {
        route: Route::List,
        kind: FaultKind::Status {
            status: 429,
            retry_after: Some(1),
        },
        count: 1,
    });
    let home = scratch_home();
    let out = run(atlas(&emu, &home).args(["list", "--retries", "0"]));
    assert_eq!(out.code, 5, "{}", out.stderr);
    assert!(out.stderr.contains("429"), "{}", out.stderr);
    assert!(out.stderr.contains("RATE_LIMITED"), "{}", out.stderr);
    assert!(out.stderr.contains("rate limited"), "{}", out.stderr);
}
