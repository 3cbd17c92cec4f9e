//! The integration tests: one test binary (linked once) that drives the real `atlas-ear`
//! binary against an in-process emulator. Each module is one area of behaviour; the helper
//! modules at the top are shared by all of them.

mod background;
mod common;
mod fault_helpers;
// `openpty` is Unix only.
#[cfg(unix)]
mod pty;
mod stand_in;

mod api_errors;
mod atlas_cli_plugin;
mod challenge_cache;
mod challenge_cache_file;
mod colour_and_width;
mod commands;
mod config_show;
mod declared_state;
mod dry_run;
mod fleet;
mod fleet_concurrency;
mod help_and_manual;
mod hostile_answers;
mod hostile_auth;
mod hostile_caches;
mod hostile_pagination;
mod hostile_urls;
mod hostile_writes;
mod input_errors;
mod interrupt;
mod one_handshake;
mod output_formats;
mod precedence;
mod profiles;
mod progress_terminal;
mod proxies;
mod reliability_fault_matrix;
mod reliability_properties;
mod reliability_retries;
mod reliability_secrets;
mod reliability_signals;
mod reliability_transport;
mod render_snapshots;
mod service_accounts;
mod targets;
mod terminal;
mod traces;
mod wait;
