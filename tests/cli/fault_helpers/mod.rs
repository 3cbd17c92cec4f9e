//! Helpers for the reliability tests: injecting faults and counting what reached the server.
#![allow(dead_code)]

use crate::common::*;

pub fn fault(route: Route, kind: FaultKind, count: u32) -> Fault {
    Fault { route, kind, count }
}

pub fn status(status: u16, retry_after: Option<u64>) -> FaultKind {
    FaultKind::Status {
        status,
        retry_after,
    }
}

/// Requests of `method` that carried credentials the server accepted, i.e. real attempts: the
/// digest challenge exchange (401s) is not counted.
pub fn attempts(emu: &Emulator, method: &str) -> usize {
    api_requests(emu)
        .iter()
        .filter(|r| r.method == method && r.is_authenticated() && r.status != 401)
        .count()
}

/// All authenticated attempts, whatever the method.
pub fn all_attempts(emu: &Emulator) -> usize {
    api_requests(emu)
        .iter()
        .filter(|r| r.is_authenticated() && r.status != 401)
        .count()
}

pub fn statuses(emu: &Emulator) -> Vec<u16> {
    api_requests(emu).iter().map(|r| r.status).collect()
}

/// The delays (in ms) announced by `-v` retry traces, in order.
pub fn announced_delays(stderr: &str) -> Vec<u64> {
    stderr
        .lines()
        .filter(|l| l.contains("retry ") && l.contains(" ms after "))
        .filter_map(|l| {
            let (_, rest) = l.split_once(" in ")?;
            rest.split(' ').next()?.parse().ok()
        })
        .collect()
}

/// The four API commands, each as the argument list that runs it against `id`.
pub fn commands(id: &str) -> Vec<(&'static str, Route, &'static str, Vec<String>)> {
    let args = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    vec![
        ("list", Route::List, "GET", args(&["list"])),
        ("get", Route::Get, "GET", args(&["get", id])),
        (
            "create",
            Route::Create,
            "POST",
            args(&["create", "--region", "EU_WEST_1"]),
        ),
        (
            "delete",
            Route::Delete,
            "DELETE",
            args(&["delete", id, "--yes"]),
        ),
    ]
}
