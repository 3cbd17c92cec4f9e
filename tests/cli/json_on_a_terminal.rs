//! `-o json` on a terminal is indented, and coloured when colour is allowed; piped it is the
//! compact document scripts have always read, byte for byte, whatever the colour settings.

use crate::common;
use common::*;
use serde_json::Value;

const ESC: char = '\u{1b}';

/// `atlas-ear ARGS` with stdout piped and colour forced every way it can be.
fn piped_with_colour_forced(emu: &Emulator, home: &tempfile::TempDir, args: &[&str]) -> Run {
    let mut cmd = atlas(emu, home);
    cmd.env_remove("NO_COLOR")
        .env("CLICOLOR_FORCE", "1")
        .args(args)
        .args(["--color", "always"]);
    let out = run(&mut cmd);
    assert_eq!(out.code, 0, "{}", out.stderr);
    out
}

#[test]
fn piped_json_stays_compact_and_uncoloured_even_with_colour_forced() {
    let emu = emulator();
    let id = emu.seed_endpoint(PROJECT, "AWS", "US_EAST_1", "ACTIVE");
    emu.seed_failed_endpoint(PROJECT, "AWS", "EU_WEST_1", "no capacity");
    let home = scratch_home();
    for args in [
        vec!["list", "-o", "json"],
        vec!["get", id.as_str(), "-o", "json"],
        vec!["regions", "-o", "json"],
        vec!["config", "show", "-o", "json"],
        vec!["wait", id.as_str(), "--for", "active", "-o", "json"],
    ] {
        let forced = piped_with_colour_forced(&emu, &home, &args);
        let plain = run(atlas(&emu, &home).args(&args));
        assert_eq!(
            forced.stdout, plain.stdout,
            "{args:?}: colour changes nothing"
        );
        assert!(
            !forced.stdout.contains(ESC),
            "{args:?}: {:?}",
            forced.stdout
        );
        assert_eq!(
            forced.stdout.lines().count(),
            1,
            "{args:?}: {}",
            forced.stdout
        );
        let parsed: Value = serde_json::from_str(&forced.stdout).expect("JSON");
        assert_eq!(
            forced.stdout,
            format!("{parsed}\n"),
            "{args:?}: compact, as serde_json writes it"
        );
    }
}

/// The terminal path: the binary runs under util-linux `script`, which gives it a pty.
#[cfg(target_os = "linux")]
mod on_a_terminal {
    use super::*;
    use crate::colour_and_width::on_a_terminal::on_pty;

    fn without_colour(text: &str) -> String {
        let mut plain = String::new();
        let mut rest = text;
        while let Some(start) = rest.find(ESC) {
            plain.push_str(&rest[..start]);
            let end = rest[start..]
                .find('m')
                .map_or(rest.len(), |m| start + m + 1);
            rest = &rest[end..];
        }
        plain.push_str(rest);
        plain
    }

    #[test]
    fn json_is_indented_and_coloured_on_a_terminal() {
        let emu = emulator();
        let id = emu.seed_endpoint(PROJECT, "AWS", "US_EAST_1", "ACTIVE");
        let home = scratch_home();
        let text = on_pty(&emu, &home, &[], &format!("get {id} -o json"));
        let key = "\u{1b}[1;34m\"id\"\u{1b}[0m: ";
        assert!(
            text.contains(&format!("  {key}\u{1b}[32m\"{id}\"\u{1b}[0m")),
            "keys and strings coloured, indented: {text:?}"
        );
        let piped = run(atlas(&emu, &home).args(["get", &id, "-o", "json"]));
        let shown: Value =
            serde_json::from_str(&without_colour(&text)).expect("JSON once uncoloured");
        let sent: Value = serde_json::from_str(&piped.stdout).expect("JSON");
        assert_eq!(shown, sent, "the same document, only laid out");

        let list = on_pty(&emu, &home, &[], "list -o json");
        assert!(
            list.contains("\u{1b}[36m1\u{1b}[0m"),
            "numbers coloured: {list:?}"
        );
        assert!(list.lines().count() > 5, "{list}");
    }

    #[test]
    fn colour_rules_apply_but_the_layout_stays() {
        let emu = emulator();
        emu.seed_failed_endpoint(PROJECT, "AWS", "EU_WEST_1", "no capacity");
        let home = scratch_home();
        for (env, args) in [
            (vec![("NO_COLOR", "1")], "list -o json"),
            (vec![], "list -o json --color never"),
            (vec![("TERM", "dumb")], "list -o json"),
        ] {
            let text = on_pty(&emu, &home, &env, args);
            assert!(!text.contains(ESC), "{env:?} {args}: {text:?}");
            assert!(text.starts_with("{\n  \"results\": [\n    {\n"), "{text}");
            serde_json::from_str::<Value>(&text).expect("JSON");
        }
    }

    #[test]
    fn status_and_private_networking_json_are_indented_on_a_terminal_too() {
        let emu = emulator();
        emu.seed_encryption(
            PROJECT,
            &serde_json::json!({"awsKms": {"enabled": true, "region": "US_EAST_1",
                                "customerMasterKeyID": "arn:aws:kms:us-east-1:1:key/k"}}),
        )
        .expect("the configuration is accepted");
        let home = scratch_home();
        for args in [
            "status -o json --color never",
            "private-networking enable --yes -o json --color never",
        ] {
            let text = on_pty(&emu, &home, &[], args);
            let document = text.lines().take_while(|l| *l != "}").count();
            assert!(text.starts_with("{\n  \""), "{args}: {text}");
            assert!(document > 3, "{args}: one value per line: {text}");
        }
    }

    #[test]
    fn jq_output_is_left_as_it_is() {
        let emu = emulator();
        emu.seed_endpoint(PROJECT, "AWS", "US_EAST_1", "ACTIVE");
        let home = scratch_home();
        let text = on_pty(&emu, &home, &[], "list --jq .results[0].regionName");
        assert_eq!(text, "US_EAST_1\n");
    }
}
