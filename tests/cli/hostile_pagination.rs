//! A list is bounded whatever the server sends: endless pages, pages that repeat, a
//! `totalCount` no list can reach, pages too large to hold. Each case ends in exit 6 naming the
//! page and the reason, with nothing on stdout, never exit 0 with a partial list.

use crate::common;
use crate::stand_in::{self, Answer, Seen};
use common::*;
use serde_json::json;

/// Page number asked for in a list request.
fn page_of(seen: &Seen) -> usize {
    seen.target
        .split(['?', '&'])
        .find_map(|p| p.strip_prefix("pageNum="))
        .and_then(|n| n.parse().ok())
        .unwrap_or(1)
}

/// 500 endpoints whose ids start at `first`, padded with `padding` bytes each.
fn page_body(first: usize, total_count: Option<u64>, padding: usize) -> Vec<u8> {
    let results: Vec<_> = (first..first + 500)
        .map(|n| {
            json!({
                "id": format!("{n:024x}"),
                "cloudProvider": "AWS",
                "regionName": "US_EAST_1",
                "status": "ACTIVE",
                "padding": "x".repeat(padding),
            })
        })
        .collect();
    let mut page = json!({
        "results": results,
        "links": [{"rel": "self", "href": "x"}, {"rel": "next", "href": "y"}],
    });
    if let Some(total) = total_count {
        page["totalCount"] = json!(total);
    }
    serde_json::to_vec(&page).unwrap()
}

fn list_against(server: &stand_in::StandIn) -> Run {
    let emu = emulator();
    let home = scratch_home();
    run(atlas(&emu, &home)
        .env("MONGODB_ATLAS_BASE_URL", &server.url)
        .args(["list", "-o", "json", "--retries", "0"]))
}

fn assert_refused(out: &Run, page: usize, reason: &str) {
    assert_eq!(out.code, 6, "{}", out.stderr);
    assert!(
        out.stdout.is_empty(),
        "a partial list was printed: {}",
        out.stdout.len()
    );
    assert!(
        out.stderr
            .contains(&format!("listing stopped at page {page}: ")),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains(reason), "{}", out.stderr);
}

#[test]
fn an_impossible_total_count_stops_at_the_first_page() {
    let server = stand_in::serve(|seen| {
        Answer::json(page_body(page_of(seen) * 500, Some(1_000_000_000_000), 0))
    });
    let out = list_against(&server);
    assert_refused(
        &out,
        1,
        "totalCount 1000000000000, more than the 5000 endpoints",
    );
    assert_eq!(server.requests(), 1);
}

#[test]
fn endless_new_pages_stop_at_the_item_bound() {
    let server = stand_in::serve(|seen| Answer::json(page_body(page_of(seen) * 500, None, 0)));
    let out = list_against(&server);
    assert_refused(&out, 11, "past 5000 endpoints");
    assert_eq!(server.requests(), 11);
}

#[test]
fn the_same_page_served_again_is_noticed() {
    let server = stand_in::serve(|_| Answer::json(page_body(0, None, 0)));
    let out = list_against(&server);
    assert_refused(
        &out,
        2,
        "repeats endpoint 000000000000000000000000 already received",
    );
    assert_eq!(server.requests(), 2);
}

/// Unix only: memory is measured through `python3` and its `resource` module.
#[cfg(unix)]
#[test]
fn pages_too_large_to_hold_are_refused_and_memory_stays_bounded() {
    // About 15 MiB a page: under the 16 MiB body cap, over what a list may hold.
    let server = stand_in::serve(|seen| Answer::json(page_body(page_of(seen) * 500, None, 30_000)));
    let emu = emulator();
    let home = scratch_home();
    let (out, peak_kib) = run_measured(
        env_command(&emu, &home, atlas_binary())
            .env("MONGODB_ATLAS_BASE_URL", &server.url)
            .args(["list", "-o", "json", "--retries", "0"]),
    );
    assert_refused(&out, 1, "more than 8 MiB");
    assert_eq!(server.requests(), 1);
    assert!(peak_kib < 64 * 1024, "peak resident set {peak_kib} KiB");
}

/// Runs `cmd` to the end and returns its output with its peak resident set in KiB. The run is
/// started by a small Python process and measured there: a child forked from this test process
/// would be charged with this process's own (large, shared) memory from before its `exec`.
#[cfg(unix)]
fn run_measured(cmd: &mut std::process::Command) -> (Run, i64) {
    const MEASURE: &str = "import resource, subprocess, sys\n\
r = subprocess.run(sys.argv[1:])\n\
sys.stderr.write('\\npeak-kib=%d\\n' % resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n\
sys.exit(r.returncode)\n";
    let program = cmd.get_program().to_owned();
    let args: Vec<_> = cmd.get_args().map(|a| a.to_owned()).collect();
    let output = cmd_like(cmd)
        .arg("-c")
        .arg(MEASURE)
        .arg(program)
        .args(args)
        .stdin(std::process::Stdio::null())
        .output()
        .expect("python3 runs (the memory test measures with it)");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let (own, peak) = stderr
        .rsplit_once("\npeak-kib=")
        .expect("python3 reported the peak");
    let run = Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: own.to_string(),
    };
    assert_no_secret(&run);
    (run, peak.trim().parse().expect("a number of KiB"))
}

/// `python3` with the environment `cmd` was given.
#[cfg(unix)]
fn cmd_like(cmd: &std::process::Command) -> std::process::Command {
    let mut python = std::process::Command::new("python3");
    python.env_clear();
    for (name, value) in cmd.get_envs() {
        if let Some(value) = value {
            python.env(name, value);
        }
    }
    python
}
