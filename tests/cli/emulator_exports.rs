//! The `export` lines the emulator prints at start (`Emulator::export_lines`, which the binary
//! prints verbatim) set up `atlas-ear` completely: a shell that runs exactly those lines and then
//! the client lists the emulator's endpoints with no other setting.

use crate::common;
use common::*;

#[test]
fn the_printed_exports_are_all_the_client_needs() {
    let emu = emulator();
    let id = emu.seed_endpoint(PROJECT, "AWS", "EU_WEST_2", "ACTIVE");
    let lines = emu.export_lines(PROJECT);
    let home = scratch_home();
    let script = format!("{lines}exec \"$0\" list -o json");
    let mut shell = std::process::Command::new("sh");
    shell
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("XDG_CACHE_HOME", home.path().join("cache"))
        .env("NO_COLOR", "1")
        .args(["-c", &script])
        .arg(atlas_binary());
    let out = run(&mut assert_cmd::Command::from_std(shell));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains(&id), "{}", out.stdout);
    let listed = api_requests(&emu);
    assert!(
        listed
            .iter()
            .all(|r| r.group_id.as_deref() == Some(PROJECT)),
        "{listed:?}"
    );
    assert!(listed.iter().any(|r| r.status == 200));
}
