//! Progress on a terminal: live spinner lines on stderr (a pseudo-terminal here), while stdout,
//! a pipe, receives only the final table.
//! Unix only: the pseudo-terminal comes from `openpty` (`pty/`), which Windows does not have.
#![cfg(unix)]

use crate::common;
use crate::pty;
use common::*;
use pty::open_pty;
use std::io::Read;
use std::process::Stdio;
use std::time::Duration;

#[test]
fn a_terminal_gets_live_lines_and_stdout_only_the_result() {
    let emu = emulator(); // nothing settles until the test says so
    let home = scratch_home();
    let (controller, terminal) = open_pty();
    let mut command = env_command(&emu, &home, atlas_binary());
    command
        .env("TERM", "xterm-256color")
        .args([
            "create",
            "--region",
            "EU_WEST_1,US_EAST_1",
            "--wait",
            "--interval",
            "50ms",
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::from(terminal));
    let child = command.spawn().expect("binary starts");
    // The command holds the terminal end; drop it so the controller sees the end of output.
    drop(command);
    let reader = std::thread::spawn(move || {
        let mut file = std::fs::File::from(controller);
        let mut seen = Vec::new();
        let mut buf = [0u8; 4096];
        // Linux answers EIO once the last terminal descriptor is closed: that is the end.
        while let Ok(n) = file.read(&mut buf) {
            if n == 0 {
                break;
            }
            seen.extend_from_slice(&buf[..n]);
        }
        String::from_utf8_lossy(&seen).into_owned()
    });
    // Let a few polls show INITIATING, then let the endpoints settle.
    let limit = std::time::Instant::now() + Duration::from_secs(60);
    while api_requests(&emu)
        .iter()
        .filter(|r| r.method == "GET" && r.status == 200)
        .count()
        < 2
    {
        assert!(std::time::Instant::now() < limit, "no polls seen");
        std::thread::sleep(Duration::from_millis(20));
    }
    emu.set_settle_after(Duration::from_millis(50));
    let output = child.wait_with_output().expect("binary finishes");
    let terminal_text = reader.join().unwrap();
    let run = Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: terminal_text,
    };
    assert_no_secret(&run);
    assert_eq!(run.code, 0, "{}", run.stderr);

    let endpoints = emu.endpoints(PROJECT, "AWS");
    assert_eq!(endpoints.len(), 2);
    for endpoint in &endpoints {
        let label = format!(
            "{} {}",
            endpoint["regionName"].as_str().unwrap(),
            endpoint["id"].as_str().unwrap()
        );
        assert!(
            run.stderr.contains(&format!("{label} INITIATING")),
            "{}",
            run.stderr
        );
        assert!(
            run.stderr.contains(&format!("{label} ACTIVE")),
            "{}",
            run.stderr
        );
        assert!(run.stdout.contains(endpoint["id"].as_str().unwrap()));
    }
    assert!(run.stderr.contains("\u{1b}["), "lines are redrawn in place");
    assert!(
        ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"]
            .iter()
            .any(|frame| run.stderr.contains(frame)),
        "a spinner: {}",
        run.stderr
    );
    assert!(
        run.stderr.contains("s)"),
        "elapsed time is shown: {}",
        run.stderr
    );
    // Plain per-change lines are for logs only.
    assert!(!run.stderr.contains("INITIATING after"), "{}", run.stderr);
    // Stdout is the result alone.
    assert!(
        run.stdout.contains("ACTIVE") && run.stdout.contains("REGION"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains('\u{1b}'), "{}", run.stdout);
    assert!(!run.stdout.contains("INITIATING"), "{}", run.stdout);
}
