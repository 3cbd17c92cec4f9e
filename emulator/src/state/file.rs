//! The state file on disk: read once at start, written atomically (a temporary file beside it,
//! then a rename) so a crash or a reader never sees half a document.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::model::snapshot::{FORMAT, StateDocument, VERSION};

/// An error about the state file, naming it.
pub(crate) fn problem(path: &Path, why: impl std::fmt::Display) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("state file {}: {why}", path.display()),
    )
}

/// The document in `path`, or `None` when there is no such file yet.
pub(crate) fn read(path: &Path) -> io::Result<Option<StateDocument>> {
    let bytes = match fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(problem(path, format_args!("cannot read it: {e}"))),
    };
    let document: StateDocument = serde_json::from_slice(&bytes).map_err(|e| {
        problem(
            path,
            format_args!(
                "not a state file of atlas-ear-emulator ({e}); move it away or name another file"
            ),
        )
    })?;
    if document.format != FORMAT || document.version != VERSION {
        return Err(problem(
            path,
            format_args!(
                "format {:?} version {} is not {FORMAT:?} version {VERSION}",
                document.format, document.version
            ),
        ));
    }
    Ok(Some(document))
}

/// Replaces `path` with `bytes` atomically.
pub(crate) fn write(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let temporary = temporary_path(path);
    let written = (|| {
        let mut file = fs::File::create(&temporary)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        fs::rename(&temporary, path)
    })();
    written.map_err(|e| {
        let _ = fs::remove_file(&temporary);
        problem(path, format_args!("cannot write it: {e}"))
    })
}

/// `FILE.tmp-PID` in the same directory, so the rename never crosses file systems.
fn temporary_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(format!(".tmp-{}", std::process::id()));
    path.with_file_name(name)
}
