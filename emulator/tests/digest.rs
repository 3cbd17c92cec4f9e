//! Digest authentication as Atlas does it, checked with the tests' own digest code: the exact
//! challenge, wrong keys, replayed `nc`, `uri` and method binding, stale nonces, SHA-256 and
//! nonce rotation.

mod common;

use std::time::Duration;

use atlas_ear_emulator::{Config, DEMO_PRIVATE_KEY, DigestAlgorithm, Emulator};
use common::*;
use reqwest::{Response, StatusCode};

const CHALLENGE_PREFIX: &str = "Digest realm=\"MMS Public API\", domain=\"\", nonce=\"";

/// Sends a GET with an explicit `Authorization` header (or none).
async fn get_with(emulator: &Emulator, path: &str, authorization: Option<&str>) -> Response {
    let mut request = reqwest::Client::new()
        .get(format!("{}{path}", emulator.base_url()))
        .header("accept", ACCEPT);
    if let Some(value) = authorization {
        request = request.header("authorization", value);
    }
    request.send().await.unwrap()
}

/// Asserts a 401 with a well-formed challenge and returns `(nonce, stale)`.
async fn challenge_of(response: Response, algorithm: &str) -> (String, bool) {
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let header = response.headers()["www-authenticate"]
        .to_str()
        .unwrap()
        .to_string();
    let rest = header
        .strip_prefix(CHALLENGE_PREFIX)
        .unwrap_or_else(|| panic!("{header}"));
    let (nonce, tail) = rest.split_once('"').unwrap();
    let stale = match tail {
        t if t == format!(", algorithm={algorithm}, qop=\"auth\", stale=false") => false,
        t if t == format!(", algorithm={algorithm}, qop=\"auth\", stale=true") => true,
        other => panic!("unexpected challenge tail {other:?}"),
    };
    assert!(!nonce.is_empty());
    assert_error(response, 401, "UNAUTHORIZED").await;
    (nonce.to_string(), stale)
}

#[tokio::test]
async fn an_unauthenticated_request_gets_the_atlas_challenge() {
    let emulator = start(slow_config());
    let path = list_path(GROUP, "AWS");
    let (first, stale) = challenge_of(get_with(&emulator, &path, None).await, "MD5").await;
    assert!(!stale);
    let (second, _) = challenge_of(get_with(&emulator, &path, None).await, "MD5").await;
    assert_ne!(first, second, "every challenge carries a fresh nonce");
    let (_, stale) = challenge_of(
        get_with(&emulator, &path, Some("Basic Zm9vOmJhcg==")).await,
        "MD5",
    )
    .await;
    assert!(!stale);
}

#[tokio::test]
async fn the_right_key_is_accepted_and_a_used_nc_never_again() {
    let emulator = start(slow_config());
    let path = list_path(GROUP, "AWS");
    let (nonce, _) = challenge_of(get_with(&emulator, &path, None).await, "MD5").await;
    let first = demo_answer(&nonce, 1, "GET", &path);
    assert_eq!(
        get_with(&emulator, &path, Some(&first)).await.status(),
        StatusCode::OK
    );
    // The very same header again is a replay.
    let (_, stale) = challenge_of(get_with(&emulator, &path, Some(&first)).await, "MD5").await;
    assert!(!stale);
    let second = demo_answer(&nonce, 2, "GET", &path);
    assert_eq!(
        get_with(&emulator, &path, Some(&second)).await.status(),
        StatusCode::OK
    );
    // Skipping ahead is fine; an unseen nc that arrives late (out of order) is fine once; a
    // used one never is, nor one further back than the window.
    let accepted = |status: StatusCode| assert_eq!(status, StatusCode::OK);
    accepted(
        get_with(
            &emulator,
            &path,
            Some(&demo_answer(&nonce, 9, "GET", &path)),
        )
        .await
        .status(),
    );
    accepted(
        get_with(
            &emulator,
            &path,
            Some(&demo_answer(&nonce, 5, "GET", &path)),
        )
        .await
        .status(),
    );
    challenge_of(
        get_with(
            &emulator,
            &path,
            Some(&demo_answer(&nonce, 5, "GET", &path)),
        )
        .await,
        "MD5",
    )
    .await;
    accepted(
        get_with(
            &emulator,
            &path,
            Some(&demo_answer(&nonce, 200, "GET", &path)),
        )
        .await
        .status(),
    );
    challenge_of(
        get_with(
            &emulator,
            &path,
            Some(&demo_answer(&nonce, 100, "GET", &path)),
        )
        .await,
        "MD5",
    )
    .await;
}

#[tokio::test]
async fn strict_nc_order_refuses_any_step_back() {
    let mut config = slow_config();
    config.strict_nc_order = true;
    let emulator = start(config);
    let path = list_path(GROUP, "AWS");
    let (nonce, _) = challenge_of(get_with(&emulator, &path, None).await, "MD5").await;
    assert_eq!(
        get_with(
            &emulator,
            &path,
            Some(&demo_answer(&nonce, 9, "GET", &path))
        )
        .await
        .status(),
        StatusCode::OK
    );
    challenge_of(
        get_with(
            &emulator,
            &path,
            Some(&demo_answer(&nonce, 5, "GET", &path)),
        )
        .await,
        "MD5",
    )
    .await;
    assert_eq!(
        get_with(
            &emulator,
            &path,
            Some(&demo_answer(&nonce, 10, "GET", &path))
        )
        .await
        .status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_wrong_private_key_or_username_gets_a_fresh_challenge() {
    let emulator = start(slow_config());
    let mut client = Client::new(&emulator).with_password("not-the-key");
    let path = list_path(GROUP, "AWS");
    let response = client.get(&path).await;
    let sent = emulator
        .requests()
        .last()
        .unwrap()
        .header("authorization")
        .unwrap()
        .to_string();
    let (fresh, stale) = challenge_of(response, "MD5").await;
    assert!(!stale);
    assert!(!sent.contains(&format!("nonce=\"{fresh}\"")), "{sent}");

    let (nonce, _) = challenge_of(get_with(&emulator, &path, None).await, "MD5").await;
    let wrong_user = digest_header(&Answer {
        username: "otheruser",
        password: DEMO_PRIVATE_KEY,
        algorithm: DigestAlgorithm::Md5,
        method: "GET",
        uri: &path,
        nonce: &nonce,
        nc: 1,
    });
    let (_, stale) = challenge_of(get_with(&emulator, &path, Some(&wrong_user)).await, "MD5").await;
    assert!(!stale);
    // A failed attempt does not burn the nonce for the right answer.
    assert_eq!(
        get_with(
            &emulator,
            &path,
            Some(&demo_answer(&nonce, 1, "GET", &path))
        )
        .await
        .status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn the_answer_is_bound_to_the_exact_uri_and_the_method() {
    let emulator = start(slow_config());
    let path = list_path(GROUP, "AWS");
    let with_query = format!("{path}?pageNum=1");
    let (nonce, _) = challenge_of(get_with(&emulator, &path, None).await, "MD5").await;
    // Computed for the path without the query, sent with it.
    challenge_of(
        get_with(
            &emulator,
            &with_query,
            Some(&demo_answer(&nonce, 1, "GET", &path)),
        )
        .await,
        "MD5",
    )
    .await;
    // A different path.
    let other = list_path(GROUP, "AZURE");
    challenge_of(
        get_with(
            &emulator,
            &path,
            Some(&demo_answer(&nonce, 2, "GET", &other)),
        )
        .await,
        "MD5",
    )
    .await;
    // Computed for DELETE, sent as GET.
    challenge_of(
        get_with(
            &emulator,
            &path,
            Some(&demo_answer(&nonce, 3, "DELETE", &path)),
        )
        .await,
        "MD5",
    )
    .await;
    // The exact path and query works.
    let ok = get_with(
        &emulator,
        &with_query,
        Some(&demo_answer(&nonce, 4, "GET", &with_query)),
    )
    .await;
    assert_eq!(ok.status(), StatusCode::OK);
}

#[tokio::test]
async fn unknown_nonces_and_incomplete_answers_are_rejected() {
    let emulator = start(slow_config());
    let path = list_path(GROUP, "AWS");
    let made_up = demo_answer("bm90LWlzc3VlZC1ieS10aGUtc2VydmVy", 1, "GET", &path);
    let (_, stale) = challenge_of(get_with(&emulator, &path, Some(&made_up)).await, "MD5").await;
    assert!(!stale);
    let (nonce, _) = challenge_of(get_with(&emulator, &path, None).await, "MD5").await;
    let full = demo_answer(&nonce, 1, "GET", &path);
    let without_qop = full.replace("qop=auth, ", "");
    challenge_of(get_with(&emulator, &path, Some(&without_qop)).await, "MD5").await;
    let auth_int = full.replace("qop=auth", "qop=auth-int");
    challenge_of(get_with(&emulator, &path, Some(&auth_int)).await, "MD5").await;
    let other_realm = full.replace("realm=\"MMS Public API\"", "realm=\"Other\"");
    challenge_of(get_with(&emulator, &path, Some(&other_realm)).await, "MD5").await;
    let sha = full.replace("algorithm=MD5", "algorithm=SHA-256");
    challenge_of(get_with(&emulator, &path, Some(&sha)).await, "MD5").await;
    // None of those used up nc=1.
    assert_eq!(
        get_with(&emulator, &path, Some(&full)).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn an_expired_nonce_with_a_correct_answer_gets_stale_true() {
    let emulator = start(slow_config());
    let path = list_path(GROUP, "AWS");
    let (nonce, _) = challenge_of(get_with(&emulator, &path, None).await, "MD5").await;
    assert_eq!(
        get_with(
            &emulator,
            &path,
            Some(&demo_answer(&nonce, 1, "GET", &path))
        )
        .await
        .status(),
        StatusCode::OK
    );
    emulator.expire_nonces();
    let (fresh, stale) = challenge_of(
        get_with(
            &emulator,
            &path,
            Some(&demo_answer(&nonce, 2, "GET", &path)),
        )
        .await,
        "MD5",
    )
    .await;
    assert!(stale);
    // A wrong key on an expired nonce is not stale: the answer itself is wrong.
    let wrong = demo_answer(&nonce, 3, "GET", &path).replace("response=\"", "response=\"0");
    let (_, stale) = challenge_of(get_with(&emulator, &path, Some(&wrong)).await, "MD5").await;
    assert!(!stale);
    assert_eq!(
        get_with(
            &emulator,
            &path,
            Some(&demo_answer(&fresh, 1, "GET", &path))
        )
        .await
        .status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn nonces_expire_after_their_lifetime() {
    let emulator = start(Config {
        nonce_lifetime: Duration::ZERO,
        ..slow_config()
    });
    let path = list_path(GROUP, "AWS");
    let (nonce, _) = challenge_of(get_with(&emulator, &path, None).await, "MD5").await;
    let (_, stale) = challenge_of(
        get_with(
            &emulator,
            &path,
            Some(&demo_answer(&nonce, 1, "GET", &path)),
        )
        .await,
        "MD5",
    )
    .await;
    assert!(stale);
}

#[tokio::test]
async fn sha_256_can_be_offered_instead_of_md5() {
    let emulator = start(Config {
        algorithm: DigestAlgorithm::Sha256,
        ..slow_config()
    });
    let path = list_path(GROUP, "AWS");
    let (nonce, _) = challenge_of(get_with(&emulator, &path, None).await, "SHA-256").await;
    challenge_of(
        get_with(
            &emulator,
            &path,
            Some(&demo_answer(&nonce, 1, "GET", &path)),
        )
        .await,
        "SHA-256",
    )
    .await;
    let mut client = Client::new(&emulator).with_algorithm(DigestAlgorithm::Sha256);
    assert_eq!(client.get(&path).await.status(), StatusCode::OK);
    assert_eq!(client.get(&path).await.status(), StatusCode::OK);
    let mut wrong = Client::new(&emulator)
        .with_algorithm(DigestAlgorithm::Sha256)
        .with_password("nope");
    challenge_of(wrong.get(&path).await, "SHA-256").await;
}

#[tokio::test]
async fn rotating_nonces_make_every_request_answer_a_fresh_challenge() {
    let emulator = start(slow_config());
    let path = list_path(GROUP, "AWS");
    let mut client = Client::new(&emulator);
    assert_eq!(client.get(&path).await.status(), StatusCode::OK);
    assert_eq!(client.get(&path).await.status(), StatusCode::OK);
    emulator.set_rotate_nonce(true);
    emulator.clear_requests();
    for _ in 0..3 {
        assert_eq!(client.get(&path).await.status(), StatusCode::OK);
    }
    // Each request after the first one that used the old nonce was told stale=true, then succeeded.
    let statuses: Vec<u16> = emulator.requests().iter().map(|r| r.status).collect();
    assert_eq!(statuses, [200, 401, 200, 401, 200]);
    let stale_challenges = emulator
        .requests()
        .iter()
        .filter(|r| r.status == 401)
        .count();
    assert_eq!(stale_challenges, 2);
    emulator.set_rotate_nonce(false);
    emulator.clear_requests();
    client.get(&path).await;
    client.get(&path).await;
    let statuses: Vec<u16> = emulator.requests().iter().map(|r| r.status).collect();
    assert_eq!(statuses, [401, 200, 200]);
}
