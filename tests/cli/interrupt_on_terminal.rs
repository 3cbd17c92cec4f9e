//! Ctrl-C during a wait, as a person at a terminal sees it: the binary runs on a
//! pseudo-terminal that is its controlling terminal (so a typed Ctrl-C is echoed and signalled
//! by the terminal itself), and what it wrote is replayed onto a screen model. After Ctrl-C no
//! live line is left on the screen, the summary says what is true (created, not settled yet)
//! and ends with the command that resumes the wait, which runs as printed; exit 130.
#![cfg(unix)]

use crate::background::{interrupt, wait_for_requests};
use crate::common::*;
use crate::pty::open_pty;
use crate::pty::screen::Screen;
use std::io::{Read, Write};
use std::os::unix::process::CommandExt;
use std::process::{Child, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const LIVE_LINE_MARKS: &[&str] = &["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏", "•"];

/// The binary on a pseudo-terminal of 120 columns: stdin, stdout and stderr.
struct OnTerminal {
    child: Child,
    keyboard: std::fs::File,
    seen: Arc<Mutex<Vec<u8>>>,
    reader: std::thread::JoinHandle<()>,
}

fn start(emu: &Emulator, home: &tempfile::TempDir, args: &[&str]) -> OnTerminal {
    let (controller, terminal) = open_pty();
    let mut command = env_command(emu, home, atlas_binary());
    command
        .env("TERM", "xterm-256color")
        .env("NO_COLOR", "1")
        .args(args)
        .stdin(Stdio::from(terminal.try_clone().unwrap()))
        .stdout(Stdio::from(terminal.try_clone().unwrap()))
        .stderr(Stdio::from(terminal));
    // SAFETY: only async-signal-safe calls between fork and exec: a new session whose
    // controlling terminal is the pseudo-terminal (stdin), so Ctrl-C typed there reaches it.
    unsafe {
        command.pre_exec(|| {
            if libc::setsid() < 0 || libc::ioctl(0, libc::TIOCSCTTY, 0) < 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let child = command.spawn().expect("binary starts");
    drop(command);
    let keyboard = std::fs::File::from(controller.try_clone().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&seen);
    let reader = std::thread::spawn(move || {
        let mut file = std::fs::File::from(controller);
        let mut buf = [0u8; 4096];
        // Linux answers EIO once the last terminal descriptor is closed: that is the end.
        while let Ok(n) = file.read(&mut buf) {
            if n == 0 {
                break;
            }
            sink.lock().unwrap().extend_from_slice(&buf[..n]);
        }
    });
    OnTerminal {
        child,
        keyboard,
        seen,
        reader,
    }
}

impl OnTerminal {
    /// Waits (up to a generous limit) until the live lines show `text`.
    fn until_shown(&self, text: &str) {
        let limit = Instant::now() + Duration::from_secs(60);
        while !String::from_utf8_lossy(&self.seen.lock().unwrap()).contains(text) {
            assert!(Instant::now() < limit, "never shown: {text}");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn type_ctrl_c(&mut self) {
        self.keyboard.write_all(b"\x03").unwrap();
    }

    /// The exit code and the screen as it is left.
    fn finish(self) -> (i32, Screen) {
        let status = self
            .child
            .wait_with_output()
            .expect("binary finishes")
            .status;
        drop(self.keyboard);
        self.reader.join().unwrap();
        let mut screen = Screen::new(120);
        screen.feed(&self.seen.lock().unwrap());
        let run = Run {
            code: status.code().unwrap_or(-1),
            stdout: screen.text(),
            stderr: String::new(),
        };
        assert_no_secret(&run);
        (run.code, screen)
    }
}

fn polls(emu: &Emulator) -> usize {
    api_requests(emu)
        .iter()
        .filter(|r| r.method == "GET" && r.status == 200)
        .count()
}

/// No live line is left: none starts with a spinner frame or the finished mark, and the
/// echoed `^C` is nowhere.
fn assert_no_live_line(screen: &Screen) {
    for line in screen.lines() {
        assert!(
            !LIVE_LINE_MARKS.iter().any(|mark| line.starts_with(mark)),
            "a live line was left on the screen: {line}\n{}",
            screen.text()
        );
    }
    assert!(!screen.text().contains("^C"), "{}", screen.text());
}

/// The words of the resume line, without `atlas-ear`, to run it as printed.
fn resume_command(screen: &Screen) -> Vec<String> {
    let text = screen.text();
    let line = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("to resume the wait: atlas-ear "))
        .unwrap_or_else(|| panic!("no resume command:\n{text}"));
    line.split_whitespace().map(str::to_string).collect()
}

fn label(emu: &Emulator, provider: &str, region: &str) -> (String, String) {
    let endpoint = emu
        .endpoints(PROJECT, provider)
        .into_iter()
        .find(|e| e["regionName"] == region)
        .unwrap();
    let id = endpoint["id"].as_str().unwrap().to_string();
    (format!("{region} {id}"), id)
}

#[test]
fn ctrl_c_typed_during_create_wait_clears_the_live_lines_and_says_how_to_resume() {
    let emu = emulator(); // nothing settles on its own
    let home = scratch_home();
    let mut terminal = start(
        &emu,
        &home,
        &[
            "create",
            "--region",
            "EU_WEST_1,US_EAST_1",
            "--wait",
            "--interval",
            "50ms",
        ],
    );
    wait_for_requests(&emu, |_| polls(&emu) >= 2);
    terminal.until_shown("INITIATING (");
    terminal.type_ctrl_c();
    let (code, screen) = terminal.finish();
    let text = screen.text();
    assert_eq!(code, 130, "{text}");
    assert_no_live_line(&screen);

    let (eu, eu_id) = label(&emu, "AWS", "EU_WEST_1");
    let (us, us_id) = label(&emu, "AWS", "US_EAST_1");
    for (label, id) in [(&eu, &eu_id), (&us, &us_id)] {
        assert!(
            text.contains(&format!(
                "{label}: created, not settled yet (last status INITIATING)"
            )),
            "{text}"
        );
        assert!(
            text.lines()
                .any(|l| l.starts_with('│') && l.contains(id.as_str())),
            "the table holds {id}:\n{text}"
        );
    }
    assert!(!text.contains("did not succeed"), "{text}");
    assert!(!text.contains("error: EU_WEST_1"), "{text}");
    assert_eq!(resume_command(&screen), ["wait", &eu_id, &us_id]);

    // The command runs as printed and picks the wait up where it stopped.
    emu.set_settle_after(Duration::from_millis(50));
    let resumed = run(atlas(&emu, &home)
        .args(resume_command(&screen))
        .args(["--interval", "50ms"]));
    assert_eq!(resumed.code, 0, "{}", resumed.stderr);
    assert_eq!(
        emu.endpoints(PROJECT, "AWS").len(),
        2,
        "nothing created twice"
    );
}

#[test]
fn ctrl_c_during_wait_for_active_on_azure_resumes_with_the_same_goal_and_provider() {
    let emu = emulator();
    let a = emu.seed_endpoint(PROJECT, "AZURE", "US_CENTRAL", "PENDING_ACCEPTANCE");
    let b = emu.seed_endpoint(PROJECT, "AZURE", "US_EAST_2", "INITIATING");
    let home = scratch_home();
    let terminal = start(
        &emu,
        &home,
        &[
            "wait",
            &a,
            &b,
            "--for",
            "active",
            "--provider",
            "azure",
            "--interval",
            "50ms",
        ],
    );
    wait_for_requests(&emu, |r| r.iter().filter(|r| r.status == 200).count() >= 2);
    terminal.until_shown("INITIATING (");
    // A signal from outside (kill), as a process supervisor sends it: no echo to hide.
    interrupt(&terminal.child);
    let (code, screen) = terminal.finish();
    let text = screen.text();
    assert_eq!(code, 130, "{text}");
    assert_no_live_line(&screen);
    assert!(
        text.contains(&format!(
            "US_CENTRAL {a}: not ACTIVE yet (last status PENDING_ACCEPTANCE)"
        )),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "US_EAST_2 {b}: not ACTIVE yet (last status INITIATING)"
        )),
        "{text}"
    );
    assert!(!text.contains("created"), "nothing was created: {text}");
    assert_eq!(
        resume_command(&screen),
        ["wait", &a, &b, "--for", "active", "--provider", "azure"]
    );
}

#[test]
fn ctrl_c_typed_during_delete_wait_resumes_with_wait_for_deleted() {
    let emu = emulator(); // DELETING lasts ten minutes here
    let id = emu.seed_endpoint(PROJECT, "AWS", "US_EAST_1", "ACTIVE");
    let home = scratch_home();
    let mut terminal = start(
        &emu,
        &home,
        &["delete", &id, "--yes", "--wait", "--interval", "50ms"],
    );
    wait_for_requests(&emu, |_| polls(&emu) >= 2);
    terminal.until_shown("DELETING (");
    terminal.type_ctrl_c();
    let (code, screen) = terminal.finish();
    let text = screen.text();
    assert_eq!(code, 130, "{text}");
    assert_no_live_line(&screen);
    assert!(
        text.contains(&format!(
            "US_EAST_1 {id}: not deleted yet (last status DELETING)"
        )),
        "{text}"
    );
    assert_eq!(
        resume_command(&screen),
        ["wait", id.as_str(), "--for", "deleted"]
    );
    assert_eq!(
        api_requests(&emu)
            .iter()
            .filter(|r| r.method == "DELETE" && r.is_authenticated())
            .count(),
        1,
        "nothing more was sent"
    );
}
