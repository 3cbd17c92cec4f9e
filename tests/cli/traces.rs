//! `-v` and `-vv` traces on stderr: what each level shows, and that credentials never appear.

use crate::common;
use common::*;

fn lines_with<'a>(text: &'a str, needle: &str) -> Vec<&'a str> {
    text.lines().filter(|l| l.contains(needle)).collect()
}

#[test]
fn v_shows_method_url_status_time_and_rate_limits() {
    let emu = emulator();
    let id = emu.seed_endpoint(PROJECT, "AWS", "US_EAST_1", "ACTIVE");
    let home = scratch_home();
    let out = run(atlas(&emu, &home).args(["get", &id, "-v"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let url = format!("{}{}/{id}", emu.base_url(), collection_path("AWS"));
    let summaries = lines_with(&out.stderr, " -> ");
    assert_eq!(summaries.len(), 2, "{}", out.stderr);
    assert!(
        summaries[0].starts_with(&format!("GET {url} -> 401 Unauthorized (")),
        "{}",
        summaries[0]
    );
    assert!(
        summaries[1].starts_with(&format!("GET {url} -> 200 OK (")),
        "{}",
        summaries[1]
    );
    for line in &summaries {
        assert!(line.contains(" ms) [RateLimit-Limit: "), "{line}");
        assert!(line.contains("RateLimit-Remaining: "), "{line}");
    }
    assert!(
        !out.stderr
            .lines()
            .any(|l| l.starts_with('>') || l.starts_with('<')),
        "headers only with -vv: {}",
        out.stderr
    );
    assert_eq!(
        out.stdout.lines().count(),
        6,
        "stdout keeps the table (and its caption):\n{}",
        out.stdout
    );
}

#[test]
fn v_shows_retries_and_retry_after() {
    let emu = emulator();
    emu.inject(Fault {
        route: Route::List,
        kind: FaultKind::Status {
            status: 503,
            retry_after: Some(0),
        },
        count: 1,
    });
    let home = scratch_home();
    let out = run(atlas(&emu, &home).args(["list", "-v"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let failed = lines_with(&out.stderr, "-> 503");
    assert_eq!(failed.len(), 1, "{}", out.stderr);
    assert!(failed[0].contains("Retry-After: 0"), "{}", failed[0]);
    let retries = lines_with(&out.stderr, "retry 1/3 of GET");
    assert_eq!(retries.len(), 1, "{}", out.stderr);
    assert!(retries[0].contains("after HTTP 503"), "{}", retries[0]);
    assert_eq!(lines_with(&out.stderr, "-> 200 OK").len(), 1);
}

#[test]
fn vv_adds_headers_and_bodies_with_authorization_redacted() {
    let emu = emulator();
    let home = scratch_home();
    let out =
        run(atlas(&emu, &home).args(["create", "--region", "US_EAST_1", "-vv", "-o", "json"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let err = &out.stderr;
    let url = format!("{}{}", emu.base_url(), collection_path("AWS"));
    assert_eq!(lines_with(err, &format!("> POST {url}")).len(), 2, "{err}");
    assert_eq!(
        lines_with(err, "> accept: application/vnd.atlas.2023-01-01+json").len(),
        2
    );
    assert_eq!(
        lines_with(err, "> content-type: application/vnd.atlas.2023-01-01+json").len(),
        2
    );
    assert_eq!(
        lines_with(
            err,
            concat!("> user-agent: atlas-ear/", env!("CARGO_PKG_VERSION"))
        )
        .len(),
        2
    );
    assert_eq!(lines_with(err, r#"> {"regionName":"US_EAST_1"}"#).len(), 2);
    // The first request has no Authorization yet; the answer to the challenge is masked.
    assert_eq!(
        lines_with(err, "> authorization: [redacted]").len(),
        1,
        "{err}"
    );
    assert!(
        lines_with(err, "< www-authenticate: Digest").len() == 1,
        "{err}"
    );
    assert!(lines_with(err, "< ratelimit-limit: ").len() >= 2, "{err}");
    let id = json(&out.stdout)["id"].as_str().unwrap().to_string();
    assert!(
        err.lines().any(|l| l.starts_with("< {") && l.contains(&id)),
        "response body traced: {err}"
    );
    assert!(!err.contains("username="), "{err}");
    assert!(!err.contains("nc=0"), "{err}");
    assert!(!err.contains(atlas_ear_emulator::DEMO_PRIVATE_KEY));
    assert_eq!(
        json(&out.stdout)["regionName"],
        "US_EAST_1",
        "stdout untouched"
    );
}

#[test]
fn no_trace_without_v() {
    let emu = emulator();
    let home = scratch_home();
    let out = run(atlas(&emu, &home).arg("list"));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stderr, "");
}
