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

const COMMANDS: [&str; 10] = [
    "create",
    "list",
    "get",
    "delete",
    "wait",
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
