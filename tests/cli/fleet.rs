//! `create` in several regions: what goes over the wire (N regions, N+1 requests), how every
//! region's outcome is reported, `--skip-existing`, region input, and POSTs whose outcome is
//! unknown (never re-sent; the provider's endpoints are listed to find out).

use crate::common;
use common::*;
use serde_json::Value;
use std::collections::BTreeSet;

fn posts(emu: &Emulator) -> Vec<LoggedRequest> {
    api_requests(emu)
        .into_iter()
        .filter(|r| r.method == "POST")
        .collect()
}

fn region_of_body(request: &LoggedRequest) -> String {
    json(&request.body)["regionName"]
        .as_str()
        .unwrap()
        .to_string()
}

fn ids_in(doc: &Value) -> BTreeSet<String> {
    doc["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn three_regions_cost_four_requests_and_all_are_printed() {
    let emu = emulator();
    let home = scratch_home();
    let out = run(atlas(&emu, &home).args([
        "create",
        "--region",
        "US_EAST_1,eu-west-1",
        "--region",
        "Ap-South-1",
        "-o",
        "json",
    ]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc = json(&out.stdout);
    let regions: Vec<&str> = doc["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["regionName"].as_str().unwrap())
        .collect();
    assert_eq!(
        regions,
        ["US_EAST_1", "EU_WEST_1", "AP_SOUTH_1"],
        "order of --region"
    );
    assert_eq!(doc["errors"], serde_json::json!([]));
    assert_eq!(doc["existing"], serde_json::json!([]));

    let requests = api_requests(&emu);
    assert_eq!(requests.len(), 4, "1 challenge + 3 POSTs");
    assert_eq!(requests.iter().filter(|r| r.status == 401).count(), 1);
    let posted: BTreeSet<String> = posts(&emu)
        .iter()
        .filter(|r| r.is_authenticated())
        .map(region_of_body)
        .collect();
    assert_eq!(
        posted,
        ["AP_SOUTH_1", "EU_WEST_1", "US_EAST_1"]
            .map(String::from)
            .into()
    );
    assert_eq!(
        posts(&emu).iter().filter(|r| r.status == 202).count(),
        3,
        "each region is sent exactly once"
    );
    let on_server: BTreeSet<String> = emu
        .endpoints(PROJECT, "AWS")
        .iter()
        .map(|e| e["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids_in(&doc), on_server);
}

#[test]
fn eight_regions_still_cost_one_challenge() {
    let emu = emulator();
    let home = scratch_home();
    let regions =
        "US_EAST_1,US_EAST_2,US_WEST_1,US_WEST_2,EU_WEST_1,EU_WEST_2,EU_CENTRAL_1,AP_SOUTH_1";
    let out = run(atlas(&emu, &home).args(["create", "--region", regions]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let requests = api_requests(&emu);
    assert_eq!(requests.len(), 9, "1 challenge + 8 POSTs");
    assert!(requests[1..].iter().all(|r| r.status == 202));
    for endpoint in emu.endpoints(PROJECT, "AWS") {
        assert!(out.stdout.contains(endpoint["id"].as_str().unwrap()));
    }
}

#[test]
fn with_a_service_account_three_regions_cost_one_token_and_three_posts() {
    let emu = emulator();
    let home = scratch_home();
    let out = run(bare(&home)
        .env("MONGODB_ATLAS_BASE_URL", emu.base_url())
        .env(
            "MONGODB_ATLAS_CLIENT_ID",
            atlas_ear_emulator::DEMO_CLIENT_ID,
        )
        .env(
            "MONGODB_ATLAS_CLIENT_SECRET",
            atlas_ear_emulator::DEMO_CLIENT_SECRET,
        )
        .env("MONGODB_ATLAS_PROJECT_ID", PROJECT)
        .args(["create", "--region", "US_EAST_1,EU_WEST_1,AP_SOUTH_1"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let requests = emu.requests();
    assert_eq!(requests.len(), 4, "one token request + 3 POSTs");
    assert_eq!(
        requests
            .iter()
            .filter(|r| r.path == "/api/oauth/token")
            .count(),
        1
    );
    assert_eq!(
        requests
            .iter()
            .filter(|r| r.method == "POST" && r.status == 202)
            .count(),
        3
    );
}

#[test]
fn one_failing_region_is_reported_and_the_others_are_still_printed() {
    let emu = emulator();
    emu.seed_endpoint(PROJECT, "AWS", "EU_WEST_1", "ACTIVE");
    let home = scratch_home();
    let out = run(atlas(&emu, &home).args([
        "create",
        "--region",
        "US_EAST_1,EU_WEST_1,AP_SOUTH_1",
        "-o",
        "json",
    ]));
    assert_eq!(out.code, 5, "409 is an API error: {}", out.stderr);
    let doc = json(&out.stdout);
    let results = doc["results"].as_array().unwrap();
    assert_eq!(results.len(), 2);
    let errors = doc["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0]["region"], "EU_WEST_1");
    assert_eq!(errors[0]["status"], 409);
    assert_eq!(errors[0]["reason"], "api_error");
    assert!(errors[0]["errorCode"].is_string(), "{doc}");
    assert!(errors[0]["detail"].is_string(), "{doc}");
    assert!(
        out.stderr.contains("error: EU_WEST_1:") && out.stderr.contains("409"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("1 of 3 regions"), "{}", out.stderr);

    // The same as a table: both created endpoints on stdout, the failure on stderr.
    let emu = emulator();
    emu.seed_endpoint(PROJECT, "AWS", "EU_WEST_1", "ACTIVE");
    let out =
        run(atlas(&emu, &home).args(["create", "--region", "US_EAST_1,EU_WEST_1,AP_SOUTH_1"]));
    assert_eq!(out.code, 5, "{}", out.stderr);
    let created: Vec<Value> = emu
        .endpoints(PROJECT, "AWS")
        .into_iter()
        .filter(|e| e["regionName"] != "EU_WEST_1")
        .collect();
    assert_eq!(created.len(), 2);
    for endpoint in &created {
        assert!(
            out.stdout.contains(endpoint["id"].as_str().unwrap()),
            "{}",
            out.stdout
        );
    }
    assert!(!out.stdout.contains("409"));
    assert!(out.stderr.contains("EU_WEST_1"));
}

#[test]
fn skip_existing_lists_first_and_follows_the_documented_rules() {
    let emu = emulator();
    let active = emu.seed_endpoint(PROJECT, "AWS", "US_EAST_1", "ACTIVE");
    emu.seed_endpoint(PROJECT, "AWS", "EU_WEST_1", "DELETING");
    let failed = emu.seed_endpoint(PROJECT, "AWS", "AP_SOUTH_1", "FAILED");
    let home = scratch_home();
    let out = run(atlas(&emu, &home).args([
        "create",
        "--skip-existing",
        "--region",
        "US_EAST_1,EU_WEST_1,AP_SOUTH_1,US_WEST_2",
        "-o",
        "json",
    ]));
    assert_eq!(
        out.code, 8,
        "an existing FAILED endpoint fails the run: {}",
        out.stderr
    );
    let doc = json(&out.stdout);
    let results = doc["results"].as_array().unwrap();
    let regions: Vec<&str> = results
        .iter()
        .map(|r| r["regionName"].as_str().unwrap())
        .collect();
    assert_eq!(
        regions,
        ["US_EAST_1", "EU_WEST_1", "AP_SOUTH_1", "US_WEST_2"]
    );
    assert_eq!(results[0]["id"], active.as_str());
    assert_eq!(
        results[1]["status"], "INITIATING",
        "DELETING is ignored: created anew"
    );
    assert_eq!(results[2]["id"], failed.as_str());
    assert_eq!(doc["existing"], serde_json::json!([active, failed]));
    let errors = doc["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0]["region"], "AP_SOUTH_1");
    assert_eq!(errors[0]["reason"], "endpoint_failed");
    assert!(
        out.stderr
            .contains(&format!("already has endpoint {active} (ACTIVE)"))
    );

    let requests = api_requests(&emu);
    let summary: Vec<(&str, u16)> = requests
        .iter()
        .map(|r| (r.method.as_str(), r.status))
        .collect();
    assert_eq!(
        summary,
        [("GET", 401), ("GET", 200), ("POST", 202), ("POST", 202)],
        "challenge, one list page, then only the two missing regions"
    );
    let posted: BTreeSet<String> = posts(&emu).iter().map(region_of_body).collect();
    assert_eq!(posted, ["EU_WEST_1", "US_WEST_2"].map(String::from).into());
}

#[test]
fn running_the_same_create_twice_is_safe_with_skip_existing() {
    let emu = emulator();
    let home = scratch_home();
    let args = [
        "create",
        "--skip-existing",
        "--region",
        "US_EAST_1,EU_WEST_1",
        "-o",
        "json",
    ];
    let first = run(atlas(&emu, &home).args(args));
    assert_eq!(first.code, 0, "{}", first.stderr);
    emu.clear_requests();
    let second = run(atlas(&emu, &home).args(args));
    assert_eq!(
        second.code, 0,
        "existing endpoints count as success: {}",
        second.stderr
    );
    assert_eq!(ids_in(&json(&first.stdout)), ids_in(&json(&second.stdout)));
    assert_eq!(
        json(&second.stdout)["existing"].as_array().unwrap().len(),
        2
    );
    assert!(posts(&emu).is_empty(), "nothing created twice");
    assert_eq!(emu.endpoints(PROJECT, "AWS").len(), 2);
}

#[test]
fn one_region_with_skip_existing_prints_the_endpoint_like_get() {
    let emu = emulator();
    let id = emu.seed_endpoint(PROJECT, "AWS", "US_EAST_1", "ACTIVE");
    let home = scratch_home();
    let out = run(atlas(&emu, &home).args([
        "create",
        "--region",
        "us-east-1",
        "--skip-existing",
        "-o",
        "json",
    ]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc = json(&out.stdout);
    assert_eq!(doc["id"], id.as_str());
    assert_eq!(doc, emu.endpoints(PROJECT, "AWS")[0]);
}

#[test]
fn unknown_regions_are_refused_together_before_any_request() {
    let emu = emulator();
    let home = scratch_home();
    let out = run(atlas(&emu, &home).args([
        "create",
        "--region",
        "US_EAST_1,EU_WESTT_1",
        "--region",
        "ap-sout-1",
    ]));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("EU_WESTT_1") && out.stderr.contains("EU_WEST_1"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("AP_SOUT_1") && out.stderr.contains("AP_SOUTH_1"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("--allow-unknown-region"),
        "{}",
        out.stderr
    );
    assert!(api_requests(&emu).is_empty());
    assert_eq!(out.stdout, "");

    let out = run(atlas(&emu, &home).args(["create", "--region", "US_EAST_1,"]));
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("empty"), "{}", out.stderr);
    assert!(api_requests(&emu).is_empty());
}

#[test]
fn allow_unknown_region_sends_the_normalised_name() {
    let emu = emulator();
    let home = scratch_home();
    let out =
        run(atlas(&emu, &home).args(["create", "--region", "me-west-9", "--allow-unknown-region"]));
    let sent = posts(&emu);
    assert_eq!(sent.len(), 2, "challenge + the POST");
    assert_eq!(sent[1].body, r#"{"regionName":"ME_WEST_9"}"#);
    // The emulator knows only the spec's regions, so it answers 400, which is reported.
    assert_eq!(out.code, 5, "{}", out.stderr);
    assert!(out.stderr.contains("400"), "{}", out.stderr);
}

#[test]
fn a_lost_answer_is_not_re_sent_and_the_list_shows_it_was_created() {
    let emu = emulator();
    emu.inject(Fault {
        route: Route::Create,
        kind: FaultKind::DropAfterHandling,
        count: 1,
    });
    let home = scratch_home();
    let out = run(atlas(&emu, &home).args(["create", "--region", "US_EAST_1", "-o", "json"]));
    assert_eq!(
        out.code, 0,
        "found by listing, so a success: {}",
        out.stderr
    );
    let created = emu.endpoints(PROJECT, "AWS");
    assert_eq!(created.len(), 1);
    let doc = json(&out.stdout);
    assert_eq!(doc["id"], created[0]["id"]);
    assert!(out.stderr.contains("note: US_EAST_1:"), "{}", out.stderr);
    assert!(out.stderr.contains("was lost"), "{}", out.stderr);
    let summary: Vec<(String, u16)> = api_requests(&emu)
        .iter()
        .map(|r| (r.method.clone(), r.status))
        .collect();
    let expected = [("POST", 401), ("POST", 0), ("GET", 200)].map(|(m, s)| (m.to_string(), s));
    assert_eq!(
        summary, expected,
        "the POST is never sent twice; one list finds out"
    );
}

#[test]
fn an_unknown_outcome_with_nothing_created_says_a_re_run_is_safe() {
    for kind in [
        FaultKind::DropConnection,
        FaultKind::Status {
            status: 503,
            retry_after: None,
        },
    ] {
        let emu = emulator();
        emu.inject(Fault {
            route: Route::Create,
            kind: kind.clone(),
            count: 1,
        });
        let home = scratch_home();
        let out = run(atlas(&emu, &home).args(["create", "--region", "EU_WEST_1"]));
        assert_eq!(out.code, 6, "{kind:?}: {}", out.stderr);
        assert!(out.stderr.contains("EU_WEST_1"), "{}", out.stderr);
        assert!(out.stderr.contains("re-running is safe"), "{}", out.stderr);
        assert_eq!(out.stdout, "");
        assert_eq!(
            posts(&emu).iter().filter(|r| r.is_authenticated()).count(),
            1,
            "{kind:?}"
        );
        let lists = api_requests(&emu)
            .into_iter()
            .filter(|r| r.method == "GET" && r.query.is_some())
            .count();
        assert_eq!(lists, 1, "{kind:?}");
        assert!(emu.endpoints(PROJECT, "AWS").is_empty());
    }
}

#[test]
fn a_lost_answer_among_several_regions_costs_one_list() {
    let emu = emulator();
    emu.inject(Fault {
        route: Route::Create,
        kind: FaultKind::DropAfterHandling,
        count: 1,
    });
    emu.inject(Fault {
        route: Route::Create,
        kind: FaultKind::DropConnection,
        count: 1,
    });
    let home = scratch_home();
    let out = run(atlas(&emu, &home).args([
        "create",
        "--region",
        "US_EAST_1,EU_WEST_1,AP_SOUTH_1",
        "-o",
        "json",
    ]));
    assert_eq!(out.code, 6, "one region was not created: {}", out.stderr);
    let doc = json(&out.stdout);
    let on_server = emu.endpoints(PROJECT, "AWS");
    assert_eq!(on_server.len(), 2, "one lost answer, one dropped request");
    let expected: BTreeSet<String> = on_server
        .iter()
        .map(|e| e["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids_in(&doc), expected, "every endpoint created is printed");
    let errors = doc["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0]["reason"], "not_created");
    let requests = api_requests(&emu);
    assert_eq!(
        requests
            .iter()
            .filter(|r| r.method == "POST" && r.is_authenticated())
            .count(),
        3
    );
    assert_eq!(
        requests.iter().filter(|r| r.method == "GET").count(),
        1,
        "one list, no challenge GET"
    );
}

#[test]
fn five_regions_cost_six_requests_cold_and_five_with_a_warm_cache() {
    let emu = emulator();
    let home = scratch_home();
    let out = run(atlas(&emu, &home).args([
        "create",
        "--region",
        "US_EAST_1,US_WEST_2,EU_WEST_1,AP_SOUTH_1,SA_EAST_1",
    ]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(api_requests(&emu).len(), 6, "1 challenge + 5 POSTs");

    // A second run in the same home answers the cached challenge: no 401 at all.
    emu.clear_requests();
    let out = run(atlas(&emu, &home).args([
        "create",
        "--region",
        "US_EAST_2,US_WEST_1,EU_WEST_2,AP_SOUTH_2,CA_CENTRAL_1",
    ]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let statuses: Vec<u16> = api_requests(&emu).iter().map(|r| r.status).collect();
    assert_eq!(statuses, vec![202; 5]);
}

#[test]
fn an_answer_lost_with_a_failing_check_is_reported_as_unknown_not_as_a_refusal() {
    let emu = emulator();
    emu.inject(Fault {
        route: Route::Create,
        kind: FaultKind::Status {
            status: 500,
            retry_after: None,
        },
        count: 1,
    });
    emu.inject(Fault {
        route: Route::List,
        kind: FaultKind::Status {
            status: 500,
            retry_after: None,
        },
        count: 1,
    });
    let home = scratch_home();
    let out = run(atlas(&emu, &home).args([
        "create",
        "--region",
        "US_EAST_1,EU_WEST_1",
        "--retries",
        "0",
        "-o",
        "json",
    ]));
    assert_eq!(out.code, 6, "{}", out.stderr);
    let doc = json(&out.stdout);
    let errors = doc["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{doc}");
    assert_eq!(errors[0]["reason"], "outcome_unknown");
    assert_eq!(errors[0]["status"], 500);
    assert!(
        out.stderr.contains("its outcome is unknown"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("re-run with --skip-existing"),
        "{}",
        out.stderr
    );
    assert_eq!(
        posts(&emu).iter().filter(|r| r.is_authenticated()).count(),
        2,
        "the POST that failed is not sent again"
    );
}
