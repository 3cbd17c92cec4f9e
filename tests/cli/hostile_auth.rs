//! A server whose digest challenge this client cannot answer (qop=auth-int only, an unknown
//! algorithm, no qop at all): the run stops after that one 401 with exit 3, an authentication
//! failure, and names what the server offered, escaped.

use crate::common;
use crate::stand_in::StandIn;
use common::*;

/// `list` with an API key against `base`, and nothing from the developer's environment.
fn list_against(base: &str, home: &tempfile::TempDir) -> Run {
    run(bare(home)
        .env("MONGODB_ATLAS_BASE_URL", base)
        .env(
            "MONGODB_ATLAS_PUBLIC_API_KEY",
            atlas_ear_emulator::DEMO_PUBLIC_KEY,
        )
        .env(
            "MONGODB_ATLAS_PRIVATE_API_KEY",
            atlas_ear_emulator::DEMO_PRIVATE_KEY,
        )
        .env("MONGODB_ATLAS_PROJECT_ID", PROJECT)
        .arg("list"))
}

#[test]
fn a_challenge_the_client_cannot_answer_exits_3_naming_the_offer() {
    let cases = [
        (
            r#"Digest realm="MMS Public API", nonce="bm9uY2U", algorithm=MD5, qop="auth-int""#,
            "only qop=auth is supported",
        ),
        (
            r#"Digest realm="MMS Public API", nonce="bm9uY2U", algorithm=SHA-512-256, qop="auth""#,
            "asks for algorithm 'SHA-512-256'",
        ),
        (
            r#"Digest realm="MMS Public API", nonce="bm9uY2U", algorithm=FOO, qop="auth""#,
            "asks for algorithm 'FOO'",
        ),
        (
            r#"Digest realm="MMS Public API", nonce="bm9uY2U", algorithm=MD5"#,
            "digest challenge has no 'qop'",
        ),
    ];
    for (offered, reason) in cases {
        let server = StandIn::challenging(offered);
        let home = scratch_home();
        let out = list_against(&server.url, &home);
        assert_eq!(out.code, 3, "{offered}: {}", out.stderr);
        assert!(
            out.stderr.contains("a challenge this client cannot answer"),
            "{}",
            out.stderr
        );
        assert!(out.stderr.contains(reason), "{reason}: {}", out.stderr);
        assert!(
            out.stderr
                .contains(&format!("it offered WWW-Authenticate: {offered}")),
            "{}",
            out.stderr
        );
        assert_eq!(out.stdout, "");
        assert_eq!(server.requests(), 1, "{offered}: never retried");
    }
}

#[test]
fn the_offered_challenge_is_escaped() {
    let server = StandIn::challenging(
        "Digest realm=\"tab\there\", nonce=\"bm9uY2U\", algorithm=MD5, qop=\"auth-int\"",
    );
    let home = scratch_home();
    let out = list_against(&server.url, &home);
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(!out.stderr.contains('\t'), "{}", out.stderr);
    assert!(
        out.stderr.contains(r#"realm="tab\there""#),
        "{}",
        out.stderr
    );
    assert_eq!(server.requests(), 1);
}
