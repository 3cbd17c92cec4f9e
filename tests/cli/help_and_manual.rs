//! Help texts, shell completions and the manual page, as the binary prints them.

use crate::common;
use common::*;
#[cfg(unix)]
use std::process::Command as Process;

fn stdout_of(args: &[&str]) -> String {
    let home = scratch_home();
    let out = run(bare(&home).args(args));
    assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
    assert_eq!(out.stderr, "");
    out.stdout
}

const COMMANDS: [&str; 11] = [
    "create",
    "list",
    "get",
    "delete",
    "wait",
    "status",
    "regions",
    "config",
    "config show",
    "completions",
    "man",
];

#[test]
fn help_texts() {
    let top = stdout_of(&["--help"]);
    for section in ["\nExamples:\n", "\nEnvironment", "\nExit codes:\n"] {
        assert!(top.contains(section), "{section} missing");
    }
    insta::assert_snapshot!("help_top", top);
    insta::assert_snapshot!("help_top_short", stdout_of(&["-h"]));
    for command in COMMANDS {
        let mut args: Vec<&str> = command.split(' ').collect();
        args.push("--help");
        let text = stdout_of(&args);
        let examples = text
            .rsplit_once("\nExamples:\n")
            .unwrap_or_else(|| panic!("{command} --help has no examples"))
            .1;
        assert!(examples.contains("# CI"), "{command}: {examples}");
        assert!(
            !examples.contains("\n\n"),
            "{command}: examples are the last section"
        );
        insta::assert_snapshot!(format!("help_{}", command.replace(' ', "_")), text);
    }
}

/// A command's own options come first; the ones every command accepts follow under their own
/// heading, as gh shows inherited flags.
#[test]
fn own_options_first_then_global_options() {
    for (command, own, global) in [
        (
            vec!["create", "--help"],
            "--region <REGION>",
            "--project-id <ID>",
        ),
        (vec!["wait", "-h"], "--timeout <DURATION>", "--dry-run"),
        (
            vec!["config", "show", "--help"],
            "-h, --help",
            "--output <FORMAT>",
        ),
    ] {
        let text = stdout_of(&command);
        let (mine, inherited) = text
            .split_once("\nGlobal options:\n")
            .unwrap_or_else(|| panic!("{command:?}: no Global options heading:\n{text}"));
        assert!(mine.contains("\nOptions:\n"), "{command:?}:\n{text}");
        assert!(
            mine.contains(own) && !inherited.contains(own),
            "{command:?}:\n{text}"
        );
        assert!(
            inherited.contains(global) && !mine.contains(global),
            "{command:?}:\n{text}"
        );
    }
    let top = stdout_of(&["--help"]);
    let (options, global) = top.split_once("\nGlobal options:\n").expect("heading");
    assert!(
        options.contains("-V, --version") && global.contains("--project-id"),
        "{top}"
    );
}

/// `create --help` at 80 columns (`COLUMNS`, which clap reads when stdout is not a terminal).
#[test]
fn create_help_at_80_columns() {
    let home = scratch_home();
    let out = run(bare(&home).env("COLUMNS", "80").args(["create", "--help"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.lines().all(|l| l.chars().count() <= 80),
        "{}",
        out.stdout
    );
    insta::assert_snapshot!(out.stdout);
}

#[test]
fn the_manual_has_options_and_global_options() {
    let page = stdout_of(&["man"]);
    let options = page.find("\n.SH OPTIONS\n").expect("OPTIONS");
    let global = page
        .find("\n.SH \"GLOBAL OPTIONS\"\n")
        .expect("GLOBAL OPTIONS");
    let commands = page.find("\n.SH COMMANDS\n").expect("COMMANDS");
    assert!(options < global && global < commands);
    let global_section = &page[global..commands];
    let rest = &page[commands + 1..];
    let rest = &rest[rest.find("\n.SS ").expect("a command") + 1..];
    let create = &rest[..rest.find("\n.SS ").expect("the next command")];
    assert!(create.starts_with(".SS \"atlas\\-ear create"), "{create}");
    assert!(
        global_section.contains("\\-\\-project\\-id"),
        "{global_section}"
    );
    assert!(!page[options..global].contains("project\\-id"));
    assert!(
        create.contains("\\-\\-region") && !create.contains("project\\-id"),
        "{create}"
    );
    assert!(
        create.contains("Global options: every option under GLOBAL OPTIONS."),
        "{create}"
    );
}

#[test]
fn completions_for_every_shell() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let script = stdout_of(&["completions", shell]);
        assert!(script.len() > 1000, "{shell}: too short");
        for word in ["create", "list", "delete", "dry-run", "jq", "no-headers"] {
            assert!(script.contains(word), "{shell} completion lacks {word}");
        }
        insta::assert_snapshot!(format!("completions_{shell}"), script);
    }
}

/// Unix only: it needs bash itself (on Windows `bash` may be WSL's, which cannot read the
/// temporary folder's Windows path).
#[cfg(unix)]
#[test]
fn bash_completion_loads() {
    let home = scratch_home();
    let script = stdout_of(&["completions", "bash"]);
    let path = home.path().join("atlas-ear.bash");
    std::fs::write(&path, &script).unwrap();
    let syntax = Process::new("bash").arg("-n").arg(&path).output().unwrap();
    assert!(syntax.status.success(), "{syntax:?}");
    // Sourcing it registers the completion function for the command.
    let loaded = Process::new("bash")
        .arg("-c")
        .arg(format!(
            "source {} && complete -p atlas-ear",
            path.display()
        ))
        .output()
        .unwrap();
    assert!(loaded.status.success(), "{loaded:?}");
    assert!(String::from_utf8_lossy(&loaded.stdout).contains("atlas-ear"));
}

#[test]
fn manual_page() {
    let page = stdout_of(&["man"]);
    assert!(page.starts_with(".ie") || page.starts_with(".TH"), "roff");
    for section in [
        ".SH NAME",
        ".SH SYNOPSIS",
        ".SH OPTIONS",
        ".SH COMMANDS",
        ".SH \"EXAMPLES\"",
        ".SH \"ENVIRONMENT\"",
        ".SH \"EXIT STATUS\"",
    ] {
        assert!(page.contains(section), "{section} missing");
    }
    insta::assert_snapshot!("man_page", page);
}

#[test]
fn completions_and_manual_ignore_a_broken_environment() {
    let home = scratch_home();
    for args in [&["completions", "bash"][..], &["man"][..]] {
        let out = run(bare(&home)
            .env("MONGODB_ATLAS_BASE_URL", "ftp://nowhere")
            .env("MONGODB_ATLAS_PROJECT_ID", "not-an-id")
            .args(args));
        assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
        assert!(!out.stdout.is_empty());
    }
}
