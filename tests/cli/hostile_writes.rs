//! Stdout that cannot be written: a closed pipe is a quiet exit 0 for every command, a full
//! disk is exit 1 with the reason, and after a create the endpoints are still listed on stderr.
//! Linux only: the full disk is `/dev/full`, and the closed pipe is made with `libc::pipe`.
#![cfg(target_os = "linux")]

use crate::common;
use common::*;
use std::fs::File;
use std::os::fd::{FromRawFd, OwnedFd};
use std::process::Stdio;

/// A pipe whose reading end is already closed: every write to it fails with EPIPE.
fn closed_pipe() -> Stdio {
    let mut fds = [0; 2];
    // SAFETY: pipe fills both descriptors on success; each is then owned exactly once.
    unsafe {
        assert_eq!(libc::pipe(fds.as_mut_ptr()), 0);
        drop(OwnedFd::from_raw_fd(fds[0]));
        Stdio::from(OwnedFd::from_raw_fd(fds[1]))
    }
}

/// Runs the binary as `atlas()` would, with stdout going to `stdout`.
fn run_into(emu: &Emulator, home: &tempfile::TempDir, args: &[&str], stdout: Stdio) -> Run {
    let output = env_command(emu, home, atlas_binary())
        .env("NO_COLOR", "1")
        .args(args)
        .stdin(Stdio::null())
        .stdout(stdout)
        .output()
        .expect("binary runs");
    let run = Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::new(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    };
    assert_no_secret(&run);
    run
}

fn dev_full() -> Stdio {
    Stdio::from(
        File::options()
            .write(true)
            .open("/dev/full")
            .expect("/dev/full"),
    )
}

#[test]
fn a_closed_stdout_is_a_quiet_success_for_every_command() {
    let emu = emulator();
    emu.seed_endpoint(PROJECT, "AWS", "US_EAST_1", "ACTIVE");
    let home = scratch_home();
    let commands: [&[&str]; 5] = [
        &["completions", "zsh"],
        &["man"],
        &["list"],
        &["regions", "-o", "json"],
        &["config", "show"],
    ];
    for args in commands {
        let out = run_into(&emu, &home, args, closed_pipe());
        assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
        assert_eq!(out.stderr, "", "{args:?}");
    }
}

#[test]
fn a_full_disk_is_reported_without_a_crash() {
    let emu = emulator();
    let home = scratch_home();
    for args in [&["completions", "bash"][..], &["man"], &["regions"]] {
        let out = run_into(&emu, &home, args, dev_full());
        assert_eq!(out.code, 1, "{args:?}: {}", out.stderr);
        assert!(
            out.stderr.contains("No space left on device"),
            "{}",
            out.stderr
        );
    }
}

#[test]
fn a_failed_write_after_a_create_still_names_the_endpoints_created() {
    let emu = emulator();
    let home = scratch_home();
    let mut stderr = String::new();
    for args in [
        &["create", "--region", "US_EAST_1"][..],
        &["create", "--region", "EU_WEST_1,AP_SOUTH_1", "-o", "json"],
    ] {
        let out = run_into(&emu, &home, args, dev_full());
        assert_eq!(out.code, 1, "{args:?}: {}", out.stderr);
        assert!(
            out.stderr.contains("No space left on device"),
            "{}",
            out.stderr
        );
        assert!(
            out.stderr.contains("could not be written to stdout"),
            "{}",
            out.stderr
        );
        stderr.push_str(&out.stderr);
    }
    let created = emu.endpoints(PROJECT, "AWS");
    assert_eq!(created.len(), 3);
    for endpoint in created {
        let id = endpoint["id"].as_str().unwrap();
        let region = endpoint["regionName"].as_str().unwrap();
        assert!(
            stderr.contains(&format!("endpoint {id} in {region} (INITIATING)")),
            "{id} {region} missing from: {stderr}"
        );
    }
}
