//! Behaviour that depends on a terminal, driven through a real pseudo-terminal made by
//! util-linux `script` (its BSD namesake on macOS takes other arguments, hence Linux only).
#![cfg(target_os = "linux")]

use crate::common;
use common::*;
use std::io::Write;
use std::process::Stdio;

/// Runs `atlas-ear ARGS` on a pseudo-terminal, typing `input`, and returns (exit code, output).
pub(crate) fn on_terminal(
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

#[test]
fn apply_asks_on_a_terminal_and_ctrl_c_mid_apply_prints_every_endpoint_created() {
    let emu = emulator(); // nothing settles on its own: the wait is running when Ctrl-C comes
    let home = scratch_home();
    let file = home.path().join("atlas-ear.toml");
    std::fs::write(
        &file,
        format!("[[project]]\nid = \"{PROJECT}\"\naws = [\"US_EAST_1\", \"EU_WEST_1\"]\n\n[[project]]\nid = \"{OTHER_PROJECT}\"\nazure = [\"US_CENTRAL\"]\n"),
    )
    .unwrap();
    let command_line = format!(
        "{} apply -f {} --interval 50ms",
        atlas_binary().display(),
        file.display()
    );
    let mut child = env_command(&emu, &home, "script")
        .args(["-qfec", &command_line, "/dev/null"])
        .env("TERM", "dumb")
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("script(1) from util-linux runs");
    let mut keyboard = child.stdin.take().unwrap();
    keyboard.write_all(b"y\n").unwrap();
    crate::background::wait_for_requests(&emu, |log| {
        let created = log
            .iter()
            .filter(|r| r.method == "POST" && r.status == 202)
            .count();
        let rounds = log
            .iter()
            .skip_while(|r| r.method != "POST" || r.status != 202)
            .filter(|r| r.method == "GET" && r.query.is_some())
            .count();
        created == 3 && rounds >= 2
    });
    keyboard.write_all(b"\x03").unwrap();
    let output = child.wait_with_output().unwrap();
    let text = String::from_utf8_lossy(&output.stdout).into_owned()
        + &String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(130), "{text}");
    assert!(text.contains("Apply these changes? [y/N]"), "{text}");
    assert!(
        text.contains("+ create   US_CENTRAL"),
        "the plan came first: {text}"
    );
    for (project, provider) in [(PROJECT, "AWS"), (OTHER_PROJECT, "AZURE")] {
        for endpoint in emu.endpoints(project, provider) {
            let id = endpoint["id"].as_str().unwrap();
            assert!(
                text.contains(id),
                "{id} was created but not printed: {text}"
            );
        }
    }
    emu.clear_requests();
    let again =
        run(atlas(&emu, &home).args(["apply", "-f", file.to_str().unwrap(), "--yes", "--no-wait"]));
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert!(
        api_requests(&emu).iter().all(|r| r.method == "GET"),
        "the re-run converges without creating anything twice"
    );
}
