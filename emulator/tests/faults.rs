//! Fault injection from Rust: each fault kind, how faults are aimed and queued, and that neither
//! the 401 challenge nor a rejected request consumes one.

mod common;

use std::time::Duration;

use atlas_ear_emulator::{Emulator, Fault, FaultKind, Route};
use common::*;
use reqwest::StatusCode;
use serde_json::Value;

fn status_fault(route: Route, status: u16, retry_after: Option<u64>, count: u32) -> Fault {
    Fault {
        route,
        kind: FaultKind::Status {
            status,
            retry_after,
        },
        count,
    }
}

fn statuses(emulator: &Emulator) -> Vec<u16> {
    emulator.requests().iter().map(|r| r.status).collect()
}

#[tokio::test]
async fn status_faults_answer_atlas_errors_for_the_next_n_requests() {
    let emulator = start(slow_config());
    let mut client = Client::new(&emulator);
    let path = list_path(GROUP, "AWS");
    emulator.inject(status_fault(Route::List, 503, Some(7), 2));
    for _ in 0..2 {
        let response = client.get(&path).await;
        assert_eq!(response.headers()["retry-after"], "7");
        assert!(response.headers().contains_key("ratelimit-remaining"));
        assert_error(response, 503, "SERVICE_UNAVAILABLE").await;
    }
    assert_eq!(client.get(&path).await.status(), StatusCode::OK);
    // The first request was the unauthenticated challenge, which no fault touches.
    assert_eq!(statuses(&emulator), [401, 503, 503, 200]);

    for (status, code) in [
        (429, "RATE_LIMITED"),
        (500, "UNEXPECTED_ERROR"),
        (502, "BAD_GATEWAY"),
        (504, "GATEWAY_TIMEOUT"),
    ] {
        emulator.inject(status_fault(Route::Any, status, None, 1));
        let response = client.get(&path).await;
        assert!(response.headers().get("retry-after").is_none());
        assert_error(response, status, code).await;
    }
}

#[tokio::test]
async fn faults_hit_only_their_route_and_queue_in_order() {
    let emulator = start(slow_config());
    let mut client = Client::new(&emulator);
    let id = emulator.seed_endpoint(GROUP, "AWS", "US_EAST_1", "ACTIVE");
    let item = item_path(GROUP, "AWS", &id);
    let list = list_path(GROUP, "AWS");
    emulator.inject(status_fault(Route::Get, 500, None, 1));
    emulator.inject(status_fault(Route::Get, 502, None, 1));
    emulator.inject(status_fault(Route::Delete, 504, None, 1));
    assert_eq!(
        client.get(&list).await.status(),
        StatusCode::OK,
        "a list is not a get"
    );
    assert_eq!(client.get(&item).await.status().as_u16(), 500);
    assert_eq!(client.get(&item).await.status().as_u16(), 502);
    assert_eq!(client.get(&item).await.status(), StatusCode::OK);
    assert_eq!(client.delete(&item).await.status().as_u16(), 504);
    assert_eq!(
        emulator.endpoints(GROUP, "AWS")[0]["status"],
        "ACTIVE",
        "the faulted delete did nothing"
    );

    emulator.inject(status_fault(Route::Create, 500, None, 3));
    emulator.clear_faults();
    let created = client.post(&list, r#"{"regionName":"US_EAST_2"}"#).await;
    assert_eq!(created.status(), StatusCode::ACCEPTED);
}

#[tokio::test]
async fn challenges_and_rejected_requests_never_consume_a_fault() {
    let emulator = start(slow_config());
    emulator.inject(status_fault(Route::Any, 500, None, 1));
    let mut wrong_key = Client::new(&emulator).with_password("wrong");
    assert_eq!(
        wrong_key.get(&list_path(GROUP, "AWS")).await.status(),
        StatusCode::UNAUTHORIZED
    );
    let mut client = Client::new(&emulator);
    // 406 and 400 come before faults as well.
    let response = client
        .send(reqwest::Method::GET, &list_path(GROUP, "AWS"), &[], None)
        .await;
    assert_eq!(response.status(), StatusCode::NOT_ACCEPTABLE);
    assert_eq!(
        client.get(&list_path("bad", "AWS")).await.status(),
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        client.get(&list_path(GROUP, "AWS")).await.status().as_u16(),
        500
    );
    assert_eq!(
        client.get(&list_path(GROUP, "AWS")).await.status(),
        StatusCode::OK
    );
    assert_eq!(statuses(&emulator), [401, 401, 401, 406, 400, 500, 200]);
}

#[tokio::test]
async fn a_delay_fault_waits_then_answers_normally() {
    let emulator = start(slow_config());
    let mut client = Client::new(&emulator);
    let path = list_path(GROUP, "AWS");
    assert_eq!(client.get(&path).await.status(), StatusCode::OK);
    // A client that gives up long before the delay ends sees a timeout...
    emulator.inject(Fault {
        route: Route::List,
        kind: FaultKind::Delay(Duration::from_secs(30)),
        count: 1,
    });
    let auth = client.authorization("GET", &path).unwrap();
    let error = client
        .request(reqwest::Method::GET, &path)
        .header("accept", ACCEPT)
        .header("authorization", auth)
        .timeout(Duration::from_millis(300))
        .send()
        .await
        .unwrap_err();
    assert!(error.is_timeout(), "{error}");
    // ...and a short delay still gives the normal answer.
    emulator.inject(Fault {
        route: Route::List,
        kind: FaultKind::Delay(Duration::from_millis(20)),
        count: 1,
    });
    let response = client.get(&path).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.json::<Value>().await.unwrap()["results"].is_array());
}

#[tokio::test]
async fn a_dropped_connection_gets_no_response_and_changes_nothing() {
    let emulator = start(slow_config());
    let mut client = Client::new(&emulator);
    let path = list_path(GROUP, "AWS");
    emulator.inject(Fault {
        route: Route::Create,
        kind: FaultKind::DropConnection,
        count: 1,
    });
    let auth = {
        assert_eq!(client.get(&path).await.status(), StatusCode::OK);
        client.authorization("POST", &path).unwrap()
    };
    let error = client
        .request(reqwest::Method::POST, &path)
        .header("accept", ACCEPT)
        .header("content-type", "application/json")
        .header("authorization", auth)
        .body(r#"{"regionName":"US_EAST_1"}"#)
        .send()
        .await
        .unwrap_err();
    assert!(!error.is_timeout(), "{error}");
    assert!(emulator.endpoints(GROUP, "AWS").is_empty());
    let last = emulator.requests().last().unwrap().clone();
    assert_eq!((last.method.as_str(), last.status), ("POST", 0));
    assert_eq!(
        client
            .post(&path, r#"{"regionName":"US_EAST_1"}"#)
            .await
            .status(),
        StatusCode::ACCEPTED
    );
}

#[tokio::test]
async fn drop_after_handling_creates_then_gives_no_response() {
    let emulator = start(slow_config());
    let mut client = Client::new(&emulator);
    let path = list_path(GROUP, "AWS");
    emulator.inject(Fault {
        route: Route::Create,
        kind: FaultKind::DropAfterHandling,
        count: 1,
    });
    assert_eq!(client.get(&path).await.status(), StatusCode::OK);
    let auth = client.authorization("POST", &path).unwrap();
    let error = client
        .request(reqwest::Method::POST, &path)
        .header("accept", ACCEPT)
        .header("content-type", "application/json")
        .header("authorization", auth)
        .body(r#"{"regionName":"EU_WEST_1"}"#)
        .send()
        .await
        .unwrap_err();
    assert!(!error.is_timeout(), "{error}");
    let created = emulator.endpoints(GROUP, "AWS");
    assert_eq!(created.len(), 1, "the request was carried out");
    assert_eq!(created[0]["regionName"], "EU_WEST_1");
    let last = emulator.requests().last().unwrap().clone();
    assert_eq!((last.method.as_str(), last.status), ("POST", 0));
    // The fault was used up: the same region now conflicts, as it would on Atlas.
    let again = client.post(&path, r#"{"regionName":"EU_WEST_1"}"#).await;
    assert_eq!(again.status(), StatusCode::CONFLICT);
}

#[tokio::test]
async fn truncated_and_malformed_json_and_html_pages_come_with_200() {
    let emulator = start(slow_config());
    let mut client = Client::new(&emulator);
    let path = list_path(GROUP, "AWS");
    emulator.inject(Fault {
        route: Route::List,
        kind: FaultKind::TruncatedJson,
        count: 1,
    });
    emulator.inject(Fault {
        route: Route::List,
        kind: FaultKind::MalformedJson,
        count: 1,
    });
    emulator.inject(Fault {
        route: Route::List,
        kind: FaultKind::Html,
        count: 1,
    });

    let truncated = client.get(&path).await;
    assert_eq!(truncated.status(), StatusCode::OK);
    assert!(
        truncated.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
    let text = truncated.text().await.unwrap();
    assert!(text.starts_with("{\"links\":"), "{text}");
    assert!(serde_json::from_str::<Value>(&text).is_err());

    let malformed = client.get(&path).await;
    assert_eq!(malformed.status(), StatusCode::OK);
    assert!(
        malformed.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
    assert!(serde_json::from_str::<Value>(&malformed.text().await.unwrap()).is_err());

    let html = client.get(&path).await;
    assert_eq!(html.status(), StatusCode::OK);
    assert!(
        html.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert!(html.text().await.unwrap().starts_with("<!DOCTYPE html>"));

    assert_eq!(client.get(&path).await.status(), StatusCode::OK);
    assert_eq!(statuses(&emulator), [401, 200, 200, 200, 200]);
}
