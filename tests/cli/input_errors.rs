//! Bad input is caught before any request, with a message naming what to fix, and exit 2.

use crate::common;
use common::*;

fn assert_usage_error(emu: &Emulator, out: &Run, must_mention: &[&str]) {
    assert_eq!(
        out.code, 2,
        "stdout: {}\nstderr: {}",
        out.stdout, out.stderr
    );
    for needle in must_mention {
        assert!(
            out.stderr.contains(needle),
            "message should mention {needle}: {}",
            out.stderr
        );
    }
    assert!(api_requests(emu).is_empty(), "no request may be sent");
    assert_eq!(out.stdout, "");
}

#[test]
fn project_id_must_be_24_hex() {
    let emu = emulator();
    let home = scratch_home();
    let out = run(atlas(&emu, &home).args(["list", "--project-id", "not-a-project"]));
    assert_usage_error(
        &emu,
        &out,
        &["--project-id", "MONGODB_ATLAS_PROJECT_ID", "24"],
    );
    let out = run(atlas(&emu, &home)
        .env_remove("MONGODB_ATLAS_PROJECT_ID")
        .arg("list"));
    assert_usage_error(&emu, &out, &["--project-id", "MONGODB_ATLAS_PROJECT_ID"]);
}

#[test]
fn endpoint_id_must_be_24_hex() {
    let emu = emulator();
    let home = scratch_home();
    let out = run(atlas(&emu, &home).args(["get", "abc"]));
    assert_usage_error(&emu, &out, &["ENDPOINT_ID", "24"]);
    let out = run(atlas(&emu, &home).args(["delete", "ABCDEF0123456789ABCDEF01", "--yes"]));
    assert_usage_error(&emu, &out, &["ENDPOINT_ID"]);
}

#[test]
fn credentials_are_required() {
    let emu = emulator();
    let home = scratch_home();
    let out = run(atlas(&emu, &home)
        .env_remove("MONGODB_ATLAS_PRIVATE_API_KEY")
        .arg("list"));
    assert_usage_error(
        &emu,
        &out,
        &["--private-key", "MONGODB_ATLAS_PRIVATE_API_KEY"],
    );
    let out = run(atlas(&emu, &home)
        .env_remove("MONGODB_ATLAS_PRIVATE_API_KEY")
        .env_remove("MONGODB_ATLAS_PUBLIC_API_KEY")
        .arg("list"));
    assert_usage_error(
        &emu,
        &out,
        &["--public-key", "MONGODB_ATLAS_PUBLIC_API_KEY"],
    );
}

#[test]
fn unknown_provider_and_region() {
    let emu = emulator();
    let home = scratch_home();
    let out = run(atlas(&emu, &home).args(["list", "--provider", "gcp"]));
    assert_usage_error(&emu, &out, &["--provider", "aws", "azure"]);
    let out = run(atlas(&emu, &home).args(["create", "--region", "US_EAST_7"]));
    assert_usage_error(&emu, &out, &["--region", "US_EAST_7", "US_EAST_1"]);
    // An Azure region is not an AWS region.
    let out = run(atlas(&emu, &home).args(["create", "--region", "EUROPE_NORTH"]));
    assert_usage_error(&emu, &out, &["EUROPE_NORTH"]);
}

#[test]
fn base_url_must_be_http_or_https() {
    let emu = emulator();
    let home = scratch_home();
    let out = run(atlas(&emu, &home).args(["list", "--base-url", "ftp://example.com"]));
    assert_usage_error(&emu, &out, &["--base-url", "MONGODB_ATLAS_BASE_URL"]);
    let out = run(atlas(&emu, &home).args(["list", "--base-url", "cloud.mongodb.com"]));
    assert_usage_error(&emu, &out, &["--base-url"]);
    let out = run(atlas(&emu, &home).args(["list", "--base-url", "http://cloud.mongodb.com"]));
    assert_usage_error(&emu, &out, &["--base-url", "https"]);
}

#[test]
fn api_version_must_be_a_date() {
    let emu = emulator();
    let home = scratch_home();
    let out = run(atlas(&emu, &home).args(["list", "--api-version", "v2"]));
    assert_usage_error(&emu, &out, &["--api-version"]);
}

#[test]
fn help_lists_environment_and_exit_codes_and_hides_secrets() {
    let home = scratch_home();
    let mut cmd = bare(&home);
    cmd.env(
        "MONGODB_ATLAS_PRIVATE_API_KEY",
        "wrong-private-key-sentinel-0451",
    )
    .arg("--help");
    let out = run(&mut cmd);
    assert_eq!(out.code, 0);
    for needle in [
        "MONGODB_ATLAS_PUBLIC_API_KEY",
        "MONGODB_ATLAS_PROJECT_ID",
        "Exit codes",
        "130",
        "--project-id",
        "--provider",
        "--output",
    ] {
        assert!(out.stdout.contains(needle), "{needle} missing from help");
    }
}

/// With neither a project id nor credentials, one run names both, each with its flag, its
/// variable and its Atlas CLI profile key, instead of revealing the second after the first is
/// fixed.
#[test]
fn a_missing_project_id_and_missing_credentials_are_reported_together() {
    let emu = emulator();
    let home = scratch_home();
    let id = "32b6e34b3d91647abb20e7b8";
    let commands: [&[&str]; 6] = [
        &["list"],
        &["get", id],
        &["create", "--region", "US_EAST_1"],
        &["delete", id, "--yes"],
        &["wait", id],
        &["plan", "--region", "US_EAST_1"],
    ];
    for args in commands {
        let out = run(bare(&home)
            .env("MONGODB_ATLAS_BASE_URL", emu.base_url())
            .args(args));
        assert_usage_error(
            &emu,
            &out,
            &[
                "2 settings need fixing",
                "--project-id",
                "MONGODB_ATLAS_PROJECT_ID",
                "project_id in an Atlas CLI profile",
                "--public-key",
                "MONGODB_ATLAS_PUBLIC_API_KEY",
                "public_api_key",
                "--private-key",
                "MONGODB_ATLAS_PRIVATE_API_KEY",
                "private_api_key",
                "--client-id",
                "MONGODB_ATLAS_CLIENT_ID",
                "client_id",
                "--client-secret",
                "MONGODB_ATLAS_CLIENT_SECRET",
                "client_secret",
            ],
        );
        assert_eq!(
            out.stderr.matches("error:").count(),
            1,
            "one message: {}",
            out.stderr
        );
    }
    // An incomplete key pair is reported next to the missing project id too.
    let out = run(bare(&home)
        .env("MONGODB_ATLAS_BASE_URL", emu.base_url())
        .env("MONGODB_ATLAS_PUBLIC_API_KEY", "abcdefgh")
        .arg("list"));
    assert_usage_error(&emu, &out, &["2 settings", "--project-id", "--private-key"]);
    // A dry run needs no credentials, so only the project id is asked for.
    let out = run(bare(&home).args(["list", "--dry-run"]));
    assert_usage_error(&emu, &out, &["--project-id", "MONGODB_ATLAS_PROJECT_ID"]);
    assert!(!out.stderr.contains("credentials"), "{}", out.stderr);
}
