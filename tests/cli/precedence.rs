//! Every source of every setting, and the precedence between them: flag > environment >
//! profile > default; the Atlas CLI's variables over the Terraform provider's; and between an
//! API key and a service account, the one from the higher-precedence source.
//!
//! Each rule is checked twice where it can be: by what went over the wire to the emulator, and
//! by what `config show -o json` says the source was.

use crate::common;
use atlas_ear_emulator::{DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_PRIVATE_KEY, DEMO_PUBLIC_KEY};
use common::*;
use serde_json::Value;

const PROFILE_PROJECT: &str = "aaaaaaaaaaaaaaaaaaaaaaaa";
const ENV_PROJECT: &str = "bbbbbbbbbbbbbbbbbbbbbbbb";
const FLAG_PROJECT: &str = "cccccccccccccccccccccccc";

fn write_profile(home: &tempfile::TempDir, body: &str) -> std::path::PathBuf {
    let dir = config_root(home).join("atlascli");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("config.toml");
    std::fs::write(&path, format!("[default]\n{body}")).unwrap();
    path
}

fn show(cmd: &mut assert_cmd::Command) -> Value {
    let out = run(cmd.args(["config", "show", "-o", "json"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    json(&out.stdout)
}

fn last_api_path(emu: &Emulator) -> String {
    api_requests(emu).pop().expect("a request").path
}

fn collection_of(project: &str) -> String {
    format!("/api/atlas/v2/groups/{project}/encryptionAtRest/AWS/privateEndpoints")
}

#[test]
fn project_id_flag_beats_env_beats_profile() {
    let emu = emulator();
    let home = scratch_home();
    let path = write_profile(&home, &format!("project_id = \"{PROFILE_PROJECT}\"\n"));
    let base = || {
        let mut cmd = atlas(&emu, &home);
        cmd.env_remove("MONGODB_ATLAS_PROJECT_ID");
        cmd
    };

    assert_eq!(run(base().arg("list")).code, 0);
    assert_eq!(last_api_path(&emu), collection_of(PROFILE_PROJECT));
    let doc = show(&mut base());
    assert_eq!(doc["project_id"]["value"], PROFILE_PROJECT);
    assert_eq!(doc["project_id"]["source"], "profile");
    assert_eq!(doc["project_id"]["profile"], "default");
    assert_eq!(doc["project_id"]["file"], path.to_str().unwrap());
    assert_eq!(doc["project_id"]["line"], 2);

    let with_env = || {
        let mut cmd = base();
        cmd.env("MONGODB_ATLAS_PROJECT_ID", ENV_PROJECT);
        cmd
    };
    assert_eq!(run(with_env().arg("list")).code, 0);
    assert_eq!(last_api_path(&emu), collection_of(ENV_PROJECT));
    let doc = show(&mut with_env());
    assert_eq!(doc["project_id"]["source"], "env");
    assert_eq!(doc["project_id"]["name"], "MONGODB_ATLAS_PROJECT_ID");

    assert_eq!(
        run(with_env().args(["list", "--project-id", FLAG_PROJECT])).code,
        0
    );
    assert_eq!(last_api_path(&emu), collection_of(FLAG_PROJECT));
    let doc = show(with_env().args(["--project-id", FLAG_PROJECT]));
    assert_eq!(doc["project_id"]["value"], FLAG_PROJECT);
    assert_eq!(doc["project_id"]["source"], "flag");
    assert_eq!(doc["project_id"]["name"], "--project-id");
}

#[test]
fn base_url_sources_in_order() {
    let emu = emulator();
    let home = scratch_home();
    let dead = "http://127.0.0.1:9"; // discard port: nothing answers there
    write_profile(&home, &format!("ops_manager_url = \"{dead}\"\n"));
    let keys = || {
        let mut cmd = bare(&home);
        cmd.env("MONGODB_ATLAS_PUBLIC_API_KEY", DEMO_PUBLIC_KEY)
            .env("MONGODB_ATLAS_PRIVATE_API_KEY", DEMO_PRIVATE_KEY)
            .env("MONGODB_ATLAS_PROJECT_ID", PROJECT);
        cmd
    };

    // Profile only.
    let doc = show(&mut keys());
    assert_eq!(doc["base_url"]["value"], dead);
    assert_eq!(doc["base_url"]["source"], "profile");
    assert_eq!(doc["base_url"]["key"], "ops_manager_url");

    // Terraform's variable beats the profile, and reaches the emulator.
    let out = run(keys()
        .env("MONGODB_ATLAS_BASE_URL", emu.base_url())
        .arg("list"));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc = show(keys().env("MONGODB_ATLAS_BASE_URL", emu.base_url()));
    assert_eq!(doc["base_url"]["name"], "MONGODB_ATLAS_BASE_URL");

    // The Atlas CLI's variable beats Terraform's when both are set.
    let before = api_requests(&emu).len();
    let out = run(keys()
        .env("MONGODB_ATLAS_BASE_URL", dead)
        .env("MONGODB_ATLAS_OPS_MANAGER_URL", emu.base_url())
        .args(["list", "--retries", "0"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(api_requests(&emu).len() > before);
    let doc = show(
        keys()
            .env("MONGODB_ATLAS_BASE_URL", dead)
            .env("MONGODB_ATLAS_OPS_MANAGER_URL", emu.base_url()),
    );
    assert_eq!(doc["base_url"]["name"], "MONGODB_ATLAS_OPS_MANAGER_URL");

    // The flag beats both variables.
    let out = run(keys()
        .env("MONGODB_ATLAS_BASE_URL", dead)
        .env("MONGODB_ATLAS_OPS_MANAGER_URL", dead)
        .args(["list", "--base-url", &emu.base_url()]));
    assert_eq!(out.code, 0, "{}", out.stderr);

    // With nothing anywhere: commercial Atlas by default.
    let empty_home = scratch_home();
    let doc = show(&mut bare(&empty_home));
    assert_eq!(doc["base_url"]["value"], "https://cloud.mongodb.com");
    assert_eq!(doc["base_url"]["source"], "default");
}

#[test]
fn terraform_key_variables_work_and_lose_to_the_atlas_cli_ones() {
    let emu = emulator();
    let home = scratch_home();
    let terraform = || {
        let mut cmd = bare(&home);
        cmd.env("MONGODB_ATLAS_BASE_URL", emu.base_url())
            .env("MONGODB_ATLAS_PROJECT_ID", PROJECT)
            .env("MONGODB_ATLAS_PUBLIC_KEY", DEMO_PUBLIC_KEY)
            .env("MONGODB_ATLAS_PRIVATE_KEY", DEMO_PRIVATE_KEY);
        cmd
    };
    let out = run(terraform().arg("list"));
    assert_eq!(out.code, 0, "Terraform's variables alone: {}", out.stderr);
    let doc = show(&mut terraform());
    assert_eq!(doc["public_key"]["name"], "MONGODB_ATLAS_PUBLIC_KEY");
    assert_eq!(doc["private_key"]["name"], "MONGODB_ATLAS_PRIVATE_KEY");

    // Both sets present: the Atlas CLI's win, so wrong Terraform values do not matter...
    let both = || {
        let mut cmd = terraform();
        cmd.env("MONGODB_ATLAS_PUBLIC_KEY", "zzzzzzzz")
            .env(
                "MONGODB_ATLAS_PRIVATE_KEY",
                "wrong-private-key-sentinel-0451",
            )
            .env("MONGODB_ATLAS_PUBLIC_API_KEY", DEMO_PUBLIC_KEY)
            .env("MONGODB_ATLAS_PRIVATE_API_KEY", DEMO_PRIVATE_KEY);
        cmd
    };
    let out = run(both().arg("list"));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc = show(&mut both());
    assert_eq!(doc["public_key"]["name"], "MONGODB_ATLAS_PUBLIC_API_KEY");
    assert_eq!(doc["private_key"]["name"], "MONGODB_ATLAS_PRIVATE_API_KEY");

    // ...and wrong Atlas CLI values are not rescued by right Terraform ones.
    let out = run(terraform()
        .env(
            "MONGODB_ATLAS_PRIVATE_API_KEY",
            "wrong-private-key-sentinel-0451",
        )
        .arg("list"));
    assert_eq!(out.code, 3, "{}", out.stderr);
}

#[test]
fn key_parts_resolve_separately() {
    let emu = emulator();
    let home = scratch_home();
    write_profile(
        &home,
        "private_api_key = \"wrong-private-key-sentinel-0451\"\n",
    );
    // Public key from the flag, private key from the environment over the profile's.
    let out = run(atlas(&emu, &home)
        .env_remove("MONGODB_ATLAS_PUBLIC_API_KEY")
        .args(["list", "--public-key", DEMO_PUBLIC_KEY]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc = show(
        atlas(&emu, &home)
            .env_remove("MONGODB_ATLAS_PUBLIC_API_KEY")
            .args(["--public-key", DEMO_PUBLIC_KEY]),
    );
    assert_eq!(doc["public_key"]["source"], "flag");
    assert_eq!(doc["private_key"]["source"], "env");
    assert_eq!(doc["auth"]["value"], "API key");
    assert_eq!(doc["auth"]["source"], "flag");
}

fn auth_header(emu: &Emulator) -> String {
    api_requests(emu)
        .into_iter()
        .rev()
        .find_map(|r| r.header("authorization").map(str::to_string))
        .expect("an authenticated request")
}

#[test]
fn the_higher_precedence_credential_kind_is_used() {
    let emu = emulator();
    let home = scratch_home();
    write_profile(
        &home,
        &format!("client_id = \"{DEMO_CLIENT_ID}\"\nclient_secret = \"{DEMO_CLIENT_SECRET}\"\n"),
    );

    // API key from the environment beats a service account from the profile.
    let out = run(atlas(&emu, &home).args(["list", "-v"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(auth_header(&emu).starts_with("Digest "));
    assert!(out.stderr.contains("auth: API key"), "{}", out.stderr);
    assert!(
        out.stderr.contains("lower-precedence"),
        "the ignored service account is named: {}",
        out.stderr
    );
    assert_eq!(emu.tokens_issued(), 0);

    // A service account from flags beats the API key from the environment.
    let out = run(atlas(&emu, &home).args([
        "list",
        "-v",
        "--client-id",
        DEMO_CLIENT_ID,
        "--client-secret",
        DEMO_CLIENT_SECRET,
    ]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(auth_header(&emu).starts_with("Bearer "));
    assert!(
        out.stderr.contains("auth: service account") && out.stderr.contains("flag --client-id"),
        "{}",
        out.stderr
    );

    // Both in the environment: the service account wins the tie, and -v says so.
    let out = run(atlas(&emu, &home)
        .env("MONGODB_ATLAS_CLIENT_ID", DEMO_CLIENT_ID)
        .env("MONGODB_ATLAS_CLIENT_SECRET", DEMO_CLIENT_SECRET)
        .args(["list", "-v"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(auth_header(&emu).starts_with("Bearer "));
    assert!(out.stderr.contains("wins ties"), "{}", out.stderr);
    assert!(!out.stderr.contains(DEMO_CLIENT_SECRET));
}

#[test]
fn a_half_given_service_account_at_higher_precedence_is_an_error() {
    let emu = emulator();
    let home = scratch_home();
    let out = run(atlas(&emu, &home).args(["list", "--client-id", DEMO_CLIENT_ID]));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("--client-secret")
            && out.stderr.contains("MONGODB_ATLAS_CLIENT_SECRET"),
        "{}",
        out.stderr
    );
    assert!(emu.requests().is_empty());
}

#[test]
fn flag_only_settings_report_flag_or_default() {
    let home = scratch_home();
    let doc = show(bare(&home).args(["--provider", "azure", "--retries", "1"]));
    assert_eq!(doc["provider"]["value"], "azure");
    assert_eq!(doc["provider"]["source"], "flag");
    assert_eq!(doc["retries"]["value"], "1");
    assert_eq!(doc["retries"]["source"], "flag");
    assert_eq!(doc["api_version"]["source"], "default");
    assert_eq!(doc["request_timeout"]["value"], "30s");
    assert_eq!(doc["output"]["source"], "flag", "-o json was typed");
    assert_eq!(doc["profile"]["value"], "default");
    assert_eq!(doc["profile"]["source"], "default");
}
