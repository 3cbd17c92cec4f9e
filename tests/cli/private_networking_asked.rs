//! `private-networking` beyond a script's run: its `--dry-run` (every request in order; the
//! PATCH, pasted into curl, changes what the tool changes), and on a terminal it asks, and a
//! declined question sends nothing.
//! Unix only: the printed curl lines are for a POSIX shell (`dry_run::paste_into_curl`), and the
//! prompt is answered on a pseudo-terminal.
#![cfg(unix)]

use crate::common;
use crate::private_networking::{encryption_path, patches, required, seed_keys};
use common::*;
use serde_json::json;

#[test]
fn the_dry_run_patch_pasted_into_curl_does_what_the_tool_does() {
    let emu = emulator();
    seed_keys(&emu, false, false);
    let home = scratch_home();
    let out = run(atlas(&emu, &home).args(["private-networking", "enable", "--dry-run"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(emu.requests().is_empty(), "a dry run sends nothing");
    let without_comments: Vec<&str> = out.stdout.lines().filter(|l| !l.starts_with('#')).collect();
    let commands: Vec<String> = without_comments
        .join("\n")
        .split("\ncurl ")
        .enumerate()
        .map(|(i, c)| {
            if i == 0 {
                c.to_string()
            } else {
                format!("curl {c}")
            }
        })
        .collect();
    assert_eq!(commands.len(), 2, "the GET, then the PATCH: {}", out.stdout);
    assert!(commands[0].contains("--request GET"), "{}", commands[0]);
    assert!(commands[1].contains("--request PATCH"), "{}", commands[1]);

    let answer = json(&crate::dry_run::paste_into_curl(&commands[1]));
    assert_eq!(answer["awsKms"]["requirePrivateNetworking"], true);
    assert!(required(&emu, "awsKms"), "curl turned it on");

    // The same change through the tool, in another project, looks the same on the wire.
    let other = json!({"awsKms": {"enabled": true, "region": "US_EAST_1",
                                  "customerMasterKeyID": "arn:aws:kms:us-east-1:1:key/other"}});
    emu.seed_encryption(OTHER_PROJECT, &other).unwrap();
    let out = run(atlas(&emu, &home)
        .env("MONGODB_ATLAS_PROJECT_ID", OTHER_PROJECT)
        .args(["private-networking", "enable", "--yes"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let patches = patches(&emu);
    assert_eq!(patches.len(), 2, "one PATCH from curl, one from the tool");
    let (curl, tool) = (&patches[0], &patches[1]);
    assert_eq!(curl.path, encryption_path());
    assert_eq!(tool.path, encryption_path().replace(PROJECT, OTHER_PROJECT));
    assert_eq!(curl.body, tool.body);
    for header in ["accept", "content-type"] {
        assert_eq!(curl.header(header), tool.header(header), "{header}");
    }
    assert_eq!(
        emu.encryption(OTHER_PROJECT)["awsKms"]["requirePrivateNetworking"],
        true
    );
}

/// The prompt, on a pseudo-terminal (util-linux `script`).
#[cfg(target_os = "linux")]
mod on_a_terminal {
    use super::*;
    use crate::private_networking::{patches, required, seed_keys};
    use crate::terminal::on_terminal;

    #[test]
    fn declined_sends_nothing_and_yes_patches() {
        let emu = emulator();
        seed_keys(&emu, true, false);
        let id = emu.seed_endpoint(PROJECT, "AWS", "US_EAST_1", "ACTIVE");
        let home = scratch_home();
        let args = ["private-networking", "disable", "--delete-endpoints"];
        let (code, text) = on_terminal(&emu, &home, &args, "n\n");
        assert_eq!(code, 1, "{text}");
        assert!(text.contains("will be deleted first"), "{text}");
        assert!(text.contains(&format!("US_EAST_1  {id}  ACTIVE")), "{text}");
        assert!(
            text.contains("Stop requiring private networking to AWS KMS in project")
                && text.contains("(requirePrivateNetworking true -> false)? [y/N]"),
            "{text}"
        );
        assert!(text.contains("cancelled; nothing was sent"), "{text}");
        assert!(
            api_requests(&emu).iter().all(|r| r.method == "GET"),
            "declined: no DELETE, no PATCH"
        );
        assert_eq!(emu.endpoints(PROJECT, "AWS")[0]["status"], "ACTIVE");
        assert!(required(&emu, "awsKms"));

        emu.clear_requests();
        let (code, text) = on_terminal(
            &emu,
            &home,
            &[
                "private-networking",
                "enable",
                "--project-id",
                OTHER_PROJECT,
            ],
            "",
        );
        assert_eq!(code, 11, "no key: refused before asking: {text}");
        assert!(!text.contains("[y/N]"), "{text}");

        emu.request_deletion(&id);
        emu.set_settle_after(std::time::Duration::ZERO);
        let (code, text) = on_terminal(&emu, &home, &["private-networking", "disable"], "y\n");
        assert_eq!(code, 0, "{text}");
        assert!(text.contains("no longer required"), "{text}");
        assert_eq!(patches(&emu).len(), 1);
        assert!(!required(&emu, "awsKms"));
    }
}

#[test]
fn the_dry_run_of_the_teardown_prints_every_request_in_order() {
    let emu = emulator();
    let home = scratch_home();
    let out = run(atlas(&emu, &home).args([
        "private-networking",
        "disable",
        "--provider",
        "azure",
        "--delete-endpoints",
        "--dry-run",
    ]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(emu.requests().is_empty(), "a dry run sends nothing");
    let methods: Vec<&str> = out
        .stdout
        .lines()
        .filter_map(|l| l.trim().strip_prefix("--request "))
        .map(|l| l.split(' ').next().unwrap_or(""))
        .collect();
    assert_eq!(methods, ["GET", "GET", "DELETE", "GET", "PATCH"]);
    insta::assert_snapshot!(out.stdout.replace(&emu.base_url(), "http://127.0.0.1:PORT"));
}
