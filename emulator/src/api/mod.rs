//! The emulated Atlas API: which route a request names, the fixed order of checks it goes through
//! (authentication, rate limit, version, validation, faults), the four operations on the store, the
//! project's encryption-at-rest configuration and cluster list, and the service-account token
//! endpoint.
//!
//! May use: `state` and everything below it (`auth`, `faults`, `http`, `model`, the foundations).
//! Never `control` or `server`.

pub(crate) mod encryption;
pub(crate) mod operations;
pub(crate) mod params;
pub(crate) mod pipeline;
pub(crate) mod project;
pub(crate) mod routes;
pub(crate) mod token;
