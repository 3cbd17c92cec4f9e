//! The `atlas-ear-emulator` binary: it prints where it listens (the real port for port 0) and the
//! demo credentials, serves, and exits 0 on SIGTERM; bad flags fail with a message.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use atlas_ear_emulator::{DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_PRIVATE_KEY, DEMO_PUBLIC_KEY};
use common::*;
use reqwest::StatusCode;

const BINARY: &str = env!("CARGO_BIN_EXE_atlas-ear-emulator");

/// Kills the child if a failed assertion leaves it running.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Waits for the child to exit, killing it after a generous deadline so a hang fails the test.
#[cfg(unix)]
fn wait_for_exit(child: &mut Child) -> std::process::ExitStatus {
    for _ in 0..600 {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    child.kill().unwrap();
    panic!("the emulator did not stop within 30 s of SIGTERM");
}

#[tokio::test]
async fn the_binary_prints_its_address_serves_and_stops_on_sigterm() {
    let mut running = Running(
        Command::new(BINARY)
            .args(["--listen", "127.0.0.1:0", "--settle-after", "0s"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let child = &mut running.0;
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    stdout.read_line(&mut first).unwrap();
    let base = first
        .trim_end()
        .strip_prefix("atlas-ear-emulator listening on ")
        .unwrap_or_else(|| panic!("unexpected first line {first:?}"))
        .to_string();
    assert!(
        base.starts_with("http://127.0.0.1:") && !base.ends_with(":0"),
        "{base}"
    );
    let mut banner = String::new();
    for _ in 0..4 {
        stdout.read_line(&mut banner).unwrap();
    }
    for value in [
        DEMO_PUBLIC_KEY,
        DEMO_PRIVATE_KEY,
        DEMO_CLIENT_ID,
        DEMO_CLIENT_SECRET,
    ] {
        assert!(banner.contains(value), "{banner}");
    }

    let mut client = Client::for_base(&base);
    let created = client
        .post(&list_path(GROUP, "AWS"), r#"{"regionName":"US_EAST_1"}"#)
        .await;
    assert_eq!(created.status(), StatusCode::ACCEPTED);
    let list = client.get(&list_path(GROUP, "AWS")).await;
    let body: serde_json::Value = list.json().await.unwrap();
    assert_eq!(
        body["results"][0]["status"], "ACTIVE",
        "--settle-after 0s settles at once"
    );

    stop(child);
}

/// SIGTERM ends the emulator with exit 0.
#[cfg(unix)]
fn stop(child: &mut Child) {
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = wait_for_exit(child);
    assert!(status.success(), "{status:?}");
}

/// Windows has no SIGTERM, and the Ctrl-C the emulator stops on there reaches every process of
/// a console, so a test cannot send it to one child: `Running` ends the child instead.
#[cfg(not(unix))]
fn stop(_child: &mut Child) {}

#[test]
fn bad_flags_fail_with_a_message() {
    let output = Command::new(BINARY)
        .args(["--settle-after", "soon"])
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("--settle-after"), "{stderr}");

    let output = Command::new(BINARY)
        .args(["--listen", "127.0.0.1:0", "--rate-limit", "ten"])
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("CAPACITY/PER_MINUTE"));
}

/// Containers (the Dockerfile's image as a GitHub service container) set the address and the
/// settle time through the environment; a flag still wins.
#[test]
fn the_address_and_settle_time_can_come_from_the_environment() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = taken.local_addr().unwrap().to_string();
    let output = Command::new(BINARY)
        .env("ATLAS_EAR_EMULATOR_LISTEN", &address)
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(&format!("cannot listen on {address}")),
        "{stderr}"
    );

    let output = Command::new(BINARY)
        .env("ATLAS_EAR_EMULATOR_SETTLE_AFTER", "soon")
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("--settle-after"), "{stderr}");

    let mut running = Running(
        Command::new(BINARY)
            .env("ATLAS_EAR_EMULATOR_LISTEN", &address)
            .args(["--listen", "127.0.0.1:0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let mut first = String::new();
    BufReader::new(running.0.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(
        first.starts_with("atlas-ear-emulator listening on http://127.0.0.1:"),
        "{first}"
    );
    assert!(!first.contains(&address), "the flag wins: {first}");
}

#[test]
fn a_busy_port_is_reported() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = taken.local_addr().unwrap().to_string();
    let output = Command::new(BINARY)
        .args(["--listen", &address])
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("cannot listen on") && stderr.contains(&address),
        "{stderr}"
    );
    assert!(output.stdout.is_empty());
}

#[tokio::test]
async fn rate_limit_flags_set_the_default_and_a_projects_own_bucket() {
    let own = format!("{OTHER_GROUP}=1/0");
    let mut running = Running(
        Command::new(BINARY)
            .args(["--listen", "127.0.0.1:0", "--rate-limit", "5/30"])
            .args(["--project-rate-limit", &own])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let mut stdout = BufReader::new(running.0.stdout.take().unwrap());
    let mut first = String::new();
    stdout.read_line(&mut first).unwrap();
    let base = first
        .trim_end()
        .strip_prefix("atlas-ear-emulator listening on ")
        .unwrap_or_else(|| panic!("unexpected first line {first:?}"))
        .to_string();
    let view = |group: &str| {
        let url = format!("{base}/__emulator/projects/{group}/rateLimit");
        async move {
            let view: serde_json::Value = reqwest::get(url).await.unwrap().json().await.unwrap();
            (view["rateLimit"].clone(), view["ownLimit"].clone())
        }
    };
    assert_eq!(
        view(GROUP).await,
        (
            serde_json::json!({"capacity": 5, "refillPerMinute": 30}),
            serde_json::json!(false)
        )
    );
    assert_eq!(
        view(OTHER_GROUP).await,
        (
            serde_json::json!({"capacity": 1, "refillPerMinute": 0}),
            serde_json::json!(true)
        )
    );
    let bad = Command::new(BINARY)
        .args(["--listen", "127.0.0.1:0", "--project-rate-limit", "abc=1/0"])
        .output()
        .unwrap();
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--project-rate-limit"));
}
