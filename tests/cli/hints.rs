//! Hints: one `hint:` line on stderr with the command to run next (endpoints still settling, a
//! FAILED endpoint to replace, an Azure endpoint to approve, a wait out of time), runnable as
//! printed in the same context, and none with `-q`, `--no-hints` or `ATLAS_EAR_NO_HINTS`.

use crate::common::*;
use std::time::Duration;

const FAST: &[&str] = &["--interval", "50ms", "--timeout", "60s"];

/// The `hint:` lines of stderr.
fn hints(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .filter_map(|l| l.strip_prefix("hint: "))
        .collect()
}

/// The command a hint ends with, after `atlas-ear `, as words.
fn command_in(hint: &str) -> Vec<String> {
    let start = hint.find("atlas-ear ").expect("a command") + "atlas-ear ".len();
    hint[start..]
        .split_whitespace()
        .map(str::to_string)
        .collect()
}

fn ids_created(emu: &Emulator, provider: &str, regions: &[&str]) -> Vec<String> {
    let endpoints = emu.endpoints(PROJECT, provider);
    regions
        .iter()
        .map(|region| {
            let found = endpoints.iter().find(|e| e["regionName"] == *region);
            found.unwrap()["id"].as_str().unwrap().to_string()
        })
        .collect()
}

#[test]
fn create_without_wait_hints_at_the_wait_command_which_runs_as_printed() {
    let emu = emulator();
    let home = scratch_home();
    let out = run(atlas(&emu, &home).args(["create", "--region", "US_EAST_1,EU_WEST_1"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let ids = ids_created(&emu, "AWS", &["US_EAST_1", "EU_WEST_1"]);
    assert_eq!(
        hints(&out.stderr),
        [format!(
            "endpoints take a few minutes to settle; to wait for them: atlas-ear wait {} {}",
            ids[0], ids[1]
        )]
    );
    assert!(!out.stdout.contains("hint"), "stdout is the result alone");

    emu.set_settle_after(Duration::from_millis(50));
    let waited = run(atlas(&emu, &home)
        .args(command_in(hints(&out.stderr)[0]))
        .args(FAST));
    assert_eq!(waited.code, 0, "{}", waited.stderr);
    assert!(hints(&waited.stderr).is_empty(), "settled: nothing to hint");

    // With --wait the endpoints are settled at the end: no hint to wait.
    let out = run(atlas(&emu, &home)
        .args(["create", "--region", "AP_SOUTH_1", "--wait"])
        .args(FAST));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(hints(&out.stderr).is_empty(), "{}", out.stderr);
}

#[test]
fn hints_repeat_the_provider_and_a_typed_project_id_but_not_the_environment() {
    let emu = emulator();
    let home = scratch_home();
    let out = run(atlas(&emu, &home)
        .env_remove("MONGODB_ATLAS_PROJECT_ID")
        .args([
            "create",
            "--provider",
            "azure",
            "--project-id",
            PROJECT,
            "--region",
            "US_CENTRAL",
            "-o",
            "json",
        ]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let id = &ids_created(&emu, "AZURE", &["US_CENTRAL"])[0];
    assert_eq!(
        hints(&out.stderr),
        [format!(
            "the endpoint takes a few minutes to settle; to wait for it: atlas-ear wait {id} --provider azure --project-id {PROJECT}"
        )]
    );
    assert_eq!(json(&out.stdout)["id"], id.as_str(), "stdout stays JSON");
    // The project id from the environment is there for the next command too.
    let out =
        run(atlas(&emu, &home).args(["create", "--provider", "azure", "--region", "US_EAST_2"]));
    let hint = hints(&out.stderr).join("\n");
    assert!(hint.ends_with("--provider azure"), "{hint}");
    assert!(!hint.contains("--project-id"), "{hint}");
}

#[test]
fn each_way_to_turn_hints_off_turns_them_off() {
    let emu = emulator();
    let home = scratch_home();
    let create = |region: &str| ["create", "--region", region].map(str::to_string);
    let quiet = run(atlas(&emu, &home).args(create("US_EAST_1")).arg("-q"));
    let flag = run(atlas(&emu, &home)
        .args(create("EU_WEST_1"))
        .arg("--no-hints"));
    let variable = run(atlas(&emu, &home)
        .args(create("AP_SOUTH_1"))
        .env("ATLAS_EAR_NO_HINTS", "1"));
    for out in [&quiet, &flag, &variable] {
        assert_eq!(out.code, 0, "{}", out.stderr);
        assert!(!out.stderr.contains("hint"), "{}", out.stderr);
    }
    let ids = ids_created(&emu, "AWS", &["US_EAST_1"]);
    assert_eq!(
        quiet.stdout,
        format!("{}\n", ids[0]),
        "-q prints the id alone"
    );
    assert!(flag.stdout.contains("EU_WEST_1"), "{}", flag.stdout);
    // `0` or empty leaves them on, so the variable can be flipped in a shell profile.
    for value in ["0", ""] {
        let region = if value.is_empty() {
            "SA_EAST_1"
        } else {
            "US_WEST_2"
        };
        let out = run(atlas(&emu, &home)
            .args(create(region))
            .env("ATLAS_EAR_NO_HINTS", value));
        assert_eq!(hints(&out.stderr).len(), 1, "{value:?}: {}", out.stderr);
    }
}

#[test]
fn a_failed_endpoint_hints_at_delete_then_create_or_at_apply_where_a_file_declares_it() {
    let emu = emulator_with(|c| c.settle_after = Duration::from_millis(50));
    emu.fail_region("AWS", "US_EAST_1", "the key is gone");
    let home = scratch_home();
    let out = run(atlas(&emu, &home)
        .args(["create", "--region", "US_EAST_1", "--wait"])
        .args(FAST));
    assert_eq!(out.code, 8, "{}", out.stderr);
    let id = &ids_created(&emu, "AWS", &["US_EAST_1"])[0];
    assert_eq!(
        hints(&out.stderr),
        [format!(
            "to replace the FAILED endpoint in US_EAST_1: atlas-ear delete {id} --wait && atlas-ear create --region US_EAST_1"
        )]
    );
    assert!(!out.stderr.contains("settle;"), "no hint to wait for it");

    // `wait` on it says the same; with a desired-state file here, `apply` comes first.
    std::fs::write(
        home.path().join("atlas-ear.toml"),
        format!("[[project]]\nid = \"{PROJECT}\"\naws = [\"US_EAST_1\"]\n"),
    )
    .unwrap();
    let out = run(atlas(&emu, &home)
        .current_dir(home.path())
        .args(["wait", id])
        .args(FAST));
    assert_eq!(out.code, 8, "{}", out.stderr);
    assert_eq!(
        hints(&out.stderr),
        [format!(
            "to replace the FAILED endpoint in US_EAST_1: atlas-ear apply (atlas-ear.toml is here), or atlas-ear delete {id} --wait && atlas-ear create --region US_EAST_1"
        )]
    );
}

#[test]
fn apply_with_a_failed_endpoint_hints_at_running_apply_again() {
    let emu = emulator_with(|c| c.settle_after = Duration::from_millis(50));
    emu.fail_region("AWS", "EU_WEST_1", "the key is gone");
    let home = scratch_home();
    let out = run(atlas(&emu, &home)
        .args(["apply", "--region", "EU_WEST_1,US_EAST_1", "--yes"])
        .args(FAST));
    assert_eq!(out.code, 8, "{}", out.stderr);
    let hints = hints(&out.stderr);
    assert_eq!(hints.len(), 1, "{}", out.stderr);
    assert!(
        hints[0].starts_with(
            "run the same `atlas-ear apply` again to replace the FAILED endpoint in EU_WEST_1"
        ),
        "{}",
        hints[0]
    );
    let quiet = run(atlas(&emu, &home)
        .args([
            "apply",
            "--region",
            "EU_WEST_1,US_EAST_1",
            "--yes",
            "--no-hints",
        ])
        .args(FAST));
    assert!(!quiet.stderr.contains("hint:"), "{}", quiet.stderr);
}

#[test]
fn pending_acceptance_hints_at_wait_for_active_after_approval() {
    let emu = emulator_with(|c| c.settle_after = Duration::from_millis(50));
    let home = scratch_home();
    let out = run(atlas(&emu, &home)
        .args([
            "create",
            "--provider",
            "azure",
            "--region",
            "US_CENTRAL,US_EAST_2",
            "--wait",
        ])
        .args(FAST));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let ids = ids_created(&emu, "AZURE", &["US_CENTRAL", "US_EAST_2"]);
    // The next step (on stderr) gives the approval; the hint adds the command for after it.
    assert!(
        out.stderr.contains("next step for US_CENTRAL"),
        "{}",
        out.stderr
    );
    let expected = format!(
        "once the connections are approved, to wait until they are ACTIVE: atlas-ear wait {} {} --for active --provider azure",
        ids[0], ids[1]
    );
    assert_eq!(hints(&out.stderr), [expected.as_str()]);

    for id in &ids {
        assert!(emu.approve(id));
    }
    let waited = run(atlas(&emu, &home).args(command_in(&expected)).args(FAST));
    assert_eq!(waited.code, 0, "{}", waited.stderr);
    assert!(hints(&waited.stderr).is_empty(), "{}", waited.stderr);
}

#[test]
fn a_wait_out_of_time_hints_at_waiting_longer_for_the_same_thing() {
    let emu = emulator(); // DELETING lasts ten minutes here
    let id = emu.seed_endpoint(PROJECT, "AWS", "US_EAST_1", "DELETING");
    let home = scratch_home();
    let out = run(atlas(&emu, &home).args([
        "wait",
        &id,
        "--for",
        "deleted",
        "--interval",
        "50ms",
        "--timeout",
        "300ms",
    ]));
    assert_eq!(out.code, 7, "{}", out.stderr);
    assert_eq!(
        hints(&out.stderr),
        [format!(
            "to keep waiting: atlas-ear wait {id} --for deleted"
        )]
    );
}
