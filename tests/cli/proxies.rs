//! Proxies never see credentials in clear: with every proxy variable pointing at a stand-in
//! proxy, runs against the emulator on 127.0.0.1 (plain http) go straight to it, for an API key
//! (digest answers) and a service account (the token request carries the client secret).

use crate::common;
use crate::stand_in::StandIn;
use atlas_ear_emulator::{DEMO_CLIENT_ID, DEMO_CLIENT_SECRET};
use common::*;

/// Every variable reqwest reads a proxy from, in both cases.
const PROXY_VARIABLES: [&str; 6] = [
    "HTTP_PROXY",
    "http_proxy",
    "HTTPS_PROXY",
    "https_proxy",
    "ALL_PROXY",
    "all_proxy",
];

/// A proxy that would refuse everything, and counts who tried.
fn stand_in_proxy() -> StandIn {
    StandIn::answering("HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
}

/// `list` with an API key, `variables` set to `proxy`: succeeds through the emulator alone.
fn list_with_api_key(emu: &Emulator, proxy: &StandIn, variables: &[&str]) {
    emu.clear_requests();
    let home = scratch_home();
    let mut cmd = atlas(emu, &home);
    for name in variables {
        cmd.env(name, &proxy.url);
    }
    let out = run(cmd.arg("list"));
    assert_eq!(out.code, 0, "{variables:?}: {}", out.stderr);
    let statuses: Vec<u16> = api_requests(emu).iter().map(|r| r.status).collect();
    assert_eq!(
        statuses,
        vec![401, 200],
        "{variables:?}: the emulator saw both"
    );
}

/// `list` with a service account, `variables` set to `proxy`.
fn list_with_service_account(emu: &Emulator, proxy: &StandIn, variables: &[&str]) {
    emu.clear_requests();
    let home = scratch_home();
    let mut cmd = bare(&home);
    cmd.env("MONGODB_ATLAS_BASE_URL", emu.base_url())
        .env("MONGODB_ATLAS_CLIENT_ID", DEMO_CLIENT_ID)
        .env("MONGODB_ATLAS_CLIENT_SECRET", DEMO_CLIENT_SECRET)
        .env("MONGODB_ATLAS_PROJECT_ID", PROJECT);
    for name in variables {
        cmd.env(name, &proxy.url);
    }
    let out = run(cmd.arg("list"));
    assert_eq!(out.code, 0, "{variables:?}: {}", out.stderr);
    let seen: Vec<(String, u16)> = emu
        .requests()
        .into_iter()
        .map(|r| (r.path, r.status))
        .collect();
    assert_eq!(seen.len(), 2, "{variables:?}: {seen:?}");
    assert_eq!(seen[0], ("/api/oauth/token".to_string(), 200));
    assert_eq!(seen[1].1, 200, "{seen:?}");
}

#[test]
fn loopback_targets_never_go_through_a_proxy() {
    let emu = emulator();
    let proxy = stand_in_proxy();
    for name in PROXY_VARIABLES {
        list_with_api_key(&emu, &proxy, &[name]);
        list_with_service_account(&emu, &proxy, &[name]);
    }
    list_with_api_key(&emu, &proxy, &PROXY_VARIABLES);
    list_with_service_account(&emu, &proxy, &PROXY_VARIABLES);
    assert_eq!(proxy.connections(), 0, "the proxy must never be asked");
}

#[test]
fn config_show_says_a_proxy_variable_is_not_used_for_this_machine() {
    let emu = emulator();
    let proxy = stand_in_proxy();
    let home = scratch_home();
    let out = run(atlas(&emu, &home)
        .env("HTTPS_PROXY", &proxy.url)
        .args(["config", "show", "-o", "json"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc = json(&out.stdout);
    assert_eq!(doc["proxy"]["value"], serde_json::Value::Null);
    assert_eq!(
        doc["proxy"]["note"],
        "HTTPS_PROXY is not used for this machine or plain http: requests go direct"
    );
    assert_eq!(proxy.connections(), 0);
}
