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
