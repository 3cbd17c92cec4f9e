//! The defaults a user can read in `--help`, kept here once: clap shows them, settings and the
//! HTTP layer use them, and a test checks that the help text says the same.

/// `--retries`: four attempts in all.
pub const RETRIES: u32 = 3;
/// Largest `--retries` accepted: more attempts would only hammer a server that is struggling.
pub const MAX_RETRIES: u32 = 10;
/// `--request-timeout`.
pub const REQUEST_TIMEOUT: &str = "30s";
/// `--timeout` of a wait.
pub const WAIT_TIMEOUT: &str = "15m";
/// `--interval` of a wait.
pub const WAIT_INTERVAL: &str = "10s";
/// `--api-version`: the resource version these endpoints were published with.
pub const API_VERSION: &str = "2023-01-01";
/// `--base-url`: commercial Atlas.
pub const BASE_URL: &str = "https://cloud.mongodb.com";
/// `--gov`: Atlas for Government.
pub const GOV_BASE_URL: &str = "https://cloud.mongodbgov.com";
/// `--profile`: the Atlas CLI's own default profile name.
pub const PROFILE: &str = "default";
