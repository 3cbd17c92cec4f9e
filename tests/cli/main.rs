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
mod tls_stand_in;

mod api_errors;
mod approval;
mod atlas_cli_plugin;
mod challenge_cache;
mod challenge_cache_file;
mod colour_and_width;
mod commands;
mod config_show;
mod cover_clusters;
mod declared_state;
mod dry_run;
mod emulator_exports;
mod fleet;
mod fleet_concurrency;
mod help_and_manual;
mod hints;
mod hostile_answers;
mod hostile_auth;
mod hostile_caches;
mod hostile_pagination;
mod hostile_urls;
mod hostile_writes;
mod input_errors;
mod interrupt;
mod interrupt_on_terminal;
mod json_on_a_terminal;
mod one_handshake;
mod output_formats;
mod precedence;
mod private_networking;
mod private_networking_asked;
mod profiles;
mod progress_terminal;
mod project_resources;
mod providers;
mod proxies;
mod proxy_tunnels;
mod recreation;
mod region_names;
mod reliability_fault_matrix;
mod reliability_properties;
mod reliability_retries;
mod reliability_secrets;
mod reliability_signals;
mod reliability_transport;
mod render_snapshots;
mod service_accounts;
mod status;
mod tables_that_fit;
mod targeting;
mod targets;
mod terminal;
mod tls;
mod traces;
mod wait;
mod watch;
