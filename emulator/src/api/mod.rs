//! The emulated Atlas API: which route a request names, the fixed order of checks it goes through
//! (authentication, rate limit, version, validation, faults), the four operations on the store, and
//! the service-account token endpoint.
//!
//! May use: `state` and everything below it (`auth`, `faults`, `http`, `model`, the foundations).
//! Never `control` or `server`.

pub(crate) mod operations;
pub(crate) mod params;
pub(crate) mod pipeline;
pub(crate) mod routes;
pub(crate) mod token;
