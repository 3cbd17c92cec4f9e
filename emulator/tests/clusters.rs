//! `GET .../clusters` over real HTTP: the 2024-08-05 answer with each cluster's
//! `replicationSpecs[].regionConfigs[]`, pages and envelope, 406 for the versions the emulator
//! does not model, and clusters seeded from Rust and over the control API.

mod common;

use common::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

const CLUSTERS_ACCEPT: &str = "application/vnd.atlas.2024-08-05+json";

fn path(group: &str) -> String {
    format!("/api/atlas/v2/groups/{group}/clusters")
}

async fn list(client: &mut Client, query: &str) -> reqwest::Response {
    client
        .send(
            Method::GET,
            &format!("{}{query}", path(GROUP)),
            &[("accept", CLUSTERS_ACCEPT)],
            None,
        )
        .await
}

/// `(providerName, regionName)` of every region configuration of a cluster.
fn regions(cluster: &Value) -> Vec<(String, String)> {
    cluster["replicationSpecs"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|spec| spec["regionConfigs"].as_array().unwrap().clone())
        .map(|c| {
            (
                c["providerName"].as_str().unwrap().to_string(),
                c["regionName"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[tokio::test]
async fn seeded_clusters_are_listed_with_their_regions() {
    let emulator = start(slow_config());
    emulator
        .seed_cluster(
            GROUP,
            "orders",
            &[("AWS", "US_EAST_1"), ("aws", "EU_WEST_2")],
        )
        .unwrap();
    emulator
        .seed_cluster(
            GROUP,
            "web",
            &[("AZURE", "EUROPE_WEST"), ("GCP", "CENTRAL_US")],
        )
        .unwrap();
    emulator
        .seed_cluster(OTHER_GROUP, "elsewhere", &[("AWS", "US_WEST_2")])
        .unwrap();
    let mut client = Client::new(&emulator);
    let response = list(&mut client, "").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with(CLUSTERS_ACCEPT)
    );
    let page: Value = response.json().await.unwrap();
    assert_eq!(page["totalCount"], 2);
    let results = page["results"].as_array().unwrap();
    assert_eq!(results[0]["name"], "orders");
    assert_eq!(
        regions(&results[0]),
        [
            ("AWS".to_string(), "US_EAST_1".to_string()),
            ("AWS".into(), "EU_WEST_2".into())
        ]
    );
    assert_eq!(results[0]["groupId"], GROUP);
    assert_eq!(
        regions(&results[1]),
        [
            ("AZURE".to_string(), "EUROPE_WEST".to_string()),
            ("GCP".into(), "CENTRAL_US".into())
        ]
    );
    // Seeding a name again replaces its regions.
    emulator
        .seed_cluster(GROUP, "orders", &[("AWS", "AP_SOUTH_1")])
        .unwrap();
    let page: Value = list(&mut client, "").await.json().await.unwrap();
    assert_eq!(
        regions(&page["results"][0]),
        [("AWS".to_string(), "AP_SOUTH_1".to_string())]
    );
    assert!(
        emulator
            .seed_cluster(GROUP, "bad", &[("AWS", "EUROPE_WEST")])
            .is_err()
    );
    assert!(emulator.seed_cluster(GROUP, "none", &[]).is_err());
}

#[tokio::test]
async fn pages_links_and_envelope() {
    let emulator = start(slow_config());
    for name in ["a", "b", "c"] {
        emulator
            .seed_cluster(GROUP, name, &[("AWS", "US_EAST_1")])
            .unwrap();
    }
    let mut client = Client::new(&emulator);
    let page: Value = list(&mut client, "?itemsPerPage=2&pageNum=2&envelope=true")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page["results"].as_array().unwrap().len(), 1);
    assert_eq!(page["results"][0]["name"], "c");
    assert_eq!(page["status"], 200);
    let rels: Vec<&str> = page["links"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["rel"].as_str().unwrap())
        .collect();
    assert_eq!(rels, ["previous", "self"]);
    let bad = list(&mut client, "?itemsPerPage=501").await;
    assert_error(bad, 400, "INVALID_QUERY_PARAMETER").await;
    let bad = list(&mut client, "?includeDeletedWithRetainedBackups=maybe").await;
    assert_error(bad, 400, "INVALID_QUERY_PARAMETER").await;
}

#[tokio::test]
async fn only_the_2024_08_05_answer_is_served() {
    let emulator = start(slow_config());
    let mut client = Client::new(&emulator);
    for older in ["2023-01-01", "2023-02-01", "2024-08-04"] {
        let accept = format!("application/vnd.atlas.{older}+json");
        let response = client
            .send(Method::GET, &path(GROUP), &[("accept", &accept)], None)
            .await;
        let body = assert_error(response, 406, "INVALID_API_VERSION").await;
        assert!(
            body["detail"].as_str().unwrap().contains("2024-08-05"),
            "{body}"
        );
    }
    let later = client
        .send(
            Method::GET,
            &path(GROUP),
            &[("accept", "application/vnd.atlas.2025-01-01+json")],
            None,
        )
        .await;
    assert_eq!(later.status(), StatusCode::OK);
    let post = client.post(&path(GROUP), "{}").await;
    assert_eq!(post.status(), StatusCode::METHOD_NOT_ALLOWED);
}

#[tokio::test]
async fn the_control_api_seeds_and_removes_clusters() {
    let emulator = start(slow_config());
    let seeded = post(
        &emulator,
        "clusters",
        json!({"groupId": GROUP, "name": "orders", "regions": [
            {"provider": "AWS", "region": "US_EAST_1"}, {"provider": "azure", "region": "UK_SOUTH"}
        ]}),
    )
    .await;
    assert_eq!(seeded.status(), StatusCode::OK);
    let id: Value = seeded.json().await.unwrap();
    let mut client = Client::new(&emulator);
    let page: Value = list(&mut client, "").await.json().await.unwrap();
    assert_eq!(page["results"][0]["id"], id["id"]);
    assert_eq!(
        regions(&page["results"][0]),
        [
            ("AWS".to_string(), "US_EAST_1".to_string()),
            ("AZURE".into(), "UK_SOUTH".into())
        ]
    );
    for bad in [
        json!({"groupId": GROUP, "name": "x", "regions": [{"provider": "AWS", "region": "UK_SOUTH"}]}),
        json!({"groupId": GROUP, "name": "x", "regions": []}),
        json!({"groupId": "nope", "name": "x", "regions": [{"provider": "AWS", "region": "US_EAST_1"}]}),
        json!({"groupId": GROUP, "regions": [{"provider": "AWS", "region": "US_EAST_1"}]}),
    ] {
        assert_error(
            post(&emulator, "clusters", bad).await,
            400,
            "INVALID_CONTROL_REQUEST",
        )
        .await;
    }
    let removed = control(
        &emulator,
        Method::DELETE,
        &format!("clusters/{GROUP}/orders"),
        None,
    )
    .await;
    assert_eq!(removed.status(), StatusCode::NO_CONTENT);
    let again = control(
        &emulator,
        Method::DELETE,
        &format!("clusters/{GROUP}/orders"),
        None,
    )
    .await;
    assert_eq!(again.status(), StatusCode::NOT_FOUND);
    let page: Value = list(&mut client, "").await.json().await.unwrap();
    assert_eq!(page["totalCount"], 0);
}
