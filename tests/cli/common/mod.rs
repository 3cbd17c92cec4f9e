//! Shared set-up for the integration tests: an emulator on a free port, and the real
//! `atlas-ear` binary pointed at it with a clean environment.
#![allow(dead_code, unused_imports)]

use assert_cmd::Command;
pub use atlas_ear_emulator::{Config, Emulator, Fault, FaultKind, LoggedRequest, Route};
use std::path::PathBuf;
use std::time::Duration;

pub const PROJECT: &str = "32b6e34b3d91647abb20e7b8";
pub const OTHER_PROJECT: &str = "5f1e2d3c4b5a69788796a5b4";

/// Settle time long enough that nothing changes state during a test unless the test waits.
pub const SLOW_SETTLE: Duration = Duration::from_secs(600);

pub fn emulator() -> Emulator {
    emulator_with(|_| {})
}

pub fn emulator_with(adjust: impl FnOnce(&mut Config)) -> Emulator {
    let mut config = Config {
        settle_after: SLOW_SETTLE,
        ..Config::default()
    };
    adjust(&mut config);
    Emulator::start(config).expect("emulator starts")
}

/// A private home for each test so no cache or profile leaks between tests or from the machine.
pub fn scratch_home() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp dir")
}

/// `atlas-ear` with credentials, project and base URL for `emu`, and nothing from the
/// developer's own environment.
pub fn atlas(emu: &Emulator, home: &tempfile::TempDir) -> Command {
    let mut cmd = env_command(emu, home, atlas_binary());
    cmd.env("NO_COLOR", "1");
    let mut cmd = Command::from_std(cmd);
    cmd.timeout(Duration::from_secs(120));
    cmd
}

/// `atlas-ear` with an empty environment apart from PATH and a scratch home.
pub fn bare(home: &tempfile::TempDir) -> Command {
    let mut cmd = std::process::Command::new(atlas_binary());
    clean_environment(&mut cmd, home);
    cmd.env("NO_COLOR", "1");
    let mut cmd = Command::from_std(cmd);
    cmd.timeout(Duration::from_secs(120));
    cmd
}

/// Nothing from the developer's environment but PATH; home, config and cache in `home`.
/// `APPDATA` and `LOCALAPPDATA` are Windows' names for the config and cache folders, so the same
/// `home/config` and `home/cache` layout holds there; Windows also needs `SystemRoot` kept, or
/// no socket can be opened (Winsock loads its providers from there).
pub fn clean_environment(cmd: &mut std::process::Command, home: &tempfile::TempDir) {
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("XDG_CACHE_HOME", home.path().join("cache"))
        .env("APPDATA", home.path().join("config"))
        .env("LOCALAPPDATA", home.path().join("cache"));
    if cfg!(windows) {
        for kept in ["SystemRoot", "SystemDrive", "USERPROFILE", "TEMP", "TMP"] {
            if let Some(value) = std::env::var_os(kept) {
                cmd.env(kept, value);
            }
        }
    }
}

/// The folder of a scratch home where the binary looks for `atlascli/config.toml`: `config`
/// (through `XDG_CONFIG_HOME`, or `APPDATA` on Windows); macOS has no variable for it, so there
/// it is `Library/Application Support`, as for the Atlas CLI.
pub fn config_root(home: &tempfile::TempDir) -> PathBuf {
    if cfg!(target_os = "macos") {
        home.path().join("Library").join("Application Support")
    } else {
        home.path().join("config")
    }
}

/// The folder of a scratch home that holds `atlas-ear/` with both caches: `cache` (through
/// `XDG_CACHE_HOME`, or `LOCALAPPDATA` on Windows); `Library/Caches` on macOS.
pub fn cache_root(home: &tempfile::TempDir) -> PathBuf {
    if cfg!(target_os = "macos") {
        home.path().join("Library").join("Caches")
    } else {
        home.path().join("cache")
    }
}

/// What one run printed, with the guarantee already checked that no secret leaked.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

pub fn run(cmd: &mut Command) -> Run {
    let output = cmd.output().expect("binary runs");
    let run = Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    };
    assert_no_secret(&run);
    run
}

/// Every secret the tests hand the binary; none may ever appear in what it prints.
pub const SECRETS: &[&str] = &[
    atlas_ear_emulator::DEMO_PRIVATE_KEY,
    atlas_ear_emulator::DEMO_CLIENT_SECRET,
    "wrong-private-key-sentinel-0451",
];

pub fn assert_no_secret(run: &Run) {
    for secret in SECRETS {
        assert!(
            !run.stdout.contains(secret) && !run.stderr.contains(secret),
            "a secret leaked into the output:\nstdout: {}\nstderr: {}",
            run.stdout,
            run.stderr
        );
    }
    assert!(
        !run.stderr.contains("Authorization: Digest") && !run.stderr.contains("response=\""),
        "an Authorization header leaked: {}",
        run.stderr
    );
    assert!(!run.stderr.contains("panicked"), "panic: {}", run.stderr);
}

/// Requests to the API itself (the token endpoint excluded).
/// The authenticated requests as `METHOD PROVIDER[ list] STATUS` (`GET AZURE list 200`), or
/// `GET config 200` for the encryption-at-rest configuration: a short record of what a command
/// sent, in order, to compare whole.
pub fn sent(emu: &Emulator) -> Vec<String> {
    api_requests(emu)
        .iter()
        .filter(|r| r.is_authenticated())
        .map(|r| {
            let provider = if r.path.ends_with("/encryptionAtRest") {
                "config"
            } else if r.path.contains("/AZURE/") {
                "AZURE"
            } else {
                "AWS"
            };
            let list = if r.query.is_some() { " list" } else { "" };
            format!("{} {provider}{list} {}", r.method, r.status)
        })
        .collect()
}

pub fn api_requests(emu: &Emulator) -> Vec<LoggedRequest> {
    emu.requests()
        .into_iter()
        .filter(|r| r.path.starts_with("/api/atlas/"))
        .collect()
}

pub fn collection_path(provider: &str) -> String {
    format!("/api/atlas/v2/groups/{PROJECT}/encryptionAtRest/{provider}/privateEndpoints")
}

pub fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

/// A `std::process::Command` running `program` with the same clean environment as [`atlas`]
/// (for tests that need a pipe, a pseudo-terminal or a signal, which assert_cmd cannot give).
/// `program` is the binary itself, or a wrapper such as `script` that runs it on a terminal.
pub fn env_command(
    emu: &Emulator,
    home: &tempfile::TempDir,
    program: impl AsRef<std::ffi::OsStr>,
) -> std::process::Command {
    let mut cmd = std::process::Command::new(program);
    clean_environment(&mut cmd, home);
    cmd.env("MONGODB_ATLAS_BASE_URL", emu.base_url())
        .env(
            "MONGODB_ATLAS_PUBLIC_API_KEY",
            atlas_ear_emulator::DEMO_PUBLIC_KEY,
        )
        .env(
            "MONGODB_ATLAS_PRIVATE_API_KEY",
            atlas_ear_emulator::DEMO_PRIVATE_KEY,
        )
        .env("MONGODB_ATLAS_PROJECT_ID", PROJECT);
    cmd
}

/// The path of the `atlas-ear` binary under test.
pub fn atlas_binary() -> PathBuf {
    assert_cmd::cargo::cargo_bin("atlas-ear")
}
