//! The redirect and oversized-body faults: what goes over the wire, through the library and the
//! control API.

mod common;

use atlas_ear_emulator::{Fault, FaultKind, Route};
use common::*;
use reqwest::StatusCode;

const SEVENTEEN_MIB: u64 = 17 * 1024 * 1024;

/// A client that does not follow redirects, so the 3xx itself can be inspected.
fn non_following(emulator: &atlas_ear_emulator::Emulator) -> Client {
    let mut client = Client::new(emulator);
    client.http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    client
}

#[tokio::test]
async fn redirect_answers_3xx_with_location_and_creates_nothing() {
    let emulator = start(slow_config());
    emulator.inject(Fault {
        route: Route::Create,
        kind: FaultKind::Redirect {
            status: 307,
            location: "https://login.example.invalid/sso".into(),
        },
        count: 1,
    });
    let mut client = non_following(&emulator);
    let response = client
        .post(&list_path(GROUP, "AWS"), r#"{"regionName":"US_EAST_1"}"#)
        .await;
    assert_eq!(response.status(), StatusCode::TEMPORARY_REDIRECT);
    assert_eq!(
        response.headers()["location"],
        "https://login.example.invalid/sso"
    );
    assert_eq!(response.bytes().await.unwrap().len(), 0);
    assert!(emulator.endpoints(GROUP, "AWS").is_empty());
    let logged = emulator.requests();
    assert_eq!(logged.last().unwrap().status, 307);

    // The fault is used up: the same request now creates the endpoint.
    let response = client
        .post(&list_path(GROUP, "AWS"), r#"{"regionName":"US_EAST_1"}"#)
        .await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
}

/// Reads a body chunk by chunk, keeping only the count, as a bounded client would.
async fn count_body(mut response: reqwest::Response) -> (u64, Vec<u8>) {
    let mut total = 0u64;
    let mut start = Vec::new();
    while let Some(chunk) = response.chunk().await.unwrap() {
        if start.len() < 32 {
            start.extend_from_slice(&chunk[..chunk.len().min(32 - start.len())]);
        }
        total += chunk.len() as u64;
    }
    (total, start)
}

#[tokio::test]
async fn oversized_body_is_streamed_with_or_without_a_length() {
    let emulator = start(slow_config());
    for chunked in [false, true] {
        emulator.inject(Fault {
            route: Route::List,
            kind: FaultKind::OversizedBody {
                bytes: SEVENTEEN_MIB,
                chunked,
            },
            count: 1,
        });
        let mut client = Client::new(&emulator);
        let response = client.get(&list_path(GROUP, "AWS")).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.headers()["content-type"], "application/json");
        let declared = response
            .headers()
            .get("content-length")
            .map(|v| v.to_str().unwrap().to_string());
        if chunked {
            assert_eq!(declared, None);
            assert_eq!(response.headers()["transfer-encoding"], "chunked");
        } else {
            assert_eq!(declared, Some(SEVENTEEN_MIB.to_string()));
        }
        let (total, start) = count_body(response).await;
        assert_eq!(total, SEVENTEEN_MIB, "chunked={chunked}");
        assert!(start.starts_with(br#"{"results": ["#), "{start:?}");
    }
}

#[tokio::test]
async fn control_api_injects_both_faults() {
    let emulator = start(slow_config());
    let http = reqwest::Client::new();
    let faults = format!("{}/__emulator/faults", emulator.base_url());
    let response = http
        .post(&faults)
        .body(r#"{"route":"get","kind":"redirect","status":301,"location":"/moved"}"#)
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success(), "{}", response.status());
    let response = http
        .post(&faults)
        .body(r#"{"route":"list","kind":"oversizedBody","bytes":1000,"chunked":true}"#)
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success(), "{}", response.status());
    for bad in [
        r#"{"kind":"redirect","status":200,"location":"/x"}"#,
        r#"{"kind":"redirect","status":302}"#,
        r#"{"kind":"oversizedBody"}"#,
    ] {
        let response = http.post(&faults).body(bad).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{bad}");
    }

    let mut client = non_following(&emulator);
    let id = "aaaaaaaaaaaaaaaaaaaaaaaa";
    let response = client.get(&item_path(GROUP, "AWS", id)).await;
    assert_eq!(response.status(), StatusCode::MOVED_PERMANENTLY);
    assert_eq!(response.headers()["location"], "/moved");
    let response = client.get(&list_path(GROUP, "AWS")).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers().get("content-length").is_none());
    assert_eq!(count_body(response).await.0, 1000);
}
