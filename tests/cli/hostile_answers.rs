//! Answers no retry can mend: a response header of a megabyte is refused after the one request
//! that received it, for an API call and for the service-account token request alike.

use crate::common;
use crate::stand_in::StandIn;
use common::*;

/// A 200 whose head carries one header field of 1 MiB.
fn answer_with_a_huge_header() -> Vec<u8> {
    let mut answer = b"HTTP/1.1 200 OK\r\nX-Padding: ".to_vec();
    answer.resize(answer.len() + 1024 * 1024, b'a');
    answer.extend_from_slice(b"\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}");
    answer
}

fn assert_refused_once(out: &Run, server: &StandIn) {
    assert_eq!(out.code, 6, "{}", out.stderr);
    assert!(
        out.stderr.contains("the answer's header is too large"),
        "{}",
        out.stderr
    );
    assert_eq!(out.stdout, "");
    assert_eq!(server.requests(), 1, "not retried: {}", out.stderr);
}

#[test]
fn a_one_megabyte_header_is_not_retried() {
    let server = StandIn::answering(answer_with_a_huge_header());
    let home = scratch_home();
    let out = run(bare(&home)
        .env("MONGODB_ATLAS_BASE_URL", &server.url)
        .env(
            "MONGODB_ATLAS_PUBLIC_API_KEY",
            atlas_ear_emulator::DEMO_PUBLIC_KEY,
        )
        .env(
            "MONGODB_ATLAS_PRIVATE_API_KEY",
            atlas_ear_emulator::DEMO_PRIVATE_KEY,
        )
        .env("MONGODB_ATLAS_PROJECT_ID", PROJECT)
        .arg("list"));
    assert_refused_once(&out, &server);
}

#[test]
fn a_one_megabyte_header_to_the_token_request_is_not_retried() {
    let server = StandIn::answering(answer_with_a_huge_header());
    let home = scratch_home();
    let out = run(bare(&home)
        .env("MONGODB_ATLAS_BASE_URL", &server.url)
        .env(
            "MONGODB_ATLAS_CLIENT_ID",
            atlas_ear_emulator::DEMO_CLIENT_ID,
        )
        .env(
            "MONGODB_ATLAS_CLIENT_SECRET",
            atlas_ear_emulator::DEMO_CLIENT_SECRET,
        )
        .env("MONGODB_ATLAS_PROJECT_ID", PROJECT)
        .arg("list"));
    assert_refused_once(&out, &server);
}
