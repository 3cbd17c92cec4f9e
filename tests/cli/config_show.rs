//! `atlas-ear config show`: each resolved setting with its value and source, secrets masked in
//! both forms, and no request sent.

use crate::common;
use atlas_ear_emulator::{DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_PRIVATE_KEY, DEMO_PUBLIC_KEY};
use common::*;

const SETTINGS: [&str; 16] = [
    "profile",
    "base_url",
    "project_id",
    "auth",
    "public_key",
    "private_key",
    "client_id",
    "client_secret",
    "token_cache",
    "provider",
    "api_version",
    "output",
    "retries",
    "request_timeout",
    "ca_cert",
    "proxy",
];

fn write_profile(home: &tempfile::TempDir, body: &str) -> std::path::PathBuf {
    let dir = config_root(home).join("atlascli");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("config.toml");
    std::fs::write(&path, body).unwrap();
    path
}

#[test]
fn the_table_names_every_setting_and_source_and_masks_secrets() {
    let emu = emulator();
    let home = scratch_home();
    let path = write_profile(
        &home,
        &format!(
            "[default]\nclient_id = \"{DEMO_CLIENT_ID}\"\nclient_secret = \"{DEMO_CLIENT_SECRET}\"\n"
        ),
    );
    // Secrets given the worst way, as flags, must still never be printed.
    let out = run(atlas(&emu, &home).args([
        "config",
        "show",
        "--private-key",
        DEMO_PRIVATE_KEY,
        "--public-key",
        DEMO_PUBLIC_KEY,
    ]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    for setting in SETTINGS {
        assert!(
            out.stdout.contains(setting),
            "{setting} missing:\n{}",
            out.stdout
        );
    }
    for expected in [
        "SOURCE",
        "flag --private-key",
        "flag --public-key",
        "env MONGODB_ATLAS_BASE_URL",
        "env MONGODB_ATLAS_PROJECT_ID",
        "profile 'default' client_secret",
        path.to_str().unwrap(),
        "********",
        DEMO_CLIENT_ID,
        &emu.base_url(),
        PROJECT,
        "API key",
    ] {
        assert!(
            out.stdout.contains(expected),
            "{expected} missing:\n{}",
            out.stdout
        );
    }
    assert!(emu.requests().is_empty(), "config show sends nothing");
}

#[test]
fn the_json_form_is_one_object_keyed_by_setting() {
    let emu = emulator();
    let home = scratch_home();
    let out = run(atlas(&emu, &home)
        .env("MONGODB_ATLAS_CLIENT_SECRET", DEMO_CLIENT_SECRET)
        .args(["config", "show", "-o", "json"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc = json(&out.stdout);
    let keys: Vec<&str> = doc
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let mut expected = SETTINGS.to_vec();
    expected.sort_unstable();
    assert_eq!(keys, expected);
    assert_eq!(doc["private_key"]["value"], "********");
    assert_eq!(doc["private_key"]["source"], "env");
    assert_eq!(doc["private_key"]["name"], "MONGODB_ATLAS_PRIVATE_API_KEY");
    assert_eq!(doc["client_secret"]["value"], "********");
    assert_eq!(doc["public_key"]["value"], DEMO_PUBLIC_KEY);
    assert_eq!(doc["client_id"]["value"], serde_json::Value::Null);
    assert_eq!(doc["client_id"]["source"], serde_json::Value::Null);
    assert_eq!(doc["base_url"]["value"], emu.base_url());
    assert_eq!(doc["project_id"]["value"], PROJECT);
    assert_eq!(doc["token_cache"]["source"], "default");
    assert_eq!(
        doc["token_cache"]["value"],
        cache_root(&home)
            .join("atlas-ear")
            .join("tokens")
            .to_str()
            .unwrap()
    );
    // A lone client secret at the same precedence as a complete API key: the service account
    // would win the tie but is incomplete, and the report says what is missing.
    assert_eq!(doc["auth"]["value"], serde_json::Value::Null);
    let note = doc["auth"]["note"].as_str().unwrap();
    assert!(note.contains("--client-id"), "{note}");
    assert!(emu.requests().is_empty());
}

#[test]
fn problems_are_shown_not_fatal_except_a_broken_profile() {
    let home = scratch_home();
    let out = run(bare(&home).args(["config", "show", "--project-id", "nope"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains("project_id: the project id"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("auth: no credentials"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("not found in"), "{}", out.stdout);

    let path = write_profile(&home, "[default\n");
    let out = run(bare(&home).args(["config", "show"]));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains(&format!("{}:1:", path.display())),
        "{}",
        out.stderr
    );
}

#[test]
fn help_names_every_variable_and_the_new_flags() {
    let home = scratch_home();
    let out = run(bare(&home).arg("--help"));
    assert_eq!(out.code, 0);
    for needle in [
        "MONGODB_ATLAS_PUBLIC_API_KEY",
        "MONGODB_ATLAS_PRIVATE_API_KEY",
        "MONGODB_ATLAS_PUBLIC_KEY",
        "MONGODB_ATLAS_PRIVATE_KEY",
        "MONGODB_ATLAS_CLIENT_ID",
        "MONGODB_ATLAS_CLIENT_SECRET",
        "MONGODB_ATLAS_PROJECT_ID",
        "MONGODB_ATLAS_OPS_MANAGER_URL",
        "MONGODB_ATLAS_BASE_URL",
        "MONGODB_ATLAS_PROFILE",
        "--client-id",
        "--client-secret",
        "--profile",
        "--gov",
        "config show",
    ] {
        assert!(out.stdout.contains(needle), "{needle} missing from --help");
    }
}
