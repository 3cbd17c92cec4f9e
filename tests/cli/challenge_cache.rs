//! The challenge cache across invocations: what a second run costs, what a stale or damaged
//! cache costs, `--no-cache`, the file's permissions, and concurrent processes.

use crate::common;
use common::*;
use std::collections::HashSet;
use std::path::PathBuf;

/// The `name=value` parameter of an `Authorization: Digest` header, quotes removed.
fn digest_param(request: &LoggedRequest, name: &str) -> String {
    let header = request.header("authorization").expect("authenticated");
    header
        .trim_start_matches("Digest ")
        .split(", ")
        .find_map(|pair| pair.strip_prefix(&format!("{name}=")))
        .unwrap_or_else(|| panic!("no {name} in {header}"))
        .trim_matches('"')
        .to_string()
}

fn nc_of(request: &LoggedRequest) -> u32 {
    u32::from_str_radix(&digest_param(request, "nc"), 16).expect("hex nc")
}

fn cache_dir(home: &tempfile::TempDir) -> PathBuf {
    cache_root(home).join("atlas-ear").join("challenges")
}

/// The one cache file a run against one emulator with one key leaves behind.
fn cache_file(home: &tempfile::TempDir) -> PathBuf {
    let files: Vec<PathBuf> = std::fs::read_dir(cache_dir(home))
        .expect("cache dir exists")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    files[0].clone()
}

/// Runs `list` and checks it succeeded; returns the API requests it cost.
fn list_costs(emu: &Emulator, home: &tempfile::TempDir, extra: &[&str]) -> Vec<LoggedRequest> {
    emu.clear_requests();
    let out = run(atlas(emu, home).arg("list").args(extra));
    assert_eq!(out.code, 0, "{}", out.stderr);
    api_requests(emu)
}

#[test]
fn a_second_run_within_the_lifetime_costs_one_request() {
    let emu = emulator();
    let home = scratch_home();
    let first = list_costs(&emu, &home, &[]);
    assert_eq!(first.len(), 2, "a cold cache pays for the challenge");
    let nonce = digest_param(&first[1], "nonce");

    let second = list_costs(&emu, &home, &[]);
    assert_eq!(second.len(), 1, "answered pre-emptively from the cache");
    assert!(second[0].is_authenticated());
    assert_eq!(second[0].status, 200);
    assert_eq!(digest_param(&second[0], "nonce"), nonce);
    assert_eq!(nc_of(&second[0]), 2, "the next nc after the first run's");

    let third = list_costs(&emu, &home, &[]);
    assert_eq!(third.len(), 1);
    assert_eq!(nc_of(&third[0]), 3);
}

#[test]
fn other_commands_use_the_cache_too() {
    let emu = emulator();
    let home = scratch_home();
    list_costs(&emu, &home, &[]);
    emu.clear_requests();
    let out = run(atlas(&emu, &home).args(["create", "--region", "US_EAST_1", "-o", "json"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let id = json(&out.stdout)["id"].as_str().unwrap().to_string();
    let out = run(atlas(&emu, &home).args(["get", &id]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let out = run(atlas(&emu, &home).args(["delete", &id, "--yes"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let requests = api_requests(&emu);
    let methods: Vec<&str> = requests.iter().map(|r| r.method.as_str()).collect();
    assert_eq!(
        methods,
        ["POST", "GET", "DELETE"],
        "one request per command"
    );
    assert!(
        requests
            .iter()
            .all(|r| r.is_authenticated() && r.status < 300)
    );
}

#[test]
fn a_stale_cached_nonce_costs_exactly_two() {
    let emu = emulator();
    let home = scratch_home();
    let first = list_costs(&emu, &home, &[]);
    let old_nonce = digest_param(&first[1], "nonce");
    emu.expire_nonces();

    let stale = list_costs(&emu, &home, &[]);
    assert_eq!(
        stale.len(),
        2,
        "the stale answer, then the new challenge answered"
    );
    assert_eq!(stale[0].status, 401);
    assert_eq!(digest_param(&stale[0], "nonce"), old_nonce);
    assert_eq!(stale[1].status, 200);
    let new_nonce = digest_param(&stale[1], "nonce");
    assert_ne!(new_nonce, old_nonce);
    assert_eq!(nc_of(&stale[1]), 1);

    let after = list_costs(&emu, &home, &[]);
    assert_eq!(after.len(), 1, "the new challenge was cached");
    assert_eq!(digest_param(&after[0], "nonce"), new_nonce);
    assert_eq!(nc_of(&after[0]), 2);
}

#[test]
fn no_cache_costs_two_and_touches_no_file() {
    let emu = emulator();
    let home = scratch_home();
    let cold = list_costs(&emu, &home, &["--no-cache"]);
    assert_eq!(cold.len(), 2);
    assert!(!cold[0].is_authenticated());
    assert!(
        !cache_dir(&home).exists(),
        "--no-cache writes nothing to disk"
    );

    list_costs(&emu, &home, &[]);
    let before = std::fs::read(cache_file(&home)).unwrap();
    let bypass = list_costs(&emu, &home, &["--no-cache"]);
    assert_eq!(bypass.len(), 2, "a warm cache is not even read");
    assert!(!bypass[0].is_authenticated());
    assert_eq!(bypass[0].status, 401);
    assert_eq!(std::fs::read(cache_file(&home)).unwrap(), before);
}

/// Unix only: file modes (Windows protects the cache through the profile's access list).
#[cfg(unix)]
#[test]
fn the_cache_file_is_private_and_holds_no_secret() {
    use std::os::unix::fs::PermissionsExt;
    let emu = emulator();
    let home = scratch_home();
    let requests = list_costs(&emu, &home, &[]);
    let path = cache_file(&home);
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&path), 0o600, "{}", path.display());
    assert_eq!(mode(&cache_dir(&home)), 0o700);
    assert_eq!(mode(&path.with_extension("lock")), 0o600);

    let text = std::fs::read_to_string(&path).unwrap();
    assert!(!text.contains(atlas_ear_emulator::DEMO_PRIVATE_KEY));
    let doc = json(&text);
    assert_eq!(doc["nonce"], digest_param(&requests[1], "nonce").as_str());
    assert_eq!(doc["realm"], "MMS Public API");
    assert_eq!(doc["qop"], "auth");
    assert_eq!(doc["algorithm"], "MD5");
    assert_eq!(doc["nc"], 1);
    assert_eq!(doc["publicKey"], atlas_ear_emulator::DEMO_PUBLIC_KEY);
    assert_eq!(doc["baseUrl"], emu.base_url().as_str());
    let leftovers: Vec<_> = std::fs::read_dir(cache_dir(&home))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n.to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(
        leftovers.is_empty(),
        "no temporary files left: {leftovers:?}"
    );
}

#[test]
fn a_corrupt_cache_file_is_ignored_and_replaced() {
    let emu = emulator();
    let home = scratch_home();
    list_costs(&emu, &home, &[]);
    let path = cache_file(&home);
    let good = std::fs::read_to_string(&path).unwrap();
    let with_bad_nonce = {
        let mut doc = json(&good);
        doc["nonce"] = "line\r\nbreak".into();
        doc.to_string()
    };
    let damaged: [&[u8]; 5] = [
        b"",
        b"\x00\xff not json at all",
        &good.as_bytes()[..good.len() / 2],
        br#"{"format": 1, "nonce": 7}"#,
        with_bad_nonce.as_bytes(),
    ];
    for bytes in damaged {
        std::fs::write(&path, bytes).unwrap();
        let requests = list_costs(&emu, &home, &[]);
        assert_eq!(
            requests.len(),
            2,
            "a damaged cache costs a handshake, nothing more: {}",
            String::from_utf8_lossy(bytes)
        );
        assert!(!requests[0].is_authenticated());
        let repaired = json(&std::fs::read_to_string(&path).unwrap());
        assert_eq!(
            repaired["nonce"],
            digest_param(&requests[1], "nonce").as_str()
        );
    }
}

/// Unix only: file modes (Windows protects the cache through the profile's access list).
#[cfg(unix)]
#[test]
fn a_cache_file_open_to_others_is_ignored_and_replaced() {
    use std::os::unix::fs::PermissionsExt;
    let emu = emulator();
    let home = scratch_home();
    list_costs(&emu, &home, &[]);
    let path = cache_file(&home);
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let requests = list_costs(&emu, &home, &[]);
    assert_eq!(requests.len(), 2, "not trusted: a fresh handshake");
    assert!(!requests[0].is_authenticated());
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "replaced by a private file");
    assert_eq!(list_costs(&emu, &home, &[]).len(), 1);
}

#[test]
fn list_over_pages_never_repeats_a_challenge_with_a_warm_cache() {
    let emu = emulator();
    let home = scratch_home();
    list_costs(&emu, &home, &[]);
    for i in 0..1200 {
        let region = atlas_ear::AWS_REGIONS[i % 39];
        emu.seed_endpoint(PROJECT, "AWS", region, "ACTIVE");
    }
    let pages = list_costs(&emu, &home, &["-o", "json"]);
    assert_eq!(pages.len(), 3, "three pages, no challenge at all");
    assert!(
        pages
            .iter()
            .all(|r| r.is_authenticated() && r.status == 200)
    );
    let nonces: HashSet<String> = pages.iter().map(|r| digest_param(r, "nonce")).collect();
    assert_eq!(nonces.len(), 1);
    let ncs: Vec<u32> = pages.iter().map(nc_of).collect();
    assert_eq!(ncs, [2, 3, 4]);
}

#[test]
fn concurrent_processes_never_reuse_an_nc() {
    const PROCESSES: usize = 8;
    let emu = emulator();
    let home = scratch_home();
    list_costs(&emu, &home, &[]);
    emu.clear_requests();

    let children: Vec<std::process::Child> = (0..PROCESSES)
        .map(|_| {
            let mut cmd = env_command(&emu, &home, atlas_binary());
            cmd.args(["list", "-o", "json"])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped());
            cmd.spawn().expect("spawn atlas-ear")
        })
        .collect();
    for child in children {
        let output = child.wait_with_output().expect("child finishes");
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }

    let requests = api_requests(&emu);
    let authenticated: Vec<&LoggedRequest> =
        requests.iter().filter(|r| r.is_authenticated()).collect();
    let pairs: HashSet<(String, u32)> = authenticated
        .iter()
        .map(|r| (digest_param(r, "nonce"), nc_of(r)))
        .collect();
    assert_eq!(
        pairs.len(),
        authenticated.len(),
        "every (nonce, nc) pair is used once"
    );
    assert_eq!(
        requests.iter().filter(|r| r.status == 200).count(),
        PROCESSES
    );
    // A process overtaken on the wire by one with a higher nc pays one extra request, at most.
    assert!(
        requests.len() <= 2 * PROCESSES,
        "{} requests",
        requests.len()
    );
    let text = std::fs::read_to_string(cache_file(&home)).unwrap();
    json(&text);
}
