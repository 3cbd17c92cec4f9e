//! Files only the user may read, for the two caches that hold credentials-adjacent data (the
//! service-account token and the digest challenge): a 0700 directory, 0600 files, and atomic
//! replacement so a reader sees the old contents or the new, never half a file.
//!
//! A cache is trusted only if its owner alone can have put it there. Before anything is read
//! from or written to a cache, its directory and the tool's folder above it (`atlas-ear/`) must
//! be real directories, not symbolic links, owned by the effective user, with no permission bits
//! for group or others; a file must be a regular file, not a symbolic link, owned by the same
//! user, with no permission bits for group or others. Nothing here follows a symbolic link to
//! decide: `symlink_metadata` looks at the link itself, and an opened file must be the very file
//! that was checked. A refusal is an error of kind `PermissionDenied` saying which check failed.
//!
//! On Windows, where ownership and modes do not map onto these bits, "only this user" means
//! the user's profile: the caches live under the local application data folder
//! (`%LOCALAPPDATA%`, FOLDERID_LocalAppData), whose access control list, inherited by every
//! folder and file created beneath it, grants access to that user (and to SYSTEM and the
//! administrators, who can read everything anyway, as root can on Unix) and to no other user.
//! So a cache directory is trusted only when, with every short name and link resolved, it lies
//! inside the profile folder Windows reports for the user running this (FOLDERID_Profile, not an
//! environment variable); one redirected elsewhere, say to a shared drive, is refused like a
//! 0755 directory on Unix. Links and junctions are refused on every platform.

use std::fs::{self, File, Metadata, OpenOptions};
use std::io::{self, Write};
use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

/// Whether the cache directory `dir` and the folder above it may be used: `Ok(true)` when both
/// exist and pass the checks, `Ok(false)` when either does not exist yet, an error saying why
/// when one is not trusted.
pub fn check_dir(dir: &Path) -> io::Result<bool> {
    for level in levels(dir) {
        match fs::symlink_metadata(level) {
            Ok(metadata) => trust_dir(level, &metadata)?,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(false),
            Err(e) => return Err(e),
        }
    }
    Ok(true)
}

/// Creates `dir` and the folder above it (and their parents) with mode 0700 where they do not
/// exist yet, then checks both as [`check_dir`] does. Nothing is created inside a folder that
/// fails the checks, so a symbolic link planted in place of the tool's folder gains nothing.
pub fn ensure_dir(dir: &Path) -> io::Result<()> {
    for level in levels(dir) {
        match fs::symlink_metadata(level) {
            Ok(_) => {}
            // Recursive creation succeeds if a concurrent run created it meanwhile; it is
            // checked below like any other.
            Err(e) if e.kind() == io::ErrorKind::NotFound => create_dir(level)?,
            Err(e) => return Err(e),
        }
        trust_dir(level, &fs::symlink_metadata(level)?)?;
    }
    Ok(())
}

/// Whether the file `path` may be read: `Ok(true)` when it passes the checks, `Ok(false)` when
/// it does not exist, an error saying why when it is not trusted.
pub fn check_file(path: &Path) -> io::Result<bool> {
    match fs::symlink_metadata(path) {
        Ok(metadata) => trust_file(path, &metadata).map(|()| true),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(e),
    }
}

/// Opens an existing cache file for reading, `None` when there is none. The file is checked
/// before it is opened (so a FIFO or device is never opened) and again once open, so it is the
/// very file that passed.
pub fn open_existing(path: &Path) -> io::Result<Option<File>> {
    if !check_file(path)? {
        return Ok(None);
    }
    let file = File::open(path)?;
    verify_opened(path, &file)?;
    Ok(Some(file))
}

/// Opens `path` for reading and writing with mode 0600 if it is created; with `new`, it must
/// not exist yet (which also refuses a symbolic link in its place). An existing file is checked
/// before it is opened and the opened file is checked again.
pub fn open(path: &Path, new: bool) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.read(true).write(true);
    if new {
        options.create_new(true);
    } else {
        // Refuses a symbolic link before `create` could make its target.
        check_file(path)?;
        options.create(true).truncate(false);
    }
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let file = options.open(path)?;
    verify_opened(path, &file)?;
    Ok(file)
}

/// Replaces `path` with `contents`: a new 0600 file beside it, renamed over it, in a directory
/// that passes [`check_dir`]. A file that failed the checks is thereby replaced, not reused
/// (renaming replaces a symbolic link itself, never its target).
pub fn replace(path: &Path, contents: &[u8]) -> io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    if !check_dir(dir)? {
        return Err(io::Error::new(
            io::ErrorKind::NotFound,
            format!("{} does not exist", dir.display()),
        ));
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temporary = dir.join(format!(
        ".{name}.{}.{:08x}.tmp",
        std::process::id(),
        fastrand::u32(..)
    ));
    let written = open(&temporary, true)
        .and_then(|mut file| file.write_all(contents))
        .and_then(|()| fs::rename(&temporary, path));
    if written.is_err() {
        let _ = fs::remove_file(&temporary);
    }
    written
}

/// Seconds since the Unix epoch; 0 if the clock is before it (entries then look expired).
pub fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// The tool's folder above a cache directory, then the cache directory itself.
fn levels(dir: &Path) -> impl Iterator<Item = &Path> {
    dir.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .into_iter()
        .chain([dir])
}

/// Creates one directory with mode 0700 (and any missing parents, with the same mode).
fn create_dir(dir: &Path) -> io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

fn refused(path: &Path, why: impl std::fmt::Display) -> io::Error {
    io::Error::new(
        io::ErrorKind::PermissionDenied,
        format!("{} {why}", path.display()),
    )
}

/// A directory the effective user alone can change: not a link, theirs, no group/other bits.
fn trust_dir(path: &Path, metadata: &Metadata) -> io::Result<()> {
    if metadata.file_type().is_symlink() {
        return Err(refused(path, "is a symbolic link, not a directory"));
    }
    if !metadata.is_dir() {
        return Err(refused(path, "is not a directory"));
    }
    trust_owner_and_mode(path, metadata, "0700")
}

/// A file the effective user alone can read or change: not a link, theirs, no group/other bits.
fn trust_file(path: &Path, metadata: &Metadata) -> io::Result<()> {
    if metadata.file_type().is_symlink() {
        return Err(refused(path, "is a symbolic link, not a file"));
    }
    if !metadata.is_file() {
        return Err(refused(path, "is not a regular file"));
    }
    trust_owner_and_mode(path, metadata, "0600")
}

#[cfg(unix)]
fn trust_owner_and_mode(path: &Path, metadata: &Metadata, wanted: &str) -> io::Result<()> {
    use std::os::unix::fs::MetadataExt;
    let me = effective_uid();
    if metadata.uid() != me {
        return Err(refused(
            path,
            format!(
                "is owned by uid {}, not by uid {me} running this",
                metadata.uid()
            ),
        ));
    }
    let mode = metadata.mode() & 0o7777;
    if mode & 0o077 != 0 {
        return Err(refused(
            path,
            format!("has mode {mode:04o}; group and others must have no access ({wanted})"),
        ));
    }
    Ok(())
}

/// On Windows a directory must lie inside the user's profile, whose inherited access list
/// keeps other users out (see the module comment); a file is trusted when its directory is.
#[cfg(not(unix))]
fn trust_owner_and_mode(path: &Path, metadata: &Metadata, _wanted: &str) -> io::Result<()> {
    if !metadata.is_dir() {
        return Ok(());
    }
    // Resolved once per process: every cache operation checks two folders.
    static PROFILE: std::sync::OnceLock<Option<std::path::PathBuf>> = std::sync::OnceLock::new();
    let profile = PROFILE.get_or_init(|| dirs::home_dir().and_then(|p| fs::canonicalize(p).ok()));
    let Some(profile) = profile else {
        return Err(refused(
            path,
            "cannot be checked: the user's profile folder is unknown",
        ));
    };
    if within(profile, &fs::canonicalize(path)?) {
        Ok(())
    } else {
        Err(refused(
            path,
            format!(
                "is outside the user's profile {}; other users may be able to read it",
                profile.display()
            ),
        ))
    }
}

/// Whether `path` is `folder` or lies beneath it, comparing names as Windows does (without
/// regard to case). Both must already be resolved (`fs::canonicalize`), so short names, `..`
/// and links cannot disguise where a path leads.
#[cfg(any(windows, test))]
fn within(folder: &Path, path: &Path) -> bool {
    let names = |p: &Path| -> Vec<String> {
        p.components()
            .map(|c| c.as_os_str().to_string_lossy().to_lowercase())
            .collect()
    };
    let (folder, path) = (names(folder), names(path));
    path.len() >= folder.len() && path[..folder.len()] == folder[..]
}

/// The opened file is the one `path` names now, and passes the file checks: nothing swapped it
/// between the check and the open.
fn verify_opened(path: &Path, file: &File) -> io::Result<()> {
    let named = fs::symlink_metadata(path)?;
    trust_file(path, &named)?;
    let opened = file.metadata()?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if (opened.dev(), opened.ino()) != (named.dev(), named.ino()) {
            return Err(refused(path, "changed while it was being opened"));
        }
    }
    trust_file(path, &opened)
}

#[cfg(unix)]
fn effective_uid() -> u32 {
    // SAFETY: geteuid has no preconditions, touches no memory of ours and cannot fail.
    unsafe { libc::geteuid() }
}

#[cfg(test)]
mod any_platform_tests {
    use super::*;

    #[test]
    fn within_compares_whole_names_without_regard_to_case() {
        let profile = Path::new("/Users/Ada");
        assert!(within(
            profile,
            Path::new("/users/ada/AppData/Local/atlas-ear")
        ));
        assert!(within(profile, Path::new("/Users/Ada")));
        assert!(!within(profile, Path::new("/Users/Adam/AppData")));
        assert!(!within(profile, Path::new("/Users")));
        assert!(!within(profile, Path::new("/Shared/atlas-ear")));
    }
}

/// The Windows rule on a real file system: the test's temporary folder is inside the profile
/// (where Windows puts `%TEMP%`), so a cache there is created and trusted.
#[cfg(all(test, windows))]
mod windows_tests {
    use super::*;

    #[test]
    fn a_cache_inside_the_profile_is_created_and_trusted() {
        let home = tempfile::tempdir().unwrap();
        let dir = home.path().join("cache").join("atlas-ear").join("tokens");
        ensure_dir(&dir).unwrap();
        assert!(check_dir(&dir).unwrap());
        let file = dir.join("f.json");
        replace(&file, b"x").unwrap();
        assert!(open_existing(&file).unwrap().is_some());
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn set_mode(path: &Path, mode: u32) {
        fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
    }

    #[test]
    fn a_private_tree_is_created_and_trusted() {
        let home = tempfile::tempdir().unwrap();
        let dir = home.path().join("cache").join("atlas-ear").join("tokens");
        assert!(!check_dir(&dir).unwrap());
        ensure_dir(&dir).unwrap();
        assert!(check_dir(&dir).unwrap());
        let file = dir.join("f.json");
        replace(&file, b"x").unwrap();
        assert!(check_file(&file).unwrap());
        assert!(open_existing(&file).unwrap().is_some());
        assert!(open_existing(&dir.join("absent")).unwrap().is_none());
    }

    #[test]
    fn directories_others_could_change_are_refused() {
        let home = tempfile::tempdir().unwrap();
        let dir = home.path().join("atlas-ear").join("challenges");
        ensure_dir(&dir).unwrap();
        set_mode(&dir, 0o755);
        let error = check_dir(&dir).unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::PermissionDenied);
        assert!(error.to_string().contains("has mode 0755"), "{error}");
        assert!(replace(&dir.join("f"), b"x").is_err());
        set_mode(&dir, 0o700);
        set_mode(dir.parent().unwrap(), 0o770);
        assert!(
            ensure_dir(&dir).is_err(),
            "the tool's folder is checked too"
        );
    }

    #[test]
    fn symbolic_links_are_never_followed() {
        let home = tempfile::tempdir().unwrap();
        let elsewhere = tempfile::tempdir().unwrap();
        set_mode(elsewhere.path(), 0o700);
        let tool = home.path().join("atlas-ear");
        std::os::unix::fs::symlink(elsewhere.path(), &tool).unwrap();
        let dir = tool.join("tokens");
        let error = ensure_dir(&dir).unwrap_err();
        assert!(error.to_string().contains("symbolic link"), "{error}");
        assert!(
            fs::read_dir(elsewhere.path()).unwrap().next().is_none(),
            "nothing was created through the link"
        );

        let real = home.path().join("real").join("tokens");
        ensure_dir(&real).unwrap();
        let target = real.join("target.json");
        replace(&target, b"x").unwrap();
        let link = real.join("link.json");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        assert!(check_file(&link).is_err());
        assert!(open_existing(&link).is_err());
        assert!(open(&link, false).is_err());
    }

    #[test]
    fn files_others_could_read_are_refused_and_replaced() {
        let home = tempfile::tempdir().unwrap();
        let dir = home.path().join("atlas-ear").join("tokens");
        ensure_dir(&dir).unwrap();
        let file = dir.join("f.json");
        replace(&file, b"old").unwrap();
        set_mode(&file, 0o640);
        assert!(open_existing(&file).is_err());
        replace(&file, b"new").unwrap();
        assert!(check_file(&file).unwrap());
        assert_eq!(fs::read(&file).unwrap(), b"new");
    }

    #[test]
    fn files_of_another_user_are_refused() {
        if effective_uid() != 0 {
            eprintln!("not root: cannot give a file to another user, so this is not checked");
            return;
        }
        let home = tempfile::tempdir().unwrap();
        let dir = home.path().join("atlas-ear").join("tokens");
        ensure_dir(&dir).unwrap();
        let file = dir.join("f.json");
        replace(&file, b"x").unwrap();
        std::os::unix::fs::chown(&file, Some(65534), None).unwrap();
        let error = open_existing(&file).unwrap_err();
        assert!(error.to_string().contains("owned by uid 65534"), "{error}");
        std::os::unix::fs::chown(&dir, Some(65534), None).unwrap();
        assert!(check_dir(&dir).is_err());
    }
}
