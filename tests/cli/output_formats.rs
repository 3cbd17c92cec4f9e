//! Output modes of the real binary against the emulator: `-o plain`, `--no-headers`, `-q`,
//! `--jq`, and how they combine. Request counts show that bad combinations cost nothing.

use crate::common;
use common::*;

/// Three endpoints whose ids the test knows, in the order tables sort them (by region).
fn seeded(emu: &Emulator) -> Vec<String> {
    let mut ids: Vec<(String, &str)> = ["US_EAST_1", "AP_SOUTH_1", "EU_WEST_1"]
        .iter()
        .map(|r| (emu.seed_endpoint(PROJECT, "AWS", r, "ACTIVE"), *r))
        .collect();
    ids.sort_by_key(|(_, region)| *region);
    ids.into_iter().map(|(id, _)| id).collect()
}

#[test]
fn plain_is_tab_separated_with_a_header_line() {
    let emu = emulator();
    let ids = seeded(&emu);
    let home = scratch_home();
    let out = run(atlas(&emu, &home).args(["list", "-o", "plain"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 4, "{}", out.stdout);
    assert_eq!(
        lines[0],
        "ID\tPROVIDER\tREGION\tSTATUS\tCONNECTION NAME\tERROR"
    );
    for (line, id) in lines[1..].iter().zip(&ids) {
        let fields: Vec<&str> = line.split('\t').collect();
        assert_eq!(fields.len(), 6, "{line}");
        assert_eq!(fields[0], id);
        assert_eq!(fields[1], "AWS");
        assert_eq!(fields[3], "ACTIVE");
        assert!(fields[4].starts_with("vpce-"), "{line}");
        assert_eq!(fields[5], "");
    }
    assert!(!out.stdout.contains('│'), "no borders");

    let out = run(atlas(&emu, &home).args(["list", "-o", "plain", "--no-headers"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let first_column: Vec<&str> = out
        .stdout
        .lines()
        .map(|l| l.split('\t').next().unwrap())
        .collect();
    assert_eq!(first_column, ids);
}

#[test]
fn plain_for_one_endpoint_and_for_an_empty_list() {
    let emu = emulator();
    let home = scratch_home();
    let out = run(atlas(&emu, &home).args(["list", "-o", "plain"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stdout,
        "ID\tPROVIDER\tREGION\tSTATUS\tCONNECTION NAME\tERROR\n"
    );
    let out = run(atlas(&emu, &home).args([
        "create",
        "--region",
        "EU_WEST_1",
        "-o",
        "plain",
        "--no-headers",
    ]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let created = &emu.endpoints(PROJECT, "AWS")[0];
    let id = created["id"].as_str().unwrap();
    let connection = created["privateEndpointConnectionName"]
        .as_str()
        .unwrap_or("");
    assert_eq!(
        out.stdout,
        format!("{id}\tAWS\tEU_WEST_1\tINITIATING\t{connection}\t\n")
    );
}

#[test]
fn quiet_prints_only_ids() {
    let emu = emulator();
    let ids = seeded(&emu);
    let home = scratch_home();
    let out = run(atlas(&emu, &home).args(["list", "-q"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, format!("{}\n", ids.join("\n")));

    let out = run(atlas(&emu, &home).args(["get", &ids[1], "--quiet"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, format!("{}\n", ids[1]));

    let out = run(atlas(&emu, &home).args(["create", "--region", "SA_EAST_1", "-q"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let created = emu
        .endpoints(PROJECT, "AWS")
        .into_iter()
        .find(|e| e["regionName"] == "SA_EAST_1")
        .unwrap();
    assert_eq!(out.stdout, format!("{}\n", created["id"].as_str().unwrap()));

    let out = run(atlas(&emu, &home).args(["delete", &ids[0], "-y", "-q"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, format!("{}\n", ids[0]));
    assert_eq!(out.stderr, "");
}

#[test]
fn jq_filters_the_json_output() {
    let emu = emulator();
    let ids = seeded(&emu);
    let failed = emu.seed_endpoint(PROJECT, "AWS", "EU_NORTH_1", "FAILED");
    let home = scratch_home();

    let out = run(atlas(&emu, &home).args([
        "list",
        "--jq",
        r#".results[] | select(.status == "FAILED") | .id"#,
    ]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, format!("{failed}\n"), "strings print unquoted");

    let out = run(atlas(&emu, &home).args(["list", "--jq", ".totalCount"]));
    assert_eq!(out.stdout, "4\n");

    let out = run(atlas(&emu, &home).args(["get", &ids[0], "--jq", "{id, status}"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stdout,
        format!("{{\"id\":\"{}\",\"status\":\"ACTIVE\"}}\n", ids[0])
    );

    let out = run(atlas(&emu, &home).args([
        "create",
        "--region",
        "US_WEST_2",
        "-o",
        "json",
        "--jq",
        ".status",
    ]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, "INITIATING\n");

    let out = run(bare(&home).args(["regions", "--provider", "azure", "--jq", "length"]));
    assert_eq!(out.stdout, "56\n");
}

#[test]
fn a_bad_jq_expression_is_a_usage_error_before_any_request() {
    let emu = emulator();
    let home = scratch_home();
    for expr in [".results[", "no_such_filter", "if . then 1"] {
        let out = run(atlas(&emu, &home).args(["list", "--jq", expr]));
        assert_eq!(out.code, 2, "{expr}: {}", out.stderr);
        assert!(out.stderr.contains("--jq"), "{}", out.stderr);
        assert_eq!(out.stdout, "");
    }
    assert!(emu.requests().is_empty(), "nothing was sent");
}

#[test]
fn jq_errors_at_run_time_fail_without_printing_half_a_result() {
    let emu = emulator();
    let id = emu.seed_endpoint(PROJECT, "AWS", "US_EAST_1", "ACTIVE");
    let home = scratch_home();
    let out = run(atlas(&emu, &home).args(["get", &id, "--jq", ".status.deeper"]));
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr.contains("--jq '.status.deeper'"),
        "{}",
        out.stderr
    );
    let out = run(atlas(&emu, &home).args(["get", &id, "--jq", "env"]));
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.contains("env is not available"),
        "{}",
        out.stderr
    );
}

#[test]
fn contradictory_output_flags_are_refused_before_any_request() {
    let emu = emulator();
    let id = emu.seed_endpoint(PROJECT, "AWS", "US_EAST_1", "ACTIVE");
    let home = scratch_home();
    let cases: [&[&str]; 4] = [
        &["list", "--jq", ".", "-o", "plain"],
        &["list", "-q", "--jq", "."],
        &["list", "-q", "-o", "json"],
        &["delete", &id, "--yes", "--jq", "."],
    ];
    for args in cases {
        let out = run(atlas(&emu, &home).args(args));
        assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
        assert_eq!(out.stdout, "");
    }
    assert!(emu.requests().is_empty());
    assert_eq!(emu.endpoints(PROJECT, "AWS")[0]["status"], "ACTIVE");
}

#[test]
fn delete_in_plain_prints_id_and_status() {
    let emu = emulator();
    let id = emu.seed_endpoint(PROJECT, "AWS", "US_EAST_1", "ACTIVE");
    let home = scratch_home();
    let out = run(atlas(&emu, &home).args(["delete", &id, "-y", "-o", "plain"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, format!("ID\tSTATUS\n{id}\tDELETING\n"));
    assert!(out.stderr.contains("Deletion requested"));
}

#[test]
fn regions_in_every_mode() {
    let home = scratch_home();
    let table = run(bare(&home).args(["regions"]));
    let plain = run(bare(&home).args(["regions", "-o", "plain"]));
    let quiet = run(bare(&home).args(["regions", "-q"]));
    let no_headers = run(bare(&home).args(["regions", "-o", "plain", "--no-headers"]));
    assert_eq!(table.stdout.lines().count(), 39);
    assert_eq!(plain.stdout, format!("REGION\n{}", table.stdout));
    assert_eq!(quiet.stdout, table.stdout);
    assert_eq!(no_headers.stdout, table.stdout);
    let json_out = run(bare(&home).args(["regions", "-o", "json"]));
    assert_eq!(json(&json_out.stdout).as_array().unwrap().len(), 39);
}

#[test]
fn config_show_in_plain_and_through_jq() {
    let emu = emulator();
    let home = scratch_home();
    let out = run(atlas(&emu, &home).args(["config", "show", "-o", "plain"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines[0], "SETTING\tVALUE\tSOURCE");
    let project = lines
        .iter()
        .map(|l| l.split('\t').collect::<Vec<_>>())
        .find(|f| f[0] == "project_id")
        .expect("a project_id line");
    assert_eq!(project.len(), 3);
    assert_eq!(project[1], PROJECT);
    assert!(
        project[2].contains("MONGODB_ATLAS_PROJECT_ID"),
        "{project:?}"
    );
    assert!(
        out.stdout.contains("private_key\t********\t"),
        "{}",
        out.stdout
    );

    let out = run(atlas(&emu, &home).args(["config", "show", "--jq", ".project_id.value"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, format!("{PROJECT}\n"));

    let out = run(atlas(&emu, &home).args(["config", "show", "-o", "plain", "--no-headers"]));
    assert!(out.stdout.lines().all(|l| !l.starts_with("SETTING")));

    let out = run(atlas(&emu, &home).args(["config", "show", "-q"]));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(emu.requests().is_empty());
}

#[test]
fn several_regions_in_every_mode() {
    let emu = emulator();
    let home = scratch_home();
    let out = run(atlas(&emu, &home).args(["create", "--region", "US_EAST_1,EU_WEST_1", "-q"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let ids: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(ids.len(), 2, "{}", out.stdout);
    for endpoint in emu.endpoints(PROJECT, "AWS") {
        assert!(ids.contains(&endpoint["id"].as_str().unwrap()));
    }

    let out = run(atlas(&emu, &home).args([
        "create",
        "--region",
        "AP_SOUTH_1,SA_EAST_1",
        "--jq",
        ".results | map(.regionName) | sort | join(\",\")",
    ]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, "AP_SOUTH_1,SA_EAST_1\n");

    let out = run(atlas(&emu, &home).args([
        "create",
        "--region",
        "US_EAST_1,CA_CENTRAL_1",
        "--skip-existing",
        "-o",
        "plain",
        "--no-headers",
    ]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let regions: Vec<&str> = out
        .stdout
        .lines()
        .map(|l| l.split('\t').nth(2).unwrap())
        .collect();
    assert_eq!(regions, ["US_EAST_1", "CA_CENTRAL_1"], "{}", out.stdout);

    let active: Vec<String> = ["EU_NORTH_1", "EU_WEST_2"]
        .iter()
        .map(|r| emu.seed_endpoint(PROJECT, "AWS", r, "ACTIVE"))
        .collect();
    let out = run(atlas(&emu, &home).args(["wait", &active[0], &active[1], "-q"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout.lines().collect::<Vec<_>>(), active);
}
