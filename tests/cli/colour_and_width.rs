//! Colour and width: statuses are coloured only on a terminal (or when forced), never under
//! `NO_COLOR`, and tables fit the terminal but never wrap when stdout is not one.

use crate::common;
use common::*;

const ESC: char = '\u{1b}';
const GREEN_ACTIVE: &str = "\u{1b}[32mACTIVE\u{1b}[39m";

fn two_endpoints(emu: &Emulator) {
    emu.seed_endpoint(PROJECT, "AWS", "US_EAST_1", "ACTIVE");
    emu.seed_endpoint(PROJECT, "AWS", "EU_WEST_1", "INITIATING");
}

/// `atlas-ear` with colour-related variables left to each test (the shared helper sets
/// NO_COLOR for every other test).
fn uncoloured_env(emu: &Emulator, home: &tempfile::TempDir) -> assert_cmd::Command {
    let mut cmd = atlas(emu, home);
    cmd.env_remove("NO_COLOR");
    cmd
}

#[test]
fn no_colour_when_not_on_a_terminal() {
    let emu = emulator();
    two_endpoints(&emu);
    let home = scratch_home();
    let out = run(uncoloured_env(&emu, &home).arg("list"));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("ACTIVE"));
    assert!(!out.stdout.contains(ESC), "{:?}", out.stdout);
}

#[test]
fn no_color_wins_over_clicolor_force_but_not_over_the_flag() {
    let emu = emulator();
    two_endpoints(&emu);
    let home = scratch_home();
    let out = run(uncoloured_env(&emu, &home)
        .env("NO_COLOR", "1")
        .env("CLICOLOR_FORCE", "1")
        .arg("list"));
    assert!(!out.stdout.contains(ESC), "{:?}", out.stdout);

    let out = run(uncoloured_env(&emu, &home)
        .env("NO_COLOR", "1")
        .args(["list", "--color", "always"]));
    assert!(out.stdout.contains(GREEN_ACTIVE), "{:?}", out.stdout);
    assert!(
        out.stdout.contains("\u{1b}[33mINITIATING\u{1b}[39m"),
        "{:?}",
        out.stdout
    );
}

#[test]
fn clicolor_force_colours_a_pipe_and_never_turns_it_off() {
    let emu = emulator();
    two_endpoints(&emu);
    let home = scratch_home();
    let out = run(uncoloured_env(&emu, &home)
        .env("CLICOLOR_FORCE", "1")
        .arg("list"));
    assert!(out.stdout.contains(GREEN_ACTIVE), "{:?}", out.stdout);

    let out = run(uncoloured_env(&emu, &home)
        .env("CLICOLOR_FORCE", "1")
        .args(["list", "--color", "never"]));
    assert!(!out.stdout.contains(ESC), "{:?}", out.stdout);

    let out = run(uncoloured_env(&emu, &home)
        .env("CLICOLOR_FORCE", "0")
        .arg("list"));
    assert!(!out.stdout.contains(ESC), "{:?}", out.stdout);
}

#[test]
fn machine_formats_are_never_coloured() {
    let emu = emulator();
    two_endpoints(&emu);
    let home = scratch_home();
    for format in ["plain", "json"] {
        let out =
            run(uncoloured_env(&emu, &home).args(["list", "--color", "always", "-o", format]));
        assert_eq!(out.code, 0, "{}", out.stderr);
        assert!(!out.stdout.contains(ESC), "{format}: {:?}", out.stdout);
    }
}

#[test]
fn tables_never_wrap_off_a_terminal_even_with_columns_set() {
    let emu = emulator();
    emu.seed_endpoint(PROJECT, "AWS", "US_EAST_1", "ACTIVE");
    let home = scratch_home();
    let out = run(atlas(&emu, &home).env("COLUMNS", "40").arg("list"));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout.lines().count(), 6, "{}", out.stdout);
    assert!(out.stdout.starts_with("provider: AWS\n"), "{}", out.stdout);
    assert!(out.stdout.lines().skip(1).all(|l| l.chars().count() > 40));
}

/// The terminal path: the binary runs under `script`, which gives it a pseudo-terminal.
#[cfg(target_os = "linux")]
pub(crate) mod on_a_terminal {
    use super::*;
    use std::process::Stdio;

    /// Runs `atlas-ear <args>` on a pseudo-terminal; returns what it printed, `\r\n` undone.
    pub(crate) fn on_pty(
        emu: &Emulator,
        home: &tempfile::TempDir,
        env: &[(&str, &str)],
        args: &str,
    ) -> String {
        let mut cmd = env_command(emu, home, "script");
        cmd.args([
            "-qfec",
            &format!("{} {args}", atlas_binary().display()),
            "/dev/null",
        ])
        .env("TERM", "xterm-256color")
        .envs(env.iter().copied())
        .stdin(Stdio::null());
        let output = cmd.output().expect("script (util-linux) runs");
        assert!(output.status.success(), "{output:?}");
        let text = String::from_utf8(output.stdout)
            .expect("utf-8")
            .replace("\r\n", "\n");
        assert!(!text.contains(atlas_ear_emulator::DEMO_PRIVATE_KEY));
        text
    }

    fn strip_colour(text: &str) -> String {
        text.replace("\u{1b}[32m", "")
            .replace("\u{1b}[33m", "")
            .replace("\u{1b}[31m", "")
            .replace("\u{1b}[39m", "")
    }

    #[test]
    fn statuses_are_coloured_and_the_table_fits() {
        let emu = emulator();
        two_endpoints(&emu);
        let home = scratch_home();
        let text = on_pty(&emu, &home, &[("COLUMNS", "90")], "list");
        assert!(text.contains(GREEN_ACTIVE), "{text:?}");
        let plain = strip_colour(&text);
        assert!(!plain.contains(ESC), "{plain:?}");
        assert!(plain.lines().all(|l| l.chars().count() <= 90), "{plain}");
        let ids: Vec<String> = emu
            .endpoints(PROJECT, "AWS")
            .iter()
            .map(|e| e["id"].as_str().unwrap().to_string())
            .collect();
        for id in ids {
            assert!(plain.contains(&id), "ids stay whole:\n{plain}");
        }
    }

    #[test]
    fn status_fits_50_columns_with_whole_regions_and_statuses() {
        let emu = emulator();
        emu.seed_cluster(
            PROJECT,
            "orders-with-a-long-cluster-name",
            &[
                ("AZURE", "GERMANY_WEST_CENTRAL"),
                ("AZURE", "SOUTH_AFRICA_NORTH"),
            ],
        )
        .unwrap();
        emu.seed_endpoint(
            PROJECT,
            "AZURE",
            "GERMANY_WEST_CENTRAL",
            "PENDING_RECREATION",
        );
        let home = scratch_home();
        let text = strip_colour(&on_pty(
            &emu,
            &home,
            &[("COLUMNS", "50")],
            "status --provider azure",
        ));
        assert!(
            // The table fits; the sentences above and under it are free to be longer.
            text.lines()
                .filter(|l| !l.starts_with("finding") && !l.contains("customer-key"))
                .all(|l| l.chars().count() <= 50),
            "{text}"
        );
        let words: Vec<&str> = text.split_whitespace().collect();
        for key in [
            "GERMANY_WEST_CENTRAL",
            "SOUTH_AFRICA_NORTH",
            "PENDING_RECREATION",
        ] {
            assert!(words.contains(&key), "{key} whole:\n{text}");
        }
    }

    #[test]
    fn list_fits_60_and_80_columns_with_whole_keys_and_free_text() {
        let emu = emulator();
        let error = "The private endpoint could not be created: the AWS account reached its limit of interface endpoints in this region.";
        emu.seed_endpoint(PROJECT, "AWS", "AP_SOUTHEAST_2", "PENDING_RECREATION");
        emu.seed_failed_endpoint(PROJECT, "AWS", "EU_WEST_1", error);
        emu.seed_endpoint(PROJECT, "AWS", "US_EAST_1", "ACTIVE");
        let home = scratch_home();
        let ids: Vec<String> = emu
            .endpoints(PROJECT, "AWS")
            .iter()
            .map(|e| e["id"].as_str().unwrap().to_string())
            .collect();
        for columns in [60, 80] {
            let text = strip_colour(&on_pty(
                &emu,
                &home,
                &[("COLUMNS", &columns.to_string())],
                "list",
            ));
            assert!(
                text.contains(GREEN_ACTIVE) || !text.contains(ESC),
                "{text:?}"
            );
            assert!(
                text.lines().all(|l| l.chars().count() <= columns),
                "{columns}:\n{text}"
            );
            assert!(text.starts_with("provider: AWS\n"), "{columns}:\n{text}");
            let words: Vec<&str> = text.split_whitespace().collect();
            for key in ids.iter().map(String::as_str).chain([
                "AP_SOUTHEAST_2",
                "PENDING_RECREATION",
                "EU_WEST_1",
                "FAILED",
            ]) {
                assert!(words.contains(&key), "{columns}: {key} whole:\n{text}");
            }
            let said: Vec<&str> = words
                .iter()
                .copied()
                .skip_while(|w| *w != "error:")
                .skip(1)
                .take(error.split_whitespace().count())
                .collect();
            assert_eq!(
                said.join(" "),
                error,
                "{columns}: the error, whole:\n{text}"
            );
        }
    }

    #[test]
    fn plan_lines_fit_60_columns_with_the_error_under_its_line() {
        let emu = emulator();
        let error = "The private endpoint could not be created: the AWS account reached its limit of interface endpoints in this region.";
        let failed = emu.seed_failed_endpoint(PROJECT, "AWS", "EU_WEST_1", error);
        emu.seed_endpoint(PROJECT, "AWS", "AP_SOUTHEAST_2", "ACTIVE");
        let home = scratch_home();
        let file = home.path().join("atlas-ear.toml");
        std::fs::write(
            &file,
            format!("[[project]]\nid = \"{PROJECT}\"\naws = [\"EU_WEST_1\", \"AP_SOUTHEAST_2\"]\n"),
        )
        .unwrap();
        let text = on_pty(
            &emu,
            &home,
            &[("COLUMNS", "60")],
            &format!("plan -f {}", file.display()),
        );
        assert!(text.lines().all(|l| l.chars().count() <= 60), "{text}");
        let replace = text
            .lines()
            .find(|l| l.contains("replace"))
            .unwrap_or_else(|| panic!("{text}"));
        for key in ["EU_WEST_1", failed.as_str(), "FAILED:"] {
            assert!(
                replace.split_whitespace().any(|w| w == key),
                "{key}: {replace}"
            );
        }
        let words: Vec<&str> = text.split_whitespace().collect();
        let at = words.iter().position(|w| *w == "FAILED:").unwrap();
        let said = words[at + 1..at + 1 + error.split_whitespace().count()].join(" ");
        assert_eq!(said, error, "{text}");
    }

    #[test]
    fn no_color_is_honoured_on_a_terminal() {
        let emu = emulator();
        two_endpoints(&emu);
        let home = scratch_home();
        let text = on_pty(&emu, &home, &[("NO_COLOR", "1")], "list");
        assert!(text.contains("ACTIVE"), "{text}");
        assert!(!text.contains(ESC), "{text:?}");
        let text = on_pty(&emu, &home, &[], "list --color never");
        assert!(!text.contains(ESC), "{text:?}");
    }
}
