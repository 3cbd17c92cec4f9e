//! Region names as people bring them: Azure's own spellings for `--provider azure`, and a region
//! of the other provider named as such, in `create` and in the desired-state file.

use crate::common;
use common::*;

#[test]
fn azure_names_in_either_spelling_are_sent_as_atlas_names() {
    let emu = emulator();
    let home = scratch_home();
    let out = run(atlas(&emu, &home).args([
        "create",
        "--provider",
        "azure",
        "--region",
        "westeurope,East US 2",
        "--region",
        "eastus",
        "-o",
        "json",
    ]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let bodies: Vec<String> = api_requests(&emu)
        .into_iter()
        .filter(|r| r.method == "POST" && r.status == 202)
        .map(|r| r.body)
        .collect();
    assert_eq!(bodies.len(), 3, "{bodies:?}");
    for region in ["EUROPE_WEST", "US_EAST_2", "US_EAST"] {
        let body = format!(r#"{{"regionName":"{region}"}}"#);
        assert!(bodies.contains(&body), "{region} not sent: {bodies:?}");
    }
}

#[test]
fn an_aws_region_under_azure_is_named_as_aws_with_no_request() {
    let emu = emulator();
    let home = scratch_home();
    let out =
        run(atlas(&emu, &home).args(["create", "--provider", "azure", "--region", "EU_WEST_1"]));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("EU_WEST_1 is an AWS region, not an AZURE one; did you mean --provider aws?"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("did you mean EU"), "{}", out.stderr);
    assert!(api_requests(&emu).is_empty());
}

#[test]
fn an_azure_name_under_aws_points_to_azure_even_with_allow_unknown_region() {
    let emu = emulator();
    let home = scratch_home();
    let out = run(atlas(&emu, &home).args([
        "create",
        "--region",
        "westeurope",
        "--allow-unknown-region",
    ]));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains(
            "'westeurope' is an AZURE region (EUROPE_WEST in Atlas), not an AWS one; did you mean --provider azure?"
        ),
        "{}",
        out.stderr
    );
    assert!(api_requests(&emu).is_empty());
}

#[test]
fn the_desired_state_file_reads_azure_names_too() {
    let emu = emulator();
    let home = scratch_home();
    let file = home.path().join("state.toml");
    std::fs::write(
        &file,
        format!("[[project]]\nid = \"{PROJECT}\"\nazure = [\"westeurope\", \"East US 2\"]\n"),
    )
    .unwrap();
    let out = run(atlas(&emu, &home)
        .args(["plan", "-o", "json", "-f"])
        .arg(&file));
    assert_eq!(out.code, 0, "{}", out.stderr);
    for region in ["EUROPE_WEST", "US_EAST_2"] {
        assert!(out.stdout.contains(region), "{region}: {}", out.stdout);
    }
    assert!(!out.stdout.contains("westeurope"), "{}", out.stdout);
}
