//! Where requests go: plain http only for this machine, https everywhere else, whichever source
//! the URL came from; and Atlas for Government through `--gov` or a `cloudgov` profile.

use crate::common;
use common::*;
use serde_json::Value;

const GOV: &str = "https://cloud.mongodbgov.com";

fn write_profile(home: &tempfile::TempDir, body: &str) {
    let dir = config_root(home).join("atlascli");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("config.toml"), format!("[default]\n{body}")).unwrap();
}

fn show(cmd: &mut assert_cmd::Command) -> Value {
    let out = run(cmd.args(["config", "show", "-o", "json"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    json(&out.stdout)
}

fn assert_refused(out: &Run, emu: &Emulator, names: &[&str]) {
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("https"), "{}", out.stderr);
    for name in names {
        assert!(out.stderr.contains(name), "{name} missing: {}", out.stderr);
    }
    assert!(emu.requests().is_empty(), "nothing may be sent");
}

#[test]
fn plain_http_to_another_host_is_refused_from_every_source() {
    let emu = emulator();
    let home = scratch_home();
    for host in [
        "http://cloud.mongodb.com",
        "http://10.0.0.1:8080",
        "http://0.0.0.0:8080",
        "http://localhost.example.com",
        "http://127.0.0.1.nip.io",
        "http://[fe80::1]:80",
    ] {
        let out = run(atlas(&emu, &home).args(["list", "--base-url", host]));
        assert_refused(&out, &emu, &["--base-url", "only allowed for this machine"]);
        let out = run(atlas(&emu, &home)
            .env("MONGODB_ATLAS_BASE_URL", host)
            .arg("list"));
        assert_refused(&out, &emu, &["MONGODB_ATLAS_BASE_URL"]);
        let out = run(atlas(&emu, &home)
            .env("MONGODB_ATLAS_OPS_MANAGER_URL", host)
            .arg("list"));
        assert_refused(&out, &emu, &["MONGODB_ATLAS_OPS_MANAGER_URL"]);
    }
    write_profile(&home, "ops_manager_url = \"http://cloud.mongodb.com/\"\n");
    let out = run(atlas(&emu, &home)
        .env_remove("MONGODB_ATLAS_BASE_URL")
        .arg("list"));
    assert_refused(&out, &emu, &["ops_manager_url", "config.toml:2"]);
}

#[test]
fn plain_http_to_this_machine_is_accepted() {
    let emu = emulator();
    let home = scratch_home();
    // A real request over http://localhost reaches the emulator.
    let localhost = emu.base_url().replace("127.0.0.1", "localhost");
    let out = run(atlas(&emu, &home).args(["list", "--base-url", &localhost]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(!api_requests(&emu).is_empty());
    // Other loopback spellings are accepted (checked without sending anything).
    for url in [
        "http://[::1]:8080",
        "http://127.0.0.2:8080",
        "http://LOCALHOST:1",
    ] {
        let doc = show(bare(&home).args(["--base-url", url]));
        assert_eq!(doc["base_url"]["source"], "flag", "{url}");
    }
    // https is accepted for any host.
    let doc = show(bare(&home).args(["--base-url", "https://atlas.example.com/prefix"]));
    assert_eq!(doc["base_url"]["value"], "https://atlas.example.com/prefix");
}

#[test]
fn gov_flag_targets_atlas_for_government() {
    let home = scratch_home();
    let doc = show(bare(&home).arg("--gov"));
    assert_eq!(doc["base_url"]["value"], GOV);
    assert_eq!(doc["base_url"]["source"], "flag");
    assert_eq!(doc["base_url"]["name"], "--gov");

    // --gov is a flag, so it beats the environment...
    let doc = show(
        bare(&home)
            .env("MONGODB_ATLAS_BASE_URL", "http://127.0.0.1:8080")
            .arg("--gov"),
    );
    assert_eq!(doc["base_url"]["value"], GOV);

    // ...but an explicit --base-url beats --gov.
    let doc = show(bare(&home).args(["--gov", "--base-url", "http://127.0.0.1:8080"]));
    assert_eq!(doc["base_url"]["value"], "http://127.0.0.1:8080");
    assert_eq!(doc["base_url"]["name"], "--base-url");
}

#[test]
fn a_cloudgov_profile_targets_atlas_for_government() {
    let home = scratch_home();
    write_profile(&home, "service = \"cloudgov\"\n");
    let doc = show(&mut bare(&home));
    assert_eq!(doc["base_url"]["value"], GOV);
    assert_eq!(doc["base_url"]["source"], "profile");
    assert_eq!(doc["base_url"]["key"], "service");

    // The environment beats the profile.
    let doc = show(bare(&home).env("MONGODB_ATLAS_BASE_URL", "http://127.0.0.1:8080"));
    assert_eq!(doc["base_url"]["value"], "http://127.0.0.1:8080");

    // The profile's own ops_manager_url beats its service.
    write_profile(
        &home,
        "service = \"cloudgov\"\nops_manager_url = \"https://om.example.com/\"\n",
    );
    let doc = show(&mut bare(&home));
    assert_eq!(doc["base_url"]["value"], "https://om.example.com");

    // service = "cloud" is commercial Atlas.
    write_profile(&home, "service = \"cloud\"\n");
    let doc = show(&mut bare(&home));
    assert_eq!(doc["base_url"]["value"], "https://cloud.mongodb.com");
}

#[test]
fn the_token_endpoint_is_on_the_api_host() {
    // With a service account, the token request goes to the same host as the API (for --gov,
    // cloud.mongodbgov.com; a unit test in client/bearer.rs checks that URL). Here --base-url
    // wins over --gov and points both at the emulator.
    let emu = emulator();
    let home = scratch_home();
    let out = run(bare(&home)
        .env(
            "MONGODB_ATLAS_CLIENT_ID",
            atlas_ear_emulator::DEMO_CLIENT_ID,
        )
        .env(
            "MONGODB_ATLAS_CLIENT_SECRET",
            atlas_ear_emulator::DEMO_CLIENT_SECRET,
        )
        .env("MONGODB_ATLAS_PROJECT_ID", PROJECT)
        .args(["--gov", "--base-url", &emu.base_url(), "list"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let paths: Vec<String> = emu.requests().into_iter().map(|r| r.path).collect();
    assert_eq!(
        paths,
        ["/api/oauth/token".to_string(), collection_path("AWS")]
    );
}
