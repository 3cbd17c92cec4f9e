//! Digest interoperability with the real `curl --digest`: the right key succeeds, a wrong key
//! fails, and replaying the exact Authorization header curl sent fails.

mod common;

use std::process::{Command, Output};

use atlas_ear_emulator::{Config, DEMO_PRIVATE_KEY, DEMO_PUBLIC_KEY, DigestAlgorithm, Emulator};
use common::*;

/// Runs curl and returns `(http status, body)`; the status comes from `--write-out`.
fn curl(args: &[&str]) -> (u16, String) {
    let output: Output = Command::new("curl")
        .args([
            "--silent",
            "--show-error",
            "--max-time",
            "60",
            "--write-out",
            "\n%{http_code}",
        ])
        .args(args)
        .output()
        .expect("the curl binary must be installed to run the digest interoperability tests");
    assert!(
        output.status.success(),
        "curl failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = String::from_utf8(output.stdout).unwrap();
    let (body, status) = text.rsplit_once('\n').unwrap();
    (status.parse().unwrap(), body.to_string())
}

fn url(emulator: &Emulator, path: &str) -> String {
    format!("{}{path}", emulator.base_url())
}

fn credentials(private_key: &str) -> String {
    format!("{DEMO_PUBLIC_KEY}:{private_key}")
}

#[test]
fn curl_digest_with_the_right_key_succeeds() {
    let emulator = start(slow_config());
    let list = url(&emulator, &list_path(GROUP, "AWS"));
    let accept = format!("Accept: {ACCEPT}");
    let user = credentials(DEMO_PRIVATE_KEY);
    let (status, body) = curl(&[
        "--digest",
        "--user",
        &user,
        "--header",
        &accept,
        "--header",
        "Content-Type: application/json",
        "--data",
        r#"{"regionName":"US_EAST_1"}"#,
        &list,
    ]);
    assert_eq!(status, 202, "{body}");
    assert!(body.contains("\"status\":\"INITIATING\""), "{body}");

    let (status, body) = curl(&[
        "--digest",
        "--user",
        &user,
        "--header",
        &accept,
        &format!("{list}?pageNum=1"),
    ]);
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("US_EAST_1"), "{body}");

    // Each curl call is one challenge and one answer.
    let statuses: Vec<u16> = emulator.requests().iter().map(|r| r.status).collect();
    assert_eq!(statuses, [401, 202, 401, 200]);
    let answer = emulator.requests()[3]
        .header("authorization")
        .unwrap()
        .to_string();
    assert!(
        answer.starts_with("Digest username=\"demopubk\""),
        "{answer}"
    );
    assert!(
        answer.contains("qop=auth") && answer.contains("nc=00000001"),
        "{answer}"
    );
}

#[test]
fn curl_digest_with_a_wrong_key_fails() {
    let emulator = start(slow_config());
    let list = url(&emulator, &list_path(GROUP, "AWS"));
    let accept = format!("Accept: {ACCEPT}");
    let (status, body) = curl(&[
        "--digest",
        "--user",
        &credentials("wrong-key"),
        "--header",
        &accept,
        &list,
    ]);
    assert_eq!(status, 401, "{body}");
    assert!(body.contains("\"errorCode\":\"UNAUTHORIZED\""), "{body}");
    assert_eq!(
        emulator.requests().len(),
        2,
        "curl answered the challenge once and gave up"
    );
    assert!(emulator.requests()[1].is_authenticated());
}

#[test]
fn sending_the_same_authorization_header_twice_fails_the_second_time() {
    let emulator = start(slow_config());
    let list = url(&emulator, &list_path(GROUP, "AZURE"));
    let accept = format!("Accept: {ACCEPT}");
    let (status, _) = curl(&[
        "--digest",
        "--user",
        &credentials(DEMO_PRIVATE_KEY),
        "--header",
        &accept,
        &list,
    ]);
    assert_eq!(status, 200);
    let sent = emulator.requests()[1]
        .header("authorization")
        .unwrap()
        .to_string();
    let replay = format!("Authorization: {sent}");
    let (status, body) = curl(&["--header", &replay, "--header", &accept, &list]);
    assert_eq!(status, 401, "{body}");
    let (status, _) = curl(&["--header", &replay, "--header", &accept, &list]);
    assert_eq!(status, 401);
}

#[test]
fn curl_speaks_sha_256_digest_too() {
    let emulator = start(Config {
        algorithm: DigestAlgorithm::Sha256,
        ..slow_config()
    });
    let list = url(&emulator, &list_path(GROUP, "AWS"));
    let accept = format!("Accept: {ACCEPT}");
    let (status, body) = curl(&[
        "--digest",
        "--user",
        &credentials(DEMO_PRIVATE_KEY),
        "--header",
        &accept,
        &list,
    ]);
    assert_eq!(status, 200, "{body}");
    let answer = emulator.requests()[1]
        .header("authorization")
        .unwrap()
        .to_string();
    assert!(answer.contains("algorithm=SHA-256"), "{answer}");
    let (status, _) = curl(&[
        "--digest",
        "--user",
        &credentials("wrong-key"),
        "--header",
        &accept,
        &list,
    ]);
    assert_eq!(status, 401);
}
