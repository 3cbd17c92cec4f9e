//! `--dry-run` prints the exact requests as curl commands, sends nothing, never prints a key,
//! and the printed command, with real keys pasted in, gets the same result from the emulator.

use crate::common;
use common::*;
#[cfg(unix)]
use std::process::Command as Process;

/// The dry-run text with the emulator's random port replaced, for snapshots.
fn stable(emu: &Emulator, text: &str) -> String {
    text.replace(&emu.base_url(), "http://127.0.0.1:PORT")
}

fn dry_run(emu: &Emulator, args: &[&str]) -> String {
    let home = scratch_home();
    let out = run(atlas(emu, &home).args(args).arg("--dry-run"));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stderr, "");
    assert!(
        emu.requests().is_empty(),
        "a dry run sends nothing: {:?}",
        emu.requests()
    );
    assert!(out.stdout.contains("{PUBLIC-KEY}:{PRIVATE-KEY}") || args[0] == "regions");
    assert!(!out.stdout.contains(atlas_ear_emulator::DEMO_PUBLIC_KEY));
    out.stdout
}

/// Runs a printed command with the real curl binary, keys filled in. Returns its stdout.
/// Unix only, as are the tests that use it: the printed line is for a POSIX shell (`bash -c`
/// here), whose quoting PowerShell and cmd.exe do not share.
#[cfg(unix)]
pub(crate) fn paste_into_curl(command: &str) -> String {
    let with_keys = command.trim_end().replace(
        "{PUBLIC-KEY}:{PRIVATE-KEY}",
        &format!(
            "{}:{}",
            atlas_ear_emulator::DEMO_PUBLIC_KEY,
            atlas_ear_emulator::DEMO_PRIVATE_KEY
        ),
    );
    let output = Process::new("bash")
        .arg("-c")
        .arg(format!(
            "{with_keys} --silent --show-error --fail --max-time 60"
        ))
        .output()
        .expect("bash and curl run");
    assert!(
        output.status.success(),
        "curl failed: {}\n{}",
        String::from_utf8_lossy(&output.stderr),
        with_keys
    );
    String::from_utf8(output.stdout).expect("utf-8 body")
}

#[test]
fn every_command_prints_curl_and_sends_nothing() {
    let emu = emulator();
    let id = "64b0c0ffee00000000000001";
    let create = dry_run(&emu, &["create", "--region", "us-east-1"]);
    let list = dry_run(&emu, &["list"]);
    let get = dry_run(&emu, &["get", id, "--provider", "azure"]);
    let delete = dry_run(&emu, &["delete", id, "--api-version", "2024-11-13"]);
    let regions = dry_run(&emu, &["regions"]);
    insta::assert_snapshot!("dry_run_create", stable(&emu, &create));
    insta::assert_snapshot!("dry_run_list", stable(&emu, &list));
    insta::assert_snapshot!("dry_run_get", stable(&emu, &get));
    insta::assert_snapshot!("dry_run_delete", stable(&emu, &delete));
    assert_eq!(
        regions,
        "# regions sends no request: the region lists are built in.\n"
    );
}

#[test]
fn dry_run_needs_no_keys_and_no_confirmation() {
    let emu = emulator();
    let home = scratch_home();
    let out = run(atlas(&emu, &home)
        .env_remove("MONGODB_ATLAS_PUBLIC_API_KEY")
        .env_remove("MONGODB_ATLAS_PRIVATE_API_KEY")
        .args(["delete", "64b0c0ffee00000000000001", "--dry-run"])
        .write_stdin(""));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("--request DELETE"));
    assert!(emu.requests().is_empty());
}

#[test]
fn a_private_key_given_as_a_flag_is_never_printed() {
    let emu = emulator();
    let home = scratch_home();
    let out = run(atlas(&emu, &home).args([
        "create",
        "--region",
        "EU_WEST_1",
        "--private-key",
        "wrong-private-key-sentinel-0451",
        "--dry-run",
        "-vv",
    ]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("{PRIVATE-KEY}"));
    assert!(emu.requests().is_empty());
}

#[test]
fn bad_input_is_still_refused_in_a_dry_run() {
    let emu = emulator();
    let home = scratch_home();
    let out = run(atlas(&emu, &home).args(["create", "--region", "MARS_1", "--dry-run"]));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert_eq!(out.stdout, "");
    let out = run(atlas(&emu, &home).args(["get", "nope", "--dry-run"]));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(emu.requests().is_empty());
}

#[cfg(unix)]
#[test]
fn pasted_create_does_what_the_tool_does() {
    let emu = emulator();
    let command = dry_run(&emu, &["create", "--region", "US_EAST_1"]);
    let body = paste_into_curl(&command);
    let created = json(&body);
    assert_eq!(created["regionName"], "US_EAST_1");
    assert_eq!(created["status"], "INITIATING");
    assert_eq!(created["cloudProvider"], "AWS");

    // The same create through the tool, in another project, must look the same on the wire.
    let home = scratch_home();
    let out = run(atlas(&emu, &home)
        .env("MONGODB_ATLAS_PROJECT_ID", OTHER_PROJECT)
        .args(["create", "--region", "US_EAST_1", "-o", "json"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let by_tool = json(&out.stdout);
    for field in ["regionName", "status", "cloudProvider"] {
        assert_eq!(by_tool[field], created[field], "{field}");
    }
    let posts: Vec<LoggedRequest> = api_requests(&emu)
        .into_iter()
        .filter(|r| r.method == "POST" && r.status == 202)
        .collect();
    assert_eq!(posts.len(), 2, "one POST from curl, one from the tool");
    let (curl, tool) = (&posts[0], &posts[1]);
    assert_eq!(curl.path, collection_path("AWS"));
    assert_eq!(
        tool.path,
        collection_path("AWS").replace(PROJECT, OTHER_PROJECT)
    );
    assert_eq!(curl.body, tool.body);
    for header in ["accept", "content-type"] {
        assert_eq!(curl.header(header), tool.header(header), "{header}");
    }
}

#[cfg(unix)]
#[test]
fn pasted_get_prints_exactly_what_get_json_prints() {
    let emu = emulator();
    let id = emu.seed_endpoint(PROJECT, "AWS", "EU_WEST_1", "ACTIVE");
    let command = dry_run(&emu, &["get", &id]);
    let by_curl = paste_into_curl(&command);
    let home = scratch_home();
    let out = run(atlas(&emu, &home).args(["get", &id, "-o", "json"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(by_curl.trim_end(), out.stdout.trim_end());
}

#[cfg(unix)]
#[test]
fn pasted_list_returns_the_same_endpoints() {
    let emu = emulator();
    for region in ["US_EAST_1", "EU_WEST_1", "AP_SOUTH_1"] {
        emu.seed_endpoint(PROJECT, "AWS", region, "ACTIVE");
    }
    let text = dry_run(&emu, &["list"]);
    let command: String = text
        .lines()
        .filter(|l| !l.starts_with('#'))
        .collect::<Vec<_>>()
        .join("\n");
    let page = json(&paste_into_curl(&command));
    let home = scratch_home();
    let out = run(atlas(&emu, &home).args(["list", "-o", "json"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let by_tool = json(&out.stdout);
    assert_eq!(page["results"], by_tool["results"]);
    assert_eq!(page["totalCount"], by_tool["totalCount"]);
}

#[cfg(unix)]
#[test]
fn pasted_delete_requests_deletion() {
    let emu = emulator();
    let id = emu.seed_endpoint(PROJECT, "AWS", "US_EAST_1", "ACTIVE");
    let command = dry_run(&emu, &["delete", &id]);
    assert_eq!(paste_into_curl(&command), "", "204 has no body");
    assert_eq!(emu.endpoints(PROJECT, "AWS")[0]["status"], "DELETING");
    let delete = api_requests(&emu).pop().unwrap();
    assert_eq!(delete.method, "DELETE");
    assert_eq!(delete.status, 204);
}

#[cfg(unix)]
#[test]
fn service_account_dry_run_gets_a_token_then_uses_it() {
    let emu = emulator();
    let id = emu.seed_endpoint(PROJECT, "AWS", "EU_WEST_1", "ACTIVE");
    let home = scratch_home();
    let service_account_dry_run = |endpoint: &str| {
        let out = run(atlas(&emu, &home)
            .env_remove("MONGODB_ATLAS_PUBLIC_API_KEY")
            .env_remove("MONGODB_ATLAS_PRIVATE_API_KEY")
            .env(
                "MONGODB_ATLAS_CLIENT_ID",
                atlas_ear_emulator::DEMO_CLIENT_ID,
            )
            .env(
                "MONGODB_ATLAS_CLIENT_SECRET",
                atlas_ear_emulator::DEMO_CLIENT_SECRET,
            )
            .args(["get", endpoint, "--dry-run"]));
        assert_eq!(out.code, 0, "{}", out.stderr);
        out.stdout
    };
    let fixed = service_account_dry_run("64b0c0ffee00000000000001");
    insta::assert_snapshot!("dry_run_service_account", stable(&emu, &fixed));
    let printed = service_account_dry_run(&id);
    assert!(emu.requests().is_empty());
    assert_eq!(emu.tokens_issued(), 0);

    // Paste both commands: the token request with the real client id and secret, then the
    // API call with the token it returned.
    let without_comments: Vec<&str> = printed.lines().filter(|l| !l.starts_with('#')).collect();
    let without_comments = without_comments.join("\n");
    let commands: Vec<&str> = without_comments.split("\ncurl ").collect();
    assert_eq!(commands.len(), 2, "{printed}");
    let token_command = commands[0].replace(
        "{CLIENT-ID}:{CLIENT-SECRET}",
        &format!(
            "{}:{}",
            atlas_ear_emulator::DEMO_CLIENT_ID,
            atlas_ear_emulator::DEMO_CLIENT_SECRET
        ),
    );
    let answer = json(&paste_into_curl(&token_command));
    let token = answer["access_token"].as_str().expect("a token");
    assert_eq!(emu.tokens_issued(), 1);
    let call = format!("curl {}", commands[1]).replace("{ACCESS-TOKEN}", token);
    let by_curl = paste_into_curl(&call);
    let by_tool = run(atlas(&emu, &home).args(["get", &id, "-o", "json"]));
    assert_eq!(by_tool.code, 0, "{}", by_tool.stderr);
    assert_eq!(by_curl.trim_end(), by_tool.stdout.trim_end());
}

#[test]
fn waits_and_fleets_print_every_request_they_would_start_with() {
    let emu = emulator();
    let id = "64b0c0ffee00000000000001";
    let create = dry_run(
        &emu,
        &[
            "create",
            "--region",
            "us-east-1,EU_WEST_1",
            "--skip-existing",
            "--wait",
        ],
    );
    insta::assert_snapshot!("dry_run_create_fleet", stable(&emu, &create));
    assert_eq!(create.matches("--request POST").count(), 2);
    assert!(
        create.find("--request GET").unwrap() < create.find("--request POST").unwrap(),
        "the list of --skip-existing comes first"
    );
    let wait = dry_run(
        &emu,
        &["wait", id, "5f1e2d3c4b5a69788796a5b4", "--for", "active"],
    );
    assert_eq!(wait.matches("--request GET").count(), 2);
    assert!(wait.starts_with("# wait first finds"), "{wait}");
    // Several ids are found as the real run finds them: a list per provider, no GET by id.
    assert_eq!(wait.matches("/privateEndpoints?").count(), 2, "{wait}");
    assert!(!wait.contains("5f1e2d3c4b5a69788796a5b4\""), "{wait}");
    let delete = dry_run(&emu, &["delete", id, "--wait"]);
    assert_eq!(delete.matches("--request DELETE").count(), 1);
    assert!(delete.contains("404"), "{delete}");
}
