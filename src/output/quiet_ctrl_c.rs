//! Keeps a typed Ctrl-C from adding a line under the live progress lines.
//!
//! The live lines are redrawn in place by moving the cursor up over as many lines as were
//! drawn, and the last one is padded to the terminal's width so that whatever is printed next
//! starts on a line of its own. When Ctrl-C is typed, the terminal echoes `^C` at the cursor,
//! which at the right edge wraps onto a new line: the redraw then starts one line too low, and
//! the first live line stays on screen, stale, above the report. While live lines are shown,
//! the terminal is told not to spell control characters (`ECHOCTL` off), so Ctrl-C still stops
//! the wait but echoes nothing visible; the setting is restored when the live lines end.
//!
//! Only a process in the terminal's foreground changes its settings: from the background,
//! changing them would stop the process (SIGTTOU).

/// The terminal settings to restore, while control characters are not echoed.
pub struct QuietCtrlC {
    #[cfg(unix)]
    restore: Option<libc::termios>,
}

impl QuietCtrlC {
    /// Turns off the echo of control characters on the terminal of stderr, when stderr is a
    /// terminal this process has in the foreground; otherwise does nothing.
    pub fn on_stderr() -> QuietCtrlC {
        #[cfg(unix)]
        {
            QuietCtrlC {
                restore: unix::quiet(libc::STDERR_FILENO),
            }
        }
        #[cfg(not(unix))]
        {
            QuietCtrlC {}
        }
    }
}

impl Drop for QuietCtrlC {
    fn drop(&mut self) {
        #[cfg(unix)]
        if let Some(settings) = &self.restore {
            unix::set(libc::STDERR_FILENO, settings);
        }
    }
}

#[cfg(unix)]
mod unix {
    use std::mem::MaybeUninit;

    /// Clears `ECHOCTL` on the terminal `fd` and returns the settings to restore, or `None`
    /// when `fd` is not a terminal in this process's foreground or nothing had to change.
    pub fn quiet(fd: libc::c_int) -> Option<libc::termios> {
        // SAFETY: plain calls on a descriptor this process holds; `getpgrp` cannot fail.
        let foreground = unsafe { libc::tcgetpgrp(fd) == libc::getpgrp() };
        if !foreground {
            return None;
        }
        let mut current = MaybeUninit::<libc::termios>::uninit();
        // SAFETY: `tcgetattr` fills the struct when it returns 0, and only then is it read.
        let original = unsafe {
            if libc::tcgetattr(fd, current.as_mut_ptr()) != 0 {
                return None;
            }
            current.assume_init()
        };
        if original.c_lflag & libc::ECHOCTL == 0 {
            return None;
        }
        let mut quiet = original;
        quiet.c_lflag &= !libc::ECHOCTL;
        set(fd, &quiet).then_some(original)
    }

    /// Applies `settings` to the terminal `fd` at once; true when it worked.
    pub fn set(fd: libc::c_int, settings: &libc::termios) -> bool {
        // SAFETY: `settings` is a valid termios read from this terminal by `tcgetattr`.
        unsafe { libc::tcsetattr(fd, libc::TCSANOW, settings) == 0 }
    }
}
