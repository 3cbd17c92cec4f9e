//! A pseudo-terminal for tests that need the binary to see a real terminal without `script`.
#![allow(dead_code)]

pub mod screen;

use std::os::fd::{FromRawFd, OwnedFd};

/// A pseudo-terminal pair (controller, terminal), 120 columns by 40 rows.
pub fn open_pty() -> (OwnedFd, OwnedFd) {
    let (mut controller, mut terminal) = (-1, -1);
    let mut size = libc::winsize {
        ws_row: 40,
        ws_col: 120,
        ws_xpixel: 0,
        ws_ypixel: 0,
    };
    // SAFETY: openpty writes two new file descriptors into the given integers and reads the size;
    // the null pointers ask for no name and default terminal settings.
    let rc = unsafe {
        libc::openpty(
            &mut controller,
            &mut terminal,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            &raw mut size,
        )
    };
    assert_eq!(rc, 0, "openpty failed");
    // SAFETY: both descriptors were just opened for us and nothing else owns them.
    unsafe {
        (
            OwnedFd::from_raw_fd(controller),
            OwnedFd::from_raw_fd(terminal),
        )
    }
}
