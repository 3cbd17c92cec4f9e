//! Each subcommand's own flags, resolved once into a plain, checked plan: region names
//! normalised, ids validated, durations parsed, contradictions refused. Commands receive a
//! [`Plan`] and never look at a clap type or resolve an argument themselves.

use crate::cli::defaults::{PARALLEL, STATE_FILE, WAIT_INTERVAL, WAIT_TIMEOUT};
use crate::cli::{
    ApplyArgs, Command, ConfigCommand, CreateArgs, DeleteArgs, GoalArg, ListArgs, PlanArgs,
    PrivateNetworkingCommand, StateArgs, StatusArgs, WaitArgs, WaitTiming,
};
use crate::errors::UsageError;
use crate::regions::Provider;
use crate::settings::desired::{self, DesiredState};
use crate::settings::region_list::resolve_regions;
use crate::settings::{Settings, parse_duration, validate_object_id};
use std::time::Duration;

/// What one run is asked to do, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Plan {
    Regions,
    /// `list`; with `--watch`, again every interval until Ctrl-C.
    List {
        watch: Option<Duration>,
    },
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
    /// `status`: the encryption-at-rest setup and cluster coverage of some projects.
    Status(StatusPlan),
    /// `private-networking enable|disable`.
    PrivateNetworking(PrivateNetworkingPlan),
    ConfigShow,
}

/// `status`: which projects and providers to show, and how to end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusPlan {
    pub project_ids: Vec<String>,
    /// Both providers, or the one `--provider` names when it is typed.
    pub providers: Vec<Provider>,
    /// `--exit-code`: exit 10 when there is a finding.
    pub exit_code: bool,
    /// Projects read at the same time.
    pub parallel: usize,
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
    /// `--cover-clusters`: add the regions the project's clusters use to those declared.
    pub cover_clusters: bool,
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
    /// `--cover-clusters`: add the regions the project's clusters use to those declared.
    pub cover_clusters: bool,
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

/// The endpoints a `delete` or `wait` addresses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Targets {
    /// By id, each once, in the order given.
    Ids(Vec<String>),
    /// `--region R`: the endpoint(s) in R, under each provider that has R (its Atlas name there).
    Region(Vec<(Provider, String)>),
    /// `wait --all`: every endpoint not yet where the wait wants it.
    Unsettled,
}

/// `delete`: endpoints by id or by region.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeletePlan {
    pub targets: Targets,
    /// `--yes`: do not ask.
    pub confirmed: bool,
    /// Wait until it is gone, with this timing.
    pub wait: Option<Timing>,
}

/// `wait`: existing endpoints, by id (each once), by region, or every unsettled one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WaitPlan {
    pub targets: Targets,
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
            Command::Regions => {
                settings.providers.one("regions")?;
                Plan::Regions
            }
            Command::List(args) => list_plan(args)?,
            Command::Get(args) => {
                validate_object_id(&args.endpoint_id, "ENDPOINT_ID")?;
                Plan::Get {
                    endpoint_id: args.endpoint_id.clone(),
                }
            }
            Command::Create(args) => Plan::Create(create_plan(args, settings)?),
            Command::Delete(args) => Plan::Delete(delete_plan(args, settings)?),
            Command::Wait(args) => Plan::Wait(wait_plan(args, settings)?),
            Command::Plan(args) => Plan::Diff(diff_plan(args, settings)?),
            Command::Apply(args) => Plan::Apply(apply_plan(args, settings)?),
            Command::Status(args) => Plan::Status(status_plan(args, settings)?),
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

fn list_plan(args: &ListArgs) -> Result<Plan, UsageError> {
    let watch = match (&args.watch, &args.interval) {
        (false, _) => None,
        (true, given) => Some(parse_duration(
            given.as_deref().unwrap_or(WAIT_INTERVAL),
            "--interval",
        )?),
    };
    Ok(Plan::List { watch })
}

/// Ids given on the command line, each checked and kept once, or the region they stand for.
fn targets(
    ids: &[String],
    region: Option<&str>,
    settings: &Settings,
) -> Result<Targets, UsageError> {
    if let Some(region) = region {
        return Ok(Targets::Region(settings.providers.region_scopes(region)?));
    }
    let mut unique: Vec<String> = Vec::new();
    for id in ids {
        validate_object_id(id, "ENDPOINT_ID")?;
        if !unique.contains(id) {
            unique.push(id.clone());
        }
    }
    Ok(Targets::Ids(unique))
}

fn create_plan(args: &CreateArgs, settings: &Settings) -> Result<CreatePlan, UsageError> {
    settings.providers.one("create")?;
    let regions = resolve_regions(settings.provider, &args.region, args.allow_unknown_region)?;
    let timing = Timing::resolve(&args.timing, args.wait)?;
    Ok(CreatePlan {
        regions,
        skip_existing: args.skip_existing,
        wait: args.wait.then_some(timing),
    })
}

fn delete_plan(args: &DeleteArgs, settings: &Settings) -> Result<DeletePlan, UsageError> {
    let targets = targets(&args.endpoint_ids, args.region.as_deref(), settings)?;
    let timing = Timing::resolve(&args.timing, args.wait)?;
    // Without --wait, delete prints no JSON document for --jq to filter.
    if !args.wait && settings.presentation.jq.is_some() {
        return Err(UsageError(
            "--jq has nothing to filter: `delete` prints no JSON on stdout".into(),
        ));
    }
    Ok(DeletePlan {
        targets,
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
        settings.providers.one("--region of plan and apply")?;
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
        cover_clusters: args.state.cover_clusters,
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
        cover_clusters: args.state.cover_clusters,
    })
}

/// `status`: the projects of `-f FILE`, else the one of `--project-id`; both providers unless
/// `--provider aws|azure` was typed.
fn status_plan(args: &StatusArgs, settings: &Settings) -> Result<StatusPlan, UsageError> {
    let project_ids = match &args.file {
        Some(path) => desired::read_file(path)?
            .projects
            .into_iter()
            .map(|p| p.id)
            .collect(),
        None => vec![settings.project_id()?.to_string()],
    };
    // A status is about the whole project: both providers unless one is named.
    let providers = settings.providers.lookup_order();
    Ok(StatusPlan {
        project_ids,
        providers,
        exit_code: args.exit_code,
        parallel: usize::from(PARALLEL),
    })
}

fn wait_plan(args: &WaitArgs, settings: &Settings) -> Result<WaitPlan, UsageError> {
    let targets = if args.all {
        Targets::Unsettled
    } else {
        targets(&args.endpoint_ids, args.region.as_deref(), settings)?
    };
    Ok(WaitPlan {
        targets,
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
