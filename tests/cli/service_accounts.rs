//! Service accounts against the emulator: one token request serves many invocations, the token
//! cache is private, a rejected cached token is renewed exactly once, and neither the client
//! secret nor the token is ever printed.

use crate::common;
use atlas_ear_emulator::{DEMO_CLIENT_ID, DEMO_CLIENT_SECRET};
use common::*;
use std::path::PathBuf;

const TOKEN_PATH: &str = "/api/oauth/token";

/// `atlas-ear` with a service account (and no API key) for `emu`.
fn service_account(emu: &Emulator, home: &tempfile::TempDir) -> assert_cmd::Command {
    let mut cmd = bare(home);
    cmd.env("MONGODB_ATLAS_BASE_URL", emu.base_url())
        .env("MONGODB_ATLAS_CLIENT_ID", DEMO_CLIENT_ID)
        .env("MONGODB_ATLAS_CLIENT_SECRET", DEMO_CLIENT_SECRET)
        .env("MONGODB_ATLAS_PROJECT_ID", PROJECT);
    cmd
}

fn token_requests(emu: &Emulator) -> Vec<LoggedRequest> {
    emu.requests()
        .into_iter()
        .filter(|r| r.path == TOKEN_PATH)
        .collect()
}

fn cache_dir(home: &tempfile::TempDir) -> PathBuf {
    cache_root(home).join("atlas-ear").join("tokens")
}

/// The one cache file a test's runs wrote.
fn cache_file(home: &tempfile::TempDir) -> PathBuf {
    let files: Vec<PathBuf> = std::fs::read_dir(cache_dir(home))
        .expect("the token cache directory exists")
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1, "exactly one cache file: {files:?}");
    files.into_iter().next().unwrap()
}

fn cached(home: &tempfile::TempDir) -> serde_json::Value {
    json(&std::fs::read_to_string(cache_file(home)).unwrap())
}

fn rewrite_cache(home: &tempfile::TempDir, change: impl FnOnce(&mut serde_json::Value)) {
    let mut entry = cached(home);
    change(&mut entry);
    std::fs::write(cache_file(home), entry.to_string()).unwrap();
}

fn assert_ok(out: &Run) {
    assert_eq!(
        out.code, 0,
        "stdout: {}\nstderr: {}",
        out.stdout, out.stderr
    );
}

#[test]
fn three_invocations_cost_one_token_request() {
    let emu = emulator();
    let home = scratch_home();
    for _ in 0..3 {
        assert_ok(&run(service_account(&emu, &home).arg("list")));
    }
    assert_eq!(emu.tokens_issued(), 1);
    let tokens = token_requests(&emu);
    assert_eq!(tokens.len(), 1);

    let token_request = &tokens[0];
    assert_eq!(token_request.method, "POST");
    assert_eq!(token_request.body, "grant_type=client_credentials");
    assert_eq!(
        token_request.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(token_request.header("accept"), Some("application/json"));
    let basic = token_request.header("authorization").unwrap();
    assert!(basic.starts_with("Basic "), "{basic}");

    let api = api_requests(&emu);
    assert_eq!(api.len(), 3, "one API request per invocation, no 401s");
    let token = cached(&home)["access_token"].as_str().unwrap().to_string();
    for request in &api {
        assert_eq!(request.status, 200);
        assert_eq!(
            request.header("authorization"),
            Some(format!("Bearer {token}").as_str())
        );
    }
}

#[test]
fn the_cache_file_is_private_and_keyed_by_url_and_client() {
    let emu = emulator();
    let home = scratch_home();
    assert_ok(&run(service_account(&emu, &home).arg("list")));
    let file = cache_file(&home);
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(
        !text.contains(DEMO_CLIENT_SECRET),
        "the secret is not stored"
    );
    let entry = json(&text);
    assert_eq!(entry["base_url"], emu.base_url());
    assert_eq!(entry["client_id"], DEMO_CLIENT_ID);
    let lifetime = entry["expires_at"].as_u64().unwrap() - entry["obtained_at"].as_u64().unwrap();
    assert_eq!(lifetime, 3600);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "cache file mode {mode:o}");
        let mode = std::fs::metadata(cache_dir(&home))
            .unwrap()
            .permissions()
            .mode()
            & 0o777;
        assert_eq!(mode, 0o700, "cache directory mode {mode:o}");
    }

    // Another emulator is another base URL: its own token, its own file.
    let other = emulator();
    assert_ok(&run(service_account(&other, &home).arg("list")));
    assert_eq!(other.tokens_issued(), 1);
    assert_eq!(std::fs::read_dir(cache_dir(&home)).unwrap().count(), 2);
}

#[test]
fn a_token_expired_at_the_server_is_renewed_once() {
    let emu = emulator();
    let home = scratch_home();
    assert_ok(&run(service_account(&emu, &home).arg("list")));
    let first_token = cached(&home)["access_token"].clone();
    emu.expire_tokens();
    emu.clear_requests();

    let out = run(service_account(&emu, &home).args(["list", "-v"]));
    assert_ok(&out);
    assert_eq!(emu.tokens_issued(), 2);
    let sequence: Vec<(String, u16)> = emu
        .requests()
        .iter()
        .map(|r| (r.path.clone(), r.status))
        .collect();
    assert_eq!(
        sequence,
        vec![
            (collection_path("AWS"), 401),
            (TOKEN_PATH.to_string(), 200),
            (collection_path("AWS"), 200),
        ],
        "the cached token is rejected, one new token is fetched, the call is repeated once"
    );
    assert!(out.stderr.contains("rejected"), "{}", out.stderr);
    let second_token = cached(&home)["access_token"].clone();
    assert_ne!(first_token, second_token, "the cache holds the new token");
    for token in [&first_token, &second_token] {
        let token = token.as_str().unwrap();
        assert!(!out.stderr.contains(token) && !out.stdout.contains(token));
    }

    // And the renewed token is reused by the next invocation.
    assert_ok(&run(service_account(&emu, &home).arg("list")));
    assert_eq!(emu.tokens_issued(), 2);
}

#[test]
fn a_token_near_its_expiry_is_renewed_before_use() {
    let emu = emulator();
    let home = scratch_home();
    assert_ok(&run(service_account(&emu, &home).arg("list")));
    rewrite_cache(&home, |entry| {
        // Thirty seconds left of an hour: inside the renewal margin.
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs();
        entry["obtained_at"] = (now - 3570).into();
        entry["expires_at"] = (now + 30).into();
    });
    emu.clear_requests();
    assert_ok(&run(service_account(&emu, &home).arg("list")));
    let sequence: Vec<(String, u16)> = emu
        .requests()
        .iter()
        .map(|r| (r.path.clone(), r.status))
        .collect();
    assert_eq!(
        sequence,
        vec![(TOKEN_PATH.to_string(), 200), (collection_path("AWS"), 200)],
        "renewed first, so no request is wasted on a 401"
    );
    assert_eq!(emu.tokens_issued(), 2);
}

#[test]
fn a_fresh_token_that_is_rejected_is_not_retried() {
    // Tokens that are dead on arrival: the client must give up after one token request.
    let emu = emulator_with(|c| c.token_lifetime = std::time::Duration::ZERO);
    let home = scratch_home();
    let out = run(service_account(&emu, &home).arg("list"));
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(out.stderr.contains("401"), "{}", out.stderr);
    assert_eq!(emu.tokens_issued(), 1);
    assert_eq!(api_requests(&emu).len(), 1);
}

#[test]
fn a_wrong_secret_fails_at_the_token_endpoint_with_exit_3() {
    let emu = emulator();
    let home = scratch_home();
    let out = run(service_account(&emu, &home)
        .env(
            "MONGODB_ATLAS_CLIENT_SECRET",
            "wrong-private-key-sentinel-0451",
        )
        .arg("list"));
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(out.stderr.contains(DEMO_CLIENT_ID), "{}", out.stderr);
    assert!(out.stderr.contains("--client-secret"), "{}", out.stderr);
    assert!(out.stderr.contains("401"), "{}", out.stderr);
    assert_eq!(token_requests(&emu).len(), 1);
    assert!(
        api_requests(&emu).is_empty(),
        "no API request without a token"
    );
    assert!(
        !cache_dir(&home).exists() || std::fs::read_dir(cache_dir(&home)).unwrap().count() == 0
    );
}

#[test]
fn a_cached_token_is_not_reused_with_another_secret() {
    let emu = emulator();
    let home = scratch_home();
    assert_ok(&run(service_account(&emu, &home).arg("list")));
    let out = run(service_account(&emu, &home)
        .env(
            "MONGODB_ATLAS_CLIENT_SECRET",
            "wrong-private-key-sentinel-0451",
        )
        .arg("list"));
    assert_eq!(
        out.code, 3,
        "a wrong secret must not ride on a cached token"
    );
    assert_eq!(token_requests(&emu).len(), 2);
    assert_eq!(api_requests(&emu).len(), 1);
}

#[test]
fn an_unwritable_cache_only_costs_a_token_per_run() {
    let emu = emulator();
    let home = scratch_home();
    // A file where the cache folder should be, on every platform.
    let blocker = cache_root(&home);
    std::fs::create_dir_all(blocker.parent().unwrap()).unwrap();
    std::fs::write(&blocker, "x").unwrap();
    for _ in 0..2 {
        let out = run(service_account(&emu, &home).args(["list", "-v"]));
        assert_ok(&out);
        assert!(out.stderr.contains("could not cache"), "{}", out.stderr);
    }
    assert_eq!(emu.tokens_issued(), 2);
}

#[test]
fn create_and_delete_send_the_bearer_token_and_verbose_names_the_kind() {
    let emu = emulator();
    let home = scratch_home();
    let out = run(service_account(&emu, &home).args([
        "create",
        "--region",
        "US_EAST_1",
        "-o",
        "json",
        "-v",
    ]));
    assert_ok(&out);
    assert!(
        out.stderr.contains("auth: service account") && out.stderr.contains(DEMO_CLIENT_ID),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("env MONGODB_ATLAS_CLIENT_ID"),
        "{}",
        out.stderr
    );
    let id = json(&out.stdout)["id"].as_str().unwrap().to_string();
    let out = run(service_account(&emu, &home).args(["delete", &id, "--yes"]));
    assert_ok(&out);
    let api = api_requests(&emu);
    assert_eq!(
        api.iter().map(|r| r.method.as_str()).collect::<Vec<_>>(),
        ["POST", "DELETE"]
    );
    assert!(api.iter().all(|r| {
        r.header("authorization")
            .is_some_and(|a| a.starts_with("Bearer "))
    }));
    assert_eq!(api[0].body, r#"{"regionName":"US_EAST_1"}"#);
    assert_eq!(emu.tokens_issued(), 1);
    let token = cached(&home)["access_token"].as_str().unwrap().to_string();
    assert!(!out.stderr.contains(&token) && !out.stdout.contains(&token));
}

fn token_fault(emu: &Emulator, status: u16, retry_after: Option<u64>) {
    emu.inject(Fault {
        route: Route::Token,
        kind: FaultKind::Status {
            status,
            retry_after,
        },
        count: 1,
    });
}

#[test]
fn the_token_request_is_retried_after_a_429_or_a_5xx() {
    for (status, retry_after) in [(429, Some(0)), (503, None), (500, None)] {
        let emu = emulator();
        token_fault(&emu, status, retry_after);
        let home = scratch_home();
        let out = run(service_account(&emu, &home).args(["list", "-v"]));
        assert_ok(&out);
        let statuses: Vec<u16> = token_requests(&emu).iter().map(|r| r.status).collect();
        assert_eq!(statuses, vec![status, 200], "{}", out.stderr);
        assert_eq!(emu.tokens_issued(), 1);
        assert!(
            out.stderr.contains("retry 1/3 of the token request"),
            "{}",
            out.stderr
        );
    }
}

#[test]
fn token_retries_follow_the_retries_flag() {
    let emu = emulator();
    token_fault(&emu, 503, None);
    let home = scratch_home();
    let out = run(service_account(&emu, &home).args(["list", "--retries", "0"]));
    assert_eq!(out.code, 6, "{}", out.stderr);
    assert!(
        out.stderr.contains("could not get an access token"),
        "{}",
        out.stderr
    );
    assert_eq!(token_requests(&emu).len(), 1);
    assert!(api_requests(&emu).is_empty());
}

#[test]
fn a_token_request_that_keeps_failing_costs_its_own_retries_only() {
    let emu = emulator();
    emu.inject(Fault {
        route: Route::Token,
        kind: FaultKind::DropConnection,
        count: 100,
    });
    let home = scratch_home();
    let out = run(service_account(&emu, &home).args(["list"]));
    assert_eq!(out.code, 6, "{}", out.stderr);
    assert_eq!(
        token_requests(&emu).len(),
        4,
        "one request and three retries, not retries of retries: {}",
        out.stderr
    );
    assert!(
        api_requests(&emu).is_empty(),
        "no API request without a token"
    );
}
