//! Hints: one `hint:` line on stderr saying what to run next, where the result leaves the user
//! with an obvious next command (endpoints still settling, a FAILED endpoint to replace, an
//! Azure endpoint to approve, a wait that ran out of time).
//!
//! This is the one place that decides whether hints print: never with `-q` (ids only, for
//! `$(...)`), `--no-hints` or `ATLAS_EAR_NO_HINTS` (resolved in `settings/presentation.rs`),
//! and otherwise always, on a terminal or not, because a CI log is read by a person too and
//! stderr never mixes with the result. Each hint holds a command that runs as printed
//! (`next_command.rs`). Errors keep their own `hint:` lines whatever is chosen here: they are
//! part of the error.

use crate::cli::defaults::STATE_FILE;
use crate::commands::apply::ApplyReport;
use crate::commands::outcome::{Outcome, Reason, Report};
use crate::commands::status_rules::{Verdict, judge};
use crate::output::next_command::{atlas_ear, wait_for};
use crate::settings::presentation::Presentation;
use crate::settings::{Settings, WaitGoal};
use std::io::Write;

/// Whether hints are printed in this run.
pub fn enabled(presentation: &Presentation) -> bool {
    presentation.hints && !presentation.quiet
}

/// Writes `hints` as `hint:` lines, when hints are enabled. A hint that cannot be written (a
/// closed stderr) is dropped: it must not change the run's verdict.
pub fn print(err: &mut impl Write, settings: &Settings, hints: &[String]) {
    if !enabled(&settings.presentation) {
        return;
    }
    for hint in hints {
        let _ = writeln!(err, "hint: {hint}");
    }
}

/// The hints after `create`, `wait` or `delete --wait`, in the order the user would act.
pub fn for_report(settings: &Settings, report: &Report) -> Vec<String> {
    let mut hints = Vec::new();
    hints.extend(failed(settings, &report.outcomes));
    if report.waited_for.is_none() {
        let settling = ids(&report.outcomes, |o| {
            o.problem.is_none()
                && o.status()
                    .is_some_and(|s| judge(WaitGoal::Settled, s) == Verdict::Waiting)
        });
        if !settling.is_empty() {
            let (they, them) = if settling.len() == 1 {
                ("the endpoint takes", "it")
            } else {
                ("endpoints take", "them")
            };
            hints.push(format!(
                "{they} a few minutes to settle; to wait for {them}: {}",
                wait_for(settings, &settling, WaitGoal::Settled)
            ));
        }
    }
    if !matches!(
        report.waited_for,
        Some(WaitGoal::Active | WaitGoal::Deleted)
    ) {
        let to_approve = ids(&report.outcomes, |o| {
            o.problem.is_none() && o.status() == Some("PENDING_ACCEPTANCE")
        });
        if !to_approve.is_empty() {
            let (connection, it) = if to_approve.len() == 1 {
                ("the connection is", "it is")
            } else {
                ("the connections are", "they are")
            };
            hints.push(format!(
                "once {connection} approved, to wait until {it} ACTIVE: {}",
                wait_for(settings, &to_approve, WaitGoal::Active)
            ));
        }
    }
    if let Some(goal) = report.waited_for {
        let timed_out = ids(&report.outcomes, |o| {
            o.problem
                .as_ref()
                .is_some_and(|p| p.reason == Reason::WaitTimeout)
        });
        if !timed_out.is_empty() {
            hints.push(format!(
                "to keep waiting: {}",
                wait_for(settings, &timed_out, goal)
            ));
        }
    }
    hints
}

/// After `apply`: a FAILED endpoint is replaced by running the same `apply` again.
pub fn for_apply(report: &ApplyReport, program: &str) -> Vec<String> {
    let failed: Vec<&str> = report
        .items
        .iter()
        .filter(|i| is_failed(&i.outcome))
        .filter_map(|i| i.outcome.region())
        .collect();
    if failed.is_empty() {
        return Vec::new();
    }
    vec![format!(
        "run the same `{program} apply` again to replace the FAILED endpoint{} in {}: its plan deletes it, waits until it is gone and creates it anew",
        if failed.len() == 1 { "" } else { "s" },
        failed.join(", ")
    )]
}

fn is_failed(outcome: &Outcome) -> bool {
    outcome
        .problem
        .as_ref()
        .is_some_and(|p| p.reason == Reason::EndpointFailed)
}

/// One hint per FAILED endpoint: delete it and create its region again, or `apply` where a
/// desired-state file in the working directory declares the regions.
fn failed(settings: &Settings, outcomes: &[Outcome]) -> Vec<String> {
    let declared = std::path::Path::new(STATE_FILE).is_file();
    outcomes
        .iter()
        .filter(|o| is_failed(o))
        .filter_map(|o| Some((o.endpoint_id()?, o.region()?)))
        .map(|(id, region)| {
            let by_hand = format!(
                "{} && {}",
                atlas_ear(settings, &["delete", id, "--wait"]),
                atlas_ear(settings, &["create", "--region", region])
            );
            if declared {
                format!(
                    "to replace the FAILED endpoint in {region}: {} ({STATE_FILE} is here), or {by_hand}",
                    atlas_ear(settings, &["apply"])
                )
            } else {
                format!("to replace the FAILED endpoint in {region}: {by_hand}")
            }
        })
        .collect()
}

/// The endpoint ids of the outcomes that `keep` selects, in order.
fn ids(outcomes: &[Outcome], keep: impl Fn(&Outcome) -> bool) -> Vec<&str> {
    outcomes
        .iter()
        .filter(|o| !o.gone && keep(o))
        .filter_map(Outcome::endpoint_id)
        .collect()
}
