//! Running the real binary in the background, for tests that act while it works: approve an
//! endpoint mid-wait, or press Ctrl-C.
#![allow(dead_code)]

use crate::common::*;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

pub fn spawn_atlas(emu: &Emulator, home: &tempfile::TempDir, args: &[&str]) -> Child {
    env_command(emu, home, atlas_binary())
        .env("NO_COLOR", "1")
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("binary starts")
}

/// Waits (up to a generous limit) until the emulator's log satisfies `ready`.
pub fn wait_for_requests(emu: &Emulator, ready: impl Fn(&[LoggedRequest]) -> bool) {
    let limit = Instant::now() + Duration::from_secs(60);
    while !ready(&api_requests(emu)) {
        assert!(Instant::now() < limit, "the binary never got there");
        std::thread::sleep(Duration::from_millis(20));
    }
}

pub fn finish(child: Child) -> Run {
    let output = child.wait_with_output().expect("binary finishes");
    let run = Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    };
    assert_no_secret(&run);
    run
}

/// Sends SIGINT, as Ctrl-C at a terminal would. Unix only: Windows has no signal to send to
/// one other process.
#[cfg(unix)]
pub fn interrupt(child: &Child) {
    let status = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success(), "kill -INT failed");
}

/// Sends SIGTERM, as CI cancellation, `timeout(1)` and Kubernetes do.
#[cfg(unix)]
pub fn terminate(child: &Child) {
    let status = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success(), "kill -TERM failed");
}
