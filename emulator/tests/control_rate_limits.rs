//! `/__emulator/projects/{groupId}/rateLimit`: one project's own bucket over the control API, next
//! to the default limit of `/__emulator/config`.

mod common;

use common::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

fn path(group: &str) -> String {
    format!("projects/{group}/rateLimit")
}

#[tokio::test]
async fn a_project_gets_and_loses_a_limit_of_its_own() {
    let emulator = start(slow_config());
    let view: Value = control(&emulator, Method::GET, &path(GROUP), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        view,
        json!({"groupId": GROUP, "rateLimit": null, "ownLimit": false, "remaining": null})
    );
    post(
        &emulator,
        "config",
        json!({"rateLimit": {"capacity": 5, "refillPerMinute": 0}}),
    )
    .await;
    let limit = json!({"capacity": 2, "refillPerMinute": 0});
    let response = control(&emulator, Method::PUT, &path(GROUP), Some(limit.clone())).await;
    assert_eq!(response.status(), StatusCode::OK);
    let view: Value = response.json().await.unwrap();
    assert_eq!(
        view,
        json!({"groupId": GROUP, "rateLimit": limit, "ownLimit": true, "remaining": 2})
    );

    let mut client = Client::new(&emulator);
    let list = list_path(GROUP, "AWS");
    assert_eq!(client.get(&list).await.headers()["ratelimit-limit"], "2");
    client.get(&list).await;
    assert_eq!(
        client.get(&list).await.status(),
        StatusCode::TOO_MANY_REQUESTS
    );
    let other = client.get(&list_path(OTHER_GROUP, "AWS")).await;
    assert_eq!(other.headers()["ratelimit-limit"], "5");
    let view: Value = control(&emulator, Method::GET, &path(GROUP), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(view["remaining"], 0);

    let response = control(&emulator, Method::DELETE, &path(GROUP), None).await;
    let view: Value = response.json().await.unwrap();
    assert_eq!(
        view,
        json!({"groupId": GROUP, "rateLimit": {"capacity": 5, "refillPerMinute": 0}, "ownLimit": false, "remaining": 5})
    );
    assert_eq!(client.get(&list).await.status(), StatusCode::OK);
    // The default limit stays where GET /__emulator/config shows it.
    let config: Value = control(&emulator, Method::GET, "config", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        config["rateLimit"],
        json!({"capacity": 5, "refillPerMinute": 0})
    );
}

#[tokio::test]
async fn bad_project_limits_are_refused() {
    let emulator = start(slow_config());
    for (group, body) in [
        (
            "0123456789ABCDEF01234567",
            json!({"capacity": 1, "refillPerMinute": 0}),
        ),
        ("not-a-group", json!({"capacity": 1, "refillPerMinute": 0})),
        (GROUP, json!({"capacity": 1})),
        (GROUP, json!({"capacity": -1, "refillPerMinute": 0})),
        (GROUP, json!([1, 2])),
    ] {
        let response = control(&emulator, Method::PUT, &path(group), Some(body.clone())).await;
        assert_error(response, 400, "INVALID_CONTROL_REQUEST").await;
    }
    let view: Value = control(&emulator, Method::GET, &path(GROUP), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(view["ownLimit"], false, "nothing was set");
}
