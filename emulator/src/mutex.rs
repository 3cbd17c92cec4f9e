//! One way to take a lock. Every mutex in the emulator is locked through here so a panic in one
//! request (a bug, or a test's assertion on the server thread) cannot stop all later requests.

use std::sync::{Mutex, MutexGuard};

/// Locks a mutex even if a panicking thread poisoned it: every critical section leaves its data
/// consistent, so the emulator keeps serving.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
