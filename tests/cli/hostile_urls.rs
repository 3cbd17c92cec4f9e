//! A refused `http://` base URL: the `https://` URL the error suggests can be pasted back as it
//! is, because it keeps the port and the path prefix the user typed.

use crate::common;
use common::*;

#[test]
fn the_suggested_https_url_keeps_port_and_prefix() {
    let emu = emulator();
    let home = scratch_home();
    let out = run(atlas(&emu, &home).args(["list", "--base-url", "http://example.com:8443/x"]));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("use https://example.com:8443/x"),
        "{}",
        out.stderr
    );
    let out = run(atlas(&emu, &home)
        .env("MONGODB_ATLAS_BASE_URL", "http://example.com:8080/atlas/")
        .arg("list"));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("use https://example.com:8080/atlas"),
        "{}",
        out.stderr
    );
    assert!(emu.requests().is_empty(), "nothing may be sent");
}
