//! Behaviour that depends on a terminal, driven through a real pseudo-terminal made by
//! util-linux `script` (its BSD namesake on macOS takes other arguments, hence Linux only).
#![cfg(target_os = "linux")]

use crate::common;
use common::*;
use std::io::Write;
use std::process::Stdio;

/// Runs `atlas-ear ARGS` on a pseudo-terminal, typing `input`, and returns (exit code, output).
fn on_terminal(
    emu: &Emulator,
    home: &tempfile::TempDir,
    args: &[&str],
    input: &str,
) -> (i32, String) {
    let command_line = std::iter::once(atlas_binary().display().to_string())
        .chain(args.iter().map(|a| a.to_string()))
        .collect::<Vec<_>>()
        .join(" ");
    let mut child = env_command(emu, home, "script")
        .args(["-qfec", &command_line, "/dev/null"])
        .env("TERM", "dumb")
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("script(1) from util-linux runs");
    // What we type waits in the terminal's input buffer until the prompt reads it.
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    let text = String::from_utf8_lossy(&output.stdout).into_owned()
        + &String::from_utf8_lossy(&output.stderr);
    assert_no_secret(&Run {
        code: 0,
        stdout: text.clone(),
        stderr: String::new(),
    });
    (output.status.code().unwrap_or(-1), text)
}

#[test]
fn delete_asks_on_a_terminal_and_yes_deletes() {
    let emu = emulator();
    let id = emu.seed_endpoint(PROJECT, "AWS", "US_EAST_1", "ACTIVE");
    let home = scratch_home();
    let (code, text) = on_terminal(&emu, &home, &["delete", &id], "y\n");
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("[y/N]"), "prompt expected: {text}");
    assert!(text.contains("Deletion requested"), "{text}");
    assert_eq!(emu.endpoints(PROJECT, "AWS")[0]["status"], "DELETING");
}

#[test]
fn delete_on_a_terminal_declined_sends_nothing() {
    let emu = emulator();
    let id = emu.seed_endpoint(PROJECT, "AWS", "US_EAST_1", "ACTIVE");
    let home = scratch_home();
    let (code, text) = on_terminal(&emu, &home, &["delete", &id], "n\n");
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("cancelled"), "{text}");
    assert!(api_requests(&emu).is_empty());
    assert_eq!(emu.endpoints(PROJECT, "AWS")[0]["status"], "ACTIVE");
}
