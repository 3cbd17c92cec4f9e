//! The four commands against the emulator: what goes over the wire, what is printed, and how
//! many requests each costs.

use crate::common;
use common::*;
use serde_json::Value;

#[test]
fn create_sends_the_spec_request_and_prints_the_api_json() {
    let emu = emulator();
    let home = scratch_home();
    let out = run(atlas(&emu, &home).args(["create", "--region", "us-east-1", "-o", "json"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc = json(&out.stdout);
    assert_eq!(doc["regionName"], "US_EAST_1");
    assert_eq!(doc["status"], "INITIATING");
    assert_eq!(doc["cloudProvider"], "AWS");
    let id = doc["id"].as_str().unwrap();
    assert_eq!(id.len(), 24);

    let requests = api_requests(&emu);
    assert_eq!(requests.len(), 2, "one challenge, one authenticated POST");
    let (challenge, post) = (&requests[0], &requests[1]);
    assert!(!challenge.is_authenticated());
    assert_eq!(challenge.status, 401);
    assert_eq!(post.method, "POST");
    assert_eq!(post.path, collection_path("AWS"));
    assert_eq!(post.query, None);
    assert_eq!(post.status, 202);
    assert_eq!(post.body, r#"{"regionName":"US_EAST_1"}"#);
    assert_eq!(
        post.header("accept"),
        Some("application/vnd.atlas.2023-01-01+json")
    );
    assert_eq!(
        post.header("content-type"),
        Some("application/vnd.atlas.2023-01-01+json")
    );
    assert_eq!(
        post.header("user-agent"),
        Some(concat!("atlas-ear/", env!("CARGO_PKG_VERSION")))
    );
    let auth = post.header("authorization").unwrap();
    assert!(auth.starts_with("Digest "), "{auth}");
    assert!(auth.contains(&format!(r#"uri="{}""#, collection_path("AWS"))));
    assert!(auth.contains("qop=auth"));
    assert!(auth.contains("nc=00000001"));
    assert!(auth.contains(r#"realm="MMS Public API""#));
    assert!(auth.contains(&format!(
        r#"username="{}""#,
        atlas_ear_emulator::DEMO_PUBLIC_KEY
    )));
}

#[test]
fn create_prints_a_table_by_default() {
    let emu = emulator();
    let home = scratch_home();
    let out = run(atlas(&emu, &home).args(["create", "--region", "EU_WEST_1"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    // The provider, the same on the one row, is a caption; no error, so no ERROR column.
    for expected in [
        "provider: AWS\n",
        "ID",
        "REGION",
        "STATUS",
        "CONNECTION NAME",
        "EU_WEST_1",
        "INITIATING",
    ] {
        assert!(
            out.stdout.contains(expected),
            "{expected} missing:\n{}",
            out.stdout
        );
    }
    assert!(!out.stdout.contains("ERROR"), "{}", out.stdout);
    let created = emu.endpoints(PROJECT, "AWS");
    assert_eq!(created.len(), 1);
    assert!(out.stdout.contains(created[0]["id"].as_str().unwrap()));
}

#[test]
fn azure_and_global_options_after_the_subcommand() {
    let emu = emulator();
    let home = scratch_home();
    let mut cmd = atlas(&emu, &home);
    cmd.env_remove("MONGODB_ATLAS_PROJECT_ID").args([
        "create",
        "--region",
        "US_CENTRAL",
        "--provider",
        "Azure",
        "--project-id",
        OTHER_PROJECT,
        "-o",
        "json",
    ]);
    let out = run(&mut cmd);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(json(&out.stdout)["cloudProvider"], "AZURE");
    let post = api_requests(&emu).pop().unwrap();
    assert_eq!(
        post.path,
        format!("/api/atlas/v2/groups/{OTHER_PROJECT}/encryptionAtRest/AZURE/privateEndpoints")
    );
}

#[test]
fn list_reads_every_page_with_one_challenge() {
    let emu = emulator();
    for i in 0..1200 {
        let region = atlas_ear::AWS_REGIONS[i % 39];
        emu.seed_endpoint(PROJECT, "AWS", region, "ACTIVE");
    }
    let home = scratch_home();
    let out = run(atlas(&emu, &home).args(["list", "-o", "json"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc = json(&out.stdout);
    assert_eq!(doc["results"].as_array().unwrap().len(), 1200);
    assert_eq!(doc["totalCount"], 1200);
    let ids: std::collections::HashSet<&str> = doc["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 1200, "no endpoint repeated or lost across pages");

    let requests = api_requests(&emu);
    assert_eq!(requests.len(), 4, "1 challenge + 3 authenticated pages");
    assert_eq!(requests.iter().filter(|r| r.is_authenticated()).count(), 3);
    for (n, request) in requests[1..].iter().enumerate() {
        let query = request.query.clone().unwrap_or_default();
        assert!(query.contains("itemsPerPage=500"), "{query}");
        assert!(query.contains(&format!("pageNum={}", n + 1)), "{query}");
        let auth = request.header("authorization").unwrap();
        assert!(
            auth.contains(&format!(r#"uri="{}""#, request.path_and_query())),
            "digest uri must be the path and query as sent: {auth}"
        );
    }
}

#[test]
fn list_table_is_sorted_and_empty_list_is_a_sentence() {
    let emu = emulator();
    let home = scratch_home();
    let out = run(atlas(&emu, &home).arg("list"));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stdout,
        format!("No AWS encryption-at-rest private endpoints in project {PROJECT}.\n")
    );

    emu.seed_endpoint(PROJECT, "AWS", "US_WEST_2", "ACTIVE");
    emu.seed_endpoint(PROJECT, "AWS", "AP_SOUTH_1", "FAILED");
    let out = run(atlas(&emu, &home).arg("list"));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let ap = out.stdout.find("AP_SOUTH_1").unwrap();
    let us = out.stdout.find("US_WEST_2").unwrap();
    assert!(ap < us, "rows sorted by region:\n{}", out.stdout);
}

#[test]
fn get_prints_the_body_unchanged_and_passes_unknown_values_through() {
    let emu = emulator();
    let id = emu.seed_endpoint(PROJECT, "AWS", "US_EAST_1", "SOME_FUTURE_STATUS");
    let home = scratch_home();
    let out = run(atlas(&emu, &home).args(["get", &id, "-o", "json"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc = json(&out.stdout);
    assert_eq!(doc["id"], id.as_str());
    assert_eq!(doc["status"], "SOME_FUTURE_STATUS");
    let from_server: Vec<Value> = emu.endpoints(PROJECT, "AWS");
    assert_eq!(doc, from_server[0]);

    let out = run(atlas(&emu, &home).args(["get", &id]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("SOME_FUTURE_STATUS"));
    let get = api_requests(&emu).pop().unwrap();
    assert_eq!(get.method, "GET");
    assert_eq!(get.path, format!("{}/{id}", collection_path("AWS")));
}

#[test]
fn delete_with_yes_requests_deletion() {
    let emu = emulator();
    let id = emu.seed_endpoint(PROJECT, "AWS", "US_EAST_1", "ACTIVE");
    let home = scratch_home();
    let out = run(atlas(&emu, &home).args(["delete", &id, "--yes"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("Deletion requested"), "{}", out.stdout);
    assert!(out.stdout.contains(&id));
    let delete = api_requests(&emu).pop().unwrap();
    assert_eq!(delete.method, "DELETE");
    assert_eq!(delete.status, 204);
    assert_eq!(emu.endpoints(PROJECT, "AWS")[0]["status"], "DELETING");
}

#[test]
fn delete_json_keeps_stdout_empty() {
    let emu = emulator();
    let id = emu.seed_endpoint(PROJECT, "AWS", "US_EAST_1", "ACTIVE");
    let home = scratch_home();
    let out = run(atlas(&emu, &home).args(["-o", "json", "delete", &id, "-y"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, "");
    assert!(out.stderr.contains("Deletion requested"));
}

#[test]
fn delete_without_a_terminal_or_yes_is_a_usage_error() {
    let emu = emulator();
    let id = emu.seed_endpoint(PROJECT, "AWS", "US_EAST_1", "ACTIVE");
    let home = scratch_home();
    let out = run(atlas(&emu, &home).args(["delete", &id]).write_stdin(""));
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("--yes"), "{}", out.stderr);
    assert!(api_requests(&emu).is_empty(), "nothing sent");
    assert_eq!(emu.endpoints(PROJECT, "AWS")[0]["status"], "ACTIVE");
}

#[test]
fn api_version_flag_sets_the_accept_header() {
    let emu = emulator();
    let home = scratch_home();
    let out = run(atlas(&emu, &home).args(["list", "--api-version", "2024-11-13"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    for request in api_requests(&emu) {
        assert_eq!(
            request.header("accept"),
            Some("application/vnd.atlas.2024-11-13+json")
        );
    }
}

#[test]
fn verbose_traces_each_request_without_secrets() {
    let emu = emulator();
    let home = scratch_home();
    let out = run(atlas(&emu, &home).args(["list", "-v"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let lines: Vec<&str> = out.stderr.lines().filter(|l| l.contains("GET ")).collect();
    assert_eq!(lines.len(), 2, "{}", out.stderr);
    assert!(lines[0].contains("401"));
    assert!(lines[1].contains("200"));
    assert!(lines[1].contains(&emu.base_url()));
    assert!(lines[1].contains(" ms)"));
}

#[test]
fn sha256_challenges_are_answered() {
    let emu = emulator_with(|c| c.algorithm = atlas_ear_emulator::DigestAlgorithm::Sha256);
    let home = scratch_home();
    let out = run(atlas(&emu, &home).arg("list"));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let auth = api_requests(&emu)[1]
        .header("authorization")
        .unwrap()
        .to_string();
    assert!(auth.contains("algorithm=SHA-256"), "{auth}");
}

#[test]
fn regions_lists_the_provider_regions_without_credentials() {
    let home = scratch_home();
    let out = run(bare(&home).args(["regions", "--provider", "azure"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout.lines().count(), 56);
    assert!(out.stdout.lines().any(|l| l == "US_GOV_TEXAS"));
}

#[test]
fn keys_can_be_given_as_flags() {
    let emu = emulator();
    let home = scratch_home();
    let mut cmd = atlas(&emu, &home);
    cmd.env_remove("MONGODB_ATLAS_PUBLIC_API_KEY")
        .env_remove("MONGODB_ATLAS_PRIVATE_API_KEY")
        .args([
            "list",
            "--public-key",
            atlas_ear_emulator::DEMO_PUBLIC_KEY,
            "--private-key",
            atlas_ear_emulator::DEMO_PRIVATE_KEY,
        ]);
    let out = run(&mut cmd);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(api_requests(&emu).len(), 2);
}

#[test]
fn server_text_cannot_inject_terminal_controls_or_split_plain_fields() {
    let emu = emulator_with(|c| c.settle_after = std::time::Duration::ZERO);
    emu.fail_region("AWS", "US_EAST_1", "bad\tkey\x1b[2J\u{202e}gnirts");
    let home = scratch_home();
    let out = run(atlas(&emu, &home).args(["create", "--region", "US_EAST_1", "-o", "json"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    for args in [vec!["list"], vec!["list", "-o", "plain"]] {
        let out = run(atlas(&emu, &home).args(&args));
        assert_eq!(out.code, 0, "{}", out.stderr);
        assert!(!out.stdout.contains('\x1b'), "{args:?}: {}", out.stdout);
        assert!(!out.stdout.contains('\u{202e}'), "{args:?}: {}", out.stdout);
        assert!(out.stdout.contains("FAILED"), "{args:?}: {}", out.stdout);
    }
    let out = run(atlas(&emu, &home).args(["list", "-o", "plain", "--no-headers"]));
    let line = out.stdout.lines().next().unwrap();
    assert_eq!(line.split('\t').count(), 6, "{line}");
    // JSON keeps the server's text exactly (JSON escaping makes it safe).
    let out = run(atlas(&emu, &home).args(["list", "-o", "json"]));
    assert_eq!(
        json(&out.stdout)["results"][0]["errorMessage"],
        "bad\tkey\x1b[2J\u{202e}gnirts"
    );
}
