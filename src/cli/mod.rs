//! The command-line surface: every flag, as clap sees it. Doc comments here are the `--help` text.
//!
//! Nothing is validated here beyond what clap does; `settings/` turns these raw values into a
//! checked `Settings` and a per-command `Plan` before any request is made, and no module above
//! `settings/` sees a type from here. This module imports nothing from the crate but the floor's
//! `ExitCode` (for the help text) and `Secret` (so a key typed as a flag is masked from its
//! first byte).

pub mod defaults;
pub mod environment;
pub mod help;
pub mod man;

use crate::errors::ExitCode;
use crate::secret::Secret;
use clap::{Args, Parser, Subcommand, ValueEnum};

/// The heading of the options every command accepts, in `--help` and the manual.
pub const GLOBAL_OPTIONS: &str = "Global options";

/// The parsed command line and which of its flags were typed (rather than defaulted).
#[derive(Debug)]
pub struct Parsed {
    pub cli: Cli,
    /// Argument ids whose value came from the command line.
    pub typed_flags: Vec<String>,
    /// How the user runs this program: `atlas-ear`, or `atlas ear` when the Atlas CLI started
    /// it as a plugin; commands printed for the user to run next begin with it.
    pub program: &'static str,
}

#[derive(Debug, Parser)]
#[command(
    name = "atlas-ear",
    version,
    about = "Manage MongoDB Atlas encryption-at-rest private endpoints (AWS KMS, Azure Key Vault)",
    after_help = help_footer(),
    propagate_version = true
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,

    #[command(subcommand)]
    pub command: Command,
}

/// The text after the top-level help: where settings come from and what exit codes mean.
fn help_footer() -> String {
    format!("{}\n\n{}", environment::help_text(), ExitCode::help_text())
}

/// Options every command accepts, before or after the subcommand name. They are listed under
/// their own heading, after a command's own options, as gh lists inherited flags.
#[derive(Debug, Args)]
#[command(next_help_heading = GLOBAL_OPTIONS)]
pub struct GlobalArgs {
    /// Atlas project (group) id: 24 hexadecimal characters [env: MONGODB_ATLAS_PROJECT_ID].
    #[arg(long, global = true, value_name = "ID")]
    pub project_id: Option<String>,

    /// Cloud provider whose key store the endpoints reach; `all` lists both. Without it, AWS,
    /// and get, delete and wait also look under Azure for an id AWS does not know.
    #[arg(long, global = true, value_enum, ignore_case = true, default_value_t = ProviderArg::Aws)]
    pub provider: ProviderArg,

    /// Public API key (the digest user name) [env: MONGODB_ATLAS_PUBLIC_API_KEY].
    #[arg(long, global = true, value_name = "KEY")]
    pub public_key: Option<String>,

    /// Private API key. Prefer the environment variable: a flag is visible to other local users
    /// [env: MONGODB_ATLAS_PRIVATE_API_KEY].
    #[arg(long, global = true, value_name = "KEY")]
    pub private_key: Option<Secret>,

    /// Service account client id, used instead of an API key [env: MONGODB_ATLAS_CLIENT_ID].
    #[arg(long, global = true, value_name = "ID")]
    pub client_id: Option<String>,

    /// Service account client secret. Prefer the environment variable: a flag is visible to
    /// other local users [env: MONGODB_ATLAS_CLIENT_SECRET].
    #[arg(long, global = true, value_name = "SECRET")]
    pub client_secret: Option<Secret>,

    /// Atlas CLI profile to read from its config.toml [env: MONGODB_ATLAS_PROFILE] [default: default].
    #[arg(short = 'P', long, global = true, value_name = "NAME")]
    pub profile: Option<String>,

    /// API host [env: MONGODB_ATLAS_OPS_MANAGER_URL or MONGODB_ATLAS_BASE_URL] [default: https://cloud.mongodb.com].
    #[arg(long, global = true, value_name = "URL")]
    pub base_url: Option<String>,

    /// Use Atlas for Government (https://cloud.mongodbgov.com); an explicit --base-url still wins.
    #[arg(long, global = true)]
    pub gov: bool,

    /// Resource version sent in the Accept header (application/vnd.atlas.<VERSION>+json).
    #[arg(
        long,
        global = true,
        default_value = defaults::API_VERSION,
        value_name = "YYYY-MM-DD"
    )]
    pub api_version: String,

    /// Output format [default: table].
    #[arg(short = 'o', long, global = true, value_enum, value_name = "FORMAT")]
    pub output: Option<OutputArg>,

    #[command(flatten)]
    pub presentation: PresentationArgs,

    /// Print the request(s) as curl command lines instead of sending them (keys as placeholders).
    #[arg(long, global = true)]
    pub dry_run: bool,

    /// Extra attempts after a 429, or after a 5xx or network failure of a GET or DELETE (0 = off, at most 10).
    #[arg(
        long,
        global = true,
        default_value_t = defaults::RETRIES,
        value_name = "N",
        value_parser = clap::value_parser!(u32).range(0..=i64::from(defaults::MAX_RETRIES))
    )]
    pub retries: u32,

    /// Time limit for each HTTP request, e.g. 30s or 2m (a wait's --timeout is separate).
    #[arg(long, global = true, default_value = defaults::REQUEST_TIMEOUT, value_name = "DURATION")]
    pub request_timeout: String,

    /// Also trust the root certificate(s) in this PEM file, for a network that inspects TLS
    /// with its own root [env: MONGODB_ATLAS_CA_CERT]. Added to the system store (or to
    /// SSL_CERT_FILE/SSL_CERT_DIR when set); nothing turns verification off.
    #[arg(long, global = true, value_name = "FILE")]
    pub ca_cert: Option<std::path::PathBuf>,

    /// Do not read or write the digest challenge cache, so this run pays its own handshake (one
    /// extra round trip).
    #[arg(long, global = true)]
    pub no_cache: bool,

    /// Trace requests on stderr: -v method, URL, status, time, retries and rate limits; -vv adds
    /// headers (Authorization redacted) and bodies.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
}

/// `--provider`: whose key store the endpoints reach.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ProviderArg {
    Aws,
    Azure,
    // Both providers: `list` shows them in one table; get, delete and wait look under each.
    All,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputArg {
    /// Bordered table for people; statuses coloured on a terminal.
    Table,
    /// The API's JSON, unchanged (indented and coloured on a terminal).
    Json,
    /// Tab-separated, no borders, for cut and awk.
    Plain,
}

/// How results look beyond their format; resolved in `settings/presentation.rs`.
#[derive(Debug, Args)]
#[command(next_help_heading = GLOBAL_OPTIONS)]
pub struct PresentationArgs {
    /// Print only endpoint ids, one per line (region names for `regions`), for `$(...)`.
    #[arg(short, long, global = true)]
    pub quiet: bool,

    /// Leave out the header line of `-o plain` (and the header row of a table).
    #[arg(long, global = true)]
    pub no_headers: bool,

    /// Filter the JSON output with a jq expression (implies -o json); strings print unquoted.
    #[arg(long, global = true, value_name = "EXPR")]
    pub jq: Option<String>,

    /// Colour statuses: auto = only on a terminal, and never under NO_COLOR (CLICOLOR_FORCE=1
    /// forces it).
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,

    /// Do not print hints (`hint:` lines on stderr saying what to run next); -q prints none
    /// either [env: ATLAS_EAR_NO_HINTS].
    #[arg(long, global = true)]
    pub no_hints: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create private endpoints in one or more regions (Atlas answers INITIATING; they settle later).
    ///
    /// An Azure endpoint left awaiting approval (PENDING_ACCEPTANCE) is reported on stderr with
    /// the `az keyvault private-endpoint-connection approve` command that approves it, built
    /// from the project's azureKeyVault configuration (one extra GET, only then).
    Create(CreateArgs),
    /// List the project's private endpoints for the provider (every page).
    List(ListArgs),
    /// Show one private endpoint.
    Get(EndpointArg),
    /// Request deletion of private endpoints (each moves to DELETING, then disappears).
    Delete(DeleteArgs),
    /// Wait until existing endpoints are settled, active or deleted.
    ///
    /// An Azure endpoint left awaiting approval (PENDING_ACCEPTANCE) is reported on stderr with
    /// the `az keyvault private-endpoint-connection approve` command that approves it, built
    /// from the project's azureKeyVault configuration (one extra GET, only then).
    Wait(WaitArgs),
    /// Show what `apply` would change to reach the declared regions (reads only).
    Plan(PlanArgs),
    /// Create, replace and (with --prune) delete endpoints until the declared regions exist.
    ///
    /// An Azure endpoint left awaiting approval (PENDING_ACCEPTANCE) is reported on stderr with
    /// the `az keyvault private-endpoint-connection approve` command that approves it, built
    /// from the project's azureKeyVault configuration (one extra GET, only then).
    Apply(ApplyArgs),
    /// Show each provider's encryption-at-rest setup and whether every region the project's
    /// clusters use has an ACTIVE private endpoint.
    ///
    /// Per project and provider: customer-key encryption, private networking, the endpoints by
    /// region, and coverage: each region where a cluster has nodes, and whether it has an ACTIVE
    /// endpoint. While private networking is required, a region without one is a finding: Atlas
    /// refuses new nodes there. An Azure endpoint awaiting approval is shown with the `az`
    /// command that approves it, on stderr.
    ///
    /// Both providers are shown unless --provider names one. -q prints the regions clusters use
    /// without an ACTIVE endpoint, one per line, for `create --region`.
    Status(StatusArgs),
    /// Require private networking to the provider's key service, or stop requiring it.
    #[command(subcommand)]
    PrivateNetworking(PrivateNetworkingCommand),
    /// Print the regions the provider accepts.
    Regions,
    /// Inspect the configuration: `config show`.
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Print a shell completion script on stdout.
    Completions(CompletionsArgs),
    /// Print the manual page (roff) on stdout.
    Man,
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Print each resolved setting, its value (secrets masked) and where it came from.
    Show,
}

/// `private-networking enable|disable`: the `requirePrivateNetworking` switch of the
/// project's encryption-at-rest configuration for `--provider`.
#[derive(Debug, Subcommand)]
pub enum PrivateNetworkingCommand {
    /// Require private networking: Atlas then reaches the key only through private endpoints,
    /// and creates new clusters and nodes only in regions with an approved endpoint.
    Enable(EnableArgs),
    /// Stop requiring private networking; refused while endpoints of the provider exist, unless
    /// --delete-endpoints removes them first.
    Disable(DisableArgs),
}

#[derive(Debug, Args)]
pub struct EnableArgs {
    /// Do not ask for confirmation (required when not on a terminal).
    #[arg(short = 'y', long)]
    pub yes: bool,
}

#[derive(Debug, Args)]
pub struct DisableArgs {
    /// Do not ask for confirmation (required when not on a terminal).
    #[arg(short = 'y', long)]
    pub yes: bool,

    /// Delete every endpoint of the provider first, wait until all are gone (one list per
    /// round), then turn private networking off.
    #[arg(long)]
    pub delete_endpoints: bool,

    #[command(flatten)]
    pub timing: WaitTiming,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Keep listing every --interval and redraw until Ctrl-C (exit 130); off a terminal, each
    /// listing that changed is printed again.
    #[arg(short = 'w', long)]
    pub watch: bool,

    /// Time between listings with --watch, e.g. 5s [default: 10s].
    #[arg(long, value_name = "DURATION", requires = "watch")]
    pub interval: Option<String>,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// Shell to complete for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct CreateArgs {
    /// Region for an endpoint, e.g. US_EAST_1 (AWS) or US_CENTRAL (Azure); `us-east-1` works too.
    /// Repeat it or separate regions with commas to create one endpoint per region.
    #[arg(
        long,
        required = true,
        value_name = "REGION",
        value_delimiter = ',',
        action = clap::ArgAction::Append
    )]
    pub region: Vec<String>,

    /// List the provider's endpoints first and do not create a region that already has one
    /// (in any status but DELETING); it is reported as existing instead.
    #[arg(long)]
    pub skip_existing: bool,

    /// Send a region that is not in the provider's known list (Atlas adds regions over time).
    #[arg(long)]
    pub allow_unknown_region: bool,

    /// Wait until every endpoint is settled: ACTIVE, PENDING_ACCEPTANCE (Azure) or FAILED.
    #[arg(long)]
    pub wait: bool,

    #[command(flatten)]
    pub timing: WaitTiming,
}

/// How long and how often a wait polls; shared by `create --wait`, `delete --wait` and `wait`.
#[derive(Debug, Args, Clone, Default)]
pub struct WaitTiming {
    /// Stop waiting after this long, e.g. 30m (exit 7) [default: 15m].
    #[arg(long, value_name = "DURATION")]
    pub timeout: Option<String>,

    /// Time between status polls, e.g. 30s, with jitter; the first poll comes sooner [default: 10s].
    #[arg(long, value_name = "DURATION")]
    pub interval: Option<String>,
}

/// What `wait` waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GoalArg {
    /// ACTIVE or PENDING_ACCEPTANCE (success), or FAILED (failure).
    Settled,
    /// ACTIVE only (FAILED is a failure).
    Active,
    /// Gone: Atlas answers 404 for the endpoint.
    Deleted,
}

#[derive(Debug, Args)]
pub struct WaitArgs {
    /// Endpoint ids: 24 hexadecimal characters each, as `list` shows.
    #[arg(value_name = "ENDPOINT_ID", required_unless_present_any = ["region", "all"], conflicts_with_all = ["region", "all"])]
    pub endpoint_ids: Vec<String>,

    /// Wait for the endpoint of this region instead of naming its id (one list finds it).
    #[arg(long, value_name = "REGION", conflicts_with = "all")]
    pub region: Option<String>,

    /// Wait for every endpoint of the project that is not yet where --for wants it (one list
    /// finds them; with --for deleted, every endpoint being deleted).
    #[arg(long)]
    pub all: bool,

    /// The state to wait for.
    #[arg(long = "for", value_enum, default_value_t = GoalArg::Settled, value_name = "STATE")]
    pub goal: GoalArg,

    #[command(flatten)]
    pub timing: WaitTiming,
}

/// Where the declared state comes from: a file, or one project on the command line.
#[derive(Debug, Args, Clone, Default)]
pub struct StateArgs {
    /// Desired-state file (TOML, `[[project]]` tables with `id`, `aws`, `azure`)
    /// [default: atlas-ear.toml].
    #[arg(short = 'f', long, value_name = "FILE", conflicts_with = "region")]
    pub file: Option<std::path::PathBuf>,

    /// Declare these regions for the one project of --project-id and the --provider, instead
    /// of a file. Repeat it or separate regions with commas.
    #[arg(
        long,
        value_name = "REGION",
        value_delimiter = ',',
        action = clap::ArgAction::Append
    )]
    pub region: Vec<String>,

    /// Also delete endpoints in regions the declaration does not name (without it they are
    /// listed as "not managed, kept").
    #[arg(long)]
    pub prune: bool,

    /// Projects worked on at the same time [default: 8].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=64))]
    pub parallel: Option<u16>,

    /// Also declare every region the project's clusters have nodes in, for each provider
    /// declared (one clusters list per project): once private networking is required, Atlas
    /// adds nodes only in regions with an ACTIVE endpoint.
    #[arg(long)]
    pub cover_clusters: bool,
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    /// Show the projects of this desired-state file instead of --project-id (every provider,
    /// or the one --provider names).
    #[arg(short = 'f', long, value_name = "FILE")]
    pub file: Option<std::path::PathBuf>,

    /// Exit 10 when a region used by a cluster has no ACTIVE endpoint while private networking
    /// is required (a finding), for pipelines. An Azure endpoint awaiting approval is shown
    /// with the `az` command that approves it, on stderr.
    #[arg(long)]
    pub exit_code: bool,
}

#[derive(Debug, Args)]
pub struct PlanArgs {
    #[command(flatten)]
    pub state: StateArgs,

    /// Exit 9 when the plan has changes (0 when there is nothing to do), for drift checks.
    #[arg(long)]
    pub exit_code: bool,
}

#[derive(Debug, Args)]
pub struct ApplyArgs {
    #[command(flatten)]
    pub state: StateArgs,

    /// Do not ask for confirmation (required off a terminal when something would be deleted or
    /// replaced).
    #[arg(short = 'y', long)]
    pub yes: bool,

    /// Stop after sending the requests instead of waiting until every managed endpoint is
    /// settled.
    #[arg(long, conflicts_with_all = ["timeout", "interval"])]
    pub no_wait: bool,

    #[command(flatten)]
    pub timing: WaitTiming,
}

#[derive(Debug, Args)]
pub struct EndpointArg {
    /// Endpoint id: 24 hexadecimal characters, as `list` shows.
    #[arg(value_name = "ENDPOINT_ID")]
    pub endpoint_id: String,
}

#[derive(Debug, Args)]
pub struct DeleteArgs {
    /// Endpoint ids: 24 hexadecimal characters each, as `list` shows.
    #[arg(
        value_name = "ENDPOINT_ID",
        required_unless_present = "region",
        conflicts_with = "region"
    )]
    pub endpoint_ids: Vec<String>,

    /// Delete the endpoint of this region instead of naming its id (one list finds it).
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,

    /// Do not ask for confirmation (required when not on a terminal).
    #[arg(short = 'y', long)]
    pub yes: bool,

    /// Wait until the endpoints are gone (Atlas answers 404 for them).
    #[arg(long)]
    pub wait: bool,

    #[command(flatten)]
    pub timing: WaitTiming,
}

#[cfg(test)]
mod tests {
    use crate::cli::help::try_parse_from;

    #[test]
    fn secrets_typed_as_flags_are_masked_in_debug_output() {
        let parsed = try_parse_from([
            "atlas-ear",
            "--private-key",
            "very-private-value",
            "--client-secret",
            "mdb_sa_sk_very_secret",
            "list",
        ])
        .unwrap();
        let printed = format!("{parsed:?}");
        assert!(!printed.contains("very-private-value"), "{printed}");
        assert!(!printed.contains("mdb_sa_sk_very_secret"), "{printed}");
        assert!(printed.contains("private_key: Some(********)"), "{printed}");
        assert!(parsed.typed_flags.iter().any(|f| f == "private_key"));
    }
}
