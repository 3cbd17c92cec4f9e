//! Ctrl-C and a closed stdout: the binary is spawned directly (not through `run`, which waits
//! for it), and its output is checked with the same no-secret guarantee afterwards.
//! Unix only: the signals are sent with `kill`; Windows has none to send to one process.
#![cfg(unix)]

use crate::common;
use crate::fault_helpers;
use crate::pty;
use common::*;
use fault_helpers::*;
use pty::open_pty;
use std::io::Read;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The binary with the same clean environment as `common::atlas`, as a std command so that it
/// can be spawned and signalled.
fn spawnable(emu: &Emulator, home: &tempfile::TempDir, args: &[&str]) -> Command {
    let mut cmd = env_command(emu, home, atlas_binary());
    cmd.env("NO_COLOR", "1").args(args).stdin(Stdio::null());
    cmd
}

/// Waits for the child with a generous limit, killing it if it hangs so the test fails cleanly.
fn wait_with_limit(child: &mut Child) -> std::process::ExitStatus {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            return status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("the binary did not exit");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn read_all(pipe: Option<impl Read>) -> String {
    let mut text = String::new();
    if let Some(mut pipe) = pipe {
        pipe.read_to_string(&mut text).expect("read");
    }
    text
}

/// Waits (generously) until the emulator has logged `n` requests.
fn wait_for_requests(emu: &Emulator, n: usize) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while api_requests(emu).len() < n {
        assert!(Instant::now() < deadline, "the requests never arrived");
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn seed_many(emu: &Emulator, n: usize) {
    for i in 0..n {
        let region = atlas_ear::AWS_REGIONS[i % atlas_ear::AWS_REGIONS.len()];
        emu.seed_endpoint(PROJECT, "AWS", region, "ACTIVE");
    }
}

#[test]
fn closed_stdout_exits_quietly() {
    let emu = emulator();
    // About 150 KiB of JSON and more of table: far beyond a pipe's buffer.
    seed_many(&emu, 900);
    for format in ["json", "table"] {
        let home = scratch_home();
        let mut child = spawnable(&emu, &home, &["list", "-o", format])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn");
        let mut stdout = child.stdout.take().expect("stdout");
        let mut first = [0u8; 1];
        stdout.read_exact(&mut first).expect("first byte");
        drop(stdout);
        let status = wait_with_limit(&mut child);
        let stderr = read_all(child.stderr.take());
        assert_eq!(status.code(), Some(0), "{format}: {stderr}");
        assert_eq!(stderr, "", "{format}: nothing on stderr");
    }
}

#[test]
fn ctrl_c_during_a_request_exits_130_without_output() {
    let emu = emulator();
    let id = emu.seed_endpoint(PROJECT, "AWS", "US_EAST_1", "ACTIVE");
    for args in [vec!["list"], vec!["get", id.as_str(), "-o", "json"]] {
        emu.clear_requests();
        emu.clear_faults();
        emu.inject(fault(
            Route::Any,
            FaultKind::Delay(Duration::from_secs(30)),
            1,
        ));
        let home = scratch_home();
        let mut child = spawnable(&emu, &home, &args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn");
        // The challenge and the delayed authenticated request have both arrived: the command
        // is in the middle of its work.
        wait_for_requests(&emu, 2);
        let killed = Command::new("kill")
            .args(["-INT", &child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(killed.success());
        let status = wait_with_limit(&mut child);
        let out = Run {
            code: status.code().unwrap_or(-1),
            stdout: read_all(child.stdout.take()),
            stderr: read_all(child.stderr.take()),
        };
        assert_no_secret(&out);
        assert_eq!(out.code, 130, "{args:?}: {}", out.stderr);
        assert_eq!(out.stdout, "", "{args:?}: nothing half-written");
        assert_eq!(out.stderr, "error: interrupted\n", "{args:?}");
        assert_eq!(all_attempts(&emu), 1, "{args:?}: nothing sent after Ctrl-C");
    }
}

#[test]
fn ctrl_c_at_the_delete_prompt_exits_130_and_sends_nothing() {
    let emu = emulator();
    let id = emu.seed_endpoint(PROJECT, "AWS", "US_EAST_1", "ACTIVE");
    let home = scratch_home();
    // The binary gets the terminal end as stdin, stdout and stderr.
    let (controller, terminal) = open_pty();
    let mut controller = std::fs::File::from(controller);
    let mut child = spawnable(&emu, &home, &["delete", &id])
        .stdin(Stdio::from(terminal.try_clone().expect("dup")))
        .stdout(Stdio::from(terminal.try_clone().expect("dup")))
        .stderr(Stdio::from(terminal))
        .spawn()
        .expect("spawn");
    // Everything the terminal shows, read on a thread; it ends when the binary is gone.
    let (sender, receiver) = std::sync::mpsc::channel::<Vec<u8>>();
    std::thread::spawn(move || {
        let mut buffer = [0u8; 1024];
        while let Ok(n) = controller.read(&mut buffer) {
            if n == 0 || sender.send(buffer[..n].to_vec()).is_err() {
                break;
            }
        }
    });
    let mut shown = Vec::new();
    while !String::from_utf8_lossy(&shown).contains("[y/N]") {
        match receiver.recv_timeout(Duration::from_secs(60)) {
            Ok(bytes) => shown.extend(bytes),
            Err(_) => {
                let _ = child.kill();
                panic!("no prompt: {}", String::from_utf8_lossy(&shown));
            }
        }
    }
    let killed = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(killed.success());
    let status = wait_with_limit(&mut child);
    while let Ok(bytes) = receiver.recv_timeout(Duration::from_secs(5)) {
        shown.extend(bytes);
    }
    let out = Run {
        code: status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&shown).into_owned(),
        stderr: String::new(),
    };
    assert_no_secret(&out);
    assert_eq!(out.code, 130, "{}", out.stdout);
    assert!(
        out.stdout.contains("[y/N] \r\nerror: interrupted"),
        "the prompt line is ended before the message: {:?}",
        out.stdout
    );
    assert!(
        api_requests(&emu).iter().all(|r| r.method != "DELETE"),
        "nothing was deleted"
    );
    assert_eq!(emu.endpoints(PROJECT, "AWS")[0]["status"], "ACTIVE");
}
