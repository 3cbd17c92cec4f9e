//! Each subcommand's own flags, resolved once into a plain, checked plan: region names
//! normalised, ids validated, durations parsed, contradictions refused. Commands receive a
//! [`Plan`] and never look at a clap type or resolve an argument themselves.

use crate::cli::defaults::{PARALLEL, STATE_FILE, WAIT_INTERVAL, WAIT_TIMEOUT};
use crate::cli::{
    ApplyArgs, Command, ConfigCommand, CreateArgs, DeleteArgs, GoalArg, PlanArgs,
    PrivateNetworkingCommand, StateArgs, WaitArgs, WaitTiming,
};
use crate::errors::UsageError;
use crate::settings::desired::{self, DesiredState};
use crate::settings::region_list::resolve_regions;
use crate::settings::{Settings, parse_duration, validate_object_id};
use std::time::Duration;

/// What one run is asked to do, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Plan {
    Regions,
    List,
    Get {
        endpoint_id: String,
    },
    Create(CreatePlan),
    Delete(DeletePlan),
    Wait(WaitPlan),
    /// `plan`: compare the declared state with what exists.
    Diff(DiffPlan),
    /// `apply`: make the declared state true.
    Apply(ApplyPlan),
    /// `private-networking enable|disable`.
    PrivateNetworking(PrivateNetworkingPlan),
    ConfigShow,
}

/// `private-networking enable|disable`: the value wanted and how carefully to get there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrivateNetworkingPlan {
    /// The `requirePrivateNetworking` wanted.
    pub require: bool,
    /// `--yes`: do not ask.
    pub confirmed: bool,
    /// `disable --delete-endpoints`: delete every endpoint, wait with this timing until all are
    /// gone, then turn it off.
    pub delete_endpoints: Option<Timing>,
}

/// `plan`: what to compare, and how to end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiffPlan {
    pub state: DesiredState,
    pub prune: bool,
    /// `--exit-code`: exit 9 when something would change.
    pub exit_code: bool,
    pub parallel: usize,
}

/// `apply`: the declared state and how to carry it out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApplyPlan {
    pub state: DesiredState,
    pub prune: bool,
    /// `--yes`: do not ask.
    pub confirmed: bool,
    /// Wait until every managed endpoint is settled, with this timing (`None` with `--no-wait`).
    pub wait: Option<Timing>,
    pub parallel: usize,
}

/// `create`: one endpoint per region, in the order given, duplicates removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreatePlan {
    pub regions: Vec<String>,
    /// List first and leave regions that already have an endpoint alone.
    pub skip_existing: bool,
    /// Wait until every endpoint is settled, with this timing.
    pub wait: Option<Timing>,
}

/// `delete`: one endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeletePlan {
    pub endpoint_id: String,
    /// `--yes`: do not ask.
    pub confirmed: bool,
    /// Wait until it is gone, with this timing.
    pub wait: Option<Timing>,
}

/// `wait`: existing endpoints, each id once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WaitPlan {
    pub endpoint_ids: Vec<String>,
    pub goal: WaitGoal,
    pub timing: Timing,
}

/// What a wait waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WaitGoal {
    /// ACTIVE or PENDING_ACCEPTANCE (success), or FAILED (failure).
    Settled,
    /// ACTIVE only (FAILED is a failure).
    Active,
    /// Gone: Atlas answers 404 for the endpoint.
    Deleted,
}

/// How long and how often a wait polls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timing {
    pub timeout: Duration,
    pub interval: Duration,
}

impl Timing {
    /// Reads `--timeout` and `--interval`; they only make sense when the command waits.
    pub fn resolve(args: &WaitTiming, waiting: bool) -> Result<Timing, UsageError> {
        if !waiting && (args.timeout.is_some() || args.interval.is_some()) {
            return Err(UsageError(
                "--timeout and --interval only apply when waiting: add --wait".into(),
            ));
        }
        let duration = |given: &Option<String>, default: &str, flag: &str| {
            parse_duration(given.as_deref().unwrap_or(default), flag)
        };
        Ok(Timing {
            timeout: duration(&args.timeout, WAIT_TIMEOUT, "--timeout")?,
            interval: duration(&args.interval, WAIT_INTERVAL, "--interval")?,
        })
    }
}

impl Plan {
    /// Checks the subcommand's flags against the resolved global settings. Completions and the
    /// manual page need no plan (they depend on no setting) and are answered before this.
    pub fn resolve(command: &Command, settings: &Settings) -> Result<Plan, UsageError> {
        Ok(match command {
            Command::Regions => Plan::Regions,
            Command::List => Plan::List,
            Command::Get(args) => {
                validate_object_id(&args.endpoint_id, "ENDPOINT_ID")?;
                Plan::Get {
                    endpoint_id: args.endpoint_id.clone(),
                }
            }
            Command::Create(args) => Plan::Create(create_plan(args, settings)?),
            Command::Delete(args) => Plan::Delete(delete_plan(args, settings)?),
            Command::Wait(args) => Plan::Wait(wait_plan(args)?),
            Command::Plan(args) => Plan::Diff(diff_plan(args, settings)?),
            Command::Apply(args) => Plan::Apply(apply_plan(args, settings)?),
            Command::PrivateNetworking(command) => {
                Plan::PrivateNetworking(private_networking_plan(command)?)
            }
            Command::Config(ConfigCommand::Show) => {
                if settings.presentation.quiet {
                    return Err(UsageError(
                        "-q prints ids, and `config show` has none".into(),
                    ));
                }
                Plan::ConfigShow
            }
            Command::Completions(_) | Command::Man => {
                return Err(UsageError(
                    "completions and the manual page are printed before any setting is read".into(),
                ));
            }
        })
    }
}

fn create_plan(args: &CreateArgs, settings: &Settings) -> Result<CreatePlan, UsageError> {
    let regions = resolve_regions(settings.provider, &args.region, args.allow_unknown_region)?;
    let timing = Timing::resolve(&args.timing, args.wait)?;
    Ok(CreatePlan {
        regions,
        skip_existing: args.skip_existing,
        wait: args.wait.then_some(timing),
    })
}

fn delete_plan(args: &DeleteArgs, settings: &Settings) -> Result<DeletePlan, UsageError> {
    let endpoint_id = args.endpoint.endpoint_id.clone();
    validate_object_id(&endpoint_id, "ENDPOINT_ID")?;
    let timing = Timing::resolve(&args.timing, args.wait)?;
    // Without --wait, delete prints no JSON document for --jq to filter.
    if !args.wait && settings.presentation.jq.is_some() {
        return Err(UsageError(
            "--jq has nothing to filter: `delete` prints no JSON on stdout".into(),
        ));
    }
    Ok(DeletePlan {
        endpoint_id,
        confirmed: args.yes,
        wait: args.wait.then_some(timing),
    })
}

fn private_networking_plan(
    command: &PrivateNetworkingCommand,
) -> Result<PrivateNetworkingPlan, UsageError> {
    Ok(match command {
        PrivateNetworkingCommand::Enable(args) => PrivateNetworkingPlan {
            require: true,
            confirmed: args.yes,
            delete_endpoints: None,
        },
        PrivateNetworkingCommand::Disable(args) => {
            let timed = args.timing.timeout.is_some() || args.timing.interval.is_some();
            if timed && !args.delete_endpoints {
                return Err(UsageError(
                    "--timeout and --interval only apply to the wait of --delete-endpoints: add --delete-endpoints".into(),
                ));
            }
            let timing = Timing::resolve(&args.timing, args.delete_endpoints)?;
            PrivateNetworkingPlan {
                require: false,
                confirmed: args.yes,
                delete_endpoints: args.delete_endpoints.then_some(timing),
            }
        }
    })
}

/// The declaration: `--region` for the one project of `--project-id`, else the file (`-f`, or
/// `atlas-ear.toml` in the current directory).
fn desired_state(args: &StateArgs, settings: &Settings) -> Result<DesiredState, UsageError> {
    if !args.region.is_empty() {
        let project_id = settings.project_id()?;
        let regions = resolve_regions(settings.provider, &args.region, false)?;
        return Ok(desired::from_flags(project_id, settings.provider, regions));
    }
    let path = args
        .file
        .clone()
        .unwrap_or_else(|| std::path::PathBuf::from(STATE_FILE));
    desired::read_file(&path)
}

fn parallel(args: &StateArgs) -> usize {
    usize::from(args.parallel.unwrap_or(PARALLEL))
}

fn diff_plan(args: &PlanArgs, settings: &Settings) -> Result<DiffPlan, UsageError> {
    Ok(DiffPlan {
        state: desired_state(&args.state, settings)?,
        prune: args.state.prune,
        exit_code: args.exit_code,
        parallel: parallel(&args.state),
    })
}

fn apply_plan(args: &ApplyArgs, settings: &Settings) -> Result<ApplyPlan, UsageError> {
    let timing = Timing::resolve(&args.timing, !args.no_wait)?;
    Ok(ApplyPlan {
        state: desired_state(&args.state, settings)?,
        prune: args.state.prune,
        confirmed: args.yes,
        wait: (!args.no_wait).then_some(timing),
        parallel: parallel(&args.state),
    })
}

fn wait_plan(args: &WaitArgs) -> Result<WaitPlan, UsageError> {
    let mut endpoint_ids: Vec<String> = Vec::new();
    for id in &args.endpoint_ids {
        validate_object_id(id, "ENDPOINT_ID")?;
        if !endpoint_ids.contains(id) {
            endpoint_ids.push(id.clone());
        }
    }
    Ok(WaitPlan {
        endpoint_ids,
        goal: match args.goal {
            GoalArg::Settled => WaitGoal::Settled,
            GoalArg::Active => WaitGoal::Active,
            GoalArg::Deleted => WaitGoal::Deleted,
        },
        timing: Timing::resolve(&args.timing, true)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timing_defaults_and_rules() {
        let none = WaitTiming::default();
        let timing = Timing::resolve(&none, true).unwrap();
        assert_eq!(timing.timeout, Duration::from_secs(15 * 60));
        assert_eq!(timing.interval, Duration::from_secs(10));
        let given = WaitTiming {
            timeout: Some("2m".into()),
            interval: Some("50ms".into()),
        };
        let timing = Timing::resolve(&given, true).unwrap();
        assert_eq!(timing.timeout, Duration::from_secs(120));
        assert_eq!(timing.interval, Duration::from_millis(50));
        let err = Timing::resolve(&given, false).unwrap_err();
        assert!(err.0.contains("--wait"), "{}", err.0);
        let bad = WaitTiming {
            timeout: Some("soon".into()),
            interval: None,
        };
        assert!(
            Timing::resolve(&bad, true)
                .unwrap_err()
                .0
                .contains("--timeout")
        );
    }
}
