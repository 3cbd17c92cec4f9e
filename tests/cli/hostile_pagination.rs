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
        .env("MONGODB_ATLAS_BASE_URL", &server.base_url)
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

#[cfg(unix)]
#[test]
fn pages_too_large_to_hold_are_refused_and_memory_stays_bounded() {
    // About 15 MiB a page: under the 16 MiB body cap, over what a list may hold.
    let server = stand_in::serve(|seen| Answer::json(page_body(page_of(seen) * 500, None, 30_000)));
    let emu = emulator();
    let home = scratch_home();
    let (out, peak_kib) = run_measured(
        env_command(&emu, &home, atlas_binary())
            .env("MONGODB_ATLAS_BASE_URL", &server.base_url)
            .args(["list", "-o", "json", "--retries", "0"]),
    );
    assert_refused(&out, 1, "more than 8 MiB");
    assert_eq!(server.requests(), 1);
    assert!(peak_kib < 64 * 1024, "peak resident set {peak_kib} KiB");
}

#[cfg(unix)]
// The child is reaped by `wait4` below, not by `Child::wait`.
#[allow(clippy::zombie_processes)]
/// Runs `cmd` to the end and returns its output with the peak resident set of that one child
/// (from `wait4`, which reports the usage of the child it reaps, not of every child).
fn run_measured(cmd: &mut std::process::Command) -> (Run, i64) {
    let dir = tempfile::tempdir().unwrap();
    let (out_path, err_path) = (dir.path().join("out"), dir.path().join("err"));
    let child = cmd
        .stdin(std::process::Stdio::null())
        .stdout(std::fs::File::create(&out_path).unwrap())
        .stderr(std::fs::File::create(&err_path).unwrap())
        .spawn()
        .unwrap();
    let pid = libc::pid_t::try_from(child.id()).unwrap();
    let mut status = 0;
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::uninit();
    // SAFETY: wait4 fills `status` and a whole rusage for the child it reaped.
    let usage = unsafe {
        assert_eq!(libc::wait4(pid, &mut status, 0, usage.as_mut_ptr()), pid);
        usage.assume_init()
    };
    assert!(libc::WIFEXITED(status), "the child did not exit normally");
    let run = Run {
        code: libc::WEXITSTATUS(status),
        stdout: std::fs::read_to_string(&out_path).unwrap(),
        stderr: std::fs::read_to_string(&err_path).unwrap(),
    };
    assert_no_secret(&run);
    (run, usage.ru_maxrss)
}
