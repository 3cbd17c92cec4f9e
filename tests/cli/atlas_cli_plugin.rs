//! The Atlas CLI plugin (`manifest.yml`): the manifest passes the checks the Atlas CLI makes
//! when it loads a plugin, and the binary, started from a plugin folder the way the Atlas CLI
//! starts one (`<folder>/<binary> ear <arguments as typed>`, with the Atlas CLI's own
//! environment and no credentials handed over), reads the Atlas CLI's profile by itself.

use crate::common;
use atlas_ear_emulator::{DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_PRIVATE_KEY, DEMO_PUBLIC_KEY};
use common::*;
use serde_yaml_ng::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn manifest() -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("manifest.yml");
    let text = std::fs::read_to_string(&path).expect("manifest.yml at the repository root");
    serde_yaml_ng::from_str(&text).expect("manifest.yml is YAML")
}

/// A field the Atlas CLI requires: present, a string, not empty.
fn required<'a>(value: &'a Value, key: &str) -> &'a str {
    value[key]
        .as_str()
        .filter(|text| !text.is_empty())
        .unwrap_or_else(|| panic!("manifest.yml: `{key}` must be a non-empty string"))
}

/// MAJOR.MINOR.PATCH with an optional pre-release or build suffix, no leading zeros: what every
/// semantic-version parser accepts (the Atlas CLI's also takes looser forms).
fn is_semantic_version(version: &str) -> bool {
    let core = version.split(['-', '+']).next().unwrap_or_default();
    let numbers: Vec<&str> = core.split('.').collect();
    numbers.len() == 3
        && numbers.iter().all(|n| {
            !n.is_empty()
                && n.bytes().all(|b| b.is_ascii_digit())
                && (n.len() == 1 || !n.starts_with('0'))
        })
}

#[test]
fn the_manifest_passes_the_atlas_cli_checks() {
    let manifest = manifest();
    // The Atlas CLI ignores keys it does not know, so a misspelt one would be lost silently.
    let keys: BTreeSet<&str> = manifest
        .as_mapping()
        .expect("a mapping")
        .keys()
        .filter_map(Value::as_str)
        .collect();
    let expected = [
        "binary",
        "commands",
        "description",
        "github",
        "name",
        "version",
    ];
    assert_eq!(keys, BTreeSet::from(expected));
    required(&manifest, "name");
    required(&manifest, "description");
    assert_eq!(
        required(&manifest, "binary"),
        "atlas-ear",
        "the binary cargo builds"
    );

    let version = required(&manifest, "version");
    assert!(is_semantic_version(version), "{version}");
    assert_eq!(
        version,
        env!("CARGO_PKG_VERSION"),
        "manifest.yml's version must follow Cargo.toml's"
    );

    // `atlas plugin install owner/name` and `atlas plugin update` find releases through these.
    let github = &manifest["github"];
    let repository = format!(
        "https://github.com/{}/{}",
        required(github, "owner"),
        required(github, "name")
    );
    assert_eq!(repository, env!("CARGO_PKG_REPOSITORY"));

    let commands = manifest["commands"]
        .as_mapping()
        .expect("`commands` is a mapping");
    assert!(!commands.is_empty(), "a plugin adds at least one command");
    for (name, command) in commands {
        let name = name.as_str().expect("command names are strings");
        assert!(
            !name.is_empty() && !name.contains(char::is_whitespace),
            "{name:?}"
        );
        required(command, "description");
    }
}

#[test]
fn the_version_check_refuses_what_the_atlas_cli_refuses() {
    for good in ["0.1.0", "1.20.3", "2.0.0-rc.1", "1.0.0+build.5"] {
        assert!(is_semantic_version(good), "{good}");
    }
    for bad in ["", "1", "1.2", "01.2.3", "1.2.x", "v-1.2.3"] {
        assert!(!is_semantic_version(bad), "{bad}");
    }
}

/// A plugin folder as `atlas plugin install` leaves it under `plugins`: the manifest beside the
/// binary it names (`.exe` added on Windows, as the release archive's manifest says). Returns
/// the binary's path.
fn install_plugin(plugins: &Path) -> PathBuf {
    let folder = plugins.join("atlas-ear@atlas-ear");
    std::fs::create_dir_all(&folder).unwrap();
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("manifest.yml");
    std::fs::copy(source, folder.join("manifest.yml")).unwrap();
    let binary = folder.join(format!(
        "{}{}",
        required(&manifest(), "binary"),
        std::env::consts::EXE_SUFFIX
    ));
    std::fs::copy(atlas_binary(), &binary).unwrap();
    binary
}

/// An Atlas CLI configuration with the API key profile `default` and the service-account
/// profile `prod`, each with its own project, both pointing at the emulator.
fn write_atlas_cli_config(home: &tempfile::TempDir, emu: &Emulator) {
    let dir = config_root(home).join("atlascli");
    std::fs::create_dir_all(&dir).unwrap();
    let text = format!(
        r#"telemetry_enabled = false

[default]
  org_id = "5e2211c17a3e5a48f5497de3"
  project_id = "{PROJECT}"
  public_api_key = "{DEMO_PUBLIC_KEY}"
  private_api_key = "{DEMO_PRIVATE_KEY}"
  service = "cloud"
  output = "json"
  ops_manager_url = "{base}/"

[prod]
  project_id = "{OTHER_PROJECT}"
  client_id = "{DEMO_CLIENT_ID}"
  client_secret = "{DEMO_CLIENT_SECRET}"
  ops_manager_url = "{base}/"
"#,
        base = emu.base_url()
    );
    std::fs::write(dir.join("config.toml"), text).unwrap();
}

/// Runs the plugin as `atlas <arguments>` would: the command name, then the arguments as
/// typed, with nothing in the environment that names a key, project or URL.
fn as_the_atlas_cli_starts_it(home: &tempfile::TempDir, binary: &Path, typed: &[&str]) -> Run {
    let plugins = binary.parent().and_then(Path::parent).unwrap();
    let mut cmd = std::process::Command::new(binary);
    clean_environment(&mut cmd, home);
    cmd.env("NO_COLOR", "1")
        .env("ATLAS_CLI_EXTRA_PLUGIN_DIRECTORY", plugins)
        .arg("ear")
        .args(typed);
    let mut cmd = assert_cmd::Command::from_std(cmd);
    cmd.timeout(std::time::Duration::from_secs(120));
    run(&mut cmd)
}

#[test]
fn started_by_the_atlas_cli_it_uses_the_default_profile() {
    let emu = emulator();
    let home = scratch_home();
    write_atlas_cli_config(&home, &emu);
    let binary = install_plugin(&home.path().join("plugins"));

    let out = as_the_atlas_cli_starts_it(
        &home,
        &binary,
        &["create", "--region", "US_EAST_1", "-o", "json"],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(json(&out.stdout)["regionName"], "US_EAST_1");
    let post = api_requests(&emu).pop().unwrap();
    assert_eq!(post.path, collection_path("AWS"), "the profile's project");
    let auth = post.header("authorization").unwrap();
    assert!(
        auth.contains(&format!(r#"username="{DEMO_PUBLIC_KEY}""#)),
        "{auth}"
    );
}

#[test]
fn started_by_the_atlas_cli_with_a_profile_flag_it_uses_that_profile() {
    let emu = emulator();
    let home = scratch_home();
    write_atlas_cli_config(&home, &emu);
    let binary = install_plugin(&home.path().join("plugins"));

    // `atlas -P prod ear list` and `atlas ear -P prod list` both start `<binary> ear -P prod list`.
    for typed in [
        &["-P", "prod", "list"][..],
        &["list", "--profile", "prod"][..],
    ] {
        let out = as_the_atlas_cli_starts_it(&home, &binary, typed);
        assert_eq!(out.code, 0, "{typed:?}: {}", out.stderr);
    }
    let requests = emu.requests();
    assert_eq!(
        requests
            .iter()
            .filter(|r| r.path == "/api/oauth/token")
            .count(),
        1,
        "the service account's token, fetched once and cached"
    );
    let lists: Vec<&LoggedRequest> = requests
        .iter()
        .filter(|r| r.path.starts_with("/api/atlas/"))
        .collect();
    assert_eq!(lists.len(), 2);
    for list in lists {
        assert_eq!(
            list.path,
            format!("/api/atlas/v2/groups/{OTHER_PROJECT}/encryptionAtRest/AWS/privateEndpoints"),
            "the prod profile's project"
        );
        assert!(list.header("authorization").unwrap().starts_with("Bearer "));
    }
}

#[test]
fn inside_the_atlas_cli_help_names_atlas_ear() {
    let home = scratch_home();
    let binary = install_plugin(&home.path().join("plugins"));
    let out = as_the_atlas_cli_starts_it(&home, &binary, &["--help"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains("Usage: atlas ear [OPTIONS] <COMMAND>"),
        "{}",
        out.stdout
    );
    let out = as_the_atlas_cli_starts_it(&home, &binary, &["list", "--help"]);
    assert!(
        out.stdout.contains("Usage: atlas ear list [OPTIONS]"),
        "{}",
        out.stdout
    );
    // Started on its own, the same file keeps its own name.
    let out = run(bare(&home).arg("--help"));
    assert!(
        out.stdout.contains("Usage: atlas-ear [OPTIONS] <COMMAND>"),
        "{}",
        out.stdout
    );
}

#[test]
fn inside_the_atlas_cli_the_commands_it_suggests_start_with_atlas_ear() {
    let emu = emulator();
    let home = scratch_home();
    write_atlas_cli_config(&home, &emu);
    let binary = install_plugin(&home.path().join("plugins"));

    // The binary is not on PATH there: a hint must be typed as `atlas ear ...`.
    let out = as_the_atlas_cli_starts_it(&home, &binary, &["create", "--region", "US_EAST_1"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let id = emu.endpoints(PROJECT, "AWS")[0]["id"]
        .as_str()
        .expect("an endpoint id")
        .to_string();
    assert!(
        out.stderr
            .contains(&format!("to wait for it: atlas ear wait {id}\n")),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("atlas-ear wait"), "{}", out.stderr);
}
