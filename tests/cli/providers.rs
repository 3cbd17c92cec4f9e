//! Both providers: `list --provider all` in one table and one document, ids found under the
//! other provider when `--provider` is not given, the strict 404 when it is, and `all` refused
//! where a command works under one provider.

use crate::common;
use common::*;

fn seeded_both() -> (Emulator, String, String) {
    let emu = emulator();
    let aws = emu.seed_endpoint(PROJECT, "AWS", "EU_WEST_1", "ACTIVE");
    let azure = emu.seed_endpoint(PROJECT, "AZURE", "US_EAST", "PENDING_ACCEPTANCE");
    (emu, aws, azure)
}

#[test]
fn list_provider_all_shows_both_with_one_list_each() {
    let (emu, aws, azure) = seeded_both();
    let home = scratch_home();
    let out = run(atlas(&emu, &home).args(["list", "--provider", "all"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    for text in [&aws, &azure, "EU_WEST_1", "US_EAST", "AWS", "AZURE"] {
        assert!(out.stdout.contains(text), "{text}: {}", out.stdout);
    }
    let mut requests = sent(&emu);
    requests.sort();
    assert_eq!(requests, ["GET AWS list 200", "GET AZURE list 200"]);

    let out = run(atlas(&emu, &home).args(["list", "--provider", "ALL", "-o", "json"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc = json(&out.stdout);
    let keys: Vec<&String> = doc.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["results", "totalCount"], "the documented shape");
    assert_eq!(doc["totalCount"], 2);
    let providers: Vec<&str> = doc["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["cloudProvider"].as_str().unwrap())
        .collect();
    assert_eq!(providers, ["AWS", "AZURE"]);

    let out =
        run(atlas(&emu, &home).args(["list", "--provider", "all", "-o", "plain", "--no-headers"]));
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{}", out.stdout);
    assert!(
        lines[0].starts_with(&format!("{aws}\tAWS\tEU_WEST_1\tACTIVE")),
        "{}",
        out.stdout
    );
    assert!(
        lines[1].starts_with(&format!("{azure}\tAZURE\tUS_EAST\t")),
        "{}",
        out.stdout
    );

    let out = run(atlas(&emu, &home).args(["list", "--provider", "all", "-q"]));
    assert_eq!(out.stdout, format!("{aws}\n{azure}\n"));
}

#[test]
fn list_without_provider_stays_one_aws_list() {
    let (emu, aws, azure) = seeded_both();
    let home = scratch_home();
    let out = run(atlas(&emu, &home).args(["list", "-q"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, format!("{aws}\n"));
    assert!(!out.stdout.contains(&azure));
    assert_eq!(sent(&emu), ["GET AWS list 200"]);
}

#[test]
fn an_empty_list_of_both_names_both() {
    let emu = emulator();
    let home = scratch_home();
    let out = run(atlas(&emu, &home).args(["list", "--provider", "all"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout
            .contains("No AWS or AZURE encryption-at-rest private endpoints"),
        "{}",
        out.stdout
    );
}

#[test]
fn get_without_provider_finds_an_azure_id_and_says_so() {
    let (emu, _, azure) = seeded_both();
    let home = scratch_home();
    let out = run(atlas(&emu, &home).args(["get", &azure, "-o", "json"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(json(&out.stdout)["id"], azure.as_str());
    assert!(
        out.stderr.contains(&format!(
            "endpoint {azure} is not under AWS; found under AZURE"
        )),
        "{}",
        out.stderr
    );
    assert_eq!(sent(&emu), ["GET AWS 404", "GET AZURE 200"]);
}

#[test]
fn get_with_a_given_provider_is_strict_and_names_the_other() {
    let (emu, _, azure) = seeded_both();
    let home = scratch_home();
    let out = run(atlas(&emu, &home).args(["get", &azure, "--provider", "aws"]));
    assert_eq!(out.code, 4, "{}", out.stderr);
    assert!(
        out.stderr.contains(&format!(
            "endpoint {azure} does not exist under AWS in project {PROJECT} (if it is an AZURE endpoint, add --provider azure)"
        )),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("HTTP 404"), "{}", out.stderr);
    assert_eq!(sent(&emu), ["GET AWS 404"]);
}

#[test]
fn an_id_under_neither_provider_is_a_404_naming_both() {
    let emu = emulator();
    let home = scratch_home();
    let out = run(atlas(&emu, &home).args(["get", "aaaaaaaaaaaaaaaaaaaaaaaa"]));
    assert_eq!(out.code, 4, "{}", out.stderr);
    assert!(
        out.stderr.contains("does not exist under AWS or AZURE"),
        "{}",
        out.stderr
    );
    assert_eq!(sent(&emu), ["GET AWS 404", "GET AZURE 404"]);
}

#[test]
fn delete_yes_without_provider_deletes_an_azure_id_where_it_is() {
    let (emu, aws, azure) = seeded_both();
    let home = scratch_home();
    let out = run(atlas(&emu, &home).args(["delete", &azure, "--yes"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout
            .contains("Deletion requested for AZURE private endpoint"),
        "{}",
        out.stdout
    );
    assert!(out.stderr.contains("found under AZURE"), "{}", out.stderr);
    assert_eq!(sent(&emu), ["DELETE AWS 404", "DELETE AZURE 204"]);
    assert_eq!(emu.endpoints(PROJECT, "AZURE")[0]["status"], "DELETING");
    assert_eq!(emu.endpoints(PROJECT, "AWS")[0]["id"], aws.as_str());
    assert_eq!(emu.endpoints(PROJECT, "AWS")[0]["status"], "ACTIVE");

    let out = run(atlas(&emu, &home).args(["delete", &aws, "--yes", "--provider", "azure"]));
    assert_eq!(out.code, 4, "{}", out.stderr);
    assert!(out.stderr.contains("add --provider aws"), "{}", out.stderr);
}

#[test]
fn wait_without_provider_finds_an_azure_id_with_one_extra_get() {
    let emu = emulator();
    let azure = emu.seed_endpoint(PROJECT, "AZURE", "US_EAST", "ACTIVE");
    let home = scratch_home();
    let out = run(atlas(&emu, &home).args(["wait", &azure, "--for", "active"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains(&azure), "{}", out.stdout);
    assert_eq!(sent(&emu), ["GET AWS 404", "GET AZURE 200"]);
}

#[test]
fn wait_for_ids_under_both_providers_waits_under_each() {
    let emu = emulator();
    let aws = emu.seed_endpoint(PROJECT, "AWS", "EU_WEST_1", "ACTIVE");
    let azure = emu.seed_endpoint(PROJECT, "AZURE", "US_EAST", "ACTIVE");
    let home = scratch_home();
    let out = run(atlas(&emu, &home).args(["wait", &aws, &azure, "-o", "json"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc = json(&out.stdout);
    assert_eq!(doc["results"].as_array().unwrap().len(), 2, "{doc}");
    // One list per provider finds both; both are settled, so nothing more is sent.
    assert_eq!(sent(&emu), ["GET AWS list 200", "GET AZURE list 200"]);
}

#[test]
fn a_wait_under_both_providers_that_runs_out_names_the_whole_timeout_for_each() {
    // Nothing settles: the AWS wait uses up the one --timeout, and the Azure endpoint, whose
    // wait comes after, timed out after that same --timeout, not after what was left of it.
    let emu = emulator_with(|c| c.settle_after = std::time::Duration::from_secs(3600));
    let aws = emu.seed_endpoint(PROJECT, "AWS", "EU_WEST_1", "INITIATING");
    let azure = emu.seed_endpoint(PROJECT, "AZURE", "US_EAST", "INITIATING");
    let home = scratch_home();
    let out = run(atlas(&emu, &home).args([
        "wait",
        &aws,
        &azure,
        "--timeout",
        "1s",
        "--interval",
        "100ms",
    ]));
    assert_eq!(out.code, 7, "{}", out.stderr);
    for id in [&aws, &azure] {
        assert!(
            out.stderr
                .lines()
                .any(|l| l.contains(id.as_str()) && l.contains("timed out after 1s waiting for")),
            "{}",
            out.stderr
        );
    }
    assert!(!out.stderr.contains("timed out after 0s"), "{}", out.stderr);
    assert_eq!(
        out.stderr.matches("timed out after 1s").count(),
        2,
        "{}",
        out.stderr
    );
}

#[test]
fn commands_of_one_provider_refuse_all() {
    let emu = emulator();
    let home = scratch_home();
    for args in [
        &["create", "--region", "US_EAST_1", "--provider", "all"][..],
        &["regions", "--provider", "all"],
        &["plan", "--region", "US_EAST_1", "--provider", "all"],
    ] {
        let out = run(atlas(&emu, &home).args(args));
        assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
        assert!(
            out.stderr
                .contains("pass --provider aws or --provider azure, not all"),
            "{args:?}: {}",
            out.stderr
        );
    }
    assert!(api_requests(&emu).is_empty());
    let out = run(atlas(&emu, &home).args(["config", "show", "-o", "json", "--provider", "all"]));
    assert_eq!(
        json(&out.stdout)["provider"]["value"],
        "all",
        "{}",
        out.stdout
    );
}

#[test]
fn dry_runs_print_one_list_per_provider_and_the_list_that_finds_a_region() {
    let emu = emulator();
    let home = scratch_home();
    let out = run(atlas(&emu, &home).args(["list", "--provider", "all", "--dry-run"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stdout.matches("--request GET").count(),
        2,
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("/encryptionAtRest/AWS/privateEndpoints?"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("/encryptionAtRest/AZURE/privateEndpoints?"),
        "{}",
        out.stdout
    );

    let out = run(atlas(&emu, &home).args(["delete", "--region", "westeurope", "--dry-run"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout
            .contains("# delete --region lists the endpoints first"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("/encryptionAtRest/AZURE/privateEndpoints?"),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains("--request DELETE"), "{}", out.stdout);
    assert!(api_requests(&emu).is_empty());
}
