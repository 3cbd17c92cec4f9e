//! `list --watch`: one list per `--interval` until Ctrl-C (exit 130); in place on a terminal,
//! each changed listing once off a terminal.

#[cfg(unix)]
use crate::background::*;
use crate::common;
use common::*;
#[cfg(unix)]
use std::time::Duration;

#[cfg(unix)]
fn lists(requests: &[LoggedRequest]) -> usize {
    requests
        .iter()
        .filter(|r| r.is_authenticated() && r.method == "GET" && r.query.is_some())
        .count()
}

/// Unix only: Ctrl-C is sent with `kill` (see `interrupt.rs`).
#[cfg(unix)]
#[test]
fn off_a_terminal_each_changed_listing_is_printed_once() {
    let emu = emulator();
    let first = emu.seed_endpoint(PROJECT, "AWS", "EU_WEST_1", "ACTIVE");
    let home = scratch_home();
    let child = spawn_atlas(
        &emu,
        &home,
        &["list", "--watch", "--interval", "50ms", "-o", "json"],
    );
    wait_for_requests(&emu, |r| lists(r) >= 3);
    let second = emu.seed_endpoint(PROJECT, "AWS", "US_EAST_1", "ACTIVE");
    let seen = lists(&api_requests(&emu));
    wait_for_requests(&emu, |r| lists(r) >= seen + 3);
    interrupt(&child);
    let out = finish(child);
    assert_eq!(out.code, 130, "{}", out.stderr);
    assert!(out.stderr.contains("interrupted"), "{}", out.stderr);
    let documents: Vec<serde_json::Value> = out.stdout.lines().map(json).collect();
    assert_eq!(
        documents.len(),
        2,
        "unchanged listings are not repeated: {}",
        out.stdout
    );
    assert_eq!(documents[0]["totalCount"], 1);
    assert_eq!(documents[1]["totalCount"], 2);
    assert!(out.stdout.contains(&first) && out.stdout.contains(&second));
    // Only lists went out, one per interval.
    let authenticated = api_requests(&emu)
        .iter()
        .filter(|r| r.is_authenticated())
        .count();
    assert_eq!(authenticated, lists(&api_requests(&emu)));
}

#[test]
fn interval_needs_watch_and_a_bad_interval_is_refused() {
    let emu = emulator();
    let home = scratch_home();
    let out = run(atlas(&emu, &home).args(["list", "--interval", "5s"]));
    assert_eq!(out.code, 2, "{}", out.stderr);
    let out = run(atlas(&emu, &home).args(["list", "--watch", "--interval", "soon"]));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("--interval"), "{}", out.stderr);
    assert!(api_requests(&emu).is_empty());
}

#[cfg(unix)]
#[test]
fn on_a_terminal_the_listing_is_redrawn_in_place() {
    use std::io::Read;
    use std::process::Stdio;
    let emu = emulator();
    let id = emu.seed_endpoint(PROJECT, "AWS", "EU_WEST_1", "ACTIVE");
    let home = scratch_home();
    let (controller, terminal) = crate::pty::open_pty();
    let mut command = env_command(&emu, &home, atlas_binary());
    command
        .env("TERM", "xterm-256color")
        .env("NO_COLOR", "1")
        .args(["list", "--watch", "--interval", "50ms"])
        .stdin(Stdio::null())
        .stdout(Stdio::from(terminal))
        .stderr(Stdio::piped());
    let child = command.spawn().expect("binary starts");
    drop(command);
    let (sender, receiver) = std::sync::mpsc::channel::<Vec<u8>>();
    std::thread::spawn(move || {
        let mut file = std::fs::File::from(controller);
        let mut buffer = [0u8; 4096];
        while let Ok(n) = file.read(&mut buffer) {
            if n == 0 || sender.send(buffer[..n].to_vec()).is_err() {
                break;
            }
        }
    });
    let mut shown = Vec::new();
    let limit = std::time::Instant::now() + Duration::from_secs(60);
    while String::from_utf8_lossy(&shown)
        .matches("until Ctrl-C")
        .count()
        < 3
    {
        assert!(
            std::time::Instant::now() < limit,
            "no redraws: {}",
            String::from_utf8_lossy(&shown)
        );
        if let Ok(bytes) = receiver.recv_timeout(Duration::from_secs(1)) {
            shown.extend(bytes);
        }
    }
    interrupt(&child);
    let out = finish(child);
    assert_eq!(out.code, 130, "{}", out.stderr);
    let text = String::from_utf8_lossy(&shown).into_owned();
    assert!(text.contains(&id), "{text}");
    // Each redraw moves up over the previous listing (its caption line and the table's lines)
    // and clears below it.
    let first_frame = text.split('\x1b').next().unwrap_or("");
    let drawn_lines = first_frame.matches('\n').count();
    assert!(drawn_lines >= 2, "a caption and a table: {text:?}");
    let redraw = format!("\x1b[{drawn_lines}F\x1b[J");
    assert!(text.matches(&redraw).count() >= 2, "{text:?}");
    assert!(lists(&api_requests(&emu)) >= 3);
}

/// Unix only: Ctrl-C is sent with `kill` (see `interrupt.rs`).
#[cfg(unix)]
#[test]
fn every_round_uses_the_same_client_so_one_challenge_serves_them_all() {
    let emu = emulator();
    emu.seed_endpoint(PROJECT, "AWS", "EU_WEST_1", "ACTIVE");
    let home = scratch_home();
    // Without the challenge cache on disk, only a client kept across rounds can answer the
    // digest challenge of round one in every later round.
    let child = spawn_atlas(
        &emu,
        &home,
        &["list", "--watch", "--interval", "50ms", "--no-cache", "-q"],
    );
    wait_for_requests(&emu, |r| lists(r) >= 4);
    interrupt(&child);
    let out = finish(child);
    assert_eq!(out.code, 130, "{}", out.stderr);
    let challenges = api_requests(&emu)
        .iter()
        .filter(|r| r.status == 401)
        .count();
    assert_eq!(challenges, 1, "one handshake for all the rounds");
}
