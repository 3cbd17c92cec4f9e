//! `plan --cover-clusters` and `apply --cover-clusters`: every region the project's clusters use
//! on a declared provider is declared too (one clusters list per project), and the plan says
//! which regions came from clusters.

use crate::common;
use common::*;
use std::time::Duration;

fn state_file(home: &tempfile::TempDir, text: &str) -> String {
    let path = home.path().join("atlas-ear.toml");
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_string()
}

fn cluster_lists(emu: &Emulator) -> usize {
    api_requests(emu)
        .iter()
        .filter(|r| r.is_authenticated() && r.path.ends_with("/clusters"))
        .count()
}

fn seeded() -> Emulator {
    let emu = emulator_with(|c| c.settle_after = Duration::from_millis(200));
    emu.seed_cluster(
        PROJECT,
        "orders",
        &[
            ("AWS", "US_EAST_1"),
            ("AWS", "EU_WEST_2"),
            ("AZURE", "US_CENTRAL"),
        ],
    )
    .unwrap();
    emu.seed_cluster(OTHER_PROJECT, "ledger", &[("AWS", "AP_SOUTH_1")])
        .unwrap();
    emu
}

#[test]
fn plan_adds_the_cluster_regions_of_declared_providers_and_says_so() {
    let emu = seeded();
    emu.seed_endpoint(PROJECT, "AWS", "US_EAST_1", "ACTIVE");
    let home = scratch_home();
    let file = state_file(
        &home,
        &format!(
            "[[project]]\nid = \"{PROJECT}\"\naws = [\"US_EAST_1\"]\n\n[[project]]\nid = \"{OTHER_PROJECT}\"\naws = []\n"
        ),
    );
    let out = run(atlas(&emu, &home).args(["plan", "-f", &file, "--cover-clusters", "-o", "json"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc = json(&out.stdout);
    let changes: Vec<(String, String, String, Option<String>)> = doc["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["project"].as_str().unwrap().to_string(),
                c["region"].as_str().unwrap().to_string(),
                c["action"].as_str().unwrap().to_string(),
                c.get("fromClusters").map(|f| f.to_string()),
            )
        })
        .collect();
    let p = PROJECT.to_string();
    let o = OTHER_PROJECT.to_string();
    assert_eq!(
        changes,
        [
            (p.clone(), "US_EAST_1".into(), "keep".into(), None),
            (
                p,
                "EU_WEST_2".into(),
                "create".into(),
                Some(r#"["orders"]"#.into())
            ),
            (
                o,
                "AP_SOUTH_1".into(),
                "create".into(),
                Some(r#"["ledger"]"#.into())
            ),
        ],
        "the Azure region is not added: the file declares no Azure for the project"
    );
    assert_eq!(cluster_lists(&emu), 2, "one clusters list per project");

    let table = run(atlas(&emu, &home).args(["plan", "-f", &file, "--cover-clusters"]));
    assert!(
        table.stdout.contains("+ create   EU_WEST_2")
            && table.stdout.contains("(from clusters: orders)"),
        "{}",
        table.stdout
    );

    emu.clear_requests();
    let without = run(atlas(&emu, &home).args(["plan", "-f", &file, "-o", "json"]));
    assert_eq!(
        json(&without.stdout)["changes"].as_array().unwrap().len(),
        1
    );
    assert_eq!(cluster_lists(&emu), 0, "no clusters list without the flag");
}

#[test]
fn apply_creates_the_cluster_regions_and_a_second_run_sends_nothing() {
    let emu = seeded();
    let home = scratch_home();
    let args = [
        "apply",
        "--region",
        "US_EAST_1",
        "--provider",
        "aws",
        "--cover-clusters",
        "--yes",
        "--interval",
        "50ms",
        "-o",
        "json",
    ];
    let out = run(atlas(&emu, &home).args(args));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let mut created: Vec<String> = api_requests(&emu)
        .iter()
        .filter(|r| r.method == "POST" && r.is_authenticated())
        .map(|r| json(&r.body)["regionName"].as_str().unwrap().to_string())
        .collect();
    created.sort();
    assert_eq!(created, ["EU_WEST_2", "US_EAST_1"]);
    assert_eq!(cluster_lists(&emu), 1);

    emu.clear_requests();
    let again = run(atlas(&emu, &home).args(args));
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert!(
        api_requests(&emu).iter().all(|r| r.method == "GET"),
        "converged: nothing to create"
    );
}

#[test]
fn dry_run_prints_the_clusters_list_first() {
    let emu = seeded();
    let home = scratch_home();
    let out = run(atlas(&emu, &home).args([
        "plan",
        "--region",
        "US_EAST_1",
        "--cover-clusters",
        "--dry-run",
    ]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let curls: Vec<&str> = out
        .stdout
        .lines()
        .filter(|l| l.starts_with("curl "))
        .collect();
    assert_eq!(curls.len(), 2, "{}", out.stdout);
    assert!(
        out.stdout.find("/clusters?").unwrap() < out.stdout.find("/privateEndpoints?").unwrap()
    );
    assert!(
        out.stdout.contains("--cover-clusters"),
        "the note says why: {}",
        out.stdout
    );
    assert!(api_requests(&emu).is_empty());
}
