//! Proving who is calling: digest answers for API keys, bearer tokens for service accounts,
//! and the two small caches (digest challenge, access token) that spare later runs a round trip.
//!
//! This layer knows nothing of HTTP clients or settings: `http/` drives it with the values
//! `settings/` resolved. It may use only the floor.

pub mod challenge_cache;
pub mod challenge_slot;
pub mod digest;
pub mod private_file;
pub mod token;
