//! The command-line surface: every flag, as clap sees it. Doc comments here are the `--help` text.
//!
//! Nothing is validated here beyond what clap does; `settings.rs` turns these raw values into a
//! checked `Settings` before any request is made.
pub mod help;

use crate::errors::EXIT_CODES_HELP;
use crate::regions::Provider;
use clap::{Args, Parser, Subcommand, ValueEnum};

const ENVIRONMENT_HELP: &str = "\
Environment (a flag beats its variable; a variable beats the Atlas CLI profile):
  MONGODB_ATLAS_PUBLIC_API_KEY   public API key (--public-key)
  MONGODB_ATLAS_PRIVATE_API_KEY  private API key (--private-key)
  MONGODB_ATLAS_CLIENT_ID        service account client id (--client-id)
  MONGODB_ATLAS_CLIENT_SECRET    service account client secret (--client-secret)
  MONGODB_ATLAS_PROJECT_ID       project id (--project-id)
  MONGODB_ATLAS_OPS_MANAGER_URL  API host (--base-url)
  MONGODB_ATLAS_BASE_URL         API host, e.g. http://127.0.0.1:8080 for the emulator
  MONGODB_ATLAS_PROFILE          Atlas CLI profile to read (--profile)
  NO_COLOR                       if set and not empty: no colour (unless --color always)
  CLICOLOR_FORCE                 if set and not 0: colour even when stdout is not a terminal
  COLUMNS                        width tables fit on a terminal (default: the terminal's)
  The Terraform provider's MONGODB_ATLAS_PUBLIC_KEY and MONGODB_ATLAS_PRIVATE_KEY
  work too. Where two names exist, the Atlas CLI's wins: MONGODB_ATLAS_*_API_KEY
  over MONGODB_ATLAS_*_KEY, MONGODB_ATLAS_OPS_MANAGER_URL over MONGODB_ATLAS_BASE_URL.
`atlas-ear config show` prints every resolved setting and where it came from.";

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
    format!("{ENVIRONMENT_HELP}\n\n{EXIT_CODES_HELP}")
}

/// Options every command accepts, before or after the subcommand name.
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Atlas project (group) id: 24 hexadecimal characters [env: MONGODB_ATLAS_PROJECT_ID].
    #[arg(long, global = true, value_name = "ID")]
    pub project_id: Option<String>,

    /// Cloud provider whose key store the endpoints reach.
    #[arg(long, global = true, value_enum, ignore_case = true, default_value_t = Provider::Aws)]
    pub provider: Provider,

    /// Public API key (the digest user name) [env: MONGODB_ATLAS_PUBLIC_API_KEY].
    #[arg(long, global = true, value_name = "KEY")]
    pub public_key: Option<String>,

    /// Private API key. Prefer the environment variable: a flag is visible to other local users
    /// [env: MONGODB_ATLAS_PRIVATE_API_KEY].
    #[arg(long, global = true, value_name = "KEY")]
    pub private_key: Option<String>,

    /// Service account client id, used instead of an API key [env: MONGODB_ATLAS_CLIENT_ID].
    #[arg(long, global = true, value_name = "ID")]
    pub client_id: Option<String>,

    /// Service account client secret. Prefer the environment variable: a flag is visible to
    /// other local users [env: MONGODB_ATLAS_CLIENT_SECRET].
    #[arg(long, global = true, value_name = "SECRET")]
    pub client_secret: Option<String>,

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
        default_value = "2023-01-01",
        value_name = "YYYY-MM-DD"
    )]
    pub api_version: String,

    /// Output format [default: table].
    #[arg(short = 'o', long, global = true, value_enum, value_name = "FORMAT")]
    pub output: Option<OutputFormat>,

    #[command(flatten)]
    pub presentation: crate::settings::presentation::PresentationArgs,

    /// Print the request(s) as curl command lines instead of sending them (keys as placeholders).
    #[arg(long, global = true)]
    pub dry_run: bool,

    /// Extra attempts after a 429, or after a 5xx or network failure of a GET or DELETE (0 = off, at most 10).
    #[arg(
        long,
        global = true,
        default_value_t = crate::http::DEFAULT_RETRIES,
        value_name = "N",
        value_parser = clap::value_parser!(u32).range(0..=i64::from(crate::http::retry::MAX_RETRIES))
    )]
    pub retries: u32,

    /// Time limit for each HTTP request, e.g. 30s or 2m (a wait's --timeout is separate).
    #[arg(long, global = true, default_value = "30s", value_name = "DURATION")]
    pub request_timeout: String,

    /// Do not read or write the digest challenge cache, so this run pays its own handshake (one
    /// extra round trip).
    #[arg(long, global = true)]
    pub no_cache: bool,

    /// Trace requests on stderr: -v method, URL, status, time, retries and rate limits; -vv adds
    /// headers (Authorization redacted) and bodies.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// Bordered table for people; statuses coloured on a terminal.
    Table,
    /// The API's JSON, unchanged.
    Json,
    /// Tab-separated, no borders, for cut and awk.
    Plain,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create private endpoints in one or more regions (Atlas answers INITIATING; they settle later).
    Create(CreateArgs),
    /// List the project's private endpoints for the provider (every page).
    List,
    /// Show one private endpoint.
    Get(EndpointArg),
    /// Request deletion of a private endpoint (it moves to DELETING, then disappears).
    Delete(DeleteArgs),
    /// Wait until existing endpoints are settled, active or deleted.
    Wait(WaitArgs),
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
pub enum WaitGoal {
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
    #[arg(value_name = "ENDPOINT_ID", required = true)]
    pub endpoint_ids: Vec<String>,

    /// The state to wait for.
    #[arg(long = "for", value_enum, default_value_t = WaitGoal::Settled, value_name = "STATE")]
    pub goal: WaitGoal,

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
    #[command(flatten)]
    pub endpoint: EndpointArg,

    /// Do not ask for confirmation (required when not on a terminal).
    #[arg(short = 'y', long)]
    pub yes: bool,

    /// Wait until the endpoint is gone (Atlas answers 404 for it).
    #[arg(long)]
    pub wait: bool,

    #[command(flatten)]
    pub timing: WaitTiming,
}
