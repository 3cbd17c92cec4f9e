//! `RateLimit-*` headers on every API answer and the optional token bucket's 429.

mod common;

use atlas_ear_emulator::{Config, RateLimit};
use common::*;
use reqwest::{Response, StatusCode};

fn header(response: &Response, name: &str) -> String {
    response.headers()[name].to_str().unwrap().to_string()
}

#[tokio::test]
async fn every_api_answer_carries_nominal_rate_limit_headers() {
    let emulator = start(slow_config());
    let http = reqwest::Client::new();
    let base = emulator.base_url();
    let unauthenticated = http
        .get(format!("{base}{}", list_path(GROUP, "AWS")))
        .send()
        .await
        .unwrap();
    let unknown = http
        .get(format!("{base}/api/atlas/v2/nothing"))
        .send()
        .await
        .unwrap();
    let mut client = Client::new(&emulator);
    let ok = client.get(&list_path(GROUP, "AWS")).await;
    for response in [&unauthenticated, &unknown, &ok] {
        assert_eq!(header(response, "ratelimit-limit"), "100");
        assert_eq!(header(response, "ratelimit-remaining"), "100");
    }
}

#[tokio::test]
async fn an_empty_bucket_answers_429_with_retry_after() {
    let limit = RateLimit {
        capacity: 3,
        refill_per_minute: 0,
    };
    let emulator = start(Config {
        rate_limit: Some(limit),
        ..slow_config()
    });
    let mut client = Client::new(&emulator);
    let path = list_path(GROUP, "AWS");
    // The challenge does not spend a token; three authenticated requests do.
    for remaining in ["2", "1", "0"] {
        let response = client.get(&path).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(header(&response, "ratelimit-limit"), "3");
        assert_eq!(header(&response, "ratelimit-remaining"), remaining);
    }
    let refused = client.get(&path).await;
    assert_eq!(header(&refused, "retry-after"), "60");
    assert_eq!(header(&refused, "ratelimit-remaining"), "0");
    let body = assert_error(refused, 429, "RATE_LIMITED").await;
    assert_eq!(body["parameters"][2], 3);
    assert_eq!(
        emulator
            .requests()
            .iter()
            .filter(|r| r.status == 429)
            .count(),
        1
    );

    emulator.set_rate_limit(None);
    let response = client.get(&path).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(header(&response, "ratelimit-limit"), "100");
}

#[tokio::test]
async fn retry_after_reflects_the_refill_rate() {
    let emulator = start(slow_config());
    emulator.set_rate_limit(Some(RateLimit {
        capacity: 1,
        refill_per_minute: 2,
    }));
    let mut client = Client::new(&emulator);
    let path = list_path(GROUP, "AZURE");
    assert_eq!(client.get(&path).await.status(), StatusCode::OK);
    let refused = client.get(&path).await;
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry_after: u64 = header(&refused, "retry-after").parse().unwrap();
    assert!(
        (1..=30).contains(&retry_after),
        "one token every 30 s: {retry_after}"
    );
}

#[tokio::test]
async fn each_project_spends_from_its_own_bucket() {
    let emulator = start(Config {
        rate_limit: Some(RateLimit {
            capacity: 2,
            refill_per_minute: 0,
        }),
        ..slow_config()
    });
    let mut client = Client::new(&emulator);
    let mine = list_path(GROUP, "AWS");
    for remaining in ["1", "0"] {
        let response = client.get(&mine).await;
        assert_eq!(header(&response, "ratelimit-remaining"), remaining);
    }
    let refused = client.get(&mine).await;
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(header(&refused, "retry-after"), "60");
    assert_eq!(header(&refused, "ratelimit-limit"), "2");
    // Another project has a bucket of its own; the same project under the other provider shares
    // the empty one.
    let other = client.get(&list_path(OTHER_GROUP, "AZURE")).await;
    assert_eq!(other.status(), StatusCode::OK);
    assert_eq!(header(&other, "ratelimit-limit"), "2");
    assert_eq!(header(&other, "ratelimit-remaining"), "1");
    let same_project = client.get(&list_path(GROUP, "AZURE")).await;
    assert_eq!(same_project.status(), StatusCode::TOO_MANY_REQUESTS);
    // Requests that belong to no project spend nothing and show the nominal quota.
    let token = reqwest::Client::new()
        .post(format!("{}/api/oauth/token", emulator.base_url()))
        .basic_auth(
            atlas_ear_emulator::DEMO_CLIENT_ID,
            Some(atlas_ear_emulator::DEMO_CLIENT_SECRET),
        )
        .header("content-type", "application/x-www-form-urlencoded")
        .body("grant_type=client_credentials")
        .send()
        .await
        .unwrap();
    assert_eq!(token.status(), StatusCode::OK);
    assert_eq!(header(&token, "ratelimit-remaining"), "100");
}

#[tokio::test]
async fn a_project_can_have_a_limit_of_its_own() {
    let own = RateLimit {
        capacity: 1,
        refill_per_minute: 0,
    };
    let emulator = start(Config {
        project_rate_limits: [(OTHER_GROUP.to_string(), own)].into(),
        ..slow_config()
    });
    let mut client = Client::new(&emulator);
    let limited = list_path(OTHER_GROUP, "AWS");
    assert_eq!(header(&client.get(&limited).await, "ratelimit-limit"), "1");
    assert_eq!(
        client.get(&limited).await.status(),
        StatusCode::TOO_MANY_REQUESTS
    );
    // Without a default limit every other project is unlimited.
    let free = list_path(GROUP, "AWS");
    for _ in 0..3 {
        let response = client.get(&free).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(header(&response, "ratelimit-remaining"), "100");
    }
    // A default limit does not touch the project with its own.
    emulator.set_rate_limit(Some(RateLimit {
        capacity: 5,
        refill_per_minute: 0,
    }));
    assert_eq!(header(&client.get(&free).await, "ratelimit-remaining"), "4");
    assert_eq!(
        client.get(&limited).await.status(),
        StatusCode::TOO_MANY_REQUESTS
    );
    // Set from Rust: a new own limit starts full; removing it falls back to the default.
    emulator.set_project_rate_limit(
        OTHER_GROUP,
        Some(RateLimit {
            capacity: 3,
            refill_per_minute: 0,
        }),
    );
    assert_eq!(
        header(&client.get(&limited).await, "ratelimit-remaining"),
        "2"
    );
    emulator.set_project_rate_limit(OTHER_GROUP, None);
    let fallback = client.get(&limited).await;
    assert_eq!(header(&fallback, "ratelimit-limit"), "5");
    assert_eq!(header(&fallback, "ratelimit-remaining"), "4");
}
