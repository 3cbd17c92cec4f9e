//! Caches trust only their owner: a challenge or token file that belongs to another user is not
//! used, and a cache directory that is a symbolic link (here into a world-writable folder) or
//! open to others is neither read nor written. Each time the run still succeeds and pays for its
//! own handshake or token, and `-v` says why.
//! Unix only: owners, modes and symbolic links as Unix has them; the Windows rule (inside the
//! user's profile) is tested in `src/auth/private_file.rs`.
#![cfg(unix)]

use crate::common;
use atlas_ear_emulator::{DEMO_CLIENT_ID, DEMO_CLIENT_SECRET};
use common::*;
use std::os::unix::fs::{DirBuilderExt, MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// A uid that is not the one running the tests (`nobody` on most systems).
const OTHER_UID: u32 = 65534;

/// Giving a file to another user needs root; CI runs as root, elsewhere the test says so.
fn can_chown(test: &str) -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    let root = unsafe { libc::geteuid() } == 0;
    if !root {
        eprintln!(
            "{test}: not running as root, so a file cannot be given to another user; not checked"
        );
    }
    root
}

fn tool_folder(home: &tempfile::TempDir) -> PathBuf {
    cache_root(home).join("atlas-ear")
}

/// The one `.json` entry in `dir`.
fn only_entry(dir: &Path) -> PathBuf {
    let files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("the cache directory exists")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    files[0].clone()
}

/// A folder anyone may write to, as a symbolic link in a cache's place would lead to.
fn world_writable() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
    dir
}

fn assert_empty(dir: &Path) {
    let names: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert!(names.is_empty(), "written through the link: {names:?}");
}

/// The tool's folder as a first run would have made it (0700), for a link to be planted in.
fn private_tool_folder(home: &tempfile::TempDir) -> PathBuf {
    let folder = tool_folder(home);
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(&folder)
        .unwrap();
    folder
}

/// Runs `list -v` with an API key and returns the statuses of the API requests it cost.
fn list_statuses(emu: &Emulator, home: &tempfile::TempDir, stderr_has: &str) -> Vec<u16> {
    emu.clear_requests();
    let out = run(atlas(emu, home).args(["list", "-v"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr.contains(stderr_has),
        "{stderr_has}: {}",
        out.stderr
    );
    api_requests(emu).iter().map(|r| r.status).collect()
}

#[test]
fn a_challenge_file_of_another_user_is_not_used() {
    if !can_chown("a_challenge_file_of_another_user_is_not_used") {
        return;
    }
    let emu = emulator();
    let home = scratch_home();
    assert_eq!(list_statuses(&emu, &home, ""), vec![401, 200]);
    let file = only_entry(&tool_folder(&home).join("challenges"));
    std::os::unix::fs::chown(&file, Some(OTHER_UID), None).unwrap();
    assert_eq!(std::fs::metadata(&file).unwrap().mode() & 0o777, 0o600);

    let statuses = list_statuses(&emu, &home, "is owned by uid 65534");
    assert_eq!(statuses, vec![401, 200], "not trusted: its own handshake");
    assert_ne!(
        std::fs::metadata(&file).unwrap().uid(),
        OTHER_UID,
        "replaced by the run's own challenge"
    );
    assert_eq!(list_statuses(&emu, &home, ""), vec![200]);
}

#[test]
fn a_symlinked_challenge_directory_is_not_followed() {
    let emu = emulator();
    let home = scratch_home();
    let world = world_writable();
    let folder = private_tool_folder(&home);
    std::os::unix::fs::symlink(world.path(), folder.join("challenges")).unwrap();
    for _ in 0..2 {
        let statuses = list_statuses(&emu, &home, "is a symbolic link");
        assert_eq!(statuses, vec![401, 200], "no cache: a handshake each run");
    }
    assert_empty(world.path());
}

#[test]
fn a_symlinked_tool_folder_is_not_followed() {
    let emu = emulator();
    let home = scratch_home();
    let world = world_writable();
    let cache = cache_root(&home);
    std::fs::create_dir_all(&cache).unwrap();
    std::os::unix::fs::symlink(world.path(), cache.join("atlas-ear")).unwrap();
    assert_eq!(
        list_statuses(&emu, &home, "is a symbolic link"),
        vec![401, 200]
    );
    let out = run(service_account(&emu, &home).args(["list", "-v"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_empty(world.path());
}

#[test]
fn a_challenge_directory_open_to_others_is_not_used() {
    let emu = emulator();
    let home = scratch_home();
    assert_eq!(list_statuses(&emu, &home, ""), vec![401, 200]);
    let dir = tool_folder(&home).join("challenges");
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(list_statuses(&emu, &home, "has mode 0755"), vec![401, 200]);
}

/// `atlas-ear` with a service account (and no API key) for `emu`.
fn service_account(emu: &Emulator, home: &tempfile::TempDir) -> assert_cmd::Command {
    let mut cmd = bare(home);
    cmd.env("MONGODB_ATLAS_BASE_URL", emu.base_url())
        .env("MONGODB_ATLAS_CLIENT_ID", DEMO_CLIENT_ID)
        .env("MONGODB_ATLAS_CLIENT_SECRET", DEMO_CLIENT_SECRET)
        .env("MONGODB_ATLAS_PROJECT_ID", PROJECT);
    cmd
}

#[test]
fn a_token_file_of_another_user_is_not_used() {
    if !can_chown("a_token_file_of_another_user_is_not_used") {
        return;
    }
    let emu = emulator();
    let home = scratch_home();
    assert_eq!(run(service_account(&emu, &home).arg("list")).code, 0);
    assert_eq!(emu.tokens_issued(), 1);
    let file = only_entry(&tool_folder(&home).join("tokens"));
    std::os::unix::fs::chown(&file, Some(OTHER_UID), None).unwrap();

    let out = run(service_account(&emu, &home).args(["list", "-v"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr.contains("is owned by uid 65534"),
        "{}",
        out.stderr
    );
    assert_eq!(emu.tokens_issued(), 2, "one token request of its own");
}

#[test]
fn a_symlinked_token_directory_is_not_followed() {
    let emu = emulator();
    let home = scratch_home();
    let world = world_writable();
    let folder = private_tool_folder(&home);
    std::os::unix::fs::symlink(world.path(), folder.join("tokens")).unwrap();
    for _ in 0..2 {
        let out = run(service_account(&emu, &home).args(["list", "-v"]));
        assert_eq!(out.code, 0, "{}", out.stderr);
        assert!(out.stderr.contains("is a symbolic link"), "{}", out.stderr);
    }
    assert_eq!(emu.tokens_issued(), 2, "no cache: a token each run");
    assert_empty(world.path());
}
