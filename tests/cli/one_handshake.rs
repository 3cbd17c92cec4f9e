//! In one process: one client, one handshake. Concurrent calls wait for the single request that
//! fetches the challenge instead of each paying for a 401, and later calls never see one.

use crate::common;
use atlas_ear::ApiClient;
use atlas_ear::Settings;

use common::*;
use reqwest::Method;

/// A client for `emu` built the way the binary builds one. `--no-cache` keeps the test away
/// from the user's real cache directory (this runs inside the test process).
fn client_for(emu: &Emulator) -> ApiClient {
    let base_url = emu.base_url();
    let parsed = atlas_ear::try_parse_from([
        "atlas-ear",
        "--base-url",
        base_url.as_str(),
        "--public-key",
        atlas_ear_emulator::DEMO_PUBLIC_KEY,
        "--private-key",
        atlas_ear_emulator::DEMO_PRIVATE_KEY,
        "--project-id",
        PROJECT,
        "--no-cache",
        "list",
    ])
    .unwrap();
    ApiClient::new(&Settings::resolve(&parsed.cli.global, parsed.typed_flags).unwrap()).unwrap()
}

#[tokio::test]
async fn concurrent_first_calls_share_one_challenge() {
    let emu = emulator();
    let ids: Vec<String> = [
        "US_EAST_1",
        "US_WEST_2",
        "EU_WEST_1",
        "AP_SOUTH_1",
        "SA_EAST_1",
    ]
    .iter()
    .map(|region| emu.seed_endpoint(PROJECT, "AWS", region, "ACTIVE"))
    .collect();
    let client = client_for(&emu);
    let path = |id: &str| format!("{}/{id}", collection_path("AWS"));
    let get = |id: String| {
        let client = &client;
        let path = path(&id);
        async move { client.call(Method::GET, &path, None).await }
    };
    let mut ids = ids.into_iter();
    let mut next = || ids.next().unwrap();
    let (a, b, c, d, e) = tokio::join!(
        get(next()),
        get(next()),
        get(next()),
        get(next()),
        get(next())
    );
    for result in [a, b, c, d, e] {
        assert_eq!(result.unwrap().status.as_u16(), 200);
    }

    let requests = api_requests(&emu);
    let unauthenticated = requests.iter().filter(|r| !r.is_authenticated()).count();
    assert_eq!(unauthenticated, 1, "only one call fetched the challenge");
    assert_eq!(requests.iter().filter(|r| r.status == 200).count(), 5);

    // Once the challenge is known, every further call is one request.
    emu.clear_requests();
    for _ in 0..3 {
        client
            .call(Method::GET, &collection_path("AWS"), None)
            .await
            .unwrap();
    }
    let requests = api_requests(&emu);
    assert_eq!(requests.len(), 3);
    assert!(
        requests
            .iter()
            .all(|r| r.is_authenticated() && r.status == 200)
    );
}
