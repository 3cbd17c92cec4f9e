//! Proxies as curl uses them, for an `https://` API host that is not this machine: the requests
//! go through the CONNECT tunnel of `HTTPS_PROXY` (or `https_proxy`, `ALL_PROXY`), `NO_PROXY`
//! keeps them off it, the credentials of the proxy URL reach the proxy as `Proxy-Authorization`
//! and appear nowhere else, and a proxy that refuses or is down is named without them.
//!
//! The API host is `atlas.example.test`, a name only the stand-in proxy can resolve (to the TLS
//! front before the emulator), with a certificate for that name from a CA made by the test.

use crate::common::*;
use crate::tls_stand_in::{ConnectProxy, TestCa, TlsFront};

const HOST: &str = "atlas.example.test";
const USER: &str = "alice";
/// Sent percent-encoded in the URL (`%40` for `@`), as curl expects a password with an `@`.
const PASSWORD: &str = "pr0xy@pass-sentinel";
const ENCODED_PASSWORD: &str = "pr0xy%40pass-sentinel";
/// `Basic` and base64 of `alice:pr0xy@pass-sentinel`.
const AUTHORIZATION: &str = "Basic YWxpY2U6cHIweHlAcGFzcy1zZW50aW5lbA==";

struct Scene {
    emu: Emulator,
    front: TlsFront,
    home: tempfile::TempDir,
    ca_file: std::path::PathBuf,
}

impl Scene {
    fn new() -> Scene {
        let ca = TestCa::new("atlas-ear proxy test CA");
        let emu = emulator();
        let front = TlsFront::start(ca.server(&[HOST]), &emu.base_url());
        let home = scratch_home();
        let ca_file = ca.write_pem(home.path(), "test-ca.pem");
        Scene {
            emu,
            front,
            home,
            ca_file,
        }
    }

    /// A proxy for this scene's host, requiring `AUTHORIZATION` when `with_login`.
    fn proxy(&self, with_login: bool) -> ConnectProxy {
        ConnectProxy::start(HOST, self.front.port, with_login.then_some(AUTHORIZATION))
    }

    /// `list` against `https://atlas.example.test:PORT`, trusting only the test CA.
    fn list(&self, env: &[(&str, &str)], args: &[&str]) -> Run {
        let mut cmd = atlas(&self.emu, &self.home);
        cmd.arg("--no-cache")
            .env("MONGODB_ATLAS_BASE_URL", self.front.base_url(HOST))
            .env("SSL_CERT_FILE", &self.ca_file);
        for (name, value) in env {
            cmd.env(name, value);
        }
        run(cmd.args(args).arg("list"))
    }
}

/// `http://alice:pr0xy%40pass-sentinel@127.0.0.1:PORT` for `proxy`.
fn with_credentials(proxy: &ConnectProxy, password: &str) -> String {
    proxy
        .url
        .replacen("http://", &format!("http://{USER}:{password}@"), 1)
}

/// Neither the user nor the password (in any form) was printed.
fn assert_no_proxy_credentials(out: &Run) {
    for secret in [
        PASSWORD,
        ENCODED_PASSWORD,
        "pass-sentinel",
        "YWxpY2U6",
        &format!("{USER}:"),
    ] {
        assert!(
            !out.stdout.contains(secret) && !out.stderr.contains(secret),
            "{secret} was printed:\n{}\n{}",
            out.stdout,
            out.stderr
        );
    }
}

#[test]
fn https_proxy_tunnels_the_requests_to_the_api_host() {
    let scene = Scene::new();
    for variable in ["HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"] {
        let proxy = scene.proxy(false);
        let out = scene.list(&[(variable, &proxy.url)], &[]);
        assert_eq!(out.code, 0, "{variable}: {}", out.stderr);
        assert!(proxy.tunnels() >= 1, "{variable}: no tunnel was opened");
        assert_eq!(proxy.tunnels(), proxy.connections(), "{variable}");
        let statuses: Vec<u16> = api_requests(&scene.emu).iter().map(|r| r.status).collect();
        assert_eq!(statuses, vec![401, 200], "{variable}");
        scene.emu.clear_requests();
    }
}

#[test]
fn curl_reads_the_lowercase_name_first() {
    let scene = Scene::new();
    let (lower, upper) = (scene.proxy(false), scene.proxy(false));
    let out = scene.list(
        &[("https_proxy", &lower.url), ("HTTPS_PROXY", &upper.url)],
        &[],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(lower.tunnels() >= 1);
    assert_eq!(upper.connections(), 0);
}

#[test]
fn no_proxy_keeps_the_api_host_off_the_proxy() {
    let scene = Scene::new();
    for list in [
        "example.test",
        ".example.test",
        "other.org, atlas.example.test",
        "*",
    ] {
        let proxy = scene.proxy(false);
        // Going direct, the name resolves nowhere: the run fails without asking the proxy.
        let out = scene.list(
            &[("HTTPS_PROXY", &proxy.url), ("NO_PROXY", list)],
            &["--retries", "0"],
        );
        assert_eq!(out.code, 6, "{list}: {}", out.stderr);
        assert_eq!(proxy.connections(), 0, "{list}: the proxy was asked");
    }
    // An entry for another port, or another host, leaves the proxy in use.
    let other_port = format!("{HOST}:{}", scene.front.port.wrapping_add(1));
    for list in [other_port.as_str(), "badexample.test", "example.test.org"] {
        let proxy = scene.proxy(false);
        let out = scene.list(&[("HTTPS_PROXY", &proxy.url), ("no_proxy", list)], &[]);
        assert_eq!(out.code, 0, "{list}: {}", out.stderr);
        assert!(proxy.tunnels() >= 1, "{list}");
        scene.emu.clear_requests();
    }
}

#[test]
fn proxy_credentials_reach_the_proxy_and_nothing_else() {
    let scene = Scene::new();
    let proxy = scene.proxy(true);
    let url = with_credentials(&proxy, ENCODED_PASSWORD);
    let out = scene.list(&[("HTTPS_PROXY", &url)], &["-vv"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let sent = proxy.authorizations();
    assert!(!sent.is_empty());
    assert!(
        sent.iter().all(|a| a.as_deref() == Some(AUTHORIZATION)),
        "{sent:?}"
    );
    assert_no_proxy_credentials(&out);
    let shown = proxy.url.replacen("http://", "http://********@", 1);
    assert!(
        out.stderr
            .contains(&format!("through the proxy {shown} (from HTTPS_PROXY)")),
        "{}",
        out.stderr
    );
    let forwarded = scene.emu.requests();
    assert!(!forwarded.is_empty());
}

#[test]
fn a_refused_proxy_login_is_named_without_the_password() {
    let scene = Scene::new();
    let proxy = scene.proxy(true);
    let url = with_credentials(&proxy, "wrong-pass-sentinel");
    let out = scene.list(&[("HTTPS_PROXY", &url)], &["-vv"]);
    assert_eq!(out.code, 6, "{}", out.stderr);
    assert_eq!(proxy.tunnels(), 0);
    assert_eq!(
        proxy.connections(),
        1,
        "a refused login is not retried: {}",
        out.stderr
    );
    assert!(!out.stderr.contains("wrong-pass"), "{}", out.stderr);
    assert!(!out.stderr.contains("alice"), "{}", out.stderr);
    let shown = proxy.url.replacen("http://", "http://********@", 1);
    assert!(
        out.stderr.contains(&format!(
            "failed: the proxy {shown} (from HTTPS_PROXY) answered 407 Proxy Authentication Required\nhint: check the user and password in HTTPS_PROXY"
        )),
        "{}",
        out.stderr
    );
}

#[test]
fn a_proxy_that_is_down_is_named_without_the_password() {
    let scene = Scene::new();
    // A port that was just free: nothing listens there.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port");
    let url = format!("http://{USER}:{ENCODED_PASSWORD}@{closed}");
    let out = scene.list(&[("https_proxy", &url)], &["-vv", "--retries", "0"]);
    assert_eq!(out.code, 6, "{}", out.stderr);
    assert_no_proxy_credentials(&out);
    assert!(
        out.stderr.contains(&format!(
            "(through the proxy http://********@{closed} from https_proxy)"
        )),
        "{}",
        out.stderr
    );
}

#[test]
fn an_unusable_proxy_url_is_a_usage_error_naming_the_variable() {
    let scene = Scene::new();
    let out = scene.list(
        &[(
            "ALL_PROXY",
            &format!("socks5://{USER}:{ENCODED_PASSWORD}@127.0.0.1:1"),
        )],
        &[],
    );
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr
            .starts_with("error: ALL_PROXY: the proxy scheme 'socks5' is not supported"),
        "{}",
        out.stderr
    );
    assert_no_proxy_credentials(&out);
    assert_eq!(scene.front.connections(), 0);
}

#[test]
fn config_show_names_the_proxy_with_its_credentials_masked() {
    let scene = Scene::new();
    let proxy = scene.proxy(true);
    let url = with_credentials(&proxy, ENCODED_PASSWORD);
    let mut cmd = atlas(&scene.emu, &scene.home);
    cmd.env("MONGODB_ATLAS_BASE_URL", scene.front.base_url(HOST))
        .env("HTTPS_PROXY", &url);
    let out = run(cmd.args(["config", "show", "-o", "json"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_no_proxy_credentials(&out);
    let doc = json(&out.stdout);
    let shown = proxy.url.replacen("http://", "http://********@", 1);
    assert_eq!(doc["proxy"]["value"], shown);
    assert_eq!(doc["proxy"]["name"], "HTTPS_PROXY");
    assert_eq!(proxy.connections(), 0, "config show sends nothing");
}
