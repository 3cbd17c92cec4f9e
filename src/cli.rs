//! The command-line surface: every flag, as clap sees it. Doc comments here are the `--help` text.
//!
//! Nothing is validated here beyond what clap does; `settings.rs` turns these raw values into a
//! checked `Settings` before any request is made.

use crate::errors::EXIT_CODES_HELP;
use crate::regions::Provider;
use clap::{Args, Parser, Subcommand, ValueEnum};

const ENVIRONMENT_HELP: &str = "\
Environment:
  MONGODB_ATLAS_PUBLIC_API_KEY   public API key (--public-key)
  MONGODB_ATLAS_PRIVATE_API_KEY  private API key (--private-key)
  MONGODB_ATLAS_PROJECT_ID       project id (--project-id)
  MONGODB_ATLAS_BASE_URL         API host (--base-url), e.g. http://127.0.0.1:8080 for the emulator
  NO_COLOR                       if set and not empty: no colour (unless --color always)
  CLICOLOR_FORCE                 if set and not 0: colour even when stdout is not a terminal
  COLUMNS                        width tables fit on a terminal (default: the terminal's)";

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
    /// Atlas project (group) id: 24 hexadecimal characters.
    #[arg(
        long,
        global = true,
        env = "MONGODB_ATLAS_PROJECT_ID",
        value_name = "ID"
    )]
    pub project_id: Option<String>,

    /// Cloud provider whose key store the endpoints reach.
    #[arg(long, global = true, value_enum, ignore_case = true, default_value_t = Provider::Aws)]
    pub provider: Provider,

    /// Public API key (the digest user name).
    #[arg(
        long,
        global = true,
        env = "MONGODB_ATLAS_PUBLIC_API_KEY",
        hide_env_values = true,
        value_name = "KEY"
    )]
    pub public_key: Option<String>,

    /// Private API key. Prefer the environment variable: a flag is visible to other local users.
    #[arg(
        long,
        global = true,
        env = "MONGODB_ATLAS_PRIVATE_API_KEY",
        hide_env_values = true,
        value_name = "KEY"
    )]
    pub private_key: Option<String>,

    /// API host [default: https://cloud.mongodb.com].
    #[arg(
        long,
        global = true,
        env = "MONGODB_ATLAS_BASE_URL",
        value_name = "URL"
    )]
    pub base_url: Option<String>,

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
    pub presentation: crate::presentation::PresentationArgs,

    /// Print the request(s) as curl command lines instead of sending them (keys as placeholders).
    #[arg(long, global = true)]
    pub dry_run: bool,

    /// Extra attempts after a 429, or after a 5xx or network failure of a GET or DELETE (0 = off).
    #[arg(long, global = true, default_value_t = crate::client::DEFAULT_RETRIES, value_name = "N")]
    pub retries: u32,

    /// Time limit for each HTTP request, e.g. 30s or 2m (a wait's --timeout is separate).
    #[arg(long, global = true, default_value = "30s", value_name = "DURATION")]
    pub request_timeout: String,

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
    /// Create a private endpoint in a region (Atlas answers INITIATING; it settles later).
    Create(CreateArgs),
    /// List the project's private endpoints for the provider (every page).
    List,
    /// Show one private endpoint.
    Get(EndpointArg),
    /// Request deletion of a private endpoint (it moves to DELETING, then disappears).
    Delete(DeleteArgs),
    /// Print the regions the provider accepts.
    Regions,
    /// Print a shell completion script on stdout.
    Completions(CompletionsArgs),
    /// Print the manual page (roff) on stdout.
    Man,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// Shell to complete for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct CreateArgs {
    /// Region for the endpoint, e.g. US_EAST_1 (AWS) or US_CENTRAL (Azure); `us-east-1` works too.
    #[arg(long, required = true, value_name = "REGION")]
    pub region: String,
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
}
