//! Atlas CLI profiles: found where the Atlas CLI keeps them, chosen by `--profile`/`-P` or
//! `MONGODB_ATLAS_PROFILE`, read but never written, unknown keys ignored, and every broken or
//! empty case explained with the file (and line) to look at.

use crate::common;
use atlas_ear_emulator::{DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_PRIVATE_KEY, DEMO_PUBLIC_KEY};
use common::*;
use std::path::PathBuf;

fn config_file(home: &tempfile::TempDir) -> PathBuf {
    config_root(home).join("atlascli").join("config.toml")
}

fn write_config(home: &tempfile::TempDir, text: &str) -> PathBuf {
    let path = config_file(home);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, text).unwrap();
    path
}

/// A config file in the Atlas CLI's layout: global keys, a `default` profile with an API key
/// and keys this tool does not use, a service-account profile, and one with no keys at all.
fn atlas_cli_config(emu: &Emulator) -> String {
    format!(
        r#"skip_update_check = true
telemetry_enabled = false
mongosh_path = "/usr/bin/mongosh"

[default]
  org_id = "5e2211c17a3e5a48f5497de3"
  output = "json"
  project_id = "{PROJECT}"
  public_api_key = "{DEMO_PUBLIC_KEY}"
  private_api_key = "{DEMO_PRIVATE_KEY}"
  service = "cloud"
  ops_manager_url = "{base}/"
  some_future_key = {{ nested = [1, 2, 3] }}

[robot]
  project_id = "{OTHER_PROJECT}"
  client_id = "{DEMO_CLIENT_ID}"
  client_secret = "{DEMO_CLIENT_SECRET}"
  ops_manager_url = "{base}"

[keyring]
  org_id = "5e2211c17a3e5a48f5497de3"
  project_id = "{PROJECT}"
  service = "cloud"
  ops_manager_url = "{base}"
"#,
        base = emu.base_url()
    )
}

#[test]
fn the_default_profile_alone_is_enough_to_work() {
    let emu = emulator();
    let home = scratch_home();
    write_config(&home, &atlas_cli_config(&emu));
    // No variables at all: base URL, project and keys all come from the profile.
    let out = run(bare(&home).args(["create", "--region", "US_EAST_1", "-o", "json"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(json(&out.stdout)["regionName"], "US_EAST_1");
    let post = api_requests(&emu).pop().unwrap();
    assert_eq!(post.path, collection_path("AWS"));
    let auth = post.header("authorization").unwrap();
    assert!(
        auth.contains(&format!(r#"username="{DEMO_PUBLIC_KEY}""#)),
        "{auth}"
    );
}

#[test]
fn profiles_are_chosen_by_flag_then_variable() {
    let emu = emulator();
    let home = scratch_home();
    write_config(&home, &atlas_cli_config(&emu));
    let other_collection =
        format!("/api/atlas/v2/groups/{OTHER_PROJECT}/encryptionAtRest/AWS/privateEndpoints");

    // MONGODB_ATLAS_PROFILE picks the service-account profile.
    let out = run(bare(&home)
        .env("MONGODB_ATLAS_PROFILE", "robot")
        .args(["list", "-v"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr.contains("auth: service account"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("profile 'robot'"), "{}", out.stderr);
    let last = api_requests(&emu).pop().unwrap();
    assert_eq!(last.path, other_collection);
    assert!(last.header("authorization").unwrap().starts_with("Bearer "));
    assert_eq!(emu.tokens_issued(), 1);

    // -P beats the variable.
    let out = run(bare(&home)
        .env("MONGODB_ATLAS_PROFILE", "robot")
        .args(["-P", "default", "list"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let last = api_requests(&emu).pop().unwrap();
    assert_eq!(last.path, collection_path("AWS"));
    assert!(last.header("authorization").unwrap().starts_with("Digest "));

    // --profile after the subcommand works too.
    let out = run(bare(&home).args(["list", "--profile", "robot"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(api_requests(&emu).pop().unwrap().path, other_collection);
}

#[test]
fn a_profile_without_keys_says_they_are_in_the_keyring() {
    let emu = emulator();
    let home = scratch_home();
    let path = write_config(&home, &atlas_cli_config(&emu));
    let out = run(bare(&home).args(["-P", "keyring", "list"]));
    assert_eq!(out.code, 2, "{}", out.stderr);
    for needle in [
        "profile 'keyring'",
        path.to_str().unwrap(),
        "no API key",
        "keyring",
        "--public-key",
        "MONGODB_ATLAS_PRIVATE_API_KEY",
        "--client-id",
        "MONGODB_ATLAS_CLIENT_SECRET",
    ] {
        assert!(
            out.stderr.contains(needle),
            "{needle} missing: {}",
            out.stderr
        );
    }
    assert!(emu.requests().is_empty());

    // Passing the keys the message asks for makes the same profile work (its project and URL).
    let out = run(bare(&home)
        .env("MONGODB_ATLAS_PUBLIC_API_KEY", DEMO_PUBLIC_KEY)
        .env("MONGODB_ATLAS_PRIVATE_API_KEY", DEMO_PRIVATE_KEY)
        .args(["-P", "keyring", "list"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
}

#[test]
fn a_malformed_file_is_reported_with_file_and_line() {
    let emu = emulator();
    let home = scratch_home();
    let path = write_config(
        &home,
        "[default]\nproject_id = \"32b6e34b3d91647abb20e7b8\"\npublic_api_key = abcdefgh\n",
    );
    let out = run(atlas(&emu, &home).arg("list"));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr
            .contains(&format!("{}:3:", path.to_str().unwrap())),
        "file:line expected: {}",
        out.stderr
    );
    assert!(api_requests(&emu).is_empty());

    // A known key with the wrong type is reported at its line too.
    write_config(&home, "[default]\n\n\nproject_id = 32\n");
    let out = run(atlas(&emu, &home).arg("list"));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr
            .contains(&format!("{}:4:", path.to_str().unwrap())),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("project_id"), "{}", out.stderr);

    // So is a service that is neither Atlas nor Atlas for Government.
    write_config(&home, "[default]\nservice = \"ops-manager\"\n");
    let out = run(atlas(&emu, &home).arg("list"));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains(":2:") && out.stderr.contains("cloudgov"));
}

#[test]
fn a_named_profile_that_does_not_exist_is_an_error() {
    let emu = emulator();
    let home = scratch_home();
    let out = run(atlas(&emu, &home).args(["-P", "prod", "list"]));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("prod") && out.stderr.contains("no Atlas CLI configuration file"),
        "{}",
        out.stderr
    );
    let path = write_config(&home, &atlas_cli_config(&emu));
    let out = run(atlas(&emu, &home)
        .env("MONGODB_ATLAS_PROFILE", "prod")
        .arg("list"));
    assert_eq!(out.code, 2, "{}", out.stderr);
    for needle in [
        path.to_str().unwrap(),
        "MONGODB_ATLAS_PROFILE",
        "default, keyring, robot",
    ] {
        assert!(out.stderr.contains(needle), "{needle}: {}", out.stderr);
    }
    assert!(api_requests(&emu).is_empty());
}

#[test]
fn no_file_and_no_default_profile_is_fine() {
    let emu = emulator();
    let home = scratch_home();
    let out = run(atlas(&emu, &home).arg("list"));
    assert_eq!(out.code, 0, "{}", out.stderr);
    write_config(&home, "[other]\nproject_id = \"x\"\n");
    let out = run(atlas(&emu, &home).arg("list"));
    assert_eq!(out.code, 0, "{}", out.stderr);
}

#[test]
fn the_file_is_never_written() {
    let emu = emulator();
    let home = scratch_home();
    let path = write_config(&home, &atlas_cli_config(&emu));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o400)).unwrap();
    }
    let before = std::fs::read(&path).unwrap();
    let modified = std::fs::metadata(&path).unwrap().modified().unwrap();
    for args in [
        &["list"][..],
        &["-P", "robot", "list"],
        &["-P", "robot", "create", "--region", "EU_WEST_1"],
        &["config", "show"],
    ] {
        let out = run(bare(&home).args(args));
        assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
    }
    assert_eq!(std::fs::read(&path).unwrap(), before);
    assert_eq!(
        std::fs::metadata(&path).unwrap().modified().unwrap(),
        modified
    );
    let siblings = std::fs::read_dir(path.parent().unwrap()).unwrap().count();
    assert_eq!(siblings, 1, "nothing else is written next to it");
}

#[cfg(all(unix, not(target_os = "macos")))]
#[test]
fn the_home_config_directory_is_used_without_xdg() {
    let emu = emulator();
    let home = scratch_home();
    let dir = home.path().join(".config").join("atlascli");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("config.toml"), atlas_cli_config(&emu)).unwrap();
    let out = run(bare(&home).env_remove("XDG_CONFIG_HOME").arg("list"));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(api_requests(&emu).len(), 2, "challenge and list");
}
