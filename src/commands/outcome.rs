//! What became of each thing a command was asked to handle (a region of `create`, an endpoint
//! id of `wait` or `delete`), kept apart from how it is printed so that creating, waiting and
//! reporting can each add what they learn.

use crate::api::RawEndpoint;
use crate::errors::{ApiError, ExitWith, exit, exit_code};
use crate::settings::WaitGoal;

/// Why a target did not end well; the `reason` field of the JSON `errors` entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// Atlas answered with an error status.
    ApiError,
    /// No usable answer: network failure, timeout, or a body that is not the promised JSON.
    RequestFailed,
    /// A create whose outcome was unknown; listing showed no endpoint in the region.
    NotCreated,
    /// A create whose outcome is still unknown: no usable answer, and the check by listing
    /// failed or was interrupted. The endpoint may or may not exist.
    OutcomeUnknown,
    /// The endpoint is FAILED.
    EndpointFailed,
    /// The endpoint is DELETING, so it will never become settled or active.
    NotSettling,
    /// The wait reached `--timeout`.
    WaitTimeout,
    /// Ctrl-C arrived while the request was in flight or the endpoint was being waited for.
    Interrupted,
    /// Ctrl-C arrived before the request for this region was sent.
    NotSent,
}

impl Reason {
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::ApiError => "api_error",
            Reason::RequestFailed => "request_failed",
            Reason::NotCreated => "not_created",
            Reason::OutcomeUnknown => "outcome_unknown",
            Reason::EndpointFailed => "endpoint_failed",
            Reason::NotSettling => "not_settling",
            Reason::WaitTimeout => "wait_timeout",
            Reason::Interrupted => "interrupted",
            Reason::NotSent => "not_sent",
        }
    }
}

/// One failure, with what a script needs to branch on and what a person needs to read.
#[derive(Debug, Clone)]
pub struct Problem {
    pub reason: Reason,
    pub exit_code: u8,
    /// HTTP status, when Atlas answered with an error.
    pub http_status: Option<u16>,
    /// Atlas `errorCode`, when its error body had one.
    pub error_code: Option<String>,
    /// A short description (Atlas `detail`, the endpoint's `errorMessage`, or our own words).
    pub detail: String,
    /// The full message for stderr, hints included.
    pub message: String,
}

impl Problem {
    pub fn new(reason: Reason, exit_code: u8, message: impl Into<String>) -> Problem {
        let message = message.into();
        Problem {
            reason,
            exit_code,
            http_status: None,
            error_code: None,
            detail: message.clone(),
            message,
        }
    }

    /// Describes a failed request; `context` (if any) is put in front of the error's own words.
    pub fn from_error(error: &anyhow::Error, context: Option<&str>) -> Problem {
        let api = error.chain().find_map(|c| c.downcast_ref::<ApiError>());
        let own = format!("{error:#}");
        let message = match context {
            Some(context) => format!("{context}: {own}"),
            None => own,
        };
        Problem {
            reason: if api.is_some() {
                Reason::ApiError
            } else {
                Reason::RequestFailed
            },
            exit_code: exit_code(error),
            http_status: api.map(|a| a.status),
            error_code: api.and_then(|a| a.error_code.clone()),
            detail: api
                .and_then(|a| a.detail.clone())
                .unwrap_or_else(|| message.lines().next().unwrap_or("").to_string()),
            message,
        }
    }
}

/// What the user named.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A region of `create`.
    Region(String),
    /// An endpoint id of `wait` or `delete`.
    Endpoint(String),
}

impl Target {
    pub fn name(&self) -> &str {
        match self {
            Target::Region(name) | Target::Endpoint(name) => name,
        }
    }

    pub fn noun(&self) -> &'static str {
        match self {
            Target::Region(_) => "region",
            Target::Endpoint(_) => "endpoint",
        }
    }
}

/// What became of one target.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub target: Target,
    /// The endpoint as last seen, when one exists (or existed, if `gone`).
    pub endpoint: Option<RawEndpoint>,
    /// It was there before this run (`create --skip-existing`).
    pub existing: bool,
    /// Atlas answers 404 for it now: it is deleted.
    pub gone: bool,
    pub problem: Option<Problem>,
    /// Remarks for stderr, such as how an unknown outcome was resolved.
    pub notes: Vec<String>,
    /// What the user must do next (an endpoint awaiting approval).
    pub next_step: Option<String>,
}

impl Outcome {
    pub fn new(target: Target) -> Outcome {
        Outcome {
            target,
            endpoint: None,
            existing: false,
            gone: false,
            problem: None,
            notes: Vec::new(),
            next_step: None,
        }
    }

    fn field(&self, name: &str) -> Option<&str> {
        self.endpoint.as_ref()?.value.get(name)?.as_str()
    }

    pub fn status(&self) -> Option<&str> {
        self.field("status")
    }

    pub fn endpoint_id(&self) -> Option<&str> {
        self.field("id")
    }

    /// The endpoint's region, or the region that was asked for.
    pub fn region(&self) -> Option<&str> {
        match &self.target {
            Target::Region(region) => Some(region),
            Target::Endpoint(_) => self.field("regionName"),
        }
    }

    /// The endpoint's id, or the id that was asked for (they differ once Atlas replaced it).
    pub fn id(&self) -> Option<&str> {
        match &self.target {
            Target::Endpoint(id) => self.endpoint_id().or(Some(id)),
            Target::Region(_) => self.endpoint_id(),
        }
    }

    /// "REGION ID" once both are known, for progress lines and messages.
    pub fn label(&self) -> String {
        match (self.region(), self.id()) {
            (Some(region), Some(id)) => format!("{region} {id}"),
            _ => self.target.name().to_string(),
        }
    }
}

/// What a command that handled several regions or ids hands to `output/`.
#[derive(Debug)]
pub struct Report {
    pub outcomes: Vec<Outcome>,
    pub shape: Shape,
    /// Ctrl-C ended the command: nothing more was sent.
    pub interrupted: bool,
    /// What the command waited for (`None`: `create` without `--wait`), so that the output can
    /// say how to go on waiting.
    pub waited_for: Option<WaitGoal>,
}

/// Whether the user asked about one thing (print it as `get` would) or several (one document).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    Single,
    /// Several targets; the flags say which optional lists the JSON document carries.
    Many {
        existing: bool,
        deleted: bool,
    },
}

impl Shape {
    /// One target prints like `get`; several print one document with the lists named.
    pub fn for_targets(count: usize, existing: bool, deleted: bool) -> Shape {
        if count == 1 {
            Shape::Single
        } else {
            Shape::Many { existing, deleted }
        }
    }
}

/// The command's final verdict: `Ok` when every target ended well; otherwise the exit code of
/// the first failed target in the order given (130 when interrupted), with a summary message.
/// After Ctrl-C, `resume` (the command that goes on waiting, if any) ends the summary.
pub fn conclude(
    outcomes: &[Outcome],
    interrupted: bool,
    resume: Option<&str>,
) -> anyhow::Result<()> {
    let failed: Vec<&Outcome> = outcomes.iter().filter(|o| o.problem.is_some()).collect();
    if failed.is_empty() && !interrupted {
        return Ok(());
    }
    let (code, message) = if interrupted {
        let message = interrupted_summary(outcomes, resume);
        (crate::interrupt::exit_code(), message)
    } else {
        let code = failed
            .first()
            .and_then(|o| o.problem.as_ref())
            .map_or(exit::FAILURE, |p| p.exit_code);
        (code, failures(outcomes, &failed).unwrap_or_default())
    };
    Err(ExitWith {
        code,
        message: Some(message),
    }
    .into())
}

/// The failed targets in one line: the problem itself for a single target, else how many of
/// how many and which.
fn failures(outcomes: &[Outcome], failed: &[&Outcome]) -> Option<String> {
    let first = failed.first()?;
    if outcomes.len() == 1 {
        return first.problem.as_ref().map(|p| p.message.clone());
    }
    Some(format!(
        "{} of {} {}s did not succeed: {}",
        failed.len(),
        outcomes.len(),
        first.target.noun(),
        failed
            .iter()
            .map(|o| o.target.name())
            .collect::<Vec<_>>()
            .join(", ")
    ))
}

/// Whether Ctrl-C cut the wait for this endpoint short: it exists and is fine as far as
/// anyone knows, it just had not reached what was waited for.
pub fn cut_short(outcome: &Outcome) -> bool {
    outcome.id().is_some()
        && outcome
            .problem
            .as_ref()
            .is_some_and(|p| p.reason == Reason::Interrupted)
}

/// What is true after Ctrl-C: endpoints whose wait was cut short are not failures (each is
/// named with what it had reached), real failures are counted apart, and the command that
/// resumes the wait comes last.
fn interrupted_summary(outcomes: &[Outcome], resume: Option<&str>) -> String {
    let mut lines = vec![format!(
        "{}: nothing more was sent; everything known is printed above",
        crate::interrupt::stopped_by()
    )];
    for outcome in outcomes {
        let created = matches!(outcome.target, Target::Region(_))
            && !outcome.existing
            && outcome.endpoint.is_some();
        let label = outcome.label();
        match &outcome.problem {
            Some(problem) if cut_short(outcome) => lines.push(format!(
                "  {label}: {}{}",
                if created { "created, " } else { "" },
                problem.message
            )),
            None if created => lines.push(format!(
                "  {label}: created ({})",
                outcome.status().unwrap_or("no status")
            )),
            _ => {}
        }
    }
    let failed: Vec<&Outcome> = outcomes
        .iter()
        .filter(|o| o.problem.is_some() && !cut_short(o))
        .collect();
    if let Some(failures) = failures(outcomes, &failed) {
        lines.push(format!("  {failures}"));
    }
    if let Some(resume) = resume {
        lines.push(format!("  to resume the wait: {resume}"));
    }
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn created(region: &str, id: &str, status: &str) -> Outcome {
        let mut outcome = Outcome::new(Target::Region(region.into()));
        let value = json!({"id": id, "regionName": region, "status": status});
        let serde_json::Value::Object(value) = value else {
            unreachable!()
        };
        outcome.endpoint = Some(RawEndpoint { value, body: None });
        outcome
    }

    #[test]
    fn after_ctrl_c_the_summary_says_what_is_true_of_each_region() {
        let mut settling = created("US_EAST_1", "a", "INITIATING");
        settling.problem = Some(Problem::new(
            Reason::Interrupted,
            exit::INTERRUPTED,
            "not settled yet (last status INITIATING)",
        ));
        let active = created("EU_WEST_1", "b", "ACTIVE");
        let mut not_sent = Outcome::new(Target::Region("AP_SOUTH_1".into()));
        not_sent.problem = Some(Problem::new(Reason::NotSent, exit::INTERRUPTED, "not sent"));
        let summary = interrupted_summary(&[settling, active, not_sent], Some("atlas-ear wait a"));
        let lines: Vec<&str> = summary.lines().collect();
        assert_eq!(
            lines[1..],
            [
                "  US_EAST_1 a: created, not settled yet (last status INITIATING)",
                "  EU_WEST_1 b: created (ACTIVE)",
                "  1 of 3 regions did not succeed: AP_SOUTH_1",
                "  to resume the wait: atlas-ear wait a",
            ]
        );
        assert!(lines[0].ends_with("nothing more was sent; everything known is printed above"));
    }
}
